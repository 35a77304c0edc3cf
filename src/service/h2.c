/* gRPC over HTTP/2 (grpc/doc/PROTOCOL-HTTP2.md) on nghttp2 server sessions, h2c with prior knowledge.
 *
 * A connection is one nghttp2 session fed from a non-blocking socket (mem_recv / mem_send: nghttp2 never does
 * I/O itself). A request stream collects its headers, reads length-prefixed messages as DATA arrives, and when
 * the client half-closes it is answered: here (enclave queries), or by a worker job (light-client methods).
 * Responses are HEADERS (:status 200, content-type application/grpc), DATA (one message), then trailers with
 * grpc-status; errors are Trailers-Only (one HEADERS frame with grpc-status and a percent-encoded grpc-message).
 * An error found before the request ends (unknown method, oversized message) is answered at once and the rest
 * of the request is refused with RST_STREAM(NO_ERROR), as RFC 9113 §8.1 allows after a complete response.
 * Connections are never closed from inside an nghttp2 callback: the event handler closes them after
 * mem_recv / mem_send return. */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <nghttp2/nghttp2.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "service_internal.h"

#define MAX_STREAMS_PER_CONN 100
#define STREAM_WINDOW (1u << 20)
#define CONN_WINDOW (16u << 20)
#define READ_CHUNK 65536

typedef struct svc_conn {
    int tag;
    int fd;
    lcp_service *s;
    nghttp2_session *h2;
    struct svc_conn *next, *prev;
    struct svc_stream *streams;
    lcp_buf pend;       /* bytes nghttp2 produced that the socket did not take yet */
    size_t pend_off;
    uint32_t events;    /* current epoll interest */
    int dead;           /* close at the end of the current event */
    int spoke;          /* a valid frame arrived (the preface was good) */
    uint64_t t_accept, t_active;
    svc_peer_key peer;  /* counted in s->h2_peers while open */
} svc_conn;

typedef struct svc_stream {
    struct svc_stream *next, *prev;
    svc_conn *conn;
    int32_t id;
    int method;         /* -1 = unknown path */
    char path[96];
    int is_post, ct_ok, bad_timeout;
    int headers_in;     /* the request's header block is complete */
    int request_in;     /* the client half-closed: the request is complete */
    uint64_t t_start, deadline;
    uint64_t recv_deadline; /* the request must be complete by then (request_timeout_ms) */
    lcp_grpc_reader rd;
    lcp_buf unary;      /* the unary request message */
    size_t nmsgs;
    int fail_status;    /* set by a message callback that refuses a message */
    char why[LCP_ERR_LEN];
    svc_job *job;       /* stream assembly, then the queued job */
    int queued;
    int responded, counted;
    lcp_buf out;        /* the response message with its prefix */
    size_t out_off;
    size_t accounted;   /* bytes counted in lcp_service.buffered */
} svc_stream;

static svc_stream *stream_of(nghttp2_session *h2, int32_t id) { return nghttp2_session_get_stream_user_data(h2, id); }

/* Re-counts the request bytes st holds into s->buffered. */
static void account(svc_stream *st)
{
    lcp_service *s = st->conn->s;
    size_t cur = st->rd.body.cap + st->unary.cap + (st->job && !st->queued ? st->job->upd_value.cap : 0);
    s->buffered = s->buffered - st->accounted + cur;
    st->accounted = cur;
}

/* Drops what a refused request was holding. */
static void release_buffers(svc_stream *st)
{
    lcp_grpc_reader_free(&st->rd);
    lcp_buf_free(&st->unary);
    if (st->job && !st->queued) lcp_buf_free(&st->job->upd_value);
    account(st);
}

static void count_request(svc_stream *st, int status)
{
    if (st->counted) return;
    st->counted = 1;
    svc_metrics_request(&st->conn->s->metrics, st->method < 0 ? SVC_M_UNKNOWN : st->method, status,
                        svc_now_ns() - st->t_start);
}

/* Detaches the job: a queued job becomes an orphan the network thread frees when the worker hands it back. */
static void drop_job(svc_stream *st)
{
    svc_job *j = st->job;
    if (!j) return;
    st->job = NULL;
    if (st->queued) {
        atomic_store(&j->cancelled, 1);
        j->stream = NULL;
    } else {
        svc_job_free(j);
    }
}

