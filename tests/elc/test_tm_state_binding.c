/* The host store rule (lcp/elc.h) for the 07-tendermint light client, and its fail-closed rule for proof specs that
 * hash keys (lcp/elc_tendermint.h; issue 10, item 1).
 *
 * A client whose store is a 4-leaf sparse Merkle tree (proof specs [SmtSpec, TendermintSpec], a chain whose app hash
 * commits to it) is created and updated once, honestly, as the enclave would. Then:
 *  - the SMT scenario: the membership of a present key is proven, and a non-existence proof of that same key, which
 *    the ICS-23 verifier accepts when keys are compared unhashed, is refused, also after the host strips
 *    prehash_key_before_comparison from the stored specs;
 *  - field by field: for every field the verifier reads (every field of ClientState, of its proof specs and of their
 *    leaf and inner specs, present or absent), the host strips it, flips it, or adds it in the stored client
 *    state; each of membership, non-membership and an update then either is refused or signs a commitment whose
 *    state id is no longer the one the LCP client holds. latest_height and frozen_height, which LCP's canonical
 *    state id leaves out, may only narrow what is signed: refused or the very same commitment. An unknown field
 *    changes nothing. */
#include "testutil.h"
#include "pbedit.h"
#include "tmchain.h"

#include <stdio.h>
#include <string.h>

#include "lcp/codec_pb.h"
#include "lcp/commitment.h"
#include "lcp/elc_ics23.h"

#define T0 1700000000
#define CID "07-tendermint-0"
#define CS_KEY "clients/07-tendermint-0/clientState"

/* Four packet commitments filling a depth-2 SMT, sequence 2 (PRESENT) right-most in hashed order (tmchain.h). */
#define KVS tmc_smt_packets
#define PRESENT (&KVS[1])

typedef struct {
    tmc_chain *c;
    tmc_memstore *m;
    uint64_t now;
    lcp_buf member_proof, forged_proof, header3;
    lcp_buf honest_cs; /* the stored client state Any after the honest update */
} world;

static uint64_t ns_of(lcp_tm_time t) { return (uint64_t)t.seconds * 1000000000ull + (uint64_t)t.nanos; }

static const lcp_height H2 = {1, 2};

/* The forged absence of PRESENT: its right neighbour is the left-most leaf (place 0, sequence 4), whose key is
 * above PRESENT's as raw bytes but below it in SHA-256 order. */
static void forged_absence(lcp_buf *out)
{
    assert_ptr_equal(tmc_smt_at(KVS, 4, 3), PRESENT);
    lcp_pb_writer w;
    lcp_buf right = {0}, ne = {0};
    tmc_smt_exist(&right, KVS, 4, 0);
    size_t n = strlen(PRESENT->key);
    assert_int_equal(lcp_buf_reserve(&ne, n + right.len + 32), LCP_OK);
    lcp_pb_writer_init(&w, ne.data, ne.cap);
    lcp_pb_put_bytes(&w, 1, PRESENT->key, n);
    lcp_pb_put_message(&w, 3, right.data, right.len);
    ne.len = w.len;
    tmc_smt_merkle_proof(out, KVS, 4, 2, &ne);
    lcp_buf_free(&right);
    lcp_buf_free(&ne);
}

static void member_proof(lcp_buf *out)
{
    lcp_buf ep = {0};
    tmc_smt_exist(&ep, KVS, 4, 3);
    tmc_smt_merkle_proof(out, KVS, 4, 1, &ep);
    lcp_buf_free(&ep);
}

