/* ethchain: see ethchain.h. */
#include "ethchain.h"

#include <openssl/bn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ethtrie.h"
#include "lcp/crypto.h"
#include "lcp/crypto_bls.h"
#include "lcp/elc_eth_mpt.h"
#include "lcp/elc_eth_ssz.h"
#include "lcp/elc_ethereum.h"

#define MAX_PERIODS 64
#define MAX_COMMITMENTS 64
#define N_FORKS 6

static void die(const char *what)
{
    fprintf(stderr, "ethchain: %s\n", what);
    abort();
}

typedef struct {
    size_t n;
    uint8_t (*sk)[32];
    uint8_t (*pk)[48];
    uint8_t agg[48];
} committee;

typedef struct {
    char path[256];
    uint8_t hash[32];
} commitment;

struct ethc_chain {
    ethc_params p;
    size_t n;
    uint64_t spe, epp, sps;
    committee *honest[MAX_PERIODS], *evil[MAX_PERIODS];
    commitment cm[MAX_COMMITMENTS];
    size_t n_cm;
    uint8_t gvr[32], ibc_address[20], slot[32];
    lcp_eth_client_state cs; /* the decoded client state, for signing roots */
};

/* ---- buffers ---- */

static void app(lcp_buf *b, const void *p, size_t n)
{
    if (lcp_buf_append(b, p, n) != LCP_OK) die("out of memory");
}

static void varint(lcp_buf *b, uint64_t v)
{
    uint8_t t[10];
    size_t k = 0;
    do {
        t[k++] = (uint8_t)((v & 0x7f) | (v > 0x7f ? 0x80 : 0));
        v >>= 7;
    } while (v);
    app(b, t, k);
}

static void f_uint(lcp_buf *b, uint32_t f, uint64_t v)
{
    if (!v) return;
    varint(b, (uint64_t)f << 3);
    varint(b, v);
}

static void f_bytes(lcp_buf *b, uint32_t f, const void *p, size_t n)
{
    varint(b, (uint64_t)f << 3 | 2);
    varint(b, n);
    app(b, p, n);
}

/* Appends field f holding sub, then frees sub. */
static void f_msg(lcp_buf *b, uint32_t f, lcp_buf *sub)
{
    f_bytes(b, f, sub->data ? sub->data : (uint8_t *)"", sub->len);
    lcp_buf_free(sub);
}

/* ---- keys ---- */

static void derive_sk(uint8_t sk[32], uint64_t seed, uint64_t period, uint32_t i, int evil)
{
    static const char *R = "73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001";
    uint8_t in[32], h[32];
    memcpy(in, "lcp-c ethchain k", 16);
    lcp_put_le64(in + 16, seed ^ (evil ? 0x5a5a5a5a00000000ull : 0));
    lcp_put_le32(in + 24, (uint32_t)period);
    lcp_put_le32(in + 28, i);
    if (lcp_sha256(h, in, sizeof in) != LCP_OK) die("sha256");
    BIGNUM *x = BN_bin2bn(h, 32, NULL), *r = NULL;
    BN_CTX *ctx = BN_CTX_new();
    if (!x || !ctx || !BN_hex2bn(&r, R) || !BN_sub_word(r, 1) || !BN_nnmod(x, x, r, ctx) || !BN_add_word(x, 1) ||
        BN_bn2binpad(x, sk, 32) != 32)
        die("bignum");
    BN_free(x);
    BN_free(r);
    BN_CTX_free(ctx);
}

/* Sum of the first k secret keys of c, mod r. */
static void sum_sk(uint8_t out[32], const committee *c, size_t k)
{
    static const char *R = "73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001";
    BIGNUM *acc = BN_new(), *r = NULL, *t = BN_new();
    BN_CTX *ctx = BN_CTX_new();
    if (!acc || !t || !ctx || !BN_hex2bn(&r, R)) die("bignum");
    BN_zero(acc);
    for (size_t i = 0; i < k; i++)
        if (!BN_bin2bn(c->sk[i], 32, t) || !BN_mod_add(acc, acc, t, r, ctx)) die("bignum");
    if (BN_bn2binpad(acc, out, 32) != 32) die("bignum");
    BN_free(acc);
    BN_free(t);
    BN_free(r);
    BN_CTX_free(ctx);
}

