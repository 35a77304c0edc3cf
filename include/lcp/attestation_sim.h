/* lcp/attestation_sim.h — part of attestation (floor 3): SIMULATED Intel for the simulated SGX platform.
 *
 * THIS IS A SIMULATION. It plays Intel's part for a platform directory (lcp/tee_sim.h): a simulated SGX root CA,
 * a PCK Platform CA, a TCB Signing certificate, PCK certificates for the platform, a Quoting Enclave with its
 * attestation key, and the collateral Intel's PCS publishes (TCB Info v3 with several TCB levels and a TCB
 * evaluation data number, QE Identity v2, the Root CA and PCK CA CRLs). Everything it produces has Intel's formats
 * byte for byte, so that the one DCAP verifier (lcp_dcap_verify, lcp/attestation_dcap.h) checks simulated quotes
 * with exactly the code that checks real ones. Only the trust anchor differs: the simulated root is self-signed by
 * a key in a file. A verifier accepts simulated quotes only when it is handed that root explicitly; with its
 * default (Intel's production root) it refuses them (first failing check: "Root CA CRL: issuer is not the
 * expected CA", since the simulated CRLs are not Intel's).
 *
 * Names. The root and the CA say "lcp-c SIMULATED" in their common names. The TCB Signing and PCK leaf
 * certificates must carry Intel's exact common names ("Intel SGX TCB Signing", "Intel SGX PCK Certificate")
 * because the verifier pins them; their organisation is "lcp-c SIMULATED (not Intel)" instead of Intel's.
 *
 * Files (inside the platform directory dir; lcp/tee_sim.h reserves these names for this module):
 *   issuer/root_ca_key.pem, issuer/pck_ca_key.pem, issuer/tcb_signing_key.pem   P-256 keys (0600)
 *   issuer/root_ca.pem, issuer/root_ca.der, issuer/pck_ca.pem, issuer/tcb_signing.pem
 *   collateral/collateral.json       the current collateral, in the one-file layout lcp_dcap_collateral_from_json
 *                                    reads (dcap-qvl's QuoteCollateralV3 keys)
 *   collateral/collateral-<N>.json   the last collateral published with TCB evaluation data number N (older
 *                                    numbers stay available for grace-period drills)
 *   pck_key.pem (0600), pck_cert.pem the platform's PCK key and certificate, for its current CPUSVN/PCESVN
 *   qe_key.pem (0600)                the simulated QE's ECDSA P-256 attestation key
 * Files are written atomically. Everything read back is checked (PEM parses, keys are P-256, the collateral
 * parses with the verifier's own parsers) and anything else is an error, never a guess.
 *
 * TCB model. The TCB Info's levels are kept in Intel's order (highest first). A new issuer publishes, around the
 * platform's TCB (CPUSVN c, PCESVN p): c/p UpToDate; c/p-1 OutOfDate; c with component 1 lowered OutOfDate; the
 * all-zero TCB OutOfDate (levels that would underflow are left out), with advisory IDs on the OutOfDate levels.
 * A TCB recovery (lcp_sim_issuer_tcb_recovery) raises the evaluation data number, adds a new UpToDate level whose
 * first component is one above the highest level's, and turns every older level OutOfDate with the new advisory:
 * the platform stays OutOfDate until its "microcode update" (lcp_tee_sim_microcode_update raises CPUSVN component
 * 1 by one) and a new PCK certificate (lcp_sim_issuer_certify_platform).
 *
 * Time is always an input (UNIX seconds). Collateral is issued valid [now, now + LCP_SIM_COLLATERAL_LIFETIME].
 * Allocation: host side only (files, OpenSSL); every returned buffer is lcp_malloc'd. Threading: these functions
 * share no state, but two processes changing one platform directory at once may interleave their files.
 * Secrets: the private keys live in the files (a simulation protects nothing) and in OpenSSL objects while a call
 * runs; nothing else is kept.
 *
 * Caveats (symptom -> fix):
 *  - "Root CA CRL: issuer is not the expected CA" (or "... not the trusted root") for a sim quote: the verifier was
 *    not given the sim root; pass <platform>/issuer/root_ca.der (or .pem) explicitly. The refusal is the design.
 *  - "collateral is not valid at ...": the simulated collateral lives 30 days; publish fresh collateral
 *    (lcp_sim_issuer_refresh, `lcp sim refresh-collateral`).
 *  - "report CPUSVN differs from the PCK certificate's": the CPUSVN changed after the PCK certificate was issued;
 *    certify the platform again (`lcp sim microcode-update` does it).
 */
