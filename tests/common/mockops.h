/* Mock light-client operations (src/elc/mock.c's types) in lcp/host_ops.h's terms, for the executor's tests. */
#ifndef LCP_TEST_MOCKOPS_H
#define LCP_TEST_MOCKOPS_H

#include "lcp/host_ops.h"

typedef struct {
    uint8_t a[64], b[64];
} mockop_buf;

/* A mock Header {1: Height{2: height}, 2: ts_ns}, or wrapped once more ({1: Header}: ClientState, ConsensusState).
 * Returns its length (at most 64). */
size_t mockop_value(uint8_t buf[64], uint64_t height, uint64_t ts_ns, int wrap);
/* CreateClient at height with header time ts_ns (client_id "" = the enclave numbers it). */
void mockop_create(lcp_host_op *op, mockop_buf *buf, const char *client_id, uint64_t height, uint64_t ts_ns,
                   const uint8_t *signer);
/* UpdateClient of client_id to height. */
void mockop_update(lcp_host_op *op, mockop_buf *buf, const char *client_id, uint64_t height, uint64_t ts_ns,
                   const uint8_t *signer);
void mockop_query(lcp_host_op *op, const char *client_id);
/* The latest height in a QueryClient result's client state; 0 if absent or malformed. */
uint64_t mockop_height(const lcp_host_result *r);

#endif
