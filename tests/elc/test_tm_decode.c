/* Tendermint decoding and ValidateBasic on hostile input: malformed encodings, limits, out-of-range times,
 * invalid validators, each header/commit rule, time arithmetic at the edges, and random corruption (ASan). */
#include "test_tm_util.h"

#include "lcp/crypto.h"

/* A Tendermint verdict (LCP_ERR_TM_*), as opposed to a crash-free but meaningless return. */
static int tm_code(int rc) { return rc <= LCP_ERR_TM_DECODE && rc >= LCP_ERR_TM_OVERFLOW; }

static void test_malformed(void **state)
{
    (void)state;
    lcp_tm_header h;
    lcp_tm_commit c;
    /* chain_id twice; height as bytes; truncated; group wire type */
    static const uint8_t dup[] = {0x12, 0x01, 'a', 0x12, 0x01, 'b'};
    assert_int_equal(lcp_tm_decode_header(&h, dup, sizeof dup, NULL), LCP_ERR_TM_DECODE);
    static const uint8_t wt[] = {0x1a, 0x01, 0x01};
    assert_int_equal(lcp_tm_decode_header(&h, wt, sizeof wt, NULL), LCP_ERR_TM_DECODE);
    static const uint8_t trunc[] = {0x12, 0x05, 'a'};
    assert_int_equal(lcp_tm_decode_header(&h, trunc, sizeof trunc, NULL), LCP_ERR_TM_DECODE);
    static const uint8_t grp[] = {0x0b};
    assert_int_equal(lcp_tm_decode_header(&h, grp, sizeof grp, NULL), LCP_ERR_TM_DECODE);
    /* time: seconds past 9999-12-31, nanos = 1e9, negative nanos (sign-extended) */
    static const uint8_t t_far[] = {0x22, 0x07, 0x08, 0x80, 0x80, 0x80, 0x80, 0x80, 0x08}; /* 2^38 s */
    assert_int_equal(lcp_tm_decode_header(&h, t_far, sizeof t_far, NULL), LCP_ERR_TM_DECODE);
    static const uint8_t t_ns[] = {0x22, 0x06, 0x10, 0x80, 0x94, 0xeb, 0xdc, 0x03}; /* Timestamp{nanos: 1e9} */
    char terr[LCP_ERR_LEN] = "";
    assert_int_equal(lcp_tm_decode_header(&h, t_ns, sizeof t_ns, terr), LCP_ERR_TM_DECODE);
    assert_non_null(strstr(terr, "out of range")); /* refused for its value, not for a cut varint */
    static const uint8_t t_neg[] = {0x22, 0x0b, 0x10, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01};
    assert_int_equal(lcp_tm_decode_header(&h, t_neg, sizeof t_neg, NULL), LCP_ERR_TM_DECODE);
    /* int32 round given as a 5-byte varint above 2^32: a second encoding of a small value */
    static const uint8_t round[] = {0x10, 0x81, 0x80, 0x80, 0x80, 0x10};
    assert_int_equal(lcp_tm_decode_commit(&c, round, sizeof round, NULL), LCP_ERR_TM_DECODE);
    /* part set total above uint32 */
    static const uint8_t psh[] = {0x1a, 0x08, 0x12, 0x06, 0x08, 0x80, 0x80, 0x80, 0x80, 0x10};
    assert_int_equal(lcp_tm_decode_commit(&c, psh, sizeof psh, NULL), LCP_ERR_TM_DECODE);
    /* unknown fields are skipped */
    static const uint8_t unk[] = {0x78, 0x01, 0x18, 0x05};
    assert_int_equal(lcp_tm_decode_header(&h, unk, sizeof unk, NULL), LCP_OK);
    assert_int_equal(h.height, 5);
}

