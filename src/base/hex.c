/* Hex and base64 codecs (lcp/base.h). Both decoders are strict: they are fed operator files and RPC input. */
#include "lcp/base.h"

#include <string.h>

static const char HEX[] = "0123456789abcdef";

int lcp_hex_encode(char *out, size_t out_cap, const uint8_t *in, size_t in_len)
{
    if (in_len > (SIZE_MAX - 1) / 2 || out_cap < 2 * in_len + 1) return LCP_ERR_BUFFER_TOO_SMALL;
    for (size_t i = 0; i < in_len; i++) {
        out[2 * i] = HEX[in[i] >> 4];
        out[2 * i + 1] = HEX[in[i] & 15];
    }
    out[2 * in_len] = '\0';
    return LCP_OK;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

int lcp_hex_decode(uint8_t *out, size_t out_cap, size_t *out_len, const char *in, size_t in_len, char *err)
{
    if (in_len >= 2 && in[0] == '0' && (in[1] == 'x' || in[1] == 'X')) {
        in += 2;
        in_len -= 2;
    }
    if (in_len % 2) return lcp_fail(err, LCP_ERR_HEX, "hex string has an odd number of digits (%zu)", in_len);
    if (in_len / 2 > out_cap)
        return lcp_fail(err, LCP_ERR_BUFFER_TOO_SMALL, "hex string decodes to %zu bytes, room for %zu", in_len / 2,
                        out_cap);
    for (size_t i = 0; i < in_len / 2; i++) {
        int hi = hexval(in[2 * i]), lo = hexval(in[2 * i + 1]);
        if (hi < 0 || lo < 0) return lcp_fail(err, LCP_ERR_HEX, "invalid hex digit at position %zu", 2 * i);
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    *out_len = in_len / 2;
    return LCP_OK;
}

static const char B64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

size_t lcp_base64_encoded_len(size_t in_len) { return (in_len + 2) / 3 * 4 + 1; }

int lcp_base64_encode(char *out, size_t out_cap, const uint8_t *in, size_t in_len)
{
    if (in_len > SIZE_MAX / 2 || out_cap < lcp_base64_encoded_len(in_len)) return LCP_ERR_BUFFER_TOO_SMALL;
    size_t o = 0, i = 0;
    for (; i + 3 <= in_len; i += 3) {
        uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
        out[o++] = B64[v >> 18];
        out[o++] = B64[(v >> 12) & 63];
        out[o++] = B64[(v >> 6) & 63];
        out[o++] = B64[v & 63];
    }
    if (in_len - i == 1) {
        uint32_t v = (uint32_t)in[i] << 16;
        out[o++] = B64[v >> 18];
        out[o++] = B64[(v >> 12) & 63];
        out[o++] = '=';
        out[o++] = '=';
    } else if (in_len - i == 2) {
        uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8;
        out[o++] = B64[v >> 18];
        out[o++] = B64[(v >> 12) & 63];
        out[o++] = B64[(v >> 6) & 63];
        out[o++] = '=';
    }
    out[o] = '\0';
    return LCP_OK;
}

size_t lcp_base64_decoded_max(size_t in_len) { return in_len / 4 * 3 + 3; }

/* The value of each byte as a base64 digit, -1 for the rest: a table built by the compiler from the alphabet's
 * rule (certificates and CRLs are kilobytes of base64 on the attestation path). */
#define B64V(c)                                                                                                      \
    ((int8_t)((c) >= 'A' && (c) <= 'Z'   ? (c) - 'A'                                                                \
              : (c) >= 'a' && (c) <= 'z' ? (c) - 'a' + 26                                                          \
              : (c) >= '0' && (c) <= '9' ? (c) - '0' + 52                                                           \
              : (c) == '+'               ? 62                                                                       \
              : (c) == '/'               ? 63                                                                       \
                                         : -1))
#define B64V4(c) B64V(c), B64V((c) + 1), B64V((c) + 2), B64V((c) + 3)
#define B64V16(c) B64V4(c), B64V4((c) + 4), B64V4((c) + 8), B64V4((c) + 12)
#define B64V64(c) B64V16(c), B64V16((c) + 16), B64V16((c) + 32), B64V16((c) + 48)
static const int8_t B64_VALUE[256] = {B64V64(0), B64V64(64), B64V64(128), B64V64(192)};

static int b64val(char c) { return B64_VALUE[(uint8_t)c]; }

int lcp_base64_decode(uint8_t *out, size_t out_cap, size_t *out_len, const char *in, size_t in_len, char *err)
{
    if (in_len % 4) return lcp_fail(err, LCP_ERR_BASE64, "base64 length %zu is not a multiple of 4", in_len);
    size_t pad = 0;
    if (in_len >= 1 && in[in_len - 1] == '=') pad++;
    if (in_len >= 2 && in[in_len - 2] == '=') pad++;
    size_t n = in_len / 4 * 3 - pad;
    if (n > out_cap) return lcp_fail(err, LCP_ERR_BUFFER_TOO_SMALL, "base64 decodes to %zu bytes, room for %zu", n, out_cap);
    size_t o = 0;
    for (size_t i = 0; i < in_len; i += 4) {
        int v[4];
        int last = (i + 4 == in_len);
        for (int k = 0; k < 4; k++) {
            if (last && k >= 4 - (int)pad) {
                v[k] = 0;
                continue;
            }
            v[k] = b64val(in[i + k]);
            if (v[k] < 0) return lcp_fail(err, LCP_ERR_BASE64, "invalid base64 character at position %zu", i + k);
        }
        uint32_t w = (uint32_t)v[0] << 18 | (uint32_t)v[1] << 12 | (uint32_t)v[2] << 6 | (uint32_t)v[3];
        size_t take = last ? 3 - pad : 3;
        /* Unused low bits of a padded group must be zero: otherwise two strings decode to the same bytes. */
        if (last && ((pad == 1 && (w & 0xff)) || (pad == 2 && (w & 0xffff))))
            return lcp_fail(err, LCP_ERR_BASE64, "base64 has non-zero bits in its padding");
        uint8_t b[3] = {(uint8_t)(w >> 16), (uint8_t)(w >> 8), (uint8_t)w};
        memcpy(out + o, b, take);
        o += take;
    }
    *out_len = o;
    return LCP_OK;
}
