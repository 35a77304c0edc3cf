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

/* Intel QVL's synthetic sample (separate files, TCB Info v2, certification data type 1 with the PCK certificate
 * given separately) under Intel's *test* root: UpToDate. The same set under the production root is rejected. */
typedef struct {
    uint8_t *files[10];
    size_t lens[10];
    size_t n;
    lcp_dcap_collateral c;
    uint8_t *quote, *root;
    size_t quote_len, root_len;
} qvl_set;

static lcp_bytes qvl_file(qvl_set *s, const char *name)
{
    char path[256];
    snprintf(path, sizeof path, "dcap/intel_qvl_synthetic_v3/%s", name);
    assert_true(s->n < 10);
    s->files[s->n] = tu_read(path, &s->lens[s->n]);
    lcp_bytes b = {s->files[s->n], s->lens[s->n]};
    s->n++;
    return b;
}

static void qvl_load(qvl_set *s)
{
    memset(s, 0, sizeof *s);
    char err[LCP_ERR_LEN] = "";
    s->c.root_ca_crl = qvl_file(s, "rootCaCrl.der");
    s->c.pck_crl = qvl_file(s, "intermediateCaCrl.der");
    s->c.pck_crl_issuer_chain = qvl_file(s, "pckSignChain.pem");
    s->c.tcb_info_issuer_chain = qvl_file(s, "tcbSignChain.pem");
    s->c.qe_identity_issuer_chain = s->c.tcb_info_issuer_chain;
    s->c.pck_cert = qvl_file(s, "pckCert.pem");
    lcp_bytes tcb = qvl_file(s, "tcbInfo.json"), qe = qvl_file(s, "qeIdentity.json");
    if (lcp_dcap_signed_json_split(&s->c.tcb_info, s->c.tcb_info_signature, tcb.ptr, tcb.len, "tcbInfo", err) ||
        lcp_dcap_signed_json_split(&s->c.qe_identity, s->c.qe_identity_signature, qe.ptr, qe.len, "enclaveIdentity",
                                   err))
        fail_msg("split: %s", err);
    lcp_bytes root = qvl_file(s, "trustedRootCaCert.pem");
    s->root = (uint8_t *)root.ptr;
    s->root_len = root.len;
    lcp_bytes q = qvl_file(s, "quote.dat");
    s->quote = (uint8_t *)q.ptr;
    s->quote_len = q.len;
}

static void qvl_free(qvl_set *s)
{
    for (size_t i = 0; i < s->n; i++) lcp_free(s->files[i]);
}

