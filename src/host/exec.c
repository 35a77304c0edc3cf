/* The one ECALL-in-a-transaction executor (lcp/host_ops.h), with its two locking policies.
 *
 * Exclusive: the ECALL's OCALLs read and write one LMDB transaction, committed if the enclave succeeds.
 * Optimistic: the OCALLs read a snapshot; writes are kept in an overlay (reads see their own writes) and every
 * first read is recorded. Afterwards the writes are applied in a short write transaction if every recorded read is
 * unchanged, else the ECALL reruns on a fresh snapshot. Why: the exclusive policy holds LMDB's single writer lock
 * for the whole ECALL, which would serialise every update of every client behind the slowest enclave computation;
 * the service's scheduler already serialises updates of one client, so a conflict only means two clients touched a
 * shared key (the enclave's client counter). Commits of several executors are grouped (lcp_host_committer). */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "host_frames.h"
#include "lcp/host_keystore.h"

/* ---- the overlay of an optimistic attempt ---- */

typedef struct {
    uint8_t *key;
    size_t klen;
    uint8_t *val; /* NULL when absent */
    size_t vlen;
    int present;  /* read: found / write: 1 = put, 0 = delete */
} kv;

typedef struct {
    kv *v;
    size_t n, cap;
} kv_list;

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

/* ---- one attempt ---- */

struct lcp_host_exec {
    lcp_host_exec_options o;
    uint64_t next_tx;
    lcp_host_ocall_hook hook;
    void *hook_ud;
};

typedef struct {
    lcp_host_exec *x;
    lcp_store_txn *t; /* exclusive: the transaction; optimistic: the snapshot */
    int overlay;      /* optimistic: writes go to the overlay */
    int may_write;
    uint64_t tx_id;   /* the ECALL's: an OCALL naming another transaction is refused */
    kv_list reads, writes;
    int failed;       /* an OCALL failed: whatever the enclave answers, nothing is committed */
} attempt;

/* OCALL keys are UTF-8 paths in the "elc" database. */
static int kv_get(void *ud, lcp_bytes key, lcp_bytes *val, int *found, char *err)
{
    attempt *a = ud;
    if (a->overlay) {
        kv *w = kv_find(&a->writes, key.ptr, key.len);
        if (w) { /* read your own writes */
            *found = w->present;
            *val = (lcp_bytes){w->val, w->vlen};
            return LCP_OK;
        }
    }
    int rc = lcp_store_get(a->t, LCP_STORE_DB_ELC, key.ptr, key.len, val, found, err);
    if (rc == LCP_OK && a->overlay && !kv_find(&a->reads, key.ptr, key.len))
        rc = kv_set(&a->reads, key.ptr, key.len, val->ptr, val->len, *found);
    return rc;
}

static int kv_put(void *ud, lcp_bytes key, lcp_bytes val, char *err)
{
    attempt *a = ud;
    if (!a->may_write) return lcp_fail(err, LCP_ERR_IO, "a query may not write the store");
    if (a->overlay) return kv_set(&a->writes, key.ptr, key.len, val.ptr, val.len, 1);
    return lcp_store_put(a->t, LCP_STORE_DB_ELC, key.ptr, key.len, val.ptr, val.len, err);
}

static int kv_del(void *ud, lcp_bytes key, char *err)
{
    attempt *a = ud;
    if (!a->may_write) return lcp_fail(err, LCP_ERR_IO, "a query may not write the store");
    if (a->overlay) return kv_set(&a->writes, key.ptr, key.len, NULL, 0, 0);
    return lcp_store_del(a->t, LCP_STORE_DB_ELC, key.ptr, key.len, NULL, err);
}

static int ocall(void *ud, const Lcp__Enclave__V1__OcallRequest *req, Lcp__Enclave__V1__OcallResponse *resp,
                 lcp_buf *scratch)
{
    static const lcp_host_kv store = {kv_get, kv_put, kv_del};
    attempt *a = ud;
    if (a->x->hook) a->x->hook(a->x->hook_ud, req);
    return lcp_host_serve_ocall(&store, a, a->tx_id, lcp_store_max_key_len(a->x->o.store), req, resp, scratch,
                                &a->failed);
}

/* Applies an attempt's writes in t if every value it read is unchanged (as t sees it, which includes the writes
 * of the batch members before it). Returns LCP_OK, 1 on a conflict (nothing applied), or an error after which
 * t must be aborted. */
