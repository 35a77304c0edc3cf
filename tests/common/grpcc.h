/* grpcc — a minimal gRPC client over nghttp2 (h2c, prior knowledge) for the service's C tests and bench/service:
 * unary and client-streaming calls, several in flight on one connection. Test code: a broken connection is
 * reported, an allocation failure aborts. Blocking socket; one connection per thread. */
#ifndef LCP_TEST_GRPCC_H
#define LCP_TEST_GRPCC_H

#include <protobuf-c/protobuf-c.h>
#include <stdint.h>

#include "lcp/base.h"

typedef struct grpcc grpcc;

typedef struct {
    lcp_buf body;       /* the request: one or more length-prefixed messages (grpcc_add appends) */
    size_t off;
    int32_t id;
    int status;         /* grpc-status, -1 if none came (connection lost, RST_STREAM) */
    char message[512];  /* grpc-message, percent-decoded */
    lcp_buf resp;       /* the response DATA, prefixes included */
    int done;
    uint64_t t0, t1;    /* submitted, closed (monotonic ns) */
    int keep_open;      /* set before submit: send the body but never half-close (a request left hanging) */
} grpcc_call;

/* Connects to "HOST:PORT" / "[V6]:PORT" (numeric). NULL if the connection fails. */
grpcc *grpcc_open(const char *addr);
/* The same from the local address src (numeric, of addr's family; e.g. "127.0.0.2"), NULL = any. */
grpcc *grpcc_open_from(const char *addr, const char *src);
/* How long a read may block (default 30 s); a pump that times out reports a lost connection. */
void grpcc_set_timeout(grpcc *c, unsigned seconds);
void grpcc_close(grpcc *c);

/* Appends m as one length-prefixed message to k->body. */
void grpcc_add(grpcc_call *k, const ProtobufCMessage *m);
/* Appends raw bytes to k->body as they are (for hostile framing). */
void grpcc_add_raw(grpcc_call *k, const void *p, size_t n);
/* Starts k on path (its body is sent, then the stream is half-closed). Returns 0 or -1. */
int grpcc_submit(grpcc *c, grpcc_call *k, const char *path);
/* Sends what is pending, then waits for and reads input once. Returns 0 or -1 (connection lost). */
int grpcc_pump(grpcc *c);
/* submit, then pump until k is done. Returns k->status (-1 if the connection broke). */
int grpcc_wait(grpcc *c, grpcc_call *k, const char *path);
/* The first response message of k (after its prefix), unpacked with desc (free with
 * protobuf_c_message_free_unpacked(m, NULL)); NULL if there is none or it does not decode. */
ProtobufCMessage *grpcc_response(const grpcc_call *k, const ProtobufCMessageDescriptor *desc);
/* Frees k's buffers and resets it for reuse. */
void grpcc_reset(grpcc_call *k);

#endif
