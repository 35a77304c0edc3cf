/* lcp/service.h — floor 6: the LCP service that relayers call. gRPC over HTTP/2 (nghttp2, h2c with prior
 * knowledge), the services of lcp-spec.md §7 (lcp.service.elc.v1 Msg and Query, lcp.service.enclave.v1 Query,
 * protocol definitions in proto/lcp_service*.proto), and a plain HTTP/1.1 listener for /metrics (Prometheus
 * text), /healthz and /readyz (ops.md §6).
 *
 * How it runs. lcp_service_run owns the calling thread as the network thread: one epoll loop that accepts
 * connections, runs every HTTP/2 session, answers the key queries from the store, and hands light-client work
 * to N enclave workers. Each worker is a thread with its own lcp-enclave process; all share one LMDB store,
 * opened once for the process (lcp/host_store.h: two opens of one environment in a process break its locks).
 *
 * Transactions. An ECALL runs against a read snapshot of the store; what the enclave writes is kept aside and
 * applied in a short write transaction after the enclave succeeded, having checked that nothing it read has
 * changed since (else the ECALL is run again, at most LCP_SERVICE_CONFLICT_RETRIES times). Commits that arrive
 * while one is being synced are grouped into the next transaction (one sync for several updates). So the LMDB
 * writer lock is held for commits only, never during enclave work: updates of different clients run in parallel, and
 * queries (read snapshots) never wait for writers. Requests that change one client (CreateClient,
 * UpdateClient, UpdateClientStream) are serialised per client_id in arrival order; a waiting request does not
 * occupy a worker. A response reports success only after its commit is durable.
 *
 * gRPC behaviour. Messages are 5-byte length-prefixed; only uncompressed messages are accepted (flag 1 →
 * UNIMPLEMENTED; any other flag → INTERNAL). A message above max_message_len → RESOURCE_EXHAUSTED (detected from
 * the prefix, before the body is buffered); UpdateClientStream's header may total max_stream_len. grpc-timeout
 * is honoured (DEADLINE_EXCEEDED; work not yet started is skipped). Unknown paths → UNIMPLEMENTED. Errors of
 * the enclave or the key store → ABORTED with their reason, as LCP does; a dead enclave process → UNAVAILABLE
 * (it is restarted for the next request); an undecodable request → INVALID_ARGUMENT. grpc-message is
 * percent-encoded. A malformed connection (bad preface, protocol error) is closed; others are unaffected.
 * Resources are bounded: connections (LCP_SERVICE_MAX_CONNECTIONS), streams per connection (100), request bytes
 * held across all requests (max_buffered), queued requests (LCP_SERVICE_MAX_QUEUE), idle and silent
 * connections (idle_seconds), and the time a request may take to arrive (request_timeout_ms, from its HEADERS
 * to its END_STREAM; the enclave work after that is bounded by grpc-timeout only).
 *
 * Connections. No single peer can hold the port: a peer (an IPv4 address, or an IPv6 /64) holds at most
 * max_connections_per_peer gRPC connections; the last LCP_SERVICE_CONNECTION_RESERVE of the
 * LCP_SERVICE_MAX_CONNECTIONS slots go only to peers holding none; and when every slot is taken, a new peer's
 * connection replaces the least recently active connection of the peer holding most. Connections beyond these
 * rules are closed at accept. Behind a proxy or NAT every caller is one peer: raise the per-peer cap there. The
 * metrics listener has the same rules with its own small numbers (8 per peer, 64 in all, 16 reserved; when 64
 * peers hold one each, a new one evicts the oldest) and 2 s from accept for a request head, so /readyz stays
 * answerable for a prober while other peers misbehave.
 *
 * CPUs. Each enclave process verifies Tendermint commit signatures on LCP_VERIFY_THREADS threads; when that
 * variable is not set, lcp_service_new sets it to CPUs / threads (at least 1) for the enclaves it starts, so that
 * N workers do not run N x CPUs verification threads.
 *
 * Shutdown. lcp_service_stop (async-signal-safe) makes run stop accepting, send GOAWAY on every connection, let
 * the requests already received finish and their responses go out (for up to drain_seconds), then stop the
 * workers and close the store. run returns LCP_OK after a clean stop.
 *
 * Key rotation (key_rotation_buffer > 0), as LCP's relayer rotates ahead of expiry (key_update_buffer_time). The
 * service has an ACTIVE key, recorded in $LCP_HOME/active-enclave-key: requests whose signer is empty are signed
 * with it (requests naming a signer are signed by that key, as in LCP). When the active key expires within the
 * buffer (or there is none) and no newer valid key exists, a thread generates a key in its own enclave process,
 * attests it (sim: simulated DCAP, as `lcp attestation dcap`; valid_to capped by key_validity) and so lists it in
 * AvailableEnclaveKeys, newest first. The old key keeps signing until the caller, having registered the new key on
 * the counterparty, calls lcp.service.enclave.v1.Msg/ActivateEnclaveKey (an lcp-c extension); then expired keys are
 * pruned. Metrics: lcp_key_rotation_* and lcp_enclave_active_key_expiry_timestamp_seconds.
 *
 * Threading: lcp_service_new, _run, _free from one thread; _stop and _bound_address from any thread or signal
 * handler (stop) once new returned. Allocation goes through lcp_malloc (protobuf-c included); nghttp2 and LMDB
 * allocate with libc.
 */
