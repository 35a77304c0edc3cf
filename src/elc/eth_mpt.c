/* Merkle-Patricia-trie proof verification (yellow paper appendix D; EIP-1186 proofs) and ibc-solidity's
 * commitment slots (ethereum.md §8). The walk follows ethereum-light-client-rs' trie-db lookup: nodes are found by
 * keccak256 of their encoding, children are 32-byte hashes or inline nodes shorter than 32 bytes, a node the walk
 * needs but cannot find is an error, and absence is proven only by an empty branch slot or a diverging path. */
#include <string.h>

#include "lcp/codec_rlp.h"
#include "lcp/crypto.h"
#include "lcp/elc_eth_mpt.h"

const uint8_t lcp_eth_mpt_empty_root[32] = {0x56, 0xe8, 0x1f, 0x17, 0x1b, 0xcc, 0x55, 0xa6, 0xff, 0x83, 0x45,
                                            0xe6, 0x92, 0xc0, 0xf8, 0x6e, 0x5b, 0x48, 0xe0, 0x1b, 0x99, 0x6c,
                                            0xad, 0xc0, 0x01, 0x62, 0x2f, 0xb5, 0xe3, 0x63, 0xb4, 0x21};

/* The proof as a hash-keyed set: node i hashes to hash[i]. */
typedef struct {
    const lcp_bytes *nodes;
    size_t n;
    uint8_t hash[LCP_ETH_MPT_MAX_NODES][32];
} node_db;

static int db_find(lcp_bytes *out, const node_db *db, const uint8_t h[32])
{
    for (size_t i = 0; i < db->n; i++) {
        if (memcmp(db->hash[i], h, 32) == 0) {
            *out = db->nodes[i];
            return 1;
        }
    }
    return 0;
}

static unsigned nibble(const uint8_t *key, size_t i) { return i & 1 ? key[i / 2] & 0x0f : key[i / 2] >> 4; }

/* Checks the form of a child reference without following it: an inline node (a list shorter than 32 bytes), a
 * 32-byte hash, or (where empty_ok) the empty string. */
static int ref_check(const lcp_rlp_item *ref, int empty_ok, char *err)
{
    if (ref->is_list) {
        if (ref->raw.len >= 32) return lcp_fail(err, LCP_ERR_ETH_MPT, "mpt: inline node of %zu bytes", ref->raw.len);
        return LCP_OK;
    }
    if (ref->payload.len == 0 && !empty_ok) return lcp_fail(err, LCP_ERR_ETH_MPT, "mpt: extension with an empty child");
    if (ref->payload.len != 0 && ref->payload.len != 32)
        return lcp_fail(err, LCP_ERR_ETH_MPT, "mpt: child reference of %zu bytes", ref->payload.len);
    return LCP_OK;
}

/* Resolves a child reference. Returns 1 with the child's encoding in *next, 0 for an empty reference (absence,
 * allowed only where empty_ok), or an error. */
static int resolve(lcp_bytes *next, const node_db *db, const lcp_rlp_item *ref, int empty_ok, char *err)
{
    int rc = ref_check(ref, empty_ok, err);
    if (rc) return rc;
    if (ref->is_list) {
        *next = ref->raw;
        return 1;
    }
    if (ref->payload.len == 0) return 0;
    if (!db_find(next, db, ref->payload.ptr))
        return lcp_fail(err, LCP_ERR_ETH_MPT, "mpt: proof lacks a node the path needs");
    return 1;
}

/* Hex-prefix (compact) path of a leaf or extension. Out: *is_leaf, the path's nibbles as (bytes, first nibble
 * index, count). */
typedef struct {
    const uint8_t *p;
    size_t first; /* nibble index into p of the first path nibble */
    size_t count;
    int is_leaf;
} hp_path;

static int hp_decode(hp_path *hp, const lcp_rlp_item *item, char *err)
{
    if (item->is_list || item->payload.len == 0)
        return lcp_fail(err, LCP_ERR_ETH_MPT, "mpt: leaf or extension path is not a non-empty string");
    const uint8_t *p = item->payload.ptr;
    unsigned flag = p[0] >> 4;
    if (flag > 3) return lcp_fail(err, LCP_ERR_ETH_MPT, "mpt: hex-prefix flag %u", flag);
    int odd = flag & 1;
    if (!odd && (p[0] & 0x0f) != 0) return lcp_fail(err, LCP_ERR_ETH_MPT, "mpt: hex-prefix padding not zero");
    hp->p = p;
    hp->first = odd ? 1 : 2;
    hp->count = item->payload.len * 2 - hp->first;
    hp->is_leaf = flag >= 2;
    return LCP_OK;
}

