/* The Ethereum light client through the gRPC service, end to end, with every commitment handed to the LCP client
 * that registered the service's attested key: a client created from a generated chain (minimal preset), updated
 * within a period and across two period boundaries, a packet commitment proven present and a receipt proven absent,
 * a header with a forged signature refused with the enclave's reason, and a NextSyncCommitteeMisbehaviour that
 * freezes the enclave's client and the LCP client. Times are the host clock's, as a relayer's would be. */
#include "e2efix.h"
#include "ethchain.h"
#include "grpcc.h"
#include "hostfix.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "lcp/host.h"
#include "lcp/elc_ethereum.h"
#include "lcp/service.h"
#include "proto/lcp_service.pb-c.h"

#define MSG "/lcp.service.elc.v1.Msg/"
#define CID "ethereum-0"
#define PACKET "commitments/ports/transfer/channels/channel-0/sequences/1"
#define RECEIPT "receipts/ports/transfer/channels/channel-0/sequences/1"

static hostfix fx;

static int setup(void **state)
{
    (void)state;
    hostfix_setup(&fx, "svceth");
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
    ethc_chain *chain;
} world;

static void open_world(world *w)
{
    memset(w, 0, sizeof *w);
    w->now = lcp_time_now();
    e2efix_service_with_key(&w->sv, &fx, w->addr, &w->c, w->now);
    w->g = w->sv.g;
    /* the current slot is the start of period 13 of a minimal-preset chain */
    ethc_params p = {1, (uint64_t)w->now - 13 * 64 * 6, 21, 0, 0};
    w->chain = ethc_chain_new(&p);
}

static void close_world(world *w)
{
    e2efix_service_stop(&w->sv);
    lcfix_close(&w->c);
    ethc_chain_free(w->chain);
}

static void any_of(Google__Protobuf__Any *a, const char *type_url, const lcp_buf *v)
{
    google__protobuf__any__init(a);
    a->type_url = (char *)type_url;
    a->value.data = v->data;
    a->value.len = v->len;
}

static Lcp__Service__Elc__V1__MsgUpdateClientResponse *commitment(const grpcc_call *k)
{
    Lcp__Service__Elc__V1__MsgUpdateClientResponse *r =
        (void *)grpcc_response(k, &lcp__service__elc__v1__msg_update_client_response__descriptor);
    assert_non_null(r);
    return r;
}

static void create(world *w, uint64_t slot, uint64_t block)
{
    lcp_buf cs = {0}, cons = {0};
    ethc_client_state(&cs, w->chain, block);
    ethc_consensus_state(&cons, w->chain, slot);
    Lcp__Service__Elc__V1__MsgCreateClient m = LCP__SERVICE__ELC__V1__MSG_CREATE_CLIENT__INIT;
    Google__Protobuf__Any a1, a2;
    any_of(&a1, ETHC_T_CS, &cs);
    any_of(&a2, ETHC_T_CONS, &cons);
    m.client_id = CID;
    m.client_state = &a1;
    m.consensus_state = &a2;
    m.signer.data = w->addr;
    m.signer.len = 20;
    grpcc_call k;
    memset(&k, 0, sizeof k);
    grpcc_add(&k, &m.base);
    if (grpcc_wait(w->g, &k, MSG "CreateClient") != 0) fail_msg("CreateClient: %d %s", k.status, k.message);
    Lcp__Service__Elc__V1__MsgUpdateClientResponse *r = commitment(&k);
    assert_int_equal(r->signature.len, 0);
    protobuf_c_message_free_unpacked(&r->base, NULL);
    grpcc_reset(&k);
    lcp_buf_free(&cs);
    lcp_buf_free(&cons);
}

/* UpdateClient with msg; the gRPC status (0 = OK) and, on OK, the LCP client's verdict in *lc. */
static int update_msg(world *w, const char *url, const lcp_buf *msg, int include, int *lc, lcp_lc_update_result *res,
                      char *reason, size_t cap)
{
    Lcp__Service__Elc__V1__MsgUpdateClient m = LCP__SERVICE__ELC__V1__MSG_UPDATE_CLIENT__INIT;
    Google__Protobuf__Any a;
    any_of(&a, url, msg);
    m.client_id = CID;
    m.header = &a;
    m.include_state = include;
    m.signer.data = w->addr;
    m.signer.len = 20;
    grpcc_call k;
    memset(&k, 0, sizeof k);
    grpcc_add(&k, &m.base);
    int st = grpcc_wait(w->g, &k, MSG "UpdateClient");
    if (st == 0) {
        Lcp__Service__Elc__V1__MsgUpdateClientResponse *r = commitment(&k);
        *lc = e2efix_lc_update(&w->c, w->addr, r->message.data, r->message.len, r->signature.data, r->signature.len,
                               w->now, res);
        protobuf_c_message_free_unpacked(&r->base, NULL);
    } else if (reason) {
        size_t l = strnlen(k.message, sizeof k.message);
        if (l >= cap) l = cap - 1;
        memcpy(reason, k.message, l);
        reason[l] = 0;
    }
    grpcc_reset(&k);
    return st;
}

static void update(world *w, const ethc_update_opts *o, int include)
{
    lcp_buf hdr = {0};
    ethc_header(&hdr, w->chain, o);
    int lc = -1;
    lcp_lc_update_result res;
    char reason[512] = "";
    if (update_msg(w, ETHC_T_HEADER, &hdr, include, &lc, &res, reason, sizeof reason) != 0)
        fail_msg("UpdateClient to %llu: %s", (unsigned long long)o->block_number, reason);
    assert_int_equal(lc, LCP_OK);
    assert_int_equal(res.height.revision_height, o->block_number);
    lcp_buf_free(&hdr);
}

