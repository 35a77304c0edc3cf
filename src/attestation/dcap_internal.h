/* Private header of the DCAP verifier (src/attestation/dcap_*.c): OpenSSL-typed helpers shared between the PKI,
 * collateral and quote verification files, and the JSON field readers shared by the TCB Info and QE Identity
 * parsers. Nothing here is part of the public API. */
#ifndef LCP_ATTESTATION_DCAP_INTERNAL_H
#define LCP_ATTESTATION_DCAP_INTERNAL_H

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "lcp/attestation_dcap.h"
#include "lcp/codec_json.h"

/* Most certificates a PEM chain may hold (Intel's have 2 or 3): bounds work on hostile input. */
#define LCP_DCAP_MAX_CHAIN 4

/* ---- PKI (dcap_pki.c) ---- */

/* A validity window being narrowed: every item checked against `now` intersects its own window into it. */
typedef struct {
    int64_t from;
    int64_t to;
} lcp_dcap_window;
void lcp_dcap_window_init(lcp_dcap_window *w);
/* Checks from <= now <= to ("<what> is not valid at ..." with code otherwise) and narrows w to [from, to]. */
int lcp_dcap_window_check(lcp_dcap_window *w, int64_t from, int64_t to, int64_t now, int code, const char *what,
                          char *err);

/* A PEM chain split into its DER blocks, nothing parsed yet: d2i_X509 costs about 100 us in OpenSSL 3.0 (the
 * public key goes through the provider decoders), and copies of the root or of a certificate already checked need
 * only a byte comparison. */
typedef struct {
    uint8_t *der[LCP_DCAP_MAX_CHAIN]; /* lcp_malloc'd */
    size_t len[LCP_DCAP_MAX_CHAIN];
    size_t n;
} lcp_dcap_pem_chain;
/* Splits 1..LCP_DCAP_MAX_CHAIN "CERTIFICATE" blocks (trailing NULs and whitespace tolerated, nothing else). */
/* 1 if p (after whitespace) starts a PEM block. */
int lcp_dcap_is_pem(const uint8_t *p, size_t len);
int lcp_dcap_pem_chain_split(lcp_dcap_pem_chain *out, const uint8_t *p, size_t len, const char *what, char *err);
void lcp_dcap_pem_chain_free(lcp_dcap_pem_chain *c);
/* One DER certificate, exactly len bytes. */
int lcp_dcap_der_cert(X509 **out, const uint8_t *der, size_t len, const char *what, char *err);

/* Converts an ASN.1 time to UNIX seconds. */
int lcp_dcap_asn1_time(int64_t *out, const ASN1_TIME *t);

/* ---- DER (dcap_der.c) ---- */

/* Reads one TLV from *in (single-byte tags, minimal definite lengths of at most 3 bytes) and advances *in.
 * Failures are "<what>: ..." with code. */
int lcp_dcap_der_tlv(uint8_t *tag, lcp_bytes *val, lcp_bytes *in, int code, const char *what, char *err);

/* What the signature of a certificate or CRL covers and says, as spans into its DER. */
typedef struct {
    lcp_bytes tbs;         /* the signed part, whole (tag and length included) */
    lcp_bytes tbs_sig_alg; /* the algorithm named inside the signed part */
    lcp_bytes sig_alg;     /* the algorithm named outside it */
    uint8_t r[32], s[32];  /* the ECDSA signature, big-endian */
} lcp_dcap_signed;
/* Splits a DER certificate (is_crl 0) or CRL (1): exactly one object, a strict ECDSA-Sig-Value with r and s of at
 * most 256 bits. */
int lcp_dcap_der_signed(lcp_dcap_signed *out, const uint8_t *der, size_t len, int is_crl, int code,
                        const char *what, char *err);

/* ---- P-256 (dcap_p256.c) ---- */

