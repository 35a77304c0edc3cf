/* hash_to_curve for BLS12-381 G2 (RFC 9380, suite BLS12381G2_XMD:SHA-256_SSWU_RO_): expand_message_xmd with
 * SHA-256, hash_to_field into Fp2, simplified SWU onto the 3-isogenous curve E2', the 3-isogeny to E2 and
 * cofactor clearing. SHA-256 comes from OpenSSL's low-level interface, which keeps its state on the stack (the
 * EVP interface allocates, and nothing here may). */
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/sha.h>
#include <string.h>

#include "crypto/bls_internal.h"
#include "crypto/bls_consts.h"

int lcp_bls_expand_xmd(uint8_t *out, size_t len, const uint8_t *msg, size_t msg_len, const uint8_t *dst,
                       size_t dst_len)
{
    static const uint8_t zpad[64] = {0};
    uint8_t short_dst[32];
    size_t ell = (len + 31) / 32;
    if (len == 0 || ell > 255 || len > 65535) return 0;
    if (dst_len > 255) { /* RFC 9380 5.3.3: DST = H("H2C-OVERSIZE-DST-" || DST) */
        SHA256_CTX c;
        SHA256_Init(&c);
        SHA256_Update(&c, "H2C-OVERSIZE-DST-", 17);
        SHA256_Update(&c, dst, dst_len);
        SHA256_Final(short_dst, &c);
        dst = short_dst;
        dst_len = 32;
    }
    uint8_t dst_len_b = (uint8_t)dst_len;
    uint8_t lib[3] = {(uint8_t)(len >> 8), (uint8_t)len, 0};
    uint8_t b0[32], bi[32];
    SHA256_CTX c;
    SHA256_Init(&c);
    SHA256_Update(&c, zpad, sizeof zpad);
    SHA256_Update(&c, msg, msg_len);
    SHA256_Update(&c, lib, 3);
    SHA256_Update(&c, dst, dst_len);
    SHA256_Update(&c, &dst_len_b, 1);
    SHA256_Final(b0, &c);
    for (size_t i = 1; i <= ell; i++) {
        uint8_t x[32], idx = (uint8_t)i;
        for (int k = 0; k < 32; k++) x[k] = (uint8_t)(b0[k] ^ (i == 1 ? 0 : bi[k]));
        SHA256_Init(&c);
        SHA256_Update(&c, x, 32);
        SHA256_Update(&c, &idx, 1);
        SHA256_Update(&c, dst, dst_len);
        SHA256_Update(&c, &dst_len_b, 1);
        SHA256_Final(bi, &c);
        size_t off = (i - 1) * 32, n = len - off < 32 ? len - off : 32;
        memcpy(out + off, bi, n);
    }
    return 1;
}

static void curve_rhs(bls_fp2 *g, const bls_fp2 *x)
{
    bls_fp2 t;
    lcp_bls_fp2_sqr(&t, x);
    lcp_bls_fp2_add(&t, &t, &BLS_SSWU_A);
    lcp_bls_fp2_mul(&t, &t, x);
    lcp_bls_fp2_add(g, &t, &BLS_SSWU_B);
}

/* Horner evaluation of a polynomial with n coefficients (constant first) */
static void poly(bls_fp2 *r, const bls_fp2 *k, int n, const bls_fp2 *x)
{
    bls_fp2 acc = k[n - 1];
    for (int i = n - 2; i >= 0; i--) {
        lcp_bls_fp2_mul(&acc, &acc, x);
        lcp_bls_fp2_add(&acc, &acc, &k[i]);
    }
    *r = acc;
}

/* The 3-isogeny E2' -> E2, returned in Jacobian form so that no inversion is needed:
 * Z = xd yd, X = xn xd yd^2, Y = y yn xd^3 yd^2. */
static void iso3(bls_g2 *r, const bls_fp2 *x, const bls_fp2 *y)
{
    bls_fp2 xn, xd, yn, yd, t;
    poly(&xn, BLS_ISO_XNUM, 4, x);
    poly(&xd, BLS_ISO_XDEN, 3, x);
    poly(&yn, BLS_ISO_YNUM, 4, x);
    poly(&yd, BLS_ISO_YDEN, 4, x);
    lcp_bls_fp2_mul(&r->z, &xd, &yd);
    lcp_bls_fp2_mul(&t, &r->z, &yd); /* xd yd^2 */
    lcp_bls_fp2_mul(&r->x, &xn, &t);
    lcp_bls_fp2_sqr(&r->y, &xd);
    lcp_bls_fp2_mul(&r->y, &r->y, &t); /* xd^3 yd^2 */
    lcp_bls_fp2_mul(&r->y, &r->y, &yn);
    lcp_bls_fp2_mul(&r->y, &r->y, y);
}

/* tv = Z u^2 and d = Z^2 u^4 + Z u^2 (whose inverse the map needs) */
static void sswu_den(bls_fp2 *tv, bls_fp2 *d, const bls_fp2 *u)
{
    lcp_bls_fp2_sqr(tv, u);
    lcp_bls_fp2_mul(tv, tv, &BLS_SSWU_Z);
    lcp_bls_fp2_sqr(d, tv);
    lcp_bls_fp2_add(d, d, tv);
}

