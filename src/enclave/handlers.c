/* Light-client commands of the enclave (spec §2, ecall-handler): run the light client, store what it returns,
 * sign what it asks to be proven. */
#include <stdio.h>
#include <string.h>

#include "enclave_internal.h"
#include "lcp/commitment.h"
#include "lcp/crypto.h"

void enclave_out_free(enclave_out *o)
{
    lcp_elc_result_free(&o->res);
    lcp_buf_free(&o->cs_buf);
    lcp_buf_free(&o->cons_buf);
    lcp_buf_free(&o->agg);
    lcp_buf_free(&o->quote_buf);
    lcp_memzero(o->sig, sizeof o->sig);
}

static void to_any(lcp_pb_any *a, const Lcp__Enclave__V1__Any *in)
{
    a->type_url.ptr = (const uint8_t *)(in && in->type_url ? in->type_url : "");
    a->type_url.len = in && in->type_url ? strlen(in->type_url) : 0;
    a->value.ptr = in ? in->value.data : NULL;
    a->value.len = in ? in->value.len : 0;
}

/* Signs o->res.message when the light client asked for proof, and points resp at the commitment. */
static int finish_commitment(lcp_enclave *e, const ecall_req *req, ecall_resp *resp, enclave_out *o,
                             const ProtobufCBinaryData *signer, char *err)
{
    lcp__enclave__v1__commitment_proof__init(&o->proof);
    o->proof.message.data = o->res.message.data;
    o->proof.message.len = o->res.message.len;
    if (o->res.prove) {
        /* What the enclave signs must be a well-formed message that passes its own rules (LCP's prove_commitment
         * validates before signing): a light client bug must not turn into a signed commitment. */
        lcp_proxy_msg m;
        char e2[LCP_ERR_LEN] = "";
        if (lcp_proxy_msg_decode(&m, o->res.message.data, o->res.message.len, e2) != LCP_OK ||
            lcp_proxy_msg_validate(&m, e2) != LCP_OK)
            return lcp_fail(err, LCP_ERR_COMMITMENT_INVALID, "refusing to sign the light client's message: %s", e2);
        int rc = enclave_sign(e, o->sig, &req->sealed_enclave_key, signer, o->res.message.data, o->res.message.len, err);
        if (rc != LCP_OK) return rc;
        o->proof.signature.data = o->sig;
        o->proof.signature.len = 65;
    }
    resp->result_case = LCP__ENCLAVE__V1__ECALL_RESPONSE__RESULT_COMMITMENT;
    resp->commitment = &o->proof;
    return LCP_OK;
}

static int store_states(lcp_enclave *e, const char *client_id, const lcp_elc_result *r, char *err)
{
    lcp_elc_env env;
    char key[256];
    int rc = LCP_OK;
    enclave_env(e, &env);
    if (r->client_state.len) {
        if ((rc = lcp_elc_key_client_state(key, sizeof key, client_id)) != LCP_OK) return lcp_fail(err, rc, "client id too long");
        if ((rc = env.set(env.ud, key, r->client_state.data, r->client_state.len, err)) != LCP_OK) return rc;
    }
    if (r->consensus_state.len) {
        if ((rc = lcp_elc_key_consensus_state(key, sizeof key, client_id, &r->height)) != LCP_OK) return rc;
        if ((rc = env.set(env.ud, key, r->consensus_state.data, r->consensus_state.len, err)) != LCP_OK) return rc;
    }
    return rc;
}

/* The light client registered for client_id (from its stored client type). */
static int client_ops(lcp_enclave *e, const lcp_elc_ops **ops, const char *client_id, char *err)
{
    lcp_elc_env env;
    char key[256];
    lcp_buf t = {0};
    int found, rc;
    enclave_env(e, &env);
    if (!client_id || !*client_id) return lcp_fail(err, LCP_ERR_ELC_INVALID_CLIENT_ID, "client id is empty");
    if ((rc = lcp_elc_key_client_type(key, sizeof key, client_id)) != LCP_OK) return lcp_fail(err, rc, "client id too long");
    if ((rc = env.get(env.ud, key, &t, &found, err)) != LCP_OK) return rc;
    char name[64] = "";
    if (found && t.len && t.len < sizeof name) memcpy(name, t.data, t.len);
    lcp_buf_free(&t);
    if (!found) return lcp_fail(err, LCP_ERR_ELC_CLIENT_NOT_FOUND, "client %s not found", client_id);
    if ((*ops = lcp_elc_find_type(e->clients, name)) == NULL)
        return lcp_fail(err, LCP_ERR_ELC_UNKNOWN_TYPE, "client %s has type %s, which this enclave has no light client for",
                        client_id, name);
    return LCP_OK;
}

