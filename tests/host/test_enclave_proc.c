/* The host's side of the enclave connection against enclaves that break the protocol (stand-ins written in perl,
 * which Debian always has): a malformed frame, an unexpected frame, an oversized frame. Each ECALL fails with
 * LCP_ERR_PROTO at once, the process is stopped (not left waiting for an OCALL reply that would swallow the next
 * request), and the next ECALL starts a fresh process. */
#include "testutil.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lcp/host_enclave.h"
#include "host/host_frames.h"

/* A stand-in enclave: writes `frame` (perl string syntax) to the fd given by --fd, then waits to be killed. */
static void stand_in(char *path, size_t cap, const char *dir, const char *frame)
{
    snprintf(path, cap, "%s/enclave", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fprintf(f, "#!/usr/bin/perl\nopen(my $s, '>&=', $ARGV[1]) or die;\nbinmode $s;\n$| = 1;\n"
               "syswrite($s, %s);\nsleep 60;\n", frame);
    fclose(f);
    assert_int_equal(chmod(path, 0755), 0);
}

static void one(const char *frame, const char *want)
{
    char dir[] = "/tmp/lcp-test-proc-XXXXXX", path[128];
    assert_non_null(mkdtemp(dir));
    stand_in(path, sizeof path, dir, frame);
    lcp_host_enclave_options opt = {path, NULL, "sim"};
    lcp_host_enclave *h = NULL;
    char err[LCP_ERR_LEN] = "";
    assert_int_equal(lcp_host_enclave_new(&h, &opt, err), LCP_OK);
    Lcp__Enclave__V1__EcallRequest req = LCP__ENCLAVE__V1__ECALL_REQUEST__INIT;
    Lcp__Enclave__V1__EnclaveInfo info = LCP__ENCLAVE__V1__ENCLAVE_INFO__INIT;
    req.command_case = LCP__ENCLAVE__V1__ECALL_REQUEST__COMMAND_ENCLAVE_INFO;
    req.enclave_info = &info;
    for (unsigned round = 1; round <= 2; round++) {
        Lcp__Enclave__V1__EcallResponse *resp = NULL;
        assert_int_equal(lcp_host_ecall(h, &req, NULL, NULL, &resp, err), LCP_ERR_PROTO);
        assert_null(resp);
        if (strstr(err, want) == NULL || strstr(err, "was stopped and will be restarted") == NULL)
            fail_msg("round %u: %s", round, err);
        assert_int_equal(lcp_host_enclave_pid(h), 0); /* stopped, not left running */
        assert_int_equal(lcp_host_enclave_starts(h), round);
    }
    lcp_host_enclave_free(h);
    unlink(path);
    rmdir(dir);
}

static void test_malformed_frame(void **state)
{
    (void)state;
    one("\"\\x00\\x00\\x00\\x03\\xff\\xff\\xff\"", "malformed frame");
}

static void test_unexpected_frame(void **state)
{
    (void)state;
    one("\"\\x00\\x00\\x00\\x00\"", "unexpected frame"); /* an empty EnclaveFrame: neither OCALL nor response */
}

static void test_oversized_frame(void **state)
{
    (void)state;
    /* 32 MiB + 1 announced, 1 byte sent: the host does not wait for the rest. */
    one("\"\\x02\\x00\\x00\\x01\\x00\"", "oversized frame");
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_malformed_frame),
        cmocka_unit_test(test_unexpected_frame),
        cmocka_unit_test(test_oversized_frame),
    };
    return cmocka_run_group_tests_name("host/enclave_proc", tests, NULL, NULL);
}
