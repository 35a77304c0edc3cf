/* ethchain — an Ethereum test-chain generator for the Ethereum light client's tests and benchmarks (never linked
 * into the enclave).
 *
 * A beacon chain reduced to what a sync-committee light client sees: a sync committee of known BLS keys per period
 * (mainnet preset 512 keys, minimal 32; secret keys from SHA-256 of a seed, the period and the index, reduced into
 * the scalar field), finalized headers whose execution payload carries an execution state root and block number,
 * attested headers whose state proves the finalized header and the next committee, and sync-aggregate signatures by
 * any number of the committee's members (one BLS signature with the sum of their secret keys). The beacon states and
 * block bodies are sparse Merkle trees: the proven leaves at the fork's generalized indices (all forks at epoch 0,
 * Altair to Fulu, so Electra's gindices apply), every other subtree a deterministic filler hash.
 * The execution state is a real Merkle-Patricia trie (tests/common/ethtrie) holding the IBC contract's account, whose
 * storage holds the commitments given (ibc-solidity's slots), so account and storage proofs are real EIP-1186 proofs.
 * Misbehaviour on demand: a conflicting finalized header at the same slot, or a different next committee.
 *
 * Encodings are the ibc.lightclients.ethereum.v1 protobufs written field by field. Test code (no cmocka): misuse or
 * an allocation failure prints why and aborts. */
#ifndef LCP_TEST_ETHCHAIN_H
#define LCP_TEST_ETHCHAIN_H

#include <stdint.h>

#include "lcp/base.h"
#include "lcp/elc.h"

#define ETHC_T_CS "/ibc.lightclients.ethereum.v1.ClientState"
#define ETHC_T_CONS "/ibc.lightclients.ethereum.v1.ConsensusState"
#define ETHC_T_HEADER "/ibc.lightclients.ethereum.v1.Header"
#define ETHC_T_MISB_FH "/ibc.lightclients.ethereum.v1.FinalizedHeaderMisbehaviour"
#define ETHC_T_MISB_NSC "/ibc.lightclients.ethereum.v1.NextSyncCommitteeMisbehaviour"

typedef struct {
    int minimal;            /* 1: 32 keys, 8 slots an epoch, 8 epochs a period, 6 s slots; 0: 512, 32, 256, 12 s */
    uint64_t genesis_time;  /* unix s */
    uint64_t seed;          /* key derivation */
    uint64_t trusting_s;    /* trusting period (default 14 days) */
    uint64_t drift_s;       /* max clock drift (default 60 s) */
} ethc_params;

typedef struct ethc_chain ethc_chain;
ethc_chain *ethc_chain_new(const ethc_params *p);
void ethc_chain_free(ethc_chain *c);
size_t ethc_committee_size(const ethc_chain *c);
uint64_t ethc_slots_per_period(const ethc_chain *c);
uint64_t ethc_slot_time(const ethc_chain *c, uint64_t slot);
/* The IBC contract (its address and the commitments slot). */
const uint8_t *ethc_ibc_address(const ethc_chain *c);

/* The commitments the IBC contract's storage holds from now on: path -> keccak256(value). */
void ethc_set_commitment(ethc_chain *c, const char *path, const uint8_t *value, size_t value_len);
/* The storage root of the current commitments. */
void ethc_storage_root(uint8_t out[32], const ethc_chain *c);
/* The storage proof (wire form) of path's slot in the current storage (present or absent). */
void ethc_storage_proof(lcp_buf *out, const ethc_chain *c, const char *path);

/* ClientState value at latest block number `latest`. */
void ethc_client_state(lcp_buf *out, const ethc_chain *c, uint64_t latest);
/* ConsensusState value of a trusted state at slot, with the current storage root. */
void ethc_consensus_state(lcp_buf *out, const ethc_chain *c, uint64_t slot);

/* An update finalizing finalized_slot (execution block block_number) for a light client trusting the consensus
 * state stored at trusted_height (block number) whose slot is trusted_slot. The attested header is two epochs later,
 * the signature one slot after it; the committee of the signature's period signs; is_next follows from the periods. */
typedef struct {
    uint64_t trusted_height, trusted_slot;
    uint64_t finalized_slot, block_number;
    int with_next;       /* carry the next sync committee (needed to finalize into the next period) */
    size_t signers;      /* the first `signers` members sign (0: all) */
    int fork;            /* nonzero: a conflicting finalized header at the same slot (another body and state) */
    int evil_next;       /* nonzero: a next committee that is not the chain's (NextSyncCommitteeMisbehaviour) */
    uint64_t attested_slot; /* 0: finalized_slot + 2 epochs (kept in the finalized period when it ends sooner) */
} ethc_update_opts;

/* Header value for o, with the IBC contract's account proof under the update's execution state root. */
void ethc_header(lcp_buf *out, ethc_chain *c, const ethc_update_opts *o);
/* A FinalizedHeaderMisbehaviour (kind 1) or NextSyncCommitteeMisbehaviour (kind 2) value of two updates. */
void ethc_misbehaviour(lcp_buf *out, ethc_chain *c, int kind, const char *client_id, const ethc_update_opts *a,
                       const ethc_update_opts *b);
/* Replaces the committee of period (n = the preset's size keys): its members' secret keys (a member whose key is
 * all zero cannot sign), public keys and the aggregate it claims. Lets a test play a committee the chain never had. */
void ethc_override_committee(ethc_chain *c, uint64_t period, const uint8_t (*sk)[32], const uint8_t (*pk)[48],
                             const uint8_t aggregate[48]);
/* Header.timestamp of a finalized slot. */
uint64_t ethc_header_time(const ethc_chain *c, uint64_t finalized_slot);

#endif
