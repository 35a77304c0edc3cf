/* The strict JSON reader: RFC 8259 acceptance and rejection, string escapes and UTF-8, the depth limit, duplicate
 * member names, raw-span exactness on real signed documents, integer ranges, iteration and misuse. */
#include "testutil.h"

#include <stdio.h>
#include <string.h>

#include "lcp/codec_json.h"

/* Some calls are made only for their side effects on sanitizers; their result is deliberately unused. */
static void ignore(int rc) { (void)rc; }

static int validate_str(const char *s) { return lcp_json_validate((const uint8_t *)s, strlen(s), NULL); }

static lcp_json_value parse_ok(const char *s)
{
    lcp_json_value v;
    char err[LCP_ERR_LEN] = "";
    int rc = lcp_json_parse(&v, (const uint8_t *)s, strlen(s), err);
    if (rc != LCP_OK) fail_msg("'%s' rejected: %s", s, err);
    return v;
}

static void test_valid_documents(void **state)
{
    (void)state;
    static const char *ok[] = {
        "null", "true", "false", "0", "-0", "1", "-1", "123456789012345678901234567890", "0.5", "-0.0e0", "1E+2",
        "1e-2", "3.25E10", "\"\"", "\"abc\"", "[]", "{}", "[ ]", "{ }", " \t\r\n[1,2,3] \n", "{\"a\":{\"b\":[{}]}}",
        "[null,true,false,\"x\",-2.5e-3,[],{}]", "{\"\":0}", "\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"", "\"\\u0000\"",
        "\"\\ud83d\\ude00\"", "\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"", "\"\xef\xbf\xbf\"", "\"\xf4\x8f\xbf\xbf\"",
        "{\"a\" : 1 , \"b\" :[ 1 , 2 ] }",
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        char err[LCP_ERR_LEN] = "";
        if (lcp_json_validate((const uint8_t *)ok[i], strlen(ok[i]), err) != LCP_OK)
            fail_msg("valid document %zu '%s' rejected: %s", i, ok[i], err);
    }
}

static void test_invalid_documents(void **state)
{
    (void)state;
    static const char *bad[] = {
        "", " ", "nul", "nulll", "True", "[1,]", "[,1]", "[1 2]", "{\"a\":1,}", "{\"a\" 1}", "{a:1}", "{'a':1}",
        "{\"a\":}", "{,}", "{\"a\":1 \"b\":2}", "[", "]", "{", "}", "[1", "{\"a\":1", "\"abc", "01", "-01", "+1",
        ".5", "1.", "1.e3", "1e", "1e+", "-", "--1", "0x10", "NaN", "Infinity", "-Infinity", "1 2", "[] []",
        "\"\\x41\"", "\"\\u12\"", "\"\\u12G4\"", "\"\\U0041\"", "\"\\\"", "\"a\tb\"", "\"a\nb\"", "\"\x01\"",
        "\"\\ud83d\"", "\"\\ude00\"", "\"\\ud83d\\u0041\"", "\"\\ud83dx\"", "\"\\ude00\\ud83d\"",
        "\"\xc0\x80\"", "\"\xc1\xbf\"", "\"\xe0\x80\xaf\"", "\"\xed\xa0\x80\"", "\"\xf0\x80\x80\xaf\"",
        "\"\xf4\x90\x80\x80\"", "\"\xf5\x80\x80\x80\"", "\"\xff\"", "\"\x80\"", "\"\xc3\"", "\"\xe2\x82\"",
        "\xef\xbb\xbf{}", "[1]x", "{\"a\":1}}", "[\"a\",]", "[1,2,3,]",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char err[LCP_ERR_LEN] = "";
        int rc = lcp_json_validate((const uint8_t *)bad[i], strlen(bad[i]), err);
        if (rc != LCP_ERR_JSON) fail_msg("invalid document %zu '%s' gave %d", i, bad[i], rc);
        assert_true(err[0] != '\0');
    }
    /* A NUL byte is never valid, inside or outside a string. */
    static const uint8_t nul1[] = {'"', 'a', 0, '"'}, nul2[] = {'[', '1', ']', 0};
    assert_int_equal(lcp_json_validate(nul1, sizeof nul1, NULL), LCP_ERR_JSON);
    assert_int_equal(lcp_json_validate(nul2, sizeof nul2, NULL), LCP_ERR_JSON);
    /* Every proper prefix of a valid document is invalid: the reader never reads past len. */
    const char *doc = "{\"k\":[1,-2.5e3,\"\\u00e9\\ud83d\\ude00\",true,null,{\"x\":false}]}";
    size_t n = strlen(doc);
    for (size_t i = 0; i < n; i++) {
        int rc = lcp_json_validate((const uint8_t *)doc, i, NULL);
        if (rc == LCP_OK) fail_msg("prefix of length %zu accepted", i);
    }
    assert_int_equal(lcp_json_validate((const uint8_t *)doc, n, NULL), LCP_OK);
}

