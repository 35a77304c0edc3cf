/* The attestation evidence codec (lcp/host_evidence.h) and the host's attestation orchestration
 * (lcp/host_attest.h): a v1 document of a real verification on the simulated platform round-trips field by field;
 * every required member missing, of a wrong type, out of range or with bad hex is refused with a message naming it;
 * other writers' records and the IAS forms decode as the key listing reads them; a quote from an outside quote
 * source is recorded through lcp_host_attest_dcap only if it is of the key's own report; re-verification returns
 * the recorded quote; a simulated IAS attestation records a signed report whose certificate is its signer's. */
#include "testutil.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <string.h>

#include "lcp/host_attest.h"
#include "lcp/host_evidence.h"
#include "lcp/host_keystore.h"
#include "simfix.h"

#define OK(call) assert_int_equal((call), LCP_OK)

/* ---- a real verification on the simulated platform ---- */

typedef struct {
    simfix sim;
    int64_t now;
    uint8_t addr[20];
    uint8_t report[432];
    lcp_buf quote;
    uint8_t *coll;
    size_t coll_len;
    lcp_dcap_result r;
    lcp_buf v1; /* the v1 document of r */
} world;

static void world_open(world *w)
{
    char err[LCP_ERR_LEN] = "";
    memset(w, 0, sizeof *w);
    w->now = lcp_time_now();
    simfix_open(&w->sim, w->now - 60);
    memset(w->addr, 0xa7, 20);
    uint8_t rd[64];
    simfix_report_data(rd, w->addr, NULL);
    lcp_tee_identity id = simfix_identity(1);
    simfix_report(&w->sim, w->report, &id, rd);
    simfix_quote_report(&w->sim, &w->quote, w->report);
    w->coll = simfix_collateral_json(&w->sim, 0, &w->coll_len);
    lcp_dcap_collateral c;
    uint8_t *storage = simfix_collateral(&w->sim, &c, 0);
    lcp_dcap_policy pol;
    memset(&pol, 0, sizeof pol);
    pol.allow_debug = 1;
    OK(lcp_dcap_verify(&w->r, w->quote.data, w->quote.len, &c, w->sim.root, w->sim.root_len, w->now, &pol, err));
    lcp_free(storage);
    OK(lcp_host_evidence_encode_dcap(&w->v1, &w->r, w->now, 1, w->quote.data, w->quote.len, w->coll, w->coll_len,
                                     err));
}

static void world_close(world *w)
{
    lcp_buf_free(&w->quote);
    lcp_buf_free(&w->v1);
    lcp_free(w->coll);
    simfix_close(&w->sim);
}

static int bytes_eq(lcp_bytes b, const void *p, size_t n) { return b.len == n && (n == 0 || memcmp(b.ptr, p, n) == 0); }

