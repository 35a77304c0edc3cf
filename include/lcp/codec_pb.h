/* lcp/codec_pb.h — part of codec (floor 2): a protobuf wire-format reader and writer that never allocates.
 *
 * Used where exact bytes matter (hashing canonical encodings, keeping signed bytes, decoding untrusted Any values
 * without a heap); generated protobuf-c code is used where convenience matters (gRPC, ECALL frames).
 * The reader returns borrowed views into the input: they live as long as the input buffer.
 * The writer appends into a caller buffer; with buf == NULL it only counts, so a first pass can size the buffer.
 */
#ifndef LCP_CODEC_PB_H
#define LCP_CODEC_PB_H

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

/* ibc.core.client.v1.Height {1: revision_number, 2: revision_height}: both varints, unknown fields skipped. */
int lcp_pb_decode_height(uint64_t *revision_number, uint64_t *revision_height, const uint8_t *p, size_t len,
                         char *err) LCP_WARN_UNUSED;

#ifdef __cplusplus
}
#endif
#endif
