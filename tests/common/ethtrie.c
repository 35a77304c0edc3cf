/* In-memory Merkle-Patricia-trie builder for tests (see ethtrie.h). The trie of a sorted key set is built
 * recursively: one key left → a leaf with the rest of its path; keys sharing more nibbles → an extension over the
 * shared part; otherwise a branch with one child per next nibble (and the value of a key that ends here). */
#include "ethtrie.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lcp/codec_rlp.h"
#include "lcp/crypto.h"

static void die(const char *why)
{
    fprintf(stderr, "ethtrie: %s\n", why);
    abort();
}

static unsigned nib(const uint8_t *k, size_t i) { return i & 1 ? k[i / 2] & 0x0f : k[i / 2] >> 4; }

static int cmp_kv(const void *a, const void *b)
{
    const ethtrie_kv *x = a, *y = b;
    size_t n = x->key_len < y->key_len ? x->key_len : y->key_len;
    int c = n ? memcmp(x->key, y->key, n) : 0;
    if (c) return c;
    return (x->key_len > y->key_len) - (x->key_len < y->key_len);
}

/* Nodes on the proof path, with their depth so that they can be listed root first. */
typedef struct {
    const uint8_t *target;
    size_t target_nibbles;
    struct {
        size_t depth;
        lcp_buf enc;
    } node[160];
    size_t n;
} proof_ctx;

static void put_hp(lcp_rlp_enc *e, const uint8_t *key, size_t from, size_t to, int leaf)
{
    uint8_t b[300];
    size_t count = to - from, odd = count & 1, k = 1;
    if (count / 2 + 1 > sizeof b) die("path too long");
    b[0] = (uint8_t)(((leaf ? 2 : 0) + odd) << 4 | (odd ? nib(key, from) : 0));
    for (size_t i = from + odd; i < to; i += 2) b[k++] = (uint8_t)(nib(key, i) << 4 | nib(key, i + 1));
    lcp_rlp_put_bytes(e, b, k);
}

/* A child reference: the node inline if its encoding is shorter than 32 bytes, else its hash. */
static void put_ref(lcp_rlp_enc *e, const lcp_buf *child)
{
    if (child->len < 32) {
        lcp_rlp_put_raw(e, child->data, child->len);
        return;
    }
    uint8_t h[32];
    lcp_keccak256(h, child->data, child->len);
    lcp_rlp_put_bytes(e, h, 32);
}

typedef enum { LEAF, EXT, BRANCH } node_kind;

/* Encodes a node of kind into out (sizing pass, then writing pass). */
static void encode(lcp_buf *out, node_kind kind, const ethtrie_kv *kv, size_t d, size_t to, lcp_buf *children,
                   const ethtrie_kv *value)
{
    for (int pass = 0; pass < 2; pass++) {
        lcp_rlp_enc e;
        lcp_rlp_enc_init(&e, pass ? out->data : NULL, pass ? out->cap : 0);
        size_t m = lcp_rlp_list_begin(&e);
        if (kind == BRANCH) {
            for (int i = 0; i < 16; i++) {
                if (children[i].len)
                    put_ref(&e, &children[i]);
                else
                    lcp_rlp_put_bytes(&e, NULL, 0);
            }
            lcp_rlp_put_bytes(&e, value ? value->val : NULL, value ? value->val_len : 0);
        } else {
            put_hp(&e, kv->key, d, to, kind == LEAF);
            if (kind == LEAF)
                lcp_rlp_put_bytes(&e, kv->val, kv->val_len);
            else
                put_ref(&e, &children[0]);
        }
        lcp_rlp_list_end(&e, m);
        size_t len;
        if (lcp_rlp_enc_finish(&e, &len) != LCP_OK) die("encoder failed");
        if (pass == 0) {
            out->len = 0;
            if (lcp_buf_reserve(out, len) != LCP_OK) die("out of memory");
        } else {
            out->len = len;
        }
    }
}

static int on_target(const proof_ctx *pc, const uint8_t *key, size_t from, size_t to)
{
    if (pc == NULL || to > pc->target_nibbles) return 0;
    for (size_t i = from; i < to; i++)
        if (nib(pc->target, i) != nib(key, i)) return 0;
    return 1;
}

/* Builds the node of kv[0..n) (sorted, sharing their first d nibbles) into out. on_path: the proof's key shares
 * those d nibbles too, so this node is on its path. */
static void build(lcp_buf *out, const ethtrie_kv *kv, size_t n, size_t d, proof_ctx *pc, int on_path)
{
    if (n == 1) {
        encode(out, LEAF, kv, d, kv->key_len * 2, NULL, NULL);
    } else {
        /* shared nibbles beyond d: the first and last keys of a sorted set bound everyone's common prefix */
        const ethtrie_kv *a = &kv[0], *z = &kv[n - 1];
        size_t cp = d, lim = (a->key_len < z->key_len ? a->key_len : z->key_len) * 2;
        while (cp < lim && nib(a->key, cp) == nib(z->key, cp)) cp++;
        if (cp > d) {
            lcp_buf child = {0};
            build(&child, kv, n, cp, pc, on_path && on_target(pc, a->key, d, cp));
            encode(out, EXT, a, d, cp, &child, NULL);
            lcp_buf_free(&child);
        } else {
            lcp_buf children[16];
            memset(children, 0, sizeof children);
            size_t i = 0;
            const ethtrie_kv *value = NULL;
            if (kv[0].key_len * 2 == d) value = &kv[i++]; /* a key ending here sorts first */
            while (i < n) {
                unsigned c = nib(kv[i].key, d);
                size_t j = i;
                while (j < n && kv[j].key_len * 2 > d && nib(kv[j].key, d) == c) j++;
                build(&children[c], &kv[i], j - i, d + 1, pc, on_path && on_target(pc, kv[i].key, d, d + 1));
                i = j;
            }
            encode(out, BRANCH, NULL, d, d, children, value);
            for (int c = 0; c < 16; c++) lcp_buf_free(&children[c]);
        }
    }
    if (pc && on_path && (out->len >= 32 || d == 0)) {
        if (pc->n == sizeof pc->node / sizeof *pc->node) die("proof too deep");
        pc->node[pc->n].depth = d;
        memset(&pc->node[pc->n].enc, 0, sizeof(lcp_buf));
        if (lcp_buf_append(&pc->node[pc->n].enc, out->data, out->len) != LCP_OK) die("out of memory");
        pc->n++;
    }
}

