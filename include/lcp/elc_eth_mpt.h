/* lcp/elc_eth_mpt.h — part of elc (floor 4), an Ethereum helper: Merkle-Patricia-trie proofs (EIP-1186
 * eth_getProof account and storage proofs) and the IBC storage-slot rules of ibc-solidity.
 *
 * Why in elc and not codec: it needs Keccak-256 from crypto (same floor as codec). It uses codec's strict RLP.
 *
 * Verification model (as ethereum-light-client-rs' trie-db lookup with the EIP-1186 layout, ethereum.md §8):
 * the proof is a set of RLP-encoded trie nodes, looked up by keccak256 of their encoding; the walk starts at the
 * root hash and follows the nibbles of the key (the caller passes the trie key: keccak256(address) for accounts,
 * keccak256(slot) for storage — the *_account/_storage helpers do that). A child reference is a 32-byte hash or,
 * for a node whose encoding is shorter than 32 bytes, the node itself inline. Extra nodes are ignored.
 * Results: the value (present), or proven absence (the walk ends in an empty branch slot, or a leaf or extension
 * whose path diverges from the key). A node the walk needs but the proof lacks, a malformed node or a non-canonical
 * RLP encoding is an error (LCP_ERR_ETH_MPT), never absence. The empty trie (root = keccak256(0x80)) proves
 * every key absent.
 *
 * Views: returned values borrow the proof bytes and live as long as they do. Nothing allocates; at most
 * LCP_ETH_MPT_MAX_NODES proof nodes are accepted (more → LCP_ERR_ETH_MPT). Threading: reentrant.
 * Errors: LCP_ERR_ETH_MPT (malformed, missing node, hash mismatch), LCP_ERR_RLP* from the RLP layer where the
 * proof list itself is malformed, with a reason in err (LCP_ERR_LEN bytes, may be NULL).
 */
#ifndef LCP_ELC_ETH_MPT_H
#define LCP_ELC_ETH_MPT_H

#include "lcp/base.h"

