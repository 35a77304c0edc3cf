/* The enclave signs only with a key it sealed to itself (issue 10, item 5). A signing key reaches the enclave as a
 * sealed blob the host hands over with the request; the enclave must not sign with a key another program chose.
 * Here a key the test knows is sealed on the same simulated platform by another enclave build that shares this
 * one's MRSIGNER (as every sim development build does) under MRSIGNER policy, which this enclave can unseal: it
 * must still refuse to sign with it. Blobs under the other policies are refused too, and the same key sealed by
 * this enclave under MRENCLAVE policy signs (so the refusals are about the policy, not the key or the messages).
 * The signing command is AggregateMessages, which needs no light client and no store: it signs the fold of
 * UpdateState messages that the key itself signed. */
#include "testutil.h"

#include <stdio.h>
#include <string.h>

#include "lcp/commitment.h"
#include "lcp/crypto.h"
#include "lcp/enclave.h"
#include "lcp/tee_sim.h"
#include "proto/lcp_enclave.pb-c.h"

#define NOW_NS (1800000000ull * 1000000000ull)

static char dir[256];
static lcp_tee *tee, *other_build;
static lcp_enclave *enc;

/* The aggregate touches no store: any OCALL is a failure. */
static int no_ocall(void *ud, const uint8_t *req, size_t len, lcp_buf *resp, char *err)
{
    (void)ud, (void)req, (void)len, (void)resp;
    return lcp_fail(err, LCP_ERR_ILLEGAL_ARG, "unexpected OCALL");
}

static void open_tee(lcp_tee **t, const char *plat, uint8_t mrenclave_byte)
{
    lcp_tee_identity id;
    memset(&id, 0, sizeof id);
    memset(id.mrenclave, mrenclave_byte, 32);
    memset(id.mrsigner, 0x51, 32); /* one signer for both builds */
    id.flags = LCP_SGX_FLAGS_INIT | LCP_SGX_FLAGS_DEBUG | LCP_SGX_FLAGS_MODE64BIT;
    id.xfrm = 0x3;
    lcp_tee_options o = {0};
    o.backend = "sim";
    o.sim_platform = plat;
    o.identity = &id;
    char err[LCP_ERR_LEN] = "";
    if (lcp_tee_open(t, &o, err) != LCP_OK) fail_msg("tee: %s", err);
}

static int setup(void **state)
{
    (void)state;
    char err[LCP_ERR_LEN] = "", plat[320];
    tu_tmpdir(dir, sizeof dir, "keypolicy");
    snprintf(plat, sizeof plat, "%s/p", dir);
    if (lcp_tee_sim_init(NULL, plat, 0, err) != LCP_OK) fail_msg("%s", err);
    open_tee(&tee, plat, 0x5e);
    open_tee(&other_build, plat, 0x6f);
    assert_int_equal(lcp_enclave_new(&enc, tee, no_ocall, NULL, err), LCP_OK);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    lcp_enclave_free(enc);
    lcp_tee_close(tee);
    lcp_tee_close(other_build);
    tu_rmtree(dir);
    return 0;
}

/* A key the test (standing for another program) knows, and two chained UpdateState messages it signed. */
typedef struct {
    uint8_t sk[32], addr[20];
    uint8_t msg[2][1024];
    size_t msg_len[2];
    uint8_t sig[2][65];
} signed_pair;

static void make_pair(signed_pair *p)
{
    uint8_t pub[65], ctx[LCP_CONTEXT_MAX_LEN], digest[32];
    size_t ctx_len;
    memset(p->sk, 0x11, 32);
    assert_int_equal(lcp_secp256k1_pubkey(pub, p->sk), LCP_OK);
    assert_int_equal(lcp_secp256k1_address(p->addr, pub, 65), LCP_OK);
    lcp_validation_context empty = {.type = LCP_CONTEXT_EMPTY};
    assert_int_equal(lcp_context_encode(ctx, sizeof ctx, &ctx_len, &empty), LCP_OK);
    for (int i = 0; i < 2; i++) {
        lcp_proxy_msg m;
        memset(&m, 0, sizeof m);
        m.type = LCP_MSG_UPDATE_STATE;
        lcp_update_state_msg *u = &m.u.update;
        u->prev_height = (lcp_height){1, (uint64_t)(10 + i)};
        memset(u->prev_state_id, 0xa0 + i, 32);
        u->post_height = (lcp_height){1, (uint64_t)(11 + i)};
        memset(u->post_state_id, 0xa1 + i, 32);
        u->timestamp = (lcp_u128)NOW_NS - 1000;
        u->context = (lcp_bytes){ctx, ctx_len};
        assert_int_equal(lcp_proxy_msg_encode(p->msg[i], sizeof p->msg[i], &p->msg_len[i], &m), LCP_OK);
        lcp_keccak256(digest, p->msg[i], p->msg_len[i]);
        assert_int_equal(lcp_secp256k1_sign(p->sig[i], p->sk, digest), LCP_OK);
    }
}

