/* secp256k1 enclave keys over libsecp256k1 (lcp/crypto.h). */
#include "lcp/crypto.h"

#include <pthread.h>
#include <secp256k1.h>
#include <secp256k1_recovery.h>
#include <string.h>

static secp256k1_context *ctx_signing;
static pthread_once_t ctx_once = PTHREAD_ONCE_INIT;

/* One context for the process: creating one per call would cost a table set-up each time (libsecp256k1 warns
 * against it). It is randomised once against side channels on the signing path, then only used as const. */
static void ctx_create(void)
{
    secp256k1_context *c = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
    if (c == NULL) return;
    uint8_t seed[32];
    if (lcp_random(seed, sizeof seed) == LCP_OK && secp256k1_context_randomize(c, seed)) ctx_signing = c;
    else secp256k1_context_destroy(c);
    lcp_memzero(seed, sizeof seed);
}

static const secp256k1_context *ctx_get(void)
{
    pthread_once(&ctx_once, ctx_create);
    return ctx_signing;
}

int lcp_secp256k1_seckey_check(const uint8_t seckey[LCP_SECKEY_LEN])
{
    return secp256k1_ec_seckey_verify(secp256k1_context_static, seckey) ? LCP_OK : LCP_ERR_CRYPTO_KEY;
}

int lcp_secp256k1_pubkey(uint8_t pub[LCP_PUBKEY_LEN], const uint8_t seckey[LCP_SECKEY_LEN])
{
    const secp256k1_context *c = ctx_get();
    if (c == NULL) return LCP_ERR_CRYPTO;
    secp256k1_pubkey pk;
    if (!secp256k1_ec_pubkey_create(c, &pk, seckey)) return LCP_ERR_CRYPTO_KEY;
    size_t len = LCP_PUBKEY_LEN;
    secp256k1_ec_pubkey_serialize(secp256k1_context_static, pub, &len, &pk, SECP256K1_EC_UNCOMPRESSED);
    return LCP_OK;
}

static int parse_pub(secp256k1_pubkey *pk, const uint8_t *pub, size_t pub_len)
{
    if (pub_len != LCP_PUBKEY_LEN && pub_len != LCP_PUBKEY_COMPRESSED_LEN) return LCP_ERR_CRYPTO_KEY;
    return secp256k1_ec_pubkey_parse(secp256k1_context_static, pk, pub, pub_len) ? LCP_OK : LCP_ERR_CRYPTO_KEY;
}

int lcp_secp256k1_pubkey_compress(uint8_t out[LCP_PUBKEY_COMPRESSED_LEN], const uint8_t *pub, size_t pub_len)
{
    secp256k1_pubkey pk;
    int rc = parse_pub(&pk, pub, pub_len);
    if (rc != LCP_OK) return rc;
    size_t len = LCP_PUBKEY_COMPRESSED_LEN;
    secp256k1_ec_pubkey_serialize(secp256k1_context_static, out, &len, &pk, SECP256K1_EC_COMPRESSED);
    return LCP_OK;
}

int lcp_secp256k1_address(uint8_t addr[LCP_ADDRESS_LEN], const uint8_t *pub, size_t pub_len)
{
    uint8_t full[LCP_PUBKEY_LEN];
    if (pub_len == LCP_PUBKEY_LEN && pub[0] == 0x04) {
        memcpy(full, pub, LCP_PUBKEY_LEN);
    } else {
        secp256k1_pubkey pk;
        int rc = parse_pub(&pk, pub, pub_len);
        if (rc != LCP_OK) return rc;
        size_t len = LCP_PUBKEY_LEN;
        secp256k1_ec_pubkey_serialize(secp256k1_context_static, full, &len, &pk, SECP256K1_EC_UNCOMPRESSED);
    }
    uint8_t h[LCP_KECCAK256_LEN];
    lcp_keccak256(h, full + 1, 64);
    memcpy(addr, h + 12, LCP_ADDRESS_LEN);
    return LCP_OK;
}

int lcp_secp256k1_sign(uint8_t sig[LCP_SIGNATURE_LEN], const uint8_t seckey[LCP_SECKEY_LEN], const uint8_t digest[32])
{
    const secp256k1_context *c = ctx_get();
    if (c == NULL) return LCP_ERR_CRYPTO;
    secp256k1_ecdsa_recoverable_signature rs;
    if (!secp256k1_ecdsa_sign_recoverable(c, &rs, digest, seckey, NULL, NULL)) return LCP_ERR_CRYPTO_KEY;
    int recid = 0;
    secp256k1_ecdsa_recoverable_signature_serialize_compact(secp256k1_context_static, sig, &recid, &rs);
    sig[64] = (uint8_t)recid;
    return LCP_OK;
}

int lcp_secp256k1_recover(uint8_t pub[LCP_PUBKEY_LEN], uint8_t addr[LCP_ADDRESS_LEN], const uint8_t *sig,
                          size_t sig_len, const uint8_t digest[32], char *err)
{
    if (sig_len != LCP_SIGNATURE_LEN)
        return lcp_fail(err, LCP_ERR_CRYPTO_SIG_LEN, "signature is %zu bytes, expected 65 (r || s || v)", sig_len);
    int v = sig[64];
    if (v == 27 || v == 28) v -= 27;
    if (v != 0 && v != 1) return lcp_fail(err, LCP_ERR_CRYPTO_SIG, "signature v is %d, expected 0, 1, 27 or 28", sig[64]);
    secp256k1_ecdsa_recoverable_signature rs;
    if (!secp256k1_ecdsa_recoverable_signature_parse_compact(secp256k1_context_static, &rs, sig, v))
        return lcp_fail(err, LCP_ERR_CRYPTO_SIG, "signature r or s is not below the group order");
    /* Reject high s: normalize reports whether it had to flip s. */
    secp256k1_ecdsa_signature plain;
    secp256k1_ecdsa_recoverable_signature_convert(secp256k1_context_static, &plain, &rs);
    if (secp256k1_ecdsa_signature_normalize(secp256k1_context_static, NULL, &plain))
        return lcp_fail(err, LCP_ERR_CRYPTO_SIG, "signature s is in the upper half of the order (malleable form)");
    secp256k1_pubkey pk;
    if (!secp256k1_ecdsa_recover(secp256k1_context_static, &pk, &rs, digest))
        return lcp_fail(err, LCP_ERR_CRYPTO_SIG, "no public key recovers from this signature");
    uint8_t full[LCP_PUBKEY_LEN];
    size_t len = LCP_PUBKEY_LEN;
    secp256k1_ec_pubkey_serialize(secp256k1_context_static, full, &len, &pk, SECP256K1_EC_UNCOMPRESSED);
    if (pub) memcpy(pub, full, LCP_PUBKEY_LEN);
    if (addr) {
        uint8_t h[LCP_KECCAK256_LEN];
        lcp_keccak256(h, full + 1, 64);
        memcpy(addr, h + 12, LCP_ADDRESS_LEN);
    }
    return LCP_OK;
}
