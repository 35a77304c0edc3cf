/* The DCAP verifier's PKI checks on a hierarchy generated here with OpenSSL (root -> CA -> leaf, CRLs), covering
 * what Intel's real data never shows: a revoked certificate, an impostor CA with the right name and the wrong key,
 * a CA without CA:TRUE, RSA and P-384 keys, an unknown critical extension, CRLs from the wrong issuer, stale or
 * without nextUpdate; plus raw r||s signatures, PEM chain strictness and window edges. */
#include "testutil.h"

#include <openssl/ec.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509v3.h>
#include <string.h>

#include "attestation/dcap_internal.h"

#define T0 1700000000 /* certificates valid [T0, T0 + 1000000] */

static EVP_PKEY *p256(void)
{
    EVP_PKEY *k = EVP_EC_gen("P-256");
    assert_non_null(k);
    return k;
}

static void add_ext(X509 *x, X509 *issuer, int nid, const char *value)
{
    X509V3_CTX ctx;
    X509V3_set_ctx(&ctx, issuer ? issuer : x, x, NULL, NULL, 0);
    X509_EXTENSION *e = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
    assert_non_null(e);
    assert_int_equal(X509_add_ext(x, e, -1), 1);
    X509_EXTENSION_free(e);
}

/* A certificate for key named cn, issued by (issuer, ikey) or self-signed when issuer is NULL. */
static X509 *make_cert(EVP_PKEY *key, const char *cn, X509 *issuer, EVP_PKEY *ikey, long serial, int ca,
                       int64_t from, int64_t to)
{
    X509 *x = X509_new();
    assert_non_null(x);
    X509_set_version(x, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x), serial);
    X509_NAME *n = X509_get_subject_name(x);
    X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0);
    X509_NAME_add_entry_by_txt(n, "O", MBSTRING_ASC, (const unsigned char *)"Test", -1, -1, 0);
    X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) : n);
    ASN1_TIME_set(X509_getm_notBefore(x), (time_t)from);
    ASN1_TIME_set(X509_getm_notAfter(x), (time_t)to);
    X509_set_pubkey(x, key);
    add_ext(x, issuer, NID_subject_key_identifier, "hash");
    if (ca >= 0) add_ext(x, issuer, NID_basic_constraints, ca ? "critical,CA:TRUE" : "critical,CA:FALSE");
    if (ca > 0) add_ext(x, issuer, NID_key_usage, "critical,keyCertSign,cRLSign");
    assert_true(X509_sign(x, ikey ? ikey : key, EVP_sha256()) > 0);
    return x;
}

static X509_CRL *make_crl(X509 *issuer, EVP_PKEY *ikey, const long *revoked, size_t n, int64_t from, int64_t to,
                          int with_next)
{
    X509_CRL *c = X509_CRL_new();
    assert_non_null(c);
    X509_CRL_set_version(c, 1);
    X509_CRL_set_issuer_name(c, X509_get_subject_name(issuer));
    ASN1_TIME *t = ASN1_TIME_set(NULL, (time_t)from);
    X509_CRL_set1_lastUpdate(c, t);
    ASN1_TIME_set(t, (time_t)to);
    if (with_next) X509_CRL_set1_nextUpdate(c, t);
    for (size_t i = 0; i < n; i++) {
        X509_REVOKED *r = X509_REVOKED_new();
        ASN1_INTEGER *s = ASN1_INTEGER_new();
        ASN1_INTEGER_set(s, revoked[i]);
        X509_REVOKED_set_serialNumber(r, s);
        ASN1_TIME_set(t, (time_t)from);
        X509_REVOKED_set_revocationDate(r, t);
        X509_CRL_add0_revoked(c, r);
        ASN1_INTEGER_free(s);
    }
    ASN1_TIME_free(t);
    X509_CRL_sort(c);
    assert_true(X509_CRL_sign(c, ikey, EVP_sha256()) > 0);
    return c;
}

