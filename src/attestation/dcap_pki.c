/* DCAP PKI helpers: loading certificates and CRLs (PEM or DER), checking one certificate against its issuer and
 * one CRL against its issuer at a given time (spec/dcap.md 2.1, 2.2 steps 2-4, 7); the signatures themselves are
 * checked by dcap_p256.c over the spans dcap_der.c reads. The verifier composes these over Intel's fixed
 * hierarchy in dcap_verify.c. */
#include "dcap_internal.h"

#include <openssl/core_names.h>
#include <openssl/objects.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <string.h>

void lcp_dcap_window_init(lcp_dcap_window *w)
{
    w->from = INT64_MIN;
    w->to = INT64_MAX;
}

static void window_narrow(lcp_dcap_window *w, int64_t from, int64_t to)
{
    if (from > w->from) w->from = from;
    if (to < w->to) w->to = to;
}

static void fmt_time(char out[32], int64_t t)
{
    if (lcp_time_format(out, 32, t) != LCP_OK) snprintf(out, 32, "%lld", (long long)t);
}

/* ---- PEM ---- */

static int is_space(uint8_t c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

/* Skips whitespace; at the end of the text also NUL bytes (Intel's QE NUL-terminates the chain it embeds). */
static const uint8_t *skip_filler(const uint8_t *p, const uint8_t *end)
{
    while (p < end && is_space(*p)) p++;
    const uint8_t *q = p;
    while (q < end && *q == 0) q++;
    return q == end ? end : p;
}

static int starts_with(const uint8_t *p, const uint8_t *end, const char *s)
{
    size_t n = strlen(s);
    return (size_t)(end - p) >= n && memcmp(p, s, n) == 0;
}

/* Largest object accepted (DER size): Intel certificates and CRLs are under 1 KB and a Platform CA CRL with many
 * revoked serials a few KB; the bound only keeps hostile input from asking for absurd allocations. */
#define DER_MAX (1u << 20)

/* Reads the next "-----BEGIN <label>-----" ... "-----END <label>-----" block starting at *p (after filler).
 * Returns 1 with *der (lcp_malloc'd, free with lcp_free) filled, 0 when only filler remains, or a negative error
 * (code). Only whitespace may separate blocks: other text is an error, not something to skip, so that nothing
 * rides along unnoticed. */
static int pem_next(const uint8_t **p, const uint8_t *end, const char *label, uint8_t **der, size_t *der_len,
                    int code, const char *what, char *err)
{
    char begin[64], endl[64];
    snprintf(begin, sizeof begin, "-----BEGIN %s-----", label);
    snprintf(endl, sizeof endl, "-----END %s-----", label);
    const uint8_t *s = skip_filler(*p, end);
    if (s == end) {
        *p = end;
        return 0;
    }
    if (!starts_with(s, end, begin))
        return lcp_fail(err, code, "%s: expected '%s' at byte %zu", what, begin, (size_t)(s - *p));
    s += strlen(begin);
    const uint8_t *body = s;
    while (s < end && *s != '-') s++;
    if (!starts_with(s, end, endl)) return lcp_fail(err, code, "%s: PEM block has no '%s'", what, endl);
    size_t span = (size_t)(s - body);
    if (span / 4 * 3 > DER_MAX) return lcp_fail(err, code, "%s: PEM block too large", what);
    /* The base64 text without its line breaks, decoded strictly (padding, no stray characters). */
    char *b64 = lcp_malloc(span + 1);
    uint8_t *out = lcp_malloc(span / 4 * 3 + 3);
    if (b64 == NULL || out == NULL) {
        lcp_free(b64);
        lcp_free(out);
        return lcp_fail(err, LCP_ERR_NOMEM, "%s: out of memory", what);
    }
    size_t n = 0;
    for (const uint8_t *q = body; q < s; q++)
        if (!is_space(*q)) b64[n++] = (char)*q;
    size_t out_len = 0;
    char e2[LCP_ERR_LEN];
    int rc = lcp_base64_decode(out, span / 4 * 3 + 3, &out_len, b64, n, e2);
    lcp_free(b64);
    if (rc != LCP_OK || out_len == 0) {
        lcp_free(out);
        return lcp_fail(err, code, "%s: PEM body is not base64", what);
    }
    *der = out;
    *der_len = out_len;
    *p = s + strlen(endl);
    return 1;
}

int lcp_dcap_is_pem(const uint8_t *p, size_t len)
{
    const uint8_t *end = p + len;
    while (p < end && is_space(*p)) p++;
    return starts_with(p, end, "-----BEGIN ");
}

int lcp_dcap_der_cert(X509 **out, const uint8_t *der, size_t len, const char *what, char *err)
{
    if (len == 0 || len > DER_MAX) return lcp_fail(err, LCP_ERR_ATTESTATION_CERT, "%s: bad DER length", what);
    const unsigned char *q = der;
    X509 *x = d2i_X509(NULL, &q, (long)len);
    if (x == NULL) return lcp_fail(err, LCP_ERR_ATTESTATION_CERT, "%s: not a DER certificate", what);
    if ((size_t)(q - der) != len) {
        X509_free(x);
        return lcp_fail(err, LCP_ERR_ATTESTATION_CERT, "%s: trailing bytes after the certificate", what);
    }
    *out = x;
    return LCP_OK;
}

int lcp_dcap_pem_chain_split(lcp_dcap_pem_chain *out, const uint8_t *p, size_t len, const char *what, char *err)
{
    static const uint8_t empty[1];
    const uint8_t *cur = len ? p : empty, *end = cur + len;
    memset(out, 0, sizeof *out);
    int rc;
    for (;;) {
        uint8_t *der = NULL;
        size_t dl = 0;
        rc = pem_next(&cur, end, "CERTIFICATE", &der, &dl, LCP_ERR_ATTESTATION_CERT, what, err);
        if (rc < 0) goto fail;
        if (rc == 0) break;
        if (out->n == LCP_DCAP_MAX_CHAIN) {
            lcp_free(der);
            rc = lcp_fail(err, LCP_ERR_ATTESTATION_CERT, "%s: more than %d certificates", what, LCP_DCAP_MAX_CHAIN);
            goto fail;
        }
        out->der[out->n] = der;
        out->len[out->n] = dl;
        out->n++;
    }
    if (out->n == 0) {
        rc = lcp_fail(err, LCP_ERR_ATTESTATION_CERT, "%s: no certificate", what);
        goto fail;
    }
    return LCP_OK;
fail:
    lcp_dcap_pem_chain_free(out);
    return rc;
}

void lcp_dcap_pem_chain_free(lcp_dcap_pem_chain *c)
{
    for (size_t i = 0; i < c->n; i++) lcp_free(c->der[i]);
    memset(c, 0, sizeof *c);
}

void lcp_dcap_crl_free(lcp_dcap_crl *c)
{
    if (c == NULL) return;
    X509_CRL_free(c->crl);
    lcp_free(c->der);
    lcp_free(c);
}

/* Takes der (lcp_malloc'd, dl bytes) whatever happens. */
static int crl_from_der(lcp_dcap_crl **out, uint8_t *der, size_t dl, const char *what, char *err)
{
    const int code = LCP_ERR_ATTESTATION_COLLATERAL;
    lcp_dcap_crl *c = lcp_calloc(1, sizeof *c);
    if (c == NULL) {
        lcp_free(der);
        return lcp_fail(err, LCP_ERR_NOMEM, "%s: out of memory", what);
    }
    c->der = der;
    c->der_len = dl;
    const unsigned char *q = der;
    int rc = LCP_OK;
    if (dl == 0 || dl > DER_MAX) rc = lcp_fail(err, code, "%s: bad CRL length", what);
    else if ((c->crl = d2i_X509_CRL(NULL, &q, (long)dl)) == NULL) rc = lcp_fail(err, code, "%s: not a DER CRL", what);
    else if ((size_t)(q - der) != dl) rc = lcp_fail(err, code, "%s: trailing bytes after the CRL", what);
    else rc = lcp_dcap_der_signed(&c->sig, der, dl, 1, code, what, err);
    if (rc != LCP_OK) {
        lcp_dcap_crl_free(c);
        return rc;
    }
    *out = c;
    return LCP_OK;
}

int lcp_dcap_load_crl(lcp_dcap_crl **out, const uint8_t *p, size_t len, const char *what, char *err)
{
    uint8_t *der = NULL;
    size_t dl = len;
    if (lcp_dcap_is_pem(p, len)) {
        const uint8_t *cur = p, *end = p + len;
        int rc = pem_next(&cur, end, "X509 CRL", &der, &dl, LCP_ERR_ATTESTATION_COLLATERAL, what, err);
        if (rc < 0) return rc;
        if (rc == 0 || skip_filler(cur, end) != end) {
            lcp_free(der);
            return lcp_fail(err, LCP_ERR_ATTESTATION_COLLATERAL, "%s: expected exactly one PEM CRL", what);
        }
    } else {
        if (len == 0 || len > DER_MAX)
            return lcp_fail(err, LCP_ERR_ATTESTATION_COLLATERAL, "%s: bad CRL length", what);
        if ((der = lcp_malloc(len)) == NULL) return lcp_fail(err, LCP_ERR_NOMEM, "%s: out of memory", what);
        memcpy(der, p, len);
    }
    return crl_from_der(out, der, dl, what, err);
}

void lcp_dcap_cert_release(lcp_dcap_cert *c)
{
    if (c == NULL || --c->refs > 0) return;
    X509_free(c->x509);
    lcp_free(c->der);
    lcp_free(c);
}

/* The subject key as a SEC 1 point, if it is a P-256 key (anything else leaves key_len 0 for the checks to
 * refuse with their own message). */
static void cert_key(lcp_dcap_cert *c)
{
    const unsigned char *pk = NULL;
    int pk_len = 0;
    X509_PUBKEY *pub = X509_get_X509_PUBKEY(c->x509);
    if (pub == NULL || !lcp_dcap_is_p256(X509_get0_pubkey(c->x509)) ||
        X509_PUBKEY_get0_param(NULL, &pk, &pk_len, NULL, pub) != 1 || (pk_len != 33 && pk_len != 65))
        return;
    memcpy(c->key, pk, (size_t)pk_len);
    c->key_len = (size_t)pk_len;
}

int lcp_dcap_cert_new(lcp_dcap_cert **out, const uint8_t *der, size_t len, const char *what, char *err)
{
    lcp_dcap_cert *c = lcp_calloc(1, sizeof *c);
    if (c == NULL || (len > 0 && (c->der = lcp_malloc(len)) == NULL)) {
        lcp_free(c);
        return lcp_fail(err, LCP_ERR_NOMEM, "%s: out of memory", what);
    }
    c->refs = 1;
    if (len > 0) memcpy(c->der, der, len);
    c->der_len = len;
    int rc = lcp_dcap_der_cert(&c->x509, c->der, len, what, err);
    if (rc == LCP_OK) rc = lcp_dcap_der_signed(&c->sig, c->der, len, 0, LCP_ERR_ATTESTATION_CERT, what, err);
    if (rc != LCP_OK) {
        lcp_dcap_cert_release(c);
        return rc;
    }
    cert_key(c);
    *out = c;
    return LCP_OK;
}

/* ---- time ---- */

static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    /* Proleptic Gregorian day count relative to 1970-01-01, shifting the year to start in March so that the leap
     * day is the last day of the shifted year. */
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = (unsigned)(y - era * 400);
    const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

int lcp_dcap_asn1_time(int64_t *out, const ASN1_TIME *t)
{
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    if (t == NULL || ASN1_TIME_to_tm(t, &tm) != 1) return LCP_ERR_ATTESTATION_CERT;
    *out = days_from_civil((int64_t)tm.tm_year + 1900, (unsigned)tm.tm_mon + 1, (unsigned)tm.tm_mday) * 86400 +
           (int64_t)tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec;
    return LCP_OK;
}

int lcp_dcap_window_check(lcp_dcap_window *w, int64_t from, int64_t to, int64_t now, int code, const char *what,
                        char *err)
{
    if (now < from || now > to) {
        char a[32], b[32], c[32];
        fmt_time(a, from);
        fmt_time(b, to);
        fmt_time(c, now);
        return lcp_fail(err, code, "%s is not valid at %s (valid %s .. %s)", what, c, a, b);
    }
    window_narrow(w, from, to);
    return LCP_OK;
}

/* ---- keys ---- */

int lcp_dcap_is_p256(EVP_PKEY *k)
{
    char group[32];
    size_t gl = 0;
    if (k == NULL || !EVP_PKEY_is_a(k, "EC")) return 0;
    if (!EVP_PKEY_get_utf8_string_param(k, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group, &gl)) return 0;
    return strcmp(group, "prime256v1") == 0;
}

/* ---- certificates and CRLs ---- */

int lcp_dcap_cert_cn_is(X509 *cert, const char *cn)
{
    X509_NAME *name = X509_get_subject_name(cert);
    int i = X509_NAME_get_index_by_NID(name, NID_commonName, -1);
    if (i < 0 || X509_NAME_get_index_by_NID(name, NID_commonName, i) >= 0) return 0; /* none, or several */
    const ASN1_STRING *s = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, i));
    size_t n = strlen(cn);
    return s != NULL && (size_t)ASN1_STRING_length(s) == n && memcmp(ASN1_STRING_get0_data(s), cn, n) == 0;
}

