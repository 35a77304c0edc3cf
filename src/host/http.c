/* The PCCS client's transport (lcp/host_pccs.h): one HTTP/1.1 GET per connection, over TCP or TLS (OpenSSL 3,
 * certificate and host name always verified), under one deadline for connect, handshake and the whole response. */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "lcp/host_pccs.h"

typedef struct {
    int fd;
    SSL_CTX *ctx;
    SSL *ssl;
    struct timespec deadline;
} conn;

static long long ms_left(const conn *c)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (long long)(c->deadline.tv_sec - now.tv_sec) * 1000 + (c->deadline.tv_nsec - now.tv_nsec) / 1000000;
}

/* Waits until fd is ready for ev, within the deadline. */
static int wait_fd(conn *c, short ev, const char *what, char *err)
{
    for (;;) {
        long long left = ms_left(c);
        if (left <= 0) return lcp_fail(err, LCP_ERR_HOST_HTTP_TIMEOUT, "timed out %s", what);
        struct pollfd p = {c->fd, ev, 0};
        int k = poll(&p, 1, left > 60000 ? 60000 : (int)left);
        if (k > 0) return LCP_OK;
        if (k < 0 && errno != EINTR) return lcp_fail(err, LCP_ERR_HOST_HTTP, "poll: %s", strerror(errno));
    }
}

static int tcp_connect(conn *c, const lcp_http_url *u, char *err)
{
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    int g = getaddrinfo(u->host, u->port, &hints, &res);
    if (g != 0) return lcp_fail(err, LCP_ERR_HOST_HTTP, "cannot resolve %s: %s", u->host, gai_strerror(g));
    int rc = lcp_fail(err, LCP_ERR_HOST_HTTP, "no address for %s", u->host);
    for (struct addrinfo *a = res; a; a = a->ai_next) {
        int fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, a->ai_protocol);
        if (fd < 0) continue;
        c->fd = fd;
        int e = connect(fd, a->ai_addr, a->ai_addrlen) == 0 ? 0 : errno;
        if (e == EINPROGRESS && (rc = wait_fd(c, POLLOUT, "connecting", err)) == LCP_OK) {
            socklen_t sl = sizeof e;
            if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &sl) != 0) e = errno;
        } else if (e == EINPROGRESS) e = -1; /* wait_fd's error stands */
        if (e > 0) rc = lcp_fail(err, LCP_ERR_HOST_HTTP, "cannot connect to %s:%s: %s", u->host, u->port, strerror(e));
        else if (e == 0) rc = LCP_OK;
        if (rc == LCP_OK || rc == LCP_ERR_HOST_HTTP_TIMEOUT) break;
        close(fd);
        c->fd = -1;
    }
    freeaddrinfo(res);
    return rc;
}

static void ssl_reason(char *buf, size_t n)
{
    unsigned long e = ERR_get_error();
    if (e) ERR_error_string_n(e, buf, n);
    else snprintf(buf, n, "connection closed");
    ERR_clear_error();
}

/* Drives an SSL call that may want to read or write on the non-blocking socket. k: its return value. Returns
 * LCP_OK to retry, 1 on a clean close, or an error. */
static int ssl_again(conn *c, int k, const char *what, char *err)
{
    int e = SSL_get_error(c->ssl, k);
    if (e == SSL_ERROR_WANT_READ) return wait_fd(c, POLLIN, what, err);
    if (e == SSL_ERROR_WANT_WRITE) return wait_fd(c, POLLOUT, what, err);
    if (e == SSL_ERROR_ZERO_RETURN) return 1;
    char why[256];
    ssl_reason(why, sizeof why);
    return lcp_fail(err, LCP_ERR_HOST_HTTP, "TLS %s: %s", what, why);
}