/* 1 if the path's nibbles equal key nibbles [pos, pos + count). */
static int hp_matches(const hp_path *hp, const uint8_t *key, size_t total, size_t pos)
{
    if (hp->count > total - pos) return 0;
    for (size_t i = 0; i < hp->count; i++)
        if (nibble(hp->p, hp->first + i) != nibble(key, pos + i)) return 0;
    return 1;
}

static int leaf_value(lcp_bytes *value, const lcp_rlp_item *item, char *err)
{
    if (item->is_list || item->payload.len == 0)
        return lcp_fail(err, LCP_ERR_ETH_MPT, "mpt: value is not a non-empty string");
    *value = item->payload;
    return LCP_OK;
}

/* Walks from the root node. Each step consumes at least one nibble or ends, so the loop is bounded. */
static int walk(int *found, lcp_bytes *value, const node_db *db, lcp_bytes cur, const uint8_t *key, size_t key_len,
                char *err)
{
    size_t total = key_len * 2, pos = 0;
    for (;;) {
        lcp_rlp_item node, items[17];
        size_t count;
        int rc = lcp_rlp_decode(&node, cur.ptr, cur.len, err);
        if (rc) return lcp_fail_ctx(err, LCP_ERR_ETH_MPT, "mpt node");
        if (!node.is_list) return lcp_fail(err, LCP_ERR_ETH_MPT, "mpt: node is not a list");
        if (lcp_rlp_list_items(items, 17, &count, &node, err) != LCP_OK)
            return lcp_fail(err, LCP_ERR_ETH_MPT, "mpt: node has more than 17 items");
        const lcp_rlp_item *child;
        if (count == 17) {
            for (size_t i = 0; i < 16; i++)
                if ((rc = ref_check(&items[i], 1, err))) return rc;
            if (pos == total) {
                if (items[16].is_list) return lcp_fail(err, LCP_ERR_ETH_MPT, "mpt: branch value is a list");
                if (items[16].payload.len == 0) return LCP_OK; /* key ends at a branch without a value */
                *found = 1;
                *value = items[16].payload;
                return LCP_OK;
            }
            child = &items[nibble(key, pos)];
            pos++;
            rc = resolve(&cur, db, child, 1, err);
            if (rc <= 0) return rc; /* 0: empty slot proves absence */
            continue;
        }
        if (count != 2) return lcp_fail(err, LCP_ERR_ETH_MPT, "mpt: node with %zu items", count);
        hp_path hp = {NULL, 0, 0, 0};
        if ((rc = hp_decode(&hp, &items[0], err))) return rc;
        if (hp.is_leaf) {
            if (hp.count != total - pos || !hp_matches(&hp, key, total, pos)) {
                /* a leaf for another key: check it is well formed, then it proves absence */
                lcp_bytes v;
                return leaf_value(&v, &items[1], err);
            }
            if ((rc = leaf_value(value, &items[1], err))) return rc;
            *found = 1;
            return LCP_OK;
        }
        if (hp.count == 0) return lcp_fail(err, LCP_ERR_ETH_MPT, "mpt: extension with an empty path");
        if (!hp_matches(&hp, key, total, pos)) return ref_check(&items[1], 0, err); /* diverging: absent */
        pos += hp.count;
        rc = resolve(&cur, db, &items[1], 0, err);
        if (rc < 0) return rc;
    }
}

int lcp_eth_mpt_verify(int *found, lcp_bytes *value, const uint8_t root[32], const uint8_t *key, size_t key_len,
                       const lcp_bytes *nodes, size_t n, char *err)
{
    LCP_ARG_CHECK(found != NULL && value != NULL && root != NULL && (key != NULL || key_len == 0));
    LCP_ARG_CHECK(nodes != NULL || n == 0);
    *found = 0;
    value->ptr = NULL;
    value->len = 0;
    if (key_len > LCP_ETH_MPT_MAX_KEY)
        return lcp_fail(err, LCP_ERR_ETH_MPT, "mpt: key of %zu bytes (limit %d)", key_len, LCP_ETH_MPT_MAX_KEY);
    if (n > LCP_ETH_MPT_MAX_NODES)
        return lcp_fail(err, LCP_ERR_ETH_MPT, "mpt: %zu proof nodes (limit %d)", n, LCP_ETH_MPT_MAX_NODES);
    if (memcmp(root, lcp_eth_mpt_empty_root, 32) == 0) return LCP_OK; /* the empty trie holds nothing */
    node_db db;
    db.nodes = nodes;
    db.n = n;
    for (size_t i = 0; i < n; i++) lcp_keccak256(db.hash[i], nodes[i].ptr, nodes[i].len);
    lcp_bytes cur;
    if (!db_find(&cur, &db, root)) return lcp_fail(err, LCP_ERR_ETH_MPT, "mpt: no proof node hashes to the root");
    int rc = walk(found, value, &db, cur, key, key_len, err);
    if (rc) {
        *found = 0;
        value->ptr = NULL;
        value->len = 0;
    }
    return rc;
}