static int cert_basics(const lcp_dcap_cert *cert, const char *what, char *err)
{
    uint32_t flags = X509_get_extension_flags(cert->x509); /* also parses and caches the extensions */
    if (flags & EXFLAG_INVALID) return lcp_fail(err, LCP_ERR_ATTESTATION_CERT, "%s: malformed extensions", what);
    if (flags & EXFLAG_CRITICAL)
        return lcp_fail(err, LCP_ERR_ATTESTATION_CERT, "%s: unsupported critical extension", what);
    if (cert->key_len == 0) return lcp_fail(err, LCP_ERR_ATTESTATION_CERT, "%s: key is not ECDSA P-256", what);
    return LCP_OK;
}

int lcp_dcap_check_root(lcp_dcap_window *w, const lcp_dcap_cert *root, int64_t now, char *err)
{
    int rc = cert_basics(root, "root certificate", err);
    if (rc != LCP_OK) return rc;
    if (X509_check_issued(root->x509, root->x509) != X509_V_OK || X509_check_ca(root->x509) != 1)
        return lcp_fail(err, LCP_ERR_ATTESTATION_CERT, "root certificate is not a self-issued CA certificate");
    int64_t nb, na;
    if (lcp_dcap_asn1_time(&nb, X509_get0_notBefore(root->x509)) ||
        lcp_dcap_asn1_time(&na, X509_get0_notAfter(root->x509)))
        return lcp_fail(err, LCP_ERR_ATTESTATION_CERT, "root certificate: bad validity times");
    return lcp_dcap_window_check(w, nb, na, now, LCP_ERR_ATTESTATION_CERT_EXPIRED, "root certificate", err);
}

