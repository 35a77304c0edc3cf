/* The Tendermint test-chain generator (tmchain.h). Encodings follow the proto definitions of CometBFT
 * (tendermint.types, tendermint.crypto), ibc-go (ibc.lightclients.tendermint.v1, ibc.core.commitment.v1) and
 * cosmos/ics23, written bottom-up: each nested message is built into its own buffer and then embedded. */
#include "tmchain.h"

#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lcp/codec_pb.h"
#include "lcp/crypto.h"
#include "lcp/elc_ics23.h"

static void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("tmchain: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    abort();
}

/* ---- protobuf into growable buffers ---- */

static void b_raw(lcp_buf *b, const void *p, size_t n)
{
    if (n && lcp_buf_append(b, p, n) != LCP_OK) die("out of memory");
}

static void b_varint(lcp_buf *b, uint64_t v)
{
    uint8_t t[10];
    size_t n = 0;
    do {
        t[n] = (uint8_t)(v & 0x7f);
        v >>= 7;
        if (v) t[n] |= 0x80;
        n++;
    } while (v);
    b_raw(b, t, n);
}

static void b_tag(lcp_buf *b, uint32_t field, int wt) { b_varint(b, (uint64_t)field << 3 | (uint64_t)wt); }

static void b_uint_opt(lcp_buf *b, uint32_t field, uint64_t v)
{
    if (v == 0) return;
    b_tag(b, field, LCP_PB_VARINT);
    b_varint(b, v);
}

static void b_bytes(lcp_buf *b, uint32_t field, const void *p, size_t n)
{
    b_tag(b, field, LCP_PB_LEN);
    b_varint(b, n);
    b_raw(b, p, n);
}

/* Embeds m as field (even when empty) and frees it. */
static void b_msg(lcp_buf *b, uint32_t field, lcp_buf *m)
{
    b_bytes(b, field, m->data, m->len);
    lcp_buf_free(m);
}

static void sha256(uint8_t out[32], const void *p, size_t n)
{
    if (lcp_sha256(out, p, n) != LCP_OK) die("sha256");
}

/* SHA-256 of a label and a number: filler hashes that differ per block */
static void label_hash(uint8_t out[32], const char *label, int64_t n)
{
    char s[96];
    int l = snprintf(s, sizeof s, "%s/%lld", label, (long long)n);
    sha256(out, s, (size_t)l);
}

static void b_time(lcp_buf *b, uint32_t field, lcp_tm_time t)
{
    lcp_buf m = {0};
    b_uint_opt(&m, 1, (uint64_t)t.seconds);
    b_uint_opt(&m, 2, (uint64_t)(int64_t)t.nanos);
    b_msg(b, field, &m);
}

/* ---- validators ---- */

void tmc_validator_make(tmc_validator *v, uint64_t seed, uint32_t i, int64_t power)
{
    uint8_t in[13 + 8 + 4], s[32];
    memcpy(in, "lcp-c tmchain", 13);
    for (int k = 0; k < 8; k++) in[13 + k] = (uint8_t)(seed >> (56 - 8 * k));
    for (int k = 0; k < 4; k++) in[21 + k] = (uint8_t)(i >> (24 - 8 * k));
    sha256(s, in, sizeof in);
    if (sodium_init() < 0 || crypto_sign_seed_keypair(v->pk, v->sk, s) != 0) die("key generation");
    uint8_t h[32];
    sha256(h, v->pk, 32);
    memcpy(v->address, h, 20);
    v->power = power;
}

static int val_cmp(const void *a, const void *b)
{
    const tmc_validator *x = a, *y = b;
    if (x->power != y->power) return x->power > y->power ? -1 : 1;
    return memcmp(x->address, y->address, 20);
}

void tmc_valset_sort(tmc_valset *vs) { qsort(vs->v, vs->n, sizeof vs->v[0], val_cmp); }

