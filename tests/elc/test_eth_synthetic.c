/* The Ethereum ELC replays the synthetic end-to-end fixture (testdata ethereum/lightclient/derived/
 * elc_synthetic_minimal_e2e.json, minimal preset, every fork at epoch 0 so Fulu signs with Electra gindices):
 * create_client, a same-period update (is_next=false, 30/32 signers), a period transition (is_next=true), membership
 * and non-membership of IBC commitments, and a FinalizedHeaderMisbehaviour. Each step must give the fixture's
 * state ids, new client and consensus state Anys and proxy messages byte for byte (the fixture's outputs come from a
 * reading of ethereum-elc, not a run of it; docs/ethereum.md records the comparison). Then the same steps refused
 * when tampered: every byte of the sync-committee signature, a participation bit, the account and storage proofs,
 * the header timestamp, an expired trusting period, a clock behind the header, a frozen client. */
#include "test_eth_util.h"
#include "tmchain.h"

#include <stdio.h>

#include "lcp/commitment.h"

#define FIXTURE ETH_LC_DIR "derived/elc_synthetic_minimal_e2e.json"
#define NS 1000000000ull

static cJSON *fx;

static int setup(void **state)
{
    (void)state;
    fx = tu_json(FIXTURE);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    cJSON_Delete(fx);
    return 0;
}

static const cJSON *step(int i) { return cJSON_GetArrayItem(eth_get(fx, "steps"), i); }

static const char *client_id(void)
{
    return cJSON_GetObjectItemCaseSensitive(eth_get(fx, "params"), "client_id")->valuestring;
}

static lcp_pb_any any_of(const eth_hex *h)
{
    lcp_pb_any a;
    assert_int_equal(lcp_pb_decode_any(&a, h->p, h->n, NULL), LCP_OK);
    return a;
}

static void assert_hex(const uint8_t *got, size_t n, const cJSON *o, const char *name)
{
    eth_hex w = eth_hex_field(o, name);
    eth_assert_bytes(got, n, w.p, w.n, name);
    free(w.p);
}

/* A store holding the created client (step 0). */
static tmc_memstore *created(void)
{
    tmc_memstore *m = tmc_memstore_new();
    const cJSON *in = eth_get(step(0), "input");
    eth_hex cs = eth_hex_field(in, "any_client_state"), cons = eth_hex_field(in, "any_consensus_state");
    lcp_pb_any a = any_of(&cs), b = any_of(&cons);
    lcp_elc_result r = {0};
    lcp_elc_env env = tmc_memstore_env(m, 0);
    char err[LCP_ERR_LEN] = "";
    int rc = lcp_elc_ethereum.create_client(&env, &r, &a, &b, err);
    if (rc != LCP_OK) fail_msg("create: %s", err);
    tmc_memstore_apply(m, client_id(), &r, 1);
    lcp_elc_result_free(&r);
    free(cs.p);
    free(cons.p);
    return m;
}

static int run_update(tmc_memstore *m, int i, const uint8_t *hdr, size_t n, uint64_t now_s, int include_state,
                      lcp_elc_result *r, char *err)
{
    (void)i;
    eth_hex h = {(uint8_t *)hdr, n};
    lcp_pb_any a;
    if (lcp_pb_decode_any(&a, h.p, h.n, err) != LCP_OK) return -1;
    lcp_elc_env env = tmc_memstore_env(m, now_s * NS);
    return lcp_elc_ethereum.update_client(&env, r, client_id(), &a, include_state, err);
}

