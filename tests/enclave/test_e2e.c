/* End to end through the enclave process: a simulated platform, an enclave key generated and sealed inside
 * lcp-enclave, attested with a simulated IAS report, registered with the LCP client; then a mock light client
 * created, updated and verified through ECALLs, every commitment accepted by the LCP client - and refused after the
 * key's expiry and by a client expecting another MRENCLAVE. Also: the sandbox is really on, malformed and oversized
 * frames get error responses, and a killed enclave (or host) never leaves a half-written store. */
#include "hostfix.h"
#include "lcfix.h"
#include "mockops.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lcp/attestation_ias_sim.h"
#include "lcp/codec_pb.h"
#include "lcp/crypto.h"
#include "lcp/enclave.h"
#include "lcp/host.h"
#include "host/host_frames.h"
#include "lcp/tee_sim.h"

#define NOW 1800000000ull /* 2027-01-15: inside the simulation signing certificate's validity */

static hostfix fx;

static int setup(void **state)
{
    (void)state;
    hostfix_setup(&fx, "e2e");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return hostfix_teardown(&fx);
}

static lcp_host *open_host(void)
{
    lcp_host *h;
    char err[LCP_ERR_LEN] = "";
    /* The mock light client and the sandbox diagnostic exist only in the test enclave. */
    lcp_host_options o = {fx.home, fx.platform, fx.test_enclave_bin, "sim"};
    if (lcp_host_open(&h, &o, err) != LCP_OK) fail_msg("host: %s", err);
    return h;
}

/* Generates a key in the enclave and attests it with a simulated IAS report at time ts. Out: the signed report. */
static void new_attested_key(lcp_host *h, uint8_t addr[20], lcp_buf *avr, lcp_buf *sig, int64_t ts)
{
    char err[LCP_ERR_LEN] = "";
    if (lcp_host_generate_key(h, addr, NULL, err) != LCP_OK) fail_msg("generate-key: %s", err);
    lcp_store_txn *t;
    lcp_keystore_entry k;
    assert_int_equal(lcp_store_begin(lcp_host_store(h), &t, 1, err), LCP_OK);
    assert_int_equal(lcp_keystore_get(t, &k, addr, err), LCP_OK);
    assert_int_equal(k.sealed_key.len, 592); /* LCP's SEALED_DATA_32_SIZE */
    lcp_ias_sim_params p;
    memset(&p, 0, sizeof p);
    assert_int_equal(lcp_sgx_report_body_parse(&p.body, k.report.ptr, 384, err), LCP_OK);
    lcp_report_data rd;
    assert_int_equal(lcp_report_data_parse(&rd, p.body.report_data, err), LCP_OK);
    assert_memory_equal(rd.enclave_key, addr, 20);
    p.status = "OK";
    p.timestamp = ts;
    size_t kl;
    uint8_t *key = tu_read("lcp/lcp/tests/certs/signing.key", &kl);
    assert_int_equal(lcp_ias_sim_report(avr, sig, &p, key, kl, err), LCP_OK);
    lcp_free(key);
    assert_int_equal(lcp_keystore_record_attestation(t, addr, LCP_RA_TYPE_IAS, avr->data, avr->len, (uint64_t)ts,
                                                     (uint64_t)ts + 30 * 86400, err),
                     LCP_OK);
    assert_int_equal(lcp_store_commit(t, err), LCP_OK);
}

static Lcp__Enclave__V1__EcallResponse *ecall(lcp_host *h, Lcp__Enclave__V1__EcallRequest *req, const uint8_t *signer,
                                              int write, int expect)
{
    Lcp__Enclave__V1__EcallResponse *resp = NULL;
    char err[LCP_ERR_LEN] = "";
    req->current_time_ns = NOW * 1000000000ull;
    int rc = lcp_host_run_frame(h, req, signer, write, &resp, err);
    if (rc != expect) fail_msg("expected %s, got %s: %s", lcp_errname(expect), lcp_errname(rc), err);
    return resp;
}

static void mock_any(Lcp__Enclave__V1__Any *a, uint8_t *buf, const char *type, uint64_t height, uint64_t ts)
{
    /* {1: Header{1: Height{1: 0, 2: height}, 2: ts}} - or the bare Header for "/ibc.mock.Header". */
    lcp__enclave__v1__any__init(a);
    a->type_url = (char *)type;
    a->value.len = mockop_value(buf, height, ts, strcmp(type, "/ibc.mock.Header") != 0);
    a->value.data = buf;
}

