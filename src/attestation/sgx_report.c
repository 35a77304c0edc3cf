/* SGX report body and LCP report_data (lcp/attestation_sgx.h). */
#include "lcp/attestation_sgx.h"

#include <string.h>


int lcp_sgx_report_body_parse(lcp_sgx_report_body *out, const uint8_t *p, size_t len, char *err)
{
    if (len != LCP_SGX_REPORT_BODY_LEN)
        return lcp_fail(err, LCP_ERR_ATTESTATION_REPORT, "SGX report body is %zu bytes, expected 384", len);
    memcpy(out->cpusvn, p + LCP_SGX_RB_CPUSVN, 16);
    out->miscselect = lcp_le32(p + LCP_SGX_RB_MISCSELECT);
    out->flags = lcp_le64(p + LCP_SGX_RB_ATTRIBUTES);
    out->xfrm = lcp_le64(p + LCP_SGX_RB_ATTRIBUTES + 8);
    memcpy(out->mrenclave, p + LCP_SGX_RB_MRENCLAVE, 32);
    memcpy(out->mrsigner, p + LCP_SGX_RB_MRSIGNER, 32);
    out->isv_prod_id = lcp_le16(p + LCP_SGX_RB_ISV_PROD_ID);
    out->isv_svn = lcp_le16(p + LCP_SGX_RB_ISV_SVN);
    out->config_svn = lcp_le16(p + LCP_SGX_RB_CONFIG_SVN);
    memcpy(out->report_data, p + LCP_SGX_RB_REPORT_DATA, 64);
    return LCP_OK;
}

void lcp_sgx_report_body_write(uint8_t out[LCP_SGX_REPORT_BODY_LEN], const lcp_sgx_report_body *rb)
{
    memset(out, 0, LCP_SGX_REPORT_BODY_LEN);
    memcpy(out + LCP_SGX_RB_CPUSVN, rb->cpusvn, 16);
    for (int i = 0; i < 4; i++) out[LCP_SGX_RB_MISCSELECT + i] = (uint8_t)(rb->miscselect >> (8 * i));
    lcp_put_le64(out + LCP_SGX_RB_ATTRIBUTES, rb->flags);
    lcp_put_le64(out + LCP_SGX_RB_ATTRIBUTES + 8, rb->xfrm);
    memcpy(out + LCP_SGX_RB_MRENCLAVE, rb->mrenclave, 32);
    memcpy(out + LCP_SGX_RB_MRSIGNER, rb->mrsigner, 32);
    lcp_put_le16(out + LCP_SGX_RB_ISV_PROD_ID, rb->isv_prod_id);
    lcp_put_le16(out + LCP_SGX_RB_ISV_SVN, rb->isv_svn);
    lcp_put_le16(out + LCP_SGX_RB_CONFIG_SVN, rb->config_svn);
    memcpy(out + LCP_SGX_RB_REPORT_DATA, rb->report_data, 64);
}

int lcp_sgx_is_debug(const lcp_sgx_report_body *rb) { return (rb->flags & LCP_SGX_FLAGS_DEBUG) != 0; }

int lcp_report_data_parse(lcp_report_data *out, const uint8_t rd[LCP_SGX_REPORT_DATA_LEN], char *err)
{
    if (rd[0] != LCP_REPORT_DATA_VERSION)
        return lcp_fail(err, LCP_ERR_ATTESTATION_REPORT, "report_data version is %u, expected 1", rd[0]);
    memcpy(out->enclave_key, rd + 1, 20);
    memcpy(out->operator_addr, rd + 21, 20);
    return LCP_OK;
}

void lcp_report_data_write(uint8_t rd[LCP_SGX_REPORT_DATA_LEN], const lcp_report_data *in)
{
    memset(rd, 0, LCP_SGX_REPORT_DATA_LEN);
    rd[0] = LCP_REPORT_DATA_VERSION;
    memcpy(rd + 1, in->enclave_key, 20);
    memcpy(rd + 21, in->operator_addr, 20);
}