void tmc_valset_make(tmc_valset *vs, uint64_t seed, uint32_t first, size_t n, const int64_t *powers, int64_t power)
{
    if (n > TMC_MAX_VALS) die("%zu validators: at most %d", n, TMC_MAX_VALS);
    vs->n = n;
    for (size_t k = 0; k < n; k++) tmc_validator_make(&vs->v[k], seed, first + (uint32_t)k, powers ? powers[k] : power);
    tmc_valset_sort(vs);
}

static void b_validator(lcp_buf *b, uint32_t field, const tmc_validator *v)
{
    lcp_buf m = {0}, pk = {0};
    b_bytes(&m, 1, v->address, 20);
    b_bytes(&pk, 1, v->pk, 32); /* PublicKey oneof: ed25519 */
    b_msg(&m, 2, &pk);
    b_uint_opt(&m, 3, (uint64_t)v->power);
    b_msg(b, field, &m);
}

void tmc_valset_encode(lcp_buf *out, const tmc_valset *vs)
{
    int64_t total = 0;
    for (size_t i = 0; i < vs->n; i++) {
        b_validator(out, 1, &vs->v[i]);
        total += vs->v[i].power;
    }
    if (vs->n) b_validator(out, 2, &vs->v[0]);
    b_uint_opt(out, 3, (uint64_t)total);
}

void tmc_valset_hash(uint8_t out[32], const tmc_valset *vs)
{
    lcp_buf b = {0};
    tmc_valset_encode(&b, vs);
    lcp_tm_valset *d = lcp_malloc(sizeof *d);
    char err[LCP_ERR_LEN] = "";
    if (d == NULL) die("out of memory");
    if (lcp_tm_decode_valset(d, b.data, b.len, err) != LCP_OK) die("own validator set: %s", err);
    if (lcp_tm_valset_hash(out, d) != LCP_OK) die("validator set hash");
    lcp_free(d);
    lcp_buf_free(&b);
}

/* ---- the chain ---- */

typedef struct {
    lcp_tm_time time;
    uint8_t app_hash[32];
    size_t vals, next; /* indexes into the chain's sets */
    uint8_t hash[32];  /* of the honest header */
} tmc_block;

struct tmc_chain {
    char chain_id[64];
    int64_t interval;
    tmc_valset **sets;
    uint8_t (*set_hash)[32];
    size_t n_sets;
    tmc_block *blocks; /* blocks[h - 1] */
    size_t n_blocks;
};

static void *grow(void *p, size_t n, size_t size)
{
    void *q = lcp_realloc(p, n * size);
    if (q == NULL) die("out of memory");
    return q;
}

static size_t add_set(tmc_chain *c, const tmc_valset *vs)
{
    c->sets = grow(c->sets, c->n_sets + 1, sizeof *c->sets);
    c->set_hash = grow(c->set_hash, c->n_sets + 1, sizeof *c->set_hash);
    c->sets[c->n_sets] = lcp_malloc(sizeof(tmc_valset));
    if (c->sets[c->n_sets] == NULL) die("out of memory");
    memcpy(c->sets[c->n_sets], vs, sizeof *vs);
    tmc_valset_hash(c->set_hash[c->n_sets], vs);
    return c->n_sets++;
}

static const tmc_block *block(const tmc_chain *c, int64_t h)
{
    if (h < 1 || (size_t)h > c->n_blocks) die("no block %lld", (long long)h);
    return &c->blocks[h - 1];
}

