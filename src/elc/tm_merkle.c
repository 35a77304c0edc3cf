/* The simple Merkle tree of crypto/merkle (RFC 6962 shape, spec sheet §1): leaf SHA-256(0x00 || item), inner
 * SHA-256(0x01 || left || right), split at the largest power of two below n, SHA-256("") for no items. */
#include "ics23_internal.h"
#include "tm_internal.h"

int tm_leaf_hash(uint8_t out[32], const uint8_t *item, size_t len)
{
    lcp_bytes parts[2] = {{(const uint8_t *)"\x00", 1}, {item, len}};
    return ics23_sha256_parts(out, parts, 2);
}

/* Root of leaves [from, from+n). Recursion depth is log2(n): 11 for 1024 validators, 4 for a header. */
static int subtree(uint8_t out[32], tm_leaf_fn leaf, const void *ctx, size_t from, size_t n)
{
    if (n == 1) return leaf(out, ctx, from);
    size_t k = 1;
    while (k * 2 < n) k *= 2;
    uint8_t l[32], r[32];
    int rc = subtree(l, leaf, ctx, from, k);
    if (rc == LCP_OK) rc = subtree(r, leaf, ctx, from + k, n - k);
    if (rc != LCP_OK) return rc;
    lcp_bytes parts[3] = {{(const uint8_t *)"\x01", 1}, {l, 32}, {r, 32}};
    return ics23_sha256_parts(out, parts, 3);
}

int tm_merkle(uint8_t out[32], tm_leaf_fn leaf, const void *ctx, size_t n)
{
    if (n == 0) return ics23_sha256_parts(out, NULL, 0);
    return subtree(out, leaf, ctx, 0, n);
}

static int bytes_leaf(uint8_t out[32], const void *ctx, size_t i)
{
    const lcp_bytes *items = ctx;
    return tm_leaf_hash(out, items[i].ptr, items[i].len);
}

int lcp_tm_merkle_root(uint8_t out[LCP_TM_HASH_LEN], const lcp_bytes *items, size_t n)
{
    return tm_merkle(out, bytes_leaf, items, n);
}
