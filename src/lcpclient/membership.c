/* VerifyMembership / VerifyNonMembership (spec §6.6): the commitment must be a State message about exactly the
 * asked height, prefix, path and value, at a state this client holds, signed as updates are. */
#include <string.h>

#include "lc_internal.h"
#include "lcp/crypto.h"

static int verify(lcp_lc *ctx, const char *client_id, const lcp_height *height, const uint8_t *prefix,
                  size_t prefix_len, const uint8_t *path, size_t path_len, const uint8_t *value, size_t value_len,
                  int membership, const uint8_t *proof, size_t proof_len, int64_t now, char *err)
{
    lcp_commitment_proofs cp;
    lcp_proxy_msg pm;
    int rc = lcp_commitment_proofs_decode(&cp, proof, proof_len, err);
    if (rc != LCP_OK) return lcp_fail_ctx(err, LCP_ERR_LC_INVALID_MESSAGE, "membership proof");
    if ((rc = lcp_proxy_msg_decode(&pm, cp.message.ptr, cp.message.len, err)) != LCP_OK)
        return lcp_fail_ctx(err, rc == LCP_ERR_COMMITMENT_HEADER ? LCP_ERR_LC_UNKNOWN_PROXY_MESSAGE_HEADER
                                                                  : LCP_ERR_LC_INVALID_MESSAGE,
                            "membership commitment");
    if (pm.type != LCP_MSG_STATE)
        return lcp_fail(err, LCP_ERR_LC_UNKNOWN_PROXY_MESSAGE_HEADER, "membership proof must carry a State message");
    if ((rc = lc_load_client(ctx, client_id, err)) != LCP_OK) return rc;
    if (ctx->cs.frozen) return lcp_fail(err, LCP_ERR_LC_CLIENT_STATE_FROZEN, "client %s is frozen", client_id);
    const lcp_membership_msg *m = &pm.u.state;
    lcp_lc_consensus_state stored;
    int found;
    if ((rc = lc_load_consensus(ctx, &stored, &found, client_id, &m->height, err)) != LCP_OK) return rc;
    if (!found || lcp_is_zero(stored.state_id, 32))
        return lcp_fail(err, LCP_ERR_LC_CONSENSUS_STATE_NOT_FOUND, "no consensus state at the commitment's height");
    if (lcp_height_cmp(height, &m->height) != 0)
        return lcp_fail(err, LCP_ERR_LC_MEMBERSHIP_INVALID_HEIGHT, "commitment is for another height");
    if (m->prefix.len != prefix_len || memcmp(m->prefix.ptr, prefix, prefix_len) != 0)
        return lcp_fail(err, LCP_ERR_LC_MEMBERSHIP_INVALID_PREFIX, "commitment is for another prefix");
    if (m->path.len != path_len || memcmp(m->path.ptr, path, path_len) != 0)
        return lcp_fail(err, LCP_ERR_LC_MEMBERSHIP_INVALID_PATH, "commitment is for another path");
    uint8_t want[32] = {0};
    if (membership) lcp_keccak256(want, value, value_len);
    if (memcmp(m->value, want, 32) != 0)
        return lcp_fail(err, LCP_ERR_LC_MEMBERSHIP_INVALID_VALUE,
                        membership ? "commitment is for another value" : "commitment proves a value, not absence");
    if (memcmp(m->state_id, stored.state_id, 32) != 0)
        return lcp_fail(err, LCP_ERR_LC_MEMBERSHIP_INVALID_STATE_ID, "commitment is about another state");
    lcp_bytes sigs[LC_MAX_SIGS];
    if (cp.signature_count > LC_MAX_SIGS)
        return lcp_fail(err, LCP_ERR_LC_INVALID_SIGNATURES_LENGTH, "more than %d signatures", LC_MAX_SIGS);
    for (size_t i = 0; i < cp.signature_count; i++)
        if ((rc = lcp_commitment_proofs_signature(&cp, i, &sigs[i])) != LCP_OK) return rc;
    return lc_verify_signatures(ctx, client_id, cp.message.ptr, cp.message.len, sigs, cp.signature_count, now, err);
}

int lcp_lc_verify_membership(lcp_lc *ctx, const char *client_id, const lcp_height *height, const uint8_t *prefix,
                             size_t prefix_len, const uint8_t *path, size_t path_len, const uint8_t *value,
                             size_t value_len, const uint8_t *proof, size_t proof_len, int64_t now, char *err)
{
    return verify(ctx, client_id, height, prefix, prefix_len, path, path_len, value, value_len, 1, proof, proof_len,
                  now, err);
}

int lcp_lc_verify_non_membership(lcp_lc *ctx, const char *client_id, const lcp_height *height,
                                 const uint8_t *prefix, size_t prefix_len, const uint8_t *path, size_t path_len,
                                 const uint8_t *proof, size_t proof_len, int64_t now, char *err)
{
    return verify(ctx, client_id, height, prefix, prefix_len, path, path_len, NULL, 0, 0, proof, proof_len, now, err);
}
