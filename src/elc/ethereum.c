/* The Ethereum light client behind the ELC vtable (lcp/elc.h) with the behaviour of ethereum-elc v0.1.0 (spec sheet
 * ethereum.md §6-§11): what it accepts, what it stores and the proxy messages it returns.
 *
 *   create_client  UpdateState{prev none, post ((0, latest_execution_block_number), StateID(canon(cs), cons)),
 *                  consensus timestamp, Empty context, emitted [(post height, the given client state Any)]}, unsigned.
 *   update_client  a Header: trusted committee, consensus update (finality, next committee, BLS), execution update,
 *                  the IBC contract's account proof, trusting period and clock drift, then the period transition;
 *                  UpdateState{prev (trusted height, id), post ((0, block_number), id), header time,
 *                  TrustingPeriod context, emitted [] or with include_state [(post height, new client state)]}.
 *                  A FinalizedHeader- or NextSyncCommitteeMisbehaviour: both updates verified against the trusted
 *                  store, the conflict checked; the client is frozen at the trusted height and a Misbehaviour
 *                  message carries the re-encoded evidence.
 *   verify_*       the commitment's slot in the IBC contract's storage under the consensus state's storage root;
 *                  State{prefix, re-rendered path, keccak256(value) or zero, proof height, StateID}.
 * Not verified, as in ethereum-elc: optimistic updates, forced updates (UPDATE_TIMEOUT), updates that skip a
 * period, client upgrades. */
#include <string.h>

#include "lcp/crypto.h"
#include "lcp/elc_eth_mpt.h"
#include "lcp/elc_ethereum.h"

#define NS 1000000000u

static int load_any(const lcp_elc_env *env, const char *key, lcp_buf *raw, lcp_pb_any *a, const char *want,
                    const char *client_id, char *err)
{
    int found, rc = env->get(env->ud, key, raw, &found, err);
    if (rc != LCP_OK) return rc;
    if (!found) return lcp_fail(err, LCP_ERR_ELC_CLIENT_NOT_FOUND, "client %s: %s not found", client_id, key);
    if ((rc = lcp_pb_decode_any(a, raw->data, raw->len, err)) != LCP_OK) return rc;
    if (!lcp_pb_any_is(a, want)) return lcp_fail(err, LCP_ERR_ELC_UNKNOWN_TYPE, "%s is not a %s", key, want);
    return LCP_OK;
}

static int load_client(const lcp_elc_env *env, const char *client_id, lcp_buf *raw, lcp_eth_client_state *cs,
                       char *err)
{
    char key[256];
    lcp_pb_any a;
    if (lcp_elc_key_client_state(key, sizeof key, client_id) != LCP_OK)
        return lcp_fail(err, LCP_ERR_ELC_INVALID_CLIENT_ID, "client id too long");
    int rc = load_any(env, key, raw, &a, LCP_ETH_T_CS, client_id, err);
    if (rc == LCP_OK) rc = lcp_eth_decode_client_state(cs, a.value.ptr, a.value.len, err);
    return rc;
}

static int load_consensus(const lcp_elc_env *env, const char *client_id, const lcp_height *h,
                          lcp_eth_consensus_state *cons, char *err)
{
    char key[256];
    lcp_pb_any a;
    lcp_buf raw = {0};
    if (lcp_elc_key_consensus_state(key, sizeof key, client_id, h) != LCP_OK)
        return lcp_fail(err, LCP_ERR_ELC_INVALID_CLIENT_ID, "client id too long");
    int rc = load_any(env, key, &raw, &a, LCP_ETH_T_CONS, client_id, err);
    if (rc == LCP_OK) rc = lcp_eth_decode_consensus_state(cons, a.value.ptr, a.value.len, err);
    lcp_buf_free(&raw);
    return rc;
}

