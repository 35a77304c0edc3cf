/* Replays the LCP fixture runs client/01, 02 and 03 end to end through the LCP client: create the client, register
 * every enclave key from its attestation report, apply every update, verify every (non-)membership commitment,
 * with each input's current_timestamp as "now". client/03 is also replayed with operators and a 2/4, 3/4 and 4/4
 * threshold using the four-key signatures of updates 006..009 and 010..013. */
#include "lcfix.h"

#include <stdio.h>
#include <string.h>

#include "lcp/crypto.h"

typedef struct {
    const char *dir;
    int nkeys;
    const char *steps[16];
} run;

static const run RUNS[] = {
    {"01", 1,
     {"003-update_client", "004-verify_channel", "005-update_client", "006-verify_packet",
      "007-verify_packet_receipt_absence", NULL}},
    {"02", 1,
     {"003-update_client", "004-verify_channel", "005-update_client", "006-verify_packet",
      "007-verify_packet_receipt_absence", NULL}},
    {"03", 4,
     {"006-update_client", "007-update_client", "008-update_client", "009-update_client", "010-update_client",
      "011-update_client", "012-update_client", "013-update_client", "014-verify_channel", "015-update_client",
      "016-verify_packet", "017-verify_packet_receipt_absence", NULL}},
};

/* Applies one fixture step (update or verify) with its own signature. Returns the call's result. */
static int apply(lcfix_client *c, const char *dir, const char *step, int64_t *now, char *err)
{
    uint8_t *msg, *sig;
    size_t ml, sl, len;
    lcfix_result(dir, step, &msg, &ml, &sig, &sl);
    lcp_bytes s = {sig, sl};
    int rc;
    *now = lcfix_now(dir, step, *now);
    if (strstr(step, "update")) {
        uint8_t *um = lcfix_update_msg(msg, ml, &s, 1, &len);
        lcp_lc_update_result res;
        rc = lcp_lc_update_client(c->lc, &res, "lcp-0", um, len, *now, err);
        lcp_free(um);
    } else {
        char rel[256];
        snprintf(rel, sizeof rel, "lcp/lcp-solidity/client/%s/%s_input", dir, step);
        cJSON *in = tu_json(rel);
        size_t pl, vl = 0;
        uint8_t *prefix = tu_b64_field(in, "prefix", &pl), *value = NULL;
        const char *path = cJSON_GetObjectItemCaseSensitive(in, "path")->valuestring;
        int member = cJSON_GetObjectItemCaseSensitive(in, "value") != NULL;
        if (member) value = tu_b64_field(in, "value", &vl);
        lcp_proxy_msg pm;
        assert_int_equal(lcp_proxy_msg_decode(&pm, msg, ml, NULL), LCP_OK);
        uint8_t *proof = lcfix_proofs(msg, ml, &s, 1, &len);
        lcp_height h = pm.u.state.height;
        if (member)
            rc = lcp_lc_verify_membership(c->lc, "lcp-0", &h, prefix, pl, (const uint8_t *)path, strlen(path), value,
                                          vl, proof, len, *now, err);
        else
            rc = lcp_lc_verify_non_membership(c->lc, "lcp-0", &h, prefix, pl, (const uint8_t *)path, strlen(path),
                                              proof, len, *now, err);
        lcp_free(proof);
        lcp_free(prefix);
        lcp_free(value);
        cJSON_Delete(in);
    }
    lcp_free(msg);
    lcp_free(sig);
    return rc;
}

