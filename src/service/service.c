/* The service object (lcp/service.h): start-up (store, enclave workers, listeners), the event loop of the network
 * thread, and the drain on stop. */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lcp/host_lock.h"
#include "service_internal.h"

int svc_tag_listen_grpc = SVC_TAG_LISTEN_GRPC, svc_tag_listen_metrics = SVC_TAG_LISTEN_METRICS,
    svc_tag_event = SVC_TAG_EVENT;

static int listen_on(int *fd_out, char *bound, size_t bound_cap, const char *addr, char *err)
{
    char host[256], port_s[8];
    uint16_t port;
    if (lcp_service_parse_address(host, sizeof host, &port, addr) != LCP_OK)
        return lcp_fail(err, LCP_ERR_IO, "address %s is not HOST:PORT or [IPV6]:PORT", addr);
    snprintf(port_s, sizeof port_s, "%u", (unsigned)port);
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    int g = getaddrinfo(host, port_s, &hints, &res);
    if (g != 0) return lcp_fail(err, LCP_ERR_IO, "address %s: %s", addr, gai_strerror(g));
    int fd = -1, last = 0;
    for (struct addrinfo *ai = res; ai && fd < 0; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd < 0) {
            last = errno;
            continue;
        }
        int one = 1;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || listen(fd, SOMAXCONN) != 0) {
            last = errno;
            close(fd);
            fd = -1;
        }
    }
    freeaddrinfo(res);
    if (fd < 0) return lcp_fail(err, LCP_ERR_IO, "cannot listen on %s: %s", addr, strerror(last));
    struct sockaddr_storage ss;
    socklen_t sl = sizeof ss;
    char ip[INET6_ADDRSTRLEN] = "?";
    unsigned p = 0;
    if (getsockname(fd, (struct sockaddr *)&ss, &sl) == 0) {
        if (ss.ss_family == AF_INET6) {
            struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&ss;
            inet_ntop(AF_INET6, &a6->sin6_addr, ip, sizeof ip);
            p = ntohs(a6->sin6_port);
        } else {
            struct sockaddr_in *a4 = (struct sockaddr_in *)&ss;
            inet_ntop(AF_INET, &a4->sin_addr, ip, sizeof ip);
            p = ntohs(a4->sin_port);
        }
    }
    snprintf(bound, bound_cap, ss.ss_family == AF_INET6 ? "[%s]:%u" : "%s:%u", ip, p);
    *fd_out = fd;
    return LCP_OK;
}

/* Takes the home's lock (lcp/host_lock.h), creating the home (0700) if it does not exist yet. */
static int lock_home(lcp_service *s, char *err)
{
    if (!s->opt.home) return lcp_fail(err, LCP_ERR_ILLEGAL_ARG, "no home directory given");
    if (mkdir(s->opt.home, 0700) != 0 && errno != EEXIST)
        return lcp_fail(err, LCP_ERR_IO, "cannot create %s: %s", s->opt.home, strerror(errno));
    char what[4200];
    snprintf(what, sizeof what, "LCP_HOME %s", s->opt.home);
    int rc = lcp_host_lock(&s->home_lock, s->opt.home, what, err);
    if (rc == LCP_ERR_HOST_LOCKED) {
        char e[LCP_ERR_LEN];
        snprintf(e, sizeof e, "%s", err ? err : "");
        lcp_fail(err, rc, "%s; one lcp service per home", e);
    }
    return rc;
}