/* Client ids are "<client type>-<n>" as in ibc; when the host leaves it empty the enclave numbers clients itself
 * from a counter in the store (a host that lies about the counter only gets an "already exists" error). */
static int choose_client_id(lcp_enclave *e, char *out, size_t cap, const lcp_elc_ops *ops, const char *asked, char *err)
{
    size_t tl = strlen(ops->client_type);
    if (asked && *asked) {
        if (strlen(asked) >= cap || strncmp(asked, ops->client_type, tl) != 0 || asked[tl] != '-' || !asked[tl + 1])
            return lcp_fail(err, LCP_ERR_ELC_INVALID_CLIENT_ID, "client id %s is not \"%s-<n>\"", asked, ops->client_type);
        for (const char *p = asked + tl + 1; *p; p++)
            if (*p < '0' || *p > '9')
                return lcp_fail(err, LCP_ERR_ELC_INVALID_CLIENT_ID, "client id %s is not \"%s-<n>\"", asked, ops->client_type);
        snprintf(out, cap, "%s", asked);
        return LCP_OK;
    }
    lcp_elc_env env;
    lcp_buf c = {0};
    int found, rc;
    enclave_env(e, &env);
    if ((rc = env.get(env.ud, "clientCounter", &c, &found, err)) != LCP_OK) return rc;
    uint64_t n = 0;
    for (size_t i = 0; found && i < c.len && i < 8; i++) n = n << 8 | c.data[i];
    lcp_buf_free(&c);
    uint8_t next[8];
    for (int i = 0; i < 8; i++) next[i] = (uint8_t)((n + 1) >> (56 - 8 * i));
    if ((rc = env.set(env.ud, "clientCounter", next, 8, err)) != LCP_OK) return rc;
    snprintf(out, cap, "%s-%llu", ops->client_type, (unsigned long long)n);
    return LCP_OK;
}

int enclave_init_client(lcp_enclave *e, const ecall_req *req, ecall_resp *resp, enclave_out *o, char *err)
{
    const Lcp__Enclave__V1__InitClient *in = req->init_client;
    lcp_pb_any cs, cons;
    lcp_elc_env env;
    to_any(&cs, in->client_state);
    to_any(&cons, in->consensus_state);
    const lcp_elc_ops *ops = lcp_elc_find(e->clients, &cs.type_url);
    if (!ops) return lcp_fail(err, LCP_ERR_ELC_UNKNOWN_TYPE, "no light client for %.*s", (int)cs.type_url.len, (const char *)cs.type_url.ptr);
    int rc = choose_client_id(e, o->client_id, sizeof o->client_id, ops, in->client_id, err), found;
    if (rc != LCP_OK) return rc;
    char key[256];
    lcp_buf t = {0};
    enclave_env(e, &env);
    if ((rc = lcp_elc_key_client_type(key, sizeof key, o->client_id)) != LCP_OK) return rc;
    if ((rc = env.get(env.ud, key, &t, &found, err)) != LCP_OK) return rc;
    lcp_buf_free(&t);
    if (found) return lcp_fail(err, LCP_ERR_ELC_CLIENT_EXISTS, "client %s already exists", o->client_id);
    if ((rc = ops->create_client(&env, &o->res, &cs, &cons, err)) != LCP_OK) return rc;
    if ((rc = env.set(env.ud, key, (const uint8_t *)ops->client_type, strlen(ops->client_type), err)) != LCP_OK) return rc;
    if ((rc = store_states(e, o->client_id, &o->res, err)) != LCP_OK) return rc;
    if ((rc = finish_commitment(e, req, resp, o, &in->signer, err)) != LCP_OK) return rc;
    /* InitClient answers {client_id, proof}, not a bare commitment. */
    lcp__enclave__v1__init_client_result__init(&o->init);
    o->init.client_id = o->client_id;
    o->init.proof = &o->proof;
    resp->result_case = LCP__ENCLAVE__V1__ECALL_RESPONSE__RESULT_INIT_CLIENT;
    resp->init_client = &o->init;
    return LCP_OK;
}

