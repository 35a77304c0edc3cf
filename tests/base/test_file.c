/* Atomic file writes (src/base/file.c): the file gets the asked mode even when a stale temporary file of an
 * earlier crashed write is in the way, and its content is exactly what was written. */
#include "testutil.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void test_stale_temporary_file(void **state)
{
    (void)state;
    char dir[] = "/tmp/lcp-test-file-XXXXXX", path[128], tmp[160];
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/secret", dir);
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
    /* What a crash between create and rename leaves: a world-readable temporary with old bytes. */
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "old bytes, longer than the new", 30), 30);
    close(fd);
    assert_int_equal(chmod(tmp, 0666), 0);
    char err[LCP_ERR_LEN] = "";
    assert_int_equal(lcp_file_write_atomic(path, (const uint8_t *)"new", 3, 0600, err), LCP_OK);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    uint8_t *back = NULL;
    size_t len = 0;
    assert_int_equal(lcp_file_read(&back, &len, path, 1024, err), LCP_OK);
    assert_int_equal(len, 3);
    assert_memory_equal(back, "new", 3);
    lcp_free(back);
    assert_int_not_equal(access(tmp, F_OK), 0); /* nothing left behind */
    unlink(path);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stale_temporary_file),
    };
    return cmocka_run_group_tests_name("base/file", tests, NULL, NULL);
}
