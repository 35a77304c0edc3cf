/* The test enclave's additions (test_enclave.h): the mock light client and the sandbox diagnostic. */
#include <errno.h>
#include <fcntl.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "elc/elc_mock.h"
#include "enclave/enclave_internal.h"
#include "test_enclave.h"

/* EcallRequest's oneof field of TestSandbox (proto/lcp_enclave.proto). */
#define TEST_SANDBOX_FIELD 99

void lcp_test_enclave_setup(lcp_enclave *e)
{
    e->clients = lcp_elc_test_clients;
    e->test_build = 1;
}

static void test_sandbox(Lcp__Enclave__V1__TestSandboxResult *r)
{
    lcp__enclave__v1__test_sandbox_result__init(r);
    errno = 0;
    int fd = open("/etc/hostname", O_RDONLY | O_CLOEXEC);
    r->open_errno = fd < 0 ? errno : 0;
    if (fd >= 0) close(fd);
    errno = 0;
    r->other_fd_write_errno = write(1, "", 0) < 0 ? errno : 0; /* stdout: neither the socket nor stderr */
    r->seccomp_mode = prctl(PR_GET_SECCOMP, 0, 0, 0, 0);
    r->dumpable = prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) == 1;
}

int lcp_test_enclave_ecall(const uint8_t *req, size_t len, lcp_buf *resp)
{
    /* A look at the top-level fields only: every other request goes on to lcp_enclave_ecall untouched (and a
     * malformed one is its to refuse). */
    lcp_pb_reader rd;
    lcp_pb_field f;
    int ours = 0;
    lcp_pb_reader_init(&rd, req, len);
    while (lcp_pb_next(&rd, &f, NULL) == 1)
        if (f.number == TEST_SANDBOX_FIELD && f.wire_type == LCP_PB_LEN) ours = 1;
    if (!ours) return 0;
    Lcp__Enclave__V1__EcallResponse r = LCP__ENCLAVE__V1__ECALL_RESPONSE__INIT;
    Lcp__Enclave__V1__TestSandboxResult sandbox;
    test_sandbox(&sandbox);
    r.result_case = LCP__ENCLAVE__V1__ECALL_RESPONSE__RESULT_TEST_SANDBOX;
    r.test_sandbox = &sandbox;
    resp->len = 0;
    if (lcp_buf_reserve(resp, lcp__enclave__v1__ecall_response__get_packed_size(&r)) != LCP_OK) return LCP_ERR_NOMEM;
    resp->len = lcp__enclave__v1__ecall_response__pack(&r, resp->data);
    return 1;
}
