/* The 07-tendermint light client through the gRPC service, end to end, with every commitment handed to the LCP
 * client that registered the service's attested key: a client created from a generated chain of 150 validators,
 * updated across adjacent and skipping headers (UpdateClient, and UpdateClientStream with the header in 1 KiB
 * chunks giving the very same commitment as UpdateClient on a twin client), a membership and a non-membership
 * proven with ICS-23 proofs, a forged header refused with the enclave's reason, two clients updated at once, and
 * Query/Client agreeing with what was committed. Times are the host clock's, as a relayer's would be. */
#include "e2efix.h"
#include "hostfix.h"
#include "grpcc.h"
#include "lcfix.h"
#include "tmchain.h"

#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lcp/attestation_ias_sim.h"
#include "lcp/crypto.h"
#include "lcp/host.h"
#include "lcp/service.h"
#include "lcp/tee_sim.h"
#include "proto/lcp_service.pb-c.h"

#define NVALS 150
#define MSG "/lcp.service.elc.v1.Msg/"

static hostfix fx;

static int setup(void **state)
{
    (void)state;
    hostfix_setup(&fx, "svctm");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return hostfix_teardown(&fx);
}

typedef struct {
    lcfix_client c;
    uint8_t addr[20];
    int64_t now;
    e2efix_service sv;
    grpcc *g;
    tmc_chain *chain;
} world;

/* A key generated and attested (simulated IAS) in the service's home, registered with LCP client "lcp-0"; then
 * the service started on it, with 2 workers. */
static void open_world(world *w)
{
    memset(w, 0, sizeof *w);
    w->now = lcp_time_now();
    e2efix_service_with_key(&w->sv, &fx, w->addr, &w->c, w->now);
    w->g = w->sv.g;
}

static void close_world(world *w)
{
    e2efix_service_stop(&w->sv);
    lcfix_close(&w->c);
    tmc_chain_free(w->chain);
}

static void any_of(Google__Protobuf__Any *a, const char *type_url, const lcp_buf *v)
{
    google__protobuf__any__init(a);
    a->type_url = (char *)type_url;
    a->value.data = v->data;
    a->value.len = v->len;
}

/* {message, signature} of a Msg response (every Msg response has that shape). */
static Lcp__Service__Elc__V1__MsgUpdateClientResponse *commitment(const grpcc_call *k)
{
    Lcp__Service__Elc__V1__MsgUpdateClientResponse *r =
        (void *)grpcc_response(k, &lcp__service__elc__v1__msg_update_client_response__descriptor);
    assert_non_null(r);
    return r;
}

/* The LCP client's verdict on a signed UpdateState commitment. */
static int lc_update(world *w, const Lcp__Service__Elc__V1__MsgUpdateClientResponse *r, uint64_t expect_height)
{
    assert_int_equal(r->signature.len, 65);
    lcp_lc_update_result res;
    int rc = e2efix_lc_update(&w->c, w->addr, r->message.data, r->message.len, r->signature.data, r->signature.len,
                              w->now, &res);
    if (rc == LCP_OK) assert_int_equal(res.height.revision_height, expect_height);
    return rc;
}

static void create(world *w, const char *client_id)
{
    lcp_buf cs = {0}, cons = {0};
    tmc_client_state(&cs, w->chain, 1, NULL);
    tmc_consensus_state(&cons, w->chain, 1);
    Lcp__Service__Elc__V1__MsgCreateClient m = LCP__SERVICE__ELC__V1__MSG_CREATE_CLIENT__INIT;
    Google__Protobuf__Any a1, a2;
    any_of(&a1, TMC_T_CS, &cs);
    any_of(&a2, TMC_T_CONS, &cons);
    m.client_id = (char *)client_id;
    m.client_state = &a1;
    m.consensus_state = &a2;
    m.signer.data = w->addr;
    m.signer.len = 20;
    grpcc_call k;
    memset(&k, 0, sizeof k);
    grpcc_add(&k, &m.base);
    if (grpcc_wait(w->g, &k, MSG "CreateClient") != 0) fail_msg("CreateClient: %d %s", k.status, k.message);
    Lcp__Service__Elc__V1__MsgUpdateClientResponse *r = commitment(&k);
    assert_true(r->message.len > 0);
    assert_int_equal(r->signature.len, 0); /* as LCP: create_client commitments are unsigned */
    protobuf_c_message_free_unpacked(&r->base, NULL);
    grpcc_reset(&k);
    lcp_buf_free(&cs);
    lcp_buf_free(&cons);
}

