/* MRENCLAVE and MRSIGNER of the sim backend: the documented formula against golden values computed by
 * tools/vectors/tee.py (hashlib; the first also with `openssl dgst`), sensitivity to every input, the streamed
 * file measurement, and the sim backend measuring its own executable when given no identity. */
#include "tee_fixture.h"

#include "lcp/crypto.h"

static uint8_t *image(size_t n)
{
    uint8_t *p = malloc(n ? n : 1);
    assert_non_null(p);
    for (size_t i = 0; i < n; i++) p[i] = (uint8_t)(i * 7 + 1);
    return p;
}

static void test_golden(void **state)
{
    (void)state;
    FILE *f = fopen(LCP_ROOT "/tests/vectors/tee/measure.txt", "r");
    assert_non_null(f);
    char line[256];
    int count = 0;
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '#') continue;
        size_t n;
        unsigned prod, svn, dbg;
        char hex[65];
        assert_int_equal(sscanf(line, "%zu %u %u %u %64s", &n, &prod, &svn, &dbg, hex), 5);
        uint8_t want[32], got[32];
        tu_hex(want, 32, hex);
        uint8_t *img = image(n);
        assert_int_equal(lcp_tee_measure(got, img, n, (uint16_t)prod, (uint16_t)svn, (int)dbg), LCP_OK);
        assert_memory_equal(got, want, 32);
        /* debug is "non-zero", not "1". */
        if (dbg) {
            assert_int_equal(lcp_tee_measure(got, img, n, (uint16_t)prod, (uint16_t)svn, 42), LCP_OK);
            assert_memory_equal(got, want, 32);
        }
        free(img);
        count++;
    }
    fclose(f);
    assert_int_equal(count, 9);
}

static void test_every_input_matters(void **state)
{
    (void)state;
    uint8_t *img = image(1000);
    uint8_t base[32], again[32], other[32];
    assert_int_equal(lcp_tee_measure(base, img, 1000, 1, 2, 0), LCP_OK);
    assert_int_equal(lcp_tee_measure(again, img, 1000, 1, 2, 0), LCP_OK);
    assert_memory_equal(base, again, 32);
    /* Any bit of the image. */
    for (size_t i = 0; i < 1000; i += 37) {
        img[i] ^= 0x04;
        assert_int_equal(lcp_tee_measure(other, img, 1000, 1, 2, 0), LCP_OK);
        assert_memory_not_equal(base, other, 32);
        img[i] ^= 0x04;
    }
    /* Its length (the length prefix keeps image || config unambiguous). */
    assert_int_equal(lcp_tee_measure(other, img, 999, 1, 2, 0), LCP_OK);
    assert_memory_not_equal(base, other, 32);
    /* Each field of the config. */
    assert_int_equal(lcp_tee_measure(other, img, 1000, 2, 2, 0), LCP_OK);
    assert_memory_not_equal(base, other, 32);
    assert_int_equal(lcp_tee_measure(other, img, 1000, 1, 3, 0), LCP_OK);
    assert_memory_not_equal(base, other, 32);
    assert_int_equal(lcp_tee_measure(other, img, 1000, 1, 2, 1), LCP_OK);
    assert_memory_not_equal(base, other, 32);
    assert_int_equal(lcp_tee_measure(other, img, 1000, 0x0201, 0, 0), LCP_OK);
    assert_memory_not_equal(base, other, 32);
    free(img);
}

static void test_file(void **state)
{
    (void)state;
    char dir[64], path[128];
    tf_mkdtemp(dir);
    snprintf(path, sizeof path, "%s/enclave", dir);
    size_t n = 200003; /* several read() calls */
    uint8_t *img = image(n), want[32], got[32];
    assert_int_equal(lcp_file_write_atomic(path, img, n, 0755, NULL), LCP_OK);
    assert_int_equal(lcp_tee_measure(want, img, n, 7, 9, 0), LCP_OK);
    assert_int_equal(lcp_tee_measure_file(got, path, 7, 9, 0, NULL), LCP_OK);
    assert_memory_equal(got, want, 32);
    char err[LCP_ERR_LEN] = "";
    assert_int_equal(lcp_tee_measure_file(got, "/nonexistent/enclave", 0, 0, 0, err), LCP_ERR_IO);
    assert_non_null(strstr(err, "/nonexistent/enclave"));
    assert_int_equal(lcp_tee_measure_file(got, dir, 0, 0, 0, err), LCP_ERR_IO);
    free(img);
    tf_rmrf(dir);
}

