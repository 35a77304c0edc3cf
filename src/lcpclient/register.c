/* RegisterEnclaveKey with an IAS report (spec §6.3): the report must be signed by the configured IAS root's
 * signing key, be for this client's MRENCLAVE, pass the quote-status and advisory policy, match the deployment's
 * debug mode, and name the enclave key (and possibly its operator) in report_data. */
#include <string.h>

#include "lc_internal.h"
#include "lcp/attestation_ias.h"
#include "lcp/codec_pb.h"
#include "lcp/crypto.h"

typedef struct {
    lcp_bytes report, signature, signing_cert, operator_signature;
} register_msg;

static const lcp_pb_fdesc register_fields[] = {
    LCP_PB_BYTES(1, register_msg, report),
    LCP_PB_BYTES(2, register_msg, signature),
    LCP_PB_BYTES(3, register_msg, signing_cert),
    LCP_PB_BYTES(4, register_msg, operator_signature),
};
static const lcp_pb_desc register_desc =
    LCP_PB_DESC("RegisterEnclaveKeyMessage", LCP_ERR_LC_INVALID_MESSAGE, LCP_PB_CTX, register_fields, NULL);

static int decode_register(register_msg *m, const uint8_t *in, size_t len, char *err)
{
    memset(m, 0, sizeof *m);
    return lcp_pb_decode(&register_desc, m, in, len, err);
}

int lc_listed(const lcp_bytes *list, size_t n, const void *s, size_t len)
{
    for (size_t i = 0; i < n; i++)
        if (list[i].len == len && memcmp(list[i].ptr, s, len) == 0) return 1;
    return 0;
}

int lc_registration_operator(uint8_t op[20], const lcp_lc_client_state *cs, const uint8_t digest[32], lcp_bytes sig,
                             const uint8_t named[20], const char *evidence, int code, char *err)
{
    memset(op, 0, 20);
    if (sig.len && lcp_secp256k1_recover(NULL, op, sig.ptr, sig.len, digest, err) != LCP_OK)
        return lcp_fail_ctx(err, code, "operator signature");
    if (!lcp_is_zero(named, 20) && memcmp(named, op, 20) != 0)
        return lcp_fail(err, code, "the %s names an operator and the operator signature is not by it", evidence);
    if (cs->operator_count > 0 && !lc_listed(cs->operators, cs->operator_count, op, 20))
        return lcp_fail(err, code, "the key's operator is not an operator of this client");
    return LCP_OK;
}

int lc_check_reregistration(lcp_lc *ctx, int *found, const char *client_id, const uint8_t key[20],
                            const lcp_lc_enclave_key *info, char *err)
{
    lcp_lc_enclave_key old;
    int rc = lc_load_key(ctx, &old, found, client_id, key, err);
    if (rc != LCP_OK || !*found) return rc;
    if (memcmp(old.operator_addr, info->operator_addr, 20) != 0)
        return lcp_fail(err, LCP_ERR_LC_ENCLAVE_KEY_UNEXPECTED_OPERATOR, "key already registered with another operator");
    if (old.expired_at != info->expired_at)
        return lcp_fail(err, LCP_ERR_LC_ENCLAVE_KEY_UNEXPECTED_EXPIRED_AT, "key already registered with another expiry");
    return LCP_OK;
}

/* Quote-status policy (our choice, spec §10.5 and §6.3): OK passes without looking at advisories; anything else
 * must be allowed by the client, and for the statuses that come with advisories every advisory must be allowed. */
static int check_status(const lcp_lc_client_state *cs, const lcp_ias_report *rep, char *err)
{
    if (rep->status == LCP_IAS_STATUS_OK) return LCP_OK;
    const char *name = lcp_ias_status_name(rep->status);
    if (!lc_listed(cs->allowed_quote_statuses, cs->status_count, (const uint8_t *)name, strlen(name)))
        return lcp_fail(err, LCP_ERR_LC_AVR_INVALID, "quote status %s is not allowed by the client", name);
    switch (rep->status) {
    case LCP_IAS_STATUS_GROUP_OUT_OF_DATE:
    case LCP_IAS_STATUS_CONFIGURATION_NEEDED:
    case LCP_IAS_STATUS_SW_HARDENING_NEEDED:
    case LCP_IAS_STATUS_CONFIGURATION_AND_SW_HARDENING_NEEDED:
        for (size_t i = 0; i < rep->n_advisory_ids; i++)
            if (!lc_listed(cs->allowed_advisory_ids, cs->advisory_count, rep->advisory_ids[i].ptr, rep->advisory_ids[i].len))
                return lcp_fail(err, LCP_ERR_LC_AVR_INVALID, "advisory %.*s is not allowed by the client",
                                (int)rep->advisory_ids[i].len, (const char *)rep->advisory_ids[i].ptr);
        return LCP_OK;
    default: return LCP_OK;
    }
}