static void update_request(grpcc_call *k, world *w, const char *client_id, const lcp_buf *hdr, int include)
{
    Lcp__Service__Elc__V1__MsgUpdateClient m = LCP__SERVICE__ELC__V1__MSG_UPDATE_CLIENT__INIT;
    Google__Protobuf__Any a;
    any_of(&a, TMC_T_HEADER, hdr);
    m.client_id = (char *)client_id;
    m.header = &a;
    m.include_state = include;
    m.signer.data = w->addr;
    m.signer.len = 20;
    memset(k, 0, sizeof *k);
    grpcc_add(k, &m.base);
}

/* UpdateClient of client_id with header h <- th; returns the response (free it). */
static Lcp__Service__Elc__V1__MsgUpdateClientResponse *update(world *w, const char *client_id, int64_t h, int64_t th,
                                                              int include)
{
    lcp_buf hdr = {0};
    tmc_ibc_header(&hdr, w->chain, h, th, NULL);
    grpcc_call k;
    update_request(&k, w, client_id, &hdr, include);
    if (grpcc_wait(w->g, &k, MSG "UpdateClient") != 0)
        fail_msg("UpdateClient %lld<-%lld: %d %s", (long long)h, (long long)th, k.status, k.message);
    Lcp__Service__Elc__V1__MsgUpdateClientResponse *r = commitment(&k);
    grpcc_reset(&k);
    lcp_buf_free(&hdr);
    return r;
}

static const tmc_kv KVS[] = {
    {"channelEnds/ports/transfer/channels/channel-0", (const uint8_t *)"\x08\x03\x10\x01", 4},
    {"clients/07-tendermint-0/clientState", (const uint8_t *)"a client state", 14},
    {"commitments/ports/transfer/channels/channel-0/sequences/1", (const uint8_t *)"packet commitment", 17},
};

