/* The 07-tendermint ELC on generated chains (tests/common/tmchain): 4 to 200 validators, adjacent and skipping
 * updates, validator-set changes, NOT_ENOUGH_TRUST when skipping across a replaced set (and success by bisecting),
 * forged and missing signatures, misbehaviour (a fork at one height, a BFT-time violation) freezing the client,
 * and ICS-23 membership / non-membership proofs of a generated state under the header's app hash. Each proxy
 * message is decoded and checked field by field: heights, StateIDs chaining from one update to the next,
 * TrustingPeriod context, emitted states. */
#include "testutil.h"
#include "tmchain.h"

#include <stdio.h>
#include <string.h>

#include "lcp/commitment.h"
#include "lcp/crypto.h"

#define T0 1700000000
#define CID "07-tendermint-0"

typedef struct {
    tmc_chain *c;
    tmc_memstore *m;
    lcp_elc_result r; /* of the last command */
    lcp_proxy_msg msg;
    char err[LCP_ERR_LEN];
} world;

static uint64_t ns_of(lcp_tm_time t) { return (uint64_t)t.seconds * 1000000000ull + (uint64_t)t.nanos; }

/* now: 30 s after block h */
static uint64_t now_after(const world *w, int64_t h) { return ns_of(tmc_block_time(w->c, h)) + 30000000000ull; }

static void world_open(world *w, size_t n_vals, uint64_t seed)
{
    memset(w, 0, sizeof w[0]);
    tmc_valset *vs = lcp_malloc(sizeof *vs);
    assert_non_null(vs);
    tmc_valset_make(vs, seed, 0, n_vals, NULL, 10);
    w->c = tmc_chain_new("testchain-1", vs, T0);
    lcp_free(vs);
    w->m = tmc_memstore_new();
}

static void world_close(world *w)
{
    lcp_elc_result_free(&w->r);
    tmc_chain_free(w->c);
    tmc_memstore_free(w->m);
}

static void reset(world *w)
{
    lcp_elc_result_free(&w->r);
    memset(&w->r, 0, sizeof w->r);
    memset(&w->msg, 0, sizeof w->msg);
    w->err[0] = '\0';
}

static void create(world *w, int64_t h, const tmc_client_params *p)
{
    lcp_buf cs = {0}, cons = {0};
    tmc_client_state(&cs, w->c, h, p);
    tmc_consensus_state(&cons, w->c, h);
    lcp_pb_any a = tmc_any(TMC_T_CS, &cs), b = tmc_any(TMC_T_CONS, &cons);
    lcp_elc_env env = tmc_memstore_env(w->m, now_after(w, h));
    reset(w);
    if (lcp_elc_tendermint.create_client(&env, &w->r, &a, &b, w->err) != LCP_OK) fail_msg("create: %s", w->err);
    tmc_memstore_apply(w->m, CID, &w->r, 1);
    assert_int_equal(lcp_proxy_msg_decode(&w->msg, w->r.message.data, w->r.message.len, NULL), LCP_OK);
    assert_int_equal(w->msg.type, LCP_MSG_UPDATE_STATE);
    assert_true(lcp_height_is_zero(&w->msg.u.update.prev_height));
    assert_int_equal(w->msg.u.update.post_height.revision_number, 1);
    assert_int_equal(w->msg.u.update.post_height.revision_height, (uint64_t)h);
    assert_true(w->msg.u.update.timestamp == (lcp_u128)ns_of(tmc_block_time(w->c, h)));
    assert_int_equal(w->msg.u.update.emitted_count, 1);
    lcp_buf_free(&cs);
    lcp_buf_free(&cons);
}

/* Runs update_client with an encoded message of type_url at time now; on success stores the result. */
static int submit(world *w, const char *type_url, const lcp_buf *value, int include_state, uint64_t now)
{
    lcp_pb_any a = tmc_any(type_url, value);
    lcp_elc_env env = tmc_memstore_env(w->m, now);
    reset(w);
    int rc = lcp_elc_tendermint.update_client(&env, &w->r, CID, &a, include_state, w->err);
    if (rc == LCP_OK) {
        tmc_memstore_apply(w->m, CID, &w->r, 0);
        assert_int_equal(lcp_proxy_msg_decode(&w->msg, w->r.message.data, w->r.message.len, NULL), LCP_OK);
        assert_int_equal(lcp_proxy_msg_validate(&w->msg, NULL), LCP_OK);
    } else {
        assert_int_equal(w->r.message.len, 0); /* nothing to sign on failure */
    }
    return rc;
}

