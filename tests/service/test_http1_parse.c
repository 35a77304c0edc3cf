/* The metrics listener's request reader without sockets: which page a request line asks for, and where a head ends
 * (a live listener's answers are in test_lifecycle). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "service/service_internal.h"

static int route(const char *req, int *head)
{
    return svc_http1_parse(req, strlen(req), head);
}

static void test_routes(void **state)
{
    (void)state;
    int head;
    assert_int_equal(route("GET /metrics HTTP/1.1\r\n\r\n", &head), SVC_HTTP_METRICS);
    assert_int_equal(head, 0);
    assert_int_equal(route("HEAD /readyz HTTP/1.1\r\n\r\n", &head), SVC_HTTP_READYZ);
    assert_int_equal(head, 1);
    assert_int_equal(route("GET /healthz?verbose=1 HTTP/1.1\r\n\r\n", &head), SVC_HTTP_HEALTHZ);
    assert_int_equal(route("GET /healthzz HTTP/1.1\r\n\r\n", &head), SVC_HTTP_NOT_FOUND);
    assert_int_equal(route("GET /metric HTTP/1.1\r\n\r\n", &head), SVC_HTTP_NOT_FOUND);
    assert_int_equal(route("get /metrics HTTP/1.1\r\n\r\n", &head), SVC_HTTP_METHOD);
    assert_int_equal(route("POST /metrics HTTP/1.1\r\n\r\n", &head), SVC_HTTP_METHOD);
    assert_int_equal(route("GETS /metrics HTTP/1.1\r\n\r\n", &head), SVC_HTTP_METHOD);
    /* No version, no space, a space only after the line's end: malformed. */
    assert_int_equal(route("GET /metrics\r\n\r\n", &head), SVC_HTTP_BAD);
    assert_int_equal(route("GET\r\n x y\r\n\r\n", &head), SVC_HTTP_BAD);
    assert_int_equal(route("GET /metrics HTTP/1.1", &head), SVC_HTTP_BAD);
    assert_int_equal(route("", &head), SVC_HTTP_BAD);
}

static void test_head_end(void **state)
{
    (void)state;
    const char *h = "GET / HTTP/1.1\r\nA: b\r\n\r\nbody";
    size_t len = strlen(h), want = strlen("GET / HTTP/1.1\r\nA: b\r\n\r\n");
    assert_int_equal(svc_http1_head_end(h, len, 0), want);
    assert_int_equal(svc_http1_head_end(h, want - 1, 0), 0); /* one byte short */
    assert_int_equal(svc_http1_head_end(h, len, want - 4), want);
    assert_int_equal(svc_http1_head_end(h, len, want - 3), 0); /* scanning must restart three bytes back */
    assert_int_equal(svc_http1_head_end("\r\n\r", 3, 0), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_routes), cmocka_unit_test(test_head_end)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
