/* libFuzzer target for IAS reports: the AVR JSON parser (with its base64 quote body and SGX report body) and the
 * signed-report JSON loader, on arbitrary bytes. Checks that a parsed report's views stay inside the input. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lcp/attestation_ias.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void inside(lcp_bytes b, const uint8_t *data, size_t size)
{
    if (b.ptr != NULL && (b.ptr < data || b.ptr + b.len > data + size)) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[LCP_ERR_LEN];
    lcp_ias_report r;
    if (lcp_ias_report_parse(&r, data, size, err) == LCP_OK) {
        inside(r.id, data, size);
        inside(r.timestamp, data, size);
        inside(r.advisory_url, data, size);
        inside(r.platform_info_blob, data, size);
        inside(r.nonce, data, size);
        inside(r.epid_pseudonym, data, size);
        if (r.n_advisory_ids > LCP_IAS_MAX_ADVISORIES) abort();
        for (size_t i = 0; i < r.n_advisory_ids; i++) inside(r.advisory_ids[i], data, size);
        if (r.version != 4 && r.version != 5) abort();
        if (strcmp(lcp_ias_status_name(r.status), "UNKNOWN") == 0) abort();
        lcp_report_data rd;
        (void)!lcp_report_data_parse(&rd, r.report_body.report_data, NULL);
    }
    /* The same bytes as the {avr, signature, signing_cert} transport form; a loaded AVR is parsed too. */
    lcp_ias_signed_report sr;
    if (lcp_ias_signed_report_from_json(&sr, data, size, err) == LCP_OK) {
        (void)!lcp_ias_report_parse(&r, sr.avr, sr.avr_len, err);
        lcp_ias_signed_report_free(&sr);
    }
    return 0;
}
