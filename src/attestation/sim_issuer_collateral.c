/* What the simulated Intel publishes (lcp/attestation_sim.h): TCB Info v3 and QE Identity v2 texts signed like
 * Intel's (ECDSA P-256 over the exact text of the member, signature as raw r||s hex), the Root CA and PCK CA CRLs,
 * and the issuer chains, gathered in the one-file layout lcp_dcap_collateral_from_json reads. Before anything is
 * written, the verifier's own code checks the new collateral under the simulated root: the issuer never publishes
 * what its verifier would refuse. The current TCB levels are read back from the published TCB Info with the
 * verifier's parsers, so the published document is the issuer's only state. */
#include "sim_issuer_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "lcp/crypto.h"

#define DAY ((int64_t)86400)

/* ---- the TCB levels ---- */

static void add_adv(sim_level *l, const char *id)
{
    for (size_t i = 0; i < l->n_adv; i++)
        if (strcmp(l->adv[i], id) == 0) return;
    if (l->n_adv < LCP_DCAP_MAX_ADVISORY_IDS && strlen(id) <= LCP_DCAP_ADVISORY_ID_MAX)
        snprintf(l->adv[l->n_adv++], sizeof l->adv[0], "%s", id);
}

static sim_level *push(sim_levels *lv, const uint8_t comp[16], uint16_t pcesvn, lcp_dcap_tcb_status st, int64_t date)
{
    sim_level *l = &lv->levels[lv->n++];
    memset(l, 0, sizeof *l);
    memcpy(l->comp, comp, 16);
    l->pcesvn = pcesvn;
    l->status = st;
    l->tcb_date = date;
    return l;
}

void sim_levels_initial(sim_levels *lv, const lcp_sim_tcb *tcb, int64_t now)
{
    /* Intel's order: descending by the 16 components (lexicographically), then PCESVN. The platform's own TCB is
     * current; a lower PCESVN, a lower first component and the all-zero TCB are out of date. The advisory IDs have
     * Intel's format; in a simulation they mean nothing beyond "this level is behind". */
    static const uint8_t zero[16];
    memset(lv, 0, sizeof *lv);
    lv->eval = LCP_SIM_FIRST_TCB_EVALUATION_DATA_NUMBER;
    push(lv, tcb->cpusvn, tcb->pcesvn, LCP_DCAP_TCB_UP_TO_DATE, now);
    if (tcb->pcesvn > 0)
        add_adv(push(lv, tcb->cpusvn, (uint16_t)(tcb->pcesvn - 1), LCP_DCAP_TCB_OUT_OF_DATE, now - 90 * DAY),
                "INTEL-SA-00615");
    if (tcb->cpusvn[0] > 0) {
        uint8_t c[16];
        memcpy(c, tcb->cpusvn, 16);
        c[0]--;
        sim_level *l = push(lv, c, tcb->pcesvn, LCP_DCAP_TCB_OUT_OF_DATE, now - 180 * DAY);
        add_adv(l, "INTEL-SA-00615");
        add_adv(l, "INTEL-SA-00657");
    }
    if (memcmp(tcb->cpusvn, zero, 16) != 0 || tcb->pcesvn != 0) {
        sim_level *l = push(lv, zero, 0, LCP_DCAP_TCB_OUT_OF_DATE, now - 365 * DAY);
        add_adv(l, "INTEL-SA-00219");
        add_adv(l, "INTEL-SA-00289");
        add_adv(l, "INTEL-SA-00615");
        add_adv(l, "INTEL-SA-00657");
    }
}

/* The collateral as published, parsed with the verifier's parsers. Out: c (views into *storage), *json. */
static int load_collateral(lcp_dcap_collateral *c, uint8_t **json, uint8_t **storage, const char *dir, char *err)
{
    size_t len;
    *storage = NULL;
    int rc = lcp_sim_issuer_collateral(json, &len, dir, 0, err);
    if (rc != LCP_OK) return rc;
    size_t cap = lcp_dcap_collateral_json_storage_len(len);
    if ((*storage = lcp_malloc(cap)) == NULL) return lcp_fail(err, LCP_ERR_NOMEM, "out of memory");
    char e2[LCP_ERR_LEN] = "";
    if (lcp_dcap_collateral_from_json(c, *storage, cap, *json, len, e2) != LCP_OK)
        return lcp_fail(err, LCP_ERR_ATTESTATION, "simulated issuer: %s/%s: %s", dir, LCP_SIM_FILE_COLLATERAL, e2);
    return LCP_OK;
}

