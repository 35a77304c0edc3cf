/* lcp/base.h — floor 1: errors, byte views, hex/base64, time, logging, allocation and secret wiping.
 *
 * Rules for every lcp-c header (stated once, as libsecp256k1 does):
 *  - Pointer arguments must not be NULL unless the doc says "may be NULL".
 *  - Argument order: context, outputs, in/out, inputs; a length follows the buffer it measures.
 *  - Functions return LCP_OK (0) or a negative code from lcp/errors.def. Functions that look at untrusted input
 *    also take `char *err` (may be NULL): a caller-owned buffer of LCP_ERR_LEN bytes that receives a one-line
 *    human-readable reason on failure.
 *  - Misuse (a NULL where none is allowed, a context in the wrong state) calls the illegal-argument hook, which
 *    aborts by default; tests install a counting hook. Misuse is a bug in the caller, never a reaction to input.
 *  - lcp-c code allocates only through lcp_malloc/lcp_free, so tests can fail allocations; protobuf-c's unpacking
 *    too, given lcp_pb_allocator (lcp/codec_protobuf.h), as everything inside the enclave does. Only the crypto
 *    libraries (OpenSSL, libsecp256k1) keep their own allocators.
 */
#ifndef LCP_BASE_H
#define LCP_BASE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define LCP_WARN_UNUSED __attribute__((warn_unused_result))
#define LCP_PRINTF(a, b) __attribute__((format(printf, a, b)))

enum {
    LCP_OK = 0,
#define X(name, value, text) name = (value),
#include "lcp/errors.def"
#undef X
};

/* Size of the optional caller-owned error-message buffer. */
#define LCP_ERR_LEN 256

/* Returns static text for code, starting with the code's name ("LCP_ERR_HEX: invalid hex string").
 * Unknown codes give "LCP_ERR_UNKNOWN". Never returns NULL. */
const char *lcp_strerror(int code);

/* Returns the name alone ("LCP_ERR_HEX"), or "LCP_OK"; "LCP_ERR_UNKNOWN" for unknown codes. */
const char *lcp_errname(int code);

/* Records a failure: writes "fmt..." to err (if err is not NULL) and returns code, so callers can write
 * `return lcp_fail(err, LCP_ERR_X, "why %d", n);`. When fmt is NULL the message is lcp_strerror(code). */
int lcp_fail(char *err, int code, const char *fmt, ...) LCP_PRINTF(3, 4);

/* Prefixes err (if it holds a message) with "ctx: ", keeping it within LCP_ERR_LEN. Returns code. */
int lcp_fail_ctx(char *err, int code, const char *ctx);

/* ---- illegal-argument hook ---- */
typedef void (*lcp_illegal_fn)(const char *what, void *data);
/* Installs fn (NULL restores the default, which prints `what` and aborts). Process-wide: set it before threads. */
void lcp_set_illegal_hook(lcp_illegal_fn fn, void *data);
/* Reports misuse in func; returns LCP_ERR_ILLEGAL_ARG when the hook returns. */
int lcp_illegal(const char *func, const char *what);
#define LCP_ARG_CHECK(cond)                                      \
    do {                                                         \
        if (!(cond)) return lcp_illegal(__func__, #cond);        \
    } while (0)

/* ---- allocation ---- */
typedef struct {
    void *(*malloc_fn)(size_t n, void *data);
    void (*free_fn)(void *p, void *data);
    void *(*realloc_fn)(void *p, size_t n, void *data);
    void *data;
} lcp_allocator;
/* Installs a (NULL = libc). Process-wide: set it before threads. */
void lcp_set_allocator(const lcp_allocator *a);
void *lcp_malloc(size_t n);
void *lcp_calloc(size_t count, size_t size); /* overflow-checked */
void *lcp_realloc(void *p, size_t n);
void lcp_free(void *p);

/* Wipes n bytes in a way the compiler cannot elide. */
void lcp_memzero(void *p, size_t n);

/* ---- byte views and growable buffers ---- */
/* A borrowed view: the bytes belong to someone else; the doc of whoever returns one says how long it lives. */
typedef struct {
    const uint8_t *ptr;
    size_t len;
} lcp_bytes;

/* A growable owned buffer (host side). Zero-initialise, append, then lcp_buf_free. */
typedef struct {
    uint8_t *data;
    size_t len;
    size_t cap;
} lcp_buf;
int lcp_buf_reserve(lcp_buf *b, size_t extra) LCP_WARN_UNUSED;
int lcp_buf_append(lcp_buf *b, const void *p, size_t n) LCP_WARN_UNUSED;
/* Wipes and frees the contents; b is empty and reusable afterwards. */
void lcp_buf_free(lcp_buf *b);

/* ---- little-endian integers (SGX structures) and zero checks ---- */
static inline uint16_t lcp_le16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static inline uint32_t lcp_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static inline uint64_t lcp_le64(const uint8_t *p) { return (uint64_t)lcp_le32(p) | (uint64_t)lcp_le32(p + 4) << 32; }
static inline void lcp_put_le16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}
static inline void lcp_put_le32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++) p[i] = (uint8_t)(v >> (8 * i));
}
static inline void lcp_put_le64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++) p[i] = (uint8_t)(v >> (8 * i));
}
/* 1 if p[0..n) is all zero; reads every byte whatever it finds (no early exit on secret data). */
static inline int lcp_is_zero(const uint8_t *p, size_t n)
{
    uint8_t acc = 0;
    for (size_t i = 0; i < n; i++) acc |= p[i];
    return acc == 0;
}

