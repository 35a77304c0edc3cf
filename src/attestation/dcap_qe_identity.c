/* QE Identity v2 (spec/dcap.md 2.4): what Intel's Quoting Enclave must look like (MRSIGNER, ISVPRODID, masked
 * MISCSELECT and ATTRIBUTES) and the TCB status of each of its ISVSVNs. Parsed from the exact signed text. */
#include "dcap_internal.h"

#include <stdio.h>
#include <string.h>

#define COLL(...) lcp_fail(err, LCP_ERR_ATTESTATION_COLLATERAL, __VA_ARGS__)

static int level(lcp_dcap_qe_tcb_level *lv, const lcp_json_value *obj, char *err)
{
    lcp_dcap_json_field f[] = {{"tcb", {0}}, {"tcbDate", {0}}, {"tcbStatus", {0}}, {"advisoryIDs", {0}}};
    lcp_dcap_json_field svn = {"isvsvn", {0}};
    uint64_t x = 0;
    int rc = lcp_dcap_json_fields(f, 4, obj, err);
    if (rc == LCP_OK) rc = lcp_dcap_json_need(&f[0], LCP_JSON_OBJECT, err);
    if (rc == LCP_OK) rc = lcp_dcap_json_fields(&svn, 1, &f[0].val, err);
    if (rc == LCP_OK) rc = lcp_dcap_json_uint(&x, &svn, 65535, err);
    if (rc == LCP_OK) rc = lcp_dcap_json_time(&lv->tcb_date, &f[1], err);
    if (rc == LCP_OK) rc = lcp_dcap_json_status(&lv->status, &f[2], err);
    if (rc == LCP_OK) rc = lcp_dcap_json_advisories(&lv->advisory_ids, &f[3], err);
    if (rc != LCP_OK) return rc;
    /* An enclave's TCB is either current, behind or revoked; the platform-only statuses have no meaning here. */
    if (lv->status != LCP_DCAP_TCB_UP_TO_DATE && lv->status != LCP_DCAP_TCB_OUT_OF_DATE &&
        lv->status != LCP_DCAP_TCB_REVOKED)
        return COLL("tcbStatus %s is not valid for an enclave", lcp_dcap_tcb_status_name(lv->status));
    lv->isv_svn = (uint16_t)x;
    return LCP_OK;
}

static int level_at(void *ctx, size_t i, const lcp_json_value *obj, char *err)
{
    return level(&((lcp_dcap_qe_identity *)ctx)->levels[i], obj, err);
}

enum { F_ID, F_VERSION, F_ISSUE, F_NEXT, F_EVAL, F_MISC, F_MISC_MASK, F_ATTR, F_ATTR_MASK, F_MRSIGNER, F_PROD,
       F_LEVELS, F_COUNT };

static int parse(lcp_dcap_qe_identity *out, const uint8_t *json, size_t len, char *err)
{
    lcp_json_value root;
    char e2[LCP_ERR_LEN] = "";
    if (lcp_json_parse(&root, json, len, e2) != LCP_OK) return COLL("%s", e2);
    if (root.type != LCP_JSON_OBJECT) return COLL("not a JSON object");
    lcp_dcap_json_field f[F_COUNT] = {
        [F_ID] = {"id", {0}},
        [F_VERSION] = {"version", {0}},
        [F_ISSUE] = {"issueDate", {0}},
        [F_NEXT] = {"nextUpdate", {0}},
        [F_EVAL] = {"tcbEvaluationDataNumber", {0}},
        [F_MISC] = {"miscselect", {0}},
        [F_MISC_MASK] = {"miscselectMask", {0}},
        [F_ATTR] = {"attributes", {0}},
        [F_ATTR_MASK] = {"attributesMask", {0}},
        [F_MRSIGNER] = {"mrsigner", {0}},
        [F_PROD] = {"isvprodid", {0}},
        [F_LEVELS] = {"tcbLevels", {0}},
    };
    int rc = lcp_dcap_json_fields(f, F_COUNT, &root, err);
    if (rc == LCP_OK) rc = lcp_dcap_json_need(&f[F_ID], LCP_JSON_STRING, err);
    if (rc != LCP_OK) return rc;
    const lcp_json_value *id = &f[F_ID].val;
    if (lcp_json_string_eq(id, "TD_QE", 5) || lcp_json_string_eq(id, "QVE", 3))
        return lcp_fail(err, LCP_ERR_ATTESTATION_UNSUPPORTED, "only the SGX QE identity (id \"QE\") is supported");
    if (!lcp_json_string_eq(id, "QE", 2)) return COLL("id is not \"QE\"");
    uint64_t x;
    if ((rc = lcp_dcap_json_uint(&x, &f[F_VERSION], UINT32_MAX, err)) != LCP_OK) return rc;
    if (x != 2) return COLL("version %llu, expected 2", (unsigned long long)x);
    out->version = 2;
    if ((rc = lcp_dcap_json_time(&out->issue_date, &f[F_ISSUE], err)) != LCP_OK) return rc;
    if ((rc = lcp_dcap_json_time(&out->next_update, &f[F_NEXT], err)) != LCP_OK) return rc;
    if ((rc = lcp_dcap_json_uint(&x, &f[F_EVAL], UINT32_MAX, err)) != LCP_OK) return rc;
    out->tcb_evaluation_data_number = (uint32_t)x;
    if ((rc = lcp_dcap_json_hex(out->miscselect, 4, &f[F_MISC], err)) != LCP_OK) return rc;
    if ((rc = lcp_dcap_json_hex(out->miscselect_mask, 4, &f[F_MISC_MASK], err)) != LCP_OK) return rc;
    if ((rc = lcp_dcap_json_hex(out->attributes, 16, &f[F_ATTR], err)) != LCP_OK) return rc;
    if ((rc = lcp_dcap_json_hex(out->attributes_mask, 16, &f[F_ATTR_MASK], err)) != LCP_OK) return rc;
    if ((rc = lcp_dcap_json_hex(out->mrsigner, 32, &f[F_MRSIGNER], err)) != LCP_OK) return rc;
    if ((rc = lcp_dcap_json_uint(&x, &f[F_PROD], 65535, err)) != LCP_OK) return rc;
    out->isv_prod_id = (uint16_t)x;

    return lcp_dcap_json_levels(&out->n_levels, &f[F_LEVELS], LCP_DCAP_MAX_QE_TCB_LEVELS, level_at, out, err);
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
