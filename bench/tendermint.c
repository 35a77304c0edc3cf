/* The 07-tendermint light client's update_client, against its floor, and the enclave process's memory.
 *  - update_client through the ELC vtable (header decoding, both validator sets, header and set hashes, commit
 *    shape, trust and 2/3 tallies, StateIDs, the proxy message) on a generated chain of 150 validators of equal
 *    power: adjacent (the 2/3 tally checks 101 signatures) and skipping (the 1/3 trust tally's 51 are among them).
 *    Floor = 101 x one bare lcp_ed25519_verify (libsodium) of a real vote, measured in the same run. With 1 thread
 *    (sequential path) and with 2 (the worker pool, lcp_tm_set_verify_threads). Targets: <= 1.15x and <= 0.6x.
 *  - Memory: the light client's own heap during that update (peak bytes through lcp_malloc, counted by an
 *    allocator hook), and the real sandboxed lcp-enclave process's peak RSS (VmHWM in /proc/PID/status, read by
 *    the host) before and after a 150-validator update through an ECALL. The process locks all its memory
 *    (mlockall), so every page it ever mapped is resident and VmHWM bounds its peak heap from above. Target: peak
 *    heap <= 8 MiB. Also the ECALL's wall time (includes the durable LMDB commit of the host's transaction). */
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "lcp/crypto.h"
#include "lcp/elc_tendermint.h"
#include "lcp/host.h"
#include "host/host_frames.h"
#include "lcp/host_enclave.h"
#include "lcp/tee_sim.h"
#include "tmchain.h"

#define NVALS 150
#define T0 1700000000
#define CID "07-tendermint-0"

static void die(const char *what)
{
    fprintf(stderr, "tendermint bench: %s\n", what);
    exit(1);
}

typedef struct {
    tmc_memstore *m;
    lcp_buf hdr;
    uint64_t now;
    uint8_t msg[LCP_TM_SIGN_BYTES_MAX], sig[64], pk[32];
    size_t msg_len;
} ctx;

static int update_once(void *arg)
{
    ctx *c = arg;
    lcp_pb_any a = tmc_any(TMC_T_HEADER, &c->hdr);
    lcp_elc_env env = tmc_memstore_env(c->m, c->now);
    lcp_elc_result r;
    memset(&r, 0, sizeof r);
    int rc = lcp_elc_tendermint.update_client(&env, &r, CID, &a, 0, NULL);
    lcp_elc_result_free(&r);
    return rc;
}

static int bare_verify(void *arg)
{
    ctx *c = arg;
    return lcp_ed25519_verify(c->sig, c->msg, c->msg_len, c->pk) == LCP_OK ? 0 : 1;
}

/* The first vote of a header, as the verifier sees it: its sign bytes, signature and validator key. */
static void first_vote(ctx *c, const tmc_chain *ch)
{
    lcp_tm_ibc_header h;
    lcp_tm_commit_sig s;
    if (lcp_tm_decode_ibc_header(&h, c->hdr.data, c->hdr.len, NULL) != LCP_OK) die("own header");
    if (lcp_tm_commit_sig_at(&s, &h.signed_header.commit, 0) != LCP_OK) die("own commit");
    if (lcp_tm_vote_sign_bytes(c->msg, sizeof c->msg, &c->msg_len, h.signed_header.header.chain_id.ptr,
                               h.signed_header.header.chain_id.len, &h.signed_header.commit, &s, NULL) != LCP_OK)
        die("sign bytes");
    memcpy(c->sig, s.signature.ptr, 64);
    memcpy(c->pk, tmc_block_vals(ch, 2)->v[0].pk, 32);
}

/* Decoding alone (the codec_pb tables of tm_decode.c and tm_valset.c): the IBC header and both validator sets
 * an update reads, to see what share of update_client the wire format takes. */
static int decode_once(void *arg)
{
    ctx *c = arg;
    static lcp_tm_ibc_header h;
    static lcp_tm_valset vs;
    if (lcp_tm_decode_ibc_header(&h, c->hdr.data, c->hdr.len, NULL) != LCP_OK) return 1;
    if (lcp_tm_decode_valset(&vs, h.validator_set.ptr, h.validator_set.len, NULL) != LCP_OK) return 1;
    return lcp_tm_decode_valset(&vs, h.trusted_validators.ptr, h.trusted_validators.len, NULL) != LCP_OK;
}

/* ---- how many CPUs this machine really gives us right now ----
 * Two threads verify signatures side by side for a fixed time; their combined rate over one thread's rate is the
 * parallelism the 2-thread figure can hope for (on a shared machine, other load takes its share). */
