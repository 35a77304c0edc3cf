/* Decoding of cosmos.ics23.v1 messages into borrowed views (lcp/elc_ics23.h), field numbers from proofs.proto.
 * Every encoding is checked completely here, once: the walkers (path_at, entry_at, the path iterator) then re-read
 * bytes already known to be well formed and cannot fail. */
#include <string.h>

#include "ics23_internal.h"

#define DEC_FAIL(...) lcp_fail(err, LCP_ERR_ICS23_DECODE, __VA_ARGS__)

/* Every table here: the ICS23 error code, singular fields at most once (the oneofs check themselves). */
#define ICS_DESC(name, fields, check) LCP_PB_DESC(name, LCP_ERR_ICS23_DECODE, LCP_PB_ONCE, fields, check)

static const lcp_pb_fdesc leaf_op_fields[] = {
    LCP_PB_I32(1, lcp_ics23_leaf_op, hash),
    LCP_PB_I32(2, lcp_ics23_leaf_op, prehash_key),
    LCP_PB_I32(3, lcp_ics23_leaf_op, prehash_value),
    LCP_PB_I32(4, lcp_ics23_leaf_op, length),
    LCP_PB_BYTES(5, lcp_ics23_leaf_op, prefix),
};
static const lcp_pb_desc leaf_op_desc = ICS_DESC("LeafOp", leaf_op_fields, NULL);

int lcp_ics23_decode_leaf_op(lcp_ics23_leaf_op *out, const uint8_t *in, size_t in_len, char *err)
{
    memset(out, 0, sizeof *out);
    return lcp_pb_decode(&leaf_op_desc, out, in, in_len, err);
}

static const lcp_pb_fdesc inner_op_fields[] = {
    LCP_PB_I32(1, lcp_ics23_inner_op, hash),
    LCP_PB_BYTES(2, lcp_ics23_inner_op, prefix),
    LCP_PB_BYTES(3, lcp_ics23_inner_op, suffix, LCP_PB_HAS(lcp_ics23_inner_op, has_suffix)),
};
static const lcp_pb_desc inner_op_desc = ICS_DESC("InnerOp", inner_op_fields, NULL);

int lcp_ics23_decode_inner_op(lcp_ics23_inner_op *out, const uint8_t *in, size_t in_len, char *err)
{
    memset(out, 0, sizeof *out);
    return lcp_pb_decode(&inner_op_desc, out, in, in_len, err);
}

static int add_child(void *dst, const lcp_pb_field *f, char *err)
{
    lcp_ics23_inner_spec *s = dst;
    if (s->n_child_order >= LCP_ICS23_MAX_CHILD_ORDER)
        return lcp_fail(err, LCP_ERR_ICS23_LIMIT, "InnerSpec: more than %d children", LCP_ICS23_MAX_CHILD_ORDER);
    s->child_order[s->n_child_order++] = lcp_pb_int32(f->u);
    return LCP_OK;
}

#define IS lcp_ics23_inner_spec
static const lcp_pb_fdesc inner_spec_fields[] = {
    {.number = 1, .kind = LCP_PB_K_I32, .flags = LCP_PB_F_REPEATED, .off = 0, .fn = add_child}, /* packed or not */
    LCP_PB_I32(2, IS, child_size),
    LCP_PB_I32(3, IS, min_prefix_length),
    LCP_PB_I32(4, IS, max_prefix_length),
    LCP_PB_BYTES(5, IS, empty_child),
    LCP_PB_I32(6, IS, hash),
};
#undef IS
static const lcp_pb_desc inner_spec_desc = ICS_DESC("InnerSpec", inner_spec_fields, NULL);

#define PS lcp_ics23_spec
static const lcp_pb_fdesc spec_fields[] = {
    LCP_PB_MSG(1, PS, leaf_spec, &leaf_op_desc, LCP_PB_HAS(PS, has_leaf_spec)),
    LCP_PB_MSG(2, PS, inner_spec, &inner_spec_desc, LCP_PB_HAS(PS, has_inner_spec)),
    LCP_PB_I32(3, PS, max_depth),
    LCP_PB_I32(4, PS, min_depth),
    LCP_PB_BOOL(5, PS, prehash_key_before_comparison),
};
#undef PS
static const lcp_pb_desc spec_desc = ICS_DESC("ProofSpec", spec_fields, NULL);

