/* Sealing on the simulated platform: LCP's 592-byte enclave-key blob, every single-byte change refused, blobs bound
 * to the platform, the enclave (policy), the debug attribute and the SVN rules of EGETKEY, strict layout checks,
 * and golden blobs computed independently by tools/vectors/tee.py. */
#include "tee_fixture.h"

#include "lcp/crypto.h"

#define DEFAULT_FLAGS (TF_INIT | TF_MODE64)

typedef struct {
    char dir[64];
} fx;

static int setup(void **state)
{
    fx *f = calloc(1, sizeof *f);
    assert_non_null(f);
    tf_mkdtemp(f->dir);
    tf_platform(f->dir, 0);
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

static size_t seal(lcp_tee *t, uint8_t *out, size_t cap, uint16_t policy, const char *aad, const uint8_t *s, size_t n)
{
    size_t len = 0;
    char err[LCP_ERR_LEN] = "";
    int rc = lcp_tee_seal(t, out, cap, &len, policy, (const uint8_t *)aad, aad ? strlen(aad) : 0, s, n, err);
    if (rc != LCP_OK) fail_msg("seal: %s", err);
    return len;
}

/* Unseals and returns the code; on failure checks that nothing was released. */
static int unseal(lcp_tee *t, const uint8_t *blob, size_t len)
{
    uint8_t out[2048];
    memset(out, 0xa5, sizeof out);
    size_t n = 12345;
    lcp_bytes aad = {(const uint8_t *)"untouched", 9};
    int rc = lcp_tee_unseal(t, out, sizeof out, &n, &aad, blob, len, NULL);
    if (rc != LCP_OK) {
        /* Nothing is released on failure. */
        for (size_t i = 0; i < sizeof out; i++) assert_int_equal(out[i], 0xa5);
        assert_int_equal(n, 12345);
        assert_int_equal(aad.len, 9);
    }
    return rc;
}

static void test_secret(uint8_t s[32])
{
    for (int i = 0; i < 32; i++) s[i] = (uint8_t)(0x40 + i);
}

static void test_lcp_enclave_key_blob(void **state)
{
    fx *f = *state;
    lcp_tee_identity id = tf_identity(DEFAULT_FLAGS);
    lcp_tee *t = tf_open(f->dir, &id);
    uint8_t secret[32], blob[1024], blob2[1024], out[32];
    test_secret(secret);
    size_t len = seal(t, blob, sizeof blob, LCP_TEE_KEYPOLICY_MRENCLAVE, NULL, secret, 32);
    assert_int_equal(len, 592);
    assert_int_equal(LCP_TEE_SEALED_LEN(32, 0), 592);
    /* The ciphertext is not the secret. */
    assert_memory_not_equal(blob + 560, secret, 32);

    lcp_tee_sealed_info si;
    assert_int_equal(lcp_tee_sealed_parse(&si, blob, len, NULL), LCP_OK);
    static const uint8_t cpusvn[16] = LCP_TEE_SIM_DEFAULT_CPUSVN;
    assert_int_equal(si.req.key_name, LCP_TEE_KEYNAME_SEAL);
    assert_int_equal(si.req.key_policy, LCP_TEE_KEYPOLICY_MRENCLAVE);
    assert_int_equal(si.req.isv_svn, 2);
    assert_memory_equal(si.req.cpusvn, cpusvn, 16);
    assert_true(si.req.attribute_mask_flags == 0xfffffffffffffff3ull);
    assert_true(si.req.attribute_mask_xfrm == 0);
    assert_int_equal(si.req.misc_mask, 0xf0000000u);
    assert_int_equal(si.req.config_svn, 0);
    assert_int_equal(si.ciphertext.len, 32);
    assert_int_equal(si.aad.len, 0);
    /* Byte layout of the header (ops.md §1.2): KEYNAME=4 at 0, policy at 2, plain_text_offset and payload_size. */
    assert_int_equal(blob[0], 4);
    assert_int_equal(blob[2], 1);
    assert_int_equal(blob[512], 32);
    assert_int_equal(blob[528], 32);

    size_t n = 0;
    lcp_bytes aad = {0};
    assert_int_equal(lcp_tee_unseal(t, out, sizeof out, &n, &aad, blob, len, NULL), LCP_OK);
    assert_int_equal(n, 32);
    assert_memory_equal(out, secret, 32);
    assert_int_equal(aad.len, 0);

    /* A fresh KEYID per seal: the same secret never gives the same blob or key. */
    size_t len2 = seal(t, blob2, sizeof blob2, LCP_TEE_KEYPOLICY_MRENCLAVE, NULL, secret, 32);
    assert_int_equal(len2, len);
    assert_memory_not_equal(blob + 40, blob2 + 40, 32);
    assert_memory_not_equal(blob + 544, blob2 + 544, 48);
    lcp_tee_close(t);
}

static void test_aad(void **state)
{
    fx *f = *state;
    lcp_tee_identity id = tf_identity(DEFAULT_FLAGS);
    lcp_tee *t = tf_open(f->dir, &id);
    uint8_t secret[32], blob[1024], out[32];
    test_secret(secret);
    const char *text = "enclave key of operator 0x00";
    size_t len = seal(t, blob, sizeof blob, LCP_TEE_KEYPOLICY_MRENCLAVE, text, secret, 7);
    assert_int_equal(len, 560 + 7 + strlen(text));
    /* The additional text is stored in the clear after the ciphertext. */
    assert_memory_equal(blob + 567, text, strlen(text));
    size_t n = 0;
    lcp_bytes aad = {0};
    assert_int_equal(lcp_tee_unseal(t, out, sizeof out, &n, &aad, blob, len, NULL), LCP_OK);
    assert_int_equal(n, 7);
    assert_memory_equal(out, secret, 7);
    assert_int_equal(aad.len, strlen(text));
    assert_ptr_equal(aad.ptr, blob + 567);
    /* aad may be NULL. */
    assert_int_equal(lcp_tee_unseal(t, out, sizeof out, &n, NULL, blob, len, NULL), LCP_OK);
    /* Too small an output buffer is an error that releases nothing. */
    uint8_t small[6];
    memset(small, 0xa5, sizeof small);
    assert_int_equal(lcp_tee_unseal(t, small, sizeof small, &n, NULL, blob, len, NULL), LCP_ERR_BUFFER_TOO_SMALL);
    for (size_t i = 0; i < sizeof small; i++) assert_int_equal(small[i], 0xa5);
    lcp_tee_close(t);
}

/* The rule: every single-byte change of a blob fails. Every bit of every byte, plus every truncation and
 * an extension. */
static void test_every_byte_change_fails(void **state)
{
    fx *f = *state;
    lcp_tee_identity id = tf_identity(DEFAULT_FLAGS);
    lcp_tee *t = tf_open(f->dir, &id);
    uint8_t secret[32], blob[1024];
    test_secret(secret);
    size_t len = seal(t, blob, sizeof blob, LCP_TEE_KEYPOLICY_MRENCLAVE, "aad!", secret, 32);
    assert_int_equal(unseal(t, blob, len), LCP_OK);
    int format = 0, mac = 0, svn = 0;
    for (size_t i = 0; i < len; i++) {
        for (int bit = 0; bit < 8; bit++) {
            blob[i] ^= (uint8_t)(1u << bit);
            int rc = unseal(t, blob, len);
            if (rc == LCP_OK) fail_msg("flipping bit %d of byte %zu still unseals", bit, i);
            format += rc == LCP_ERR_TEE_SEALED_FORMAT;
            mac += rc == LCP_ERR_TEE_MAC_MISMATCH;
            svn += rc == LCP_ERR_TEE_INVALID_CPUSVN || rc == LCP_ERR_TEE_INVALID_ISVSVN;
            assert_true(rc == LCP_ERR_TEE_SEALED_FORMAT || rc == LCP_ERR_TEE_MAC_MISMATCH ||
                        rc == LCP_ERR_TEE_INVALID_CPUSVN || rc == LCP_ERR_TEE_INVALID_ISVSVN);
            blob[i] ^= (uint8_t)(1u << bit);
        }
    }
    /* Each kind of check was exercised. */
    assert_true(format > 0 && mac > 0 && svn > 0);
    for (size_t l = 0; l < len; l++) assert_int_not_equal(unseal(t, blob, l), LCP_OK);
    blob[len] = 0;
    assert_int_equal(unseal(t, blob, len + 1), LCP_ERR_TEE_SEALED_FORMAT);
    assert_int_equal(unseal(t, blob, len), LCP_OK);
    lcp_tee_close(t);
}

static void test_other_platform(void **state)
{
    fx *f = *state;
    char dir_b[64];
    tf_mkdtemp(dir_b);
    tf_platform(dir_b, 1);
    lcp_tee_identity id = tf_identity(DEFAULT_FLAGS);
    lcp_tee *a = tf_open(f->dir, &id), *b = tf_open(dir_b, &id);
    uint8_t secret[32], blob[1024];
    test_secret(secret);
    for (uint16_t policy = 1; policy <= 3; policy++) {
        size_t len = seal(a, blob, sizeof blob, policy, NULL, secret, 32);
        assert_int_equal(unseal(a, blob, len), LCP_OK);
        assert_int_equal(unseal(b, blob, len), LCP_ERR_TEE_MAC_MISMATCH);
        len = seal(b, blob, sizeof blob, policy, NULL, secret, 32);
        assert_int_equal(unseal(b, blob, len), LCP_OK);
        assert_int_equal(unseal(a, blob, len), LCP_ERR_TEE_MAC_MISMATCH);
    }
    lcp_tee_close(a);
    lcp_tee_close(b);
    tf_rmrf(dir_b);
}

static void test_policy(void **state)
{
    fx *f = *state;
    lcp_tee_identity x = tf_identity(DEFAULT_FLAGS), y = x, z = x, w = x;
    y.mrenclave[31] ^= 1;  /* another build by the same signer */
    z.mrsigner[0] ^= 0x80; /* the same build signed by someone else */
    w.isv_prod_id = 2;     /* another product of the same signer */
    lcp_tee *tx = tf_open(f->dir, &x), *ty = tf_open(f->dir, &y), *tz = tf_open(f->dir, &z), *tw = tf_open(f->dir, &w);
    uint8_t secret[32], b1[1024], b2[1024], b3[1024];
    test_secret(secret);
    size_t l1 = seal(tx, b1, sizeof b1, LCP_TEE_KEYPOLICY_MRENCLAVE, NULL, secret, 32);
    size_t l2 = seal(tx, b2, sizeof b2, LCP_TEE_KEYPOLICY_MRSIGNER, NULL, secret, 32);
    size_t l3 = seal(tx, b3, sizeof b3, LCP_TEE_KEYPOLICY_MRENCLAVE | LCP_TEE_KEYPOLICY_MRSIGNER, NULL, secret, 32);
    /* MRENCLAVE policy: only the identical build. */
    assert_int_equal(unseal(ty, b1, l1), LCP_ERR_TEE_MAC_MISMATCH);
    assert_int_equal(unseal(tz, b1, l1), LCP_OK);
    /* MRSIGNER policy: any build of the same signer and product. */
    assert_int_equal(unseal(ty, b2, l2), LCP_OK);
    assert_int_equal(unseal(tz, b2, l2), LCP_ERR_TEE_MAC_MISMATCH);
    assert_int_equal(unseal(tw, b2, l2), LCP_ERR_TEE_MAC_MISMATCH);
    /* Both bits: both must match. */
    assert_int_equal(unseal(tx, b3, l3), LCP_OK);
    assert_int_equal(unseal(ty, b3, l3), LCP_ERR_TEE_MAC_MISMATCH);
    assert_int_equal(unseal(tz, b3, l3), LCP_ERR_TEE_MAC_MISMATCH);
    /* Policy is bound: relabelling an MRENCLAVE blob as MRSIGNER does not move it to the other build. */
    b1[2] = LCP_TEE_KEYPOLICY_MRSIGNER;
    assert_int_equal(unseal(ty, b1, l1), LCP_ERR_TEE_MAC_MISMATCH);
    assert_int_equal(unseal(tx, b1, l1), LCP_ERR_TEE_MAC_MISMATCH);
    lcp_tee_close(tx);
    lcp_tee_close(ty);
    lcp_tee_close(tz);
    lcp_tee_close(tw);
}

static void test_debug_never_shares_a_key(void **state)
{
    fx *f = *state;
    lcp_tee_identity prod = tf_identity(DEFAULT_FLAGS), dbg = tf_identity(DEFAULT_FLAGS | TF_DEBUG);
    lcp_tee *tp = tf_open(f->dir, &prod), *td = tf_open(f->dir, &dbg);
    lcp_tee_identity got;
    assert_int_equal(lcp_tee_identity_get(td, &got), LCP_OK);
    assert_int_equal(got.debug, 1);
    assert_int_equal(lcp_tee_identity_get(tp, &got), LCP_OK);
    assert_int_equal(got.debug, 0);
    assert_string_equal(got.backend, "sim");
    uint8_t secret[32], blob[1024];
    test_secret(secret);
    for (uint16_t policy = 1; policy <= 3; policy++) {
        size_t len = seal(tp, blob, sizeof blob, policy, NULL, secret, 32);
        assert_int_equal(unseal(td, blob, len), LCP_ERR_TEE_MAC_MISMATCH);
        len = seal(td, blob, sizeof blob, policy, NULL, secret, 32);
        assert_int_equal(unseal(td, blob, len), LCP_OK);
        assert_int_equal(unseal(tp, blob, len), LCP_ERR_TEE_MAC_MISMATCH);
    }
    /* MODE64BIT is outside LCP's mask: a 32-bit build would share the key (as on hardware). */
    lcp_tee_identity m32 = tf_identity(TF_INIT);
    lcp_tee *t32 = tf_open(f->dir, &m32);
    size_t len = seal(tp, blob, sizeof blob, LCP_TEE_KEYPOLICY_MRENCLAVE, NULL, secret, 32);
    assert_int_equal(unseal(t32, blob, len), LCP_OK);
    lcp_tee_close(t32);
    lcp_tee_close(tp);
    lcp_tee_close(td);
}

static void test_cpusvn_rules(void **state)
{
    fx *f = *state;
    lcp_tee_identity id = tf_identity(DEFAULT_FLAGS);
    static const uint8_t dflt[16] = LCP_TEE_SIM_DEFAULT_CPUSVN;
    uint8_t secret[32], before[1024], after[1024], oldsvn[16], newsvn[16];
    test_secret(secret);
    lcp_tee *t = tf_open(f->dir, &id);
    size_t lb = seal(t, before, sizeof before, LCP_TEE_KEYPOLICY_MRENCLAVE, NULL, secret, 32);
    lcp_tee_close(t);

    char err[LCP_ERR_LEN] = "";
    assert_int_equal(lcp_tee_sim_microcode_update(oldsvn, newsvn, f->dir, err), LCP_OK);
    assert_memory_equal(oldsvn, dflt, 16);
    assert_int_equal(newsvn[0], dflt[0] + 1);
    assert_memory_equal(newsvn + 1, dflt + 1, 15);
    t = tf_open(f->dir, &id);
    lcp_tee_identity got;
    assert_int_equal(lcp_tee_identity_get(t, &got), LCP_OK);
    assert_memory_equal(got.cpusvn, newsvn, 16);
    /* Sealed before the update: still unseals (a lower CPUSVN may be requested). */
    assert_int_equal(unseal(t, before, lb), LCP_OK);
    size_t la = seal(t, after, sizeof after, LCP_TEE_KEYPOLICY_MRENCLAVE, NULL, secret, 32);
    lcp_tee_sealed_info si;
    assert_int_equal(lcp_tee_sealed_parse(&si, after, la, NULL), LCP_OK);
    assert_memory_equal(si.req.cpusvn, newsvn, 16);
    lcp_tee_close(t);

    /* Lowered again (a downgrade): the blob sealed at the higher level is refused, the older one still works. */
    assert_int_equal(lcp_tee_sim_set_cpusvn(oldsvn, f->dir, dflt, err), LCP_OK);
    assert_memory_equal(oldsvn, newsvn, 16);
    t = tf_open(f->dir, &id);
    assert_int_equal(unseal(t, after, la), LCP_ERR_TEE_INVALID_CPUSVN);
    assert_int_equal(unseal(t, before, lb), LCP_OK);
    lcp_tee_close(t);

    /* Component-wise order: higher in one component and lower in another is not "<=" either way. */
    uint8_t mixed[16];
    memcpy(mixed, dflt, 16);
    mixed[0]--;
    mixed[5]++;
    assert_false(lcp_tee_cpusvn_le(mixed, dflt));
    assert_false(lcp_tee_cpusvn_le(dflt, mixed));
    assert_true(lcp_tee_cpusvn_le(dflt, dflt));
    assert_int_equal(lcp_tee_sim_set_cpusvn(NULL, f->dir, mixed, err), LCP_OK);
    t = tf_open(f->dir, &id);
    assert_int_equal(unseal(t, before, lb), LCP_ERR_TEE_INVALID_CPUSVN);
    lcp_tee_close(t);
}

static void test_isvsvn_rules(void **state)
{
    fx *f = *state;
    lcp_tee_identity v2 = tf_identity(DEFAULT_FLAGS), v3 = v2, v4 = v2;
    v3.isv_svn = 3;
    v4.isv_svn = 4;
    lcp_tee *t2 = tf_open(f->dir, &v2), *t3 = tf_open(f->dir, &v3), *t4 = tf_open(f->dir, &v4);
    uint8_t secret[32], blob[1024];
    test_secret(secret);
    for (uint16_t policy = 1; policy <= 2; policy++) {
        size_t len = seal(t3, blob, sizeof blob, policy, NULL, secret, 32);
        lcp_tee_sealed_info si;
        assert_int_equal(lcp_tee_sealed_parse(&si, blob, len, NULL), LCP_OK);
        assert_int_equal(si.req.isv_svn, 3);
        /* A newer enclave reads what an older one sealed; an older one cannot read what a newer one sealed. */
        assert_int_equal(unseal(t4, blob, len), LCP_OK);
        assert_int_equal(unseal(t3, blob, len), LCP_OK);
        assert_int_equal(unseal(t2, blob, len), LCP_ERR_TEE_INVALID_ISVSVN);
        /* Lowering the recorded ISVSVN to pass the check changes the key. */
        blob[4] = 2;
        assert_int_equal(unseal(t2, blob, len), LCP_ERR_TEE_MAC_MISMATCH);
    }
    lcp_tee_close(t2);
    lcp_tee_close(t3);
    lcp_tee_close(t4);
}

static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++) p[i] = (uint8_t)(v >> (8 * i));
}