static void test_intel_qvl_synthetic(void **state)
{
    (void)state;
    qvl_set s;
    qvl_load(&s);
    lcp_dcap_result r;
    char err[LCP_ERR_LEN] = "";
    int rc = lcp_dcap_verify(&r, s.quote, s.quote_len, &s.c, s.root, s.root_len, QVL_NOW, NULL, err);
    if (rc != LCP_OK) fail_msg("verify: %s", err);
    assert_int_equal(r.status, LCP_DCAP_TCB_UP_TO_DATE);
    assert_int_equal(r.platform_status, LCP_DCAP_TCB_UP_TO_DATE);
    assert_int_equal(r.qe_status, LCP_DCAP_TCB_UP_TO_DATE);
    assert_int_equal(r.n_advisory_ids, 0);
    uint8_t fmspc[6];
    tu_hex(fmspc, 6, "00707F000000");
    assert_memory_equal(r.fmspc, fmspc, 6);
    static const uint8_t comps[16] = {0, 3, 0, 0, 0, 1, 1};
    assert_memory_equal(r.pck.comp_svn, comps, 16);
    assert_int_equal(r.pck.pce_svn, 3);
    assert_int_equal(r.tcb_evaluation_data_number, 0); /* min(TCB Info 3, QE Identity 0) */
    assert_int_equal(r.valid_from, 1567669628);         /* QE Identity issueDate */
    assert_int_equal(r.valid_to, 1787917015);           /* TCB Signing certificate notAfter */
    static const uint8_t zero[32];
    assert_memory_equal(r.report.mrenclave, zero, 32); /* the synthetic ISV report is all zero */

    /* Without the separately supplied PCK certificate, a type-1 quote cannot be verified. */
    lcp_bytes pck = s.c.pck_cert;
    s.c.pck_cert.len = 0;
    assert_int_equal(lcp_dcap_verify(&r, s.quote, s.quote_len, &s.c, s.root, s.root_len, QVL_NOW, NULL, err),
                     LCP_ERR_ATTESTATION_COLLATERAL);
    assert_non_null(strstr(err, "supply it"));
    s.c.pck_cert = pck;

    /* Under Intel's production root: the test root's CRL is the first thing that fails (same issuer name, other
     * key); the Root CA CRL cannot be left out to get past it. */
    rc = lcp_dcap_verify(&r, s.quote, s.quote_len, &s.c, NULL, 0, QVL_NOW, NULL, err);
    assert_int_equal(rc, LCP_ERR_ATTESTATION_SIGNATURE);
    assert_non_null(strstr(err, "Root CA CRL"));
    lcp_dcap_verified_collateral *vc = NULL;
    lcp_dcap_collateral alt = s.c;
    alt.root_ca_crl = (lcp_bytes){NULL, 0};
    assert_int_equal(lcp_dcap_collateral_verify(&vc, &alt, NULL, 0, QVL_NOW, err), LCP_ERR_ATTESTATION_COLLATERAL);
    assert_non_null(strstr(err, "incomplete"));
    /* Even without the root copies in the chains, nothing verifies under the production key. */
    char *pem = (char *)s.c.pck_crl_issuer_chain.ptr;
    char *second = strstr(pem + 1, "-----BEGIN");
    assert_non_null(second);
    s.c.pck_crl_issuer_chain.len = (size_t)(second - pem);
    rc = lcp_dcap_verify(&r, s.quote, s.quote_len, &s.c, NULL, 0, QVL_NOW, NULL, err);
    assert_int_not_equal(rc, LCP_OK);
    /* ...while under the test root the shortened chain is fine. */
    rc = lcp_dcap_verify(&r, s.quote, s.quote_len, &s.c, s.root, s.root_len, QVL_NOW, NULL, err);
    if (rc != LCP_OK) fail_msg("verify: %s", err);
    /* Edges of the window: the last second of the TCB Signing certificate, then one past it. */
    assert_int_equal(lcp_dcap_verify(&r, s.quote, s.quote_len, &s.c, s.root, s.root_len, 1787917015, NULL, err),
                     LCP_OK);
    assert_int_equal(lcp_dcap_verify(&r, s.quote, s.quote_len, &s.c, s.root, s.root_len, 1787917016, NULL, err),
                     LCP_ERR_ATTESTATION_CERT_EXPIRED);
    assert_non_null(strstr(err, "TCB Signing"));
    assert_int_equal(lcp_dcap_verify(&r, s.quote, s.quote_len, &s.c, s.root, s.root_len, 1567669627, NULL, err),
                     LCP_ERR_ATTESTATION_COLLATERAL_EXPIRED);
    assert_non_null(strstr(err, "QE Identity"));
    qvl_free(&s);
}

