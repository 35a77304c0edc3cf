/* e2efix: see e2efix.h. */
#include "e2efix.h"

#include <string.h>

#include "lcp/attestation_ias_sim.h"
#include "lcp/commitment.h"
#include "lcp/host_keystore.h"
#include "lcp/host_store.h"

void e2efix_register(lcp_host *h, const uint8_t addr[20], lcfix_client *c, int64_t now)
{
    char err[LCP_ERR_LEN] = "";
    lcp_store_txn *t;
    lcp_keystore_entry k;
    assert_int_equal(lcp_store_begin(lcp_host_store(h), &t, 1, err), LCP_OK);
    assert_int_equal(lcp_keystore_get(t, &k, addr, err), LCP_OK);
    lcp_ias_sim_params p;
    memset(&p, 0, sizeof p);
    assert_int_equal(lcp_sgx_report_body_parse(&p.body, k.report.ptr, 384, err), LCP_OK);
    p.status = "OK";
    p.timestamp = now - 60;
    size_t kl, cert_len;
    uint8_t *key = tu_read("lcp/lcp/tests/certs/signing.key", &kl);
    lcp_buf avr = {0}, sig = {0};
    assert_int_equal(lcp_ias_sim_report(&avr, &sig, &p, key, kl, err), LCP_OK);
    lcp_free(key);
    assert_int_equal(lcp_keystore_record_attestation(t, addr, LCP_RA_TYPE_IAS, avr.data, avr.len, (uint64_t)now - 60,
                                                     (uint64_t)now - 60 + 30 * 86400, err),
                     LCP_OK);
    assert_int_equal(lcp_store_commit(t, err), LCP_OK);
    Lcp__Enclave__V1__EcallResponse *info;
    assert_int_equal(lcp_host_enclave_info(h, &info, err), LCP_OK);
    uint8_t mrenclave[32];
    memcpy(mrenclave, info->enclave_info->mrenclave.data, 32);
    lcp__enclave__v1__ecall_response__free_unpacked(info, NULL);

    lcfix_open(c, "02"); /* the simulation IAS root */
    lcp_lc_client_state cs;
    memset(&cs, 0, sizeof cs);
    cs.mrenclave = (lcp_bytes){mrenclave, 32};
    cs.key_expiration = 3600;
    uint8_t csb[256], msg[8192];
    size_t n;
    assert_int_equal(lcp_lc_client_state_encode(csb, sizeof csb, &n, &cs), LCP_OK);
    assert_int_equal(lcp_lc_create_client(c->lc, "lcp-0", csb, n, NULL, 0, err), LCP_OK);
    uint8_t *cert = tu_read("lcp/lcp-solidity/certs/simulation_signing.der", &cert_len);
    assert_int_equal(lcp_lc_encode_register_enclave_key(msg, sizeof msg, &n, avr.data, avr.len, sig.data, sig.len, cert,
                                                        cert_len, NULL, 0),
                     LCP_OK);
    if (lcp_lc_register_enclave_key(c->lc, NULL, NULL, "lcp-0", msg, n, now, err) != LCP_OK)
        fail_msg("register: %s", err);
    lcp_free(cert);
    lcp_buf_free(&avr);
    lcp_buf_free(&sig);
}

static void check_signer(const uint8_t addr[20], const uint8_t *msg, size_t msg_len, const uint8_t *sig,
                         size_t sig_len)
{
    uint8_t who[20];
    assert_int_equal(lcp_commitment_recover_signer(who, msg, msg_len, sig, sig_len, NULL), LCP_OK);
    assert_memory_equal(who, addr, 20);
}

int e2efix_lc_update(lcfix_client *c, const uint8_t addr[20], const uint8_t *msg, size_t msg_len, const uint8_t *sig,
                     size_t sig_len, int64_t now, lcp_lc_update_result *res)
{
    check_signer(addr, msg, msg_len, sig, sig_len);
    lcp_bytes s = {sig, sig_len};
    size_t len;
    uint8_t *um = lcfix_update_msg(msg, msg_len, &s, 1, &len);
    char err[LCP_ERR_LEN] = "";
    lcp_lc_update_result r;
    int rc = lcp_lc_update_client(c->lc, res ? res : &r, "lcp-0", um, len, now, err);
    if (rc != LCP_OK) print_message("LCP client: %s\n", err);
    lcp_free(um);
    return rc;
}

int e2efix_lc_verify(lcfix_client *c, const lcp_height *h, const char *path, const uint8_t *value, size_t value_len,
                     const uint8_t *msg, size_t msg_len, const uint8_t *sig, size_t sig_len, int64_t now)
{
    lcp_bytes s = {sig, sig_len};
    size_t n;
    uint8_t *p = lcfix_proofs(msg, msg_len, &s, 1, &n);
    char err[LCP_ERR_LEN] = "";
    int rc = value ? lcp_lc_verify_membership(c->lc, "lcp-0", h, (const uint8_t *)"ibc", 3, (const uint8_t *)path,
                                              strlen(path), value, value_len, p, n, now, err)
                   : lcp_lc_verify_non_membership(c->lc, "lcp-0", h, (const uint8_t *)"ibc", 3, (const uint8_t *)path,
                                                  strlen(path), p, n, now, err);
    if (rc != LCP_OK) print_message("LCP client: %s\n", err);
    lcp_free(p);
    return rc;
}
