/* The two-thread forms of FastAggregateVerify and the final exponentiation they share (lcp/crypto_bls.h), and the
 * worker that can serve them call after call. Kept apart from bls.c so that the enclave, which verifies on one
 * thread, links none of it. */
#include <pthread.h>
#include <sched.h>
#include <string.h>
#include <time.h>

#include "lcp/crypto_bls.h"
#include "crypto/bls_internal.h"
#include "crypto/bls_consts.h"

static const char DST_POP[] = LCP_BLS_DST_POP;

/* ---- the final exponentiation on two threads (bls_fe_pipe in bls_internal.h) ----
 * The hard part as 3(p^4 - p^2 + 1)/r = l0 + l1 p + l2 p^2 + l3 p^3 with l3 = (x-1)^2, l2 = l3 x,
 * l1 = l3 (x^2 - 1), l0 = l3 (x^3 - x) + 3 (the expansion of the exponent lcp_bls_final_exp uses). With
 * c_i = a^(x^i) and inverses as conjugates (a is cyclotomic):
 *   a^l3 = c2 c1^-2 a,  a^l2 = c3 c2^-2 c1,  a^l1 = c4 c3^-2 c1^2 a^-1,  a^l0 = c5 c4^-2 c2^2 c1^-1 a^3. */

#define FE_BITS 5 /* x's set bits below the top one: 62, 60, 57, 48, 16 */

static int pipe_load(const int *v) { return __atomic_load_n(v, __ATOMIC_ACQUIRE); }
static void pipe_post(int *v, int n) { __atomic_store_n(v, n, __ATOMIC_RELEASE); }

/* Pause-spin for up to ~200 us (longer than any gap between two posts when both threads run), then yield. A
 * yielding loop is no cheaper for the other thread: measured, a sched_yield loop on one core slowed the squaring
 * chain on the other by ~8%, a pause loop by ~1%. */
static void pipe_pause(unsigned spins)
{
    if (spins < 8192) {
#if defined(__x86_64__)
        _mm_pause();
#endif
    } else {
        sched_yield(); /* the other side is not running: give the core away */
    }
}

/* The helper waits until *v >= n; 0 when the caller has stopped needing it. */
static int help_wait(bls_fe_pipe *p, const int *v, int n)
{
    for (unsigned spins = 0; pipe_load(v) < n; spins++) {
        if (pipe_load(&p->stop)) return 0;
        pipe_pause(spins);
    }
    return 1;
}

/* The caller waits a little for the helper's product (it is due within about one multiplication, ~3 us, when both
 * run; 512 pauses are some 10 us): 1 if it came, 0 to compute it itself. */
static int caller_wait(const int *v, int n)
{
    for (unsigned spins = 0; spins < 512; spins++) {
        if (pipe_load(v) >= n) return 1;
#if defined(__x86_64__)
        _mm_pause();
#endif
    }
    return pipe_load(v) >= n;
}

void lcp_bls_fe_pipe_init(bls_fe_pipe *p) { memset(p, 0, sizeof *p); }

/* The caller squares compressed (Karabina, bls_fp12.c) and posts the compressed squares; of x-power i's five, the
 * helper decompresses and multiplies the first FE_HELP[i] (in batches of what has arrived: one inversion each) and
 * the caller the rest with the last square, in one batch after its chain (it needs that square whole to go on).
 * In the last power the helper also combines the powers (fe_combine, some 45 us), so it takes fewer. */
static const int FE_HELP[5] = {4, 4, 4, 4, 2};

/* acc = the product of the n squares decompressed (acc times them when `more`); 0 on a zero b0 (acc then 1 or as
 * it was: a defined value that the caller discards) */
static int cmp_product(bls_fp12 *acc, const bls_cyc_cmp *sq, int n, int more)
{
    bls_fp12 s[LCP_BLS_CYC_BATCH];
    if (!lcp_bls_cyc_decompress(s, sq, (size_t)n)) {
        if (!more) lcp_bls_fp12_set_one(acc);
        return 0;
    }
    for (int m = 0; m < n; m++)
        if (m == 0 && !more)
            *acc = s[0];
        else
            lcp_bls_fp12_mul(acc, acc, &s[m]);
    return 1;
}

static void pipe_bad(bls_fe_pipe *p) { __atomic_store_n(&p->bad, 1, __ATOMIC_RELAXED); }

