/* The simulated Intel and QE (lcp/attestation_sim.h) against the one DCAP verifier: a quote of the simulated QE
 * with the published collateral verifies UpToDate under the simulation root and is refused under Intel's root;
 * the PCK certificate carries the real SGX extension structure; a TCB recovery makes the same quote OutOfDate with
 * the new advisory; the microcode update plus a new PCK certificate makes a new quote UpToDate; the QE refuses
 * reports it cannot authenticate; collateral expires and is refreshed; lower TCB levels report their advisories. */
#include "simfix.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "lcp/tee_sim.h"

#define T0 1800000000LL /* 2027-01-15 */
#define DAY 86400LL

static const uint8_t KEY[20] = {0xee, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19};

static int verify_at(simfix *f, lcp_dcap_result *r, const lcp_buf *quote, uint32_t eval, int with_root, int64_t now,
                     const lcp_dcap_policy *pol, char *err)
{
    lcp_dcap_collateral c;
    uint8_t *storage = simfix_collateral(f, &c, eval);
    int rc = lcp_dcap_verify(r, quote->data, quote->len, &c, with_root ? f->root : NULL, with_root ? f->root_len : 0,
                             now, pol, err);
    lcp_free(storage);
    return rc;
}

static void make_quote(simfix *f, lcp_buf *q, int debug)
{
    uint8_t rd[64];
    simfix_report_data(rd, KEY, NULL);
    lcp_tee_identity id = simfix_identity(debug);
    simfix_quote(f, q, &id, rd);
}

static void test_uptodate_and_intel_root(void **state)
{
    (void)state;
    simfix f;
    simfix_open(&f, T0);
    lcp_buf q = {0};
    make_quote(&f, &q, 0);
    lcp_dcap_result r;
    char err[LCP_ERR_LEN] = "";
    int rc = verify_at(&f, &r, &q, 0, 1, T0 + 60, NULL, err);
    if (rc != LCP_OK) fail_msg("sim quote under sim root: %s", err);
    assert_int_equal(r.status, LCP_DCAP_TCB_UP_TO_DATE);
    assert_int_equal(r.platform_status, LCP_DCAP_TCB_UP_TO_DATE);
    assert_int_equal(r.qe_status, LCP_DCAP_TCB_UP_TO_DATE);
    assert_int_equal(r.n_advisory_ids, 0);
    assert_int_equal(r.tcb_evaluation_data_number, LCP_SIM_FIRST_TCB_EVALUATION_DATA_NUMBER);
    static const uint8_t fmspc[6] = {0x00, 0x90, 0x6e, 0xd5, 0x00, 0x00};
    assert_memory_equal(r.fmspc, fmspc, 6);
    assert_int_equal(r.debug, 0);
    uint8_t m[32];
    memset(m, 0x11, 32);
    assert_memory_equal(r.report.mrenclave, m, 32);
    lcp_report_data rdp;
    assert_int_equal(lcp_report_data_parse(&rdp, r.report.report_data, err), LCP_OK);
    assert_memory_equal(rdp.enclave_key, KEY, 20);
    /* The window is the collateral's: issued at T0, 30 days. */
    assert_int_equal(r.valid_from, T0);
    assert_int_equal(r.valid_to, T0 + LCP_SIM_COLLATERAL_LIFETIME);
    /* 2 PCK-chain certificates, 2 CRLs, TCB Signing, TCB Info, QE Identity, QE report, ISV report. */
    assert_int_equal(r.p256_verifications, 9);

    /* The default verifier trusts only Intel: the simulated chain is refused, naming the reason. */
    rc = verify_at(&f, &r, &q, 0, 0, T0 + 60, NULL, err);
    /* (The verifier meets the Root CA CRL first: it is not issued by Intel's root.) */
    assert_int_equal(rc, LCP_ERR_ATTESTATION_COLLATERAL);
    assert_non_null(strstr(err, "Root CA CRL: issuer is not the expected CA"));
    assert_non_null(strstr(err, "issued by /CN=lcp-c SIMULATED SGX Root CA")); /* the names say what is wrong */
    assert_non_null(strstr(err, "expected /CN=Intel SGX Root CA"));
    /* ... and so does any other root, e.g. Intel's taken from the test data, or another simulated Intel. */
    size_t il;
    uint8_t *intel = tu_read("dcap/roots/intel_sgx_root_ca.der", &il);
    lcp_dcap_collateral c;
    uint8_t *st = simfix_collateral(&f, &c, 0);
    assert_int_equal(lcp_dcap_verify(&r, q.data, q.len, &c, intel, il, T0 + 60, NULL, err),
                     LCP_ERR_ATTESTATION_COLLATERAL);
    simfix g;
    simfix_open(&g, T0);
    assert_int_equal(lcp_dcap_verify(&r, q.data, q.len, &c, g.root, g.root_len, T0 + 60, NULL, err),
                     LCP_ERR_ATTESTATION_SIGNATURE); /* same names, other keys: the CRL signature fails */
    /* Another platform's quote with this platform's collateral: its PCK certificate is from another CA. */
    lcp_buf q2 = {0};
    make_quote(&g, &q2, 0);
    assert_int_not_equal(lcp_dcap_verify(&r, q2.data, q2.len, &c, f.root, f.root_len, T0 + 60, NULL, err), LCP_OK);
    simfix_close(&g);
    lcp_buf_free(&q2);
    lcp_free(st);
    lcp_free(intel);
    lcp_buf_free(&q);
    simfix_close(&f);
}

