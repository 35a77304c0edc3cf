/* Protobuf wire format (lcp/codec_pb.h). The encoding facts: a key is varint(number << 3 | wire_type); varints are
 * little-endian base-128 with the high bit as continuation, at most 10 bytes for 64 bits. */
#include "lcp/codec_pb.h"

#include <string.h>

void lcp_pb_reader_init(lcp_pb_reader *r, const uint8_t *p, size_t len)
{
    r->p = p;
    r->len = len;
    r->off = 0;
}

int lcp_pb_read_varint(uint64_t *v, const uint8_t *p, size_t len, size_t *off)
{
    uint64_t x = 0;
    for (unsigned i = 0; i < 10; i++) {
        if (*off >= len) return LCP_ERR_PROTO;
        uint8_t b = p[(*off)++];
        if (i == 9 && b > 1) return LCP_ERR_PROTO; /* bits beyond 64 */
        x |= (uint64_t)(b & 0x7f) << (7 * i);
        if (!(b & 0x80)) {
            *v = x;
            return LCP_OK;
        }
    }
    return LCP_ERR_PROTO;
}

int lcp_pb_next(lcp_pb_reader *r, lcp_pb_field *f, char *err)
{
    if (r->off == r->len) return 0;
    uint64_t key;
    size_t at = r->off;
    if (lcp_pb_read_varint(&key, r->p, r->len, &r->off) != LCP_OK)
        return lcp_fail(err, LCP_ERR_PROTO, "protobuf: bad field key at offset %zu", at);
    if ((key >> 3) == 0 || (key >> 3) > 0x1fffffff)
        return lcp_fail(err, LCP_ERR_PROTO, "protobuf: invalid field number at offset %zu", at);
    f->number = (uint32_t)(key >> 3);
    f->wire_type = (int)(key & 7);
    f->u = 0;
    f->bytes.ptr = NULL;
    f->bytes.len = 0;
    switch (f->wire_type) {
    case LCP_PB_VARINT:
        if (lcp_pb_read_varint(&f->u, r->p, r->len, &r->off) != LCP_OK)
            return lcp_fail(err, LCP_ERR_PROTO, "protobuf: bad varint in field %u", f->number);
        return 1;
    case LCP_PB_I64:
    case LCP_PB_I32: {
        size_t n = f->wire_type == LCP_PB_I64 ? 8 : 4;
        if (r->len - r->off < n) return lcp_fail(err, LCP_ERR_PROTO, "protobuf: field %u truncated", f->number);
        for (size_t i = 0; i < n; i++) f->u |= (uint64_t)r->p[r->off + i] << (8 * i);
        r->off += n;
        return 1;
    }
    case LCP_PB_LEN: {
        uint64_t n;
        if (lcp_pb_read_varint(&n, r->p, r->len, &r->off) != LCP_OK)
            return lcp_fail(err, LCP_ERR_PROTO, "protobuf: bad length in field %u", f->number);
        if (n > r->len - r->off)
            return lcp_fail(err, LCP_ERR_PROTO, "protobuf: field %u claims %llu bytes, %zu left", f->number,
                            (unsigned long long)n, r->len - r->off);
        f->bytes.ptr = r->p + r->off;
        f->bytes.len = (size_t)n;
        r->off += (size_t)n;
        return 1;
    }
    default:
        return lcp_fail(err, LCP_ERR_PROTO, "protobuf: unsupported wire type %d in field %u", f->wire_type,
                        f->number);
    }
}

void lcp_pb_writer_init(lcp_pb_writer *w, uint8_t *buf, size_t cap)
{
    w->buf = buf;
    w->cap = cap;
    w->len = 0;
    w->overflow = 0;
}

void lcp_pb_put_raw(lcp_pb_writer *w, const void *p, size_t n)
{
    if (w->buf) {
        if (w->overflow || n > w->cap - w->len) w->overflow = 1;
        else if (n) memcpy(w->buf + w->len, p, n);
    }
    w->len += n;
}

size_t lcp_pb_varint_len(uint64_t v)
{
    size_t n = 1;
    while (v >= 0x80) {
        v >>= 7;
        n++;
    }
    return n;
}

void lcp_pb_put_varint(lcp_pb_writer *w, uint64_t v)
{
    uint8_t b[10];
    size_t n = 0;
    do {
        b[n] = (uint8_t)(v & 0x7f);
        v >>= 7;
        if (v) b[n] |= 0x80;
        n++;
    } while (v);
    lcp_pb_put_raw(w, b, n);
}

