/* e2efix: see e2efix.h. */
#include "e2efix.h"

#include <stdio.h>
#include <stdlib.h>
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
    lcp_host_enclave_identity info;
    assert_int_equal(lcp_host_enclave_info(h, &info, err), LCP_OK);
    uint8_t mrenclave[32];
    memcpy(mrenclave, info.mrenclave, 32);

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

Lcp__Enclave__V1__EcallResponse *e2efix_ecall(lcp_host *h, const uint8_t addr[20], Lcp__Enclave__V1__EcallRequest *req,
                                              uint64_t now_s, int write, int expect)
{
    Lcp__Enclave__V1__EcallResponse *resp = NULL;
    char err[LCP_ERR_LEN] = "";
    req->current_time_ns = now_s * 1000000000ull;
    int rc = lcp_host_run_frame(h, req, addr, write, &resp, err);
    if (rc != expect) fail_msg("expected %s, got %s: %s", lcp_errname(expect), lcp_errname(rc), err);
    return resp;
}

void e2efix_set_any(Lcp__Enclave__V1__Any *a, const char *type_url, const lcp_buf *v)
{
    lcp__enclave__v1__any__init(a);
    a->type_url = (char *)type_url;
    a->value.data = v->data;
    a->value.len = v->len;
}

long e2efix_proc_status(pid_t pid, const char *field)
{
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    FILE *f = fopen(path, "r");
    if (f == NULL) return -1;
    long v = -1;
    size_t fl = strlen(field);
    while (fgets(line, sizeof line, f))
        if (strncmp(line, field, fl) == 0 && line[fl] == ':') v = strtol(line + fl + 1, NULL, 10);
    fclose(f);
    return v;
}

static void *run_service(void *arg)
{
    e2efix_service *sv = arg;
    sv->run_rc = lcp_service_run(sv->s, NULL);
    return NULL;
}

void e2efix_service_start(e2efix_service *sv, const hostfix *fx)
{
    char err[LCP_ERR_LEN] = "";
    lcp_service_options so;
    memset(sv, 0, sizeof *sv);
    memset(&so, 0, sizeof so);
    so.address = "127.0.0.1:0";
    so.threads = 2;
    so.home = fx->home;
    so.sim_platform = fx->platform;
    so.enclave_path = fx->enclave_bin;
    if (lcp_service_new(&sv->s, &so, err) != LCP_OK) fail_msg("service: %s", err);
    char addr[80];
    assert_int_equal(lcp_service_bound_address(sv->s, 0, addr, sizeof addr), LCP_OK);
    assert_int_equal(pthread_create(&sv->th, NULL, run_service, sv), 0);
    assert_non_null(sv->g = grpcc_open(addr));
}

void e2efix_service_with_key(e2efix_service *sv, const hostfix *fx, uint8_t addr[20], lcfix_client *c, int64_t now)
{
    char err[LCP_ERR_LEN] = "";
    lcp_host *h;
    lcp_host_options o = {fx->home, fx->platform, fx->enclave_bin, "sim"};
    if (lcp_host_open(&h, &o, err) != LCP_OK) fail_msg("host: %s", err);
    if (lcp_host_generate_key(h, addr, NULL, err) != LCP_OK) fail_msg("generate-key: %s", err);
    e2efix_register(h, addr, c, now);
    lcp_host_close(h); /* the service opens the store itself: one environment per process at a time */
    e2efix_service_start(sv, fx);
}

void e2efix_service_stop(e2efix_service *sv)
{
    grpcc_close(sv->g);
    lcp_service_stop(sv->s);
    assert_int_equal(pthread_join(sv->th, NULL), 0);
    assert_int_equal(sv->run_rc, LCP_OK);
    lcp_service_free(sv->s);
}
