/* The Tendermint light client end to end through the enclave process (sandboxed lcp-enclave on a simulated
 * platform): a client created from a generated chain of 150 validators, updated across adjacent and skipping
 * headers and a validator-set change, a membership and a non-membership proven with generated ICS-23 proofs, and
 * every commitment accepted by the LCP client that registered the enclave's attested key. Also: a header trusting
 * a height the LCP client never saw is signed by the enclave but refused by the LCP client (prev_state_id), an
 * invalid header is refused by the enclave, misbehaviour freezes both, and the commit signatures were checked by
 * worker threads inside the sandbox. Prints the enclave process's peak RSS (VmHWM) after a 150-validator update.
 * The host store rule (lcp/elc.h) against a host that rewrites what it stores: unfreezing a frozen client gets a
 * signed update the frozen LCP client refuses; and on a chain whose "ibc" store is a 4-leaf sparse Merkle tree, the
 * membership of a key is proven while the absence of that same key at the same height is refused by the enclave,
 * also after the host strips prehash_key_before_comparison from the stored specs, and a raised latest height with
 * a forged consensus state gets a membership the LCP client refuses. */
#include "e2efix.h"
#include "hostfix.h"
#include "lcfix.h"
#include "pbedit.h"
#include "tmchain.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lcp/attestation_ias_sim.h"
#include "lcp/codec_pb.h"
#include "lcp/crypto.h"
#include "lcp/enclave.h"
#include "lcp/host.h"
#include "host/host_frames.h"
#include "lcp/tee_sim.h"

#define NOW 1800000000ull /* inside the simulation signing certificate's validity */
#define T0 ((int64_t)NOW - 900)
#define NVALS 150

static hostfix fx;

static int setup(void **state)
{
    (void)state;
    hostfix_setup(&fx, "tme2e");
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
    tmc_chain *chain;
} world;

static Lcp__Enclave__V1__EcallResponse *ecall(world *w, Lcp__Enclave__V1__EcallRequest *req, int write, int expect)
{
    return e2efix_ecall(w->h, w->addr, req, NOW, write, expect);
}

/* An attested enclave key, registered with a fresh LCP client "lcp-0" that expects this enclave's MRENCLAVE. */
static void open_world(world *w, const char *name)
{
    memset(w, 0, sizeof *w);
    char err[LCP_ERR_LEN] = "", dir[PATH_MAX + 32];
    snprintf(dir, sizeof dir, "%s-%s", fx.home, name);
    lcp_host_options o = {dir, fx.platform, fx.enclave_bin, "sim"};
    if (lcp_host_open(&w->h, &o, err) != LCP_OK) fail_msg("host: %s", err);
    if (lcp_host_generate_key(w->h, w->addr, NULL, err) != LCP_OK) fail_msg("generate-key: %s", err);
    e2efix_register(w->h, w->addr, &w->c, (int64_t)NOW);
}

static void close_world(world *w)
{
    lcfix_close(&w->c);
    lcp_host_close(w->h);
    tmc_chain_free(w->chain);
}

/* Submits a signed UpdateState / Misbehaviour commitment to the LCP client. */
static int lc_update(world *w, const Lcp__Enclave__V1__CommitmentProof *p, lcp_lc_update_result *res)
{
    return e2efix_lc_update(&w->c, w->addr, p->message.data, p->message.len, p->signature.data, p->signature.len,
                            (int64_t)NOW, res);
}

/* UpdateClient in the enclave with a header for block h trusting th; returns the response (free it). */
static Lcp__Enclave__V1__EcallResponse *enclave_update(world *w, const lcp_buf *msg, const char *type_url, int include,
                                                       int expect)
{
    Lcp__Enclave__V1__EcallRequest req = LCP__ENCLAVE__V1__ECALL_REQUEST__INIT;
    Lcp__Enclave__V1__UpdateClient uc = LCP__ENCLAVE__V1__UPDATE_CLIENT__INIT;
    Lcp__Enclave__V1__Any a;
    e2efix_set_any(&a, type_url, msg);
    uc.client_id = "07-tendermint-0";
    uc.header = &a;
    uc.include_state = include;
    uc.signer.data = w->addr;
    uc.signer.len = 20;
    req.command_case = LCP__ENCLAVE__V1__ECALL_REQUEST__COMMAND_UPDATE_CLIENT;
    req.update_client = &uc;
    return ecall(w, &req, 1, expect);
}

