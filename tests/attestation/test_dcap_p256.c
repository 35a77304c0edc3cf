/* The DCAP verifier's own ECDSA P-256 verification (dcap_p256.c) held to OpenSSL's EVP verifier: on random keys
 * and messages, valid, malleated (r, n - s) and bit-flipped signatures get the same verdict from OpenSSL, from the
 * plain path and from the precomputed-table path; compressed keys; the range rules for r and s; tables only for
 * fixed keys from their second round, and a full key cache that evicts without losing correctness. */
#include "testutil.h"

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <string.h>

#include "attestation/dcap_internal.h"

/* n, the order of P-256's base point. */
static const uint8_t N[32] = {0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF,
                              0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xBC, 0xE6, 0xFA, 0xAD, 0xA7, 0x17,
                              0x9E, 0x84, 0xF3, 0xB9, 0xCA, 0xC2, 0xFC, 0x63, 0x25, 0x51};

typedef struct {
    EVP_PKEY *key;
    uint8_t pub[65];
} test_key;

static void key_make(test_key *k)
{
    k->key = EVP_EC_gen("P-256");
    assert_non_null(k->key);
    size_t pl = 0;
    assert_int_equal(EVP_PKEY_get_octet_string_param(k->key, "pub", k->pub, sizeof k->pub, &pl), 1);
    assert_int_equal(pl, 65);
}

static void sign(uint8_t r[32], uint8_t s[32], EVP_PKEY *key, const uint8_t *msg, size_t len)
{
    uint8_t der[80];
    size_t dl = sizeof der;
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    assert_non_null(md);
    assert_int_equal(EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, key), 1);
    assert_int_equal(EVP_DigestSign(md, der, &dl, msg, len), 1);
    EVP_MD_CTX_free(md);
    const unsigned char *q = der;
    ECDSA_SIG *sig = d2i_ECDSA_SIG(NULL, &q, (long)dl);
    assert_non_null(sig);
    const BIGNUM *br, *bs;
    ECDSA_SIG_get0(sig, &br, &bs);
    assert_int_equal(BN_bn2binpad(br, r, 32), 32);
    assert_int_equal(BN_bn2binpad(bs, s, 32), 32);
    ECDSA_SIG_free(sig);
}

/* A fresh context, a key, and the key's signature r, s over msg. */
static lcp_dcap_p256 *setup(test_key *k, uint8_t r[32], uint8_t s[32], const uint8_t *msg, size_t len)
{
    lcp_dcap_p256 *c = NULL;
    char err[LCP_ERR_LEN] = "";
    assert_int_equal(lcp_dcap_p256_new(&c, err), LCP_OK);
    key_make(k);
    sign(r, s, k->key, msg, len);
    return c;
}

/* OpenSSL's verdict on raw r, s (1 valid, 0 not). */
static int openssl_verdict(EVP_PKEY *key, const uint8_t r[32], const uint8_t s[32], const uint8_t *msg, size_t len)
{
    ECDSA_SIG *sig = ECDSA_SIG_new();
    BIGNUM *br = BN_bin2bn(r, 32, NULL), *bs = BN_bin2bn(s, 32, NULL);
    assert_true(sig != NULL && br != NULL && bs != NULL);
    assert_int_equal(ECDSA_SIG_set0(sig, br, bs), 1);
    unsigned char *der = NULL;
    int dl = i2d_ECDSA_SIG(sig, &der);
    assert_true(dl > 0);
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    assert_non_null(md);
    assert_int_equal(EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, key), 1);
    int ok = EVP_DigestVerify(md, der, (size_t)dl, msg, len) == 1;
    EVP_MD_CTX_free(md);
    OPENSSL_free(der);
    ECDSA_SIG_free(sig);
    return ok;
}

static int ours(lcp_dcap_p256 *c, const uint8_t *pub, size_t pub_len, int fixed, const uint8_t r[32],
                const uint8_t s[32], const uint8_t *msg, size_t len)
{
    char err[LCP_ERR_LEN] = "";
    int rc = lcp_dcap_p256_verify(c, pub, pub_len, fixed, r, s, msg, len, NULL, "sig", err);
    assert_true(rc == LCP_OK || rc == LCP_ERR_ATTESTATION_SIGNATURE);
    return rc == LCP_OK;
}

/* All three verdicts on one signature, which must be `want`. */
static void agree(lcp_dcap_p256 *c, test_key *k, const uint8_t r[32], const uint8_t s[32], const uint8_t *msg,
                  size_t len, int want)
{
    assert_int_equal(openssl_verdict(k->key, r, s, msg, len), want);
    assert_int_equal(ours(c, k->pub, 65, 1, r, s, msg, len), want);
    assert_int_equal(ours(c, k->pub, 65, 0, r, s, msg, len), want);
}

