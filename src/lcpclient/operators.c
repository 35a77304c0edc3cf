/* UpdateOperators (spec §6.7): the current operators, by threshold, replace the operator set. */
#include <string.h>

#include "lc_internal.h"
#include "lcp/codec_pb.h"
#include "lcp/crypto.h"

typedef struct {
    uint64_t nonce, num, den;
    size_t nops, nsigs;
    lcp_bytes ops[LCP_LC_MAX_OPERATORS];
    lcp_bytes sigs[LC_MAX_SIGS];
} operators_msg;

/* Message decoders of this client (here and in update.c, register.c): LCP_ERR_LC_INVALID_MESSAGE, the last of a
 * repeated singular field wins, as protobuf decoders do. */
static const lcp_pb_fdesc operators_fields[] = {
    LCP_PB_U64(1, operators_msg, nonce),
    LCP_PB_BYTES_ARRAY(2, operators_msg, ops, nops),
    LCP_PB_U64(3, operators_msg, num),
    LCP_PB_U64(4, operators_msg, den),
    LCP_PB_BYTES_ARRAY(5, operators_msg, sigs, nsigs, .cap_code = LCP_ERR_LC_INVALID_SIGNATURES_LENGTH),
};
static const lcp_pb_desc operators_desc =
    LCP_PB_DESC("UpdateOperatorsMessage", LCP_ERR_LC_INVALID_MESSAGE, LCP_PB_CTX, operators_fields, NULL);

static int decode(operators_msg *m, const uint8_t *in, size_t len, char *err)
{
    memset(m, 0, sizeof *m);
    return lcp_pb_decode(&operators_desc, m, in, len, err);
}

int lcp_lc_update_operators(lcp_lc *ctx, const char *client_id, const uint8_t *msg, size_t msg_len, char *err)
{
    operators_msg *m = (operators_msg *)ctx->out_buf; /* large: lives in the context's scratch, not the stack */
    _Static_assert(sizeof(operators_msg) <= sizeof(((struct lcp_lc *)0)->out_buf), "scratch too small");
    int rc = decode(m, msg, msg_len, err);
    if (rc != LCP_OK) return rc;
    if ((rc = lc_load_client(ctx, client_id, err)) != LCP_OK) return rc;
    lcp_lc_client_state *cs = &ctx->cs;
    if (cs->frozen) return lcp_fail(err, LCP_ERR_LC_CLIENT_STATE_FROZEN, "client %s is frozen", client_id);
    if (cs->operator_count == 0)
        return lcp_fail(err, LCP_ERR_LC_UPDATE_OPERATORS_PERMISSIONLESS, "a permissionless client has no operators to update");
    if (m->nsigs != cs->operator_count)
        return lcp_fail(err, LCP_ERR_LC_INVALID_SIGNATURES_LENGTH, "%zu signatures for %zu operators", m->nsigs,
                        cs->operator_count);
    if (m->nonce != cs->operators_nonce + 1 || cs->operators_nonce == UINT64_MAX)
        return lcp_fail(err, LCP_ERR_LC_CLIENT_STATE_UNEXPECTED_OPERATORS_NONCE, "nonce %llu, expected %llu",
                        (unsigned long long)m->nonce, (unsigned long long)cs->operators_nonce + 1);
    /* Going back to permissionless through this message is refused: it would need no key registration change
     * and silently drop every operator's veto. */
    if (m->nops == 0)
        return lcp_fail(err, LCP_ERR_LC_CLIENT_STATE_INVALID_OPERATOR_ADDRESS, "the new operator set is empty");
    if ((rc = lc_check_operators(m->ops, m->nops, m->num, m->den, err)) != LCP_OK) return rc;

    uint8_t digest[32], (*addrs)[20] = (uint8_t(*)[20])(m + 1);
    _Static_assert(sizeof(operators_msg) + LCP_LC_MAX_OPERATORS * 20 <= sizeof(((struct lcp_lc *)0)->out_buf),
                   "scratch too small");
    for (size_t i = 0; i < m->nops; i++) memcpy(addrs[i], m->ops[i].ptr, 20);
    lcp_eip712_update_operators(digest, ctx->cfg.operators_domain, client_id, strlen(client_id), m->nonce,
                                (const uint8_t(*)[20])addrs, m->nops, m->num, m->den);
    size_t success = 0;
    for (size_t i = 0; i < m->nsigs; i++) {
        if (m->sigs[i].len == 0) continue;
        uint8_t who[20];
        if ((rc = lcp_secp256k1_recover(NULL, who, m->sigs[i].ptr, m->sigs[i].len, digest, err)) != LCP_OK)
            return lcp_fail_ctx(err, LCP_ERR_LC_UPDATE_OPERATORS_SIGNATURE_UNEXPECTED_OPERATOR, "operator signature");
        if (memcmp(who, cs->operators[i].ptr, 20) != 0)
            return lcp_fail(err, LCP_ERR_LC_UPDATE_OPERATORS_SIGNATURE_UNEXPECTED_OPERATOR,
                            "signature %zu is not by operator %zu", i, i);
        success++;
    }
    if (!lc_threshold_met(cs, success))
        return lcp_fail(err, LCP_ERR_LC_OPERATOR_SIGNATURES_INSUFFICIENT, "%zu of %zu operators signed", success,
                        cs->operator_count);
    lcp_lc_client_state next = *cs;
    next.operator_count = m->nops;
    for (size_t i = 0; i < m->nops; i++) next.operators[i] = m->ops[i];
    next.operators_nonce = m->nonce;
    next.threshold_numerator = m->num;
    next.threshold_denominator = m->den;
    /* lc_store_client encodes into out_buf, overwriting m: safe, as `next` views msg and cs_buf, never m. */
    return lc_store_client(ctx, client_id, &next, err);
}
