/* ICS23 op-level rules against cosmos/ics23's own Go unit-test tables (testdata/ics23/unit): every case must give
 * the table's result — digest, error or not, and for CheckAgainstSpec the exact Go error text. */
#include "test_ics23_util.h"

#include <stdio.h>

static int n_cases;

static void test_do_hash(void **state)
{
    (void)state;
    cJSON *j = tu_json("ics23/unit/TestDoHashData.json"), *c;
    cJSON_ArrayForEach(c, j)
    {
        const cJSON *pre = cJSON_GetObjectItemCaseSensitive(c, "Preimage");
        if (pre == NULL) pre = cJSON_GetObjectItemCaseSensitive(c, "PreImage"); /* the sha512 case's spelling */
        assert_true(cJSON_IsString(pre));
        tbuf want = t_hex_field(c, "ExpectedHash");
        uint8_t got[LCP_ICS23_HASH_MAX];
        size_t got_len = 0;
        char err[LCP_ERR_LEN] = "";
        int rc = lcp_ics23_do_hash(got, &got_len, (int32_t)t_int(c, "HashOp"), (const uint8_t *)pre->valuestring,
                                   strlen(pre->valuestring), err);
        if (rc != LCP_OK) fail_msg("%s: %s", c->string, err);
        assert_int_equal(got_len, want.n);
        assert_memory_equal(got, want.p, want.n);
        tbuf_free(&want);
        n_cases++;
    }
    cJSON_Delete(j);
    /* Go's doHash has no KECCAK256, BLAKE3 or NO_HASH: those must stay unsupported. */
    uint8_t out[LCP_ICS23_HASH_MAX];
    size_t n;
    assert_int_equal(lcp_ics23_do_hash(out, &n, LCP_ICS23_KECCAK256, (const uint8_t *)"x", 1, NULL),
                     LCP_ERR_ICS23_UNSUPPORTED);
    assert_int_equal(lcp_ics23_do_hash(out, &n, LCP_ICS23_BLAKE3, (const uint8_t *)"x", 1, NULL),
                     LCP_ERR_ICS23_UNSUPPORTED);
    assert_int_equal(lcp_ics23_do_hash(out, &n, LCP_ICS23_NO_HASH, (const uint8_t *)"x", 1, NULL),
                     LCP_ERR_ICS23_UNSUPPORTED);
}

static void expect_result(const cJSON *c, int rc, const uint8_t *got, size_t got_len, const char *err)
{
    const cJSON *is_err = cJSON_GetObjectItemCaseSensitive(c, "IsErr");
    if (cJSON_IsTrue(is_err)) {
        if (rc == LCP_OK) fail_msg("%s: expected an error", c->string);
        return;
    }
    if (rc != LCP_OK) fail_msg("%s: unexpected error %s", c->string, err);
    tbuf want = t_b64(cJSON_GetObjectItemCaseSensitive(c, "Expected"), NULL);
    assert_int_equal(got_len, want.n);
    assert_memory_equal(got, want.p, want.n);
    tbuf_free(&want);
}

static void test_leaf_op(void **state)
{
    (void)state;
    cJSON *j = tu_json("ics23/unit/TestLeafOpData.json"), *c;
    cJSON_ArrayForEach(c, j)
    {
        tbuf enc = t_encode(t_enc_leaf, cJSON_GetObjectItemCaseSensitive(c, "Op"));
        lcp_ics23_leaf_op op;
        assert_int_equal(lcp_ics23_decode_leaf_op(&op, enc.p, enc.n, NULL), LCP_OK);
        tbuf key = t_b64(cJSON_GetObjectItemCaseSensitive(c, "Key"), NULL);
        tbuf val = t_b64(cJSON_GetObjectItemCaseSensitive(c, "Value"), NULL);
        uint8_t got[LCP_ICS23_HASH_MAX];
        size_t got_len = 0;
        char err[LCP_ERR_LEN] = "";
        int rc = lcp_ics23_leaf_apply(got, &got_len, &op, key.p, key.n, val.p, val.n, err);
        expect_result(c, rc, got, got_len, err);
        tbuf_free(&enc);
        tbuf_free(&key);
        tbuf_free(&val);
        n_cases++;
    }
    cJSON_Delete(j);
}

static void test_inner_op(void **state)
{
    (void)state;
    cJSON *j = tu_json("ics23/unit/TestInnerOpData.json"), *c;
    cJSON_ArrayForEach(c, j)
    {
        tbuf enc = t_encode(t_enc_inner, cJSON_GetObjectItemCaseSensitive(c, "Op"));
        lcp_ics23_inner_op op;
        assert_int_equal(lcp_ics23_decode_inner_op(&op, enc.p, enc.n, NULL), LCP_OK);
        tbuf child = t_b64(cJSON_GetObjectItemCaseSensitive(c, "Child"), NULL);
        uint8_t got[LCP_ICS23_HASH_MAX];
        size_t got_len = 0;
        char err[LCP_ERR_LEN] = "";
        int rc = lcp_ics23_inner_apply(got, &got_len, &op, child.p, child.n, err);
        expect_result(c, rc, got, got_len, err);
        tbuf_free(&enc);
        tbuf_free(&child);
        n_cases++;
    }
    cJSON_Delete(j);
}

