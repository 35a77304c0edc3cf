/* The enclave's trusted core in-process (no process boundary, so ASan/LSan see every allocation of the enclave
 * code): key generation and sealing, signing only with the requested key, the mock light client's commands,
 * AggregateMessages, and malformed requests. OCALLs are served from an in-memory store. */
#include "testutil.h"
#include "mockops.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lcp/codec_pb.h"
#include "lcp/commitment.h"
#include "lcp/enclave.h"
#include "lcp/lcpclient.h"
#include "lcp/tee_sim.h"
#include "proto/lcp_enclave.pb-c.h"
#include "enclave/bin/test_enclave.h"

static char dir[64];
static lcp_tee *tee;
static lcp_enclave *enc;
static lcp_lc_memstore *mem;

/* Serves an OCALL from mem (the lcp_lc_store interface is a plain key-value store). */
static int ocall(void *ud, const uint8_t *req, size_t len, lcp_buf *resp, char *err)
{
    (void)ud, (void)err;
    Lcp__Enclave__V1__OcallRequest *r = lcp__enclave__v1__ocall_request__unpack(NULL, len, req);
    Lcp__Enclave__V1__OcallResponse o = LCP__ENCLAVE__V1__OCALL_RESPONSE__INIT;
    lcp_lc_store s = lcp_lc_memstore_iface(mem);
    static uint8_t val[1 << 16];
    char key[512];
    if (!r) return LCP_ERR_PROTO;
    if (r->command_case == LCP__ENCLAVE__V1__OCALL_REQUEST__COMMAND_GET) {
        snprintf(key, sizeof key, "%.*s", (int)r->get->key.len, (const char *)r->get->key.data);
        size_t n = 0;
        int rc = s.get(s.ud, key, val, sizeof val, &n);
        o.found = rc == LCP_OK;
        o.value.data = val;
        o.value.len = o.found ? n : 0;
    } else if (r->command_case == LCP__ENCLAVE__V1__OCALL_REQUEST__COMMAND_SET) {
        snprintf(key, sizeof key, "%.*s", (int)r->set->key.len, (const char *)r->set->key.data);
        o.code = s.set(s.ud, key, r->set->value.data, r->set->value.len);
    }
    resp->len = 0;
    int rc = lcp_buf_reserve(resp, lcp__enclave__v1__ocall_response__get_packed_size(&o));
    if (rc == LCP_OK) resp->len = lcp__enclave__v1__ocall_response__pack(&o, resp->data);
    lcp__enclave__v1__ocall_request__free_unpacked(r, NULL);
    return rc;
}

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/lcp-core-XXXXXX");
    assert_non_null(mkdtemp(dir));
    char err[LCP_ERR_LEN] = "", plat[128];
    snprintf(plat, sizeof plat, "%s/p", dir);
    if (lcp_tee_sim_init(NULL, plat, 0, err) != LCP_OK) fail_msg("%s", err);
    lcp_tee_identity id;
    memset(&id, 0, sizeof id);
    memset(id.mrenclave, 0x5e, 32);
    memset(id.mrsigner, 0x51, 32);
    id.flags = LCP_SGX_FLAGS_INIT | LCP_SGX_FLAGS_DEBUG | LCP_SGX_FLAGS_MODE64BIT;
    lcp_tee_options o = {0};
    o.backend = "sim";
    o.sim_platform = plat;
    o.identity = &id;
    if (lcp_tee_open(&tee, &o, err) != LCP_OK) fail_msg("%s", err);
    mem = lcp_lc_memstore_new();
    assert_int_equal(lcp_enclave_new(&enc, tee, ocall, NULL, err), LCP_OK);
    lcp_test_enclave_setup(enc); /* the mock light client */
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    lcp_enclave_free(enc);
    lcp_tee_close(tee);
    lcp_lc_memstore_free(mem);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static Lcp__Enclave__V1__EcallResponse *call(Lcp__Enclave__V1__EcallRequest *req)
{
    lcp_buf in = {0}, out = {0};
    req->current_time_ns = 1800000000ull * 1000000000ull;
    assert_int_equal(lcp_buf_reserve(&in, lcp__enclave__v1__ecall_request__get_packed_size(req)), LCP_OK);
    in.len = lcp__enclave__v1__ecall_request__pack(req, in.data);
    assert_int_equal(lcp_enclave_ecall(enc, in.data, in.len, &out), LCP_OK);
    Lcp__Enclave__V1__EcallResponse *r = lcp__enclave__v1__ecall_response__unpack(NULL, out.len, out.data);
    assert_non_null(r);
    lcp_buf_free(&in);
    lcp_buf_free(&out);
    return r;
}

