/* Every error code of the LCP client (errors.def, lcpclient range) is produced by a test, each at the check that
 * owns it, and a refused call leaves the store untouched. Enclave keys here are simulated: their IAS reports are
 * signed with the simulation PKI of the LCP fixtures (lcp/lcp/tests/certs), so any message can be signed. */
#include "lcfix.h"

#include <stdio.h>
#include <string.h>

#include "lcp/attestation_ias_sim.h"
#include "lcp/codec_pb.h"
#include "lcp/crypto.h"

#define T0 1700000000LL
#define CID "lcp-0"

static uint8_t MRENCLAVE[32];

typedef struct {
    lcfix_client c;
    uint8_t *key_pem;
    size_t key_pem_len;
} world;

static void mk_client_state(uint8_t *out, size_t *len, uint64_t key_exp, const uint8_t (*ops)[20], size_t nops,
                            uint64_t num, uint64_t den)
{
    lcp_lc_client_state cs;
    memset(&cs, 0, sizeof cs);
    cs.mrenclave = (lcp_bytes){MRENCLAVE, 32};
    cs.key_expiration = key_exp;
    static const char *st = "SW_HARDENING_NEEDED", *adv = "INTEL-SA-00615";
    cs.allowed_quote_statuses[0] = (lcp_bytes){(const uint8_t *)st, strlen(st)};
    cs.status_count = 1;
    cs.allowed_advisory_ids[0] = (lcp_bytes){(const uint8_t *)adv, strlen(adv)};
    cs.advisory_count = 1;
    for (size_t i = 0; i < nops; i++) cs.operators[i] = (lcp_bytes){ops[i], 20};
    cs.operator_count = nops;
    cs.threshold_numerator = num;
    cs.threshold_denominator = den;
    assert_int_equal(lcp_lc_client_state_encode(out, 4096, len, &cs), LCP_OK);
}

static void open_world(world *w, const uint8_t (*ops)[20], size_t nops, uint64_t num, uint64_t den)
{
    memset(MRENCLAVE, 0xab, 32);
    lcfix_open(&w->c, "02");
    w->key_pem = tu_read("lcp/lcp/tests/certs/signing.key", &w->key_pem_len);
    uint8_t cs[4096];
    size_t n;
    mk_client_state(cs, &n, 3600, ops, nops, num, den);
    char err[LCP_ERR_LEN] = "";
    if (lcp_lc_create_client(w->c.lc, CID, cs, n, NULL, 0, err) != LCP_OK) fail_msg("create: %s", err);
}

static void close_world(world *w)
{
    lcfix_close(&w->c);
    lcp_free(w->key_pem);
}

static void addr_of(uint8_t addr[20], const uint8_t sk[32])
{
    uint8_t pub[65];
    assert_int_equal(lcp_secp256k1_pubkey(pub, sk), LCP_OK);
    assert_int_equal(lcp_secp256k1_address(addr, pub, 65), LCP_OK);
}

typedef struct {
    const char *status;
    const char *adv;
    int64_t ts;
    int debug;
    const uint8_t *mrenclave;
    const uint8_t *rd_operator; /* operator named in report_data */
    const uint8_t *op_sk;       /* operator's EIP-712 signature */
    int tamper;                 /* flip a byte of the report */
} reg_opts;

static int reg(world *w, const uint8_t ek_sk[32], const reg_opts *o, int64_t now, char *err)
{
    lcp_ias_sim_params p;
    memset(&p, 0, sizeof p);
    memcpy(p.body.mrenclave, o->mrenclave ? o->mrenclave : MRENCLAVE, 32);
    p.body.flags = LCP_SGX_FLAGS_INIT | LCP_SGX_FLAGS_MODE64BIT | (o->debug ? LCP_SGX_FLAGS_DEBUG : 0);
    lcp_report_data rd;
    memset(&rd, 0, sizeof rd);
    addr_of(rd.enclave_key, ek_sk);
    if (o->rd_operator) memcpy(rd.operator_addr, o->rd_operator, 20);
    lcp_report_data_write(p.body.report_data, &rd);
    p.status = o->status ? o->status : "OK";
    p.advisory_ids = o->adv ? &o->adv : NULL;
    p.n_advisory_ids = o->adv ? 1 : 0;
    p.timestamp = o->ts ? o->ts : T0;
    lcp_buf avr = {0}, sig = {0};
    assert_int_equal(lcp_ias_sim_report(&avr, &sig, &p, w->key_pem, w->key_pem_len, NULL), LCP_OK);
    if (o->tamper) avr.data[avr.len / 2] ^= 1;
    uint8_t opsig[65];
    size_t opsig_len = 0;
    if (o->op_sk) {
        uint8_t d[32];
        lcp_eip712_register_enclave_key(d, avr.data, avr.len);
        assert_int_equal(lcp_secp256k1_sign(opsig, o->op_sk, d), LCP_OK);
        opsig_len = 65;
    }
    size_t cert_len, len;
    uint8_t *cert = tu_read("lcp/lcp-solidity/certs/simulation_signing.der", &cert_len), msg[8192];
    assert_int_equal(lcp_lc_encode_register_enclave_key(msg, sizeof msg, &len, avr.data, avr.len, sig.data, sig.len,
                                                        cert, cert_len, opsig, opsig_len),
                     LCP_OK);
    int rc = lcp_lc_register_enclave_key(w->c.lc, NULL, NULL, CID, msg, len, now, err);
    lcp_free(cert);
    lcp_buf_free(&avr);
    lcp_buf_free(&sig);
    return rc;
}