static void test_existence_calculate(void **state)
{
    (void)state;
    cJSON *j = tu_json("ics23/unit/TestExistenceProofData.json"), *c;
    cJSON_ArrayForEach(c, j)
    {
        tbuf enc = t_encode(t_enc_exist, cJSON_GetObjectItemCaseSensitive(c, "Proof"));
        lcp_ics23_exist ep;
        assert_int_equal(lcp_ics23_decode_exist(&ep, enc.p, enc.n, NULL), LCP_OK);
        uint8_t got[LCP_ICS23_HASH_MAX];
        size_t got_len = 0;
        char err[LCP_ERR_LEN] = "";
        int rc = lcp_ics23_exist_calculate(got, &got_len, &ep, NULL, err);
        expect_result(c, rc, got, got_len, err);
        tbuf_free(&enc);
        n_cases++;
    }
    cJSON_Delete(j);
}

static void test_check_leaf(void **state)
{
    (void)state;
    cJSON *j = tu_json("ics23/unit/TestCheckLeafData.json"), *c;
    cJSON_ArrayForEach(c, j)
    {
        tbuf le = t_encode(t_enc_leaf, cJSON_GetObjectItemCaseSensitive(c, "Leaf"));
        tbuf se = t_encode(t_enc_leaf, cJSON_GetObjectItemCaseSensitive(c, "Spec"));
        lcp_ics23_leaf_op leaf;
        lcp_ics23_spec spec;
        memset(&spec, 0, sizeof spec);
        assert_int_equal(lcp_ics23_decode_leaf_op(&leaf, le.p, le.n, NULL), LCP_OK);
        assert_int_equal(lcp_ics23_decode_leaf_op(&spec.leaf_spec, se.p, se.n, NULL), LCP_OK);
        spec.has_leaf_spec = 1; /* Go: &ProofSpec{LeafSpec: tc.Spec}, no inner spec */
        int rc = lcp_ics23_leaf_check_spec(&leaf, &spec, NULL);
        int want_err = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(c, "IsErr"));
        if (want_err != (rc != LCP_OK)) fail_msg("%s: got rc %d", c->string, rc);
        if (want_err) assert_int_equal(rc, LCP_ERR_ICS23_SPEC);
        tbuf_free(&le);
        tbuf_free(&se);
        n_cases++;
    }
    cJSON_Delete(j);
}

/* Go wraps errors as "leaf, ..." / "inner, ..."; lcp_fail_ctx writes "leaf: ...". */
static void go_to_lcp_text(char *out, size_t cap, const char *go)
{
    if (strncmp(go, "leaf, ", 6) == 0) snprintf(out, cap, "leaf: %s", go + 6);
    else if (strncmp(go, "inner, ", 7) == 0) snprintf(out, cap, "inner: %s", go + 7);
    else snprintf(out, cap, "%s", go);
}

static void test_check_against_spec(void **state)
{
    (void)state;
    cJSON *j = tu_json("ics23/unit/TestCheckAgainstSpecData.json"), *c;
    int n_err = 0;
    cJSON_ArrayForEach(c, j)
    {
        tbuf pe = t_encode(t_enc_exist, cJSON_GetObjectItemCaseSensitive(c, "Proof"));
        tbuf se = t_encode(t_enc_spec, cJSON_GetObjectItemCaseSensitive(c, "Spec"));
        lcp_ics23_exist ep;
        lcp_ics23_spec spec;
        assert_int_equal(lcp_ics23_decode_exist(&ep, pe.p, pe.n, NULL), LCP_OK);
        assert_int_equal(lcp_ics23_decode_spec(&spec, se.p, se.n, NULL), LCP_OK);
        char err[LCP_ERR_LEN] = "";
        int rc = lcp_ics23_exist_check_spec(&ep, &spec, err);
        const cJSON *want = cJSON_GetObjectItemCaseSensitive(c, "Err");
        assert_true(cJSON_IsString(want));
        if (want->valuestring[0] == '\0') {
            if (rc != LCP_OK) fail_msg("%s: unexpected error %s", c->string, err);
        } else {
            char exp[LCP_ERR_LEN];
            go_to_lcp_text(exp, sizeof exp, want->valuestring);
            assert_int_equal(rc, LCP_ERR_ICS23_SPEC);
            if (strcmp(err, exp) != 0) fail_msg("%s: got \"%s\", want \"%s\"", c->string, err, exp);
            n_err++;
        }
        tbuf_free(&pe);
        tbuf_free(&se);
        n_cases++;
    }
    assert_true(n_err >= 7);
    cJSON_Delete(j);
}

