#include "lcfix.h"

#include <stdio.h>
#include <string.h>

#include "lcp/attestation_ias.h"
#include "lcp/codec_pb.h"
#include "lcp/commitment.h"
#include "lcp/crypto.h"

#define DIR "lcp/lcp-solidity/client/"

void lcfix_open(lcfix_client *c, const char *dir)
{
    memset(c, 0, sizeof *c);
    c->mem = lcp_lc_memstore_new();
    assert_non_null(c->mem);
    c->root = tu_read(strcmp(dir, "01") == 0 ? "lcp/lcp-solidity/certs/Intel_SGX_Attestation_RootCA.der"
                                             : "lcp/lcp-solidity/certs/simulation_rootca.der",
                      &c->root_len);
    lcp_lc_config cfg = {0};
    cfg.store = lcp_lc_memstore_iface(c->mem);
    cfg.ias_root_der = c->root;
    cfg.ias_root_der_len = c->root_len;
    cfg.development_mode = 1;
    lcp_eip712_domain_cosmos(cfg.operators_domain, "ibc0", 4, (const uint8_t *)"ibc", 3);
    c->lc_mem = lcp_malloc(lcp_lc_size());
    assert_non_null(c->lc_mem);
    assert_int_equal(lcp_lc_init(&c->lc, c->lc_mem, lcp_lc_size(), &cfg), LCP_OK);
}

void lcfix_close(lcfix_client *c)
{
    lcp_lc_memstore_free(c->mem);
    lcp_free(c->lc_mem);
    lcp_free(c->root);
}

static uint8_t mrenclave_of(const char *dir, uint8_t out[32])
{
    char rel[256];
    snprintf(rel, sizeof rel, DIR "%s/001-avr", dir);
    cJSON *j = tu_json(rel);
    size_t n;
    uint8_t *m = tu_b64_field(j, "mrenclave", &n);
    assert_int_equal(n, 32);
    memcpy(out, m, 32);
    lcp_free(m);
    cJSON_Delete(j);
    return 0;
}

static void put_strs(lcp_pb_writer *w, uint32_t field, const char *const *list)
{
    for (; list && *list; list++) lcp_pb_put_bytes(w, field, *list, strlen(*list));
}

size_t lcfix_client_state(uint8_t *out, size_t cap, const char *dir, uint64_t key_expiration,
                          const char *const *statuses, const char *const *advisories, const uint8_t (*operators)[20],
                          size_t nops, uint64_t num, uint64_t den)
{
    uint8_t mr[32];
    mrenclave_of(dir, mr);
    lcp_pb_writer w;
    lcp_pb_writer_init(&w, out, cap);
    lcp_pb_put_bytes(&w, 1, mr, 32);
    lcp_pb_put_uint_opt(&w, 2, key_expiration);
    lcp_pb_put_message(&w, 4, NULL, 0); /* latest_height: zero */
    put_strs(&w, 5, statuses);
    put_strs(&w, 6, advisories);
    for (size_t i = 0; i < nops; i++) lcp_pb_put_bytes(&w, 7, operators[i], 20);
    lcp_pb_put_uint_opt(&w, 9, num);
    lcp_pb_put_uint_opt(&w, 10, den);
    assert_int_equal(lcp_pb_writer_status(&w), LCP_OK);
    return w.len;
}

static const char *const STATUSES[] = {"GROUP_OUT_OF_DATE", NULL};
static const char *const ADVISORIES[] = {"INTEL-SA-00219", "INTEL-SA-00289", "INTEL-SA-00334", "INTEL-SA-00477",
                                         "INTEL-SA-00614", "INTEL-SA-00615", "INTEL-SA-00617", "INTEL-SA-00828",
                                         NULL};

int lcfix_create(lcfix_client *c, const char *client_id, const char *dir, const uint8_t (*operators)[20], size_t nops,
                 uint64_t num, uint64_t den, char *err)
{
    uint8_t cs[2048];
    size_t n = lcfix_client_state(cs, sizeof cs, dir, 60 * 86400, STATUSES, ADVISORIES, operators, nops, num, den);
    return lcp_lc_create_client(c->lc, client_id, cs, n, NULL, 0, err);
}

