/* Every allocation the service makes for a request is checked: failing the n-th allocation, for every n until
 * the operation succeeds, gives RESOURCE_EXHAUSTED (retryable, never INVALID_ARGUMENT for a valid request), frees
 * what was allocated (ASan's leak check), and the next attempt works. Covers the message reader, request
 * decoding (unary and UpdateClientStream chunks) and response packing. */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "service/service_internal.h"

typedef struct {
    int countdown; /* allocations left before one fails; -1 = never */
    int failed;
} fail_alloc;

static void *fa_malloc(size_t n, void *d)
{
    fail_alloc *f = d;
    if (f->countdown == 0) {
        f->failed++;
        return NULL;
    }
    if (f->countdown > 0) f->countdown--;
    return malloc(n);
}
static void *fa_realloc(void *p, size_t n, void *d)
{
    fail_alloc *f = d;
    if (f->countdown == 0) {
        f->failed++;
        return NULL;
    }
    if (f->countdown > 0) f->countdown--;
    return realloc(p, n);
}
static void fa_free(void *p, void *d)
{
    (void)d;
    free(p);
}

static fail_alloc fa;
static lcp_allocator A = {fa_malloc, fa_free, fa_realloc, &fa};

static void fail_at(int n)
{
    fa.countdown = n;
    fa.failed = 0;
    lcp_set_allocator(&A);
}

static void restore(void) { lcp_set_allocator(NULL); }

static size_t update_msg(uint8_t *out, size_t cap)
{
    static uint8_t signer[20] = {1, 2, 3};
    Lcp__Service__Elc__V1__MsgUpdateClient m = LCP__SERVICE__ELC__V1__MSG_UPDATE_CLIENT__INIT;
    Google__Protobuf__Any a = GOOGLE__PROTOBUF__ANY__INIT;
    a.type_url = "/ibc.mock.Header";
    a.value.data = (uint8_t *)"\x0a\x02\x10\x05";
    a.value.len = 4;
    m.client_id = "mock-client-3";
    m.header = &a;
    m.signer.data = signer;
    m.signer.len = 20;
    assert_true(lcp__service__elc__v1__msg_update_client__get_packed_size(&m) <= cap);
    return lcp__service__elc__v1__msg_update_client__pack(&m, out);
}

static int ignore(void *ud, const uint8_t *msg, size_t len)
{
    (void)msg;
    *(size_t *)ud += len;
    return LCP_OK;
}

static void test_reader(void **state)
{
    (void)state;
    uint8_t in[5 + 100];
    assert_int_equal(lcp_grpc_prefix(in, 100), LCP_OK);
    memset(in + 5, 7, 100);
    int failures = 0;
    for (int n = 0;; n++) {
        lcp_grpc_reader r;
        memset(&r, 0, sizeof r);
        r.max = 1000;
        size_t got = 0;
        char err[LCP_ERR_LEN];
        fail_at(n);
        int rc = lcp_grpc_reader_feed(&r, in, sizeof in, ignore, &got, err);
        restore();
        lcp_grpc_reader_free(&r);
        if (rc == LCP_OK) {
            assert_int_equal(got, 100);
            break;
        }
        assert_int_equal(rc, LCP_ERR_NOMEM);
        assert_int_equal(r.status, LCP_GRPC_RESOURCE_EXHAUSTED);
        failures++;
        assert_true(n < 10);
    }
    assert_true(failures >= 1);
}

static void test_unary_decoding(void **state)
{
    (void)state;
    lcp_service s;
    memset(&s, 0, sizeof s);
    uint8_t msg[256];
    size_t len = update_msg(msg, sizeof msg);
    int failures = 0;
    for (int n = 0;; n++) {
        int status = LCP_GRPC_OK;
        char why[LCP_ERR_LEN] = "";
        fail_at(n);
        svc_job *j = svc_job_new(&s, SVC_M_UPDATE_CLIENT, msg, len, &status, why);
        restore();
        if (j) {
            assert_string_equal(j->lock_key, "mock-client-3");
            svc_job_free(j);
            break;
        }
        assert_true(fa.failed > 0);
        assert_int_equal(status, LCP_GRPC_RESOURCE_EXHAUSTED);
        assert_non_null(strstr(why, "out of memory"));
        failures++;
        assert_true(n < 50);
    }
    assert_true(failures >= 3); /* protobuf-c's allocations, the job, its lock key */
    /* And a malformed message is still INVALID_ARGUMENT with memory to spare. */
    int status = LCP_GRPC_OK;
    char why[LCP_ERR_LEN] = "";
    assert_null(svc_job_new(&s, SVC_M_UPDATE_CLIENT, (const uint8_t *)"\xff\xff", 2, &status, why));
    assert_int_equal(status, LCP_GRPC_INVALID_ARGUMENT);
}