static int encode_msg(lcp_buf *out, const lcp_proxy_msg *m, char *err)
{
    size_t n;
    int rc = lcp_proxy_msg_encode(NULL, 0, &n, m);
    if (rc == LCP_OK) rc = lcp_buf_reserve(out, n);
    if (rc == LCP_OK) rc = lcp_proxy_msg_encode(out->data + out->len, n, &n, m);
    if (rc == LCP_OK) out->len += n;
    return rc == LCP_OK ? LCP_OK : lcp_fail(err, rc, "encoding the proxy message");
}

static lcp_u128 duration_ns(lcp_eth_duration d) { return (lcp_u128)d.seconds * NS + d.nanos; }

static lcp_height exec_height(uint64_t block_number)
{
    lcp_height h = {0, block_number};
    return h;
}

/* ---- create ---- */

static int eth_create(const lcp_elc_env *env, lcp_elc_result *out, const lcp_pb_any *cs_any,
                      const lcp_pb_any *cons_any, char *err)
{
    (void)env;
    lcp_eth_client_state cs;
    lcp_eth_consensus_state cons;
    if (!lcp_pb_any_is(cs_any, LCP_ETH_T_CS) || !lcp_pb_any_is(cons_any, LCP_ETH_T_CONS))
        return lcp_fail(err, LCP_ERR_ELC_UNKNOWN_TYPE, "expected %s and %s", LCP_ETH_T_CS, LCP_ETH_T_CONS);
    int rc = lcp_eth_decode_client_state(&cs, cs_any->value.ptr, cs_any->value.len, err);
    if (rc != LCP_OK) return lcp_fail_ctx(err, rc, "client state");
    if ((rc = lcp_eth_decode_consensus_state(&cons, cons_any->value.ptr, cons_any->value.len, err)) != LCP_OK)
        return lcp_fail_ctx(err, rc, "consensus state");
    if (cs.frozen) return lcp_fail(err, LCP_ERR_ELC_FROZEN, "cannot create a frozen client");
    lcp_proxy_msg m;
    memset(&m, 0, sizeof m);
    m.type = LCP_MSG_UPDATE_STATE;
    lcp_update_state_msg *u = &m.u.update;
    lcp_validation_context c = {.type = LCP_CONTEXT_EMPTY};
    uint8_t ctx[LCP_CONTEXT_MAX_LEN];
    size_t ctx_len = 0;
    u->post_height = exec_height(cs.latest_execution_block_number);
    u->timestamp = cons.timestamp_ns;
    if ((rc = lcp_eth_state_id(u->post_state_id, &cs, &cons)) != LCP_OK ||
        (rc = lcp_context_encode(ctx, sizeof ctx, &ctx_len, &c)) != LCP_OK ||
        (rc = lcp_elc_put_any(&out->client_state, LCP_ETH_T_CS, cs_any->value.ptr, cs_any->value.len)) != LCP_OK ||
        (rc = lcp_elc_put_any(&out->consensus_state, LCP_ETH_T_CONS, cons_any->value.ptr, cons_any->value.len)) !=
            LCP_OK)
        return lcp_fail(err, rc, NULL);
    u->context = (lcp_bytes){ctx, ctx_len};
    /* ethereum-elc emits the client state as given; only the state id sees the canonical re-encoding */
    lcp_emitted_state es = {u->post_height, {out->client_state.data, out->client_state.len}};
    u->emitted = &es;
    u->emitted_count = 1;
    if ((rc = encode_msg(&out->message, &m, err)) != LCP_OK) return rc;
    out->height = u->post_height;
    out->prove = 0;
    return LCP_OK;
}

/* ---- the trusted store ---- */

typedef struct {
    lcp_eth_committee trusted;
    lcp_eth_scratch scratch;
} eth_work;

/* The header's trusted committee: N valid keys summing to its aggregate, which must be the consensus state's
 * current (is_next 0) or next (is_next 1) aggregate. */
