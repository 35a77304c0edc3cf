/* libFuzzer target for DCAP collateral text: the same bytes go to the one-file collateral loader, the PCS envelope
 * splitter (both members), and the TCB Info and QE Identity parsers; whatever the loader extracts is handed on to
 * the TCB Info / QE Identity parsers and to the CRL and PEM chain readers, as verification would (minus the
 * signature checks, which a fuzzer cannot pass). */
#include <openssl/x509.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "attestation/dcap_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void must(int cond)
{
    if (!cond) abort();
}

static lcp_dcap_tcb_info tcb;   /* large: kept off the stack */
static lcp_dcap_qe_identity qe;

static void parse_bodies(const uint8_t *p, size_t n)
{
    char err[LCP_ERR_LEN];
    if (lcp_dcap_tcb_info_parse(&tcb, p, n, err) == LCP_OK) {
        must(tcb.n_levels >= 1 && tcb.n_levels <= LCP_DCAP_MAX_TCB_LEVELS);
        must(tcb.version == 2 || tcb.version == 3);
        for (size_t i = 0; i < tcb.n_levels; i++) must((unsigned)tcb.levels[i].status < LCP_DCAP_TCB_STATUS_COUNT);
    }
    if (lcp_dcap_qe_identity_parse(&qe, p, n, err) == LCP_OK)
        must(qe.n_levels >= 1 && qe.n_levels <= LCP_DCAP_MAX_QE_TCB_LEVELS);
}

static void chain(lcp_bytes b)
{
    char err[LCP_ERR_LEN];
    /* The verifier's certificate objects: OpenSSL's parse plus the DER spans the signature check reads. */
    lcp_dcap_pem_chain pc;
    if (lcp_dcap_pem_chain_split(&pc, b.ptr, b.len, "chain", err) == LCP_OK) {
        for (size_t i = 0; i < pc.n; i++) {
            lcp_dcap_cert *c = NULL;
            if (lcp_dcap_cert_new(&c, pc.der[i], pc.len[i], "cert", err) == LCP_OK) {
                must(c->sig.tbs.ptr >= c->der && c->sig.tbs.ptr + c->sig.tbs.len <= c->der + c->der_len);
                must(c->key_len == 0 || c->key_len == 33 || c->key_len == 65);
                lcp_dcap_cert_release(c);
            }
        }
        lcp_dcap_pem_chain_free(&pc);
    }
}

static void crl(lcp_bytes b)
{
    lcp_dcap_crl *c = NULL;
    char err[LCP_ERR_LEN];
    if (lcp_dcap_load_crl(&c, b.ptr, b.len, "crl", err) == LCP_OK) lcp_dcap_crl_free(c);
    /* The DER split alone, on bytes OpenSSL has not vetted, as a certificate and as a CRL. */
    lcp_dcap_signed sg;
    for (int is_crl = 0; is_crl < 2; is_crl++)
        if (lcp_dcap_der_signed(&sg, b.ptr, b.len, is_crl, LCP_ERR_ATTESTATION_CERT, "der", err) == LCP_OK)
            must(sg.tbs.ptr >= b.ptr && sg.tbs.ptr + sg.tbs.len <= b.ptr + b.len &&
                 sg.sig_alg.ptr + sg.sig_alg.len <= b.ptr + b.len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[LCP_ERR_LEN];
    parse_bodies(data, size);
    lcp_bytes body;
    uint8_t sig[LCP_DCAP_SIG_LEN];
    if (lcp_dcap_signed_json_split(&body, sig, data, size, "tcbInfo", err) == LCP_OK) {
        must(body.ptr >= data && body.ptr + body.len <= data + size && body.len >= 2 && body.ptr[0] == '{');
        parse_bodies(body.ptr, body.len);
    }
    if (lcp_dcap_signed_json_split(&body, sig, data, size, "enclaveIdentity", err) == LCP_OK)
        parse_bodies(body.ptr, body.len);
    size_t cap = lcp_dcap_collateral_json_storage_len(size);
    uint8_t *storage = malloc(cap);
    if (storage == NULL) return 0;
    lcp_dcap_collateral c;
    if (lcp_dcap_collateral_from_json(&c, storage, cap, data, size, err) == LCP_OK) {
        must(c.tcb_info.ptr >= storage && c.tcb_info.ptr + c.tcb_info.len <= storage + cap);
        parse_bodies(c.tcb_info.ptr, c.tcb_info.len);
        parse_bodies(c.qe_identity.ptr, c.qe_identity.len);
        chain(c.pck_crl_issuer_chain);
        chain(c.tcb_info_issuer_chain);
        crl(c.root_ca_crl);
        crl(c.pck_crl);
    }
    free(storage);
    return 0;
}
