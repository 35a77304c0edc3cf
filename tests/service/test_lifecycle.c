/* The service in-process (lcp/service.h): refuses bad options before starting anything, binds free loopback
 * ports, answers health and readiness, survives garbage on its gRPC port, and stops cleanly on request (also
 * when asked before it ran), leaving no enclave process behind. The full API is tested through a real gRPC
 * client in tests/cli/test_service.sh. */
#include "hostfix.h"
#include "testutil.h"

#include <arpa/inet.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lcp/service.h"
#include "lcp/tee_sim.h"

static hostfix fx;

static int setup(void **state)
{
    (void)state;
    hostfix_setup(&fx, "svc");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return hostfix_teardown(&fx);
}

static lcp_service_options options(void)
{
    lcp_service_options o;
    memset(&o, 0, sizeof o);
    o.address = "127.0.0.1:0";
    o.metrics_address = "127.0.0.1:0";
    o.threads = 2;
    o.home = fx.home;
    o.sim_platform = fx.platform;
    o.enclave_path = fx.enclave_bin;
    o.drain_seconds = 5;
    return o;
}

static int connect_to(const char *addr)
{
    const char *colon = strrchr(addr, ':');
    assert_non_null(colon);
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)atoi(colon + 1));
    assert_int_equal(inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr), 1);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    struct timeval tv = {5, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    return fd;
}

/* Sends req, reads until the server closes; returns the HTTP status (or -1) and the body in body. */
static int http_get(const char *addr, const char *path, char *body, size_t cap)
{
    int fd = connect_to(addr);
    char req[256];
    int n = snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: x\r\n\r\n", path);
    assert_int_equal(send(fd, req, (size_t)n, 0), n);
    char buf[65536];
    size_t got = 0;
    ssize_t r;
    while (got < sizeof buf - 1 && (r = recv(fd, buf + got, sizeof buf - 1 - got, 0)) > 0) got += (size_t)r;
    buf[got] = '\0';
    close(fd);
    int code = -1;
    if (sscanf(buf, "HTTP/1.1 %d", &code) != 1) return -1;
    const char *b = strstr(buf, "\r\n\r\n");
    snprintf(body, cap, "%s", b ? b + 4 : "");
    return code;
}

typedef struct {
    lcp_service *s;
    int rc;
    char err[LCP_ERR_LEN];
} runner;

static void *run_thread(void *arg)
{
    runner *r = arg;
    r->rc = lcp_service_run(r->s, r->err);
    return NULL;
}

static unsigned enclave_children(void)
{
    /* lcp-enclave processes whose parent is this test. */
    unsigned n = 0;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "ps -o comm= --ppid %d 2>/dev/null | grep -c lcp-enclave", (int)getpid());
    FILE *p = popen(cmd, "r");
    if (p) {
        if (fscanf(p, "%u", &n) != 1) n = 0;
        pclose(p);
    }
    return n;
}

static void test_bad_options(void **state)
{
    (void)state;
    char err[LCP_ERR_LEN] = "";
    lcp_service *s = NULL;
    lcp_service_options o = options();
    o.address = "[::1]50051";
    assert_int_equal(lcp_service_new(&s, &o, err), LCP_ERR_IO);
    assert_null(s);
    assert_non_null(strstr(err, "HOST:PORT"));
    o = options();
    o.metrics_address = "nowhere";
    assert_int_equal(lcp_service_new(&s, &o, err), LCP_ERR_IO);
    o = options();
    o.threads = LCP_SERVICE_MAX_THREADS + 1;
    assert_int_equal(lcp_service_new(&s, &o, err), LCP_ERR_RANGE);
    o = options();
    o.enclave_path = "/nonexistent/lcp-enclave";
    assert_int_not_equal(lcp_service_new(&s, &o, err), LCP_OK);
    assert_null(s);
    assert_int_equal(enclave_children(), 0);
}

