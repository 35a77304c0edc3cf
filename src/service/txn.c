/* One ECALL as the service runs it: against a read snapshot of the store, with the enclave's writes kept aside
 * and applied afterwards in one short write transaction, after checking that every value the enclave read is
 * still the same (optimistic concurrency). Why: lcp_host_run holds LMDB's single writer lock for the whole ECALL,
 * which would serialise every update of every client behind the slowest enclave computation. Here the lock is
 * held for the commit only. Updates of one client are already serialised by the scheduler (workers.c), so a
 * conflict means two clients touched a shared key (the enclave's client counter) and the ECALL is simply rerun. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "service_internal.h"

typedef struct {
    uint8_t *key;
    size_t klen;
    uint8_t *val;  /* NULL when absent */
    size_t vlen;
    int present;   /* read: found / write: 1 = put, 0 = delete */
} kv;

typedef struct {
    kv *v;
    size_t n, cap;
} kv_list;

typedef struct {
    lcp_store *st;
    lcp_store_txn *snap;
    uint64_t tx_id;
    kv_list reads, writes;
    int failed;    /* an OCALL failed: the ECALL's outcome must not be committed */
} overlay;

static void kv_list_free(kv_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        lcp_free(l->v[i].key);
        lcp_free(l->v[i].val);
    }
    lcp_free(l->v);
    memset(l, 0, sizeof *l);
}

static kv *kv_find(kv_list *l, const uint8_t *key, size_t klen)
{
    for (size_t i = 0; i < l->n; i++)
        if (l->v[i].klen == klen && memcmp(l->v[i].key, key, klen) == 0) return &l->v[i];
    return NULL;
}

static uint8_t *dup_bytes(const uint8_t *p, size_t n)
{
    uint8_t *d = lcp_malloc(n ? n : 1);
    if (d && n) memcpy(d, p, n);
    return d;
}

/* Sets (or adds) key to val/present; val NULL with present 0 records a delete or an absent read. */
static int kv_set(kv_list *l, const uint8_t *key, size_t klen, const uint8_t *val, size_t vlen, int present)
{
    kv *e = kv_find(l, key, klen);
    uint8_t *nv = NULL;
    if (present && !(nv = dup_bytes(val, vlen))) return LCP_ERR_NOMEM;
    if (!e) {
        if (l->n == l->cap) {
            size_t nc = l->cap ? l->cap * 2 : 8;
            kv *g = lcp_realloc(l->v, nc * sizeof *g);
            if (!g) {
                lcp_free(nv);
                return LCP_ERR_NOMEM;
            }
            l->v = g;
            l->cap = nc;
        }
        e = &l->v[l->n];
        if (!(e->key = dup_bytes(key, klen))) {
            lcp_free(nv);
            return LCP_ERR_NOMEM;
        }
        e->klen = klen;
        e->val = NULL;
        l->n++;
    }
    lcp_free(e->val);
    e->val = nv;
    e->vlen = present ? vlen : 0;
    e->present = present;
    return LCP_OK;
}

/* The overlay's store: reads see its own writes first, then the snapshot (each first read is recorded for the
 * conflict check); writes stay in the overlay until commit. */
static int kv_get(void *ud, lcp_bytes key, lcp_bytes *val, int *found, char *err)
{
    overlay *o = ud;
    kv *w = kv_find(&o->writes, key.ptr, key.len);
    if (w) { /* read your own writes */
        *found = w->present;
        *val = (lcp_bytes){w->val, w->vlen};
        return LCP_OK;
    }
    int rc = lcp_store_get(o->snap, LCP_STORE_DB_ELC, key.ptr, key.len, val, found, err);
    if (rc == LCP_OK && !kv_find(&o->reads, key.ptr, key.len))
        rc = kv_set(&o->reads, key.ptr, key.len, val->ptr, val->len, *found);
    return rc;
}

static int kv_put(void *ud, lcp_bytes key, lcp_bytes val, char *err)
{
    (void)err;
    overlay *o = ud;
    return kv_set(&o->writes, key.ptr, key.len, val.ptr, val.len, 1);
}

