/* The 07-tendermint light client behind the ELC vtable (lcp/elc.h), with the behaviour of LCP's tendermint-lc
 * (spec lcp-spec.md §2): what it accepts, what it stores and the proxy messages it returns are LCP's, byte for byte,
 * so an LCP client deployed against LCP's enclaves accepts ours.
 *
 *   create_client  UpdateState{prev none, post (latest height, state id), consensus timestamp, Empty context,
 *                  emitted [(latest height, the given client state Any)]}, unsigned.
 *   update_client  a Header: verified against the consensus state at its trusted height (lcp_tm_ibc_verify_header:
 *                  tendermint-rs's verifier plus CometBFT's basic checks); UpdateState{prev (trusted height, id),
 *                  post (header height, id), header time, TrustingPeriod context, emitted [] or, with include_state,
 *                  [(header height, new client state)]}. As in LCP's fork of ibc-rs's check_header_and_update_state,
 *                  a header at or below the latest height is accepted if it verifies (the latest height never
 *                  decreases), and no neighbouring consensus states are consulted.
 *                  A Misbehaviour: both headers verified against their trusted consensus states (with ibc-rs's
 *                  "header within the trusting period of its trusted state" rule), evidence checked; the client is
 *                  frozen at height 0-1 and a MisbehaviourProxyMessage is returned.
 *   verify_*       ICS-23 proofs chained [prefix, path] under the consensus root at proof_height with the client
 *                  state's proof specs; the value committed is keccak256(value) (zero for non-membership).
 *                  Non-membership is refused outright for a client whose specs hash keys (lcp/elc_tendermint.h).
 * StateIDs hash the canonicalised client state and the re-encoded consensus state (tm_elc_state.c).
 * Differences from LCP, all on input LCP would reject or panic on: a misbehaviour's client_message is the given
 * Any value (LCP re-encodes it; identical for canonical encodings, which every relayer sends); paths are not
 * parsed as ICS-24 paths (LCP unwraps the parse and would abort); a prefix must be UTF-8 (LCP would format the
 * bytes' debug form into the key, which no chain proves). */
#include <string.h>

#include "lcp/crypto.h"
#include "tm_elc_internal.h"

static lcp_tm_time now_of(const lcp_elc_env *env)
{
    lcp_tm_time t = {(int64_t)(env->now_ns / 1000000000u), (int32_t)(env->now_ns % 1000000000u)};
    return t;
}

static lcp_height lh(lcp_tm_height h)
{
    lcp_height r = {h.revision_number, h.revision_height};
    return r;
}

static int tm_height_cmp(lcp_tm_height a, lcp_tm_height b)
{
    lcp_height x = lh(a), y = lh(b);
    return lcp_height_cmp(&x, &y);
}

static int empty_context(uint8_t ctx[LCP_CONTEXT_MAX_LEN], lcp_bytes *out)
{
    lcp_validation_context c = {.type = LCP_CONTEXT_EMPTY};
    size_t n = 0;
    int rc = lcp_context_encode(ctx, LCP_CONTEXT_MAX_LEN, &n, &c);
    *out = (lcp_bytes){ctx, n};
    return rc;
}

static int trusting_context(lcp_validation_context *c, const lcp_tm_client_state *cs, lcp_tm_time header_time,
                            lcp_tm_time trusted_time, char *err)
{
    memset(c, 0, sizeof *c);
    c->type = LCP_CONTEXT_TRUSTING_PERIOD;
    c->trusting_period = tm_elc_duration_ns(cs->trusting_period);
    c->clock_drift = tm_elc_duration_ns(cs->max_clock_drift);
    int rc = tm_elc_time_ns(&c->untrusted_header_timestamp, header_time, err);
    if (rc == LCP_OK) rc = tm_elc_time_ns(&c->trusted_state_timestamp, trusted_time, err);
    return rc;
}

/* ---- create ---- */