static int verify(world *w, const char *path, const uint8_t *value, size_t len, uint64_t height)
{
    lcp_buf proof = {0};
    ethc_storage_proof(&proof, w->chain, path);
    Ibc__Core__Client__V1__Height ph = IBC__CORE__CLIENT__V1__HEIGHT__INIT;
    ph.revision_height = height;
    Lcp__Service__Elc__V1__MsgVerifyMembership vm = LCP__SERVICE__ELC__V1__MSG_VERIFY_MEMBERSHIP__INIT;
    Lcp__Service__Elc__V1__MsgVerifyNonMembership vn = LCP__SERVICE__ELC__V1__MSG_VERIFY_NON_MEMBERSHIP__INIT;
    grpcc_call k;
    memset(&k, 0, sizeof k);
    if (value) {
        vm.client_id = CID;
        vm.prefix.data = (uint8_t *)"ibc";
        vm.prefix.len = 3;
        vm.path = (char *)path;
        vm.value.data = (uint8_t *)value;
        vm.value.len = len;
        vm.proof_height = &ph;
        vm.proof.data = proof.data;
        vm.proof.len = proof.len;
        vm.signer.data = w->addr;
        vm.signer.len = 20;
        grpcc_add(&k, &vm.base);
    } else {
        vn.client_id = CID;
        vn.prefix.data = (uint8_t *)"ibc";
        vn.prefix.len = 3;
        vn.path = (char *)path;
        vn.proof_height = &ph;
        vn.proof.data = proof.data;
        vn.proof.len = proof.len;
        vn.signer.data = w->addr;
        vn.signer.len = 20;
        grpcc_add(&k, &vn.base);
    }
    int st = grpcc_wait(w->g, &k, value ? MSG "VerifyMembership" : MSG "VerifyNonMembership");
    int rc = st;
    if (st == 0) {
        Lcp__Service__Elc__V1__MsgUpdateClientResponse *r = commitment(&k);
        lcp_height h = {0, height};
        rc = e2efix_lc_verify(&w->c, &h, path, value, len, r->message.data, r->message.len, r->signature.data,
                              r->signature.len, w->now);
        protobuf_c_message_free_unpacked(&r->base, NULL);
    }
    grpcc_reset(&k);
    lcp_buf_free(&proof);
    return rc;
}

static void test_ethereum_over_grpc(void **state)
{
    (void)state;
    world w;
    open_world(&w);
    const uint64_t P = 64, s0 = 10 * P + 10;
    const uint8_t pkt[] = "packet commitment bytes";
    ethc_set_commitment(w.chain, PACKET, pkt, sizeof pkt - 1);
    create(&w, s0, 100);
    ethc_update_opts u1 = {100, s0, s0 + 30, 110, 0, 0, 0, 0, 0};
    update(&w, &u1, 1);
    ethc_update_opts u2 = {110, s0 + 30, 11 * P + 8, 120, 1, 0, 0, 0, 0};
    update(&w, &u2, 0);
    /* a header whose participation claims a member who did not sign: refused by the enclave, with its reason */
    ethc_update_opts u3 = {120, 11 * P + 8, 12 * P + 16, 130, 1, 0, 0, 0, 0};
    lcp_buf hdr = {0};
    ethc_header(&hdr, w.chain, &u3);
    lcp_eth_header hd;
    assert_int_equal(lcp_eth_decode_header(&hd, hdr.data, hdr.len, NULL), LCP_OK);
    size_t bits = (size_t)(hd.consensus_update.sync_committee_bits.ptr - hdr.data);
    hdr.data[bits] ^= 0x01;
    int lc;
    lcp_lc_update_result res;
    char reason[512] = "";
    assert_int_equal(update_msg(&w, ETHC_T_HEADER, &hdr, 0, &lc, &res, reason, sizeof reason), LCP_GRPC_ABORTED);
    assert_non_null(strstr(reason, "signature"));
    lcp_buf_free(&hdr);
    update(&w, &u3, 0);
    assert_int_equal(verify(&w, PACKET, pkt, sizeof pkt - 1, 130), LCP_OK);
    assert_int_equal(verify(&w, RECEIPT, NULL, 0, 130), LCP_OK);
    assert_int_not_equal(verify(&w, RECEIPT, pkt, sizeof pkt - 1, 130), LCP_OK);

    /* two different next committees for period 13, both signed: misbehaviour freezes both sides */
    ethc_update_opts nsc[2] = {{130, 12 * P + 16, 12 * P + 24, 140, 1, 0, 0, 0, 0},
                               {130, 12 * P + 16, 12 * P + 24, 140, 1, 0, 0, 1, 0}};
    lcp_buf mb = {0};
    ethc_misbehaviour(&mb, w.chain, 2, CID, &nsc[0], &nsc[1]);
    assert_int_equal(update_msg(&w, ETHC_T_MISB_NSC, &mb, 0, &lc, &res, reason, sizeof reason), 0);
    assert_int_equal(lc, LCP_OK);
    assert_int_equal(res.misbehaviour, 1);
    ethc_update_opts u4 = {130, 12 * P + 16, 12 * P + 40, 150, 0, 0, 0, 0, 0};
    ethc_header(&hdr, w.chain, &u4);
    assert_int_equal(update_msg(&w, ETHC_T_HEADER, &hdr, 0, &lc, &res, reason, sizeof reason), LCP_GRPC_ABORTED);
    assert_non_null(strstr(reason, "frozen"));
    lcp_buf_free(&hdr);
    lcp_buf_free(&mb);
    close_world(&w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ethereum_over_grpc),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
