/* DCAP verification cost, against the primitive it is made of.
 * Measures, on Phala's real SGX quote and collateral (shared/testdata/dcap/phala_sgx_v3, at its PROVENANCE time):
 *  - the floor: one bare ECDSA P-256 / SHA-256 verification through OpenSSL's EVP interface, over a 384-byte
 *    message like a QE report; and our own verification of it (dcap_p256.c) without a table and with the key's
 *    table, since a long-lived verifier makes 7 of its 9 verifications under tabled keys;
 *  - a full verification (collateral + quote + policy): cold (lcp_dcap_verify: a fresh verifier parses the root and
 *    every certificate, no tables) and through a long-lived lcp_dcap_verifier (root and certificates parsed once,
 *    the root, PCK CA, TCB Signing and PCK keys with precomputed P-256 tables; every signature still verified),
 *    both also with loading the one-file collateral JSON;
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

#include "attestation/dcap_internal.h"
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
    uint8_t pub[65];
    lcp_dcap_p256 *p256;
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

static int cold_with_load(void *arg)
{
    ctx *x = arg;
    lcp_dcap_collateral c;
    int rc = lcp_dcap_collateral_from_json(&c, x->storage, x->cap, x->json, x->json_len, NULL);
    return rc ? rc : lcp_dcap_verify(&x->res, x->quote, x->quote_len, &c, NULL, 0, NOW, &x->policy, NULL);
}

/* Our own P-256 verification (dcap_p256.c) of the floor's signature: without a table (a key seen for the first
 * time, as in a fresh verifier) and with one (a fixed key of a long-lived verifier). */
static int own_p256(ctx *x, int fixed)
{
    uint8_t r[32], s[32];
    const unsigned char *q = x->sig;
    ECDSA_SIG *sig = d2i_ECDSA_SIG(NULL, &q, (long)x->sig_len);
    const BIGNUM *br, *bs;
    if (sig == NULL) return -1;
    ECDSA_SIG_get0(sig, &br, &bs);
    int ok = BN_bn2binpad(br, r, 32) == 32 && BN_bn2binpad(bs, s, 32) == 32;
    ECDSA_SIG_free(sig);
    return ok ? lcp_dcap_p256_verify(x->p256, x->pub, sizeof x->pub, fixed, r, s, x->msg, sizeof x->msg, NULL, "bench",
                                     NULL)
              : -1;
}
static int own_plain(void *arg) { return own_p256(arg, 0); }
static int own_table(void *arg) { return own_p256(arg, 1); }

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

