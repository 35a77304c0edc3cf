/* UpdateClient (spec §6.5): UpdateState advances the client, Misbehaviour freezes it. */
#include <string.h>

#include "lc_internal.h"
#include "lcp/codec_pb.h"

/* UpdateClientMessage {1: proxy_message, 2: repeated signatures}. */
typedef struct {
    lcp_bytes proxy;
    lcp_bytes sigs[LC_MAX_SIGS];
    size_t nsigs;
} update_msg;

static const lcp_pb_fdesc update_fields[] = {
    LCP_PB_BYTES(1, update_msg, proxy),
    LCP_PB_BYTES_ARRAY(2, update_msg, sigs, nsigs, .cap_code = LCP_ERR_LC_INVALID_SIGNATURES_LENGTH),
};
static const lcp_pb_desc update_desc =
    LCP_PB_DESC("UpdateClientMessage", LCP_ERR_LC_INVALID_MESSAGE, LCP_PB_CTX, update_fields, NULL);

static int decode_update_msg(update_msg *m, const uint8_t *in, size_t len, char *err)
{
    memset(m, 0, sizeof *m);
    return lcp_pb_decode(&update_desc, m, in, len, err);
}

static int check_context(lcp_bytes ctxb, int64_t now, char *err)
{
    lcp_validation_context c;
    int rc = lcp_context_decode(&c, ctxb.ptr, ctxb.len, err);
    if (rc != LCP_OK) return rc;
    /* Solidity: now = block.timestamp * 1e9. */
    return lcp_context_validate(&c, (lcp_u128)(uint64_t)now * 1000000000u, err);
}

static int update_state(lcp_lc *ctx, lcp_lc_update_result *out, const char *client_id, const lcp_update_state_msg *m,
                        int64_t now, char *err)
{
    lcp_lc_client_state *cs = &ctx->cs;
    lcp_lc_consensus_state stored;
    int found, rc;
    if (lcp_height_is_zero(&cs->latest_height)) {
        /* The first update installs the state: there is no previous state to chain from. */
        if (m->emitted_count == 0)
            return lcp_fail(err, LCP_ERR_LC_UPDATE_STATE_EMITTED_STATES_MUST_NOT_EMPTY,
                            "the first update must emit the client state");
    } else {
        if (lcp_is_zero(m->prev_state_id, 32) || lcp_height_is_zero(&m->prev_height))
            return lcp_fail(err, LCP_ERR_LC_UPDATE_STATE_PREV_STATE_ID_MUST_NOT_EMPTY,
                            "an update of an initialised client must name its previous state");
        if ((rc = lc_load_consensus(ctx, &stored, &found, client_id, &m->prev_height, err)) != LCP_OK) return rc;
        if (!found || memcmp(stored.state_id, m->prev_state_id, 32) != 0)
            return lcp_fail(err, LCP_ERR_LC_UPDATE_STATE_UNEXPECTED_PREV_STATE_ID,
                            "previous state %llu-%llu is not the one this client holds",
                            (unsigned long long)m->prev_height.revision_number,
                            (unsigned long long)m->prev_height.revision_height);
    }
    if ((rc = check_context(m->context, now, err)) != LCP_OK) return rc;
    if (m->timestamp > UINT64_MAX)
        return lcp_fail(err, LCP_ERR_LC_CONSENSUS_STATE_INVALID_TIMESTAMP, "timestamp does not fit 64 bits");
    lcp_lc_consensus_state next;
    memcpy(next.state_id, m->post_state_id, 32);
    next.timestamp = (uint64_t)m->timestamp;
    if (lcp_is_zero(next.state_id, 32) || next.timestamp == 0)
        return lcp_fail(err, LCP_ERR_LC_CONSENSUS_STATE_INVALID_STATE_ID, "the post state needs a state id and a timestamp");
    out->height = m->post_height;
    if ((rc = lc_load_consensus(ctx, &stored, &found, client_id, &m->post_height, err)) != LCP_OK) return rc;
    if (found) {
        /* Replays are harmless only if they say the same thing (Solidity keeps the stored state). */
        if (memcmp(stored.state_id, next.state_id, 32) != 0 || stored.timestamp != next.timestamp)
            return lcp_fail(err, LCP_ERR_LC_UPDATE_STATE_INCONSISTENT_CONSENSUS_STATE,
                            "a different consensus state is already stored at the post height");
        out->already_known = 1;
        return LCP_OK;
    }
    if ((rc = lc_store_consensus(ctx, client_id, &m->post_height, &next, err)) != LCP_OK) return rc;
    if (lcp_height_cmp(&m->post_height, &cs->latest_height) > 0) {
        cs->latest_height = m->post_height;
        return lc_store_client(ctx, client_id, cs, err);
    }
    return LCP_OK;
}