int lcp_service_new(lcp_service **out, const lcp_service_options *opt, char *err)
{
    *out = NULL;
    lcp_service *s = lcp_calloc(1, sizeof *s);
    if (!s) return lcp_fail(err, LCP_ERR_NOMEM, "out of memory");
    s->opt = *opt;
    if (!s->opt.address) s->opt.address = LCP_SERVICE_DEFAULT_ADDRESS;
    if (!s->opt.threads) s->opt.threads = LCP_SERVICE_DEFAULT_THREADS;
    if (!s->opt.max_message_len) s->opt.max_message_len = LCP_SERVICE_DEFAULT_MAX_MESSAGE;
    if (!s->opt.max_stream_len) s->opt.max_stream_len = LCP_SERVICE_DEFAULT_MAX_STREAM;
    if (!s->opt.drain_seconds) s->opt.drain_seconds = LCP_SERVICE_DEFAULT_DRAIN_SECONDS;
    if (!s->opt.idle_seconds) s->opt.idle_seconds = LCP_SERVICE_DEFAULT_IDLE_SECONDS;
    if (!s->opt.max_buffered) s->opt.max_buffered = LCP_SERVICE_MAX_BUFFERED;
    if (!s->opt.request_timeout_ms) s->opt.request_timeout_ms = LCP_SERVICE_DEFAULT_REQUEST_TIMEOUT_MS;
    if (!s->opt.max_connections_per_peer) s->opt.max_connections_per_peer = LCP_SERVICE_DEFAULT_MAX_CONNECTIONS_PER_PEER;
    s->epfd = s->evfd = s->grpc_fd = s->metrics_fd = -1;
    s->home_lock.fd = -1;
    pthread_mutex_init(&s->mu, NULL);
    pthread_cond_init(&s->cv, NULL);
    svc_metrics_init(&s->metrics);
    if (s->opt.threads > LCP_SERVICE_MAX_THREADS) {
        lcp_service_free(s);
        return lcp_fail(err, LCP_ERR_RANGE, "--threads must be 1..%d", LCP_SERVICE_MAX_THREADS);
    }
    s->nworkers = s->opt.threads;
    if (s->opt.max_connections_per_peer > LCP_SERVICE_MAX_CONNECTIONS) {
        lcp_service_free(s);
        return lcp_fail(err, LCP_ERR_RANGE, "--max_connections_per_peer must be 1..%d", LCP_SERVICE_MAX_CONNECTIONS);
    }
    if (svc_peers_init(&s->h2_peers, LCP_SERVICE_MAX_CONNECTIONS, LCP_SERVICE_CONNECTION_RESERVE,
                       s->opt.max_connections_per_peer) != LCP_OK ||
        svc_http1_init(s) != LCP_OK) {
        lcp_service_free(s);
        return lcp_fail(err, LCP_ERR_NOMEM, "out of memory");
    }
    /* Refuse a malformed address before starting any enclave process. */
    char host[256];
    uint16_t port;
    const char *bad = lcp_service_parse_address(host, sizeof host, &port, s->opt.address) != LCP_OK ? s->opt.address
                    : s->opt.metrics_address &&
                              lcp_service_parse_address(host, sizeof host, &port, s->opt.metrics_address) != LCP_OK
                        ? s->opt.metrics_address
                        : NULL;
    if (bad) {
        lcp_service_free(s);
        return lcp_fail(err, LCP_ERR_IO, "address %s is not HOST:PORT or [IPV6]:PORT", bad);
    }
    /* Each enclave verifies Tendermint signatures on a pool of LCP_VERIFY_THREADS threads (default: every CPU).
     * N workers at that default would run N x CPUs threads; unless the operator chose, give each enclave its
     * share. Set before any thread or enclave process exists (setenv is not thread-safe). */
    if (!getenv("LCP_VERIFY_THREADS")) {
        long cpus = sysconf(_SC_NPROCESSORS_ONLN), share = cpus > (long)s->nworkers ? cpus / (long)s->nworkers : 1L;
        char v[24];
        snprintf(v, sizeof v, "%ld", share > 64 ? 64L : share); /* the enclave's pool takes 1..64 */
        setenv("LCP_VERIFY_THREADS", v, 0);
    }
    /* One service per home, before any enclave starts: a second one would share the store and the keys. */
    int rc = lock_home(s, err);
    if (rc != LCP_OK) {
        lcp_service_free(s);
        return rc;
    }
    lcp_host_options ho = {s->opt.home, s->opt.sim_platform, s->opt.enclave_path, s->opt.backend};
    rc = lcp_host_open(&s->host, &ho, err);
    if (rc != LCP_OK) {
        lcp_service_free(s);
        return rc;
    }
    s->store = lcp_host_store(s->host);
    rc = lcp_host_committer_new(&s->committer, s->store, err);
    lcp_host_enclave_options eo = {s->opt.enclave_path, s->opt.sim_platform, s->opt.backend};
    for (unsigned i = 0; i < s->nworkers && rc == LCP_OK; i++) {
        svc_worker *w = &s->workers[i];
        w->s = s;
        /* Worker 0 uses the host's own enclave handle; the others get their own process. */
        if (i == 0) w->enclave = lcp_host_enclave_handle(s->host);
        else rc = lcp_host_enclave_new(&w->enclave, &eo, err);
        if (rc == LCP_OK) rc = svc_worker_exec_new(w, err);
        /* EnclaveInfo through each worker: every worker must run the same enclave. */
        lcp_host_enclave_identity id;
        if (rc == LCP_OK) rc = lcp_host_exec_enclave_info(w->exec, &id, err);
        if (rc == LCP_OK) {
            if (i == 0) {
                memcpy(s->mrenclave, id.mrenclave, 32);
                s->enclave_debug = id.debug;
                s->isv_svn = id.isv_svn;
                snprintf(s->backend, sizeof s->backend, "%s", id.backend[0] ? id.backend : "sim");
            } else if (memcmp(s->mrenclave, id.mrenclave, 32) != 0) {
                rc = lcp_fail(err, LCP_ERR_HOST_ENCLAVE_START, "enclave worker %u runs another MRENCLAVE", i);
            }
        }
    }
    if (rc == LCP_OK && (s->epfd = epoll_create1(EPOLL_CLOEXEC)) < 0)
        rc = lcp_fail(err, LCP_ERR_IO, "epoll: %s", strerror(errno));
    if (rc == LCP_OK && (s->evfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) < 0)
        rc = lcp_fail(err, LCP_ERR_IO, "eventfd: %s", strerror(errno));
    if (rc == LCP_OK) rc = listen_on(&s->grpc_fd, s->bound[0], sizeof s->bound[0], s->opt.address, err);
    if (rc == LCP_OK && s->opt.metrics_address)
        rc = listen_on(&s->metrics_fd, s->bound[1], sizeof s->bound[1], s->opt.metrics_address, err);
    struct epoll_event ev = {.events = EPOLLIN};
    if (rc == LCP_OK) {
        ev.data.ptr = &svc_tag_event;
        if (epoll_ctl(s->epfd, EPOLL_CTL_ADD, s->evfd, &ev) != 0) rc = lcp_fail(err, LCP_ERR_IO, "epoll_ctl");
        ev.data.ptr = &svc_tag_listen_grpc;
        if (rc == LCP_OK && epoll_ctl(s->epfd, EPOLL_CTL_ADD, s->grpc_fd, &ev) != 0) rc = lcp_fail(err, LCP_ERR_IO, "epoll_ctl");
        ev.data.ptr = &svc_tag_listen_metrics;
        if (rc == LCP_OK && s->metrics_fd >= 0 && epoll_ctl(s->epfd, EPOLL_CTL_ADD, s->metrics_fd, &ev) != 0)
            rc = lcp_fail(err, LCP_ERR_IO, "epoll_ctl");
    }
    if (rc == LCP_OK) rc = svc_rotation_start(s, err);
    if (rc != LCP_OK) {
        lcp_service_free(s);
        return rc;
    }
    *out = s;
    return LCP_OK;
}

