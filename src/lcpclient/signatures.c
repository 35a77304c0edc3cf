/* VerifySignatures (spec §6.5): who may sign a commitment, and how many must. */
#include <string.h>

#include "lc_internal.h"
#include "lcp/crypto.h"

int lc_threshold_met(const lcp_lc_client_state *cs, size_t success)
{
    /* Solidity / Rust rule (our choice, spec §10.1): success * den >= num * n, in 128 bits so nothing wraps. */
    unsigned __int128 lhs = (unsigned __int128)success * cs->threshold_denominator;
    unsigned __int128 rhs = (unsigned __int128)cs->threshold_numerator * cs->operator_count;
    return lhs >= rhs;
}

/* Recovers the signer of digest and checks that it is an active enclave key of this client. */
static int active_signer(lcp_lc *ctx, lcp_lc_enclave_key *info, const char *client_id, const uint8_t digest[32],
                         lcp_bytes sig, int64_t now, char *err)
{
    uint8_t addr[20];
    int found, rc = lcp_secp256k1_recover(NULL, addr, sig.ptr, sig.len, digest, err);
    if (rc != LCP_OK) return rc;
    if ((rc = lc_load_key(ctx, info, &found, client_id, addr, err)) != LCP_OK) return rc;
    char hex[41];
    lcp_hex_encode(hex, sizeof hex, addr, 20);
    if (!found) return lcp_fail(err, LCP_ERR_LC_ENCLAVE_KEY_NOT_EXIST, "enclave key 0x%s is not registered", hex);
    if (now < 0 || info->expired_at <= (uint64_t)now)
        return lcp_fail(err, LCP_ERR_LC_ENCLAVE_KEY_EXPIRED, "enclave key 0x%s expired at %llu", hex,
                        (unsigned long long)info->expired_at);
    return LCP_OK;
}

int lc_verify_signatures(lcp_lc *ctx, const char *client_id, const uint8_t *message, size_t message_len,
                         const lcp_bytes *sigs, size_t nsigs, int64_t now, char *err)
{
    const lcp_lc_client_state *cs = &ctx->cs;
    uint8_t digest[32];
    lcp_lc_enclave_key info;
    lcp_keccak256(digest, message, message_len);
    if (cs->operator_count == 0) {
        if (nsigs != 1)
            return lcp_fail(err, LCP_ERR_LC_INVALID_SIGNATURES_LENGTH, "a permissionless client takes exactly 1 signature, got %zu",
                            nsigs);
        return active_signer(ctx, &info, client_id, digest, sigs[0], now, err);
    }
    if (nsigs != cs->operator_count)
        return lcp_fail(err, LCP_ERR_LC_INVALID_SIGNATURES_LENGTH, "%zu signatures for %zu operators", nsigs,
                        cs->operator_count);
    size_t success = 0;
    for (size_t i = 0; i < nsigs; i++) {
        if (sigs[i].len == 0) continue; /* this operator did not sign */
        int rc = active_signer(ctx, &info, client_id, digest, sigs[i], now, err);
        if (rc != LCP_OK) return lcp_fail_ctx(err, rc, "signature of operator slot");
        if (memcmp(info.operator_addr, cs->operators[i].ptr, 20) != 0)
            return lcp_fail(err, LCP_ERR_LC_ENCLAVE_KEY_UNEXPECTED_OPERATOR,
                            "signature %zu is by an enclave key of another operator", i);
        success++;
    }
    if (!lc_threshold_met(cs, success))
        return lcp_fail(err, LCP_ERR_LC_OPERATOR_SIGNATURES_INSUFFICIENT,
                        "%zu of %zu operators signed; threshold is %llu/%llu", success, cs->operator_count,
                        (unsigned long long)cs->threshold_numerator, (unsigned long long)cs->threshold_denominator);
    return LCP_OK;
}
