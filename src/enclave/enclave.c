/* ECALL dispatch and the OCALL-backed store of the enclave (lcp/enclave.h). */
#include <string.h>

#include "enclave_internal.h"
#include "lcp/codec_protobuf.h"

int lcp_enclave_new(lcp_enclave **out, lcp_tee *tee, lcp_enclave_ocall_fn ocall, void *ud, char *err)
{
    lcp_enclave *e = lcp_calloc(1, sizeof *e);
    if (e == NULL) return lcp_fail(err, LCP_ERR_NOMEM, "out of memory");
    e->tee = tee;
    e->ocall = ocall;
    e->ud = ud;
    e->clients = lcp_elc_release;
    *out = e;
    return LCP_OK;
}

void lcp_enclave_free(lcp_enclave *e) { lcp_free(e); }

/* ---- the host store, over OCALL ---- */

static int ocall(lcp_enclave *e, Lcp__Enclave__V1__OcallRequest *req, Lcp__Enclave__V1__OcallResponse **resp, char *err)
{
    req->tx_id = e->tx_id;
    size_t n = lcp__enclave__v1__ocall_request__get_packed_size(req);
    lcp_buf in = {0}, out = {0};
    int rc = lcp_buf_reserve(&in, n);
    if (rc != LCP_OK) return lcp_fail(err, rc, "out of memory");
    in.len = lcp__enclave__v1__ocall_request__pack(req, in.data);
    rc = e->ocall(e->ud, in.data, in.len, &out, err);
    lcp_buf_free(&in);
    if (rc == LCP_OK) {
        *resp = lcp__enclave__v1__ocall_response__unpack(lcp_pb_allocator(), out.len, out.data);
        if (*resp == NULL) rc = lcp_fail(err, LCP_ERR_PROTO, "malformed OCALL response from the host");
        else if ((*resp)->code != 0) {
            rc = lcp_fail(err, (*resp)->code, "host: %s", (*resp)->error ? (*resp)->error : "OCALL failed");
            lcp__enclave__v1__ocall_response__free_unpacked(*resp, lcp_pb_allocator());
        }
    }
    lcp_buf_free(&out);
    return rc;
}

static int env_get(void *ud, const char *key, lcp_buf *out, int *found, char *err)
{
    Lcp__Enclave__V1__OcallRequest req = LCP__ENCLAVE__V1__OCALL_REQUEST__INIT;
    Lcp__Enclave__V1__StoreGet get = LCP__ENCLAVE__V1__STORE_GET__INIT;
    Lcp__Enclave__V1__OcallResponse *resp;
    get.key.data = (uint8_t *)key;
    get.key.len = strlen(key);
    req.command_case = LCP__ENCLAVE__V1__OCALL_REQUEST__COMMAND_GET;
    req.get = &get;
    int rc = ocall(ud, &req, &resp, err);
    if (rc != LCP_OK) return rc;
    *found = resp->found;
    if (resp->found) rc = lcp_buf_append(out, resp->value.data, resp->value.len);
    lcp__enclave__v1__ocall_response__free_unpacked(resp, lcp_pb_allocator());
    return rc;
}

static int env_set(void *ud, const char *key, const uint8_t *value, size_t len, char *err)
{
    Lcp__Enclave__V1__OcallRequest req = LCP__ENCLAVE__V1__OCALL_REQUEST__INIT;
    Lcp__Enclave__V1__StoreSet set = LCP__ENCLAVE__V1__STORE_SET__INIT;
    Lcp__Enclave__V1__OcallResponse *resp;
    set.key.data = (uint8_t *)key;
    set.key.len = strlen(key);
    set.value.data = (uint8_t *)value;
    set.value.len = len;
    req.command_case = LCP__ENCLAVE__V1__OCALL_REQUEST__COMMAND_SET;
    req.set = &set;
    int rc = ocall(ud, &req, &resp, err);
    if (rc == LCP_OK) lcp__enclave__v1__ocall_response__free_unpacked(resp, lcp_pb_allocator());
    return rc;
}

void enclave_env(lcp_enclave *e, lcp_elc_env *env)
{
    env->get = env_get;
    env->set = env_set;
    env->ud = e;
    env->now_ns = e->now_ns;
}

/* ---- commands that need no light client ---- */

