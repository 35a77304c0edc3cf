/* lcp/attestation_sgx.h — part of attestation (floor 3): SGX structures shared by IAS, DCAP and the simulated
 * platform. Offsets from dcap.md 1.1 (sgx_report_body_t, 384 bytes, all integers little-endian). */
#ifndef LCP_ATTESTATION_SGX_H
#define LCP_ATTESTATION_SGX_H

#include "lcp/base.h"

#ifdef __cplusplus
extern "C" {
#endif

#define LCP_SGX_REPORT_BODY_LEN 384
#define LCP_SGX_REPORT_DATA_LEN 64
#define LCP_SGX_CPUSVN_LEN 16
#define LCP_SGX_FLAGS_INIT 0x01ull
#define LCP_SGX_FLAGS_DEBUG 0x02ull
#define LCP_SGX_FLAGS_MODE64BIT 0x04ull

/* Offsets inside sgx_report_body_t. */
enum {
    LCP_SGX_RB_CPUSVN = 0,
    LCP_SGX_RB_MISCSELECT = 16,
    LCP_SGX_RB_ISV_EXT_PROD_ID = 32,
    LCP_SGX_RB_ATTRIBUTES = 48, /* flags u64, xfrm u64 */
    LCP_SGX_RB_MRENCLAVE = 64,
    LCP_SGX_RB_MRSIGNER = 128,
    LCP_SGX_RB_CONFIG_ID = 192,
    LCP_SGX_RB_ISV_PROD_ID = 256,
    LCP_SGX_RB_ISV_SVN = 258,
    LCP_SGX_RB_CONFIG_SVN = 260,
    LCP_SGX_RB_ISV_FAMILY_ID = 304,
    LCP_SGX_RB_REPORT_DATA = 320,
};

typedef struct {
    uint8_t cpusvn[LCP_SGX_CPUSVN_LEN];
    uint32_t miscselect;
    uint64_t flags;
    uint64_t xfrm;
    uint8_t mrenclave[32];
    uint8_t mrsigner[32];
    uint16_t isv_prod_id;
    uint16_t isv_svn;
    uint16_t config_svn;
    uint8_t report_data[LCP_SGX_REPORT_DATA_LEN];
} lcp_sgx_report_body;

/* Parses exactly LCP_SGX_REPORT_BODY_LEN bytes (reserved fields are not checked: Intel may use them). */
int lcp_sgx_report_body_parse(lcp_sgx_report_body *out, const uint8_t *p, size_t len, char *err);
/* Serialises rb into out (LCP_SGX_REPORT_BODY_LEN bytes), reserved fields zero. */
void lcp_sgx_report_body_write(uint8_t out[LCP_SGX_REPORT_BODY_LEN], const lcp_sgx_report_body *rb);
/* 1 if the DEBUG attribute is set. */
int lcp_sgx_is_debug(const lcp_sgx_report_body *rb);

/* LCP's report_data (spec 4, step 2): [0] = 0x01 | [1..21) enclave-key address | [21..41) operator | zeros. */
#define LCP_REPORT_DATA_VERSION 1
typedef struct {
    uint8_t enclave_key[20];
    uint8_t operator_addr[20]; /* zero if none */
} lcp_report_data;
/* Returns LCP_ERR_ATTESTATION_REPORT unless version is 1 (trailing bytes are not checked, as LCP does not). */
int lcp_report_data_parse(lcp_report_data *out, const uint8_t rd[LCP_SGX_REPORT_DATA_LEN], char *err);
void lcp_report_data_write(uint8_t rd[LCP_SGX_REPORT_DATA_LEN], const lcp_report_data *in);

#ifdef __cplusplus
}
#endif
#endif
