/* tmchain, part 2: a committed state (an IAVL store under a multistore) with its ICS-23 proofs, and the memory
 * store behind lcp_elc_env (tmchain.h). */
#include "lcp/dev_tmchain.h"
#include "tmchain_internal.h"

#include <stdlib.h>
#include <string.h>

#include "lcp/codec_pb.h"
#include "lcp/elc_ics23.h"

/* ---- the committed state: an IAVL store under a simple-Merkle multistore ---- */

#define IAVL_VERSION 1

static void b_zigzag(lcp_buf *b, int64_t v) { tmc_b_varint(b, ((uint64_t)v << 1) ^ (uint64_t)(v >> 63)); }

/* LeafOp of the IAVL spec for a leaf at IAVL_VERSION: prefix = zigzag(height 0, size 1, version). */
static void iavl_leaf_op(lcp_buf *out)
{
    lcp_buf prefix = {0};
    b_zigzag(&prefix, 0);
    b_zigzag(&prefix, 1);
    b_zigzag(&prefix, IAVL_VERSION);
    tmc_b_uint_opt(out, 1, LCP_ICS23_SHA256);
    tmc_b_uint_opt(out, 3, LCP_ICS23_SHA256);
    tmc_b_uint_opt(out, 4, LCP_ICS23_VAR_PROTO);
    tmc_b_msg(out, 5, &prefix);
}

/* hash(prefix || varint(len key) || key || varint(32) || SHA-256(value)) with the given leaf prefix */
static void kv_leaf_hash(uint8_t out[32], const uint8_t *prefix, size_t prefix_len, const uint8_t *key, size_t key_len,
                         const uint8_t *value, size_t value_len)
{
    lcp_buf b = {0};
    uint8_t vh[32];
    tmc_sha256(vh, value, value_len);
    tmc_b_raw(&b, prefix, prefix_len);
    tmc_b_varint(&b, key_len);
    tmc_b_raw(&b, key, key_len);
    tmc_b_varint(&b, 32);
    tmc_b_raw(&b, vh, 32);
    tmc_sha256(out, b.data, b.len);
    lcp_buf_free(&b);
}

typedef struct {
    uint8_t hash[32];
    int64_t height, size;
} iavl_node;

/* The subtree over kvs[lo, hi); when path is given, appends (leaf upward) the InnerOps from kvs[target] to it. */
static iavl_node iavl_tree(const tmc_kv *kvs, size_t lo, size_t hi, size_t target, lcp_buf *path)
{
    iavl_node n;
    if (hi - lo == 1) {
        static const uint8_t prefix[3] = {0x00, 0x02, 2 * IAVL_VERSION};
        kv_leaf_hash(n.hash, prefix, sizeof prefix, (const uint8_t *)kvs[lo].key, strlen(kvs[lo].key), kvs[lo].value,
                     kvs[lo].value_len);
        n.height = 0;
        n.size = 1;
        return n;
    }
    size_t mid = lo + (hi - lo) / 2;
    int in_left = target < mid;
    iavl_node l = iavl_tree(kvs, lo, mid, target, path && in_left ? path : NULL);
    iavl_node r = iavl_tree(kvs, mid, hi, target, path && !in_left ? path : NULL);
    n.height = (l.height > r.height ? l.height : r.height) + 1;
    n.size = l.size + r.size;
    lcp_buf pre = {0}, node = {0};
    b_zigzag(&pre, n.height);
    b_zigzag(&pre, n.size);
    b_zigzag(&pre, IAVL_VERSION);
    tmc_b_raw(&node, pre.data, pre.len);
    tmc_b_varint(&node, 32);
    tmc_b_raw(&node, l.hash, 32);
    tmc_b_varint(&node, 32);
    tmc_b_raw(&node, r.hash, 32);
    tmc_sha256(n.hash, node.data, node.len);
    lcp_buf_free(&node);
    if (path) {
        lcp_buf op = {0}, suffix = {0};
        tmc_b_uint_opt(&op, 1, LCP_ICS23_SHA256);
        tmc_b_varint(&pre, 32);
        if (in_left) {
            tmc_b_varint(&suffix, 32);
            tmc_b_raw(&suffix, r.hash, 32);
            tmc_b_msg(&op, 2, &pre);
            tmc_b_msg(&op, 3, &suffix);
        } else {
            tmc_b_raw(&pre, l.hash, 32);
            tmc_b_varint(&pre, 32);
            tmc_b_msg(&op, 2, &pre);
        }
        tmc_b_msg(path, 4, &op);
    }
    lcp_buf_free(&pre);
    return n;
}

