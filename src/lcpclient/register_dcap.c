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

/* The n-th CERTIFICATE block of a PEM text, decoded (strict base64, whitespace ignored). Returns LCP_OK, or 1 when
 * there is no such block, or an error. */
static int pem_block(uint8_t *out, size_t cap, size_t *out_len, const uint8_t *p, size_t len, size_t n, char *err)
{
    static const char B[] = "-----BEGIN CERTIFICATE-----", E[] = "-----END CERTIFICATE-----";
    const char *s = (const char *)p, *end = s + len;
    for (size_t i = 0;; i++) {
        const char *b = memmem(s, (size_t)(end - s), B, sizeof B - 1);
        if (b == NULL) return 1;
        const char *body = b + sizeof B - 1;
        const char *e = memmem(body, (size_t)(end - body), E, sizeof E - 1);
        if (e == NULL) return lcp_fail(err, LCP_ERR_LC_DCAP_INVALID, "PEM block without its end line");
        if (i == n) {
            char b64[4096];
            size_t k = 0;
            for (const char *c = body; c < e; c++) {
                if (*c == ' ' || *c == '\n' || *c == '\r' || *c == '\t') continue;
                if (k == sizeof b64) return lcp_fail(err, LCP_ERR_LC_DCAP_INVALID, "PEM block too large");
                b64[k++] = *c;
            }
            char e2[LCP_ERR_LEN];
            if (lcp_base64_decode(out, cap, out_len, b64, k, e2) != LCP_OK)
                return lcp_fail(err, LCP_ERR_LC_DCAP_INVALID, "PEM block: %s", e2);
            return LCP_OK;
        }
        s = e + sizeof E - 1;
    }
}

/* The quote's PCK chain must be exactly [leaf, the collateral's PCK CA, the anchor], byte for byte as DER: the
 * verifier trusts only the collateral and the anchor, and the EVM contract compares the chain's text with what it
 * stores, so a quote carrying other copies is refused by both. */
static int check_chain(const lcp_lc *ctx, const uint8_t *quote, size_t quote_len, const lcp_bytes *ca_chain, char *err)
{
    uint8_t a[3072], b[3072]; /* Intel's certificates are under 1.3 KB */
    size_t al, bl;
    char e2[LCP_ERR_LEN] = "";
    lcp_dcap_quote q;
    if (lcp_dcap_quote_parse(&q, quote, quote_len, e2) != LCP_OK) return lcp_fail(err, LCP_ERR_LC_DCAP_INVALID, "%s", e2);
    if (q.cert_type != LCP_DCAP_CERT_PCK_CHAIN)
        return lcp_fail(err, LCP_ERR_LC_DCAP_INVALID, "the quote must carry its PCK certificate chain (type 5)");
    const uint8_t *c = q.cert_data.ptr;
    size_t cl = q.cert_data.len;
    if (pem_block(a, sizeof a, &al, c, cl, 3, err) != 1)
        return lcp_fail(err, LCP_ERR_LC_DCAP_INVALID, "the quote's PCK chain has more than three certificates");
    int rc = pem_block(a, sizeof a, &al, c, cl, 1, err);
    if (rc == LCP_OK) rc = pem_block(b, sizeof b, &bl, ca_chain->ptr, ca_chain->len, 0, err);
    if (rc != LCP_OK || al != bl || memcmp(a, b, al) != 0)
        return rc < 0 ? rc : lcp_fail(err, LCP_ERR_LC_DCAP_INVALID, "the quote's PCK CA is not the collateral's");
    rc = pem_block(a, sizeof a, &al, c, cl, 2, err);
    /* The anchor: the root the collateral's chain ends with (the verifier has required it to equal the pinned
     * root), else the configured root, else Intel's. */
    lcp_bytes anchor = {ctx->cfg.dcap_root_der, ctx->cfg.dcap_root_der_len};
    if (anchor.ptr == NULL) anchor = lcp_dcap_intel_root_ca();
    int in_chain = rc == LCP_OK ? pem_block(b, sizeof b, &bl, ca_chain->ptr, ca_chain->len, 1, err) : rc;
    if (in_chain < 0) return in_chain;
    if (in_chain == LCP_OK) {
        /* taken from the collateral's chain */
    } else if (rc == LCP_OK && anchor.len > 0 && anchor.ptr[0] != 0x30) {
        rc = pem_block(b, sizeof b, &bl, anchor.ptr, anchor.len, 0, err);
    } else if (rc == LCP_OK) {
        if (anchor.len > sizeof b) return lcp_fail(err, LCP_ERR_LC_DCAP_INVALID, "anchor too large");
        memcpy(b, anchor.ptr, anchor.len);
        bl = anchor.len;
    }
    if (rc != LCP_OK || al != bl || memcmp(a, b, al) != 0)
        return rc < 0 ? rc : lcp_fail(err, LCP_ERR_LC_DCAP_INVALID, "the quote's root is not the anchor");
    return LCP_OK;
}

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
    if (m->quote.len == 0)
        return lcp_fail(err, LCP_ERR_LC_INVALID_MESSAGE, "DCAPRegisterEnclaveKeyMessage: the quote is required");
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
    lcp_bytes col = m->collateral;
    if (col.len == 0) col = (lcp_bytes){ctx->cfg.dcap_collateral, ctx->cfg.dcap_collateral_len};
    if (col.len == 0 || col.ptr == NULL)
        return lcp_fail(err, LCP_ERR_LC_INVALID_MESSAGE, "DCAPRegisterEnclaveKeyMessage: no collateral given or held");
    if (col.len > LCP_LC_MAX_DCAP_COLLATERAL_LEN)
        return lcp_fail(err, LCP_ERR_LC_INVALID_MESSAGE, "collateral over %d bytes", LCP_LC_MAX_DCAP_COLLATERAL_LEN);
    int rc = lcp_dcap_collateral_from_json(&c, ctx->dcap_storage, sizeof ctx->dcap_storage, col.ptr, col.len, e2);
    if (rc == LCP_OK && ctx->cfg.dcap_verifier != NULL)
        rc = lcp_dcap_verifier_collateral(&vc, ctx->cfg.dcap_verifier, &c, now, e2);
    else if (rc == LCP_OK)
        rc = lcp_dcap_collateral_verify(&vc, &c, ctx->cfg.dcap_root_der, ctx->cfg.dcap_root_der_len, now, e2);
    if (rc == LCP_OK) rc = lcp_dcap_quote_verify(&ctx->dcap_res, vc, m->quote.ptr, m->quote.len, NULL, 0, now, e2);
    lcp_dcap_verified_collateral_free(vc);
    if (rc == LCP_OK) return check_chain(ctx, m->quote.ptr, m->quote.len, &c.pck_crl_issuer_chain, err);
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
