/* The host node (lcp/host.h): a store, an enclave process and the executor that joins them; the key store around
 * the enclave key. */
#include <stdio.h>
#include <string.h>

#include "host_frames.h"

struct lcp_host {
    lcp_store *store;
    lcp_host_enclave *enclave;
    lcp_host_committer *committer; /* optimistic nodes only */
    lcp_host_exec *exec;
};

int lcp_host_set_policy(lcp_host *h, lcp_host_policy p, char *err)
{
    lcp_host_committer *c = NULL;
    lcp_host_exec *x = NULL;
    int rc = p == LCP_HOST_OPTIMISTIC ? lcp_host_committer_new(&c, h->store, err) : LCP_OK;
    if (rc == LCP_OK) {
        lcp_host_exec_options xo;
        memset(&xo, 0, sizeof xo);
        xo.store = h->store;
        xo.enclave = h->enclave;
        xo.policy = p;
        xo.committer = c;
        xo.retries = LCP_HOST_CONFLICT_RETRIES;
        rc = lcp_host_exec_new(&x, &xo, err);
    }
    if (rc != LCP_OK) {
        lcp_host_committer_free(c);
        return rc;
    }
    lcp_host_exec_free(h->exec);
    lcp_host_committer_free(h->committer);
    h->exec = x;
    h->committer = c;
    return LCP_OK;
}

int lcp_host_open(lcp_host **out, const lcp_host_options *opt, char *err)
{
    lcp_host *h = lcp_calloc(1, sizeof *h);
    if (!h) return lcp_fail(err, LCP_ERR_NOMEM, "out of memory");
    int rc = lcp_store_open(&h->store, opt->home, 0, err);
    lcp_host_enclave_options eo = {opt->enclave_path, opt->sim_platform, opt->backend};
    if (rc == LCP_OK) rc = lcp_host_enclave_new(&h->enclave, &eo, err);
    if (rc == LCP_OK) rc = lcp_host_set_policy(h, LCP_HOST_EXCLUSIVE, err);
    if (rc != LCP_OK) {
        lcp_host_close(h);
        return rc;
    }
    *out = h;
    return LCP_OK;
}

void lcp_host_close(lcp_host *h)
{
    if (!h) return;
    lcp_host_exec_free(h->exec);
    lcp_host_committer_free(h->committer);
    lcp_host_enclave_free(h->enclave);
    lcp_store_close(h->store);
    lcp_free(h);
}

lcp_store *lcp_host_store(lcp_host *h) { return h->store; }
lcp_host_enclave *lcp_host_enclave_handle(lcp_host *h) { return h->enclave; }
lcp_host_exec *lcp_host_executor(lcp_host *h) { return h->exec; }

void lcp_host_set_ocall_hook(lcp_host *h, lcp_host_ocall_hook fn, void *ud) { lcp_host_exec_set_ocall_hook(h->exec, fn, ud); }

/* The node's callers are people: an enclave's refusal is named as the enclave's. */
static int enclave_says(int rc, int from_enclave, char *err)
{
    if (rc != LCP_OK && from_enclave && err) {
        char why[LCP_ERR_LEN];
        snprintf(why, sizeof why, "%s", err);
        lcp_fail(err, rc, "enclave: %s", why);
    }
    return rc;
}

int lcp_host_run(lcp_host *h, const lcp_host_op *op, lcp_host_result *res, char *err)
{
    int rc = lcp_host_exec_run(h->exec, op, res, err);
    return enclave_says(rc, res->from_enclave, err);
}

int lcp_host_run_frame(lcp_host *h, Lcp__Enclave__V1__EcallRequest *req, const uint8_t *signer, int write,
                       Lcp__Enclave__V1__EcallResponse **resp, char *err)
{
    int from_enclave = 0;
    int rc = lcp_host_exec_frame(h->exec, req, req->current_time_ns, signer, write, resp, &from_enclave, err);
    return enclave_says(rc, from_enclave, err);
}

int lcp_host_enclave_info(lcp_host *h, lcp_host_enclave_identity *id, char *err)
{
    return lcp_host_exec_enclave_info(h->exec, id, err);
}

int lcp_host_generate_key(lcp_host *h, uint8_t address[20], const uint8_t *operator_addr, char *err)
{
    return lcp_host_exec_generate_key(h->exec, NULL, operator_addr, address, err);
}

int lcp_host_default_signer(lcp_host *h, uint8_t address[20], uint64_t now, char *err)
{
    lcp_host_enclave_identity id;
    int rc = lcp_host_enclave_info(h, &id, err);
    if (rc != LCP_OK) return rc;
    lcp_keystore_filter f;
    memset(&f, 0, sizeof f);
    memcpy(f.mrenclave, id.mrenclave, 32);
    f.enclave_debug = id.debug;
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
