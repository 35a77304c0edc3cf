/* lcp/attestation_ias_sim.h — part of attestation (floor 3): simulated IAS reports, for platforms without SGX.
 *
 * Builds an attestation verification report the way LCP's `attestation simulate` does (spec §5.2): the quote body
 * of a (simulated) enclave report, wrapped in IAS's JSON with the given status and advisory IDs, signed with an RSA
 * key whose certificate chains to a *simulation* root. A verifier accepts it only when it is given that root:
 * Intel's root never verifies it. Nothing here makes a report trustworthy; it exercises the real verification code.
 * Host side: allocates (lcp_buf).
 */
#ifndef LCP_ATTESTATION_IAS_SIM_H
#define LCP_ATTESTATION_IAS_SIM_H

#include "lcp/attestation_sgx.h"
#include "lcp/base.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    lcp_sgx_report_body body;          /* the enclave's report: MRENCLAVE, attributes, report_data, ... */
    const char *status;                /* isvEnclaveQuoteStatus, e.g. "OK" */
    const char *const *advisory_ids;   /* may be NULL when n_advisory_ids is 0 */
    size_t n_advisory_ids;
    int64_t timestamp;                 /* UNIX seconds of the report */
    uint32_t micros;                   /* fraction; LCP's simulator writes milliseconds then "000" */
} lcp_ias_sim_params;

/* Out: avr: the report JSON (compact, IAS member order); sig: RSASSA-PKCS1-v1_5 SHA-256 signature over it.
 * In: signing_key_pem: PKCS#8 or traditional PEM RSA private key. Both buffers must be empty on entry. */
int lcp_ias_sim_report(lcp_buf *avr, lcp_buf *sig, const lcp_ias_sim_params *p, const uint8_t *signing_key_pem,
                       size_t key_len, char *err) LCP_WARN_UNUSED;

#ifdef __cplusplus
}
#endif
#endif
