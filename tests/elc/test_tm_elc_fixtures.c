/* The 07-tendermint ELC replays LCP's recorded runs (testdata/lcp/lcp-solidity/client/01, 02, 03): fed each
 * init_client and update_client *_input in order, with `now` = the input's current_timestamp and a memory store
 * the way the enclave's handlers fill it, it returns proxy messages byte-identical to the *_result messages.
 * Also: the emitted and stored states are the ones LCP stores, the StateIDs of the fixtures' membership results
 * match ours, and the ways an update or proof is refused (unknown client, frozen client, tampered header, expired
 * trust, a clock far behind, missing trusted state, empty proof) are refused. */
#include "lcfix.h"
#include "tmchain.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lcp/commitment.h"
#include "lcp/elc.h"
#include "lcp/elc_tendermint.h"

#define FIXDIR "lcp/lcp-solidity/client/"

static int name_cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* The *_input names ("002-init_client") of a fixture directory, sorted. */
static size_t list_inputs(const char *dir, char names[][64], size_t cap)
{
    char rel[128];
    snprintf(rel, sizeof rel, FIXDIR "%.8s", dir);
    DIR *d = opendir(tu_path(rel));
    assert_non_null(d);
    char *tmp[64];
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t l = strlen(e->d_name);
        if (l > 6 && l < 64 && strcmp(e->d_name + l - 6, "_input") == 0 && n < cap) {
            tmp[n] = strndup(e->d_name, l - 6);
            assert_non_null(tmp[n]);
            n++;
        }
    }
    closedir(d);
    qsort(tmp, n, sizeof tmp[0], name_cmp);
    for (size_t i = 0; i < n; i++) {
        snprintf(names[i], 64, "%s", tmp[i]);
        free(tmp[i]);
    }
    return n;
}

typedef struct {
    cJSON *in;
    uint8_t *bufs[4];
    int nbufs;
} input;

static input load_input(const char *dir, const char *name)
{
    char rel[256];
    snprintf(rel, sizeof rel, FIXDIR "%.8s/%.63s_input", dir, name);
    input x = {tu_json(rel), {0}, 0};
    return x;
}

static void input_free(input *x)
{
    for (int i = 0; i < x->nbufs; i++) lcp_free(x->bufs[i]);
    cJSON_Delete(x->in);
}

static lcp_pb_any input_any(input *x, const char *name)
{
    const cJSON *o = cJSON_GetObjectItemCaseSensitive(x->in, name);
    const cJSON *u = cJSON_GetObjectItemCaseSensitive(o, "type_url");
    assert_true(cJSON_IsString(u));
    size_t n;
    uint8_t *v = tu_b64_field(o, "value", &n);
    x->bufs[x->nbufs++] = v;
    lcp_pb_any a = {{(const uint8_t *)u->valuestring, strlen(u->valuestring)}, {v, n}};
    return a;
}

static uint64_t input_now_ns(const input *x)
{
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(x->in, "current_timestamp");
    assert_true(cJSON_IsNumber(t));
    return (uint64_t)t->valuedouble * 1000000000ull;
}

static void expect_result(const char *dir, const char *name, const lcp_buf *msg, int signed_)
{
    char rel[256];
    snprintf(rel, sizeof rel, FIXDIR "%.8s/%.63s_result", dir, name);
    cJSON *j = tu_json(rel);
    const cJSON *p = cJSON_GetObjectItemCaseSensitive(j, "proof");
    size_t n, sn;
    uint8_t *want = tu_b64_field(p ? p : j, "message", &n);
    uint8_t *sig = tu_b64_field(p ? p : j, "signature", &sn);
    assert_int_equal(sn, signed_ ? 65 : 0); /* LCP signs updates, not creates */
    if (msg->len != n || memcmp(msg->data, want, n) != 0) {
        for (size_t i = 0; i < n && i < msg->len; i += 32)
            if (memcmp(msg->data + i, want + i, n - i < 32 ? n - i : 32) != 0) {
                print_message("%s/%s: first differing word %zu\n", dir, name, i / 32);
                break;
            }
        fail_msg("%s/%s: message differs from LCP's (%zu vs %zu bytes)", dir, name, msg->len, n);
    }
    lcp_free(want);
    lcp_free(sig);
    cJSON_Delete(j);
}

/* What the enclave's handlers do with a result: store the client type at create, then the states. */
static void store_result(tmc_memstore *m, const char *client_id, const lcp_elc_result *r, int create)
{
    char key[256];
    if (create) {
        assert_int_equal(lcp_elc_key_client_type(key, sizeof key, client_id), LCP_OK);
        tmc_memstore_put(m, key, (const uint8_t *)"07-tendermint", 13);
    }
    if (r->client_state.len) {
        assert_int_equal(lcp_elc_key_client_state(key, sizeof key, client_id), LCP_OK);
        tmc_memstore_put(m, key, r->client_state.data, r->client_state.len);
    }
    if (r->consensus_state.len) {
        assert_int_equal(lcp_elc_key_consensus_state(key, sizeof key, client_id, &r->height), LCP_OK);
        tmc_memstore_put(m, key, r->consensus_state.data, r->consensus_state.len);
    }
}

