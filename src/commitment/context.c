/* ValidationContext (spec §3.3): abi.encode(struct { bytes32 header; bytes context_bytes; }) with the type in
 * header[0..2); TrustingPeriod's context_bytes are two words: (untrusted ts, trusted ts) and (period, drift), each
 * a pair of big-endian u128. */
#include <string.h>

#include "lcp/commitment.h"

static lcp_u128 be128(const uint8_t *p)
{
    lcp_u128 v = 0;
    for (int i = 0; i < 16; i++) v = v << 8 | p[i];
    return v;
}

static void put128(uint8_t *p, lcp_u128 v)
{
    for (int i = 15; i >= 0; i--) {
        p[i] = (uint8_t)v;
        v >>= 8;
    }
}

int lcp_context_decode(lcp_validation_context *out, const uint8_t *in, size_t len, char *err)
{
    memset(out, 0, sizeof *out);
    lcp_abi_dec d;
    uint8_t header[32];
    lcp_bytes body;
    lcp_abi_dec_root_tuple(&d, in, len, 2, err);
    lcp_abi_get_word(&d, header);
    lcp_abi_get_bytes(&d, &body);
    int rc = lcp_abi_dec_finish(&d);
    if (rc != LCP_OK) return lcp_fail_ctx(err, rc, "validation context");
    for (int i = 2; i < 32; i++)
        if (header[i]) return lcp_fail(err, LCP_ERR_COMMITMENT_CONTEXT, "validation context: reserved header bytes are not zero");
    unsigned type = (unsigned)header[0] << 8 | header[1];
    if (type == LCP_CONTEXT_EMPTY) {
        if (body.len) return lcp_fail(err, LCP_ERR_COMMITMENT_CONTEXT, "validation context: Empty carries %zu bytes", body.len);
        out->type = LCP_CONTEXT_EMPTY;
        return LCP_OK;
    }
    if (type != LCP_CONTEXT_TRUSTING_PERIOD)
        return lcp_fail(err, LCP_ERR_COMMITMENT_CONTEXT, "validation context: unknown type %u", type);
    if (body.len != 64)
        return lcp_fail(err, LCP_ERR_COMMITMENT_CONTEXT, "validation context: TrustingPeriod is %zu bytes, expected 64", body.len);
    out->type = LCP_CONTEXT_TRUSTING_PERIOD;
    out->untrusted_header_timestamp = be128(body.ptr);
    out->trusted_state_timestamp = be128(body.ptr + 16);
    out->trusting_period = be128(body.ptr + 32);
    out->clock_drift = be128(body.ptr + 48);
    return LCP_OK;
}

int lcp_context_encode(uint8_t *out, size_t cap, size_t *len, const lcp_validation_context *ctx)
{
    uint8_t header[32] = {0}, body[64];
    size_t body_len = 0;
    if (ctx->type == LCP_CONTEXT_TRUSTING_PERIOD) {
        header[1] = LCP_CONTEXT_TRUSTING_PERIOD;
        put128(body, ctx->untrusted_header_timestamp);
        put128(body + 16, ctx->trusted_state_timestamp);
        put128(body + 32, ctx->trusting_period);
        put128(body + 48, ctx->clock_drift);
        body_len = 64;
    } else if (ctx->type != LCP_CONTEXT_EMPTY) {
        return LCP_ERR_COMMITMENT_CONTEXT;
    }
    lcp_abi_enc e;
    lcp_abi_enc_root_tuple(&e, out, cap, 2);
    lcp_abi_put_word(&e, header);
    lcp_abi_put_bytes(&e, body, body_len);
    return lcp_abi_enc_finish(&e, len);
}

int lcp_context_validate(const lcp_validation_context *ctx, lcp_u128 now_ns, char *err)
{
    if (ctx->type == LCP_CONTEXT_EMPTY) return LCP_OK;
    if (ctx->type != LCP_CONTEXT_TRUSTING_PERIOD)
        return lcp_fail(err, LCP_ERR_COMMITMENT_CONTEXT, "validation context: unknown type %d", ctx->type);
    /* The sums are exact, as in Solidity 0.8 (checked uint128 arithmetic), never wrapped: a wrapped expiry would
     * read as a time long past and a saturated one as "never expires", and lcp-solidity reverts on the overflow
     * itself. So an expiry beyond u128 is refused, whatever now is. */
    lcp_u128 expiry = ctx->trusted_state_timestamp + ctx->trusting_period;
    if (expiry < ctx->trusted_state_timestamp)
        return lcp_fail(err, LCP_ERR_COMMITMENT_TRUSTING_PERIOD,
                        "trusted state timestamp plus trusting period overflows 128 bits");
    if (!(expiry > now_ns))
        return lcp_fail(err, LCP_ERR_COMMITMENT_TRUSTING_PERIOD,
                        "trusted state (%llu ns) plus trusting period (%llu ns) is not after now (%llu ns)",
                        (unsigned long long)ctx->trusted_state_timestamp, (unsigned long long)ctx->trusting_period,
                        (unsigned long long)now_ns);
    /* Solidity adds the drift to now in 256 bits (now is a uint256): a sum past u128 is exactly "above any header
     * time", so it passes there and here; it is not clamped to the u128 maximum, which would refuse a header
     * time equal to it. */
    lcp_u128 horizon = now_ns + ctx->clock_drift;
    int beyond_u128 = horizon < now_ns;
    if (!beyond_u128 && !(horizon > ctx->untrusted_header_timestamp))
        return lcp_fail(err, LCP_ERR_COMMITMENT_CLOCK_DRIFT,
                        "header time %llu ns is not before now (%llu ns) plus clock drift (%llu ns)",
                        (unsigned long long)ctx->untrusted_header_timestamp, (unsigned long long)now_ns,
                        (unsigned long long)ctx->clock_drift);
    return LCP_OK;
}

int lcp_context_aggregate(lcp_validation_context *out, const lcp_validation_context *a,
                          const lcp_validation_context *b, char *err)
{
    if (a->type == LCP_CONTEXT_EMPTY) {
        *out = *b;
        return LCP_OK;
    }
    if (b->type == LCP_CONTEXT_EMPTY) {
        *out = *a;
        return LCP_OK;
    }
    if (a->type != LCP_CONTEXT_TRUSTING_PERIOD || b->type != LCP_CONTEXT_TRUSTING_PERIOD)
        return lcp_fail(err, LCP_ERR_COMMITMENT_CONTEXT, "validation context: unknown type");
    if (a->trusting_period != b->trusting_period || a->clock_drift != b->clock_drift)
        return lcp_fail(err, LCP_ERR_COMMITMENT_AGGREGATE,
                        "contexts differ in trusting period or clock drift and cannot be aggregated");
    out->type = LCP_CONTEXT_TRUSTING_PERIOD;
    out->trusting_period = a->trusting_period;
    out->clock_drift = a->clock_drift;
    out->untrusted_header_timestamp = a->untrusted_header_timestamp > b->untrusted_header_timestamp
                                          ? a->untrusted_header_timestamp
                                          : b->untrusted_header_timestamp;
    out->trusted_state_timestamp = a->trusted_state_timestamp < b->trusted_state_timestamp
                                       ? a->trusted_state_timestamp
                                       : b->trusted_state_timestamp;
    return LCP_OK;
}