static void test_mrsigner(void **state)
{
    (void)state;
    uint8_t got[32], want[32];
    /* SHA-256("lcp-c sim dev signer"), also by `printf 'lcp-c sim dev signer' | sha256sum`. */
    tu_hex(want, 32, "bc4ee51ce57be5ec73042bee115f205cbaa9159a1a2e3bcfc7c3795bbaf160d4");
    assert_int_equal(lcp_tee_mrsigner(got, NULL, 0), LCP_OK);
    assert_memory_equal(got, want, 32);
    /* SHA-256("abc"). */
    tu_hex(want, 32, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    assert_int_equal(lcp_tee_mrsigner(got, (const uint8_t *)"abc", 3), LCP_OK);
    assert_memory_equal(got, want, 32);
}

/* With no identity given, the sim backend measures /proc/self/exe (here: this test program) with the config. */
static void test_self_measurement(void **state)
{
    (void)state;
    char dir[64];
    tf_mkdtemp(dir);
    tf_platform(dir, 0);
    const uint8_t pub[] = "an enclave signing public key";
    lcp_tee_options o = {0};
    o.sim_platform = dir;
    o.isv_prod_id = 3;
    o.isv_svn = 4;
    o.debug = 1;
    o.signer_pubkey = pub;
    o.signer_pubkey_len = sizeof pub - 1;
    lcp_tee *t = NULL;
    char err[LCP_ERR_LEN] = "";
    assert_int_equal(lcp_tee_open(&t, &o, err), LCP_OK);
    lcp_tee_identity id;
    assert_int_equal(lcp_tee_identity_get(t, &id), LCP_OK);
    /* The executable's bytes through the measurement function on memory (whose formula the golden vectors pin),
     * not through the file path the backend itself uses. */
    uint8_t want[32], *image = NULL;
    size_t image_len = 0;
    assert_int_equal(lcp_file_read(&image, &image_len, "/proc/self/exe", 1u << 30, err), LCP_OK);
    assert_int_equal(lcp_tee_measure(want, image, image_len, 3, 4, 1), LCP_OK);
    lcp_free(image);
    assert_memory_equal(id.mrenclave, want, 32);
    assert_int_equal(lcp_sha256(want, pub, sizeof pub - 1), LCP_OK);
    assert_memory_equal(id.mrsigner, want, 32);
    assert_int_equal(id.isv_prod_id, 3);
    assert_int_equal(id.isv_svn, 4);
    assert_int_equal(id.debug, 1);
    assert_true(id.flags == (TF_INIT | TF_DEBUG | TF_MODE64));
    assert_string_equal(id.backend, "sim");
    static const uint8_t cpusvn[16] = LCP_TEE_SIM_DEFAULT_CPUSVN;
    assert_memory_equal(id.cpusvn, cpusvn, 16);
    /* Its target info names it. */
    uint8_t ti[LCP_TEE_TARGET_INFO_LEN];
    assert_int_equal(lcp_tee_target_info(t, ti), LCP_OK);
    assert_memory_equal(ti, id.mrenclave, 32);
    assert_int_equal(ti[32], TF_INIT | TF_DEBUG | TF_MODE64);
    lcp_tee_close(t);
    /* Production build of the same program with the development signer. */
    o.debug = 0;
    o.signer_pubkey = NULL;
    assert_int_equal(lcp_tee_open(&t, &o, err), LCP_OK);
    lcp_tee_identity prod;
    assert_int_equal(lcp_tee_identity_get(t, &prod), LCP_OK);
    assert_memory_not_equal(prod.mrenclave, id.mrenclave, 32);
    assert_int_equal(lcp_tee_mrsigner(want, NULL, 0), LCP_OK);
    assert_memory_equal(prod.mrsigner, want, 32);
    assert_int_equal(prod.debug, 0);
    lcp_tee_close(t);
    tf_rmrf(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_golden),
        cmocka_unit_test(test_every_input_matters),
        cmocka_unit_test(test_file),
        cmocka_unit_test(test_mrsigner),
        cmocka_unit_test(test_self_measurement),
    };
    return cmocka_run_group_tests_name("tee/measure", tests, NULL, NULL);
}
