/* The test enclave (lcp-enclave-test): what it has that the release lcp-enclave must not. It is built from the same
 * trusted archive plus this file and the mock light client, so it has its own MRENCLAVE and says it is a test
 * enclave in EnclaveInfo; tests that need the mock client or the sandbox diagnostic run it (or, in process, call
 * lcp_test_enclave_setup on their lcp_enclave). Never linked into the release enclave (Makefile TEST_ENCLAVE_SRCS). */
#ifndef LCP_TEST_ENCLAVE_H
#define LCP_TEST_ENCLAVE_H

#include "lcp/enclave.h"

/* Makes e a test enclave: the mock light client beside the release light clients; EnclaveInfo reports
 * test_enclave = true. */
void lcp_test_enclave_setup(lcp_enclave *e);

/* The test enclave's own ECALLs (TestSandbox: tries what the sandbox forbids and reports the errnos, the seccomp mode
 * and the dumpable flag). Returns 1 with the packed EcallResponse in resp when req is one of them, 0 when req is for
 * lcp_enclave_ecall, or LCP_ERR_NOMEM. */
int lcp_test_enclave_ecall(const uint8_t *req, size_t len, lcp_buf *resp);

#endif