static const reg_opts DEFAULT_REG = {0};

/* An UpdateState message prev -> post at heights (1, ph) -> (1, h), with state ids derived from the heights. */
static size_t mk_update(uint8_t *out, size_t cap, uint64_t ph, uint64_t h, int emit, uint64_t ts_ns, const uint8_t *prev_id_override)
{
    lcp_proxy_msg m;
    memset(&m, 0, sizeof m);
    m.type = LCP_MSG_UPDATE_STATE;
    lcp_update_state_msg *u = &m.u.update;
    if (ph) {
        u->prev_height = (lcp_height){1, ph};
        memset(u->prev_state_id, (int)ph, 32);
    }
    if (prev_id_override) memcpy(u->prev_state_id, prev_id_override, 32);
    u->post_height = (lcp_height){1, h};
    memset(u->post_state_id, (int)h, 32);
    u->timestamp = ts_ns;
    static uint8_t ctx[LCP_CONTEXT_MAX_LEN];
    lcp_validation_context c = {.type = LCP_CONTEXT_EMPTY};
    size_t cl;
    assert_int_equal(lcp_context_encode(ctx, sizeof ctx, &cl, &c), LCP_OK);
    u->context = (lcp_bytes){ctx, cl};
    static const lcp_emitted_state es = {{1, 1}, {(const uint8_t *)"state", 5}};
    u->emitted = &es;
    u->emitted_count = emit ? 1 : 0;
    size_t n;
    assert_int_equal(lcp_proxy_msg_encode(out, cap, &n, &m), LCP_OK);
    return n;
}

static int upd_raw(world *w, const uint8_t *pm, size_t pml, const uint8_t (*sks)[32], size_t nsig, int64_t now, char *err)
{
    uint8_t sig[8][65], d[32], msg[8192];
    lcp_bytes sv[8];
    lcp_keccak256(d, pm, pml);
    for (size_t i = 0; i < nsig; i++) {
        assert_int_equal(lcp_secp256k1_sign(sig[i], sks[i], d), LCP_OK);
        sv[i] = (lcp_bytes){sig[i], 65};
    }
    size_t len;
    assert_int_equal(lcp_lc_encode_update_client(msg, sizeof msg, &len, pm, pml, sv, nsig), LCP_OK);
    return lcp_lc_update_client(w->c.lc, NULL, CID, msg, len, now, err);
}

static uint8_t SK1[32], SK2[32], OP1[32], OP2[32];

static int setup(void **state)
{
    (void)state;
    memset(SK1, 0x11, 32);
    memset(SK2, 0x22, 32);
    memset(OP1, 0x33, 32);
    memset(OP2, 0x44, 32);
    return 0;
}

#define EXPECT(code, call)                                                   \
    do {                                                                     \
        char e_[LCP_ERR_LEN] = "";                                           \
        size_t w_ = lcp_lc_memstore_writes(w.c.mem);                          \
        int rc_ = (call);                                                    \
        (void)e_;                                                            \
        if (rc_ != (code))                                                   \
            fail_msg("expected %s, got %s", lcp_errname(code), lcp_errname(rc_)); \
        if ((code) != LCP_OK) assert_int_equal(lcp_lc_memstore_writes(w.c.mem), w_); \
    } while (0)

