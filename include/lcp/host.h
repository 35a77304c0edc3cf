/* lcp/host.h — part of host (floor 5): the untrusted node. It owns the store ($LCP_HOME/state), the key store and
 * the enclave process, and runs each ECALL inside one store transaction: committed when the enclave succeeds,
 * aborted otherwise, so a crash of either process at any instant leaves the last committed state.
 */
#ifndef LCP_HOST_H
#define LCP_HOST_H

#include "lcp/base.h"
#include "lcp/host_enclave.h"
#include "lcp/host_keystore.h"
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

/* Runs req (its tx_id and current time are filled here unless req->current_time_ns is set) in a transaction:
 * write = 1 commits on success. For commands that sign, sets req->sealed_enclave_key from the key store using
 * signer (20 bytes; NULL for commands that do not sign). Out: *resp (free with
 * lcp__enclave__v1__ecall_response__free_unpacked). Returns LCP_OK only if the enclave succeeded (code 0); an
 * enclave failure returns its code with its reason in err and still sets *resp (or NULL). */
int lcp_host_run(lcp_host *h, Lcp__Enclave__V1__EcallRequest *req, const uint8_t *signer, int write,
                 Lcp__Enclave__V1__EcallResponse **resp, char *err) LCP_WARN_UNUSED;

/* The enclave's identity (EnclaveInfo ECALL). Out: *resp as above, its enclave_info set. */
int lcp_host_enclave_info(lcp_host *h, Lcp__Enclave__V1__EcallResponse **resp, char *err) LCP_WARN_UNUSED;

/* GenerateEnclaveKey and store the new key (unattested) in the same transaction. operator may be NULL.
 * Out: address. */
int lcp_host_generate_key(lcp_host *h, uint8_t address[20], const uint8_t *operator_addr, char *err) LCP_WARN_UNUSED;

/* The newest attested, unexpired key of this enclave build (same MRENCLAVE and debug flag) at now. */
int lcp_host_default_signer(lcp_host *h, uint8_t address[20], uint64_t now, char *err) LCP_WARN_UNUSED;

#ifdef __cplusplus
}
#endif
#endif
