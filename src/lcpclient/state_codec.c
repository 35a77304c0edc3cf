/* ClientState and ConsensusState protobuf codecs (ibc.lightclients.lcp.v1, spec §6.1), by hand over codec_pb so
 * that nothing is allocated and decoded byte strings stay views into the stored bytes. The encoder writes proto3
 * canonical form (fields in number order, defaults omitted), which is what protobuf-c and gogoproto emit. */
#include <string.h>

#include "lcp/codec_pb.h"
#include "lcp/lcpclient.h"

static int decode_height(lcp_height *h, lcp_bytes b, char *err)
{
    return lcp_pb_decode_height(&h->revision_number, &h->revision_height, b.ptr, b.len, err);
}

#define PUSH(arr, count, max, what)                                                                             \
    do {                                                                                                        \
        if ((count) == (max)) return lcp_fail(err, LCP_ERR_PROTO, "ClientState: more than %d %s", (int)(max), what); \
        (arr)[(count)++] = f.bytes;                                                                             \
    } while (0)

int lcp_lc_client_state_decode(lcp_lc_client_state *out, const uint8_t *in, size_t len, char *err)
{
    memset(out, 0, sizeof *out);
    lcp_pb_reader r;
    lcp_pb_field f;
    int rc;
    lcp_pb_reader_init(&r, in, len);
    while ((rc = lcp_pb_next(&r, &f, err)) == 1) {
        int want_len = f.number == 1 || f.number == 4 || (f.number >= 5 && f.number <= 7) || f.number == 15;
        if (f.number > 15) continue; /* unknown fields are skipped, as protobuf requires */
        if (want_len != (f.wire_type == LCP_PB_LEN) || (!want_len && f.wire_type != LCP_PB_VARINT))
            return lcp_fail(err, LCP_ERR_PROTO, "ClientState: field %u has the wrong wire type", f.number);
        switch (f.number) {
        case 1: out->mrenclave = f.bytes; break;
        case 2: out->key_expiration = f.u; break;
        case 3: out->frozen = f.u != 0; break;
        case 4:
            if ((rc = decode_height(&out->latest_height, f.bytes, err)) != LCP_OK) return rc;
            break;
        case 5: PUSH(out->allowed_quote_statuses, out->status_count, LCP_LC_MAX_STATUSES, "quote statuses"); break;
        case 6: PUSH(out->allowed_advisory_ids, out->advisory_count, LCP_LC_MAX_ADVISORIES, "advisory IDs"); break;
        case 7: PUSH(out->operators, out->operator_count, LCP_LC_MAX_OPERATORS, "operators"); break;
        case 8: out->operators_nonce = f.u; break;
        case 9: out->threshold_numerator = f.u; break;
        case 10: out->threshold_denominator = f.u; break;
        case 11: out->current_tcb_evaluation_data_number = (uint32_t)f.u; break;
        case 12: out->tcb_evaluation_data_number_update_grace_period = (uint32_t)f.u; break;
        case 13: out->next_tcb_evaluation_data_number = (uint32_t)f.u; break;
        case 14: out->next_tcb_evaluation_data_number_update_time = f.u; break;
        case 15: PUSH(out->zkdcap_verifier_infos, out->zkdcap_count, LCP_LC_MAX_ZKDCAP_INFOS, "zkDCAP verifier infos"); break;
        }
        if (f.number >= 11 && f.number <= 13 && f.u > UINT32_MAX)
            return lcp_fail(err, LCP_ERR_PROTO, "ClientState: field %u exceeds uint32", f.number);
    }
    return rc < 0 ? rc : LCP_OK;
}