static int apply(lcp_store_txn *t, const attempt *a, char *err)
{
    int rc;
    for (size_t i = 0; i < a->reads.n; i++) {
        const kv *r = &a->reads.v[i];
        lcp_bytes v;
        int found;
        if ((rc = lcp_store_get(t, LCP_STORE_DB_ELC, r->key, r->klen, &v, &found, err)) != LCP_OK) return rc;
        if (found != r->present || (found && (v.len != r->vlen || (v.len && memcmp(v.ptr, r->val, v.len) != 0))))
            return 1;
    }
    for (size_t i = 0; i < a->writes.n; i++) {
        const kv *w = &a->writes.v[i];
        rc = w->present ? lcp_store_put(t, LCP_STORE_DB_ELC, w->key, w->klen, w->val, w->vlen, err)
                        : lcp_store_del(t, LCP_STORE_DB_ELC, w->key, w->klen, NULL, err);
        if (rc != LCP_OK) return rc;
    }
    return LCP_OK;
}

/* ---- group commit ---- */

typedef struct gc_req {
    const attempt *a;
    int rc;
    int done;
    char err[LCP_ERR_LEN];
    struct gc_req *next;
} gc_req;

struct lcp_host_committer {
    lcp_store *store;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    gc_req *head, **tail;
    int leader;
};

int lcp_host_committer_new(lcp_host_committer **out, lcp_store *store, char *err)
{
    lcp_host_committer *c = lcp_calloc(1, sizeof *c);
    if (!c) return lcp_fail(err, LCP_ERR_NOMEM, "out of memory");
    c->store = store;
    pthread_mutex_init(&c->mu, NULL);
    pthread_cond_init(&c->cv, NULL);
    c->tail = &c->head;
    *out = c;
    return LCP_OK;
}

void lcp_host_committer_free(lcp_host_committer *c)
{
    if (!c) return;
    pthread_cond_destroy(&c->cv);
    pthread_mutex_destroy(&c->mu);
    lcp_free(c);
}

static void fail_req(gc_req *r, int rc, const char *err)
{
    r->rc = rc;
    snprintf(r->err, sizeof r->err, "%s", err);
}

static void commit_batch(lcp_store *st, gc_req *batch)
{
    char err[LCP_ERR_LEN] = "";
    lcp_store_txn *t;
    int rc = lcp_store_begin(st, &t, 1, err);
    for (gc_req *r = batch; r; r = r->next) {
        if (rc != LCP_OK) {
            fail_req(r, rc, err);
            continue;
        }
        r->rc = apply(t, r->a, r->err);
        if (r->rc < 0) { /* LMDB wants the transaction aborted now: the whole batch fails with this reason */
            rc = r->rc;
            snprintf(err, sizeof err, "%s", r->err);
            lcp_store_abort(t);
            t = NULL;
            for (gc_req *q = batch; q != r; q = q->next)
                if (q->rc == LCP_OK) fail_req(q, rc, err);
        }
    }
    if (rc != LCP_OK) return;
    rc = lcp_store_commit(t, err);
    for (gc_req *r = batch; r; r = r->next)
        if (r->rc == LCP_OK && rc != LCP_OK) fail_req(r, rc, err);
}

/* Returns LCP_OK once a's writes are durable, 1 on a conflict, or an error. */
static int commit_grouped(lcp_host_committer *c, const attempt *a, char *err)
{
    gc_req me;
    memset(&me, 0, sizeof me);
    me.a = a;
    pthread_mutex_lock(&c->mu);
    *c->tail = &me;
    c->tail = &me.next;
    while (!me.done) {
        if (c->leader) {
            pthread_cond_wait(&c->cv, &c->mu);
            continue;
        }
        c->leader = 1;
        gc_req *batch = c->head;
        c->head = NULL;
        c->tail = &c->head;
        pthread_mutex_unlock(&c->mu);
        commit_batch(c->store, batch);
        pthread_mutex_lock(&c->mu);
        for (gc_req *r = batch; r; r = r->next) r->done = 1;
        c->leader = 0;
        pthread_cond_broadcast(&c->cv);
    }
    pthread_mutex_unlock(&c->mu);
    if (me.rc < 0) lcp_fail(err, me.rc, "%s", me.err);
    return me.rc;
}

/* An executor without a committer commits alone, through the same batch code. */
static int commit_overlay(lcp_host_exec *x, const attempt *a, char *err)
{
    if (x->o.committer) return commit_grouped(x->o.committer, a, err);
    gc_req me;
    memset(&me, 0, sizeof me);
    me.a = a;
    commit_batch(x->o.store, &me);
    if (me.rc < 0) lcp_fail(err, me.rc, "%s", me.err);
    return me.rc;
}

/* ---- the executor ---- */

int lcp_host_exec_new(lcp_host_exec **out, const lcp_host_exec_options *opt, char *err)
{
    if (!opt->store || !opt->enclave || (opt->policy != LCP_HOST_EXCLUSIVE && opt->policy != LCP_HOST_OPTIMISTIC))
        return lcp_fail(err, LCP_ERR_ILLEGAL_ARG, "an executor needs a store, an enclave and a known policy");
    lcp_host_exec *x = lcp_calloc(1, sizeof *x);
    if (!x) return lcp_fail(err, LCP_ERR_NOMEM, "out of memory");
    x->o = *opt;
    x->next_tx = 1;
    *out = x;
    return LCP_OK;
}