/* tendermint.types.Header of block h, with an optional other app hash and time (a conflicting block). */
static void header_encode(lcp_buf *out, const tmc_chain *c, int64_t h, const uint8_t *app_hash, lcp_tm_time t)
{
    const tmc_block *b = block(c, h);
    uint8_t x[32];
    lcp_buf m = {0};
    b_uint_opt(&m, 1, LCP_TM_BLOCK_PROTOCOL);
    b_msg(out, 1, &m);
    b_bytes(out, 2, c->chain_id, strlen(c->chain_id));
    b_uint_opt(out, 3, (uint64_t)h);
    b_time(out, 4, t);
    if (h > 1) { /* the first block names no predecessor */
        lcp_buf id = {0}, psh = {0};
        b_bytes(&id, 1, c->blocks[h - 2].hash, 32);
        b_uint_opt(&psh, 1, 1);
        label_hash(x, "parts", h - 1);
        b_bytes(&psh, 2, x, 32);
        b_msg(&id, 2, &psh);
        b_msg(out, 5, &id);
    }
    label_hash(x, "last commit", h);
    b_bytes(out, 6, x, 32);
    sha256(x, "", 0);
    b_bytes(out, 7, x, 32); /* data hash of an empty block */
    b_bytes(out, 8, c->set_hash[b->vals], 32);
    b_bytes(out, 9, c->set_hash[b->next], 32);
    label_hash(x, "consensus params", 0);
    b_bytes(out, 10, x, 32);
    b_bytes(out, 11, app_hash ? app_hash : b->app_hash, 32);
    label_hash(x, "results", h);
    b_bytes(out, 12, x, 32);
    sha256(x, "", 0);
    b_bytes(out, 13, x, 32);
    b_bytes(out, 14, c->sets[b->vals]->v[0].address, 20);
}

static void header_hash(uint8_t out[32], const lcp_buf *enc)
{
    lcp_tm_header hd;
    char err[LCP_ERR_LEN] = "";
    if (lcp_tm_decode_header(&hd, enc->data, enc->len, err) != LCP_OK || lcp_tm_header_hash(out, &hd, err) != LCP_OK)
        die("own header: %s", err);
}

tmc_chain *tmc_chain_new(const char *chain_id, const tmc_valset *genesis, int64_t genesis_unix_s)
{
    tmc_chain *c = lcp_calloc(1, sizeof *c);
    if (c == NULL) die("out of memory");
    if (strlen(chain_id) >= sizeof c->chain_id) die("chain id too long");
    snprintf(c->chain_id, sizeof c->chain_id, "%s", chain_id);
    c->interval = 5;
    size_t s = add_set(c, genesis);
    c->blocks = grow(NULL, 1, sizeof *c->blocks);
    c->n_blocks = 1;
    tmc_block *b = &c->blocks[0];
    memset(b, 0, sizeof *b);
    b->time.seconds = genesis_unix_s;
    b->vals = b->next = s;
    label_hash(b->app_hash, "app", 1);
    lcp_buf enc = {0};
    header_encode(&enc, c, 1, NULL, b->time);
    header_hash(b->hash, &enc);
    lcp_buf_free(&enc);
    return c;
}

void tmc_chain_free(tmc_chain *c)
{
    if (c == NULL) return;
    for (size_t i = 0; i < c->n_sets; i++) lcp_free(c->sets[i]);
    lcp_free(c->sets);
    lcp_free(c->set_hash);
    lcp_free(c->blocks);
    lcp_free(c);
}

void tmc_chain_set_interval(tmc_chain *c, int64_t interval_s) { c->interval = interval_s; }
int64_t tmc_chain_height(const tmc_chain *c) { return (int64_t)c->n_blocks; }
uint64_t tmc_chain_revision(const tmc_chain *c)
{
    return lcp_tm_chain_id_revision((const uint8_t *)c->chain_id, strlen(c->chain_id));
}
lcp_tm_time tmc_block_time(const tmc_chain *c, int64_t h) { return block(c, h)->time; }
const tmc_valset *tmc_block_vals(const tmc_chain *c, int64_t h) { return c->sets[block(c, h)->vals]; }
void tmc_block_app_hash(uint8_t out[32], const tmc_chain *c, int64_t h) { memcpy(out, block(c, h)->app_hash, 32); }

