/* Kernel randomness and constant-time comparison (lcp/crypto.h). */
#include "lcp/crypto.h"

#include <errno.h>
#include <openssl/crypto.h>
#include <sys/random.h>

int lcp_random(uint8_t *buf, size_t len)
{
    while (len > 0) {
        ssize_t n = getrandom(buf, len > 256 ? 256 : len, 0);
        if (n < 0) {
            if (errno == EINTR) continue;
            return LCP_ERR_CRYPTO_RANDOM;
        }
        buf += n;
        len -= (size_t)n;
    }
    return LCP_OK;
}

int lcp_ct_equal(const void *a, const void *b, size_t n) { return CRYPTO_memcmp(a, b, n) == 0; }