typedef struct {
    lcfix_client c;
    lcp_host *h;
    uint8_t addr[20];
} world;

static void update(world *w, uint64_t height, int64_t lc_now, int expect_lc)
{
    Lcp__Enclave__V1__EcallRequest req = LCP__ENCLAVE__V1__ECALL_REQUEST__INIT;
    Lcp__Enclave__V1__UpdateClient uc = LCP__ENCLAVE__V1__UPDATE_CLIENT__INIT;
    Lcp__Enclave__V1__Any hdr;
    uint8_t hb[64];
    mock_any(&hdr, hb, "/ibc.mock.Header", height, NOW * 1000000000ull);
    uc.client_id = "mock-client-0";
    uc.header = &hdr;
    uc.signer.data = w->addr;
    uc.signer.len = 20;
    req.command_case = LCP__ENCLAVE__V1__ECALL_REQUEST__COMMAND_UPDATE_CLIENT;
    req.update_client = &uc;
    Lcp__Enclave__V1__EcallResponse *r = ecall(w->h, &req, w->addr, 1, LCP_OK);
    const Lcp__Enclave__V1__CommitmentProof *p = r->commitment;
    uint8_t who[20];
    assert_int_equal(lcp_commitment_recover_signer(who, p->message.data, p->message.len, p->signature.data,
                                                   p->signature.len, NULL), LCP_OK);
    assert_memory_equal(who, w->addr, 20);
    lcp_bytes s = {p->signature.data, p->signature.len};
    size_t len;
    uint8_t *um = lcfix_update_msg(p->message.data, p->message.len, &s, 1, &len);
    char err[LCP_ERR_LEN] = "";
    int rc = lcp_lc_update_client(w->c.lc, NULL, "lcp-0", um, len, lc_now, err);
    if (rc != expect_lc) fail_msg("LCP client: expected %s, got %s: %s", lcp_errname(expect_lc), lcp_errname(rc), err);
    lcp_free(um);
    lcp__enclave__v1__ecall_response__free_unpacked(r, NULL);
}