int64_t tmc_chain_push(tmc_chain *c, const tmc_valset *next_vals, const uint8_t app_hash[32])
{
    const tmc_block prev = c->blocks[c->n_blocks - 1];
    size_t next = next_vals ? add_set(c, next_vals) : prev.next;
    c->blocks = grow(c->blocks, c->n_blocks + 1, sizeof *c->blocks);
    tmc_block *b = &c->blocks[c->n_blocks++];
    int64_t h = (int64_t)c->n_blocks;
    memset(b, 0, sizeof *b);
    b->time.seconds = prev.time.seconds + c->interval;
    b->time.nanos = (int32_t)(h * 1000 % 1000000000); /* sub-second parts exercise the nanos fields */
    b->vals = prev.next;
    b->next = next;
    if (app_hash) memcpy(b->app_hash, app_hash, 32);
    else label_hash(b->app_hash, "app", h);
    lcp_buf enc = {0};
    header_encode(&enc, c, h, NULL, b->time);
    header_hash(b->hash, &enc);
    lcp_buf_free(&enc);
    return h;
}

/* Commit of block h (whose header hashes to hash) by its validators, as opts say. */
static void commit_encode(lcp_buf *out, const tmc_chain *c, int64_t h, const uint8_t hash[32], lcp_tm_time t,
                          const tmc_sign_opts *o)
{
    const tmc_valset *vs = c->sets[block(c, h)->vals];
    uint8_t psh_hash[32];
    label_hash(psh_hash, "parts", h);
    lcp_buf id = {0}, psh = {0};
    b_bytes(&id, 1, hash, 32);
    b_uint_opt(&psh, 1, 1);
    b_bytes(&psh, 2, psh_hash, 32);
    b_msg(&id, 2, &psh);
    b_uint_opt(out, 1, (uint64_t)h);
    b_msg(out, 3, &id);
    lcp_tm_commit cm;
    memset(&cm, 0, sizeof cm);
    cm.height = h;
    cm.block_id.hash = (lcp_bytes){hash, 32};
    cm.block_id.part_set_total = 1;
    cm.block_id.part_set_hash = (lcp_bytes){psh_hash, 32};
    for (size_t i = 0; i < vs->n; i++) {
        lcp_buf s = {0};
        if (o && o->absent && o->absent[i]) {
            b_uint_opt(&s, 1, LCP_TM_FLAG_ABSENT);
            b_msg(out, 4, &s);
            continue;
        }
        lcp_tm_commit_sig sig;
        memset(&sig, 0, sizeof sig);
        sig.flag = LCP_TM_FLAG_COMMIT;
        sig.timestamp.seconds = t.seconds + 1;
        sig.timestamp.nanos = (int32_t)(i * 1000);
        sig.has_timestamp = 1;
        uint8_t msg[LCP_TM_SIGN_BYTES_MAX], sg[64];
        size_t ml;
        char err[LCP_ERR_LEN] = "";
        if (lcp_tm_vote_sign_bytes(msg, sizeof msg, &ml, (const uint8_t *)c->chain_id, strlen(c->chain_id), &cm, &sig,
                                   err) != LCP_OK)
            die("sign bytes: %s", err);
        crypto_sign_detached(sg, NULL, msg, ml, vs->v[i].sk);
        if (o && o->forge == (int)i + 1) sg[7] ^= 0x20;
        b_uint_opt(&s, 1, LCP_TM_FLAG_COMMIT);
        b_bytes(&s, 2, vs->v[i].address, 20);
        b_time(&s, 3, sig.timestamp);
        b_bytes(&s, 4, sg, 64);
        b_msg(out, 4, &s);
    }
}