/* The signature of a certificate or CRL: both copies of the algorithm must be the same ecdsa-with-SHA256 (as
 * OpenSSL's own X509_verify requires), then one P-256 verification over the signed bytes as received. */
static int check_signed(lcp_dcap_p256 *p, unsigned *count, const lcp_dcap_signed *sig, int nid,
                        const lcp_dcap_cert *issuer, int fixed, int code, const char *what, const char *kind, char *err)
{
    if (nid != NID_ecdsa_with_SHA256) return lcp_fail(err, code, "%s: not signed with ecdsa-with-SHA256", what);
    if (sig->tbs_sig_alg.len != sig->sig_alg.len ||
        memcmp(sig->tbs_sig_alg.ptr, sig->sig_alg.ptr, sig->sig_alg.len) != 0)
        return lcp_fail(err, code, "%s: the signed and unsigned signature algorithms differ", what);
    char e2[LCP_ERR_LEN] = "";
    int rc = lcp_dcap_p256_verify(p, issuer->key, issuer->key_len, fixed, sig->r, sig->s, sig->tbs.ptr, sig->tbs.len,
                                  count, what, e2);
    if (rc == LCP_ERR_ATTESTATION_SIGNATURE)
        return lcp_fail(err, code == LCP_ERR_ATTESTATION_CERT ? code : rc, "%s: %s signature does not verify", what,
                        kind);
    return rc == LCP_OK ? LCP_OK : lcp_fail(err, rc, "%s", e2);
}