int lcp_eth_mpt_proof_split(lcp_bytes *nodes, size_t cap, size_t *n, const uint8_t *proof_rlp, size_t proof_len,
                            char *err)
{
    LCP_ARG_CHECK(n != NULL && (nodes != NULL || cap == 0));
    lcp_rlp_item list, item;
    size_t used;
    int rc = lcp_rlp_decode_item(&list, &used, proof_rlp, proof_len, err);
    if (rc) return rc;
    if (used != proof_len) return lcp_fail(err, LCP_ERR_ETH_MPT, "mpt: bytes after the proof list");
    if (!list.is_list) return lcp_fail(err, LCP_ERR_ETH_MPT, "mpt: proof is not an RLP list");
    /* Each item's whole encoding is one node (ethereum-ibc-rs takes as_raw of each item). Items are checked only
     * as far as their headers here; the walk decodes strictly every node it uses, as the Rust verifier does. */
    lcp_rlp_iter it = {NULL, 0};
    size_t k = 0;
    if ((rc = lcp_rlp_iter_init(&it, &list, err))) return rc;
    while ((rc = lcp_rlp_iter_next(&it, &item, err)) == 1) {
        if (k == cap) return lcp_fail(err, LCP_ERR_ETH_MPT, "mpt: more than %zu proof nodes", cap);
        nodes[k++] = item.raw;
    }
    if (rc < 0) return rc;
    *n = k;
    return LCP_OK;
}

int lcp_eth_account_decode(lcp_eth_account *acct, const uint8_t *rlp, size_t len, char *err)
{
    LCP_ARG_CHECK(acct != NULL);
    lcp_rlp_item list, f[4];
    size_t count;
    int rc = lcp_rlp_decode(&list, rlp, len, err);
    if (rc == LCP_OK) rc = lcp_rlp_list_items(f, 4, &count, &list, err);
    if (rc == LCP_OK && count != 4) rc = lcp_fail(err, LCP_ERR_RLP_TYPE, "account has %zu fields", count);
    if (rc == LCP_OK) rc = lcp_rlp_get_uint64(&acct->nonce, &f[0], err);
    if (rc == LCP_OK) rc = lcp_rlp_get_uint256(acct->balance, &f[1], err);
    if (rc == LCP_OK) rc = lcp_rlp_get_fixed(acct->storage_root, 32, &f[2], err);
    if (rc == LCP_OK) rc = lcp_rlp_get_fixed(acct->code_hash, 32, &f[3], err);
    return rc ? lcp_fail_ctx(err, LCP_ERR_ETH_MPT, "mpt account") : LCP_OK;
}

int lcp_eth_mpt_verify_account(int *found, lcp_eth_account *acct, const uint8_t state_root[32],
                               const uint8_t address[20], const lcp_bytes *nodes, size_t n, char *err)
{
    LCP_ARG_CHECK(acct != NULL && address != NULL);
    uint8_t key[32];
    lcp_bytes v;
    lcp_keccak256(key, address, 20);
    int rc = lcp_eth_mpt_verify(found, &v, state_root, key, 32, nodes, n, err);
    if (rc || !*found) return rc;
    rc = lcp_eth_account_decode(acct, v.ptr, v.len, err);
    if (rc) *found = 0;
    return rc;
}

int lcp_eth_mpt_verify_storage(int *found, lcp_bytes *value, const uint8_t storage_root[32], const uint8_t slot[32],
                               const lcp_bytes *nodes, size_t n, char *err)
{
    LCP_ARG_CHECK(slot != NULL);
    uint8_t key[32];
    lcp_keccak256(key, slot, 32);
    return lcp_eth_mpt_verify(found, value, storage_root, key, 32, nodes, n, err);
}

