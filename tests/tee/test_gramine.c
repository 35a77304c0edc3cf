/* The gramine backend against a directory that imitates Gramine's /dev/attestation (this machine has no SGX):
 * identity from the self-report, the files written for a report and a quote, sealing with Gramine's keys in the
 * SDK layout (golden blobs from tools/vectors/tee.py), and refusal when attestation is absent. */
#include "tee_fixture.h"

#include <sys/stat.h>

typedef struct {
    char dir[64];
    uint8_t my_ti[512], report[432], quote[1000];
} fx;

static void put(const char *dir, const char *name, const void *p, size_t n)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    assert_int_equal(lcp_file_write_atomic(path, p, n, 0600, NULL), LCP_OK);
}

static size_t get(const char *dir, const char *name, uint8_t *out, size_t cap)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    uint8_t *d;
    size_t n;
    assert_int_equal(lcp_file_read(&d, &n, path, 1 << 20, NULL), LCP_OK);
    assert_true(n <= cap);
    memcpy(out, d, n);
    lcp_free(d);
    return n;
}

static int setup(void **state)
{
    fx *f = calloc(1, sizeof *f);
    assert_non_null(f);
    tf_mkdtemp(f->dir);
    char keys[128];
    snprintf(keys, sizeof keys, "%s/keys", f->dir);
    assert_int_equal(mkdir(keys, 0700), 0);
    put(f->dir, "attestation_type", "dcap", 4);
    for (int i = 0; i < 512; i++) f->my_ti[i] = (uint8_t)(i * 13);
    put(f->dir, "my_target_info", f->my_ti, 512);
    uint8_t zeros[512] = {0};
    put(f->dir, "target_info", zeros, 512);
    put(f->dir, "user_report_data", zeros, 64);
    /* The report Gramine would return: the fixed test enclave. */
    lcp_tee_identity id = tf_identity(TF_INIT | TF_MODE64);
    lcp_sgx_report_body rb = {0};
    static const uint8_t cpusvn[16] = LCP_TEE_SIM_DEFAULT_CPUSVN;
    memcpy(rb.cpusvn, cpusvn, 16);
    rb.flags = id.flags;
    rb.xfrm = id.xfrm;
    rb.miscselect = 0;
    memcpy(rb.mrenclave, id.mrenclave, 32);
    memcpy(rb.mrsigner, id.mrsigner, 32);
    rb.isv_prod_id = id.isv_prod_id;
    rb.isv_svn = id.isv_svn;
    lcp_sgx_report_body_write(f->report, &rb);
    memset(f->report + 384, 0x77, 48);
    put(f->dir, "report", f->report, 432);
    for (int i = 0; i < 1000; i++) f->quote[i] = (uint8_t)(i ^ 0x5a);
    put(f->dir, "quote", f->quote, 1000);
    uint8_t k[16];
    for (int i = 0; i < 16; i++) k[i] = (uint8_t)(0xa0 + i);
    put(f->dir, "keys/_sgx_mrenclave", k, 16);
    for (int i = 0; i < 16; i++) k[i] = (uint8_t)(0xb0 + i);
    put(f->dir, "keys/_sgx_mrsigner", k, 16);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    tf_rmrf(f->dir);
    free(f);
    return 0;
}

static lcp_tee *gopen(const char *dir, int want_rc)
{
    lcp_tee_options o = {0};
    o.backend = "gramine";
    o.gramine_dir = dir;
    lcp_tee *t = NULL;
    char err[LCP_ERR_LEN] = "";
    int rc = lcp_tee_open(&t, &o, err);
    if (rc != want_rc) fail_msg("gramine open: %d (%s), expected %d", rc, err, want_rc);
    if (rc != LCP_OK) assert_null(t);
    return t;
}

static void test_identity_from_self_report(void **state)
{
    fx *f = *state;
    lcp_tee *t = gopen(f->dir, LCP_OK);
    lcp_tee_identity id, want = tf_identity(TF_INIT | TF_MODE64);
    assert_int_equal(lcp_tee_identity_get(t, &id), LCP_OK);
    assert_string_equal(id.backend, "gramine");
    assert_memory_equal(id.mrenclave, want.mrenclave, 32);
    assert_memory_equal(id.mrsigner, want.mrsigner, 32);
    assert_int_equal(id.isv_prod_id, 1);
    assert_int_equal(id.isv_svn, 2);
    assert_true(id.flags == (TF_INIT | TF_MODE64));
    assert_int_equal(id.debug, 0);
    static const uint8_t cpusvn[16] = LCP_TEE_SIM_DEFAULT_CPUSVN;
    assert_memory_equal(id.cpusvn, cpusvn, 16);
    /* The self-report was asked for with our own target info and zero report data. */
    uint8_t buf[512];
    assert_int_equal(get(f->dir, "target_info", buf, sizeof buf), 512);
    assert_memory_equal(buf, f->my_ti, 512);
    uint8_t ti[512];
    assert_int_equal(lcp_tee_target_info(t, ti), LCP_OK);
    assert_memory_equal(ti, f->my_ti, 512);
    lcp_tee_close(t);
}

