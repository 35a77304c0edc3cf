/* StateID (spec §3.4). LCP's gen_state_id_from_any fills its buffer so that the bytes hashed are
 * zeros(len(Any(cs))) || Any(cons) || Any(cs); every deployed LCP client compares IDs made that way, so we hash the
 * same bytes. The zeros are streamed rather than materialised. */
#include "lcp/commitment.h"
#include "lcp/crypto.h"

int lcp_state_id(uint8_t out[LCP_STATE_ID_LEN], const uint8_t *any_client_state, size_t cs_len,
                 const uint8_t *any_consensus_state, size_t cons_len)
{
    static const uint8_t zeros[256];
    lcp_sha256_ctx c;
    int rc = lcp_sha256_init(&c);
    if (rc != LCP_OK) return rc;
    for (size_t left = cs_len; left > 0 && rc == LCP_OK;) {
        size_t n = left < sizeof zeros ? left : sizeof zeros;
        rc = lcp_sha256_update(&c, zeros, n);
        left -= n;
    }
    if (rc == LCP_OK) rc = lcp_sha256_update(&c, any_consensus_state, cons_len);
    if (rc == LCP_OK) rc = lcp_sha256_update(&c, any_client_state, cs_len);
    if (rc != LCP_OK) {
        lcp_sha256_abort(&c);
        return rc;
    }
    return lcp_sha256_final(&c, out);
}
