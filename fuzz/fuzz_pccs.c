/* libFuzzer target for the PCCS client's parsers (lcp/host_pccs.h): an HTTP/1.x response (status line, headers,
 * Content-Length / chunked / close framing) as complete and as cut short, header lookup and percent-decoding of
 * every header value (the issuer chains arrive that way), and the bytes as a URL. Checks that views stay inside
 * the buffer and that decoding never lengthens. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lcp/host_pccs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void inside(lcp_bytes b, const uint8_t *buf, size_t size)
{
    if (b.len && (b.ptr < buf || b.ptr + b.len > buf + size)) abort();
}

static const char *const HEADERS[] = {"SGX-PCK-CRL-Issuer-Chain", "TCB-Info-Issuer-Chain", "SGX-TCB-Info-Issuer-Chain",
                                      "SGX-Enclave-Identity-Issuer-Chain", "Content-Length", NULL};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[LCP_ERR_LEN];
    uint8_t *buf = malloc(size + 1);
    if (!buf) return 0;
    for (int eof = 0; eof <= 1; eof++) {
        memcpy(buf, data, size); /* the parser may de-chunk in place */
        lcp_http_response r;
        int rc = lcp_http_response_parse(&r, buf, size, eof, 4096, err);
        if (rc != LCP_OK) continue;
        inside(r.head, buf, size);
        inside(r.body, buf, size);
        if (r.status < 100 || r.status > 999 || r.body.len > 4096) abort();
        for (int i = 0; HEADERS[i]; i++) {
            lcp_bytes v;
            if (!lcp_http_header(&v, r.head, HEADERS[i])) continue;
            inside(v, buf, size);
            uint8_t *out = malloc(v.len + 1);
            size_t n = 0;
            if (out && lcp_http_url_decode(out, v.len, &n, v.ptr, v.len, err) == LCP_OK && n > v.len) abort();
            free(out);
        }
    }
    /* The same bytes as a URL (NUL-terminated copy). */
    memcpy(buf, data, size);
    buf[size] = '\0';
    lcp_http_url u;
    if (lcp_http_url_parse(&u, (const char *)buf, err) == LCP_OK) {
        if (u.path[0] != '/' || strpbrk(u.path, " \r\n") || u.host[0] == '\0') abort();
    }
    free(buf);
    return 0;
}
