/* Strict RLP against ethereum/tests: every valid vector encodes byte-exactly from its `in` value and decodes and
 * re-encodes to the same bytes; every invalid vector is refused. Plus what the vectors do not reach: the depth
 * limit, every truncation of a valid encoding, the typed accessors' canonical-integer rules, and the encoder's
 * sizing pass and short buffers. */
#include "testutil.h"

#include <stdio.h>
#include <string.h>

#include "lcp/codec_rlp.h"

#define BIG 8192

static int nul_string; /* set while encoding the vector bytestring00 */

/* "#<decimal>" → minimal big-endian bytes. */
static size_t decimal_be(uint8_t *out, size_t cap, const char *dec)
{
    uint8_t le[64] = {0};
    size_t n = 0;
    for (const char *c = dec; *c; c++) {
        assert_true(*c >= '0' && *c <= '9');
        unsigned carry = (unsigned)(*c - '0');
        for (size_t i = 0; i < n; i++) {
            unsigned v = le[i] * 10u + carry;
            le[i] = (uint8_t)v;
            carry = v >> 8;
        }
        while (carry) {
            assert_true(n < sizeof le);
            le[n++] = (uint8_t)carry;
            carry >>= 8;
        }
    }
    assert_true(n <= cap);
    for (size_t i = 0; i < n; i++) out[i] = le[n - 1 - i];
    return n;
}

/* Encodes the JSON value of a vector's `in` as ethereum/tests defines it. */
static void encode_json(lcp_rlp_enc *e, const cJSON *v)
{
    /* cJSON strings end at their first NUL, so "\u0000" (vector bytestring00) reads as "": it is the only
     * vector with a NUL, and the only one named for it. */
    if (nul_string && cJSON_IsString(v) && v->valuestring[0] == 0) {
        lcp_rlp_put_bytes(e, (const uint8_t *)"", 1);
        return;
    }
    if (cJSON_IsArray(v)) {
        size_t m = lcp_rlp_list_begin(e);
        const cJSON *x;
        cJSON_ArrayForEach(x, v) encode_json(e, x);
        lcp_rlp_list_end(e, m);
    } else if (cJSON_IsNumber(v)) {
        assert_true(v->valuedouble >= 0 && v->valuedouble < 9007199254740992.0);
        lcp_rlp_put_uint(e, (uint64_t)v->valuedouble);
    } else if (cJSON_IsString(v) && v->valuestring[0] == '#') {
        uint8_t be[64];
        size_t n = decimal_be(be, sizeof be, v->valuestring + 1);
        lcp_rlp_put_bytes(e, be, n);
    } else {
        assert_true(cJSON_IsString(v));
        lcp_rlp_put_bytes(e, (const uint8_t *)v->valuestring, strlen(v->valuestring));
    }
}

/* Re-encodes a decoded item through the encoder (strings by value, lists item by item). */
static void reencode(lcp_rlp_enc *e, const lcp_rlp_item *it)
{
    if (!it->is_list) {
        lcp_rlp_put_bytes(e, it->payload.ptr, it->payload.len);
        return;
    }
    size_t m = lcp_rlp_list_begin(e);
    lcp_rlp_iter i;
    lcp_rlp_item sub;
    assert_int_equal(lcp_rlp_iter_init(&i, it, NULL), LCP_OK);
    int rc;
    while ((rc = lcp_rlp_iter_next(&i, &sub, NULL)) == 1) reencode(e, &sub);
    assert_int_equal(rc, 0);
    lcp_rlp_list_end(e, m);
}

