/* DCAP collateral loading and parsing: the one-file JSON reproduces the byte-exact pieces of phala_sgx_v3/split
 * (PROVENANCE.md), PCS envelopes split into their exact signed text, TCB Info v3/v2 and QE Identity values, a
 * catalogue of malformed documents (each breaking one rule), every truncation, and the status rules. */
#include "testutil.h"

#include <stdio.h>
#include <string.h>

#include "lcp/attestation_dcap.h"

static void same_as_file(const uint8_t *got, size_t got_len, const char *rel)
{
    size_t len;
    uint8_t *want = tu_read(rel, &len);
    if (got_len != len) fail_msg("%s: %zu bytes, file has %zu", rel, got_len, len);
    assert_memory_equal(got, want, len);
    lcp_free(want);
}

static void test_one_file_layout(void **state)
{
    (void)state;
    size_t len;
    uint8_t *json = tu_read("dcap/phala_sgx_v3/collateral.json", &len);
    size_t cap = lcp_dcap_collateral_json_storage_len(len);
    uint8_t *storage = lcp_malloc(cap);
    assert_non_null(storage);
    lcp_dcap_collateral c;
    char err[LCP_ERR_LEN] = "";
    assert_int_equal(lcp_dcap_collateral_from_json(&c, storage, cap - 1, json, len, err), LCP_ERR_BUFFER_TOO_SMALL);
    if (lcp_dcap_collateral_from_json(&c, storage, cap, json, len, err) != LCP_OK) fail_msg("%s", err);
    same_as_file(c.tcb_info.ptr, c.tcb_info.len, "dcap/phala_sgx_v3/split/tcb_info_body.json");
    same_as_file(c.qe_identity.ptr, c.qe_identity.len, "dcap/phala_sgx_v3/split/qe_identity_body.json");
    same_as_file(c.tcb_info_signature, 64, "dcap/phala_sgx_v3/split/tcb_info.sig.bin");
    same_as_file(c.qe_identity_signature, 64, "dcap/phala_sgx_v3/split/qe_identity.sig.bin");
    same_as_file(c.root_ca_crl.ptr, c.root_ca_crl.len, "dcap/phala_sgx_v3/split/root_ca_crl.der");
    same_as_file(c.pck_crl.ptr, c.pck_crl.len, "dcap/phala_sgx_v3/split/pck_crl.der");
    same_as_file(c.pck_crl_issuer_chain.ptr, c.pck_crl_issuer_chain.len,
                 "dcap/phala_sgx_v3/split/pck_crl_issuer_chain.pem");
    same_as_file(c.tcb_info_issuer_chain.ptr, c.tcb_info_issuer_chain.len,
                 "dcap/phala_sgx_v3/split/tcb_info_issuer_chain.pem");
    same_as_file(c.qe_identity_issuer_chain.ptr, c.qe_identity_issuer_chain.len,
                 "dcap/phala_sgx_v3/split/qe_identity_issuer_chain.pem");
    assert_int_equal(c.pck_cert.len, 0);
    /* Every truncation of the document is refused (and never read past: ASan). */
    for (size_t n = 0; n < len; n += (n < 64 || len - n < 64) ? 1 : 97) {
        uint8_t *t = lcp_malloc(n ? n : 1);
        assert_non_null(t);
        memcpy(t, json, n);
        assert_int_not_equal(lcp_dcap_collateral_from_json(&c, storage, cap, t, n, err), LCP_OK);
        lcp_free(t);
    }
    lcp_free(storage);
    lcp_free(json);
}

/* Replaces the first occurrence of from by to in a copy of text. */
static char *edit(const char *text, const char *from, const char *to)
{
    const char *at = strstr(text, from);
    if (at == NULL) fail_msg("edit: '%s' not found", from);
    size_t n = strlen(text) - strlen(from) + strlen(to);
    char *out = lcp_malloc(n + 1);
    assert_non_null(out);
    size_t pre = (size_t)(at - text);
    memcpy(out, text, pre);
    memcpy(out + pre, to, strlen(to));
    strcpy(out + pre + strlen(to), at + strlen(from));
    return out;
}

