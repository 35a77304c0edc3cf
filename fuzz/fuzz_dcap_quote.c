/* libFuzzer target for the DCAP quote v3 parser and what runs on its certification data before any signature
 * check: the PEM chain reader (type 5) or single-certificate reader (type 4), and the PCK SGX extension parser on
 * the leaf. A parsed quote must satisfy the layout invariants the verifier relies on. */
#include <openssl/x509.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "attestation/dcap_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void must(int cond)
{
    if (!cond) abort(); /* a parsed quote that breaks the layout is a bug worth a crash report */
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
    X509 *certs[LCP_DCAP_MAX_CHAIN];
    size_t n = 0;
    X509 *one = NULL;
    lcp_dcap_pck_ext ext;
    if (q.cert_type == LCP_DCAP_CERT_PCK_CHAIN &&
        lcp_dcap_load_chain(certs, &n, q.cert_data.ptr, q.cert_data.len, "chain", err) == LCP_OK) {
        must(n >= 1 && n <= LCP_DCAP_MAX_CHAIN);
        (void)lcp_dcap_pck_ext_from_x509(&ext, certs[0], err);
        lcp_dcap_free_chain(certs, n);
    } else if (q.cert_type == LCP_DCAP_CERT_PCK_CERT &&
               lcp_dcap_load_cert(&one, q.cert_data.ptr, q.cert_data.len, "cert", err) == LCP_OK) {
        (void)lcp_dcap_pck_ext_from_x509(&ext, one, err);
        X509_free(one);
    }
    return 0;
}