typedef struct {
    ctx *c;
    uint64_t until, ops;
} spin_arg;

static void *spin_verify(void *arg)
{
    spin_arg *a = arg;
    while (lcp_bench_now_ns() < a->until) {
        if (bare_verify(a->c) != 0) break;
        a->ops++;
    }
    return NULL;
}

static double verifies_per_s(ctx *c, int threads)
{
    spin_arg a[2] = {{c, lcp_bench_now_ns() + 500000000ull, 0}, {c, 0, 0}};
    a[1].until = a[0].until;
    pthread_t t;
    if (threads == 2 && pthread_create(&t, NULL, spin_verify, &a[1]) != 0) die("pthread_create");
    uint64_t start = lcp_bench_now_ns();
    spin_verify(&a[0]);
    if (threads == 2) pthread_join(t, NULL);
    return (double)(a[0].ops + a[1].ops) * 1e9 / (double)(lcp_bench_now_ns() - start);
}

/* ---- a counting allocator for lcp_malloc ---- */
static size_t heap_cur, heap_peak;
#define HDR 16
static void *count_malloc(size_t n, void *d)
{
    (void)d;
    size_t *p = malloc(n + HDR);
    if (p == NULL) return NULL;
    p[0] = n;
    heap_cur += n;
    if (heap_cur > heap_peak) heap_peak = heap_cur;
    return (char *)p + HDR;
}
static void count_free(void *q, void *d)
{
    (void)d;
    if (q == NULL) return;
    size_t *p = (size_t *)(void *)((char *)q - HDR);
    heap_cur -= p[0];
    free(p);
}
static void *count_realloc(void *q, size_t n, void *d)
{
    if (q == NULL) return count_malloc(n, d);
    size_t *p = (size_t *)(void *)((char *)q - HDR), old = p[0];
    size_t *r = realloc(p, n + HDR);
    if (r == NULL) return NULL;
    r[0] = n;
    heap_cur = heap_cur - old + n;
    if (heap_cur > heap_peak) heap_peak = heap_cur;
    return (char *)r + HDR;
}

static long proc_status(pid_t pid, const char *field)
{
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    FILE *f = fopen(path, "r");
    if (f == NULL) return -1;
    long v = -1;
    size_t fl = strlen(field);
    while (fgets(line, sizeof line, f))
        if (strncmp(line, field, fl) == 0 && line[fl] == ':') v = strtol(line + fl + 1, NULL, 10);
    fclose(f);
    return v;
}

/* ---- the real enclave process ---- */
typedef struct {
    lcp_host *h;
    uint8_t addr[20];
    const lcp_buf *hdr;
    uint64_t now;
} proc_ctx;

static int proc_update(void *arg)
{
    proc_ctx *p = arg;
    Lcp__Enclave__V1__EcallRequest req = LCP__ENCLAVE__V1__ECALL_REQUEST__INIT;
    Lcp__Enclave__V1__UpdateClient uc = LCP__ENCLAVE__V1__UPDATE_CLIENT__INIT;
    Lcp__Enclave__V1__Any a = LCP__ENCLAVE__V1__ANY__INIT;
    Lcp__Enclave__V1__EcallResponse *resp = NULL;
    a.type_url = TMC_T_HEADER;
    a.value.data = p->hdr->data;
    a.value.len = p->hdr->len;
    uc.client_id = CID;
    uc.header = &a;
    uc.signer.data = p->addr;
    uc.signer.len = 20;
    req.command_case = LCP__ENCLAVE__V1__ECALL_REQUEST__COMMAND_UPDATE_CLIENT;
    req.update_client = &uc;
    req.current_time_ns = p->now;
    char err[LCP_ERR_LEN] = "";
    int rc = lcp_host_run_frame(p->h, &req, p->addr, 1, &resp, err);
    if (rc != LCP_OK) fprintf(stderr, "enclave update: %s\n", err);
    if (resp) lcp__enclave__v1__ecall_response__free_unpacked(resp, NULL);
    return rc == LCP_OK ? 0 : 1;
}

