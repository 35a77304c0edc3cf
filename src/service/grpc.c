/* gRPC wire helpers (lcp/service.h): message framing, grpc-timeout, grpc-message percent-encoding, status names,
 * listen addresses. Formats: grpc/doc/PROTOCOL-HTTP2.md ("Length-Prefixed-Message", "Timeout", "Status-Message"). */
#include <stdio.h>
#include <string.h>

#include "lcp/service.h"

const char *lcp_grpc_status_name(int code)
{
    static const char *const names[LCP_GRPC_STATUS_COUNT] = {
        "OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS",
        "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE",
        "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED"};
    return code >= 0 && code < LCP_GRPC_STATUS_COUNT ? names[code] : "UNKNOWN";
}

int lcp_grpc_prefix(uint8_t out[5], size_t len)
{
    if (len > UINT32_MAX) return LCP_ERR_RANGE;
    out[0] = 0;
    out[1] = (uint8_t)(len >> 24);
    out[2] = (uint8_t)(len >> 16);
    out[3] = (uint8_t)(len >> 8);
    out[4] = (uint8_t)len;
    return LCP_OK;
}

static int reader_fail(lcp_grpc_reader *r, int status, int rc, char *err, const char *fmt, unsigned long v)
{
    r->status = status;
    return lcp_fail(err, rc, fmt, v);
}

int lcp_grpc_reader_feed(lcp_grpc_reader *r, const uint8_t *in, size_t len, lcp_grpc_message_fn fn, void *ud,
                         char *err)
{
    if (r->status != LCP_GRPC_OK) return lcp_fail(err, LCP_ERR_IO, "message stream already failed");
    while (len > 0) {
        if (r->hdr_len < 5) {
            size_t take = 5 - r->hdr_len < len ? 5 - r->hdr_len : len;
            memcpy(r->hdr + r->hdr_len, in, take);
            r->hdr_len += take;
            in += take;
            len -= take;
            if (r->hdr_len < 5) break;
            if (r->hdr[0] == 1)
                return reader_fail(r, LCP_GRPC_UNIMPLEMENTED, LCP_ERR_PROTO, err,
                                   "compressed messages are not supported (flag %lu; send grpc-encoding identity)", 1);
            if (r->hdr[0] != 0)
                return reader_fail(r, LCP_GRPC_INTERNAL, LCP_ERR_PROTO, err, "invalid compressed flag %lu",
                                   r->hdr[0]);
            r->need = (uint32_t)r->hdr[1] << 24 | (uint32_t)r->hdr[2] << 16 | (uint32_t)r->hdr[3] << 8 | r->hdr[4];
            /* Refuse from the prefix alone: an oversized message is never buffered. */
            if (r->need > r->max)
                return reader_fail(r, LCP_GRPC_RESOURCE_EXHAUSTED, LCP_ERR_RANGE, err,
                                   "message of %lu bytes exceeds the limit", (unsigned long)r->need);
            r->body.len = 0;
            if (r->need > 0 && lcp_buf_reserve(&r->body, r->need) != LCP_OK)
                return reader_fail(r, LCP_GRPC_RESOURCE_EXHAUSTED, LCP_ERR_NOMEM, err, "out of memory for %lu bytes",
                                   (unsigned long)r->need);
        }
        size_t want = r->need - r->body.len;
        size_t take = want < len ? want : len;
        if (take > 0) {
            memcpy(r->body.data + r->body.len, in, take);
            r->body.len += take;
            in += take;
            len -= take;
        }
        if (r->body.len == r->need) {
            r->hdr_len = 0;
            r->messages++;
            int rc = fn(ud, r->body.data, r->body.len);
            r->body.len = 0;
            if (rc != LCP_OK) {
                if (r->status == LCP_GRPC_OK) r->status = LCP_GRPC_INTERNAL;
                return rc;
            }
        }
    }
    return LCP_OK;
}

int lcp_grpc_reader_idle(const lcp_grpc_reader *r) { return r->hdr_len == 0; }

void lcp_grpc_reader_free(lcp_grpc_reader *r)
{
    lcp_buf_free(&r->body);
    r->hdr_len = 0;
}

int lcp_grpc_timeout_parse(uint64_t *ns, const char *v, size_t len)
{
    /* At most 8 digits: the value fits in 27 bits, so only the unit multiplication can overflow. */
    if (len < 2 || len > 9) return LCP_ERR_RANGE;
    uint64_t n = 0;
    for (size_t i = 0; i + 1 < len; i++) {
        if (v[i] < '0' || v[i] > '9') return LCP_ERR_RANGE;
        n = n * 10 + (uint64_t)(v[i] - '0');
    }
    uint64_t mul;
    switch (v[len - 1]) {
    case 'H': mul = 3600ull * 1000000000ull; break;
    case 'M': mul = 60ull * 1000000000ull; break;
    case 'S': mul = 1000000000ull; break;
    case 'm': mul = 1000000ull; break;
    case 'u': mul = 1000ull; break;
    case 'n': mul = 1; break;
    default: return LCP_ERR_RANGE;
    }
    *ns = n != 0 && mul > UINT64_MAX / n ? UINT64_MAX : n * mul;
    return LCP_OK;
}

size_t lcp_grpc_percent_encode(char *out, size_t cap, const uint8_t *in, size_t len)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t o = 0;
    if (cap == 0) return 0;
    for (size_t i = 0; i < len; i++) {
        uint8_t c = in[i];
        if (c >= 0x20 && c <= 0x7e && c != '%') {
            if (o + 1 >= cap) break;
            out[o++] = (char)c;
        } else {
            if (o + 3 >= cap) break;
            out[o++] = '%';
            out[o++] = hex[c >> 4];
            out[o++] = hex[c & 15];
        }
    }
    out[o] = '\0';
    return o;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

size_t lcp_grpc_percent_decode(uint8_t *out, const char *in, size_t len)
{
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        int hi, lo;
        if (in[i] == '%' && i + 2 < len && (hi = hexval(in[i + 1])) >= 0 && (lo = hexval(in[i + 2])) >= 0) {
            out[o++] = (uint8_t)(hi << 4 | lo);
            i += 2;
        } else {
            out[o++] = (uint8_t)in[i];
        }
    }
    return o;
}

int lcp_service_parse_address(char *host, size_t host_cap, uint16_t *port, const char *addr)
{
    const char *colon, *h;
    size_t hl;
    if (!addr || !*addr) return LCP_ERR_RANGE;
    if (addr[0] == '[') {
        const char *close = strchr(addr, ']');
        if (!close || close[1] != ':') return LCP_ERR_RANGE;
        h = addr + 1;
        hl = (size_t)(close - h);
        colon = close + 1;
    } else {
        colon = strrchr(addr, ':');
        if (!colon || memchr(addr, ':', (size_t)(colon - addr))) return LCP_ERR_RANGE; /* bare IPv6 needs [] */
        h = addr;
        hl = (size_t)(colon - addr);
    }
    if (hl == 0 || hl >= host_cap) return LCP_ERR_RANGE;
    const char *p = colon + 1;
    size_t pl = strlen(p);
    if (pl == 0 || pl > 5) return LCP_ERR_RANGE;
    unsigned long v = 0;
    for (size_t i = 0; i < pl; i++) {
        if (p[i] < '0' || p[i] > '9') return LCP_ERR_RANGE;
        v = v * 10 + (unsigned long)(p[i] - '0');
    }
    if (v > 65535) return LCP_ERR_RANGE;
    memcpy(host, h, hl);
    host[hl] = '\0';
    *port = (uint16_t)v;
    return LCP_OK;
}
