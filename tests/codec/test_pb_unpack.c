/* lcp_pb_unpack (lcp/codec_protobuf.h): protobuf-c's unpacking through lcp's allocator, telling a failed
 * allocation from malformed bytes: a valid message unpacks and frees with lcp_pb_allocator(); malformed bytes give
 * NULL with oom 0; each allocation failed in turn gives NULL with oom 1 and leaks nothing. */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "lcp/codec_protobuf.h"
#include "proto/google_protobuf_any.pb-c.h"

/* google.protobuf.Any {type_url "/x.Y", value 01 02 03} */
static const uint8_t ANY[] = {0x0a, 0x04, '/', 'x', '.', 'Y', 0x12, 0x03, 0x01, 0x02, 0x03};

typedef struct {
    int countdown; /* allocations left before one fails; -1: never */
    int live;      /* allocations not yet freed */
} fail_alloc;

static void *fa_malloc(size_t n, void *d)
{
    fail_alloc *f = d;
    if (f->countdown == 0) return NULL;
    if (f->countdown > 0) f->countdown--;
    f->live++;
    return malloc(n);
}
static void *fa_realloc(void *p, size_t n, void *d)
{
    (void)d;
    return realloc(p, n);
}
static void fa_free(void *p, void *d)
{
    ((fail_alloc *)d)->live--;
    free(p);
}

static void test_unpack(void **state)
{
    (void)state;
    int oom = -1;
    ProtobufCMessage *m = lcp_pb_unpack(&google__protobuf__any__descriptor, ANY, sizeof ANY, &oom);
    assert_non_null(m);
    const Google__Protobuf__Any *a = (const void *)m;
    assert_string_equal(a->type_url, "/x.Y");
    assert_int_equal(a->value.len, 3);
    protobuf_c_message_free_unpacked(m, lcp_pb_allocator());
    /* malformed: a length beyond the input */
    uint8_t bad[sizeof ANY];
    memcpy(bad, ANY, sizeof ANY);
    bad[1] = 0x40;
    oom = -1;
    assert_null(lcp_pb_unpack(&google__protobuf__any__descriptor, bad, sizeof bad, &oom));
    assert_int_equal(oom, 0);
}

static void test_allocation_failures(void **state)
{
    (void)state;
    static fail_alloc fa;
    static lcp_allocator A = {fa_malloc, fa_free, fa_realloc, &fa};
    int failures = 0;
    for (int n = 0; n < 16; n++) {
        fa.countdown = n;
        fa.live = 0;
        lcp_set_allocator(&A);
        int oom = -1;
        ProtobufCMessage *m = lcp_pb_unpack(&google__protobuf__any__descriptor, ANY, sizeof ANY, &oom);
        if (m) protobuf_c_message_free_unpacked(m, lcp_pb_allocator());
        else {
            assert_int_equal(oom, 1);
            failures++;
        }
        lcp_set_allocator(NULL);
        assert_int_equal(fa.live, 0);
        if (m) break; /* every allocation succeeded: all earlier failures were seen */
    }
    assert_true(failures >= 2); /* the message and its strings */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_unpack),
        cmocka_unit_test(test_allocation_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
