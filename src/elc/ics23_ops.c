/* ICS-23 operations: hash and length ops, LeafOp/InnerOp application, the spec checks of each op, and the three
 * standard specs. The rules are those of cosmos/ics23 go/ops.go at 7f2c2d09; comments name the Go function. */
#include <string.h>

/* SHA256_Init & co. are deprecated in OpenSSL 3 in favour of EVP, but EVP allocates a context per digest; the
 * low-level calls keep the state on the stack and run the same assembly. */
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/evp.h>
#include <openssl/sha.h>

#include "ics23_internal.h"

/* ---- standard specs (go/proof.go IavlSpec, TendermintSpec, SmtSpec) ---- */

static const uint8_t zero_byte[1] = {0};
static const uint8_t zeros32[32] = {0};

static const lcp_ics23_spec spec_iavl = {
    .leaf_spec = {.hash = LCP_ICS23_SHA256, .prehash_key = LCP_ICS23_NO_HASH, .prehash_value = LCP_ICS23_SHA256,
                  .length = LCP_ICS23_VAR_PROTO, .prefix = {zero_byte, 1}},
    .has_leaf_spec = 1,
    /* child_size 33: each child hash is written with its length byte */
    .inner_spec = {.child_order = {0, 1}, .n_child_order = 2, .child_size = 33, .min_prefix_length = 4,
                   .max_prefix_length = 12, .hash = LCP_ICS23_SHA256},
    .has_inner_spec = 1,
};

static const lcp_ics23_spec spec_tendermint = {
    .leaf_spec = {.hash = LCP_ICS23_SHA256, .prehash_key = LCP_ICS23_NO_HASH, .prehash_value = LCP_ICS23_SHA256,
                  .length = LCP_ICS23_VAR_PROTO, .prefix = {zero_byte, 1}},
    .has_leaf_spec = 1,
    .inner_spec = {.child_order = {0, 1}, .n_child_order = 2, .child_size = 32, .min_prefix_length = 1,
                   .max_prefix_length = 1, .hash = LCP_ICS23_SHA256},
    .has_inner_spec = 1,
};

static const lcp_ics23_spec spec_smt = {
    .leaf_spec = {.hash = LCP_ICS23_SHA256, .prehash_key = LCP_ICS23_SHA256, .prehash_value = LCP_ICS23_SHA256,
                  .length = LCP_ICS23_NO_PREFIX, .prefix = {zero_byte, 1}},
    .has_leaf_spec = 1,
    .inner_spec = {.child_order = {0, 1}, .n_child_order = 2, .child_size = 32, .min_prefix_length = 1,
                   .max_prefix_length = 1, .empty_child = {zeros32, 32}, .hash = LCP_ICS23_SHA256},
    .has_inner_spec = 1,
    .max_depth = 256,
    .prehash_key_before_comparison = 1,
};

const lcp_ics23_spec *lcp_ics23_spec_iavl(void) { return &spec_iavl; }
const lcp_ics23_spec *lcp_ics23_spec_tendermint(void) { return &spec_tendermint; }
const lcp_ics23_spec *lcp_ics23_spec_smt(void) { return &spec_smt; }

/* SpecEquals. A missing leaf or inner spec compares as all zero (Go would dereference nil; no standard spec
 * matches zeros, so the answer is "not equal" either way). */
int lcp_ics23_spec_equals(const lcp_ics23_spec *a, const lcp_ics23_spec *b)
{
    const lcp_ics23_leaf_op *la = &a->leaf_spec, *lb = &b->leaf_spec;
    const lcp_ics23_inner_spec *ia = &a->inner_spec, *ib = &b->inner_spec;
    static const lcp_ics23_leaf_op zl;
    static const lcp_ics23_inner_spec zi;
    if (!a->has_leaf_spec) la = &zl;
    if (!b->has_leaf_spec) lb = &zl;
    if (!a->has_inner_spec) ia = &zi;
    if (!b->has_inner_spec) ib = &zi;
    return la->hash == lb->hash && la->prehash_key == lb->prehash_key && la->prehash_value == lb->prehash_value &&
           la->length == lb->length && ia->hash == ib->hash && ia->min_prefix_length == ib->min_prefix_length &&
           ia->max_prefix_length == ib->max_prefix_length && ia->child_size == ib->child_size &&
           ia->n_child_order == ib->n_child_order;
}