/* everything but c5: a^l3 frob^3, a^l2 frob^2, a^l1 frob and a^l0 / c5 = conj(c4^2) c2^2 conj(c1) a^3 */
static void fe_combine(bls_fp12 *res, const bls_fp12 c[5])
{
    bls_fp12 c1sq, c2sq, t, u;
    lcp_bls_fp12_cyc_sqr(&c1sq, &c[1]);
    lcp_bls_fp12_cyc_sqr(&c2sq, &c[2]);
    lcp_bls_fp12_conj(&t, &c1sq); /* a^l3 = c2 conj(c1^2) a */
    lcp_bls_fp12_mul(&t, &t, &c[2]);
    lcp_bls_fp12_mul(&t, &t, &c[0]);
    lcp_bls_fp12_frob(res, &t, 3);
    lcp_bls_fp12_conj(&t, &c2sq); /* a^l2 = c3 conj(c2^2) c1 */
    lcp_bls_fp12_mul(&t, &t, &c[3]);
    lcp_bls_fp12_mul(&t, &t, &c[1]);
    lcp_bls_fp12_frob(&t, &t, 2);
    lcp_bls_fp12_mul(res, res, &t);
    lcp_bls_fp12_cyc_sqr(&t, &c[3]); /* a^l1 = c4 conj(c3^2) c1^2 conj(a) */
    lcp_bls_fp12_conj(&t, &t);
    lcp_bls_fp12_mul(&t, &t, &c[4]);
    lcp_bls_fp12_mul(&t, &t, &c1sq);
    lcp_bls_fp12_conj(&u, &c[0]);
    lcp_bls_fp12_mul(&t, &t, &u);
    lcp_bls_fp12_frob(&t, &t, 1);
    lcp_bls_fp12_mul(res, res, &t);
    lcp_bls_fp12_cyc_sqr(&t, &c[4]); /* a^l0 / c5 = conj(c4^2) c2^2 conj(c1) a^3 */
    lcp_bls_fp12_conj(&t, &t);
    lcp_bls_fp12_mul(&t, &t, &c2sq);
    lcp_bls_fp12_conj(&u, &c[1]);
    lcp_bls_fp12_mul(&t, &t, &u);
    lcp_bls_fp12_mul(&t, &t, &c[0]);
    lcp_bls_fp12_mul(res, res, &t);
    lcp_bls_fp12_cyc_sqr(&t, &c[0]);
    lcp_bls_fp12_mul(res, res, &t);
}

void lcp_bls_final_exp_mt(bls_fp12 *r, const bls_fp12 *f, bls_fe_pipe *p)
{
    bls_fp12 t, acc, tail;
    bls_cyc_cmp s, last[FE_BITS + 1];
    const bls_fp12 f_in = *f; /* r may be f */
    lcp_bls_final_exp_easy(&p->c[0], f);
    pipe_post(&p->cs, 1);
    for (int i = 0; i < 5; i++) {
        int posted = 0, h = FE_HELP[i];
        lcp_bls_cyc_compress(&s, &p->c[i]);
        for (int k = 1; k <= 63; k++) {
            lcp_bls_cyc_sqr_cmp(&s, &s);
            if (k < 63 && ((BLS_X_ABS >> k) & 1)) {
                p->snap[i][posted++] = s;
                pipe_post(&p->snaps, FE_BITS * i + posted);
            }
        }
        /* tail = the caller's share: squares h..4 and the last one, c_i^(2^63) */
        int n = FE_BITS - h;
        memcpy(last, &p->snap[i][h], (size_t)n * sizeof last[0]);
        last[n] = s;
        if (!cmp_product(&tail, last, n + 1, 0)) pipe_bad(p);
        if (i < 4) { /* c_(i+1) = conj(acc tail), x being negative */
            if (caller_wait(&p->accs, i + 1))
                acc = p->acc[i];
            else if (!cmp_product(&acc, p->snap[i], h, 0))
                pipe_bad(p);
            lcp_bls_fp12_mul(&t, &acc, &tail);
            lcp_bls_fp12_conj(&p->c[i + 1], &t);
            pipe_post(&p->cs, i + 2);
        } else { /* the result: rest c5 = rest conj(acc tail), with conj(acc) already in rest */
            if (caller_wait(&p->rest_ready, 1)) {
                t = p->rest;
            } else {
                if (!cmp_product(&acc, p->snap[4], h, 0)) pipe_bad(p);
                fe_combine(&t, p->c);
                lcp_bls_fp12_conj(&acc, &acc);
                lcp_bls_fp12_mul(&t, &t, &acc);
            }
            lcp_bls_fp12_conj(&tail, &tail);
            lcp_bls_fp12_mul(r, &t, &tail);
        }
    }
    pipe_post(&p->stop, 1);
    /* a zero b0 somewhere (an input in the subfield Fp4, see bls_fp12.c): the values above are not the squares, so
     * the single-thread form, which falls back to uncompressed squarings, computes it. The helper's flag is read
     * after the acquire of what it posted, or the caller made that value itself. */
    if (__atomic_load_n(&p->bad, __ATOMIC_RELAXED)) lcp_bls_final_exp(r, &f_in);
}

