/* AES-128-GCM through OpenSSL's EVP interface (lcp/crypto.h). Used by sealing, where the tag check must come
 * before any plaintext leaves: decryption is therefore two passes (verify into scratch, then decrypt). */
#include "lcp/crypto.h"

#include <limits.h>
#include <openssl/evp.h>

/* EVP takes int lengths; feed larger inputs in pieces. aad mode when out is NULL. scratch mode when out is
 * the scratch buffer (output discarded): out_step is 0 then, and each piece must fit the scratch. */
static int feed(EVP_CIPHER_CTX *c, int enc, uint8_t *out, size_t out_step, const uint8_t *in, size_t n,
                size_t piece)
{
    while (n > 0) {
        size_t k = n < piece ? n : piece;
        int outl = 0;
        int ok = enc ? EVP_EncryptUpdate(c, out, &outl, in, (int)k) : EVP_DecryptUpdate(c, out, &outl, in, (int)k);
        /* GCM is a stream mode: every byte in gives a byte out (none for aad). */
        if (!ok || (out != NULL && (size_t)outl != k)) return 0;
        in += k;
        n -= k;
        if (out != NULL) out += out_step ? k : 0;
    }
    return 1;
}

static EVP_CIPHER_CTX *start(int enc, const uint8_t key[LCP_AES128_KEY_LEN], const uint8_t iv[LCP_AES_GCM_IV_LEN],
                             const uint8_t *aad, size_t aad_len)
{
    EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
    if (c == NULL) return NULL;
    int ok = enc ? EVP_EncryptInit_ex(c, EVP_aes_128_gcm(), NULL, NULL, NULL)
                 : EVP_DecryptInit_ex(c, EVP_aes_128_gcm(), NULL, NULL, NULL);
    ok = ok && EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_IVLEN, LCP_AES_GCM_IV_LEN, NULL);
    ok = ok && (enc ? EVP_EncryptInit_ex(c, NULL, NULL, key, iv) : EVP_DecryptInit_ex(c, NULL, NULL, key, iv));
    ok = ok && feed(c, enc, NULL, 0, aad, aad_len, INT_MAX / 2);
    if (!ok) {
        EVP_CIPHER_CTX_free(c);
        return NULL;
    }
    return c;
}

int lcp_aes128_gcm_encrypt(uint8_t *ct, uint8_t tag[LCP_AES_GCM_TAG_LEN], const uint8_t key[LCP_AES128_KEY_LEN],
                           const uint8_t iv[LCP_AES_GCM_IV_LEN], const uint8_t *aad, size_t aad_len,
                           const uint8_t *pt, size_t n)
{
    EVP_CIPHER_CTX *c = start(1, key, iv, aad, aad_len);
    if (c == NULL) return LCP_ERR_CRYPTO;
    int outl = 0;
    uint8_t fin[16];
    int ok = feed(c, 1, ct, 1, pt, n, INT_MAX / 2) && EVP_EncryptFinal_ex(c, fin, &outl) && outl == 0 &&
             EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, LCP_AES_GCM_TAG_LEN, tag);
    EVP_CIPHER_CTX_free(c);
    return ok ? LCP_OK : LCP_ERR_CRYPTO;
}

/* One decryption pass. Out: *authentic = 1 if the tag matched. With pt == NULL the plaintext goes to a stack
 * scratch buffer that is wiped before returning. Returns 0 on a library failure. */
static int pass(int *authentic, uint8_t *pt, const uint8_t key[LCP_AES128_KEY_LEN],
                const uint8_t iv[LCP_AES_GCM_IV_LEN], const uint8_t *aad, size_t aad_len, const uint8_t *ct, size_t n,
                const uint8_t tag[LCP_AES_GCM_TAG_LEN])
{
    *authentic = 0;
    EVP_CIPHER_CTX *c = start(0, key, iv, aad, aad_len);
    if (c == NULL) return 0;
    uint8_t scratch[256], fin[16];
    int ok = pt ? feed(c, 0, pt, 1, ct, n, INT_MAX / 2) : feed(c, 0, scratch, 0, ct, n, sizeof scratch);
    /* EVP's SET_TAG takes a non-const pointer but only copies from it. */
    uint8_t t[LCP_AES_GCM_TAG_LEN];
    for (int i = 0; i < LCP_AES_GCM_TAG_LEN; i++) t[i] = tag[i];
    ok = ok && EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, LCP_AES_GCM_TAG_LEN, t);
    int outl = 0;
    if (ok) *authentic = EVP_DecryptFinal_ex(c, fin, &outl) > 0 && outl == 0;
    lcp_memzero(scratch, sizeof scratch);
    EVP_CIPHER_CTX_free(c);
    return ok;
}

int lcp_aes128_gcm_decrypt(uint8_t *pt, const uint8_t key[LCP_AES128_KEY_LEN], const uint8_t iv[LCP_AES_GCM_IV_LEN],
                           const uint8_t *aad, size_t aad_len, const uint8_t *ct, size_t n,
                           const uint8_t tag[LCP_AES_GCM_TAG_LEN])
{
    int authentic = 0;
    if (!pass(&authentic, NULL, key, iv, aad, aad_len, ct, n, tag)) return LCP_ERR_CRYPTO;
    if (!authentic) return LCP_ERR_CRYPTO_VERIFY;
    if (!pass(&authentic, pt, key, iv, aad, aad_len, ct, n, tag) || !authentic) {
        /* Unreachable unless OpenSSL disagrees with itself; never leave half a plaintext behind. */
        lcp_memzero(pt, n);
        return LCP_ERR_CRYPTO;
    }
    return LCP_OK;
}