static size_t put_validator(uint8_t *out, size_t cap, const uint8_t key[32], int64_t power, int bad_addr, int keyfield)
{
    uint8_t addr[32], pk[40], v[128];
    assert_int_equal(lcp_sha256_parts(addr, &(lcp_bytes){key, 32}, 1), LCP_OK);
    if (bad_addr) addr[0] ^= 1;
    lcp_pb_writer w;
    lcp_pb_writer_init(&w, pk, sizeof pk);
    lcp_pb_put_bytes(&w, (uint32_t)keyfield, key, 32);
    size_t pkl = w.len;
    lcp_pb_writer_init(&w, v, sizeof v);
    lcp_pb_put_bytes(&w, 1, addr, 20);
    lcp_pb_put_message(&w, 2, pk, pkl);
    lcp_pb_put_uint_opt(&w, 3, (uint64_t)power);
    size_t vl = w.len;
    lcp_pb_writer_init(&w, out, cap);
    lcp_pb_put_message(&w, 1, v, vl);
    assert_int_equal(lcp_pb_writer_status(&w), LCP_OK);
    return w.len;
}

static void test_validators(void **state)
{
    (void)state;
    lcp_tm_valset *vs = tm_valset_new();
    uint8_t key[32] = {7}, buf[256];
    size_t n = put_validator(buf, sizeof buf, key, 10, 0, 1);
    assert_int_equal(lcp_tm_decode_valset(vs, buf, n, NULL), LCP_OK);
    assert_int_equal(vs->n, 1);
    assert_int_equal(vs->total_power, 10);
    assert_int_equal(lcp_tm_valset_validate(vs, NULL), LCP_ERR_TM_VALSET); /* no proposer */
    n = put_validator(buf, sizeof buf, key, 10, 1, 1);
    assert_int_equal(lcp_tm_decode_valset(vs, buf, n, NULL), LCP_ERR_TM_VALSET); /* address not the key's */
    n = put_validator(buf, sizeof buf, key, 10, 0, 2);
    assert_int_equal(lcp_tm_decode_valset(vs, buf, n, NULL), LCP_ERR_TM_VALSET); /* secp256k1 */
    n = put_validator(buf, sizeof buf, key, -1, 0, 1);
    assert_int_equal(lcp_tm_decode_valset(vs, buf, n, NULL), LCP_ERR_TM_VALSET); /* negative power */
    n = put_validator(buf, sizeof buf, key, INT64_MAX / 8 + 1, 0, 1);
    assert_int_equal(lcp_tm_decode_valset(vs, buf, n, NULL), LCP_ERR_TM_VALSET);
    /* the same validator twice; total over INT64_MAX/8 across two */
    size_t a = put_validator(buf, sizeof buf, key, 10, 0, 1);
    memcpy(buf + a, buf, a);
    assert_int_equal(lcp_tm_decode_valset(vs, buf, 2 * a, NULL), LCP_ERR_TM_VALSET);
    uint8_t key2[32] = {8};
    a = put_validator(buf, sizeof buf, key, INT64_MAX / 8, 0, 1);
    size_t b = put_validator(buf + a, sizeof buf - a, key2, 1, 0, 1);
    assert_int_equal(lcp_tm_decode_valset(vs, buf, a + b, NULL), LCP_ERR_TM_VALSET);
    /* more than LCP_TM_MAX_VALIDATORS */
    size_t one = put_validator(buf, sizeof buf, key, 1, 0, 1);
    uint8_t *big = malloc(one * (LCP_TM_MAX_VALIDATORS + 1));
    assert_non_null(big);
    for (size_t i = 0; i <= LCP_TM_MAX_VALIDATORS; i++) {
        uint8_t k[32] = {0};
        k[0] = (uint8_t)i;
        k[1] = (uint8_t)(i >> 8);
        assert_int_equal(put_validator(big + i * one, one, k, 1, 0, 1), one);
    }
    assert_int_equal(lcp_tm_decode_valset(vs, big, one * LCP_TM_MAX_VALIDATORS, NULL), LCP_OK);
    assert_int_equal(vs->n, LCP_TM_MAX_VALIDATORS);
    uint8_t h1[32], h2[32];
    assert_int_equal(lcp_tm_valset_hash(h1, vs), LCP_OK);
    lcp_tm_valset_sort(vs);
    assert_int_equal(lcp_tm_valset_hash(h2, vs), LCP_OK);
    assert_memory_not_equal(h1, h2, 32); /* order is hashed */
    for (size_t i = 1; i < vs->n; i++) assert_true(memcmp(vs->v[i - 1].address, vs->v[i].address, 20) < 0);
    assert_int_equal(lcp_tm_decode_valset(vs, big, one * (LCP_TM_MAX_VALIDATORS + 1), NULL), LCP_ERR_TM_LIMIT);
    free(big);
    /* empty set: hash of no items */
    assert_int_equal(lcp_tm_decode_valset(vs, buf, 0, NULL), LCP_OK);
    assert_int_equal(lcp_tm_valset_hash(h1, vs), LCP_OK);
    assert_int_equal(lcp_sha256(h2, NULL, 0), LCP_OK);
    assert_memory_equal(h1, h2, 32);
    free(vs);
}

