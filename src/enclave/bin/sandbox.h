/* The enclave process's sandbox: call once, after the TEE is open and before the first frame is read. */
#ifndef LCP_ENCLAVE_SANDBOX_H
#define LCP_ENCLAVE_SANDBOX_H
#include "lcp/base.h"
/* fd: the socket to the host, the only descriptor the enclave may read or write (besides writing stderr). */
int lcp_enclave_sandbox(int fd, char *err);
#endif
