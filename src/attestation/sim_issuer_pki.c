/* The simulated Intel PKI: P-256 keys, the four kinds of certificate Intel's SGX PKI has (root, PCK Platform CA,
 * TCB Signing, PCK leaf), CRLs, raw r||s signatures and the DER of the PCK certificate's SGX extension. Profiles
 * follow Intel's certificates (spec/dcap.md 2.1, 2.3): ecdsa-with-SHA256, critical basicConstraints and keyUsage,
 * key identifiers, a CRL distribution point. Names say "lcp-c SIMULATED" wherever the verifier does not pin them. */
#include "sim_issuer_internal.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <limits.h>
#include <string.h>

#include "lcp/crypto.h"

#define CRYPTO_FAIL(what) lcp_fail(err, LCP_ERR_CRYPTO, "simulated issuer: %s failed", what)

int sim_p256_new(EVP_PKEY **out, char *err)
{
    *out = EVP_EC_gen("P-256");
    return *out ? LCP_OK : CRYPTO_FAIL("P-256 key generation");
}

static int is_p256(EVP_PKEY *k)
{
    char group[32];
    size_t gl = 0;
    if (k == NULL || !EVP_PKEY_is_a(k, "EC")) return 0;
    if (!EVP_PKEY_get_utf8_string_param(k, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group, &gl)) return 0;
    return strcmp(group, "prime256v1") == 0;
}

/* Copies a memory BIO's content into out. */
static int bio_take(lcp_buf *out, BIO *b, char *err)
{
    char *p = NULL;
    long n = BIO_get_mem_data(b, &p);
    if (n <= 0 || p == NULL) return CRYPTO_FAIL("PEM encoding");
    return lcp_buf_append(out, p, (size_t)n) == LCP_OK ? LCP_OK : lcp_fail(err, LCP_ERR_NOMEM, "out of memory");
}

int sim_key_save(const char *dir, const char *name, EVP_PKEY *key, char *err)
{
    BIO *b = BIO_new(BIO_s_mem());
    lcp_buf pem = {0};
    int rc = b ? LCP_OK : lcp_fail(err, LCP_ERR_NOMEM, "out of memory");
    if (rc == LCP_OK && PEM_write_bio_PrivateKey(b, key, NULL, NULL, 0, NULL, NULL) != 1)
        rc = CRYPTO_FAIL("writing a private key");
    if (rc == LCP_OK) rc = bio_take(&pem, b, err);
    /* 0600: the key of a simulation protects nothing, but it is still nobody else's business. */
    if (rc == LCP_OK) rc = sim_write(dir, name, pem.data, pem.len, 0600, err);
    if (pem.data) lcp_memzero(pem.data, pem.len);
    lcp_buf_free(&pem);
    BIO_free(b);
    return rc;
}

/* Reads a PEM file holding exactly one object (whitespace around it allowed). */
static int pem_file(BIO **out, uint8_t **data, size_t *len, const char *dir, const char *name, char *err)
{
    int rc = sim_read(data, len, dir, name, err);
    if (rc != LCP_OK) return rc;
    if (*len > INT32_MAX || (*out = BIO_new_mem_buf(*data, (int)*len)) == NULL) {
        lcp_free(*data);
        return lcp_fail(err, LCP_ERR_NOMEM, "out of memory");
    }
    return LCP_OK;
}

/* After the object: nothing but whitespace. */
static int pem_rest_empty(BIO *b)
{
    char c;
    while (BIO_read(b, &c, 1) == 1)
        if (c != ' ' && c != '\n' && c != '\r' && c != '\t') return 0;
    return 1;
}

int sim_key_load(EVP_PKEY **out, const char *dir, const char *name, char *err)
{
    BIO *b;
    uint8_t *data;
    size_t len;
    int rc = pem_file(&b, &data, &len, dir, name, err);
    if (rc != LCP_OK) return rc;
    EVP_PKEY *k = PEM_read_bio_PrivateKey(b, NULL, NULL, NULL);
    if (k == NULL || !is_p256(k) || !pem_rest_empty(b)) {
        EVP_PKEY_free(k);
        rc = lcp_fail(err, LCP_ERR_ATTESTATION, "simulated issuer: %s/%s is not one P-256 private key in PEM", dir,
                      name);
    } else {
        *out = k;
    }
    BIO_free(b);
    lcp_memzero(data, len);
    lcp_free(data);
    return rc;
}

int sim_cert_pem(lcp_buf *out, X509 *cert, char *err)
{
    BIO *b = BIO_new(BIO_s_mem());
    if (b == NULL) return lcp_fail(err, LCP_ERR_NOMEM, "out of memory");
    int rc = PEM_write_bio_X509(b, cert) == 1 ? bio_take(out, b, err) : CRYPTO_FAIL("writing a certificate");
    BIO_free(b);
    return rc;
}