static void test_layout_checks(void **state)
{
    fx *f = *state;
    lcp_tee_identity id = tf_identity(DEFAULT_FLAGS);
    lcp_tee *t = tf_open(f->dir, &id);
    uint8_t secret[32], good[1024], b[1024];
    test_secret(secret);
    size_t len = seal(t, good, sizeof good, LCP_TEE_KEYPOLICY_MRENCLAVE, "xyz", secret, 32);
    char err[LCP_ERR_LEN];
    lcp_tee_sealed_info si;
#define EXPECT_FORMAT(mutation)                                                                  \
    do {                                                                                         \
        memcpy(b, good, len);                                                                    \
        mutation;                                                                                \
        err[0] = '\0';                                                                           \
        assert_int_equal(lcp_tee_sealed_parse(&si, b, len, err), LCP_ERR_TEE_SEALED_FORMAT);     \
        assert_true(strlen(err) > 0);                                                            \
        assert_int_equal(unseal(t, b, len), LCP_ERR_TEE_SEALED_FORMAT);                          \
    } while (0)
    EXPECT_FORMAT(b[0] = 3);                      /* KEYNAME REPORT */
    EXPECT_FORMAT(b[2] = 0);                      /* no policy */
    EXPECT_FORMAT(b[2] = 0x05);                   /* a KSS bit */
    EXPECT_FORMAT(b[3] = 0x01);                   /* bit 8 */
    EXPECT_FORMAT(b[6] = 1);                      /* reserved1 */
    EXPECT_FORMAT(b[78] = 1);                     /* reserved2, first byte */
    EXPECT_FORMAT(b[511] = 0x80);                 /* reserved2, last byte */
    EXPECT_FORMAT(b[516] = 1);                    /* header reserved */
    EXPECT_FORMAT(b[543] = 1);                    /* aes_data reserved */
    EXPECT_FORMAT(put32(b + 512, 0));             /* empty secret */
    EXPECT_FORMAT(put32(b + 512, 36));            /* encrypted text beyond the payload */
    EXPECT_FORMAT(put32(b + 512, 0xffffffffu));
    EXPECT_FORMAT(put32(b + 528, 34));            /* payload_size inconsistent with the length */
    EXPECT_FORMAT(put32(b + 528, 0xffffffffu));
#undef EXPECT_FORMAT
    /* Moving the ciphertext/aad boundary keeps the layout valid but fails authentication. */
    memcpy(b, good, len);
    put32(b + 512, 33);
    assert_int_equal(lcp_tee_sealed_parse(&si, b, len, NULL), LCP_OK);
    assert_int_equal(unseal(t, b, len), LCP_ERR_TEE_MAC_MISMATCH);
    assert_int_equal(unseal(t, good, 0), LCP_ERR_TEE_SEALED_FORMAT);
    assert_int_equal(unseal(t, good, 559), LCP_ERR_TEE_SEALED_FORMAT);
    assert_int_equal(unseal(t, good, 560), LCP_ERR_TEE_SEALED_FORMAT);

    /* Sealing refuses what it cannot record. */
    size_t out_len = 0;
    assert_int_equal(lcp_tee_seal(t, b, sizeof b, &out_len, LCP_TEE_KEYPOLICY_MRENCLAVE, NULL, 0, secret, 0, err),
                     LCP_ERR_RANGE);
    assert_int_equal(lcp_tee_seal(t, b, 591, &out_len, LCP_TEE_KEYPOLICY_MRENCLAVE, NULL, 0, secret, 32, err),
                     LCP_ERR_BUFFER_TOO_SMALL);
    assert_int_equal(lcp_tee_seal(t, b, sizeof b, &out_len, 0, NULL, 0, secret, 32, err), LCP_ERR_TEE_UNSUPPORTED);
    assert_int_equal(lcp_tee_seal(t, b, sizeof b, &out_len, 4, NULL, 0, secret, 32, err), LCP_ERR_TEE_UNSUPPORTED);
    assert_int_equal(lcp_tee_seal(t, b, sizeof b, &out_len, 1, secret, (size_t)UINT32_MAX, secret, 32, err),
                     LCP_ERR_RANGE);
    assert_int_equal(out_len, 0);
    lcp_tee_close(t);
}