static void test_create(void **state)
{
    (void)state;
    const cJSON *in = eth_get(step(0), "input"), *ex = eth_get(step(0), "expected");
    eth_hex cs = eth_hex_field(in, "any_client_state"), cons = eth_hex_field(in, "any_consensus_state");
    lcp_pb_any a = any_of(&cs), b = any_of(&cons);
    lcp_elc_result r = {0};
    tmc_memstore *m = tmc_memstore_new();
    lcp_elc_env env = tmc_memstore_env(m, 0);
    char err[LCP_ERR_LEN] = "";
    int rc = lcp_elc_ethereum.create_client(&env, &r, &a, &b, err);
    if (rc != LCP_OK) fail_msg("create: %s", err);
    assert_int_equal(r.prove, 0);
    assert_int_equal(r.height.revision_number, 0);
    assert_int_equal(r.height.revision_height, 1);
    assert_hex(r.message.data, r.message.len, ex, "proxy_message");
    lcp_proxy_msg msg;
    assert_int_equal(lcp_proxy_msg_decode(&msg, r.message.data, r.message.len, NULL), LCP_OK);
    assert_hex(msg.u.update.post_state_id, 32, ex, "post_state_id");
    /* the canonical client state the state id hashes */
    lcp_eth_client_state ecs;
    assert_int_equal(lcp_eth_decode_client_state(&ecs, a.value.ptr, a.value.len, NULL), LCP_OK);
    lcp_buf canon = {0};
    assert_int_equal(lcp_eth_encode_client_state(&canon, &ecs, 1), LCP_OK);
    assert_hex(canon.data, canon.len, ex, "canonical_any_client_state");
    /* the prost re-encoding of a canonical input is the input */
    lcp_buf again = {0};
    assert_int_equal(lcp_eth_encode_client_state(&again, &ecs, 0), LCP_OK);
    eth_assert_bytes(again.data, again.len, cs.p, cs.n, "re-encoded client state");
    lcp_buf_free(&canon);
    lcp_buf_free(&again);
    lcp_elc_result_free(&r);
    tmc_memstore_free(m);
    free(cs.p);
    free(cons.p);
}

/* Steps 1 and 2 in order; each compared with and without include_state. */
static void test_updates(void **state)
{
    (void)state;
    tmc_memstore *m = created();
    for (int i = 1; i <= 2; i++) {
        const cJSON *s = step(i), *in = eth_get(s, "input"), *ex = eth_get(s, "expected");
        uint64_t now = eth_u64_field(s, "host_timestamp_s");
        eth_hex h = eth_hex_field(in, "any_header");
        char err[LCP_ERR_LEN] = "";
        lcp_elc_result r = {0}, r2 = {0};
        if (run_update(m, i, h.p, h.n, now, 0, &r, err) != LCP_OK) fail_msg("update %d: %s", i, err);
        assert_int_equal(r.prove, 1);
        assert_int_equal(r.height.revision_height, (uint64_t)cJSON_GetArrayItem(eth_get(ex, "height"), 1)->valuedouble);
        assert_hex(r.client_state.data, r.client_state.len, ex, "new_any_client_state");
        assert_hex(r.consensus_state.data, r.consensus_state.len, ex, "new_any_consensus_state");
        lcp_proxy_msg msg;
        assert_int_equal(lcp_proxy_msg_decode(&msg, r.message.data, r.message.len, NULL), LCP_OK);
        assert_hex(msg.u.update.prev_state_id, 32, ex, "prev_state_id");
        assert_hex(msg.u.update.post_state_id, 32, ex, "post_state_id");
        assert_hex(r.message.data, r.message.len, ex, "proxy_message");
        if (cJSON_GetObjectItemCaseSensitive(ex, "proxy_message_with_include_state")) {
            if (run_update(m, i, h.p, h.n, now, 1, &r2, err) != LCP_OK) fail_msg("update %d: %s", i, err);
            assert_hex(r2.message.data, r2.message.len, ex, "proxy_message_with_include_state");
        }
        tmc_memstore_apply(m, client_id(), &r, 0);
        lcp_elc_result_free(&r);
        lcp_elc_result_free(&r2);
        free(h.p);
    }
    tmc_memstore_free(m);
}

