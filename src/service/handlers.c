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

const svc_method svc_methods[SVC_M_COUNT] = {
    [SVC_M_CREATE_CLIENT] = {"/lcp.service.elc.v1.Msg/CreateClient", &lcp__service__elc__v1__msg_create_client__descriptor, SVC_KIND_WORKER},
    [SVC_M_UPDATE_CLIENT] = {"/lcp.service.elc.v1.Msg/UpdateClient", &lcp__service__elc__v1__msg_update_client__descriptor, SVC_KIND_WORKER},
    [SVC_M_UPDATE_CLIENT_STREAM] = {"/lcp.service.elc.v1.Msg/UpdateClientStream",
                                    &lcp__service__elc__v1__msg_update_client_stream_chunk__descriptor, SVC_KIND_STREAM},
    [SVC_M_AGGREGATE_MESSAGES] = {"/lcp.service.elc.v1.Msg/AggregateMessages",
                                  &lcp__service__elc__v1__msg_aggregate_messages__descriptor, SVC_KIND_WORKER},
    [SVC_M_VERIFY_MEMBERSHIP] = {"/lcp.service.elc.v1.Msg/VerifyMembership",
                                 &lcp__service__elc__v1__msg_verify_membership__descriptor, SVC_KIND_WORKER},
    [SVC_M_VERIFY_NON_MEMBERSHIP] = {"/lcp.service.elc.v1.Msg/VerifyNonMembership",
                                     &lcp__service__elc__v1__msg_verify_non_membership__descriptor, SVC_KIND_WORKER},
    [SVC_M_QUERY_CLIENT] = {"/lcp.service.elc.v1.Query/Client", &lcp__service__elc__v1__query_client_request__descriptor, SVC_KIND_WORKER},
    [SVC_M_ENCLAVE_INFO] = {"/lcp.service.enclave.v1.Query/EnclaveInfo",
                            &lcp__service__enclave__v1__query_enclave_info_request__descriptor, SVC_KIND_LOCAL},
    [SVC_M_AVAILABLE_ENCLAVE_KEYS] = {"/lcp.service.enclave.v1.Query/AvailableEnclaveKeys",
                                      &lcp__service__enclave__v1__query_available_enclave_keys_request__descriptor, SVC_KIND_LOCAL},
    [SVC_M_ENCLAVE_KEY] = {"/lcp.service.enclave.v1.Query/EnclaveKey",
                           &lcp__service__enclave__v1__query_enclave_key_request__descriptor, SVC_KIND_LOCAL},
    [SVC_M_ACTIVATE_ENCLAVE_KEY] = {"/lcp.service.enclave.v1.Msg/ActivateEnclaveKey",
                                    &lcp__service__enclave__v1__msg_activate_enclave_key__descriptor, SVC_KIND_LOCAL},
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

static const char *lock_key_of(int method, const ProtobufCMessage *m)
{
    switch (method) {
    case SVC_M_CREATE_CLIENT: {
        const char *id = ((const Lcp__Service__Elc__V1__MsgCreateClient *)m)->client_id;
        return id && *id ? id : NEW_CLIENT_KEY;
    }
    case SVC_M_UPDATE_CLIENT: return ((const Lcp__Service__Elc__V1__MsgUpdateClient *)m)->client_id;
    default: return NULL; /* verifications and queries read a snapshot: no need to wait for the client */
    }
}

/* A request's signer: 20 bytes, or empty for the active key when key rotation is on (filled in here, in memory the
 * message's own allocator frees). */
static int check_signer(lcp_service *s, ProtobufCBinaryData *b, int *status, char *why)
{
    uint8_t active[20];
    if (b->len == 0 && svc_rotation_signer(s, active)) {
        uint8_t *d = svc_pb_alloc.alloc(svc_pb_alloc.allocator_data, 20);
        if (!d) return bad(status, why, LCP_GRPC_RESOURCE_EXHAUSTED, "out of memory%s", "");
        memcpy(d, active, 20);
        b->data = d;
        b->len = 20;
    }
    if (b->len != 20)
        return bad(status, why, LCP_GRPC_INVALID_ARGUMENT, "signer must be a 20-byte enclave key address%s",
                   s->rotation ? " (empty = the active key, but none is active yet)" : "");
    return LCP_OK;
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
    int rc = LCP_OK;
    switch (method) {
    case SVC_M_CREATE_CLIENT: {
        Lcp__Service__Elc__V1__MsgCreateClient *c = (void *)m;
        if (!c->client_state || !c->consensus_state)
            rc = bad(status, why, LCP_GRPC_INVALID_ARGUMENT, "client_state and consensus_state are required%s", "");
        else rc = check_signer(s, &c->signer, status, why);
        break;
    }
    case SVC_M_UPDATE_CLIENT: {
        Lcp__Service__Elc__V1__MsgUpdateClient *u = (void *)m;
        if (!u->header) rc = bad(status, why, LCP_GRPC_INVALID_ARGUMENT, "header is required%s", "");
        else rc = check_signer(s, &u->signer, status, why);
        break;
    }
    case SVC_M_AGGREGATE_MESSAGES:
        rc = check_signer(s, &((Lcp__Service__Elc__V1__MsgAggregateMessages *)(void *)m)->signer, status, why);
        break;
    case SVC_M_VERIFY_MEMBERSHIP: {
        Lcp__Service__Elc__V1__MsgVerifyMembership *v = (void *)m;
        if (!v->proof_height) rc = bad(status, why, LCP_GRPC_INVALID_ARGUMENT, "proof_height is required%s", "");
        else rc = check_signer(s, &v->signer, status, why);
        break;
    }
    case SVC_M_VERIFY_NON_MEMBERSHIP: {
        Lcp__Service__Elc__V1__MsgVerifyNonMembership *v = (void *)m;
        if (!v->proof_height) rc = bad(status, why, LCP_GRPC_INVALID_ARGUMENT, "proof_height is required%s", "");
        else rc = check_signer(s, &v->signer, status, why);
        break;
    }
    default: break;
    }
    svc_job *j = rc == LCP_OK ? lcp_calloc(1, sizeof *j) : NULL;
    const char *key = j ? lock_key_of(method, m) : NULL;
    if (j && key && !(j->lock_key = dup_str(key))) {
        lcp_free(j);
        j = NULL;
    }
    if (!j) {
        if (rc == LCP_OK) bad(status, why, LCP_GRPC_RESOURCE_EXHAUSTED, "out of memory%s", "");
        protobuf_c_message_free_unpacked(m, &svc_pb_alloc);
        return NULL;
    }
    j->method = method;
    j->msg = m;
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
    lcp__service__elc__v1__msg_update_client_stream_chunk__free_unpacked(c, &svc_pb_alloc);
    return rc;
}

int svc_stream_finish(svc_job *j, int *status, char *why)
{
    if (!j->stream_init) return bad(status, why, LCP_GRPC_INVALID_ARGUMENT, "the stream has no init chunk%s", "");
    j->upd_header.value.data = j->upd_value.data;
    j->upd_header.value.len = j->upd_value.len;
    j->method = SVC_M_UPDATE_CLIENT_STREAM;
    if (!(j->lock_key = dup_str(j->upd.client_id)))
        return bad(status, why, LCP_GRPC_RESOURCE_EXHAUSTED, "out of memory%s", "");
    return LCP_OK;
}

/* ---- running a job in a worker ---- */

static void to_enclave_any(Lcp__Enclave__V1__Any *dst, const Google__Protobuf__Any *src)
{
    lcp__enclave__v1__any__init(dst);
    dst->type_url = src->type_url ? src->type_url : "";
    dst->value = src->value;
}

static void set_status(svc_job *j, int rc, const char *err)
{
    /* LCP answers every failure of the enclave or the key store with ABORTED and the reason; a dead enclave
     * process is a transient condition, which gRPC calls UNAVAILABLE (clients may retry it). */
    j->status = rc == LCP_ERR_HOST_ENCLAVE_DIED || rc == LCP_ERR_HOST_ENCLAVE_START ? LCP_GRPC_UNAVAILABLE
              : rc == LCP_ERR_NOMEM ? LCP_GRPC_RESOURCE_EXHAUSTED
                                    : LCP_GRPC_ABORTED;
    snprintf(j->message, sizeof j->message, "%s", err && *err ? err : lcp_strerror(rc));
}

/* unsigned_ok: CreateClient, whose commitment a light client may return unsigned (LCP's create_client does,
 * lcp-spec.md §9 issue #52); every other commitment must carry a signature. */
static void commitment_response(svc_job *j, const Lcp__Enclave__V1__CommitmentProof *p, int unsigned_ok)
{
    /* Every Msg response is {bytes message = 1; bytes signature = 2}: one type packs them all. */
    Lcp__Service__Elc__V1__MsgUpdateClientResponse r = LCP__SERVICE__ELC__V1__MSG_UPDATE_CLIENT_RESPONSE__INIT;
    if (!p || p->message.len == 0 || (p->signature.len == 0 && !unsigned_ok)) {
        j->status = LCP_GRPC_INTERNAL;
        snprintf(j->message, sizeof j->message, "the enclave returned no commitment");
        return;
    }
    r.message = p->message;
    r.signature = p->signature;
    if (svc_pack(&j->resp, &r.base) != LCP_OK) {
        j->status = LCP_GRPC_RESOURCE_EXHAUSTED;
        snprintf(j->message, sizeof j->message, "out of memory");
        return;
    }
    j->status = LCP_GRPC_OK;
}

static void query_response(svc_job *j, const Lcp__Enclave__V1__QueryClientResult *q)
{
    Lcp__Service__Elc__V1__QueryClientResponse r = LCP__SERVICE__ELC__V1__QUERY_CLIENT_RESPONSE__INIT;
    Google__Protobuf__Any cs = GOOGLE__PROTOBUF__ANY__INIT, cons = GOOGLE__PROTOBUF__ANY__INIT;
    if (q && q->found) {
        r.found = 1;
        if (q->client_state) {
            cs.type_url = q->client_state->type_url;
            cs.value = q->client_state->value;
            r.client_state = &cs;
        }
        if (q->consensus_state) {
            cons.type_url = q->consensus_state->type_url;
            cons.value = q->consensus_state->value;
            r.consensus_state = &cons;
        }
    }
    if (svc_pack(&j->resp, &r.base) != LCP_OK) {
        j->status = LCP_GRPC_RESOURCE_EXHAUSTED;
        snprintf(j->message, sizeof j->message, "out of memory");
        return;
    }
    j->status = LCP_GRPC_OK;
}

void svc_job_run(svc_worker *w, svc_job *j)
{
    Lcp__Enclave__V1__EcallRequest req = LCP__ENCLAVE__V1__ECALL_REQUEST__INIT;
    Lcp__Enclave__V1__InitClient ic = LCP__ENCLAVE__V1__INIT_CLIENT__INIT;
    Lcp__Enclave__V1__UpdateClient uc = LCP__ENCLAVE__V1__UPDATE_CLIENT__INIT;
    Lcp__Enclave__V1__AggregateMessages ag = LCP__ENCLAVE__V1__AGGREGATE_MESSAGES__INIT;
    Lcp__Enclave__V1__VerifyMembership vm = LCP__ENCLAVE__V1__VERIFY_MEMBERSHIP__INIT;
    Lcp__Enclave__V1__VerifyNonMembership vn = LCP__ENCLAVE__V1__VERIFY_NON_MEMBERSHIP__INIT;
    Lcp__Enclave__V1__QueryClient qc = LCP__ENCLAVE__V1__QUERY_CLIENT__INIT;
    Lcp__Enclave__V1__Any a1, a2;
    Lcp__Enclave__V1__Height ph = LCP__ENCLAVE__V1__HEIGHT__INIT;
    const uint8_t *signer = NULL;
    int command;
    switch (j->method) {
    case SVC_M_CREATE_CLIENT: {
        const Lcp__Service__Elc__V1__MsgCreateClient *m = (const void *)j->msg;
        to_enclave_any(&a1, m->client_state);
        to_enclave_any(&a2, m->consensus_state);
        ic.client_id = m->client_id ? m->client_id : "";
        ic.client_state = &a1;
        ic.consensus_state = &a2;
        ic.signer = m->signer;
        signer = m->signer.data;
        req.command_case = LCP__ENCLAVE__V1__ECALL_REQUEST__COMMAND_INIT_CLIENT;
        req.init_client = &ic;
        command = SVC_EC_INIT_CLIENT;
        break;
    }
    case SVC_M_UPDATE_CLIENT:
    case SVC_M_UPDATE_CLIENT_STREAM: {
        const Lcp__Service__Elc__V1__MsgUpdateClient *m = j->method == SVC_M_UPDATE_CLIENT ? (const void *)j->msg : &j->upd;
        to_enclave_any(&a1, m->header);
        uc.client_id = m->client_id ? m->client_id : "";
        uc.header = &a1;
        uc.include_state = m->include_state;
        uc.signer = m->signer;
        signer = m->signer.data;
        req.command_case = LCP__ENCLAVE__V1__ECALL_REQUEST__COMMAND_UPDATE_CLIENT;
        req.update_client = &uc;
        command = SVC_EC_UPDATE_CLIENT;
        break;
    }
    case SVC_M_AGGREGATE_MESSAGES: {
        const Lcp__Service__Elc__V1__MsgAggregateMessages *m = (const void *)j->msg;
        ag.signer = m->signer;
        ag.n_messages = m->n_messages;
        ag.messages = m->messages;
        ag.n_signatures = m->n_signatures;
        ag.signatures = m->signatures;
        signer = m->signer.data;
        req.command_case = LCP__ENCLAVE__V1__ECALL_REQUEST__COMMAND_AGGREGATE_MESSAGES;
        req.aggregate_messages = &ag;
        command = SVC_EC_AGGREGATE;
        break;
    }
    case SVC_M_VERIFY_MEMBERSHIP: {
        const Lcp__Service__Elc__V1__MsgVerifyMembership *m = (const void *)j->msg;
        vm.client_id = m->client_id ? m->client_id : "";
        vm.prefix = m->prefix;
        vm.path = m->path ? m->path : "";
        vm.value = m->value;
        ph.revision_number = m->proof_height->revision_number;
        ph.revision_height = m->proof_height->revision_height;
        vm.proof_height = &ph;
        vm.proof = m->proof;
        vm.signer = m->signer;
        signer = m->signer.data;
        req.command_case = LCP__ENCLAVE__V1__ECALL_REQUEST__COMMAND_VERIFY_MEMBERSHIP;
        req.verify_membership = &vm;
        command = SVC_EC_VERIFY_MEMBERSHIP;
        break;
    }
    case SVC_M_VERIFY_NON_MEMBERSHIP: {
        const Lcp__Service__Elc__V1__MsgVerifyNonMembership *m = (const void *)j->msg;
        vn.client_id = m->client_id ? m->client_id : "";
        vn.prefix = m->prefix;
        vn.path = m->path ? m->path : "";
        ph.revision_number = m->proof_height->revision_number;
        ph.revision_height = m->proof_height->revision_height;
        vn.proof_height = &ph;
        vn.proof = m->proof;
        vn.signer = m->signer;
        signer = m->signer.data;
        req.command_case = LCP__ENCLAVE__V1__ECALL_REQUEST__COMMAND_VERIFY_NON_MEMBERSHIP;
        req.verify_non_membership = &vn;
        command = SVC_EC_VERIFY_NON_MEMBERSHIP;
        break;
    }
    case SVC_M_QUERY_CLIENT: {
        const Lcp__Service__Elc__V1__QueryClientRequest *m = (const void *)j->msg;
        qc.client_id = m->client_id ? m->client_id : "";
        req.command_case = LCP__ENCLAVE__V1__ECALL_REQUEST__COMMAND_QUERY_CLIENT;
        req.query_client = &qc;
        command = SVC_EC_QUERY_CLIENT;
        break;
    }
    default:
        j->status = LCP_GRPC_INTERNAL;
        snprintf(j->message, sizeof j->message, "method %d does not run in a worker", j->method);
        return;
    }
    Lcp__Enclave__V1__EcallResponse *resp = NULL;
    char err[LCP_ERR_LEN] = "";
    int rc = svc_ecall(w, &req, signer, command, &resp, err);
    if (rc != LCP_OK) {
        set_status(j, rc, err);
    } else if (resp->result_case == LCP__ENCLAVE__V1__ECALL_RESPONSE__RESULT_INIT_CLIENT && resp->init_client) {
        commitment_response(j, resp->init_client->proof, 1);
    } else if (resp->result_case == LCP__ENCLAVE__V1__ECALL_RESPONSE__RESULT_COMMITMENT) {
        commitment_response(j, resp->commitment, 0);
    } else if (resp->result_case == LCP__ENCLAVE__V1__ECALL_RESPONSE__RESULT_QUERY_CLIENT) {
        query_response(j, resp->query_client);
    } else {
        j->status = LCP_GRPC_INTERNAL;
        snprintf(j->message, sizeof j->message, "the enclave returned an unexpected result");
    }
    if (j->status == LCP_GRPC_OK && command != SVC_EC_QUERY_CLIENT && command != SVC_EC_INIT_CLIENT)
        svc_metrics_count(&w->s->metrics, &w->s->metrics.commitments);
    if (resp) lcp__enclave__v1__ecall_response__free_unpacked(resp, NULL);
}