static int misbehaviour(lcp_lc *ctx, const char *client_id, const lcp_misbehaviour_msg *m, int64_t now, char *err)
{
    if (m->prev_count == 0)
        return lcp_fail(err, LCP_ERR_LC_MISBEHAVIOUR_PREV_STATES_MUST_NOT_EMPTY, "misbehaviour names no previous state");
    for (size_t i = 0; i < m->prev_count; i++) {
        lcp_prev_state ps;
        lcp_lc_consensus_state stored;
        int found, rc = lcp_misbehaviour_prev_state(m, i, &ps);
        if (rc != LCP_OK) return lcp_fail(err, rc, "misbehaviour: previous state %zu unreadable", i);
        if (lcp_is_zero(ps.state_id, 32))
            return lcp_fail(err, LCP_ERR_LC_UPDATE_STATE_PREV_STATE_ID_MUST_NOT_EMPTY, "previous state %zu has no id", i);
        if ((rc = lc_load_consensus(ctx, &stored, &found, client_id, &ps.height, err)) != LCP_OK) return rc;
        if (!found || memcmp(stored.state_id, ps.state_id, 32) != 0)
            return lcp_fail(err, LCP_ERR_LC_UPDATE_STATE_UNEXPECTED_PREV_STATE_ID,
                            "previous state %zu is not one this client holds", i);
    }
    int rc = check_context(m->context, now, err);
    if (rc != LCP_OK) return rc;
    ctx->cs.frozen = 1;
    return lc_store_client(ctx, client_id, &ctx->cs, err);
}

int lcp_lc_update_client(lcp_lc *ctx, lcp_lc_update_result *out, const char *client_id, const uint8_t *msg,
                         size_t msg_len, int64_t now, char *err)
{
    lcp_lc_update_result ignored;
    if (out == NULL) out = &ignored;
    memset(out, 0, sizeof *out);
    update_msg um;
    int rc = decode_update_msg(&um, msg, msg_len, err);
    if (rc != LCP_OK) return rc;
    if ((rc = lc_load_client(ctx, client_id, err)) != LCP_OK) return rc;
    if (ctx->cs.frozen) return lcp_fail(err, LCP_ERR_LC_CLIENT_STATE_FROZEN, "client %s is frozen", client_id);
    if ((rc = lc_verify_signatures(ctx, client_id, um.proxy.ptr, um.proxy.len, um.sigs, um.nsigs, now, err)) != LCP_OK) return rc;
    lcp_proxy_msg pm;
    if ((rc = lcp_proxy_msg_decode(&pm, um.proxy.ptr, um.proxy.len, err)) != LCP_OK)
        return rc == LCP_ERR_COMMITMENT_HEADER ? lcp_fail_ctx(err, LCP_ERR_LC_UNKNOWN_PROXY_MESSAGE_HEADER, "update")
                                               : lcp_fail_ctx(err, LCP_ERR_LC_INVALID_MESSAGE, "update");
    if (pm.type != LCP_MSG_UPDATE_STATE && pm.type != LCP_MSG_MISBEHAVIOUR)
        return lcp_fail(err, LCP_ERR_LC_UNKNOWN_PROXY_MESSAGE_HEADER, "an update must carry UpdateState or Misbehaviour");
    if (pm.type == LCP_MSG_MISBEHAVIOUR) {
        out->misbehaviour = 1;
        return misbehaviour(ctx, client_id, &pm.u.misbehaviour, now, err);
    }
    return update_state(ctx, out, client_id, &pm.u.update, now, err);
}
