/* The typed operations (lcp/host_ops.h): lcp_host_op encoded as an ECALL frame, the response decoded into
 * lcp_host_result. This file and exec.c are the boundary: nothing above host sees the frames. */
#include <stdio.h>
#include <string.h>

#include "host_frames.h"
#include "lcp/host_keystore.h"

typedef struct {
    const char *label;
    int writes, measured;
    Lcp__Enclave__V1__EcallRequest__CommandCase command;
} kind_info;

static const kind_info KINDS[LCP_ECALL_COUNT] = {
#define LCP_ECALL(id, label, writes, measured, fn) \
    [LCP_ECALL_##id] = {label, writes, measured, LCP__ENCLAVE__V1__ECALL_REQUEST__COMMAND_##id},
#define LCP_ECALL_OWN(id, label, writes, measured) LCP_ECALL(id, label, writes, measured, 0)
#include "lcp/ecalls.def"
#undef LCP_ECALL
#undef LCP_ECALL_OWN
};

const char *lcp_ecall_label(int kind) { return kind >= 0 && kind < LCP_ECALL_COUNT ? KINDS[kind].label : "unknown"; }
int lcp_ecall_writes(int kind) { return kind >= 0 && kind < LCP_ECALL_COUNT && KINDS[kind].writes; }
int lcp_ecall_measured(int kind) { return kind >= 0 && kind < LCP_ECALL_COUNT && KINDS[kind].measured; }

int lcp_host_ecall_kind_of(const Lcp__Enclave__V1__EcallRequest *req)
{
    for (int k = 0; k < LCP_ECALL_COUNT; k++)
        if (KINDS[k].command == req->command_case) return k;
    return -1;
}

void lcp_host_result_free(lcp_host_result *r)
{
    if (!r) return;
    if (r->frame_) lcp__enclave__v1__ecall_response__free_unpacked(r->frame_, NULL);
    memset(r, 0, sizeof *r);
}

/* ---- encoding ---- */

/* One request being encoded: the command message (whatever its type), and what its fields borrow. */
typedef struct {
    Lcp__Enclave__V1__EcallRequest req;
    ProtobufCMessage *cmd;
    Lcp__Enclave__V1__Any any[3];
    char *urls[3];             /* the Anys' type URLs, NUL-terminated for protobuf-c */
    int nany;
    Lcp__Enclave__V1__Height height;
    ProtobufCBinaryData *bins; /* repeated bytes: messages then signatures */
    size_t nbins;
} frame;

static ProtobufCBinaryData bin(lcp_bytes b) { return (ProtobufCBinaryData){b.len, (uint8_t *)b.ptr}; }
static char *str(const char *s) { return (char *)(s ? s : ""); }
static void *at(ProtobufCMessage *m, const ProtobufCFieldDescriptor *f) { return (char *)m + f->offset; }

/* The next of f's Anys, set to a. */
static int any_in(frame *f, Lcp__Enclave__V1__Any **out, const lcp_pb_any *a, char *err)
{
    if (f->nany == 3) return lcp_fail(err, LCP_ERR_ILLEGAL_ARG, "a command with more than three Any fields");
    Lcp__Enclave__V1__Any *dst = &f->any[f->nany];
    char *u = lcp_malloc(a->type_url.len + 1);
    if (!u) return lcp_fail(err, LCP_ERR_NOMEM, "out of memory");
    if (a->type_url.len) memcpy(u, a->type_url.ptr, a->type_url.len);
    u[a->type_url.len] = '\0';
    f->urls[f->nany++] = u;
    lcp__enclave__v1__any__init(dst);
    dst->type_url = u;
    dst->value = bin(a->value);
    *out = dst;
    return LCP_OK;
}

static int bytes_list(frame *f, ProtobufCMessage *m, const ProtobufCFieldDescriptor *fd, const lcp_bytes *v, size_t n)
{
    for (size_t i = 0; i < n; i++) f->bins[f->nbins + i] = bin(v[i]);
    *(size_t *)((char *)m + fd->quantifier_offset) = n;
    *(ProtobufCBinaryData **)at(m, fd) = n ? f->bins + f->nbins : NULL;
    f->nbins += n;
    return LCP_OK;
}

/* Sets the command's field fd from op, by the field's name: every command of proto/lcp_enclave.proto names its
 * fields after lcp_host_op's members, so a new command needs no code here. A field op has nothing for (e.g.
 * GenerateEnclaveKey's target_info) keeps its default. */
static int put_field(frame *f, ProtobufCMessage *m, const ProtobufCFieldDescriptor *fd, const lcp_host_op *op, char *err)
{
    const char *n = fd->name;
    int repeated = fd->label == PROTOBUF_C_LABEL_REPEATED;
    const lcp_pb_any *any = NULL;
    if (repeated) {
        if (fd->type != PROTOBUF_C_TYPE_BYTES) return LCP_OK;
        if (strcmp(n, "messages") == 0) return bytes_list(f, m, fd, op->messages, op->n_messages);
        if (strcmp(n, "signatures") == 0) return bytes_list(f, m, fd, op->signatures, op->n_signatures);
        return LCP_OK;
    }
    switch (fd->type) {
    case PROTOBUF_C_TYPE_STRING:
        if (strcmp(n, "client_id") == 0) *(char **)at(m, fd) = str(op->client_id);
        else if (strcmp(n, "path") == 0) *(char **)at(m, fd) = str(op->path);
        return LCP_OK;
    case PROTOBUF_C_TYPE_BOOL:
        if (strcmp(n, "include_state") == 0) *(protobuf_c_boolean *)at(m, fd) = op->include_state != 0;
        return LCP_OK;
    case PROTOBUF_C_TYPE_BYTES: {
        ProtobufCBinaryData *b = at(m, fd);
        if (strcmp(n, "signer") == 0) *b = (ProtobufCBinaryData){op->signer ? 20 : 0, (uint8_t *)op->signer};
        else if (strcmp(n, "operator") == 0)
            *b = (ProtobufCBinaryData){op->operator_addr ? 20 : 0, (uint8_t *)op->operator_addr};
        else if (strcmp(n, "prefix") == 0) *b = bin(op->prefix);
        else if (strcmp(n, "value") == 0) *b = bin(op->value);
        else if (strcmp(n, "proof") == 0) *b = bin(op->proof);
        return LCP_OK;
    }
    case PROTOBUF_C_TYPE_MESSAGE:
        if (fd->descriptor == &lcp__enclave__v1__height__descriptor && strcmp(n, "proof_height") == 0) {
            *(Lcp__Enclave__V1__Height **)at(m, fd) = &f->height;
            return LCP_OK;
        }
        if (fd->descriptor != &lcp__enclave__v1__any__descriptor) return LCP_OK;
        if (strcmp(n, "client_state") == 0) any = &op->client_state;
        else if (strcmp(n, "consensus_state") == 0) any = &op->consensus_state;
        else if (strcmp(n, "header") == 0) any = &op->header;
        return any ? any_in(f, (Lcp__Enclave__V1__Any **)at(m, fd), any, err) : LCP_OK;
    default: return LCP_OK;
    }
}

static void frame_free(frame *f)
{
    lcp_free(f->cmd);
    lcp_free(f->bins);
    for (int i = 0; i < f->nany; i++) lcp_free(f->urls[i]);
}

/* op as an EcallRequest: the command is the oneof member whose field number is the kind's case (lcp/ecalls.def). */
static int encode(frame *f, const lcp_host_op *op, char *err)
{
    Lcp__Enclave__V1__EcallRequest *r = &f->req;
    lcp__enclave__v1__ecall_request__init(r);
    lcp__enclave__v1__height__init(&f->height);
    f->height.revision_number = op->proof_height.revision_number;
    f->height.revision_height = op->proof_height.revision_height;
    const ProtobufCFieldDescriptor *cf =
        protobuf_c_message_descriptor_get_field(&lcp__enclave__v1__ecall_request__descriptor, (unsigned)KINDS[op->kind].command);
    if (!cf || cf->type != PROTOBUF_C_TYPE_MESSAGE) return lcp_fail(err, LCP_ERR_ILLEGAL_ARG, "unknown operation %d", op->kind);
    const ProtobufCMessageDescriptor *cd = cf->descriptor;
    if (!(f->cmd = lcp_calloc(1, cd->sizeof_message))) return lcp_fail(err, LCP_ERR_NOMEM, "out of memory");
    protobuf_c_message_init(cd, f->cmd);
    size_t nbins = op->n_messages + op->n_signatures;
    if (nbins && !(f->bins = lcp_calloc(nbins, sizeof *f->bins))) return lcp_fail(err, LCP_ERR_NOMEM, "out of memory");
    for (unsigned i = 0; i < cd->n_fields; i++) {
        int rc = put_field(f, f->cmd, &cd->fields[i], op, err);
        if (rc != LCP_OK) return rc;
    }
    r->command_case = KINDS[op->kind].command;
    *(ProtobufCMessage **)((char *)r + cf->offset) = f->cmd;
    return LCP_OK;
}

/* ---- decoding ---- */

static lcp_bytes view(ProtobufCBinaryData b) { return (lcp_bytes){b.data, b.len}; }

static void any_out(lcp_pb_any *dst, const Lcp__Enclave__V1__Any *a)
{
    const char *u = a->type_url ? a->type_url : "";
    dst->type_url = (lcp_bytes){(const uint8_t *)u, strlen(u)};
    dst->value = view(a->value);
}

static void commitment_out(lcp_host_result *res, const Lcp__Enclave__V1__CommitmentProof *p)
{
    if (!p) return;
    res->has_commitment = 1;
    res->message = view(p->message);
    res->signature = view(p->signature);
}

static int identity_out(lcp_host_enclave_identity *id, const Lcp__Enclave__V1__EnclaveInfoResult *e, char *err)
{
    /* Checked once here so that every caller may read the MRENCLAVE. */
    if (!e || e->mrenclave.len != 32 || e->mrsigner.len > sizeof id->mrsigner || e->cpusvn.len > sizeof id->cpusvn)
        return lcp_fail(err, LCP_ERR_PROTO, "enclave returned incomplete enclave info");
    memset(id, 0, sizeof *id);
    memcpy(id->mrenclave, e->mrenclave.data, 32);
    if (e->mrsigner.len) memcpy(id->mrsigner, e->mrsigner.data, e->mrsigner.len);
    id->mrsigner_len = e->mrsigner.len;
    id->isv_prod_id = e->isv_prod_id;
    id->isv_svn = e->isv_svn;
    id->debug = e->debug;
    snprintf(id->backend, sizeof id->backend, "%s", e->backend ? e->backend : "");
    if (e->cpusvn.len) memcpy(id->cpusvn, e->cpusvn.data, e->cpusvn.len);
    id->cpusvn_len = e->cpusvn.len;
    id->test_enclave = e->test_enclave;
    return LCP_OK;
}

/* The result a kind's command answers with: the EcallResponse member of its own field number if there is one
 * (InitClient, QueryClient, EnclaveInfo, GenerateEnclaveKey), else the commitment. */
static int expected_result(int kind)
{
    unsigned n = (unsigned)KINDS[kind].command;
    return protobuf_c_message_descriptor_get_field(&lcp__enclave__v1__ecall_response__descriptor, n)
               ? (int)n
               : (int)LCP__ENCLAVE__V1__ECALL_RESPONSE__RESULT_COMMITMENT;
}

static int decode(lcp_host_result *res, int kind, const Lcp__Enclave__V1__EcallResponse *r, char *err)
{
    if ((int)r->result_case != expected_result(kind)) {
        /* Callers that need the result say so (the service's INTERNAL "unexpected result"); these two are checked
         * once here so that every caller may read them. */
        if (kind == LCP_ECALL_ENCLAVE_INFO) return lcp_fail(err, LCP_ERR_PROTO, "enclave returned incomplete enclave info");
        if (kind == LCP_ECALL_GENERATE_ENCLAVE_KEY) return lcp_fail(err, LCP_ERR_PROTO, "enclave returned an incomplete key");
        return LCP_OK;
    }
    switch (r->result_case) {
    case LCP__ENCLAVE__V1__ECALL_RESPONSE__RESULT_INIT_CLIENT:
        if (!r->init_client) break;
        res->client_id = r->init_client->client_id ? r->init_client->client_id : "";
        commitment_out(res, r->init_client->proof);
        break;
    case LCP__ENCLAVE__V1__ECALL_RESPONSE__RESULT_COMMITMENT: commitment_out(res, r->commitment); break;
    case LCP__ENCLAVE__V1__ECALL_RESPONSE__RESULT_QUERY_CLIENT:
        if (!r->query_client) break;
        res->found = r->query_client->found;
        if (res->found && r->query_client->client_state) {
            res->has_client_state = 1;
            any_out(&res->client_state, r->query_client->client_state);
        }
        if (res->found && r->query_client->consensus_state) {
            res->has_consensus_state = 1;
            any_out(&res->consensus_state, r->query_client->consensus_state);
        }
        break;
    case LCP__ENCLAVE__V1__ECALL_RESPONSE__RESULT_ENCLAVE_INFO: {
        int rc = identity_out(&res->info, r->enclave_info, err);
        if (rc != LCP_OK) return rc;
        break;
    }
    case LCP__ENCLAVE__V1__ECALL_RESPONSE__RESULT_GENERATE_ENCLAVE_KEY: {
        const Lcp__Enclave__V1__GenerateEnclaveKeyResult *g = r->generate_enclave_key;
        if (!g || g->address.len != 20) return lcp_fail(err, LCP_ERR_PROTO, "enclave returned an incomplete key");
        res->address = view(g->address);
        res->pub_key = view(g->pub_key);
        res->sealed_key = view(g->sealed_enclave_key);
        res->report = view(g->report);
        break;
    }
    case LCP__ENCLAVE__V1__ECALL_RESPONSE__RESULT_QUOTE_ENCLAVE_KEY:
        if (!r->quote_enclave_key || r->quote_enclave_key->quote.len == 0)
            return lcp_fail(err, LCP_ERR_PROTO, "enclave returned an empty quote");
        res->quote = view(r->quote_enclave_key->quote);
        break;
    default: return LCP_OK;
    }
    res->has_result = 1;
    return LCP_OK;
}

int lcp_host_exec_run(lcp_host_exec *x, const lcp_host_op *op, lcp_host_result *res, char *err)
{
    memset(res, 0, sizeof *res);
    if (op->kind < 0 || op->kind >= LCP_ECALL_COUNT)
        return lcp_fail(err, LCP_ERR_ILLEGAL_ARG, "unknown operation %d", op->kind);
    frame f;
    memset(&f, 0, sizeof f);
    int rc = encode(&f, op, err);
    Lcp__Enclave__V1__EcallResponse *resp = NULL;
    if (rc == LCP_OK)
        rc = lcp_host_exec_frame(x, &f.req, op->time_ns, op->signer, KINDS[op->kind].writes, &resp, &res->from_enclave,
                                 err);
    frame_free(&f);
    res->frame_ = resp;
    if (rc == LCP_OK) rc = decode(res, op->kind, resp, err);
    return rc;
}

int lcp_host_exec_enclave_info(lcp_host_exec *x, lcp_host_enclave_identity *id, char *err)
{
    lcp_host_op op;
    memset(&op, 0, sizeof op);
    op.kind = LCP_ECALL_ENCLAVE_INFO;
    lcp_host_result r;
    int rc = lcp_host_exec_run(x, &op, &r, err);
    if (rc == LCP_OK) *id = r.info;
    lcp_host_result_free(&r);
    return rc;
}

int lcp_host_exec_generate_key(lcp_host_exec *x, const lcp_host_enclave_identity *id, const uint8_t *operator_addr,
                               uint8_t address[20], char *err)
{
    lcp_host_enclave_identity asked;
    int rc;
    if (!id) {
        if ((rc = lcp_host_exec_enclave_info(x, &asked, err)) != LCP_OK) return rc;
        id = &asked;
    }
    lcp_host_op op;
    memset(&op, 0, sizeof op);
    op.kind = LCP_ECALL_GENERATE_ENCLAVE_KEY;
    op.operator_addr = operator_addr;
    lcp_host_result r;
    /* The ECALL writes nothing to the store; the key record goes in with its own write transaction. */
    if ((rc = lcp_host_exec_run(x, &op, &r, err)) == LCP_OK) {
        lcp_keystore_entry k;
        memset(&k, 0, sizeof k);
        memcpy(k.address, r.address.ptr, 20);
        k.sealed_key = r.sealed_key;
        memcpy(k.mrenclave, id->mrenclave, 32);
        k.report = r.report;
        k.enclave_debug = id->debug;
        /* gramine: the platform's QE3 will quote it; sim: the simulated QE (QE3SIM). */
        k.qe_type = strcmp(id->backend, "gramine") == 0 ? LCP_QE_TYPE_QE3 : LCP_QE_TYPE_QE3SIM;
        k.created_at = (uint64_t)lcp_time_now();
        lcp_store_txn *t;
        lcp_store *st = lcp_host_exec_store(x);
        if ((rc = lcp_store_begin(st, &t, 1, err)) == LCP_OK) {
            if ((rc = lcp_keystore_put(t, &k, err)) == LCP_OK) rc = lcp_store_commit(t, err);
            else lcp_store_abort(t);
        }
        if (rc == LCP_OK) memcpy(address, k.address, 20);
    }
    lcp_host_result_free(&r);
    return rc;
}