uint8_t *lcfix_register_msg(const char *dir, int n, const uint8_t *op_sk, size_t *len)
{
    char rel[256];
    snprintf(rel, sizeof rel, DIR "%s/%03d-avr", dir, n);
    size_t jl;
    uint8_t *j = tu_read(rel, &jl);
    lcp_ias_signed_report sr;
    char err[LCP_ERR_LEN] = "";
    if (lcp_ias_signed_report_from_json(&sr, j, jl, err) != LCP_OK) fail_msg("%s: %s", rel, err);
    lcp_free(j);
    uint8_t opsig[65];
    size_t opsig_len = 0;
    if (op_sk) {
        uint8_t digest[32];
        lcp_eip712_register_enclave_key(digest, sr.avr, sr.avr_len);
        assert_int_equal(lcp_secp256k1_sign(opsig, op_sk, digest), LCP_OK);
        opsig[64] += 27; /* as a wallet sends it */
        opsig_len = 65;
    }
    size_t need;
    assert_int_equal(lcp_lc_encode_register_enclave_key(NULL, 0, &need, sr.avr, sr.avr_len, sr.signature,
                                                        sr.signature_len, sr.signing_cert, sr.signing_cert_len, opsig,
                                                        opsig_len),
                     LCP_OK);
    uint8_t *out = lcp_malloc(need);
    assert_int_equal(lcp_lc_encode_register_enclave_key(out, need, len, sr.avr, sr.avr_len, sr.signature,
                                                        sr.signature_len, sr.signing_cert, sr.signing_cert_len, opsig,
                                                        opsig_len),
                     LCP_OK);
    lcp_ias_signed_report_free(&sr);
    return out;
}

void lcfix_report_key(const char *dir, int n, uint8_t key[20])
{
    char rel[256];
    snprintf(rel, sizeof rel, DIR "%s/%03d-avr", dir, n);
    cJSON *j = tu_json(rel);
    size_t l;
    uint8_t *k = tu_b64_field(j, "enclave_key", &l);
    assert_int_equal(l, 20);
    memcpy(key, k, 20);
    lcp_free(k);
    cJSON_Delete(j);
}

void lcfix_result(const char *dir, const char *name, uint8_t **msg, size_t *msg_len, uint8_t **sig, size_t *sig_len)
{
    char rel[256];
    snprintf(rel, sizeof rel, DIR "%s/%s_result", dir, name);
    cJSON *j = tu_json(rel);
    const cJSON *proof = cJSON_GetObjectItemCaseSensitive(j, "proof");
    const cJSON *o = proof ? proof : j;
    *msg = tu_b64_field(o, "message", msg_len);
    *sig = tu_b64_field(o, "signature", sig_len);
    cJSON_Delete(j);
}

int64_t lcfix_now(const char *dir, const char *name, int64_t fallback)
{
    char rel[256];
    snprintf(rel, sizeof rel, DIR "%s/%s_input", dir, name);
    cJSON *j = tu_json(rel);
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(j, "current_timestamp");
    int64_t now = cJSON_IsNumber(t) ? (int64_t)t->valuedouble : fallback;
    cJSON_Delete(j);
    return now;
}

uint8_t *lcfix_update_msg(const uint8_t *msg, size_t msg_len, const lcp_bytes *sigs, size_t n, size_t *len)
{
    size_t need;
    assert_int_equal(lcp_lc_encode_update_client(NULL, 0, &need, msg, msg_len, sigs, n), LCP_OK);
    uint8_t *out = lcp_malloc(need ? need : 1);
    assert_int_equal(lcp_lc_encode_update_client(out, need, len, msg, msg_len, sigs, n), LCP_OK);
    return out;
}

uint8_t *lcfix_proofs(const uint8_t *msg, size_t msg_len, const lcp_bytes *sigs, size_t n, size_t *len)
{
    size_t need;
    assert_int_equal(lcp_commitment_proofs_encode(NULL, 0, &need, msg, msg_len, sigs, n), LCP_OK);
    uint8_t *out = lcp_malloc(need);
    assert_int_equal(lcp_commitment_proofs_encode(out, need, len, msg, msg_len, sigs, n), LCP_OK);
    return out;
}