static void nest(char *buf, int depth, char open, char close)
{
    memset(buf, open, (size_t)depth);
    memset(buf + depth, close, (size_t)depth);
    buf[2 * depth] = '\0';
}

static void test_depth_limit(void **state)
{
    (void)state;
    char buf[8 * LCP_JSON_MAX_DEPTH + 16];
    nest(buf, LCP_JSON_MAX_DEPTH, '[', ']');
    assert_int_equal(validate_str(buf), LCP_OK);
    nest(buf, LCP_JSON_MAX_DEPTH + 1, '[', ']');
    assert_int_equal(validate_str(buf), LCP_ERR_JSON_DEPTH);
    /* Objects count too: {"a":{"a":...{}...}} */
    for (int depth = LCP_JSON_MAX_DEPTH; depth <= LCP_JSON_MAX_DEPTH + 1; depth++) {
        char *p = buf;
        for (int i = 0; i < depth - 1; i++) p += sprintf(p, "{\"a\":");
        p += sprintf(p, "{}");
        for (int i = 0; i < depth - 1; i++) *p++ = '}';
        *p = '\0';
        assert_int_equal(validate_str(buf), depth == LCP_JSON_MAX_DEPTH ? LCP_OK : LCP_ERR_JSON_DEPTH);
    }
    /* A huge unbalanced opening run fails at the limit without recursing further (no stack exhaustion). */
    static char deep[100000];
    memset(deep, '[', sizeof deep);
    assert_int_equal(lcp_json_validate((const uint8_t *)deep, sizeof deep, NULL), LCP_ERR_JSON_DEPTH);
}

static void check_string(const char *json, const char *want, size_t want_len)
{
    lcp_json_value v = parse_ok(json);
    assert_int_equal(v.type, LCP_JSON_STRING);
    char out[64];
    size_t n = 99, n2 = 98;
    char err[LCP_ERR_LEN] = "";
    if (lcp_json_string(out, sizeof out, &n, &v, err) != LCP_OK) fail_msg("%s: %s", json, err);
    assert_int_equal(n, want_len);
    assert_memory_equal(out, want, want_len);
    assert_int_equal(out[n], '\0');
    assert_int_equal(lcp_json_string_len(&n2, &v, NULL), LCP_OK);
    assert_int_equal(n2, want_len);
    assert_true(lcp_json_string_eq(&v, want, want_len));
    if (want_len > 0) {
        assert_false(lcp_json_string_eq(&v, want, want_len - 1));
        /* Exactly want_len bytes do not fit: the NUL needs one more. */
        assert_int_equal(lcp_json_string(out, want_len, &n, &v, NULL), LCP_ERR_BUFFER_TOO_SMALL);
    }
    assert_int_equal(lcp_json_string(out, want_len + 1, &n, &v, NULL), LCP_OK);
}

