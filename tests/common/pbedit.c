/* pbedit (pbedit.h): one field of a nested protobuf message rewritten, the rest copied byte for byte. */
#include "pbedit.h"

#include <string.h>

#include "lcp/codec_pb.h"

static int put_varint_field(lcp_buf *b, uint32_t field, uint64_t v)
{
    uint8_t t[24];
    lcp_pb_writer w;
    lcp_pb_writer_init(&w, t, sizeof t);
    lcp_pb_put_uint(&w, field, v);
    return lcp_buf_append(b, t, w.len);
}

static int put_len_field(lcp_buf *b, uint32_t field, const uint8_t *p, size_t n)
{
    uint8_t t[24];
    lcp_pb_writer w;
    lcp_pb_writer_init(&w, t, sizeof t);
    lcp_pb_put_tag(&w, field, LCP_PB_LEN);
    lcp_pb_put_varint(&w, n);
    int rc = lcp_buf_append(b, t, w.len);
    return rc == LCP_OK && n ? lcp_buf_append(b, p, n) : rc;
}

/* The flipped copy of a length-delimited field. */
static int put_flipped(lcp_buf *out, const lcp_pb_field *f)
{
    lcp_buf b = {0};
    int rc = f->bytes.len ? lcp_buf_append(&b, f->bytes.ptr, f->bytes.len) : lcp_buf_append(&b, "", 1);
    if (rc == LCP_OK) {
        b.data[b.len - 1] ^= 1;
        rc = put_len_field(out, f->number, b.data, b.len);
    }
    lcp_buf_free(&b);
    return rc;
}

int pbedit(lcp_buf *out, const uint8_t *msg, size_t len, const pbedit_step *path, size_t depth, int op, uint64_t v)
{
    lcp_pb_reader r;
    lcp_pb_field f;
    size_t seen = 0, start;
    int rc = LCP_OK, found = 0, last = depth == 1, more = 0;
    int adds = op == PBEDIT_ADD_VARINT || op == PBEDIT_ADD_BYTES;
    lcp_pb_reader_init(&r, msg, len);
    for (start = r.off; rc == LCP_OK && (more = lcp_pb_next(&r, &f, NULL)) == 1; start = r.off) {
        int match = f.number == path->field && seen++ == path->occ && !(last && adds);
        if (!match) {
            rc = lcp_buf_append(out, msg + start, r.off - start);
            continue;
        }
        found = 1;
        if (!last) {
            lcp_buf inner = {0};
            if (f.wire_type != LCP_PB_LEN) return LCP_ERR_PROTO;
            rc = pbedit(&inner, f.bytes.ptr, f.bytes.len, path + 1, depth - 1, op, v);
            if (rc == LCP_OK) rc = put_len_field(out, f.number, inner.data, inner.len);
            lcp_buf_free(&inner);
        } else if (op == PBEDIT_FLIP) {
            rc = f.wire_type == LCP_PB_VARINT ? put_varint_field(out, f.number, f.u ^ 1) : put_flipped(out, &f);
        } else if (op == PBEDIT_SET_VARINT) {
            rc = put_varint_field(out, f.number, v);
        } /* PBEDIT_STRIP: nothing */
    }
    if (rc != LCP_OK) return rc;
    if (more < 0) return LCP_ERR_PROTO;
    if (last && (adds || (op == PBEDIT_SET_VARINT && !found))) {
        rc = op == PBEDIT_ADD_BYTES ? put_len_field(out, path->field, (const uint8_t *)"\x01", 1)
                                    : put_varint_field(out, path->field, v);
        found = 1;
    }
    return rc != LCP_OK ? rc : found ? LCP_OK : LCP_ERR_PROTO;
}