static void test_create_errors(void **state)
{
    (void)state;
    world w;
    open_world(&w, NULL, 0, 0, 0);
    uint8_t cs[4096], ops[2][20];
    size_t n;
    lcp_lc *lc = w.c.lc;
    mk_client_state(cs, &n, 3600, NULL, 0, 0, 0);
    EXPECT(LCP_ERR_LC_CLIENT_ALREADY_EXISTS, lcp_lc_create_client(lc, CID, cs, n, NULL, 0, e_));
    EXPECT(LCP_ERR_LC_INVALID_CLIENT_ID, lcp_lc_create_client(lc, "../x", cs, n, NULL, 0, e_));
    /* key_expiration 0 is allowed at creation (DCAP keys then live to the collateral's end) but IAS refuses it. */
    mk_client_state(cs, &n, 0, NULL, 0, 0, 0);
    EXPECT(LCP_OK, lcp_lc_create_client(lc, "c0", cs, n, NULL, 0, e_));
    EXPECT(LCP_ERR_LC_CLIENT_STATE_INVALID_KEY_EXPIRATION,
           lcp_lc_register_enclave_key(lc, NULL, NULL, "c0", NULL, 0, T0, e_));
    lcp_lc_client_state d;
    mk_client_state(cs, &n, 3600, NULL, 0, 0, 0);
    assert_int_equal(lcp_lc_client_state_decode(&d, cs, n, NULL), LCP_OK);
    uint8_t buf[4096];
#define WITH(mut, code)                                                                      \
    do {                                                                                     \
        lcp_lc_client_state x = d;                                                           \
        mut;                                                                                 \
        assert_int_equal(lcp_lc_client_state_encode(buf, sizeof buf, &n, &x), LCP_OK);       \
        EXPECT(code, lcp_lc_create_client(lc, "c1", buf, n, NULL, 0, e_));                   \
    } while (0)
    WITH(x.latest_height.revision_height = 1, LCP_ERR_LC_CLIENT_STATE_INVALID_LATEST_HEIGHT);
    WITH(x.frozen = 1, LCP_ERR_LC_CLIENT_STATE_FROZEN);
    WITH(x.mrenclave.len = 31, LCP_ERR_LC_CLIENT_STATE_INVALID_MRENCLAVE_LENGTH);
    WITH(x.allowed_quote_statuses[0].len = 0, LCP_ERR_LC_CLIENT_STATE_INVALID_ALLOWED_QUOTE_STATUS);
    WITH(x.allowed_advisory_ids[0].len = 0, LCP_ERR_LC_CLIENT_STATE_INVALID_ALLOWED_ADVISORY_ID);
    WITH(x.operators_nonce = 1, LCP_ERR_LC_CLIENT_STATE_INVALID_OPERATORS_NONCE);
    memset(ops[0], 0, 20);
    memset(ops[1], 2, 20);
    WITH((x.operators[0] = (lcp_bytes){ops[0], 20}, x.operator_count = 1, x.threshold_numerator = 1,
          x.threshold_denominator = 1),
         LCP_ERR_LC_CLIENT_STATE_INVALID_OPERATOR_ADDRESS);
    WITH((x.operators[0] = (lcp_bytes){ops[1], 19}, x.operator_count = 1, x.threshold_numerator = 1,
          x.threshold_denominator = 1),
         LCP_ERR_LC_CLIENT_STATE_INVALID_OPERATOR_ADDRESS_LENGTH);
    memset(ops[0], 3, 20);
    WITH((x.operators[0] = (lcp_bytes){ops[0], 20}, x.operators[1] = (lcp_bytes){ops[1], 20}, x.operator_count = 2,
          x.threshold_numerator = 1, x.threshold_denominator = 2),
         LCP_ERR_LC_OPERATORS_INVALID_ORDER);
    WITH((x.operators[0] = (lcp_bytes){ops[1], 20}, x.operator_count = 1, x.threshold_numerator = 2,
          x.threshold_denominator = 1),
         LCP_ERR_LC_CLIENT_STATE_INVALID_OPERATORS_THRESHOLD);
    /* Initial consensus state must be empty. */
    lcp_lc_consensus_state cons = {{0}, 5};
    uint8_t cb[64];
    size_t cbl;
    assert_int_equal(lcp_lc_consensus_state_encode(cb, sizeof cb, &cbl, &cons), LCP_OK);
    mk_client_state(cs, &n, 3600, NULL, 0, 0, 0);
    EXPECT(LCP_ERR_LC_CONSENSUS_STATE_INVALID_TIMESTAMP, lcp_lc_create_client(lc, "c1", cs, n, cb, cbl, e_));
    cons.timestamp = 0;
    cons.state_id[0] = 1;
    assert_int_equal(lcp_lc_consensus_state_encode(cb, sizeof cb, &cbl, &cons), LCP_OK);
    EXPECT(LCP_ERR_LC_CONSENSUS_STATE_INVALID_STATE_ID, lcp_lc_create_client(lc, "c1", cs, n, cb, cbl, e_));
    static const uint8_t junk[] = {0xff, 0xff};
    EXPECT(LCP_ERR_PROTO, lcp_lc_create_client(lc, "c1", junk, 2, NULL, 0, e_));
    close_world(&w);
}

