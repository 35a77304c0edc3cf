/* IBC 07-tendermint rules: chain-id revisions, ClientState validation, UpdateClient's header verification against
 * a consensus state (built on the real kvstore 0.38 header at height 10 and its genesis validator), misbehaviour
 * header verification and evidence. */
#include "test_tm_util.h"

#include "lcp/elc_ics23.h"

static void test_chain_id_revision(void **state)
{
    (void)state;
    static const struct {
        const char *id;
        uint64_t rev;
    } cases[] = {
        {"cosmoshub-4", 4}, {"osmosis-1", 1},  {"ibc-0", 0},   {"dockerchain", 0},  {"a-12", 12},  {"x-01", 0},
        {"-1", 0},          {"a--1", 0},       {"a-", 0},      {"chain-1a", 0},     {"a-b-7", 7},  {"a\n-1", 0},
        {"c-18446744073709551615", UINT64_MAX}, {"c-18446744073709551616", 0},
    };
    /* an empty chain id (NULL, 0): found by fuzz_tm_header, memchr on NULL */
    assert_int_equal(lcp_tm_chain_id_revision(NULL, 0), 0);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        if (lcp_tm_chain_id_revision((const uint8_t *)cases[i].id, strlen(cases[i].id)) != cases[i].rev)
            fail_msg("revision of \"%s\"", cases[i].id);
}

/* ---- a client state and its encoding ---- */

typedef struct {
    const char *chain_id;
    uint64_t num, den;
    int64_t trusting, unbonding, drift;
    uint64_t latest_rev, latest_h;
    int n_specs;
    const char *upgrade;
} cs_params;

static void put_duration(lcp_pb_writer *w, uint32_t num, int64_t secs)
{
    uint8_t b[16];
    lcp_pb_writer d;
    lcp_pb_writer_init(&d, b, sizeof b);
    lcp_pb_put_uint_opt(&d, 1, (uint64_t)secs);
    lcp_pb_put_message(w, num, b, d.len);
}

static void put_height(lcp_pb_writer *w, uint32_t num, uint64_t rev, uint64_t h)
{
    uint8_t b[24];
    lcp_pb_writer d;
    lcp_pb_writer_init(&d, b, sizeof b);
    lcp_pb_put_uint_opt(&d, 1, rev);
    lcp_pb_put_uint_opt(&d, 2, h);
    lcp_pb_put_message(w, num, b, d.len);
}

/* IavlSpec and TendermintSpec as ibc-go's default proof specs encode them. */
static const uint8_t iavl_spec[] = {0x0a, 0x09, 0x08, 0x01, 0x18, 0x01, 0x20, 0x01, 0x2a, 0x01, 0x00, 0x12, 0x0c,
                                    0x0a, 0x02, 0x00, 0x01, 0x10, 0x21, 0x18, 0x04, 0x20, 0x0c, 0x30, 0x01};
static const uint8_t tm_spec[] = {0x0a, 0x09, 0x08, 0x01, 0x18, 0x01, 0x20, 0x01, 0x2a, 0x01, 0x00, 0x12, 0x0c,
                                  0x0a, 0x02, 0x00, 0x01, 0x10, 0x20, 0x18, 0x01, 0x20, 0x01, 0x30, 0x01};

static size_t encode_cs(uint8_t *out, size_t cap, const cs_params *p)
{
    lcp_pb_writer w;
    lcp_pb_writer_init(&w, out, cap);
    lcp_pb_put_bytes_opt(&w, 1, p->chain_id, strlen(p->chain_id));
    uint8_t fr[24];
    lcp_pb_writer f;
    lcp_pb_writer_init(&f, fr, sizeof fr);
    lcp_pb_put_uint_opt(&f, 1, p->num);
    lcp_pb_put_uint_opt(&f, 2, p->den);
    lcp_pb_put_message(&w, 2, fr, f.len);
    put_duration(&w, 3, p->trusting);
    put_duration(&w, 4, p->unbonding);
    put_duration(&w, 5, p->drift);
    put_height(&w, 6, 0, 0);
    put_height(&w, 7, p->latest_rev, p->latest_h);
    for (int i = 0; i < p->n_specs; i++)
        lcp_pb_put_message(&w, 8, i % 2 ? tm_spec : iavl_spec, i % 2 ? sizeof tm_spec : sizeof iavl_spec);
    lcp_pb_put_bytes(&w, 9, "upgrade", 7);
    lcp_pb_put_bytes(&w, 9, p->upgrade, strlen(p->upgrade));
    assert_int_equal(lcp_pb_writer_status(&w), LCP_OK);
    return w.len;
}

