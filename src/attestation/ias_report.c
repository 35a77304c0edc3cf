/* IAS attestation verification report: parsing the AVR JSON and its quote body (lcp/attestation_ias.h).
 * Member names and meanings: spec 5.1 and dcap.md 3; quote header layout: dcap.md 1.4. */
#include "lcp/attestation_ias.h"

#include <string.h>

#include "lcp/codec_json.h"

static const char *const STATUS_NAMES[] = {
    [LCP_IAS_STATUS_OK] = "OK",
    [LCP_IAS_STATUS_SIGNATURE_INVALID] = "SIGNATURE_INVALID",
    [LCP_IAS_STATUS_GROUP_REVOKED] = "GROUP_REVOKED",
    [LCP_IAS_STATUS_SIGNATURE_REVOKED] = "SIGNATURE_REVOKED",
    [LCP_IAS_STATUS_KEY_REVOKED] = "KEY_REVOKED",
    [LCP_IAS_STATUS_SIGRL_VERSION_MISMATCH] = "SIGRL_VERSION_MISMATCH",
    [LCP_IAS_STATUS_GROUP_OUT_OF_DATE] = "GROUP_OUT_OF_DATE",
    [LCP_IAS_STATUS_CONFIGURATION_NEEDED] = "CONFIGURATION_NEEDED",
    [LCP_IAS_STATUS_SW_HARDENING_NEEDED] = "SW_HARDENING_NEEDED",
    [LCP_IAS_STATUS_CONFIGURATION_AND_SW_HARDENING_NEEDED] = "CONFIGURATION_AND_SW_HARDENING_NEEDED",
};
#define N_STATUS (sizeof STATUS_NAMES / sizeof STATUS_NAMES[0])

const char *lcp_ias_status_name(lcp_ias_quote_status s)
{
    return (unsigned)s < N_STATUS ? STATUS_NAMES[s] : "UNKNOWN";
}

int lcp_ias_status_from_name(lcp_ias_quote_status *s, const char *name, size_t len)
{
    LCP_ARG_CHECK(s != NULL && (name != NULL || len == 0));
    for (size_t i = 0; i < N_STATUS; i++)
        if (strlen(STATUS_NAMES[i]) == len && memcmp(STATUS_NAMES[i], name, len) == 0) {
            *s = (lcp_ias_quote_status)i;
            return LCP_OK;
        }
    return LCP_ERR_ATTESTATION_UNSUPPORTED;
}


enum { REQUIRED = 1, OPTIONAL = 0 };

/* Looks up member key. Returns LCP_OK with *v, 1 if absent and optional, or a failure (with "AVR <key>: " context).
 * Absence of a required member and duplicates are errors. */
static int member(lcp_json_value *v, const lcp_json_value *root, const char *key, int required, char *err)
{
    int rc = lcp_json_get(v, root, key, err);
    if (rc == LCP_ERR_JSON_MISSING && !required) return 1;
    if (rc != LCP_OK) return lcp_fail(err, LCP_ERR_ATTESTATION, "AVR: %s member \"%s\"",
                                      rc == LCP_ERR_JSON_DUPLICATE ? "duplicate" : "missing or malformed", key);
    return LCP_OK;
}

/* A string member as a view of its content. null is accepted (as absent) only when allow_null. */
static int string_member(lcp_bytes *out, const lcp_json_value *root, const char *key, int required, int allow_null,
                         char *err)
{
    lcp_json_value v;
    int rc = member(&v, root, key, required, err);
    out->ptr = NULL;
    out->len = 0;
    if (rc == 1) return LCP_OK;
    if (rc != LCP_OK) return rc;
    if (allow_null && lcp_json_is_null(&v)) return LCP_OK;
    if (v.type != LCP_JSON_STRING)
        return lcp_fail(err, LCP_ERR_ATTESTATION, "AVR: \"%s\" is a %s, expected a string", key,
                        lcp_json_type_name(v.type));
    if (lcp_json_string_view(out, &v, NULL) != LCP_OK)
        return lcp_fail(err, LCP_ERR_ATTESTATION, "AVR: \"%s\" contains JSON escapes (IAS never writes them)", key);
    return LCP_OK;
}