static committee *committee_of(ethc_chain *c, uint64_t period, int evil)
{
    if (period >= MAX_PERIODS) die("period beyond the generator's range");
    committee **slot = evil ? &c->evil[period] : &c->honest[period];
    if (*slot) return *slot;
    committee *k = calloc(1, sizeof *k);
    if (!k || !(k->sk = calloc(c->n, 32)) || !(k->pk = calloc(c->n, 48))) die("out of memory");
    k->n = c->n;
    for (size_t i = 0; i < c->n; i++) {
        derive_sk(k->sk[i], c->p.seed, period, (uint32_t)i, evil);
        if (lcp_bls_sk_to_pk(k->pk[i], k->sk[i]) != LCP_OK) die("sk_to_pk");
    }
    uint8_t s[32];
    sum_sk(s, k, c->n);
    if (lcp_bls_sk_to_pk(k->agg, s) != LCP_OK) die("aggregate key");
    lcp_memzero(s, sizeof s);
    *slot = k;
    return k;
}

static void committee_free(committee *k)
{
    if (!k) return;
    free(k->sk);
    free(k->pk);
    free(k);
}

void ethc_override_committee(ethc_chain *c, uint64_t period, const uint8_t (*sk)[32], const uint8_t (*pk)[48],
                             const uint8_t aggregate[48])
{
    committee *k = committee_of(c, period, 0);
    memcpy(k->sk, sk, c->n * 32);
    memcpy(k->pk, pk, c->n * 48);
    memcpy(k->agg, aggregate, 48);
}

/* ---- chain ---- */

uint64_t ethc_slot_time(const ethc_chain *c, uint64_t slot) { return c->p.genesis_time + slot * c->sps; }
size_t ethc_committee_size(const ethc_chain *c) { return c->n; }
uint64_t ethc_slots_per_period(const ethc_chain *c) { return c->spe * c->epp; }
uint64_t ethc_header_time(const ethc_chain *c, uint64_t finalized_slot) { return ethc_slot_time(c, finalized_slot); }
const uint8_t *ethc_ibc_address(const ethc_chain *c) { return c->ibc_address; }
static uint64_t period_of(const ethc_chain *c, uint64_t slot) { return slot / ethc_slots_per_period(c); }

static const uint32_t GINDEX[N_FORKS][6] = {
    {105, 54, 55, 0, 0, 0},    {105, 54, 55, 25, 18, 22}, {105, 54, 55, 25, 18, 22},
    {105, 54, 55, 25, 34, 38}, {169, 86, 87, 25, 34, 38}, {169, 86, 87, 25, 34, 38},
};

ethc_chain *ethc_chain_new(const ethc_params *p)
{
    ethc_chain *c = calloc(1, sizeof *c);
    if (!c) die("out of memory");
    c->p = *p;
    if (!c->p.trusting_s) c->p.trusting_s = 14 * 86400;
    if (!c->p.drift_s) c->p.drift_s = 60;
    c->n = p->minimal ? 32 : 512;
    c->spe = p->minimal ? 8 : 32;
    c->epp = p->minimal ? 8 : 256;
    c->sps = p->minimal ? 6 : 12;
    uint8_t s[8];
    lcp_put_le64(s, p->seed);
    if (lcp_sha256(c->gvr, s, 8) != LCP_OK) die("sha256");
    memset(c->ibc_address, 0xa7, 20);
    c->ibc_address[19] = (uint8_t)p->seed;
    static const uint8_t SLOT[32] = {0x1e, 0xe2, 0x22, 0x55, 0x49, 0x89, 0xdd, 0xa1, 0x20, 0xe2, 0x6e,
                                     0xca, 0xcf, 0x75, 0x6f, 0xe1, 0x23, 0x5c, 0xd8, 0xd7, 0x26, 0x70,
                                     0x6b, 0x57, 0x51, 0x77, 0x15, 0xdd, 0xe4, 0xf0, 0xc9, 0x00};
    memcpy(c->slot, SLOT, 32);
    lcp_buf cs = {0};
    ethc_client_state(&cs, c, 1);
    if (lcp_eth_decode_client_state(&c->cs, cs.data, cs.len, NULL) != LCP_OK) die("own client state");
    lcp_buf_free(&cs);
    return c;
}

