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

/* ---- the table reader (lcp_pb_decode) ---- */

typedef struct {
    uint64_t a;
    int64_t b;
    int32_t c;
    uint32_t d;
    int e;
    lcp_bytes s;
    lcp_bytes list[2];
    size_t n_list;
    struct {
        uint64_t x;
    } inner;
    int has_inner;
    int32_t ints[4];
    size_t n_ints;
} tmsg;

static int inner_check(void *dst, char *err)
{
    const uint64_t *x = dst;
    return *x == 99 ? lcp_fail(err, LCP_ERR_RANGE, "inner: 99 is refused") : LCP_OK;
}

static const lcp_pb_fdesc inner_fields[] = {{.number = 1, .kind = LCP_PB_K_U64, .off = 0}};
static const lcp_pb_desc inner_desc = LCP_PB_DESC("Inner", LCP_ERR_TM_DECODE, LCP_PB_ONCE, inner_fields, inner_check);

static int add_int(void *dst, const lcp_pb_field *f, char *err)
{
    tmsg *m = (tmsg *)((uint8_t *)dst - offsetof(tmsg, ints));
    if (m->n_ints == 4) return lcp_fail(err, LCP_ERR_TM_LIMIT, "ints: full");
    m->ints[m->n_ints++] = lcp_pb_int32(f->u);
    return LCP_OK;
}

static const lcp_pb_fdesc t_fields[] = {
    LCP_PB_U64(1, tmsg, a),
    LCP_PB_I64(2, tmsg, b),
    LCP_PB_I32(3, tmsg, c),
    LCP_PB_U32(4, tmsg, d),
    LCP_PB_BOOL(5, tmsg, e),
    LCP_PB_BYTES(6, tmsg, s, .flags = LCP_PB_F_REQUIRED, .name = "s"),
    LCP_PB_BYTES_ARRAY(7, tmsg, list, n_list, .cap_code = LCP_ERR_TM_LIMIT),
    LCP_PB_MSG(8, tmsg, inner, &inner_desc, LCP_PB_HAS(tmsg, has_inner), .ctx = "inner"),
    {.number = 9, .kind = LCP_PB_K_I32, .flags = LCP_PB_F_REPEATED, .off = offsetof(tmsg, ints), .fn = add_int},
};
static const lcp_pb_desc strict_desc = LCP_PB_DESC("T", LCP_ERR_TM_DECODE, LCP_PB_ONCE, t_fields, NULL);
static const lcp_pb_desc lax_desc = LCP_PB_DESC("T", LCP_ERR_LC_INVALID_MESSAGE, LCP_PB_CTX, t_fields, NULL);

/* Decodes hex-free byte strings given as (bytes, len) and returns rc; err for the caller to inspect. */
static int tdec(const lcp_pb_desc *d, tmsg *m, const char *in, size_t n, char *err)
{
    memset(m, 0, sizeof *m); /* the reader's contract: a zeroed destination */
    err[0] = '\0';
    return lcp_pb_decode(d, m, (const uint8_t *)in, n, err);
}
#define TDEC(d, lit) tdec((d), &m, lit, sizeof(lit) - 1, err)

