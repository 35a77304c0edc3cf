#include "simfix.h"

#include <ftw.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lcp/crypto.h"
#include "lcp/tee_sim.h"

void simfix_tcb(simfix *f, lcp_sim_tcb *tcb)
{
    lcp_tee_sim_platform p;
    char err[LCP_ERR_LEN] = "";
    if (lcp_tee_sim_load(&p, f->platform, err) != LCP_OK) fail_msg("platform: %s", err);
    memcpy(tcb->platform_id, p.platform_id, 16);
    memcpy(tcb->cpusvn, p.cpusvn, 16);
    tcb->pcesvn = p.pcesvn;
    lcp_tee_sim_platform_wipe(&p);
}

void simfix_open(simfix *f, int64_t now)
{
    memset(f, 0, sizeof *f);
    tu_tmpdir(f->tmp, sizeof f->tmp, "simdcap");
    snprintf(f->platform, sizeof f->platform, "%s/platform", f->tmp);
    lcp_tee_sim_platform p;
    static const uint8_t cpusvn[16] = LCP_TEE_SIM_DEFAULT_CPUSVN;
    memset(&p, 0, sizeof p);
    /* A random fuse secret: two fixtures are two CPUs. */
    assert_int_equal(lcp_random(p.fuse_secret, sizeof p.fuse_secret), LCP_OK);
    for (int i = 0; i < 16; i++) p.platform_id[i] = (uint8_t)(0xc0 + i);
    memcpy(p.cpusvn, cpusvn, 16);
    p.pcesvn = 13;
    char err[LCP_ERR_LEN] = "";
    if (lcp_tee_sim_create(f->platform, &p, 0, err) != LCP_OK) fail_msg("sim platform: %s", err);
    lcp_sim_tcb tcb;
    simfix_tcb(f, &tcb);
    if (lcp_sim_issuer_create(f->platform, &tcb, now, err) != LCP_OK) fail_msg("issuer: %s", err);
    if (lcp_sim_issuer_certify_platform(f->platform, &tcb, now, err) != LCP_OK) fail_msg("certify: %s", err);
    if (lcp_sim_issuer_root(&f->root, &f->root_len, f->platform, err) != LCP_OK) fail_msg("root: %s", err);
}

void simfix_close(simfix *f)
{
    lcp_free(f->root);
    tu_rmtree(f->tmp);
}

lcp_tee_identity simfix_identity(int debug)
{
    lcp_tee_identity id;
    memset(&id, 0, sizeof id);
    memset(id.mrenclave, 0x11, 32);
    memset(id.mrsigner, 0x22, 32);
    id.isv_prod_id = 1;
    id.isv_svn = 2;
    id.flags = LCP_SGX_FLAGS_INIT | LCP_SGX_FLAGS_MODE64BIT | (debug ? LCP_SGX_FLAGS_DEBUG : 0);
    id.xfrm = 3;
    return id;
}

void simfix_report(simfix *f, uint8_t out[432], const lcp_tee_identity *id, const uint8_t rd[64])
{
    lcp_tee_options o;
    memset(&o, 0, sizeof o);
    o.backend = "sim";
    o.sim_platform = f->platform;
    o.identity = id;
    lcp_tee *t = NULL;
    char err[LCP_ERR_LEN] = "";
    if (lcp_tee_open(&t, &o, err) != LCP_OK) fail_msg("tee: %s", err);
    if (lcp_tee_report(t, out, NULL, rd, err) != LCP_OK) fail_msg("report: %s", err);
    lcp_tee_close(t);
}

/* What the sim QE runs before quoting: the report's MAC under this platform's report key (all-zero target). */
int simfix_check_report(void *ctx, lcp_sgx_report_body *body, const uint8_t *report, size_t len, char *err)
{
    simfix *f = ctx;
    lcp_tee_sim_platform p;
    if (len != LCP_TEE_REPORT_LEN) return lcp_fail(err, LCP_ERR_ATTESTATION_REPORT, "bad report length");
    int rc = lcp_tee_sim_load(&p, f->platform, err);
    if (rc == LCP_OK) rc = lcp_tee_sim_verify_report(body, &p, report, NULL, err);
    lcp_tee_sim_platform_wipe(&p);
    return rc;
}

void simfix_quote_report(simfix *f, lcp_buf *quote, const uint8_t report[432])
{
    lcp_sim_qe *qe = NULL;
    char err[LCP_ERR_LEN] = "";
    if (lcp_sim_qe_open(&qe, f->platform, err) != LCP_OK) fail_msg("QE: %s", err);
    lcp_buf_free(quote);
    if (lcp_sim_qe_quote(qe, quote, report, 432, simfix_check_report, f, err) != LCP_OK) fail_msg("quote: %s", err);
    lcp_sim_qe_close(qe);
}

void simfix_quote(simfix *f, lcp_buf *quote, const lcp_tee_identity *id, const uint8_t rd[64])
{
    uint8_t report[432];
    simfix_report(f, report, id, rd);
    simfix_quote_report(f, quote, report);
}

void simfix_report_data(uint8_t rd[64], const uint8_t key[20], const uint8_t *operator_addr)
{
    lcp_report_data r;
    memset(&r, 0, sizeof r);
    memcpy(r.enclave_key, key, 20);
    if (operator_addr) memcpy(r.operator_addr, operator_addr, 20);
    lcp_report_data_write(rd, &r);
}

uint8_t *simfix_collateral_json(simfix *f, uint32_t eval, size_t *len)
{
    uint8_t *json = NULL;
    char err[LCP_ERR_LEN] = "";
    if (lcp_sim_issuer_collateral(&json, len, f->platform, eval, err) != LCP_OK) fail_msg("collateral: %s", err);
    return json;
}

uint8_t *simfix_collateral(simfix *f, lcp_dcap_collateral *c, uint32_t eval)
{
    size_t len;
    uint8_t *json = simfix_collateral_json(f, eval, &len);
    size_t cap = lcp_dcap_collateral_json_storage_len(len);
    uint8_t *storage = lcp_malloc(cap);
    assert_non_null(storage);
    char err[LCP_ERR_LEN] = "";
    if (lcp_dcap_collateral_from_json(c, storage, cap, json, len, err) != LCP_OK) fail_msg("collateral: %s", err);
    /* The views point into storage only (strings are unescaped into it). */
    lcp_free(json);
    return storage;
}

void simfix_microcode_update(simfix *f, int64_t now)
{
    char err[LCP_ERR_LEN] = "";
    if (lcp_tee_sim_microcode_update(NULL, NULL, f->platform, err) != LCP_OK) fail_msg("microcode: %s", err);
    lcp_sim_tcb tcb;
    simfix_tcb(f, &tcb);
    if (lcp_sim_issuer_certify_platform(f->platform, &tcb, now, err) != LCP_OK) fail_msg("certify: %s", err);
}

EVP_PKEY *simfix_issuer_key(const simfix *f, const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/issuer/%s", f->platform, name);
    FILE *fp = fopen(path, "r");
    assert_non_null(fp);
    EVP_PKEY *k = PEM_read_PrivateKey(fp, NULL, NULL, NULL);
    fclose(fp);
    assert_non_null(k);
    return k;
}
