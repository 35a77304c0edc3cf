/* What the end-to-end tests of a light client need around the enclave: an enclave key attested in the host's store
 * (simulated IAS report) and registered with a fresh LCP client "lcp-0", and the LCP client's verdicts on signed
 * commitments. */
#ifndef LCP_TEST_E2EFIX_H
#define LCP_TEST_E2EFIX_H

#include "lcfix.h"

#include "lcp/host.h"

/* Records an IAS attestation of key addr (in h's store) made at now - 60, creates LCP client "lcp-0" in c (opened
 * here with the simulation IAS root) expecting h's enclave, and registers the key with it. */
void e2efix_register(lcp_host *h, const uint8_t addr[20], lcfix_client *c, int64_t now);
/* The LCP client's verdict on an UpdateState or Misbehaviour commitment that addr signed (checked first). */
int e2efix_lc_update(lcfix_client *c, const uint8_t addr[20], const uint8_t *msg, size_t msg_len, const uint8_t *sig,
                     size_t sig_len, int64_t now, lcp_lc_update_result *res);
/* The LCP client's verdict on a membership (value != NULL) or non-membership commitment. */
int e2efix_lc_verify(lcfix_client *c, const lcp_height *h, const char *path, const uint8_t *value, size_t value_len,
                     const uint8_t *msg, size_t msg_len, const uint8_t *sig, size_t sig_len, int64_t now);

#endif