static const cs_params good_cs = {"dockerchain", 1, 3, 14 * 86400, 21 * 86400, 10, 0, 1, 2, "upgradedIBCState"};

static int cs_check(const cs_params *p)
{
    uint8_t buf[512];
    size_t n = encode_cs(buf, sizeof buf, p);
    lcp_tm_client_state cs;
    int rc = lcp_tm_decode_client_state(&cs, buf, n, NULL);
    if (rc != LCP_OK) return rc;
    return lcp_tm_client_state_validate(&cs, NULL);
}

static void test_client_state(void **state)
{
    (void)state;
    uint8_t buf[512];
    size_t n = encode_cs(buf, sizeof buf, &good_cs);
    lcp_tm_client_state cs;
    assert_int_equal(lcp_tm_decode_client_state(&cs, buf, n, NULL), LCP_OK);
    assert_int_equal(cs.trust_numerator, 1);
    assert_int_equal(cs.trust_denominator, 3);
    assert_int_equal(cs.trusting_period.seconds, 14 * 86400);
    assert_int_equal(cs.n_proof_specs, 2);
    assert_int_equal(cs.n_upgrade_path, 2);
    lcp_ics23_spec spec;
    assert_int_equal(lcp_ics23_decode_spec(&spec, cs.proof_specs[0].ptr, cs.proof_specs[0].len, NULL), LCP_OK);
    assert_true(lcp_ics23_spec_equals(&spec, lcp_ics23_spec_iavl()));
    assert_int_equal(lcp_ics23_decode_spec(&spec, cs.proof_specs[1].ptr, cs.proof_specs[1].len, NULL), LCP_OK);
    assert_true(lcp_ics23_spec_equals(&spec, lcp_ics23_spec_tendermint()));
    assert_int_equal(lcp_tm_client_state_validate(&cs, NULL), LCP_OK);

    cs_params p;
#define BAD(field, value)                                              \
    do {                                                               \
        p = good_cs;                                                   \
        p.field = value;                                               \
        assert_int_equal(cs_check(&p), LCP_ERR_TM_CLIENT_STATE);       \
    } while (0)
    BAD(chain_id, "  ");
    BAD(chain_id, "a-very-long-chain-identifier-that-goes-past-fifty-bytes");
    BAD(num, 0);
    p = good_cs;
    p.num = 1;
    p.den = 4;
    assert_int_equal(cs_check(&p), LCP_ERR_TM_CLIENT_STATE);
    BAD(num, 4);
    BAD(den, 0);
    BAD(trusting, 0);
    BAD(unbonding, 0);
    BAD(drift, 0);
    BAD(trusting, 21 * 86400);
    BAD(latest_h, 0);
    BAD(latest_rev, 1); /* "dockerchain" has revision 0 */
    BAD(n_specs, 0);
    BAD(upgrade, " ");
    p = good_cs;
    p.chain_id = "cosmoshub-4";
    p.latest_rev = 4;
    assert_int_equal(cs_check(&p), LCP_OK);
    p.n_specs = LCP_TM_MAX_PROOF_SPECS + 1;
    assert_int_equal(cs_check(&p), LCP_ERR_TM_LIMIT);
#undef BAD
}

/* ---- UpdateClient on the real header ---- */

typedef struct {
    cJSON *commit, *genesis;
    tmbuf hdr_enc, vals_enc;
    lcp_tm_ibc_header h;
    lcp_tm_valset *vals, *tvals;
    lcp_tm_client_state cs;
    uint8_t cs_enc[512];
    lcp_tm_consensus_state cons;
    uint8_t cons_enc[256];
    uint8_t vh[32];
    lcp_tm_time header_time;
} fixture;

static const cJSON *g_genesis;

/* the genesis validator as a ValidatorSet with itself as proposer (what a relayer sends) */
static void enc_valset_with_proposer(lcp_pb_writer *w, const cJSON *vals)
{
    const cJSON *v0 = cJSON_GetArrayItem(vals, 0);
    tm_put_msg(w, 1, tm_enc_validator, v0);
    tm_put_msg(w, 2, tm_enc_validator, v0);
    lcp_pb_put_uint(w, 3, (uint64_t)tj_i64(v0, "power"));
}

