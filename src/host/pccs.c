/* DCAP collateral from a PCCS (lcp/host_pccs.h): which URLs, which headers, and the answers turned into the
 * one-file collateral document. Nothing here decides trust: lcp_dcap_verify checks everything under its root. */
#include <cjson/cJSON.h>
#include <limits.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <string.h>

#include "lcp/attestation_dcap.h"
#include "lcp/host_pccs.h"

#define PCCS(...) lcp_fail(err, LCP_ERR_HOST_PCCS, __VA_ARGS__)
#define API "/sgx/certification/v4"

/* GET url; only 200 is an answer. */
static int get_ok(lcp_http_result *res, const char *url, const lcp_http_options *o, char *err)
{
    int rc = lcp_http_get(res, url, o, err);
    if (rc == LCP_OK && res->r.status != 200)
        rc = lcp_fail(err, LCP_ERR_HOST_HTTP_STATUS, "GET %s: status %d", url, res->r.status);
    return rc;
}

/* 1 if t[0..n) is text a PEM chain may hold: printable ASCII and line ends. A NUL, another control byte or a byte
 * above 0x7e is no PEM, and one that is not UTF-8 would make the whole document unloadable (a fuzzer's finding). */
static int is_pem_text(const char *t, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)t[i];
        if ((c < 0x20 || c > 0x7e) && c != '\n' && c != '\r' && c != '\t') return 0;
    }
    return 1;
}

/* The URL-decoded issuer chain in the first of the headers names present in a's head: *out, lcp_malloc'd and
 * NUL-terminated. */
static int chain_text(char **out, const lcp_pccs_answer *a, const char *const *names, char *err)
{
    *out = NULL;
    lcp_bytes v = {0};
    int i = 0;
    while (names[i] && !lcp_http_header(&v, a->head, names[i])) i++;
    if (!names[i] || v.len == 0) return PCCS("GET %s: no %s header (the issuer chain)", a->url, names[0]);
    char *t = lcp_malloc(v.len + 1);
    if (!t) return lcp_fail(err, LCP_ERR_NOMEM, "out of memory");
    size_t n = 0;
    char e2[LCP_ERR_LEN] = "";
    int rc = lcp_http_url_decode((uint8_t *)t, v.len, &n, v.ptr, v.len, e2);
    if (rc != LCP_OK) rc = lcp_fail(err, rc, "GET %s: the %s header: %s", a->url, names[i], e2);
    else {
        t[n] = '\0';
        if (!is_pem_text(t, n) || !strstr(t, "-----BEGIN CERTIFICATE-----"))
            rc = PCCS("GET %s: the %s header is not a PEM certificate chain", a->url, names[i]);
    }
    if (rc == LCP_OK) *out = t;
    else lcp_free(t);
    return rc;
}

/* The issuer chain of a's head added to doc under key. */
static int add_chain(cJSON *doc, const char *key, const lcp_pccs_answer *a, const char *const *names, char *err)
{
    char *t = NULL;
    int rc = chain_text(&t, a, names, err);
    if (rc == LCP_OK && !cJSON_AddStringToObject(doc, key, t)) rc = lcp_fail(err, LCP_ERR_NOMEM, "out of memory");
    lcp_free(t);
    return rc;
}

static int add_hex(cJSON *doc, const char *key, const uint8_t *p, size_t n, char *err)
{
    char *h = lcp_malloc(2 * n + 1);
    int ok = h && lcp_hex_encode(h, 2 * n + 1, p, n) == LCP_OK && cJSON_AddStringToObject(doc, key, h);
    lcp_free(h);
    return ok ? LCP_OK : lcp_fail(err, LCP_ERR_NOMEM, "out of memory");
}

static int is_hex_text(const uint8_t *p, size_t n)
{
    if (n == 0 || n % 2) return 0;
    for (size_t i = 0; i < n; i++)
        if (!((p[i] >= '0' && p[i] <= '9') || (p[i] >= 'a' && p[i] <= 'f') || (p[i] >= 'A' && p[i] <= 'F'))) return 0;
    return 1;
}

/* A CRL answer (DER, PEM, or hex of DER as a PCCS sends the Root CA CRL) added to doc as hex of its DER. Line
 * ends are trimmed from the text forms only: a DER CRL's last byte (of its signature) is 0x0a or 0x0d one time in
 * 128, and trimming it would cut the CRL. */
