/* The service's methods as lcp/ecalls.def lists them: every path is found, every worker method names a known
 * ECALL, the metric labels stay what dashboards know, and a request is read into its operation field by field
 * with the checks the hand-written decoders made (required messages, the signer's length, the lock key). */
#include "testutil.h"

#include <string.h>

#include "service/service_internal.h"

static uint8_t SIGNER[20] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20};

/* Decodes m's encoding as method's request. Out: status, why when NULL. */
static svc_job *job_of(int method, const ProtobufCMessage *m, int *status, char *why)
{
    uint8_t buf[512];
    size_t n = protobuf_c_message_get_packed_size(m);
    assert_true(n <= sizeof buf);
    protobuf_c_message_pack(m, buf);
    *status = LCP_GRPC_OK;
    why[0] = '\0';
    return svc_job_new(NULL, method, buf, n, status, why);
}

static void refused(int method, const ProtobufCMessage *m, const char *reason)
{
    int status;
    char why[LCP_ERR_LEN];
    svc_job *j = job_of(method, m, &status, why);
    assert_null(j);
    assert_int_equal(status, LCP_GRPC_INVALID_ARGUMENT);
    assert_string_equal(why, reason);
}

static void test_table(void **state)
{
    (void)state;
    static const char *const measured[] = {"InitClient", "UpdateClient", "AggregateMessages", "VerifyMembership",
                                           "VerifyNonMembership", "QueryClient", "EnclaveInfo", "GenerateEnclaveKey",
                                           "QuoteEnclaveKey"};
    size_t k = 0;
    for (int i = 0; i < LCP_ECALL_COUNT; i++)
        if (lcp_ecall_measured(i)) {
            assert_true(k < sizeof measured / sizeof measured[0]);
            assert_string_equal(lcp_ecall_label(i), measured[k++]);
        }
    assert_int_equal(k, sizeof measured / sizeof measured[0]);
    assert_true(lcp_ecall_measured(LCP_ECALL_GENERATE_ENCLAVE_KEY)); /* the key rotation's */
    assert_false(lcp_ecall_writes(LCP_ECALL_QUERY_CLIENT));
    assert_true(lcp_ecall_writes(LCP_ECALL_UPDATE_CLIENT));
    assert_string_equal(lcp_ecall_label(LCP_ECALL_COUNT), "unknown");
    for (int m = 0; m < SVC_M_COUNT; m++) {
        const svc_method *d = &svc_methods[m];
        assert_int_equal(svc_method_find(d->path, strlen(d->path)), m);
        if (d->kind == SVC_KIND_LOCAL) {
            assert_int_equal(d->ecall, SVC_EC_NONE);
        } else {
            assert_true(d->ecall >= 0 && d->ecall < LCP_ECALL_COUNT);
            assert_true(lcp_ecall_measured(d->ecall));
            assert_int_not_equal(d->response, SVC_RESPONSE_NONE);
        }
    }
    assert_int_equal(svc_method_find("/lcp.service.elc.v1.Msg/CreateClien", 35), -1);
    assert_int_equal(svc_methods[SVC_M_UPDATE_CLIENT_STREAM].ecall, LCP_ECALL_UPDATE_CLIENT);
    assert_int_equal(svc_methods[SVC_M_CREATE_CLIENT].response, SVC_RESPONSE_CREATED);
    /* key rotation's method: answered from the key store, no ECALL */
    const char *act = "/lcp.service.enclave.v1.Msg/ActivateEnclaveKey";
    assert_int_equal(svc_method_find(act, strlen(act)), SVC_M_ACTIVATE_ENCLAVE_KEY);
    assert_int_equal(svc_methods[SVC_M_ACTIVATE_ENCLAVE_KEY].kind, SVC_KIND_LOCAL);
}

