/* RLP: strict decoder and non-allocating encoder (yellow paper appendix B; canonical-form rules as go-ethereum's
 * rlp package enforces them and ethereum/tests RLPTests/invalidRLPTest.json exercises them). */
#include <string.h>

#include "lcp/codec_rlp.h"

/* Reads a long-form length of ll (1..8) bytes. Canonical means: no leading zero byte and a value of at least 56
 * (shorter payloads must use the short form). */
static int read_long_len(size_t *n, const uint8_t *p, size_t ll, char *err)
{
    if (p[0] == 0) return lcp_fail(err, LCP_ERR_RLP, "RLP: long length has a leading zero byte");
    uint64_t v = 0;
    for (size_t i = 0; i < ll; i++) v = v << 8 | p[i];
    if (v < 56) return lcp_fail(err, LCP_ERR_RLP, "RLP: long form used for a %llu-byte payload",
                                (unsigned long long)v);
    if (v > SIZE_MAX) return lcp_fail(err, LCP_ERR_RLP, "RLP: length does not fit in memory");
    *n = (size_t)v;
    return LCP_OK;
}

int lcp_rlp_decode_item(lcp_rlp_item *item, size_t *used, const uint8_t *in, size_t in_len, char *err)
{
    LCP_ARG_CHECK(item != NULL);
    LCP_ARG_CHECK(in != NULL || in_len == 0);
    if (in_len == 0) return lcp_fail(err, LCP_ERR_RLP, "RLP: empty input");
    uint8_t b = in[0];
    size_t hdr, n = 0;
    int is_list = b >= 0xc0;
    if (b < 0x80) {
        /* A byte below 0x80 is its own encoding. */
        hdr = 0;
        n = 1;
    } else if (b <= 0xb7 || (b >= 0xc0 && b <= 0xf7)) {
        hdr = 1;
        n = (size_t)(b - (is_list ? 0xc0 : 0x80));
    } else {
        size_t ll = (size_t)(b - (is_list ? 0xf7 : 0xb7));
        if (in_len - 1 < ll) return lcp_fail(err, LCP_ERR_RLP, "RLP: input ends inside a length");
        int rc = read_long_len(&n, in + 1, ll, err);
        if (rc) return rc;
        hdr = 1 + ll;
    }
    if (in_len - hdr < n) return lcp_fail(err, LCP_ERR_RLP, "RLP: item of %zu bytes overruns its input", n);
    if (!is_list && hdr == 1 && n == 1 && in[1] < 0x80)
        return lcp_fail(err, LCP_ERR_RLP, "RLP: single byte 0x%02x wrapped in a string header", in[1]);
    item->raw.ptr = in;
    item->raw.len = hdr + n;
    item->payload.ptr = in + hdr;
    item->payload.len = n;
    item->is_list = is_list;
    if (used) *used = hdr + n;
    return LCP_OK;
}

/* Checks every item below list, depth being list's own depth (bounded by LCP_RLP_MAX_DEPTH, so the recursion
 * is too). */
static int check_tree(const lcp_rlp_item *list, unsigned depth, char *err)
{
    if (depth > LCP_RLP_MAX_DEPTH)
        return lcp_fail(err, LCP_ERR_RLP_DEPTH, "RLP: lists nested deeper than %d", LCP_RLP_MAX_DEPTH);
    lcp_rlp_iter it = {NULL, 0};
    lcp_rlp_item sub;
    int rc = lcp_rlp_iter_init(&it, list, err);
    while (rc == LCP_OK && (rc = lcp_rlp_iter_next(&it, &sub, err)) == 1) {
        rc = sub.is_list ? check_tree(&sub, depth + 1, err) : LCP_OK;
    }
    return rc;
}

int lcp_rlp_decode(lcp_rlp_item *item, const uint8_t *in, size_t in_len, char *err)
{
    size_t used;
    int rc = lcp_rlp_decode_item(item, &used, in, in_len, err);
    if (rc) return rc;
    if (used != in_len) return lcp_fail(err, LCP_ERR_RLP, "RLP: %zu trailing bytes after the item", in_len - used);
    return item->is_list ? check_tree(item, 1, err) : LCP_OK;
}