static void stream_free(svc_stream *st)
{
    svc_conn *c = st->conn;
    c->s->buffered -= st->accounted;
    st->accounted = 0;
    drop_job(st);
    if (st->prev) st->prev->next = st->next;
    else c->streams = st->next;
    if (st->next) st->next->prev = st->prev;
    lcp_grpc_reader_free(&st->rd);
    lcp_buf_free(&st->unary);
    lcp_buf_free(&st->out);
    lcp_free(st);
}

#define NV(n, v, vl) {(uint8_t *)(n), (uint8_t *)(v), sizeof(n) - 1, (vl), NGHTTP2_NV_FLAG_NONE}

/* Trailers-Only error response (or an HTTP error for requests that are not gRPC). */
static void respond_error_http(svc_stream *st, const char *http, int status, const char *msg)
{
    if (st->responded) return;
    st->responded = 1;
    release_buffers(st);
    drop_job(st);
    char code[8], enc[3 * LCP_ERR_LEN + 1];
    snprintf(code, sizeof code, "%d", status);
    size_t el = lcp_grpc_percent_encode(enc, sizeof enc, (const uint8_t *)msg, strlen(msg));
    nghttp2_nv hdrs[] = {NV(":status", http, strlen(http)), NV("content-type", "application/grpc", 16),
                         NV("grpc-status", code, strlen(code)), NV("grpc-message", enc, el)};
    if (nghttp2_submit_response(st->conn->h2, st->id, hdrs, sizeof hdrs / sizeof hdrs[0], NULL) != 0)
        nghttp2_submit_rst_stream(st->conn->h2, NGHTTP2_FLAG_NONE, st->id, NGHTTP2_INTERNAL_ERROR);
    count_request(st, status);
    if (status != LCP_GRPC_OK)
        lcp_log(LCP_LOG_DEBUG, "%s -> %s: %s", st->method >= 0 ? svc_methods[st->method].path : st->path,
                lcp_grpc_status_name(status), msg);
}

static void respond_error(svc_stream *st, int status, const char *msg) { respond_error_http(st, "200", status, msg); }

static ssize_t data_read(nghttp2_session *h2, int32_t id, uint8_t *buf, size_t length, uint32_t *flags,
                         nghttp2_data_source *src, void *ud)
{
    (void)ud;
    svc_stream *st = src->ptr;
    size_t left = st->out.len - st->out_off, n = left < length ? left : length;
    memcpy(buf, st->out.data + st->out_off, n);
    st->out_off += n;
    if (st->out_off == st->out.len) {
        *flags |= NGHTTP2_DATA_FLAG_EOF | NGHTTP2_DATA_FLAG_NO_END_STREAM;
        nghttp2_nv tr[] = {NV("grpc-status", "0", 1)};
        if (nghttp2_submit_trailer(h2, id, tr, 1) != 0) return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE;
    }
    return (ssize_t)n;
}

/* Sends body (a prefixed message, taken over) as the response. */
static void respond_ok(svc_stream *st, lcp_buf *body)
{
    if (st->responded) {
        lcp_buf_free(body);
        return;
    }
    st->responded = 1;
    lcp_buf_free(&st->out);
    st->out = *body;
    memset(body, 0, sizeof *body);
    st->out_off = 0;
    nghttp2_nv hdrs[] = {NV(":status", "200", 3), NV("content-type", "application/grpc", 16),
                         NV("grpc-accept-encoding", "identity", 8)};
    nghttp2_data_provider prd;
    prd.source.ptr = st;
    prd.read_callback = data_read;
    if (nghttp2_submit_response(st->conn->h2, st->id, hdrs, sizeof hdrs / sizeof hdrs[0], &prd) != 0)
        nghttp2_submit_rst_stream(st->conn->h2, NGHTTP2_FLAG_NONE, st->id, NGHTTP2_INTERNAL_ERROR);
    count_request(st, LCP_GRPC_OK);
}

/* ---- request side ---- */

static int on_begin_headers(nghttp2_session *h2, const nghttp2_frame *f, void *ud)
{
    svc_conn *c = ud;
    if (f->hd.type != NGHTTP2_HEADERS || f->headers.cat != NGHTTP2_HCAT_REQUEST) return 0;
    svc_stream *st = lcp_calloc(1, sizeof *st);
    if (!st) return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE; /* nghttp2 resets the stream */
    st->conn = c;
    st->id = f->hd.stream_id;
    st->method = -1;
    st->t_start = svc_now_ns();
    st->recv_deadline = st->t_start + (uint64_t)c->s->opt.request_timeout_ms * 1000000ull;
    st->rd.max = c->s->opt.max_message_len;
    st->next = c->streams;
    if (c->streams) c->streams->prev = st;
    c->streams = st;
    nghttp2_session_set_stream_user_data(h2, st->id, st);
    return 0;
}

