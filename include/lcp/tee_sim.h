/* lcp/tee_sim.h — part of tee (floor 4): the simulated SGX platform, a directory that stands for one CPU.
 *
 * THIS IS A SIMULATION. A real CPU keeps its fuse secret inside the package; here it is a file, so anyone who can
 * read the directory can derive every sealing and report key of every enclave "on" this platform. It exists so
 * that sealing, SVN rules, TCB recovery drills and attestation flows can be exercised without SGX hardware.
 *
 * Directory layout (created 0700 by lcp_tee_sim_init; every file written atomically):
 *   format         "lcp-c sim platform v1\n"
 *   fuse_secret    32 random bytes, mode 0600: the root of every key EGETKEY/EREPORT derive. Losing or replacing
 *                  it loses every key sealed on this platform, exactly as moving to another CPU does.
 *   platform_id    16 random bytes as 32 hex digits + "\n" (public; names the CPU, e.g. for a PCK certificate)
 *   cpusvn         the current CPUSVN, 16 bytes as 32 hex digits + "\n"
 *   pcesvn         the current PCESVN, decimal + "\n"
 * Reserved for the attestation module (the simulated Intel side; not written here):
 *   pck_key.pem, pck_cert.pem   the platform's PCK key and certificate (tied to this CPU and its TCB)
 *   qe_key.pem                  the simulated QE's attestation key (tied to this CPU)
 *   issuer/                     the simulated Intel root and signing keys
 *   collateral/                 what simulated Intel publishes: TCB info, QE identity, CRLs
 * lcp_tee_sim_init with force removes pck_key.pem, pck_cert.pem and qe_key.pem, which describe the CPU it
 * replaces; issuer/ and collateral/ belong to "Intel" and stay.
 *
 * Files are read as untrusted input: exact lengths, exact formats, nothing else accepted. Host side: these
 * functions touch the file system; the enclave calls only lcp_tee_open (lcp/tee.h), which loads the platform once.
 * Secrets: lcp_tee_sim_platform holds the fuse secret; wipe it with lcp_tee_sim_platform_wipe.
 */
#ifndef LCP_TEE_SIM_H
#define LCP_TEE_SIM_H

#include "lcp/base.h"
#include "lcp/tee.h"

#ifdef __cplusplus
extern "C" {
#endif

#define LCP_TEE_SIM_FUSE_LEN 32
#define LCP_TEE_SIM_PLATFORM_ID_LEN 16
#define LCP_TEE_SIM_FORMAT "lcp-c sim platform v1\n"

#define LCP_TEE_SIM_FILE_FORMAT "format"
#define LCP_TEE_SIM_FILE_FUSE "fuse_secret"
#define LCP_TEE_SIM_FILE_PLATFORM_ID "platform_id"
#define LCP_TEE_SIM_FILE_CPUSVN "cpusvn"
#define LCP_TEE_SIM_FILE_PCESVN "pcesvn"
#define LCP_TEE_SIM_FILE_PCK_KEY "pck_key.pem"
#define LCP_TEE_SIM_FILE_PCK_CERT "pck_cert.pem"
#define LCP_TEE_SIM_FILE_QE_KEY "qe_key.pem"
#define LCP_TEE_SIM_DIR_ISSUER "issuer"
#define LCP_TEE_SIM_DIR_COLLATERAL "collateral"

/* A fresh platform's TCB: CPUSVN 02 02 02 02 03 01 00 03 00.. (a plausible component pattern, no real CPU's)
 * and PCESVN 13. */
#define LCP_TEE_SIM_DEFAULT_CPUSVN {2, 2, 2, 2, 3, 1, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0}
#define LCP_TEE_SIM_DEFAULT_PCESVN 13

typedef struct {
    uint8_t fuse_secret[LCP_TEE_SIM_FUSE_LEN];
    uint8_t platform_id[LCP_TEE_SIM_PLATFORM_ID_LEN];
    uint8_t cpusvn[16];
    uint16_t pcesvn;
} lcp_tee_sim_platform;

/* Out: out: "$HOME/.lcp-sim" (cap bytes). Returns LCP_ERR_TEE_NO_PLATFORM if HOME is unset or empty,
 * LCP_ERR_BUFFER_TOO_SMALL. */
int lcp_tee_sim_default_dir(char *out, size_t cap, char *err) LCP_WARN_UNUSED;

/* Creates a platform with a random fuse secret and platform id and the default TCB in dir (created 0700 if
 * missing; its parent must exist). Refuses with LCP_ERR_TEE_PLATFORM_EXISTS when dir already holds a fuse secret,
 * unless force. Out: out (may be NULL): the new platform (wipe it). */
int lcp_tee_sim_init(lcp_tee_sim_platform *out, const char *dir, int force, char *err) LCP_WARN_UNUSED;
/* The same with every value given (tests and fixtures that need a reproducible platform). */
int lcp_tee_sim_create(const char *dir, const lcp_tee_sim_platform *p, int force, char *err) LCP_WARN_UNUSED;

/* Out: out: the platform in dir. Returns LCP_ERR_TEE_NO_PLATFORM (missing, unreadable or malformed file, with
 * the file named in err). On failure out is wiped. */
int lcp_tee_sim_load(lcp_tee_sim_platform *out, const char *dir, char *err) LCP_WARN_UNUSED;
/* Wipes p (the fuse secret and everything else). */
void lcp_tee_sim_platform_wipe(lcp_tee_sim_platform *p);

/* A simulated microcode update: raises the first CPUSVN component by one. Out: old_cpusvn, new_cpusvn (either may
 * be NULL). Returns LCP_ERR_RANGE if that component is already 255, LCP_ERR_TEE_NO_PLATFORM. */
int lcp_tee_sim_microcode_update(uint8_t old_cpusvn[16], uint8_t new_cpusvn[16], const char *dir,
                                 char *err) LCP_WARN_UNUSED;
/* Sets the CPUSVN to any value, lower included (a downgrade drill, or a test). Out: old_cpusvn (may be NULL). */
int lcp_tee_sim_set_cpusvn(uint8_t old_cpusvn[16], const char *dir, const uint8_t cpusvn[16],
                           char *err) LCP_WARN_UNUSED;
/* Sets the PCESVN. Out: old_pcesvn (may be NULL). */
int lcp_tee_sim_set_pcesvn(uint16_t *old_pcesvn, const char *dir, uint16_t pcesvn, char *err) LCP_WARN_UNUSED;

/* What a simulated QE does with a report (EGETKEY(REPORT) then a MAC check): verifies the MAC of report (from
 * lcp_tee_report on platform p) for the target whose sgx_target_info_t is target_info (NULL: the all-zero target)
 * at p's current CPUSVN. The report key is HMAC-SHA256(fuse_secret, "lcp-c sim EREPORT key v1" || target
 * mr_enclave || target attributes || target misc_select || CPUSVN || key_id) truncated to 16 bytes, and the MAC is
 * HMAC-SHA256(report key, body)[0..16]. Only a holder of p's fuse secret can check it, as only a QE on the same
 * CPU can check a real one. Out: body (may be NULL): the parsed body, written only on success.
 * Returns LCP_ERR_TEE_REPORT_MAC if the MAC does not verify. */
int lcp_tee_sim_verify_report(lcp_sgx_report_body *body, const lcp_tee_sim_platform *p,
                              const uint8_t report[LCP_TEE_REPORT_LEN], const uint8_t *target_info,
                              char *err) LCP_WARN_UNUSED;

#ifdef __cplusplus
}
#endif
#endif
