/* The 07-tendermint light client's states: what LCP's enclave accepts, and the bytes it re-encodes them to.
 *
 * LCP never hashes the bytes it is given: it decodes them into ibc-rs 0.29 domain types and prost re-encodes them
 * (state.rs gen_state_id, `From<ClientState> for Any`). A compatible enclave must reproduce that encoding exactly
 * (spec lcp-spec.md §3.4), so this file writes proto3 the way prost does: fields in number order, scalar defaults
 * skipped, every Option<message> that ibc-rs fills written even when empty, packed repeated scalars. The field set
 * is that of the crates LCP pins, with one deliberate exception: ics23 0.9's ProofSpec has no
 * prehash_key_before_comparison (field 5) and LCP drops it, but this light client reads it, and everything it reads
 * from a stored client state must be in the bytes the state id hashes (lcp/elc.h). So field 5 is kept. For every
 * spec without it (ibc-go's IAVL and Tendermint specs: the field is false and proto3 omits it) the bytes, and so
 * the state ids, are LCP's; for a spec that sets it they differ from LCP's, which hashes a state that drops what
 * the verifier was told. */
#include <string.h>

#include "tm_elc_internal.h"

/* ---- acceptance ---- */

int tm_elc_client_state(lcp_tm_client_state *out, const lcp_pb_any *any, char *err)
{
    if (!lcp_pb_any_is(any, TM_T_CS))
        return lcp_fail(err, LCP_ERR_ELC_UNKNOWN_TYPE, "expected %s, got %.*s", TM_T_CS, (int)any->type_url.len,
                        (const char *)any->type_url.ptr);
    int rc = lcp_tm_decode_client_state(out, any->value.ptr, any->value.len, err);
    if (rc != LCP_OK) return lcp_fail_ctx(err, rc, "client state");
    /* ibc-rs's TryFrom<RawClientState> requires these messages (MissingTrustingPeriod and friends) */
    if (!out->has_trust_level || !out->has_trusting_period || !out->has_unbonding_period ||
        !out->has_max_clock_drift || !out->has_latest_height)
        return lcp_fail(err, LCP_ERR_TM_CLIENT_STATE, "client state lacks trust level, a period or the latest height");
    if ((rc = lcp_tm_client_state_validate(out, err)) != LCP_OK) return lcp_fail_ctx(err, rc, "client state");
    return LCP_OK;
}

/* Whether field `number` occurs in the message: the library's decoder cannot tell an absent MerkleRoot from an
 * empty one, and ibc-rs can (a missing root is an error). */
static int has_field(lcp_bytes msg, uint32_t number)
{
    lcp_pb_reader r;
    lcp_pb_field f;
    lcp_pb_reader_init(&r, msg.ptr, msg.len);
    while (lcp_pb_next(&r, &f, NULL) == 1)
        if (f.number == number) return 1;
    return 0;
}

int tm_elc_consensus_state(lcp_tm_consensus_state *out, const lcp_pb_any *any, char *err)
{
    if (!lcp_pb_any_is(any, TM_T_CONS))
        return lcp_fail(err, LCP_ERR_ELC_UNKNOWN_TYPE, "expected %s, got %.*s", TM_T_CONS, (int)any->type_url.len,
                        (const char *)any->type_url.ptr);
    int rc = lcp_tm_decode_consensus_state(out, any->value.ptr, any->value.len, err);
    if (rc != LCP_OK) return lcp_fail_ctx(err, rc, "consensus state");
    if (!out->has_timestamp || !has_field(any->value, 2))
        return lcp_fail(err, LCP_ERR_TM_CLIENT_STATE, "consensus state lacks its timestamp or root");
    /* tendermint-rs Hash::from_bytes(Sha256, ..): empty (Hash::None) or exactly 32 bytes */
    if (out->next_validators_hash.len != 0 && out->next_validators_hash.len != LCP_TM_HASH_LEN)
        return lcp_fail(err, LCP_ERR_TM_CLIENT_STATE, "next_validators_hash is %zu bytes",
                        out->next_validators_hash.len);
    return LCP_OK;
}

int tm_elc_is_frozen(const lcp_tm_client_state *cs) { return cs->frozen_height.revision_height != 0; }

int tm_elc_specs_hash_keys(const lcp_tm_client_state *cs)
{
    for (size_t i = 0; i < cs->n_proof_specs; i++) {
        lcp_ics23_spec s;
        if (lcp_ics23_decode_spec(&s, cs->proof_specs[i].ptr, cs->proof_specs[i].len, NULL) != LCP_OK) return 1;
        if (s.leaf_spec.prehash_key != LCP_ICS23_NO_HASH || s.prehash_key_before_comparison) return 1;
    }
    return 0;
}

/* ---- prost-style encoding ---- */

/* int32 / int64 as protobuf varints: negative values sign-extend to ten bytes */
static void put_i64_opt(lcp_pb_writer *w, uint32_t field, int64_t v) { lcp_pb_put_uint_opt(w, field, (uint64_t)v); }

