/* The store OCALLs of one ECALL (host_frames.h lcp_host_serve_ocall): one dispatcher for the executor's two
 * policies (exec.c), which differ only in where keys live (the transaction, or an overlay over a snapshot). */
#include <string.h>

#include "host_frames.h"
#include "lcp/host_store.h"

static int check_key(const ProtobufCBinaryData *k, size_t max, char *err)
{
    /* Refused here, where the enclave sees the failure, rather than by LMDB at commit. */
    if (k->len == 0 || k->len > max) return lcp_fail(err, LCP_ERR_HOST_STORE_KEY, "store key of %zu bytes", k->len);
    return LCP_OK;
}

int lcp_host_serve_ocall(const lcp_host_kv *kv, void *ud, uint64_t tx_id, size_t max_key_len,
                         const Lcp__Enclave__V1__OcallRequest *req, Lcp__Enclave__V1__OcallResponse *resp,
                         lcp_buf *scratch, int *failed)
{
    char err[LCP_ERR_LEN] = "";
    int rc = LCP_OK;
    if (req->tx_id != tx_id) {
        rc = lcp_fail(err, LCP_ERR_PROTO, "OCALL for transaction %llu during %llu", (unsigned long long)req->tx_id,
                      (unsigned long long)tx_id);
    } else if (req->command_case == LCP__ENCLAVE__V1__OCALL_REQUEST__COMMAND_GET) {
        lcp_bytes v = {NULL, 0};
        int found = 0;
        rc = kv->get(ud, (lcp_bytes){req->get->key.data, req->get->key.len}, &v, &found, err);
        if (rc == LCP_OK && found) {
            /* The value may be a view that the next write invalidates: copied out for the response. */
            scratch->len = 0;
            if ((rc = lcp_buf_append(scratch, v.ptr ? v.ptr : (const uint8_t *)"", v.len)) == LCP_OK) {
                resp->value.data = scratch->data;
                resp->value.len = v.len;
            }
        }
        resp->found = found;
    } else if (req->command_case == LCP__ENCLAVE__V1__OCALL_REQUEST__COMMAND_SET) {
        if ((rc = check_key(&req->set->key, max_key_len, err)) == LCP_OK)
            rc = kv->put(ud, (lcp_bytes){req->set->key.data, req->set->key.len},
                         (lcp_bytes){req->set->value.data, req->set->value.len}, err);
    } else if (req->command_case == LCP__ENCLAVE__V1__OCALL_REQUEST__COMMAND_REMOVE) {
        if ((rc = check_key(&req->remove->key, max_key_len, err)) == LCP_OK)
            rc = kv->del(ud, (lcp_bytes){req->remove->key.data, req->remove->key.len}, err);
    } else if (req->command_case == LCP__ENCLAVE__V1__OCALL_REQUEST__COMMAND_LOG) {
        lcp_log((int)req->log->level, "enclave: %s", req->log->message ? req->log->message : "");
    } else {
        rc = lcp_fail(err, LCP_ERR_PROTO, "unknown OCALL");
    }
    if (rc != LCP_OK) {
        /* Whatever the enclave answers now, this transaction must not be committed. The reason must outlive this
         * call until the response is packed: it goes in the scratch buffer. */
        *failed = 1;
        resp->code = rc;
        scratch->len = 0;
        if (!err[0]) lcp_fail(err, rc, NULL);
        resp->error = lcp_buf_append(scratch, err, strlen(err) + 1) == LCP_OK ? (char *)scratch->data : "store failure";
        resp->found = 0;
        resp->value.len = 0;
    }
    return LCP_OK;
}