void lcp_service_stop(lcp_service *s)
{
    uint64_t one = 1;
    atomic_store(&s->stop_requested, 1);
    /* write(2) is async-signal-safe; errno is saved for the interrupted code. */
    int saved = errno;
    ssize_t r = write(s->evfd, &one, sizeof one);
    (void)r;
    errno = saved;
}

int lcp_service_bound_address(const lcp_service *s, int which, char *out, size_t cap)
{
    if (which < 0 || which > 1 || !s->bound[which][0]) return LCP_ERR_RANGE;
    snprintf(out, cap, "%s", s->bound[which]);
    return LCP_OK;
}

const uint8_t *lcp_service_mrenclave(const lcp_service *s) { return s->mrenclave; }

static void close_listener(lcp_service *s, int *fd)
{
    if (*fd < 0) return;
    epoll_ctl(s->epfd, EPOLL_CTL_DEL, *fd, NULL);
    close(*fd);
    *fd = -1;
}

static void collect_done(lcp_service *s)
{
    uint64_t v;
    while (read(s->evfd, &v, sizeof v) < 0 && errno == EINTR) {
    }
    svc_job *j = svc_take_done(s);
    while (j) {
        svc_job *next = j->next;
        s->jobs_out--;
        s->queued_bytes -= j->bytes;
        svc_h2_complete(s, j);
        j = next;
    }
}

static void begin_drain(lcp_service *s)
{
    s->draining = 1;
    s->drain_deadline_ns = svc_now_ns() + (uint64_t)s->opt.drain_seconds * 1000000000ull;
    close_listener(s, &s->grpc_fd);
    svc_h2_goaway_all(s);
    lcp_log(LCP_LOG_INFO, "service: stopping: no new connections; %zu request(s) in progress", s->jobs_out);
}