static void enclave_process(const tmc_chain *ch, const lcp_buf *hdr, uint64_t now, const char *self)
{
    char tmp[] = "/tmp/lcp-bench-tm-XXXXXX", home[PATH_MAX], plat[PATH_MAX], bin[PATH_MAX], err[LCP_ERR_LEN] = "";
    if (mkdtemp(tmp) == NULL) die("mkdtemp");
    snprintf(home, sizeof home, "%s/home", tmp);
    snprintf(plat, sizeof plat, "%s/platform", tmp);
    /* build/rel/bench/tendermint -> build/rel/bin/lcp-enclave */
    snprintf(bin, sizeof bin, "%s", self);
    char *slash = strstr(bin, "/bench/");
    if (slash == NULL) die("cannot find lcp-enclave beside the bench");
    snprintf(slash, sizeof bin - (size_t)(slash - bin), "/bin/lcp-enclave");
    if (access(bin, X_OK) != 0) {
        printf("enclave process: %s not built, skipped (make %s)\n", bin, bin);
        return;
    }
    if (lcp_tee_sim_init(NULL, plat, 0, err) != LCP_OK) die(err);
    proc_ctx p = {NULL, {0}, hdr, now};
    lcp_host_options o = {home, plat, bin, "sim"};
    if (lcp_host_open(&p.h, &o, err) != LCP_OK || lcp_host_generate_key(p.h, p.addr, NULL, err) != LCP_OK) die(err);
    lcp_buf cs = {0}, cons = {0};
    tmc_client_state(&cs, ch, 1, NULL);
    tmc_consensus_state(&cons, ch, 1);
    Lcp__Enclave__V1__EcallRequest req = LCP__ENCLAVE__V1__ECALL_REQUEST__INIT;
    Lcp__Enclave__V1__InitClient ic = LCP__ENCLAVE__V1__INIT_CLIENT__INIT;
    Lcp__Enclave__V1__Any a1 = LCP__ENCLAVE__V1__ANY__INIT, a2 = LCP__ENCLAVE__V1__ANY__INIT;
    a1.type_url = TMC_T_CS;
    a1.value.data = cs.data;
    a1.value.len = cs.len;
    a2.type_url = TMC_T_CONS;
    a2.value.data = cons.data;
    a2.value.len = cons.len;
    ic.client_id = "";
    ic.client_state = &a1;
    ic.consensus_state = &a2;
    ic.signer.data = p.addr;
    ic.signer.len = 20;
    req.command_case = LCP__ENCLAVE__V1__ECALL_REQUEST__COMMAND_INIT_CLIENT;
    req.init_client = &ic;
    req.current_time_ns = now;
    Lcp__Enclave__V1__EcallResponse *resp = NULL;
    if (lcp_host_run_frame(p.h, &req, p.addr, 1, &resp, err) != LCP_OK) die(err);
    lcp__enclave__v1__ecall_response__free_unpacked(resp, NULL);
    pid_t pid = lcp_host_enclave_pid(lcp_host_enclave_handle(p.h));
    long hwm0 = proc_status(pid, "VmHWM"), lck = proc_status(pid, "VmLck");
    if (proc_update(&p) != 0) die("enclave update");
    long hwm1 = proc_status(pid, "VmHWM"), rss = proc_status(pid, "VmRSS"), thr = proc_status(pid, "Threads");
    printf("enclave process (sandboxed lcp-enclave, sim): VmHWM %ld kB before the update, %ld kB after "
           "(%.2f MiB; +%ld kB); VmRSS %ld kB, VmLck %ld kB (mlockall), %ld threads\n",
           hwm0, hwm1, (double)hwm1 / 1024.0, hwm1 - hwm0, rss, lck, thr);
    printf("  => peak heap of the enclave process <= VmHWM = %.2f MiB (target 8 MiB): %s\n", (double)hwm1 / 1024.0,
           hwm1 <= 8 * 1024 ? "met" : "MISSED");
    lcp_bench_run("ECALL update_client (150 vals, incl. LMDB commit)", proc_update, &p, 20, 1.0);
    lcp_buf_free(&cs);
    lcp_buf_free(&cons);
    lcp_host_close(p.h);
    char cmd[PATH_MAX + 16];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", tmp);
}

