/* Every *_result message of the LCP fixtures (lcp-solidity/client/01–03) decodes and re-encodes byte-identically,
 * and its signature recovers to an enclave key of that directory's attestation reports. Also: the messages carry
 * what their inputs say (StateID rule, emitted state, keccak of the value, prefix and path), and every single-byte
 * tamper of a message or a signature changes the recovered signer or fails. */
#include "testutil.h"

#include <stdio.h>
#include <string.h>

#include "lcp/codec_pb.h"
#include "lcp/commitment.h"
#include "lcp/crypto.h"

#define DIR "lcp/lcp-solidity/client/"

typedef struct {
    const char *dir;
    int navr;
    const char *results[16];
} fixture_dir;

static const fixture_dir DIRS[] = {
    {"01", 1,
     {"002-init_client", "003-update_client", "004-verify_channel", "005-update_client", "006-verify_packet",
      "007-verify_packet_receipt_absence", NULL}},
    {"02", 1,
     {"002-init_client", "003-update_client", "004-verify_channel", "005-update_client", "006-verify_packet",
      "007-verify_packet_receipt_absence", NULL}},
    {"03", 4,
     {"005-init_client", "006-update_client", "007-update_client", "008-update_client", "009-update_client",
      "010-update_client", "011-update_client", "012-update_client", "013-update_client", "014-verify_channel",
      "015-update_client", "016-verify_packet", "017-verify_packet_receipt_absence", NULL}},
};

static void load_keys(const fixture_dir *fd, uint8_t keys[4][20])
{
    char rel[256];
    for (int i = 0; i < fd->navr; i++) {
        snprintf(rel, sizeof rel, DIR "%s/%03d-avr", fd->dir, i + 1);
        cJSON *j = tu_json(rel);
        size_t n;
        uint8_t *k = tu_b64_field(j, "enclave_key", &n);
        assert_int_equal(n, 20);
        memcpy(keys[i], k, 20);
        lcp_free(k);
        cJSON_Delete(j);
    }
}

/* Loads a result: message and signature; an init result nests them in "proof". */
static void load_result(const char *dir, const char *name, uint8_t **msg, size_t *msg_len, uint8_t **sig,
                        size_t *sig_len)
{
    char rel[256];
    snprintf(rel, sizeof rel, DIR "%s/%s_result", dir, name);
    cJSON *j = tu_json(rel);
    const cJSON *proof = cJSON_GetObjectItemCaseSensitive(j, "proof");
    const cJSON *o = proof ? proof : j;
    *msg = tu_b64_field(o, "message", msg_len);
    *sig = tu_b64_field(o, "signature", sig_len);
    cJSON_Delete(j);
}

static void test_roundtrip_and_signers(void **state)
{
    (void)state;
    int messages = 0, signed_messages = 0;
    for (size_t d = 0; d < sizeof DIRS / sizeof DIRS[0]; d++) {
        uint8_t keys[4][20];
        load_keys(&DIRS[d], keys);
        for (int r = 0; DIRS[d].results[r]; r++) {
            uint8_t *msg, *sig;
            size_t ml, sl;
            load_result(DIRS[d].dir, DIRS[d].results[r], &msg, &ml, &sig, &sl);
            char err[LCP_ERR_LEN] = "";
            lcp_proxy_msg pm;
            if (lcp_proxy_msg_decode(&pm, msg, ml, err) != LCP_OK)
                fail_msg("%s/%s: %s", DIRS[d].dir, DIRS[d].results[r], err);
            assert_int_equal(lcp_proxy_msg_validate(&pm, err), LCP_OK);
            size_t need;
            assert_int_equal(lcp_proxy_msg_encode(NULL, 0, &need, &pm), LCP_OK);
            assert_int_equal(need, ml);
            uint8_t *re = lcp_malloc(need);
            assert_int_equal(lcp_proxy_msg_encode(re, need, &need, &pm), LCP_OK);
            assert_memory_equal(re, msg, ml);
            lcp_free(re);
            if (strstr(DIRS[d].results[r], "init")) {
                /* LCP returns init commitments unsigned: tendermint's create_client has prove = false. */
                assert_int_equal(sl, 0);
                assert_int_equal(pm.type, LCP_MSG_UPDATE_STATE);
            } else {
                uint8_t addr[20];
                assert_int_equal(lcp_commitment_recover_signer(addr, msg, ml, sig, sl, err), LCP_OK);
                int found = 0;
                for (int k = 0; k < DIRS[d].navr; k++) found |= memcmp(addr, keys[k], 20) == 0;
                if (!found) fail_msg("%s/%s: signer is not an enclave key of the directory", DIRS[d].dir,
                                     DIRS[d].results[r]);
                signed_messages++;
            }
            messages++;
            lcp_free(msg);
            lcp_free(sig);
        }
    }
    assert_int_equal(messages, 25);
    assert_int_equal(signed_messages, 22);
}

