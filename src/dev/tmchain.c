/* The Tendermint test-chain generator (tmchain.h), part 1: validators, blocks, headers, client states. Encodings follow the proto definitions of CometBFT
 * (tendermint.types, tendermint.crypto), ibc-go (ibc.lightclients.tendermint.v1, ibc.core.commitment.v1) and
 * cosmos/ics23, written bottom-up: each nested message is built into its own buffer and then embedded. */
#include "lcp/dev_tmchain.h"
#include "tmchain_internal.h"

#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lcp/codec_pb.h"
#include "lcp/crypto.h"
#include "lcp/elc_ics23.h"

void tmc_die(const char *fmt, ...)
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

void tmc_b_raw(lcp_buf *b, const void *p, size_t n)
{
    if (n && lcp_buf_append(b, p, n) != LCP_OK) tmc_die("out of memory");
}

void tmc_b_varint(lcp_buf *b, uint64_t v)
{
    uint8_t t[10];
    size_t n = 0;
    do {
        t[n] = (uint8_t)(v & 0x7f);
        v >>= 7;
        if (v) t[n] |= 0x80;
        n++;
    } while (v);
    tmc_b_raw(b, t, n);
}

void tmc_b_tag(lcp_buf *b, uint32_t field, int wt) { tmc_b_varint(b, (uint64_t)field << 3 | (uint64_t)wt); }

void tmc_b_uint_opt(lcp_buf *b, uint32_t field, uint64_t v)
{
    if (v == 0) return;
    tmc_b_tag(b, field, LCP_PB_VARINT);
    tmc_b_varint(b, v);
}

void tmc_b_bytes(lcp_buf *b, uint32_t field, const void *p, size_t n)
{
    tmc_b_tag(b, field, LCP_PB_LEN);
    tmc_b_varint(b, n);
    tmc_b_raw(b, p, n);
}

/* Embeds m as field (even when empty) and frees it. */
void tmc_b_msg(lcp_buf *b, uint32_t field, lcp_buf *m)
{
    tmc_b_bytes(b, field, m->data, m->len);
    lcp_buf_free(m);
}

void tmc_sha256(uint8_t out[32], const void *p, size_t n)
{
    if (lcp_sha256(out, p, n) != LCP_OK) tmc_die("sha256");
}

/* SHA-256 of a label and a number: filler hashes that differ per block */
void tmc_label_hash(uint8_t out[32], const char *label, int64_t n)
{
    char s[96];
    int l = snprintf(s, sizeof s, "%s/%lld", label, (long long)n);
    tmc_sha256(out, s, (size_t)l);
}

static void b_time(lcp_buf *b, uint32_t field, lcp_tm_time t)
{
    lcp_buf m = {0};
    tmc_b_uint_opt(&m, 1, (uint64_t)t.seconds);
    tmc_b_uint_opt(&m, 2, (uint64_t)(int64_t)t.nanos);
    tmc_b_msg(b, field, &m);
}

/* ---- validators ---- */

void tmc_validator_make(tmc_validator *v, uint64_t seed, uint32_t i, int64_t power)
{
    uint8_t in[13 + 8 + 4], s[32];
    memcpy(in, "lcp-c tmchain", 13);
    for (int k = 0; k < 8; k++) in[13 + k] = (uint8_t)(seed >> (56 - 8 * k));
    for (int k = 0; k < 4; k++) in[21 + k] = (uint8_t)(i >> (24 - 8 * k));
    tmc_sha256(s, in, sizeof in);
    if (sodium_init() < 0 || crypto_sign_seed_keypair(v->pk, v->sk, s) != 0) tmc_die("key generation");
    uint8_t h[32];
    tmc_sha256(h, v->pk, 32);
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
    if (n > TMC_MAX_VALS) tmc_die("%zu validators: at most %d", n, TMC_MAX_VALS);
    vs->n = n;
    for (size_t k = 0; k < n; k++) tmc_validator_make(&vs->v[k], seed, first + (uint32_t)k, powers ? powers[k] : power);
    tmc_valset_sort(vs);
}

static void b_validator(lcp_buf *b, uint32_t field, const tmc_validator *v)
{
    lcp_buf m = {0}, pk = {0};
    tmc_b_bytes(&m, 1, v->address, 20);
    tmc_b_bytes(&pk, 1, v->pk, 32); /* PublicKey oneof: ed25519 */
    tmc_b_msg(&m, 2, &pk);
    tmc_b_uint_opt(&m, 3, (uint64_t)v->power);
    tmc_b_msg(b, field, &m);
}

