/* The gRPC wire helpers of the service (lcp/service.h): the length-prefixed message reader under every split and
 * against hostile bytes, grpc-timeout, grpc-message percent-encoding, status names, listen addresses. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lcp/service.h"

typedef struct {
    uint8_t got[8][64];
    size_t len[8];
    size_t n;
    int fail_at; /* return an error for this message index (-1 = never) */
} sink;

static int collect(void *ud, const uint8_t *msg, size_t len)
{
    sink *s = ud;
    if ((int)s->n == s->fail_at) return LCP_ERR_PROTO;
    if (s->n < 8 && len <= 64) {
        memcpy(s->got[s->n], msg, len);
        s->len[s->n] = len;
    }
    s->n++;
    return LCP_OK;
}

static size_t frame(uint8_t *out, uint8_t flag, const void *body, size_t len)
{
    assert_int_equal(lcp_grpc_prefix(out, len), LCP_OK);
    out[0] = flag;
    memcpy(out + 5, body, len);
    return 5 + len;
}

static void test_reader_every_split(void **state)
{
    (void)state;
    uint8_t in[128];
    size_t n = frame(in, 0, "hello", 5);
    n += frame(in + n, 0, "", 0); /* an empty message is a message */
    n += frame(in + n, 0, "world!", 6);
    /* Every way of cutting the stream in two, and byte by byte. */
    for (size_t cut = 0; cut <= n; cut++) {
        lcp_grpc_reader r;
        memset(&r, 0, sizeof r);
        r.max = 64;
        sink s = {.fail_at = -1};
        assert_int_equal(lcp_grpc_reader_feed(&r, in, cut, collect, &s, NULL), LCP_OK);
        assert_int_equal(lcp_grpc_reader_feed(&r, in + cut, n - cut, collect, &s, NULL), LCP_OK);
        assert_int_equal(s.n, 3);
        assert_int_equal(s.len[0], 5);
        assert_memory_equal(s.got[0], "hello", 5);
        assert_int_equal(s.len[1], 0);
        assert_int_equal(s.len[2], 6);
        assert_memory_equal(s.got[2], "world!", 6);
        assert_true(lcp_grpc_reader_idle(&r));
        assert_int_equal(r.messages, 3);
        lcp_grpc_reader_free(&r);
    }
    lcp_grpc_reader r;
    memset(&r, 0, sizeof r);
    r.max = 64;
    sink s = {.fail_at = -1};
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(lcp_grpc_reader_feed(&r, in + i, 1, collect, &s, NULL), LCP_OK);
        /* Idle exactly at message boundaries. */
        assert_int_equal(lcp_grpc_reader_idle(&r), i + 1 == 10 || i + 1 == 15 || i + 1 == n);
    }
    assert_int_equal(s.n, 3);
    lcp_grpc_reader_free(&r);
}