typedef struct {
    EVP_PKEY *root_key, *ca_key, *leaf_key;
    X509 *root, *ca, *leaf;
} pki;

static void pki_make(pki *p)
{
    p->root_key = p256();
    p->ca_key = p256();
    p->leaf_key = p256();
    p->root = make_cert(p->root_key, "Test Root", NULL, NULL, 1, 1, T0 - 100, T0 + 2000000);
    p->ca = make_cert(p->ca_key, "Test CA", p->root, p->root_key, 2, 1, T0, T0 + 1500000);
    p->leaf = make_cert(p->leaf_key, "Test Leaf", p->ca, p->ca_key, 77, 0, T0, T0 + 1000000);
}

static void pki_free(pki *p)
{
    X509_free(p->root);
    X509_free(p->ca);
    X509_free(p->leaf);
    EVP_PKEY_free(p->root_key);
    EVP_PKEY_free(p->ca_key);
    EVP_PKEY_free(p->leaf_key);
}

/* The checks take parsed certificates (lcp_dcap_cert: the X509 plus its DER spans and key); these wrappers let the
 * tests below speak in OpenSSL objects, each check with a fresh P-256 context (no tables: dcap_p256 is tested on
 * its own in test_dcap_p256). */
static lcp_dcap_cert *wrap(X509 *x)
{
    unsigned char *der = NULL;
    int dl = i2d_X509(x, &der);
    assert_true(dl > 0);
    lcp_dcap_cert *c = NULL;
    char err[LCP_ERR_LEN] = "";
    assert_int_equal(lcp_dcap_cert_new(&c, der, (size_t)dl, "test certificate", err), LCP_OK);
    OPENSSL_free(der);
    return c;
}

static lcp_dcap_crl *wrap_crl(X509_CRL *x)
{
    unsigned char *der = NULL;
    int dl = i2d_X509_CRL(x, &der);
    assert_true(dl > 0);
    lcp_dcap_crl *c = NULL;
    char err[LCP_ERR_LEN] = "";
    assert_int_equal(lcp_dcap_load_crl(&c, der, (size_t)dl, "test CRL", err), LCP_OK);
    OPENSSL_free(der);
    return c;
}

static int check_root(lcp_dcap_window *w, X509 *root, int64_t now, char *err)
{
    lcp_dcap_cert *r = wrap(root);
    int rc = lcp_dcap_check_root(w, r, now, err);
    lcp_dcap_cert_release(r);
    return rc;
}

static int check_cert(lcp_dcap_window *w, unsigned *count, X509 *cert, X509 *issuer, int64_t now, const char *what,
                      char *err)
{
    lcp_dcap_p256 *p = NULL;
    assert_int_equal(lcp_dcap_p256_new(&p, err), LCP_OK);
    lcp_dcap_cert *c = wrap(cert), *i = wrap(issuer);
    int rc = lcp_dcap_check_cert(p, w, count, c, i, 1, now, what, err);
    lcp_dcap_cert_release(c);
    lcp_dcap_cert_release(i);
    lcp_dcap_p256_free(p);
    return rc;
}

static int check_crl(lcp_dcap_window *w, unsigned *count, X509_CRL *crl, X509 *issuer, int64_t now,
                     const char *what, char *err)
{
    lcp_dcap_p256 *p = NULL;
    assert_int_equal(lcp_dcap_p256_new(&p, err), LCP_OK);
    lcp_dcap_crl *c = wrap_crl(crl);
    lcp_dcap_cert *i = wrap(issuer);
    int rc = lcp_dcap_check_crl(p, w, count, c, i, now, what, err);
    lcp_dcap_crl_free(c);
    lcp_dcap_cert_release(i);
    lcp_dcap_p256_free(p);
    return rc;
}

static int not_revoked(X509_CRL *crl, X509 *cert, const char *what, char *err)
{
    lcp_dcap_crl *c = wrap_crl(crl);
    lcp_dcap_cert *x = wrap(cert);
    int rc = lcp_dcap_check_not_revoked(c, x, what, err);
    lcp_dcap_crl_free(c);
    lcp_dcap_cert_release(x);
    return rc;
}

