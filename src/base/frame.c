/* Length-prefixed frames on a stream socket (lcp/base.h): 4-byte big-endian length, then the payload. Both ends
 * of the enclave boundary use these, so both refuse the same oversized frames. */
#include <errno.h>
#include <unistd.h>

#include "lcp/base.h"

static int write_all(int fd, const uint8_t *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return LCP_ERR_IO;
        p += w;
        n -= (size_t)w;
    }
    return LCP_OK;
}

static int read_all(int fd, uint8_t *p, size_t n)
{
    while (n > 0) {
        ssize_t r = read(fd, p, n);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) return LCP_ERR_IO; /* 0: the peer closed mid-frame (or before one) */
        p += r;
        n -= (size_t)r;
    }
    return LCP_OK;
}

int lcp_frame_write(int fd, const uint8_t *p, size_t n)
{
    if (n > UINT32_MAX) return LCP_ERR_RANGE;
    uint8_t h[4] = {(uint8_t)(n >> 24), (uint8_t)(n >> 16), (uint8_t)(n >> 8), (uint8_t)n};
    int rc = write_all(fd, h, 4);
    return rc ? rc : write_all(fd, p, n);
}

/* Reads and throws away n bytes, so that the stream stays in step after a frame we do not keep. */
static int drain(int fd, size_t n)
{
    uint8_t sink[4096];
    while (n) {
        size_t k = n < sizeof sink ? n : sizeof sink;
        int rc = read_all(fd, sink, k);
        if (rc) return rc;
        n -= k;
    }
    return LCP_OK;
}

int lcp_frame_read(int fd, lcp_buf *out, size_t max, size_t *oversized)
{
    uint8_t h[4];
    if (oversized) *oversized = 0;
    int rc = read_all(fd, h, 4);
    if (rc) return rc;
    size_t n = (size_t)h[0] << 24 | (size_t)h[1] << 16 | (size_t)h[2] << 8 | h[3];
    out->len = 0;
    if (n > max) {
        if (oversized == NULL) return LCP_ERR_RANGE;
        if ((rc = drain(fd, n))) return rc;
        *oversized = n;
        return LCP_ERR_RANGE;
    }
    if ((rc = lcp_buf_reserve(out, n))) {
        /* Under the cap but more than memory allows (an enclave's locked memory is small): the same treatment as
         * an oversized frame, so that the caller can answer it and go on. */
        if (oversized == NULL) return rc;
        if (drain(fd, n)) return LCP_ERR_IO;
        *oversized = n;
        return rc;
    }
    if ((rc = read_all(fd, out->data, n))) return rc;
    out->len = n;
    return LCP_OK;
}