static void test_replay_permissionless(void **state)
{
    (void)state;
    for (size_t r = 0; r < sizeof RUNS / sizeof RUNS[0]; r++) {
        const run *R = &RUNS[r];
        lcfix_client c;
        char err[LCP_ERR_LEN] = "";
        lcfix_open(&c, R->dir);
        if (lcfix_create(&c, "lcp-0", R->dir, NULL, 0, 0, 0, err) != LCP_OK) fail_msg("%s create: %s", R->dir, err);
        int64_t now = lcfix_now(R->dir, R->steps[0], 0);
        for (int k = 1; k <= R->nkeys; k++) {
            size_t len;
            uint8_t *m = lcfix_register_msg(R->dir, k, NULL, &len), key[20], want[20];
            lcp_lc_enclave_key info;
            if (lcp_lc_register_enclave_key(c.lc, key, &info, "lcp-0", m, len, now, err) != LCP_OK)
                fail_msg("%s register %d: %s", R->dir, k, err);
            lcfix_report_key(R->dir, k, want);
            assert_memory_equal(key, want, 20);
            assert_true(info.expired_at > (uint64_t)now);
            /* Registering the same report again changes nothing and succeeds. */
            size_t writes = lcp_lc_memstore_writes(c.mem);
            assert_int_equal(lcp_lc_register_enclave_key(c.lc, NULL, NULL, "lcp-0", m, len, now, err), LCP_OK);
            assert_int_equal(lcp_lc_memstore_writes(c.mem), writes);
            lcp_free(m);
        }
        for (int s = 0; R->steps[s]; s++) {
            /* 03/007..009 repeat 006 (the client's first update) under other keys. Once initialised, the client
             * checks the previous state, which a first update never stores, so the repeat is refused - as the
             * Solidity client does. 011..013 repeat 010, whose previous state is held: accepted, nothing changes. */
            int first_repeat = strcmp(R->dir, "03") == 0 && strncmp(R->steps[s], "00", 2) == 0 &&
                               R->steps[s][2] >= '7' && R->steps[s][2] <= '9';
            size_t writes = lcp_lc_memstore_writes(c.mem);
            int rc = apply(&c, R->dir, R->steps[s], &now, err);
            if (first_repeat) {
                assert_int_equal(rc, LCP_ERR_LC_UPDATE_STATE_UNEXPECTED_PREV_STATE_ID);
                assert_int_equal(lcp_lc_memstore_writes(c.mem), writes);
            } else if (rc != LCP_OK) {
                fail_msg("%s %s: %s", R->dir, R->steps[s], err);
            }
            if (strcmp(R->dir, "03") == 0 && strncmp(R->steps[s], "01", 2) == 0 && R->steps[s][2] >= '1' &&
                R->steps[s][2] <= '3')
                assert_int_equal(lcp_lc_memstore_writes(c.mem), writes);
        }
        lcp_lc_client_state cs;
        assert_int_equal(lcp_lc_get_client_state(c.lc, &cs, "lcp-0", err), LCP_OK);
        assert_false(cs.frozen);
        assert_true(cs.latest_height.revision_height > 0);
        lcfix_close(&c);
    }
}

/* client/03 with four operators: EK k is registered with operator k's EIP-712 signature, so an update needs
 * ceil(n * num / den) of the four enclave-key signatures. */