static int tm_create(const lcp_elc_env *env, lcp_elc_result *out, const lcp_pb_any *cs_any, const lcp_pb_any *cons_any,
                     char *err)
{
    (void)env;
    lcp_tm_client_state cs;
    lcp_tm_consensus_state cons;
    int rc = tm_elc_client_state(&cs, cs_any, err);
    if (rc != LCP_OK) return rc;
    if ((rc = tm_elc_consensus_state(&cons, cons_any, err)) != LCP_OK) return rc;
    lcp_proxy_msg m;
    memset(&m, 0, sizeof m);
    m.type = LCP_MSG_UPDATE_STATE;
    lcp_update_state_msg *u = &m.u.update;
    if ((rc = tm_elc_time_ns(&u->timestamp, cons.timestamp, err)) != LCP_OK) return rc;
    if ((rc = tm_elc_state_id(u->post_state_id, &cs, &cons)) != LCP_OK) return lcp_fail(err, rc, NULL);
    u->post_height = lh(cs.latest_height);
    uint8_t ctx[LCP_CONTEXT_MAX_LEN];
    if ((rc = empty_context(ctx, &u->context)) != LCP_OK) return lcp_fail(err, rc, NULL);
    /* LCP stores and emits the client state as given; only the state id sees the canonical form */
    if ((rc = lcp_elc_put_any(&out->client_state, TM_T_CS, cs_any->value.ptr, cs_any->value.len)) != LCP_OK ||
        (rc = lcp_elc_put_any(&out->consensus_state, TM_T_CONS, cons_any->value.ptr, cons_any->value.len)) != LCP_OK)
        return lcp_fail(err, rc, NULL);
    lcp_emitted_state es = {u->post_height, {out->client_state.data, out->client_state.len}};
    u->emitted = &es;
    u->emitted_count = 1;
    if ((rc = tm_elc_encode_msg(&out->message, &m)) != LCP_OK) return lcp_fail(err, rc, NULL);
    out->height = u->post_height;
    out->prove = 0; /* LCP returns create_client commitments unsigned */
    return LCP_OK;
}

/* ---- update with a header ---- */

/* The validator sets of one header (about 70 KB each: heap, not stack). */
typedef struct {
    lcp_tm_valset vals, trusted_vals;
} valsets;

static int decode_valsets(valsets *v, const lcp_tm_ibc_header *h, char *err)
{
    int rc;
    if (!h->has_signed_header || !h->has_validator_set || !h->has_trusted_height || !h->has_trusted_validators)
        return lcp_fail(err, LCP_ERR_TM_INVALID, "header lacks signed header, validator set or trusted fields");
    if ((rc = lcp_tm_decode_valset(&v->vals, h->validator_set.ptr, h->validator_set.len, err)) != LCP_OK)
        return lcp_fail_ctx(err, rc, "validator_set");
    if ((rc = lcp_tm_decode_valset(&v->trusted_vals, h->trusted_validators.ptr, h->trusted_validators.len, err)) != LCP_OK)
        return lcp_fail_ctx(err, rc, "trusted_validators");
    return LCP_OK;
}

static int update_header(const lcp_elc_env *env, lcp_elc_result *out, const char *client_id,
                         const lcp_tm_client_state *cs, const lcp_pb_any *msg, int include_state, char *err)
{
    lcp_tm_ibc_header h;
    lcp_tm_consensus_state trusted;
    lcp_buf trusted_raw = {0};
    valsets *vs = NULL;
    int rc = lcp_tm_decode_ibc_header(&h, msg->value.ptr, msg->value.len, err);
    if (rc != LCP_OK) return lcp_fail_ctx(err, rc, "header");
    if ((vs = lcp_malloc(sizeof *vs)) == NULL) return lcp_fail(err, LCP_ERR_NOMEM, "out of memory");
    if ((rc = decode_valsets(vs, &h, err)) != LCP_OK) goto done;
    if ((rc = tm_elc_load_consensus(env, client_id, &h.trusted_height, &trusted_raw, &trusted, err)) != LCP_OK) goto done;
    if ((rc = lcp_tm_ibc_verify_header(cs, &trusted, &h, &vs->vals, &vs->trusted_vals, now_of(env), err)) != LCP_OK)
        goto done;

    const lcp_tm_header *hd = &h.signed_header.header;
    lcp_tm_height height = lcp_tm_ibc_header_height(&h);
    lcp_tm_client_state next = *cs;
    if (tm_height_cmp(height, cs->latest_height) > 0) next.latest_height = height;
    lcp_tm_consensus_state post = {hd->time, hd->app_hash, hd->next_validators_hash, 1};

    lcp_proxy_msg m;
    memset(&m, 0, sizeof m);
    m.type = LCP_MSG_UPDATE_STATE;
    lcp_update_state_msg *u = &m.u.update;
    lcp_validation_context c;
    uint8_t ctx[LCP_CONTEXT_MAX_LEN];
    size_t ctx_len = 0;
    if ((rc = trusting_context(&c, cs, hd->time, trusted.timestamp, err)) != LCP_OK) goto done;
    if ((rc = lcp_context_encode(ctx, sizeof ctx, &ctx_len, &c)) != LCP_OK ||
        (rc = tm_elc_state_id(u->prev_state_id, cs, &trusted)) != LCP_OK ||
        (rc = tm_elc_state_id(u->post_state_id, &next, &post)) != LCP_OK ||
        (rc = tm_elc_encode_client_state(&out->client_state, &next, 0)) != LCP_OK ||
        (rc = tm_elc_encode_consensus_state(&out->consensus_state, post.timestamp, post.root, post.next_validators_hash)) !=
            LCP_OK) {
        rc = lcp_fail(err, rc, NULL);
        goto done;
    }
    u->prev_height = lh(h.trusted_height);
    u->post_height = lh(height);
    u->timestamp = c.untrusted_header_timestamp;
    u->context = (lcp_bytes){ctx, ctx_len};
    /* LCP's handler emits the new client state when asked and the light client emitted nothing itself */
    lcp_emitted_state es = {u->post_height, {out->client_state.data, out->client_state.len}};
    if (include_state) {
        u->emitted = &es;
        u->emitted_count = 1;
    }
    if ((rc = tm_elc_encode_msg(&out->message, &m)) != LCP_OK) {
        rc = lcp_fail(err, rc, NULL);
        goto done;
    }
    out->height = u->post_height;
    out->prove = 1;
done:
    lcp_free(vs);
    lcp_buf_free(&trusted_raw);
    return rc;
}