static void test_valid_vectors(void **state)
{
    (void)state;
    cJSON *j = tu_json("ethereum/rlp/rlptest.json");
    static uint8_t want[BIG], got[BIG];
    int count = 0;
    const cJSON *t;
    cJSON_ArrayForEach(t, j)
    {
        const cJSON *out = cJSON_GetObjectItemCaseSensitive(t, "out");
        size_t wl = tu_hex(want, sizeof want, out->valuestring);
        nul_string = strcmp(t->string, "bytestring00") == 0;
        /* Encode from the vector's value; a sizing pass first must predict the length. */
        lcp_rlp_enc e;
        size_t need, n;
        lcp_rlp_enc_init(&e, NULL, 0);
        encode_json(&e, cJSON_GetObjectItemCaseSensitive(t, "in"));
        assert_int_equal(lcp_rlp_enc_finish(&e, &need), LCP_OK);
        assert_int_equal(need, wl);
        lcp_rlp_enc_init(&e, got, sizeof got);
        encode_json(&e, cJSON_GetObjectItemCaseSensitive(t, "in"));
        assert_int_equal(lcp_rlp_enc_finish(&e, &n), LCP_OK);
        if (n != wl || memcmp(got, want, wl) != 0) fail_msg("vector %s encodes differently", t->string);
        /* One byte short anywhere is reported, never overrun. */
        if (wl > 0) {
            lcp_rlp_enc_init(&e, got, wl - 1);
            encode_json(&e, cJSON_GetObjectItemCaseSensitive(t, "in"));
            assert_int_equal(lcp_rlp_enc_finish(&e, &n), LCP_ERR_BUFFER_TOO_SMALL);
            assert_int_equal(n, wl);
        }
        /* Strict decode, then re-encode from the decoded tree: byte-exact. */
        lcp_rlp_item it;
        char err[LCP_ERR_LEN] = "";
        if (lcp_rlp_decode(&it, want, wl, err) != LCP_OK) fail_msg("vector %s refused: %s", t->string, err);
        assert_int_equal(it.raw.len, wl);
        lcp_rlp_enc_init(&e, got, sizeof got);
        reencode(&e, &it);
        assert_int_equal(lcp_rlp_enc_finish(&e, &n), LCP_OK);
        assert_int_equal(n, wl);
        assert_memory_equal(got, want, wl);
        /* Every proper prefix is refused (truncation), and so is one trailing byte. */
        for (size_t k = 0; k < wl; k++) assert_int_not_equal(lcp_rlp_decode(&it, want, k, NULL), LCP_OK);
        want[wl] = 0x00;
        assert_int_equal(lcp_rlp_decode(&it, want, wl + 1, NULL), LCP_ERR_RLP);
        count++;
    }
    assert_int_equal(count, 28);
    printf("rlp: %d/28 valid vectors encode, decode and re-encode byte-exactly\n", count);
    cJSON_Delete(j);
}

static void test_invalid_vectors(void **state)
{
    (void)state;
    cJSON *j = tu_json("ethereum/rlp/invalidRLPTest.json");
    static uint8_t in[BIG];
    int count = 0;
    const cJSON *t;
    cJSON_ArrayForEach(t, j)
    {
        const cJSON *out = cJSON_GetObjectItemCaseSensitive(t, "out");
        assert_string_equal(cJSON_GetObjectItemCaseSensitive(t, "in")->valuestring, "INVALID");
        size_t n = tu_hex(in, sizeof in, out->valuestring);
        lcp_rlp_item it;
        char err[LCP_ERR_LEN] = "";
        int rc = lcp_rlp_decode(&it, in, n, err);
        if (rc == LCP_OK) fail_msg("invalid vector %s accepted", t->string);
        assert_true(rc == LCP_ERR_RLP || rc == LCP_ERR_RLP_DEPTH);
        assert_true(err[0] != '\0');
        count++;
    }
    assert_int_equal(count, 26);
    printf("rlp: %d/26 invalid vectors refused\n", count);
    cJSON_Delete(j);
}

static void test_depth_limit(void **state)
{
    (void)state;
    uint8_t buf[LCP_RLP_MAX_DEPTH + 2];
    lcp_rlp_item it;
    /* d nested empty lists: c1 c1 ... c0, each list holding the next. */
    for (size_t d = 1; d <= LCP_RLP_MAX_DEPTH + 1; d++) {
        for (size_t i = 0; i + 1 < d; i++) buf[i] = (uint8_t)(0xc0 + (d - 1 - i));
        buf[d - 1] = 0xc0;
        int rc = lcp_rlp_decode(&it, buf, d, NULL);
        assert_int_equal(rc, d <= LCP_RLP_MAX_DEPTH ? LCP_OK : LCP_ERR_RLP_DEPTH);
    }
}

static void test_nested_errors_found(void **state)
{
    (void)state;
    /* A well-formed outer list whose second item is non-canonical (0x8105): decode_item accepts the header,
     * decode refuses the tree. */
    const uint8_t in[] = {0xc4, 0x83, 'd', 'o', 'g', 0x81, 0x05};
    lcp_rlp_item it;
    size_t used;
    assert_int_equal(lcp_rlp_decode_item(&it, &used, in, 5, NULL), LCP_OK);
    assert_int_equal(lcp_rlp_decode(&it, in, 5, NULL), LCP_OK);
    uint8_t bad[] = {0xc5, 0x83, 'd', 'o', 'g', 0x81, 0x05};
    assert_int_equal(lcp_rlp_decode_item(&it, &used, bad, sizeof bad, NULL), LCP_OK);
    assert_int_equal(lcp_rlp_decode(&it, bad, sizeof bad, NULL), LCP_ERR_RLP);
    /* An item overrunning its list (list says 2 bytes, item inside says 3). */
    const uint8_t over[] = {0xc2, 0x82, 'a', 'b'};
    assert_int_equal(lcp_rlp_decode(&it, over, sizeof over, NULL), LCP_ERR_RLP);
}