static void test_chain_and_windows(void **state)
{
    (void)state;
    pki p;
    pki_make(&p);
    lcp_dcap_window w;
    lcp_dcap_window_init(&w);
    unsigned count = 0;
    char err[LCP_ERR_LEN] = "";
    assert_int_equal(check_root(&w, p.root, T0, err), LCP_OK);
    assert_int_equal(check_cert(&w, &count, p.ca, p.root, T0, "CA", err), LCP_OK);
    assert_int_equal(check_cert(&w, &count, p.leaf, p.ca, T0 + 1000000, "leaf", err), LCP_OK);
    assert_int_equal(count, 2);
    assert_int_equal(w.from, T0);
    assert_int_equal(w.to, T0 + 1000000);
    assert_int_equal(check_cert(&w, &count, p.leaf, p.ca, T0 + 1000001, "leaf", err),
                     LCP_ERR_ATTESTATION_CERT_EXPIRED);
    assert_non_null(strstr(err, "leaf is not valid at"));
    assert_int_equal(check_cert(&w, &count, p.leaf, p.ca, T0 - 1, "leaf", err),
                     LCP_ERR_ATTESTATION_CERT_EXPIRED);
    /* The leaf is not its own root's child, and the CA is not the leaf's issuer's issuer. */
    assert_int_equal(check_cert(&w, &count, p.leaf, p.root, T0, "leaf", err), LCP_ERR_ATTESTATION_CERT);
    assert_int_equal(check_cert(&w, &count, p.ca, p.leaf, T0, "CA", err), LCP_ERR_ATTESTATION_CERT);
    /* A non-self-issued root is refused. */
    assert_int_equal(check_root(&w, p.ca, T0, err), LCP_ERR_ATTESTATION_CERT);
    pki_free(&p);
}

/* An impostor CA: same name, its own key. Names match, the signature does not. */
static void test_impostor_and_non_ca(void **state)
{
    (void)state;
    pki p;
    pki_make(&p);
    EVP_PKEY *k = p256();
    X509 *fake = make_cert(k, "Test CA", p.root, p.root_key, 2, 1, T0, T0 + 1500000);
    X509 *forged = make_cert(p.leaf_key, "Test Leaf", fake, k, 77, 0, T0, T0 + 1000000);
    lcp_dcap_window w;
    lcp_dcap_window_init(&w);
    unsigned count = 0;
    char err[LCP_ERR_LEN] = "";
    int rc = check_cert(&w, &count, forged, p.ca, T0, "leaf", err);
    assert_int_equal(rc, LCP_ERR_ATTESTATION_CERT);
    /* Either the key identifiers or the signature give it away; both are refusals. */
    assert_true(strstr(err, "signature") != NULL || strstr(err, "issuer") != NULL);
    /* An issuer that is not a CA (CA:FALSE) cannot issue, even with a valid signature. */
    X509 *notca = make_cert(k, "Not A CA", p.root, p.root_key, 3, 0, T0, T0 + 1500000);
    X509 *child = make_cert(p.leaf_key, "Child", notca, k, 4, 0, T0, T0 + 1000000);
    assert_int_equal(check_cert(&w, &count, child, notca, T0, "child", err), LCP_ERR_ATTESTATION_CERT);
    X509_free(fake);
    X509_free(forged);
    X509_free(notca);
    X509_free(child);
    EVP_PKEY_free(k);
    pki_free(&p);
}