static void put_height(lcp_pb_writer *w, const void *m)
{
    const lcp_tm_height *h = m;
    lcp_pb_put_uint_opt(w, 1, h->revision_number);
    lcp_pb_put_uint_opt(w, 2, h->revision_height);
}

/* Duration and Timestamp share the {1 seconds, 2 nanos} layout */
static void put_seconds_nanos(lcp_pb_writer *w, const void *m)
{
    const lcp_tm_time *t = m;
    put_i64_opt(w, 1, t->seconds);
    put_i64_opt(w, 2, t->nanos);
}

static void put_fraction(lcp_pb_writer *w, const void *m)
{
    const lcp_tm_client_state *cs = m;
    lcp_pb_put_uint_opt(w, 1, cs->trust_numerator);
    lcp_pb_put_uint_opt(w, 2, cs->trust_denominator);
}

static void put_leaf_op(lcp_pb_writer *w, const void *m)
{
    const lcp_ics23_leaf_op *l = m;
    put_i64_opt(w, 1, l->hash);
    put_i64_opt(w, 2, l->prehash_key);
    put_i64_opt(w, 3, l->prehash_value);
    put_i64_opt(w, 4, l->length);
    lcp_pb_put_bytes_opt(w, 5, l->prefix.ptr, l->prefix.len);
}

static void put_child_order(lcp_pb_writer *w, const void *m)
{
    const lcp_ics23_inner_spec *s = m;
    for (size_t i = 0; i < s->n_child_order; i++) lcp_pb_put_varint(w, (uint64_t)(int64_t)s->child_order[i]);
}

static void put_inner_spec(lcp_pb_writer *w, const void *m)
{
    const lcp_ics23_inner_spec *s = m;
    if (s->n_child_order) lcp_pb_put_nested(w, 1, put_child_order, s); /* packed repeated int32 */
    put_i64_opt(w, 2, s->child_size);
    put_i64_opt(w, 3, s->min_prefix_length);
    put_i64_opt(w, 4, s->max_prefix_length);
    lcp_pb_put_bytes_opt(w, 5, s->empty_child.ptr, s->empty_child.len);
    put_i64_opt(w, 6, s->hash);
}

static void put_proof_spec(lcp_pb_writer *w, const void *m)
{
    const lcp_ics23_spec *s = m;
    if (s->has_leaf_spec) lcp_pb_put_nested(w, 1, put_leaf_op, &s->leaf_spec);
    if (s->has_inner_spec) lcp_pb_put_nested(w, 2, put_inner_spec, &s->inner_spec);
    put_i64_opt(w, 3, s->max_depth);
    put_i64_opt(w, 4, s->min_depth);
    /* field 5 (prehash_key_before_comparison): absent in ics23 0.9, read here, so bound here (see the top) */
    lcp_pb_put_uint_opt(w, 5, (uint64_t)(s->prehash_key_before_comparison != 0));
}

typedef struct {
    const lcp_tm_client_state *cs;
    const lcp_ics23_spec *specs;
    int canonical;
} cs_view;

static void put_client_state(lcp_pb_writer *w, const void *m)
{
    const cs_view *v = m;
    const lcp_tm_client_state *cs = v->cs;
    lcp_tm_height none = {0, 0};
    lcp_tm_height latest = cs->latest_height;
    lcp_tm_height frozen = tm_elc_is_frozen(cs) ? cs->frozen_height : none;
    if (v->canonical) {
        latest.revision_number = lcp_tm_chain_id_revision(cs->chain_id.ptr, cs->chain_id.len);
        latest.revision_height = 0;
        frozen = none;
    }
    lcp_pb_put_bytes_opt(w, 1, cs->chain_id.ptr, cs->chain_id.len);
    lcp_pb_put_nested(w, 2, put_fraction, cs);
    lcp_pb_put_nested(w, 3, put_seconds_nanos, &cs->trusting_period);
    lcp_pb_put_nested(w, 4, put_seconds_nanos, &cs->unbonding_period);
    lcp_pb_put_nested(w, 5, put_seconds_nanos, &cs->max_clock_drift);
    lcp_pb_put_nested(w, 6, put_height, &frozen);
    lcp_pb_put_nested(w, 7, put_height, &latest);
    for (size_t i = 0; i < cs->n_proof_specs; i++) lcp_pb_put_nested(w, 8, put_proof_spec, &v->specs[i]);
    for (size_t i = 0; i < cs->n_upgrade_path; i++) lcp_pb_put_bytes(w, 9, cs->upgrade_path[i].ptr, cs->upgrade_path[i].len);
    lcp_pb_put_uint_opt(w, 10, (uint64_t)(cs->allow_update_after_expiry != 0));
    lcp_pb_put_uint_opt(w, 11, (uint64_t)(cs->allow_update_after_misbehaviour != 0));
}

typedef struct {
    lcp_tm_time timestamp;
    lcp_bytes root, nvh;
} cons_view;

static void put_merkle_root(lcp_pb_writer *w, const void *m)
{
    const lcp_bytes *root = m;
    lcp_pb_put_bytes_opt(w, 1, root->ptr, root->len);
}

