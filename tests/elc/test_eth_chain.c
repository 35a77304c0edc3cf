/* The Ethereum ELC on generated chains (tests/common/ethchain): a client created in one period, updated within it,
 * then across two period boundaries (is_next, committee rotation), with the minimal (32) and mainnet (512) presets;
 * membership of a packet commitment and non-membership of a receipt in the IBC contract's storage at the latest
 * height; both misbehaviours freeze the client; and what must be refused is: fewer signers than 2/3, a header that
 * trusts the wrong committee, a period skipped, an IBC contract account proof for another storage root. */
#include "ethchain.h"
#include "test_eth_util.h"
#include "tmchain.h"

#include <openssl/bn.h>

#include "lcp/commitment.h"
#include "lcp/crypto_bls.h"

#define NS 1000000000ull
#define CID "ethereum-0"
#define PACKET "commitments/ports/transfer/channels/channel-0/sequences/1"
#define RECEIPT "receipts/ports/transfer/channels/channel-0/sequences/1"

typedef struct {
    ethc_chain *c;
    tmc_memstore *m;
    uint64_t now, period;
} world;

static lcp_pb_any any(const char *url, const lcp_buf *b)
{
    lcp_pb_any a = {{(const uint8_t *)url, strlen(url)}, {b->data, b->len}};
    return a;
}

static void open_world(world *w, int minimal)
{
    memset(w, 0, sizeof *w);
    ethc_params p = {minimal, 0, 7, 0, 0};
    uint64_t sps = minimal ? 6 : 12;
    w->period = minimal ? 64 : 8192;
    w->now = 1800000000ull;
    p.genesis_time = w->now - (13 * w->period) * sps; /* the current slot is the start of period 13 */
    w->c = ethc_chain_new(&p);
    w->m = tmc_memstore_new();
    const uint8_t pkt[] = "packet commitment bytes";
    ethc_set_commitment(w->c, PACKET, pkt, sizeof pkt - 1);
    lcp_buf cs = {0}, cons = {0};
    ethc_client_state(&cs, w->c, 100);
    ethc_consensus_state(&cons, w->c, 10 * w->period + 10);
    lcp_pb_any a = any(ETHC_T_CS, &cs), b = any(ETHC_T_CONS, &cons);
    lcp_elc_result r = {0};
    lcp_elc_env env = tmc_memstore_env(w->m, w->now * NS);
    char err[LCP_ERR_LEN] = "";
    if (lcp_elc_ethereum.create_client(&env, &r, &a, &b, err) != LCP_OK) fail_msg("create: %s", err);
    tmc_memstore_apply(w->m, CID, &r, 1);
    lcp_elc_result_free(&r);
    lcp_buf_free(&cs);
    lcp_buf_free(&cons);
}

static void close_world(world *w)
{
    ethc_chain_free(w->c);
    tmc_memstore_free(w->m);
}

static int update(world *w, const ethc_update_opts *o, const char *url, lcp_elc_result *r, char *err)
{
    lcp_buf h = {0};
    if (strcmp(url, ETHC_T_HEADER) == 0)
        ethc_header(&h, w->c, o);
    else
        ethc_misbehaviour(&h, w->c, strcmp(url, ETHC_T_MISB_FH) == 0 ? 1 : 2, CID, o, o + 1);
    lcp_pb_any a = any(url, &h);
    lcp_elc_env env = tmc_memstore_env(w->m, w->now * NS);
    int rc = lcp_elc_ethereum.update_client(&env, r, CID, &a, 0, err);
    lcp_buf_free(&h);
    return rc;
}

static void must_update(world *w, const ethc_update_opts *o)
{
    lcp_elc_result r = {0};
    char err[LCP_ERR_LEN] = "";
    if (update(w, o, ETHC_T_HEADER, &r, err) != LCP_OK)
        fail_msg("update to block %llu: %s", (unsigned long long)o->block_number, err);
    assert_int_equal(r.height.revision_height, o->block_number);
    tmc_memstore_apply(w->m, CID, &r, 0);
    lcp_elc_result_free(&r);
}

