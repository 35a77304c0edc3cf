/* Private to src/service: the service object, jobs and workers, metrics, the HTTP/2 and HTTP/1.1 sides.
 *
 * Ownership and threads. The network thread (lcp_service_run) owns connections, streams and jobs; it creates a
 * job, queues it, and frees it once a worker has put it on the done list. A worker reads and writes only its
 * job's input and output fields while it holds the job; `stream` is touched by the network thread alone, and
 * `cancelled` is the one field both sides use concurrently (atomic).
 */
#ifndef LCP_SERVICE_INTERNAL_H
#define LCP_SERVICE_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/socket.h>

#include "lcp/codec_protobuf.h"
#include "lcp/host.h"
#include "lcp/host_lock.h"
#include "lcp/service.h"
#include "proto/lcp_service.pb-c.h"
#include "proto/lcp_service_enclave.pb-c.h"

/* The methods of lcp-spec.md §7 (the LCP_METHOD entries of lcp/ecalls.def), in the order of svc_methods. */
enum {
#define LCP_METHOD(id, path, request, kind, ecall, lock, response) SVC_M_##id,
#include "lcp/ecalls.def"
#undef LCP_METHOD
    SVC_M_COUNT,
    SVC_M_UNKNOWN = SVC_M_COUNT /* metrics slot for unknown paths and refused requests */
};

enum { SVC_KIND_WORKER, SVC_KIND_STREAM, SVC_KIND_LOCAL };
enum { SVC_LOCK_NONE, SVC_LOCK_CLIENT };
enum { SVC_RESPONSE_NONE, SVC_RESPONSE_COMMITMENT, SVC_RESPONSE_CREATED, SVC_RESPONSE_QUERY };
/* The ECALL a method runs, by its name in lcp/ecalls.def (LCP_METHOD's ECALL column). */
enum {
#define LCP_ECALL(id, label, writes, measured, fn) SVC_EC_##id = LCP_ECALL_##id,
#define LCP_ECALL_OWN(id, label, writes, measured) SVC_EC_##id = LCP_ECALL_##id,
#include "lcp/ecalls.def"
#undef LCP_ECALL
#undef LCP_ECALL_OWN
    SVC_EC_NONE = -1
};

typedef struct {
    const char *path;                           /* "/lcp.service.elc.v1.Msg/CreateClient" */
    const ProtobufCMessageDescriptor *request;  /* for streams: the chunk type */
    int kind;
    int ecall;                                  /* LCP_ECALL_*, or SVC_EC_NONE */
    int lock;
    int response;
} svc_method;

extern const svc_method svc_methods[SVC_M_COUNT];
/* The method of an HTTP/2 :path, or -1. */
int svc_method_find(const char *path, size_t len);

/* protobuf-c goes through lcp's allocator: lcp_pb_unpack and lcp_pb_allocator() (lcp/codec_protobuf.h). */

/* ---- jobs ---- */
struct svc_stream;
typedef struct svc_job {
    struct svc_job *next;
    int method;
    char *lock_key;            /* client whose updates are serialised (owned), NULL = none */
    uint64_t deadline_ns;      /* monotonic, 0 = none */
    atomic_int cancelled;      /* the client went away or the deadline passed: skip or discard */
    ProtobufCMessage *msg;     /* the unpacked request (unary methods) */
    /* UpdateClientStream: the assembled request, kept in the same shape as MsgUpdateClient. */
    Lcp__Service__Elc__V1__MsgUpdateClient upd;
    Google__Protobuf__Any upd_header;
    lcp_buf upd_value;
    uint8_t upd_signer[20];
    int stream_init;           /* the init chunk was seen */
    /* the operation the worker runs (WORKER and STREAM methods), its views borrowed from msg or upd */
    lcp_host_op op;
    lcp_bytes *op_bytes;       /* owned: the operation's byte lists (AggregateMessages) */
    /* output, written by the worker */
    int status;                /* gRPC status */
    char message[LCP_ERR_LEN];
    lcp_buf resp;              /* 5-byte prefix + response message, when status is OK */
    int started;               /* the worker ran it (for shutdown accounting) */
    size_t bytes;              /* request bytes it holds, counted in lcp_service.queued_bytes */
    /* network thread only */
    struct svc_stream *stream;
} svc_job;

