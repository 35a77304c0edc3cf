/* BLS12-381 base field Fp (Montgomery, 6x64 limbs) and its quadratic extension Fp2 = Fp[i]/(i^2+1).
 * Multiplication is CIOS Montgomery with 64x64->128 products (unsigned __int128, gcc and clang). Variable time. */
#include <string.h>

#include "crypto/bls_internal.h"
#include "crypto/bls_consts.h"

void lcp_bls_fp_sqr(bls_fp *r, const bls_fp *a) { lcp_bls_fp_mul(r, a, a); }

/* r = a^e for a plain exponent of 6 limbs, left to right with a 4-bit fixed window */
static void fp_pow(bls_fp *r, const bls_fp *a, const uint64_t e[6])
{
    bls_fp tab[16];
    lcp_bls_fp_set_one(&tab[0]);
    for (int i = 1; i < 16; i++) lcp_bls_fp_mul(&tab[i], &tab[i - 1], a);
    bls_fp acc;
    lcp_bls_fp_set_one(&acc);
    int started = 0;
    for (int i = 5; i >= 0; i--) {
        for (int sh = 60; sh >= 0; sh -= 4) {
            unsigned nib = (unsigned)(e[i] >> sh) & 15;
            if (started)
                for (int k = 0; k < 4; k++) lcp_bls_fp_sqr(&acc, &acc);
            if (nib) {
                lcp_bls_fp_mul(&acc, &acc, &tab[nib]);
                started = 1;
            }
        }
    }
    *r = acc;
}

void lcp_bls_fp_inv(bls_fp *r, const bls_fp *a) { fp_pow(r, a, BLS_P_MINUS2); }

int lcp_bls_fp_sqrt(bls_fp *r, const bls_fp *a)
{
    bls_fp s, s2;
    fp_pow(&s, a, BLS_P_PLUS1_DIV4);
    lcp_bls_fp_sqr(&s2, &s);
    *r = s;
    return lcp_bls_fp_eq(&s2, a);
}

int lcp_bls_fp_is_zero(const bls_fp *a)
{
    uint64_t acc = 0;
    for (int i = 0; i < 6; i++) acc |= a->l[i];
    return acc == 0;
}

int lcp_bls_fp_eq(const bls_fp *a, const bls_fp *b) { return memcmp(a->l, b->l, 48) == 0; }

void lcp_bls_fp_set_one(bls_fp *r) { *r = BLS_ONE; }

int lcp_bls_fp_from_bytes(bls_fp *r, const uint8_t in[48])
{
    bls_fp t;
    for (int i = 0; i < 6; i++) {
        uint64_t w = 0;
        for (int k = 0; k < 8; k++) w = (w << 8) | in[(5 - i) * 8 + k];
        t.l[i] = w;
    }
    for (int i = 5; i >= 0; i--) { /* canonical: t < p */
        if (t.l[i] < BLS_P[i]) break;
        if (t.l[i] > BLS_P[i] || i == 0) return 0;
    }
    lcp_bls_fp_mul(r, &t, &BLS_R2);
    return 1;
}

void lcp_bls_fp_from_mont(uint64_t out[6], const bls_fp *a)
{
    bls_fp one = {{1, 0, 0, 0, 0, 0}}, t;
    lcp_bls_fp_mul(&t, a, &one);
    memcpy(out, t.l, 48);
}

void lcp_bls_fp_to_bytes(uint8_t out[48], const bls_fp *a)
{
    uint64_t v[6];
    lcp_bls_fp_from_mont(v, a);
    for (int i = 0; i < 6; i++)
        for (int k = 0; k < 8; k++) out[(5 - i) * 8 + k] = (uint8_t)(v[i] >> (56 - 8 * k));
}

int lcp_bls_fp_is_large(const bls_fp *a)
{
    uint64_t v[6];
    lcp_bls_fp_from_mont(v, a);
    for (int i = 5; i >= 0; i--) {
        if (v[i] > BLS_P_MINUS1_DIV2[i]) return 1;
        if (v[i] < BLS_P_MINUS1_DIV2[i]) return 0;
    }
    return 0;
}

/* in = H * 2^256 + L with H, L < 2^256 < p: Montgomery form = H*(2^256 R^2)/R + L*R^2/R */
void lcp_bls_fp_from_64(bls_fp *r, const uint8_t in[64])
{
    bls_fp h = {{0}}, l = {{0}};
    for (int i = 0; i < 4; i++) {
        uint64_t wh = 0, wl = 0;
        for (int k = 0; k < 8; k++) {
            wh = (wh << 8) | in[(3 - i) * 8 + k];
            wl = (wl << 8) | in[32 + (3 - i) * 8 + k];
        }
        h.l[i] = wh;
        l.l[i] = wl;
    }
    lcp_bls_fp_mul(&h, &h, &BLS_R2_2_256);
    lcp_bls_fp_mul(&l, &l, &BLS_R2);
    lcp_bls_fp_add(r, &h, &l);
}

/* ---- Fp2 ---- */

/* Karatsuba: c0 = a0b0 - a1b1, c1 = (a0+a1)(b0+b1) - a0b0 - a1b1, three Montgomery multiplications (the sums are
 * left unreduced, below 2p, which the multiplication accepts). Measured faster than lazy reduction (three 768-bit
 * products, two reductions), whose 12-limb subtractions cost more than the reduction they save. */
