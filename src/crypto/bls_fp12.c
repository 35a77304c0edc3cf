/* BLS12-381 extension tower above Fp2: Fp6 = Fp2[v]/(v^3 - xi), Fp12 = Fp6[w]/(w^2 - v), xi = 1 + i, and the
 * final exponentiation of the pairing. */
#include <string.h>

#include "crypto/bls_internal.h"
#include "crypto/bls_consts.h"

/* ---- Fp6 ---- */

static void fp6_add(bls_fp6 *r, const bls_fp6 *a, const bls_fp6 *b)
{
    lcp_bls_fp2_add(&r->c0, &a->c0, &b->c0);
    lcp_bls_fp2_add(&r->c1, &a->c1, &b->c1);
    lcp_bls_fp2_add(&r->c2, &a->c2, &b->c2);
}

static void fp6_sub(bls_fp6 *r, const bls_fp6 *a, const bls_fp6 *b)
{
    lcp_bls_fp2_sub(&r->c0, &a->c0, &b->c0);
    lcp_bls_fp2_sub(&r->c1, &a->c1, &b->c1);
    lcp_bls_fp2_sub(&r->c2, &a->c2, &b->c2);
}

static void fp6_neg(bls_fp6 *r, const bls_fp6 *a)
{
    lcp_bls_fp2_neg(&r->c0, &a->c0);
    lcp_bls_fp2_neg(&r->c1, &a->c1);
    lcp_bls_fp2_neg(&r->c2, &a->c2);
}

/* times v: (c0, c1, c2) -> (xi c2, c0, c1) */
static void fp6_mul_v(bls_fp6 *r, const bls_fp6 *a)
{
    bls_fp2 t;
    lcp_bls_fp2_mul_xi(&t, &a->c2);
    r->c2 = a->c1;
    r->c1 = a->c0;
    r->c0 = t;
}

/* Karatsuba over the cubic extension: 6 Fp2 multiplications */
static void fp6_mul(bls_fp6 *r, const bls_fp6 *a, const bls_fp6 *b)
{
    bls_fp2 t0, t1, t2, s, u, r0, r1, r2;
    lcp_bls_fp2_mul(&t0, &a->c0, &b->c0);
    lcp_bls_fp2_mul(&t1, &a->c1, &b->c1);
    lcp_bls_fp2_mul(&t2, &a->c2, &b->c2);
    /* r0 = t0 + xi((a1+a2)(b1+b2) - t1 - t2) */
    lcp_bls_fp2_add(&s, &a->c1, &a->c2);
    lcp_bls_fp2_add(&u, &b->c1, &b->c2);
    lcp_bls_fp2_mul(&s, &s, &u);
    lcp_bls_fp2_sub(&s, &s, &t1);
    lcp_bls_fp2_sub(&s, &s, &t2);
    lcp_bls_fp2_mul_xi(&s, &s);
    lcp_bls_fp2_add(&r0, &s, &t0);
    /* r1 = (a0+a1)(b0+b1) - t0 - t1 + xi t2 */
    lcp_bls_fp2_add(&s, &a->c0, &a->c1);
    lcp_bls_fp2_add(&u, &b->c0, &b->c1);
    lcp_bls_fp2_mul(&s, &s, &u);
    lcp_bls_fp2_sub(&s, &s, &t0);
    lcp_bls_fp2_sub(&s, &s, &t1);
    lcp_bls_fp2_mul_xi(&u, &t2);
    lcp_bls_fp2_add(&r1, &s, &u);
    /* r2 = (a0+a2)(b0+b2) - t0 - t2 + t1 */
    lcp_bls_fp2_add(&s, &a->c0, &a->c2);
    lcp_bls_fp2_add(&u, &b->c0, &b->c2);
    lcp_bls_fp2_mul(&s, &s, &u);
    lcp_bls_fp2_sub(&s, &s, &t0);
    lcp_bls_fp2_sub(&s, &s, &t2);
    lcp_bls_fp2_add(&r2, &s, &t1);
    r->c0 = r0;
    r->c1 = r1;
    r->c2 = r2;
}

static void fp6_sqr(bls_fp6 *r, const bls_fp6 *a) { fp6_mul(r, a, a); }

