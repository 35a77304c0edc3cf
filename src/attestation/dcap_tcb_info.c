/* TCB Info v2 and v3 (spec/dcap.md 2.4): the signed description of one platform family's (FMSPC's) TCB levels.
 * Parsed from the exact signed text into fixed-size levels; nothing is re-serialised. */
#include "dcap_internal.h"

#include <stdio.h>
#include <string.h>

#define COLL(...) lcp_fail(err, LCP_ERR_ATTESTATION_COLLATERAL, __VA_ARGS__)

/* v3: "sgxtcbcomponents": [{"svn": n, ...} x 16]. Other members of a component (category, type) are descriptive. */
static int components_v3(lcp_dcap_tcb_level *lv, const lcp_dcap_json_field *comps, char *err)
{
    int rc = lcp_dcap_json_need(comps, LCP_JSON_ARRAY, err);
    if (rc != LCP_OK) return rc;
    lcp_json_iter it;
    lcp_json_value el;
    size_t n = 0;
    if (lcp_json_iter_init(&it, &comps->val, NULL) != LCP_OK) return COLL("\"sgxtcbcomponents\" is malformed");
    while ((rc = lcp_json_array_next(&el, &it, NULL)) == 1) {
        if (n == LCP_DCAP_TCB_COMPONENTS) return COLL("\"sgxtcbcomponents\" has more than 16 entries");
        lcp_dcap_json_field svn = {"svn", {0}};
        uint64_t x;
        if (el.type != LCP_JSON_OBJECT) return COLL("TCB component %zu is not an object", n + 1);
        if ((rc = lcp_dcap_json_fields(&svn, 1, &el, err)) != LCP_OK) return rc;
        if ((rc = lcp_dcap_json_uint(&x, &svn, 255, err)) != LCP_OK) return rc;
        lv->comp_svn[n++] = (uint8_t)x;
    }
    if (rc < 0) return COLL("\"sgxtcbcomponents\" is malformed");
    if (n != LCP_DCAP_TCB_COMPONENTS) return COLL("\"sgxtcbcomponents\" has %zu entries, expected 16", n);
    return LCP_OK;
}

/* Member names of a level's "tcb" object: v2 has sgxtcbcomp01svn..16svn, v3 sgxtcbcomponents; both pcesvn. */
static const char *const V2_COMP[LCP_DCAP_TCB_COMPONENTS] = {
    "sgxtcbcomp01svn", "sgxtcbcomp02svn", "sgxtcbcomp03svn", "sgxtcbcomp04svn", "sgxtcbcomp05svn", "sgxtcbcomp06svn",
    "sgxtcbcomp07svn", "sgxtcbcomp08svn", "sgxtcbcomp09svn", "sgxtcbcomp10svn", "sgxtcbcomp11svn", "sgxtcbcomp12svn",
    "sgxtcbcomp13svn", "sgxtcbcomp14svn", "sgxtcbcomp15svn", "sgxtcbcomp16svn"};

static int tcb_object(lcp_dcap_tcb_level *lv, const lcp_dcap_json_field *tcbf, uint32_t version, char *err)
{
    int rc = lcp_dcap_json_need(tcbf, LCP_JSON_OBJECT, err);
    if (rc != LCP_OK) return rc;
    lcp_dcap_json_field f[LCP_DCAP_TCB_COMPONENTS + 1];
    size_t n = 0;
    f[n++] = (lcp_dcap_json_field){"pcesvn", {0}};
    if (version == 3) f[n++] = (lcp_dcap_json_field){"sgxtcbcomponents", {0}};
    else
        for (int i = 0; i < LCP_DCAP_TCB_COMPONENTS; i++) f[n++] = (lcp_dcap_json_field){V2_COMP[i], {0}};
    if ((rc = lcp_dcap_json_fields(f, n, &tcbf->val, err)) != LCP_OK) return rc;
    uint64_t x;
    if ((rc = lcp_dcap_json_uint(&x, &f[0], 65535, err)) != LCP_OK) return rc;
    lv->pce_svn = (uint16_t)x;
    if (version == 3) return components_v3(lv, &f[1], err);
    for (int i = 0; i < LCP_DCAP_TCB_COMPONENTS; i++) {
        if ((rc = lcp_dcap_json_uint(&x, &f[1 + i], 255, err)) != LCP_OK) return rc;
        lv->comp_svn[i] = (uint8_t)x;
    }
    return LCP_OK;
}