static void test_accessors(void **state)
{
    (void)state;
    lcp_rlp_item it, items[4];
    uint64_t v;
    uint8_t w[32], f[3];
    size_t n;
    char err[LCP_ERR_LEN];
    /* [0x0400, "", 0x05, [..]] */
    const uint8_t list[] = {0xc7, 0x82, 0x04, 0x00, 0x80, 0x05, 0xc1, 0x01};
    assert_int_equal(lcp_rlp_decode(&it, list, sizeof list, NULL), LCP_OK);
    assert_int_equal(lcp_rlp_list_count(&n, &it, NULL), LCP_OK);
    assert_int_equal(n, 4);
    assert_int_equal(lcp_rlp_list_items(items, 3, &n, &it, err), LCP_ERR_RLP_TYPE);
    assert_int_equal(lcp_rlp_list_items(items, 4, &n, &it, NULL), LCP_OK);
    assert_int_equal(lcp_rlp_get_uint64(&v, &items[0], NULL), LCP_OK);
    assert_int_equal(v, 0x400);
    assert_int_equal(lcp_rlp_get_uint64(&v, &items[1], NULL), LCP_OK);
    assert_int_equal(v, 0);
    assert_int_equal(lcp_rlp_get_uint256(w, &items[2], NULL), LCP_OK);
    assert_int_equal(w[31], 5);
    assert_true(lcp_is_zero(w, 31));
    assert_int_equal(lcp_rlp_get_uint64(&v, &items[3], NULL), LCP_ERR_RLP_TYPE);
    assert_int_equal(lcp_rlp_get_fixed(f, 2, &items[0], NULL), LCP_OK);
    assert_int_equal(lcp_rlp_get_fixed(f, 3, &items[0], NULL), LCP_ERR_RLP_TYPE);
    lcp_rlp_iter i;
    assert_int_equal(lcp_rlp_iter_init(&i, &items[0], NULL), LCP_ERR_RLP_TYPE);
    /* The integer 0 written as byte 0x00 is not canonical; nor is a leading zero; nor 9 bytes for a u64. */
    const uint8_t zero_byte[] = {0x00};
    assert_int_equal(lcp_rlp_decode(&it, zero_byte, 1, NULL), LCP_OK);
    assert_int_equal(lcp_rlp_get_uint64(&v, &it, NULL), LCP_ERR_RLP_TYPE);
    const uint8_t lead[] = {0x82, 0x00, 0x01};
    assert_int_equal(lcp_rlp_decode(&it, lead, sizeof lead, NULL), LCP_OK);
    assert_int_equal(lcp_rlp_get_uint64(&v, &it, NULL), LCP_ERR_RLP_TYPE);
    const uint8_t nine[] = {0x89, 1, 2, 3, 4, 5, 6, 7, 8, 9};
    assert_int_equal(lcp_rlp_decode(&it, nine, sizeof nine, NULL), LCP_OK);
    assert_int_equal(lcp_rlp_get_uint64(&v, &it, NULL), LCP_ERR_RLP_TYPE);
    assert_int_equal(lcp_rlp_get_uint256(w, &it, NULL), LCP_OK);
    assert_int_equal(w[23], 1);
    /* uint256 round trip through the encoder (leading zeros stripped). */
    uint8_t out[40];
    lcp_rlp_enc e;
    lcp_rlp_enc_init(&e, out, sizeof out);
    lcp_rlp_put_uint256(&e, w);
    assert_int_equal(lcp_rlp_enc_finish(&e, &n), LCP_OK);
    assert_int_equal(n, sizeof nine);
    assert_memory_equal(out, nine, n);
}

static void test_encoder_misuse(void **state)
{
    (void)state;
    lcp_rlp_enc e;
    size_t n;
    lcp_rlp_enc_init(&e, NULL, 0);
    (void)lcp_rlp_list_begin(&e);
    assert_int_equal(lcp_rlp_enc_finish(&e, &n), LCP_ERR_RLP); /* unclosed */
    lcp_rlp_enc_init(&e, NULL, 0);
    lcp_rlp_list_end(&e, 0);
    assert_int_equal(lcp_rlp_enc_finish(&e, &n), LCP_ERR_RLP); /* unbalanced */
    /* A 1 MiB string gets a 3-byte length and decodes back. */
    static uint8_t big[(1u << 20) + 8];
    lcp_rlp_enc_init(&e, big, sizeof big);
    static uint8_t payload[1u << 20];
    lcp_rlp_put_bytes(&e, payload, sizeof payload);
    assert_int_equal(lcp_rlp_enc_finish(&e, &n), LCP_OK);
    assert_int_equal(n, sizeof payload + 4);
    assert_int_equal(big[0], 0xba);
    lcp_rlp_item it;
    assert_int_equal(lcp_rlp_decode(&it, big, n, NULL), LCP_OK);
    assert_int_equal(it.payload.len, sizeof payload);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_vectors),   cmocka_unit_test(test_invalid_vectors),
        cmocka_unit_test(test_depth_limit),     cmocka_unit_test(test_nested_errors_found),
        cmocka_unit_test(test_accessors),       cmocka_unit_test(test_encoder_misuse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