void lcp_bls_fp2_mul(bls_fp2 *r, const bls_fp2 *a, const bls_fp2 *b)
{
    bls_fp t0, t1, sa, sb, s;
    bls_fp_add_nr(&sa, &a->c0, &a->c1);
    bls_fp_add_nr(&sb, &b->c0, &b->c1);
    lcp_bls_fp_mul(&t0, &a->c0, &b->c0);
    lcp_bls_fp_mul(&t1, &a->c1, &b->c1);
    lcp_bls_fp_mul(&s, &sa, &sb);
    lcp_bls_fp_sub(&r->c0, &t0, &t1);
    lcp_bls_fp_add(&t0, &t0, &t1);
    lcp_bls_fp_sub(&r->c1, &s, &t0);
}

void lcp_bls_fp2_mul_fp(bls_fp2 *r, const bls_fp2 *a, const bls_fp *b)
{
    lcp_bls_fp_mul(&r->c0, &a->c0, b);
    lcp_bls_fp_mul(&r->c1, &a->c1, b);
}

void lcp_bls_fp2_sqr(bls_fp2 *r, const bls_fp2 *a) { bls_fp2_sqr_inl(r, a); }

void lcp_bls_fp2_inv(bls_fp2 *r, const bls_fp2 *a)
{
    bls_fp n, t;
    lcp_bls_fp_sqr(&n, &a->c0);
    lcp_bls_fp_sqr(&t, &a->c1);
    lcp_bls_fp_add(&n, &n, &t);
    lcp_bls_fp_inv(&n, &n);
    lcp_bls_fp_mul(&r->c0, &a->c0, &n);
    lcp_bls_fp_mul(&t, &a->c1, &n);
    lcp_bls_fp_neg(&r->c1, &t);
}

/* Square root through the norm. For a = a0 + a1 i with a1 != 0 and norm a0^2 + a1^2 = s^2 (a is a square in Fp2
 * exactly when its norm is one in Fp), h = (a0 + s)/2 or (a0 - s)/2 is a square x0^2 (their product is -a1^2/4, a
 * non-square), and sqrt(a) = x0 + (a1 / 2x0) i. One exponentiation t = h^((p-3)/4) gives both a root and its
 * inverse: if t^2 h = 1, x0 = t h and 1/x0 = t; otherwise t h is a root of -h, and the root of (a0 - s)/2 is
 * x0 = a1/(2 t h) = -a1 t/2 with x1 = t h. s is the caller's square root of the norm (any sign). */
static void fp2_sqrt_from_norm(bls_fp2 *r, const bls_fp2 *a, const bls_fp *s)
{
    bls_fp h, t, t2h, th;
    lcp_bls_fp_add(&h, &a->c0, s);
    lcp_bls_fp_mul(&h, &h, &BLS_HALF);
    fp_pow(&t, &h, BLS_P_MINUS3_DIV4);
    lcp_bls_fp_mul(&th, &t, &h);
    lcp_bls_fp_mul(&t2h, &th, &t);
    bls_fp half_a1;
    lcp_bls_fp_mul(&half_a1, &a->c1, &BLS_HALF);
    if (lcp_bls_fp_eq(&t2h, &BLS_ONE)) {
        r->c0 = th;
        lcp_bls_fp_mul(&r->c1, &half_a1, &t);
    } else {
        lcp_bls_fp_mul(&r->c0, &half_a1, &t);
        lcp_bls_fp_neg(&r->c0, &r->c0);
        r->c1 = th;
    }
}

int lcp_bls_fp2_sqrt(bls_fp2 *r, const bls_fp2 *a)
{
    bls_fp n, t, s;
    if (lcp_bls_fp_is_zero(&a->c1)) {
        if (lcp_bls_fp_sqrt(&s, &a->c0)) {
            r->c0 = s;
            memset(&r->c1, 0, sizeof r->c1);
        } else { /* sqrt(a0) = sqrt(-a0) i, since i^2 = -1 */
            memset(&r->c0, 0, sizeof r->c0);
            r->c1 = s;
        }
        return 1;
    }
    lcp_bls_fp_sqr(&n, &a->c0);
    lcp_bls_fp_sqr(&t, &a->c1);
    lcp_bls_fp_add(&n, &n, &t);
    if (!lcp_bls_fp_sqrt(&s, &n)) return 0;
    return lcp_bls_fp2_sqrt_norm(r, a, &s);
}

int lcp_bls_fp2_sqrt_norm(bls_fp2 *r, const bls_fp2 *a, const bls_fp *s)
{
    bls_fp2 c2;
    if (lcp_bls_fp_is_zero(&a->c1)) return lcp_bls_fp2_sqrt(r, a);
    fp2_sqrt_from_norm(r, a, s);
    lcp_bls_fp2_sqr(&c2, r);
    return lcp_bls_fp2_eq(&c2, a);
}

int lcp_bls_fp2_is_zero(const bls_fp2 *a) { return lcp_bls_fp_is_zero(&a->c0) && lcp_bls_fp_is_zero(&a->c1); }

int lcp_bls_fp2_eq(const bls_fp2 *a, const bls_fp2 *b)
{
    return lcp_bls_fp_eq(&a->c0, &b->c0) && lcp_bls_fp_eq(&a->c1, &b->c1);
}

int lcp_bls_fp2_sgn0(const bls_fp2 *a)
{
    uint64_t v0[6], v1[6];
    lcp_bls_fp_from_mont(v0, &a->c0);
    lcp_bls_fp_from_mont(v1, &a->c1);
    int zero0 = lcp_bls_fp_is_zero(&a->c0);
    return (int)(v0[0] & 1) | (zero0 & (int)(v1[0] & 1));
}

int lcp_bls_fp2_is_large(const bls_fp2 *a)
{
    if (!lcp_bls_fp_is_zero(&a->c1)) return lcp_bls_fp_is_large(&a->c1);
    return lcp_bls_fp_is_large(&a->c0);
}
