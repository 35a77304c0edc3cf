/* lcp/elc_ics23.h — part of elc (floor 4): ICS-23 commitment proofs (cosmos.ics23.v1), the Merkle proofs IBC uses
 * to prove that a key has (or has not) a value in a counterparty chain's state.
 *
 * What it checks, and against what: the rules of cosmos/ics23's Go implementation at 7f2c2d09 (the one ibc-go links)
 * for single existence and non-existence proofs, including its spec checks (IAVL prefix varints, Tendermint inner
 * prefixes, min/max depth with the default maximum of 128, prefix and suffix lengths, leaf prefix separation, the
 * neighbour rules of non-existence proofs with empty children); the batch and compressed-batch rules of the last Go
 * release that had them (90b4eefc^); and ibc-go's chained MerkleProof verification (23-commitment).
 * Where Go would panic on hostile input (an inner op whose padding fits no branch, a compressed index out of range,
 * fully equal neighbour paths) this module rejects.
 *
 * Views: every decoded structure borrows the bytes it was decoded from; it lives as long as that buffer and must not
 * outlive it. Nothing here allocates except OpenSSL's digest contexts inside hashing. Decoding checks the whole
 * encoding once (field types, nesting, counts, compressed indices) so that verification can walk it without
 * failing on the wire format again.
 *
 * Decoding rules: unknown fields are skipped (as Go's decoder does); a singular field seen twice, two members of a
 * oneof, or a known field with the wrong wire type is rejected (Go would merge or keep the last; rejecting is
 * the conservative side: no honest encoder emits them).
 *
 * Threading: all functions are reentrant; the spec constants are immutable.
 */
#ifndef LCP_ELC_ICS23_H
#define LCP_ELC_ICS23_H

#include "lcp/base.h"

