/* Private to src/elc/tm_*.c. */
#ifndef LCP_ELC_TM_INTERNAL_H
#define LCP_ELC_TM_INTERNAL_H

#include <string.h>

#include "lcp/codec_pb.h"
#include "lcp/elc_tendermint.h"

/* Sequential walk over a decoded commit's signatures (already validated by decoding, so it cannot fail). */
typedef struct {
    const lcp_tm_commit *c;
    lcp_pb_reader r;
    lcp_bytes last; /* the encoded CommitSig last returned */
} tm_sig_iter;
void tm_sig_iter_init(tm_sig_iter *it, const lcp_tm_commit *c);
int tm_sig_iter_next(tm_sig_iter *it, lcp_tm_commit_sig *sig);

/* Decodes one CommitSig (used by the commit decoder and the walkers). */
int tm_decode_commit_sig(lcp_tm_commit_sig *out, const uint8_t *in, size_t in_len, char *err);

/* Simple Merkle tree over n leaves whose leaf hashes leaf() computes (SHA-256(0x00 || item)). */
typedef int (*tm_leaf_fn)(uint8_t out[32], const void *ctx, size_t i);
int tm_merkle(uint8_t out[32], tm_leaf_fn leaf, const void *ctx, size_t n);
int tm_leaf_hash(uint8_t out[32], const uint8_t *item, size_t len);

/* The COMMIT votes of a signed header sorted by address, for tallies that walk a validator set and look votes up
 * by address; a vote's signature is verified once even when two tallies meet it. 24 bytes per vote. */
typedef struct {
    const uint8_t *address;
    const uint8_t *src; /* the encoded CommitSig */
    uint32_t src_len;
    uint8_t verified; /* TM_VOTE_* */
    uint8_t planned_; /* tm_parallel.c's scratch mark */
} tm_vote;
enum { TM_VOTE_UNCHECKED = 0, TM_VOTE_VALID = 1, TM_VOTE_INVALID = 2 };
typedef struct {
    const lcp_tm_signed_header *sh;
    tm_vote v[LCP_TM_MAX_VALIDATORS];
    size_t n;
} tm_votes;
/* Collects and sorts the votes; LCP_ERR_TM_INVALID on two votes by one address. */
int tm_votes_init(tm_votes *v, const lcp_tm_signed_header *sh, char *err);
/* Walks vals in order, adding the power of each validator with a valid vote until power*den > total*num.
 * Out: *tallied, *reached. Returns LCP_ERR_TM_SIGNATURE on an invalid signature met on the way. */
int tm_votes_tally(tm_votes *v, const lcp_tm_valset *vals, uint64_t num, uint64_t den, int64_t *tallied,
                   int *reached, char *err);

/* The vote of address, or NULL. */
tm_vote *tm_votes_find(tm_votes *v, const uint8_t address[LCP_TM_ADDRESS_LEN]);
/* Checks one vote's signature with its validator's key. Returns LCP_OK, LCP_ERR_TM_SIGNATURE (the signature does
 * not verify; err untouched), or the error of building its sign bytes. Reentrant. */
int tm_vote_check(const tm_vote *vote, const lcp_tm_signed_header *sh, const uint8_t pub_key[LCP_TM_ED25519_PUBKEY_LEN],
                  char *err);

/* Parallel signature verification (tm_parallel.c). A tally that a verification is about to run: */
typedef struct {
    const lcp_tm_valset *vals;
    uint64_t num, den;
} tm_tally_plan;
/* Verifies on the worker pool, ahead of the tallies, every signature the planned tallies would examine if all
 * signatures were valid (walking each set in order until its threshold), recording each verdict in the vote
 * (TM_VOTE_VALID / TM_VOTE_INVALID). The sequential tallies then read the verdicts: they stop at the same vote
 * and report the same error as without this step, because up to the first invalid signature they walk exactly
 * the votes planned here. Votes whose sign bytes cannot be built are left unchecked for the tally to report.
 * Does nothing with one thread configured, with fewer than two such votes, or while another verification holds
 * the pool (that one runs sequentially). */
void tm_votes_preverify(tm_votes *v, const tm_tally_plan *plans, size_t n_plans);

/* a*b > c*d for unsigned 64-bit operands, exactly (128-bit products). */
int tm_mul_gt(uint64_t a, uint64_t b, uint64_t c, uint64_t d);

/* Trust level in [1/3, 1] with a non-zero denominator. */
int tm_trust_level_ok(uint64_t num, uint64_t den);

static inline int tm_bytes_eq(lcp_bytes a, lcp_bytes b)
{
    return a.len == b.len && (a.len == 0 || memcmp(a.ptr, b.ptr, a.len) == 0);
}

#endif