static uint8_t sealed[1024], addr[20];
static size_t sealed_len;

static void mock_any(Lcp__Enclave__V1__Any *a, uint8_t *buf, const char *type, uint64_t h, int wrap)
{
    lcp__enclave__v1__any__init(a);
    a->type_url = (char *)type;
    a->value.len = mockop_value(buf, h, 1799999999ull * 1000000000ull + h, wrap);
    a->value.data = buf;
}

static void test_generate_key(void **state)
{
    (void)state;
    Lcp__Enclave__V1__EcallRequest req = LCP__ENCLAVE__V1__ECALL_REQUEST__INIT;
    Lcp__Enclave__V1__GenerateEnclaveKey g = LCP__ENCLAVE__V1__GENERATE_ENCLAVE_KEY__INIT;
    uint8_t op[20];
    memset(op, 0x0b, 20);
    g.operator_.data = op;
    g.operator_.len = 20;
    req.command_case = LCP__ENCLAVE__V1__ECALL_REQUEST__COMMAND_GENERATE_ENCLAVE_KEY;
    req.generate_enclave_key = &g;
    Lcp__Enclave__V1__EcallResponse *r = call(&req);
    assert_int_equal(r->code, 0);
    const Lcp__Enclave__V1__GenerateEnclaveKeyResult *k = r->generate_enclave_key;
    assert_int_equal(k->sealed_enclave_key.len, 592);
    assert_int_equal(k->report.len, 432);
    /* report_data = 0x01 || address || operator || zeros */
    const uint8_t *rd = k->report.data + 320;
    assert_int_equal(rd[0], 1);
    assert_memory_equal(rd + 1, k->address.data, 20);
    assert_memory_equal(rd + 21, op, 20);
    memcpy(addr, k->address.data, 20);
    memcpy(sealed, k->sealed_enclave_key.data, k->sealed_enclave_key.len);
    sealed_len = k->sealed_enclave_key.len;
    lcp__enclave__v1__ecall_response__free_unpacked(r, NULL);
    /* A bad operator length is refused. */
    g.operator_.len = 19;
    r = call(&req);
    assert_int_equal(r->code, LCP_ERR_ILLEGAL_ARG);
    lcp__enclave__v1__ecall_response__free_unpacked(r, NULL);
}

static Lcp__Enclave__V1__EcallResponse *update(uint64_t h, const uint8_t *signer)
{
    Lcp__Enclave__V1__EcallRequest req = LCP__ENCLAVE__V1__ECALL_REQUEST__INIT;
    Lcp__Enclave__V1__UpdateClient uc = LCP__ENCLAVE__V1__UPDATE_CLIENT__INIT;
    Lcp__Enclave__V1__Any hdr;
    uint8_t hb[64];
    mock_any(&hdr, hb, "/ibc.mock.Header", h, 0);
    uc.client_id = "mock-client-0";
    uc.header = &hdr;
    uc.signer.data = (uint8_t *)signer;
    uc.signer.len = 20;
    req.sealed_enclave_key.data = sealed;
    req.sealed_enclave_key.len = sealed_len;
    req.command_case = LCP__ENCLAVE__V1__ECALL_REQUEST__COMMAND_UPDATE_CLIENT;
    req.update_client = &uc;
    return call(&req);
}