static void test_key_types_and_critical(void **state)
{
    (void)state;
    pki p;
    pki_make(&p);
    lcp_dcap_window w;
    lcp_dcap_window_init(&w);
    unsigned count = 0;
    char err[LCP_ERR_LEN] = "";
    EVP_PKEY *rsa = EVP_RSA_gen(2048);
    EVP_PKEY *p384 = EVP_EC_gen("P-384");
    assert_non_null(rsa);
    assert_non_null(p384);
    X509 *a = make_cert(rsa, "RSA Leaf", p.ca, p.ca_key, 10, 0, T0, T0 + 10);
    X509 *b = make_cert(p384, "P384 Leaf", p.ca, p.ca_key, 11, 0, T0, T0 + 10);
    assert_int_equal(check_cert(&w, &count, a, p.ca, T0, "leaf", err), LCP_ERR_ATTESTATION_CERT);
    assert_non_null(strstr(err, "P-256"));
    assert_int_equal(check_cert(&w, &count, b, p.ca, T0, "leaf", err), LCP_ERR_ATTESTATION_CERT);
    assert_non_null(strstr(err, "P-256"));
    /* An extension OpenSSL does not know, marked critical: must be refused. */
    X509 *c = make_cert(p.leaf_key, "Critical Leaf", p.ca, p.ca_key, 12, 0, T0, T0 + 10);
    ASN1_OBJECT *o = OBJ_txt2obj("1.2.3.4.5.6.7", 1);
    ASN1_OCTET_STRING *v = ASN1_OCTET_STRING_new();
    ASN1_OCTET_STRING_set(v, (const unsigned char *)"\x05\x00", 2);
    X509_EXTENSION *e = X509_EXTENSION_create_by_OBJ(NULL, o, 1, v);
    X509_add_ext(c, e, -1);
    assert_true(X509_sign(c, p.ca_key, EVP_sha256()) > 0);
    assert_int_equal(check_cert(&w, &count, c, p.ca, T0, "leaf", err), LCP_ERR_ATTESTATION_CERT);
    assert_non_null(strstr(err, "critical"));
    /* Signed with SHA-384: not what Intel uses, refused before any signature work. */
    X509 *d = make_cert(p.leaf_key, "SHA384 Leaf", p.ca, p.ca_key, 13, 0, T0, T0 + 10);
    assert_true(X509_sign(d, p.ca_key, EVP_sha384()) > 0);
    assert_int_equal(check_cert(&w, &count, d, p.ca, T0, "leaf", err), LCP_ERR_ATTESTATION_CERT);
    assert_non_null(strstr(err, "SHA256"));
    X509_EXTENSION_free(e);
    ASN1_OCTET_STRING_free(v);
    ASN1_OBJECT_free(o);
    X509_free(a);
    X509_free(b);
    X509_free(c);
    X509_free(d);
    EVP_PKEY_free(rsa);
    EVP_PKEY_free(p384);
    pki_free(&p);
}