/* ---- hashing ---- */

int ics23_bytes_cmp(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
    size_t n = alen < blen ? alen : blen;
    int c = n ? memcmp(a, b, n) : 0;
    if (c) return c < 0 ? -1 : 1;
    return alen < blen ? -1 : alen > blen;
}

static int evp_parts(uint8_t *out, size_t *out_len, const EVP_MD *md, const lcp_bytes *parts, size_t n)
{
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    if (ctx == NULL) return LCP_ERR_NOMEM;
    unsigned int olen = 0;
    int ok = md != NULL && EVP_DigestInit_ex(ctx, md, NULL);
    for (size_t i = 0; ok && i < n; i++)
        if (parts[i].len) ok = EVP_DigestUpdate(ctx, parts[i].ptr, parts[i].len);
    if (ok) ok = EVP_DigestFinal_ex(ctx, out, &olen);
    EVP_MD_CTX_free(ctx);
    if (!ok || olen > LCP_ICS23_HASH_MAX) return LCP_ERR_CRYPTO;
    *out_len = olen;
    return LCP_OK;
}

/* SHA-256 is the hash of every standard spec and dominates verification time: no allocation, no EVP dispatch. */
int ics23_sha256_parts(uint8_t out[32], const lcp_bytes *parts, size_t n)
{
    SHA256_CTX c;
    if (!SHA256_Init(&c)) return LCP_ERR_CRYPTO;
    for (size_t i = 0; i < n; i++)
        if (parts[i].len && !SHA256_Update(&c, parts[i].ptr, parts[i].len)) return LCP_ERR_CRYPTO;
    return SHA256_Final(out, &c) ? LCP_OK : LCP_ERR_CRYPTO;
}

/* doHash. SHA-256 (every standard spec) is computed in place; the other ops Go supports go to OpenSSL's
 * EVP directly, as crypto has no generic digest. KECCAK256 and BLAKE3 stay unsupported, as in Go: accepting a
 * proof Go rejects would let a relayer prove to us what ibc-go chains refuse. */
int ics23_hash_parts(uint8_t out[LCP_ICS23_HASH_MAX], size_t *out_len, int32_t hash_op, const lcp_bytes *parts,
                     size_t n, char *err)
{
    int rc;
    switch (hash_op) {
    case LCP_ICS23_SHA256:
        rc = ics23_sha256_parts(out, parts, n);
        if (rc == LCP_OK) *out_len = 32;
        break;
    case LCP_ICS23_SHA512: rc = evp_parts(out, out_len, EVP_sha512(), parts, n); break;
    case LCP_ICS23_SHA512_256: rc = evp_parts(out, out_len, EVP_sha512_256(), parts, n); break;
    case LCP_ICS23_RIPEMD160: rc = evp_parts(out, out_len, EVP_ripemd160(), parts, n); break;
    case LCP_ICS23_BLAKE2B_512: rc = evp_parts(out, out_len, EVP_blake2b512(), parts, n); break;
    case LCP_ICS23_BLAKE2S_256: rc = evp_parts(out, out_len, EVP_blake2s256(), parts, n); break;
    case LCP_ICS23_BITCOIN: {
        uint8_t tmp[32];
        rc = ics23_sha256_parts(tmp, parts, n);
        if (rc == LCP_OK) {
            lcp_bytes p = {tmp, sizeof tmp};
            rc = evp_parts(out, out_len, EVP_ripemd160(), &p, 1);
        }
        break;
    }
    default: return lcp_fail(err, LCP_ERR_ICS23_UNSUPPORTED, "unsupported hashop: %d", (int)hash_op);
    }
    if (rc != LCP_OK) return lcp_fail(err, rc, "hash op %d failed", (int)hash_op);
    return LCP_OK;
}

int lcp_ics23_do_hash(uint8_t *out, size_t *out_len, int32_t hash_op, const uint8_t *in, size_t in_len, char *err)
{
    lcp_bytes p = {in, in_len};
    return ics23_hash_parts(out, out_len, hash_op, &p, 1, err);
}

