/* The methods of lcp-spec.md §7: requests decoded from protobuf into ECALL requests, as `lcp elc` builds them from
 * JSON, and enclave results encoded back. Light-client methods run in a worker (one ECALL each, see txn.c); the
 * enclave queries read the key store on the network thread (a read snapshot, no enclave). */
#include <stdio.h>
#include <string.h>

#include "service_internal.h"

/* protobuf-c answers NULL both for malformed input and for a failed allocation; this flag tells them apart, so
 * that a client is told RESOURCE_EXHAUSTED (retry) rather than INVALID_ARGUMENT (do not). Per thread: requests
 * are decoded on the network thread, chunks too. */
static _Thread_local int pb_oom;

static void *pb_alloc(void *ud, size_t n)
{
    (void)ud;
    void *p = lcp_malloc(n ? n : 1);
    if (!p) pb_oom = 1;
    return p;
}

/* Unpacks with the lcp allocator. On NULL, *oom says whether memory ran out. */
ProtobufCMessage *svc_unpack(const ProtobufCMessageDescriptor *d, const uint8_t *msg, size_t len, int *oom)
{
    pb_oom = 0;
    ProtobufCMessage *m = protobuf_c_message_unpack(d, &svc_pb_alloc, len, msg);
    *oom = pb_oom;
    return m;
}
static void pb_free(void *ud, void *p)
{
    (void)ud;
    lcp_free(p);
}
ProtobufCAllocator svc_pb_alloc = {pb_alloc, pb_free, NULL};

/* Each method's builder, named in methods.def (LOCAL methods have none: keys.c answers them). */
#define SVC_METHOD(id, path, request, kind, ecall, lock, response, build)                                        \
    static int build_##build(lcp_service *s, ProtobufCMessage *msg, svc_job *j, int *status, char *why);
#include "methods.def"
#undef SVC_METHOD