void ethc_chain_free(ethc_chain *c)
{
    if (!c) return;
    for (int i = 0; i < MAX_PERIODS; i++) {
        committee_free(c->honest[i]);
        committee_free(c->evil[i]);
    }
    free(c);
}

void ethc_client_state(lcp_buf *out, const ethc_chain *c, uint64_t latest)
{
    uint8_t net = c->p.minimal ? 1 : 0, v[4] = {0, 0, 0, net};
    lcp_buf fp = {0}, t = {0};
    f_bytes(&fp, 1, v, 4);
    for (int i = 0; i < N_FORKS; i++) {
        lcp_buf fork = {0}, spec = {0};
        for (int k = 0; k < 6; k++) f_uint(&spec, (uint32_t)k + 1, GINDEX[i][k]);
        v[0] = (uint8_t)(i + 1);
        f_bytes(&fork, 1, v, 4);
        f_msg(&fork, 3, &spec);
        f_msg(&fp, 2, &fork);
    }
    f_bytes(out, 1, c->gvr, 32);
    f_uint(out, 2, 1);
    f_uint(out, 3, c->p.genesis_time);
    f_msg(out, 4, &fp);
    f_uint(out, 5, c->sps);
    f_uint(out, 6, c->spe);
    f_uint(out, 7, c->epp);
    f_bytes(out, 8, c->ibc_address, 20);
    f_bytes(out, 9, c->slot, 32);
    f_uint(&t, 1, 2);
    f_uint(&t, 2, 3);
    f_msg(out, 10, &t);
    f_uint(&t, 1, c->p.trusting_s);
    f_msg(out, 11, &t);
    f_uint(&t, 1, c->p.drift_s);
    f_msg(out, 12, &t);
    f_uint(out, 13, latest);
}

/* ---- execution state ---- */

void ethc_set_commitment(ethc_chain *c, const char *path, const uint8_t *value, size_t value_len)
{
    size_t i = 0;
    while (i < c->n_cm && strcmp(c->cm[i].path, path) != 0) i++;
    if (i == MAX_COMMITMENTS || strlen(path) >= sizeof c->cm[i].path) die("too many commitments");
    snprintf(c->cm[i].path, sizeof c->cm[i].path, "%s", path);
    lcp_keccak256(c->cm[i].hash, value, value_len);
    if (i == c->n_cm) c->n_cm++;
}

typedef struct {
    uint8_t key[32];
    uint8_t leaf[33];
    size_t leaf_len;
} slot_kv;

static size_t storage_kvs(const ethc_chain *c, slot_kv *s, ethtrie_kv *kv)
{
    for (size_t i = 0; i < c->n_cm; i++) {
        uint8_t loc[32];
        lcp_eth_ibc_commitment_location(loc, (const uint8_t *)c->cm[i].path, strlen(c->cm[i].path), c->slot);
        lcp_keccak256(s[i].key, loc, 32);
        /* the slot holds keccak256(value); its leaf is RLP of the word without leading zeros */
        size_t z = 0;
        while (z < 32 && c->cm[i].hash[z] == 0) z++;
        s[i].leaf[0] = (uint8_t)(0x80 + 32 - z);
        memcpy(s[i].leaf + 1, c->cm[i].hash + z, 32 - z);
        s[i].leaf_len = 33 - z;
        kv[i] = (ethtrie_kv){s[i].key, 32, s[i].leaf, s[i].leaf_len};
    }
    return c->n_cm;
}

void ethc_storage_root(uint8_t out[32], const ethc_chain *c)
{
    slot_kv s[MAX_COMMITMENTS];
    ethtrie_kv kv[MAX_COMMITMENTS];
    ethtrie_root(out, kv, storage_kvs(c, s, kv));
}

void ethc_storage_proof(lcp_buf *out, const ethc_chain *c, const char *path)
{
    slot_kv s[MAX_COMMITMENTS];
    ethtrie_kv kv[MAX_COMMITMENTS];
    size_t n = storage_kvs(c, s, kv);
    uint8_t loc[32], key[32];
    lcp_eth_ibc_commitment_location(loc, (const uint8_t *)path, strlen(path), c->slot);
    lcp_keccak256(key, loc, 32);
    ethtrie_proof(out, kv, n, key, 32);
}

