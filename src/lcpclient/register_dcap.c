/* DCAPRegisterEnclaveKeyMessage (lcp-c's own; lcp/lcpclient.h "DCAP registration"): a raw SGX DCAP quote and its
 * collateral, verified here by the DCAP verifier under the configured root, then judged by the rules of the zkDCAP
 * path (spec §6.4). The verifier's result stands in for the zk proof's public output: same fields (status, advisory
 * IDs, validity window, minimum TCB evaluation data number, report body), checked in Solidity's order. */
#include <string.h>

#include "lc_internal.h"
#include "lcp/codec_pb.h"
#include "lcp/commitment.h"
#include "lcp/crypto.h"

typedef struct {
    lcp_bytes quote, collateral, operator_signature;
} dcap_msg;

static int decode_msg(dcap_msg *m, const uint8_t *in, size_t len, char *err)
{
    lcp_pb_reader r;
    lcp_pb_field f;
    int rc;
    memset(m, 0, sizeof *m);
    lcp_pb_reader_init(&r, in, len);
    while ((rc = lcp_pb_next(&r, &f, err)) == 1) {
        if (f.number < 1 || f.number > 3) continue; /* unknown fields are skipped, as protobuf requires */
        if (f.wire_type != LCP_PB_LEN)
            return lcp_fail(err, LCP_ERR_LC_INVALID_MESSAGE, "DCAPRegisterEnclaveKeyMessage: field %u has the wrong type",
                            f.number);
        lcp_bytes *dst[] = {&m->quote, &m->collateral, &m->operator_signature};
        *dst[f.number - 1] = f.bytes;
    }
    if (rc < 0) return lcp_fail_ctx(err, LCP_ERR_LC_INVALID_MESSAGE, "DCAPRegisterEnclaveKeyMessage");
    if (m->quote.len == 0 || m->collateral.len == 0)
        return lcp_fail(err, LCP_ERR_LC_INVALID_MESSAGE, "DCAPRegisterEnclaveKeyMessage: quote and collateral are required");
    if (m->collateral.len > LCP_LC_MAX_DCAP_COLLATERAL_LEN)
        return lcp_fail(err, LCP_ERR_LC_INVALID_MESSAGE, "DCAPRegisterEnclaveKeyMessage: collateral over %d bytes",
                        LCP_LC_MAX_DCAP_COLLATERAL_LEN);
    return LCP_OK;
}

int lcp_lc_encode_dcap_register_enclave_key(uint8_t *out, size_t cap, size_t *len, const uint8_t *quote,
                                            size_t quote_len, const uint8_t *collateral, size_t collateral_len,
                                            const uint8_t *operator_signature, size_t op_sig_len)
{
    lcp_pb_writer w;
    lcp_pb_writer_init(&w, out, cap);
    lcp_pb_put_bytes_opt(&w, 1, quote, quote_len);
    lcp_pb_put_bytes_opt(&w, 2, collateral, collateral_len);
    lcp_pb_put_bytes_opt(&w, 3, operator_signature, op_sig_len);
    *len = w.len;
    return lcp_pb_writer_status(&w);
}

/* Verifies quote and collateral at now under the configured root (NULL: Intel's) or through the configured
 * long-lived verifier, with no policy: the client's rules follow. Verification failures become the client's error
 * codes. */
static int verify(lcp_lc *ctx, const dcap_msg *m, int64_t now, char *err)
{
    lcp_dcap_collateral c;
    lcp_dcap_verified_collateral *vc = NULL;
    char e2[LCP_ERR_LEN] = "";
    int rc = lcp_dcap_collateral_from_json(&c, ctx->dcap_storage, sizeof ctx->dcap_storage, m->collateral.ptr,
                                           m->collateral.len, e2);
    if (rc == LCP_OK && ctx->cfg.dcap_verifier != NULL)
        rc = lcp_dcap_verifier_collateral(&vc, ctx->cfg.dcap_verifier, &c, now, e2);
    else if (rc == LCP_OK)
        rc = lcp_dcap_collateral_verify(&vc, &c, ctx->cfg.dcap_root_der, ctx->cfg.dcap_root_der_len, now, e2);
    if (rc == LCP_OK) rc = lcp_dcap_quote_verify(&ctx->dcap_res, vc, m->quote.ptr, m->quote.len, NULL, 0, now, e2);
    lcp_dcap_verified_collateral_free(vc);
    switch (rc) {
    case LCP_OK: return LCP_OK;
    case LCP_ERR_NOMEM: return lcp_fail(err, rc, "DCAP verification: %s", e2);
    /* Evidence outside its validity window is the zkDCAP path's "output not valid". */
    case LCP_ERR_ATTESTATION_CERT_EXPIRED:
    case LCP_ERR_ATTESTATION_COLLATERAL_EXPIRED: return lcp_fail(err, LCP_ERR_LC_DCAP_OUTPUT_NOT_VALID, "%s", e2);
    default: return lcp_fail(err, LCP_ERR_LC_DCAP_INVALID, "%s: %s", lcp_errname(rc), e2);
    }
}

