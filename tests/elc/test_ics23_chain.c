/* IBC chained proofs (MerkleProof [store proof, multistore proof] against the app hash, path [store key, key]).
 * No recorded SDK MerkleProof is among the vectors, so the outer (multistore) proof is built here as the SDK builds
 * it: a Tendermint simple-tree leaf store-name -> store-root with two inner steps, its root computed independently
 * with plain SHA-256 over the RFC 6962 layout; the inner (store) proofs are the real IAVL vectors. */
#include "test_ics23_util.h"

#include <stdio.h>

#include "lcp/crypto.h"

static const uint8_t sib1[32] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
                                 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32};
static const uint8_t sib2[32] = {0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, 0xa8, 0xa9, 0xaa,
                                 0xab, 0xac, 0xad, 0xae, 0xaf, 0xb0, 0xb1, 0xb2, 0xb3, 0xb4, 0xb5,
                                 0xb6, 0xb7, 0xb8, 0xb9, 0xba, 0xbb, 0xbc, 0xbd, 0xbe, 0xbf};

typedef struct {
    uint8_t merkle[8192];
    size_t merkle_len;
    uint8_t app_hash[32];
    tbuf key, value, root;
} chained;

/* Outer CommitmentProof proving store_key -> store_root in a simple tree where the leaf is the left child of a
 * node whose right child is sib1, and that node the right child of sib2. Out: app_hash. */
static size_t outer_proof(uint8_t *out, size_t cap, uint8_t app_hash[32], const char *store_key,
                          const uint8_t *store_root, size_t root_len)
{
    uint8_t leaf[64], inner1[64], inner2[64], exist[512];
    lcp_pb_writer w;
    lcp_pb_writer_init(&w, leaf, sizeof leaf);
    lcp_pb_put_uint(&w, 1, LCP_ICS23_SHA256);
    lcp_pb_put_uint(&w, 3, LCP_ICS23_SHA256);
    lcp_pb_put_uint(&w, 4, LCP_ICS23_VAR_PROTO);
    lcp_pb_put_bytes(&w, 5, "\x00", 1);
    size_t leaf_len = w.len;
    lcp_pb_writer_init(&w, inner1, sizeof inner1);
    lcp_pb_put_uint(&w, 1, LCP_ICS23_SHA256);
    lcp_pb_put_bytes(&w, 2, "\x01", 1);
    lcp_pb_put_bytes(&w, 3, sib1, 32);
    size_t in1_len = w.len;
    uint8_t pre2[33] = {1};
    memcpy(pre2 + 1, sib2, 32);
    lcp_pb_writer_init(&w, inner2, sizeof inner2);
    lcp_pb_put_uint(&w, 1, LCP_ICS23_SHA256);
    lcp_pb_put_bytes(&w, 2, pre2, 33);
    size_t in2_len = w.len;
    lcp_pb_writer_init(&w, exist, sizeof exist);
    lcp_pb_put_bytes(&w, 1, store_key, strlen(store_key));
    lcp_pb_put_bytes(&w, 2, store_root, root_len);
    lcp_pb_put_message(&w, 3, leaf, leaf_len);
    lcp_pb_put_message(&w, 4, inner1, in1_len);
    lcp_pb_put_message(&w, 4, inner2, in2_len);
    assert_int_equal(lcp_pb_writer_status(&w), LCP_OK);
    size_t exist_len = w.len;
    lcp_pb_writer_init(&w, out, cap);
    lcp_pb_put_message(&w, 1, exist, exist_len);
    assert_int_equal(lcp_pb_writer_status(&w), LCP_OK);

    /* the root, computed without the ICS23 code: leaf = H(0 || len || key || len || H(value)) */
    uint8_t vh[32], h[32];
    assert_int_equal(lcp_sha256(vh, store_root, root_len), LCP_OK);
    uint8_t klen = (uint8_t)strlen(store_key), vlen = 32;
    lcp_bytes lp[5] = {{(const uint8_t *)"\x00", 1}, {&klen, 1}, {(const uint8_t *)store_key, klen}, {&vlen, 1},
                       {vh, 32}};
    assert_int_equal(lcp_sha256_parts(h, lp, 5), LCP_OK);
    lcp_bytes p1[3] = {{(const uint8_t *)"\x01", 1}, {h, 32}, {sib1, 32}};
    assert_int_equal(lcp_sha256_parts(h, p1, 3), LCP_OK);
    lcp_bytes p2[3] = {{(const uint8_t *)"\x01", 1}, {sib2, 32}, {h, 32}};
    assert_int_equal(lcp_sha256_parts(app_hash, p2, 3), LCP_OK);
    return w.len;
}

