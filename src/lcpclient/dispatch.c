/* One entry point for client messages wrapped in google.protobuf.Any, as an ibc host hands them over. */
#include "lc_internal.h"
#include "lcp/codec_pb.h"

int lcp_lc_client_message(lcp_lc *ctx, const char *client_id, const uint8_t *any, size_t any_len, int64_t now,
                          char *err)
{
    lcp_pb_any a;
    int rc = lcp_pb_decode_any(&a, any, any_len, err);
    if (rc != LCP_OK) return lcp_fail_ctx(err, LCP_ERR_LC_INVALID_MESSAGE, "client message");
    if (lcp_pb_any_is(&a, LCP_LC_TYPE_UPDATE_CLIENT))
        return lcp_lc_update_client(ctx, NULL, client_id, a.value.ptr, a.value.len, now, err);
    if (lcp_pb_any_is(&a, LCP_LC_TYPE_REGISTER_ENCLAVE_KEY))
        return lcp_lc_register_enclave_key(ctx, NULL, NULL, client_id, a.value.ptr, a.value.len, now, err);
    if (lcp_pb_any_is(&a, LCP_LC_TYPE_DCAP_REGISTER_ENCLAVE_KEY))
        return lcp_lc_register_enclave_key_dcap(ctx, NULL, NULL, client_id, a.value.ptr, a.value.len, now, err);
    if (lcp_pb_any_is(&a, LCP_LC_TYPE_UPDATE_OPERATORS))
        return lcp_lc_update_operators(ctx, client_id, a.value.ptr, a.value.len, err);
    if (lcp_pb_any_is(&a, LCP_LC_TYPE_ZKDCAP_REGISTER_ENCLAVE_KEY))
        return lcp_fail(err, LCP_ERR_LC_UNSUPPORTED,
                        "zkDCAP registration needs a RISC Zero verifier, which lcp-c does not include");
    return lcp_fail(err, LCP_ERR_LC_UNKNOWN_PROTO_TYPE_URL, "unknown client message type %.*s", (int)a.type_url.len,
                    (const char *)a.type_url.ptr);
}