static void test_report_and_quote(void **state)
{
    fx *f = *state;
    lcp_tee *t = gopen(f->dir, LCP_OK);
    uint8_t ti[512], rd[64], rep[432], buf[2048];
    for (int i = 0; i < 512; i++) ti[i] = (uint8_t)(255 - i);
    for (int i = 0; i < 64; i++) rd[i] = (uint8_t)(i + 1);
    char err[LCP_ERR_LEN] = "";
    assert_int_equal(lcp_tee_report(t, rep, ti, rd, err), LCP_OK);
    assert_memory_equal(rep, f->report, 432);
    assert_int_equal(get(f->dir, "target_info", buf, sizeof buf), 512);
    assert_memory_equal(buf, ti, 512);
    assert_int_equal(get(f->dir, "user_report_data", buf, sizeof buf), 64);
    assert_memory_equal(buf, rd, 64);
    /* NULL target: the zero target info. */
    assert_int_equal(lcp_tee_report(t, rep, NULL, rd, err), LCP_OK);
    assert_int_equal(get(f->dir, "target_info", buf, sizeof buf), 512);
    uint8_t zero[512] = {0};
    assert_memory_equal(buf, zero, 512);

    rd[0] = 0xee;
    size_t qlen = 0;
    assert_int_equal(lcp_tee_quote(t, buf, sizeof buf, &qlen, rd, err), LCP_OK);
    assert_int_equal(qlen, 1000);
    assert_memory_equal(buf, f->quote, 1000);
    uint8_t urd[64];
    assert_int_equal(get(f->dir, "user_report_data", urd, sizeof urd), 64);
    assert_memory_equal(urd, rd, 64);
    /* Too small: the length needed. */
    qlen = 0;
    assert_int_equal(lcp_tee_quote(t, buf, 999, &qlen, rd, err), LCP_ERR_BUFFER_TOO_SMALL);
    assert_int_equal(qlen, 1000);
    assert_int_equal(lcp_tee_quote(t, NULL, 0, &qlen, rd, err), LCP_ERR_BUFFER_TOO_SMALL);
    assert_int_equal(qlen, 1000);
    /* A report of the wrong size is refused. */
    put(f->dir, "report", f->report, 431);
    assert_int_equal(lcp_tee_report(t, rep, ti, rd, err), LCP_ERR_TEE);
    put(f->dir, "quote", "", 0);
    assert_int_equal(lcp_tee_quote(t, buf, sizeof buf, &qlen, rd, err), LCP_ERR_TEE);
    lcp_tee_close(t);
}

static void test_seal(void **state)
{
    fx *f = *state;
    lcp_tee *t = gopen(f->dir, LCP_OK);
    uint8_t secret[32], blob[1024], out[64];
    for (int i = 0; i < 32; i++) secret[i] = (uint8_t)(i * 5);
    size_t len = 0, n = 0;
    char err[LCP_ERR_LEN] = "";
    assert_int_equal(lcp_tee_seal(t, blob, sizeof blob, &len, LCP_TEE_KEYPOLICY_MRENCLAVE, NULL, 0, secret, 32, err),
                     LCP_OK);
    assert_int_equal(len, 592);
    assert_int_equal(lcp_tee_unseal(t, out, sizeof out, &n, NULL, blob, len, err), LCP_OK);
    assert_int_equal(n, 32);
    assert_memory_equal(out, secret, 32);
    for (size_t i = 0; i < len; i++) {
        blob[i] ^= 0x20;
        assert_int_not_equal(lcp_tee_unseal(t, out, sizeof out, &n, NULL, blob, len, NULL), LCP_OK);
        blob[i] ^= 0x20;
    }
    /* MRSIGNER with Gramine's MRSIGNER key; both bits are not offered. */
    uint8_t blob2[1024];
    size_t len2 = 0;
    assert_int_equal(lcp_tee_seal(t, blob2, sizeof blob2, &len2, LCP_TEE_KEYPOLICY_MRSIGNER, NULL, 0, secret, 32, err),
                     LCP_OK);
    assert_int_equal(lcp_tee_unseal(t, out, sizeof out, &n, NULL, blob2, len2, err), LCP_OK);
    assert_int_equal(lcp_tee_seal(t, blob2, sizeof blob2, &len2, 3, NULL, 0, secret, 32, err), LCP_ERR_TEE_UNSUPPORTED);
    lcp_tee_close(t);

    /* Another enclave or CPU: Gramine hands out another key. */
    uint8_t k[16];
    memset(k, 0x01, 16);
    put(f->dir, "keys/_sgx_mrenclave", k, 16);
    t = gopen(f->dir, LCP_OK);
    assert_int_equal(lcp_tee_unseal(t, out, sizeof out, &n, NULL, blob, len, err), LCP_ERR_TEE_MAC_MISMATCH);
    assert_int_equal(lcp_tee_unseal(t, out, sizeof out, &n, NULL, blob2, len2, err), LCP_OK);
    lcp_tee_close(t);

    /* Without an MRSIGNER key, MRSIGNER sealing is unsupported. */
    char path[256];
    snprintf(path, sizeof path, "%s/keys/_sgx_mrsigner", f->dir);
    assert_int_equal(unlink(path), 0);
    t = gopen(f->dir, LCP_OK);
    assert_int_equal(lcp_tee_seal(t, blob2, sizeof blob2, &len2, LCP_TEE_KEYPOLICY_MRSIGNER, NULL, 0, secret, 32, err),
                     LCP_ERR_TEE_UNSUPPORTED);
    lcp_tee_close(t);
}