static void test_commit_limit(void **state)
{
    (void)state;
    /* LCP_TM_MAX_VALIDATORS + 1 absent signatures (08 01 each) */
    size_t n = LCP_TM_MAX_VALIDATORS + 1;
    uint8_t *buf = malloc(4 * n);
    assert_non_null(buf);
    for (size_t i = 0; i < n; i++) memcpy(buf + 4 * i, "\x22\x02\x08\x01", 4);
    lcp_tm_commit c;
    assert_int_equal(lcp_tm_decode_commit(&c, buf, 4 * (n - 1), NULL), LCP_OK);
    assert_int_equal(c.n_sigs, n - 1);
    assert_int_equal(lcp_tm_decode_commit(&c, buf, 4 * n, NULL), LCP_ERR_TM_LIMIT);
    tu_count_illegal();
    lcp_tm_commit_sig s;
    assert_int_equal(lcp_tm_commit_sig_at(&s, &c, c.n_sigs), LCP_ERR_ILLEGAL_ARG);
    assert_int_equal(tu_illegal_calls, 1);
    lcp_set_illegal_hook(NULL, NULL);
    free(buf);
}

/* ValidateBasic: each rule, on the real v0.38 header */
static void test_validate_basic(void **state)
{
    (void)state;
    cJSON *j = tu_json("tendermint/real/kvstore_v0_38_commit_at_height_10.json");
    tmbuf enc = tm_encode(tm_enc_signed_header, tj(tj(j, "result"), "signed_header"));
    lcp_tm_signed_header sh, m;
    assert_int_equal(lcp_tm_decode_signed_header(&sh, enc.p, enc.n, NULL), LCP_OK);
    char err[LCP_ERR_LEN] = "";
    if (lcp_tm_signed_header_validate(&sh, NULL, 0, err) != LCP_OK) fail_msg("%s", err);
    static const uint8_t h31[31], h33[33], a19[19], long_id[51];
#define EXPECT(change, code)                                              \
    do {                                                                  \
        m = sh;                                                           \
        change;                                                           \
        assert_int_equal(lcp_tm_signed_header_validate(&m, NULL, 0, NULL), code); \
    } while (0)
    EXPECT(m.has_header = 0, LCP_ERR_TM_INVALID);
    EXPECT(m.has_commit = 0, LCP_ERR_TM_INVALID);
    EXPECT(m.header.has_version = 0, LCP_ERR_TM_INVALID);
    EXPECT(m.header.has_time = 0, LCP_ERR_TM_INVALID);
    EXPECT(m.header.version_block = 10, LCP_ERR_TM_INVALID);
    EXPECT(m.header.chain_id.len = 0, LCP_ERR_TM_INVALID);
    EXPECT(m.header.chain_id = ((lcp_bytes){long_id, 51}), LCP_ERR_TM_INVALID);
    EXPECT(m.header.height = 0, LCP_ERR_TM_INVALID);
    EXPECT(m.header.height = -5, LCP_ERR_TM_INVALID);
    EXPECT(m.header.data_hash = ((lcp_bytes){h31, 31}), LCP_ERR_TM_INVALID);
    EXPECT(m.header.last_results_hash = ((lcp_bytes){h33, 33}), LCP_ERR_TM_INVALID);
    EXPECT(m.header.last_block_id.hash = ((lcp_bytes){h31, 31}), LCP_ERR_TM_INVALID);
    EXPECT(m.header.validators_hash.len = 0, LCP_ERR_TM_INVALID);
    EXPECT(m.header.proposer_address = ((lcp_bytes){a19, 19}), LCP_ERR_TM_INVALID);
    EXPECT((m.header.height = 1, m.commit.height = 1), LCP_ERR_TM_INVALID); /* height 1 naming a last block */
    EXPECT(m.commit.height = 9, LCP_ERR_TM_INVALID);
    EXPECT(m.commit.round = -1, LCP_ERR_TM_INVALID);
    EXPECT((m.commit.block_id.hash.len = 0, m.commit.block_id.part_set_total = 0, m.commit.block_id.part_set_hash.len = 0),
           LCP_ERR_TM_INVALID);
    EXPECT(m.header.app_hash.len = 3, LCP_ERR_TM_HASH_MISMATCH); /* any length, but hashed */
    EXPECT(m.header.time.nanos += 1, LCP_ERR_TM_HASH_MISMATCH);
#undef EXPECT
    /* commit signatures: absent with an address, a 63-byte signature, an unknown flag */
    static const uint8_t absent_addr[] = {0x22, 0x06, 0x08, 0x01, 0x12, 0x02, 0xaa, 0xbb};
    static const uint8_t flag4[] = {0x22, 0x02, 0x08, 0x04};
    const uint8_t *bad[2] = {absent_addr, flag4};
    size_t bad_len[2] = {sizeof absent_addr, sizeof flag4};
    for (int i = 0; i < 2; i++) {
        uint8_t c[128];
        lcp_pb_writer w;
        lcp_pb_writer_init(&w, c, sizeof c);
        lcp_pb_put_uint(&w, 1, 10);
        uint8_t bid[80];
        lcp_pb_writer bw;
        lcp_pb_writer_init(&bw, bid, sizeof bid);
        lcp_pb_put_bytes(&bw, 1, h33, 32);
        lcp_pb_put_message(&w, 3, bid, bw.len);
        lcp_pb_put_raw(&w, bad[i], bad_len[i]);
        m = sh;
        assert_int_equal(lcp_tm_decode_commit(&m.commit, c, w.len, NULL), LCP_OK);
        assert_int_equal(lcp_tm_signed_header_validate(&m, NULL, 0, NULL), LCP_ERR_TM_INVALID);
    }
    tmbuf_free(&enc);
    cJSON_Delete(j);
}

