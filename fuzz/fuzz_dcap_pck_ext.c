/* libFuzzer target for the PCK certificate's SGX extension (a strict DER walk). Accepted input must be exactly one
 * DER SEQUENCE (first byte 0x30) and yield values in range; the parse must be deterministic. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lcp/attestation_dcap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void must(int cond)
{
    if (!cond) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    lcp_dcap_pck_ext a, b;
    char err[LCP_ERR_LEN];
    int rc = lcp_dcap_pck_ext_parse(&a, data, size, err);
    must(rc == LCP_OK || rc == LCP_ERR_ATTESTATION_CERT);
    if (rc != LCP_OK) return 0;
    must(size >= 2 && data[0] == 0x30);
    must(a.sgx_type <= 2);
    must(lcp_dcap_pck_ext_parse(&b, data, size, err) == LCP_OK);
    must(memcmp(&a, &b, sizeof a) == 0);
    return 0;
}
