/* The Ethereum light client end to end through the enclave process (sandboxed lcp-enclave on a simulated platform):
 * an enclave key attested and registered with an LCP client, an Ethereum client created from a generated chain
 * (minimal preset, tests/common/ethchain), updated within a period and then across two period boundaries, a packet
 * commitment proven present and a receipt proven absent in the IBC contract's storage, and every commitment accepted
 * by the LCP client. A tampered header (signature, participation, account proof) and a tampered storage proof are
 * refused by the enclave; a FinalizedHeaderMisbehaviour freezes the enclave's client and the LCP client.
 * Also prints the enclave process's peak RSS (VmHWM) around a mainnet-preset (512-key) update. */
#include "e2efix.h"
#include "ethchain.h"
#include "hostfix.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lcp/elc_ethereum.h"
#include "lcp/enclave.h"
#include "lcp/host.h"

#define NOW 1800000000ull /* inside the simulation signing certificate's validity */
#define CID "ethereum-0"
#define PACKET "commitments/ports/transfer/channels/channel-0/sequences/1"
#define RECEIPT "receipts/ports/transfer/channels/channel-0/sequences/1"

static hostfix fx;

static int setup(void **state)
{
    (void)state;
    hostfix_setup(&fx, "ethe2e");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return hostfix_teardown(&fx);
}

typedef struct {
    lcp_host *h;
    lcfix_client c;
    uint8_t addr[20];
    ethc_chain *chain;
    uint64_t period;
} world;

static Lcp__Enclave__V1__EcallResponse *ecall(world *w, Lcp__Enclave__V1__EcallRequest *req, int write, int expect)
{
    return e2efix_ecall(w->h, w->addr, req, NOW, write, expect);
}

static void open_world(world *w, const char *name, int minimal)
{
    memset(w, 0, sizeof *w);
    char err[LCP_ERR_LEN] = "", dir[PATH_MAX + 32];
    snprintf(dir, sizeof dir, "%s-%s", fx.home, name);
    lcp_host_options o = {dir, fx.platform, fx.enclave_bin, "sim"};
    if (lcp_host_open(&w->h, &o, err) != LCP_OK) fail_msg("host: %s", err);
    if (lcp_host_generate_key(w->h, w->addr, NULL, err) != LCP_OK) fail_msg("generate-key: %s", err);
    e2efix_register(w->h, w->addr, &w->c, (int64_t)NOW);
    uint64_t sps = minimal ? 6 : 12;
    w->period = minimal ? 64 : 8192;
    ethc_params p = {minimal, NOW - 13 * w->period * sps, 11, 0, 0};
    w->chain = ethc_chain_new(&p);
}

static void close_world(world *w)
{
    lcfix_close(&w->c);
    lcp_host_close(w->h);
    ethc_chain_free(w->chain);
}

static void create(world *w, uint64_t slot, uint64_t block)
{
    lcp_buf cs = {0}, cons = {0};
    ethc_client_state(&cs, w->chain, block);
    ethc_consensus_state(&cons, w->chain, slot);
    Lcp__Enclave__V1__EcallRequest req = LCP__ENCLAVE__V1__ECALL_REQUEST__INIT;
    Lcp__Enclave__V1__InitClient ic = LCP__ENCLAVE__V1__INIT_CLIENT__INIT;
    Lcp__Enclave__V1__Any a1, a2;
    e2efix_set_any(&a1, ETHC_T_CS, &cs);
    e2efix_set_any(&a2, ETHC_T_CONS, &cons);
    ic.client_id = "";
    ic.client_state = &a1;
    ic.consensus_state = &a2;
    ic.signer.data = w->addr;
    ic.signer.len = 20;
    req.command_case = LCP__ENCLAVE__V1__ECALL_REQUEST__COMMAND_INIT_CLIENT;
    req.init_client = &ic;
    Lcp__Enclave__V1__EcallResponse *r = ecall(w, &req, 1, LCP_OK);
    assert_string_equal(r->init_client->client_id, CID);
    assert_int_equal(r->init_client->proof->signature.len, 0);
    lcp__enclave__v1__ecall_response__free_unpacked(r, NULL);
    lcp_buf_free(&cs);
    lcp_buf_free(&cons);
}