static void test_full_flow(void **state)
{
    (void)state;
    world w;
    w.h = open_host();
    lcp_buf avr = {0}, sig = {0};
    new_attested_key(w.h, w.addr, &avr, &sig, (int64_t)NOW - 60);
    /* The enclave's identity, to deploy the LCP client with. */
    lcp_host_enclave_identity info;
    char err[LCP_ERR_LEN] = "";
    assert_int_equal(lcp_host_enclave_info(w.h, &info, err), LCP_OK);
    assert_string_equal(info.backend, "sim");
    uint8_t mrenclave[32];
    memcpy(mrenclave, info.mrenclave, 32);
    int debug = info.debug;

    lcfix_open(&w.c, "02"); /* the simulation IAS root */
    lcp_lc_client_state cs;
    memset(&cs, 0, sizeof cs);
    cs.mrenclave = (lcp_bytes){mrenclave, 32};
    cs.key_expiration = 3600;
    uint8_t csb[256], msg[8192];
    size_t n;
    assert_int_equal(lcp_lc_client_state_encode(csb, sizeof csb, &n, &cs), LCP_OK);
    assert_int_equal(lcp_lc_create_client(w.c.lc, "lcp-0", csb, n, NULL, 0, err), LCP_OK);
    assert_true(debug); /* the sim enclave is built as a debug enclave; the fixture client runs in development mode */
    size_t cert_len;
    uint8_t *cert = tu_read("lcp/lcp-solidity/certs/simulation_signing.der", &cert_len);
    assert_int_equal(lcp_lc_encode_register_enclave_key(msg, sizeof msg, &n, avr.data, avr.len, sig.data, sig.len, cert,
                                                        cert_len, NULL, 0), LCP_OK);
    if (lcp_lc_register_enclave_key(w.c.lc, NULL, NULL, "lcp-0", msg, n, (int64_t)NOW, err) != LCP_OK)
        fail_msg("register: %s", err);

    /* A client expecting another enclave build refuses the key. */
    lcfix_client other;
    lcfix_open(&other, "02");
    uint8_t mr2[32];
    memcpy(mr2, mrenclave, 32);
    mr2[0] ^= 1;
    cs.mrenclave = (lcp_bytes){mr2, 32};
    assert_int_equal(lcp_lc_client_state_encode(csb, sizeof csb, &n, &cs), LCP_OK);
    assert_int_equal(lcp_lc_create_client(other.lc, "lcp-0", csb, n, NULL, 0, err), LCP_OK);
    assert_int_equal(lcp_lc_encode_register_enclave_key(msg, sizeof msg, &n, avr.data, avr.len, sig.data, sig.len, cert,
                                                        cert_len, NULL, 0), LCP_OK);
    assert_int_equal(lcp_lc_register_enclave_key(other.lc, NULL, NULL, "lcp-0", msg, n, (int64_t)NOW, err),
                     LCP_ERR_LC_CLIENT_STATE_UNEXPECTED_MRENCLAVE);
    lcfix_close(&other);
    lcp_free(cert);

    /* Mock client through the enclave: create (unsigned, as LCP), then updates the LCP client accepts. */
    Lcp__Enclave__V1__EcallRequest req = LCP__ENCLAVE__V1__ECALL_REQUEST__INIT;
    Lcp__Enclave__V1__InitClient ic = LCP__ENCLAVE__V1__INIT_CLIENT__INIT;
    Lcp__Enclave__V1__Any a1, a2;
    uint8_t b1[64], b2[64];
    mock_any(&a1, b1, "/ibc.mock.ClientState", 1, NOW * 1000000000ull - 5);
    mock_any(&a2, b2, "/ibc.mock.ConsensusState", 1, NOW * 1000000000ull - 5);
    ic.client_id = "";
    ic.client_state = &a1;
    ic.consensus_state = &a2;
    ic.signer.data = w.addr;
    ic.signer.len = 20;
    req.command_case = LCP__ENCLAVE__V1__ECALL_REQUEST__COMMAND_INIT_CLIENT;
    req.init_client = &ic;
    Lcp__Enclave__V1__EcallResponse *r = ecall(w.h, &req, w.addr, 1, LCP_OK);
    assert_string_equal(r->init_client->client_id, "mock-client-0");
    assert_int_equal(r->init_client->proof->signature.len, 0);
    lcp__enclave__v1__ecall_response__free_unpacked(r, NULL);
    r = ecall(w.h, &req, w.addr, 1, LCP_OK); /* a second client, numbered by the enclave */
    assert_string_equal(r->init_client->client_id, "mock-client-1");
    lcp__enclave__v1__ecall_response__free_unpacked(r, NULL);

    update(&w, 2, (int64_t)NOW, LCP_OK);
    update(&w, 3, (int64_t)NOW, LCP_OK);

    /* Membership at height 3, verified by the LCP client. */
    Lcp__Enclave__V1__EcallRequest vr = LCP__ENCLAVE__V1__ECALL_REQUEST__INIT;
    Lcp__Enclave__V1__VerifyMembership vm = LCP__ENCLAVE__V1__VERIFY_MEMBERSHIP__INIT;
    Lcp__Enclave__V1__Height ph = LCP__ENCLAVE__V1__HEIGHT__INIT;
    ph.revision_height = 3;
    vm.client_id = "mock-client-0";
    vm.prefix.data = (uint8_t *)"ibc";
    vm.prefix.len = 3;
    vm.path = "clients/x/clientState";
    vm.value.data = (uint8_t *)"v";
    vm.value.len = 1;
    vm.proof_height = &ph;
    vm.signer.data = w.addr;
    vm.signer.len = 20;
    vr.command_case = LCP__ENCLAVE__V1__ECALL_REQUEST__COMMAND_VERIFY_MEMBERSHIP;
    vr.verify_membership = &vm;
    r = ecall(w.h, &vr, w.addr, 0, LCP_OK);
    lcp_bytes s = {r->commitment->signature.data, r->commitment->signature.len};
    uint8_t *proof = lcfix_proofs(r->commitment->message.data, r->commitment->message.len, &s, 1, &n);
    lcp_height h3 = {0, 3};
    if (lcp_lc_verify_membership(w.c.lc, "lcp-0", &h3, (const uint8_t *)"ibc", 3, (const uint8_t *)vm.path,
                                 strlen(vm.path), (const uint8_t *)"v", 1, proof, n, (int64_t)NOW, err) != LCP_OK)
        fail_msg("verify: %s", err);
    /* After the key's expiry (report time + key_expiration) the LCP client refuses the same commitment. */
    assert_int_equal(lcp_lc_verify_membership(w.c.lc, "lcp-0", &h3, (const uint8_t *)"ibc", 3, (const uint8_t *)vm.path,
                                              strlen(vm.path), (const uint8_t *)"v", 1, proof, n, (int64_t)NOW + 3600, err),
                     LCP_ERR_LC_ENCLAVE_KEY_EXPIRED);
    lcp_free(proof);
    lcp__enclave__v1__ecall_response__free_unpacked(r, NULL);
    update(&w, 4, (int64_t)NOW + 3600, LCP_ERR_LC_ENCLAVE_KEY_EXPIRED);

    /* Query sees the latest state; an unknown client is "not found", not an error. */
    Lcp__Enclave__V1__EcallRequest qr = LCP__ENCLAVE__V1__ECALL_REQUEST__INIT;
    Lcp__Enclave__V1__QueryClient q = LCP__ENCLAVE__V1__QUERY_CLIENT__INIT;
    q.client_id = "mock-client-0";
    qr.command_case = LCP__ENCLAVE__V1__ECALL_REQUEST__COMMAND_QUERY_CLIENT;
    qr.query_client = &q;
    r = ecall(w.h, &qr, NULL, 0, LCP_OK);
    assert_true(r->query_client->found);
    assert_string_equal(r->query_client->client_state->type_url, "/ibc.mock.ClientState");
    lcp__enclave__v1__ecall_response__free_unpacked(r, NULL);
    q.client_id = "mock-client-9";
    r = ecall(w.h, &qr, NULL, 0, LCP_OK);
    assert_false(r->query_client->found);
    lcp__enclave__v1__ecall_response__free_unpacked(r, NULL);

    /* Signing with a key the host does not have, or a header that does not advance, fails cleanly. */
    uint8_t nobody[20] = {1};
    Lcp__Enclave__V1__UpdateClient uc = LCP__ENCLAVE__V1__UPDATE_CLIENT__INIT;
    Lcp__Enclave__V1__Any hdr;
    uint8_t hb[64];
    mock_any(&hdr, hb, "/ibc.mock.Header", 2, 1);
    uc.client_id = "mock-client-0";
    uc.header = &hdr;
    uc.signer.data = w.addr;
    uc.signer.len = 20;
    Lcp__Enclave__V1__EcallRequest ur = LCP__ENCLAVE__V1__ECALL_REQUEST__INIT;
    ur.command_case = LCP__ENCLAVE__V1__ECALL_REQUEST__COMMAND_UPDATE_CLIENT;
    ur.update_client = &uc;
    r = ecall(w.h, &ur, nobody, 1, LCP_ERR_HOST_KEY_NOT_FOUND);
    assert_null(r);
    r = ecall(w.h, &ur, w.addr, 1, LCP_ERR_ELC_INVALID_HEADER);
    lcp__enclave__v1__ecall_response__free_unpacked(r, NULL);

    lcfix_close(&w.c);
    lcp_buf_free(&avr);
    lcp_buf_free(&sig);
    lcp_host_close(w.h);
}