static void test_golden_blobs(void **state)
{
    fx *f = *state;
    lcp_tee *t = gopen(f->dir, LCP_OK);
    FILE *vf = fopen(LCP_ROOT "/tests/vectors/tee/sealed.txt", "r");
    assert_non_null(vf);
    char *line = NULL;
    size_t cap = 0;
    int count = 0;
    static uint8_t want[4096], aad[4096], blob[8192], out[4096];
    while (getline(&line, &cap, vf) > 0) {
        if (line[0] == '#') continue;
        char *save = NULL, *backend = strtok_r(line, " \n", &save);
        (void)strtok_r(NULL, " \n", &save);
        char *hs = strtok_r(NULL, " \n", &save), *ha = strtok_r(NULL, " \n", &save), *hb = strtok_r(NULL, " \n", &save);
        assert_non_null(hb);
        size_t nb = tu_hex(blob, sizeof blob, hb);
        size_t n = 0;
        lcp_bytes got_aad = {0};
        char err[LCP_ERR_LEN] = "";
        int rc = lcp_tee_unseal(t, out, sizeof out, &n, &got_aad, blob, nb, err);
        if (strcmp(backend, "gramine") != 0) {
            /* A sim blob is not a gramine blob. */
            assert_int_not_equal(rc, LCP_OK);
            continue;
        }
        if (rc != LCP_OK) fail_msg("golden gramine blob %d: %s", count, err);
        size_t ns = tu_hex(want, sizeof want, hs), na = strcmp(ha, "-") == 0 ? 0 : tu_hex(aad, sizeof aad, ha);
        assert_int_equal(n, ns);
        assert_memory_equal(out, want, ns);
        assert_int_equal(got_aad.len, na);
        if (na) assert_memory_equal(got_aad.ptr, aad, na);
        count++;
    }
    free(line);
    fclose(vf);
    assert_int_equal(count, 2);
    lcp_tee_close(t);
}

static void test_not_sgx(void **state)
{
    fx *f = *state;
    gopen("/nonexistent/attestation", LCP_ERR_TEE_NOT_SGX);
    put(f->dir, "attestation_type", "none", 4);
    gopen(f->dir, LCP_ERR_TEE_NOT_SGX);
    put(f->dir, "attestation_type", "dcapx", 5);
    gopen(f->dir, LCP_ERR_TEE_NOT_SGX);
    put(f->dir, "attestation_type", "epid\n", 5);
    lcp_tee_close(gopen(f->dir, LCP_OK));
    put(f->dir, "my_target_info", f->my_ti, 511);
    gopen(f->dir, LCP_ERR_TEE);
    put(f->dir, "my_target_info", f->my_ti, 512);
    put(f->dir, "keys/_sgx_mrenclave", "short", 5);
    gopen(f->dir, LCP_ERR_TEE);
    char path[256];
    snprintf(path, sizeof path, "%s/keys/_sgx_mrenclave", f->dir);
    assert_int_equal(unlink(path), 0);
    gopen(f->dir, LCP_ERR_TEE_NOT_SGX);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_identity_from_self_report, setup, teardown),
        cmocka_unit_test_setup_teardown(test_report_and_quote, setup, teardown),
        cmocka_unit_test_setup_teardown(test_seal, setup, teardown),
        cmocka_unit_test_setup_teardown(test_golden_blobs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_not_sgx, setup, teardown),
    };
    return cmocka_run_group_tests_name("tee/gramine", tests, NULL, NULL);
}
