/* lcp/codec_abi.h — part of codec (floor 2): Ethereum ABI encoding and strict decoding, without allocation.
 *
 * Model. An ABI tuple is a *head* of 32-byte words (static values inline, an offset for each dynamic value) followed
 * by a *tail* holding the dynamic values in order. Offsets are relative to the start of the tuple's head.
 * Both the encoder and the decoder walk a tuple with a cursor over its head and a running tail position; a nested
 * dynamic tuple or array opens a child cursor at the current tail and, when closed, moves the parent's tail past it.
 *
 * Strictness. The decoder accepts only the canonical encoding that Solidity's abi.encode produces: every offset
 * must point exactly at the running tail (no gaps, overlaps or reordering), padding bytes must be zero, integers
 * must fit their declared width, and the outermost encoding must end exactly at the end of the input. So a
 * successful decode followed by an encode gives back the input byte for byte, and one message has one encoding.
 *
 * Errors are sticky: after the first failure every call on that cursor is a no-op and the code/message stay.
 * Views (lcp_bytes) returned by the decoder point into the input and live as long as it.
 */
#ifndef LCP_CODEC_ABI_H
#define LCP_CODEC_ABI_H

#include "lcp/base.h"

#ifdef __cplusplus
extern "C" {
#endif

#define LCP_ABI_WORD 32

/* Unsigned 128-bit integers (timestamps in ns, trusting periods): the ABI type uint128. */
typedef unsigned __int128 lcp_u128;

/* ---- decoder ---- */
typedef struct {
    const uint8_t *buf; /* the whole encoding */
    size_t len;
    size_t base;     /* start of this tuple's head: offsets are relative to it */
    size_t head;     /* next head word */
    size_t head_end; /* end of the head */
    size_t tail;     /* where the next dynamic value must start */
    int rc;          /* sticky error */
    int relaxed;     /* set by lcp_abi_dec_seek: offsets are bounds-checked but not checked for canonical order */
    char *err;       /* may be NULL */
} lcp_abi_dec;

/* Starts decoding `abi.encode(<one dynamic tuple>)`: the first word must be 0x20, then a tuple of head_words. */
void lcp_abi_dec_root_tuple(lcp_abi_dec *d, const uint8_t *buf, size_t len, size_t head_words, char *err);
/* Starts decoding `abi.encode(a, b, ...)` of head_words top-level values (no leading offset). */
void lcp_abi_dec_root(lcp_abi_dec *d, const uint8_t *buf, size_t len, size_t head_words, char *err);
/* Reads the next head word raw. */
void lcp_abi_get_word(lcp_abi_dec *d, uint8_t out[LCP_ABI_WORD]);
/* Reads an unsigned integer of `bits` (8..64) and rejects non-zero high bytes. */
void lcp_abi_get_uint(lcp_abi_dec *d, uint64_t *out, unsigned bits);
void lcp_abi_get_u128(lcp_abi_dec *d, lcp_u128 *out);
/* Reads a 20-byte address (12 zero bytes then the address). */
void lcp_abi_get_address(lcp_abi_dec *d, uint8_t out[20]);
/* Reads a `bool` (0 or 1 only). */
void lcp_abi_get_bool(lcp_abi_dec *d, int *out);
/* Reads dynamic `bytes`/`string` through its offset. */
void lcp_abi_get_bytes(lcp_abi_dec *d, lcp_bytes *out);
/* Opens a dynamic tuple of head_words at the next offset. Decode its fields on child, then lcp_abi_close. */
void lcp_abi_open_tuple(lcp_abi_dec *d, lcp_abi_dec *child, size_t head_words);
/* Opens a dynamic array at the next offset. Out: *count elements. Each element takes elem_words head words:
 * 1 for dynamic elements (an offset each), or the static element's size in words. Rejects counts that cannot fit. */
void lcp_abi_open_array(lcp_abi_dec *d, lcp_abi_dec *child, size_t *count, size_t elem_words);
/* Opens a dynamic tuple *element* of an array cursor (the element head holds an offset). */
#define lcp_abi_open_elem_tuple lcp_abi_open_tuple
/* Closes child: requires its head fully read, moves d's tail past child's tail, propagates errors. */
void lcp_abi_close(lcp_abi_dec *d, lcp_abi_dec *child);
/* Re-reading input that was already decoded strictly: returns in out a copy of d positioned on head word
 * word_index (e.g. element i of an array cursor: i * elem_words), in relaxed mode so that dynamic values can be
 * read out of order. Bounds are still checked. */
void lcp_abi_dec_seek(const lcp_abi_dec *d, lcp_abi_dec *out, size_t word_index);
/* Finishes the root: head fully read and nothing after the last tail byte. Returns the sticky result. */
int lcp_abi_dec_finish(lcp_abi_dec *d) LCP_WARN_UNUSED;

/* ---- encoder ---- */
typedef struct {
    uint8_t *buf; /* may be NULL: size only */
    size_t cap;
    size_t base, head, head_end, tail;
    int rc;
} lcp_abi_enc;

/* Starts `abi.encode(<one dynamic tuple>)` (writes the 0x20 word) of a tuple with head_words. */
void lcp_abi_enc_root_tuple(lcp_abi_enc *e, uint8_t *buf, size_t cap, size_t head_words);
/* Starts `abi.encode(a, b, ...)` of head_words top-level values. */
void lcp_abi_enc_root(lcp_abi_enc *e, uint8_t *buf, size_t cap, size_t head_words);
void lcp_abi_put_word(lcp_abi_enc *e, const uint8_t w[LCP_ABI_WORD]);
void lcp_abi_put_uint(lcp_abi_enc *e, uint64_t v);
void lcp_abi_put_u128(lcp_abi_enc *e, lcp_u128 v);
void lcp_abi_put_address(lcp_abi_enc *e, const uint8_t a[20]);
void lcp_abi_put_bytes(lcp_abi_enc *e, const uint8_t *p, size_t n);
void lcp_abi_begin_tuple(lcp_abi_enc *e, lcp_abi_enc *child, size_t head_words);
void lcp_abi_begin_array(lcp_abi_enc *e, lcp_abi_enc *child, size_t count, size_t elem_words);
void lcp_abi_end(lcp_abi_enc *e, lcp_abi_enc *child);
/* Out: *len = total encoded size (also when the buffer was too small or NULL).
 * Returns LCP_OK, or LCP_ERR_BUFFER_TOO_SMALL when buf was non-NULL and short. */
int lcp_abi_enc_finish(lcp_abi_enc *e, size_t *len) LCP_WARN_UNUSED;

/* Big-endian helpers for 32-byte words. */
void lcp_abi_word_u64(uint8_t w[LCP_ABI_WORD], uint64_t v);
void lcp_abi_word_u128(uint8_t w[LCP_ABI_WORD], lcp_u128 v);

#ifdef __cplusplus
}
#endif
#endif