void tmc_ibc_header(lcp_buf *out, const tmc_chain *c, int64_t h, int64_t trusted_h, const tmc_sign_opts *o)
{
    const tmc_block *b = block(c, h), *tb = block(c, trusted_h);
    lcp_tm_time t = b->time;
    if (o && o->time_offset_ns) {
        int64_t ns = (int64_t)t.nanos + o->time_offset_ns;
        t.seconds += ns / 1000000000;
        ns %= 1000000000;
        if (ns < 0) {
            ns += 1000000000;
            t.seconds--;
        }
        t.nanos = (int32_t)ns;
    }
    lcp_buf hd = {0}, cm = {0}, sh = {0}, vals = {0}, th = {0}, tv = {0};
    header_encode(&hd, c, h, o ? o->app_hash : NULL, t);
    uint8_t hash[32];
    header_hash(hash, &hd);
    commit_encode(&cm, c, h, hash, t, o);
    b_msg(&sh, 1, &hd);
    b_msg(&sh, 2, &cm);
    b_msg(out, 1, &sh);
    tmc_valset_encode(&vals, c->sets[b->vals]);
    b_msg(out, 2, &vals);
    b_uint_opt(&th, 1, tmc_chain_revision(c));
    b_uint_opt(&th, 2, (uint64_t)trusted_h);
    b_msg(out, 3, &th);
    tmc_valset_encode(&tv, c->sets[tb->next]);
    b_msg(out, 4, &tv);
}

void tmc_misbehaviour(lcp_buf *out, const char *client_id, const lcp_buf *h1, const lcp_buf *h2)
{
    b_bytes(out, 1, client_id, strlen(client_id));
    b_bytes(out, 2, h1->data, h1->len);
    b_bytes(out, 3, h2->data, h2->len);
}

/* IavlSpec and TendermintSpec as ibc-go's default proof specs encode them. */
static const uint8_t iavl_spec[] = {0x0a, 0x09, 0x08, 0x01, 0x18, 0x01, 0x20, 0x01, 0x2a, 0x01, 0x00, 0x12, 0x0c,
                                    0x0a, 0x02, 0x00, 0x01, 0x10, 0x21, 0x18, 0x04, 0x20, 0x0c, 0x30, 0x01};
static const uint8_t tm_spec[] = {0x0a, 0x09, 0x08, 0x01, 0x18, 0x01, 0x20, 0x01, 0x2a, 0x01, 0x00, 0x12, 0x0c,
                                  0x0a, 0x02, 0x00, 0x01, 0x10, 0x20, 0x18, 0x01, 0x20, 0x01, 0x30, 0x01};

static void b_duration(lcp_buf *b, uint32_t field, int64_t s)
{
    lcp_buf m = {0};
    b_uint_opt(&m, 1, (uint64_t)s);
    b_msg(b, field, &m);
}

void tmc_client_state(lcp_buf *out, const tmc_chain *c, int64_t h, const tmc_client_params *p)
{
    tmc_client_params d = {1, 3, 14 * 86400, 21 * 86400, 10};
    if (p == NULL) p = &d;
    lcp_buf m = {0};
    b_bytes(out, 1, c->chain_id, strlen(c->chain_id));
    b_uint_opt(&m, 1, p->trust_num);
    b_uint_opt(&m, 2, p->trust_den);
    b_msg(out, 2, &m);
    b_duration(out, 3, p->trusting_s);
    b_duration(out, 4, p->unbonding_s);
    b_duration(out, 5, p->drift_s);
    b_msg(out, 6, &m); /* frozen height: present and empty, as ibc-go writes it */
    b_uint_opt(&m, 1, tmc_chain_revision(c));
    b_uint_opt(&m, 2, (uint64_t)h);
    b_msg(out, 7, &m);
    b_bytes(out, 8, iavl_spec, sizeof iavl_spec);
    b_bytes(out, 8, tm_spec, sizeof tm_spec);
    b_bytes(out, 9, "upgrade", 7);
    b_bytes(out, 9, "upgradedIBCState", 16);
    b_uint_opt(out, 10, 1);
    b_uint_opt(out, 11, 1);
}

void tmc_consensus_state(lcp_buf *out, const tmc_chain *c, int64_t h)
{
    const tmc_block *b = block(c, h);
    lcp_buf root = {0};
    b_time(out, 1, b->time);
    b_bytes(&root, 1, b->app_hash, 32);
    b_msg(out, 2, &root);
    b_bytes(out, 3, c->set_hash[b->next], 32);
}

