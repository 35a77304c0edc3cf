/* AES-128-GCM, HMAC-SHA256 and HKDF-SHA256 wrappers against published vectors (McGrew & Viega's GCM test cases
 * 1, 2 and 4; RFC 4231 cases 1 and 2; RFC 5869 cases 1 and 3), plus GCM's verify-before-release contract: a
 * forged tag, ciphertext or aad leaves the output untouched. */
#include "testutil.h"

#include <string.h>

#include "lcp/crypto.h"

static void test_gcm_vectors(void **state)
{
    (void)state;
    uint8_t key[16] = {0}, iv[12] = {0}, ct[64], tag[16], want[64], pt[64];
    /* Case 1: empty plaintext. */
    assert_int_equal(lcp_aes128_gcm_encrypt(ct, tag, key, iv, NULL, 0, NULL, 0), LCP_OK);
    tu_hex(want, 16, "58e2fccefa7e3061367f1d57a4e7455a");
    assert_memory_equal(tag, want, 16);
    assert_int_equal(lcp_aes128_gcm_decrypt(pt, key, iv, NULL, 0, ct, 0, tag), LCP_OK);
    /* Case 2: one zero block. */
    uint8_t zero[16] = {0};
    assert_int_equal(lcp_aes128_gcm_encrypt(ct, tag, key, iv, NULL, 0, zero, 16), LCP_OK);
    tu_hex(want, 32, "0388dace60b6a392f328c2b971b2fe78ab6e47d42cec13bdf53a67b21257bddf");
    assert_memory_equal(ct, want, 16);
    assert_memory_equal(tag, want + 16, 16);
    /* Case 4: 60 bytes with 20 bytes of aad. */
    uint8_t p[60], a[20];
    tu_hex(key, 16, "feffe9928665731c6d6a8f9467308308");
    tu_hex(iv, 12, "cafebabefacedbaddecaf888");
    tu_hex(p, 60, "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b1"
                  "6aedf5aa0de657ba637b39");
    tu_hex(a, 20, "feedfacedeadbeeffeedfacedeadbeefabaddad2");
    tu_hex(want, 60, "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466931c7d8f6a5aac84aa05"
                     "1ba30b396a0aac973d58e091");
    assert_int_equal(lcp_aes128_gcm_encrypt(ct, tag, key, iv, a, 20, p, 60), LCP_OK);
    assert_memory_equal(ct, want, 60);
    uint8_t wtag[16];
    tu_hex(wtag, 16, "5bc94fbc3221a5db94fae95ae7121a47");
    assert_memory_equal(tag, wtag, 16);
    assert_int_equal(lcp_aes128_gcm_decrypt(pt, key, iv, a, 20, ct, 60, tag), LCP_OK);
    assert_memory_equal(pt, p, 60);
    /* In place encryption. */
    uint8_t inplace[60];
    memcpy(inplace, p, 60);
    assert_int_equal(lcp_aes128_gcm_encrypt(inplace, tag, key, iv, a, 20, inplace, 60), LCP_OK);
    assert_memory_equal(inplace, want, 60);
}

static void test_gcm_forgery_releases_nothing(void **state)
{
    (void)state;
    uint8_t key[16], iv[12] = {0}, msg[300], ct[300], tag[16], pt[300], aad[5] = {1, 2, 3, 4, 5};
    for (int i = 0; i < 16; i++) key[i] = (uint8_t)(i * 3);
    for (int i = 0; i < 300; i++) msg[i] = (uint8_t)i;
    assert_int_equal(lcp_aes128_gcm_encrypt(ct, tag, key, iv, aad, 5, msg, 300), LCP_OK);
    for (int which = 0; which < 4; which++) {
        uint8_t *p = which == 0 ? tag : which == 1 ? ct : which == 2 ? ct + 299 : aad;
        *p ^= 0x10;
        memset(pt, 0xa5, sizeof pt);
        assert_int_equal(lcp_aes128_gcm_decrypt(pt, key, iv, aad, 5, ct, 300, tag), LCP_ERR_CRYPTO_VERIFY);
        for (int i = 0; i < 300; i++) assert_int_equal(pt[i], 0xa5);
        *p ^= 0x10;
    }
    /* Another key, another IV, another length of aad. */
    key[0] ^= 1;
    assert_int_equal(lcp_aes128_gcm_decrypt(pt, key, iv, aad, 5, ct, 300, tag), LCP_ERR_CRYPTO_VERIFY);
    key[0] ^= 1;
    iv[11] = 1;
    assert_int_equal(lcp_aes128_gcm_decrypt(pt, key, iv, aad, 5, ct, 300, tag), LCP_ERR_CRYPTO_VERIFY);
    iv[11] = 0;
    assert_int_equal(lcp_aes128_gcm_decrypt(pt, key, iv, aad, 4, ct, 300, tag), LCP_ERR_CRYPTO_VERIFY);
    assert_int_equal(lcp_aes128_gcm_decrypt(pt, key, iv, aad, 5, ct, 300, tag), LCP_OK);
    assert_memory_equal(pt, msg, 300);
}

static void test_hmac(void **state)
{
    (void)state;
    uint8_t key[20], out[32], want[32];
    memset(key, 0x0b, 20);
    lcp_bytes hi = {(const uint8_t *)"Hi There", 8};
    assert_int_equal(lcp_hmac_sha256(out, key, 20, &hi, 1), LCP_OK);
    tu_hex(want, 32, "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
    assert_memory_equal(out, want, 32);
    /* The same message in parts, with an empty part. */
    lcp_bytes parts[] = {{(const uint8_t *)"what do ya", 10}, {NULL, 0}, {(const uint8_t *)" want for nothing?", 18}};
    assert_int_equal(lcp_hmac_sha256(out, (const uint8_t *)"Jefe", 4, parts, 3), LCP_OK);
    tu_hex(want, 32, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    assert_memory_equal(out, want, 32);
    /* Empty key and message (Python's hmac module gives b613679a...). */
    assert_int_equal(lcp_hmac_sha256(out, NULL, 0, NULL, 0), LCP_OK);
    tu_hex(want, 32, "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
    assert_memory_equal(out, want, 32);
}

static void test_hkdf(void **state)
{
    (void)state;
    uint8_t ikm[22], salt[13], info[10], out[42], want[42];
    memset(ikm, 0x0b, sizeof ikm);
    for (int i = 0; i < 13; i++) salt[i] = (uint8_t)i;
    for (int i = 0; i < 10; i++) info[i] = (uint8_t)(0xf0 + i);
    assert_int_equal(lcp_hkdf_sha256(out, 42, ikm, 22, salt, 13, info, 10), LCP_OK);
    tu_hex(want, 42, "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865");
    assert_memory_equal(out, want, 42);
    assert_int_equal(lcp_hkdf_sha256(out, 42, ikm, 22, NULL, 0, NULL, 0), LCP_OK);
    tu_hex(want, 42, "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8");
    assert_memory_equal(out, want, 42);
    assert_int_equal(lcp_hkdf_sha256(out, 0, ikm, 22, NULL, 0, NULL, 0), LCP_ERR_RANGE);
    assert_int_equal(lcp_hkdf_sha256(out, 255 * 32 + 1, ikm, 22, NULL, 0, NULL, 0), LCP_ERR_RANGE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gcm_vectors),
        cmocka_unit_test(test_gcm_forgery_releases_nothing),
        cmocka_unit_test(test_hmac),
        cmocka_unit_test(test_hkdf),
    };
    return cmocka_run_group_tests_name("crypto/aes_gcm_hkdf", tests, NULL, NULL);
}
