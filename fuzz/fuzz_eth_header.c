/* libFuzzer target for the ibc.lightclients.ethereum.v1 decoders and what follows them. The first byte picks the
 * message: a Header (then its consensus update runs through the full consensus verification against a fixed
 * minimal-preset store, and its execution update through the branch checks; nothing can forge the committee's
 * signature, so nothing may verify), a FinalizedHeader- or NextSyncCommitteeMisbehaviour (re-encoded, and the
 * re-encoding must decode to the same re-encoding), a ClientState or a ConsensusState (prost re-encoding must
 * round-trip). Views must stay inside the input and counts inside their limits. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lcp/elc_ethereum.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t *g_data;
static size_t g_size;
static lcp_eth_client_state g_cs;
static lcp_eth_consensus_state g_cons;
static lcp_eth_committee *g_committee;
static lcp_eth_scratch *g_scratch;

static void inside(const void *p, size_t n)
{
    const uint8_t *b = p;
    if (n && (b < g_data || b + n > g_data + g_size)) abort();
}

static void init(void)
{
    static const uint32_t gi[6][6] = {{105, 54, 55, 0, 0, 0},    {105, 54, 55, 25, 18, 22}, {105, 54, 55, 25, 18, 22},
                                      {105, 54, 55, 25, 34, 38}, {169, 86, 87, 25, 34, 38}, {169, 86, 87, 25, 34, 38}};
    memset(&g_cs, 0, sizeof g_cs);
    memset(g_cs.genesis_validators_root, 0x11, 32);
    g_cs.min_sync_committee_participants = 1;
    g_cs.genesis_time = 1578009600;
    g_cs.genesis_fork_version[3] = 1;
    for (int i = 0; i < 6; i++) {
        g_cs.forks[i].version[0] = (uint8_t)(i + 1);
        g_cs.forks[i].version[3] = 1;
        g_cs.forks[i].spec = (lcp_eth_fork_spec){gi[i][0], gi[i][1], gi[i][2], gi[i][3], gi[i][4], gi[i][5]};
    }
    g_cs.n_forks = 6;
    g_cs.seconds_per_slot = 6;
    g_cs.slots_per_epoch = 8;
    g_cs.epochs_per_sync_committee_period = 8;
    g_cs.trust_numerator = 2;
    g_cs.trust_denominator = 3;
    g_committee = calloc(1, sizeof *g_committee);
    g_scratch = calloc(1, sizeof *g_scratch);
    if (!g_committee || !g_scratch) abort();
    for (int i = 0; i < 32; i++) {
        uint8_t sk[32] = {0}, pk[48];
        sk[31] = (uint8_t)(i + 1);
        if (lcp_bls_sk_to_pk(pk, sk) != LCP_OK || lcp_bls_pubkey_decode(&g_committee->keys[i], pk, NULL) != LCP_OK)
            abort();
    }
    lcp_bls_pubkey agg;
    if (lcp_bls_pubkey_aggregate(&agg, g_committee->keys, 32, NULL) != LCP_OK) abort();
    lcp_bls_pubkey_encode(g_committee->aggregate, &agg);
    g_committee->n = 32;
    g_cons.slot = 8;
    g_cons.timestamp_ns = 1578009648ull * 1000000000u;
    memcpy(g_cons.current_sync_committee, g_committee->aggregate, 48);
    memcpy(g_cons.next_sync_committee, g_committee->aggregate, 48);
}

static void check_update(const lcp_eth_consensus_update *u)
{
    inside(u->sync_committee_bits.ptr, u->sync_committee_bits.len);
    if (u->has_next) inside(u->next_sync_committee.message.ptr, u->next_sync_committee.message.len);
    if (u->finalized_header_branch.n > LCP_ETH_MAX_BRANCH) abort();
    for (size_t i = 0; i < u->finalized_header_branch.n; i++) inside(u->finalized_header_branch.item[i], 32);
}

static void header(const uint8_t *p, size_t n)
{
    lcp_eth_header h;
    if (lcp_eth_decode_header(&h, p, n, NULL) != LCP_OK) return;
    check_update(&h.consensus_update);
    inside(h.account_proof.ptr, h.account_proof.len);
    inside(h.trusted.sync_committee.message.ptr, h.trusted.sync_committee.message.len);
    for (int is_next = 0; is_next <= 1; is_next++) {
        lcp_eth_store st = {&g_cons, g_committee, &h.trusted.sync_committee, is_next};
        /* the fixed committee's secret keys are not in the input: no update can carry its signature */
        if (lcp_eth_verify_consensus_update(&g_cs, &st, &h.consensus_update, 1578009600 + 100000, g_scratch, NULL) ==
            LCP_OK)
            abort();
    }
    (void)!lcp_eth_verify_execution_update(&g_cs, &h.consensus_update, &h.execution_update, NULL);
    lcp_eth_consensus_state post;
    uint8_t zero[32] = {0};
    (void)!lcp_eth_apply_update(&post, &g_cs, &g_cons, &h.consensus_update, zero, h.timestamp, NULL);
    if (h.trusted.sync_committee.n_pubkeys == 32)
        (void)!lcp_eth_committee_decode(&g_scratch->next, &h.trusted.sync_committee, 32, NULL);
}

