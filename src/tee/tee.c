/* The TEE interface (lcp/tee.h): picks a backend and does what both share, the key request a seal records and
 * the checks an unseal makes before any key is derived. The backends only derive keys and produce reports. */
#include "tee_internal.h"

#include <string.h>

int lcp_tee_open(lcp_tee **out, const lcp_tee_options *opt, char *err)
{
    LCP_ARG_CHECK(out != NULL && opt != NULL);
    *out = NULL;
    const lcp_tee_backend *be = NULL;
    if (opt->backend == NULL || strcmp(opt->backend, "sim") == 0) be = &lcp_tee_backend_sim;
    else if (strcmp(opt->backend, "gramine") == 0) be = &lcp_tee_backend_gramine;
    else return lcp_fail(err, LCP_ERR_TEE_UNSUPPORTED, "unknown TEE backend '%s' (sim or gramine)", opt->backend);
    lcp_tee *t = lcp_calloc(1, sizeof *t);
    if (t == NULL) return lcp_fail(err, LCP_ERR_NOMEM, "out of memory opening the TEE");
    t->be = be;
    int rc = be->open(t, opt, err);
    if (rc != LCP_OK) {
        lcp_tee_close(t);
        return rc;
    }
    t->id.backend = be->name;
    t->id.debug = (t->id.flags & LCP_SGX_FLAGS_DEBUG) != 0;
    *out = t;
    return LCP_OK;
}

void lcp_tee_close(lcp_tee *t)
{
    if (t == NULL) return;
    /* The handle holds the fuse secret (sim) or Gramine's sealing keys. */
    lcp_memzero(t, sizeof *t);
    lcp_free(t);
}

int lcp_tee_identity_get(lcp_tee *t, lcp_tee_identity *out)
{
    LCP_ARG_CHECK(t != NULL && out != NULL);
    *out = t->id;
    return LCP_OK;
}

int lcp_tee_target_info(lcp_tee *t, uint8_t out[LCP_TEE_TARGET_INFO_LEN])
{
    LCP_ARG_CHECK(t != NULL && out != NULL);
    memcpy(out, t->target_info, LCP_TEE_TARGET_INFO_LEN);
    return LCP_OK;
}

void lcp_tee_target_info_of(uint8_t out[LCP_TEE_TARGET_INFO_LEN], const lcp_tee_identity *id)
{
    memset(out, 0, LCP_TEE_TARGET_INFO_LEN);
    memcpy(out + TEE_TI_MRENCLAVE, id->mrenclave, 32);
    lcp_put_le64(out + TEE_TI_ATTRIBUTES, id->flags);
    lcp_put_le64(out + TEE_TI_ATTRIBUTES + 8, id->xfrm);
    lcp_put_le32(out + TEE_TI_MISCSELECT, id->miscselect);
}

int lcp_tee_random(lcp_tee *t, uint8_t *buf, size_t n)
{
    LCP_ARG_CHECK(t != NULL && (buf != NULL || n == 0));
    return lcp_random(buf, n);
}

int lcp_tee_seal(lcp_tee *t, uint8_t *out, size_t cap, size_t *out_len, uint16_t key_policy, const uint8_t *aad,
                 size_t aad_len, const uint8_t *secret, size_t n, char *err)
{
    LCP_ARG_CHECK(t != NULL && out != NULL && out_len != NULL && secret != NULL);
    LCP_ARG_CHECK(aad != NULL || aad_len == 0);
    if (key_policy == 0 || (key_policy & ~(LCP_TEE_KEYPOLICY_MRENCLAVE | LCP_TEE_KEYPOLICY_MRSIGNER)) != 0)
        return lcp_fail(err, LCP_ERR_TEE_UNSUPPORTED, "key policy 0x%x is not MRENCLAVE and/or MRSIGNER", key_policy);
    if (n == 0) return lcp_fail(err, LCP_ERR_RANGE, "nothing to seal");
    /* The blob records both lengths as u32. */
    if (n > UINT32_MAX || aad_len > UINT32_MAX - n)
        return lcp_fail(err, LCP_ERR_RANGE, "secret and additional text exceed the 4 GiB a sealed blob can hold");
    size_t need = LCP_TEE_SEALED_LEN(n, aad_len);
    if (cap < need) return lcp_fail(err, LCP_ERR_BUFFER_TOO_SMALL, "sealing needs %zu bytes, have %zu", need, cap);

    /* What sgx_seal_data_ex records: the enclave's own ISVSVN and the CPU's current CPUSVN (copied from a
     * self-report in the SDK), LCP's masks, and a fresh KEYID. */
    lcp_tee_keyrequest r = {0};
    r.key_name = LCP_TEE_KEYNAME_SEAL;
    r.key_policy = key_policy;
    r.isv_svn = t->id.isv_svn;
    memcpy(r.cpusvn, t->id.cpusvn, 16);
    r.attribute_mask_flags = LCP_TEE_ATTR_MASK_FLAGS;
    r.attribute_mask_xfrm = LCP_TEE_ATTR_MASK_XFRM;
    r.misc_mask = LCP_TEE_MISC_MASK;
    if (lcp_random(r.key_id, sizeof r.key_id) != LCP_OK)
        return lcp_fail(err, LCP_ERR_TEE, "no randomness for the KEYID");
    uint8_t req[LCP_TEE_KEYREQUEST_LEN], key[LCP_AES128_KEY_LEN];
    lcp_tee_keyrequest_write(req, &r);
    int rc = t->be->seal_key(t, key, req, &r, err);
    if (rc == LCP_OK) {
        rc = lcp_tee_blob_seal(out, &r, key, aad, aad_len, secret, n);
        if (rc != LCP_OK) lcp_fail(err, rc, "sealing failed in AES-GCM");
    }
    lcp_memzero(key, sizeof key);
    if (rc != LCP_OK) return rc;
    *out_len = need;
    return LCP_OK;
}

