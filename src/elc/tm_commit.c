/* Commit verification: the commit's shape against the set that signed it, and voting-power tallies with
 * signature checks (tendermint-rs operations/voting_power.rs semantics, spec sheet §3-§4.1). */
#include <stdlib.h>
#include <string.h>

#include "lcp/crypto.h"
#include "tm_internal.h"

int tm_mul_gt(uint64_t a, uint64_t b, uint64_t c, uint64_t d)
{
    /* 64x64 -> 128-bit products from 32-bit halves, compared high word first */
    uint64_t p[2][2];
    uint64_t x[2] = {a, c}, y[2] = {b, d};
    for (int k = 0; k < 2; k++) {
        uint64_t xl = x[k] & 0xffffffffu, xh = x[k] >> 32, yl = y[k] & 0xffffffffu, yh = y[k] >> 32;
        uint64_t ll = xl * yl, lh = xl * yh, hl = xh * yl, hh = xh * yh;
        uint64_t mid = (ll >> 32) + (lh & 0xffffffffu) + (hl & 0xffffffffu);
        p[k][0] = hh + (lh >> 32) + (hl >> 32) + (mid >> 32);
        p[k][1] = (mid << 32) | (ll & 0xffffffffu);
    }
    return p[0][0] != p[1][0] ? p[0][0] > p[1][0] : p[0][1] > p[1][1];
}

int tm_trust_level_ok(uint64_t num, uint64_t den)
{
    /* [1/3, 1]: num <= den and 3*num >= den, i.e. not (den*1 > num*3) */
    return den != 0 && num <= den && !tm_mul_gt(den, 1, num, 3);
}

int lcp_tm_commit_validate_against(const lcp_tm_commit *c, const lcp_tm_valset *vals, char *err)
{
    tm_sig_iter it;
    lcp_tm_commit_sig s;
    int present = 0;
    if (c->n_sigs != vals->n)
        return lcp_fail(err, LCP_ERR_TM_INVALID, "commit has %zu signatures for %zu validators", c->n_sigs, vals->n);
    tm_sig_iter_init(&it, c);
    for (size_t i = 0; i < c->n_sigs; i++) {
        if (!tm_sig_iter_next(&it, &s)) return lcp_fail(err, LCP_ERR_TM_INVALID, "commit sig %zu unreadable", i);
        if (s.flag == LCP_TM_FLAG_ABSENT) continue;
        present = 1;
        if (s.validator_address.len != LCP_TM_ADDRESS_LEN || lcp_tm_valset_find(vals, s.validator_address.ptr) < 0)
            return lcp_fail(err, LCP_ERR_TM_INVALID, "commit sig %zu: signer is not in the validator set", i);
        /* CometBFT's VerifyCommitLight matches a COMMIT signature to the validator at its index */
        if (s.flag == LCP_TM_FLAG_COMMIT && memcmp(vals->v[i].address, s.validator_address.ptr, LCP_TM_ADDRESS_LEN))
            return lcp_fail(err, LCP_ERR_TM_INVALID, "commit sig %zu: not the validator at that index", i);
    }
    if (!present) return lcp_fail(err, LCP_ERR_TM_INVALID, "commit has no signature");
    return LCP_OK;
}

static int vote_cmp(const void *a, const void *b)
{
    const tm_vote *x = a, *y = b;
    return memcmp(x->address, y->address, LCP_TM_ADDRESS_LEN);
}

int tm_votes_init(tm_votes *v, const lcp_tm_signed_header *sh, char *err)
{
    tm_sig_iter it;
    lcp_tm_commit_sig s;
    v->sh = sh;
    v->n = 0;
    tm_sig_iter_init(&it, &sh->commit);
    for (size_t i = 0; i < sh->commit.n_sigs; i++) {
        if (!tm_sig_iter_next(&it, &s)) return lcp_fail(err, LCP_ERR_TM_INVALID, "commit sig %zu unreadable", i);
        /* only COMMIT votes count: nil votes are for no block, absent ones are not votes */
        if (s.flag != LCP_TM_FLAG_COMMIT) continue;
        if (s.validator_address.len != LCP_TM_ADDRESS_LEN || v->n == LCP_TM_MAX_VALIDATORS)
            return lcp_fail(err, LCP_ERR_TM_INVALID, "commit sig %zu malformed", i);
        v->v[v->n].address = s.validator_address.ptr;
        v->v[v->n].src = it.last.ptr;
        v->v[v->n].src_len = (uint32_t)it.last.len;
        v->v[v->n].verified = TM_VOTE_UNCHECKED;
        v->v[v->n].planned_ = 0;
        v->n++;
    }
    qsort(v->v, v->n, sizeof v->v[0], vote_cmp);
    for (size_t i = 1; i < v->n; i++)
        if (memcmp(v->v[i - 1].address, v->v[i].address, LCP_TM_ADDRESS_LEN) == 0)
            return lcp_fail(err, LCP_ERR_TM_INVALID, "commit: duplicate vote by one validator");
    return LCP_OK;
}