/* Header h <- th through the enclave, then the LCP client; expect_lc is the LCP client's verdict. */
static void update(world *w, int64_t h, int64_t th, int include, int expect_lc)
{
    lcp_buf hdr = {0};
    tmc_ibc_header(&hdr, w->chain, h, th, NULL);
    Lcp__Enclave__V1__EcallResponse *r = enclave_update(w, &hdr, TMC_T_HEADER, include, LCP_OK);
    lcp_lc_update_result res;
    int rc = lc_update(w, r->commitment, &res);
    if (rc != expect_lc) fail_msg("LCP client on %lld<-%lld: expected %s, got %s", (long long)h, (long long)th,
                                  lcp_errname(expect_lc), lcp_errname(rc));
    if (rc == LCP_OK) assert_int_equal(res.height.revision_height, (uint64_t)h);
    lcp__enclave__v1__ecall_response__free_unpacked(r, NULL);
    lcp_buf_free(&hdr);
}

/* InitClient from block 1 with client parameters p (NULL: the defaults): unsigned, as LCP. */
static void create_with(world *w, const tmc_client_params *p)
{
    lcp_buf cs = {0}, cons = {0};
    tmc_client_state(&cs, w->chain, 1, p);
    tmc_consensus_state(&cons, w->chain, 1);
    Lcp__Enclave__V1__EcallRequest req = LCP__ENCLAVE__V1__ECALL_REQUEST__INIT;
    Lcp__Enclave__V1__InitClient ic = LCP__ENCLAVE__V1__INIT_CLIENT__INIT;
    Lcp__Enclave__V1__Any a1, a2;
    e2efix_set_any(&a1, TMC_T_CS, &cs);
    e2efix_set_any(&a2, TMC_T_CONS, &cons);
    ic.client_id = "";
    ic.client_state = &a1;
    ic.consensus_state = &a2;
    ic.signer.data = w->addr;
    ic.signer.len = 20;
    req.command_case = LCP__ENCLAVE__V1__ECALL_REQUEST__COMMAND_INIT_CLIENT;
    req.init_client = &ic;
    Lcp__Enclave__V1__EcallResponse *r = ecall(w, &req, 1, LCP_OK);
    assert_string_equal(r->init_client->client_id, "07-tendermint-0");
    assert_int_equal(r->init_client->proof->signature.len, 0);
    lcp__enclave__v1__ecall_response__free_unpacked(r, NULL);

    lcp_buf_free(&cs);
    lcp_buf_free(&cons);
}

static void create(world *w) { create_with(w, NULL); }

/* The host lies: rewrites one field of the client state it stores for the enclave (pbedit op at path). */
static void host_rewrite_client_state(world *w, const pbedit_step *path, size_t depth, int op, uint64_t v)
{
    static const char key[] = "clients/07-tendermint-0/clientState";
    char err[LCP_ERR_LEN] = "";
    lcp_store_txn *t;
    lcp_bytes val;
    int found;
    assert_int_equal(lcp_store_begin(lcp_host_store(w->h), &t, 1, err), LCP_OK);
    assert_int_equal(lcp_store_get(t, LCP_STORE_DB_ELC, key, strlen(key), &val, &found, err), LCP_OK);
    assert_true(found);
    lcp_pb_any any;
    assert_int_equal(lcp_pb_decode_any(&any, val.ptr, val.len, NULL), LCP_OK);
    lcp_buf cs = {0}, out = {0};
    assert_int_equal(pbedit(&cs, any.value.ptr, any.value.len, path, depth, op, v), LCP_OK);
    assert_int_equal(lcp_elc_put_any(&out, TMC_T_CS, cs.data, cs.len), LCP_OK);
    assert_int_equal(lcp_store_put(t, LCP_STORE_DB_ELC, key, strlen(key), out.data, out.len, err), LCP_OK);
    assert_int_equal(lcp_store_commit(t, err), LCP_OK);
    lcp_buf_free(&cs);
    lcp_buf_free(&out);
}

static void host_put(world *w, const char *key, const uint8_t *value, size_t len)
{
    char err[LCP_ERR_LEN] = "";
    lcp_store_txn *t;
    assert_int_equal(lcp_store_begin(lcp_host_store(w->h), &t, 1, err), LCP_OK);
    assert_int_equal(lcp_store_put(t, LCP_STORE_DB_ELC, key, strlen(key), value, len, err), LCP_OK);
    assert_int_equal(lcp_store_commit(t, err), LCP_OK);
}