void lcp_host_exec_free(lcp_host_exec *x) { lcp_free(x); }
lcp_store *lcp_host_exec_store(const lcp_host_exec *x) { return x->o.store; }
lcp_host_enclave *lcp_host_exec_enclave(const lcp_host_exec *x) { return x->o.enclave; }

void lcp_host_exec_set_ocall_hook(lcp_host_exec *x, lcp_host_ocall_hook fn, void *ud)
{
    x->hook = fn;
    x->hook_ud = ud;
}

static uint64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* The signer's sealed key as a view into t (valid while t is open). */
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

/* One attempt: the ECALL in a fresh transaction or snapshot. Leaves a->t open (the caller ends it). */
static int attempt_ecall(lcp_host_exec *x, attempt *a, Lcp__Enclave__V1__EcallRequest *req, uint64_t time_ns,
                         const uint8_t *signer, Lcp__Enclave__V1__EcallResponse **resp, int *from_enclave, char *err)
{
    int exclusive = x->o.policy == LCP_HOST_EXCLUSIVE;
    int rc = lcp_store_begin(x->o.store, &a->t, exclusive && a->may_write, err);
    if (rc != LCP_OK) {
        a->t = NULL;
        return rc;
    }
    a->tx_id = req->tx_id = x->next_tx++;
    req->current_time_ns = time_ns ? time_ns : lcp_time_now_ns();
    lcp_bytes sealed = {NULL, 0};
    if (signer && (rc = lookup_sealed(a->t, signer, &sealed, err)) != LCP_OK) return rc;
    /* protobuf-c's binary type is {len, data}, not our {ptr, len}: copied field by field. */
    req->sealed_enclave_key.data = (uint8_t *)sealed.ptr;
    req->sealed_enclave_key.len = sealed.len;
    uint64_t t0 = mono_ns();
    rc = lcp_host_ecall(x->o.enclave, req, ocall, a, resp, err);
    int ok = rc == LCP_OK && (*resp)->code == 0;
    if (x->o.observer.ecall_done)
        x->o.observer.ecall_done(x->o.observer.ud, lcp_host_ecall_kind_of(req), mono_ns() - t0, rc, ok);
    req->sealed_enclave_key.data = NULL;
    req->sealed_enclave_key.len = 0;
    if (rc == LCP_OK && (*resp)->code != 0) {
        *from_enclave = 1;
        return lcp_fail(err, (*resp)->code, "%s",
                        (*resp)->error && *(*resp)->error ? (*resp)->error : lcp_strerror((*resp)->code));
    }
    /* A write the store refused must not be committed with the rest, even if the enclave went on. */
    if (rc == LCP_OK && a->failed)
        return lcp_fail(err, LCP_ERR_HOST_STORE, "the enclave succeeded although a store OCALL failed");
    return rc;
}

int lcp_host_exec_frame(lcp_host_exec *x, Lcp__Enclave__V1__EcallRequest *req, uint64_t time_ns,
                        const uint8_t *signer, int write, Lcp__Enclave__V1__EcallResponse **resp, int *from_enclave,
                        char *err)
{
    int optimistic = x->o.policy == LCP_HOST_OPTIMISTIC;
    unsigned attempts = optimistic ? x->o.retries + 1 : 1;
    int rc = LCP_OK;
    *resp = NULL;
    *from_enclave = 0;
    for (unsigned n = 0; n < attempts; n++) {
        attempt a;
        memset(&a, 0, sizeof a);
        a.x = x;
        a.overlay = optimistic;
        a.may_write = write;
        rc = attempt_ecall(x, &a, req, time_ns, signer, resp, from_enclave, err);
        if (!optimistic) {
            if (rc == LCP_OK && write) rc = lcp_store_commit(a.t, err); /* ends the transaction either way */
            else if (a.t) lcp_store_abort(a.t);
            return rc;
        }
        if (a.t) lcp_store_abort(a.t); /* the snapshot: the sealed key view is no longer used */
        if (rc == LCP_OK && a.writes.n > 0) {
            rc = commit_overlay(x, &a, err);
            if (rc == 1) { /* conflict: run it again on a fresh snapshot */
                if (x->o.observer.conflict) x->o.observer.conflict(x->o.observer.ud);
                lcp__enclave__v1__ecall_response__free_unpacked(*resp, NULL);
                *resp = NULL;
                rc = lcp_fail(err, LCP_ERR_HOST_STORE, "store conflict persisted after %u attempts", attempts);
                kv_list_free(&a.reads);
                kv_list_free(&a.writes);
                continue;
            }
        }
        kv_list_free(&a.reads);
        kv_list_free(&a.writes);
        return rc;
    }
    return rc;
}