#ifdef __cplusplus
extern "C" {
#endif

/* HashOp and LengthOp as numbered in proofs.proto. */
enum {
    LCP_ICS23_NO_HASH = 0,
    LCP_ICS23_SHA256 = 1,
    LCP_ICS23_SHA512 = 2,
    LCP_ICS23_KECCAK256 = 3, /* not supported by the Go implementation: rejected here too */
    LCP_ICS23_RIPEMD160 = 4,
    LCP_ICS23_BITCOIN = 5, /* RIPEMD160(SHA256(x)) */
    LCP_ICS23_SHA512_256 = 6,
    LCP_ICS23_BLAKE2B_512 = 7,
    LCP_ICS23_BLAKE2S_256 = 8,
    LCP_ICS23_BLAKE3 = 9 /* not supported by Go: rejected */
};
enum {
    LCP_ICS23_NO_PREFIX = 0,
    LCP_ICS23_VAR_PROTO = 1,
    LCP_ICS23_VAR_RLP = 2, /* unsupported in Go: rejected */
    LCP_ICS23_FIXED32_BIG = 3,
    LCP_ICS23_FIXED32_LITTLE = 4,
    LCP_ICS23_FIXED64_BIG = 5,
    LCP_ICS23_FIXED64_LITTLE = 6,
    LCP_ICS23_REQUIRE_32_BYTES = 7,
    LCP_ICS23_REQUIRE_64_BYTES = 8
};

/* Largest digest of any supported hash op (SHA-512, BLAKE2b-512). */
#define LCP_ICS23_HASH_MAX 64
/* Hard limits, independent of any spec, so that hostile input has bounded cost. A path longer than the spec's
 * max_depth is rejected by the spec check anyway (128 by default, 256 for SMT); these only bound exotic specs. */
#define LCP_ICS23_MAX_PATH 1024        /* inner ops in one existence proof */
#define LCP_ICS23_MAX_CHILD_ORDER 32   /* children of an inner node in a spec */
#define LCP_ICS23_MAX_BATCH 4096       /* entries in a batch, and lookup inners in a compressed batch: a lookup
                                        * inner is found by reading the list, so this bounds the work per step */
#define LCP_ICS23_MAX_CHAIN 8          /* proofs in one chained IBC MerkleProof */

/* LeafOp {1 hash, 2 prehash_key, 3 prehash_value, 4 length, 5 prefix}. */
typedef struct {
    int32_t hash, prehash_key, prehash_value, length;
    lcp_bytes prefix;
} lcp_ics23_leaf_op;

/* InnerOp {1 hash, 2 prefix, 3 suffix}. has_suffix records that field 3 was present even if empty: Go's Tendermint
 * rule distinguishes a present-but-empty suffix from an absent one. */
typedef struct {
    int32_t hash;
    lcp_bytes prefix;
    lcp_bytes suffix;
    int has_suffix;
} lcp_ics23_inner_op;

/* InnerSpec {1 repeated child_order, 2 child_size, 3 min_prefix_length, 4 max_prefix_length, 5 empty_child, 6 hash}. */
typedef struct {
    int32_t child_order[LCP_ICS23_MAX_CHILD_ORDER];
    size_t n_child_order;
    int32_t child_size, min_prefix_length, max_prefix_length;
    lcp_bytes empty_child;
    int32_t hash;
} lcp_ics23_inner_spec;

/* ProofSpec {1 leaf_spec, 2 inner_spec, 3 max_depth, 4 min_depth, 5 prehash_key_before_comparison}.
 * has_leaf_spec / has_inner_spec: whether the (nullable) messages were present. */
typedef struct {
    lcp_ics23_leaf_op leaf_spec;
    int has_leaf_spec;
    lcp_ics23_inner_spec inner_spec;
    int has_inner_spec;
    int32_t max_depth, min_depth;
    int prehash_key_before_comparison;
} lcp_ics23_spec;

/* The specs of cosmos/ics23 (IavlSpec, TendermintSpec, SmtSpec). Static, immutable. */
const lcp_ics23_spec *lcp_ics23_spec_iavl(void);
const lcp_ics23_spec *lcp_ics23_spec_tendermint(void);
const lcp_ics23_spec *lcp_ics23_spec_smt(void);

/* An ExistenceProof {1 key, 2 value, 3 leaf, 4 repeated path}, or a CompressedExistenceProof whose path holds
 * indices into the batch's lookup_inners. The path is read on demand with lcp_ics23_exist_path_at. */
typedef struct {
    lcp_bytes key, value;
    lcp_ics23_leaf_op leaf;
    int has_leaf;
    size_t n_path;
    /* private: where the path is read from */
    lcp_bytes src_;     /* the encoded ExistenceProof / CompressedExistenceProof */
    lcp_bytes lookup_;  /* compressed only: the encoded CompressedBatchProof holding lookup_inners */
    size_t n_lookup_;
    int compressed_;
} lcp_ics23_exist;

/* NonExistenceProof {1 key, 2 left, 3 right} (or its compressed form). */
typedef struct {
    lcp_bytes key;
    lcp_ics23_exist left, right;
    int has_left, has_right;
} lcp_ics23_nonexist;

enum { LCP_ICS23_PROOF_EXIST = 1, LCP_ICS23_PROOF_NONEXIST = 2, LCP_ICS23_PROOF_BATCH = 3,
       LCP_ICS23_PROOF_COMPRESSED = 4 };

/* CommitmentProof oneof {1 exist, 2 nonexist, 3 batch, 4 compressed}. For batches the entries are read on demand
 * with lcp_ics23_proof_entry_at. */
typedef struct {
    int type; /* LCP_ICS23_PROOF_* */
    lcp_ics23_exist exist;       /* type EXIST */
    lcp_ics23_nonexist nonexist; /* type NONEXIST */
    size_t n_entries;            /* BATCH / COMPRESSED */
    /* private */
    lcp_bytes batch_;            /* encoded BatchProof or CompressedBatchProof */
    size_t n_lookup_;
} lcp_ics23_proof;

/* One entry of a batch: is_exist selects exist or nonexist. */
typedef struct {
    int is_exist;
    lcp_ics23_exist exist;
    lcp_ics23_nonexist nonexist;
} lcp_ics23_entry;

/* ---- decoding (all: Returns LCP_OK, LCP_ERR_ICS23_DECODE or LCP_ERR_ICS23_LIMIT; out borrows in) ---- */
int lcp_ics23_decode_proof(lcp_ics23_proof *out, const uint8_t *in, size_t in_len, char *err) LCP_WARN_UNUSED;
int lcp_ics23_decode_spec(lcp_ics23_spec *out, const uint8_t *in, size_t in_len, char *err) LCP_WARN_UNUSED;
int lcp_ics23_decode_exist(lcp_ics23_exist *out, const uint8_t *in, size_t in_len, char *err) LCP_WARN_UNUSED;
int lcp_ics23_decode_leaf_op(lcp_ics23_leaf_op *out, const uint8_t *in, size_t in_len, char *err) LCP_WARN_UNUSED;
int lcp_ics23_decode_inner_op(lcp_ics23_inner_op *out, const uint8_t *in, size_t in_len, char *err)
    LCP_WARN_UNUSED;

/* Out: op: the i-th inner op (0 = next to the leaf) of ep's path. i must be < ep->n_path (else misuse).
 * Cost O(i + lookup position): proofs are walked, not copied. Cannot fail on a proof that decoded. */
int lcp_ics23_exist_path_at(lcp_ics23_inner_op *op, const lcp_ics23_exist *ep, size_t i) LCP_WARN_UNUSED;
/* Out: e: the i-th entry (i < proof->n_entries) of a BATCH or COMPRESSED proof, decompressed view. */
int lcp_ics23_proof_entry_at(lcp_ics23_entry *e, const lcp_ics23_proof *proof, size_t i) LCP_WARN_UNUSED;

/* ---- operations (the unit-level rules of ops.go) ---- */
/* Out: out (LCP_ICS23_HASH_MAX bytes), *out_len. Hash op NO_HASH, KECCAK256 and BLAKE3 are unsupported
 * (LCP_ERR_ICS23_UNSUPPORTED), as in Go's doHash. */
int lcp_ics23_do_hash(uint8_t *out, size_t *out_len, int32_t hash_op, const uint8_t *in, size_t in_len, char *err)
    LCP_WARN_UNUSED;
/* LeafOp.Apply: key and value must be non-empty (LCP_ERR_ICS23_VERIFY otherwise). */
int lcp_ics23_leaf_apply(uint8_t *out, size_t *out_len, const lcp_ics23_leaf_op *op, const uint8_t *key,
                         size_t key_len, const uint8_t *value, size_t value_len, char *err) LCP_WARN_UNUSED;
/* InnerOp.Apply: child must be non-empty. */
int lcp_ics23_inner_apply(uint8_t *out, size_t *out_len, const lcp_ics23_inner_op *op, const uint8_t *child,
                          size_t child_len, char *err) LCP_WARN_UNUSED;
/* LeafOp.CheckAgainstSpec / InnerOp.CheckAgainstSpec(layer). Return LCP_OK or LCP_ERR_ICS23_SPEC with err. */
int lcp_ics23_leaf_check_spec(const lcp_ics23_leaf_op *op, const lcp_ics23_spec *spec, char *err) LCP_WARN_UNUSED;
int lcp_ics23_inner_check_spec(const lcp_ics23_inner_op *op, const lcp_ics23_spec *spec, int layer, char *err)
    LCP_WARN_UNUSED;
/* leftBranchesAreEmpty / rightBranchesAreEmpty: 1 or 0 (0 also when the op fits no branch). */
int lcp_ics23_left_branches_empty(const lcp_ics23_inner_spec *spec, const lcp_ics23_inner_op *op);
int lcp_ics23_right_branches_empty(const lcp_ics23_inner_spec *spec, const lcp_ics23_inner_op *op);
/* SpecEquals as Go defines it (leaf ops and inner hash/sizes/order length only). */
int lcp_ics23_spec_equals(const lcp_ics23_spec *a, const lcp_ics23_spec *b);

/* ---- existence / non-existence (proof.go) ---- */
/* ExistenceProof.Calculate (spec may be NULL: no spec-dependent size check). Out: root, *root_len. */
int lcp_ics23_exist_calculate(uint8_t root[LCP_ICS23_HASH_MAX], size_t *root_len, const lcp_ics23_exist *ep,
                              const lcp_ics23_spec *spec, char *err) LCP_WARN_UNUSED;
/* ExistenceProof.CheckAgainstSpec. */
int lcp_ics23_exist_check_spec(const lcp_ics23_exist *ep, const lcp_ics23_spec *spec, char *err) LCP_WARN_UNUSED;
/* ExistenceProof.Verify: spec check, key and value equal to the proof's, calculated root equal to root. */
int lcp_ics23_exist_verify(const lcp_ics23_exist *ep, const lcp_ics23_spec *spec, const uint8_t *root,
                           size_t root_len, const uint8_t *key, size_t key_len, const uint8_t *value,
                           size_t value_len, char *err) LCP_WARN_UNUSED;
/* NonExistenceProof.Calculate: the root of left if present, else of right. */
int lcp_ics23_nonexist_calculate(uint8_t root[LCP_ICS23_HASH_MAX], size_t *root_len, const lcp_ics23_nonexist *np,
                                 char *err) LCP_WARN_UNUSED;
/* NonExistenceProof.Verify: both sides verify, key strictly between them, sides are neighbours (or left-most /
 * right-most when one is missing). */
int lcp_ics23_nonexist_verify(const lcp_ics23_nonexist *np, const lcp_ics23_spec *spec, const uint8_t *root,
                              size_t root_len, const uint8_t *key, size_t key_len, char *err) LCP_WARN_UNUSED;

/* ---- top level (ics23.go) ----
 * verify_membership accepts EXIST, and — as the batch-era Go did — BATCH/COMPRESSED proofs holding an exist entry
 * for key. verify_non_membership likewise for NONEXIST or a batch entry bracketing key.
 * Returns LCP_OK, or LCP_ERR_ICS23_PROOF_TYPE / _SPEC / _VERIFY / _NONEXIST / _UNSUPPORTED with err. */
int lcp_ics23_verify_membership(const lcp_ics23_spec *spec, const uint8_t *root, size_t root_len,
                                const lcp_ics23_proof *proof, const uint8_t *key, size_t key_len,
                                const uint8_t *value, size_t value_len, char *err) LCP_WARN_UNUSED;
int lcp_ics23_verify_non_membership(const lcp_ics23_spec *spec, const uint8_t *root, size_t root_len,
                                    const lcp_ics23_proof *proof, const uint8_t *key, size_t key_len, char *err)
    LCP_WARN_UNUSED;
/* Every (keys[i], values[i]) must be proven; n may be 0 (then LCP_OK, as Go's loop over an empty map). */
int lcp_ics23_batch_verify_membership(const lcp_ics23_spec *spec, const uint8_t *root, size_t root_len,
                                      const lcp_ics23_proof *proof, const lcp_bytes *keys, const lcp_bytes *values,
                                      size_t n, char *err) LCP_WARN_UNUSED;
int lcp_ics23_batch_verify_non_membership(const lcp_ics23_spec *spec, const uint8_t *root, size_t root_len,
                                          const lcp_ics23_proof *proof, const lcp_bytes *keys, size_t n, char *err)
    LCP_WARN_UNUSED;

/* ---- IBC chained proofs (ibc-go 23-commitment MerkleProof) ----
 * merkle_proof: an encoded ibc.core.commitment.v1.MerkleProof {1 repeated CommitmentProof proofs}.
 * specs[n]: the client state's proof specs (default [IAVL, Tendermint]); key_path[n]: MerklePath keys in order
 * from the root store outward, i.e. [store prefix ("ibc"), key]. n == number of proofs, 1..LCP_ICS23_MAX_CHAIN.
 * root: the consensus state's root (the header's app_hash), non-empty.
 * Membership: proof i (innermost first) must be EXIST and prove key_path[n-1-i] -> value_i, with value_0 = value
 * and value_{i+1} = the root it computes; the last computed root must equal root.
 * Non-membership: proof 0 must be NONEXIST and exclude key_path[n-1] under the root it computes; the rest chain as
 * above. Returns LCP_OK, LCP_ERR_ICS23_ARGS or any ICS23 error, with err. */
int lcp_ics23_verify_chained_membership(const lcp_ics23_spec *specs, size_t n_specs, const uint8_t *root,
                                        size_t root_len, const uint8_t *merkle_proof, size_t merkle_proof_len,
                                        const lcp_bytes *key_path, size_t n_keys, const uint8_t *value,
                                        size_t value_len, char *err) LCP_WARN_UNUSED;
int lcp_ics23_verify_chained_non_membership(const lcp_ics23_spec *specs, size_t n_specs, const uint8_t *root,
                                            size_t root_len, const uint8_t *merkle_proof, size_t merkle_proof_len,
                                            const lcp_bytes *key_path, size_t n_keys, char *err) LCP_WARN_UNUSED;

#ifdef __cplusplus
}
#endif
#endif