static void world_open(world *w)
{
    memset(w, 0, sizeof *w);
    char err[LCP_ERR_LEN] = "";
    tmc_valset *vs = lcp_malloc(sizeof *vs);
    assert_non_null(vs);
    tmc_valset_make(vs, 77, 0, 4, NULL, 10);
    w->c = tmc_chain_new("smt-chain-1", vs, T0);
    lcp_free(vs);
    uint8_t app[32];
    tmc_smt_app_hash(app, KVS, 4);
    tmc_chain_push(w->c, NULL, app); /* 2: commits to the SMT */
    tmc_chain_push(w->c, NULL, NULL);
    w->now = ns_of(tmc_block_time(w->c, 3)) + 30000000000ull;
    w->m = tmc_memstore_new();

    lcp_buf specs[2] = {{0}, {0}}, cs = {0}, cons = {0}, h2 = {0};
    tmc_proof_spec(&specs[0], TMC_SPEC_SMT);
    tmc_proof_spec(&specs[1], TMC_SPEC_TENDERMINT);
    tmc_client_params p = {1, 3, 14 * 86400, 21 * 86400, 10, specs, 2};
    tmc_client_state(&cs, w->c, 1, &p);
    tmc_consensus_state(&cons, w->c, 1);
    lcp_pb_any a = tmc_any(TMC_T_CS, &cs), b = tmc_any(TMC_T_CONS, &cons);
    lcp_elc_env env = tmc_memstore_env(w->m, w->now);
    lcp_elc_result r = {0};
    if (lcp_elc_tendermint.create_client(&env, &r, &a, &b, err) != LCP_OK) fail_msg("create: %s", err);
    tmc_memstore_apply(w->m, CID, &r, 1);
    lcp_elc_result_free(&r);
    /* the first honest update: from here on the store holds the client state as the light client re-encodes it */
    tmc_ibc_header(&h2, w->c, 2, 1, NULL);
    lcp_pb_any ha = tmc_any(TMC_T_HEADER, &h2);
    memset(&r, 0, sizeof r);
    if (lcp_elc_tendermint.update_client(&env, &r, CID, &ha, 0, err) != LCP_OK) fail_msg("update: %s", err);
    tmc_memstore_apply(w->m, CID, &r, 0);
    lcp_elc_result_free(&r);
    const lcp_buf *stored = tmc_memstore_get(w->m, CS_KEY);
    assert_non_null(stored);
    assert_int_equal(lcp_buf_append(&w->honest_cs, stored->data, stored->len), LCP_OK);

    member_proof(&w->member_proof);
    forged_absence(&w->forged_proof);
    tmc_ibc_header(&w->header3, w->c, 3, 2, NULL);
    for (int i = 0; i < 2; i++) lcp_buf_free(&specs[i]);
    lcp_buf_free(&cs);
    lcp_buf_free(&cons);
    lcp_buf_free(&h2);
}

static void world_close(world *w)
{
    tmc_chain_free(w->c);
    tmc_memstore_free(w->m);
    lcp_buf_free(&w->member_proof);
    lcp_buf_free(&w->forged_proof);
    lcp_buf_free(&w->header3);
    lcp_buf_free(&w->honest_cs);
}

/* ---- the three commands, on whatever the store holds ---- */

enum { OP_MEMBER, OP_ABSENT, OP_UPDATE, N_OPS };
static const char *const OP_NAME[N_OPS] = {"membership", "non-membership", "update 3<-2"};

typedef struct {
    int rc;
    char err[LCP_ERR_LEN];
    lcp_buf message;
    uint8_t state_id[32]; /* the state id the LCP client must hold: state_id, or an update's prev_state_id */
} outcome;

static void run(world *w, int op, outcome *o)
{
    memset(o, 0, sizeof *o);
    lcp_elc_env env = tmc_memstore_env(w->m, w->now);
    lcp_elc_result r = {0};
    const uint8_t *key = (const uint8_t *)PRESENT->key;
    if (op == OP_UPDATE) {
        lcp_pb_any ha = tmc_any(TMC_T_HEADER, &w->header3);
        o->rc = lcp_elc_tendermint.update_client(&env, &r, CID, &ha, 0, o->err);
    } else {
        const lcp_buf *p = op == OP_MEMBER ? &w->member_proof : &w->forged_proof;
        o->rc = lcp_elc_tendermint.verify_membership(&env, &r, CID, (const uint8_t *)"ibc", 3, (const char *)key,
                                                     PRESENT->value, PRESENT->value_len, op == OP_MEMBER, &H2, p->data,
                                                     p->len, o->err);
    }
    if (o->rc == LCP_OK) {
        lcp_proxy_msg m;
        assert_int_equal(lcp_proxy_msg_decode(&m, r.message.data, r.message.len, NULL), LCP_OK);
        memcpy(o->state_id, op == OP_UPDATE ? m.u.update.prev_state_id : m.u.state.state_id, 32);
        assert_int_equal(lcp_buf_append(&o->message, r.message.data, r.message.len), LCP_OK);
    }
    lcp_elc_result_free(&r);
}

/* ---- the SMT scenario ---- */

