/* libFuzzer target for the DCAP quote v3 parser and what runs on its certification data before any signature
 * check: the PEM chain reader (type 5) or single-certificate reader (type 4), the PCK SGX extension parser on the
 * leaf, and lcp_dcap_quote_pck_info (the PCCS client's reading of the same leaf). A parsed quote must satisfy the
 * layout invariants the verifier relies on. Then the whole quote verification against Phala's real collateral
 * (shared/testdata, at its PROVENANCE time) through one long-lived verifier that lives across inputs, so its
 * certificate and key caches meet hostile quotes: whatever it accepts, a fresh verifier must accept with the same
 * result (and, on a sample of refusals, refuse too). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attestation/dcap_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void must(int cond)
{
    if (!cond) abort(); /* a parsed quote that breaks the layout is a bug worth a crash report */
}

#define PHALA_NOW 1752919277

/* The real collateral, verified once; NULL when the test data is not there (then only parsing is fuzzed). */
static struct {
    int tried;
    uint8_t *json, *storage;
    lcp_dcap_collateral c;
    lcp_dcap_verifier *v;
    lcp_dcap_verified_collateral *vc;
} phala;

static void load_phala(void)
{
    phala.tried = 1;
    char path[1024], err[LCP_ERR_LEN] = "";
    const char *root = getenv("LCP_TESTDATA");
    snprintf(path, sizeof path, "%s/dcap/phala_sgx_v3/collateral.json", root && *root ? root : LCP_TESTDATA);
    size_t len = 0;
    if (lcp_file_read(&phala.json, &len, path, 1u << 20, err) != LCP_OK) {
        fprintf(stderr, "fuzz_dcap_quote: %s: verification is not fuzzed\n", err);
        return;
    }
    size_t cap = lcp_dcap_collateral_json_storage_len(len);
    phala.storage = lcp_malloc(cap);
    must(phala.storage != NULL);
    must(lcp_dcap_collateral_from_json(&phala.c, phala.storage, cap, phala.json, len, err) == LCP_OK);
    must(lcp_dcap_verifier_new(&phala.v, NULL, 0, err) == LCP_OK);
    must(lcp_dcap_verifier_collateral(&phala.vc, phala.v, &phala.c, PHALA_NOW, err) == LCP_OK);
}

static void verify_both_ways(const uint8_t *data, size_t size)
{
    if (!phala.tried) load_phala();
    if (phala.vc == NULL) return;
    lcp_dcap_result warm, cold;
    char err[LCP_ERR_LEN];
    int rc = lcp_dcap_quote_verify(&warm, phala.vc, data, size, NULL, 0, PHALA_NOW, err);
    if (rc != LCP_OK && data[size / 2] % 64 != 0) return; /* a fresh verifier costs ~1 ms: refusals are sampled */
    lcp_dcap_verified_collateral *vc = NULL;
    must(lcp_dcap_collateral_verify(&vc, &phala.c, NULL, 0, PHALA_NOW, err) == LCP_OK);
    int rc2 = lcp_dcap_quote_verify(&cold, vc, data, size, NULL, 0, PHALA_NOW, err);
    lcp_dcap_verified_collateral_free(vc);
    must((rc == LCP_OK) == (rc2 == LCP_OK));
    if (rc == LCP_OK) must(memcmp(&warm, &cold, sizeof warm) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    lcp_dcap_quote q;
    char err[LCP_ERR_LEN];
    if (lcp_dcap_quote_parse(&q, data, size, err) != LCP_OK) return 0;
    must(q.version == 3 && q.tee_type == 0 && q.att_key_type == 2);
    must(q.signed_data.ptr == data && q.signed_data.len == LCP_DCAP_QUOTE_SIGNED_LEN);
    must(q.cert_data.ptr + q.cert_data.len == data + size); /* no trailing bytes */
    must(q.qe_auth_data.ptr + q.qe_auth_data.len + 6 == q.cert_data.ptr);
    must(q.cert_type >= 1 && q.cert_type <= 5);
    lcp_dcap_pem_chain pc;
    lcp_dcap_cert *one = NULL;
    lcp_dcap_pck_ext ext;
    int ext_ok = 0;
    if (q.cert_type == LCP_DCAP_CERT_PCK_CHAIN &&
        lcp_dcap_pem_chain_split(&pc, q.cert_data.ptr, q.cert_data.len, "chain", err) == LCP_OK) {
        must(pc.n >= 1 && pc.n <= LCP_DCAP_MAX_CHAIN);
        if (lcp_dcap_cert_new(&one, pc.der[0], pc.len[0], "leaf", err) == LCP_OK)
            ext_ok = lcp_dcap_pck_ext_from_x509(&ext, one->x509, err) == LCP_OK;
        lcp_dcap_pem_chain_free(&pc);
    } else if (q.cert_type == LCP_DCAP_CERT_PCK_CERT &&
               lcp_dcap_cert_load(&one, NULL, q.cert_data.ptr, q.cert_data.len, "cert", err) == LCP_OK) {
        ext_ok = lcp_dcap_pck_ext_from_x509(&ext, one->x509, err) == LCP_OK;
    }
    lcp_dcap_cert_release(one);
    /* What the PCCS client reads from the same quote: the same leaf's extension, a CA kind, the FMSPC in hex. */
    lcp_dcap_pck_info pi;
    int rc = lcp_dcap_quote_pck_info(&pi, data, size, err);
    must(rc == LCP_OK || rc == LCP_ERR_ATTESTATION_CERT || rc == LCP_ERR_ATTESTATION_UNSUPPORTED ||
         rc == LCP_ERR_NOMEM);
    if (rc == LCP_OK) {
        must(ext_ok && memcmp(&pi.ext, &ext, sizeof ext) == 0);
        must(pi.ca == LCP_DCAP_PCK_CA_PROCESSOR || pi.ca == LCP_DCAP_PCK_CA_PLATFORM);
        must(strlen(pi.fmspc_hex) == 2 * LCP_DCAP_FMSPC_LEN && strspn(pi.fmspc_hex, "0123456789ABCDEF") == 12);
    }
    verify_both_ways(data, size);
    return 0;
}
