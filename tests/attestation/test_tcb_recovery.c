/* The TCB-recovery drill of docs/tcb-recovery.md, end to end on the simulated platform with the real enclave
 * process: keys generated and sealed inside lcp-enclave, quoted by the simulated QE, verified by the DCAP verifier
 * under the simulation root, recorded in the key store and registered with an LCP client through
 * DCAPRegisterEnclaveKeyMessage. Then the simulated Intel announces a recovery: the existing key's quote
 * re-verifies OutOfDate, the client refuses a registration with the new collateral; the microcode update and a new
 * PCK certificate let a new key attest UpToDate and register; the client's evaluation number moves through its grace
 * period (stale collateral accepted inside it, refused after it); the old key expires on the client and is pruned
 * from the key store, and the host's default signer is the new key.
 * Day numbers are simulated time (every component takes time as an input). */
#include "simfix.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lcp/host.h"
#include "lcp/lcpclient.h"
#include "lcp/tee_sim.h"

#define T0 1800000000LL /* day 0: 2027-01-15 */
#define DAY 86400LL
#define GRACE (7 * DAY)
#define CID "lcp-drill-0"

static char tmp[64], home[PATH_MAX], platform[PATH_MAX], enclave_bin[PATH_MAX];
static uint8_t *root;
static size_t root_len;

static lcp_host *open_host(void)
{
    lcp_host *h;
    char err[LCP_ERR_LEN] = "";
    lcp_host_options o = {home, platform, enclave_bin, "sim"};
    if (lcp_host_open(&h, &o, err) != LCP_OK) fail_msg("host: %s", err);
    return h;
}

/* The simulated QE's report check, against the platform as it is now. */
static int check_report(void *ctx, lcp_sgx_report_body *body, const uint8_t *report, size_t len, char *err)
{
    (void)ctx;
    lcp_tee_sim_platform p;
    if (len != LCP_TEE_REPORT_LEN) return lcp_fail(err, LCP_ERR_ATTESTATION_REPORT, "bad report length");
    int rc = lcp_tee_sim_load(&p, platform, err);
    if (rc == LCP_OK) rc = lcp_tee_sim_verify_report(body, &p, report, NULL, err);
    lcp_tee_sim_platform_wipe(&p);
    return rc;
}

/* A new key in the enclave. Out: addr, mrenclave. */
static void new_key(lcp_host *h, uint8_t addr[20], uint8_t mrenclave[32])
{
    char err[LCP_ERR_LEN] = "";
    if (lcp_host_generate_key(h, addr, NULL, err) != LCP_OK) fail_msg("generate-key: %s", err);
    lcp_store_txn *t;
    lcp_keystore_entry k;
    assert_int_equal(lcp_store_begin(lcp_host_store(h), &t, 0, err), LCP_OK);
    assert_int_equal(lcp_keystore_get(t, &k, addr, err), LCP_OK);
    memcpy(mrenclave, k.mrenclave, 32);
    lcp_store_abort(t);
}

/* The simulated QE's quote of the key's stored report; returns the QE's code. */
static int quote_key(lcp_host *h, lcp_buf *quote, const uint8_t addr[20], char *err)
{
    lcp_store_txn *t;
    lcp_keystore_entry k;
    lcp_sim_qe *qe = NULL;
    assert_int_equal(lcp_store_begin(lcp_host_store(h), &t, 0, err), LCP_OK);
    assert_int_equal(lcp_keystore_get(t, &k, addr, err), LCP_OK);
    lcp_buf_free(quote);
    int rc = lcp_sim_qe_open(&qe, platform, err);
    if (rc == LCP_OK) rc = lcp_sim_qe_quote(qe, quote, k.report.ptr, k.report.len, check_report, NULL, err);
    lcp_sim_qe_close(qe);
    lcp_store_abort(t);
    return rc;
}

/* Verifies quote with collateral eval (0 = current) at now; the policy allows debug (the sim enclave is a debug
 * build) and, when allow_ood, OutOfDate with INTEL-SA-00999. */
static int verify(lcp_dcap_result *r, const lcp_buf *quote, uint32_t eval, int64_t now, int allow_ood, char *err)
{
    uint8_t *json;
    size_t len;
    assert_int_equal(lcp_sim_issuer_collateral(&json, &len, platform, eval, err), LCP_OK);
    size_t cap = lcp_dcap_collateral_json_storage_len(len);
    uint8_t *storage = lcp_malloc(cap);
    assert_non_null(storage);
    lcp_dcap_collateral c;
    assert_int_equal(lcp_dcap_collateral_from_json(&c, storage, cap, json, len, err), LCP_OK);
    lcp_dcap_policy pol;
    memset(&pol, 0, sizeof pol);
    pol.allow_debug = 1;
    const char *adv[] = {"INTEL-SA-00999"};
    if (allow_ood) {
        pol.allowed_statuses = LCP_DCAP_STATUS_BIT(LCP_DCAP_TCB_OUT_OF_DATE);
        pol.allowed_advisory_ids = adv;
        pol.n_allowed_advisory_ids = 1;
    }
    int rc = lcp_dcap_verify(r, quote->data, quote->len, &c, root, root_len, now, &pol, err);
    lcp_free(storage);
    lcp_free(json);
    return rc;
}