int lcp_rlp_iter_init(lcp_rlp_iter *it, const lcp_rlp_item *list, char *err)
{
    LCP_ARG_CHECK(it != NULL && list != NULL);
    if (!list->is_list) return lcp_fail(err, LCP_ERR_RLP_TYPE, "RLP: expected a list, found a string");
    it->p = list->payload.ptr;
    it->left = list->payload.len;
    return LCP_OK;
}

int lcp_rlp_iter_next(lcp_rlp_iter *it, lcp_rlp_item *item, char *err)
{
    LCP_ARG_CHECK(it != NULL && item != NULL);
    if (it->left == 0) return 0;
    size_t used;
    int rc = lcp_rlp_decode_item(item, &used, it->p, it->left, err);
    if (rc) return rc;
    it->p += used;
    it->left -= used;
    return 1;
}

int lcp_rlp_list_items(lcp_rlp_item *items, size_t cap, size_t *count, const lcp_rlp_item *list, char *err)
{
    LCP_ARG_CHECK(count != NULL && (items != NULL || cap == 0));
    lcp_rlp_iter it = {NULL, 0};
    lcp_rlp_item sub;
    size_t k = 0;
    int rc = lcp_rlp_iter_init(&it, list, err);
    while (rc == LCP_OK && (rc = lcp_rlp_iter_next(&it, &sub, err)) == 1) {
        if (k == cap) return lcp_fail(err, LCP_ERR_RLP_TYPE, "RLP: list has more than %zu items", cap);
        items[k++] = sub;
        rc = LCP_OK;
    }
    if (rc < 0) return rc;
    *count = k;
    return LCP_OK;
}

int lcp_rlp_list_count(size_t *count, const lcp_rlp_item *list, char *err)
{
    LCP_ARG_CHECK(count != NULL);
    lcp_rlp_iter it = {NULL, 0};
    lcp_rlp_item sub;
    size_t k = 0;
    int rc = lcp_rlp_iter_init(&it, list, err);
    while (rc == LCP_OK && (rc = lcp_rlp_iter_next(&it, &sub, err)) == 1) {
        k++;
        rc = LCP_OK;
    }
    if (rc < 0) return rc;
    *count = k;
    return LCP_OK;
}

int lcp_rlp_get_bytes(lcp_bytes *out, const lcp_rlp_item *item, char *err)
{
    LCP_ARG_CHECK(out != NULL && item != NULL);
    if (item->is_list) return lcp_fail(err, LCP_ERR_RLP_TYPE, "RLP: expected a string, found a list");
    *out = item->payload;
    return LCP_OK;
}

int lcp_rlp_get_fixed(uint8_t *out, size_t n, const lcp_rlp_item *item, char *err)
{
    lcp_bytes b = {NULL, 0};
    int rc = lcp_rlp_get_bytes(&b, item, err);
    if (rc) return rc;
    if (b.len != n) return lcp_fail(err, LCP_ERR_RLP_TYPE, "RLP: expected %zu bytes, found %zu", n, b.len);
    if (n) memcpy(out, b.ptr, n);
    return LCP_OK;
}

/* A canonical integer: a string of at most max bytes without a leading zero byte. */
static int get_int_bytes(lcp_bytes *b, const lcp_rlp_item *item, size_t max, char *err)
{
    int rc = lcp_rlp_get_bytes(b, item, err);
    if (rc) return rc;
    if (b->len > max) return lcp_fail(err, LCP_ERR_RLP_TYPE, "RLP: integer of %zu bytes exceeds %zu", b->len, max);
    if (b->len > 0 && b->ptr[0] == 0) return lcp_fail(err, LCP_ERR_RLP_TYPE, "RLP: integer has a leading zero");
    return LCP_OK;
}

int lcp_rlp_get_uint64(uint64_t *out, const lcp_rlp_item *item, char *err)
{
    LCP_ARG_CHECK(out != NULL);
    lcp_bytes b = {NULL, 0};
    int rc = get_int_bytes(&b, item, 8, err);
    if (rc) return rc;
    uint64_t v = 0;
    for (size_t i = 0; i < b.len; i++) v = v << 8 | b.ptr[i];
    *out = v;
    return LCP_OK;
}

