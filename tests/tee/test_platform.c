/* The simulated platform directory: init writes a private directory with a 0600 fuse secret and refuses to
 * replace one without force; microcode updates move the CPUSVN; every platform file is parsed strictly, and
 * hostile contents are refused with the file named. */
#include "tee_fixture.h"

#include <sys/stat.h>

static void put(const char *dir, const char *name, const char *content, size_t len)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    assert_int_equal(lcp_file_write_atomic(path, (const uint8_t *)content, len, 0600, NULL), LCP_OK);
}

static unsigned mode_of(const char *dir, const char *name)
{
    char path[256];
    struct stat st;
    snprintf(path, sizeof path, "%s%s%s", dir, name ? "/" : "", name ? name : "");
    assert_int_equal(stat(path, &st), 0);
    return st.st_mode & 0777;
}

static void test_init(void **state)
{
    (void)state;
    char parent[64], dir[128];
    tf_mkdtemp(parent);
    snprintf(dir, sizeof dir, "%s/platform", parent);
    lcp_tee_sim_platform p, q;
    char err[LCP_ERR_LEN] = "";
    assert_int_equal(lcp_tee_sim_init(&p, dir, 0, err), LCP_OK);
    assert_int_equal(mode_of(dir, NULL), 0700);
    assert_int_equal(mode_of(dir, LCP_TEE_SIM_FILE_FUSE), 0600);
    assert_int_equal(lcp_tee_sim_load(&q, dir, err), LCP_OK);
    assert_memory_equal(&p, &q, sizeof p);
    static const uint8_t dflt[16] = LCP_TEE_SIM_DEFAULT_CPUSVN;
    assert_memory_equal(q.cpusvn, dflt, 16);
    assert_int_equal(q.pcesvn, LCP_TEE_SIM_DEFAULT_PCESVN);
    uint8_t zero[32] = {0};
    assert_memory_not_equal(q.fuse_secret, zero, 32);

    /* No silent replacement: the fuse secret is every sealed key. */
    err[0] = '\0';
    assert_int_equal(lcp_tee_sim_init(NULL, dir, 0, err), LCP_ERR_TEE_PLATFORM_EXISTS);
    assert_non_null(strstr(err, "loses every key"));
    assert_int_equal(lcp_tee_sim_load(&q, dir, err), LCP_OK);
    assert_memory_equal(q.fuse_secret, p.fuse_secret, 32);

    /* --force: a new CPU. Its PCK and QE files go (they describe the old one); Intel's collateral stays. */
    put(dir, LCP_TEE_SIM_FILE_PCK_CERT, "old cert", 8);
    put(dir, LCP_TEE_SIM_FILE_QE_KEY, "old key", 7);
    char coll[192];
    snprintf(coll, sizeof coll, "%s/%s", dir, LCP_TEE_SIM_DIR_COLLATERAL);
    assert_int_equal(mkdir(coll, 0700), 0);
    assert_int_equal(lcp_tee_sim_init(NULL, dir, 1, err), LCP_OK);
    assert_int_equal(lcp_tee_sim_load(&q, dir, err), LCP_OK);
    assert_memory_not_equal(q.fuse_secret, p.fuse_secret, 32);
    assert_memory_not_equal(q.platform_id, p.platform_id, 16);
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, LCP_TEE_SIM_FILE_PCK_CERT);
    assert_int_not_equal(access(path, F_OK), 0);
    snprintf(path, sizeof path, "%s/%s", dir, LCP_TEE_SIM_FILE_QE_KEY);
    assert_int_not_equal(access(path, F_OK), 0);
    assert_int_equal(access(coll, F_OK), 0);

    /* An existing directory with loose permissions is made private. */
    char dir2[128];
    snprintf(dir2, sizeof dir2, "%s/loose", parent);
    assert_int_equal(mkdir(dir2, 0755), 0);
    assert_int_equal(lcp_tee_sim_init(NULL, dir2, 0, err), LCP_OK);
    assert_int_equal(mode_of(dir2, NULL), 0700);
    /* A missing parent, or a file in the way. */
    snprintf(path, sizeof path, "%s/no/such/dir", parent);
    assert_int_equal(lcp_tee_sim_init(NULL, path, 0, err), LCP_ERR_IO);
    snprintf(path, sizeof path, "%s/%s", dir, LCP_TEE_SIM_FILE_FORMAT);
    assert_int_equal(lcp_tee_sim_init(NULL, path, 0, err), LCP_ERR_IO);
    lcp_tee_sim_platform_wipe(&p);
    lcp_tee_sim_platform_wipe(&q);
    assert_memory_equal(q.fuse_secret, zero, 32);
    tf_rmrf(parent);
}

