/* bls_internal.h — BLS12-381 arithmetic shared by src/crypto/bls_*.c (not a public interface).
 *
 * Fp elements are 6 little-endian 64-bit limbs in Montgomery form (aR mod p, R = 2^384), always fully reduced
 * (< p). Tower: Fp2 = Fp[i]/(i^2+1), Fp6 = Fp2[v]/(v^3-xi) with xi = 1+i, Fp12 = Fp6[w]/(w^2-v).
 * Points are Jacobian (x = X/Z^2, y = Y/Z^3; Z = 0 is infinity) on E1: y^2 = x^3+4 over Fp and on the M-type twist
 * E2: y^2 = x^3+4(1+i) over Fp2. Nothing here is constant-time: verification handles public data only, and
 * signing (tools) is documented as variable-time in lcp/crypto_bls.h. */
#ifndef LCP_BLS_INTERNAL_H
#define LCP_BLS_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef struct {
    uint64_t l[6];
} bls_fp;
typedef struct {
    bls_fp c0, c1;
} bls_fp2;
typedef struct {
    bls_fp2 c0, c1, c2;
} bls_fp6;
typedef struct {
    bls_fp6 c0, c1;
} bls_fp12;
typedef struct {
    bls_fp x, y, z;
} bls_g1;
typedef struct {
    bls_fp2 x, y, z;
} bls_g2;

#include "crypto/bls_consts.h"

/* ---- Fp ---- */
/* The hot operations are inline (static in every including file): a call costs as much as an addition. */
typedef unsigned __int128 bls_u128;

/* a - p when a >= p (a < 2p), without a data-dependent branch (the outcome is a coin toss, so a branch mispredicts
 * half the time) */
static inline void bls_fp_reduce_once(uint64_t a[6])
{
    uint64_t t[6], borrow = 0;
    for (int i = 0; i < 6; i++) {
        bls_u128 d = (bls_u128)a[i] - BLS_P[i] - borrow;
        t[i] = (uint64_t)d;
        borrow = (uint64_t)(d >> 64) & 1;
    }
    uint64_t keep = 0 - borrow; /* all ones: a < p, keep a */
    for (int i = 0; i < 6; i++) a[i] = (a[i] & keep) | (t[i] & ~keep);
}

static inline void lcp_bls_fp_add(bls_fp *r, const bls_fp *a, const bls_fp *b)
{
    uint64_t carry = 0; /* a + b < 2p < 2^384: no carry out */
    for (int i = 0; i < 6; i++) {
        bls_u128 s = (bls_u128)a->l[i] + b->l[i] + carry;
        r->l[i] = (uint64_t)s;
        carry = (uint64_t)(s >> 64);
    }
    bls_fp_reduce_once(r->l);
}

static inline void lcp_bls_fp_sub(bls_fp *r, const bls_fp *a, const bls_fp *b)
{
    uint64_t borrow = 0;
    for (int i = 0; i < 6; i++) {
        bls_u128 d = (bls_u128)a->l[i] - b->l[i] - borrow;
        r->l[i] = (uint64_t)d;
        borrow = (uint64_t)(d >> 64) & 1;
    }
    uint64_t mask = 0 - borrow, carry = 0; /* add p back when it went negative */
    for (int i = 0; i < 6; i++) {
        bls_u128 s = (bls_u128)r->l[i] + (BLS_P[i] & mask) + carry;
        r->l[i] = (uint64_t)s;
        carry = (uint64_t)(s >> 64);
    }
}

static inline void lcp_bls_fp_neg(bls_fp *r, const bls_fp *a)
{
    if ((a->l[0] | a->l[1] | a->l[2] | a->l[3] | a->l[4] | a->l[5]) == 0) {
        *r = *a;
        return;
    }
    uint64_t borrow = 0;
    for (int i = 0; i < 6; i++) {
        bls_u128 d = (bls_u128)BLS_P[i] - a->l[i] - borrow;
        r->l[i] = (uint64_t)d;
        borrow = (uint64_t)(d >> 64) & 1;
    }
}

/* Montgomery multiplication, CIOS with the reduction interleaved. p's top limb is below 2^63 - 1, so the running
 * value fits 6 limbs without the usual extra carry words (the "no-carry" variant), and one conditional subtraction
 * ends it. Written with scalar locals, which gcc keeps in registers (an array it does not, quite). */
