/* The enclave process's sandbox: call once, after the TEE is open and before the first frame is read. */
#ifndef LCP_ENCLAVE_SANDBOX_H
#define LCP_ENCLAVE_SANDBOX_H
#include "lcp/base.h"
int lcp_enclave_sandbox(char *err);
#endif
