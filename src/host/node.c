/* The host node (lcp/host.h): store transactions around ECALLs, and the key store around the enclave key. */
#include <string.h>

#include "host_test.h"
#include "lcp/host.h"

struct lcp_host {
    lcp_store *store;
    lcp_host_enclave *enclave;
    uint64_t next_tx;
    lcp_host_ocall_hook hook;
    void *hook_ud;
};

typedef struct {
    lcp_host *h;
    lcp_store_txn *t;
    uint64_t tx_id; /* the ECALL's: an OCALL naming another transaction is refused */
    int failed;     /* an OCALL failed: whatever the enclave answers, nothing is committed */
} run_ctx;

void lcp_host_set_ocall_hook(lcp_host *h, lcp_host_ocall_hook fn, void *ud)
{
    h->hook = fn;
    h->hook_ud = ud;
}

int lcp_host_open(lcp_host **out, const lcp_host_options *opt, char *err)
{
    lcp_host *h = lcp_calloc(1, sizeof *h);
    if (!h) return lcp_fail(err, LCP_ERR_NOMEM, "out of memory");
    int rc = lcp_store_open(&h->store, opt->home, 0, err);
    lcp_host_enclave_options eo = {opt->enclave_path, opt->sim_platform, opt->backend};
    if (rc == LCP_OK) rc = lcp_host_enclave_new(&h->enclave, &eo, err);
    if (rc != LCP_OK) {
        lcp_host_close(h);
        return rc;
    }
    h->next_tx = 1;
    *out = h;
    return LCP_OK;
}

void lcp_host_close(lcp_host *h)
{
    if (!h) return;
    lcp_host_enclave_free(h->enclave);
    lcp_store_close(h->store);
    lcp_free(h);
}

lcp_store *lcp_host_store(lcp_host *h) { return h->store; }
lcp_host_enclave *lcp_host_enclave_handle(lcp_host *h) { return h->enclave; }

/* OCALLs of one ECALL go to its transaction; the enclave's keys are UTF-8 paths in the "elc" database. */
static int kv_get(void *ud, lcp_bytes key, lcp_bytes *val, int *found, char *err)
{
    run_ctx *c = ud;
    return lcp_store_get(c->t, LCP_STORE_DB_ELC, key.ptr, key.len, val, found, err);
}

static int kv_put(void *ud, lcp_bytes key, lcp_bytes val, char *err)
{
    run_ctx *c = ud;
    if (!lcp_store_txn_is_write(c->t)) return lcp_fail(err, LCP_ERR_IO, "a query may not write the store");
    return lcp_store_put(c->t, LCP_STORE_DB_ELC, key.ptr, key.len, val.ptr, val.len, err);
}

static int kv_del(void *ud, lcp_bytes key, char *err)
{
    run_ctx *c = ud;
    if (!lcp_store_txn_is_write(c->t)) return lcp_fail(err, LCP_ERR_IO, "a query may not write the store");
    return lcp_store_del(c->t, LCP_STORE_DB_ELC, key.ptr, key.len, NULL, err);
}

static int ocall(void *ud, const Lcp__Enclave__V1__OcallRequest *req, Lcp__Enclave__V1__OcallResponse *resp,
                 lcp_buf *scratch)
{
    static const lcp_host_kv kv = {kv_get, kv_put, kv_del};
    run_ctx *c = ud;
    if (c->h->hook) c->h->hook(c->h->hook_ud, req);
    return lcp_host_serve_ocall(&kv, c, c->tx_id, lcp_store_max_key_len(c->h->store), req, resp, scratch, &c->failed);
}

static int lookup_sealed(lcp_store_txn *t, const uint8_t *signer, lcp_bytes *sealed, char *err)
{
    lcp_keystore_entry k;
    int rc = lcp_keystore_get(t, &k, signer, err);
    if (rc == LCP_ERR_HOST_KEY_NOT_FOUND) {
        char hex[41];
        lcp_hex_encode(hex, sizeof hex, signer, 20);
        return lcp_fail(err, rc, "sealed_enclave_key_not_found: no enclave key 0x%s in the key store", hex);
    }
    if (rc == LCP_OK) *sealed = k.sealed_key;
    return rc;
}

int lcp_host_run(lcp_host *h, Lcp__Enclave__V1__EcallRequest *req, const uint8_t *signer, int write,
                 Lcp__Enclave__V1__EcallResponse **resp, char *err)
{
    lcp_store_txn *t;
    *resp = NULL;
    int rc = lcp_store_begin(h->store, &t, write, err);
    if (rc != LCP_OK) return rc;
    req->tx_id = h->next_tx++;
    if (req->current_time_ns == 0) req->current_time_ns = lcp_time_now_ns();
    lcp_bytes sealed = {NULL, 0};
    if (signer && (rc = lookup_sealed(t, signer, &sealed, err)) != LCP_OK) {
        lcp_store_abort(t);
        return rc;
    }
    /* protobuf-c's binary type is {len, data}, not our {ptr, len}: copy field by field. */
    req->sealed_enclave_key.data = (uint8_t *)sealed.ptr;
    req->sealed_enclave_key.len = sealed.len;
    run_ctx ctx = {h, t, req->tx_id, 0};
    rc = lcp_host_ecall(h->enclave, req, ocall, &ctx, resp, err);
    req->sealed_enclave_key.data = NULL;
    req->sealed_enclave_key.len = 0;
    if (rc == LCP_OK && (*resp)->code != 0)
        rc = lcp_fail(err, (*resp)->code, "enclave: %s", (*resp)->error ? (*resp)->error : lcp_strerror((*resp)->code));
    /* A write the store refused must not be committed with the rest, even if the enclave went on (the service's
     * executor has the same rule). */
    else if (rc == LCP_OK && ctx.failed)
        rc = lcp_fail(err, LCP_ERR_HOST_STORE, "the enclave succeeded although a store OCALL failed");
    if (rc == LCP_OK && write) return lcp_store_commit(t, err);
    lcp_store_abort(t);
    return rc;
}