/* Seals the pair's key with t under policy. */
static size_t seal(uint8_t *blob, size_t cap, lcp_tee *t, uint16_t policy, const signed_pair *p)
{
    size_t n = 0;
    char err[LCP_ERR_LEN] = "";
    if (lcp_tee_seal(t, blob, cap, &n, policy, NULL, 0, p->sk, sizeof p->sk, err) != LCP_OK) fail_msg("seal: %s", err);
    return n;
}

/* Runs req in the enclave; returns the response (free it). */
static Lcp__Enclave__V1__EcallResponse *call(Lcp__Enclave__V1__EcallRequest *req)
{
    lcp_buf in = {0}, out = {0};
    req->current_time_ns = NOW_NS;
    assert_int_equal(lcp_buf_reserve(&in, lcp__enclave__v1__ecall_request__get_packed_size(req)), LCP_OK);
    in.len = lcp__enclave__v1__ecall_request__pack(req, in.data);
    assert_int_equal(lcp_enclave_ecall(enc, in.data, in.len, &out), LCP_OK);
    Lcp__Enclave__V1__EcallResponse *r = lcp__enclave__v1__ecall_response__unpack(NULL, out.len, out.data);
    assert_non_null(r);
    lcp_buf_free(&in);
    lcp_buf_free(&out);
    return r;
}

/* AggregateMessages signed with the sealed blob as p's key; returns the response (free it). */
static Lcp__Enclave__V1__EcallResponse *aggregate(signed_pair *p, uint8_t *blob, size_t blob_len)
{
    Lcp__Enclave__V1__EcallRequest req = LCP__ENCLAVE__V1__ECALL_REQUEST__INIT;
    Lcp__Enclave__V1__AggregateMessages am = LCP__ENCLAVE__V1__AGGREGATE_MESSAGES__INIT;
    ProtobufCBinaryData msgs[2] = {{p->msg_len[0], p->msg[0]}, {p->msg_len[1], p->msg[1]}};
    ProtobufCBinaryData sigs[2] = {{65, p->sig[0]}, {65, p->sig[1]}};
    am.signer.data = p->addr;
    am.signer.len = 20;
    am.n_messages = am.n_signatures = 2;
    am.messages = msgs;
    am.signatures = sigs;
    req.sealed_enclave_key.data = blob;
    req.sealed_enclave_key.len = blob_len;
    req.command_case = LCP__ENCLAVE__V1__ECALL_REQUEST__COMMAND_AGGREGATE_MESSAGES;
    req.aggregate_messages = &am;
    return call(&req);
}

static void expect_refused(signed_pair *p, uint8_t *blob, size_t n, int code, const char *why)
{
    Lcp__Enclave__V1__EcallResponse *r = aggregate(p, blob, n);
    if (r->code != code)
        fail_msg("%s: expected %s, got %s (%s)", why, lcp_errname(code), lcp_errname(r->code),
                 r->error ? r->error : "");
    assert_int_equal(r->result_case, LCP__ENCLAVE__V1__ECALL_RESPONSE__RESULT__NOT_SET);
    lcp__enclave__v1__ecall_response__free_unpacked(r, NULL);
}