void ics23_key_for_comparison(lcp_bytes *view, uint8_t buf[LCP_ICS23_HASH_MAX], const lcp_ics23_spec *spec,
                              const uint8_t *key, size_t key_len)
{
    view->ptr = key;
    view->len = key_len;
    if (!spec->prehash_key_before_comparison || spec->leaf_spec.prehash_key == LCP_ICS23_NO_HASH) return;
    size_t n;
    if (lcp_ics23_do_hash(buf, &n, spec->leaf_spec.prehash_key, key, key_len, NULL) != LCP_OK) n = 0;
    view->ptr = buf;
    view->len = n;
}

/* ---- leaf and inner application ---- */

/* prepareLeafData: optional prehash, then the length op written into lenbuf (the data itself is not copied).
 * Out: *data: the (possibly hashed) data, pointing into in or hbuf; *lenpre: the length prefix. */
static int prepare_leaf_data(lcp_bytes *lenpre, lcp_bytes *data, uint8_t lenbuf[10], uint8_t hbuf[LCP_ICS23_HASH_MAX],
                             int32_t hash_op, int32_t length_op, const uint8_t *in, size_t in_len, char *err)
{
    data->ptr = in;
    data->len = in_len;
    if (hash_op != LCP_ICS23_NO_HASH) {
        size_t n;
        int rc = lcp_ics23_do_hash(hbuf, &n, hash_op, in, in_len, err);
        if (rc != LCP_OK) return rc;
        data->ptr = hbuf;
        data->len = n;
    }
    uint64_t len = data->len;
    lenpre->ptr = lenbuf;
    lenpre->len = 0;
    switch (length_op) {
    case LCP_ICS23_NO_PREFIX: break;
    case LCP_ICS23_VAR_PROTO: {
        size_t k = 0;
        do {
            lenbuf[k] = (uint8_t)(len & 0x7f);
            len >>= 7;
            if (len) lenbuf[k] |= 0x80;
            k++;
        } while (len);
        lenpre->len = k;
        break;
    }
    case LCP_ICS23_REQUIRE_32_BYTES:
        if (data->len != 32) return lcp_fail(err, LCP_ERR_ICS23_VERIFY, "data was %zu bytes, not 32", data->len);
        break;
    case LCP_ICS23_REQUIRE_64_BYTES:
        if (data->len != 64) return lcp_fail(err, LCP_ERR_ICS23_VERIFY, "data was %zu bytes, not 64", data->len);
        break;
    case LCP_ICS23_FIXED32_BIG:
    case LCP_ICS23_FIXED32_LITTLE:
        for (int i = 0; i < 4; i++) {
            uint8_t b = (uint8_t)((uint32_t)len >> (8 * i));
            lenbuf[length_op == LCP_ICS23_FIXED32_BIG ? 3 - i : i] = b;
        }
        lenpre->len = 4;
        break;
    case LCP_ICS23_FIXED64_BIG:
    case LCP_ICS23_FIXED64_LITTLE:
        for (int i = 0; i < 8; i++) {
            uint8_t b = (uint8_t)(len >> (8 * i));
            lenbuf[length_op == LCP_ICS23_FIXED64_BIG ? 7 - i : i] = b;
        }
        lenpre->len = 8;
        break;
    default: return lcp_fail(err, LCP_ERR_ICS23_UNSUPPORTED, "unsupported lengthop: %d", (int)length_op);
    }
    return LCP_OK;
}

int lcp_ics23_leaf_apply(uint8_t *out, size_t *out_len, const lcp_ics23_leaf_op *op, const uint8_t *key,
                         size_t key_len, const uint8_t *value, size_t value_len, char *err)
{
    if (key_len == 0) return lcp_fail(err, LCP_ERR_ICS23_VERIFY, "leaf op needs key");
    if (value_len == 0) return lcp_fail(err, LCP_ERR_ICS23_VERIFY, "leaf op needs value");
    uint8_t klen[10], vlen[10], kh[LCP_ICS23_HASH_MAX], vh[LCP_ICS23_HASH_MAX];
    lcp_bytes parts[5];
    parts[0] = op->prefix;
    int rc = prepare_leaf_data(&parts[1], &parts[2], klen, kh, op->prehash_key, op->length, key, key_len, err);
    if (rc != LCP_OK) return lcp_fail_ctx(err, rc, "prehash key");
    rc = prepare_leaf_data(&parts[3], &parts[4], vlen, vh, op->prehash_value, op->length, value, value_len, err);
    if (rc != LCP_OK) return lcp_fail_ctx(err, rc, "prehash value");
    return ics23_hash_parts(out, out_len, op->hash, parts, 5, err);
}

