/* HMAC-SHA256 and HKDF-SHA256 through OpenSSL 3's EVP_MAC / EVP_KDF (lcp/crypto.h). */
#include "lcp/crypto.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

int lcp_hmac_sha256(uint8_t out[LCP_HMAC_SHA256_LEN], const uint8_t *key, size_t key_len, const lcp_bytes *parts,
                    size_t n)
{
    /* OpenSSL rejects a NULL key even of length 0; HMAC with an empty key is well defined (RFC 2104 pads it). */
    static const uint8_t empty[1] = {0};
    EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
    if (mac == NULL) return LCP_ERR_CRYPTO;
    EVP_MAC_CTX *c = EVP_MAC_CTX_new(mac);
    EVP_MAC_free(mac);
    if (c == NULL) return LCP_ERR_NOMEM;
    char digest[] = "SHA256";
    OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0), OSSL_PARAM_END};
    int ok = EVP_MAC_init(c, key_len ? key : empty, key_len, params);
    for (size_t i = 0; ok && i < n; i++)
        if (parts[i].len) ok = EVP_MAC_update(c, parts[i].ptr, parts[i].len);
    size_t olen = 0;
    ok = ok && EVP_MAC_final(c, out, &olen, LCP_HMAC_SHA256_LEN) && olen == LCP_HMAC_SHA256_LEN;
    EVP_MAC_CTX_free(c);
    return ok ? LCP_OK : LCP_ERR_CRYPTO;
}

int lcp_hkdf_sha256(uint8_t *out, size_t out_len, const uint8_t *ikm, size_t ikm_len, const uint8_t *salt,
                    size_t salt_len, const uint8_t *info, size_t info_len)
{
    if (out_len == 0 || out_len > 255 * LCP_SHA256_LEN) return LCP_ERR_RANGE;
    static const uint8_t empty[1] = {0};
    EVP_KDF *kdf = EVP_KDF_fetch(NULL, "HKDF", NULL);
    if (kdf == NULL) return LCP_ERR_CRYPTO;
    EVP_KDF_CTX *c = EVP_KDF_CTX_new(kdf);
    EVP_KDF_free(kdf);
    if (c == NULL) return LCP_ERR_NOMEM;
    char digest[] = "SHA256";
    /* OSSL_PARAM wants non-const pointers; the KDF copies and does not modify them. */
    OSSL_PARAM params[5];
    size_t np = 0;
    params[np++] = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, digest, 0);
    params[np++] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, (void *)(ikm_len ? ikm : empty), ikm_len);
    if (salt_len) params[np++] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, (void *)salt, salt_len);
    if (info_len) params[np++] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, (void *)info, info_len);
    params[np] = OSSL_PARAM_construct_end();
    int ok = EVP_KDF_derive(c, out, out_len, params) > 0;
    EVP_KDF_CTX_free(c);
    if (!ok) lcp_memzero(out, out_len);
    return ok ? LCP_OK : LCP_ERR_CRYPTO;
}