static void test_files_are_plain(void **state)
{
    (void)state;
    char dir[64];
    tf_mkdtemp(dir);
    tf_platform(dir, 0);
    uint8_t *d;
    size_t n;
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, LCP_TEE_SIM_FILE_CPUSVN);
    assert_int_equal(lcp_file_read(&d, &n, path, 100, NULL), LCP_OK);
    assert_int_equal(n, 33);
    assert_memory_equal(d, "02020202030100030000000000000000\n", 33);
    lcp_free(d);
    snprintf(path, sizeof path, "%s/%s", dir, LCP_TEE_SIM_FILE_PCESVN);
    assert_int_equal(lcp_file_read(&d, &n, path, 100, NULL), LCP_OK);
    assert_int_equal(n, 3);
    assert_memory_equal(d, "13\n", 3);
    lcp_free(d);
    snprintf(path, sizeof path, "%s/%s", dir, LCP_TEE_SIM_FILE_FORMAT);
    assert_int_equal(lcp_file_read(&d, &n, path, 100, NULL), LCP_OK);
    assert_string_equal((char *)d, "lcp-c sim platform v1\n");
    lcp_free(d);
    tf_rmrf(dir);
}

static void test_microcode_update(void **state)
{
    (void)state;
    char dir[64];
    tf_mkdtemp(dir);
    tf_platform(dir, 0);
    uint8_t old[16], neu[16], svn[16];
    char err[LCP_ERR_LEN] = "";
    assert_int_equal(lcp_tee_sim_microcode_update(old, neu, dir, err), LCP_OK);
    assert_int_equal(old[0], 2);
    assert_int_equal(neu[0], 3);
    assert_int_equal(lcp_tee_sim_microcode_update(old, neu, dir, err), LCP_OK);
    assert_int_equal(old[0], 3);
    assert_int_equal(neu[0], 4);
    lcp_tee_sim_platform p;
    assert_int_equal(lcp_tee_sim_load(&p, dir, err), LCP_OK);
    assert_memory_equal(p.cpusvn, neu, 16);
    /* At the top of the range it refuses and changes nothing. */
    memset(svn, 0, sizeof svn);
    svn[0] = 0xff;
    assert_int_equal(lcp_tee_sim_set_cpusvn(old, dir, svn, err), LCP_OK);
    assert_memory_equal(old, neu, 16);
    assert_int_equal(lcp_tee_sim_microcode_update(old, neu, dir, err), LCP_ERR_RANGE);
    assert_int_equal(lcp_tee_sim_load(&p, dir, err), LCP_OK);
    assert_memory_equal(p.cpusvn, svn, 16);
    /* PCESVN. */
    uint16_t oldpce = 0;
    assert_int_equal(lcp_tee_sim_set_pcesvn(&oldpce, dir, 65535, err), LCP_OK);
    assert_int_equal(oldpce, 13);
    assert_int_equal(lcp_tee_sim_load(&p, dir, err), LCP_OK);
    assert_int_equal(p.pcesvn, 65535);
    assert_int_equal(lcp_tee_sim_set_pcesvn(NULL, dir, 0, err), LCP_OK);
    assert_int_equal(lcp_tee_sim_load(&p, dir, err), LCP_OK);
    assert_int_equal(p.pcesvn, 0);
    lcp_tee_sim_platform_wipe(&p);
    /* No platform, no update. */
    assert_int_equal(lcp_tee_sim_microcode_update(old, neu, "/nonexistent", err), LCP_ERR_TEE_NO_PLATFORM);
    assert_int_equal(lcp_tee_sim_set_cpusvn(NULL, "/nonexistent", svn, err), LCP_ERR_TEE_NO_PLATFORM);
    tf_rmrf(dir);
}