/* Updates to block h trusting block th (opts may be NULL), expecting rc; checks the message when it succeeds. */
static void update(world *w, int64_t h, int64_t th, const tmc_sign_opts *o, int include_state, int expect)
{
    lcp_buf hdr = {0};
    tmc_ibc_header(&hdr, w->c, h, th, o);
    int rc = submit(w, TMC_T_HEADER, &hdr, include_state, now_after(w, h));
    lcp_buf_free(&hdr);
    if (rc != expect)
        fail_msg("update %lld<-%lld: expected %s, got %s: %s", (long long)h, (long long)th, lcp_errname(expect),
                 lcp_errname(rc), w->err);
    if (rc != LCP_OK) return;
    const lcp_update_state_msg *u = &w->msg.u.update;
    assert_int_equal(w->msg.type, LCP_MSG_UPDATE_STATE);
    assert_int_equal(w->r.prove, 1);
    assert_int_equal(u->prev_height.revision_height, (uint64_t)th);
    assert_int_equal(u->post_height.revision_height, (uint64_t)h);
    assert_true(u->timestamp == (lcp_u128)ns_of(tmc_block_time(w->c, h)));
    assert_int_equal(u->emitted_count, include_state ? 1 : 0);
    lcp_validation_context c;
    assert_int_equal(lcp_context_decode(&c, u->context.ptr, u->context.len, NULL), LCP_OK);
    assert_int_equal(c.type, LCP_CONTEXT_TRUSTING_PERIOD);
    assert_true(c.trusting_period == (lcp_u128)14 * 86400 * 1000000000ull);
    assert_true(c.clock_drift == (lcp_u128)10 * 1000000000ull);
    assert_true(c.untrusted_header_timestamp == u->timestamp);
    assert_true(c.trusted_state_timestamp == (lcp_u128)ns_of(tmc_block_time(w->c, th)));
    assert_int_equal(lcp_context_validate(&c, now_after(w, h), NULL), LCP_OK);
}

static void ids_copy(uint8_t out[32], const world *w) { memcpy(out, w->msg.u.update.post_state_id, 32); }

/* Adjacent and skipping updates, with StateIDs chaining: the post id of the update that installed height h is the
 * prev id of a later update trusting h. */
static void run_updates(size_t n_vals)
{
    world w;
    world_open(&w, n_vals, 7);
    for (int i = 0; i < 12; i++) tmc_chain_push(w.c, NULL, NULL);
    create(&w, 1, NULL);
    uint8_t id1[32], id2[32], id10[32];
    memcpy(id1, w.msg.u.update.post_state_id, 32);
    update(&w, 2, 1, NULL, 0, LCP_OK); /* adjacent */
    assert_memory_equal(w.msg.u.update.prev_state_id, id1, 32);
    ids_copy(id2, &w);
    update(&w, 10, 2, NULL, 1, LCP_OK); /* skipping 8 blocks, same validators */
    assert_memory_equal(w.msg.u.update.prev_state_id, id2, 32);
    ids_copy(id10, &w);
    update(&w, 11, 10, NULL, 0, LCP_OK);
    assert_memory_equal(w.msg.u.update.prev_state_id, id10, 32);
    /* an older height, trusting the first: accepted, and the latest height stays 11 */
    update(&w, 5, 1, NULL, 0, LCP_OK);
    assert_memory_equal(w.msg.u.update.prev_state_id, id1, 32);
    lcp_height latest;
    lcp_elc_env env = tmc_memstore_env(w.m, now_after(&w, 11));
    assert_int_equal(lcp_elc_tendermint.latest_height(&env, &latest, CID, NULL), LCP_OK);
    assert_int_equal(latest.revision_height, 11);
    /* refusals: trusting a height the client never stored; the trusted height not below the header */
    update(&w, 12, 3, NULL, 0, LCP_ERR_ELC_CLIENT_NOT_FOUND);
    update(&w, 10, 11, NULL, 0, LCP_ERR_TM_NON_MONOTONIC);
    world_close(&w);
}

static void test_updates_4(void **state)
{
    (void)state;
    run_updates(4);
}

static void test_updates_200(void **state)
{
    (void)state;
    run_updates(200);
}

