/* DCAP verification against real and published data (shared/testdata/dcap, expected results and times from its
 * PROVENANCE.md): Phala's real SGX quote with its collateral, Automata's real debug-enclave quote, Intel QVL's
 * synthetic set under its test root, a real TDX v4 quote; every validity window edge; and the policy. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lcp/attestation_dcap.h"
#include "lcp/crypto.h"

#define PHALA_NOW 1752919277       /* 2025-07-19T10:01:17Z */
#define PHALA_TCB_ISSUE 1750330571 /* 2025-06-19T10:56:11Z: TCB Info issueDate, the latest start of all windows */
#define QVL_NOW 1577836800         /* 2020-01-01T00:00:00Z */
#define TDX_NOW 1752919234

typedef struct {
    uint8_t *quote;
    size_t quote_len;
    uint8_t *json;
    size_t json_len;
    uint8_t *storage;
    lcp_dcap_collateral c;
} phala_set;

static void phala_load(phala_set *s, const char *quote_path)
{
    memset(s, 0, sizeof *s);
    s->quote = tu_read(quote_path, &s->quote_len);
    s->json = tu_read("dcap/phala_sgx_v3/collateral.json", &s->json_len);
    size_t cap = lcp_dcap_collateral_json_storage_len(s->json_len);
    s->storage = lcp_malloc(cap);
    assert_non_null(s->storage);
    char err[LCP_ERR_LEN] = "";
    int rc = lcp_dcap_collateral_from_json(&s->c, s->storage, cap, s->json, s->json_len, err);
    if (rc != LCP_OK) fail_msg("collateral: %s", err);
}

static void phala_free(phala_set *s)
{
    lcp_free(s->quote);
    lcp_free(s->json);
    lcp_free(s->storage);
}

/* The allow-everything-but-debug policy used to look at statuses without the policy getting in the way. */
static const char *const PHALA_ADVISORIES[] = {"INTEL-SA-00289", "INTEL-SA-00615"};
static lcp_dcap_policy lenient(void)
{
    lcp_dcap_policy p;
    memset(&p, 0, sizeof p);
    p.allowed_statuses = 0x3F; /* every status but Revoked (which no policy can allow) */
    p.allowed_advisory_ids = PHALA_ADVISORIES;
    p.n_allowed_advisory_ids = 2;
    return p;
}

static void test_phala_real_quote(void **state)
{
    (void)state;
    phala_set s;
    phala_load(&s, "dcap/phala_sgx_v3/quote.bin");
    lcp_dcap_result r;
    char err[LCP_ERR_LEN] = "";
    lcp_dcap_policy p = lenient();
    int rc = lcp_dcap_verify(&r, s.quote, s.quote_len, &s.c, NULL, 0, PHALA_NOW, &p, err);
    if (rc != LCP_OK) fail_msg("verify: %s", err);
    assert_int_equal(r.status, LCP_DCAP_TCB_CONFIGURATION_AND_SW_HARDENING_NEEDED);
    assert_int_equal(r.platform_status, LCP_DCAP_TCB_CONFIGURATION_AND_SW_HARDENING_NEEDED);
    assert_int_equal(r.qe_status, LCP_DCAP_TCB_UP_TO_DATE);
    assert_int_equal(r.n_advisory_ids, 2);
    assert_string_equal(r.advisory_ids[0], "INTEL-SA-00289");
    assert_string_equal(r.advisory_ids[1], "INTEL-SA-00615");
    uint8_t want[32];
    tu_hex(want, 32, "33d8736db756ed4997e04ba358d27833188f1932ff7b1d156904d3f560452fbb");
    assert_memory_equal(r.report.mrenclave, want, 32);
    tu_hex(want, 32, "815f42f11cf64430c30bab7816ba596a1da0130c3b028b673133a66cf9a3e0e6");
    assert_memory_equal(r.report.mrsigner, want, 32);
    uint8_t rd[64] = "Hello, world!";
    assert_memory_equal(r.report.report_data, rd, 64);
    assert_int_equal(r.debug, 0);
    assert_int_equal(r.report.isv_prod_id, 0);
    assert_int_equal(r.report.isv_svn, 0);
    uint8_t fmspc[6];
    tu_hex(fmspc, 6, "00A067110000");
    assert_memory_equal(r.fmspc, fmspc, 6);
    assert_int_equal(r.tcb_evaluation_data_number, 17);
    /* Latest start: TCB Info issueDate; earliest end: QE Identity nextUpdate 2025-07-19T10:01:18Z. */
    assert_int_equal(r.valid_from, PHALA_TCB_ISSUE);
    assert_int_equal(r.valid_to, 1752919278);
    assert_int_equal(r.tcb_date, 1710288000); /* 2024-03-13 */
    assert_int_equal(r.pck.pce_svn, 13);
    static const uint8_t comps[16] = {11, 11, 2, 2, 255, 1};
    assert_memory_equal(r.pck.comp_svn, comps, 16);
    /* Root CA CRL, PCK CA, PCK CRL, TCB Signing cert, TCB Info, QE Identity (same signer, verified once), PCK
     * leaf, QE report, ISV report. */
    assert_int_equal(r.p256_verifications, 9);
    phala_free(&s);
}

/* The default (zero) policy accepts only UpToDate without advisories: the real quote is rejected, and each
 * relaxation is needed. */