static int add_crl(cJSON *doc, const char *key, const lcp_pccs_answer *a, char *err)
{
    lcp_bytes body = a->body, text = body;
    while (text.len && (text.ptr[text.len - 1] == '\n' || text.ptr[text.len - 1] == '\r')) text.len--;
    uint8_t *der = NULL;
    size_t n = 0;
    int rc = LCP_OK;
    if (text.len > 10 && memcmp(text.ptr, "-----BEGIN", 10) == 0) {
        BIO *b = text.len <= INT_MAX ? BIO_new_mem_buf(text.ptr, (int)text.len) : NULL;
        X509_CRL *crl = b ? PEM_read_bio_X509_CRL(b, NULL, NULL, NULL) : NULL;
        BIO_free(b);
        ERR_clear_error();
        unsigned char *d = NULL;
        int k = crl ? i2d_X509_CRL(crl, &d) : -1;
        X509_CRL_free(crl);
        if (k <= 0) return PCCS("GET %s: the PEM body is not a CRL", a->url);
        rc = add_hex(doc, key, d, (size_t)k, err);
        OPENSSL_free(d);
        return rc;
    }
    if (is_hex_text(text.ptr, text.len)) {
        if (!(der = lcp_malloc(text.len / 2))) return lcp_fail(err, LCP_ERR_NOMEM, "out of memory");
        if (lcp_hex_decode(der, text.len / 2, &n, (const char *)text.ptr, text.len, NULL) != LCP_OK) n = 0;
        body.ptr = der;
        body.len = n;
    }
    /* DER: a SEQUENCE; the verifier parses it fully. */
    if (body.len < 2 || body.ptr[0] != 0x30) rc = PCCS("GET %s: the body is not a CRL (DER, PEM or hex)", a->url);
    else rc = add_hex(doc, key, body.ptr, body.len, err);
    lcp_free(der);
    return rc;
}

/* A signed JSON answer {"<member>":{...},"signature":"..."}: the member's exact text and the signature. */
static int add_signed(cJSON *doc, const char *key, const char *sig_key, const lcp_pccs_answer *a, const char *member,
                      char *err)
{
    lcp_bytes text;
    uint8_t sig[LCP_DCAP_SIG_LEN];
    char e2[LCP_ERR_LEN] = "";
    if (lcp_dcap_signed_json_split(&text, sig, a->body.ptr, a->body.len, member, e2) != LCP_OK)
        return PCCS("GET %s: %s", a->url, e2);
    char *t = lcp_malloc(text.len + 1);
    if (!t) return lcp_fail(err, LCP_ERR_NOMEM, "out of memory");
    memcpy(t, text.ptr, text.len);
    t[text.len] = '\0';
    int rc = strlen(t) != text.len ? PCCS("GET %s: NUL inside %s", a->url, member) : LCP_OK;
    if (rc == LCP_OK && !cJSON_AddStringToObject(doc, key, t)) rc = lcp_fail(err, LCP_ERR_NOMEM, "out of memory");
    lcp_free(t);
    return rc == LCP_OK ? add_hex(doc, sig_key, sig, sizeof sig, err) : rc;
}

static const char *const PCK_CHAIN[] = {"SGX-PCK-CRL-Issuer-Chain", NULL};
static const char *const TCB_CHAIN[] = {"TCB-Info-Issuer-Chain", "SGX-TCB-Info-Issuer-Chain", NULL};
static const char *const QE_CHAIN[] = {"SGX-Enclave-Identity-Issuer-Chain", NULL};

/* The CRL distribution point (a URI) of the last certificate of a PEM chain: the root's, for its CRL. */
static int root_cdp(char *out, size_t cap, const char *chain, char *err)
{
    BIO *b = BIO_new_mem_buf(chain, -1);
    X509 *last = NULL, *x;
    while (b && (x = PEM_read_bio_X509(b, NULL, NULL, NULL)) != NULL) {
        X509_free(last);
        last = x;
    }
    BIO_free(b);
    ERR_clear_error();
    int found = 0;
    STACK_OF(DIST_POINT) *dps = last ? X509_get_ext_d2i(last, NID_crl_distribution_points, NULL, NULL) : NULL;
    for (int i = 0; dps && i < sk_DIST_POINT_num(dps) && !found; i++) {
        DIST_POINT *dp = sk_DIST_POINT_value(dps, i);
        if (!dp->distpoint || dp->distpoint->type != 0) continue;
        GENERAL_NAMES *gns = dp->distpoint->name.fullname;
        for (int j = 0; j < sk_GENERAL_NAME_num(gns) && !found; j++) {
            GENERAL_NAME *g = sk_GENERAL_NAME_value(gns, j);
            if (g->type != GEN_URI) continue;
            const ASN1_IA5STRING *u = g->d.uniformResourceIdentifier;
            if (u->length > 0 && (size_t)u->length < cap) {
                memcpy(out, u->data, (size_t)u->length);
                out[u->length] = '\0';
                found = 1;
            }
        }
    }
    sk_DIST_POINT_pop_free(dps, DIST_POINT_free);
    X509_free(last);
    ERR_clear_error();
    if (!found) return PCCS("the root certificate of the QE Identity issuer chain names no CRL distribution point");
    return LCP_OK;
}

int lcp_pccs_root_crl_url(char *out, size_t cap, const lcp_pccs_answer *qe_identity, char *err)
{
    if (cap) out[0] = '\0';
    char *chain = NULL;
    int rc = chain_text(&chain, qe_identity, QE_CHAIN, err);
    if (rc == LCP_OK) rc = root_cdp(out, cap, chain, err);
    lcp_free(chain);
    return rc;
}