/* Blobs written by tools/vectors/tee.py from the documented EGETKEY formula (src/tee/sim_seal.c) unseal here:
 * the C derivation is the documented one, byte for byte. */
static void test_golden_blobs(void **state)
{
    fx *f = *state;
    FILE *vf = fopen(LCP_ROOT "/tests/vectors/tee/sealed.txt", "r");
    assert_non_null(vf);
    char *line = NULL;
    size_t cap = 0;
    int count = 0;
    static uint8_t want[4096], aad[4096], blob[8192], out[4096];
    while (getline(&line, &cap, vf) > 0) {
        if (line[0] == '#') continue;
        char *save = NULL, *backend = strtok_r(line, " \n", &save), *flags = strtok_r(NULL, " \n", &save);
        char *hs = strtok_r(NULL, " \n", &save), *ha = strtok_r(NULL, " \n", &save), *hb = strtok_r(NULL, " \n", &save);
        assert_non_null(hb);
        if (strcmp(backend, "sim") != 0) continue;
        size_t ns = tu_hex(want, sizeof want, hs), na = strcmp(ha, "-") == 0 ? 0 : tu_hex(aad, sizeof aad, ha);
        size_t nb = tu_hex(blob, sizeof blob, hb);
        lcp_tee_identity id = tf_identity(strtoull(flags, NULL, 10));
        lcp_tee *t = tf_open(f->dir, &id);
        size_t n = 0;
        lcp_bytes got_aad = {0};
        char err[LCP_ERR_LEN] = "";
        int rc = lcp_tee_unseal(t, out, sizeof out, &n, &got_aad, blob, nb, err);
        if (rc != LCP_OK) fail_msg("golden blob %d: %s", count, err);
        assert_int_equal(n, ns);
        assert_memory_equal(out, want, ns);
        assert_int_equal(got_aad.len, na);
        if (na) assert_memory_equal(got_aad.ptr, aad, na);
        /* The same blob is refused by the debug/production twin of that enclave. */
        lcp_tee_identity twin = tf_identity(strtoull(flags, NULL, 10) ^ TF_DEBUG);
        lcp_tee *t2 = tf_open(f->dir, &twin);
        assert_int_equal(unseal(t2, blob, nb), LCP_ERR_TEE_MAC_MISMATCH);
        lcp_tee_close(t2);
        lcp_tee_close(t);
        count++;
    }
    free(line);
    fclose(vf);
    assert_int_equal(count, 6);
}

