/* Attesting an enclave key with DCAP on the simulated platform and recording it (lcp/host_attest.h). The decisions
 * are lcp_dcap_verify's; this file gathers its inputs (the simulated QE's quote, the simulated Intel's collateral
 * and root) and writes the evidence. */
#include <stdio.h>
#include <string.h>

#include "lcp/attestation_sim.h"
#include "lcp/host_attest.h"
#include "lcp/host_keystore.h"
#include "lcp/tee.h"
#include "lcp/tee_sim.h"

static int add_hex(cJSON *o, const char *name, const uint8_t *p, size_t n)
{
    char hex[2 * 64 + 3];
    if (2 * n + 3 > sizeof hex) return 0;
    hex[0] = '0';
    hex[1] = 'x';
    if (lcp_hex_encode(hex + 2, sizeof hex - 2, p, n) != LCP_OK) return 0;
    return cJSON_AddStringToObject(o, name, hex) != NULL;
}

cJSON *lcp_host_dcap_result_json(const lcp_dcap_result *r, int64_t now)
{
    cJSON *o = cJSON_CreateObject(), *adv = cJSON_CreateArray();
    int ok = o != NULL && adv != NULL;
    for (size_t i = 0; ok && i < r->n_advisory_ids; i++) {
        cJSON *s = cJSON_CreateString(r->advisory_ids[i]);
        ok = s != NULL && cJSON_AddItemToArray(adv, s);
    }
    ok = ok && cJSON_AddStringToObject(o, "status", lcp_dcap_tcb_status_name(r->status)) != NULL;
    ok = ok && cJSON_AddItemToObject(o, "advisory_ids", adv);
    if (!ok) cJSON_Delete(adv); /* not yet owned by o */
    ok = ok && add_hex(o, "mrenclave", r->report.mrenclave, 32);
    ok = ok && add_hex(o, "mrsigner", r->report.mrsigner, 32);
    ok = ok && add_hex(o, "report_data", r->report.report_data, LCP_SGX_REPORT_DATA_LEN);
    ok = ok && cJSON_AddBoolToObject(o, "debug", r->debug) != NULL;
    ok = ok && add_hex(o, "fmspc", r->fmspc, LCP_DCAP_FMSPC_LEN);
    ok = ok && cJSON_AddNumberToObject(o, "tcb_evaluation_data_number", r->tcb_evaluation_data_number) != NULL;
    ok = ok && cJSON_AddNumberToObject(o, "valid_from", (double)r->valid_from) != NULL;
    ok = ok && cJSON_AddNumberToObject(o, "valid_to", (double)r->valid_to) != NULL;
    ok = ok && cJSON_AddNumberToObject(o, "isv_prod_id", r->report.isv_prod_id) != NULL;
    ok = ok && cJSON_AddNumberToObject(o, "isv_svn", r->report.isv_svn) != NULL;
    ok = ok && cJSON_AddStringToObject(o, "platform_status", lcp_dcap_tcb_status_name(r->platform_status)) != NULL;
    ok = ok && cJSON_AddStringToObject(o, "qe_status", lcp_dcap_tcb_status_name(r->qe_status)) != NULL;
    ok = ok && cJSON_AddNumberToObject(o, "tcb_date", (double)r->tcb_date) != NULL;
    ok = ok && cJSON_AddNumberToObject(o, "verified_at", (double)now) != NULL;
    if (!ok) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

/* The simulated QE's check: the report's MAC under the platform's report key (QE3SIM: all-zero target). */
static int check_report(void *ctx, lcp_sgx_report_body *body, const uint8_t *report, size_t len, char *err)
{
    if (len != LCP_TEE_REPORT_LEN) return lcp_fail(err, LCP_ERR_ATTESTATION_REPORT, "the key's report is not 432 bytes");
    return lcp_tee_sim_verify_report(body, ctx, report, NULL, err);
}

/* The key's report and MRENCLAVE, copied out of a read transaction; LCP_ERR_HOST_KEY_ATTESTED if attested. */
static int load_report(lcp_store *s, const uint8_t addr[20], uint8_t report[LCP_TEE_REPORT_LEN], size_t *report_len,
                       uint8_t mrenclave[32], char *err)
{
    lcp_store_txn *t = NULL;
    lcp_keystore_entry e;
    int rc = lcp_store_begin(s, &t, 0, err);
    if (rc == LCP_OK) rc = lcp_keystore_get(t, &e, addr, err);
    if (rc == LCP_OK && e.ra_type != LCP_RA_TYPE_NONE)
        rc = lcp_fail(err, LCP_ERR_HOST_KEY_ATTESTED, "the key is already attested (one attestation per key)");
    if (rc == LCP_OK) {
        *report_len = e.report.len <= LCP_TEE_REPORT_LEN ? e.report.len : 0;
        memcpy(report, e.report.ptr, *report_len);
        memcpy(mrenclave, e.mrenclave, 32);
    }
    lcp_store_abort(t);
    return rc;
}

/* The evidence document (lcp/host_attest.h). */
static char *evidence_json(const uint8_t *quote, size_t quote_len, const uint8_t *coll, size_t coll_len,
                           const lcp_dcap_result *r, int64_t now, int sim)
{
    cJSON *o = lcp_host_dcap_result_json(r, now);
    cJSON *c = cJSON_ParseWithLength((const char *)coll, coll_len);
    cJSON *v = cJSON_CreateObject();
    char *hex = lcp_malloc(2 * quote_len + 1), *text = NULL;
    int ok = o && c && v && hex && lcp_hex_encode(hex, 2 * quote_len + 1, quote, quote_len) == LCP_OK;
    ok = ok && cJSON_AddStringToObject(o, "format", LCP_HOST_DCAP_EVIDENCE_FORMAT) && cJSON_AddBoolToObject(o, "sim", sim) &&
         cJSON_AddStringToObject(o, "quote", hex) && cJSON_AddNumberToObject(v, "not_before", (double)r->valid_from) &&
         cJSON_AddNumberToObject(v, "not_after", (double)r->valid_to);
    if (ok && cJSON_AddItemToObject(o, "validity", v)) v = NULL;
    else ok = 0;
    if (ok && cJSON_AddItemToObject(o, "collateral", c)) c = NULL;
    else ok = 0;
    if (ok) text = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    cJSON_Delete(c);
    cJSON_Delete(v);
    lcp_free(hex);
    return text;
}

/* 1 if root is Intel's production root (NULL means it): evidence under any other anchor says "sim": true. */
static int intel_rooted(const uint8_t *root, size_t root_len)
{
    lcp_bytes intel = lcp_dcap_intel_root_ca();
    return root == NULL || (root_len == intel.len && memcmp(root, intel.ptr, root_len) == 0);
}

int lcp_host_attest_dcap_quote(lcp_store *store, const uint8_t addr[20], const uint8_t *quote, size_t quote_len,
                               const uint8_t *coll, size_t coll_len, const uint8_t *root, size_t root_len,
                               const lcp_dcap_policy *pol, uint64_t key_validity, int64_t now, lcp_dcap_result *r,
                               lcp_host_quote_fn before_record, void *ud, char *err)
{
    uint8_t report[LCP_TEE_REPORT_LEN], mrenclave[32], *storage = NULL;
    size_t report_len = 0;
    char *ev = NULL;
    lcp_store_txn *t = NULL;
    lcp_dcap_collateral c;
    lcp_dcap_policy p = *pol;
    int rc = load_report(store, addr, report, &report_len, mrenclave, err);
    if (rc != LCP_OK) return rc;
    size_t cap = lcp_dcap_collateral_json_storage_len(coll_len);
    if ((storage = lcp_malloc(cap)) == NULL) rc = lcp_fail(err, LCP_ERR_NOMEM, "out of memory");
    if (rc == LCP_OK) rc = lcp_dcap_collateral_from_json(&c, storage, cap, coll, coll_len, err);
    if (rc == LCP_OK && p.mrenclave == NULL) p.mrenclave = mrenclave;
    /* root NULL: Intel's production root, which refuses simulated quotes; the simulated root only when given. */
    if (rc == LCP_OK) rc = lcp_dcap_verify(r, quote, quote_len, &c, root, root_len, now, &p, err);
    /* The quote must bind this key: its report data is the one the enclave made the key's report with
     * (0x01 || address || operator, lcp-spec §4), which is what the LCP client checks on registration. */
    if (rc == LCP_OK && (report_len != LCP_TEE_REPORT_LEN ||
                         memcmp(r->report.report_data, report + 320, LCP_SGX_REPORT_DATA_LEN) != 0))
        rc = lcp_fail(err, LCP_ERR_ATTESTATION_POLICY, "the quote's report data is not this key's (another key or operator)");
    /* The counterparty's key_expiration bounds the key's life as the LCP client computes it on registration:
     * expired_at = min(not_before + key_expiration, not_after + 1), not_before being the collateral's start. */
    if (rc == LCP_OK && key_validity && r->valid_to - r->valid_from > (int64_t)key_validity)
        r->valid_to = r->valid_from + (int64_t)key_validity;
    if (rc == LCP_OK &&
        (ev = evidence_json(quote, quote_len, coll, coll_len, r, now, !intel_rooted(root, root_len))) == NULL)
        rc = lcp_fail(err, LCP_ERR_NOMEM, "out of memory building the evidence");
    if (rc == LCP_OK && before_record && before_record(ud, quote, quote_len) != 0)
        rc = lcp_fail(err, LCP_ERR_IO, "stopped before recording");
    if (rc == LCP_OK && (rc = lcp_store_begin(store, &t, 1, err)) == LCP_OK) {
        rc = lcp_keystore_record_attestation(t, addr, LCP_RA_TYPE_DCAP, (const uint8_t *)ev, strlen(ev),
                                             (uint64_t)r->valid_from, (uint64_t)r->valid_to, err);
        if (rc == LCP_OK) rc = lcp_store_commit(t, err); /* ends the transaction either way */
        else lcp_store_abort(t);
    }
    lcp_free(storage);
    if (ev) cJSON_free(ev);
    return rc;
}

int lcp_host_attest_dcap_sim(lcp_store *store, const char *sim_dir, const uint8_t addr[20], const lcp_dcap_policy *pol,
                             uint64_t key_validity, int64_t now, lcp_dcap_result *r, lcp_host_quote_fn before_record,
                             void *ud, char *err)
{
    uint8_t report[LCP_TEE_REPORT_LEN], mrenclave[32];
    size_t report_len = 0, coll_len = 0, root_len = 0;
    lcp_tee_sim_platform plat;
    memset(&plat, 0, sizeof plat);
    lcp_sim_qe *qe = NULL;
    lcp_buf qb = {0};
    uint8_t *coll = NULL, *root = NULL;
    int rc = load_report(store, addr, report, &report_len, mrenclave, err);
    if (rc != LCP_OK) return rc;
    /* The simulated QE: authenticate the report on this platform, then quote it. */
    if ((rc = lcp_tee_sim_load(&plat, sim_dir, err)) == LCP_OK && (rc = lcp_sim_qe_open(&qe, sim_dir, err)) == LCP_OK)
        rc = lcp_sim_qe_quote(qe, &qb, report, report_len, check_report, &plat, err);
    if (rc != LCP_OK) {
        char why[LCP_ERR_LEN];
        snprintf(why, sizeof why, "%s", err);
        lcp_fail(err, rc, "simulated QE: %s", why);
    }
    if (rc == LCP_OK && (rc = lcp_sim_issuer_collateral(&coll, &coll_len, sim_dir, 0, err)) == LCP_OK)
        rc = lcp_sim_issuer_root(&root, &root_len, sim_dir, err);
    /* The simulated root, explicitly: the verifier's default anchor is Intel's and refuses simulated quotes. */
    if (rc == LCP_OK)
        rc = lcp_host_attest_dcap_quote(store, addr, qb.data, qb.len, coll, coll_len, root, root_len, pol, key_validity,
                                        now, r, before_record, ud, err);
    lcp_sim_qe_close(qe);
    lcp_tee_sim_platform_wipe(&plat);
    lcp_buf_free(&qb);
    lcp_free(coll);
    lcp_free(root);
    return rc;
}
