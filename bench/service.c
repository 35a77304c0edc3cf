/* The service path against the direct ECALL, in one run: an in-process service on loopback (h2c) and a minimal
 * nghttp2 client here; the floor is the same UpdateClient through lcp_host_run (one ECALL in one durable LMDB
 * transaction) on another home with the same enclave binary.
 *   - mock light client (no light-client work: what is left is the path's fixed cost): round trip p50 / p99,
 *     and throughput with 16 clients' updates in flight with 1 and 2 enclave workers;
 *   - 07-tendermint with 150 validators of equal power (adjacent headers from the tests' chain generator):
 *     p50 / p99 round trip against the direct ECALL of the same headers (target p99 <= 1.3x), and throughput of
 *     8 clients with 1 and 2 workers (target >= 1.8x). Each enclave verifies signatures on one thread here
 *     (LCP_VERIFY_THREADS=1), so that workers, not threads inside one enclave, share the CPUs.
 * Needs build/rel/bin/lcp-enclave beside this benchmark's build tree. */
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "lcp/codec_pb.h"
#include "lcp/host.h"
#include "host/host_frames.h"
#include "lcp/service.h"
#include "lcp/tee_sim.h"
#include "proto/lcp_service.pb-c.h"
#include "grpcc.h"
#include "tmchain.h"

#define CLIENTS 16
#define SAMPLES 2000

static char dir[] = "/tmp/lcp-bench-svc-XXXXXX", plat[64], home_svc[64], home_direct[64], exe[PATH_MAX];
static uint8_t key_svc[20], key_direct[20];

/* ---- mock light-client messages (src/elc/mock.c): Header{1: Height{2: h}, 2: ts} ---- */
static size_t mock_header(uint8_t *out, size_t cap, uint64_t height)
{
    uint8_t hb[16];
    lcp_pb_writer w;
    lcp_pb_writer_init(&w, hb, sizeof hb);
    lcp_pb_put_uint(&w, 2, height);
    size_t hl = w.len;
    lcp_pb_writer_init(&w, out, cap);
    lcp_pb_put_message(&w, 1, hb, hl);
    lcp_pb_put_uint(&w, 2, lcp_time_now_ns());
    return w.len;
}

static size_t mock_state(uint8_t *out, size_t cap, uint64_t height)
{
    uint8_t h[48];
    size_t hl = mock_header(h, sizeof h, height);
    lcp_pb_writer w;
    lcp_pb_writer_init(&w, out, cap);
    lcp_pb_put_message(&w, 1, h, hl);
    return w.len;
}

/* ---- the direct path ---- */
static lcp_host *direct;
static uint64_t direct_height = 1;

static int ecall_update(lcp_host *h, const uint8_t *signer, const char *client_id, uint64_t height)
{
    Lcp__Enclave__V1__EcallRequest req = LCP__ENCLAVE__V1__ECALL_REQUEST__INIT;
    Lcp__Enclave__V1__UpdateClient uc = LCP__ENCLAVE__V1__UPDATE_CLIENT__INIT;
    Lcp__Enclave__V1__Any a = LCP__ENCLAVE__V1__ANY__INIT;
    uint8_t hb[48];
    a.type_url = "/ibc.mock.Header";
    a.value.data = hb;
    a.value.len = mock_header(hb, sizeof hb, height);
    uc.client_id = (char *)client_id;
    uc.header = &a;
    uc.signer.data = (uint8_t *)signer;
    uc.signer.len = 20;
    req.command_case = LCP__ENCLAVE__V1__ECALL_REQUEST__COMMAND_UPDATE_CLIENT;
    req.update_client = &uc;
    Lcp__Enclave__V1__EcallResponse *r = NULL;
    int rc = lcp_host_run_frame(h, &req, signer, 1, &r, NULL);
    if (r) lcp__enclave__v1__ecall_response__free_unpacked(r, NULL);
    return rc;
}

