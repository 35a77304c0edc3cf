/* Parallel commit-signature verification (lcp/elc_tendermint.h lcp_tm_set_verify_threads, tm_internal.h
 * tm_votes_preverify): a small pool of worker threads that checks, ahead of the tallies, the signatures the tallies
 * are going to examine. The tallies themselves stay sequential and read the recorded verdicts, so what is
 * accepted, what is refused and the reason given are those of the sequential path by construction.
 *
 * Why plan "as if all were valid": a tally walks its set in order and stops at its threshold or at the first invalid
 * signature. Up to that first invalid one it walks exactly the votes a fully valid commit would make it walk, so
 * verifying that set (a few more than needed when something is invalid) covers every vote the tally reads.
 *
 * The pool is process-wide (light clients have no context of their own): workers start on first use, wait on a
 * condition variable between jobs, and take items by an atomic counter; the calling thread works too. One job at a
 * time: a second concurrent verification does not wait, it runs sequentially. Thread stacks are small because the
 * enclave process locks all its memory (mlockall MCL_FUTURE); a worker needs only sign bytes and one ed25519 check.
 * If threads cannot be created (limits, a sandbox), verification continues with whoever is there - at worst the
 * caller alone. The enclave's seccomp filter allows what this needs (clone/clone3, futex, mmap/mprotect/munmap,
 * madvise, set_robust_list, rseq). */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tm_internal.h"

#define TM_MAX_THREADS 64
#ifdef __SANITIZE_ADDRESS__
#define TM_WORKER_STACK (1u << 20) /* ASan's redzones and fake stacks */
#else
#define TM_WORKER_STACK (64u << 10) /* 4x what was measured to suffice (16 KiB) */
#endif

typedef struct {
    tm_vote *vote;
    const uint8_t *pub_key;
} job_item;

typedef struct {
    const lcp_tm_signed_header *sh;
    job_item *items;
    size_t n;
    atomic_size_t next;
} job;

static struct {
    pthread_mutex_t job_lock; /* held by the verification that owns the pool */
    pthread_mutex_t mu;       /* guards the fields below */
    pthread_cond_t work_cv, done_cv;
    pthread_t tid[TM_MAX_THREADS];
    uint64_t gen0[TM_MAX_THREADS]; /* generation at each worker's creation */
    unsigned started;   /* workers running */
    unsigned want;      /* configured threads, caller included (>= 1) */
    unsigned online;    /* CPUs online at startup: the default */
    unsigned busy;      /* workers still on the current job */
    uint64_t generation;
    job *current;
    int stop;
} pool = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, PTHREAD_COND_INITIALIZER,
          {0}, {0}, 0, 1, 1, 0, 0, NULL, 0};

/* The default, fixed before main: the online CPUs (counted now, because the enclave's sandbox later refuses the
 * /sys read behind sysconf), or LCP_VERIFY_THREADS from the environment (1..64; the host passes its environment to
 * lcp-enclave). The count changes nothing but speed, so an untrusted host may well choose it. */
__attribute__((constructor)) static void count_cpus(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    const char *env = getenv("LCP_VERIFY_THREADS");
    if (env != NULL && *env != '\0') {
        char *end;
        long v = strtol(env, &end, 10);
        if (*end == '\0' && v >= 1 && v <= TM_MAX_THREADS) n = v;
    }
    pool.online = n < 1 ? 1 : n > TM_MAX_THREADS ? TM_MAX_THREADS : (unsigned)n;
    pool.want = pool.online;
}

static void run_items(job *j)
{
    for (;;) {
        size_t i = atomic_fetch_add_explicit(&j->next, 1, memory_order_relaxed);
        if (i >= j->n) return;
        int rc = tm_vote_check(j->items[i].vote, j->sh, j->items[i].pub_key, NULL);
        /* any other failure stays unchecked: the tally rebuilds it and reports that error itself */
        if (rc == LCP_OK) j->items[i].vote->verified = TM_VOTE_VALID;
        else if (rc == LCP_ERR_TM_SIGNATURE) j->items[i].vote->verified = TM_VOTE_INVALID;
    }
}

static void *worker(void *arg)
{
    pthread_mutex_lock(&pool.mu);
    /* the generation current when this worker was created: only later jobs are its business */
    uint64_t seen = *(const uint64_t *)arg;
    for (;;) {
        while (!pool.stop && pool.generation == seen) pthread_cond_wait(&pool.work_cv, &pool.mu);
        if (pool.stop) break;
        seen = pool.generation;
        job *j = pool.current;
        pthread_mutex_unlock(&pool.mu);
        run_items(j);
        pthread_mutex_lock(&pool.mu);
        if (--pool.busy == 0) pthread_cond_signal(&pool.done_cv);
    }
    pthread_mutex_unlock(&pool.mu);
    return NULL;
}

/* With job_lock held. */
static void stop_workers(void)
{
    pthread_mutex_lock(&pool.mu);
    pool.stop = 1;
    pthread_cond_broadcast(&pool.work_cv);
    pthread_mutex_unlock(&pool.mu);
    for (unsigned i = 0; i < pool.started; i++) pthread_join(pool.tid[i], NULL);
    pool.started = 0;
    pool.stop = 0;
}

