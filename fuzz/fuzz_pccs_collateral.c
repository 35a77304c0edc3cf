/* libFuzzer target for the PCCS collateral assembly (lcp/host_pccs.h): the code lcp_pccs_collateral runs on the
 * four answers once fetched, fed here without a network. The input is split at SEP into the PCK CRL answer's
 * header lines and body, the TCB Info's, the QE Identity's, and the Root CA CRL body. Checks: only documented
 * codes; a document accepted loads with lcp_dcap_collateral_from_json and holds exactly what the answers said (the
 * decoded chains, the signed texts and signatures, a DER CRL whole); a Root CA CRL URL found fits its buffer. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lcp/attestation_dcap.h"
#include "lcp/host_pccs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define SEP "\n--8<--\n"
enum { PARTS = 7 };

static void must(int cond)
{
    if (!cond) abort();
}

static void same(lcp_bytes a, const uint8_t *p, size_t n)
{
    must(a.len == n && (n == 0 || memcmp(a.ptr, p, n) == 0));
}

/* The chain a head carries under the first name present, decoded as the client does (NULL if none). */
static uint8_t *chain_of(size_t *n, lcp_bytes head, const char *const *names)
{
    lcp_bytes v;
    for (int i = 0; names[i]; i++) {
        if (!lcp_http_header(&v, head, names[i])) continue;
        uint8_t *out = malloc(v.len + 1);
        char err[LCP_ERR_LEN];
        if (out && lcp_http_url_decode(out, v.len, n, v.ptr, v.len, err) == LCP_OK) return out;
        free(out);
        return NULL;
    }
    return NULL;
}

static void check_chain(lcp_bytes got, lcp_bytes head, const char *const *names)
{
    size_t n = 0;
    uint8_t *want = chain_of(&n, head, names);
    must(want != NULL);
    same(got, want, n);
    free(want);
}

static void check_signed(lcp_bytes text, const uint8_t *sig, lcp_bytes body, const char *member)
{
    lcp_bytes t;
    uint8_t s[LCP_DCAP_SIG_LEN];
    char err[LCP_ERR_LEN];
    must(lcp_dcap_signed_json_split(&t, s, body.ptr, body.len, member, err) == LCP_OK);
    same(text, t.ptr, t.len);
    must(memcmp(sig, s, sizeof s) == 0);
}

/* A body that starts as DER and is no hex text is binary: kept byte for byte, whatever its last byte. */
static void check_crl(lcp_bytes got, lcp_bytes body)
{
    if (body.len < 2 || body.ptr[0] != 0x30) return;
    for (size_t i = 0; i < body.len; i++)
        if (!strchr("0123456789abcdefABCDEF\r\n", body.ptr[i]) || body.ptr[i] == 0) {
            same(got, body.ptr, body.len);
            return;
        }
}

static const char *const PCK[] = {"SGX-PCK-CRL-Issuer-Chain", NULL};
static const char *const TCB[] = {"TCB-Info-Issuer-Chain", "SGX-TCB-Info-Issuer-Chain", NULL};
static const char *const QE[] = {"SGX-Enclave-Identity-Issuer-Chain", NULL};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* Split at SEP; missing parts are empty. */
    lcp_bytes part[PARTS] = {{0}};
    size_t at = 0;
    for (int i = 0; i < PARTS; i++) {
        const uint8_t *next = i + 1 < PARTS ? memmem(data + at, size - at, SEP, strlen(SEP)) : NULL;
        size_t end = next ? (size_t)(next - data) : size;
        part[i] = (lcp_bytes){data + at, end - at};
        at = next ? end + strlen(SEP) : size;
    }
    lcp_pccs_answers a = {
        .pck_crl = {"pck", part[0], part[1]},
        .tcb_info = {"tcb", part[2], part[3]},
        .qe_identity = {"qe", part[4], part[5]},
        .root_ca_crl = {"root", {0}, part[6]},
    };
    char err[LCP_ERR_LEN];
    char *json = NULL;
    size_t len = 0;
    int rc = lcp_pccs_collateral_assemble(&json, &len, &a, err);
    must(rc == LCP_OK || rc == LCP_ERR_HOST_PCCS || rc == LCP_ERR_HOST_HTTP_MALFORMED || rc == LCP_ERR_NOMEM);
    must((rc == LCP_OK) == (json != NULL));
    if (rc == LCP_OK) {
        must(strlen(json) == len);
        size_t cap = lcp_dcap_collateral_json_storage_len(len);
        uint8_t *st = malloc(cap);
        lcp_dcap_collateral c;
        if (st) {
            if (lcp_dcap_collateral_from_json(&c, st, cap, (const uint8_t *)json, len, err) != LCP_OK) {
                fprintf(stderr, "the assembled document does not load: %s\n", err);
                abort();
            }
            check_chain(c.pck_crl_issuer_chain, a.pck_crl.head, PCK);
            check_chain(c.tcb_info_issuer_chain, a.tcb_info.head, TCB);
            check_chain(c.qe_identity_issuer_chain, a.qe_identity.head, QE);
            check_signed(c.tcb_info, c.tcb_info_signature, a.tcb_info.body, "tcbInfo");
            check_signed(c.qe_identity, c.qe_identity_signature, a.qe_identity.body, "enclaveIdentity");
            check_crl(c.pck_crl, a.pck_crl.body);
            check_crl(c.root_ca_crl, a.root_ca_crl.body);
            free(st);
        }
        lcp_free(json);
    }
    /* The distribution point, into a roomy buffer and a tight one. */
    static const size_t caps[] = {2048, 16};
    for (size_t i = 0; i < 2; i++) {
        char url[2048];
        memset(url, 'x', sizeof url);
        rc = lcp_pccs_root_crl_url(url, caps[i], &a.qe_identity, err);
        must(rc == LCP_OK || rc == LCP_ERR_HOST_PCCS || rc == LCP_ERR_HOST_HTTP_MALFORMED || rc == LCP_ERR_NOMEM);
        must(memchr(url, '\0', caps[i]) != NULL);
        if (rc == LCP_OK) must(url[0] != '\0');
    }
    return 0;
}