int main(int argc, char **argv)
{
    (void)argc;
    tmc_valset *vs = malloc(sizeof *vs);
    if (vs == NULL) die("out of memory");
    tmc_valset_make(vs, 2024, 0, NVALS, NULL, 10);
    tmc_chain *ch = tmc_chain_new("bench-chain-1", vs, T0);
    free(vs);
    tmc_chain_push(ch, NULL, NULL);
    tmc_chain_push(ch, NULL, NULL);
    ctx c;
    memset(&c, 0, sizeof c);
    c.m = tmc_memstore_new();
    c.now = (uint64_t)(T0 + 60) * 1000000000ull;
    lcp_buf cs = {0}, cons = {0};
    tmc_client_state(&cs, ch, 1, NULL);
    tmc_consensus_state(&cons, ch, 1);
    lcp_pb_any a = tmc_any(TMC_T_CS, &cs), b = tmc_any(TMC_T_CONS, &cons);
    lcp_elc_result r;
    memset(&r, 0, sizeof r);
    lcp_elc_env env = tmc_memstore_env(c.m, c.now);
    if (lcp_elc_tendermint.create_client(&env, &r, &a, &b, NULL) != LCP_OK) die("create");
    tmc_memstore_apply(c.m, CID, &r, 1);
    lcp_elc_result_free(&r);

    /* 2/3 of 150 equal powers: the tally stops after the 101st signature */
    const int sigs = 101;
    printf("== tendermint update_client, %d validators of equal power, %d signatures checked, %ld CPUs online\n",
           NVALS, sigs, sysconf(_SC_NPROCESSORS_ONLN));
    tmc_ibc_header(&c.hdr, ch, 2, 1, NULL);
    first_vote(&c, ch);
    if (lcp_bench_run("decode: IBC Header and its 2 validator sets", decode_once, &c, 300, 0.3) < 0) die("decode");
    static const struct {
        const char *name;
        int64_t h;
        unsigned threads;
    } runs[] = {{"update_client adjacent, 1 thread", 2, 1},
                {"update_client adjacent, 2 threads", 2, 2},
                {"update_client skipping, 1 thread", 3, 1},
                {"update_client skipping, 2 threads", 3, 2}};
    enum { NRUNS = sizeof runs / sizeof runs[0], ROUNDS = 3 };
    /* Rounds alternate the floor and the updates; each figure is the best of its rounds, so that a burst of other
     * load on a shared machine does not land on one side of a ratio only. */
    double best_ed = 0, best[NRUNS] = {0};
    for (int round = 0; round < ROUNDS; round++) {
        c.hdr.len = 0;
        tmc_ibc_header(&c.hdr, ch, 2, 1, NULL);
        double ed = lcp_bench_run("floor: bare lcp_ed25519_verify (libsodium)", bare_verify, &c, 300, 0.5);
        if (ed < 0) die("floor");
        if (round == 0 || ed < best_ed) best_ed = ed;
        for (size_t i = 0; i < NRUNS; i++) {
            c.hdr.len = 0;
            tmc_ibc_header(&c.hdr, ch, runs[i].h, 1, NULL);
            lcp_tm_set_verify_threads(runs[i].threads);
            double ns = lcp_bench_run(runs[i].name, update_once, &c, 30, 0.5);
            if (ns < 0) die(runs[i].name);
            if (round == 0 || ns < best[i]) best[i] = ns;
        }
    }
    double one = verifies_per_s(&c, 1), two = verifies_per_s(&c, 2);
    printf("available parallelism: 1 thread %.0f verifies/s, 2 threads %.0f/s together = %.2f CPUs\n", one, two,
           two / one);
    double floor_ns = best_ed * sigs;
    printf("-- best of %d rounds: floor = %d x %.0f ns = %.0f ns\n", ROUNDS, sigs, best_ed, floor_ns);
    for (size_t i = 0; i < NRUNS; i++) {
        double target = runs[i].threads == 1 ? 1.15 : 0.6;
        printf("%-36s %9.0f ns = %.3fx the floor (target <= %.2fx): %s", runs[i].name, best[i], best[i] / floor_ns,
               target, best[i] / floor_ns <= target ? "met" : "MISSED");
        /* on a shared machine: the best 2 threads could do with the CPUs actually free during this run */
        if (runs[i].threads == 2) printf(" (ideal with the %.2f CPUs free now: %.3fx)", two / one, one / two);
        printf("\n");
    }

    /* the light client's own heap during one update (sequential, so nothing else allocates meanwhile) */
    c.hdr.len = 0;
    tmc_ibc_header(&c.hdr, ch, 2, 1, NULL);
    lcp_tm_set_verify_threads(1);
    lcp_allocator al = {count_malloc, count_free, count_realloc, NULL};
    lcp_set_allocator(&al);
    heap_cur = heap_peak = 0;
    if (update_once(&c) != 0) die("update");
    lcp_set_allocator(NULL);
    printf("ELC update_client heap (lcp_malloc, %zu-byte header): peak %zu bytes (%.1f KiB), %zu left\n", c.hdr.len,
           heap_peak, (double)heap_peak / 1024.0, heap_cur);

    lcp_tm_set_verify_threads(0);
    enclave_process(ch, &c.hdr, c.now, argv[0]);

    lcp_buf_free(&c.hdr);
    lcp_buf_free(&cs);
    lcp_buf_free(&cons);
    tmc_memstore_free(c.m);
    tmc_chain_free(ch);
    return 0;
}