int enclave_update_client(lcp_enclave *e, const ecall_req *req, ecall_resp *resp, enclave_out *o, char *err)
{
    const Lcp__Enclave__V1__UpdateClient *in = req->update_client;
    const lcp_elc_ops *ops;
    lcp_elc_env env;
    lcp_pb_any h;
    int rc = client_ops(e, &ops, in->client_id, err);
    if (rc != LCP_OK) return rc;
    to_any(&h, in->header);
    enclave_env(e, &env);
    if ((rc = ops->update_client(&env, &o->res, in->client_id, &h, in->include_state, err)) != LCP_OK) return rc;
    /* Sign before storing: a failed signature must leave the host nothing to commit. */
    if ((rc = finish_commitment(e, req, resp, o, &in->signer, err)) != LCP_OK) return rc;
    return store_states(e, in->client_id, &o->res, err);
}

int enclave_verify(lcp_enclave *e, const ecall_req *req, ecall_resp *resp, enclave_out *o, char *err)
{
    const lcp_elc_ops *ops;
    lcp_elc_env env;
    int member = req->command_case == LCP__ENCLAVE__V1__ECALL_REQUEST__COMMAND_VERIFY_MEMBERSHIP;
    const Lcp__Enclave__V1__VerifyMembership *m = req->verify_membership;
    const Lcp__Enclave__V1__VerifyNonMembership *nm = req->verify_non_membership;
    const char *client_id = member ? m->client_id : nm->client_id;
    const Lcp__Enclave__V1__Height *ph = member ? m->proof_height : nm->proof_height;
    const ProtobufCBinaryData *prefix = member ? &m->prefix : &nm->prefix, *proof = member ? &m->proof : &nm->proof;
    const char *path = member ? m->path : nm->path;
    if (!ph) return lcp_fail(err, LCP_ERR_ILLEGAL_ARG, "proof_height is missing");
    lcp_height h = {ph->revision_number, ph->revision_height};
    int rc = client_ops(e, &ops, client_id, err);
    if (rc != LCP_OK) return rc;
    enclave_env(e, &env);
    rc = ops->verify_membership(&env, &o->res, client_id, prefix->data, prefix->len, path ? path : "",
                                member ? m->value.data : NULL, member ? m->value.len : 0, member, &h, proof->data,
                                proof->len, err);
    if (rc != LCP_OK) return rc;
    return finish_commitment(e, req, resp, o, member ? &m->signer : &nm->signer, err);
}

int enclave_query_client(lcp_enclave *e, const ecall_req *req, ecall_resp *resp, enclave_out *o, char *err)
{
    const lcp_elc_ops *ops;
    lcp_elc_env env;
    lcp_height h;
    char key[256];
    int found, rc;
    lcp__enclave__v1__query_client_result__init(&o->query);
    resp->result_case = LCP__ENCLAVE__V1__ECALL_RESPONSE__RESULT_QUERY_CLIENT;
    resp->query_client = &o->query;
    rc = client_ops(e, &ops, req->query_client->client_id, err);
    if (rc == LCP_ERR_ELC_CLIENT_NOT_FOUND) return LCP_OK; /* found = false */
    if (rc != LCP_OK) return rc;
    enclave_env(e, &env);
    const char *id = req->query_client->client_id;
    if ((rc = ops->latest_height(&env, &h, id, err)) != LCP_OK) return rc;
    lcp_pb_any a;
    if ((rc = lcp_elc_key_client_state(key, sizeof key, id)) != LCP_OK) return rc;
    if ((rc = env.get(env.ud, key, &o->cs_buf, &found, err)) != LCP_OK || !found) return rc;
    if ((rc = lcp_elc_key_consensus_state(key, sizeof key, id, &h)) != LCP_OK) return rc;
    if ((rc = env.get(env.ud, key, &o->cons_buf, &found, err)) != LCP_OK || !found) return rc;
    lcp__enclave__v1__any__init(&o->cs_any);
    lcp__enclave__v1__any__init(&o->cons_any);
    if ((rc = lcp_pb_decode_any(&a, o->cs_buf.data, o->cs_buf.len, err)) != LCP_OK) return rc;
    snprintf(o->cs_url, sizeof o->cs_url, "%.*s", (int)a.type_url.len, (const char *)a.type_url.ptr);
    o->cs_any.type_url = o->cs_url;
    o->cs_any.value.data = (uint8_t *)a.value.ptr;
    o->cs_any.value.len = a.value.len;
    if ((rc = lcp_pb_decode_any(&a, o->cons_buf.data, o->cons_buf.len, err)) != LCP_OK) return rc;
    snprintf(o->cons_url, sizeof o->cons_url, "%.*s", (int)a.type_url.len, (const char *)a.type_url.ptr);
    o->cons_any.type_url = o->cons_url;
    o->cons_any.value.data = (uint8_t *)a.value.ptr;
    o->cons_any.value.len = a.value.len;
    o->query.found = 1;
    o->query.client_state = &o->cs_any;
    o->query.consensus_state = &o->cons_any;
    return LCP_OK;
}