static void test_open_errors(void **state)
{
    fx *f = *state;
    lcp_tee_identity id = tf_identity(DEFAULT_FLAGS);
    lcp_tee_options o = {0};
    lcp_tee *t = (lcp_tee *)&o;
    char err[LCP_ERR_LEN] = "";
    o.identity = &id;
    o.sim_platform = "/nonexistent/lcp-sim";
    assert_int_equal(lcp_tee_open(&t, &o, err), LCP_ERR_TEE_NO_PLATFORM);
    assert_null(t);
    assert_non_null(strstr(err, "lcp sim init"));
    o.sim_platform = f->dir;
    o.backend = "sgx-sdk";
    assert_int_equal(lcp_tee_open(&t, &o, err), LCP_ERR_TEE_UNSUPPORTED);
    o.backend = NULL; /* default: sim */
    assert_int_equal(lcp_tee_open(&t, &o, err), LCP_OK);
    lcp_tee_identity got;
    assert_int_equal(lcp_tee_identity_get(t, &got), LCP_OK);
    assert_string_equal(got.backend, "sim");
    /* A sim handle has no quoting enclave of its own. */
    uint8_t rd[64] = {0}, q[16];
    size_t ql = 0;
    assert_int_equal(lcp_tee_quote(t, q, sizeof q, &ql, rd, err), LCP_ERR_TEE_UNSUPPORTED);
    uint8_t r[8] = {0}, r2[8] = {0};
    assert_int_equal(lcp_tee_random(t, r, sizeof r), LCP_OK);
    assert_int_equal(lcp_tee_random(t, r2, sizeof r2), LCP_OK);
    assert_memory_not_equal(r, r2, 8);
    lcp_tee_close(t);
    lcp_tee_close(NULL);
}