int sim_cert_load(X509 **out, const char *dir, const char *name, char *err)
{
    BIO *b;
    uint8_t *data;
    size_t len;
    int rc = pem_file(&b, &data, &len, dir, name, err);
    if (rc != LCP_OK) return rc;
    X509 *x = PEM_read_bio_X509(b, NULL, NULL, NULL);
    if (x == NULL || !is_p256(X509_get0_pubkey(x)) || !pem_rest_empty(b)) {
        X509_free(x);
        rc = lcp_fail(err, LCP_ERR_ATTESTATION, "simulated issuer: %s/%s is not one P-256 certificate in PEM", dir,
                      name);
    } else {
        *out = x;
    }
    BIO_free(b);
    lcp_free(data);
    return rc;
}

/* ---- certificates ---- */

/* Subject names in the style of Intel's (CN, O, L, ST, C). */
static const char *const CN[] = {
    [SIM_CERT_ROOT] = "lcp-c SIMULATED SGX Root CA",
    [SIM_CERT_PCK_CA] = "lcp-c SIMULATED SGX PCK Platform CA",
    /* The verifier pins these two names (it checks Intel's PKI exactly): the organisation carries the warning. */
    [SIM_CERT_TCB_SIGNING] = "Intel SGX TCB Signing",
    [SIM_CERT_PCK] = "Intel SGX PCK Certificate",
};
#define SIM_ORG "lcp-c SIMULATED (not Intel)"
#define ROOT_CRL_URL "URI:https://sim.invalid/lcp-c/IntelSGXRootCA.der"
#define PCK_CRL_URL "URI:https://sim.invalid/lcp-c/pckcrl?ca=platform&encoding=der"

static int set_name(X509_NAME *n, const char *cn)
{
    static const char *const f[][2] = {{"O", SIM_ORG}, {"L", "Santa Clara"}, {"ST", "CA"}, {"C", "US"}};
    if (X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0) != 1) return 0;
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
        if (X509_NAME_add_entry_by_txt(n, f[i][0], MBSTRING_ASC, (const unsigned char *)f[i][1], -1, -1, 0) != 1)
            return 0;
    return 1;
}

static int add_ext(X509 *x, X509 *issuer, int nid, const char *value)
{
    X509V3_CTX ctx;
    X509V3_set_ctx(&ctx, issuer ? issuer : x, x, NULL, NULL, 0);
    X509_EXTENSION *e = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
    int ok = e != NULL && X509_add_ext(x, e, -1) == 1;
    X509_EXTENSION_free(e);
    return ok;
}

/* A random positive 20-byte serial (RFC 5280's maximum), as Intel's are. */
static int set_serial(ASN1_INTEGER *serial)
{
    uint8_t r[20];
    if (lcp_random(r, sizeof r) != LCP_OK) return 0;
    r[0] = (uint8_t)((r[0] & 0x7f) | 0x01); /* positive, and 20 bytes long */
    BIGNUM *bn = BN_bin2bn(r, sizeof r, NULL);
    int ok = bn != NULL && BN_to_ASN1_INTEGER(bn, serial) != NULL;
    BN_free(bn);
    return ok;
}

static int set_time(ASN1_TIME *t, int64_t secs)
{
    return secs >= 0 && (sizeof(time_t) >= 8 || secs <= INT32_MAX) && ASN1_TIME_set(t, (time_t)secs) != NULL;
}

static int add_sgx_ext(X509 *x, const uint8_t *der, size_t len)
{
    ASN1_OBJECT *o = OBJ_txt2obj("1.2.840.113741.1.13.1", 1);
    ASN1_OCTET_STRING *v = ASN1_OCTET_STRING_new();
    X509_EXTENSION *e = NULL;
    int ok = o && v && len <= INT32_MAX && ASN1_OCTET_STRING_set(v, der, (int)len) == 1 &&
             (e = X509_EXTENSION_create_by_OBJ(NULL, o, 0, v)) != NULL && X509_add_ext(x, e, -1) == 1;
    X509_EXTENSION_free(e);
    ASN1_OCTET_STRING_free(v);
    ASN1_OBJECT_free(o);
    return ok;
}