/* ---- misbehaviour ---- */

/* One header of a misbehaviour: its trusted consensus state, ibc-rs's trusting-period rule, then the verifier. */
static int misbehaviour_header(const lcp_elc_env *env, const char *client_id, const lcp_tm_client_state *cs,
                               const lcp_tm_ibc_header *h, valsets *vs, lcp_buf *raw, lcp_tm_consensus_state *trusted,
                               const char *which, char *err)
{
    int rc = decode_valsets(vs, h, err);
    if (rc == LCP_OK) rc = tm_elc_load_consensus(env, client_id, &h->trusted_height, raw, trusted, err);
    if (rc != LCP_OK) return lcp_fail_ctx(err, rc, which);
    /* ibc-rs check_misbehaviour_header: header time - trusted time must be below the trusting period */
    lcp_tm_time limit;
    if (lcp_tm_time_add(&limit, trusted->timestamp, cs->trusting_period) != LCP_OK)
        return lcp_fail(err, LCP_ERR_TM_OVERFLOW, "%s: trusted time plus trusting period overflows", which);
    if (lcp_tm_time_cmp(h->signed_header.header.time, limit) >= 0)
        return lcp_fail(err, LCP_ERR_TM_EXPIRED, "%s: header is a trusting period or more after its trusted state", which);
    rc = lcp_tm_ibc_verify_misbehaviour_header(cs, trusted, h, &vs->vals, &vs->trusted_vals, now_of(env), err);
    return rc == LCP_OK ? LCP_OK : lcp_fail_ctx(err, rc, which);
}

