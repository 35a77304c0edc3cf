/* Attesting an enclave key with a DCAP quote from any quote source, and verifying a recorded quote again
 * (lcp/host_attest.h). The decisions are lcp_dcap_verify's; this file checks the quote is of the key's report,
 * encodes the evidence (lcp/host_evidence.h) and records it. */
#include <string.h>

#include "lcp/host_attest.h"
#include "lcp/host_keystore.h"
#include "lcp/tee.h"

_Static_assert(LCP_HOST_KEY_REPORT_MAX == LCP_TEE_REPORT_LEN, "a key record's report is a TEE report");

/* report_data's offset in an SGX report body (and so in a TEE report, which starts with the body). */
#define REPORT_DATA_OFF 320

/* The key's record, copied out of a read transaction. want_unattested: LCP_ERR_HOST_KEY_ATTESTED if attested. */
typedef struct {
    uint8_t report[LCP_HOST_KEY_REPORT_MAX];
    size_t report_len;
    uint8_t mrenclave[32];
    uint32_t ra_type;
    uint8_t *evidence; /* lcp_malloc'd copy (when asked for) */
    size_t evidence_len;
} key_copy;

static int load_key(key_copy *k, lcp_store *s, const uint8_t addr[20], int want_unattested, int want_evidence,
                    char *err)
{
    lcp_store_txn *t = NULL;
    lcp_keystore_entry e;
    memset(k, 0, sizeof *k);
    int rc = lcp_store_begin(s, &t, 0, err);
    if (rc == LCP_OK) rc = lcp_keystore_get(t, &e, addr, err);
    if (rc == LCP_OK && want_unattested && e.ra_type != LCP_RA_TYPE_NONE)
        rc = lcp_fail(err, LCP_ERR_HOST_KEY_ATTESTED, "the key is already attested (one attestation per key)");
    if (rc == LCP_OK) {
        k->report_len = e.report.len <= sizeof k->report ? e.report.len : 0;
        memcpy(k->report, e.report.ptr, k->report_len);
        memcpy(k->mrenclave, e.mrenclave, 32);
        k->ra_type = e.ra_type;
        if (want_evidence && e.ra_evidence.len) {
            if ((k->evidence = lcp_malloc(e.ra_evidence.len)) == NULL) rc = lcp_fail(err, LCP_ERR_NOMEM, "out of memory");
            else {
                memcpy(k->evidence, e.ra_evidence.ptr, e.ra_evidence.len);
                k->evidence_len = e.ra_evidence.len;
            }
        }
    }
    lcp_store_abort(t);
    return rc;
}

int lcp_host_key_report(lcp_store *store, const uint8_t addr[20], uint8_t report[LCP_HOST_KEY_REPORT_MAX],
                        size_t *report_len, uint8_t mrenclave[32], char *err)
{
    key_copy k;
    int rc = load_key(&k, store, addr, 1, 0, err);
    if (rc == LCP_OK) {
        memcpy(report, k.report, k.report_len);
        *report_len = k.report_len;
        memcpy(mrenclave, k.mrenclave, 32);
    }
    return rc;
}

/* Parses the collateral document and verifies quote with it under root at now, then pol. */
static int verify(lcp_dcap_result *r, const uint8_t *quote, size_t quote_len, const uint8_t *coll, size_t coll_len,
                  const uint8_t *root, size_t root_len, int64_t now, const lcp_dcap_policy *pol, char *err)
{
    size_t cap = lcp_dcap_collateral_json_storage_len(coll_len);
    uint8_t *storage = lcp_malloc(cap);
    lcp_dcap_collateral c;
    int rc = storage ? LCP_OK : lcp_fail(err, LCP_ERR_NOMEM, "out of memory");
    if (rc == LCP_OK) rc = lcp_dcap_collateral_from_json(&c, storage, cap, coll, coll_len, err);
    if (rc == LCP_OK) rc = lcp_dcap_verify(r, quote, quote_len, &c, root, root_len, now, pol, err);
    lcp_free(storage);
    return rc;
}

