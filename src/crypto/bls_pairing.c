/* The optimal ate pairing's Miller loop for BLS12-381, over several pairs at once (one shared squaring per step).
 * T runs in homogeneous projective coordinates on the twist (x = X/Z, y = Y/Z). Lines are scaled by factors in
 * Fp2 and by w^3, which the final exponentiation removes, so each line has three non-zero Fp2 coefficients
 * (1, v and v w: lcp_bls_fp12_mul_line). */
#include <string.h>

#include "crypto/bls_internal.h"
#include "crypto/bls_consts.h"

typedef struct {
    bls_fp2 x, y, z;
} proj2;

/* a/2: add p when odd (the sum stays below 2^383), then shift; cheaper than multiplying by 1/2 */
static void fp_half(bls_fp *r, const bls_fp *a)
{
    uint64_t mask = 0 - (a->l[0] & 1), c = 0, t[6];
    for (int i = 0; i < 6; i++) {
        bls_u128 s = (bls_u128)a->l[i] + (BLS_P[i] & mask) + c;
        t[i] = (uint64_t)s;
        c = (uint64_t)(s >> 64);
    }
    for (int i = 0; i < 5; i++) r->l[i] = (t[i] >> 1) | (t[i + 1] << 63);
    r->l[5] = t[5] >> 1;
}

static void fp2_half(bls_fp2 *r, const bls_fp2 *a)
{
    fp_half(&r->c0, &a->c0);
    fp_half(&r->c1, &a->c1);
}

/* T = 2T and the tangent line at P (Costello-Lange-Naehrig, b' = 4(1+i)):
 * l = (3b'Z^2 - Y^2) + 3X^2 xP v - 2YZ yP v w */
static void dbl_step(proj2 *t, bls_fp2 l[3], const bls_fp *px, const bls_fp *py)
{
    bls_fp2 a, b, c, e, f, g, h, i, j, s;
    lcp_bls_fp2_mul(&a, &t->x, &t->y);
    fp2_half(&a, &a);
    lcp_bls_fp2_sqr(&b, &t->y);
    lcp_bls_fp2_sqr(&c, &t->z);
    lcp_bls_fp2_mul(&e, &c, &BLS_B2_3);
    lcp_bls_fp2_add(&f, &e, &e);
    lcp_bls_fp2_add(&f, &f, &e);
    lcp_bls_fp2_add(&g, &b, &f);
    fp2_half(&g, &g);
    lcp_bls_fp2_add(&h, &t->y, &t->z);
    lcp_bls_fp2_sqr(&h, &h);
    lcp_bls_fp2_add(&s, &b, &c);
    lcp_bls_fp2_sub(&h, &h, &s);
    lcp_bls_fp2_sub(&i, &e, &b);
    lcp_bls_fp2_sqr(&j, &t->x);
    /* X3 = A(B - F), Y3 = G^2 - 3E^2, Z3 = B H */
    lcp_bls_fp2_sub(&s, &b, &f);
    lcp_bls_fp2_mul(&t->x, &a, &s);
    lcp_bls_fp2_sqr(&g, &g);
    lcp_bls_fp2_sqr(&s, &e);
    lcp_bls_fp2_sub(&g, &g, &s);
    lcp_bls_fp2_sub(&g, &g, &s);
    lcp_bls_fp2_sub(&t->y, &g, &s);
    lcp_bls_fp2_mul(&t->z, &b, &h);
    l[0] = i;
    lcp_bls_fp2_add(&s, &j, &j);
    lcp_bls_fp2_add(&s, &s, &j);
    lcp_bls_fp2_mul_fp(&l[1], &s, px);
    lcp_bls_fp2_mul_fp(&s, &h, py);
    lcp_bls_fp2_neg(&l[2], &s);
}

/* T = T + Q (Q affine) and the line through them: l = (theta xQ - lambda yQ) - theta xP v + lambda yP v w,
 * theta = Y - yQ Z, lambda = X - xQ Z */
static void add_step(proj2 *t, bls_fp2 l[3], const bls_fp2 *qx, const bls_fp2 *qy, const bls_fp *px,
                     const bls_fp *py)
{
    bls_fp2 th, la, c, d, e, f, g, h, s;
    lcp_bls_fp2_mul(&s, qy, &t->z);
    lcp_bls_fp2_sub(&th, &t->y, &s);
    lcp_bls_fp2_mul(&s, qx, &t->z);
    lcp_bls_fp2_sub(&la, &t->x, &s);
    lcp_bls_fp2_sqr(&c, &th);
    lcp_bls_fp2_sqr(&d, &la);
    lcp_bls_fp2_mul(&e, &la, &d);
    lcp_bls_fp2_mul(&f, &t->z, &c);
    lcp_bls_fp2_mul(&g, &t->x, &d);
    lcp_bls_fp2_add(&h, &e, &f);
    lcp_bls_fp2_sub(&h, &h, &g);
    lcp_bls_fp2_sub(&h, &h, &g);
    lcp_bls_fp2_mul(&t->x, &la, &h);
    lcp_bls_fp2_sub(&s, &g, &h);
    lcp_bls_fp2_mul(&s, &s, &th);
    lcp_bls_fp2_mul(&g, &t->y, &e);
    lcp_bls_fp2_sub(&t->y, &s, &g);
    lcp_bls_fp2_mul(&t->z, &t->z, &e);
    lcp_bls_fp2_mul(&s, &th, qx);
    lcp_bls_fp2_mul(&g, &la, qy);
    lcp_bls_fp2_sub(&l[0], &s, &g);
    lcp_bls_fp2_mul_fp(&s, &th, px);
    lcp_bls_fp2_neg(&l[1], &s);
    lcp_bls_fp2_mul_fp(&l[2], &la, py);
}

#define MAX_PAIRS 4

void lcp_bls_miller_loop(bls_fp12 *f, const bls_pair *pairs, size_t n)
{
    proj2 t[MAX_PAIRS];
    bls_fp2 l[3];
    if (n > MAX_PAIRS) n = MAX_PAIRS;
    for (size_t k = 0; k < n; k++) {
        t[k].x = pairs[k].qx;
        t[k].y = pairs[k].qy;
        memset(&t[k].z, 0, sizeof t[k].z);
        t[k].z.c0 = BLS_ONE;
    }
    lcp_bls_fp12_set_one(f);
    for (int i = 62; i >= 0; i--) {
        if (i != 62) lcp_bls_fp12_sqr(f, f);
        for (size_t k = 0; k < n; k++) {
            dbl_step(&t[k], l, &pairs[k].x, &pairs[k].y);
            lcp_bls_fp12_mul_line(f, &l[0], &l[1], &l[2]);
        }
        if ((BLS_X_ABS >> i) & 1)
            for (size_t k = 0; k < n; k++) {
                add_step(&t[k], l, &pairs[k].qx, &pairs[k].qy, &pairs[k].x, &pairs[k].y);
                lcp_bls_fp12_mul_line(f, &l[0], &l[1], &l[2]);
            }
    }
    lcp_bls_fp12_conj(f, f);
}