void lcp_pb_put_tag(lcp_pb_writer *w, uint32_t number, int wire_type)
{
    lcp_pb_put_varint(w, (uint64_t)number << 3 | (unsigned)wire_type);
}

void lcp_pb_put_uint(lcp_pb_writer *w, uint32_t number, uint64_t v)
{
    lcp_pb_put_tag(w, number, LCP_PB_VARINT);
    lcp_pb_put_varint(w, v);
}

void lcp_pb_put_uint_opt(lcp_pb_writer *w, uint32_t number, uint64_t v)
{
    if (v) lcp_pb_put_uint(w, number, v);
}

void lcp_pb_put_bytes(lcp_pb_writer *w, uint32_t number, const void *p, size_t n)
{
    lcp_pb_put_tag(w, number, LCP_PB_LEN);
    lcp_pb_put_varint(w, n);
    lcp_pb_put_raw(w, p, n);
}

void lcp_pb_put_bytes_opt(lcp_pb_writer *w, uint32_t number, const void *p, size_t n)
{
    if (n) lcp_pb_put_bytes(w, number, p, n);
}

void lcp_pb_put_nested(lcp_pb_writer *w, uint32_t number, lcp_pb_put_fn fn, const void *m)
{
    lcp_pb_writer c;
    lcp_pb_writer_init(&c, NULL, 0);
    fn(&c, m);
    lcp_pb_put_tag(w, number, LCP_PB_LEN);
    lcp_pb_put_varint(w, c.len);
    fn(w, m);
}

void lcp_pb_put_message(lcp_pb_writer *w, uint32_t number, const uint8_t *msg, size_t n)
{
    lcp_pb_put_bytes(w, number, msg, n);
}

int lcp_pb_writer_status(const lcp_pb_writer *w) { return w->overflow ? LCP_ERR_BUFFER_TOO_SMALL : LCP_OK; }

int lcp_pb_decode_any(lcp_pb_any *out, const uint8_t *p, size_t len, char *err)
{
    lcp_pb_reader r;
    lcp_pb_field f;
    int rc, seen_url = 0, seen_value = 0;
    memset(out, 0, sizeof *out);
    lcp_pb_reader_init(&r, p, len);
    while ((rc = lcp_pb_next(&r, &f, err)) == 1) {
        if (f.wire_type != LCP_PB_LEN || (f.number != 1 && f.number != 2))
            return lcp_fail(err, LCP_ERR_PROTO, "Any: unexpected field %u (wire type %d)", f.number, f.wire_type);
        if (f.number == 1) {
            if (seen_url++) return lcp_fail(err, LCP_ERR_PROTO, "Any: type_url repeated");
            out->type_url = f.bytes;
        } else {
            if (seen_value++) return lcp_fail(err, LCP_ERR_PROTO, "Any: value repeated");
            out->value = f.bytes;
        }
    }
    if (rc < 0) return rc;
    if (!seen_url || out->type_url.len == 0) return lcp_fail(err, LCP_ERR_PROTO, "Any: missing type_url");
    return LCP_OK;
}

void lcp_pb_put_any(lcp_pb_writer *w, const char *type_url, size_t type_url_len, const uint8_t *value, size_t n)
{
    lcp_pb_put_bytes_opt(w, 1, type_url, type_url_len);
    lcp_pb_put_bytes_opt(w, 2, value, n);
}

int lcp_pb_any_is(const lcp_pb_any *a, const char *s)
{
    size_t n = strlen(s);
    return a->type_url.len == n && memcmp(a->type_url.ptr, s, n) == 0;
}

int lcp_pb_decode_height(uint64_t *revision_number, uint64_t *revision_height, const uint8_t *p, size_t len, char *err)
{
    lcp_pb_reader r;
    lcp_pb_field f;
    int rc;
    *revision_number = *revision_height = 0;
    lcp_pb_reader_init(&r, p, len);
    while ((rc = lcp_pb_next(&r, &f, err)) == 1) {
        if (f.number != 1 && f.number != 2) continue;
        if (f.wire_type != LCP_PB_VARINT) return lcp_fail(err, LCP_ERR_PROTO, "Height: field %u is not a varint", f.number);
        if (f.number == 1) *revision_number = f.u;
        else *revision_height = f.u;
    }
    return rc < 0 ? rc : LCP_OK;
}

int lcp_pb_once(uint32_t *seen, uint32_t n, int code, const char *msg, char *err)
{
    if (n >= 32) return LCP_OK;
    if (*seen & (1u << n)) return lcp_fail(err, code, "%s: field %u repeated", msg, n);
    *seen |= 1u << n;
    return LCP_OK;
}

