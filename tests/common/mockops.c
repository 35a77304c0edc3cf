/* Mock light-client operations for the executor's tests (tests/common/mockops.h). */
#include "mockops.h"

#include <string.h>

#include "lcp/codec_pb.h"

size_t mockop_value(uint8_t buf[64], uint64_t height, uint64_t ts_ns, int wrap)
{
    uint8_t hb[16], head[48];
    lcp_pb_writer w;
    lcp_pb_writer_init(&w, hb, sizeof hb);
    lcp_pb_put_uint(&w, 2, height);
    size_t hl = w.len;
    lcp_pb_writer_init(&w, head, sizeof head);
    lcp_pb_put_message(&w, 1, hb, hl);
    lcp_pb_put_uint(&w, 2, ts_ns);
    size_t n = w.len;
    if (!wrap) {
        memcpy(buf, head, n);
        return n;
    }
    lcp_pb_writer_init(&w, buf, 64);
    lcp_pb_put_message(&w, 1, head, n);
    return w.len;
}

static lcp_pb_any mock_any(uint8_t *buf, const char *type, uint64_t height, uint64_t ts, int wrap)
{
    size_t n = mockop_value(buf, height, ts, wrap);
    return (lcp_pb_any){{(const uint8_t *)type, strlen(type)}, {buf, n}};
}

void mockop_create(lcp_host_op *op, mockop_buf *buf, const char *client_id, uint64_t height, uint64_t ts_ns,
                   const uint8_t *signer)
{
    memset(op, 0, sizeof *op);
    op->kind = LCP_ECALL_INIT_CLIENT;
    op->client_id = client_id;
    op->client_state = mock_any(buf->a, "/ibc.mock.ClientState", height, ts_ns, 1);
    op->consensus_state = mock_any(buf->b, "/ibc.mock.ConsensusState", height, ts_ns, 1);
    op->signer = signer;
}

void mockop_update(lcp_host_op *op, mockop_buf *buf, const char *client_id, uint64_t height, uint64_t ts_ns,
                   const uint8_t *signer)
{
    memset(op, 0, sizeof *op);
    op->kind = LCP_ECALL_UPDATE_CLIENT;
    op->client_id = client_id;
    op->header = mock_any(buf->a, "/ibc.mock.Header", height, ts_ns, 0);
    op->signer = signer;
}

void mockop_query(lcp_host_op *op, const char *client_id)
{
    memset(op, 0, sizeof *op);
    op->kind = LCP_ECALL_QUERY_CLIENT;
    op->client_id = client_id;
}

/* The first field number n of msg, as bytes. */
static int field(lcp_bytes *out, lcp_bytes msg, uint32_t n)
{
    lcp_pb_reader r;
    lcp_pb_field f;
    lcp_pb_reader_init(&r, msg.ptr, msg.len);
    while (lcp_pb_next(&r, &f, NULL) == 1)
        if (f.number == n && f.wire_type == LCP_PB_LEN) {
            *out = f.bytes;
            return 1;
        }
    return 0;
}

uint64_t mockop_height(const lcp_host_result *r)
{
    lcp_bytes head, height;
    if (!r->found || !r->has_client_state || !field(&head, r->client_state.value, 1) || !field(&height, head, 1))
        return 0;
    lcp_pb_reader rd;
    lcp_pb_field f;
    lcp_pb_reader_init(&rd, height.ptr, height.len);
    while (lcp_pb_next(&rd, &f, NULL) == 1)
        if (f.number == 2 && f.wire_type == LCP_PB_VARINT) return f.u;
    return 0;
}
