/* DCAP collateral from a PCCS (lcp/host_pccs.h): which URLs, which headers, and the answers turned into the
 * one-file collateral document. Nothing here decides trust: lcp_dcap_verify checks everything under its root. */
#include <cjson/cJSON.h>
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

/* The URL-decoded issuer chain of the first header present, as a NUL-terminated string added to doc under key. */
static int add_chain(cJSON *doc, const char *key, const lcp_http_result *res, const char *const *names,
                     const char *url, char *err)
{
    lcp_bytes v = {0};
    int found = 0;
    for (int i = 0; names[i] && !found; i++) found = lcp_http_header(&v, res->r.head, names[i]);
    if (!found || v.len == 0) return PCCS("GET %s: no %s header (the issuer chain)", url, names[0]);
    char *t = lcp_malloc(v.len + 1);
    if (!t) return lcp_fail(err, LCP_ERR_NOMEM, "out of memory");
    size_t n = 0;
    int rc = lcp_http_url_decode((uint8_t *)t, v.len, &n, v.ptr, v.len, err);
    if (rc == LCP_OK) {
        t[n] = '\0';
        if (strlen(t) != n || !strstr(t, "-----BEGIN CERTIFICATE-----"))
            rc = PCCS("GET %s: the %s header is not a PEM certificate chain", url, names[0]);
        else if (!cJSON_AddStringToObject(doc, key, t)) rc = lcp_fail(err, LCP_ERR_NOMEM, "out of memory");
    }
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
static int add_crl(cJSON *doc, const char *key, lcp_bytes body, const char *url, char *err)
{
    lcp_bytes text = body;
    while (text.len && (text.ptr[text.len - 1] == '\n' || text.ptr[text.len - 1] == '\r')) text.len--;
    uint8_t *der = NULL;
    size_t n = 0;
    int rc = LCP_OK;
    if (text.len > 10 && memcmp(text.ptr, "-----BEGIN", 10) == 0) {
        BIO *b = BIO_new_mem_buf(text.ptr, (int)text.len);
        X509_CRL *crl = b ? PEM_read_bio_X509_CRL(b, NULL, NULL, NULL) : NULL;
        BIO_free(b);
        unsigned char *d = NULL;
        int k = crl ? i2d_X509_CRL(crl, &d) : -1;
        X509_CRL_free(crl);
        if (k <= 0) return PCCS("GET %s: the PEM body is not a CRL", url);
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
    if (body.len < 2 || body.ptr[0] != 0x30) rc = PCCS("GET %s: the body is not a CRL (DER, PEM or hex)", url);
    else rc = add_hex(doc, key, body.ptr, body.len, err);
    lcp_free(der);
    return rc;
}

/* A signed JSON answer {"<member>":{...},"signature":"..."}: the member's exact text and the signature. */
static int add_signed(cJSON *doc, const char *key, const char *sig_key, lcp_bytes body, const char *member,
                      const char *url, char *err)
{
    lcp_bytes text;
    uint8_t sig[LCP_DCAP_SIG_LEN];
    char e2[LCP_ERR_LEN] = "";
    if (lcp_dcap_signed_json_split(&text, sig, body.ptr, body.len, member, e2) != LCP_OK)
        return PCCS("GET %s: %s", url, e2);
    char *t = lcp_malloc(text.len + 1);
    if (!t) return lcp_fail(err, LCP_ERR_NOMEM, "out of memory");
    memcpy(t, text.ptr, text.len);
    t[text.len] = '\0';
    int rc = strlen(t) != text.len ? PCCS("GET %s: NUL inside %s", url, member) : LCP_OK;
    if (rc == LCP_OK && !cJSON_AddStringToObject(doc, key, t)) rc = lcp_fail(err, LCP_ERR_NOMEM, "out of memory");
    lcp_free(t);
    return rc == LCP_OK ? add_hex(doc, sig_key, sig, sizeof sig, err) : rc;
}

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
    int rc = PCCS("the root certificate of the QE Identity issuer chain names no CRL distribution point");
    STACK_OF(DIST_POINT) *dps = last ? X509_get_ext_d2i(last, NID_crl_distribution_points, NULL, NULL) : NULL;
    for (int i = 0; dps && i < sk_DIST_POINT_num(dps) && rc != LCP_OK; i++) {
        DIST_POINT *dp = sk_DIST_POINT_value(dps, i);
        if (!dp->distpoint || dp->distpoint->type != 0) continue;
        GENERAL_NAMES *gns = dp->distpoint->name.fullname;
        for (int j = 0; j < sk_GENERAL_NAME_num(gns) && rc != LCP_OK; j++) {
            GENERAL_NAME *g = sk_GENERAL_NAME_value(gns, j);
            if (g->type != GEN_URI) continue;
            const ASN1_IA5STRING *u = g->d.uniformResourceIdentifier;
            if (u->length > 0 && (size_t)u->length < cap) {
                memcpy(out, u->data, (size_t)u->length);
                out[u->length] = '\0';
                rc = LCP_OK;
            }
        }
    }
    sk_DIST_POINT_pop_free(dps, DIST_POINT_free);
    X509_free(last);
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
    char base[1536], url[2048];
    size_t bl = strlen(base_url);
    while (bl && base_url[bl - 1] == '/') bl--;
    if (bl >= strlen(API) && memcmp(base_url + bl - strlen(API), API, strlen(API)) == 0) bl -= strlen(API);
    if (bl == 0 || bl >= sizeof base) return lcp_fail(err, LCP_ERR_ILLEGAL_ARG, "--pccs_url is empty or too long");
    memcpy(base, base_url, bl);
    base[bl] = '\0';
    cJSON *doc = cJSON_CreateObject();
    lcp_http_result res = {0};
    if (!doc) return lcp_fail(err, LCP_ERR_NOMEM, "out of memory");

    static const char *const PCK_CHAIN[] = {"SGX-PCK-CRL-Issuer-Chain", NULL};
    static const char *const TCB_CHAIN[] = {"TCB-Info-Issuer-Chain", "SGX-TCB-Info-Issuer-Chain", NULL};
    static const char *const QE_CHAIN[] = {"SGX-Enclave-Identity-Issuer-Chain", NULL};
    snprintf(url, sizeof url, "%s" API "/pckcrl?ca=%s&encoding=der", base, lcp_dcap_pck_ca_name(pi.ca));
    if ((rc = get_ok(&res, url, opt, err)) == LCP_OK && (rc = add_chain(doc, "pck_crl_issuer_chain", &res, PCK_CHAIN, url, err)) == LCP_OK)
        rc = add_crl(doc, "pck_crl", res.r.body, url, err);
    lcp_http_result_free(&res);
    if (rc == LCP_OK) {
        snprintf(url, sizeof url, "%s" API "/tcb?fmspc=%s", base, pi.fmspc_hex);
        if ((rc = get_ok(&res, url, opt, err)) == LCP_OK && (rc = add_chain(doc, "tcb_info_issuer_chain", &res, TCB_CHAIN, url, err)) == LCP_OK)
            rc = add_signed(doc, "tcb_info", "tcb_info_signature", res.r.body, "tcbInfo", url, err);
        lcp_http_result_free(&res);
    }
    if (rc == LCP_OK) {
        snprintf(url, sizeof url, "%s" API "/qe/identity", base);
        if ((rc = get_ok(&res, url, opt, err)) == LCP_OK && (rc = add_chain(doc, "qe_identity_issuer_chain", &res, QE_CHAIN, url, err)) == LCP_OK)
            rc = add_signed(doc, "qe_identity", "qe_identity_signature", res.r.body, "enclaveIdentity", url, err);
        lcp_http_result_free(&res);
    }
    if (rc == LCP_OK) {
        /* A PCCS serves the Root CA CRL itself; Intel's PCS does not (404): then the root's distribution point. */
        snprintf(url, sizeof url, "%s" API "/rootcacrl", base);
        rc = lcp_http_get(&res, url, opt, err);
        if (rc == LCP_OK && res.r.status == 200) rc = add_crl(doc, "root_ca_crl", res.r.body, url, err);
        else if (rc == LCP_OK) {
            lcp_http_result_free(&res);
            const cJSON *qc = cJSON_GetObjectItemCaseSensitive(doc, "qe_identity_issuer_chain");
            /* Intel's distribution point has a public certificate: the system's CAs, not a private PCCS's. */
            lcp_http_options cdp = opt ? *opt : (lcp_http_options){0};
            cdp.ca_file = NULL;
            if ((rc = root_cdp(url, sizeof url, qc->valuestring, err)) == LCP_OK && (rc = get_ok(&res, url, &cdp, err)) == LCP_OK)
                rc = add_crl(doc, "root_ca_crl", res.r.body, url, err);
        }
        lcp_http_result_free(&res);
    }
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