/* a * (b0 + b1 v): 5 Fp2 multiplications */
static void fp6_mul_01(bls_fp6 *r, const bls_fp6 *a, const bls_fp2 *b0, const bls_fp2 *b1)
{
    bls_fp2 t0, t1, s, u, r0, r1, r2;
    lcp_bls_fp2_mul(&t0, &a->c0, b0);
    lcp_bls_fp2_mul(&t1, &a->c1, b1);
    /* r0 = t0 + xi a2 b1 */
    lcp_bls_fp2_mul(&s, &a->c2, b1);
    lcp_bls_fp2_mul_xi(&s, &s);
    lcp_bls_fp2_add(&r0, &s, &t0);
    /* r1 = (a0+a1)(b0+b1) - t0 - t1 */
    lcp_bls_fp2_add(&s, &a->c0, &a->c1);
    lcp_bls_fp2_add(&u, b0, b1);
    lcp_bls_fp2_mul(&s, &s, &u);
    lcp_bls_fp2_sub(&s, &s, &t0);
    lcp_bls_fp2_sub(&r1, &s, &t1);
    /* r2 = t1 + a2 b0 */
    lcp_bls_fp2_mul(&s, &a->c2, b0);
    lcp_bls_fp2_add(&r2, &s, &t1);
    r->c0 = r0;
    r->c1 = r1;
    r->c2 = r2;
}

/* a * (b1 v): 3 Fp2 multiplications */
static void fp6_mul_1(bls_fp6 *r, const bls_fp6 *a, const bls_fp2 *b1)
{
    bls_fp2 r0, r1, r2;
    lcp_bls_fp2_mul(&r0, &a->c2, b1);
    lcp_bls_fp2_mul_xi(&r0, &r0);
    lcp_bls_fp2_mul(&r1, &a->c0, b1);
    lcp_bls_fp2_mul(&r2, &a->c1, b1);
    r->c0 = r0;
    r->c1 = r1;
    r->c2 = r2;
}

static void fp6_inv(bls_fp6 *r, const bls_fp6 *a)
{
    bls_fp2 t0, t1, t2, s;
    /* t0 = a0^2 - xi a1 a2, t1 = xi a2^2 - a0 a1, t2 = a1^2 - a0 a2 */
    lcp_bls_fp2_sqr(&t0, &a->c0);
    lcp_bls_fp2_mul(&s, &a->c1, &a->c2);
    lcp_bls_fp2_mul_xi(&s, &s);
    lcp_bls_fp2_sub(&t0, &t0, &s);
    lcp_bls_fp2_sqr(&t1, &a->c2);
    lcp_bls_fp2_mul_xi(&t1, &t1);
    lcp_bls_fp2_mul(&s, &a->c0, &a->c1);
    lcp_bls_fp2_sub(&t1, &t1, &s);
    lcp_bls_fp2_sqr(&t2, &a->c1);
    lcp_bls_fp2_mul(&s, &a->c0, &a->c2);
    lcp_bls_fp2_sub(&t2, &t2, &s);
    /* d = a0 t0 + xi (a2 t1 + a1 t2) */
    bls_fp2 d, e;
    lcp_bls_fp2_mul(&d, &a->c2, &t1);
    lcp_bls_fp2_mul(&e, &a->c1, &t2);
    lcp_bls_fp2_add(&d, &d, &e);
    lcp_bls_fp2_mul_xi(&d, &d);
    lcp_bls_fp2_mul(&e, &a->c0, &t0);
    lcp_bls_fp2_add(&d, &d, &e);
    lcp_bls_fp2_inv(&d, &d);
    lcp_bls_fp2_mul(&r->c0, &t0, &d);
    lcp_bls_fp2_mul(&r->c1, &t1, &d);
    lcp_bls_fp2_mul(&r->c2, &t2, &d);
}

/* ---- Fp12 ---- */

void lcp_bls_fp12_set_one(bls_fp12 *r)
{
    memset(r, 0, sizeof *r);
    r->c0.c0.c0 = BLS_ONE;
}

void lcp_bls_fp12_mul(bls_fp12 *r, const bls_fp12 *a, const bls_fp12 *b)
{
    bls_fp6 t0, t1, s, u;
    fp6_mul(&t0, &a->c0, &b->c0);
    fp6_mul(&t1, &a->c1, &b->c1);
    fp6_add(&s, &a->c0, &a->c1);
    fp6_add(&u, &b->c0, &b->c1);
    fp6_mul(&s, &s, &u);
    fp6_sub(&s, &s, &t0);
    fp6_sub(&r->c1, &s, &t1);
    fp6_mul_v(&t1, &t1);
    fp6_add(&r->c0, &t0, &t1);
}