void tmc_valset_encode(lcp_buf *out, const tmc_valset *vs)
{
    int64_t total = 0;
    for (size_t i = 0; i < vs->n; i++) {
        b_validator(out, 1, &vs->v[i]);
        total += vs->v[i].power;
    }
    if (vs->n) b_validator(out, 2, &vs->v[0]);
    tmc_b_uint_opt(out, 3, (uint64_t)total);
}

void tmc_valset_hash(uint8_t out[32], const tmc_valset *vs)
{
    lcp_buf b = {0};
    tmc_valset_encode(&b, vs);
    lcp_tm_valset *d = lcp_malloc(sizeof *d);
    char err[LCP_ERR_LEN] = "";
    if (d == NULL) tmc_die("out of memory");
    if (lcp_tm_decode_valset(d, b.data, b.len, err) != LCP_OK) tmc_die("own validator set: %s", err);
    if (lcp_tm_valset_hash(out, d) != LCP_OK) tmc_die("validator set hash");
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

void *tmc_grow(void *p, size_t n, size_t size)
{
    void *q = lcp_realloc(p, n * size);
    if (q == NULL) tmc_die("out of memory");
    return q;
}

static size_t add_set(tmc_chain *c, const tmc_valset *vs)
{
    c->sets = tmc_grow(c->sets, c->n_sets + 1, sizeof *c->sets);
    c->set_hash = tmc_grow(c->set_hash, c->n_sets + 1, sizeof *c->set_hash);
    c->sets[c->n_sets] = lcp_malloc(sizeof(tmc_valset));
    if (c->sets[c->n_sets] == NULL) tmc_die("out of memory");
    memcpy(c->sets[c->n_sets], vs, sizeof *vs);
    tmc_valset_hash(c->set_hash[c->n_sets], vs);
    return c->n_sets++;
}

static const tmc_block *block(const tmc_chain *c, int64_t h)
{
    if (h < 1 || (size_t)h > c->n_blocks) tmc_die("no block %lld", (long long)h);
    return &c->blocks[h - 1];
}

/* tendermint.types.Header of block h, with an optional other app hash and time (a conflicting block). */
static void header_encode(lcp_buf *out, const tmc_chain *c, int64_t h, const uint8_t *app_hash, lcp_tm_time t)
{
    const tmc_block *b = block(c, h);
    uint8_t x[32];
    lcp_buf m = {0};
    tmc_b_uint_opt(&m, 1, LCP_TM_BLOCK_PROTOCOL);
    tmc_b_msg(out, 1, &m);
    tmc_b_bytes(out, 2, c->chain_id, strlen(c->chain_id));
    tmc_b_uint_opt(out, 3, (uint64_t)h);
    b_time(out, 4, t);
    if (h > 1) { /* the first block names no predecessor */
        lcp_buf id = {0}, psh = {0};
        tmc_b_bytes(&id, 1, c->blocks[h - 2].hash, 32);
        tmc_b_uint_opt(&psh, 1, 1);
        tmc_label_hash(x, "parts", h - 1);
        tmc_b_bytes(&psh, 2, x, 32);
        tmc_b_msg(&id, 2, &psh);
        tmc_b_msg(out, 5, &id);
    }
    tmc_label_hash(x, "last commit", h);
    tmc_b_bytes(out, 6, x, 32);
    tmc_sha256(x, "", 0);
    tmc_b_bytes(out, 7, x, 32); /* data hash of an empty block */
    tmc_b_bytes(out, 8, c->set_hash[b->vals], 32);
    tmc_b_bytes(out, 9, c->set_hash[b->next], 32);
    tmc_label_hash(x, "consensus params", 0);
    tmc_b_bytes(out, 10, x, 32);
    tmc_b_bytes(out, 11, app_hash ? app_hash : b->app_hash, 32);
    tmc_label_hash(x, "results", h);
    tmc_b_bytes(out, 12, x, 32);
    tmc_sha256(x, "", 0);
    tmc_b_bytes(out, 13, x, 32);
    tmc_b_bytes(out, 14, c->sets[b->vals]->v[0].address, 20);
}

static void header_hash(uint8_t out[32], const lcp_buf *enc)
{
    lcp_tm_header hd;
    char err[LCP_ERR_LEN] = "";
    if (lcp_tm_decode_header(&hd, enc->data, enc->len, err) != LCP_OK || lcp_tm_header_hash(out, &hd, err) != LCP_OK)
        tmc_die("own header: %s", err);
}

tmc_chain *tmc_chain_new(const char *chain_id, const tmc_valset *genesis, int64_t genesis_unix_s)
{
    tmc_chain *c = lcp_calloc(1, sizeof *c);
    if (c == NULL) tmc_die("out of memory");
    if (strlen(chain_id) >= sizeof c->chain_id) tmc_die("chain id too long");
    snprintf(c->chain_id, sizeof c->chain_id, "%s", chain_id);
    c->interval = 5;
    size_t s = add_set(c, genesis);
    c->blocks = tmc_grow(NULL, 1, sizeof *c->blocks);
    c->n_blocks = 1;
    tmc_block *b = &c->blocks[0];
    memset(b, 0, sizeof *b);
    b->time.seconds = genesis_unix_s;
    b->vals = b->next = s;
    tmc_label_hash(b->app_hash, "app", 1);
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
    c->blocks = tmc_grow(c->blocks, c->n_blocks + 1, sizeof *c->blocks);
    tmc_block *b = &c->blocks[c->n_blocks++];
    int64_t h = (int64_t)c->n_blocks;
    memset(b, 0, sizeof *b);
    b->time.seconds = prev.time.seconds + c->interval;
    b->time.nanos = (int32_t)(h * 1000 % 1000000000); /* sub-second parts exercise the nanos fields */
    b->vals = prev.next;
    b->next = next;
    if (app_hash) memcpy(b->app_hash, app_hash, 32);
    else tmc_label_hash(b->app_hash, "app", h);
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
    tmc_label_hash(psh_hash, "parts", h);
    lcp_buf id = {0}, psh = {0};
    tmc_b_bytes(&id, 1, hash, 32);
    tmc_b_uint_opt(&psh, 1, 1);
    tmc_b_bytes(&psh, 2, psh_hash, 32);
    tmc_b_msg(&id, 2, &psh);
    tmc_b_uint_opt(out, 1, (uint64_t)h);
    tmc_b_msg(out, 3, &id);
    lcp_tm_commit cm;
    memset(&cm, 0, sizeof cm);
    cm.height = h;
    cm.block_id.hash = (lcp_bytes){hash, 32};
    cm.block_id.part_set_total = 1;
    cm.block_id.part_set_hash = (lcp_bytes){psh_hash, 32};
    for (size_t i = 0; i < vs->n; i++) {
        lcp_buf s = {0};
        if (o && o->absent && o->absent[i]) {
            tmc_b_uint_opt(&s, 1, LCP_TM_FLAG_ABSENT);
            tmc_b_msg(out, 4, &s);
            continue;
        }
        int nil = o && o->nil && o->nil[i];
        lcp_tm_commit_sig sig;
        memset(&sig, 0, sizeof sig);
        sig.flag = nil ? LCP_TM_FLAG_NIL : LCP_TM_FLAG_COMMIT;
        sig.timestamp.seconds = t.seconds + 1;
        sig.timestamp.nanos = (int32_t)(i * 1000);
        sig.has_timestamp = 1;
        uint8_t msg[LCP_TM_SIGN_BYTES_MAX], sg[64];
        size_t ml;
        char err[LCP_ERR_LEN] = "";
        if (lcp_tm_vote_sign_bytes(msg, sizeof msg, &ml, (const uint8_t *)c->chain_id, strlen(c->chain_id), &cm, &sig,
                                   err) != LCP_OK)
            tmc_die("sign bytes: %s", err);
        crypto_sign_detached(sg, NULL, msg, ml, vs->v[i].sk);
        if (o && o->forge == (int)i + 1) sg[7] ^= 0x20;
        tmc_b_uint_opt(&s, 1, (uint64_t)sig.flag);
        tmc_b_bytes(&s, 2, vs->v[i].address, 20);
        b_time(&s, 3, sig.timestamp);
        tmc_b_bytes(&s, 4, sg, 64);
        tmc_b_msg(out, 4, &s);
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
    tmc_b_msg(&sh, 1, &hd);
    tmc_b_msg(&sh, 2, &cm);
    tmc_b_msg(out, 1, &sh);
    tmc_valset_encode(&vals, c->sets[b->vals]);
    tmc_b_msg(out, 2, &vals);
    tmc_b_uint_opt(&th, 1, tmc_chain_revision(c));
    tmc_b_uint_opt(&th, 2, (uint64_t)trusted_h);
    tmc_b_msg(out, 3, &th);
    tmc_valset_encode(&tv, c->sets[tb->next]);
    tmc_b_msg(out, 4, &tv);
}

void tmc_misbehaviour(lcp_buf *out, const char *client_id, const lcp_buf *h1, const lcp_buf *h2)
{
    tmc_b_bytes(out, 1, client_id, strlen(client_id));
    tmc_b_bytes(out, 2, h1->data, h1->len);
    tmc_b_bytes(out, 3, h2->data, h2->len);
}

/* IavlSpec and TendermintSpec as ibc-go's default proof specs encode them. */
static const uint8_t iavl_spec[] = {0x0a, 0x09, 0x08, 0x01, 0x18, 0x01, 0x20, 0x01, 0x2a, 0x01, 0x00, 0x12, 0x0c,
                                    0x0a, 0x02, 0x00, 0x01, 0x10, 0x21, 0x18, 0x04, 0x20, 0x0c, 0x30, 0x01};
static const uint8_t tm_spec[] = {0x0a, 0x09, 0x08, 0x01, 0x18, 0x01, 0x20, 0x01, 0x2a, 0x01, 0x00, 0x12, 0x0c,
                                  0x0a, 0x02, 0x00, 0x01, 0x10, 0x20, 0x18, 0x01, 0x20, 0x01, 0x30, 0x01};

static void b_duration(lcp_buf *b, uint32_t field, int64_t s)
{
    lcp_buf m = {0};
    tmc_b_uint_opt(&m, 1, (uint64_t)s);
    tmc_b_msg(b, field, &m);
}

void tmc_proof_spec(lcp_buf *out, int which)
{
    if (which == TMC_SPEC_IAVL || which == TMC_SPEC_TENDERMINT) {
        if (which == TMC_SPEC_IAVL) tmc_b_raw(out, iavl_spec, sizeof iavl_spec);
        else tmc_b_raw(out, tm_spec, sizeof tm_spec);
        return;
    }
    if (which != TMC_SPEC_SMT) tmc_die("no proof spec %d", which);
    static const uint8_t zeros[32];
    lcp_buf leaf = {0}, inner = {0}, order = {0};
    tmc_b_uint_opt(&leaf, 1, LCP_ICS23_SHA256);
    tmc_b_uint_opt(&leaf, 2, LCP_ICS23_SHA256); /* prehash_key: keys are placed by their hash */
    tmc_b_uint_opt(&leaf, 3, LCP_ICS23_SHA256);
    tmc_b_bytes(&leaf, 5, "\x00", 1);
    tmc_b_msg(out, 1, &leaf);
    tmc_b_varint(&order, 0);
    tmc_b_varint(&order, 1);
    tmc_b_msg(&inner, 1, &order);
    tmc_b_uint_opt(&inner, 2, 32);
    tmc_b_uint_opt(&inner, 3, 1);
    tmc_b_uint_opt(&inner, 4, 1);
    tmc_b_bytes(&inner, 5, zeros, 32);
    tmc_b_uint_opt(&inner, 6, LCP_ICS23_SHA256);
    tmc_b_msg(out, 2, &inner);
    tmc_b_uint_opt(out, 3, 256);
    tmc_b_uint_opt(out, 5, 1); /* prehash_key_before_comparison */
}

void tmc_client_state(lcp_buf *out, const tmc_chain *c, int64_t h, const tmc_client_params *p)
{
    tmc_client_params d = {1, 3, 14 * 86400, 21 * 86400, 10, NULL, 0};
    if (p == NULL) p = &d;
    lcp_buf m = {0};
    tmc_b_bytes(out, 1, c->chain_id, strlen(c->chain_id));
    tmc_b_uint_opt(&m, 1, p->trust_num);
    tmc_b_uint_opt(&m, 2, p->trust_den);
    tmc_b_msg(out, 2, &m);
    b_duration(out, 3, p->trusting_s);
    b_duration(out, 4, p->unbonding_s);
    b_duration(out, 5, p->drift_s);
    tmc_b_msg(out, 6, &m); /* frozen height: present and empty, as ibc-go writes it */
    tmc_b_uint_opt(&m, 1, tmc_chain_revision(c));
    tmc_b_uint_opt(&m, 2, (uint64_t)h);
    tmc_b_msg(out, 7, &m);
    if (p->n_proof_specs == 0) {
        tmc_b_bytes(out, 8, iavl_spec, sizeof iavl_spec);
        tmc_b_bytes(out, 8, tm_spec, sizeof tm_spec);
    }
    for (size_t i = 0; i < p->n_proof_specs; i++) tmc_b_bytes(out, 8, p->proof_specs[i].data, p->proof_specs[i].len);
    tmc_b_bytes(out, 9, "upgrade", 7);
    tmc_b_bytes(out, 9, "upgradedIBCState", 16);
    tmc_b_uint_opt(out, 10, 1);
    tmc_b_uint_opt(out, 11, 1);
}

void tmc_consensus_state(lcp_buf *out, const tmc_chain *c, int64_t h)
{
    const tmc_block *b = block(c, h);
    lcp_buf root = {0};
    b_time(out, 1, b->time);
    tmc_b_bytes(&root, 1, b->app_hash, 32);
    tmc_b_msg(out, 2, &root);
    tmc_b_bytes(out, 3, c->set_hash[b->next], 32);
}

lcp_pb_any tmc_any(const char *type_url, const lcp_buf *value)
{
    lcp_pb_any a = {{(const uint8_t *)type_url, strlen(type_url)}, {value->data, value->len}};
    return a;
}

