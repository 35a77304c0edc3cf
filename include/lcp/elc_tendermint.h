/* lcp/elc_tendermint.h — part of elc (floor 4): the Tendermint/CometBFT light-client core that the enclave's
 * 07-tendermint client runs: decoding (tendermint.types and ibc.lightclients.tendermint.v1), header and validator-set
 * hashes, vote sign bytes, commit verification and the light-client verification rules.
 *
 * Which rules. LCP's enclave runs ibc-rs, which calls tendermint-rs's light-client verifier; ibc-go chains run
 * CometBFT's light.Verify. This module follows tendermint-rs's order of checks and verdicts
 * (verify_update_header / verify_misbehaviour_header: validator-set and header hashes, commit shape, trusting period,
 * monotonic time, chain id, adjacency, clock drift, then voting power; tallies walk the validator set, match votes
 * by address, stop once the threshold is passed, and reject duplicate voters), and additionally enforces the
 * CometBFT checks tendermint-rs omits (Header/Commit ValidateBasic, COMMIT votes at their validator's index,
 * validator address == SHA-256(pubkey)[:20], block protocol 11). A header is accepted only if both
 * implementations would accept it; honest headers pass both. Only ed25519 validator keys are supported.
 * Signatures are checked with libsodium, which is stricter than ZIP-215 on crafted edge cases: see
 * docs/ed25519-zip215.md.
 *
 * Views and memory: decoded structures borrow the input bytes (they live as long as the input). A validator set
 * is the one exception: it copies keys and addresses into its own fixed array (about 75 KB, LCP_TM_MAX_VALIDATORS
 * entries): allocate it, do not put it on a small stack. Commit signatures are read on demand from the commit's
 * bytes. Nothing here allocates; verification uses at most ~41 KB of stack (the vote table and its pre-check).
 *
 * Times are google.protobuf.Timestamp values {seconds, nanos} restricted to 0001-01-01..9999-12-31 with nanos in
 * [0, 1e9), as both Go and Rust decoders enforce; durations are {seconds, nanos} and all time arithmetic is
 * overflow-checked (an overflow is an error, never a wrap).
 *
 * Threading: all functions are reentrant.
 */
#ifndef LCP_ELC_TENDERMINT_H
#define LCP_ELC_TENDERMINT_H

#include "lcp/base.h"
#include "lcp/elc.h"