static void test_register_errors(void **state)
{
    (void)state;
    world w;
    open_world(&w, NULL, 0, 0, 0);
    reg_opts o = DEFAULT_REG;
    o.debug = 1;
    EXPECT(LCP_ERR_LC_CLIENT_STATE_NOT_FOUND, lcp_lc_register_enclave_key(w.c.lc, NULL, NULL, "nope", NULL, 0, T0, e_));
    o.tamper = 1;
    EXPECT(LCP_ERR_LC_AVR_INVALID_SIGNATURE, reg(&w, SK1, &o, T0, e_));
    o.tamper = 0;
    /* The simulation signing certificate is valid 2023-06-07 .. 2050-10-23. */
    EXPECT(LCP_ERR_LC_IAS_CERT_EXPIRED, reg(&w, SK1, &o, 1600000000, e_));
    EXPECT(LCP_ERR_LC_AVR_ALREADY_EXPIRED, reg(&w, SK1, &o, T0 + 3600, e_));
    o.debug = 0;
    EXPECT(LCP_ERR_LC_AVR_INVALID, reg(&w, SK1, &o, T0, e_)); /* production enclave in development mode */
    o.debug = 1;
    o.status = "GROUP_REVOKED";
    EXPECT(LCP_ERR_LC_AVR_INVALID, reg(&w, SK1, &o, T0, e_)); /* status not allowed */
    o.status = "SW_HARDENING_NEEDED";
    o.adv = "INTEL-SA-00334";
    EXPECT(LCP_ERR_LC_AVR_INVALID, reg(&w, SK1, &o, T0, e_)); /* advisory not allowed */
    o.adv = "INTEL-SA-00615";
    EXPECT(LCP_OK, reg(&w, SK2, &o, T0, e_)); /* allowed status with allowed advisory */
    o.status = NULL;
    o.adv = NULL;
    uint8_t other[32];
    memset(other, 0xcd, 32);
    o.mrenclave = other;
    EXPECT(LCP_ERR_LC_CLIENT_STATE_UNEXPECTED_MRENCLAVE, reg(&w, SK1, &o, T0, e_));
    o.mrenclave = NULL;
    uint8_t op1[20];
    addr_of(op1, OP1);
    o.rd_operator = op1;
    EXPECT(LCP_ERR_LC_AVR_UNEXPECTED_OPERATOR, reg(&w, SK1, &o, T0, e_)); /* named operator did not sign */
    o.op_sk = OP2;
    EXPECT(LCP_ERR_LC_AVR_UNEXPECTED_OPERATOR, reg(&w, SK1, &o, T0, e_)); /* another operator signed */
    o.op_sk = OP1;
    EXPECT(LCP_OK, reg(&w, SK1, &o, T0, e_));
    EXPECT(LCP_OK, reg(&w, SK1, &o, T0, e_)); /* same registration again: no change */
    o.rd_operator = NULL;
    o.op_sk = OP2;
    EXPECT(LCP_ERR_LC_ENCLAVE_KEY_UNEXPECTED_OPERATOR, reg(&w, SK1, &o, T0, e_));
    o.op_sk = OP1;
    o.ts = T0 + 10;
    EXPECT(LCP_ERR_LC_ENCLAVE_KEY_UNEXPECTED_EXPIRED_AT, reg(&w, SK1, &o, T0 + 10, e_));
    lcp_lc_enclave_key info;
    uint8_t a1[20];
    addr_of(a1, SK1);
    assert_int_equal(lcp_lc_get_enclave_key(w.c.lc, &info, CID, a1, NULL), LCP_OK);
    assert_int_equal(info.expired_at, T0 + 3600);
    assert_memory_equal(info.operator_addr, op1, 20);
    static const uint8_t junk[] = {0x0a, 0x05, 1};
    EXPECT(LCP_ERR_LC_INVALID_MESSAGE, lcp_lc_register_enclave_key(w.c.lc, NULL, NULL, CID, junk, 3, T0, e_));
    close_world(&w);
}

