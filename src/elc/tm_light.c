/* Light-client verification of one untrusted header against a trusted state: tendermint-rs's
 * verify_update_header / verify_misbehaviour_header (the order of checks decides which failure is reported and
 * whether "not enough trust" can be), with CometBFT's ValidateBasic first (spec sheet §4.2). */
#include "tm_internal.h"

/* verify_validator_sets: the given sets are the header's and the commit has a sane shape for them. */
static int verify_validator_sets(const lcp_tm_untrusted *u, char *err)
{
    const lcp_tm_signed_header *sh = u->signed_header;
    uint8_t h[LCP_TM_HASH_LEN];
    int rc;
    if ((rc = lcp_tm_valset_hash(h, u->validators)) != LCP_OK) return lcp_fail(err, rc, NULL);
    if (!tm_bytes_eq(sh->header.validators_hash, (lcp_bytes){h, sizeof h}))
        return lcp_fail(err, LCP_ERR_TM_HASH_MISMATCH, "validator set does not hash to the header's validators_hash");
    if (u->next_validators != NULL) {
        if ((rc = lcp_tm_valset_hash(h, u->next_validators)) != LCP_OK) return lcp_fail(err, rc, NULL);
        if (!tm_bytes_eq(sh->header.next_validators_hash, (lcp_bytes){h, sizeof h}))
            return lcp_fail(err, LCP_ERR_TM_HASH_MISMATCH, "next validator set does not match next_validators_hash");
    }
    /* header_matches_commit: already established by ValidateBasic in check_inputs, which runs first */
    return lcp_tm_commit_validate_against(&sh->commit, u->validators, err);
}

/* validate_against_trusted: trust not expired, time and height move forward, same chain, and an adjacent header
 * continues the trusted next validators. */
static int validate_against_trusted(const lcp_tm_untrusted *u, const lcp_tm_trusted *t, const lcp_tm_options *o,
                                    lcp_tm_time now, int *adjacent, char *err)
{
    const lcp_tm_header *h = &u->signed_header->header;
    lcp_tm_time expires;
    if (lcp_tm_time_add(&expires, t->time, o->trusting_period) != LCP_OK)
        return lcp_fail(err, LCP_ERR_TM_OVERFLOW, "trusted time plus trusting period overflows");
    if (lcp_tm_time_cmp(expires, now) <= 0)
        return lcp_fail(err, LCP_ERR_TM_EXPIRED, "trusted state expired at %lld s (now %lld s)",
                        (long long)expires.seconds, (long long)now.seconds);
    if (lcp_tm_time_cmp(h->time, t->time) <= 0)
        return lcp_fail(err, LCP_ERR_TM_NON_MONOTONIC, "header time is not after the trusted time");
    if (!tm_bytes_eq(h->chain_id, t->chain_id))
        return lcp_fail(err, LCP_ERR_TM_CHAIN_ID, "header chain id differs from the trusted one");
    *adjacent = t->height < INT64_MAX && h->height == t->height + 1;
    if (*adjacent) {
        if (!tm_bytes_eq(h->validators_hash, t->next_validators_hash))
            return lcp_fail(err, LCP_ERR_TM_HASH_MISMATCH, "adjacent header's validators are not the trusted next ones");
    } else if (h->height <= t->height) {
        return lcp_fail(err, LCP_ERR_TM_NON_MONOTONIC, "header height %lld is not above trusted height %lld",
                        (long long)h->height, (long long)t->height);
    }
    return LCP_OK;
}

/* verify_commit_against_trusted: adjacent headers need > 2/3 of their own validators; others also need more than
 * the trust level of the trusted next validators. Both tallies run before either is judged, as in tendermint-rs,
 * so an invalid signature met in either makes the header invalid rather than merely untrusted. */
