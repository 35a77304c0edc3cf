/* lcp/attestation_dcap.h — part of attestation (floor 3): Intel SGX DCAP (ECDSA) quote verification.
 *
 * What this does: given an SGX quote v3, the collateral Intel publishes (PCS/PCCS: Root CA CRL, PCK CRL with its
 * issuer chain, TCB Info and QE Identity with their signatures and issuer chain), a pinned root certificate and a
 * verification time, it checks every signature, chain, CRL and validity window, matches the platform's TCB level
 * and the Quoting Enclave's identity, and reports the TCB status and advisory IDs as Intel's QVL defines them
 * (spec/dcap.md 2.2). A policy then decides acceptance (statuses, advisory IDs, debug, MRENCLAVE, minimum TCB
 * evaluation data number).
 *
 * Formats accepted: SGX quote v3 only (ECDSA-256-with-P-256 attestation key, Intel QE vendor ID); v4/v5 and TDX
 * quotes are recognised and rejected with LCP_ERR_ATTESTATION_UNSUPPORTED. Certification data type 5 (PEM chain
 * in the quote) or types 1-4 with the PCK certificate supplied separately. TCB Info v2 and v3 (id "SGX"),
 * QE Identity v2 (id "QE").
 *
 * Time: always an input (UNIX seconds); nothing here reads the clock.
 * Trust: only the root passed in (or Intel's production root, lcp_dcap_intel_root_ca()) is trusted. Root
 * certificates carried inside quotes or collateral are never trusted: they must equal the pinned root byte for
 * byte or they are an error.
 * Hierarchy: the verifier checks Intel's fixed two-level PKI directly (root -> PCK Processor/Platform CA -> PCK
 * leaf; root -> TCB Signing) instead of asking OpenSSL to discover paths, so that each signature is verified once
 * and each CRL is applied to exactly the certificate it covers. The PCK leaf is verified with the CA certificate
 * that came with the PCK CRL (the collateral), not with the copy in the quote.
 *
 * Allocation: the parsers (quote, PCK extension, TCB Info, QE Identity, collateral JSON) never allocate and return
 * views into their input. Verification allocates (OpenSSL objects; lcp_dcap_collateral_verify allocates its
 * context with lcp_malloc). Threading: no global state; a verified-collateral context is read-only after creation
 * and may be shared by threads verifying quotes at the same time.
 *
 * Caveats (symptom -> fix):
 *  - "collateral is not valid at <time>" for a quote that verified yesterday: TCB Info, QE Identity and PCK CRL
 *    live about 30 days; fetch fresh collateral (or pass the time the evidence was produced, if that is the policy).
 *  - "chain carries a root that is not the trusted root": the collateral was issued under another root (for
 *    example Intel's test PKI, or the simulated platform's); pass that root with --root if you mean to trust it.
 */
#ifndef LCP_ATTESTATION_DCAP_H
#define LCP_ATTESTATION_DCAP_H

#include "lcp/attestation_sgx.h"
#include "lcp/base.h"
#include "lcp/codec_json.h"

