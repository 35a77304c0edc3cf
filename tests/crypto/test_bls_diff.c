/* BLS12-381 against an independent implementation: tests/vectors/crypto/bls.txt holds cases computed by
 * @noble/curves (tools/vectors/bls.mjs, seeded): public keys of random secret keys, signatures over random messages
 * of random length, hash_to_G2 outputs, decoding verdicts of tampered and random encodings, key aggregates and
 * FastAggregateVerify verdicts for valid and mismatched committees. Every line must agree. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/bls_internal.h"
#include "lcp/crypto_bls.h"

static const char DST_POP[] = "BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_";

static size_t hexf(uint8_t *out, size_t cap, const char *s) { return strcmp(s, "-") ? tu_hex(out, cap, s) : 0; }

/* comma-separated 48-byte keys, decoded */
static size_t keys(lcp_bls_pubkey *pks, size_t cap, char *list)
{
    size_t n = 0;
    char *save = NULL;
    for (char *k = strtok_r(list, ",", &save); k; k = strtok_r(NULL, ",", &save)) {
        uint8_t b[48];
        assert_true(n < cap);
        assert_int_equal(tu_hex(b, sizeof b, k), 48);
        assert_int_equal(lcp_bls_pubkey_decode(&pks[n], b, NULL), LCP_OK);
        n++;
    }
    return n;
}

static void test_noble_vectors(void **state)
{
    (void)state;
    FILE *f = fopen(LCP_ROOT "/tests/vectors/crypto/bls.txt", "r");
    assert_non_null(f);
    static char line[16384];
    int counts[7] = {0}, total = 0;
    static const char *kinds[7] = {"pk", "sign", "h2g2", "g1", "g2", "agg", "fav"};
    while (fgets(line, sizeof line, f)) {
        char *save = NULL, *kind = strtok_r(line, " \n", &save);
        char *a = strtok_r(NULL, " \n", &save), *b = strtok_r(NULL, " \n", &save);
        char *c = strtok_r(NULL, " \n", &save), *d = strtok_r(NULL, " \n", &save);
        assert_non_null(kind);
        assert_non_null(a);
        assert_non_null(b);
        uint8_t sk[32], msg[128], want[96], got[96];
        size_t ml;
        int k;
        for (k = 0; k < 7 && strcmp(kind, kinds[k]); k++) {
        }
        assert_true(k < 7);
        switch (k) {
        case 0: /* pk <sk> <pk> */
            assert_int_equal(tu_hex(sk, sizeof sk, a), 32);
            assert_int_equal(tu_hex(want, sizeof want, b), 48);
            assert_int_equal(lcp_bls_sk_to_pk(got, sk), LCP_OK);
            assert_memory_equal(got, want, 48);
            break;
        case 1: /* sign <sk> <msg> <sig> */
            assert_non_null(c);
            assert_int_equal(tu_hex(sk, sizeof sk, a), 32);
            ml = hexf(msg, sizeof msg, b);
            assert_int_equal(tu_hex(want, sizeof want, c), 96);
            assert_int_equal(lcp_bls_sign(got, sk, msg, ml), LCP_OK);
            assert_memory_equal(got, want, 96);
            uint8_t pk[48];
            assert_int_equal(lcp_bls_sk_to_pk(pk, sk), LCP_OK);
            assert_int_equal(lcp_bls_verify(pk, msg, ml, got, NULL), LCP_OK);
            break;
        case 2: { /* h2g2 <msg> <point> */
            bls_g2 h;
            ml = hexf(msg, sizeof msg, a);
            assert_int_equal(tu_hex(want, sizeof want, b), 96);
            assert_true(lcp_bls_hash_to_g2(&h, msg, ml, (const uint8_t *)DST_POP, sizeof DST_POP - 1));
            lcp_bls_g2_encode(got, &h);
            assert_memory_equal(got, want, 96);
            break;
        }
        case 3: { /* g1 <bytes> <ok>: decoding verdict, and a decoded point re-encodes to the same bytes */
            bls_fp x, y;
            int inf;
            assert_int_equal(tu_hex(want, sizeof want, a), 48);
            int ok = lcp_bls_g1_decode(&x, &y, &inf, want);
            assert_int_equal(ok, atoi(b));
            if (ok) {
                lcp_bls_g1_encode(got, &x, &y, inf);
                assert_memory_equal(got, want, 48);
            }
            break;
        }
        case 4: {
            bls_g2 p;
            assert_int_equal(tu_hex(want, sizeof want, a), 96);
            int ok = lcp_bls_g2_decode(&p, want);
            assert_int_equal(ok, atoi(b));
            if (ok) {
                lcp_bls_g2_encode(got, &p);
                assert_memory_equal(got, want, 96);
            }
            break;
        }
        case 5: { /* agg <pks> <aggregate> */
            static lcp_bls_pubkey pks[32];
            lcp_bls_pubkey agg;
            size_t n = keys(pks, 32, a);
            assert_int_equal(tu_hex(want, sizeof want, b), 48);
            assert_int_equal(lcp_bls_pubkey_aggregate(&agg, pks, n, NULL), LCP_OK);
            lcp_bls_pubkey_encode(got, &agg);
            assert_memory_equal(got, want, 48);
            break;
        }
        case 6: { /* fav <msg> <sig> <pks> <ok> */
            static lcp_bls_pubkey pks[32];
            assert_non_null(d);
            ml = hexf(msg, sizeof msg, a);
            assert_int_equal(tu_hex(want, sizeof want, b), 96);
            size_t n = keys(pks, 32, c);
            int ok = atoi(d);
            int rc = lcp_bls_fast_aggregate_verify(pks, n, NULL, msg, ml, want, NULL);
            assert_int_equal(rc == LCP_OK, ok);
            assert_int_equal(lcp_bls_fast_aggregate_verify_mt(NULL, pks, n, NULL, msg, ml, want, NULL), rc);
            assert_int_equal(lcp_bls_eth_fast_aggregate_verify(pks, n, NULL, msg, ml, want, NULL), rc);
            break;
        }
        }
        counts[k]++;
        total++;
    }
    fclose(f);
    printf("    @noble/curves differential: %d cases (pk %d, sign %d, h2g2 %d, g1 %d, g2 %d, agg %d, fav %d)\n", total,
           counts[0], counts[1], counts[2], counts[3], counts[4], counts[5], counts[6]);
    assert_int_equal(total, 296);
    for (int k = 0; k < 7; k++) assert_true(counts[k] > 0);
}

