/* Loading DCAP collateral: the one-file layout of dcap-qvl's QuoteCollateralV3 (what PCCS-backed tools save) and
 * the PCS response envelopes {"tcbInfo": {...}, "signature": "..."}. Nothing is verified here; loading only puts the
 * exact signed bytes and the raw signatures where lcp_dcap_collateral_verify expects them. */
#include "dcap_internal.h"

#include <string.h>

#define COLL(...) lcp_fail(err, LCP_ERR_ATTESTATION_COLLATERAL, __VA_ARGS__)

size_t lcp_dcap_collateral_json_storage_len(size_t json_len)
{
    /* Every value is a JSON string: unescaping never lengthens it and hex halves it, and each value's two quotes
     * pay for the NUL lcp_json_string writes; the +1 covers a document made of nothing else. */
    return json_len + 1;
}

typedef struct {
    uint8_t *p;
    size_t cap;
    size_t used;
} arena;

/* Unescapes string member key into the arena. */
static int take_text(lcp_bytes *out, arena *a, const lcp_json_value *root, const char *key, char *err)
{
    lcp_json_value v;
    int rc = lcp_dcap_json_member(&v, root, key, LCP_JSON_STRING, err);
    if (rc != LCP_OK) return rc;
    size_t n = 0;
    char e2[LCP_ERR_LEN] = "";
    if (lcp_json_string((char *)a->p + a->used, a->cap - a->used, &n, &v, e2) != LCP_OK)
        return COLL("\"%s\": %s", key, e2);
    out->ptr = a->p + a->used;
    out->len = n;
    a->used += n + 1;
    return LCP_OK;
}

/* Hex-decodes string member key into the arena. */
static int take_hex(lcp_bytes *out, arena *a, const lcp_json_value *root, const char *key, char *err)
{
    lcp_json_value v;
    lcp_bytes s;
    int rc = lcp_dcap_json_member(&v, root, key, LCP_JSON_STRING, err);
    if (rc != LCP_OK) return rc;
    size_t n = 0;
    if (lcp_json_string_view(&s, &v, NULL) != LCP_OK || s.len == 0 ||
        lcp_hex_decode(a->p + a->used, a->cap - a->used, &n, (const char *)s.ptr, s.len, NULL) != LCP_OK)
        return COLL("\"%s\" is not a hex string", key);
    out->ptr = a->p + a->used;
    out->len = n;
    a->used += n;
    return LCP_OK;
}

int lcp_dcap_collateral_from_json(lcp_dcap_collateral *out, uint8_t *storage, size_t storage_cap,
                                  const uint8_t *json, size_t json_len, char *err)
{
    memset(out, 0, sizeof *out);
    if (storage_cap < lcp_dcap_collateral_json_storage_len(json_len))
        return lcp_fail(err, LCP_ERR_BUFFER_TOO_SMALL, "collateral: storage of %zu bytes, need %zu", storage_cap,
                        lcp_dcap_collateral_json_storage_len(json_len));
    lcp_json_value root;
    char e2[LCP_ERR_LEN] = "";
    if (lcp_json_parse(&root, json, json_len, e2) != LCP_OK) return COLL("collateral: %s", e2);
    if (root.type != LCP_JSON_OBJECT) return COLL("collateral: not a JSON object");
    lcp_dcap_collateral c;
    memset(&c, 0, sizeof c);
    arena a = {storage, storage_cap, 0};
    int rc = take_text(&c.pck_crl_issuer_chain, &a, &root, "pck_crl_issuer_chain", err);
    if (rc == LCP_OK) rc = take_hex(&c.root_ca_crl, &a, &root, "root_ca_crl", err);
    if (rc == LCP_OK) rc = take_hex(&c.pck_crl, &a, &root, "pck_crl", err);
    if (rc == LCP_OK) rc = take_text(&c.tcb_info_issuer_chain, &a, &root, "tcb_info_issuer_chain", err);
    if (rc == LCP_OK) rc = take_text(&c.tcb_info, &a, &root, "tcb_info", err);
    if (rc == LCP_OK) rc = lcp_dcap_json_hex(c.tcb_info_signature, LCP_DCAP_SIG_LEN, &root, "tcb_info_signature", err);
    if (rc == LCP_OK) rc = take_text(&c.qe_identity_issuer_chain, &a, &root, "qe_identity_issuer_chain", err);
    if (rc == LCP_OK) rc = take_text(&c.qe_identity, &a, &root, "qe_identity", err);
    if (rc == LCP_OK)
        rc = lcp_dcap_json_hex(c.qe_identity_signature, LCP_DCAP_SIG_LEN, &root, "qe_identity_signature", err);
    if (rc != LCP_OK) return lcp_fail_ctx(err, rc, "collateral");
    *out = c;
    return LCP_OK;
}

int lcp_dcap_signed_json_split(lcp_bytes *body, uint8_t sig[LCP_DCAP_SIG_LEN], const uint8_t *json, size_t len,
                               const char *member, char *err)
{
    lcp_json_value root, v;
    char e2[LCP_ERR_LEN] = "";
    if (lcp_json_parse(&root, json, len, e2) != LCP_OK) return COLL("%s: %s", member, e2);
    if (root.type != LCP_JSON_OBJECT) return COLL("%s: envelope is not a JSON object", member);
    int rc = lcp_dcap_json_member(&v, &root, member, LCP_JSON_OBJECT, err);
    uint8_t s[LCP_DCAP_SIG_LEN];
    if (rc == LCP_OK) rc = lcp_dcap_json_hex(s, sizeof s, &root, "signature", err);
    if (rc != LCP_OK) return lcp_fail_ctx(err, rc, member);
    /* The value's span is exactly the text Intel signed: from its '{' to the matching '}'. */
    body->ptr = v.p;
    body->len = v.len;
    memcpy(sig, s, sizeof s);
    return LCP_OK;
}