#ifdef __cplusplus
extern "C" {
#endif

#define LCP_DCAP_QUOTE_HEADER_LEN 48
#define LCP_DCAP_QUOTE_SIGNED_LEN 432 /* header || ISV report body: what the attestation key signs */
#define LCP_DCAP_QUOTE_MIN_LEN 1020   /* signed part, length word, fixed signature data, empty auth and cert data */
#define LCP_DCAP_QUOTE_MAX_LEN (1u << 20)
#define LCP_DCAP_SIG_LEN 64    /* raw r || s, big-endian */
#define LCP_DCAP_PUBKEY_LEN 64 /* raw X || Y, big-endian, no 0x04 prefix */
#define LCP_DCAP_PPID_LEN 16
#define LCP_DCAP_PCE_ID_LEN 2
#define LCP_DCAP_FMSPC_LEN 6
#define LCP_DCAP_TCB_COMPONENTS 16
#define LCP_DCAP_MAX_TCB_LEVELS 128
#define LCP_DCAP_MAX_QE_TCB_LEVELS 64
#define LCP_DCAP_MAX_ADVISORY_IDS 32 /* per TCB level */
#define LCP_DCAP_MAX_RESULT_ADVISORY_IDS (2 * LCP_DCAP_MAX_ADVISORY_IDS)
#define LCP_DCAP_ADVISORY_ID_MAX 47 /* characters, without the NUL */

#define LCP_DCAP_QUOTE_VERSION_3 3
#define LCP_DCAP_ATT_KEY_ECDSA_P256 2
#define LCP_DCAP_TEE_SGX 0x00000000u
#define LCP_DCAP_TEE_TDX 0x00000081u

/* Certification data types (spec/dcap.md 1.2). */
enum {
    LCP_DCAP_CERT_PPID_CLEARTEXT = 1,
    LCP_DCAP_CERT_PPID_RSA2048 = 2,
    LCP_DCAP_CERT_PPID_RSA3072 = 3,
    LCP_DCAP_CERT_PCK_CERT = 4,
    LCP_DCAP_CERT_PCK_CHAIN = 5,
    LCP_DCAP_CERT_QE_REPORT = 6,
    LCP_DCAP_CERT_PLATFORM_MANIFEST = 7,
};

/* Intel's QE vendor ID, 939A7233-F79C-4CA9-940A-0DB3957F0607, as it appears in the quote header. */
extern const uint8_t LCP_DCAP_QE_VENDOR_INTEL[16];

/* Intel's production SGX Root CA (DER, SHA-256 44a0196b…74d3), embedded as the default trust anchor. */
lcp_bytes lcp_dcap_intel_root_ca(void);

/* ---- quote v3 ---- */

/* A parsed quote. Pointers and views point into the bytes given to lcp_dcap_quote_parse and live as long as they. */
typedef struct {
    uint16_t version;
    uint16_t att_key_type;
    uint32_t tee_type;
    uint16_t qe_svn;
    uint16_t pce_svn;
    uint8_t qe_vendor_id[16];
    uint8_t user_data[20];
    lcp_sgx_report_body report;         /* the ISV enclave's report body */
    lcp_bytes signed_data;              /* quote[0..432): signed by the attestation key */
    const uint8_t *isv_signature;       /* 64 bytes r || s */
    const uint8_t *attestation_key;     /* 64 bytes X || Y */
    lcp_sgx_report_body qe_report;      /* the Quoting Enclave's report body */
    const uint8_t *qe_report_raw;       /* 384 bytes: signed by the PCK key */
    const uint8_t *qe_report_signature; /* 64 bytes r || s */
    lcp_bytes qe_auth_data;
    uint16_t cert_type;
    lcp_bytes cert_data; /* type 5: PEM chain leaf -> CA -> root, as Intel's QE writes it (NUL-terminated) */
} lcp_dcap_quote;

/* Parses an SGX quote v3. Every declared length must match the bytes exactly (no trailing bytes).
 * Returns: LCP_OK; LCP_ERR_ATTESTATION_UNSUPPORTED for another version (v4/v5), a TDX quote, another attestation key
 *          type or QE vendor, or a certification data type other than 1-5; LCP_ERR_ATTESTATION for malformed bytes.
 * Out: q: the parsed quote (views into p). */
int lcp_dcap_quote_parse(lcp_dcap_quote *q, const uint8_t *p, size_t len, char *err) LCP_WARN_UNUSED;

/* ---- PCK certificate SGX extension (OID 1.2.840.113741.1.13.1) ---- */
typedef struct {
    uint8_t ppid[LCP_DCAP_PPID_LEN];
    uint8_t comp_svn[LCP_DCAP_TCB_COMPONENTS]; /* SGX TCB components 1..16 */
    uint16_t pce_svn;
    uint8_t cpusvn[16];
    uint8_t pce_id[LCP_DCAP_PCE_ID_LEN];
    uint8_t fmspc[LCP_DCAP_FMSPC_LEN];
    uint32_t sgx_type; /* 0 Standard, 1 Scalable, 2 Scalable with integrity */
    int has_platform_instance_id;
    uint8_t platform_instance_id[16]; /* Platform CA certificates only */
} lcp_dcap_pck_ext;

/* Parses the extension's value (the DER inside the extension's OCTET STRING): a SEQUENCE of {OID, value}.
 * Strict DER (definite minimal lengths, minimal INTEGERs); entries are found by OID, not position; a known entry
 * twice, a missing required entry (PPID, TCB with its 18 entries, PCE-ID, FMSPC, SGX type) or a value of the wrong
 * type or size is an error. Unknown entries are skipped (Intel may add some).
 * Returns: LCP_OK or LCP_ERR_ATTESTATION_CERT. */
int lcp_dcap_pck_ext_parse(lcp_dcap_pck_ext *out, const uint8_t *der, size_t len, char *err) LCP_WARN_UNUSED;

/* Finds and parses the extension in a certificate (PEM or DER). Returns LCP_ERR_ATTESTATION_CERT if the
 * certificate does not parse or has no SGX extension. */
int lcp_dcap_pck_ext_from_cert(lcp_dcap_pck_ext *out, const uint8_t *cert, size_t len, char *err) LCP_WARN_UNUSED;

/* ---- where a quote's collateral is ---- */

/* The Intel CA that issued a PCK certificate: it names the PCK CRL that covers it (PCS API "ca=" parameter). */
typedef enum {
    LCP_DCAP_PCK_CA_PROCESSOR = 1,
    LCP_DCAP_PCK_CA_PLATFORM = 2,
} lcp_dcap_pck_ca;

/* What a quote's own PCK certificate says about the collateral that verifies the quote. */
typedef struct {
    lcp_dcap_pck_ca ca;
    char fmspc_hex[2 * LCP_DCAP_FMSPC_LEN + 1]; /* ext.fmspc as 12 upper-case hex digits, as Intel's PCS writes it */
    lcp_dcap_pck_ext ext;                       /* the SGX extension: FMSPC, PCE-ID, TCB components, ... */
} lcp_dcap_pck_info;

/* "processor" or "platform" (the PCS API's spelling); "?" for another value. */
const char *lcp_dcap_pck_ca_name(lcp_dcap_pck_ca ca);

/* Reads the PCK certificate a quote carries (certification data type 5: the first certificate of its PEM chain, as
 * lcp_dcap_quote_verify takes it; type 4: the certificate) for what fetching its collateral needs: the SGX
 * extension and the issuing CA, from the issuer's common name ("... PCK Processor CA" or "... PCK Platform CA").
 * Nothing is verified: a forged certificate yields collateral that then fails verification.
 * Returns: LCP_OK; lcp_dcap_quote_parse's errors (LCP_ERR_ATTESTATION, _UNSUPPORTED); LCP_ERR_ATTESTATION_UNSUPPORTED
 *          for certification data types 1-3 (the quote holds no PCK certificate); LCP_ERR_ATTESTATION_CERT (the
 *          certificate does not parse, its SGX extension is missing or malformed, its issuer is neither PCK CA).
 * Out: out (zeroed unless LCP_OK). */
int lcp_dcap_quote_pck_info(lcp_dcap_pck_info *out, const uint8_t *quote, size_t len, char *err) LCP_WARN_UNUSED;

/* ---- TCB statuses ---- */
typedef enum {
    LCP_DCAP_TCB_UP_TO_DATE = 0,
    LCP_DCAP_TCB_SW_HARDENING_NEEDED,
    LCP_DCAP_TCB_CONFIGURATION_NEEDED,
    LCP_DCAP_TCB_CONFIGURATION_AND_SW_HARDENING_NEEDED,
    LCP_DCAP_TCB_OUT_OF_DATE,
    LCP_DCAP_TCB_OUT_OF_DATE_CONFIGURATION_NEEDED,
    LCP_DCAP_TCB_REVOKED,
} lcp_dcap_tcb_status;
#define LCP_DCAP_TCB_STATUS_COUNT 7

/* Intel's name of s ("UpToDate", "ConfigurationAndSWHardeningNeeded", ...); "?" for an unknown value. */
const char *lcp_dcap_tcb_status_name(lcp_dcap_tcb_status s);
/* Parses Intel's name (exact, case-sensitive). Returns LCP_OK or LCP_ERR_ATTESTATION_COLLATERAL. */
int lcp_dcap_tcb_status_parse(lcp_dcap_tcb_status *out, const char *s, size_t len) LCP_WARN_UNUSED;
/* Combines the platform's and the QE's status as Intel's QVL does (convergeTcbStatusWithQeTcbStatus):
 * QE Revoked -> Revoked; QE OutOfDate turns UpToDate/SWHardeningNeeded into OutOfDate and
 * ConfigurationNeeded/ConfigurationAndSWHardeningNeeded into OutOfDateConfigurationNeeded; otherwise the
 * platform's status. */
lcp_dcap_tcb_status lcp_dcap_tcb_status_converge(lcp_dcap_tcb_status platform, lcp_dcap_tcb_status qe);

/* ---- TCB Info (v2, v3) and QE Identity (v2) ---- */
typedef struct {
    uint8_t comp_svn[LCP_DCAP_TCB_COMPONENTS];
    uint16_t pce_svn;
    lcp_dcap_tcb_status status;
    int64_t tcb_date;
    lcp_json_value advisory_ids; /* the "advisoryIDs" array, or type LCP_JSON_INVALID when absent */
} lcp_dcap_tcb_level;

typedef struct {
    lcp_bytes body; /* the signed text this was parsed from */
    uint32_t version;
    int64_t issue_date;
    int64_t next_update;
    uint8_t fmspc[LCP_DCAP_FMSPC_LEN];
    uint8_t pce_id[LCP_DCAP_PCE_ID_LEN];
    uint32_t tcb_type;
    uint32_t tcb_evaluation_data_number;
    size_t n_levels;
    lcp_dcap_tcb_level levels[LCP_DCAP_MAX_TCB_LEVELS]; /* in document order (Intel's: highest first) */
} lcp_dcap_tcb_info;

/* Parses the text of the "tcbInfo" object (the signed bytes, not the PCS envelope). Checks types and ranges of
 * every field used; v3 must have id "SGX" (id "TDX" gives LCP_ERR_ATTESTATION_UNSUPPORTED); tcbType must be 0;
 * every level needs 16 component SVNs (0..255), pcesvn, tcbDate and a known tcbStatus; advisory IDs must be
 * strings without escapes of at most LCP_DCAP_ADVISORY_ID_MAX characters.
 * Returns: LCP_OK, LCP_ERR_ATTESTATION_COLLATERAL or LCP_ERR_ATTESTATION_UNSUPPORTED.
 * Out: out: views into json (valid while json is). */
int lcp_dcap_tcb_info_parse(lcp_dcap_tcb_info *out, const uint8_t *json, size_t len, char *err) LCP_WARN_UNUSED;

typedef struct {
    uint16_t isv_svn;
    lcp_dcap_tcb_status status; /* UpToDate, OutOfDate or Revoked */
    int64_t tcb_date;
    lcp_json_value advisory_ids;
} lcp_dcap_qe_tcb_level;

typedef struct {
    lcp_bytes body;
    uint32_t version;
    int64_t issue_date;
    int64_t next_update;
    uint32_t tcb_evaluation_data_number;
    uint8_t miscselect[4]; /* raw bytes, compared with the report's bytes 16..20 */
    uint8_t miscselect_mask[4];
    uint8_t attributes[16]; /* raw bytes, compared with the report's bytes 48..64 */
    uint8_t attributes_mask[16];
    uint8_t mrsigner[32];
    uint16_t isv_prod_id;
    size_t n_levels;
    lcp_dcap_qe_tcb_level levels[LCP_DCAP_MAX_QE_TCB_LEVELS];
} lcp_dcap_qe_identity;

/* Parses the text of the "enclaveIdentity" object: id must be "QE" (TD_QE and QVE give
 * LCP_ERR_ATTESTATION_UNSUPPORTED), version 2. Returns LCP_OK, LCP_ERR_ATTESTATION_COLLATERAL or
 * LCP_ERR_ATTESTATION_UNSUPPORTED. Out: views into json. */
int lcp_dcap_qe_identity_parse(lcp_dcap_qe_identity *out, const uint8_t *json, size_t len, char *err)
    LCP_WARN_UNUSED;

/* ---- collateral ---- */

/* Everything the verifier needs besides the quote and the root. All views are borrowed from the caller. */
typedef struct {
    lcp_bytes root_ca_crl;          /* DER or PEM, issued by the root */
    lcp_bytes pck_crl;              /* DER or PEM, issued by the PCK Processor/Platform CA */
    lcp_bytes pck_crl_issuer_chain; /* PEM: that CA first, then optionally the root */
    lcp_bytes tcb_info;             /* exact signed text of the "tcbInfo" object */
    uint8_t tcb_info_signature[LCP_DCAP_SIG_LEN];
    lcp_bytes tcb_info_issuer_chain; /* PEM: TCB Signing certificate first, then optionally the root */
    lcp_bytes qe_identity;           /* exact signed text of the "enclaveIdentity" object */
    uint8_t qe_identity_signature[LCP_DCAP_SIG_LEN];
    lcp_bytes qe_identity_issuer_chain;
    lcp_bytes pck_cert; /* optional (len 0 = none): PEM or DER PCK leaf, for quotes with certification data 1-4 */
} lcp_dcap_collateral;

/* Bytes of storage lcp_dcap_collateral_from_json needs for a document of json_len bytes. */
size_t lcp_dcap_collateral_json_storage_len(size_t json_len);

/* Loads the one-file layout of dcap-qvl's QuoteCollateralV3 (keys pck_crl_issuer_chain, root_ca_crl (hex DER),
 * pck_crl (hex DER), tcb_info_issuer_chain, tcb_info (string: the signed text), tcb_info_signature (hex r||s),
 * qe_identity_issuer_chain, qe_identity, qe_identity_signature; other keys are ignored). Strings are unescaped and
 * hex decoded into storage, so the signed text is exactly what was signed.
 * Returns: LCP_OK; LCP_ERR_BUFFER_TOO_SMALL if storage_cap < lcp_dcap_collateral_json_storage_len(json_len);
 *          LCP_ERR_ATTESTATION_COLLATERAL for anything malformed or missing.
 * Out: out: views into storage (valid while storage is); pck_cert is left empty. */
int lcp_dcap_collateral_from_json(lcp_dcap_collateral *out, uint8_t *storage, size_t storage_cap,
                                  const uint8_t *json, size_t json_len, char *err) LCP_WARN_UNUSED;

/* Splits a PCS response body {"<member>":{...},"signature":"<128 hex>"} (member "tcbInfo" or "enclaveIdentity")
 * into the exact text of the member's value and the raw signature, as Intel signs it.
 * Returns: LCP_OK or LCP_ERR_ATTESTATION_COLLATERAL. Out: body: view into json. */
int lcp_dcap_signed_json_split(lcp_bytes *body, uint8_t sig[LCP_DCAP_SIG_LEN], const uint8_t *json, size_t len,
                               const char *member, char *err) LCP_WARN_UNUSED;

/* ---- verification ---- */

typedef struct {
    lcp_dcap_tcb_status status; /* platform and QE statuses combined */
    lcp_dcap_tcb_status platform_status;
    lcp_dcap_tcb_status qe_status;
    size_t n_advisory_ids; /* platform level's IDs, then the QE level's, without repeats */
    char advisory_ids[LCP_DCAP_MAX_RESULT_ADVISORY_IDS][LCP_DCAP_ADVISORY_ID_MAX + 1];
    lcp_sgx_report_body report; /* the ISV enclave: mrenclave, mrsigner, isv_prod_id, isv_svn, report_data, flags */
    int debug;                  /* the DEBUG attribute of the ISV enclave */
    uint8_t fmspc[LCP_DCAP_FMSPC_LEN];
    uint8_t pce_id[LCP_DCAP_PCE_ID_LEN];
    uint32_t tcb_evaluation_data_number; /* the smaller of TCB Info's and QE Identity's */
    int64_t tcb_date;                    /* tcbDate of the matched platform TCB level */
    int64_t valid_from;                  /* intersection of the validity windows of every certificate, CRL, */
    int64_t valid_to;                    /* TCB Info and QE Identity used (inclusive, UNIX seconds) */
    lcp_dcap_pck_ext pck;                /* the PCK certificate's SGX extension */
    unsigned p256_verifications;         /* ECDSA P-256 verifications this call performed (for benchmarks) */
} lcp_dcap_result;

/* Collateral whose signatures, chains, CRLs and contents were verified under one root: it may be reused for every
 * quote of the same FMSPC (and CA) while the verification time stays inside its validity window. */
typedef struct lcp_dcap_verified_collateral lcp_dcap_verified_collateral;

/* Verifies collateral at time now under root (DER or PEM; NULL = lcp_dcap_intel_root_ca()): Root CA CRL, PCK CA
 * (not revoked), PCK CRL, TCB Signing certificate(s) (not revoked), TCB Info and QE Identity signatures over their
 * exact text, and every validity window. The result owns copies of everything it needs (c may be freed after).
 * Returns: LCP_OK; LCP_ERR_ATTESTATION_CERT, _CERT_EXPIRED, _REVOKED, _SIGNATURE, _COLLATERAL,
 *          _COLLATERAL_EXPIRED, _UNSUPPORTED; LCP_ERR_NOMEM.
 * Out: *out: free with lcp_dcap_verified_collateral_free. */
int lcp_dcap_collateral_verify(lcp_dcap_verified_collateral **out, const lcp_dcap_collateral *c,
                               const uint8_t *root, size_t root_len, int64_t now, char *err) LCP_WARN_UNUSED;
void lcp_dcap_verified_collateral_free(lcp_dcap_verified_collateral *vc);
/* The validity window of verified collateral (intersection of all its windows). */
void lcp_dcap_verified_collateral_window(int64_t *from, int64_t *to, const lcp_dcap_verified_collateral *vc);

/* Verifies a quote at time now with verified collateral: PCK leaf (chains to the collateral's PCK CA, valid, not
 * in the PCK CRL, FMSPC and PCE-ID match TCB Info), QE report signature by the PCK key, QE report data binding
 * (SHA-256(attestation key || QE auth data) then 32 zero bytes), QE identity (masked MISCSELECT/ATTRIBUTES,
 * MRSIGNER, ISVPRODID, ISVSVN -> QE TCB level), ISV report signature by the attestation key, platform TCB level
 * (first level whose 16 components and PCESVN are all <= the PCK certificate's), status and advisory IDs.
 * pck_cert (may be NULL with pck_cert_len 0): PEM or DER PCK leaf for quotes with certification data type 1-3;
 * ignored when the quote carries its PCK certificate.
 * This does not apply a policy: a Revoked or debug enclave verifies; use lcp_dcap_policy_check.
 * vc is not changed in what it vouches for; it counts the quotes checked against it, and its verifier's caches
 * (see lcp_dcap_verifier below) may grow.
 * Returns: LCP_OK; LCP_ERR_ATTESTATION (malformed quote), _UNSUPPORTED (v4/v5, TDX, other key or certification data
 *          type), _COLLATERAL_EXPIRED (now outside vc's window), _CERT, _CERT_EXPIRED, _REVOKED (PCK leaf),
 *          _COLLATERAL (FMSPC/PCE-ID mismatch, no PCK certificate), _SIGNATURE (QE report, binding, ISV report),
 *          _TCB (QE identity mismatch, no TCB level); LCP_ERR_NOMEM.
 * Out: res (zeroed unless LCP_OK). */
int lcp_dcap_quote_verify(lcp_dcap_result *res, lcp_dcap_verified_collateral *vc, const uint8_t *quote,
                          size_t quote_len, const uint8_t *pck_cert, size_t pck_cert_len, int64_t now, char *err)
    LCP_WARN_UNUSED;

/* Acceptance policy. A zero-initialised policy accepts only UpToDate with no advisory IDs, non-debug enclaves,
 * any MRENCLAVE and any TCB evaluation data number. */
typedef struct {
    const uint8_t *mrenclave;  /* 32 bytes, or NULL to accept any enclave */
    uint32_t allowed_statuses; /* bit (1u << status) for each status accepted besides UpToDate (always accepted);
                                * Revoked is never accepted, whatever this says */
    const char *const *allowed_advisory_ids; /* every advisory ID of the result must be in this list */
    size_t n_allowed_advisory_ids;
    int allow_debug;                         /* accept enclaves with the DEBUG attribute (default: no) */
    uint32_t min_tcb_evaluation_data_number; /* reject collateral older than this (TCB recovery rollback) */
} lcp_dcap_policy;
#define LCP_DCAP_STATUS_BIT(s) (1u << (unsigned)(s))

/* Applies policy to a verified result. Returns LCP_OK or LCP_ERR_ATTESTATION_POLICY (err says which rule). */
int lcp_dcap_policy_check(const lcp_dcap_policy *policy, const lcp_dcap_result *res, char *err) LCP_WARN_UNUSED;

/* One call: lcp_dcap_collateral_verify, lcp_dcap_quote_verify (with c->pck_cert) and lcp_dcap_policy_check.
 * root may be NULL (Intel's production root); policy may be NULL (the zero policy).
 * Returns: LCP_OK or the first failure (LCP_ERR_ATTESTATION_POLICY when only the policy refuses).
 * Out: res (zeroed unless LCP_OK). */
int lcp_dcap_verify(lcp_dcap_result *res, const uint8_t *quote, size_t quote_len, const lcp_dcap_collateral *c,
                    const uint8_t *root, size_t root_len, int64_t now, const lcp_dcap_policy *policy, char *err)
    LCP_WARN_UNUSED;

/* ---- a long-lived verifier ----
 * The calls above verify from scratch each time. A verifier keeps what does not change between quotes under one
 * trust anchor: the parsed anchor, parsed certificates (looked up by their exact DER: the same bytes give the same
 * object) and, for the keys Intel's hierarchy certifies (the anchor, the PCK CA, TCB Signing and PCK keys; never a
 * quote's attestation key) once they have served in two verifications, precomputed P-256 tables (~20 ms and
 * ~150 KB each, then each signature under them costs a third). Nothing is trusted from an earlier call: every
 * signature, name, revocation and validity window is checked on every call. A verifier, and the collateral
 * verified through it, are used by one thread at a time. */
typedef struct lcp_dcap_verifier lcp_dcap_verifier;

/* A verifier for root (DER or PEM; NULL = lcp_dcap_intel_root_ca()). Fails (LCP_ERR_ATTESTATION_CERT) if root is
 * not exactly one certificate; its own checks (self-issued CA, P-256 key, validity at the verification time) run in
 * every verification. Out: *out: free with lcp_dcap_verifier_free. */
int lcp_dcap_verifier_new(lcp_dcap_verifier **out, const uint8_t *root, size_t root_len, char *err) LCP_WARN_UNUSED;
/* Drops the caller's reference; collateral verified through v keeps v alive until it is freed. */
void lcp_dcap_verifier_free(lcp_dcap_verifier *v);
/* lcp_dcap_collateral_verify under v's root. */
int lcp_dcap_verifier_collateral(lcp_dcap_verified_collateral **out, lcp_dcap_verifier *v,
                                 const lcp_dcap_collateral *c, int64_t now, char *err) LCP_WARN_UNUSED;
/* lcp_dcap_verify under v's root. */
int lcp_dcap_verifier_verify(lcp_dcap_result *res, lcp_dcap_verifier *v, const uint8_t *quote, size_t quote_len,
                             const lcp_dcap_collateral *c, int64_t now, const lcp_dcap_policy *policy, char *err)
    LCP_WARN_UNUSED;
/* Keys with a precomputed table now (benchmarks and tests). */
unsigned lcp_dcap_verifier_tables(const lcp_dcap_verifier *v);

#ifdef __cplusplus
}
#endif
#endif