static int on_header(nghttp2_session *h2, const nghttp2_frame *f, const uint8_t *name, size_t nl, const uint8_t *value,
                     size_t vl, uint8_t flags, void *ud)
{
    (void)flags;
    (void)ud;
    if (f->hd.type != NGHTTP2_HEADERS || f->headers.cat != NGHTTP2_HCAT_REQUEST) return 0; /* trailers: ignored */
    svc_stream *st = stream_of(h2, f->hd.stream_id);
    if (!st) return 0;
    if (nl == 5 && memcmp(name, ":path", 5) == 0) {
        st->method = svc_method_find((const char *)value, vl);
        size_t n = vl < sizeof st->path - 1 ? vl : sizeof st->path - 1;
        /* Only for messages: keep printable ASCII. */
        for (size_t i = 0; i < n; i++) st->path[i] = value[i] >= 0x20 && value[i] < 0x7f ? (char)value[i] : '?';
        st->path[n] = '\0';
    } else if (nl == 7 && memcmp(name, ":method", 7) == 0) {
        st->is_post = vl == 4 && memcmp(value, "POST", 4) == 0;
    } else if (nl == 12 && memcmp(name, "content-type", 12) == 0) {
        st->ct_ok = vl >= 16 && memcmp(value, "application/grpc", 16) == 0 &&
                    (vl == 16 || value[16] == '+' || value[16] == ';');
    } else if (nl == 12 && memcmp(name, "grpc-timeout", 12) == 0) {
        uint64_t ns;
        if (lcp_grpc_timeout_parse(&ns, (const char *)value, vl) != LCP_OK) st->bad_timeout = 1;
        else st->deadline = ns > UINT64_MAX - st->t_start ? 0 : st->t_start + ns;
    }
    return 0;
}

/* The request headers are complete: refuse what cannot be served before reading any message. */
static void headers_done(svc_stream *st)
{
    lcp_service *s = st->conn->s;
    if (!st->is_post) {
        respond_error_http(st, "405", LCP_GRPC_UNIMPLEMENTED, "gRPC requests use POST");
    } else if (!st->ct_ok) {
        respond_error_http(st, "415", LCP_GRPC_INTERNAL, "content-type must be application/grpc");
    } else if (st->bad_timeout) {
        respond_error(st, LCP_GRPC_INTERNAL, "malformed grpc-timeout");
    } else if (st->method < 0) {
        char m[LCP_ERR_LEN];
        snprintf(m, sizeof m, "unknown method %s", st->path);
        respond_error(st, LCP_GRPC_UNIMPLEMENTED, m);
    } else if (svc_methods[st->method].kind == SVC_KIND_STREAM) {
        if (!(st->job = lcp_calloc(1, sizeof *st->job))) respond_error(st, LCP_GRPC_RESOURCE_EXHAUSTED, "out of memory");
        else st->job->method = SVC_M_UPDATE_CLIENT_STREAM;
        /* A chunk is one message; the whole header is bounded separately (max_stream_len). */
        st->rd.max = s->opt.max_message_len;
    }
}

static int on_message(void *ud, const uint8_t *msg, size_t len)
{
    svc_stream *st = ud;
    lcp_service *s = st->conn->s;
    st->nmsgs++;
    if (svc_methods[st->method].kind == SVC_KIND_STREAM) {
        int status = LCP_GRPC_INTERNAL;
        if (svc_stream_chunk(s, st->job, msg, len, &status, st->why) != LCP_OK) {
            st->fail_status = status;
            return LCP_ERR_PROTO;
        }
        return LCP_OK;
    }
    if (st->nmsgs > 1) {
        st->fail_status = LCP_GRPC_UNIMPLEMENTED;
        snprintf(st->why, sizeof st->why, "more than one request message for a unary method");
        return LCP_ERR_PROTO;
    }
    st->unary.len = 0;
    if (lcp_buf_append(&st->unary, len ? msg : (const uint8_t *)"", len) != LCP_OK) {
        st->fail_status = LCP_GRPC_RESOURCE_EXHAUSTED;
        snprintf(st->why, sizeof st->why, "out of memory");
        return LCP_ERR_NOMEM;
    }
    return LCP_OK;
}