int sim_cert_make(X509 **out, int kind, EVP_PKEY *key, X509 *issuer, EVP_PKEY *ikey, int64_t from, int64_t to,
                  const uint8_t *sgx_ext, size_t sgx_ext_len, char *err)
{
    X509 *x = X509_new();
    if (x == NULL) return lcp_fail(err, LCP_ERR_NOMEM, "out of memory");
    int ca = kind == SIM_CERT_ROOT || kind == SIM_CERT_PCK_CA;
    int ok = X509_set_version(x, 2) && set_serial(X509_get_serialNumber(x)) &&
             set_name(X509_get_subject_name(x), CN[kind]) &&
             X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) : X509_get_subject_name(x)) &&
             set_time(X509_getm_notBefore(x), from) && set_time(X509_getm_notAfter(x), to) && X509_set_pubkey(x, key);
    /* Key identifiers first: the authority key identifier is copied from the issuer's (or, for the root, its own)
     * subject key identifier. */
    ok = ok && add_ext(x, issuer, NID_subject_key_identifier, "hash") &&
         add_ext(x, issuer, NID_authority_key_identifier, "keyid:always");
    if (kind == SIM_CERT_ROOT) ok = ok && add_ext(x, issuer, NID_basic_constraints, "critical,CA:TRUE,pathlen:1");
    if (kind == SIM_CERT_PCK_CA) ok = ok && add_ext(x, issuer, NID_basic_constraints, "critical,CA:TRUE,pathlen:0");
    if (!ca) ok = ok && add_ext(x, issuer, NID_basic_constraints, "critical,CA:FALSE");
    ok = ok && add_ext(x, issuer, NID_key_usage,
                       ca ? "critical,keyCertSign,cRLSign" : "critical,digitalSignature,nonRepudiation");
    ok = ok && add_ext(x, issuer, NID_crl_distribution_points, kind == SIM_CERT_PCK ? PCK_CRL_URL : ROOT_CRL_URL);
    if (kind == SIM_CERT_PCK) ok = ok && sgx_ext != NULL && add_sgx_ext(x, sgx_ext, sgx_ext_len);
    ok = ok && X509_sign(x, ikey ? ikey : key, EVP_sha256()) > 0;
    if (!ok) {
        X509_free(x);
        return CRYPTO_FAIL("certificate issuance");
    }
    *out = x;
    return LCP_OK;
}

int sim_crl_make(lcp_buf *out, X509 *issuer, EVP_PKEY *ikey, int64_t now, uint64_t crl_number, char *err)
{
    X509_CRL *c = X509_CRL_new();
    ASN1_TIME *t = ASN1_TIME_new();
    ASN1_INTEGER *num = ASN1_INTEGER_new();
    X509_EXTENSION *aki = NULL;
    unsigned char *der = NULL;
    int der_len = -1;
    X509V3_CTX ctx;
    int ok = c && t && num && X509_CRL_set_version(c, 1) &&
             X509_CRL_set_issuer_name(c, X509_get_subject_name(issuer)) && set_time(t, now) &&
             X509_CRL_set1_lastUpdate(c, t) && set_time(t, now + LCP_SIM_COLLATERAL_LIFETIME) &&
             X509_CRL_set1_nextUpdate(c, t) && ASN1_INTEGER_set_uint64(num, crl_number) &&
             X509_CRL_add1_ext_i2d(c, NID_crl_number, num, 0, 0) == 1;
    if (ok) {
        X509V3_set_ctx(&ctx, issuer, NULL, NULL, c, 0);
        aki = X509V3_EXT_conf_nid(NULL, &ctx, NID_authority_key_identifier, "keyid:always");
        ok = aki != NULL && X509_CRL_add_ext(c, aki, -1) == 1;
    }
    ok = ok && X509_CRL_sign(c, ikey, EVP_sha256()) > 0 && (der_len = i2d_X509_CRL(c, &der)) > 0;
    int rc = ok ? LCP_OK : CRYPTO_FAIL("CRL issuance");
    if (rc == LCP_OK && lcp_buf_append(out, der, (size_t)der_len) != LCP_OK)
        rc = lcp_fail(err, LCP_ERR_NOMEM, "out of memory");
    OPENSSL_free(der);
    X509_EXTENSION_free(aki);
    ASN1_INTEGER_free(num);
    ASN1_TIME_free(t);
    X509_CRL_free(c);
    return rc;
}