static void test_mock_flow_and_aggregate(void **state)
{
    (void)state;
    Lcp__Enclave__V1__EcallRequest req = LCP__ENCLAVE__V1__ECALL_REQUEST__INIT;
    Lcp__Enclave__V1__InitClient ic = LCP__ENCLAVE__V1__INIT_CLIENT__INIT;
    Lcp__Enclave__V1__Any cs, cons;
    uint8_t b1[64], b2[64];
    mock_any(&cs, b1, "/ibc.mock.ClientState", 1, 1);
    mock_any(&cons, b2, "/ibc.mock.ConsensusState", 1, 1);
    ic.client_id = "mock-client-0";
    ic.client_state = &cs;
    ic.consensus_state = &cons;
    req.command_case = LCP__ENCLAVE__V1__ECALL_REQUEST__COMMAND_INIT_CLIENT;
    req.init_client = &ic;
    Lcp__Enclave__V1__EcallResponse *r = call(&req);
    assert_int_equal(r->code, 0);
    lcp__enclave__v1__ecall_response__free_unpacked(r, NULL);
    r = call(&req); /* the same id again */
    assert_int_equal(r->code, LCP_ERR_ELC_CLIENT_EXISTS);
    lcp__enclave__v1__ecall_response__free_unpacked(r, NULL);
    ic.client_id = "07-tendermint-0"; /* an id of another client type */
    r = call(&req);
    assert_int_equal(r->code, LCP_ERR_ELC_INVALID_CLIENT_ID);
    lcp__enclave__v1__ecall_response__free_unpacked(r, NULL);

    /* Signing with the sealed key under another signer's name is refused. */
    uint8_t other[20];
    memset(other, 7, 20);
    r = update(2, other);
    assert_int_equal(r->code, LCP_ERR_CRYPTO_KEY);
    lcp__enclave__v1__ecall_response__free_unpacked(r, NULL);

    /* Two chained updates, then their aggregate. */
    Lcp__Enclave__V1__EcallResponse *u1 = update(2, addr), *u2 = update(3, addr);
    assert_int_equal(u1->code, 0);
    assert_int_equal(u2->code, 0);
    ProtobufCBinaryData msgs[2] = {u1->commitment->message, u2->commitment->message};
    ProtobufCBinaryData sigs[2] = {u1->commitment->signature, u2->commitment->signature};
    Lcp__Enclave__V1__EcallRequest ar = LCP__ENCLAVE__V1__ECALL_REQUEST__INIT;
    Lcp__Enclave__V1__AggregateMessages am = LCP__ENCLAVE__V1__AGGREGATE_MESSAGES__INIT;
    am.signer.data = addr;
    am.signer.len = 20;
    am.n_messages = am.n_signatures = 2;
    am.messages = msgs;
    am.signatures = sigs;
    ar.sealed_enclave_key.data = sealed;
    ar.sealed_enclave_key.len = sealed_len;
    ar.command_case = LCP__ENCLAVE__V1__ECALL_REQUEST__COMMAND_AGGREGATE_MESSAGES;
    ar.aggregate_messages = &am;
    r = call(&ar);
    assert_int_equal(r->code, 0);
    lcp_proxy_msg agg, m1, m2;
    assert_int_equal(lcp_proxy_msg_decode(&agg, r->commitment->message.data, r->commitment->message.len, NULL), LCP_OK);
    assert_int_equal(lcp_proxy_msg_decode(&m1, msgs[0].data, msgs[0].len, NULL), LCP_OK);
    assert_int_equal(lcp_proxy_msg_decode(&m2, msgs[1].data, msgs[1].len, NULL), LCP_OK);
    assert_int_equal(lcp_height_cmp(&agg.u.update.prev_height, &m1.u.update.prev_height), 0);
    assert_int_equal(lcp_height_cmp(&agg.u.update.post_height, &m2.u.update.post_height), 0);
    assert_int_equal(agg.u.update.emitted_count, 2);
    uint8_t who[20];
    assert_int_equal(lcp_commitment_recover_signer(who, r->commitment->message.data, r->commitment->message.len,
                                                   r->commitment->signature.data, r->commitment->signature.len, NULL),
                     LCP_OK);
    assert_memory_equal(who, addr, 20);
    lcp__enclave__v1__ecall_response__free_unpacked(r, NULL);
    /* Out of order, or a signature by someone else: refused. */
    ProtobufCBinaryData rev[2] = {msgs[1], msgs[0]}, rsig[2] = {sigs[1], sigs[0]};
    am.messages = rev;
    am.signatures = rsig;
    r = call(&ar);
    assert_int_equal(r->code, LCP_ERR_COMMITMENT_AGGREGATE);
    lcp__enclave__v1__ecall_response__free_unpacked(r, NULL);
    am.messages = msgs;
    am.signatures = rsig;
    r = call(&ar);
    assert_int_not_equal(r->code, 0);
    lcp__enclave__v1__ecall_response__free_unpacked(r, NULL);
    am.n_messages = am.n_signatures = 1;
    r = call(&ar);
    assert_int_equal(r->code, LCP_ERR_COMMITMENT_AGGREGATE);
    lcp__enclave__v1__ecall_response__free_unpacked(r, NULL);
    lcp__enclave__v1__ecall_response__free_unpacked(u1, NULL);
    lcp__enclave__v1__ecall_response__free_unpacked(u2, NULL);

    /* Non-membership at height 3 carries a zero value; a height without a consensus state is refused. */
    Lcp__Enclave__V1__EcallRequest vr = LCP__ENCLAVE__V1__ECALL_REQUEST__INIT;
    Lcp__Enclave__V1__VerifyNonMembership vn = LCP__ENCLAVE__V1__VERIFY_NON_MEMBERSHIP__INIT;
    Lcp__Enclave__V1__Height ph = LCP__ENCLAVE__V1__HEIGHT__INIT;
    ph.revision_height = 3;
    vn.client_id = "mock-client-0";
    vn.path = "receipts/x";
    vn.proof_height = &ph;
    vn.signer.data = addr;
    vn.signer.len = 20;
    vr.sealed_enclave_key.data = sealed;
    vr.sealed_enclave_key.len = sealed_len;
    vr.command_case = LCP__ENCLAVE__V1__ECALL_REQUEST__COMMAND_VERIFY_NON_MEMBERSHIP;
    vr.verify_non_membership = &vn;
    r = call(&vr);
    assert_int_equal(r->code, 0);
    lcp_proxy_msg sm;
    assert_int_equal(lcp_proxy_msg_decode(&sm, r->commitment->message.data, r->commitment->message.len, NULL), LCP_OK);
    static const uint8_t zero[32];
    assert_memory_equal(sm.u.state.value, zero, 32);
    lcp__enclave__v1__ecall_response__free_unpacked(r, NULL);
    ph.revision_height = 9;
    r = call(&vr);
    assert_int_equal(r->code, LCP_ERR_ELC_CLIENT_NOT_FOUND);
    lcp__enclave__v1__ecall_response__free_unpacked(r, NULL);
}