static Lcp__Enclave__V1__EcallResponse *enclave_update(world *w, const lcp_buf *msg, const char *type_url, int include,
                                                       int expect)
{
    Lcp__Enclave__V1__EcallRequest req = LCP__ENCLAVE__V1__ECALL_REQUEST__INIT;
    Lcp__Enclave__V1__UpdateClient uc = LCP__ENCLAVE__V1__UPDATE_CLIENT__INIT;
    Lcp__Enclave__V1__Any a;
    e2efix_set_any(&a, type_url, msg);
    uc.client_id = CID;
    uc.header = &a;
    uc.include_state = include;
    uc.signer.data = w->addr;
    uc.signer.len = 20;
    req.command_case = LCP__ENCLAVE__V1__ECALL_REQUEST__COMMAND_UPDATE_CLIENT;
    req.update_client = &uc;
    return ecall(w, &req, 1, expect);
}

/* The update o through the enclave, then the LCP client (which must accept it). */
static void update(world *w, const ethc_update_opts *o, int include)
{
    lcp_buf hdr = {0};
    ethc_header(&hdr, w->chain, o);
    Lcp__Enclave__V1__EcallResponse *r = enclave_update(w, &hdr, ETHC_T_HEADER, include, LCP_OK);
    lcp_lc_update_result res;
    assert_int_equal(e2efix_lc_update(&w->c, w->addr, r->commitment->message.data, r->commitment->message.len,
                                      r->commitment->signature.data, r->commitment->signature.len, (int64_t)NOW, &res),
                     LCP_OK);
    assert_int_equal(res.height.revision_height, o->block_number);
    lcp__enclave__v1__ecall_response__free_unpacked(r, NULL);
    lcp_buf_free(&hdr);
}

/* VerifyMembership / VerifyNonMembership through the enclave; when the enclave signs, the LCP client's verdict. */
static int verify(world *w, const char *path, const uint8_t *value, size_t len, uint64_t height, const lcp_buf *proof,
                  int expect_enclave)
{
    Lcp__Enclave__V1__EcallRequest vr = LCP__ENCLAVE__V1__ECALL_REQUEST__INIT;
    Lcp__Enclave__V1__VerifyMembership vm = LCP__ENCLAVE__V1__VERIFY_MEMBERSHIP__INIT;
    Lcp__Enclave__V1__VerifyNonMembership vn = LCP__ENCLAVE__V1__VERIFY_NON_MEMBERSHIP__INIT;
    Lcp__Enclave__V1__Height ph = LCP__ENCLAVE__V1__HEIGHT__INIT;
    ph.revision_height = height;
    if (value) {
        vm.client_id = CID;
        vm.prefix.data = (uint8_t *)"ibc";
        vm.prefix.len = 3;
        vm.path = (char *)path;
        vm.value.data = (uint8_t *)value;
        vm.value.len = len;
        vm.proof_height = &ph;
        vm.proof.data = proof->data;
        vm.proof.len = proof->len;
        vm.signer.data = w->addr;
        vm.signer.len = 20;
        vr.command_case = LCP__ENCLAVE__V1__ECALL_REQUEST__COMMAND_VERIFY_MEMBERSHIP;
        vr.verify_membership = &vm;
    } else {
        vn.client_id = CID;
        vn.prefix.data = (uint8_t *)"ibc";
        vn.prefix.len = 3;
        vn.path = (char *)path;
        vn.proof_height = &ph;
        vn.proof.data = proof->data;
        vn.proof.len = proof->len;
        vn.signer.data = w->addr;
        vn.signer.len = 20;
        vr.command_case = LCP__ENCLAVE__V1__ECALL_REQUEST__COMMAND_VERIFY_NON_MEMBERSHIP;
        vr.verify_non_membership = &vn;
    }
    Lcp__Enclave__V1__EcallResponse *r = ecall(w, &vr, 0, expect_enclave);
    int rc = expect_enclave;
    if (r && expect_enclave == LCP_OK) {
        lcp_height h = {0, height};
        rc = e2efix_lc_verify(&w->c, &h, path, value, len, r->commitment->message.data, r->commitment->message.len,
                              r->commitment->signature.data, r->commitment->signature.len, (int64_t)NOW);
    }
    if (r) lcp__enclave__v1__ecall_response__free_unpacked(r, NULL);
    return rc;
}

