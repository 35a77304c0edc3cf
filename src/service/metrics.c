/* Metrics in the Prometheus text format (0.0.4) and the readiness rule, after ops.md §6: snake_case names with
 * the lcp_ prefix, base units (seconds), counters ending in _total, identities on *_info gauges, key addresses
 * only on the per-key expiry gauge. Counters and histograms are updated under one mutex (a few additions per
 * request); the key-store series are read from a snapshot at each scrape. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "lcp/host_evidence.h"
#include "service_internal.h"

#ifndef LCP_VERSION_STRING
#define LCP_VERSION_STRING "0.1.0"
#endif

/* Upper bounds in ns: 0.5 ms .. 10 s, for an ECALL of a mock client up to a 150-validator Tendermint header. */
static const uint64_t BUCKETS_NS[SVC_HIST_BUCKETS] = {
    500000ull,     1000000ull,    2500000ull,    5000000ull,    10000000ull,  25000000ull,
    50000000ull,   100000000ull,  250000000ull,  500000000ull,  1000000000ull, 2500000000ull,
    5000000000ull, 10000000000ull, 30000000000ull};

void svc_metrics_init(svc_metrics *m)
{
    memset(m, 0, sizeof *m);
    pthread_mutex_init(&m->mu, NULL);
}

void svc_metrics_destroy(svc_metrics *m) { pthread_mutex_destroy(&m->mu); }

void svc_hist_add(svc_hist *h, uint64_t ns)
{
    int b = 0;
    while (b < SVC_HIST_BUCKETS && ns > BUCKETS_NS[b]) b++;
    h->counts[b]++;
    h->sum_ns += ns;
    h->n++;
}

void svc_metrics_request(svc_metrics *m, int method, int status, uint64_t ns)
{
    if (method < 0 || method > SVC_M_COUNT) method = SVC_M_UNKNOWN;
    if (status < 0 || status >= LCP_GRPC_STATUS_COUNT) status = LCP_GRPC_UNKNOWN;
    pthread_mutex_lock(&m->mu);
    m->requests[method][status]++;
    svc_hist_add(&m->latency[method], ns);
    pthread_mutex_unlock(&m->mu);
}

void svc_metrics_ecall(svc_metrics *m, int command, uint64_t ns, int ok)
{
    if (!lcp_ecall_measured(command)) return;
    pthread_mutex_lock(&m->mu);
    svc_hist_add(&m->ecall[command], ns);
    if (!ok) m->ecall_errors[command]++;
    pthread_mutex_unlock(&m->mu);
}

void svc_metrics_count(svc_metrics *m, uint64_t *counter)
{
    pthread_mutex_lock(&m->mu);
    (*counter)++;
    pthread_mutex_unlock(&m->mu);
}

/* ---- text output ---- */

typedef struct {
    lcp_buf *b;
    int rc;
} out;

static void put(out *o, const char *fmt, ...) LCP_PRINTF(2, 3);
static void put(out *o, const char *fmt, ...)
{
    if (o->rc != LCP_OK) return;
    char tmp[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0) {
        o->rc = LCP_ERR_IO;
        return;
    }
    /* Lines are built from short labels; anything longer is a bug, cut rather than overflow. */
    if ((size_t)n >= sizeof tmp) n = (int)sizeof tmp - 1;
    o->rc = lcp_buf_append(o->b, tmp, (size_t)n);
}

/* Label values are ours (method paths, hex, status words from the key store); escape what the format requires. */
static void label_value(char *dst, size_t cap, const char *v)
{
    size_t o = 0;
    for (; *v && o + 2 < cap; v++) {
        if (*v == '"' || *v == '\\') {
            dst[o++] = '\\';
            dst[o++] = *v;
        } else if (*v == '\n') {
            dst[o++] = '\\';
            dst[o++] = 'n';
        } else if ((unsigned char)*v >= 0x20) {
            dst[o++] = *v;
        }
    }
    dst[o] = '\0';
}

static void hist(out *o, const char *name, const char *label, const char *value, const svc_hist *h)
{
    uint64_t cum = 0;
    for (int b = 0; b < SVC_HIST_BUCKETS; b++) {
        cum += h->counts[b];
        put(o, "%s_bucket{%s=\"%s\",le=\"%g\"} %llu\n", name, label, value, (double)BUCKETS_NS[b] / 1e9,
            (unsigned long long)cum);
    }
    cum += h->counts[SVC_HIST_BUCKETS];
    put(o, "%s_bucket{%s=\"%s\",le=\"+Inf\"} %llu\n", name, label, value, (unsigned long long)cum);
    put(o, "%s_sum{%s=\"%s\"} %.9f\n", name, label, value, (double)h->sum_ns / 1e9);
    put(o, "%s_count{%s=\"%s\"} %llu\n", name, label, value, (unsigned long long)h->n);
}

