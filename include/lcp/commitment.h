/* lcp/commitment.h — floor 3: LCP commitments (proxy messages), validation contexts, StateIDs, EIP-712 digests.
 *
 * Wire formats are those of spec lcp-spec.md §3 (Solidity abi.encode of one tuple) and §6.8 (EIP-712); every
 * `*_result` message of the LCP fixtures decodes and re-encodes byte-identically through this module.
 *
 * Allocation: none. Decoded messages hold borrowed views into the caller's input (valid while it lives); arrays
 * (emitted states, previous states) are read through accessors that re-walk the already-validated input, so
 * there is no limit on their length and nothing to free. Encoders write into caller buffers; call with
 * out == NULL first to learn the size. Threading: pure functions, safe from any thread.
 */
#ifndef LCP_COMMITMENT_H
#define LCP_COMMITMENT_H

#include "lcp/base.h"
#include "lcp/codec_abi.h"

#ifdef __cplusplus
extern "C" {
#endif

#define LCP_STATE_ID_LEN 32
#define LCP_COMMITMENT_VERSION 1

/* The header word's type field (§3.1). */
enum {
    LCP_MSG_UPDATE_STATE = 1,
    LCP_MSG_STATE = 2, /* VerifyMembership / VerifyNonMembership */
    LCP_MSG_MISBEHAVIOUR = 3,
};

/* ibc Height. (0,0) stands for "none" where the spec says so. */
typedef struct {
    uint64_t revision_number;
    uint64_t revision_height;
} lcp_height;

int lcp_height_is_zero(const lcp_height *h);
/* <0, 0, >0 as a is lower, equal or higher than b (revision number first). */
int lcp_height_cmp(const lcp_height *a, const lcp_height *b);

/* ---- validation context (§3.3) ---- */
enum { LCP_CONTEXT_EMPTY = 0, LCP_CONTEXT_TRUSTING_PERIOD = 1 };
typedef struct {
    int type;
    lcp_u128 untrusted_header_timestamp; /* unix ns */
    lcp_u128 trusted_state_timestamp;    /* unix ns */
    lcp_u128 trusting_period;            /* ns */
    lcp_u128 clock_drift;                /* ns */
} lcp_validation_context;

/* Decodes an encoded ValidationContext strictly (Empty must carry no bytes; TrustingPeriod exactly 64). */
int lcp_context_decode(lcp_validation_context *out, const uint8_t *in, size_t len, char *err) LCP_WARN_UNUSED;
/* Encodes ctx (128 bytes for Empty, 192 for TrustingPeriod). Out: *len; out may be NULL to size. */
int lcp_context_encode(uint8_t *out, size_t cap, size_t *len, const lcp_validation_context *ctx) LCP_WARN_UNUSED;
#define LCP_CONTEXT_MAX_LEN 192
/* Checks ctx at now (unix ns), with the enclave's and Solidity's boundaries (our choice, spec §10.2):
 *   trusted_state_timestamp + trusting_period > now   else LCP_ERR_COMMITMENT_TRUSTING_PERIOD
 *   now + clock_drift > untrusted_header_timestamp    else LCP_ERR_COMMITMENT_CLOCK_DRIFT
 * (lcp-go lets equality pass; we do not.) The sums are exact, as lcp-solidity computes them: a trusted timestamp plus
 * period beyond u128 is refused (LCP_ERR_COMMITMENT_TRUSTING_PERIOD; Solidity's checked uint128 addition reverts),
 * and now plus drift beyond u128 is above every header time (Solidity adds in uint256). Empty always passes. */
int lcp_context_validate(const lcp_validation_context *ctx, lcp_u128 now_ns, char *err) LCP_WARN_UNUSED;
/* Aggregates a then b into out: Empty ⊕ X = X; two TrustingPeriod contexts must have equal periods and drifts,
 * and give untrusted = max, trusted = min. */
int lcp_context_aggregate(lcp_validation_context *out, const lcp_validation_context *a,
                          const lcp_validation_context *b, char *err) LCP_WARN_UNUSED;

/* ---- messages (§3.2) ---- */
typedef struct {
    lcp_height height;
    lcp_bytes state; /* protobuf-encoded google.protobuf.Any of the client state */
} lcp_emitted_state;

typedef struct {
    lcp_height height;
    uint8_t state_id[LCP_STATE_ID_LEN];
} lcp_prev_state;

typedef struct {
    lcp_height prev_height; /* (0,0) = none */
    uint8_t prev_state_id[LCP_STATE_ID_LEN];
    lcp_height post_height;
    uint8_t post_state_id[LCP_STATE_ID_LEN];
    lcp_u128 timestamp; /* unix ns of the post state */
    lcp_bytes context;  /* encoded ValidationContext */
    size_t emitted_count;
    /* Where the states come from: `emitted` when building a message; the decoded array otherwise. */
    const lcp_emitted_state *emitted;
    lcp_abi_dec emitted_arr; /* private: decoder positioned on the array's elements */
} lcp_update_state_msg;

typedef struct {
    lcp_bytes prefix;
    lcp_bytes path;                 /* UTF-8 */
    uint8_t value[32];              /* keccak256(value); all zero = non-membership */
    lcp_height height;
    uint8_t state_id[LCP_STATE_ID_LEN];
} lcp_membership_msg;

typedef struct {
    size_t prev_count;
    const lcp_prev_state *prev_states; /* when building */
    lcp_abi_dec prev_arr;              /* private */
    lcp_bytes context;
    lcp_bytes client_message; /* protobuf Any */
} lcp_misbehaviour_msg;

/* A HeaderedProxyMessage: the bytes an enclave signs. */
typedef struct {
    int type; /* LCP_MSG_* */
    union {
        lcp_update_state_msg update;
        lcp_membership_msg state;
        lcp_misbehaviour_msg misbehaviour;
    } u;
} lcp_proxy_msg;

/* Decodes a HeaderedProxyMessage strictly. Rejects a header version other than 1, an unknown type, non-zero
 * reserved header bytes, and any non-canonical ABI. Does not run lcp_proxy_msg_validate.
 * Out: msg holds views into in (valid while in lives). */
int lcp_proxy_msg_decode(lcp_proxy_msg *msg, const uint8_t *in, size_t len, char *err) LCP_WARN_UNUSED;
/* Encodes msg. Out: *len = encoded size; out may be NULL to size only. */
int lcp_proxy_msg_encode(uint8_t *out, size_t cap, size_t *len, const lcp_proxy_msg *msg) LCP_WARN_UNUSED;
/* The message's own consistency rules (LCP's `validate`): UpdateState: prev height none ⇔ prev state id zero;
 * State: path non-empty, height non-zero, state_id non-zero; Misbehaviour: prev_states non-empty, every state_id
 * non-zero. Returns LCP_ERR_COMMITMENT_INVALID with the reason. */
int lcp_proxy_msg_validate(const lcp_proxy_msg *msg, char *err) LCP_WARN_UNUSED;

/* Reads element i (< emitted_count) of an UpdateState's emitted states. Views point into the message input. */
int lcp_update_state_emitted(const lcp_update_state_msg *m, size_t i, lcp_emitted_state *out) LCP_WARN_UNUSED;
/* Reads element i (< prev_count) of a Misbehaviour's previous states. */
int lcp_misbehaviour_prev_state(const lcp_misbehaviour_msg *m, size_t i, lcp_prev_state *out) LCP_WARN_UNUSED;

/* Aggregates n >= 2 UpdateState messages (spec §2 AggregateMessages): each m[i].post must equal m[i+1].prev
 * (height and state id); result prev from the first, post and timestamp from the last, contexts aggregated (the
 * encoded result context goes to ctx_buf, LCP_CONTEXT_MAX_LEN bytes, which out->context then points at), emitted
 * states concatenated into emitted_buf (capacity emitted_cap; LCP_ERR_BUFFER_TOO_SMALL if short). */
int lcp_update_state_aggregate(lcp_update_state_msg *out, uint8_t ctx_buf[LCP_CONTEXT_MAX_LEN],
                               lcp_emitted_state *emitted_buf, size_t emitted_cap, const lcp_update_state_msg *m,
                               size_t n, char *err) LCP_WARN_UNUSED;

/* ---- commitment signatures (§3.5) ---- */
/* Recovers the enclave key that signed message: ecrecover(keccak256(message), sig) with a 65-byte r||s||v. */
int lcp_commitment_recover_signer(uint8_t addr[20], const uint8_t *message, size_t message_len, const uint8_t *sig,
                                  size_t sig_len, char *err) LCP_WARN_UNUSED;

/* ---- envelopes relayers pass around (§3.5) ---- */
/* CommitmentProofs = abi.encode(struct { bytes message; bytes[] signatures; }). Decoding keeps the array as a view. */
typedef struct {
    lcp_bytes message;
    size_t signature_count;
    lcp_abi_dec sigs_arr; /* private */
} lcp_commitment_proofs;
int lcp_commitment_proofs_decode(lcp_commitment_proofs *out, const uint8_t *in, size_t len, char *err) LCP_WARN_UNUSED;
int lcp_commitment_proofs_signature(const lcp_commitment_proofs *p, size_t i, lcp_bytes *sig) LCP_WARN_UNUSED;
int lcp_commitment_proofs_encode(uint8_t *out, size_t cap, size_t *len, const uint8_t *message, size_t message_len,
                                 const lcp_bytes *sigs, size_t n) LCP_WARN_UNUSED;

/* ---- StateID (§3.4) ---- */
/* state_id = SHA-256( zeros(len(any_client_state)) || any_consensus_state || any_client_state ), which is what LCP
 * actually hashes (confirmed on the fixtures). Inputs are the protobuf-encoded Any messages. */
int lcp_state_id(uint8_t out[LCP_STATE_ID_LEN], const uint8_t *any_client_state, size_t cs_len,
                 const uint8_t *any_consensus_state, size_t cons_len) LCP_WARN_UNUSED;

/* ---- EIP-712 (§6.8) ---- */
/* Domain separator of the universal LCPClient domain (chainId 0, verifyingContract 0, salt 0). */
void lcp_eip712_domain_universal(uint8_t out[32]);
/* Domain for UpdateOperators on an EVM chain: chainId, the LCP client contract, salt keccak256(uint16be(1)). */
void lcp_eip712_domain_evm(uint8_t out[32], uint64_t chain_id, const uint8_t verifying_contract[20]);
/* Domain for UpdateOperators on a Cosmos chain: salt keccak256(uint16be(2) || keccak256(chain_id) || keccak256(prefix)). */
void lcp_eip712_domain_cosmos(uint8_t out[32], const char *chain_id, size_t chain_id_len, const uint8_t *prefix,
                              size_t prefix_len);
/* keccak256(0x1901 || domain || keccak256(abi.encode(RegisterEnclaveKey typehash, keccak256(avr)))). */
void lcp_eip712_register_enclave_key(uint8_t out[32], const uint8_t *avr, size_t avr_len);
/* lcp-c's DCAP registration, in the style of RegisterEnclaveKey: DCAPRegisterEnclaveKey(bytes quote) in the
 * universal domain, i.e. keccak256(0x1901 || domain || keccak256(abi.encode(typehash, keccak256(quote)))). It
 * covers the quote only: the quote binds the enclave key and the expected operator, while the collateral is public
 * data that anyone may refresh. */
void lcp_eip712_dcap_register_enclave_key(uint8_t out[32], const uint8_t *quote, size_t quote_len);
/* ZKDCAPRegisterEnclaveKey(bytes zkDCAPVerifierInfo, bytes32 outputHash) in the universal domain; outputHash is
 * keccak256(output). */
void lcp_eip712_zkdcap_register_enclave_key(uint8_t out[32], const uint8_t *verifier_info, size_t info_len,
                                            const uint8_t *output, size_t output_len);
/* UpdateOperators(string clientId,uint64 nonce,address[] newOperators,uint64 thresholdNumerator,
 * uint64 thresholdDenominator) in the given domain; operators are n 20-byte addresses. */
void lcp_eip712_update_operators(uint8_t out[32], const uint8_t domain[32], const char *client_id,
                                 size_t client_id_len, uint64_t nonce, const uint8_t (*operators)[20], size_t n,
                                 uint64_t threshold_numerator, uint64_t threshold_denominator);

#ifdef __cplusplus
}
#endif
#endif
