/* The HTTP/1.1 pieces of the PCCS client that read untrusted bytes (lcp/host_pccs.h): URLs, the response's status
 * line, headers and body framing, percent-decoding. No I/O; fuzzed by fuzz/fuzz_pccs.c. */
#include <string.h>

#include "lcp/host_pccs.h"

#define MALFORMED(...) lcp_fail(err, LCP_ERR_HOST_HTTP_MALFORMED, __VA_ARGS__)

static int lower(int c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }

static int ieq(const uint8_t *a, size_t n, const char *b)
{
    if (strlen(b) != n) return 0;
    for (size_t i = 0; i < n; i++)
        if (lower(a[i]) != lower((unsigned char)b[i])) return 0;
    return 1;
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    c = lower(c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* ---- URLs ---- */

static int copy_part(char *dst, size_t cap, const char *p, size_t n)
{
    if (n >= cap) return -1;
    memcpy(dst, p, n);
    dst[n] = '\0';
    return 0;
}

int lcp_http_url_parse(lcp_http_url *out, const char *url, char *err)
{
    memset(out, 0, sizeof *out);
    size_t len = strlen(url), skip;
    /* Only visible ASCII: a space, CR or LF would end the request line we write it into. */
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)url[i] <= 0x20 || (unsigned char)url[i] >= 0x7f)
            return lcp_fail(err, LCP_ERR_ILLEGAL_ARG, "URL has a space or control character at %zu", i);
    if (len >= 7 && ieq((const uint8_t *)url, 7, "http://")) skip = 7;
    else if (len >= 8 && ieq((const uint8_t *)url, 8, "https://")) {
        skip = 8;
        out->tls = 1;
    } else return lcp_fail(err, LCP_ERR_ILLEGAL_ARG, "URL must start with http:// or https://");
    if (strchr(url, '#')) return lcp_fail(err, LCP_ERR_ILLEGAL_ARG, "URL has a fragment");
    const char *a = url + skip, *end = a + strcspn(a, "/?");
    if (memchr(a, '@', (size_t)(end - a))) return lcp_fail(err, LCP_ERR_ILLEGAL_ARG, "URL has user info");
    const char *host = a, *host_end, *port = NULL;
    if (*a == '[') {
        host = a + 1;
        host_end = memchr(host, ']', (size_t)(end - host));
        if (!host_end) return lcp_fail(err, LCP_ERR_ILLEGAL_ARG, "URL: unclosed '[' in the host");
        if (host_end + 1 < end) {
            if (host_end[1] != ':') return lcp_fail(err, LCP_ERR_ILLEGAL_ARG, "URL: junk after ']'");
            port = host_end + 2;
        }
    } else {
        host_end = memchr(a, ':', (size_t)(end - a));
        if (host_end) port = host_end + 1;
        else host_end = end;
    }
    if (host_end == host || copy_part(out->host, sizeof out->host, host, (size_t)(host_end - host)) != 0)
        return lcp_fail(err, LCP_ERR_ILLEGAL_ARG, "URL: empty or too long host");
    if (port) {
        size_t n = (size_t)(end - port);
        unsigned v = 0;
        for (size_t i = 0; i < n; i++) {
            if (port[i] < '0' || port[i] > '9' || n > 5) return lcp_fail(err, LCP_ERR_ILLEGAL_ARG, "URL: bad port");
            v = v * 10 + (unsigned)(port[i] - '0');
        }
        if (n == 0 || v == 0 || v > 65535) return lcp_fail(err, LCP_ERR_ILLEGAL_ARG, "URL: bad port");
        copy_part(out->port, sizeof out->port, port, n);
    } else memcpy(out->port, out->tls ? "443" : "80", out->tls ? 4 : 3);
    /* "http://h?x" means path "/?x". */
    int slash = *end != '/';
    size_t plen = strlen(end);
    if (slash + plen >= sizeof out->path) return lcp_fail(err, LCP_ERR_ILLEGAL_ARG, "URL: path too long");
    out->path[0] = '/';
    memcpy(out->path + slash, end, plen + 1);
    return LCP_OK;
}

/* ---- percent-decoding ---- */

int lcp_http_url_decode(uint8_t *out, size_t cap, size_t *n, const uint8_t *in, size_t len, char *err)
{
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        uint8_t c = in[i];
        if (c == '%') {
            int h = i + 2 < len ? hexval(in[i + 1]) : -1, l = h >= 0 ? hexval(in[i + 2]) : -1;
            if (l < 0) return MALFORMED("'%%' at %zu is not followed by two hex digits", i);
            c = (uint8_t)(h << 4 | l);
            i += 2;
        }
        if (o >= cap) return lcp_fail(err, LCP_ERR_BUFFER_TOO_SMALL, "URL-decoded text exceeds %zu bytes", cap);
        out[o++] = c;
    }
    *n = o;
    return LCP_OK;
}

