/* IAS attestation verification reports: real Intel and simulated reports from the LCP fixtures and oasis-core's
 * vectors verify against the right root at their own timestamp and parse to the values the fixtures state; the
 * wrong root, a time outside either certificate's validity, any single changed byte of report or signature,
 * and malformed certificates are all rejected with the right code. */
#include "testutil.h"

#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <string.h>

#include "lcp/attestation_ias.h"

#define INTEL_ROOT "lcp/lcp-solidity/certs/Intel_SGX_Attestation_RootCA.der"
#define SIM_ROOT "lcp/lcp-solidity/certs/simulation_rootca.der"

/* Validity windows (UNIX seconds) of the certificates, from `openssl x509 -dates`. */
#define INTEL_LEAF_NOT_BEFORE 1479807418 /* 2016-11-22T09:36:58Z */
#define INTEL_LEAF_NOT_AFTER 1795167418  /* 2026-11-20T09:36:58Z */
#define SIM_NOT_BEFORE 1686130947        /* 2023-06-07T09:42:27Z, root and signing certificate alike */
#define SIM_NOT_AFTER 2550130947         /* 2050-10-23T09:42:27Z */

static const char *const INTEL_ADVISORIES[] = {"INTEL-SA-00219", "INTEL-SA-00289", "INTEL-SA-00334",
                                               "INTEL-SA-00477", "INTEL-SA-00614", "INTEL-SA-00615",
                                               "INTEL-SA-00617", "INTEL-SA-00828", NULL};
static const char *const NO_ADVISORIES[] = {NULL};

typedef struct {
    const char *path;
    const char *root;
    int64_t timestamp; /* the report's timestamp, truncated to seconds */
    lcp_ias_quote_status status;
    const char *const *advisories;
    const char *operator_hex; /* report_data[21..41) */
} fixture;

static const fixture FIXTURES[] = {
    {"lcp/lcp-solidity/client/01/001-avr", INTEL_ROOT, 1718463245, LCP_IAS_STATUS_GROUP_OUT_OF_DATE, INTEL_ADVISORIES,
     "0000000000000000000000000000000000000000"},
    {"lcp/lcp-solidity/client/02/001-avr", SIM_ROOT, 1718461090, LCP_IAS_STATUS_OK, NO_ADVISORIES,
     "0000000000000000000000000000000000000000"},
    {"lcp/lcp-solidity/client/03/001-avr", SIM_ROOT, 1718465636, LCP_IAS_STATUS_OK, NO_ADVISORIES,
     "0000000000000000000000000000000000000000"},
    {"lcp/lcp-solidity/client/03/002-avr", SIM_ROOT, 1718465636, LCP_IAS_STATUS_OK, NO_ADVISORIES,
     "0000000000000000000000000000000000000000"},
    {"lcp/lcp-solidity/client/03/003-avr", SIM_ROOT, 1718465636, LCP_IAS_STATUS_OK, NO_ADVISORIES,
     "0000000000000000000000000000000000000000"},
    {"lcp/lcp-solidity/client/03/004-avr", SIM_ROOT, 1718465636, LCP_IAS_STATUS_OK, NO_ADVISORIES,
     "0000000000000000000000000000000000000000"},
    {"lcp/lcp-solidity/reports/valid/001-avr", INTEL_ROOT, 1718463245, LCP_IAS_STATUS_GROUP_OUT_OF_DATE,
     INTEL_ADVISORIES, "0000000000000000000000000000000000000000"},
    {"lcp/lcp-solidity/reports/valid/002-avr", INTEL_ROOT, 1718465201, LCP_IAS_STATUS_GROUP_OUT_OF_DATE,
     INTEL_ADVISORIES, "cb96f8d6c2d543102184d679d7829b39434e4eec"},
    {"lcp/lcp-solidity/reports/valid/operator_0xc1eae5EF781f4EE5867eC6725630E7dC17fa3436", SIM_ROOT, 1718894989,
     LCP_IAS_STATUS_OK, NO_ADVISORIES, "c1eae5ef781f4ee5867ec6725630e7dc17fa3436"},
    {"lcp/lcp-go/testdata/001-avr", INTEL_ROOT, 1718463245, LCP_IAS_STATUS_GROUP_OUT_OF_DATE, INTEL_ADVISORIES,
     "0000000000000000000000000000000000000000"},
    {"lcp/lcp-go/testdata/002-avr", INTEL_ROOT, 1718465201, LCP_IAS_STATUS_GROUP_OUT_OF_DATE, INTEL_ADVISORIES,
     "cb96f8d6c2d543102184d679d7829b39434e4eec"},
};
#define N_FIXTURES (sizeof FIXTURES / sizeof FIXTURES[0])

static void load_signed(lcp_ias_signed_report *sr, const char *path)
{
    size_t len;
    uint8_t *json = tu_read(path, &len);
    char err[LCP_ERR_LEN] = "";
    if (lcp_ias_signed_report_from_json(sr, json, len, err) != LCP_OK) fail_msg("%s: %s", path, err);
    lcp_free(json);
}

