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

/* simplified SWU (RFC 9380 6.6.2) onto E2', then the isogeny */
void lcp_bls_map_to_g2(bls_g2 *r, const bls_fp2 *u)
{
    bls_fp2 tv, tv2, x, gx, y;
    lcp_bls_fp2_sqr(&tv, u);
    lcp_bls_fp2_mul(&tv, &tv, &BLS_SSWU_Z); /* Z u^2 */
    lcp_bls_fp2_sqr(&tv2, &tv);
    lcp_bls_fp2_add(&tv2, &tv2, &tv); /* Z^2 u^4 + Z u^2 */
    if (lcp_bls_fp2_is_zero(&tv2)) {
        x = BLS_SSWU_B_OVER_ZA;
    } else {
        lcp_bls_fp2_inv(&tv2, &tv2);
        lcp_bls_fp_add(&tv2.c0, &tv2.c0, &BLS_ONE);
        lcp_bls_fp2_mul(&x, &tv2, &BLS_SSWU_MB_OVER_A);
    }
    curve_rhs(&gx, &x);
    if (!lcp_bls_fp2_sqrt(&y, &gx)) {
        lcp_bls_fp2_mul(&x, &x, &tv); /* x2 = Z u^2 x1, whose g(x2) is then a square */
        curve_rhs(&gx, &x);
        (void)lcp_bls_fp2_sqrt(&y, &gx);
    }
    if (lcp_bls_fp2_sgn0(u) != lcp_bls_fp2_sgn0(&y)) lcp_bls_fp2_neg(&y, &y);
    iso3(r, &x, &y);
}

int lcp_bls_hash_to_g2(bls_g2 *r, const uint8_t *msg, size_t msg_len, const uint8_t *dst, size_t dst_len)
{
    uint8_t e[256];
    if (!lcp_bls_expand_xmd(e, sizeof e, msg, msg_len, dst, dst_len)) return 0;
    bls_fp2 u0, u1;
    lcp_bls_fp_from_64(&u0.c0, e);
    lcp_bls_fp_from_64(&u0.c1, e + 64);
    lcp_bls_fp_from_64(&u1.c0, e + 128);
    lcp_bls_fp_from_64(&u1.c1, e + 192);
    bls_g2 q0, q1;
    lcp_bls_map_to_g2(&q0, &u0);
    lcp_bls_map_to_g2(&q1, &u1);
    lcp_bls_g2_add(&q0, &q0, &q1);
    lcp_bls_g2_clear_cofactor(r, &q0);
    return 1;
}