/* n - s: the other valid s of every ECDSA signature (ECDSA itself does not pin low s; neither do Intel's checks). */
static void negate_s(uint8_t out[32], const uint8_t s[32])
{
    int borrow = 0;
    for (int i = 31; i >= 0; i--) {
        int d = N[i] - s[i] - borrow;
        borrow = d < 0;
        out[i] = (uint8_t)(d + (borrow ? 256 : 0));
    }
}

static void test_agrees_with_openssl(void **state)
{
    (void)state;
    lcp_dcap_p256 *c = NULL;
    char err[LCP_ERR_LEN] = "";
    assert_int_equal(lcp_dcap_p256_new(&c, err), LCP_OK);
    test_key keys[3];
    for (int i = 0; i < 3; i++) key_make(&keys[i]);
    uint8_t msg[384], r[32], s[32], t[32];
    assert_int_equal(RAND_bytes(msg, sizeof msg), 1);
    /* Two rounds of use give each fixed key its table. */
    for (int round = 0; round < 2; round++) {
        lcp_dcap_p256_round(c);
        for (int i = 0; i < 3; i++) {
            sign(r, s, keys[i].key, msg, sizeof msg);
            agree(c, &keys[i], r, s, msg, sizeof msg, 1);
        }
    }
    assert_int_equal(lcp_dcap_p256_tables(c), 3);
    for (int it = 0; it < 40; it++)
        for (int i = 0; i < 3; i++) {
            test_key *k = &keys[i];
            size_t len = 1 + (size_t)it * 9 % sizeof msg;
            assert_int_equal(RAND_bytes(msg, (int)len), 1);
            sign(r, s, k->key, msg, len);
            agree(c, k, r, s, msg, len, 1);
            negate_s(t, s);
            agree(c, k, r, t, msg, len, 1);
            /* One flipped bit anywhere in r, s or the message. */
            uint8_t pick[2];
            assert_int_equal(RAND_bytes(pick, 2), 1);
            uint8_t *target = pick[0] % 3 == 0 ? r : pick[0] % 3 == 1 ? s : msg;
            size_t at = pick[1] % (target == msg ? len : 32);
            target[at] ^= (uint8_t)(1u << (pick[0] % 8));
            agree(c, k, r, s, msg, len, 0);
            /* Another key's signature. */
            target[at] ^= (uint8_t)(1u << (pick[0] % 8));
            agree(c, &keys[(i + 1) % 3], r, s, msg, len, 0);
        }
    for (int i = 0; i < 3; i++) EVP_PKEY_free(keys[i].key);
    lcp_dcap_p256_free(c);
}

static void test_compressed_key_and_ranges(void **state)
{
    (void)state;
    test_key k;
    uint8_t msg[32] = "compressed", r[32], s[32];
    lcp_dcap_p256 *c = setup(&k, r, s, msg, sizeof msg);
    char err[LCP_ERR_LEN] = "";
    uint8_t comp[33];
    comp[0] = (uint8_t)(0x02 | (k.pub[64] & 1));
    memcpy(comp + 1, k.pub + 1, 32);
    assert_true(ours(c, comp, 33, 0, r, s, msg, sizeof msg));
    assert_true(ours(c, comp, 33, 1, r, s, msg, sizeof msg));
    comp[0] ^= 1; /* the other y: another key */
    assert_false(ours(c, comp, 33, 0, r, s, msg, sizeof msg));
    /* A length that is no SEC 1 point, and the hybrid form (06/07 || X || Y), are not keys. */
    assert_int_equal(lcp_dcap_p256_verify(c, k.pub, 64, 0, r, s, msg, sizeof msg, NULL, "sig", err),
                     LCP_ERR_ATTESTATION_SIGNATURE);
    assert_non_null(strstr(err, "not a P-256 point"));
    uint8_t hybrid[65];
    memcpy(hybrid, k.pub, 65);
    hybrid[0] = (uint8_t)(0x06 | (k.pub[64] & 1));
    for (int fixed = 0; fixed < 2; fixed++) {
        assert_int_equal(lcp_dcap_p256_verify(c, hybrid, 65, fixed, r, s, msg, sizeof msg, NULL, "sig", err),
                         LCP_ERR_ATTESTATION_SIGNATURE);
        assert_non_null(strstr(err, "not a P-256 point"));
    }
    /* r or s equal to n, or n + r (the same residue, out of range), or zero: refused, as OpenSSL refuses them. */
    uint8_t zero[32] = {0};
    agree(c, &k, N, s, msg, sizeof msg, 0);
    agree(c, &k, r, N, msg, sizeof msg, 0);
    agree(c, &k, zero, s, msg, sizeof msg, 0);
    agree(c, &k, r, zero, msg, sizeof msg, 0);
    /* n + 5 (still below 2^256): out of range, refused whatever its residue. */
    uint8_t big[32];
    int carry = 0;
    for (int i = 31; i >= 0; i--) {
        int sum = N[i] + (i == 31 ? 5 : 0) + carry;
        big[i] = (uint8_t)sum;
        carry = sum > 255;
    }
    agree(c, &k, big, s, msg, sizeof msg, 0);
    EVP_PKEY_free(k.key);
    lcp_dcap_p256_free(c);
}