void lcp_bls_final_exp_help(bls_fe_pipe *p)
{
    bls_fp12 acc, res;
    for (int i = 0; i < 5; i++) {
        int h = FE_HELP[i];
        if (i == 4) { /* c4 is there: the combination first, in the time of the last x-power's squarings */
            if (!help_wait(p, &p->cs, 5)) return;
            fe_combine(&res, p->c);
        }
        for (int m = 0; m < h;) { /* all the squares that have arrived (at least one) in one batch */
            if (!help_wait(p, &p->snaps, FE_BITS * i + m + 1)) return;
            int have = pipe_load(&p->snaps) - FE_BITS * i;
            if (have > h) have = h;
            if (!cmp_product(&acc, &p->snap[i][m], have - m, m > 0)) pipe_bad(p);
            m = have;
        }
        if (i < 4) {
            p->acc[i] = acc;
            pipe_post(&p->accs, i + 1);
        } else {
            lcp_bls_fp12_conj(&acc, &acc);
            lcp_bls_fp12_mul(&p->rest, &res, &acc);
            pipe_post(&p->rest_ready, 1);
        }
    }
}

/* Miller loop of e(-G1, sig) */
static void sig_side(bls_fp12 *f, const bls_g2 *sig)
{
    bls_pair pr;
    if (lcp_bls_g2_is_inf(sig)) {
        lcp_bls_fp12_set_one(f);
        return;
    }
    pr.x = BLS_G1X;
    pr.y = BLS_G1Y_NEG;
    lcp_bls_g2_to_affine(&pr.qx, &pr.qy, sig);
    lcp_bls_miller_loop(f, &pr, 1);
}

/* ---- two threads. The pieces: aggregation (A), hash to G2 (H), signature decompression (D), one Miller loop each
 * side (M), the G2 subgroup check of the signature (S) and the final exponentiation (F), which needs both Miller
 * loops and so runs alone. The caller hashes the message to G2, sums keys and runs the Miller loop of
 * e(agg, H(m)); the worker sums keys, decompresses the signature and runs the Miller loop of e(-G1, sig). The keys
 * go in chunks to whichever thread asks first: the worker starts late (on this VM 30-130 us after pthread_create)
 * and by an amount nobody knows in advance, so it gets the pieces with the least fixed work (D + M, against H + M)
 * and the chunks balance the rest. Only the verdict needs the subgroup check: the worker runs it while the caller
 * runs the final exponentiation's squarings, and then multiplies alongside them (lcp_bls_final_exp_mt). ---- */

#define MT_CHUNK 16 /* keys per claim: ~7 us of additions */

typedef struct {
    const lcp_bls_pubkey *pks;
    size_t n;
    const uint8_t *bits;
    const uint8_t *sig_bytes;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    size_t cursor; /* the next unclaimed key, claimed atomically */
    /* the worker's, each written before its flag is posted */
    int part_ready, ml_ready;
    bls_g1 part; /* its partial sum */
    size_t part_count;
    int sig_ok, f_done; /* the signature decompressed; f holds its Miller loop (else the loop is 1: infinity) */
    bls_fp12 f;
    int sig_in_g2; /* its subgroup check (read after `finished`) */
    int finished;  /* its last write: it touches the job no more */
    /* the caller's */
    int agg_state; /* 1: the aggregate key is usable, 2: it is not (no key, or infinity) */
    bls_fe_pipe pipe;
} msg_job;

/* Wait for the other thread's flag: spin a little first (the paths are balanced, so the wait is short, and waking a
 * sleeping thread costs tens of microseconds), then sleep on the condition variable. Flags are written under the
 * mutex with atomic stores, so the spin's atomic loads race with nothing. */