void svc_job_free(svc_job *j);

/* ---- metrics ---- */
#define SVC_HIST_BUCKETS 15
typedef struct {
    uint64_t counts[SVC_HIST_BUCKETS + 1]; /* last = +Inf */
    uint64_t sum_ns;
    uint64_t n;
} svc_hist;

typedef struct {
    pthread_mutex_t mu;
    uint64_t requests[SVC_M_COUNT + 1][LCP_GRPC_STATUS_COUNT];
    svc_hist latency[SVC_M_COUNT + 1];
    svc_hist ecall[LCP_ECALL_COUNT];     /* by lcp_ecall_kind */
    uint64_t ecall_errors[LCP_ECALL_COUNT];
    uint64_t commitments;
    uint64_t conflicts;
    uint64_t connections_total;
    uint64_t connections_refused;
    uint64_t protocol_errors;
    uint64_t connections_evicted;
    uint64_t request_timeouts;
    uint64_t http_refused;
    uint64_t http_evicted;
    uint64_t http_timeouts;
} svc_metrics;

void svc_metrics_init(svc_metrics *m);
void svc_metrics_destroy(svc_metrics *m);
void svc_metrics_request(svc_metrics *m, int method, int status, uint64_t ns);
void svc_metrics_ecall(svc_metrics *m, int command, uint64_t ns, int ok);
void svc_metrics_count(svc_metrics *m, uint64_t *counter);
void svc_hist_add(svc_hist *h, uint64_t ns);

/* ---- peers.c: connection admission by peer address ---- */
typedef struct {
    uint8_t b[9]; /* family (4 or 6), then the IPv4 address or the IPv6 /64 prefix */
} svc_peer_key;

typedef struct {
    svc_peer_key key;
    unsigned n; /* connections it holds */
} svc_peer;

/* One listener's connections by peer. Rules (svc_peers_admit): a peer holds at most per_peer connections; the
 * last `reserve` of the max slots go only to peers holding none; when all max are taken, a peer holding none
 * still gets in by evicting one connection of the peer that holds most (if that one holds two or more). */
typedef struct {
    svc_peer *v;
    size_t len, cap;
    size_t open;    /* connections counted */
    size_t max, reserve;
    unsigned per_peer;
    int evict_oldest; /* full and no peer holds two: evict the oldest connection (short-lived requests only) */
} svc_peers;

enum { SVC_ADMIT, SVC_ADMIT_EVICT, SVC_ADMIT_EVICT_OLDEST, SVC_REFUSE_PEER, SVC_REFUSE_FULL };

/* Returns LCP_OK, LCP_ERR_NOMEM, LCP_ERR_ILLEGAL_ARG (max 0, reserve >= max, per_peer 0). */
int svc_peers_init(svc_peers *p, size_t max, size_t reserve, unsigned per_peer);
void svc_peers_free(svc_peers *p);
/* The peer of an accepted socket's address (IPv4 address; IPv6 /64; IPv4-mapped IPv6 as IPv4). */
void svc_peer_key_of(svc_peer_key *k, const struct sockaddr_storage *ss);
unsigned svc_peers_count(const svc_peers *p, const svc_peer_key *k);
/* What to do with a new connection from k: SVC_ADMIT; SVC_ADMIT_EVICT (first close one connection of *victim,
 * then admit); SVC_ADMIT_EVICT_OLDEST (evict_oldest set: first close the oldest connection); SVC_REFUSE_PEER (k
 * is at its cap); SVC_REFUSE_FULL. */