static int u64_member(uint64_t *out, int *present, const lcp_json_value *root, const char *key, int required,
                      char *err)
{
    lcp_json_value v;
    int rc = member(&v, root, key, required, err);
    if (present) *present = 0;
    if (rc == 1) return LCP_OK;
    if (rc != LCP_OK) return rc;
    char jerr[LCP_ERR_LEN] = "";
    if (lcp_json_u64(out, &v, jerr) != LCP_OK)
        return lcp_fail(err, LCP_ERR_ATTESTATION, "AVR: \"%s\": %s", key, jerr);
    if (present) *present = 1;
    return LCP_OK;
}

static int parse_advisories(lcp_ias_report *r, const lcp_json_value *root, char *err)
{
    lcp_json_value arr, e;
    int rc = member(&arr, root, "advisoryIDs", OPTIONAL, err);
    if (rc == 1) return LCP_OK;
    if (rc != LCP_OK) return rc;
    if (arr.type != LCP_JSON_ARRAY) return lcp_fail(err, LCP_ERR_ATTESTATION, "AVR: \"advisoryIDs\" is not an array");
    lcp_json_iter it;
    if (lcp_json_iter_init(&it, &arr, err) != LCP_OK) return lcp_fail_ctx(err, LCP_ERR_ATTESTATION, "AVR");
    r->has_advisory_ids = 1;
    while ((rc = lcp_json_array_next(&e, &it, err)) == 1) {
        if (r->n_advisory_ids == LCP_IAS_MAX_ADVISORIES)
            return lcp_fail(err, LCP_ERR_ATTESTATION, "AVR: more than %d advisory IDs", LCP_IAS_MAX_ADVISORIES);
        lcp_bytes *id = &r->advisory_ids[r->n_advisory_ids];
        if (e.type != LCP_JSON_STRING || lcp_json_string_view(id, &e, NULL) != LCP_OK)
            return lcp_fail(err, LCP_ERR_ATTESTATION, "AVR: advisory ID %zu is not a plain string", r->n_advisory_ids);
        r->n_advisory_ids++;
    }
    if (rc < 0) return lcp_fail_ctx(err, LCP_ERR_ATTESTATION, "AVR advisoryIDs");
    return LCP_OK;
}

/* isvEnclaveQuoteBody: base64 of exactly the 432 signed bytes of sgx_quote_t (Solidity insists on 576 characters;
 * a strict decoder plus the exact length is the same rule). */
static int parse_quote_body(lcp_ias_report *r, const lcp_json_value *root, char *err)
{
    lcp_json_value v;
    int rc = member(&v, root, "isvEnclaveQuoteBody", REQUIRED, err);
    if (rc != LCP_OK) return rc;
    char b64[4 * (LCP_IAS_QUOTE_BODY_LEN / 3) + 8];
    size_t n;
    if (v.type != LCP_JSON_STRING || lcp_json_string(b64, sizeof b64, &n, &v, NULL) != LCP_OK)
        return lcp_fail(err, LCP_ERR_ATTESTATION_REPORT, "AVR: isvEnclaveQuoteBody is not a base64 string of %d bytes",
                        LCP_IAS_QUOTE_BODY_LEN);
    uint8_t body[LCP_IAS_QUOTE_BODY_LEN + 8];
    size_t bl = 0;
    char berr[LCP_ERR_LEN] = "";
    if (lcp_base64_decode(body, sizeof body, &bl, b64, n, berr) != LCP_OK)
        return lcp_fail(err, LCP_ERR_ATTESTATION_REPORT, "AVR: isvEnclaveQuoteBody: %s", berr);
    if (bl != LCP_IAS_QUOTE_BODY_LEN)
        return lcp_fail(err, LCP_ERR_ATTESTATION_REPORT, "AVR: isvEnclaveQuoteBody decodes to %zu bytes, expected %d",
                        bl, LCP_IAS_QUOTE_BODY_LEN);
    memcpy(r->quote_body, body, LCP_IAS_QUOTE_BODY_LEN);
    r->quote_version = lcp_le16(body + 0);
    r->quote_sign_type = lcp_le16(body + 2);
    memcpy(r->epid_group_id, body + 4, 4);
    r->qe_svn = lcp_le16(body + 8);
    r->pce_svn = lcp_le16(body + 10);
    return lcp_sgx_report_body_parse(&r->report_body, body + LCP_IAS_QUOTE_HEADER_LEN, LCP_SGX_REPORT_BODY_LEN, err);
}

