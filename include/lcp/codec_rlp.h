/* lcp/codec_rlp.h — part of codec (floor 2): Ethereum RLP (Recursive Length Prefix, yellow paper appendix B),
 * a strict decoder and an encoder, neither of which allocates.
 *
 * Strictness. The decoder accepts only the one canonical encoding of each value, as go-ethereum's rlp package and
 * ethereum/tests' invalidRLPTest.json demand: a single byte below 0x80 is never wrapped in a 0x81 header, a payload
 * shorter than 56 bytes never uses a long-form header, a long-form length has no leading zero byte, every length
 * fits inside the input, a list's items exactly fill its payload, and (for lcp_rlp_decode) nothing follows the
 * top-level item. Nesting deeper than LCP_RLP_MAX_DEPTH lists is refused, so hostile input has bounded cost.
 * So a successful decode followed by an encode gives back the input byte for byte.
 *
 * Views. A decoded item (lcp_rlp_item) borrows the input: it lives as long as the input buffer.
 * Errors: LCP_ERR_RLP (malformed or non-canonical), LCP_ERR_RLP_DEPTH (too deep), LCP_ERR_RLP_TYPE (an accessor
 * found a list where it wanted a string, or the reverse, or a value that does not fit), each with a reason in err
 * (LCP_ERR_LEN bytes, may be NULL).
 * Threading: no state beyond the caller's structures; every function is reentrant.
 */
#ifndef LCP_CODEC_RLP_H
#define LCP_CODEC_RLP_H

#include "lcp/base.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Deepest list nesting the strict decoder accepts (the top-level list is depth 1). Trie nodes need 2. */
#define LCP_RLP_MAX_DEPTH 32

/* One decoded item. */
typedef struct {
    lcp_bytes raw;     /* the whole encoding: header and payload */
    lcp_bytes payload; /* a string's bytes, or a list's concatenated item encodings */
    int is_list;
} lcp_rlp_item;

/* ---- decoder ---- */

/* Reads the header of the item at the front of in (not its nested items) and checks it is canonical and fits.
 * Out: item; *used (may be NULL): item->raw.len, the bytes the item takes.
 * Trailing bytes after the item are allowed (use lcp_rlp_decode for a whole buffer). */
int lcp_rlp_decode_item(lcp_rlp_item *item, size_t *used, const uint8_t *in, size_t in_len, char *err)
    LCP_WARN_UNUSED;

/* Decodes in as exactly one item and checks the whole tree strictly (every nested item canonical, lists exactly
 * filled, depth ≤ LCP_RLP_MAX_DEPTH, no trailing bytes). Out: item (the top-level item). */
int lcp_rlp_decode(lcp_rlp_item *item, const uint8_t *in, size_t in_len, char *err) LCP_WARN_UNUSED;

/* Iterator over a list's items (one level). Start it on a list item, then call next until it returns 0. */
typedef struct {
    const uint8_t *p;
    size_t left;
} lcp_rlp_iter;
/* Returns LCP_OK, or LCP_ERR_RLP_TYPE if list is a string. */
int lcp_rlp_iter_init(lcp_rlp_iter *it, const lcp_rlp_item *list, char *err) LCP_WARN_UNUSED;
/* Returns 1 and the next item in *item; 0 at the end of the list; a negative code if the next header is malformed
 * or overruns the list. Nested items are checked only as far as their header (use lcp_rlp_decode first on
 * untrusted input to check everything at once). */
int lcp_rlp_iter_next(lcp_rlp_iter *it, lcp_rlp_item *item, char *err);
/* Out: *count: the number of items of a list (headers checked). */
int lcp_rlp_list_count(size_t *count, const lcp_rlp_item *list, char *err) LCP_WARN_UNUSED;
/* Out: items[0..*count): the items of a list, at most cap (more → LCP_ERR_RLP_TYPE). */
int lcp_rlp_list_items(lcp_rlp_item *items, size_t cap, size_t *count, const lcp_rlp_item *list, char *err)
    LCP_WARN_UNUSED;

/* ---- typed accessors on a decoded item ---- */
/* A string item's bytes. */
int lcp_rlp_get_bytes(lcp_bytes *out, const lcp_rlp_item *item, char *err) LCP_WARN_UNUSED;
/* A string item of exactly n bytes, copied to out. */
int lcp_rlp_get_fixed(uint8_t *out, size_t n, const lcp_rlp_item *item, char *err) LCP_WARN_UNUSED;
/* A canonical unsigned integer (big-endian, no leading zero byte, 0 = empty string) that fits 64 bits. */
int lcp_rlp_get_uint64(uint64_t *out, const lcp_rlp_item *item, char *err) LCP_WARN_UNUSED;
/* A canonical unsigned integer of up to 256 bits, written big-endian and left-padded with zeros to 32 bytes. */
int lcp_rlp_get_uint256(uint8_t out[32], const lcp_rlp_item *item, char *err) LCP_WARN_UNUSED;

/* ---- encoder ----
 * Appends into a caller buffer; with buf == NULL it only counts, so a first pass can size the buffer.
 * Lists: call lcp_rlp_list_begin, write the items, then lcp_rlp_list_end with the mark begin returned; the
 * header is inserted in front of the items then (the items move right by the header's size). Errors are
 * sticky and reported by lcp_rlp_enc_finish. */
typedef struct {
    uint8_t *buf; /* may be NULL: count only */
    size_t cap;
    size_t len; /* bytes written (or needed) so far */
    int rc;     /* sticky: LCP_ERR_BUFFER_TOO_SMALL, or LCP_ERR_RLP for unbalanced lists */
    unsigned depth;
} lcp_rlp_enc;

void lcp_rlp_enc_init(lcp_rlp_enc *e, uint8_t *buf, size_t cap);
/* A byte string (a single byte < 0x80 is written as itself). */
void lcp_rlp_put_bytes(lcp_rlp_enc *e, const uint8_t *p, size_t n);
/* An unsigned integer: minimal big-endian bytes, 0 as the empty string. */
void lcp_rlp_put_uint(lcp_rlp_enc *e, uint64_t v);
/* A 32-byte big-endian unsigned integer, leading zero bytes stripped (so 0 is the empty string). */
void lcp_rlp_put_uint256(lcp_rlp_enc *e, const uint8_t be[32]);
/* n bytes that already are one or more RLP encodings (a nested item encoded elsewhere). */
void lcp_rlp_put_raw(lcp_rlp_enc *e, const uint8_t *p, size_t n);
/* Opens a list; returns the mark to give lcp_rlp_list_end. */
size_t lcp_rlp_list_begin(lcp_rlp_enc *e);
void lcp_rlp_list_end(lcp_rlp_enc *e, size_t mark);
/* Returns LCP_OK and the total length in *len (may be NULL), or the sticky error (also for an unclosed list). */
int lcp_rlp_enc_finish(lcp_rlp_enc *e, size_t *len) LCP_WARN_UNUSED;

/* Length of the header RLP puts in front of a payload of n bytes (a string's or a list's; for a string of one
 * byte < 0x80 the header is 0 bytes, which this function does not know: it returns 1 for n == 1). */
size_t lcp_rlp_header_len(size_t n);

#ifdef __cplusplus
}
#endif
#endif