static void test_v1_round_trip(void **state)
{
    (void)state;
    world w;
    world_open(&w);
    char err[LCP_ERR_LEN] = "";
    lcp_host_evidence ev;
    OK(lcp_host_evidence_decode(&ev, LCP_RA_TYPE_DCAP, w.v1.data, w.v1.len, err));
    assert_int_equal(ev.form, LCP_HOST_EVIDENCE_DCAP_V1);
    assert_string_equal(ev.status, lcp_dcap_tcb_status_name(w.r.status));
    assert_string_equal(ev.platform_status, lcp_dcap_tcb_status_name(w.r.platform_status));
    assert_string_equal(ev.qe_status, lcp_dcap_tcb_status_name(w.r.qe_status));
    assert_true(ev.has_advisory_ids);
    assert_int_equal(ev.n_advisory_ids, w.r.n_advisory_ids);
    for (size_t i = 0; i < ev.n_advisory_ids; i++) assert_string_equal(ev.advisory_ids[i], w.r.advisory_ids[i]);
    assert_memory_equal(ev.mrenclave, w.r.report.mrenclave, 32);
    assert_memory_equal(ev.mrsigner, w.r.report.mrsigner, 32);
    assert_memory_equal(ev.report_data, w.r.report.report_data, 64);
    assert_memory_equal(ev.report_data + 1, w.addr, 20);
    assert_int_equal(ev.debug, w.r.debug);
    assert_true(ev.debug);
    assert_true(bytes_eq(ev.fmspc, w.r.fmspc, LCP_DCAP_FMSPC_LEN));
    assert_true(ev.has_tcb_evaluation_data_number);
    assert_int_equal(ev.tcb_evaluation_data_number, w.r.tcb_evaluation_data_number);
    assert_int_equal(ev.valid_from, w.r.valid_from);
    assert_int_equal(ev.valid_to, w.r.valid_to);
    assert_int_equal(ev.not_before, w.r.valid_from);
    assert_int_equal(ev.not_after, w.r.valid_to);
    assert_int_equal(ev.isv_prod_id, w.r.report.isv_prod_id);
    assert_int_equal(ev.isv_svn, w.r.report.isv_svn);
    assert_int_equal(ev.tcb_date, w.r.tcb_date);
    assert_int_equal(ev.verified_at, w.now);
    assert_true(ev.sim);
    assert_true(bytes_eq(ev.quote, w.quote.data, w.quote.len));
    /* the collateral members are the document's own */
    cJSON *c = cJSON_ParseWithLength((const char *)w.coll, w.coll_len);
    assert_non_null(c);
    assert_true(ev.has_collateral);
    assert_string_equal(ev.tcb_info, cJSON_GetObjectItem(c, "tcb_info")->valuestring);
    assert_string_equal(ev.tcb_info_signature, cJSON_GetObjectItem(c, "tcb_info_signature")->valuestring);
    assert_string_equal(ev.tcb_info_issuer_chain, cJSON_GetObjectItem(c, "tcb_info_issuer_chain")->valuestring);
    assert_string_equal(ev.qe_identity, cJSON_GetObjectItem(c, "qe_identity")->valuestring);
    assert_string_equal(ev.qe_identity_signature, cJSON_GetObjectItem(c, "qe_identity_signature")->valuestring);
    uint8_t der[8192];
    size_t n = tu_hex(der, sizeof der, cJSON_GetObjectItem(c, "pck_crl")->valuestring);
    assert_true(n > 0 && bytes_eq(ev.pck_crl, der, n));
    n = tu_hex(der, sizeof der, cJSON_GetObjectItem(c, "root_ca_crl")->valuestring);
    assert_true(n > 0 && bytes_eq(ev.root_ca_crl, der, n));
    cJSON_Delete(c);
    assert_false(ev.has_risc0);
    /* the decoded quote verifies again to the same result */
    lcp_dcap_collateral coll;
    uint8_t *storage = simfix_collateral(&w.sim, &coll, 0);
    lcp_dcap_policy pol;
    memset(&pol, 0, sizeof pol);
    pol.allow_debug = 1;
    lcp_dcap_result again;
    OK(lcp_dcap_verify(&again, ev.quote.ptr, ev.quote.len, &coll, w.sim.root, w.sim.root_len, w.now, &pol, err));
    assert_memory_equal(again.report.report_data, w.r.report.report_data, 64);
    lcp_free(storage);
    lcp_host_evidence_free(&ev);
    lcp_host_evidence_free(&ev); /* idempotent */
    /* encoding is deterministic: the same inputs give the same bytes */
    lcp_buf again_v1 = {0};
    OK(lcp_host_evidence_encode_dcap(&again_v1, &w.r, w.now, 1, w.quote.data, w.quote.len, w.coll, w.coll_len, err));
    assert_int_equal(again_v1.len, w.v1.len);
    assert_memory_equal(again_v1.data, w.v1.data, w.v1.len);
    lcp_buf_free(&again_v1);
    /* a collateral document that is not a JSON object is refused by the encoder */
    lcp_buf bad = {0};
    assert_int_equal(lcp_host_evidence_encode_dcap(&bad, &w.r, w.now, 1, w.quote.data, w.quote.len,
                                                   (const uint8_t *)"[1]", 3, err),
                     LCP_ERR_HOST_KEY_RECORD);
    assert_int_equal(bad.len, 0);
    world_close(&w);
}

/* ---- hostile v1 documents ---- */

/* Decodes doc (printed) as DCAP and expects LCP_ERR_HOST_KEY_RECORD with a message naming want. */
static void expect_refused(cJSON *doc, const char *want, const char *what)
{
    char *text = cJSON_PrintUnformatted(doc);
    assert_non_null(text);
    char err[LCP_ERR_LEN] = "";
    lcp_host_evidence ev;
    int rc = lcp_host_evidence_decode(&ev, LCP_RA_TYPE_DCAP, (const uint8_t *)text, strlen(text), err);
    if (rc != LCP_ERR_HOST_KEY_RECORD || strstr(err, want) == NULL)
        fail_msg("%s: rc %d, err '%s' (wanted a refusal naming '%s')", what, rc, err, want);
    assert_int_equal(ev.form, LCP_HOST_EVIDENCE_UNKNOWN);
    assert_null(ev.status);
    assert_int_equal(ev.quote.len, 0);
    lcp_host_evidence_free(&ev);
    cJSON_free(text);
}

/* The v1 members, where they live (NULL: top level), and what kind of value each is. */
typedef struct {
    const char *parent, *name;
    char kind; /* s: string (status), h: hex string, n: integer, b: bool, a: array, o: object, c: collateral text */
} member_spec;

static const member_spec V1[] = {
    {NULL, "status", 's'},          {NULL, "advisory_ids", 'a'},  {NULL, "mrenclave", 'h'},
    {NULL, "mrsigner", 'h'},        {NULL, "report_data", 'h'},   {NULL, "debug", 'b'},
    {NULL, "fmspc", 'h'},           {NULL, "tcb_evaluation_data_number", 'n'},
    {NULL, "valid_from", 'n'},      {NULL, "valid_to", 'n'},      {NULL, "isv_prod_id", 'n'},
    {NULL, "isv_svn", 'n'},         {NULL, "platform_status", 's'}, {NULL, "qe_status", 's'},
    {NULL, "tcb_date", 'n'},        {NULL, "verified_at", 'n'},   {NULL, "sim", 'b'},
    {NULL, "quote", 'h'},           {NULL, "validity", 'o'},      {NULL, "collateral", 'o'},
    {"validity", "not_before", 'n'}, {"validity", "not_after", 'n'},
    {"collateral", "tcb_info", 'c'}, {"collateral", "tcb_info_signature", 'h'},
    {"collateral", "tcb_info_issuer_chain", 'c'}, {"collateral", "qe_identity", 'c'},
    {"collateral", "qe_identity_signature", 'h'}, {"collateral", "root_ca_crl", 'h'},
    {"collateral", "pck_crl", 'h'},
};
#define N_V1 (sizeof V1 / sizeof V1[0])

