/* libFuzzer target for the attestation evidence decoder (lcp_host_evidence_decode, lcp/host_evidence.h) on
 * arbitrary bytes: the first byte picks the record's ra_type, the rest is the evidence. The decoder must answer
 * LCP_OK or LCP_ERR_HOST_KEY_RECORD, leave nothing decoded on a refusal, keep its stated limits, and a decoded
 * signed IAS evidence or v1 document must survive a round trip through its encoder: encode(decoded) decodes to
 * the same members. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lcp/host_evidence.h"
#include "lcp/host_keystore.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void same_bytes(lcp_bytes a, lcp_bytes b)
{
    if (a.len != b.len || (a.len && memcmp(a.ptr, b.ptr, a.len) != 0)) abort();
}

static void same_str(const char *a, const char *b)
{
    if ((a == NULL) != (b == NULL) || (a && strcmp(a, b) != 0)) abort();
}

static void same_verdict(const lcp_host_evidence *a, const lcp_host_evidence *b)
{
    if (a->form != b->form || a->n_advisory_ids != b->n_advisory_ids) abort();
    same_str(a->status, b->status);
    for (size_t i = 0; i < a->n_advisory_ids; i++) same_str(a->advisory_ids[i], b->advisory_ids[i]);
}

static void ias_round_trip(const lcp_host_evidence *ev)
{
    lcp_buf doc = {0};
    lcp_host_evidence again;
    if (lcp_host_evidence_encode_ias(&doc, (const uint8_t *)ev->avr, strlen(ev->avr), ev->signature.ptr,
                                     ev->signature.len, ev->signing_cert.ptr, ev->signing_cert.len, NULL) != LCP_OK ||
        lcp_host_evidence_decode(&again, LCP_RA_TYPE_IAS, doc.data, doc.len, NULL) != LCP_OK)
        abort();
    same_verdict(ev, &again);
    same_str(ev->avr, again.avr);
    same_bytes(ev->signature, again.signature);
    same_bytes(ev->signing_cert, again.signing_cert);
    lcp_host_evidence_free(&again);
    lcp_buf_free(&doc);
}

/* The collateral document of a decoded v1 evidence, rebuilt from its members. */
static cJSON *collateral_doc(const lcp_host_evidence *ev)
{
    cJSON *c = cJSON_CreateObject();
    char *hex1 = malloc(2 * ev->root_ca_crl.len + 1), *hex2 = malloc(2 * ev->pck_crl.len + 1);
    if (!c || !hex1 || !hex2 || lcp_hex_encode(hex1, 2 * ev->root_ca_crl.len + 1, ev->root_ca_crl.ptr, ev->root_ca_crl.len) ||
        lcp_hex_encode(hex2, 2 * ev->pck_crl.len + 1, ev->pck_crl.ptr, ev->pck_crl.len))
        abort();
    cJSON_AddStringToObject(c, "tcb_info", ev->tcb_info);
    cJSON_AddStringToObject(c, "tcb_info_signature", ev->tcb_info_signature);
    cJSON_AddStringToObject(c, "tcb_info_issuer_chain", ev->tcb_info_issuer_chain);
    cJSON_AddStringToObject(c, "qe_identity", ev->qe_identity);
    cJSON_AddStringToObject(c, "qe_identity_signature", ev->qe_identity_signature);
    cJSON_AddStringToObject(c, "root_ca_crl", hex1);
    cJSON_AddStringToObject(c, "pck_crl", hex2);
    free(hex1);
    free(hex2);
    return c;
}

