/* DCAP attestation on the gramine backend (lcp/host_attest_gramine.h): the enclave's quote, the collateral from a
 * PCCS or a file, and the sim path's verify -> policy -> record. */
#include <string.h>

#include <openssl/pem.h>
#include <openssl/x509.h>

#include "lcp/attestation_sgx.h"
#include "lcp/host_attest_gramine.h"
#include "lcp/host_keystore.h"
#include "lcp/tee.h"

/* The operator bound into key addr's report (lcp-spec §4: report data = 0x01 || address || operator); NULL-able
 * output: has_operator 0 when it is zero. */
static int key_operator(lcp_store *s, const uint8_t addr[20], uint8_t op[20], int *has_operator, char *err)
{
    lcp_store_txn *t = NULL;
    lcp_keystore_entry e;
    lcp_report_data rd;
    int rc = lcp_store_begin(s, &t, 0, err);
    if (rc == LCP_OK) rc = lcp_keystore_get(t, &e, addr, err);
    if (rc == LCP_OK && e.report.len != LCP_TEE_REPORT_LEN)
        rc = lcp_fail(err, LCP_ERR_HOST_KEY_RECORD, "the key's report is not %d bytes", LCP_TEE_REPORT_LEN);
    if (rc == LCP_OK) rc = lcp_report_data_parse(&rd, e.report.ptr + 320, err);
    if (rc == LCP_OK && memcmp(rd.enclave_key, addr, 20) != 0)
        rc = lcp_fail(err, LCP_ERR_HOST_KEY_RECORD, "the key's report binds another key");
    if (rc == LCP_OK) {
        memcpy(op, rd.operator_addr, 20);
        *has_operator = !lcp_is_zero(op, 20);
    }
    lcp_store_abort(t);
    return rc;
}

/* 1 if root (DER or PEM) is Intel's production root (NULL means it): evidence under any other anchor says "sim". */
static int intel_rooted(const uint8_t *root, size_t root_len)
{
    lcp_bytes intel = lcp_dcap_intel_root_ca();
    if (root == NULL) return 1;
    if (root_len == intel.len && memcmp(root, intel.ptr, root_len) == 0) return 1;
    if (root_len > INT32_MAX) return 0;
    BIO *b = BIO_new_mem_buf(root, (int)root_len);
    X509 *c = b ? PEM_read_bio_X509(b, NULL, NULL, NULL) : NULL;
    unsigned char *der = NULL;
    int n = c ? i2d_X509(c, &der) : -1;
    int same = n > 0 && (size_t)n == intel.len && memcmp(der, intel.ptr, intel.len) == 0;
    OPENSSL_free(der);
    X509_free(c);
    BIO_free(b);
    return same;
}

int lcp_host_quote_key(lcp_host_exec *x, lcp_buf *quote, const uint8_t addr[20], char *err)
{
    uint8_t op_addr[20];
    int has_op = 0;
    int rc = key_operator(lcp_host_exec_store(x), addr, op_addr, &has_op, err);
    if (rc != LCP_OK) return rc;
    lcp_host_op op;
    memset(&op, 0, sizeof op);
    op.kind = LCP_ECALL_QUOTE_ENCLAVE_KEY;
    op.signer = addr; /* its sealed key goes with the request; the enclave rebuilds the report data from it */
    op.operator_addr = has_op ? op_addr : NULL;
    lcp_host_result res;
    rc = lcp_host_exec_run(x, &op, &res, err);
    if (rc == LCP_OK && !res.has_result) rc = lcp_fail(err, LCP_ERR_PROTO, "the enclave returned no quote");
    if (rc == LCP_OK) rc = lcp_buf_append(quote, res.quote.ptr, res.quote.len);
    lcp_host_result_free(&res);
    return rc;
}

int lcp_host_attest_dcap_gramine(lcp_host_exec *x, const uint8_t addr[20], const lcp_host_dcap_source *src,
                                 const lcp_dcap_policy *pol, uint64_t key_validity, int64_t now, lcp_dcap_result *r,
                                 lcp_host_quote_fn before_record, void *ud, char *err)
{
    if ((src->pccs_url == NULL) == (src->collateral == NULL))
        return lcp_fail(err, LCP_ERR_ILLEGAL_ARG, "give the collateral either from a PCCS or as a document, not %s",
                        src->pccs_url ? "both" : "neither");
    lcp_buf q = {0};
    char *fetched = NULL;
    size_t fetched_len = 0;
    int rc = lcp_host_quote_key(x, &q, addr, err);
    if (rc == LCP_OK && src->pccs_url)
        rc = lcp_pccs_collateral(&fetched, &fetched_len, src->pccs_url, q.data, q.len, src->http, err);
    if (rc == LCP_OK) {
        const uint8_t *coll = fetched ? (const uint8_t *)fetched : src->collateral;
        size_t coll_len = fetched ? fetched_len : src->collateral_len;
        lcp_host_dcap_quote dq = {.quote = q.data, .quote_len = q.len, .collateral = coll, .collateral_len = coll_len,
                                  .root = src->root, .root_len = src->root_len,
                                  .sim = !intel_rooted(src->root, src->root_len)};
        rc = lcp_host_attest_dcap(lcp_host_exec_store(x), addr, &dq, pol, key_validity, now, r, before_record, ud, err);
    }
    lcp_buf_free(&q);
    lcp_free(fetched);
    return rc;
}