static void enc_ibc_header(lcp_pb_writer *w, const cJSON *sh)
{
    const cJSON *vals = tj(tj(tj(g_genesis, "result"), "genesis"), "validators");
    tm_put_msg(w, 1, tm_enc_signed_header, sh);
    tm_put_msg(w, 2, enc_valset_with_proposer, vals);
    put_height(w, 3, 0, 1);
    tm_put_msg(w, 4, enc_valset_with_proposer, vals);
}

static void fixture_load(fixture *f)
{
    memset(f, 0, sizeof *f);
    f->commit = tu_json("tendermint/real/kvstore_v0_38_commit_at_height_10.json");
    f->genesis = tu_json("tendermint/real/kvstore_v0_38_genesis.json");
    g_genesis = f->genesis;
    const cJSON *sh = tj(tj(f->commit, "result"), "signed_header");
    f->hdr_enc = tm_encode(enc_ibc_header, sh);
    char err[LCP_ERR_LEN] = "";
    if (lcp_tm_decode_ibc_header(&f->h, f->hdr_enc.p, f->hdr_enc.n, err) != LCP_OK) fail_msg("%s", err);
    f->vals = tm_valset_new();
    f->tvals = tm_valset_new();
    assert_int_equal(lcp_tm_decode_valset(f->vals, f->h.validator_set.ptr, f->h.validator_set.len, err), LCP_OK);
    assert_int_equal(lcp_tm_decode_valset(f->tvals, f->h.trusted_validators.ptr, f->h.trusted_validators.len, err),
                     LCP_OK);
    size_t n = encode_cs(f->cs_enc, sizeof f->cs_enc, &good_cs);
    assert_int_equal(lcp_tm_decode_client_state(&f->cs, f->cs_enc, n, NULL), LCP_OK);
    /* the consensus state stored at genesis (trusted height 1) */
    assert_int_equal(lcp_tm_valset_hash(f->vh, f->tvals), LCP_OK);
    lcp_pb_writer w;
    lcp_pb_writer_init(&w, f->cons_enc, sizeof f->cons_enc);
    tm_put_time(&w, 1, tj_str(tj(tj(f->genesis, "result"), "genesis"), "genesis_time"));
    uint8_t root[40];
    lcp_pb_writer r;
    lcp_pb_writer_init(&r, root, sizeof root);
    lcp_pb_put_bytes(&r, 1, "\x01\x02\x03", 3);
    lcp_pb_put_message(&w, 2, root, r.len);
    lcp_pb_put_bytes(&w, 3, f->vh, 32);
    assert_int_equal(lcp_tm_decode_consensus_state(&f->cons, f->cons_enc, w.len, err), LCP_OK);
    f->header_time = f->h.signed_header.header.time;
}

static void fixture_free(fixture *f)
{
    cJSON_Delete(f->commit);
    cJSON_Delete(f->genesis);
    tmbuf_free(&f->hdr_enc);
    free(f->vals);
    free(f->tvals);
}

static lcp_tm_time plus(lcp_tm_time t, int64_t s)
{
    t.seconds += s;
    return t;
}