static void iavl_exist(lcp_buf *out, const tmc_kv *kvs, size_t n, size_t i)
{
    lcp_buf leaf = {0}, path = {0};
    tmc_b_bytes(out, 1, kvs[i].key, strlen(kvs[i].key));
    tmc_b_bytes(out, 2, kvs[i].value, kvs[i].value_len);
    iavl_leaf_op(&leaf);
    tmc_b_msg(out, 3, &leaf);
    iavl_tree(kvs, 0, n, i, &path);
    tmc_b_raw(out, path.data, path.len);
    lcp_buf_free(&path);
}

static const char *const STORES[3] = {"acc", "bank", "ibc"};

static void store_leaf(uint8_t out[32], const char *name, const uint8_t root[32])
{
    static const uint8_t prefix[1] = {0x00};
    kv_leaf_hash(out, prefix, 1, (const uint8_t *)name, strlen(name), root, 32);
}

static void check_kvs(const tmc_kv *kvs, size_t n)
{
    if (n == 0) tmc_die("a state needs at least one key");
    for (size_t i = 1; i < n; i++)
        if (strcmp(kvs[i - 1].key, kvs[i].key) >= 0) tmc_die("state keys must be strictly ascending");
}

/* The multistore root (RFC 6962 tree over the three stores: ((acc, bank), ibc)) and the left subtree's hash. */
void tmc_multistore(uint8_t root[32], uint8_t left[32], const uint8_t ibc_root[32])
{
    uint8_t la[32], lb[32], li[32], r[32], node[65];
    tmc_label_hash(r, "acc root", 0);
    store_leaf(la, STORES[0], r);
    tmc_label_hash(r, "bank root", 0);
    store_leaf(lb, STORES[1], r);
    store_leaf(li, STORES[2], ibc_root);
    node[0] = 0x01;
    memcpy(node + 1, la, 32);
    memcpy(node + 33, lb, 32);
    tmc_sha256(left, node, 65);
    memcpy(node + 1, left, 32);
    memcpy(node + 33, li, 32);
    tmc_sha256(root, node, 65);
}

void tmc_state_app_hash(uint8_t out[32], const tmc_kv *kvs, size_t n)
{
    check_kvs(kvs, n);
    iavl_node t = iavl_tree(kvs, 0, n, 0, NULL);
    uint8_t left[32];
    tmc_multistore(out, left, t.hash);
}

void tmc_state_proof(lcp_buf *out, const tmc_kv *kvs, size_t n, const char *key, int exist)
{
    check_kvs(kvs, n);
    size_t i = 0;
    while (i < n && strcmp(kvs[i].key, key) < 0) i++;
    int present = i < n && strcmp(kvs[i].key, key) == 0;
    if (present != (exist != 0)) tmc_die("key %s is %s the state", key, present ? "in" : "not in");
    lcp_buf inner = {0}, cp = {0};
    if (exist) {
        iavl_exist(&inner, kvs, n, i);
        tmc_b_msg(&cp, 1, &inner);
    } else {
        tmc_b_bytes(&inner, 1, key, strlen(key));
        if (i > 0) {
            lcp_buf l = {0};
            iavl_exist(&l, kvs, n, i - 1);
            tmc_b_msg(&inner, 2, &l);
        }
        if (i < n) {
            lcp_buf r = {0};
            iavl_exist(&r, kvs, n, i);
            tmc_b_msg(&inner, 3, &r);
        }
        tmc_b_msg(&cp, 2, &inner);
    }
    tmc_b_msg(out, 1, &cp);
    iavl_node t = iavl_tree(kvs, 0, n, 0, NULL);
    tmc_store_proof(out, t.hash);
}