static int trusted_store(lcp_eth_store *st, eth_work *w, const lcp_eth_client_state *cs,
                         const lcp_eth_consensus_state *cons, const lcp_eth_trusted_committee *t, char *err)
{
    if (t->trusted_height.revision_number != 0)
        return lcp_fail(err, LCP_ERR_ELC_INVALID_HEADER, "trusted height has revision %llu, not 0",
                        (unsigned long long)t->trusted_height.revision_number);
    int rc = lcp_eth_committee_decode(&w->trusted, &t->sync_committee, lcp_eth_committee_size(cs), err);
    if (rc != LCP_OK) return lcp_fail_ctx(err, rc, "trusted sync committee");
    const uint8_t *want = t->is_next ? cons->next_sync_committee : cons->current_sync_committee;
    if (memcmp(want, t->sync_committee.aggregate_pubkey, 48) != 0)
        return lcp_fail(err, LCP_ERR_ETH_COMMITTEE, "trusted sync committee is not the consensus state's %s committee",
                        t->is_next ? "next" : "current");
    st->cons = cons;
    st->committee = &w->trusted;
    st->raw = &t->sync_committee;
    st->is_next = t->is_next;
    return LCP_OK;
}

/* ---- update with a header ---- */

static int check_header(const lcp_eth_client_state *cs, const lcp_eth_header *h, char *err)
{
    const lcp_eth_consensus_update *u = &h->consensus_update;
    if (h->timestamp == 0) return lcp_fail(err, LCP_ERR_ELC_INVALID_HEADER, "header timestamp is 0");
    /* Header.validate: the timestamp is the finalized slot's time */
    if (u->finalized_header.slot > (UINT64_MAX - cs->genesis_time) / cs->seconds_per_slot ||
        h->timestamp != cs->genesis_time + u->finalized_header.slot * cs->seconds_per_slot)
        return lcp_fail(err, LCP_ERR_ETH_TIME, "header timestamp %llu is not the time of finalized slot %llu",
                        (unsigned long long)h->timestamp, (unsigned long long)u->finalized_header.slot);
    if (h->timestamp > UINT64_MAX / NS) return lcp_fail(err, LCP_ERR_ETH_TIME, "header timestamp overflows ns");
    return LCP_OK;
}

static int check_time(const lcp_eth_client_state *cs, const lcp_eth_consensus_state *trusted, uint64_t untrusted_ns,
                      uint64_t now_ns, int drift, char *err)
{
    if ((lcp_u128)trusted->timestamp_ns + duration_ns(cs->trusting_period) <= now_ns)
        return lcp_fail(err, LCP_ERR_ETH_TIME, "trusted consensus state is outside the trusting period");
    if (drift && (lcp_u128)now_ns + duration_ns(cs->max_clock_drift) <= untrusted_ns)
        return lcp_fail(err, LCP_ERR_ETH_TIME, "header is in the future beyond the maximum clock drift");
    return LCP_OK;
}

static int verify_header(const lcp_elc_env *env, const lcp_eth_client_state *cs, const lcp_eth_consensus_state *trusted,
                         const lcp_eth_header *h, eth_work *w, lcp_eth_consensus_state *post, char *err)
{
    const lcp_eth_consensus_update *u = &h->consensus_update;
    uint64_t now_s = env->now_ns / NS;
    lcp_eth_store st;
    int rc = trusted_store(&st, w, cs, trusted, &h->trusted, err);
    if (rc == LCP_OK) rc = check_header(cs, h, err);
    if (rc == LCP_OK) rc = lcp_eth_verify_consensus_update(cs, &st, u, now_s, &w->scratch, err);
    if (rc == LCP_OK) rc = lcp_eth_verify_execution_update(cs, u, &h->execution_update, err);
    if (rc != LCP_OK) return rc;
    uint8_t sr[32];
    rc = lcp_eth_ibc_account_storage_root(sr, h->execution_update.state_root, cs->ibc_address, h->account_proof.ptr,
                                          h->account_proof.len, err);
    if (rc != LCP_OK) return lcp_fail_ctx(err, rc, "account proof");
    if (memcmp(sr, h->account_storage_root, 32) != 0)
        return lcp_fail(err, LCP_ERR_ETH_MPT_VALUE, "account_storage_root is not the IBC contract's storage root");
    if ((rc = check_time(cs, trusted, h->timestamp * NS, now_s * NS, 1, err)) != LCP_OK) return rc;
    return lcp_eth_apply_update(post, cs, trusted, u, h->account_storage_root, h->timestamp, err);
}