static void expect_collateral(const char *doc, int want, const char *needle)
{
    size_t len = strlen(doc);
    uint8_t *storage = lcp_malloc(lcp_dcap_collateral_json_storage_len(len));
    assert_non_null(storage);
    lcp_dcap_collateral c;
    char err[LCP_ERR_LEN] = "";
    int rc = lcp_dcap_collateral_from_json(&c, storage, lcp_dcap_collateral_json_storage_len(len),
                                           (const uint8_t *)doc, len, err);
    if (rc != want) fail_msg("got %s (%s), want %s", lcp_errname(rc), err, lcp_errname(want));
    if (needle && strstr(err, needle) == NULL) fail_msg("'%s' does not mention '%s'", err, needle);
    lcp_free(storage);
}

static void test_one_file_malformed(void **state)
{
    (void)state;
    size_t len;
    char *json = (char *)tu_read("dcap/phala_sgx_v3/collateral.json", &len);
    expect_collateral(json, LCP_OK, NULL);
    const struct {
        const char *from, *to, *needle;
    } cases[] = {
        {"\"pck_crl\"", "\"pck_crl_x\"", "pck_crl"},
        {"\"tcb_info_signature\": \"9a", "\"tcb_info_signature\": \"9", "tcb_info_signature"}, /* 127 digits */
        {"\"tcb_info_signature\": \"9a", "\"tcb_info_signature\": \"0x", "tcb_info_signature"},
        {"\"root_ca_crl\": \"30", "\"root_ca_crl\": \"3g", "root_ca_crl"},
        {"\"root_ca_crl\": \"", "\"root_ca_crl\": 1, \"x\": \"", "root_ca_crl"},
        {"\"qe_identity\": \"", "\"qe_identity\": null, \"y\": \"", "qe_identity"},
        {"{", "{\"pck_crl\":\"00\",", "pck_crl"}, /* duplicate member */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *bad = edit(json, cases[i].from, cases[i].to);
        expect_collateral(bad, LCP_ERR_ATTESTATION_COLLATERAL, cases[i].needle);
        lcp_free(bad);
    }
    expect_collateral("[]", LCP_ERR_ATTESTATION_COLLATERAL, "object");
    expect_collateral("{", LCP_ERR_ATTESTATION_COLLATERAL, NULL);
    lcp_free(json);
}

static void test_envelopes(void **state)
{
    (void)state;
    size_t len;
    uint8_t *env = tu_read("dcap/phala_sgx_v3/split/tcb_info.json", &len);
    lcp_bytes body;
    uint8_t sig[64];
    char err[LCP_ERR_LEN] = "";
    if (lcp_dcap_signed_json_split(&body, sig, env, len, "tcbInfo", err) != LCP_OK) fail_msg("%s", err);
    same_as_file(body.ptr, body.len, "dcap/phala_sgx_v3/split/tcb_info_body.json");
    same_as_file(sig, 64, "dcap/phala_sgx_v3/split/tcb_info.sig.bin");
    assert_int_equal(lcp_dcap_signed_json_split(&body, sig, env, len, "enclaveIdentity", err),
                     LCP_ERR_ATTESTATION_COLLATERAL);
    lcp_free(env);
    env = tu_read("dcap/phala_sgx_v3/split/qe_identity.json", &len);
    if (lcp_dcap_signed_json_split(&body, sig, env, len, "enclaveIdentity", err) != LCP_OK) fail_msg("%s", err);
    same_as_file(body.ptr, body.len, "dcap/phala_sgx_v3/split/qe_identity_body.json");
    same_as_file(sig, 64, "dcap/phala_sgx_v3/split/qe_identity.sig.bin");
    lcp_free(env);
    static const char *const bad[] = {
        "{\"tcbInfo\":{},\"signature\":\"00\"}",
        "{\"tcbInfo\":[],\"signature\":\"" /* 128 zeros */
        "00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
        "000000000000000000000\"}",
        "{\"signature\":\"00\"}",
        "{\"tcbInfo\":{}}",
        "{\"tcbInfo\":{},\"tcbInfo\":{},\"signature\":\"00\"}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(lcp_dcap_signed_json_split(&body, sig, (const uint8_t *)bad[i], strlen(bad[i]), "tcbInfo",
                                                     err),
                         LCP_ERR_ATTESTATION_COLLATERAL);
}

