/* SSZ hash_tree_root of the Ethereum consensus containers the light client needs, and generalized-index branch
 * checks (consensus-specs ssz/simple-serialize.md; containers per fork from the beacon-chain and light-client
 * documents; branch rule of ethereum-light-client-rs, see ethereum.md §4). */
#include <string.h>

/* SHA256_Init & co. are deprecated in OpenSSL 3 in favour of EVP, but EVP allocates a context per digest and costs
 * about 1 µs of dispatch per 64-byte node (a 512-key committee root is 1025 of them); the low-level calls keep the
 * state on the stack and run the same assembly (as ics23_ops.c does). */
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/sha.h>

#include "lcp/crypto.h"
#include "lcp/elc_eth_ssz.h"

const uint8_t lcp_eth_domain_sync_committee[4] = {7, 0, 0, 0};

/* The second block of SHA-256 over any 64-byte message: 0x80, zeros, the bit length 512 (FIPS 180-4 §5.1.1). */
static const uint8_t PAD64[64] = {0x80, [62] = 0x02, [63] = 0x00};

/* SHA256(a ‖ b) of two 32-byte nodes, as two compressions: the message block, then the constant padding block.
 * Same digest as SHA256_Init/Update/Final, without their buffering (a 512-key committee root is 1025 nodes). */
static int hash2(uint8_t out[32], const uint8_t a[32], const uint8_t b[32])
{
    SHA256_CTX c;
    uint8_t block[64];
    if (!SHA256_Init(&c)) return LCP_ERR_CRYPTO;
    memcpy(block, a, 32);
    memcpy(block + 32, b, 32);
    SHA256_Transform(&c, block);
    SHA256_Transform(&c, PAD64);
    for (int i = 0; i < 8; i++)
        for (int j = 0; j < 4; j++) out[4 * i + j] = (uint8_t)(c.h[i] >> (24 - 8 * j));
    return LCP_OK;
}

/* Streaming merkleizer: leaves go in one at a time; level d keeps the root of the last complete left subtree of
 * 2^d leaves still waiting for its right sibling, so no list of leaves is ever held (64 levels × 32 bytes). */
typedef struct {
    uint8_t lv[65][32];
    uint64_t n;
    int rc;
} merkleizer;

static void mk_init(merkleizer *m)
{
    m->n = 0;
    m->rc = LCP_OK;
}

static void mk_add(merkleizer *m, const uint8_t leaf[32])
{
    uint8_t node[32];
    memcpy(node, leaf, 32);
    unsigned d = 0;
    while (m->rc == LCP_OK && ((m->n >> d) & 1)) {
        m->rc = hash2(node, m->lv[d], node);
        d++;
    }
    memcpy(m->lv[d], node, 32);
    m->n++;
}

/* Root of the leaves added so far padded with zero leaves to 2^depth. */
static int mk_finish(merkleizer *m, uint8_t root[32], unsigned depth)
{
    if (m->rc) return m->rc;
    if (depth > 64 || (depth < 64 && m->n > (1ull << depth)))
        return lcp_fail(NULL, LCP_ERR_ETH_SSZ, NULL);
    uint8_t zero[32] = {0}, cur[32];
    int have = 0, rc = LCP_OK;
    for (unsigned d = 0; d < depth && rc == LCP_OK; d++) {
        if ((m->n >> d) & 1) {
            /* a complete left subtree waits at level d: its right sibling is what we have so far, or zeros */
            rc = hash2(cur, m->lv[d], have ? cur : zero);
            have = 1;
        } else if (have) {
            rc = hash2(cur, cur, zero);
        }
        /* zero becomes the root of an all-zero subtree one level up */
        if (rc == LCP_OK) rc = hash2(zero, zero, zero);
    }
    if (rc) return rc;
    if (have)
        memcpy(root, cur, 32);
    else if (m->n == 0)
        memcpy(root, zero, 32);
    else
        memcpy(root, m->lv[depth], 32); /* exactly 2^depth leaves */
    return LCP_OK;
}

/* ceil(log2(n)) for n ≥ 1; 0 for n ≤ 1. */
static unsigned ceil_log2(uint64_t n)
{
    unsigned d = 0;
    while (d < 64 && (1ull << d) < n) d++;
    return d;
}