static int verify_at(lcp_ias_report *r, const lcp_ias_signed_report *sr, const uint8_t *root, size_t root_len,
                     int64_t now, char *err)
{
    return lcp_ias_verify(r, sr->avr, sr->avr_len, sr->signature, sr->signature_len, sr->signing_cert,
                          sr->signing_cert_len, root, root_len, now, err);
}

static int bytes_eq(lcp_bytes b, const char *s) { return b.ptr && b.len == strlen(s) && memcmp(b.ptr, s, b.len) == 0; }

static void test_lcp_fixtures(void **state)
{
    (void)state;
    for (size_t k = 0; k < N_FIXTURES; k++) {
        const fixture *f = &FIXTURES[k];
        lcp_ias_signed_report sr;
        load_signed(&sr, f->path);
        size_t root_len;
        uint8_t *root = tu_read(f->root, &root_len);
        lcp_ias_report r;
        memset(&r, 0xAA, sizeof r);
        char err[LCP_ERR_LEN] = "";
        int rc = verify_at(&r, &sr, root, root_len, f->timestamp, err);
        if (rc != LCP_OK) fail_msg("%s: %s", f->path, err);

        assert_int_equal(r.version, 4);
        assert_true(r.timestamp_secs == f->timestamp);
        assert_int_equal(r.status, f->status);
        assert_true(r.has_advisory_ids);
        size_t n = 0;
        while (f->advisories[n]) {
            assert_true(n < r.n_advisory_ids);
            assert_true(bytes_eq(r.advisory_ids[n], f->advisories[n]));
            n++;
        }
        assert_int_equal(r.n_advisory_ids, n);
        assert_true(bytes_eq(r.advisory_url, "https://security-center.intel.com"));
        /* Views point into the verified bytes, not into a copy. */
        assert_true(r.id.ptr > sr.avr && r.id.ptr + r.id.len < sr.avr + sr.avr_len);
        if (f->status == LCP_IAS_STATUS_OK) assert_null(r.platform_info_blob.ptr); /* "platformInfoBlob":null */
        else assert_int_equal(r.platform_info_blob.len, 210);
        assert_null(r.nonce.ptr);
        assert_false(r.has_tcb_evaluation_data_number);

        /* The fixture's own mrenclave and enclave_key fields (independent of our parsing) must match the quote. */
        cJSON *j = tu_json(f->path);
        size_t ml, kl;
        uint8_t *mre = NULL;
        if (cJSON_GetObjectItemCaseSensitive(j, "mrenclave")) {
            mre = tu_b64_field(j, "mrenclave", &ml);
            assert_int_equal(ml, 32);
            assert_memory_equal(r.report_body.mrenclave, mre, 32);
        }
        uint8_t *ek = tu_b64_field(j, "enclave_key", &kl);
        assert_int_equal(kl, 20);
        assert_int_equal(r.report_body.report_data[0], 1);
        assert_memory_equal(r.report_body.report_data + 1, ek, 20);
        uint8_t op[20];
        tu_hex(op, sizeof op, f->operator_hex);
        assert_memory_equal(r.report_body.report_data + 21, op, 20);
        lcp_report_data rd;
        assert_int_equal(lcp_report_data_parse(&rd, r.report_body.report_data, NULL), LCP_OK);
        assert_memory_equal(rd.enclave_key, ek, 20);
        /* Every fixture enclave is a debug build; the quote is an EPID v2 quote. */
        assert_true(lcp_sgx_is_debug(&r.report_body));
        assert_int_equal(r.quote_version, 2);
        assert_memory_equal(r.quote_body + 48 + 64, r.report_body.mrenclave, 32);
        /* The stored avr is exactly the fixture's string (compared with cJSON's independent unescaping). */
        const cJSON *avr = cJSON_GetObjectItemCaseSensitive(j, "avr");
        assert_int_equal(strlen(avr->valuestring), sr.avr_len);
        assert_memory_equal(avr->valuestring, sr.avr, sr.avr_len);
        lcp_free(mre);
        lcp_free(ek);
        cJSON_Delete(j);
        lcp_free(root);
        lcp_ias_signed_report_free(&sr);
    }
}

/* reports/invalid/001-avr holds the same report and certificate as reports/valid/001-avr, with another signature:
 * the signature check is what must reject it. */
static void test_invalid_fixture(void **state)
{
    (void)state;
    lcp_ias_signed_report bad, good;
    load_signed(&bad, "lcp/lcp-solidity/reports/invalid/001-avr");
    load_signed(&good, "lcp/lcp-solidity/reports/valid/001-avr");
    assert_int_equal(bad.avr_len, good.avr_len);
    assert_memory_equal(bad.avr, good.avr, bad.avr_len);
    assert_int_equal(bad.signing_cert_len, good.signing_cert_len);
    assert_memory_equal(bad.signing_cert, good.signing_cert, bad.signing_cert_len);
    assert_int_equal(bad.signature_len, 256);
    size_t root_len;
    uint8_t *root = tu_read(INTEL_ROOT, &root_len);
    lcp_ias_report r;
    char err[LCP_ERR_LEN] = "";
    assert_int_equal(verify_at(&r, &bad, root, root_len, 1718463245, err), LCP_ERR_ATTESTATION_SIGNATURE);
    assert_non_null(strstr(err, "does not verify"));
    assert_int_equal(verify_at(&r, &good, root, root_len, 1718463245, NULL), LCP_OK);
    lcp_free(root);
    lcp_ias_signed_report_free(&bad);
    lcp_ias_signed_report_free(&good);
}