static ethtrie_kv *sorted_copy(const ethtrie_kv *kvs, size_t n)
{
    ethtrie_kv *s = malloc((n ? n : 1) * sizeof *s);
    if (s == NULL) die("out of memory");
    if (n) memcpy(s, kvs, n * sizeof *s);
    qsort(s, n, sizeof *s, cmp_kv);
    for (size_t i = 1; i < n; i++)
        if (cmp_kv(&s[i - 1], &s[i]) == 0) die("duplicate key");
    for (size_t i = 0; i < n; i++)
        if (s[i].val_len == 0) die("empty value");
    return s;
}

void ethtrie_root(uint8_t root[32], const ethtrie_kv *kvs, size_t n)
{
    if (n == 0) {
        const uint8_t empty = 0x80;
        lcp_keccak256(root, &empty, 1);
        return;
    }
    ethtrie_kv *s = sorted_copy(kvs, n);
    lcp_buf node = {0};
    build(&node, s, n, 0, NULL, 0);
    lcp_keccak256(root, node.data, node.len); /* the root is hashed whatever its size */
    lcp_buf_free(&node);
    free(s);
}

static int by_depth(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return (x > y) - (x < y);
}

void ethtrie_proof(lcp_buf *proof, const ethtrie_kv *kvs, size_t n, const uint8_t *key, size_t key_len)
{
    proof_ctx *pc = calloc(1, sizeof *pc);
    if (pc == NULL) die("out of memory");
    pc->target = key;
    pc->target_nibbles = key_len * 2;
    if (n) {
        ethtrie_kv *s = sorted_copy(kvs, n);
        lcp_buf node = {0};
        build(&node, s, n, 0, pc, 1);
        lcp_buf_free(&node);
        free(s);
    }
    /* root first: sort (depth, index) pairs */
    size_t order[160][2];
    for (size_t i = 0; i < pc->n; i++) {
        order[i][0] = pc->node[i].depth;
        order[i][1] = i;
    }
    qsort(order, pc->n, sizeof order[0], by_depth);
    /* sizing pass, then the list itself */
    size_t need = 0, base = proof->len;
    lcp_rlp_enc e;
    for (int pass = 0; pass < 2; pass++) {
        if (pass && lcp_buf_reserve(proof, need) != LCP_OK) die("out of memory");
        lcp_rlp_enc_init(&e, pass ? proof->data + base : NULL, need);
        size_t m = lcp_rlp_list_begin(&e);
        for (size_t i = 0; i < pc->n; i++) {
            const lcp_buf *b = &pc->node[order[i][1]].enc;
            lcp_rlp_put_raw(&e, pass ? b->data : NULL, b->len);
        }
        lcp_rlp_list_end(&e, m);
        if (lcp_rlp_enc_finish(&e, &need) != LCP_OK) die("encoder failed");
    }
    proof->len = base + need;
    for (size_t i = 0; i < pc->n; i++) lcp_buf_free(&pc->node[i].enc);
    free(pc);
}

void ethtrie_map_put(ethtrie_map *m, const uint8_t *key, size_t key_len, const uint8_t *val, size_t val_len)
{
    size_t i = 0;
    while (i < m->n && !(m->kv[i].key_len == key_len && memcmp(m->kv[i].key, key, key_len) == 0)) i++;
    if (i < m->n) {
        free((void *)m->kv[i].key);
        free((void *)m->kv[i].val);
        m->kv[i] = m->kv[--m->n];
    }
    if (val_len == 0) return;
    if (m->n == m->cap) {
        size_t cap = m->cap ? 2 * m->cap : 16;
        ethtrie_kv *kv = realloc(m->kv, cap * sizeof *kv);
        if (kv == NULL) die("out of memory");
        m->kv = kv;
        m->cap = cap;
    }
    uint8_t *k = malloc(key_len ? key_len : 1), *v = malloc(val_len);
    if (k == NULL || v == NULL) die("out of memory");
    if (key_len) memcpy(k, key, key_len);
    memcpy(v, val, val_len);
    m->kv[m->n++] = (ethtrie_kv){k, key_len, v, val_len};
}

void ethtrie_map_free(ethtrie_map *m)
{
    for (size_t i = 0; i < m->n; i++) {
        free((void *)m->kv[i].key);
        free((void *)m->kv[i].val);
    }
    free(m->kv);
    memset(m, 0, sizeof *m);
}
