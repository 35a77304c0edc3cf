/* Decoding of cosmos.ics23.v1 messages into borrowed views (lcp/elc_ics23.h), field numbers from proofs.proto.
 * Every encoding is checked completely here, once: the walkers (path_at, entry_at, the path iterator) then re-read
 * bytes already known to be well formed and cannot fail. */
#include <string.h>

#include "ics23_internal.h"

#define DEC_FAIL(...) lcp_fail(err, LCP_ERR_ICS23_DECODE, __VA_ARGS__)

/* The shared protobuf rules (codec_pb) with the ICS23 error code. */
#define I32(dst)                                                                                  \
    do {                                                                                          \
        int32_t v_;                                                                               \
        if ((rc = lcp_pb_get_int32(&v_, &f, LCP_ERR_ICS23_DECODE, NULL, err)) != LCP_OK) return rc; \
        (dst) = v_;                                                                               \
    } while (0)
#define singular(f, wt, msg) lcp_pb_singular(&seen, f, wt, LCP_ERR_ICS23_DECODE, msg, err)
#define want_wire(f, wt, msg, err) lcp_pb_want_wire(f, wt, LCP_ERR_ICS23_DECODE, msg, err)
#define next(r, f, err) lcp_pb_next_as(r, f, LCP_ERR_ICS23_DECODE, err)

int lcp_ics23_decode_leaf_op(lcp_ics23_leaf_op *out, const uint8_t *in, size_t in_len, char *err)
{
    lcp_pb_reader r;
    lcp_pb_field f;
    uint32_t seen = 0;
    int rc;
    memset(out, 0, sizeof *out);
    lcp_pb_reader_init(&r, in, in_len);
    while ((rc = next(&r, &f, err)) == 1) {
        if (f.number < 1 || f.number > 5) continue;
        if ((rc = singular(&f, f.number == 5 ? LCP_PB_LEN : LCP_PB_VARINT, "LeafOp")) != LCP_OK) return rc;
        switch (f.number) {
        case 1: I32(out->hash); break;
        case 2: I32(out->prehash_key); break;
        case 3: I32(out->prehash_value); break;
        case 4: I32(out->length); break;
        default: out->prefix = f.bytes; break;
        }
    }
    return rc;
}

int lcp_ics23_decode_inner_op(lcp_ics23_inner_op *out, const uint8_t *in, size_t in_len, char *err)
{
    lcp_pb_reader r;
    lcp_pb_field f;
    uint32_t seen = 0;
    int rc;
    memset(out, 0, sizeof *out);
    lcp_pb_reader_init(&r, in, in_len);
    while ((rc = next(&r, &f, err)) == 1) {
        if (f.number < 1 || f.number > 3) continue;
        if ((rc = singular(&f, f.number == 1 ? LCP_PB_VARINT : LCP_PB_LEN, "InnerOp")) != LCP_OK) return rc;
        if (f.number == 1) I32(out->hash);
        else if (f.number == 2) out->prefix = f.bytes;
        else {
            out->suffix = f.bytes;
            out->has_suffix = 1;
        }
    }
    return rc;
}

/* Calls fn(ctx, value) for each int32 of a repeated field occurrence, packed (LEN) or not (VARINT). */
static int each_int32(const lcp_pb_field *f, int (*fn)(void *, int32_t, char *), void *ctx, const char *msg,
                      char *err)
{
    if (f->wire_type == LCP_PB_VARINT) {
        int32_t v;
        int rc = lcp_pb_get_int32(&v, f, LCP_ERR_ICS23_DECODE, msg, err);
        return rc != LCP_OK ? rc : fn(ctx, v, err);
    }
    if (f->wire_type != LCP_PB_LEN) return DEC_FAIL("%s: field %u has wire type %d", msg, f->number, f->wire_type);
    size_t off = 0;
    while (off < f->bytes.len) {
        uint64_t v;
        if (lcp_pb_read_varint(&v, f->bytes.ptr, f->bytes.len, &off) != LCP_OK)
            return DEC_FAIL("%s: bad packed varint in field %u", msg, f->number);
        if (!lcp_pb_int32_canonical(v)) return DEC_FAIL("%s: field %u is not a canonical int32", msg, f->number);
        int rc = fn(ctx, lcp_pb_int32(v), err);
        if (rc != LCP_OK) return rc;
    }
    return LCP_OK;
}