static void test_tcb_info_v3_values(void **state)
{
    (void)state;
    size_t len;
    uint8_t *t = tu_read("dcap/phala_sgx_v3/split/tcb_info_body.json", &len);
    lcp_dcap_tcb_info *ti = lcp_malloc(sizeof *ti);
    assert_non_null(ti);
    char err[LCP_ERR_LEN] = "";
    if (lcp_dcap_tcb_info_parse(ti, t, len, err) != LCP_OK) fail_msg("%s", err);
    assert_int_equal(ti->version, 3);
    assert_int_equal(ti->issue_date, 1750330571);
    assert_int_equal(ti->next_update, 1752922571);
    assert_int_equal(ti->tcb_evaluation_data_number, 17);
    uint8_t fm[6];
    tu_hex(fm, 6, "00A067110000");
    assert_memory_equal(ti->fmspc, fm, 6);
    assert_true(ti->n_levels >= 4);
    static const uint8_t l0[16] = {11, 11, 2, 2, 255, 1, 12}, l1[16] = {11, 11, 2, 2, 255, 1, 0};
    assert_memory_equal(ti->levels[0].comp_svn, l0, 16);
    assert_int_equal(ti->levels[0].pce_svn, 13);
    assert_int_equal(ti->levels[0].status, LCP_DCAP_TCB_SW_HARDENING_NEEDED);
    assert_memory_equal(ti->levels[1].comp_svn, l1, 16);
    assert_int_equal(ti->levels[1].status, LCP_DCAP_TCB_CONFIGURATION_AND_SW_HARDENING_NEEDED);
    assert_int_equal(ti->levels[1].tcb_date, 1710288000);
    size_t n = 0;
    assert_int_equal(lcp_json_count(&n, &ti->levels[1].advisory_ids, err), LCP_OK);
    assert_int_equal(n, 2);
    assert_ptr_equal(ti->body.ptr, t);
    lcp_free(ti);
    lcp_free(t);
}

static void test_tcb_info_v2_and_qe_values(void **state)
{
    (void)state;
    size_t len;
    uint8_t *env = tu_read("dcap/intel_qvl_synthetic_v3/tcbInfo.json", &len);
    lcp_bytes body;
    uint8_t sig[64];
    char err[LCP_ERR_LEN] = "";
    assert_int_equal(lcp_dcap_signed_json_split(&body, sig, env, len, "tcbInfo", err), LCP_OK);
    lcp_dcap_tcb_info *ti = lcp_malloc(sizeof *ti);
    assert_non_null(ti);
    if (lcp_dcap_tcb_info_parse(ti, body.ptr, body.len, err) != LCP_OK) fail_msg("%s", err);
    assert_int_equal(ti->version, 2);
    assert_int_equal(ti->tcb_evaluation_data_number, 3);
    static const uint8_t l0[16] = {0, 3, 0, 0, 0, 1, 1};
    assert_memory_equal(ti->levels[0].comp_svn, l0, 16);
    assert_int_equal(ti->levels[0].pce_svn, 3);
    assert_int_equal(ti->levels[0].status, LCP_DCAP_TCB_UP_TO_DATE);
    assert_int_equal(ti->levels[0].advisory_ids.type, LCP_JSON_INVALID);
    lcp_free(ti);
    lcp_free(env);

    uint8_t *q = tu_read("dcap/phala_sgx_v3/split/qe_identity_body.json", &len);
    lcp_dcap_qe_identity *qe = lcp_malloc(sizeof *qe);
    assert_non_null(qe);
    if (lcp_dcap_qe_identity_parse(qe, q, len, err) != LCP_OK) fail_msg("%s", err);
    assert_int_equal(qe->version, 2);
    assert_int_equal(qe->isv_prod_id, 1);
    assert_int_equal(qe->tcb_evaluation_data_number, 17);
    assert_int_equal(qe->attributes[0], 0x11);
    assert_int_equal(qe->attributes_mask[0], 0xFB);
    assert_int_equal(qe->miscselect_mask[3], 0xFF);
    assert_int_equal(qe->n_levels, 6);
    assert_int_equal(qe->levels[0].isv_svn, 8);
    assert_int_equal(qe->levels[0].status, LCP_DCAP_TCB_UP_TO_DATE);
    assert_int_equal(qe->levels[5].isv_svn, 1);
    assert_int_equal(qe->levels[5].status, LCP_DCAP_TCB_OUT_OF_DATE);
    lcp_free(q);
    /* The synthetic QE identity: miscselect as raw bytes d1 82 b1 8c. */
    env = tu_read("dcap/intel_qvl_synthetic_v3/qeIdentity.json", &len);
    assert_int_equal(lcp_dcap_signed_json_split(&body, sig, env, len, "enclaveIdentity", err), LCP_OK);
    assert_int_equal(lcp_dcap_qe_identity_parse(qe, body.ptr, body.len, err), LCP_OK);
    static const uint8_t ms[4] = {0xD1, 0x82, 0xB1, 0x8C};
    assert_memory_equal(qe->miscselect, ms, 4);
    lcp_free(qe);
    lcp_free(env);
}

