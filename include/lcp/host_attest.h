/* lcp/host_attest.h — part of host (floor 5): attesting an enclave key and recording the result in the key store,
 * shared by `lcp attestation dcap` and the service's key rotation (lcp/service.h).
 *
 * The DCAP evidence recorded with a key ("lcp-c dcap evidence v1", JSON): the verification result (status,
 * advisory_ids, mrenclave, mrsigner, report_data, debug, fmspc, tcb_evaluation_data_number, valid_from, valid_to,
 * isv_prod_id, isv_svn, platform_status, qe_status, tcb_date, verified_at), plus "format", "sim", "quote" (hex),
 * "validity" {not_before, not_after} and "collateral" (the one-file collateral document). The quote and the
 * collateral are what an LCP client's DCAPRegisterEnclaveKeyMessage carries.
 */
#ifndef LCP_HOST_ATTEST_H
#define LCP_HOST_ATTEST_H

#include <cjson/cJSON.h>

#include "lcp/attestation_dcap.h"
#include "lcp/base.h"
#include "lcp/host_store.h"

#ifdef __cplusplus
extern "C" {
#endif

#define LCP_HOST_DCAP_EVIDENCE_FORMAT "lcp-c dcap evidence v1"

/* The verification result as JSON (the fields listed above, verified_at = now). Returns NULL when out of memory. */
cJSON *lcp_host_dcap_result_json(const lcp_dcap_result *r, int64_t now);

/* SIMULATION. Attests key addr (unattested, in store) with DCAP on the simulated platform sim_dir: the simulated
 * QE checks the key's report and quotes it, the quote and the collateral the simulated Intel publishes now are
 * verified under the simulated root (given explicitly) with pol (pol->mrenclave NULL = the key's own), and only then
 * the attestation is recorded: ra_type DCAP, the evidence above, valid_from/valid_to = the verifier's window, with
 * valid_to lowered to valid_from + key_validity when key_validity > 0 (the LCP client's key_expiration: the expiry
 * it computes on registration).
 * Returns: LCP_OK; the verifier's, the simulated QE's or the key store's error (nothing recorded then);
 *   LCP_ERR_HOST_KEY_ATTESTED if the key already has an attestation; LCP_ERR_NOMEM.
 * In: before_record (may be NULL): called with the verified quote just before recording; a non-zero return stops
 *   there with LCP_ERR_IO, nothing recorded (the CLI writes --quote_out there, so a failed write leaves the key
 *   unattested and the command can be run again).
 * Out: r: the verification result (its valid_to as recorded). */
typedef int (*lcp_host_quote_fn)(void *ud, const uint8_t *quote, size_t len);
int lcp_host_attest_dcap_sim(lcp_store *store, const char *sim_dir, const uint8_t addr[20], const lcp_dcap_policy *pol,
                             uint64_t key_validity, int64_t now, lcp_dcap_result *r, lcp_host_quote_fn before_record,
                             void *ud, char *err) LCP_WARN_UNUSED;

/* Verify -> policy -> record for a quote obtained anywhere (the simulated QE above; the enclave's own quote under
 * Gramine, lcp/host_attest_gramine.h): key addr must be in store, unattested. The quote is verified with the
 * collateral document coll (lcp_dcap_collateral_from_json's layout) under root (DER or PEM; NULL = Intel's
 * production root, which refuses simulated quotes: a simulated quote passes only with the simulated root given
 * here), with pol (pol->mrenclave NULL = the key's own); its report data must be the key's (the report data of the
 * report the key was generated with: 0x01 || address || operator). Then recorded as for lcp_host_attest_dcap_sim;
 * the evidence says "sim": true unless root is Intel's.
 * Returns: as lcp_host_attest_dcap_sim; LCP_ERR_ATTESTATION_POLICY also when the report data is not the key's. */
int lcp_host_attest_dcap_quote(lcp_store *store, const uint8_t addr[20], const uint8_t *quote, size_t quote_len,
                               const uint8_t *coll, size_t coll_len, const uint8_t *root, size_t root_len,
                               const lcp_dcap_policy *pol, uint64_t key_validity, int64_t now, lcp_dcap_result *r,
                               lcp_host_quote_fn before_record, void *ud, char *err) LCP_WARN_UNUSED;

#ifdef __cplusplus
}
#endif
#endif
