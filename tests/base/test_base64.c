/* Base64 decoding (src/base/hex.c) against OpenSSL's decoder: every byte value in every position of a group, the
 * padding rules, and random round trips. */
#include "testutil.h"

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <string.h>

/* OpenSSL's verdict on one unpadded 4-character group: 1 with out filled if every character is in the alphabet. */
static int openssl_group(uint8_t out[3], const char in[4])
{
    unsigned char buf[4];
    return EVP_DecodeBlock(buf, (const unsigned char *)in, 4) == 3 && (memcpy(out, buf, 3), 1);
}

static void test_every_byte_in_every_position(void **state)
{
    (void)state;
    for (int pos = 0; pos < 4; pos++)
        for (int c = 0; c < 256; c++) {
            char g[4] = {'Q', 'k', '9', '+'};
            g[pos] = (char)c;
            uint8_t ours[3], theirs[3];
            size_t n = 0;
            int ok = lcp_base64_decode(ours, sizeof ours, &n, g, 4, NULL) == LCP_OK;
            /* OpenSSL skips leading/trailing whitespace and treats '=' as padding; ours takes neither in a
             * full group, so only alphabet characters may decode. */
            int in_alphabet = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
                              c == '/';
            assert_int_equal(ok, in_alphabet);
            if (ok) {
                assert_true(openssl_group(theirs, g));
                assert_int_equal(n, 3);
                assert_memory_equal(ours, theirs, 3);
            }
        }
}

static void test_padding_and_round_trips(void **state)
{
    (void)state;
    uint8_t out[64];
    size_t n = 0;
    assert_int_equal(lcp_base64_decode(out, sizeof out, &n, "QQ==", 4, NULL), LCP_OK);
    assert_int_equal(n, 1);
    assert_int_equal(out[0], 'A');
    assert_int_equal(lcp_base64_decode(out, sizeof out, &n, "QUI=", 4, NULL), LCP_OK);
    assert_int_equal(n, 2);
    assert_int_equal(lcp_base64_decode(out, sizeof out, &n, "QR==", 4, NULL), LCP_ERR_BASE64); /* dirty pad bits */
    assert_int_equal(lcp_base64_decode(out, sizeof out, &n, "QUJ", 3, NULL), LCP_ERR_BASE64);
    assert_int_equal(lcp_base64_decode(out, sizeof out, &n, "Q=JD", 4, NULL), LCP_ERR_BASE64);
    for (int it = 0; it < 200; it++) {
        uint8_t raw[48], back[48];
        unsigned char b64[72];
        size_t len = (size_t)it % sizeof raw;
        assert_int_equal(RAND_bytes(raw, (int)sizeof raw), 1);
        int bl = EVP_EncodeBlock(b64, raw, (int)len);
        assert_int_equal(lcp_base64_decode(back, sizeof back, &n, (const char *)b64, (size_t)bl, NULL), LCP_OK);
        assert_int_equal(n, len);
        assert_memory_equal(back, raw, len);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_byte_in_every_position),
        cmocka_unit_test(test_padding_and_round_trips),
    };
    return cmocka_run_group_tests_name("base/base64", tests, NULL, NULL);
}
