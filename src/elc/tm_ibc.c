/* IBC 07-tendermint rules around the light verifier (spec sheet §4.3, ibc-rs/ibc-go): chain-id revisions, client
 * state validation, header verification against a stored consensus state, misbehaviour evidence. */
#include <string.h>

#include "lcp/elc_ics23.h"
#include "tm_internal.h"

#define CS_FAIL(...) lcp_fail(err, LCP_ERR_TM_CLIENT_STATE, __VA_ARGS__)

/* ibc-go IsRevisionFormat `^.*[^\n-]-{1}[1-9][0-9]*$` then ParseUint of the part after the last '-'. */
uint64_t lcp_tm_chain_id_revision(const uint8_t *chain_id, size_t len)
{
    if (len == 0 || memchr(chain_id, '\n', len) != NULL) return 0; /* `.` does not match a newline */
    size_t dash = len;
    while (dash > 0 && chain_id[dash - 1] != '-') dash--;
    if (dash < 2 || dash == len) return 0; /* need "x-" before the digits, and some digits */
    if (chain_id[dash - 2] == '-') return 0;
    if (chain_id[dash] < '1' || chain_id[dash] > '9') return 0;
    uint64_t v = 0;
    for (size_t i = dash; i < len; i++) {
        if (chain_id[i] < '0' || chain_id[i] > '9') return 0;
        unsigned d = (unsigned)(chain_id[i] - '0');
        if (v > (UINT64_MAX - d) / 10) return 0; /* ParseUint overflow: ibc-go falls back to 0 */
        v = v * 10 + d;
    }
    return v;
}

static int blank(lcp_bytes s)
{
    for (size_t i = 0; i < s.len; i++)
        if (s.ptr[i] != ' ' && s.ptr[i] != '\t' && s.ptr[i] != '\n' && s.ptr[i] != '\r' && s.ptr[i] != '\v' &&
            s.ptr[i] != '\f')
            return 0;
    return 1;
}

/* A positive duration that Go's time.Duration (int64 nanoseconds) can hold, as ibc-go requires to decode it. */
static int duration_ok(lcp_tm_duration d)
{
    if (d.seconds < 0 || d.nanos < 0 || (d.seconds == 0 && d.nanos == 0)) return 0;
    return d.seconds < INT64_MAX / 1000000000 || (d.seconds == INT64_MAX / 1000000000 && d.nanos <= INT64_MAX % 1000000000);
}

int lcp_tm_client_state_validate(const lcp_tm_client_state *cs, char *err)
{
    if (cs->chain_id.len == 0 || blank(cs->chain_id)) return CS_FAIL("chain id is blank");
    if (cs->chain_id.len > LCP_TM_MAX_CHAIN_ID_LEN) return CS_FAIL("chain id longer than 50 bytes");
    if (!tm_trust_level_ok(cs->trust_numerator, cs->trust_denominator)) return CS_FAIL("trust level outside [1/3, 1]");
    if (!duration_ok(cs->trusting_period)) return CS_FAIL("trusting period must be positive");
    if (!duration_ok(cs->unbonding_period)) return CS_FAIL("unbonding period must be positive");
    if (!duration_ok(cs->max_clock_drift)) return CS_FAIL("max clock drift must be positive");
    if (cs->latest_height.revision_number != lcp_tm_chain_id_revision(cs->chain_id.ptr, cs->chain_id.len))
        return CS_FAIL("latest height revision differs from the chain id's");
    if (cs->latest_height.revision_height == 0) return CS_FAIL("latest height is zero");
    if (lcp_tm_time_cmp(cs->trusting_period, cs->unbonding_period) >= 0)
        return CS_FAIL("trusting period must be shorter than the unbonding period");
    if (cs->n_proof_specs == 0) return CS_FAIL("no proof specs");
    for (size_t i = 0; i < cs->n_proof_specs; i++) {
        lcp_ics23_spec s;
        if (lcp_ics23_decode_spec(&s, cs->proof_specs[i].ptr, cs->proof_specs[i].len, err) != LCP_OK)
            return lcp_fail_ctx(err, LCP_ERR_TM_CLIENT_STATE, "proof spec");
    }
    for (size_t i = 0; i < cs->n_upgrade_path; i++)
        if (blank(cs->upgrade_path[i])) return CS_FAIL("upgrade path entry %zu is blank", i);
    return LCP_OK;
}

lcp_tm_height lcp_tm_ibc_header_height(const lcp_tm_ibc_header *h)
{
    const lcp_tm_header *hd = &h->signed_header.header;
    lcp_tm_height r = {lcp_tm_chain_id_revision(hd->chain_id.ptr, hd->chain_id.len),
                       hd->height > 0 ? (uint64_t)hd->height : 0};
    return r;
}

static int height_cmp(lcp_tm_height a, lcp_tm_height b)
{
    if (a.revision_number != b.revision_number) return a.revision_number < b.revision_number ? -1 : 1;
    if (a.revision_height != b.revision_height) return a.revision_height < b.revision_height ? -1 : 1;
    return 0;
}

/* Header.ValidateBasic plus the revision rules and the trusted-validators check shared by update and
 * misbehaviour. Out: the synthesised trusted state and options. */