/* An unlabelled series with its HELP and TYPE lines. */
static void series(out *o, const char *type, const char *name, const char *help, unsigned long long v)
{
    put(o, "# HELP %s %s\n# TYPE %s %s\n%s %llu\n", name, help, name, type, name, v);
}

static void counter(out *o, const char *name, const char *help, uint64_t v) { series(o, "counter", name, help, v); }
static void gauge(out *o, const char *name, const char *help, size_t v) { series(o, "gauge", name, help, v); }

static const char *method_label(int m) { return m < SVC_M_COUNT ? svc_methods[m].path : "unknown"; }

#define MAX_STATUSES 8
#define MAX_ADVISORIES 32

/* Advisory IDs carried by the valid keys' attestations, with how many keys carry each. */
typedef struct {
    char ids[MAX_ADVISORIES][48];
    size_t counts[MAX_ADVISORIES], n;
} advisory_set;

static void advisory_add(advisory_set *a, const char *id)
{
    char v[48];
    label_value(v, sizeof v, id);
    size_t j = 0;
    while (j < a->n && strcmp(a->ids[j], v) != 0) j++;
    if (j == a->n) {
        if (a->n == MAX_ADVISORIES) return;
        memcpy(a->ids[a->n], v, sizeof v);
        a->counts[a->n++] = 0;
    }
    a->counts[j]++;
}

/* The attestation status recorded with a key (IAS isvEnclaveQuoteStatus, or DCAP TCB status, as
 * lcp/host_evidence.h decodes it); its advisories go into adv, its TCB evaluation data number raises
 * *eval_number. A record that does not decode is "unknown". */
static void key_status(char *dst, size_t cap, const lcp_keystore_entry *k, long *eval_number, advisory_set *adv)
{
    lcp_host_evidence ev;
    snprintf(dst, cap, "unknown");
    if (lcp_host_evidence_decode(&ev, k->ra_type, k->ra_evidence.ptr, k->ra_evidence.len, NULL) == LCP_OK) {
        if (ev.status) label_value(dst, cap, ev.status);
        for (size_t i = 0; i < ev.n_advisory_ids; i++) advisory_add(adv, ev.advisory_ids[i]);
        if (ev.has_tcb_evaluation_data_number && ev.tcb_evaluation_data_number < 1000000000u &&
            (long)ev.tcb_evaluation_data_number > *eval_number)
            *eval_number = (long)ev.tcb_evaluation_data_number;
    }
    lcp_host_evidence_free(&ev);
}

/* This enclave build's keys in the key store: what every key figure and the readiness verdict are about. */
static int enclave_keys(lcp_service *s, lcp_keystore_entry **keys, size_t *n, char *err)
{
    lcp_keystore_filter f;
    memset(&f, 0, sizeof f);
    memcpy(f.mrenclave, s->mrenclave, 32);
    f.enclave_debug = s->enclave_debug;
    lcp_store_txn *t;
    *keys = NULL;
    *n = 0;
    int rc = lcp_store_begin(s->store, &t, 0, err);
    if (rc != LCP_OK) return rc;
    rc = lcp_keystore_list(t, keys, n, &f, err);
    lcp_store_abort(t);
    return rc;
}