static void test_sandbox_is_on(void **state)
{
    (void)state;
    lcp_host *h = open_host();
    char err[LCP_ERR_LEN] = "";
    assert_int_equal(lcp_host_enclave_start(lcp_host_enclave_handle(h), err), LCP_OK);
    Lcp__Enclave__V1__EcallRequest req = LCP__ENCLAVE__V1__ECALL_REQUEST__INIT;
    Lcp__Enclave__V1__TestSandbox ts = LCP__ENCLAVE__V1__TEST_SANDBOX__INIT;
    req.command_case = LCP__ENCLAVE__V1__ECALL_REQUEST__COMMAND_TEST_SANDBOX;
    req.test_sandbox = &ts;
    Lcp__Enclave__V1__EcallResponse *r = ecall(h, &req, NULL, 0, LCP_OK);
    assert_int_equal(r->test_sandbox->seccomp_mode, 2);
    assert_int_equal(r->test_sandbox->open_errno, EPERM);
    assert_int_equal(r->test_sandbox->other_fd_write_errno, EPERM); /* only the socket and stderr */
    assert_false(r->test_sandbox->dumpable);
    lcp__enclave__v1__ecall_response__free_unpacked(r, NULL);
    /* The kernel agrees: /proc/PID/status says seccomp mode 2 (filter). */
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%d/status", (int)lcp_host_enclave_pid(lcp_host_enclave_handle(h)));
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    int mode = -1;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "Seccomp: %d", &mode) == 1) break;
    fclose(f);
    assert_int_equal(mode, 2);
    lcp_host_close(h);
}

