/* lcp/crypto.h — floor 2: hashes, secp256k1 enclave keys, randomness, constant-time comparison.
 *
 * Keccak-256 is written here (OpenSSL 3.0 has none); everything else wraps OpenSSL 3 or libsecp256k1.
 * Threading: every function is safe to call from many threads at once. libsecp256k1 needs a context; this module
 * creates one immutable, randomised context on first use (pthread_once) and only ever uses it as const, which
 * libsecp256k1 documents as thread-safe. No function here allocates except inside OpenSSL and that one context.
 * Secrets (secret keys) are never copied into memory this module keeps, and every local copy is wiped.
 */
#ifndef LCP_CRYPTO_H
#define LCP_CRYPTO_H

#include "lcp/base.h"

#ifdef __cplusplus
extern "C" {
#endif

#define LCP_KECCAK256_LEN 32
#define LCP_SHA256_LEN 32
#define LCP_ADDRESS_LEN 20
#define LCP_SECKEY_LEN 32
#define LCP_PUBKEY_LEN 65            /* uncompressed: 0x04 || X || Y */
#define LCP_PUBKEY_COMPRESSED_LEN 33 /* 0x02/0x03 || X */
#define LCP_SIGNATURE_LEN 65         /* r || s || v */

/* ---- Keccak-256 (the original Keccak padding 0x01, as Ethereum uses; not SHA3-256) ---- */
typedef struct {
    uint64_t st[25];
    size_t pos; /* bytes absorbed into the current block */
} lcp_keccak256_ctx;
void lcp_keccak256_init(lcp_keccak256_ctx *ctx);
void lcp_keccak256_update(lcp_keccak256_ctx *ctx, const uint8_t *in, size_t len);
/* Writes the digest and wipes ctx. */
void lcp_keccak256_final(lcp_keccak256_ctx *ctx, uint8_t out[LCP_KECCAK256_LEN]);
void lcp_keccak256(uint8_t out[LCP_KECCAK256_LEN], const uint8_t *in, size_t len);

/* ---- SHA-256 (OpenSSL) ---- */
int lcp_sha256(uint8_t out[LCP_SHA256_LEN], const uint8_t *in, size_t len) LCP_WARN_UNUSED;
/* SHA-256 over the concatenation of n parts, without building it. */
int lcp_sha256_parts(uint8_t out[LCP_SHA256_LEN], const lcp_bytes *parts, size_t n) LCP_WARN_UNUSED;
/* Streaming SHA-256. init allocates inside OpenSSL: always pair it with final or abort. */
typedef struct {
    void *md; /* EVP_MD_CTX */
} lcp_sha256_ctx;
int lcp_sha256_init(lcp_sha256_ctx *ctx) LCP_WARN_UNUSED;
int lcp_sha256_update(lcp_sha256_ctx *ctx, const uint8_t *in, size_t len) LCP_WARN_UNUSED;
/* Writes the digest and releases ctx (also on failure). */
int lcp_sha256_final(lcp_sha256_ctx *ctx, uint8_t out[LCP_SHA256_LEN]) LCP_WARN_UNUSED;
/* Releases ctx without a digest (error paths). */
void lcp_sha256_abort(lcp_sha256_ctx *ctx);

/* ---- secp256k1 (libsecp256k1 with its recovery module) ---- */
/* Returns LCP_OK if seckey is a valid secret scalar (non-zero, below the group order). */
int lcp_secp256k1_seckey_check(const uint8_t seckey[LCP_SECKEY_LEN]) LCP_WARN_UNUSED;
/* Out: pub: the uncompressed public key of seckey. Returns LCP_ERR_CRYPTO_KEY for an invalid seckey. */
int lcp_secp256k1_pubkey(uint8_t pub[LCP_PUBKEY_LEN], const uint8_t seckey[LCP_SECKEY_LEN]) LCP_WARN_UNUSED;
/* Out: out: 33-byte compressed form of an uncompressed or compressed public key. */
int lcp_secp256k1_pubkey_compress(uint8_t out[LCP_PUBKEY_COMPRESSED_LEN], const uint8_t *pub, size_t pub_len)
    LCP_WARN_UNUSED;
/* Ethereum address: keccak256(X || Y)[12..32] of an uncompressed (65-byte) or compressed (33-byte) key. */
int lcp_secp256k1_address(uint8_t addr[LCP_ADDRESS_LEN], const uint8_t *pub, size_t pub_len) LCP_WARN_UNUSED;
/* Signs a 32-byte digest (RFC 6979 nonce, low-s). Out: sig: r || s || v with v = recovery id in {0,1}. */
int lcp_secp256k1_sign(uint8_t sig[LCP_SIGNATURE_LEN], const uint8_t seckey[LCP_SECKEY_LEN],
                       const uint8_t digest[32]) LCP_WARN_UNUSED;
/* Recovers the signer of digest. sig must be exactly 65 bytes r || s || v with v in {0,1} or {27,28} (operators'
 * wallets send the latter, spec 6.8). High-s signatures are rejected (as OpenZeppelin's ECDSA.recover does) so that
 * a signature has exactly one accepted form.
 * Returns LCP_ERR_CRYPTO_SIG_LEN for a wrong length, LCP_ERR_CRYPTO_SIG for a bad v, r, s or no recoverable key.
 * Out: pub (may be NULL): uncompressed public key; addr (may be NULL): its Ethereum address. */
int lcp_secp256k1_recover(uint8_t pub[LCP_PUBKEY_LEN], uint8_t addr[LCP_ADDRESS_LEN], const uint8_t *sig,
                          size_t sig_len, const uint8_t digest[32], char *err) LCP_WARN_UNUSED;

/* ---- ed25519 (libsodium) ---- */
#define LCP_ED25519_PUBKEY_LEN 32
#define LCP_ED25519_SIG_LEN 64
/* Verifies an ed25519 signature with libsodium's crypto_sign_verify_detached. libsodium 1.0.18 rejects
 * non-canonical S, small-order public keys and small-order R; see docs in elc/tendermint for how this relates to
 * CometBFT's ZIP-215 rules. Returns LCP_OK or LCP_ERR_CRYPTO_VERIFY. */
int lcp_ed25519_verify(const uint8_t sig[LCP_ED25519_SIG_LEN], const uint8_t *msg, size_t msg_len,
                       const uint8_t pub[LCP_ED25519_PUBKEY_LEN]) LCP_WARN_UNUSED;

/* ---- randomness and comparison ---- */
/* Fills buf from the kernel CSPRNG (getrandom). */
int lcp_random(uint8_t *buf, size_t len) LCP_WARN_UNUSED;
/* Constant-time equality of two n-byte buffers: 1 if equal, 0 if not. Use it for MACs, keys and digests. */
int lcp_ct_equal(const void *a, const void *b, size_t n);

/* ---- AES-128-GCM, HMAC-SHA256, HKDF-SHA256 (OpenSSL; for sealing and the simulated EGETKEY/EREPORT) ----
 * Keys and plaintexts passed in are never copied into memory these functions keep; OpenSSL's cipher and MAC
 * contexts are freed (and so cleansed) before every return. */
#define LCP_AES128_KEY_LEN 16
#define LCP_AES_GCM_IV_LEN 12
#define LCP_AES_GCM_TAG_LEN 16
#define LCP_HMAC_SHA256_LEN 32

/* Encrypts n bytes of pt (n may be 0) with AES-128-GCM under key and a 12-byte iv, authenticating aad
 * (aad may be NULL when aad_len is 0). Out: ct (n bytes, may be pt itself), tag.
 * A (key, iv) pair must never encrypt two messages: callers that use a fixed iv use a fresh key per message. */
int lcp_aes128_gcm_encrypt(uint8_t *ct, uint8_t tag[LCP_AES_GCM_TAG_LEN], const uint8_t key[LCP_AES128_KEY_LEN],
                           const uint8_t iv[LCP_AES_GCM_IV_LEN], const uint8_t *aad, size_t aad_len,
                           const uint8_t *pt, size_t n) LCP_WARN_UNUSED;
/* Verifies tag over (aad, ct) first and only then decrypts into pt (n bytes; must not overlap ct): on
 * LCP_ERR_CRYPTO_VERIFY pt is untouched, so a forged message never releases a byte. The check costs one extra pass
 * of GCM over ct (into a wiped stack buffer); sealed secrets are small, so this is cheap. */
int lcp_aes128_gcm_decrypt(uint8_t *pt, const uint8_t key[LCP_AES128_KEY_LEN], const uint8_t iv[LCP_AES_GCM_IV_LEN],
                           const uint8_t *aad, size_t aad_len, const uint8_t *ct, size_t n,
                           const uint8_t tag[LCP_AES_GCM_TAG_LEN]) LCP_WARN_UNUSED;
/* HMAC-SHA256 under key (key_len bytes, may be 0) over the concatenation of n parts, without building it. */
int lcp_hmac_sha256(uint8_t out[LCP_HMAC_SHA256_LEN], const uint8_t *key, size_t key_len, const lcp_bytes *parts,
                    size_t n) LCP_WARN_UNUSED;
/* HKDF-SHA256 (RFC 5869), extract then expand. Out: out (out_len bytes, 1..8160). salt and info may be NULL when
 * their length is 0. Returns LCP_ERR_RANGE for an impossible out_len. */
int lcp_hkdf_sha256(uint8_t *out, size_t out_len, const uint8_t *ikm, size_t ikm_len, const uint8_t *salt,
                    size_t salt_len, const uint8_t *info, size_t info_len) LCP_WARN_UNUSED;

#ifdef __cplusplus
}
#endif
#endif