int sim_levels_load(sim_levels *lv, const char *dir, char *err)
{
    uint8_t *json = NULL, *storage = NULL;
    lcp_dcap_collateral c;
    lcp_dcap_tcb_info *ti = lcp_calloc(1, sizeof *ti);
    int rc = ti ? load_collateral(&c, &json, &storage, dir, err) : lcp_fail(err, LCP_ERR_NOMEM, "out of memory");
    char e2[LCP_ERR_LEN] = "";
    if (rc == LCP_OK && lcp_dcap_tcb_info_parse(ti, c.tcb_info.ptr, c.tcb_info.len, e2) != LCP_OK)
        rc = lcp_fail(err, LCP_ERR_ATTESTATION, "simulated issuer: published %s", e2);
    if (rc == LCP_OK) {
        memset(lv, 0, sizeof *lv);
        lv->eval = ti->tcb_evaluation_data_number;
        for (size_t i = 0; i < ti->n_levels && rc == LCP_OK; i++) {
            const lcp_dcap_tcb_level *s = &ti->levels[i];
            sim_level *d = push(lv, s->comp_svn, s->pce_svn, s->status, s->tcb_date);
            if (s->advisory_ids.type != LCP_JSON_ARRAY) continue;
            lcp_json_iter it;
            lcp_json_value el;
            lcp_bytes v;
            if (lcp_json_iter_init(&it, &s->advisory_ids, NULL) != LCP_OK) rc = LCP_ERR_ATTESTATION;
            /* The parser already bounded the count and length of these IDs. */
            while (rc == LCP_OK && lcp_json_array_next(&el, &it, NULL) == 1 &&
                   lcp_json_string_view(&v, &el, NULL) == LCP_OK && d->n_adv < LCP_DCAP_MAX_ADVISORY_IDS) {
                memcpy(d->adv[d->n_adv], v.ptr, v.len);
                d->adv[d->n_adv++][v.len] = '\0';
            }
        }
        if (rc != LCP_OK) rc = lcp_fail(err, LCP_ERR_ATTESTATION, "simulated issuer: published advisory IDs");
    }
    lcp_free(ti);
    lcp_free(json);
    lcp_free(storage);
    return rc;
}

int sim_qe_mrsigner(uint8_t out[32])
{
    return lcp_sha256(out, (const uint8_t *)LCP_SIM_QE_SIGNER_NAME, sizeof LCP_SIM_QE_SIGNER_NAME - 1);
}

/* ---- text ---- */

