/* The sim backend's EREPORT and its check by a simulated QE (lcp/tee_sim.h). On hardware the report MAC is an
 * AES-CMAC under a REPORT key that only the target enclave can get from EGETKEY on the same CPU; here the report
 * key is an HMAC of the platform's fuse secret over the same inputs (target MRENCLAVE, attributes, MISCSELECT,
 * the current CPUSVN, the report's KEYID), and the MAC an HMAC under it, both truncated to 128 bits:
 *   report_key = HMAC-SHA256(fuse, "lcp-c sim EREPORT key v1" || ti[0..32) || ti[32..48) || ti[52..56)
 *                            || CPUSVN || key_id)[0..16)
 *   mac        = HMAC-SHA256(report_key, body[0..384))[0..16)
 * A report is therefore only checkable by whoever holds the platform directory: exactly as meaningful as a report
 * from Intel's SIM mode, and marked as sim by whoever relays it. */
#include "tee_internal.h"

#include <string.h>

#define REPORT_DOMAIN "lcp-c sim EREPORT key v1"

int lcp_tee_sim_report_key(uint8_t key[LCP_AES128_KEY_LEN], const lcp_tee_sim_platform *p,
                           const uint8_t *target_info, const uint8_t key_id[LCP_TEE_KEY_ID_LEN])
{
    static const uint8_t zero_ti[LCP_TEE_TARGET_INFO_LEN] = {0};
    const uint8_t *ti = target_info ? target_info : zero_ti;
    const lcp_bytes parts[] = {
        {(const uint8_t *)REPORT_DOMAIN, sizeof REPORT_DOMAIN - 1},
        {ti + TEE_TI_MRENCLAVE, 32},
        {ti + TEE_TI_ATTRIBUTES, 16},
        {ti + TEE_TI_MISCSELECT, 4},
        {p->cpusvn, 16},
        {key_id, LCP_TEE_KEY_ID_LEN},
    };
    uint8_t mac[LCP_HMAC_SHA256_LEN];
    int rc = lcp_hmac_sha256(mac, p->fuse_secret, sizeof p->fuse_secret, parts, sizeof parts / sizeof parts[0]);
    if (rc == LCP_OK) memcpy(key, mac, LCP_AES128_KEY_LEN);
    lcp_memzero(mac, sizeof mac);
    return rc;
}

int lcp_tee_sim_report_mac(uint8_t mac[16], const uint8_t key[LCP_AES128_KEY_LEN],
                           const uint8_t body[LCP_SGX_REPORT_BODY_LEN])
{
    const lcp_bytes part = {body, LCP_SGX_REPORT_BODY_LEN};
    uint8_t full[LCP_HMAC_SHA256_LEN];
    int rc = lcp_hmac_sha256(full, key, LCP_AES128_KEY_LEN, &part, 1);
    if (rc == LCP_OK) memcpy(mac, full, 16);
    return rc;
}

int lcp_tee_sim_report(lcp_tee *t, uint8_t out[LCP_TEE_REPORT_LEN], const uint8_t *target_info,
                       const uint8_t report_data[LCP_SGX_REPORT_DATA_LEN], char *err)
{
    const lcp_tee_identity *id = &t->id;
    lcp_sgx_report_body rb = {0};
    memcpy(rb.cpusvn, t->plat.cpusvn, 16);
    rb.miscselect = id->miscselect;
    rb.flags = id->flags;
    rb.xfrm = id->xfrm;
    memcpy(rb.mrenclave, id->mrenclave, 32);
    memcpy(rb.mrsigner, id->mrsigner, 32);
    rb.isv_prod_id = id->isv_prod_id;
    rb.isv_svn = id->isv_svn;
    memcpy(rb.report_data, report_data, LCP_SGX_REPORT_DATA_LEN);
    uint8_t rep[LCP_TEE_REPORT_LEN], key[LCP_AES128_KEY_LEN];
    lcp_sgx_report_body_write(rep, &rb);
    int rc = lcp_random(rep + TEE_REPORT_KEY_ID, LCP_TEE_KEY_ID_LEN);
    if (rc == LCP_OK) rc = lcp_tee_sim_report_key(key, &t->plat, target_info, rep + TEE_REPORT_KEY_ID);
    if (rc == LCP_OK) rc = lcp_tee_sim_report_mac(rep + TEE_REPORT_MAC, key, rep);
    lcp_memzero(key, sizeof key);
    if (rc != LCP_OK) return lcp_fail(err, LCP_ERR_TEE, "EREPORT failed: %s", lcp_strerror(rc));
    memcpy(out, rep, sizeof rep);
    return LCP_OK;
}

int lcp_tee_sim_verify_report(lcp_sgx_report_body *body, const lcp_tee_sim_platform *p,
                              const uint8_t report[LCP_TEE_REPORT_LEN], const uint8_t *target_info, char *err)
{
    LCP_ARG_CHECK(p != NULL && report != NULL);
    uint8_t key[LCP_AES128_KEY_LEN], mac[16];
    int rc = lcp_tee_sim_report_key(key, p, target_info, report + TEE_REPORT_KEY_ID);
    if (rc == LCP_OK) rc = lcp_tee_sim_report_mac(mac, key, report);
    lcp_memzero(key, sizeof key);
    if (rc != LCP_OK) return lcp_fail(err, LCP_ERR_TEE, "report key derivation failed");
    if (!lcp_ct_equal(mac, report + TEE_REPORT_MAC, 16))
        return lcp_fail(err, LCP_ERR_TEE_REPORT_MAC,
                        "report MAC does not verify (made on another platform, for another target, at another CPUSVN, "
                        "or changed)");
    if (body) return lcp_sgx_report_body_parse(body, report, LCP_SGX_REPORT_BODY_LEN, err);
    return LCP_OK;
}