static int tls_start(conn *c, const lcp_http_url *u, const lcp_http_options *o, char *err)
{
    char why[256];
    if (!(c->ctx = SSL_CTX_new(TLS_client_method())) || !SSL_CTX_set_min_proto_version(c->ctx, TLS1_2_VERSION))
        return lcp_fail(err, LCP_ERR_NOMEM, "TLS context");
    SSL_CTX_set_verify(c->ctx, SSL_VERIFY_PEER, NULL);
    /* A close without close_notify is an end of stream like any other: the HTTP framing says if it was cut short. */
    SSL_CTX_set_options(c->ctx, SSL_OP_IGNORE_UNEXPECTED_EOF);
    int ok = o->ca_file ? SSL_CTX_load_verify_locations(c->ctx, o->ca_file, NULL) : SSL_CTX_set_default_verify_paths(c->ctx);
    if (ok != 1) {
        ssl_reason(why, sizeof why);
        return lcp_fail(err, LCP_ERR_HOST_HTTP, "cannot load the CA certificates %s: %s", o->ca_file ? o->ca_file : "(system)", why);
    }
    if (!(c->ssl = SSL_new(c->ctx)) || SSL_set_fd(c->ssl, c->fd) != 1) return lcp_fail(err, LCP_ERR_NOMEM, "TLS session");
    /* The certificate must name the host of the URL: an IP address as an iPAddress SAN, a name as a DNS SAN. */
    X509_VERIFY_PARAM *vp = SSL_get0_param(c->ssl);
    X509_VERIFY_PARAM_set_hostflags(vp, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    if (X509_VERIFY_PARAM_set1_ip_asc(vp, u->host) != 1) {
        if (SSL_set1_host(c->ssl, u->host) != 1 || SSL_set_tlsext_host_name(c->ssl, u->host) != 1)
            return lcp_fail(err, LCP_ERR_HOST_HTTP, "TLS: cannot set the expected host name");
    }
    for (;;) {
        int k = SSL_connect(c->ssl);
        if (k == 1) break;
        long v = SSL_get_verify_result(c->ssl);
        if (v != X509_V_OK)
            return lcp_fail(err, LCP_ERR_HOST_HTTP, "TLS: the certificate of %s does not verify: %s", u->host,
                            X509_verify_cert_error_string(v));
        int rc = ssl_again(c, k, "handshake", err);
        if (rc == 1) return lcp_fail(err, LCP_ERR_HOST_HTTP, "TLS handshake: connection closed");
        if (rc != LCP_OK) return rc;
    }
    return LCP_OK;
}

static int send_all(conn *c, const char *p, size_t n, char *err)
{
    size_t off = 0;
    while (off < n) {
        if (c->ssl) {
            int k = SSL_write(c->ssl, p + off, (int)(n - off));
            if (k > 0) off += (size_t)k;
            else {
                int rc = ssl_again(c, k, "write", err);
                if (rc != LCP_OK) return rc == 1 ? lcp_fail(err, LCP_ERR_HOST_HTTP, "connection closed") : rc;
            }
            continue;
        }
        ssize_t k = send(c->fd, p + off, n - off, MSG_NOSIGNAL);
        if (k > 0) off += (size_t)k;
        else if (k < 0 && (errno == EAGAIN || errno == EINTR)) {
            int rc = wait_fd(c, POLLOUT, "sending the request", err);
            if (rc != LCP_OK) return rc;
        } else return lcp_fail(err, LCP_ERR_HOST_HTTP, "send: %s", strerror(errno));
    }
    return LCP_OK;
}

/* Reads some bytes into b (up to n). Returns the count, 0 at end of stream, or a negative error. */
static long recv_some(conn *c, uint8_t *b, size_t n, char *err)
{
    for (;;) {
        if (c->ssl) {
            int k = SSL_read(c->ssl, b, n > 65536 ? 65536 : (int)n);
            if (k > 0) return k;
            int rc = ssl_again(c, k, "reading the response", err);
            if (rc == 1) return 0;
            if (rc != LCP_OK) return rc;
            continue;
        }
        ssize_t k = recv(c->fd, b, n, 0);
        if (k >= 0) return (long)k;
        if (errno == EAGAIN || errno == EINTR) {
            int rc = wait_fd(c, POLLIN, "waiting for the response", err);
            if (rc != LCP_OK) return rc;
        } else return lcp_fail(err, LCP_ERR_HOST_HTTP, "recv: %s", strerror(errno));
    }
}

void lcp_http_result_free(lcp_http_result *res)
{
    if (!res) return;
    lcp_buf_free(&res->raw);
    memset(res, 0, sizeof *res);
}

static int exchange(lcp_http_result *res, conn *c, const lcp_http_url *u, size_t max_body, char *err)
{
    char req[4096];
    int k = snprintf(req, sizeof req,
                     "GET %s HTTP/1.1\r\nHost: %s%s%s%s%s\r\nUser-Agent: lcp-c\r\nAccept: */*\r\nConnection: close\r\n\r\n",
                     u->path, strchr(u->host, ':') ? "[" : "", u->host, strchr(u->host, ':') ? "]" : "",
                     (strcmp(u->port, u->tls ? "443" : "80") == 0) ? "" : ":",
                     (strcmp(u->port, u->tls ? "443" : "80") == 0) ? "" : u->port);
    if (k < 0 || (size_t)k >= sizeof req) return lcp_fail(err, LCP_ERR_ILLEGAL_ARG, "request too long");
    int rc = send_all(c, req, (size_t)k, err);
    /* Chunk framing may add overhead to the body; anything beyond this is not a PCCS answer. */
    size_t cap = LCP_HTTP_MAX_HEAD + 2 * max_body + 4096;
    while (rc == LCP_OK) {
        if (res->raw.cap - res->raw.len < 16384 && (rc = lcp_buf_reserve(&res->raw, 65536)) != LCP_OK)
            return lcp_fail(err, rc, "out of memory");
        long got = recv_some(c, res->raw.data + res->raw.len, res->raw.cap - res->raw.len, err);
        if (got < 0) return (int)got;
        res->raw.len += (size_t)got;
        rc = lcp_http_response_parse(&res->r, res->raw.data, res->raw.len, got == 0, max_body, err);
        if (rc == 1 && res->raw.len > cap)
            return lcp_fail(err, LCP_ERR_HOST_HTTP_TOO_LARGE, "response exceeds %zu bytes", cap);
        if (rc == 1) rc = LCP_OK;
        else return rc;
    }
    return rc;
}

int lcp_http_get(lcp_http_result *res, const char *url, const lcp_http_options *opt, char *err)
{
    memset(res, 0, sizeof *res);
    lcp_http_options o = opt ? *opt : (lcp_http_options){0};
    if (!o.timeout_ms) o.timeout_ms = LCP_HTTP_DEFAULT_TIMEOUT_MS;
    if (!o.max_body) o.max_body = LCP_HTTP_DEFAULT_MAX_BODY;
    lcp_http_url u;
    int rc = lcp_http_url_parse(&u, url, err);
    if (rc != LCP_OK) return rc;
    conn c = {.fd = -1};
    clock_gettime(CLOCK_MONOTONIC, &c.deadline);
    c.deadline.tv_sec += o.timeout_ms / 1000;
    c.deadline.tv_nsec += (long)(o.timeout_ms % 1000) * 1000000;
    if (c.deadline.tv_nsec >= 1000000000) {
        c.deadline.tv_sec++;
        c.deadline.tv_nsec -= 1000000000;
    }
    rc = tcp_connect(&c, &u, err);
    if (rc == LCP_OK && u.tls) rc = tls_start(&c, &u, &o, err);
    if (rc == LCP_OK) rc = exchange(res, &c, &u, o.max_body, err);
    if (rc != LCP_OK && rc != LCP_ERR_ILLEGAL_ARG && rc != LCP_ERR_NOMEM) {
        char why[LCP_ERR_LEN];
        snprintf(why, sizeof why, "%s", err);
        lcp_fail(err, rc, "GET %s: %s", url, why);
    }
    if (c.ssl) SSL_free(c.ssl);
    SSL_CTX_free(c.ctx);
    if (c.fd >= 0) close(c.fd);
    return rc;
}