/* A debug enclave's quote verifies; the default policy refuses it, allow_debug accepts it. */
static void test_debug_policy(void **state)
{
    (void)state;
    simfix f;
    simfix_open(&f, T0);
    lcp_buf q = {0};
    make_quote(&f, &q, 1);
    lcp_dcap_result r;
    char err[LCP_ERR_LEN] = "";
    assert_int_equal(verify_at(&f, &r, &q, 0, 1, T0, NULL, err), LCP_ERR_ATTESTATION_POLICY);
    assert_non_null(strstr(err, "debug"));
    lcp_dcap_policy pol;
    memset(&pol, 0, sizeof pol);
    pol.allow_debug = 1;
    assert_int_equal(verify_at(&f, &r, &q, 0, 1, T0, &pol, err), LCP_OK);
    assert_int_equal(r.debug, 1);
    lcp_buf_free(&q);
    simfix_close(&f);
}

/* The PCK certificate: real SGX extension structure, TCB = the platform's CPUSVN and PCESVN. */
static void test_pck_certificate(void **state)
{
    (void)state;
    simfix f;
    simfix_open(&f, T0);
    size_t n;
    char path[256];
    snprintf(path, sizeof path, "%s/pck_cert.pem", f.platform);
    uint8_t *pem = NULL;
    char err[LCP_ERR_LEN] = "";
    assert_int_equal(lcp_file_read(&pem, &n, path, 1 << 20, err), LCP_OK);
    lcp_dcap_pck_ext x;
    if (lcp_dcap_pck_ext_from_cert(&x, pem, n, err) != LCP_OK) fail_msg("%s", err);
    static const uint8_t cpusvn[16] = LCP_TEE_SIM_DEFAULT_CPUSVN;
    assert_memory_equal(x.comp_svn, cpusvn, 16);
    assert_memory_equal(x.cpusvn, cpusvn, 16);
    assert_int_equal(x.pce_svn, 13);
    static const uint8_t fmspc[6] = {0x00, 0x90, 0x6e, 0xd5, 0x00, 0x00}, pce[2] = {0, 0};
    assert_memory_equal(x.fmspc, fmspc, 6);
    assert_memory_equal(x.pce_id, pce, 2);
    assert_int_equal(x.sgx_type, 1);
    assert_true(x.has_platform_instance_id);
    for (int i = 0; i < 16; i++) assert_int_equal(x.platform_instance_id[i], 0xc0 + i);
    /* Intel's names where the verifier pins them, and the simulation said in the organisation. */
    assert_non_null(strstr((char *)pem, "-----BEGIN CERTIFICATE-----"));
    lcp_free(pem);
    /* Keys are private to their owner. */
    static const char *const keys[] = {"pck_key.pem", "qe_key.pem", "issuer/root_ca_key.pem", "issuer/pck_ca_key.pem",
                                       "issuer/tcb_signing_key.pem"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        struct stat st;
        snprintf(path, sizeof path, "%s/%s", f.platform, keys[i]);
        assert_int_equal(stat(path, &st), 0);
        assert_int_equal(st.st_mode & 0777, 0600);
    }
    /* The issuer is never replaced. */
    lcp_sim_tcb tcb;
    simfix_tcb(&f, &tcb);
    assert_int_equal(lcp_sim_issuer_create(f.platform, &tcb, T0, err), LCP_ERR_ILLEGAL_ARG);
    assert_true(lcp_sim_issuer_exists(f.platform));
    simfix_close(&f);
}

