/* The methods of lcp-spec.md §7 (listed in lcp/ecalls.def): requests decoded from protobuf into the host's typed
 * operations (lcp/host_ops.h), as `lcp elc` builds them from JSON, and their results encoded back. Light-client
 * methods run in a worker (one ECALL each, through the worker's optimistic executor); the enclave queries read the
 * key store on the network thread (a read snapshot, no enclave). */
#include <stdio.h>
#include <string.h>

#include "service_internal.h"

const svc_method svc_methods[SVC_M_COUNT] = {
#define LCP_METHOD(id, path, request, kind, ecall, lock, response)                                               \
    [SVC_M_##id] = {path, &request##__descriptor, SVC_KIND_##kind, SVC_EC_##ecall, SVC_LOCK_##lock,              \
                    SVC_RESPONSE_##response},
#include "lcp/ecalls.def"
#undef LCP_METHOD
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

/* A request's signer: 20 bytes, or empty for the active key when key rotation is on (filled in here, in memory the
 * message's own allocator frees). s is NULL only for an assembled stream, whose init chunk was checked with it. */
static int check_signer(lcp_service *s, ProtobufCBinaryData *b, int *status, char *why)
{
    uint8_t active[20];
    if (b->len == 0 && s && svc_rotation_signer(s, active)) {
        uint8_t *d = lcp_malloc(20);
        if (!d) return bad(status, why, LCP_GRPC_RESOURCE_EXHAUSTED, "out of memory%s", "");
        memcpy(d, active, 20);
        b->data = d;
        b->len = 20;
    }
    if (b->len != 20)
        return bad(status, why, LCP_GRPC_INVALID_ARGUMENT, "signer must be a 20-byte enclave key address%s",
                   s && s->rotation ? " (empty = the active key, but none is active yet)" : "");
    return LCP_OK;
}

static lcp_bytes view(ProtobufCBinaryData b) { return (lcp_bytes){b.data, b.len}; }

/* ---- a request's fields into its operation, by name (lcp/ecalls.def, LCP_METHOD's REQUEST) ---- */

static void *at(const ProtobufCMessage *m, const ProtobufCFieldDescriptor *f) { return (char *)m + f->offset; }

static const ProtobufCFieldDescriptor *field_named(const ProtobufCMessage *m, const char *name, ProtobufCType type)
{
    const ProtobufCFieldDescriptor *f = protobuf_c_message_descriptor_get_field_by_name(m->descriptor, name);
    return f && f->type == type && f->label != PROTOBUF_C_LABEL_REPEATED ? f : NULL;
}

/* google.protobuf.Any's type_url and value. */
static lcp_pb_any any_of(const ProtobufCMessage *a)
{
    const ProtobufCFieldDescriptor *u = field_named(a, "type_url", PROTOBUF_C_TYPE_STRING);
    const ProtobufCFieldDescriptor *v = field_named(a, "value", PROTOBUF_C_TYPE_BYTES);
    const char *url = u && *(char **)at(a, u) ? *(char **)at(a, u) : "";
    return (lcp_pb_any){{(const uint8_t *)url, strlen(url)}, v ? view(*(ProtobufCBinaryData *)at(a, v)) : (lcp_bytes){NULL, 0}};
}

/* ibc.core.client.v1.Height's two numbers. */
static lcp_host_height height_of(const ProtobufCMessage *h)
{
    const ProtobufCFieldDescriptor *n = field_named(h, "revision_number", PROTOBUF_C_TYPE_UINT64);
    const ProtobufCFieldDescriptor *v = field_named(h, "revision_height", PROTOBUF_C_TYPE_UINT64);
    return (lcp_host_height){n ? *(uint64_t *)at(h, n) : 0, v ? *(uint64_t *)at(h, v) : 0};
}

/* Every message field of a request is required: says which are missing, as one sentence. */
static int check_required(const ProtobufCMessage *m, int *status, char *why)
{
    char names[160] = ""; /* room left in why for " are required" */
    size_t n = 0, len = 0;
    const ProtobufCMessageDescriptor *d = m->descriptor;
    for (unsigned i = 0; i < d->n_fields; i++) {
        const ProtobufCFieldDescriptor *f = &d->fields[i];
        if (f->type != PROTOBUF_C_TYPE_MESSAGE || f->label == PROTOBUF_C_LABEL_REPEATED) continue;
        n++;
        int w = snprintf(names + len, sizeof names - len, "%s%s", len ? " and " : "", f->name);
        if (w > 0 && (size_t)w < sizeof names - len) len += (size_t)w;
    }
    int missing = 0;
    for (unsigned i = 0; i < d->n_fields; i++) {
        const ProtobufCFieldDescriptor *f = &d->fields[i];
        if (f->type == PROTOBUF_C_TYPE_MESSAGE && f->label != PROTOBUF_C_LABEL_REPEATED && !*(void **)at(m, f))
            missing = 1;
    }
    if (!missing) return LCP_OK;
    *status = LCP_GRPC_INVALID_ARGUMENT;
    snprintf(why, LCP_ERR_LEN, "%s %s required", names, n > 1 ? "are" : "is");
    return LCP_ERR_PROTO;
}

/* A repeated bytes field as views in *dst, allocated in j->op_bytes after `used` views. */
static void bytes_list(svc_job *j, size_t *used, const ProtobufCMessage *m, const ProtobufCFieldDescriptor *f,
                       const lcp_bytes **dst, size_t *n)
{
    size_t count = *(size_t *)((char *)m + f->quantifier_offset);
    const ProtobufCBinaryData *v = *(ProtobufCBinaryData **)at(m, f);
    for (size_t i = 0; i < count; i++) j->op_bytes[*used + i] = view(v[i]);
    *dst = count ? j->op_bytes + *used : NULL;
    *n = count;
    *used += count;
}

/* Fills j->op from the request m, whose fields carry the operation's names; checks the required fields, then the
 * signer. A field the operation has no place for is this table's bug, refused as INTERNAL. */
static int build_op(lcp_service *s, svc_job *j, ProtobufCMessage *m, int *status, char *why)
{
    lcp_host_op *op = &j->op;
    const ProtobufCMessageDescriptor *d = m->descriptor;
    if (check_required(m, status, why) != LCP_OK) return LCP_ERR_PROTO;
    const ProtobufCFieldDescriptor *sf = field_named(m, "signer", PROTOBUF_C_TYPE_BYTES);
    if (sf) {
        ProtobufCBinaryData *b = at(m, sf);
        if (check_signer(s, b, status, why) != LCP_OK) return LCP_ERR_PROTO;
        op->signer = b->data;
    }
    size_t lists = 0, used = 0;
    for (unsigned i = 0; i < d->n_fields; i++)
        if (d->fields[i].label == PROTOBUF_C_LABEL_REPEATED && d->fields[i].type == PROTOBUF_C_TYPE_BYTES)
            lists += *(size_t *)((char *)m + d->fields[i].quantifier_offset);
    if (lists && !(j->op_bytes = lcp_calloc(lists, sizeof *j->op_bytes)))
        return bad(status, why, LCP_GRPC_RESOURCE_EXHAUSTED, "out of memory%s", "");
    for (unsigned i = 0; i < d->n_fields; i++) {
        const ProtobufCFieldDescriptor *f = &d->fields[i];
        const char *n = f->name;
        int repeated = f->label == PROTOBUF_C_LABEL_REPEATED;
        if (f == sf) continue;
        if (!repeated && f->type == PROTOBUF_C_TYPE_STRING && strcmp(n, "client_id") == 0)
            op->client_id = *(char **)at(m, f);
        else if (!repeated && f->type == PROTOBUF_C_TYPE_STRING && strcmp(n, "path") == 0)
            op->path = *(char **)at(m, f);
        else if (!repeated && f->type == PROTOBUF_C_TYPE_MESSAGE && strcmp(n, "client_state") == 0)
            op->client_state = any_of(*(ProtobufCMessage **)at(m, f));
        else if (!repeated && f->type == PROTOBUF_C_TYPE_MESSAGE && strcmp(n, "consensus_state") == 0)
            op->consensus_state = any_of(*(ProtobufCMessage **)at(m, f));
        else if (!repeated && f->type == PROTOBUF_C_TYPE_MESSAGE && strcmp(n, "header") == 0)
            op->header = any_of(*(ProtobufCMessage **)at(m, f));
        else if (!repeated && f->type == PROTOBUF_C_TYPE_MESSAGE && strcmp(n, "proof_height") == 0)
            op->proof_height = height_of(*(ProtobufCMessage **)at(m, f));
        else if (!repeated && f->type == PROTOBUF_C_TYPE_BOOL && strcmp(n, "include_state") == 0)
            op->include_state = *(protobuf_c_boolean *)at(m, f);
        else if (!repeated && f->type == PROTOBUF_C_TYPE_BYTES && strcmp(n, "prefix") == 0)
            op->prefix = view(*(ProtobufCBinaryData *)at(m, f));
        else if (!repeated && f->type == PROTOBUF_C_TYPE_BYTES && strcmp(n, "value") == 0)
            op->value = view(*(ProtobufCBinaryData *)at(m, f));
        else if (!repeated && f->type == PROTOBUF_C_TYPE_BYTES && strcmp(n, "proof") == 0)
            op->proof = view(*(ProtobufCBinaryData *)at(m, f));
        else if (repeated && f->type == PROTOBUF_C_TYPE_BYTES && strcmp(n, "messages") == 0)
            bytes_list(j, &used, m, f, &op->messages, &op->n_messages);
        else if (repeated && f->type == PROTOBUF_C_TYPE_BYTES && strcmp(n, "signatures") == 0)
            bytes_list(j, &used, m, f, &op->signatures, &op->n_signatures);
        else
            return bad(status, why, LCP_GRPC_INTERNAL, "request field %s has no place in an enclave operation", n);
    }
    return LCP_OK;
}

/* The operation of j's method from its request, then its lock key. */
static int build_job(lcp_service *s, svc_job *j, ProtobufCMessage *m, int *status, char *why)
{
    memset(&j->op, 0, sizeof j->op);
    j->op.kind = svc_methods[j->method].ecall;
    int rc = LCP_OK;
    if (svc_methods[j->method].kind != SVC_KIND_LOCAL) rc = build_op(s, j, m, status, why);
    const char *key = rc == LCP_OK ? lock_key_of(j->method, &j->op) : NULL;
    if (key && !(j->lock_key = dup_str(key))) rc = bad(status, why, LCP_GRPC_RESOURCE_EXHAUSTED, "out of memory%s", "");
    return rc;
}

svc_job *svc_job_new(lcp_service *s, int method, const uint8_t *msg, size_t len, int *status, char *why)
{
    int oom;
    ProtobufCMessage *m = lcp_pb_unpack(svc_methods[method].request, msg, len, &oom);
    if (!m) {
        if (oom) bad(status, why, LCP_GRPC_RESOURCE_EXHAUSTED, "out of memory decoding %s", svc_methods[method].request->name);
        else bad(status, why, LCP_GRPC_INVALID_ARGUMENT, "request is not a valid %s message", svc_methods[method].request->name);
        return NULL;
    }
    svc_job *j = lcp_calloc(1, sizeof *j);
    if (!j) {
        bad(status, why, LCP_GRPC_RESOURCE_EXHAUSTED, "out of memory%s", "");
        protobuf_c_message_free_unpacked(m, lcp_pb_allocator());
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
        (void *)lcp_pb_unpack(&lcp__service__elc__v1__msg_update_client_stream_chunk__descriptor, msg, len, &oom);
    if (!c) return bad(status, why, oom ? LCP_GRPC_RESOURCE_EXHAUSTED : LCP_GRPC_INVALID_ARGUMENT,
                       oom ? "out of memory decoding %s" : "chunk is not a valid %s message", "MsgUpdateClientStreamChunk");
    int rc = LCP_OK;
    if (!j->stream_init) {
        Lcp__Service__Elc__V1__UpdateClientStreamInit *in = c->init;
        if (c->chunk_case != LCP__SERVICE__ELC__V1__MSG_UPDATE_CLIENT_STREAM_CHUNK__CHUNK_INIT || !in)
            rc = bad(status, why, LCP_GRPC_INVALID_ARGUMENT, "the first chunk must be init%s", "");
        else if ((rc = check_signer(s, &in->signer, status, why)) == LCP_OK) {
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
    lcp__service__elc__v1__msg_update_client_stream_chunk__free_unpacked(c, lcp_pb_allocator());
    return rc;
}

int svc_stream_finish(svc_job *j, int *status, char *why)
{
    if (!j->stream_init) return bad(status, why, LCP_GRPC_INVALID_ARGUMENT, "the stream has no init chunk%s", "");
    j->upd_header.value.data = j->upd_value.data;
    j->upd_header.value.len = j->upd_value.len;
    j->method = SVC_M_UPDATE_CLIENT_STREAM;
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
    if (rc != LCP_OK) {
        set_status(j, rc, err);
    } else if (!r.has_result) {
        j->status = LCP_GRPC_INTERNAL;
        snprintf(j->message, sizeof j->message, "the enclave returned an unexpected result");
    } else if (m->response == SVC_RESPONSE_QUERY) {
        query_response(j, &r);
    } else {
        commitment_response(j, &r, m->response == SVC_RESPONSE_CREATED);
    }
    if (j->status == LCP_GRPC_OK && m->response == SVC_RESPONSE_COMMITMENT)
        svc_metrics_count(&w->s->metrics, &w->s->metrics.commitments);
    lcp_host_result_free(&r);
}