static void test_signs_only_with_keys_sealed_to_itself(void **state)
{
    (void)state;
    signed_pair p;
    make_pair(&p);
    uint8_t blob[LCP_TEE_SEALED_LEN(32, 0)];
    char err[LCP_ERR_LEN] = "";
    uint8_t out[32];
    size_t n, got;

    /* The attack: another build on this platform seals a key it knows under MRSIGNER policy. This enclave can
     * unseal it (same platform, same signer) ... */
    n = seal(blob, sizeof blob, other_build, LCP_TEE_KEYPOLICY_MRSIGNER, &p);
    assert_int_equal(lcp_tee_unseal(tee, out, sizeof out, &got, NULL, blob, n, err), LCP_OK);
    assert_memory_equal(out, p.sk, 32);
    lcp_memzero(out, sizeof out);
    /* ... but does not sign with it. */
    expect_refused(&p, blob, n, LCP_ERR_CRYPTO_KEY, "MRSIGNER blob of another build");

    /* Nor with a key it sealed itself under MRSIGNER policy, or under both policies: not what it writes. */
    n = seal(blob, sizeof blob, tee, LCP_TEE_KEYPOLICY_MRSIGNER, &p);
    expect_refused(&p, blob, n, LCP_ERR_CRYPTO_KEY, "MRSIGNER blob of this enclave");
    n = seal(blob, sizeof blob, tee, LCP_TEE_KEYPOLICY_MRSIGNER | LCP_TEE_KEYPOLICY_MRENCLAVE, &p);
    expect_refused(&p, blob, n, LCP_ERR_CRYPTO_KEY, "MRENCLAVE|MRSIGNER blob of this enclave");

    /* Another build's MRENCLAVE blob: its key derives from the other MRENCLAVE, so the tag does not verify here. */
    n = seal(blob, sizeof blob, other_build, LCP_TEE_KEYPOLICY_MRENCLAVE, &p);
    expect_refused(&p, blob, n, LCP_ERR_TEE_MAC_MISMATCH, "MRENCLAVE blob of another build");

    /* Its policy field rewritten to MRENCLAVE by the host: the key request is bound into the key, so the tag fails. */
    n = seal(blob, sizeof blob, other_build, LCP_TEE_KEYPOLICY_MRSIGNER, &p);
    blob[2] = LCP_TEE_KEYPOLICY_MRENCLAVE;
    expect_refused(&p, blob, n, LCP_ERR_TEE_MAC_MISMATCH, "MRSIGNER blob relabelled MRENCLAVE");

    /* The control: the same key sealed by this enclave to itself signs the aggregate. */
    n = seal(blob, sizeof blob, tee, LCP_TEE_KEYPOLICY_MRENCLAVE, &p);
    Lcp__Enclave__V1__EcallResponse *r = aggregate(&p, blob, n);
    if (r->code != 0) fail_msg("MRENCLAVE blob of this enclave: %s", r->error);
    uint8_t who[20];
    assert_int_equal(lcp_commitment_recover_signer(who, r->commitment->message.data, r->commitment->message.len,
                                                   r->commitment->signature.data, r->commitment->signature.len, NULL),
                     LCP_OK);
    assert_memory_equal(who, p.addr, 20);
    lcp__enclave__v1__ecall_response__free_unpacked(r, NULL);
    lcp_memzero(p.sk, sizeof p.sk);
}

/* The key the enclave generates is sealed under MRENCLAVE policy alone, so the rule costs it nothing. */
static void test_generated_key_is_sealed_mrenclave(void **state)
{
    (void)state;
    Lcp__Enclave__V1__EcallRequest req = LCP__ENCLAVE__V1__ECALL_REQUEST__INIT;
    Lcp__Enclave__V1__GenerateEnclaveKey g = LCP__ENCLAVE__V1__GENERATE_ENCLAVE_KEY__INIT;
    req.command_case = LCP__ENCLAVE__V1__ECALL_REQUEST__COMMAND_GENERATE_ENCLAVE_KEY;
    req.generate_enclave_key = &g;
    Lcp__Enclave__V1__EcallResponse *r = call(&req);
    assert_int_equal(r->code, 0);
    lcp_tee_sealed_info info;
    const ProtobufCBinaryData *b = &r->generate_enclave_key->sealed_enclave_key;
    assert_int_equal(lcp_tee_sealed_parse(&info, b->data, b->len, NULL), LCP_OK);
    assert_int_equal(info.req.key_policy, LCP_TEE_KEYPOLICY_MRENCLAVE);
    lcp__enclave__v1__ecall_response__free_unpacked(r, NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_signs_only_with_keys_sealed_to_itself),
        cmocka_unit_test(test_generated_key_is_sealed_mrenclave),
    };
    return cmocka_run_group_tests_name("enclave/sealed_key_policy", tests, setup, teardown);
}
