/* lcp/codec_json.h — part of codec (floor 2): a strict, non-allocating JSON reader for signed documents.
 *
 * Why a reader of our own next to cJSON: the JSON we verify is signed byte for byte (IAS attestation verification
 * reports; Intel TCB Info and QE Identity, whose signature covers the raw text of the "tcbInfo" /
 * "enclaveIdentity" member). A tree parser gives back values, not the bytes they came from, and re-serialising
 * breaks the signature (spec 10.4). This reader hands out *raw spans*: every lcp_json_value is a view of the exact
 * bytes of one value inside the caller's buffer, so "the text that was signed" is always at hand.
 *
 * Strictness (RFC 8259, plus the I-JSON restrictions of RFC 7493 that matter for signed data):
 *  - exactly one value, optionally surrounded by JSON whitespace (space, tab, LF, CR); no BOM, no trailing bytes;
 *  - strings must be valid UTF-8 (no overlong forms, no encoded surrogates, nothing above U+10FFFF), must not
 *    contain raw control characters (< 0x20), and \u escapes must not form lone surrogates;
 *  - numbers follow the RFC grammar exactly (no leading zeros, no '+', no bare '.', no NaN/Infinity);
 *  - nesting deeper than LCP_JSON_MAX_DEPTH arrays/objects is rejected (bounds stack use on hostile input);
 *  - duplicate member names: a document that repeats a name is ambiguous once signed (two readers may pick
 *    different members), so lcp_json_get fails with LCP_ERR_JSON_DUPLICATE when the name it looks up occurs more
 *    than once in the object (names are compared after unescaping, so "a" and "\u0061" are the same name).
 *    lcp_json_validate does not look for duplicates elsewhere (that costs quadratic time on hostile input).
 *
 * Allocation: none. Threading: no state; every function is safe from many threads.
 * Lifetime: an lcp_json_value points into the buffer given to lcp_json_parse and is valid as long as that buffer
 * is, unchanged. Handles must come from this API (parse, get, iterators); the accessors re-check the bytes they
 * read within the handle's span, so a forged handle can give wrong answers but never reads outside its span.
 * Cost: lookups and iteration walk the container each time (no index is built): lcp_json_get is linear in the
 * size of the object, which is what a handful of fields out of a small signed document needs.
 */
#ifndef LCP_CODEC_JSON_H
#define LCP_CODEC_JSON_H

#include "lcp/base.h"

