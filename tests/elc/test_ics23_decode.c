/* ICS23 decoding of hostile bytes: malformed and ambiguous encodings are rejected with the right code, limits are
 * enforced, unknown fields are skipped, and random or randomly corrupted input never crashes (run under ASan) nor
 * verifies. */
#include "test_ics23_util.h"

#include <stdio.h>

static tbuf load_hex(const char *rel, const char *field)
{
    cJSON *j = tu_json(rel);
    tbuf b = t_hex_field(j, field);
    cJSON_Delete(j);
    return b;
}

static int decode(const uint8_t *p, size_t n)
{
    lcp_ics23_proof pr;
    return lcp_ics23_decode_proof(&pr, p, n, NULL);
}

static void test_malformed(void **state)
{
    (void)state;
    char err[LCP_ERR_LEN] = "";
    assert_int_equal(lcp_ics23_decode_proof(&(lcp_ics23_proof){0}, (const uint8_t *)"", 0, err), LCP_ERR_ICS23_DECODE);
    /* exist and nonexist both set */
    static const uint8_t two[] = {0x0a, 0x00, 0x12, 0x00};
    assert_int_equal(decode(two, sizeof two), LCP_ERR_ICS23_DECODE);
    /* ExistenceProof with key twice */
    static const uint8_t dupkey[] = {0x0a, 0x06, 0x0a, 0x01, 'a', 0x0a, 0x01, 'b'};
    assert_int_equal(decode(dupkey, sizeof dupkey), LCP_ERR_ICS23_DECODE);
    /* key as a varint */
    static const uint8_t wire[] = {0x0a, 0x02, 0x08, 0x01};
    assert_int_equal(decode(wire, sizeof wire), LCP_ERR_ICS23_DECODE);
    /* length running past the end */
    static const uint8_t trunc[] = {0x0a, 0x05, 0x0a, 0x01};
    assert_int_equal(decode(trunc, sizeof trunc), LCP_ERR_ICS23_DECODE);
    /* group wire types */
    static const uint8_t group[] = {0x0b, 0x0c};
    assert_int_equal(decode(group, sizeof group), LCP_ERR_ICS23_DECODE);
    /* LeafOp with a LEN hash */
    static const uint8_t leafwire[] = {0x0a, 0x04, 0x1a, 0x02, 0x0a, 0x00};
    assert_int_equal(decode(leafwire, sizeof leafwire), LCP_ERR_ICS23_DECODE);
    /* batch with an empty entry; compressed with an index out of range, negative, and with no lookups */
    static const uint8_t empty_entry[] = {0x1a, 0x02, 0x0a, 0x00};
    assert_int_equal(decode(empty_entry, sizeof empty_entry), LCP_ERR_ICS23_DECODE);
    /* compressed { entries: [ {exist {path: [1]}} ], lookup_inners: [ {} ] } */
    static const uint8_t oob[] = {0x22, 0x08, 0x0a, 0x04, 0x0a, 0x02, 0x20, 0x01, 0x12, 0x00};
    assert_int_equal(decode(oob, sizeof oob), LCP_ERR_ICS23_DECODE);
    static const uint8_t ok_idx[] = {0x22, 0x08, 0x0a, 0x04, 0x0a, 0x02, 0x20, 0x00, 0x12, 0x00};
    assert_int_equal(decode(ok_idx, sizeof ok_idx), LCP_OK);
    static const uint8_t neg[] = {0x22, 0x11, 0x0a, 0x0d, 0x0a, 0x0b, 0x20, 0xff, 0xff, 0xff, 0xff,
                                  0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 0x12, 0x00};
    assert_int_equal(decode(neg, sizeof neg), LCP_ERR_ICS23_DECODE);
    /* packed index run with a truncated varint */
    static const uint8_t badpack[] = {0x22, 0x09, 0x0a, 0x05, 0x0a, 0x03, 0x22, 0x01, 0x80, 0x12, 0x00};
    assert_int_equal(decode(badpack, sizeof badpack), LCP_ERR_ICS23_DECODE);
}

