/* Strict ABI decoding: canonical encodings round-trip; gaps, overlaps, dirty padding, out-of-range integers,
 * truncation, trailing bytes and absurd lengths are rejected with their own codes. Built on a real fixture message
 * (client/01/003) so the shapes are the ones LCP produces. */
#include "testutil.h"

#include <string.h>

#include "lcp/codec_abi.h"
#include "lcp/commitment.h"

static uint8_t *msg;
static size_t msg_len;

static int setup(void **state)
{
    (void)state;
    cJSON *j = tu_json("lcp/lcp-solidity/client/01/003-update_client_result");
    msg = tu_b64_field(j, "message", &msg_len);
    cJSON_Delete(j);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    lcp_free(msg);
    return 0;
}

static int decode(const uint8_t *p, size_t n)
{
    lcp_proxy_msg pm;
    char err[LCP_ERR_LEN] = "";
    return lcp_proxy_msg_decode(&pm, p, n, err);
}

static void put_word(uint8_t *p, uint64_t v) { lcp_abi_word_u64(p, v); }

static void test_canonical_ok(void **state)
{
    (void)state;
    assert_int_equal(decode(msg, msg_len), LCP_OK);
}

static void test_truncation_and_trailing(void **state)
{
    (void)state;
    for (size_t n = 0; n < msg_len; n += 1) assert_int_not_equal(decode(msg, n), LCP_OK);
    uint8_t *big = lcp_malloc(msg_len + 32);
    memcpy(big, msg, msg_len);
    memset(big + msg_len, 0, 32);
    assert_int_equal(decode(big, msg_len + 32), LCP_ERR_ABI_TRAILING);
    lcp_free(big);
}

static void test_offsets(void **state)
{
    (void)state;
    uint8_t *m = lcp_malloc(msg_len);
    /* Leading tuple offset must be 0x20. */
    memcpy(m, msg, msg_len);
    put_word(m, 0x40);
    assert_int_equal(decode(m, msg_len), LCP_ERR_ABI_OFFSET);
    /* The message offset (word 2) pointing one word further leaves a gap. */
    memcpy(m, msg, msg_len);
    put_word(m + 64, 0x60);
    assert_int_equal(decode(m, msg_len), LCP_ERR_ABI_OFFSET);
    /* An offset with high bits set. */
    memcpy(m, msg, msg_len);
    m[64] = 1;
    assert_int_equal(decode(m, msg_len), LCP_ERR_ABI_RANGE);
    /* A huge bytes length. */
    memcpy(m, msg, msg_len);
    put_word(m + 96, 0xffffffffffull);
    assert_int_not_equal(decode(m, msg_len), LCP_OK);
    lcp_free(m);
}

static void test_padding_and_ranges(void **state)
{
    (void)state;
    uint8_t *m = lcp_malloc(msg_len);
    /* Inner message starts at 128: its first word is 0x20, then prev_height.revision_number. */
    memcpy(m, msg, msg_len);
    m[128 + 32 + 8] = 1; /* high byte of a uint64 */
    assert_int_equal(decode(m, msg_len), LCP_ERR_ABI_RANGE);
    /* The outer bytes' padding (the last byte of the encoding belongs to padding: the inner length is not a
     * multiple of 32 only if the encoder padded; inner ABI is always word-aligned, so test inner bytes padding
     * through the emitted state's Any, whose length is not a multiple of 32). */
    lcp_proxy_msg pm;
    assert_int_equal(lcp_proxy_msg_decode(&pm, msg, msg_len, NULL), LCP_OK);
    lcp_emitted_state es;
    assert_int_equal(lcp_update_state_emitted(&pm.u.update, 0, &es), LCP_OK);
    assert_true(es.state.len % 32 != 0);
    size_t pad_at = (size_t)(es.state.ptr - msg) + es.state.len;
    memcpy(m, msg, msg_len);
    m[pad_at] = 0x80;
    assert_int_equal(decode(m, msg_len), LCP_ERR_ABI_PADDING);
    /* Header: version 2, unknown type, reserved byte. */
    memcpy(m, msg, msg_len);
    m[33] = 2;
    assert_int_equal(decode(m, msg_len), LCP_ERR_COMMITMENT_HEADER);
    memcpy(m, msg, msg_len);
    m[35] = 9;
    assert_int_equal(decode(m, msg_len), LCP_ERR_COMMITMENT_HEADER);
    memcpy(m, msg, msg_len);
    m[40] = 1;
    assert_int_equal(decode(m, msg_len), LCP_ERR_COMMITMENT_HEADER);
    lcp_free(m);
}

/* Every single-byte change either fails to decode or decodes to a message whose canonical encoding is the changed
 * input itself: no byte is ignored, so no two inputs mean the same message. */