/* DER of the first certificate in a PEM file under the test-data root. */
static uint8_t *pem_first_der(const char *rel, size_t *len)
{
    FILE *f = fopen(tu_path(rel), "r");
    assert_non_null(f);
    X509 *x = PEM_read_X509(f, NULL, NULL, NULL);
    fclose(f);
    assert_non_null(x);
    int n = i2d_X509(x, NULL);
    assert_true(n > 0);
    uint8_t *der = lcp_malloc((size_t)n), *p = der;
    assert_non_null(der);
    assert_int_equal(i2d_X509(x, &p), n);
    X509_free(x);
    *len = (size_t)n;
    return der;
}

static void oasis_vector(const char *base, int64_t when, uint32_t version, const char *const *advisories,
                         const char *mrenclave_hex, const char *gid_hex, uint16_t qe_svn, uint16_t pce_svn,
                         lcp_ias_report *r)
{
    char p[256];
    size_t avr_len, sig_b64_len, leaf_len, root_len, sig_len;
    snprintf(p, sizeof p, "ias/%s.json", base);
    uint8_t *avr = tu_read(p, &avr_len);
    snprintf(p, sizeof p, "ias/%s.sig", base);
    uint8_t *sig_b64 = tu_read(p, &sig_b64_len);
    uint8_t sig[512];
    assert_int_equal(lcp_base64_decode(sig, sizeof sig, &sig_len, (const char *)sig_b64, sig_b64_len, NULL), LCP_OK);
    uint8_t *leaf = pem_first_der("ias/avr_signing_chain.pem", &leaf_len);
    uint8_t *root = pem_first_der("ias/intel_sgx_attestation_report_signing_ca.pem", &root_len);
    char err[LCP_ERR_LEN] = "";
    if (lcp_ias_verify(r, avr, avr_len, sig, sig_len, leaf, leaf_len, root, root_len, when, err) != LCP_OK)
        fail_msg("%s: %s", base, err);
    assert_int_equal(r->version, version);
    assert_int_equal(r->status, LCP_IAS_STATUS_SW_HARDENING_NEEDED);
    size_t n = 0;
    for (; advisories[n]; n++) assert_true(bytes_eq(r->advisory_ids[n], advisories[n]));
    assert_int_equal(r->n_advisory_ids, n);
    assert_true(r->timestamp_secs == when);
    uint8_t mre[32], gid[4];
    tu_hex(mre, sizeof mre, mrenclave_hex);
    tu_hex(gid, sizeof gid, gid_hex);
    assert_memory_equal(r->report_body.mrenclave, mre, 32);
    assert_memory_equal(r->epid_group_id, gid, 4);
    uint8_t mrs[32];
    tu_hex(mrs, sizeof mrs, "9affcfae47b848ec2caf1c49b4b283531e1cc425f93582b36806e52a43d78d1a");
    assert_memory_equal(r->report_body.mrsigner, mrs, 32);
    assert_int_equal(r->quote_version, 2);
    assert_int_equal(r->quote_sign_type, 1);
    assert_int_equal(r->qe_svn, qe_svn);
    assert_int_equal(r->pce_svn, pce_svn);
    assert_true(lcp_sgx_is_debug(&r->report_body));
    assert_int_equal(r->report_body.isv_prod_id, 0);
    assert_int_equal(r->report_body.isv_svn, 0);
    assert_non_null(r->epid_pseudonym.ptr);
    assert_null(r->platform_info_blob.ptr);
    /* One second after the leaf's expiry the same evidence fails (the machine clock is past it, too). */
    lcp_ias_report r2;
    assert_int_equal(lcp_ias_verify(&r2, avr, avr_len, sig, sig_len, leaf, leaf_len, root, root_len,
                                    INTEL_LEAF_NOT_AFTER + 1, NULL),
                     LCP_ERR_ATTESTATION_CERT_EXPIRED);
    /* The views must stay valid after this function: the test keeps the AVR bytes in r via a static copy. */
    static uint8_t keep[2][2048];
    static int slot;
    assert_true(avr_len <= sizeof keep[0]);
    memcpy(keep[slot], avr, avr_len);
    assert_int_equal(lcp_ias_report_parse(r, keep[slot], avr_len, NULL), LCP_OK);
    slot ^= 1;
    lcp_free(avr);
    lcp_free(sig_b64);
    lcp_free(leaf);
    lcp_free(root);
}

