/* lcp/dev_tmchain.h — module dev (floor 6): a Tendermint test-chain generator for tests, benchmarks and the
 * development command `lcp dev tendermint-chain`. Never linked into an enclave (mk/check-layers.sh).
 *
 * Deterministic ed25519 validator keys from a seed (libsodium crypto_sign_seed_keypair), validator sets with chosen
 * powers in CometBFT's order, a chain of signed light blocks (headers with their real hashes, commits signed by the
 * chosen validators, validator-set changes through next_validators_hash), and what a relayer hands an IBC light
 * client: ibc.lightclients.tendermint.v1 Header / Misbehaviour messages and the initial ClientState and
 * ConsensusState. Also a small committed state: an IAVL store "ibc" of key/values under a three-store multistore
 * whose root is the block's app hash, with ICS-23 (MerkleProof) membership and non-membership proofs; and a memory
 * store behind lcp_elc_env.
 *
 * Encodings are written here field by field from the proto definitions; hashes and vote sign bytes are the
 * library's (lcp_tm_header_hash, lcp_tm_valset_hash, lcp_tm_vote_sign_bytes), which the vector tests check against
 * real chains. Development code, linked by tests, benchmarks and the CLI (so no cmocka here): an allocation failure or
 * a misuse prints why and aborts (it never reads untrusted input). Symbols keep their tmc_ prefix (the tests that
 * build chains use it). */
#ifndef LCP_DEV_TMCHAIN_H
#define LCP_DEV_TMCHAIN_H

#include <stdint.h>

#include "lcp/elc.h"
#include "lcp/elc_tendermint.h"

#define TMC_MAX_VALS 256
#define TMC_T_CS "/ibc.lightclients.tendermint.v1.ClientState"
#define TMC_T_CONS "/ibc.lightclients.tendermint.v1.ConsensusState"
#define TMC_T_HEADER "/ibc.lightclients.tendermint.v1.Header"
#define TMC_T_MISB "/ibc.lightclients.tendermint.v1.Misbehaviour"

typedef struct {
    uint8_t pk[32], sk[64], address[20];
    int64_t power;
} tmc_validator;

typedef struct {
    tmc_validator v[TMC_MAX_VALS];
    size_t n;
} tmc_valset;

/* Validator number i of seed: keys from crypto_sign_seed_keypair(SHA-256("lcp-c tmchain" || be64(seed) || be32(i))),
 * address SHA-256(pk)[:20]. */
void tmc_validator_make(tmc_validator *v, uint64_t seed, uint32_t i, int64_t power);
/* Validators first .. first+n-1 of seed with powers[k] (powers NULL: all `power`), in CometBFT's order. */
void tmc_valset_make(tmc_valset *vs, uint64_t seed, uint32_t first, size_t n, const int64_t *powers, int64_t power);
/* CometBFT's order: power descending, then address ascending. */
void tmc_valset_sort(tmc_valset *vs);
/* tendermint.types.ValidatorSet {validators, proposer = the first, total_voting_power}, appended to out. */
void tmc_valset_encode(lcp_buf *out, const tmc_valset *vs);
void tmc_valset_hash(uint8_t out[32], const tmc_valset *vs);

typedef struct tmc_chain tmc_chain;
/* A chain "chain_id" whose block 1 (time genesis_unix_s) is signed by genesis, whose next validators are genesis. */
tmc_chain *tmc_chain_new(const char *chain_id, const tmc_valset *genesis, int64_t genesis_unix_s);
void tmc_chain_free(tmc_chain *c);
/* Appends block height+1, signed by the previous block's next validators, naming next_vals (NULL: unchanged) as its
 * own next validators. Its time is the previous one plus interval_s (default 5), its app hash app_hash (NULL: a hash
 * of the height). Returns the new height. */
int64_t tmc_chain_push(tmc_chain *c, const tmc_valset *next_vals, const uint8_t app_hash[32]);
void tmc_chain_set_interval(tmc_chain *c, int64_t interval_s);
int64_t tmc_chain_height(const tmc_chain *c);
uint64_t tmc_chain_revision(const tmc_chain *c);
lcp_tm_time tmc_block_time(const tmc_chain *c, int64_t h);
const tmc_valset *tmc_block_vals(const tmc_chain *c, int64_t h);
void tmc_block_app_hash(uint8_t out[32], const tmc_chain *c, int64_t h);

/* How block h is signed and what it says (all zero: every validator signs honestly). */
typedef struct {
    const uint8_t *absent;   /* absent[i] != 0: validator i of the block's set does not sign */
    int forge;               /* 1 + index of a validator whose signature is corrupted (0: none) */
    const uint8_t *app_hash; /* another app hash: a conflicting block at the same height */
    int64_t time_offset_ns;  /* shifts the header time: a conflicting block */
    const uint8_t *nil;      /* nil[i] != 0: validator i votes nil (signs, for no block) */
} tmc_sign_opts;

/* ibc.lightclients.tendermint.v1.Header for block h (o may be NULL), trusting block trusted_h: signed header,
 * h's validators, trusted height (revision, trusted_h), the next validators of trusted_h. Appended to out. */
