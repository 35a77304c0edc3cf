/* BLS signatures of Ethereum's consensus layer (ciphersuite BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_) on the
 * arithmetic of bls_*.c: key and signature decoding with KeyValidate and subgroup checks, aggregation, Verify,
 * FastAggregateVerify and eth_fast_aggregate_verify (their two-thread forms are in bls_mt.c); signing for tools. */
#include <string.h>

#include "lcp/crypto_bls.h"
#include "crypto/bls_internal.h"
#include "crypto/bls_consts.h"

static const char DST_POP[] = LCP_BLS_DST_POP;

int lcp_bls_pubkey_decode(lcp_bls_pubkey *out, const uint8_t in[LCP_BLS_PUBKEY_LEN], char *err)
{
    LCP_ARG_CHECK(out != NULL && in != NULL);
    bls_fp x, y;
    int inf;
    memset(out, 0, sizeof *out);
    if (!lcp_bls_g1_decode(&x, &y, &inf, in))
        return lcp_fail(err, LCP_ERR_CRYPTO_KEY, "BLS public key: bad encoding, not on the curve or not in G1");
    if (inf) return lcp_fail(err, LCP_ERR_CRYPTO_KEY, "BLS public key: the point at infinity");
    memcpy(out->x, x.l, sizeof out->x);
    memcpy(out->y, y.l, sizeof out->y);
    return LCP_OK;
}

void lcp_bls_pubkey_encode(uint8_t out[LCP_BLS_PUBKEY_LEN], const lcp_bls_pubkey *pk)
{
    bls_fp x, y;
    memcpy(x.l, pk->x, sizeof x.l);
    memcpy(y.l, pk->y, sizeof y.l);
    lcp_bls_g1_encode(out, &x, &y, pk->infinity);
}

static int bit_set(const uint8_t *bits, size_t i) { return bits == NULL || ((bits[i / 8] >> (i % 8)) & 1); }

/* acc += the keys from..to-1 whose bit is set, with mixed additions; *count += their number */
void lcp_bls_aggregate_more(bls_g1 *acc, size_t *count, const lcp_bls_pubkey *pks, size_t from, size_t to,
                           const uint8_t *bits)
{
    for (size_t i = from; i < to; i++) {
        if (!bit_set(bits, i)) continue;
        (*count)++;
        if (pks[i].infinity) continue;
        bls_fp x, y;
        memcpy(x.l, pks[i].x, sizeof x.l);
        memcpy(y.l, pks[i].y, sizeof y.l);
        lcp_bls_g1_add_affine(acc, acc, &x, &y);
    }
}

/* Sum of the keys from..to-1 whose bit is set, in Jacobian coordinates; *count = number of keys added. */
static void aggregate_range(bls_g1 *acc, size_t *count, const lcp_bls_pubkey *pks, size_t from, size_t to,
                            const uint8_t *bits)
{
    lcp_bls_g1_set_inf(acc);
    *count = 0;
    lcp_bls_aggregate_more(acc, count, pks, from, to, bits);
}

static void aggregate(bls_g1 *acc, size_t *count, const lcp_bls_pubkey *pks, size_t n, const uint8_t *bits)
{
    aggregate_range(acc, count, pks, 0, n, bits);
}

void lcp_bls_g1_to_pubkey(lcp_bls_pubkey *out, const bls_g1 *p)
{
    memset(out, 0, sizeof *out);
    if (lcp_bls_g1_is_inf(p)) {
        out->infinity = 1;
        return;
    }
    bls_fp x, y;
    lcp_bls_g1_to_affine(&x, &y, p);
    memcpy(out->x, x.l, sizeof out->x);
    memcpy(out->y, y.l, sizeof out->y);
}

int lcp_bls_pubkey_aggregate(lcp_bls_pubkey *out, const lcp_bls_pubkey *pks, size_t n, const uint8_t *bits)
{
    LCP_ARG_CHECK(out != NULL && (pks != NULL || n == 0));
    bls_g1 acc;
    size_t count;
    aggregate(&acc, &count, pks, n, bits);
    lcp_bls_g1_to_pubkey(out, &acc);
    return LCP_OK;
}

int lcp_bls_pubkey_aggregate_with_total(lcp_bls_pubkey *out, const lcp_bls_pubkey *pks, size_t n,
                                        const uint8_t *bits, const lcp_bls_pubkey *total)
{
    LCP_ARG_CHECK(out != NULL && (pks != NULL || n == 0));
    size_t set = 0;
    for (size_t i = 0; i < n; i++) set += (size_t)bit_set(bits, i);
    if (total == NULL || set * 2 <= n) return lcp_bls_pubkey_aggregate(out, pks, n, bits);
    bls_g1 acc;
    bls_fp x, y;
    lcp_bls_g1_set_inf(&acc);
    if (!total->infinity) {
        memcpy(x.l, total->x, sizeof x.l);
        memcpy(y.l, total->y, sizeof y.l);
        lcp_bls_g1_from_affine(&acc, &x, &y);
    }
    for (size_t i = 0; i < n; i++) { /* subtract the keys left out */
        if (bit_set(bits, i) || pks[i].infinity) continue;
        memcpy(x.l, pks[i].x, sizeof x.l);
        memcpy(y.l, pks[i].y, sizeof y.l);
        lcp_bls_fp_neg(&y, &y);
        lcp_bls_g1_add_affine(&acc, &acc, &x, &y);
    }
    lcp_bls_g1_to_pubkey(out, &acc);
    return LCP_OK;
}