lcp_pb_any tmc_any(const char *type_url, const lcp_buf *value)
{
    lcp_pb_any a = {{(const uint8_t *)type_url, strlen(type_url)}, {value->data, value->len}};
    return a;
}

/* ---- the committed state: an IAVL store under a simple-Merkle multistore ---- */

#define IAVL_VERSION 1

static void b_zigzag(lcp_buf *b, int64_t v) { b_varint(b, ((uint64_t)v << 1) ^ (uint64_t)(v >> 63)); }

/* LeafOp of the IAVL spec for a leaf at IAVL_VERSION: prefix = zigzag(height 0, size 1, version). */
static void iavl_leaf_op(lcp_buf *out)
{
    lcp_buf prefix = {0};
    b_zigzag(&prefix, 0);
    b_zigzag(&prefix, 1);
    b_zigzag(&prefix, IAVL_VERSION);
    b_uint_opt(out, 1, LCP_ICS23_SHA256);
    b_uint_opt(out, 3, LCP_ICS23_SHA256);
    b_uint_opt(out, 4, LCP_ICS23_VAR_PROTO);
    b_msg(out, 5, &prefix);
}

/* hash(prefix || varint(len key) || key || varint(32) || SHA-256(value)) with the given leaf prefix */
static void kv_leaf_hash(uint8_t out[32], const uint8_t *prefix, size_t prefix_len, const uint8_t *key, size_t key_len,
                         const uint8_t *value, size_t value_len)
{
    lcp_buf b = {0};
    uint8_t vh[32];
    sha256(vh, value, value_len);
    b_raw(&b, prefix, prefix_len);
    b_varint(&b, key_len);
    b_raw(&b, key, key_len);
    b_varint(&b, 32);
    b_raw(&b, vh, 32);
    sha256(out, b.data, b.len);
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
    b_raw(&node, pre.data, pre.len);
    b_varint(&node, 32);
    b_raw(&node, l.hash, 32);
    b_varint(&node, 32);
    b_raw(&node, r.hash, 32);
    sha256(n.hash, node.data, node.len);
    lcp_buf_free(&node);
    if (path) {
        lcp_buf op = {0}, suffix = {0};
        b_uint_opt(&op, 1, LCP_ICS23_SHA256);
        b_varint(&pre, 32);
        if (in_left) {
            b_varint(&suffix, 32);
            b_raw(&suffix, r.hash, 32);
            b_msg(&op, 2, &pre);
            b_msg(&op, 3, &suffix);
        } else {
            b_raw(&pre, l.hash, 32);
            b_varint(&pre, 32);
            b_msg(&op, 2, &pre);
        }
        b_msg(path, 4, &op);
    }
    lcp_buf_free(&pre);
    return n;
}

static void iavl_exist(lcp_buf *out, const tmc_kv *kvs, size_t n, size_t i)
{
    lcp_buf leaf = {0}, path = {0};
    b_bytes(out, 1, kvs[i].key, strlen(kvs[i].key));
    b_bytes(out, 2, kvs[i].value, kvs[i].value_len);
    iavl_leaf_op(&leaf);
    b_msg(out, 3, &leaf);
    iavl_tree(kvs, 0, n, i, &path);
    b_raw(out, path.data, path.len);
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
    if (n == 0) die("a state needs at least one key");
    for (size_t i = 1; i < n; i++)
        if (strcmp(kvs[i - 1].key, kvs[i].key) >= 0) die("state keys must be strictly ascending");
}

/* The multistore root (RFC 6962 tree over the three stores: ((acc, bank), ibc)) and the left subtree's hash. */
static void multistore(uint8_t root[32], uint8_t left[32], const uint8_t ibc_root[32])
{
    uint8_t la[32], lb[32], li[32], r[32], node[65];
    label_hash(r, "acc root", 0);
    store_leaf(la, STORES[0], r);
    label_hash(r, "bank root", 0);
    store_leaf(lb, STORES[1], r);
    store_leaf(li, STORES[2], ibc_root);
    node[0] = 0x01;
    memcpy(node + 1, la, 32);
    memcpy(node + 33, lb, 32);
    sha256(left, node, 65);
    memcpy(node + 1, left, 32);
    memcpy(node + 33, li, 32);
    sha256(root, node, 65);
}

