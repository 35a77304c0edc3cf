/* Field readers for Intel's signed collateral JSON (TCB Info, QE Identity, spec/dcap.md 2.4), on top of the
 * raw-span reader of codec/json. An object's members are gathered in one pass (lcp_dcap_json_fields); each reader
 * then checks type and range and words its error after the member's name, and the callers prefix the document's
 * name. Every failure is LCP_ERR_ATTESTATION_COLLATERAL. */
#include "dcap_internal.h"

#include <stdio.h>
#include <string.h>

#define COLL(...) lcp_fail(err, LCP_ERR_ATTESTATION_COLLATERAL, __VA_ARGS__)

int lcp_dcap_json_fields(lcp_dcap_json_field *f, size_t n, const lcp_json_value *obj, char *err)
{
    for (size_t i = 0; i < n; i++) memset(&f[i].val, 0, sizeof f[i].val);
    if (obj->type != LCP_JSON_OBJECT) return COLL("expected an object, got %s", lcp_json_type_name(obj->type));
    lcp_json_iter it;
    lcp_json_value name, val;
    char e2[LCP_ERR_LEN] = "";
    if (lcp_json_iter_init(&it, obj, e2) != LCP_OK) return COLL("%s", e2);
    int rc;
    while ((rc = lcp_json_object_next(&name, &val, &it, e2)) == 1)
        for (size_t i = 0; i < n; i++)
            if (lcp_json_string_eq(&name, f[i].name, strlen(f[i].name))) {
                if (f[i].val.type != LCP_JSON_INVALID) return COLL("duplicate member \"%s\"", f[i].name);
                f[i].val = val;
                break;
            }
    return rc < 0 ? COLL("%s", e2) : LCP_OK;
}

int lcp_dcap_json_need(const lcp_dcap_json_field *f, lcp_json_type type, char *err)
{
    if (f->val.type == LCP_JSON_INVALID) return COLL("missing \"%s\"", f->name);
    if (type != LCP_JSON_INVALID && f->val.type != type)
        return COLL("\"%s\" is %s, expected %s", f->name, lcp_json_type_name(f->val.type), lcp_json_type_name(type));
    return LCP_OK;
}

int lcp_dcap_json_uint(uint64_t *out, const lcp_dcap_json_field *f, uint64_t max, char *err)
{
    int rc = lcp_dcap_json_need(f, LCP_JSON_NUMBER, err);
    if (rc != LCP_OK) return rc;
    uint64_t x;
    char e2[LCP_ERR_LEN] = "";
    if (lcp_json_u64(&x, &f->val, e2) != LCP_OK) return COLL("\"%s\": %s", f->name, e2);
    if (x > max) return COLL("\"%s\" is %llu, above %llu", f->name, (unsigned long long)x, (unsigned long long)max);
    *out = x;
    return LCP_OK;
}

int lcp_dcap_json_plain(lcp_bytes *out, const lcp_dcap_json_field *f, char *err)
{
    int rc = lcp_dcap_json_need(f, LCP_JSON_STRING, err);
    if (rc != LCP_OK) return rc;
    char e2[LCP_ERR_LEN] = "";
    /* Every string Intel signs is plain ASCII: escapes would only add readings of the same text. */
    if (lcp_json_string_view(out, &f->val, e2) != LCP_OK) return COLL("\"%s\": %s", f->name, e2);
    return LCP_OK;
}

int lcp_dcap_json_hex(uint8_t *out, size_t n, const lcp_dcap_json_field *f, char *err)
{
    lcp_bytes s;
    int rc = lcp_dcap_json_plain(&s, f, err);
    if (rc != LCP_OK) return rc;
    size_t got = 0;
    /* Exactly 2n digits: a "0x" prefix would decode to n-1 bytes and is refused by the length check. */
    if (s.len != 2 * n || lcp_hex_decode(out, n, &got, (const char *)s.ptr, s.len, NULL) != LCP_OK || got != n)
        return COLL("\"%s\" is not %zu hex digits", f->name, 2 * n);
    return LCP_OK;
}