static void v1_round_trip(const lcp_host_evidence *ev)
{
    /* the limits the decoder states */
    if (ev->fmspc.len != LCP_DCAP_FMSPC_LEN || ev->quote.len == 0 || ev->valid_from > ev->valid_to ||
        ev->not_before > ev->not_after || !ev->has_collateral || ev->isv_prod_id > UINT16_MAX || ev->isv_svn > UINT16_MAX)
        abort();
    lcp_dcap_result r;
    memset(&r, 0, sizeof r);
    if (lcp_dcap_tcb_status_parse(&r.status, ev->status, strlen(ev->status)) != LCP_OK ||
        lcp_dcap_tcb_status_parse(&r.platform_status, ev->platform_status, strlen(ev->platform_status)) != LCP_OK ||
        lcp_dcap_tcb_status_parse(&r.qe_status, ev->qe_status, strlen(ev->qe_status)) != LCP_OK)
        abort();
    /* the result holds fewer and shorter advisory IDs than evidence may: compare what fits */
    if (ev->n_advisory_ids > LCP_DCAP_MAX_RESULT_ADVISORY_IDS) return;
    for (size_t i = 0; i < ev->n_advisory_ids; i++) {
        if (strlen(ev->advisory_ids[i]) > LCP_DCAP_ADVISORY_ID_MAX) return;
        strcpy(r.advisory_ids[i], ev->advisory_ids[i]);
    }
    r.n_advisory_ids = ev->n_advisory_ids;
    memcpy(r.report.mrenclave, ev->mrenclave, 32);
    memcpy(r.report.mrsigner, ev->mrsigner, 32);
    memcpy(r.report.report_data, ev->report_data, 64);
    r.report.isv_prod_id = (uint16_t)ev->isv_prod_id;
    r.report.isv_svn = (uint16_t)ev->isv_svn;
    r.debug = ev->debug;
    memcpy(r.fmspc, ev->fmspc.ptr, LCP_DCAP_FMSPC_LEN);
    r.tcb_evaluation_data_number = ev->tcb_evaluation_data_number;
    r.tcb_date = ev->tcb_date;
    r.valid_from = ev->valid_from;
    r.valid_to = ev->valid_to;
    cJSON *c = collateral_doc(ev);
    char *ctext = cJSON_PrintUnformatted(c);
    lcp_buf doc = {0};
    lcp_host_evidence again;
    if (!ctext ||
        lcp_host_evidence_encode_dcap(&doc, &r, ev->verified_at, ev->sim, ev->quote.ptr, ev->quote.len,
                                      (const uint8_t *)ctext, strlen(ctext), NULL) != LCP_OK ||
        lcp_host_evidence_decode(&again, LCP_RA_TYPE_DCAP, doc.data, doc.len, NULL) != LCP_OK)
        abort();
    same_verdict(ev, &again);
    if (memcmp(ev->mrenclave, again.mrenclave, 32) || memcmp(ev->mrsigner, again.mrsigner, 32) ||
        memcmp(ev->report_data, again.report_data, 64) || ev->debug != again.debug || ev->sim != again.sim ||
        ev->tcb_evaluation_data_number != again.tcb_evaluation_data_number || ev->valid_from != again.valid_from ||
        ev->valid_to != again.valid_to || ev->isv_prod_id != again.isv_prod_id || ev->isv_svn != again.isv_svn ||
        ev->tcb_date != again.tcb_date || ev->verified_at != again.verified_at)
        abort();
    same_bytes(ev->quote, again.quote);
    same_bytes(ev->fmspc, again.fmspc);
    same_bytes(ev->root_ca_crl, again.root_ca_crl);
    same_bytes(ev->pck_crl, again.pck_crl);
    same_str(ev->platform_status, again.platform_status);
    same_str(ev->qe_status, again.qe_status);
    same_str(ev->tcb_info, again.tcb_info);
    same_str(ev->qe_identity_signature, again.qe_identity_signature);
    lcp_host_evidence_free(&again);
    lcp_buf_free(&doc);
    cJSON_free(ctext);
    cJSON_Delete(c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0) return 0;
    uint32_t ra_type = data[0] % (LCP_RA_TYPE_MAX + 2); /* one past the last: an unknown type */
    char err[LCP_ERR_LEN];
    lcp_host_evidence ev;
    int rc = lcp_host_evidence_decode(&ev, ra_type, data + 1, size - 1, err);
    if (rc != LCP_OK) {
        if (rc != LCP_ERR_HOST_KEY_RECORD || ev.form != LCP_HOST_EVIDENCE_UNKNOWN || ev.status || ev.avr ||
            ev.quote.len || ev.n_advisory_ids || err[0] == '\0')
            abort();
    } else {
        if (ev.n_advisory_ids > LCP_HOST_EVIDENCE_MAX_ADVISORIES) abort();
        for (size_t i = 0; i < ev.n_advisory_ids; i++) (void)strlen(ev.advisory_ids[i]);
        if (ev.form == LCP_HOST_EVIDENCE_IAS_SIGNED) ias_round_trip(&ev);
        if (ev.form == LCP_HOST_EVIDENCE_DCAP_V1) v1_round_trip(&ev);
        if ((ev.form == LCP_HOST_EVIDENCE_IAS_SIGNED || ev.form == LCP_HOST_EVIDENCE_IAS_REPORT) != (ra_type == LCP_RA_TYPE_IAS && size > 1))
            abort();
    }
    lcp_host_evidence_free(&ev);
    return 0;
}