static void test_phala_policy(void **state)
{
    (void)state;
    phala_set s;
    phala_load(&s, "dcap/phala_sgx_v3/quote.bin");
    lcp_dcap_result r;
    char err[LCP_ERR_LEN] = "";
    assert_int_equal(lcp_dcap_verify(&r, s.quote, s.quote_len, &s.c, NULL, 0, PHALA_NOW, NULL, err),
                     LCP_ERR_ATTESTATION_POLICY);
    assert_non_null(strstr(err, "ConfigurationAndSWHardeningNeeded"));
    lcp_dcap_policy p;
    memset(&p, 0, sizeof p);
    p.allowed_statuses = LCP_DCAP_STATUS_BIT(LCP_DCAP_TCB_CONFIGURATION_AND_SW_HARDENING_NEEDED);
    assert_int_equal(lcp_dcap_verify(&r, s.quote, s.quote_len, &s.c, NULL, 0, PHALA_NOW, &p, err),
                     LCP_ERR_ATTESTATION_POLICY);
    assert_non_null(strstr(err, "INTEL-SA-00289"));
    p.allowed_advisory_ids = PHALA_ADVISORIES;
    p.n_allowed_advisory_ids = 1; /* only 00289 */
    assert_int_equal(lcp_dcap_verify(&r, s.quote, s.quote_len, &s.c, NULL, 0, PHALA_NOW, &p, err),
                     LCP_ERR_ATTESTATION_POLICY);
    assert_non_null(strstr(err, "INTEL-SA-00615"));
    p.n_allowed_advisory_ids = 2;
    assert_int_equal(lcp_dcap_verify(&r, s.quote, s.quote_len, &s.c, NULL, 0, PHALA_NOW, &p, err), LCP_OK);
    /* MRENCLAVE pinning. */
    uint8_t mr[32];
    tu_hex(mr, 32, "33d8736db756ed4997e04ba358d27833188f1932ff7b1d156904d3f560452fbb");
    p.mrenclave = mr;
    assert_int_equal(lcp_dcap_verify(&r, s.quote, s.quote_len, &s.c, NULL, 0, PHALA_NOW, &p, err), LCP_OK);
    mr[31] ^= 1;
    assert_int_equal(lcp_dcap_verify(&r, s.quote, s.quote_len, &s.c, NULL, 0, PHALA_NOW, &p, err),
                     LCP_ERR_ATTESTATION_POLICY);
    assert_non_null(strstr(err, "MRENCLAVE"));
    mr[31] ^= 1;
    /* Rollback protection: the collateral's evaluation number is 17. */
    p.min_tcb_evaluation_data_number = 17;
    assert_int_equal(lcp_dcap_verify(&r, s.quote, s.quote_len, &s.c, NULL, 0, PHALA_NOW, &p, err), LCP_OK);
    p.min_tcb_evaluation_data_number = 18;
    assert_int_equal(lcp_dcap_verify(&r, s.quote, s.quote_len, &s.c, NULL, 0, PHALA_NOW, &p, err),
                     LCP_ERR_ATTESTATION_POLICY);
    assert_non_null(strstr(err, "evaluation data number 17"));
    /* A rejected result is not handed out. */
    assert_int_equal(r.n_advisory_ids, 0);
    phala_free(&s);
}

/* Automata's real quote of a DEBUG enclave on the same platform family: the crypto verifies with Phala's
 * collateral, the default policy rejects it for being debug, and allowing debug accepts it. */
static void test_automata_debug_quote(void **state)
{
    (void)state;
    phala_set s;
    phala_load(&s, "dcap/automata_sgx_v3_debug/quote.bin");
    lcp_dcap_result r;
    char err[LCP_ERR_LEN] = "";
    lcp_dcap_policy p = lenient();
    assert_int_equal(lcp_dcap_verify(&r, s.quote, s.quote_len, &s.c, NULL, 0, PHALA_NOW, &p, err),
                     LCP_ERR_ATTESTATION_POLICY);
    assert_non_null(strstr(err, "debug"));
    assert_int_equal(lcp_dcap_verify(&r, s.quote, s.quote_len, &s.c, NULL, 0, PHALA_NOW, NULL, err),
                     LCP_ERR_ATTESTATION_POLICY);
    assert_non_null(strstr(err, "debug"));
    p.allow_debug = 1;
    int rc = lcp_dcap_verify(&r, s.quote, s.quote_len, &s.c, NULL, 0, PHALA_NOW, &p, err);
    if (rc != LCP_OK) fail_msg("verify: %s", err);
    assert_int_equal(r.debug, 1);
    assert_int_equal(r.status, LCP_DCAP_TCB_CONFIGURATION_AND_SW_HARDENING_NEEDED);
    assert_int_equal(r.n_advisory_ids, 2);
    assert_true(r.report.flags & LCP_SGX_FLAGS_DEBUG);
    assert_int_equal(r.report.mrenclave[0], 0xa3);
    assert_int_equal(r.report.mrenclave[1], 0x9d);
    phala_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_phala_real_quote),
        cmocka_unit_test(test_phala_policy),
        cmocka_unit_test(test_automata_debug_quote),
    };
    return cmocka_run_group_tests_name("attestation/dcap_verify", tests, NULL, NULL);
}