static cJSON *parent_of(cJSON *doc, const member_spec *m)
{
    return m->parent ? cJSON_GetObjectItemCaseSensitive(doc, m->parent) : doc;
}

static void test_v1_every_member_required(void **state)
{
    (void)state;
    world w;
    world_open(&w);
    for (size_t i = 0; i < N_V1; i++) {
        cJSON *doc = cJSON_ParseWithLength((const char *)w.v1.data, w.v1.len);
        assert_non_null(doc);
        cJSON *p = parent_of(doc, &V1[i]);
        assert_non_null(cJSON_GetObjectItemCaseSensitive(p, V1[i].name)); /* the encoder wrote it */
        cJSON_DeleteItemFromObjectCaseSensitive(p, V1[i].name);
        expect_refused(doc, V1[i].name, "missing");
        cJSON_Delete(doc);
    }
    /* the format names the form: another string is refused, an absent one is another writer's record */
    cJSON *doc = cJSON_ParseWithLength((const char *)w.v1.data, w.v1.len);
    cJSON_ReplaceItemInObjectCaseSensitive(doc, "format", cJSON_CreateString("lcp-c dcap evidence v2"));
    expect_refused(doc, "format", "other format");
    cJSON_ReplaceItemInObjectCaseSensitive(doc, "format", cJSON_CreateNumber(1));
    expect_refused(doc, "format", "format of a wrong type");
    cJSON_Delete(doc);
    world_close(&w);
}

/* Replaces member m of a fresh copy of the v1 document by v and expects a refusal naming it. */
static void replace_refused(const world *w, const member_spec *m, cJSON *v, const char *what)
{
    cJSON *doc = cJSON_ParseWithLength((const char *)w->v1.data, w->v1.len);
    assert_non_null(doc);
    assert_true(cJSON_ReplaceItemInObjectCaseSensitive(parent_of(doc, m), m->name, v));
    char why[96];
    snprintf(why, sizeof why, "%s: %s", m->name, what);
    expect_refused(doc, m->name, why);
    cJSON_Delete(doc);
}

static void test_v1_wrong_types(void **state)
{
    (void)state;
    world w;
    world_open(&w);
    for (size_t i = 0; i < N_V1; i++) {
        const member_spec *m = &V1[i];
        /* a value of every other JSON type */
        if (m->kind != 'n') replace_refused(&w, m, cJSON_CreateNumber(7), "a number");
        if (m->kind == 'n' || m->kind == 'b' || m->kind == 'a' || m->kind == 'o')
            replace_refused(&w, m, cJSON_CreateString("7"), "a string");
        if (m->kind != 'b') replace_refused(&w, m, cJSON_CreateBool(1), "a bool");
        if (m->kind != 'a') replace_refused(&w, m, cJSON_CreateArray(), "an array");
        if (m->kind != 'o') replace_refused(&w, m, cJSON_CreateObject(), "an object");
        replace_refused(&w, m, cJSON_CreateNull(), "null");
    }
    /* an advisory list holding a non-string, and a status that is no TCB status */
    cJSON *adv = cJSON_CreateArray();
    cJSON_AddItemToArray(adv, cJSON_CreateString("INTEL-SA-00001"));
    cJSON_AddItemToArray(adv, cJSON_CreateNumber(2));
    replace_refused(&w, &V1[1], adv, "a number in the list");
    replace_refused(&w, &V1[0], cJSON_CreateString("Fine"), "an unknown status");
    replace_refused(&w, &V1[12], cJSON_CreateString("uptodate"), "a status in the wrong case");
    /* more advisory IDs than the decoder keeps */
    adv = cJSON_CreateArray();
    for (int i = 0; i <= LCP_HOST_EVIDENCE_MAX_ADVISORIES; i++) cJSON_AddItemToArray(adv, cJSON_CreateString("INTEL-SA-00001"));
    replace_refused(&w, &V1[1], adv, "too many advisories");
    world_close(&w);
}

