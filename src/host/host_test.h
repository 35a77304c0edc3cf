/* Private to host and its tests: fault-injection hooks. Test-only, so not in the public headers (lcp/host.h,
 * lcp/host_enclave.h): no caller of the host has a use for them. */
#ifndef LCP_HOST_TEST_H
#define LCP_HOST_TEST_H

#include "lcp/host.h"
#include "lcp/host_enclave.h"

/* fn runs before each OCALL of lcp_host_run is served (NULL removes it): a test kills the enclave there. */
typedef void (*lcp_host_ocall_hook)(void *ud, const Lcp__Enclave__V1__OcallRequest *req);
void lcp_host_set_ocall_hook(lcp_host *h, lcp_host_ocall_hook fn, void *ud);

/* Sends raw bytes as one frame (for fault tests: malformed and oversized frames) and returns the response. */
int lcp_host_enclave_raw(lcp_host_enclave *h, const uint8_t *frame, size_t len, Lcp__Enclave__V1__EcallResponse **resp,
                         char *err) LCP_WARN_UNUSED;

#endif
