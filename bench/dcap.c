/* DCAP verification cost, against the primitive it is made of.
 * Measures, on Phala's real SGX quote and collateral (shared/testdata/dcap/phala_sgx_v3, at its PROVENANCE time):
 *  - the floor: one bare ECDSA P-256 / SHA-256 verification through OpenSSL's EVP interface (what every signature
 *    check here costs at least), over a 384-byte message like a QE report;
 *  - a full verification (collateral + quote + policy): cold (lcp_dcap_verify: a fresh verifier parses the root and
 *    every certificate, no tables) and through a long-lived lcp_dcap_verifier (root and certificates parsed once,
 *    the root, PCK CA, TCB Signing and PCK keys with precomputed P-256 tables; every signature still verified), the
 *    latter also with loading the one-file collateral JSON;
 *  - the two stages apart (long-lived verifier): verifying the collateral, and verifying a quote with collateral
 *    verified earlier (what caching verified collateral per FMSPC costs per quote);
 *  - parsing alone (quote, TCB Info).
 * Then it prints P-256 verifications per quote, the ratio of each figure to (count x floor), and what the cache
 * saves, and its ratios to the peers of bench/peers/dcap-qvl.mjs (@phala/dcap-qvl in JS, @phala/dcap-qvl-web in
 * WASM) run just before it by make bench; `dcap [JS_OPS_PER_S]` gives the JS figure by hand. */
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "lcp/attestation_dcap.h"

#define NOW 1752919277 /* 2025-07-19T10:01:17Z, inside every window of this collateral */

typedef struct {
    uint8_t *quote, *json, *storage;
    size_t quote_len, json_len, cap;
    lcp_dcap_collateral c;
    lcp_dcap_policy policy;
    lcp_dcap_verifier *v;
    lcp_dcap_verified_collateral *vc;
    lcp_dcap_result res;
    EVP_PKEY *key;
    uint8_t msg[384], sig[80];
    size_t sig_len;
    lcp_dcap_tcb_info tcb;
} ctx;

static const char *const ADVISORIES[] = {"INTEL-SA-00289", "INTEL-SA-00615"};

static int bare_p256(void *arg)
{
    ctx *x = arg;
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    int ok = md && EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, x->key) == 1 &&
             EVP_DigestVerify(md, x->sig, x->sig_len, x->msg, sizeof x->msg) == 1;
    EVP_MD_CTX_free(md);
    return ok ? 0 : -1;
}

static int cold(void *arg)
{
    ctx *x = arg;
    return lcp_dcap_verify(&x->res, x->quote, x->quote_len, &x->c, NULL, 0, NOW, &x->policy, NULL);
}

static int full(void *arg)
{
    ctx *x = arg;
    return lcp_dcap_verifier_verify(&x->res, x->v, x->quote, x->quote_len, &x->c, NOW, &x->policy, NULL);
}

static int full_with_load(void *arg)
{
    ctx *x = arg;
    lcp_dcap_collateral c;
    int rc = lcp_dcap_collateral_from_json(&c, x->storage, x->cap, x->json, x->json_len, NULL);
    return rc ? rc : lcp_dcap_verifier_verify(&x->res, x->v, x->quote, x->quote_len, &c, NOW, &x->policy, NULL);
}

static int collateral_only(void *arg)
{
    ctx *x = arg;
    lcp_dcap_verified_collateral *vc = NULL;
    int rc = lcp_dcap_verifier_collateral(&vc, x->v, &x->c, NOW, NULL);
    lcp_dcap_verified_collateral_free(vc);
    return rc;
}

static int cached_quote(void *arg)
{
    ctx *x = arg;
    int rc = lcp_dcap_quote_verify(&x->res, x->vc, x->quote, x->quote_len, NULL, 0, NOW, NULL);
    return rc ? rc : lcp_dcap_policy_check(&x->policy, &x->res, NULL);
}

static int parse_quote(void *arg)
{
    ctx *x = arg;
    lcp_dcap_quote q;
    return lcp_dcap_quote_parse(&q, x->quote, x->quote_len, NULL);
}

static int parse_tcb(void *arg)
{
    ctx *x = arg;
    return lcp_dcap_tcb_info_parse(&x->tcb, x->c.tcb_info.ptr, x->c.tcb_info.len, NULL);
}

static int load_json(void *arg)
{
    ctx *x = arg;
    lcp_dcap_collateral c;
    return lcp_dcap_collateral_from_json(&c, x->storage, x->cap, x->json, x->json_len, NULL);
}

static uint8_t *read_fixture(const char *rel, size_t *len)
{
    char path[1024], err[LCP_ERR_LEN] = "";
    const char *root = getenv("LCP_TESTDATA");
    snprintf(path, sizeof path, "%s/%s", root && *root ? root : LCP_TESTDATA, rel);
    uint8_t *p = NULL;
    if (lcp_file_read(&p, len, path, 1u << 24, err) != LCP_OK) {
        fprintf(stderr, "bench/dcap: %s\n", err);
        exit(1);
    }
    return p;
}