/* The collateral is in the one-file layout, its texts signed over their exact bytes. */
static void test_collateral_document(void **state)
{
    (void)state;
    simfix f;
    simfix_open(&f, T0);
    size_t n;
    uint8_t *json = simfix_collateral_json(&f, 0, &n);
    cJSON *j = cJSON_ParseWithLength((const char *)json, n);
    assert_non_null(j);
    static const char *const keys[] = {"pck_crl_issuer_chain", "root_ca_crl", "pck_crl", "tcb_info_issuer_chain",
                                       "tcb_info", "tcb_info_signature", "qe_identity_issuer_chain", "qe_identity",
                                       "qe_identity_signature"};
    for (size_t i = 0; i < 9; i++) assert_true(cJSON_IsString(cJSON_GetObjectItemCaseSensitive(j, keys[i])));
    const char *ti = cJSON_GetObjectItemCaseSensitive(j, "tcb_info")->valuestring;
    assert_non_null(strstr(ti, "\"tcbEvaluationDataNumber\":1,"));
    assert_non_null(strstr(ti, "\"fmspc\":\"00906ED50000\""));
    assert_non_null(strstr(ti, "\"tcbStatus\":\"UpToDate\""));
    assert_non_null(strstr(ti, "\"tcbStatus\":\"OutOfDate\",\"advisoryIDs\":[\"INTEL-SA-00615\"]"));
    assert_non_null(strstr(ti, "\"issueDate\":\"2027-01-15T08:00:00Z\""));
    /* Four levels around the default TCB: current, lower PCESVN, lower component 1, all zero. */
    lcp_dcap_tcb_info *info = lcp_calloc(1, sizeof *info);
    assert_non_null(info);
    char err[LCP_ERR_LEN] = "";
    assert_int_equal(lcp_dcap_tcb_info_parse(info, (const uint8_t *)ti, strlen(ti), err), LCP_OK);
    assert_int_equal(info->n_levels, 4);
    assert_int_equal(info->levels[1].pce_svn, 12);
    assert_int_equal(info->levels[2].comp_svn[0], 1);
    assert_int_equal(info->levels[3].pce_svn, 0);
    lcp_free(info);
    /* One changed byte of the signed TCB Info text: the verifier refuses the collateral. */
    lcp_dcap_collateral c;
    uint8_t *st = simfix_collateral(&f, &c, 0);
    lcp_dcap_verified_collateral *vc = NULL;
    assert_int_equal(lcp_dcap_collateral_verify(&vc, &c, f.root, f.root_len, T0, err), LCP_OK);
    lcp_dcap_verified_collateral_free(vc);
    ((uint8_t *)c.tcb_info.ptr)[10] ^= 1;
    assert_int_equal(lcp_dcap_collateral_verify(&vc, &c, f.root, f.root_len, T0, err), LCP_ERR_ATTESTATION_SIGNATURE);
    ((uint8_t *)c.tcb_info.ptr)[10] ^= 1;
    c.qe_identity_signature[5] ^= 0x40;
    assert_int_equal(lcp_dcap_collateral_verify(&vc, &c, f.root, f.root_len, T0, err), LCP_ERR_ATTESTATION_SIGNATURE);
    lcp_free(st);
    cJSON_Delete(j);
    lcp_free(json);
    simfix_close(&f);
}

