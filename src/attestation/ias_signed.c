/* The JSON form of IASSignedReport {avr, signature, signing_cert} (lcp/attestation_ias.h, spec 5.1): what
 * `lcp attestation` writes and the LCP fixtures hold. Host / CLI side: allocates with lcp_malloc. */
#include "lcp/attestation_ias.h"

#include <string.h>

#include "lcp/codec_json.h"

/* Unescapes string member key of root into a new buffer. Out: *out, *len (without the NUL kept for convenience). */
static int take_string(uint8_t **out, size_t *len, const lcp_json_value *root, const char *key, char *err)
{
    lcp_json_value v;
    size_t n;
    int rc = lcp_json_get(&v, root, key, err);
    if (rc != LCP_OK) return rc;
    if ((rc = lcp_json_string_len(&n, &v, err)) != LCP_OK) return lcp_fail_ctx(err, rc, key);
    uint8_t *buf = lcp_malloc(n + 1);
    if (buf == NULL) return lcp_fail(err, LCP_ERR_NOMEM, "out of memory for \"%s\"", key);
    if ((rc = lcp_json_string((char *)buf, n + 1, len, &v, err)) != LCP_OK) {
        lcp_free(buf);
        return rc;
    }
    *out = buf;
    return LCP_OK;
}

/* A base64 string member decoded into a new buffer. */
static int take_base64(uint8_t **out, size_t *len, const lcp_json_value *root, const char *key, char *err)
{
    uint8_t *text;
    size_t tl;
    int rc = take_string(&text, &tl, root, key, err);
    if (rc != LCP_OK) return rc;
    size_t cap = lcp_base64_decoded_max(tl) + 1;
    uint8_t *bin = lcp_malloc(cap);
    if (bin == NULL) {
        lcp_free(text);
        return lcp_fail(err, LCP_ERR_NOMEM, "out of memory for \"%s\"", key);
    }
    rc = lcp_base64_decode(bin, cap, len, (const char *)text, tl, err);
    lcp_free(text);
    if (rc != LCP_OK) {
        lcp_free(bin);
        return lcp_fail_ctx(err, rc, key);
    }
    *out = bin;
    return LCP_OK;
}

int lcp_ias_signed_report_from_json(lcp_ias_signed_report *out, const uint8_t *json, size_t json_len, char *err)
{
    LCP_ARG_CHECK(out != NULL && (json != NULL || json_len == 0));
    lcp_ias_signed_report r;
    memset(&r, 0, sizeof r);
    lcp_json_value root;
    int rc = lcp_json_parse(&root, json, json_len, err);
    if (rc != LCP_OK) return lcp_fail_ctx(err, rc, "signed report");
    if (root.type != LCP_JSON_OBJECT) return lcp_fail(err, LCP_ERR_JSON_TYPE, "signed report is not a JSON object");
    if ((rc = take_string(&r.avr, &r.avr_len, &root, "avr", err)) != LCP_OK ||
        (rc = take_base64(&r.signature, &r.signature_len, &root, "signature", err)) != LCP_OK ||
        (rc = take_base64(&r.signing_cert, &r.signing_cert_len, &root, "signing_cert", err)) != LCP_OK) {
        lcp_ias_signed_report_free(&r);
        return rc;
    }
    *out = r;
    return LCP_OK;
}

void lcp_ias_signed_report_free(lcp_ias_signed_report *r)
{
    if (r == NULL) return;
    lcp_free(r->avr);
    lcp_free(r->signature);
    lcp_free(r->signing_cert);
    memset(r, 0, sizeof *r);
}