int lcp_lc_client_state_encode(uint8_t *out, size_t cap, size_t *len, const lcp_lc_client_state *cs)
{
    lcp_pb_writer w;
    lcp_pb_writer_init(&w, out, cap);
    lcp_pb_put_bytes_opt(&w, 1, cs->mrenclave.ptr, cs->mrenclave.len);
    lcp_pb_put_uint_opt(&w, 2, cs->key_expiration);
    lcp_pb_put_uint_opt(&w, 3, cs->frozen ? 1 : 0);
    /* latest_height is a message field: proto3 writes it whenever it is set, even when all zero. */
    uint8_t h[24];
    lcp_pb_writer hw;
    lcp_pb_writer_init(&hw, h, sizeof h);
    lcp_pb_put_uint_opt(&hw, 1, cs->latest_height.revision_number);
    lcp_pb_put_uint_opt(&hw, 2, cs->latest_height.revision_height);
    lcp_pb_put_message(&w, 4, h, hw.len);
    for (size_t i = 0; i < cs->status_count; i++)
        lcp_pb_put_bytes(&w, 5, cs->allowed_quote_statuses[i].ptr, cs->allowed_quote_statuses[i].len);
    for (size_t i = 0; i < cs->advisory_count; i++)
        lcp_pb_put_bytes(&w, 6, cs->allowed_advisory_ids[i].ptr, cs->allowed_advisory_ids[i].len);
    for (size_t i = 0; i < cs->operator_count; i++)
        lcp_pb_put_bytes(&w, 7, cs->operators[i].ptr, cs->operators[i].len);
    lcp_pb_put_uint_opt(&w, 8, cs->operators_nonce);
    lcp_pb_put_uint_opt(&w, 9, cs->threshold_numerator);
    lcp_pb_put_uint_opt(&w, 10, cs->threshold_denominator);
    lcp_pb_put_uint_opt(&w, 11, cs->current_tcb_evaluation_data_number);
    lcp_pb_put_uint_opt(&w, 12, cs->tcb_evaluation_data_number_update_grace_period);
    lcp_pb_put_uint_opt(&w, 13, cs->next_tcb_evaluation_data_number);
    lcp_pb_put_uint_opt(&w, 14, cs->next_tcb_evaluation_data_number_update_time);
    for (size_t i = 0; i < cs->zkdcap_count; i++)
        lcp_pb_put_bytes(&w, 15, cs->zkdcap_verifier_infos[i].ptr, cs->zkdcap_verifier_infos[i].len);
    *len = w.len;
    return lcp_pb_writer_status(&w);
}

int lcp_lc_consensus_state_decode(lcp_lc_consensus_state *out, const uint8_t *in, size_t len, char *err)
{
    memset(out, 0, sizeof *out);
    lcp_pb_reader r;
    lcp_pb_field f;
    int rc;
    lcp_pb_reader_init(&r, in, len);
    while ((rc = lcp_pb_next(&r, &f, err)) == 1) {
        if (f.number == 1) {
            if (f.wire_type != LCP_PB_LEN) return lcp_fail(err, LCP_ERR_PROTO, "ConsensusState: bad state_id");
            /* Empty means "none"; otherwise exactly 32 bytes. */
            if (f.bytes.len != 0 && f.bytes.len != 32)
                return lcp_fail(err, LCP_ERR_LC_CONSENSUS_STATE_INVALID_STATE_ID, "ConsensusState: state_id is %zu bytes",
                                f.bytes.len);
            memset(out->state_id, 0, 32);
            if (f.bytes.len) memcpy(out->state_id, f.bytes.ptr, 32);
        } else if (f.number == 2) {
            if (f.wire_type != LCP_PB_VARINT) return lcp_fail(err, LCP_ERR_PROTO, "ConsensusState: bad timestamp");
            out->timestamp = f.u;
        }
    }
    return rc < 0 ? rc : LCP_OK;
}

int lcp_lc_consensus_state_encode(uint8_t *out, size_t cap, size_t *len, const lcp_lc_consensus_state *cs)
{
    static const uint8_t zero[32];
    lcp_pb_writer w;
    lcp_pb_writer_init(&w, out, cap);
    if (memcmp(cs->state_id, zero, 32) != 0) lcp_pb_put_bytes(&w, 1, cs->state_id, 32);
    lcp_pb_put_uint_opt(&w, 2, cs->timestamp);
    *len = w.len;
    return lcp_pb_writer_status(&w);
}
