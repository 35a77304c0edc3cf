/* Ethereum ABI codec (lcp/codec_abi.h). Layout facts from the Solidity ABI specification: head/tail encoding,
 * offsets relative to the start of the enclosing tuple's head, bytes = length word + data right-padded to 32. */
#include "lcp/codec_abi.h"

#include <string.h>

#define W LCP_ABI_WORD

static size_t pad32(size_t n) { return (n + W - 1) / W * W; }

static int zero(const uint8_t *p, size_t n)
{
    uint8_t acc = 0;
    for (size_t i = 0; i < n; i++) acc |= p[i];
    return acc == 0;
}

/* ---------------- decoder ---------------- */

static void dfail(lcp_abi_dec *d, int rc, const char *fmt, size_t at)
{
    if (d->rc) return;
    d->rc = rc;
    lcp_fail(d->err, rc, fmt, at);
}

/* Sets up a cursor for a tuple whose head of hw words starts at base. */
static void dec_at(lcp_abi_dec *d, const uint8_t *buf, size_t len, size_t base, size_t hw, char *err)
{
    d->buf = buf;
    d->len = len;
    d->base = d->head = base;
    d->err = err;
    d->rc = LCP_OK;
    d->relaxed = 0;
    if (base > len || hw > (len - base) / W) {
        d->head_end = d->tail = base;
        dfail(d, LCP_ERR_ABI_TRUNCATED, "ABI: head at offset %zu runs past the end", base);
        return;
    }
    d->head_end = d->tail = base + hw * W;
}

void lcp_abi_dec_root(lcp_abi_dec *d, const uint8_t *buf, size_t len, size_t head_words, char *err)
{
    dec_at(d, buf, len, 0, head_words, err);
}

/* Reads one head word; NULL on error. */
static const uint8_t *next_word(lcp_abi_dec *d)
{
    if (d->rc) return NULL;
    if (d->head + W > d->head_end) {
        dfail(d, LCP_ERR_ABI_TRUNCATED, "ABI: read past the head of the tuple at %zu", d->base);
        return NULL;
    }
    const uint8_t *w = d->buf + d->head;
    d->head += W;
    return w;
}

/* Reads a word that must be an integer < 2^64 at an absolute position. */
static int word_size(lcp_abi_dec *d, const uint8_t *w, size_t *out, size_t at)
{
    if (!zero(w, W - 8)) {
        dfail(d, LCP_ERR_ABI_RANGE, "ABI: length or offset word at %zu is out of range", at);
        return -1;
    }
    uint64_t v = 0;
    for (int i = W - 8; i < W; i++) v = v << 8 | w[i];
    if (v > SIZE_MAX / 2) {
        dfail(d, LCP_ERR_ABI_RANGE, "ABI: length or offset word at %zu is out of range", at);
        return -1;
    }
    *out = (size_t)v;
    return 0;
}

void lcp_abi_dec_root_tuple(lcp_abi_dec *d, const uint8_t *buf, size_t len, size_t head_words, char *err)
{
    lcp_abi_dec root;
    dec_at(&root, buf, len, 0, 1, err);
    const uint8_t *w = next_word(&root);
    size_t off = 0;
    if (w && word_size(&root, w, &off, 0) == 0 && off != W)
        dfail(&root, LCP_ERR_ABI_OFFSET, "ABI: the leading tuple offset must be 0x20 (at %zu)", (size_t)0);
    if (root.rc) {
        *d = root;
        d->head = d->head_end = d->tail = len;
        return;
    }
    dec_at(d, buf, len, W, head_words, err);
}

void lcp_abi_get_word(lcp_abi_dec *d, uint8_t out[W])
{
    const uint8_t *w = next_word(d);
    if (w) memcpy(out, w, W);
    else memset(out, 0, W);
}

void lcp_abi_get_uint(lcp_abi_dec *d, uint64_t *out, unsigned bits)
{
    *out = 0;
    size_t at = d->head;
    const uint8_t *w = next_word(d);
    if (!w) return;
    unsigned nbytes = bits / 8;
    if (bits % 8 || nbytes == 0 || nbytes > 8) {
        dfail(d, LCP_ERR_ILLEGAL_ARG, "ABI: unsupported integer width at %zu", at);
        return;
    }
    if (!zero(w, W - nbytes)) {
        dfail(d, LCP_ERR_ABI_RANGE, "ABI: integer at %zu does not fit its type", at);
        return;
    }
    uint64_t v = 0;
    for (unsigned i = W - nbytes; i < W; i++) v = v << 8 | w[i];
    *out = v;
}

void lcp_abi_get_u128(lcp_abi_dec *d, lcp_u128 *out)
{
    *out = 0;
    size_t at = d->head;
    const uint8_t *w = next_word(d);
    if (!w) return;
    if (!zero(w, 16)) {
        dfail(d, LCP_ERR_ABI_RANGE, "ABI: uint128 at %zu does not fit its type", at);
        return;
    }
    lcp_u128 v = 0;
    for (int i = 16; i < W; i++) v = v << 8 | w[i];
    *out = v;
}

