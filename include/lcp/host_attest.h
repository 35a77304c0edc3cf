/* lcp/host_attest.h — part of host (floor 5): attesting an enclave key and recording the result in the key store:
 * quote → collateral → verify → policy → record. `lcp attestation dcap|simulate` and the service's key rotation
 * (lcp/service.h) call these; they only parse options before and print after.
 *
 * The quote source is pluggable. lcp_host_attest_dcap takes a quote already obtained, with the collateral
 * document and the trust anchor, and does verify → policy → record; lcp_host_attest_dcap_sim is one source (the
 * simulated QE and the simulated Intel's collateral) in front of it. Another source (Gramine's
 * /dev/attestation/quote, collateral from a PCCS) obtains its quote and calls lcp_host_attest_dcap the same way.
 *
 * The evidence recorded is encoded by lcp/host_evidence.h ("lcp-c dcap evidence v1", signed IAS reports).
 * Times are UNIX seconds given by the caller; nothing here reads the clock.
 */
#ifndef LCP_HOST_ATTEST_H
#define LCP_HOST_ATTEST_H

#include "lcp/attestation_dcap.h"
#include "lcp/base.h"
#include "lcp/host_evidence.h"
#include "lcp/host_store.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The largest enclave report a key record carries (a TEE report: body, key id, MAC). */
#define LCP_HOST_KEY_REPORT_MAX 432

/* Called with the verified quote just before recording; a non-zero return stops there with LCP_ERR_IO, nothing
 * recorded (the CLI writes --quote_out there, so a failed write leaves the key unattested and the command can be
 * run again). */
typedef int (*lcp_host_quote_fn)(void *ud, const uint8_t *quote, size_t len);

/* A quote obtained by some quote source, and what it is verified with. Every pointer is borrowed for the call. */
typedef struct {
    const uint8_t *quote;      /* an SGX DCAP quote v3 of the key's enclave report */
    size_t quote_len;
    const uint8_t *collateral; /* the one-file collateral document (JSON, lcp_dcap_collateral_from_json's layout) */
    size_t collateral_len;
    const uint8_t *root;       /* the trust anchor (DER or PEM); NULL = Intel's production root, built in */
    size_t root_len;
    int sim;                   /* 1 if quote and collateral come from the simulated platform (recorded as "sim") */
} lcp_host_dcap_quote;

/* The key's enclave report and MRENCLAVE, copied out of a read transaction: what a quote source quotes.
 * Returns: LCP_OK; LCP_ERR_HOST_KEY_NOT_FOUND; LCP_ERR_HOST_KEY_ATTESTED if the key already has an attestation.
 * Out: report (report_len bytes, at most LCP_HOST_KEY_REPORT_MAX), mrenclave. */
int lcp_host_key_report(lcp_store *store, const uint8_t addr[20], uint8_t report[LCP_HOST_KEY_REPORT_MAX],
                        size_t *report_len, uint8_t mrenclave[32], char *err) LCP_WARN_UNUSED;

/* Verifies q (quote with collateral under q->root at now) under pol (pol->mrenclave NULL = the key's own), checks
 * that the quote is of key addr's own report (its report_data), and only then records the attestation: ra_type
 * DCAP, the v1 evidence, valid_from/valid_to = the verifier's window, with valid_to lowered to valid_from +
 * key_validity when key_validity > 0 (the LCP client's key_expiration: the expiry it computes on registration).
 * Returns: LCP_OK; the collateral parser's or verifier's error; LCP_ERR_ATTESTATION_REPORT if the quote is of
 *   another report; LCP_ERR_HOST_KEY_ATTESTED if the key already has an attestation; the key store's errors;
 *   LCP_ERR_IO if before_record (may be NULL) refused; LCP_ERR_NOMEM. Nothing is recorded unless LCP_OK.
 * Out: r: the verification result (its valid_to as recorded). */
int lcp_host_attest_dcap(lcp_store *store, const uint8_t addr[20], const lcp_host_dcap_quote *q,
                         const lcp_dcap_policy *pol, uint64_t key_validity, int64_t now, lcp_dcap_result *r,
                         lcp_host_quote_fn before_record, void *ud, char *err) LCP_WARN_UNUSED;