void tmc_store_proof(lcp_buf *out, const uint8_t ibc_root[32])
{
    /* the "ibc" store's root inside the multistore: a right child under ((acc, bank), ibc) */
    uint8_t root[32], left[32];
    tmc_multistore(root, left, ibc_root);
    lcp_buf ep = {0}, leaf = {0}, op = {0}, pre = {0}, cp = {0};
    tmc_b_bytes(&ep, 1, STORES[2], 3);
    tmc_b_bytes(&ep, 2, ibc_root, 32);
    tmc_b_uint_opt(&leaf, 1, LCP_ICS23_SHA256);
    tmc_b_uint_opt(&leaf, 3, LCP_ICS23_SHA256);
    tmc_b_uint_opt(&leaf, 4, LCP_ICS23_VAR_PROTO);
    tmc_b_bytes(&leaf, 5, "\x00", 1);
    tmc_b_msg(&ep, 3, &leaf);
    tmc_b_uint_opt(&op, 1, LCP_ICS23_SHA256);
    tmc_b_raw(&pre, "\x01", 1);
    tmc_b_raw(&pre, left, 32);
    tmc_b_msg(&op, 2, &pre);
    tmc_b_msg(&ep, 4, &op);
    tmc_b_msg(&cp, 1, &ep);
    tmc_b_msg(out, 1, &cp);
}

/* ---- memory store ---- */

typedef struct {
    char *key;
    lcp_buf value;
} mem_entry;

struct tmc_memstore {
    mem_entry *e;
    size_t n;
};

tmc_memstore *tmc_memstore_new(void)
{
    tmc_memstore *m = lcp_calloc(1, sizeof *m);
    if (m == NULL) tmc_die("out of memory");
    return m;
}

void tmc_memstore_free(tmc_memstore *m)
{
    if (m == NULL) return;
    for (size_t i = 0; i < m->n; i++) {
        lcp_free(m->e[i].key);
        lcp_buf_free(&m->e[i].value);
    }
    lcp_free(m->e);
    lcp_free(m);
}

static mem_entry *find(const tmc_memstore *m, const char *key)
{
    for (size_t i = 0; i < m->n; i++)
        if (strcmp(m->e[i].key, key) == 0) return &m->e[i];
    return NULL;
}

void tmc_memstore_put(tmc_memstore *m, const char *key, const uint8_t *value, size_t len)
{
    mem_entry *e = find(m, key);
    if (e == NULL) {
        m->e = tmc_grow(m->e, m->n + 1, sizeof *m->e);
        e = &m->e[m->n++];
        size_t kl = strlen(key) + 1;
        if ((e->key = lcp_malloc(kl)) == NULL) tmc_die("out of memory");
        memcpy(e->key, key, kl);
        memset(&e->value, 0, sizeof e->value);
    }
    e->value.len = 0;
    tmc_b_raw(&e->value, value, len);
}

const lcp_buf *tmc_memstore_get(const tmc_memstore *m, const char *key)
{
    const mem_entry *e = find(m, key);
    return e ? &e->value : NULL;
}

static int env_get(void *ud, const char *key, lcp_buf *out, int *found, char *err)
{
    (void)err;
    const lcp_buf *v = tmc_memstore_get(ud, key);
    *found = v != NULL;
    return v && v->len ? lcp_buf_append(out, v->data, v->len) : LCP_OK;
}

static int env_set(void *ud, const char *key, const uint8_t *value, size_t len, char *err)
{
    (void)err;
    tmc_memstore_put(ud, key, value, len);
    return LCP_OK;
}

lcp_elc_env tmc_memstore_env(tmc_memstore *m, uint64_t now_ns)
{
    lcp_elc_env env = {env_get, env_set, m, now_ns};
    return env;
}

void tmc_memstore_apply(tmc_memstore *m, const char *client_id, const lcp_elc_result *r, int create)
{
    char key[256];
    if (create) {
        if (lcp_elc_key_client_type(key, sizeof key, client_id) != LCP_OK) tmc_die("client id");
        tmc_memstore_put(m, key, (const uint8_t *)"07-tendermint", 13);
    }
    if (r->client_state.len) {
        if (lcp_elc_key_client_state(key, sizeof key, client_id) != LCP_OK) tmc_die("client id");
        tmc_memstore_put(m, key, r->client_state.data, r->client_state.len);
    }
    if (r->consensus_state.len) {
        if (lcp_elc_key_consensus_state(key, sizeof key, client_id, &r->height) != LCP_OK) tmc_die("client id");
        tmc_memstore_put(m, key, r->consensus_state.data, r->consensus_state.len);
    }
}