/* (a0 + a1 w)^2 = (a0 + a1)(a0 + v a1) - a0a1 - v a0a1 + 2 a0a1 w */
void lcp_bls_fp12_sqr(bls_fp12 *r, const bls_fp12 *a)
{
    bls_fp6 m, s, u, vm;
    fp6_mul(&m, &a->c0, &a->c1);
    fp6_add(&s, &a->c0, &a->c1);
    fp6_mul_v(&u, &a->c1);
    fp6_add(&u, &u, &a->c0);
    fp6_mul(&s, &s, &u);
    fp6_mul_v(&vm, &m);
    fp6_sub(&s, &s, &m);
    fp6_sub(&r->c0, &s, &vm);
    fp6_add(&r->c1, &m, &m);
}

/* f * (l0 + l1 v + l4 v w): a = (l0, l1, 0), b = (0, l4, 0); 13 Fp2 multiplications instead of 18 */
void lcp_bls_fp12_mul_line(bls_fp12 *f, const bls_fp2 *l0, const bls_fp2 *l1, const bls_fp2 *l4)
{
    bls_fp6 t0, t1, s;
    bls_fp2 l14;
    fp6_mul_01(&t0, &f->c0, l0, l1);
    fp6_mul_1(&t1, &f->c1, l4);
    fp6_add(&s, &f->c0, &f->c1);
    lcp_bls_fp2_add(&l14, l1, l4);
    fp6_mul_01(&s, &s, l0, &l14);
    fp6_sub(&s, &s, &t0);
    fp6_sub(&f->c1, &s, &t1);
    fp6_mul_v(&t1, &t1);
    fp6_add(&f->c0, &t0, &t1);
}

void lcp_bls_fp12_conj(bls_fp12 *r, const bls_fp12 *a)
{
    r->c0 = a->c0;
    fp6_neg(&r->c1, &a->c1);
}

void lcp_bls_fp12_inv(bls_fp12 *r, const bls_fp12 *a)
{
    bls_fp6 t0, t1;
    fp6_sqr(&t0, &a->c0);
    fp6_sqr(&t1, &a->c1);
    fp6_mul_v(&t1, &t1);
    fp6_sub(&t0, &t0, &t1);
    fp6_inv(&t0, &t0);
    fp6_mul(&r->c0, &a->c0, &t0);
    fp6_mul(&t1, &a->c1, &t0);
    fp6_neg(&r->c1, &t1);
}

/* a^(p^k): coefficient of w^j (c0 = w^0, w^2, w^4; c1 = w^1, w^3, w^5) conjugated k times, times xi^(j(p^k-1)/6) */
void lcp_bls_fp12_frob(bls_fp12 *r, const bls_fp12 *a, int k)
{
    const bls_fp2 *g = k == 1 ? BLS_FROB1 : k == 2 ? BLS_FROB2 : BLS_FROB3;
    const bls_fp2 *src[6] = {&a->c0.c0, &a->c1.c0, &a->c0.c1, &a->c1.c1, &a->c0.c2, &a->c1.c2};
    bls_fp2 *dst[6] = {&r->c0.c0, &r->c1.c0, &r->c0.c1, &r->c1.c1, &r->c0.c2, &r->c1.c2};
    bls_fp2 t[6];
    for (int j = 0; j < 6; j++) {
        if (k & 1)
            lcp_bls_fp2_conj(&t[j], src[j]);
        else
            t[j] = *src[j];
        if (j) lcp_bls_fp2_mul(&t[j], &t[j], &g[j]);
    }
    for (int j = 0; j < 6; j++) *dst[j] = t[j];
}

/* (a + b s)^2 in Fp4 = Fp2[s]/(s^2 - xi): r0 = a^2 + xi b^2, r1 = (a + b)^2 - a^2 - b^2 */
static inline void fp4_sqr(bls_fp2 *r0, bls_fp2 *r1, const bls_fp2 *a, const bls_fp2 *b)
{
    bls_fp2 a2, b2, s;
    bls_fp2_sqr_inl(&a2, a);
    bls_fp2_sqr_inl(&b2, b);
    lcp_bls_fp2_add(&s, a, b);
    bls_fp2_sqr_inl(&s, &s);
    lcp_bls_fp2_sub(&s, &s, &a2);
    lcp_bls_fp2_sub(r1, &s, &b2);
    lcp_bls_fp2_mul_xi(&b2, &b2);
    lcp_bls_fp2_add(r0, &b2, &a2);
}

/* Granger-Scott squaring in the cyclotomic subgroup (any element after the easy part of the final exponentiation):
 * with s = w^3, f = A + B w + C w^2 over Fp4, f^2 = (3A^2 - 2conj A) + (3 s C^2 + 2conj B) w + (3B^2 - 2conj C) w^2.
 * z = 3t - 2z (minus) or 3t + 2z (plus), z being a coefficient of the input and t of the Fp4 square. */