int lcp_dcap_check_cert(lcp_dcap_p256 *p, lcp_dcap_window *w, unsigned *count, const lcp_dcap_cert *cert,
                        const lcp_dcap_cert *issuer, int fixed, int64_t now, const char *what, char *err)
{
    int rc = cert_basics(cert, what, err);
    if (rc != LCP_OK) return rc;
    if (X509_get_signature_nid(cert->x509) != NID_ecdsa_with_SHA256)
        return lcp_fail(err, LCP_ERR_ATTESTATION_CERT, "%s: not signed with ecdsa-with-SHA256", what);
    /* Names, key identifiers and the issuer's keyUsage (keyCertSign) must agree before the signature matters. */
    int ci = X509_check_issued(issuer->x509, cert->x509);
    if (ci != X509_V_OK)
        return lcp_fail(err, LCP_ERR_ATTESTATION_CERT, "%s: not issued by the expected issuer (%s)", what,
                        X509_verify_cert_error_string(ci));
    if (X509_check_ca(issuer->x509) != 1)
        return lcp_fail(err, LCP_ERR_ATTESTATION_CERT, "%s: issuer is not a CA certificate", what);
    if (issuer->key_len == 0) return lcp_fail(err, LCP_ERR_ATTESTATION_CERT, "%s: issuer key is not P-256", what);
    rc = check_signed(p, count, &cert->sig, X509_get_signature_nid(cert->x509), issuer, fixed,
                      LCP_ERR_ATTESTATION_CERT, what, "certificate", err);
    if (rc != LCP_OK) return rc;
    int64_t nb, na;
    if (lcp_dcap_asn1_time(&nb, X509_get0_notBefore(cert->x509)) ||
        lcp_dcap_asn1_time(&na, X509_get0_notAfter(cert->x509)))
        return lcp_fail(err, LCP_ERR_ATTESTATION_CERT, "%s: bad validity times", what);
    return lcp_dcap_window_check(w, nb, na, now, LCP_ERR_ATTESTATION_CERT_EXPIRED, what, err);
}