const svc_method svc_methods[SVC_M_COUNT] = {
#define SVC_METHOD(id, path, request, kind, ecall, lock, response, build)                                        \
    [SVC_M_##id] = {path, &request##__descriptor, SVC_KIND_##kind, SVC_EC_##ecall, SVC_LOCK_##lock,              \
                    SVC_RESPONSE_##response, build_##build},
#include "methods.def"
#undef SVC_METHOD
};

int svc_method_find(const char *path, size_t len)
{
    for (int i = 0; i < SVC_M_COUNT; i++)
        if (strlen(svc_methods[i].path) == len && memcmp(svc_methods[i].path, path, len) == 0) return i;
    return -1;
}

int svc_pack(lcp_buf *out, const ProtobufCMessage *m)
{
    size_t n = protobuf_c_message_get_packed_size(m);
    out->len = 0;
    int rc = lcp_buf_reserve(out, 5 + n);
    if (rc != LCP_OK) return rc;
    if ((rc = lcp_grpc_prefix(out->data, n)) != LCP_OK) return rc;
    out->len = 5 + protobuf_c_message_pack(m, out->data + 5);
    return LCP_OK;
}

/* Fails with a gRPC status and a reason. */
static int bad(int *status, char *why, int code, const char *fmt, const char *arg)
{
    *status = code;
    snprintf(why, LCP_ERR_LEN, fmt, arg);
    return LCP_ERR_PROTO;
}

static char *dup_str(const char *s)
{
    size_t n = strlen(s);
    char *d = lcp_malloc(n + 1);
    if (d) memcpy(d, s, n + 1);
    return d;
}

/* Sentinel lock key for CreateClient without a client id: the enclave numbers those from one shared counter. */
static const char NEW_CLIENT_KEY[] = "\x01new-client";

/* LOCK CLIENT: the client the operation changes (a new client without an id: the shared counter). */
static const char *lock_key_of(int method, const lcp_host_op *op)
{
    if (svc_methods[method].lock != SVC_LOCK_CLIENT) return NULL; /* verifications and queries read a snapshot */
    const char *id = op->client_id ? op->client_id : "";
    return op->kind == LCP_ECALL_INIT_CLIENT && !*id ? NEW_CLIENT_KEY : id;
}

static int check_signer(const ProtobufCBinaryData *b, int *status, char *why)
{
    if (b->len != 20)
        return bad(status, why, LCP_GRPC_INVALID_ARGUMENT, "signer must be a 20-byte enclave key address%s", "");
    return LCP_OK;
}

static lcp_bytes view(ProtobufCBinaryData b) { return (lcp_bytes){b.data, b.len}; }

static lcp_pb_any any_of(const Google__Protobuf__Any *a)
{
    const char *u = a->type_url ? a->type_url : "";
    return (lcp_pb_any){{(const uint8_t *)u, strlen(u)}, view(a->value)};
}

/* ---- the builders named in methods.def ---- */

static int build_create_client(lcp_service *s, ProtobufCMessage *msg, svc_job *j, int *status, char *why)
{
    (void)s;
    const Lcp__Service__Elc__V1__MsgCreateClient *m = (const void *)msg;
    if (!m->client_state || !m->consensus_state)
        return bad(status, why, LCP_GRPC_INVALID_ARGUMENT, "client_state and consensus_state are required%s", "");
    if (check_signer(&m->signer, status, why) != LCP_OK) return LCP_ERR_PROTO;
    j->op.client_id = m->client_id;
    j->op.client_state = any_of(m->client_state);
    j->op.consensus_state = any_of(m->consensus_state);
    j->op.signer = m->signer.data;
    return LCP_OK;
}

/* UpdateClient, and UpdateClientStream once assembled (in the same shape, svc_stream_finish). */
static int build_update_client(lcp_service *s, ProtobufCMessage *msg, svc_job *j, int *status, char *why)
{
    (void)s;
    const Lcp__Service__Elc__V1__MsgUpdateClient *m = (const void *)msg;
    if (!m->header) return bad(status, why, LCP_GRPC_INVALID_ARGUMENT, "header is required%s", "");
    if (check_signer(&m->signer, status, why) != LCP_OK) return LCP_ERR_PROTO;
    j->op.client_id = m->client_id;
    j->op.header = any_of(m->header);
    j->op.include_state = m->include_state;
    j->op.signer = m->signer.data;
    return LCP_OK;
}

static int build_aggregate_messages(lcp_service *s, ProtobufCMessage *msg, svc_job *j, int *status, char *why)
{
    (void)s;
    const Lcp__Service__Elc__V1__MsgAggregateMessages *m = (const void *)msg;
    if (check_signer(&m->signer, status, why) != LCP_OK) return LCP_ERR_PROTO;
    size_t n = m->n_messages + m->n_signatures;
    if (n && !(j->op_bytes = lcp_calloc(n, sizeof *j->op_bytes)))
        return bad(status, why, LCP_GRPC_RESOURCE_EXHAUSTED, "out of memory%s", "");
    for (size_t i = 0; i < m->n_messages; i++) j->op_bytes[i] = view(m->messages[i]);
    for (size_t i = 0; i < m->n_signatures; i++) j->op_bytes[m->n_messages + i] = view(m->signatures[i]);
    j->op.messages = j->op_bytes;
    j->op.n_messages = m->n_messages;
    j->op.signatures = j->op_bytes ? j->op_bytes + m->n_messages : NULL;
    j->op.n_signatures = m->n_signatures;
    j->op.signer = m->signer.data;
    return LCP_OK;
}

static int build_verify_membership(lcp_service *s, ProtobufCMessage *msg, svc_job *j, int *status, char *why)
{
    (void)s;
    const Lcp__Service__Elc__V1__MsgVerifyMembership *m = (const void *)msg;
    if (!m->proof_height) return bad(status, why, LCP_GRPC_INVALID_ARGUMENT, "proof_height is required%s", "");
    if (check_signer(&m->signer, status, why) != LCP_OK) return LCP_ERR_PROTO;
    j->op.client_id = m->client_id;
    j->op.prefix = view(m->prefix);
    j->op.path = m->path;
    j->op.value = view(m->value);
    j->op.proof_height = (lcp_host_height){m->proof_height->revision_number, m->proof_height->revision_height};
    j->op.proof = view(m->proof);
    j->op.signer = m->signer.data;
    return LCP_OK;
}

static int build_verify_non_membership(lcp_service *s, ProtobufCMessage *msg, svc_job *j, int *status, char *why)
{
    (void)s;
    const Lcp__Service__Elc__V1__MsgVerifyNonMembership *m = (const void *)msg;
    if (!m->proof_height) return bad(status, why, LCP_GRPC_INVALID_ARGUMENT, "proof_height is required%s", "");
    if (check_signer(&m->signer, status, why) != LCP_OK) return LCP_ERR_PROTO;
    j->op.client_id = m->client_id;
    j->op.prefix = view(m->prefix);
    j->op.path = m->path;
    j->op.proof_height = (lcp_host_height){m->proof_height->revision_number, m->proof_height->revision_height};
    j->op.proof = view(m->proof);
    j->op.signer = m->signer.data;
    return LCP_OK;
}

static int build_query_client(lcp_service *s, ProtobufCMessage *msg, svc_job *j, int *status, char *why)
{
    (void)s;
    (void)status;
    (void)why;
    j->op.client_id = ((const Lcp__Service__Elc__V1__QueryClientRequest *)(const void *)msg)->client_id;
    return LCP_OK;
}

/* LOCAL methods are answered by svc_local; a job of one is a bug. */
static int build_none(lcp_service *s, ProtobufCMessage *msg, svc_job *j, int *status, char *why)
{
    (void)s;
    (void)msg;
    return bad(status, why, LCP_GRPC_INTERNAL, "method %s does not run in a worker", svc_methods[j->method].path);
}

/* The method's builder, then its lock key. */
static int build_job(lcp_service *s, svc_job *j, ProtobufCMessage *m, int *status, char *why)
{
    memset(&j->op, 0, sizeof j->op);
    j->op.kind = svc_methods[j->method].ecall;
    int rc = svc_methods[j->method].build(s, m, j, status, why);
    const char *key = rc == LCP_OK ? lock_key_of(j->method, &j->op) : NULL;
    if (key && !(j->lock_key = dup_str(key))) rc = bad(status, why, LCP_GRPC_RESOURCE_EXHAUSTED, "out of memory%s", "");
    return rc;
}

svc_job *svc_job_new(lcp_service *s, int method, const uint8_t *msg, size_t len, int *status, char *why)
{
    int oom;
    ProtobufCMessage *m = svc_unpack(svc_methods[method].request, msg, len, &oom);
    if (!m) {
        if (oom) bad(status, why, LCP_GRPC_RESOURCE_EXHAUSTED, "out of memory decoding %s", svc_methods[method].request->name);
        else bad(status, why, LCP_GRPC_INVALID_ARGUMENT, "request is not a valid %s message", svc_methods[method].request->name);
        return NULL;
    }
    svc_job *j = lcp_calloc(1, sizeof *j);
    if (!j) {
        bad(status, why, LCP_GRPC_RESOURCE_EXHAUSTED, "out of memory%s", "");
        protobuf_c_message_free_unpacked(m, &svc_pb_alloc);
        return NULL;
    }
    j->method = method;
    j->msg = m;
    if (build_job(s, j, m, status, why) != LCP_OK) {
        svc_job_free(j); /* frees m too */
        return NULL;
    }
    return j;
}

/* ---- UpdateClientStream: init, then header chunks ---- */

int svc_stream_chunk(lcp_service *s, svc_job *j, const uint8_t *msg, size_t len, int *status, char *why)
{
    int oom;
    Lcp__Service__Elc__V1__MsgUpdateClientStreamChunk *c =
        (void *)svc_unpack(&lcp__service__elc__v1__msg_update_client_stream_chunk__descriptor, msg, len, &oom);
    if (!c) return bad(status, why, oom ? LCP_GRPC_RESOURCE_EXHAUSTED : LCP_GRPC_INVALID_ARGUMENT,
                       oom ? "out of memory decoding %s" : "chunk is not a valid %s message", "MsgUpdateClientStreamChunk");
    int rc = LCP_OK;
    if (!j->stream_init) {
        const Lcp__Service__Elc__V1__UpdateClientStreamInit *in = c->init;
        if (c->chunk_case != LCP__SERVICE__ELC__V1__MSG_UPDATE_CLIENT_STREAM_CHUNK__CHUNK_INIT || !in)
            rc = bad(status, why, LCP_GRPC_INVALID_ARGUMENT, "the first chunk must be init%s", "");
        else if ((rc = check_signer(&in->signer, status, why)) == LCP_OK) {
            lcp__service__elc__v1__msg_update_client__init(&j->upd);
            google__protobuf__any__init(&j->upd_header);
            j->upd.client_id = dup_str(in->client_id ? in->client_id : "");
            j->upd_header.type_url = dup_str(in->type_url ? in->type_url : "");
            if (!j->upd.client_id || !j->upd_header.type_url) {
                rc = bad(status, why, LCP_GRPC_RESOURCE_EXHAUSTED, "out of memory%s", "");
            } else {
                j->upd.include_state = in->include_state;
                memcpy(j->upd_signer, in->signer.data, 20);
                j->upd.signer.data = j->upd_signer;
                j->upd.signer.len = 20;
                j->upd.header = &j->upd_header;
                j->stream_init = 1;
            }
        }
    } else if (c->chunk_case != LCP__SERVICE__ELC__V1__MSG_UPDATE_CLIENT_STREAM_CHUNK__CHUNK_HEADER_CHUNK || !c->header_chunk) {
        rc = bad(status, why, LCP_GRPC_INVALID_ARGUMENT, "after init only header_chunk may follow%s", "");
    } else {
        const ProtobufCBinaryData *d = &c->header_chunk->data;
        size_t max = s->opt.max_stream_len;
        if (d->len > max - j->upd_value.len) {
            *status = LCP_GRPC_RESOURCE_EXHAUSTED;
            snprintf(why, LCP_ERR_LEN, "streamed header exceeds %zu bytes", max);
            rc = LCP_ERR_RANGE;
        } else if (d->len && lcp_buf_append(&j->upd_value, d->data, d->len) != LCP_OK) {
            rc = bad(status, why, LCP_GRPC_RESOURCE_EXHAUSTED, "out of memory%s", "");
        }
    }
    lcp__service__elc__v1__msg_update_client_stream_chunk__free_unpacked(c, &svc_pb_alloc);
    return rc;
}

int svc_stream_finish(svc_job *j, int *status, char *why)
{
    if (!j->stream_init) return bad(status, why, LCP_GRPC_INVALID_ARGUMENT, "the stream has no init chunk%s", "");
    j->upd_header.value.data = j->upd_value.data;
    j->upd_header.value.len = j->upd_value.len;
    j->method = SVC_M_UPDATE_CLIENT_STREAM;
    /* No service at hand here: the builder needs none for a stream, whose signer was checked at init. */
    return build_job(NULL, j, &j->upd.base, status, why);
}

/* ---- running a job in a worker ---- */

static void set_status(svc_job *j, int rc, const char *err)
{
    /* LCP answers every failure of the enclave or the key store with ABORTED and the reason; a dead enclave
     * process is a transient condition, which gRPC calls UNAVAILABLE (clients may retry it). */
    j->status = rc == LCP_ERR_HOST_ENCLAVE_DIED || rc == LCP_ERR_HOST_ENCLAVE_START ? LCP_GRPC_UNAVAILABLE
              : rc == LCP_ERR_NOMEM ? LCP_GRPC_RESOURCE_EXHAUSTED
                                    : LCP_GRPC_ABORTED;
    snprintf(j->message, sizeof j->message, "%s", err && *err ? err : lcp_strerror(rc));
}

static void packed(svc_job *j, const ProtobufCMessage *m)
{
    if (svc_pack(&j->resp, m) != LCP_OK) {
        j->status = LCP_GRPC_RESOURCE_EXHAUSTED;
        snprintf(j->message, sizeof j->message, "out of memory");
        return;
    }
    j->status = LCP_GRPC_OK;
}

/* unsigned_ok: CreateClient, whose commitment a light client may return unsigned (LCP's create_client does,
 * lcp-spec.md §9 issue #52); every other commitment must carry a signature. */
static void commitment_response(svc_job *j, const lcp_host_result *r, int unsigned_ok)
{
    /* Every Msg response is {bytes message = 1; bytes signature = 2}: one type packs them all. */
    Lcp__Service__Elc__V1__MsgUpdateClientResponse m = LCP__SERVICE__ELC__V1__MSG_UPDATE_CLIENT_RESPONSE__INIT;
    if (!r->has_commitment || r->message.len == 0 || (r->signature.len == 0 && !unsigned_ok)) {
        j->status = LCP_GRPC_INTERNAL;
        snprintf(j->message, sizeof j->message, "the enclave returned no commitment");
        return;
    }
    m.message = (ProtobufCBinaryData){r->message.len, (uint8_t *)r->message.ptr};
    m.signature = (ProtobufCBinaryData){r->signature.len, (uint8_t *)r->signature.ptr};
    packed(j, &m.base);
}

/* protobuf-c wants the type URL NUL-terminated: the result's views are (they point into its frame's strings). */
static void any_to_pb(Google__Protobuf__Any *dst, const lcp_pb_any *a)
{
    dst->type_url = (char *)a->type_url.ptr;
    dst->value = (ProtobufCBinaryData){a->value.len, (uint8_t *)a->value.ptr};
}

static void query_response(svc_job *j, const lcp_host_result *q)
{
    Lcp__Service__Elc__V1__QueryClientResponse m = LCP__SERVICE__ELC__V1__QUERY_CLIENT_RESPONSE__INIT;
    Google__Protobuf__Any cs = GOOGLE__PROTOBUF__ANY__INIT, cons = GOOGLE__PROTOBUF__ANY__INIT;
    if (q->found) {
        m.found = 1;
        if (q->has_client_state) {
            any_to_pb(&cs, &q->client_state);
            m.client_state = &cs;
        }
        if (q->has_consensus_state) {
            any_to_pb(&cons, &q->consensus_state);
            m.consensus_state = &cons;
        }
    }
    packed(j, &m.base);
}

void svc_job_run(svc_worker *w, svc_job *j)
{
    const svc_method *m = &svc_methods[j->method];
    if (m->kind == SVC_KIND_LOCAL || m->ecall == SVC_EC_NONE) {
        j->status = LCP_GRPC_INTERNAL;
        snprintf(j->message, sizeof j->message, "method %d does not run in a worker", j->method);
        return;
    }
    lcp_host_result r;
    char err[LCP_ERR_LEN] = "";
    int rc = lcp_host_exec_run(w->exec, &j->op, &r, err);
    if (rc != LCP_OK) set_status(j, rc, err);
    else if (m->response == SVC_RESPONSE_QUERY) query_response(j, &r);
    else commitment_response(j, &r, m->response == SVC_RESPONSE_CREATED);
    if (j->status == LCP_GRPC_OK && m->response == SVC_RESPONSE_COMMITMENT)
        svc_metrics_count(&w->s->metrics, &w->s->metrics.commitments);
    lcp_host_result_free(&r);
}
