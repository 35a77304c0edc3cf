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
#include "lcp/crypto_bls.h"

/* ---- Fp ---- */
/* The hot operations are inline (static in every including file): a call costs as much as an addition. They are
 * written as straight-line carry chains: on x86-64 with the add-with-carry intrinsics (gcc and clang turn them into
 * adc/sbb chains; the same code written with 128-bit sums becomes two or three instructions per limb and keeps
 * loops that -O2 does not unroll), elsewhere with 128-bit sums. */
typedef unsigned __int128 bls_u128;

#if defined(__x86_64__)
#include <x86intrin.h>
/* c: carry (borrow) in and out, 0 or 1 */
#define BLS_ADC(c, a, b, out)                                                                                      \
    do {                                                                                                           \
        unsigned long long o_;                                                                                     \
        (c) = _addcarry_u64((c), (a), (b), &o_);                                                                   \
        (out) = o_;                                                                                                \
    } while (0)
#define BLS_SBB(c, a, b, out)                                                                                      \
    do {                                                                                                           \
        unsigned long long o_;                                                                                     \
        (c) = _subborrow_u64((c), (a), (b), &o_);                                                                  \
        (out) = o_;                                                                                                \
    } while (0)
typedef unsigned char bls_carry;
#else
#define BLS_ADC(c, a, b, out)                                                                                      \
    do {                                                                                                           \
        bls_u128 s_ = (bls_u128)(a) + (b) + (c);                                                                   \
        (out) = (uint64_t)s_;                                                                                      \
        (c) = (uint64_t)(s_ >> 64);                                                                                \
    } while (0)
#define BLS_SBB(c, a, b, out)                                                                                      \
    do {                                                                                                           \
        bls_u128 d_ = (bls_u128)(a) - (b) - (c);                                                                   \
        (out) = (uint64_t)d_;                                                                                      \
        (c) = (uint64_t)(d_ >> 64) & 1;                                                                            \
    } while (0)
typedef uint64_t bls_carry;
#endif
#define BLS_LO(x) ((uint64_t)(x))
#define BLS_HI(x) ((uint64_t)((x) >> 64))

/* r = (s0..s5) - p when that does not go negative, else s (s < 2p) */
#define BLS_SUB_P_SELECT(r, s0, s1, s2, s3, s4, s5)                                                                \
    do {                                                                                                           \
        uint64_t u0_, u1_, u2_, u3_, u4_, u5_;                                                                     \
        bls_carry b_ = 0;                                                                                          \
        BLS_SBB(b_, s0, BLS_P[0], u0_);                                                                            \
        BLS_SBB(b_, s1, BLS_P[1], u1_);                                                                            \
        BLS_SBB(b_, s2, BLS_P[2], u2_);                                                                            \
        BLS_SBB(b_, s3, BLS_P[3], u3_);                                                                            \
        BLS_SBB(b_, s4, BLS_P[4], u4_);                                                                            \
        BLS_SBB(b_, s5, BLS_P[5], u5_);                                                                            \
        uint64_t m_ = 0 - (uint64_t)b_; /* a mask, not a branch: the outcome is a coin toss */                  \
        (r)[0] = u0_ ^ ((u0_ ^ (s0)) & m_);                                                                        \
        (r)[1] = u1_ ^ ((u1_ ^ (s1)) & m_);                                                                        \
        (r)[2] = u2_ ^ ((u2_ ^ (s2)) & m_);                                                                        \
        (r)[3] = u3_ ^ ((u3_ ^ (s3)) & m_);                                                                        \
        (r)[4] = u4_ ^ ((u4_ ^ (s4)) & m_);                                                                        \
        (r)[5] = u5_ ^ ((u5_ ^ (s5)) & m_);                                                                        \
    } while (0)

/* a - p when a >= p (a < 2p) */
static inline void bls_fp_reduce_once(uint64_t a[6])
{
    uint64_t s0 = a[0], s1 = a[1], s2 = a[2], s3 = a[3], s4 = a[4], s5 = a[5];
    BLS_SUB_P_SELECT(a, s0, s1, s2, s3, s4, s5);
}