static int misbehaviour(const lcp_elc_env *env, lcp_elc_result *out, const char *client_id,
                        const lcp_tm_client_state *cs, const lcp_pb_any *msg, char *err)
{
    lcp_tm_misbehaviour *mb = lcp_malloc(sizeof *mb);
    valsets *vs = lcp_malloc(sizeof *vs);
    lcp_buf raw1 = {0}, raw2 = {0}, any = {0};
    lcp_tm_consensus_state t1, t2;
    int rc = mb && vs ? LCP_OK : lcp_fail(err, LCP_ERR_NOMEM, "out of memory");
    if (rc == LCP_OK && (rc = lcp_tm_decode_misbehaviour(mb, msg->value.ptr, msg->value.len, err)) != LCP_OK)
        rc = lcp_fail_ctx(err, rc, "misbehaviour");
    if (rc == LCP_OK) rc = lcp_tm_misbehaviour_evident(mb, err);
    if (rc == LCP_OK) rc = misbehaviour_header(env, client_id, cs, &mb->header_1, vs, &raw1, &t1, "header_1", err);
    if (rc == LCP_OK) rc = misbehaviour_header(env, client_id, cs, &mb->header_2, vs, &raw2, &t2, "header_2", err);
    if (rc != LCP_OK) goto done;

    lcp_prev_state ps[2] = {{lh(mb->header_1.trusted_height), {0}}, {lh(mb->header_2.trusted_height), {0}}};
    lcp_validation_context c1, c2, c;
    uint8_t ctx[LCP_CONTEXT_MAX_LEN];
    size_t ctx_len = 0;
    if ((rc = trusting_context(&c1, cs, mb->header_1.signed_header.header.time, t1.timestamp, err)) != LCP_OK ||
        (rc = trusting_context(&c2, cs, mb->header_2.signed_header.header.time, t2.timestamp, err)) != LCP_OK ||
        (rc = lcp_context_aggregate(&c, &c1, &c2, err)) != LCP_OK)
        goto done;
    lcp_tm_client_state frozen = *cs;
    frozen.frozen_height.revision_number = 0; /* ibc-rs freezes at Height(0, 1) */
    frozen.frozen_height.revision_height = 1;
    if ((rc = lcp_context_encode(ctx, sizeof ctx, &ctx_len, &c)) != LCP_OK ||
        (rc = tm_elc_state_id(ps[0].state_id, cs, &t1)) != LCP_OK ||
        (rc = tm_elc_state_id(ps[1].state_id, cs, &t2)) != LCP_OK ||
        (rc = lcp_elc_put_any(&any, TM_T_MISB, msg->value.ptr, msg->value.len)) != LCP_OK ||
        (rc = tm_elc_encode_client_state(&out->client_state, &frozen, 0)) != LCP_OK) {
        rc = lcp_fail(err, rc, NULL);
        goto done;
    }
    lcp_proxy_msg m;
    memset(&m, 0, sizeof m);
    m.type = LCP_MSG_MISBEHAVIOUR;
    m.u.misbehaviour.prev_states = ps;
    m.u.misbehaviour.prev_count = 2;
    m.u.misbehaviour.context = (lcp_bytes){ctx, ctx_len};
    m.u.misbehaviour.client_message = (lcp_bytes){any.data, any.len};
    if ((rc = tm_elc_encode_msg(&out->message, &m)) != LCP_OK) {
        rc = lcp_fail(err, rc, NULL);
        goto done;
    }
    out->height = lh(cs->latest_height);
    out->misbehaviour = 1;
    out->prove = 1;
done:
    lcp_free(mb);
    lcp_free(vs);
    lcp_buf_free(&raw1);
    lcp_buf_free(&raw2);
    lcp_buf_free(&any);
    return rc;
}

static int tm_update(const lcp_elc_env *env, lcp_elc_result *out, const char *client_id, const lcp_pb_any *msg,
                     int include_state, char *err)
{
    lcp_buf raw = {0};
    lcp_tm_client_state cs;
    int rc;
    int is_header = lcp_pb_any_is(msg, TM_T_HEADER), is_misb = lcp_pb_any_is(msg, TM_T_MISB);
    if (!is_header && !is_misb)
        rc = lcp_fail(err, LCP_ERR_ELC_INVALID_HEADER, "expected %s or %s", TM_T_HEADER, TM_T_MISB);
    else if ((rc = tm_elc_load_client(env, client_id, &raw, &cs, err)) != LCP_OK)
        ;
    else if (tm_elc_is_frozen(&cs))
        rc = lcp_fail(err, LCP_ERR_ELC_FROZEN, "client %s is frozen", client_id);
    else if (is_header)
        rc = update_header(env, out, client_id, &cs, msg, include_state, err);
    else
        rc = misbehaviour(env, out, client_id, &cs, msg, err);
    lcp_buf_free(&raw);
    return rc;
}

/* ---- membership ---- */

static int utf8_valid(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n;) {
        uint8_t c = p[i];
        size_t k = c < 0x80 ? 0 : (c & 0xe0) == 0xc0 ? 1 : (c & 0xf0) == 0xe0 ? 2 : (c & 0xf8) == 0xf0 ? 3 : 4;
        if (k == 4 || (k == 1 && c < 0xc2) || (k > 0 && i + k >= n)) return 0;
        uint32_t cp = k == 0 ? c : c & (0x3f >> k);
        for (size_t j = 1; j <= k; j++) {
            if ((p[i + j] & 0xc0) != 0x80) return 0;
            cp = cp << 6 | (p[i + j] & 0x3f);
        }
        /* overlong forms, surrogates and code points past U+10FFFF */
        if ((k == 2 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) || (k == 3 && (cp < 0x10000 || cp > 0x10ffff)))
            return 0;
        i += k + 1;
    }
    return 1;
}

