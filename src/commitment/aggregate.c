/* Message aggregation (spec §2, AggregateMessages): a chain of UpdateState messages folds into one. */
#include <string.h>

#include "lcp/commitment.h"

int lcp_update_state_aggregate(lcp_update_state_msg *out, uint8_t ctx_buf[LCP_CONTEXT_MAX_LEN],
                               lcp_emitted_state *emitted_buf, size_t emitted_cap, const lcp_update_state_msg *m,
                               size_t n, char *err)
{
    if (n < 2) return lcp_fail(err, LCP_ERR_COMMITMENT_AGGREGATE, "aggregation needs at least 2 messages, got %zu", n);
    lcp_validation_context acc, next;
    int rc = lcp_context_decode(&acc, m[0].context.ptr, m[0].context.len, err);
    if (rc != LCP_OK) return rc;
    size_t total = m[0].emitted_count;
    for (size_t i = 1; i < n; i++) {
        if (lcp_height_cmp(&m[i - 1].post_height, &m[i].prev_height) != 0 ||
            memcmp(m[i - 1].post_state_id, m[i].prev_state_id, LCP_STATE_ID_LEN) != 0)
            return lcp_fail(err, LCP_ERR_COMMITMENT_AGGREGATE,
                            "message %zu does not continue from message %zu (post state differs from prev state)", i,
                            i - 1);
        if ((rc = lcp_context_decode(&next, m[i].context.ptr, m[i].context.len, err)) != LCP_OK) return rc;
        if ((rc = lcp_context_aggregate(&acc, &acc, &next, err)) != LCP_OK) return rc;
        if (m[i].emitted_count > SIZE_MAX - total)
            return lcp_fail(err, LCP_ERR_COMMITMENT_AGGREGATE, "too many emitted states");
        total += m[i].emitted_count;
    }
    if (total > emitted_cap)
        return lcp_fail(err, LCP_ERR_BUFFER_TOO_SMALL, "aggregation has %zu emitted states, room for %zu", total,
                        emitted_cap);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < m[i].emitted_count; j++)
            if ((rc = lcp_update_state_emitted(&m[i], j, &emitted_buf[k++])) != LCP_OK)
                return lcp_fail(err, rc, "message %zu: emitted state %zu unreadable", i, j);
    size_t ctx_len;
    if ((rc = lcp_context_encode(ctx_buf, LCP_CONTEXT_MAX_LEN, &ctx_len, &acc)) != LCP_OK)
        return lcp_fail(err, rc, "cannot encode the aggregated context");
    memset(out, 0, sizeof *out);
    out->prev_height = m[0].prev_height;
    memcpy(out->prev_state_id, m[0].prev_state_id, LCP_STATE_ID_LEN);
    out->post_height = m[n - 1].post_height;
    memcpy(out->post_state_id, m[n - 1].post_state_id, LCP_STATE_ID_LEN);
    out->timestamp = m[n - 1].timestamp;
    out->context.ptr = ctx_buf;
    out->context.len = ctx_len;
    out->emitted = emitted_buf;
    out->emitted_count = total;
    return LCP_OK;
}