static void test_no_ignored_byte(void **state)
{
    (void)state;
    uint8_t *m = lcp_malloc(msg_len), *re = lcp_malloc(msg_len + 64);
    for (size_t i = 0; i < msg_len; i++) {
        memcpy(m, msg, msg_len);
        m[i] ^= 0x04;
        lcp_proxy_msg pm;
        if (lcp_proxy_msg_decode(&pm, m, msg_len, NULL) != LCP_OK) continue;
        size_t n;
        if (lcp_proxy_msg_encode(re, msg_len + 64, &n, &pm) != LCP_OK) fail_msg("re-encode failed at %zu", i);
        assert_int_equal(n, msg_len);
        assert_memory_equal(re, m, msg_len);
    }
    lcp_free(m);
    lcp_free(re);
}

/* Arrays claiming more elements than the input could hold are refused before any multiplication overflows. */
static void test_array_count_bounds(void **state)
{
    (void)state;
    uint8_t buf[32 * 4] = {0};
    put_word(buf, 0x20);      /* offset of the array */
    put_word(buf + 32, ~0ull); /* count */
    lcp_abi_dec d, arr;
    size_t count;
    lcp_abi_dec_root(&d, buf, 64, 1, NULL);
    lcp_abi_open_array(&d, &arr, &count, 3);
    lcp_abi_close(&d, &arr);
    assert_int_not_equal(lcp_abi_dec_finish(&d), LCP_OK);
    put_word(buf + 32, 0x7fffffffffffffffull);
    lcp_abi_dec_root(&d, buf, 64, 1, NULL);
    lcp_abi_open_array(&d, &arr, &count, 1);
    lcp_abi_close(&d, &arr);
    assert_int_equal(lcp_abi_dec_finish(&d), LCP_ERR_ABI_LENGTH);
    /* A count that fits a size_t but whose product with the element size would wrap (3 * 0x5555555555555556 is
     * 2 mod 2^64): the bound before the multiplication refuses it. */
    put_word(buf + 32, 0x5555555555555556ull);
    lcp_abi_dec_root(&d, buf, 64, 1, NULL);
    lcp_abi_open_array(&d, &arr, &count, 3);
    lcp_abi_close(&d, &arr);
    assert_int_equal(lcp_abi_dec_finish(&d), LCP_ERR_ABI_LENGTH);
}

/* bytes[] round trip through CommitmentProofs, including empty elements. */
static void test_commitment_proofs(void **state)
{
    (void)state;
    uint8_t s1[65], s2[1];
    memset(s1, 0xaa, sizeof s1);
    s2[0] = 7;
    lcp_bytes sigs[3] = {{s1, 65}, {NULL, 0}, {s2, 1}};
    size_t n;
    assert_int_equal(lcp_commitment_proofs_encode(NULL, 0, &n, msg, msg_len, sigs, 3), LCP_OK);
    uint8_t *buf = lcp_malloc(n);
    assert_int_equal(lcp_commitment_proofs_encode(buf, n, &n, msg, msg_len, sigs, 3), LCP_OK);
    lcp_commitment_proofs p;
    assert_int_equal(lcp_commitment_proofs_decode(&p, buf, n, NULL), LCP_OK);
    assert_int_equal(p.signature_count, 3);
    assert_int_equal(p.message.len, msg_len);
    assert_memory_equal(p.message.ptr, msg, msg_len);
    for (size_t i = 0; i < 3; i++) {
        lcp_bytes s;
        assert_int_equal(lcp_commitment_proofs_signature(&p, i, &s), LCP_OK);
        assert_int_equal(s.len, sigs[i].len);
        if (s.len) assert_memory_equal(s.ptr, sigs[i].ptr, s.len);
    }
    lcp_bytes s;
    assert_int_equal(lcp_commitment_proofs_signature(&p, 3, &s), LCP_ERR_RANGE);
    assert_int_equal(lcp_commitment_proofs_encode(buf, n - 1, &n, msg, msg_len, sigs, 3), LCP_ERR_BUFFER_TOO_SMALL);
    for (size_t cut = 0; cut < n; cut += 7) assert_int_not_equal(lcp_commitment_proofs_decode(&p, buf, cut, NULL), LCP_OK);
    lcp_free(buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_canonical_ok),
        cmocka_unit_test(test_truncation_and_trailing),
        cmocka_unit_test(test_offsets),
        cmocka_unit_test(test_padding_and_ranges),
        cmocka_unit_test(test_no_ignored_byte),
        cmocka_unit_test(test_array_count_bounds),
        cmocka_unit_test(test_commitment_proofs),
    };
    return cmocka_run_group_tests_name("codec/abi", tests, setup, teardown);
}