static void test_v1_hostile_numbers(void **state)
{
    (void)state;
    world w;
    world_open(&w);
    static const double BAD[] = {-1, 0.5, 1e300, 9007199254740994.0, 18446744073709551616.0, -1e300};
    for (size_t i = 0; i < N_V1; i++) {
        if (V1[i].kind != 'n') continue;
        for (size_t j = 0; j < sizeof BAD / sizeof BAD[0]; j++) replace_refused(&w, &V1[i], cJSON_CreateNumber(BAD[j]), "bad number");
    }
    /* fields with narrower ranges */
    for (size_t i = 0; i < N_V1; i++) {
        if (strcmp(V1[i].name, "isv_prod_id") == 0 || strcmp(V1[i].name, "isv_svn") == 0)
            replace_refused(&w, &V1[i], cJSON_CreateNumber(65536), "beyond u16");
        if (strcmp(V1[i].name, "tcb_evaluation_data_number") == 0)
            replace_refused(&w, &V1[i], cJSON_CreateNumber(4294967296.0), "beyond u32");
    }
    /* a window that ends before it starts */
    cJSON *doc = cJSON_ParseWithLength((const char *)w.v1.data, w.v1.len);
    cJSON_ReplaceItemInObjectCaseSensitive(doc, "valid_from", cJSON_CreateNumber((double)w.r.valid_to + 1));
    expect_refused(doc, "validity window", "valid_from after valid_to");
    cJSON_Delete(doc);
    /* numbers cJSON reads as infinities or NaN-like literals never pass */
    const char *huge = "1e999";
    char *text = lcp_malloc(w.v1.len + 16);
    const char *at = strstr((const char *)w.v1.data, "\"valid_to\":");
    assert_non_null(at);
    size_t pre = (size_t)(at - (const char *)w.v1.data) + strlen("\"valid_to\":");
    const char *rest = strchr(at + strlen("\"valid_to\":"), ',');
    int len = snprintf(text, w.v1.len + 16, "%.*s%s%.*s", (int)pre, (const char *)w.v1.data, huge,
                       (int)((const char *)w.v1.data + w.v1.len - rest), rest);
    char err[LCP_ERR_LEN] = "";
    lcp_host_evidence ev;
    assert_int_equal(lcp_host_evidence_decode(&ev, LCP_RA_TYPE_DCAP, (const uint8_t *)text, (size_t)len, err),
                     LCP_ERR_HOST_KEY_RECORD);
    assert_non_null(strstr(err, "valid_to"));
    lcp_host_evidence_free(&ev);
    lcp_free(text);
    world_close(&w);
}

static void test_v1_bad_hex(void **state)
{
    (void)state;
    world w;
    world_open(&w);
    for (size_t i = 0; i < N_V1; i++) {
        if (V1[i].kind != 'h') continue;
        replace_refused(&w, &V1[i], cJSON_CreateString("0xzz"), "not hex");
        replace_refused(&w, &V1[i], cJSON_CreateString("abc"), "odd length");
        replace_refused(&w, &V1[i], cJSON_CreateString("0x"), "empty");
        replace_refused(&w, &V1[i], cJSON_CreateString("ab cd"), "whitespace");
    }
    /* the fixed-size members refuse a byte more or less */
    char hex[2 * 65 + 3] = "0x";
    for (size_t i = 0; i < N_V1; i++) {
        size_t n = strcmp(V1[i].name, "mrenclave") == 0 || strcmp(V1[i].name, "mrsigner") == 0 ? 32
                   : strcmp(V1[i].name, "report_data") == 0                                     ? 64
                   : strcmp(V1[i].name, "fmspc") == 0                                           ? 6
                                                                                                : 0;
        if (n == 0) continue;
        memset(hex + 2, 'a', 2 * (n + 1));
        hex[2 + 2 * (n + 1)] = '\0';
        replace_refused(&w, &V1[i], cJSON_CreateString(hex), "a byte more");
        hex[2 + 2 * (n - 1)] = '\0';
        replace_refused(&w, &V1[i], cJSON_CreateString(hex), "a byte less");
    }
    world_close(&w);
}

/* ---- other forms ---- */

static void decode_ok(lcp_host_evidence *ev, uint32_t ra_type, const char *text)
{
    char err[LCP_ERR_LEN] = "";
    int rc = lcp_host_evidence_decode(ev, ra_type, (const uint8_t *)text, strlen(text), err);
    if (rc != LCP_OK) fail_msg("'%s': %s", text, err);
}