/* ---- responses ---- */

static int is_tchar(uint8_t c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c != 0 && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

/* The end of the line starting at p (the index of its CR, followed by LF), or -1 if no CRLF before end. */
static long line_end(const uint8_t *b, size_t p, size_t end)
{
    for (size_t i = p; i + 1 < end; i++)
        if (b[i] == '\r') return b[i + 1] == '\n' ? (long)i : -2;
    return -1;
}

int lcp_http_header(lcp_bytes *val, lcp_bytes head, const char *name)
{
    size_t p = 0;
    while (p < head.len) {
        long e = line_end(head.ptr, p, head.len);
        if (e < 0) return 0;
        const uint8_t *colon = memchr(head.ptr + p, ':', (size_t)e - p);
        if (colon && ieq(head.ptr + p, (size_t)(colon - head.ptr) - p, name)) {
            size_t s = (size_t)(colon - head.ptr) + 1, t = (size_t)e;
            while (s < t && (head.ptr[s] == ' ' || head.ptr[s] == '\t')) s++;
            while (t > s && (head.ptr[t - 1] == ' ' || head.ptr[t - 1] == '\t')) t--;
            val->ptr = head.ptr + s;
            val->len = t - s;
            return 1;
        }
        p = (size_t)e + 2;
    }
    return 0;
}

/* Checks each header line; finds the framing. */
static int check_headers(lcp_bytes head, int *chunked, long long *content_length, size_t max_body, char *err)
{
    *chunked = 0;
    *content_length = -1;
    size_t p = 0;
    while (p < head.len) {
        long e = line_end(head.ptr, p, head.len);
        if (e < 0) return MALFORMED("header line without CRLF");
        const uint8_t *l = head.ptr + p;
        size_t n = (size_t)e - p, k = 0;
        while (k < n && is_tchar(l[k])) k++;
        if (k == 0 || k == n || l[k] != ':') return MALFORMED("malformed header line (no name, or no ':')");
        for (size_t i = k + 1; i < n; i++)
            if ((l[i] < 0x20 && l[i] != '\t') || l[i] == 0x7f) return MALFORMED("control character in a header value");
        lcp_bytes v = {l + k + 1, n - k - 1};
        while (v.len && (v.ptr[0] == ' ' || v.ptr[0] == '\t')) v.ptr++, v.len--;
        while (v.len && (v.ptr[v.len - 1] == ' ' || v.ptr[v.len - 1] == '\t')) v.len--;
        if (ieq(l, k, "content-length")) {
            unsigned long long cl = 0;
            if (v.len == 0 || v.len > 19) return MALFORMED("bad Content-Length");
            for (size_t i = 0; i < v.len; i++) {
                if (v.ptr[i] < '0' || v.ptr[i] > '9') return MALFORMED("bad Content-Length");
                cl = cl * 10 + (v.ptr[i] - '0');
            }
            if (*content_length >= 0 && (unsigned long long)*content_length != cl)
                return MALFORMED("two different Content-Length headers");
            if (cl > max_body)
                return lcp_fail(err, LCP_ERR_HOST_HTTP_TOO_LARGE, "Content-Length %llu exceeds the %zu-byte limit", cl,
                                max_body);
            *content_length = (long long)cl;
        } else if (ieq(l, k, "transfer-encoding")) {
            if (!ieq(v.ptr, v.len, "chunked")) return MALFORMED("unsupported Transfer-Encoding");
            *chunked = 1;
        }
        p = (size_t)e + 2;
    }
    if (*chunked && *content_length >= 0) return MALFORMED("both Transfer-Encoding and Content-Length");
    return LCP_OK;
}

/* De-chunks b[p..len). With w == NULL only checks; otherwise writes the data to w (w <= b + p: in place). Returns
 * LCP_OK with *out_len, 1 if incomplete, or an error. */
static int dechunk(uint8_t *w, size_t *out_len, const uint8_t *b, size_t p, size_t len, size_t max_body, char *err)
{
    size_t total = 0;
    for (;;) {
        long e = line_end(b, p, len);
        if (e == -1) return (len - p) > 4096 ? MALFORMED("chunk size line too long") : 1;
        if (e < 0) return MALFORMED("chunk size line: bare CR");
        size_t i = p, size = 0, digits = 0;
        int h;
        while (i < (size_t)e && (h = hexval(b[i])) >= 0) {
            if (++digits > 8) return MALFORMED("chunk size too long");
            size = size << 4 | (size_t)h;
            i++;
        }
        if (digits == 0 || (i < (size_t)e && b[i] != ';')) return MALFORMED("bad chunk size");
        p = (size_t)e + 2;
        if (size == 0) break;
        if (size > max_body - total)
            return lcp_fail(err, LCP_ERR_HOST_HTTP_TOO_LARGE, "chunked body exceeds the %zu-byte limit", max_body);
        if (len - p < size + 2) return 1;
        if (b[p + size] != '\r' || b[p + size + 1] != '\n') return MALFORMED("chunk data not followed by CRLF");
        if (w) memmove(w + total, b + p, size);
        total += size;
        p += size + 2;
    }
    /* Trailer fields (ignored), then the empty line. */
    for (;;) {
        long e = line_end(b, p, len);
        if (e == -1) return (len - p) > LCP_HTTP_MAX_HEAD ? MALFORMED("trailer too long") : 1;
        if (e < 0) return MALFORMED("trailer: bare CR");
        int empty = (size_t)e == p;
        p = (size_t)e + 2;
        if (empty) break;
    }
    *out_len = total;
    return LCP_OK;
}

int lcp_http_response_parse(lcp_http_response *out, uint8_t *buf, size_t len, int eof, size_t max_body, char *err)
{
    memset(out, 0, sizeof *out);
    /* The head ends at the first empty line. */
    size_t scan = len < LCP_HTTP_MAX_HEAD ? len : LCP_HTTP_MAX_HEAD, hend = 0;
    int found = 0;
    for (size_t i = 0; i + 3 < scan; i++)
        if (buf[i] == '\r' && buf[i + 1] == '\n' && buf[i + 2] == '\r' && buf[i + 3] == '\n') {
            hend = i;
            found = 1;
            break;
        }
    if (!found) {
        if (len >= LCP_HTTP_MAX_HEAD)
            return lcp_fail(err, LCP_ERR_HOST_HTTP_TOO_LARGE, "response head exceeds %u bytes", LCP_HTTP_MAX_HEAD);
        return eof ? MALFORMED("connection closed before the end of the response head (%zu bytes)", len) : 1;
    }
    /* Status line: HTTP/1.x SP 3DIGIT [SP reason] */
    long sl = line_end(buf, 0, hend + 2);
    if (sl < 12 || memcmp(buf, "HTTP/1.", 7) != 0 || (buf[7] != '0' && buf[7] != '1') || buf[8] != ' ')
        return MALFORMED("not an HTTP/1.x status line");
    for (int i = 9; i < 12; i++)
        if (buf[i] < '0' || buf[i] > '9') return MALFORMED("bad status code");
    if (sl > 12 && buf[12] != ' ') return MALFORMED("bad status line");
    for (long i = 12; i < sl; i++)
        if ((buf[i] < 0x20 && buf[i] != '\t') || buf[i] == 0x7f) return MALFORMED("control character in the status line");
    int status = (buf[9] - '0') * 100 + (buf[10] - '0') * 10 + (buf[11] - '0');
    if (status < 100) return MALFORMED("bad status code");
    /* The header lines, each with its CRLF (none at all when the status line is followed by the empty line). */
    lcp_bytes head = {buf + sl + 2, (size_t)((long)hend + 2 - (sl + 2))};
    int chunked;
    long long cl;
    int rc = check_headers(head, &chunked, &cl, max_body, err);
    if (rc != LCP_OK) return rc;
    size_t body = hend + 4, n = 0;
    if (status < 200 || status == 204 || status == 304) {
        n = 0;
    } else if (chunked) {
        rc = dechunk(NULL, &n, buf, body, len, max_body, err);
        if (rc == 1) return eof ? MALFORMED("connection closed inside the chunked body") : 1;
        if (rc != LCP_OK) return rc;
        rc = dechunk(buf + body, &n, buf, body, len, max_body, err);
        if (rc != LCP_OK) return MALFORMED("chunked body changed between passes");
    } else if (cl >= 0) {
        if (len - body < (size_t)cl)
            return eof ? MALFORMED("body truncated: %zu of %lld bytes", len - body, cl) : 1;
        n = (size_t)cl;
    } else {
        if (len - body > max_body)
            return lcp_fail(err, LCP_ERR_HOST_HTTP_TOO_LARGE, "body exceeds the %zu-byte limit", max_body);
        if (!eof) return 1;
        n = len - body;
    }
    out->status = status;
    out->head = head;
    out->body.ptr = buf + body;
    out->body.len = n;
    return LCP_OK;
}