static inline void lcp_bls_fp_add(bls_fp *r, const bls_fp *a, const bls_fp *b)
{
    uint64_t s0, s1, s2, s3, s4, s5;
    bls_carry c = 0; /* a + b < 2p < 2^384: no carry out */
    BLS_ADC(c, a->l[0], b->l[0], s0);
    BLS_ADC(c, a->l[1], b->l[1], s1);
    BLS_ADC(c, a->l[2], b->l[2], s2);
    BLS_ADC(c, a->l[3], b->l[3], s3);
    BLS_ADC(c, a->l[4], b->l[4], s4);
    BLS_ADC(c, a->l[5], b->l[5], s5);
    BLS_SUB_P_SELECT(r->l, s0, s1, s2, s3, s4, s5);
}

static inline void lcp_bls_fp_sub(bls_fp *r, const bls_fp *a, const bls_fp *b)
{
    uint64_t d0, d1, d2, d3, d4, d5;
    bls_carry br = 0, c = 0;
    BLS_SBB(br, a->l[0], b->l[0], d0);
    BLS_SBB(br, a->l[1], b->l[1], d1);
    BLS_SBB(br, a->l[2], b->l[2], d2);
    BLS_SBB(br, a->l[3], b->l[3], d3);
    BLS_SBB(br, a->l[4], b->l[4], d4);
    BLS_SBB(br, a->l[5], b->l[5], d5);
    uint64_t mask = 0 - (uint64_t)br; /* add p back when it went negative */
    BLS_ADC(c, d0, BLS_P[0] & mask, r->l[0]);
    BLS_ADC(c, d1, BLS_P[1] & mask, r->l[1]);
    BLS_ADC(c, d2, BLS_P[2] & mask, r->l[2]);
    BLS_ADC(c, d3, BLS_P[3] & mask, r->l[3]);
    BLS_ADC(c, d4, BLS_P[4] & mask, r->l[4]);
    BLS_ADC(c, d5, BLS_P[5] & mask, r->l[5]);
}

static inline void lcp_bls_fp_neg(bls_fp *r, const bls_fp *a)
{
    if ((a->l[0] | a->l[1] | a->l[2] | a->l[3] | a->l[4] | a->l[5]) == 0) {
        *r = *a;
        return;
    }
    bls_carry br = 0;
    BLS_SBB(br, BLS_P[0], a->l[0], r->l[0]);
    BLS_SBB(br, BLS_P[1], a->l[1], r->l[1]);
    BLS_SBB(br, BLS_P[2], a->l[2], r->l[2]);
    BLS_SBB(br, BLS_P[3], a->l[3], r->l[3]);
    BLS_SBB(br, BLS_P[4], a->l[4], r->l[4]);
    BLS_SBB(br, BLS_P[5], a->l[5], r->l[5]);
}

/* Montgomery multiplication, CIOS with the reduction interleaved. p's top limb is below 2^61, so the running value
 * (below 2p at the start of each round) fits 7 limbs within a round and 6 between rounds (the "no-carry" variant),
 * and one conditional subtraction ends it. Each round forms the six products first, then adds their low halves and
 * their high halves in two carry chains (a multiplication clobbers the carry flag, so chains cannot hold one).
 * Factors may be below 2p (not only p): 2p * 2p < pR keeps the result below 2p before the final subtraction. */