int svc_peers_admit(const svc_peers *p, const svc_peer_key *k, svc_peer_key *victim);
/* Counts a connection of k in (after admit) and out (when it closes). */
void svc_peers_add(svc_peers *p, const svc_peer_key *k);
void svc_peers_del(svc_peers *p, const svc_peer_key *k);

/* ---- the service ---- */
typedef struct {
    struct lcp_service *s;
    lcp_host_enclave *enclave;
    lcp_host_exec *exec;       /* the worker's executor: optimistic, through the service's committer */
    pthread_t thread;
    int started;
    atomic_int up;             /* the enclave answered the last call (readiness) */
    atomic_uint starts;        /* enclave processes started, as the worker last saw it (metrics) */
} svc_worker;

struct svc_conn;
struct svc_http1;
struct svc_rotation;

struct lcp_service {
    lcp_service_options opt;
    lcp_host *host;            /* the store and worker 0's enclave */
    lcp_dir_lock home_lock;    /* held from new to free: one service per home */
    lcp_store *store;
    svc_worker workers[LCP_SERVICE_MAX_THREADS];
    unsigned nworkers;
    uint8_t mrenclave[32];
    int enclave_debug;
    uint32_t isv_svn;
    char backend[16];

    /* job queue and done list (mu) */
    pthread_mutex_t mu;
    pthread_cond_t cv;
    svc_job *q_head, *q_tail;
    size_t q_len;
    svc_job *done_head, *done_tail;
    const char *busy[LCP_SERVICE_MAX_THREADS]; /* lock keys of jobs being run */
    int workers_exit;
    unsigned running;          /* jobs a worker is running */

    lcp_host_committer *committer; /* group commit of the workers' executors */

    /* network thread */
    int epfd, evfd, grpc_fd, metrics_fd;
    char bound[2][80];
    atomic_int stop_requested;
    int draining;
    uint64_t drain_deadline_ns;
    struct svc_conn *conns;
    size_t nconns;
    svc_peers h2_peers, http1_peers;
    struct svc_http1 *http1s;
    struct svc_conn *h2_dead;       /* closed during this epoll batch, freed after it */
    struct svc_http1 *http1_dead;
    size_t jobs_out;           /* queued or running jobs not yet collected */
    size_t buffered;           /* request bytes held by streams still being received */
    size_t queued_bytes;       /* request bytes held by jobs not yet collected */
    svc_metrics metrics;
    struct svc_rotation *rotation; /* NULL when key rotation is off (rotation.c) */
};

/* Monotonic clock in ns. */
uint64_t svc_now_ns(void);

/* workers.c */
int svc_workers_start(lcp_service *s, char *err);
void svc_workers_stop(lcp_service *s);
/* Queues j (network thread). Returns LCP_OK or LCP_ERR_RANGE when the queue is full. */
int svc_enqueue(lcp_service *s, svc_job *j);
/* Takes the done list (network thread). */
svc_job *svc_take_done(lcp_service *s);
/* Removes queued jobs that are cancelled (drain timeout) and returns them. */
void svc_cancel_queued(lcp_service *s);
/* Sum of enclave process restarts over the workers. */
unsigned svc_enclave_restarts(lcp_service *s);

/* workers.c: the worker's executor (lcp/host_ops.h, optimistic with group commit), its ECALLs measured. */
int svc_worker_exec_new(svc_worker *w, char *err);

/* handlers.c */
/* Decodes a unary request into a new job (network thread). Out: *status/msg on failure. */
svc_job *svc_job_new(lcp_service *s, int method, const uint8_t *msg, size_t len, int *status, char *why);
/* Runs j in worker w, filling its status and response. */
void svc_job_run(svc_worker *w, svc_job *j);
/* UpdateClientStream: one chunk into j (status/why on failure; returns LCP_OK or an error). */
int svc_stream_chunk(lcp_service *s, svc_job *j, const uint8_t *msg, size_t len, int *status, char *why);
/* Checks the assembled stream at its end and sets its lock key. */
int svc_stream_finish(svc_job *j, int *status, char *why);
/* The enclave queries answered on the network thread. Out: resp: prefixed response. */
int svc_local(lcp_service *s, int method, const uint8_t *msg, size_t len, lcp_buf *resp, int *status, char *why);
/* Packs m after a 5-byte gRPC prefix into out. */
int svc_pack(lcp_buf *out, const ProtobufCMessage *m);