static void test_other_forms(void **state)
{
    (void)state;
    lcp_host_evidence ev;
    /* another writer's DCAP record: tcb_status, base64 quote, hex fmspc, a zkDCAP proof; non-strings skipped */
    decode_ok(&ev, LCP_RA_TYPE_ZKDCAP_RISC0,
              "{\"tcb_status\":\"OutOfDate\",\"quote\":\"AQID\",\"fmspc\":\"00906ea10000\","
              "\"advisory_ids\":[\"INTEL-SA-00615\",3],\"tcb_evaluation_data_number\":17,"
              "\"collateral\":{\"pck_crl\":\"0a0b\",\"root_ca_crl\":\"AQI=\"},"
              "\"zkp\":{\"risc0\":{\"image_id\":\"0x01\",\"seal\":\"0203\"}}}");
    assert_int_equal(ev.form, LCP_HOST_EVIDENCE_DCAP_OTHER);
    assert_string_equal(ev.status, "OutOfDate");
    assert_true(bytes_eq(ev.quote, "\x01\x02\x03", 3));
    assert_true(bytes_eq(ev.fmspc, "\x00\x90\x6e\xa1\x00\x00", 6));
    assert_int_equal(ev.n_advisory_ids, 1);
    assert_string_equal(ev.advisory_ids[0], "INTEL-SA-00615");
    assert_true(ev.has_tcb_evaluation_data_number);
    assert_int_equal(ev.tcb_evaluation_data_number, 17);
    assert_true(ev.has_collateral);
    assert_true(bytes_eq(ev.pck_crl, "\x0a\x0b", 2));
    assert_true(bytes_eq(ev.root_ca_crl, "\x01\x02", 2));
    assert_null(ev.tcb_info);
    assert_true(ev.has_risc0);
    assert_true(bytes_eq(ev.risc0_image_id, "\x01", 1));
    assert_true(bytes_eq(ev.risc0_seal, "\x02\x03", 2));
    assert_int_equal(ev.risc0_selector.len, 0);
    lcp_host_evidence_free(&ev);
    /* "status" wins over "tcb_status"; members of wrong types are simply absent */
    decode_ok(&ev, LCP_RA_TYPE_DCAP, "{\"status\":\"UpToDate\",\"tcb_status\":\"Revoked\",\"quote\":5,\"fmspc\":\"zz\"}");
    assert_int_equal(ev.form, LCP_HOST_EVIDENCE_DCAP_OTHER);
    assert_string_equal(ev.status, "UpToDate");
    assert_int_equal(ev.quote.len, 0);
    assert_int_equal(ev.fmspc.len, 0);
    assert_false(ev.has_collateral);
    lcp_host_evidence_free(&ev);
    /* a DCAP record that is not JSON (a bare quote), an unattested key, an unknown type: nothing to read */
    decode_ok(&ev, LCP_RA_TYPE_DCAP, "\x03\x00binary");
    assert_int_equal(ev.form, LCP_HOST_EVIDENCE_UNKNOWN);
    lcp_host_evidence_free(&ev);
    decode_ok(&ev, LCP_RA_TYPE_NONE, "");
    assert_int_equal(ev.form, LCP_HOST_EVIDENCE_UNKNOWN);
    lcp_host_evidence_free(&ev);
    decode_ok(&ev, LCP_RA_TYPE_MAX + 1, "{\"status\":\"OK\"}");
    assert_int_equal(ev.form, LCP_HOST_EVIDENCE_UNKNOWN);
    assert_null(ev.status);
    lcp_host_evidence_free(&ev);
}

static void test_ias_forms(void **state)
{
    (void)state;
    static const char AVR[] = "{\"id\":\"1\",\"isvEnclaveQuoteStatus\":\"GROUP_OUT_OF_DATE\","
                              "\"advisoryIDs\":[\"INTEL-SA-00219\",\"INTEL-SA-00289\"]}";
    char err[LCP_ERR_LEN] = "";
    lcp_buf doc = {0};
    OK(lcp_host_evidence_encode_ias(&doc, (const uint8_t *)AVR, strlen(AVR), (const uint8_t *)"\x01\x02\x03", 3,
                                    (const uint8_t *)"\x30\x82", 2, err));
    lcp_host_evidence ev;
    OK(lcp_host_evidence_decode(&ev, LCP_RA_TYPE_IAS, doc.data, doc.len, err));
    assert_int_equal(ev.form, LCP_HOST_EVIDENCE_IAS_SIGNED);
    assert_string_equal(ev.avr, AVR);
    assert_true(bytes_eq(ev.signature, "\x01\x02\x03", 3));
    assert_true(bytes_eq(ev.signing_cert, "\x30\x82", 2));
    assert_string_equal(ev.status, "GROUP_OUT_OF_DATE");
    assert_true(ev.has_advisory_ids);
    assert_int_equal(ev.n_advisory_ids, 2);
    assert_string_equal(ev.advisory_ids[1], "INTEL-SA-00289");
    lcp_host_evidence_free(&ev);
    /* the bare report text */
    decode_ok(&ev, LCP_RA_TYPE_IAS, AVR);
    assert_int_equal(ev.form, LCP_HOST_EVIDENCE_IAS_REPORT);
    assert_string_equal(ev.avr, AVR);
    assert_string_equal(ev.status, "GROUP_OUT_OF_DATE");
    assert_int_equal(ev.signature.len, 0);
    lcp_host_evidence_free(&ev);
    /* the signed form's members are required, and base64 */
    static const char *const BAD[][2] = {
        {"{\"avr\":\"{}\",\"signing_cert\":\"AA==\"}", "signature"},
        {"{\"avr\":\"{}\",\"signature\":\"AA==\"}", "signing_cert"},
        {"{\"avr\":\"{}\",\"signature\":7,\"signing_cert\":\"AA==\"}", "signature"},
        {"{\"avr\":\"{}\",\"signature\":\"AA==\",\"signing_cert\":\"!!!!\"}", "signing_cert"},
        {"{\"avr\":\"{}\",\"signature\":\"AAA\",\"signing_cert\":\"AA==\"}", "signature"},
    };
    for (size_t i = 0; i < sizeof BAD / sizeof BAD[0]; i++) {
        err[0] = '\0';
        assert_int_equal(lcp_host_evidence_decode(&ev, LCP_RA_TYPE_IAS, (const uint8_t *)BAD[i][0], strlen(BAD[i][0]), err),
                         LCP_ERR_HOST_KEY_RECORD);
        if (strstr(err, BAD[i][1]) == NULL) fail_msg("'%s': '%s' does not name %s", BAD[i][0], err, BAD[i][1]);
        assert_null(ev.avr);
        lcp_host_evidence_free(&ev);
    }
    /* a report with a NUL cannot be a JSON string */
    lcp_buf none = {0};
    assert_int_equal(lcp_host_evidence_encode_ias(&none, (const uint8_t *)"a\0b", 3, NULL, 0, NULL, 0, err),
                     LCP_ERR_HOST_KEY_RECORD);
    lcp_buf_free(&doc);
}