static int add_child(void *ctx, int32_t v, char *err)
{
    lcp_ics23_inner_spec *s = ctx;
    if (s->n_child_order >= LCP_ICS23_MAX_CHILD_ORDER)
        return lcp_fail(err, LCP_ERR_ICS23_LIMIT, "InnerSpec: more than %d children", LCP_ICS23_MAX_CHILD_ORDER);
    s->child_order[s->n_child_order++] = v;
    return LCP_OK;
}

static int decode_inner_spec(lcp_ics23_inner_spec *out, const uint8_t *in, size_t in_len, char *err)
{
    lcp_pb_reader r;
    lcp_pb_field f;
    uint32_t seen = 0;
    int rc;
    memset(out, 0, sizeof *out);
    lcp_pb_reader_init(&r, in, in_len);
    while ((rc = next(&r, &f, err)) == 1) {
        if (f.number < 1 || f.number > 6) continue;
        if (f.number == 1) {
            if ((rc = each_int32(&f, add_child, out, "InnerSpec", err)) != LCP_OK) return rc;
            continue;
        }
        if ((rc = singular(&f, f.number == 5 ? LCP_PB_LEN : LCP_PB_VARINT, "InnerSpec")) != LCP_OK) return rc;
        switch (f.number) {
        case 2: I32(out->child_size); break;
        case 3: I32(out->min_prefix_length); break;
        case 4: I32(out->max_prefix_length); break;
        case 5: out->empty_child = f.bytes; break;
        default: I32(out->hash); break;
        }
    }
    return rc;
}

int lcp_ics23_decode_spec(lcp_ics23_spec *out, const uint8_t *in, size_t in_len, char *err)
{
    lcp_pb_reader r;
    lcp_pb_field f;
    uint32_t seen = 0;
    int rc;
    memset(out, 0, sizeof *out);
    lcp_pb_reader_init(&r, in, in_len);
    while ((rc = next(&r, &f, err)) == 1) {
        if (f.number < 1 || f.number > 5) continue;
        if ((rc = singular(&f, f.number <= 2 ? LCP_PB_LEN : LCP_PB_VARINT, "ProofSpec")) != LCP_OK) return rc;
        switch (f.number) {
        case 1:
            if ((rc = lcp_ics23_decode_leaf_op(&out->leaf_spec, f.bytes.ptr, f.bytes.len, err)) != LCP_OK) return rc;
            out->has_leaf_spec = 1;
            break;
        case 2:
            if ((rc = decode_inner_spec(&out->inner_spec, f.bytes.ptr, f.bytes.len, err)) != LCP_OK) return rc;
            out->has_inner_spec = 1;
            break;
        case 3: I32(out->max_depth); break;
        case 4: I32(out->min_depth); break;
        default: out->prehash_key_before_comparison = f.u != 0; break;
        }
    }
    return rc;
}

/* ---- existence proofs, plain and compressed ---- */

struct idx_ctx {
    size_t n, n_lookup;
};

static int count_index(void *ctx, int32_t v, char *err)
{
    struct idx_ctx *c = ctx;
    /* Go indexes lookup[v] directly and would panic: out-of-range indices are a malformed proof. */
    if (v < 0 || (uint64_t)v >= c->n_lookup)
        return DEC_FAIL("CompressedExistenceProof: path index %d outside %zu lookup inners", (int)v, c->n_lookup);
    if (++c->n > LCP_ICS23_MAX_PATH)
        return lcp_fail(err, LCP_ERR_ICS23_LIMIT, "existence proof: more than %d path steps", LCP_ICS23_MAX_PATH);
    return LCP_OK;
}