static int kv_del(void *ud, lcp_bytes key, char *err)
{
    (void)err;
    overlay *o = ud;
    return kv_set(&o->writes, key.ptr, key.len, NULL, 0, 0);
}

static int ocall(void *ud, const Lcp__Enclave__V1__OcallRequest *req, Lcp__Enclave__V1__OcallResponse *resp,
                 lcp_buf *scratch)
{
    static const lcp_host_kv store = {kv_get, kv_put, kv_del};
    overlay *o = ud;
    return lcp_host_serve_ocall(&store, o, o->tx_id, lcp_store_max_key_len(o->st), req, resp, scratch, &o->failed);
}

/* Applies one ECALL's writes in t if every value it read is unchanged (as t sees it, which includes the writes
 * of the batch members before it). Returns LCP_OK, 1 on a conflict (nothing applied), or an error after which
 * t must be aborted. */
static int apply(lcp_store_txn *t, overlay *o, char *err)
{
    int rc;
    for (size_t i = 0; i < o->reads.n; i++) {
        const kv *r = &o->reads.v[i];
        lcp_bytes v;
        int found;
        if ((rc = lcp_store_get(t, LCP_STORE_DB_ELC, r->key, r->klen, &v, &found, err)) != LCP_OK) return rc;
        if (found != r->present || (found && (v.len != r->vlen || (v.len && memcmp(v.ptr, r->val, v.len) != 0))))
            return 1;
    }
    for (size_t i = 0; i < o->writes.n; i++) {
        const kv *w = &o->writes.v[i];
        rc = w->present ? lcp_store_put(t, LCP_STORE_DB_ELC, w->key, w->klen, w->val, w->vlen, err)
                        : lcp_store_del(t, LCP_STORE_DB_ELC, w->key, w->klen, NULL, err);
        if (rc != LCP_OK) return rc;
    }
    return LCP_OK;
}

/* Group commit. Every commit is durable (LMDB syncs it), so with one transaction per ECALL the disk's sync rate
 * caps the whole service however many workers run. Instead, the first worker to arrive becomes the leader: it
 * takes every commit queued so far, applies them in one write transaction and syncs once; workers that arrive
 * meanwhile queue up for the next round. A lone commit goes out at once (no added wait). */
typedef struct gc_req {
    overlay *o;
    int rc;
    int done;
    char err[LCP_ERR_LEN];
    struct gc_req *next;
} gc_req;

static void commit_batch(lcp_store *st, gc_req *batch)
{
    char err[LCP_ERR_LEN] = "";
    lcp_store_txn *t;
    int rc = lcp_store_begin(st, &t, 1, err);
    for (gc_req *r = batch; r; r = r->next) {
        if (rc != LCP_OK) {
            r->rc = rc;
            snprintf(r->err, sizeof r->err, "%s", err);
            continue;
        }
        r->rc = apply(t, r->o, r->err);
        if (r->rc < 0) { /* LMDB wants the transaction aborted now: the whole batch fails with this reason */
            rc = r->rc;
            snprintf(err, sizeof err, "%s", r->err);
            lcp_store_abort(t);
            t = NULL;
            for (gc_req *q = batch; q != r; q = q->next)
                if (q->rc == LCP_OK) {
                    q->rc = rc;
                    snprintf(q->err, sizeof q->err, "%s", err);
                }
        }
    }
    if (rc != LCP_OK) return;
    rc = lcp_store_commit(t, err);
    for (gc_req *r = batch; r; r = r->next)
        if (r->rc == LCP_OK && rc != LCP_OK) {
            r->rc = rc;
            snprintf(r->err, sizeof r->err, "%s", err);
        }
}