static void test_too_long(void **state)
{
    (void)state;
    size_t n = LCP_HOST_EVIDENCE_MAX_LEN + 1;
    uint8_t *big = lcp_malloc(n);
    assert_non_null(big);
    memset(big, ' ', n);
    char err[LCP_ERR_LEN] = "";
    lcp_host_evidence ev;
    assert_int_equal(lcp_host_evidence_decode(&ev, LCP_RA_TYPE_DCAP, big, n, err), LCP_ERR_HOST_KEY_RECORD);
    assert_non_null(strstr(err, "bytes"));
    lcp_host_evidence_free(&ev);
    lcp_free(big);
}

/* ---- the orchestration: a quote source outside the host, re-verification ---- */

typedef struct {
    world w;
    char root[64], home[128];
    lcp_store *s;
} store_world;

static void put_key(lcp_store *s, const uint8_t addr[20], const uint8_t report[432], const uint8_t mrenclave[32])
{
    char err[LCP_ERR_LEN] = "";
    lcp_store_txn *t;
    lcp_keystore_entry k;
    memset(&k, 0, sizeof k);
    memcpy(k.address, addr, 20);
    memcpy(k.mrenclave, mrenclave, 32);
    k.sealed_key.ptr = (const uint8_t *)"sealed";
    k.sealed_key.len = 6;
    k.report.ptr = report;
    k.report.len = 432;
    k.enclave_debug = 1;
    k.qe_type = LCP_QE_TYPE_QE3SIM;
    k.created_at = 1;
    OK(lcp_store_begin(s, &t, 1, err));
    OK(lcp_keystore_put(t, &k, err));
    OK(lcp_store_commit(t, err));
}

static void get_key(lcp_store *s, const uint8_t addr[20], uint32_t *ra_type, lcp_buf *evidence, uint64_t *valid_to)
{
    char err[LCP_ERR_LEN] = "";
    lcp_store_txn *t;
    lcp_keystore_entry k;
    OK(lcp_store_begin(s, &t, 0, err));
    OK(lcp_keystore_get(t, &k, addr, err));
    *ra_type = k.ra_type;
    if (evidence) OK(lcp_buf_append(evidence, k.ra_evidence.ptr, k.ra_evidence.len));
    if (valid_to) *valid_to = k.valid_to;
    lcp_store_abort(t);
}

static void sw_open(store_world *f)
{
    char err[LCP_ERR_LEN] = "";
    world_open(&f->w);
    tu_tmpdir(f->root, sizeof f->root, "evidence");
    snprintf(f->home, sizeof f->home, "%s/home", f->root);
    OK(lcp_store_open(&f->s, f->home, 0, err));
    lcp_tee_identity id = simfix_identity(1);
    put_key(f->s, f->w.addr, f->w.report, id.mrenclave);
}

static void sw_close(store_world *f)
{
    lcp_store_close(f->s);
    tu_rmtree(f->root);
    world_close(&f->w);
}

static int quote_seen;
static int refuse_quote(void *ud, const uint8_t *q, size_t n)
{
    (void)ud;
    (void)q;
    quote_seen = (int)n;
    return 1;
}