/* What `lcp attestation dcap` records: ra_type DCAP and the verifier's window. */
static void record(lcp_host *h, const uint8_t addr[20], const lcp_buf *quote, const lcp_dcap_result *r)
{
    char err[LCP_ERR_LEN] = "";
    lcp_store_txn *t;
    assert_int_equal(lcp_store_begin(lcp_host_store(h), &t, 1, err), LCP_OK);
    assert_int_equal(lcp_keystore_record_attestation(t, addr, LCP_RA_TYPE_DCAP, quote->data, quote->len,
                                                     (uint64_t)r->valid_from, (uint64_t)r->valid_to, err),
                     LCP_OK);
    assert_int_equal(lcp_store_commit(t, err), LCP_OK);
}

/* DCAPRegisterEnclaveKeyMessage of quote with collateral eval, at now. */
static int lc_register(lcp_lc *lc, const lcp_buf *quote, uint32_t eval, int64_t now, lcp_lc_enclave_key *info,
                       char *err)
{
    uint8_t *json;
    size_t len, need;
    assert_int_equal(lcp_sim_issuer_collateral(&json, &len, platform, eval, err), LCP_OK);
    assert_int_equal(lcp_lc_encode_dcap_register_enclave_key(NULL, 0, &need, quote->data, quote->len, json, len, NULL,
                                                             0),
                     LCP_OK);
    uint8_t *m = lcp_malloc(need);
    assert_non_null(m);
    assert_int_equal(lcp_lc_encode_dcap_register_enclave_key(m, need, &need, quote->data, quote->len, json, len, NULL,
                                                             0),
                     LCP_OK);
    int rc = lcp_lc_register_enclave_key_dcap(lc, NULL, info, CID, m, need, now, err);
    lcp_free(m);
    lcp_free(json);
    return rc;
}

static void lc_state(lcp_lc *lc, lcp_lc_client_state *cs)
{
    char err[LCP_ERR_LEN] = "";
    assert_int_equal(lcp_lc_get_client_state(lc, cs, CID, err), LCP_OK);
}

static int setup(void **state)
{
    (void)state;
    snprintf(tmp, sizeof tmp, "/tmp/lcp-drill-XXXXXX");
    assert_non_null(mkdtemp(tmp));
    snprintf(home, sizeof home, "%s/home", tmp);
    snprintf(platform, sizeof platform, "%s/platform", tmp);
    char err[LCP_ERR_LEN] = "";
    lcp_tee_sim_platform p;
    if (lcp_tee_sim_init(&p, platform, 0, err) != LCP_OK) fail_msg("sim init: %s", err);
    lcp_sim_tcb tcb;
    memcpy(tcb.platform_id, p.platform_id, 16);
    memcpy(tcb.cpusvn, p.cpusvn, 16);
    tcb.pcesvn = p.pcesvn;
    lcp_tee_sim_platform_wipe(&p);
    if (lcp_sim_issuer_create(platform, &tcb, T0, err) != LCP_OK) fail_msg("issuer: %s", err);
    if (lcp_sim_issuer_certify_platform(platform, &tcb, T0, err) != LCP_OK) fail_msg("certify: %s", err);
    if (lcp_sim_issuer_root(&root, &root_len, platform, err) != LCP_OK) fail_msg("root: %s", err);
    /* The enclave of the same build variant: build/<variant>/bin/lcp-enclave beside build/<variant>/tests. */
    ssize_t n = readlink("/proc/self/exe", enclave_bin, sizeof enclave_bin - 32);
    assert_true(n > 0);
    enclave_bin[n] = '\0';
    char *t = strstr(enclave_bin, "/tests/");
    assert_non_null(t);
    snprintf(t, 32, "/bin/lcp-enclave");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    lcp_free(root);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
    return system(cmd) == 0 ? 0 : -1;
}