/* A real TDX quote (v4) is refused cleanly, and so is its collateral (TDX TCB Info, TD_QE identity). */
static void test_tdx_v4_rejected(void **state)
{
    (void)state;
    phala_set s;
    phala_load(&s, "dcap/phala_tdx_v4/quote.bin");
    lcp_dcap_result r;
    char err[LCP_ERR_LEN] = "";
    lcp_dcap_policy p = lenient();
    assert_int_equal(lcp_dcap_verify(&r, s.quote, s.quote_len, &s.c, NULL, 0, PHALA_NOW, &p, err),
                     LCP_ERR_ATTESTATION_UNSUPPORTED);
    assert_non_null(strstr(err, "TDX"));
    lcp_dcap_quote q;
    assert_int_equal(lcp_dcap_quote_parse(&q, s.quote, s.quote_len, err), LCP_ERR_ATTESTATION_UNSUPPORTED);
    assert_int_equal(q.version, 4);
    assert_int_equal(q.tee_type, LCP_DCAP_TEE_TDX);

    size_t len;
    uint8_t *json = tu_read("dcap/phala_tdx_v4/collateral.json", &len);
    uint8_t *storage = lcp_malloc(lcp_dcap_collateral_json_storage_len(len));
    assert_non_null(storage);
    lcp_dcap_collateral c;
    int rc = lcp_dcap_collateral_from_json(&c, storage, lcp_dcap_collateral_json_storage_len(len), json, len, err);
    if (rc != LCP_OK) fail_msg("tdx collateral: %s", err);
    lcp_dcap_verified_collateral *vc = NULL;
    assert_int_equal(lcp_dcap_collateral_verify(&vc, &c, NULL, 0, TDX_NOW, err), LCP_ERR_ATTESTATION_UNSUPPORTED);
    assert_null(vc);
    lcp_dcap_tcb_info *ti = lcp_malloc(sizeof *ti);
    assert_non_null(ti);
    assert_int_equal(lcp_dcap_tcb_info_parse(ti, c.tcb_info.ptr, c.tcb_info.len, err),
                     LCP_ERR_ATTESTATION_UNSUPPORTED);
    lcp_free(ti);
    lcp_free(storage);
    lcp_free(json);
    phala_free(&s);
}

/* Every validity window of PROVENANCE.md, at its edges. */
static void expect_at(phala_set *s, int64_t t, int want, const char *what)
{
    lcp_dcap_result r;
    char err[LCP_ERR_LEN] = "";
    lcp_dcap_policy p = lenient();
    int rc = lcp_dcap_verify(&r, s->quote, s->quote_len, &s->c, NULL, 0, t, &p, err);
    if (rc != want) fail_msg("at %lld: got %s (%s), want %s", (long long)t, lcp_errname(rc), err, lcp_errname(want));
    if (what && strstr(err, what) == NULL) fail_msg("at %lld: '%s' does not name %s", (long long)t, err, what);
}

static void test_phala_time_windows(void **state)
{
    (void)state;
    phala_set s;
    phala_load(&s, "dcap/phala_sgx_v3/quote.bin");
    expect_at(&s, PHALA_TCB_ISSUE, LCP_OK, NULL);
    expect_at(&s, 1752919278, LCP_OK, NULL); /* QE Identity nextUpdate itself is still valid */
    expect_at(&s, 1752919279, LCP_ERR_ATTESTATION_COLLATERAL_EXPIRED, "QE Identity");
    expect_at(&s, 1752920598, LCP_ERR_ATTESTATION_COLLATERAL_EXPIRED, "QE Identity");
    expect_at(&s, 1752920599, LCP_ERR_ATTESTATION_COLLATERAL_EXPIRED, "PCK CRL"); /* PCK CRL nextUpdate passed */
    expect_at(&s, 1752922572, LCP_ERR_ATTESTATION_COLLATERAL_EXPIRED, "PCK CRL");
    expect_at(&s, PHALA_TCB_ISSUE - 1, LCP_ERR_ATTESTATION_COLLATERAL_EXPIRED, "TCB Info"); /* not yet issued */
    expect_at(&s, 1750328597, LCP_ERR_ATTESTATION_COLLATERAL_EXPIRED, "PCK CRL");          /* before thisUpdate */
    expect_at(&s, 1775215317, LCP_ERR_ATTESTATION_COLLATERAL_EXPIRED, "PCK CRL");     /* Root CA CRL's last second */
    expect_at(&s, 1775215318, LCP_ERR_ATTESTATION_COLLATERAL_EXPIRED, "Root CA CRL"); /* 2026-04-03T11:21:58Z */
    expect_at(&s, 1600000000, LCP_ERR_ATTESTATION_COLLATERAL_EXPIRED, "Root CA CRL");
    expect_at(&s, 4102444800, LCP_ERR_ATTESTATION_CERT_EXPIRED, "root"); /* 2100: past the root itself */
    phala_free(&s);
}

/* Verified collateral reused across quotes: only the per-quote signatures are spent, and the reuse is bounded by
 * the collateral's window. */