/* Appends printf output (each piece here is short). Errors stick in *rc. */
static void put(lcp_buf *b, int *rc, const char *fmt, ...) LCP_PRINTF(3, 4);
static void put(lcp_buf *b, int *rc, const char *fmt, ...)
{
    char tmp[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (*rc != LCP_OK) return;
    if (n < 0 || (size_t)n >= sizeof tmp) *rc = LCP_ERR_RANGE;
    else *rc = lcp_buf_append(b, tmp, (size_t)n);
}

static void put_time(lcp_buf *b, int *rc, const char *name, int64_t t)
{
    char s[32];
    if (lcp_time_format(s, sizeof s, t) != LCP_OK) *rc = LCP_ERR_TIME;
    put(b, rc, "\"%s\":\"%s\"", name, s);
}

static void put_advisories(lcp_buf *b, int *rc, const char (*adv)[LCP_DCAP_ADVISORY_ID_MAX + 1], size_t n)
{
    if (n == 0) return; /* Intel leaves the member out when a level has none */
    put(b, rc, ",\"advisoryIDs\":[");
    for (size_t i = 0; i < n; i++) put(b, rc, "%s\"%s\"", i ? "," : "", adv[i]);
    put(b, rc, "]");
}

/* The "tcbInfo" member's text: compact, in Intel's member order (what PCS serves and signs). */
static int tcb_info_text(lcp_buf *b, const sim_levels *lv, int64_t now)
{
    int rc = LCP_OK;
    put(b, &rc, "{\"id\":\"SGX\",\"version\":3,");
    put_time(b, &rc, "issueDate", now);
    put(b, &rc, ",");
    put_time(b, &rc, "nextUpdate", now + LCP_SIM_COLLATERAL_LIFETIME);
    put(b, &rc, ",\"fmspc\":\"%s\",\"pceId\":\"%s\",\"tcbType\":0,\"tcbEvaluationDataNumber\":%u,\"tcbLevels\":[",
        LCP_SIM_FMSPC_HEX, LCP_SIM_PCE_ID_HEX, lv->eval);
    for (size_t i = 0; i < lv->n; i++) {
        const sim_level *l = &lv->levels[i];
        put(b, &rc, "%s{\"tcb\":{\"sgxtcbcomponents\":[", i ? "," : "");
        for (int k = 0; k < 16; k++) put(b, &rc, "%s{\"svn\":%u}", k ? "," : "", l->comp[k]);
        put(b, &rc, "],\"pcesvn\":%u},", l->pcesvn);
        put_time(b, &rc, "tcbDate", l->tcb_date);
        put(b, &rc, ",\"tcbStatus\":\"%s\"", lcp_dcap_tcb_status_name(l->status));
        put_advisories(b, &rc, (const char (*)[LCP_DCAP_ADVISORY_ID_MAX + 1])l->adv, l->n_adv);
        put(b, &rc, "}");
    }
    put(b, &rc, "]}");
    return rc;
}

/* The "enclaveIdentity" member's text for the simulated QE: ISVSVN 8 current, 6 out of date. MISCSELECT and
 * ATTRIBUTES are compared under Intel's masks (MODE64BIT and XFRM ignored, INIT and PROVISIONKEY required). */
static int qe_identity_text(lcp_buf *b, uint32_t eval, int64_t top_date, int64_t now)
{
    uint8_t mrsigner[32];
    char hex[65];
    if (sim_qe_mrsigner(mrsigner) != LCP_OK || lcp_hex_encode(hex, sizeof hex, mrsigner, 32) != LCP_OK)
        return LCP_ERR_CRYPTO;
    for (char *p = hex; *p; p++)
        if (*p >= 'a' && *p <= 'f') *p = (char)(*p - 'a' + 'A'); /* Intel writes upper case */
    static const char adv[1][LCP_DCAP_ADVISORY_ID_MAX + 1] = {"INTEL-SA-00615"};
    int rc = LCP_OK;
    put(b, &rc, "{\"id\":\"QE\",\"version\":2,");
    put_time(b, &rc, "issueDate", now);
    put(b, &rc, ",");
    put_time(b, &rc, "nextUpdate", now + LCP_SIM_COLLATERAL_LIFETIME);
    put(b, &rc,
        ",\"tcbEvaluationDataNumber\":%u,\"miscselect\":\"00000000\",\"miscselectMask\":\"FFFFFFFF\","
        "\"attributes\":\"11000000000000000000000000000000\",\"attributesMask\":\"FBFFFFFFFFFFFFFF0000000000000000\","
        "\"mrsigner\":\"%s\",\"isvprodid\":%d,\"tcbLevels\":[{\"tcb\":{\"isvsvn\":%d},",
        eval, hex, LCP_SIM_QE_ISV_PROD_ID, LCP_SIM_QE_ISV_SVN);
    put_time(b, &rc, "tcbDate", top_date);
    put(b, &rc, ",\"tcbStatus\":\"UpToDate\"},{\"tcb\":{\"isvsvn\":%d},", LCP_SIM_QE_ISV_SVN - 2);
    put_time(b, &rc, "tcbDate", top_date - 365 * DAY);
    put(b, &rc, ",\"tcbStatus\":\"OutOfDate\"");
    put_advisories(b, &rc, adv, 1);
    put(b, &rc, "}]}");
    return rc;
}

/* A JSON string member "name": "<text, escaped>". */
static void put_string(lcp_buf *b, int *rc, const char *name, const uint8_t *p, size_t n, int last)
{
    put(b, rc, "  \"%s\": \"", name);
    for (size_t i = 0; i < n && *rc == LCP_OK; i++) {
        uint8_t c = p[i];
        if (c == '"' || c == '\\') put(b, rc, "\\%c", c);
        else if (c == '\n') put(b, rc, "\\n");
        else if (c < 0x20) put(b, rc, "\\u%04x", c);
        else *rc = lcp_buf_append(b, &c, 1);
    }
    put(b, rc, "\"%s\n", last ? "" : ",");
}

static void put_hex(lcp_buf *b, int *rc, const char *name, const uint8_t *p, size_t n, int last)
{
    char *h = lcp_malloc(2 * n + 1);
    if (h == NULL) {
        if (*rc == LCP_OK) *rc = LCP_ERR_NOMEM;
        return;
    }
    if (lcp_hex_encode(h, 2 * n + 1, p, n) != LCP_OK && *rc == LCP_OK) *rc = LCP_ERR_RANGE;
    put_string(b, rc, name, (const uint8_t *)h, 2 * n, last);
    lcp_free(h);
}

/* ---- publishing ---- */

typedef struct {
    EVP_PKEY *root_key, *ca_key, *tcb_key;
    X509 *root, *ca, *tcb;
} issuer_keys;

static void keys_free(issuer_keys *k)
{
    EVP_PKEY_free(k->root_key);
    EVP_PKEY_free(k->ca_key);
    EVP_PKEY_free(k->tcb_key);
    X509_free(k->root);
    X509_free(k->ca);
    X509_free(k->tcb);
}

static int keys_load(issuer_keys *k, const char *dir, char *err)
{
    memset(k, 0, sizeof *k);
    int rc = sim_key_load(&k->root_key, dir, SIM_FILE_ROOT_KEY, err);
    if (rc == LCP_OK) rc = sim_key_load(&k->ca_key, dir, SIM_FILE_CA_KEY, err);
    if (rc == LCP_OK) rc = sim_key_load(&k->tcb_key, dir, SIM_FILE_TCB_KEY, err);
    if (rc == LCP_OK) rc = sim_cert_load(&k->root, dir, SIM_FILE_ROOT_PEM, err);
    if (rc == LCP_OK) rc = sim_cert_load(&k->ca, dir, SIM_FILE_CA_PEM, err);
    if (rc == LCP_OK) rc = sim_cert_load(&k->tcb, dir, SIM_FILE_TCB_PEM, err);
    return rc;
}

/* Checks the new collateral the way every consumer will: lcp_dcap_collateral_verify under the simulated root. */
static int self_check(const lcp_buf *doc, X509 *root, int64_t now, char *err)
{
    size_t cap = lcp_dcap_collateral_json_storage_len(doc->len);
    uint8_t *storage = lcp_malloc(cap);
    unsigned char *der = NULL;
    int der_len = i2d_X509(root, &der);
    lcp_dcap_collateral c;
    lcp_dcap_verified_collateral *vc = NULL;
    char e2[LCP_ERR_LEN] = "";
    int rc = storage && der_len > 0 ? LCP_OK : lcp_fail(err, LCP_ERR_NOMEM, "out of memory");
    if (rc == LCP_OK && (lcp_dcap_collateral_from_json(&c, storage, cap, doc->data, doc->len, e2) != LCP_OK ||
                         lcp_dcap_collateral_verify(&vc, &c, der, (size_t)der_len, now, e2) != LCP_OK))
        rc = lcp_fail(err, LCP_ERR_ATTESTATION, "simulated issuer: new collateral fails verification: %s", e2);
    lcp_dcap_verified_collateral_free(vc);
    OPENSSL_free(der);
    lcp_free(storage);
    return rc;
}

int sim_publish(const char *dir, const sim_levels *lv, int64_t now, char *err)
{
    issuer_keys k;
    lcp_buf tcb = {0}, qe = {0}, root_crl = {0}, pck_crl = {0}, root_pem = {0}, ca_pem = {0}, tcb_pem = {0};
    lcp_buf ca_chain = {0}, tcb_chain = {0}, doc = {0};
    uint8_t tcb_sig[LCP_DCAP_SIG_LEN], qe_sig[LCP_DCAP_SIG_LEN];
    int rc = keys_load(&k, dir, err);
    /* CRL numbers only need to grow: the publication time does. */
    if (rc == LCP_OK) rc = sim_crl_make(&root_crl, k.root, k.root_key, now, (uint64_t)now, err);
    if (rc == LCP_OK) rc = sim_crl_make(&pck_crl, k.ca, k.ca_key, now, (uint64_t)now, err);
    if (rc == LCP_OK && (rc = tcb_info_text(&tcb, lv, now)) != LCP_OK)
        rc = lcp_fail(err, rc, "simulated issuer: TCB Info text: %s", lcp_strerror(rc));
    if (rc == LCP_OK && (rc = qe_identity_text(&qe, lv->eval, lv->n ? lv->levels[0].tcb_date : now, now)) != LCP_OK)
        rc = lcp_fail(err, rc, "simulated issuer: QE Identity text: %s", lcp_strerror(rc));
    /* Signed exactly as Intel signs: the bytes of the member's value, nothing re-serialised. */
    if (rc == LCP_OK) rc = sim_sign_raw(tcb_sig, k.tcb_key, tcb.data, tcb.len, err);
    if (rc == LCP_OK) rc = sim_sign_raw(qe_sig, k.tcb_key, qe.data, qe.len, err);
    if (rc == LCP_OK) rc = sim_cert_pem(&root_pem, k.root, err);
    if (rc == LCP_OK) rc = sim_cert_pem(&ca_pem, k.ca, err);
    if (rc == LCP_OK) rc = sim_cert_pem(&tcb_pem, k.tcb, err);
    /* PCS appends the root to each issuer chain. */
    if (rc == LCP_OK && (lcp_buf_append(&ca_chain, ca_pem.data, ca_pem.len) != LCP_OK ||
                         lcp_buf_append(&ca_chain, root_pem.data, root_pem.len) != LCP_OK ||
                         lcp_buf_append(&tcb_chain, tcb_pem.data, tcb_pem.len) != LCP_OK ||
                         lcp_buf_append(&tcb_chain, root_pem.data, root_pem.len) != LCP_OK))
        rc = lcp_fail(err, LCP_ERR_NOMEM, "out of memory");
    if (rc == LCP_OK) {
        int w = LCP_OK;
        put(&doc, &w, "{\n");
        put_string(&doc, &w, "pck_crl_issuer_chain", ca_chain.data, ca_chain.len, 0);
        put_hex(&doc, &w, "root_ca_crl", root_crl.data, root_crl.len, 0);
        put_hex(&doc, &w, "pck_crl", pck_crl.data, pck_crl.len, 0);
        put_string(&doc, &w, "tcb_info_issuer_chain", tcb_chain.data, tcb_chain.len, 0);
        put_string(&doc, &w, "tcb_info", tcb.data, tcb.len, 0);
        put_hex(&doc, &w, "tcb_info_signature", tcb_sig, sizeof tcb_sig, 0);
        put_string(&doc, &w, "qe_identity_issuer_chain", tcb_chain.data, tcb_chain.len, 0);
        put_string(&doc, &w, "qe_identity", qe.data, qe.len, 0);
        put_hex(&doc, &w, "qe_identity_signature", qe_sig, sizeof qe_sig, 1);
        put(&doc, &w, "}\n");
        if (w != LCP_OK) rc = lcp_fail(err, w, "simulated issuer: collateral document: %s", lcp_strerror(w));
    }
    if (rc == LCP_OK) rc = self_check(&doc, k.root, now, err);
    char name[64];
    snprintf(name, sizeof name, SIM_DIR_COLLATERAL "/collateral-%u.json", lv->eval);
    if (rc == LCP_OK) rc = sim_write(dir, name, doc.data, doc.len, 0644, err);
    if (rc == LCP_OK) rc = sim_write(dir, LCP_SIM_FILE_COLLATERAL, doc.data, doc.len, 0644, err);
    keys_free(&k);
    lcp_buf *bufs[] = {&tcb, &qe, &root_crl, &pck_crl, &root_pem, &ca_pem, &tcb_pem, &ca_chain, &tcb_chain, &doc};
    for (size_t i = 0; i < sizeof bufs / sizeof bufs[0]; i++) lcp_buf_free(bufs[i]);
    return rc;
}

int lcp_sim_issuer_refresh(uint32_t *eval, const char *dir, int64_t now, char *err)
{
    LCP_ARG_CHECK(dir != NULL);
    sim_levels *lv = lcp_calloc(1, sizeof *lv);
    if (lv == NULL) return lcp_fail(err, LCP_ERR_NOMEM, "out of memory");
    int rc = sim_levels_load(lv, dir, err);
    if (rc == LCP_OK) rc = sim_publish(dir, lv, now, err);
    if (rc == LCP_OK && eval) *eval = lv->eval;
    lcp_free(lv);
    return rc;
}

static int advisory_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > LCP_DCAP_ADVISORY_ID_MAX) return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return 0;
    }
    return 1;
}