static void key_series(out *o, const lcp_keystore_entry *keys, size_t n, uint64_t now)
{
    size_t valid = 0;
    char statuses[MAX_STATUSES][48];
    size_t counts[MAX_STATUSES], nst = 0;
    long eval = -1;
    advisory_set adv;
    adv.n = 0;
    put(o, "# HELP lcp_enclave_key_expiry_timestamp_seconds End of the attestation validity of each attested key of this enclave.\n"
           "# TYPE lcp_enclave_key_expiry_timestamp_seconds gauge\n");
    for (size_t i = 0; i < n; i++) {
        char hex[41];
        lcp_hex_encode(hex, sizeof hex, keys[i].address, 20);
        put(o, "lcp_enclave_key_expiry_timestamp_seconds{key_address=\"0x%s\"} %llu\n", hex,
            (unsigned long long)keys[i].valid_to);
        if (keys[i].valid_to <= now) continue;
        valid++;
        char st[48];
        key_status(st, sizeof st, &keys[i], &eval, &adv);
        size_t j = 0;
        while (j < nst && strcmp(statuses[j], st) != 0) j++;
        if (j == nst && nst < MAX_STATUSES) {
            memcpy(statuses[nst], st, sizeof st);
            counts[nst++] = 0;
        }
        if (j < nst) counts[j]++;
    }
    put(o, "# HELP lcp_enclave_keys_valid Attested, unexpired keys of this enclave build.\n"
           "# TYPE lcp_enclave_keys_valid gauge\nlcp_enclave_keys_valid %zu\n", valid);
    put(o, "# HELP lcp_attestation_tcb_status Valid keys by the TCB status of their attestation.\n"
           "# TYPE lcp_attestation_tcb_status gauge\n");
    for (size_t j = 0; j < nst; j++) put(o, "lcp_attestation_tcb_status{status=\"%s\"} %zu\n", statuses[j], counts[j]);
    put(o, "# HELP lcp_attestation_advisory_ids Valid keys whose attestation lists each Intel advisory ID.\n"
           "# TYPE lcp_attestation_advisory_ids gauge\n");
    for (size_t j = 0; j < adv.n; j++)
        put(o, "lcp_attestation_advisory_ids{advisory_id=\"%s\"} %zu\n", adv.ids[j], adv.counts[j]);
    if (eval >= 0)
        put(o, "# HELP lcp_tcb_evaluation_data_number Highest TCB evaluation data number among the valid keys' collateral.\n"
               "# TYPE lcp_tcb_evaluation_data_number gauge\nlcp_tcb_evaluation_data_number %ld\n", eval);
}

/* Key rotation (lcp/service.h): only when it is on, so that the alert rules can tell (lcp_key_rotation_buffer_seconds
 * present = rotation on). */
static void rotation_series(out *o, lcp_service *s)
{
    svc_rotation_stats st;
    svc_rotation_stats_get(s, &st);
    if (!st.enabled) return;
    put(o, "# HELP lcp_key_rotation_buffer_seconds The service's --key_rotation_buffer: a new key is made this long before the active one expires.\n"
           "# TYPE lcp_key_rotation_buffer_seconds gauge\nlcp_key_rotation_buffer_seconds %llu\n",
        (unsigned long long)st.buffer);
    if (st.have_active) {
        char hex[41];
        lcp_hex_encode(hex, sizeof hex, st.active, 20);
        put(o, "# HELP lcp_enclave_active_key_expiry_timestamp_seconds Expiry of the active key (signs requests without a signer); 0 if it is gone.\n"
               "# TYPE lcp_enclave_active_key_expiry_timestamp_seconds gauge\n"
               "lcp_enclave_active_key_expiry_timestamp_seconds{key_address=\"0x%s\"} %llu\n",
            hex, (unsigned long long)st.active_valid_to);
    }
    put(o, "# HELP lcp_key_rotation_pending 1 while a new attested key waits for ActivateEnclaveKey (registration on the counterparty).\n"
           "# TYPE lcp_key_rotation_pending gauge\nlcp_key_rotation_pending %d\n", st.have_pending);
    put(o, "# HELP lcp_key_rotations_total Key rotation steps: a key generated and attested, a key activated, a failed attempt.\n"
           "# TYPE lcp_key_rotations_total counter\n"
           "lcp_key_rotations_total{step=\"generated\"} %llu\nlcp_key_rotations_total{step=\"activated\"} %llu\n"
           "lcp_key_rotations_total{step=\"failed\"} %llu\n",
        (unsigned long long)st.generated, (unsigned long long)st.activated, (unsigned long long)st.failed);
    put(o, "# HELP lcp_keys_pruned_total Expired keys deleted by key rotation.\n# TYPE lcp_keys_pruned_total counter\n"
           "lcp_keys_pruned_total %llu\n", (unsigned long long)st.pruned);
}

static unsigned workers_up(const lcp_service *s)
{
    unsigned up = 0;
    for (unsigned i = 0; i < s->nworkers; i++) up += atomic_load(&s->workers[i].up) != 0;
    return up;
}

/* The readiness verdict, given the outcome of listing this enclave's keys (list_rc, list_err, keys[0..n)). */
static int ready_verdict(lcp_service *s, int list_rc, const char *list_err, const lcp_keystore_entry *keys, size_t n,
                         uint64_t now, char *why, size_t cap)
{
    if (s->draining) {
        snprintf(why, cap, "shutting down");
        return 0;
    }
    if (workers_up(s) == 0) {
        snprintf(why, cap, "no enclave process is up");
        return 0;
    }
    if (list_rc != LCP_OK) {
        snprintf(why, cap, "key store: %s", list_err);
        return 0;
    }
    size_t valid = 0;
    for (size_t i = 0; i < n; i++) valid += keys[i].valid_to > now;
    if (valid == 0) {
        snprintf(why, cap, "no attested, unexpired enclave key for this enclave (run lcp enclave generate-key, then attest it)");
        return 0;
    }
    snprintf(why, cap, "ready: %zu valid key%s", valid, valid == 1 ? "" : "s");
    return 1;
}

