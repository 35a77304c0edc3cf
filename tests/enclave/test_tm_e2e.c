/* The Tendermint light client end to end through the enclave process (sandboxed lcp-enclave on a simulated
 * platform): a client created from a generated chain of 150 validators, updated across adjacent and skipping
 * headers and a validator-set change, a membership and a non-membership proven with generated ICS-23 proofs, and
 * every commitment accepted by the LCP client that registered the enclave's attested key. Also: a header trusting
 * a height the LCP client never saw is signed by the enclave but refused by the LCP client (prev_state_id), an
 * invalid header is refused by the enclave, misbehaviour freezes both, and the commit signatures were checked by
 * worker threads inside the sandbox. Prints the enclave process's peak RSS (VmHWM) after a 150-validator update. */
#include "hostfix.h"
#include "lcfix.h"
#include "tmchain.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lcp/attestation_ias_sim.h"
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
    Lcp__Enclave__V1__EcallResponse *resp = NULL;
    char err[LCP_ERR_LEN] = "";
    req->current_time_ns = NOW * 1000000000ull;
    int rc = lcp_host_run_frame(w->h, req, w->addr, write, &resp, err);
    if (rc != expect) fail_msg("expected %s, got %s: %s", lcp_errname(expect), lcp_errname(rc), err);
    return resp;
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
    lcp_store_txn *t;
    lcp_keystore_entry k;
    assert_int_equal(lcp_store_begin(lcp_host_store(w->h), &t, 1, err), LCP_OK);
    assert_int_equal(lcp_keystore_get(t, &k, w->addr, err), LCP_OK);
    lcp_ias_sim_params p;
    memset(&p, 0, sizeof p);
    assert_int_equal(lcp_sgx_report_body_parse(&p.body, k.report.ptr, 384, err), LCP_OK);
    p.status = "OK";
    p.timestamp = (int64_t)NOW - 60;
    size_t kl, cert_len;
    uint8_t *key = tu_read("lcp/lcp/tests/certs/signing.key", &kl);
    lcp_buf avr = {0}, sig = {0};
    assert_int_equal(lcp_ias_sim_report(&avr, &sig, &p, key, kl, err), LCP_OK);
    lcp_free(key);
    assert_int_equal(lcp_keystore_record_attestation(t, w->addr, LCP_RA_TYPE_IAS, avr.data, avr.len, NOW - 60,
                                                     NOW - 60 + 30 * 86400, err),
                     LCP_OK);
    assert_int_equal(lcp_store_commit(t, err), LCP_OK);

    lcp_host_enclave_identity info;
    assert_int_equal(lcp_host_enclave_info(w->h, &info, err), LCP_OK);
    uint8_t mrenclave[32];
    memcpy(mrenclave, info.mrenclave, 32);
    lcfix_open(&w->c, "02"); /* the simulation IAS root */
    lcp_lc_client_state cs;
    memset(&cs, 0, sizeof cs);
    cs.mrenclave = (lcp_bytes){mrenclave, 32};
    cs.key_expiration = 3600;
    uint8_t csb[256], msg[8192];
    size_t n;
    assert_int_equal(lcp_lc_client_state_encode(csb, sizeof csb, &n, &cs), LCP_OK);
    assert_int_equal(lcp_lc_create_client(w->c.lc, "lcp-0", csb, n, NULL, 0, err), LCP_OK);
    uint8_t *cert = tu_read("lcp/lcp-solidity/certs/simulation_signing.der", &cert_len);
    assert_int_equal(lcp_lc_encode_register_enclave_key(msg, sizeof msg, &n, avr.data, avr.len, sig.data, sig.len, cert,
                                                        cert_len, NULL, 0),
                     LCP_OK);
    if (lcp_lc_register_enclave_key(w->c.lc, NULL, NULL, "lcp-0", msg, n, (int64_t)NOW, err) != LCP_OK)
        fail_msg("register: %s", err);
    lcp_free(cert);
    lcp_buf_free(&avr);
    lcp_buf_free(&sig);
}

static void close_world(world *w)
{
    lcfix_close(&w->c);
    lcp_host_close(w->h);
    tmc_chain_free(w->chain);
}

static void set_any(Lcp__Enclave__V1__Any *a, const char *type_url, const lcp_buf *v)
{
    lcp__enclave__v1__any__init(a);
    a->type_url = (char *)type_url;
    a->value.data = v->data;
    a->value.len = v->len;
}

/* Submits a signed UpdateState / Misbehaviour commitment to the LCP client. */
static int lc_update(world *w, const Lcp__Enclave__V1__CommitmentProof *p, lcp_lc_update_result *res)
{
    uint8_t who[20];
    assert_int_equal(lcp_commitment_recover_signer(who, p->message.data, p->message.len, p->signature.data,
                                                   p->signature.len, NULL),
                     LCP_OK);
    assert_memory_equal(who, w->addr, 20);
    lcp_bytes s = {p->signature.data, p->signature.len};
    size_t len;
    uint8_t *um = lcfix_update_msg(p->message.data, p->message.len, &s, 1, &len);
    char err[LCP_ERR_LEN] = "";
    lcp_lc_update_result r;
    int rc = lcp_lc_update_client(w->c.lc, res ? res : &r, "lcp-0", um, len, (int64_t)NOW, err);
    lcp_free(um);
    return rc;
}