static void test_hostile_files(void **state)
{
    (void)state;
    static const struct {
        const char *file, *content;
        size_t len; /* 0: strlen */
    } bad[] = {
        {LCP_TEE_SIM_FILE_FORMAT, "lcp-c sim platform v2\n", 0},
        {LCP_TEE_SIM_FILE_FORMAT, "lcp-c sim platform v1", 0},
        {LCP_TEE_SIM_FILE_FORMAT, "", 0},
        {LCP_TEE_SIM_FILE_FUSE, "0123456789abcdef0123456789abcde", 0},
        {LCP_TEE_SIM_FILE_FUSE, "0123456789abcdef0123456789abcdef0", 0},
        {LCP_TEE_SIM_FILE_FUSE, "", 0},
        {LCP_TEE_SIM_FILE_CPUSVN, "0202020203010003000000000000000\n", 0},
        {LCP_TEE_SIM_FILE_CPUSVN, "020202020301000300000000000000000\n", 0},
        {LCP_TEE_SIM_FILE_CPUSVN, "02020202030100030000000000000000", 0},
        {LCP_TEE_SIM_FILE_CPUSVN, "02020202030100030000000000000000\n\n", 0},
        {LCP_TEE_SIM_FILE_CPUSVN, "0x020202030100030000000000000000\n", 0},
        {LCP_TEE_SIM_FILE_CPUSVN, "0202020203010003000000000000000g\n", 0},
        {LCP_TEE_SIM_FILE_CPUSVN, "02020202030100030000000000000000\r", 0},
        {LCP_TEE_SIM_FILE_CPUSVN, "0202020203010003\0" "000000000000000\n", 33},
        {LCP_TEE_SIM_FILE_PLATFORM_ID, "c0c1\n", 0},
        {LCP_TEE_SIM_FILE_PCESVN, "013\n", 0},
        {LCP_TEE_SIM_FILE_PCESVN, "65536\n", 0},
        {LCP_TEE_SIM_FILE_PCESVN, "999999\n", 0},
        {LCP_TEE_SIM_FILE_PCESVN, "-1\n", 0},
        {LCP_TEE_SIM_FILE_PCESVN, "+1\n", 0},
        {LCP_TEE_SIM_FILE_PCESVN, "13", 0},
        {LCP_TEE_SIM_FILE_PCESVN, "1 3\n", 0},
        {LCP_TEE_SIM_FILE_PCESVN, "\n", 0},
        {LCP_TEE_SIM_FILE_PCESVN, "", 0},
    };
    char dir[64];
    tf_mkdtemp(dir);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        tf_platform(dir, 0);
        put(dir, bad[i].file, bad[i].content, bad[i].len ? bad[i].len : strlen(bad[i].content));
        lcp_tee_sim_platform p;
        char err[LCP_ERR_LEN] = "";
        int rc = lcp_tee_sim_load(&p, dir, err);
        if (rc != LCP_ERR_TEE_NO_PLATFORM) fail_msg("case %zu (%s) loaded", i, bad[i].file);
        if (strcmp(bad[i].file, LCP_TEE_SIM_FILE_FORMAT) != 0 && strstr(err, bad[i].file) == NULL)
            fail_msg("case %zu: error does not name %s: %s", i, bad[i].file, err);
        /* A failed load leaves no secret behind. */
        uint8_t zero[32] = {0};
        assert_memory_equal(p.fuse_secret, zero, 32);
        /* The backend refuses it the same way. */
        lcp_tee_identity id = tf_identity(TF_INIT);
        lcp_tee_options o = {0};
        o.sim_platform = dir;
        o.identity = &id;
        lcp_tee *t = NULL;
        assert_int_equal(lcp_tee_open(&t, &o, NULL), LCP_ERR_TEE_NO_PLATFORM);
    }
    /* Edge values that are fine. */
    tf_platform(dir, 0);
    put(dir, LCP_TEE_SIM_FILE_PCESVN, "0\n", 2);
    put(dir, LCP_TEE_SIM_FILE_CPUSVN, "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF\n", 33);
    lcp_tee_sim_platform p;
    assert_int_equal(lcp_tee_sim_load(&p, dir, NULL), LCP_OK);
    assert_int_equal(p.pcesvn, 0);
    assert_int_equal(p.cpusvn[15], 0xff);
    lcp_tee_sim_platform_wipe(&p);
    /* Each file missing. */
    static const char *const files[] = {LCP_TEE_SIM_FILE_FORMAT, LCP_TEE_SIM_FILE_FUSE, LCP_TEE_SIM_FILE_PLATFORM_ID,
                                        LCP_TEE_SIM_FILE_CPUSVN, LCP_TEE_SIM_FILE_PCESVN};
    for (size_t i = 0; i < 5; i++) {
        tf_platform(dir, 0);
        char path[256];
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        assert_int_equal(unlink(path), 0);
        assert_int_equal(lcp_tee_sim_load(&p, dir, NULL), LCP_ERR_TEE_NO_PLATFORM);
    }
    tf_rmrf(dir);
}

static void test_default_dir(void **state)
{
    (void)state;
    char *saved = getenv("HOME") ? strdup(getenv("HOME")) : NULL;
    char out[64], err[LCP_ERR_LEN] = "";
    setenv("HOME", "/home/operator", 1);
    assert_int_equal(lcp_tee_sim_default_dir(out, sizeof out, err), LCP_OK);
    assert_string_equal(out, "/home/operator/.lcp-sim");
    assert_int_equal(lcp_tee_sim_default_dir(out, 10, err), LCP_ERR_BUFFER_TOO_SMALL);
    unsetenv("HOME");
    assert_int_equal(lcp_tee_sim_default_dir(out, sizeof out, err), LCP_ERR_TEE_NO_PLATFORM);
    setenv("HOME", "", 1);
    assert_int_equal(lcp_tee_sim_default_dir(out, sizeof out, err), LCP_ERR_TEE_NO_PLATFORM);
    if (saved) setenv("HOME", saved, 1);
    free(saved);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_init),
        cmocka_unit_test(test_files_are_plain),
        cmocka_unit_test(test_microcode_update),
        cmocka_unit_test(test_hostile_files),
        cmocka_unit_test(test_default_dir),
    };
    return cmocka_run_group_tests_name("tee/platform", tests, NULL, NULL);
}