static int verify_commit_against_trusted(const lcp_tm_untrusted *u, const lcp_tm_trusted *t,
                                         const lcp_tm_options *o, int adjacent, char *err)
{
    tm_votes votes;
    int64_t trust_tally = 0, own_tally = 0;
    int trust_ok = 1, own_ok = 0, rc;
    if ((rc = tm_votes_init(&votes, u->signed_header, err)) != LCP_OK) return rc;
    tm_tally_plan plans[2];
    size_t n_plans = 0;
    if (!adjacent) plans[n_plans++] = (tm_tally_plan){t->next_validators, o->trust_numerator, o->trust_denominator};
    plans[n_plans++] = (tm_tally_plan){u->validators, 2, 3};
    tm_votes_preverify(&votes, plans, n_plans); /* the same tallies, in the same order, as below */
    if (!adjacent) {
        rc = tm_votes_tally(&votes, t->next_validators, o->trust_numerator, o->trust_denominator, &trust_tally,
                            &trust_ok, err);
        if (rc != LCP_OK) return rc;
    }
    if ((rc = tm_votes_tally(&votes, u->validators, 2, 3, &own_tally, &own_ok, err)) != LCP_OK) return rc;
    if (!trust_ok)
        return lcp_fail(err, LCP_ERR_TM_NOT_ENOUGH_TRUST, "trusted validators signed %lld of %lld, not above %llu/%llu",
                        (long long)trust_tally, (long long)t->next_validators->total_power,
                        (unsigned long long)o->trust_numerator, (unsigned long long)o->trust_denominator);
    if (!own_ok)
        return lcp_fail(err, LCP_ERR_TM_NOT_ENOUGH_POWER, "validators signed %lld of %lld, not above 2/3",
                        (long long)own_tally, (long long)u->validators->total_power);
    return LCP_OK;
}

static int check_inputs(const lcp_tm_untrusted *u, const lcp_tm_trusted *t, const lcp_tm_options *o, char *err)
{
    if (!tm_trust_level_ok(o->trust_numerator, o->trust_denominator))
        return lcp_fail(err, LCP_ERR_TM_INVALID, "trust level outside [1/3, 1]");
    /* the trusted next validators must be the ones the trusted header committed to */
    if (t->next_validators != NULL) {
        uint8_t h[LCP_TM_HASH_LEN];
        int rc = lcp_tm_valset_hash(h, t->next_validators);
        if (rc != LCP_OK) return lcp_fail(err, rc, NULL);
        if (!tm_bytes_eq(t->next_validators_hash, (lcp_bytes){h, sizeof h}))
            return lcp_fail(err, LCP_ERR_TM_HASH_MISMATCH, "trusted next validators do not match their hash");
    }
    /* ValidateBasic before anything is hashed or compared (the chain id is compared later, in its turn) */
    return lcp_tm_signed_header_validate(u->signed_header, NULL, 0, err);
}

static int verify(const lcp_tm_untrusted *u, const lcp_tm_trusted *t, const lcp_tm_options *o, lcp_tm_time now,
                  int check_drift, char *err)
{
    LCP_ARG_CHECK(u->signed_header != NULL && u->validators != NULL);
    int adjacent = 0, rc;
    if ((rc = check_inputs(u, t, o, err)) != LCP_OK) return rc;
    if ((rc = verify_validator_sets(u, err)) != LCP_OK) return rc;
    if ((rc = validate_against_trusted(u, t, o, now, &adjacent, err)) != LCP_OK) return rc;
    if (check_drift) {
        lcp_tm_time latest;
        if (lcp_tm_time_add(&latest, now, o->max_clock_drift) != LCP_OK)
            return lcp_fail(err, LCP_ERR_TM_OVERFLOW, "now plus clock drift overflows");
        if (lcp_tm_time_cmp(u->signed_header->header.time, latest) >= 0)
            return lcp_fail(err, LCP_ERR_TM_FUTURE, "header time is not before now plus the clock drift");
    }
    if (!adjacent && t->next_validators == NULL)
        return lcp_fail(err, LCP_ERR_TM_INVALID, "non-adjacent header needs the trusted next validators");
    return verify_commit_against_trusted(u, t, o, adjacent, err);
}

int lcp_tm_verify_update(const lcp_tm_untrusted *untrusted, const lcp_tm_trusted *trusted, const lcp_tm_options *opt,
                         lcp_tm_time now, char *err)
{
    return verify(untrusted, trusted, opt, now, 1, err);
}

int lcp_tm_verify_misbehaviour_header(const lcp_tm_untrusted *untrusted, const lcp_tm_trusted *trusted,
                                      const lcp_tm_options *opt, lcp_tm_time now, char *err)
{
    return verify(untrusted, trusted, opt, now, 0, err);
}
