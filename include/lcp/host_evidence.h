/* lcp/host_evidence.h — part of host (floor 5): the one encoder and decoder of the attestation evidence recorded
 * with an enclave key (lcp/host_keystore.h's ra_evidence). `lcp attestation dcap|simulate` write it through the
 * encoders (lcp/host_attest.h); `lcp enclave list-keys`, the service's key listing (EnclaveKey,
 * AvailableEnclaveKeys) and its metrics read it through the decoder.
 *
 * The forms, by the record's ra_type:
 *  - IAS, signed (`lcp attestation simulate`): JSON {"avr": the report text, "signature": base64, "signing_cert":
 *    base64 DER} (the form of LCP's fixtures). A record that is not that JSON is the bare report text.
 *  - DCAP, "lcp-c dcap evidence v1" (`lcp attestation dcap`, the service's key rotation): JSON with the verifier's
 *    result (status, advisory_ids, mrenclave, mrsigner, report_data, debug, fmspc, tcb_evaluation_data_number,
 *    valid_from, valid_to, isv_prod_id, isv_svn, platform_status, qe_status, tcb_date, verified_at), then "format",
 *    "sim", "quote" (hex), "validity" {not_before, not_after} and "collateral" (the one-file collateral document:
 *    tcb_info and qe_identity as their signed texts, *_signature hex, *_issuer_chain PEM, root_ca_crl and pck_crl
 *    hex DER). The quote and the collateral are what an LCP client's DCAPRegisterEnclaveKeyMessage carries.
 *    Decoded strictly: every member present, of its type, in range.
 *  - DCAP or zkDCAP JSON of another writer (no "format"): the members found, read as the service always read them
 *    ("status" or "tcb_status"; bytes as hex, else base64), and a zkDCAP proof "zkp": {"risc0": {"image_id",
 *    "selector", "seal", "output"}}.
 * Anything else decodes as LCP_HOST_EVIDENCE_UNKNOWN: nothing but the record's own fields is known about it.
 *
 * Allocation: through lcp_malloc; a decoded evidence owns its strings and bytes until lcp_host_evidence_free.
 * No state; any thread.
 */
#ifndef LCP_HOST_EVIDENCE_H
#define LCP_HOST_EVIDENCE_H

#include <cjson/cJSON.h>

#include "lcp/attestation_dcap.h"
#include "lcp/base.h"