/* client/03 006..009 is one message signed by the four keys, in order; 010..013 likewise. */
static void test_multisig_sets(void **state)
{
    (void)state;
    uint8_t keys[4][20];
    load_keys(&DIRS[2], keys);
    const char *sets[2][4] = {{"006-update_client", "007-update_client", "008-update_client", "009-update_client"},
                              {"010-update_client", "011-update_client", "012-update_client", "013-update_client"}};
    for (int s = 0; s < 2; s++) {
        uint8_t *first = NULL;
        size_t first_len = 0;
        for (int i = 0; i < 4; i++) {
            uint8_t *msg, *sig, addr[20];
            size_t ml, sl;
            load_result("03", sets[s][i], &msg, &ml, &sig, &sl);
            if (i == 0) {
                first = msg;
                first_len = ml;
            } else {
                assert_int_equal(ml, first_len);
                assert_memory_equal(msg, first, ml);
            }
            assert_int_equal(lcp_commitment_recover_signer(addr, msg, ml, sig, sl, NULL), LCP_OK);
            assert_memory_equal(addr, keys[i], 20);
            if (i) lcp_free(msg);
            lcp_free(sig);
        }
        lcp_free(first);
    }
}

/* The init commitment of client/01 carries the StateID of the canonicalised client state (latest height (1,0))
 * and the input consensus state, and emits the original client state at the post height. */
static void test_init_content(void **state)
{
    (void)state;
    cJSON *in = tu_json(DIR "01/002-init_client_input");
    const cJSON *cs = cJSON_GetObjectItemCaseSensitive(in, "any_client_state");
    const cJSON *cons = cJSON_GetObjectItemCaseSensitive(in, "any_consensus_state");
    size_t csl, consl;
    uint8_t *csv = tu_b64_field(cs, "value", &csl), *consv = tu_b64_field(cons, "value", &consl);
    const char *cs_url = cJSON_GetObjectItemCaseSensitive(cs, "type_url")->valuestring;
    const char *cons_url = cJSON_GetObjectItemCaseSensitive(cons, "type_url")->valuestring;

    uint8_t any_cs[512], any_cons[512];
    lcp_pb_writer w;
    lcp_pb_writer_init(&w, any_cs, sizeof any_cs);
    lcp_pb_put_any(&w, cs_url, strlen(cs_url), csv, csl);
    size_t any_cs_len = w.len;
    lcp_pb_writer_init(&w, any_cons, sizeof any_cons);
    lcp_pb_put_any(&w, cons_url, strlen(cons_url), consv, consl);
    size_t any_cons_len = w.len;

    uint8_t *msg, *sig;
    size_t ml, sl;
    load_result("01", "002-init_client", &msg, &ml, &sig, &sl);
    lcp_proxy_msg pm;
    assert_int_equal(lcp_proxy_msg_decode(&pm, msg, ml, NULL), LCP_OK);
    const lcp_update_state_msg *u = &pm.u.update;
    assert_true(lcp_height_is_zero(&u->prev_height));
    assert_int_equal(u->post_height.revision_number, 1);
    assert_int_equal(u->post_height.revision_height, 45);
    assert_true(u->timestamp == (lcp_u128)1718463238834804340ull);
    assert_int_equal(u->emitted_count, 1);
    lcp_emitted_state es;
    assert_int_equal(lcp_update_state_emitted(u, 0, &es), LCP_OK);
    assert_int_equal(es.height.revision_height, 45);
    assert_int_equal(es.state.len, any_cs_len);
    assert_memory_equal(es.state.ptr, any_cs, any_cs_len);

    /* Canonicalise by hand: latest_height (field 7) {1: 1, 2: 45} becomes {1: 1}. */
    static const uint8_t from[] = {0x3a, 0x04, 0x08, 0x01, 0x10, 0x2d}, to[] = {0x3a, 0x02, 0x08, 0x01};
    uint8_t canon[512];
    uint8_t *hit = memmem(csv, csl, from, sizeof from);
    assert_non_null(hit);
    size_t pre = (size_t)(hit - csv);
    memcpy(canon, csv, pre);
    memcpy(canon + pre, to, sizeof to);
    memcpy(canon + pre + sizeof to, hit + sizeof from, csl - pre - sizeof from);
    size_t canon_len = csl - sizeof from + sizeof to;
    uint8_t any_canon[512];
    lcp_pb_writer_init(&w, any_canon, sizeof any_canon);
    lcp_pb_put_any(&w, cs_url, strlen(cs_url), canon, canon_len);
    uint8_t id[32];
    assert_int_equal(lcp_state_id(id, any_canon, w.len, any_cons, any_cons_len), LCP_OK);
    assert_memory_equal(id, u->post_state_id, 32);
    /* The plain concatenation is not what LCP hashes (spec §3.4): make sure the test can tell. */
    uint8_t plain[32];
    lcp_bytes parts[2] = {{any_canon, w.len}, {any_cons, any_cons_len}};
    assert_int_equal(lcp_sha256_parts(plain, parts, 2), LCP_OK);
    assert_memory_not_equal(plain, u->post_state_id, 32);

    lcp_free(msg);
    lcp_free(sig);
    lcp_free(csv);
    lcp_free(consv);
    cJSON_Delete(in);
}