static void test_attest_from_outside_source(void **state)
{
    (void)state;
    store_world f;
    sw_open(&f);
    char err[LCP_ERR_LEN] = "";
    lcp_dcap_policy pol;
    memset(&pol, 0, sizeof pol);
    pol.allow_debug = 1;
    lcp_dcap_result r;
    uint32_t ra;
    /* a quote of another key's report (same enclave, same platform) is not this key's attestation */
    uint8_t other[20], rd[64], report[432];
    memset(other, 0x5c, 20);
    simfix_report_data(rd, other, NULL);
    lcp_tee_identity id = simfix_identity(1);
    simfix_report(&f.w.sim, report, &id, rd);
    lcp_buf oq = {0};
    simfix_quote_report(&f.w.sim, &oq, report);
    lcp_host_dcap_quote q = {oq.data, oq.len, f.w.coll, f.w.coll_len, f.w.sim.root, f.w.sim.root_len, 1};
    assert_int_equal(lcp_host_attest_dcap(f.s, f.w.addr, &q, &pol, 0, f.w.now, &r, NULL, NULL, err),
                     LCP_ERR_ATTESTATION_REPORT);
    get_key(f.s, f.w.addr, &ra, NULL, NULL);
    assert_int_equal(ra, LCP_RA_TYPE_NONE);
    lcp_buf_free(&oq);
    /* the key's own quote under Intel's root (the default anchor) is refused: simulated quotes need their root */
    q.quote = f.w.quote.data;
    q.quote_len = f.w.quote.len;
    q.root = NULL;
    q.root_len = 0;
    assert_int_not_equal(lcp_host_attest_dcap(f.s, f.w.addr, &q, &pol, 0, f.w.now, &r, NULL, NULL, err), LCP_OK);
    get_key(f.s, f.w.addr, &ra, NULL, NULL);
    assert_int_equal(ra, LCP_RA_TYPE_NONE);
    /* the default policy refuses the debug enclave; a refusing before_record stops before the record */
    q.root = f.w.sim.root;
    q.root_len = f.w.sim.root_len;
    lcp_dcap_policy strict;
    memset(&strict, 0, sizeof strict);
    assert_int_equal(lcp_host_attest_dcap(f.s, f.w.addr, &q, &strict, 0, f.w.now, &r, NULL, NULL, err),
                     LCP_ERR_ATTESTATION_POLICY);
    assert_int_equal(lcp_host_attest_dcap(f.s, f.w.addr, &q, &pol, 0, f.w.now, &r, refuse_quote, NULL, err), LCP_ERR_IO);
    assert_int_equal(quote_seen, (int)f.w.quote.len);
    get_key(f.s, f.w.addr, &ra, NULL, NULL);
    assert_int_equal(ra, LCP_RA_TYPE_NONE);
    /* recorded, with key_validity bounding the window, and exactly the v1 document of the verification */
    OK(lcp_host_attest_dcap(f.s, f.w.addr, &q, &pol, 600, f.w.now, &r, NULL, NULL, err));
    assert_int_equal(r.valid_to, r.valid_from + 600);
    lcp_buf ev_doc = {0};
    uint64_t valid_to;
    get_key(f.s, f.w.addr, &ra, &ev_doc, &valid_to);
    assert_int_equal(ra, LCP_RA_TYPE_DCAP);
    assert_int_equal(valid_to, (uint64_t)r.valid_to);
    lcp_host_evidence ev;
    OK(lcp_host_evidence_decode(&ev, ra, ev_doc.data, ev_doc.len, err));
    assert_int_equal(ev.form, LCP_HOST_EVIDENCE_DCAP_V1);
    assert_true(bytes_eq(ev.quote, f.w.quote.data, f.w.quote.len));
    assert_int_equal(ev.valid_to, r.valid_to);
    assert_int_equal(ev.not_after, r.valid_to);
    lcp_host_evidence_free(&ev);
    lcp_buf_free(&ev_doc);
    /* one attestation per key */
    assert_int_equal(lcp_host_attest_dcap(f.s, f.w.addr, &q, &pol, 0, f.w.now, &r, NULL, NULL, err),
                     LCP_ERR_HOST_KEY_ATTESTED);
    /* re-verification returns the recorded quote and the same verdict; nothing changes in the store */
    lcp_buf rq = {0};
    memset(&r, 0, sizeof r);
    OK(lcp_host_reverify_dcap(f.s, f.w.addr, f.w.coll, f.w.coll_len, f.w.sim.root, f.w.sim.root_len, &pol, f.w.now,
                              &r, &rq, err));
    assert_int_equal(rq.len, f.w.quote.len);
    assert_memory_equal(rq.data, f.w.quote.data, rq.len);
    assert_int_equal(r.status, f.w.r.status);
    lcp_buf_free(&rq);
    assert_int_equal(lcp_host_reverify_dcap(f.s, f.w.addr, f.w.coll, f.w.coll_len, f.w.sim.root, f.w.sim.root_len,
                                            &strict, f.w.now, &r, NULL, err),
                     LCP_ERR_ATTESTATION_POLICY);
    /* the simulated source of the same platform: another key, quoted by the simulated QE */
    uint8_t k2[20];
    memset(k2, 0x33, 20);
    simfix_report_data(rd, k2, NULL);
    simfix_report(&f.w.sim, report, &id, rd);
    put_key(f.s, k2, report, id.mrenclave);
    assert_int_equal(lcp_host_reverify_dcap_sim(f.s, f.w.sim.platform, k2, &pol, f.w.now, &r, NULL, err),
                     LCP_ERR_ILLEGAL_ARG);
    OK(lcp_host_attest_dcap_sim(f.s, f.w.sim.platform, k2, &pol, 0, f.w.now, &r, NULL, NULL, err));
    assert_memory_equal(r.report.report_data + 1, k2, 20);
    OK(lcp_host_reverify_dcap_sim(f.s, f.w.sim.platform, k2, &pol, f.w.now, &r, NULL, err));
    sw_close(&f);
}

