/* The loopback fake PCCS (tests/common/pccsfake.h): one thread, one connection at a time. */
#include "pccsfake.h"

#include <arpa/inet.h>
#include <errno.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "testutil.h"

struct pccsfake {
    int lfd, stop_pipe[2];
    pthread_t th;
    SSL_CTX *ctx;
    char url[64];
    char fmspc[16];
    cJSON *doc;
    pthread_mutex_t mu;
    pf_mode mode;
    unsigned requests;
    char last[512];
};

typedef struct {
    int fd;
    SSL *ssl;
} pconn;

static void out(pconn *c, const void *p, size_t n)
{
    const char *b = p;
    while (n) {
        long k = c->ssl ? SSL_write(c->ssl, b, (int)n) : send(c->fd, b, n, MSG_NOSIGNAL);
        if (k <= 0) return;
        b += k;
        n -= (size_t)k;
    }
}

static char *urlenc(const char *s)
{
    char *o = malloc(3 * strlen(s) + 1), *w = o;
    assert_non_null(o);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || strchr("-_.~", c)) *w++ = (char)c;
        else w += sprintf(w, "%%%02X", c);
    }
    *w = '\0';
    return o;
}

static const char *field(pccsfake *f, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(f->doc, k);
    assert_true(cJSON_IsString(v));
    return v->valuestring;
}

/* One answer, framed as the mode says. */
static void answer(pconn *c, pf_mode m, int status, const char *hname, const char *hval, const uint8_t *body, size_t n)
{
    char head[16384];
    char *enc = hval ? urlenc(hval) : NULL;
    int k = snprintf(head, sizeof head, "HTTP/1.1 %d %s\r\nContent-Type: application/octet-stream\r\n", status,
                     status == 200 ? "OK" : "Not Found");
    if (enc && m != PF_NO_HEADER) k += snprintf(head + k, sizeof head - (size_t)k, "%s: %s\r\n", hname, enc);
    free(enc);
    if (m == PF_CHUNKED) k += snprintf(head + k, sizeof head - (size_t)k, "Transfer-Encoding: chunked\r\n\r\n");
    else if (m == PF_OVERSIZED) k += snprintf(head + k, sizeof head - (size_t)k, "\r\n");
    else if (m == PF_TRUNCATED) k += snprintf(head + k, sizeof head - (size_t)k, "Content-Length: %zu\r\n\r\n", n + 100);
    else k += snprintf(head + k, sizeof head - (size_t)k, "Content-Length: %zu\r\n\r\n", n);
    assert_true(k > 0 && (size_t)k < sizeof head);
    out(c, head, (size_t)k);
    if (m == PF_CHUNKED) {
        for (size_t off = 0; off < n; off += 97) {
            size_t len = n - off < 97 ? n - off : 97;
            char sz[32];
            int s = snprintf(sz, sizeof sz, "%zx;x=y\r\n", len);
            out(c, sz, (size_t)s);
            out(c, body + off, len);
            out(c, "\r\n", 2);
        }
        out(c, "0\r\nX-Trailer: 1\r\n\r\n", 19);
    } else if (m == PF_OVERSIZED) {
        static uint8_t junk[65536];
        for (int i = 0; i < 200; i++) out(c, junk, sizeof junk); /* 13 MB, then close */
    } else out(c, body, n);
}

