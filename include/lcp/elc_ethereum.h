/* lcp/elc_ethereum.h — part of elc (floor 4): the Ethereum sync-committee light client with the behaviour of
 * ethereum-elc v0.1.0 (spec sheet ethereum.md; ethereum-ibc-rs v0.1.0, ethereum-light-client-rs v0.2.0).
 *
 * Layers, each usable on its own (tests and benchmarks drive the lower ones with real beacon-chain data):
 *   decode    ibc.lightclients.ethereum.v1 messages into borrowed views, with the decode-time rules of
 *             ethereum-ibc-rs (sizes, required fields, fractions, durations) as errors where Rust panics;
 *   consensus a ConsensusUpdate + ExecutionUpdate verified against a trusted store (slot, the two stored
 *             aggregate keys and one full committee), in ethereum-light-client-rs's order: slots, fork gate,
 *             signature period, relevance, finality and execution branches, next committee, participation,
 *             trust level, BLS FastAggregateVerify; then the state transition across periods;
 *   ibc       the IBC contract's account proof and ICS-24 commitments in its storage (Merkle-Patricia proofs);
 *   elc       the light client behind the ELC vtable (create, update, misbehaviour, membership) with the
 *             commitments and state ids ethereum-elc forms.
 *
 * The committee size N is 512 (mainnet preset) unless the client state is the minimal preset (8 slots per epoch,
 * 8 epochs per period), where it is 32. TOKI fixes N at compile time; here one enclave serves both, and N follows
 * from the client state, which its state id covers.
 *
 * Memory: decoded messages borrow their input. Verification allocates two decoded committees (about 53 KB each for
 * 512 keys) through lcp_malloc; nothing else is on the heap. Threading: reentrant; no globals.
 */
#ifndef LCP_ELC_ETHEREUM_H
#define LCP_ELC_ETHEREUM_H

#include "lcp/base.h"
#include "lcp/crypto_bls.h"
#include "lcp/elc.h"
#include "lcp/elc_eth_ssz.h"