static void test_verified_collateral_reuse(void **state)
{
    (void)state;
    phala_set s, d;
    phala_load(&s, "dcap/phala_sgx_v3/quote.bin");
    phala_load(&d, "dcap/automata_sgx_v3_debug/quote.bin");
    lcp_dcap_verified_collateral *vc = NULL;
    char err[LCP_ERR_LEN] = "";
    int rc = lcp_dcap_collateral_verify(&vc, &s.c, NULL, 0, PHALA_TCB_ISSUE, err);
    if (rc != LCP_OK) fail_msg("collateral: %s", err);
    /* The caller's collateral buffers may go away once verified. */
    memset(s.storage, 0, lcp_dcap_collateral_json_storage_len(s.json_len));
    int64_t from, to;
    lcp_dcap_verified_collateral_window(&from, &to, vc);
    assert_int_equal(from, PHALA_TCB_ISSUE);
    assert_int_equal(to, 1752919278);
    lcp_dcap_result r;
    for (int i = 0; i < 3; i++) {
        assert_int_equal(lcp_dcap_quote_verify(&r, vc, s.quote, s.quote_len, NULL, 0, PHALA_NOW, err), LCP_OK);
        assert_int_equal(r.p256_verifications, 3); /* PCK leaf, QE report, ISV report */
        assert_int_equal(r.status, LCP_DCAP_TCB_CONFIGURATION_AND_SW_HARDENING_NEEDED);
        assert_int_equal(lcp_dcap_quote_verify(&r, vc, d.quote, d.quote_len, NULL, 0, PHALA_NOW, err), LCP_OK);
        assert_int_equal(r.debug, 1);
    }
    assert_int_equal(lcp_dcap_quote_verify(&r, vc, s.quote, s.quote_len, NULL, 0, 1752919279, err),
                     LCP_ERR_ATTESTATION_COLLATERAL_EXPIRED);
    assert_int_equal(r.status, 0);
    assert_int_equal(lcp_dcap_quote_verify(&r, vc, s.quote, s.quote_len, NULL, 0, PHALA_TCB_ISSUE - 1, err),
                     LCP_ERR_ATTESTATION_COLLATERAL_EXPIRED);
    lcp_dcap_verified_collateral_free(vc);
    phala_free(&s);
    phala_free(&d);
}

/* Every single-byte change of what the quote's signatures cover (header, ISV report body, ISV signature,
 * attestation key, QE report, QE report signature, QE auth data) and of the length fields between them is
 * rejected. The certification data (PEM text) is covered by the PCK test below and by the CA's signature. */
/* A long-lived verifier after n verifications of the Phala set: its CA keys have their P-256 tables. */
static lcp_dcap_verifier *warm_verifier(phala_set *s, int n)
{
    lcp_dcap_verifier *v = NULL;
    char err[LCP_ERR_LEN] = "";
    assert_int_equal(lcp_dcap_verifier_new(&v, NULL, 0, err), LCP_OK);
    lcp_dcap_policy p = lenient();
    lcp_dcap_result r;
    for (int i = 0; i < n; i++)
        if (lcp_dcap_verifier_verify(&r, v, s->quote, s->quote_len, &s->c, PHALA_NOW, &p, err) != LCP_OK)
            fail_msg("warm-up %d: %s", i, err);
    return v;
}