static void test_limits(void **state)
{
    (void)state;
    /* an ExistenceProof with LCP_ICS23_MAX_PATH + 1 empty inner ops */
    size_t n = LCP_ICS23_MAX_PATH + 1;
    uint8_t *exist = malloc(2 * n), *proof = malloc(2 * n + 8);
    assert_true(exist && proof);
    for (size_t i = 0; i < n; i++) {
        exist[2 * i] = 0x22;
        exist[2 * i + 1] = 0x00;
    }
    lcp_pb_writer w;
    lcp_pb_writer_init(&w, proof, 2 * n + 8);
    lcp_pb_put_message(&w, 1, exist, 2 * n - 2);
    assert_int_equal(decode(proof, w.len), LCP_OK);
    lcp_pb_writer_init(&w, proof, 2 * n + 8);
    lcp_pb_put_message(&w, 1, exist, 2 * n);
    assert_int_equal(decode(proof, w.len), LCP_ERR_ICS23_LIMIT);
    free(exist);
    free(proof);
    /* an InnerSpec with 33 children */
    uint8_t spec[64], inner[40];
    for (int i = 0; i < 33; i++) inner[i] = (uint8_t)i;
    lcp_pb_writer_init(&w, spec, sizeof spec);
    lcp_pb_put_bytes(&w, 2, NULL, 0);
    size_t ok_len = w.len;
    lcp_ics23_spec s;
    assert_int_equal(lcp_ics23_decode_spec(&s, spec, ok_len, NULL), LCP_OK);
    assert_true(s.has_inner_spec);
    uint8_t is[40];
    lcp_pb_writer iw;
    lcp_pb_writer_init(&iw, is, sizeof is);
    lcp_pb_put_bytes(&iw, 1, inner, 33);
    lcp_pb_writer_init(&w, spec, sizeof spec);
    lcp_pb_put_message(&w, 2, is, iw.len);
    assert_int_equal(lcp_ics23_decode_spec(&s, spec, w.len, NULL), LCP_ERR_ICS23_LIMIT);
}