/* The curve, scratch space and a small cache of fixed keys with their precomputed tables. One thread at a time. */
typedef struct lcp_dcap_p256 lcp_dcap_p256;
int lcp_dcap_p256_new(lcp_dcap_p256 **out, char *err);
void lcp_dcap_p256_free(lcp_dcap_p256 *c);
/* Starts a verification round: a fixed key earns its table after serving in two rounds. */
void lcp_dcap_p256_round(lcp_dcap_p256 *c);
/* Fixed keys that have a table now. */
unsigned lcp_dcap_p256_tables(const lcp_dcap_p256 *c);
/* ECDSA P-256 / SHA-256: r, s over msg under key (a SEC 1 point, 33 or 65 bytes). fixed: the key is a trust anchor
 * or certified under one (never a key from a quote), worth caching. Counts one verification. Returns LCP_OK or
 * LCP_ERR_ATTESTATION_SIGNATURE ("<what>: signature does not verify" / "key is not a P-256 point"). */
int lcp_dcap_p256_verify(lcp_dcap_p256 *c, const uint8_t *key, size_t key_len, int fixed, const uint8_t r[32],
                         const uint8_t s[32], const uint8_t *msg, size_t len, unsigned *count, const char *what,
                         char *err);

/* ---- parsed certificates and CRLs, the verifier (dcap_verifier.c) ---- */

/* A parsed certificate with the spans its checks need. Shared (reference counted) between the verifier's cache
 * and verified collateral. */
typedef struct {
    unsigned refs;
    X509 *x509;
    uint8_t *der; /* owned copy */
    size_t der_len;
    lcp_dcap_signed sig;
    uint8_t key[65]; /* the subject public key as a SEC 1 point; key_len 0 if it is not a P-256 key */
    size_t key_len;
} lcp_dcap_cert;
/* One DER certificate, exactly len bytes. */
int lcp_dcap_cert_new(lcp_dcap_cert **out, const uint8_t *der, size_t len, const char *what, char *err);
void lcp_dcap_cert_release(lcp_dcap_cert *c);

typedef struct {
    X509_CRL *crl;
    uint8_t *der; /* owned copy */
    size_t der_len;
    lcp_dcap_signed sig;
} lcp_dcap_crl;
/* A CRL, DER or PEM (one block). */
int lcp_dcap_load_crl(lcp_dcap_crl **out, const uint8_t *p, size_t len, const char *what, char *err);
void lcp_dcap_crl_free(lcp_dcap_crl *c);

/* The verifier's parts the verification files use. */
lcp_dcap_p256 *lcp_dcap_verifier_p256(lcp_dcap_verifier *v);
const lcp_dcap_cert *lcp_dcap_verifier_root(const lcp_dcap_verifier *v);
lcp_dcap_verifier *lcp_dcap_verifier_ref(lcp_dcap_verifier *v);
/* A certificate from its DER through the verifier's cache (same bytes, same parsed object); v NULL parses it
 * without a cache. Release it. */
int lcp_dcap_verifier_cert(lcp_dcap_cert **out, lcp_dcap_verifier *v, const uint8_t *der, size_t len,
                           const char *what, char *err);
/* The same for one certificate given as PEM (exactly one block; trailing NULs and whitespace tolerated) or DER. */
int lcp_dcap_cert_load(lcp_dcap_cert **out, lcp_dcap_verifier *v, const uint8_t *p, size_t len, const char *what,
                       char *err);

/* ---- checks (dcap_pki.c) ---- */

/* Checks that cert is issued by issuer (names, key identifiers, issuer is a CA allowed to sign certificates),
 * is signed with ecdsa-with-SHA256 under issuer's key (one P-256 verification, counted; fixed as in
 * lcp_dcap_p256_verify), has a P-256 key, no unhandled critical extension, and is valid at now; narrows w. */
int lcp_dcap_check_cert(lcp_dcap_p256 *p, lcp_dcap_window *w, unsigned *count, const lcp_dcap_cert *cert,
                        const lcp_dcap_cert *issuer, int fixed, int64_t now, const char *what, char *err);