static void test_smt_absence_of_a_present_key_is_refused(void **state)
{
    (void)state;
    world w;
    world_open(&w);
    outcome o;

    /* the key is present at height 2: its membership is proven */
    run(&w, OP_MEMBER, &o);
    if (o.rc != LCP_OK) fail_msg("membership: %s", o.err);
    lcp_buf_free(&o.message);

    /* The forged proof is a working attack on a verifier that compares keys unhashed: with SmtSpec minus field 5,
     * ICS-23 accepts the absence of a present key under the block's app hash; with field 5 it does not. */
    lcp_ics23_spec specs[2];
    lcp_buf enc[2] = {{0}, {0}};
    tmc_proof_spec(&enc[0], TMC_SPEC_SMT);
    tmc_proof_spec(&enc[1], TMC_SPEC_TENDERMINT);
    for (int i = 0; i < 2; i++) assert_int_equal(lcp_ics23_decode_spec(&specs[i], enc[i].data, enc[i].len, NULL), LCP_OK);
    assert_int_equal(specs[0].prehash_key_before_comparison, 1);
    uint8_t app[32];
    tmc_block_app_hash(app, w.c, 2);
    lcp_bytes path[2] = {{(const uint8_t *)"ibc", 3}, {(const uint8_t *)PRESENT->key, strlen(PRESENT->key)}};
    assert_int_equal(lcp_ics23_verify_chained_non_membership(specs, 2, app, 32, w.forged_proof.data, w.forged_proof.len,
                                                             path, 2, NULL),
                     LCP_ERR_ICS23_NONEXIST);
    specs[0].prehash_key_before_comparison = 0;
    assert_int_equal(lcp_ics23_verify_chained_non_membership(specs, 2, app, 32, w.forged_proof.data, w.forged_proof.len,
                                                             path, 2, NULL),
                     LCP_OK);
    for (int i = 0; i < 2; i++) lcp_buf_free(&enc[i]);

    /* The light client never proves absence for this client: not after the honest update (whose re-encoding once
     * dropped field 5) ... */
    run(&w, OP_ABSENT, &o);
    if (o.rc != LCP_ERR_ICS23_UNSUPPORTED)
        fail_msg("non-membership of a present key: expected LCP_ERR_ICS23_UNSUPPORTED, got %s (%s)", lcp_errname(o.rc),
                 o.err);
    assert_non_null(strstr(o.err, "hash keys"));
    lcp_buf_free(&o.message);

    /* ... and the re-encoded state keeps field 5: the state id binds it */
    lcp_pb_any any;
    lcp_tm_client_state cs;
    lcp_ics23_spec s0;
    assert_int_equal(lcp_pb_decode_any(&any, w.honest_cs.data, w.honest_cs.len, NULL), LCP_OK);
    assert_int_equal(lcp_tm_decode_client_state(&cs, any.value.ptr, any.value.len, NULL), LCP_OK);
    assert_int_equal(lcp_ics23_decode_spec(&s0, cs.proof_specs[0].ptr, cs.proof_specs[0].len, NULL), LCP_OK);
    assert_int_equal(s0.prehash_key_before_comparison, 1);
    world_close(&w);
}

/* ---- field by field ---- */

enum { K_VARINT, K_BYTES, K_MSG };
typedef struct schema schema;
typedef struct {
    uint32_t number;
    int kind;
    const schema *sub;
} field_def;
struct schema {
    const char *name;
    const field_def *f;
    size_t n;
};