/* ---- hex ---- */
/* Writes 2*in_len lowercase hex digits and a NUL to out (out_cap >= 2*in_len+1). */
int lcp_hex_encode(char *out, size_t out_cap, const uint8_t *in, size_t in_len);
/* Decodes hex (optional "0x"/"0X" prefix, either case, no whitespace). Out: *out_len bytes written.
 * Returns LCP_ERR_HEX on odd length or a non-hex digit, LCP_ERR_BUFFER_TOO_SMALL if out_cap is short. */
int lcp_hex_decode(uint8_t *out, size_t out_cap, size_t *out_len, const char *in, size_t in_len, char *err);

/* ---- base64 (standard alphabet, '=' padding required) ---- */
/* Encoded size including the NUL. */
size_t lcp_base64_encoded_len(size_t in_len);
int lcp_base64_encode(char *out, size_t out_cap, const uint8_t *in, size_t in_len);
/* Upper bound of the decoded size. */
size_t lcp_base64_decoded_max(size_t in_len);
/* Strict decode: length a multiple of 4, padding only at the end, zero unused bits. */
int lcp_base64_decode(uint8_t *out, size_t out_cap, size_t *out_len, const char *in, size_t in_len, char *err);

/* ---- time ---- */
/* Current UNIX time in seconds / nanoseconds (CLOCK_REALTIME). */
int64_t lcp_time_now(void);
uint64_t lcp_time_now_ns(void);
/* Parses "YYYY-MM-DDTHH:MM:SS[.fraction]" (UTC, no zone) into UNIX seconds (fraction truncated) and the
 * fraction's nanoseconds (may be NULL). Rejects impossible dates. */
int lcp_time_parse_iso8601(int64_t *secs, uint32_t *nanos, const char *s, size_t len, char *err);
/* Formats secs as "YYYY-MM-DDTHH:MM:SSZ" into out (cap >= 21). */
int lcp_time_format(char *out, size_t cap, int64_t secs);

/* ---- logging ---- */
enum { LCP_LOG_ERROR = 0, LCP_LOG_WARN = 1, LCP_LOG_INFO = 2, LCP_LOG_DEBUG = 3 };
typedef void (*lcp_log_fn)(int level, const char *msg, void *data);
/* Installs a sink (NULL = stderr) and the maximum level written. Process-wide: set it before threads. */
void lcp_set_log(lcp_log_fn fn, void *data, int max_level);
void lcp_log(int level, const char *fmt, ...) LCP_PRINTF(2, 3);

/* ---- files (host side only; the enclave never opens files) ---- */
/* Reads a whole file ("-" = stdin) into a new buffer of *len bytes, NUL-terminated for convenience.
 * Free with lcp_free. Refuses files larger than max_len. */
int lcp_file_read(uint8_t **out, size_t *len, const char *path, size_t max_len, char *err);
/* Writes data to path atomically: a temporary file in the same directory, fsync, rename, fsync of the directory.
 * mode is the new file's permission bits (e.g. 0600). */
int lcp_file_write_atomic(const char *path, const uint8_t *data, size_t len, unsigned mode, char *err);

/* ---- frames (the enclave boundary): 4-byte big-endian length + payload ---- */
/* Frames larger than this are refused on both sides of the enclave boundary (a 200-validator header is ~60 KiB;
 * the cap leaves room for large headers while bounding what a malicious peer can make the other side buffer). */
#define LCP_FRAME_MAX (32u << 20)
/* Writes one frame. Returns LCP_OK or LCP_ERR_IO. */
int lcp_frame_write(int fd, const uint8_t *p, size_t n);
/* Reads one frame into out (replacing its contents). A frame longer than max returns LCP_ERR_RANGE, and one that
 * memory cannot hold LCP_ERR_NOMEM: with oversized given, the frame is first read and discarded and *oversized gets
 * its length (the stream stays usable); with oversized NULL it is not read at all (a caller that will drop the peer
 * need not wait for bytes it may never send). LCP_ERR_IO when the peer closed. */
int lcp_frame_read(int fd, lcp_buf *out, size_t max, size_t *oversized);

#ifdef __cplusplus
}
#endif
#endif