static int on_data(nghttp2_session *h2, uint8_t flags, int32_t id, const uint8_t *data, size_t len, void *ud)
{
    (void)flags;
    (void)ud;
    svc_stream *st = stream_of(h2, id);
    if (!st || st->responded || st->method < 0) return 0; /* refused already: discard */
    char err[LCP_ERR_LEN] = "";
    st->fail_status = 0;
    lcp_service *s = st->conn->s;
    if (lcp_grpc_reader_feed(&st->rd, data, len, on_message, st, err) != LCP_OK) {
        respond_error(st, st->fail_status ? st->fail_status : st->rd.status, st->fail_status ? st->why : err);
        return 0;
    }
    account(st);
    if (s->buffered + s->queued_bytes > s->opt.max_buffered)
        respond_error(st, LCP_GRPC_RESOURCE_EXHAUSTED, "the service holds too many request bytes; retry later");
    return 0;
}

/* The client half-closed: answer or hand over to a worker. */
static void request_done(svc_stream *st)
{
    lcp_service *s = st->conn->s;
    st->request_in = 1;
    if (st->responded) return;
    if (!lcp_grpc_reader_idle(&st->rd)) {
        respond_error(st, LCP_GRPC_INTERNAL, "request ends inside a message (truncated gRPC message)");
        return;
    }
    int kind = svc_methods[st->method].kind, status = LCP_GRPC_INTERNAL;
    char why[LCP_ERR_LEN] = "";
    if (kind != SVC_KIND_STREAM && st->nmsgs != 1) {
        respond_error(st, LCP_GRPC_UNIMPLEMENTED, "a unary method needs exactly one request message");
        return;
    }
    if (kind == SVC_KIND_LOCAL) {
        lcp_buf resp = {0};
        lcp_grpc_reader_free(&st->rd);
        if (svc_local(s, st->method, st->unary.data, st->unary.len, &resp, &status, why) == LCP_OK) respond_ok(st, &resp);
        else respond_error(st, status, why);
        lcp_buf_free(&resp);
        return;
    }
    svc_job *j;
    if (kind == SVC_KIND_STREAM) {
        j = st->job;
        if (svc_stream_finish(j, &status, why) != LCP_OK) {
            respond_error(st, status, why);
            return;
        }
    } else {
        j = svc_job_new(s, st->method, st->unary.data, st->unary.len, &status, why);
        if (!j) {
            respond_error(st, status, why);
            return;
        }
        st->job = j;
    }
    j->bytes = kind == SVC_KIND_STREAM ? j->upd_value.cap : st->unary.len;
    lcp_buf_free(&st->unary);
    lcp_grpc_reader_free(&st->rd);
    j->deadline_ns = st->deadline;
    j->stream = st;
    if (svc_enqueue(s, j) != LCP_OK) {
        respond_error(st, LCP_GRPC_RESOURCE_EXHAUSTED, "too many requests waiting for an enclave worker");
        return;
    }
    st->queued = 1;
    s->queued_bytes += j->bytes;
    account(st);
}

static int on_frame_recv(nghttp2_session *h2, const nghttp2_frame *f, void *ud)
{
    ((svc_conn *)ud)->spoke = 1;
    if (f->hd.type != NGHTTP2_HEADERS && f->hd.type != NGHTTP2_DATA) return 0;
    svc_stream *st = stream_of(h2, f->hd.stream_id);
    if (!st) return 0;
    if (f->hd.type == NGHTTP2_HEADERS && f->headers.cat == NGHTTP2_HCAT_REQUEST) {
        st->headers_in = 1;
        headers_done(st);
    }
    if (f->hd.flags & NGHTTP2_FLAG_END_STREAM) request_done(st);
    return 0;
}

static int on_frame_send(nghttp2_session *h2, const nghttp2_frame *f, void *ud)
{
    (void)ud;
    /* After our END_STREAM, a client still sending is told to stop, without an error. */
    if ((f->hd.type == NGHTTP2_HEADERS || f->hd.type == NGHTTP2_DATA) && (f->hd.flags & NGHTTP2_FLAG_END_STREAM) &&
        nghttp2_session_get_stream_remote_close(h2, f->hd.stream_id) == 0)
        nghttp2_submit_rst_stream(h2, NGHTTP2_FLAG_NONE, f->hd.stream_id, NGHTTP2_NO_ERROR);
    return 0;
}