static void test_bad_frames(void **state)
{
    (void)state;
    lcp_host *h = open_host();
    lcp_host_enclave *e = lcp_host_enclave_handle(h);
    char err[LCP_ERR_LEN] = "";
    Lcp__Enclave__V1__EcallResponse *r = NULL;
    static const uint8_t junk[] = {0xff, 0xff, 0xff, 0x0f, 0x01};
    assert_int_equal(lcp_host_enclave_raw(e, junk, sizeof junk, &r, err), LCP_OK);
    assert_int_equal(r->code, LCP_ERR_PROTO);
    lcp__enclave__v1__ecall_response__free_unpacked(r, NULL);
    /* Oversized: the enclave drains it and answers with an error, then keeps serving. */
    size_t big = LCP_FRAME_MAX + 1;
    uint8_t *b = lcp_calloc(1, big);
    assert_non_null(b);
    assert_int_equal(lcp_host_enclave_raw(e, b, big, &r, err), LCP_OK);
    assert_int_equal(r->code, LCP_ERR_RANGE);
    lcp__enclave__v1__ecall_response__free_unpacked(r, NULL);
    lcp_free(b);
    pid_t pid = lcp_host_enclave_pid(e);
    Lcp__Enclave__V1__EcallRequest req = LCP__ENCLAVE__V1__ECALL_REQUEST__INIT;
    Lcp__Enclave__V1__Ping ping = LCP__ENCLAVE__V1__PING__INIT;
    req.command_case = LCP__ENCLAVE__V1__ECALL_REQUEST__COMMAND_PING;
    req.ping = &ping;
    r = ecall(h, &req, NULL, 0, LCP_OK);
    lcp__enclave__v1__ecall_response__free_unpacked(r, NULL);
    assert_int_equal(lcp_host_enclave_pid(e), pid); /* the same process */
    lcp_host_close(h);
}

/* ---- crash safety ---- */

static pid_t victim;
static int kill_on_set;
static void kill_hook(void *ud, const Lcp__Enclave__V1__OcallRequest *req)
{
    (void)ud;
    if (kill_on_set && req->command_case == LCP__ENCLAVE__V1__OCALL_REQUEST__COMMAND_SET) kill(victim, SIGKILL);
}

/* The client's latest height as the store holds it, through a query ECALL. */
static uint64_t latest(lcp_host *h)
{
    Lcp__Enclave__V1__EcallRequest qr = LCP__ENCLAVE__V1__ECALL_REQUEST__INIT;
    Lcp__Enclave__V1__QueryClient q = LCP__ENCLAVE__V1__QUERY_CLIENT__INIT;
    q.client_id = "mock-client-0";
    qr.command_case = LCP__ENCLAVE__V1__ECALL_REQUEST__COMMAND_QUERY_CLIENT;
    qr.query_client = &q;
    Lcp__Enclave__V1__EcallResponse *r = ecall(h, &qr, NULL, 0, LCP_OK);
    assert_true(r->query_client->found);
    lcp_pb_reader rd;
    lcp_pb_field f;
    uint64_t height = 0;
    /* ClientState{1: Header{1: Height{2: h}}}: walk down three levels. */
    lcp_bytes b = {r->query_client->client_state->value.data, r->query_client->client_state->value.len};
    for (int level = 0; level < 3; level++) {
        lcp_pb_reader_init(&rd, b.ptr, b.len);
        while (lcp_pb_next(&rd, &f, NULL) == 1) {
            if (level < 2 && f.number == 1) b = f.bytes;
            if (level == 2 && f.number == 2) height = f.u;
        }
    }
    lcp__enclave__v1__ecall_response__free_unpacked(r, NULL);
    return height;
}

