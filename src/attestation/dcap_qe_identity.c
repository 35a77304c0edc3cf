/* QE Identity v2 (spec/dcap.md 2.4): what Intel's Quoting Enclave must look like (MRSIGNER, ISVPRODID, masked
 * MISCSELECT and ATTRIBUTES) and the TCB status of each of its ISVSVNs. Parsed from the exact signed text. */
#include "dcap_internal.h"

#include <stdio.h>
#include <string.h>

#define COLL(...) lcp_fail(err, LCP_ERR_ATTESTATION_COLLATERAL, __VA_ARGS__)

static int level(lcp_dcap_qe_tcb_level *lv, const lcp_json_value *obj, char *err)
{
    lcp_json_value tcb;
    uint64_t svn = 0;
    int rc = lcp_dcap_json_member(&tcb, obj, "tcb", LCP_JSON_OBJECT, err);
    if (rc == LCP_OK) rc = lcp_dcap_json_uint(&svn, &tcb, "isvsvn", 65535, err);
    if (rc == LCP_OK) rc = lcp_dcap_json_time(&lv->tcb_date, obj, "tcbDate", err);
    if (rc == LCP_OK) rc = lcp_dcap_json_status(&lv->status, obj, err);
    if (rc == LCP_OK) rc = lcp_dcap_json_advisories(&lv->advisory_ids, obj, err);
    if (rc != LCP_OK) return rc;
    /* An enclave's TCB is either current, behind or revoked; the platform-only statuses have no meaning here. */
    if (lv->status != LCP_DCAP_TCB_UP_TO_DATE && lv->status != LCP_DCAP_TCB_OUT_OF_DATE &&
        lv->status != LCP_DCAP_TCB_REVOKED)
        return COLL("tcbStatus %s is not valid for an enclave", lcp_dcap_tcb_status_name(lv->status));
    lv->isv_svn = (uint16_t)svn;
    return LCP_OK;
}

static int parse(lcp_dcap_qe_identity *out, const uint8_t *json, size_t len, char *err)
{
    lcp_json_value root, v;
    char e2[LCP_ERR_LEN] = "";
    if (lcp_json_parse(&root, json, len, e2) != LCP_OK) return COLL("%s", e2);
    if (root.type != LCP_JSON_OBJECT) return COLL("not a JSON object");
    int rc = lcp_dcap_json_member(&v, &root, "id", LCP_JSON_STRING, err);
    if (rc != LCP_OK) return rc;
    if (lcp_json_string_eq(&v, "TD_QE", 5) || lcp_json_string_eq(&v, "QVE", 3))
        return lcp_fail(err, LCP_ERR_ATTESTATION_UNSUPPORTED, "only the SGX QE identity (id \"QE\") is supported");
    if (!lcp_json_string_eq(&v, "QE", 2)) return COLL("id is not \"QE\"");
    uint64_t x;
    if ((rc = lcp_dcap_json_uint(&x, &root, "version", UINT32_MAX, err)) != LCP_OK) return rc;
    if (x != 2) return COLL("version %llu, expected 2", (unsigned long long)x);
    out->version = 2;
    if ((rc = lcp_dcap_json_time(&out->issue_date, &root, "issueDate", err)) != LCP_OK) return rc;
    if ((rc = lcp_dcap_json_time(&out->next_update, &root, "nextUpdate", err)) != LCP_OK) return rc;
    if ((rc = lcp_dcap_json_uint(&x, &root, "tcbEvaluationDataNumber", UINT32_MAX, err)) != LCP_OK) return rc;
    out->tcb_evaluation_data_number = (uint32_t)x;
    if ((rc = lcp_dcap_json_hex(out->miscselect, 4, &root, "miscselect", err)) != LCP_OK) return rc;
    if ((rc = lcp_dcap_json_hex(out->miscselect_mask, 4, &root, "miscselectMask", err)) != LCP_OK) return rc;
    if ((rc = lcp_dcap_json_hex(out->attributes, 16, &root, "attributes", err)) != LCP_OK) return rc;
    if ((rc = lcp_dcap_json_hex(out->attributes_mask, 16, &root, "attributesMask", err)) != LCP_OK) return rc;
    if ((rc = lcp_dcap_json_hex(out->mrsigner, 32, &root, "mrsigner", err)) != LCP_OK) return rc;
    if ((rc = lcp_dcap_json_uint(&x, &root, "isvprodid", 65535, err)) != LCP_OK) return rc;
    out->isv_prod_id = (uint16_t)x;

    lcp_json_value levels, el;
    if ((rc = lcp_dcap_json_member(&levels, &root, "tcbLevels", LCP_JSON_ARRAY, err)) != LCP_OK) return rc;
    lcp_json_iter it;
    if (lcp_json_iter_init(&it, &levels, e2) != LCP_OK) return COLL("\"tcbLevels\": %s", e2);
    size_t n = 0;
    while ((rc = lcp_json_array_next(&el, &it, e2)) == 1) {
        if (n == LCP_DCAP_MAX_QE_TCB_LEVELS) return COLL("more than %d TCB levels", LCP_DCAP_MAX_QE_TCB_LEVELS);
        if (el.type != LCP_JSON_OBJECT) return COLL("TCB level %zu is not an object", n);
        if ((rc = level(&out->levels[n], &el, err)) != LCP_OK) {
            char inner[LCP_ERR_LEN];
            snprintf(inner, sizeof inner, "%s", err ? err : "");
            return COLL("TCB level %zu: %s", n, inner);
        }
        n++;
    }
    if (rc < 0) return COLL("\"tcbLevels\": %s", e2);
    if (n == 0) return COLL("no TCB levels");
    out->n_levels = n;
    return LCP_OK;
}

int lcp_dcap_qe_identity_parse(lcp_dcap_qe_identity *out, const uint8_t *json, size_t len, char *err)
{
    memset(out, 0, sizeof *out);
    int rc = parse(out, json, len, err);
    if (rc != LCP_OK) {
        memset(out, 0, sizeof *out);
        return lcp_fail_ctx(err, rc, "QE Identity");
    }
    out->body.ptr = json;
    out->body.len = len;
    return LCP_OK;
}