#ifndef LCP_SERVICE_H
#define LCP_SERVICE_H

#include <stddef.h>
#include <stdint.h>

#include "lcp/base.h"

#ifdef __cplusplus
extern "C" {
#endif

#define LCP_SERVICE_DEFAULT_ADDRESS "[::1]:50051"
#define LCP_SERVICE_DEFAULT_THREADS 2
#define LCP_SERVICE_MAX_THREADS 64
/* Largest unary request message (spec §9: larger headers go through UpdateClientStream). */
#define LCP_SERVICE_DEFAULT_MAX_MESSAGE ((size_t)16 << 20)
/* Largest header assembled by UpdateClientStream: it must still fit one ECALL frame (LCP_FRAME_MAX). */
#define LCP_SERVICE_DEFAULT_MAX_STREAM (((size_t)LCP_FRAME_MAX) - ((size_t)1 << 20))
#define LCP_SERVICE_DEFAULT_DRAIN_SECONDS 30
#define LCP_SERVICE_CONFLICT_RETRIES 3
/* Requests waiting for a worker; beyond this they get RESOURCE_EXHAUSTED. */
#define LCP_SERVICE_MAX_QUEUE 4096
#define LCP_SERVICE_MAX_CONNECTIONS 1024
/* Of those, the last ones are kept for peers that hold no connection yet (see "Connections" above). */
#define LCP_SERVICE_CONNECTION_RESERVE 128
#define LCP_SERVICE_DEFAULT_MAX_CONNECTIONS_PER_PEER 64
/* From a stream's HEADERS to the end of its request (the client's half-close). */
#define LCP_SERVICE_DEFAULT_REQUEST_TIMEOUT_MS 5000
/* Request bytes the service holds at once (being received or queued); beyond it: RESOURCE_EXHAUSTED. */
#define LCP_SERVICE_MAX_BUFFERED ((size_t)512 << 20)
#define LCP_SERVICE_DEFAULT_IDLE_SECONDS 300

typedef struct {
    const char *address;         /* gRPC listener, "HOST:PORT" or "[V6]:PORT" (NULL = LCP_SERVICE_DEFAULT_ADDRESS);
                                  * port 0 picks a free port (see lcp_service_bound_address) */
    const char *metrics_address; /* HTTP/1.1 listener for /metrics, /healthz, /readyz; NULL = none */
    unsigned threads;            /* enclave workers, 1..LCP_SERVICE_MAX_THREADS (0 = default) */
    const char *home;            /* $LCP_HOME */
    const char *sim_platform;    /* simulated platform directory (sim backend) */
    const char *enclave_path;    /* lcp-enclave (NULL = beside the running program) */
    const char *backend;         /* "sim" (NULL) or "gramine" */
    size_t max_message_len;      /* 0 = LCP_SERVICE_DEFAULT_MAX_MESSAGE */
    size_t max_stream_len;       /* 0 = LCP_SERVICE_DEFAULT_MAX_STREAM */
    unsigned drain_seconds;      /* 0 = LCP_SERVICE_DEFAULT_DRAIN_SECONDS */
    unsigned idle_seconds;       /* a connection without streams for this long is closed (0 = default); one
                                  * that has not sent a frame within min(10, idle_seconds) s, too */
    size_t max_buffered;         /* 0 = LCP_SERVICE_MAX_BUFFERED */
    unsigned request_timeout_ms; /* a request not complete this long after its HEADERS is answered
                                  * DEADLINE_EXCEEDED and reset (0 = LCP_SERVICE_DEFAULT_REQUEST_TIMEOUT_MS) */
    unsigned max_connections_per_peer; /* gRPC connections one peer may hold, 1..LCP_SERVICE_MAX_CONNECTIONS
                                        * (0 = LCP_SERVICE_DEFAULT_MAX_CONNECTIONS_PER_PEER) */
    /* Key rotation (below); 0 = off. */
    uint64_t key_rotation_buffer;   /* seconds before the active key's expiry at which a new key is made */
    uint64_t key_validity;          /* the LCP client's key_expiration, for the keys rotation attests (0 = the
                                     * collateral's window) */
    unsigned key_rotation_check_ms; /* how often rotation looks (0 = a tenth of the buffer, 1..30 s) */
    /* Key rotation on the gramine backend: the enclave quotes the new key itself and the collateral comes from this
     * PCCS (lcp/host_attest_gramine.h); required there, unused on sim. */
    const char *pccs_url;           /* "https://host:8081" */
    const char *pccs_ca;            /* PEM CAs for the PCCS's TLS certificate (NULL = the system's store) */
    const uint8_t *attest_root;     /* trust anchor, DER or PEM (NULL = Intel's production root); borrowed */
    size_t attest_root_len;
} lcp_service_options;

typedef struct lcp_service lcp_service;

/* Takes the home's lock (lcp/host_lock.h: one service per home, held until lcp_service_free), opens the store,
 * starts every enclave worker (each must answer EnclaveInfo with the same MRENCLAVE) and binds the listeners.
 * Nothing is served until lcp_service_run.
 * Returns: LCP_OK; LCP_ERR_HOST_LOCKED (another service runs on this home: err names its pid, nothing started);
 *   LCP_ERR_IO (address unusable, bind failed); host errors (store, enclave start); LCP_ERR_NOMEM.
 * Out: out: the service, to be freed with lcp_service_free. */
int lcp_service_new(lcp_service **out, const lcp_service_options *opt, char *err) LCP_WARN_UNUSED;

/* Serves until lcp_service_stop, then drains and shuts down as described above (the store is closed when run
 * returns). Returns: LCP_OK after a clean stop; LCP_ERR_IO if the event loop failed. */
int lcp_service_run(lcp_service *s, char *err) LCP_WARN_UNUSED;

/* Asks run to stop. Async-signal-safe; may be called before run (run then drains at once) and more than once. */
void lcp_service_stop(lcp_service *s);

/* Writes the bound address of the gRPC (which = 0) or metrics (which = 1) listener as "HOST:PORT" ("[V6]:PORT").
 * Returns LCP_OK, or LCP_ERR_RANGE when that listener does not exist. */
int lcp_service_bound_address(const lcp_service *s, int which, char *out, size_t cap);

/* The enclave's identity as the service reports it (valid while s lives). */
const uint8_t *lcp_service_mrenclave(const lcp_service *s);

/* Stops the workers and their enclave processes, closes the store and listeners, frees s (NULL-safe). */
void lcp_service_free(lcp_service *s);

/* ---- protocol helpers (exposed for tests and fuzzers) ---- */

/* gRPC status codes (grpc/doc/statuscodes.md). */
enum {
    LCP_GRPC_OK = 0,
    LCP_GRPC_CANCELLED = 1,
    LCP_GRPC_UNKNOWN = 2,
    LCP_GRPC_INVALID_ARGUMENT = 3,
    LCP_GRPC_DEADLINE_EXCEEDED = 4,
    LCP_GRPC_NOT_FOUND = 5,
    LCP_GRPC_ALREADY_EXISTS = 6,
    LCP_GRPC_PERMISSION_DENIED = 7,
    LCP_GRPC_RESOURCE_EXHAUSTED = 8,
    LCP_GRPC_FAILED_PRECONDITION = 9,
    LCP_GRPC_ABORTED = 10,
    LCP_GRPC_OUT_OF_RANGE = 11,
    LCP_GRPC_UNIMPLEMENTED = 12,
    LCP_GRPC_INTERNAL = 13,
    LCP_GRPC_UNAVAILABLE = 14,
    LCP_GRPC_DATA_LOSS = 15,
    LCP_GRPC_UNAUTHENTICATED = 16,
    LCP_GRPC_STATUS_COUNT = 17
};

/* "OK", "CANCELLED", ...; "UNKNOWN" for values out of range. */
const char *lcp_grpc_status_name(int code);

/* Incremental reader of length-prefixed gRPC messages (1-byte compressed flag, 4-byte big-endian length, body).
 * Feed it bytes as they arrive, in any split; it calls on_message once per complete message. Zero-initialise,
 * set max, then feed; lcp_grpc_reader_free releases its buffer. After a failure it refuses further input. */
typedef struct {
    size_t max;        /* largest accepted message length */
    uint8_t hdr[5];
    size_t hdr_len;    /* prefix bytes held so far */
    uint32_t need;     /* body length of the message being read */
    lcp_buf body;
    int status;        /* after a failure: the gRPC status to answer with */
    size_t messages;   /* complete messages delivered */
} lcp_grpc_reader;

/* Called with a complete message body (borrowed: valid during the call). Return LCP_OK to go on, else an error
 * code, which lcp_grpc_reader_feed returns (the callback sets r->status itself if it wants one). */
typedef int (*lcp_grpc_message_fn)(void *ud, const uint8_t *msg, size_t len);

/* Returns: LCP_OK; LCP_ERR_RANGE if a message declares more than max bytes, detected from its prefix
 *   (status RESOURCE_EXHAUSTED); LCP_ERR_PROTO for a compressed message (flag 1, status UNIMPLEMENTED: no
 *   compression is negotiated) or a flag other than 0 and 1 (status INTERNAL); LCP_ERR_NOMEM (status
 *   RESOURCE_EXHAUSTED); the callback's code; LCP_ERR_IO when fed after a failure.
 * Out: err: the reason. */
int lcp_grpc_reader_feed(lcp_grpc_reader *r, const uint8_t *in, size_t len, lcp_grpc_message_fn fn, void *ud,
                         char *err) LCP_WARN_UNUSED;
/* 1 if no partial message is held (a stream that ends now ends cleanly). */
int lcp_grpc_reader_idle(const lcp_grpc_reader *r);
void lcp_grpc_reader_free(lcp_grpc_reader *r);

/* Writes the 5-byte prefix of an uncompressed message of len bytes. Returns LCP_ERR_RANGE if len > 2^32-1. */
int lcp_grpc_prefix(uint8_t out[5], size_t len) LCP_WARN_UNUSED;

/* Parses a grpc-timeout header value: 1..8 ASCII digits then one unit of H M S m u n.
 * Returns: LCP_OK; LCP_ERR_RANGE if malformed. Out: ns: the timeout in nanoseconds (saturating at UINT64_MAX). */
int lcp_grpc_timeout_parse(uint64_t *ns, const char *v, size_t len) LCP_WARN_UNUSED;

/* Percent-encodes a grpc-message value: bytes outside 0x20..0x7E and '%' become %XX (uppercase hex).
 * Returns: the length written (without the NUL); the output is always NUL-terminated and truncated at a whole
 * escape if cap is short (cap >= 1). */
size_t lcp_grpc_percent_encode(char *out, size_t cap, const uint8_t *in, size_t len);
/* Decodes it back; a '%' not followed by two hex digits is kept as is (as gRPC clients do).
 * Returns the decoded length (<= len); out must hold len bytes. */
size_t lcp_grpc_percent_decode(uint8_t *out, const char *in, size_t len);

/* Splits "HOST:PORT" / "[V6]:PORT" into host (brackets removed) and port.
 * Returns: LCP_OK; LCP_ERR_RANGE if malformed (no port, port not 0..65535, empty host, host too long). */
int lcp_service_parse_address(char *host, size_t host_cap, uint16_t *port, const char *addr) LCP_WARN_UNUSED;

#ifdef __cplusplus
}
#endif
#endif