static int update_header(const lcp_elc_env *env, lcp_elc_result *out, const char *client_id,
                         const lcp_eth_client_state *cs, const lcp_pb_any *msg, int include_state, char *err)
{
    lcp_eth_header h;
    lcp_eth_consensus_state trusted, post;
    int rc = lcp_eth_decode_header(&h, msg->value.ptr, msg->value.len, err);
    if (rc != LCP_OK) return lcp_fail_ctx(err, rc, "header");
    if ((rc = load_consensus(env, client_id, &h.trusted.trusted_height, &trusted, err)) != LCP_OK) return rc;
    eth_work *w = lcp_malloc(sizeof *w);
    if (!w) return lcp_fail(err, LCP_ERR_NOMEM, "out of memory");
    rc = verify_header(env, cs, &trusted, &h, w, &post, err);
    lcp_free(w);
    if (rc != LCP_OK) return rc;

    lcp_eth_client_state next = *cs;
    if (h.execution_update.block_number > next.latest_execution_block_number)
        next.latest_execution_block_number = h.execution_update.block_number;
    lcp_proxy_msg m;
    memset(&m, 0, sizeof m);
    m.type = LCP_MSG_UPDATE_STATE;
    lcp_update_state_msg *u = &m.u.update;
    lcp_validation_context c = {.type = LCP_CONTEXT_TRUSTING_PERIOD};
    c.trusting_period = duration_ns(cs->trusting_period);
    c.clock_drift = duration_ns(cs->max_clock_drift);
    c.untrusted_header_timestamp = (lcp_u128)h.timestamp * NS;
    c.trusted_state_timestamp = trusted.timestamp_ns;
    uint8_t ctx[LCP_CONTEXT_MAX_LEN];
    size_t ctx_len = 0;
    u->prev_height = h.trusted.trusted_height;
    u->post_height = exec_height(h.execution_update.block_number);
    u->timestamp = c.untrusted_header_timestamp;
    if ((rc = lcp_context_encode(ctx, sizeof ctx, &ctx_len, &c)) != LCP_OK ||
        (rc = lcp_eth_state_id(u->prev_state_id, cs, &trusted)) != LCP_OK ||
        (rc = lcp_eth_state_id(u->post_state_id, &next, &post)) != LCP_OK ||
        (rc = lcp_eth_encode_client_state(&out->client_state, &next, 0)) != LCP_OK ||
        (rc = lcp_eth_encode_consensus_state(&out->consensus_state, &post)) != LCP_OK)
        return lcp_fail(err, rc, NULL);
    u->context = (lcp_bytes){ctx, ctx_len};
    /* LCP's handler emits the new client state (prost, not canonicalised) when asked */
    lcp_emitted_state es = {u->post_height, {out->client_state.data, out->client_state.len}};
    if (include_state) {
        u->emitted = &es;
        u->emitted_count = 1;
    }
    if ((rc = encode_msg(&out->message, &m, err)) != LCP_OK) return rc;
    out->height = u->post_height;
    out->prove = 1;
    return LCP_OK;
}

/* ---- misbehaviour ---- */

static int headers_equal(const lcp_eth_beacon_header *a, const lcp_eth_beacon_header *b)
{
    return a->slot == b->slot && a->proposer_index == b->proposer_index && !memcmp(a->parent_root, b->parent_root, 32) &&
           !memcmp(a->state_root, b->state_root, 32) && !memcmp(a->body_root, b->body_root, 32);
}

