/* Directory locks (lcp/host_lock.h): one holder at a time, in one process or across processes; the refusal names
 * the holder's pid; the kernel frees the lock when its holder dies, even by SIGKILL, whatever the file says; and
 * the `lcp sim` verbs that write a platform refuse, with one error line naming the holder, while it is held. */
#include "testutil.h"

#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lcp/host_lock.h"
#include "lcp/tee_sim.h"

static void test_one_holder(void **state)
{
    (void)state;
    char dir[256], err[LCP_ERR_LEN] = "", want[64];
    tu_tmpdir(dir, sizeof dir, "lock");
    lcp_dir_lock a, b;
    assert_int_equal(lcp_host_lock(&a, dir, "the test dir", err), LCP_OK);
    /* A second opener in the same process is refused too (not a per-process POSIX lock). */
    assert_int_equal(lcp_host_lock(&b, dir, "the test dir", err), LCP_ERR_HOST_LOCKED);
    assert_int_equal(b.fd, -1);
    snprintf(want, sizeof want, "the test dir is in use by process %ld (lock ", (long)getpid());
    assert_non_null(strstr(err, want));
    lcp_host_unlock(&a);
    lcp_host_unlock(&a); /* twice is harmless */
    assert_int_equal(lcp_host_lock(&b, dir, "the test dir", err), LCP_OK);
    lcp_host_unlock(&b);
    /* A directory that does not exist: an I/O error, not "locked". */
    char none[300];
    snprintf(none, sizeof none, "%s/none", dir);
    assert_int_equal(lcp_host_lock(&b, none, "x", err), LCP_ERR_IO);
    tu_rmtree(dir);
}

static void test_across_processes(void **state)
{
    (void)state;
    char dir[256], err[LCP_ERR_LEN] = "", want[64];
    tu_tmpdir(dir, sizeof dir, "lock");
    int up[2];
    assert_int_equal(pipe(up), 0);
    pid_t child = fork();
    assert_true(child >= 0);
    if (child == 0) {
        lcp_dir_lock l;
        char c = lcp_host_lock(&l, dir, "d", NULL) == LCP_OK ? 'y' : 'n';
        if (write(up[1], &c, 1) != 1) _exit(1);
        pause(); /* killed below */
        _exit(0);
    }
    char c = 0;
    assert_int_equal(read(up[0], &c, 1), 1);
    assert_int_equal(c, 'y');
    lcp_dir_lock l;
    assert_int_equal(lcp_host_lock(&l, dir, "the home", err), LCP_ERR_HOST_LOCKED);
    snprintf(want, sizeof want, "in use by process %ld ", (long)child);
    assert_non_null(strstr(err, want));
    /* SIGKILL: no cleanup runs, the file still names the dead pid, and the lock is free all the same. */
    kill(child, SIGKILL);
    int st;
    assert_int_equal(waitpid(child, &st, 0), child);
    assert_int_equal(lcp_host_lock(&l, dir, "the home", err), LCP_OK);
    lcp_host_unlock(&l);
    close(up[0]);
    close(up[1]);
    tu_rmtree(dir);
}

/* Runs cmd, returns its exit status; its stderr goes to out (cap bytes). */
static int run(const char *cmd, char *out, size_t cap)
{
    char full[PATH_MAX * 3];
    snprintf(full, sizeof full, "%s 2>&1 >/dev/null", cmd);
    FILE *p = popen(full, "r");
    assert_non_null(p);
    size_t n = fread(out, 1, cap - 1, p);
    out[n] = '\0';
    int st = pclose(p);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void test_sim_writers_refused(void **state)
{
    (void)state;
    /* The lcp of this build variant: build/<v>/tests/host/test_lock -> build/<v>/bin/lcp. */
    char lcp[PATH_MAX], dir[256], err[LCP_ERR_LEN] = "", cmd[PATH_MAX * 2], out[4096], want[64];
    ssize_t n = readlink("/proc/self/exe", lcp, sizeof lcp - 32);
    assert_true(n > 0);
    lcp[n] = '\0';
    char *t = strstr(lcp, "/tests/");
    assert_non_null(t);
    snprintf(t, 32, "/bin/lcp");
    tu_tmpdir(dir, sizeof dir, "simlock");
    char plat[300];
    snprintf(plat, sizeof plat, "%s/p", dir);
    if (lcp_tee_sim_init(NULL, plat, 0, err) != LCP_OK) fail_msg("sim init: %s", err);
    lcp_dir_lock l;
    assert_int_equal(lcp_host_lock(&l, plat, "held by the test", err), LCP_OK);
    snprintf(want, sizeof want, "in use by process %ld ", (long)getpid());
    static const char *const verbs[] = {"init --force", "microcode-update", "tcb-recovery --advisory INTEL-SA-00001",
                                        "refresh-collateral"};
    for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++) {
        snprintf(cmd, sizeof cmd, "%s --sim_platform %s sim %s", lcp, plat, verbs[i]);
        assert_int_equal(run(cmd, out, sizeof out), 1);
        /* One line: "lcp: error: the simulated platform DIR is in use by process PID (lock DIR/lock)". */
        assert_true(strncmp(out, "lcp: error: the simulated platform ", 35) == 0);
        assert_non_null(strstr(out, want));
        assert_non_null(strchr(out, '\n'));
        assert_string_equal(strchr(out, '\n'), "\n");
    }
    /* Reading needs no lock. */
    snprintf(cmd, sizeof cmd, "%s --sim_platform %s sim show", lcp, plat);
    assert_int_equal(run(cmd, out, sizeof out), 0);
    lcp_host_unlock(&l);
    snprintf(cmd, sizeof cmd, "%s --sim_platform %s sim microcode-update", lcp, plat);
    assert_int_equal(run(cmd, out, sizeof out), 0);
    tu_rmtree(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_one_holder),
        cmocka_unit_test(test_across_processes),
        cmocka_unit_test(test_sim_writers_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