/* Replays dir's init and updates into m; returns the number of updates replayed. */
static int replay(const char *dir, tmc_memstore *m)
{
    char names[64][64];
    size_t n = list_inputs(dir, names, 64);
    int updates = 0, created = 0;
    char err[LCP_ERR_LEN] = "";
    for (size_t i = 0; i < n; i++) {
        int is_init = strstr(names[i], "init_client") != NULL, is_update = strstr(names[i], "update_client") != NULL;
        if (!is_init && !is_update) continue;
        input x = load_input(dir, names[i]);
        lcp_elc_env env = tmc_memstore_env(m, input_now_ns(&x));
        lcp_elc_result r;
        memset(&r, 0, sizeof r);
        if (is_init) {
            lcp_pb_any cs = input_any(&x, "any_client_state"), cons = input_any(&x, "any_consensus_state");
            const lcp_elc_ops *ops = lcp_elc_find(lcp_elc_release, &cs.type_url);
            assert_ptr_equal(ops, &lcp_elc_tendermint);
            if (ops->create_client(&env, &r, &cs, &cons, err) != LCP_OK) fail_msg("%s/%s: %s", dir, names[i], err);
            assert_int_equal(r.prove, 0);
            /* LCP stores the states as given */
            assert_int_equal(r.client_state.len, 2 + cs.type_url.len + 2 + cs.value.len);
            assert_memory_equal(r.client_state.data + r.client_state.len - cs.value.len, cs.value.ptr, cs.value.len);
            store_result(m, "07-tendermint-0", &r, 1);
            created = 1;
        } else {
            assert_true(created);
            const cJSON *cid = cJSON_GetObjectItemCaseSensitive(x.in, "client_id");
            assert_string_equal(cid->valuestring, "07-tendermint-0");
            lcp_pb_any h = input_any(&x, "any_header");
            int include = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(x.in, "include_state"));
            if (lcp_elc_tendermint.update_client(&env, &r, cid->valuestring, &h, include, err) != LCP_OK)
                fail_msg("%s/%s: %s", dir, names[i], err);
            assert_int_equal(r.prove, 1);
            assert_int_equal(r.misbehaviour, 0);
            lcp_height latest;
            store_result(m, cid->valuestring, &r, 0);
            assert_int_equal(lcp_elc_tendermint.latest_height(&env, &latest, cid->valuestring, err), LCP_OK);
            assert_true(lcp_height_cmp(&latest, &r.height) >= 0);
            updates++;
        }
        expect_result(dir, names[i], &r.message, !is_init);
        lcp_elc_result_free(&r);
        input_free(&x);
    }
    assert_true(created);
    return updates;
}

static void test_replay_01(void **state)
{
    (void)state;
    tmc_memstore *m = tmc_memstore_new();
    assert_int_equal(replay("01", m), 2);
    tmc_memstore_free(m);
}

static void test_replay_02(void **state)
{
    (void)state;
    tmc_memstore *m = tmc_memstore_new();
    assert_int_equal(replay("02", m), 2);
    tmc_memstore_free(m);
}

static void test_replay_03(void **state)
{
    (void)state;
    tmc_memstore *m = tmc_memstore_new();
    /* 03 applies the 46->47 header four times and the 47->48 header four times, as LCP does (no duplicate check) */
    assert_int_equal(replay("03", m), 9);
    tmc_memstore_free(m);
}

/* The membership results of the fixtures carry the StateID of the consensus state at their height: it is the
 * post_state_id of the update that installed it. */
static void test_membership_state_ids(void **state)
{
    (void)state;
    static const struct {
        const char *dir, *update, *verify;
    } cases[] = {{"01", "003-update_client", "004-verify_channel"}, {"01", "005-update_client", "006-verify_packet"},
                 {"01", "005-update_client", "007-verify_packet_receipt_absence"},
                 {"03", "013-update_client", "014-verify_channel"}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        uint8_t *um, *us, *vm, *vs;
        size_t uml, usl, vml, vsl;
        lcfix_result(cases[i].dir, cases[i].update, &um, &uml, &us, &usl);
        lcfix_result(cases[i].dir, cases[i].verify, &vm, &vml, &vs, &vsl);
        lcp_proxy_msg u, v;
        assert_int_equal(lcp_proxy_msg_decode(&u, um, uml, NULL), LCP_OK);
        assert_int_equal(lcp_proxy_msg_decode(&v, vm, vml, NULL), LCP_OK);
        assert_int_equal(v.type, LCP_MSG_STATE);
        assert_int_equal(lcp_height_cmp(&u.u.update.post_height, &v.u.state.height), 0);
        assert_memory_equal(u.u.update.post_state_id, v.u.state.state_id, 32);
        lcp_free(um), lcp_free(us), lcp_free(vm), lcp_free(vs);
    }
}