void tmc_state_app_hash(uint8_t out[32], const tmc_kv *kvs, size_t n)
{
    check_kvs(kvs, n);
    iavl_node t = iavl_tree(kvs, 0, n, 0, NULL);
    uint8_t left[32];
    multistore(out, left, t.hash);
}

void tmc_state_proof(lcp_buf *out, const tmc_kv *kvs, size_t n, const char *key, int exist)
{
    check_kvs(kvs, n);
    size_t i = 0;
    while (i < n && strcmp(kvs[i].key, key) < 0) i++;
    int present = i < n && strcmp(kvs[i].key, key) == 0;
    if (present != (exist != 0)) die("key %s is %s the state", key, present ? "in" : "not in");
    lcp_buf inner = {0}, cp = {0};
    if (exist) {
        iavl_exist(&inner, kvs, n, i);
        b_msg(&cp, 1, &inner);
    } else {
        b_bytes(&inner, 1, key, strlen(key));
        if (i > 0) {
            lcp_buf l = {0};
            iavl_exist(&l, kvs, n, i - 1);
            b_msg(&inner, 2, &l);
        }
        if (i < n) {
            lcp_buf r = {0};
            iavl_exist(&r, kvs, n, i);
            b_msg(&inner, 3, &r);
        }
        b_msg(&cp, 2, &inner);
    }
    b_msg(out, 1, &cp);
    /* the "ibc" store's root inside the multistore: a right child under ((acc, bank), ibc) */
    iavl_node t = iavl_tree(kvs, 0, n, 0, NULL);
    uint8_t root[32], left[32];
    multistore(root, left, t.hash);
    lcp_buf ep = {0}, leaf = {0}, op = {0}, pre = {0};
    b_bytes(&ep, 1, STORES[2], 3);
    b_bytes(&ep, 2, t.hash, 32);
    b_uint_opt(&leaf, 1, LCP_ICS23_SHA256);
    b_uint_opt(&leaf, 3, LCP_ICS23_SHA256);
    b_uint_opt(&leaf, 4, LCP_ICS23_VAR_PROTO);
    b_bytes(&leaf, 5, "\x00", 1);
    b_msg(&ep, 3, &leaf);
    b_uint_opt(&op, 1, LCP_ICS23_SHA256);
    b_raw(&pre, "\x01", 1);
    b_raw(&pre, left, 32);
    b_msg(&op, 2, &pre);
    b_msg(&ep, 4, &op);
    b_msg(&cp, 1, &ep);
    b_msg(out, 1, &cp);
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
    if (m == NULL) die("out of memory");
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
        m->e = grow(m->e, m->n + 1, sizeof *m->e);
        e = &m->e[m->n++];
        size_t kl = strlen(key) + 1;
        if ((e->key = lcp_malloc(kl)) == NULL) die("out of memory");
        memcpy(e->key, key, kl);
        memset(&e->value, 0, sizeof e->value);
    }
    e->value.len = 0;
    b_raw(&e->value, value, len);
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
        if (lcp_elc_key_client_type(key, sizeof key, client_id) != LCP_OK) die("client id");
        tmc_memstore_put(m, key, (const uint8_t *)"07-tendermint", 13);
    }
    if (r->client_state.len) {
        if (lcp_elc_key_client_state(key, sizeof key, client_id) != LCP_OK) die("client id");
        tmc_memstore_put(m, key, r->client_state.data, r->client_state.len);
    }
    if (r->consensus_state.len) {
        if (lcp_elc_key_consensus_state(key, sizeof key, client_id, &r->height) != LCP_OK) die("client id");
        tmc_memstore_put(m, key, r->consensus_state.data, r->consensus_state.len);
    }
}