static void test_string_escapes(void **state)
{
    (void)state;
    check_string("\"abc\"", "abc", 3);
    check_string("\"\"", "", 0);
    check_string("\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"", "\"\\/\b\f\n\r\t", 8);
    check_string("\"\\u0041\\u00e9\\u00E9\"", "A\xc3\xa9\xc3\xa9", 5);
    check_string("\"\\u20ac\"", "\xe2\x82\xac", 3);
    check_string("\"\\ud83d\\ude00\"", "\xf0\x9f\x98\x80", 4);
    check_string("\"\\uDBFF\\uDFFF\"", "\xf4\x8f\xbf\xbf", 4);
    check_string("\"a\\u0000b\"", "a\0b", 3);
    check_string("\"\xf0\x9f\x98\x80 raw\"", "\xf0\x9f\x98\x80 raw", 8);
    check_string("\"https:\\/\\/security-center.intel.com\"", "https://security-center.intel.com", 33);

    lcp_json_value v = parse_ok("\"x\\/y\""), w = parse_ok("\"xy\""), num = parse_ok("12");
    lcp_bytes view;
    assert_int_equal(lcp_json_string_view(&view, &v, NULL), LCP_ERR_JSON);
    assert_int_equal(lcp_json_string_view(&view, &w, NULL), LCP_OK);
    assert_int_equal(view.len, 2);
    assert_memory_equal(view.ptr, "xy", 2);
    assert_ptr_equal(view.ptr, w.p + 1);
    char out[8];
    assert_int_equal(lcp_json_string(out, sizeof out, NULL, &num, NULL), LCP_ERR_JSON_TYPE);
    assert_false(lcp_json_string_eq(&num, "12", 2));
}

static void test_duplicate_members(void **state)
{
    (void)state;
    lcp_json_value o = parse_ok("{\"a\":1,\"b\":2,\"a\":3}"), v;
    char err[LCP_ERR_LEN] = "";
    assert_int_equal(lcp_json_get(&v, &o, "a", err), LCP_ERR_JSON_DUPLICATE);
    assert_non_null(strstr(err, "\"a\""));
    assert_int_equal(lcp_json_get(&v, &o, "b", NULL), LCP_OK);
    assert_int_equal(v.len, 1);
    assert_int_equal(v.p[0], '2');
    assert_int_equal(lcp_json_get(&v, &o, "c", NULL), LCP_ERR_JSON_MISSING);
    assert_int_equal(lcp_json_get(&v, &o, "", NULL), LCP_ERR_JSON_MISSING);
    /* Names are compared after unescaping: "\u0061" is a second "a". */
    o = parse_ok("{\"a\":1,\"\\u0061\":2}");
    assert_int_equal(lcp_json_get(&v, &o, "a", NULL), LCP_ERR_JSON_DUPLICATE);
    o = parse_ok("{\"\\u00e9t\\u00e9\":7}");
    assert_int_equal(lcp_json_get(&v, &o, "\xc3\xa9t\xc3\xa9", NULL), LCP_OK);
    assert_int_equal(lcp_json_get(&v, &o, "\xc3\xa9t", NULL), LCP_ERR_JSON_MISSING);
    /* Member lookup is not recursive and prefixes do not match. */
    o = parse_ok("{\"ab\":{\"a\":1}}");
    assert_int_equal(lcp_json_get(&v, &o, "a", NULL), LCP_ERR_JSON_MISSING);
    lcp_json_value arr = parse_ok("[1]");
    assert_int_equal(lcp_json_get(&v, &arr, "a", NULL), LCP_ERR_JSON_TYPE);
}