/* The state trie: the IBC contract and one other account. Out: root, and the IBC account's proof. */
static void execution_state(const ethc_chain *c, uint8_t root[32], lcp_buf *proof, uint8_t storage_root[32])
{
    uint8_t acct[2][70], keys[2][32], other[20];
    ethc_storage_root(storage_root, c);
    for (int i = 0; i < 2; i++) {
        acct[i][0] = 0xf8;
        acct[i][1] = 0x44;
        acct[i][2] = (uint8_t)(1 + i); /* nonce */
        acct[i][3] = 0x80;             /* balance 0 */
        acct[i][4] = 0xa0;
        acct[i][37] = 0xa0;
        if (i == 0) memcpy(acct[i] + 5, storage_root, 32);
        else memcpy(acct[i] + 5, lcp_eth_mpt_empty_root, 32);
        memset(acct[i] + 38, 0x11 * (i + 1), 32); /* code hash */
    }
    memset(other, 0x42, 20);
    lcp_keccak256(keys[0], c->ibc_address, 20);
    lcp_keccak256(keys[1], other, 20);
    ethtrie_kv kv[2] = {{keys[0], 32, acct[0], 70}, {keys[1], 32, acct[1], 70}};
    ethtrie_root(root, kv, 2);
    ethtrie_proof(proof, kv, 2, keys[0], 32);
}

/* ---- sparse SSZ trees ---- */

typedef struct {
    uint64_t g;
    uint8_t v[32];
} tleaf;

static unsigned depth_of(uint64_t g)
{
    unsigned d = 0;
    while (g >> (d + 1)) d++;
    return d;
}

static void h2(uint8_t out[32], const uint8_t a[32], const uint8_t b[32])
{
    lcp_bytes parts[2] = {{a, 32}, {b, 32}};
    if (lcp_sha256_parts(out, parts, 2) != LCP_OK) die("sha256");
}

static void tnode(uint8_t out[32], uint64_t g, const tleaf *ls, size_t n, uint64_t salt)
{
    int below = 0;
    for (size_t i = 0; i < n; i++) {
        if (ls[i].g == g) {
            memcpy(out, ls[i].v, 32);
            return;
        }
        unsigned dl = depth_of(ls[i].g), dg = depth_of(g);
        if (dl > dg && (ls[i].g >> (dl - dg)) == g) below = 1;
    }
    if (below) {
        uint8_t l[32], r[32];
        tnode(l, 2 * g, ls, n, salt);
        tnode(r, 2 * g + 1, ls, n, salt);
        h2(out, l, r);
        return;
    }
    uint8_t in[24];
    memcpy(in, "ethcfill", 8);
    lcp_put_le64(in + 8, salt);
    lcp_put_le64(in + 16, g);
    if (lcp_sha256(out, in, sizeof in) != LCP_OK) die("sha256");
}

/* Branch of leaf g (siblings from the bottom up) into br; returns its length. */
static size_t tbranch(uint8_t (*br)[32], uint64_t g, const tleaf *ls, size_t n, uint64_t salt)
{
    size_t k = 0;
    for (; g > 1; g >>= 1) tnode(br[k++], g ^ 1, ls, n, salt);
    return k;
}

static void filler(uint8_t out[32], uint64_t salt, uint64_t what)
{
    tnode(out, what | (1ull << 62), NULL, 0, salt);
}

/* ---- updates ---- */

static void put_branch(lcp_buf *b, uint32_t f, uint8_t (*br)[32], size_t n)
{
    for (size_t i = 0; i < n; i++) f_bytes(b, f, br[i], 32);
}

static void put_beacon_header(lcp_buf *out, uint32_t field, const lcp_eth_beacon_header *h)
{
    lcp_buf b = {0};
    f_uint(&b, 1, h->slot);
    f_uint(&b, 2, h->proposer_index);
    f_bytes(&b, 3, h->parent_root, 32);
    f_bytes(&b, 4, h->state_root, 32);
    f_bytes(&b, 5, h->body_root, 32);
    f_msg(out, field, &b);
}