/* The QE quotes only reports it can authenticate: a changed byte, another platform's report, a stale CPUSVN. */
static void test_qe_refuses(void **state)
{
    (void)state;
    simfix f, g;
    simfix_open(&f, T0);
    simfix_open(&g, T0);
    uint8_t rd[64], report[432], other[432];
    simfix_report_data(rd, KEY, NULL);
    lcp_tee_identity id = simfix_identity(0);
    simfix_report(&f, report, &id, rd);
    lcp_sim_qe *qe = NULL;
    char err[LCP_ERR_LEN] = "";
    lcp_buf q = {0};
    assert_int_equal(lcp_sim_qe_open(&qe, f.platform, err), LCP_OK);
    assert_int_equal(lcp_sim_qe_quote(qe, &q, report, 432, simfix_check_report, &f, err), LCP_OK);
    assert_true(q.len > LCP_DCAP_QUOTE_MIN_LEN);
    /* The chain in the quote is NUL-terminated, as Intel's QE writes it. */
    assert_int_equal(q.data[q.len - 1], 0);
    lcp_dcap_quote pq;
    assert_int_equal(lcp_dcap_quote_parse(&pq, q.data, q.len, err), LCP_OK);
    assert_int_equal(pq.cert_type, LCP_DCAP_CERT_PCK_CHAIN);
    assert_int_equal(pq.qe_auth_data.len, 32);
    assert_memory_equal(pq.report.report_data, rd, 64);
    lcp_buf_free(&q);
    /* Every byte of the report body or MAC matters. */
    for (size_t i = 0; i < 432; i += 7) {
        report[i] ^= 0x20;
        if (i < 384 || i >= 416) /* the key id (384..416) selects the key; changing it changes the key too */
            assert_int_equal(lcp_sim_qe_quote(qe, &q, report, 432, simfix_check_report, &f, err),
                             LCP_ERR_TEE_REPORT_MAC);
        report[i] ^= 0x20;
    }
    assert_int_equal(q.len, 0);
    /* Another CPU's report: its MAC is under another fuse secret. */
    simfix_report(&g, other, &id, rd);
    assert_int_equal(lcp_sim_qe_quote(qe, &q, other, 432, simfix_check_report, &f, err), LCP_ERR_TEE_REPORT_MAC);
    assert_int_equal(lcp_sim_qe_quote(qe, &q, other, 431, simfix_check_report, &f, err), LCP_ERR_ATTESTATION_REPORT);
    lcp_sim_qe_close(qe);
    /* A microcode update without a new PCK certificate: the CPUSVN no longer matches what Intel certified. */
    assert_int_equal(lcp_tee_sim_microcode_update(NULL, NULL, f.platform, err), LCP_OK);
    simfix_report(&f, report, &id, rd);
    assert_int_equal(lcp_sim_qe_open(&qe, f.platform, err), LCP_OK);
    assert_int_equal(lcp_sim_qe_quote(qe, &q, report, 432, simfix_check_report, &f, err), LCP_ERR_ATTESTATION_REPORT);
    assert_non_null(strstr(err, "CPUSVN"));
    lcp_sim_qe_close(qe);
    /* Missing or wrong files: a clear error, not a crash. */
    char path[256];
    snprintf(path, sizeof path, "%s/qe_key.pem", g.platform);
    assert_int_equal(remove(path), 0);
    assert_int_equal(lcp_sim_qe_open(&qe, g.platform, err), LCP_ERR_IO);
    assert_null(qe);
    snprintf(path, sizeof path, "%s/pck_cert.pem", g.platform);
    assert_int_equal(lcp_file_write_atomic(path, (const uint8_t *)"junk\n", 5, 0644, err), LCP_OK);
    lcp_sim_tcb tcb;
    simfix_tcb(&g, &tcb);
    assert_int_equal(lcp_sim_issuer_certify_platform(g.platform, &tcb, T0, err), LCP_OK); /* new key, new cert */
    assert_int_equal(lcp_sim_qe_open(&qe, g.platform, err), LCP_OK);
    lcp_sim_qe_close(qe);
    snprintf(path, sizeof path, "%s/pck_cert.pem", f.platform);
    char gpath[256];
    snprintf(gpath, sizeof gpath, "%s/pck_cert.pem", g.platform);
    uint8_t *cert;
    size_t cl;
    assert_int_equal(lcp_file_read(&cert, &cl, gpath, 1 << 20, err), LCP_OK);
    assert_int_equal(lcp_file_write_atomic(path, cert, cl, 0644, err), LCP_OK); /* g's certificate, f's key */
    lcp_free(cert);
    assert_int_equal(lcp_sim_qe_open(&qe, f.platform, err), LCP_ERR_ATTESTATION);
    assert_non_null(strstr(err, "not the key of"));
    simfix_close(&g);
    simfix_close(&f);
}