int lcp_sim_issuer_tcb_recovery(uint32_t *eval, const char *dir, const char *advisory, int64_t now, char *err)
{
    LCP_ARG_CHECK(dir != NULL && advisory != NULL);
    if (!advisory_ok(advisory))
        return lcp_fail(err, LCP_ERR_ILLEGAL_ARG,
                        "advisory ID must be 1 to %d characters of [A-Za-z0-9-] (e.g. INTEL-SA-00999)",
                        LCP_DCAP_ADVISORY_ID_MAX);
    sim_levels *lv = lcp_calloc(1, sizeof *lv);
    if (lv == NULL) return lcp_fail(err, LCP_ERR_NOMEM, "out of memory");
    int rc = sim_levels_load(lv, dir, err);
    if (rc == LCP_OK && lv->n == 0) rc = lcp_fail(err, LCP_ERR_ATTESTATION, "simulated issuer: no TCB levels");
    if (rc == LCP_OK && lv->levels[0].comp[0] == 255)
        rc = lcp_fail(err, LCP_ERR_RANGE, "the highest TCB level's first component is 255: no higher level exists");
    if (rc == LCP_OK && lv->n == LCP_DCAP_MAX_TCB_LEVELS)
        rc = lcp_fail(err, LCP_ERR_RANGE, "the TCB Info already has %d levels", LCP_DCAP_MAX_TCB_LEVELS);
    if (rc == LCP_OK && lv->eval == UINT32_MAX)
        rc = lcp_fail(err, LCP_ERR_RANGE, "the TCB evaluation data number cannot grow further");
    for (size_t i = 0; rc == LCP_OK && i < lv->n; i++)
        if (lv->levels[i].n_adv == LCP_DCAP_MAX_ADVISORY_IDS)
            rc = lcp_fail(err, LCP_ERR_RANGE, "TCB level %zu already has %d advisory IDs", i,
                          LCP_DCAP_MAX_ADVISORY_IDS);
    if (rc == LCP_OK) {
        /* The fix: every level known so far is now behind and carries the advisory (a Revoked level stays
         * Revoked); above them a new level, reached by the microcode update that raises component 1. */
        for (size_t i = 0; i < lv->n; i++) {
            sim_level *l = &lv->levels[i];
            if (l->status != LCP_DCAP_TCB_REVOKED) l->status = LCP_DCAP_TCB_OUT_OF_DATE;
            add_adv(l, advisory);
        }
        memmove(&lv->levels[1], &lv->levels[0], lv->n * sizeof lv->levels[0]);
        lv->n++;
        sim_level *top = &lv->levels[0];
        top->comp[0]++;
        top->status = LCP_DCAP_TCB_UP_TO_DATE;
        top->tcb_date = now;
        top->n_adv = 0;
        memset(top->adv, 0, sizeof top->adv);
        lv->eval++;
        rc = sim_publish(dir, lv, now, err);
    }
    if (rc == LCP_OK && eval) *eval = lv->eval;
    lcp_free(lv);
    return rc;
}