void lcp_abi_get_address(lcp_abi_dec *d, uint8_t out[20])
{
    memset(out, 0, 20);
    size_t at = d->head;
    const uint8_t *w = next_word(d);
    if (!w) return;
    if (!zero(w, 12)) {
        dfail(d, LCP_ERR_ABI_PADDING, "ABI: address at %zu has non-zero high bytes", at);
        return;
    }
    memcpy(out, w + 12, 20);
}

void lcp_abi_get_bool(lcp_abi_dec *d, int *out)
{
    uint64_t v;
    size_t at = d->head;
    lcp_abi_get_uint(d, &v, 8);
    *out = 0;
    if (d->rc) return;
    if (v > 1) dfail(d, LCP_ERR_ABI_RANGE, "ABI: bool at %zu is neither 0 nor 1", at);
    else *out = (int)v;
}

/* Reads an offset word and checks that it points exactly at the running tail. Returns the absolute position. */
static int take_offset(lcp_abi_dec *d, size_t *pos)
{
    size_t at = d->head;
    const uint8_t *w = next_word(d);
    size_t off;
    if (!w || word_size(d, w, &off, at) != 0) return -1;
    if (off > d->len - d->base || (!d->relaxed && d->base + off != d->tail)) {
        dfail(d, LCP_ERR_ABI_OFFSET, "ABI: offset at %zu does not point at the next dynamic value", at);
        return -1;
    }
    *pos = d->base + off;
    return 0;
}

void lcp_abi_get_bytes(lcp_abi_dec *d, lcp_bytes *out)
{
    out->ptr = NULL;
    out->len = 0;
    size_t pos, n;
    if (take_offset(d, &pos) != 0) return;
    if (d->len - pos < W) {
        dfail(d, LCP_ERR_ABI_TRUNCATED, "ABI: bytes length word at %zu runs past the end", pos);
        return;
    }
    if (word_size(d, d->buf + pos, &n, pos) != 0) return;
    size_t room = d->len - pos - W;
    if (n > room || pad32(n) > room) {
        dfail(d, LCP_ERR_ABI_LENGTH, "ABI: bytes at %zu claim more data than the input holds", pos);
        return;
    }
    const uint8_t *data = d->buf + pos + W;
    if (!zero(data + n, pad32(n) - n)) {
        dfail(d, LCP_ERR_ABI_PADDING, "ABI: bytes at %zu have non-zero padding", pos);
        return;
    }
    out->ptr = data;
    out->len = n;
    d->tail = pos + W + pad32(n);
}

static void child_error(lcp_abi_dec *d, lcp_abi_dec *child)
{
    *child = *d;
    child->head = child->head_end = child->tail = d->len;
}

void lcp_abi_open_tuple(lcp_abi_dec *d, lcp_abi_dec *child, size_t head_words)
{
    size_t pos;
    if (take_offset(d, &pos) != 0) {
        child_error(d, child);
        return;
    }
    dec_at(child, d->buf, d->len, pos, head_words, d->err);
    child->relaxed = d->relaxed;
    if (child->rc) d->rc = child->rc;
}

void lcp_abi_open_array(lcp_abi_dec *d, lcp_abi_dec *child, size_t *count, size_t elem_words)
{
    *count = 0;
    size_t pos, n;
    if (take_offset(d, &pos) != 0) {
        child_error(d, child);
        return;
    }
    if (d->len - pos < W) {
        dfail(d, LCP_ERR_ABI_TRUNCATED, "ABI: array length word at %zu runs past the end", pos);
        child_error(d, child);
        return;
    }
    if (word_size(d, d->buf + pos, &n, pos) != 0) {
        child_error(d, child);
        return;
    }
    /* Each element needs at least elem_words words in the head: bound the count before multiplying. */
    size_t room = (d->len - pos - W) / W;
    if (elem_words == 0 || n > room / elem_words) {
        dfail(d, LCP_ERR_ABI_LENGTH, "ABI: array at %zu claims more elements than the input holds", pos);
        child_error(d, child);
        return;
    }
    dec_at(child, d->buf, d->len, pos + W, n * elem_words, d->err);
    child->relaxed = d->relaxed;
    if (child->rc) d->rc = child->rc;
    *count = n;
}

void lcp_abi_dec_seek(const lcp_abi_dec *d, lcp_abi_dec *out, size_t word_index)
{
    *out = *d;
    out->relaxed = 1;
    if (out->rc) return;
    if (word_index > (d->head_end - d->base) / W) {
        dfail(out, LCP_ERR_ABI_OFFSET, "ABI: seek past the head of the tuple at %zu", d->base);
        return;
    }
    out->head = d->base + word_index * W;
}

void lcp_abi_close(lcp_abi_dec *d, lcp_abi_dec *child)
{
    if (d->rc) return;
    if (child->rc) {
        d->rc = child->rc;
        return;
    }
    if (child->head != child->head_end) {
        dfail(d, LCP_ERR_ABI_TRAILING, "ABI: tuple at %zu has unread head words", child->base);
        return;
    }
    d->tail = child->tail;
}