static void test_crls(void **state)
{
    (void)state;
    pki p;
    pki_make(&p);
    lcp_dcap_window w;
    lcp_dcap_window_init(&w);
    unsigned count = 0;
    char err[LCP_ERR_LEN] = "";
    static const long rev[] = {5, 77, 1000};
    X509_CRL *crl = make_crl(p.ca, p.ca_key, rev, 3, T0, T0 + 500, 1);
    assert_int_equal(check_crl(&w, &count, crl, p.ca, T0 + 500, "PCK CRL", err), LCP_OK);
    assert_int_equal(w.to, T0 + 500);
    assert_int_equal(not_revoked(crl, p.leaf, "PCK certificate", err), LCP_ERR_ATTESTATION_REVOKED);
    assert_non_null(strstr(err, "revoked"));
    assert_int_equal(not_revoked(crl, p.ca, "CA", err), LCP_OK); /* serial 2 is not listed */
    assert_int_equal(check_crl(&w, &count, crl, p.ca, T0 + 501, "PCK CRL", err),
                     LCP_ERR_ATTESTATION_COLLATERAL_EXPIRED);
    assert_int_equal(check_crl(&w, &count, crl, p.ca, T0 - 1, "PCK CRL", err),
                     LCP_ERR_ATTESTATION_COLLATERAL_EXPIRED);
    /* Presented as the root's CRL: wrong issuer. */
    assert_int_equal(check_crl(&w, &count, crl, p.root, T0, "Root CA CRL", err),
                     LCP_ERR_ATTESTATION_COLLATERAL);
    /* Right name, signed by another key. */
    EVP_PKEY *k = p256();
    X509_CRL *forged = make_crl(p.ca, k, NULL, 0, T0, T0 + 500, 1);
    assert_int_equal(check_crl(&w, &count, forged, p.ca, T0, "PCK CRL", err), LCP_ERR_ATTESTATION_SIGNATURE);
    /* No nextUpdate: a CRL that never expires is not accepted. */
    X509_CRL *forever = make_crl(p.ca, p.ca_key, NULL, 0, T0, T0 + 500, 0);
    assert_int_equal(check_crl(&w, &count, forever, p.ca, T0, "PCK CRL", err),
                     LCP_ERR_ATTESTATION_COLLATERAL);
    /* DER and PEM loading give the same CRL; trailing bytes are refused. */
    unsigned char *der = NULL;
    int dl = i2d_X509_CRL(crl, &der);
    assert_true(dl > 0);
    lcp_dcap_crl *back = NULL;
    assert_int_equal(lcp_dcap_load_crl(&back, der, (size_t)dl, "crl", err), LCP_OK);
    assert_int_equal(X509_CRL_cmp(back->crl, crl), 0);
    assert_int_equal(back->der_len, (size_t)dl);
    lcp_dcap_crl_free(back);
    uint8_t *longer = lcp_malloc((size_t)dl + 1);
    memcpy(longer, der, (size_t)dl);
    longer[dl] = 0;
    assert_int_equal(lcp_dcap_load_crl(&back, longer, (size_t)dl + 1, "crl", err), LCP_ERR_ATTESTATION_COLLATERAL);
    lcp_free(longer);
    BIO *b = BIO_new(BIO_s_mem());
    PEM_write_bio_X509_CRL(b, crl);
    char *pem;
    long pl = BIO_get_mem_data(b, &pem);
    assert_int_equal(lcp_dcap_load_crl(&back, (uint8_t *)pem, (size_t)pl, "crl", err), LCP_OK);
    assert_int_equal(back->der_len, (size_t)dl);
    assert_memory_equal(back->der, der, (size_t)dl);
    lcp_dcap_crl_free(back);
    BIO_free(b);
    OPENSSL_free(der);
    X509_CRL_free(crl);
    X509_CRL_free(forged);
    X509_CRL_free(forever);
    EVP_PKEY_free(k);
    pki_free(&p);
}

/* Raw r || s from OpenSSL's DER signature. */
static void raw_sig(uint8_t out[64], const uint8_t *der, size_t len)
{
    const unsigned char *q = der;
    ECDSA_SIG *s = d2i_ECDSA_SIG(NULL, &q, (long)len);
    assert_non_null(s);
    const BIGNUM *r, *sv;
    ECDSA_SIG_get0(s, &r, &sv);
    assert_int_equal(BN_bn2binpad(r, out, 32), 32);
    assert_int_equal(BN_bn2binpad(sv, out + 32, 32), 32);
    ECDSA_SIG_free(s);
}