int lcp_dcap_json_time(int64_t *out, const lcp_dcap_json_field *f, char *err)
{
    lcp_bytes s;
    int rc = lcp_dcap_json_plain(&s, f, err);
    if (rc != LCP_OK) return rc;
    /* Intel writes UTC with a 'Z' designator (RFC 3339); nothing else is accepted. */
    if (s.len < 2 || s.ptr[s.len - 1] != 'Z') return COLL("\"%s\" is not a UTC time ending in 'Z'", f->name);
    char e2[LCP_ERR_LEN] = "";
    if (lcp_time_parse_iso8601(out, NULL, (const char *)s.ptr, s.len - 1, e2) != LCP_OK)
        return COLL("\"%s\": %s", f->name, e2);
    return LCP_OK;
}

int lcp_dcap_json_status(lcp_dcap_tcb_status *out, const lcp_dcap_json_field *f, char *err)
{
    lcp_bytes s;
    int rc = lcp_dcap_json_plain(&s, f, err);
    if (rc != LCP_OK) return rc;
    if (lcp_dcap_tcb_status_parse(out, (const char *)s.ptr, s.len) != LCP_OK)
        return COLL("unknown %s \"%.*s\"", f->name, (int)(s.len > 64 ? 64 : s.len), (const char *)s.ptr);
    return LCP_OK;
}

int lcp_dcap_json_advisories(lcp_json_value *out, const lcp_dcap_json_field *f, char *err)
{
    memset(out, 0, sizeof *out);
    if (f->val.type == LCP_JSON_INVALID) return LCP_OK; /* optional: absent when a level has none */
    if (f->val.type != LCP_JSON_ARRAY) return COLL("\"%s\" is not an array", f->name);
    lcp_json_iter it;
    lcp_json_value el;
    char e2[LCP_ERR_LEN] = "";
    if (lcp_json_iter_init(&it, &f->val, e2) != LCP_OK) return COLL("\"%s\": %s", f->name, e2);
    size_t n = 0;
    int rc;
    while ((rc = lcp_json_array_next(&el, &it, e2)) == 1) {
        lcp_bytes s;
        if (el.type != LCP_JSON_STRING || lcp_json_string_view(&s, &el, NULL) != LCP_OK || s.len == 0 ||
            s.len > LCP_DCAP_ADVISORY_ID_MAX)
            return COLL("advisory ID %zu is not a plain string of 1 to %d characters", n, LCP_DCAP_ADVISORY_ID_MAX);
        if (++n > LCP_DCAP_MAX_ADVISORY_IDS) return COLL("more than %d advisory IDs", LCP_DCAP_MAX_ADVISORY_IDS);
    }
    if (rc < 0) return COLL("\"%s\": %s", f->name, e2);
    *out = f->val;
    return LCP_OK;
}

int lcp_dcap_json_levels(size_t *n, const lcp_dcap_json_field *f, size_t max, lcp_dcap_level_fn one, void *ctx,
                         char *err)
{
    int rc = lcp_dcap_json_need(f, LCP_JSON_ARRAY, err);
    if (rc != LCP_OK) return rc;
    lcp_json_iter it;
    lcp_json_value el;
    char e2[LCP_ERR_LEN] = "";
    if (lcp_json_iter_init(&it, &f->val, e2) != LCP_OK) return COLL("\"%s\": %s", f->name, e2);
    size_t i = 0;
    while ((rc = lcp_json_array_next(&el, &it, e2)) == 1) {
        if (i == max) return COLL("more than %zu TCB levels", max);
        if (el.type != LCP_JSON_OBJECT) return COLL("TCB level %zu is not an object", i);
        if ((rc = one(ctx, i, &el, err)) != LCP_OK) {
            char inner[LCP_ERR_LEN];
            snprintf(inner, sizeof inner, "%s", err ? err : "");
            return COLL("TCB level %zu: %s", i, inner);
        }
        i++;
    }
    if (rc < 0) return COLL("\"%s\": %s", f->name, e2);
    if (i == 0) return COLL("no TCB levels");
    *n = i;
    return LCP_OK;
}