/* The same header twice gives the same message, and the same StateIDs as the first time. */
static void test_repeat_is_deterministic(void **state)
{
    (void)state;
    world w;
    world_open(&w, 10, 3);
    tmc_chain_push(w.c, NULL, NULL);
    create(&w, 1, NULL);
    update(&w, 2, 1, NULL, 1, LCP_OK);
    lcp_buf first = {0};
    assert_int_equal(lcp_buf_append(&first, w.r.message.data, w.r.message.len), LCP_OK);
    update(&w, 2, 1, NULL, 1, LCP_OK);
    assert_int_equal(first.len, w.r.message.len);
    assert_memory_equal(first.data, w.r.message.data, first.len);
    lcp_buf_free(&first);
    world_close(&w);
}

/* Validator-set changes: a quarter replaced at block 5 (skipping across it keeps enough trust), then the whole set
 * replaced at block 9: skipping from before to after that is NOT_ENOUGH_TRUST, stepping through it works. */
static void test_valset_changes(void **state)
{
    (void)state;
    world w;
    world_open(&w, 40, 11);
    tmc_valset *vs = lcp_malloc(sizeof *vs);
    assert_non_null(vs);
    for (int i = 0; i < 3; i++) tmc_chain_push(w.c, NULL, NULL); /* blocks 2-4 */
    tmc_valset_make(vs, 11, 10, 40, NULL, 10);                    /* validators 10..49: 30 kept, 10 new */
    tmc_chain_push(w.c, vs, NULL);                                /* block 5 names them next */
    for (int i = 0; i < 3; i++) tmc_chain_push(w.c, NULL, NULL); /* blocks 6-8 signed by the new set */
    tmc_valset_make(vs, 99, 0, 40, NULL, 10);                     /* an unrelated set */
    tmc_chain_push(w.c, vs, NULL);                                /* block 9 names it next */
    for (int i = 0; i < 4; i++) tmc_chain_push(w.c, NULL, NULL); /* blocks 10-13 */
    lcp_free(vs);
    create(&w, 1, NULL);
    update(&w, 7, 1, NULL, 0, LCP_OK);                           /* 30 of 40 trusted validators signed */
    update(&w, 12, 7, NULL, 0, LCP_ERR_TM_NOT_ENOUGH_TRUST);    /* none of the trusted validators signed */
    assert_non_null(strstr(w.err, "trusted validators signed"));
    update(&w, 8, 7, NULL, 0, LCP_OK);
    update(&w, 9, 8, NULL, 0, LCP_OK);
    update(&w, 10, 9, NULL, 0, LCP_OK); /* adjacent: signed by the set block 9 named */
    update(&w, 12, 10, NULL, 0, LCP_OK);
    /* the replaced set cannot be reached from block 8 by skipping either; from 12 it continues */
    update(&w, 13, 8, NULL, 0, LCP_ERR_TM_NOT_ENOUGH_TRUST);
    update(&w, 13, 12, NULL, 0, LCP_OK);
    world_close(&w);
}

/* Signatures: a forged one met before the threshold invalidates the header; too many absent signers leaves it
 * without power; with a 2/3 boundary exactly met it is still refused (more than 2/3 is needed). */
static void test_signatures(void **state)
{
    (void)state;
    world w;
    world_open(&w, 30, 5);
    for (int i = 0; i < 6; i++) tmc_chain_push(w.c, NULL, NULL);
    create(&w, 1, NULL);
    tmc_sign_opts o;
    memset(&o, 0, sizeof o);
    o.forge = 1; /* the first validator: examined first */
    update(&w, 2, 1, &o, 0, LCP_ERR_TM_SIGNATURE);
    o.forge = 15;
    update(&w, 2, 1, &o, 0, LCP_ERR_TM_SIGNATURE);
    o.forge = 4;
    update(&w, 5, 1, &o, 0, LCP_ERR_TM_SIGNATURE); /* skipping: met by the trust tally first */
    uint8_t absent[TMC_MAX_VALS];
    memset(absent, 0, sizeof absent);
    for (int i = 0; i < 10; i++) absent[i] = 1; /* 20 of 30 sign: exactly 2/3, not more */
    o.forge = 0;
    o.absent = absent;
    update(&w, 2, 1, &o, 0, LCP_ERR_TM_NOT_ENOUGH_POWER);
    absent[9] = 0; /* 21 of 30 */
    update(&w, 2, 1, &o, 0, LCP_OK);
    /* skipping with 21 of 30 signing: more than 1/3 of the trusted set, more than 2/3 of its own */
    update(&w, 6, 2, &o, 0, LCP_OK);
    /* a forged signature of a validator whose vote is never needed (the tally stops before it) */
    memset(absent, 0, sizeof absent);
    o.absent = NULL;
    o.forge = 30;
    update(&w, 7, 6, &o, 0, LCP_OK);
    world_close(&w);
}

