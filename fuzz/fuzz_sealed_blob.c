/* libFuzzer target for sealed blobs, which are untrusted (the host stores them): lcp_tee_unseal and
 * lcp_tee_sealed_parse on arbitrary bytes against a fixed sim platform and enclave (those of tests/tee/tee_fixture.h,
 * so the sim blobs of tests/vectors/tee/sealed.txt are valid seeds). Properties checked besides "no crash":
 *  - parse and unseal agree on what is malformed, and views stay inside the input;
 *  - a blob that unseals re-seals (same policy and additional text) to a blob that unseals to the same plaintext;
 *  - the same bytes used as a secret and additional text seal and unseal back, and one flipped bit of that blob
 *    is refused. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lcp/tee.h"
#include "lcp/tee_sim.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_SECRET 4096

static lcp_tee *tee(void)
{
    static lcp_tee *t;
    if (t) return t;
    char dir[] = "/tmp/lcp-fuzz-tee-XXXXXX";
    if (mkdtemp(dir) == NULL) abort();
    lcp_tee_sim_platform p = {.cpusvn = LCP_TEE_SIM_DEFAULT_CPUSVN, .pcesvn = LCP_TEE_SIM_DEFAULT_PCESVN};
    for (int i = 0; i < 32; i++) p.fuse_secret[i] = (uint8_t)i;
    for (int i = 0; i < 16; i++) p.platform_id[i] = (uint8_t)(0xc0 + i);
    if (lcp_tee_sim_create(dir, &p, 1, NULL) != LCP_OK) abort();
    lcp_tee_identity id;
    memset(&id, 0, sizeof id);
    memset(id.mrenclave, 0x11, 32);
    memset(id.mrsigner, 0x22, 32);
    id.isv_prod_id = 1;
    id.isv_svn = 2;
    id.flags = 0x5; /* INIT | MODE64BIT */
    id.xfrm = 3;
    lcp_tee_options o;
    memset(&o, 0, sizeof o);
    o.sim_platform = dir;
    o.identity = &id;
    if (lcp_tee_open(&t, &o, NULL) != LCP_OK) abort();
    /* The handle holds the platform; the directory is no longer needed. */
    static const char *const files[] = {"format", "fuse_secret", "platform_id", "cpusvn", "pcesvn"};
    char path[128];
    for (size_t i = 0; i < 5; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        unlink(path);
    }
    rmdir(dir);
    return t;
}

static void inside(lcp_bytes b, const uint8_t *data, size_t size)
{
    if (b.len && (b.ptr < data || b.ptr + b.len > data + size)) abort();
}

static uint8_t secret[MAX_SECRET + 1], again[MAX_SECRET + 1], blob[2 * MAX_SECRET + 1024];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    lcp_tee *t = tee();
    size_t n = 0, n2 = 0, len = 0;
    lcp_bytes aad = {0}, aad2 = {0};
    char err[LCP_ERR_LEN];

    lcp_tee_sealed_info si;
    int prc = lcp_tee_sealed_parse(&si, data, size, err);
    int rc = lcp_tee_unseal(t, secret, sizeof secret, &n, &aad, data, size, err);
    if ((prc == LCP_OK) != (rc != LCP_ERR_TEE_SEALED_FORMAT)) abort();
    if (prc == LCP_OK) {
        inside(si.ciphertext, data, size);
        inside(si.aad, data, size);
        if (560 + si.ciphertext.len + si.aad.len != size) abort();
    }
    if (rc == LCP_OK) {
        if (n != si.ciphertext.len || aad.ptr != si.aad.ptr || aad.len != si.aad.len) abort();
        if (lcp_tee_seal(t, blob, sizeof blob, &len, si.req.key_policy, aad.ptr, aad.len, secret, n, err) != LCP_OK)
            abort();
        if (lcp_tee_unseal(t, again, sizeof again, &n2, &aad2, blob, len, err) != LCP_OK) abort();
        if (n2 != n || memcmp(again, secret, n) != 0) abort();
        if (aad2.len != aad.len || (aad.len && memcmp(aad2.ptr, aad.ptr, aad.len) != 0)) abort();
    }

    /* The input as content: byte 0 picks the policy, byte 1 the split between secret and additional text. */
    if (size >= 3 && size - 2 <= MAX_SECRET) {
        uint16_t policy = (uint16_t)(1 + data[0] % 3);
        size_t body = size - 2, k = 1 + data[1] % body;
        if (lcp_tee_seal(t, blob, sizeof blob, &len, policy, data + 2 + k, body - k, data + 2, k, err) != LCP_OK)
            abort();
        if (lcp_tee_unseal(t, again, sizeof again, &n2, &aad2, blob, len, err) != LCP_OK) abort();
        if (n2 != k || memcmp(again, data + 2, k) != 0 || aad2.len != body - k) abort();
        size_t at = ((size_t)data[0] * 257 + data[size - 1]) % len;
        blob[at] ^= (uint8_t)(1u << (data[1] & 7));
        if (lcp_tee_unseal(t, again, sizeof again, &n2, NULL, blob, len, err) == LCP_OK) abort();
    }
    return 0;
}