#ifdef __SANITIZE_ADDRESS__
#include <sched.h>
/* ASan's thread start calls pthread_getattr_np, which asks sched_getaffinity; the enclave's seccomp filter refuses
 * that, and ASan then aborts the process. The sanitizer build of the sandboxed enclave therefore verifies
 * sequentially; release builds (and sanitizer builds outside the sandbox) use the pool. */
static int threads_possible(void)
{
    cpu_set_t set;
    return sched_getaffinity(0, sizeof set, &set) == 0;
}
#else
static int threads_possible(void) { return 1; }
#endif

/* With job_lock held: brings the pool to want - 1 workers, or as many as the system allows. */
static void start_workers(void)
{
    if (pool.started + 1 > pool.want) stop_workers();
    if (pool.started + 1 >= pool.want || !threads_possible()) return;
    pthread_attr_t attr;
    if (pthread_attr_init(&attr) != 0) return;
    (void)pthread_attr_setstacksize(&attr, TM_WORKER_STACK);
    while (pool.started + 1 < pool.want) {
        pool.gen0[pool.started] = pool.generation; /* stable: jobs are posted under job_lock, which we hold */
        if (pthread_create(&pool.tid[pool.started], &attr, worker, &pool.gen0[pool.started]) != 0) break;
        pool.started++;
    }
    pthread_attr_destroy(&attr);
}

/* fork() copies the pool's memory but not its threads: the child starts over with none. */
static void atfork_prepare(void) { pthread_mutex_lock(&pool.job_lock); }
static void atfork_parent(void) { pthread_mutex_unlock(&pool.job_lock); }
static void atfork_child(void)
{
    pthread_mutex_init(&pool.mu, NULL);
    pthread_cond_init(&pool.work_cv, NULL);
    pthread_cond_init(&pool.done_cv, NULL);
    pool.started = 0;
    pool.busy = 0;
    pool.current = NULL;
    pthread_mutex_unlock(&pool.job_lock);
}

static pthread_once_t atfork_once = PTHREAD_ONCE_INIT;
static void install_atfork(void) { (void)pthread_atfork(atfork_prepare, atfork_parent, atfork_child); }

void lcp_tm_set_verify_threads(unsigned n)
{
    pthread_once(&atfork_once, install_atfork);
    pthread_mutex_lock(&pool.job_lock);
    if (n == 0) n = pool.online;
    pool.want = n > TM_MAX_THREADS ? TM_MAX_THREADS : n;
    if (pool.started + 1 > pool.want) stop_workers();
    pthread_mutex_unlock(&pool.job_lock);
}

unsigned lcp_tm_verify_threads(void)
{
    pthread_mutex_lock(&pool.job_lock);
    unsigned n = pool.want;
    pthread_mutex_unlock(&pool.job_lock);
    return n;
}

/* Marks the votes one tally would examine if every signature were valid, appending them to items. */
static void plan(tm_votes *v, const tm_tally_plan *p, job_item *items, size_t *n)
{
    int64_t sum = 0;
    for (size_t i = 0; i < p->vals->n; i++) {
        const lcp_tm_validator *val = &p->vals->v[i];
        tm_vote *vote = tm_votes_find(v, val->address);
        if (vote == NULL) continue;
        /* the first tally to meet a vote is the one that checks it, with its validator's key */
        if (!vote->planned_ && vote->verified == TM_VOTE_UNCHECKED) {
            vote->planned_ = 1;
            items[(*n)++] = (job_item){vote, val->pub_key};
        }
        sum += val->power; /* bounded by the decoder: no overflow */
        if (tm_mul_gt((uint64_t)sum, p->den, (uint64_t)p->vals->total_power, p->num)) break;
    }
}

void tm_votes_preverify(tm_votes *v, const tm_tally_plan *plans, size_t n_plans)
{
    pthread_once(&atfork_once, install_atfork);
    if (pthread_mutex_trylock(&pool.job_lock) != 0) return; /* another verification has the pool */
    if (pool.want <= 1 || v->n < 2) {
        pthread_mutex_unlock(&pool.job_lock);
        return;
    }
    job_item items[LCP_TM_MAX_VALIDATORS];
    size_t n = 0;
    for (size_t k = 0; k < n_plans; k++) plan(v, &plans[k], items, &n);
    for (size_t i = 0; i < n; i++) items[i].vote->planned_ = 0;
    if (n >= 2) start_workers();
    if (n < 2 || pool.started == 0) {
        pthread_mutex_unlock(&pool.job_lock);
        return; /* nothing to share: the tallies check as they go */
    }
    job j;
    j.sh = v->sh;
    j.items = items;
    j.n = n;
    atomic_init(&j.next, 0);
    pthread_mutex_lock(&pool.mu);
    pool.current = &j;
    pool.busy = pool.started;
    pool.generation++;
    pthread_cond_broadcast(&pool.work_cv);
    pthread_mutex_unlock(&pool.mu);
    run_items(&j);
    pthread_mutex_lock(&pool.mu);
    while (pool.busy != 0) pthread_cond_wait(&pool.done_cv, &pool.mu);
    pool.current = NULL;
    pthread_mutex_unlock(&pool.mu);
    pthread_mutex_unlock(&pool.job_lock);
}