static void test_oasis_vectors(void **state)
{
    (void)state;
    lcp_ias_report r;
    static const char *const v4_adv[] = {"INTEL-SA-00334", NULL};
    oasis_vector("avr_v4_body_sw_hardening_needed", 1589188875, 4, v4_adv,
                 "92143ea742e1628677b5a8e280173b7264470bfb0611d520c2474aab9846168e", "c50b0000", 11, 10, &r);
    assert_true(bytes_eq(r.id, "323119119247496566074708526703373820736"));
    assert_true(bytes_eq(r.nonce, "biNMqBAuTPF2hp/0fXa4P3splRkLHJf0"));
    assert_true(bytes_eq(r.timestamp, "2020-05-11T09:21:15.454051"));
    assert_int_equal(r.timestamp_nanos, 454051000);
    assert_false(r.has_tcb_evaluation_data_number);
    uint8_t rd_head[4];
    tu_hex(rd_head, sizeof rd_head, "6e90dd30");
    assert_memory_equal(r.report_body.report_data, rd_head, 4);

    static const char *const v5_adv[] = {"INTEL-SA-00334", "INTEL-SA-00615", NULL};
    oasis_vector("avr_v5_body_sw_hardening_needed", 1695829918, 5, v5_adv,
                 "d40c35b716c9ef1715d26100bb5e152d5045543017dacfcb492697028985cb7c", "ac0c0000", 14, 14, &r);
    assert_true(bytes_eq(r.id, "325753020347524304899139732345489823748"));
    assert_null(r.nonce.ptr);
    assert_true(r.has_tcb_evaluation_data_number);
    assert_int_equal(r.tcb_evaluation_data_number, 16);
    static const uint8_t zero[64];
    assert_memory_equal(r.report_body.report_data, zero, 64);
}

/* Each real report fails with the other root, and with the right root outside the certificates' validity. */
static void test_roots_and_validity(void **state)
{
    (void)state;
    size_t il, sl;
    uint8_t *intel = tu_read(INTEL_ROOT, &il), *sim = tu_read(SIM_ROOT, &sl);
    lcp_ias_signed_report real, simr;
    load_signed(&real, "lcp/lcp-solidity/client/01/001-avr");
    load_signed(&simr, "lcp/lcp-solidity/client/02/001-avr");
    lcp_ias_report r;
    char err[LCP_ERR_LEN] = "";
    assert_int_equal(verify_at(&r, &real, sim, sl, 1718463245, err), LCP_ERR_ATTESTATION_CERT);
    assert_non_null(strstr(err, "does not chain"));
    assert_int_equal(verify_at(&r, &simr, intel, il, 1718461090, NULL), LCP_ERR_ATTESTATION_CERT);

    static const struct {
        int64_t t;
        int want;
    } intel_times[] = {
        {INTEL_LEAF_NOT_BEFORE - 1, LCP_ERR_ATTESTATION_CERT_EXPIRED},
        {INTEL_LEAF_NOT_BEFORE, LCP_OK},
        {INTEL_LEAF_NOT_AFTER - 1, LCP_OK},
        {INTEL_LEAF_NOT_AFTER, LCP_ERR_ATTESTATION_CERT_EXPIRED}, /* OpenSSL: valid while now < notAfter */
        {INTEL_LEAF_NOT_AFTER + 1, LCP_ERR_ATTESTATION_CERT_EXPIRED},
        {1479137851 - 1, LCP_ERR_ATTESTATION_CERT_EXPIRED}, /* before the root's notBefore too */
        {4102444800, LCP_ERR_ATTESTATION_CERT_EXPIRED},     /* 2100: after both */
    }, sim_times[] = {
        {SIM_NOT_BEFORE - 1, LCP_ERR_ATTESTATION_CERT_EXPIRED},
        {SIM_NOT_BEFORE, LCP_OK},
        {SIM_NOT_AFTER - 1, LCP_OK},
        {SIM_NOT_AFTER, LCP_ERR_ATTESTATION_CERT_EXPIRED},
    };
    for (size_t i = 0; i < sizeof intel_times / sizeof intel_times[0]; i++) {
        int rc = verify_at(&r, &real, intel, il, intel_times[i].t, err);
        if (rc != intel_times[i].want) fail_msg("intel at %lld: %d (%s)", (long long)intel_times[i].t, rc, err);
    }
    for (size_t i = 0; i < sizeof sim_times / sizeof sim_times[0]; i++) {
        int rc = verify_at(&r, &simr, sim, sl, sim_times[i].t, err);
        if (rc != sim_times[i].want) fail_msg("sim at %lld: %d (%s)", (long long)sim_times[i].t, rc, err);
    }
    lcp_free(intel);
    lcp_free(sim);
    lcp_ias_signed_report_free(&real);
    lcp_ias_signed_report_free(&simr);
}

