/* What the end-to-end tests of a light client need around the enclave: an enclave key attested in the host's store
 * (simulated IAS report) and registered with a fresh LCP client "lcp-0", and the LCP client's verdicts on signed
 * commitments. */
#ifndef LCP_TEST_E2EFIX_H
#define LCP_TEST_E2EFIX_H

#include "grpcc.h"
#include "hostfix.h"
#include "lcfix.h"

#include <pthread.h>
#include <sys/types.h>

#include "host/host_frames.h" /* e2efix_ecall sends exact frames */
#include "lcp/host.h"
#include "lcp/service.h"

/* Records an IAS attestation of key addr (in h's store) made at now - 60, creates LCP client "lcp-0" in c (opened
 * here with the simulation IAS root) expecting h's enclave, and registers the key with it. */
void e2efix_register(lcp_host *h, const uint8_t addr[20], lcfix_client *c, int64_t now);
/* The LCP client's verdict on an UpdateState or Misbehaviour commitment that addr signed (checked first). */
int e2efix_lc_update(lcfix_client *c, const uint8_t addr[20], const uint8_t *msg, size_t msg_len, const uint8_t *sig,
                     size_t sig_len, int64_t now, lcp_lc_update_result *res);
/* The LCP client's verdict on a membership (value != NULL) or non-membership commitment. */
int e2efix_lc_verify(lcfix_client *c, const lcp_height *h, const char *path, const uint8_t *value, size_t value_len,
                     const uint8_t *msg, size_t msg_len, const uint8_t *sig, size_t sig_len, int64_t now);

/* An ECALL through h signed by addr at now_s (unix seconds); fails the test unless it returns expect. Returns the
 * response (free it with lcp__enclave__v1__ecall_response__free_unpacked; may be NULL when it failed). */
Lcp__Enclave__V1__EcallResponse *e2efix_ecall(lcp_host *h, const uint8_t addr[20], Lcp__Enclave__V1__EcallRequest *req,
                                              uint64_t now_s, int write, int expect);
/* An enclave Any viewing v (valid while v lives). */
void e2efix_set_any(Lcp__Enclave__V1__Any *a, const char *type_url, const lcp_buf *v);
/* A field of /proc/<pid>/status in kB (VmHWM, VmRSS) or a count (Threads); -1 if unreadable. */
long e2efix_proc_status(pid_t pid, const char *field);

/* The gRPC service on fx's home and platform (127.0.0.1, an ephemeral port, 2 workers) in a thread, and a client. */
typedef struct {
    lcp_service *s;
    pthread_t th;
    int run_rc;
    grpcc *g;
} e2efix_service;
void e2efix_service_start(e2efix_service *sv, const hostfix *fx);
/* A key generated in fx's home and attested, registered with LCP client "lcp-0" in c (e2efix_register at now),
 * then the service started on that home (the host is closed first: the service opens the store itself). */
void e2efix_service_with_key(e2efix_service *sv, const hostfix *fx, uint8_t addr[20], lcfix_client *c, int64_t now);
/* Closes the client, stops the service and checks it ran cleanly. */
void e2efix_service_stop(e2efix_service *sv);

#endif