/* VerifyMembership (value != NULL) or VerifyNonMembership of prefix "ibc" / path at height h in the enclave. */
static Lcp__Enclave__V1__EcallResponse *enclave_verify(world *w, const char *path, const tmc_kv *value, uint64_t h,
                                                       const lcp_buf *proof, int expect)
{
    Lcp__Enclave__V1__EcallRequest vr = LCP__ENCLAVE__V1__ECALL_REQUEST__INIT;
    Lcp__Enclave__V1__VerifyMembership vm = LCP__ENCLAVE__V1__VERIFY_MEMBERSHIP__INIT;
    Lcp__Enclave__V1__VerifyNonMembership vn = LCP__ENCLAVE__V1__VERIFY_NON_MEMBERSHIP__INIT;
    Lcp__Enclave__V1__Height ph = LCP__ENCLAVE__V1__HEIGHT__INIT;
    ph.revision_number = 1;
    ph.revision_height = h;
    if (value) {
        vm.client_id = "07-tendermint-0";
        vm.prefix.data = (uint8_t *)"ibc";
        vm.prefix.len = 3;
        vm.path = (char *)path;
        vm.value.data = (uint8_t *)value->value;
        vm.value.len = value->value_len;
        vm.proof_height = &ph;
        vm.proof.data = proof->data;
        vm.proof.len = proof->len;
        vm.signer.data = w->addr;
        vm.signer.len = 20;
        vr.command_case = LCP__ENCLAVE__V1__ECALL_REQUEST__COMMAND_VERIFY_MEMBERSHIP;
        vr.verify_membership = &vm;
    } else {
        vn.client_id = "07-tendermint-0";
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
    return ecall(w, &vr, 0, expect);
}

/* The LCP client's verdict on a commitment r: the membership of value (NULL: the absence of path) at height h. */
static int lc_verify(world *w, const Lcp__Enclave__V1__EcallResponse *r, const char *path, const tmc_kv *value,
                     uint64_t h)
{
    lcp_height lh = {1, h};
    return e2efix_lc_verify(&w->c, &lh, path, value ? value->value : NULL, value ? value->value_len : 0,
                            r->commitment->message.data, r->commitment->message.len, r->commitment->signature.data,
                            r->commitment->signature.len, (int64_t)NOW);
}

static const tmc_kv KVS[] = {
    {"channelEnds/ports/transfer/channels/channel-0", (const uint8_t *)"\x08\x03\x10\x01", 4},
    {"clients/07-tendermint-0/clientState", (const uint8_t *)"a client state", 14},
    {"commitments/ports/transfer/channels/channel-0/sequences/1", (const uint8_t *)"packet commitment", 17},
};

static void test_tendermint_through_enclave(void **state)
{
    (void)state;
    world w;
    open_world(&w, "main");
    tmc_valset *vs = lcp_malloc(sizeof *vs);
    assert_non_null(vs);
    tmc_valset_make(vs, 42, 0, NVALS, NULL, 100);
    w.chain = tmc_chain_new("e2e-chain-1", vs, T0);
    for (int i = 0; i < 9; i++) tmc_chain_push(w.chain, NULL, NULL); /* 2-10 */
    uint8_t app[32];
    tmc_state_app_hash(app, KVS, 3);
    tmc_chain_push(w.chain, NULL, app); /* 11: the state to prove */
    tmc_valset_make(vs, 42, 40, NVALS, NULL, 100); /* 110 of 150 kept */
    tmc_chain_push(w.chain, vs, NULL);             /* 12 names it next */
    for (int i = 0; i < 8; i++) tmc_chain_push(w.chain, NULL, NULL); /* 13-20 */
    lcp_free(vs);

    create(&w);

    pid_t pid = lcp_host_enclave_pid(lcp_host_enclave_handle(w.h));
    long hwm_before = e2efix_proc_status(pid, "VmHWM");
    /* the first update carries the client state (the LCP client starts from emitted states) */
    update(&w, 2, 1, 1, LCP_OK);
    long hwm_after = e2efix_proc_status(pid, "VmHWM"), threads = e2efix_proc_status(pid, "Threads");
    print_message("enclave process after a %d-validator update: VmHWM %ld kB (before %ld kB), %ld threads\n", NVALS,
                  hwm_after, hwm_before, threads);
#ifndef __SANITIZE_ADDRESS__
    /* the pool ran inside the sandbox: the enclave keeps its workers (one fewer than the CPUs). The sanitizer build
     * of the enclave verifies sequentially (tm_parallel.c: ASan's thread start needs a syscall the filter refuses). */
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    if (cpus > 1) assert_true(threads >= (cpus < 64 ? cpus : 64));
#else
    assert_true(threads >= 1);
#endif
    assert_true(hwm_after > 0 && hwm_after < 64 * 1024);
    update(&w, 3, 2, 0, LCP_OK);   /* adjacent */
    update(&w, 11, 3, 0, LCP_OK);  /* skipping */
    update(&w, 12, 11, 0, LCP_OK); /* names the new set */
    update(&w, 16, 12, 0, LCP_OK); /* skipping into the new set: 110 of 150 trusted validators signed */
    update(&w, 17, 16, 1, LCP_OK);
    /* signed by the enclave (it verifies against its own stored state at 1), refused by the LCP client, which never
     * saw height 1: the prev_state_id check that makes a lying host harmless */
    update(&w, 18, 1, 0, LCP_ERR_LC_UPDATE_STATE_UNEXPECTED_PREV_STATE_ID);

    /* an invalid header is refused by the enclave: a forged signature among the first validators */
    lcp_buf hdr = {0};
    Lcp__Enclave__V1__EcallResponse *r;
    tmc_sign_opts forged = {NULL, 3, NULL, 0, NULL};
    tmc_ibc_header(&hdr, w.chain, 19, 17, &forged);
    r = enclave_update(&w, &hdr, TMC_T_HEADER, 0, LCP_ERR_TM_SIGNATURE);
    lcp__enclave__v1__ecall_response__free_unpacked(r, NULL);
    lcp_buf_free(&hdr);

    /* membership and non-membership at height 11, accepted by the LCP client */
    for (int member = 1; member >= 0; member--) {
        const char *path = member ? KVS[1].key : "clients/07-tendermint-9/clientState";
        const tmc_kv *value = member ? &KVS[1] : NULL;
        lcp_buf proof = {0};
        tmc_state_proof(&proof, KVS, 3, path, member);
        r = enclave_verify(&w, path, value, 11, &proof, LCP_OK);
        int rc = lc_verify(&w, r, path, value, 11);
        if (rc != LCP_OK) fail_msg("LCP client, %smembership: %s", member ? "" : "non-", lcp_errname(rc));
        /* the LCP client holds the value to its hash, and the enclave the proof to its value: another is refused */
        tmc_kv other = {path, (const uint8_t *)"x", 1};
        if (member) assert_int_not_equal(lc_verify(&w, r, path, &other, 11), LCP_OK);
        lcp__enclave__v1__ecall_response__free_unpacked(r, NULL);
        if (member) {
            r = enclave_verify(&w, path, &other, 11, &proof, LCP_ERR_ICS23_VERIFY);
            lcp__enclave__v1__ecall_response__free_unpacked(r, NULL);
        }
        lcp_buf_free(&proof);
    }

    /* misbehaviour: two headers at height 19 (a fork) freeze the enclave's client and the LCP client */
    uint8_t other[32];
    memset(other, 0x5a, sizeof other);
    tmc_sign_opts fork = {NULL, 0, other, 0, NULL};
    lcp_buf h1 = {0}, h2 = {0}, mb = {0};
    tmc_ibc_header(&h1, w.chain, 19, 17, NULL);
    tmc_ibc_header(&h2, w.chain, 19, 16, &fork);
    tmc_misbehaviour(&mb, "07-tendermint-0", &h1, &h2);
    r = enclave_update(&w, &mb, TMC_T_MISB, 0, LCP_OK);
    lcp_lc_update_result res;
    assert_int_equal(lc_update(&w, r->commitment, &res), LCP_OK);
    assert_int_equal(res.misbehaviour, 1);
    lcp__enclave__v1__ecall_response__free_unpacked(r, NULL);
    lcp_buf_free(&hdr);
    tmc_ibc_header(&hdr, w.chain, 20, 17, NULL);
    r = enclave_update(&w, &hdr, TMC_T_HEADER, 0, LCP_ERR_ELC_FROZEN);
    lcp__enclave__v1__ecall_response__free_unpacked(r, NULL);
    /* The host unfreezes its stored client (frozen_height is not in LCP's canonical state id): the enclave signs
     * again, and the LCP client, frozen by the Misbehaviour commitment itself, refuses what it signs. */
    pbedit_step frozen = {6, 0};
    host_rewrite_client_state(&w, &frozen, 1, PBEDIT_STRIP, 0);
    r = enclave_update(&w, &hdr, TMC_T_HEADER, 0, LCP_OK);
    assert_int_equal(r->commitment->signature.len, 65);
    assert_int_equal(lc_update(&w, r->commitment, NULL), LCP_ERR_LC_CLIENT_STATE_FROZEN);
    lcp__enclave__v1__ecall_response__free_unpacked(r, NULL);

    lcp_buf_free(&hdr);
    lcp_buf_free(&h1);
    lcp_buf_free(&h2);
    lcp_buf_free(&mb);
    close_world(&w);
}

#define SMT_KVS tmc_smt_packets

/* Issue 10 item 1: membership and non-membership of one key at one height are never both signed. */
static void test_smt_membership_and_absence(void **state)
{
    (void)state;
    world w;
    open_world(&w, "smt");
    tmc_valset *vs = lcp_malloc(sizeof *vs);
    assert_non_null(vs);
    tmc_valset_make(vs, 45, 0, 4, NULL, 100);
    w.chain = tmc_chain_new("smt-chain-1", vs, T0);
    lcp_free(vs);
    uint8_t app[32];
    tmc_smt_app_hash(app, SMT_KVS, 4);
    tmc_chain_push(w.chain, NULL, app); /* 2: its app hash commits to the SMT */
    lcp_buf specs[2] = {{0}, {0}};
    tmc_proof_spec(&specs[0], TMC_SPEC_SMT);
    tmc_proof_spec(&specs[1], TMC_SPEC_TENDERMINT);
    tmc_client_params p = {1, 3, 14 * 86400, 21 * 86400, 10, specs, 2};
    create_with(&w, &p);
    update(&w, 2, 1, 1, LCP_OK); /* the stored client state is now the enclave's re-encoding */

    const tmc_kv *key = tmc_smt_at(SMT_KVS, 4, 3); /* right-most in hashed order, sequence 2 */
    assert_ptr_equal(key, &SMT_KVS[1]);
    lcp_buf ep = {0}, right = {0}, ne = {0}, member = {0}, absent = {0};
    tmc_smt_exist(&ep, SMT_KVS, 4, 3);
    tmc_smt_merkle_proof(&member, SMT_KVS, 4, 1, &ep);
    /* its forged absence: the left-most leaf (sequence 4) as right neighbour, "above" it as raw bytes */
    tmc_smt_exist(&right, SMT_KVS, 4, 0);
    assert_true(strcmp(key->key, tmc_smt_at(SMT_KVS, 4, 0)->key) < 0);
    lcp_pb_writer pw;
    assert_int_equal(lcp_buf_reserve(&ne, right.len + strlen(key->key) + 16), LCP_OK);
    lcp_pb_writer_init(&pw, ne.data, ne.cap);
    lcp_pb_put_bytes(&pw, 1, key->key, strlen(key->key));
    lcp_pb_put_message(&pw, 3, right.data, right.len);
    ne.len = pw.len;
    tmc_smt_merkle_proof(&absent, SMT_KVS, 4, 2, &ne);

    /* membership at 2: signed, and accepted by the LCP client */
    Lcp__Enclave__V1__EcallResponse *r = enclave_verify(&w, key->key, key, 2, &member, LCP_OK);
    assert_int_equal(lc_verify(&w, r, key->key, key, 2), LCP_OK);
    lcp__enclave__v1__ecall_response__free_unpacked(r, NULL);
    /* absence of the same key at the same height: refused by the enclave */
    r = enclave_verify(&w, key->key, NULL, 2, &absent, LCP_ERR_ICS23_UNSUPPORTED);
    lcp__enclave__v1__ecall_response__free_unpacked(r, NULL);
    /* still refused when the host strips prehash_key_before_comparison from the stored SMT spec */
    pbedit_step field5[2] = {{8, 0}, {5, 0}};
    host_rewrite_client_state(&w, field5, 2, PBEDIT_STRIP, 0);
    r = enclave_verify(&w, key->key, NULL, 2, &absent, LCP_ERR_ICS23_UNSUPPORTED);
    lcp__enclave__v1__ecall_response__free_unpacked(r, NULL);
    /* and the membership the enclave signs over that store names a state the LCP client does not hold */
    r = enclave_verify(&w, key->key, key, 2, &member, LCP_OK);
    assert_int_equal(lc_verify(&w, r, key->key, key, 2), LCP_ERR_LC_MEMBERSHIP_INVALID_STATE_ID);
    lcp__enclave__v1__ecall_response__free_unpacked(r, NULL);
    host_rewrite_client_state(&w, field5, 2, PBEDIT_ADD_VARINT, 1);
    r = enclave_verify(&w, key->key, key, 2, &member, LCP_OK);
    assert_int_equal(lc_verify(&w, r, key->key, key, 2), LCP_OK);
    lcp__enclave__v1__ecall_response__free_unpacked(r, NULL);

    /* The host raises the latest height (not in the canonical state id) and stores a consensus state of its own at
     * 9 whose root commits to another value: the enclave signs that membership, the LCP client, which never
     * accepted a state at 9, refuses it. */
    tmc_kv forged[4];
    memcpy(forged, SMT_KVS, sizeof forged);
    forged[1].value = (const uint8_t *)"forged commit";
    forged[1].value_len = 13;
    uint8_t forged_app[32];
    tmc_smt_app_hash(forged_app, forged, 4);
    pbedit_step latest[2] = {{7, 0}, {2, 0}};
    host_rewrite_client_state(&w, latest, 2, PBEDIT_SET_VARINT, 9);
    lcp_buf cons = {0}, root = {0}, cons_any = {0}, forged_member = {0};
    assert_int_equal(lcp_buf_reserve(&root, 64), LCP_OK);
    lcp_pb_writer_init(&pw, root.data, root.cap);
    lcp_pb_put_bytes(&pw, 1, forged_app, 32);
    root.len = pw.len;
    tmc_consensus_state(&cons, w.chain, 2); /* block 2's time and validators, another root */
    lcp_buf c2 = {0};
    pbedit_step root_step = {2, 0};
    assert_int_equal(pbedit(&c2, cons.data, cons.len, &root_step, 1, PBEDIT_STRIP, 0), LCP_OK);
    assert_int_equal(lcp_buf_reserve(&c2, root.len + 8), LCP_OK);
    lcp_pb_writer_init(&pw, c2.data + c2.len, c2.cap - c2.len);
    lcp_pb_put_message(&pw, 2, root.data, root.len);
    c2.len += pw.len;
    assert_int_equal(lcp_elc_put_any(&cons_any, TMC_T_CONS, c2.data, c2.len), LCP_OK);
    host_put(&w, "clients/07-tendermint-0/consensusStates/1-9", cons_any.data, cons_any.len);
    lcp_buf_free(&ep);
    tmc_smt_exist(&ep, forged, 4, 3);
    tmc_smt_merkle_proof(&forged_member, forged, 4, 1, &ep);
    r = enclave_verify(&w, key->key, &forged[1], 9, &forged_member, LCP_OK);
    assert_int_equal(lc_verify(&w, r, key->key, &forged[1], 9), LCP_ERR_LC_CONSENSUS_STATE_NOT_FOUND);
    lcp__enclave__v1__ecall_response__free_unpacked(r, NULL);

    for (int i = 0; i < 2; i++) lcp_buf_free(&specs[i]);
    lcp_buf_free(&ep);
    lcp_buf_free(&right);
    lcp_buf_free(&ne);
    lcp_buf_free(&member);
    lcp_buf_free(&absent);
    lcp_buf_free(&cons);
    lcp_buf_free(&root);
    lcp_buf_free(&c2);
    lcp_buf_free(&cons_any);
    lcp_buf_free(&forged_member);
    close_world(&w);
}

/* LCP_VERIFY_THREADS in the host's environment sets the enclave process's thread count. */
static void test_thread_count_from_environment(void **state)
{
    (void)state;
    setenv("LCP_VERIFY_THREADS", "1", 1);
    world w;
    open_world(&w, "env"); /* the enclave process starts here, with the variable in its environment */
    unsetenv("LCP_VERIFY_THREADS");
    tmc_valset *vs = lcp_malloc(sizeof *vs);
    assert_non_null(vs);
    tmc_valset_make(vs, 43, 0, NVALS, NULL, 100);
    w.chain = tmc_chain_new("e2e-chain-1", vs, T0);
    lcp_free(vs);
    tmc_chain_push(w.chain, NULL, NULL);
    create(&w);
    update(&w, 2, 1, 1, LCP_OK);
    assert_int_equal(e2efix_proc_status(lcp_host_enclave_pid(lcp_host_enclave_handle(w.h)), "Threads"), 1);
    close_world(&w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tendermint_through_enclave),
        cmocka_unit_test(test_thread_count_from_environment),
        cmocka_unit_test(test_smt_membership_and_absence),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