static void test_serve_and_stop(void **state)
{
    (void)state;
    char err[LCP_ERR_LEN] = "", g[80], m[80], body[65536];
    lcp_service *s = NULL;
    lcp_service_options o = options();
    if (lcp_service_new(&s, &o, err) != LCP_OK) fail_msg("new: %s", err);
    assert_int_equal(enclave_children(), 2);
    assert_int_equal(lcp_service_bound_address(s, 0, g, sizeof g), LCP_OK);
    assert_int_equal(lcp_service_bound_address(s, 1, m, sizeof m), LCP_OK);
    assert_int_equal(lcp_service_bound_address(s, 2, m, sizeof m), LCP_ERR_RANGE);
    assert_int_not_equal(atoi(strrchr(g, ':') + 1), 0);
    runner r = {s, -1, ""};
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, run_thread, &r), 0);

    assert_int_equal(http_get(m, "/healthz", body, sizeof body), 200);
    /* No attested key in this home: alive, not ready, and says why. */
    assert_int_equal(http_get(m, "/readyz", body, sizeof body), 503);
    assert_non_null(strstr(body, "no attested"));
    assert_int_equal(http_get(m, "/metrics", body, sizeof body), 200);
    assert_non_null(strstr(body, "lcp_enclave_workers 2\n"));
    assert_non_null(strstr(body, "lcp_service_ready 0\n"));
    assert_non_null(strstr(body, "lcp_enclave_keys_valid 0\n"));
    assert_int_equal(http_get(m, "/nothing", body, sizeof body), 404);

    /* Garbage instead of the HTTP/2 preface: that connection is closed, the service goes on. */
    for (int i = 0; i < 3; i++) {
        int fd = connect_to(g);
        const char junk[] = "GET / HTTP/1.1\r\n\r\n\x00\x01\x02";
        assert_int_equal(send(fd, junk, sizeof junk, 0), (ssize_t)sizeof junk);
        char buf[256];
        ssize_t n;
        while ((n = recv(fd, buf, sizeof buf, 0)) > 0) {
        }
        assert_int_equal(n, 0); /* closed by the server, not timed out */
        close(fd);
    }
    assert_int_equal(http_get(m, "/metrics", body, sizeof body), 200);
    assert_non_null(strstr(body, "lcp_grpc_protocol_errors_total 3\n"));

    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    lcp_service_stop(s);
    lcp_service_stop(s); /* twice is harmless */
    assert_int_equal(pthread_join(th, NULL), 0);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    assert_int_equal(r.rc, LCP_OK);
    assert_true(t1.tv_sec - t0.tv_sec < 3); /* nothing in flight: no drain wait */
    lcp_service_free(s);
    assert_int_equal(enclave_children(), 0);
    /* The store was closed: a new service opens it again in this process. */
    o = options();
    o.threads = 1;
    if (lcp_service_new(&s, &o, err) != LCP_OK) fail_msg("reopen: %s", err);
    lcp_service_free(s); /* freed without ever running */
    assert_int_equal(enclave_children(), 0);
}

/* Seconds until the server closes fd (reads and discards what it sends). */
static double seconds_to_close(int fd)
{
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    char buf[256];
    ssize_t n;
    while ((n = recv(fd, buf, sizeof buf, 0)) > 0) {
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    assert_int_equal(n, 0); /* an orderly close, not the 5 s receive timeout */
    return (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
}

static void test_idle_connections(void **state)
{
    (void)state;
    char err[LCP_ERR_LEN] = "", g[80];
    lcp_service *s = NULL;
    lcp_service_options o = options();
    o.threads = 1;
    o.idle_seconds = 1;
    if (lcp_service_new(&s, &o, err) != LCP_OK) fail_msg("new: %s", err);
    assert_int_equal(lcp_service_bound_address(s, 0, g, sizeof g), LCP_OK);
    runner r = {s, -1, ""};
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, run_thread, &r), 0);
    /* Silent: never sends the preface. */
    int fd = connect_to(g);
    double t = seconds_to_close(fd);
    close(fd);
    assert_true(t >= 0.9 && t < 4.0);
    /* Speaks HTTP/2 (preface + empty SETTINGS), then opens no stream. */
    fd = connect_to(g);
    const char hello[] = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\x00\x00\x00\x04\x00\x00\x00\x00\x00";
    assert_int_equal(send(fd, hello, sizeof hello - 1, 0), (ssize_t)(sizeof hello - 1));
    t = seconds_to_close(fd);
    close(fd);
    assert_true(t >= 0.9 && t < 4.0);
    lcp_service_stop(s);
    assert_int_equal(pthread_join(th, NULL), 0);
    assert_int_equal(r.rc, LCP_OK);
    lcp_service_free(s);
}

static void test_stop_before_run(void **state)
{
    (void)state;
    char err[LCP_ERR_LEN] = "";
    lcp_service *s = NULL;
    lcp_service_options o = options();
    o.metrics_address = NULL;
    o.threads = 1;
    if (lcp_service_new(&s, &o, err) != LCP_OK) fail_msg("new: %s", err);
    char m[80];
    assert_int_equal(lcp_service_bound_address(s, 1, m, sizeof m), LCP_ERR_RANGE);
    lcp_service_stop(s);
    assert_int_equal(lcp_service_run(s, err), LCP_OK);
    lcp_service_free(s);
}

/* One service per home: a second one on the same home is refused before it starts anything, with the holder's
 * pid; once the first is freed, the home is free. */
static void test_one_service_per_home(void **state)
{
    (void)state;
    char err[LCP_ERR_LEN] = "", want[64];
    lcp_service *a = NULL, *b = NULL;
    lcp_service_options o = options();
    o.threads = 1;
    if (lcp_service_new(&a, &o, err) != LCP_OK) fail_msg("new: %s", err);
    assert_int_equal(enclave_children(), 1);
    assert_int_equal(lcp_service_new(&b, &o, err), LCP_ERR_HOST_LOCKED);
    assert_null(b);
    snprintf(want, sizeof want, "is in use by process %ld ", (long)getpid());
    assert_non_null(strstr(err, want));
    assert_non_null(strstr(err, "one lcp service per home"));
    assert_int_equal(enclave_children(), 1); /* the refused one started no enclave */
    lcp_service_free(a);
    if (lcp_service_new(&b, &o, err) != LCP_OK) fail_msg("new after free: %s", err);
    lcp_service_free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bad_options),
        cmocka_unit_test(test_serve_and_stop),
        cmocka_unit_test(test_stop_before_run),
        cmocka_unit_test(test_idle_connections),
        cmocka_unit_test(test_one_service_per_home),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
