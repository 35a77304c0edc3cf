/* lcp/host_enclave.h — part of host (floor 5): starting the enclave process and talking to it.
 *
 * The host spawns `lcp-enclave --fd N` over a socketpair, sends ECALL frames and answers the enclave's OCALLs
 * through a handler (normally backed by one store transaction). If the enclave process dies, the call in progress
 * fails with LCP_ERR_HOST_ENCLAVE_DIED and a clear reason; the next call starts a fresh process.
 * Threading: one call at a time per handle (the service runs one handle per worker).
 */
#ifndef LCP_HOST_ENCLAVE_H
#define LCP_HOST_ENCLAVE_H

#include <sys/types.h>

#include "lcp/base.h"
#include "proto/lcp_enclave.pb-c.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct lcp_host_enclave lcp_host_enclave;

typedef struct {
    const char *enclave_path;  /* the lcp-enclave executable (default: next to the running lcp) */
    const char *sim_platform;  /* passed to the enclave for the sim backend */
    const char *backend;       /* "sim" (default) or "gramine" */
} lcp_host_enclave_options;

/* Answers one OCALL: fills resp (code 0 on success). Called on the thread that made the ECALL. */
typedef int (*lcp_host_ocall_fn)(void *ud, const Lcp__Enclave__V1__OcallRequest *req,
                                 Lcp__Enclave__V1__OcallResponse *resp, lcp_buf *scratch);

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

/* Sends req and serves OCALLs until the response arrives. *resp (free with
 * lcp__enclave__v1__ecall_response__free_unpacked) may carry an enclave error (code != 0); the return value is
 * about the transport: LCP_ERR_HOST_ENCLAVE_DIED, LCP_ERR_PROTO, LCP_ERR_IO. */
int lcp_host_ecall(lcp_host_enclave *h, const Lcp__Enclave__V1__EcallRequest *req, lcp_host_ocall_fn ocall,
                   void *ud, Lcp__Enclave__V1__EcallResponse **resp, char *err) LCP_WARN_UNUSED;
/* Where one ECALL's store OCALLs go: get returns a view valid until the next call (found 0 when absent); put and
 * delete may fail with the store's codes. */
typedef struct {
    int (*get)(void *ud, lcp_bytes key, lcp_bytes *val, int *found, char *err);
    int (*put)(void *ud, lcp_bytes key, lcp_bytes val, char *err);
    int (*del)(void *ud, lcp_bytes key, char *err);
} lcp_host_kv;
/* Answers one OCALL of transaction tx_id (an OCALL naming another transaction is refused) against kv: GET, SET and
 * REMOVE (keys of 1..max_key_len bytes), LOG. A failure goes back to the enclave in resp and sets *failed, after
 * which the caller must not commit. Always returns LCP_OK (the failure travels in resp). */
int lcp_host_serve_ocall(const lcp_host_kv *kv, void *ud, uint64_t tx_id, size_t max_key_len,
                         const Lcp__Enclave__V1__OcallRequest *req, Lcp__Enclave__V1__OcallResponse *resp,
                         lcp_buf *scratch, int *failed);

#ifdef __cplusplus
}
#endif
#endif