/* After replaying 01, the stored states answer verify requests: without a proof, at a missing height, above the
 * latest height - all refused before any commitment is made. */
static void test_refusals_after_replay(void **state)
{
    (void)state;
    tmc_memstore *m = tmc_memstore_new();
    replay("01", m);
    input x = load_input("01", "003-update_client");
    lcp_pb_any h = input_any(&x, "any_header");
    uint64_t now = input_now_ns(&x);
    lcp_elc_env env = tmc_memstore_env(m, now);
    lcp_elc_result r;
    memset(&r, 0, sizeof r);
    char err[LCP_ERR_LEN] = "";
    /* an unknown client */
    assert_int_equal(lcp_elc_tendermint.update_client(&env, &r, "07-tendermint-9", &h, 0, err), LCP_ERR_ELC_CLIENT_NOT_FOUND);
    /* a mock header is not a tendermint message */
    lcp_pb_any wrong = h;
    wrong.type_url = (lcp_bytes){(const uint8_t *)"/ibc.mock.Header", 16};
    assert_int_equal(lcp_elc_tendermint.update_client(&env, &r, "07-tendermint-0", &wrong, 0, err), LCP_ERR_ELC_INVALID_HEADER);
    /* the same header again, now below the latest height (48), is fine (LCP has no duplicate check): the same
     * transition as in the fixture, and the latest height stays 48 */
    assert_int_equal(lcp_elc_tendermint.update_client(&env, &r, "07-tendermint-0", &h, 1, err), LCP_OK);
    uint8_t *fm, *fs;
    size_t fml, fsl;
    lcfix_result("01", "003-update_client", &fm, &fml, &fs, &fsl);
    lcp_proxy_msg got, want;
    assert_int_equal(lcp_proxy_msg_decode(&got, r.message.data, r.message.len, NULL), LCP_OK);
    assert_int_equal(lcp_proxy_msg_decode(&want, fm, fml, NULL), LCP_OK);
    assert_memory_equal(got.u.update.prev_state_id, want.u.update.prev_state_id, 32);
    assert_memory_equal(got.u.update.post_state_id, want.u.update.post_state_id, 32);
    assert_int_equal(got.u.update.post_height.revision_height, 47);
    lcp_emitted_state es;
    assert_int_equal(lcp_update_state_emitted(&got.u.update, 0, &es), LCP_OK);
    static const uint8_t latest48[] = {0x3a, 0x04, 0x08, 0x01, 0x10, 0x30};
    assert_non_null(memmem(es.state.ptr, es.state.len, latest48, sizeof latest48));
    lcp_free(fm), lcp_free(fs);
    lcp_elc_result_free(&r);
    memset(&r, 0, sizeof r);
    /* one flipped byte anywhere in the signed header or its commit is refused */
    uint8_t *copy = lcp_malloc(h.value.len);
    assert_non_null(copy);
    size_t refused = 0, tried = 0;
    for (size_t i = 0; i < h.value.len; i += 7) {
        memcpy(copy, h.value.ptr, h.value.len);
        copy[i] ^= 0x01;
        lcp_pb_any t = {h.type_url, {copy, h.value.len}};
        int rc = lcp_elc_tendermint.update_client(&env, &r, "07-tendermint-0", &t, 1, err);
        tried++;
        if (rc != LCP_OK) refused++;
        else if (r.message.len == 0) fail_msg("accepted without a message");
        lcp_elc_result_free(&r);
        memset(&r, 0, sizeof r);
    }
    /* flips in fields no hash covers (total_voting_power, proposer priority, a commit timestamp's unsigned copy...)
     * may pass; everything that is signed or hashed must not */
    assert_true(refused > tried * 9 / 10);
    lcp_free(copy);
    /* the trusting period has passed (14 days later) */
    env.now_ns = now + 15ull * 86400 * 1000000000ull;
    assert_int_equal(lcp_elc_tendermint.update_client(&env, &r, "07-tendermint-0", &h, 0, err), LCP_ERR_TM_EXPIRED);
    /* a clock so far behind that the header lies beyond now + max_clock_drift */
    env.now_ns = now - 3600ull * 1000000000ull;
    assert_int_equal(lcp_elc_tendermint.update_client(&env, &r, "07-tendermint-0", &h, 0, err), LCP_ERR_TM_FUTURE);
    env.now_ns = now;
    /* membership: no proof, a height with no consensus state, a height above the latest */
    lcp_height h47 = {1, 47}, h46 = {1, 46}, h99 = {1, 99};
    const char *path = "channelEnds/ports/transfer/channels/channel-0";
    assert_int_equal(lcp_elc_tendermint.verify_membership(&env, &r, "07-tendermint-0", (const uint8_t *)"ibc", 3, path,
                                                          (const uint8_t *)"v", 1, 1, &h47, NULL, 0, err),
                     LCP_ERR_ICS23_ARGS);
    assert_int_equal(lcp_elc_tendermint.verify_membership(&env, &r, "07-tendermint-0", (const uint8_t *)"ibc", 3, path,
                                                          (const uint8_t *)"v", 1, 1, &h46, (const uint8_t *)"x", 1, err),
                     LCP_ERR_ELC_CLIENT_NOT_FOUND);
    assert_int_equal(lcp_elc_tendermint.verify_membership(&env, &r, "07-tendermint-0", (const uint8_t *)"ibc", 3, path,
                                                          (const uint8_t *)"v", 1, 1, &h99, (const uint8_t *)"x", 1, err),
                     LCP_ERR_ELC_CLIENT_NOT_FOUND);
    /* a proof that is not a MerkleProof */
    int rc = lcp_elc_tendermint.verify_membership(&env, &r, "07-tendermint-0", (const uint8_t *)"ibc", 3, path,
                                                  (const uint8_t *)"v", 1, 1, &h47, (const uint8_t *)"\x0a\x01", 2, err);
    assert_int_not_equal(rc, LCP_OK);
    assert_int_equal(r.message.len, 0);
    input_free(&x);
    tmc_memstore_free(m);
}

