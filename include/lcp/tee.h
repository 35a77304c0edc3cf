/* lcp/tee.h — floor 4: the TEE the enclave runs in, behind one small interface with two backends.
 *
 *   sim      simulated SGX (src/tee/sim*.c): sealing keys derived from a per-platform fuse secret the way EGETKEY
 *            derives them (policy MRENCLAVE/MRSIGNER, attribute mask with INIT|DEBUG forced, ISVSVN and CPUSVN
 *            requests no higher than the current ones, a random KEYID per seal), blobs in the Intel SDK layout,
 *            reports over the enclave's simulated identity. A *platform directory* stands for one CPU: a blob sealed
 *            on one does not unseal on another. Everything it produces says "sim".
 *   gramine  a real SGX enclave under Gramine: reads and writes Gramine's /dev/attestation pseudo-files
 *            (my_target_info, user_report_data, report, quote) and uses its sealing keys. Not runnable on machines
 *            without SGX; unit-tested against a directory that imitates the pseudo-files.
 *
 * The enclave code calls only this interface. Resources a backend needs from "the hardware" (the sim platform's
 * fuse secret and CPUSVN, the enclave's own image for measurement, Gramine's pseudo-files) are opened in
 * lcp_tee_open, before the enclave process installs its sandbox; after that no backend opens anything.
 *
 * Threading: a tee handle may be used from several threads at once for seal/unseal/report/random (the state it
 * holds is read-only after open). Allocation: open allocates the handle; the other calls write caller buffers.
 */
#ifndef LCP_TEE_H
#define LCP_TEE_H

#include "lcp/attestation_sgx.h"
#include "lcp/base.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- SGX sealing constants (ops.md §1) ---- */
#define LCP_TEE_KEYPOLICY_MRENCLAVE 0x0001
#define LCP_TEE_KEYPOLICY_MRSIGNER 0x0002
#define LCP_TEE_KEYREQUEST_LEN 512
#define LCP_TEE_SEALED_HEADER_LEN 560
#define LCP_TEE_REPORT_LEN 432      /* sgx_report_t: body(384) + key_id(32) + mac(16) */
#define LCP_TEE_TARGET_INFO_LEN 512 /* sgx_target_info_t */

/* Sealed size of n bytes of secret plus aad_len bytes of additional MAC text. */
#define LCP_TEE_SEALED_LEN(n, aad_len) (LCP_TEE_SEALED_HEADER_LEN + (n) + (aad_len))

/* Which enclave this is: from the measurement (sim) or from SGX (gramine). */
typedef struct {
    uint8_t mrenclave[32];
    uint8_t mrsigner[32];
    uint16_t isv_prod_id;
    uint16_t isv_svn;
    uint64_t flags; /* SGX attributes: INIT, DEBUG, MODE64BIT, ... */
    uint64_t xfrm;
    uint32_t miscselect;
    uint8_t cpusvn[16]; /* the platform's current CPUSVN */
    int debug;          /* flags & DEBUG */
    const char *backend; /* "sim" or "gramine" (static string) */
} lcp_tee_identity;

typedef struct lcp_tee lcp_tee;

/* Options for lcp_tee_open. Fields a backend does not use are ignored. */
typedef struct {
    const char *backend;       /* "sim" (default) or "gramine" */
    const char *sim_platform;  /* sim: the platform directory (must exist: `lcp sim init`) */
    const char *gramine_dir;   /* gramine: where the pseudo-files are (default /dev/attestation) */
    /* sim: the enclave's identity. When `identity` is NULL the backend measures the running executable
     * (/proc/self/exe) with the enclave config below (lcp_tee_measure). Tests pass a made-up identity instead. */
    const lcp_tee_identity *identity;
    uint16_t isv_prod_id;
    uint16_t isv_svn;
    int debug;
    const uint8_t *signer_pubkey; /* the enclave signing key's public key; MRSIGNER = SHA-256 of it */
    size_t signer_pubkey_len;
} lcp_tee_options;

/* Opens a backend. Returns LCP_ERR_TEE_* with a reason (no platform, not SGX, ...). */
int lcp_tee_open(lcp_tee **out, const lcp_tee_options *opt, char *err) LCP_WARN_UNUSED;
/* Wipes and frees the handle (NULL-safe). */
void lcp_tee_close(lcp_tee *t);

int lcp_tee_identity_get(lcp_tee *t, lcp_tee_identity *out);

/* Seals secret (n bytes) with optional additional MAC text (authenticated, not encrypted) under key policy
 * LCP_TEE_KEYPOLICY_MRENCLAVE or _MRSIGNER, into out (LCP_TEE_SEALED_LEN(n, aad_len) bytes), in the Intel SDK's
 * sgx_sealed_data_t layout. */
int lcp_tee_seal(lcp_tee *t, uint8_t *out, size_t cap, size_t *out_len, uint16_t key_policy, const uint8_t *aad,
                 size_t aad_len, const uint8_t *secret, size_t n, char *err) LCP_WARN_UNUSED;
/* Unseals blob into secret (cap >= the sealed length); aad (may be NULL) receives a view of the additional MAC
 * text inside blob. Errors: LCP_ERR_TEE_MAC_MISMATCH (wrong platform, enclave, policy or any changed byte),
 * LCP_ERR_TEE_INVALID_CPUSVN, LCP_ERR_TEE_INVALID_ISVSVN, LCP_ERR_TEE_SEALED_FORMAT. On failure nothing is
 * written to secret. */
int lcp_tee_unseal(lcp_tee *t, uint8_t *secret, size_t cap, size_t *n, lcp_bytes *aad, const uint8_t *blob,
                   size_t blob_len, char *err) LCP_WARN_UNUSED;
/* EREPORT: a report of this enclave for target_info (may be NULL: a report for nobody, e.g. QE3SIM) with
 * report_data. out: LCP_TEE_REPORT_LEN bytes. */
int lcp_tee_report(lcp_tee *t, uint8_t out[LCP_TEE_REPORT_LEN], const uint8_t *target_info,
                   const uint8_t report_data[LCP_SGX_REPORT_DATA_LEN], char *err) LCP_WARN_UNUSED;
/* Randomness from the TEE (RDRAND in SGX; the kernel CSPRNG in sim). */
int lcp_tee_random(lcp_tee *t, uint8_t *buf, size_t n) LCP_WARN_UNUSED;

/* ---- measurement (sim) ----
 * MRENCLAVE = SHA-256("lcp-c sim MRENCLAVE v1" || u64le(image_len) || image || u16le(isv_prod_id) ||
 *                     u16le(isv_svn) || u8(debug)): a domain-separated hash of the enclave executable and its
 * enclave config, so anyone can recompute it from a reproducible build. */
int lcp_tee_measure(uint8_t mrenclave[32], const uint8_t *image, size_t image_len, uint16_t isv_prod_id,
                    uint16_t isv_svn, int debug) LCP_WARN_UNUSED;

#ifdef __cplusplus
}
#endif
#endif