/* Every single-byte change of the report, and of the signature, must be rejected by the signature check. */
static void tamper_all(const char *path, const char *root_path, int64_t when)
{
    size_t rl;
    uint8_t *root = tu_read(root_path, &rl);
    lcp_ias_signed_report sr;
    load_signed(&sr, path);
    lcp_ias_report r;
    char err[LCP_ERR_LEN];
    assert_int_equal(verify_at(&r, &sr, root, rl, when, NULL), LCP_OK);
    for (size_t i = 0; i < sr.avr_len; i++) {
        sr.avr[i] ^= 0x01;
        int rc = verify_at(&r, &sr, root, rl, when, err);
        if (rc != LCP_ERR_ATTESTATION_SIGNATURE) fail_msg("%s: report byte %zu changed gave %d", path, i, rc);
        sr.avr[i] ^= 0x01;
    }
    for (size_t i = 0; i < sr.signature_len; i++) {
        sr.signature[i] ^= 0x01;
        int rc = verify_at(&r, &sr, root, rl, when, err);
        if (rc != LCP_ERR_ATTESTATION_SIGNATURE) fail_msg("%s: signature byte %zu changed gave %d", path, i, rc);
        sr.signature[i] ^= 0x01;
    }
    /* Truncated, extended and empty signatures; a truncated report. */
    size_t sig_len = sr.signature_len;
    sr.signature_len = sig_len - 1;
    assert_int_equal(verify_at(&r, &sr, root, rl, when, NULL), LCP_ERR_ATTESTATION_SIGNATURE);
    sr.signature_len = 0;
    assert_int_equal(verify_at(&r, &sr, root, rl, when, NULL), LCP_ERR_ATTESTATION_SIGNATURE);
    sr.signature_len = sig_len;
    uint8_t longer[513];
    memcpy(longer, sr.signature, sig_len);
    longer[sig_len] = 0;
    assert_int_equal(lcp_ias_verify(&r, sr.avr, sr.avr_len, longer, sig_len + 1, sr.signing_cert,
                                    sr.signing_cert_len, root, rl, when, NULL),
                     LCP_ERR_ATTESTATION_SIGNATURE);
    sr.avr_len--;
    assert_int_equal(verify_at(&r, &sr, root, rl, when, NULL), LCP_ERR_ATTESTATION_SIGNATURE);
    sr.avr_len++;
    assert_int_equal(verify_at(&r, &sr, root, rl, when, NULL), LCP_OK);
    lcp_ias_signed_report_free(&sr);
    lcp_free(root);
}

static void test_every_byte_changed(void **state)
{
    (void)state;
    tamper_all("lcp/lcp-solidity/client/01/001-avr", INTEL_ROOT, 1718463245);
    tamper_all("lcp/lcp-solidity/client/02/001-avr", SIM_ROOT, 1718461090);
}

static void test_bad_certificates(void **state)
{
    (void)state;
    size_t il, sl, leaf_len;
    uint8_t *intel = tu_read(INTEL_ROOT, &il), *sim = tu_read(SIM_ROOT, &sl);
    uint8_t *intel_leaf = tu_read("lcp/lcp-solidity/certs/intel_signing.der", &leaf_len);
    lcp_ias_signed_report sr;
    load_signed(&sr, "lcp/lcp-solidity/client/01/001-avr");
    assert_int_equal(sr.signing_cert_len, leaf_len);
    assert_memory_equal(sr.signing_cert, intel_leaf, leaf_len);
    const int64_t t = 1718463245;
    lcp_ias_report r;
    char err[LCP_ERR_LEN] = "";
#define V(cert, cl, root, rl) \
    lcp_ias_verify(&r, sr.avr, sr.avr_len, sr.signature, sr.signature_len, cert, cl, root, rl, t, err)
    static const uint8_t garbage[] = "this is not a certificate at all";
    assert_int_equal(V(garbage, sizeof garbage, intel, il), LCP_ERR_ATTESTATION_CERT);
    assert_int_equal(V(sr.signing_cert, sr.signing_cert_len, garbage, sizeof garbage), LCP_ERR_ATTESTATION_CERT);
    assert_int_equal(V(NULL, 0, intel, il), LCP_ERR_ATTESTATION_CERT);
    assert_int_equal(V(sr.signing_cert, sr.signing_cert_len, NULL, 0), LCP_ERR_ATTESTATION_CERT);
    /* Truncated DER (every length), and DER with one trailing byte. */
    for (size_t n = 1; n < leaf_len; n += 7)
        assert_int_equal(V(intel_leaf, n, intel, il), LCP_ERR_ATTESTATION_CERT);
    for (size_t n = 1; n < il; n += 7) assert_int_equal(V(intel_leaf, leaf_len, intel, n), LCP_ERR_ATTESTATION_CERT);
    uint8_t *ext = lcp_malloc(leaf_len + 1);
    assert_non_null(ext);
    memcpy(ext, intel_leaf, leaf_len);
    ext[leaf_len] = 0;
    assert_int_equal(V(ext, leaf_len + 1, intel, il), LCP_ERR_ATTESTATION_CERT);
    assert_non_null(strstr(err, "trailing"));
    /* A changed byte inside the leaf's signed part breaks the root's signature on it (byte 300 is in the key). */
    ext[300] ^= 0x01;
    assert_int_equal(V(ext, leaf_len, intel, il), LCP_ERR_ATTESTATION_CERT);
    lcp_free(ext);
    /* The root is not an acceptable signing certificate (chain [root] alone), nor is the leaf a root. */
    assert_int_equal(V(intel, il, intel, il), LCP_ERR_ATTESTATION_CERT);
    assert_int_equal(V(intel_leaf, leaf_len, intel_leaf, leaf_len), LCP_ERR_ATTESTATION_CERT);
    /* Right certificate, wrong key for this report: the simulation leaf under the simulation root. */
    size_t sim_leaf_len;
    uint8_t *sim_leaf = tu_read("lcp/lcp-solidity/certs/simulation_signing.der", &sim_leaf_len);
    assert_int_equal(V(sim_leaf, sim_leaf_len, sim, sl), LCP_ERR_ATTESTATION_SIGNATURE);
#undef V
    lcp_free(sim_leaf);
    lcp_free(intel);
    lcp_free(sim);
    lcp_free(intel_leaf);
    lcp_ias_signed_report_free(&sr);
}