/* Create refuses what ibc-rs's ClientState / ConsensusState conversions refuse. */
static void test_create_refusals(void **state)
{
    (void)state;
    input x = load_input("01", "002-init_client");
    lcp_pb_any cs = input_any(&x, "any_client_state"), cons = input_any(&x, "any_consensus_state");
    tmc_memstore *m = tmc_memstore_new();
    lcp_elc_env env = tmc_memstore_env(m, input_now_ns(&x));
    lcp_elc_result r;
    memset(&r, 0, sizeof r);
    char err[LCP_ERR_LEN] = "";
    /* swapped states */
    assert_int_equal(lcp_elc_tendermint.create_client(&env, &r, &cons, &cs, err), LCP_ERR_ELC_UNKNOWN_TYPE);
    lcp_elc_result_free(&r);
    /* a client state without its latest height, or with a trusting period not below the unbonding period */
    uint8_t buf[512];
    lcp_pb_reader rd;
    lcp_pb_field f;
    for (int variant = 0; variant < 3; variant++) {
        lcp_pb_writer w;
        lcp_pb_writer_init(&w, buf, sizeof buf);
        lcp_pb_reader_init(&rd, cs.value.ptr, cs.value.len);
        while (lcp_pb_next(&rd, &f, NULL) == 1) {
            if (variant == 0 && f.number == 7) continue;
            if (variant == 1 && f.number == 3) {
                lcp_pb_put_message(&w, 3, (const uint8_t *)"\x08\x80\xdf\x6e", 4); /* = unbonding */
                continue;
            }
            if (variant == 2 && f.number == 8) continue; /* no proof specs */
            if (f.wire_type == LCP_PB_LEN) lcp_pb_put_message(&w, f.number, f.bytes.ptr, f.bytes.len);
            else lcp_pb_put_uint(&w, f.number, f.u);
        }
        lcp_pb_any bad = {cs.type_url, {buf, w.len}};
        memset(&r, 0, sizeof r);
        assert_int_equal(lcp_elc_tendermint.create_client(&env, &r, &bad, &cons, err), LCP_ERR_TM_CLIENT_STATE);
        lcp_elc_result_free(&r);
    }
    /* a consensus state with a 31-byte next_validators_hash */
    uint8_t cb[128];
    memcpy(cb, cons.value.ptr, cons.value.len);
    assert_int_equal(cb[cons.value.len - 33], 0x20);
    cb[cons.value.len - 33] = 0x1f;
    lcp_pb_any bad = {cons.type_url, {cb, cons.value.len - 1}};
    memset(&r, 0, sizeof r);
    assert_int_equal(lcp_elc_tendermint.create_client(&env, &r, &cs, &bad, err), LCP_ERR_TM_CLIENT_STATE);
    lcp_elc_result_free(&r);
    tmc_memstore_free(m);
    input_free(&x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_replay_01),
        cmocka_unit_test(test_replay_02),
        cmocka_unit_test(test_replay_03),
        cmocka_unit_test(test_membership_state_ids),
        cmocka_unit_test(test_refusals_after_replay),
        cmocka_unit_test(test_create_refusals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