static void test_reader_refusals(void **state)
{
    (void)state;
    uint8_t in[32];
    char err[LCP_ERR_LEN];
    lcp_grpc_reader r;
    sink s = {.fail_at = -1};

    /* Over the limit: refused from the prefix, before any body byte arrives. */
    memset(&r, 0, sizeof r);
    r.max = 4;
    size_t n = frame(in, 0, "abcde", 5);
    assert_int_equal(lcp_grpc_reader_feed(&r, in, 5, collect, &s, err), LCP_ERR_RANGE);
    assert_int_equal(r.status, LCP_GRPC_RESOURCE_EXHAUSTED);
    assert_non_null(strstr(err, "exceeds"));
    assert_int_equal(s.n, 0);
    /* A failed reader takes nothing more. */
    assert_int_equal(lcp_grpc_reader_feed(&r, in + 5, n - 5, collect, &s, err), LCP_ERR_IO);
    lcp_grpc_reader_free(&r);

    /* At the limit: accepted. A 4 GiB - 1 declaration with a small limit: refused without allocating. */
    memset(&r, 0, sizeof r);
    r.max = 5;
    assert_int_equal(lcp_grpc_reader_feed(&r, in, n, collect, &s, err), LCP_OK);
    assert_int_equal(s.n, 1);
    uint8_t huge[5] = {0, 0xff, 0xff, 0xff, 0xff};
    assert_int_equal(lcp_grpc_reader_feed(&r, huge, 5, collect, &s, err), LCP_ERR_RANGE);
    lcp_grpc_reader_free(&r);

    /* Compressed: unimplemented (nothing negotiated); any other flag: a broken stream. */
    memset(&r, 0, sizeof r);
    r.max = 64;
    n = frame(in, 1, "x", 1);
    assert_int_equal(lcp_grpc_reader_feed(&r, in, n, collect, &s, err), LCP_ERR_PROTO);
    assert_int_equal(r.status, LCP_GRPC_UNIMPLEMENTED);
    lcp_grpc_reader_free(&r);
    for (int flag = 2; flag < 256; flag++) {
        memset(&r, 0, sizeof r);
        r.max = 64;
        n = frame(in, (uint8_t)flag, "x", 1);
        assert_int_equal(lcp_grpc_reader_feed(&r, in, n, collect, &s, err), LCP_ERR_PROTO);
        assert_int_equal(r.status, LCP_GRPC_INTERNAL);
        lcp_grpc_reader_free(&r);
    }

    /* The callback's error stops the stream and is returned. */
    memset(&r, 0, sizeof r);
    r.max = 64;
    sink f = {.fail_at = 1};
    n = frame(in, 0, "a", 1);
    n += frame(in + n, 0, "b", 1);
    n += frame(in + n, 0, "c", 1);
    assert_int_equal(lcp_grpc_reader_feed(&r, in, n, collect, &f, err), LCP_ERR_PROTO);
    assert_int_equal(f.n, 1);
    assert_int_equal(r.status, LCP_GRPC_INTERNAL);
    lcp_grpc_reader_free(&r);

    /* A stream that ends inside a prefix or a body is not idle (the service answers "truncated"). */
    memset(&r, 0, sizeof r);
    r.max = 64;
    assert_int_equal(lcp_grpc_reader_feed(&r, in, 3, collect, &s, err), LCP_OK);
    assert_false(lcp_grpc_reader_idle(&r));
    assert_int_equal(lcp_grpc_reader_feed(&r, in + 3, 3, collect, &s, err), LCP_OK);
    assert_true(lcp_grpc_reader_idle(&r)); /* "a" complete */
    assert_int_equal(lcp_grpc_reader_feed(&r, in + 6, 5, collect, &s, err), LCP_OK);
    assert_false(lcp_grpc_reader_idle(&r)); /* prefix of "b" only */
    lcp_grpc_reader_free(&r);
}

/* Hostile bytes: random streams never deliver a message above the limit, never crash, and every delivered
 * message is exactly the bytes its prefix announced. Deterministic PRNG so that failures reproduce. */
static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint32_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)rng;
}

/* The messages a stream holds, read independently of the reader: 5-byte prefixes (flag 0, big-endian length at
 * most max) back to back, up to the first prefix the reader must refuse or the end of the bytes. */
#define MAX_EXPECTED 128
typedef struct {
    size_t max_seen, n;
    size_t n_expected, off[MAX_EXPECTED], len[MAX_EXPECTED];
    const uint8_t *buf;
    int mismatch;
} stats;

static void expect_messages(stats *s, const uint8_t *buf, size_t len, size_t max)
{
    s->buf = buf;
    for (size_t o = 0; o + 5 <= len && s->n_expected < MAX_EXPECTED;) {
        size_t l = (size_t)buf[o + 1] << 24 | (size_t)buf[o + 2] << 16 | (size_t)buf[o + 3] << 8 | buf[o + 4];
        if (buf[o] != 0 || l > max || o + 5 + l > len) break;
        s->off[s->n_expected] = o + 5;
        s->len[s->n_expected++] = l;
        o += 5 + l;
    }
}

static int count_msgs(void *ud, const uint8_t *msg, size_t len)
{
    stats *s = ud;
    if (len > s->max_seen) s->max_seen = len;
    /* The n-th delivered message must be the n-th message of the stream, byte for byte. */
    if (s->n >= s->n_expected || s->len[s->n] != len || (len && memcmp(msg, s->buf + s->off[s->n], len) != 0))
        s->mismatch = 1;
    s->n++;
    return LCP_OK;
}

