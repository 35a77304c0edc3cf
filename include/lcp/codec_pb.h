/* lcp/codec_pb.h — part of codec (floor 2): a protobuf wire-format reader and writer that never allocates.
 *
 * Used where exact bytes matter (hashing canonical encodings, keeping signed bytes, decoding untrusted Any values
 * without a heap); generated protobuf-c code is used where convenience matters (gRPC, ECALL frames).
 * The reader returns borrowed views into the input: they live as long as the input buffer.
 * The writer appends into a caller buffer; with buf == NULL it only counts, so a first pass can size the buffer.
 */
#ifndef LCP_CODEC_PB_H
#define LCP_CODEC_PB_H

#include <stddef.h>

#include "lcp/base.h"

#ifdef __cplusplus
extern "C" {
#endif

enum { LCP_PB_VARINT = 0, LCP_PB_I64 = 1, LCP_PB_LEN = 2, LCP_PB_I32 = 5 };

/* One field as read off the wire. For LCP_PB_VARINT/I64/I32 the value is in u; for LCP_PB_LEN in bytes. */
typedef struct {
    uint32_t number;
    int wire_type;
    uint64_t u;
    lcp_bytes bytes;
} lcp_pb_field;

typedef struct {
    const uint8_t *p;
    size_t len;
    size_t off;
} lcp_pb_reader;

void lcp_pb_reader_init(lcp_pb_reader *r, const uint8_t *p, size_t len);
/* Reads the next field. Returns 1 and fills f; 0 at the clean end of input; LCP_ERR_PROTO (with err) on a
 * truncated field, an over-long varint, field number 0, or the group wire types 3/4. */
int lcp_pb_next(lcp_pb_reader *r, lcp_pb_field *f, char *err);
/* Reads one varint at p[*off..len), advancing *off. Rejects varints over 10 bytes or overflowing 64 bits. */
int lcp_pb_read_varint(uint64_t *v, const uint8_t *p, size_t len, size_t *off);

typedef struct {
    uint8_t *buf; /* may be NULL: count only */
    size_t cap;
    size_t len;   /* bytes written (or needed) so far */
    int overflow; /* set once len exceeded cap with a non-NULL buf */
} lcp_pb_writer;

void lcp_pb_writer_init(lcp_pb_writer *w, uint8_t *buf, size_t cap);
void lcp_pb_put_raw(lcp_pb_writer *w, const void *p, size_t n);
void lcp_pb_put_varint(lcp_pb_writer *w, uint64_t v);
void lcp_pb_put_tag(lcp_pb_writer *w, uint32_t number, int wire_type);
/* Field helpers in proto3 canonical style: the *_opt variants skip default values (0, false, empty) as proto3
 * encoders do; the plain variants always write. */
void lcp_pb_put_uint(lcp_pb_writer *w, uint32_t number, uint64_t v);
void lcp_pb_put_uint_opt(lcp_pb_writer *w, uint32_t number, uint64_t v);
void lcp_pb_put_bytes(lcp_pb_writer *w, uint32_t number, const void *p, size_t n);
void lcp_pb_put_bytes_opt(lcp_pb_writer *w, uint32_t number, const void *p, size_t n);
/* A nested message whose encoding is already at hand. */
void lcp_pb_put_message(lcp_pb_writer *w, uint32_t number, const uint8_t *msg, size_t n);
/* Writes one message's fields (prost-style encoders are trees of these). */
typedef void (*lcp_pb_put_fn)(lcp_pb_writer *w, const void *m);
/* Field `number` holding the message fn writes for m, written in place: sized by a counting pass of fn first. */
void lcp_pb_put_nested(lcp_pb_writer *w, uint32_t number, lcp_pb_put_fn fn, const void *m);
/* Returns LCP_OK or LCP_ERR_BUFFER_TOO_SMALL if the writer overflowed. */
int lcp_pb_writer_status(const lcp_pb_writer *w);
/* Size of v as a varint. */
size_t lcp_pb_varint_len(uint64_t v);

/* google.protobuf.Any {1: type_url, 2: value}, decoded strictly: both fields at most once, no unknown fields. */
typedef struct {
    lcp_bytes type_url;
    lcp_bytes value;
} lcp_pb_any;
int lcp_pb_decode_any(lcp_pb_any *out, const uint8_t *p, size_t len, char *err);
void lcp_pb_put_any(lcp_pb_writer *w, const char *type_url, size_t type_url_len, const uint8_t *value, size_t n);
/* 1 if the Any's type_url equals the NUL-terminated s. */
int lcp_pb_any_is(const lcp_pb_any *a, const char *s);

/* Checks for strict hand decoders, failing with the caller's module code so errors keep naming their module:
 * lcp_pb_once marks field number n as seen (numbers >= 32 are not tracked) and fails if it was seen before (a
 * repeated singular field); lcp_pb_want_wire fails if f has another wire type than wt. msg names the message. */
int lcp_pb_once(uint32_t *seen, uint32_t n, int code, const char *msg, char *err);
int lcp_pb_want_wire(const lcp_pb_field *f, int wt, int code, const char *msg, char *err);
/* Both: a strict singular field (new, and of wire type wt). */
int lcp_pb_singular(uint32_t *seen, const lcp_pb_field *f, int wt, int code, const char *msg, char *err);
/* lcp_pb_next with every failure reported as code (the codec's message kept in err). */
int lcp_pb_next_as(lcp_pb_reader *r, lcp_pb_field *f, int code, char *err);

/* proto3 int64 and int32 from a varint's 64 bits (two's complement; int32 keeps the low 32 bits). */
int64_t lcp_pb_int64(uint64_t v);
int32_t lcp_pb_int32(uint64_t v);
/* 1 if v is the canonical encoding of an int32: the value sign-extended to 64 bits. Go and Rust truncate anything
 * else to 32 bits, which would make it a second reading of a smaller value; decoders refuse it. (Other freedoms of
 * the wire format remain, e.g. non-minimal varints and field order: decoders do not promise one encoding per
 * message, only one value per encoding.) */
int lcp_pb_int32_canonical(uint64_t v);
/* An int32 field's value; a non-canonical encoding fails with code ("<msg>: field N is not a canonical int32";
 * msg may be NULL). */
int lcp_pb_get_int32(int32_t *out, const lcp_pb_field *f, int code, const char *msg, char *err);

/* ---- table-driven decoding ----
 * A message is described once, as a table of its fields; lcp_pb_decode reads it with the rules every hand decoder
 * used to repeat: unknown field numbers are skipped; a known field of another wire type fails; with LCP_PB_ONCE a
 * singular field met twice fails (without it the last one wins); a repeated int32 is read packed or not; int32
 * must be canonical and uint32 must fit. Every failure carries the table's code and a message naming the table.
 * The reader writes only the fields it meets: the destination starts zeroed (the caller's memset), and a nested
 * message met again (without LCP_PB_ONCE) replaces the earlier one. The decoded views borrow the input. */
enum {
    LCP_PB_K_U64 = 1, /* varint -> uint64_t */
    LCP_PB_K_U32,     /* varint -> uint32_t; a value over UINT32_MAX fails */
    LCP_PB_K_I64,     /* varint -> int64_t (proto3 int64) */
    LCP_PB_K_I32,     /* varint -> int32_t, canonical; repeated: packed or not, each value handed to fn */
    LCP_PB_K_BOOL,    /* varint -> int, 1 for any non-zero value */
    LCP_PB_K_BYTES,   /* LEN -> lcp_bytes; repeated: an array of lcp_bytes counted in a size_t, at most cap */
    LCP_PB_K_MSG,     /* LEN -> decoded by the table sub into the destination */
    LCP_PB_K_FN,      /* wire type `wire` -> fn(destination, field) */
};
enum {
    LCP_PB_F_REPEATED = 1, /* may occur any number of times */
    LCP_PB_F_REQUIRED = 2, /* its absence fails ("<msg>: no <name>") */
};
/* Table flags: LCP_PB_ONCE rejects a singular field met twice; LCP_PB_CTX prefixes a malformed-wire failure with
 * the table's name (otherwise the codec's message is kept as it is). */
enum { LCP_PB_ONCE = 1, LCP_PB_CTX = 2 };

typedef struct lcp_pb_desc lcp_pb_desc;
/* A field callback: dst is the message's base plus the field's off; f the field (for a packed int32, one element
 * as a varint). Returns LCP_OK or an error code with err. */
typedef int (*lcp_pb_field_fn)(void *dst, const lcp_pb_field *f, char *err);

typedef struct {
    uint32_t number;
    uint8_t kind;          /* LCP_PB_K_* */
    uint8_t flags;         /* LCP_PB_F_* */
    int8_t wire;           /* LCP_PB_K_FN: the wire type fn takes */
    size_t off;            /* the destination, from the message's base */
    size_t has_off;        /* 0, or 1 + the offset of an int set to 1 once the field has been read */
    size_t count_off, cap; /* repeated LCP_PB_K_BYTES: the size_t count and the array's capacity */
    int cap_code;          /* code when the array is full (0: the table's), message "<msg>: too many entries ..." */
    const lcp_pb_desc *sub; /* LCP_PB_K_MSG */
    lcp_pb_field_fn fn;    /* LCP_PB_K_FN, or each element of a repeated LCP_PB_K_I32 */
    const char *ctx;       /* LCP_PB_K_MSG / FN: failures inside are prefixed with it */
    const char *name;      /* a required field's name in "<msg>: no <name>" */
} lcp_pb_fdesc;

struct lcp_pb_desc {
    const char *name; /* the message's name in errors */
    int code;         /* the error code of every failure the reader itself reports */
    unsigned flags;   /* LCP_PB_ONCE, LCP_PB_CTX */
    const lcp_pb_fdesc *fields;
    size_t n_fields;  /* at most 64 */
    int (*check)(void *dst, char *err); /* may be NULL: run after the last field, e.g. for ranges */
};

/* Decodes p[0..len) by the table d into dst, which the caller has zeroed. Returns LCP_OK or d->code (or a nested table's or callback's code)
 * with err. */
int lcp_pb_decode(const lcp_pb_desc *d, void *dst, const uint8_t *p, size_t len, char *err) LCP_WARN_UNUSED;

/* Table-building helpers. LCP_PB_AT_ is offsetof(T, m) that also fails to compile when m is not `size` bytes, so a
 * table cannot write an int64 into an int32. Extra designated initializers follow the member, e.g.
 * LCP_PB_MSG(4, lcp_tm_header, time, &time_desc, LCP_PB_HAS(lcp_tm_header, has_time)). */
#define LCP_PB_AT_(T, m, size) (offsetof(T, m) + 0 * sizeof(char[sizeof(((T *)0)->m) == (size) ? 1 : -1]))
#define LCP_PB_HAS(T, m) .has_off = LCP_PB_AT_(T, m, sizeof(int)) + 1
#define LCP_PB_U64(n, T, m, ...) {.number = (n), .kind = LCP_PB_K_U64, .off = LCP_PB_AT_(T, m, 8), __VA_ARGS__}
#define LCP_PB_U32(n, T, m, ...) {.number = (n), .kind = LCP_PB_K_U32, .off = LCP_PB_AT_(T, m, 4), __VA_ARGS__}
#define LCP_PB_I64(n, T, m, ...) {.number = (n), .kind = LCP_PB_K_I64, .off = LCP_PB_AT_(T, m, 8), __VA_ARGS__}
#define LCP_PB_I32(n, T, m, ...) {.number = (n), .kind = LCP_PB_K_I32, .off = LCP_PB_AT_(T, m, 4), __VA_ARGS__}
#define LCP_PB_BOOL(n, T, m, ...) \
    {.number = (n), .kind = LCP_PB_K_BOOL, .off = LCP_PB_AT_(T, m, sizeof(int)), __VA_ARGS__}
#define LCP_PB_BYTES(n, T, m, ...) \
    {.number = (n), .kind = LCP_PB_K_BYTES, .off = LCP_PB_AT_(T, m, sizeof(lcp_bytes)), __VA_ARGS__}
/* A repeated bytes field into the array T.arr counted by T.count. */
#define LCP_PB_BYTES_ARRAY(n, T, arr, count, ...)                                                                  \
    {.number = (n), .kind = LCP_PB_K_BYTES, .flags = LCP_PB_F_REPEATED, .off = offsetof(T, arr),                 \
     .count_off = LCP_PB_AT_(T, count, sizeof(size_t)), .cap = sizeof(((T *)0)->arr) / sizeof(lcp_bytes), __VA_ARGS__}
#define LCP_PB_MSG(n, T, m, d, ...) {.number = (n), .kind = LCP_PB_K_MSG, .off = offsetof(T, m), .sub = (d), __VA_ARGS__}
#define LCP_PB_FN(n, wt, T, m, f, ...) \
    {.number = (n), .kind = LCP_PB_K_FN, .wire = (wt), .off = offsetof(T, m), .fn = (f), __VA_ARGS__}
#define LCP_PB_DESC(nm, cd, fl, tbl, chk) {(nm), (cd), (fl), (tbl), sizeof(tbl) / sizeof((tbl)[0]), (chk)}

/* ibc.core.client.v1.Height {1: revision_number, 2: revision_height}: both varints, unknown fields skipped. */
int lcp_pb_decode_height(uint64_t *revision_number, uint64_t *revision_height, const uint8_t *p, size_t len,
                         char *err) LCP_WARN_UNUSED;

#ifdef __cplusplus
}
#endif
#endif