static void test_malformed_requests(void **state)
{
    (void)state;
    lcp_buf out = {0};
    static const uint8_t junk[] = {0x0a, 0xff, 0xff};
    assert_int_equal(lcp_enclave_ecall(enc, junk, sizeof junk, &out), LCP_OK);
    Lcp__Enclave__V1__EcallResponse *r = lcp__enclave__v1__ecall_response__unpack(NULL, out.len, out.data);
    assert_non_null(r);
    assert_int_equal(r->code, LCP_ERR_PROTO);
    lcp__enclave__v1__ecall_response__free_unpacked(r, NULL);
    /* A tampered sealed key never signs. */
    sealed[600 % sealed_len] ^= 1;
    r = update(4, addr);
    assert_true(r->code == LCP_ERR_TEE_INVALID_CPUSVN || r->code == LCP_ERR_TEE_MAC_MISMATCH);
    lcp__enclave__v1__ecall_response__free_unpacked(r, NULL);
    sealed[600 % sealed_len] ^= 1;
    lcp_buf_free(&out);
}

/* ---- every allocation inside the enclave goes through lcp's allocator (lcp/base.h), protobuf-c's included ---- */
static struct {
    long calls, live, fail_at; /* fail_at: the call number that fails (0: none) */
} ac;
static void *ac_malloc(size_t n, void *d)
{
    (void)d;
    if (++ac.calls == ac.fail_at) return NULL;
    void *p = malloc(n);
    if (p) ac.live++;
    return p;
}
static void ac_free(void *p, void *d)
{
    (void)d;
    ac.live--;
    free(p);
}
static void *ac_realloc(void *p, size_t n, void *d)
{
    (void)d, (void)p, (void)n;
    fail_msg("lcp-c never reallocs inside the enclave");
    return NULL;
}
static const lcp_allocator COUNTING = {ac_malloc, ac_free, ac_realloc, NULL};