int lcp_pccs_collateral_assemble(char **json, size_t *len, const lcp_pccs_answers *a, char *err)
{
    *json = NULL;
    *len = 0;
    cJSON *doc = cJSON_CreateObject();
    if (!doc) return lcp_fail(err, LCP_ERR_NOMEM, "out of memory");
    int rc = add_chain(doc, "pck_crl_issuer_chain", &a->pck_crl, PCK_CHAIN, err);
    if (rc == LCP_OK) rc = add_crl(doc, "pck_crl", &a->pck_crl, err);
    if (rc == LCP_OK) rc = add_chain(doc, "tcb_info_issuer_chain", &a->tcb_info, TCB_CHAIN, err);
    if (rc == LCP_OK) rc = add_signed(doc, "tcb_info", "tcb_info_signature", &a->tcb_info, "tcbInfo", err);
    if (rc == LCP_OK) rc = add_chain(doc, "qe_identity_issuer_chain", &a->qe_identity, QE_CHAIN, err);
    if (rc == LCP_OK)
        rc = add_signed(doc, "qe_identity", "qe_identity_signature", &a->qe_identity, "enclaveIdentity", err);
    if (rc == LCP_OK) rc = add_crl(doc, "root_ca_crl", &a->root_ca_crl, err);
    char *text = rc == LCP_OK ? cJSON_PrintUnformatted(doc) : NULL;
    if (rc == LCP_OK && !text) rc = lcp_fail(err, LCP_ERR_NOMEM, "out of memory");
    cJSON_Delete(doc);
    if (rc != LCP_OK) return rc;
    /* Into lcp_malloc'd memory, as the header promises. */
    size_t n = strlen(text);
    if ((*json = lcp_malloc(n + 1)) == NULL) rc = lcp_fail(err, LCP_ERR_NOMEM, "out of memory");
    else {
        memcpy(*json, text, n + 1);
        *len = n;
    }
    cJSON_free(text);
    return rc;
}

/* GET url into *res and a: the answer, whose views stay valid while res is. */
static int fetch(lcp_http_result *res, lcp_pccs_answer *a, const char *url, const lcp_http_options *o, char *err)
{
    int rc = get_ok(res, url, o, err);
    *a = (lcp_pccs_answer){url, res->r.head, res->r.body};
    return rc;
}

int lcp_pccs_collateral(char **json, size_t *len, const char *base_url, const uint8_t *quote, size_t quote_len,
                        const lcp_http_options *opt, char *err)
{
    *json = NULL;
    *len = 0;
    lcp_dcap_pck_info pi;
    int rc = lcp_dcap_quote_pck_info(&pi, quote, quote_len, err);
    if (rc != LCP_OK) return rc;
    /* The base: what was given, without a trailing '/' or the API path (both forms are in use). */
    char base[1536], url[4][2048];
    size_t bl = strlen(base_url);
    while (bl && base_url[bl - 1] == '/') bl--;
    if (bl >= strlen(API) && memcmp(base_url + bl - strlen(API), API, strlen(API)) == 0) bl -= strlen(API);
    if (bl == 0 || bl >= sizeof base) return lcp_fail(err, LCP_ERR_ILLEGAL_ARG, "--pccs_url is empty or too long");
    memcpy(base, base_url, bl);
    base[bl] = '\0';
    snprintf(url[0], sizeof url[0], "%s" API "/pckcrl?ca=%s&encoding=der", base, lcp_dcap_pck_ca_name(pi.ca));
    snprintf(url[1], sizeof url[1], "%s" API "/tcb?fmspc=%s", base, pi.fmspc_hex);
    snprintf(url[2], sizeof url[2], "%s" API "/qe/identity", base);
    snprintf(url[3], sizeof url[3], "%s" API "/rootcacrl", base);

    lcp_http_result res[4] = {0};
    lcp_pccs_answers a;
    memset(&a, 0, sizeof a);
    rc = fetch(&res[0], &a.pck_crl, url[0], opt, err);
    if (rc == LCP_OK) rc = fetch(&res[1], &a.tcb_info, url[1], opt, err);
    if (rc == LCP_OK) rc = fetch(&res[2], &a.qe_identity, url[2], opt, err);
    /* A PCCS serves the Root CA CRL itself; Intel's PCS does not (404): then the root's distribution point. */
    if (rc == LCP_OK) rc = lcp_http_get(&res[3], url[3], opt, err);
    if (rc == LCP_OK && res[3].r.status == 200)
        a.root_ca_crl = (lcp_pccs_answer){url[3], res[3].r.head, res[3].r.body};
    else if (rc == LCP_OK) {
        lcp_http_result_free(&res[3]);
        /* Intel's distribution point has a public certificate: the system's CAs, not a private PCCS's. */
        lcp_http_options cdp = opt ? *opt : (lcp_http_options){0};
        cdp.ca_file = NULL;
        rc = lcp_pccs_root_crl_url(url[3], sizeof url[3], &a.qe_identity, err);
        if (rc == LCP_OK) rc = fetch(&res[3], &a.root_ca_crl, url[3], &cdp, err);
    }
    if (rc == LCP_OK) rc = lcp_pccs_collateral_assemble(json, len, &a, err);
    for (int i = 0; i < 4; i++) lcp_http_result_free(&res[i]);
    return rc;
}