static void test_stream_decoding(void **state)
{
    (void)state;
    lcp_service s;
    memset(&s, 0, sizeof s);
    s.opt.max_stream_len = 1 << 20;
    static uint8_t signer[20] = {9};
    uint8_t c1[128], c2[64];
    Lcp__Service__Elc__V1__MsgUpdateClientStreamChunk ch = LCP__SERVICE__ELC__V1__MSG_UPDATE_CLIENT_STREAM_CHUNK__INIT;
    Lcp__Service__Elc__V1__UpdateClientStreamInit in = LCP__SERVICE__ELC__V1__UPDATE_CLIENT_STREAM_INIT__INIT;
    Lcp__Service__Elc__V1__UpdateClientStreamHeaderChunk hc = LCP__SERVICE__ELC__V1__UPDATE_CLIENT_STREAM_HEADER_CHUNK__INIT;
    in.client_id = "mock-client-4";
    in.signer.data = signer;
    in.signer.len = 20;
    in.type_url = "/ibc.mock.Header";
    ch.chunk_case = LCP__SERVICE__ELC__V1__MSG_UPDATE_CLIENT_STREAM_CHUNK__CHUNK_INIT;
    ch.init = &in;
    size_t l1 = lcp__service__elc__v1__msg_update_client_stream_chunk__pack(&ch, c1);
    hc.data.data = (uint8_t *)"0123456789";
    hc.data.len = 10;
    ch.chunk_case = LCP__SERVICE__ELC__V1__MSG_UPDATE_CLIENT_STREAM_CHUNK__CHUNK_HEADER_CHUNK;
    ch.header_chunk = &hc;
    size_t l2 = lcp__service__elc__v1__msg_update_client_stream_chunk__pack(&ch, c2);
    int failures = 0;
    for (int n = 0;; n++) {
        svc_job *j = lcp_calloc(1, sizeof *j);
        assert_non_null(j);
        int status = LCP_GRPC_OK;
        char why[LCP_ERR_LEN] = "";
        fail_at(n);
        int rc = svc_stream_chunk(&s, j, c1, l1, &status, why);
        if (rc == LCP_OK) rc = svc_stream_chunk(&s, j, c2, l2, &status, why);
        if (rc == LCP_OK) rc = svc_stream_chunk(&s, j, c2, l2, &status, why);
        if (rc == LCP_OK) rc = svc_stream_finish(j, &status, why);
        restore();
        if (rc == LCP_OK) {
            assert_int_equal(j->upd_header.value.len, 20);
            assert_memory_equal(j->upd_header.value.data, "01234567890123456789", 20);
            assert_string_equal(j->lock_key, "mock-client-4");
            svc_job_free(j);
            break;
        }
        assert_true(fa.failed > 0);
        assert_int_equal(status, LCP_GRPC_RESOURCE_EXHAUSTED);
        svc_job_free(j);
        failures++;
        assert_true(n < 80);
    }
    assert_true(failures >= 4);
}

static void test_packing(void **state)
{
    (void)state;
    Lcp__Service__Elc__V1__MsgUpdateClientResponse r = LCP__SERVICE__ELC__V1__MSG_UPDATE_CLIENT_RESPONSE__INIT;
    uint8_t m[300], sig[65];
    memset(m, 1, sizeof m);
    memset(sig, 2, sizeof sig);
    r.message.data = m;
    r.message.len = sizeof m;
    r.signature.data = sig;
    r.signature.len = sizeof sig;
    lcp_buf out = {0};
    fail_at(0);
    assert_int_equal(svc_pack(&out, &r.base), LCP_ERR_NOMEM);
    restore();
    assert_int_equal(svc_pack(&out, &r.base), LCP_OK);
    size_t n = lcp__service__elc__v1__msg_update_client_response__get_packed_size(&r);
    assert_int_equal(out.len, 5 + n);
    assert_int_equal(out.data[0], 0);
    assert_int_equal((size_t)out.data[3] << 8 | out.data[4], n);
    lcp_buf_free(&out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reader),
        cmocka_unit_test(test_unary_decoding),
        cmocka_unit_test(test_stream_decoding),
        cmocka_unit_test(test_packing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