static int level(lcp_dcap_tcb_level *lv, const lcp_json_value *obj, uint32_t version, char *err)
{
    lcp_dcap_json_field f[] = {{"tcb", {0}}, {"tcbDate", {0}}, {"tcbStatus", {0}}, {"advisoryIDs", {0}}};
    int rc = lcp_dcap_json_fields(f, 4, obj, err);
    if (rc == LCP_OK) rc = tcb_object(lv, &f[0], version, err);
    if (rc == LCP_OK) rc = lcp_dcap_json_time(&lv->tcb_date, &f[1], err);
    if (rc == LCP_OK) rc = lcp_dcap_json_status(&lv->status, &f[2], err);
    if (rc == LCP_OK) rc = lcp_dcap_json_advisories(&lv->advisory_ids, &f[3], err);
    return rc;
}

static int level_at(void *ctx, size_t i, const lcp_json_value *obj, char *err)
{
    lcp_dcap_tcb_info *t = ctx;
    return level(&t->levels[i], obj, t->version, err);
}

enum { F_ID, F_VERSION, F_ISSUE, F_NEXT, F_FMSPC, F_PCEID, F_TYPE, F_EVAL, F_LEVELS, F_COUNT };

static int parse(lcp_dcap_tcb_info *out, const uint8_t *json, size_t len, char *err)
{
    lcp_json_value root;
    char e2[LCP_ERR_LEN] = "";
    if (lcp_json_parse(&root, json, len, e2) != LCP_OK) return COLL("%s", e2);
    if (root.type != LCP_JSON_OBJECT) return COLL("not a JSON object");
    lcp_dcap_json_field f[F_COUNT] = {
        [F_ID] = {"id", {0}},           [F_VERSION] = {"version", {0}},  [F_ISSUE] = {"issueDate", {0}},
        [F_NEXT] = {"nextUpdate", {0}}, [F_FMSPC] = {"fmspc", {0}},      [F_PCEID] = {"pceId", {0}},
        [F_TYPE] = {"tcbType", {0}},    [F_EVAL] = {"tcbEvaluationDataNumber", {0}}, [F_LEVELS] = {"tcbLevels", {0}},
    };
    int rc = lcp_dcap_json_fields(f, F_COUNT, &root, err);
    if (rc != LCP_OK) return rc;
    uint64_t x;
    if ((rc = lcp_dcap_json_uint(&x, &f[F_VERSION], 3, err)) != LCP_OK) return rc;
    if (x != 2 && x != 3) return COLL("version %llu, expected 2 or 3", (unsigned long long)x);
    out->version = (uint32_t)x;
    /* v3 names its TEE; v2 predates TDX and has no id. A TDX TCB Info is well-formed but not ours to verify. */
    const lcp_json_value *id = &f[F_ID].val;
    if (out->version == 3 || id->type != LCP_JSON_INVALID) {
        if (id->type == LCP_JSON_INVALID) return COLL("missing \"id\"");
        if (lcp_json_string_eq(id, "TDX", 3))
            return lcp_fail(err, LCP_ERR_ATTESTATION_UNSUPPORTED, "id \"TDX\": only SGX TCB Info is supported");
        if (!lcp_json_string_eq(id, "SGX", 3)) return COLL("id is not \"SGX\"");
    }
    if ((rc = lcp_dcap_json_time(&out->issue_date, &f[F_ISSUE], err)) != LCP_OK) return rc;
    if ((rc = lcp_dcap_json_time(&out->next_update, &f[F_NEXT], err)) != LCP_OK) return rc;
    if ((rc = lcp_dcap_json_hex(out->fmspc, sizeof out->fmspc, &f[F_FMSPC], err)) != LCP_OK) return rc;
    if ((rc = lcp_dcap_json_hex(out->pce_id, sizeof out->pce_id, &f[F_PCEID], err)) != LCP_OK) return rc;
    if ((rc = lcp_dcap_json_uint(&x, &f[F_TYPE], UINT32_MAX, err)) != LCP_OK) return rc;
    /* Type 0 is the only one defined: the 16 components are compared with the PCK certificate's directly. */
    if (x != 0) return COLL("tcbType %llu, expected 0", (unsigned long long)x);
    out->tcb_type = 0;
    if ((rc = lcp_dcap_json_uint(&x, &f[F_EVAL], UINT32_MAX, err)) != LCP_OK) return rc;
    out->tcb_evaluation_data_number = (uint32_t)x;

    return lcp_dcap_json_levels(&out->n_levels, &f[F_LEVELS], LCP_DCAP_MAX_TCB_LEVELS, level_at, out, err);
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