int lcp_service_run(lcp_service *s, char *err)
{
    int rc = svc_workers_start(s, err);
    if (rc != LCP_OK) return rc;
    struct epoll_event evs[64];
    int forced = 0;
    for (;;) {
        uint64_t now = svc_now_ns();
        if (atomic_load(&s->stop_requested) && !s->draining) begin_drain(s);
        uint64_t next = svc_h2_deadlines(s, now);
        uint64_t next1 = svc_http1_sweep(s, now);
        if (next1 && (!next || next1 < next)) next = next1;
        if (s->draining) {
            if (s->jobs_out == 0 && !s->conns) break;
            if (now >= s->drain_deadline_ns && !forced) {
                lcp_log(LCP_LOG_WARN, "service: drain timeout: closing the remaining connections");
                forced = 1;
                svc_h2_close_all(s);
                svc_cancel_queued(s);
            }
            if (!forced && (!next || s->drain_deadline_ns < next)) next = s->drain_deadline_ns;
        }
        /* At most 1 s between rounds (no deadline is missed by more than that even if one is not reported). */
        int timeout = 1000;
        if (next) {
            uint64_t ms = next > now ? (next - now + 999999) / 1000000 : 0;
            if (ms < (uint64_t)timeout) timeout = (int)ms;
        }
        int n = epoll_wait(s->epfd, evs, (int)(sizeof evs / sizeof evs[0]), timeout);
        if (n < 0) {
            if (errno == EINTR) continue;
            rc = lcp_fail(err, LCP_ERR_IO, "epoll_wait: %s", strerror(errno));
            break;
        }
        for (int i = 0; i < n; i++) {
            int tag = *(int *)evs[i].data.ptr;
            if (tag == SVC_TAG_EVENT) collect_done(s);
            else if (tag == SVC_TAG_LISTEN_GRPC && s->grpc_fd >= 0) {
                if (svc_h2_accept(s) != LCP_OK) lcp_log(LCP_LOG_ERROR, "service: accept failed: %s", strerror(errno));
            } else if (tag == SVC_TAG_LISTEN_METRICS && s->metrics_fd >= 0) {
                (void)svc_http1_accept(s);
            } else if (tag == SVC_TAG_H2) {
                svc_h2_event(s, evs[i].data.ptr, evs[i].events);
            } else if (tag == SVC_TAG_HTTP1) {
                svc_http1_event(s, evs[i].data.ptr, evs[i].events);
            }
            /* SVC_TAG_CLOSED: a connection closed earlier in this batch; its memory waits in the graveyard. */
        }
        svc_h2_reap(s);
        svc_http1_reap(s);
    }
    svc_h2_close_all(s);
    svc_http1_close_all(s);
    svc_h2_reap(s);
    svc_http1_reap(s);
    close_listener(s, &s->grpc_fd);
    close_listener(s, &s->metrics_fd);
    svc_workers_stop(s);
    /* Jobs the workers finished after the connections closed. */
    svc_job *j = svc_take_done(s);
    while (j) {
        svc_job *next = j->next;
        svc_job_free(j);
        j = next;
    }
    return rc;
}

void lcp_service_free(lcp_service *s)
{
    if (!s) return;
    svc_rotation_stop(s);
    svc_workers_stop(s);
    svc_h2_close_all(s);
    svc_http1_close_all(s);
    svc_h2_reap(s);
    svc_http1_reap(s);
    for (svc_job *j = s->q_head, *n; j; j = n) {
        n = j->next;
        svc_job_free(j);
    }
    for (svc_job *j = s->done_head, *n; j; j = n) {
        n = j->next;
        svc_job_free(j);
    }
    for (unsigned i = 0; i < s->nworkers; i++) lcp_host_exec_free(s->workers[i].exec);
    for (unsigned i = 1; i < s->nworkers; i++) lcp_host_enclave_free(s->workers[i].enclave);
    if (s->epfd >= 0) {
        close_listener(s, &s->grpc_fd);
        close_listener(s, &s->metrics_fd);
        close(s->epfd);
    }
    if (s->evfd >= 0) close(s->evfd);
    lcp_host_committer_free(s->committer);
    lcp_host_close(s->host); /* worker 0's enclave and the store */
    lcp_host_unlock(&s->home_lock); /* last: the store is closed */
    svc_metrics_destroy(&s->metrics);
    svc_peers_free(&s->h2_peers);
    svc_peers_free(&s->http1_peers);
    pthread_cond_destroy(&s->cv);
    pthread_mutex_destroy(&s->mu);
    lcp_free(s);
}