int sim_sign_raw(uint8_t sig[LCP_DCAP_SIG_LEN], EVP_PKEY *key, const uint8_t *msg, size_t len, char *err)
{
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    uint8_t der[80];
    size_t der_len = sizeof der;
    ECDSA_SIG *s = NULL;
    int ok = md != NULL && EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, key) == 1 &&
             EVP_DigestSign(md, der, &der_len, msg, len) == 1;
    const unsigned char *p = der;
    ok = ok && der_len <= LONG_MAX && (s = d2i_ECDSA_SIG(NULL, &p, (long)der_len)) != NULL;
    /* Intel writes the two integers as fixed 32-byte big-endian fields (r || s), not DER. */
    ok = ok && BN_bn2binpad(ECDSA_SIG_get0_r(s), sig, 32) == 32 && BN_bn2binpad(ECDSA_SIG_get0_s(s), sig + 32, 32) == 32;
    ECDSA_SIG_free(s);
    EVP_MD_CTX_free(md);
    return ok ? LCP_OK : CRYPTO_FAIL("ECDSA signing");
}

int sim_pubkey_raw(uint8_t xy[LCP_DCAP_PUBKEY_LEN], EVP_PKEY *key, char *err)
{
    uint8_t pub[1 + LCP_DCAP_PUBKEY_LEN];
    size_t n = 0;
    if (EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_PUB_KEY, pub, sizeof pub, &n) != 1 || n != sizeof pub ||
        pub[0] != 0x04)
        return CRYPTO_FAIL("public key export");
    memcpy(xy, pub + 1, LCP_DCAP_PUBKEY_LEN);
    return LCP_OK;
}

/* ---- the SGX extension (DER written by hand: the layout is fixed and small) ---- */

enum { TAG_BOOLEAN = 0x01, TAG_INTEGER = 0x02, TAG_OCTETS = 0x04, TAG_OID = 0x06, TAG_ENUM = 0x0a, TAG_SEQ = 0x30 };

/* Appends tag, DER length, content. */
static int der_put(lcp_buf *b, uint8_t tag, const uint8_t *p, size_t n)
{
    uint8_t h[4] = {tag, 0, 0, 0};
    size_t hl;
    if (n < 0x80) {
        h[1] = (uint8_t)n;
        hl = 2;
    } else if (n < 0x100) {
        h[1] = 0x81;
        h[2] = (uint8_t)n;
        hl = 3;
    } else if (n < 0x10000) {
        h[1] = 0x82;
        h[2] = (uint8_t)(n >> 8);
        h[3] = (uint8_t)n;
        hl = 4;
    } else {
        return LCP_ERR_RANGE;
    }
    int rc = lcp_buf_append(b, h, hl);
    return rc == LCP_OK && n ? lcp_buf_append(b, p, n) : rc;
}

/* A non-negative INTEGER (or ENUMERATED) in minimal form: 255 is 00 FF. */
static int der_uint(lcp_buf *b, uint8_t tag, uint32_t v)
{
    uint8_t t[5];
    size_t n = 0;
    for (int sh = 24; sh >= 0; sh -= 8)
        if (n || (v >> sh) & 0xff || sh == 0) {
            if (n == 0 && ((v >> sh) & 0x80)) t[n++] = 0;
            t[n++] = (uint8_t)(v >> sh);
        }
    return der_put(b, tag, t, n);
}

/* SEQUENCE { OID 1.2.840.113741.1.13.1.<arcs>, <value> } with value already DER in v. */
static int der_entry(lcp_buf *b, const uint8_t *arcs, size_t n_arcs, const lcp_buf *v)
{
    static const uint8_t prefix[] = {0x2A, 0x86, 0x48, 0x86, 0xF8, 0x4D, 0x01, 0x0D, 0x01};
    uint8_t oid[sizeof prefix + 4];
    memcpy(oid, prefix, sizeof prefix);
    memcpy(oid + sizeof prefix, arcs, n_arcs); /* every arc is below 128: one byte each */
    lcp_buf e = {0};
    int rc = der_put(&e, TAG_OID, oid, sizeof prefix + n_arcs);
    if (rc == LCP_OK) rc = lcp_buf_append(&e, v->data, v->len);
    if (rc == LCP_OK) rc = der_put(b, TAG_SEQ, e.data, e.len);
    lcp_buf_free(&e);
    return rc;
}

static int entry_prim(lcp_buf *b, const uint8_t *arcs, size_t n_arcs, uint8_t tag, const uint8_t *p, size_t n)
{
    lcp_buf v = {0};
    int rc = der_put(&v, tag, p, n);
    if (rc == LCP_OK) rc = der_entry(b, arcs, n_arcs, &v);
    lcp_buf_free(&v);
    return rc;
}

static int entry_uint(lcp_buf *b, const uint8_t *arcs, size_t n_arcs, uint8_t tag, uint32_t x)
{
    lcp_buf v = {0};
    int rc = der_uint(&v, tag, x);
    if (rc == LCP_OK) rc = der_entry(b, arcs, n_arcs, &v);
    lcp_buf_free(&v);
    return rc;
}