#define SCHEMA(var, label, ...)                                                   \
    static const field_def var##_f[] = {__VA_ARGS__};                             \
    static const schema var = {label, var##_f, sizeof var##_f / sizeof var##_f[0]}

SCHEMA(S_PAIR, "pair", {1, K_VARINT, NULL}, {2, K_VARINT, NULL});
SCHEMA(S_LEAF, "LeafOp", {1, K_VARINT, NULL}, {2, K_VARINT, NULL}, {3, K_VARINT, NULL}, {4, K_VARINT, NULL},
       {5, K_BYTES, NULL});
/* child_order is packed: flipped as bytes */
SCHEMA(S_INNER, "InnerSpec", {1, K_BYTES, NULL}, {2, K_VARINT, NULL}, {3, K_VARINT, NULL}, {4, K_VARINT, NULL},
       {5, K_BYTES, NULL}, {6, K_VARINT, NULL});
SCHEMA(S_SPEC, "ProofSpec", {1, K_MSG, &S_LEAF}, {2, K_MSG, &S_INNER}, {3, K_VARINT, NULL}, {4, K_VARINT, NULL},
       {5, K_VARINT, NULL});
SCHEMA(S_CS, "ClientState", {1, K_BYTES, NULL}, {2, K_MSG, &S_PAIR}, {3, K_MSG, &S_PAIR}, {4, K_MSG, &S_PAIR},
       {5, K_MSG, &S_PAIR}, {6, K_MSG, &S_PAIR}, {7, K_MSG, &S_PAIR}, {8, K_MSG, &S_SPEC}, {9, K_BYTES, NULL},
       {10, K_VARINT, NULL}, {11, K_VARINT, NULL});

static const char *const OP_LABEL[] = {"strip", "flip", "add", "add", "set"};

#define MAX_DEPTH 4
typedef struct {
    pbedit_step path[MAX_DEPTH];
    size_t depth;
    int op; /* PBEDIT_STRIP, _FLIP, _ADD_VARINT, _ADD_BYTES */
} mutation;

static size_t count_field(const uint8_t *msg, size_t len, uint32_t number)
{
    lcp_pb_reader r;
    lcp_pb_field f;
    size_t n = 0;
    lcp_pb_reader_init(&r, msg, len);
    while (lcp_pb_next(&r, &f, NULL) == 1) n += f.number == number;
    return n;
}

static lcp_bytes nth(const uint8_t *msg, size_t len, uint32_t number, size_t k)
{
    lcp_pb_reader r;
    lcp_pb_field f;
    lcp_pb_reader_init(&r, msg, len);
    while (lcp_pb_next(&r, &f, NULL) == 1)
        if (f.number == number && k-- == 0) return f.bytes;
    fail_msg("field %u occurrence missing", number);
    return (lcp_bytes){NULL, 0};
}

/* Every mutation of msg (of schema s) under prefix: strip and flip each present field, add each absent one,
 * recurse into present messages. */
static size_t enumerate(mutation *out, size_t cap, const uint8_t *msg, size_t len, const schema *s,
                        const mutation *prefix)
{
    size_t n = 0;
    for (size_t i = 0; i < s->n; i++) {
        const field_def *d = &s->f[i];
        size_t k = count_field(msg, len, d->number);
        mutation m = *prefix;
        size_t at = m.depth++;
        assert_true(m.depth <= MAX_DEPTH);
        m.path[at] = (pbedit_step){d->number, 0};
        if (k == 0 && d->kind != K_MSG) {
            m.op = d->kind == K_VARINT ? PBEDIT_ADD_VARINT : PBEDIT_ADD_BYTES;
            assert_true(n < cap);
            out[n++] = m;
        }
        for (size_t j = 0; j < k; j++) {
            m.path[at].occ = j;
            m.op = PBEDIT_STRIP;
            assert_true(n < cap);
            out[n++] = m;
            if (d->kind == K_MSG) {
                lcp_bytes sub = nth(msg, len, d->number, j);
                n += enumerate(out + n, cap - n, sub.ptr, sub.len, d->sub, &m);
            } else {
                m.op = PBEDIT_FLIP;
                assert_true(n < cap);
                out[n++] = m;
            }
        }
    }
    return n;
}

static void describe(char *buf, size_t cap, const mutation *m)
{
    int off = snprintf(buf, cap, "%s ClientState", OP_LABEL[m->op]);
    for (size_t i = 0; i < m->depth && off > 0 && (size_t)off < cap; i++)
        off += snprintf(buf + off, cap - (size_t)off, ".%u[%zu]", m->path[i].field, m->path[i].occ);
}

/* Stores the honest client state with m applied (m NULL: as it is) into the store. */
static void store_client_state(world *w, const mutation *m)
{
    lcp_pb_any any;
    assert_int_equal(lcp_pb_decode_any(&any, w->honest_cs.data, w->honest_cs.len, NULL), LCP_OK);
    lcp_buf value = {0}, out = {0};
    if (m) assert_int_equal(pbedit(&value, any.value.ptr, any.value.len, m->path, m->depth, m->op, 1), LCP_OK);
    else assert_int_equal(lcp_buf_append(&value, any.value.ptr, any.value.len), LCP_OK);
    assert_int_equal(lcp_elc_put_any(&out, TMC_T_CS, value.data, value.len), LCP_OK);
    tmc_memstore_put(w->m, CS_KEY, out.data, out.len);
    lcp_buf_free(&value);
    lcp_buf_free(&out);
}

static void test_every_client_state_field_is_bound(void **state)
{
    (void)state;
    world w;
    world_open(&w);
    outcome honest[N_OPS];
    for (int op = 0; op < N_OPS; op++) run(&w, op, &honest[op]);
    assert_int_equal(honest[OP_MEMBER].rc, LCP_OK);
    assert_int_equal(honest[OP_UPDATE].rc, LCP_OK);
    assert_int_equal(honest[OP_ABSENT].rc, LCP_ERR_ICS23_UNSUPPORTED);
    /* both name the state at height 2 */
    assert_memory_equal(honest[OP_MEMBER].state_id, honest[OP_UPDATE].state_id, 32);

    static mutation muts[512];
    lcp_pb_any any;
    assert_int_equal(lcp_pb_decode_any(&any, w.honest_cs.data, w.honest_cs.len, NULL), LCP_OK);
    mutation none;
    memset(&none, 0, sizeof none);
    size_t n = enumerate(muts, sizeof muts / sizeof muts[0], any.value.ptr, any.value.len, &S_CS, &none);
    /* an unknown field: changes nothing at all */
    mutation unknown = none;
    unknown.depth = 1;
    unknown.path[0].field = 99;
    unknown.op = PBEDIT_ADD_VARINT;
    muts[n++] = unknown;
    /* 11 ClientState fields, two specs of 5 fields with leaf (5) and inner (6) specs: 90 mutations and the unknown
     * field (a re-encoder that dropped a field, or a schema that lost one, shows here) */
    assert_int_equal(n, 91);

    size_t refused = 0, rebound = 0, same = 0;
    for (size_t i = 0; i < n; i++) {
        const mutation *m = &muts[i];
        char what[128];
        describe(what, sizeof what, m);
        store_client_state(&w, m);
        int canonical_only = m->path[0].field == 6 || m->path[0].field == 7; /* frozen_height, latest_height */
        for (int op = 0; op < N_OPS; op++) {
            outcome o;
            run(&w, op, &o);
            int identical = o.rc == honest[op].rc && o.message.len == honest[op].message.len &&
                            (o.message.len == 0 || memcmp(o.message.data, honest[op].message.data, o.message.len) == 0);
            if (o.rc != LCP_OK) {
                refused++;
            } else if (memcmp(o.state_id, honest[op].state_id, 32) != 0) {
                /* signed, but about a state the LCP client does not hold */
                if (canonical_only || m->path[0].field == 99)
                    fail_msg("%s: %s signed under another state id; this field is not in the state id", what,
                             OP_NAME[op]);
                rebound++;
            } else if (identical && (canonical_only || m->path[0].field == 99)) {
                same++; /* nothing more is signed than without the change */
            } else {
                fail_msg("%s: %s signed under the honest state id, but %s", what, OP_NAME[op],
                         identical ? "the field is one the state id must bind" : "with another message");
            }
            if (m->path[0].field == 99 && !identical) fail_msg("%s: an unknown field changed %s", what, OP_NAME[op]);
            lcp_buf_free(&o.message);
        }
    }
    print_message("%zu stored client states tried against %d commands: %zu refused, %zu signed under another state id, "
                  "%zu unchanged (latest/frozen height, unknown field)\n",
                  n, N_OPS, refused, rebound, same);
    assert_true(rebound > 0 && refused > 0);
    /* the honest state, stored again, gives the honest verdicts again */
    store_client_state(&w, NULL);
    for (int op = 0; op < N_OPS; op++) {
        outcome o;
        run(&w, op, &o);
        assert_int_equal(o.rc, honest[op].rc);
        assert_int_equal(o.message.len, honest[op].message.len);
        if (o.message.len) assert_memory_equal(o.message.data, honest[op].message.data, o.message.len);
        lcp_buf_free(&o.message);
        lcp_buf_free(&honest[op].message);
    }
    world_close(&w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_smt_absence_of_a_present_key_is_refused),
        cmocka_unit_test(test_every_client_state_field_is_bound),
    };
    return cmocka_run_group_tests_name("elc/tm_state_binding", tests, NULL, NULL);
}
