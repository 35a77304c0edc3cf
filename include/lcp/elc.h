/* lcp/elc.h — floor 4: enclave light clients (ELCs) behind one vtable (spec lcp-spec.md §2).
 *
 * A light client is registered under the type URL of its client state. The enclave hands it an lcp_elc_env: a
 * key-value view of the host store (reached over OCALLs, untrusted: the LCP client's prev_state_id check is what
 * makes a lying host harmless) and the enclave's notion of now. The light client verifies and returns the
 * commitment it wants signed (a proxy message) plus the states to store; the enclave signs and stores them.
 *
 * The host store rule. Everything a light client reads from the store was written by the untrusted host, which may
 * rewrite any of it between two commands. A commitment is safe only because the LCP client accepts it against the
 * state id it already holds (prev_state_id of an update, state_id of a membership). Hence: nothing the host can
 * rewrite in a stored client or consensus state may change a verdict (what is signed, or whether anything is)
 * unless that change is bound into the state id the commitment carries, so that the LCP client refuses the
 * commitment. Concretely, for a light client:
 *  - every field it reads from a stored state goes into the bytes its state id hashes, or is checked against
 *    something that does (a verifier that reads a field its re-encoder drops is a hole: the host strips the field,
 *    the state id stays the same, the verdict changes);
 *  - a field the state id leaves out by design must not widen what is signed, only narrow it, or be enforced by
 *    the LCP client on its own state. LCP's canonical state ids leave out the client's latest and frozen heights:
 *    a proof height above the latest one needs a consensus state the LCP client never accepted (it refuses the
 *    commitment), and a client frozen by a Misbehaviour commitment is frozen in the LCP client itself (it refuses
 *    every later commitment);
 *  - where a rule cannot be bound (a field LCP's state id format has no room for), the light client fails closed:
 *    it refuses the command rather than let the stored bytes decide.
 * Each light client's header says how it keeps this rule; tests flip and strip every field its verifier reads.
 *
 * Store keys are LCP's (§1.3): "clients/<id>/clientType", "clients/<id>/clientState",
 * "clients/<id>/consensusStates/<rev>-<height>", values being protobuf Any encodings.
 * Allocation: results are lcp_buf (host-style growable buffers) owned by the caller's result struct; free them
 * with lcp_elc_result_free.
 */
#ifndef LCP_ELC_H
#define LCP_ELC_H

#include "lcp/base.h"
#include "lcp/codec_pb.h"
#include "lcp/commitment.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What a light client may use: the store and the time. */
typedef struct {
    /* Reads key into out (appending). *found = 0 when absent. */
    int (*get)(void *ud, const char *key, lcp_buf *out, int *found, char *err);
    int (*set)(void *ud, const char *key, const uint8_t *value, size_t len, char *err);
    void *ud;
    uint64_t now_ns; /* unix ns, from the host's request */
} lcp_elc_env;

/* Result of create/update/verify: the proxy message to sign (or not) and what to store. */
typedef struct {
    lcp_buf message;          /* encoded HeaderedProxyMessage */
    int prove;                /* 1: the enclave signs message; 0: returned unsigned (create_client) */
    lcp_height height;        /* create/update: height of the new consensus state */
    lcp_buf client_state;     /* create/update: Any of the new client state (empty = unchanged) */
    lcp_buf consensus_state;  /* create/update: Any of the new consensus state (empty = none) */
    int misbehaviour;         /* update: the client is now frozen */
} lcp_elc_result;

void lcp_elc_result_free(lcp_elc_result *r);

typedef struct {
    const char *client_type;            /* e.g. "mock-client", "07-tendermint" */
    const char *client_state_type_url;  /* the registry key */
    /* Creates a client from Any-encoded states (the caller already stored nothing). */
    int (*create_client)(const lcp_elc_env *env, lcp_elc_result *out, const lcp_pb_any *client_state,
                         const lcp_pb_any *consensus_state, char *err);
    /* Verifies client_message (a header or misbehaviour Any) against the stored state of client_id. */
    int (*update_client)(const lcp_elc_env *env, lcp_elc_result *out, const char *client_id,
                         const lcp_pb_any *client_message, int include_state, char *err);
    /* Verifies that path holds value (value == NULL: is absent) under prefix at proof_height. */
    int (*verify_membership)(const lcp_elc_env *env, lcp_elc_result *out, const char *client_id,
                             const uint8_t *prefix, size_t prefix_len, const char *path, const uint8_t *value,
                             size_t value_len, int has_value, const lcp_height *proof_height, const uint8_t *proof,
                             size_t proof_len, char *err);
    /* The height of the client's latest consensus state. */
    int (*latest_height)(const lcp_elc_env *env, lcp_height *out, const char *client_id, char *err);
} lcp_elc_ops;

/* The light clients of the release enclave (07-tendermint), NULL-terminated. An enclave looks clients up only in
 * the list it was built with; the mock light client exists only in the test enclave (src/elc/elc_mock.h). */
extern const lcp_elc_ops *const lcp_elc_release[];
/* The light client of clients (NULL-terminated) registered for type_url, or NULL. */
const lcp_elc_ops *lcp_elc_find(const lcp_elc_ops *const *clients, const lcp_bytes *type_url);
/* The light client of clients whose client_type is name, or NULL. */
const lcp_elc_ops *lcp_elc_find_type(const lcp_elc_ops *const *clients, const char *name);

/* ---- helpers for light clients ---- */
/* "clients/<id>/clientState" etc. into out (cap >= 256). */
int lcp_elc_key_client_state(char *out, size_t cap, const char *client_id);
int lcp_elc_key_client_type(char *out, size_t cap, const char *client_id);
int lcp_elc_key_consensus_state(char *out, size_t cap, const char *client_id, const lcp_height *h);
/* Encodes Any{type_url, value} into out (appending). */
int lcp_elc_put_any(lcp_buf *out, const char *type_url, const uint8_t *value, size_t len);
/* Encodes Any{type_url, the message fn writes for m} into out (appending): the re-encodings light clients hash. */
int lcp_elc_put_any_fn(lcp_buf *out, const char *type_url, lcp_pb_put_fn fn, const void *m);

#ifdef __cplusplus
}
#endif
#endif