int lcp_ias_report_parse(lcp_ias_report *out, const uint8_t *avr, size_t avr_len, char *err)
{
    LCP_ARG_CHECK(out != NULL && (avr != NULL || avr_len == 0));
    if (avr_len > LCP_IAS_MAX_REPORT_LEN)
        return lcp_fail(err, LCP_ERR_ATTESTATION, "AVR of %zu bytes exceeds %u", avr_len, LCP_IAS_MAX_REPORT_LEN);
    lcp_ias_report r;
    memset(&r, 0, sizeof r);
    lcp_json_value root;
    int rc = lcp_json_parse(&root, avr, avr_len, err);
    if (rc != LCP_OK) return lcp_fail_ctx(err, LCP_ERR_ATTESTATION, "AVR");
    if (root.type != LCP_JSON_OBJECT) return lcp_fail(err, LCP_ERR_ATTESTATION, "AVR is not a JSON object");

    uint64_t version = 0;
    if ((rc = u64_member(&version, NULL, &root, "version", REQUIRED, err)) != LCP_OK) return rc;
    /* lcp itself accepts only 4; oasis-core accepts 5 too, whose only addition is tcbEvaluationDataNumber. */
    if (version != 4 && version != 5)
        return lcp_fail(err, LCP_ERR_ATTESTATION_UNSUPPORTED, "AVR version %llu (only 4 and 5 are known)",
                        (unsigned long long)version);
    r.version = (uint32_t)version;

    if ((rc = string_member(&r.id, &root, "id", REQUIRED, 0, err)) != LCP_OK) return rc;
    if ((rc = string_member(&r.timestamp, &root, "timestamp", REQUIRED, 0, err)) != LCP_OK) return rc;
    char terr[LCP_ERR_LEN] = "";
    if (lcp_time_parse_iso8601(&r.timestamp_secs, &r.timestamp_nanos, (const char *)r.timestamp.ptr,
                               r.timestamp.len, terr) != LCP_OK)
        return lcp_fail(err, LCP_ERR_ATTESTATION, "AVR timestamp: %s", terr);

    lcp_bytes status;
    if ((rc = string_member(&status, &root, "isvEnclaveQuoteStatus", REQUIRED, 0, err)) != LCP_OK) return rc;
    if (lcp_ias_status_from_name(&r.status, (const char *)status.ptr, status.len) != LCP_OK)
        return lcp_fail(err, LCP_ERR_ATTESTATION_UNSUPPORTED, "AVR: unknown isvEnclaveQuoteStatus \"%.*s\"",
                        (int)(status.len < 64 ? status.len : 64), (const char *)status.ptr);

    if ((rc = string_member(&r.advisory_url, &root, "advisoryURL", OPTIONAL, 0, err)) != LCP_OK) return rc;
    if ((rc = parse_advisories(&r, &root, err)) != LCP_OK) return rc;
    if ((rc = string_member(&r.platform_info_blob, &root, "platformInfoBlob", OPTIONAL, 1, err)) != LCP_OK) return rc;
    if ((rc = string_member(&r.nonce, &root, "nonce", OPTIONAL, 0, err)) != LCP_OK) return rc;
    if ((rc = string_member(&r.epid_pseudonym, &root, "epidPseudonym", OPTIONAL, 0, err)) != LCP_OK) return rc;
    if ((rc = string_member(&r.pse_manifest_status, &root, "pseManifestStatus", OPTIONAL, 0, err)) != LCP_OK)
        return rc;
    if ((rc = string_member(&r.pse_manifest_hash, &root, "pseManifestHash", OPTIONAL, 0, err)) != LCP_OK) return rc;
    if ((rc = u64_member(&r.revocation_reason, &r.has_revocation_reason, &root, "revocationReason", OPTIONAL,
                         err)) != LCP_OK)
        return rc;
    if ((rc = u64_member(&r.tcb_evaluation_data_number, &r.has_tcb_evaluation_data_number, &root,
                         "tcbEvaluationDataNumber", OPTIONAL, err)) != LCP_OK)
        return rc;
    if ((rc = parse_quote_body(&r, &root, err)) != LCP_OK) return rc;
    *out = r;
    return LCP_OK;
}