static void test_drill(void **state)
{
    (void)state;
    char err[LCP_ERR_LEN] = "";
    lcp_dcap_result r;
    lcp_buf qa = {0}, qb = {0}, qb2 = {0}, qc = {0};
    uint8_t a[20], b[20], b2[20], c[20], mr[32], mr2[32];
    lcp_lc_enclave_key info;
    lcp_lc_client_state cs;

    /* Day 0: key A, attested UpToDate with collateral 1, recorded and registered. */
    lcp_host *h = open_host();
    new_key(h, a, mr);
    assert_int_equal(quote_key(h, &qa, a, err), LCP_OK);
    if (verify(&r, &qa, 0, T0 + 3600, 0, err) != LCP_OK) fail_msg("day 0: %s", err);
    assert_int_equal(r.status, LCP_DCAP_TCB_UP_TO_DATE);
    assert_int_equal(r.tcb_evaluation_data_number, 1);
    assert_memory_equal(r.report.mrenclave, mr, 32);
    record(h, a, &qa, &r);

    lcp_lc_memstore *mem = lcp_lc_memstore_new();
    assert_non_null(mem);
    lcp_lc_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.store = lcp_lc_memstore_iface(mem);
    cfg.development_mode = 1; /* the sim enclave is built as a debug enclave */
    cfg.dcap_root_der = root;
    cfg.dcap_root_der_len = root_len;
    void *lc_mem = lcp_malloc(lcp_lc_size());
    assert_non_null(lc_mem);
    lcp_lc *lc;
    assert_int_equal(lcp_lc_init(&lc, lc_mem, lcp_lc_size(), &cfg), LCP_OK);
    memset(&cs, 0, sizeof cs);
    cs.mrenclave = (lcp_bytes){mr, 32};
    cs.key_expiration = 60 * DAY; /* longer than the collateral: a key lives as long as its evidence */
    cs.current_tcb_evaluation_data_number = 1;
    cs.tcb_evaluation_data_number_update_grace_period = (uint32_t)GRACE;
    uint8_t csb[1024];
    size_t n;
    assert_int_equal(lcp_lc_client_state_encode(csb, sizeof csb, &n, &cs), LCP_OK);
    assert_int_equal(lcp_lc_create_client(lc, CID, csb, n, NULL, 0, err), LCP_OK);
    if (lc_register(lc, &qa, 0, T0 + 3600, &info, err) != LCP_OK) fail_msg("register A: %s", err);
    const uint64_t a_expiry = (uint64_t)(T0 + LCP_SIM_COLLATERAL_LIFETIME + 1);
    assert_int_equal(info.expired_at, a_expiry);

    /* Day 2: the TCB recovery (evaluation data number 2, INTEL-SA-00999). */
    const int64_t T1 = T0 + 2 * DAY;
    uint32_t eval = 0;
    assert_int_equal(lcp_sim_issuer_tcb_recovery(&eval, platform, "INTEL-SA-00999", T1, err), LCP_OK);
    assert_int_equal(eval, 2);
    /* A's quote, verified again with today's collateral: OutOfDate with the advisory. */
    assert_int_equal(verify(&r, &qa, 0, T1, 0, err), LCP_ERR_ATTESTATION_POLICY);
    assert_int_equal(verify(&r, &qa, 0, T1, 1, err), LCP_OK);
    assert_int_equal(r.status, LCP_DCAP_TCB_OUT_OF_DATE);
    assert_string_equal(r.advisory_ids[0], "INTEL-SA-00999");
    /* A key made on the unpatched platform: the client refuses it with the new collateral. */
    new_key(h, b, mr2);
    new_key(h, b2, mr2);
    assert_int_equal(quote_key(h, &qb, b, err), LCP_OK);
    assert_int_equal(quote_key(h, &qb2, b2, err), LCP_OK);
    assert_int_equal(lc_register(lc, &qb, 0, T1, NULL, err), LCP_ERR_LC_DCAP_DISALLOWED_TCB_STATUS);
    assert_int_equal(lc_register(lc, &qa, 0, T1, NULL, err), LCP_ERR_LC_DCAP_DISALLOWED_TCB_STATUS);
    lc_state(lc, &cs);
    assert_int_equal(cs.current_tcb_evaluation_data_number, 1);
    assert_int_equal(cs.next_tcb_evaluation_data_number, 0);

    /* Day 3: the microcode update, a new PCK certificate, and the enclave restarted on the new CPUSVN. */
    const int64_t T2 = T0 + 3 * DAY;
    uint8_t old_svn[16], new_svn[16];
    assert_int_equal(lcp_tee_sim_microcode_update(old_svn, new_svn, platform, err), LCP_OK);
    assert_int_equal(new_svn[0], old_svn[0] + 1);
    lcp_sim_tcb tcb;
    lcp_tee_sim_platform p;
    assert_int_equal(lcp_tee_sim_load(&p, platform, err), LCP_OK);
    memcpy(tcb.platform_id, p.platform_id, 16);
    memcpy(tcb.cpusvn, p.cpusvn, 16);
    tcb.pcesvn = p.pcesvn;
    lcp_tee_sim_platform_wipe(&p);
    assert_int_equal(lcp_sim_issuer_certify_platform(platform, &tcb, T2, err), LCP_OK);
    lcp_host_close(h);
    h = open_host();
    /* B's report was made at the old CPUSVN: the QE cannot authenticate it any more. */
    lcp_buf stale = {0};
    assert_int_equal(quote_key(h, &stale, b, err), LCP_ERR_TEE_REPORT_MAC);
    lcp_buf_free(&stale);
    /* Key C on the patched platform: UpToDate with collateral 2, recorded and registered. */
    new_key(h, c, mr2);
    assert_memory_equal(mr2, mr, 32); /* same enclave build */
    assert_int_equal(quote_key(h, &qc, c, err), LCP_OK);
    if (verify(&r, &qc, 0, T2, 0, err) != LCP_OK) fail_msg("day 3: %s", err);
    assert_int_equal(r.status, LCP_DCAP_TCB_UP_TO_DATE);
    assert_int_equal(r.tcb_evaluation_data_number, 2);
    record(h, c, &qc, &r);
    if (lc_register(lc, &qc, 0, T2, &info, err) != LCP_OK) fail_msg("register C: %s", err);
    assert_int_equal(info.expired_at, (uint64_t)(T1 + LCP_SIM_COLLATERAL_LIFETIME + 1));
    /* The client reserves number 2, due after the grace period. */
    lc_state(lc, &cs);
    assert_int_equal(cs.current_tcb_evaluation_data_number, 1);
    assert_int_equal(cs.next_tcb_evaluation_data_number, 2);
    assert_int_equal(cs.next_tcb_evaluation_data_number_update_time, (uint64_t)(T2 + GRACE));
    /* The relayer's default signer is now C (the newest attested, unexpired key). */
    uint8_t signer[20];
    assert_int_equal(lcp_host_default_signer(h, signer, (uint64_t)T2, err), LCP_OK);
    assert_memory_equal(signer, c, 20);

    /* Inside the grace period an operator still on collateral 1 can register (B: UpToDate under it). */
    if (lc_register(lc, &qb, 1, T2 + GRACE - 1, NULL, err) != LCP_OK) fail_msg("B in grace: %s", err);
    /* From the due time on, collateral 1 is refused (B2), and number 2 is current. */
    assert_int_equal(lc_register(lc, &qb2, 1, T2 + GRACE, NULL, err),
                     LCP_ERR_LC_DCAP_UNEXPECTED_TCB_EVALUATION_DATA_NUMBER);
    if (lc_register(lc, &qc, 0, T2 + GRACE, NULL, err) != LCP_OK) fail_msg("C again: %s", err);
    lc_state(lc, &cs);
    assert_int_equal(cs.current_tcb_evaluation_data_number, 2);
    assert_int_equal(cs.next_tcb_evaluation_data_number, 0);

    /* Day 30: A's evidence ends. On the client A is no longer active; the host prunes it and keeps C. */
    const int64_t TE = (int64_t)a_expiry;
    assert_int_equal(lcp_lc_get_enclave_key(lc, &info, CID, a, err), LCP_OK);
    assert_true(info.expired_at <= (uint64_t)TE);
    assert_int_equal(lcp_lc_get_enclave_key(lc, &info, CID, c, err), LCP_OK);
    assert_true(info.expired_at > (uint64_t)TE);
    lcp_store_txn *t;
    size_t deleted = 0;
    assert_int_equal(lcp_store_begin(lcp_host_store(h), &t, 1, err), LCP_OK);
    assert_int_equal(lcp_keystore_prune(t, &deleted, LCP_KEYSTORE_PRUNE_EXPIRED, (uint64_t)TE - 2, 0, err), LCP_OK);
    assert_int_equal(deleted, 0); /* not before its end */
    assert_int_equal(lcp_keystore_prune(t, &deleted, LCP_KEYSTORE_PRUNE_EXPIRED, (uint64_t)TE, 0, err), LCP_OK);
    assert_int_equal(deleted, 1);
    lcp_keystore_entry k;
    assert_int_equal(lcp_keystore_get(t, &k, a, err), LCP_ERR_HOST_KEY_NOT_FOUND);
    assert_int_equal(lcp_keystore_get(t, &k, c, err), LCP_OK);
    assert_int_equal(lcp_store_commit(t, err), LCP_OK);
    assert_int_equal(lcp_host_default_signer(h, signer, (uint64_t)TE, err), LCP_OK);
    assert_memory_equal(signer, c, 20);

    lcp_host_close(h);
    lcp_lc_memstore_free(mem);
    lcp_free(lc_mem);
    lcp_buf_free(&qa);
    lcp_buf_free(&qb);
    lcp_buf_free(&qb2);
    lcp_buf_free(&qc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_drill, setup, teardown),
    };
    return cmocka_run_group_tests_name("attestation/tcb_recovery", tests, NULL, NULL);
}