/* Parser rejections on hand-made (unsigned) reports derived from a real one. */
static const char BODY[] =
    "AgAAAAsAAADvAO8A7+/v7wAAAAAAAAAAAAAAAAAAAAD88GGOWVm9tJeKlaG1vU9iSCDzN2rmsvIDTTt6S0ineAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAABwAAAAAAAAAHAAAAAAAAADKAwI4ZtU0VypJeCmwT/tr/Kv9sCX+ThBq9jZ4aMHK4AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAACD1xnnferKFHD2uvYqTXdDA8iZ22kCD5xw7h38CMfOngAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB/8m98CXsYwZVcvhtjz7kn7wN+2YAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAA";

static int parse_doc(lcp_ias_report *r, const char *fmt_id, const char *ts, const char *ver, const char *status,
                     const char *extra, const char *body, char *err)
{
    static char doc[8192];
    snprintf(doc, sizeof doc,
             "{\"id\":%s,\"timestamp\":%s,\"version\":%s,\"isvEnclaveQuoteStatus\":%s%s,\"isvEnclaveQuoteBody\":%s}",
             fmt_id, ts, ver, status, extra, body);
    return lcp_ias_report_parse(r, (const uint8_t *)doc, strlen(doc), err);
}

static void test_parse_rejections(void **state)
{
    (void)state;
    lcp_ias_report r;
    char err[LCP_ERR_LEN] = "";
    char body[1024], b431[1024], b433[1024];
    snprintf(body, sizeof body, "\"%s\"", BODY);
    const char *ID = "\"1\"", *TS = "\"2024-06-15T14:18:10.991000\"", *OK = "\"OK\"";
    int rc = parse_doc(&r, ID, TS, "4", OK, "", body, err);
    if (rc != LCP_OK) fail_msg("baseline: %s", err);
    assert_int_equal(r.status, LCP_IAS_STATUS_OK);
    assert_false(r.has_advisory_ids);
    assert_int_equal(r.timestamp_secs, 1718461090);
    assert_int_equal(parse_doc(&r, ID, TS, "5", OK, ",\"advisoryIDs\":[],\"unknownMember\":{\"x\":[1]}", body, NULL),
                     LCP_OK);
    assert_true(r.has_advisory_ids);
    assert_int_equal(r.n_advisory_ids, 0);
    /* Escaped '/' in the base64 body is still the same body. */
    char esc[1100];
    size_t j = 0;
    esc[j++] = '"';
    for (const char *p = BODY; *p; p++) {
        if (*p == '/') esc[j++] = '\\';
        esc[j++] = *p;
    }
    esc[j++] = '"';
    esc[j] = '\0';
    assert_int_equal(parse_doc(&r, ID, TS, "4", OK, "", esc, NULL), LCP_OK);

    /* 431 and 433 bytes instead of 432: drop the last quantum, or append one. */
    snprintf(b431, sizeof b431, "\"%.*sAAA=\"", (int)(strlen(BODY) - 4), BODY);
    snprintf(b433, sizeof b433, "\"%sAA==\"", BODY);
    static const struct {
        const char *id, *ts, *ver, *status, *extra, *body;
        int want;
    } bad[] = {
        {"1", NULL, NULL, NULL, "", NULL, LCP_ERR_ATTESTATION},                     /* id not a string */
        {NULL, "\"2024-13-15T14:18:10.991000\"", NULL, NULL, "", NULL, LCP_ERR_ATTESTATION},
        {NULL, "\"2024-06-15 14:18:10\"", NULL, NULL, "", NULL, LCP_ERR_ATTESTATION},
        {NULL, NULL, "3", NULL, "", NULL, LCP_ERR_ATTESTATION_UNSUPPORTED},
        {NULL, NULL, "6", NULL, "", NULL, LCP_ERR_ATTESTATION_UNSUPPORTED},
        {NULL, NULL, "\"4\"", NULL, "", NULL, LCP_ERR_ATTESTATION},
        {NULL, NULL, "4.0", NULL, "", NULL, LCP_ERR_ATTESTATION},
        {NULL, NULL, "-4", NULL, "", NULL, LCP_ERR_ATTESTATION},
        {NULL, NULL, NULL, "\"FINE\"", "", NULL, LCP_ERR_ATTESTATION_UNSUPPORTED},
        {NULL, NULL, NULL, "\"ok\"", "", NULL, LCP_ERR_ATTESTATION_UNSUPPORTED},
        {NULL, NULL, NULL, "\"O\\u004b\"", "", NULL, LCP_ERR_ATTESTATION},          /* escaped: refused */
        {NULL, NULL, NULL, "null", "", NULL, LCP_ERR_ATTESTATION},
        {NULL, NULL, NULL, NULL, ",\"isvEnclaveQuoteStatus\":\"OK\"", NULL, LCP_ERR_ATTESTATION}, /* duplicate */
        {NULL, NULL, NULL, NULL, ",\"version\":4", NULL, LCP_ERR_ATTESTATION},                    /* duplicate */
        {NULL, NULL, NULL, NULL, ",\"advisoryIDs\":\"INTEL-SA-1\"", NULL, LCP_ERR_ATTESTATION},
        {NULL, NULL, NULL, NULL, ",\"advisoryIDs\":[1]", NULL, LCP_ERR_ATTESTATION},
        {NULL, NULL, NULL, NULL, ",\"advisoryIDs\":[\"A\\u002dB\"]", NULL, LCP_ERR_ATTESTATION},
        {NULL, NULL, NULL, NULL, ",\"platformInfoBlob\":12", NULL, LCP_ERR_ATTESTATION},
        {NULL, NULL, NULL, NULL, ",\"nonce\":null", NULL, LCP_ERR_ATTESTATION},
        {NULL, NULL, NULL, NULL, ",\"tcbEvaluationDataNumber\":\"16\"", NULL, LCP_ERR_ATTESTATION},
        {NULL, NULL, NULL, NULL, ",\"revocationReason\":-1", NULL, LCP_ERR_ATTESTATION},
        {NULL, NULL, NULL, NULL, "", "\"AAAA\"", LCP_ERR_ATTESTATION_REPORT},
        {NULL, NULL, NULL, NULL, "", "\"not base64!\"", LCP_ERR_ATTESTATION_REPORT},
        {NULL, NULL, NULL, NULL, "", "null", LCP_ERR_ATTESTATION_REPORT},
        {NULL, NULL, NULL, NULL, "", "\"\"", LCP_ERR_ATTESTATION_REPORT},
    };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        rc = parse_doc(&r, bad[k].id ? bad[k].id : ID, bad[k].ts ? bad[k].ts : TS, bad[k].ver ? bad[k].ver : "4",
                       bad[k].status ? bad[k].status : OK, bad[k].extra, bad[k].body ? bad[k].body : body, err);
        if (rc != bad[k].want) fail_msg("case %zu: got %d (%s), want %d", k, rc, err, bad[k].want);
        assert_true(err[0] != '\0');
    }
    assert_int_equal(parse_doc(&r, ID, TS, "4", OK, "", b431, NULL), LCP_ERR_ATTESTATION_REPORT);
    assert_int_equal(parse_doc(&r, ID, TS, "4", OK, "", b433, err), LCP_ERR_ATTESTATION_REPORT);
    assert_non_null(strstr(err, "433"));

    /* 64 advisory IDs are accepted, 65 are refused. */
    static char extra[4096];
    for (int n = 64; n <= 65; n++) {
        char *p = extra;
        p += sprintf(p, ",\"advisoryIDs\":[");
        for (int i = 0; i < n; i++) p += sprintf(p, "%s\"INTEL-SA-%05d\"", i ? "," : "", i);
        sprintf(p, "]");
        rc = parse_doc(&r, ID, TS, "4", OK, extra, body, err);
        assert_int_equal(rc, n == 64 ? LCP_OK : LCP_ERR_ATTESTATION);
        if (n == 64) assert_true(bytes_eq(r.advisory_ids[63], "INTEL-SA-00063"));
    }
    /* Missing required members, non-objects, broken JSON. */
    static const char *docs[] = {"", "[]", "\"x\"", "{}", "{\"version\":4}", "{\"id\":\"1\",", "null"};
    for (size_t k = 0; k < sizeof docs / sizeof docs[0]; k++)
        assert_int_equal(lcp_ias_report_parse(&r, (const uint8_t *)docs[k], strlen(docs[k]), NULL),
                         LCP_ERR_ATTESTATION);
    /* A valid report with the body missing. */
    const char *nobody = "{\"id\":\"1\",\"timestamp\":\"2024-06-15T14:18:10\",\"version\":4,\"isvEnclaveQuoteStatus\":"
                         "\"OK\"}";
    assert_int_equal(lcp_ias_report_parse(&r, (const uint8_t *)nobody, strlen(nobody), err), LCP_ERR_ATTESTATION);
    assert_non_null(strstr(err, "isvEnclaveQuoteBody"));
}

