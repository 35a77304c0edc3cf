/* The enclave process's sandbox: call once, after the TEE is open and before the first frame is read. */
#ifndef LCP_ENCLAVE_SANDBOX_H
#define LCP_ENCLAVE_SANDBOX_H
#include "lcp/base.h"
/* fd: the socket to the host, the only descriptor the enclave may read or write (besides writing stderr).
 * gramine: 1 on the gramine backend, whose reports, quotes and sealing keys are Gramine's /dev/attestation
 * pseudo-files, opened per call: existing files may also be opened for reading or writing (never created) and read
 * or written. Under Gramine the SGX enclave is the isolation and this filter only defence in depth, so a call Gramine
 * does not implement is reported on stderr instead of stopping the enclave. */
int lcp_enclave_sandbox(int fd, int gramine, char *err);
#endif