static int verify(world *w, const char *path, const uint8_t *value, size_t len, int has, uint64_t height)
{
    lcp_buf proof = {0};
    ethc_storage_proof(&proof, w->c, path);
    lcp_height h = {0, height};
    lcp_elc_result r = {0};
    lcp_elc_env env = tmc_memstore_env(w->m, w->now * NS);
    char err[LCP_ERR_LEN] = "";
    int rc = lcp_elc_ethereum.verify_membership(&env, &r, CID, (const uint8_t *)"ibc", 3, path, value, len, has, &h,
                                                proof.data, proof.len, err);
    if (rc == LCP_OK) {
        lcp_proxy_msg m;
        assert_int_equal(lcp_proxy_msg_decode(&m, r.message.data, r.message.len, NULL), LCP_OK);
        assert_int_equal(m.type, LCP_MSG_STATE);
        assert_int_equal(lcp_proxy_msg_validate(&m, NULL), LCP_OK);
    }
    lcp_elc_result_free(&r);
    lcp_buf_free(&proof);
    return rc;
}

static void run_chain(int minimal)
{
    world w;
    open_world(&w, minimal);
    uint64_t P = w.period, s0 = 10 * P + 10;
    char err[LCP_ERR_LEN];
    lcp_elc_result r = {0};
    /* same period, then into period 11 (is_next, rotation), then period 12 */
    ethc_update_opts u1 = {100, s0, s0 + 30, 110, 0, 0, 0, 0, 0};
    must_update(&w, &u1);
    /* fewer than 2/3 signers, then a period skipped, are refused */
    ethc_update_opts weak = {110, s0 + 30, 11 * P + 8, 120, 1, (ethc_committee_size(w.c) * 2 + 2) / 3 - 1, 0, 0, 0};
    assert_int_equal(update(&w, &weak, ETHC_T_HEADER, &r, err), LCP_ERR_ETH_PARTICIPATION);
    ethc_update_opts skip = {110, s0 + 30, 12 * P + 8, 120, 1, 0, 0, 0, 0};
    assert_int_not_equal(update(&w, &skip, ETHC_T_HEADER, &r, err), LCP_OK);
    ethc_update_opts u2 = {110, s0 + 30, 11 * P + 8, 120, 1, (ethc_committee_size(w.c) * 2 + 2) / 3, 0, 0, 0};
    must_update(&w, &u2);
    ethc_update_opts u3 = {120, 11 * P + 8, 12 * P + 16, 130, 1, 0, 0, 0, 0};
    /* the commitments the last update proves: the packet, and now an acknowledgement too */
    const uint8_t ack[] = "ack";
    ethc_set_commitment(w.c, "acks/ports/transfer/channels/channel-0/sequences/1", ack, 3);
    must_update(&w, &u3);
    const uint8_t pkt[] = "packet commitment bytes";
    assert_int_equal(verify(&w, PACKET, pkt, sizeof pkt - 1, 1, 130), LCP_OK);
    assert_int_equal(verify(&w, RECEIPT, NULL, 0, 0, 130), LCP_OK);
    assert_int_not_equal(verify(&w, PACKET, (const uint8_t *)"other", 5, 1, 130), LCP_OK);
    assert_int_equal(verify(&w, PACKET, NULL, 0, 0, 130), LCP_ERR_ETH_MPT_EXISTS);
    assert_int_not_equal(verify(&w, RECEIPT, pkt, sizeof pkt - 1, 1, 130), LCP_OK);
    /* a proof height above the latest, or with no consensus state */
    assert_int_not_equal(verify(&w, PACKET, pkt, sizeof pkt - 1, 1, 131), LCP_OK);
    assert_int_equal(verify(&w, PACKET, pkt, sizeof pkt - 1, 1, 125), LCP_ERR_ELC_CLIENT_NOT_FOUND);
    /* the latest height follows the updates */
    lcp_height lh;
    lcp_elc_env env = tmc_memstore_env(w.m, w.now * NS);
    assert_int_equal(lcp_elc_ethereum.latest_height(&env, &lh, CID, err), LCP_OK);
    assert_int_equal(lh.revision_height, 130);

    /* misbehaviour: two finalized headers at one slot, signed by the committee; the client freezes */
    ethc_update_opts fh[2] = {{130, 12 * P + 16, 12 * P + 24, 140, 0, 0, 0, 0, 0},
                              {130, 12 * P + 16, 12 * P + 24, 140, 0, 0, 1, 0, 0}};
    /* the same header twice is no misbehaviour */
    ethc_update_opts same[2] = {fh[0], fh[0]};
    assert_int_equal(update(&w, same, ETHC_T_MISB_FH, &r, err), LCP_ERR_ETH_MISBEHAVIOUR);
    ethc_update_opts nsc[2] = {{130, 12 * P + 16, 12 * P + 24, 140, 1, 0, 0, 0, 0},
                               {130, 12 * P + 16, 12 * P + 24, 140, 1, 0, 0, 1, 0}};
    lcp_elc_result mr = {0};
    if (update(&w, minimal ? fh : nsc, minimal ? ETHC_T_MISB_FH : ETHC_T_MISB_NSC, &mr, err) != LCP_OK)
        fail_msg("misbehaviour: %s", err);
    assert_int_equal(mr.misbehaviour, 1);
    tmc_memstore_apply(w.m, CID, &mr, 0);
    lcp_elc_result_free(&mr);
    ethc_update_opts u4 = {130, 12 * P + 16, 12 * P + 40, 150, 0, 0, 0, 0, 0};
    assert_int_equal(update(&w, &u4, ETHC_T_HEADER, &r, err), LCP_ERR_ELC_FROZEN);
    assert_int_equal(verify(&w, PACKET, pkt, sizeof pkt - 1, 1, 130), LCP_ERR_ELC_FROZEN);
    close_world(&w);
}