static void test_signed_report_json(void **state)
{
    (void)state;
    lcp_ias_signed_report sr;
    static const char *bad[] = {
        "[]",
        "{\"signature\":\"AAAA\",\"signing_cert\":\"AAAA\"}",
        "{\"avr\":\"{}\",\"signing_cert\":\"AAAA\"}",
        "{\"avr\":\"{}\",\"signature\":\"AAAA\"}",
        "{\"avr\":\"{}\",\"signature\":\"AA?A\",\"signing_cert\":\"AAAA\"}",
        "{\"avr\":\"{}\",\"signature\":\"AAAA\",\"signing_cert\":\"AAA\"}",
        "{\"avr\":7,\"signature\":\"AAAA\",\"signing_cert\":\"AAAA\"}",
        "{\"avr\":\"{}\",\"avr\":\"{}\",\"signature\":\"AAAA\",\"signing_cert\":\"AAAA\"}",
        "{\"avr\":\"{}\",\"signature\":\"AAAA\",\"signing_cert\":\"AAAA\"",
    };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        memset(&sr, 0x5A, sizeof sr);
        char err[LCP_ERR_LEN] = "";
        int rc = lcp_ias_signed_report_from_json(&sr, (const uint8_t *)bad[k], strlen(bad[k]), err);
        if (rc == LCP_OK) fail_msg("case %zu accepted", k);
        assert_true(err[0] != '\0');
    }
    const char *ok = "{\"avr\":\"{\\\"a\\\":\\\"\\u00e9\\\"}\",\"signature\":\"AQID\",\"signing_cert\":\"\",\"x\":1}";
    assert_int_equal(lcp_ias_signed_report_from_json(&sr, (const uint8_t *)ok, strlen(ok), NULL), LCP_OK);
    assert_int_equal(sr.avr_len, 10);
    assert_memory_equal(sr.avr, "{\"a\":\"\xc3\xa9\"}", 10);
    assert_int_equal(sr.signature_len, 3);
    assert_memory_equal(sr.signature, "\x01\x02\x03", 3);
    assert_int_equal(sr.signing_cert_len, 0);
    lcp_ias_signed_report_free(&sr);
    assert_null(sr.avr);
    lcp_ias_signed_report_free(&sr); /* idempotent */
    lcp_ias_signed_report_free(NULL);
}