#define BLS_MONT_ROW(bi)                                                                                           \
    do {                                                                                                           \
        uint64_t b_ = (bi), m_;                                                                                    \
        bls_u128 p0 = (bls_u128)a0 * b_, p1 = (bls_u128)a1 * b_, p2 = (bls_u128)a2 * b_, p3 = (bls_u128)a3 * b_,   \
                 p4 = (bls_u128)a4 * b_, p5 = (bls_u128)a5 * b_;                                                   \
        bls_carry c_ = 0, d_ = 0;                                                                                  \
        BLS_ADC(c_, t0, BLS_LO(p0), t0);                                                                           \
        BLS_ADC(c_, t1, BLS_LO(p1), t1);                                                                           \
        BLS_ADC(c_, t2, BLS_LO(p2), t2);                                                                           \
        BLS_ADC(c_, t3, BLS_LO(p3), t3);                                                                           \
        BLS_ADC(c_, t4, BLS_LO(p4), t4);                                                                           \
        BLS_ADC(c_, t5, BLS_LO(p5), t5);                                                                           \
        t6 = c_;                                                                                                   \
        BLS_ADC(d_, t1, BLS_HI(p0), t1);                                                                           \
        BLS_ADC(d_, t2, BLS_HI(p1), t2);                                                                           \
        BLS_ADC(d_, t3, BLS_HI(p2), t3);                                                                           \
        BLS_ADC(d_, t4, BLS_HI(p3), t4);                                                                           \
        BLS_ADC(d_, t5, BLS_HI(p4), t5);                                                                           \
        BLS_ADC(d_, t6, BLS_HI(p5), t6);                                                                           \
        m_ = t0 * BLS_N0;                                                                                          \
        bls_u128 q0 = (bls_u128)m_ * BLS_P[0], q1 = (bls_u128)m_ * BLS_P[1], q2 = (bls_u128)m_ * BLS_P[2],          \
                 q3 = (bls_u128)m_ * BLS_P[3], q4 = (bls_u128)m_ * BLS_P[4], q5 = (bls_u128)m_ * BLS_P[5];         \
        c_ = 0;                                                                                                    \
        d_ = 0;                                                                                                    \
        BLS_ADC(c_, t0, BLS_LO(q0), t0); /* t0 becomes 0: only its carry is kept */                                \
        BLS_ADC(c_, t1, BLS_LO(q1), t1);                                                                           \
        BLS_ADC(c_, t2, BLS_LO(q2), t2);                                                                           \
        BLS_ADC(c_, t3, BLS_LO(q3), t3);                                                                           \
        BLS_ADC(c_, t4, BLS_LO(q4), t4);                                                                           \
        BLS_ADC(c_, t5, BLS_LO(q5), t5);                                                                           \
        BLS_ADC(c_, t6, 0, t6);                                                                                    \
        BLS_ADC(d_, t1, BLS_HI(q0), t0); /* and the value moves down one limb */                                   \
        BLS_ADC(d_, t2, BLS_HI(q1), t1);                                                                           \
        BLS_ADC(d_, t3, BLS_HI(q2), t2);                                                                           \
        BLS_ADC(d_, t4, BLS_HI(q3), t3);                                                                           \
        BLS_ADC(d_, t5, BLS_HI(q4), t4);                                                                           \
        BLS_ADC(d_, t6, BLS_HI(q5), t5);                                                                           \
    } while (0)

static inline void lcp_bls_fp_mul(bls_fp *r, const bls_fp *a, const bls_fp *b)
{
    uint64_t t0 = 0, t1 = 0, t2 = 0, t3 = 0, t4 = 0, t5 = 0, t6;
    const uint64_t a0 = a->l[0], a1 = a->l[1], a2 = a->l[2], a3 = a->l[3], a4 = a->l[4], a5 = a->l[5];
    BLS_MONT_ROW(b->l[0]);
    BLS_MONT_ROW(b->l[1]);
    BLS_MONT_ROW(b->l[2]);
    BLS_MONT_ROW(b->l[3]);
    BLS_MONT_ROW(b->l[4]);
    BLS_MONT_ROW(b->l[5]);
    BLS_SUB_P_SELECT(r->l, t0, t1, t2, t3, t4, t5);
}

void lcp_bls_fp_sqr(bls_fp *r, const bls_fp *a);

void lcp_bls_fp_inv(bls_fp *r, const bls_fp *a); /* 0 -> 0; variable-time binary GCD */
void lcp_bls_fp_inv_fermat(bls_fp *r, const bls_fp *a); /* the same as a^(p-2): the reference for the tests */
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
/* the additive operations are inline too: in the tower they are as frequent as the multiplications */
static inline void lcp_bls_fp2_add(bls_fp2 *r, const bls_fp2 *a, const bls_fp2 *b)
{
    lcp_bls_fp_add(&r->c0, &a->c0, &b->c0);
    lcp_bls_fp_add(&r->c1, &a->c1, &b->c1);
}

static inline void lcp_bls_fp2_sub(bls_fp2 *r, const bls_fp2 *a, const bls_fp2 *b)
{
    lcp_bls_fp_sub(&r->c0, &a->c0, &b->c0);
    lcp_bls_fp_sub(&r->c1, &a->c1, &b->c1);
}

static inline void lcp_bls_fp2_neg(bls_fp2 *r, const bls_fp2 *a)
{
    lcp_bls_fp_neg(&r->c0, &a->c0);
    lcp_bls_fp_neg(&r->c1, &a->c1);
}

static inline void lcp_bls_fp2_dbl(bls_fp2 *r, const bls_fp2 *a) { lcp_bls_fp2_add(r, a, a); }

static inline void lcp_bls_fp2_conj(bls_fp2 *r, const bls_fp2 *a)
{
    r->c0 = a->c0;
    lcp_bls_fp_neg(&r->c1, &a->c1);
}