/* Returns LCP_OK once o's writes are durable, 1 on a conflict, or an error. */
static int commit(lcp_service *s, overlay *o, char *err)
{
    gc_req me;
    memset(&me, 0, sizeof me);
    me.o = o;
    pthread_mutex_lock(&s->gc_mu);
    *s->gc_tail = &me;
    s->gc_tail = &me.next;
    while (!me.done) {
        if (s->gc_leader) {
            pthread_cond_wait(&s->gc_cv, &s->gc_mu);
            continue;
        }
        s->gc_leader = 1;
        gc_req *batch = s->gc_head;
        s->gc_head = NULL;
        s->gc_tail = &s->gc_head;
        pthread_mutex_unlock(&s->gc_mu);
        commit_batch(s->store, batch);
        pthread_mutex_lock(&s->gc_mu);
        for (gc_req *r = batch; r; r = r->next) r->done = 1;
        s->gc_leader = 0;
        pthread_cond_broadcast(&s->gc_cv);
    }
    pthread_mutex_unlock(&s->gc_mu);
    if (me.rc < 0) lcp_fail(err, me.rc, "%s", me.err);
    return me.rc;
}

int svc_ecall(svc_worker *w, Lcp__Enclave__V1__EcallRequest *req, const uint8_t *signer, int command,
              Lcp__Enclave__V1__EcallResponse **resp, char *err)
{
    lcp_store *st = w->s->store;
    int rc = LCP_OK;
    *resp = NULL;
    for (int attempt = 0; attempt <= LCP_SERVICE_CONFLICT_RETRIES; attempt++) {
        overlay o;
        memset(&o, 0, sizeof o);
        o.st = st;
        if ((rc = lcp_store_begin(st, &o.snap, 0, err)) != LCP_OK) return rc;
        o.tx_id = req->tx_id = w->next_tx++;
        req->current_time_ns = lcp_time_now_ns();
        req->sealed_enclave_key.data = NULL;
        req->sealed_enclave_key.len = 0;
        if (signer) {
            lcp_keystore_entry k;
            rc = lcp_keystore_get(o.snap, &k, signer, err);
            if (rc == LCP_ERR_HOST_KEY_NOT_FOUND) {
                char hex[41];
                lcp_hex_encode(hex, sizeof hex, signer, 20);
                rc = lcp_fail(err, rc, "sealed_enclave_key_not_found: no enclave key 0x%s in the key store", hex);
            }
            if (rc != LCP_OK) {
                lcp_store_abort(o.snap);
                return rc;
            }
            /* A view into the snapshot, which stays open for the whole ECALL. */
            req->sealed_enclave_key.data = (uint8_t *)k.sealed_key.ptr;
            req->sealed_enclave_key.len = k.sealed_key.len;
        }
        uint64_t t0 = svc_now_ns();
        rc = lcp_host_ecall(w->enclave, req, ocall, &o, resp, err);
        int ok = rc == LCP_OK && (*resp)->code == 0;
        atomic_store(&w->up, rc != LCP_ERR_HOST_ENCLAVE_DIED && rc != LCP_ERR_HOST_ENCLAVE_START);
        /* Read here, on the worker's thread: the handle is the worker's alone. */
        atomic_store(&w->starts, lcp_host_enclave_starts(w->enclave));
        svc_metrics_ecall(&w->s->metrics, command, svc_now_ns() - t0, ok);
        req->sealed_enclave_key.data = NULL;
        req->sealed_enclave_key.len = 0;
        lcp_store_abort(o.snap);
        if (rc == LCP_OK && (*resp)->code != 0)
            rc = lcp_fail(err, (*resp)->code, "%s", (*resp)->error && *(*resp)->error ? (*resp)->error
                                                                                       : lcp_strerror((*resp)->code));
        else if (rc == LCP_OK && o.failed)
            rc = lcp_fail(err, LCP_ERR_HOST_STORE, "the enclave succeeded although a store OCALL failed");
        if (rc == LCP_OK && o.writes.n > 0) {
            rc = commit(w->s, &o, err);
            if (rc == 1) { /* conflict: run it again on a fresh snapshot */
                svc_metrics_count(&w->s->metrics, &w->s->metrics.conflicts);
                lcp__enclave__v1__ecall_response__free_unpacked(*resp, NULL);
                *resp = NULL;
                kv_list_free(&o.reads);
                kv_list_free(&o.writes);
                rc = lcp_fail(err, LCP_ERR_HOST_STORE, "store conflict persisted after %d attempts",
                              LCP_SERVICE_CONFLICT_RETRIES + 1);
                continue;
            }
        }
        kv_list_free(&o.reads);
        kv_list_free(&o.writes);
        return rc;
    }
    return rc;
}