/* UpdateClient in the enclave with a header for block h trusting th; returns the response (free it). */
static Lcp__Enclave__V1__EcallResponse *enclave_update(world *w, const lcp_buf *msg, const char *type_url, int include,
                                                       int expect)
{
    Lcp__Enclave__V1__EcallRequest req = LCP__ENCLAVE__V1__ECALL_REQUEST__INIT;
    Lcp__Enclave__V1__UpdateClient uc = LCP__ENCLAVE__V1__UPDATE_CLIENT__INIT;
    Lcp__Enclave__V1__Any a;
    set_any(&a, type_url, msg);
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

/* InitClient from block 1: unsigned, as LCP. */
static void create(world *w)
{
    lcp_buf cs = {0}, cons = {0};
    tmc_client_state(&cs, w->chain, 1, NULL);
    tmc_consensus_state(&cons, w->chain, 1);
    Lcp__Enclave__V1__EcallRequest req = LCP__ENCLAVE__V1__ECALL_REQUEST__INIT;
    Lcp__Enclave__V1__InitClient ic = LCP__ENCLAVE__V1__INIT_CLIENT__INIT;
    Lcp__Enclave__V1__Any a1, a2;
    set_any(&a1, TMC_T_CS, &cs);
    set_any(&a2, TMC_T_CONS, &cons);
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

static long proc_status(pid_t pid, const char *field)
{
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    FILE *f = fopen(path, "r");
    if (f == NULL) return -1;
    long v = -1;
    size_t fl = strlen(field);
    while (fgets(line, sizeof line, f))
        if (strncmp(line, field, fl) == 0 && line[fl] == ':') v = strtol(line + fl + 1, NULL, 10);
    fclose(f);
    return v;
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
    char err[LCP_ERR_LEN] = "";
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
    long hwm_before = proc_status(pid, "VmHWM");
    /* the first update carries the client state (the LCP client starts from emitted states) */
    update(&w, 2, 1, 1, LCP_OK);
    long hwm_after = proc_status(pid, "VmHWM"), threads = proc_status(pid, "Threads");
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
    lcp_height h11 = {1, 11};
    for (int member = 1; member >= 0; member--) {
        const char *path = member ? KVS[1].key : "clients/07-tendermint-9/clientState";
        lcp_buf proof = {0};
        tmc_state_proof(&proof, KVS, 3, path, member);
        Lcp__Enclave__V1__EcallRequest vr = LCP__ENCLAVE__V1__ECALL_REQUEST__INIT;
        Lcp__Enclave__V1__VerifyMembership vm = LCP__ENCLAVE__V1__VERIFY_MEMBERSHIP__INIT;
        Lcp__Enclave__V1__VerifyNonMembership vn = LCP__ENCLAVE__V1__VERIFY_NON_MEMBERSHIP__INIT;
        Lcp__Enclave__V1__Height ph = LCP__ENCLAVE__V1__HEIGHT__INIT;
        ph.revision_number = 1;
        ph.revision_height = 11;
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
            vr.command_case = LCP__ENCLAVE__V1__ECALL_REQUEST__COMMAND_VERIFY_MEMBERSHIP;
            vr.verify_membership = &vm;
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
            vr.command_case = LCP__ENCLAVE__V1__ECALL_REQUEST__COMMAND_VERIFY_NON_MEMBERSHIP;
            vr.verify_non_membership = &vn;
        }
        r = ecall(&w, &vr, 0, LCP_OK);
        lcp_bytes s = {r->commitment->signature.data, r->commitment->signature.len};
        size_t n;
        uint8_t *p = lcfix_proofs(r->commitment->message.data, r->commitment->message.len, &s, 1, &n);
        int rc = member ? lcp_lc_verify_membership(w.c.lc, "lcp-0", &h11, (const uint8_t *)"ibc", 3,
                                                   (const uint8_t *)path, strlen(path), KVS[1].value,
                                                   KVS[1].value_len, p, n, (int64_t)NOW, err)
                        : lcp_lc_verify_non_membership(w.c.lc, "lcp-0", &h11, (const uint8_t *)"ibc", 3,
                                                       (const uint8_t *)path, strlen(path), p, n, (int64_t)NOW, err);
        if (rc != LCP_OK) fail_msg("LCP client, %smembership: %s", member ? "" : "non-", err);
        /* the LCP client holds the value to its hash: another value is refused */
        if (member)
            assert_int_not_equal(lcp_lc_verify_membership(w.c.lc, "lcp-0", &h11, (const uint8_t *)"ibc", 3,
                                                          (const uint8_t *)path, strlen(path), (const uint8_t *)"x", 1,
                                                          p, n, (int64_t)NOW, err),
                                 LCP_OK);
        lcp_free(p);
        lcp__enclave__v1__ecall_response__free_unpacked(r, NULL);
        /* the enclave refuses the same proof for another value */
        if (member) {
            vm.value.data = (uint8_t *)"x";
            vm.value.len = 1;
            r = ecall(&w, &vr, 0, LCP_ERR_ICS23_VERIFY);
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

    lcp_buf_free(&hdr);
    lcp_buf_free(&h1);
    lcp_buf_free(&h2);
    lcp_buf_free(&mb);
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
    assert_int_equal(proc_status(lcp_host_enclave_pid(lcp_host_enclave_handle(w.h)), "Threads"), 1);
    close_world(&w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tendermint_through_enclave),
        cmocka_unit_test(test_thread_count_from_environment),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