static int on_stream_close(nghttp2_session *h2, int32_t id, uint32_t code, void *ud)
{
    (void)code;
    (void)ud;
    svc_stream *st = stream_of(h2, id);
    if (!st) return 0;
    if (!st->responded) count_request(st, LCP_GRPC_CANCELLED); /* the client reset it */
    nghttp2_session_set_stream_user_data(h2, id, NULL);
    stream_free(st);
    return 0;
}

/* ---- connections ---- */

static void conn_close(lcp_service *s, svc_conn *c)
{
    while (c->streams) stream_free(c->streams);
    epoll_ctl(s->epfd, EPOLL_CTL_DEL, c->fd, NULL);
    close(c->fd);
    nghttp2_session_del(c->h2);
    if (c->prev) c->prev->next = c->next;
    else s->conns = c->next;
    if (c->next) c->next->prev = c->prev;
    s->nconns--;
    svc_peers_del(&s->h2_peers, &c->peer);
    lcp_buf_free(&c->pend);
    c->tag = SVC_TAG_CLOSED;
    c->h2 = NULL;
    c->next = s->h2_dead;
    s->h2_dead = c;
}

void svc_h2_reap(lcp_service *s)
{
    while (s->h2_dead) {
        svc_conn *c = s->h2_dead;
        s->h2_dead = c->next;
        lcp_free(c);
    }
}

static void set_events(lcp_service *s, svc_conn *c, uint32_t ev)
{
    if (ev == c->events) return;
    struct epoll_event e = {.events = ev, .data.ptr = c};
    if (epoll_ctl(s->epfd, EPOLL_CTL_MOD, c->fd, &e) == 0) c->events = ev;
    else c->dead = 1;
}

/* Writes what nghttp2 has to send; keeps the rest for EPOLLOUT. Marks the connection dead when it is finished. */
static void conn_flush(lcp_service *s, svc_conn *c)
{
    while (!c->dead) {
        if (c->pend_off < c->pend.len) {
            ssize_t n = send(c->fd, c->pend.data + c->pend_off, c->pend.len - c->pend_off, MSG_NOSIGNAL);
            if (n > 0) {
                c->pend_off += (size_t)n;
                continue;
            }
            if (n < 0 && errno == EINTR) continue;
            if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
            c->dead = 1;
            break;
        }
        c->pend.len = c->pend_off = 0;
        const uint8_t *data;
        ssize_t n = nghttp2_session_mem_send(c->h2, &data);
        if (n < 0) {
            c->dead = 1;
            break;
        }
        if (n == 0) break;
        /* data is valid until the next mem_send: keep a copy of what the socket does not take now. */
        if (lcp_buf_append(&c->pend, data, (size_t)n) != LCP_OK) c->dead = 1;
    }
    if (c->dead) return;
    int pending = c->pend_off < c->pend.len;
    if (!pending && !nghttp2_session_want_read(c->h2) && !nghttp2_session_want_write(c->h2)) {
        c->dead = 1; /* GOAWAY exchanged and no stream left */
        return;
    }
    set_events(s, c, EPOLLIN | (pending ? EPOLLOUT : 0));
}

/* Makes room for a new peer: closes the least recently active connection of victim. */
static void evict(lcp_service *s, const svc_peer_key *victim)
{
    svc_conn *old = NULL;
    for (svc_conn *c = s->conns; c; c = c->next)
        if (memcmp(&c->peer, victim, sizeof *victim) == 0 && (!old || c->t_active < old->t_active)) old = c;
    if (!old) return;
    svc_metrics_count(&s->metrics, &s->metrics.connections_evicted);
    nghttp2_session_terminate_session(old->h2, NGHTTP2_ENHANCE_YOUR_CALM);
    conn_flush(s, old);
    conn_close(s, old);
}

/* Applies the connection rules to a new connection from ss (lcp/service.h "Connections"). 1 = keep it. */
static int admit(lcp_service *s, const struct sockaddr_storage *ss, svc_peer_key *peer)
{
    svc_peer_key victim;
    svc_peer_key_of(peer, ss);
    if (s->draining) return 0;
    int a = svc_peers_admit(&s->h2_peers, peer, &victim);
    if (a == SVC_ADMIT_EVICT) evict(s, &victim);
    else if (a != SVC_ADMIT) return 0;
    return 1;
}

