/* lcp/lcpclient.h — floor 4: the LCP client, i.e. the counterparty chain's verifier of LCP commitments.
 *
 * It decides whether an enclave key may be registered (remote-attestation policy) and whether a commitment is
 * accepted, and it keeps the client's state in a store that belongs to the host chain (an interface: this library
 * does no I/O). Semantics follow spec lcp-spec.md §6; where the deployed implementations disagree (§10) we take
 * the Solidity / Rust side, decided here once:
 *   - operator threshold: success * denominator >= numerator * len(operators) (lcp-go's stricter check looks like a bug);
 *   - time boundaries: a key is active while expired_at > now; a context passes while trusted + period > now and
 *     now + drift > header time (equality fails, as in Solidity and the Rust enclave);
 *   - ConsensusState.timestamp holds unix nanoseconds (what every implementation stores);
 *   - status OK skips the advisory check (Solidity), other statuses must be allowed, and for the four
 *     "needed"/out-of-date statuses every advisory ID must be allowed as well;
 *   - the report bytes are verified exactly as given, never re-serialised;
 *   - the report's timestamp is truncated to seconds for the key's expiry.
 *
 * Store keys (UTF-8, as an ibc client store would hold them under the client's prefix):
 *   "clients/<id>/clientState"                      ClientState protobuf (ibc.lightclients.lcp.v1)
 *   "clients/<id>/consensusStates/<rev>-<height>"   ConsensusState protobuf
 *   "clients/<id>/aux/enclave_keys/0x<hex>"         BE64(expired_at) || operator(20)  (lcp-go's layout)
 * Every operation checks everything first and writes only at the end; the host runs each call in one store
 * transaction so a failed write leaves nothing half-done.
 *
 * Allocation: none. The context embeds its scratch buffers: get its size with lcp_lc_size() and give it memory.
 * Threading: a context serves one call at a time; use one context per thread (they may share one store if the
 * store is safe for that).
 */
#ifndef LCP_LCPCLIENT_H
#define LCP_LCPCLIENT_H

#include "lcp/base.h"
#include "lcp/commitment.h"