static void test_table_rules_and_eviction(void **state)
{
    (void)state;
    test_key k;
    uint8_t msg[16] = "rounds", r[32], s[32];
    lcp_dcap_p256 *c = setup(&k, r, s, msg, sizeof msg);
    /* Many uses in one round earn nothing; neither do uses as a non-fixed key. */
    lcp_dcap_p256_round(c);
    for (int i = 0; i < 5; i++) assert_true(ours(c, k.pub, 65, 1, r, s, msg, sizeof msg));
    lcp_dcap_p256_round(c);
    for (int i = 0; i < 5; i++) assert_true(ours(c, k.pub, 65, 0, r, s, msg, sizeof msg));
    assert_int_equal(lcp_dcap_p256_tables(c), 0);
    assert_true(ours(c, k.pub, 65, 1, r, s, msg, sizeof msg));
    assert_int_equal(lcp_dcap_p256_tables(c), 1);
    /* Twelve one-off fixed keys, one per round, cycle through the other seven slots of the eight-entry cache: the
     * key used in more rounds keeps its slot and its table, and every verdict stays right on the way. */
    for (int i = 0; i < 12; i++) {
        lcp_dcap_p256_round(c);
        test_key o;
        key_make(&o);
        uint8_t orr[32], os[32];
        sign(orr, os, o.key, msg, sizeof msg);
        assert_true(ours(c, o.pub, 65, 1, orr, os, msg, sizeof msg));
        assert_false(ours(c, o.pub, 65, 1, r, s, msg, sizeof msg));
        assert_int_equal(lcp_dcap_p256_tables(c), 1);
        EVP_PKEY_free(o.key);
    }
    assert_true(ours(c, k.pub, 65, 1, r, s, msg, sizeof msg));
    assert_int_equal(lcp_dcap_p256_tables(c), 1);
    /* Seven keys that each earn a table fill the cache beside k; a new key then takes the least recently used of
     * the equally used slots, and every key still verifies (re-entering the cache as needed). */
    test_key many[8];
    uint8_t mr[8][32], ms[8][32];
    for (int i = 0; i < 8; i++) {
        key_make(&many[i]);
        sign(mr[i], ms[i], many[i].key, msg, sizeof msg);
    }
    for (int round = 0; round < 3; round++) {
        lcp_dcap_p256_round(c);
        assert_true(ours(c, k.pub, 65, 1, r, s, msg, sizeof msg));
        for (int i = 0; i < 7; i++) assert_true(ours(c, many[i].pub, 65, 1, mr[i], ms[i], msg, sizeof msg));
    }
    assert_int_equal(lcp_dcap_p256_tables(c), 8);
    lcp_dcap_p256_round(c);
    assert_true(ours(c, many[7].pub, 65, 1, mr[7], ms[7], msg, sizeof msg));
    assert_int_equal(lcp_dcap_p256_tables(c), 7);
    assert_true(ours(c, k.pub, 65, 1, r, s, msg, sizeof msg));
    for (int i = 0; i < 8; i++) {
        assert_true(ours(c, many[i].pub, 65, 1, mr[i], ms[i], msg, sizeof msg));
        assert_false(ours(c, many[i].pub, 65, 1, mr[(i + 1) % 8], ms[(i + 1) % 8], msg, sizeof msg));
        EVP_PKEY_free(many[i].key);
    }
    EVP_PKEY_free(k.key);
    lcp_dcap_p256_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_agrees_with_openssl),
        cmocka_unit_test(test_compressed_key_and_ranges),
        cmocka_unit_test(test_table_rules_and_eviction),
    };
    return cmocka_run_group_tests_name("attestation/dcap_p256", tests, NULL, NULL);
}