int svc_h2_accept(lcp_service *s)
{
    for (;;) {
        struct sockaddr_storage ss;
        socklen_t sl = sizeof ss;
        memset(&ss, 0, sizeof ss);
        int fd = accept4(s->grpc_fd, (struct sockaddr *)&ss, &sl, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR || errno == ECONNABORTED) return LCP_OK;
            if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
                lcp_log(LCP_LOG_WARN, "service: accept: %s", strerror(errno));
                return LCP_OK;
            }
            return LCP_ERR_IO;
        }
        svc_peer_key peer;
        if (!admit(s, &ss, &peer)) {
            svc_metrics_count(&s->metrics, &s->metrics.connections_refused);
            close(fd);
            continue;
        }
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        svc_conn *c = lcp_calloc(1, sizeof *c);
        nghttp2_session_callbacks *cb = NULL;
        int ok = c && nghttp2_session_callbacks_new(&cb) == 0;
        if (ok) {
            nghttp2_session_callbacks_set_on_begin_headers_callback(cb, on_begin_headers);
            nghttp2_session_callbacks_set_on_header_callback(cb, on_header);
            nghttp2_session_callbacks_set_on_frame_recv_callback(cb, on_frame_recv);
            nghttp2_session_callbacks_set_on_data_chunk_recv_callback(cb, on_data);
            nghttp2_session_callbacks_set_on_frame_send_callback(cb, on_frame_send);
            nghttp2_session_callbacks_set_on_stream_close_callback(cb, on_stream_close);
            ok = nghttp2_session_server_new(&c->h2, cb, c) == 0;
        }
        nghttp2_session_callbacks_del(cb);
        nghttp2_settings_entry iv[] = {{NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, MAX_STREAMS_PER_CONN},
                                       {NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, STREAM_WINDOW},
                                       {NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE, 16384}};
        ok = ok && nghttp2_submit_settings(c->h2, NGHTTP2_FLAG_NONE, iv, sizeof iv / sizeof iv[0]) == 0 &&
             nghttp2_session_set_local_window_size(c->h2, NGHTTP2_FLAG_NONE, 0, CONN_WINDOW) == 0;
        struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
        if (ok) {
            c->tag = SVC_TAG_H2;
            c->fd = fd;
            c->s = s;
            c->events = EPOLLIN;
            c->t_accept = c->t_active = svc_now_ns();
            c->peer = peer;
            ok = epoll_ctl(s->epfd, EPOLL_CTL_ADD, fd, &ev) == 0;
        }
        if (!ok) {
            if (c && c->h2) nghttp2_session_del(c->h2);
            lcp_free(c);
            close(fd);
            continue;
        }
        c->next = s->conns;
        if (s->conns) s->conns->prev = c;
        s->conns = c;
        s->nconns++;
        svc_peers_add(&s->h2_peers, &c->peer);
        svc_metrics_count(&s->metrics, &s->metrics.connections_total);
        conn_flush(s, c);
        if (c->dead) conn_close(s, c);
    }
}

void svc_h2_event(lcp_service *s, svc_conn *c, uint32_t events)
{
    if (c->tag == SVC_TAG_CLOSED) return;
    if (events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
        uint8_t buf[READ_CHUNK];
        for (int rounds = 0; rounds < 16 && !c->dead; rounds++) {
            ssize_t n = recv(c->fd, buf, sizeof buf, 0);
            if (n < 0 && errno == EINTR) continue;
            if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
            if (n <= 0) {
                c->dead = 1; /* peer closed or failed: its streams are cancelled */
                break;
            }
            c->t_active = svc_now_ns();
            ssize_t r = nghttp2_session_mem_recv(c->h2, buf, (size_t)n);
            if (r < 0) {
                /* Bad preface, flood, protocol error: this connection ends, with a GOAWAY if nghttp2 queued one. */
                lcp_log(LCP_LOG_INFO, "service: closing a connection: %s", nghttp2_strerror((int)r));
                svc_metrics_count(&s->metrics, &s->metrics.protocol_errors);
                if (r != NGHTTP2_ERR_BAD_CLIENT_MAGIC)
                    nghttp2_session_terminate_session(c->h2, NGHTTP2_PROTOCOL_ERROR);
                conn_flush(s, c);
                c->dead = 1;
                break;
            }
            if ((size_t)n < sizeof buf) break;
        }
    }
    if (!c->dead) conn_flush(s, c);
    if (c->dead) conn_close(s, c);
}