static void serve(pccsfake *f, pconn *c)
{
    char req[8192];
    size_t n = 0;
    while (n < sizeof req - 1) {
        long k = c->ssl ? SSL_read(c->ssl, req + n, (int)(sizeof req - 1 - n)) : recv(c->fd, req + n, sizeof req - 1 - n, 0);
        if (k <= 0) return;
        n += (size_t)k;
        req[n] = '\0';
        if (strstr(req, "\r\n\r\n")) break;
    }
    char target[512] = "";
    if (sscanf(req, "GET %511s HTTP/1.1", target) != 1) return;
    pthread_mutex_lock(&f->mu);
    pf_mode m = f->mode;
    f->requests++;
    snprintf(f->last, sizeof f->last, "%s", target);
    pthread_mutex_unlock(&f->mu);
    if (m == PF_SLOW) {
        struct timespec ts = {3, 0};
        nanosleep(&ts, NULL);
        return;
    }
    const char *api = "/sgx/certification/v4/";
    uint8_t *bin = NULL;
    size_t bn = 0;
    char *text = NULL, fm[64];
    const char *hname = NULL, *hval = NULL;
    int status = 404;
    if (m == PF_NOT_FOUND || strncmp(target, api, strlen(api)) != 0) {
    } else if (strcmp(target + strlen(api), "pckcrl?ca=platform&encoding=der") == 0) {
        const char *h = field(f, "pck_crl");
        bin = malloc(strlen(h) / 2 + 1);
        bn = tu_hex(bin, strlen(h) / 2 + 1, h);
        hname = "SGX-PCK-CRL-Issuer-Chain";
        hval = field(f, "pck_crl_issuer_chain");
        status = 200;
    } else if (sscanf(target + strlen(api), "tcb?fmspc=%63s", fm) == 1 &&
               (m == PF_ANY_FMSPC || strcasecmp(fm, f->fmspc) == 0)) {
        size_t cap = strlen(field(f, "tcb_info")) + 256;
        text = malloc(cap);
        snprintf(text, cap, "{\"tcbInfo\":%s,\"signature\":\"%s\"}", field(f, "tcb_info"), field(f, "tcb_info_signature"));
        hname = "TCB-Info-Issuer-Chain";
        hval = field(f, "tcb_info_issuer_chain");
        status = 200;
    } else if (strcmp(target + strlen(api), "qe/identity") == 0) {
        size_t cap = strlen(field(f, "qe_identity")) + 256;
        text = malloc(cap);
        snprintf(text, cap, "{\"enclaveIdentity\":%s,\"signature\":\"%s\"}", field(f, "qe_identity"),
                 field(f, "qe_identity_signature"));
        hname = "SGX-Enclave-Identity-Issuer-Chain";
        hval = field(f, "qe_identity_issuer_chain");
        status = 200;
    } else if (strcmp(target + strlen(api), "rootcacrl") == 0 && m != PF_NO_ROOTCRL) {
        text = strdup(field(f, "root_ca_crl")); /* a PCCS answers in hex */
        status = 200;
    }
    if (text) {
        bin = (uint8_t *)text;
        bn = strlen(text);
    }
    if (status != 200) answer(c, PF_OK, 404, NULL, NULL, (const uint8_t *)"not found", 9);
    else answer(c, m == PF_ANY_FMSPC || m == PF_NO_ROOTCRL ? PF_OK : m, status, hname, hval, bin, bn);
    free(bin);
}

static void *run(void *arg)
{
    pccsfake *f = arg;
    for (;;) {
        struct pollfd p[2] = {{f->lfd, POLLIN, 0}, {f->stop_pipe[0], POLLIN, 0}};
        if (poll(p, 2, -1) < 0 && errno == EINTR) continue;
        if (p[1].revents) break;
        int fd = accept(f->lfd, NULL, NULL);
        if (fd < 0) continue;
        pconn c = {fd, NULL};
        if (f->ctx) {
            c.ssl = SSL_new(f->ctx);
            SSL_set_fd(c.ssl, fd);
            if (SSL_accept(c.ssl) != 1) {
                SSL_free(c.ssl);
                close(fd);
                continue;
            }
        }
        serve(f, &c);
        if (c.ssl) {
            SSL_shutdown(c.ssl);
            SSL_free(c.ssl);
        }
        close(fd);
    }
    return NULL;
}

