/* Header.Hash() (spec sheet §1): the simple Merkle root of the 14 header fields, each encoded as CometBFT's
 * cdcEncode does — wrapper messages (StringValue, Int64Value, BytesValue) that encode to nothing for empty or zero
 * values, the Timestamp and Consensus messages bare, and the BlockID with its always-present PartSetHeader.
 * Byte fields are hashed in place (tag and length in a small buffer, then the bytes), so an app hash of any
 * length works, as in CometBFT. */
#include "ics23_internal.h"
#include "tm_internal.h"

/* BlockID {1 hash, 2 PartSetHeader {1 total, 2 hash}}; the part set header is non-nullable in gogoproto, so an
 * empty BlockID still encodes as 12 00. Written into w (hashes longer than 32 bytes are refused by validation;
 * the writer flags overflow). */
static void put_block_id(lcp_pb_writer *w, const lcp_tm_block_id *b)
{
    lcp_pb_put_bytes_opt(w, 1, b->hash.ptr, b->hash.len);
    size_t psh = (b->part_set_total ? 1 + lcp_pb_varint_len(b->part_set_total) : 0) +
                 (b->part_set_hash.len ? 1 + lcp_pb_varint_len(b->part_set_hash.len) + b->part_set_hash.len : 0);
    lcp_pb_put_tag(w, 2, LCP_PB_LEN);
    lcp_pb_put_varint(w, psh);
    lcp_pb_put_uint_opt(w, 1, b->part_set_total);
    lcp_pb_put_bytes_opt(w, 2, b->part_set_hash.ptr, b->part_set_hash.len);
}

/* Leaf hash of a wrapped byte field: SHA-256(0x00 [|| 0x0a || len || value]). */
static int wrapped_leaf(uint8_t out[32], lcp_bytes v)
{
    if (v.len == 0) return tm_leaf_hash(out, NULL, 0);
    uint8_t pre[12];
    lcp_pb_writer w;
    lcp_pb_writer_init(&w, pre, sizeof pre);
    lcp_pb_put_tag(&w, 1, LCP_PB_LEN);
    lcp_pb_put_varint(&w, v.len);
    lcp_bytes parts[3] = {{(const uint8_t *)"\x00", 1}, {pre, w.len}, v};
    return ics23_sha256_parts(out, parts, 3);
}

static int header_leaf(uint8_t out[32], const void *ctx, size_t i)
{
    const lcp_tm_header *h = ctx;
    uint8_t buf[112];
    lcp_pb_writer w;
    lcp_pb_writer_init(&w, buf, sizeof buf);
    switch (i) {
    case 0:
        lcp_pb_put_uint_opt(&w, 1, h->version_block);
        lcp_pb_put_uint_opt(&w, 2, h->version_app);
        break;
    case 1: return wrapped_leaf(out, h->chain_id);
    case 2: lcp_pb_put_uint_opt(&w, 1, (uint64_t)h->height); break;
    case 3:
        lcp_pb_put_uint_opt(&w, 1, (uint64_t)h->time.seconds);
        lcp_pb_put_uint_opt(&w, 2, (uint64_t)(int64_t)h->time.nanos);
        break;
    case 4: put_block_id(&w, &h->last_block_id); break;
    case 5: return wrapped_leaf(out, h->last_commit_hash);
    case 6: return wrapped_leaf(out, h->data_hash);
    case 7: return wrapped_leaf(out, h->validators_hash);
    case 8: return wrapped_leaf(out, h->next_validators_hash);
    case 9: return wrapped_leaf(out, h->consensus_hash);
    case 10: return wrapped_leaf(out, h->app_hash);
    case 11: return wrapped_leaf(out, h->last_results_hash);
    case 12: return wrapped_leaf(out, h->evidence_hash);
    default: return wrapped_leaf(out, h->proposer_address);
    }
    if (lcp_pb_writer_status(&w) != LCP_OK) return LCP_ERR_TM_INVALID;
    return tm_leaf_hash(out, buf, w.len);
}

int lcp_tm_header_hash(uint8_t out[LCP_TM_HASH_LEN], const lcp_tm_header *h, char *err)
{
    if (h->validators_hash.len == 0)
        return lcp_fail(err, LCP_ERR_TM_INVALID, "header has no validators hash (its hash is undefined)");
    int rc = tm_merkle(out, header_leaf, h, 14);
    if (rc == LCP_ERR_TM_INVALID) return lcp_fail(err, rc, "header last block id hashes are too long");
    return rc == LCP_OK ? LCP_OK : lcp_fail(err, rc, "header hash failed");
}
