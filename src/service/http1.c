/* The metrics listener: a deliberately small HTTP/1.1 server. One request per connection (GET or HEAD of
 * /metrics, /healthz, /readyz), answered with Connection: close. Requests are bounded (4 KiB of head, 2 s from
 * accept to send it, 10 s more to take the answer), and so are connections: HTTP1_PER_PEER per peer, the last
 * HTTP1_RESERVE of MAX_HTTP1 kept for peers holding none, and when all are taken a new peer evicts the oldest
 * connection of the peer holding most, or the oldest of all when every peer holds one (svc_peers). A prober from one address is answered whatever another
 * address does; one that misbehaves costs a few small buffers for two seconds. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "service_internal.h"

#define HEAD_MAX 4096
#define HEAD_TIMEOUT_NS (2ull * 1000000000ull)
#define WRITE_TIMEOUT_NS (10ull * 1000000000ull)
#define MAX_HTTP1 64
#define HTTP1_RESERVE 16
#define HTTP1_PER_PEER 8

typedef struct svc_http1 {
    int tag;
    int fd;
    struct svc_http1 *next, *prev;
    char in[HEAD_MAX];
    size_t in_len;
    lcp_buf out;
    size_t out_off;
    int responding;
    uint64_t t_accept;
    uint64_t deadline;
    svc_peer_key peer;
} svc_http1;

int svc_http1_init(lcp_service *s)
{
    int rc = svc_peers_init(&s->http1_peers, MAX_HTTP1, HTTP1_RESERVE, HTTP1_PER_PEER);
    /* A request here takes milliseconds: when 64 peers hold one connection each, the oldest is the stalled one. */
    s->http1_peers.evict_oldest = 1;
    return rc;
}

static void close_conn(lcp_service *s, svc_http1 *c)
{
    epoll_ctl(s->epfd, EPOLL_CTL_DEL, c->fd, NULL);
    close(c->fd);
    if (c->prev) c->prev->next = c->next;
    else s->http1s = c->next;
    if (c->next) c->next->prev = c->prev;
    svc_peers_del(&s->http1_peers, &c->peer);
    lcp_buf_free(&c->out);
    c->tag = SVC_TAG_CLOSED;
    c->next = s->http1_dead;
    s->http1_dead = c;
}

void svc_http1_reap(lcp_service *s)
{
    while (s->http1_dead) {
        svc_http1 *c = s->http1_dead;
        s->http1_dead = c->next;
        lcp_free(c);
    }
}

/* Closes the oldest connection of victim (NULL: of anyone), for a peer that holds none. */
static void evict(lcp_service *s, const svc_peer_key *victim)
{
    svc_http1 *old = NULL;
    for (svc_http1 *c = s->http1s; c; c = c->next)
        if ((!victim || memcmp(&c->peer, victim, sizeof *victim) == 0) && (!old || c->t_accept < old->t_accept))
            old = c;
    if (!old) return;
    svc_metrics_count(&s->metrics, &s->metrics.http_evicted);
    close_conn(s, old);
}