static void test_minimal(void **state)
{
    (void)state;
    run_chain(1);
}

static void test_mainnet(void **state)
{
    (void)state;
    run_chain(0);
}

/* A NextSyncCommitteeMisbehaviour on the minimal preset, and a misbehaviour naming another client. */
static void test_next_committee_misbehaviour(void **state)
{
    (void)state;
    world w;
    open_world(&w, 1);
    uint64_t P = w.period, s0 = 10 * P + 10;
    ethc_update_opts nsc[2] = {{100, s0, s0 + 20, 110, 1, 0, 0, 0, 0}, {100, s0, s0 + 20, 110, 1, 0, 0, 1, 0}};
    lcp_elc_result r = {0};
    char err[LCP_ERR_LEN] = "";
    lcp_buf mb = {0};
    ethc_misbehaviour(&mb, w.c, 2, "ethereum-9", nsc, nsc + 1);
    lcp_pb_any a = any(ETHC_T_MISB_NSC, &mb);
    lcp_elc_env env = tmc_memstore_env(w.m, w.now * NS);
    assert_int_equal(lcp_elc_ethereum.update_client(&env, &r, CID, &a, 0, err), LCP_ERR_ETH_MISBEHAVIOUR);
    lcp_buf_free(&mb);
    if (update(&w, nsc, ETHC_T_MISB_NSC, &r, err) != LCP_OK) fail_msg("misbehaviour: %s", err);
    assert_int_equal(r.misbehaviour, 1);
    lcp_proxy_msg m;
    assert_int_equal(lcp_proxy_msg_decode(&m, r.message.data, r.message.len, NULL), LCP_OK);
    assert_int_equal(m.type, LCP_MSG_MISBEHAVIOUR);
    lcp_elc_result_free(&r);
    close_world(&w);
}

