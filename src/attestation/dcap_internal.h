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
int lcp_dcap_pem_chain_split(lcp_dcap_pem_chain *out, const uint8_t *p, size_t len, const char *what, char *err);
void lcp_dcap_pem_chain_free(lcp_dcap_pem_chain *c);
/* One DER certificate, exactly len bytes. */
int lcp_dcap_der_cert(X509 **out, const uint8_t *der, size_t len, const char *what, char *err);

/* One certificate, PEM or DER (PEM: exactly one block, trailing NULs and whitespace tolerated). */
int lcp_dcap_load_cert(X509 **out, const uint8_t *p, size_t len, const char *what, char *err);
/* A PEM chain of 1..LCP_DCAP_MAX_CHAIN certificates (trailing NULs and whitespace tolerated, nothing else).
 * Out: certs[0..*n): free each with X509_free (lcp_dcap_free_chain). */
int lcp_dcap_load_chain(X509 **certs, size_t *n, const uint8_t *p, size_t len, const char *what, char *err);
void lcp_dcap_free_chain(X509 **certs, size_t n);
/* A CRL, DER or PEM. */
int lcp_dcap_load_crl(X509_CRL **out, const uint8_t *p, size_t len, const char *what, char *err);

/* Converts an ASN.1 time to UNIX seconds. */
int lcp_dcap_asn1_time(int64_t *out, const ASN1_TIME *t);

/* Checks that cert is issued by issuer (names, key identifiers, issuer is a CA allowed to sign certificates),
 * is signed with ecdsa-with-SHA256 under issuer's key (one P-256 verification, counted), has a P-256 key, no
 * unhandled critical extension, and is valid at now; narrows w. */
int lcp_dcap_check_cert(lcp_dcap_window *w, unsigned *count, X509 *cert, X509 *issuer, int64_t now,
                        const char *what, char *err);
/* Checks that crl is issued and signed (ecdsa-with-SHA256, counted) by issuer and that
 * thisUpdate <= now <= nextUpdate; narrows w. */
int lcp_dcap_check_crl(lcp_dcap_window *w, unsigned *count, X509_CRL *crl, X509 *issuer, int64_t now,
                       const char *what, char *err);
/* LCP_ERR_ATTESTATION_REVOKED if cert's serial is listed in crl (already checked to be cert's issuer's). */
int lcp_dcap_check_not_revoked(X509_CRL *crl, X509 *cert, const char *what, char *err);
/* Checks the root itself: self-issued, P-256 key, valid at now; narrows w. */
int lcp_dcap_check_root(lcp_dcap_window *w, X509 *root, int64_t now, char *err);
/* 1 if a and b have the same DER encoding. */
int lcp_dcap_cert_equal(X509 *a, X509 *b);
/* 1 if the subject's commonName is exactly cn. */
int lcp_dcap_cert_cn_is(X509 *cert, const char *cn);

/* ECDSA P-256 / SHA-256 verification of a raw r || s signature over msg. Counts one verification.
 * Returns LCP_OK or LCP_ERR_ATTESTATION_SIGNATURE ("<what>: signature does not verify"). */
int lcp_dcap_p256_verify(EVP_PKEY *key, const uint8_t sig[LCP_DCAP_SIG_LEN], const uint8_t *msg, size_t len,
                         unsigned *count, const char *what, char *err);
/* A P-256 public key from raw X || Y. */
int lcp_dcap_p256_key(EVP_PKEY **out, const uint8_t xy[LCP_DCAP_PUBKEY_LEN], char *err);
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

#endif