/* The drill at the level of the issuer: recovery makes the platform OutOfDate with the advisory; the microcode
 * update and a new PCK certificate make a fresh quote UpToDate again under the new collateral. */
static void test_tcb_recovery(void **state)
{
    (void)state;
    simfix f;
    simfix_open(&f, T0);
    lcp_buf q = {0}, q2 = {0};
    make_quote(&f, &q, 0);
    char err[LCP_ERR_LEN] = "";
    uint32_t eval = 0;
    assert_int_equal(lcp_sim_issuer_tcb_recovery(&eval, f.platform, "INTEL-SA-00999", T0 + DAY, err), LCP_OK);
    assert_int_equal(eval, 2);
    lcp_dcap_result r;
    assert_int_equal(verify_at(&f, &r, &q, 0, 1, T0 + DAY, NULL, err), LCP_ERR_ATTESTATION_POLICY);
    assert_non_null(strstr(err, "OutOfDate"));
    lcp_dcap_policy pol;
    memset(&pol, 0, sizeof pol);
    pol.allowed_statuses = LCP_DCAP_STATUS_BIT(LCP_DCAP_TCB_OUT_OF_DATE);
    const char *ids[] = {"INTEL-SA-00999"};
    pol.allowed_advisory_ids = ids;
    pol.n_allowed_advisory_ids = 1;
    if (verify_at(&f, &r, &q, 0, 1, T0 + DAY, &pol, err) != LCP_OK) fail_msg("%s", err);
    assert_int_equal(r.status, LCP_DCAP_TCB_OUT_OF_DATE);
    assert_int_equal(r.n_advisory_ids, 1);
    assert_string_equal(r.advisory_ids[0], "INTEL-SA-00999");
    assert_int_equal(r.tcb_evaluation_data_number, 2);
    assert_int_equal(r.valid_from, T0 + DAY);
    /* The old collateral is still published under its number, and still says UpToDate (until it expires). */
    assert_int_equal(verify_at(&f, &r, &q, 1, 1, T0 + DAY, NULL, err), LCP_OK);
    assert_int_equal(r.tcb_evaluation_data_number, 1);
    /* A policy that requires the new number refuses the old collateral (rollback protection). */
    pol.min_tcb_evaluation_data_number = 2;
    pol.allowed_statuses = 0;
    assert_int_equal(verify_at(&f, &r, &q, 1, 1, T0 + DAY, &pol, err), LCP_ERR_ATTESTATION_POLICY);
    /* Microcode update + new PCK certificate: a new quote is UpToDate under collateral 2. */
    simfix_microcode_update(&f, T0 + 2 * DAY);
    make_quote(&f, &q2, 0);
    if (verify_at(&f, &r, &q2, 0, 1, T0 + 2 * DAY, &pol, err) != LCP_OK) fail_msg("%s", err);
    assert_int_equal(r.status, LCP_DCAP_TCB_UP_TO_DATE);
    assert_int_equal(r.n_advisory_ids, 0);
    assert_int_equal(r.pck.cpusvn[0], 3);
    assert_int_equal(r.valid_from, T0 + 2 * DAY); /* the new PCK certificate's notBefore */
    /* The old quote (old PCK certificate) stays OutOfDate. */
    pol.allowed_statuses = 0;
    assert_int_equal(verify_at(&f, &r, &q, 0, 1, T0 + 2 * DAY, &pol, err), LCP_ERR_ATTESTATION_POLICY);
    /* A second recovery stacks: the previous top is now OutOfDate with both advisories. */
    assert_int_equal(lcp_sim_issuer_tcb_recovery(&eval, f.platform, "INTEL-SA-01000", T0 + 3 * DAY, err), LCP_OK);
    assert_int_equal(eval, 3);
    pol.allowed_statuses = LCP_DCAP_STATUS_BIT(LCP_DCAP_TCB_OUT_OF_DATE);
    pol.min_tcb_evaluation_data_number = 0;
    assert_int_equal(verify_at(&f, &r, &q2, 0, 1, T0 + 3 * DAY, &pol, err), LCP_ERR_ATTESTATION_POLICY);
    assert_non_null(strstr(err, "INTEL-SA-01000"));
    assert_int_equal(verify_at(&f, &r, &q, 0, 1, T0 + 3 * DAY, &pol, err), LCP_ERR_ATTESTATION_POLICY);
    const char *both[] = {"INTEL-SA-00999", "INTEL-SA-01000"};
    pol.allowed_advisory_ids = both;
    pol.n_allowed_advisory_ids = 2;
    assert_int_equal(verify_at(&f, &r, &q, 0, 1, T0 + 3 * DAY, &pol, err), LCP_OK);
    assert_int_equal(r.n_advisory_ids, 2);
    /* Bad advisory IDs are refused, nothing is published. */
    assert_int_equal(lcp_sim_issuer_tcb_recovery(&eval, f.platform, "", T0, err), LCP_ERR_ILLEGAL_ARG);
    assert_int_equal(lcp_sim_issuer_tcb_recovery(&eval, f.platform, "INTEL\"SA", T0, err), LCP_ERR_ILLEGAL_ARG);
    assert_int_equal(eval, 3);
    lcp_buf_free(&q);
    lcp_buf_free(&q2);
    simfix_close(&f);
}