/* Nil votes (flag 3, signed for no block, anywhere in the commit) count for nothing: a commit is accepted when the
 * COMMIT votes alone pass 2/3 and refused when they do not; as in CometBFT's VerifyCommitLight (spec sheet §3), a nil
 * vote's signature is not even checked. */
static void test_nil_votes(void **state)
{
    (void)state;
    world w;
    world_open(&w, 30, 5);
    for (int i = 0; i < 4; i++) tmc_chain_push(w.c, NULL, NULL);
    create(&w, 1, NULL);
    tmc_sign_opts o;
    memset(&o, 0, sizeof o);
    uint8_t nil[TMC_MAX_VALS];
    memset(nil, 0, sizeof nil);
    for (int i = 0; i < 9; i += 1) nil[i * 3] = 1; /* 9 of 30 vote nil, spread through the commit: 21 commit */
    o.nil = nil;
    update(&w, 2, 1, &o, 0, LCP_OK);
    o.forge = 1; /* validator 0 votes nil with a corrupted signature: light verification ignores nil votes */
    update(&w, 3, 2, &o, 0, LCP_OK);
    o.forge = 0;
    nil[1] = 1; /* 10 nil: the 20 COMMIT votes are exactly 2/3, not more */
    update(&w, 4, 3, &o, 0, LCP_ERR_TM_NOT_ENOUGH_POWER);
    world_close(&w);
}

/* Time rules: a header beyond now + drift, and trust expired. */
static void test_time_rules(void **state)
{
    (void)state;
    world w;
    world_open(&w, 4, 9);
    tmc_chain_push(w.c, NULL, NULL);
    create(&w, 1, NULL);
    lcp_buf hdr = {0};
    tmc_ibc_header(&hdr, w.c, 2, 1, NULL);
    uint64_t t2 = ns_of(tmc_block_time(w.c, 2));
    assert_int_equal(submit(&w, TMC_T_HEADER, &hdr, 0, t2 - 10000000000ull), LCP_ERR_TM_FUTURE); /* exactly drift */
    assert_int_equal(submit(&w, TMC_T_HEADER, &hdr, 0, t2 - 9999999999ull), LCP_OK);
    assert_int_equal(submit(&w, TMC_T_HEADER, &hdr, 0, ns_of(tmc_block_time(w.c, 1)) + 14ull * 86400 * 1000000000ull),
                     LCP_ERR_TM_EXPIRED);
    lcp_buf_free(&hdr);
    world_close(&w);
}

/* Misbehaviour: two validly signed headers at one height (a fork) freeze the client; so does a higher header
 * with an earlier time. The same header twice, or a consistent pair, is no evidence. */
