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

void lcp_bls_fp_inv_fermat(bls_fp *r, const bls_fp *a) { fp_pow(r, a, BLS_P_MINUS2); }

/* ---- variable-time inversion: binary GCD with the steps batched 31 at a time on 64-bit approximations ----
 * The plain binary GCD keeps a = u y, b = v y (mod p), starting from a = y, u = 1, b = p, v = 0: when a is odd it
 * first swaps (a, u) with (b, v) if a < b and subtracts b from a (u - v from u); then it halves a (u halved mod p).
 * a reaches 0 with b = gcd(y, p) = 1, so v = 1/y. Batched: the parity decisions of the next 31 steps depend only on
 * a's and b's low 31 bits, and the comparisons almost only on their top bits, so 31 steps run on 64-bit words made
 * of a's (and b's) 33 top bits (at the larger length of the two) above its 31 low bits, and record what they did as
 * a matrix: a' = (f0 a + g0 b) / 2^31, b' = (f1 a + g1 b) / 2^31 with |f|, |g| <= 2^31, the division exact. A
 * comparison misjudged on the approximations can leave a' or b' negative; it is made positive with its factors'
 * signs flipped, and the count of steps still converges (Pornin, "Optimized Binary GCD for Modular Inversion",
 * 2020). When both fit one word the steps are the exact ones. u and v follow the same matrix, the division by 2^31
 * being a Montgomery reduction by 2^31. Variable time: for public data only, as everything here. */

#define INV_K 31 /* steps per batch */

static int fp_raw_is_zero(const uint64_t a[6]) { return (a[0] | a[1] | a[2] | a[3] | a[4] | a[5]) == 0; }

/* r = a * f (a 6 limbs, r 7 limbs) */
static void inv_mul_word(uint64_t r[7], const uint64_t a[6], uint64_t f)
{
    uint64_t c = 0;
    for (int i = 0; i < 6; i++) {
        bls_u128 t = (bls_u128)a[i] * f + c;
        r[i] = (uint64_t)t;
        c = (uint64_t)(t >> 64);
    }
    r[6] = c;
}

/* |f a + g b| in r (7 limbs) with its sign (1 when negative) returned; |f|, |g| <= 2^31, a, b < 2^384 */
static int inv_lincomb(uint64_t r[7], const uint64_t a[6], int64_t f, const uint64_t b[6], int64_t g)
{
    uint64_t s[7], t[7];
    int fneg = f < 0, gneg = g < 0;
    inv_mul_word(s, a, fneg ? (uint64_t)0 - (uint64_t)f : (uint64_t)f);
    inv_mul_word(t, b, gneg ? (uint64_t)0 - (uint64_t)g : (uint64_t)g);
    if (fneg == gneg) { /* below 2^32 * 2^385: no carry out of 7 limbs */
        bls_carry c = 0;
        for (int i = 0; i < 7; i++) BLS_ADC(c, s[i], t[i], r[i]);
        return fneg;
    }
    int i = 6; /* opposite signs: the larger magnitude minus the smaller */
    while (i > 0 && s[i] == t[i]) i--;
    const uint64_t *big = s[i] >= t[i] ? s : t, *small = big == s ? t : s;
    bls_carry br = 0;
    for (int k = 0; k < 7; k++) BLS_SBB(br, big[k], small[k], r[k]);
    return big == s ? fneg : gneg;
}

/* a' = |f a + g b| / 2^31 (exact), 6 limbs; returns whether f a + g b was negative */
static int inv_update_ab(uint64_t out[6], const uint64_t a[6], int64_t f, const uint64_t b[6], int64_t g)
{
    uint64_t t[7];
    int neg = inv_lincomb(t, a, f, b, g);
    for (int i = 0; i < 6; i++) out[i] = (t[i] >> INV_K) | (t[i + 1] << (64 - INV_K));
    return neg;
}

