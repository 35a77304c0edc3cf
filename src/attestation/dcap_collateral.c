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

/* Unescapes a string member into the arena. */
static int take_text(lcp_bytes *out, arena *a, const lcp_dcap_json_field *f, char *err)
{
    int rc = lcp_dcap_json_need(f, LCP_JSON_STRING, err);
    if (rc != LCP_OK) return rc;
    size_t n = 0;
    char e2[LCP_ERR_LEN] = "";
    if (lcp_json_string((char *)a->p + a->used, a->cap - a->used, &n, &f->val, e2) != LCP_OK)
        return COLL("\"%s\": %s", f->name, e2);
    out->ptr = a->p + a->used;
    out->len = n;
    a->used += n + 1;
    return LCP_OK;
}

/* Hex-decodes a string member into the arena. */
static int take_hex(lcp_bytes *out, arena *a, const lcp_dcap_json_field *f, char *err)
{
    lcp_bytes s;
    int rc = lcp_dcap_json_plain(&s, f, err);
    if (rc != LCP_OK) return rc;
    size_t n = 0;
    if (s.len == 0 || lcp_hex_decode(a->p + a->used, a->cap - a->used, &n, (const char *)s.ptr, s.len, NULL) != LCP_OK)
        return COLL("\"%s\" is not a hex string", f->name);
    out->ptr = a->p + a->used;
    out->len = n;
    a->used += n;
    return LCP_OK;
}

enum { C_PCK_CHAIN, C_ROOT_CRL, C_PCK_CRL, C_TCB_CHAIN, C_TCB, C_TCB_SIG, C_QE_CHAIN, C_QE, C_QE_SIG, C_COUNT };

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
    lcp_dcap_json_field f[C_COUNT] = {
        [C_PCK_CHAIN] = {"pck_crl_issuer_chain", {0}},
        [C_ROOT_CRL] = {"root_ca_crl", {0}},
        [C_PCK_CRL] = {"pck_crl", {0}},
        [C_TCB_CHAIN] = {"tcb_info_issuer_chain", {0}},
        [C_TCB] = {"tcb_info", {0}},
        [C_TCB_SIG] = {"tcb_info_signature", {0}},
        [C_QE_CHAIN] = {"qe_identity_issuer_chain", {0}},
        [C_QE] = {"qe_identity", {0}},
        [C_QE_SIG] = {"qe_identity_signature", {0}},
    };
    lcp_dcap_collateral c;
    memset(&c, 0, sizeof c);
    arena a = {storage, storage_cap, 0};
    int rc = lcp_dcap_json_fields(f, C_COUNT, &root, err);
    if (rc == LCP_OK) rc = take_text(&c.pck_crl_issuer_chain, &a, &f[C_PCK_CHAIN], err);
    if (rc == LCP_OK) rc = take_hex(&c.root_ca_crl, &a, &f[C_ROOT_CRL], err);
    if (rc == LCP_OK) rc = take_hex(&c.pck_crl, &a, &f[C_PCK_CRL], err);
    if (rc == LCP_OK) rc = take_text(&c.tcb_info_issuer_chain, &a, &f[C_TCB_CHAIN], err);
    if (rc == LCP_OK) rc = take_text(&c.tcb_info, &a, &f[C_TCB], err);
    if (rc == LCP_OK) rc = lcp_dcap_json_hex(c.tcb_info_signature, LCP_DCAP_SIG_LEN, &f[C_TCB_SIG], err);
    if (rc == LCP_OK) rc = take_text(&c.qe_identity_issuer_chain, &a, &f[C_QE_CHAIN], err);
    if (rc == LCP_OK) rc = take_text(&c.qe_identity, &a, &f[C_QE], err);
    if (rc == LCP_OK) rc = lcp_dcap_json_hex(c.qe_identity_signature, LCP_DCAP_SIG_LEN, &f[C_QE_SIG], err);
    if (rc != LCP_OK) return lcp_fail_ctx(err, rc, "collateral");
    *out = c;
    return LCP_OK;
}

int lcp_dcap_signed_json_split(lcp_bytes *body, uint8_t sig[LCP_DCAP_SIG_LEN], const uint8_t *json, size_t len,
                               const char *member, char *err)
{
    lcp_json_value root;
    char e2[LCP_ERR_LEN] = "";
    if (lcp_json_parse(&root, json, len, e2) != LCP_OK) return COLL("%s: %s", member, e2);
    if (root.type != LCP_JSON_OBJECT) return COLL("%s: envelope is not a JSON object", member);
    lcp_dcap_json_field f[2] = {{member, {0}}, {"signature", {0}}};
    uint8_t s[LCP_DCAP_SIG_LEN];
    int rc = lcp_dcap_json_fields(f, 2, &root, err);
    if (rc == LCP_OK) rc = lcp_dcap_json_need(&f[0], LCP_JSON_OBJECT, err);
    if (rc == LCP_OK) rc = lcp_dcap_json_hex(s, sizeof s, &f[1], err);
    if (rc != LCP_OK) return lcp_fail_ctx(err, rc, member);
    /* The value's span is exactly the text Intel signed: from its '{' to the matching '}'. */
    body->ptr = f[0].val.p;
    body->len = f[0].val.len;
    memcpy(sig, s, sizeof s);
    return LCP_OK;
}