static void put_committee(lcp_buf *out, uint32_t field, const committee *k)
{
    lcp_buf b = {0};
    for (size_t i = 0; i < k->n; i++) f_bytes(&b, 1, k->pk[i], 48);
    f_bytes(&b, 2, k->agg, 48);
    f_msg(out, field, &b);
}

/* What an update proves beside its consensus part. */
typedef struct {
    uint8_t state_root[32], storage_root[32];
    uint8_t sr_branch[8][32], bn_branch[8][32];
    size_t sr_n, bn_n;
    lcp_buf account_proof;
} exec_part;

static uint64_t attested_of(const ethc_chain *c, const ethc_update_opts *o)
{
    if (o->attested_slot) return o->attested_slot;
    uint64_t a = o->finalized_slot + 2 * c->spe, end = (period_of(c, o->finalized_slot) + 1) * ethc_slots_per_period(c);
    /* keep the attested header in the finalized period when that period ends sooner (the signature may cross) */
    if (a >= end && o->finalized_slot + 1 < end) a = end - 1;
    return a;
}

/* ConsensusUpdate for o into out; ex receives the execution part. */
static void consensus_update(lcp_buf *out, ethc_chain *c, const ethc_update_opts *o, exec_part *ex)
{
    uint64_t F = o->finalized_slot, A = attested_of(c, o), S = A + 1;
    uint64_t salt = F * 4 + (uint64_t)(o->fork != 0) * 2 + (uint64_t)(o->evil_next != 0);
    const uint32_t *gi = GINDEX[N_FORKS - 1];
    /* execution payload: state_root and block_number */
    memset(&ex->account_proof, 0, sizeof ex->account_proof);
    execution_state(c, ex->state_root, &ex->account_proof, ex->storage_root);
    tleaf pl[2];
    pl[0].g = gi[4];
    memcpy(pl[0].v, ex->state_root, 32);
    pl[1].g = gi[5];
    lcp_eth_ssz_uint64_leaf(pl[1].v, o->block_number);
    uint8_t payload_root[32], body_root[32], exec_br[8][32];
    tnode(payload_root, 1, pl, 2, salt + 1000);
    ex->sr_n = tbranch(ex->sr_branch, gi[4], pl, 2, salt + 1000);
    ex->bn_n = tbranch(ex->bn_branch, gi[5], pl, 2, salt + 1000);
    tleaf bl = {gi[3], {0}};
    memcpy(bl.v, payload_root, 32);
    tnode(body_root, 1, &bl, 1, salt + 2000);
    size_t exec_n = tbranch(exec_br, gi[3], &bl, 1, salt + 2000);
    /* finalized header */
    lcp_eth_beacon_header fin = {F, F % 97, {0}, {0}, {0}};
    filler(fin.parent_root, salt, 1);
    filler(fin.state_root, salt, 2);
    memcpy(fin.body_root, body_root, 32);
    /* attested state: the finalized root and the next committee */
    tleaf sl[2];
    size_t nsl = 1;
    sl[0].g = gi[0];
    if (lcp_eth_ssz_beacon_header_root(sl[0].v, &fin) != LCP_OK) die("header root");
    committee *next = NULL;
    if (o->with_next) {
        next = committee_of(c, period_of(c, A) + 1, o->evil_next);
        sl[1].g = gi[2];
        if (lcp_eth_ssz_sync_committee_root(sl[1].v, (const uint8_t(*)[48])next->pk, next->n, next->agg) != LCP_OK)
            die("committee root");
        nsl = 2;
    }
    lcp_eth_beacon_header att = {A, A % 89, {0}, {0}, {0}};
    filler(att.parent_root, salt, 3);
    filler(att.body_root, salt, 4);
    tnode(att.state_root, 1, sl, nsl, salt + 3000);
    uint8_t fin_br[8][32], next_br[8][32];
    size_t fin_n = tbranch(fin_br, gi[0], sl, nsl, salt + 3000), next_n = 0;
    if (next) next_n = tbranch(next_br, gi[2], sl, nsl, salt + 3000);
    /* the signature by the first `signers` members of the signature period's committee */
    committee *k = committee_of(c, period_of(c, S), 0);
    size_t signers = o->signers ? o->signers : k->n;
    uint8_t root[32], sig[96], sk[32], bits[64] = {0};
    if (lcp_eth_signing_root(root, NULL, &c->cs, &att, S) != LCP_OK) die("signing root");
    sum_sk(sk, k, signers);
    if (lcp_bls_sign(sig, sk, root, 32) != LCP_OK) die("sign");
    lcp_memzero(sk, sizeof sk);
    for (size_t i = 0; i < signers; i++) bits[i / 8] |= (uint8_t)(1u << (i % 8));

    put_beacon_header(out, 1, &att);
    if (next) {
        put_committee(out, 2, next);
        put_branch(out, 3, next_br, next_n);
    }
    put_beacon_header(out, 4, &fin);
    put_branch(out, 5, fin_br, fin_n);
    f_bytes(out, 6, payload_root, 32);
    put_branch(out, 7, exec_br, exec_n);
    lcp_buf agg = {0};
    f_bytes(&agg, 1, bits, k->n / 8);
    f_bytes(&agg, 2, sig, 96);
    f_msg(out, 8, &agg);
    f_uint(out, 9, S);
}

