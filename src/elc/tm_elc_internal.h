/* Private to the 07-tendermint light client (src/elc/tendermint.c, src/elc/tm_elc_*.c): its states as LCP's
 * enclave (ibc-rs 0.29 domain types, prost encodings) reads, re-encodes and hashes them. */
#ifndef LCP_ELC_TM_ELC_INTERNAL_H
#define LCP_ELC_TM_ELC_INTERNAL_H

#include "lcp/elc.h"
#include "lcp/elc_ics23.h"
#include "lcp/elc_tendermint.h"

#define TM_T_CS "/ibc.lightclients.tendermint.v1.ClientState"
#define TM_T_CONS "/ibc.lightclients.tendermint.v1.ConsensusState"
#define TM_T_HEADER "/ibc.lightclients.tendermint.v1.Header"
#define TM_T_MISB "/ibc.lightclients.tendermint.v1.Misbehaviour"

/* Decodes an Any holding a Tendermint ClientState and applies ibc-rs's acceptance rules (required fields present,
 * ClientState.Validate). out borrows any's bytes. */
int tm_elc_client_state(lcp_tm_client_state *out, const lcp_pb_any *any, char *err);
/* The same for a ConsensusState: timestamp and root present, next_validators_hash empty or 32 bytes. */
int tm_elc_consensus_state(lcp_tm_consensus_state *out, const lcp_pb_any *any, char *err);

/* ibc-rs's is_frozen: a frozen height that is a valid ibc Height (revision_height != 0). */
int tm_elc_is_frozen(const lcp_tm_client_state *cs);

/* Appends the Any of cs as ibc-rs re-encodes it (prost, ibc-rs 0.29 / ics23 0.9 field set, plus ProofSpec field 5,
 * which this client reads: see tm_elc_state.c). canonical: LCP's
 * canonicalize_state (latest height (revision, 0), frozen height none). Otherwise frozen_height is written as the
 * given height when frozen and as an empty Height when not, exactly as ibc-rs does. */
int tm_elc_encode_client_state(lcp_buf *out, const lcp_tm_client_state *cs, int canonical);
/* Appends the Any of ConsensusState{timestamp, MerkleRoot{root}, next_validators_hash}. */
int tm_elc_encode_consensus_state(lcp_buf *out, lcp_tm_time timestamp, lcp_bytes root, lcp_bytes next_validators_hash);

/* LCP's gen_state_id(canonicalize_state(cs), cons): both re-encoded first. */
int tm_elc_state_id(uint8_t id[LCP_STATE_ID_LEN], const lcp_tm_client_state *cs, const lcp_tm_consensus_state *cons);

/* Reads client_id's client state (into raw, which out borrows) from the store. */
int tm_elc_load_client(const lcp_elc_env *env, const char *client_id, lcp_buf *raw, lcp_tm_client_state *out, char *err);
/* Reads the consensus state at h (into raw, which out borrows). LCP_ERR_ELC_CLIENT_NOT_FOUND when absent. */
int tm_elc_load_consensus(const lcp_elc_env *env, const char *client_id, const lcp_tm_height *h, lcp_buf *raw,
                          lcp_tm_consensus_state *out, char *err);

/* 1 if a proof spec of cs hashes keys (leaf prehash_key other than NO_HASH, or prehash_key_before_comparison
 * set): such a client never proves non-membership (lcp/elc_tendermint.h). Specs that do not decode count as
 * hashing keys. */
int tm_elc_specs_hash_keys(const lcp_tm_client_state *cs);

/* Encodes m into out (appending). */
int tm_elc_encode_msg(lcp_buf *out, const lcp_proxy_msg *m);
/* Unix nanoseconds of a Timestamp / a Duration, as LCP's commitments carry them. */
int tm_elc_time_ns(lcp_u128 *ns, lcp_tm_time t, char *err);
lcp_u128 tm_elc_duration_ns(lcp_tm_duration d);

#endif