int svc_http1_accept(lcp_service *s)
{
    for (;;) {
        struct sockaddr_storage ss;
        socklen_t sl = sizeof ss;
        memset(&ss, 0, sizeof ss);
        int fd = accept4(s->metrics_fd, (struct sockaddr *)&ss, &sl, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? LCP_OK : LCP_ERR_IO;
        svc_peer_key peer, victim;
        svc_peer_key_of(&peer, &ss);
        int a = svc_peers_admit(&s->http1_peers, &peer, &victim);
        if (a == SVC_ADMIT_EVICT || a == SVC_ADMIT_EVICT_OLDEST) evict(s, a == SVC_ADMIT_EVICT ? &victim : NULL);
        svc_http1 *c = a == SVC_ADMIT || a == SVC_ADMIT_EVICT || a == SVC_ADMIT_EVICT_OLDEST ? lcp_calloc(1, sizeof *c)
                                                                                           : NULL;
        if (!c) {
            svc_metrics_count(&s->metrics, &s->metrics.http_refused);
            close(fd);
            continue;
        }
        c->tag = SVC_TAG_HTTP1;
        c->fd = fd;
        c->peer = peer;
        c->t_accept = svc_now_ns();
        c->deadline = c->t_accept + HEAD_TIMEOUT_NS;
        struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
        if (epoll_ctl(s->epfd, EPOLL_CTL_ADD, fd, &ev) != 0) {
            close(fd);
            lcp_free(c);
            continue;
        }
        c->next = s->http1s;
        if (s->http1s) s->http1s->prev = c;
        s->http1s = c;
        svc_peers_add(&s->http1_peers, &c->peer);
    }
}

static int respond(svc_http1 *c, int code, const char *reason, const char *ctype, const uint8_t *body, size_t len,
                   int head_only)
{
    char h[256];
    int n = snprintf(h, sizeof h,
                     "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\nConnection: close\r\n"
                     "Cache-Control: no-store\r\n\r\n",
                     code, reason, ctype, len);
    c->out.len = 0;
    int rc = lcp_buf_append(&c->out, h, (size_t)n);
    if (rc == LCP_OK && !head_only && len) rc = lcp_buf_append(&c->out, body, len);
    c->responding = 1;
    /* The head arrived in time; the answer (a scrape can be large) gets its own bound. */
    c->deadline = svc_now_ns() + WRITE_TIMEOUT_NS;
    return rc;
}

static int text(svc_http1 *c, int code, const char *reason, const char *msg, int head_only)
{
    char b[LCP_ERR_LEN + 2];
    int n = snprintf(b, sizeof b, "%s\n", msg);
    return respond(c, code, reason, "text/plain; charset=utf-8", (const uint8_t *)b, (size_t)n, head_only);
}

int svc_http1_parse(const char *in, size_t len, int *head)
{
    /* Request line: METHOD SP TARGET SP VERSION; headers are read only to find their end. */
    *head = 0;
    const char *sp1 = memchr(in, ' ', len);
    const char *eol = memchr(in, '\r', len);
    if (!sp1 || !eol || sp1 > eol) return SVC_HTTP_BAD;
    const char *sp2 = memchr(sp1 + 1, ' ', (size_t)(eol - sp1 - 1));
    if (!sp2) return SVC_HTTP_BAD;
    size_t ml = (size_t)(sp1 - in), tl = (size_t)(sp2 - sp1 - 1);
    const char *target = sp1 + 1;
    *head = ml == 4 && memcmp(in, "HEAD", 4) == 0;
    if (!*head && !(ml == 3 && memcmp(in, "GET", 3) == 0)) return SVC_HTTP_METHOD;
    /* Ignore a query string. */
    const char *q = memchr(target, '?', tl);
    if (q) tl = (size_t)(q - target);
    if (tl == 8 && memcmp(target, "/healthz", 8) == 0) return SVC_HTTP_HEALTHZ;
    if (tl == 7 && memcmp(target, "/readyz", 7) == 0) return SVC_HTTP_READYZ;
    if (tl == 8 && memcmp(target, "/metrics", 8) == 0) return SVC_HTTP_METRICS;
    return SVC_HTTP_NOT_FOUND;
}

size_t svc_http1_head_end(const char *in, size_t len, size_t from)
{
    for (size_t i = from; i + 4 <= len; i++)
        if (memcmp(in + i, "\r\n\r\n", 4) == 0) return i + 4;
    return 0;
}

static int route(lcp_service *s, svc_http1 *c)
{
    int head;
    switch (svc_http1_parse(c->in, c->in_len, &head)) {
    case SVC_HTTP_BAD:
        return text(c, 400, "Bad Request", "malformed request line", 0);
    case SVC_HTTP_METHOD:
        return text(c, 405, "Method Not Allowed", "use GET", 0);
    case SVC_HTTP_HEALTHZ:
        return text(c, 200, "OK", "ok", head);
    case SVC_HTTP_READYZ: {
        char why[LCP_ERR_LEN];
        int ready = svc_ready(s, why, sizeof why);
        return ready ? text(c, 200, "OK", why, head) : text(c, 503, "Service Unavailable", why, head);
    }
    case SVC_HTTP_METRICS: {
        lcp_buf m = {0};
        int rc = svc_metrics_render(s, &m);
        if (rc == LCP_OK) rc = respond(c, 200, "OK", "text/plain; version=0.0.4; charset=utf-8", m.data, m.len, head);
        else rc = text(c, 500, "Internal Server Error", "cannot render metrics", 0);
        lcp_buf_free(&m);
        return rc;
    }
    default:
        return text(c, 404, "Not Found", "not found: try /metrics, /healthz or /readyz", head);
    }
}

static void flush(lcp_service *s, svc_http1 *c)
{
    while (c->out_off < c->out.len) {
        ssize_t n = send(c->fd, c->out.data + c->out_off, c->out.len - c->out_off, MSG_NOSIGNAL);
        if (n > 0) {
            c->out_off += (size_t)n;
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            struct epoll_event ev = {.events = EPOLLOUT, .data.ptr = c};
            epoll_ctl(s->epfd, EPOLL_CTL_MOD, c->fd, &ev);
            return;
        }
        break;
    }
    close_conn(s, c);
}

void svc_http1_event(lcp_service *s, svc_http1 *c, uint32_t events)
{
    if (c->tag == SVC_TAG_CLOSED) return;
    if (c->responding) {
        flush(s, c);
        return;
    }
    if (events & (EPOLLERR | EPOLLHUP) && !(events & EPOLLIN)) {
        close_conn(s, c);
        return;
    }
    for (;;) {
        if (c->in_len == HEAD_MAX) {
            if (text(c, 431, "Request Header Fields Too Large", "request head over 4 KiB", 0) != LCP_OK) {
                close_conn(s, c);
                return;
            }
            flush(s, c);
            return;
        }
        ssize_t n = recv(c->fd, c->in + c->in_len, HEAD_MAX - c->in_len, 0);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
        if (n <= 0) {
            close_conn(s, c);
            return;
        }
        size_t from = c->in_len >= 3 ? c->in_len - 3 : 0;
        c->in_len += (size_t)n;
        if (svc_http1_head_end(c->in, c->in_len, from)) {
            if (route(s, c) != LCP_OK) {
                close_conn(s, c);
                return;
            }
            flush(s, c);
            return;
        }
    }
}

uint64_t svc_http1_sweep(lcp_service *s, uint64_t now)
{
    uint64_t first = 0;
    svc_http1 *c = s->http1s;
    while (c) {
        svc_http1 *next = c->next;
        if (now >= c->deadline) {
            if (!c->responding) svc_metrics_count(&s->metrics, &s->metrics.http_timeouts);
            close_conn(s, c);
        } else if (!first || c->deadline < first) {
            first = c->deadline;
        }
        c = next;
    }
    return first;
}

void svc_http1_close_all(lcp_service *s)
{
    while (s->http1s) close_conn(s, s->http1s);
}