static inline uint64_t bls_mac(uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t *hi)
{
    bls_u128 s = (bls_u128)a * b + c + d;
    *hi = (uint64_t)(s >> 64);
    return (uint64_t)s;
}

static inline void lcp_bls_fp_mul(bls_fp *r, const bls_fp *a, const bls_fp *b)
{
    uint64_t t0 = 0, t1 = 0, t2 = 0, t3 = 0, t4 = 0, t5 = 0, A, C, m;
    const uint64_t a0 = a->l[0], a1 = a->l[1], a2 = a->l[2], a3 = a->l[3], a4 = a->l[4], a5 = a->l[5];
#define BLS_CIOS_ROUND(bi)                                                                                         \
    do {                                                                                                           \
        uint64_t b_ = (bi);                                                                                        \
        t0 = bls_mac(a0, b_, t0, 0, &A);                                                                           \
        m = t0 * BLS_N0;                                                                                           \
        (void)bls_mac(m, BLS_P[0], t0, 0, &C);                                                                     \
        t1 = bls_mac(a1, b_, t1, A, &A);                                                                           \
        t0 = bls_mac(m, BLS_P[1], t1, C, &C);                                                                      \
        t2 = bls_mac(a2, b_, t2, A, &A);                                                                           \
        t1 = bls_mac(m, BLS_P[2], t2, C, &C);                                                                      \
        t3 = bls_mac(a3, b_, t3, A, &A);                                                                           \
        t2 = bls_mac(m, BLS_P[3], t3, C, &C);                                                                      \
        t4 = bls_mac(a4, b_, t4, A, &A);                                                                           \
        t3 = bls_mac(m, BLS_P[4], t4, C, &C);                                                                      \
        t5 = bls_mac(a5, b_, t5, A, &A);                                                                           \
        t4 = bls_mac(m, BLS_P[5], t5, C, &C);                                                                      \
        t5 = C + A;                                                                                                \
    } while (0)
    BLS_CIOS_ROUND(b->l[0]);
    BLS_CIOS_ROUND(b->l[1]);
    BLS_CIOS_ROUND(b->l[2]);
    BLS_CIOS_ROUND(b->l[3]);
    BLS_CIOS_ROUND(b->l[4]);
    BLS_CIOS_ROUND(b->l[5]);
#undef BLS_CIOS_ROUND
    uint64_t t[6] = {t0, t1, t2, t3, t4, t5};
    bls_fp_reduce_once(t);
    memcpy(r->l, t, 48);
}

void lcp_bls_fp_sqr(bls_fp *r, const bls_fp *a);

/* Lazy reduction for Fp2: 768-bit products and one Montgomery reduction per output instead of per product. */
static inline void bls_fp_mul_wide(uint64_t r[12], const bls_fp *a, const bls_fp *b)
{
    memset(r, 0, 12 * sizeof r[0]);
#pragma GCC unroll 6
    for (int i = 0; i < 6; i++) {
        uint64_t c = 0;
#pragma GCC unroll 6
        for (int j = 0; j < 6; j++) {
            bls_u128 s = (bls_u128)a->l[j] * b->l[i] + r[i + j] + c;
            r[i + j] = (uint64_t)s;
            c = (uint64_t)(s >> 64);
        }
        r[i + 6] = c;
    }
}

/* Montgomery reduction of t < 2p^2 (< pR): r = t / R mod p, fully reduced */
static inline void bls_fp_redc(bls_fp *r, const uint64_t t[12])
{
    uint64_t u[12], c2 = 0; /* c2: the carry into u[i+7] left by row i */
    memcpy(u, t, sizeof u);
#pragma GCC unroll 6
    for (int i = 0; i < 6; i++) {
        uint64_t m = u[i] * BLS_N0, c = 0;
#pragma GCC unroll 6
        for (int j = 0; j < 6; j++) {
            bls_u128 s = (bls_u128)m * BLS_P[j] + u[i + j] + c;
            u[i + j] = (uint64_t)s;
            c = (uint64_t)(s >> 64);
        }
        bls_u128 s = (bls_u128)u[i + 6] + c + c2;
        u[i + 6] = (uint64_t)s;
        c2 = (uint64_t)(s >> 64);
    }
    /* t < pR keeps the result below 2p < 2^383: c2 is 0 */
    memcpy(r->l, u + 6, 48);
    bls_fp_reduce_once(r->l);
}