/* Membership and non-membership messages carry keccak256(value) (zero for absence), prefix and path as input. */
static void test_membership_content(void **state)
{
    (void)state;
    const char *names[] = {"004-verify_channel", "006-verify_packet", "007-verify_packet_receipt_absence"};
    for (int i = 0; i < 3; i++) {
        char rel[256];
        snprintf(rel, sizeof rel, DIR "01/%s_input", names[i]);
        cJSON *in = tu_json(rel);
        size_t pl, vl = 0;
        uint8_t *prefix = tu_b64_field(in, "prefix", &pl), *value = NULL;
        const char *path = cJSON_GetObjectItemCaseSensitive(in, "path")->valuestring;
        if (cJSON_GetObjectItemCaseSensitive(in, "value")) value = tu_b64_field(in, "value", &vl);
        uint8_t *msg, *sig;
        size_t ml, sl;
        load_result("01", names[i], &msg, &ml, &sig, &sl);
        lcp_proxy_msg pm;
        assert_int_equal(lcp_proxy_msg_decode(&pm, msg, ml, NULL), LCP_OK);
        assert_int_equal(pm.type, LCP_MSG_STATE);
        assert_int_equal(pm.u.state.prefix.len, pl);
        assert_memory_equal(pm.u.state.prefix.ptr, prefix, pl);
        assert_int_equal(pm.u.state.path.len, strlen(path));
        assert_memory_equal(pm.u.state.path.ptr, path, strlen(path));
        uint8_t want[32] = {0};
        if (value) lcp_keccak256(want, value, vl);
        assert_memory_equal(pm.u.state.value, want, 32);
        lcp_free(prefix);
        lcp_free(value);
        lcp_free(msg);
        lcp_free(sig);
        cJSON_Delete(in);
    }
}

/* Any single-byte change of a signed message or of its signature must not recover to the enclave key. */
static void test_every_byte_tamper(void **state)
{
    (void)state;
    uint8_t keys[4][20];
    load_keys(&DIRS[0], keys);
    const char *names[] = {"003-update_client", "004-verify_channel"};
    for (int n = 0; n < 2; n++) {
        uint8_t *msg, *sig, addr[20];
        size_t ml, sl;
        load_result("01", names[n], &msg, &ml, &sig, &sl);
        for (size_t i = 0; i < ml; i++) {
            msg[i] ^= 0x01;
            int rc = lcp_commitment_recover_signer(addr, msg, ml, sig, sl, NULL);
            assert_true(rc != LCP_OK || memcmp(addr, keys[0], 20) != 0);
            msg[i] ^= 0x01;
        }
        for (size_t i = 0; i < sl; i++) {
            for (int bit = 0; bit < 8; bit++) {
                sig[i] ^= (uint8_t)(1u << bit);
                int rc = lcp_commitment_recover_signer(addr, msg, ml, sig, sl, NULL);
                /* v is 0 or 1: one flipped bit gives the other parity (another key) or an invalid v, never the
                 * equivalent 27/28 form, so no change may recover the enclave key. */
                assert_true(rc != LCP_OK || memcmp(addr, keys[0], 20) != 0);
                sig[i] ^= (uint8_t)(1u << bit);
            }
        }
        assert_int_equal(lcp_commitment_recover_signer(addr, msg, ml, sig, sl - 1, NULL), LCP_ERR_CRYPTO_SIG_LEN);
        lcp_free(msg);
        lcp_free(sig);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_roundtrip_and_signers),
        cmocka_unit_test(test_multisig_sets),
        cmocka_unit_test(test_init_content),
        cmocka_unit_test(test_membership_content),
        cmocka_unit_test(test_every_byte_tamper),
    };
    return cmocka_run_group_tests_name("commitment/fixture_messages", tests, NULL, NULL);
}