/* ---- the pairing check e(-G1, sig) * e(pk, H(m)) == 1 ---- */

/* both Miller loops in one (shared squarings) */
static int core_verify(const lcp_bls_pubkey *pk, const uint8_t *msg, size_t msg_len, const bls_g2 *sig)
{
    bls_g2 h;
    bls_pair pr[2];
    size_t n = 0;
    bls_fp12 f;
    (void)lcp_bls_hash_to_g2(&h, msg, msg_len, (const uint8_t *)DST_POP, sizeof DST_POP - 1);
    if (!lcp_bls_g2_is_inf(sig)) {
        pr[n].x = BLS_G1X;
        pr[n].y = BLS_G1Y_NEG;
        lcp_bls_g2_to_affine(&pr[n].qx, &pr[n].qy, sig);
        n++;
    }
    if (!lcp_bls_g2_is_inf(&h)) {
        memcpy(pr[n].x.l, pk->x, sizeof pr[n].x.l);
        memcpy(pr[n].y.l, pk->y, sizeof pr[n].y.l);
        lcp_bls_g2_to_affine(&pr[n].qx, &pr[n].qy, &h);
        n++;
    }
    if (n == 0) return 1;
    lcp_bls_miller_loop(&f, pr, n);
    lcp_bls_final_exp(&f, &f);
    return lcp_bls_fp12_is_one(&f);
}

static int decode_sig(bls_g2 *s, const uint8_t sig[LCP_BLS_SIG_LEN], char *err)
{
    if (!lcp_bls_g2_decode(s, sig))
        return lcp_fail(err, LCP_ERR_CRYPTO_SIG, "BLS signature: bad encoding, not on the curve or not in G2");
    return LCP_OK;
}

int lcp_bls_verify(const uint8_t pk[LCP_BLS_PUBKEY_LEN], const uint8_t *msg, size_t msg_len,
                   const uint8_t sig[LCP_BLS_SIG_LEN], char *err)
{
    LCP_ARG_CHECK(pk != NULL && (msg != NULL || msg_len == 0) && sig != NULL);
    lcp_bls_pubkey k;
    bls_g2 s;
    int rc = lcp_bls_pubkey_decode(&k, pk, err);
    if (rc != LCP_OK) return rc;
    if ((rc = decode_sig(&s, sig, err)) != LCP_OK) return rc;
    if (!core_verify(&k, msg, msg_len, &s))
        return lcp_fail(err, LCP_ERR_CRYPTO_VERIFY, "BLS signature does not verify");
    return LCP_OK;
}

static int aggregate_checked(lcp_bls_pubkey *agg, const lcp_bls_pubkey *pks, size_t n, const uint8_t *bits,
                             char *err)
{
    bls_g1 acc;
    size_t count;
    aggregate(&acc, &count, pks, n, bits);
    if (count == 0) return lcp_fail(err, LCP_ERR_CRYPTO_VERIFY, "BLS FastAggregateVerify: no public key");
    lcp_bls_g1_to_pubkey(agg, &acc);
    if (agg->infinity)
        return lcp_fail(err, LCP_ERR_CRYPTO_VERIFY, "BLS aggregate public key is the point at infinity");
    return LCP_OK;
}

int lcp_bls_fast_aggregate_verify(const lcp_bls_pubkey *pks, size_t n, const uint8_t *bits, const uint8_t *msg,
                                  size_t msg_len, const uint8_t sig[LCP_BLS_SIG_LEN], char *err)
{
    LCP_ARG_CHECK((pks != NULL || n == 0) && (msg != NULL || msg_len == 0) && sig != NULL);
    lcp_bls_pubkey agg;
    bls_g2 s;
    int rc = aggregate_checked(&agg, pks, n, bits, err);
    if (rc != LCP_OK) return rc;
    if ((rc = decode_sig(&s, sig, err)) != LCP_OK) return rc;
    if (!core_verify(&agg, msg, msg_len, &s))
        return lcp_fail(err, LCP_ERR_CRYPTO_VERIFY, "BLS aggregate signature does not verify");
    return LCP_OK;
}