/* Checks that crl is issued and signed (ecdsa-with-SHA256, counted) by issuer and that
 * thisUpdate <= now <= nextUpdate; narrows w. */
int lcp_dcap_check_crl(lcp_dcap_p256 *p, lcp_dcap_window *w, unsigned *count, const lcp_dcap_crl *crl,
                       const lcp_dcap_cert *issuer, int64_t now, const char *what, char *err);
/* LCP_ERR_ATTESTATION_REVOKED if cert's serial is listed in crl (already checked to be cert's issuer's). */
int lcp_dcap_check_not_revoked(const lcp_dcap_crl *crl, const lcp_dcap_cert *cert, const char *what, char *err);
/* Checks the root itself: self-issued CA, P-256 key, valid at now; narrows w. */
int lcp_dcap_check_root(lcp_dcap_window *w, const lcp_dcap_cert *root, int64_t now, char *err);
/* 1 if the subject's commonName is exactly cn. */
int lcp_dcap_cert_cn_is(X509 *cert, const char *cn);
/* 1 if k is an EC key on P-256. */
int lcp_dcap_is_p256(EVP_PKEY *k);

/* Parses the SGX extension of a parsed certificate. */
int lcp_dcap_pck_ext_from_x509(lcp_dcap_pck_ext *out, X509 *cert, char *err);

/* ---- JSON fields (dcap_json.c) ---- */

/* Members are gathered in one pass over an object (lcp_json_get would rescan the whole object, nested arrays
 * included, for every name it looks up). val.type is LCP_JSON_INVALID for a name that is absent. */
typedef struct {
    const char *name;
    lcp_json_value val;
} lcp_dcap_json_field;

/* Fills f[0..n) from obj's members (obj must be an object). A listed name present twice is an error (a signed
 * document must have one reading); names not listed are ignored. */
int lcp_dcap_json_fields(lcp_dcap_json_field *f, size_t n, const lcp_json_value *obj, char *err);
/* f present with the given type (LCP_JSON_INVALID = any). */
int lcp_dcap_json_need(const lcp_dcap_json_field *f, lcp_json_type type, char *err);
/* An integer in [0, max]. */
int lcp_dcap_json_uint(uint64_t *out, const lcp_dcap_json_field *f, uint64_t max, char *err);
/* A string of exactly 2*n hex digits (either case, no prefix). */
int lcp_dcap_json_hex(uint8_t *out, size_t n, const lcp_dcap_json_field *f, char *err);
/* A string "YYYY-MM-DDTHH:MM:SS[.frac]Z". */
int lcp_dcap_json_time(int64_t *out, const lcp_dcap_json_field *f, char *err);
/* A tcbStatus string. */
int lcp_dcap_json_status(lcp_dcap_tcb_status *out, const lcp_dcap_json_field *f, char *err);
/* The optional advisoryIDs array, validated (escape-free strings of 1..LCP_DCAP_ADVISORY_ID_MAX characters, at
 * most LCP_DCAP_MAX_ADVISORY_IDS); out->type is LCP_JSON_INVALID when absent. */
int lcp_dcap_json_advisories(lcp_json_value *out, const lcp_dcap_json_field *f, char *err);
/* The content of a string without escapes. */
int lcp_dcap_json_plain(lcp_bytes *out, const lcp_dcap_json_field *f, char *err);
/* The "tcbLevels" array f of 1..max objects: one(ctx, i, level) reads level i, and its failure is reported as
 * "TCB level <i>: <its message>". Out: *n levels read. */
typedef int (*lcp_dcap_level_fn)(void *ctx, size_t i, const lcp_json_value *level, char *err);
int lcp_dcap_json_levels(size_t *n, const lcp_dcap_json_field *f, size_t max, lcp_dcap_level_fn one, void *ctx,
                         char *err);

#endif