int lcp_eth_mpt_verify_storage_word(int *found, uint8_t word[32], const uint8_t storage_root[32],
                                    const uint8_t slot[32], const lcp_bytes *nodes, size_t n, char *err)
{
    LCP_ARG_CHECK(word != NULL);
    lcp_bytes v;
    memset(word, 0, 32);
    int rc = lcp_eth_mpt_verify_storage(found, &v, storage_root, slot, nodes, n, err);
    if (rc || !*found) return rc;
    lcp_rlp_item item;
    rc = lcp_rlp_decode(&item, v.ptr, v.len, err);
    if (rc == LCP_OK) rc = lcp_rlp_get_uint256(word, &item, err);
    if (rc) {
        *found = 0;
        memset(word, 0, 32);
        return lcp_fail_ctx(err, LCP_ERR_ETH_MPT, "mpt storage value");
    }
    return LCP_OK;
}

void lcp_eth_ibc_commitment_location(uint8_t location[32], const uint8_t *path, size_t path_len,
                                     const uint8_t commitments_slot[32])
{
    uint8_t buf[64];
    lcp_keccak256(buf, path, path_len);
    memcpy(buf + 32, commitments_slot, 32);
    lcp_keccak256(location, buf, 64);
}

void lcp_eth_ibc_commitment_leaf(uint8_t leaf[33], size_t *leaf_len, const uint8_t *value, size_t value_len)
{
    uint8_t h[32];
    lcp_keccak256(h, value, value_len);
    size_t z = 0;
    while (z < 32 && h[z] == 0) z++;
    /* RLP of the trimmed hash as a byte string (a lone byte < 0x80 stands for itself) */
    if (32 - z == 1 && h[z] < 0x80) {
        leaf[0] = h[z];
        *leaf_len = 1;
        return;
    }
    leaf[0] = (uint8_t)(0x80 + (32 - z));
    memcpy(leaf + 1, h + z, 32 - z);
    *leaf_len = 1 + 32 - z;
}

int lcp_eth_ibc_verify_commitment(const uint8_t storage_root[32], const uint8_t commitments_slot[32],
                                  const uint8_t *path, size_t path_len, const uint8_t *value, size_t value_len,
                                  const uint8_t *proof_rlp, size_t proof_len, char *err)
{
    LCP_ARG_CHECK(storage_root != NULL && commitments_slot != NULL && (path != NULL || path_len == 0));
    if (lcp_is_zero(storage_root, 32))
        return lcp_fail(err, LCP_ERR_ETH_MPT, "mpt: storage root is zero (IBC contract not initialized)");
    lcp_bytes nodes[LCP_ETH_MPT_MAX_NODES], got;
    size_t n;
    int found;
    uint8_t location[32];
    int rc = lcp_eth_mpt_proof_split(nodes, LCP_ETH_MPT_MAX_NODES, &n, proof_rlp, proof_len, err);
    if (rc) return rc;
    lcp_eth_ibc_commitment_location(location, path, path_len, commitments_slot);
    if ((rc = lcp_eth_mpt_verify_storage(&found, &got, storage_root, location, nodes, n, err))) return rc;
    if (value == NULL) {
        if (found) return lcp_fail(err, LCP_ERR_ETH_MPT_EXISTS, "mpt: a commitment exists at the path");
        return LCP_OK;
    }
    uint8_t leaf[33];
    size_t leaf_len;
    lcp_eth_ibc_commitment_leaf(leaf, &leaf_len, value, value_len);
    if (!found) return lcp_fail(err, LCP_ERR_ETH_MPT_VALUE, "mpt: no commitment at the path");
    if (got.len != leaf_len || memcmp(got.ptr, leaf, leaf_len) != 0)
        return lcp_fail(err, LCP_ERR_ETH_MPT_VALUE, "mpt: the commitment at the path differs");
    return LCP_OK;
}

int lcp_eth_ibc_account_storage_root(uint8_t storage_root[32], const uint8_t state_root[32],
                                     const uint8_t address[20], const uint8_t *proof_rlp, size_t proof_len,
                                     char *err)
{
    LCP_ARG_CHECK(storage_root != NULL);
    lcp_bytes nodes[LCP_ETH_MPT_MAX_NODES];
    size_t n;
    int found;
    lcp_eth_account acct;
    memset(storage_root, 0, 32);
    int rc = lcp_eth_mpt_proof_split(nodes, LCP_ETH_MPT_MAX_NODES, &n, proof_rlp, proof_len, err);
    if (rc) return rc;
    if ((rc = lcp_eth_mpt_verify_account(&found, &acct, state_root, address, nodes, n, err))) return rc;
    if (found) memcpy(storage_root, acct.storage_root, 32);
    return LCP_OK;
}