static void expect_tcb(const char *doc, int want, const char *needle)
{
    lcp_dcap_tcb_info *ti = lcp_malloc(sizeof *ti);
    assert_non_null(ti);
    char err[LCP_ERR_LEN] = "";
    int rc = lcp_dcap_tcb_info_parse(ti, (const uint8_t *)doc, strlen(doc), err);
    if (rc != want) fail_msg("got %s (%s), want %s", lcp_errname(rc), err, lcp_errname(want));
    if (needle && strstr(err, needle) == NULL) fail_msg("'%s' does not mention '%s'", err, needle);
    if (rc != LCP_OK) assert_int_equal(ti->n_levels, 0);
    lcp_free(ti);
}

static void test_tcb_info_malformed(void **state)
{
    (void)state;
    size_t len;
    char *t = (char *)tu_read("dcap/phala_sgx_v3/split/tcb_info_body.json", &len);
    expect_tcb(t, LCP_OK, NULL);
    const struct {
        const char *from, *to;
        int code;
        const char *needle;
    } cases[] = {
        {"\"id\":\"SGX\"", "\"id\":\"TDX\"", LCP_ERR_ATTESTATION_UNSUPPORTED, "TDX"},
        {"\"id\":\"SGX\"", "\"id\":\"SGx\"", LCP_ERR_ATTESTATION_COLLATERAL, "id"},
        {"\"id\":\"SGX\",", "", LCP_ERR_ATTESTATION_COLLATERAL, "id"},
        {"\"version\":3", "\"version\":4", LCP_ERR_ATTESTATION_COLLATERAL, "version"},
        {"\"version\":3", "\"version\":1", LCP_ERR_ATTESTATION_COLLATERAL, "version"},
        {"\"version\":3", "\"version\":\"3\"", LCP_ERR_ATTESTATION_COLLATERAL, "version"},
        {"\"tcbType\":0", "\"tcbType\":1", LCP_ERR_ATTESTATION_COLLATERAL, "tcbType"},
        {"\"fmspc\":\"00A067110000\"", "\"fmspc\":\"00A06711000\"", LCP_ERR_ATTESTATION_COLLATERAL, "fmspc"},
        {"\"pceId\":\"0000\"", "\"pceId\":\"00000\"", LCP_ERR_ATTESTATION_COLLATERAL, "pceId"},
        {"\"issueDate\":\"2025-06-19T10:56:11Z\"", "\"issueDate\":\"2025-06-19T10:56:11\"",
         LCP_ERR_ATTESTATION_COLLATERAL, "issueDate"},
        {"\"nextUpdate\":\"2025-07-19T10:56:11Z\"", "\"nextUpdate\":\"2025-02-30T10:56:11Z\"",
         LCP_ERR_ATTESTATION_COLLATERAL, "nextUpdate"},
        {"\"tcbEvaluationDataNumber\":17", "\"tcbEvaluationDataNumber\":-1", LCP_ERR_ATTESTATION_COLLATERAL,
         "tcbEvaluationDataNumber"},
        {"\"tcbEvaluationDataNumber\":17", "\"tcbEvaluationDataNumber\":4294967296", LCP_ERR_ATTESTATION_COLLATERAL,
         "tcbEvaluationDataNumber"},
        {"\"tcbStatus\":\"SWHardeningNeeded\"", "\"tcbStatus\":\"Fine\"", LCP_ERR_ATTESTATION_COLLATERAL, "Fine"},
        {"\"tcbStatus\":\"SWHardeningNeeded\"", "\"tcbStatus\":\"uptodate\"", LCP_ERR_ATTESTATION_COLLATERAL,
         "tcbStatus"},
        {"[{\"svn\":11},", "[", LCP_ERR_ATTESTATION_COLLATERAL, "16"},
        {"[{\"svn\":11},", "[{\"svn\":11},{\"svn\":11},", LCP_ERR_ATTESTATION_COLLATERAL, "16"},
        {"[{\"svn\":11}", "[{\"svn\":256}", LCP_ERR_ATTESTATION_COLLATERAL, "svn"},
        {"[{\"svn\":11}", "[{\"svn\":1.5}", LCP_ERR_ATTESTATION_COLLATERAL, "svn"},
        {"[{\"svn\":11}", "[{\"svm\":11}", LCP_ERR_ATTESTATION_COLLATERAL, "svn"},
        {"\"pcesvn\":13", "\"pcesvn\":65536", LCP_ERR_ATTESTATION_COLLATERAL, "pcesvn"},
        {"\"pcesvn\":13", "\"pcesvm\":13", LCP_ERR_ATTESTATION_COLLATERAL, "pcesvn"},
        {"\"tcbDate\":\"2024-03-13T00:00:00Z\"", "\"tcbDate\":0", LCP_ERR_ATTESTATION_COLLATERAL, "tcbDate"},
        {"\"advisoryIDs\":[\"INTEL-SA-00615\"]", "\"advisoryIDs\":\"INTEL-SA-00615\"", LCP_ERR_ATTESTATION_COLLATERAL,
         "advisoryIDs"},
        {"\"advisoryIDs\":[\"INTEL-SA-00615\"]", "\"advisoryIDs\":[\"INTEL-SA-\\u00300615\"]",
         LCP_ERR_ATTESTATION_COLLATERAL, "advisory"},
        {"\"advisoryIDs\":[\"INTEL-SA-00615\"]", "\"advisoryIDs\":[\"\"]", LCP_ERR_ATTESTATION_COLLATERAL, "advisory"},
        {"\"advisoryIDs\":[\"INTEL-SA-00615\"]", "\"advisoryIDs\":[7]", LCP_ERR_ATTESTATION_COLLATERAL, "advisory"},
        {"\"advisoryIDs\":[\"INTEL-SA-00615\"]",
         "\"advisoryIDs\":[\"INTEL-SA-00615-INTEL-SA-00615-INTEL-SA-00615-INTEL-SA-00615\"]",
         LCP_ERR_ATTESTATION_COLLATERAL, "advisory"},
        {"\"tcbLevels\":[", "\"tcbLevels\":[7,", LCP_ERR_ATTESTATION_COLLATERAL, "level 0"},
        {"\"fmspc\"", "\"fmspc\":\"00A067110000\",\"fmspc\"", LCP_ERR_ATTESTATION_COLLATERAL, "fmspc"},
        {"{\"id\"", "[{\"id\"", LCP_ERR_ATTESTATION_COLLATERAL, NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *bad = edit(t, cases[i].from, cases[i].to);
        expect_tcb(bad, cases[i].code, cases[i].needle);
        lcp_free(bad);
    }
    expect_tcb("{\"id\":\"SGX\",\"version\":3,\"issueDate\":\"2025-06-19T10:56:11Z\",\"nextUpdate\":"
               "\"2025-07-19T10:56:11Z\",\"fmspc\":\"00A067110000\",\"pceId\":\"0000\",\"tcbType\":0,"
               "\"tcbEvaluationDataNumber\":17,\"tcbLevels\":[]}",
               LCP_ERR_ATTESTATION_COLLATERAL, "no TCB levels");
    expect_tcb("", LCP_ERR_ATTESTATION_COLLATERAL, NULL);
    lcp_free(t);
}

static void expect_qe(const char *doc, int want, const char *needle)
{
    lcp_dcap_qe_identity *qe = lcp_malloc(sizeof *qe);
    assert_non_null(qe);
    char err[LCP_ERR_LEN] = "";
    int rc = lcp_dcap_qe_identity_parse(qe, (const uint8_t *)doc, strlen(doc), err);
    if (rc != want) fail_msg("got %s (%s), want %s", lcp_errname(rc), err, lcp_errname(want));
    if (needle && strstr(err, needle) == NULL) fail_msg("'%s' does not mention '%s'", err, needle);
    lcp_free(qe);
}

static void test_qe_identity_malformed(void **state)
{
    (void)state;
    size_t len;
    char *q = (char *)tu_read("dcap/phala_sgx_v3/split/qe_identity_body.json", &len);
    expect_qe(q, LCP_OK, NULL);
    const struct {
        const char *from, *to;
        int code;
        const char *needle;
    } cases[] = {
        {"\"id\":\"QE\"", "\"id\":\"TD_QE\"", LCP_ERR_ATTESTATION_UNSUPPORTED, "QE"},
        {"\"id\":\"QE\"", "\"id\":\"QVE\"", LCP_ERR_ATTESTATION_UNSUPPORTED, "QE"},
        {"\"id\":\"QE\"", "\"id\":\"XE\"", LCP_ERR_ATTESTATION_COLLATERAL, "id"},
        {"\"version\":2", "\"version\":3", LCP_ERR_ATTESTATION_COLLATERAL, "version"},
        {"\"miscselect\":\"00000000\"", "\"miscselect\":\"0000000\"", LCP_ERR_ATTESTATION_COLLATERAL, "miscselect"},
        {"\"attributesMask\":\"FB", "\"attributesMask\":\"FBFB", LCP_ERR_ATTESTATION_COLLATERAL, "attributesMask"},
        {"\"mrsigner\":\"8C", "\"mrsigner\":\"ZZ", LCP_ERR_ATTESTATION_COLLATERAL, "mrsigner"},
        {"\"isvprodid\":1", "\"isvprodid\":65536", LCP_ERR_ATTESTATION_COLLATERAL, "isvprodid"},
        {"\"isvsvn\":8", "\"isvsvn\":-8", LCP_ERR_ATTESTATION_COLLATERAL, "isvsvn"},
        {"\"tcbStatus\":\"UpToDate\"", "\"tcbStatus\":\"SWHardeningNeeded\"", LCP_ERR_ATTESTATION_COLLATERAL,
         "not valid for an enclave"},
        {"\"tcbLevels\":[", "\"tcbLevels\":[{},", LCP_ERR_ATTESTATION_COLLATERAL, "tcb"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *bad = edit(q, cases[i].from, cases[i].to);
        expect_qe(bad, cases[i].code, cases[i].needle);
        lcp_free(bad);
    }
    lcp_free(q);
}

/* Intel's convergence table (QVL), all 7 x 3 combinations, and where it differs from max severity. */
static void test_status_rules(void **state)
{
    (void)state;
    for (int p = 0; p < LCP_DCAP_TCB_STATUS_COUNT; p++) {
        lcp_dcap_tcb_status ps = (lcp_dcap_tcb_status)p;
        assert_int_equal(lcp_dcap_tcb_status_converge(ps, LCP_DCAP_TCB_UP_TO_DATE), ps);
        assert_int_equal(lcp_dcap_tcb_status_converge(ps, LCP_DCAP_TCB_REVOKED), LCP_DCAP_TCB_REVOKED);
        lcp_dcap_tcb_status want = ps;
        if (ps == LCP_DCAP_TCB_UP_TO_DATE || ps == LCP_DCAP_TCB_SW_HARDENING_NEEDED) want = LCP_DCAP_TCB_OUT_OF_DATE;
        if (ps == LCP_DCAP_TCB_CONFIGURATION_NEEDED || ps == LCP_DCAP_TCB_CONFIGURATION_AND_SW_HARDENING_NEEDED)
            want = LCP_DCAP_TCB_OUT_OF_DATE_CONFIGURATION_NEEDED;
        assert_int_equal(lcp_dcap_tcb_status_converge(ps, LCP_DCAP_TCB_OUT_OF_DATE), want);
        /* Names round-trip exactly. */
        const char *name = lcp_dcap_tcb_status_name(ps);
        lcp_dcap_tcb_status back;
        assert_int_equal(lcp_dcap_tcb_status_parse(&back, name, strlen(name)), LCP_OK);
        assert_int_equal(back, ps);
        assert_int_not_equal(lcp_dcap_tcb_status_parse(&back, name, strlen(name) - 1), LCP_OK);
    }
    /* The case max-severity gets wrong: QE OutOfDate + platform ConfigurationNeeded. */
    assert_int_equal(lcp_dcap_tcb_status_converge(LCP_DCAP_TCB_CONFIGURATION_NEEDED, LCP_DCAP_TCB_OUT_OF_DATE),
                     LCP_DCAP_TCB_OUT_OF_DATE_CONFIGURATION_NEEDED);
    assert_string_equal(lcp_dcap_tcb_status_name((lcp_dcap_tcb_status)99), "?");
}

/* The policy on hand-made results: each rule rejects on its own. */
static void test_policy_rules(void **state)
{
    (void)state;
    lcp_dcap_result r;
    memset(&r, 0, sizeof r);
    char err[LCP_ERR_LEN] = "";
    assert_int_equal(lcp_dcap_policy_check(NULL, &r, err), LCP_OK); /* UpToDate, no advisories */
    r.status = LCP_DCAP_TCB_REVOKED;
    lcp_dcap_policy p;
    memset(&p, 0, sizeof p);
    p.allowed_statuses = 0xFFFFFFFFu;
    assert_int_equal(lcp_dcap_policy_check(&p, &r, err), LCP_ERR_ATTESTATION_POLICY);
    assert_non_null(strstr(err, "Revoked"));
    r.status = LCP_DCAP_TCB_OUT_OF_DATE;
    assert_int_equal(lcp_dcap_policy_check(&p, &r, err), LCP_OK);
    assert_int_equal(lcp_dcap_policy_check(NULL, &r, err), LCP_ERR_ATTESTATION_POLICY);
    r.status = LCP_DCAP_TCB_UP_TO_DATE;
    strcpy(r.advisory_ids[0], "INTEL-DOC-10000");
    r.n_advisory_ids = 1;
    assert_int_equal(lcp_dcap_policy_check(NULL, &r, err), LCP_ERR_ATTESTATION_POLICY);
    assert_non_null(strstr(err, "INTEL-DOC-10000"));
    const char *const ids[] = {"INTEL-DOC-1000", "INTEL-DOC-10000"};
    p.allowed_advisory_ids = ids;
    p.n_allowed_advisory_ids = 1; /* a prefix is not a match */
    assert_int_equal(lcp_dcap_policy_check(&p, &r, err), LCP_ERR_ATTESTATION_POLICY);
    p.n_allowed_advisory_ids = 2;
    assert_int_equal(lcp_dcap_policy_check(&p, &r, err), LCP_OK);
    r.debug = 1;
    assert_int_equal(lcp_dcap_policy_check(&p, &r, err), LCP_ERR_ATTESTATION_POLICY);
    assert_non_null(strstr(err, "debug"));
    p.allow_debug = 1;
    assert_int_equal(lcp_dcap_policy_check(&p, &r, err), LCP_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_one_file_layout),
        cmocka_unit_test(test_one_file_malformed),
        cmocka_unit_test(test_envelopes),
        cmocka_unit_test(test_tcb_info_v3_values),
        cmocka_unit_test(test_tcb_info_v2_and_qe_values),
        cmocka_unit_test(test_tcb_info_malformed),
        cmocka_unit_test(test_qe_identity_malformed),
        cmocka_unit_test(test_status_rules),
        cmocka_unit_test(test_policy_rules),
    };
    return cmocka_run_group_tests_name("attestation/dcap_collateral", tests, NULL, NULL);
}