static int committees_differ(const lcp_eth_sync_committee *a, const lcp_eth_sync_committee *b)
{
    if (a->n_pubkeys != b->n_pubkeys || memcmp(a->aggregate_pubkey, b->aggregate_pubkey, 48) != 0) return 1;
    size_t pa = 0, pb = 0;
    const uint8_t *ka, *kb;
    while ((ka = lcp_eth_committee_next(a, &pa)) != NULL)
        if ((kb = lcp_eth_committee_next(b, &pb)) == NULL || memcmp(ka, kb, 48) != 0) return 1;
    return 0;
}

/* ethereum-light-client-rs misbehaviour.rs: what makes the two updates a conflict. */
static int misbehaviour_evident(const lcp_eth_client_state *cs, const lcp_eth_misbehaviour *mb, char *err)
{
    const lcp_eth_consensus_update *a = &mb->update_1, *b = &mb->update_2;
    if (mb->kind == LCP_ETH_MISB_FINALIZED_HEADER) {
        if (a->finalized_header.slot != b->finalized_header.slot)
            return lcp_fail(err, LCP_ERR_ETH_MISBEHAVIOUR, "finalized headers are at different slots");
        if (headers_equal(&a->finalized_header, &b->finalized_header))
            return lcp_fail(err, LCP_ERR_ETH_MISBEHAVIOUR, "finalized headers are the same");
        return LCP_OK;
    }
    uint64_t pa = lcp_eth_period_of_slot(cs, a->attested_header.slot);
    uint64_t pb = lcp_eth_period_of_slot(cs, b->attested_header.slot);
    if (pa != lcp_eth_period_of_slot(cs, a->finalized_header.slot) ||
        pb != lcp_eth_period_of_slot(cs, b->finalized_header.slot))
        return lcp_fail(err, LCP_ERR_ETH_MISBEHAVIOUR, "an update's attested and finalized periods differ");
    if (pa != pb) return lcp_fail(err, LCP_ERR_ETH_MISBEHAVIOUR, "the updates are of different periods");
    if (!a->has_next || !b->has_next)
        return lcp_fail(err, LCP_ERR_ETH_MISBEHAVIOUR, "an update has no next sync committee");
    if (!committees_differ(&a->next_sync_committee, &b->next_sync_committee))
        return lcp_fail(err, LCP_ERR_ETH_MISBEHAVIOUR, "the next sync committees are the same");
    return LCP_OK;
}

static int verify_misbehaviour(const lcp_elc_env *env, const char *client_id, const lcp_eth_client_state *cs,
                               const lcp_eth_misbehaviour *mb, lcp_eth_consensus_state *trusted, eth_work *w, char *err)
{
    if (mb->client_id.len != strlen(client_id) || memcmp(mb->client_id.ptr, client_id, mb->client_id.len) != 0)
        return lcp_fail(err, LCP_ERR_ETH_MISBEHAVIOUR, "misbehaviour names another client");
    int rc = load_consensus(env, client_id, &mb->trusted.trusted_height, trusted, err);
    if (rc != LCP_OK) return rc;
    lcp_eth_store st;
    uint64_t now_s = env->now_ns / NS;
    if ((rc = trusted_store(&st, w, cs, trusted, &mb->trusted, err)) != LCP_OK) return rc;
    if ((rc = check_time(cs, trusted, 0, now_s * NS, 0, err)) != LCP_OK) return rc;
    if ((rc = misbehaviour_evident(cs, mb, err)) != LCP_OK) return rc;
    if ((rc = lcp_eth_verify_consensus_update(cs, &st, &mb->update_1, now_s, &w->scratch, err)) != LCP_OK)
        return lcp_fail_ctx(err, rc, "consensus_update_1");
    if ((rc = lcp_eth_verify_consensus_update(cs, &st, &mb->update_2, now_s, &w->scratch, err)) != LCP_OK)
        return lcp_fail_ctx(err, rc, "consensus_update_2");
    return LCP_OK;
}

