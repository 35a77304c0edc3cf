/* lcp/elc_eth_ssz.h — part of elc (floor 4), an Ethereum helper: SSZ hash_tree_root of the consensus containers
 * the Ethereum light client hashes, and Merkle-branch checks at generalized indices.
 *
 * Why in elc and not codec: SSZ merkleization needs SHA-256 and crypto's constant-time compare, and codec sits on
 * the same floor as crypto (DESIGN.md), so it may not include it. Nothing here is specific to one light client's
 * state. Node hashing uses OpenSSL's low-level SHA-256 on the stack (as elc's ICS-23 does), not crypto's EVP
 * wrapper, which allocates a context per digest.
 *
 * Sources: consensus-specs (ssz/simple-serialize.md merkleization; phase0/altair/bellatrix/capella/deneb/electra
 * beacon-chain.md and light-client sync-protocol.md containers); the exact-branch-length rule of
 * ethereum-light-client-rs `is_valid_normalized_merkle_branch` (ethereum.md §4).
 *
 * Nothing allocates: merkleization streams its leaves through a stack of at most 64 levels. Errors:
 * LCP_ERR_CRYPTO (SHA-256 failure), LCP_ERR_ETH_SSZ (an argument that SSZ cannot hash, e.g. a vector length not
 * a power of two, extra_data over 32 bytes), LCP_ERR_ETH_SSZ_BRANCH (a branch that does not verify, has the wrong
 * length for its gindex, or gindex 0). Threading: reentrant, no shared state.
 */
#ifndef LCP_ELC_ETH_SSZ_H
#define LCP_ELC_ETH_SSZ_H

#include "lcp/base.h"