int lcp_eth_ssz_merkleize(uint8_t root[32], const uint8_t (*chunks)[32], size_t n, size_t limit)
{
    LCP_ARG_CHECK(root != NULL && (chunks != NULL || n == 0));
    unsigned depth;
    if (limit == 0) {
        depth = ceil_log2(n);
    } else {
        if ((limit & (limit - 1)) != 0 || limit < n) return lcp_fail(NULL, LCP_ERR_ETH_SSZ, NULL);
        depth = ceil_log2(limit);
    }
    merkleizer m;
    mk_init(&m);
    for (size_t i = 0; i < n; i++) mk_add(&m, chunks[i]);
    return mk_finish(&m, root, depth);
}

int lcp_eth_ssz_mix_in_length(uint8_t out[32], const uint8_t root[32], uint64_t length)
{
    uint8_t len_leaf[32];
    lcp_eth_ssz_uint64_leaf(len_leaf, length);
    return hash2(out, root, len_leaf);
}

void lcp_eth_ssz_uint64_leaf(uint8_t leaf[32], uint64_t v)
{
    memset(leaf, 0, 32);
    lcp_put_le64(leaf, v);
}

int lcp_eth_ssz_beacon_header_root(uint8_t root[32], const lcp_eth_beacon_header *h)
{
    LCP_ARG_CHECK(root != NULL && h != NULL);
    uint8_t f[5][32];
    lcp_eth_ssz_uint64_leaf(f[0], h->slot);
    lcp_eth_ssz_uint64_leaf(f[1], h->proposer_index);
    memcpy(f[2], h->parent_root, 32);
    memcpy(f[3], h->state_root, 32);
    memcpy(f[4], h->body_root, 32);
    return lcp_eth_ssz_merkleize(root, (const uint8_t(*)[32])f, 5, 8);
}

int lcp_eth_ssz_pubkey_root(uint8_t root[32], const uint8_t pk[LCP_ETH_BLS_PUBKEY_LEN])
{
    LCP_ARG_CHECK(root != NULL && pk != NULL);
    uint8_t second[32] = {0};
    memcpy(second, pk + 32, 16);
    return hash2(root, pk, second);
}

/* SyncCommittee root over n keys, key i at base + i * stride (a plain array) or in views[i] (borrowed views). */
static int committee_root(uint8_t root[32], const uint8_t *base, const lcp_bytes *views, size_t n,
                          const uint8_t *aggregate)
{
    if (n == 0 || (n & (n - 1)) != 0) return lcp_fail(NULL, LCP_ERR_ETH_SSZ, NULL);
    merkleizer m;
    mk_init(&m);
    uint8_t leaf[32], fields[2][32];
    for (size_t i = 0; i < n && m.rc == LCP_OK; i++) {
        const uint8_t *pk = base ? base + i * LCP_ETH_BLS_PUBKEY_LEN : views[i].ptr;
        if (!base && views[i].len != LCP_ETH_BLS_PUBKEY_LEN) return lcp_fail(NULL, LCP_ERR_ETH_SSZ, NULL);
        m.rc = lcp_eth_ssz_pubkey_root(leaf, pk);
        if (m.rc == LCP_OK) mk_add(&m, leaf);
    }
    int rc = mk_finish(&m, fields[0], ceil_log2(n));
    if (rc == LCP_OK) rc = lcp_eth_ssz_pubkey_root(fields[1], aggregate);
    if (rc == LCP_OK) rc = hash2(root, fields[0], fields[1]);
    return rc;
}

int lcp_eth_ssz_sync_committee_root(uint8_t root[32], const uint8_t (*pubkeys)[LCP_ETH_BLS_PUBKEY_LEN], size_t n,
                                    const uint8_t aggregate[LCP_ETH_BLS_PUBKEY_LEN])
{
    LCP_ARG_CHECK(root != NULL && pubkeys != NULL && aggregate != NULL);
    return committee_root(root, pubkeys[0], NULL, n, aggregate);
}

int lcp_eth_ssz_sync_committee_root_views(uint8_t root[32], const lcp_bytes *pubkeys, size_t n,
                                          const lcp_bytes *aggregate)
{
    LCP_ARG_CHECK(root != NULL && pubkeys != NULL && aggregate != NULL);
    if (aggregate->len != LCP_ETH_BLS_PUBKEY_LEN) return lcp_fail(NULL, LCP_ERR_ETH_SSZ, NULL);
    return committee_root(root, NULL, pubkeys, n, aggregate->ptr);
}