void svc_h2_complete(lcp_service *s, svc_job *j)
{
    svc_stream *st = j->stream;
    if (st) {
        st->job = NULL;
        j->stream = NULL;
        if (j->status == LCP_GRPC_OK) respond_ok(st, &j->resp);
        else respond_error(st, j->status, j->message);
        svc_conn *c = st->conn;
        conn_flush(s, c);
        if (c->dead) conn_close(s, c);
    }
    svc_job_free(j);
}

/* The client did not finish its request within request_timeout_ms: answer it (unless answered already) and reset
 * the stream, which frees what it holds (on_stream_close). */
static void request_timeout(svc_stream *st)
{
    lcp_service *s = st->conn->s;
    st->request_in = 1; /* once */
    svc_metrics_count(&s->metrics, &s->metrics.request_timeouts);
    if (!st->responded && st->headers_in) {
        char m[LCP_ERR_LEN];
        snprintf(m, sizeof m, "request not received within %u ms of its headers (--request_timeout)",
                 s->opt.request_timeout_ms);
        respond_error(st, LCP_GRPC_DEADLINE_EXCEEDED, m);
        /* on_frame_send resets the stream once the response is out, as the client has not half-closed. */
    } else if (st->headers_in) {
        nghttp2_submit_rst_stream(st->conn->h2, NGHTTP2_FLAG_NONE, st->id, NGHTTP2_CANCEL);
    }
}

uint64_t svc_h2_deadlines(lcp_service *s, uint64_t now)
{
    uint64_t next = 0;
    uint64_t idle = (uint64_t)s->opt.idle_seconds * 1000000000ull;
    uint64_t silent = idle < 10000000000ull ? idle : 10000000000ull;
    svc_conn *c = s->conns;
    while (c) {
        svc_conn *cn = c->next;
        int touched = 0;
        /* A connection that never spoke HTTP/2, or has had nothing to do for long, is let go: GOAWAY, close. */
        if ((!c->spoke && now - c->t_accept >= silent) || (!c->streams && now - c->t_active >= idle)) {
            nghttp2_session_terminate_session(c->h2, NGHTTP2_NO_ERROR);
            conn_flush(s, c);
            conn_close(s, c);
            c = cn;
            continue;
        }
        int stalled = 0;
        for (svc_stream *st = c->streams; st; st = st->next) {
            /* The request must arrive in time, whether or not an early error was answered: a stream left open
             * by its client holds a slot and buffers until then. */
            if (!st->request_in) {
                if (now >= st->recv_deadline) {
                    if (!st->headers_in) stalled = 1; /* inside a header block: nothing else can be sent */
                    request_timeout(st);
                    touched = 1;
                } else if (!next || st->recv_deadline < next) {
                    next = st->recv_deadline;
                }
            }
            if (!st->deadline || st->responded) continue;
            if (now >= st->deadline) {
                respond_error(st, LCP_GRPC_DEADLINE_EXCEEDED, "deadline exceeded");
                touched = 1;
            } else if (!next || st->deadline < next) {
                next = st->deadline;
            }
        }
        if (stalled) {
            nghttp2_session_terminate_session(c->h2, NGHTTP2_PROTOCOL_ERROR);
            conn_flush(s, c);
            conn_close(s, c);
            c = cn;
            continue;
        }
        if (touched) {
            conn_flush(s, c);
            if (c->dead) conn_close(s, c);
        }
        c = cn;
    }
    return next;
}

void svc_h2_goaway_all(lcp_service *s)
{
    svc_conn *c = s->conns;
    while (c) {
        svc_conn *cn = c->next;
        /* Streams the server has seen finish; nghttp2 refuses newer ones. */
        nghttp2_submit_goaway(c->h2, NGHTTP2_FLAG_NONE, nghttp2_session_get_last_proc_stream_id(c->h2),
                              NGHTTP2_NO_ERROR, NULL, 0);
        conn_flush(s, c);
        if (c->dead) conn_close(s, c);
        c = cn;
    }
}

void svc_h2_close_all(lcp_service *s)
{
    while (s->conns) conn_close(s, s->conns);
}