/* AggregateMessages (spec §2): every message must be an UpdateState signed by the current signer with a context
 * valid now; they must chain; the fold is signed. */
int enclave_aggregate(lcp_enclave *e, const ecall_req *req, ecall_resp *resp, enclave_out *o, char *err)
{
    const Lcp__Enclave__V1__AggregateMessages *in = req->aggregate_messages;
    if (in->n_messages < 2 || in->n_messages != in->n_signatures)
        return lcp_fail(err, LCP_ERR_COMMITMENT_AGGREGATE, "need at least 2 messages and one signature each");
    if (in->signer.len != 20) return lcp_fail(err, LCP_ERR_ILLEGAL_ARG, "signer must be 20 bytes");
    if (in->n_messages > 1024) return lcp_fail(err, LCP_ERR_COMMITMENT_AGGREGATE, "too many messages");
    lcp_proxy_msg *pm = lcp_calloc(in->n_messages, sizeof *pm);
    lcp_update_state_msg *um = lcp_calloc(in->n_messages, sizeof *um);
    lcp_emitted_state *es = NULL;
    int rc = pm && um ? LCP_OK : LCP_ERR_NOMEM;
    size_t total = 0;
    for (size_t i = 0; rc == LCP_OK && i < in->n_messages; i++) {
        uint8_t who[20];
        lcp_validation_context c;
        if ((rc = lcp_proxy_msg_decode(&pm[i], in->messages[i].data, in->messages[i].len, err)) != LCP_OK) break;
        if (pm[i].type != LCP_MSG_UPDATE_STATE) {
            rc = lcp_fail(err, LCP_ERR_COMMITMENT_AGGREGATE, "message %zu is not an UpdateState", i);
            break;
        }
        if ((rc = lcp_commitment_recover_signer(who, in->messages[i].data, in->messages[i].len, in->signatures[i].data,
                                                in->signatures[i].len, err)) != LCP_OK)
            break;
        if (memcmp(who, in->signer.data, 20) != 0) {
            rc = lcp_fail(err, LCP_ERR_COMMITMENT_AGGREGATE, "message %zu was not signed by the signer", i);
            break;
        }
        um[i] = pm[i].u.update;
        if ((rc = lcp_context_decode(&c, um[i].context.ptr, um[i].context.len, err)) != LCP_OK) break;
        if ((rc = lcp_context_validate(&c, e->now_ns, err)) != LCP_OK) break;
        total += um[i].emitted_count;
    }
    if (rc == LCP_OK && total && (es = lcp_calloc(total, sizeof *es)) == NULL) rc = LCP_ERR_NOMEM;
    lcp_proxy_msg out = {.type = LCP_MSG_UPDATE_STATE};
    uint8_t ctx[LCP_CONTEXT_MAX_LEN];
    if (rc == LCP_OK) rc = lcp_update_state_aggregate(&out.u.update, ctx, es, total, um, in->n_messages, err);
    size_t n;
    if (rc == LCP_OK) rc = lcp_proxy_msg_encode(NULL, 0, &n, &out);
    if (rc == LCP_OK) rc = lcp_buf_reserve(&o->res.message, n);
    if (rc == LCP_OK) rc = lcp_proxy_msg_encode(o->res.message.data, n, &n, &out);
    if (rc == LCP_OK) {
        o->res.message.len = n;
        o->res.prove = 1;
        rc = finish_commitment(e, req, resp, o, &in->signer, err);
    }
    lcp_free(pm);
    lcp_free(um);
    lcp_free(es);
    return rc;
}
