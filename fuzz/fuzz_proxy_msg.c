/* libFuzzer target: LCP commitments. Any input that decodes must re-encode to exactly itself (the decoder accepts
 * one encoding per message), and its accessors, validation and signer recovery must not misbehave. Also feeds the
 * same bytes to the ValidationContext and CommitmentProofs decoders. */
#include <stdlib.h>
#include <string.h>

#include "lcp/commitment.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    lcp_proxy_msg m;
    char err[LCP_ERR_LEN];
    if (lcp_proxy_msg_decode(&m, data, size, err) == LCP_OK) {
        size_t n;
        if (lcp_proxy_msg_encode(NULL, 0, &n, &m) != LCP_OK || n != size) abort();
        uint8_t *re = malloc(n);
        if (re == NULL) return 0;
        if (lcp_proxy_msg_encode(re, n, &n, &m) != LCP_OK || memcmp(re, data, size) != 0) abort();
        free(re);
        (void)lcp_proxy_msg_validate(&m, err);
        if (m.type == LCP_MSG_UPDATE_STATE) {
            lcp_validation_context c;
            (void)lcp_context_decode(&c, m.u.update.context.ptr, m.u.update.context.len, err);
            for (size_t i = 0; i < m.u.update.emitted_count && i < 64; i++) {
                lcp_emitted_state es;
                if (lcp_update_state_emitted(&m.u.update, i, &es) != LCP_OK) abort();
            }
        }
        uint8_t addr[20], sig[65] = {0};
        memset(sig, 1, 64);
        (void)lcp_commitment_recover_signer(addr, data, size, sig, sizeof sig, err);
    }
    lcp_validation_context c;
    if (lcp_context_decode(&c, data, size, err) == LCP_OK) {
        uint8_t buf[LCP_CONTEXT_MAX_LEN];
        size_t n;
        if (lcp_context_encode(buf, sizeof buf, &n, &c) != LCP_OK || n != size || memcmp(buf, data, n) != 0) abort();
        (void)lcp_context_validate(&c, 1, err);
    }
    lcp_commitment_proofs p;
    if (lcp_commitment_proofs_decode(&p, data, size, err) == LCP_OK)
        for (size_t i = 0; i < p.signature_count && i < 64; i++) {
            lcp_bytes s;
            if (lcp_commitment_proofs_signature(&p, i, &s) != LCP_OK) abort();
        }
    return 0;
}