/* The rules on the verified result that need nothing but the client state (spec §6.4, Solidity's order). */
static int check_result(const lcp_lc *ctx, const lcp_dcap_result *r, int64_t now, char *err)
{
    const lcp_lc_client_state *cs = &ctx->cs;
    if (cs->mrenclave.len != 32 || memcmp(r->report.mrenclave, cs->mrenclave.ptr, 32) != 0)
        return lcp_fail(err, LCP_ERR_LC_CLIENT_STATE_UNEXPECTED_MRENCLAVE, "quote is for another enclave (MRENCLAVE)");
    const char *status = lcp_dcap_tcb_status_name(r->status);
    /* Revoked means Intel withdrew trust in that TCB: never a policy choice (lcp_dcap_policy_check agrees). */
    if (r->status == LCP_DCAP_TCB_REVOKED ||
        (r->status != LCP_DCAP_TCB_UP_TO_DATE &&
         !lc_listed(cs->allowed_quote_statuses, cs->status_count, status, strlen(status))))
        return lcp_fail(err, LCP_ERR_LC_DCAP_DISALLOWED_TCB_STATUS, "TCB status %s is not allowed by the client", status);
    for (size_t i = 0; i < r->n_advisory_ids; i++)
        if (!lc_listed(cs->allowed_advisory_ids, cs->advisory_count, r->advisory_ids[i], strlen(r->advisory_ids[i])))
            return lcp_fail(err, LCP_ERR_LC_DCAP_DISALLOWED_ADVISORY_ID, "advisory %s is not allowed by the client",
                            r->advisory_ids[i]);
    if (now < r->valid_from || now > r->valid_to)
        return lcp_fail(err, LCP_ERR_LC_DCAP_OUTPUT_NOT_VALID, "now (%lld) is outside the evidence's window [%lld, %lld]",
                        (long long)now, (long long)r->valid_from, (long long)r->valid_to);
    if ((r->debug != 0) != (ctx->cfg.development_mode != 0))
        return lcp_fail(err, LCP_ERR_LC_DCAP_UNEXPECTED_ENCLAVE_DEBUG_MODE,
                        ctx->cfg.development_mode ? "a development deployment accepts only debug enclaves"
                                                  : "a debug enclave is not accepted in production");
    return LCP_OK;
}

/* expired_at (spec §6.4): capped by the evidence's end; must lie after now. */
static int expiry(uint64_t *out, const lcp_lc_client_state *cs, const lcp_dcap_result *r, int64_t now, char *err)
{
    /* check_result put now (>= 0 here) inside [valid_from, valid_to], so both are non-negative and valid_to < max. */
    uint64_t max = (uint64_t)r->valid_to + 1, at = max;
    if (cs->key_expiration != 0 && cs->key_expiration < max - (uint64_t)r->valid_from)
        at = (uint64_t)r->valid_from + cs->key_expiration;
    if (at <= (uint64_t)now)
        return lcp_fail(err, LCP_ERR_LC_ENCLAVE_KEY_EXPIRED, "the key would expire at %llu, not after now (%lld)",
                        (unsigned long long)at, (long long)now);
    *out = at;
    return LCP_OK;
}