/* (a0 + a1 i)(1 + i) = (a0 - a1) + (a0 + a1) i */
static inline void lcp_bls_fp2_mul_xi(bls_fp2 *r, const bls_fp2 *a)
{
    bls_fp t;
    lcp_bls_fp_sub(&t, &a->c0, &a->c1);
    lcp_bls_fp_add(&r->c1, &a->c0, &a->c1);
    r->c0 = t;
}

void lcp_bls_fp2_mul(bls_fp2 *r, const bls_fp2 *a, const bls_fp2 *b);
void lcp_bls_fp2_mul_fp(bls_fp2 *r, const bls_fp2 *a, const bls_fp *b);
void lcp_bls_fp2_sqr(bls_fp2 *r, const bls_fp2 *a);

/* a + b without the reduction (< 2p when a, b < p): a Montgomery multiplication accepts it as a factor */
static inline void bls_fp_add_nr(bls_fp *r, const bls_fp *a, const bls_fp *b)
{
    bls_carry c = 0;
    BLS_ADC(c, a->l[0], b->l[0], r->l[0]);
    BLS_ADC(c, a->l[1], b->l[1], r->l[1]);
    BLS_ADC(c, a->l[2], b->l[2], r->l[2]);
    BLS_ADC(c, a->l[3], b->l[3], r->l[3]);
    BLS_ADC(c, a->l[4], b->l[4], r->l[4]);
    BLS_ADC(c, a->l[5], b->l[5], r->l[5]);
}

/* (a0 + a1 i)^2 = (a0+a1)(a0-a1) + 2 a0 a1 i, the three factors' sums left unreduced (below 2p): a0 + a1,
 * a0 + (p - a1) and a0 + a0. Inline for the cyclotomic squaring (lcp_bls_fp2_sqr is the same, out of line). */
static inline void bls_fp2_sqr_inl(bls_fp2 *r, const bls_fp2 *a)
{
    bls_fp s, d, t;
    bls_carry borrow = 0;
    bls_fp_add_nr(&s, &a->c0, &a->c1);
    BLS_SBB(borrow, BLS_P[0], a->c1.l[0], t.l[0]); /* t = p - a1 (a1 < p) */
    BLS_SBB(borrow, BLS_P[1], a->c1.l[1], t.l[1]);
    BLS_SBB(borrow, BLS_P[2], a->c1.l[2], t.l[2]);
    BLS_SBB(borrow, BLS_P[3], a->c1.l[3], t.l[3]);
    BLS_SBB(borrow, BLS_P[4], a->c1.l[4], t.l[4]);
    BLS_SBB(borrow, BLS_P[5], a->c1.l[5], t.l[5]);
    bls_fp_add_nr(&d, &a->c0, &t);
    bls_fp_add_nr(&t, &a->c0, &a->c0);
    lcp_bls_fp_mul(&r->c1, &t, &a->c1);
    lcp_bls_fp_mul(&r->c0, &s, &d);
}
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
/* Karabina's compressed form of a cyclotomic element (see bls_fp12.c for the mapping): the coefficients
 * b0, a2, a1, b2 of (a0 + a1 v + a2 v^2) + (b0 + b1 v + b2 v^2) w, which a squaring maps among themselves */
typedef struct {
    bls_fp2 b0, b1, c0, c1; /* Karabina's g2, g3, g4, g5 = b0, a2, a1, b2 */
} bls_cyc_cmp;
#define LCP_BLS_CYC_BATCH 8 /* most elements lcp_bls_cyc_decompress takes at once */
void lcp_bls_cyc_compress(bls_cyc_cmp *r, const bls_fp12 *a);
void lcp_bls_cyc_sqr_cmp(bls_cyc_cmp *r, const bls_cyc_cmp *a); /* r may be a */
/* the n (1..LCP_BLS_CYC_BATCH) elements back, with one Fp2 inversion; 0 (out unset) when one has b0 = 0 or n is
 * out of range: the caller then computes them uncompressed */
int lcp_bls_cyc_decompress(bls_fp12 *out, const bls_cyc_cmp *in, size_t n);
/* f^((p^12-1)/r) up to a fixed cube (3 is prime to r, so the result is 1 exactly when the pairing product is) */
void lcp_bls_final_exp(bls_fp12 *r, const bls_fp12 *f);
void lcp_bls_final_exp_easy(bls_fp12 *r, const bls_fp12 *f); /* its first part, f^((p^6-1)(p^2+1)) */