/* compressed: lookup is the encoded CompressedBatchProof whose n_lookup inners the indices refer to. */
static int decode_exist(lcp_ics23_exist *out, const uint8_t *in, size_t in_len, int compressed, lcp_bytes lookup,
                        size_t n_lookup, char *err)
{
    const char *msg = compressed ? "CompressedExistenceProof" : "ExistenceProof";
    lcp_pb_reader r;
    lcp_pb_field f;
    uint32_t seen = 0;
    int rc;
    struct idx_ctx ic = {0, n_lookup};
    memset(out, 0, sizeof *out);
    lcp_pb_reader_init(&r, in, in_len);
    while ((rc = next(&r, &f, err)) == 1) {
        if (f.number < 1 || f.number > 4) continue;
        if (f.number == 4) {
            if (compressed) {
                if ((rc = each_int32(&f, count_index, &ic, msg, err)) != LCP_OK) return rc;
            } else {
                lcp_ics23_inner_op op;
                if ((rc = want_wire(&f, LCP_PB_LEN, msg, err)) != LCP_OK) return rc;
                if ((rc = lcp_ics23_decode_inner_op(&op, f.bytes.ptr, f.bytes.len, err)) != LCP_OK) return rc;
                if (++ic.n > LCP_ICS23_MAX_PATH)
                    return lcp_fail(err, LCP_ERR_ICS23_LIMIT, "existence proof: more than %d path steps",
                                    LCP_ICS23_MAX_PATH);
            }
            continue;
        }
        if ((rc = singular(&f, LCP_PB_LEN, msg)) != LCP_OK) return rc;
        if (f.number == 1) out->key = f.bytes;
        else if (f.number == 2) out->value = f.bytes;
        else {
            if ((rc = lcp_ics23_decode_leaf_op(&out->leaf, f.bytes.ptr, f.bytes.len, err)) != LCP_OK) return rc;
            out->has_leaf = 1;
        }
    }
    if (rc != LCP_OK) return rc;
    out->n_path = ic.n;
    out->src_.ptr = in;
    out->src_.len = in_len;
    out->compressed_ = compressed;
    out->lookup_ = lookup;
    out->n_lookup_ = n_lookup;
    return LCP_OK;
}

int lcp_ics23_decode_exist(lcp_ics23_exist *out, const uint8_t *in, size_t in_len, char *err)
{
    lcp_bytes none = {NULL, 0};
    return decode_exist(out, in, in_len, 0, none, 0, err);
}

static int decode_nonexist(lcp_ics23_nonexist *out, const uint8_t *in, size_t in_len, int compressed,
                           lcp_bytes lookup, size_t n_lookup, char *err)
{
    const char *msg = compressed ? "CompressedNonExistenceProof" : "NonExistenceProof";
    lcp_pb_reader r;
    lcp_pb_field f;
    uint32_t seen = 0;
    int rc;
    memset(out, 0, sizeof *out);
    lcp_pb_reader_init(&r, in, in_len);
    while ((rc = next(&r, &f, err)) == 1) {
        if (f.number < 1 || f.number > 3) continue;
        if ((rc = singular(&f, LCP_PB_LEN, msg)) != LCP_OK) return rc;
        if (f.number == 1) {
            out->key = f.bytes;
        } else {
            lcp_ics23_exist *side = f.number == 2 ? &out->left : &out->right;
            if ((rc = decode_exist(side, f.bytes.ptr, f.bytes.len, compressed, lookup, n_lookup, err)) != LCP_OK)
                return lcp_fail_ctx(err, rc, f.number == 2 ? "left" : "right");
            if (f.number == 2) out->has_left = 1;
            else out->has_right = 1;
        }
    }
    return rc;
}

/* BatchEntry / CompressedBatchEntry: oneof {1 exist, 2 nonexist}. An entry holding neither is rejected: Go's
 * decompression dereferences it and panics. */
static int decode_entry(lcp_ics23_entry *out, const uint8_t *in, size_t in_len, int compressed, lcp_bytes lookup,
                        size_t n_lookup, char *err)
{
    lcp_pb_reader r;
    lcp_pb_field f;
    int rc, have = 0;
    memset(out, 0, sizeof *out);
    lcp_pb_reader_init(&r, in, in_len);
    while ((rc = next(&r, &f, err)) == 1) {
        if (f.number != 1 && f.number != 2) continue;
        if (have++) return DEC_FAIL("BatchEntry: more than one proof");
        if ((rc = want_wire(&f, LCP_PB_LEN, "BatchEntry", err)) != LCP_OK) return rc;
        if (f.number == 1) {
            out->is_exist = 1;
            rc = decode_exist(&out->exist, f.bytes.ptr, f.bytes.len, compressed, lookup, n_lookup, err);
        } else {
            rc = decode_nonexist(&out->nonexist, f.bytes.ptr, f.bytes.len, compressed, lookup, n_lookup, err);
        }
        if (rc != LCP_OK) return rc;
    }
    if (rc != LCP_OK) return rc;
    if (!have) return DEC_FAIL("BatchEntry: empty");
    return LCP_OK;
}