/* The TCB evaluation data number rules (spec §6.4) on cs, a copy of the stored state. Out: *changed. */
static int tcb_number(lcp_lc_client_state *cs, int *changed, uint32_t out, int64_t now, char *err)
{
    *changed = 0;
    uint64_t t = (uint64_t)now;
    /* A reserved number whose time has come is the current one, whatever this message says. */
    if (cs->next_tcb_evaluation_data_number != 0 && t >= cs->next_tcb_evaluation_data_number_update_time) {
        cs->current_tcb_evaluation_data_number = cs->next_tcb_evaluation_data_number;
        cs->next_tcb_evaluation_data_number = 0;
        cs->next_tcb_evaluation_data_number_update_time = 0;
        *changed = 1;
    }
    uint32_t cur = cs->current_tcb_evaluation_data_number, next = cs->next_tcb_evaluation_data_number;
    if (out < cur)
        return lcp_fail(err, LCP_ERR_LC_DCAP_UNEXPECTED_TCB_EVALUATION_DATA_NUMBER,
                        "collateral has TCB evaluation data number %u, the client's current one is %u", out, cur);
    if (out == cur) return LCP_OK;
    uint32_t grace = cs->tcb_evaluation_data_number_update_grace_period;
    if (grace == 0) {
        /* Without a grace period nothing is ever reserved; a reservation here is a state no rule produces. */
        if (next != 0)
            return lcp_fail(err, LCP_ERR_LC_DCAP_UNEXPECTED_TCB_EVALUATION_DATA_NUMBER,
                            "client state reserves a next TCB evaluation data number without a grace period");
        cs->current_tcb_evaluation_data_number = out;
    } else if (next == 0) {
        /* Reserve it: operators have the grace period to move to the new TCB before it is enforced. */
        cs->next_tcb_evaluation_data_number = out;
        cs->next_tcb_evaluation_data_number_update_time = t + grace;
    } else if (out > next) {
        cs->current_tcb_evaluation_data_number = next;
        cs->next_tcb_evaluation_data_number = out;
        cs->next_tcb_evaluation_data_number_update_time = t + grace;
    } else if (out < next) {
        cs->current_tcb_evaluation_data_number = out;
    } else {
        return LCP_OK; /* already reserved */
    }
    *changed = 1;
    return LCP_OK;
}

int lcp_lc_register_enclave_key_dcap(lcp_lc *ctx, uint8_t key_out[20], lcp_lc_enclave_key *info_out,
                                     const char *client_id, const uint8_t *msg, size_t msg_len, int64_t now, char *err)
{
    dcap_msg m;
    lcp_report_data rd;
    lcp_lc_enclave_key info;
    memset(&info, 0, sizeof info);
    int rc = decode_msg(&m, msg, msg_len, err);
    if (rc != LCP_OK) return rc;
    if (now < 0) return lcp_fail(err, LCP_ERR_LC_DCAP_OUTPUT_NOT_VALID, "now is negative");
    if ((rc = lc_load_client(ctx, client_id, err)) != LCP_OK) return rc;
    if (ctx->cs.frozen) return lcp_fail(err, LCP_ERR_LC_CLIENT_STATE_FROZEN, "client %s is frozen", client_id);
    if ((rc = verify(ctx, &m, now, err)) != LCP_OK) return rc;
    const lcp_dcap_result *r = &ctx->dcap_res;
    if ((rc = check_result(ctx, r, now, err)) != LCP_OK) return rc;
    if ((rc = expiry(&info.expired_at, &ctx->cs, r, now, err)) != LCP_OK) return rc;
    lcp_lc_client_state cs = ctx->cs; /* views still into ctx->cs_buf, which nothing below overwrites */
    int cs_changed;
    if ((rc = tcb_number(&cs, &cs_changed, r->tcb_evaluation_data_number, now, err)) != LCP_OK) return rc;
    if (lcp_report_data_parse(&rd, r->report.report_data, err) != LCP_OK)
        return lcp_fail_ctx(err, LCP_ERR_LC_DCAP_INVALID, "report_data");
    uint8_t digest[32] = {0};
    if (m.operator_signature.len) lcp_eip712_dcap_register_enclave_key(digest, m.quote.ptr, m.quote.len);
    if ((rc = lc_registration_operator(info.operator_addr, &cs, digest, m.operator_signature, rd.operator_addr, "quote",
                                       LCP_ERR_LC_DCAP_UNEXPECTED_OPERATOR, err)) != LCP_OK)
        return rc;
    int found;
    if ((rc = lc_check_reregistration(ctx, &found, client_id, rd.enclave_key, &info, err)) != LCP_OK) return rc;
    /* Every check passed: write. */
    if (cs_changed && (rc = lc_store_client(ctx, client_id, &cs, err)) != LCP_OK) return rc;
    if (!found && (rc = lc_store_key(ctx, client_id, rd.enclave_key, &info, err)) != LCP_OK) return rc;
    if (key_out) memcpy(key_out, rd.enclave_key, 20);
    if (info_out) *info_out = info;
    return LCP_OK;
}
