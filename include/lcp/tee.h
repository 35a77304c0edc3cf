/* lcp/tee.h — floor 4: the TEE the enclave runs in, behind one small interface with two backends.
 *
 *   sim      simulated SGX (src/tee/sim*.c): sealing keys derived from a per-platform fuse secret the way EGETKEY
 *            derives them (policy MRENCLAVE/MRSIGNER, attribute mask with INIT|DEBUG forced, ISVSVN and CPUSVN
 *            requests no higher than the current ones, a random KEYID per seal), blobs in the Intel SDK layout,
 *            reports over the enclave's simulated identity. A *platform directory* stands for one CPU: a blob sealed
 *            on one does not unseal on another. Everything it produces says "sim". It protects nothing: whoever
 *            can read the platform directory can derive every key (see lcp/tee_sim.h).
 *   gramine  a real SGX enclave under Gramine: reads and writes Gramine's /dev/attestation pseudo-files
 *            (my_target_info, target_info, user_report_data, report, quote, keys/_sgx_mrenclave) and seals with
 *            Gramine's sealing keys. Not runnable on machines without SGX; unit-tested against a directory that
 *            imitates the pseudo-files.
 *
 * The enclave code calls only this interface. Resources a backend needs from "the hardware" (the sim platform's
 * fuse secret and CPUSVN, the enclave's own image for measurement, Gramine's sealing keys) are read in
 * lcp_tee_open, before the enclave process installs its sandbox; after that the sim backend opens nothing. The
 * gramine backend does open its pseudo-files in report and quote: Gramine serves them inside the enclave, they
 * are its EREPORT/quote interface and no host file.
 *
 * CPUSVN order. CPUSVN is 16 opaque bytes; Intel's TCB info reads them as 16 SVN components, one per byte.
 * Everywhere in this module "a <= b" means component-wise: a[i] <= b[i] for every i in 0..15. A blob sealed under
 * CPUSVN s unseals on a platform whose current CPUSVN is c only if s <= c (so after a microcode update that raises
 * a component, old blobs still unseal; after lowering it again, blobs sealed at the higher level do not).
 *
 * Threading: a tee handle may be used from several threads at once for seal/unseal/report/random (the state it
 * holds is read-only after open). A microcode update of the sim platform is seen by handles opened after it, as a
 * real CPU sees new microcode only after a reboot. Allocation: open allocates the handle; the other calls write
 * caller buffers. Secrets (fuse secret, derived keys, Gramine's keys) live only in the handle and on the stack of
 * a call, and are wiped on every exit path and by lcp_tee_close.
 */
#ifndef LCP_TEE_H
#define LCP_TEE_H

#include "lcp/attestation_sgx.h"
#include "lcp/base.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- SGX sealing constants (ops.md §1) ---- */
#define LCP_TEE_KEYNAME_REPORT 0x0003
#define LCP_TEE_KEYNAME_SEAL 0x0004
#define LCP_TEE_KEYPOLICY_MRENCLAVE 0x0001
#define LCP_TEE_KEYPOLICY_MRSIGNER 0x0002
#define LCP_TEE_KEYREQUEST_LEN 512
#define LCP_TEE_SEALED_HEADER_LEN 560
#define LCP_TEE_REPORT_LEN 432      /* sgx_report_t: body(384) + key_id(32) + mac(16) */
#define LCP_TEE_TARGET_INFO_LEN 512 /* sgx_target_info_t */
#define LCP_TEE_KEY_ID_LEN 32
/* LCP's sealing masks (lcp-spec §4 step 3): flags 0xffff_ffff_ffff_fff3 binds every attribute bit except
 * MODE64BIT (0x4) and bit 3 (0x8); XFRM is not bound; misc mask TSEAL_DEFAULT_MISCMASK (~0x0fffffff). */
#define LCP_TEE_ATTR_MASK_FLAGS 0xfffffffffffffff3ull
#define LCP_TEE_ATTR_MASK_XFRM 0x0ull
#define LCP_TEE_MISC_MASK 0xf0000000u

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
    const char *backend;       /* "sim" (default, also when NULL) or "gramine" */
    const char *sim_platform;  /* sim: the platform directory (must exist: `lcp sim init`); NULL = ~/.lcp-sim */
    const char *gramine_dir;   /* gramine: where the pseudo-files are (default /dev/attestation) */
    /* sim: the enclave's identity. When `identity` is NULL the backend measures the running executable
     * (/proc/self/exe) with the enclave config below (lcp_tee_measure) and sets flags = INIT | MODE64BIT
     * (| DEBUG when debug), xfrm = 0x3 (x87 | SSE), miscselect = 0. Tests pass a made-up identity instead: its
     * mrenclave, mrsigner, isv_prod_id, isv_svn, flags, xfrm and miscselect are used as given except that INIT is
     * forced on (a running enclave is initialised); its cpusvn, debug and backend fields are ignored (cpusvn comes
     * from the platform, debug from flags, backend is "sim"). */
    const lcp_tee_identity *identity;
    uint16_t isv_prod_id;
    uint16_t isv_svn;
    int debug;
    /* sim: the enclave signing key's public key (any encoding; its bytes are hashed as given): MRSIGNER = SHA-256
     * of it. NULL: the development signer LCP_TEE_SIM_DEV_SIGNER (say so to anyone who sees the MRSIGNER). */
    const uint8_t *signer_pubkey;
    size_t signer_pubkey_len;
} lcp_tee_options;