int lcp_tee_unseal(lcp_tee *t, uint8_t *secret, size_t cap, size_t *n, lcp_bytes *aad, const uint8_t *blob,
                   size_t blob_len, char *err)
{
    LCP_ARG_CHECK(t != NULL && secret != NULL && n != NULL && (blob != NULL || blob_len == 0));
    lcp_tee_sealed_info s;
    int rc = lcp_tee_sealed_parse(&s, blob, blob_len, err);
    if (rc != LCP_OK) return rc;
    /* EGETKEY's own checks (ops.md §1.1): a request may name any SVN up to the current ones, never above. */
    if (!lcp_tee_cpusvn_le(s.req.cpusvn, t->id.cpusvn))
        return lcp_fail(err, LCP_ERR_TEE_INVALID_CPUSVN,
                        "blob was sealed under a CPUSVN above this platform's current one (a downgrade?)");
    if (s.req.isv_svn > t->id.isv_svn)
        return lcp_fail(err, LCP_ERR_TEE_INVALID_ISVSVN, "blob was sealed by ISVSVN %u, this enclave is ISVSVN %u",
                        s.req.isv_svn, t->id.isv_svn);
    if (cap < s.ciphertext.len)
        return lcp_fail(err, LCP_ERR_BUFFER_TOO_SMALL, "unsealing needs %zu bytes, have %zu", s.ciphertext.len, cap);
    uint8_t key[LCP_AES128_KEY_LEN];
    rc = t->be->seal_key(t, key, blob, &s.req, err);
    if (rc == LCP_OK) {
        static const uint8_t iv[LCP_AES_GCM_IV_LEN] = {0};
        rc = lcp_aes128_gcm_decrypt(secret, key, iv, s.aad.ptr, s.aad.len, s.ciphertext.ptr, s.ciphertext.len, s.tag);
        /* The SDK folds every failure of key or tag into MAC_MISMATCH: another CPU looks like a changed byte. */
        if (rc == LCP_ERR_CRYPTO_VERIFY)
            rc = lcp_fail(err, LCP_ERR_TEE_MAC_MISMATCH,
                          "sealed blob does not authenticate here (other platform, enclave, policy, or changed)");
        else if (rc != LCP_OK)
            lcp_fail(err, rc, "unsealing failed in AES-GCM");
    }
    lcp_memzero(key, sizeof key);
    if (rc != LCP_OK) return rc;
    *n = s.ciphertext.len;
    if (aad) *aad = s.aad;
    return LCP_OK;
}

int lcp_tee_report(lcp_tee *t, uint8_t out[LCP_TEE_REPORT_LEN], const uint8_t *target_info,
                   const uint8_t report_data[LCP_SGX_REPORT_DATA_LEN], char *err)
{
    LCP_ARG_CHECK(t != NULL && out != NULL && report_data != NULL);
    if (t->be->report == NULL)
        return lcp_fail(err, LCP_ERR_TEE_UNSUPPORTED, "the %s backend makes no reports", t->be->name);
    return t->be->report(t, out, target_info, report_data, err);
}

int lcp_tee_quote(lcp_tee *t, uint8_t *out, size_t cap, size_t *out_len,
                  const uint8_t report_data[LCP_SGX_REPORT_DATA_LEN], char *err)
{
    LCP_ARG_CHECK(t != NULL && (out != NULL || cap == 0) && out_len != NULL && report_data != NULL);
    if (t->be->quote == NULL)
        return lcp_fail(err, LCP_ERR_TEE_UNSUPPORTED,
                        "the %s backend has no quoting enclave (sim: the attestation module's simulated QE quotes "
                        "lcp_tee_report output)",
                        t->be->name);
    return t->be->quote(t, out, cap, out_len, report_data, err);
}