int lcp_bls_verify_aggregated(const lcp_bls_pubkey *agg, const uint8_t *msg, size_t msg_len,
                              const uint8_t sig[LCP_BLS_SIG_LEN], char *err)
{
    LCP_ARG_CHECK(agg != NULL && (msg != NULL || msg_len == 0) && sig != NULL);
    bls_g2 s;
    if (agg->infinity) return lcp_fail(err, LCP_ERR_CRYPTO_VERIFY, "BLS aggregate public key is the point at infinity");
    int rc = decode_sig(&s, sig, err);
    if (rc != LCP_OK) return rc;
    if (!core_verify(agg, msg, msg_len, &s))
        return lcp_fail(err, LCP_ERR_CRYPTO_VERIFY, "BLS aggregate signature does not verify");
    return LCP_OK;
}

size_t lcp_bls_participants(const uint8_t *bits, size_t n)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++) c += (size_t)bit_set(bits, i);
    return c;
}

int lcp_bls_sig_is_infinity(const uint8_t sig[LCP_BLS_SIG_LEN])
{
    if (sig[0] != 0xc0) return 0;
    for (size_t i = 1; i < LCP_BLS_SIG_LEN; i++)
        if (sig[i]) return 0;
    return 1;
}

int lcp_bls_eth_fast_aggregate_verify(const lcp_bls_pubkey *pks, size_t n, const uint8_t *bits,
                                      const uint8_t *msg, size_t msg_len, const uint8_t sig[LCP_BLS_SIG_LEN],
                                      char *err)
{
    LCP_ARG_CHECK((pks != NULL || n == 0) && (msg != NULL || msg_len == 0) && sig != NULL);
    if (lcp_bls_participants(bits, n) == 0 && lcp_bls_sig_is_infinity(sig)) return LCP_OK;
    return lcp_bls_fast_aggregate_verify(pks, n, bits, msg, msg_len, sig, err);
}

/* ---- signing (tools): variable time ---- */

/* 32 big-endian bytes -> 4 little-endian limbs; 1 when 0 < sk < r */
static int scalar(uint64_t k[4], const uint8_t sk[LCP_BLS_SECKEY_LEN])
{
    for (int i = 0; i < 4; i++) {
        uint64_t w = 0;
        for (int b = 0; b < 8; b++) w = (w << 8) | sk[(3 - i) * 8 + b];
        k[i] = w;
    }
    if ((k[0] | k[1] | k[2] | k[3]) == 0) return 0;
    for (int i = 3; i >= 0; i--) {
        if (k[i] < BLS_R[i]) return 1;
        if (k[i] > BLS_R[i]) return 0;
    }
    return 0; /* k == r */
}

int lcp_bls_sk_to_pk(uint8_t pk[LCP_BLS_PUBKEY_LEN], const uint8_t sk[LCP_BLS_SECKEY_LEN])
{
    LCP_ARG_CHECK(pk != NULL && sk != NULL);
    uint64_t k[4];
    if (!scalar(k, sk)) return LCP_ERR_CRYPTO_KEY;
    bls_g1 g, p;
    bls_fp x, y;
    lcp_bls_g1_from_affine(&g, &BLS_G1X, &BLS_G1Y);
    lcp_bls_g1_mul(&p, &g, k, 4);
    lcp_memzero(k, sizeof k);
    lcp_bls_g1_to_affine(&x, &y, &p);
    lcp_bls_g1_encode(pk, &x, &y, 0);
    lcp_memzero(&p, sizeof p);
    return LCP_OK;
}

int lcp_bls_sign(uint8_t sig[LCP_BLS_SIG_LEN], const uint8_t sk[LCP_BLS_SECKEY_LEN], const uint8_t *msg,
                 size_t msg_len)
{
    LCP_ARG_CHECK(sig != NULL && sk != NULL && (msg != NULL || msg_len == 0));
    uint64_t k[4];
    if (!scalar(k, sk)) return LCP_ERR_CRYPTO_KEY;
    bls_g2 h, s;
    (void)lcp_bls_hash_to_g2(&h, msg, msg_len, (const uint8_t *)DST_POP, sizeof DST_POP - 1);
    lcp_bls_g2_mul(&s, &h, k, 4);
    lcp_memzero(k, sizeof k);
    lcp_bls_g2_encode(sig, &s);
    return LCP_OK;
}

int lcp_bls_aggregate_signatures(uint8_t out[LCP_BLS_SIG_LEN], const uint8_t (*sigs)[LCP_BLS_SIG_LEN], size_t n,
                                 char *err)
{
    LCP_ARG_CHECK(out != NULL && (sigs != NULL || n == 0));
    if (n == 0) return lcp_fail(err, LCP_ERR_CRYPTO_SIG, "BLS Aggregate: no signature");
    bls_g2 acc, s;
    lcp_bls_g2_set_inf(&acc);
    for (size_t i = 0; i < n; i++) {
        int rc = decode_sig(&s, sigs[i], err);
        if (rc != LCP_OK) return rc;
        lcp_bls_g2_add(&acc, &acc, &s);
    }
    lcp_bls_g2_encode(out, &acc);
    return LCP_OK;
}