/* The development signer: when no signer key is given, MRSIGNER = SHA-256 of these 20 ASCII bytes
 * (= 0xbc4ee51c..., checked in tests/tee/test_measure.c). It is a name, not a key: nobody can sign with it, and an
 * MRSIGNER equal to it identifies a development build. */
#define LCP_TEE_SIM_DEV_SIGNER "lcp-c sim dev signer"

/* Opens a backend. Returns LCP_ERR_TEE_NO_PLATFORM (sim platform missing or malformed), LCP_ERR_TEE_NOT_SGX
 * (gramine without SGX attestation), LCP_ERR_TEE (measurement failed), LCP_ERR_NOMEM, with a reason in err. */
int lcp_tee_open(lcp_tee **out, const lcp_tee_options *opt, char *err) LCP_WARN_UNUSED;
/* Wipes and frees the handle (NULL-safe). */
void lcp_tee_close(lcp_tee *t);

/* Out: out: this enclave's identity (backend points to a static string). Returns LCP_OK. */
int lcp_tee_identity_get(lcp_tee *t, lcp_tee_identity *out);

/* Seals secret (n >= 1 bytes) with optional additional MAC text (authenticated, not encrypted; aad may be NULL
 * when aad_len is 0) under key policy LCP_TEE_KEYPOLICY_MRENCLAVE, _MRSIGNER or both, into out
 * (LCP_TEE_SEALED_LEN(n, aad_len) bytes, cap at least that), in the Intel SDK's sgx_sealed_data_t layout. The key
 * request records the enclave's current ISVSVN, the platform's current CPUSVN, LCP's attribute and misc masks and
 * a fresh random KEYID (which is why the fixed zero IV is safe: no key ever encrypts twice).
 * Returns LCP_ERR_RANGE for n == 0 or a payload over 4 GiB, LCP_ERR_BUFFER_TOO_SMALL, LCP_ERR_TEE_UNSUPPORTED
 * for a policy the backend cannot honour (gramine: both bits). */
int lcp_tee_seal(lcp_tee *t, uint8_t *out, size_t cap, size_t *out_len, uint16_t key_policy, const uint8_t *aad,
                 size_t aad_len, const uint8_t *secret, size_t n, char *err) LCP_WARN_UNUSED;
/* Unseals blob (untrusted: the host stores it) into secret (cap >= its encrypted length); aad (may be NULL)
 * receives a view of the additional MAC text inside blob (valid while blob lives). Checks, in order:
 * layout (LCP_ERR_TEE_SEALED_FORMAT: lengths inconsistent, reserved bytes non-zero, KEYNAME not SEAL, unknown
 * policy bits, empty secret), CPUSVN <= the platform's (LCP_ERR_TEE_INVALID_CPUSVN), ISVSVN <= the enclave's
 * (LCP_ERR_TEE_INVALID_ISVSVN), then the tag (LCP_ERR_TEE_MAC_MISMATCH: wrong platform, enclave, policy or any
 * changed byte). LCP_ERR_BUFFER_TOO_SMALL if cap is short. On failure nothing is written to secret, *n or aad. */
int lcp_tee_unseal(lcp_tee *t, uint8_t *secret, size_t cap, size_t *n, lcp_bytes *aad, const uint8_t *blob,
                   size_t blob_len, char *err) LCP_WARN_UNUSED;
/* EREPORT: a report of this enclave for target_info (may be NULL: a report for nobody, e.g. QE3SIM, which is the
 * same as an all-zero target) with report_data. out: LCP_TEE_REPORT_LEN bytes. sim: body from the identity and
 * the platform's CPUSVN, a random key_id, and a MAC only a simulated QE on the same platform can check
 * (lcp_tee_sim_verify_report). gramine: Gramine's EREPORT through the pseudo-files. */