int lcp_ics23_inner_apply(uint8_t *out, size_t *out_len, const lcp_ics23_inner_op *op, const uint8_t *child,
                          size_t child_len, char *err)
{
    if (child_len == 0) return lcp_fail(err, LCP_ERR_ICS23_VERIFY, "inner op needs child value");
    lcp_bytes parts[3] = {op->prefix, {child, child_len}, op->suffix};
    return ics23_hash_parts(out, out_len, op->hash, parts, 3, err);
}

/* ---- spec checks ---- */

#define SPEC_FAIL(...) lcp_fail(err, LCP_ERR_ICS23_SPEC, __VA_ARGS__)

static int has_prefix(lcp_bytes s, lcp_bytes pre)
{
    return s.len >= pre.len && (pre.len == 0 || memcmp(s.ptr, pre.ptr, pre.len) == 0);
}

/* binary.ReadVarint: a zig-zag signed varint. */
static int read_zigzag(int64_t *v, const uint8_t *p, size_t len, size_t *off)
{
    uint64_t u;
    if (lcp_pb_read_varint(&u, p, len, off) != LCP_OK) return -1;
    *v = (u & 1) ? -(int64_t)(u >> 1) - 1 : (int64_t)(u >> 1);
    return 0;
}

/* validateIavlOps: the prefix starts with the node's height, size and version as zig-zag varints; a leaf (layer 0)
 * has height 0, size 1 and nothing after; an inner node has height >= its layer and 1 or 34 bytes after (the length
 * byte of the left child, or that plus the left child hash and the right child's length byte). */
static int validate_iavl(lcp_bytes prefix, int32_t hash, int layer, char *err)
{
    size_t off = 0;
    int64_t height, size, version;
    if (read_zigzag(&height, prefix.ptr, prefix.len, &off))
        return SPEC_FAIL("failed to read IAVL height varint");
    if (height < 0 || height < layer)
        return SPEC_FAIL("IAVL height (%lld) must be non-negative and greater than or equal to the layer number (%d)",
                         (long long)height, layer);
    if (read_zigzag(&size, prefix.ptr, prefix.len, &off)) return SPEC_FAIL("failed to read IAVL size varint");
    if (size < 0) return SPEC_FAIL("IAVL size must be non-negative");
    if (read_zigzag(&version, prefix.ptr, prefix.len, &off))
        return SPEC_FAIL("failed to read IAVL version varint");
    if (version < 0) return SPEC_FAIL("IAVL version must be non-negative");
    size_t rem = prefix.len - off;
    if (layer == 0) {
        if (rem != 0) return SPEC_FAIL("expected remaining prefix length to be 0, got: %zu", rem);
        if (height != 0) return SPEC_FAIL("expected leaf node height to be 0");
        if (size != 1) return SPEC_FAIL("expected leaf node size to be 1");
    } else {
        if (rem != 1 && rem != 34) return SPEC_FAIL("remainder of prefix must be of length 1 or 34, got: %zu", rem);
        if (hash != LCP_ICS23_SHA256) return SPEC_FAIL("IAVL hash op must be SHA256");
    }
    return LCP_OK;
}

/* validateTendermintOps: inner prefixes start with 0x01, and are exactly 0x01 when a suffix (the right sibling)
 * is present. */
static int validate_tendermint(const lcp_ics23_inner_op *op, char *err)
{
    if (op->prefix.len == 0) return SPEC_FAIL("inner op prefix must not be empty");
    if (op->has_suffix && !(op->prefix.len == 1 && op->prefix.ptr[0] == 1))
        return SPEC_FAIL("expected inner op prefix: [1], got %zu bytes", op->prefix.len);
    if (op->prefix.ptr[0] != 1)
        return SPEC_FAIL("expected inner op prefix to begin with: [1], got: [%u]", op->prefix.ptr[0]);
    return LCP_OK;
}

