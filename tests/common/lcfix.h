/* Helpers over the LCP fixtures (lcp/lcp-solidity/client/NN) for the LCP client tests: a client with an
 * in-memory store, registration of a directory's attestation reports, and the messages of its results. */
#ifndef LCP_TEST_LCFIX_H
#define LCP_TEST_LCFIX_H

#include "lcp/lcpclient.h"
#include "testutil.h"

typedef struct {
    lcp_lc_memstore *mem;
    lcp_lc *lc;
    void *lc_mem;
    uint8_t *root;
    size_t root_len;
} lcfix_client;

/* A context over a new memory store, trusting the IAS root of fixture directory dir ("01" = Intel, else the
 * simulation root), in development mode (every fixture enclave is a debug enclave). */
void lcfix_open(lcfix_client *c, const char *dir);
void lcfix_close(lcfix_client *c);

/* An encoded LCP ClientState for dir's MRENCLAVE. statuses/advisories: NULL-terminated lists (may be NULL). */
size_t lcfix_client_state(uint8_t *out, size_t cap, const char *dir, uint64_t key_expiration,
                          const char *const *statuses, const char *const *advisories, const uint8_t (*operators)[20],
                          size_t nops, uint64_t num, uint64_t den);
/* Creates client_id for dir with the policy the fixtures need (GROUP_OUT_OF_DATE and its advisories allowed). */
int lcfix_create(lcfix_client *c, const char *client_id, const char *dir, const uint8_t (*operators)[20], size_t nops,
                 uint64_t num, uint64_t den, char *err);
/* RegisterEnclaveKeyMessage for report n (1-based) of dir, optionally with an operator signature by op_sk. */
uint8_t *lcfix_register_msg(const char *dir, int n, const uint8_t *op_sk, size_t *len);
/* Enclave key (20 bytes) and report timestamp of report n. */
void lcfix_report_key(const char *dir, int n, uint8_t key[20]);
/* The message and signature of result `name` ("003-update_client"); init results nest them in "proof". */
void lcfix_result(const char *dir, const char *name, uint8_t **msg, size_t *msg_len, uint8_t **sig, size_t *sig_len);
/* current_timestamp of input `name`, or fallback when the input has none. */
int64_t lcfix_now(const char *dir, const char *name, int64_t fallback);
/* UpdateClientMessage of a message with the given signatures (heap; free with lcp_free). */
uint8_t *lcfix_update_msg(const uint8_t *msg, size_t msg_len, const lcp_bytes *sigs, size_t n, size_t *len);
/* abi CommitmentProofs of a message and signatures (heap). */
uint8_t *lcfix_proofs(const uint8_t *msg, size_t msg_len, const lcp_bytes *sigs, size_t n, size_t *len);

#endif