void lcp_bls_fp_inv(bls_fp *r, const bls_fp *a); /* 0 -> 0 */
/* r = sqrt(a) when a is a square (returns 1); else r = sqrt(-a) and returns 0 (-1 is a non-square mod p). */
int lcp_bls_fp_sqrt(bls_fp *r, const bls_fp *a);
int lcp_bls_fp_is_zero(const bls_fp *a);
int lcp_bls_fp_eq(const bls_fp *a, const bls_fp *b);
void lcp_bls_fp_set_one(bls_fp *r);
/* big-endian 48 bytes -> Montgomery form; returns 0 when the value is >= p */
int lcp_bls_fp_from_bytes(bls_fp *r, const uint8_t in[48]);
void lcp_bls_fp_to_bytes(uint8_t out[48], const bls_fp *a);
/* the canonical (non-Montgomery) value */
void lcp_bls_fp_from_mont(uint64_t out[6], const bls_fp *a);
/* a > (p-1)/2 as an integer (the ZCash "lexicographically largest" rule) */
int lcp_bls_fp_is_large(const bls_fp *a);
/* 64 big-endian bytes reduced mod p (hash_to_field) */
void lcp_bls_fp_from_64(bls_fp *r, const uint8_t in[64]);

/* ---- Fp2 ---- */
void lcp_bls_fp2_add(bls_fp2 *r, const bls_fp2 *a, const bls_fp2 *b);
void lcp_bls_fp2_sub(bls_fp2 *r, const bls_fp2 *a, const bls_fp2 *b);
void lcp_bls_fp2_neg(bls_fp2 *r, const bls_fp2 *a);
void lcp_bls_fp2_dbl(bls_fp2 *r, const bls_fp2 *a);
void lcp_bls_fp2_conj(bls_fp2 *r, const bls_fp2 *a);
void lcp_bls_fp2_mul(bls_fp2 *r, const bls_fp2 *a, const bls_fp2 *b);
void lcp_bls_fp2_mul_fp(bls_fp2 *r, const bls_fp2 *a, const bls_fp *b);
void lcp_bls_fp2_sqr(bls_fp2 *r, const bls_fp2 *a);
void lcp_bls_fp2_mul_xi(bls_fp2 *r, const bls_fp2 *a); /* times 1+i */
void lcp_bls_fp2_inv(bls_fp2 *r, const bls_fp2 *a);
int lcp_bls_fp2_sqrt(bls_fp2 *r, const bls_fp2 *a); /* 1 and r when a is a square, else 0 */
/* the same when s (either sign) is already known to be a square root of a's norm a0^2 + a1^2 */
int lcp_bls_fp2_sqrt_norm(bls_fp2 *r, const bls_fp2 *a, const bls_fp *s);
int lcp_bls_fp2_is_zero(const bls_fp2 *a);
int lcp_bls_fp2_eq(const bls_fp2 *a, const bls_fp2 *b);
int lcp_bls_fp2_sgn0(const bls_fp2 *a);     /* RFC 9380 sgn0 */
int lcp_bls_fp2_is_large(const bls_fp2 *a); /* ZCash rule: compare c1, then c0 when c1 = 0 */

/* ---- Fp6 / Fp12 ---- */
void lcp_bls_fp12_set_one(bls_fp12 *r);
void lcp_bls_fp12_mul(bls_fp12 *r, const bls_fp12 *a, const bls_fp12 *b);
void lcp_bls_fp12_sqr(bls_fp12 *r, const bls_fp12 *a);
/* r = f * (l0 + l1 v + l4 v w): a Miller-loop line */
void lcp_bls_fp12_mul_line(bls_fp12 *f, const bls_fp2 *l0, const bls_fp2 *l1, const bls_fp2 *l4);
void lcp_bls_fp12_conj(bls_fp12 *r, const bls_fp12 *a);
void lcp_bls_fp12_inv(bls_fp12 *r, const bls_fp12 *a);
void lcp_bls_fp12_frob(bls_fp12 *r, const bls_fp12 *a, int k); /* k = 1, 2, 3 */
void lcp_bls_fp12_cyc_sqr(bls_fp12 *r, const bls_fp12 *a);
int lcp_bls_fp12_is_one(const bls_fp12 *a);
/* f^((p^12-1)/r) up to a fixed cube (3 is prime to r, so the result is 1 exactly when the pairing product is) */
void lcp_bls_final_exp(bls_fp12 *r, const bls_fp12 *f);