int main(int argc, char **argv)
{
    static ctx x; /* large (TCB Info levels): not on the stack */
    char err[LCP_ERR_LEN] = "";
    x.quote = lcp_bench_fixture("dcap", "dcap/phala_sgx_v3/quote.bin", &x.quote_len);
    x.json = lcp_bench_fixture("dcap", "dcap/phala_sgx_v3/collateral.json", &x.json_len);
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
    size_t pub_len = 0;
    if (EVP_PKEY_get_octet_string_param(x.key, "pub", x.pub, sizeof x.pub, &pub_len) != 1 || pub_len != 65 ||
        lcp_dcap_p256_new(&x.p256, err) != LCP_OK) {
        fprintf(stderr, "bench/dcap: cannot set up our P-256 verification\n");
        return 1;
    }
    for (int i = 0; i < 3; i++) { /* two rounds earn the fixed key its table */
        lcp_dcap_p256_round(x.p256);
        if (own_table(&x) != LCP_OK) return 1;
    }

    printf("dcap: Phala SGX quote v3 + collateral (ConfigurationAndSWHardeningNeeded), OpenSSL %s\n",
           OpenSSL_version(OPENSSL_VERSION_STRING));
    double floor_ns = lcp_bench_run("p256 verify (EVP, bare floor)", bare_p256, &x, 2000, 1.0);
    double plain_ns = lcp_bench_run("p256 verify, ours without a table", own_plain, &x, 2000, 1.0);
    double table_ns = lcp_bench_run("p256 verify, ours with the key's table", own_table, &x, 2000, 1.0);
    double cold_ns = lcp_bench_run("dcap verify, cold (fresh verifier each time)", cold, &x, 200, 1.0);
    double cold_load_ns = lcp_bench_run("dcap verify, cold, incl. collateral JSON load", cold_with_load, &x, 200, 1.0);
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
    if (floor_ns <= 0 || plain_ns <= 0 || table_ns <= 0 || cold_ns <= 0 || cold_load_ns <= 0 || full_ns <= 0 ||
        load_ns <= 0 || coll_ns <= 0 || cached_ns <= 0)
        return 1;

    printf("p256 verifications per quote: %u full (floor %u x %.0f ns = %.0f ns), %u with cached collateral\n", n_full,
           n_full, floor_ns, n_full * floor_ns, n_cached);
    printf("ratio to the EVP floor (target <= 1.3x): cold %.2fx (%s), long-lived %.2fx (%s), incl. JSON load %.2fx, "
           "cached %.2fx\n", cold_ns / (n_full * floor_ns), lcp_bench_verdict(cold_ns / (n_full * floor_ns), 1.3, 1),
           full_ns / (n_full * floor_ns), lcp_bench_verdict(full_ns / (n_full * floor_ns), 1.3, 1),
           load_ns / (n_full * floor_ns), cached_ns / (n_cached * floor_ns));
    /* The long-lived verifier spends 7 of its 9 verifications under tabled keys: against that cost, too. */
    printf("ratio to our own verifications: cold %.2fx (9 x %.0f ns without tables), long-lived %.2fx (2 x %.0f + "
           "7 x %.0f ns)\n", cold_ns / (n_full * plain_ns), plain_ns, full_ns / (2 * plain_ns + 7 * table_ns), plain_ns,
           table_ns);
    printf("caching verified collateral per FMSPC saves %.0f ns per quote (%.0f%%): %.0f -> %.0f ns\n",
           full_ns - cached_ns, 100.0 * (full_ns - cached_ns) / full_ns, full_ns, cached_ns);
    /* The peers' figures from the same run (mk/run-bench.sh), or the JS figure given on the command line. */
    double js = argc > 1 ? atof(argv[1]) : lcp_bench_peer("dcap_qvl_js");
    double js_json = lcp_bench_peer("dcap_qvl_js_json"), wasm = lcp_bench_peer("dcap_qvl_wasm");
    double wasm_json = lcp_bench_peer("dcap_qvl_wasm_json");
    const struct {
        const char *name;
        double peer, cold, ours;
    } vs[] = {
        {"@phala/dcap-qvl (JS)", js, cold_ns, full_ns},
        {"@phala/dcap-qvl (JS) incl. collateral JSON.parse", js_json, cold_load_ns, load_ns},
        {"@phala/dcap-qvl-web (WASM)", wasm, cold_ns, full_ns},
        {"@phala/dcap-qvl-web (WASM) incl. collateral JSON.parse", wasm_json, cold_load_ns, load_ns},
    };
    for (size_t i = 0; i < sizeof vs / sizeof vs[0]; i++) {
        if (vs[i].peer <= 0) continue;
        double c = (1e9 / vs[i].cold) / vs[i].peer, l = (1e9 / vs[i].ours) / vs[i].peer, lt = l;
        const char *wc = lcp_bench_faster(&c), *wl = lcp_bench_faster(&l);
        printf("vs %s at %.1f ops/s: cold %.2fx %s, long-lived %.2fx %s (target >= 10x faster: cold %s, "
               "long-lived %s)\n", vs[i].name, vs[i].peer, c, wc, l, wl,
               lcp_bench_verdict((1e9 / vs[i].cold) / vs[i].peer, 10, 0), lcp_bench_verdict(lt, 10, 0));
    }
    lcp_dcap_verified_collateral_free(x.vc);
    lcp_dcap_verifier_free(x.v);
    lcp_dcap_p256_free(x.p256);
    EVP_PKEY_free(x.key);
    free(x.storage);
    lcp_free(x.quote);
    lcp_free(x.json);
    return 0;
}
