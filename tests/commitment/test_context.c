/* Validation contexts: the fixture's TrustingPeriod context decodes to the published values (spec §3.3), Empty is
 * 128 bytes, validation boundaries follow the enclave/Solidity rule, aggregation follows §3.3, and message
 * aggregation follows §2 (continuity, prev from first, post from last, emitted states concatenated). */
#include "testutil.h"

#include <string.h>

#include "lcp/commitment.h"

static void load_update(const char *rel, uint8_t **msg, size_t *len, lcp_proxy_msg *pm)
{
    cJSON *j = tu_json(rel);
    *msg = tu_b64_field(j, "message", len);
    cJSON_Delete(j);
    assert_int_equal(lcp_proxy_msg_decode(pm, *msg, *len, NULL), LCP_OK);
    assert_int_equal(pm->type, LCP_MSG_UPDATE_STATE);
}

static void test_fixture_context(void **state)
{
    (void)state;
    uint8_t *msg;
    size_t len;
    lcp_proxy_msg pm;
    load_update("lcp/lcp-solidity/client/01/003-update_client_result", &msg, &len, &pm);
    lcp_validation_context c;
    assert_int_equal(lcp_context_decode(&c, pm.u.update.context.ptr, pm.u.update.context.len, NULL), LCP_OK);
    assert_int_equal(c.type, LCP_CONTEXT_TRUSTING_PERIOD);
    assert_true(c.trusting_period == (lcp_u128)0x44c1ff2520000ull); /* 14 days */
    assert_true(c.clock_drift == (lcp_u128)0x12a05f200ull);         /* 5 s */
    assert_true(c.untrusted_header_timestamp == pm.u.update.timestamp);
    uint8_t re[LCP_CONTEXT_MAX_LEN];
    size_t n;
    assert_int_equal(lcp_context_encode(re, sizeof re, &n, &c), LCP_OK);
    assert_int_equal(n, pm.u.update.context.len);
    assert_memory_equal(re, pm.u.update.context.ptr, n);

    /* Boundaries: trusted + period must be > now; now + drift must be > header time. */
    lcp_u128 expiry = c.trusted_state_timestamp + c.trusting_period;
    assert_int_equal(lcp_context_validate(&c, expiry - 1, NULL), LCP_OK);
    assert_int_equal(lcp_context_validate(&c, expiry, NULL), LCP_ERR_COMMITMENT_TRUSTING_PERIOD);
    lcp_u128 earliest = c.untrusted_header_timestamp - c.clock_drift;
    assert_int_equal(lcp_context_validate(&c, earliest + 1, NULL), LCP_OK);
    assert_int_equal(lcp_context_validate(&c, earliest, NULL), LCP_ERR_COMMITMENT_CLOCK_DRIFT);
    lcp_free(msg);
}

/* Arithmetic edges as lcp-solidity computes them: trusted + period is a checked uint128 sum (an overflow reverts),
 * now + drift a uint256 one (it cannot overflow). A wrapped or saturated expiry must never pass. */
static void test_trusting_period_overflow(void **state)
{
    (void)state;
    const lcp_u128 max = ~(lcp_u128)0;
    lcp_validation_context c = {LCP_CONTEXT_TRUSTING_PERIOD, 0, max - 9, 10, 1};
    char err[LCP_ERR_LEN] = "";
    /* max - 9 + 10 is 2^128 exactly: refused at every now, the earliest and the latest one */
    assert_int_equal(lcp_context_validate(&c, 0, err), LCP_ERR_COMMITMENT_TRUSTING_PERIOD);
    assert_non_null(strstr(err, "overflows"));
    assert_int_equal(lcp_context_validate(&c, max, NULL), LCP_ERR_COMMITMENT_TRUSTING_PERIOD);
    c.trusting_period = max;
    c.trusted_state_timestamp = 1;
    assert_int_equal(lcp_context_validate(&c, 0, NULL), LCP_ERR_COMMITMENT_TRUSTING_PERIOD);
    /* one less is the largest expiry there is, and passes before it */
    c.trusted_state_timestamp = max - 10;
    c.trusting_period = 10;
    assert_int_equal(lcp_context_validate(&c, max - 1, NULL), LCP_OK);
    assert_int_equal(lcp_context_validate(&c, max, NULL), LCP_ERR_COMMITMENT_TRUSTING_PERIOD);

    /* now + drift past u128 is above every header time, the largest included (uint256 in Solidity) */
    c.untrusted_header_timestamp = max;
    c.clock_drift = 2;
    assert_int_equal(lcp_context_validate(&c, max - 1, NULL), LCP_OK);
    c.clock_drift = 1; /* exactly max: not above the header time */
    assert_int_equal(lcp_context_validate(&c, max - 1, NULL), LCP_ERR_COMMITMENT_CLOCK_DRIFT);

    /* the same overflow reached through aggregation: min trusted and the shared period still overflow */
    lcp_validation_context a = {LCP_CONTEXT_TRUSTING_PERIOD, 5, max - 3, 8, 1}, b = a, out;
    b.trusted_state_timestamp = max - 2;
    assert_int_equal(lcp_context_aggregate(&out, &a, &b, NULL), LCP_OK);
    assert_int_equal(lcp_context_validate(&out, 10, NULL), LCP_ERR_COMMITMENT_TRUSTING_PERIOD);
}

