/* grpcc: see grpcc.h. */
#include "grpcc.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <nghttp2/nghttp2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "lcp/service.h"

struct grpcc {
    int fd;
    nghttp2_session *h2;
};

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void need(int ok)
{
    if (!ok) {
        fprintf(stderr, "grpcc: out of memory\n");
        abort();
    }
}

static ssize_t body_read(nghttp2_session *s, int32_t id, uint8_t *buf, size_t len, uint32_t *flags,
                         nghttp2_data_source *src, void *ud)
{
    (void)s;
    (void)id;
    (void)ud;
    grpcc_call *k = src->ptr;
    size_t n = k->body.len - k->off < len ? k->body.len - k->off : len;
    if (n) memcpy(buf, k->body.data + k->off, n);
    k->off += n;
    if (k->off == k->body.len) {
        /* A half-open request: the body goes out, the stream stays open. */
        if (k->keep_open) return n ? (ssize_t)n : NGHTTP2_ERR_DEFERRED;
        *flags |= NGHTTP2_DATA_FLAG_EOF;
    }
    return (ssize_t)n;
}

static int on_header(nghttp2_session *s, const nghttp2_frame *f, const uint8_t *name, size_t nl, const uint8_t *value,
                     size_t vl, uint8_t flags, void *ud)
{
    (void)flags;
    (void)ud;
    grpcc_call *k = nghttp2_session_get_stream_user_data(s, f->hd.stream_id);
    if (!k) return 0;
    if (nl == 11 && memcmp(name, "grpc-status", 11) == 0) {
        char v[8] = "";
        memcpy(v, value, vl < 7 ? vl : 7);
        k->status = atoi(v);
    } else if (nl == 12 && memcmp(name, "grpc-message", 12) == 0) {
        uint8_t d[sizeof k->message];
        size_t n = vl < sizeof d - 1 ? vl : sizeof d - 1;
        n = lcp_grpc_percent_decode(d, (const char *)value, n);
        memcpy(k->message, d, n);
        k->message[n] = '\0';
    }
    return 0;
}

static int on_data(nghttp2_session *s, uint8_t flags, int32_t id, const uint8_t *data, size_t len, void *ud)
{
    (void)flags;
    (void)ud;
    grpcc_call *k = nghttp2_session_get_stream_user_data(s, id);
    if (k) need(lcp_buf_append(&k->resp, data, len) == LCP_OK);
    return 0;
}

static int on_close(nghttp2_session *s, int32_t id, uint32_t code, void *ud)
{
    (void)code;
    (void)ud;
    grpcc_call *k = nghttp2_session_get_stream_user_data(s, id);
    if (k) {
        k->done = 1;
        k->t1 = now_ns();
    }
    return 0;
}

grpcc *grpcc_open(const char *addr) { return grpcc_open_from(addr, NULL); }

/* Binds fd to the numeric address src (any port), of ss's family. */
static int bind_source(int fd, int family, const char *src)
{
    struct sockaddr_storage b;
    memset(&b, 0, sizeof b);
    socklen_t bl;
    if (family == AF_INET) {
        struct sockaddr_in *a = (struct sockaddr_in *)&b;
        a->sin_family = AF_INET;
        if (inet_pton(AF_INET, src, &a->sin_addr) != 1) return -1;
        bl = sizeof *a;
    } else {
        struct sockaddr_in6 *a = (struct sockaddr_in6 *)&b;
        a->sin6_family = AF_INET6;
        if (inet_pton(AF_INET6, src, &a->sin6_addr) != 1) return -1;
        bl = sizeof *a;
    }
    return bind(fd, (struct sockaddr *)&b, bl);
}