#ifdef __cplusplus
extern "C" {
#endif

#define LCP_ETH_T_CS "/ibc.lightclients.ethereum.v1.ClientState"
#define LCP_ETH_T_CONS "/ibc.lightclients.ethereum.v1.ConsensusState"
#define LCP_ETH_T_HEADER "/ibc.lightclients.ethereum.v1.Header"
#define LCP_ETH_T_MISB_FH "/ibc.lightclients.ethereum.v1.FinalizedHeaderMisbehaviour"
#define LCP_ETH_T_MISB_NSC "/ibc.lightclients.ethereum.v1.NextSyncCommitteeMisbehaviour"

#define LCP_ETH_MAX_FORKS 16
#define LCP_ETH_MAX_BRANCH 32       /* a gindex is a u32: depth at most 31 */
#define LCP_ETH_COMMITTEE_MAINNET 512
#define LCP_ETH_COMMITTEE_MINIMAL 32
#define LCP_ETH_MAX_COMMITTEE 512

/* ForkSpec: generalized indices of one fork (0 = not applicable). */
typedef struct {
    uint32_t finalized_root, current_sync_committee, next_sync_committee;
    uint32_t execution_payload, execution_state_root, execution_block_number;
} lcp_eth_fork_spec;

typedef struct {
    uint8_t version[4];
    uint64_t epoch;
    lcp_eth_fork_spec spec;
} lcp_eth_fork_param;

typedef struct {
    uint64_t seconds;
    uint32_t nanos;
} lcp_eth_duration;

typedef struct {
    uint8_t genesis_validators_root[32];
    uint64_t min_sync_committee_participants;
    uint64_t genesis_time;
    uint8_t genesis_fork_version[4];
    lcp_eth_fork_param forks[LCP_ETH_MAX_FORKS];
    size_t n_forks;
    uint64_t seconds_per_slot, slots_per_epoch, epochs_per_sync_committee_period;
    uint8_t ibc_address[20];
    uint8_t ibc_commitments_slot[32];
    uint64_t trust_numerator, trust_denominator;
    lcp_eth_duration trusting_period, max_clock_drift;
    uint64_t latest_execution_block_number;
    int frozen;
    lcp_height frozen_height;
} lcp_eth_client_state;

typedef struct {
    uint64_t slot;
    uint8_t storage_root[32];
    uint64_t timestamp_ns; /* ibc Timestamp: unix ns */
    uint8_t current_sync_committee[48], next_sync_committee[48];
} lcp_eth_consensus_state;

/* A list of 32-byte branch nodes or 48-byte keys, as views into the input. */
typedef struct {
    const uint8_t *item[LCP_ETH_MAX_BRANCH];
    size_t n;
} lcp_eth_branch;

/* A SyncCommittee: its keys are the field-1 occurrences of message, read in order by lcp_eth_committee_next. */
typedef struct {
    lcp_bytes message; /* the SyncCommittee message bytes */
    size_t n_pubkeys;  /* each checked to be 48 bytes */
    uint8_t aggregate_pubkey[48];
} lcp_eth_sync_committee;

typedef struct {
    lcp_eth_beacon_header attested_header;
    int has_next;             /* after ethereum-ibc-rs's normalisation: committee with keys and a branch */
    lcp_eth_sync_committee next_sync_committee;
    lcp_eth_branch next_sync_committee_branch;
    lcp_eth_beacon_header finalized_header;
    lcp_eth_branch finalized_header_branch;
    uint8_t finalized_execution_root[32];
    lcp_eth_branch finalized_execution_branch;
    lcp_bytes sync_committee_bits;
    uint8_t sync_committee_signature[96];
    uint64_t signature_slot;
} lcp_eth_consensus_update;

typedef struct {
    uint8_t state_root[32];
    lcp_eth_branch state_root_branch;
    uint64_t block_number;
    lcp_eth_branch block_number_branch;
} lcp_eth_execution_update;

typedef struct {
    lcp_height trusted_height;
    lcp_eth_sync_committee sync_committee;
    int is_next;
} lcp_eth_trusted_committee;

typedef struct {
    lcp_eth_trusted_committee trusted;
    lcp_eth_consensus_update consensus_update;
    lcp_eth_execution_update execution_update;
    lcp_bytes account_proof;
    uint8_t account_storage_root[32];
    uint64_t timestamp; /* seconds */
} lcp_eth_header;

enum { LCP_ETH_MISB_FINALIZED_HEADER = 1, LCP_ETH_MISB_NEXT_SYNC_COMMITTEE = 2 };
typedef struct {
    int kind;
    lcp_bytes client_id;
    lcp_eth_trusted_committee trusted;
    lcp_eth_consensus_update update_1, update_2;
} lcp_eth_misbehaviour;

/* ---- decode (views into in; valid while in lives). err: LCP_ERR_LEN bytes or NULL. ---- */
/* ClientState with ethereum-ibc-rs's decode rules and ClientState.validate. */
int lcp_eth_decode_client_state(lcp_eth_client_state *out, const uint8_t *in, size_t len, char *err) LCP_WARN_UNUSED;
/* ConsensusState with the decode rules and ConsensusState.validate. */
int lcp_eth_decode_consensus_state(lcp_eth_consensus_state *out, const uint8_t *in, size_t len,
                                   char *err) LCP_WARN_UNUSED;
/* Header: every sub-message required; 32-byte roots, 48-byte keys, 96-byte signature. */
int lcp_eth_decode_header(lcp_eth_header *out, const uint8_t *in, size_t len, char *err) LCP_WARN_UNUSED;
/* FinalizedHeaderMisbehaviour (kind 1) or NextSyncCommitteeMisbehaviour (kind 2). */
int lcp_eth_decode_misbehaviour(lcp_eth_misbehaviour *out, int kind, const uint8_t *in, size_t len,
                                char *err) LCP_WARN_UNUSED;
/* The parts of a Header, for tests and tools that hold them alone (same rules as inside a Header). */
int lcp_eth_decode_sync_committee(lcp_eth_sync_committee *out, lcp_bytes in, char *err) LCP_WARN_UNUSED;
int lcp_eth_decode_consensus_update(lcp_eth_consensus_update *out, lcp_bytes in, char *err) LCP_WARN_UNUSED;
int lcp_eth_decode_execution_update(lcp_eth_execution_update *out, lcp_bytes in, char *err) LCP_WARN_UNUSED;
/* Walks a decoded committee's keys in order: *pos starts at 0; returns the next 48-byte key or NULL at the end. */
const uint8_t *lcp_eth_committee_next(const lcp_eth_sync_committee *c, size_t *pos);

/* ---- prost re-encoding (appends the Any to out) ---- */
/* canonical: latest_execution_block_number 0 and no frozen height (ethereum-elc's canonicalisation). */
int lcp_eth_encode_client_state(lcp_buf *out, const lcp_eth_client_state *cs, int canonical) LCP_WARN_UNUSED;
int lcp_eth_encode_consensus_state(lcp_buf *out, const lcp_eth_consensus_state *cons) LCP_WARN_UNUSED;
int lcp_eth_encode_misbehaviour(lcp_buf *out, const lcp_eth_misbehaviour *m) LCP_WARN_UNUSED;
/* StateID(canon(cs), cons). */
int lcp_eth_state_id(uint8_t id[32], const lcp_eth_client_state *cs,
                     const lcp_eth_consensus_state *cons) LCP_WARN_UNUSED;

/* ---- chain arithmetic ---- */
/* N for this client state (32 for the minimal preset, else 512). */
size_t lcp_eth_committee_size(const lcp_eth_client_state *cs);
uint64_t lcp_eth_period_of_slot(const lcp_eth_client_state *cs, uint64_t slot);
/* The last fork whose epoch <= epoch (genesis version and spec {105} if none); *position = its list index + 1, 0
 * for genesis. */
const lcp_eth_fork_param *lcp_eth_fork_at(const lcp_eth_client_state *cs, uint64_t epoch, lcp_eth_fork_param *genesis,
                                          size_t *position);
/* Checks an exactly-sized branch (views into a message) at gindex; what names it in err. */
int lcp_eth_branch_check(const uint8_t leaf[32], const lcp_eth_branch *branch, uint32_t gindex,
                         const uint8_t root[32], const char *what, char *err) LCP_WARN_UNUSED;
/* hash_tree_root(SyncCommittee) of a decoded committee (exactly 32 or 512 keys). keys: scratch of n entries. */
int lcp_eth_sync_committee_root(uint8_t out[32], const lcp_eth_sync_committee *c, uint8_t (*keys)[48],
                                char *err) LCP_WARN_UNUSED;
/* signing_root of the attested header for signature_slot. Out: domain (may be NULL). */
int lcp_eth_signing_root(uint8_t out[32], uint8_t domain[32], const lcp_eth_client_state *cs,
                         const lcp_eth_beacon_header *attested, uint64_t signature_slot) LCP_WARN_UNUSED;

/* ---- consensus verification ---- */
/* A decoded committee: every key KeyValidate'd, their sum equal to aggregate_pubkey as compressed bytes; root is
 * hash_tree_root(SyncCommittee) of the given key bytes and aggregate (the leaf of a next-committee branch). */
typedef struct {
    size_t n;
    uint8_t aggregate[48];
    uint8_t root[32];
    lcp_bls_pubkey keys[LCP_ETH_MAX_COMMITTEE];
} lcp_eth_committee;
/* Decodes c (exactly n keys) into out, checks the aggregate and computes the committee's hash_tree_root. A
 * committee decoded before is taken from a small process-wide cache of validated committees
 * (eth_committee_cache.c: keyed by SHA-256 of the SyncCommittee message, 4 entries, mutex-guarded), so a
 * committee's keys are decoded and hashed once, not on every update. */
int lcp_eth_committee_decode(lcp_eth_committee *out, const lcp_eth_sync_committee *c, size_t n,
                             char *err) LCP_WARN_UNUSED;
/* Empties the committee cache (tests and benchmarks measure cold decoding), and the bytes it holds. */
void lcp_eth_committee_cache_clear(void);
size_t lcp_eth_committee_cache_bytes(void);

/* The trusted store of one update: the consensus state at the trusted height and the committee the header
 * brings, which is its current (is_next 0) or next (is_next 1) committee. */
typedef struct {
    const lcp_eth_consensus_state *cons;
    const lcp_eth_committee *committee;   /* decoded and checked */
    const lcp_eth_sync_committee *raw;    /* its keys as given (compared with an update's next committee) */
    int is_next;
} lcp_eth_store;

/* Scratch for verification (one decoded next committee and its keys' bytes); allocate, it is ~78 KB. */
typedef struct {
    lcp_eth_committee next;
    uint8_t keys[LCP_ETH_MAX_COMMITTEE][48];
} lcp_eth_scratch;

/* Consensus-update validation and the sync-committee attestation (sheet §5, §6.6). now_s: host unix seconds. */
int lcp_eth_verify_consensus_update(const lcp_eth_client_state *cs, const lcp_eth_store *store,
                                    const lcp_eth_consensus_update *u, uint64_t now_s, lcp_eth_scratch *scratch,
                                    char *err) LCP_WARN_UNUSED;
/* The execution update against the finalized execution root (state_root and block_number branches). */
int lcp_eth_verify_execution_update(const lcp_eth_client_state *cs, const lcp_eth_consensus_update *u,
                                    const lcp_eth_execution_update *e, char *err) LCP_WARN_UNUSED;
/* The new consensus state after u (sheet §7): same period copies the aggregates, the next period rotates. */
int lcp_eth_apply_update(lcp_eth_consensus_state *out, const lcp_eth_client_state *cs,
                         const lcp_eth_consensus_state *trusted, const lcp_eth_consensus_update *u,
                         const uint8_t storage_root[32], uint64_t timestamp_s, char *err) LCP_WARN_UNUSED;

/* ---- IBC paths ---- */
/* Parses an ICS-24 path as ibc-rs 0.29 does and renders it canonically (its Display) into out (cap bytes,
 * NUL-terminated): the key and the committed path both use this form. LCP_ERR_ETH_PATH if it is not a path. */
int lcp_eth_ics24_path(char *out, size_t cap, const char *path, char *err) LCP_WARN_UNUSED;

/* The light client (client type "ethereum"). */
extern const lcp_elc_ops lcp_elc_ethereum;

#ifdef __cplusplus
}
#endif
#endif
