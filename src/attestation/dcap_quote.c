/* SGX DCAP quote v3 parsing (spec/dcap.md 1.2, 1.3). The layout is fixed-offset little-endian with three
 * nested length fields (signature data, QE auth data, certification data); each must agree exactly with the bytes
 * present, as Intel's QVL requires, so that a quote has exactly one reading. */
#include "lcp/attestation_dcap.h"

#include <string.h>

const uint8_t LCP_DCAP_QE_VENDOR_INTEL[16] = {0x93, 0x9A, 0x72, 0x33, 0xF7, 0x9C, 0x4C, 0xA9,
                                              0x94, 0x0A, 0x0D, 0xB3, 0x95, 0x7F, 0x06, 0x07};


/* Offsets of the quote header and of the ECDSA signature data (relative to its start, 436). */
enum {
    Q_VERSION = 0,
    Q_ATT_KEY_TYPE = 2,
    Q_TEE_TYPE = 4,
    Q_QE_SVN = 8,
    Q_PCE_SVN = 10,
    Q_QE_VENDOR = 12,
    Q_USER_DATA = 28,
    Q_REPORT = 48,
    Q_SIG_LEN = 432,
    Q_SIG_DATA = 436,
    S_ISV_SIG = 0,
    S_ATT_KEY = 64,
    S_QE_REPORT = 128,
    S_QE_SIG = 512,
    S_AUTH_LEN = 576,
    S_AUTH = 578,
};

#define BAD(...) lcp_fail(err, LCP_ERR_ATTESTATION, "DCAP quote: " __VA_ARGS__)
#define UNSUPPORTED(...) lcp_fail(err, LCP_ERR_ATTESTATION_UNSUPPORTED, "DCAP quote: " __VA_ARGS__)

int lcp_dcap_quote_parse(lcp_dcap_quote *q, const uint8_t *p, size_t len, char *err)
{
    memset(q, 0, sizeof *q);
    if (len < 8) return BAD("%zu bytes is too short for a quote header", len);
    q->version = lcp_le16(p + Q_VERSION);
    q->att_key_type = lcp_le16(p + Q_ATT_KEY_TYPE);
    q->tee_type = lcp_le32(p + Q_TEE_TYPE);
    /* Recognise what we do not verify before demanding v3 lengths, so that a TDX or v4 quote gets a clear answer
     * instead of "malformed". */
    if (q->tee_type == LCP_DCAP_TEE_TDX)
        return UNSUPPORTED("TDX quote (version %u): only SGX quotes are verified", q->version);
    if (q->version != LCP_DCAP_QUOTE_VERSION_3)
        return UNSUPPORTED("version %u: only SGX quote version 3 is supported", q->version);
    if (q->tee_type != LCP_DCAP_TEE_SGX) return UNSUPPORTED("TEE type 0x%08x is not SGX", q->tee_type);
    if (q->att_key_type != LCP_DCAP_ATT_KEY_ECDSA_P256)
        return UNSUPPORTED("attestation key type %u: only ECDSA-256-with-P-256 (2) is supported", q->att_key_type);
    if (len < LCP_DCAP_QUOTE_MIN_LEN)
        return BAD("%zu bytes is shorter than the minimum %d", len, LCP_DCAP_QUOTE_MIN_LEN);
    if (len > LCP_DCAP_QUOTE_MAX_LEN)
        return BAD("%zu bytes is larger than the maximum %u", len, LCP_DCAP_QUOTE_MAX_LEN);
    q->qe_svn = lcp_le16(p + Q_QE_SVN);
    q->pce_svn = lcp_le16(p + Q_PCE_SVN);
    memcpy(q->qe_vendor_id, p + Q_QE_VENDOR, 16);
    memcpy(q->user_data, p + Q_USER_DATA, 20);
    if (memcmp(q->qe_vendor_id, LCP_DCAP_QE_VENDOR_INTEL, 16) != 0)
        return UNSUPPORTED("QE vendor ID is not Intel's");
    int rc = lcp_sgx_report_body_parse(&q->report, p + Q_REPORT, LCP_SGX_REPORT_BODY_LEN, err);
    if (rc != LCP_OK) return rc;
    q->signed_data.ptr = p;
    q->signed_data.len = LCP_DCAP_QUOTE_SIGNED_LEN;

    uint32_t sig_len = lcp_le32(p + Q_SIG_LEN);
    if (sig_len != len - Q_SIG_DATA)
        return BAD("signature data length %u does not match the %zu bytes that follow it", sig_len, len - Q_SIG_DATA);
    const uint8_t *s = p + Q_SIG_DATA;
    size_t avail = sig_len; /* >= 584 because len >= LCP_DCAP_QUOTE_MIN_LEN */
    q->isv_signature = s + S_ISV_SIG;
    q->attestation_key = s + S_ATT_KEY;
    q->qe_report_raw = s + S_QE_REPORT;
    q->qe_report_signature = s + S_QE_SIG;
    if ((rc = lcp_sgx_report_body_parse(&q->qe_report, q->qe_report_raw, LCP_SGX_REPORT_BODY_LEN, err)) != LCP_OK)
        return rc;
    size_t auth_len = lcp_le16(s + S_AUTH_LEN);
    /* After the auth data come the certification data type (2) and size (4). */
    if (auth_len > avail - S_AUTH - 6) return BAD("QE auth data length %zu overruns the quote", auth_len);
    q->qe_auth_data.ptr = s + S_AUTH;
    q->qe_auth_data.len = auth_len;
    const uint8_t *c = s + S_AUTH + auth_len;
    q->cert_type = lcp_le16(c);
    uint32_t cert_len = lcp_le32(c + 2);
    size_t rest = avail - S_AUTH - auth_len - 6;
    if (cert_len != rest)
        return BAD("certification data length %u does not match the %zu bytes that follow it", cert_len, rest);
    q->cert_data.ptr = c + 6;
    q->cert_data.len = cert_len;
    if (q->cert_type < LCP_DCAP_CERT_PPID_CLEARTEXT || q->cert_type > LCP_DCAP_CERT_PCK_CHAIN)
        return UNSUPPORTED("certification data type %u: a v3 quote needs type 1 to 5", q->cert_type);
    return LCP_OK;
}