static void job_wait(msg_job *j, const int *flag)
{
    for (unsigned spins = 0; spins < 4096 && !__atomic_load_n(flag, __ATOMIC_ACQUIRE); spins++) {
#if defined(__x86_64__)
        _mm_pause();
#endif
    }
    pthread_mutex_lock(&j->mu);
    while (!__atomic_load_n(flag, __ATOMIC_ACQUIRE)) pthread_cond_wait(&j->cv, &j->mu);
    pthread_mutex_unlock(&j->mu);
}

static void job_post(msg_job *j, int *flag, int value)
{
    pthread_mutex_lock(&j->mu);
    __atomic_store_n(flag, value, __ATOMIC_RELEASE);
    pthread_cond_broadcast(&j->cv);
    pthread_mutex_unlock(&j->mu);
}

/* this thread's share of the keys: chunks until none is left */
static void sum_chunks(msg_job *j, bls_g1 *acc, size_t *count)
{
    lcp_bls_g1_set_inf(acc);
    *count = 0;
    for (;;) {
        size_t from = __atomic_fetch_add(&j->cursor, (size_t)MT_CHUNK, __ATOMIC_RELAXED);
        if (from >= j->n) return;
        lcp_bls_aggregate_more(acc, count, j->pks, from, j->n - from < MT_CHUNK ? j->n : from + MT_CHUNK, j->bits);
    }
}

static void msg_run(msg_job *j)
{
    bls_g2 s;
    sum_chunks(j, &j->part, &j->part_count);
    job_post(j, &j->part_ready, 1);
    j->sig_ok = lcp_bls_g2_decompress(&s, j->sig_bytes);
    if (j->sig_ok && !lcp_bls_g2_is_inf(&s)) {
        sig_side(&j->f, &s);
        j->f_done = 1;
    }
    job_post(j, &j->ml_ready, 1);
    /* then the subgroup check, while the caller starts the final exponentiation, and the helper's part of it, which
     * the caller runs on the same condition */
    if (j->sig_ok) j->sig_in_g2 = lcp_bls_g2_is_inf(&s) || lcp_bls_g2_in_subgroup(&s);
    job_wait(j, &j->agg_state);
    if (j->agg_state == 1 && j->sig_ok) lcp_bls_final_exp_help(&j->pipe);
    __atomic_store_n(&j->finished, 1, __ATOMIC_RELEASE);
}

/* a thread for one call */
static void *msg_thread(void *arg)
{
    msg_run(arg);
    return NULL;
}

/* ---- the kept worker ----
 * States: spinning (polling for a job, for spin_us after its last job or a wake, unless parked) or asleep on cv.
 * A job, a wake, a park and the stop are posted under mu and read atomically while spinning. */

struct lcp_bls_worker {
    pthread_t th;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    msg_job *job;      /* posted by the caller, taken by the worker */
    int kick;          /* a wake: spin again */
    int park;          /* stop spinning now */
    int stop;          /* exit */
    int busy;          /* a call is using the worker (a second concurrent caller starts its own thread) */
    uint64_t spin_ns;
};

static uint64_t mono_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

/* a job if one is posted within spin_ns (and no park or stop comes first), else NULL */
static msg_job *worker_spin(lcp_bls_worker *w)
{
    uint64_t t0 = mono_ns();
    for (unsigned i = 0;; i++) {
        msg_job *j = __atomic_load_n(&w->job, __ATOMIC_ACQUIRE);
        if (j) return j;
        if (__atomic_load_n(&w->park, __ATOMIC_ACQUIRE) || __atomic_load_n(&w->stop, __ATOMIC_ACQUIRE)) return NULL;
        if ((i & 63) == 63 && mono_ns() - t0 >= w->spin_ns) return NULL;
#if defined(__x86_64__)
        _mm_pause();
#endif
    }
}

static void *worker_main(void *arg)
{
    lcp_bls_worker *w = arg;
    for (;;) {
        msg_job *j = worker_spin(w);
        if (!j) {
            int stop;
            pthread_mutex_lock(&w->mu);
            while (!(j = w->job) && !w->kick && !w->stop) pthread_cond_wait(&w->cv, &w->mu);
            w->kick = 0;
            stop = w->stop;
            pthread_mutex_unlock(&w->mu);
            if (!j && stop) return NULL;
            if (!j) continue; /* woken: spin, waiting for the job */
        }
        __atomic_store_n(&w->job, NULL, __ATOMIC_RELEASE);
        msg_run(j);
    }
}