static void test_status_names(void **state)
{
    (void)state;
    for (int s = LCP_IAS_STATUS_OK; s <= LCP_IAS_STATUS_CONFIGURATION_AND_SW_HARDENING_NEEDED; s++) {
        const char *name = lcp_ias_status_name((lcp_ias_quote_status)s);
        lcp_ias_quote_status back;
        assert_int_equal(lcp_ias_status_from_name(&back, name, strlen(name)), LCP_OK);
        assert_int_equal(back, s);
    }
    assert_string_equal(lcp_ias_status_name(LCP_IAS_STATUS_GROUP_OUT_OF_DATE), "GROUP_OUT_OF_DATE");
    assert_string_equal(lcp_ias_status_name((lcp_ias_quote_status)99), "UNKNOWN");
    lcp_ias_quote_status s;
    assert_int_equal(lcp_ias_status_from_name(&s, "OK ", 3), LCP_ERR_ATTESTATION_UNSUPPORTED);
    assert_int_equal(lcp_ias_status_from_name(&s, "O", 1), LCP_ERR_ATTESTATION_UNSUPPORTED);
}

static void test_misuse(void **state)
{
    (void)state;
    tu_count_illegal();
    assert_int_equal(lcp_ias_report_parse(NULL, (const uint8_t *)"{}", 2, NULL), LCP_ERR_ILLEGAL_ARG);
    lcp_ias_report r;
    assert_int_equal(lcp_ias_verify(NULL, NULL, 0, NULL, 0, NULL, 0, NULL, 0, 0, NULL), LCP_ERR_ILLEGAL_ARG);
    assert_int_equal(lcp_ias_report_parse(&r, NULL, 5, NULL), LCP_ERR_ILLEGAL_ARG);
    assert_int_equal(tu_illegal_calls, 3);
    lcp_set_illegal_hook(NULL, NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lcp_fixtures),       cmocka_unit_test(test_invalid_fixture),
        cmocka_unit_test(test_oasis_vectors),      cmocka_unit_test(test_roots_and_validity),
        cmocka_unit_test(test_every_byte_changed), cmocka_unit_test(test_bad_certificates),
        cmocka_unit_test(test_parse_rejections),   cmocka_unit_test(test_signed_report_json),
        cmocka_unit_test(test_status_names),       cmocka_unit_test(test_misuse),
    };
    return cmocka_run_group_tests_name("attestation/ias", tests, NULL, NULL);
}
