/* The service under connection floods from loopback peers (lcp/service.h "Connections"): requests left half-open
 * (HEADERS and one byte of a message that promises 100) from one peer, then from hundreds, must not lock a
 * well-behaved caller on another loopback address out: EnclaveInfo answered within a second every time while the
 * attack lasts, with the service's connections and memory bounded; and a request that never completes is answered
 * DEADLINE_EXCEEDED after request_timeout_ms, its connection still usable. The metrics listener likewise: partial
 * request heads from one peer, then from a hundred, leave /readyz answered for a prober elsewhere, and a head that
 * never ends is cut after 2 s. Every loop is bounded in count and time. Loopback only: attackers use 127.0.0.2 and up (Linux routes all of 127/8 to lo). */
#include "grpcc.h"
#include "hostfix.h"
#include "testutil.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "lcp/service.h"
#include "proto/lcp_service_enclave.pb-c.h"

#define INFO "/lcp.service.enclave.v1.Query/EnclaveInfo"

static hostfix fx;

static int setup(void **state)
{
    (void)state;
    /* Client and service sockets share this process: room for a few thousand of each. */
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    hostfix_setup(&fx, "flood");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return hostfix_teardown(&fx);
}

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Resident set of this process (client and in-process service), in KiB. */
static long rss_kib(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    long pages = 0, res = 0;
    if (f) {
        if (fscanf(f, "%ld %ld", &pages, &res) != 2) res = 0;
        fclose(f);
    }
    return res * (sysconf(_SC_PAGESIZE) / 1024);
}

typedef struct {
    lcp_service *s;
    pthread_t th;
    int rc;
    char err[LCP_ERR_LEN];
    char grpc[80], metrics[80];
} svc;

static void *run_thread(void *arg)
{
    svc *v = arg;
    v->rc = lcp_service_run(v->s, v->err);
    return NULL;
}

static void start(svc *v, unsigned request_timeout_ms)
{
    lcp_service_options o;
    memset(&o, 0, sizeof o);
    o.address = "127.0.0.1:0";
    o.metrics_address = "127.0.0.1:0";
    o.threads = 1;
    o.home = fx.home;
    o.sim_platform = fx.platform;
    o.enclave_path = fx.enclave_bin;
    o.drain_seconds = 2;
    o.request_timeout_ms = request_timeout_ms;
    memset(v, 0, sizeof *v);
    if (lcp_service_new(&v->s, &o, v->err) != LCP_OK) fail_msg("service: %s", v->err);
    assert_int_equal(lcp_service_bound_address(v->s, 0, v->grpc, sizeof v->grpc), LCP_OK);
    assert_int_equal(lcp_service_bound_address(v->s, 1, v->metrics, sizeof v->metrics), LCP_OK);
    assert_int_equal(pthread_create(&v->th, NULL, run_thread, v), 0);
}

static void stop(svc *v)
{
    lcp_service_stop(v->s);
    assert_int_equal(pthread_join(v->th, NULL), 0);
    assert_int_equal(v->rc, LCP_OK);
    lcp_service_free(v->s);
}

