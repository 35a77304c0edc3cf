/* Private to host (and to tests that must send exact frames): the ECALL/OCALL frames of proto/lcp_enclave.proto
 * as protobuf-c structs, and the executor's entry that takes them. Everything else speaks lcp/host_ops.h. */
#ifndef LCP_HOST_FRAMES_H
#define LCP_HOST_FRAMES_H

#include "lcp/host.h"
#include "lcp/host_enclave.h"
#include "lcp/host_ops.h"
#include "proto/lcp_enclave.pb-c.h"

/* Answers one OCALL: fills resp (code 0 on success). Called on the thread that made the ECALL. */
typedef int (*lcp_host_ocall_fn)(void *ud, const Lcp__Enclave__V1__OcallRequest *req,
                                 Lcp__Enclave__V1__OcallResponse *resp, lcp_buf *scratch);

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

/* Sends raw bytes as one frame (for fault tests: malformed and oversized frames) and returns the response. */
int lcp_host_enclave_raw(lcp_host_enclave *h, const uint8_t *frame, size_t len, Lcp__Enclave__V1__EcallResponse **resp,
                         char *err) LCP_WARN_UNUSED;

/* Fault injection for tests: fn runs before each OCALL the executor serves (NULL removes it). */
typedef void (*lcp_host_ocall_hook)(void *ud, const Lcp__Enclave__V1__OcallRequest *req);
void lcp_host_exec_set_ocall_hook(lcp_host_exec *x, lcp_host_ocall_hook fn, void *ud);
/* The same on the node's executor. */
void lcp_host_set_ocall_hook(lcp_host *h, lcp_host_ocall_hook fn, void *ud);

/* The executor's core (lcp_host_exec_run encodes op into req and decodes the response): runs req as kind's ECALL
 * under x's policy. Sets req->tx_id and, at each attempt, req->current_time_ns when time_ns is 0, and
 * req->sealed_enclave_key from the key store when signer is not NULL (cleared again before returning).
 * write: the transaction may write (exclusive: a write transaction; both policies refuse writes otherwise).
 * Out: *resp as lcp_host_ecall (or NULL); *from_enclave as lcp_host_result. Returns as lcp_host_exec_run. */
int lcp_host_exec_frame(lcp_host_exec *x, Lcp__Enclave__V1__EcallRequest *req, uint64_t time_ns,
                        const uint8_t *signer, int write, Lcp__Enclave__V1__EcallResponse **resp, int *from_enclave,
                        char *err) LCP_WARN_UNUSED;

/* The node's executor with a raw request (tests): the kind is taken from req's command, time_ns from
 * req->current_time_ns (0 = now). */
int lcp_host_run_frame(lcp_host *h, Lcp__Enclave__V1__EcallRequest *req, const uint8_t *signer, int write,
                       Lcp__Enclave__V1__EcallResponse **resp, char *err) LCP_WARN_UNUSED;

/* The kind of a request's command, or -1 (Ping, TestSandbox, unset). */
int lcp_host_ecall_kind_of(const Lcp__Enclave__V1__EcallRequest *req);

#endif