/* Unknown fields anywhere are skipped, as Go's decoder does, and do not change the verdict. */
static void test_unknown_fields(void **state)
{
    (void)state;
    tbuf proof = load_hex("ics23/tendermint/exist_left.json", "proof");
    tbuf root = load_hex("ics23/tendermint/exist_left.json", "root");
    tbuf key = load_hex("ics23/tendermint/exist_left.json", "key");
    tbuf value = load_hex("ics23/tendermint/exist_left.json", "value");
    uint8_t *p = malloc(proof.n + 16);
    assert_non_null(p);
    memcpy(p, proof.p, proof.n);
    static const uint8_t unknown[] = {0x78, 0x05, 0x82, 0x01, 0x01, 0x00}; /* field 15 varint; field 16 bytes */
    memcpy(p + proof.n, unknown, sizeof unknown);
    lcp_ics23_proof pr;
    assert_int_equal(lcp_ics23_decode_proof(&pr, p, proof.n + sizeof unknown, NULL), LCP_OK);
    assert_int_equal(lcp_ics23_verify_membership(lcp_ics23_spec_tendermint(), root.p, root.n, &pr, key.p, key.n,
                                                 value.p, value.n, NULL),
                     LCP_OK);
    free(p);
    tbuf_free(&proof);
    tbuf_free(&root);
    tbuf_free(&key);
    tbuf_free(&value);
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* Random bytes, and real proofs with many random byte changes, insertions and cuts: never a crash, never a pass. */
static void test_random(void **state)
{
    (void)state;
    static const char *files[] = {"ics23/iavl/nonexist_middle.json", "ics23/smt/nonexist_right.json",
                                  "ics23/tendermint/exist_left.json", "ics23/iavl/batch_exist.json"};
    uint8_t *buf = malloc(32768);
    assert_non_null(buf);
    long decoded = 0;
    for (size_t f = 0; f < 4; f++) {
        tbuf proof = load_hex(files[f], "proof"), root = load_hex(files[f], "root");
        const lcp_ics23_spec *spec = strstr(files[f], "iavl") ? lcp_ics23_spec_iavl()
                                     : strstr(files[f], "smt") ? lcp_ics23_spec_smt()
                                                               : lcp_ics23_spec_tendermint();
        for (int iter = 0; iter < 3000; iter++) {
            size_t n = proof.n;
            memcpy(buf, proof.p, n);
            int edits = 1 + (int)(rnd() % 8);
            for (int e = 0; e < edits; e++) {
                size_t at = (size_t)(rnd() % n);
                switch (rnd() % 3) {
                case 0: buf[at] = (uint8_t)rnd(); break;
                case 1: n = at + 1; break;
                default:
                    if (n + 1 < 32768) {
                        memmove(buf + at + 1, buf + at, n - at);
                        buf[at] = (uint8_t)rnd();
                        n++;
                    }
                }
            }
            lcp_ics23_proof pr;
            if (lcp_ics23_decode_proof(&pr, buf, n, NULL) != LCP_OK) continue;
            decoded++;
            const uint8_t k[] = "k";
            assert_int_not_equal(lcp_ics23_verify_membership(spec, root.p, root.n, &pr, k, 1, k, 1, NULL), LCP_OK);
            /* "k" may really be absent from these trees, so only robustness is checked here */
            int rc = lcp_ics23_verify_non_membership(spec, root.p, root.n, &pr, k, 1, NULL);
            assert_true(rc == LCP_OK || (rc <= LCP_ERR_ICS23_DECODE && rc >= LCP_ERR_ICS23_ARGS)); /* an ICS23 verdict */
            if (pr.type == LCP_ICS23_PROOF_EXIST) {
                uint8_t out[LCP_ICS23_HASH_MAX];
                size_t ol;
                rc = lcp_ics23_exist_calculate(out, &ol, &pr.exist, spec, NULL);
                assert_true(rc != LCP_OK || ol <= LCP_ICS23_HASH_MAX);
            }
        }
        for (int iter = 0; iter < 3000; iter++) {
            size_t n = (size_t)(rnd() % 200);
            for (size_t i = 0; i < n; i++) buf[i] = (uint8_t)rnd();
            lcp_ics23_proof pr;
            if (lcp_ics23_decode_proof(&pr, buf, n, NULL) == LCP_OK) {
                decoded++;
                assert_int_not_equal(
                    lcp_ics23_verify_membership(spec, root.p, root.n, &pr, buf, 1, buf, 1, NULL), LCP_OK);
            }
        }
        tbuf_free(&proof);
        tbuf_free(&root);
    }
    printf("ics23 random: %ld corrupted inputs still decoded, none verified\n", decoded);
    free(buf);
}

/* Asking for a path step or batch entry beyond the end is misuse: the illegal-argument hook fires. */
static void test_misuse(void **state)
{
    (void)state;
    tu_count_illegal();
    tbuf proof = load_hex("ics23/tendermint/exist_right.json", "proof");
    lcp_ics23_proof pr;
    assert_int_equal(lcp_ics23_decode_proof(&pr, proof.p, proof.n, NULL), LCP_OK);
    lcp_ics23_inner_op op;
    assert_int_equal(lcp_ics23_exist_path_at(&op, &pr.exist, pr.exist.n_path), LCP_ERR_ILLEGAL_ARG);
    assert_int_equal(tu_illegal_calls, 1);
    lcp_ics23_entry e;
    assert_int_equal(lcp_ics23_proof_entry_at(&e, &pr, 0), LCP_ERR_ILLEGAL_ARG);
    assert_int_equal(tu_illegal_calls, 2);
    lcp_set_illegal_hook(NULL, NULL);
    tbuf_free(&proof);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_malformed), cmocka_unit_test(test_limits),   cmocka_unit_test(test_unknown_fields),
        cmocka_unit_test(test_random),    cmocka_unit_test(test_misuse),
    };
    return cmocka_run_group_tests_name("elc/ics23_decode", tests, NULL, NULL);
}
