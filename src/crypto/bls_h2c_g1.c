/* hash_to_curve for BLS12-381 G1 (RFC 9380 suite BLS12381G1_XMD:SHA-256_SSWU_RO_): simplified SWU onto the
 * 11-isogenous curve E1', the isogeny to E1 and cofactor clearing by h_eff = 1 - x. Ethereum hashes to G2 only;
 * this exists so that the RFC's G1 vectors check the shared field and curve code too. Nothing in the enclave's
 * verification path calls it, so the linker leaves it out there. */
#include <string.h>

#include "crypto/bls_internal.h"

static void rhs(bls_fp *g, const bls_fp *x)
{
    bls_fp t;
    lcp_bls_fp_sqr(&t, x);
    lcp_bls_fp_add(&t, &t, &BLS_G1_SSWU_A);
    lcp_bls_fp_mul(&t, &t, x);
    lcp_bls_fp_add(g, &t, &BLS_G1_SSWU_B);
}

static void poly(bls_fp *r, const bls_fp *k, int n, const bls_fp *x)
{
    bls_fp acc = k[n - 1];
    for (int i = n - 2; i >= 0; i--) {
        lcp_bls_fp_mul(&acc, &acc, x);
        lcp_bls_fp_add(&acc, &acc, &k[i]);
    }
    *r = acc;
}

static int sgn0(const bls_fp *a)
{
    uint64_t v[6];
    lcp_bls_fp_from_mont(v, a);
    return (int)(v[0] & 1);
}

/* SSWU (RFC 9380 6.6.2) then the isogeny, in Jacobian form as for G2: Z = xd yd, X = xn xd yd^2,
 * Y = y yn xd^3 yd^2 */
void lcp_bls_map_to_g1(bls_g1 *r, const bls_fp *u)
{
    bls_fp tv, d, x, gx, y;
    lcp_bls_fp_sqr(&tv, u);
    lcp_bls_fp_mul(&tv, &tv, &BLS_G1_SSWU_Z);
    lcp_bls_fp_sqr(&d, &tv);
    lcp_bls_fp_add(&d, &d, &tv);
    if (lcp_bls_fp_is_zero(&d)) {
        x = BLS_G1_SSWU_B_OVER_ZA;
    } else {
        lcp_bls_fp_inv(&x, &d);
        lcp_bls_fp_add(&x, &x, &BLS_ONE);
        lcp_bls_fp_mul(&x, &x, &BLS_G1_SSWU_MB_OVER_A);
    }
    rhs(&gx, &x);
    if (!lcp_bls_fp_sqrt(&y, &gx)) {
        lcp_bls_fp_mul(&x, &x, &tv);
        rhs(&gx, &x);
        (void)lcp_bls_fp_sqrt(&y, &gx); /* a square by construction of x2 */
    }
    if (sgn0(u) != sgn0(&y)) lcp_bls_fp_neg(&y, &y);
    bls_fp xn, xd, yn, yd, t;
    poly(&xn, BLS_G1_ISO_XNUM, 12, &x);
    poly(&xd, BLS_G1_ISO_XDEN, 11, &x);
    poly(&yn, BLS_G1_ISO_YNUM, 16, &x);
    poly(&yd, BLS_G1_ISO_YDEN, 16, &x);
    lcp_bls_fp_mul(&r->z, &xd, &yd);
    lcp_bls_fp_mul(&t, &r->z, &yd);
    lcp_bls_fp_mul(&r->x, &xn, &t);
    lcp_bls_fp_sqr(&r->y, &xd);
    lcp_bls_fp_mul(&r->y, &r->y, &t);
    lcp_bls_fp_mul(&r->y, &r->y, &yn);
    lcp_bls_fp_mul(&r->y, &r->y, &y);
}

int lcp_bls_hash_to_g1(bls_g1 *r, const uint8_t *msg, size_t msg_len, const uint8_t *dst, size_t dst_len)
{
    uint8_t e[128];
    if (!lcp_bls_expand_xmd(e, sizeof e, msg, msg_len, dst, dst_len)) return 0;
    bls_fp u0, u1;
    lcp_bls_fp_from_64(&u0, e);
    lcp_bls_fp_from_64(&u1, e + 64);
    bls_g1 q0, q1;
    lcp_bls_map_to_g1(&q0, &u0);
    lcp_bls_map_to_g1(&q1, &u1);
    lcp_bls_g1_add(&q0, &q0, &q1);
    static const uint64_t h_eff[1] = {0xd201000000010001ULL}; /* 1 - x */
    lcp_bls_g1_mul(r, &q0, h_eff, 1);
    return 1;
}