/* Simplified SWU (RFC 9380 6.6.2) onto E2', then the isogeny; dinv = 1/d of sswu_den (ignored when d = 0).
 * The square test and root of g(x1) go through the norm (lcp_bls_fp2_sqrt_norm). When g(x1) is not a square,
 * g(x2) = tv^3 g(x1) and norm(tv) = 5 norm(u)^2, so norm(g(x2)) = 125 norm(u)^6 norm(g(x1)); with s^2 = -norm(g(x1))
 * (what the failed root gave) its root is 5 norm(u)^3 sqrt(-5) s: no second exponentiation for the test. */
static void map_to_g2(bls_g2 *r, const bls_fp2 *u, const bls_fp2 *tv, const bls_fp2 *d, const bls_fp2 *dinv)
{
    bls_fp2 x, gx, y;
    bls_fp n, s, t;
    if (lcp_bls_fp2_is_zero(d)) {
        x = BLS_SSWU_B_OVER_ZA;
    } else {
        x = *dinv;
        lcp_bls_fp_add(&x.c0, &x.c0, &BLS_ONE);
        lcp_bls_fp2_mul(&x, &x, &BLS_SSWU_MB_OVER_A);
    }
    curve_rhs(&gx, &x);
    lcp_bls_fp_sqr(&n, &gx.c0);
    lcp_bls_fp_sqr(&t, &gx.c1);
    lcp_bls_fp_add(&n, &n, &t);
    int square = lcp_bls_fp_sqrt(&s, &n);
    if (!square) {
        lcp_bls_fp2_mul(&x, &x, tv); /* x2 = Z u^2 x1 */
        curve_rhs(&gx, &x);
        bls_fp nu, nu3;
        lcp_bls_fp_sqr(&nu, &u->c0);
        lcp_bls_fp_sqr(&t, &u->c1);
        lcp_bls_fp_add(&nu, &nu, &t);
        lcp_bls_fp_sqr(&nu3, &nu);
        lcp_bls_fp_mul(&nu3, &nu3, &nu);
        lcp_bls_fp_mul(&s, &s, &nu3);
        lcp_bls_fp_mul(&s, &s, &BLS_SQRT_M5);
        lcp_bls_fp_add(&t, &s, &s);
        lcp_bls_fp_add(&t, &t, &t);
        lcp_bls_fp_add(&s, &t, &s); /* times 5 */
    }
    /* the root exists by construction (trapping here instead passed every vector and differential case); the
     * general root keeps the map exact even so */
    if (!lcp_bls_fp2_sqrt_norm(&y, &gx, &s)) (void)lcp_bls_fp2_sqrt(&y, &gx);
    if (lcp_bls_fp2_sgn0(u) != lcp_bls_fp2_sgn0(&y)) lcp_bls_fp2_neg(&y, &y);
    iso3(r, &x, &y);
}

void lcp_bls_map_to_g2(bls_g2 *r, const bls_fp2 *u)
{
    bls_fp2 tv, d, dinv;
    sswu_den(&tv, &d, u);
    lcp_bls_fp2_inv(&dinv, &d);
    map_to_g2(r, u, &tv, &d, &dinv);
}

int lcp_bls_hash_to_g2(bls_g2 *r, const uint8_t *msg, size_t msg_len, const uint8_t *dst, size_t dst_len)
{
    uint8_t e[256];
    if (!lcp_bls_expand_xmd(e, sizeof e, msg, msg_len, dst, dst_len)) return 0;
    bls_fp2 u[2], tv[2], d[2], dinv[2], prod;
    for (int k = 0; k < 2; k++) {
        lcp_bls_fp_from_64(&u[k].c0, e + 128 * k);
        lcp_bls_fp_from_64(&u[k].c1, e + 128 * k + 64);
        sswu_den(&tv[k], &d[k], &u[k]);
    }
    /* one inversion for both denominators (Montgomery's trick); a zero one is the map's exceptional case */
    lcp_bls_fp2_mul(&prod, &d[0], &d[1]);
    if (!lcp_bls_fp2_is_zero(&prod)) {
        lcp_bls_fp2_inv(&prod, &prod);
        lcp_bls_fp2_mul(&dinv[0], &prod, &d[1]);
        lcp_bls_fp2_mul(&dinv[1], &prod, &d[0]);
    } else {
        lcp_bls_fp2_inv(&dinv[0], &d[0]);
        lcp_bls_fp2_inv(&dinv[1], &d[1]);
    }
    bls_g2 q0, q1;
    map_to_g2(&q0, &u[0], &tv[0], &d[0], &dinv[0]);
    map_to_g2(&q1, &u[1], &tv[1], &d[1], &dinv[1]);
    lcp_bls_g2_add(&q0, &q0, &q1);
    lcp_bls_g2_clear_cofactor(r, &q0);
    return 1;
}