static void test_raw_signatures(void **state)
{
    (void)state;
    EVP_PKEY *k = p256();
    /* The raw public key, as a quote's attestation key arrives (X || Y, given 0x04 in front). */
    uint8_t pub[65];
    size_t pl = 0;
    assert_int_equal(EVP_PKEY_get_octet_string_param(k, "pub", pub, sizeof pub, &pl), 1);
    assert_int_equal(pl, 65);
    lcp_dcap_p256 *ctx = NULL;
    char err[LCP_ERR_LEN] = "";
    assert_int_equal(lcp_dcap_p256_new(&ctx, err), LCP_OK);
    unsigned count = 0;
    int high_r = 0;
    /* Enough signatures that some r and s have their top bit set (the DER needs a 0x00 in front) and some not. */
    for (int i = 0; i < 64; i++) {
        uint8_t msg[8] = {(uint8_t)i}, der[80], sig[64];
        size_t dl = sizeof der;
        EVP_MD_CTX *md = EVP_MD_CTX_new();
        assert_int_equal(EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, k), 1);
        assert_int_equal(EVP_DigestSign(md, der, &dl, msg, sizeof msg), 1);
        EVP_MD_CTX_free(md);
        raw_sig(sig, der, dl);
        high_r += sig[0] >= 0x80;
        assert_int_equal(lcp_dcap_p256_verify(ctx, pub, 65, 0, sig, sig + 32, msg, sizeof msg, &count, "sig", err),
                         LCP_OK);
        msg[7] ^= 1;
        assert_int_equal(lcp_dcap_p256_verify(ctx, pub, 65, 0, sig, sig + 32, msg, sizeof msg, &count, "sig", err),
                         LCP_ERR_ATTESTATION_SIGNATURE);
    }
    assert_true(high_r > 0 && high_r < 64);
    assert_int_equal(count, 128);
    /* r = 0, and r = s = 2^256 - 1 (above the group order). */
    uint8_t zero[64] = {0}, ones[64], msg[1] = {0};
    memset(ones, 0xFF, sizeof ones);
    assert_int_equal(lcp_dcap_p256_verify(ctx, pub, 65, 0, zero, zero + 32, msg, 1, &count, "sig", err),
                     LCP_ERR_ATTESTATION_SIGNATURE);
    assert_int_equal(lcp_dcap_p256_verify(ctx, pub, 65, 0, ones, ones + 32, msg, 1, &count, "sig", err),
                     LCP_ERR_ATTESTATION_SIGNATURE);
    /* A point off the curve is not a key, fixed or not. */
    pub[64] ^= 1;
    assert_int_equal(lcp_dcap_p256_verify(ctx, pub, 65, 0, ones, ones + 32, msg, 1, &count, "sig", err),
                     LCP_ERR_ATTESTATION_SIGNATURE);
    assert_non_null(strstr(err, "not a P-256 point"));
    assert_int_equal(lcp_dcap_p256_verify(ctx, pub, 65, 1, ones, ones + 32, msg, 1, &count, "sig", err),
                     LCP_ERR_ATTESTATION_SIGNATURE);
    assert_non_null(strstr(err, "not a P-256 point"));
    lcp_dcap_p256_free(ctx);
    EVP_PKEY_free(k);
}

static char *pem_of(X509 *x)
{
    BIO *b = BIO_new(BIO_s_mem());
    PEM_write_bio_X509(b, x);
    char *p;
    long n = BIO_get_mem_data(b, &p);
    char *out = lcp_malloc((size_t)n + 1);
    memcpy(out, p, (size_t)n);
    out[n] = 0;
    BIO_free(b);
    return out;
}

/* A PEM chain as the verifier reads one: split into DER blocks, each parsed into a certificate object. */
static int load_len(const uint8_t *text, size_t len, size_t *n)
{
    lcp_dcap_pem_chain pc;
    char err[LCP_ERR_LEN] = "";
    int rc = lcp_dcap_pem_chain_split(&pc, text, len, "chain", err);
    for (size_t i = 0; rc == LCP_OK && i < pc.n; i++) {
        lcp_dcap_cert *c = NULL;
        rc = lcp_dcap_cert_new(&c, pc.der[i], pc.len[i], "chain", err);
        lcp_dcap_cert_release(c);
    }
    if (rc == LCP_OK) *n = pc.n;
    lcp_dcap_pem_chain_free(&pc);
    return rc;
}

static int load(const char *text, size_t *n) { return load_len((const uint8_t *)text, strlen(text), n); }