static void test_required_fields_and_signer(void **state)
{
    (void)state;
    Google__Protobuf__Any a = GOOGLE__PROTOBUF__ANY__INIT;
    a.type_url = "/ibc.mock.ClientState";
    Lcp__Service__Elc__V1__MsgCreateClient c = LCP__SERVICE__ELC__V1__MSG_CREATE_CLIENT__INIT;
    c.signer = (ProtobufCBinaryData){20, SIGNER};
    refused(SVC_M_CREATE_CLIENT, &c.base, "client_state and consensus_state are required");
    c.client_state = &a;
    refused(SVC_M_CREATE_CLIENT, &c.base, "client_state and consensus_state are required");
    c.consensus_state = &a;
    c.signer.len = 19;
    refused(SVC_M_CREATE_CLIENT, &c.base, "signer must be a 20-byte enclave key address");

    Lcp__Service__Elc__V1__MsgUpdateClient u = LCP__SERVICE__ELC__V1__MSG_UPDATE_CLIENT__INIT;
    u.client_id = "mock-client-0";
    u.signer = (ProtobufCBinaryData){20, SIGNER};
    refused(SVC_M_UPDATE_CLIENT, &u.base, "header is required");

    Lcp__Service__Elc__V1__MsgVerifyNonMembership v = LCP__SERVICE__ELC__V1__MSG_VERIFY_NON_MEMBERSHIP__INIT;
    v.signer = (ProtobufCBinaryData){20, SIGNER};
    refused(SVC_M_VERIFY_NON_MEMBERSHIP, &v.base, "proof_height is required");

    Lcp__Service__Elc__V1__MsgAggregateMessages g = LCP__SERVICE__ELC__V1__MSG_AGGREGATE_MESSAGES__INIT;
    refused(SVC_M_AGGREGATE_MESSAGES, &g.base, "signer must be a 20-byte enclave key address");

    int status;
    char why[LCP_ERR_LEN];
    assert_null(svc_job_new(NULL, SVC_M_UPDATE_CLIENT, (const uint8_t *)"\xff", 1, &status, why));
    assert_int_equal(status, LCP_GRPC_INVALID_ARGUMENT);
    assert_string_equal(why, "request is not a valid lcp.service.elc.v1.MsgUpdateClient message");
}