/* SIMULATION. lcp_host_attest_dcap with the quote source of the simulated platform sim_dir: the simulated QE
 * checks the key's report (its MAC under the platform's report key) and quotes it; the collateral the simulated
 * Intel publishes now and the simulated root (given explicitly: the verifier's default anchor refuses simulated
 * quotes) go with it. Returns as lcp_host_attest_dcap, and the simulated QE's errors ("simulated QE: ..."). */
int lcp_host_attest_dcap_sim(lcp_store *store, const char *sim_dir, const uint8_t addr[20], const lcp_dcap_policy *pol,
                             uint64_t key_validity, int64_t now, lcp_dcap_result *r, lcp_host_quote_fn before_record,
                             void *ud, char *err) LCP_WARN_UNUSED;

/* Verifies the quote recorded with key addr (its v1 evidence) again, against collateral (the one-file document)
 * under root at now with pol (pol->mrenclave NULL = the key's own): after a TCB recovery, is the key still
 * acceptable? Records nothing.
 * Returns: LCP_OK; LCP_ERR_ILLEGAL_ARG if the key has no DCAP attestation; LCP_ERR_HOST_KEY_RECORD if its evidence
 *   is not a v1 document; the collateral parser's or verifier's error; LCP_ERR_NOMEM.
 * Out: r; quote (may be NULL): the recorded quote appended. */
int lcp_host_reverify_dcap(lcp_store *store, const uint8_t addr[20], const uint8_t *collateral, size_t collateral_len,
                           const uint8_t *root, size_t root_len, const lcp_dcap_policy *pol, int64_t now,
                           lcp_dcap_result *r, lcp_buf *quote, char *err) LCP_WARN_UNUSED;

/* SIMULATION. lcp_host_reverify_dcap with the collateral the simulated Intel of sim_dir publishes now, under the
 * simulated root. */
int lcp_host_reverify_dcap_sim(lcp_store *store, const char *sim_dir, const uint8_t addr[20],
                               const lcp_dcap_policy *pol, int64_t now, lcp_dcap_result *r, lcp_buf *quote,
                               char *err) LCP_WARN_UNUSED;

/* A simulated IAS report's contents and signer. */
typedef struct {
    const char *status;                /* isvEnclaveQuoteStatus; NULL = "OK" */
    const char *const *advisory_ids;   /* may be NULL when n_advisory_ids is 0 */
    size_t n_advisory_ids;
    const uint8_t *signing_key;        /* the report-signing RSA private key (PKCS#8 or traditional PEM) */
    size_t signing_key_len;
    const uint8_t *signing_cert;       /* its certificate (DER): recorded with the report */
    size_t signing_cert_len;
} lcp_host_ias_sim_options;

/* SIMULATION (spec §5.2, LCP's `attestation simulate`). Attests key addr with an IAS report built from its enclave
 * report at now_ns (UNIX nanoseconds; the report's timestamp) and signed with o->signing_key; checks that it
 * verifies under o->signing_cert's key (a certificate of another key would record evidence no verifier accepts,
 * on a key that can be attested only once); records ra_type IAS, the signed IAS evidence, valid for 30 days from
 * the report's timestamp (spec §4.5).
 * Returns: LCP_OK; LCP_ERR_HOST_KEY_ATTESTED; LCP_ERR_ATTESTATION_REPORT (the key's report is missing),
 *   LCP_ERR_ATTESTATION_CERT / _SIGNATURE (certificate unreadable / not the key's); the report builder's and the
 *   key store's errors; LCP_ERR_NOMEM. Nothing is recorded unless LCP_OK.
 * Out: evidence (may be NULL): the evidence recorded, appended. */
int lcp_host_attest_ias_sim(lcp_store *store, const uint8_t addr[20], const lcp_host_ias_sim_options *o,
                            uint64_t now_ns, lcp_buf *evidence, char *err) LCP_WARN_UNUSED;

#ifdef __cplusplus
}
#endif
#endif