int svc_ready(lcp_service *s, char *why, size_t cap)
{
    char err[LCP_ERR_LEN] = "";
    lcp_keystore_entry *keys = NULL;
    size_t n = 0;
    int rc = enclave_keys(s, &keys, &n, err);
    int ready = ready_verdict(s, rc, err, keys, n, (uint64_t)lcp_time_now(), why, cap);
    lcp_free(keys);
    return ready;
}

int svc_metrics_render(lcp_service *s, lcp_buf *b)
{
    out o = {b, LCP_OK};
    char mr[65], why[LCP_ERR_LEN];
    lcp_hex_encode(mr, sizeof mr, s->mrenclave, 32);
    const char *dbg = s->enclave_debug ? "true" : "false";
    put(&o, "# HELP lcp_build_info Build of this lcp service and the enclave it runs.\n# TYPE lcp_build_info gauge\n"
            "lcp_build_info{version=\"%s\",mrenclave=\"0x%s\",enclave_debug=\"%s\",backend=\"%s\"} 1\n",
        LCP_VERSION_STRING, mr, dbg, s->backend);
    put(&o, "# HELP lcp_enclave_info Identity of the enclave (sim = no real SGX).\n# TYPE lcp_enclave_info gauge\n"
            "lcp_enclave_info{mrenclave=\"0x%s\",debug=\"%s\",isvsvn=\"%u\",backend=\"%s\"} 1\n",
        mr, dbg, (unsigned)s->isv_svn, s->backend);
    put(&o, "# HELP lcp_backend_info TEE backend: sim (simulated, no SGX) or gramine.\n# TYPE lcp_backend_info gauge\n"
            "lcp_backend_info{backend=\"%s\"} 1\n", s->backend);
    put(&o, "# HELP lcp_enclave_workers Enclave workers (one lcp-enclave process each).\n# TYPE lcp_enclave_workers gauge\n"
            "lcp_enclave_workers %u\n", s->nworkers);
    put(&o, "# HELP lcp_enclave_workers_up Workers whose enclave process answered its last call.\n"
            "# TYPE lcp_enclave_workers_up gauge\nlcp_enclave_workers_up %u\n", workers_up(s));
    put(&o, "# HELP lcp_enclave_restarts_total Enclave processes started again after one died.\n"
            "# TYPE lcp_enclave_restarts_total counter\nlcp_enclave_restarts_total %u\n", svc_enclave_restarts(s));
    /* One listing of the key store serves the readiness gauge and the key series. */
    char err[LCP_ERR_LEN] = "";
    lcp_keystore_entry *keys = NULL;
    size_t n = 0;
    uint64_t now = (uint64_t)lcp_time_now();
    int list_rc = enclave_keys(s, &keys, &n, err);
    int ready = ready_verdict(s, list_rc, err, keys, n, now, why, sizeof why);
    put(&o, "# HELP lcp_service_ready 1 when /readyz answers 200.\n# TYPE lcp_service_ready gauge\nlcp_service_ready %d\n",
        ready);
    key_series(&o, keys, n, now);
    lcp_free(keys);
    rotation_series(&o, s);

    pthread_mutex_lock(&s->mu);
    size_t qlen = s->q_len;
    unsigned running = s->running;
    pthread_mutex_unlock(&s->mu);
    /* The network thread owns these; a scrape runs on it too. */
    gauge(&o, "lcp_grpc_connections_open", "gRPC connections open.", s->nconns);
    gauge(&o, "lcp_grpc_peers", "Peers (IPv4 addresses, IPv6 /64s) holding gRPC connections.", s->h2_peers.len);
    gauge(&o, "lcp_grpc_buffered_bytes", "Request bytes held by requests still being received.", s->buffered);
    gauge(&o, "lcp_http_connections_open", "Connections open on this metrics listener.", s->http1_peers.open);
    put(&o, "# HELP lcp_jobs_queued Requests waiting for an enclave worker.\n# TYPE lcp_jobs_queued gauge\n"
            "lcp_jobs_queued %zu\n", qlen);
    put(&o, "# HELP lcp_jobs_running Requests an enclave worker is running.\n# TYPE lcp_jobs_running gauge\n"
            "lcp_jobs_running %u\n", running);

    /* Copy the counters out under the lock, render without it. */
    svc_metrics *m = lcp_malloc(sizeof *m);
    if (!m) return LCP_ERR_NOMEM;
    pthread_mutex_lock(&s->metrics.mu);
    memcpy(m, &s->metrics, sizeof *m);
    pthread_mutex_unlock(&s->metrics.mu);
    put(&o, "# HELP lcp_grpc_requests_total gRPC requests answered, by method and status code.\n"
            "# TYPE lcp_grpc_requests_total counter\n");
    for (int i = 0; i <= SVC_M_COUNT; i++)
        for (int c = 0; c < LCP_GRPC_STATUS_COUNT; c++)
            if (m->requests[i][c] || (i < SVC_M_COUNT && c == 0))
                put(&o, "lcp_grpc_requests_total{method=\"%s\",code=\"%s\"} %llu\n", method_label(i),
                    lcp_grpc_status_name(c), (unsigned long long)m->requests[i][c]);
    put(&o, "# HELP lcp_grpc_request_duration_seconds Time from request headers to response, by method.\n"
            "# TYPE lcp_grpc_request_duration_seconds histogram\n");
    for (int i = 0; i <= SVC_M_COUNT; i++)
        if (i < SVC_M_COUNT || m->latency[i].n)
            hist(&o, "lcp_grpc_request_duration_seconds", "method", method_label(i), &m->latency[i]);
    put(&o, "# HELP lcp_ecall_duration_seconds Time of one ECALL (enclave work and its store OCALLs), by command.\n"
            "# TYPE lcp_ecall_duration_seconds histogram\n");
    /* The ECALLs and their labels come from lcp/ecalls.def, in its order. */
    for (int i = 0; i < LCP_ECALL_COUNT; i++)
        if (lcp_ecall_measured(i)) hist(&o, "lcp_ecall_duration_seconds", "command", lcp_ecall_label(i), &m->ecall[i]);
    put(&o, "# HELP lcp_ecall_errors_total ECALLs that failed (enclave error or process death), by command.\n"
            "# TYPE lcp_ecall_errors_total counter\n");
    for (int i = 0; i < LCP_ECALL_COUNT; i++)
        if (lcp_ecall_measured(i))
            put(&o, "lcp_ecall_errors_total{command=\"%s\"} %llu\n", lcp_ecall_label(i),
                (unsigned long long)m->ecall_errors[i]);
    put(&o, "# HELP lcp_commitments_signed_total Commitments signed and returned.\n"
            "# TYPE lcp_commitments_signed_total counter\nlcp_commitments_signed_total %llu\n",
        (unsigned long long)m->commitments);
    put(&o, "# HELP lcp_store_conflicts_total ECALLs rerun because a value they read changed before commit.\n"
            "# TYPE lcp_store_conflicts_total counter\nlcp_store_conflicts_total %llu\n", (unsigned long long)m->conflicts);
    put(&o, "# HELP lcp_grpc_connections_total HTTP/2 connections accepted.\n# TYPE lcp_grpc_connections_total counter\n"
            "lcp_grpc_connections_total %llu\n", (unsigned long long)m->connections_total);
    put(&o, "# HELP lcp_grpc_connections_refused_total Connections refused at the connection limit.\n"
            "# TYPE lcp_grpc_connections_refused_total counter\nlcp_grpc_connections_refused_total %llu\n",
        (unsigned long long)m->connections_refused);
    put(&o, "# HELP lcp_grpc_protocol_errors_total Connections closed for an HTTP/2 protocol error.\n"
            "# TYPE lcp_grpc_protocol_errors_total counter\nlcp_grpc_protocol_errors_total %llu\n",
        (unsigned long long)m->protocol_errors);
    counter(&o, "lcp_grpc_connections_evicted_total", "Connections closed to let a peer holding none in.",
            m->connections_evicted);
    counter(&o, "lcp_grpc_request_timeouts_total", "Requests not received in full within the request timeout.",
            m->request_timeouts);
    counter(&o, "lcp_http_connections_refused_total", "Metrics-listener connections refused (per-peer cap, full).",
            m->http_refused);
    counter(&o, "lcp_http_connections_evicted_total", "Metrics-listener connections closed to let a peer holding none in.",
            m->http_evicted);
    counter(&o, "lcp_http_header_timeouts_total", "Metrics-listener requests whose head did not arrive within 2 s.",
            m->http_timeouts);
    lcp_free(m);
    return o.rc;
}