/* Collateral lives 30 days; a refresh republishes the same levels and number with new dates. */
static void test_expiry_and_refresh(void **state)
{
    (void)state;
    simfix f;
    simfix_open(&f, T0);
    lcp_buf q = {0};
    make_quote(&f, &q, 0);
    lcp_dcap_result r;
    char err[LCP_ERR_LEN] = "";
    int64_t end = T0 + LCP_SIM_COLLATERAL_LIFETIME;
    assert_int_equal(verify_at(&f, &r, &q, 0, 1, end, NULL, err), LCP_OK);
    assert_int_equal(verify_at(&f, &r, &q, 0, 1, end + 1, NULL, err), LCP_ERR_ATTESTATION_COLLATERAL_EXPIRED);
    assert_int_equal(verify_at(&f, &r, &q, 0, 1, T0 - 1, NULL, err), LCP_ERR_ATTESTATION_CERT_EXPIRED);
    uint32_t eval = 0;
    assert_int_equal(lcp_sim_issuer_refresh(&eval, f.platform, end, err), LCP_OK);
    assert_int_equal(eval, 1);
    assert_int_equal(verify_at(&f, &r, &q, 0, 1, end + 1, NULL, err), LCP_OK);
    assert_int_equal(r.valid_to, end + LCP_SIM_COLLATERAL_LIFETIME);
    assert_int_equal(r.status, LCP_DCAP_TCB_UP_TO_DATE);
    lcp_buf_free(&q);
    simfix_close(&f);
}