static void test_time(void **state)
{
    (void)state;
    lcp_tm_time t = {253402300799LL, 999999999}, r;
    lcp_tm_duration one_ns = {0, 1}, minus = {-1, -500000000};
    assert_int_equal(lcp_tm_time_add(&r, t, one_ns), LCP_ERR_TM_OVERFLOW);
    lcp_tm_time z = {-62135596800LL, 0};
    assert_int_equal(lcp_tm_time_add(&r, z, minus), LCP_ERR_TM_OVERFLOW);
    lcp_tm_time a = {10, 300000000};
    assert_int_equal(lcp_tm_time_add(&r, a, minus), LCP_OK);
    assert_int_equal(r.seconds, 8);
    assert_int_equal(r.nanos, 800000000);
    lcp_tm_duration huge = {INT64_MAX, 0};
    assert_int_equal(lcp_tm_time_add(&r, a, huge), LCP_ERR_TM_OVERFLOW);
    uint64_t ns;
    assert_int_equal(lcp_tm_time_to_ns(&ns, a), LCP_OK);
    assert_true(ns == 10300000000ull);
    lcp_tm_time neg = {-1, 0};
    assert_int_equal(lcp_tm_time_to_ns(&ns, neg), LCP_ERR_TM_OVERFLOW);
    assert_int_equal(lcp_tm_time_to_ns(&ns, t), LCP_ERR_TM_OVERFLOW);
    assert_int_equal(lcp_tm_time_cmp(a, r), 1);
    assert_int_equal(lcp_tm_time_cmp(r, a), -1);
    assert_int_equal(lcp_tm_time_cmp(a, a), 0);
}

