/* lcp/enclave.h — floor 5: the trusted program. It holds the enclave key unsealed only for the length of one
 * command, runs the light clients and signs their commitments. It sees the outside world only through ECALL
 * requests and OCALL replies (proto/lcp_enclave.proto); the host behind them is untrusted.
 *
 * It signs only with an enclave key it sealed to itself: a blob under key policy MRENCLAVE alone, whose tag binds
 * this build's MRENCLAVE. A blob under MRSIGNER policy (which every build of the same signer, in sim every
 * development build, could have written with a key of its choosing) is refused before it is unsealed.
 *
 * lcp_enclave_ecall is the whole trusted surface: bytes in, bytes out. The process around it (src/enclave/bin)
 * does the framing and the sandbox; tests call it directly with an in-memory OCALL handler.
 * Threading: one command at a time per lcp_enclave. Allocation: yes (protobuf-c and result buffers); every secret
 * buffer is wiped before it is freed.
 */
#ifndef LCP_ENCLAVE_H
#define LCP_ENCLAVE_H

#include "lcp/base.h"
#include "lcp/tee.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Sends an OcallRequest (protobuf) to the host and returns its OcallResponse in resp. */
typedef int (*lcp_enclave_ocall_fn)(void *ud, const uint8_t *req, size_t len, lcp_buf *resp, char *err);

typedef struct lcp_enclave lcp_enclave;

/* Creates the enclave over an opened TEE (which it does not own). */
int lcp_enclave_new(lcp_enclave **out, lcp_tee *tee, lcp_enclave_ocall_fn ocall, void *ud, char *err) LCP_WARN_UNUSED;
void lcp_enclave_free(lcp_enclave *e);

/* Handles one EcallRequest and writes an EcallResponse into resp (replacing its contents). Failures of the command
 * are reported inside the response (code + reason); the return value is LCP_OK unless no response could be built
 * (then the caller reports LCP_ERR_NOMEM). */
int lcp_enclave_ecall(lcp_enclave *e, const uint8_t *req, size_t len, lcp_buf *resp) LCP_WARN_UNUSED;

/* The frame cap of the boundary (lcp/base.h). */
#define LCP_ENCLAVE_MAX_FRAME LCP_FRAME_MAX

#ifdef __cplusplus
}
#endif
#endif