int lcp_abi_dec_finish(lcp_abi_dec *d)
{
    if (d->rc) return d->rc;
    if (d->head != d->head_end)
        dfail(d, LCP_ERR_ABI_TRAILING, "ABI: tuple at %zu has unread head words", d->base);
    else if (d->tail != d->len)
        dfail(d, LCP_ERR_ABI_TRAILING, "ABI: %zu trailing bytes after the encoding", d->len - d->tail);
    return d->rc;
}

/* ---------------- encoder ---------------- */

static void enc_write(lcp_abi_enc *e, size_t pos, const void *p, size_t n)
{
    if (e->buf == NULL || e->rc) return;
    if (pos > e->cap || n > e->cap - pos) {
        e->rc = LCP_ERR_BUFFER_TOO_SMALL;
        return;
    }
    if (p) memcpy(e->buf + pos, p, n);
    else memset(e->buf + pos, 0, n);
}

static void enc_at(lcp_abi_enc *e, uint8_t *buf, size_t cap, size_t base, size_t hw)
{
    e->buf = buf;
    e->cap = cap;
    e->rc = LCP_OK;
    e->base = e->head = base;
    e->head_end = e->tail = base + hw * W;
    enc_write(e, base, NULL, hw * W);
}

void lcp_abi_enc_root(lcp_abi_enc *e, uint8_t *buf, size_t cap, size_t head_words)
{
    enc_at(e, buf, cap, 0, head_words);
}

void lcp_abi_word_u64(uint8_t w[W], uint64_t v)
{
    memset(w, 0, W);
    for (int i = 0; i < 8; i++) w[W - 1 - i] = (uint8_t)(v >> (8 * i));
}

void lcp_abi_word_u128(uint8_t w[W], lcp_u128 v)
{
    memset(w, 0, W);
    for (int i = 0; i < 16; i++) w[W - 1 - i] = (uint8_t)(v >> (8 * i));
}

void lcp_abi_enc_root_tuple(lcp_abi_enc *e, uint8_t *buf, size_t cap, size_t head_words)
{
    uint8_t w[W];
    lcp_abi_word_u64(w, W);
    enc_at(e, buf, cap, 0, 0);
    enc_write(e, 0, w, W);
    int rc = e->rc;
    enc_at(e, buf, cap, W, head_words);
    if (rc) e->rc = rc;
}

void lcp_abi_put_word(lcp_abi_enc *e, const uint8_t w[W])
{
    if (e->head + W > e->head_end) {
        if (!e->rc) e->rc = LCP_ERR_ILLEGAL_ARG;
        return;
    }
    enc_write(e, e->head, w, W);
    e->head += W;
}

void lcp_abi_put_uint(lcp_abi_enc *e, uint64_t v)
{
    uint8_t w[W];
    lcp_abi_word_u64(w, v);
    lcp_abi_put_word(e, w);
}

void lcp_abi_put_u128(lcp_abi_enc *e, lcp_u128 v)
{
    uint8_t w[W];
    lcp_abi_word_u128(w, v);
    lcp_abi_put_word(e, w);
}

void lcp_abi_put_address(lcp_abi_enc *e, const uint8_t a[20])
{
    uint8_t w[W] = {0};
    memcpy(w + 12, a, 20);
    lcp_abi_put_word(e, w);
}

/* Writes the offset of the next dynamic value (the running tail) into the head. */
static void put_offset(lcp_abi_enc *e)
{
    lcp_abi_put_uint(e, (uint64_t)(e->tail - e->base));
}

void lcp_abi_put_bytes(lcp_abi_enc *e, const uint8_t *p, size_t n)
{
    put_offset(e);
    uint8_t w[W];
    lcp_abi_word_u64(w, n);
    enc_write(e, e->tail, w, W);
    enc_write(e, e->tail + W, p, n);
    enc_write(e, e->tail + W + n, NULL, pad32(n) - n);
    e->tail += W + pad32(n);
}

void lcp_abi_begin_tuple(lcp_abi_enc *e, lcp_abi_enc *child, size_t head_words)
{
    put_offset(e);
    enc_at(child, e->buf, e->cap, e->tail, head_words);
    if (e->rc && !child->rc) child->rc = e->rc;
}

void lcp_abi_begin_array(lcp_abi_enc *e, lcp_abi_enc *child, size_t count, size_t elem_words)
{
    put_offset(e);
    uint8_t w[W];
    lcp_abi_word_u64(w, count);
    enc_write(e, e->tail, w, W);
    enc_at(child, e->buf, e->cap, e->tail + W, count * elem_words);
    if (e->rc && !child->rc) child->rc = e->rc;
}

void lcp_abi_end(lcp_abi_enc *e, lcp_abi_enc *child)
{
    if (child->rc && !e->rc) e->rc = child->rc;
    if (child->head != child->head_end && !e->rc) e->rc = LCP_ERR_ILLEGAL_ARG;
    e->tail = child->tail;
}

int lcp_abi_enc_finish(lcp_abi_enc *e, size_t *len)
{
    *len = e->tail;
    if (!e->rc && e->head != e->head_end) e->rc = LCP_ERR_ILLEGAL_ARG;
    return e->rc;
}