int lcp_ics23_decode_spec(lcp_ics23_spec *out, const uint8_t *in, size_t in_len, char *err)
{
    memset(out, 0, sizeof *out);
    return lcp_pb_decode(&spec_desc, out, in, in_len, err);
}

/* ---- existence proofs, plain and compressed ---- */

static int count_step(size_t *n, char *err)
{
    if (++*n > LCP_ICS23_MAX_PATH)
        return lcp_fail(err, LCP_ERR_ICS23_LIMIT, "existence proof: more than %d path steps", LCP_ICS23_MAX_PATH);
    return LCP_OK;
}

/* An existence proof being decoded, with the number of lookup inners its compressed path indices refer to. */
typedef struct {
    lcp_ics23_exist e;
    size_t n_lookup;
} exist_dec;

/* A plain path step: an InnerOp, checked here and read again by the walkers. */
static int plain_step(void *dst, const lcp_pb_field *f, char *err)
{
    lcp_ics23_inner_op op;
    int rc = lcp_ics23_decode_inner_op(&op, f->bytes.ptr, f->bytes.len, err);
    return rc != LCP_OK ? rc : count_step(&((exist_dec *)dst)->e.n_path, err);
}

static int compressed_step(void *dst, const lcp_pb_field *f, char *err)
{
    exist_dec *x = dst;
    int32_t v = lcp_pb_int32(f->u);
    /* Go indexes lookup[v] directly and would panic: out-of-range indices are a malformed proof. */
    if (v < 0 || (uint64_t)v >= x->n_lookup)
        return DEC_FAIL("CompressedExistenceProof: path index %d outside %zu lookup inners", (int)v, x->n_lookup);
    return count_step(&x->e.n_path, err);
}

#define EX exist_dec
static const lcp_pb_fdesc exist_fields[] = {
    LCP_PB_BYTES(1, EX, e.key),
    LCP_PB_BYTES(2, EX, e.value),
    LCP_PB_MSG(3, EX, e.leaf, &leaf_op_desc, LCP_PB_HAS(EX, e.has_leaf)),
    {.number = 4, .kind = LCP_PB_K_FN, .wire = LCP_PB_LEN, .flags = LCP_PB_F_REPEATED, .off = 0, .fn = plain_step},
};
static const lcp_pb_fdesc compressed_exist_fields[] = {
    LCP_PB_BYTES(1, EX, e.key),
    LCP_PB_BYTES(2, EX, e.value),
    LCP_PB_MSG(3, EX, e.leaf, &leaf_op_desc, LCP_PB_HAS(EX, e.has_leaf)),
    {.number = 4, .kind = LCP_PB_K_I32, .flags = LCP_PB_F_REPEATED, .off = 0, .fn = compressed_step},
};
#undef EX
static const lcp_pb_desc exist_desc = ICS_DESC("ExistenceProof", exist_fields, NULL);
static const lcp_pb_desc compressed_exist_desc = ICS_DESC("CompressedExistenceProof", compressed_exist_fields, NULL);