/* The limit ethereum-elc's design has (docs/ethereum.md): the stored state keeps only the committee's aggregate
 * key, and a header's committee is checked only by its sum. A committee of 31 keys of one's own plus the difference
 * key (the stored aggregate minus their sum) passes that check, and its 31 members pass 2/3: the update, and with it
 * any execution state, is accepted. This test pins the compatible behaviour so that a change is deliberate. */
static void test_rogue_committee_with_the_stored_aggregate(void **state)
{
    (void)state;
    world w;
    open_world(&w, 1);
    uint64_t P = w.period, s0 = 10 * P + 10;
    lcp_buf cons = {0};
    ethc_consensus_state(&cons, w.c, s0);
    lcp_eth_consensus_state stored;
    assert_int_equal(lcp_eth_decode_consensus_state(&stored, cons.data, cons.len, NULL), LCP_OK);
    lcp_buf_free(&cons);
    uint8_t sk[32][32], pk[32][48], sum_sk[32];
    BIGNUM *acc = BN_new(), *r = NULL, *t = BN_new();
    BN_CTX *ctx = BN_CTX_new();
    assert_true(acc && t && ctx && BN_hex2bn(&r, "73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001"));
    BN_zero(acc);
    for (int i = 0; i < 31; i++) {
        memset(sk[i], 0, 32);
        sk[i][0] = 0x11;
        sk[i][31] = (uint8_t)(i + 1);
        assert_int_equal(lcp_bls_sk_to_pk(pk[i], sk[i]), LCP_OK);
        assert_true(BN_bin2bn(sk[i], 32, t) && BN_mod_add(acc, acc, t, r, ctx));
    }
    /* the difference key: aggregate - (sum of the 31 keys) = aggregate + (r - sum) G; its secret is unknown */
    assert_true(BN_sub(t, r, acc) && BN_bn2binpad(t, sum_sk, 32) == 32);
    uint8_t neg[48];
    assert_int_equal(lcp_bls_sk_to_pk(neg, sum_sk), LCP_OK);
    lcp_bls_pubkey two[2], d;
    assert_int_equal(lcp_bls_pubkey_decode(&two[0], stored.current_sync_committee, NULL), LCP_OK);
    assert_int_equal(lcp_bls_pubkey_decode(&two[1], neg, NULL), LCP_OK);
    assert_int_equal(lcp_bls_pubkey_aggregate(&d, two, 2, NULL), LCP_OK);
    lcp_bls_pubkey_encode(pk[31], &d);
    memset(sk[31], 0, 32);
    ethc_override_committee(w.c, 10, (const uint8_t(*)[32])sk, (const uint8_t(*)[48])pk, stored.current_sync_committee);
    BN_free(acc);
    BN_free(t);
    BN_free(r);
    BN_CTX_free(ctx);
    /* an execution state of the attacker's choosing */
    ethc_set_commitment(w.c, "commitments/ports/transfer/channels/channel-0/sequences/99", (const uint8_t *)"forged", 6);
    ethc_update_opts u = {100, s0, s0 + 30, 110, 0, 31, 0, 0, 0};
    lcp_elc_result res = {0};
    char err[LCP_ERR_LEN] = "";
    if (update(&w, &u, ETHC_T_HEADER, &res, err) != LCP_OK) fail_msg("the rogue committee was refused: %s", err);
    tmc_memstore_apply(w.m, CID, &res, 0);
    lcp_elc_result_free(&res);
    assert_int_equal(verify(&w, "commitments/ports/transfer/channels/channel-0/sequences/99", (const uint8_t *)"forged",
                            6, 1, 110),
                     LCP_OK);
    close_world(&w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_minimal),
        cmocka_unit_test(test_next_committee_misbehaviour),
        cmocka_unit_test(test_mainnet),
        cmocka_unit_test(test_rogue_committee_with_the_stored_aggregate),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