static void test_empty_and_malformed(void **state)
{
    (void)state;
    lcp_validation_context c = {.type = LCP_CONTEXT_EMPTY}, d;
    uint8_t buf[LCP_CONTEXT_MAX_LEN];
    size_t n;
    assert_int_equal(lcp_context_encode(buf, sizeof buf, &n, &c), LCP_OK);
    assert_int_equal(n, 128);
    assert_int_equal(lcp_context_decode(&d, buf, n, NULL), LCP_OK);
    assert_int_equal(d.type, LCP_CONTEXT_EMPTY);
    assert_int_equal(lcp_context_validate(&d, 0, NULL), LCP_OK);
    buf[32 + 1] = 7; /* unknown type */
    assert_int_equal(lcp_context_decode(&d, buf, n, NULL), LCP_ERR_COMMITMENT_CONTEXT);
    buf[32 + 1] = 1; /* TrustingPeriod with no bytes */
    assert_int_equal(lcp_context_decode(&d, buf, n, NULL), LCP_ERR_COMMITMENT_CONTEXT);
    buf[32 + 1] = 0;
    buf[40] = 1; /* reserved header byte */
    assert_int_equal(lcp_context_decode(&d, buf, n, NULL), LCP_ERR_COMMITMENT_CONTEXT);
}

static void test_context_aggregate(void **state)
{
    (void)state;
    lcp_validation_context e = {.type = LCP_CONTEXT_EMPTY}, a = {LCP_CONTEXT_TRUSTING_PERIOD, 100, 10, 1000, 5},
                           b = {LCP_CONTEXT_TRUSTING_PERIOD, 200, 50, 1000, 5}, out;
    assert_int_equal(lcp_context_aggregate(&out, &e, &a, NULL), LCP_OK);
    assert_memory_equal(&out, &a, sizeof a);
    assert_int_equal(lcp_context_aggregate(&out, &a, &e, NULL), LCP_OK);
    assert_memory_equal(&out, &a, sizeof a);
    assert_int_equal(lcp_context_aggregate(&out, &a, &b, NULL), LCP_OK);
    assert_true(out.untrusted_header_timestamp == 200 && out.trusted_state_timestamp == 10);
    b.clock_drift = 6;
    assert_int_equal(lcp_context_aggregate(&out, &a, &b, NULL), LCP_ERR_COMMITMENT_AGGREGATE);
}

/* client/01's updates 003 (45 -> 47) and 005 (47 -> 48) chain; aggregated they go 45 -> 48. */
static void test_message_aggregate(void **state)
{
    (void)state;
    uint8_t *m1, *m2;
    size_t l1, l2;
    lcp_proxy_msg p[2];
    load_update("lcp/lcp-solidity/client/01/003-update_client_result", &m1, &l1, &p[0]);
    load_update("lcp/lcp-solidity/client/01/005-update_client_result", &m2, &l2, &p[1]);
    lcp_update_state_msg in[2] = {p[0].u.update, p[1].u.update}, out;
    uint8_t ctx[LCP_CONTEXT_MAX_LEN];
    lcp_emitted_state es[4];
    char err[LCP_ERR_LEN] = "";
    if (lcp_update_state_aggregate(&out, ctx, es, 4, in, 2, err) != LCP_OK) fail_msg("%s", err);
    assert_int_equal(lcp_height_cmp(&out.prev_height, &in[0].prev_height), 0);
    assert_int_equal(lcp_height_cmp(&out.post_height, &in[1].post_height), 0);
    assert_memory_equal(out.post_state_id, in[1].post_state_id, 32);
    assert_true(out.timestamp == in[1].timestamp);
    assert_int_equal(out.emitted_count, in[0].emitted_count + in[1].emitted_count);
    lcp_validation_context c, c0, c1;
    assert_int_equal(lcp_context_decode(&c, out.context.ptr, out.context.len, NULL), LCP_OK);
    assert_int_equal(lcp_context_decode(&c0, in[0].context.ptr, in[0].context.len, NULL), LCP_OK);
    assert_int_equal(lcp_context_decode(&c1, in[1].context.ptr, in[1].context.len, NULL), LCP_OK);
    assert_true(c.trusted_state_timestamp == c0.trusted_state_timestamp);
    assert_true(c.untrusted_header_timestamp == c1.untrusted_header_timestamp);
    /* The aggregate encodes and decodes like any message. */
    lcp_proxy_msg agg = {.type = LCP_MSG_UPDATE_STATE};
    agg.u.update = out;
    uint8_t buf[4096];
    size_t n;
    assert_int_equal(lcp_proxy_msg_encode(buf, sizeof buf, &n, &agg), LCP_OK);
    lcp_proxy_msg back;
    assert_int_equal(lcp_proxy_msg_decode(&back, buf, n, NULL), LCP_OK);
    assert_int_equal(back.u.update.emitted_count, out.emitted_count);
    /* Out of order, too few, too little room. */
    lcp_update_state_msg rev[2] = {in[1], in[0]};
    assert_int_equal(lcp_update_state_aggregate(&out, ctx, es, 4, rev, 2, NULL), LCP_ERR_COMMITMENT_AGGREGATE);
    assert_int_equal(lcp_update_state_aggregate(&out, ctx, es, 4, in, 1, NULL), LCP_ERR_COMMITMENT_AGGREGATE);
    assert_int_equal(lcp_update_state_aggregate(&out, ctx, es, 1, in, 2, NULL), LCP_ERR_BUFFER_TOO_SMALL);
    lcp_free(m1);
    lcp_free(m2);
}

