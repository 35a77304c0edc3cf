/* lcp/host_attest_gramine.h — part of host (floor 5): DCAP attestation of an enclave key on the gramine backend.
 *
 * The enclave quotes its own key (QuoteEnclaveKey ECALL: under Gramine it writes the key's report data to
 * /dev/attestation/user_report_data and reads /dev/attestation/quote, which Gramine's quoting path fills with a
 * DCAP quote of the platform's QE); the host takes the collateral from a PCCS (lcp/host_pccs.h) or from a file
 * (the one-file collateral document), then verify -> policy -> record with the code the sim path uses
 * (lcp_host_attest_dcap_quote, lcp/host_attest.h).
 *
 * ONLY ON REAL SGX does this attest anything: it needs Gramine's /dev/attestation inside an SGX enclave and a PCCS
 * (or Intel's PCS) that knows the platform. Here it is tested against an imitation of /dev/attestation whose quote
 * comes from the simulated QE, with collateral from a loopback fake PCCS serving the simulated Intel's collateral,
 * verified under the simulated root given explicitly.
 */
#ifndef LCP_HOST_ATTEST_GRAMINE_H
#define LCP_HOST_ATTEST_GRAMINE_H

#include "lcp/host_attest.h"
#include "lcp/host_ops.h"
#include "lcp/host_pccs.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Where the collateral comes from, and what to trust. Exactly one of pccs_url and collateral. */
typedef struct {
    const char *pccs_url;          /* a PCCS or Intel's PCS: "https://host:8081" (API v4 below it) */
    const lcp_http_options *http;  /* for pccs_url (NULL: defaults: system CAs, 10 s, 4 MiB) */
    const uint8_t *collateral;     /* or the one-file collateral document itself */
    size_t collateral_len;
    const uint8_t *root;           /* trust anchor (DER or PEM); NULL = Intel's production SGX root */
    size_t root_len;
} lcp_host_dcap_source;

/* Asks the enclave behind x for a quote over key addr's report data (the operator taken from the key's stored
 * report). Returns as lcp_host_exec_run (the enclave's LCP_ERR_TEE_UNSUPPORTED on sim, LCP_ERR_TEE from Gramine);
 * LCP_ERR_HOST_KEY_NOT_FOUND. Out: quote (appended; reset it first). */
int lcp_host_quote_key(lcp_host_exec *x, lcp_buf *quote, const uint8_t addr[20], char *err) LCP_WARN_UNUSED;

/* Attests key addr (unattested, in x's store) on the gramine backend: lcp_host_quote_key, the collateral from src,
 * then lcp_host_attest_dcap with src->root, pol, key_validity, now, before_record and ud (see there).
 * Returns: LCP_OK; the quote's, the PCCS client's (LCP_ERR_HOST_HTTP*, LCP_ERR_HOST_PCCS), the verifier's or the
 *   key store's error, nothing recorded; LCP_ERR_ILLEGAL_ARG if src names no or both sources.
 * Out: r: the verification result. */
int lcp_host_attest_dcap_gramine(lcp_host_exec *x, const uint8_t addr[20], const lcp_host_dcap_source *src,
                                 const lcp_dcap_policy *pol, uint64_t key_validity, int64_t now, lcp_dcap_result *r,
                                 lcp_host_quote_fn before_record, void *ud, char *err) LCP_WARN_UNUSED;

#ifdef __cplusplus
}
#endif
#endif
