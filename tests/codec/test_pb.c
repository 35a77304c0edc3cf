/* The protobuf wire reader and writer (src/codec/pb.c): varint limits, field keys, truncation and group wire types,
 * writer overflow and sizing, and the shared int32/int64/singular-field rules the hand decoders use. */
#include "testutil.h"

#include <string.h>

#include "lcp/codec_pb.h"

static void test_varints(void **state)
{
    (void)state;
    static const struct {
        uint8_t b[11];
        size_t n;
        int ok;
        uint64_t v;
    } cases[] = {
        {{0x00}, 1, 1, 0},
        {{0x7f}, 1, 1, 127},
        {{0x80, 0x01}, 2, 1, 128},
        {{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}, 10, 1, UINT64_MAX},
        {{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02}, 10, 0, 0}, /* bits beyond 64 */
        {{0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01}, 11, 0, 0}, /* 11 bytes */
        {{0x80}, 1, 0, 0},                                                        /* truncated */
        {{0}, 0, 0, 0},                                                           /* nothing */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        uint64_t v = 99;
        size_t off = 0;
        int rc = lcp_pb_read_varint(&v, cases[i].b, cases[i].n, &off);
        assert_int_equal(rc == LCP_OK, cases[i].ok);
        if (cases[i].ok) {
            assert_true(v == cases[i].v);
            assert_int_equal(off, cases[i].n);
            assert_int_equal(lcp_pb_varint_len(v), cases[i].n);
        }
    }
}

static void test_fields(void **state)
{
    (void)state;
    lcp_pb_reader r;
    lcp_pb_field f;
    char err[LCP_ERR_LEN] = "";
    /* field 1 varint 150, field 2 bytes "hi", field 3 fixed32, field 4 fixed64 */
    static const uint8_t ok[] = {0x08, 0x96, 0x01, 0x12, 0x02, 'h', 'i', 0x1d, 1, 0, 0, 0,
                                 0x21, 2, 0, 0, 0, 0, 0, 0, 0};
    lcp_pb_reader_init(&r, ok, sizeof ok);
    assert_int_equal(lcp_pb_next(&r, &f, err), 1);
    assert_true(f.number == 1 && f.wire_type == LCP_PB_VARINT && f.u == 150);
    assert_int_equal(lcp_pb_next(&r, &f, err), 1);
    assert_true(f.number == 2 && f.bytes.len == 2 && memcmp(f.bytes.ptr, "hi", 2) == 0);
    assert_int_equal(lcp_pb_next(&r, &f, err), 1);
    assert_true(f.number == 3 && f.u == 1);
    assert_int_equal(lcp_pb_next(&r, &f, err), 1);
    assert_true(f.number == 4 && f.u == 2);
    assert_int_equal(lcp_pb_next(&r, &f, err), 0);
    /* field number 0, groups (3, 4), a length past the end, a cut fixed64, a cut key */
    static const uint8_t bad[][4] = {{0x00, 0x01}, {0x0b}, {0x0c}, {0x12, 0x05, 'a'}, {0x09, 1, 2}, {0x80}};
    static const size_t bad_len[] = {2, 1, 1, 3, 3, 1};
    for (size_t i = 0; i < sizeof bad_len / sizeof bad_len[0]; i++) {
        lcp_pb_reader_init(&r, bad[i], bad_len[i]);
        assert_int_equal(lcp_pb_next(&r, &f, err), LCP_ERR_PROTO);
        assert_true(err[0] != '\0');
    }
    /* lcp_pb_next_as keeps the message and reports the caller's code */
    lcp_pb_reader_init(&r, bad[0], bad_len[0]);
    assert_int_equal(lcp_pb_next_as(&r, &f, LCP_ERR_TM_DECODE, err), LCP_ERR_TM_DECODE);
}

static void test_writer(void **state)
{
    (void)state;
    uint8_t buf[8];
    lcp_pb_writer w;
    lcp_pb_writer_init(&w, NULL, 0); /* sizing */
    lcp_pb_put_bytes(&w, 2, "hello", 5);
    assert_int_equal(w.len, 7);
    assert_int_equal(lcp_pb_writer_status(&w), LCP_OK);
    lcp_pb_writer_init(&w, buf, 6); /* one byte short */
    lcp_pb_put_bytes(&w, 2, "hello", 5);
    assert_int_equal(lcp_pb_writer_status(&w), LCP_ERR_BUFFER_TOO_SMALL);
    lcp_pb_writer_init(&w, buf, sizeof buf);
    lcp_pb_put_uint_opt(&w, 1, 0); /* proto3 default: nothing */
    lcp_pb_put_bytes_opt(&w, 2, "", 0);
    assert_int_equal(w.len, 0);
    lcp_pb_put_uint(&w, 1, 0);
    assert_int_equal(w.len, 2);
    assert_memory_equal(buf, "\x08\x00", 2);
}

static void test_shared_rules(void **state)
{
    (void)state;
    assert_true(lcp_pb_int64(UINT64_MAX) == -1);
    assert_true(lcp_pb_int64((uint64_t)INT64_MAX + 1) == INT64_MIN);
    assert_int_equal(lcp_pb_int32(0xFFFFFFFFFFFFFFFFull), -1);
    assert_true(lcp_pb_int32_canonical(0xFFFFFFFF80000000ull)); /* INT32_MIN sign-extended */
    assert_false(lcp_pb_int32_canonical(0x80000000ull));        /* INT32_MIN without the extension */
    assert_false(lcp_pb_int32_canonical(0x100000001ull));       /* 1 with a high bit: a second reading of 1 */
    lcp_pb_field f = {0};
    f.number = 7;
    f.wire_type = LCP_PB_VARINT;
    f.u = 0x100000001ull;
    int32_t v = 5;
    char err[LCP_ERR_LEN] = "";
    assert_int_equal(lcp_pb_get_int32(&v, &f, LCP_ERR_ICS23_DECODE, "Msg", err), LCP_ERR_ICS23_DECODE);
    assert_non_null(strstr(err, "Msg: field 7 is not a canonical int32"));
    assert_int_equal(v, 5);
    f.u = 0xFFFFFFFFFFFFFFFEull;
    assert_int_equal(lcp_pb_get_int32(&v, &f, LCP_ERR_ICS23_DECODE, NULL, err), LCP_OK);
    assert_int_equal(v, -2);
    uint32_t seen = 0;
    assert_int_equal(lcp_pb_singular(&seen, &f, LCP_PB_VARINT, LCP_ERR_TM_DECODE, "Msg", err), LCP_OK);
    assert_int_equal(lcp_pb_singular(&seen, &f, LCP_PB_VARINT, LCP_ERR_TM_DECODE, "Msg", err), LCP_ERR_TM_DECODE);
    assert_non_null(strstr(err, "repeated"));
    f.number = 8;
    assert_int_equal(lcp_pb_singular(&seen, &f, LCP_PB_LEN, LCP_ERR_TM_DECODE, "Msg", err), LCP_ERR_TM_DECODE);
    assert_non_null(strstr(err, "wire type"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_varints),
        cmocka_unit_test(test_fields),
        cmocka_unit_test(test_writer),
        cmocka_unit_test(test_shared_rules),
    };
    return cmocka_run_group_tests_name("codec/pb", tests, NULL, NULL);
}