#ifdef __cplusplus
extern "C" {
#endif

#define LCP_LC_MAX_OPERATORS 64
#define LCP_LC_MAX_STATUSES 16
#define LCP_LC_MAX_ADVISORIES 128
#define LCP_LC_MAX_ZKDCAP_INFOS 4
#define LCP_LC_MAX_STATE_LEN 16384 /* an encoded ClientState larger than this is refused */

#define LCP_LC_TYPE_CLIENT_STATE "/ibc.lightclients.lcp.v1.ClientState"
#define LCP_LC_TYPE_CONSENSUS_STATE "/ibc.lightclients.lcp.v1.ConsensusState"
#define LCP_LC_TYPE_UPDATE_CLIENT "/ibc.lightclients.lcp.v1.UpdateClientMessage"
#define LCP_LC_TYPE_REGISTER_ENCLAVE_KEY "/ibc.lightclients.lcp.v1.RegisterEnclaveKeyMessage"
#define LCP_LC_TYPE_ZKDCAP_REGISTER_ENCLAVE_KEY "/ibc.lightclients.lcp.v1.ZKDCAPRegisterEnclaveKeyMessage"
#define LCP_LC_TYPE_UPDATE_OPERATORS "/ibc.lightclients.lcp.v1.UpdateOperatorsMessage"

/* The host chain's key-value store. get returns LCP_OK and the value (copied into buf, *len bytes; if cap is too
 * small it returns LCP_ERR_BUFFER_TOO_SMALL), 1 when the key is absent, or a negative code on failure. */
typedef struct {
    int (*get)(void *ud, const char *key, uint8_t *buf, size_t cap, size_t *len);
    int (*set)(void *ud, const char *key, const uint8_t *value, size_t len);
    void *ud;
} lcp_lc_store;

typedef struct {
    lcp_lc_store store;
    /* Trust anchor for IAS reports (DER): Intel's report-signing root, or the simulation root for sim reports.
     * The bytes must outlive the context. */
    const uint8_t *ias_root_der;
    size_t ias_root_der_len;
    /* Solidity's immutable developmentMode: 1 accepts only debug enclaves, 0 only production ones. */
    int development_mode;
    /* EIP-712 domain separator for UpdateOperators (lcp_eip712_domain_evm / _cosmos). */
    uint8_t operators_domain[32];
    /* Trust anchor for DCAP quotes (DER or PEM; lcp-c's DCAP registration, below): NULL = Intel's production SGX
     * root (lcp_dcap_intel_root_ca). A simulated platform's root (lcp/attestation_sim.h) makes the client accept
     * simulated quotes: only deployments for tests and drills set it. The bytes must outlive the context. */
    const uint8_t *dcap_root_der;
    size_t dcap_root_der_len;
    /* Optional: a long-lived DCAP verifier (lcp_dcap_verifier_new, lcp/attestation_dcap.h) to verify with, so that
     * registrations reuse parsed certificates and P-256 tables. Its root is then the anchor, and dcap_root_der
     * must be NULL. Owned by the caller; it must outlive the context and, like it, serve one thread at a time. */
    struct lcp_dcap_verifier *dcap_verifier;
    /* Optional: collateral held by the host chain (the one-file JSON), used when a DCAPRegisterEnclaveKeyMessage
     * carries none. This is the on-chain client's model (contracts/: collateral is uploaded once, a registration
     * sends the quote alone), so one message serves both verifiers. The bytes must outlive the context. */
    const uint8_t *dcap_collateral;
    size_t dcap_collateral_len;
} lcp_lc_config;

/* ClientState (spec §6.1), decoded. Byte strings are views into the buffer it was decoded from. */
typedef struct {
    lcp_bytes mrenclave;
    uint64_t key_expiration;
    int frozen;
    lcp_height latest_height;
    size_t status_count;
    lcp_bytes allowed_quote_statuses[LCP_LC_MAX_STATUSES];
    size_t advisory_count;
    lcp_bytes allowed_advisory_ids[LCP_LC_MAX_ADVISORIES];
    size_t operator_count;
    lcp_bytes operators[LCP_LC_MAX_OPERATORS];
    uint64_t operators_nonce;
    uint64_t threshold_numerator;
    uint64_t threshold_denominator;
    uint32_t current_tcb_evaluation_data_number;
    uint32_t tcb_evaluation_data_number_update_grace_period;
    uint32_t next_tcb_evaluation_data_number;
    uint64_t next_tcb_evaluation_data_number_update_time;
    size_t zkdcap_count;
    lcp_bytes zkdcap_verifier_infos[LCP_LC_MAX_ZKDCAP_INFOS];
} lcp_lc_client_state;

typedef struct {
    uint8_t state_id[32];
    uint64_t timestamp; /* unix ns */
} lcp_lc_consensus_state;

/* Per-enclave-key state (spec §6.2). */
typedef struct {
    uint64_t expired_at; /* unix seconds; the key is active while expired_at > now */
    uint8_t operator_addr[20];
} lcp_lc_enclave_key;

/* Outcome of lcp_lc_update_client. */
typedef struct {
    int misbehaviour;      /* 1: the client was frozen */
    lcp_height height;     /* UpdateState: the post height */
    int already_known;     /* UpdateState: the consensus state existed already, identical; nothing changed */
} lcp_lc_update_result;

typedef struct lcp_lc lcp_lc;

/* Bytes needed for a context. */
size_t lcp_lc_size(void);
/* Initialises a context in mem (at least lcp_lc_size() bytes, suitably aligned, e.g. from malloc). */
int lcp_lc_init(lcp_lc **ctx, void *mem, size_t mem_len, const lcp_lc_config *cfg);

/* ---- codecs of the state (no store involved) ---- */
int lcp_lc_client_state_decode(lcp_lc_client_state *out, const uint8_t *in, size_t len, char *err) LCP_WARN_UNUSED;
int lcp_lc_client_state_encode(uint8_t *out, size_t cap, size_t *len, const lcp_lc_client_state *cs) LCP_WARN_UNUSED;
int lcp_lc_consensus_state_decode(lcp_lc_consensus_state *out, const uint8_t *in, size_t len, char *err) LCP_WARN_UNUSED;
int lcp_lc_consensus_state_encode(uint8_t *out, size_t cap, size_t *len, const lcp_lc_consensus_state *cs) LCP_WARN_UNUSED;

/* ---- operations ---- */
/* Creates client_id from an encoded ClientState and ConsensusState (raw protobuf, not Any). The client state
 * must have latest height zero, a 32-byte MRENCLAVE, key_expiration > 0, not be frozen, valid operators (20 bytes,
 * non-zero, strictly ascending) with nonce 0 and a threshold 0 < num <= den when operators are set, consistent
 * TCB evaluation numbers; the consensus state must be empty. */
int lcp_lc_create_client(lcp_lc *ctx, const char *client_id, const uint8_t *client_state, size_t cs_len,
                         const uint8_t *consensus_state, size_t cons_len, char *err) LCP_WARN_UNUSED;
/* RegisterEnclaveKeyMessage (IAS, spec §6.3) at now (unix seconds). Out: key (may be NULL) the key's address,
 * expiry and operator. */
int lcp_lc_register_enclave_key(lcp_lc *ctx, uint8_t key[20], lcp_lc_enclave_key *info, const char *client_id,
                                const uint8_t *msg, size_t msg_len, int64_t now, char *err) LCP_WARN_UNUSED;
/* UpdateClientMessage (spec §6.5): an UpdateState or Misbehaviour proxy message with its signatures. */
int lcp_lc_update_client(lcp_lc *ctx, lcp_lc_update_result *out, const char *client_id, const uint8_t *msg,
                         size_t msg_len, int64_t now, char *err) LCP_WARN_UNUSED;
/* UpdateOperatorsMessage (spec §6.7), signed by the current operators in the configured EIP-712 domain. */
int lcp_lc_update_operators(lcp_lc *ctx, const char *client_id, const uint8_t *msg, size_t msg_len,
                            char *err) LCP_WARN_UNUSED;
/* Dispatches a client message given as a protobuf Any by its type URL to the functions above (and to
 * lcp_lc_register_enclave_key_dcap, below). */
int lcp_lc_client_message(lcp_lc *ctx, const char *client_id, const uint8_t *any, size_t any_len, int64_t now,
                          char *err) LCP_WARN_UNUSED;
/* VerifyMembership (spec §6.6): proof is abi.encode(CommitmentProofs); value is the raw value (its keccak256 is
 * what the commitment carries). */
int lcp_lc_verify_membership(lcp_lc *ctx, const char *client_id, const lcp_height *height, const uint8_t *prefix,
                             size_t prefix_len, const uint8_t *path, size_t path_len, const uint8_t *value,
                             size_t value_len, const uint8_t *proof, size_t proof_len, int64_t now,
                             char *err) LCP_WARN_UNUSED;
/* VerifyNonMembership: as above; the commitment's value must be zero. */
int lcp_lc_verify_non_membership(lcp_lc *ctx, const char *client_id, const lcp_height *height,
                                 const uint8_t *prefix, size_t prefix_len, const uint8_t *path, size_t path_len,
                                 const uint8_t *proof, size_t proof_len, int64_t now, char *err) LCP_WARN_UNUSED;

/* ---- queries ---- */
/* The client state; its views point into the context and stay valid until the next call on ctx. */
int lcp_lc_get_client_state(lcp_lc *ctx, lcp_lc_client_state *out, const char *client_id, char *err) LCP_WARN_UNUSED;
/* Returns LCP_ERR_LC_CONSENSUS_STATE_NOT_FOUND when absent. */
int lcp_lc_get_consensus_state(lcp_lc *ctx, lcp_lc_consensus_state *out, const char *client_id,
                               const lcp_height *height, char *err) LCP_WARN_UNUSED;
/* Returns LCP_ERR_LC_ENCLAVE_KEY_NOT_EXIST when the key was never registered. */
int lcp_lc_get_enclave_key(lcp_lc *ctx, lcp_lc_enclave_key *out, const char *client_id, const uint8_t key[20],
                           char *err) LCP_WARN_UNUSED;

/* ---- building client messages (relayer side) ----
 * Each writes the protobuf encoding into out (NULL to size) and sets *len. */
int lcp_lc_encode_update_client(uint8_t *out, size_t cap, size_t *len, const uint8_t *proxy_message, size_t pm_len,
                                const lcp_bytes *signatures, size_t n) LCP_WARN_UNUSED;
int lcp_lc_encode_register_enclave_key(uint8_t *out, size_t cap, size_t *len, const uint8_t *report, size_t report_len,
                                       const uint8_t *signature, size_t sig_len, const uint8_t *signing_cert,
                                       size_t cert_len, const uint8_t *operator_signature, size_t op_sig_len) LCP_WARN_UNUSED;
int lcp_lc_encode_update_operators(uint8_t *out, size_t cap, size_t *len, uint64_t nonce,
                                   const uint8_t (*operators)[20], size_t nops, uint64_t threshold_numerator,
                                   uint64_t threshold_denominator, const lcp_bytes *signatures, size_t nsigs) LCP_WARN_UNUSED;

/* ==== DCAP registration: lcp-c's own message (not in datachainlab's LCP) ====
 *
 * DCAPRegisterEnclaveKeyMessage { bytes quote = 1; bytes collateral = 2; bytes operator_signature = 3; }
 * (proto/ibc_lcp.proto), type URL LCP_LC_TYPE_DCAP_REGISTER_ENCLAVE_KEY. It carries a raw SGX DCAP quote v3 and the
 * one-file collateral JSON (lcp_dcap_collateral_from_json's layout) or, when collateral is empty, uses
 * cfg.dcap_collateral (collateral already held by the chain, as the EVM contract holds it). The quote's PCK chain
 * must be [leaf, the collateral's PCK CA, the trust anchor] (DER-equal), as the contract requires of its text. The
 * client verifies the quote itself with the DCAP
 * verifier (lcp_dcap_collateral_verify + lcp_dcap_quote_verify, the code behind lcp_dcap_verify) under
 * cfg.dcap_root_der at now. It then applies the rules of the zkDCAP path (spec §6.4), decided here:
 *   - MRENCLAVE == client_state.mrenclave;
 *   - TCB status UpToDate, or its DCAP name ("SWHardeningNeeded", "OutOfDate", ...) in allowed_quote_statuses;
 *     Revoked is never accepted (as lcp_dcap_policy_check), whatever the list says;
 *   - every advisory ID of the result in allowed_advisory_ids;
 *   - not_before <= now <= not_after, where [not_before, not_after] is the verifier's window (every certificate,
 *     CRL, TCB Info and QE Identity used is valid in it);
 *   - the DEBUG attribute == cfg.development_mode;
 *   - expired_at = key_expiration == 0 ? not_after + 1 : min(not_before + key_expiration, not_after + 1), and it
 *     must be > now;
 *   - TCB evaluation data number (the smaller of TCB Info's and QE Identity's, "out"): first, a reserved next
 *     number whose update time has come (now >= next_update_time) becomes the current one; then out < current is
 *     refused; out > current with a zero grace period becomes current; with a grace period it is reserved as next
 *     (next_update_time = now + grace) if none is reserved, replaces a smaller reserved next (which becomes current
 *     at once), or becomes current at once if it lies between current and the reserved next;
 *   - report_data version 1: enclave key and expected operator;
 *   - operator = ecrecover(lcp_eip712_dcap_register_enclave_key(quote), operator_signature) if a signature is
 *     given, else zero; a non-zero expected operator must equal it; with operators configured it must be one;
 *   - a key registered already must have the same operator and expiry (no change; a TCB number update still
 *     applies, as in Solidity).
 * Everything is checked before anything is written (client state, then the key). */
#define LCP_LC_TYPE_DCAP_REGISTER_ENCLAVE_KEY "/ibc.lightclients.lcp.v1.DCAPRegisterEnclaveKeyMessage"
#define LCP_LC_MAX_DCAP_COLLATERAL_LEN 65536 /* a larger collateral document is refused (Intel's are ~12 KB) */

/* DCAPRegisterEnclaveKeyMessage at now (unix seconds). Out: key (may be NULL): the key's address; info (may be
 * NULL): its expiry and operator. Returns LCP_OK, an LCP_ERR_LC_* code (the DCAP ones are listed in errors.def
 * after LCP_ERR_LC_INVALID_CLIENT_ID) or LCP_ERR_NOMEM (the verifier allocates its OpenSSL objects). */
int lcp_lc_register_enclave_key_dcap(lcp_lc *ctx, uint8_t key[20], lcp_lc_enclave_key *info, const char *client_id,
                                     const uint8_t *msg, size_t msg_len, int64_t now, char *err) LCP_WARN_UNUSED;
/* Encodes a DCAPRegisterEnclaveKeyMessage (out NULL to size). */
int lcp_lc_encode_dcap_register_enclave_key(uint8_t *out, size_t cap, size_t *len, const uint8_t *quote,
                                            size_t quote_len, const uint8_t *collateral, size_t collateral_len,
                                            const uint8_t *operator_signature, size_t op_sig_len) LCP_WARN_UNUSED;

/* ---- an in-memory store (host side: allocates) for tests, demonstrations and hosts without a chain store ---- */
typedef struct lcp_lc_memstore lcp_lc_memstore;
/* Creates an empty store; returns NULL when out of memory. */
lcp_lc_memstore *lcp_lc_memstore_new(void);
void lcp_lc_memstore_free(lcp_lc_memstore *m);
/* The store interface over m. */
lcp_lc_store lcp_lc_memstore_iface(lcp_lc_memstore *m);
/* Number of keys held, and how many sets were made (tests use them to prove nothing was written). */
size_t lcp_lc_memstore_count(const lcp_lc_memstore *m);
size_t lcp_lc_memstore_writes(const lcp_lc_memstore *m);

#ifdef __cplusplus
}
#endif
#endif