static inline void cyc_part(bls_fp2 *r, const bls_fp2 *z, const bls_fp2 *t, int plus)
{
    bls_fp2 d;
    if (plus)
        lcp_bls_fp2_add(&d, t, z);
    else
        lcp_bls_fp2_sub(&d, t, z);
    lcp_bls_fp2_dbl(&d, &d);
    lcp_bls_fp2_add(r, &d, t);
}

void lcp_bls_fp12_cyc_sqr(bls_fp12 *r, const bls_fp12 *a)
{
    bls_fp2 t3, t4, t5, t6, t7, t8, t9;
    fp4_sqr(&t3, &t4, &a->c0.c0, &a->c1.c1);
    fp4_sqr(&t5, &t6, &a->c1.c0, &a->c0.c2);
    fp4_sqr(&t7, &t8, &a->c0.c1, &a->c1.c2);
    lcp_bls_fp2_mul_xi(&t9, &t8);
    cyc_part(&r->c0.c0, &a->c0.c0, &t3, 0); /* each output reads only its own input coefficient: r may be a */
    cyc_part(&r->c0.c1, &a->c0.c1, &t5, 0);
    cyc_part(&r->c0.c2, &a->c0.c2, &t7, 0);
    cyc_part(&r->c1.c0, &a->c1.c0, &t9, 1);
    cyc_part(&r->c1.c1, &a->c1.c1, &t4, 1);
    cyc_part(&r->c1.c2, &a->c1.c2, &t6, 1);
}

int lcp_bls_fp12_is_one(const bls_fp12 *a)
{
    bls_fp12 one;
    lcp_bls_fp12_set_one(&one);
    return memcmp(a, &one, sizeof one) == 0;
}

/* f^x in the cyclotomic subgroup (x negative: the inverse is the conjugate) */
static void cyc_pow_x(bls_fp12 *r, const bls_fp12 *f)
{
    bls_fp12 acc = *f;
    for (int i = 62; i >= 0; i--) {
        lcp_bls_fp12_cyc_sqr(&acc, &acc);
        if ((BLS_X_ABS >> i) & 1) lcp_bls_fp12_mul(&acc, &acc, f);
    }
    lcp_bls_fp12_conj(r, &acc);
}

/* the easy part: f^((p^6-1)(p^2+1)) */
void lcp_bls_final_exp_easy(bls_fp12 *a, const bls_fp12 *f)
{
    bls_fp12 b;
    lcp_bls_fp12_conj(a, f);
    lcp_bls_fp12_inv(&b, f);
    lcp_bls_fp12_mul(a, a, &b); /* f^(p^6-1) */
    lcp_bls_fp12_frob(&b, a, 2);
    lcp_bls_fp12_mul(a, a, &b); /* ^(p^2+1): now in the cyclotomic subgroup */
}

/* the easy part, then the hard part raised to 3(p^4-p^2+1)/r = (x-1)^2 (x+p)(x^2+p^2-1) + 3 */
void lcp_bls_final_exp(bls_fp12 *r, const bls_fp12 *f)
{
    bls_fp12 a, b, t0, t1, t2;
    lcp_bls_final_exp_easy(&a, f);

    cyc_pow_x(&t0, &a);
    lcp_bls_fp12_conj(&b, &a);
    lcp_bls_fp12_mul(&t0, &t0, &b); /* a^(x-1) */
    cyc_pow_x(&t1, &t0);
    lcp_bls_fp12_conj(&b, &t0);
    lcp_bls_fp12_mul(&t0, &t1, &b); /* a^((x-1)^2) */
    cyc_pow_x(&t1, &t0);
    lcp_bls_fp12_frob(&b, &t0, 1);
    lcp_bls_fp12_mul(&t1, &t1, &b); /* ^(x+p) */
    cyc_pow_x(&t2, &t1);
    cyc_pow_x(&t2, &t2);
    lcp_bls_fp12_frob(&b, &t1, 2);
    lcp_bls_fp12_mul(&t2, &t2, &b);
    lcp_bls_fp12_conj(&b, &t1);
    lcp_bls_fp12_mul(&t2, &t2, &b); /* ^(x^2+p^2-1) */
    lcp_bls_fp12_cyc_sqr(&b, &a);
    lcp_bls_fp12_mul(&b, &b, &a);
    lcp_bls_fp12_mul(r, &t2, &b); /* times a^3 */
}