/* The span of a member is the exact text between ':' and the next ',' or '}' minus whitespace. */
static void test_raw_spans(void **state)
{
    (void)state;
    const char *doc = "  {\"x\" :\t[1, 2 ,{\"y\":\"z\\n\"}] , \"n\": -1.5e3\n}\r\n";
    lcp_json_value root = parse_ok(doc), x, n, y, e;
    assert_ptr_equal(root.p, (const uint8_t *)doc + 2);
    assert_int_equal(root.len, strlen(doc) - 4);
    assert_int_equal(root.type, LCP_JSON_OBJECT);
    assert_int_equal(lcp_json_get(&x, &root, "x", NULL), LCP_OK);
    assert_int_equal(x.type, LCP_JSON_ARRAY);
    assert_int_equal(x.len, strlen("[1, 2 ,{\"y\":\"z\\n\"}]"));
    assert_memory_equal(x.p, "[1, 2 ,{\"y\":\"z\\n\"}]", x.len);
    assert_int_equal(lcp_json_get(&n, &root, "n", NULL), LCP_OK);
    assert_int_equal(n.type, LCP_JSON_NUMBER);
    assert_int_equal(n.len, 6);
    assert_memory_equal(n.p, "-1.5e3", 6);
    assert_int_equal(lcp_json_array_at(&e, &x, 2, NULL), LCP_OK);
    assert_int_equal(lcp_json_get(&y, &e, "y", NULL), LCP_OK);
    assert_memory_equal(y.p, "\"z\\n\"", y.len);

    /* Real signed document: Intel-style collateral is {"tcbInfo":{...},"signature":"..."} and the signature covers
     * the raw tcbInfo text. Here: every member of a real IAS report must span exactly its text in the file. */
    size_t len;
    uint8_t *avr = tu_read("ias/avr_v4_body_sw_hardening_needed.json", &len);
    lcp_json_value r;
    assert_int_equal(lcp_json_parse(&r, avr, len, NULL), LCP_OK);
    assert_ptr_equal(r.p, avr);
    assert_int_equal(r.len, len);
    lcp_json_iter it;
    lcp_json_value name, val;
    int rc, members = 0;
    assert_int_equal(lcp_json_iter_init(&it, &r, NULL), LCP_OK);
    while ((rc = lcp_json_object_next(&name, &val, &it, NULL)) == 1) {
        members++;
        /* In this compact document each value starts right after `"name":` and ends before `,` or `}`. */
        assert_ptr_equal(val.p, name.p + name.len + 1);
        assert_true(val.p[val.len] == ',' || val.p[val.len] == '}');
        lcp_json_value again;
        char key[64];
        assert_int_equal(lcp_json_string(key, sizeof key, NULL, &name, NULL), LCP_OK);
        assert_int_equal(lcp_json_get(&again, &r, key, NULL), LCP_OK);
        assert_ptr_equal(again.p, val.p);
        assert_int_equal(again.len, val.len);
    }
    assert_int_equal(rc, 0);
    assert_int_equal(members, 9);
    lcp_json_value status;
    assert_int_equal(lcp_json_get(&status, &r, "isvEnclaveQuoteStatus", NULL), LCP_OK);
    assert_true(lcp_json_string_eq(&status, "SW_HARDENING_NEEDED", 19));
    lcp_free(avr);
}

static void test_integers(void **state)
{
    (void)state;
    static const struct {
        const char *json;
        int rc_u;
        uint64_t u;
        int rc_i;
        int64_t i;
    } cases[] = {
        {"0", LCP_OK, 0, LCP_OK, 0},
        {"-0", LCP_ERR_JSON_RANGE, 0, LCP_OK, 0},
        {"42", LCP_OK, 42, LCP_OK, 42},
        {"-42", LCP_ERR_JSON_RANGE, 0, LCP_OK, -42},
        {"9223372036854775807", LCP_OK, 9223372036854775807ull, LCP_OK, INT64_MAX},
        {"9223372036854775808", LCP_OK, 9223372036854775808ull, LCP_ERR_JSON_RANGE, 0},
        {"-9223372036854775808", LCP_ERR_JSON_RANGE, 0, LCP_OK, INT64_MIN},
        {"-9223372036854775809", LCP_ERR_JSON_RANGE, 0, LCP_ERR_JSON_RANGE, 0},
        {"18446744073709551615", LCP_OK, UINT64_MAX, LCP_ERR_JSON_RANGE, 0},
        {"18446744073709551616", LCP_ERR_JSON_RANGE, 0, LCP_ERR_JSON_RANGE, 0},
        {"99999999999999999999999", LCP_ERR_JSON_RANGE, 0, LCP_ERR_JSON_RANGE, 0},
        {"1.0", LCP_ERR_JSON_TYPE, 0, LCP_ERR_JSON_TYPE, 0},
        {"1e3", LCP_ERR_JSON_TYPE, 0, LCP_ERR_JSON_TYPE, 0},
        {"\"5\"", LCP_ERR_JSON_TYPE, 0, LCP_ERR_JSON_TYPE, 0},
        {"true", LCP_ERR_JSON_TYPE, 0, LCP_ERR_JSON_TYPE, 0},
        {"null", LCP_ERR_JSON_TYPE, 0, LCP_ERR_JSON_TYPE, 0},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        lcp_json_value v = parse_ok(cases[k].json);
        uint64_t u = 7;
        int64_t i = 7;
        int rc = lcp_json_u64(&u, &v, NULL);
        if (rc != cases[k].rc_u) fail_msg("u64 %s: rc %d", cases[k].json, rc);
        if (rc == LCP_OK) assert_true(u == cases[k].u);
        rc = lcp_json_i64(&i, &v, NULL);
        if (rc != cases[k].rc_i) fail_msg("i64 %s: rc %d", cases[k].json, rc);
        if (rc == LCP_OK) assert_true(i == cases[k].i);
    }
}