static int misbehaviour(const lcp_elc_env *env, lcp_elc_result *out, const char *client_id,
                        const lcp_eth_client_state *cs, const lcp_pb_any *msg, int kind, char *err)
{
    lcp_eth_misbehaviour mb;
    lcp_eth_consensus_state trusted;
    lcp_buf any = {0};
    int rc = lcp_eth_decode_misbehaviour(&mb, kind, msg->value.ptr, msg->value.len, err);
    if (rc != LCP_OK) return lcp_fail_ctx(err, rc, "misbehaviour");
    eth_work *w = lcp_malloc(sizeof *w);
    if (!w) return lcp_fail(err, LCP_ERR_NOMEM, "out of memory");
    rc = verify_misbehaviour(env, client_id, cs, &mb, &trusted, w, err);
    lcp_free(w);
    if (rc != LCP_OK) return rc;

    lcp_eth_client_state frozen = *cs;
    frozen.frozen = 1;
    frozen.frozen_height = mb.trusted.trusted_height;
    lcp_prev_state ps = {mb.trusted.trusted_height, {0}};
    /* ethereum-elc: no clock drift and an untrusted time of 0 (the unix epoch) */
    lcp_validation_context c = {.type = LCP_CONTEXT_TRUSTING_PERIOD};
    c.trusting_period = duration_ns(cs->trusting_period);
    c.trusted_state_timestamp = trusted.timestamp_ns;
    uint8_t ctx[LCP_CONTEXT_MAX_LEN];
    size_t ctx_len = 0;
    if ((rc = lcp_context_encode(ctx, sizeof ctx, &ctx_len, &c)) != LCP_OK ||
        (rc = lcp_eth_state_id(ps.state_id, cs, &trusted)) != LCP_OK ||
        (rc = lcp_eth_encode_misbehaviour(&any, &mb)) != LCP_OK ||
        (rc = lcp_eth_encode_client_state(&out->client_state, &frozen, 0)) != LCP_OK) {
        rc = lcp_fail(err, rc, NULL);
        goto done;
    }
    lcp_proxy_msg m;
    memset(&m, 0, sizeof m);
    m.type = LCP_MSG_MISBEHAVIOUR;
    m.u.misbehaviour.prev_states = &ps;
    m.u.misbehaviour.prev_count = 1;
    m.u.misbehaviour.context = (lcp_bytes){ctx, ctx_len};
    m.u.misbehaviour.client_message = (lcp_bytes){any.data, any.len};
    if ((rc = encode_msg(&out->message, &m, err)) != LCP_OK) goto done;
    out->height = exec_height(cs->latest_execution_block_number);
    out->misbehaviour = 1;
    out->prove = 1;
done:
    lcp_buf_free(&any);
    return rc;
}

static int eth_update(const lcp_elc_env *env, lcp_elc_result *out, const char *client_id, const lcp_pb_any *msg,
                      int include_state, char *err)
{
    lcp_buf raw = {0};
    lcp_eth_client_state cs;
    int kind = lcp_pb_any_is(msg, LCP_ETH_T_HEADER)    ? 0
               : lcp_pb_any_is(msg, LCP_ETH_T_MISB_FH)  ? LCP_ETH_MISB_FINALIZED_HEADER
               : lcp_pb_any_is(msg, LCP_ETH_T_MISB_NSC) ? LCP_ETH_MISB_NEXT_SYNC_COMMITTEE
                                                        : -1;
    int rc;
    if (kind < 0)
        rc = lcp_fail(err, LCP_ERR_ELC_INVALID_HEADER, "unknown message type %.*s", (int)msg->type_url.len,
                      (const char *)msg->type_url.ptr);
    else if ((rc = load_client(env, client_id, &raw, &cs, err)) != LCP_OK)
        ;
    else if (cs.frozen)
        rc = lcp_fail(err, LCP_ERR_ELC_FROZEN, "client %s is frozen", client_id);
    else if (kind == 0)
        rc = update_header(env, out, client_id, &cs, msg, include_state, err);
    else
        rc = misbehaviour(env, out, client_id, &cs, msg, kind, err);
    lcp_buf_free(&raw);
    return rc;
}

