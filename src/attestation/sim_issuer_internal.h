/* Private header of the simulated Intel (src/attestation/sim_issuer*.c, sim_qe.c): OpenSSL-typed helpers for keys,
 * certificates, CRLs and raw signatures, the files of the issuer directory, and the TCB-level model the collateral
 * is generated from. Nothing here is part of the public API (lcp/attestation_sim.h). */
#ifndef LCP_ATTESTATION_SIM_ISSUER_INTERNAL_H
#define LCP_ATTESTATION_SIM_ISSUER_INTERNAL_H

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "lcp/attestation_dcap.h"
#include "lcp/attestation_sim.h"

/* Files of the issuer, relative to the platform directory. */
#define SIM_DIR_ISSUER "issuer"
#define SIM_DIR_COLLATERAL "collateral"
#define SIM_FILE_ROOT_KEY "issuer/root_ca_key.pem"
#define SIM_FILE_ROOT_PEM LCP_SIM_FILE_ROOT_PEM
#define SIM_FILE_ROOT_DER LCP_SIM_FILE_ROOT_DER
#define SIM_FILE_CA_KEY "issuer/pck_ca_key.pem"
#define SIM_FILE_CA_PEM "issuer/pck_ca.pem"
#define SIM_FILE_TCB_KEY "issuer/tcb_signing_key.pem"
#define SIM_FILE_TCB_PEM "issuer/tcb_signing.pem"
#define SIM_FILE_PCK_KEY "pck_key.pem" /* LCP_TEE_SIM_FILE_PCK_KEY: tee is a floor above, so the names are repeated */
#define SIM_FILE_PCK_CERT "pck_cert.pem"
#define SIM_FILE_QE_KEY "qe_key.pem"

/* Largest file of the issuer that is read back (a collateral document is ~10 KB). */
#define SIM_MAX_FILE (1u << 20)

/* ---- files (sim_issuer.c) ---- */
/* dir/name into out (4096 bytes). */
int sim_path(char out[4096], const char *dir, const char *name, char *err);
int sim_read(uint8_t **data, size_t *len, const char *dir, const char *name, char *err);
int sim_write(const char *dir, const char *name, const uint8_t *data, size_t len, unsigned mode, char *err);

/* ---- PKI (sim_issuer_pki.c) ---- */
enum { SIM_CERT_ROOT, SIM_CERT_PCK_CA, SIM_CERT_TCB_SIGNING, SIM_CERT_PCK };

/* A fresh P-256 key. */
int sim_p256_new(EVP_PKEY **out, char *err);
/* Key and certificate files: PEM (keys PKCS#8). Loading checks that a key is P-256 and a file holds exactly one
 * object. */
int sim_key_save(const char *dir, const char *name, EVP_PKEY *key, char *err);
int sim_key_load(EVP_PKEY **out, const char *dir, const char *name, char *err);
int sim_cert_pem(lcp_buf *out, X509 *cert, char *err);
int sim_cert_load(X509 **out, const char *dir, const char *name, char *err);
/* A certificate of the given kind for key, issued by (issuer, ikey) (both NULL for the root), valid [from, to];
 * sgx_ext (DER of the SGX extension's value) only for SIM_CERT_PCK. */
int sim_cert_make(X509 **out, int kind, EVP_PKEY *key, X509 *issuer, EVP_PKEY *ikey, int64_t from, int64_t to,
                  const uint8_t *sgx_ext, size_t sgx_ext_len, char *err);
/* An empty CRL (nothing revoked) of issuer, thisUpdate now, nextUpdate now + LCP_SIM_COLLATERAL_LIFETIME, CRL
 * number crl_number, DER-encoded into out. */
int sim_crl_make(lcp_buf *out, X509 *issuer, EVP_PKEY *ikey, int64_t now, uint64_t crl_number, char *err);
/* ECDSA P-256 / SHA-256 over msg as Intel writes it: raw r || s, 32 bytes each, big-endian. */
int sim_sign_raw(uint8_t sig[LCP_DCAP_SIG_LEN], EVP_PKEY *key, const uint8_t *msg, size_t len, char *err);
/* The raw public key X || Y of a P-256 key. */
int sim_pubkey_raw(uint8_t xy[LCP_DCAP_PUBKEY_LEN], EVP_PKEY *key, char *err);
/* DER of the PCK certificate's SGX extension value (OID 1.2.840.113741.1.13.1) for tcb (spec/dcap.md 2.3). */
int sim_sgx_ext(lcp_buf *out, const lcp_sim_tcb *tcb, char *err);

/* ---- TCB levels and collateral (sim_issuer_collateral.c) ---- */
typedef struct {
    uint8_t comp[LCP_DCAP_TCB_COMPONENTS];
    uint16_t pcesvn;
    lcp_dcap_tcb_status status;
    int64_t tcb_date;
    size_t n_adv;
    char adv[LCP_DCAP_MAX_ADVISORY_IDS][LCP_DCAP_ADVISORY_ID_MAX + 1];
} sim_level;

typedef struct {
    uint32_t eval; /* tcbEvaluationDataNumber */
    size_t n;
    sim_level levels[LCP_DCAP_MAX_TCB_LEVELS]; /* Intel's order: highest first */
} sim_levels;

/* Signs and writes collateral/collateral.json and collateral/collateral-<eval>.json for lv at now. */
int sim_publish(const char *dir, const sim_levels *lv, int64_t now, char *err);
/* The first levels of a new issuer, around tcb (see "TCB model" in lcp/attestation_sim.h). */
void sim_levels_initial(sim_levels *lv, const lcp_sim_tcb *tcb, int64_t now);
/* The levels and number of the current collateral, read back with the verifier's parsers. */
int sim_levels_load(sim_levels *lv, const char *dir, char *err);
/* The simulated QE's MRSIGNER. */
int sim_qe_mrsigner(uint8_t out[32]);

#endif