int lcp_rlp_get_uint256(uint8_t out[32], const lcp_rlp_item *item, char *err)
{
    LCP_ARG_CHECK(out != NULL);
    lcp_bytes b = {NULL, 0};
    int rc = get_int_bytes(&b, item, 32, err);
    if (rc) return rc;
    memset(out, 0, 32 - b.len);
    if (b.len) memcpy(out + 32 - b.len, b.ptr, b.len);
    return LCP_OK;
}

/* ---- encoder ---- */

void lcp_rlp_enc_init(lcp_rlp_enc *e, uint8_t *buf, size_t cap)
{
    e->buf = buf;
    e->cap = buf ? cap : 0;
    e->len = 0;
    e->rc = LCP_OK;
    e->depth = 0;
}

/* Appends n bytes; after an overflow it only counts, so finish can still say how much was needed. */
static void put(lcp_rlp_enc *e, const uint8_t *p, size_t n)
{
    if (n > SIZE_MAX - e->len) {
        e->rc = LCP_ERR_BUFFER_TOO_SMALL;
        return;
    }
    if (e->buf && e->rc == LCP_OK) {
        if (e->cap - e->len < n)
            e->rc = LCP_ERR_BUFFER_TOO_SMALL;
        else if (n)
            memcpy(e->buf + e->len, p, n);
    }
    e->len += n;
}

size_t lcp_rlp_header_len(size_t n)
{
    if (n < 56) return 1;
    size_t ll = 0;
    for (size_t v = n; v; v >>= 8) ll++;
    return 1 + ll;
}

/* Writes the header of a payload of n bytes with short base 0x80 (string) or 0xc0 (list). */
static size_t make_header(uint8_t hdr[9], size_t n, uint8_t base)
{
    if (n < 56) {
        hdr[0] = (uint8_t)(base + n);
        return 1;
    }
    size_t ll = lcp_rlp_header_len(n) - 1;
    hdr[0] = (uint8_t)(base + 55 + ll);
    for (size_t i = 0; i < ll; i++) hdr[1 + i] = (uint8_t)(n >> (8 * (ll - 1 - i)));
    return 1 + ll;
}

void lcp_rlp_put_bytes(lcp_rlp_enc *e, const uint8_t *p, size_t n)
{
    if (n == 1 && p[0] < 0x80) {
        put(e, p, 1);
        return;
    }
    uint8_t hdr[9];
    put(e, hdr, make_header(hdr, n, 0x80));
    put(e, p, n);
}

void lcp_rlp_put_uint(lcp_rlp_enc *e, uint64_t v)
{
    uint8_t be[8];
    size_t n = 0;
    for (int i = 7; i >= 0; i--) {
        uint8_t b = (uint8_t)(v >> (8 * i));
        if (n || b) be[n++] = b;
    }
    lcp_rlp_put_bytes(e, be, n);
}

void lcp_rlp_put_uint256(lcp_rlp_enc *e, const uint8_t be[32])
{
    size_t z = 0;
    while (z < 32 && be[z] == 0) z++;
    lcp_rlp_put_bytes(e, be + z, 32 - z);
}

void lcp_rlp_put_raw(lcp_rlp_enc *e, const uint8_t *p, size_t n) { put(e, p, n); }

size_t lcp_rlp_list_begin(lcp_rlp_enc *e)
{
    e->depth++;
    return e->len;
}

void lcp_rlp_list_end(lcp_rlp_enc *e, size_t mark)
{
    if (e->depth == 0 || mark > e->len) {
        e->rc = LCP_ERR_RLP;
        return;
    }
    e->depth--;
    size_t n = e->len - mark;
    uint8_t hdr[9];
    size_t h = make_header(hdr, n, 0xc0);
    if (e->buf && e->rc == LCP_OK) {
        if (e->cap - e->len < h) {
            e->rc = LCP_ERR_BUFFER_TOO_SMALL;
        } else {
            /* The items were written first because their length was unknown: slide them past the header. */
            memmove(e->buf + mark + h, e->buf + mark, n);
            memcpy(e->buf + mark, hdr, h);
        }
    }
    e->len += h;
}

int lcp_rlp_enc_finish(lcp_rlp_enc *e, size_t *len)
{
    LCP_ARG_CHECK(e != NULL);
    if (e->rc == LCP_OK && e->depth != 0) e->rc = LCP_ERR_RLP;
    if (len) *len = e->len;
    return e->rc;
}