static void test_update_errors(void **state)
{
    (void)state;
    world w;
    open_world(&w, NULL, 0, 0, 0);
    reg_opts o = DEFAULT_REG;
    o.debug = 1;
    assert_int_equal(reg(&w, SK1, &o, T0, NULL), LCP_OK);
    uint8_t pm[4096];
    size_t n;
    uint8_t sks2[2][32];
    memcpy(sks2[0], SK1, 32);
    memcpy(sks2[1], SK1, 32);
    const uint64_t ts = (uint64_t)T0 * 1000000000ull;
    n = mk_update(pm, sizeof pm, 0, 10, 0, ts, NULL);
    EXPECT(LCP_ERR_LC_UPDATE_STATE_EMITTED_STATES_MUST_NOT_EMPTY, upd_raw(&w, pm, n, (const uint8_t(*)[32])SK1, 1, T0, e_));
    EXPECT(LCP_ERR_LC_ENCLAVE_KEY_NOT_EXIST, upd_raw(&w, pm, n, (const uint8_t(*)[32])SK2, 1, T0, e_));
    EXPECT(LCP_ERR_LC_ENCLAVE_KEY_EXPIRED, upd_raw(&w, pm, n, (const uint8_t(*)[32])SK1, 1, T0 + 3600, e_));
    EXPECT(LCP_ERR_LC_INVALID_SIGNATURES_LENGTH, upd_raw(&w, pm, n, (const uint8_t(*)[32])sks2, 2, T0, e_));
    EXPECT(LCP_ERR_LC_INVALID_SIGNATURES_LENGTH, upd_raw(&w, pm, n, NULL, 0, T0, e_));
    n = mk_update(pm, sizeof pm, 0, 10, 1, ts, NULL);
    EXPECT(LCP_OK, upd_raw(&w, pm, n, (const uint8_t(*)[32])SK1, 1, T0, e_));
    n = mk_update(pm, sizeof pm, 0, 11, 0, ts, NULL);
    EXPECT(LCP_ERR_LC_UPDATE_STATE_PREV_STATE_ID_MUST_NOT_EMPTY, upd_raw(&w, pm, n, (const uint8_t(*)[32])SK1, 1, T0, e_));
    uint8_t wrong[32];
    memset(wrong, 0x77, 32);
    n = mk_update(pm, sizeof pm, 10, 11, 0, ts, wrong);
    EXPECT(LCP_ERR_LC_UPDATE_STATE_UNEXPECTED_PREV_STATE_ID, upd_raw(&w, pm, n, (const uint8_t(*)[32])SK1, 1, T0, e_));
    n = mk_update(pm, sizeof pm, 10, 11, 0, ts, NULL);
    EXPECT(LCP_OK, upd_raw(&w, pm, n, (const uint8_t(*)[32])SK1, 1, T0, e_));
    EXPECT(LCP_OK, upd_raw(&w, pm, n, (const uint8_t(*)[32])SK1, 1, T0, e_)); /* identical replay: no-op */
    n = mk_update(pm, sizeof pm, 10, 11, 0, ts + 1, NULL);
    EXPECT(LCP_ERR_LC_UPDATE_STATE_INCONSISTENT_CONSENSUS_STATE, upd_raw(&w, pm, n, (const uint8_t(*)[32])SK1, 1, T0, e_));
    /* A State (membership) message is not an update. */
    lcp_proxy_msg sm;
    memset(&sm, 0, sizeof sm);
    sm.type = LCP_MSG_STATE;
    sm.u.state.path = (lcp_bytes){(const uint8_t *)"p", 1};
    sm.u.state.height = (lcp_height){1, 11};
    assert_int_equal(lcp_proxy_msg_encode(pm, sizeof pm, &n, &sm), LCP_OK);
    EXPECT(LCP_ERR_LC_UNKNOWN_PROXY_MESSAGE_HEADER, upd_raw(&w, pm, n, (const uint8_t(*)[32])SK1, 1, T0, e_));
    /* Misbehaviour: no previous state; unknown previous state; then a real one freezes the client. */
    lcp_proxy_msg mb;
    memset(&mb, 0, sizeof mb);
    mb.type = LCP_MSG_MISBEHAVIOUR;
    uint8_t ctx[LCP_CONTEXT_MAX_LEN];
    size_t cl;
    lcp_validation_context vc = {.type = LCP_CONTEXT_EMPTY};
    assert_int_equal(lcp_context_encode(ctx, sizeof ctx, &cl, &vc), LCP_OK);
    mb.u.misbehaviour.context = (lcp_bytes){ctx, cl};
    assert_int_equal(lcp_proxy_msg_encode(pm, sizeof pm, &n, &mb), LCP_OK);
    EXPECT(LCP_ERR_LC_MISBEHAVIOUR_PREV_STATES_MUST_NOT_EMPTY, upd_raw(&w, pm, n, (const uint8_t(*)[32])SK1, 1, T0, e_));
    lcp_prev_state ps = {{1, 11}, {0}};
    memset(ps.state_id, 0x55, 32);
    mb.u.misbehaviour.prev_states = &ps;
    mb.u.misbehaviour.prev_count = 1;
    assert_int_equal(lcp_proxy_msg_encode(pm, sizeof pm, &n, &mb), LCP_OK);
    EXPECT(LCP_ERR_LC_UPDATE_STATE_UNEXPECTED_PREV_STATE_ID, upd_raw(&w, pm, n, (const uint8_t(*)[32])SK1, 1, T0, e_));
    memset(ps.state_id, 11, 32);
    assert_int_equal(lcp_proxy_msg_encode(pm, sizeof pm, &n, &mb), LCP_OK);
    EXPECT(LCP_OK, upd_raw(&w, pm, n, (const uint8_t(*)[32])SK1, 1, T0, e_));
    n = mk_update(pm, sizeof pm, 11, 12, 0, ts, NULL);
    EXPECT(LCP_ERR_LC_CLIENT_STATE_FROZEN, upd_raw(&w, pm, n, (const uint8_t(*)[32])SK1, 1, T0, e_));
    static const uint8_t junk[] = {0x12, 0x7f};
    EXPECT(LCP_ERR_LC_INVALID_MESSAGE, lcp_lc_update_client(w.c.lc, NULL, CID, junk, 2, T0, e_));
    close_world(&w);
}

/* A TrustingPeriod context is checked against now with the strict boundaries of the enclave and Solidity. */
static void test_update_context_time(void **state)
{
    (void)state;
    world w;
    open_world(&w, NULL, 0, 0, 0);
    reg_opts o = DEFAULT_REG;
    o.debug = 1;
    assert_int_equal(reg(&w, SK1, &o, T0, NULL), LCP_OK);
    uint8_t pm[4096], ctx[LCP_CONTEXT_MAX_LEN];
    size_t n, cl;
    lcp_validation_context vc = {LCP_CONTEXT_TRUSTING_PERIOD, (lcp_u128)(T0 + 100) * 1000000000u,
                                 (lcp_u128)(T0 - 500) * 1000000000u, (lcp_u128)1000 * 1000000000u,
                                 (lcp_u128)10 * 1000000000u};
    assert_int_equal(lcp_context_encode(ctx, sizeof ctx, &cl, &vc), LCP_OK);
    lcp_proxy_msg m;
    memset(&m, 0, sizeof m);
    m.type = LCP_MSG_UPDATE_STATE;
    m.u.update.post_height = (lcp_height){1, 5};
    memset(m.u.update.post_state_id, 5, 32);
    m.u.update.timestamp = (lcp_u128)T0 * 1000000000u;
    m.u.update.context = (lcp_bytes){ctx, cl};
    static const lcp_emitted_state es = {{1, 5}, {(const uint8_t *)"s", 1}};
    m.u.update.emitted = &es;
    m.u.update.emitted_count = 1;
    assert_int_equal(lcp_proxy_msg_encode(pm, sizeof pm, &n, &m), LCP_OK);
    EXPECT(LCP_ERR_COMMITMENT_CLOCK_DRIFT, upd_raw(&w, pm, n, (const uint8_t(*)[32])SK1, 1, T0 + 90, e_));
    EXPECT(LCP_ERR_COMMITMENT_TRUSTING_PERIOD, upd_raw(&w, pm, n, (const uint8_t(*)[32])SK1, 1, T0 + 500, e_));
    /* A trusted time plus period past u128, signed by a registered key: lcp-solidity's checked uint128 sum reverts,
     * so it is refused at any time, never read as a trusting period that does not end (issue 10, item 6). */
    lcp_validation_context ov = vc;
    ov.trusted_state_timestamp = ~(lcp_u128)0 - 5;
    uint8_t pm2[4096];
    size_t n2;
    assert_int_equal(lcp_context_encode(ctx, sizeof ctx, &cl, &ov), LCP_OK);
    m.u.update.context = (lcp_bytes){ctx, cl};
    assert_int_equal(lcp_proxy_msg_encode(pm2, sizeof pm2, &n2, &m), LCP_OK);
    EXPECT(LCP_ERR_COMMITMENT_TRUSTING_PERIOD, upd_raw(&w, pm2, n2, (const uint8_t(*)[32])SK1, 1, T0 + 91, e_));
    EXPECT(LCP_OK, upd_raw(&w, pm, n, (const uint8_t(*)[32])SK1, 1, T0 + 91, e_));
    close_world(&w);
}

