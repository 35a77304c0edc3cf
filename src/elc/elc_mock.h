/* Private to the test builds: the mock light client (ibc-rs mock semantics). It verifies nothing, so it proves
 * nothing: it exists to exercise the whole enclave path in tests, and only the test enclave (lcp-enclave-test) and
 * in-process tests link it; the release lcp-enclave never does (tests/cli/test_release_enclave.sh checks).
 * Type URLs "/ibc.mock.ClientState", "/ibc.mock.ConsensusState", "/ibc.mock.Header", "/ibc.mock.Misbehaviour". */
#ifndef LCP_ELC_MOCK_H
#define LCP_ELC_MOCK_H

#include "lcp/elc.h"

extern const lcp_elc_ops lcp_elc_mock;
/* The test enclave's light clients: the mock, then the release ones. NULL-terminated. */
extern const lcp_elc_ops *const lcp_elc_test_clients[];

#endif