static int enclave_info(lcp_enclave *e, ecall_resp *resp, Lcp__Enclave__V1__EnclaveInfoResult *r, lcp_tee_identity *id)
{
    int rc = lcp_tee_identity_get(e->tee, id);
    if (rc != LCP_OK) return rc;
    lcp__enclave__v1__enclave_info_result__init(r);
    r->mrenclave.data = id->mrenclave;
    r->mrenclave.len = 32;
    r->mrsigner.data = id->mrsigner;
    r->mrsigner.len = 32;
    r->isv_prod_id = id->isv_prod_id;
    r->isv_svn = id->isv_svn;
    r->debug = id->debug;
    r->backend = (char *)id->backend;
    r->cpusvn.data = id->cpusvn;
    r->cpusvn.len = 16;
    r->test_enclave = e->test_build;
    resp->result_case = LCP__ENCLAVE__V1__ECALL_RESPONSE__RESULT_ENCLAVE_INFO;
    resp->enclave_info = r;
    return LCP_OK;
}

int lcp_enclave_ecall(lcp_enclave *e, const uint8_t *req_bytes, size_t len, lcp_buf *out)
{
    char err[LCP_ERR_LEN] = "";
    ecall_resp resp = LCP__ENCLAVE__V1__ECALL_RESPONSE__INIT;
    enclave_out o;
    memset(&o, 0, sizeof o);
    Lcp__Enclave__V1__GenerateEnclaveKeyResult gen = LCP__ENCLAVE__V1__GENERATE_ENCLAVE_KEY_RESULT__INIT;
    Lcp__Enclave__V1__EnclaveInfoResult info;
    lcp_tee_identity id;
    int rc;
    ecall_req *req = lcp__enclave__v1__ecall_request__unpack(lcp_pb_allocator(), len, req_bytes);
    if (req == NULL) {
        rc = lcp_fail(err, LCP_ERR_PROTO, "malformed ECALL request");
        goto respond;
    }
    e->tx_id = req->tx_id;
    e->now_ns = req->current_time_ns;
    switch (req->command_case) {
    case LCP__ENCLAVE__V1__ECALL_REQUEST__COMMAND_GENERATE_ENCLAVE_KEY:
        rc = enclave_generate_key(e, req->generate_enclave_key, &gen, err);
        resp.result_case = LCP__ENCLAVE__V1__ECALL_RESPONSE__RESULT_GENERATE_ENCLAVE_KEY;
        resp.generate_enclave_key = &gen;
        break;
    /* The light-client commands, from the one list of ECALLs (lcp/ecalls.def). */
#define LCP_ECALL(id, label, writes, measured, fn) \
    case LCP__ENCLAVE__V1__ECALL_REQUEST__COMMAND_##id: rc = fn(e, req, &resp, &o, err); break;
#include "lcp/ecalls.def"
#undef LCP_ECALL
    case LCP__ENCLAVE__V1__ECALL_REQUEST__COMMAND_ENCLAVE_INFO: rc = enclave_info(e, &resp, &info, &id); break;
    case LCP__ENCLAVE__V1__ECALL_REQUEST__COMMAND_PING: rc = LCP_OK; break;
    default: rc = lcp_fail(err, LCP_ERR_PROTO, "unknown ECALL command %d", (int)req->command_case); break;
    }
respond:
    if (rc != LCP_OK) {
        resp.code = rc;
        resp.error = err[0] ? err : (char *)lcp_strerror(rc);
        resp.result_case = LCP__ENCLAVE__V1__ECALL_RESPONSE__RESULT__NOT_SET;
    }
    size_t n = lcp__enclave__v1__ecall_response__get_packed_size(&resp);
    out->len = 0;
    int brc = lcp_buf_reserve(out, n);
    if (brc == LCP_OK) {
        out->len = lcp__enclave__v1__ecall_response__pack(&resp, out->data);
    }
    /* Release results: none is secret (the sealed key is encrypted; the unsealed one never leaves keys.c, which
     * wipes it). */
    lcp_free(gen.sealed_enclave_key.data);
    lcp_free(gen.report.data);
    lcp_free(gen.pub_key.data);
    lcp_free(gen.address.data);
    enclave_out_free(&o);
    if (req) lcp__enclave__v1__ecall_request__free_unpacked(req, lcp_pb_allocator());
    return brc;
}