int lcp_host_enclave_info(lcp_host *h, Lcp__Enclave__V1__EcallResponse **resp, char *err)
{
    Lcp__Enclave__V1__EcallRequest req = LCP__ENCLAVE__V1__ECALL_REQUEST__INIT;
    Lcp__Enclave__V1__EnclaveInfo info = LCP__ENCLAVE__V1__ENCLAVE_INFO__INIT;
    req.command_case = LCP__ENCLAVE__V1__ECALL_REQUEST__COMMAND_ENCLAVE_INFO;
    req.enclave_info = &info;
    int rc = lcp_host_run(h, &req, NULL, 0, resp, err);
    /* Checked once here so that every caller may read the MRENCLAVE. */
    if (rc == LCP_OK && ((*resp)->enclave_info == NULL || (*resp)->enclave_info->mrenclave.len != 32)) {
        lcp__enclave__v1__ecall_response__free_unpacked(*resp, NULL);
        *resp = NULL;
        rc = lcp_fail(err, LCP_ERR_PROTO, "enclave returned incomplete enclave info");
    }
    return rc;
}

int lcp_host_generate_key(lcp_host *h, uint8_t address[20], const uint8_t *operator_addr, char *err)
{
    Lcp__Enclave__V1__EcallResponse *info = NULL, *resp = NULL;
    int rc = lcp_host_enclave_info(h, &info, err);
    if (rc != LCP_OK) goto out;
    Lcp__Enclave__V1__EcallRequest req = LCP__ENCLAVE__V1__ECALL_REQUEST__INIT;
    Lcp__Enclave__V1__GenerateEnclaveKey gen = LCP__ENCLAVE__V1__GENERATE_ENCLAVE_KEY__INIT;
    if (operator_addr) {
        gen.operator_.data = (uint8_t *)operator_addr;
        gen.operator_.len = 20;
    }
    req.command_case = LCP__ENCLAVE__V1__ECALL_REQUEST__COMMAND_GENERATE_ENCLAVE_KEY;
    req.generate_enclave_key = &gen;
    /* The ECALL writes nothing to the store; the key record goes in with its own write transaction. */
    if ((rc = lcp_host_run(h, &req, NULL, 0, &resp, err)) != LCP_OK) goto out;
    const Lcp__Enclave__V1__GenerateEnclaveKeyResult *g = resp->generate_enclave_key;
    if (!g || g->address.len != 20) {
        rc = lcp_fail(err, LCP_ERR_PROTO, "enclave returned an incomplete key");
        goto out;
    }
    lcp_keystore_entry k;
    memset(&k, 0, sizeof k);
    memcpy(k.address, g->address.data, 20);
    k.sealed_key = (lcp_bytes){g->sealed_enclave_key.data, g->sealed_enclave_key.len};
    memcpy(k.mrenclave, info->enclave_info->mrenclave.data, 32);
    k.report = (lcp_bytes){g->report.data, g->report.len};
    k.enclave_debug = info->enclave_info->debug;
    k.qe_type = LCP_QE_TYPE_QE3SIM;
    k.created_at = (uint64_t)lcp_time_now();
    lcp_store_txn *t;
    if ((rc = lcp_store_begin(h->store, &t, 1, err)) != LCP_OK) goto out;
    if ((rc = lcp_keystore_put(t, &k, err)) != LCP_OK) {
        lcp_store_abort(t);
        goto out;
    }
    if ((rc = lcp_store_commit(t, err)) != LCP_OK) goto out;
    memcpy(address, k.address, 20);
out:
    if (info) lcp__enclave__v1__ecall_response__free_unpacked(info, NULL);
    if (resp) lcp__enclave__v1__ecall_response__free_unpacked(resp, NULL);
    return rc;
}

int lcp_host_default_signer(lcp_host *h, uint8_t address[20], uint64_t now, char *err)
{
    Lcp__Enclave__V1__EcallResponse *info = NULL;
    int rc = lcp_host_enclave_info(h, &info, err);
    if (rc != LCP_OK) return rc;
    lcp_keystore_filter f;
    memset(&f, 0, sizeof f);
    memcpy(f.mrenclave, info->enclave_info->mrenclave.data, 32);
    f.enclave_debug = info->enclave_info->debug;
    lcp__enclave__v1__ecall_response__free_unpacked(info, NULL);
    lcp_store_txn *t;
    lcp_keystore_entry *keys = NULL;
    size_t n = 0;
    if ((rc = lcp_store_begin(h->store, &t, 0, err)) != LCP_OK) return rc;
    rc = lcp_keystore_list(t, &keys, &n, &f, err);
    /* Newest expiry first (the list's order); among keys ending at the same second, the newest key - after a
     * TCB recovery the fresh key must win over the one it replaces. */
    int found = 0;
    size_t best = 0;
    for (size_t i = 0; rc == LCP_OK && i < n; i++) {
        if (keys[i].valid_to <= now) continue;
        if (!found || keys[i].valid_to > keys[best].valid_to ||
            (keys[i].valid_to == keys[best].valid_to && keys[i].created_at > keys[best].created_at))
            best = i;
        found = 1;
    }
    if (found) memcpy(address, keys[best].address, 20);
    lcp_free(keys);
    lcp_store_abort(t);
    if (rc == LCP_OK && !found)
        rc = lcp_fail(err, LCP_ERR_HOST_KEY_NOT_FOUND,
                      "no attested, unexpired enclave key for this enclave: run lcp enclave generate-key, then lcp attestation simulate (sim) or dcap");
    return rc;
}