static void test_verify_header(void **state)
{
    (void)state;
    fixture f;
    fixture_load(&f);
    char err[LCP_ERR_LEN] = "";
    lcp_tm_height hh = lcp_tm_ibc_header_height(&f.h);
    assert_int_equal(hh.revision_number, 0);
    assert_int_equal(hh.revision_height, 10);
    assert_int_equal(f.cons.root.len, 3);
    lcp_tm_time now = plus(f.header_time, 3);
    if (lcp_tm_ibc_verify_header(&f.cs, &f.cons, &f.h, f.vals, f.tvals, now, err) != LCP_OK) fail_msg("%s", err);

    /* host clock behind the header by more than the drift: future header; misbehaviour checks ignore drift */
    lcp_tm_time behind = plus(f.header_time, -60);
    assert_int_equal(lcp_tm_ibc_verify_header(&f.cs, &f.cons, &f.h, f.vals, f.tvals, behind, NULL), LCP_ERR_TM_FUTURE);
    assert_int_equal(lcp_tm_ibc_verify_misbehaviour_header(&f.cs, &f.cons, &f.h, f.vals, f.tvals, behind, NULL),
                     LCP_OK);
    /* consensus state older than the trusting period */
    lcp_tm_time late = plus(f.cons.timestamp, 14 * 86400);
    assert_int_equal(lcp_tm_ibc_verify_header(&f.cs, &f.cons, &f.h, f.vals, f.tvals, late, NULL), LCP_ERR_TM_EXPIRED);
    assert_int_equal(lcp_tm_ibc_verify_misbehaviour_header(&f.cs, &f.cons, &f.h, f.vals, f.tvals, late, NULL),
                     LCP_ERR_TM_EXPIRED);
    /* trusted validators that are not the consensus state's next validators */
    lcp_tm_consensus_state other = f.cons;
    uint8_t wrong[32];
    memcpy(wrong, f.vh, 32);
    wrong[0] ^= 1;
    other.next_validators_hash = (lcp_bytes){wrong, 32};
    assert_int_equal(lcp_tm_ibc_verify_header(&f.cs, &other, &f.h, f.vals, f.tvals, now, NULL),
                     LCP_ERR_TM_HASH_MISMATCH);
    /* trusted height of another revision, or not below the header */
    lcp_tm_ibc_header h2 = f.h;
    h2.trusted_height.revision_number = 1;
    assert_int_equal(lcp_tm_ibc_verify_header(&f.cs, &f.cons, &h2, f.vals, f.tvals, now, NULL), LCP_ERR_TM_INVALID);
    h2 = f.h;
    h2.trusted_height.revision_height = 10;
    assert_int_equal(lcp_tm_ibc_verify_header(&f.cs, &f.cons, &h2, f.vals, f.tvals, now, NULL),
                     LCP_ERR_TM_NON_MONOTONIC);
    /* trusted height 9: adjacent, still valid (validators_hash equals the trusted next validators hash) */
    h2.trusted_height.revision_height = 9;
    assert_int_equal(lcp_tm_ibc_verify_header(&f.cs, &f.cons, &h2, f.vals, f.tvals, now, NULL), LCP_OK);
    /* a client for another chain */
    lcp_tm_client_state cs2 = f.cs;
    cs2.chain_id = (lcp_bytes){(const uint8_t *)"otherchain", 10};
    assert_int_equal(lcp_tm_ibc_verify_header(&cs2, &f.cons, &f.h, f.vals, f.tvals, now, NULL), LCP_ERR_TM_CHAIN_ID);
    /* a validator set without proposer is refused at the IBC layer (CometBFT ValidateBasic) */
    lcp_tm_valset *np = tm_valset_new();
    *np = *f.vals;
    np->has_proposer = 0;
    assert_int_equal(lcp_tm_ibc_verify_header(&f.cs, &f.cons, &f.h, np, f.tvals, now, NULL), LCP_ERR_TM_VALSET);
    free(np);
    /* missing pieces */
    h2 = f.h;
    h2.has_trusted_validators = 0;
    assert_int_equal(lcp_tm_ibc_verify_header(&f.cs, &f.cons, &h2, f.vals, f.tvals, now, NULL), LCP_ERR_TM_INVALID);

    /* every bit of the encoded IBC header: never verifies */
    uint8_t *m = malloc(f.hdr_enc.n);
    assert_non_null(m);
    lcp_tm_valset *v1 = tm_valset_new(), *v2 = tm_valset_new();
    long accepted = 0;
    for (size_t i = 0; i < f.hdr_enc.n; i++)
        for (int b = 0; b < 8; b++) {
            memcpy(m, f.hdr_enc.p, f.hdr_enc.n);
            m[i] ^= (uint8_t)(1u << b);
            lcp_tm_ibc_header h;
            if (lcp_tm_decode_ibc_header(&h, m, f.hdr_enc.n, NULL) != LCP_OK) continue;
            if (lcp_tm_decode_valset(v1, h.validator_set.ptr, h.validator_set.len, NULL) != LCP_OK) continue;
            if (lcp_tm_decode_valset(v2, h.trusted_validators.ptr, h.trusted_validators.len, NULL) != LCP_OK) continue;
            if (lcp_tm_ibc_verify_header(&f.cs, &f.cons, &h, v1, v2, now, NULL) != LCP_OK) continue;
            /* only what no verification reads may change: proposer priorities, the ignored total power, and the
             * trusted height (it selects which consensus state the caller loads; here the caller passes one) */
            assert_int_equal(v1->n, 1);
            assert_memory_equal(v1->v[0].pub_key, f.vals->v[0].pub_key, 32);
            assert_int_equal(v1->v[0].power, f.vals->v[0].power);
            assert_true(h.trusted_height.revision_height < 10);
            assert_true(memcmp(m, f.hdr_enc.p, (size_t)(h.validator_set.ptr - m)) == 0);
            accepted++;
        }
    printf("ibc header: %zu bytes x 8 bits, %ld accepted (priorities, total, trusted height only)\n", f.hdr_enc.n,
           accepted);
    free(m);
    free(v1);
    free(v2);
    fixture_free(&f);
}