/* A store after both updates. */
static tmc_memstore *updated(void)
{
    tmc_memstore *m = created();
    for (int i = 1; i <= 2; i++) {
        const cJSON *s = step(i);
        eth_hex h = eth_hex_field(eth_get(s, "input"), "any_header");
        char err[LCP_ERR_LEN] = "";
        lcp_elc_result r = {0};
        if (run_update(m, i, h.p, h.n, eth_u64_field(s, "host_timestamp_s"), 0, &r, err) != LCP_OK)
            fail_msg("update %d: %s", i, err);
        tmc_memstore_apply(m, client_id(), &r, 0);
        lcp_elc_result_free(&r);
        free(h.p);
    }
    return m;
}

static int run_verify(tmc_memstore *m, const cJSON *s, const uint8_t *proof, size_t proof_len, const char *path,
                      lcp_elc_result *r, char *err)
{
    const cJSON *in = eth_get(s, "input");
    eth_hex prefix = eth_hex_field(in, "prefix");
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(in, "value");
    eth_hex value = {NULL, 0};
    if (v) value = eth_hex_field(in, "value");
    const cJSON *ph = eth_get(in, "proof_height");
    lcp_height h = {(uint64_t)cJSON_GetArrayItem(ph, 0)->valuedouble, (uint64_t)cJSON_GetArrayItem(ph, 1)->valuedouble};
    lcp_elc_env env = tmc_memstore_env(m, eth_u64_field(s, "host_timestamp_s") * NS);
    int rc = lcp_elc_ethereum.verify_membership(&env, r, client_id(), prefix.p, prefix.n, path, value.p, value.n,
                                                v != NULL, &h, proof, proof_len, err);
    free(prefix.p);
    free(value.p);
    return rc;
}

static void test_membership(void **state)
{
    (void)state;
    tmc_memstore *m = updated();
    for (int i = 3; i <= 4; i++) {
        const cJSON *s = step(i), *ex = eth_get(s, "expected");
        eth_hex proof = eth_hex_field(eth_get(s, "input"), "proof");
        const char *path = eth_get(eth_get(s, "input"), "path")->valuestring;
        lcp_elc_result r = {0};
        char err[LCP_ERR_LEN] = "";
        if (run_verify(m, s, proof.p, proof.n, path, &r, err) != LCP_OK) fail_msg("step %d: %s", i, err);
        assert_int_equal(r.prove, 1);
        lcp_proxy_msg msg;
        assert_int_equal(lcp_proxy_msg_decode(&msg, r.message.data, r.message.len, NULL), LCP_OK);
        assert_hex(msg.u.state.state_id, 32, ex, "state_id");
        if (i == 3) assert_hex(msg.u.state.value, 32, ex, "value_keccak256");
        assert_hex(r.message.data, r.message.len, ex, "proxy_message");
        lcp_elc_result_free(&r);
        /* every single-byte change of the proof is refused */
        for (size_t k = 0; k < proof.n; k++) {
            proof.p[k] ^= 0x01;
            lcp_elc_result t = {0};
            if (run_verify(m, s, proof.p, proof.n, path, &t, NULL) == LCP_OK) fail_msg("step %d: proof byte %zu", i, k);
            lcp_elc_result_free(&t);
            proof.p[k] ^= 0x01;
        }
        free(proof.p);
    }
    /* membership with the other step's proof, and a path that is no ICS-24 path */
    const cJSON *s3 = step(3), *s4 = step(4);
    eth_hex p4 = eth_hex_field(eth_get(s4, "input"), "proof");
    lcp_elc_result t = {0};
    char err[LCP_ERR_LEN];
    assert_int_not_equal(run_verify(m, s3, p4.p, p4.n, "clients/lcp-client-0/clientState", &t, err), LCP_OK);
    assert_int_equal(run_verify(m, s4, p4.p, p4.n, "clients/lcp-client-1/notAPath", &t, err), LCP_ERR_ETH_PATH);
    free(p4.p);
    tmc_memstore_free(m);
}

