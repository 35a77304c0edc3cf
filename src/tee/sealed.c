/* The Intel SDK's sealed-blob layout, shared by every backend (ops.md §1.1, §1.2):
 *   0   sgx_key_request_t (512)   the request EGETKEY is given to re-derive the key
 *   512 plain_text_offset u32     = length of the encrypted secret
 *   516 reserved (12)
 *   528 payload_size u32          = encrypted length + additional MAC text length
 *   532 reserved (12)
 *   544 tag (16)                  AES-128-GCM tag, IV = 12 zero bytes
 *   560 payload                   ciphertext || additional MAC text
 * A blob is untrusted input (the host stores it). The SDK tolerates non-zero reserved bytes; we do not, so that
 * every byte of a blob is either checked here or covered by the key derivation or the tag. */
#include "tee_internal.h"

#include <string.h>

void lcp_tee_keyrequest_write(uint8_t out[LCP_TEE_KEYREQUEST_LEN], const lcp_tee_keyrequest *r)
{
    memset(out, 0, LCP_TEE_KEYREQUEST_LEN);
    lcp_put_le16(out + TEE_KR_KEYNAME, r->key_name);
    lcp_put_le16(out + TEE_KR_KEYPOLICY, r->key_policy);
    lcp_put_le16(out + TEE_KR_ISVSVN, r->isv_svn);
    memcpy(out + TEE_KR_CPUSVN, r->cpusvn, 16);
    lcp_put_le64(out + TEE_KR_ATTRMASK, r->attribute_mask_flags);
    lcp_put_le64(out + TEE_KR_ATTRMASK + 8, r->attribute_mask_xfrm);
    memcpy(out + TEE_KR_KEYID, r->key_id, LCP_TEE_KEY_ID_LEN);
    lcp_put_le32(out + TEE_KR_MISCMASK, r->misc_mask);
    lcp_put_le16(out + TEE_KR_CONFIGSVN, r->config_svn);
}

int lcp_tee_sealed_parse(lcp_tee_sealed_info *out, const uint8_t *blob, size_t blob_len, char *err)
{
    if (blob_len < LCP_TEE_SEALED_HEADER_LEN)
        return lcp_fail(err, LCP_ERR_TEE_SEALED_FORMAT, "sealed blob is %zu bytes, shorter than its 560-byte header",
                        blob_len);
    const uint8_t *kr = blob;
    uint16_t name = lcp_le16(kr + TEE_KR_KEYNAME), policy = lcp_le16(kr + TEE_KR_KEYPOLICY);
    if (name != LCP_TEE_KEYNAME_SEAL)
        return lcp_fail(err, LCP_ERR_TEE_SEALED_FORMAT, "key request names key %u, not SEAL (4)", name);
    /* The KSS policy bits (0x4..0x20) need Key Separation and Sharing, which no LCP enclave enables. */
    if (policy == 0 || (policy & ~(LCP_TEE_KEYPOLICY_MRENCLAVE | LCP_TEE_KEYPOLICY_MRSIGNER)) != 0)
        return lcp_fail(err, LCP_ERR_TEE_SEALED_FORMAT, "key policy 0x%x is not MRENCLAVE and/or MRSIGNER", policy);
    if (!lcp_is_zero(kr + TEE_KR_RESERVED1, 2) || !lcp_is_zero(kr + TEE_KR_RESERVED2, LCP_TEE_KEYREQUEST_LEN - TEE_KR_RESERVED2))
        return lcp_fail(err, LCP_ERR_TEE_SEALED_FORMAT, "key request has non-zero reserved bytes");
    if (!lcp_is_zero(blob + TEE_SD_RESERVED, 12) || !lcp_is_zero(blob + TEE_SD_AES_RESERVED, 12))
        return lcp_fail(err, LCP_ERR_TEE_SEALED_FORMAT, "sealed header has non-zero reserved bytes");
    uint32_t enc_len = lcp_le32(blob + TEE_SD_PLAIN_TEXT_OFFSET);
    uint32_t payload = lcp_le32(blob + TEE_SD_PAYLOAD_SIZE);
    if ((uint64_t)payload != (uint64_t)(blob_len - LCP_TEE_SEALED_HEADER_LEN))
        return lcp_fail(err, LCP_ERR_TEE_SEALED_FORMAT, "payload_size %u does not match the %zu bytes after the header",
                        payload, blob_len - LCP_TEE_SEALED_HEADER_LEN);
    if (enc_len == 0 || enc_len > payload)
        return lcp_fail(err, LCP_ERR_TEE_SEALED_FORMAT, "encrypted length %u is not within the payload of %u bytes",
                        enc_len, payload);
    lcp_tee_keyrequest *r = &out->req;
    r->key_name = name;
    r->key_policy = policy;
    r->isv_svn = lcp_le16(kr + TEE_KR_ISVSVN);
    memcpy(r->cpusvn, kr + TEE_KR_CPUSVN, 16);
    r->attribute_mask_flags = lcp_le64(kr + TEE_KR_ATTRMASK);
    r->attribute_mask_xfrm = lcp_le64(kr + TEE_KR_ATTRMASK + 8);
    memcpy(r->key_id, kr + TEE_KR_KEYID, LCP_TEE_KEY_ID_LEN);
    r->misc_mask = lcp_le32(kr + TEE_KR_MISCMASK);
    r->config_svn = lcp_le16(kr + TEE_KR_CONFIGSVN);
    out->ciphertext.ptr = blob + TEE_SD_PAYLOAD;
    out->ciphertext.len = enc_len;
    out->aad.ptr = blob + TEE_SD_PAYLOAD + enc_len;
    out->aad.len = payload - enc_len;
    memcpy(out->tag, blob + TEE_SD_TAG, 16);
    return LCP_OK;
}

int lcp_tee_cpusvn_le(const uint8_t a[16], const uint8_t b[16])
{
    for (int i = 0; i < 16; i++)
        if (a[i] > b[i]) return 0;
    return 1;
}

int lcp_tee_blob_seal(uint8_t *out, const lcp_tee_keyrequest *r, const uint8_t key[LCP_AES128_KEY_LEN],
                      const uint8_t *aad, size_t aad_len, const uint8_t *secret, size_t n)
{
    /* Zero IV, as the SDK: safe because the key request carries a fresh KEYID, so no key encrypts twice. */
    static const uint8_t iv[LCP_AES_GCM_IV_LEN] = {0};
    memset(out, 0, LCP_TEE_SEALED_HEADER_LEN);
    lcp_tee_keyrequest_write(out, r);
    lcp_put_le32(out + TEE_SD_PLAIN_TEXT_OFFSET, (uint32_t)n);
    lcp_put_le32(out + TEE_SD_PAYLOAD_SIZE, (uint32_t)(n + aad_len));
    if (aad_len) memcpy(out + TEE_SD_PAYLOAD + n, aad, aad_len);
    int rc = lcp_aes128_gcm_encrypt(out + TEE_SD_PAYLOAD, out + TEE_SD_TAG, key, iv, aad, aad_len, secret, n);
    if (rc != LCP_OK) lcp_memzero(out, LCP_TEE_SEALED_LEN(n, aad_len));
    return rc;
}