static void test_membership_errors(void **state)
{
    (void)state;
    world w;
    open_world(&w, NULL, 0, 0, 0);
    reg_opts o = DEFAULT_REG;
    o.debug = 1;
    assert_int_equal(reg(&w, SK1, &o, T0, NULL), LCP_OK);
    uint8_t pm[4096];
    size_t n = mk_update(pm, sizeof pm, 0, 10, 1, (uint64_t)T0 * 1000000000ull, NULL);
    assert_int_equal(upd_raw(&w, pm, n, (const uint8_t(*)[32])SK1, 1, T0, NULL), LCP_OK);
    const char *path = "commitments/ports/transfer/channels/channel-0/sequences/1";
    lcp_proxy_msg sm;
    memset(&sm, 0, sizeof sm);
    sm.type = LCP_MSG_STATE;
    sm.u.state.prefix = (lcp_bytes){(const uint8_t *)"ibc", 3};
    sm.u.state.path = (lcp_bytes){(const uint8_t *)path, strlen(path)};
    lcp_keccak256(sm.u.state.value, (const uint8_t *)"v", 1);
    sm.u.state.height = (lcp_height){1, 10};
    memset(sm.u.state.state_id, 10, 32);
    uint8_t msg[4096], sig[65], d[32];
    size_t ml;
    assert_int_equal(lcp_proxy_msg_encode(msg, sizeof msg, &ml, &sm), LCP_OK);
    lcp_keccak256(d, msg, ml);
    assert_int_equal(lcp_secp256k1_sign(sig, SK1, d), LCP_OK);
    lcp_bytes s = {sig, 65};
    size_t pl;
    uint8_t *proof = lcfix_proofs(msg, ml, &s, 1, &pl);
    lcp_height h = {1, 10}, h2 = {1, 9};
    const uint8_t *P = (const uint8_t *)path;
    size_t L = strlen(path);
    lcp_lc *lc = w.c.lc;
    EXPECT(LCP_OK, lcp_lc_verify_membership(lc, CID, &h, (const uint8_t *)"ibc", 3, P, L, (const uint8_t *)"v", 1, proof, pl, T0, e_));
    EXPECT(LCP_ERR_LC_MEMBERSHIP_INVALID_HEIGHT, lcp_lc_verify_membership(lc, CID, &h2, (const uint8_t *)"ibc", 3, P, L, (const uint8_t *)"v", 1, proof, pl, T0, e_));
    EXPECT(LCP_ERR_LC_MEMBERSHIP_INVALID_PREFIX, lcp_lc_verify_membership(lc, CID, &h, (const uint8_t *)"ibd", 3, P, L, (const uint8_t *)"v", 1, proof, pl, T0, e_));
    EXPECT(LCP_ERR_LC_MEMBERSHIP_INVALID_PATH, lcp_lc_verify_membership(lc, CID, &h, (const uint8_t *)"ibc", 3, P, L - 1, (const uint8_t *)"v", 1, proof, pl, T0, e_));
    EXPECT(LCP_ERR_LC_MEMBERSHIP_INVALID_VALUE, lcp_lc_verify_membership(lc, CID, &h, (const uint8_t *)"ibc", 3, P, L, (const uint8_t *)"w", 1, proof, pl, T0, e_));
    EXPECT(LCP_ERR_LC_MEMBERSHIP_INVALID_VALUE, lcp_lc_verify_non_membership(lc, CID, &h, (const uint8_t *)"ibc", 3, P, L, proof, pl, T0, e_));
    EXPECT(LCP_ERR_LC_ENCLAVE_KEY_EXPIRED, lcp_lc_verify_membership(lc, CID, &h, (const uint8_t *)"ibc", 3, P, L, (const uint8_t *)"v", 1, proof, pl, T0 + 3600, e_));
    /* A tampered signature is never accepted. */
    sig[10] ^= 1;
    uint8_t *bad = lcfix_proofs(msg, ml, &s, 1, &pl);
    int rc = lcp_lc_verify_membership(lc, CID, &h, (const uint8_t *)"ibc", 3, P, L, (const uint8_t *)"v", 1, bad, pl, T0, NULL);
    assert_int_not_equal(rc, LCP_OK);
    lcp_free(bad);
    sig[10] ^= 1;
    /* Same message about another state id, and about a height with no consensus state. */
    memset(sm.u.state.state_id, 9, 32);
    assert_int_equal(lcp_proxy_msg_encode(msg, sizeof msg, &ml, &sm), LCP_OK);
    lcp_free(proof);
    proof = lcfix_proofs(msg, ml, &s, 1, &pl);
    EXPECT(LCP_ERR_LC_MEMBERSHIP_INVALID_STATE_ID, lcp_lc_verify_membership(lc, CID, &h, (const uint8_t *)"ibc", 3, P, L, (const uint8_t *)"v", 1, proof, pl, T0, e_));
    sm.u.state.height = (lcp_height){1, 9};
    assert_int_equal(lcp_proxy_msg_encode(msg, sizeof msg, &ml, &sm), LCP_OK);
    lcp_free(proof);
    proof = lcfix_proofs(msg, ml, &s, 1, &pl);
    EXPECT(LCP_ERR_LC_CONSENSUS_STATE_NOT_FOUND, lcp_lc_verify_membership(lc, CID, &h2, (const uint8_t *)"ibc", 3, P, L, (const uint8_t *)"v", 1, proof, pl, T0, e_));
    /* An UpdateState commitment is not a membership proof. */
    lcp_free(proof);
    proof = lcfix_proofs(pm, n, &s, 1, &pl);
    EXPECT(LCP_ERR_LC_UNKNOWN_PROXY_MESSAGE_HEADER, lcp_lc_verify_membership(lc, CID, &h, (const uint8_t *)"ibc", 3, P, L, (const uint8_t *)"v", 1, proof, pl, T0, e_));
    EXPECT(LCP_ERR_LC_INVALID_MESSAGE, lcp_lc_verify_membership(lc, CID, &h, (const uint8_t *)"ibc", 3, P, L, (const uint8_t *)"v", 1, proof, pl - 1, T0, e_));
    lcp_free(proof);
    close_world(&w);
}

