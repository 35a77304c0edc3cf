/* SHA-256 through OpenSSL's EVP interface (the low-level SHA256_* calls are deprecated in OpenSSL 3). */
#include "lcp/crypto.h"

#include <openssl/evp.h>

int lcp_sha256(uint8_t out[LCP_SHA256_LEN], const uint8_t *in, size_t len)
{
    lcp_bytes part = {in, len};
    return lcp_sha256_parts(out, &part, 1);
}

int lcp_sha256_parts(uint8_t out[LCP_SHA256_LEN], const lcp_bytes *parts, size_t n)
{
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    if (md == NULL) return LCP_ERR_NOMEM;
    int ok = EVP_DigestInit_ex(md, EVP_sha256(), NULL);
    for (size_t i = 0; ok && i < n; i++)
        if (parts[i].len) ok = EVP_DigestUpdate(md, parts[i].ptr, parts[i].len);
    unsigned int olen = 0;
    if (ok) ok = EVP_DigestFinal_ex(md, out, &olen);
    EVP_MD_CTX_free(md);
    return ok && olen == LCP_SHA256_LEN ? LCP_OK : LCP_ERR_CRYPTO;
}

int lcp_sha256_init(lcp_sha256_ctx *ctx)
{
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    if (md == NULL) return LCP_ERR_NOMEM;
    if (!EVP_DigestInit_ex(md, EVP_sha256(), NULL)) {
        EVP_MD_CTX_free(md);
        return LCP_ERR_CRYPTO;
    }
    ctx->md = md;
    return LCP_OK;
}

int lcp_sha256_update(lcp_sha256_ctx *ctx, const uint8_t *in, size_t len)
{
    if (len == 0) return LCP_OK;
    return EVP_DigestUpdate((EVP_MD_CTX *)ctx->md, in, len) ? LCP_OK : LCP_ERR_CRYPTO;
}

int lcp_sha256_final(lcp_sha256_ctx *ctx, uint8_t out[LCP_SHA256_LEN])
{
    unsigned int olen = 0;
    int ok = EVP_DigestFinal_ex((EVP_MD_CTX *)ctx->md, out, &olen);
    lcp_sha256_abort(ctx);
    return ok && olen == LCP_SHA256_LEN ? LCP_OK : LCP_ERR_CRYPTO;
}

void lcp_sha256_abort(lcp_sha256_ctx *ctx)
{
    EVP_MD_CTX_free((EVP_MD_CTX *)ctx->md);
    ctx->md = NULL;
}