static void test_fields_into_the_operation(void **state)
{
    (void)state;
    int status;
    char why[LCP_ERR_LEN];
    Ibc__Core__Client__V1__Height h = IBC__CORE__CLIENT__V1__HEIGHT__INIT;
    h.revision_number = 7;
    h.revision_height = 42;
    Lcp__Service__Elc__V1__MsgVerifyMembership v = LCP__SERVICE__ELC__V1__MSG_VERIFY_MEMBERSHIP__INIT;
    v.client_id = "07-tendermint-3";
    v.prefix = (ProtobufCBinaryData){3, (uint8_t *)"ibc"};
    v.path = "clients/x/clientState";
    v.value = (ProtobufCBinaryData){2, (uint8_t *)"vv"};
    v.proof_height = &h;
    v.proof = (ProtobufCBinaryData){5, (uint8_t *)"proof"};
    v.signer = (ProtobufCBinaryData){20, SIGNER};
    svc_job *j = job_of(SVC_M_VERIFY_MEMBERSHIP, &v.base, &status, why);
    assert_non_null(j);
    assert_int_equal(j->op.kind, LCP_ECALL_VERIFY_MEMBERSHIP);
    assert_string_equal(j->op.client_id, "07-tendermint-3");
    assert_string_equal(j->op.path, "clients/x/clientState");
    assert_int_equal(j->op.prefix.len, 3);
    assert_memory_equal(j->op.prefix.ptr, "ibc", 3);
    assert_int_equal(j->op.value.len, 2);
    assert_memory_equal(j->op.proof.ptr, "proof", 5);
    assert_int_equal(j->op.proof_height.revision_number, 7);
    assert_int_equal(j->op.proof_height.revision_height, 42);
    assert_memory_equal(j->op.signer, SIGNER, 20);
    assert_null(j->lock_key); /* verifications read a snapshot: they do not wait for the client */
    svc_job_free(j);

    Google__Protobuf__Any a = GOOGLE__PROTOBUF__ANY__INIT, b = GOOGLE__PROTOBUF__ANY__INIT;
    a.type_url = "/ibc.mock.ClientState";
    a.value = (ProtobufCBinaryData){1, (uint8_t *)"a"};
    b.type_url = "/ibc.mock.ConsensusState";
    Lcp__Service__Elc__V1__MsgCreateClient c = LCP__SERVICE__ELC__V1__MSG_CREATE_CLIENT__INIT;
    c.client_state = &a;
    c.consensus_state = &b;
    c.signer = (ProtobufCBinaryData){20, SIGNER};
    j = job_of(SVC_M_CREATE_CLIENT, &c.base, &status, why);
    assert_non_null(j);
    assert_int_equal(j->op.kind, LCP_ECALL_INIT_CLIENT);
    assert_int_equal(j->op.client_state.type_url.len, strlen("/ibc.mock.ClientState"));
    assert_memory_equal(j->op.client_state.type_url.ptr, "/ibc.mock.ClientState", j->op.client_state.type_url.len);
    assert_int_equal(j->op.client_state.value.len, 1);
    assert_memory_equal(j->op.consensus_state.type_url.ptr, "/ibc.mock.ConsensusState", 24);
    assert_string_equal(j->lock_key, "\x01new-client"); /* numbered from the enclave's one counter */
    svc_job_free(j);

    Lcp__Service__Elc__V1__MsgUpdateClient u = LCP__SERVICE__ELC__V1__MSG_UPDATE_CLIENT__INIT;
    u.client_id = "mock-client-4";
    u.header = &a;
    u.include_state = 1;
    u.signer = (ProtobufCBinaryData){20, SIGNER};
    j = job_of(SVC_M_UPDATE_CLIENT, &u.base, &status, why);
    assert_non_null(j);
    assert_int_equal(j->op.kind, LCP_ECALL_UPDATE_CLIENT);
    assert_int_equal(j->op.include_state, 1);
    assert_string_equal(j->lock_key, "mock-client-4");
    svc_job_free(j);

    ProtobufCBinaryData msgs[2] = {{1, (uint8_t *)"x"}, {2, (uint8_t *)"yy"}}, sigs[1] = {{3, (uint8_t *)"zzz"}};
    Lcp__Service__Elc__V1__MsgAggregateMessages g = LCP__SERVICE__ELC__V1__MSG_AGGREGATE_MESSAGES__INIT;
    g.signer = (ProtobufCBinaryData){20, SIGNER};
    g.n_messages = 2;
    g.messages = msgs;
    g.n_signatures = 1;
    g.signatures = sigs;
    j = job_of(SVC_M_AGGREGATE_MESSAGES, &g.base, &status, why);
    assert_non_null(j);
    assert_int_equal(j->op.n_messages, 2);
    assert_int_equal(j->op.messages[1].len, 2);
    assert_memory_equal(j->op.messages[1].ptr, "yy", 2);
    assert_int_equal(j->op.n_signatures, 1);
    assert_memory_equal(j->op.signatures[0].ptr, "zzz", 3);
    svc_job_free(j);

    Lcp__Service__Elc__V1__QueryClientRequest q = LCP__SERVICE__ELC__V1__QUERY_CLIENT_REQUEST__INIT;
    q.client_id = "mock-client-9";
    j = job_of(SVC_M_QUERY_CLIENT, &q.base, &status, why);
    assert_non_null(j);
    assert_int_equal(j->op.kind, LCP_ECALL_QUERY_CLIENT);
    assert_string_equal(j->op.client_id, "mock-client-9");
    assert_null(j->op.signer);
    svc_job_free(j);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_required_fields_and_signer),
        cmocka_unit_test(test_fields_into_the_operation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