int lcp_pb_want_wire(const lcp_pb_field *f, int wt, int code, const char *msg, char *err)
{
    if (f->wire_type != wt) return lcp_fail(err, code, "%s: field %u has wire type %d", msg, f->number, f->wire_type);
    return LCP_OK;
}

int lcp_pb_singular(uint32_t *seen, const lcp_pb_field *f, int wt, int code, const char *msg, char *err)
{
    int rc = lcp_pb_once(seen, f->number, code, msg, err);
    return rc != LCP_OK ? rc : lcp_pb_want_wire(f, wt, code, msg, err);
}

int lcp_pb_next_as(lcp_pb_reader *r, lcp_pb_field *f, int code, char *err)
{
    int rc = lcp_pb_next(r, f, err);
    return rc < 0 ? code : rc;
}

int64_t lcp_pb_int64(uint64_t v) { return v <= INT64_MAX ? (int64_t)v : -(int64_t)(~v) - 1; }

int32_t lcp_pb_int32(uint64_t v)
{
    uint32_t lo = (uint32_t)v;
    return lo <= INT32_MAX ? (int32_t)lo : (int32_t)(lo - 0x80000000u) - INT32_MAX - 1;
}

int lcp_pb_int32_canonical(uint64_t v) { return v <= INT32_MAX || v >= 0xFFFFFFFF80000000ull; }

int lcp_pb_get_int32(int32_t *out, const lcp_pb_field *f, int code, const char *msg, char *err)
{
    if (!lcp_pb_int32_canonical(f->u))
        return lcp_fail(err, code, "%s%sfield %u is not a canonical int32", msg ? msg : "", msg ? ": " : "",
                        f->number);
    *out = lcp_pb_int32(f->u);
    return LCP_OK;
}

/* ---- table-driven decoding (lcp/codec_pb.h) ---- */

static int wire_of(const lcp_pb_fdesc *fd)
{
    switch (fd->kind) {
    case LCP_PB_K_BYTES:
    case LCP_PB_K_MSG: return LCP_PB_LEN;
    case LCP_PB_K_FN: return fd->wire;
    default: return LCP_PB_VARINT;
    }
}

/* Sets a field's destination back to its default: before a nested message met again replaces the earlier one. */
static void reset_field(const lcp_pb_fdesc *fd, uint8_t *base)
{
    void *dst = base + fd->off;
    if (fd->has_off) memset(base + fd->has_off - 1, 0, sizeof(int));
    if (fd->flags & LCP_PB_F_REPEATED) {
        if (fd->kind == LCP_PB_K_BYTES) memset(base + fd->count_off, 0, sizeof(size_t));
        return;
    }
    switch (fd->kind) {
    case LCP_PB_K_U64:
    case LCP_PB_K_I64: memset(dst, 0, 8); break;
    case LCP_PB_K_U32:
    case LCP_PB_K_I32: memset(dst, 0, 4); break;
    case LCP_PB_K_BOOL: memset(dst, 0, sizeof(int)); break;
    case LCP_PB_K_BYTES: memset(dst, 0, sizeof(lcp_bytes)); break;
    case LCP_PB_K_MSG:
        for (size_t i = 0; i < fd->sub->n_fields; i++) reset_field(&fd->sub->fields[i], dst);
        break;
    default: break; /* a callback owns its destination */
    }
}

static int read_int32(const lcp_pb_desc *d, const lcp_pb_fdesc *fd, const lcp_pb_field *f, void *dst, char *err)
{
    if (!lcp_pb_int32_canonical(f->u))
        return lcp_fail(err, d->code, "%s: field %u is not a canonical int32", d->name, f->number);
    if (fd->flags & LCP_PB_F_REPEATED) return fd->fn(dst, f, err);
    int32_t v = lcp_pb_int32(f->u);
    memcpy(dst, &v, sizeof v);
    return LCP_OK;
}

/* A repeated int32 written packed: each element goes through the unpacked path. */
static int read_packed(const lcp_pb_desc *d, const lcp_pb_fdesc *fd, const lcp_pb_field *f, void *dst, char *err)
{
    lcp_pb_field e = {f->number, LCP_PB_VARINT, 0, {NULL, 0}};
    size_t off = 0;
    while (off < f->bytes.len) {
        if (lcp_pb_read_varint(&e.u, f->bytes.ptr, f->bytes.len, &off) != LCP_OK)
            return lcp_fail(err, d->code, "%s: bad packed varint in field %u", d->name, f->number);
        int rc = read_int32(d, fd, &e, dst, err);
        if (rc != LCP_OK) return rc;
    }
    return LCP_OK;
}

