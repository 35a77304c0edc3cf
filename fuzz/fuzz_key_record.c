/* libFuzzer target for the enclave key record decoder (lcp_keystore_record_decode, proto/lcp_host.proto) on
 * arbitrary bytes. A record that decodes must satisfy the stated rules, keep its views inside the input, and
 * survive a round trip: encode(decoded) decodes to the same entry and re-encodes to the same bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lcp/host_keystore.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void inside(lcp_bytes b, const uint8_t *data, size_t size)
{
    if (b.len != 0 && (b.ptr < data || b.ptr + b.len > data + size)) abort();
}

static void same(const lcp_keystore_entry *a, const lcp_keystore_entry *b)
{
    if (memcmp(a->address, b->address, sizeof a->address) != 0 ||
        memcmp(a->mrenclave, b->mrenclave, sizeof a->mrenclave) != 0 || a->enclave_debug != b->enclave_debug ||
        a->qe_type != b->qe_type || a->ra_type != b->ra_type || a->valid_from != b->valid_from ||
        a->valid_to != b->valid_to || a->created_at != b->created_at)
        abort();
    const lcp_bytes *x[3] = {&a->sealed_key, &a->report, &a->ra_evidence};
    const lcp_bytes *y[3] = {&b->sealed_key, &b->report, &b->ra_evidence};
    for (int i = 0; i < 3; i++)
        if (x[i]->len != y[i]->len || (x[i]->len && memcmp(x[i]->ptr, y[i]->ptr, x[i]->len) != 0)) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[LCP_ERR_LEN];
    lcp_keystore_entry e, e2;
    int rc = lcp_keystore_record_decode(&e, data, size, err);
    if (rc != LCP_OK) {
        if (rc != LCP_ERR_HOST_KEY_RECORD) abort();
        return 0;
    }
    inside(e.sealed_key, data, size);
    inside(e.report, data, size);
    inside(e.ra_evidence, data, size);
    if (e.sealed_key.len == 0 || e.qe_type < 1 || e.qe_type > 3 || e.ra_type > LCP_RA_TYPE_MAX) abort();
    if (e.ra_type == LCP_RA_TYPE_NONE ? (e.valid_to || e.valid_from || e.ra_evidence.len)
                                      : (e.valid_to == 0 || e.valid_from > e.valid_to))
        abort();
    size_t n, n2;
    if (lcp_keystore_record_encode(NULL, 0, &n, &e) != LCP_OK) abort();
    uint8_t *buf = malloc(n), *buf2 = malloc(n);
    if (buf == NULL || buf2 == NULL) abort();
    if (lcp_keystore_record_encode(buf, n, &n2, &e) != LCP_OK || n2 != n) abort();
    if (n > size) abort(); /* every non-default value was on the wire, in at least as many bytes */
    if (lcp_keystore_record_decode(&e2, buf, n, err) != LCP_OK) abort();
    same(&e, &e2);
    if (lcp_keystore_record_encode(buf2, n, &n2, &e2) != LCP_OK || n2 != n || memcmp(buf, buf2, n) != 0) abort();
    free(buf);
    free(buf2);
    return 0;
}