int lcp_tee_report(lcp_tee *t, uint8_t out[LCP_TEE_REPORT_LEN], const uint8_t *target_info,
                   const uint8_t report_data[LCP_SGX_REPORT_DATA_LEN], char *err) LCP_WARN_UNUSED;
/* Out: out: this enclave's own sgx_target_info_t (what a QE or another enclave passes to lcp_tee_report to get a
 * report it can check): mr_enclave at 0, attributes at 32, misc_select at 52, the rest zero (sim), or Gramine's
 * my_target_info (gramine). */
int lcp_tee_target_info(lcp_tee *t, uint8_t out[LCP_TEE_TARGET_INFO_LEN]) LCP_WARN_UNUSED;
/* A quote over report_data from the platform's quoting enclave, written into out (cap bytes); *out_len is its
 * length, or the length needed with LCP_ERR_BUFFER_TOO_SMALL. gramine: Gramine's DCAP/EPID quote. sim:
 * LCP_ERR_TEE_UNSUPPORTED (the simulated QE belongs to the attestation module, which takes lcp_tee_report's
 * output). */
int lcp_tee_quote(lcp_tee *t, uint8_t *out, size_t cap, size_t *out_len,
                  const uint8_t report_data[LCP_SGX_REPORT_DATA_LEN], char *err) LCP_WARN_UNUSED;
/* Randomness from the TEE (RDRAND in SGX; the kernel CSPRNG in sim; getrandom, which Gramine serves from
 * inside the enclave, in gramine). */
int lcp_tee_random(lcp_tee *t, uint8_t *buf, size_t n) LCP_WARN_UNUSED;

/* ---- sealed blobs (any backend) ---- */
/* sgx_key_request_t (ops.md §1.1): the fields EGETKEY reads; reserved bytes are zero. */
typedef struct {
    uint16_t key_name; /* LCP_TEE_KEYNAME_SEAL in a sealed blob */
    uint16_t key_policy;
    uint16_t isv_svn;
    uint8_t cpusvn[16];
    uint64_t attribute_mask_flags;
    uint64_t attribute_mask_xfrm;
    uint8_t key_id[LCP_TEE_KEY_ID_LEN];
    uint32_t misc_mask;
    uint16_t config_svn;
} lcp_tee_keyrequest;

/* A parsed sealed blob; the views point into the blob (valid while it lives). */
typedef struct {
    lcp_tee_keyrequest req;
    lcp_bytes ciphertext; /* the encrypted secret, plain_text_offset bytes */
    lcp_bytes aad;        /* the additional MAC text, after the ciphertext */
    uint8_t tag[16];
} lcp_tee_sealed_info;

/* Parses the layout of a sealed blob without unsealing it (what the host may show about a stored key: policy,
 * CPUSVN, ISVSVN). Returns LCP_ERR_TEE_SEALED_FORMAT with the reason, under exactly the rules lcp_tee_unseal
 * applies first. */
int lcp_tee_sealed_parse(lcp_tee_sealed_info *out, const uint8_t *blob, size_t blob_len, char *err) LCP_WARN_UNUSED;
/* 1 if a <= b component-wise (see "CPUSVN order" above), else 0. */
int lcp_tee_cpusvn_le(const uint8_t a[16], const uint8_t b[16]);

/* ---- measurement (sim) ----
 * MRENCLAVE = SHA-256("lcp-c sim MRENCLAVE v1" || u64le(image_len) || image || u16le(isv_prod_id) ||
 *                     u16le(isv_svn) || u8(debug)): a domain-separated hash of the enclave executable and its
 * enclave config, so anyone can recompute it from a reproducible build. The domain string is its 22 ASCII bytes
 * without a NUL; u8(debug) is 1 when debug is non-zero, else 0. */
int lcp_tee_measure(uint8_t mrenclave[32], const uint8_t *image, size_t image_len, uint16_t isv_prod_id,
                    uint16_t isv_svn, int debug) LCP_WARN_UNUSED;
/* The same over the file at path (streamed, never loaded whole; "/proc/self/exe" is the running program).
 * Returns LCP_ERR_IO (with the reason) if it cannot be read or changes size while it is read. */
int lcp_tee_measure_file(uint8_t mrenclave[32], const char *path, uint16_t isv_prod_id, uint16_t isv_svn, int debug,
                         char *err) LCP_WARN_UNUSED;
/* MRSIGNER = SHA-256(signer_pubkey); with signer_pubkey NULL, SHA-256(LCP_TEE_SIM_DEV_SIGNER). */
int lcp_tee_mrsigner(uint8_t mrsigner[32], const uint8_t *signer_pubkey, size_t len) LCP_WARN_UNUSED;

#ifdef __cplusplus
}
#endif
#endif
