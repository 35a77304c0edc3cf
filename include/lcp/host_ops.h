/* lcp/host_ops.h — part of host (floor 5): the enclave's operations in lcp-c's own types, and the one executor that
 * runs each of them as an ECALL inside a store transaction. The CLI (through lcp_host) and the service (one
 * executor per worker) run the same code; only the locking policy differs, and the caller chooses it:
 *
 *   LCP_HOST_EXCLUSIVE   the ECALL runs inside one LMDB transaction (a write transaction for operations that may
 *                        write), committed when the enclave succeeds: simple, but it holds LMDB's single writer
 *                        lock for the whole ECALL.
 *   LCP_HOST_OPTIMISTIC  the ECALL runs against a read snapshot; its writes are kept aside and applied afterwards
 *                        in one short write transaction, after checking that every value it read is unchanged;
 *                        on a conflict the ECALL runs again on a fresh snapshot (at most `retries` times). Commits
 *                        of several executors may share one transaction and one disk sync (a committer).
 *
 * Either way a crash of either process at any instant leaves the last committed state, a failed store OCALL
 * means nothing is committed, and an enclave failure commits nothing.
 * The ECALLs are listed once in lcp/ecalls.def (LCP_ECALL_* below, their metric labels, which ones write).
 * Threading: an executor runs one operation at a time (it drives one enclave process); executors sharing a
 * committer may run on different threads. The wire format (proto/lcp_enclave.proto) stays behind this header:
 * code that needs the raw frames (fault tests) includes src/host/host_frames.h.
 */
#ifndef LCP_HOST_OPS_H
#define LCP_HOST_OPS_H

#include "lcp/base.h"
#include "lcp/codec_pb.h"
#include "lcp/host_enclave.h"
#include "lcp/host_store.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The ECALLs, in the order of lcp/ecalls.def. */
typedef enum {
#define LCP_ECALL(id, label, writes, measured, fn) LCP_ECALL_##id,
#define LCP_ECALL_OWN(id, label, writes, measured) LCP_ECALL_##id,
#include "lcp/ecalls.def"
#undef LCP_ECALL
#undef LCP_ECALL_OWN
    LCP_ECALL_COUNT
} lcp_ecall_kind;

/* The metric label of kind ("InitClient"), or "unknown". */
const char *lcp_ecall_label(int kind);
/* 1 if kind may write the store; 1 if the service exports its metrics. 0 for an unknown kind. */
int lcp_ecall_writes(int kind);
int lcp_ecall_measured(int kind);

/* Conflict reruns of an optimistic executor unless told otherwise (lcp_host uses this). */
#define LCP_HOST_CONFLICT_RETRIES 3

typedef struct {
    uint64_t revision_number;
    uint64_t revision_height;
} lcp_host_height;

/* One operation. Only the members of its kind are read; every pointer is borrowed for the call.
 * Strings are NUL-terminated; a NULL string is sent as empty. */
typedef struct {
    int kind;                   /* LCP_ECALL_* */
    uint64_t time_ns;           /* the enclave's "now" (unix ns); 0 = the host clock, read at each attempt */
    const uint8_t *signer;      /* 20 bytes: the key that signs (its sealed key is taken from the key store and the
                                   address goes in the request); NULL for kinds that do not sign */
    const char *client_id;      /* INIT_CLIENT (empty: the enclave names it), UPDATE_CLIENT, VERIFY_*, QUERY_CLIENT */
    lcp_pb_any client_state;    /* INIT_CLIENT */
    lcp_pb_any consensus_state; /* INIT_CLIENT */
    lcp_pb_any header;          /* UPDATE_CLIENT */
    int include_state;          /* UPDATE_CLIENT */
    lcp_bytes prefix;           /* VERIFY_* */
    const char *path;           /* VERIFY_* */
    lcp_bytes value;            /* VERIFY_MEMBERSHIP */
    lcp_host_height proof_height; /* VERIFY_* */
    lcp_bytes proof;            /* VERIFY_* */
    const lcp_bytes *messages;  /* AGGREGATE_MESSAGES */
    size_t n_messages;
    const lcp_bytes *signatures; /* AGGREGATE_MESSAGES */
    size_t n_signatures;
    const uint8_t *operator_addr; /* GENERATE_ENCLAVE_KEY, QUOTE_ENCLAVE_KEY: 20 bytes or NULL */
} lcp_host_op;

/* What EnclaveInfo reports. */
typedef struct {
    uint8_t mrenclave[32];
    uint8_t mrsigner[32];
    size_t mrsigner_len;
    uint32_t isv_prod_id;
    uint32_t isv_svn;
    int debug;
    char backend[16];           /* "sim" or "gramine" */
    uint8_t cpusvn[16];
    size_t cpusvn_len;
    int test_enclave;           /* lcp-enclave-test: the mock light client, which verifies nothing */
} lcp_host_enclave_identity;