static void test_reader_hostile(void **state)
{
    (void)state;
    uint8_t buf[512];
    size_t delivered = 0;
    for (int round = 0; round < 4000; round++) {
        size_t len = rnd() % sizeof buf;
        for (size_t i = 0; i < len; i++) buf[i] = (uint8_t)rnd();
        /* Bias towards plausible prefixes: flag 0 and small lengths. */
        if (len >= 5 && round % 2) {
            buf[0] = 0;
            buf[1] = buf[2] = 0;
            buf[3] = (uint8_t)(rnd() % 2);
        }
        lcp_grpc_reader r;
        memset(&r, 0, sizeof r);
        r.max = 200;
        stats st;
        memset(&st, 0, sizeof st);
        expect_messages(&st, buf, len, 200);
        size_t off = 0;
        int rc = LCP_OK;
        while (off < len && rc == LCP_OK) {
            size_t step = 1 + rnd() % 64;
            if (step > len - off) step = len - off;
            rc = lcp_grpc_reader_feed(&r, buf + off, step, count_msgs, &st, NULL);
            off += step;
        }
        assert_true(st.max_seen <= 200);
        assert_int_equal(st.n, r.messages);
        assert_false(st.mismatch);
        if (rc == LCP_OK) assert_int_equal(st.n, st.n_expected); /* nothing complete left undelivered */
        assert_true(rc == LCP_OK || rc == LCP_ERR_RANGE || rc == LCP_ERR_PROTO);
        if (rc != LCP_OK) assert_int_not_equal(r.status, LCP_GRPC_OK);
        delivered += st.n;
        lcp_grpc_reader_free(&r);
    }
    assert_true(delivered > 100); /* the biased half really exercised delivery */
}

static void test_prefix(void **state)
{
    (void)state;
    uint8_t p[5];
    assert_int_equal(lcp_grpc_prefix(p, 0x01020304u), LCP_OK);
    assert_memory_equal(p, "\x00\x01\x02\x03\x04", 5);
    assert_int_equal(lcp_grpc_prefix(p, 0), LCP_OK);
    assert_memory_equal(p, "\x00\x00\x00\x00\x00", 5);
#if SIZE_MAX > UINT32_MAX
    assert_int_equal(lcp_grpc_prefix(p, (size_t)UINT32_MAX + 1), LCP_ERR_RANGE);
#endif
}

static void test_timeout(void **state)
{
    (void)state;
    uint64_t ns;
    struct {
        const char *v;
        uint64_t ns;
    } ok[] = {{"1n", 1},
              {"1u", 1000},
              {"250m", 250000000ull},
              {"30S", 30000000000ull},
              {"2M", 120000000000ull},
              {"1H", 3600000000000ull},
              {"0S", 0},
              {"99999999n", 99999999ull},
              {"99999999H", UINT64_MAX}}; /* 3.6e23 ns saturates */
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        assert_int_equal(lcp_grpc_timeout_parse(&ns, ok[i].v, strlen(ok[i].v)), LCP_OK);
        assert_true(ns == ok[i].ns);
    }
    const char *bad[] = {"", "S", "10", "123456789S", "1s", "1h", "-1S", "1 S", "1.5S", "+1S", "1SS", "0x1S"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(lcp_grpc_timeout_parse(&ns, bad[i], strlen(bad[i])), LCP_ERR_RANGE);
    /* Not NUL-terminated: only len bytes are read. */
    assert_int_equal(lcp_grpc_timeout_parse(&ns, "5SXYZ", 2), LCP_OK);
    assert_true(ns == 5000000000ull);
}