static void worker_post(lcp_bls_worker *w, msg_job *j, int kick, int park, int stop)
{
    pthread_mutex_lock(&w->mu);
    if (j) __atomic_store_n(&w->job, j, __ATOMIC_RELEASE);
    if (kick) __atomic_store_n(&w->kick, 1, __ATOMIC_RELEASE);
    __atomic_store_n(&w->park, park, __ATOMIC_RELEASE);
    if (stop) __atomic_store_n(&w->stop, 1, __ATOMIC_RELEASE);
    pthread_cond_signal(&w->cv);
    pthread_mutex_unlock(&w->mu);
}

int lcp_bls_worker_new(lcp_bls_worker **out, unsigned spin_us, char *err)
{
    LCP_ARG_CHECK(out != NULL);
    *out = NULL;
    lcp_bls_worker *w = lcp_calloc(1, sizeof *w);
    if (!w) return lcp_fail(err, LCP_ERR_NOMEM, "out of memory");
    w->spin_ns = (uint64_t)spin_us * 1000u;
    w->park = 1; /* asleep until the first wake or job */
    if (pthread_mutex_init(&w->mu, NULL) != 0) {
        lcp_free(w);
        return lcp_fail(err, LCP_ERR_NOMEM, "BLS worker: cannot make a mutex");
    }
    if (pthread_cond_init(&w->cv, NULL) != 0) {
        pthread_mutex_destroy(&w->mu);
        lcp_free(w);
        return lcp_fail(err, LCP_ERR_NOMEM, "BLS worker: cannot make a condition variable");
    }
    if (pthread_create(&w->th, NULL, worker_main, w) != 0) {
        pthread_cond_destroy(&w->cv);
        pthread_mutex_destroy(&w->mu);
        lcp_free(w);
        return lcp_fail(err, LCP_ERR_NOMEM, "BLS worker: cannot start a thread (out of resources)");
    }
    *out = w;
    return LCP_OK;
}

void lcp_bls_worker_free(lcp_bls_worker *w)
{
    if (!w) return;
    worker_post(w, NULL, 0, 1, 1);
    pthread_join(w->th, NULL);
    pthread_cond_destroy(&w->cv);
    pthread_mutex_destroy(&w->mu);
    lcp_free(w);
}

void lcp_bls_worker_wake(lcp_bls_worker *w)
{
    if (w) worker_post(w, NULL, 1, 0, 0);
}

void lcp_bls_worker_park(lcp_bls_worker *w)
{
    if (w) worker_post(w, NULL, 0, 1, 0);
}

/* the caller's side: the aggregate key's verdict (rc) and, when usable, the Miller loop of e(agg, H(m)) in *f */
static int caller_miller(msg_job *j, bls_fp12 *f, const uint8_t *msg, size_t msg_len, char *err)
{
    bls_g2 h;
    bls_pair pr;
    bls_g1 acc;
    size_t count;
    (void)lcp_bls_hash_to_g2(&h, msg, msg_len, (const uint8_t *)DST_POP, sizeof DST_POP - 1);
    if (!lcp_bls_g2_is_inf(&h)) lcp_bls_g2_to_affine(&pr.qx, &pr.qy, &h);
    sum_chunks(j, &acc, &count);
    job_wait(j, &j->part_ready);
    lcp_bls_g1_add(&acc, &acc, &j->part);
    count += j->part_count;
    lcp_bls_pubkey agg;
    lcp_bls_g1_to_pubkey(&agg, &acc);
    int rc = LCP_OK;
    if (count == 0)
        rc = lcp_fail(err, LCP_ERR_CRYPTO_VERIFY, "BLS FastAggregateVerify: no public key");
    else if (agg.infinity)
        rc = lcp_fail(err, LCP_ERR_CRYPTO_VERIFY, "BLS aggregate public key is the point at infinity");
    job_post(j, &j->agg_state, rc == LCP_OK ? 1 : 2);
    lcp_bls_fp12_set_one(f);
    if (rc != LCP_OK || lcp_bls_g2_is_inf(&h)) return rc; /* e(agg, O) = 1; not reachable for SHA-256 outputs */
    memcpy(pr.x.l, agg.x, sizeof pr.x.l);
    memcpy(pr.y.l, agg.y, sizeof pr.y.l);
    lcp_bls_miller_loop(f, &pr, 1);
    return rc;
}