static void quote_every_byte(phala_set *s, lcp_dcap_verifier *v)
{
    lcp_dcap_verified_collateral *vc = NULL;
    char err[LCP_ERR_LEN] = "";
    if (v) assert_int_equal(lcp_dcap_verifier_collateral(&vc, v, &s->c, PHALA_NOW, err), LCP_OK);
    else assert_int_equal(lcp_dcap_collateral_verify(&vc, &s->c, NULL, 0, PHALA_NOW, err), LCP_OK);
    lcp_dcap_result r;
    const size_t end = 436 + 578 + 32 + 6; /* through the certification data header */
    static const uint8_t flips[] = {0x01, 0x80, 0xFF};
    size_t rejected = 0;
    for (size_t i = 0; i < end; i++)
        for (size_t f = 0; f < sizeof flips; f++) {
            s->quote[i] ^= flips[f];
            int rc = lcp_dcap_quote_verify(&r, vc, s->quote, s->quote_len, NULL, 0, PHALA_NOW, err);
            s->quote[i] ^= flips[f];
            if (rc == LCP_OK) fail_msg("byte %zu ^ 0x%02x accepted (%s verifier)", i, flips[f], v ? "warm" : "cold");
            rejected++;
        }
    assert_int_equal(rejected, end * sizeof flips);
    assert_int_equal(lcp_dcap_quote_verify(&r, vc, s->quote, s->quote_len, NULL, 0, PHALA_NOW, err), LCP_OK);
    lcp_dcap_verified_collateral_free(vc);
}

/* Every single-byte change of what the quote's signatures cover (header, ISV report body, ISV signature,
 * attestation key, QE report, QE report signature, QE auth data) and of the length fields between them is
 * rejected, by a fresh verifier and by a long-lived one whose CA keys have P-256 tables. The certification data
 * (PEM text) is covered by the PCK test below and by the CA's signature. */
static void test_quote_every_byte(void **state)
{
    (void)state;
    phala_set s;
    phala_load(&s, "dcap/phala_sgx_v3/quote.bin");
    quote_every_byte(&s, NULL);
    lcp_dcap_verifier *v = warm_verifier(&s, 3);
    assert_int_equal(lcp_dcap_verifier_tables(v), 4);
    quote_every_byte(&s, v);
    lcp_dcap_verifier_free(v);
    phala_free(&s);
}

/* Every single-byte change of each signed collateral body, each signature and each CRL is rejected, by fresh
 * verifiers (v NULL) and by one long-lived verifier with tables, which must still accept the intact set after. */
static void mutate_all(phala_set *s, lcp_dcap_verifier *v, uint8_t *p, size_t n, const char *what)
{
    lcp_dcap_verified_collateral *vc = NULL;
    char err[LCP_ERR_LEN] = "";
    for (size_t i = 0; i < n; i++) {
        p[i] ^= 0x01;
        int rc = v ? lcp_dcap_verifier_collateral(&vc, v, &s->c, PHALA_NOW, err)
                   : lcp_dcap_collateral_verify(&vc, &s->c, NULL, 0, PHALA_NOW, err);
        p[i] ^= 0x01;
        if (rc == LCP_OK) fail_msg("%s byte %zu changed, still accepted (%s verifier)", what, i, v ? "warm" : "cold");
        assert_null(vc);
    }
    if (v) assert_int_equal(lcp_dcap_verifier_collateral(&vc, v, &s->c, PHALA_NOW, err), LCP_OK);
    else assert_int_equal(lcp_dcap_collateral_verify(&vc, &s->c, NULL, 0, PHALA_NOW, err), LCP_OK);
    lcp_dcap_verified_collateral_free(vc);
}

static void test_collateral_every_byte(void **state)
{
    (void)state;
    phala_set s;
    phala_load(&s, "dcap/phala_sgx_v3/quote.bin");
    lcp_dcap_verifier *warm = warm_verifier(&s, 3);
    lcp_dcap_verifier *modes[] = {NULL, warm};
    for (int m = 0; m < 2; m++) {
        lcp_dcap_verifier *v = modes[m];
        mutate_all(&s, v, (uint8_t *)s.c.tcb_info.ptr, s.c.tcb_info.len, "TCB Info");
        mutate_all(&s, v, s.c.tcb_info_signature, LCP_DCAP_SIG_LEN, "TCB Info signature");
        mutate_all(&s, v, (uint8_t *)s.c.qe_identity.ptr, s.c.qe_identity.len, "QE Identity");
        mutate_all(&s, v, s.c.qe_identity_signature, LCP_DCAP_SIG_LEN, "QE Identity signature");
        mutate_all(&s, v, (uint8_t *)s.c.root_ca_crl.ptr, s.c.root_ca_crl.len, "Root CA CRL");
        mutate_all(&s, v, (uint8_t *)s.c.pck_crl.ptr, s.c.pck_crl.len, "PCK CRL");
    }
    assert_int_equal(lcp_dcap_verifier_tables(warm), 4);
    lcp_dcap_verifier_free(warm);
    phala_free(&s);
}

