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
    uint8_t verified;
} tm_vote;
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

/* a*b > c*d for unsigned 64-bit operands, exactly (128-bit products). */
int tm_mul_gt(uint64_t a, uint64_t b, uint64_t c, uint64_t d);

/* Trust level in [1/3, 1] with a non-zero denominator. */
int tm_trust_level_ok(uint64_t num, uint64_t den);

static inline int tm_bytes_eq(lcp_bytes a, lcp_bytes b)
{
    return a.len == b.len && (a.len == 0 || memcmp(a.ptr, b.ptr, a.len) == 0);
}

#endif