/* A self-signed RSA certificate (DER) and its key (PEM), made here: the simulated IAS report's signer. */
static void rsa_signer(lcp_buf *cert, lcp_buf *key_pem)
{
    EVP_PKEY *pk = EVP_RSA_gen(2048);
    X509 *x = X509_new();
    assert_non_null(pk);
    assert_non_null(x);
    ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
    X509_gmtime_adj(X509_getm_notBefore(x), 0);
    X509_gmtime_adj(X509_getm_notAfter(x), 3600);
    X509_set_pubkey(x, pk);
    X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN", MBSTRING_ASC, (const unsigned char *)"sim", -1, -1, 0);
    X509_set_issuer_name(x, X509_get_subject_name(x));
    assert_true(X509_sign(x, pk, EVP_sha256()) > 0);
    unsigned char *der = NULL;
    int n = i2d_X509(x, &der);
    assert_true(n > 0);
    OK(lcp_buf_append(cert, der, (size_t)n));
    OPENSSL_free(der);
    BIO *b = BIO_new(BIO_s_mem());
    assert_true(PEM_write_bio_PrivateKey(b, pk, NULL, NULL, 0, NULL, NULL) == 1);
    char *p;
    long pl = BIO_get_mem_data(b, &p);
    OK(lcp_buf_append(key_pem, p, (size_t)pl));
    BIO_free(b);
    X509_free(x);
    EVP_PKEY_free(pk);
}

static void test_attest_ias_sim(void **state)
{
    (void)state;
    store_world f;
    sw_open(&f);
    char err[LCP_ERR_LEN] = "";
    lcp_buf c1 = {0}, k1 = {0}, c2 = {0}, k2 = {0}, ev_doc = {0}, out = {0};
    rsa_signer(&c1, &k1);
    rsa_signer(&c2, &k2);
    static const char *const adv[] = {"INTEL-SA-00334"};
    /* a certificate of another key: refused before anything is recorded */
    lcp_host_ias_sim_options o = {"SW_HARDENING_NEEDED", adv, 1, k1.data, k1.len, c2.data, c2.len};
    assert_int_equal(lcp_host_attest_ias_sim(f.s, f.w.addr, &o, 1700000000123456789ull, &out, err),
                     LCP_ERR_ATTESTATION_SIGNATURE);
    uint32_t ra;
    get_key(f.s, f.w.addr, &ra, NULL, NULL);
    assert_int_equal(ra, LCP_RA_TYPE_NONE);
    assert_int_equal(out.len, 0);
    o.signing_cert = c1.data;
    o.signing_cert_len = c1.len;
    OK(lcp_host_attest_ias_sim(f.s, f.w.addr, &o, 1700000000123456789ull, &out, err));
    uint64_t valid_to;
    get_key(f.s, f.w.addr, &ra, &ev_doc, &valid_to);
    assert_int_equal(ra, LCP_RA_TYPE_IAS);
    assert_int_equal(valid_to, 1700000000ull + 30u * 86400u);
    assert_int_equal(out.len, ev_doc.len);
    assert_memory_equal(out.data, ev_doc.data, out.len);
    lcp_host_evidence ev;
    OK(lcp_host_evidence_decode(&ev, ra, ev_doc.data, ev_doc.len, err));
    assert_int_equal(ev.form, LCP_HOST_EVIDENCE_IAS_SIGNED);
    assert_string_equal(ev.status, "SW_HARDENING_NEEDED");
    assert_int_equal(ev.n_advisory_ids, 1);
    assert_string_equal(ev.advisory_ids[0], "INTEL-SA-00334");
    assert_true(bytes_eq(ev.signing_cert, c1.data, c1.len));
    assert_non_null(strstr(ev.avr, "\"timestamp\":\"2023-11-14T22:13:20.123000\""));
    /* the signature is over the report text, by the certificate's key */
    const unsigned char *cp = c1.data;
    X509 *x = d2i_X509(NULL, &cp, (long)c1.len);
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    assert_true(EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, X509_get0_pubkey(x)) == 1);
    assert_true(EVP_DigestVerify(md, ev.signature.ptr, ev.signature.len, (const uint8_t *)ev.avr, strlen(ev.avr)) == 1);
    EVP_MD_CTX_free(md);
    X509_free(x);
    lcp_host_evidence_free(&ev);
    /* once only */
    assert_int_equal(lcp_host_attest_ias_sim(f.s, f.w.addr, &o, 1700000000123456789ull, NULL, err),
                     LCP_ERR_HOST_KEY_ATTESTED);
    lcp_buf_free(&c1);
    lcp_buf_free(&k1);
    lcp_buf_free(&c2);
    lcp_buf_free(&k2);
    lcp_buf_free(&ev_doc);
    lcp_buf_free(&out);
    sw_close(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_v1_round_trip),
        cmocka_unit_test(test_v1_every_member_required),
        cmocka_unit_test(test_v1_wrong_types),
        cmocka_unit_test(test_v1_hostile_numbers),
        cmocka_unit_test(test_v1_bad_hex),
        cmocka_unit_test(test_other_forms),
        cmocka_unit_test(test_ias_forms),
        cmocka_unit_test(test_too_long),
        cmocka_unit_test(test_attest_from_outside_source),
        cmocka_unit_test(test_attest_ias_sim),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