/* A TCP connection from src to "IP:PORT" (IPv4). nonblock: connect and return at once. -1 on failure. */
static int dial(const char *addr, const char *src)
{
    const char *colon = strrchr(addr, ':');
    struct sockaddr_in to, from;
    memset(&to, 0, sizeof to);
    memset(&from, 0, sizeof from);
    to.sin_family = from.sin_family = AF_INET;
    to.sin_port = htons((uint16_t)atoi(colon + 1));
    char host[64];
    snprintf(host, sizeof host, "%.*s", (int)(colon - addr), addr);
    if (inet_pton(AF_INET, host, &to.sin_addr) != 1 || inet_pton(AF_INET, src, &from.sin_addr) != 1) return -1;
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    struct timeval tv = {3, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    if (bind(fd, (struct sockaddr *)&from, sizeof from) != 0 || connect(fd, (struct sockaddr *)&to, sizeof to) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

/* The attack bytes: the HTTP/2 preface, empty SETTINGS, HEADERS of a gRPC POST (HPACK literals, no Huffman),
 * then DATA carrying a message prefix that promises 100 bytes and one byte of them. Never END_STREAM. */
static size_t half_open_request(uint8_t *out)
{
    static const char preface[] = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
    size_t n = 0;
    memcpy(out, preface, sizeof preface - 1);
    n += sizeof preface - 1;
    static const uint8_t settings[9] = {0, 0, 0, 4, 0, 0, 0, 0, 0};
    memcpy(out + n, settings, 9);
    n += 9;
    uint8_t block[128];
    size_t b = 0;
    block[b++] = 0x83; /* :method POST (static 3) */
    block[b++] = 0x86; /* :scheme http (static 6) */
    block[b++] = 0x04; /* :path, literal without indexing (name: static 4) */
    block[b++] = (uint8_t)(sizeof INFO - 1);
    memcpy(block + b, INFO, sizeof INFO - 1);
    b += sizeof INFO - 1;
    block[b++] = 0x01; /* :authority (static 1) */
    block[b++] = 1;
    block[b++] = 'x';
    block[b++] = 0x0f; /* content-type (static 31 = 15 + 16) */
    block[b++] = 0x10;
    block[b++] = 16;
    memcpy(block + b, "application/grpc", 16);
    b += 16;
    uint8_t hdr[9] = {0, 0, (uint8_t)b, 1 /* HEADERS */, 4 /* END_HEADERS */, 0, 0, 0, 1};
    memcpy(out + n, hdr, 9);
    memcpy(out + n + 9, block, b);
    n += 9 + b;
    static const uint8_t data[15] = {0, 0, 6, 0 /* DATA */, 0, 0, 0, 0, 1, 0, 0, 0, 0, 100, 0x0a};
    memcpy(out + n, data, sizeof data);
    return n + sizeof data;
}

/* The metrics listener's attack: a request head that never ends. */
static const char PARTIAL_HTTP[] = "GET /readyz HTTP/1.1\r\nHost: x\r\n";

/* Opens a connection from src and sends the half-open request (HTTP/2, or http1: a partial HTTP/1.1 head);
 * -1 if refused before the bytes went out. */
static int attack_one(const char *addr, const char *src, int http1)
{
    uint8_t req[256];
    size_t n = http1 ? sizeof PARTIAL_HTTP - 1 : half_open_request(req);
    if (http1) memcpy(req, PARTIAL_HTTP, n);
    int fd = dial(addr, src);
    if (fd < 0) return -1;
    if (send(fd, req, n, MSG_NOSIGNAL) != (ssize_t)n) {
        close(fd);
        return -1;
    }
    return fd;
}

/* 1 if the server closed fd (EOF or error); reads and drops whatever it sent. Never blocks. */
static int closed_by_server(int fd)
{
    char buf[4096];
    for (int i = 0; i < 8; i++) {
        ssize_t r = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
        if (r > 0) continue;
        if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return 0;
        return 1;
    }
    return 0;
}

typedef struct {
    const char *addr;
    const char *src;           /* one attacking peer */
    int http1;                 /* the metrics listener's attack instead of gRPC's */
    int *fds;
    size_t n;
    atomic_int stop;
    size_t reconnects;         /* connections opened again after the server closed them */
} attacker;

/* Keeps all n connections open and half-open: each one the server closes is opened again at once, until stop
 * (bounded: at most 20 s and 200000 reconnects). */
static void *attack_loop(void *arg)
{
    attacker *a = arg;
    uint64_t end = now_ns() + 20000000000ull;
    while (!atomic_load(&a->stop) && now_ns() < end && a->reconnects < 200000) {
        for (size_t i = 0; i < a->n && !atomic_load(&a->stop); i++) {
            if (a->fds[i] >= 0 && !closed_by_server(a->fds[i])) continue;
            if (a->fds[i] >= 0) close(a->fds[i]);
            a->fds[i] = attack_one(a->addr, a->src, a->http1);
            a->reconnects++;
        }
        usleep(2000);
    }
    return NULL;
}

/* One EnclaveInfo from src on a new connection; returns its latency in ms (fails the test if not answered OK). */
static double enclave_info(const char *addr, const char *src)
{
    uint64_t t0 = now_ns();
    grpcc *c = grpcc_open_from(addr, src);
    if (!c) fail_msg("EnclaveInfo: cannot connect from %s", src);
    grpcc_set_timeout(c, 3);
    grpcc_call k;
    memset(&k, 0, sizeof k);
    Lcp__Service__Enclave__V1__QueryEnclaveInfoRequest req = LCP__SERVICE__ENCLAVE__V1__QUERY_ENCLAVE_INFO_REQUEST__INIT;
    grpcc_add(&k, &req.base);
    int st = grpcc_wait(c, &k, INFO);
    double ms = (double)(now_ns() - t0) / 1e6;
    if (st != LCP_GRPC_OK) fail_msg("EnclaveInfo from %s: status %d (%s) after %.0f ms", src, st, k.message, ms);
    Lcp__Service__Enclave__V1__QueryEnclaveInfoResponse *r = (void *)grpcc_response(
        &k, &lcp__service__enclave__v1__query_enclave_info_response__descriptor);
    assert_non_null(r);
    assert_int_equal(r->mrenclave.len, 32);
    protobuf_c_message_free_unpacked(&r->base, NULL);
    grpcc_reset(&k);
    grpcc_close(c);
    return ms;
}

/* The value of an unlabelled metric from /metrics (from 127.0.0.1), or -1. */
static long metric(const char *maddr, const char *name)
{
    int fd = dial(maddr, "127.0.0.1");
    if (fd < 0) return -1;
    const char req[] = "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n";
    if (send(fd, req, sizeof req - 1, MSG_NOSIGNAL) != (ssize_t)(sizeof req - 1)) {
        close(fd);
        return -1;
    }
    static char buf[1 << 18];
    size_t got = 0;
    ssize_t r;
    while (got < sizeof buf - 1 && (r = recv(fd, buf + got, sizeof buf - 1 - got, 0)) > 0) got += (size_t)r;
    buf[got] = '\0';
    close(fd);
    char key[128];
    snprintf(key, sizeof key, "\n%s ", name);
    const char *p = strstr(buf, key);
    return p ? atol(p + strlen(key)) : -1;
}

/* One well-behaved call from 127.0.0.1 to addr; returns its latency in ms (fails the test if it is not answered
 * as it should be). */
typedef double (*probe_fn)(const char *addr);

static double info_probe(const char *addr) { return enclave_info(addr, "127.0.0.1"); }

/* Calls probe every 100 ms for `seconds`; each must be answered within 1 s. Returns the worst latency in ms. */
static double probe_repeatedly(probe_fn probe, const char *addr, double seconds, int *calls)
{
    double worst = 0;
    uint64_t end = now_ns() + (uint64_t)(seconds * 1e9);
    *calls = 0;
    while (now_ns() < end) {
        double ms = probe(addr);
        if (ms >= 1000.0) fail_msg("a call from 127.0.0.1 took %.0f ms during the attack", ms);
        if (ms > worst) worst = ms;
        (*calls)++;
        usleep(100000);
    }
    return worst;
}

/* More half-open connections from ONE peer than the service has slots (1100 > 1024), kept open and reopened
 * whenever closed: the caller from another address is served, every time, within a second. */
static void test_half_open_one_peer(void **state)
{
    (void)state;
    svc v;
    start(&v, 0); /* default request timeout (5 s): longer than the attack below */
    double idle_ms = enclave_info(v.grpc, "127.0.0.1");
    long rss0 = rss_kib();
    enum { N = LCP_SERVICE_MAX_CONNECTIONS + 76 };
    int *fds = calloc(N, sizeof *fds);
    assert_non_null(fds);
    size_t opened = 0;
    uint64_t t0 = now_ns();
    for (size_t i = 0; i < N; i++)
        if ((fds[i] = attack_one(v.grpc, "127.0.0.2", 0)) >= 0) opened++;
    double open_s = (double)(now_ns() - t0) / 1e9;
    attacker a = {.addr = v.grpc, .src = "127.0.0.2", .fds = fds, .n = N};
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, attack_loop, &a), 0);
    int calls;
    double worst = probe_repeatedly(info_probe, v.grpc, 2.5, &calls);
    long open_conns = metric(v.metrics, "lcp_grpc_connections_open");
    long peers = metric(v.metrics, "lcp_grpc_peers");
    long refused = metric(v.metrics, "lcp_grpc_connections_refused_total");
    long buffered = metric(v.metrics, "lcp_grpc_buffered_bytes");
    long rss1 = rss_kib();
    atomic_store(&a.stop, 1);
    assert_int_equal(pthread_join(th, NULL), 0);
    print_message("one peer: %zu half-open connections sent in %.2f s, %zu reopened; EnclaveInfo from another "
                  "address %d times, worst %.1f ms (%.1f ms before the attack); service: %ld connections open, %ld "
                  "peers, %ld refused, %ld request bytes buffered; RSS %ld -> %ld KiB\n",
                  opened, open_s, a.reconnects, calls, worst, idle_ms, open_conns, peers, refused, buffered, rss0,
                  rss1);
    assert_true(calls >= 5);
    /* The attacker holds its cap, no more. */
    assert_true(open_conns >= 1 && open_conns <= LCP_SERVICE_DEFAULT_MAX_CONNECTIONS_PER_PEER + 1);
    assert_true(refused >= N - LCP_SERVICE_DEFAULT_MAX_CONNECTIONS_PER_PEER);
    assert_true(buffered >= 0 && buffered < 64 * 1024);
    assert_true(rss1 - rss0 < 64 * 1024);
    for (size_t i = 0; i < N; i++)
        if (fds[i] >= 0) close(fds[i]);
    free(fds);
    stop(&v);
}

/* Hundreds of attacking peers (127.0.0.10 ...), several half-open connections each, fill every slot: a new peer
 * still gets in (the reserve, then eviction of the biggest holder) and is answered within a second. */
static void test_half_open_many_peers(void **state)
{
    (void)state;
    svc v;
    start(&v, 0);
    enum { PEERS = 300, EACH = 6 };
    long rss0 = rss_kib();
    int *fds = calloc(PEERS * EACH, sizeof *fds);
    assert_non_null(fds);
    size_t opened = 0;
    for (int p = 0; p < PEERS; p++) {
        char src[32];
        snprintf(src, sizeof src, "127.0.%d.%d", 1 + (10 + p) / 250, 1 + (10 + p) % 250);
        for (int i = 0; i < EACH; i++)
            if ((fds[p * EACH + i] = attack_one(v.grpc, src, 0)) >= 0) opened++;
    }
    /* Let the service take in the backlog before measuring. */
    usleep(300000);
    long before_open = metric(v.metrics, "lcp_grpc_connections_open");
    int calls;
    double worst = probe_repeatedly(info_probe, v.grpc, 1.5, &calls);
    long open_conns = metric(v.metrics, "lcp_grpc_connections_open");
    long evicted = metric(v.metrics, "lcp_grpc_connections_evicted_total");
    long peers = metric(v.metrics, "lcp_grpc_peers");
    long rss1 = rss_kib();
    print_message("%d peers x %d half-open connections: %ld connections open (of %d), %ld peers, %ld evicted; "
                  "EnclaveInfo from a new peer %d times, worst %.1f ms; RSS %ld -> %ld KiB\n",
                  PEERS, EACH, before_open, LCP_SERVICE_MAX_CONNECTIONS, peers, evicted, calls, worst, rss0, rss1);
    assert_true(rss1 - rss0 < 64 * 1024); /* a full table of half-open requests costs a few MiB */
    assert_true(before_open == LCP_SERVICE_MAX_CONNECTIONS); /* the table was full */
    assert_true(open_conns <= LCP_SERVICE_MAX_CONNECTIONS);
    assert_true(evicted >= 1); /* the first call found every slot taken */
    for (size_t i = 0; i < PEERS * EACH; i++)
        if (fds[i] >= 0) close(fds[i]);
    free(fds);
    stop(&v);
}

/* A request that never completes is answered DEADLINE_EXCEEDED after request_timeout_ms; the connection serves
 * the next request. A client that stops inside a header block loses its connection at the same deadline. */
static void test_request_timeout(void **state)
{
    (void)state;
    svc v;
    start(&v, 1000);
    grpcc *c = grpcc_open(v.grpc);
    assert_non_null(c);
    grpcc_set_timeout(c, 5);
    grpcc_call k;
    memset(&k, 0, sizeof k);
    const uint8_t partial[6] = {0, 0, 0, 0, 100, 0x0a}; /* promises 100 bytes, sends 1 */
    grpcc_add_raw(&k, partial, sizeof partial);
    k.keep_open = 1;
    int st = grpcc_wait(c, &k, INFO);
    double s = (double)(k.t1 - k.t0) / 1e9;
    assert_int_equal(st, LCP_GRPC_DEADLINE_EXCEEDED);
    assert_non_null(strstr(k.message, "request_timeout"));
    assert_true(s >= 0.9 && s < 3.0);
    grpcc_reset(&k);
    /* The same connection still serves. */
    Lcp__Service__Enclave__V1__QueryEnclaveInfoRequest req = LCP__SERVICE__ENCLAVE__V1__QUERY_ENCLAVE_INFO_REQUEST__INIT;
    grpcc_add(&k, &req.base);
    assert_int_equal(grpcc_wait(c, &k, INFO), LCP_GRPC_OK);
    grpcc_reset(&k);
    grpcc_close(c);

    /* HEADERS without END_HEADERS, then silence: the connection is closed at the deadline. */
    int fd = dial(v.grpc, "127.0.0.1");
    assert_true(fd >= 0);
    uint8_t req_bytes[256];
    size_t n = half_open_request(req_bytes);
    req_bytes[24 + 9 + 4] = 0; /* HEADERS flags: no END_HEADERS */
    assert_int_equal(send(fd, req_bytes, n - 15, MSG_NOSIGNAL), (ssize_t)(n - 15));
    uint64_t t0 = now_ns();
    char buf[4096];
    ssize_t r;
    while ((r = recv(fd, buf, sizeof buf, 0)) > 0) {
    }
    s = (double)(now_ns() - t0) / 1e9;
    close(fd);
    assert_int_equal(r, 0); /* closed by the server, not the 3 s receive timeout */
    assert_true(s >= 0.9 && s < 2.9);
    assert_true(metric(v.metrics, "lcp_grpc_request_timeouts_total") == 2);
    stop(&v);
}

/* GET path from src to the metrics listener; returns the HTTP status (-1 if closed without one) and the time. */
static int http_get(const char *maddr, const char *src, const char *path, double *ms)
{
    uint64_t t0 = now_ns();
    int fd = dial(maddr, src);
    if (fd < 0) return -1;
    char req[128];
    int n = snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: x\r\n\r\n", path);
    int code = -1;
    if (send(fd, req, (size_t)n, MSG_NOSIGNAL) == n) {
        char buf[4096];
        size_t got = 0;
        ssize_t r;
        while (got < sizeof buf - 1 && (r = recv(fd, buf + got, sizeof buf - 1 - got, 0)) > 0) got += (size_t)r;
        buf[got] = '\0';
        if (sscanf(buf, "HTTP/1.1 %d", &code) != 1) code = -1;
    }
    close(fd);
    *ms = (double)(now_ns() - t0) / 1e6;
    return code;
}

/* /readyz from 127.0.0.1: answered 503 (this home has no attested key; the reason is what a prober needs). */
static double ready_probe(const char *maddr)
{
    double ms;
    int code = http_get(maddr, "127.0.0.1", "/readyz", &ms);
    if (code != 503) fail_msg("/readyz during the attack: %d after %.0f ms", code, ms);
    return ms;
}

/* 200 partial request heads from one peer (more than the 64 the listener holds), reopened as soon as they are
 * closed, for longer than the head deadline: the prober on another address is answered every time. */
static void test_http_partial_one_peer(void **state)
{
    (void)state;
    svc v;
    start(&v, 0);
    enum { N = 200 };
    int fds[N];
    for (size_t i = 0; i < N; i++) fds[i] = attack_one(v.metrics, "127.0.0.2", 1);
    attacker a = {.addr = v.metrics, .src = "127.0.0.2", .http1 = 1, .fds = fds, .n = N};
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, attack_loop, &a), 0);
    int calls;
    double worst = probe_repeatedly(ready_probe, v.metrics, 3.0, &calls);
    long open_conns = metric(v.metrics, "lcp_http_connections_open");
    long timeouts = metric(v.metrics, "lcp_http_header_timeouts_total");
    long refused = metric(v.metrics, "lcp_http_connections_refused_total");
    atomic_store(&a.stop, 1);
    assert_int_equal(pthread_join(th, NULL), 0);
    print_message("metrics listener, one peer: %d partial heads kept open (%zu reopened); /readyz from another "
                  "address %d times, worst %.1f ms; %ld connections open, %ld head timeouts, %ld refused\n",
                  N, a.reconnects, calls, worst, open_conns, timeouts, refused);
    assert_true(calls >= 10);
    assert_true(open_conns >= 1 && open_conns <= 8 + 1); /* the attacker's 8, and this scrape */
    assert_true(timeouts >= 8);                          /* held heads were cut at 2 s, the attacker came back */
    for (size_t i = 0; i < N; i++)
        if (fds[i] >= 0) close(fds[i]);
    stop(&v);
}