#ifndef LCP_ATTESTATION_SIM_H
#define LCP_ATTESTATION_SIM_H

#include "lcp/attestation_dcap.h"
#include "lcp/attestation_sgx.h"
#include "lcp/base.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The simulated platform family: FMSPC 00906ED50000, PCE-ID 0000, SGX type Scalable (Platform CA). */
#define LCP_SIM_FMSPC_HEX "00906ED50000"
#define LCP_SIM_PCE_ID_HEX "0000"
/* Collateral (CRLs, TCB Info, QE Identity) lives 30 days, as Intel's does. */
#define LCP_SIM_COLLATERAL_LIFETIME ((int64_t)30 * 86400)
/* The simulated QE: ISVPRODID 1 (Intel's QE3 uses 1), ISVSVN 8; MRSIGNER = SHA-256(LCP_SIM_QE_SIGNER_NAME). */
#define LCP_SIM_QE_ISV_PROD_ID 1
#define LCP_SIM_QE_ISV_SVN 8
#define LCP_SIM_QE_SIGNER_NAME "lcp-c SIMULATED quoting enclave signer"
/* The first TCB evaluation data number a new issuer publishes. */
#define LCP_SIM_FIRST_TCB_EVALUATION_DATA_NUMBER 1

/* File names, relative to the platform directory. */
#define LCP_SIM_FILE_ROOT_DER "issuer/root_ca.der"
#define LCP_SIM_FILE_ROOT_PEM "issuer/root_ca.pem"
#define LCP_SIM_FILE_COLLATERAL "collateral/collateral.json"

/* The platform's TCB as the PCK certificate records it (from the platform directory, lcp/tee_sim.h). */
typedef struct {
    uint8_t platform_id[16]; /* becomes the PlatformInstanceID; the PPID is derived from it */
    uint8_t cpusvn[16];      /* the 16 TCB components */
    uint16_t pcesvn;
} lcp_sim_tcb;

/* 1 if dir holds a simulated issuer (its root key and certificate), else 0. */
int lcp_sim_issuer_exists(const char *dir);

/* Creates the simulated Intel in dir/issuer (root CA, PCK Platform CA, TCB Signing, all P-256, fresh keys) and
 * publishes the first collateral (evaluation data number LCP_SIM_FIRST_TCB_EVALUATION_DATA_NUMBER) with TCB levels
 * around tcb (see "TCB model"). dir must exist (lcp_tee_sim_init).
 * Returns: LCP_OK; LCP_ERR_ILLEGAL_ARG if an issuer exists already (it is never replaced: every quote and
 *   registration made under its root depends on it); LCP_ERR_TIME if now is not inside the root's life (until
 *   2049-12-31, like Intel's) minus one collateral lifetime; LCP_ERR_IO; LCP_ERR_CRYPTO; LCP_ERR_NOMEM. */
int lcp_sim_issuer_create(const char *dir, const lcp_sim_tcb *tcb, int64_t now, char *err) LCP_WARN_UNUSED;

/* Certifies the platform at tcb: a new PCK key and a PCK certificate (issued by the PCK Platform CA, valid
 * [now, now + 7 years], with the SGX extension: PPID, the 16 components = tcb->cpusvn, PCESVN, CPUSVN, PCE-ID,
 * FMSPC, SGX type, PlatformInstanceID, Configuration), and the QE attestation key if there is none.
 * Returns: LCP_OK; LCP_ERR_IO (no issuer: run lcp_sim_issuer_create); LCP_ERR_CRYPTO; LCP_ERR_NOMEM. */
int lcp_sim_issuer_certify_platform(const char *dir, const lcp_sim_tcb *tcb, int64_t now, char *err) LCP_WARN_UNUSED;

/* Republishes the current collateral with fresh dates and CRLs (Intel re-signs its collateral about monthly):
 * same TCB levels, same evaluation data number. Out: eval (may be NULL): the evaluation data number.
 * Returns: LCP_OK; LCP_ERR_IO; LCP_ERR_ATTESTATION (the stored collateral does not parse); LCP_ERR_CRYPTO. */
int lcp_sim_issuer_refresh(uint32_t *eval, const char *dir, int64_t now, char *err) LCP_WARN_UNUSED;