pccsfake *pccsfake_start(const char *doc, size_t doc_len, const char *fmspc, const char *cert_pem, const char *key_pem)
{
    pccsfake *f = calloc(1, sizeof *f);
    assert_non_null(f);
    signal(SIGPIPE, SIG_IGN); /* a client that stops reading must not kill the test */
    f->doc = cJSON_ParseWithLength(doc, doc_len);
    assert_non_null(f->doc);
    snprintf(f->fmspc, sizeof f->fmspc, "%s", fmspc);
    pthread_mutex_init(&f->mu, NULL);
    assert_int_equal(pipe(f->stop_pipe), 0);
    f->lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = 0};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t al = sizeof a;
    assert_int_equal(bind(f->lfd, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(listen(f->lfd, 16), 0);
    assert_int_equal(getsockname(f->lfd, (struct sockaddr *)&a, &al), 0);
    if (cert_pem) {
        f->ctx = SSL_CTX_new(TLS_server_method());
        assert_non_null(f->ctx);
        assert_int_equal(SSL_CTX_use_certificate_file(f->ctx, cert_pem, SSL_FILETYPE_PEM), 1);
        assert_int_equal(SSL_CTX_use_PrivateKey_file(f->ctx, key_pem, SSL_FILETYPE_PEM), 1);
    }
    snprintf(f->url, sizeof f->url, "%s://127.0.0.1:%u", cert_pem ? "https" : "http", ntohs(a.sin_port));
    assert_int_equal(pthread_create(&f->th, NULL, run, f), 0);
    return f;
}

void pccsfake_mode(pccsfake *f, pf_mode m)
{
    pthread_mutex_lock(&f->mu);
    f->mode = m;
    pthread_mutex_unlock(&f->mu);
}

const char *pccsfake_url(const pccsfake *f) { return f->url; }

unsigned pccsfake_requests(pccsfake *f, char *last, size_t cap)
{
    pthread_mutex_lock(&f->mu);
    unsigned n = f->requests;
    if (last) snprintf(last, cap, "%s", f->last);
    pthread_mutex_unlock(&f->mu);
    return n;
}

void pccsfake_stop(pccsfake *f)
{
    if (!f) return;
    assert_int_equal(write(f->stop_pipe[1], "x", 1), 1);
    pthread_join(f->th, NULL);
    close(f->lfd);
    close(f->stop_pipe[0]);
    close(f->stop_pipe[1]);
    SSL_CTX_free(f->ctx);
    cJSON_Delete(f->doc);
    pthread_mutex_destroy(&f->mu);
    free(f);
}

void pccsfake_make_cert(const char *cert_path, const char *key_path, const char *san)
{
    EVP_PKEY *k = EVP_EC_gen("P-256");
    X509 *x = X509_new();
    assert_non_null(k);
    assert_non_null(x);
    X509_set_version(x, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
    X509_gmtime_adj(X509_getm_notBefore(x), -3600);
    X509_gmtime_adj(X509_getm_notAfter(x), 86400);
    X509_set_pubkey(x, k);
    X509_NAME *nm = X509_get_subject_name(x);
    X509_NAME_add_entry_by_txt(nm, "CN", MBSTRING_ASC, (const unsigned char *)"pccs-test", -1, -1, 0);
    X509_set_issuer_name(x, nm);
    X509V3_CTX v;
    X509V3_set_ctx_nodb(&v);
    X509V3_set_ctx(&v, x, x, NULL, NULL, 0);
    X509_EXTENSION *e = X509V3_EXT_conf_nid(NULL, &v, NID_subject_alt_name, san);
    assert_non_null(e);
    X509_add_ext(x, e, -1);
    X509_EXTENSION_free(e);
    e = X509V3_EXT_conf_nid(NULL, &v, NID_basic_constraints, "critical,CA:TRUE");
    X509_add_ext(x, e, -1);
    X509_EXTENSION_free(e);
    assert_true(X509_sign(x, k, EVP_sha256()) > 0);
    FILE *fp = fopen(cert_path, "w");
    assert_non_null(fp);
    PEM_write_X509(fp, x);
    fclose(fp);
    fp = fopen(key_path, "w");
    assert_non_null(fp);
    PEM_write_PrivateKey(fp, k, NULL, NULL, 0, NULL, NULL);
    fclose(fp);
    X509_free(x);
    EVP_PKEY_free(k);
}