static void test_scalars_and_iteration(void **state)
{
    (void)state;
    lcp_json_value t = parse_ok("true"), f = parse_ok("false"), n = parse_ok("null"), z = parse_ok("0");
    int b = 5;
    assert_int_equal(lcp_json_bool(&b, &t, NULL), LCP_OK);
    assert_int_equal(b, 1);
    assert_int_equal(lcp_json_bool(&b, &f, NULL), LCP_OK);
    assert_int_equal(b, 0);
    assert_int_equal(lcp_json_bool(&b, &n, NULL), LCP_ERR_JSON_TYPE);
    assert_int_equal(lcp_json_bool(&b, &z, NULL), LCP_ERR_JSON_TYPE);
    assert_true(lcp_json_is_null(&n));
    assert_false(lcp_json_is_null(&z));

    lcp_json_value a = parse_ok("[ \"a\" , 2,[3] ,{}]"), e;
    size_t cnt = 0;
    assert_int_equal(lcp_json_count(&cnt, &a, NULL), LCP_OK);
    assert_int_equal(cnt, 4);
    lcp_json_iter it;
    assert_int_equal(lcp_json_iter_init(&it, &a, NULL), LCP_OK);
    static const lcp_json_type want[] = {LCP_JSON_STRING, LCP_JSON_NUMBER, LCP_JSON_ARRAY, LCP_JSON_OBJECT};
    static const char *text[] = {"\"a\"", "2", "[3]", "{}"};
    for (int k = 0; k < 4; k++) {
        assert_int_equal(lcp_json_array_next(&e, &it, NULL), 1);
        assert_int_equal(e.type, want[k]);
        assert_int_equal(e.len, strlen(text[k]));
        assert_memory_equal(e.p, text[k], e.len);
    }
    assert_int_equal(lcp_json_array_next(&e, &it, NULL), 0);
    assert_int_equal(lcp_json_array_next(&e, &it, NULL), 0);
    assert_int_equal(lcp_json_array_at(&e, &a, 3, NULL), LCP_OK);
    assert_int_equal(e.type, LCP_JSON_OBJECT);
    assert_int_equal(lcp_json_array_at(&e, &a, 4, NULL), LCP_ERR_JSON_MISSING);

    lcp_json_value empty = parse_ok("[]"), eo = parse_ok("{ }"), name, val;
    assert_int_equal(lcp_json_count(&cnt, &empty, NULL), LCP_OK);
    assert_int_equal(cnt, 0);
    assert_int_equal(lcp_json_count(&cnt, &eo, NULL), LCP_OK);
    assert_int_equal(cnt, 0);
    assert_int_equal(lcp_json_iter_init(&it, &eo, NULL), LCP_OK);
    assert_int_equal(lcp_json_object_next(&name, &val, &it, NULL), 0);
    assert_int_equal(lcp_json_array_next(&e, &it, NULL), LCP_ERR_JSON_TYPE);
    assert_int_equal(lcp_json_iter_init(&it, &z, NULL), LCP_ERR_JSON_TYPE);
    assert_int_equal(lcp_json_count(&cnt, &t, NULL), LCP_ERR_JSON_TYPE);

    lcp_json_value o = parse_ok("{\"k1\":[],\"k2\":\"v\"}");
    assert_int_equal(lcp_json_iter_init(&it, &o, NULL), LCP_OK);
    assert_int_equal(lcp_json_object_next(&name, &val, &it, NULL), 1);
    assert_true(lcp_json_string_eq(&name, "k1", 2));
    assert_int_equal(val.type, LCP_JSON_ARRAY);
    assert_int_equal(lcp_json_object_next(&name, &val, &it, NULL), 1);
    assert_true(lcp_json_string_eq(&name, "k2", 2));
    assert_true(lcp_json_string_eq(&val, "v", 1));
    assert_int_equal(lcp_json_object_next(&name, &val, &it, NULL), 0);
    assert_string_equal(lcp_json_type_name(LCP_JSON_OBJECT), "object");
}