static int verify_report(lcp_lc *ctx, lcp_ias_report *rep, const register_msg *m, int64_t now, char *err)
{
    int rc = lcp_ias_verify(rep, m->report.ptr, m->report.len, m->signature.ptr, m->signature.len, m->signing_cert.ptr,
                            m->signing_cert.len, ctx->cfg.ias_root_der, ctx->cfg.ias_root_der_len, now, err);
    switch (rc) {
    case LCP_OK: return LCP_OK;
    case LCP_ERR_ATTESTATION_CERT_EXPIRED: return lcp_fail_ctx(err, LCP_ERR_LC_IAS_CERT_EXPIRED, "IAS report");
    case LCP_ERR_ATTESTATION_CERT:
    case LCP_ERR_ATTESTATION_SIGNATURE: return lcp_fail_ctx(err, LCP_ERR_LC_AVR_INVALID_SIGNATURE, "IAS report");
    default: return lcp_fail_ctx(err, LCP_ERR_LC_AVR_INVALID, "IAS report");
    }
}

int lcp_lc_register_enclave_key(lcp_lc *ctx, uint8_t key_out[20], lcp_lc_enclave_key *info_out,
                                const char *client_id, const uint8_t *msg, size_t msg_len, int64_t now, char *err)
{
    register_msg m;
    lcp_ias_report rep;
    lcp_report_data rd;
    int rc = decode_register(&m, msg, msg_len, err);
    if (rc != LCP_OK) return rc;
    if ((rc = lc_load_client(ctx, client_id, err)) != LCP_OK) return rc;
    const lcp_lc_client_state *cs = &ctx->cs;
    if (cs->frozen) return lcp_fail(err, LCP_ERR_LC_CLIENT_STATE_FROZEN, "client %s is frozen", client_id);
    if (cs->key_expiration == 0)
        return lcp_fail(err, LCP_ERR_LC_CLIENT_STATE_INVALID_KEY_EXPIRATION,
                        "an IAS report has no end of validity: the client needs key_expiration > 0");
    if ((rc = verify_report(ctx, &rep, &m, now, err)) != LCP_OK) return rc;
    if ((rc = check_status(cs, &rep, err)) != LCP_OK) return rc;
    if (lcp_sgx_is_debug(&rep.report_body) != (ctx->cfg.development_mode != 0))
        return lcp_fail(err, LCP_ERR_LC_AVR_INVALID, ctx->cfg.development_mode
                                                         ? "a development deployment accepts only debug enclaves"
                                                         : "a debug enclave is not accepted in production");
    if (lcp_report_data_parse(&rd, rep.report_body.report_data, err) != LCP_OK)
        return lcp_fail_ctx(err, LCP_ERR_LC_AVR_INVALID, "report_data");
    if (cs->mrenclave.len != 32 || memcmp(rep.report_body.mrenclave, cs->mrenclave.ptr, 32) != 0)
        return lcp_fail(err, LCP_ERR_LC_CLIENT_STATE_UNEXPECTED_MRENCLAVE, "report is for another enclave (MRENCLAVE)");

    lcp_lc_enclave_key info = {0};
    uint8_t digest[32] = {0};
    if (m.operator_signature.len) lcp_eip712_register_enclave_key(digest, m.report.ptr, m.report.len);
    if ((rc = lc_registration_operator(info.operator_addr, cs, digest, m.operator_signature, rd.operator_addr, "report",
                                       LCP_ERR_LC_AVR_UNEXPECTED_OPERATOR, err)) != LCP_OK)
        return rc;
    if (rep.timestamp_secs < 0 || (uint64_t)rep.timestamp_secs > UINT64_MAX - cs->key_expiration)
        return lcp_fail(err, LCP_ERR_LC_AVR_INVALID, "report timestamp out of range");
    info.expired_at = (uint64_t)rep.timestamp_secs + cs->key_expiration;
    if (now < 0 || info.expired_at <= (uint64_t)now)
        return lcp_fail(err, LCP_ERR_LC_AVR_ALREADY_EXPIRED, "the key would expire at %llu, not after now (%lld)",
                        (unsigned long long)info.expired_at, (long long)now);

    int found;
    if ((rc = lc_check_reregistration(ctx, &found, client_id, rd.enclave_key, &info, err)) != LCP_OK) return rc;
    if (!found && (rc = lc_store_key(ctx, client_id, rd.enclave_key, &info, err)) != LCP_OK) return rc;
    if (key_out) memcpy(key_out, rd.enclave_key, 20);
    if (info_out) *info_out = info;
    return LCP_OK;
}
