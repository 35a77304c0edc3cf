/* Private to src/elc/ics23_*.c: path iteration and hashing over parts. */
#ifndef LCP_ELC_ICS23_INTERNAL_H
#define LCP_ELC_ICS23_INTERNAL_H

#include "lcp/codec_pb.h"
#include "lcp/elc_ics23.h"

/* Walks an existence proof's path from the leaf upward without copying it. For a compressed proof it reads each
 * index and then finds that lookup inner; a decoded proof's indices are known to be in range. */
typedef struct {
    const lcp_ics23_exist *ep;
    lcp_pb_reader r;      /* over ep->src_ */
    lcp_bytes packed;     /* compressed: the packed index run being consumed */
    size_t packed_off;
} ics23_path_iter;

void ics23_path_iter_init(ics23_path_iter *it, const lcp_ics23_exist *ep);
/* Returns 1 with op filled, 0 at the end of the path. */
int ics23_path_iter_next(ics23_path_iter *it, lcp_ics23_inner_op *op);

/* Walks a batch proof's entries in order, each decoded once: O(1) per step, where lcp_ics23_proof_entry_at(i)
 * rescans the batch from its start (membership loops over a large batch would be quadratic). */
typedef struct {
    const lcp_ics23_proof *proof;
    lcp_pb_reader r; /* over proof->batch_ */
} ics23_entry_iter;
void ics23_entry_iter_init(ics23_entry_iter *it, const lcp_ics23_proof *proof);
/* Returns 1 with e filled, 0 after the last entry, LCP_ERR_ICS23_DECODE if an entry cannot be read. */
int ics23_entry_iter_next(ics23_entry_iter *it, lcp_ics23_entry *e);

/* lcp_ics23_exist_verify without its last step: the spec check, key and value, then the root the proof commits to
 * (computed under spec). Out: out[0..*out_len). */
int ics23_exist_root(uint8_t out[LCP_ICS23_HASH_MAX], size_t *out_len, const lcp_ics23_exist *ep,
                     const lcp_ics23_spec *spec, const uint8_t *key, size_t key_len, const uint8_t *value,
                     size_t value_len, char *err);

/* SHA-256 over the concatenation of n parts with the state on the stack (no allocation, unlike EVP); the hash of
 * every standard spec and of all Tendermint Merkle trees, so the hot path of both. */
int ics23_sha256_parts(uint8_t out[32], const lcp_bytes *parts, size_t n);

/* hash_op over the concatenation of n parts (no copy for SHA-256; other ops go through OpenSSL EVP). */
int ics23_hash_parts(uint8_t out[LCP_ICS23_HASH_MAX], size_t *out_len, int32_t hash_op, const lcp_bytes *parts,
                     size_t n, char *err);

/* keyForComparison: key itself, or its prehash when the spec asks to compare prehashed keys. Out: *view points at
 * key or at buf. A hash failure gives an empty key, as Go's ignored error gives nil. */
void ics23_key_for_comparison(lcp_bytes *view, uint8_t buf[LCP_ICS23_HASH_MAX], const lcp_ics23_spec *spec,
                              const uint8_t *key, size_t key_len);

/* orderFromPadding: the first branch whose padding op has, or -1 (Go: error). */
int64_t ics23_order_from_padding(const lcp_ics23_inner_spec *s, const lcp_ics23_inner_op *op);
/* IsLeftMost / IsRightMost over the first `to` steps of ep's path (leaf upward); Go's errors count as 0. */
int ics23_is_left_most(const lcp_ics23_inner_spec *s, const lcp_ics23_exist *ep, size_t to);
int ics23_is_right_most(const lcp_ics23_inner_spec *s, const lcp_ics23_exist *ep, size_t to);

/* bytes.Compare */
int ics23_bytes_cmp(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen);
static inline int ics23_bytes_eq(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
    return ics23_bytes_cmp(a, alen, b, blen) == 0;
}

#endif