static void test_misbehaviour(void **state)
{
    (void)state;
    const cJSON *s = step(5), *ex = eth_get(s, "expected"), *before = eth_get(s, "store_before");
    tmc_memstore *m = tmc_memstore_new();
    char key[256];
    eth_hex cs = eth_hex_field(before, "client_state");
    assert_int_equal(lcp_elc_key_client_state(key, sizeof key, client_id()), LCP_OK);
    tmc_memstore_put(m, key, cs.p, cs.n);
    const cJSON *c;
    cJSON_ArrayForEach(c, eth_get(before, "consensus_states"))
    {
        lcp_height h = {0, strtoull(strchr(c->string, '-') + 1, NULL, 10)};
        eth_hex v = eth_hex_of(c->valuestring);
        assert_int_equal(lcp_elc_key_consensus_state(key, sizeof key, client_id(), &h), LCP_OK);
        tmc_memstore_put(m, key, v.p, v.n);
        free(v.p);
    }
    eth_hex mb = eth_hex_field(eth_get(s, "input"), "any_misbehaviour");
    uint64_t now = eth_u64_field(s, "host_timestamp_s");
    lcp_elc_result r = {0};
    char err[LCP_ERR_LEN] = "";
    if (run_update(m, 5, mb.p, mb.n, now, 0, &r, err) != LCP_OK) fail_msg("misbehaviour: %s", err);
    assert_int_equal(r.misbehaviour, 1);
    assert_hex(r.client_state.data, r.client_state.len, ex, "new_any_client_state");
    assert_hex(r.message.data, r.message.len, ex, "proxy_message");
    /* the frozen client refuses updates and proofs */
    tmc_memstore_apply(m, client_id(), &r, 0);
    lcp_elc_result_free(&r);
    assert_int_equal(run_update(m, 5, mb.p, mb.n, now, 0, &r, err), LCP_ERR_ELC_FROZEN);
    eth_hex h1 = eth_hex_field(eth_get(step(1), "input"), "any_header");
    assert_int_equal(run_update(m, 1, h1.p, h1.n, now, 0, &r, err), LCP_ERR_ELC_FROZEN);
    eth_hex p3 = eth_hex_field(eth_get(step(3), "input"), "proof");
    assert_int_equal(run_verify(m, step(3), p3.p, p3.n, "clients/lcp-client-0/clientState", &r, err), LCP_ERR_ELC_FROZEN);
    free(h1.p);
    free(p3.p);
    free(mb.p);
    free(cs.p);
    tmc_memstore_free(m);
}

/* Finds needle in hay (the tamper tests change bytes of known fields inside the encoded header). */
static size_t find(const uint8_t *hay, size_t n, const uint8_t *needle, size_t k)
{
    for (size_t i = 0; i + k <= n; i++)
        if (memcmp(hay + i, needle, k) == 0) return i;
    fail_msg("field not found in the header");
    return 0;
}

