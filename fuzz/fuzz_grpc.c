/* libFuzzer target for what the service reads from a client before any enclave sees it: the bytes of a request
 * stream go through the gRPC message reader (split where the input says), and each message through the
 * method's protobuf decoding and checks (unary methods: svc_job_new; UpdateClientStream: chunk by chunk, then
 * the assembled request); the same bytes are also a grpc-timeout value and a grpc-message to percent-encode and
 * decode back. Invariants: no message above the limit is delivered, a refused message always names a gRPC
 * status, an accepted request has what its worker needs (signer of 20 bytes, a header, ...), encode/decode
 * round-trips. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "service/service_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void must(int cond)
{
    if (!cond) abort();
}

#define MAX_MSG 4096

typedef struct {
    lcp_service *s;
    int method;
    svc_job *stream_job;
    int failed;
} ctx;

static int on_message(void *ud, const uint8_t *msg, size_t len)
{
    ctx *c = ud;
    must(len <= MAX_MSG);
    int status = LCP_GRPC_OK;
    char why[LCP_ERR_LEN] = "";
    if (svc_methods[c->method].kind == SVC_KIND_STREAM) {
        if (svc_stream_chunk(c->s, c->stream_job, msg, len, &status, why) != LCP_OK) {
            must(status != LCP_GRPC_OK && why[0]);
            c->failed = 1;
            return LCP_ERR_PROTO;
        }
        must(c->stream_job->upd_value.len <= c->s->opt.max_stream_len);
        return LCP_OK;
    }
    if (svc_methods[c->method].kind == SVC_KIND_LOCAL) {
        /* Local methods need the store; their decoding is protobuf-c's, exercised through the unary ones. */
        ProtobufCMessage *m = protobuf_c_message_unpack(svc_methods[c->method].request, lcp_pb_allocator(), len, msg);
        if (m) protobuf_c_message_free_unpacked(m, lcp_pb_allocator());
        return LCP_OK;
    }
    svc_job *j = svc_job_new(c->s, c->method, msg, len, &status, why);
    if (!j) {
        must(status != LCP_GRPC_OK && why[0]);
        return LCP_OK;
    }
    switch (c->method) {
    case SVC_M_CREATE_CLIENT: {
        const Lcp__Service__Elc__V1__MsgCreateClient *m = (const void *)j->msg;
        must(m->signer.len == 20 && m->client_state && m->consensus_state && j->lock_key);
        break;
    }
    case SVC_M_UPDATE_CLIENT: {
        const Lcp__Service__Elc__V1__MsgUpdateClient *m = (const void *)j->msg;
        must(m->signer.len == 20 && m->header && j->lock_key);
        break;
    }
    case SVC_M_VERIFY_MEMBERSHIP:
        must(((const Lcp__Service__Elc__V1__MsgVerifyMembership *)(const void *)j->msg)->proof_height != NULL);
        break;
    case SVC_M_VERIFY_NON_MEMBERSHIP:
        must(((const Lcp__Service__Elc__V1__MsgVerifyNonMembership *)(const void *)j->msg)->proof_height != NULL);
        break;
    default: break;
    }
    svc_job_free(j);
    return LCP_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static lcp_service svc; /* only opt is read by the code under test */
    if (size < 2) return 0;
    svc.opt.max_stream_len = 1u << 16;
    ctx c = {&svc, data[0] % SVC_M_COUNT, NULL, 0};
    size_t step = 1 + data[1] % 64;
    data += 2;
    size -= 2;

    /* The same bytes as header values. */
    uint64_t ns;
    (void)lcp_grpc_timeout_parse(&ns, (const char *)data, size < 16 ? size : 16);
    static char enc[3 * 1024 + 1];
    static uint8_t dec[3 * 1024 + 1];
    size_t in = size < 1024 ? size : 1024;
    size_t el = lcp_grpc_percent_encode(enc, sizeof enc, data, in);
    must(el == strlen(enc));
    must(lcp_grpc_percent_decode(dec, enc, el) == in && memcmp(dec, data, in) == 0);

    if (svc_methods[c.method].kind == SVC_KIND_STREAM) {
        c.stream_job = lcp_calloc(1, sizeof *c.stream_job);
        must(c.stream_job != NULL);
    }
    lcp_grpc_reader r;
    memset(&r, 0, sizeof r);
    r.max = MAX_MSG;
    int rc = LCP_OK;
    for (size_t off = 0; off < size && rc == LCP_OK; off += step) {
        size_t n = size - off < step ? size - off : step;
        rc = lcp_grpc_reader_feed(&r, data + off, n, on_message, &c, NULL);
    }
    if (rc != LCP_OK) must(r.status != LCP_GRPC_OK);
    if (c.stream_job) {
        int status = LCP_GRPC_OK;
        char why[LCP_ERR_LEN] = "";
        if (rc == LCP_OK && !c.failed) {
            if (svc_stream_finish(c.stream_job, &status, why) == LCP_OK)
                must(c.stream_job->stream_init && c.stream_job->upd.signer.len == 20 && c.stream_job->lock_key &&
                     c.stream_job->upd_header.value.len == c.stream_job->upd_value.len);
            else
                must(status != LCP_GRPC_OK);
        }
        svc_job_free(c.stream_job);
    }
    lcp_grpc_reader_free(&r);
    return 0;
}