static uint64_t rng = 0x243f6a8885a308d3ull;
static uint64_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

/* Random edits of real encodings through every decoder, hash and the verifier: no crash, no acceptance. */
static void test_random(void **state)
{
    (void)state;
    cJSON *j = tu_json("tendermint/real/kvstore_v0_38_commit_at_height_10.json");
    cJSON *g = tu_json("tendermint/real/kvstore_v0_38_genesis.json");
    tmbuf sh_enc = tm_encode(tm_enc_signed_header, tj(tj(j, "result"), "signed_header"));
    tmbuf vs_enc = tm_encode(tm_enc_valset, tj(tj(tj(g, "result"), "genesis"), "validators"));
    lcp_tm_valset *vs = tm_valset_new(), *trusted = tm_valset_new();
    assert_int_equal(lcp_tm_decode_valset(trusted, vs_enc.p, vs_enc.n, NULL), LCP_OK);
    uint8_t vh[32];
    assert_int_equal(lcp_tm_valset_hash(vh, trusted), LCP_OK);
    uint8_t *buf = malloc(sh_enc.n + 64);
    assert_non_null(buf);
    long decoded = 0;
    for (int iter = 0; iter < 20000; iter++) {
        size_t n = sh_enc.n;
        memcpy(buf, sh_enc.p, n);
        int edits = 1 + (int)(rnd() % 6);
        for (int e = 0; e < edits; e++) {
            size_t at = (size_t)(rnd() % n);
            switch (rnd() % 3) {
            case 0: buf[at] = (uint8_t)rnd(); break;
            case 1: n = at + 1; break;
            default:
                if (n < sh_enc.n + 63) {
                    memmove(buf + at + 1, buf + at, n - at);
                    buf[at] = (uint8_t)rnd();
                    n++;
                }
            }
        }
        lcp_tm_signed_header sh;
        if (lcp_tm_decode_signed_header(&sh, buf, n, NULL) != LCP_OK) continue;
        decoded++;
        uint8_t h[32];
        int rc = lcp_tm_header_hash(h, &sh.header, NULL);
        assert_true(rc == LCP_OK || tm_code(rc));
        for (size_t i = 0; i < sh.commit.n_sigs; i++) {
            lcp_tm_commit_sig s;
            uint8_t sb[LCP_TM_SIGN_BYTES_MAX];
            size_t sbl;
            assert_int_equal(lcp_tm_commit_sig_at(&s, &sh.commit, i), LCP_OK);
            rc = lcp_tm_vote_sign_bytes(sb, sizeof sb, &sbl, sh.header.chain_id.ptr, sh.header.chain_id.len,
                                        &sh.commit, &s, NULL);
            assert_true(rc == LCP_OK || tm_code(rc) || rc == LCP_ERR_BUFFER_TOO_SMALL);
        }
        lcp_tm_untrusted u = {&sh, trusted, NULL};
        lcp_tm_trusted t = {sh.header.chain_id, 1, {0, 0}, {vh, 32}, trusted};
        lcp_tm_options o = {1, 3, {1LL << 33, 0}, {10, 0}};
        lcp_tm_time now = {1700000000, 0};
        rc = lcp_tm_verify_update(&u, &t, &o, now, NULL);
        /* the only accepted form is the original header */
        if (rc == LCP_OK) assert_true(n == sh_enc.n && memcmp(buf, sh_enc.p, n) == 0);
    }
    for (int iter = 0; iter < 20000; iter++) {
        size_t n = (size_t)(rnd() % vs_enc.n) + 1;
        memcpy(buf, vs_enc.p, n);
        buf[rnd() % n] = (uint8_t)rnd();
        if (lcp_tm_decode_valset(vs, buf, n, NULL) == LCP_OK) {
            uint8_t h[32];
            assert_int_equal(lcp_tm_valset_hash(h, vs), LCP_OK);
        }
        lcp_tm_ibc_header ih;
        lcp_tm_client_state cs;
        lcp_tm_consensus_state cons;
        lcp_tm_misbehaviour mb;
        int d[] = {lcp_tm_decode_ibc_header(&ih, buf, n, NULL), lcp_tm_decode_client_state(&cs, buf, n, NULL),
                   lcp_tm_decode_consensus_state(&cons, buf, n, NULL), lcp_tm_decode_misbehaviour(&mb, buf, n, NULL)};
        for (size_t k = 0; k < sizeof d / sizeof d[0]; k++) assert_true(d[k] == LCP_OK || tm_code(d[k]));
    }
    printf("tm random: %ld corrupted signed headers still decoded, none verified\n", decoded);
    free(buf);
    free(vs);
    free(trusted);
    tmbuf_free(&sh_enc);
    tmbuf_free(&vs_enc);
    cJSON_Delete(j);
    cJSON_Delete(g);
}