#ifdef __cplusplus
extern "C" {
#endif

#define LCP_ETH_ROOT_LEN 32
#define LCP_ETH_BLS_PUBKEY_LEN 48
#define LCP_ETH_VERSION_LEN 4
#define LCP_ETH_MAX_EXTRA_DATA 32 /* MAX_EXTRA_DATA_BYTES (mainnet and minimal) */
#define LCP_ETH_LOGS_BLOOM_LEN 256
#define LCP_ETH_EXECUTION_BRANCH_LEN 4 /* LightClientHeader.execution_branch (gindex 25, Capella on) */

/* Domain type of sync-committee signatures (DOMAIN_SYNC_COMMITTEE). */
extern const uint8_t lcp_eth_domain_sync_committee[4];

/* Forks whose containers differ. Electra and Fulu keep Deneb's ExecutionPayloadHeader; they differ only in the
 * BeaconState gindices (the caller's ForkSpec). */
typedef enum {
    LCP_ETH_FORK_ALTAIR = 0,
    LCP_ETH_FORK_BELLATRIX,
    LCP_ETH_FORK_CAPELLA,
    LCP_ETH_FORK_DENEB,
    LCP_ETH_FORK_ELECTRA,
    LCP_ETH_FORK_FULU
} lcp_eth_fork;

typedef struct {
    uint64_t slot;
    uint64_t proposer_index;
    uint8_t parent_root[32];
    uint8_t state_root[32];
    uint8_t body_root[32];
} lcp_eth_beacon_header;

/* ExecutionPayloadHeader, the union of its fields over Bellatrix..Fulu: a fork hashes only its own fields
 * (Bellatrix 14, Capella +withdrawals_root 15, Deneb/Electra/Fulu +blob_gas_used, excess_blob_gas 17). */
typedef struct {
    uint8_t parent_hash[32];
    uint8_t fee_recipient[20];
    uint8_t state_root[32];
    uint8_t receipts_root[32];
    uint8_t logs_bloom[LCP_ETH_LOGS_BLOOM_LEN];
    uint8_t prev_randao[32];
    uint64_t block_number;
    uint64_t gas_limit;
    uint64_t gas_used;
    uint64_t timestamp;
    lcp_bytes extra_data;          /* borrowed, at most LCP_ETH_MAX_EXTRA_DATA bytes */
    uint8_t base_fee_per_gas[32];  /* uint256 in SSZ's little-endian byte order */
    uint8_t block_hash[32];
    uint8_t transactions_root[32];
    uint8_t withdrawals_root[32];  /* Capella on */
    uint64_t blob_gas_used;        /* Deneb on */
    uint64_t excess_blob_gas;      /* Deneb on */
} lcp_eth_execution_header;

/* ---- leaves ---- */
/* uint64 leaf: 8 little-endian bytes, zero-padded to 32. */
void lcp_eth_ssz_uint64_leaf(uint8_t leaf[32], uint64_t v);

/* ---- hash_tree_root of containers ---- */
int lcp_eth_ssz_beacon_header_root(uint8_t root[32], const lcp_eth_beacon_header *h) LCP_WARN_UNUSED;
/* hash_tree_root(BLSPubkey) = SHA256(pk[0..32] ‖ pk[32..48] ‖ 16 zero bytes). */
int lcp_eth_ssz_pubkey_root(uint8_t root[32], const uint8_t pk[LCP_ETH_BLS_PUBKEY_LEN]) LCP_WARN_UNUSED;
/* SyncCommittee{pubkeys: Vector[BLSPubkey, n], aggregate_pubkey}. n must be a power of two (32 minimal, 512
 * mainnet), else LCP_ERR_ETH_SSZ. */
int lcp_eth_ssz_sync_committee_root(uint8_t root[32], const uint8_t (*pubkeys)[LCP_ETH_BLS_PUBKEY_LEN], size_t n,
                                    const uint8_t aggregate[LCP_ETH_BLS_PUBKEY_LEN]) LCP_WARN_UNUSED;
/* The same from borrowed views (e.g. a protobuf's repeated pubkeys, no copy): every view must be 48 bytes, else
 * LCP_ERR_ETH_SSZ. */
int lcp_eth_ssz_sync_committee_root_views(uint8_t root[32], const lcp_bytes *pubkeys, size_t n,
                                          const lcp_bytes *aggregate) LCP_WARN_UNUSED;
/* ExecutionPayloadHeader of fork (Bellatrix or later; LCP_ERR_ETH_SSZ for Altair or extra_data > 32 bytes). */
int lcp_eth_ssz_execution_header_root(uint8_t root[32], const lcp_eth_execution_header *h, lcp_eth_fork fork)
    LCP_WARN_UNUSED;
/* LightClientHeader: Altair/Bellatrix {beacon} (execution and branch ignored, may be NULL); Capella on
 * {beacon, execution, execution_branch[4]}. */
int lcp_eth_ssz_light_client_header_root(uint8_t root[32], const lcp_eth_beacon_header *beacon,
                                         const lcp_eth_execution_header *execution,
                                         const uint8_t (*execution_branch)[32], lcp_eth_fork fork) LCP_WARN_UNUSED;
/* ForkData{current_version, genesis_validators_root} = SHA256(version ‖ 28 zero bytes ‖ gvr). */
int lcp_eth_ssz_fork_data_root(uint8_t root[32], const uint8_t version[LCP_ETH_VERSION_LEN],
                               const uint8_t gvr[32]) LCP_WARN_UNUSED;
/* compute_domain: domain_type ‖ fork_data_root[0..28]. */
int lcp_eth_ssz_compute_domain(uint8_t domain[32], const uint8_t domain_type[4],
                               const uint8_t version[LCP_ETH_VERSION_LEN], const uint8_t gvr[32]) LCP_WARN_UNUSED;
/* SigningData{object_root, domain} = SHA256(object_root ‖ domain). */
int lcp_eth_ssz_signing_root(uint8_t root[32], const uint8_t object_root[32], const uint8_t domain[32])
    LCP_WARN_UNUSED;

/* ---- generic merkleization (for containers not listed above) ---- */
/* merkleize(chunks[0..n)) padded with zero chunks to limit leaves (limit a power of two ≥ n, or 0 = next power
 * of two ≥ n). */
int lcp_eth_ssz_merkleize(uint8_t root[32], const uint8_t (*chunks)[32], size_t n, size_t limit) LCP_WARN_UNUSED;
/* mix_in_length: SHA256(root ‖ uint256 little-endian length). */
int lcp_eth_ssz_mix_in_length(uint8_t out[32], const uint8_t root[32], uint64_t length) LCP_WARN_UNUSED;

/* ---- Merkle branches ---- */
/* is_valid_merkle_branch at a generalized index, as ethereum-light-client-rs checks it: gindex ≥ 1,
 * depth = floor(log2(gindex)), branch_len must equal depth exactly (no zero-padded longer branches), index =
 * gindex − 2^depth; fold from the leaf up (bit i of index set: SHA256(branch[i] ‖ node), else
 * SHA256(node ‖ branch[i])) and compare with root. Returns LCP_OK or LCP_ERR_ETH_SSZ_BRANCH (or LCP_ERR_CRYPTO). */
int lcp_eth_ssz_verify_branch(const uint8_t leaf[32], const uint8_t (*branch)[32], size_t branch_len,
                              uint64_t gindex, const uint8_t root[32], char *err) LCP_WARN_UNUSED;
/* The same with the branch as borrowed views (a protobuf's repeated bytes): every node must be 32 bytes (where
 * the Rust ELC panics on another length, this returns LCP_ERR_ETH_SSZ_BRANCH). */
int lcp_eth_ssz_verify_branch_views(const uint8_t leaf[32], const lcp_bytes *branch, size_t branch_len,
                                    uint64_t gindex, const uint8_t root[32], char *err) LCP_WARN_UNUSED;
/* floor(log2(gindex)): the branch length a gindex needs (0 for gindex 0 or 1). */
unsigned lcp_eth_ssz_gindex_depth(uint64_t gindex);

#ifdef __cplusplus
}
#endif
#endif