#ifdef __cplusplus
extern "C" {
#endif

#define LCP_TM_MAX_VALIDATORS 1024
#define LCP_TM_MAX_CHAIN_ID_LEN 50
#define LCP_TM_HASH_LEN 32
#define LCP_TM_ADDRESS_LEN 20
#define LCP_TM_ED25519_PUBKEY_LEN 32
#define LCP_TM_ED25519_SIG_LEN 64
#define LCP_TM_BLOCK_PROTOCOL 11
/* Largest vote sign-bytes encoding (chain id at most 50 bytes): the buffer size for lcp_tm_vote_sign_bytes. */
#define LCP_TM_SIGN_BYTES_MAX 256
#define LCP_TM_MAX_PROOF_SPECS 8
#define LCP_TM_MAX_UPGRADE_PATH 8

typedef struct {
    int64_t seconds;
    int32_t nanos;
} lcp_tm_time;
typedef lcp_tm_time lcp_tm_duration;

/* ibc.core.client.v1.Height */
typedef struct {
    uint64_t revision_number, revision_height;
} lcp_tm_height;

/* BlockID {1 hash, 2 PartSetHeader {1 total, 2 hash}} */
typedef struct {
    lcp_bytes hash;
    uint32_t part_set_total;
    lcp_bytes part_set_hash;
} lcp_tm_block_id;

/* tendermint.types.Header (fields in hash order). has_version / has_time: the nullable messages were present. */
typedef struct {
    uint64_t version_block, version_app;
    lcp_bytes chain_id;
    int64_t height;
    lcp_tm_time time;
    lcp_tm_block_id last_block_id;
    lcp_bytes last_commit_hash, data_hash, validators_hash, next_validators_hash, consensus_hash, app_hash,
        last_results_hash, evidence_hash, proposer_address;
    int has_version, has_time;
} lcp_tm_header;

enum { LCP_TM_FLAG_ABSENT = 1, LCP_TM_FLAG_COMMIT = 2, LCP_TM_FLAG_NIL = 3 };

/* CommitSig {1 block_id_flag, 2 validator_address, 3 timestamp, 4 signature} */
typedef struct {
    int32_t flag;
    lcp_bytes validator_address;
    lcp_tm_time timestamp;
    int has_timestamp;
    lcp_bytes signature;
} lcp_tm_commit_sig;

/* Commit {1 height, 2 round, 3 block_id, 4 repeated signatures}; signatures are read with lcp_tm_commit_sig_at. */
typedef struct {
    int64_t height;
    int32_t round;
    lcp_tm_block_id block_id;
    size_t n_sigs;
    lcp_bytes src_; /* private: the encoded Commit */
} lcp_tm_commit;

/* SignedHeader {1 header, 2 commit} */
typedef struct {
    lcp_tm_header header;
    lcp_tm_commit commit;
    int has_header, has_commit;
} lcp_tm_signed_header;

/* A validator as hashed and verified: ed25519 key, its address (checked equal to SHA-256(key)[:20]), power. */
typedef struct {
    uint8_t address[LCP_TM_ADDRESS_LEN];
    uint8_t pub_key[LCP_TM_ED25519_PUBKEY_LEN];
    int64_t power;
    int64_t proposer_priority;
} lcp_tm_validator;

/* ValidatorSet {1 repeated validators, 2 proposer, 3 total_voting_power (ignored, recomputed)}. Order as given:
 * hashes are computed over it, as ibc-go does (the relayer sends the chain's canonical order). */
typedef struct {
    lcp_tm_validator v[LCP_TM_MAX_VALIDATORS];
    size_t n;
    int64_t total_power;
    lcp_tm_validator proposer;
    int has_proposer;
} lcp_tm_valset;

/* ibc.lightclients.tendermint.v1.Header {1 signed_header, 2 validator_set, 3 trusted_height, 4 trusted_validators};
 * the two validator sets stay encoded (decode them with lcp_tm_decode_valset into storage you own). */
typedef struct {
    lcp_tm_signed_header signed_header;
    lcp_bytes validator_set, trusted_validators;
    lcp_tm_height trusted_height;
    int has_signed_header, has_validator_set, has_trusted_height, has_trusted_validators;
} lcp_tm_ibc_header;

/* ibc.lightclients.tendermint.v1.ClientState. proof_specs / upgrade_path: the encoded entries, in order. */
typedef struct {
    lcp_bytes chain_id;
    uint64_t trust_numerator, trust_denominator;
    lcp_tm_duration trusting_period, unbonding_period, max_clock_drift;
    lcp_tm_height frozen_height, latest_height;
    lcp_bytes proof_specs[LCP_TM_MAX_PROOF_SPECS];
    size_t n_proof_specs;
    lcp_bytes upgrade_path[LCP_TM_MAX_UPGRADE_PATH];
    size_t n_upgrade_path;
    int allow_update_after_expiry, allow_update_after_misbehaviour;
    int has_trust_level, has_trusting_period, has_unbonding_period, has_max_clock_drift, has_frozen_height,
        has_latest_height;
} lcp_tm_client_state;

/* ibc.lightclients.tendermint.v1.ConsensusState {1 timestamp, 2 root MerkleRoot{1 hash}, 3 next_validators_hash} */
typedef struct {
    lcp_tm_time timestamp;
    lcp_bytes root;
    lcp_bytes next_validators_hash;
    int has_timestamp;
} lcp_tm_consensus_state;

/* ibc.lightclients.tendermint.v1.Misbehaviour {1 client_id (deprecated), 2 header_1, 3 header_2} */
typedef struct {
    lcp_bytes client_id;
    lcp_tm_ibc_header header_1, header_2;
    int has_header_1, has_header_2;
} lcp_tm_misbehaviour;

/* ---- decoding. Returns LCP_OK, LCP_ERR_TM_DECODE (malformed, duplicated singular field, wrong wire type, time
 * out of range) or LCP_ERR_TM_LIMIT, with err. Unknown fields are skipped. out borrows in. ---- */
int lcp_tm_decode_header(lcp_tm_header *out, const uint8_t *in, size_t in_len, char *err) LCP_WARN_UNUSED;
int lcp_tm_decode_commit(lcp_tm_commit *out, const uint8_t *in, size_t in_len, char *err) LCP_WARN_UNUSED;
int lcp_tm_decode_signed_header(lcp_tm_signed_header *out, const uint8_t *in, size_t in_len, char *err)
    LCP_WARN_UNUSED;
/* Also checks every validator (ed25519 key, address derived from it, power >= 0), the total power
 * (<= INT64_MAX/8, CometBFT's bound) and that no address repeats; LCP_ERR_TM_VALSET for those. An empty set or
 * one without proposer decodes (tendermint-rs accepts them as next-validator sets); see lcp_tm_valset_validate. */
int lcp_tm_decode_valset(lcp_tm_valset *out, const uint8_t *in, size_t in_len, char *err) LCP_WARN_UNUSED;
/* CometBFT's ValidatorSet.ValidateBasic on top of decoding: non-empty, with a proposer that is a member. The IBC
 * functions apply it to a header's validator_set and trusted_validators. Returns LCP_OK or LCP_ERR_TM_VALSET. */
int lcp_tm_valset_validate(const lcp_tm_valset *vs, char *err) LCP_WARN_UNUSED;
/* tendermint.types.LightBlock {1 signed_header, 2 validator_set}: validator_set is left encoded in *valset. */
int lcp_tm_decode_light_block(lcp_tm_signed_header *sh, lcp_bytes *valset, const uint8_t *in, size_t in_len,
                              char *err) LCP_WARN_UNUSED;
int lcp_tm_decode_ibc_header(lcp_tm_ibc_header *out, const uint8_t *in, size_t in_len, char *err) LCP_WARN_UNUSED;
int lcp_tm_decode_client_state(lcp_tm_client_state *out, const uint8_t *in, size_t in_len, char *err)
    LCP_WARN_UNUSED;
int lcp_tm_decode_consensus_state(lcp_tm_consensus_state *out, const uint8_t *in, size_t in_len, char *err)
    LCP_WARN_UNUSED;
int lcp_tm_decode_misbehaviour(lcp_tm_misbehaviour *out, const uint8_t *in, size_t in_len, char *err)
    LCP_WARN_UNUSED;
/* Out: sig: the i-th signature (i < c->n_sigs, else misuse) of a decoded commit. O(i). */
int lcp_tm_commit_sig_at(lcp_tm_commit_sig *sig, const lcp_tm_commit *c, size_t i) LCP_WARN_UNUSED;

/* ---- hashes and sign bytes ---- */
/* RFC 6962 simple Merkle root of n items (leaf 0x00, inner 0x01, SHA-256; n == 0 gives SHA-256 of nothing). */
int lcp_tm_merkle_root(uint8_t out[LCP_TM_HASH_LEN], const lcp_bytes *items, size_t n) LCP_WARN_UNUSED;
/* Header.Hash(): the Merkle root of the 14 fields as CometBFT encodes them. LCP_ERR_TM_INVALID if
 * validators_hash is empty (Go returns nil there). */
int lcp_tm_header_hash(uint8_t out[LCP_TM_HASH_LEN], const lcp_tm_header *h, char *err) LCP_WARN_UNUSED;
/* ValidatorSet.Hash(): Merkle root over SimpleValidator{pub_key, voting_power} in the set's order. */
int lcp_tm_valset_hash(uint8_t out[LCP_TM_HASH_LEN], const lcp_tm_valset *vs) LCP_WARN_UNUSED;
/* Sorts into CometBFT's canonical order (power descending, then address ascending). For tools and tests: the
 * verifier never reorders what it is given. */
void lcp_tm_valset_sort(lcp_tm_valset *vs);
/* Index of the validator with this address, or -1. */
long lcp_tm_valset_find(const lcp_tm_valset *vs, const uint8_t address[LCP_TM_ADDRESS_LEN]);
/* The length-prefixed CanonicalVote a COMMIT or NIL signature signs (precommit, commit height/round, the commit's
 * block id for COMMIT and none for NIL, the signature's timestamp, chain_id). Out: out[*out_len]. */
int lcp_tm_vote_sign_bytes(uint8_t *out, size_t cap, size_t *out_len, const uint8_t *chain_id, size_t chain_id_len,
                           const lcp_tm_commit *c, const lcp_tm_commit_sig *sig, char *err) LCP_WARN_UNUSED;

/* ---- validation (ValidateBasic) ---- */
/* Header.ValidateBasic + Commit.ValidateBasic + SignedHeader checks: chain id equal to chain_id (pass NULL to skip
 * the comparison), commit height == header height, commit block id hash == header hash.
 * Returns LCP_OK, LCP_ERR_TM_INVALID, LCP_ERR_TM_CHAIN_ID or LCP_ERR_TM_HASH_MISMATCH. */
int lcp_tm_signed_header_validate(const lcp_tm_signed_header *sh, const uint8_t *chain_id, size_t chain_id_len,
                                  char *err) LCP_WARN_UNUSED;

/* ---- commit verification ---- */
/* Commit shape against the set that signed it: at least one non-absent signature, as many signatures as
 * validators, every non-absent signer in the set, COMMIT signatures at their validator's index. */
int lcp_tm_commit_validate_against(const lcp_tm_commit *c, const lcp_tm_valset *vals, char *err) LCP_WARN_UNUSED;
/* Voting power of vals that signed (COMMIT flag, valid signature) the commit, walking vals in order and stopping
 * once power * den > total * num. Out: *tallied, *total. Returns LCP_OK (threshold reached), LCP_ERR_TM_SIGNATURE
 * (a signature examined before the threshold is invalid), LCP_ERR_TM_INVALID (duplicate voter), or `short_code`
 * when the threshold is not reached. */
int lcp_tm_commit_tally(int64_t *tallied, int64_t *total, const lcp_tm_signed_header *sh, const lcp_tm_valset *vals,
                        uint64_t num, uint64_t den, int short_code, char *err) LCP_WARN_UNUSED;

/* ---- light-client verification ---- */
typedef struct {
    const lcp_tm_signed_header *signed_header;
    const lcp_tm_valset *validators;      /* the set that signed signed_header */
    const lcp_tm_valset *next_validators; /* may be NULL; checked against next_validators_hash when given */
} lcp_tm_untrusted;

typedef struct {
    lcp_bytes chain_id;
    int64_t height;
    lcp_tm_time time;
    lcp_bytes next_validators_hash;
    const lcp_tm_valset *next_validators; /* the trusted next validators (they sign non-adjacent headers) */
} lcp_tm_trusted;

typedef struct {
    uint64_t trust_numerator, trust_denominator; /* in [1/3, 1] */
    lcp_tm_duration trusting_period;
    lcp_tm_duration max_clock_drift;
} lcp_tm_options;

/* verify_update_header. Returns LCP_OK; LCP_ERR_TM_NOT_ENOUGH_TRUST when a non-adjacent header's commit carries no
 * more than the trust level of the trusted validators (the caller may bisect); any other error means the header
 * is invalid (hash mismatch, bad commit, expired trust, time/height not increasing, future header, bad signature,
 * not enough power of its own validators). */
int lcp_tm_verify_update(const lcp_tm_untrusted *untrusted, const lcp_tm_trusted *trusted, const lcp_tm_options *opt,
                         lcp_tm_time now, char *err) LCP_WARN_UNUSED;
/* verify_misbehaviour_header: the same without the clock-drift check. */
int lcp_tm_verify_misbehaviour_header(const lcp_tm_untrusted *untrusted, const lcp_tm_trusted *trusted,
                                      const lcp_tm_options *opt, lcp_tm_time now, char *err) LCP_WARN_UNUSED;

/* ---- time ---- */
/* -1, 0, 1 */
int lcp_tm_time_cmp(lcp_tm_time a, lcp_tm_time b);
/* Out: *out = t + d. LCP_ERR_TM_OVERFLOW if the result leaves the Timestamp range. */
int lcp_tm_time_add(lcp_tm_time *out, lcp_tm_time t, lcp_tm_duration d) LCP_WARN_UNUSED;
/* UNIX nanoseconds as LCP's commitments carry them; LCP_ERR_TM_OVERFLOW before 1970 or past uint64 (2554). */
int lcp_tm_time_to_ns(uint64_t *ns, lcp_tm_time t) LCP_WARN_UNUSED;

/* ---- IBC 07-tendermint ---- */
/* Revision number of a chain id "{name}-{N}" (N without leading zero), else 0 (ibc-go ParseChainID). */
uint64_t lcp_tm_chain_id_revision(const uint8_t *chain_id, size_t len);
/* ClientState.Validate (ibc-go): chain id 1..50 bytes, trust level in [1/3, 1], periods > 0, trusting < unbonding,
 * latest height revision == chain id revision and height != 0, proof specs present and decodable, upgrade path
 * entries non-blank. Returns LCP_OK or LCP_ERR_TM_CLIENT_STATE. */
int lcp_tm_client_state_validate(const lcp_tm_client_state *cs, char *err) LCP_WARN_UNUSED;
/* The header's IBC height: (revision of its chain id, header height). */
lcp_tm_height lcp_tm_ibc_header_height(const lcp_tm_ibc_header *h);
/* UpdateClient's verifyHeader: header ValidateBasic against the client's chain id, trusted height below the header
 * and of the same revision, hash(trusted_vals) == trusted.next_validators_hash, then lcp_tm_verify_update with the
 * trusted state synthesised from the consensus state at trusted_height and the client's options.
 * vals / trusted_vals: h->validator_set / h->trusted_validators decoded by the caller. now: host time. */
int lcp_tm_ibc_verify_header(const lcp_tm_client_state *cs, const lcp_tm_consensus_state *trusted,
                             const lcp_tm_ibc_header *h, const lcp_tm_valset *vals,
                             const lcp_tm_valset *trusted_vals, lcp_tm_time now, char *err) LCP_WARN_UNUSED;
/* One header of a Misbehaviour: as verify_header but through verify_misbehaviour_header (no clock drift). */
int lcp_tm_ibc_verify_misbehaviour_header(const lcp_tm_client_state *cs, const lcp_tm_consensus_state *trusted,
                                          const lcp_tm_ibc_header *h, const lcp_tm_valset *vals,
                                          const lcp_tm_valset *trusted_vals, lcp_tm_time now, char *err)
    LCP_WARN_UNUSED;
/* Whether two verified headers prove misbehaviour: same height with different block hashes, or header_1 higher
 * with a time not after header_2's. Returns LCP_OK if they do, LCP_ERR_TM_MISBEHAVIOUR if not (or malformed). */
int lcp_tm_misbehaviour_evident(const lcp_tm_misbehaviour *m, char *err) LCP_WARN_UNUSED;

/* ---- parallel signature verification ----
 * Commit signatures are checked by a process-wide pool of worker threads before the voting-power tallies run;
 * the tallies then read the verdicts, so every result and error is the sequential path's (see tm_parallel.c).
 * n: threads in all, the calling thread included; 1 = sequential; 0 = the default: the environment variable
 * LCP_VERIFY_THREADS (1..64) if set when the process started, else the number of CPUs online then (counted before
 * main, because the enclave's sandbox later forbids the count). The host passes its environment to lcp-enclave, so
 * `LCP_VERIFY_THREADS=2 lcp ...` configures the enclave process.
 * At most 64. Workers start on the next verification that has at least two signatures to share. Process-wide:
 * set it before verifications run concurrently (a verification that finds the pool busy runs sequentially). */
void lcp_tm_set_verify_threads(unsigned n);
unsigned lcp_tm_verify_threads(void);

/* ---- the 07-tendermint enclave light client (src/elc/tendermint.c) ----
 * Registered for "/ibc.lightclients.tendermint.v1.ClientState", client type "07-tendermint"; headers are
 * "/ibc.lightclients.tendermint.v1.Header", misbehaviour "/ibc.lightclients.tendermint.v1.Misbehaviour".
 * Behaviour and proxy messages are those of LCP's tendermint-lc (lcp-spec.md §2, §3.4), byte for byte:
 *  - create_client: UpdateState{prev none, post (latest_height, StateID), consensus timestamp, Empty context,
 *    emitted [(latest_height, the client state Any as given)]}, prove = 0; stores both Anys as given.
 *  - update_client with a Header: verified against the consensus state at its trusted height
 *    (lcp_tm_ibc_verify_header at env->now_ns); UpdateState{prev (trusted height, StateID of the stored client
 *    state and trusted consensus state), post (header height, StateID of the new states), header time,
 *    TrustingPeriod(trusting_period, max_clock_drift, header time, trusted time), emitted [] or with include_state
 *    [(header height, new client state)]}, prove = 1. Stores the client state with latest_height raised to the
 *    header height (never lowered) and ConsensusState{header time, app_hash, next_validators_hash} at that height.
 *  - update_client with a Misbehaviour: both headers verified (no clock-drift check, each within the trusting
 *    period of its trusted state), evidence checked (lcp_tm_misbehaviour_evident); MisbehaviourProxyMessage{prev
 *    states at both trusted heights, aggregated TrustingPeriod context, the Misbehaviour Any}, the client state
 *    frozen at 0-1; result.misbehaviour = 1, prove = 1. A frozen client refuses updates and proofs
 *    (LCP_ERR_ELC_FROZEN).
 *  - verify_membership: the proof (ibc MerkleProof) verified with the client state's proof specs against the root
 *    of the consensus state at proof_height (which must exist and not be above the latest height) for key path
 *    [prefix, path]; VerifyMembership{prefix, path, keccak256(value) or zero, proof_height, StateID}, prove = 1.
 * StateID = lcp_state_id(canonical client state Any, consensus state Any), both as LCP re-encodes them: the
 * canonical client state has latest_height (chain revision, 0) and an empty frozen_height. Errors pass through
 * from the verifier (LCP_ERR_TM_*, LCP_ERR_ICS23_*) so that callers see why a header or proof was refused.
 *
 * The host store rule (lcp/elc.h), kept field by field. Every client-state field the verifier reads is re-encoded
 * into the canonical client state, so a host that strips or flips it in the store changes the state id and the
 * LCP client refuses the commitment: chain_id, trust_level, the three durations, upgrade_path, the two allow_*
 * flags and every field of every proof spec, ProofSpec field 5 (prehash_key_before_comparison) included, which
 * LCP's ics23 0.9 does not have and LCP's re-encoding drops; here it is kept, so for specs that set it the state
 * ids differ from LCP's (for ibc-go's IAVL and Tendermint specs, which do not, they are byte-identical). The
 * canonical form leaves out latest_height and frozen_height, as LCP's does; the LCP client enforces both on its
 * own state (a proof above its latest height names a consensus state it does not hold; it freezes itself on the
 * Misbehaviour commitment). Unknown fields and other encodings of the same values change nothing: the verifier
 * reads the decoded values, which are what is re-encoded.
 *
 * Proof specs that hash keys: membership yes, non-membership never. A spec hashes keys when its leaf has
 * prehash_key != NO_HASH (an SMT places a key by its hash) or it sets field 5. Absence is then a claim about the
 * order of hashed keys: a non-existence proof is sound only if its neighbours are compared as the tree orders
 * them. LCP's pinned ics23 compares raw keys and has no field 5, so LCP's state ids cannot carry the rule, and a
 * store that once lost field 5 let a relayer prove absent a key that is present (the enclave signed it, the LCP
 * client accepted it). So verify_membership with no value refuses every such client (LCP_ERR_ICS23_UNSUPPORTED)
 * before it looks at the proof, whatever the stored specs say about field 5 (stripping it does not help; changing
 * prehash_key changes the state id). Such clients are still created and updated, and membership is proven for
 * them: an existence proof recomputes the leaf from the key itself, so key order plays no part in it, and refusing
 * the client at creation would take membership (packet commitments, acknowledgements) from chains with SMT stores
 * for nothing. The cost is theirs: packet receipts' absence (timeouts) cannot be proven through this client. */
extern const lcp_elc_ops lcp_elc_tendermint;

#ifdef __cplusplus
}
#endif
#endif