static void put_consensus_state(lcp_pb_writer *w, const void *m)
{
    const cons_view *v = m;
    lcp_pb_put_nested(w, 1, put_seconds_nanos, &v->timestamp);
    lcp_pb_put_nested(w, 2, put_merkle_root, &v->root);
    lcp_pb_put_bytes_opt(w, 3, v->nvh.ptr, v->nvh.len);
}

int tm_elc_encode_client_state(lcp_buf *out, const lcp_tm_client_state *cs, int canonical)
{
    lcp_ics23_spec specs[LCP_TM_MAX_PROOF_SPECS];
    /* the specs decoded when the client state was validated; decoding again cannot fail */
    for (size_t i = 0; i < cs->n_proof_specs; i++)
        if (lcp_ics23_decode_spec(&specs[i], cs->proof_specs[i].ptr, cs->proof_specs[i].len, NULL) != LCP_OK)
            return LCP_ERR_TM_CLIENT_STATE;
    cs_view v = {cs, specs, canonical};
    return lcp_elc_put_any_fn(out, TM_T_CS, put_client_state, &v);
}

int tm_elc_encode_consensus_state(lcp_buf *out, lcp_tm_time timestamp, lcp_bytes root, lcp_bytes next_validators_hash)
{
    cons_view v = {timestamp, root, next_validators_hash};
    return lcp_elc_put_any_fn(out, TM_T_CONS, put_consensus_state, &v);
}

int tm_elc_state_id(uint8_t id[LCP_STATE_ID_LEN], const lcp_tm_client_state *cs, const lcp_tm_consensus_state *cons)
{
    lcp_buf a = {0}, b = {0};
    int rc = tm_elc_encode_client_state(&a, cs, 1);
    if (rc == LCP_OK) rc = tm_elc_encode_consensus_state(&b, cons->timestamp, cons->root, cons->next_validators_hash);
    if (rc == LCP_OK) rc = lcp_state_id(id, a.data, a.len, b.data, b.len);
    lcp_buf_free(&a);
    lcp_buf_free(&b);
    return rc;
}

/* ---- the store ---- */

int tm_elc_load_client(const lcp_elc_env *env, const char *client_id, lcp_buf *raw, lcp_tm_client_state *out, char *err)
{
    char key[256];
    int found, rc;
    lcp_pb_any a;
    if ((rc = lcp_elc_key_client_state(key, sizeof key, client_id)) != LCP_OK)
        return lcp_fail(err, LCP_ERR_ELC_INVALID_CLIENT_ID, "client id too long");
    if ((rc = env->get(env->ud, key, raw, &found, err)) != LCP_OK) return rc;
    if (!found) return lcp_fail(err, LCP_ERR_ELC_CLIENT_NOT_FOUND, "client %s not found", client_id);
    if ((rc = lcp_pb_decode_any(&a, raw->data, raw->len, err)) != LCP_OK) return rc;
    return tm_elc_client_state(out, &a, err);
}

int tm_elc_load_consensus(const lcp_elc_env *env, const char *client_id, const lcp_tm_height *h, lcp_buf *raw,
                          lcp_tm_consensus_state *out, char *err)
{
    char key[256];
    int found, rc;
    lcp_pb_any a;
    lcp_height lh = {h->revision_number, h->revision_height};
    if ((rc = lcp_elc_key_consensus_state(key, sizeof key, client_id, &lh)) != LCP_OK)
        return lcp_fail(err, LCP_ERR_ELC_INVALID_CLIENT_ID, "client id too long");
    if ((rc = env->get(env->ud, key, raw, &found, err)) != LCP_OK) return rc;
    if (!found)
        return lcp_fail(err, LCP_ERR_ELC_CLIENT_NOT_FOUND, "client %s has no consensus state at %llu-%llu", client_id,
                        (unsigned long long)h->revision_number, (unsigned long long)h->revision_height);
    if ((rc = lcp_pb_decode_any(&a, raw->data, raw->len, err)) != LCP_OK) return rc;
    return tm_elc_consensus_state(out, &a, err);
}

/* ---- messages and units ---- */

int tm_elc_encode_msg(lcp_buf *out, const lcp_proxy_msg *m)
{
    size_t n;
    int rc = lcp_proxy_msg_encode(NULL, 0, &n, m);
    if (rc == LCP_OK) rc = lcp_buf_reserve(out, n);
    if (rc == LCP_OK) rc = lcp_proxy_msg_encode(out->data + out->len, n, &n, m);
    if (rc == LCP_OK) out->len += n;
    return rc;
}

int tm_elc_time_ns(lcp_u128 *ns, lcp_tm_time t, char *err)
{
    uint64_t v;
    if (lcp_tm_time_to_ns(&v, t) != LCP_OK)
        return lcp_fail(err, LCP_ERR_TM_OVERFLOW, "time %lld s is not representable in unix nanoseconds",
                        (long long)t.seconds);
    *ns = v;
    return LCP_OK;
}

lcp_u128 tm_elc_duration_ns(lcp_tm_duration d)
{
    /* validated durations are positive, with nanos in [0, 1e9) */
    return (lcp_u128)(uint64_t)d.seconds * 1000000000u + (uint64_t)d.nanos;
}