/* the committee-total aggregation agrees with the plain sum for every participation pattern tried, and verifying
 * with the pre-aggregated key agrees with FastAggregateVerify */
static void test_aggregate_with_total(void **state)
{
    (void)state;
    FILE *f = fopen(LCP_ROOT "/tests/vectors/crypto/bls.txt", "r");
    assert_non_null(f);
    static char line[16384];
    static lcp_bls_pubkey pks[64];
    size_t n = 0;
    while (n < 48 && fgets(line, sizeof line, f)) {
        char *save = NULL, *kind = strtok_r(line, " \n", &save);
        if (strcmp(kind, "pk")) continue;
        (void)strtok_r(NULL, " \n", &save);
        uint8_t b[48];
        assert_int_equal(tu_hex(b, sizeof b, strtok_r(NULL, " \n", &save)), 48);
        assert_int_equal(lcp_bls_pubkey_decode(&pks[n++], b, NULL), LCP_OK);
    }
    fclose(f);
    assert_int_equal(n, 48);
    lcp_bls_pubkey total, a, b;
    assert_int_equal(lcp_bls_pubkey_aggregate(&total, pks, n, NULL), LCP_OK);
    uint8_t bits[6];
    uint32_t x = 12345;
    for (int round = 0; round < 64; round++) {
        for (int i = 0; i < 6; i++) { /* from sparse to nearly full participation */
            x = x * 1103515245u + 12345u;
            bits[i] = (uint8_t)(x >> 16);
            if (round % 4 != 0) bits[i] |= (uint8_t)(x >> 8);
            if (round % 4 == 3) bits[i] = 0xff ^ (uint8_t)(1u << (x % 8));
        }
        assert_int_equal(lcp_bls_pubkey_aggregate(&a, pks, n, bits), LCP_OK);
        assert_int_equal(lcp_bls_pubkey_aggregate_with_total(&b, pks, n, bits, &total), LCP_OK);
        assert_memory_equal(&a, &b, sizeof a);
    }
    memset(bits, 0xff, sizeof bits);
    assert_int_equal(lcp_bls_pubkey_aggregate_with_total(&b, pks, n, bits, &total), LCP_OK);
    assert_memory_equal(&total, &b, sizeof b);
    /* a signature of the first 40 keys over one message: verify_aggregated agrees with FastAggregateVerify */
    uint8_t sk[32], msg[32] = {7}, sigs[40][96], sig[96];
    FILE *g = fopen(LCP_ROOT "/tests/vectors/crypto/bls.txt", "r");
    assert_non_null(g);
    size_t k = 0;
    while (k < 40 && fgets(line, sizeof line, g)) {
        char *save = NULL, *kind = strtok_r(line, " \n", &save);
        if (strcmp(kind, "pk")) continue;
        assert_int_equal(tu_hex(sk, sizeof sk, strtok_r(NULL, " \n", &save)), 32);
        assert_int_equal(lcp_bls_sign(sigs[k++], sk, msg, sizeof msg), LCP_OK);
    }
    fclose(g);
    assert_int_equal(lcp_bls_aggregate_signatures(sig, (const uint8_t(*)[96])sigs, 40, NULL), LCP_OK);
    memset(bits, 0xff, 5);
    bits[5] = 0;
    assert_int_equal(lcp_bls_pubkey_aggregate_with_total(&b, pks, n, bits, &total), LCP_OK);
    assert_int_equal(lcp_bls_verify_aggregated(&b, msg, sizeof msg, sig, NULL), LCP_OK);
    assert_int_equal(lcp_bls_fast_aggregate_verify(pks, n, bits, msg, sizeof msg, sig, NULL), LCP_OK);
    assert_int_equal(lcp_bls_fast_aggregate_verify_mt(NULL, pks, n, bits, msg, sizeof msg, sig, NULL), LCP_OK);
    bits[0] = 0xfe; /* key 0 missing: the caller's part of the two-thread split (keys 0..41) */
    assert_int_equal(lcp_bls_fast_aggregate_verify_mt(NULL, pks, n, bits, msg, sizeof msg, sig, NULL), LCP_ERR_CRYPTO_VERIFY);
    bits[0] = 0xff;
    bits[4] = 0x7f; /* key 39 missing: the caller's part too, next to the split */
    assert_int_equal(lcp_bls_fast_aggregate_verify_mt(NULL, pks, n, bits, msg, sizeof msg, sig, NULL), LCP_ERR_CRYPTO_VERIFY);
    bits[4] = 0xff;
    bits[5] = 0x04; /* key 42 extra: the worker's part (keys 42..47) */
    assert_int_equal(lcp_bls_fast_aggregate_verify_mt(NULL, pks, n, bits, msg, sizeof msg, sig, NULL), LCP_ERR_CRYPTO_VERIFY);
    bits[5] = 1; /* key 40 extra: the caller's part */
    assert_int_equal(lcp_bls_fast_aggregate_verify_mt(NULL, pks, n, bits, msg, sizeof msg, sig, NULL), LCP_ERR_CRYPTO_VERIFY);
    assert_int_equal(lcp_bls_pubkey_aggregate_with_total(&b, pks, n, bits, &total), LCP_OK);
    assert_int_equal(lcp_bls_verify_aggregated(&b, msg, sizeof msg, sig, NULL), LCP_ERR_CRYPTO_VERIFY);
    b.infinity = 1;
    assert_int_equal(lcp_bls_verify_aggregated(&b, msg, sizeof msg, sig, NULL), LCP_ERR_CRYPTO_VERIFY);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_noble_vectors),
        cmocka_unit_test(test_aggregate_with_total),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