static void test_validate_rules(void **state)
{
    (void)state;
    lcp_proxy_msg m;
    memset(&m, 0, sizeof m);
    m.type = LCP_MSG_UPDATE_STATE;
    assert_int_equal(lcp_proxy_msg_validate(&m, NULL), LCP_OK); /* both none */
    m.u.update.prev_height.revision_height = 1;
    assert_int_equal(lcp_proxy_msg_validate(&m, NULL), LCP_ERR_COMMITMENT_INVALID);
    m.u.update.prev_state_id[0] = 1;
    assert_int_equal(lcp_proxy_msg_validate(&m, NULL), LCP_OK);
    memset(&m, 0, sizeof m);
    m.type = LCP_MSG_STATE;
    m.u.state.path.ptr = (const uint8_t *)"p";
    m.u.state.path.len = 1;
    m.u.state.height.revision_height = 1;
    assert_int_equal(lcp_proxy_msg_validate(&m, NULL), LCP_ERR_COMMITMENT_INVALID); /* zero state id */
    m.u.state.state_id[31] = 1;
    assert_int_equal(lcp_proxy_msg_validate(&m, NULL), LCP_OK);
    m.u.state.path.len = 0;
    assert_int_equal(lcp_proxy_msg_validate(&m, NULL), LCP_ERR_COMMITMENT_INVALID);
    memset(&m, 0, sizeof m);
    m.type = LCP_MSG_MISBEHAVIOUR;
    assert_int_equal(lcp_proxy_msg_validate(&m, NULL), LCP_ERR_COMMITMENT_INVALID);
    lcp_prev_state ps = {{1, 5}, {0}};
    m.u.misbehaviour.prev_states = &ps;
    m.u.misbehaviour.prev_count = 1;
    assert_int_equal(lcp_proxy_msg_validate(&m, NULL), LCP_ERR_COMMITMENT_INVALID);
    ps.state_id[0] = 9;
    assert_int_equal(lcp_proxy_msg_validate(&m, NULL), LCP_OK);
    /* A Misbehaviour message round-trips through the codec. */
    uint8_t buf[1024];
    size_t n;
    m.u.misbehaviour.client_message.ptr = (const uint8_t *)"any";
    m.u.misbehaviour.client_message.len = 3;
    assert_int_equal(lcp_proxy_msg_encode(buf, sizeof buf, &n, &m), LCP_OK);
    lcp_proxy_msg back;
    assert_int_equal(lcp_proxy_msg_decode(&back, buf, n, NULL), LCP_OK);
    lcp_prev_state got;
    assert_int_equal(lcp_misbehaviour_prev_state(&back.u.misbehaviour, 0, &got), LCP_OK);
    assert_memory_equal(&got, &ps, sizeof ps);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fixture_context),   cmocka_unit_test(test_empty_and_malformed),
        cmocka_unit_test(test_context_aggregate), cmocka_unit_test(test_message_aggregate),
        cmocka_unit_test(test_validate_rules),    cmocka_unit_test(test_trusting_period_overflow),
    };
    return cmocka_run_group_tests_name("commitment/context", tests, NULL, NULL);
}