/* 100 peers x 8 partial heads fill the listener: a new prober still gets in and is answered; a head that never
 * ends is closed 2 s after accept. */
static void test_http_partial_many_peers(void **state)
{
    (void)state;
    svc v;
    start(&v, 0);
    enum { PEERS = 100, EACH = 8 };
    int fds[PEERS * EACH];
    for (int p = 0; p < PEERS; p++) {
        char src[32];
        snprintf(src, sizeof src, "127.0.1.%d", 1 + p);
        for (int i = 0; i < EACH; i++) fds[p * EACH + i] = attack_one(v.metrics, src, 1);
    }
    usleep(200000);
    double ms;
    int code = http_get(v.metrics, "127.0.0.1", "/readyz", &ms);
    long evicted = metric(v.metrics, "lcp_http_connections_evicted_total");
    print_message("metrics listener, %d peers x %d partial heads: /readyz answered %d in %.1f ms, %ld evicted\n",
                  PEERS, EACH, code, ms, evicted);
    assert_int_equal(code, 503);
    assert_true(ms < 1000.0);
    assert_true(evicted >= 1);
    for (size_t i = 0; i < PEERS * EACH; i++)
        if (fds[i] >= 0) close(fds[i]);
    /* The head deadline. */
    int fd = attack_one(v.metrics, "127.0.0.3", 1);
    assert_true(fd >= 0);
    uint64_t t0 = now_ns();
    char buf[256];
    ssize_t r;
    while ((r = recv(fd, buf, sizeof buf, 0)) > 0) {
    }
    double s = (double)(now_ns() - t0) / 1e9;
    close(fd);
    assert_int_equal(r, 0); /* closed by the service, not the 3 s receive timeout */
    assert_true(s >= 1.5 && s < 2.9);
    stop(&v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_request_timeout),
        cmocka_unit_test(test_half_open_one_peer),
        cmocka_unit_test(test_half_open_many_peers),
        cmocka_unit_test(test_http_partial_one_peer),
        cmocka_unit_test(test_http_partial_many_peers),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