static void test_enclave_killed_mid_update(void **state)
{
    (void)state;
    world w;
    w.h = open_host();
    uint64_t before = latest(w.h);
    Lcp__Enclave__V1__EcallRequest req = LCP__ENCLAVE__V1__ECALL_REQUEST__INIT;
    Lcp__Enclave__V1__UpdateClient uc = LCP__ENCLAVE__V1__UPDATE_CLIENT__INIT;
    Lcp__Enclave__V1__Any hdr;
    uint8_t hb[64];
    mock_any(&hdr, hb, "/ibc.mock.Header", before + 1, NOW * 1000000000ull);
    lcp_keystore_entry *keys;
    size_t n;
    lcp_store_txn *t;
    char err[LCP_ERR_LEN] = "";
    assert_int_equal(lcp_store_begin(lcp_host_store(w.h), &t, 0, err), LCP_OK);
    assert_int_equal(lcp_keystore_list(t, &keys, &n, NULL, err), LCP_OK);
    assert_true(n >= 1);
    memcpy(w.addr, keys[0].address, 20);
    lcp_free(keys);
    lcp_store_abort(t);
    uc.client_id = "mock-client-0";
    uc.header = &hdr;
    uc.signer.data = w.addr;
    uc.signer.len = 20;
    req.command_case = LCP__ENCLAVE__V1__ECALL_REQUEST__COMMAND_UPDATE_CLIENT;
    req.update_client = &uc;
    assert_int_equal(lcp_host_enclave_start(lcp_host_enclave_handle(w.h), err), LCP_OK);
    victim = lcp_host_enclave_pid(lcp_host_enclave_handle(w.h));
    kill_on_set = 1;
    lcp_host_set_ocall_hook(w.h, kill_hook, NULL);
    unsigned starts = lcp_host_enclave_starts(lcp_host_enclave_handle(w.h));
    Lcp__Enclave__V1__EcallResponse *r = ecall(w.h, &req, w.addr, 1, LCP_ERR_HOST_ENCLAVE_DIED);
    assert_null(r);
    kill_on_set = 0;
    assert_int_equal(latest(w.h), before); /* nothing of the killed update was committed */
    assert_true(lcp_host_enclave_starts(lcp_host_enclave_handle(w.h)) > starts); /* a fresh process served the query */
    r = ecall(w.h, &req, w.addr, 1, LCP_OK); /* and the update now succeeds */
    lcp__enclave__v1__ecall_response__free_unpacked(r, NULL);
    assert_int_equal(latest(w.h), before + 1);
    lcp_host_set_ocall_hook(w.h, NULL, NULL);
    lcp_host_close(w.h);
}