void tmc_ibc_header(lcp_buf *out, const tmc_chain *c, int64_t h, int64_t trusted_h, const tmc_sign_opts *o);
/* ibc.lightclients.tendermint.v1.Misbehaviour {client_id, header_1, header_2} of two encoded headers. */
void tmc_misbehaviour(lcp_buf *out, const char *client_id, const lcp_buf *h1, const lcp_buf *h2);

typedef struct {
    uint64_t trust_num, trust_den;             /* default 1/3 */
    int64_t trusting_s, unbonding_s, drift_s;  /* default 14 days, 21 days, 10 s */
    const lcp_buf *proof_specs;                /* encoded ProofSpecs; none: ibc-go's default (IAVL, Tendermint) */
    size_t n_proof_specs;
} tmc_client_params;
/* ClientState value (not the Any) at latest height h, with p's proof specs and upgrade path
 * ["upgrade", "upgradedIBCState"]; p may be NULL (the defaults). */
void tmc_client_state(lcp_buf *out, const tmc_chain *c, int64_t h, const tmc_client_params *p);
/* The standard ProofSpecs of cosmos/ics23 as chains encode them, appended to out: IavlSpec and TendermintSpec
 * (ibc-go's defaults), and SmtSpec (prehash_key SHA-256, prehash_key_before_comparison set, max depth 256). */
enum { TMC_SPEC_IAVL, TMC_SPEC_TENDERMINT, TMC_SPEC_SMT };
void tmc_proof_spec(lcp_buf *out, int which);
/* ConsensusState value of block h: {time, MerkleRoot{app hash}, next_validators_hash}. */
void tmc_consensus_state(lcp_buf *out, const tmc_chain *c, int64_t h);
/* A view of buf as an Any of type_url (valid while buf and type_url live). */
lcp_pb_any tmc_any(const char *type_url, const lcp_buf *value);

/* ---- a committed state and its proofs ---- */
typedef struct {
    const char *key;
    const uint8_t *value;
    size_t value_len;
} tmc_kv;
/* The app hash of a state whose "ibc" store (an IAVL tree at version 1) holds kvs (keys strictly ascending, n >= 1),
 * beside stores "acc" and "bank" with fixed roots. */
void tmc_state_app_hash(uint8_t out[32], const tmc_kv *kvs, size_t n);
/* ibc.core.commitment.v1.MerkleProof of key in that state: existence (exist = 1, key present) or non-existence
 * (exist = 0, key absent), then the "ibc" store's root in the multistore. Appended to out. */
void tmc_state_proof(lcp_buf *out, const tmc_kv *kvs, size_t n, const char *key, int exist);

/* The same multistore with a sparse Merkle tree as its "ibc" store (SmtSpec: leaf SHA-256(0 || SHA-256(key) ||
 * SHA-256(value)), inner SHA-256(1 || left || right)): n = 2^d leaves (n = 1, 2, 4, 8 or 16), each at depth d in
 * the place the first d bits of SHA-256(key) name; the keys must fill the n places (else tmc_die). Place i is
 * also the i-th key in SHA-256 order, which is the order SmtSpec proofs compare keys in. */
void tmc_smt_app_hash(uint8_t out[32], const tmc_kv *kvs, size_t n);
/* Four packet commitments ("commitments/ports/transfer/channels/channel-0/sequences/1" to ".../4", values
 * "commitment N") that fill a depth-2 SMT: in SHA-256 order (places 0..3) sequences 4, 1, 3, 2. So sequence 2 is
 * right-most and sorts before sequence 4, the left-most, as raw bytes: the pair that tells hashed from raw key
 * order apart. */
extern const tmc_kv tmc_smt_packets[4];
/* The key-value at place i. */
const tmc_kv *tmc_smt_at(const tmc_kv *kvs, size_t n, size_t i);
/* ExistenceProof (SmtSpec) of the key-value at place i, appended to out. */
void tmc_smt_exist(lcp_buf *out, const tmc_kv *kvs, size_t n, size_t i);
/* A MerkleProof about the "ibc" store, appended to out: first CommitmentProof{field: proof} (field 1: proof is an
 * ExistenceProof, 2: a NonExistenceProof; honest or not), then the store's root in the multistore. */
void tmc_smt_merkle_proof(lcp_buf *out, const tmc_kv *kvs, size_t n, uint32_t field, const lcp_buf *proof);

/* ---- a memory store behind lcp_elc_env ---- */
typedef struct tmc_memstore tmc_memstore;
tmc_memstore *tmc_memstore_new(void);
void tmc_memstore_free(tmc_memstore *m);
void tmc_memstore_put(tmc_memstore *m, const char *key, const uint8_t *value, size_t len);
/* NULL when absent. */
const lcp_buf *tmc_memstore_get(const tmc_memstore *m, const char *key);
/* An env over m (get/set) at time now_ns. */
lcp_elc_env tmc_memstore_env(tmc_memstore *m, uint64_t now_ns);
/* Stores what the enclave's handlers store for a result (client type at create, then client and consensus state). */
void tmc_memstore_apply(tmc_memstore *m, const char *client_id, const lcp_elc_result *r, int create);

#endif