/* metrics.c: the Prometheus text; health. */
int svc_metrics_render(lcp_service *s, lcp_buf *out);
/* 1 if ready; else 0 with the reason in why. */
int svc_ready(lcp_service *s, char *why, size_t cap);

/* rotation.c: key rotation (lcp/service.h, "Key rotation"). */
int svc_rotation_start(lcp_service *s, char *err);   /* nothing when key_rotation_buffer is 0 */
void svc_rotation_stop(lcp_service *s);               /* NULL-safe on s->rotation */
/* The active key (for requests without a signer): 1 and out, or 0 when there is none. Any thread. */
int svc_rotation_signer(lcp_service *s, uint8_t out[20]);
/* Makes addr the active key (attested, unexpired, this enclave's). Out: prev, had_prev: the key it replaces. */
int svc_rotation_activate(lcp_service *s, const uint8_t addr[20], uint8_t prev[20], int *had_prev, char *err);
typedef struct {
    int enabled;
    uint64_t buffer;
    int have_active, have_pending;
    uint8_t active[20];
    uint64_t active_valid_to;
    uint64_t generated, activated, failed, pruned;
} svc_rotation_stats;
void svc_rotation_stats_get(lcp_service *s, svc_rotation_stats *st);

/* http1.c */
/* Sets up the metrics listener's connection table. Returns LCP_OK or LCP_ERR_NOMEM. */
int svc_http1_init(lcp_service *s);
int svc_http1_accept(lcp_service *s);
void svc_http1_event(lcp_service *s, struct svc_http1 *c, uint32_t events);
/* Closes connections past their deadline; returns the next deadline (0 = none). */
uint64_t svc_http1_sweep(lcp_service *s, uint64_t now);
void svc_http1_close_all(lcp_service *s);
void svc_http1_reap(lcp_service *s);
/* What a request head asks for (the request line only; headers are not interpreted). head is set for HEAD. */
enum { SVC_HTTP_BAD, SVC_HTTP_METHOD, SVC_HTTP_HEALTHZ, SVC_HTTP_READYZ, SVC_HTTP_METRICS, SVC_HTTP_NOT_FOUND };
int svc_http1_parse(const char *in, size_t len, int *head);
/* The offset just past the first CRLFCRLF at or after from, or 0 when the head is not complete yet. */
size_t svc_http1_head_end(const char *in, size_t len, size_t from);

/* h2.c */
int svc_h2_accept(lcp_service *s);
void svc_h2_event(lcp_service *s, struct svc_conn *c, uint32_t events);
/* Delivers a finished job to its stream (or frees an orphan). */
void svc_h2_complete(lcp_service *s, svc_job *j);
/* Deadlines: answers expired streams; returns the next deadline (0 = none). */
uint64_t svc_h2_deadlines(lcp_service *s, uint64_t now);
void svc_h2_goaway_all(lcp_service *s);
void svc_h2_close_all(lcp_service *s);
/* Frees connections closed since the last call (their epoll events may have been pending in the batch). */
void svc_h2_reap(lcp_service *s);

/* epoll tags: every registered object begins with one. */
enum { SVC_TAG_CLOSED = 0, SVC_TAG_LISTEN_GRPC = 1, SVC_TAG_LISTEN_METRICS, SVC_TAG_EVENT, SVC_TAG_H2, SVC_TAG_HTTP1 };
extern int svc_tag_listen_grpc, svc_tag_listen_metrics, svc_tag_event;

#endif