int lcp_dcap_check_crl(lcp_dcap_p256 *p, lcp_dcap_window *w, unsigned *count, const lcp_dcap_crl *crl,
                       const lcp_dcap_cert *issuer, int64_t now, const char *what, char *err)
{
    X509_CRL *x = crl->crl;
    if (X509_CRL_get_signature_nid(x) != NID_ecdsa_with_SHA256)
        return lcp_fail(err, LCP_ERR_ATTESTATION_COLLATERAL, "%s: not signed with ecdsa-with-SHA256", what);
    if (X509_NAME_cmp(X509_CRL_get_issuer(x), X509_get_subject_name(issuer->x509)) != 0) {
        /* Both names: collateral meant for another root (a simulated platform's, or Intel's for a sim verifier)
         * shows here first, and the names say which. */
        char got[160], want[160];
        if (X509_NAME_oneline(X509_CRL_get_issuer(x), got, sizeof got) == NULL) snprintf(got, sizeof got, "?");
        if (X509_NAME_oneline(X509_get_subject_name(issuer->x509), want, sizeof want) == NULL)
            snprintf(want, sizeof want, "?");
        return lcp_fail(err, LCP_ERR_ATTESTATION_COLLATERAL,
                        "%s: issuer is not the expected CA (issued by %s, expected %s)", what, got, want);
    }
    if ((X509_get_extension_flags(issuer->x509) & EXFLAG_KUSAGE) && !(X509_get_key_usage(issuer->x509) & KU_CRL_SIGN))
        return lcp_fail(err, LCP_ERR_ATTESTATION_COLLATERAL, "%s: issuer may not sign CRLs", what);
    if (issuer->key_len == 0) return lcp_fail(err, LCP_ERR_ATTESTATION_COLLATERAL, "%s: issuer key is not P-256", what);
    /* A CRL's issuer is the root or the PCK CA: always a fixed key. */
    int rc = check_signed(p, count, &crl->sig, X509_CRL_get_signature_nid(x), issuer, 1,
                          LCP_ERR_ATTESTATION_COLLATERAL, what, "CRL", err);
    if (rc != LCP_OK) return rc;
    const ASN1_TIME *next = X509_CRL_get0_nextUpdate(x);
    int64_t tu, nu;
    if (next == NULL) return lcp_fail(err, LCP_ERR_ATTESTATION_COLLATERAL, "%s: CRL has no nextUpdate", what);
    if (lcp_dcap_asn1_time(&tu, X509_CRL_get0_lastUpdate(x)) || lcp_dcap_asn1_time(&nu, next))
        return lcp_fail(err, LCP_ERR_ATTESTATION_COLLATERAL, "%s: bad CRL times", what);
    return lcp_dcap_window_check(w, tu, nu, now, LCP_ERR_ATTESTATION_COLLATERAL_EXPIRED, what, err);
}