tm_vote *tm_votes_find(tm_votes *v, const uint8_t address[LCP_TM_ADDRESS_LEN])
{
    size_t lo = 0, hi = v->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = memcmp(v->v[mid].address, address, LCP_TM_ADDRESS_LEN);
        if (c == 0) return &v->v[mid];
        if (c < 0) lo = mid + 1;
        else hi = mid;
    }
    return NULL;
}

int tm_vote_check(const tm_vote *vote, const lcp_tm_signed_header *sh, const uint8_t pub_key[LCP_TM_ED25519_PUBKEY_LEN],
                  char *err)
{
    uint8_t msg[LCP_TM_SIGN_BYTES_MAX];
    size_t msg_len;
    lcp_tm_commit_sig sig;
    int rc = tm_decode_commit_sig(&sig, vote->src, vote->src_len, err);
    if (rc == LCP_OK)
        rc = lcp_tm_vote_sign_bytes(msg, sizeof msg, &msg_len, sh->header.chain_id.ptr, sh->header.chain_id.len,
                                    &sh->commit, &sig, err);
    if (rc != LCP_OK) return rc;
    if (sig.signature.len != LCP_ED25519_SIG_LEN || lcp_ed25519_verify(sig.signature.ptr, msg, msg_len, pub_key) != LCP_OK)
        return LCP_ERR_TM_SIGNATURE;
    return LCP_OK;
}

int tm_votes_tally(tm_votes *v, const lcp_tm_valset *vals, uint64_t num, uint64_t den, int64_t *tallied,
                   int *reached, char *err)
{
    const lcp_tm_signed_header *sh = v->sh;
    int64_t sum = 0;
    *reached = 0;
    for (size_t i = 0; i < vals->n; i++) {
        const lcp_tm_validator *val = &vals->v[i];
        tm_vote *vote = tm_votes_find(v, val->address);
        if (vote == NULL) continue;
        /* a verdict may already be known: from an earlier tally, or from tm_votes_preverify's workers */
        int rc = vote->verified == TM_VOTE_VALID     ? LCP_OK
                 : vote->verified == TM_VOTE_INVALID ? LCP_ERR_TM_SIGNATURE
                                                     : tm_vote_check(vote, sh, val->pub_key, err);
        if (rc == LCP_ERR_TM_SIGNATURE) return lcp_fail(err, rc, "invalid signature from validator %zu", i);
        if (rc != LCP_OK) return rc;
        vote->verified = TM_VOTE_VALID;
        /* powers are bounded by INT64_MAX/8 per set (decoder), so the sum stays in range */
        sum += val->power;
        if (tm_mul_gt((uint64_t)sum, den, (uint64_t)vals->total_power, num)) {
            *reached = 1;
            break;
        }
    }
    *tallied = sum;
    return LCP_OK;
}

int lcp_tm_commit_tally(int64_t *tallied, int64_t *total, const lcp_tm_signed_header *sh, const lcp_tm_valset *vals,
                        uint64_t num, uint64_t den, int short_code, char *err)
{
    tm_votes votes;
    int reached, rc = tm_votes_init(&votes, sh, err);
    if (rc != LCP_OK) return rc;
    tm_tally_plan plan = {vals, num, den};
    tm_votes_preverify(&votes, &plan, 1);
    if ((rc = tm_votes_tally(&votes, vals, num, den, tallied, &reached, err)) != LCP_OK) return rc;
    *total = vals->total_power;
    if (!reached)
        return lcp_fail(err, short_code, "signed power %lld of %lld is not above %llu/%llu", (long long)*tallied,
                        (long long)*total, (unsigned long long)num, (unsigned long long)den);
    return LCP_OK;
}