/* TrustedSyncCommittee: the committee that signs o, current or next of the trusted state. */
static void trusted_committee(lcp_buf *out, uint32_t field, ethc_chain *c, const ethc_update_opts *o)
{
    uint64_t S = attested_of(c, o) + 1;
    lcp_buf t = {0}, h = {0};
    f_uint(&h, 2, o->trusted_height);
    f_msg(&t, 1, &h);
    put_committee(&t, 2, committee_of(c, period_of(c, S), 0));
    f_uint(&t, 3, period_of(c, S) == period_of(c, o->trusted_slot) + 1);
    f_msg(out, field, &t);
}

void ethc_header(lcp_buf *out, ethc_chain *c, const ethc_update_opts *o)
{
    lcp_buf cu = {0}, eu = {0}, au = {0};
    exec_part ex;
    consensus_update(&cu, c, o, &ex);
    trusted_committee(out, 1, c, o);
    f_msg(out, 2, &cu);
    f_bytes(&eu, 1, ex.state_root, 32);
    put_branch(&eu, 2, ex.sr_branch, ex.sr_n);
    f_uint(&eu, 3, o->block_number);
    put_branch(&eu, 4, ex.bn_branch, ex.bn_n);
    f_msg(out, 3, &eu);
    f_bytes(&au, 1, ex.account_proof.data, ex.account_proof.len);
    f_bytes(&au, 2, ex.storage_root, 32);
    f_msg(out, 4, &au);
    f_uint(out, 5, ethc_header_time(c, o->finalized_slot));
    lcp_buf_free(&ex.account_proof);
}

void ethc_misbehaviour(lcp_buf *out, ethc_chain *c, int kind, const char *client_id, const ethc_update_opts *a,
                       const ethc_update_opts *b)
{
    (void)kind;
    lcp_buf u1 = {0}, u2 = {0};
    exec_part ex;
    f_bytes(out, 1, client_id, strlen(client_id));
    trusted_committee(out, 2, c, a);
    consensus_update(&u1, c, a, &ex);
    lcp_buf_free(&ex.account_proof);
    consensus_update(&u2, c, b, &ex);
    lcp_buf_free(&ex.account_proof);
    f_msg(out, 3, &u1);
    f_msg(out, 4, &u2);
}

void ethc_consensus_state(lcp_buf *out, const ethc_chain *c, uint64_t slot)
{
    ethc_chain *m = (ethc_chain *)c; /* committees are generated on first use */
    uint8_t sr[32];
    ethc_storage_root(sr, c);
    lcp_buf ts = {0};
    f_uint(out, 1, slot);
    f_bytes(out, 2, sr, 32);
    f_uint(&ts, 1, ethc_slot_time(c, slot));
    f_msg(out, 3, &ts);
    f_bytes(out, 4, committee_of(m, period_of(c, slot), 0)->agg, 48);
    f_bytes(out, 5, committee_of(m, period_of(c, slot) + 1, 0)->agg, 48);
}