static void test_table_reader(void **state)
{
    (void)state;
    tmsg m;
    char err[LCP_ERR_LEN];
    /* every kind, an unknown field (15, skipped), a packed and an unpacked int32 run */
    assert_int_equal(TDEC(&strict_desc, "\x08\x96\x01\x10\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01\x18\x7e\x20\x05\x28\x02"
                                        "\x32\x02hi\x3a\x01x\x3a\x00\x42\x02\x08\x07\x78\x01\x4a\x02\x01\x7f\x48\x03"),
                     LCP_OK);
    assert_true(m.a == 150 && m.b == -1 && m.c == 126 && m.d == 5 && m.e == 1);
    assert_true(m.s.len == 2 && memcmp(m.s.ptr, "hi", 2) == 0);
    assert_true(m.n_list == 2 && m.list[0].len == 1 && m.list[1].len == 0);
    assert_true(m.has_inner && m.inner.x == 7);
    assert_true(m.n_ints == 3 && m.ints[0] == 1 && m.ints[1] == 127 && m.ints[2] == 3);
    /* the required field missing is named; nothing else was written */
    assert_int_equal(TDEC(&strict_desc, ""), LCP_ERR_TM_DECODE);
    assert_string_equal(err, "T: no s");
    assert_true(m.a == 0 && m.b == 0 && m.c == 0 && m.d == 0 && m.e == 0 && m.n_list == 0 && !m.has_inner);
    /* a singular field twice: refused with LCP_PB_ONCE, the last one wins without */
    assert_int_equal(TDEC(&strict_desc, "\x32\x00\x08\x01\x08\x02"), LCP_ERR_TM_DECODE);
    assert_string_equal(err, "T: field 1 repeated");
    assert_int_equal(TDEC(&lax_desc, "\x32\x00\x08\x01\x08\x02"), LCP_OK);
    assert_true(m.a == 2);
    /* ... and a nested message met again replaces the earlier one whole (no merge) */
    assert_int_equal(TDEC(&lax_desc, "\x32\x00\x42\x02\x08\x07\x42\x00"), LCP_OK);
    assert_true(m.has_inner && m.inner.x == 0);
    /* wrong wire types, for a varint and a bytes field */
    assert_int_equal(TDEC(&strict_desc, "\x32\x00\x0a\x00"), LCP_ERR_TM_DECODE);
    assert_string_equal(err, "T: field 1 has wire type 2");
    assert_int_equal(TDEC(&strict_desc, "\x30\x00"), LCP_ERR_TM_DECODE);
    assert_string_equal(err, "T: field 6 has wire type 0");
    /* int ranges: a non-canonical int32 (packed or not), a uint32 over 32 bits */
    assert_int_equal(TDEC(&strict_desc, "\x32\x00\x18\x80\x80\x80\x80\x10"), LCP_ERR_TM_DECODE);
    assert_string_equal(err, "T: field 3 is not a canonical int32");
    assert_int_equal(TDEC(&strict_desc, "\x32\x00\x4a\x05\x80\x80\x80\x80\x10"), LCP_ERR_TM_DECODE);
    assert_string_equal(err, "T: field 9 is not a canonical int32");
    assert_int_equal(TDEC(&strict_desc, "\x32\x00\x4a\x01\x80"), LCP_ERR_TM_DECODE);
    assert_string_equal(err, "T: bad packed varint in field 9");
    assert_int_equal(TDEC(&strict_desc, "\x32\x00\x20\x80\x80\x80\x80\x10"), LCP_ERR_TM_DECODE);
    assert_string_equal(err, "T: field 4 exceeds uint32");
    /* a full array: the field's own code */
    assert_int_equal(TDEC(&strict_desc, "\x32\x00\x3a\x00\x3a\x00\x3a\x00"), LCP_ERR_TM_LIMIT);
    assert_string_equal(err, "T: too many entries in field 7");
    /* a nested failure keeps its code and gains the field's context; a nested check runs */
    assert_int_equal(TDEC(&strict_desc, "\x32\x00\x42\x02\x0a\x00"), LCP_ERR_TM_DECODE);
    assert_string_equal(err, "inner: Inner: field 1 has wire type 2");
    assert_int_equal(TDEC(&strict_desc, "\x32\x00\x42\x02\x08\x63"), LCP_ERR_RANGE);
    assert_string_equal(err, "inner: inner: 99 is refused");
    /* malformed wire: the table's code; LCP_PB_CTX names the message */
    assert_int_equal(TDEC(&strict_desc, "\x32\x05"), LCP_ERR_TM_DECODE);
    assert_non_null(strstr(err, "protobuf: field 6 claims 5 bytes"));
    assert_int_equal(TDEC(&lax_desc, "\x32\x05"), LCP_ERR_LC_INVALID_MESSAGE);
    assert_non_null(strstr(err, "T: protobuf: field 6 claims 5 bytes"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_varints),
        cmocka_unit_test(test_fields),
        cmocka_unit_test(test_writer),
        cmocka_unit_test(test_shared_rules),
        cmocka_unit_test(test_table_reader),
    };
    return cmocka_run_group_tests_name("codec/pb", tests, NULL, NULL);
}
