/* lcp/crypto_bls.h — floor 2: BLS12-381 signatures as Ethereum's consensus layer uses them.
 *
 * Ciphersuite BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_ (public keys in G1, 48-byte compressed; signatures in G2,
 * 96-byte compressed; ZCash serialisation flags). Written here because Debian 12 packages no BLS12-381 library.
 * Verification is what the enclave needs; signing exists for test chains and tools (never inside the enclave).
 * Every decoder refuses non-canonical encodings, points off the curve and points outside the prime-order subgroup.
 * Threading: no shared state; every function may run on many threads at once. Nothing allocates but the
 * two-thread functions' threads and lcp_bls_worker_new.
 */
#ifndef LCP_CRYPTO_BLS_H
#define LCP_CRYPTO_BLS_H

#include "lcp/base.h"

#ifdef __cplusplus
extern "C" {
#endif

#define LCP_BLS_PUBKEY_LEN 48 /* compressed G1 */
#define LCP_BLS_SIG_LEN 96    /* compressed G2 */
#define LCP_BLS_SECKEY_LEN 32 /* big-endian scalar, 0 < sk < r */

/* A decoded, validated public key (an affine G1 point in the implementation's internal form). Decode once and
 * reuse: a sync committee's 512 keys are decoded when the committee is stored, not per update. */
typedef struct lcp_bls_worker lcp_bls_worker; /* a kept second thread (lcp_bls_worker_new) */

typedef struct {
    uint64_t x[6], y[6];
    int infinity; /* only ever set by aggregation of an empty set; decoders refuse infinity (KeyValidate) */
} lcp_bls_pubkey;

/* Decompresses and validates a public key (KeyValidate: on curve, in the subgroup, not infinity).
 * Returns LCP_OK or LCP_ERR_CRYPTO_KEY with a reason in err (LCP_ERR_LEN bytes, may be NULL). */
int lcp_bls_pubkey_decode(lcp_bls_pubkey *out, const uint8_t in[LCP_BLS_PUBKEY_LEN], char *err) LCP_WARN_UNUSED;
/* Compressed encoding of a decoded key (the inverse of decode). */
void lcp_bls_pubkey_encode(uint8_t out[LCP_BLS_PUBKEY_LEN], const lcp_bls_pubkey *pk);
/* Sum of the keys whose bit is set (bits: little-endian bit order as SSZ Bitvector; NULL = all n keys).
 * Out: out (may be infinity when no bit is set). */
int lcp_bls_pubkey_aggregate(lcp_bls_pubkey *out, const lcp_bls_pubkey *pks, size_t n, const uint8_t *bits)
    LCP_WARN_UNUSED;

/* The same aggregate computed from the committee's total (the sum of all n keys, e.g. a SyncCommittee's
 * aggregate_pubkey once checked against its keys): when more than half the bits are set, total minus the keys
 * left out (a mainnet update leaves out a few of 512), otherwise the plain sum. total may be NULL (plain sum). */
int lcp_bls_pubkey_aggregate_with_total(lcp_bls_pubkey *out, const lcp_bls_pubkey *pks, size_t n,
                                        const uint8_t *bits, const lcp_bls_pubkey *total) LCP_WARN_UNUSED;
/* CoreVerify with an aggregated key (from the functions above): the last step of FastAggregateVerify, for callers
 * that aggregate themselves and have already refused an empty participant set. An infinity key never verifies.
 * LCP_OK, LCP_ERR_CRYPTO_SIG or LCP_ERR_CRYPTO_VERIFY. */
int lcp_bls_verify_aggregated(const lcp_bls_pubkey *agg, const uint8_t *msg, size_t msg_len,
                              const uint8_t sig[LCP_BLS_SIG_LEN], char *err) LCP_WARN_UNUSED;

/* Verify(pk, msg, sig) of the POP ciphersuite. LCP_OK, LCP_ERR_CRYPTO_SIG (malformed signature encoding or point),
 * LCP_ERR_CRYPTO_KEY or LCP_ERR_CRYPTO_VERIFY. */
int lcp_bls_verify(const uint8_t pk[LCP_BLS_PUBKEY_LEN], const uint8_t *msg, size_t msg_len,
                   const uint8_t sig[LCP_BLS_SIG_LEN], char *err) LCP_WARN_UNUSED;
/* FastAggregateVerify over the keys whose bit is set (bits NULL = all n). n == 0 or no bit set is invalid. */
int lcp_bls_fast_aggregate_verify(const lcp_bls_pubkey *pks, size_t n, const uint8_t *bits, const uint8_t *msg,
                                  size_t msg_len, const uint8_t sig[LCP_BLS_SIG_LEN], char *err) LCP_WARN_UNUSED;
/* eth_fast_aggregate_verify: as above, except that no participant and the G2 infinity signature (0xc0 then zeros)
 * is valid (consensus specs, Altair). */
int lcp_bls_eth_fast_aggregate_verify(const lcp_bls_pubkey *pks, size_t n, const uint8_t *bits,
                                      const uint8_t *msg, size_t msg_len, const uint8_t sig[LCP_BLS_SIG_LEN],
                                      char *err) LCP_WARN_UNUSED;

/* The same checks as the two functions above with the work split over two threads (pthreads): the calling thread
 * hashes the message to G2, sums keys and runs the Miller loop of e(agg, H(m)), while the other thread sums the
 * rest of the keys, decompresses the signature and runs the Miller loop of e(-G1, sig); then the caller runs the
 * final exponentiation's chain of squarings while the other thread checks the signature's subgroup and multiplies
 * alongside (the caller does that work itself when the other is late). Same results and error codes as the
 * single-thread functions. The other thread is `w`'s (see lcp_bls_worker_new) or, when w is NULL or busy with
 * another caller's call, one started for this call (its stack allocated by the C library); if no thread can be
 * started, the single-thread function runs instead. Used by the benchmark and tests; the light client calls the
 * single-thread function. */
int lcp_bls_fast_aggregate_verify_mt(lcp_bls_worker *w, const lcp_bls_pubkey *pks, size_t n, const uint8_t *bits,
                                     const uint8_t *msg, size_t msg_len, const uint8_t sig[LCP_BLS_SIG_LEN],
                                     char *err) LCP_WARN_UNUSED;
int lcp_bls_eth_fast_aggregate_verify_mt(lcp_bls_worker *w, const lcp_bls_pubkey *pks, size_t n,
                                         const uint8_t *bits, const uint8_t *msg, size_t msg_len,
                                         const uint8_t sig[LCP_BLS_SIG_LEN], char *err) LCP_WARN_UNUSED;

/* A second thread kept for the two-thread functions, so that a call pays neither a thread's start (~24 us of the
 * caller's time on this VM, and the new thread runs 30-130 us later) nor, when woken ahead, a wake-up. After each
 * call, and after lcp_bls_worker_wake, it polls for work for spin_us microseconds (a core busy, to no one's
 * detriment on an otherwise idle one), then sleeps until the next call or wake. Created asleep. One call at a time
 * uses it; a concurrent caller gets a thread of its own. Allocates the context (lcp_malloc) and the thread. */
int lcp_bls_worker_new(lcp_bls_worker **w, unsigned spin_us, char *err) LCP_WARN_UNUSED;
/* Stops and joins the thread, frees the context; NULL is a no-op. No call may be running. */
void lcp_bls_worker_free(lcp_bls_worker *w);
/* Wake the worker now, ahead of a call, so that its wake-up overlaps the caller's other work (decoding an update,
 * hashing its containers); it then polls for spin_us. NULL is a no-op. */
void lcp_bls_worker_wake(lcp_bls_worker *w);
/* Send the worker to sleep now instead of after spin_us (frees its core for other work). NULL is a no-op. */
void lcp_bls_worker_park(lcp_bls_worker *w);

/* ---- signing: test chains and tools only; never linked into the enclave's code paths. VARIABLE TIME: the
 * scalar multiplications branch on the secret key's bits, so these must not run where timing can be observed. ---- */
/* Public key of a secret key (0 < sk < r, else LCP_ERR_CRYPTO_KEY). */
int lcp_bls_sk_to_pk(uint8_t pk[LCP_BLS_PUBKEY_LEN], const uint8_t sk[LCP_BLS_SECKEY_LEN]) LCP_WARN_UNUSED;
/* Sign(sk, msg) of the POP ciphersuite. */
int lcp_bls_sign(uint8_t sig[LCP_BLS_SIG_LEN], const uint8_t sk[LCP_BLS_SECKEY_LEN], const uint8_t *msg,
                 size_t msg_len) LCP_WARN_UNUSED;
/* Aggregate(sigs): the sum of n compressed signatures (each validated). */
int lcp_bls_aggregate_signatures(uint8_t out[LCP_BLS_SIG_LEN], const uint8_t (*sigs)[LCP_BLS_SIG_LEN], size_t n,
                                 char *err) LCP_WARN_UNUSED;

#ifdef __cplusplus
}
#endif
#endif