/* ---- G1 ---- */
void lcp_bls_g1_set_inf(bls_g1 *r);
int lcp_bls_g1_is_inf(const bls_g1 *a);
void lcp_bls_g1_from_affine(bls_g1 *r, const bls_fp *x, const bls_fp *y);
void lcp_bls_g1_to_affine(bls_fp *x, bls_fp *y, const bls_g1 *a); /* a not infinity */
void lcp_bls_g1_dbl(bls_g1 *r, const bls_g1 *a);
void lcp_bls_g1_add(bls_g1 *r, const bls_g1 *a, const bls_g1 *b);
void lcp_bls_g1_add_affine(bls_g1 *r, const bls_g1 *a, const bls_fp *x, const bls_fp *y);
void lcp_bls_g1_neg(bls_g1 *r, const bls_g1 *a);
int lcp_bls_g1_eq(const bls_g1 *a, const bls_g1 *b);
void lcp_bls_g1_mul(bls_g1 *r, const bls_g1 *a, const uint64_t *k, size_t limbs); /* variable time */
int lcp_bls_g1_on_curve_affine(const bls_fp *x, const bls_fp *y);
int lcp_bls_g1_in_subgroup(const bls_g1 *a);
/* compressed encoding: returns 0 on a malformed encoding, off-curve or non-subgroup point; inf set for infinity */
int lcp_bls_g1_decode(bls_fp *x, bls_fp *y, int *inf, const uint8_t in[48]);
void lcp_bls_g1_encode(uint8_t out[48], const bls_fp *x, const bls_fp *y, int inf);

/* ---- G2 ---- */
void lcp_bls_g2_set_inf(bls_g2 *r);
int lcp_bls_g2_is_inf(const bls_g2 *a);
void lcp_bls_g2_from_affine(bls_g2 *r, const bls_fp2 *x, const bls_fp2 *y);
void lcp_bls_g2_to_affine(bls_fp2 *x, bls_fp2 *y, const bls_g2 *a);
void lcp_bls_g2_dbl(bls_g2 *r, const bls_g2 *a);
void lcp_bls_g2_add(bls_g2 *r, const bls_g2 *a, const bls_g2 *b);
void lcp_bls_g2_neg(bls_g2 *r, const bls_g2 *a);
int lcp_bls_g2_eq(const bls_g2 *a, const bls_g2 *b);
void lcp_bls_g2_mul(bls_g2 *r, const bls_g2 *a, const uint64_t *k, size_t limbs); /* variable time */
void lcp_bls_g2_mul_x(bls_g2 *r, const bls_g2 *a);                           /* times x (negative) */
void lcp_bls_g2_psi(bls_g2 *r, const bls_g2 *a);
int lcp_bls_g2_on_curve(const bls_g2 *a);
int lcp_bls_g2_in_subgroup(const bls_g2 *a);
void lcp_bls_g2_clear_cofactor(bls_g2 *r, const bls_g2 *a);
int lcp_bls_g2_decode(bls_g2 *r, const uint8_t in[96]); /* as lcp_bls_g1_decode; r may be infinity */
void lcp_bls_g2_encode(uint8_t out[96], const bls_g2 *a);

/* ---- hash to curve (RFC 9380, BLS12381G2_XMD:SHA-256_SSWU_RO_) ---- */
/* expand_message_xmd with SHA-256; len <= 8160, dst_len <= 255 (a longer DST is first hashed, as the RFC says).
 * Returns 0 on a length out of range. */
int lcp_bls_expand_xmd(uint8_t *out, size_t len, const uint8_t *msg, size_t msg_len, const uint8_t *dst,
                       size_t dst_len);
int lcp_bls_hash_to_g2(bls_g2 *r, const uint8_t *msg, size_t msg_len, const uint8_t *dst, size_t dst_len);
void lcp_bls_map_to_g2(bls_g2 *r, const bls_fp2 *u); /* SSWU + isogeny, no cofactor clearing */

/* ---- pairing ---- */
typedef struct {
    bls_fp x, y;   /* G1 affine, not infinity */
    bls_fp2 qx, qy; /* G2 affine, not infinity */
} bls_pair;
/* product of the Miller loops f_{|x|,Q}(P) over n <= 4 pairs (more are ignored), conjugated for the negative x */
void lcp_bls_miller_loop(bls_fp12 *f, const bls_pair *pairs, size_t n);

#endif
