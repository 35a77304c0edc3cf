/* CreateClient: validation of the initial client and consensus states (spec §6.1). */
#include <string.h>

#include "lc_internal.h"

/* Operators must be 20-byte, non-zero and strictly ascending (so each appears once and signature slots have one
 * fixed order); with operators set the threshold must satisfy 0 < num <= den. Shared with UpdateOperators. */
int lc_check_operators(const lcp_bytes *ops, size_t n, uint64_t num, uint64_t den, char *err)
{
    for (size_t i = 0; i < n; i++) {
        if (ops[i].len != 20)
            return lcp_fail(err, LCP_ERR_LC_CLIENT_STATE_INVALID_OPERATOR_ADDRESS_LENGTH, "operator %zu is %zu bytes", i,
                            ops[i].len);
        if (lcp_is_zero(ops[i].ptr, 20))
            return lcp_fail(err, LCP_ERR_LC_CLIENT_STATE_INVALID_OPERATOR_ADDRESS, "operator %zu is the zero address", i);
        if (i > 0 && memcmp(ops[i - 1].ptr, ops[i].ptr, 20) >= 0)
            return lcp_fail(err, LCP_ERR_LC_OPERATORS_INVALID_ORDER, "operators must be strictly ascending (at %zu)", i);
    }
    if (n > 0 && (num == 0 || den == 0 || num > den))
        return lcp_fail(err, LCP_ERR_LC_CLIENT_STATE_INVALID_OPERATORS_THRESHOLD,
                        "operator threshold %llu/%llu must satisfy 0 < numerator <= denominator",
                        (unsigned long long)num, (unsigned long long)den);
    return LCP_OK;
}

static int check_client_state(const lcp_lc_client_state *cs, char *err)
{
    if (!lcp_height_is_zero(&cs->latest_height))
        return lcp_fail(err, LCP_ERR_LC_CLIENT_STATE_INVALID_LATEST_HEIGHT, "latest height must be zero at creation");
    if (cs->frozen) return lcp_fail(err, LCP_ERR_LC_CLIENT_STATE_FROZEN, "a client cannot be created frozen");
    if (cs->mrenclave.len != 32)
        return lcp_fail(err, LCP_ERR_LC_CLIENT_STATE_INVALID_MRENCLAVE_LENGTH, "mrenclave is %zu bytes, expected 32",
                        cs->mrenclave.len);
    /* key_expiration 0 is meaningful for DCAP (the key lives until the collateral's not_after); IAS
     * registration refuses it (spec §6.1), so the check is there, not here. */
    for (size_t i = 0; i < cs->status_count; i++)
        if (cs->allowed_quote_statuses[i].len == 0)
            return lcp_fail(err, LCP_ERR_LC_CLIENT_STATE_INVALID_ALLOWED_QUOTE_STATUS, "allowed quote status %zu is empty", i);
    for (size_t i = 0; i < cs->advisory_count; i++)
        if (cs->allowed_advisory_ids[i].len == 0)
            return lcp_fail(err, LCP_ERR_LC_CLIENT_STATE_INVALID_ALLOWED_ADVISORY_ID, "allowed advisory ID %zu is empty", i);
    if (cs->operators_nonce != 0)
        return lcp_fail(err, LCP_ERR_LC_CLIENT_STATE_INVALID_OPERATORS_NONCE, "operators nonce must be 0 at creation");
    if (cs->operator_count == 0 && (cs->threshold_numerator || cs->threshold_denominator))
        return lcp_fail(err, LCP_ERR_LC_CLIENT_STATE_INVALID_OPERATORS_THRESHOLD,
                        "a threshold without operators is meaningless");
    int rc = lc_check_operators(cs->operators, cs->operator_count, cs->threshold_numerator, cs->threshold_denominator, err);
    if (rc != LCP_OK) return rc;
    int has_next = cs->next_tcb_evaluation_data_number != 0, has_time = cs->next_tcb_evaluation_data_number_update_time != 0;
    if (has_next != has_time || (has_next && cs->next_tcb_evaluation_data_number <= cs->current_tcb_evaluation_data_number))
        return lcp_fail(err, LCP_ERR_LC_INVALID_MESSAGE,
                        "next TCB evaluation number and its time must be both set (and above the current) or both zero");
    if (cs->zkdcap_count > 1)
        return lcp_fail(err, LCP_ERR_LC_INVALID_MESSAGE, "at most one zkDCAP verifier info is supported");
    return LCP_OK;
}

int lcp_lc_create_client(lcp_lc *ctx, const char *client_id, const uint8_t *client_state, size_t cs_len,
                         const uint8_t *consensus_state, size_t cons_len, char *err)
{
    lcp_lc_client_state cs;
    lcp_lc_consensus_state cons;
    if (cs_len > LCP_LC_MAX_STATE_LEN) return lcp_fail(err, LCP_ERR_LC_INVALID_MESSAGE, "client state too large");
    int rc = lcp_lc_client_state_decode(&cs, client_state, cs_len, err);
    if (rc != LCP_OK) return rc;
    if ((rc = check_client_state(&cs, err)) != LCP_OK) return rc;
    if ((rc = lcp_lc_consensus_state_decode(&cons, consensus_state, cons_len, err)) != LCP_OK) return rc;
    if (!lcp_is_zero(cons.state_id, 32))
        return lcp_fail(err, LCP_ERR_LC_CONSENSUS_STATE_INVALID_STATE_ID, "initial consensus state must have no state_id");
    if (cons.timestamp != 0)
        return lcp_fail(err, LCP_ERR_LC_CONSENSUS_STATE_INVALID_TIMESTAMP, "initial consensus state must have no timestamp");
    rc = lc_load_client(ctx, client_id, err);
    if (rc == LCP_OK) return lcp_fail(err, LCP_ERR_LC_CLIENT_ALREADY_EXISTS, "client %s already exists", client_id);
    if (rc != LCP_ERR_LC_CLIENT_STATE_NOT_FOUND) return rc;
    if (err) err[0] = '\0';
    return lc_store_client(ctx, client_id, &cs, err);
}