/* A long-lived verifier gives exactly the fresh verifier's result, builds tables only for the root, PCK CA, TCB
 * Signing and PCK keys (never the quote's attestation key) and only from their second verification on, stays usable after a refusal, and lives on in the
 * collateral verified through it. */
static void test_long_lived_verifier(void **state)
{
    (void)state;
    phala_set s;
    phala_load(&s, "dcap/phala_sgx_v3/quote.bin");
    lcp_dcap_policy p = lenient();
    lcp_dcap_result cold, warm;
    char err[LCP_ERR_LEN] = "";
    assert_int_equal(lcp_dcap_verify(&cold, s.quote, s.quote_len, &s.c, NULL, 0, PHALA_NOW, &p, err), LCP_OK);
    lcp_dcap_verifier *v = NULL;
    assert_int_equal(lcp_dcap_verifier_new(&v, NULL, 0, err), LCP_OK);
    for (unsigned i = 0; i < 4; i++) {
        assert_int_equal(lcp_dcap_verifier_verify(&warm, v, s.quote, s.quote_len, &s.c, PHALA_NOW, &p, err), LCP_OK);
        assert_memory_equal(&warm, &cold, sizeof warm);
        assert_int_equal(lcp_dcap_verifier_tables(v), i == 0 ? 0 : 4);
    }
    /* Refusals through the warm verifier leave it usable: an expired time, then the same set accepted again. */
    assert_int_equal(lcp_dcap_verifier_verify(&warm, v, s.quote, s.quote_len, &s.c, 1752919279, &p, err),
                     LCP_ERR_ATTESTATION_COLLATERAL_EXPIRED);
    assert_int_equal(lcp_dcap_verifier_verify(&warm, v, s.quote, s.quote_len, &s.c, PHALA_NOW, &p, err), LCP_OK);
    /* Collateral verified through v keeps v alive after the caller drops it. */
    lcp_dcap_verified_collateral *vc = NULL;
    assert_int_equal(lcp_dcap_verifier_collateral(&vc, v, &s.c, PHALA_NOW, err), LCP_OK);
    lcp_dcap_verifier_free(v);
    assert_int_equal(lcp_dcap_quote_verify(&warm, vc, s.quote, s.quote_len, NULL, 0, PHALA_NOW, err), LCP_OK);
    lcp_dcap_verified_collateral_free(vc);
    /* In two calls too, one collateral and its first quote are one verification: no tables; the next quote
     * against the same collateral is a second verification for the PCK CA and PCK keys. */
    assert_int_equal(lcp_dcap_verifier_new(&v, NULL, 0, err), LCP_OK);
    assert_int_equal(lcp_dcap_verifier_collateral(&vc, v, &s.c, PHALA_NOW, err), LCP_OK);
    assert_int_equal(lcp_dcap_quote_verify(&warm, vc, s.quote, s.quote_len, NULL, 0, PHALA_NOW, err), LCP_OK);
    assert_int_equal(lcp_dcap_verifier_tables(v), 0);
    assert_int_equal(lcp_dcap_quote_verify(&warm, vc, s.quote, s.quote_len, NULL, 0, PHALA_NOW, err), LCP_OK);
    assert_int_equal(lcp_dcap_verifier_tables(v), 2);
    lcp_dcap_verified_collateral_free(vc);
    lcp_dcap_verifier_free(v);
    /* A root that is not a certificate is refused when the verifier is made. */
    static const uint8_t junk[] = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
    assert_int_equal(lcp_dcap_verifier_new(&v, junk, sizeof junk - 1, err), LCP_ERR_ATTESTATION_CERT);
    assert_null(v);
    phala_free(&s);
}