static int create_direct(lcp_host *h, const uint8_t *signer, const char *client_id)
{
    Lcp__Enclave__V1__EcallRequest req = LCP__ENCLAVE__V1__ECALL_REQUEST__INIT;
    Lcp__Enclave__V1__InitClient ic = LCP__ENCLAVE__V1__INIT_CLIENT__INIT;
    Lcp__Enclave__V1__Any cs = LCP__ENCLAVE__V1__ANY__INIT, cons = LCP__ENCLAVE__V1__ANY__INIT;
    uint8_t b1[64], b2[64];
    cs.type_url = "/ibc.mock.ClientState";
    cs.value.data = b1;
    cs.value.len = mock_state(b1, sizeof b1, 1);
    cons.type_url = "/ibc.mock.ConsensusState";
    cons.value.data = b2;
    cons.value.len = mock_state(b2, sizeof b2, 1);
    ic.client_id = (char *)client_id;
    ic.client_state = &cs;
    ic.consensus_state = &cons;
    ic.signer.data = (uint8_t *)signer;
    ic.signer.len = 20;
    req.command_case = LCP__ENCLAVE__V1__ECALL_REQUEST__COMMAND_INIT_CLIENT;
    req.init_client = &ic;
    Lcp__Enclave__V1__EcallResponse *r = NULL;
    int rc = lcp_host_run_frame(h, &req, signer, 1, &r, NULL);
    if (r) lcp__enclave__v1__ecall_response__free_unpacked(r, NULL);
    return rc;
}

static int direct_update(void *arg)
{
    (void)arg;
    return ecall_update(direct, key_direct, "mock-client-0", ++direct_height);
}

/* ---- requests (the client is tests/common/grpcc) ---- */
static int pack_update_any(lcp_buf *out, const char *client_id, const char *type_url, const uint8_t *hdr,
                           size_t hdr_len, const uint8_t *signer)
{
    Lcp__Service__Elc__V1__MsgUpdateClient m = LCP__SERVICE__ELC__V1__MSG_UPDATE_CLIENT__INIT;
    Google__Protobuf__Any a = GOOGLE__PROTOBUF__ANY__INIT;
    a.type_url = (char *)type_url;
    a.value.data = (uint8_t *)hdr;
    a.value.len = hdr_len;
    m.client_id = (char *)client_id;
    m.header = &a;
    m.signer.data = (uint8_t *)signer;
    m.signer.len = 20;
    size_t n = lcp__service__elc__v1__msg_update_client__get_packed_size(&m);
    out->len = 0;
    if (lcp_buf_reserve(out, n + 5) || lcp_grpc_prefix(out->data, n)) return -1;
    out->len = 5 + lcp__service__elc__v1__msg_update_client__pack(&m, out->data + 5);
    return 0;
}

static int pack_update(lcp_buf *out, const char *client_id, uint64_t height, const uint8_t *signer)
{
    uint8_t hb[48];
    return pack_update_any(out, client_id, "/ibc.mock.Header", hb, mock_header(hb, sizeof hb, height), signer);
}

static int pack_create_any(lcp_buf *out, const char *client_id, const char *cs_url, const lcp_buf *csv,
                           const char *cons_url, const lcp_buf *consv, const uint8_t *signer)
{
    Lcp__Service__Elc__V1__MsgCreateClient m = LCP__SERVICE__ELC__V1__MSG_CREATE_CLIENT__INIT;
    Google__Protobuf__Any cs = GOOGLE__PROTOBUF__ANY__INIT, cons = GOOGLE__PROTOBUF__ANY__INIT;
    cs.type_url = (char *)cs_url;
    cs.value.data = csv->data;
    cs.value.len = csv->len;
    cons.type_url = (char *)cons_url;
    cons.value.data = consv->data;
    cons.value.len = consv->len;
    m.client_id = (char *)client_id;
    m.client_state = &cs;
    m.consensus_state = &cons;
    m.signer.data = (uint8_t *)signer;
    m.signer.len = 20;
    size_t n = lcp__service__elc__v1__msg_create_client__get_packed_size(&m);
    out->len = 0;
    if (lcp_buf_reserve(out, n + 5) || lcp_grpc_prefix(out->data, n)) return -1;
    out->len = 5 + lcp__service__elc__v1__msg_create_client__pack(&m, out->data + 5);
    return 0;
}

static int pack_create(lcp_buf *out, const char *client_id, const uint8_t *signer)
{
    lcp_buf cs = {0}, cons = {0};
    int rc = lcp_buf_reserve(&cs, 64) || lcp_buf_reserve(&cons, 64);
    if (!rc) {
        cs.len = mock_state(cs.data, 64, 1);
        cons.len = mock_state(cons.data, 64, 1);
        rc = pack_create_any(out, client_id, "/ibc.mock.ClientState", &cs, "/ibc.mock.ConsensusState", &cons, signer);
    }
    lcp_buf_free(&cs);
    lcp_buf_free(&cons);
    return rc;
}