int lcp_ics23_leaf_check_spec(const lcp_ics23_leaf_op *op, const lcp_ics23_spec *spec, char *err)
{
    if (!spec->has_leaf_spec) return SPEC_FAIL("spec.LeafSpec must be non-nil");
    const lcp_ics23_leaf_op *ls = &spec->leaf_spec;
    if (lcp_ics23_spec_equals(spec, &spec_iavl)) {
        int rc = validate_iavl(op->prefix, op->hash, 0, err);
        if (rc != LCP_OK) return rc;
    }
    if (op->hash != ls->hash) return SPEC_FAIL("unexpected HashOp: %d", (int)op->hash);
    if (op->prehash_key != ls->prehash_key) return SPEC_FAIL("unexpected PrehashKey: %d", (int)op->prehash_key);
    if (op->prehash_value != ls->prehash_value)
        return SPEC_FAIL("unexpected PrehashValue: %d", (int)op->prehash_value);
    if (op->length != ls->length) return SPEC_FAIL("unexpected LengthOp: %d", (int)op->length);
    if (!has_prefix(op->prefix, ls->prefix)) return SPEC_FAIL("leaf Prefix doesn't start with the spec's prefix");
    return LCP_OK;
}

/* Go computes min_prefix_length + child_size in int32 and compares with max_prefix_length; emulate the wrap so a
 * crafted spec behaves as it does there. */
static int64_t add_int32_wrapping(int32_t a, int32_t b)
{
    uint32_t s = (uint32_t)a + (uint32_t)b;
    return s <= INT32_MAX ? (int64_t)s : (int64_t)s - 4294967296LL;
}

int lcp_ics23_inner_check_spec(const lcp_ics23_inner_op *op, const lcp_ics23_spec *spec, int layer, char *err)
{
    if (!spec->has_inner_spec) return SPEC_FAIL("spec.InnerSpec must be non-nil");
    if (!spec->has_leaf_spec) return SPEC_FAIL("spec.LeafSpec must be non-nil");
    const lcp_ics23_inner_spec *is = &spec->inner_spec;
    int rc;
    if (op->hash != is->hash) return SPEC_FAIL("unexpected HashOp: %d", (int)op->hash);
    if (lcp_ics23_spec_equals(spec, &spec_iavl) && (rc = validate_iavl(op->prefix, op->hash, layer, err)) != LCP_OK)
        return rc;
    if (lcp_ics23_spec_equals(spec, &spec_tendermint) && (rc = validate_tendermint(op, err)) != LCP_OK) return rc;
    /* An inner prefix must not look like a leaf's: otherwise a leaf could be passed off as an inner node. */
    if (has_prefix(op->prefix, spec->leaf_spec.prefix)) return SPEC_FAIL("inner Prefix starts with the leaf prefix");
    if ((int64_t)op->prefix.len < is->min_prefix_length)
        return SPEC_FAIL("innerOp prefix too short (%zu)", op->prefix.len);
    int64_t max_left = ((int64_t)is->n_child_order - 1) * is->child_size;
    if ((int64_t)op->prefix.len > (int64_t)is->max_prefix_length + max_left)
        return SPEC_FAIL("innerOp prefix too long (%zu)", op->prefix.len);
    if (is->child_size <= 0) return SPEC_FAIL("spec.InnerSpec.ChildSize must be >= 1");
    if (is->max_prefix_length >= add_int32_wrapping(is->min_prefix_length, is->child_size))
        return SPEC_FAIL("spec.InnerSpec.MaxPrefixLength must be < MinPrefixLength + ChildSize");
    /* The suffix holds whole sibling hashes only; a partial one would let bytes move between child and suffix. */
    if (op->suffix.len % (size_t)is->child_size != 0) return SPEC_FAIL("InnerOp suffix malformed");
    return LCP_OK;
}

/* ---- padding and empty branches (go/proof.go getPadding, orderFromPadding, *BranchesAreEmpty) ---- */

/* getPosition: index of branch in child_order, or -1 (Go returns an error). */
static int64_t position(const lcp_ics23_inner_spec *s, int64_t branch)
{
    if (branch < 0 || branch >= (int64_t)s->n_child_order) return -1;
    for (size_t i = 0; i < s->n_child_order; i++)
        if (s->child_order[i] == branch) return (int64_t)i;
    return -1;
}