/* ---- membership ---- */

static int eth_verify(const lcp_elc_env *env, lcp_elc_result *out, const char *client_id, const uint8_t *prefix,
                      size_t prefix_len, const char *path, const uint8_t *value, size_t value_len, int has_value,
                      const lcp_height *proof_height, const uint8_t *proof, size_t proof_len, char *err)
{
    lcp_buf raw = {0};
    lcp_eth_client_state cs;
    lcp_eth_consensus_state cons;
    char rendered[512];
    int rc = load_client(env, client_id, &raw, &cs, err);
    if (rc != LCP_OK) goto done;
    if (cs.frozen) {
        rc = lcp_fail(err, LCP_ERR_ELC_FROZEN, "client %s is frozen", client_id);
        goto done;
    }
    if (proof_height->revision_number != 0 || proof_height->revision_height == 0 ||
        proof_height->revision_height > cs.latest_execution_block_number) {
        rc = lcp_fail(err, LCP_ERR_ELC_INVALID_HEADER, "proof height %llu-%llu is not a height of this client",
                      (unsigned long long)proof_height->revision_number,
                      (unsigned long long)proof_height->revision_height);
        goto done;
    }
    if (proof_len == 0 || prefix_len == 0) {
        rc = lcp_fail(err, LCP_ERR_ELC_INVALID_HEADER, "empty proof or prefix");
        goto done;
    }
    if ((rc = load_consensus(env, client_id, proof_height, &cons, err)) != LCP_OK ||
        (rc = lcp_eth_ics24_path(rendered, sizeof rendered, path, err)) != LCP_OK)
        goto done;
    rc = lcp_eth_ibc_verify_commitment(cons.storage_root, cs.ibc_commitments_slot, (const uint8_t *)rendered,
                                       strlen(rendered), has_value ? (value ? value : (const uint8_t *)"") : NULL, value_len, proof,
                                       proof_len, err);
    if (rc != LCP_OK) goto done;
    lcp_proxy_msg m;
    memset(&m, 0, sizeof m);
    m.type = LCP_MSG_STATE;
    m.u.state.prefix = (lcp_bytes){prefix, prefix_len};
    m.u.state.path = (lcp_bytes){(const uint8_t *)rendered, strlen(rendered)};
    if (has_value) lcp_keccak256(m.u.state.value, value, value_len);
    m.u.state.height = *proof_height;
    if ((rc = lcp_eth_state_id(m.u.state.state_id, &cs, &cons)) != LCP_OK) {
        rc = lcp_fail(err, rc, NULL);
        goto done;
    }
    if ((rc = encode_msg(&out->message, &m, err)) != LCP_OK) goto done;
    out->prove = 1;
done:
    lcp_buf_free(&raw);
    return rc;
}

static int eth_latest(const lcp_elc_env *env, lcp_height *out, const char *client_id, char *err)
{
    lcp_buf raw = {0};
    lcp_eth_client_state cs;
    int rc = load_client(env, client_id, &raw, &cs, err);
    if (rc == LCP_OK) *out = exec_height(cs.latest_execution_block_number);
    lcp_buf_free(&raw);
    return rc;
}

const lcp_elc_ops lcp_elc_ethereum = {
    .client_type = "ethereum",
    .client_state_type_url = LCP_ETH_T_CS,
    .create_client = eth_create,
    .update_client = eth_update,
    .verify_membership = eth_verify,
    .latest_height = eth_latest,
};