static int failing_set(void *ud, const char *key, const uint8_t *v, size_t n)
{
    (void)ud, (void)key, (void)v, (void)n;
    return LCP_ERR_IO;
}

static void test_operators_and_dispatch(void **state)
{
    (void)state;
    uint8_t ops[2][20], opsk[2][32];
    addr_of(ops[0], OP1);
    addr_of(ops[1], OP2);
    memcpy(opsk[0], OP1, 32);
    memcpy(opsk[1], OP2, 32);
    if (memcmp(ops[0], ops[1], 20) > 0) {
        uint8_t t[32];
        memcpy(t, ops[0], 20), memcpy(ops[0], ops[1], 20), memcpy(ops[1], t, 20);
        memcpy(t, opsk[0], 32), memcpy(opsk[0], opsk[1], 32), memcpy(opsk[1], t, 32);
    }
    world w;
    open_world(&w, (const uint8_t(*)[20])ops, 2, 1, 2);
    lcp_lc *lc = w.c.lc;
    uint8_t newops[1][20], msg[4096], digest[32], sig[2][65], dom[32];
    memset(newops[0], 0x5a, 20);
    lcp_eip712_domain_cosmos(dom, "ibc0", 4, (const uint8_t *)"ibc", 3);
    lcp_eip712_update_operators(digest, dom, CID, strlen(CID), 1, (const uint8_t(*)[20])newops, 1, 1, 1);
    for (int i = 0; i < 2; i++) assert_int_equal(lcp_secp256k1_sign(sig[i], opsk[i], digest), LCP_OK);
    lcp_bytes sv[2] = {{sig[0], 65}, {NULL, 0}}, none[2] = {{NULL, 0}, {NULL, 0}}, swapped[2] = {{sig[1], 65}, {NULL, 0}};
    size_t len;
#define OPS_MSG(nonce, sigs, nsig)                                                                                   \
    assert_int_equal(lcp_lc_encode_update_operators(msg, sizeof msg, &len, nonce, (const uint8_t(*)[20])newops, 1, 1, \
                                                    1, sigs, nsig),                                                  \
                     LCP_OK)
    OPS_MSG(2, sv, 2);
    EXPECT(LCP_ERR_LC_CLIENT_STATE_UNEXPECTED_OPERATORS_NONCE, lcp_lc_update_operators(lc, CID, msg, len, e_));
    OPS_MSG(1, sv, 1);
    EXPECT(LCP_ERR_LC_INVALID_SIGNATURES_LENGTH, lcp_lc_update_operators(lc, CID, msg, len, e_));
    OPS_MSG(1, none, 2);
    EXPECT(LCP_ERR_LC_OPERATOR_SIGNATURES_INSUFFICIENT, lcp_lc_update_operators(lc, CID, msg, len, e_));
    OPS_MSG(1, swapped, 2);
    EXPECT(LCP_ERR_LC_UPDATE_OPERATORS_SIGNATURE_UNEXPECTED_OPERATOR, lcp_lc_update_operators(lc, CID, msg, len, e_));
    /* 1/2 of two operators: one valid signature suffices. Through the Any dispatcher. */
    OPS_MSG(1, sv, 2);
    uint8_t any[4096];
    lcp_pb_writer pw;
    lcp_pb_writer_init(&pw, any, sizeof any);
    lcp_pb_put_any(&pw, LCP_LC_TYPE_UPDATE_OPERATORS, strlen(LCP_LC_TYPE_UPDATE_OPERATORS), msg, len);
    EXPECT(LCP_OK, lcp_lc_client_message(lc, CID, any, pw.len, T0, e_));
    lcp_lc_client_state cs;
    assert_int_equal(lcp_lc_get_client_state(lc, &cs, CID, NULL), LCP_OK);
    assert_int_equal(cs.operators_nonce, 1);
    assert_int_equal(cs.operator_count, 1);
    assert_memory_equal(cs.operators[0].ptr, newops[0], 20);
    /* Replaying the change: its two signature slots no longer fit the one operator; with one slot, the nonce. */
    EXPECT(LCP_ERR_LC_INVALID_SIGNATURES_LENGTH, lcp_lc_client_message(lc, CID, any, pw.len, T0, e_));
    OPS_MSG(1, sv, 1);
    EXPECT(LCP_ERR_LC_CLIENT_STATE_UNEXPECTED_OPERATORS_NONCE, lcp_lc_update_operators(lc, CID, msg, len, e_));
    /* Unknown and unsupported message types. */
    lcp_pb_writer_init(&pw, any, sizeof any);
    lcp_pb_put_any(&pw, "/x.Y", 4, msg, len);
    EXPECT(LCP_ERR_LC_UNKNOWN_PROTO_TYPE_URL, lcp_lc_client_message(lc, CID, any, pw.len, T0, e_));
    lcp_pb_writer_init(&pw, any, sizeof any);
    lcp_pb_put_any(&pw, LCP_LC_TYPE_ZKDCAP_REGISTER_ENCLAVE_KEY, strlen(LCP_LC_TYPE_ZKDCAP_REGISTER_ENCLAVE_KEY), msg, 1);
    EXPECT(LCP_ERR_LC_UNSUPPORTED, lcp_lc_client_message(lc, CID, any, pw.len, T0, e_));
    EXPECT(LCP_ERR_LC_INVALID_MESSAGE, lcp_lc_client_message(lc, CID, any, 3, T0, e_));
    close_world(&w);

    /* A permissionless client has no operators to update. */
    open_world(&w, NULL, 0, 0, 0);
    OPS_MSG(1, sv, 0);
    EXPECT(LCP_ERR_LC_UPDATE_OPERATORS_PERMISSIONLESS, lcp_lc_update_operators(w.c.lc, CID, msg, len, e_));
    /* A store that cannot write reports it as such. */
    lcp_lc_config cfg = {0};
    cfg.store = lcp_lc_memstore_iface(w.c.mem);
    cfg.store.set = failing_set;
    cfg.ias_root_der = w.c.root;
    cfg.ias_root_der_len = w.c.root_len;
    cfg.development_mode = 1;
    lcp_lc *lc2;
    void *mem = lcp_malloc(lcp_lc_size());
    assert_int_equal(lcp_lc_init(&lc2, mem, lcp_lc_size(), &cfg), LCP_OK);
    uint8_t csb[4096];
    size_t csl;
    mk_client_state(csb, &csl, 3600, NULL, 0, 0, 0);
    EXPECT(LCP_ERR_LC_STORE, lcp_lc_create_client(lc2, "c2", csb, csl, NULL, 0, e_));
    lcp_free(mem);
    close_world(&w);
}