/* SEQUENCE { entries } as the value of entry arc. */
static int entry_seq(lcp_buf *b, uint8_t arc, const lcp_buf *entries)
{
    lcp_buf v = {0};
    int rc = der_put(&v, TAG_SEQ, entries->data, entries->len);
    if (rc == LCP_OK) rc = der_entry(b, &arc, 1, &v);
    lcp_buf_free(&v);
    return rc;
}

int sim_sgx_ext(lcp_buf *out, const lcp_sim_tcb *tcb, char *err)
{
    /* PPID: 16 bytes that identify the platform to Intel; here a hash of its id, so the same platform always has
     * the same PPID and nobody can mistake it for a real one's. */
    uint8_t h[LCP_SHA256_LEN];
    static const char dom[] = "lcp-c SIMULATED PPID";
    lcp_bytes parts[2] = {{(const uint8_t *)dom, sizeof dom - 1}, {tcb->platform_id, 16}};
    if (lcp_sha256_parts(h, parts, 2) != LCP_OK) return CRYPTO_FAIL("SHA-256");
    uint8_t fmspc[LCP_DCAP_FMSPC_LEN], pce_id[LCP_DCAP_PCE_ID_LEN];
    size_t n;
    if (lcp_hex_decode(fmspc, sizeof fmspc, &n, LCP_SIM_FMSPC_HEX, 12, NULL) != LCP_OK ||
        lcp_hex_decode(pce_id, sizeof pce_id, &n, LCP_SIM_PCE_ID_HEX, 4, NULL) != LCP_OK)
        return lcp_fail(err, LCP_ERR_ILLEGAL_ARG, "bad FMSPC or PCE-ID constant");
    lcp_buf tcbs = {0}, cfg = {0}, body = {0};
    int rc = LCP_OK;
    /* TCB: components 1..16 (INTEGER), PCESVN (.17, INTEGER), CPUSVN (.18, OCTET STRING). */
    for (uint8_t i = 1; i <= 16 && rc == LCP_OK; i++) {
        uint8_t arcs[2] = {2, i};
        rc = entry_uint(&tcbs, arcs, 2, TAG_INTEGER, tcb->cpusvn[i - 1]);
    }
    uint8_t a17[2] = {2, 17}, a18[2] = {2, 18};
    if (rc == LCP_OK) rc = entry_uint(&tcbs, a17, 2, TAG_INTEGER, tcb->pcesvn);
    if (rc == LCP_OK) rc = entry_prim(&tcbs, a18, 2, TAG_OCTETS, tcb->cpusvn, 16);
    /* Configuration (.7, Platform CA certificates): dynamicPlatform false, cachedKeys true, SMTEnabled true. */
    static const uint8_t f = 0x00, t = 0xff;
    uint8_t c1[2] = {7, 1}, c2[2] = {7, 2}, c3[2] = {7, 3};
    if (rc == LCP_OK) rc = entry_prim(&cfg, c1, 2, TAG_BOOLEAN, &f, 1);
    if (rc == LCP_OK) rc = entry_prim(&cfg, c2, 2, TAG_BOOLEAN, &t, 1);
    if (rc == LCP_OK) rc = entry_prim(&cfg, c3, 2, TAG_BOOLEAN, &t, 1);
    uint8_t a1 = 1, a3 = 3, a4 = 4, a5 = 5, a6 = 6;
    if (rc == LCP_OK) rc = entry_prim(&body, &a1, 1, TAG_OCTETS, h, LCP_DCAP_PPID_LEN);
    if (rc == LCP_OK) rc = entry_seq(&body, 2, &tcbs);
    if (rc == LCP_OK) rc = entry_prim(&body, &a3, 1, TAG_OCTETS, pce_id, sizeof pce_id);
    if (rc == LCP_OK) rc = entry_prim(&body, &a4, 1, TAG_OCTETS, fmspc, sizeof fmspc);
    if (rc == LCP_OK) rc = entry_uint(&body, &a5, 1, TAG_ENUM, 1); /* Scalable: a Platform CA platform */
    if (rc == LCP_OK) rc = entry_prim(&body, &a6, 1, TAG_OCTETS, tcb->platform_id, 16);
    if (rc == LCP_OK) rc = entry_seq(&body, 7, &cfg);
    if (rc == LCP_OK) rc = der_put(out, TAG_SEQ, body.data, body.len);
    lcp_buf_free(&tcbs);
    lcp_buf_free(&cfg);
    lcp_buf_free(&body);
    return rc == LCP_OK ? LCP_OK : lcp_fail(err, rc, "SGX extension: %s", lcp_strerror(rc));
}