static void test_pem_chains(void **state)
{
    (void)state;
    pki p;
    pki_make(&p);
    char *a = pem_of(p.leaf), *b = pem_of(p.ca);
    char buf[16384];
    size_t n;
    snprintf(buf, sizeof buf, "%s%s", a, b);
    assert_int_equal(load(buf, &n), LCP_OK);
    assert_int_equal(n, 2);
    /* Trailing NULs (as in quotes) and blank lines are filler... */
    size_t l = strlen(buf);
    char err[LCP_ERR_LEN] = "";
    memcpy(buf + l, "\n\0\0\0", 4);
    assert_int_equal(load_len((uint8_t *)buf, l + 4, &n), LCP_OK);
    /* ...but a NUL followed by more text is not. */
    memcpy(buf + l, "\0x", 2);
    assert_int_equal(load_len((uint8_t *)buf, l + 2, &n), LCP_ERR_ATTESTATION_CERT);
    /* Text between blocks, a block without its end, five certificates, nothing at all. */
    snprintf(buf, sizeof buf, "%sjunk\n%s", a, b);
    assert_int_equal(load(buf, &n), LCP_ERR_ATTESTATION_CERT);
    snprintf(buf, sizeof buf, "%s", a);
    buf[strlen(buf) - 10] = 0;
    assert_int_equal(load(buf, &n), LCP_ERR_ATTESTATION_CERT);
    snprintf(buf, sizeof buf, "%s%s%s%s%s", a, a, a, a, a);
    assert_int_equal(load(buf, &n), LCP_ERR_ATTESTATION_CERT);
    assert_int_equal(load("", &n), LCP_ERR_ATTESTATION_CERT);
    assert_int_equal(load("\n \n", &n), LCP_ERR_ATTESTATION_CERT);
    /* A damaged base64 character. */
    snprintf(buf, sizeof buf, "%s", a);
    buf[40] = '*';
    assert_int_equal(load(buf, &n), LCP_ERR_ATTESTATION_CERT);
    /* One certificate, PEM or DER (the same object), two PEM blocks where one is expected, and the DER with a
     * trailing byte. */
    lcp_dcap_cert *x = NULL, *y = NULL;
    assert_int_equal(lcp_dcap_cert_load(&x, NULL, (uint8_t *)a, strlen(a), "cert", err), LCP_OK);
    unsigned char *der = NULL;
    int dl = i2d_X509(p.leaf, &der);
    assert_int_equal(lcp_dcap_cert_load(&y, NULL, der, (size_t)dl, "cert", err), LCP_OK);
    assert_int_equal(x->der_len, (size_t)dl);
    assert_memory_equal(x->der, der, (size_t)dl);
    assert_int_equal(X509_cmp(y->x509, p.leaf), 0);
    assert_int_not_equal(X509_cmp(y->x509, p.ca), 0);
    assert_true(lcp_dcap_cert_cn_is(y->x509, "Test Leaf"));
    assert_false(lcp_dcap_cert_cn_is(y->x509, "Test Lea"));
    lcp_dcap_cert_release(x);
    lcp_dcap_cert_release(y);
    snprintf(buf, sizeof buf, "%s%s", a, b);
    assert_int_equal(lcp_dcap_cert_load(&x, NULL, (uint8_t *)buf, strlen(buf), "cert", err),
                     LCP_ERR_ATTESTATION_CERT);
    assert_non_null(strstr(err, "expected one certificate, found 2"));
    assert_int_equal(lcp_dcap_cert_load(&x, NULL, der, (size_t)dl - 1, "cert", err), LCP_ERR_ATTESTATION_CERT);
    OPENSSL_free(der);
    lcp_free(a);
    lcp_free(b);
    pki_free(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_chain_and_windows),
        cmocka_unit_test(test_impostor_and_non_ca),
        cmocka_unit_test(test_key_types_and_critical),
        cmocka_unit_test(test_crls),
        cmocka_unit_test(test_raw_signatures),
        cmocka_unit_test(test_pem_chains),
    };
    return cmocka_run_group_tests_name("attestation/dcap_pki", tests, NULL, NULL);
}