/* The hand-written ClientState codec agrees with protobuf-c's code generated from proto/ibc_lcp.proto. */
#include "proto/ibc_lcp.pb-c.h"
static void test_codec_matches_protobuf_c(void **state)
{
    (void)state;
    uint8_t ops[2][20], buf[4096];
    memset(ops[0], 1, 20);
    memset(ops[1], 2, 20);
    size_t n;
    memset(MRENCLAVE, 0xab, 32);
    mk_client_state(buf, &n, 3600, (const uint8_t(*)[20])ops, 2, 1, 2);
    Ibc__Lightclients__Lcp__V1__ClientState *pc = ibc__lightclients__lcp__v1__client_state__unpack(NULL, n, buf);
    assert_non_null(pc);
    assert_int_equal(pc->key_expiration, 3600);
    assert_int_equal(pc->n_operators, 2);
    assert_int_equal(pc->operators_threshold_denominator, 2);
    assert_int_equal(pc->n_allowed_quote_statuses, 1);
    uint8_t re[4096];
    size_t rn = ibc__lightclients__lcp__v1__client_state__pack(pc, re);
    assert_int_equal(rn, n);
    assert_memory_equal(re, buf, n);
    ibc__lightclients__lcp__v1__client_state__free_unpacked(pc, NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_create_errors),       cmocka_unit_test(test_register_errors),
        cmocka_unit_test(test_update_errors),       cmocka_unit_test(test_update_context_time),
        cmocka_unit_test(test_membership_errors),   cmocka_unit_test(test_operators_and_dispatch),
        cmocka_unit_test(test_codec_matches_protobuf_c),
    };
    return cmocka_run_group_tests_name("lcpclient/errors", tests, setup, NULL);
}