/* One ECALL under the counting allocator failing call fail_at. Out: the response's code (or rc if none). */
static int counted_ecall(const lcp_buf *in, long fail_at, int *code)
{
    lcp_buf out = {0};
    memset(&ac, 0, sizeof ac);
    ac.fail_at = fail_at;
    lcp_set_allocator(&COUNTING);
    int rc = lcp_enclave_ecall(enc, in->data, in->len, &out);
    Lcp__Enclave__V1__EcallResponse *r = NULL;
    if (rc == LCP_OK) {
        r = lcp__enclave__v1__ecall_response__unpack(NULL, out.len, out.data);
        assert_non_null(r);
        *code = r->code;
    }
    lcp_buf_free(&out);
    lcp_set_allocator(NULL);
    if (r) lcp__enclave__v1__ecall_response__free_unpacked(r, NULL);
    assert_int_equal(ac.live, 0); /* nothing leaked, on every failure path */
    return rc;
}

static void test_protobuf_uses_lcp_allocator(void **state)
{
    (void)state;
    Lcp__Enclave__V1__EcallRequest req = LCP__ENCLAVE__V1__ECALL_REQUEST__INIT;
    Lcp__Enclave__V1__QueryClient q = LCP__ENCLAVE__V1__QUERY_CLIENT__INIT;
    q.client_id = "mock-client-0";
    req.command_case = LCP__ENCLAVE__V1__ECALL_REQUEST__COMMAND_QUERY_CLIENT;
    req.query_client = &q;
    lcp_buf in = {0};
    assert_int_equal(lcp_buf_reserve(&in, lcp__enclave__v1__ecall_request__get_packed_size(&req)), LCP_OK);
    in.len = lcp__enclave__v1__ecall_request__pack(&req, in.data);
    int code = -1;
    /* The first allocation of an ECALL is protobuf-c unpacking the request: failing it makes the request
     * unreadable (PROTO), and the answer still goes out. Were protobuf-c on malloc, the first allocation through lcp
     * would be the response buffer and the call would return NOMEM instead. */
    assert_int_equal(counted_ecall(&in, 1, &code), LCP_OK);
    assert_int_equal(code, LCP_ERR_PROTO);
    /* Every later allocation failing in turn (OCALL responses unpacked in the enclave among them): an answer or
     * NOMEM, never a crash or a leak, until the query succeeds. */
    long n;
    for (n = 2; n < 500; n++) {
        int rc = counted_ecall(&in, n, &code);
        assert_true(rc == LCP_OK || rc == LCP_ERR_NOMEM);
        if (rc == LCP_OK && code == 0) break;
    }
    assert_true(n > 3 && n < 500);
    assert_int_equal(counted_ecall(&in, 0, &code), LCP_OK);
    assert_int_equal(code, 0);
    assert_true(ac.calls >= 4); /* request, OCALL responses, response: all counted */
    lcp_buf_free(&in);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_generate_key),
        cmocka_unit_test(test_mock_flow_and_aggregate),
        cmocka_unit_test(test_protobuf_uses_lcp_allocator),
        cmocka_unit_test(test_malformed_requests),
    };
    return cmocka_run_group_tests_name("enclave/core", tests, setup, teardown);
}