static void test_update_tampered(void **state)
{
    (void)state;
    tmc_memstore *m = created();
    const cJSON *s = step(1);
    uint64_t now = eth_u64_field(s, "host_timestamp_s");
    eth_hex h = eth_hex_field(eth_get(s, "input"), "any_header");
    lcp_eth_header hd;
    lcp_pb_any a = any_of(&h);
    assert_int_equal(lcp_eth_decode_header(&hd, a.value.ptr, a.value.len, NULL), LCP_OK);
    lcp_elc_result r = {0};
    char err[LCP_ERR_LEN];
    /* every byte of the signature */
    size_t sig = find(h.p, h.n, hd.consensus_update.sync_committee_signature, 96);
    for (size_t k = 0; k < 96; k++) {
        h.p[sig + k] ^= 0x01;
        if (run_update(m, 1, h.p, h.n, now, 0, &r, err) == LCP_OK) fail_msg("signature byte %zu accepted", k);
        lcp_elc_result_free(&r);
        h.p[sig + k] ^= 0x01;
    }
    /* a participation bit: one signer claimed or dropped */
    size_t bits = (size_t)(hd.consensus_update.sync_committee_bits.ptr - h.p);
    for (size_t k = 0; k < 32; k++) {
        h.p[bits + k / 8] ^= (uint8_t)(1u << (k % 8));
        assert_int_not_equal(run_update(m, 1, h.p, h.n, now, 0, &r, err), LCP_OK);
        lcp_elc_result_free(&r);
        h.p[bits + k / 8] ^= (uint8_t)(1u << (k % 8));
    }
    /* every byte of the account proof and of the claimed storage root */
    size_t ap = (size_t)(hd.account_proof.ptr - h.p);
    for (size_t k = 0; k < hd.account_proof.len; k += 7) {
        h.p[ap + k] ^= 0x80;
        assert_int_not_equal(run_update(m, 1, h.p, h.n, now, 0, &r, err), LCP_OK);
        lcp_elc_result_free(&r);
        h.p[ap + k] ^= 0x80;
    }
    size_t sr = find(h.p, h.n, hd.account_storage_root, 32);
    h.p[sr + 31] ^= 1;
    assert_int_not_equal(run_update(m, 1, h.p, h.n, now, 0, &r, err), LCP_OK);
    h.p[sr + 31] ^= 1;
    /* the finalized header, the execution state root and block number */
    size_t es = find(h.p, h.n, hd.execution_update.state_root, 32);
    h.p[es] ^= 1;
    assert_int_not_equal(run_update(m, 1, h.p, h.n, now, 0, &r, err), LCP_OK);
    h.p[es] ^= 1;
    size_t fb = find(h.p, h.n, hd.consensus_update.finalized_header.body_root, 32);
    h.p[fb] ^= 1;
    assert_int_not_equal(run_update(m, 1, h.p, h.n, now, 0, &r, err), LCP_OK);
    h.p[fb] ^= 1;
    /* time: trusting period expired (27 h after the trusted state), clock behind the header by more than the drift,
     * and a current slot before the signature slot */
    uint64_t trusted_s = 1578009600 + 192 * 6;
    assert_int_equal(run_update(m, 1, h.p, h.n, trusted_s + 97200, 0, &r, err), LCP_ERR_ETH_TIME);
    assert_int_not_equal(run_update(m, 1, h.p, h.n, hd.timestamp - 61, 0, &r, err), LCP_OK);
    /* unchanged, it still passes (the tampering above was the reason) */
    if (run_update(m, 1, h.p, h.n, now, 0, &r, err) != LCP_OK) fail_msg("untampered: %s", err);
    lcp_elc_result_free(&r);
    free(h.p);
    tmc_memstore_free(m);
}

/* Same-period update as a trusted state that is not stored, and a second update from the same trusted height that
 * would rotate without a next committee. */
static void test_update_refused_states(void **state)
{
    (void)state;
    tmc_memstore *m = tmc_memstore_new();
    const cJSON *s = step(1);
    eth_hex h = eth_hex_field(eth_get(s, "input"), "any_header");
    lcp_elc_result r = {0};
    char err[LCP_ERR_LEN];
    assert_int_equal(run_update(m, 1, h.p, h.n, eth_u64_field(s, "host_timestamp_s"), 0, &r, err),
                     LCP_ERR_ELC_CLIENT_NOT_FOUND);
    tmc_memstore_free(m);
    /* step 2 trusts height 2, which a store holding only the created client lacks */
    m = created();
    eth_hex h2 = eth_hex_field(eth_get(step(2), "input"), "any_header");
    assert_int_equal(run_update(m, 2, h2.p, h2.n, eth_u64_field(step(2), "host_timestamp_s"), 0, &r, err),
                     LCP_ERR_ELC_CLIENT_NOT_FOUND);
    free(h.p);
    free(h2.p);
    tmc_memstore_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_create),
        cmocka_unit_test(test_updates),
        cmocka_unit_test(test_membership),
        cmocka_unit_test(test_misbehaviour),
        cmocka_unit_test(test_update_tampered),
        cmocka_unit_test(test_update_refused_states),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
