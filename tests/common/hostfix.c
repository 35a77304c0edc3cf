/* Shared setup of the end-to-end tests (tests/common/hostfix.h). */
#include "hostfix.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lcp/tee_sim.h"
#include "testutil.h"

void hostfix_setup(hostfix *f, const char *tag)
{
    memset(f, 0, sizeof *f);
    tu_tmpdir(f->tmp, sizeof f->tmp, tag);
    snprintf(f->home, sizeof f->home, "%s/home", f->tmp);
    snprintf(f->platform, sizeof f->platform, "%s/platform", f->tmp);
    char err[LCP_ERR_LEN] = "";
    if (lcp_tee_sim_init(NULL, f->platform, 0, err) != LCP_OK) fail_msg("sim init: %s", err);
    ssize_t n = readlink("/proc/self/exe", f->enclave_bin, sizeof f->enclave_bin - 32);
    assert_true(n > 0);
    f->enclave_bin[n] = '\0';
    char *t = strstr(f->enclave_bin, "/tests/");
    assert_non_null(t);
    snprintf(t, 32, "/bin/lcp-enclave");
    int m = snprintf(f->test_enclave_bin, sizeof f->test_enclave_bin, "%s-test", f->enclave_bin);
    assert_true(m > 0 && (size_t)m < sizeof f->test_enclave_bin);
}

int hostfix_teardown(hostfix *f)
{
    tu_rmtree(f->tmp);
    return 0;
}
