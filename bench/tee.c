/* Sealing cost on the sim backend, against the primitives it is made of.
 * Seal = getrandom(32) for the KEYID + the EGETKEY model (one HMAC-SHA256 over ~190 bytes) + AES-128-GCM of the
 * secret; unseal = layout and SVN checks + the same HMAC + two GCM passes (verify, then decrypt: nothing is
 * released before the tag checks). Figures for LCP's case, a 32-byte enclave key (592-byte blob), then a report
 * and its check by a simulated QE, and the self-measurement of a 4 MiB executable (enclave start-up). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "lcp/crypto.h"
#include "lcp/tee.h"
#include "lcp/tee_sim.h"

typedef struct {
    lcp_tee *t;
    lcp_tee_sim_platform plat;
    uint8_t secret[32], out[32], blob[592], key[16], iv[12], ct[32], tag[16], msg[190], mac[32];
    uint8_t rd[64], report[LCP_TEE_REPORT_LEN], kid[32];
    uint8_t *image;
    size_t blob_len;
} ctx;

static int bare_hmac(void *arg)
{
    ctx *x = arg;
    lcp_bytes part = {x->msg, sizeof x->msg};
    return lcp_hmac_sha256(x->mac, x->plat.fuse_secret, 32, &part, 1);
}

static int bare_gcm(void *arg)
{
    ctx *x = arg;
    return lcp_aes128_gcm_encrypt(x->ct, x->tag, x->key, x->iv, NULL, 0, x->secret, 32);
}

static int bare_random(void *arg)
{
    ctx *x = arg;
    return lcp_random(x->kid, 32);
}

static int seal(void *arg)
{
    ctx *x = arg;
    return lcp_tee_seal(x->t, x->blob, sizeof x->blob, &x->blob_len, LCP_TEE_KEYPOLICY_MRENCLAVE, NULL, 0, x->secret,
                        32, NULL);
}

static int unseal(void *arg)
{
    ctx *x = arg;
    size_t n;
    return lcp_tee_unseal(x->t, x->out, sizeof x->out, &n, NULL, x->blob, x->blob_len, NULL);
}

static int report(void *arg)
{
    ctx *x = arg;
    return lcp_tee_report(x->t, x->report, NULL, x->rd, NULL);
}

static int verify_report(void *arg)
{
    ctx *x = arg;
    return lcp_tee_sim_verify_report(NULL, &x->plat, x->report, NULL, NULL);
}

static int measure(void *arg)
{
    ctx *x = arg;
    uint8_t m[32];
    return lcp_tee_measure(m, x->image, 4 << 20, 0, 0, 0);
}

int main(void)
{
    static ctx x;
    char dir[] = "/tmp/lcp-bench-tee-XXXXXX";
    if (mkdtemp(dir) == NULL || lcp_tee_sim_init(&x.plat, dir, 0, NULL) != LCP_OK) {
        fprintf(stderr, "bench/tee: cannot create a sim platform\n");
        return 1;
    }
    lcp_tee_identity id = {0};
    memset(id.mrenclave, 0x11, 32);
    memset(id.mrsigner, 0x22, 32);
    id.flags = LCP_SGX_FLAGS_INIT | LCP_SGX_FLAGS_MODE64BIT;
    id.xfrm = 3;
    lcp_tee_options o = {0};
    o.sim_platform = dir;
    o.identity = &id;
    char err[LCP_ERR_LEN] = "";
    int rc = lcp_tee_open(&x.t, &o, err);
    lcp_tee_sim_platform_wipe(&x.plat);
    if (rc == LCP_OK) rc = lcp_tee_sim_load(&x.plat, dir, err);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "bench/tee: could not remove %s\n", dir);
    if (rc != LCP_OK) {
        fprintf(stderr, "bench/tee: %s\n", err);
        return 1;
    }
    x.image = calloc(4 << 20, 1);
    if (x.image == NULL) return 1;
    for (int i = 0; i < 32; i++) x.secret[i] = (uint8_t)i;

    printf("tee (sim backend; a simulation: the fuse secret is a file)\n");
    double h = lcp_bench_run("  floor: HMAC-SHA256, 190 B (EGETKEY model)", bare_hmac, &x, 10000, 0.3);
    double g = lcp_bench_run("  floor: AES-128-GCM encrypt, 32 B", bare_gcm, &x, 10000, 0.3);
    double r = lcp_bench_run("  floor: getrandom 32 B (KEYID)", bare_random, &x, 10000, 0.3);
    double s = lcp_bench_run("  seal 32-byte key -> 592-byte blob", seal, &x, 10000, 0.5);
    double u = lcp_bench_run("  unseal 592-byte blob", unseal, &x, 10000, 0.5);
    double rp = lcp_bench_run("  report (EREPORT model, 2 HMAC)", report, &x, 10000, 0.3);
    double vr = lcp_bench_run("  verify report (sim QE)", verify_report, &x, 10000, 0.3);
    double m = lcp_bench_run("  measure a 4 MiB executable", measure, &x, 20, 0.5);
    if (h < 0 || g < 0 || r < 0 || s < 0 || u < 0 || rp < 0 || vr < 0 || m < 0) return 1;
    printf("  seal   = %.2f x (random + HMAC + GCM = %.0f ns)\n", s / (r + h + g), r + h + g);
    printf("  unseal = %.2f x (HMAC + 2 GCM = %.0f ns)\n", u / (h + 2 * g), h + 2 * g);
    printf("  measurement: %.0f MB/s\n", (double)(4 << 20) / m * 1e3);
    lcp_tee_close(x.t);
    lcp_tee_sim_platform_wipe(&x.plat);
    free(x.image);
    return 0;
}
