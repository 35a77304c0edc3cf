/* Length-prefixed frames (src/base/frame.c): a frame over the cap and a frame memory cannot hold are both refused
 * and drained, so the next frame on the stream reads intact; without an `oversized` slot an over-cap frame is
 * refused without waiting for its bytes. */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* An allocator that refuses anything over 512 bytes (a small locked-memory budget). */
static void *small_malloc(size_t n, void *data)
{
    (void)data;
    return n > 512 ? NULL : malloc(n);
}
static void *small_realloc(void *p, size_t n, void *data)
{
    (void)data;
    return n > 512 ? NULL : realloc(p, n);
}
static void small_free(void *p, void *data)
{
    (void)data;
    free(p);
}

static void send_frames(int fd, size_t big)
{
    uint8_t *b = calloc(1, big);
    assert_non_null(b);
    assert_int_equal(lcp_frame_write(fd, b, big), LCP_OK);
    assert_int_equal(lcp_frame_write(fd, (const uint8_t *)"abc", 3), LCP_OK);
    free(b);
}

static void test_refused_frames_are_drained(void **state)
{
    (void)state;
    int sv[2];
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    lcp_buf in = {0};
    size_t over = 0;
    /* Over the cap (here 100 bytes). */
    send_frames(sv[0], 300);
    assert_int_equal(lcp_frame_read(sv[1], &in, 100, &over), LCP_ERR_RANGE);
    assert_int_equal(over, 300);
    assert_int_equal(lcp_frame_read(sv[1], &in, 100, &over), LCP_OK);
    assert_int_equal(in.len, 3);
    assert_memory_equal(in.data, "abc", 3);
    lcp_buf_free(&in);
    /* Under the cap, over what memory allows. */
    static const lcp_allocator small = {small_malloc, small_free, small_realloc, NULL};
    lcp_set_allocator(&small);
    send_frames(sv[0], 4000);
    assert_int_equal(lcp_frame_read(sv[1], &in, 1u << 20, &over), LCP_ERR_NOMEM);
    assert_int_equal(over, 4000);
    assert_int_equal(lcp_frame_read(sv[1], &in, 1u << 20, &over), LCP_OK);
    assert_int_equal(in.len, 3);
    assert_memory_equal(in.data, "abc", 3);
    lcp_set_allocator(NULL);
    lcp_buf_free(&in);
    /* No slot for the length: refused at the header, the payload left unread. */
    assert_int_equal(lcp_frame_write(sv[0], (const uint8_t *)"0123456789", 10), LCP_OK);
    assert_int_equal(lcp_frame_read(sv[1], &in, 4, NULL), LCP_ERR_RANGE);
    char rest[10];
    assert_int_equal(read(sv[1], rest, sizeof rest), 10);
    assert_memory_equal(rest, "0123456789", 10);
    close(sv[0]);
    close(sv[1]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_refused_frames_are_drained),
    };
    return cmocka_run_group_tests_name("base/frame", tests, NULL, NULL);
}