#ifdef __cplusplus
extern "C" {
#endif

#define LCP_ETH_MPT_MAX_NODES 128
/* Longest trie key accepted (Ethereum's secure tries use 32-byte keys). */
#define LCP_ETH_MPT_MAX_KEY 1024
/* keccak256(RLP("")) = keccak256(0x80): the root of the empty trie. */
extern const uint8_t lcp_eth_mpt_empty_root[32];

/* ---- generic proof walk ---- */
/* Verifies nodes[0..n) as a proof of key (raw trie-key bytes; nibble path = the key's bytes, high nibble first)
 * under root. Out: *found: 1 and *value = the leaf's value bytes (the content of the RLP string, borrowed from a
 * node), or 0 and *value = {NULL, 0} for proven absence. Returns LCP_OK in both cases. */
int lcp_eth_mpt_verify(int *found, lcp_bytes *value, const uint8_t root[32], const uint8_t *key, size_t key_len,
                       const lcp_bytes *nodes, size_t n, char *err) LCP_WARN_UNUSED;

/* Splits the wire form of a proof — one RLP list whose items are the trie nodes themselves, each item's whole
 * encoding being one node (go-ethereum's AccountProofRLP/StorageProofRLP; ethereum-ibc-rs
 * decode_eip1184_rlp_proof takes as_raw of each item) — into node views. Out: nodes[0..*n) (cap entries
 * available; more items → LCP_ERR_ETH_MPT). The input must be exactly one list (no trailing bytes; ethereum-ibc-rs
 * ignores trailing bytes, we refuse them). Items are checked only as far as their headers here; the walk decodes
 * strictly every node it uses. */
int lcp_eth_mpt_proof_split(lcp_bytes *nodes, size_t cap, size_t *n, const uint8_t *proof_rlp, size_t proof_len,
                            char *err) LCP_WARN_UNUSED;

/* ---- accounts and storage ---- */
typedef struct {
    uint64_t nonce;
    uint8_t balance[32]; /* big-endian uint256 */
    uint8_t storage_root[32];
    uint8_t code_hash[32];
} lcp_eth_account;

/* Decodes an account leaf value RLP [nonce, balance, storage_root, code_hash] (strict: exactly 4 items, nonce
 * ≤ 2^64−1 canonical, balance ≤ 256 bits canonical, roots 32 bytes). */
int lcp_eth_account_decode(lcp_eth_account *acct, const uint8_t *rlp, size_t len, char *err) LCP_WARN_UNUSED;
/* Proves the account at address under state_root, walking keccak256(address). Out: *found and, if found, *acct. */
int lcp_eth_mpt_verify_account(int *found, lcp_eth_account *acct, const uint8_t state_root[32],
                               const uint8_t address[20], const lcp_bytes *nodes, size_t n, char *err)
    LCP_WARN_UNUSED;
/* Proves the storage slot (32-byte location) under storage_root, walking keccak256(slot). Out: *found and
 * *value = the raw leaf value bytes (an RLP string encoding, borrowed). Absent ⇔ the slot holds 0. */
int lcp_eth_mpt_verify_storage(int *found, lcp_bytes *value, const uint8_t storage_root[32], const uint8_t slot[32],
                               const lcp_bytes *nodes, size_t n, char *err) LCP_WARN_UNUSED;
/* As above, and decodes the leaf as RLP(uint256) into a 32-byte big-endian word (0 when absent). */
int lcp_eth_mpt_verify_storage_word(int *found, uint8_t word[32], const uint8_t storage_root[32],
                                    const uint8_t slot[32], const lcp_bytes *nodes, size_t n, char *err)
    LCP_WARN_UNUSED;

/* ---- IBC commitments in ibc-solidity's storage (ethereum.md §8) ---- */
/* Storage location of ICS-24 path p: keccak256(keccak256(path) ‖ commitments_slot). */
void lcp_eth_ibc_commitment_location(uint8_t location[32], const uint8_t *path, size_t path_len,
                                     const uint8_t commitments_slot[32]);
/* The leaf value membership expects for commitment bytes `value`: RLP(keccak256(value) with leading zero bytes
 * stripped). Out: leaf[0..*leaf_len) (at most 33 bytes). */
void lcp_eth_ibc_commitment_leaf(uint8_t leaf[33], size_t *leaf_len, const uint8_t *value, size_t value_len);
/* Membership (value != NULL: the slot of path must hold exactly the leaf of value) or non-membership (value ==
 * NULL: the slot must be proven absent) of path under storage_root, given the proof's wire form (one RLP list of
 * nodes). Returns LCP_OK, LCP_ERR_ETH_MPT_VALUE (present with another value, or absent for membership),
 * LCP_ERR_ETH_MPT_EXISTS (present for non-membership), or a proof error. A storage_root of 32 zero bytes ("IBC
 * contract not initialized") is LCP_ERR_ETH_MPT. */
int lcp_eth_ibc_verify_commitment(const uint8_t storage_root[32], const uint8_t commitments_slot[32],
                                  const uint8_t *path, size_t path_len, const uint8_t *value, size_t value_len,
                                  const uint8_t *proof_rlp, size_t proof_len, char *err) LCP_WARN_UNUSED;
/* The account step of the ELC's update: proves the account at address under state_root (proof in wire form).
 * Out: storage_root = the account's storage root, or 32 zero bytes if the account is proven absent
 * (ethereum-ibc-rs then requires account_storage_root to be zero). */
int lcp_eth_ibc_account_storage_root(uint8_t storage_root[32], const uint8_t state_root[32],
                                     const uint8_t address[20], const uint8_t *proof_rlp, size_t proof_len,
                                     char *err) LCP_WARN_UNUSED;

#ifdef __cplusplus
}
#endif
#endif