int main(int argc, char **argv)
{
    static ctx x; /* large (TCB Info levels): not on the stack */
    char err[LCP_ERR_LEN] = "";
    x.quote = read_fixture("dcap/phala_sgx_v3/quote.bin", &x.quote_len);
    x.json = read_fixture("dcap/phala_sgx_v3/collateral.json", &x.json_len);
    x.cap = lcp_dcap_collateral_json_storage_len(x.json_len);
    x.storage = malloc(x.cap);
    if (x.storage == NULL || lcp_dcap_collateral_from_json(&x.c, x.storage, x.cap, x.json, x.json_len, err)) {
        fprintf(stderr, "bench/dcap: collateral: %s\n", err);
        return 1;
    }
    x.policy.allowed_statuses = LCP_DCAP_STATUS_BIT(LCP_DCAP_TCB_CONFIGURATION_AND_SW_HARDENING_NEEDED);
    x.policy.allowed_advisory_ids = ADVISORIES;
    x.policy.n_allowed_advisory_ids = 2;
    if (lcp_dcap_verifier_new(&x.v, NULL, 0, err) != LCP_OK ||
        lcp_dcap_verifier_collateral(&x.vc, x.v, &x.c, NOW, err) != LCP_OK) {
        fprintf(stderr, "bench/dcap: %s\n", err);
        return 1;
    }
    /* The floor's key and signature: a fresh P-256 key signing a QE-report-sized message. */
    x.key = EVP_EC_gen("P-256");
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    x.sig_len = sizeof x.sig;
    memset(x.msg, 0x5A, sizeof x.msg);
    if (x.key == NULL || md == NULL || EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, x.key) != 1 ||
        EVP_DigestSign(md, x.sig, &x.sig_len, x.msg, sizeof x.msg) != 1) {
        fprintf(stderr, "bench/dcap: cannot make the reference signature\n");
        return 1;
    }
    EVP_MD_CTX_free(md);

    printf("dcap: Phala SGX quote v3 + collateral (ConfigurationAndSWHardeningNeeded), OpenSSL %s\n",
           OpenSSL_version(OPENSSL_VERSION_STRING));
    double floor_ns = lcp_bench_run("p256 verify (EVP, bare floor)", bare_p256, &x, 2000, 1.0);
    double cold_ns = lcp_bench_run("dcap verify, cold (fresh verifier each time)", cold, &x, 200, 1.0);
    /* Warm the long-lived verifier the way a service's first quotes do: the CA keys earn their tables. */
    for (int i = 0; i < 3; i++)
        if (full(&x) != LCP_OK) return 1;
    printf("long-lived verifier: %u keys with P-256 tables\n", lcp_dcap_verifier_tables(x.v));
    double full_ns = lcp_bench_run("dcap verify, long-lived verifier", full, &x, 200, 1.0);
    unsigned n_full = x.res.p256_verifications;
    double load_ns = lcp_bench_run("dcap verify incl. collateral JSON load", full_with_load, &x, 200, 1.0);
    double coll_ns = lcp_bench_run("  collateral verify only", collateral_only, &x, 200, 1.0);
    double cached_ns = lcp_bench_run("  quote verify, collateral cached", cached_quote, &x, 200, 1.0);
    unsigned n_cached = x.res.p256_verifications;
    lcp_bench_run("  parse quote", parse_quote, &x, 2000, 0.3);
    lcp_bench_run("  parse TCB Info (4.5 KB)", parse_tcb, &x, 2000, 0.3);
    lcp_bench_run("  load collateral JSON (14 KB)", load_json, &x, 2000, 0.3);
    if (floor_ns <= 0 || cold_ns <= 0 || full_ns <= 0 || load_ns <= 0 || coll_ns <= 0 || cached_ns <= 0) return 1;

    printf("p256 verifications per quote: %u full (floor %u x %.0f ns = %.0f ns), %u with cached collateral\n", n_full,
           n_full, floor_ns, n_full * floor_ns, n_cached);
    printf("ratio to floor: cold %.2fx, long-lived %.2fx, incl. JSON load %.2fx, cached %.2fx\n",
           cold_ns / (n_full * floor_ns), full_ns / (n_full * floor_ns), load_ns / (n_full * floor_ns),
           cached_ns / (n_cached * floor_ns));
    printf("caching verified collateral per FMSPC saves %.0f ns per quote (%.0f%%): %.0f -> %.0f ns\n",
           full_ns - cached_ns, 100.0 * (full_ns - cached_ns) / full_ns, full_ns, cached_ns);
    /* The peers' figures from the same run (mk/run-bench.sh), or the JS figure given on the command line. */
    double js = argc > 1 ? atof(argv[1]) : lcp_bench_peer("dcap_qvl_js");
    double js_json = lcp_bench_peer("dcap_qvl_js_json"), wasm = lcp_bench_peer("dcap_qvl_wasm");
    double wasm_json = lcp_bench_peer("dcap_qvl_wasm_json");
    if (js > 0)
        printf("vs @phala/dcap-qvl (JS) at %.1f ops/s: cold %.2fx, long-lived %.2fx faster\n", js,
               (1e9 / cold_ns) / js, (1e9 / full_ns) / js);
    if (js_json > 0)
        printf("   incl. collateral JSON (JS %.1f ops/s): long-lived %.2fx faster\n", js_json, (1e9 / load_ns) / js_json);
    if (wasm > 0)
        printf("vs @phala/dcap-qvl-web (WASM) at %.1f ops/s: cold %.2fx, long-lived %.2fx faster\n", wasm,
               (1e9 / cold_ns) / wasm, (1e9 / full_ns) / wasm);
    if (wasm_json > 0)
        printf("   incl. collateral JSON (WASM %.1f ops/s): long-lived %.2fx faster\n", wasm_json,
               (1e9 / load_ns) / wasm_json);
    lcp_dcap_verified_collateral_free(x.vc);
    lcp_dcap_verifier_free(x.v);
    EVP_PKEY_free(x.key);
    free(x.storage);
    lcp_free(x.quote);
    lcp_free(x.json);
    return 0;
}