/* Number of ExecutionPayloadHeader fields of a fork, 0 for forks without one. */
static size_t execution_fields(lcp_eth_fork fork)
{
    switch (fork) {
    case LCP_ETH_FORK_BELLATRIX: return 14;
    case LCP_ETH_FORK_CAPELLA: return 15;
    case LCP_ETH_FORK_DENEB:
    case LCP_ETH_FORK_ELECTRA:
    case LCP_ETH_FORK_FULU: return 17;
    default: return 0;
    }
}

/* hash_tree_root of a byte vector of n ≤ 256 bytes (packed into chunks, zero-padded). */
static int bytes_root(uint8_t root[32], const uint8_t *p, size_t n, size_t limit_chunks)
{
    uint8_t chunks[8][32];
    size_t k = (n + 31) / 32;
    if (k > 8) return lcp_fail(NULL, LCP_ERR_ETH_SSZ, NULL);
    memset(chunks, 0, sizeof chunks);
    if (n) memcpy(chunks, p, n);
    return lcp_eth_ssz_merkleize(root, (const uint8_t(*)[32])chunks, k, limit_chunks ? limit_chunks : (k ? k : 1));
}

int lcp_eth_ssz_execution_header_root(uint8_t root[32], const lcp_eth_execution_header *h, lcp_eth_fork fork)
{
    LCP_ARG_CHECK(root != NULL && h != NULL);
    size_t nf = execution_fields(fork);
    if (nf == 0 || h->extra_data.len > LCP_ETH_MAX_EXTRA_DATA || (h->extra_data.len && !h->extra_data.ptr))
        return lcp_fail(NULL, LCP_ERR_ETH_SSZ, NULL);
    uint8_t f[17][32];
    int rc;
    memcpy(f[0], h->parent_hash, 32);
    memset(f[1], 0, 32);
    memcpy(f[1], h->fee_recipient, 20); /* Bytes20: one chunk, right-padded */
    memcpy(f[2], h->state_root, 32);
    memcpy(f[3], h->receipts_root, 32);
    if ((rc = bytes_root(f[4], h->logs_bloom, LCP_ETH_LOGS_BLOOM_LEN, 8))) return rc;
    memcpy(f[5], h->prev_randao, 32);
    lcp_eth_ssz_uint64_leaf(f[6], h->block_number);
    lcp_eth_ssz_uint64_leaf(f[7], h->gas_limit);
    lcp_eth_ssz_uint64_leaf(f[8], h->gas_used);
    lcp_eth_ssz_uint64_leaf(f[9], h->timestamp);
    /* extra_data: ByteList[32] = merkleize to one chunk, then mix in the length */
    uint8_t ed[32];
    if ((rc = bytes_root(ed, h->extra_data.ptr, h->extra_data.len, 1))) return rc;
    if ((rc = lcp_eth_ssz_mix_in_length(f[10], ed, h->extra_data.len))) return rc;
    memcpy(f[11], h->base_fee_per_gas, 32);
    memcpy(f[12], h->block_hash, 32);
    memcpy(f[13], h->transactions_root, 32);
    memcpy(f[14], h->withdrawals_root, 32);
    lcp_eth_ssz_uint64_leaf(f[15], h->blob_gas_used);
    lcp_eth_ssz_uint64_leaf(f[16], h->excess_blob_gas);
    return lcp_eth_ssz_merkleize(root, (const uint8_t(*)[32])f, nf, nf <= 16 ? 16 : 32);
}

int lcp_eth_ssz_light_client_header_root(uint8_t root[32], const lcp_eth_beacon_header *beacon,
                                         const lcp_eth_execution_header *execution,
                                         const uint8_t (*execution_branch)[32], lcp_eth_fork fork)
{
    LCP_ARG_CHECK(root != NULL && beacon != NULL);
    uint8_t f[3][32];
    int rc = lcp_eth_ssz_beacon_header_root(f[0], beacon);
    if (rc) return rc;
    if (fork == LCP_ETH_FORK_ALTAIR || fork == LCP_ETH_FORK_BELLATRIX) {
        /* LightClientHeader{beacon}: a one-field container's root is its field's root */
        memcpy(root, f[0], 32);
        return LCP_OK;
    }
    LCP_ARG_CHECK(execution != NULL && execution_branch != NULL);
    if ((rc = lcp_eth_ssz_execution_header_root(f[1], execution, fork))) return rc;
    if ((rc = lcp_eth_ssz_merkleize(f[2], execution_branch, LCP_ETH_EXECUTION_BRANCH_LEN, 4))) return rc;
    return lcp_eth_ssz_merkleize(root, (const uint8_t(*)[32])f, 3, 4);
}