/* Lower TCBs match the lower levels: PCESVN 12 and component 1 lowered are OutOfDate with their advisories. */
static void test_lower_levels(void **state)
{
    (void)state;
    simfix f;
    simfix_open(&f, T0);
    char err[LCP_ERR_LEN] = "";
    lcp_sim_tcb tcb;
    lcp_buf q = {0};
    lcp_dcap_result r;
    lcp_dcap_policy pol;
    memset(&pol, 0, sizeof pol);
    pol.allowed_statuses = LCP_DCAP_STATUS_BIT(LCP_DCAP_TCB_OUT_OF_DATE);
    const char *ids[] = {"INTEL-SA-00615", "INTEL-SA-00657"};
    pol.allowed_advisory_ids = ids;
    pol.n_allowed_advisory_ids = 2;
    assert_int_equal(lcp_tee_sim_set_pcesvn(NULL, f.platform, 12, err), LCP_OK);
    simfix_tcb(&f, &tcb);
    assert_int_equal(lcp_sim_issuer_certify_platform(f.platform, &tcb, T0, err), LCP_OK);
    make_quote(&f, &q, 0);
    if (verify_at(&f, &r, &q, 0, 1, T0, &pol, err) != LCP_OK) fail_msg("%s", err);
    assert_int_equal(r.status, LCP_DCAP_TCB_OUT_OF_DATE);
    assert_int_equal(r.pck.pce_svn, 12);
    assert_int_equal(r.n_advisory_ids, 1);
    assert_string_equal(r.advisory_ids[0], "INTEL-SA-00615");
    static const uint8_t low[16] = {1, 2, 2, 2, 3, 1, 0, 3};
    assert_int_equal(lcp_tee_sim_set_cpusvn(NULL, f.platform, low, err), LCP_OK);
    assert_int_equal(lcp_tee_sim_set_pcesvn(NULL, f.platform, 13, err), LCP_OK);
    simfix_tcb(&f, &tcb);
    assert_int_equal(lcp_sim_issuer_certify_platform(f.platform, &tcb, T0, err), LCP_OK);
    make_quote(&f, &q, 0);
    if (verify_at(&f, &r, &q, 0, 1, T0, &pol, err) != LCP_OK) fail_msg("%s", err);
    assert_int_equal(r.n_advisory_ids, 2);
    lcp_buf_free(&q);
    simfix_close(&f);
}

/* One long-lived verifier, many platforms: twenty PCK certificates (each with its own key) under one simulated CA
 * are more than its certificate and key caches hold. Every quote verifies on every pass, a tampered one never does,
 * and the CA keys keep their tables while the leaves cycle. */
static void test_many_platforms_one_verifier(void **state)
{
    (void)state;
    simfix f;
    simfix_open(&f, T0);
    enum { N = 20 };
    lcp_buf q[N];
    memset(q, 0, sizeof q);
    char err[LCP_ERR_LEN] = "";
    for (int i = 0; i < N; i++) {
        lcp_sim_tcb tcb;
        simfix_tcb(&f, &tcb);
        assert_int_equal(lcp_sim_issuer_certify_platform(f.platform, &tcb, T0, err), LCP_OK);
        make_quote(&f, &q[i], 0);
    }
    lcp_dcap_collateral c;
    uint8_t *storage = simfix_collateral(&f, &c, 0);
    lcp_dcap_verifier *v = NULL;
    assert_int_equal(lcp_dcap_verifier_new(&v, f.root, f.root_len, err), LCP_OK);
    lcp_dcap_result r;
    for (int pass = 0; pass < 3; pass++)
        for (int i = 0; i < N; i++) {
            int rc = lcp_dcap_verifier_verify(&r, v, q[i].data, q[i].len, &c, T0 + 60, NULL, err);
            if (rc != LCP_OK) fail_msg("pass %d, platform %d: %s", pass, i, err);
            assert_int_equal(r.status, LCP_DCAP_TCB_UP_TO_DATE);
            q[i].data[q[i].len / 3] ^= 0x20; /* inside the signed part or the PCK certificate */
            assert_int_not_equal(lcp_dcap_verifier_verify(&r, v, q[i].data, q[i].len, &c, T0 + 60, NULL, err),
                                 LCP_OK);
            q[i].data[q[i].len / 3] ^= 0x20;
        }
    assert_true(lcp_dcap_verifier_tables(v) >= 3); /* root, PCK CA, TCB Signing */
    lcp_dcap_verifier_free(v);
    lcp_free(storage);
    for (int i = 0; i < N; i++) lcp_buf_free(&q[i]);
    simfix_close(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_many_platforms_one_verifier),
        cmocka_unit_test(test_uptodate_and_intel_root),
        cmocka_unit_test(test_debug_policy),
        cmocka_unit_test(test_pck_certificate),
        cmocka_unit_test(test_collateral_document),
        cmocka_unit_test(test_qe_refuses),
        cmocka_unit_test(test_tcb_recovery),
        cmocka_unit_test(test_expiry_and_refresh),
        cmocka_unit_test(test_lower_levels),
    };
    return cmocka_run_group_tests_name("attestation/sim_issuer", tests, NULL, NULL);
}