static void test_tendermint_over_grpc(void **state)
{
    (void)state;
    world w;
    open_world(&w);
    tmc_valset *vs = lcp_malloc(sizeof *vs);
    assert_non_null(vs);
    tmc_valset_make(vs, 77, 0, NVALS, NULL, 100);
    /* Blocks one second apart, the last ones still in the past: valid now, inside the trusting period. */
    w.chain = tmc_chain_new("grpc-chain-1", vs, w.now - 600);
    lcp_free(vs);
    tmc_chain_set_interval(w.chain, 1);
    for (int i = 0; i < 9; i++) tmc_chain_push(w.chain, NULL, NULL); /* 2-10 */
    uint8_t app[32];
    tmc_state_app_hash(app, KVS, 3);
    tmc_chain_push(w.chain, NULL, app); /* 11: the state to prove */
    for (int i = 0; i < 9; i++) tmc_chain_push(w.chain, NULL, NULL); /* 12-20 */

    create(&w, "07-tendermint-0");
    create(&w, "07-tendermint-1"); /* a twin: same states, for the streaming comparison */

    /* The first update carries the client state: the LCP client starts from emitted states. */
    Lcp__Service__Elc__V1__MsgUpdateClientResponse *r = update(&w, "07-tendermint-0", 2, 1, 1);
    assert_int_equal(lc_update(&w, r, 2), LCP_OK);

    /* UpdateClientStream: the same header for the twin, in 1 KiB chunks, gives the same commitment byte for byte
     * (same prior state, same header; RFC 6979 signatures are deterministic). */
    lcp_buf hdr = {0};
    tmc_ibc_header(&hdr, w.chain, 2, 1, NULL);
    grpcc_call k;
    memset(&k, 0, sizeof k);
    Lcp__Service__Elc__V1__MsgUpdateClientStreamChunk ch = LCP__SERVICE__ELC__V1__MSG_UPDATE_CLIENT_STREAM_CHUNK__INIT;
    Lcp__Service__Elc__V1__UpdateClientStreamInit in = LCP__SERVICE__ELC__V1__UPDATE_CLIENT_STREAM_INIT__INIT;
    Lcp__Service__Elc__V1__UpdateClientStreamHeaderChunk hc = LCP__SERVICE__ELC__V1__UPDATE_CLIENT_STREAM_HEADER_CHUNK__INIT;
    in.client_id = "07-tendermint-1";
    in.include_state = 1;
    in.signer.data = w.addr;
    in.signer.len = 20;
    in.type_url = TMC_T_HEADER;
    ch.chunk_case = LCP__SERVICE__ELC__V1__MSG_UPDATE_CLIENT_STREAM_CHUNK__CHUNK_INIT;
    ch.init = &in;
    grpcc_add(&k, &ch.base);
    size_t chunks = 0;
    for (size_t off = 0; off < hdr.len; off += 1024, chunks++) {
        hc.data.data = hdr.data + off;
        hc.data.len = hdr.len - off < 1024 ? hdr.len - off : 1024;
        ch.chunk_case = LCP__SERVICE__ELC__V1__MSG_UPDATE_CLIENT_STREAM_CHUNK__CHUNK_HEADER_CHUNK;
        ch.header_chunk = &hc;
        grpcc_add(&k, &ch.base);
    }
    assert_true(chunks > 20);
    if (grpcc_wait(w.g, &k, MSG "UpdateClientStream") != 0) fail_msg("UpdateClientStream: %d %s", k.status, k.message);
    Lcp__Service__Elc__V1__MsgUpdateClientResponse *streamed = commitment(&k);
    assert_int_equal(streamed->message.len, r->message.len);
    assert_memory_equal(streamed->message.data, r->message.data, r->message.len);
    assert_int_equal(streamed->signature.len, 65);
    assert_memory_equal(streamed->signature.data, r->signature.data, 65);
    protobuf_c_message_free_unpacked(&streamed->base, NULL);
    protobuf_c_message_free_unpacked(&r->base, NULL);
    grpcc_reset(&k);
    lcp_buf_free(&hdr);

    r = update(&w, "07-tendermint-0", 3, 2, 0); /* adjacent */
    assert_int_equal(lc_update(&w, r, 3), LCP_OK);
    protobuf_c_message_free_unpacked(&r->base, NULL);

    /* Skipping to the proven state; then two clients updated at once, on one connection. */
    r = update(&w, "07-tendermint-0", 11, 3, 0);
    assert_int_equal(lc_update(&w, r, 11), LCP_OK);
    protobuf_c_message_free_unpacked(&r->base, NULL);
    lcp_buf h12 = {0}, h5 = {0};
    tmc_ibc_header(&h12, w.chain, 12, 11, NULL);
    tmc_ibc_header(&h5, w.chain, 5, 2, NULL);
    grpcc_call a, b;
    update_request(&a, &w, "07-tendermint-0", &h12, 0);
    update_request(&b, &w, "07-tendermint-1", &h5, 0);
    assert_int_equal(grpcc_submit(w.g, &a, MSG "UpdateClient"), 0);
    assert_int_equal(grpcc_submit(w.g, &b, MSG "UpdateClient"), 0);
    while (!a.done || !b.done) assert_int_equal(grpcc_pump(w.g), 0);
    assert_int_equal(a.status, 0);
    assert_int_equal(b.status, 0);
    r = commitment(&a);
    assert_int_equal(lc_update(&w, r, 12), LCP_OK);
    protobuf_c_message_free_unpacked(&r->base, NULL);
    grpcc_reset(&a);
    grpcc_reset(&b);
    lcp_buf_free(&h12);
    lcp_buf_free(&h5);

    /* A forged signature: the enclave refuses the header, its reason comes back with ABORTED. */
    lcp_buf forged = {0};
    tmc_sign_opts bad = {NULL, 3, NULL, 0, NULL};
    tmc_ibc_header(&forged, w.chain, 13, 12, &bad);
    update_request(&k, &w, "07-tendermint-0", &forged, 0);
    assert_int_equal(grpcc_wait(w.g, &k, MSG "UpdateClient"), LCP_GRPC_ABORTED);
    assert_non_null(strstr(k.message, "signature"));
    grpcc_reset(&k);
    lcp_buf_free(&forged);

    /* Membership and non-membership at height 11, accepted by the LCP client. */
    lcp_height h11 = {tmc_chain_revision(w.chain), 11};
    for (int member = 1; member >= 0; member--) {
        const char *path = member ? KVS[1].key : "clients/07-tendermint-9/clientState";
        lcp_buf proof = {0};
        tmc_state_proof(&proof, KVS, 3, path, member);
        Ibc__Core__Client__V1__Height ph = IBC__CORE__CLIENT__V1__HEIGHT__INIT;
        ph.revision_number = h11.revision_number;
        ph.revision_height = 11;
        Lcp__Service__Elc__V1__MsgVerifyMembership vm = LCP__SERVICE__ELC__V1__MSG_VERIFY_MEMBERSHIP__INIT;
        Lcp__Service__Elc__V1__MsgVerifyNonMembership vn = LCP__SERVICE__ELC__V1__MSG_VERIFY_NON_MEMBERSHIP__INIT;
        memset(&k, 0, sizeof k);
        if (member) {
            vm.client_id = "07-tendermint-0";
            vm.prefix.data = (uint8_t *)"ibc";
            vm.prefix.len = 3;
            vm.path = (char *)path;
            vm.value.data = (uint8_t *)KVS[1].value;
            vm.value.len = KVS[1].value_len;
            vm.proof_height = &ph;
            vm.proof.data = proof.data;
            vm.proof.len = proof.len;
            vm.signer.data = w.addr;
            vm.signer.len = 20;
            grpcc_add(&k, &vm.base);
        } else {
            vn.client_id = "07-tendermint-0";
            vn.prefix.data = (uint8_t *)"ibc";
            vn.prefix.len = 3;
            vn.path = (char *)path;
            vn.proof_height = &ph;
            vn.proof.data = proof.data;
            vn.proof.len = proof.len;
            vn.signer.data = w.addr;
            vn.signer.len = 20;
            grpcc_add(&k, &vn.base);
        }
        int st = grpcc_wait(w.g, &k, member ? MSG "VerifyMembership" : MSG "VerifyNonMembership");
        if (st != 0) fail_msg("verify: %d %s", st, k.message);
        r = commitment(&k);
        lcp_bytes sg = {r->signature.data, r->signature.len};
        size_t n;
        uint8_t *p = lcfix_proofs(r->message.data, r->message.len, &sg, 1, &n);
        char err[LCP_ERR_LEN] = "";
        int rc = member ? lcp_lc_verify_membership(w.c.lc, "lcp-0", &h11, (const uint8_t *)"ibc", 3,
                                                   (const uint8_t *)path, strlen(path), KVS[1].value,
                                                   KVS[1].value_len, p, n, w.now, err)
                        : lcp_lc_verify_non_membership(w.c.lc, "lcp-0", &h11, (const uint8_t *)"ibc", 3,
                                                       (const uint8_t *)path, strlen(path), p, n, w.now, err);
        if (rc != LCP_OK) fail_msg("LCP client, %smembership: %s", member ? "" : "non-", err);
        lcp_free(p);
        protobuf_c_message_free_unpacked(&r->base, NULL);
        grpcc_reset(&k);
        lcp_buf_free(&proof);
    }

    /* Query/Client: the latest state of client 0 is height 12. */
    Lcp__Service__Elc__V1__QueryClientRequest q = LCP__SERVICE__ELC__V1__QUERY_CLIENT_REQUEST__INIT;
    q.client_id = "07-tendermint-0";
    memset(&k, 0, sizeof k);
    grpcc_add(&k, &q.base);
    assert_int_equal(grpcc_wait(w.g, &k, "/lcp.service.elc.v1.Query/Client"), 0);
    Lcp__Service__Elc__V1__QueryClientResponse *qr =
        (void *)grpcc_response(&k, &lcp__service__elc__v1__query_client_response__descriptor);
    assert_non_null(qr);
    assert_true(qr->found);
    assert_string_equal(qr->client_state->type_url, TMC_T_CS);
    lcp_buf cons12 = {0};
    tmc_consensus_state(&cons12, w.chain, 12);
    assert_int_equal(qr->consensus_state->value.len, cons12.len);
    assert_memory_equal(qr->consensus_state->value.data, cons12.data, cons12.len);
    lcp_buf_free(&cons12);
    protobuf_c_message_free_unpacked(&qr->base, NULL);
    grpcc_reset(&k);
    close_world(&w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tendermint_over_grpc),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