static void test_percent(void **state)
{
    (void)state;
    char out[128];
    const char *plain = "client mock-client-1 not found: (ok) ~";
    assert_int_equal(lcp_grpc_percent_encode(out, sizeof out, (const uint8_t *)plain, strlen(plain)), strlen(plain));
    assert_string_equal(out, plain);
    const uint8_t odd[] = {'a', '%', 'b', '\n', 0xc3, 0xa9, 0x00, 0x7f, 0x1f, ' '};
    size_t n = lcp_grpc_percent_encode(out, sizeof out, odd, sizeof odd);
    assert_string_equal(out, "a%25b%0A%C3%A9%00%7F%1F ");
    assert_int_equal(n, strlen(out));
    /* Truncation keeps whole escapes and always terminates. */
    assert_int_equal(lcp_grpc_percent_encode(out, 4, odd, sizeof odd), 1); /* "a" then no room for "%25" */
    assert_string_equal(out, "a");
    assert_int_equal(lcp_grpc_percent_encode(out, 5, odd, sizeof odd), 4);
    assert_string_equal(out, "a%25");
    assert_int_equal(lcp_grpc_percent_encode(out, 1, odd, sizeof odd), 0);
    assert_string_equal(out, "");
    /* Every byte value survives the round trip. */
    uint8_t all[256], back[256];
    char enc[3 * 256 + 1];
    for (int i = 0; i < 256; i++) all[i] = (uint8_t)i;
    n = lcp_grpc_percent_encode(enc, sizeof enc, all, 256);
    assert_int_equal(n, strlen(enc));
    for (size_t i = 0; i < n; i++) assert_true(enc[i] >= 0x20 && enc[i] <= 0x7e);
    assert_int_equal(lcp_grpc_percent_decode(back, enc, n), 256);
    assert_memory_equal(back, all, 256);
    /* A stray '%' is kept as it is. */
    assert_int_equal(lcp_grpc_percent_decode(back, "100%", 4), 4);
    assert_memory_equal(back, "100%", 4);
    assert_int_equal(lcp_grpc_percent_decode(back, "%G1%4", 5), 5);
    assert_memory_equal(back, "%G1%4", 5);
    assert_int_equal(lcp_grpc_percent_decode(back, "%4a%4A", 6), 2);
    assert_memory_equal(back, "JJ", 2);
}

static void test_status_names(void **state)
{
    (void)state;
    assert_string_equal(lcp_grpc_status_name(LCP_GRPC_OK), "OK");
    assert_string_equal(lcp_grpc_status_name(LCP_GRPC_ABORTED), "ABORTED");
    assert_string_equal(lcp_grpc_status_name(LCP_GRPC_UNAUTHENTICATED), "UNAUTHENTICATED");
    assert_string_equal(lcp_grpc_status_name(LCP_GRPC_RESOURCE_EXHAUSTED), "RESOURCE_EXHAUSTED");
    assert_string_equal(lcp_grpc_status_name(-1), "UNKNOWN");
    assert_string_equal(lcp_grpc_status_name(17), "UNKNOWN");
}

static void test_address(void **state)
{
    (void)state;
    char host[64];
    uint16_t port;
    assert_int_equal(lcp_service_parse_address(host, sizeof host, &port, "[::1]:50051"), LCP_OK);
    assert_string_equal(host, "::1");
    assert_int_equal(port, 50051);
    assert_int_equal(lcp_service_parse_address(host, sizeof host, &port, "127.0.0.1:0"), LCP_OK);
    assert_string_equal(host, "127.0.0.1");
    assert_int_equal(port, 0);
    assert_int_equal(lcp_service_parse_address(host, sizeof host, &port, "localhost:65535"), LCP_OK);
    assert_int_equal(port, 65535);
    const char *bad[] = {"", "::1:50051", "[::1]", "[::1]50051", "[::1:5", "host:", ":80", "host", "host:65536",
                         "host:1x", "host:-1", "host:123456", "[]:80", "a:b:80"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(lcp_service_parse_address(host, sizeof host, &port, bad[i]), LCP_ERR_RANGE);
    /* A host longer than the buffer is refused, not cut. */
    char longh[100];
    memset(longh, 'a', 80);
    snprintf(longh + 80, 20, ":80");
    assert_int_equal(lcp_service_parse_address(host, sizeof host, &port, longh), LCP_ERR_RANGE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reader_every_split), cmocka_unit_test(test_reader_refusals),
        cmocka_unit_test(test_reader_hostile),     cmocka_unit_test(test_prefix),
        cmocka_unit_test(test_timeout),            cmocka_unit_test(test_percent),
        cmocka_unit_test(test_status_names),       cmocka_unit_test(test_address),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
