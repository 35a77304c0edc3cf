/* lcp/host_enclave.h — part of host (floor 5): starting the enclave process and talking to it.
 *
 * The host spawns `lcp-enclave --fd N` over a socketpair, sends ECALL frames and answers the enclave's OCALLs
 * through a handler (normally backed by one store transaction). If the enclave process dies, the call in progress
 * fails with LCP_ERR_HOST_ENCLAVE_DIED and a clear reason; the next call starts a fresh process.
 * Threading: one call at a time per handle (the service runs one handle per worker).
 * ECALLs are made through an executor (lcp/host_ops.h); the frames themselves are private to host
 * (src/host/host_frames.h, for the boundary code and fault tests).
 */
#ifndef LCP_HOST_ENCLAVE_H
#define LCP_HOST_ENCLAVE_H

#include <sys/types.h>

#include "lcp/base.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct lcp_host_enclave lcp_host_enclave;

typedef struct {
    const char *enclave_path;  /* the lcp-enclave executable (default: next to the running lcp) */
    const char *sim_platform;  /* passed to the enclave for the sim backend */
    const char *backend;       /* "sim" (default) or "gramine" */
} lcp_host_enclave_options;

/* Creates a handle; the process starts on first use (or call lcp_host_enclave_start). */
int lcp_host_enclave_new(lcp_host_enclave **out, const lcp_host_enclave_options *opt, char *err) LCP_WARN_UNUSED;
/* Starts the process now if it is not running. */
int lcp_host_enclave_start(lcp_host_enclave *h, char *err) LCP_WARN_UNUSED;
/* Closes the socket, waits for the process and frees the handle (NULL-safe). */
void lcp_host_enclave_free(lcp_host_enclave *h);
/* The running process's pid, or 0. */
pid_t lcp_host_enclave_pid(const lcp_host_enclave *h);
/* How many times a process was started (restarts show up here). */
unsigned lcp_host_enclave_starts(const lcp_host_enclave *h);

#ifdef __cplusplus
}
#endif
#endif
