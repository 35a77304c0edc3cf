/* lcp/attestation_ias.h — part of attestation (floor 3): Intel IAS (EPID) attestation verification reports.
 *
 * What this does: given the exact bytes of an attestation verification report (AVR, the JSON body IAS returned),
 * the RSA signature IAS sent in X-IASReport-Signature, the signing certificate (DER) and a trusted root (DER), it
 * checks that the certificate chains to that root at a given time and that the signature (RSASSA-PKCS1-v1_5 with
 * SHA-256) covers the AVR bytes exactly as given, then parses the report (spec 5.1, dcap.md 3). Acceptance
 * (which quote statuses and advisory IDs to allow, debug or not, MRENCLAVE, report_data) is the caller's policy:
 * the parsed report carries everything it needs.
 *
 * Exact bytes: the signature covers the body as IAS sent it. Never re-serialise an AVR, and keep the bytes you
 * verified: the parsed report points into them (spec 10.4).
 * Time: always an input (UNIX seconds); nothing here reads the clock. Intel's report-signing certificate expired
 * 2026-11-20, so archived reports verify only at a time inside its validity, typically the report's timestamp.
 * A certificate counts as valid for notBefore <= now < notAfter (OpenSSL's rule; RFC 5280 and Go also accept the
 * notAfter second itself, one second more than here).
 * Trust: the root passed in is the only trust anchor: no system store, no certificate from the report itself. The
 * chain must be exactly [signing certificate, root].
 * Allocation: lcp_ias_report_parse never allocates. Verification allocates inside OpenSSL only. The signed-report
 * JSON loader (host/CLI side) allocates with lcp_malloc. Threading: no state; safe from many threads.
 *
 * Caveats (symptom -> fix):
 *  - "certificate is not valid at <time>" for a genuine Intel report: the verification time is after
 *    2026-11-20 (or before 2016-11-22); pass the time the report was produced (its timestamp) or the block time.
 *  - "does not chain to the root" for a report from `lcp attestation simulate`: simulated reports are signed by a
 *    test PKI; verify them with that root (simulation_rootca.der), never with Intel's.
 */
#ifndef LCP_ATTESTATION_IAS_H
#define LCP_ATTESTATION_IAS_H

#include "lcp/attestation_sgx.h"
#include "lcp/base.h"

