/* ClientState and ConsensusState protobuf codecs (ibc.lightclients.lcp.v1, spec §6.1), by hand over codec_pb so
 * that nothing is allocated and decoded byte strings stay views into the stored bytes. The encoder writes proto3
 * canonical form (fields in number order, defaults omitted), which is what protobuf-c and gogoproto emit. */
#include <string.h>

#include "lcp/codec_pb.h"
#include "lcp/lcpclient.h"

/* Both messages: LCP_ERR_PROTO; as protobuf decoders do, a field met twice keeps the last value. */
static const lcp_pb_fdesc height_fields[] = {
    LCP_PB_U64(1, lcp_height, revision_number),
    LCP_PB_U64(2, lcp_height, revision_height),
};
static const lcp_pb_desc height_desc = LCP_PB_DESC("Height", LCP_ERR_PROTO, 0, height_fields, NULL);

#define CS lcp_lc_client_state
static const lcp_pb_fdesc client_state_fields[] = {
    LCP_PB_BYTES(1, CS, mrenclave),
    LCP_PB_U64(2, CS, key_expiration),
    LCP_PB_BOOL(3, CS, frozen),
    LCP_PB_MSG(4, CS, latest_height, &height_desc),
    LCP_PB_BYTES_ARRAY(5, CS, allowed_quote_statuses, status_count),
    LCP_PB_BYTES_ARRAY(6, CS, allowed_advisory_ids, advisory_count),
    LCP_PB_BYTES_ARRAY(7, CS, operators, operator_count),
    LCP_PB_U64(8, CS, operators_nonce),
    LCP_PB_U64(9, CS, threshold_numerator),
    LCP_PB_U64(10, CS, threshold_denominator),
    LCP_PB_U32(11, CS, current_tcb_evaluation_data_number),
    LCP_PB_U32(12, CS, tcb_evaluation_data_number_update_grace_period),
    LCP_PB_U32(13, CS, next_tcb_evaluation_data_number),
    LCP_PB_U64(14, CS, next_tcb_evaluation_data_number_update_time),
    LCP_PB_BYTES_ARRAY(15, CS, zkdcap_verifier_infos, zkdcap_count),
};
#undef CS
static const lcp_pb_desc client_state_desc = LCP_PB_DESC("ClientState", LCP_ERR_PROTO, 0, client_state_fields, NULL);

int lcp_lc_client_state_decode(lcp_lc_client_state *out, const uint8_t *in, size_t len, char *err)
{
    memset(out, 0, sizeof *out);
    return lcp_pb_decode(&client_state_desc, out, in, len, err);
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

/* state_id: empty means "none"; otherwise exactly 32 bytes. */
static int read_state_id(void *dst, const lcp_pb_field *f, char *err)
{
    uint8_t *id = dst;
    if (f->bytes.len != 0 && f->bytes.len != 32)
        return lcp_fail(err, LCP_ERR_LC_CONSENSUS_STATE_INVALID_STATE_ID, "ConsensusState: state_id is %zu bytes",
                        f->bytes.len);
    memset(id, 0, 32);
    if (f->bytes.len) memcpy(id, f->bytes.ptr, 32);
    return LCP_OK;
}

static const lcp_pb_fdesc consensus_state_fields[] = {
    LCP_PB_FN(1, LCP_PB_LEN, lcp_lc_consensus_state, state_id, read_state_id),
    LCP_PB_U64(2, lcp_lc_consensus_state, timestamp),
};
static const lcp_pb_desc consensus_state_desc =
    LCP_PB_DESC("ConsensusState", LCP_ERR_PROTO, 0, consensus_state_fields, NULL);

int lcp_lc_consensus_state_decode(lcp_lc_consensus_state *out, const uint8_t *in, size_t len, char *err)
{
    memset(out, 0, sizeof *out);
    return lcp_pb_decode(&consensus_state_desc, out, in, len, err);
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
