/* tmchain, part 3: a sparse Merkle tree store (cosmos/ics23 SmtSpec) under the multistore, with its existence
 * proofs (tmchain.h). The tree is the compact form an SMT takes when n = 2^d keys differ in their first d hash
 * bits: every leaf sits at depth d, in the place those bits name, so no subtree is empty. */
#include "lcp/dev_tmchain.h"
#include "tmchain_internal.h"

#include <string.h>

#include "lcp/elc_ics23.h"

#define SMT_MAX 16

const tmc_kv tmc_smt_packets[4] = {
    {"commitments/ports/transfer/channels/channel-0/sequences/1", (const uint8_t *)"commitment 1", 12},
    {"commitments/ports/transfer/channels/channel-0/sequences/2", (const uint8_t *)"commitment 2", 12},
    {"commitments/ports/transfer/channels/channel-0/sequences/3", (const uint8_t *)"commitment 3", 12},
    {"commitments/ports/transfer/channels/channel-0/sequences/4", (const uint8_t *)"commitment 4", 12},
};

typedef struct {
    const tmc_kv *kv[SMT_MAX];
    uint8_t leaf[SMT_MAX][32];
    size_t n, depth;
} smt;

/* SHA-256(0x00 || SHA-256(key) || SHA-256(value)): SmtSpec's leaf (no length prefixes). */
static void smt_leaf(uint8_t out[32], const tmc_kv *kv)
{
    uint8_t b[65];
    b[0] = 0x00;
    tmc_sha256(b + 1, kv->key, strlen(kv->key));
    tmc_sha256(b + 33, kv->value, kv->value_len);
    tmc_sha256(out, b, sizeof b);
}

static void smt_inner(uint8_t out[32], const uint8_t l[32], const uint8_t r[32])
{
    uint8_t b[65];
    b[0] = 0x01;
    memcpy(b + 1, l, 32);
    memcpy(b + 33, r, 32);
    tmc_sha256(out, b, sizeof b);
}

static void smt_build(smt *t, const tmc_kv *kvs, size_t n)
{
    if (n == 0 || n > SMT_MAX || (n & (n - 1)) != 0) tmc_die("an SMT here has 1, 2, 4, 8 or 16 leaves, not %zu", n);
    memset(t, 0, sizeof *t);
    t->n = n;
    while ((1u << t->depth) < n) t->depth++;
    for (size_t i = 0; i < n; i++) {
        uint8_t h[32];
        tmc_sha256(h, kvs[i].key, strlen(kvs[i].key));
        size_t place = t->depth ? h[0] >> (8 - t->depth) : 0;
        if (t->kv[place]) tmc_die("keys %s and %s share their first %zu hash bits", t->kv[place]->key, kvs[i].key,
                                  t->depth);
        t->kv[place] = &kvs[i];
    }
    for (size_t i = 0; i < n; i++) smt_leaf(t->leaf[i], t->kv[i]);
}

/* Hash of the subtree over places [lo, hi); with path, appends (leaf upward) the InnerOps from place target. */
static void smt_tree(uint8_t out[32], const smt *t, size_t lo, size_t hi, size_t target, lcp_buf *path)
{
    if (hi - lo == 1) {
        memcpy(out, t->leaf[lo], 32);
        return;
    }
    size_t mid = lo + (hi - lo) / 2;
    int in_left = target < mid;
    uint8_t l[32], r[32];
    smt_tree(l, t, lo, mid, target, path && in_left ? path : NULL);
    smt_tree(r, t, mid, hi, target, path && !in_left ? path : NULL);
    smt_inner(out, l, r);
    if (path) {
        lcp_buf op = {0}, pre = {0};
        tmc_b_uint_opt(&op, 1, LCP_ICS23_SHA256);
        tmc_b_raw(&pre, "\x01", 1);
        if (in_left) {
            tmc_b_msg(&op, 2, &pre);
            tmc_b_bytes(&op, 3, r, 32);
        } else {
            tmc_b_raw(&pre, l, 32);
            tmc_b_msg(&op, 2, &pre);
        }
        tmc_b_msg(path, 4, &op);
    }
}

void tmc_smt_app_hash(uint8_t out[32], const tmc_kv *kvs, size_t n)
{
    smt t;
    uint8_t root[32], left[32];
    smt_build(&t, kvs, n);
    smt_tree(root, &t, 0, n, 0, NULL);
    tmc_multistore(out, left, root);
}

const tmc_kv *tmc_smt_at(const tmc_kv *kvs, size_t n, size_t i)
{
    smt t;
    smt_build(&t, kvs, n);
    if (i >= n) tmc_die("no SMT place %zu", i);
    return t.kv[i];
}

void tmc_smt_exist(lcp_buf *out, const tmc_kv *kvs, size_t n, size_t i)
{
    smt t;
    smt_build(&t, kvs, n);
    if (i >= n) tmc_die("no SMT place %zu", i);
    lcp_buf leaf = {0}, path = {0};
    uint8_t root[32];
    tmc_b_bytes(out, 1, t.kv[i]->key, strlen(t.kv[i]->key));
    tmc_b_bytes(out, 2, t.kv[i]->value, t.kv[i]->value_len);
    tmc_b_uint_opt(&leaf, 1, LCP_ICS23_SHA256);
    tmc_b_uint_opt(&leaf, 2, LCP_ICS23_SHA256);
    tmc_b_uint_opt(&leaf, 3, LCP_ICS23_SHA256);
    tmc_b_bytes(&leaf, 5, "\x00", 1);
    tmc_b_msg(out, 3, &leaf);
    smt_tree(root, &t, 0, n, i, &path);
    tmc_b_raw(out, path.data, path.len);
    lcp_buf_free(&path);
}

void tmc_smt_merkle_proof(lcp_buf *out, const tmc_kv *kvs, size_t n, uint32_t field, const lcp_buf *proof)
{
    smt t;
    uint8_t root[32];
    lcp_buf cp = {0};
    smt_build(&t, kvs, n);
    smt_tree(root, &t, 0, n, 0, NULL);
    tmc_b_bytes(&cp, field, proof->data, proof->len);
    tmc_b_msg(out, 1, &cp);
    tmc_store_proof(out, root);
}