/* The outcome of one operation. Views point into memory the result owns: valid until lcp_host_result_free. */
typedef struct {
    int from_enclave;           /* on failure: 1 if the enclave itself refused (its reason is in err) */
    int has_result;             /* on success: 1 if the enclave answered with the result its kind answers with (0:
                                   the members below are empty) */
    /* a commitment: INIT_CLIENT (its signature may be empty, as LCP's create_client), UPDATE_CLIENT,
     * AGGREGATE_MESSAGES, VERIFY_*; has_commitment 0 if the enclave returned none */
    int has_commitment;
    lcp_bytes message;
    lcp_bytes signature;
    const char *client_id;      /* INIT_CLIENT: the client's id ("" if none) */
    int found;                  /* QUERY_CLIENT */
    int has_client_state, has_consensus_state; /* QUERY_CLIENT, when found */
    lcp_pb_any client_state, consensus_state;
    lcp_host_enclave_identity info; /* ENCLAVE_INFO */
    lcp_bytes address, pub_key, sealed_key, report; /* GENERATE_ENCLAVE_KEY */
    lcp_bytes quote;            /* QUOTE_ENCLAVE_KEY: the TEE's quote over the key's report data */
    void *frame_;               /* private: the response these views point into */
} lcp_host_result;

/* Frees what r owns and empties it (NULL-safe, idempotent). */
void lcp_host_result_free(lcp_host_result *r);

/* ---- the executor ---- */

typedef enum { LCP_HOST_EXCLUSIVE = 0, LCP_HOST_OPTIMISTIC = 1 } lcp_host_policy;

/* Group commit for optimistic executors of one store: each commit is a durable sync, so one transaction per ECALL
 * would cap the service at the disk's sync rate. The first executor to commit becomes the leader, takes every
 * commit queued so far and applies them in one write transaction with one sync; those arriving meanwhile form the
 * next batch. A lone commit goes out at once. Thread-safe. */
typedef struct lcp_host_committer lcp_host_committer;
int lcp_host_committer_new(lcp_host_committer **out, lcp_store *store, char *err) LCP_WARN_UNUSED;
void lcp_host_committer_free(lcp_host_committer *c); /* NULL-safe; no commit may be in progress */

/* Told about each attempt, on the executor's thread (for metrics and health): kind, the time spent in the ECALL,
 * the transport's return code (LCP_OK, LCP_ERR_HOST_ENCLAVE_DIED, ...) and ok = the enclave succeeded. */
typedef struct {
    void (*ecall_done)(void *ud, int kind, uint64_t ns, int transport_rc, int ok);
    void (*conflict)(void *ud); /* an optimistic commit found a changed read: the ECALL runs again */
    void *ud;
} lcp_host_observer;

typedef struct {
    lcp_store *store;           /* borrowed: outlives the executor */
    lcp_host_enclave *enclave;  /* borrowed: this executor's enclave process */
    lcp_host_policy policy;
    lcp_host_committer *committer; /* OPTIMISTIC: shared group commit, or NULL (the executor commits alone) */
    unsigned retries;           /* OPTIMISTIC: reruns after conflicts before giving up with LCP_ERR_HOST_STORE */
    lcp_host_observer observer; /* optional (NULL callbacks) */
} lcp_host_exec_options;

typedef struct lcp_host_exec lcp_host_exec;

int lcp_host_exec_new(lcp_host_exec **out, const lcp_host_exec_options *opt, char *err) LCP_WARN_UNUSED;
void lcp_host_exec_free(lcp_host_exec *x); /* NULL-safe; the store and enclave stay with their owners */
/* The store and enclave process x was made with. */
lcp_store *lcp_host_exec_store(const lcp_host_exec *x);
lcp_host_enclave *lcp_host_exec_enclave(const lcp_host_exec *x);

/* Runs op as one ECALL in a store transaction under x's policy.
 * Returns: LCP_OK when the enclave succeeded and its writes (if any) are committed; the enclave's code with its
 *   reason (res->from_enclave = 1); LCP_ERR_HOST_KEY_NOT_FOUND ("sealed_enclave_key_not_found: ...") for an
 *   unknown signer; LCP_ERR_HOST_ENCLAVE_DIED/START; the store's codes; LCP_ERR_HOST_STORE when a store OCALL
 *   failed or a conflict persisted; LCP_ERR_ILLEGAL_ARG for an unknown kind; LCP_ERR_NOMEM.
 * Out: res (always initialised; free it with lcp_host_result_free whatever the return). */
int lcp_host_exec_run(lcp_host_exec *x, const lcp_host_op *op, lcp_host_result *res, char *err) LCP_WARN_UNUSED;

/* EnclaveInfo through x. Returns as lcp_host_exec_run, LCP_ERR_PROTO if the answer lacks the MRENCLAVE. */
int lcp_host_exec_enclave_info(lcp_host_exec *x, lcp_host_enclave_identity *id, char *err) LCP_WARN_UNUSED;

/* GenerateEnclaveKey through x and the new key (unattested) recorded in the key store in its own write
 * transaction. id: the enclave's identity if the caller knows it, NULL to ask the enclave first. operator_addr:
 * 20 bytes or NULL. Out: address. */
int lcp_host_exec_generate_key(lcp_host_exec *x, const lcp_host_enclave_identity *id, const uint8_t *operator_addr,
                               uint8_t address[20], char *err) LCP_WARN_UNUSED;

#ifdef __cplusplus
}
#endif
#endif