/* compressed: lookup is the encoded CompressedBatchProof whose n_lookup inners the indices refer to. */
static int decode_exist(lcp_ics23_exist *out, const uint8_t *in, size_t in_len, int compressed, lcp_bytes lookup,
                        size_t n_lookup, char *err)
{
    exist_dec x;
    memset(&x, 0, sizeof x);
    x.n_lookup = n_lookup;
    memset(out, 0, sizeof *out);
    int rc = lcp_pb_decode(compressed ? &compressed_exist_desc : &exist_desc, &x, in, in_len, err);
    if (rc != LCP_OK) return rc;
    *out = x.e;
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

/* Where compressed proofs find their path steps, handed down to every existence proof inside. */
typedef struct {
    int compressed;
    lcp_bytes lookup;
    size_t n_lookup;
} batch_ctx;

typedef struct {
    lcp_ics23_nonexist ne;
    batch_ctx b;
} nonexist_dec;

static int nonexist_side(lcp_ics23_exist *side, const lcp_pb_field *f, const batch_ctx *b, char *err)
{
    return decode_exist(side, f->bytes.ptr, f->bytes.len, b->compressed, b->lookup, b->n_lookup, err);
}
static int nonexist_left(void *dst, const lcp_pb_field *f, char *err)
{
    nonexist_dec *x = dst;
    return nonexist_side(&x->ne.left, f, &x->b, err);
}
static int nonexist_right(void *dst, const lcp_pb_field *f, char *err)
{
    nonexist_dec *x = dst;
    return nonexist_side(&x->ne.right, f, &x->b, err);
}

#define NE nonexist_dec
static const lcp_pb_fdesc nonexist_fields[] = {
    LCP_PB_BYTES(1, NE, ne.key),
    {.number = 2, .kind = LCP_PB_K_FN, .wire = LCP_PB_LEN, .off = 0, .fn = nonexist_left, .ctx = "left",
     LCP_PB_HAS(NE, ne.has_left)},
    {.number = 3, .kind = LCP_PB_K_FN, .wire = LCP_PB_LEN, .off = 0, .fn = nonexist_right, .ctx = "right",
     LCP_PB_HAS(NE, ne.has_right)},
};
#undef NE
static const lcp_pb_desc nonexist_desc = ICS_DESC("NonExistenceProof", nonexist_fields, NULL);
static const lcp_pb_desc compressed_nonexist_desc = ICS_DESC("CompressedNonExistenceProof", nonexist_fields, NULL);

static int decode_nonexist(lcp_ics23_nonexist *out, const uint8_t *in, size_t in_len, const batch_ctx *b, char *err)
{
    nonexist_dec x;
    memset(&x.ne, 0, sizeof x.ne);
    x.b = *b;
    memset(out, 0, sizeof *out);
    int rc = lcp_pb_decode(b->compressed ? &compressed_nonexist_desc : &nonexist_desc, &x, in, in_len, err);
    if (rc == LCP_OK) *out = x.ne;
    return rc;
}

/* BatchEntry / CompressedBatchEntry: oneof {1 exist, 2 nonexist}. An entry holding neither is rejected: Go's
 * decompression dereferences it and panics. */
typedef struct {
    lcp_ics23_entry *e;
    int have;
    batch_ctx b;
} entry_dec;

static int entry_proof(void *dst, const lcp_pb_field *f, char *err)
{
    entry_dec *x = dst;
    if (x->have++) return DEC_FAIL("BatchEntry: more than one proof");
    if (f->number == 1) {
        x->e->is_exist = 1;
        return decode_exist(&x->e->exist, f->bytes.ptr, f->bytes.len, x->b.compressed, x->b.lookup, x->b.n_lookup,
                            err);
    }
    return decode_nonexist(&x->e->nonexist, f->bytes.ptr, f->bytes.len, &x->b, err);
}

static int entry_check(void *dst, char *err)
{
    return ((entry_dec *)dst)->have ? LCP_OK : DEC_FAIL("BatchEntry: empty");
}

/* No LCP_PB_ONCE: the oneof rule (at most one proof, of either number) is entry_proof's. */
static const lcp_pb_fdesc entry_fields[] = {
    {.number = 1, .kind = LCP_PB_K_FN, .wire = LCP_PB_LEN, .flags = LCP_PB_F_REPEATED, .fn = entry_proof},
    {.number = 2, .kind = LCP_PB_K_FN, .wire = LCP_PB_LEN, .flags = LCP_PB_F_REPEATED, .fn = entry_proof},
};
static const lcp_pb_desc entry_desc = LCP_PB_DESC("BatchEntry", LCP_ERR_ICS23_DECODE, 0, entry_fields, entry_check);

static int decode_entry(lcp_ics23_entry *out, const uint8_t *in, size_t in_len, const batch_ctx *b, char *err)
{
    entry_dec x = {out, 0, *b};
    memset(out, 0, sizeof *out);
    return lcp_pb_decode(&entry_desc, &x, in, in_len, err);
}

/* A batch being decoded: the lookup inners are counted in a first pass, since entries refer to them by index. */
typedef struct {
    batch_ctx b;
    size_t n_entries;
} batch_dec;

static int count_lookup(void *dst, const lcp_pb_field *f, char *err)
{
    batch_dec *x = dst;
    lcp_ics23_inner_op op;
    int rc = lcp_ics23_decode_inner_op(&op, f->bytes.ptr, f->bytes.len, err);
    if (rc != LCP_OK) return rc;
    if (++x->b.n_lookup > LCP_ICS23_MAX_BATCH)
        return lcp_fail(err, LCP_ERR_ICS23_LIMIT, "compressed batch: too many lookup inners");
    return LCP_OK;
}

static int count_entry(void *dst, const lcp_pb_field *f, char *err)
{
    batch_dec *x = dst;
    lcp_ics23_entry e;
    int rc = decode_entry(&e, f->bytes.ptr, f->bytes.len, &x->b, err);
    if (rc != LCP_OK) return rc;
    if (++x->n_entries > LCP_ICS23_MAX_BATCH) return lcp_fail(err, LCP_ERR_ICS23_LIMIT, "batch: too many entries");
    return LCP_OK;
}

/* Each pass reads the whole batch and looks at one field: 2 (lookup inners) first, then 1 (entries). */
static const lcp_pb_fdesc lookup_fields[] = {
    {.number = 2, .kind = LCP_PB_K_FN, .wire = LCP_PB_LEN, .flags = LCP_PB_F_REPEATED, .fn = count_lookup},
};
static const lcp_pb_desc lookup_desc = ICS_DESC("CompressedBatchProof", lookup_fields, NULL);
static const lcp_pb_fdesc batch_fields[] = {
    {.number = 1, .kind = LCP_PB_K_FN, .wire = LCP_PB_LEN, .flags = LCP_PB_F_REPEATED, .fn = count_entry},
};
static const lcp_pb_desc batch_desc = ICS_DESC("BatchProof", batch_fields, NULL);

static int decode_batch(lcp_ics23_proof *out, const uint8_t *in, size_t in_len, int compressed, char *err)
{
    batch_dec x = {{compressed, {in, in_len}, 0}, 0};
    int rc;
    if (compressed && (rc = lcp_pb_decode(&lookup_desc, &x, in, in_len, err)) != LCP_OK) return rc;
    if ((rc = lcp_pb_decode(&batch_desc, &x, in, in_len, err)) != LCP_OK) return rc;
    out->batch_ = x.b.lookup;
    out->n_entries = x.n_entries;
    out->n_lookup_ = x.b.n_lookup;
    return LCP_OK;
}

/* CommitmentProof: oneof {1 exist, 2 nonexist, 3 batch, 4 compressed}. */
static int commitment_proof(void *dst, const lcp_pb_field *f, char *err)
{
    lcp_ics23_proof *out = dst;
    static const batch_ctx plain = {0, {NULL, 0}, 0};
    int rc;
    if (out->type) return DEC_FAIL("CommitmentProof: more than one proof");
    switch (f->number) {
    case 1: rc = decode_exist(&out->exist, f->bytes.ptr, f->bytes.len, 0, plain.lookup, 0, err); break;
    case 2: rc = decode_nonexist(&out->nonexist, f->bytes.ptr, f->bytes.len, &plain, err); break;
    default: rc = decode_batch(out, f->bytes.ptr, f->bytes.len, f->number == 4, err); break;
    }
    if (rc != LCP_OK) return rc;
    out->type = (int)f->number;
    return LCP_OK;
}

static int proof_check(void *dst, char *err)
{
    return ((lcp_ics23_proof *)dst)->type ? LCP_OK : DEC_FAIL("CommitmentProof: empty");
}

#define ONE_OF(n) {.number = (n), .kind = LCP_PB_K_FN, .wire = LCP_PB_LEN, .flags = LCP_PB_F_REPEATED, .fn = commitment_proof}
static const lcp_pb_fdesc proof_fields[] = {ONE_OF(1), ONE_OF(2), ONE_OF(3), ONE_OF(4)};
#undef ONE_OF
static const lcp_pb_desc proof_desc =
    LCP_PB_DESC("CommitmentProof", LCP_ERR_ICS23_DECODE, 0, proof_fields, proof_check);

int lcp_ics23_decode_proof(lcp_ics23_proof *out, const uint8_t *in, size_t in_len, char *err)
{
    memset(out, 0, sizeof *out);
    return lcp_pb_decode(&proof_desc, out, in, in_len, err);
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
    batch_ctx bc = {proof->type == LCP_ICS23_PROOF_COMPRESSED, proof->batch_, proof->n_lookup_};
    return decode_entry(e, b.ptr, b.len, &bc, NULL);
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
        batch_ctx bc = {p->type == LCP_ICS23_PROOF_COMPRESSED, p->batch_, p->n_lookup_};
        rc = decode_entry(e, f.bytes.ptr, f.bytes.len, &bc, NULL);
        return rc == LCP_OK ? 1 : LCP_ERR_ICS23_DECODE;
    }
    return rc < 0 ? LCP_ERR_ICS23_DECODE : 0;
}
