/* ed25519 verification through libsodium (lcp/crypto.h). */
#include "lcp/crypto.h"

#include <sodium.h>

int lcp_ed25519_verify(const uint8_t sig[LCP_ED25519_SIG_LEN], const uint8_t *msg, size_t msg_len,
                       const uint8_t pub[LCP_ED25519_PUBKEY_LEN])
{
    /* sodium_init is idempotent and thread-safe; verification itself needs no global state, but libsodium asks
     * that it be called before any other function. */
    if (sodium_init() < 0) return LCP_ERR_CRYPTO;
    return crypto_sign_verify_detached(sig, msg, msg_len, pub) == 0 ? LCP_OK : LCP_ERR_CRYPTO_VERIFY;
}