static void test_misbehaviour(void **state)
{
    (void)state;
    fixture f;
    fixture_load(&f);
    /* Misbehaviour {client_id, header_1, header_2} decodes both headers */
    uint8_t *enc = malloc(2 * f.hdr_enc.n + 64);
    assert_non_null(enc);
    lcp_pb_writer w;
    lcp_pb_writer_init(&w, enc, 2 * f.hdr_enc.n + 64);
    lcp_pb_put_bytes(&w, 1, "07-tendermint-0", 15);
    lcp_pb_put_message(&w, 2, f.hdr_enc.p, f.hdr_enc.n);
    lcp_pb_put_message(&w, 3, f.hdr_enc.p, f.hdr_enc.n);
    lcp_tm_misbehaviour mb;
    char err[LCP_ERR_LEN] = "";
    assert_int_equal(lcp_tm_decode_misbehaviour(&mb, enc, w.len, err), LCP_OK);
    assert_true(mb.has_header_1 && mb.has_header_2);
    /* the same block twice is no evidence */
    assert_int_equal(lcp_tm_misbehaviour_evident(&mb, NULL), LCP_ERR_TM_MISBEHAVIOUR);
    /* two different blocks at one height are */
    uint8_t other[32];
    memcpy(other, mb.header_2.signed_header.commit.block_id.hash.ptr, 32);
    other[5] ^= 1;
    lcp_tm_misbehaviour fork = mb;
    fork.header_2.signed_header.commit.block_id.hash = (lcp_bytes){other, 32};
    assert_int_equal(lcp_tm_misbehaviour_evident(&fork, NULL), LCP_OK);
    /* a higher header_1 whose time is not later breaks BFT time; a later one is consistent */
    lcp_tm_misbehaviour t = mb;
    t.header_2.signed_header.header.height = 9;
    assert_int_equal(lcp_tm_misbehaviour_evident(&t, NULL), LCP_OK); /* equal times */
    t.header_2.signed_header.header.time = plus(t.header_1.signed_header.header.time, 1);
    assert_int_equal(lcp_tm_misbehaviour_evident(&t, NULL), LCP_OK);
    t.header_2.signed_header.header.time = plus(t.header_1.signed_header.header.time, -1);
    assert_int_equal(lcp_tm_misbehaviour_evident(&t, NULL), LCP_ERR_TM_MISBEHAVIOUR);
    /* header_1 below header_2 is malformed */
    t = mb;
    t.header_1.signed_header.header.height = 9;
    assert_int_equal(lcp_tm_misbehaviour_evident(&t, NULL), LCP_ERR_TM_MISBEHAVIOUR);
    /* different chains */
    t = mb;
    t.header_2.signed_header.header.chain_id = (lcp_bytes){(const uint8_t *)"other", 5};
    assert_int_equal(lcp_tm_misbehaviour_evident(&t, NULL), LCP_ERR_TM_MISBEHAVIOUR);
    t = mb;
    t.has_header_2 = 0;
    assert_int_equal(lcp_tm_misbehaviour_evident(&t, NULL), LCP_ERR_TM_MISBEHAVIOUR);
    /* each header verifies on its own against its trusted consensus state */
    lcp_tm_time now = plus(f.header_time, 3);
    assert_int_equal(lcp_tm_ibc_verify_misbehaviour_header(&f.cs, &f.cons, &mb.header_1, f.vals, f.tvals, now, err),
                     LCP_OK);
    free(enc);
    fixture_free(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_chain_id_revision),
        cmocka_unit_test(test_client_state),
        cmocka_unit_test(test_verify_header),
        cmocka_unit_test(test_misbehaviour),
    };
    return cmocka_run_group_tests_name("elc/tm_ibc", tests, NULL, NULL);
}