/* Finds the first occurrence of needle in hay. */
static size_t find(const lcp_buf *hay, const uint8_t *needle, size_t k)
{
    for (size_t i = 0; i + k <= hay->len; i++)
        if (memcmp(hay->data + i, needle, k) == 0) return i;
    fail_msg("not found");
    return 0;
}

static void test_ethereum_through_enclave(void **state)
{
    (void)state;
    world w;
    open_world(&w, "main", 1);
    uint64_t P = w.period, s0 = 10 * P + 10;
    const uint8_t pkt[] = "packet commitment bytes";
    ethc_set_commitment(w.chain, PACKET, pkt, sizeof pkt - 1);
    create(&w, s0, 100);
    ethc_update_opts u1 = {100, s0, s0 + 30, 110, 0, 0, 0, 0, 0};
    update(&w, &u1, 1); /* the first update carries the client state to the LCP client */
    ethc_update_opts u2 = {110, s0 + 30, 11 * P + 8, 120, 1, 0, 0, 0, 0};
    update(&w, &u2, 0); /* into period 11: is_next, committee rotated */

    /* tampered headers are refused by the enclave: the signature, a participation bit, the IBC account proof */
    ethc_update_opts u3 = {120, 11 * P + 8, 12 * P + 16, 130, 1, 0, 0, 0, 0};
    lcp_buf hdr = {0};
    ethc_header(&hdr, w.chain, &u3);
    lcp_eth_header hd;
    assert_int_equal(lcp_eth_decode_header(&hd, hdr.data, hdr.len, NULL), LCP_OK);
    size_t sig = find(&hdr, hd.consensus_update.sync_committee_signature, 96);
    size_t bits = (size_t)(hd.consensus_update.sync_committee_bits.ptr - hdr.data);
    size_t ap = (size_t)(hd.account_proof.ptr - hdr.data) + hd.account_proof.len / 2;
    size_t at[3] = {sig + 17, bits, ap};
    int want[3] = {LCP_ERR_ETH_SIGNATURE, LCP_ERR_ETH_SIGNATURE, 0};
    for (int i = 0; i < 3; i++) {
        hdr.data[at[i]] ^= 0x04;
        Lcp__Enclave__V1__EcallRequest req = LCP__ENCLAVE__V1__ECALL_REQUEST__INIT;
        Lcp__Enclave__V1__UpdateClient uc = LCP__ENCLAVE__V1__UPDATE_CLIENT__INIT;
        Lcp__Enclave__V1__Any a;
        e2efix_set_any(&a, ETHC_T_HEADER, &hdr);
        uc.client_id = CID;
        uc.header = &a;
        uc.signer.data = w.addr;
        uc.signer.len = 20;
        req.command_case = LCP__ENCLAVE__V1__ECALL_REQUEST__COMMAND_UPDATE_CLIENT;
        req.update_client = &uc;
        req.current_time_ns = NOW * 1000000000ull;
        Lcp__Enclave__V1__EcallResponse *resp = NULL;
        char err[LCP_ERR_LEN] = "";
        int rc = lcp_host_run_frame(w.h, &req, w.addr, 1, &resp, err);
        if (rc == LCP_OK || (want[i] && rc != want[i])) fail_msg("tamper %d: %s (%s)", i, lcp_errname(rc), err);
        if (resp) lcp__enclave__v1__ecall_response__free_unpacked(resp, NULL);
        hdr.data[at[i]] ^= 0x04;
    }
    lcp_buf_free(&hdr);
    update(&w, &u3, 0); /* into period 12 */

    /* the packet commitment is there, the receipt is not; a changed value or proof is refused */
    lcp_buf proof = {0}, absent = {0};
    ethc_storage_proof(&proof, w.chain, PACKET);
    ethc_storage_proof(&absent, w.chain, RECEIPT);
    assert_int_equal(verify(&w, PACKET, pkt, sizeof pkt - 1, 130, &proof, LCP_OK), LCP_OK);
    assert_int_equal(verify(&w, RECEIPT, NULL, 0, 130, &absent, LCP_OK), LCP_OK);
    assert_int_equal(verify(&w, PACKET, (const uint8_t *)"x", 1, 130, &proof, LCP_ERR_ETH_MPT_VALUE),
                     LCP_ERR_ETH_MPT_VALUE);
    assert_int_equal(verify(&w, PACKET, NULL, 0, 130, &proof, LCP_ERR_ETH_MPT_EXISTS), LCP_ERR_ETH_MPT_EXISTS);
    proof.data[proof.len - 3] ^= 1;
    assert_int_equal(verify(&w, PACKET, pkt, sizeof pkt - 1, 130, &proof, LCP_ERR_ETH_MPT), LCP_ERR_ETH_MPT);
    proof.data[proof.len - 3] ^= 1;

    /* a FinalizedHeaderMisbehaviour freezes both sides */
    ethc_update_opts fh[2] = {{130, 12 * P + 16, 12 * P + 24, 140, 0, 0, 0, 0, 0},
                              {130, 12 * P + 16, 12 * P + 24, 140, 0, 0, 1, 0, 0}};
    lcp_buf mb = {0};
    ethc_misbehaviour(&mb, w.chain, 1, CID, &fh[0], &fh[1]);
    Lcp__Enclave__V1__EcallResponse *r = enclave_update(&w, &mb, ETHC_T_MISB_FH, 0, LCP_OK);
    lcp_lc_update_result res;
    assert_int_equal(e2efix_lc_update(&w.c, w.addr, r->commitment->message.data, r->commitment->message.len,
                                      r->commitment->signature.data, r->commitment->signature.len, (int64_t)NOW, &res),
                     LCP_OK);
    assert_int_equal(res.misbehaviour, 1);
    lcp__enclave__v1__ecall_response__free_unpacked(r, NULL);
    ethc_update_opts u4 = {130, 12 * P + 16, 12 * P + 40, 150, 0, 0, 0, 0, 0};
    ethc_header(&hdr, w.chain, &u4);
    r = enclave_update(&w, &hdr, ETHC_T_HEADER, 0, LCP_ERR_ELC_FROZEN);
    if (r) lcp__enclave__v1__ecall_response__free_unpacked(r, NULL);
    assert_int_equal(verify(&w, PACKET, pkt, sizeof pkt - 1, 130, &proof, LCP_ERR_ELC_FROZEN), LCP_ERR_ELC_FROZEN);
    lcp_buf_free(&hdr);
    lcp_buf_free(&mb);
    lcp_buf_free(&proof);
    lcp_buf_free(&absent);
    close_world(&w);
}

/* A mainnet-preset client: 512-key committees, an update across a period boundary; the enclave's peak RSS. */
static void test_mainnet_preset(void **state)
{
    (void)state;
    world w;
    open_world(&w, "mainnet", 0);
    uint64_t P = w.period, s0 = 10 * P + 10;
    create(&w, s0, 100);
    pid_t pid = lcp_host_enclave_pid(lcp_host_enclave_handle(w.h));
    long before = e2efix_proc_status(pid, "VmHWM");
    ethc_update_opts u1 = {100, s0, s0 + 64, 110, 0, 0, 0, 0, 0};
    update(&w, &u1, 1);
    long after1 = e2efix_proc_status(pid, "VmHWM");
    ethc_update_opts u2 = {110, s0 + 64, 11 * P + 64, 120, 1, 0, 0, 0, 0};
    update(&w, &u2, 0);
    long after2 = e2efix_proc_status(pid, "VmHWM");
    print_message("enclave process VmHWM: %ld kB before, %ld kB after a 512-key update, %ld kB after a rotation\n",
                  before, after1, after2);
    assert_true(after2 > 0);
    close_world(&w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ethereum_through_enclave),
        cmocka_unit_test(test_mainnet_preset),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