static void test_host_killed_mid_update(void **state)
{
    (void)state;
    lcp_host *h = open_host();
    uint64_t before = latest(h);
    lcp_host_close(h);
    pid_t child = fork();
    assert_true(child >= 0);
    if (child == 0) {
        /* The host process dies at the enclave's first store write of an update. */
        lcp_host *hc = open_host();
        lcp_store_txn *t;
        lcp_keystore_entry *keys;
        size_t n;
        char err[LCP_ERR_LEN];
        uint8_t addr[20];
        if (lcp_store_begin(lcp_host_store(hc), &t, 0, err) || lcp_keystore_list(t, &keys, &n, NULL, err) || !n) _exit(3);
        memcpy(addr, keys[0].address, 20);
        lcp_store_abort(t);
        victim = getpid();
        kill_on_set = 1;
        lcp_host_set_ocall_hook(hc, kill_hook, NULL);
        Lcp__Enclave__V1__EcallRequest req = LCP__ENCLAVE__V1__ECALL_REQUEST__INIT;
        Lcp__Enclave__V1__UpdateClient uc = LCP__ENCLAVE__V1__UPDATE_CLIENT__INIT;
        Lcp__Enclave__V1__Any hdr;
        uint8_t hb[64];
        mock_any(&hdr, hb, "/ibc.mock.Header", before + 1, NOW * 1000000000ull);
        uc.client_id = "mock-client-0";
        uc.header = &hdr;
        uc.signer.data = addr;
        uc.signer.len = 20;
        req.command_case = LCP__ENCLAVE__V1__ECALL_REQUEST__COMMAND_UPDATE_CLIENT;
        req.update_client = &uc;
        Lcp__Enclave__V1__EcallResponse *r;
        req.current_time_ns = NOW * 1000000000ull;
        if (lcp_host_run_frame(hc, &req, addr, 1, &r, err) == LCP_OK) _exit(5);
        _exit(4); /* not reached: the hook killed us */
    }
    int st;
    assert_int_equal(waitpid(child, &st, 0), child);
    assert_true(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
    h = open_host();
    assert_int_equal(latest(h), before);
    lcp_host_close(h);
}

/* The release lcp-enclave contains only light clients that verify: no mock client, no TestSandbox diagnostic. It
 * says it is not a test enclave, the test enclave says it is, and the two measure differently. */
static void test_release_enclave_has_no_test_code(void **state)
{
    (void)state;
    char err[LCP_ERR_LEN] = "";
    lcp_host *rel, *tst = open_host();
    lcp_host_options o = {fx.home, fx.platform, fx.enclave_bin, "sim"};
    if (lcp_host_open(&rel, &o, err) != LCP_OK) fail_msg("host: %s", err);
    lcp_host_enclave_identity rid, tid;
    assert_int_equal(lcp_host_enclave_info(rel, &rid, err), LCP_OK);
    assert_int_equal(lcp_host_enclave_info(tst, &tid, err), LCP_OK); /* identity_out checked both are 32 bytes */
    assert_false(rid.test_enclave);
    assert_true(tid.test_enclave);
    assert_memory_not_equal(rid.mrenclave, tid.mrenclave, 32);

    Lcp__Enclave__V1__EcallResponse *ri = NULL;
    Lcp__Enclave__V1__EcallRequest req = LCP__ENCLAVE__V1__ECALL_REQUEST__INIT;
    Lcp__Enclave__V1__TestSandbox ts = LCP__ENCLAVE__V1__TEST_SANDBOX__INIT;
    req.command_case = LCP__ENCLAVE__V1__ECALL_REQUEST__COMMAND_TEST_SANDBOX;
    req.test_sandbox = &ts;
    ri = NULL;
    assert_int_equal(lcp_host_run_frame(rel, &req, NULL, 0, &ri, err), LCP_ERR_PROTO);
    assert_non_null(strstr(err, "unknown ECALL command"));
    if (ri) lcp__enclave__v1__ecall_response__free_unpacked(ri, NULL);

    /* A mock client: refused by the release enclave, created by the test enclave from the same request. */
    Lcp__Enclave__V1__InitClient ic = LCP__ENCLAVE__V1__INIT_CLIENT__INIT;
    Lcp__Enclave__V1__Any a1, a2;
    uint8_t b1[64], b2[64];
    mock_any(&a1, b1, "/ibc.mock.ClientState", 1, NOW * 1000000000ull - 5);
    mock_any(&a2, b2, "/ibc.mock.ConsensusState", 1, NOW * 1000000000ull - 5);
    ic.client_id = "";
    ic.client_state = &a1;
    ic.consensus_state = &a2;
    req = (Lcp__Enclave__V1__EcallRequest)LCP__ENCLAVE__V1__ECALL_REQUEST__INIT;
    req.command_case = LCP__ENCLAVE__V1__ECALL_REQUEST__COMMAND_INIT_CLIENT;
    req.init_client = &ic;
    req.current_time_ns = NOW * 1000000000ull;
    ri = NULL;
    assert_int_equal(lcp_host_run_frame(rel, &req, NULL, 1, &ri, err), LCP_ERR_ELC_UNKNOWN_TYPE);
    assert_non_null(strstr(err, "no light client for /ibc.mock.ClientState"));
    if (ri) lcp__enclave__v1__ecall_response__free_unpacked(ri, NULL);
    lcp_host_close(rel);
    Lcp__Enclave__V1__EcallResponse *r = ecall(tst, &req, NULL, 1, LCP_OK);
    assert_int_equal(strncmp(r->init_client->client_id, "mock-client-", 12), 0);
    lcp__enclave__v1__ecall_response__free_unpacked(r, NULL);
    lcp_host_close(tst);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_full_flow),
        cmocka_unit_test(test_sandbox_is_on),
        cmocka_unit_test(test_release_enclave_has_no_test_code),
        cmocka_unit_test(test_bad_frames),
        cmocka_unit_test(test_enclave_killed_mid_update),
        cmocka_unit_test(test_host_killed_mid_update),
    };
    return cmocka_run_group_tests_name("enclave/e2e", tests, setup, teardown);
}
