/* BLS12-381 G2: points on the twist E2: y^2 = x^3 + 4(1+i) over Fp2, the endomorphism psi, the subgroup check,
 * cofactor clearing and the ZCash compressed encoding. */
#include <string.h>

#include "crypto/bls_internal.h"
#include "crypto/bls_consts.h"

#define PT bls_g2
#define FT bls_fp2
#define F(op) lcp_bls_fp2_##op
static const bls_fp2 FP2_ONE = {{{0x760900000002fffdULL, 0xebf4000bc40c0002ULL, 0x5f48985753c758baULL,
                                  0x77ce585370525745ULL, 0x5c071a97a256ec6dULL, 0x15f65ec3fa80e493ULL}},
                                {{0}}};
#define FONE (&FP2_ONE)
#define PT_FN(name) lcp_bls_g2_##name
#include "crypto/bls_jac.inc"

void lcp_bls_g2_to_affine(bls_fp2 *x, bls_fp2 *y, const bls_g2 *a)
{
    if (lcp_bls_fp2_eq(&a->z, &FP2_ONE)) { /* already affine (a decoded point): no inversion */
        *x = a->x;
        *y = a->y;
        return;
    }
    bls_fp2 zi, zi2;
    lcp_bls_fp2_inv(&zi, &a->z);
    lcp_bls_fp2_sqr(&zi2, &zi);
    lcp_bls_fp2_mul(x, &a->x, &zi2);
    lcp_bls_fp2_mul(&zi2, &zi2, &zi);
    lcp_bls_fp2_mul(y, &a->y, &zi2);
}

/* [x]P with x = -0xd201000000010000 */
void lcp_bls_g2_mul_x(bls_g2 *r, const bls_g2 *a)
{
    bls_g2 acc = *a;
    for (int i = 62; i >= 0; i--) {
        lcp_bls_g2_dbl(&acc, &acc);
        if ((BLS_X_ABS >> i) & 1) lcp_bls_g2_add(&acc, &acc, a);
    }
    lcp_bls_g2_neg(r, &acc);
}

/* psi = untwist, Frobenius, twist; on Jacobian coordinates conj(Z) keeps x = X/Z^2 and y = Y/Z^3 consistent */
void lcp_bls_g2_psi(bls_g2 *r, const bls_g2 *a)
{
    bls_fp2 t;
    lcp_bls_fp2_conj(&t, &a->x);
    lcp_bls_fp2_mul(&r->x, &t, &BLS_PSI_X);
    lcp_bls_fp2_conj(&t, &a->y);
    lcp_bls_fp2_mul(&r->y, &t, &BLS_PSI_Y);
    lcp_bls_fp2_conj(&r->z, &a->z);
}

int lcp_bls_g2_on_curve(const bls_g2 *a)
{
    if (lcp_bls_g2_is_inf(a)) return 1;
    /* Y^2 = X^3 + b' Z^6 */
    bls_fp2 l, r, z6;
    lcp_bls_fp2_sqr(&l, &a->y);
    lcp_bls_fp2_sqr(&r, &a->x);
    lcp_bls_fp2_mul(&r, &r, &a->x);
    lcp_bls_fp2_sqr(&z6, &a->z);
    lcp_bls_fp2_mul(&z6, &z6, &a->z);
    lcp_bls_fp2_sqr(&z6, &z6);
    lcp_bls_fp2_mul(&z6, &z6, &BLS_B2);
    lcp_bls_fp2_add(&r, &r, &z6);
    return lcp_bls_fp2_eq(&l, &r);
}

/* Scott's test (ePrint 2021/1130): a point of E2 is in G2 exactly when psi(P) = [x]P */
int lcp_bls_g2_in_subgroup(const bls_g2 *a)
{
    bls_g2 l, r;
    lcp_bls_g2_psi(&l, a);
    lcp_bls_g2_mul_x(&r, a);
    return lcp_bls_g2_eq(&l, &r);
}

/* Budroni-Pintore: h_eff P = [x^2 - x - 1]P + [x - 1]psi(P) + psi^2(2P) (RFC 9380 appendix G.3) */
void lcp_bls_g2_clear_cofactor(bls_g2 *r, const bls_g2 *p)
{
    bls_g2 t1, t2, t3, n;
    lcp_bls_g2_mul_x(&t1, p);
    lcp_bls_g2_psi(&t2, p);
    lcp_bls_g2_dbl(&t3, p);
    lcp_bls_g2_psi(&t3, &t3);
    lcp_bls_g2_psi(&t3, &t3);
    lcp_bls_g2_neg(&n, &t2);
    lcp_bls_g2_add(&t3, &t3, &n);
    lcp_bls_g2_add(&t2, &t1, &t2);
    lcp_bls_g2_mul_x(&t2, &t2);
    lcp_bls_g2_add(&t3, &t3, &t2);
    lcp_bls_g2_neg(&n, &t1);
    lcp_bls_g2_add(&t3, &t3, &n);
    lcp_bls_g2_neg(&n, p);
    lcp_bls_g2_add(r, &t3, &n);
}

/* 96 bytes: x.c1 (carrying the flags of lcp_bls_g1_decode) then x.c0 */
int lcp_bls_g2_decode(bls_g2 *r, const uint8_t in[96])
{
    return lcp_bls_g2_decompress(r, in) && (lcp_bls_g2_is_inf(r) || lcp_bls_g2_in_subgroup(r));
}

int lcp_bls_g2_decompress(bls_g2 *r, const uint8_t in[96])
{
    uint8_t b[96];
    memcpy(b, in, 96);
    if (!(b[0] & 0x80)) return 0;
    if (b[0] & 0x40) {
        if (b[0] != 0xc0) return 0;
        for (int i = 1; i < 96; i++)
            if (b[i]) return 0;
        lcp_bls_g2_set_inf(r);
        return 1;
    }
    int large = (b[0] & 0x20) != 0;
    b[0] &= 0x1f;
    bls_fp2 x, y, rhs;
    if (!lcp_bls_fp_from_bytes(&x.c1, b) || !lcp_bls_fp_from_bytes(&x.c0, b + 48)) return 0;
    lcp_bls_fp2_sqr(&rhs, &x);
    lcp_bls_fp2_mul(&rhs, &rhs, &x);
    lcp_bls_fp2_add(&rhs, &rhs, &BLS_B2);
    if (!lcp_bls_fp2_sqrt(&y, &rhs)) return 0;
    if (lcp_bls_fp2_is_large(&y) != large) lcp_bls_fp2_neg(&y, &y);
    lcp_bls_g2_from_affine(r, &x, &y);
    return 1;
}

void lcp_bls_g2_encode(uint8_t out[96], const bls_g2 *a)
{
    if (lcp_bls_g2_is_inf(a)) {
        memset(out, 0, 96);
        out[0] = 0xc0;
        return;
    }
    bls_fp2 x, y;
    lcp_bls_g2_to_affine(&x, &y, a);
    lcp_bls_fp_to_bytes(out, &x.c1);
    lcp_bls_fp_to_bytes(out + 48, &x.c0);
    out[0] |= 0x80;
    if (lcp_bls_fp2_is_large(&y)) out[0] |= 0x20;
}