int lcp_dcap_check_not_revoked(const lcp_dcap_crl *crl, const lcp_dcap_cert *cert, const char *what, char *err)
{
    X509_REVOKED *r = NULL;
    /* 1 = listed; 2 = listed as removeFromCRL (delta CRLs), which means not revoked. */
    if (X509_CRL_get0_by_serial(crl->crl, &r, X509_get0_serialNumber(cert->x509)) == 1)
        return lcp_fail(err, LCP_ERR_ATTESTATION_REVOKED, "%s is revoked", what);
    return LCP_OK;
}

/* ---- the SGX extension ---- */

/* DER of OID 1.2.840.113741.1.13.1 (the content octets). */
static const uint8_t SGX_EXT_OID[] = {0x2A, 0x86, 0x48, 0x86, 0xF8, 0x4D, 0x01, 0x0D, 0x01};

int lcp_dcap_pck_ext_from_x509(lcp_dcap_pck_ext *out, X509 *cert, char *err)
{
    int found = -1;
    for (int i = 0; i < X509_get_ext_count(cert); i++) {
        const ASN1_OBJECT *o = X509_EXTENSION_get_object(X509_get_ext(cert, i));
        if (OBJ_length(o) == sizeof SGX_EXT_OID && memcmp(OBJ_get0_data(o), SGX_EXT_OID, sizeof SGX_EXT_OID) == 0) {
            if (found >= 0) return lcp_fail(err, LCP_ERR_ATTESTATION_CERT, "PCK certificate: SGX extension twice");
            found = i;
        }
    }
    if (found < 0) return lcp_fail(err, LCP_ERR_ATTESTATION_CERT, "PCK certificate has no SGX extension");
    const ASN1_OCTET_STRING *v = X509_EXTENSION_get_data(X509_get_ext(cert, found));
    return lcp_dcap_pck_ext_parse(out, ASN1_STRING_get0_data(v), (size_t)ASN1_STRING_length(v), err);
}

int lcp_dcap_pck_ext_from_cert(lcp_dcap_pck_ext *out, const uint8_t *cert, size_t len, char *err)
{
    lcp_dcap_cert *c = NULL;
    int rc = lcp_dcap_cert_load(&c, NULL, cert, len, "PCK certificate", err);
    if (rc != LCP_OK) return rc;
    rc = lcp_dcap_pck_ext_from_x509(out, c->x509, err);
    lcp_dcap_cert_release(c);
    return rc;
}