#ifdef __cplusplus
extern "C" {
#endif

#define LCP_JSON_MAX_DEPTH 64

typedef enum {
    LCP_JSON_INVALID = 0, /* never produced by a successful call */
    LCP_JSON_NULL,
    LCP_JSON_FALSE,
    LCP_JSON_TRUE,
    LCP_JSON_NUMBER,
    LCP_JSON_STRING,
    LCP_JSON_ARRAY,
    LCP_JSON_OBJECT,
} lcp_json_type;

/* A borrowed view of one value: p/len is its exact text (for a string, including both quotes; no surrounding
 * whitespace). */
typedef struct {
    const uint8_t *p;
    size_t len;
    lcp_json_type type;
    /* Set by lcp_json_parse and inherited through the iterators: the whole text was validated when parsed, so
     * iterating steps over elements without validating them again. A value built by hand leaves it 0 and is
     * validated as it is read. Either way nothing outside [p, p + len) is read. */
    int checked;
} lcp_json_value;

/* Iteration state over an array or object; initialise with lcp_json_iter_init. */
typedef struct {
    lcp_json_value container;
    size_t pos;   /* offset in container.p of the next element (or the closing bracket) */
    size_t index; /* elements produced so far */
} lcp_json_iter;

/* Returns: LCP_OK if p[0..len) is exactly one valid JSON value with optional whitespace around it;
 *          LCP_ERR_JSON (syntax, with the byte offset in err), LCP_ERR_JSON_DEPTH (nesting too deep). */
int lcp_json_validate(const uint8_t *p, size_t len, char *err) LCP_WARN_UNUSED;

/* Validates the document as lcp_json_validate does.
 * Out: root: the top-level value (whitespace around it excluded), pointing into p. */
int lcp_json_parse(lcp_json_value *root, const uint8_t *p, size_t len, char *err) LCP_WARN_UNUSED;

/* Looks up member key (a NUL-terminated UTF-8 name, compared with the unescaped member name) in obj.
 * Returns: LCP_OK; LCP_ERR_JSON_MISSING if absent; LCP_ERR_JSON_DUPLICATE if present more than once;
 *          LCP_ERR_JSON_TYPE if obj is not an object.
 * Out: out: the member's value (untouched unless LCP_OK). */
int lcp_json_get(lcp_json_value *out, const lcp_json_value *obj, const char *key, char *err) LCP_WARN_UNUSED;

/* Starts iterating over arr_or_obj (an array or an object; anything else gives LCP_ERR_JSON_TYPE). */
int lcp_json_iter_init(lcp_json_iter *it, const lcp_json_value *arr_or_obj, char *err) LCP_WARN_UNUSED;
/* Next element of an array.
 * Returns: 1 with *elem filled; 0 at the end; a negative error (LCP_ERR_JSON_TYPE for an object iterator). */
int lcp_json_array_next(lcp_json_value *elem, lcp_json_iter *it, char *err) LCP_WARN_UNUSED;
/* Next member of an object, in document order.
 * Returns: 1 with *name (a LCP_JSON_STRING span, quotes included) and *val filled; 0 at the end; negative error. */
int lcp_json_object_next(lcp_json_value *name, lcp_json_value *val, lcp_json_iter *it, char *err) LCP_WARN_UNUSED;
/* Number of elements of an array or members of an object. */
int lcp_json_count(size_t *n, const lcp_json_value *arr_or_obj, char *err) LCP_WARN_UNUSED;
/* The index-th element of an array (0-based). Returns LCP_ERR_JSON_MISSING if index >= its length. */
int lcp_json_array_at(lcp_json_value *elem, const lcp_json_value *arr, size_t index, char *err) LCP_WARN_UNUSED;

/* Unescapes string v into out as UTF-8 (\uXXXX, surrogate pairs joined) and NUL-terminates it.
 * The content may itself hold U+0000 (from "\u0000"): use *out_len, not strlen, when that matters.
 * Returns: LCP_OK; LCP_ERR_JSON_TYPE if v is not a string; LCP_ERR_JSON for a bad escape, a lone surrogate or a raw
 *          control character; LCP_ERR_BUFFER_TOO_SMALL if out_cap < content length + 1.
 * Out: out, *out_len (may be NULL): the content and its length without the NUL. */
int lcp_json_string(char *out, size_t out_cap, size_t *out_len, const lcp_json_value *v, char *err) LCP_WARN_UNUSED;
/* Unescaped length of string v (what lcp_json_string writes, without the NUL). */
int lcp_json_string_len(size_t *n, const lcp_json_value *v, char *err) LCP_WARN_UNUSED;
/* 1 if v is a string whose unescaped content equals s[0..s_len) exactly, else 0 (also for invalid v). */
int lcp_json_string_eq(const lcp_json_value *v, const char *s, size_t s_len);
/* For a string without escapes, the view of its content between the quotes (zero copies: the raw bytes are the
 * value). Returns LCP_ERR_JSON_TYPE if v is not a string, LCP_ERR_JSON if it contains a backslash. */
int lcp_json_string_view(lcp_bytes *out, const lcp_json_value *v, char *err) LCP_WARN_UNUSED;

/* Integer readers: v must be a number written as an integer (no fraction, no exponent; "-0" is 0 for i64 and
 * rejected for u64). Returns LCP_ERR_JSON_TYPE if v is not such a number, LCP_ERR_JSON_RANGE if it does not fit. */
int lcp_json_u64(uint64_t *out, const lcp_json_value *v, char *err) LCP_WARN_UNUSED;
int lcp_json_i64(int64_t *out, const lcp_json_value *v, char *err) LCP_WARN_UNUSED;
/* Out: *out = 1 for true, 0 for false. Returns LCP_ERR_JSON_TYPE for any other value. */
int lcp_json_bool(int *out, const lcp_json_value *v, char *err) LCP_WARN_UNUSED;
/* 1 if v is null, else 0. */
int lcp_json_is_null(const lcp_json_value *v);
/* Static name of a type ("object", "string", ...), for messages. */
const char *lcp_json_type_name(lcp_json_type t);

#ifdef __cplusplus
}
#endif
#endif
