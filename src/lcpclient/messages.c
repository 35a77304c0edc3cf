/* Encoders for the LCP client's messages (ibc.lightclients.lcp.v1, proto/ibc_lcp.proto), for relayers and tests. */
#include "lcp/codec_pb.h"
#include "lcp/lcpclient.h"

int lcp_lc_encode_update_client(uint8_t *out, size_t cap, size_t *len, const uint8_t *proxy_message, size_t pm_len,
                                const lcp_bytes *signatures, size_t n)
{
    lcp_pb_writer w;
    lcp_pb_writer_init(&w, out, cap);
    lcp_pb_put_bytes_opt(&w, 1, proxy_message, pm_len);
    /* Repeated bytes keep empty elements: an empty signature marks an operator that did not sign. */
    for (size_t i = 0; i < n; i++) lcp_pb_put_bytes(&w, 2, signatures[i].ptr, signatures[i].len);
    *len = w.len;
    return lcp_pb_writer_status(&w);
}

int lcp_lc_encode_register_enclave_key(uint8_t *out, size_t cap, size_t *len, const uint8_t *report, size_t report_len,
                                       const uint8_t *signature, size_t sig_len, const uint8_t *signing_cert,
                                       size_t cert_len, const uint8_t *operator_signature, size_t op_sig_len)
{
    lcp_pb_writer w;
    lcp_pb_writer_init(&w, out, cap);
    lcp_pb_put_bytes_opt(&w, 1, report, report_len);
    lcp_pb_put_bytes_opt(&w, 2, signature, sig_len);
    lcp_pb_put_bytes_opt(&w, 3, signing_cert, cert_len);
    lcp_pb_put_bytes_opt(&w, 4, operator_signature, op_sig_len);
    *len = w.len;
    return lcp_pb_writer_status(&w);
}

int lcp_lc_encode_update_operators(uint8_t *out, size_t cap, size_t *len, uint64_t nonce,
                                   const uint8_t (*operators)[20], size_t nops, uint64_t threshold_numerator,
                                   uint64_t threshold_denominator, const lcp_bytes *signatures, size_t nsigs)
{
    lcp_pb_writer w;
    lcp_pb_writer_init(&w, out, cap);
    lcp_pb_put_uint_opt(&w, 1, nonce);
    for (size_t i = 0; i < nops; i++) lcp_pb_put_bytes(&w, 2, operators[i], 20);
    lcp_pb_put_uint_opt(&w, 3, threshold_numerator);
    lcp_pb_put_uint_opt(&w, 4, threshold_denominator);
    for (size_t i = 0; i < nsigs; i++) lcp_pb_put_bytes(&w, 5, signatures[i].ptr, signatures[i].len);
    *len = w.len;
    return lcp_pb_writer_status(&w);
}