static void build(chained *c, const char *vector, const char *store_key)
{
    cJSON *j = tu_json(vector);
    tbuf proof = t_hex_field(j, "proof");
    c->key = t_hex_field(j, "key");
    c->value = t_hex_field(j, "value");
    c->root = t_hex_field(j, "root");
    cJSON_Delete(j);
    uint8_t outer[1024];
    size_t outer_len = outer_proof(outer, sizeof outer, c->app_hash, store_key, c->root.p, c->root.n);
    lcp_pb_writer w;
    lcp_pb_writer_init(&w, c->merkle, sizeof c->merkle);
    lcp_pb_put_message(&w, 1, proof.p, proof.n);
    lcp_pb_put_message(&w, 1, outer, outer_len);
    assert_int_equal(lcp_pb_writer_status(&w), LCP_OK);
    c->merkle_len = w.len;
    tbuf_free(&proof);
}

static void drop(chained *c)
{
    tbuf_free(&c->key);
    tbuf_free(&c->value);
    tbuf_free(&c->root);
}

static void test_chained_membership(void **state)
{
    (void)state;
    chained *c = calloc(1, sizeof *c);
    assert_non_null(c);
    build(c, "ics23/iavl/exist_middle.json", "ibc");
    lcp_ics23_spec specs[2] = {*lcp_ics23_spec_iavl(), *lcp_ics23_spec_tendermint()};
    lcp_bytes path[2] = {{(const uint8_t *)"ibc", 3}, {c->key.p, c->key.n}};
    char err[LCP_ERR_LEN] = "";
    int rc = lcp_ics23_verify_chained_membership(specs, 2, c->app_hash, 32, c->merkle, c->merkle_len, path, 2,
                                                 c->value.p, c->value.n, err);
    if (rc != LCP_OK) fail_msg("chained membership: %s", err);

    /* wrong value, store key, key, app hash */
    c->value.p[0] ^= 1;
    assert_int_equal(lcp_ics23_verify_chained_membership(specs, 2, c->app_hash, 32, c->merkle, c->merkle_len, path,
                                                         2, c->value.p, c->value.n, NULL),
                     LCP_ERR_ICS23_VERIFY);
    c->value.p[0] ^= 1;
    lcp_bytes bad_store[2] = {{(const uint8_t *)"ibd", 3}, path[1]};
    assert_int_equal(lcp_ics23_verify_chained_membership(specs, 2, c->app_hash, 32, c->merkle, c->merkle_len,
                                                         bad_store, 2, c->value.p, c->value.n, NULL),
                     LCP_ERR_ICS23_VERIFY);
    lcp_bytes swapped[2] = {path[1], path[0]};
    assert_int_not_equal(lcp_ics23_verify_chained_membership(specs, 2, c->app_hash, 32, c->merkle, c->merkle_len,
                                                             swapped, 2, c->value.p, c->value.n, NULL),
                         LCP_OK);
    for (size_t i = 0; i < 32; i++) {
        c->app_hash[i] ^= 0x40;
        assert_int_equal(lcp_ics23_verify_chained_membership(specs, 2, c->app_hash, 32, c->merkle, c->merkle_len,
                                                             path, 2, c->value.p, c->value.n, NULL),
                         LCP_ERR_ICS23_VERIFY);
        c->app_hash[i] ^= 0x40;
    }
    /* the store root itself is not the app hash */
    assert_int_equal(lcp_ics23_verify_chained_membership(specs, 2, c->root.p, c->root.n, c->merkle, c->merkle_len,
                                                         path, 2, c->value.p, c->value.n, NULL),
                     LCP_ERR_ICS23_VERIFY);
    /* specs in the wrong order fail their spec checks */
    lcp_ics23_spec rev[2] = {specs[1], specs[0]};
    assert_int_equal(lcp_ics23_verify_chained_membership(rev, 2, c->app_hash, 32, c->merkle, c->merkle_len, path, 2,
                                                         c->value.p, c->value.n, NULL),
                     LCP_ERR_ICS23_SPEC);
    /* argument shape */
    assert_int_equal(lcp_ics23_verify_chained_membership(specs, 1, c->app_hash, 32, c->merkle, c->merkle_len, path,
                                                         2, c->value.p, c->value.n, NULL),
                     LCP_ERR_ICS23_ARGS);
    assert_int_equal(lcp_ics23_verify_chained_membership(specs, 2, c->app_hash, 32, c->merkle, c->merkle_len, path,
                                                         1, c->value.p, c->value.n, NULL),
                     LCP_ERR_ICS23_ARGS);
    assert_int_equal(lcp_ics23_verify_chained_membership(specs, 2, c->app_hash, 32, c->merkle, c->merkle_len, path,
                                                         2, c->value.p, 0, NULL),
                     LCP_ERR_ICS23_ARGS);
    assert_int_equal(lcp_ics23_verify_chained_membership(specs, 2, c->app_hash, 0, c->merkle, c->merkle_len, path,
                                                         2, c->value.p, c->value.n, NULL),
                     LCP_ERR_ICS23_ARGS);
    assert_int_equal(lcp_ics23_verify_chained_membership(specs, 2, c->app_hash, 32, c->merkle, 0, path, 2,
                                                         c->value.p, c->value.n, NULL),
                     LCP_ERR_ICS23_ARGS);
    /* non-membership of a present key: proof 0 is an existence proof */
    assert_int_equal(lcp_ics23_verify_chained_non_membership(specs, 2, c->app_hash, 32, c->merkle, c->merkle_len,
                                                             path, 2, NULL),
                     LCP_ERR_ICS23_PROOF_TYPE);
    /* every single-byte mutation of the MerkleProof fails */
    uint8_t *m = malloc(c->merkle_len);
    assert_non_null(m);
    for (size_t i = 0; i < c->merkle_len; i++) {
        memcpy(m, c->merkle, c->merkle_len);
        m[i] ^= 0x01;
        if (lcp_ics23_verify_chained_membership(specs, 2, c->app_hash, 32, m, c->merkle_len, path, 2, c->value.p,
                                                c->value.n, NULL) == LCP_OK)
            fail_msg("mutation at %zu verifies", i);
    }
    free(m);
    drop(c);
    free(c);
}

