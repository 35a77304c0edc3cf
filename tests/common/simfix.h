/* A simulated SGX platform with its simulated Intel, for tests of DCAP quotes (attestation, LCP client, drills):
 * a temporary platform directory with a fixed fuse secret, the issuer and the PCK certificate created at a given
 * time, enclave reports from a made-up identity, quotes from the simulated QE, the published collateral. */
#ifndef LCP_TEST_SIMFIX_H
#define LCP_TEST_SIMFIX_H

#include <openssl/evp.h>

#include "lcp/attestation_dcap.h"
#include "lcp/attestation_sim.h"
#include "lcp/tee.h"
#include "testutil.h"

typedef struct {
    char tmp[64];       /* the temporary directory (removed by simfix_close) */
    char platform[128]; /* tmp/platform */
    uint8_t *root;      /* the simulated root (DER) */
    size_t root_len;
} simfix;

/* A platform (fixed secret, default CPUSVN, PCESVN 13) with an issuer and a PCK certificate made at now. */
void simfix_open(simfix *f, int64_t now);
void simfix_close(simfix *f);

/* The fixed test enclave's identity (MRENCLAVE 11.., MRSIGNER 22..), DEBUG set when debug. */
lcp_tee_identity simfix_identity(int debug);
/* A report of id on the platform (all-zero target, as for QE3SIM) over report_data rd (432 bytes into out). */
void simfix_report(simfix *f, uint8_t out[432], const lcp_tee_identity *id, const uint8_t rd[64]);
/* The QE's report check (lcp_sim_report_check_fn) for platform ctx (a simfix *): lcp_tee_sim_verify_report. */
int simfix_check_report(void *ctx, lcp_sgx_report_body *body, const uint8_t *report, size_t len, char *err);
/* A quote of the simulated QE over report (must be LCP_OK). Out: quote (reset first). */
void simfix_quote_report(simfix *f, lcp_buf *quote, const uint8_t report[432]);
/* Both: a quote for an enclave of identity id over rd. */
void simfix_quote(simfix *f, lcp_buf *quote, const lcp_tee_identity *id, const uint8_t rd[64]);
/* report_data 0x01 || enclave key || operator (operator may be NULL = zero). */
void simfix_report_data(uint8_t rd[64], const uint8_t key[20], const uint8_t *operator_addr);

/* The published collateral (eval 0 = current), NUL-terminated. Free with lcp_free. */
uint8_t *simfix_collateral_json(simfix *f, uint32_t eval, size_t *len);
/* The same, parsed. Out: c (views into the returned storage; free it with lcp_free). */
uint8_t *simfix_collateral(simfix *f, lcp_dcap_collateral *c, uint32_t eval);

/* A microcode update (component 1 + 1) and the new PCK certificate, at now. */
void simfix_microcode_update(simfix *f, int64_t now);
/* The simulated issuer's private key issuer/<name> (e.g. "pck_ca_key.pem", "tcb_signing_key.pem"), for tests that
 * sign collateral again; EVP_PKEY_free it. */
EVP_PKEY *simfix_issuer_key(const simfix *f, const char *name);
/* The platform's current TCB. */
void simfix_tcb(simfix *f, lcp_sim_tcb *tcb);

#endif
