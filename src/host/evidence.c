/* The attestation evidence recorded with an enclave key: its one encoder and decoder (lcp/host_evidence.h). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "lcp/host_evidence.h"
#include "lcp/host_keystore.h"

#define FAIL(...) lcp_fail(err, LCP_ERR_HOST_KEY_RECORD, __VA_ARGS__)
/* JSON numbers are doubles: integers beyond 2^53 are not exact, so no member may be larger. */
#define MAX_EXACT 9007199254740992.0

/* ---- the decoded evidence's memory: a chain of blocks freed together ---- */

typedef struct block {
    struct block *next;
    max_align_t align_[];
} block;

static void *own(lcp_host_evidence *ev, size_t n)
{
    block *b = n <= SIZE_MAX - sizeof(block) - 1 ? lcp_malloc(sizeof(block) + n + 1) : NULL;
    if (b == NULL) return NULL;
    b->next = ev->mem_;
    ev->mem_ = b;
    return b->align_;
}

static const char *own_str(lcp_host_evidence *ev, const char *s, size_t n)
{
    char *d = own(ev, n);
    if (d == NULL) return NULL;
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

void lcp_host_evidence_free(lcp_host_evidence *ev)
{
    if (ev == NULL) return;
    for (block *b = ev->mem_, *next; b != NULL; b = next) {
        next = b->next;
        lcp_free(b);
    }
    memset(ev, 0, sizeof *ev);
}

/* ---- reading members ---- */

static const cJSON *member(const cJSON *o, const char *name) { return cJSON_GetObjectItemCaseSensitive(o, name); }

/* A string member, copied. Returns LCP_OK (*out NULL when absent or not a string and !required). */
static int get_str(const char **out, lcp_host_evidence *ev, const cJSON *o, const char *name, int required,
                   char *err)
{
    const cJSON *s = member(o, name);
    *out = NULL;
    if (!cJSON_IsString(s)) return required ? FAIL("evidence: \"%s\" is %s", name, s ? "not a string" : "missing") : LCP_OK;
    if ((*out = own_str(ev, s->valuestring, strlen(s->valuestring))) == NULL)
        return lcp_fail(err, LCP_ERR_NOMEM, "out of memory");
    return LCP_OK;
}

/* Bytes from a string member: hex (optional 0x), and when b64 also base64 if it is not hex. Returns LCP_OK with
 * empty bytes when absent and !required; LCP_ERR_HOST_KEY_RECORD if malformed and required. */
static int get_bytes(lcp_bytes *out, lcp_host_evidence *ev, const cJSON *o, const char *name, int b64, int required,
                     char *err)
{
    const cJSON *s = member(o, name);
    out->ptr = NULL;
    out->len = 0;
    if (!cJSON_IsString(s)) return required ? FAIL("evidence: \"%s\" is %s", name, s ? "not a string" : "missing") : LCP_OK;
    size_t sl = strlen(s->valuestring), cap = sl / 2 + 1, n = 0;
    if (b64 && lcp_base64_decoded_max(sl) > cap) cap = lcp_base64_decoded_max(sl);
    uint8_t *b = own(ev, cap);
    if (b == NULL) return lcp_fail(err, LCP_ERR_NOMEM, "out of memory");
    if (lcp_hex_decode(b, cap, &n, s->valuestring, sl, NULL) != LCP_OK &&
        (!b64 || lcp_base64_decode(b, cap, &n, s->valuestring, sl, NULL) != LCP_OK))
        return required ? FAIL("evidence: \"%s\" is not %s", name, b64 ? "hex or base64" : "hex") : LCP_OK;
    out->ptr = b;
    out->len = n;
    return LCP_OK;
}

/* Exactly n bytes of hex. */
static int get_fixed(uint8_t *out, size_t n, lcp_host_evidence *ev, const cJSON *o, const char *name, char *err)
{
    lcp_bytes b;
    int rc = get_bytes(&b, ev, o, name, 0, 1, err);
    if (rc != LCP_OK) return rc;
    if (b.len != n) return FAIL("evidence: \"%s\" is %zu bytes, not %zu", name, b.len, n);
    memcpy(out, b.ptr, n);
    return LCP_OK;
}

/* An integral number in [lo, hi]. */
static int get_int(int64_t *out, const cJSON *o, const char *name, double lo, double hi, char *err)
{
    const cJSON *v = member(o, name);
    if (!cJSON_IsNumber(v)) return FAIL("evidence: \"%s\" is %s", name, v ? "not a number" : "missing");
    double d = v->valuedouble;
    /* in range first: then the cast is defined, and an integer survives it unchanged (no libm needed) */
    if (!isfinite(d) || d < lo || d > hi || (double)(int64_t)d != d)
        return FAIL("evidence: \"%s\" is not an integer in [%.0f, %.0f]", name, lo, hi);
    *out = (int64_t)d;
    return LCP_OK;
}

static int get_time(int64_t *out, const cJSON *o, const char *name, char *err)
{
    return get_int(out, o, name, 0, MAX_EXACT, err);
}

static int get_u32(uint32_t *out, const cJSON *o, const char *name, double hi, char *err)
{
    int64_t v = 0;
    int rc = get_int(&v, o, name, 0, hi, err);
    *out = (uint32_t)v;
    return rc;
}

/* The strings of an array member (strict: all strings, at most the maximum; lenient: the strings, the first
 * ones). */
static int get_ids(lcp_host_evidence *ev, const cJSON *list, int strict, const char *name, char *err)
{
    const cJSON *it;
    if (strict && !cJSON_IsArray(list)) return FAIL("evidence: \"%s\" is %s", name, list ? "not an array" : "missing");
    ev->has_advisory_ids = cJSON_IsArray(list);
    cJSON_ArrayForEach(it, list)
    {
        if (!cJSON_IsString(it)) {
            if (strict) return FAIL("evidence: \"%s\" holds a non-string", name);
            continue;
        }
        if (ev->n_advisory_ids == LCP_HOST_EVIDENCE_MAX_ADVISORIES) {
            if (strict) return FAIL("evidence: \"%s\" has more than %d entries", name, LCP_HOST_EVIDENCE_MAX_ADVISORIES);
            break;
        }
        const char *s = own_str(ev, it->valuestring, strlen(it->valuestring));
        if (s == NULL) return lcp_fail(err, LCP_ERR_NOMEM, "out of memory");
        ev->advisory_ids[ev->n_advisory_ids++] = s;
    }
    return LCP_OK;
}

/* A TCB status name the verifier writes. */
static int get_status(const char **out, lcp_host_evidence *ev, const cJSON *o, const char *name, char *err)
{
    lcp_dcap_tcb_status st;
    int rc = get_str(out, ev, o, name, 1, err);
    if (rc == LCP_OK && lcp_dcap_tcb_status_parse(&st, *out, strlen(*out)) != LCP_OK)
        rc = FAIL("evidence: \"%s\" is not a TCB status", name);
    return rc;
}

/* ---- the forms ---- */

/* The status and advisory IDs an IAS report states (read as list-keys and metrics always read them: what is not
 * there stays unknown; the report was verified when it was recorded). */
static int ias_verdict(lcp_host_evidence *ev, char *err)
{
    cJSON *rep = cJSON_Parse(ev->avr);
    int rc = LCP_OK;
    if (cJSON_IsObject(rep)) {
        rc = get_str(&ev->status, ev, rep, "isvEnclaveQuoteStatus", 0, err);
        if (rc == LCP_OK) rc = get_ids(ev, member(rep, "advisoryIDs"), 0, "advisoryIDs", err);
    }
    cJSON_Delete(rep);
    return rc;
}

static int decode_ias(lcp_host_evidence *ev, const cJSON *doc, const uint8_t *p, size_t n, char *err)
{
    int rc;
    if (cJSON_IsObject(doc) && cJSON_IsString(member(doc, "avr"))) {
        ev->form = LCP_HOST_EVIDENCE_IAS_SIGNED;
        if ((rc = get_str(&ev->avr, ev, doc, "avr", 1, err)) != LCP_OK) return rc;
        const cJSON *s = member(doc, "signature"), *c = member(doc, "signing_cert");
        if (!cJSON_IsString(s) || !cJSON_IsString(c))
            return FAIL("evidence: \"%s\" is missing or not a string", cJSON_IsString(s) ? "signing_cert" : "signature");
        /* base64 only: the IAS form never wrote hex, and a hex-looking base64 string would decode as hex */
        const char *names[2] = {"signature", "signing_cert"};
        lcp_bytes *outs[2] = {&ev->signature, &ev->signing_cert};
        for (int i = 0; i < 2; i++) {
            const char *t = member(doc, names[i])->valuestring;
            size_t tl = strlen(t), cap = lcp_base64_decoded_max(tl);
            uint8_t *b = own(ev, cap);
            if (b == NULL) return lcp_fail(err, LCP_ERR_NOMEM, "out of memory");
            if (lcp_base64_decode(b, cap, &outs[i]->len, t, tl, NULL) != LCP_OK)
                return FAIL("evidence: \"%s\" is not base64", names[i]);
            outs[i]->ptr = b;
        }
    } else {
        ev->form = LCP_HOST_EVIDENCE_IAS_REPORT;
        if ((ev->avr = own_str(ev, (const char *)p, n)) == NULL) return lcp_fail(err, LCP_ERR_NOMEM, "out of memory");
    }
    return ias_verdict(ev, err);
}

/* A signature member of the collateral: hex of r || s, kept as text (the PCS envelope carries it so). */
static int check_sig(const cJSON *c, const char *name, char *err)
{
    const char *s = member(c, name)->valuestring;
    uint8_t sig[LCP_DCAP_SIG_LEN];
    size_t n = 0;
    if (lcp_hex_decode(sig, sizeof sig, &n, s, strlen(s), NULL) != LCP_OK || n != sizeof sig)
        return FAIL("evidence: \"%s\" is not %d bytes of hex", name, LCP_DCAP_SIG_LEN);
    return LCP_OK;
}

/* The collateral document's members an LCP client's registration needs. */
static int decode_collateral(lcp_host_evidence *ev, const cJSON *c, int strict, char *err)
{
    if (!cJSON_IsObject(c)) return strict ? FAIL("evidence: \"collateral\" is %s", c ? "not an object" : "missing") : LCP_OK;
    ev->has_collateral = 1;
    int rc = get_str(&ev->tcb_info, ev, c, "tcb_info", strict, err);
    if (rc == LCP_OK) rc = get_str(&ev->tcb_info_signature, ev, c, "tcb_info_signature", strict, err);
    if (rc == LCP_OK) rc = get_str(&ev->tcb_info_issuer_chain, ev, c, "tcb_info_issuer_chain", strict, err);
    if (rc == LCP_OK) rc = get_str(&ev->qe_identity, ev, c, "qe_identity", strict, err);
    if (rc == LCP_OK) rc = get_str(&ev->qe_identity_signature, ev, c, "qe_identity_signature", strict, err);
    /* the collateral layout writes hex (lcp_dcap_collateral_from_json); other writers' records may hold base64 */
    if (rc == LCP_OK) rc = get_bytes(&ev->root_ca_crl, ev, c, "root_ca_crl", !strict, strict, err);
    if (rc == LCP_OK) rc = get_bytes(&ev->pck_crl, ev, c, "pck_crl", !strict, strict, err);
    if (rc == LCP_OK && strict && (ev->root_ca_crl.len == 0 || ev->pck_crl.len == 0))
        rc = FAIL("evidence: \"%s\" is empty", ev->root_ca_crl.len == 0 ? "root_ca_crl" : "pck_crl");
    if (rc == LCP_OK && strict) rc = check_sig(c, "tcb_info_signature", err);
    if (rc == LCP_OK && strict) rc = check_sig(c, "qe_identity_signature", err);
    return rc;
}

static int decode_risc0(lcp_host_evidence *ev, const cJSON *doc, char *err)
{
    const cJSON *z = member(doc, "zkp"), *r0 = cJSON_IsObject(z) ? member(z, "risc0") : NULL;
    if (!cJSON_IsObject(r0)) return LCP_OK;
    ev->has_risc0 = 1;
    int rc = get_bytes(&ev->risc0_image_id, ev, r0, "image_id", 1, 0, err);
    if (rc == LCP_OK) rc = get_bytes(&ev->risc0_selector, ev, r0, "selector", 1, 0, err);
    if (rc == LCP_OK) rc = get_bytes(&ev->risc0_seal, ev, r0, "seal", 1, 0, err);
    if (rc == LCP_OK) rc = get_bytes(&ev->risc0_output, ev, r0, "output", 1, 0, err);
    return rc;
}

static int decode_dcap_v1(lcp_host_evidence *ev, const cJSON *doc, char *err)
{
    const cJSON *sim = member(doc, "sim"), *dbg = member(doc, "debug"), *val = member(doc, "validity");
    ev->form = LCP_HOST_EVIDENCE_DCAP_V1;
    if (!cJSON_IsBool(sim)) return FAIL("evidence: \"sim\" is %s", sim ? "not a boolean" : "missing");
    if (!cJSON_IsBool(dbg)) return FAIL("evidence: \"debug\" is %s", dbg ? "not a boolean" : "missing");
    ev->sim = cJSON_IsTrue(sim);
    ev->debug = cJSON_IsTrue(dbg);
    int rc = get_status(&ev->status, ev, doc, "status", err);
    if (rc == LCP_OK) rc = get_ids(ev, member(doc, "advisory_ids"), 1, "advisory_ids", err);
    if (rc == LCP_OK) rc = get_fixed(ev->mrenclave, 32, ev, doc, "mrenclave", err);
    if (rc == LCP_OK) rc = get_fixed(ev->mrsigner, 32, ev, doc, "mrsigner", err);
    if (rc == LCP_OK) rc = get_fixed(ev->report_data, 64, ev, doc, "report_data", err);
    if (rc == LCP_OK) rc = get_bytes(&ev->fmspc, ev, doc, "fmspc", 0, 1, err);
    if (rc == LCP_OK && ev->fmspc.len != LCP_DCAP_FMSPC_LEN)
        rc = FAIL("evidence: \"fmspc\" is %zu bytes, not %d", ev->fmspc.len, LCP_DCAP_FMSPC_LEN);
    if (rc == LCP_OK) rc = get_u32(&ev->tcb_evaluation_data_number, doc, "tcb_evaluation_data_number", UINT32_MAX, err);
    ev->has_tcb_evaluation_data_number = rc == LCP_OK;
    if (rc == LCP_OK) rc = get_time(&ev->valid_from, doc, "valid_from", err);
    if (rc == LCP_OK) rc = get_time(&ev->valid_to, doc, "valid_to", err);
    if (rc == LCP_OK) rc = get_u32(&ev->isv_prod_id, doc, "isv_prod_id", UINT16_MAX, err);
    if (rc == LCP_OK) rc = get_u32(&ev->isv_svn, doc, "isv_svn", UINT16_MAX, err);
    if (rc == LCP_OK) rc = get_status(&ev->platform_status, ev, doc, "platform_status", err);
    if (rc == LCP_OK) rc = get_status(&ev->qe_status, ev, doc, "qe_status", err);
    if (rc == LCP_OK) rc = get_time(&ev->tcb_date, doc, "tcb_date", err);
    if (rc == LCP_OK) rc = get_time(&ev->verified_at, doc, "verified_at", err);
    if (rc == LCP_OK) rc = get_bytes(&ev->quote, ev, doc, "quote", 0, 1, err);
    if (rc == LCP_OK && ev->quote.len == 0) rc = FAIL("evidence: \"quote\" is empty");
    if (rc == LCP_OK && !cJSON_IsObject(val)) rc = FAIL("evidence: \"validity\" is %s", val ? "not an object" : "missing");
    if (rc == LCP_OK) rc = get_time(&ev->not_before, val, "not_before", err);
    if (rc == LCP_OK) rc = get_time(&ev->not_after, val, "not_after", err);
    if (rc == LCP_OK && (ev->valid_from > ev->valid_to || ev->not_before > ev->not_after))
        rc = FAIL("evidence: a validity window ends before it starts");
    if (rc == LCP_OK) rc = decode_collateral(ev, member(doc, "collateral"), 1, err);
    if (rc == LCP_OK) rc = decode_risc0(ev, doc, err);
    return rc;
}

/* A DCAP record of another writer: whatever of the members the service's key listing reads is there. */
static int decode_dcap_other(lcp_host_evidence *ev, const cJSON *doc, char *err)
{
    ev->form = LCP_HOST_EVIDENCE_DCAP_OTHER;
    int rc = get_str(&ev->status, ev, doc, cJSON_IsString(member(doc, "status")) ? "status" : "tcb_status", 0, err);
    if (rc == LCP_OK) rc = get_ids(ev, member(doc, "advisory_ids"), 0, "advisory_ids", err);
    if (rc == LCP_OK) rc = get_bytes(&ev->quote, ev, doc, "quote", 1, 0, err);
    if (rc == LCP_OK) rc = get_bytes(&ev->fmspc, ev, doc, "fmspc", 0, 0, err);
    const cJSON *n = member(doc, "tcb_evaluation_data_number");
    if (rc == LCP_OK && cJSON_IsNumber(n) && n->valuedouble >= 0 && n->valuedouble < 1e9) {
        ev->has_tcb_evaluation_data_number = 1;
        ev->tcb_evaluation_data_number = (uint32_t)n->valuedouble;
    }
    if (rc == LCP_OK) rc = decode_collateral(ev, member(doc, "collateral"), 0, err);
    if (rc == LCP_OK) rc = decode_risc0(ev, doc, err);
    return rc;
}

int lcp_host_evidence_decode(lcp_host_evidence *ev, uint32_t ra_type, const uint8_t *p, size_t n, char *err)
{
    memset(ev, 0, sizeof *ev);
    ev->ra_type = ra_type;
    if (ra_type == LCP_RA_TYPE_NONE || ra_type > LCP_RA_TYPE_MAX || n == 0) return LCP_OK;
    if (n > LCP_HOST_EVIDENCE_MAX_LEN) return FAIL("evidence: %zu bytes, more than %u", n, LCP_HOST_EVIDENCE_MAX_LEN);
    cJSON *doc = cJSON_ParseWithLength((const char *)p, n);
    int rc = LCP_OK;
    if (ra_type == LCP_RA_TYPE_IAS) {
        rc = decode_ias(ev, doc, p, n, err);
    } else if (cJSON_IsObject(doc)) {
        const cJSON *fmt = member(doc, "format");
        if (fmt == NULL) rc = decode_dcap_other(ev, doc, err);
        else if (cJSON_IsString(fmt) && strcmp(fmt->valuestring, LCP_HOST_DCAP_EVIDENCE_FORMAT) == 0)
            rc = decode_dcap_v1(ev, doc, err);
        else rc = FAIL("evidence: \"format\" is not '%s'", LCP_HOST_DCAP_EVIDENCE_FORMAT);
    }
    cJSON_Delete(doc);
    if (rc != LCP_OK) {
        /* nothing half-decoded is shown as if it were the evidence */
        void *mem = ev->mem_;
        memset(ev, 0, sizeof *ev);
        ev->mem_ = mem;
        ev->ra_type = ra_type;
    }
    return rc;
}

/* ---- encoding ---- */

static int add_hex(cJSON *o, const char *name, const uint8_t *p, size_t n)
{
    char hex[2 * 64 + 3];
    if (2 * n + 3 > sizeof hex) return 0;
    hex[0] = '0';
    hex[1] = 'x';
    if (lcp_hex_encode(hex + 2, sizeof hex - 2, p, n) != LCP_OK) return 0;
    return cJSON_AddStringToObject(o, name, hex) != NULL;
}

cJSON *lcp_host_dcap_result_json(const lcp_dcap_result *r, int64_t verified_at)
{
    cJSON *o = cJSON_CreateObject(), *adv = cJSON_CreateArray();
    int ok = o != NULL && adv != NULL;
    for (size_t i = 0; ok && i < r->n_advisory_ids; i++) {
        cJSON *s = cJSON_CreateString(r->advisory_ids[i]);
        ok = s != NULL && cJSON_AddItemToArray(adv, s);
    }
    ok = ok && cJSON_AddStringToObject(o, "status", lcp_dcap_tcb_status_name(r->status)) != NULL;
    ok = ok && cJSON_AddItemToObject(o, "advisory_ids", adv);
    if (!ok) cJSON_Delete(adv); /* not yet owned by o */
    ok = ok && add_hex(o, "mrenclave", r->report.mrenclave, 32);
    ok = ok && add_hex(o, "mrsigner", r->report.mrsigner, 32);
    ok = ok && add_hex(o, "report_data", r->report.report_data, LCP_SGX_REPORT_DATA_LEN);
    ok = ok && cJSON_AddBoolToObject(o, "debug", r->debug) != NULL;
    ok = ok && add_hex(o, "fmspc", r->fmspc, LCP_DCAP_FMSPC_LEN);
    ok = ok && cJSON_AddNumberToObject(o, "tcb_evaluation_data_number", r->tcb_evaluation_data_number) != NULL;
    ok = ok && cJSON_AddNumberToObject(o, "valid_from", (double)r->valid_from) != NULL;
    ok = ok && cJSON_AddNumberToObject(o, "valid_to", (double)r->valid_to) != NULL;
    ok = ok && cJSON_AddNumberToObject(o, "isv_prod_id", r->report.isv_prod_id) != NULL;
    ok = ok && cJSON_AddNumberToObject(o, "isv_svn", r->report.isv_svn) != NULL;
    ok = ok && cJSON_AddStringToObject(o, "platform_status", lcp_dcap_tcb_status_name(r->platform_status)) != NULL;
    ok = ok && cJSON_AddStringToObject(o, "qe_status", lcp_dcap_tcb_status_name(r->qe_status)) != NULL;
    ok = ok && cJSON_AddNumberToObject(o, "tcb_date", (double)r->tcb_date) != NULL;
    ok = ok && cJSON_AddNumberToObject(o, "verified_at", (double)verified_at) != NULL;
    if (!ok) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

/* Prints o compactly into out and frees o. */
static int finish(lcp_buf *out, cJSON *o, char *err)
{
    char *text = o ? cJSON_PrintUnformatted(o) : NULL;
    int rc = text && lcp_buf_append(out, text, strlen(text)) == LCP_OK
                 ? LCP_OK
                 : lcp_fail(err, LCP_ERR_NOMEM, "out of memory encoding the evidence");
    if (text) cJSON_free(text);
    cJSON_Delete(o);
    return rc;
}

int lcp_host_evidence_encode_dcap(lcp_buf *out, const lcp_dcap_result *r, int64_t verified_at, int sim,
                                  const uint8_t *quote, size_t quote_len, const uint8_t *collateral,
                                  size_t collateral_len, char *err)
{
    cJSON *c = cJSON_ParseWithLength((const char *)collateral, collateral_len);
    if (!cJSON_IsObject(c)) {
        cJSON_Delete(c);
        return FAIL("evidence: the collateral document is not a JSON object");
    }
    cJSON *o = lcp_host_dcap_result_json(r, verified_at), *v = cJSON_CreateObject();
    char *hex = quote_len < SIZE_MAX / 2 ? lcp_malloc(2 * quote_len + 1) : NULL;
    int ok = o && v && hex && lcp_hex_encode(hex, 2 * quote_len + 1, quote, quote_len) == LCP_OK;
    ok = ok && cJSON_AddStringToObject(o, "format", LCP_HOST_DCAP_EVIDENCE_FORMAT) &&
         cJSON_AddBoolToObject(o, "sim", sim != 0) && cJSON_AddStringToObject(o, "quote", hex) &&
         cJSON_AddNumberToObject(v, "not_before", (double)r->valid_from) &&
         cJSON_AddNumberToObject(v, "not_after", (double)r->valid_to);
    if (ok && cJSON_AddItemToObject(o, "validity", v)) v = NULL;
    else ok = 0;
    if (ok && cJSON_AddItemToObject(o, "collateral", c)) c = NULL;
    else ok = 0;
    cJSON_Delete(c);
    cJSON_Delete(v);
    lcp_free(hex);
    if (!ok) {
        cJSON_Delete(o);
        return lcp_fail(err, LCP_ERR_NOMEM, "out of memory encoding the evidence");
    }
    return finish(out, o, err);
}

/* Adds the base64 of p[0..n) as member name. */
static int add_b64(cJSON *o, const char *name, const uint8_t *p, size_t n)
{
    size_t cap = lcp_base64_encoded_len(n);
    char *b64 = lcp_malloc(cap);
    int ok = b64 && lcp_base64_encode(b64, cap, p, n) == LCP_OK && cJSON_AddStringToObject(o, name, b64) != NULL;
    lcp_free(b64);
    return ok;
}

int lcp_host_evidence_encode_ias(lcp_buf *out, const uint8_t *avr, size_t avr_len, const uint8_t *sig,
                                 size_t sig_len, const uint8_t *cert, size_t cert_len, char *err)
{
    if (avr_len && memchr(avr, '\0', avr_len) != NULL) return FAIL("evidence: the report holds a NUL byte");
    char *text = lcp_malloc(avr_len + 1);
    cJSON *o = cJSON_CreateObject();
    int ok = text && o;
    if (ok) {
        if (avr_len) memcpy(text, avr, avr_len);
        text[avr_len] = '\0';
        ok = cJSON_AddStringToObject(o, "avr", text) && add_b64(o, "signature", sig, sig_len) &&
             add_b64(o, "signing_cert", cert, cert_len);
    }
    lcp_free(text);
    if (!ok) {
        cJSON_Delete(o);
        return lcp_fail(err, LCP_ERR_NOMEM, "out of memory encoding the evidence");
    }
    return finish(out, o, err);
}
