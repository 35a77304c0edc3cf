/* The simulated Quoting Enclave (lcp/attestation_sim.h): it authenticates an enclave's report with the platform's
 * report key (through the caller's check), then writes a real SGX DCAP quote v3 (spec/dcap.md 1.2) signed with its
 * attestation key, carrying its own report signed by the platform's PCK key and the PCK certificate chain. A
 * verifier checks it with exactly the steps it applies to Intel's QE3 quotes. */
#include "sim_issuer_internal.h"

#include <string.h>

#include "lcp/crypto.h"

#define QE_AUTH_LEN 32
#define REPORT_LEN 432 /* sgx_report_t: body, key id, MAC */

struct lcp_sim_qe {
    EVP_PKEY *att_key;
    lcp_buf chain; /* PEM: PCK certificate, PCK Platform CA, root, then a NUL as Intel's QE writes it */
    lcp_dcap_pck_ext pck;
    uint8_t att_pub[LCP_DCAP_PUBKEY_LEN];
    uint8_t auth[QE_AUTH_LEN];
    uint8_t qe_report[LCP_SGX_REPORT_BODY_LEN]; /* fixed for a given attestation key and PCK certificate */
    uint8_t qe_report_sig[LCP_DCAP_SIG_LEN];
};

void lcp_sim_qe_close(lcp_sim_qe *qe)
{
    if (qe == NULL) return;
    EVP_PKEY_free(qe->att_key);
    lcp_buf_free(&qe->chain);
    lcp_memzero(qe, sizeof *qe);
    lcp_free(qe);
}

void lcp_sim_qe_pck(lcp_dcap_pck_ext *pck, const lcp_sim_qe *qe) { *pck = qe->pck; }

/* The QE's own report: its identity as the QE Identity describes it, the platform's CPUSVN, and report data
 * SHA-256(attestation key || auth data) || 32 zero bytes, which is how a QE vouches for its attestation key. */
static int qe_report(lcp_sim_qe *qe, EVP_PKEY *pck_key, char *err)
{
    static const char name[] = "lcp-c SIMULATED quoting enclave v1";
    lcp_sgx_report_body b;
    memset(&b, 0, sizeof b);
    memcpy(b.cpusvn, qe->pck.cpusvn, 16);
    b.flags = LCP_SGX_FLAGS_INIT | LCP_SGX_FLAGS_MODE64BIT | 0x10u; /* 0x10: PROVISIONKEY, as Intel's QE has */
    b.xfrm = 0x3;
    b.isv_prod_id = LCP_SIM_QE_ISV_PROD_ID;
    b.isv_svn = LCP_SIM_QE_ISV_SVN;
    lcp_bytes parts[2] = {{qe->att_pub, LCP_DCAP_PUBKEY_LEN}, {qe->auth, QE_AUTH_LEN}};
    if (lcp_sha256(b.mrenclave, (const uint8_t *)name, sizeof name - 1) != LCP_OK ||
        sim_qe_mrsigner(b.mrsigner) != LCP_OK || lcp_sha256_parts(b.report_data, parts, 2) != LCP_OK)
        return lcp_fail(err, LCP_ERR_CRYPTO, "simulated QE: SHA-256 failed");
    lcp_sgx_report_body_write(qe->qe_report, &b);
    return sim_sign_raw(qe->qe_report_sig, pck_key, qe->qe_report, sizeof qe->qe_report, err);
}

int lcp_sim_qe_open(lcp_sim_qe **out, const char *dir, char *err)
{
    LCP_ARG_CHECK(out != NULL && dir != NULL);
    *out = NULL;
    lcp_sim_qe *qe = lcp_calloc(1, sizeof *qe);
    if (qe == NULL) return lcp_fail(err, LCP_ERR_NOMEM, "out of memory");
    EVP_PKEY *pck_key = NULL;
    X509 *pck = NULL, *ca = NULL, *root = NULL;
    static const uint8_t nul = 0;
    int rc = sim_key_load(&qe->att_key, dir, SIM_FILE_QE_KEY, err);
    if (rc == LCP_OK) rc = sim_key_load(&pck_key, dir, SIM_FILE_PCK_KEY, err);
    if (rc == LCP_OK) rc = sim_cert_load(&pck, dir, SIM_FILE_PCK_CERT, err);
    if (rc == LCP_OK) rc = sim_cert_load(&ca, dir, SIM_FILE_CA_PEM, err);
    if (rc == LCP_OK) rc = sim_cert_load(&root, dir, SIM_FILE_ROOT_PEM, err);
    /* The PCK key must be the certificate's: a quote whose QE report the certificate cannot verify is useless. */
    if (rc == LCP_OK && EVP_PKEY_eq(X509_get0_pubkey(pck), pck_key) != 1)
        rc = lcp_fail(err, LCP_ERR_ATTESTATION, "simulated QE: %s/%s is not the key of %s", dir, SIM_FILE_PCK_KEY,
                      SIM_FILE_PCK_CERT);
    if (rc == LCP_OK) {
        char e2[LCP_ERR_LEN] = "";
        unsigned char *der = NULL;
        int n = i2d_X509(pck, &der);
        if (n <= 0 || lcp_dcap_pck_ext_from_cert(&qe->pck, der, (size_t)n, e2) != LCP_OK)
            rc = lcp_fail(err, LCP_ERR_ATTESTATION, "simulated QE: PCK certificate: %s", e2);
        OPENSSL_free(der);
    }
    if (rc == LCP_OK) rc = sim_cert_pem(&qe->chain, pck, err);
    if (rc == LCP_OK) rc = sim_cert_pem(&qe->chain, ca, err);
    if (rc == LCP_OK) rc = sim_cert_pem(&qe->chain, root, err);
    if (rc == LCP_OK && lcp_buf_append(&qe->chain, &nul, 1) != LCP_OK) rc = lcp_fail(err, LCP_ERR_NOMEM, "out of memory");
    if (rc == LCP_OK) rc = sim_pubkey_raw(qe->att_pub, qe->att_key, err);
    /* Intel's QE3 writes 32 bytes 00 01 .. 1f as its auth data. */
    for (int i = 0; i < QE_AUTH_LEN; i++) qe->auth[i] = (uint8_t)i;
    if (rc == LCP_OK) rc = qe_report(qe, pck_key, err);
    EVP_PKEY_free(pck_key);
    X509_free(pck);
    X509_free(ca);
    X509_free(root);
    if (rc != LCP_OK) {
        lcp_sim_qe_close(qe);
        return rc;
    }
    *out = qe;
    return LCP_OK;
}


