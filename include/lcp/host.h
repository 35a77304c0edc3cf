/* lcp/host.h — part of host (floor 5): the untrusted node. It owns the store ($LCP_HOME/state), the key store and
 * the enclave process and an executor (lcp/host_ops.h) that runs each ECALL inside a store transaction: committed
 * when the enclave succeeds, aborted otherwise, so a crash of either process at any instant leaves the last
 * committed state. The CLI opens one node per command; the service opens one and adds an executor per worker.
 */
#ifndef LCP_HOST_H
#define LCP_HOST_H

#include "lcp/base.h"
#include "lcp/host_enclave.h"
#include "lcp/host_keystore.h"
#include "lcp/host_ops.h"
#include "lcp/host_store.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    const char *home;          /* $LCP_HOME (created 0700 if missing) */
    const char *sim_platform;  /* the simulated platform directory, for the sim backend */
    const char *enclave_path;  /* lcp-enclave (default: beside lcp) */
    const char *backend;       /* "sim" (default) or "gramine" */
} lcp_host_options;

typedef struct lcp_host lcp_host;

int lcp_host_open(lcp_host **out, const lcp_host_options *opt, char *err) LCP_WARN_UNUSED;
void lcp_host_close(lcp_host *h);
lcp_store *lcp_host_store(lcp_host *h);
lcp_host_enclave *lcp_host_enclave_handle(lcp_host *h);
/* The node's executor (lcp/host_ops.h), over its store and enclave process: LCP_HOST_EXCLUSIVE when opened. */
lcp_host_exec *lcp_host_executor(lcp_host *h);
/* Replaces the node's executor with one of policy p (LCP_HOST_OPTIMISTIC: with its own committer and
 * LCP_HOST_CONFLICT_RETRIES), e.g. to run the service's path from a test. Returns LCP_OK or LCP_ERR_NOMEM. */
int lcp_host_set_policy(lcp_host *h, lcp_host_policy p, char *err) LCP_WARN_UNUSED;

/* Runs op with the node's executor (lcp_host_exec_run); an enclave's refusal reads "enclave: <reason>" in err.
 * Out: res (free with lcp_host_result_free whatever the return). */
int lcp_host_run(lcp_host *h, const lcp_host_op *op, lcp_host_result *res, char *err) LCP_WARN_UNUSED;

/* The enclave's identity (EnclaveInfo ECALL). */
int lcp_host_enclave_info(lcp_host *h, lcp_host_enclave_identity *id, char *err) LCP_WARN_UNUSED;

/* GenerateEnclaveKey and store the new key (unattested). operator may be NULL. Out: address. */
int lcp_host_generate_key(lcp_host *h, uint8_t address[20], const uint8_t *operator_addr, char *err) LCP_WARN_UNUSED;

/* The newest attested, unexpired key of this enclave build (same MRENCLAVE and debug flag) at now. */
int lcp_host_default_signer(lcp_host *h, uint8_t address[20], uint64_t now, char *err) LCP_WARN_UNUSED;

#ifdef __cplusplus
}
#endif
#endif