/* A TCB recovery event: publishes collateral with the evaluation data number raised by one, a new UpToDate level
 * (the highest level with component 1 raised by one, same PCESVN, tcbDate now), and every earlier level OutOfDate
 * with advisory added to its advisory IDs (Revoked levels stay Revoked). The QE Identity is reissued with the same
 * number. advisory: "INTEL-SA-" followed by 5 digits, or any other ID of 1..LCP_DCAP_ADVISORY_ID_MAX characters
 * from [A-Za-z0-9-].
 * Returns: LCP_OK; LCP_ERR_ILLEGAL_ARG (bad advisory ID); LCP_ERR_RANGE (component 1 already 255, or the level
 *   list is full); LCP_ERR_IO; LCP_ERR_ATTESTATION; LCP_ERR_CRYPTO.
 * Out: eval (may be NULL): the new evaluation data number. */
int lcp_sim_issuer_tcb_recovery(uint32_t *eval, const char *dir, const char *advisory, int64_t now,
                                char *err) LCP_WARN_UNUSED;

/* Out: *der (lcp_malloc'd, *len bytes): the simulated root certificate (DER), the trust anchor to hand a verifier
 * that should accept this platform's quotes. Returns LCP_OK or LCP_ERR_IO. */
int lcp_sim_issuer_root(uint8_t **der, size_t *len, const char *dir, char *err) LCP_WARN_UNUSED;

/* Out: *json (lcp_malloc'd, NUL-terminated, *len bytes without the NUL): the current collateral (eval 0) or the
 * last one published with evaluation data number eval. Returns LCP_OK or LCP_ERR_IO. */
int lcp_sim_issuer_collateral(uint8_t **json, size_t *len, const char *dir, uint32_t eval, char *err) LCP_WARN_UNUSED;

/* ---- the simulated Quoting Enclave ---- */

/* The check a QE makes before it quotes a report: that the report was made for it on this platform (EREPORT MAC,
 * lcp_tee_sim_verify_report for the sim backend). It returns LCP_OK and the parsed body, or an error with err set.
 * It is a callback because the TEE sits on a higher floor than attestation. */
typedef int (*lcp_sim_report_check_fn)(void *ctx, lcp_sgx_report_body *body, const uint8_t *report,
                                       size_t report_len, char *err);

typedef struct lcp_sim_qe lcp_sim_qe;

/* Loads the QE of the platform in dir: its attestation key, the PCK key and certificate and the chain
 * (PCK Platform CA, root). Returns LCP_OK; LCP_ERR_IO (files missing: run `lcp sim init`); LCP_ERR_ATTESTATION
 * (a file is not what it should be); LCP_ERR_NOMEM. Out: *out: free with lcp_sim_qe_close. */
int lcp_sim_qe_open(lcp_sim_qe **out, const char *dir, char *err) LCP_WARN_UNUSED;
void lcp_sim_qe_close(lcp_sim_qe *qe);

/* Quotes an enclave report (sgx_report_t, 432 bytes, as lcp_tee_report writes it): check(ctx, ...) must accept it
 * first (mandatory: a QE quotes only reports it can authenticate), and its CPUSVN must be the PCK certificate's.
 * The result is an SGX DCAP quote v3: header (version 3, ECDSA P-256, SGX, QE SVN, PCE SVN, Intel's QE vendor ID,
 * user data = PlatformInstanceID || 0000), the enclave's report body, the attestation key's signature over
 * header || body, the attestation key, the QE's report (report data = SHA-256(attestation key || QE auth data)
 * || 32 zero bytes) signed by the PCK key, 32 bytes of QE auth data, and certification data type 5: the PEM chain
 * PCK certificate, PCK Platform CA, root, NUL-terminated as Intel's QE writes it.
 * Returns: LCP_OK; check's error; LCP_ERR_ATTESTATION_REPORT (CPUSVN mismatch); LCP_ERR_CRYPTO; LCP_ERR_NOMEM.
 * Out: out: the quote is appended (reset it first if it should hold only the quote). */
int lcp_sim_qe_quote(lcp_sim_qe *qe, lcp_buf *out, const uint8_t *report, size_t report_len,
                     lcp_sim_report_check_fn check, void *ctx, char *err) LCP_WARN_UNUSED;

/* Out: pck: the SGX extension of the QE's PCK certificate (its TCB, FMSPC, ...). */
void lcp_sim_qe_pck(lcp_dcap_pck_ext *pck, const lcp_sim_qe *qe);

#ifdef __cplusplus
}
#endif
#endif
