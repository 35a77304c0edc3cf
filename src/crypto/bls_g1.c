/* BLS12-381 G1: points on E1: y^2 = x^3 + 4 over Fp, the ZCash compressed encoding and the subgroup check. */
#include <string.h>

#include "crypto/bls_internal.h"
#include "crypto/bls_consts.h"

#define PT bls_g1
#define FT bls_fp
#define F(op) lcp_bls_fp_##op
#define FONE (&BLS_ONE)
#define PT_FN(name) lcp_bls_g1_##name
#include "crypto/bls_jac.inc"

void lcp_bls_g1_add_affine(bls_g1 *r, const bls_g1 *a, const bls_fp *x, const bls_fp *y)
{
    lcp_bls_g1_add_aff(r, a, x, y);
}

void lcp_bls_g1_to_affine(bls_fp *x, bls_fp *y, const bls_g1 *a)
{
    if (lcp_bls_fp_eq(&a->z, &BLS_ONE)) { /* already affine (a decoded point): no inversion */
        *x = a->x;
        *y = a->y;
        return;
    }
    bls_fp zi, zi2;
    lcp_bls_fp_inv(&zi, &a->z);
    lcp_bls_fp_sqr(&zi2, &zi);
    lcp_bls_fp_mul(x, &a->x, &zi2);
    lcp_bls_fp_mul(&zi2, &zi2, &zi);
    lcp_bls_fp_mul(y, &a->y, &zi2);
}

int lcp_bls_g1_on_curve_affine(const bls_fp *x, const bls_fp *y)
{
    bls_fp l, r;
    lcp_bls_fp_sqr(&l, y);
    lcp_bls_fp_sqr(&r, x);
    lcp_bls_fp_mul(&r, &r, x);
    lcp_bls_fp_add(&r, &r, &BLS_B1);
    return lcp_bls_fp_eq(&l, &r);
}

/* P in G1 iff phi(P) = -[u^2]P, phi(x, y) = (beta x, y) the curve's cube-root endomorphism (M. Scott, "A note on
 * group membership tests for G1, G2 and GT on BLS pairing-friendly curves", 2021): two multiplications by the
 * 64-bit, weight-6 |u| instead of one by the 255-bit r, about 2.5x faster — it matters when a new sync committee's
 * 512 keys are decoded. Which cube root acts as -u^2 on G1 (beta, not beta^2), and that the test refuses every
 * torsion component of E1 the order test refuses, is checked in tests/crypto/test_bls.c. */
int lcp_bls_g1_in_subgroup(const bls_g1 *a)
{
    static const uint64_t u[1] = {BLS_X_ABS};
    if (lcp_bls_g1_is_inf(a)) return 1;
    bls_g1 q, phi = *a;
    lcp_bls_g1_mul(&q, a, u, 1);
    lcp_bls_g1_mul(&q, &q, u, 1); /* [u^2]P: u^2 = |u|^2 */
    lcp_bls_g1_neg(&q, &q);
    lcp_bls_fp_mul(&phi.x, &a->x, &BLS_BETA); /* Jacobian (X, Y, Z) -> (beta X, Y, Z) */
    return lcp_bls_g1_eq(&phi, &q);
}

/* ZCash flags in the first byte: 0x80 compressed (required), 0x40 infinity (then every other bit zero), 0x20 the
 * larger of y and -y. */
int lcp_bls_g1_decode(bls_fp *x, bls_fp *y, int *inf, const uint8_t in[48])
{
    uint8_t b[48];
    memcpy(b, in, 48);
    if (!(b[0] & 0x80)) return 0;
    *inf = 0;
    if (b[0] & 0x40) {
        if (b[0] != 0xc0) return 0;
        for (int i = 1; i < 48; i++)
            if (b[i]) return 0;
        *inf = 1;
        memset(x, 0, sizeof *x);
        memset(y, 0, sizeof *y);
        return 1;
    }
    int large = (b[0] & 0x20) != 0;
    b[0] &= 0x1f;
    if (!lcp_bls_fp_from_bytes(x, b)) return 0;
    bls_fp rhs;
    lcp_bls_fp_sqr(&rhs, x);
    lcp_bls_fp_mul(&rhs, &rhs, x);
    lcp_bls_fp_add(&rhs, &rhs, &BLS_B1);
    if (!lcp_bls_fp_sqrt(y, &rhs)) return 0;
    if (lcp_bls_fp_is_large(y) != large) lcp_bls_fp_neg(y, y);
    bls_g1 p;
    lcp_bls_g1_from_affine(&p, x, y);
    return lcp_bls_g1_in_subgroup(&p);
}

void lcp_bls_g1_encode(uint8_t out[48], const bls_fp *x, const bls_fp *y, int inf)
{
    if (inf) {
        memset(out, 0, 48);
        out[0] = 0xc0;
        return;
    }
    lcp_bls_fp_to_bytes(out, x);
    out[0] |= 0x80;
    if (lcp_bls_fp_is_large(y)) out[0] |= 0x20;
}