int lcp_host_attest_dcap(lcp_store *store, const uint8_t addr[20], const lcp_host_dcap_quote *q,
                         const lcp_dcap_policy *pol, uint64_t key_validity, int64_t now, lcp_dcap_result *r,
                         lcp_host_quote_fn before_record, void *ud, char *err)
{
    key_copy k;
    lcp_dcap_policy p = *pol;
    lcp_buf ev = {0};
    lcp_store_txn *t = NULL;
    int rc = load_key(&k, store, addr, 1, 0, err);
    if (rc != LCP_OK) return rc;
    if (p.mrenclave == NULL) p.mrenclave = k.mrenclave;
    rc = verify(r, q->quote, q->quote_len, q->collateral, q->collateral_len, q->root, q->root_len, now, &p, err);
    /* A quote source must have quoted this key's report: its report_data names the key (0x01 || address ||
     * operator), so a quote of another key's report would register that key under this one's record. */
    if (rc == LCP_OK && (k.report_len < REPORT_DATA_OFF + LCP_SGX_REPORT_DATA_LEN ||
                         memcmp(r->report.report_data, k.report + REPORT_DATA_OFF, LCP_SGX_REPORT_DATA_LEN) != 0))
        rc = lcp_fail(err, LCP_ERR_ATTESTATION_REPORT, "the quote is not of this key's enclave report");
    /* The counterparty's key_expiration bounds the key's life as the LCP client computes it on registration:
     * expired_at = min(not_before + key_expiration, not_after + 1), not_before being the collateral's start. */
    if (rc == LCP_OK && key_validity && r->valid_to - r->valid_from > (int64_t)key_validity)
        r->valid_to = r->valid_from + (int64_t)key_validity;
    if (rc == LCP_OK)
        rc = lcp_host_evidence_encode_dcap(&ev, r, now, q->sim, q->quote, q->quote_len, q->collateral,
                                           q->collateral_len, err);
    if (rc == LCP_OK && before_record && before_record(ud, q->quote, q->quote_len) != 0)
        rc = lcp_fail(err, LCP_ERR_IO, "stopped before recording");
    if (rc == LCP_OK && (rc = lcp_store_begin(store, &t, 1, err)) == LCP_OK) {
        rc = lcp_keystore_record_attestation(t, addr, LCP_RA_TYPE_DCAP, ev.data, ev.len, (uint64_t)r->valid_from,
                                             (uint64_t)r->valid_to, err);
        if (rc == LCP_OK) rc = lcp_store_commit(t, err); /* ends the transaction either way */
        else lcp_store_abort(t);
    }
    lcp_buf_free(&ev);
    return rc;
}

int lcp_host_reverify_dcap(lcp_store *store, const uint8_t addr[20], const uint8_t *collateral, size_t collateral_len,
                           const uint8_t *root, size_t root_len, const lcp_dcap_policy *pol, int64_t now,
                           lcp_dcap_result *r, lcp_buf *quote, char *err)
{
    key_copy k;
    lcp_host_evidence ev;
    lcp_dcap_policy p = *pol;
    memset(&ev, 0, sizeof ev);
    int rc = load_key(&k, store, addr, 0, 1, err);
    if (rc == LCP_OK && k.ra_type != LCP_RA_TYPE_DCAP)
        rc = lcp_fail(err, LCP_ERR_ILLEGAL_ARG, "the key has no DCAP attestation to verify again");
    if (rc == LCP_OK) rc = lcp_host_evidence_decode(&ev, k.ra_type, k.evidence, k.evidence_len, err);
    if (rc == LCP_OK && ev.form != LCP_HOST_EVIDENCE_DCAP_V1)
        rc = lcp_fail(err, LCP_ERR_HOST_KEY_RECORD, "the key's DCAP evidence is not '%s'", LCP_HOST_DCAP_EVIDENCE_FORMAT);
    if (rc == LCP_OK && p.mrenclave == NULL) p.mrenclave = k.mrenclave;
    if (rc == LCP_OK) rc = verify(r, ev.quote.ptr, ev.quote.len, collateral, collateral_len, root, root_len, now, &p, err);
    if (rc == LCP_OK && quote && lcp_buf_append(quote, ev.quote.ptr, ev.quote.len) != LCP_OK)
        rc = lcp_fail(err, LCP_ERR_NOMEM, "out of memory");
    lcp_host_evidence_free(&ev);
    lcp_free(k.evidence);
    return rc;
}