static void test_misbehaviour(void **state)
{
    (void)state;
    world w;
    world_open(&w, 20, 13);
    for (int i = 0; i < 6; i++) tmc_chain_push(w.c, NULL, NULL);
    create(&w, 1, NULL);
    update(&w, 3, 1, NULL, 0, LCP_OK);
    uint8_t id1[32], id3[32];
    ids_copy(id3, &w);
    memcpy(id1, w.msg.u.update.prev_state_id, 32);
    uint8_t other[32];
    memset(other, 0xab, sizeof other);
    tmc_sign_opts fork = {NULL, 0, other, 0, NULL};
    lcp_buf h1 = {0}, h2 = {0}, mb = {0};
    tmc_ibc_header(&h1, w.c, 5, 3, NULL);
    tmc_ibc_header(&h2, w.c, 5, 1, &fork);
    /* not evidence: the same header twice */
    tmc_misbehaviour(&mb, CID, &h1, &h1);
    assert_int_equal(submit(&w, TMC_T_MISB, &mb, 0, now_after(&w, 5)), LCP_ERR_TM_MISBEHAVIOUR);
    mb.len = 0;
    /* not evidence: a forged signature on one side */
    lcp_buf bad = {0};
    tmc_sign_opts forged = {NULL, 1, other, 0, NULL};
    tmc_ibc_header(&bad, w.c, 5, 1, &forged);
    tmc_misbehaviour(&mb, CID, &h1, &bad);
    assert_int_equal(submit(&w, TMC_T_MISB, &mb, 0, now_after(&w, 5)), LCP_ERR_TM_SIGNATURE);
    mb.len = 0;
    lcp_buf_free(&bad);
    /* a fork at height 5 */
    tmc_misbehaviour(&mb, CID, &h1, &h2);
    if (submit(&w, TMC_T_MISB, &mb, 0, now_after(&w, 5)) != LCP_OK) fail_msg("misbehaviour: %s", w.err);
    assert_int_equal(w.msg.type, LCP_MSG_MISBEHAVIOUR);
    assert_int_equal(w.r.misbehaviour, 1);
    assert_int_equal(w.r.prove, 1);
    assert_int_equal(w.r.consensus_state.len, 0);
    const lcp_misbehaviour_msg *m = &w.msg.u.misbehaviour;
    assert_int_equal(m->prev_count, 2);
    lcp_prev_state p0, p1;
    assert_int_equal(lcp_misbehaviour_prev_state(m, 0, &p0), LCP_OK);
    assert_int_equal(lcp_misbehaviour_prev_state(m, 1, &p1), LCP_OK);
    assert_int_equal(p0.height.revision_height, 3);
    assert_int_equal(p1.height.revision_height, 1);
    assert_memory_equal(p0.state_id, id3, 32);
    assert_memory_equal(p1.state_id, id1, 32);
    lcp_validation_context c;
    assert_int_equal(lcp_context_decode(&c, m->context.ptr, m->context.len, NULL), LCP_OK);
    assert_true(c.trusted_state_timestamp == (lcp_u128)ns_of(tmc_block_time(w.c, 1))); /* the older of the two */
    assert_true(c.untrusted_header_timestamp == (lcp_u128)ns_of(tmc_block_time(w.c, 5)));
    /* the client message is the Misbehaviour Any */
    lcp_pb_any any;
    assert_int_equal(lcp_pb_decode_any(&any, m->client_message.ptr, m->client_message.len, NULL), LCP_OK);
    assert_true(lcp_pb_any_is(&any, TMC_T_MISB));
    assert_int_equal(any.value.len, mb.len);
    /* frozen at 0-1: encoded as frozen_height {2: 1} */
    static const uint8_t frozen[] = {0x32, 0x02, 0x10, 0x01};
    assert_non_null(memmem(w.r.client_state.data, w.r.client_state.len, frozen, sizeof frozen));
    /* a frozen client refuses updates, misbehaviour and proofs */
    update(&w, 6, 3, NULL, 0, LCP_ERR_ELC_FROZEN);
    assert_int_equal(submit(&w, TMC_T_MISB, &mb, 0, now_after(&w, 5)), LCP_ERR_ELC_FROZEN);
    lcp_height h3 = {1, 3};
    lcp_elc_env env = tmc_memstore_env(w.m, now_after(&w, 5));
    reset(&w);
    assert_int_equal(lcp_elc_tendermint.verify_membership(&env, &w.r, CID, (const uint8_t *)"ibc", 3, "a/b",
                                                          (const uint8_t *)"v", 1, 1, &h3, (const uint8_t *)"p", 1, w.err),
                     LCP_ERR_ELC_FROZEN);
    lcp_buf_free(&h1);
    lcp_buf_free(&h2);
    lcp_buf_free(&mb);
    world_close(&w);
}

