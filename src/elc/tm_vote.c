/* Vote sign bytes (spec sheet §3): uvarint(len) || CanonicalVote {1 type = PRECOMMIT, 2 height sfixed64,
 * 3 round sfixed64, 4 CanonicalBlockID (absent for a nil vote), 5 timestamp (always), 6 chain_id}. A commit
 * signature at index i signs the precommit of its validator for the commit's height and round. */
#include "tm_internal.h"

#define TM_PRECOMMIT 2

static void put_sfixed64(lcp_pb_writer *w, uint32_t number, int64_t v)
{
    if (v == 0) return; /* proto3: zero scalars are omitted */
    uint8_t b[8];
    uint64_t u = (uint64_t)v;
    for (int i = 0; i < 8; i++) b[i] = (uint8_t)(u >> (8 * i));
    lcp_pb_put_tag(w, number, LCP_PB_I64);
    lcp_pb_put_raw(w, b, 8);
}

static size_t canonical_block_id_len(const lcp_tm_block_id *b)
{
    size_t psh = (b->part_set_total ? 1 + lcp_pb_varint_len(b->part_set_total) : 0) +
                 (b->part_set_hash.len ? 1 + lcp_pb_varint_len(b->part_set_hash.len) + b->part_set_hash.len : 0);
    return (b->hash.len ? 1 + lcp_pb_varint_len(b->hash.len) + b->hash.len : 0) + 1 + lcp_pb_varint_len(psh) + psh;
}

static void put_body(lcp_pb_writer *w, const uint8_t *chain_id, size_t chain_id_len, const lcp_tm_commit *c,
                     const lcp_tm_commit_sig *sig)
{
    const lcp_tm_block_id *b = &c->block_id;
    lcp_pb_put_uint(w, 1, TM_PRECOMMIT);
    put_sfixed64(w, 2, c->height);
    put_sfixed64(w, 3, c->round);
    /* CanonicalBlockID is nullable: a nil vote (and a zero block id) carries none. Its part set header is not. */
    int zero_id = b->hash.len == 0 && b->part_set_total == 0 && b->part_set_hash.len == 0;
    if (sig->flag == LCP_TM_FLAG_COMMIT && !zero_id) {
        lcp_pb_put_tag(w, 4, LCP_PB_LEN);
        lcp_pb_put_varint(w, canonical_block_id_len(b));
        lcp_pb_put_bytes_opt(w, 1, b->hash.ptr, b->hash.len);
        size_t psh = (b->part_set_total ? 1 + lcp_pb_varint_len(b->part_set_total) : 0) +
                     (b->part_set_hash.len ? 1 + lcp_pb_varint_len(b->part_set_hash.len) + b->part_set_hash.len : 0);
        lcp_pb_put_tag(w, 2, LCP_PB_LEN);
        lcp_pb_put_varint(w, psh);
        lcp_pb_put_uint_opt(w, 1, b->part_set_total);
        lcp_pb_put_bytes_opt(w, 2, b->part_set_hash.ptr, b->part_set_hash.len);
    }
    size_t ts = (sig->timestamp.seconds ? 1 + lcp_pb_varint_len((uint64_t)sig->timestamp.seconds) : 0) +
                (sig->timestamp.nanos ? 1 + lcp_pb_varint_len((uint64_t)(int64_t)sig->timestamp.nanos) : 0);
    lcp_pb_put_tag(w, 5, LCP_PB_LEN);
    lcp_pb_put_varint(w, ts);
    lcp_pb_put_uint_opt(w, 1, (uint64_t)sig->timestamp.seconds);
    lcp_pb_put_uint_opt(w, 2, (uint64_t)(int64_t)sig->timestamp.nanos);
    lcp_pb_put_bytes_opt(w, 6, chain_id, chain_id_len);
}

int lcp_tm_vote_sign_bytes(uint8_t *out, size_t cap, size_t *out_len, const uint8_t *chain_id, size_t chain_id_len,
                           const lcp_tm_commit *c, const lcp_tm_commit_sig *sig, char *err)
{
    lcp_pb_writer w;
    lcp_pb_writer_init(&w, NULL, 0);
    put_body(&w, chain_id, chain_id_len, c, sig);
    size_t body = w.len;
    lcp_pb_writer_init(&w, out, cap);
    lcp_pb_put_varint(&w, body);
    put_body(&w, chain_id, chain_id_len, c, sig);
    if (lcp_pb_writer_status(&w) != LCP_OK)
        return lcp_fail(err, LCP_ERR_TM_LIMIT, "vote sign bytes need %zu bytes", w.len);
    *out_len = w.len;
    return LCP_OK;
}