#ifdef __cplusplus
extern "C" {
#endif

#define LCP_IAS_QUOTE_BODY_LEN 432  /* sgx_quote_t without its signature: 48-byte header + report body */
#define LCP_IAS_QUOTE_HEADER_LEN 48
#define LCP_IAS_MAX_ADVISORIES 64   /* more advisory IDs than this are refused (real reports carry about ten) */
#define LCP_IAS_MAX_REPORT_LEN (1u << 20)
#define LCP_IAS_MIN_RSA_BITS 2048

/* isvEnclaveQuoteStatus (spec 5.1). Unknown strings are refused by the parser, so a new status cannot slip
 * through a policy written before it existed. */
typedef enum {
    LCP_IAS_STATUS_OK = 0,
    LCP_IAS_STATUS_SIGNATURE_INVALID,
    LCP_IAS_STATUS_GROUP_REVOKED,
    LCP_IAS_STATUS_SIGNATURE_REVOKED,
    LCP_IAS_STATUS_KEY_REVOKED,
    LCP_IAS_STATUS_SIGRL_VERSION_MISMATCH,
    LCP_IAS_STATUS_GROUP_OUT_OF_DATE,
    LCP_IAS_STATUS_CONFIGURATION_NEEDED,
    LCP_IAS_STATUS_SW_HARDENING_NEEDED,
    LCP_IAS_STATUS_CONFIGURATION_AND_SW_HARDENING_NEEDED,
} lcp_ias_quote_status;

/* The status's exact IAS spelling ("GROUP_OUT_OF_DATE"), or "UNKNOWN". */
const char *lcp_ias_status_name(lcp_ias_quote_status s);
/* Out: *s for the exact IAS spelling name[0..len). Returns LCP_OK or LCP_ERR_ATTESTATION_UNSUPPORTED. */
int lcp_ias_status_from_name(lcp_ias_quote_status *s, const char *name, size_t len);

/* A parsed AVR. Every lcp_bytes field is a view of the unescaped string content inside the AVR bytes given to the
 * parser (valid while those bytes live, unchanged); ptr is NULL when the member is absent (or null, for
 * platformInfoBlob). Those members are plain ASCII in every IAS report; one written with a JSON escape is refused
 * rather than decoded, so that a view always equals the string's value. */
typedef struct {
    lcp_bytes id;
    lcp_bytes timestamp;       /* "YYYY-MM-DDTHH:MM:SS.ffffff", UTC without zone */
    int64_t timestamp_secs;    /* UNIX seconds, fraction truncated (spec 10.6) */
    uint32_t timestamp_nanos;  /* the fraction */
    uint32_t version;          /* 4 or 5 */
    lcp_ias_quote_status status;
    lcp_bytes advisory_url;    /* optional */
    int has_advisory_ids;      /* 1 if the member "advisoryIDs" is present (possibly empty) */
    size_t n_advisory_ids;
    lcp_bytes advisory_ids[LCP_IAS_MAX_ADVISORIES];
    lcp_bytes platform_info_blob; /* optional hex TLV; NULL if absent or null */
    lcp_bytes nonce;              /* optional */
    lcp_bytes epid_pseudonym;     /* optional (linkable quotes) */
    lcp_bytes pse_manifest_status; /* optional */
    lcp_bytes pse_manifest_hash;   /* optional */
    int has_revocation_reason;
    uint64_t revocation_reason;    /* RFC 5280 reason code, with GROUP_REVOKED / KEY_REVOKED */
    int has_tcb_evaluation_data_number;
    uint64_t tcb_evaluation_data_number; /* v5 */
    /* isvEnclaveQuoteBody, decoded: the first 432 bytes of sgx_quote_t (dcap.md 1.4). */
    uint8_t quote_body[LCP_IAS_QUOTE_BODY_LEN];
    uint16_t quote_version;
    uint16_t quote_sign_type; /* 0 unlinkable, 1 linkable */
    uint8_t epid_group_id[4];
    uint16_t qe_svn;
    uint16_t pce_svn;
    lcp_sgx_report_body report_body; /* MRENCLAVE, MRSIGNER, attributes (debug), ISV ids, report_data */
} lcp_ias_report;

/* Parses AVR JSON WITHOUT verifying anything: use lcp_ias_verify for evidence from outside; this is for reports
 * already verified, tooling and fuzzing. Required members: id, timestamp, version (4 or 5), isvEnclaveQuoteStatus,
 * isvEnclaveQuoteBody (base64 of exactly 432 bytes). Unknown members are ignored; a known member of the wrong type,
 * a duplicated known member, or more than LCP_IAS_MAX_ADVISORIES advisory IDs is an error.
 * Returns: LCP_OK; LCP_ERR_ATTESTATION (malformed JSON or member), LCP_ERR_ATTESTATION_UNSUPPORTED (version or
 *          status), LCP_ERR_ATTESTATION_REPORT (quote body).
 * Out: out: the report, views into avr (written only on success). */
int lcp_ias_report_parse(lcp_ias_report *out, const uint8_t *avr, size_t avr_len, char *err) LCP_WARN_UNUSED;

/* Checks that signing_cert chains to root at time now (both certificates inside their validity) and that sig is
 * an RSASSA-PKCS1-v1_5 SHA-256 signature of avr[0..avr_len) under signing_cert's RSA key (>= 2048 bits).
 * Returns: LCP_OK; LCP_ERR_ATTESTATION_CERT (malformed DER, not issued by root, chain not [leaf, root], not RSA);
 *          LCP_ERR_ATTESTATION_CERT_EXPIRED (a certificate is not valid at now);
 *          LCP_ERR_ATTESTATION_SIGNATURE (wrong length or does not verify).
 * In: signing_cert, root: one DER certificate each, no trailing bytes. now: UNIX seconds. */
int lcp_ias_verify_signature(const uint8_t *avr, size_t avr_len, const uint8_t *sig, size_t sig_len,
                             const uint8_t *signing_cert, size_t signing_cert_len, const uint8_t *root,
                             size_t root_len, int64_t now, char *err) LCP_WARN_UNUSED;

/* lcp_ias_verify_signature, then lcp_ias_report_parse. out is written only if both succeed.
 * Returns: the codes of either. */
int lcp_ias_verify(lcp_ias_report *out, const uint8_t *avr, size_t avr_len, const uint8_t *sig, size_t sig_len,
                   const uint8_t *signing_cert, size_t signing_cert_len, const uint8_t *root, size_t root_len,
                   int64_t now, char *err) LCP_WARN_UNUSED;

/* ---- the signed report as LCP stores and transports it (host / CLI side: allocates) ---- */
/* IASSignedReport { avr: exact AVR text, signature, signing_cert: DER } (spec 5.1). Owns its buffers. */
typedef struct {
    uint8_t *avr;
    size_t avr_len;
    uint8_t *signature;
    size_t signature_len;
    uint8_t *signing_cert;
    size_t signing_cert_len;
} lcp_ias_signed_report;

/* Loads the JSON form {"avr": "<AVR text>", "signature": "<base64>", "signing_cert": "<base64 DER>", ...} (other
 * members ignored). The avr string is unescaped: its content is the exact signed body. Buffers come from
 * lcp_malloc; on failure nothing is left allocated.
 * Returns: LCP_OK; LCP_ERR_JSON* (document), LCP_ERR_BASE64, LCP_ERR_NOMEM. */
int lcp_ias_signed_report_from_json(lcp_ias_signed_report *out, const uint8_t *json, size_t json_len, char *err)
    LCP_WARN_UNUSED;
/* Frees the buffers (NULL-safe, idempotent) and zeroes *r. */
void lcp_ias_signed_report_free(lcp_ias_signed_report *r);

#ifdef __cplusplus
}
#endif
#endif