int lcp_sim_qe_quote(lcp_sim_qe *qe, lcp_buf *out, const uint8_t *report, size_t report_len,
                     lcp_sim_report_check_fn check, void *ctx, char *err)
{
    LCP_ARG_CHECK(qe != NULL && out != NULL && check != NULL);
    if (report == NULL || report_len != REPORT_LEN)
        return lcp_fail(err, LCP_ERR_ATTESTATION_REPORT, "simulated QE: a report is %d bytes, got %zu", REPORT_LEN,
                        report_len);
    lcp_sgx_report_body body;
    int rc = check(ctx, &body, report, report_len, err);
    if (rc != LCP_OK) return rc;
    /* The platform's TCB the PCK certificate certifies must be the one the enclave ran at. */
    if (memcmp(body.cpusvn, qe->pck.cpusvn, 16) != 0)
        return lcp_fail(err, LCP_ERR_ATTESTATION_REPORT,
                        "simulated QE: report CPUSVN differs from the PCK certificate's (the CPUSVN changed since the "
                        "platform was certified, or since the enclave started: restart it and certify the platform)");
    size_t cert_len = qe->chain.len;
    size_t sig_len = LCP_DCAP_SIG_LEN + LCP_DCAP_PUBKEY_LEN + LCP_SGX_REPORT_BODY_LEN + LCP_DCAP_SIG_LEN + 2 +
                     QE_AUTH_LEN + 2 + 4 + cert_len;
    uint8_t hdr[LCP_DCAP_QUOTE_SIGNED_LEN + 4];
    memset(hdr, 0, sizeof hdr);
    lcp_put_le16(hdr + 0, LCP_DCAP_QUOTE_VERSION_3);
    lcp_put_le16(hdr + 2, LCP_DCAP_ATT_KEY_ECDSA_P256);
    lcp_put_le32(hdr + 4, LCP_DCAP_TEE_SGX);
    lcp_put_le16(hdr + 8, LCP_SIM_QE_ISV_SVN);
    lcp_put_le16(hdr + 10, qe->pck.pce_svn);
    memcpy(hdr + 12, LCP_DCAP_QE_VENDOR_INTEL, 16);
    /* User data: the first 16 bytes name the platform (QE-ID for PCCS); here its PlatformInstanceID. */
    memcpy(hdr + 28, qe->pck.platform_instance_id, 16);
    memcpy(hdr + LCP_DCAP_QUOTE_HEADER_LEN, report, LCP_SGX_REPORT_BODY_LEN);
    lcp_put_le32(hdr + LCP_DCAP_QUOTE_SIGNED_LEN, (uint32_t)sig_len);
    uint8_t isv_sig[LCP_DCAP_SIG_LEN], tail[6];
    if ((rc = sim_sign_raw(isv_sig, qe->att_key, hdr, LCP_DCAP_QUOTE_SIGNED_LEN, err)) != LCP_OK) return rc;
    uint8_t auth_len[2];
    lcp_put_le16(auth_len, QE_AUTH_LEN);
    lcp_put_le16(tail, LCP_DCAP_CERT_PCK_CHAIN);
    lcp_put_le32(tail + 2, (uint32_t)cert_len);
    size_t start = out->len;
    int ok = lcp_buf_append(out, hdr, sizeof hdr) == LCP_OK && lcp_buf_append(out, isv_sig, sizeof isv_sig) == LCP_OK &&
             lcp_buf_append(out, qe->att_pub, sizeof qe->att_pub) == LCP_OK &&
             lcp_buf_append(out, qe->qe_report, sizeof qe->qe_report) == LCP_OK &&
             lcp_buf_append(out, qe->qe_report_sig, sizeof qe->qe_report_sig) == LCP_OK &&
             lcp_buf_append(out, auth_len, 2) == LCP_OK && lcp_buf_append(out, qe->auth, QE_AUTH_LEN) == LCP_OK &&
             lcp_buf_append(out, tail, sizeof tail) == LCP_OK &&
             lcp_buf_append(out, qe->chain.data, cert_len) == LCP_OK;
    if (!ok) {
        out->len = start;
        return lcp_fail(err, LCP_ERR_NOMEM, "out of memory");
    }
    return LCP_OK;
}
