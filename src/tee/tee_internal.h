/* Private to src/tee: the handle, the backend interface, and the pieces both backends share (the key request and
 * sealed-blob layout, SVN checks). tee.c dispatches; sim*.c and gramine.c each provide one lcp_tee_backend. */
#ifndef LCP_TEE_INTERNAL_H
#define LCP_TEE_INTERNAL_H

#include "lcp/crypto.h"
#include "lcp/tee.h"
#include "lcp/tee_sim.h"

/* Offsets inside sgx_sealed_data_t (ops.md §1.2) and sgx_key_request_t (§1.1). */
enum {
    TEE_KR_KEYNAME = 0,
    TEE_KR_KEYPOLICY = 2,
    TEE_KR_ISVSVN = 4,
    TEE_KR_RESERVED1 = 6,
    TEE_KR_CPUSVN = 8,
    TEE_KR_ATTRMASK = 24,
    TEE_KR_KEYID = 40,
    TEE_KR_MISCMASK = 72,
    TEE_KR_CONFIGSVN = 76,
    TEE_KR_RESERVED2 = 78, /* to 512 */
    TEE_SD_PLAIN_TEXT_OFFSET = 512,
    TEE_SD_RESERVED = 516, /* 12 bytes */
    TEE_SD_PAYLOAD_SIZE = 528,
    TEE_SD_AES_RESERVED = 532, /* 12 bytes */
    TEE_SD_TAG = 544,
    TEE_SD_PAYLOAD = 560,
};
/* Offsets inside sgx_target_info_t. */
enum { TEE_TI_MRENCLAVE = 0, TEE_TI_ATTRIBUTES = 32, TEE_TI_CONFIG_SVN = 50, TEE_TI_MISCSELECT = 52 };
/* Offsets inside sgx_report_t. */
enum { TEE_REPORT_KEY_ID = 384, TEE_REPORT_MAC = 416 };

typedef struct lcp_tee_backend lcp_tee_backend;

struct lcp_tee {
    const lcp_tee_backend *be;
    lcp_tee_identity id;
    uint8_t target_info[LCP_TEE_TARGET_INFO_LEN];
    /* sim */
    lcp_tee_sim_platform plat;
    /* gramine */
    char gdir[1024];
    uint8_t gkey_mrenclave[16];
    uint8_t gkey_mrsigner[16];
    int gkey_have_mrsigner;
};

/* One backend. open fills t->id and t->target_info (and its own fields); seal_key derives the 128-bit sealing key
 * for a key request that has already passed the layout and SVN checks; report and quote may be NULL (then
 * LCP_ERR_TEE_UNSUPPORTED). Every function writes key/out only on success and wipes its own temporaries. */
struct lcp_tee_backend {
    const char *name;
    int (*open)(lcp_tee *t, const lcp_tee_options *opt, char *err);
    int (*seal_key)(lcp_tee *t, uint8_t key[LCP_AES128_KEY_LEN], const uint8_t req[LCP_TEE_KEYREQUEST_LEN],
                    const lcp_tee_keyrequest *r, char *err);
    int (*report)(lcp_tee *t, uint8_t out[LCP_TEE_REPORT_LEN], const uint8_t *target_info,
                  const uint8_t report_data[LCP_SGX_REPORT_DATA_LEN], char *err);
    int (*quote)(lcp_tee *t, uint8_t *out, size_t cap, size_t *out_len,
                 const uint8_t report_data[LCP_SGX_REPORT_DATA_LEN], char *err);
};

extern const lcp_tee_backend lcp_tee_backend_sim;
extern const lcp_tee_backend lcp_tee_backend_gramine;

/* sealed.c: the key request and blob layout. */
void lcp_tee_keyrequest_write(uint8_t out[LCP_TEE_KEYREQUEST_LEN], const lcp_tee_keyrequest *r);
/* Writes the 560-byte header and payload for (req, key) into out (LCP_TEE_SEALED_LEN(n, aad_len) bytes). */
int lcp_tee_blob_seal(uint8_t *out, const lcp_tee_keyrequest *r, const uint8_t key[LCP_AES128_KEY_LEN],
                      const uint8_t *aad, size_t aad_len, const uint8_t *secret, size_t n);

/* sim_seal.c / sim_report.c: the EGETKEY model, shared by the sim backend and lcp_tee_sim_verify_report. */
int lcp_tee_sim_report_key(uint8_t key[LCP_AES128_KEY_LEN], const lcp_tee_sim_platform *p,
                           const uint8_t *target_info, const uint8_t key_id[LCP_TEE_KEY_ID_LEN]);
/* The sim backend's EREPORT (its report function). */
int lcp_tee_sim_report(lcp_tee *t, uint8_t out[LCP_TEE_REPORT_LEN], const uint8_t *target_info,
                       const uint8_t report_data[LCP_SGX_REPORT_DATA_LEN], char *err);
int lcp_tee_sim_report_mac(uint8_t mac[16], const uint8_t key[LCP_AES128_KEY_LEN],
                           const uint8_t body[LCP_SGX_REPORT_BODY_LEN]);

/* The sgx_target_info_t of an identity: mr_enclave, attributes and misc_select, the rest zero. */
void lcp_tee_target_info_of(uint8_t out[LCP_TEE_TARGET_INFO_LEN], const lcp_tee_identity *id);

#endif