static void test_misuse(void **state)
{
    fx *f = *state;
    tu_count_illegal();
    lcp_tee_identity id = tf_identity(DEFAULT_FLAGS);
    lcp_tee *t = tf_open(f->dir, &id);
    uint8_t b[1024], s[32] = {1};
    size_t n;
    int before = tu_illegal_calls;
    assert_int_equal(lcp_tee_seal(t, NULL, 0, &n, 1, NULL, 0, s, 32, NULL), LCP_ERR_ILLEGAL_ARG);
    assert_int_equal(lcp_tee_seal(t, b, sizeof b, &n, 1, NULL, 5, s, 32, NULL), LCP_ERR_ILLEGAL_ARG);
    assert_int_equal(lcp_tee_unseal(t, NULL, 0, &n, NULL, b, sizeof b, NULL), LCP_ERR_ILLEGAL_ARG);
    assert_int_equal(lcp_tee_open(NULL, NULL, NULL), LCP_ERR_ILLEGAL_ARG);
    assert_int_equal(tu_illegal_calls - before, 4);
    lcp_tee_close(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_lcp_enclave_key_blob, setup, teardown),
        cmocka_unit_test_setup_teardown(test_aad, setup, teardown),
        cmocka_unit_test_setup_teardown(test_every_byte_change_fails, setup, teardown),
        cmocka_unit_test_setup_teardown(test_other_platform, setup, teardown),
        cmocka_unit_test_setup_teardown(test_policy, setup, teardown),
        cmocka_unit_test_setup_teardown(test_debug_never_shares_a_key, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cpusvn_rules, setup, teardown),
        cmocka_unit_test_setup_teardown(test_isvsvn_rules, setup, teardown),
        cmocka_unit_test_setup_teardown(test_layout_checks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_golden_blobs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_open_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_misuse, setup, teardown),
    };
    return cmocka_run_group_tests_name("tee/seal", tests, NULL, NULL);
}