static void test_empty_branch(void **state)
{
    (void)state;
    cJSON *j = tu_json("ics23/unit/TestEmptyBranchData.json"), *c;
    int i = 0;
    cJSON_ArrayForEach(c, j)
    {
        tbuf oe = t_encode(t_enc_inner, cJSON_GetObjectItemCaseSensitive(c, "Op"));
        tbuf se = t_encode(t_enc_spec, cJSON_GetObjectItemCaseSensitive(c, "Spec"));
        lcp_ics23_inner_op op;
        lcp_ics23_spec spec;
        assert_int_equal(lcp_ics23_decode_inner_op(&op, oe.p, oe.n, NULL), LCP_OK);
        assert_int_equal(lcp_ics23_decode_spec(&spec, se.p, se.n, NULL), LCP_OK);
        char err[LCP_ERR_LEN] = "";
        if (lcp_ics23_inner_check_spec(&op, &spec, 1, err) != LCP_OK) fail_msg("case %d: %s", i, err);
        int want_l = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(c, "IsLeft"));
        int want_r = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(c, "IsRight"));
        if (lcp_ics23_left_branches_empty(&spec.inner_spec, &op) != want_l) fail_msg("case %d: IsLeft", i);
        if (lcp_ics23_right_branches_empty(&spec.inner_spec, &op) != want_r) fail_msg("case %d: IsRight", i);
        tbuf_free(&oe);
        tbuf_free(&se);
        i++;
        n_cases++;
    }
    assert_int_equal(i, 8);
    cJSON_Delete(j);
}

/* The standard specs equal each other only where Go's SpecEquals says so, and decode from their encodings. */
static void test_spec_equals(void **state)
{
    (void)state;
    const lcp_ics23_spec *iavl = lcp_ics23_spec_iavl(), *tm = lcp_ics23_spec_tendermint(),
                         *smt = lcp_ics23_spec_smt();
    assert_true(lcp_ics23_spec_equals(iavl, iavl));
    assert_false(lcp_ics23_spec_equals(iavl, tm));
    assert_false(lcp_ics23_spec_equals(tm, smt));
    /* IavlSpec as ibc-go's ClientState carries it (hand-encoded from proofs.proto). */
    static const uint8_t enc[] = {0x0a, 0x09, 0x08, 0x01, 0x18, 0x01, 0x20, 0x01, 0x2a, 0x01, 0x00,
                                  0x12, 0x0c, 0x0a, 0x02, 0x00, 0x01, 0x10, 0x21, 0x18, 0x04, 0x20, 0x0c, 0x30, 0x01};
    lcp_ics23_spec s;
    assert_int_equal(lcp_ics23_decode_spec(&s, enc, sizeof enc, NULL), LCP_OK);
    assert_true(lcp_ics23_spec_equals(&s, iavl));
    assert_int_equal(s.inner_spec.n_child_order, 2);
    assert_int_equal(s.leaf_spec.prefix.len, 1);
    /* the same with child_order unpacked */
    static const uint8_t enc2[] = {0x0a, 0x09, 0x08, 0x01, 0x18, 0x01, 0x20, 0x01, 0x2a, 0x01, 0x00,
                                   0x12, 0x0c, 0x08, 0x00, 0x08, 0x01, 0x10, 0x21, 0x18, 0x04, 0x20, 0x0c, 0x30, 0x01};
    assert_int_equal(lcp_ics23_decode_spec(&s, enc2, sizeof enc2, NULL), LCP_OK);
    assert_true(lcp_ics23_spec_equals(&s, iavl));
    assert_int_equal(s.inner_spec.child_order[1], 1);
}

static int report(void **state)
{
    (void)state;
    printf("ics23 unit tables: %d cases\n", n_cases);
    /* The ICS23 unit tables hold 57 cases: fewer means a table was lost or renamed and its test ran empty. */
    if (n_cases < 57) {
        fprintf(stderr, "ics23 unit tables: only %d cases, expected 57\n", n_cases);
        return -1;
    }
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_do_hash),           cmocka_unit_test(test_leaf_op),
        cmocka_unit_test(test_inner_op),          cmocka_unit_test(test_existence_calculate),
        cmocka_unit_test(test_check_leaf),        cmocka_unit_test(test_check_against_spec),
        cmocka_unit_test(test_empty_branch),      cmocka_unit_test(test_spec_equals),
    };
    return cmocka_run_group_tests_name("elc/ics23_unit", tests, NULL, report);
}