/* Counts and checks the entries (field 1) and, for a compressed batch, the lookup inners (field 2) first, since
 * entries refer to them by index. */
static int decode_batch(lcp_ics23_proof *out, const uint8_t *in, size_t in_len, int compressed, char *err)
{
    lcp_pb_reader r;
    lcp_pb_field f;
    int rc;
    size_t n_lookup = 0, n_entries = 0;
    lcp_bytes all = {in, in_len};
    if (compressed) {
        lcp_pb_reader_init(&r, in, in_len);
        while ((rc = next(&r, &f, err)) == 1) {
            if (f.number != 2) continue;
            lcp_ics23_inner_op op;
            if ((rc = want_wire(&f, LCP_PB_LEN, "CompressedBatchProof", err)) != LCP_OK) return rc;
            if ((rc = lcp_ics23_decode_inner_op(&op, f.bytes.ptr, f.bytes.len, err)) != LCP_OK) return rc;
            if (++n_lookup > LCP_ICS23_MAX_BATCH)
                return lcp_fail(err, LCP_ERR_ICS23_LIMIT, "compressed batch: too many lookup inners");
        }
        if (rc != LCP_OK) return rc;
    }
    lcp_pb_reader_init(&r, in, in_len);
    while ((rc = next(&r, &f, err)) == 1) {
        if (f.number != 1) continue;
        lcp_ics23_entry e;
        if ((rc = want_wire(&f, LCP_PB_LEN, "BatchProof", err)) != LCP_OK) return rc;
        if ((rc = decode_entry(&e, f.bytes.ptr, f.bytes.len, compressed, all, n_lookup, err)) != LCP_OK) return rc;
        if (++n_entries > LCP_ICS23_MAX_BATCH)
            return lcp_fail(err, LCP_ERR_ICS23_LIMIT, "batch: too many entries");
    }
    if (rc != LCP_OK) return rc;
    out->batch_ = all;
    out->n_entries = n_entries;
    out->n_lookup_ = n_lookup;
    return LCP_OK;
}

int lcp_ics23_decode_proof(lcp_ics23_proof *out, const uint8_t *in, size_t in_len, char *err)
{
    lcp_pb_reader r;
    lcp_pb_field f;
    int rc;
    lcp_bytes none = {NULL, 0};
    memset(out, 0, sizeof *out);
    lcp_pb_reader_init(&r, in, in_len);
    while ((rc = next(&r, &f, err)) == 1) {
        if (f.number < 1 || f.number > 4) continue;
        if (out->type) return DEC_FAIL("CommitmentProof: more than one proof");
        if ((rc = want_wire(&f, LCP_PB_LEN, "CommitmentProof", err)) != LCP_OK) return rc;
        switch (f.number) {
        case 1: rc = decode_exist(&out->exist, f.bytes.ptr, f.bytes.len, 0, none, 0, err); break;
        case 2: rc = decode_nonexist(&out->nonexist, f.bytes.ptr, f.bytes.len, 0, none, 0, err); break;
        default: rc = decode_batch(out, f.bytes.ptr, f.bytes.len, f.number == 4, err); break;
        }
        if (rc != LCP_OK) return rc;
        out->type = (int)f.number;
    }
    if (rc != LCP_OK) return rc;
    if (!out->type) return DEC_FAIL("CommitmentProof: empty");
    return LCP_OK;
}

/* ---- walkers over decoded proofs ---- */