int lcp_eth_ssz_fork_data_root(uint8_t root[32], const uint8_t version[LCP_ETH_VERSION_LEN], const uint8_t gvr[32])
{
    LCP_ARG_CHECK(root != NULL && version != NULL && gvr != NULL);
    uint8_t v[32] = {0};
    memcpy(v, version, LCP_ETH_VERSION_LEN);
    return hash2(root, v, gvr);
}

int lcp_eth_ssz_compute_domain(uint8_t domain[32], const uint8_t domain_type[4],
                               const uint8_t version[LCP_ETH_VERSION_LEN], const uint8_t gvr[32])
{
    LCP_ARG_CHECK(domain != NULL && domain_type != NULL);
    uint8_t fdr[32];
    int rc = lcp_eth_ssz_fork_data_root(fdr, version, gvr);
    if (rc) return rc;
    memcpy(domain, domain_type, 4);
    memcpy(domain + 4, fdr, 28);
    return LCP_OK;
}

int lcp_eth_ssz_signing_root(uint8_t root[32], const uint8_t object_root[32], const uint8_t domain[32])
{
    LCP_ARG_CHECK(root != NULL && object_root != NULL && domain != NULL);
    return hash2(root, object_root, domain);
}

int lcp_eth_ssz_verify_branch_views(const uint8_t leaf[32], const lcp_bytes *branch, size_t branch_len,
                                    uint64_t gindex, const uint8_t root[32], char *err)
{
    LCP_ARG_CHECK(branch != NULL || branch_len == 0);
    uint8_t nodes[64][32];
    if (branch_len > 64)
        return lcp_fail(err, LCP_ERR_ETH_SSZ_BRANCH, "ssz: branch of %zu nodes", branch_len);
    for (size_t i = 0; i < branch_len; i++) {
        if (branch[i].len != 32)
            return lcp_fail(err, LCP_ERR_ETH_SSZ_BRANCH, "ssz: branch node %zu has %zu bytes", i, branch[i].len);
        memcpy(nodes[i], branch[i].ptr, 32);
    }
    return lcp_eth_ssz_verify_branch(leaf, (const uint8_t(*)[32])nodes, branch_len, gindex, root, err);
}

unsigned lcp_eth_ssz_gindex_depth(uint64_t gindex)
{
    unsigned d = 0;
    while (gindex > 1) {
        gindex >>= 1;
        d++;
    }
    return d;
}

int lcp_eth_ssz_verify_branch(const uint8_t leaf[32], const uint8_t (*branch)[32], size_t branch_len,
                              uint64_t gindex, const uint8_t root[32], char *err)
{
    LCP_ARG_CHECK(leaf != NULL && root != NULL && (branch != NULL || branch_len == 0));
    if (gindex == 0) return lcp_fail(err, LCP_ERR_ETH_SSZ_BRANCH, "ssz: generalized index 0");
    unsigned depth = lcp_eth_ssz_gindex_depth(gindex);
    if (branch_len != depth)
        return lcp_fail(err, LCP_ERR_ETH_SSZ_BRANCH, "ssz: branch of %zu nodes for gindex %llu (needs %u)",
                        branch_len, (unsigned long long)gindex, depth);
    uint64_t index = gindex - (1ull << depth);
    uint8_t node[32];
    memcpy(node, leaf, 32);
    for (unsigned i = 0; i < depth; i++) {
        int rc = (index >> i) & 1 ? hash2(node, branch[i], node) : hash2(node, node, branch[i]);
        if (rc) return lcp_fail(err, rc, "ssz: SHA-256 failed");
    }
    if (!lcp_ct_equal(node, root, 32))
        return lcp_fail(err, LCP_ERR_ETH_SSZ_BRANCH, "ssz: branch for gindex %llu does not reach the root",
                        (unsigned long long)gindex);
    return LCP_OK;
}