/* docs/ed25519-zip215.md: a small-order public key (the identity) with R = identity and S = 0 satisfies ZIP-215's
 * cofactored equation for every message, which CometBFT accepts; libsodium refuses it, and so does the tally. */
static void test_small_order_key(void **state)
{
    (void)state;
    uint8_t key[32] = {1}, sig[64] = {1};
    assert_int_equal(lcp_ed25519_verify(sig, (const uint8_t *)"any", 3, key), LCP_ERR_CRYPTO_VERIFY);
    /* the key is a well-formed 32-byte ed25519 key: the set decodes and hashes */
    lcp_tm_valset *vs = tm_valset_new();
    uint8_t buf[256];
    size_t n = put_validator(buf, sizeof buf, key, 10, 0, 1);
    assert_int_equal(lcp_tm_decode_valset(vs, buf, n, NULL), LCP_OK);
    uint8_t h[32];
    assert_int_equal(lcp_tm_valset_hash(h, vs), LCP_OK);
    /* a commit whose only vote is that signature */
    uint8_t ts[8], cs[128], bid[80], commit[256];
    lcp_pb_writer w;
    lcp_pb_writer_init(&w, ts, sizeof ts);
    lcp_pb_put_uint(&w, 1, 1700000000);
    size_t ts_len = w.len;
    lcp_pb_writer_init(&w, cs, sizeof cs);
    lcp_pb_put_uint(&w, 1, LCP_TM_FLAG_COMMIT);
    lcp_pb_put_bytes(&w, 2, vs->v[0].address, 20);
    lcp_pb_put_message(&w, 3, ts, ts_len);
    lcp_pb_put_bytes(&w, 4, sig, 64);
    size_t cs_len = w.len;
    lcp_pb_writer_init(&w, bid, sizeof bid);
    lcp_pb_put_bytes(&w, 1, h, 32);
    size_t bid_len = w.len;
    lcp_pb_writer_init(&w, commit, sizeof commit);
    lcp_pb_put_uint(&w, 1, 5);
    lcp_pb_put_message(&w, 3, bid, bid_len);
    lcp_pb_put_message(&w, 4, cs, cs_len);
    assert_int_equal(lcp_pb_writer_status(&w), LCP_OK);
    lcp_tm_signed_header sh;
    memset(&sh, 0, sizeof sh);
    assert_int_equal(lcp_tm_decode_commit(&sh.commit, commit, w.len, NULL), LCP_OK);
    sh.header.chain_id = (lcp_bytes){(const uint8_t *)"c", 1};
    int64_t tallied, total;
    assert_int_equal(lcp_tm_commit_tally(&tallied, &total, &sh, vs, 2, 3, LCP_ERR_TM_NOT_ENOUGH_POWER, NULL),
                     LCP_ERR_TM_SIGNATURE);
    free(vs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_malformed), cmocka_unit_test(test_validators), cmocka_unit_test(test_commit_limit),
        cmocka_unit_test(test_validate_basic), cmocka_unit_test(test_time), cmocka_unit_test(test_random),
        cmocka_unit_test(test_small_order_key),
    };
    return cmocka_run_group_tests_name("elc/tm_decode", tests, NULL, NULL);
}