/* out = s (f u + g v) / 2^31 mod p, s = -1 when neg, u, v < p: a Montgomery reduction by 2^31 */
static void inv_update_uv(uint64_t out[6], const uint64_t u[6], int64_t f, const uint64_t v[6], int64_t g, int neg)
{
    uint64_t t[7], q[7], w[8];
    int tneg = inv_lincomb(t, u, f, v, g) ^ neg;
    uint64_t m = (t[0] * BLS_N0) & ((1ULL << INV_K) - 1); /* t + m p = 0 mod 2^31 */
    inv_mul_word(q, BLS_P, m);
    bls_carry c = 0; /* t < 2^414, m p < 2^412: 7 limbs and a carry */
    for (int i = 0; i < 7; i++) BLS_ADC(c, t[i], q[i], w[i]);
    w[7] = c;
    for (int i = 0; i < 6; i++) out[i] = (w[i] >> INV_K) | (w[i + 1] << (64 - INV_K)); /* < 2^384 / ... < 2p */
    bls_fp_reduce_once(out);
    if (tneg && !fp_raw_is_zero(out)) {
        bls_carry br = 0;
        for (int i = 0; i < 6; i++) BLS_SBB(br, BLS_P[i], out[i], out[i]);
    }
}

/* the batch's word: the 33 bits of x below bit n, then x's 31 low bits (x itself when n <= 64) */
static uint64_t inv_approx(const uint64_t x[6], int n)
{
    if (n <= 64) return x[0];
    int s = n - 64, limb = s / 64, off = s % 64;
    uint64_t w = x[limb] >> off;
    if (off) w |= x[limb + 1] << (64 - off); /* limb + 1 <= 5: off > 0 means s < 320 */
    return (w & ~((1ULL << INV_K) - 1)) | (x[0] & ((1ULL << INV_K) - 1));
}

static int inv_bitlen(const uint64_t a[6], const uint64_t b[6])
{
    for (int i = 5; i >= 0; i--) {
        uint64_t w = a[i] | b[i];
        if (w) return 64 * i + 64 - __builtin_clzll(w);
    }
    return 0;
}

void lcp_bls_fp_inv(bls_fp *r, const bls_fp *a)
{
    uint64_t x[6], y[6], u[6] = {1, 0, 0, 0, 0, 0}, v[6] = {0}, t[6];
    memcpy(x, a->l, 48); /* the plain inverse of the Montgomery form aR, made a^-1 R at the end */
    memcpy(y, BLS_P, 48);
    for (int batch = 0; !fp_raw_is_zero(x); batch++) {
        if (batch == 64) { /* ~25 batches suffice (2 * 381 / 31); never reached, kept as a guard */
            lcp_bls_fp_inv_fermat(r, a);
            return;
        }
        int n = inv_bitlen(x, y);
        uint64_t xa = inv_approx(x, n), ya = inv_approx(y, n);
        int64_t f0 = 1, g0 = 0, f1 = 0, g1 = 1;
        for (int i = 0; i < INV_K;) {
            if (xa & 1) { /* ya is odd (b is, and its low bits are exact): xa becomes even */
                if (xa < ya) {
                    uint64_t w = xa;
                    int64_t h0 = f0, h1 = g0;
                    xa = ya, ya = w;
                    f0 = f1, g0 = g1, f1 = h0, g1 = h1;
                }
                xa -= ya;
                f0 -= f1;
                g0 -= g1;
            }
            int c = xa ? __builtin_ctzll(xa) : INV_K; /* the halvings in a row at once */
            if (c > INV_K - i) c = INV_K - i;
            xa >>= c;
            f1 *= (int64_t)1 << c;
            g1 *= (int64_t)1 << c;
            i += c;
        }
        int nx = inv_update_ab(t, x, f0, y, g0);
        int ny = inv_update_ab(y, x, f1, y, g1);
        memcpy(x, t, 48);
        inv_update_uv(t, u, f0, v, g0, nx);
        inv_update_uv(v, u, f1, v, g1, ny);
        memcpy(u, t, 48);
    }
    bls_fp vi;
    memcpy(vi.l, v, 48); /* 0 when a = 0 (then y = p, v = 0): the same 0 as a^(p-2) */
    lcp_bls_fp_mul(r, &vi, &BLS_R3_RAW);
}

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