static void test_misbehaviour_time(void **state)
{
    (void)state;
    world w;
    world_open(&w, 4, 17);
    for (int i = 0; i < 6; i++) tmc_chain_push(w.c, NULL, NULL);
    create(&w, 1, NULL);
    /* header_1 at height 6 dated before header_2 at height 4: BFT time went backwards */
    tmc_sign_opts early = {NULL, 0, NULL, -20ll * 1000000000, NULL};
    lcp_buf h1 = {0}, h2 = {0}, mb = {0};
    tmc_ibc_header(&h1, w.c, 6, 1, &early);
    tmc_ibc_header(&h2, w.c, 4, 1, NULL);
    tmc_misbehaviour(&mb, CID, &h2, &h1); /* header_1 lower: malformed evidence */
    assert_int_equal(submit(&w, TMC_T_MISB, &mb, 0, now_after(&w, 6)), LCP_ERR_TM_MISBEHAVIOUR);
    mb.len = 0;
    tmc_misbehaviour(&mb, CID, &h1, &h2);
    if (submit(&w, TMC_T_MISB, &mb, 0, now_after(&w, 6)) != LCP_OK) fail_msg("misbehaviour: %s", w.err);
    assert_int_equal(w.r.misbehaviour, 1);
    /* two honest headers at different heights are consistent: no evidence */
    lcp_buf_free(&h1);
    h1 = (lcp_buf){0};
    tmc_ibc_header(&h1, w.c, 6, 1, NULL);
    mb.len = 0;
    tmc_misbehaviour(&mb, CID, &h1, &h2);
    world w2;
    world_open(&w2, 4, 17);
    for (int i = 0; i < 6; i++) tmc_chain_push(w2.c, NULL, NULL);
    create(&w2, 1, NULL);
    assert_int_equal(submit(&w2, TMC_T_MISB, &mb, 0, now_after(&w2, 6)), LCP_ERR_TM_MISBEHAVIOUR);
    world_close(&w2);
    lcp_buf_free(&h1);
    lcp_buf_free(&h2);
    lcp_buf_free(&mb);
    world_close(&w);
}