/* Hand the job to the kept worker (2), or else to a new thread (1); 0 when neither can take it. */
static int job_start(msg_job *j, lcp_bls_worker *w)
{
    if (w && !__atomic_exchange_n(&w->busy, 1, __ATOMIC_ACQ_REL)) {
        worker_post(w, j, 0, 0, 0);
        return 2;
    }
    pthread_t th;
    if (pthread_create(&th, NULL, msg_thread, j) != 0) return 0;
    pthread_detach(th);
    return 1;
}

int lcp_bls_fast_aggregate_verify_mt(lcp_bls_worker *w, const lcp_bls_pubkey *pks, size_t n, const uint8_t *bits,
                                     const uint8_t *msg, size_t msg_len, const uint8_t sig[LCP_BLS_SIG_LEN],
                                     char *err)
{
    LCP_ARG_CHECK((pks != NULL || n == 0) && (msg != NULL || msg_len == 0) && sig != NULL);
    msg_job j = {.pks = pks, .n = n, .bits = bits, .sig_bytes = sig};
    lcp_bls_fe_pipe_init(&j.pipe);
    if (pthread_mutex_init(&j.mu, NULL) != 0) return lcp_bls_fast_aggregate_verify(pks, n, bits, msg, msg_len, sig, err);
    if (pthread_cond_init(&j.cv, NULL) != 0) {
        pthread_mutex_destroy(&j.mu);
        return lcp_bls_fast_aggregate_verify(pks, n, bits, msg, msg_len, sig, err);
    }
    int started = job_start(&j, w);
    if (!started) { /* no thread available: the same work in sequence */
        pthread_cond_destroy(&j.cv);
        pthread_mutex_destroy(&j.mu);
        return lcp_bls_fast_aggregate_verify(pks, n, bits, msg, msg_len, sig, err);
    }
    bls_fp12 f;
    int rc = caller_miller(&j, &f, msg, msg_len, err);
    job_wait(&j, &j.ml_ready);
    int verified = 0;
    if (rc == LCP_OK && j.sig_ok) { /* the worker now checks the subgroup, then helps */
        if (j.f_done) lcp_bls_fp12_mul(&f, &f, &j.f);
        lcp_bls_final_exp_mt(&f, &f, &j.pipe);
        verified = lcp_bls_fp12_is_one(&f);
    }
    /* Not joined: waiting for a thread's exit costs a wake-up; the worker's last write says it is done with the job
     * (normally before the caller's last multiplication); a thread of its own then exits on its own, the kept
     * worker goes back to spinning for the next call. */
    for (unsigned spins = 0; !__atomic_load_n(&j.finished, __ATOMIC_ACQUIRE); spins++) {
        if (spins < 4096) {
#if defined(__x86_64__)
            _mm_pause();
#endif
        } else {
            sched_yield();
        }
    }
    pthread_cond_destroy(&j.cv);
    pthread_mutex_destroy(&j.mu);
    if (started == 2) __atomic_store_n(&w->busy, 0, __ATOMIC_RELEASE);
    if (rc != LCP_OK) return rc; /* the aggregate's verdict comes first, as in the single-thread function */
    if (!j.sig_ok || !j.sig_in_g2)
        return lcp_fail(err, LCP_ERR_CRYPTO_SIG, "BLS signature: bad encoding, not on the curve or not in G2");
    if (!verified) return lcp_fail(err, LCP_ERR_CRYPTO_VERIFY, "BLS aggregate signature does not verify");
    return LCP_OK;
}

int lcp_bls_eth_fast_aggregate_verify_mt(lcp_bls_worker *w, const lcp_bls_pubkey *pks, size_t n,
                                         const uint8_t *bits, const uint8_t *msg, size_t msg_len,
                                         const uint8_t sig[LCP_BLS_SIG_LEN], char *err)
{
    LCP_ARG_CHECK((pks != NULL || n == 0) && (msg != NULL || msg_len == 0) && sig != NULL);
    if (lcp_bls_participants(bits, n) == 0 && lcp_bls_sig_is_infinity(sig)) return LCP_OK;
    return lcp_bls_fast_aggregate_verify_mt(w, pks, n, bits, msg, msg_len, sig, err);
}