static void test_chained_non_membership(void **state)
{
    (void)state;
    chained *c = calloc(1, sizeof *c);
    assert_non_null(c);
    build(c, "ics23/iavl/nonexist_middle.json", "ibc");
    lcp_ics23_spec specs[2] = {*lcp_ics23_spec_iavl(), *lcp_ics23_spec_tendermint()};
    lcp_bytes path[2] = {{(const uint8_t *)"ibc", 3}, {c->key.p, c->key.n}};
    char err[LCP_ERR_LEN] = "";
    int rc = lcp_ics23_verify_chained_non_membership(specs, 2, c->app_hash, 32, c->merkle, c->merkle_len, path, 2,
                                                     err);
    if (rc != LCP_OK) fail_msg("chained non-membership: %s", err);
    /* membership with any value fails: proof 0 is not an existence proof */
    assert_int_equal(lcp_ics23_verify_chained_membership(specs, 2, c->app_hash, 32, c->merkle, c->merkle_len, path,
                                                         2, (const uint8_t *)"v", 1, NULL),
                     LCP_ERR_ICS23_PROOF_TYPE);
    /* the neighbours' keys are present, so their absence cannot be proven */
    lcp_ics23_proof p;
    cJSON *j = tu_json("ics23/iavl/nonexist_middle.json");
    tbuf inner = t_hex_field(j, "proof");
    cJSON_Delete(j);
    assert_int_equal(lcp_ics23_decode_proof(&p, inner.p, inner.n, NULL), LCP_OK);
    lcp_bytes lpath[2] = {path[0], p.nonexist.left.key};
    assert_int_equal(lcp_ics23_verify_chained_non_membership(specs, 2, c->app_hash, 32, c->merkle, c->merkle_len,
                                                             lpath, 2, NULL),
                     LCP_ERR_ICS23_NONEXIST);
    lcp_bytes rpath[2] = {path[0], p.nonexist.right.key};
    assert_int_equal(lcp_ics23_verify_chained_non_membership(specs, 2, c->app_hash, 32, c->merkle, c->merkle_len,
                                                             rpath, 2, NULL),
                     LCP_ERR_ICS23_NONEXIST);
    c->app_hash[31] ^= 1;
    assert_int_equal(lcp_ics23_verify_chained_non_membership(specs, 2, c->app_hash, 32, c->merkle, c->merkle_len,
                                                             path, 2, NULL),
                     LCP_ERR_ICS23_VERIFY);
    c->app_hash[31] ^= 1;
    /* mutations: only the unused NonExistenceProof.key field may change without effect */
    size_t off = (size_t)(p.nonexist.key.ptr - inner.p); /* offset of the key bytes in the inner proof */
    size_t inner_at = 1 + lcp_pb_varint_len(inner.n); /* inner proof starts after its MerkleProof tag+len */
    size_t kfrom = inner_at + off - 1 - lcp_pb_varint_len(p.nonexist.key.len), kto = inner_at + off + p.nonexist.key.len;
    uint8_t *m = malloc(c->merkle_len);
    assert_non_null(m);
    int accepted = 0;
    for (size_t i = 0; i < c->merkle_len; i++) {
        memcpy(m, c->merkle, c->merkle_len);
        m[i] ^= 0x01;
        if (lcp_ics23_verify_chained_non_membership(specs, 2, c->app_hash, 32, m, c->merkle_len, path, 2, NULL) ==
            LCP_OK) {
            if (i < kfrom || i >= kto) fail_msg("mutation at %zu verifies", i);
            accepted++;
        }
    }
    printf("chained non-membership: %d mutations accepted, all in the unused NonExistenceProof.key\n", accepted);
    free(m);
    tbuf_free(&inner);
    drop(c);
    free(c);
}

/* More proofs than LCP_ICS23_MAX_CHAIN are refused before any work. */
static void test_chain_limits(void **state)
{
    (void)state;
    uint8_t buf[64];
    lcp_pb_writer w;
    lcp_pb_writer_init(&w, buf, sizeof buf);
    for (int i = 0; i < LCP_ICS23_MAX_CHAIN + 1; i++) lcp_pb_put_bytes(&w, 1, "\x0a\x00", 2);
    lcp_ics23_spec specs[LCP_ICS23_MAX_CHAIN + 1];
    lcp_bytes path[LCP_ICS23_MAX_CHAIN + 1];
    memset(specs, 0, sizeof specs);
    memset(path, 0, sizeof path);
    assert_int_equal(lcp_ics23_verify_chained_membership(specs, LCP_ICS23_MAX_CHAIN + 1, buf, 32, buf, w.len, path,
                                                         LCP_ICS23_MAX_CHAIN + 1, buf, 1, NULL),
                     LCP_ERR_ICS23_LIMIT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_chained_membership),
        cmocka_unit_test(test_chained_non_membership),
        cmocka_unit_test(test_chain_limits),
    };
    return cmocka_run_group_tests_name("elc/ics23_chain", tests, NULL, NULL);
}
