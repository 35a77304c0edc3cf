/* Field readers for Intel's signed collateral JSON (TCB Info, QE Identity, spec/dcap.md 2.4), on top of the
 * raw-span reader of codec/json. Each reader checks type and range and words its error after the member name;
 * the callers prefix the document's name. Every failure is LCP_ERR_ATTESTATION_COLLATERAL. */
#include "dcap_internal.h"

#include <string.h>

#define COLL(...) lcp_fail(err, LCP_ERR_ATTESTATION_COLLATERAL, __VA_ARGS__)

int lcp_dcap_json_member(lcp_json_value *out, const lcp_json_value *obj, const char *key, lcp_json_type type,
                         char *err)
{
    char e2[LCP_ERR_LEN] = "";
    int rc = lcp_json_get(out, obj, key, e2);
    if (rc == LCP_ERR_JSON_MISSING) return COLL("missing \"%s\"", key);
    if (rc != LCP_OK) return COLL("\"%s\": %s", key, e2);
    if (type != LCP_JSON_INVALID && out->type != type)
        return COLL("\"%s\" is %s, expected %s", key, lcp_json_type_name(out->type), lcp_json_type_name(type));
    return LCP_OK;
}

int lcp_dcap_json_uint(uint64_t *out, const lcp_json_value *obj, const char *key, uint64_t max, char *err)
{
    lcp_json_value v;
    int rc = lcp_dcap_json_member(&v, obj, key, LCP_JSON_NUMBER, err);
    if (rc != LCP_OK) return rc;
    uint64_t x;
    char e2[LCP_ERR_LEN] = "";
    if (lcp_json_u64(&x, &v, e2) != LCP_OK) return COLL("\"%s\": %s", key, e2);
    if (x > max) return COLL("\"%s\" is %llu, above %llu", key, (unsigned long long)x, (unsigned long long)max);
    *out = x;
    return LCP_OK;
}

/* The content of a string member that has no escapes (every string Intel signs is plain ASCII). */
static int plain_string(lcp_bytes *out, const lcp_json_value *obj, const char *key, char *err)
{
    lcp_json_value v;
    int rc = lcp_dcap_json_member(&v, obj, key, LCP_JSON_STRING, err);
    if (rc != LCP_OK) return rc;
    char e2[LCP_ERR_LEN] = "";
    if (lcp_json_string_view(out, &v, e2) != LCP_OK) return COLL("\"%s\": %s", key, e2);
    return LCP_OK;
}

int lcp_dcap_json_hex(uint8_t *out, size_t n, const lcp_json_value *obj, const char *key, char *err)
{
    lcp_bytes s;
    int rc = plain_string(&s, obj, key, err);
    if (rc != LCP_OK) return rc;
    size_t got = 0;
    /* Exactly 2n digits: a "0x" prefix would decode to n-1 bytes and is refused by the length check. */
    if (s.len != 2 * n || lcp_hex_decode(out, n, &got, (const char *)s.ptr, s.len, NULL) != LCP_OK || got != n)
        return COLL("\"%s\" is not %zu hex digits", key, 2 * n);
    return LCP_OK;
}

int lcp_dcap_json_time(int64_t *out, const lcp_json_value *obj, const char *key, char *err)
{
    lcp_bytes s;
    int rc = plain_string(&s, obj, key, err);
    if (rc != LCP_OK) return rc;
    /* Intel writes UTC with a 'Z' designator (RFC 3339); nothing else is accepted. */
    if (s.len < 2 || s.ptr[s.len - 1] != 'Z') return COLL("\"%s\" is not a UTC time ending in 'Z'", key);
    char e2[LCP_ERR_LEN] = "";
    if (lcp_time_parse_iso8601(out, NULL, (const char *)s.ptr, s.len - 1, e2) != LCP_OK)
        return COLL("\"%s\": %s", key, e2);
    return LCP_OK;
}

int lcp_dcap_json_status(lcp_dcap_tcb_status *out, const lcp_json_value *obj, char *err)
{
    lcp_bytes s;
    int rc = plain_string(&s, obj, "tcbStatus", err);
    if (rc != LCP_OK) return rc;
    if (lcp_dcap_tcb_status_parse(out, (const char *)s.ptr, s.len) != LCP_OK)
        return COLL("unknown tcbStatus \"%.*s\"", (int)(s.len > 64 ? 64 : s.len), (const char *)s.ptr);
    return LCP_OK;
}

int lcp_dcap_json_advisories(lcp_json_value *out, const lcp_json_value *obj, char *err)
{
    lcp_json_value arr, el;
    char e2[LCP_ERR_LEN] = "";
    int rc = lcp_json_get(&arr, obj, "advisoryIDs", e2);
    if (rc == LCP_ERR_JSON_MISSING) {
        memset(out, 0, sizeof *out);
        return LCP_OK;
    }
    if (rc != LCP_OK) return COLL("\"advisoryIDs\": %s", e2);
    if (arr.type != LCP_JSON_ARRAY) return COLL("\"advisoryIDs\" is not an array");
    lcp_json_iter it;
    if (lcp_json_iter_init(&it, &arr, e2) != LCP_OK) return COLL("\"advisoryIDs\": %s", e2);
    size_t n = 0;
    while ((rc = lcp_json_array_next(&el, &it, e2)) == 1) {
        lcp_bytes s;
        if (el.type != LCP_JSON_STRING || lcp_json_string_view(&s, &el, NULL) != LCP_OK || s.len == 0 ||
            s.len > LCP_DCAP_ADVISORY_ID_MAX)
            return COLL("advisory ID %zu is not a plain string of 1 to %d characters", n, LCP_DCAP_ADVISORY_ID_MAX);
        if (++n > LCP_DCAP_MAX_ADVISORY_IDS) return COLL("more than %d advisory IDs", LCP_DCAP_MAX_ADVISORY_IDS);
    }
    if (rc < 0) return COLL("\"advisoryIDs\": %s", e2);
    *out = arr;
    return LCP_OK;
}

int lcp_dcap_json_string_is(const lcp_json_value *obj, const char *key, const char *s)
{
    lcp_json_value v;
    return lcp_json_get(&v, obj, key, NULL) == LCP_OK && lcp_json_string_eq(&v, s, strlen(s));
}