static int tm_verify(const lcp_elc_env *env, lcp_elc_result *out, const char *client_id, const uint8_t *prefix,
                     size_t prefix_len, const char *path, const uint8_t *value, size_t value_len, int has_value,
                     const lcp_height *proof_height, const uint8_t *proof, size_t proof_len, char *err)
{
    lcp_buf cs_raw = {0}, cons_raw = {0};
    lcp_tm_client_state cs;
    lcp_tm_consensus_state cons;
    lcp_tm_height ph = {proof_height->revision_number, proof_height->revision_height};
    size_t path_len = strlen(path);
    int rc = tm_elc_load_client(env, client_id, &cs_raw, &cs, err);
    if (rc != LCP_OK) goto done;
    if (tm_elc_is_frozen(&cs)) {
        rc = lcp_fail(err, LCP_ERR_ELC_FROZEN, "client %s is frozen", client_id);
        goto done;
    }
    /* Fail closed (lcp/elc_tendermint.h): where keys are hashed, absence is a claim about the order of hashed keys,
     * which LCP's pinned ics23 cannot express; this client proves membership there, never absence. */
    if (!has_value && tm_elc_specs_hash_keys(&cs)) {
        rc = lcp_fail(err, LCP_ERR_ICS23_UNSUPPORTED,
                      "client %s has proof specs that hash keys: non-membership is never proven for it", client_id);
        goto done;
    }
    if ((rc = tm_elc_load_consensus(env, client_id, &ph, &cons_raw, &cons, err)) != LCP_OK) goto done;
    /* ibc-rs's CommitmentProofBytes / CommitmentPrefix refuse empty bytes; Height refuses revision height 0;
     * verify_height refuses a proof above the latest height */
    if (proof_len == 0 || prefix_len == 0 || path_len == 0 || ph.revision_height == 0) {
        rc = lcp_fail(err, LCP_ERR_ICS23_ARGS, "empty proof, prefix or path, or a zero proof height");
        goto done;
    }
    if (!utf8_valid(prefix, prefix_len)) {
        rc = lcp_fail(err, LCP_ERR_ICS23_ARGS, "prefix is not UTF-8");
        goto done;
    }
    if (tm_height_cmp(cs.latest_height, ph) < 0) {
        rc = lcp_fail(err, LCP_ERR_ICS23_ARGS, "proof height is above the client's latest height");
        goto done;
    }
    if (has_value && value_len == 0) {
        rc = lcp_fail(err, LCP_ERR_ICS23_ARGS, "membership of an empty value");
        goto done;
    }
    lcp_ics23_spec specs[LCP_TM_MAX_PROOF_SPECS];
    for (size_t i = 0; i < cs.n_proof_specs; i++)
        if ((rc = lcp_ics23_decode_spec(&specs[i], cs.proof_specs[i].ptr, cs.proof_specs[i].len, err)) != LCP_OK)
            goto done;
    lcp_bytes keys[2] = {{prefix, prefix_len}, {(const uint8_t *)path, path_len}};
    if (has_value)
        rc = lcp_ics23_verify_chained_membership(specs, cs.n_proof_specs, cons.root.ptr, cons.root.len, proof, proof_len,
                                                 keys, 2, value, value_len, err);
    else
        rc = lcp_ics23_verify_chained_non_membership(specs, cs.n_proof_specs, cons.root.ptr, cons.root.len, proof,
                                                     proof_len, keys, 2, err);
    if (rc != LCP_OK) goto done;
    lcp_proxy_msg m;
    memset(&m, 0, sizeof m);
    m.type = LCP_MSG_STATE;
    m.u.state.prefix = (lcp_bytes){prefix, prefix_len};
    m.u.state.path = (lcp_bytes){(const uint8_t *)path, path_len};
    if (has_value) lcp_keccak256(m.u.state.value, value, value_len);
    m.u.state.height = *proof_height;
    if ((rc = tm_elc_state_id(m.u.state.state_id, &cs, &cons)) != LCP_OK ||
        (rc = tm_elc_encode_msg(&out->message, &m)) != LCP_OK) {
        rc = lcp_fail(err, rc, NULL);
        goto done;
    }
    out->prove = 1;
done:
    lcp_buf_free(&cs_raw);
    lcp_buf_free(&cons_raw);
    return rc;
}

static int tm_latest(const lcp_elc_env *env, lcp_height *out, const char *client_id, char *err)
{
    lcp_buf raw = {0};
    lcp_tm_client_state cs;
    int rc = tm_elc_load_client(env, client_id, &raw, &cs, err);
    if (rc == LCP_OK) *out = lh(cs.latest_height);
    lcp_buf_free(&raw);
    return rc;
}

const lcp_elc_ops lcp_elc_tendermint = {
    .client_type = "07-tendermint",
    .client_state_type_url = TM_T_CS,
    .create_client = tm_create,
    .update_client = tm_update,
    .verify_membership = tm_verify,
    .latest_height = tm_latest,
};