/* getPadding. Returns 0, or -1 when branch is not in the order. */
static int padding(const lcp_ics23_inner_spec *s, int64_t branch, int64_t *minp, int64_t *maxp, int64_t *suffix)
{
    int64_t idx = position(s, branch);
    if (idx < 0) return -1;
    int64_t pre = idx * s->child_size;
    *minp = pre + s->min_prefix_length;
    *maxp = pre + s->max_prefix_length;
    *suffix = ((int64_t)s->n_child_order - 1 - idx) * s->child_size;
    return 0;
}

static int has_padding(const lcp_ics23_inner_op *op, int64_t minp, int64_t maxp, int64_t suffix)
{
    int64_t pl = (int64_t)op->prefix.len;
    return pl >= minp && pl <= maxp && (int64_t)op->suffix.len == suffix;
}

/* orderFromPadding: the first branch whose padding op has, or -1. */
int64_t ics23_order_from_padding(const lcp_ics23_inner_spec *s, const lcp_ics23_inner_op *op)
{
    for (int64_t b = 0; b < (int64_t)s->n_child_order; b++) {
        int64_t minp, maxp, suf;
        if (padding(s, b, &minp, &maxp, &suf) == 0 && has_padding(op, minp, maxp, suf)) return b;
    }
    return -1;
}

/* bytes.Equal(empty_child, buf[from:from+child_size]), with Go's out-of-range panic turned into "no". */
static int is_empty_child(const lcp_ics23_inner_spec *s, lcp_bytes buf, int64_t from)
{
    int64_t cs = s->child_size;
    if (from < 0 || cs < 0 || from + cs > (int64_t)buf.len) return 0;
    return s->empty_child.len == (size_t)cs && (cs == 0 || memcmp(s->empty_child.ptr, buf.ptr + from, (size_t)cs) == 0);
}

int lcp_ics23_left_branches_empty(const lcp_ics23_inner_spec *s, const lcp_ics23_inner_op *op)
{
    int64_t idx = ics23_order_from_padding(s, op);
    if (idx <= 0) return 0;
    int64_t actual = (int64_t)op->prefix.len - idx * s->child_size;
    if (actual < 0) return 0;
    for (int64_t i = 0; i < idx; i++) {
        int64_t pos = position(s, i);
        if (pos < 0 || !is_empty_child(s, op->prefix, actual + pos * s->child_size)) return 0;
    }
    return 1;
}

int lcp_ics23_right_branches_empty(const lcp_ics23_inner_spec *s, const lcp_ics23_inner_op *op)
{
    int64_t idx = ics23_order_from_padding(s, op);
    if (idx < 0) return 0;
    int64_t right = (int64_t)s->n_child_order - 1 - idx;
    if (right == 0) return 0;
    if ((int64_t)op->suffix.len != right * s->child_size) return 0;
    for (int64_t i = 0; i < right; i++) {
        int64_t pos = position(s, i);
        if (pos < 0 || !is_empty_child(s, op->suffix, pos * s->child_size)) return 0;
    }
    return 1;
}

/* IsLeftMost / IsRightMost over path[from, to) (from the leaf upward). Go's errors count as "no". */
int ics23_is_left_most(const lcp_ics23_inner_spec *s, const lcp_ics23_exist *ep, size_t to)
{
    int64_t minp, maxp, suf;
    if (padding(s, 0, &minp, &maxp, &suf) != 0) return 0;
    ics23_path_iter it;
    lcp_ics23_inner_op op;
    ics23_path_iter_init(&it, ep);
    for (size_t i = 0; i < to; i++) {
        if (!ics23_path_iter_next(&it, &op)) return 0;
        if (!has_padding(&op, minp, maxp, suf) && !lcp_ics23_left_branches_empty(s, &op)) return 0;
    }
    return 1;
}

int ics23_is_right_most(const lcp_ics23_inner_spec *s, const lcp_ics23_exist *ep, size_t to)
{
    int64_t minp, maxp, suf;
    if (padding(s, (int64_t)s->n_child_order - 1, &minp, &maxp, &suf) != 0) return 0;
    ics23_path_iter it;
    lcp_ics23_inner_op op;
    ics23_path_iter_init(&it, ep);
    for (size_t i = 0; i < to; i++) {
        if (!ics23_path_iter_next(&it, &op)) return 0;
        if (!has_padding(&op, minp, maxp, suf) && !lcp_ics23_right_branches_empty(s, &op)) return 0;
    }
    return 1;
}