static int prepare(const lcp_tm_client_state *cs, const lcp_tm_consensus_state *cons, const lcp_tm_ibc_header *h,
                   const lcp_tm_valset *vals, const lcp_tm_valset *trusted_vals, lcp_tm_untrusted *u,
                   lcp_tm_trusted *t, lcp_tm_options *o, char *err)
{
    if (!h->has_signed_header || !h->has_validator_set || !h->has_trusted_height || !h->has_trusted_validators)
        return lcp_fail(err, LCP_ERR_TM_INVALID, "header lacks signed header, validator set or trusted fields");
    const lcp_tm_header *hd = &h->signed_header.header;
    /* ibc-go's Header.ValidateBasic: the signed header against its own chain id, i.e. the commit's consistency
     * with the header (the chain id comparison itself is trivial here). The client's chain id is compared in the
     * light client's turn (tm_light.c), and these checks run there again, in ibc-go's order of errors. */
    int rc = lcp_tm_signed_header_validate(&h->signed_header, hd->chain_id.ptr, hd->chain_id.len, err);
    if (rc != LCP_OK) return rc;
    lcp_tm_height height = lcp_tm_ibc_header_height(h);
    if (height.revision_number != h->trusted_height.revision_number)
        return lcp_fail(err, LCP_ERR_TM_INVALID, "header revision differs from the trusted height's");
    if (height_cmp(h->trusted_height, height) >= 0)
        return lcp_fail(err, LCP_ERR_TM_NON_MONOTONIC, "trusted height is not below the header height");
    if (h->trusted_height.revision_height > INT64_MAX)
        return lcp_fail(err, LCP_ERR_TM_INVALID, "trusted height out of range");
    if (!cons->has_timestamp) return lcp_fail(err, LCP_ERR_TM_CLIENT_STATE, "consensus state has no timestamp");
    if ((rc = lcp_tm_valset_validate(vals, err)) != LCP_OK) return lcp_fail_ctx(err, rc, "validator_set");
    if ((rc = lcp_tm_valset_validate(trusted_vals, err)) != LCP_OK) return lcp_fail_ctx(err, rc, "trusted_validators");
    uint8_t vh[LCP_TM_HASH_LEN];
    if ((rc = lcp_tm_valset_hash(vh, trusted_vals)) != LCP_OK) return lcp_fail(err, rc, NULL);
    if (!tm_bytes_eq(cons->next_validators_hash, (lcp_bytes){vh, sizeof vh}))
        return lcp_fail(err, LCP_ERR_TM_HASH_MISMATCH, "trusted validators are not the consensus state's next ones");
    u->signed_header = &h->signed_header;
    u->validators = vals;
    u->next_validators = NULL;
    t->chain_id = cs->chain_id;
    t->height = (int64_t)h->trusted_height.revision_height;
    t->time = cons->timestamp;
    t->next_validators_hash = cons->next_validators_hash;
    t->next_validators = trusted_vals;
    o->trust_numerator = cs->trust_numerator;
    o->trust_denominator = cs->trust_denominator;
    o->trusting_period = cs->trusting_period;
    o->max_clock_drift = cs->max_clock_drift;
    return LCP_OK;
}

int lcp_tm_ibc_verify_header(const lcp_tm_client_state *cs, const lcp_tm_consensus_state *trusted,
                             const lcp_tm_ibc_header *h, const lcp_tm_valset *vals,
                             const lcp_tm_valset *trusted_vals, lcp_tm_time now, char *err)
{
    lcp_tm_untrusted u;
    lcp_tm_trusted t;
    lcp_tm_options o;
    int rc = prepare(cs, trusted, h, vals, trusted_vals, &u, &t, &o, err);
    if (rc != LCP_OK) return rc;
    return lcp_tm_verify_update(&u, &t, &o, now, err);
}

int lcp_tm_ibc_verify_misbehaviour_header(const lcp_tm_client_state *cs, const lcp_tm_consensus_state *trusted,
                                          const lcp_tm_ibc_header *h, const lcp_tm_valset *vals,
                                          const lcp_tm_valset *trusted_vals, lcp_tm_time now, char *err)
{
    lcp_tm_untrusted u;
    lcp_tm_trusted t;
    lcp_tm_options o;
    int rc = prepare(cs, trusted, h, vals, trusted_vals, &u, &t, &o, err);
    if (rc != LCP_OK) return rc;
    return lcp_tm_verify_misbehaviour_header(&u, &t, &o, now, err);
}

int lcp_tm_misbehaviour_evident(const lcp_tm_misbehaviour *m, char *err)
{
    if (!m->has_header_1 || !m->has_header_2 || !m->header_1.has_signed_header || !m->header_2.has_signed_header)
        return lcp_fail(err, LCP_ERR_TM_MISBEHAVIOUR, "misbehaviour needs two headers");
    const lcp_tm_signed_header *a = &m->header_1.signed_header, *b = &m->header_2.signed_header;
    if (!tm_bytes_eq(a->header.chain_id, b->header.chain_id))
        return lcp_fail(err, LCP_ERR_TM_MISBEHAVIOUR, "headers are from different chains");
    int c = height_cmp(lcp_tm_ibc_header_height(&m->header_1), lcp_tm_ibc_header_height(&m->header_2));
    if (c < 0) return lcp_fail(err, LCP_ERR_TM_MISBEHAVIOUR, "header_1 must not be below header_2");
    if (c == 0) {
        if (tm_bytes_eq(a->commit.block_id.hash, b->commit.block_id.hash))
            return lcp_fail(err, LCP_ERR_TM_MISBEHAVIOUR, "same block at the same height: no fork");
        return LCP_OK;
    }
    /* a higher block whose time is not later breaks BFT time monotonicity */
    if (lcp_tm_time_cmp(a->header.time, b->header.time) <= 0) return LCP_OK;
    return lcp_fail(err, LCP_ERR_TM_MISBEHAVIOUR, "headers are consistent: no misbehaviour");
}
