/* Private to src/dev/tmchain*.c: protobuf written into growable buffers, and helpers that abort on failure
 * (development code). */
#ifndef LCP_TEST_TMCHAIN_INTERNAL_H
#define LCP_TEST_TMCHAIN_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "lcp/base.h"

void tmc_die(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
void tmc_b_raw(lcp_buf *b, const void *p, size_t n);
void tmc_b_varint(lcp_buf *b, uint64_t v);
void tmc_b_tag(lcp_buf *b, uint32_t field, int wt);
/* a varint field, skipped when zero (proto3) */
void tmc_b_uint_opt(lcp_buf *b, uint32_t field, uint64_t v);
void tmc_b_bytes(lcp_buf *b, uint32_t field, const void *p, size_t n);
/* embeds m as field (even when empty) and frees m */
void tmc_b_msg(lcp_buf *b, uint32_t field, lcp_buf *m);
void tmc_sha256(uint8_t out[32], const void *p, size_t n);
/* SHA-256 of "label/n": filler hashes that differ per block */
void tmc_label_hash(uint8_t out[32], const char *label, int64_t n);
/* lcp_realloc of n elements of size, or abort */
void *tmc_grow(void *p, size_t n, size_t size);

/* The multistore root over ((acc, bank), ibc) with the given "ibc" store root, and its left subtree's hash. */
void tmc_multistore(uint8_t root[32], uint8_t left[32], const uint8_t ibc_root[32]);
/* Appends to a MerkleProof (as field 1) the CommitmentProof of the "ibc" store root in that multistore. */
void tmc_store_proof(lcp_buf *out, const uint8_t ibc_root[32]);

#endif