static void misbehaviour(int kind, const uint8_t *p, size_t n)
{
    lcp_eth_misbehaviour m, m2;
    if (lcp_eth_decode_misbehaviour(&m, kind, p, n, NULL) != LCP_OK) return;
    check_update(&m.update_1);
    check_update(&m.update_2);
    lcp_buf a = {0}, b = {0};
    lcp_pb_any any, any2;
    if (lcp_eth_encode_misbehaviour(&a, &m) != LCP_OK || lcp_pb_decode_any(&any, a.data, a.len, NULL) != LCP_OK) abort();
    /* the normalised re-encoding decodes, and re-encodes to itself */
    if (lcp_eth_decode_misbehaviour(&m2, kind, any.value.ptr, any.value.len, NULL) != LCP_OK) abort();
    if (lcp_eth_encode_misbehaviour(&b, &m2) != LCP_OK || lcp_pb_decode_any(&any2, b.data, b.len, NULL) != LCP_OK) abort();
    if (a.len != b.len || memcmp(a.data, b.data, a.len) != 0) abort();
    lcp_buf_free(&a);
    lcp_buf_free(&b);
}

static void client_state(const uint8_t *p, size_t n)
{
    lcp_eth_client_state cs, cs2;
    if (lcp_eth_decode_client_state(&cs, p, n, NULL) != LCP_OK) return;
    if (cs.n_forks > LCP_ETH_MAX_FORKS) abort();
    lcp_buf a = {0}, b = {0};
    lcp_pb_any any;
    if (lcp_eth_encode_client_state(&a, &cs, 0) != LCP_OK || lcp_pb_decode_any(&any, a.data, a.len, NULL) != LCP_OK ||
        lcp_eth_decode_client_state(&cs2, any.value.ptr, any.value.len, NULL) != LCP_OK ||
        lcp_eth_encode_client_state(&b, &cs2, 0) != LCP_OK)
        abort();
    if (a.len != b.len || memcmp(a.data, b.data, a.len) != 0) abort();
    lcp_buf_free(&a);
    lcp_buf_free(&b);
    uint8_t id[32];
    if (lcp_eth_state_id(id, &cs, &g_cons) != LCP_OK) abort();
}

static void consensus_state(const uint8_t *p, size_t n)
{
    lcp_eth_consensus_state c, c2;
    if (lcp_eth_decode_consensus_state(&c, p, n, NULL) != LCP_OK) return;
    lcp_buf a = {0};
    lcp_pb_any any;
    if (lcp_eth_encode_consensus_state(&a, &c) != LCP_OK || lcp_pb_decode_any(&any, a.data, a.len, NULL) != LCP_OK ||
        lcp_eth_decode_consensus_state(&c2, any.value.ptr, any.value.len, NULL) != LCP_OK ||
        memcmp(&c, &c2, sizeof c) != 0)
        abort();
    lcp_buf_free(&a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!g_committee) init();
    if (size < 1) return 0;
    g_data = data + 1;
    g_size = size - 1;
    switch (data[0] % 5) {
    case 0: header(g_data, g_size); break;
    case 1: misbehaviour(LCP_ETH_MISB_FINALIZED_HEADER, g_data, g_size); break;
    case 2: misbehaviour(LCP_ETH_MISB_NEXT_SYNC_COMMITTEE, g_data, g_size); break;
    case 3: client_state(g_data, g_size); break;
    default: consensus_state(g_data, g_size); break;
    }
    return 0;
}