/* Membership and non-membership against a generated state committed in block 4's app hash. */
static void test_membership(void **state)
{
    (void)state;
    static const tmc_kv kvs[] = {
        {"acks/ports/transfer/channels/channel-0/sequences/1", (const uint8_t *)"\x08\x01", 2},
        {"channelEnds/ports/transfer/channels/channel-0", (const uint8_t *)"channel end", 11},
        {"clients/07-tendermint-0/clientState", (const uint8_t *)"client state", 12},
        {"commitments/ports/transfer/channels/channel-0/sequences/1", (const uint8_t *)"commitment", 10},
        {"connections/connection-0", (const uint8_t *)"connection", 10},
    };
    const size_t n = sizeof kvs / sizeof kvs[0];
    world w;
    world_open(&w, 7, 21);
    tmc_chain_push(w.c, NULL, NULL);
    tmc_chain_push(w.c, NULL, NULL);
    uint8_t app[32];
    tmc_state_app_hash(app, kvs, n);
    tmc_chain_push(w.c, NULL, app); /* block 4 */
    create(&w, 1, NULL);
    update(&w, 4, 1, NULL, 0, LCP_OK);
    uint8_t id4[32];
    ids_copy(id4, &w);
    lcp_height h4 = {1, 4}, h1 = {1, 1};
    lcp_elc_env env = tmc_memstore_env(w.m, now_after(&w, 4));
    for (size_t i = 0; i < n; i++) {
        lcp_buf proof = {0};
        tmc_state_proof(&proof, kvs, n, kvs[i].key, 1);
        reset(&w);
        if (lcp_elc_tendermint.verify_membership(&env, &w.r, CID, (const uint8_t *)"ibc", 3, kvs[i].key, kvs[i].value,
                                                 kvs[i].value_len, 1, &h4, proof.data, proof.len, w.err) != LCP_OK)
            fail_msg("membership of %s: %s", kvs[i].key, w.err);
        lcp_proxy_msg m;
        assert_int_equal(lcp_proxy_msg_decode(&m, w.r.message.data, w.r.message.len, NULL), LCP_OK);
        assert_int_equal(m.type, LCP_MSG_STATE);
        assert_int_equal(lcp_proxy_msg_validate(&m, NULL), LCP_OK);
        uint8_t kv[32];
        lcp_keccak256(kv, kvs[i].value, kvs[i].value_len);
        assert_memory_equal(m.u.state.value, kv, 32);
        assert_memory_equal(m.u.state.state_id, id4, 32);
        assert_int_equal(m.u.state.prefix.len, 3);
        assert_int_equal(m.u.state.path.len, strlen(kvs[i].key));
        assert_int_equal(w.r.prove, 1);
        /* another value, another prefix, another height, or the proof as non-membership: refused */
        reset(&w);
        assert_int_not_equal(lcp_elc_tendermint.verify_membership(&env, &w.r, CID, (const uint8_t *)"ibc", 3, kvs[i].key,
                                                                  (const uint8_t *)"x", 1, 1, &h4, proof.data,
                                                                  proof.len, w.err),
                             LCP_OK);
        assert_int_not_equal(lcp_elc_tendermint.verify_membership(&env, &w.r, CID, (const uint8_t *)"ibd", 3, kvs[i].key,
                                                                  kvs[i].value, kvs[i].value_len, 1, &h4, proof.data,
                                                                  proof.len, w.err),
                             LCP_OK);
        assert_int_not_equal(lcp_elc_tendermint.verify_membership(&env, &w.r, CID, (const uint8_t *)"ibc", 3, kvs[i].key,
                                                                  kvs[i].value, kvs[i].value_len, 1, &h1, proof.data,
                                                                  proof.len, w.err),
                             LCP_OK);
        assert_int_not_equal(lcp_elc_tendermint.verify_membership(&env, &w.r, CID, (const uint8_t *)"ibc", 3, kvs[i].key,
                                                                  NULL, 0, 0, &h4, proof.data, proof.len, w.err),
                             LCP_OK);
        /* every flipped byte of the proof is refused */
        for (size_t k = 0; k < proof.len; k += 5) {
            proof.data[k] ^= 0x04;
            int rc = lcp_elc_tendermint.verify_membership(&env, &w.r, CID, (const uint8_t *)"ibc", 3, kvs[i].key,
                                                          kvs[i].value, kvs[i].value_len, 1, &h4, proof.data, proof.len,
                                                          w.err);
            if (rc == LCP_OK) fail_msg("flipped proof byte %zu accepted", k);
            proof.data[k] ^= 0x04;
        }
        assert_int_equal(w.r.message.len, 0);
        lcp_buf_free(&proof);
    }
    /* absent keys: before the first, between two, after the last */
    static const char *const absent[] = {"a", "clients/07-tendermint-0/clientStatf", "zzz"};
    for (size_t i = 0; i < 3; i++) {
        lcp_buf proof = {0};
        tmc_state_proof(&proof, kvs, n, absent[i], 0);
        reset(&w);
        if (lcp_elc_tendermint.verify_membership(&env, &w.r, CID, (const uint8_t *)"ibc", 3, absent[i], NULL, 0, 0, &h4,
                                                 proof.data, proof.len, w.err) != LCP_OK)
            fail_msg("non-membership of %s: %s", absent[i], w.err);
        lcp_proxy_msg m;
        assert_int_equal(lcp_proxy_msg_decode(&m, w.r.message.data, w.r.message.len, NULL), LCP_OK);
        static const uint8_t zero[32];
        assert_memory_equal(m.u.state.value, zero, 32);
        assert_memory_equal(m.u.state.state_id, id4, 32);
        /* the non-membership proof of one key does not exclude another, nor prove membership */
        reset(&w);
        assert_int_not_equal(lcp_elc_tendermint.verify_membership(&env, &w.r, CID, (const uint8_t *)"ibc", 3, kvs[0].key,
                                                                  NULL, 0, 0, &h4, proof.data, proof.len, w.err),
                             LCP_OK);
        assert_int_not_equal(lcp_elc_tendermint.verify_membership(&env, &w.r, CID, (const uint8_t *)"ibc", 3, absent[i],
                                                                  (const uint8_t *)"v", 1, 1, &h4, proof.data,
                                                                  proof.len, w.err),
                             LCP_OK);
        lcp_buf_free(&proof);
    }
    /* a present key cannot be proven absent with its neighbours' proof */
    lcp_buf proof = {0};
    tmc_state_proof(&proof, kvs, n, absent[1], 0);
    reset(&w);
    assert_int_not_equal(lcp_elc_tendermint.verify_membership(&env, &w.r, CID, (const uint8_t *)"ibc", 3, kvs[2].key, NULL,
                                                              0, 0, &h4, proof.data, proof.len, w.err),
                         LCP_OK);
    lcp_buf_free(&proof);
    world_close(&w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_updates_4),
        cmocka_unit_test(test_updates_200),
        cmocka_unit_test(test_repeat_is_deterministic),
        cmocka_unit_test(test_valset_changes),
        cmocka_unit_test(test_signatures),
        cmocka_unit_test(test_nil_votes),
        cmocka_unit_test(test_time_rules),
        cmocka_unit_test(test_misbehaviour),
        cmocka_unit_test(test_misbehaviour_time),
        cmocka_unit_test(test_membership),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