/* The final exponentiation shared by two threads (lcp_bls_fast_aggregate_verify_mt, bls_mt.c). Its critical path is the
 * chain of 315 cyclotomic squarings that computes a^x, a^(x^2), ..., a^(x^5) (a after the easy part); the caller
 * runs it in compressed form (Karabina) and posts each power of two that x's bits need, and the helper decompresses
 * and multiplies most of them, and combines the powers into the result, in the time the squarings take. Same result as lcp_bls_final_exp. Lock-free: counters with
 * acquire/release order, every slot written once. The caller never waits long for the helper: when a product is
 * late (the helper's core taken by another process), it computes it itself (the values are the same), and it
 * sets `stop` when done so that a late helper returns. */
typedef struct {
    bls_cyc_cmp snap[5][5]; /* x-power i's squares c_i^(2^k), k = 16, 48, 57, 60, 62 (x's bits but the top one),
                             * compressed (Karabina) */
    bls_fp12 c[5];       /* c[0] = a, c[i] = a^(x^i) for i = 1..4 */
    bls_fp12 acc[5];     /* the helper's product of x-power i's squares */
    bls_fp12 rest;       /* the helper's product of everything but the last square */
    int snaps, accs, cs, rest_ready, stop; /* posted counts and flags, read and written atomically */
    int bad; /* a square did not decompress (b0 = 0): the caller recomputes on one thread */
} bls_fe_pipe;
void lcp_bls_fe_pipe_init(bls_fe_pipe *p);
void lcp_bls_final_exp_mt(bls_fp12 *r, const bls_fp12 *f, bls_fe_pipe *p); /* the caller's part */
void lcp_bls_final_exp_help(bls_fe_pipe *p);                               /* the helper's part */

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
/* the same without the subgroup check (encoding and curve only), for a caller that runs the check apart; affine
 * (Z = 1) unless infinity */
int lcp_bls_g2_decompress(bls_g2 *r, const uint8_t in[96]);
void lcp_bls_g2_encode(uint8_t out[96], const bls_g2 *a);

/* ---- hash to curve (RFC 9380, BLS12381G2_XMD:SHA-256_SSWU_RO_) ---- */
/* expand_message_xmd with SHA-256; len <= 8160, dst_len <= 255 (a longer DST is first hashed, as the RFC says).
 * Returns 0 on a length out of range. */
int lcp_bls_expand_xmd(uint8_t *out, size_t len, const uint8_t *msg, size_t msg_len, const uint8_t *dst,
                       size_t dst_len);
int lcp_bls_hash_to_g2(bls_g2 *r, const uint8_t *msg, size_t msg_len, const uint8_t *dst, size_t dst_len);
void lcp_bls_map_to_g2(bls_g2 *r, const bls_fp2 *u); /* SSWU + isogeny, no cofactor clearing */
/* the same to G1 (BLS12381G1_XMD:SHA-256_SSWU_RO_): only the RFC vectors use it */
int lcp_bls_hash_to_g1(bls_g1 *r, const uint8_t *msg, size_t msg_len, const uint8_t *dst, size_t dst_len);
void lcp_bls_map_to_g1(bls_g1 *r, const bls_fp *u);

/* ---- pairing ---- */
typedef struct {
    bls_fp x, y;   /* G1 affine, not infinity */
    bls_fp2 qx, qy; /* G2 affine, not infinity */
} bls_pair;
/* product of the Miller loops f_{|x|,Q}(P) over n <= 4 pairs (more are ignored), conjugated for the negative x */
void lcp_bls_miller_loop(bls_fp12 *f, const bls_pair *pairs, size_t n);

/* ---- the signature scheme's pieces that bls.c shares with its two-thread forms in bls_mt.c ---- */
#define LCP_BLS_DST_POP "BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_"
/* acc += the keys from..to-1 whose bit is set (all when bits is NULL), mixed additions; *count += their number */
void lcp_bls_aggregate_more(bls_g1 *acc, size_t *count, const lcp_bls_pubkey *pks, size_t from, size_t to,
                            const uint8_t *bits);
void lcp_bls_g1_to_pubkey(lcp_bls_pubkey *out, const bls_g1 *p);
size_t lcp_bls_participants(const uint8_t *bits, size_t n); /* the bits set among n (n when bits is NULL) */
int lcp_bls_sig_is_infinity(const uint8_t sig[96]);          /* the encoding 0xc0 then zeros */

#endif
