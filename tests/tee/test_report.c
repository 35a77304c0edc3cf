/* Sim reports: the body carries the identity, the platform's CPUSVN and report_data; the MAC verifies for the
 * intended target on the same platform only, and no byte of the report can change unnoticed. Golden reports
 * from tools/vectors/tee.py verify, so the documented report-key formula is the one implemented. */
#include "tee_fixture.h"

typedef struct {
    char dir[64];
    lcp_tee_sim_platform plat;
} fx;

static int setup(void **state)
{
    fx *f = calloc(1, sizeof *f);
    assert_non_null(f);
    tf_mkdtemp(f->dir);
    tf_platform(f->dir, 0);
    assert_int_equal(lcp_tee_sim_load(&f->plat, f->dir, NULL), LCP_OK);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    lcp_tee_sim_platform_wipe(&f->plat);
    tf_rmrf(f->dir);
    free(f);
    return 0;
}

static void test_report_body_and_mac(void **state)
{
    fx *f = *state;
    lcp_tee_identity id = tf_identity(TF_INIT | TF_MODE64);
    lcp_tee *t = tf_open(f->dir, &id);
    /* A QE's target info: its own identity. */
    lcp_tee_identity qe_id = tf_identity(TF_INIT | TF_MODE64);
    memset(qe_id.mrenclave, 0xee, 32);
    qe_id.miscselect = 1;
    lcp_tee *qe = tf_open(f->dir, &qe_id);
    uint8_t ti[LCP_TEE_TARGET_INFO_LEN];
    assert_int_equal(lcp_tee_target_info(qe, ti), LCP_OK);

    uint8_t rd[64], rep[LCP_TEE_REPORT_LEN], rep2[LCP_TEE_REPORT_LEN];
    for (int i = 0; i < 64; i++) rd[i] = (uint8_t)(200 - i);
    char err[LCP_ERR_LEN] = "";
    assert_int_equal(lcp_tee_report(t, rep, ti, rd, err), LCP_OK);
    lcp_sgx_report_body body;
    assert_int_equal(lcp_tee_sim_verify_report(&body, &f->plat, rep, ti, err), LCP_OK);
    assert_memory_equal(body.mrenclave, id.mrenclave, 32);
    assert_memory_equal(body.mrsigner, id.mrsigner, 32);
    assert_int_equal(body.isv_prod_id, 1);
    assert_int_equal(body.isv_svn, 2);
    assert_true(body.flags == (TF_INIT | TF_MODE64));
    assert_true(body.xfrm == 3);
    assert_memory_equal(body.cpusvn, f->plat.cpusvn, 16);
    assert_memory_equal(body.report_data, rd, 64);
    assert_false(lcp_sgx_is_debug(&body));

    /* A random key_id per report. */
    assert_int_equal(lcp_tee_report(t, rep2, ti, rd, err), LCP_OK);
    assert_memory_not_equal(rep + 384, rep2 + 384, 32);
    assert_memory_equal(rep, rep2, 384);

    /* For another target, for nobody, on another platform: no. */
    uint8_t other_ti[LCP_TEE_TARGET_INFO_LEN];
    memcpy(other_ti, ti, sizeof ti);
    other_ti[5] ^= 1;
    assert_int_equal(lcp_tee_sim_verify_report(NULL, &f->plat, rep, other_ti, err), LCP_ERR_TEE_REPORT_MAC);
    memcpy(other_ti, ti, sizeof ti);
    other_ti[52] ^= 1; /* misc_select */
    assert_int_equal(lcp_tee_sim_verify_report(NULL, &f->plat, rep, other_ti, err), LCP_ERR_TEE_REPORT_MAC);
    assert_int_equal(lcp_tee_sim_verify_report(NULL, &f->plat, rep, NULL, err), LCP_ERR_TEE_REPORT_MAC);
    lcp_tee_sim_platform b;
    tf_platform_values(&b, 1);
    assert_int_equal(lcp_tee_sim_verify_report(NULL, &b, rep, ti, err), LCP_ERR_TEE_REPORT_MAC);
    /* After a microcode update the report key changes (reports do not survive a TCB change). */
    memcpy(&b, &f->plat, sizeof b);
    b.cpusvn[0]++;
    assert_int_equal(lcp_tee_sim_verify_report(NULL, &b, rep, ti, err), LCP_ERR_TEE_REPORT_MAC);
    lcp_tee_sim_platform_wipe(&b);

    /* Every bit of every byte: body, key_id and MAC. */
    for (size_t i = 0; i < LCP_TEE_REPORT_LEN; i++)
        for (int bit = 0; bit < 8; bit++) {
            rep[i] ^= (uint8_t)(1u << bit);
            memset(&body, 0x5a, sizeof body);
            assert_int_equal(lcp_tee_sim_verify_report(&body, &f->plat, rep, ti, NULL), LCP_ERR_TEE_REPORT_MAC);
            assert_int_equal(body.isv_svn, 0x5a5a); /* nothing written on failure */
            rep[i] ^= (uint8_t)(1u << bit);
        }
    assert_int_equal(lcp_tee_sim_verify_report(NULL, &f->plat, rep, ti, NULL), LCP_OK);

    /* A report for nobody (QE3SIM) verifies against the zero target. */
    assert_int_equal(lcp_tee_report(t, rep, NULL, rd, err), LCP_OK);
    assert_int_equal(lcp_tee_sim_verify_report(NULL, &f->plat, rep, NULL, err), LCP_OK);
    uint8_t zero_ti[LCP_TEE_TARGET_INFO_LEN] = {0};
    assert_int_equal(lcp_tee_sim_verify_report(NULL, &f->plat, rep, zero_ti, err), LCP_OK);
    lcp_tee_close(qe);
    lcp_tee_close(t);
}