static int read_field(const lcp_pb_desc *d, const lcp_pb_fdesc *fd, uint8_t *base, const lcp_pb_field *f, int again,
                      char *err)
{
    void *dst = base + fd->off;
    int rc = LCP_OK;
    if (fd->kind == LCP_PB_K_I32 && (fd->flags & LCP_PB_F_REPEATED) && f->wire_type == LCP_PB_LEN)
        return read_packed(d, fd, f, dst, err);
    if (f->wire_type != wire_of(fd))
        return lcp_fail(err, d->code, "%s: field %u has wire type %d", d->name, f->number, f->wire_type);
    switch (fd->kind) {
    case LCP_PB_K_U64: memcpy(dst, &f->u, 8); break;
    case LCP_PB_K_U32: {
        if (f->u > UINT32_MAX) return lcp_fail(err, d->code, "%s: field %u exceeds uint32", d->name, f->number);
        uint32_t v = (uint32_t)f->u;
        memcpy(dst, &v, 4);
        break;
    }
    case LCP_PB_K_I64: {
        int64_t v = lcp_pb_int64(f->u);
        memcpy(dst, &v, 8);
        break;
    }
    case LCP_PB_K_I32: return read_int32(d, fd, f, dst, err);
    case LCP_PB_K_BOOL: {
        int v = f->u != 0;
        memcpy(dst, &v, sizeof v);
        break;
    }
    case LCP_PB_K_BYTES:
        if (fd->flags & LCP_PB_F_REPEATED) {
            size_t n;
            memcpy(&n, base + fd->count_off, sizeof n);
            if (n >= fd->cap)
                return lcp_fail(err, fd->cap_code ? fd->cap_code : d->code, "%s: too many entries in field %u",
                                d->name, f->number);
            memcpy((lcp_bytes *)dst + n, &f->bytes, sizeof f->bytes);
            n++;
            memcpy(base + fd->count_off, &n, sizeof n);
        } else {
            memcpy(dst, &f->bytes, sizeof f->bytes);
        }
        break;
    case LCP_PB_K_MSG:
        if (again) reset_field(fd, base); /* protobuf would merge; the decoders always let the last one replace */
        rc = lcp_pb_decode(fd->sub, dst, f->bytes.ptr, f->bytes.len, err);
        break;
    case LCP_PB_K_FN: rc = fd->fn(dst, f, err); break;
    default: return lcp_illegal(__func__, "field kind"); /* a table bug, not bad input */
    }
    if (rc != LCP_OK) return fd->ctx ? lcp_fail_ctx(err, rc, fd->ctx) : rc;
    if (fd->has_off) {
        int one = 1;
        memcpy(base + fd->has_off - 1, &one, sizeof one);
    }
    return LCP_OK;
}

int lcp_pb_decode(const lcp_pb_desc *d, void *dst, const uint8_t *p, size_t len, char *err)
{
    uint8_t *base = dst;
    uint64_t seen = 0;
    lcp_pb_reader r;
    lcp_pb_field f;
    int rc;
    LCP_ARG_CHECK(d->n_fields <= 64);
    lcp_pb_reader_init(&r, p, len);
    while ((rc = lcp_pb_next(&r, &f, err)) == 1) {
        /* Tables usually list fields 1..n in order: try the field's own slot before searching. */
        size_t i = f.number - 1;
        if (i >= d->n_fields || d->fields[i].number != f.number)
            for (i = 0; i < d->n_fields && d->fields[i].number != f.number; i++) continue;
        if (i == d->n_fields) continue; /* unknown: skipped, as protobuf requires */
        const lcp_pb_fdesc *fd = &d->fields[i];
        uint64_t bit = (uint64_t)1 << i;
        int again = (seen & bit) != 0;
        if (again && (d->flags & LCP_PB_ONCE) && !(fd->flags & LCP_PB_F_REPEATED))
            return lcp_fail(err, d->code, "%s: field %u repeated", d->name, f.number);
        seen |= bit;
        if ((rc = read_field(d, fd, base, &f, again, err)) != LCP_OK) return rc;
    }
    if (rc < 0) return (d->flags & LCP_PB_CTX) ? lcp_fail_ctx(err, d->code, d->name) : d->code;
    for (size_t i = 0; i < d->n_fields; i++)
        if ((d->fields[i].flags & LCP_PB_F_REQUIRED) && !(seen & ((uint64_t)1 << i)))
            return lcp_fail(err, d->code, "%s: no %s", d->name, d->fields[i].name ? d->fields[i].name : "required field");
    return d->check ? d->check(dst, err) : LCP_OK;
}