/* The i-th occurrence of field `number` in an encoding already known to be well formed. */
static int nth_field(lcp_bytes *out, lcp_bytes msg, uint32_t number, size_t i)
{
    lcp_pb_reader r;
    lcp_pb_field f;
    lcp_pb_reader_init(&r, msg.ptr, msg.len);
    while (lcp_pb_next(&r, &f, NULL) == 1) {
        if (f.number != number) continue;
        if (i-- == 0) {
            *out = f.bytes;
            return LCP_OK;
        }
    }
    return LCP_ERR_ICS23_DECODE;
}

static int lookup_inner(lcp_ics23_inner_op *op, const lcp_ics23_exist *ep, uint64_t idx)
{
    lcp_bytes b;
    if (idx >= ep->n_lookup_ || nth_field(&b, ep->lookup_, 2, (size_t)idx) != LCP_OK) return LCP_ERR_ICS23_DECODE;
    return lcp_ics23_decode_inner_op(op, b.ptr, b.len, NULL);
}

void ics23_path_iter_init(ics23_path_iter *it, const lcp_ics23_exist *ep)
{
    memset(it, 0, sizeof *it);
    it->ep = ep;
    lcp_pb_reader_init(&it->r, ep->src_.ptr, ep->src_.len);
}

int ics23_path_iter_next(ics23_path_iter *it, lcp_ics23_inner_op *op)
{
    const lcp_ics23_exist *ep = it->ep;
    lcp_pb_field f;
    for (;;) {
        if (ep->compressed_ && it->packed_off < it->packed.len) {
            uint64_t v;
            if (lcp_pb_read_varint(&v, it->packed.ptr, it->packed.len, &it->packed_off) != LCP_OK) return 0;
            return lookup_inner(op, ep, (uint32_t)v) == LCP_OK;
        }
        if (lcp_pb_next(&it->r, &f, NULL) != 1) return 0;
        if (f.number != 4) continue;
        if (!ep->compressed_) return lcp_ics23_decode_inner_op(op, f.bytes.ptr, f.bytes.len, NULL) == LCP_OK;
        if (f.wire_type == LCP_PB_VARINT) return lookup_inner(op, ep, (uint32_t)f.u) == LCP_OK;
        it->packed = f.bytes;
        it->packed_off = 0;
    }
}

int lcp_ics23_exist_path_at(lcp_ics23_inner_op *op, const lcp_ics23_exist *ep, size_t i)
{
    LCP_ARG_CHECK(i < ep->n_path);
    ics23_path_iter it;
    ics23_path_iter_init(&it, ep);
    for (size_t k = 0; k <= i; k++)
        if (!ics23_path_iter_next(&it, op)) return LCP_ERR_ICS23_DECODE;
    return LCP_OK;
}

int lcp_ics23_proof_entry_at(lcp_ics23_entry *e, const lcp_ics23_proof *proof, size_t i)
{
    LCP_ARG_CHECK(proof->type == LCP_ICS23_PROOF_BATCH || proof->type == LCP_ICS23_PROOF_COMPRESSED);
    LCP_ARG_CHECK(i < proof->n_entries);
    lcp_bytes b;
    if (nth_field(&b, proof->batch_, 1, i) != LCP_OK) return LCP_ERR_ICS23_DECODE;
    int compressed = proof->type == LCP_ICS23_PROOF_COMPRESSED;
    return decode_entry(e, b.ptr, b.len, compressed, proof->batch_, proof->n_lookup_, NULL);
}

void ics23_entry_iter_init(ics23_entry_iter *it, const lcp_ics23_proof *proof)
{
    it->proof = proof;
    lcp_pb_reader_init(&it->r, proof->batch_.ptr, proof->batch_.len);
}

int ics23_entry_iter_next(ics23_entry_iter *it, lcp_ics23_entry *e)
{
    lcp_pb_field f;
    int rc;
    while ((rc = lcp_pb_next(&it->r, &f, NULL)) == 1) {
        if (f.number != 1) continue;
        const lcp_ics23_proof *p = it->proof;
        rc = decode_entry(e, f.bytes.ptr, f.bytes.len, p->type == LCP_ICS23_PROOF_COMPRESSED, p->batch_, p->n_lookup_,
                          NULL);
        return rc == LCP_OK ? 1 : LCP_ERR_ICS23_DECODE;
    }
    return rc < 0 ? LCP_ERR_ICS23_DECODE : 0;
}