/* A forged handle gives errors, never reads outside its span (ASan would catch it), also when it falsely claims
 * to come from a validated document (checked = 1, which lets iteration skip validation). */
static void test_forged_handles(void **state)
{
    (void)state;
    static const char *txt[] = {"[1 2]", "{\"a\" 1}", "[", "{", "\"abc", "\"a\"b\"", "[1,", "-", "1x",
                                "[\"\\", "{\"a\":[", "[[[\"]\"", "{\"a\\\"", "[1,\"x", "\"ok\""};
    static const lcp_json_type types[] = {LCP_JSON_ARRAY, LCP_JSON_OBJECT, LCP_JSON_STRING, LCP_JSON_NUMBER};
    for (size_t k = 0; k < sizeof txt / sizeof txt[0]; k++)
        for (size_t t = 0; t < 8; t++) {
            size_t n = strlen(txt[k]);
            uint8_t *copy = lcp_malloc(n); /* exact size so ASan sees any overread */
            assert_non_null(copy);
            memcpy(copy, txt[k], n);
            lcp_json_value v = {copy, n, types[t % 4], t >= 4}, e, nm;
            lcp_json_iter it;
            size_t cnt;
            char buf[16];
            uint64_t u;
            int64_t i;
            ignore(lcp_json_count(&cnt, &v, NULL));
            if (lcp_json_iter_init(&it, &v, NULL) == LCP_OK)
                while (lcp_json_object_next(&nm, &e, &it, NULL) == 1) {
                    assert_true(e.p >= copy && e.p + e.len <= copy + n);
                }
            if (lcp_json_iter_init(&it, &v, NULL) == LCP_OK)
                while (lcp_json_array_next(&e, &it, NULL) == 1) {
                    assert_true(e.p >= copy && e.p + e.len <= copy + n);
                }
            ignore(lcp_json_get(&e, &v, "a", NULL));
            /* Only a well-formed string handle reads as a string: the last text as a string, nothing else. */
            int is_str = lcp_json_string(buf, sizeof buf, NULL, &v, NULL) == LCP_OK;
            assert_int_equal(is_str, t % 4 == 2 && strcmp(txt[k], "\"ok\"") == 0);
            ignore(lcp_json_u64(&u, &v, NULL));
            ignore(lcp_json_i64(&i, &v, NULL));
            lcp_free(copy);
        }
}

static void test_misuse(void **state)
{
    (void)state;
    tu_count_illegal();
    lcp_json_value v = parse_ok("{}");
    assert_int_equal(lcp_json_parse(NULL, (const uint8_t *)"{}", 2, NULL), LCP_ERR_ILLEGAL_ARG);
    assert_int_equal(tu_illegal_calls, 1);
    assert_int_equal(lcp_json_get(&v, &v, NULL, NULL), LCP_ERR_ILLEGAL_ARG);
    assert_int_equal(tu_illegal_calls, 2);
    /* An empty buffer given as NULL is not misuse, just an invalid document. */
    assert_int_equal(lcp_json_validate(NULL, 0, NULL), LCP_ERR_JSON);
    assert_int_equal(tu_illegal_calls, 2);
    lcp_set_illegal_hook(NULL, NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_documents),   cmocka_unit_test(test_invalid_documents),
        cmocka_unit_test(test_depth_limit),       cmocka_unit_test(test_string_escapes),
        cmocka_unit_test(test_duplicate_members), cmocka_unit_test(test_raw_spans),
        cmocka_unit_test(test_integers),          cmocka_unit_test(test_scalars_and_iteration),
        cmocka_unit_test(test_forged_handles),    cmocka_unit_test(test_misuse),
    };
    return cmocka_run_group_tests_name("codec/json", tests, NULL, NULL);
}