static void threshold_case(uint64_t num, uint64_t den)
{
    uint8_t sks[4][32], addrs[4][20];
    /* Four wallets, sorted by address so slot i belongs to operators[i]. */
    for (int i = 0; i < 4; i++) {
        uint8_t pub[65];
        memset(sks[i], 0x10 + i, 32);
        assert_int_equal(lcp_secp256k1_pubkey(pub, sks[i]), LCP_OK);
        assert_int_equal(lcp_secp256k1_address(addrs[i], pub, 65), LCP_OK);
    }
    for (int i = 0; i < 4; i++)
        for (int j = i + 1; j < 4; j++)
            if (memcmp(addrs[i], addrs[j], 20) > 0) {
                uint8_t t[32];
                memcpy(t, addrs[i], 20), memcpy(addrs[i], addrs[j], 20), memcpy(addrs[j], t, 20);
                memcpy(t, sks[i], 32), memcpy(sks[i], sks[j], 32), memcpy(sks[j], t, 32);
            }
    lcfix_client c;
    char err[LCP_ERR_LEN] = "";
    lcfix_open(&c, "03");
    if (lcfix_create(&c, "lcp-0", "03", (const uint8_t(*)[20])addrs, 4, num, den, err) != LCP_OK) fail_msg("create: %s", err);
    int64_t now = lcfix_now("03", "006-update_client", 0);
    for (int k = 1; k <= 4; k++) {
        size_t len;
        uint8_t *m = lcfix_register_msg("03", k, sks[k - 1], &len);
        lcp_lc_enclave_key info;
        uint8_t key[20];
        if (lcp_lc_register_enclave_key(c.lc, key, &info, "lcp-0", m, len, now, err) != LCP_OK) fail_msg("reg %d: %s", k, err);
        assert_memory_equal(info.operator_addr, addrs[k - 1], 20);
        lcp_free(m);
    }
    size_t need = (size_t)((4 * num + den - 1) / den);
    const char *sets[2][4] = {{"006-update_client", "007-update_client", "008-update_client", "009-update_client"},
                              {"010-update_client", "011-update_client", "012-update_client", "013-update_client"}};
    for (int s = 0; s < 2; s++) {
        uint8_t *msg = NULL, *sig[4];
        size_t ml = 0, sl[4];
        for (int k = 0; k < 4; k++) {
            uint8_t *m;
            lcfix_result("03", sets[s][k], &m, &ml, &sig[k], &sl[k]);
            if (k == 0) msg = m;
            else lcp_free(m);
        }
        now = lcfix_now("03", sets[s][0], now);
        /* One signature fewer than needed is refused; exactly the needed number (the first slots) passes. */
        for (size_t have = need - 1; have <= need; have++) {
            lcp_bytes sv[4] = {{0}};
            for (size_t k = 0; k < have; k++) sv[k] = (lcp_bytes){sig[k], sl[k]};
            size_t len;
            uint8_t *um = lcfix_update_msg(msg, ml, sv, 4, &len);
            int rc = lcp_lc_update_client(c.lc, NULL, "lcp-0", um, len, now, err);
            if (have < need) assert_int_equal(rc, LCP_ERR_LC_OPERATOR_SIGNATURES_INSUFFICIENT);
            else if (rc != LCP_OK) fail_msg("%llu/%llu with %zu: %s", (unsigned long long)num, (unsigned long long)den, have, err);
            lcp_free(um);
        }
        /* A signature in another operator's slot is refused. */
        lcp_bytes swapped[4] = {{sig[1], sl[1]}, {sig[0], sl[0]}, {sig[2], sl[2]}, {sig[3], sl[3]}};
        size_t len;
        uint8_t *um = lcfix_update_msg(msg, ml, swapped, 4, &len);
        assert_int_equal(lcp_lc_update_client(c.lc, NULL, "lcp-0", um, len, now, err), LCP_ERR_LC_ENCLAVE_KEY_UNEXPECTED_OPERATOR);
        lcp_free(um);
        /* The wrong number of slots is refused. */
        um = lcfix_update_msg(msg, ml, swapped, 3, &len);
        assert_int_equal(lcp_lc_update_client(c.lc, NULL, "lcp-0", um, len, now, err), LCP_ERR_LC_INVALID_SIGNATURES_LENGTH);
        lcp_free(um);
        lcp_free(msg);
        for (int k = 0; k < 4; k++) lcp_free(sig[k]);
    }
    lcfix_close(&c);
}

static void test_threshold_2_of_4(void **state) { (void)state; threshold_case(2, 4); }
static void test_threshold_3_of_4(void **state) { (void)state; threshold_case(3, 4); }
static void test_threshold_4_of_4(void **state) { (void)state; threshold_case(4, 4); }

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_replay_permissionless),
        cmocka_unit_test(test_threshold_2_of_4),
        cmocka_unit_test(test_threshold_3_of_4),
        cmocka_unit_test(test_threshold_4_of_4),
    };
    return cmocka_run_group_tests_name("lcpclient/replay", tests, NULL, NULL);
}