/* The embedded production root is the published one. */
static void test_embedded_root(void **state)
{
    (void)state;
    size_t len;
    uint8_t *der = tu_read("dcap/roots/intel_sgx_root_ca.der", &len);
    lcp_bytes r = lcp_dcap_intel_root_ca();
    assert_int_equal(r.len, len);
    assert_memory_equal(r.ptr, der, len);
    uint8_t h[32], want[32];
    assert_int_equal(lcp_sha256(h, r.ptr, r.len), LCP_OK);
    tu_hex(want, 32, "44a0196b2b99f889b8e149e95b807a350e7424964399e885a7cbb8ccfab674d3");
    assert_memory_equal(h, want, 32);
    /* Passing it explicitly (DER or PEM) gives the same answer as the default. */
    phala_set s;
    phala_load(&s, "dcap/phala_sgx_v3/quote.bin");
    lcp_dcap_result a, b;
    char err[LCP_ERR_LEN] = "";
    lcp_dcap_policy p = lenient();
    assert_int_equal(lcp_dcap_verify(&a, s.quote, s.quote_len, &s.c, der, len, PHALA_NOW, &p, err), LCP_OK);
    size_t plen;
    uint8_t *pem = tu_read("dcap/roots/intel_sgx_root_ca.pem", &plen);
    assert_int_equal(lcp_dcap_verify(&b, s.quote, s.quote_len, &s.c, pem, plen, PHALA_NOW, &p, err), LCP_OK);
    assert_memory_equal(&a.report, &b.report, sizeof a.report);
    /* A root that is not the collateral's: the Intel QVL test root. */
    size_t tl;
    uint8_t *test_root = tu_read("dcap/intel_qvl_synthetic_v3/trustedRootCaCert.pem", &tl);
    assert_int_not_equal(lcp_dcap_verify(&b, s.quote, s.quote_len, &s.c, test_root, tl, PHALA_NOW, &p, err), LCP_OK);
    lcp_free(test_root);
    lcp_free(pem);
    lcp_free(der);
    phala_free(&s);
}

/* Collateral pieces swapped for others that are genuine but wrong for their place: each is refused for the right
 * reason. */
static void expect_collateral(const lcp_dcap_collateral *c, int64_t t, int want, const char *needle)
{
    lcp_dcap_verified_collateral *vc = NULL;
    char err[LCP_ERR_LEN] = "";
    int rc = lcp_dcap_collateral_verify(&vc, c, NULL, 0, t, err);
    lcp_dcap_verified_collateral_free(vc);
    if (rc != want) fail_msg("got %s (%s), want %s", lcp_errname(rc), err, lcp_errname(want));
    if (needle && strstr(err, needle) == NULL) fail_msg("'%s' does not mention '%s'", err, needle);
}

