/* SIMULATION: attesting an enclave key with a simulated IAS report (lcp/host_attest.h, spec §5.2), as LCP's
 * sgx-sw builds do. The report is signed by a test PKI; only an LCP client given that root accepts it. */
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <string.h>

#include "lcp/attestation_ias_sim.h"
#include "lcp/host_attest.h"
#include "lcp/host_keystore.h"

/* IAS reports are good for 30 days from their timestamp (spec §4.5). */
#define IAS_VALIDITY (30u * 86400u)

/* The report just signed must verify under the certificate that will travel with it: a certificate that does not
 * belong to the signing key would record evidence no verifier accepts, on a key that can be attested only once. */
static int check_cert_key(const uint8_t *cert, size_t cert_len, const lcp_buf *avr, const lcp_buf *sig, char *err)
{
    const unsigned char *q = cert;
    X509 *x = cert_len <= (size_t)LONG_MAX ? d2i_X509(NULL, &q, (long)cert_len) : NULL;
    if (x == NULL || (size_t)(q - cert) != cert_len) {
        X509_free(x);
        return lcp_fail(err, LCP_ERR_ATTESTATION_CERT, "--signing_cert_path is not one DER certificate");
    }
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    int ok = md && EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, X509_get0_pubkey(x)) == 1 &&
             EVP_DigestVerify(md, sig->data, sig->len, avr->data, avr->len) == 1;
    EVP_MD_CTX_free(md);
    X509_free(x);
    return ok ? LCP_OK
              : lcp_fail(err, LCP_ERR_ATTESTATION_SIGNATURE,
                         "the report does not verify under --signing_cert_path's key: is it --signing_key's certificate?");
}

int lcp_host_attest_ias_sim(lcp_store *store, const uint8_t addr[20], const lcp_host_ias_sim_options *o,
                            uint64_t now_ns, lcp_buf *evidence, char *err)
{
    uint8_t report[LCP_HOST_KEY_REPORT_MAX], mrenclave[32];
    size_t report_len = 0;
    lcp_ias_sim_params p;
    lcp_buf avr = {0}, sig = {0}, ev = {0};
    lcp_store_txn *t = NULL;
    memset(&p, 0, sizeof p);
    int rc = lcp_host_key_report(store, addr, report, &report_len, mrenclave, err);
    if (rc == LCP_OK && report_len < LCP_SGX_REPORT_BODY_LEN)
        rc = lcp_fail(err, LCP_ERR_ATTESTATION_REPORT, "the key's enclave report is missing");
    if (rc == LCP_OK) rc = lcp_sgx_report_body_parse(&p.body, report, LCP_SGX_REPORT_BODY_LEN, err);
    p.status = o->status ? o->status : "OK";
    p.advisory_ids = o->advisory_ids;
    p.n_advisory_ids = o->n_advisory_ids;
    p.timestamp = (int64_t)(now_ns / 1000000000u);
    p.micros = (uint32_t)(now_ns / 1000000u % 1000u) * 1000u; /* milliseconds then "000", as LCP writes them */
    if (rc == LCP_OK) rc = lcp_ias_sim_report(&avr, &sig, &p, o->signing_key, o->signing_key_len, err);
    if (rc == LCP_OK) rc = check_cert_key(o->signing_cert, o->signing_cert_len, &avr, &sig, err);
    if (rc == LCP_OK)
        rc = lcp_host_evidence_encode_ias(&ev, avr.data, avr.len, sig.data, sig.len, o->signing_cert,
                                          o->signing_cert_len, err);
    if (rc == LCP_OK && (rc = lcp_store_begin(store, &t, 1, err)) == LCP_OK) {
        rc = lcp_keystore_record_attestation(t, addr, LCP_RA_TYPE_IAS, ev.data, ev.len, (uint64_t)p.timestamp,
                                             (uint64_t)p.timestamp + IAS_VALIDITY, err);
        if (rc == LCP_OK) rc = lcp_store_commit(t, err); /* ends the transaction either way */
        else lcp_store_abort(t);
    }
    if (rc == LCP_OK && evidence && lcp_buf_append(evidence, ev.data, ev.len) != LCP_OK)
        rc = lcp_fail(err, LCP_ERR_NOMEM, "out of memory"); /* recorded; only the caller's copy failed */
    lcp_buf_free(&avr);
    lcp_buf_free(&sig);
    lcp_buf_free(&ev);
    return rc;
}