grpcc *grpcc_open_from(const char *addr, const char *src)
{
    char host[64];
    uint16_t port;
    if (lcp_service_parse_address(host, sizeof host, &port, addr) != LCP_OK) return NULL;
    struct sockaddr_storage ss;
    socklen_t sl;
    memset(&ss, 0, sizeof ss);
    struct sockaddr_in *a4 = (struct sockaddr_in *)&ss;
    struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&ss;
    if (inet_pton(AF_INET, host, &a4->sin_addr) == 1) {
        a4->sin_family = AF_INET;
        a4->sin_port = htons(port);
        sl = sizeof *a4;
    } else if (inet_pton(AF_INET6, host, &a6->sin6_addr) == 1) {
        a6->sin6_family = AF_INET6;
        a6->sin6_port = htons(port);
        sl = sizeof *a6;
    } else {
        return NULL;
    }
    grpcc *c = calloc(1, sizeof *c);
    need(c != NULL);
    c->fd = socket(ss.ss_family, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    struct timeval tv = {30, 0}; /* a test never waits forever */
    setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    nghttp2_session_callbacks *cb;
    need(nghttp2_session_callbacks_new(&cb) == 0);
    nghttp2_session_callbacks_set_on_header_callback(cb, on_header);
    nghttp2_session_callbacks_set_on_data_chunk_recv_callback(cb, on_data);
    nghttp2_session_callbacks_set_on_stream_close_callback(cb, on_close);
    int ok = c->fd >= 0 && (!src || bind_source(c->fd, ss.ss_family, src) == 0) &&
             connect(c->fd, (struct sockaddr *)&ss, sl) == 0 &&
             nghttp2_session_client_new(&c->h2, cb, c) == 0 && nghttp2_submit_settings(c->h2, NGHTTP2_FLAG_NONE, NULL, 0) == 0;
    nghttp2_session_callbacks_del(cb);
    if (!ok) {
        grpcc_close(c);
        return NULL;
    }
    return c;
}

void grpcc_set_timeout(grpcc *c, unsigned seconds)
{
    struct timeval tv = {(time_t)seconds, 0};
    setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
}

void grpcc_close(grpcc *c)
{
    if (!c) return;
    if (c->h2) nghttp2_session_del(c->h2);
    if (c->fd >= 0) close(c->fd);
    free(c);
}

void grpcc_add_raw(grpcc_call *k, const void *p, size_t n) { need(lcp_buf_append(&k->body, p, n) == LCP_OK); }

void grpcc_add(grpcc_call *k, const ProtobufCMessage *m)
{
    size_t n = protobuf_c_message_get_packed_size(m);
    uint8_t pre[5];
    need(lcp_grpc_prefix(pre, n) == LCP_OK);
    grpcc_add_raw(k, pre, 5);
    need(lcp_buf_reserve(&k->body, n) == LCP_OK);
    k->body.len += protobuf_c_message_pack(m, k->body.data + k->body.len);
}

#define NV(n, v) {(uint8_t *)(n), (uint8_t *)(v), sizeof(n) - 1, strlen(v), NGHTTP2_NV_FLAG_NONE}

int grpcc_submit(grpcc *c, grpcc_call *k, const char *path)
{
    nghttp2_nv h[] = {NV(":method", "POST"), NV(":scheme", "http"), NV(":path", path), NV(":authority", "lcp-test"),
                      NV("content-type", "application/grpc"), NV("te", "trailers")};
    nghttp2_data_provider p = {.source.ptr = k, .read_callback = body_read};
    k->off = 0;
    k->done = 0;
    k->status = -1;
    k->message[0] = '\0';
    k->resp.len = 0;
    k->t0 = now_ns();
    k->id = nghttp2_submit_request(c->h2, NULL, h, sizeof h / sizeof h[0], &p, k);
    return k->id > 0 ? 0 : -1;
}

int grpcc_pump(grpcc *c)
{
    const uint8_t *d;
    ssize_t n;
    while ((n = nghttp2_session_mem_send(c->h2, &d)) > 0)
        for (ssize_t off = 0; off < n;) {
            ssize_t w = send(c->fd, d + off, (size_t)(n - off), MSG_NOSIGNAL);
            if (w <= 0) return -1;
            off += w;
        }
    if (n < 0) return -1;
    uint8_t buf[65536];
    ssize_t r = recv(c->fd, buf, sizeof buf, 0);
    if (r <= 0) return -1;
    return nghttp2_session_mem_recv(c->h2, buf, (size_t)r) < 0 ? -1 : 0;
}

int grpcc_wait(grpcc *c, grpcc_call *k, const char *path)
{
    if (grpcc_submit(c, k, path)) return -1;
    while (!k->done)
        if (grpcc_pump(c)) return -1;
    return k->status;
}

ProtobufCMessage *grpcc_response(const grpcc_call *k, const ProtobufCMessageDescriptor *desc)
{
    if (k->resp.len < 5) return NULL;
    size_t n = (size_t)k->resp.data[1] << 24 | (size_t)k->resp.data[2] << 16 | (size_t)k->resp.data[3] << 8 |
               k->resp.data[4];
    if (k->resp.data[0] != 0 || n > k->resp.len - 5) return NULL;
    return protobuf_c_message_unpack(desc, NULL, n, k->resp.data + 5);
}

void grpcc_reset(grpcc_call *k)
{
    lcp_buf_free(&k->body);
    lcp_buf_free(&k->resp);
    memset(k, 0, sizeof *k);
}