#ifdef __cplusplus
extern "C" {
#endif

#define LCP_HOST_DCAP_EVIDENCE_FORMAT "lcp-c dcap evidence v1"
/* Advisory IDs kept from one evidence (a v1 document with more is refused; other forms keep the first ones). */
#define LCP_HOST_EVIDENCE_MAX_ADVISORIES 64
/* The largest evidence the decoder reads (a quote and collateral are a few tens of KiB). */
#define LCP_HOST_EVIDENCE_MAX_LEN (4u << 20)

typedef enum {
    LCP_HOST_EVIDENCE_UNKNOWN = 0, /* not a form this build reads */
    LCP_HOST_EVIDENCE_IAS_SIGNED,  /* {"avr", "signature", "signing_cert"} */
    LCP_HOST_EVIDENCE_IAS_REPORT,  /* the bare report text */
    LCP_HOST_EVIDENCE_DCAP_V1,     /* "lcp-c dcap evidence v1" */
    LCP_HOST_EVIDENCE_DCAP_OTHER,  /* DCAP / zkDCAP JSON of another writer */
} lcp_host_evidence_form;

/* A decoded evidence. Strings are NUL-terminated; NULL (or empty bytes) where the form has no such member. */
typedef struct {
    uint32_t ra_type;          /* LCP_RA_TYPE_* it was decoded as */
    lcp_host_evidence_form form;
    /* the verdict, either type: IAS isvEnclaveQuoteStatus and advisoryIDs (read from the report), DCAP TCB status */
    const char *status;
    int has_advisory_ids;      /* the evidence states a list of advisory IDs (possibly empty) */
    const char *advisory_ids[LCP_HOST_EVIDENCE_MAX_ADVISORIES];
    size_t n_advisory_ids;
    /* IAS */
    const char *avr;           /* the report text */
    lcp_bytes signature, signing_cert;
    /* DCAP */
    lcp_bytes quote;
    lcp_bytes fmspc;
    int has_tcb_evaluation_data_number;
    uint32_t tcb_evaluation_data_number;
    /* DCAP_V1 only: the rest of the verifier's result and the record's own members */
    int sim;
    uint8_t mrenclave[32], mrsigner[32], report_data[64];
    int debug;
    uint32_t isv_prod_id, isv_svn;
    const char *platform_status, *qe_status;
    int64_t valid_from, valid_to, tcb_date, verified_at, not_before, not_after;
    /* the collateral document's members (DCAP_V1: all present) */
    int has_collateral;
    const char *tcb_info, *tcb_info_signature, *tcb_info_issuer_chain;
    const char *qe_identity, *qe_identity_signature;
    lcp_bytes root_ca_crl, pck_crl;
    /* zkDCAP: the RISC Zero proof, if the record carries one */
    int has_risc0;
    lcp_bytes risc0_image_id, risc0_selector, risc0_seal, risc0_output;
    void *mem_;                /* private: what the members point into */
} lcp_host_evidence;

/* Decodes the evidence p[0..n) recorded with ra_type.
 * Returns: LCP_OK (ev->form says which form; LCP_HOST_EVIDENCE_UNKNOWN for anything unreadable that claims no
 *   form, e.g. an unattested key or a DCAP record that is not JSON); LCP_ERR_HOST_KEY_RECORD with a message naming
 *   the member for a signed IAS evidence or a v1 document that is malformed (a member missing, of the wrong type,
 *   out of range, bad hex or base64) or longer than LCP_HOST_EVIDENCE_MAX_LEN; LCP_ERR_NOMEM.
 * Out: ev (always initialised; free it with lcp_host_evidence_free whatever the return). */
int lcp_host_evidence_decode(lcp_host_evidence *ev, uint32_t ra_type, const uint8_t *p, size_t n,
                             char *err) LCP_WARN_UNUSED;
/* Frees what ev owns and empties it (NULL-safe, idempotent). */
void lcp_host_evidence_free(lcp_host_evidence *ev);

/* The verifier's result as JSON (the v1 members listed above, verified_at given): what `lcp attestation verify`
 * prints and the first half of a v1 document. Returns NULL when out of memory. */
cJSON *lcp_host_dcap_result_json(const lcp_dcap_result *r, int64_t verified_at);

/* Encodes a v1 document: r with verified_at, sim, the quote and the collateral document (JSON text, embedded as a
 * JSON value), validity = r's window. Returns: LCP_OK; LCP_ERR_HOST_KEY_RECORD if collateral is not a JSON object;
 * LCP_ERR_NOMEM. Out: out: the document appended (no NUL). */
int lcp_host_evidence_encode_dcap(lcp_buf *out, const lcp_dcap_result *r, int64_t verified_at, int sim,
                                  const uint8_t *quote, size_t quote_len, const uint8_t *collateral,
                                  size_t collateral_len, char *err) LCP_WARN_UNUSED;

/* Encodes a signed IAS evidence: the report text avr (no NUL inside) with its signature and signing certificate
 * (DER), both base64. Returns: LCP_OK; LCP_ERR_HOST_KEY_RECORD if avr holds a NUL; LCP_ERR_NOMEM.
 * Out: out: the document appended (no NUL). */
int lcp_host_evidence_encode_ias(lcp_buf *out, const uint8_t *avr, size_t avr_len, const uint8_t *sig,
                                 size_t sig_len, const uint8_t *cert, size_t cert_len, char *err) LCP_WARN_UNUSED;

#ifdef __cplusplus
}
#endif
#endif
