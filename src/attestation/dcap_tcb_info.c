/* TCB Info v2 and v3 (spec/dcap.md 2.4): the signed description of one platform family's (FMSPC's) TCB levels.
 * Parsed from the exact signed text into fixed-size levels; nothing is re-serialised. */
#include "dcap_internal.h"

#include <stdio.h>
#include <string.h>

#define COLL(...) lcp_fail(err, LCP_ERR_ATTESTATION_COLLATERAL, __VA_ARGS__)

/* v3: "sgxtcbcomponents": [{"svn": n, ...} x 16]. Other members of a component (category, type) are descriptive. */
static int components_v3(lcp_dcap_tcb_level *lv, const lcp_json_value *tcb, char *err)
{
    lcp_json_value arr, el;
    int rc = lcp_dcap_json_member(&arr, tcb, "sgxtcbcomponents", LCP_JSON_ARRAY, err);
    if (rc != LCP_OK) return rc;
    size_t n = 0;
    if (lcp_json_count(&n, &arr, NULL) != LCP_OK || n != LCP_DCAP_TCB_COMPONENTS)
        return COLL("\"sgxtcbcomponents\" has %zu entries, expected 16", n);
    for (size_t i = 0; i < LCP_DCAP_TCB_COMPONENTS; i++) {
        uint64_t svn;
        if (lcp_json_array_at(&el, &arr, i, NULL) != LCP_OK || el.type != LCP_JSON_OBJECT)
            return COLL("TCB component %zu is not an object", i + 1);
        if ((rc = lcp_dcap_json_uint(&svn, &el, "svn", 255, err)) != LCP_OK) return rc;
        lv->comp_svn[i] = (uint8_t)svn;
    }
    return LCP_OK;
}

/* v2: "sgxtcbcomp01svn" .. "sgxtcbcomp16svn". */
static int components_v2(lcp_dcap_tcb_level *lv, const lcp_json_value *tcb, char *err)
{
    for (int i = 0; i < LCP_DCAP_TCB_COMPONENTS; i++) {
        char key[32];
        uint64_t svn;
        snprintf(key, sizeof key, "sgxtcbcomp%02dsvn", i + 1);
        int rc = lcp_dcap_json_uint(&svn, tcb, key, 255, err);
        if (rc != LCP_OK) return rc;
        lv->comp_svn[i] = (uint8_t)svn;
    }
    return LCP_OK;
}

static int level(lcp_dcap_tcb_level *lv, const lcp_json_value *obj, uint32_t version, char *err)
{
    lcp_json_value tcb;
    uint64_t pcesvn = 0;
    int rc = lcp_dcap_json_member(&tcb, obj, "tcb", LCP_JSON_OBJECT, err);
    if (rc == LCP_OK) rc = version == 3 ? components_v3(lv, &tcb, err) : components_v2(lv, &tcb, err);
    if (rc == LCP_OK) rc = lcp_dcap_json_uint(&pcesvn, &tcb, "pcesvn", 65535, err);
    if (rc == LCP_OK) rc = lcp_dcap_json_time(&lv->tcb_date, obj, "tcbDate", err);
    if (rc == LCP_OK) rc = lcp_dcap_json_status(&lv->status, obj, err);
    if (rc == LCP_OK) rc = lcp_dcap_json_advisories(&lv->advisory_ids, obj, err);
    lv->pce_svn = (uint16_t)pcesvn;
    return rc;
}

static int parse(lcp_dcap_tcb_info *out, const uint8_t *json, size_t len, char *err)
{
    lcp_json_value root, v;
    char e2[LCP_ERR_LEN] = "";
    if (lcp_json_parse(&root, json, len, e2) != LCP_OK) return COLL("%s", e2);
    if (root.type != LCP_JSON_OBJECT) return COLL("not a JSON object");
    uint64_t x;
    int rc = lcp_dcap_json_uint(&x, &root, "version", 3, err);
    if (rc != LCP_OK) return rc;
    if (x != 2 && x != 3) return COLL("version %llu, expected 2 or 3", (unsigned long long)x);
    out->version = (uint32_t)x;
    /* v3 names its TEE; v2 predates TDX and has no id. A TDX TCB Info is well-formed but not ours to verify. */
    int has_id = lcp_json_get(&v, &root, "id", NULL) == LCP_OK;
    if (out->version == 3 || has_id) {
        if (!has_id) return COLL("missing \"id\"");
        if (lcp_json_string_eq(&v, "TDX", 3))
            return lcp_fail(err, LCP_ERR_ATTESTATION_UNSUPPORTED, "id \"TDX\": only SGX TCB Info is supported");
        if (!lcp_json_string_eq(&v, "SGX", 3)) return COLL("id is not \"SGX\"");
    }
    if ((rc = lcp_dcap_json_time(&out->issue_date, &root, "issueDate", err)) != LCP_OK) return rc;
    if ((rc = lcp_dcap_json_time(&out->next_update, &root, "nextUpdate", err)) != LCP_OK) return rc;
    if ((rc = lcp_dcap_json_hex(out->fmspc, sizeof out->fmspc, &root, "fmspc", err)) != LCP_OK) return rc;
    if ((rc = lcp_dcap_json_hex(out->pce_id, sizeof out->pce_id, &root, "pceId", err)) != LCP_OK) return rc;
    if ((rc = lcp_dcap_json_uint(&x, &root, "tcbType", UINT32_MAX, err)) != LCP_OK) return rc;
    /* Type 0 is the only one defined: the 16 components are compared with the PCK certificate's directly. */
    if (x != 0) return COLL("tcbType %llu, expected 0", (unsigned long long)x);
    out->tcb_type = 0;
    if ((rc = lcp_dcap_json_uint(&x, &root, "tcbEvaluationDataNumber", UINT32_MAX, err)) != LCP_OK) return rc;
    out->tcb_evaluation_data_number = (uint32_t)x;

    lcp_json_value levels, el;
    if ((rc = lcp_dcap_json_member(&levels, &root, "tcbLevels", LCP_JSON_ARRAY, err)) != LCP_OK) return rc;
    lcp_json_iter it;
    if (lcp_json_iter_init(&it, &levels, e2) != LCP_OK) return COLL("\"tcbLevels\": %s", e2);
    size_t n = 0;
    while ((rc = lcp_json_array_next(&el, &it, e2)) == 1) {
        if (n == LCP_DCAP_MAX_TCB_LEVELS) return COLL("more than %d TCB levels", LCP_DCAP_MAX_TCB_LEVELS);
        if (el.type != LCP_JSON_OBJECT) return COLL("TCB level %zu is not an object", n);
        if ((rc = level(&out->levels[n], &el, out->version, err)) != LCP_OK) {
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

int lcp_dcap_tcb_info_parse(lcp_dcap_tcb_info *out, const uint8_t *json, size_t len, char *err)
{
    memset(out, 0, sizeof *out);
    int rc = parse(out, json, len, err);
    if (rc != LCP_OK) {
        memset(out, 0, sizeof *out);
        return lcp_fail_ctx(err, rc, "TCB Info");
    }
    out->body.ptr = json;
    out->body.len = len;
    return LCP_OK;
}
