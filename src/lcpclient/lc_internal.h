/* Private to lcpclient: the context layout and store helpers. */
#ifndef LCP_LC_INTERNAL_H
#define LCP_LC_INTERNAL_H

#include "lcp/attestation_dcap.h"
#include "lcp/lcpclient.h"

#define LC_KEY_LEN 512

struct lcp_lc {
    lcp_lc_config cfg;
    uint8_t cs_buf[LCP_LC_MAX_STATE_LEN]; /* encoded client state the views of `cs` point into */
    size_t cs_len;
    lcp_lc_client_state cs;
    uint8_t out_buf[LCP_LC_MAX_STATE_LEN]; /* re-encoded client state before it is stored */
    char key[LC_KEY_LEN];
    /* DCAP registration (register_dcap.c): the unescaped collateral and the verification result. */
    uint8_t dcap_storage[LCP_LC_MAX_DCAP_COLLATERAL_LEN + 1];
    lcp_dcap_result dcap_res;
};

/* Loads client_id's state into ctx->cs (LCP_ERR_LC_CLIENT_STATE_NOT_FOUND when absent). */
int lc_load_client(lcp_lc *ctx, const char *client_id, char *err);
/* Encodes cs and stores it as client_id's client state. */
int lc_store_client(lcp_lc *ctx, const char *client_id, const lcp_lc_client_state *cs, char *err);
int lc_load_consensus(lcp_lc *ctx, lcp_lc_consensus_state *out, int *found, const char *client_id,
                      const lcp_height *h, char *err);
int lc_store_consensus(lcp_lc *ctx, const char *client_id, const lcp_height *h, const lcp_lc_consensus_state *cs,
                       char *err);
int lc_load_key(lcp_lc *ctx, lcp_lc_enclave_key *out, int *found, const char *client_id, const uint8_t key[20],
                char *err);
int lc_store_key(lcp_lc *ctx, const char *client_id, const uint8_t key[20], const lcp_lc_enclave_key *info,
                 char *err);
/* Checks the enclave-key signatures over message (spec §6.5 VerifySignatures) against ctx->cs's operators. */
int lc_verify_signatures(lcp_lc *ctx, const char *client_id, const uint8_t *message, size_t message_len,
                         const lcp_bytes *sigs, size_t nsigs, int64_t now, char *err);
/* Threshold rule shared by updates and operator changes. */
int lc_threshold_met(const lcp_lc_client_state *cs, size_t success);
/* Operators: 20-byte, non-zero, strictly ascending; with operators, 0 < num <= den. */
int lc_check_operators(const lcp_bytes *ops, size_t n, uint64_t num, uint64_t den, char *err);
/* 1 if list[0..n) holds s[0..len). */
int lc_listed(const lcp_bytes *list, size_t n, const void *s, size_t len);
/* A registration's operator (spec §6.3): recovered from sig over digest (zero when sig is empty), equal to the
 * operator the evidence names if it names one (non-zero named), and one of the client's operators if it has any.
 * evidence: "report" or "quote", for the messages; failures are `code`. */
int lc_registration_operator(uint8_t op[20], const lcp_lc_client_state *cs, const uint8_t digest[32], lcp_bytes sig,
                             const uint8_t named[20], const char *evidence, int code, char *err);
/* A key registered before may be registered again only unchanged (Solidity): same operator, same expiry.
 * Out: *found. */
int lc_check_reregistration(lcp_lc *ctx, int *found, const char *client_id, const uint8_t key[20],
                            const lcp_lc_enclave_key *info, char *err);

/* Most signatures an update or operator change may carry (one per operator). */
#define LC_MAX_SIGS LCP_LC_MAX_OPERATORS

#endif