static void test_debug_is_visible(void **state)
{
    fx *f = *state;
    lcp_tee_identity id = tf_identity(TF_INIT | TF_MODE64 | TF_DEBUG);
    lcp_tee *t = tf_open(f->dir, &id);
    uint8_t rd[64] = {1}, rep[LCP_TEE_REPORT_LEN];
    assert_int_equal(lcp_tee_report(t, rep, NULL, rd, NULL), LCP_OK);
    lcp_sgx_report_body body;
    assert_int_equal(lcp_tee_sim_verify_report(&body, &f->plat, rep, NULL, NULL), LCP_OK);
    assert_true(lcp_sgx_is_debug(&body));
    lcp_tee_close(t);
}

static void test_golden(void **state)
{
    fx *f = *state;
    FILE *vf = fopen(LCP_ROOT "/tests/vectors/tee/report.txt", "r");
    assert_non_null(vf);
    char *line = NULL;
    size_t cap = 0;
    int count = 0;
    while (getline(&line, &cap, vf) > 0) {
        if (line[0] == '#') continue;
        char *save = NULL, *hti = strtok_r(line, " \n", &save), *hrep = strtok_r(NULL, " \n", &save);
        assert_non_null(hrep);
        uint8_t ti[512], rep[432];
        assert_int_equal(tu_hex(ti, sizeof ti, hti), 512);
        assert_int_equal(tu_hex(rep, sizeof rep, hrep), 432);
        lcp_sgx_report_body body;
        char err[LCP_ERR_LEN] = "";
        int rc = lcp_tee_sim_verify_report(&body, &f->plat, rep, ti, err);
        if (rc != LCP_OK) fail_msg("golden report %d: %s", count, err);
        assert_int_equal(body.isv_svn, 2);
        rep[431] ^= 1;
        assert_int_equal(lcp_tee_sim_verify_report(&body, &f->plat, rep, ti, err), LCP_ERR_TEE_REPORT_MAC);
        count++;
    }
    free(line);
    fclose(vf);
    assert_int_equal(count, 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_report_body_and_mac, setup, teardown),
        cmocka_unit_test_setup_teardown(test_debug_is_visible, setup, teardown),
        cmocka_unit_test_setup_teardown(test_golden, setup, teardown),
    };
    return cmocka_run_group_tests_name("tee/report", tests, NULL, NULL);
}
