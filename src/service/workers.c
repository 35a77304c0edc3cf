/* Enclave workers: N threads, each with its own lcp-enclave process, taking jobs from one FIFO queue.
 * Scheduling rule: a worker takes the oldest job whose lock key (a client id) no running job holds. So requests
 * that change one client run one at a time and in arrival order, a job waiting for its client never occupies a
 * worker, and everything else (other clients, queries, aggregation) runs in parallel. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "service_internal.h"

uint64_t svc_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void svc_job_free(svc_job *j)
{
    if (!j) return;
    if (j->msg) protobuf_c_message_free_unpacked(j->msg, lcp_pb_allocator());
    lcp_free(j->lock_key);
    lcp_free(j->op_bytes);
    lcp_free(j->upd.client_id);
    lcp_free(j->upd_header.type_url);
    lcp_buf_free(&j->upd_value);
    lcp_buf_free(&j->resp);
    lcp_free(j);
}

/* The executor tells the worker about each ECALL: its duration and outcome for the metrics, and whether the
 * enclave process is up (readiness). Called on the worker's thread: the handle is the worker's alone. */
static void ecall_done(void *ud, int kind, uint64_t ns, int rc, int ok)
{
    svc_worker *w = ud;
    atomic_store(&w->up, rc != LCP_ERR_HOST_ENCLAVE_DIED && rc != LCP_ERR_HOST_ENCLAVE_START);
    atomic_store(&w->starts, lcp_host_enclave_starts(w->enclave));
    svc_metrics_ecall(&w->s->metrics, kind, ns, ok);
}

static void conflict(void *ud)
{
    svc_worker *w = ud;
    svc_metrics_count(&w->s->metrics, &w->s->metrics.conflicts);
}

int svc_worker_exec_new(svc_worker *w, char *err)
{
    lcp_host_exec_options o;
    memset(&o, 0, sizeof o);
    o.store = w->s->store;
    o.enclave = w->enclave;
    o.policy = LCP_HOST_OPTIMISTIC;
    o.committer = w->s->committer;
    o.retries = LCP_SERVICE_CONFLICT_RETRIES;
    o.observer = (lcp_host_observer){ecall_done, conflict, w};
    return lcp_host_exec_new(&w->exec, &o, err);
}

static int key_busy(const lcp_service *s, const char *key)
{
    for (unsigned i = 0; i < s->nworkers; i++)
        if (s->busy[i] && strcmp(s->busy[i], key) == 0) return 1;
    return 0;
}

/* The oldest runnable job, unlinked from the queue (s->mu held). */
static svc_job *take_runnable(lcp_service *s)
{
    svc_job *prev = NULL;
    for (svc_job *j = s->q_head; j; prev = j, j = j->next) {
        if (j->lock_key && key_busy(s, j->lock_key)) continue;
        if (prev) prev->next = j->next;
        else s->q_head = j->next;
        if (s->q_tail == j) s->q_tail = prev;
        j->next = NULL;
        s->q_len--;
        return j;
    }
    return NULL;
}

static void wake_network(lcp_service *s)
{
    uint64_t one = 1;
    /* The counter cannot overflow in practice; EAGAIN would mean it is already non-zero, which is all we need. */
    while (write(s->evfd, &one, sizeof one) < 0 && errno == EINTR) {
    }
}

static void *worker_main(void *arg)
{
    svc_worker *w = arg;
    lcp_service *s = w->s;
    unsigned slot = (unsigned)(w - s->workers);
    pthread_mutex_lock(&s->mu);
    for (;;) {
        svc_job *j = NULL;
        while (!s->workers_exit && !(j = take_runnable(s))) pthread_cond_wait(&s->cv, &s->mu);
        if (!j) break;
        s->busy[slot] = j->lock_key;
        s->running++;
        pthread_mutex_unlock(&s->mu);

        if (atomic_load(&j->cancelled)) {
            j->status = LCP_GRPC_CANCELLED;
            snprintf(j->message, sizeof j->message, "cancelled before it ran");
        } else if (j->deadline_ns && svc_now_ns() >= j->deadline_ns) {
            j->status = LCP_GRPC_DEADLINE_EXCEEDED;
            snprintf(j->message, sizeof j->message, "deadline exceeded while queued");
        } else {
            j->started = 1;
            svc_job_run(w, j);
        }

        pthread_mutex_lock(&s->mu);
        s->busy[slot] = NULL;
        s->running--;
        if (s->done_tail) s->done_tail->next = j;
        else s->done_head = j;
        s->done_tail = j;
        /* A job of the client just released may now run on another worker. */
        pthread_cond_broadcast(&s->cv);
        wake_network(s);
    }
    pthread_mutex_unlock(&s->mu);
    return NULL;
}

int svc_enqueue(lcp_service *s, svc_job *j)
{
    pthread_mutex_lock(&s->mu);
    if (s->q_len >= LCP_SERVICE_MAX_QUEUE) {
        pthread_mutex_unlock(&s->mu);
        return LCP_ERR_RANGE;
    }
    j->next = NULL;
    if (s->q_tail) s->q_tail->next = j;
    else s->q_head = j;
    s->q_tail = j;
    s->q_len++;
    s->jobs_out++;
    pthread_cond_broadcast(&s->cv);
    pthread_mutex_unlock(&s->mu);
    return LCP_OK;
}

svc_job *svc_take_done(lcp_service *s)
{
    pthread_mutex_lock(&s->mu);
    svc_job *d = s->done_head;
    s->done_head = s->done_tail = NULL;
    pthread_mutex_unlock(&s->mu);
    return d;
}

void svc_cancel_queued(lcp_service *s)
{
    pthread_mutex_lock(&s->mu);
    for (svc_job *j = s->q_head; j; j = j->next) atomic_store(&j->cancelled, 1);
    pthread_mutex_unlock(&s->mu);
}

unsigned svc_enclave_restarts(lcp_service *s)
{
    unsigned r = 0;
    for (unsigned i = 0; i < s->nworkers; i++) {
        unsigned st = atomic_load(&s->workers[i].starts);
        if (st > 1) r += st - 1;
    }
    return r;
}

int svc_workers_start(lcp_service *s, char *err)
{
    for (unsigned i = 0; i < s->nworkers; i++) {
        svc_worker *w = &s->workers[i];
        w->s = s;
        int rc = pthread_create(&w->thread, NULL, worker_main, w);
        if (rc != 0) {
            svc_workers_stop(s);
            return lcp_fail(err, LCP_ERR_IO, "cannot start worker thread: %s", strerror(rc));
        }
        w->started = 1;
    }
    return LCP_OK;
}

void svc_workers_stop(lcp_service *s)
{
    pthread_mutex_lock(&s->mu);
    s->workers_exit = 1;
    pthread_cond_broadcast(&s->cv);
    pthread_mutex_unlock(&s->mu);
    for (unsigned i = 0; i < s->nworkers; i++)
        if (s->workers[i].started) {
            pthread_join(s->workers[i].thread, NULL);
            s->workers[i].started = 0;
        }
}