static void test_collateral_substitutions(void **state)
{
    (void)state;
    phala_set s;
    phala_load(&s, "dcap/phala_sgx_v3/quote.bin");
    lcp_dcap_collateral c = s.c;
    /* QE Identity "signed" by the PCK CA: a valid certificate under the root, but not the TCB Signing one. */
    c.qe_identity_issuer_chain = s.c.pck_crl_issuer_chain;
    expect_collateral(&c, PHALA_NOW, LCP_ERR_ATTESTATION_CERT, "TCB Signing");
    c = s.c;
    c.tcb_info_issuer_chain = s.c.pck_crl_issuer_chain;
    expect_collateral(&c, PHALA_NOW, LCP_ERR_ATTESTATION_CERT, "TCB Signing");
    /* The TCB Signing certificate in place of the PCK CA: the PCK CRL is not its. */
    c = s.c;
    c.pck_crl_issuer_chain = s.c.tcb_info_issuer_chain;
    expect_collateral(&c, PHALA_NOW, LCP_ERR_ATTESTATION_COLLATERAL, "issuer");
    /* The two CRLs exchanged. */
    c = s.c;
    c.root_ca_crl = s.c.pck_crl;
    c.pck_crl = s.c.root_ca_crl;
    expect_collateral(&c, PHALA_NOW, LCP_ERR_ATTESTATION_COLLATERAL, "Root CA CRL");
    /* A foreign root appended to a chain (Intel's test root, same name as the real one). */
    size_t tl;
    uint8_t *test_root = tu_read("dcap/intel_qvl_synthetic_v3/trustedRootCaCert.pem", &tl);
    size_t cl = s.c.tcb_info_issuer_chain.len;
    const char *end = strstr((const char *)s.c.tcb_info_issuer_chain.ptr, "-----END CERTIFICATE-----");
    assert_non_null(end);
    size_t first = (size_t)(end - (const char *)s.c.tcb_info_issuer_chain.ptr) + 26; /* through the END line */
    uint8_t *chain = lcp_malloc(first + tl);
    assert_non_null(chain);
    memcpy(chain, s.c.tcb_info_issuer_chain.ptr, first);
    memcpy(chain + first, test_root, tl);
    c = s.c;
    c.tcb_info_issuer_chain = (lcp_bytes){chain, first + tl};
    expect_collateral(&c, PHALA_NOW, LCP_ERR_ATTESTATION_CERT, "not the trusted root");
    /* Without any root copy the chain is fine: the root comes from the caller, not the collateral. */
    c.tcb_info_issuer_chain = (lcp_bytes){chain, first};
    expect_collateral(&c, PHALA_NOW, LCP_OK, NULL);
    assert_true(first < cl);
    /* A different (but identical in content) signer copy for QE Identity: the chain without its root. */
    c = s.c;
    c.qe_identity_issuer_chain = (lcp_bytes){chain, first};
    expect_collateral(&c, PHALA_NOW, LCP_OK, NULL);

    /* The Platform CA's chain and CRL (from the TDX collateral) instead of the Processor CA's: the collateral
     * verifies, but it does not cover Phala's PCK certificate, which the Processor CA issued. */
    size_t len;
    uint8_t *json = tu_read("dcap/phala_tdx_v4/collateral.json", &len);
    uint8_t *storage = lcp_malloc(lcp_dcap_collateral_json_storage_len(len));
    assert_non_null(storage);
    lcp_dcap_collateral tdx;
    char err[LCP_ERR_LEN] = "";
    assert_int_equal(lcp_dcap_collateral_from_json(&tdx, storage, lcp_dcap_collateral_json_storage_len(len), json,
                                                   len, err),
                     LCP_OK);
    c = s.c;
    c.pck_crl = tdx.pck_crl;
    expect_collateral(&c, PHALA_NOW, LCP_ERR_ATTESTATION_COLLATERAL, "PCK CRL: issuer");
    c.pck_crl_issuer_chain = tdx.pck_crl_issuer_chain;
    lcp_dcap_verified_collateral *vc = NULL;
    const int64_t both = 1752919200; /* the Platform CA CRL expires 43 s before PHALA_NOW */
    int rc = lcp_dcap_collateral_verify(&vc, &c, NULL, 0, both, err);
    if (rc != LCP_OK) fail_msg("platform CA collateral: %s", err);
    lcp_dcap_result r;
    assert_int_equal(lcp_dcap_quote_verify(&r, vc, s.quote, s.quote_len, NULL, 0, both, err),
                     LCP_ERR_ATTESTATION_CERT);
    assert_non_null(strstr(err, "PCK certificate: not issued by"));
    lcp_dcap_verified_collateral_free(vc);
    lcp_free(storage);
    lcp_free(json);
    lcp_free(chain);
    lcp_free(test_root);
    phala_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_phala_real_quote),
        cmocka_unit_test(test_phala_policy),
        cmocka_unit_test(test_automata_debug_quote),
        cmocka_unit_test(test_intel_qvl_synthetic),
        cmocka_unit_test(test_tdx_v4_rejected),
        cmocka_unit_test(test_phala_time_windows),
        cmocka_unit_test(test_verified_collateral_reuse),
        cmocka_unit_test(test_quote_every_byte),
        cmocka_unit_test(test_collateral_every_byte),
        cmocka_unit_test(test_long_lived_verifier),
        cmocka_unit_test(test_embedded_root),
        cmocka_unit_test(test_collateral_substitutions),
    };
    return cmocka_run_group_tests_name("attestation/dcap_verify", tests, NULL, NULL);
}
