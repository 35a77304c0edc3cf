/* Private to the enclave module. */
#ifndef LCP_ENCLAVE_INTERNAL_H
#define LCP_ENCLAVE_INTERNAL_H

#include "lcp/elc.h"
#include "lcp/enclave.h"
#include "proto/lcp_enclave.pb-c.h"

struct lcp_enclave {
    lcp_tee *tee;
    lcp_enclave_ocall_fn ocall;
    void *ud;
    uint64_t tx_id;   /* of the command in progress */
    uint64_t now_ns;
    const lcp_elc_ops *const *clients; /* the light clients of this build: lcp_elc_release unless a test enclave */
    int test_build;                    /* 1 in the test enclave (src/enclave/bin/test_enclave.c): EnclaveInfo says so */
};

typedef Lcp__Enclave__V1__EcallRequest ecall_req;
typedef Lcp__Enclave__V1__EcallResponse ecall_resp;

/* An lcp_elc_env whose store is the host's, over OCALLs in the current transaction. */
void enclave_env(lcp_enclave *e, lcp_elc_env *env);

/* The enclave key: unseals req's sealed key, checks it is `signer` (20 bytes) and signs keccak256(msg). The secret
 * lives only inside this call. Only a blob sealed under key policy MRENCLAVE alone, by this enclave (its tag binds
 * this enclave's MRENCLAVE), is used: any other policy is LCP_ERR_CRYPTO_KEY before unsealing. */
int enclave_sign(lcp_enclave *e, uint8_t sig[65], const ProtobufCBinaryData *sealed, const ProtobufCBinaryData *signer,
                 const uint8_t *msg, size_t msg_len, char *err);
int enclave_generate_key(lcp_enclave *e, const Lcp__Enclave__V1__GenerateEnclaveKey *in,
                         Lcp__Enclave__V1__GenerateEnclaveKeyResult *out, char *err);

/* Where handlers put their results: the response points into it, and everything is released (secrets wiped)
 * after the response is packed. */
typedef struct {
    lcp_elc_result res;
    uint8_t sig[65];
    Lcp__Enclave__V1__CommitmentProof proof;
    Lcp__Enclave__V1__InitClientResult init;
    char client_id[96];
    Lcp__Enclave__V1__QueryClientResult query;
    Lcp__Enclave__V1__Any cs_any, cons_any;
    lcp_buf cs_buf, cons_buf;
    char cs_url[256], cons_url[256];
    lcp_buf agg;
    Lcp__Enclave__V1__QuoteEnclaveKeyResult quote; /* QuoteEnclaveKey: its bytes are quote_buf's */
    lcp_buf quote_buf;
} enclave_out;

void enclave_out_free(enclave_out *o);

/* Light-client commands, one per LCP_ECALL entry of lcp/ecalls.def (enclave_init_client, enclave_update_client,
 * enclave_aggregate, enclave_verify, enclave_query_client); each points resp's result into o on success. */
#define LCP_ECALL(id, label, writes, measured, fn) \
    int fn(lcp_enclave *e, const ecall_req *req, ecall_resp *resp, enclave_out *o, char *err);
#include "lcp/ecalls.def"
#undef LCP_ECALL

#endif