static int call(grpcc *c, grpcc_call *r, const char *path) { return grpcc_wait(c, r, path) == 0 ? 0 : -1; }

/* ---- the in-process service ---- */
typedef struct {
    lcp_service *s;
    pthread_t th;
    char addr[80];
} svc;

static void *svc_main(void *arg)
{
    svc *v = arg;
    if (lcp_service_run(v->s, NULL) != LCP_OK) fprintf(stderr, "bench/service: run failed\n");
    return NULL;
}

static int svc_start(svc *v, unsigned threads)
{
    lcp_service_options o;
    memset(&o, 0, sizeof o);
    o.address = "127.0.0.1:0";
    o.threads = threads;
    o.home = home_svc;
    o.sim_platform = plat;
    o.enclave_path = exe;
    char err[LCP_ERR_LEN] = "";
    if (lcp_service_new(&v->s, &o, err) != LCP_OK) {
        fprintf(stderr, "bench/service: %s\n", err);
        return -1;
    }
    if (lcp_service_bound_address(v->s, 0, v->addr, sizeof v->addr)) return -1;
    return pthread_create(&v->th, NULL, svc_main, v) ? -1 : 0;
}

static void svc_stop(svc *v)
{
    lcp_service_stop(v->s);
    pthread_join(v->th, NULL);
    lcp_service_free(v->s);
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* The next request of client i (its body replaced). */
typedef int (*next_fn)(lcp_buf *body, int i);

/* nclients' updates in flight at once for seconds; returns updates per second. */
static double throughput(const char *addr, double seconds, int nclients, next_fn next)
{
    grpcc *c = grpcc_open(addr);
    if (!c) return -1;
    grpcc_call r[CLIENTS];
    memset(r, 0, sizeof r);
    for (int i = 0; i < nclients; i++)
        if (next(&r[i].body, i) || grpcc_submit(c, &r[i], "/lcp.service.elc.v1.Msg/UpdateClient")) return -1;
    uint64_t t0 = lcp_bench_now_ns(), end = t0 + (uint64_t)(seconds * 1e9), n = 0;
    int failed = 0;
    while (!failed) {
        if (grpcc_pump(c)) return -1;
        uint64_t now = lcp_bench_now_ns();
        int inflight = 0;
        for (int i = 0; i < nclients; i++) {
            if (!r[i].done) {
                inflight++;
                continue;
            }
            if (r[i].status != 0) failed = 1;
            if (r[i].t0 == 0) continue;
            n++;
            r[i].t0 = 0;
            if (now < end) {
                if (next(&r[i].body, i) || grpcc_submit(c, &r[i], "/lcp.service.elc.v1.Msg/UpdateClient")) return -1;
                inflight++;
            }
        }
        if (!inflight) break;
    }
    double rate = (double)n / ((double)(lcp_bench_now_ns() - t0) / 1e9);
    for (int i = 0; i < nclients; i++) grpcc_reset(&r[i]);
    grpcc_close(c);
    return failed ? -1 : rate;
}

static uint64_t heights[CLIENTS];
static int mock_base;

static int next_mock(lcp_buf *body, int i)
{
    char id[32];
    snprintf(id, sizeof id, "mock-client-%d", mock_base + i);
    return pack_update(body, id, ++heights[i], key_svc);
}

/* ---- 07-tendermint: a 150-validator chain; header h trusts h - 1 ---- */
#define TM_VALS 150
#define TM_CLIENTS 8
#define TM_HEADERS 400
static tmc_chain *chain;
static lcp_buf tm_hdr[TM_HEADERS + 2], tm_cs, tm_cons;
static int tm_base;
static int64_t tm_next[TM_CLIENTS];

static int next_tm(lcp_buf *body, int i)
{
    char id[32];
    snprintf(id, sizeof id, "07-tendermint-%d", tm_base + i);
    int64_t h = ++tm_next[i];
    if (h > TM_HEADERS + 1) return -1; /* ran out of headers: raise TM_HEADERS */
    return pack_update_any(body, id, TMC_T_HEADER, tm_hdr[h].data, tm_hdr[h].len, key_svc);
}

static int tm_create(grpcc *c, const char *id)
{
    grpcc_call r;
    memset(&r, 0, sizeof r);
    int rc = pack_create_any(&r.body, id, TMC_T_CS, &tm_cs, TMC_T_CONS, &tm_cons, key_svc) ||
             call(c, &r, "/lcp.service.elc.v1.Msg/CreateClient");
    if (rc) fprintf(stderr, "bench/service: CreateClient %s failed (status %d)\n", id, r.status);
    grpcc_reset(&r);
    return rc;
}

static int tm_direct(lcp_host *h, const uint8_t *signer, int init, int64_t height)
{
    Lcp__Enclave__V1__EcallRequest req = LCP__ENCLAVE__V1__ECALL_REQUEST__INIT;
    Lcp__Enclave__V1__InitClient ic = LCP__ENCLAVE__V1__INIT_CLIENT__INIT;
    Lcp__Enclave__V1__UpdateClient uc = LCP__ENCLAVE__V1__UPDATE_CLIENT__INIT;
    Lcp__Enclave__V1__Any a1 = LCP__ENCLAVE__V1__ANY__INIT, a2 = LCP__ENCLAVE__V1__ANY__INIT;
    if (init) {
        a1.type_url = TMC_T_CS;
        a1.value.data = tm_cs.data;
        a1.value.len = tm_cs.len;
        a2.type_url = TMC_T_CONS;
        a2.value.data = tm_cons.data;
        a2.value.len = tm_cons.len;
        ic.client_id = "07-tendermint-0";
        ic.client_state = &a1;
        ic.consensus_state = &a2;
        ic.signer.data = (uint8_t *)signer;
        ic.signer.len = 20;
        req.command_case = LCP__ENCLAVE__V1__ECALL_REQUEST__COMMAND_INIT_CLIENT;
        req.init_client = &ic;
    } else {
        a1.type_url = TMC_T_HEADER;
        a1.value.data = tm_hdr[height].data;
        a1.value.len = tm_hdr[height].len;
        uc.client_id = "07-tendermint-0";
        uc.header = &a1;
        uc.signer.data = (uint8_t *)signer;
        uc.signer.len = 20;
        req.command_case = LCP__ENCLAVE__V1__ECALL_REQUEST__COMMAND_UPDATE_CLIENT;
        req.update_client = &uc;
    }
    Lcp__Enclave__V1__EcallResponse *r = NULL;
    char err[LCP_ERR_LEN] = "";
    int rc = lcp_host_run_frame(h, &req, signer, 1, &r, err);
    if (rc) fprintf(stderr, "bench/service: direct tendermint ECALL: %s\n", err);
    if (r) lcp__enclave__v1__ecall_response__free_unpacked(r, NULL);
    return rc;
}

static void percentiles(uint64_t *v, size_t n, double *p50, double *p99)
{
    qsort(v, n, sizeof v[0], cmp_u64);
    *p50 = (double)v[n / 2];
    *p99 = (double)v[n * 99 / 100];
}

#define TM_SAMPLES 150

static int tendermint(void)
{
    tmc_valset *vs = malloc(sizeof *vs);
    if (!vs) return -1;
    tmc_valset_make(vs, 2024, 0, TM_VALS, NULL, 10);
    /* Blocks one second apart ending well before now: inside the trusting period, never in the future. */
    chain = tmc_chain_new("bench-service-1", vs, lcp_time_now() - 3 * TM_HEADERS - 600);
    free(vs);
    tmc_chain_set_interval(chain, 1);
    for (int h = 2; h <= TM_HEADERS + 1; h++) tmc_chain_push(chain, NULL, NULL);
    tmc_client_state(&tm_cs, chain, 1, NULL);
    tmc_consensus_state(&tm_cons, chain, 1);
    for (int h = 2; h <= TM_HEADERS + 1; h++) tmc_ibc_header(&tm_hdr[h], chain, h, h - 1, NULL);
    printf("== 07-tendermint, %d validators, adjacent headers of %zu bytes\n", TM_VALS, tm_hdr[2].len);

    /* The floor: the same headers as direct ECALLs on another home. */
    static uint64_t direct_lat[TM_SAMPLES], grpc_lat[TM_SAMPLES];
    lcp_host *h;
    lcp_host_options ho = {home_direct, plat, exe, "sim"};
    char err[LCP_ERR_LEN] = "";
    if (lcp_host_open(&h, &ho, err) || tm_direct(h, key_direct, 1, 0)) return -1;
    for (int i = 0; i < TM_SAMPLES; i++) {
        uint64_t t0 = lcp_bench_now_ns();
        if (tm_direct(h, key_direct, 0, 2 + i)) return -1;
        direct_lat[i] = lcp_bench_now_ns() - t0;
    }
    lcp_host_close(h);

    svc v;
    if (svc_start(&v, 1)) return -1;
    grpcc *c = grpcc_open(v.addr);
    if (!c || tm_create(c, "07-tendermint-0")) return -1;
    grpcc_call r;
    memset(&r, 0, sizeof r);
    for (int i = 0; i < TM_SAMPLES; i++) {
        if (pack_update_any(&r.body, "07-tendermint-0", TMC_T_HEADER, tm_hdr[2 + i].data, tm_hdr[2 + i].len, key_svc) ||
            call(c, &r, "/lcp.service.elc.v1.Msg/UpdateClient")) {
            fprintf(stderr, "bench/service: tendermint UpdateClient failed (status %d)\n", r.status);
            return -1;
        }
        grpc_lat[i] = r.t1 - r.t0;
    }
    grpcc_reset(&r);
    double d50, d99, g50, g99;
    percentiles(direct_lat, TM_SAMPLES, &d50, &d99);
    percentiles(grpc_lat, TM_SAMPLES, &g50, &g99);
    printf("UpdateClient, direct ECALL (lcp_host_run): %d updates, p50 %.2f ms, p99 %.2f ms\n", TM_SAMPLES, d50 / 1e6,
           d99 / 1e6);
    printf("UpdateClient over gRPC:                    %d updates, p50 %.2f ms, p99 %.2f ms\n", TM_SAMPLES, g50 / 1e6,
           g99 / 1e6);
    printf("  => gRPC p50 %.2fx the direct p50; gRPC p99 %.2fx the direct p50 (target <= 1.3x): %s; gRPC p99 %.2fx "
           "the direct p99\n",
           g50 / d50, g99 / d50, g99 <= 1.3 * d50 ? "met" : "MISSED", g99 / d99);

    /* Throughput: TM_CLIENTS clients, each at its next adjacent header. */
    tm_base = 100;
    for (int i = 0; i < TM_CLIENTS; i++) {
        char id[32];
        snprintf(id, sizeof id, "07-tendermint-%d", tm_base + i);
        if (tm_create(c, id)) return -1;
        tm_next[i] = 1;
    }
    grpcc_close(c);
    double t1 = throughput(v.addr, 2.0, TM_CLIENTS, next_tm);
    svc_stop(&v);
    if (svc_start(&v, 2) || !(c = grpcc_open(v.addr))) return -1;
    tm_base = 200;
    for (int i = 0; i < TM_CLIENTS; i++) {
        char id[32];
        snprintf(id, sizeof id, "07-tendermint-%d", tm_base + i);
        if (tm_create(c, id)) return -1;
        tm_next[i] = 1;
    }
    grpcc_close(c);
    double t2 = throughput(v.addr, 2.0, TM_CLIENTS, next_tm);
    svc_stop(&v);
    if (t1 < 0 || t2 < 0) return -1;
    printf("throughput, %d clients in flight: 1 worker %.0f updates/s, 2 workers %.0f updates/s (%.2fx, target >= "
           "1.8x: %s; %ld CPUs for the bench, the service and its enclaves)\n",
           TM_CLIENTS, t1, t2, t2 / t1, t2 >= 1.8 * t1 ? "met" : "MISSED", sysconf(_SC_NPROCESSORS_ONLN));
    for (int i = 2; i <= TM_HEADERS + 1; i++) lcp_buf_free(&tm_hdr[i]);
    lcp_buf_free(&tm_cs);
    lcp_buf_free(&tm_cons);
    tmc_chain_free(chain);
    return 0;
}

int main(void)
{
    char err[LCP_ERR_LEN] = "";
    if (!mkdtemp(dir)) return 1;
    snprintf(plat, sizeof plat, "%s/p", dir);
    snprintf(home_svc, sizeof home_svc, "%s/svc", dir);
    snprintf(home_direct, sizeof home_direct, "%s/direct", dir);
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 32);
    if (n < 0) return 1;
    exe[n] = '\0';
    char *b = strstr(exe, "/bench/");
    if (!b) return 1;
    snprintf(b, 32, "/bin/lcp-enclave-test"); /* the mock light client lives only in the test enclave */
    /* One verification thread per enclave: the workers are what share the CPUs here. */
    setenv("LCP_VERIFY_THREADS", "1", 1);
    lcp_host *h;
    lcp_host_options ho = {home_svc, plat, exe, "sim"};
    /* A signing key in each home; the service's home is closed again before the service opens it. */
    if (lcp_tee_sim_init(NULL, plat, 0, err) || lcp_host_open(&h, &ho, err) || lcp_host_generate_key(h, key_svc, NULL, err)) {
        fprintf(stderr, "bench/service: %s\n", err);
        return 1;
    }
    lcp_host_close(h);
    ho.home = home_direct;
    if (lcp_host_open(&direct, &ho, err) || lcp_host_generate_key(direct, key_direct, NULL, err) ||
        create_direct(direct, key_direct, "mock-client-0")) {
        fprintf(stderr, "bench/service: direct setup: %s\n", err);
        return 1;
    }
    printf("== service path, mock light client (sim)\n");
    double floor_ns = lcp_bench_run("UpdateClient as a direct ECALL (lcp_host_run, LMDB commit)", direct_update, NULL, 500, 1.0);
    if (floor_ns <= 0) return 1; /* no floor, no ratio */
    lcp_host_close(direct);

    svc v;
    if (svc_start(&v, 1)) return 1;
    grpcc *c = grpcc_open(v.addr);
    if (!c) return 1;
    grpcc_call r;
    memset(&r, 0, sizeof r);
    char id[32];
    for (int i = 0; i <= CLIENTS; i++) {
        snprintf(id, sizeof id, "mock-client-%d", i == CLIENTS ? 0 : 100 + i);
        if (pack_create(&r.body, id, key_svc) || call(c, &r, "/lcp.service.elc.v1.Msg/CreateClient")) {
            fprintf(stderr, "bench/service: CreateClient failed (status %d)\n", r.status);
            return 1;
        }
        if (i < CLIENTS) heights[i] = 1;
    }
    static uint64_t lat[SAMPLES];
    uint64_t height = 1;
    for (int i = 0; i < SAMPLES + 50; i++) {
        if (pack_update(&r.body, "mock-client-0", ++height, key_svc) || call(c, &r, "/lcp.service.elc.v1.Msg/UpdateClient")) {
            fprintf(stderr, "bench/service: UpdateClient failed (status %d)\n", r.status);
            return 1;
        }
        if (i >= 50) lat[i - 50] = r.t1 - r.t0; /* after a warm-up */
    }
    grpcc_reset(&r);
    grpcc_close(c);
    qsort(lat, SAMPLES, sizeof lat[0], cmp_u64);
    double p50 = (double)lat[SAMPLES / 2], p99 = (double)lat[SAMPLES * 99 / 100];
    printf("UpdateClient over gRPC, one at a time: %d calls, p50 %.1f us, p99 %.1f us\n", SAMPLES, p50 / 1e3, p99 / 1e3);
    printf("service path: p50 %.2fx, p99 %.2fx the direct ECALL (%.1f us); fixed cost of the path ~%.1f us\n",
           p50 / floor_ns, p99 / floor_ns, floor_ns / 1e3, (p50 - floor_ns) / 1e3);

    mock_base = 100;
    double t1 = throughput(v.addr, 2.0, CLIENTS, next_mock);
    svc_stop(&v);
    if (svc_start(&v, 2)) return 1;
    double t2 = throughput(v.addr, 2.0, CLIENTS, next_mock);
    svc_stop(&v);
    if (t1 < 0 || t2 < 0) {
        fprintf(stderr, "bench/service: throughput run failed\n");
        return 1;
    }
    printf("throughput, %d clients in flight: 1 worker %.0f updates/s, 2 workers %.0f updates/s (%.2fx; %ld CPUs)\n",
           CLIENTS, t1, t2, t2 / t1, sysconf(_SC_NPROCESSORS_ONLN));
    if (tendermint()) {
        fprintf(stderr, "bench/service: tendermint part failed\n");
        return 1;
    }
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : 1;
}
