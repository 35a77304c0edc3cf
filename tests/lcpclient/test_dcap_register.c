/* lcp-c's DCAP registration (DCAPRegisterEnclaveKeyMessage, lcp_lc_register_enclave_key_dcap): quotes of the
 * simulated platform and its published collateral, verified by the client natively (through a long-lived verifier;
 * test_tcb_recovery covers the one-shot path) under the simulation root (and refused under Intel's); each rule of spec §6.4 refusing on its own; the key's expiry formula; the TCB
 * evaluation data number through its grace period and its edge cases; nothing written by a refused call. */
#include "lcfix.h"
#include "simfix.h"

#include <stdio.h>
#include <string.h>

#include "lcp/codec_pb.h"
#include "lcp/crypto.h"

#define T0 1800000000LL /* 2027-01-15 */
#define DAY 86400LL
#define CID "lcp-dcap-0"

/* One deployment: a simulated platform and an LCP client trusting its root. */
typedef struct {
    simfix f;
    lcp_lc_memstore *mem;
    lcp_lc *lc;
    void *lc_mem;
    lcp_dcap_verifier *verifier; /* the client verifies through a long-lived verifier, as a deployment would */
    int development_mode;
} world;

typedef struct {
    uint64_t key_expiration;
    const char *statuses[4];
    const char *advisories[8];
    const uint8_t (*operators)[20];
    size_t nops;
    uint32_t current, grace, next;
    uint64_t next_time;
    uint8_t mrenclave_byte; /* 0x11 is the test enclave's */
} policy;

static void open_lc(world *w, const uint8_t *root, size_t root_len, int development_mode)
{
    w->mem = lcp_lc_memstore_new();
    assert_non_null(w->mem);
    lcp_lc_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.store = lcp_lc_memstore_iface(w->mem);
    cfg.development_mode = development_mode;
    char err[LCP_ERR_LEN] = "";
    assert_int_equal(lcp_dcap_verifier_new(&w->verifier, root, root_len, err), LCP_OK);
    cfg.dcap_verifier = w->verifier;
    w->development_mode = development_mode;
    w->lc_mem = lcp_malloc(lcp_lc_size());
    assert_non_null(w->lc_mem);
    assert_int_equal(lcp_lc_init(&w->lc, w->lc_mem, lcp_lc_size(), &cfg), LCP_OK);
}

static void close_lc(world *w)
{
    lcp_dcap_verifier_free(w->verifier);
    lcp_lc_memstore_free(w->mem);
    lcp_free(w->lc_mem);
}

static void create(world *w, const policy *p)
{
    lcp_lc_client_state cs;
    memset(&cs, 0, sizeof cs);
    uint8_t mr[32];
    memset(mr, p->mrenclave_byte ? p->mrenclave_byte : 0x11, 32);
    cs.mrenclave = (lcp_bytes){mr, 32};
    cs.key_expiration = p->key_expiration;
    for (; cs.status_count < 4 && p->statuses[cs.status_count]; cs.status_count++)
        cs.allowed_quote_statuses[cs.status_count] =
            (lcp_bytes){(const uint8_t *)p->statuses[cs.status_count], strlen(p->statuses[cs.status_count])};
    for (; cs.advisory_count < 8 && p->advisories[cs.advisory_count]; cs.advisory_count++)
        cs.allowed_advisory_ids[cs.advisory_count] =
            (lcp_bytes){(const uint8_t *)p->advisories[cs.advisory_count], strlen(p->advisories[cs.advisory_count])};
    for (size_t i = 0; i < p->nops; i++) cs.operators[i] = (lcp_bytes){p->operators[i], 20};
    cs.operator_count = p->nops;
    cs.threshold_numerator = cs.threshold_denominator = p->nops ? 1 : 0;
    cs.current_tcb_evaluation_data_number = p->current;
    cs.tcb_evaluation_data_number_update_grace_period = p->grace;
    cs.next_tcb_evaluation_data_number = p->next;
    cs.next_tcb_evaluation_data_number_update_time = p->next_time;
    uint8_t buf[4096];
    size_t n;
    assert_int_equal(lcp_lc_client_state_encode(buf, sizeof buf, &n, &cs), LCP_OK);
    char err[LCP_ERR_LEN] = "";
    if (p->key_expiration == 0) {
        /* lcp_lc_create_client refuses key_expiration 0 (the IAS rule, which lcp-c applies to every client); the
         * zkDCAP path defines it ("the evidence's end"), so such a state is put in the store directly. */
        lcp_lc_store st = lcp_lc_memstore_iface(w->mem);
        assert_int_equal(st.set(st.ud, "clients/" CID "/clientState", buf, n), LCP_OK);
        return;
    }
    if (lcp_lc_create_client(w->lc, CID, buf, n, NULL, 0, err) != LCP_OK) fail_msg("create: %s", err);
}

/* Key i's address: 0xe0+i repeated. */
static void key_addr(uint8_t key[20], int i) { memset(key, 0xe0 + i, 20); }

/* A quote for key i (report names operator rd_op, may be NULL) from the platform. */
static void quote_for(world *w, lcp_buf *q, int i, const uint8_t *rd_op, int debug)
{
    uint8_t key[20], rd[64];
    key_addr(key, i);
    simfix_report_data(rd, key, rd_op);
    lcp_tee_identity id = simfix_identity(debug);
    simfix_quote(&w->f, q, &id, rd);
}

/* The message for quote q with collateral eval (0 = current), signed by op_sk if given. Free with lcp_free. */
static uint8_t *msg_for(world *w, const lcp_buf *q, uint32_t eval, const uint8_t *op_sk, size_t *len)
{
    size_t cl;
    uint8_t *coll = simfix_collateral_json(&w->f, eval, &cl);
    uint8_t sig[65];
    if (op_sk) {
        uint8_t digest[32];
        lcp_eip712_dcap_register_enclave_key(digest, q->data, q->len);
        assert_int_equal(lcp_secp256k1_sign(sig, op_sk, digest), LCP_OK);
        sig[64] += 27;
    }
    size_t need;
    assert_int_equal(lcp_lc_encode_dcap_register_enclave_key(NULL, 0, &need, q->data, q->len, coll, cl, sig,
                                                             op_sk ? 65 : 0),
                     LCP_OK);
    uint8_t *m = lcp_malloc(need);
    assert_non_null(m);
    assert_int_equal(lcp_lc_encode_dcap_register_enclave_key(m, need, len, q->data, q->len, coll, cl, sig,
                                                             op_sk ? 65 : 0),
                     LCP_OK);
    lcp_free(coll);
    return m;
}

/* Registers quote q (collateral eval) at now and expects code; a refusal must write nothing. */
static void expect(world *w, int code, const lcp_buf *q, uint32_t eval, const uint8_t *op_sk, int64_t now,
                   lcp_lc_enclave_key *info, const char *why)
{
    size_t len;
    uint8_t *m = msg_for(w, q, eval, op_sk, &len);
    size_t writes = lcp_lc_memstore_writes(w->mem);
    char err[LCP_ERR_LEN] = "";
    uint8_t key[20];
    lcp_lc_enclave_key tmp;
    int rc = lcp_lc_register_enclave_key_dcap(w->lc, key, info ? info : &tmp, CID, m, len, now, err);
    if (rc != code) fail_msg("%s: expected %s, got %s: %s", why, lcp_errname(code), lcp_errname(rc), err);
    if (rc != LCP_OK) assert_int_equal(lcp_lc_memstore_writes(w->mem), writes);
    lcp_free(m);
}

static void cs_now(world *w, lcp_lc_client_state *cs)
{
    char err[LCP_ERR_LEN] = "";
    assert_int_equal(lcp_lc_get_client_state(w->lc, cs, CID, err), LCP_OK);
}

static void open_world(world *w, const policy *p, int development_mode)
{
    memset(w, 0, sizeof *w);
    simfix_open(&w->f, T0);
    open_lc(w, w->f.root, w->f.root_len, development_mode);
    create(w, p);
}

static void close_world(world *w)
{
    close_lc(w);
    simfix_close(&w->f);
}

static const uint8_t SK_A[32] = {0xa1, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
                                 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31};
static const uint8_t SK_B[32] = {0xb2, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
                                 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 32};

static void addr_of(uint8_t addr[20], const uint8_t sk[32])
{
    uint8_t pub[65];
    assert_int_equal(lcp_secp256k1_pubkey(pub, sk), LCP_OK);
    assert_int_equal(lcp_secp256k1_address(addr, pub, 65), LCP_OK);
}

/* Our EIP-712 definition, against ethers v6 TypedDataEncoder.hash with domain {name "LCPClient", version "1",
 * chainId 0, verifyingContract 0x0, salt 0x0} and types {DCAPRegisterEnclaveKey: [{quote: bytes}]}. */
static void test_eip712_digest(void **state)
{
    (void)state;
    uint8_t q[100], d[32], want[32];
    for (int i = 0; i < 100; i++) q[i] = (uint8_t)i;
    lcp_eip712_dcap_register_enclave_key(d, q, sizeof q);
    tu_hex(want, 32, "1e02a42f531f29e528ec83c50c25a9d3384d5fc6198520104ad855d6df812251");
    assert_memory_equal(d, want, 32);
    lcp_eip712_dcap_register_enclave_key(d, q, 0);
    tu_hex(want, 32, "36100be1d03e966a59c9e5827c506542bd0c3890342780e4e79ac41c65f36739");
    assert_memory_equal(d, want, 32);
}

/* The contract's model (contracts/): the chain holds the collateral and a registration carries the quote alone.
 * With cfg.dcap_collateral the C client takes the same message; the quote's chain must be [leaf, the collateral's
 * PCK CA, the anchor], so a quote carrying another CA certificate text is refused although the verifier never used
 * that copy. */
static void test_held_collateral_and_chain(void **state)
{
    (void)state;
    world w;
    memset(&w, 0, sizeof w);
    simfix_open(&w.f, T0);
    size_t cl;
    uint8_t *coll = simfix_collateral_json(&w.f, 0, &cl);
    w.mem = lcp_lc_memstore_new();
    assert_non_null(w.mem);
    lcp_lc_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.store = lcp_lc_memstore_iface(w.mem);
    cfg.development_mode = 1;
    cfg.dcap_root_der = w.f.root;
    cfg.dcap_root_der_len = w.f.root_len;
    cfg.dcap_collateral = coll;
    cfg.dcap_collateral_len = cl;
    w.lc_mem = lcp_malloc(lcp_lc_size());
    assert_non_null(w.lc_mem);
    assert_int_equal(lcp_lc_init(&w.lc, w.lc_mem, lcp_lc_size(), &cfg), LCP_OK);
    policy p = {.key_expiration = 3600};
    create(&w, &p);
    lcp_buf q = {0};
    quote_for(&w, &q, 1, NULL, 1);
    char err[LCP_ERR_LEN] = "";
    uint8_t m[16384];
    size_t n;
    /* a changed base64 character of the second PEM block (the CA) of the quote's chain */
    lcp_dcap_quote pq;
    assert_int_equal(lcp_dcap_quote_parse(&pq, q.data, q.len, err), LCP_OK);
    const char *second = memmem(pq.cert_data.ptr + 1, pq.cert_data.len - 1, "-----BEGIN", 10);
    assert_non_null(second);
    size_t off = (size_t)((const uint8_t *)second - q.data) + 100;
    uint8_t saved = q.data[off];
    q.data[off] = saved == 'A' ? 'B' : 'A';
    assert_int_equal(lcp_lc_encode_dcap_register_enclave_key(m, sizeof m, &n, q.data, q.len, NULL, 0, NULL, 0), LCP_OK);
    assert_int_equal(lcp_lc_register_enclave_key_dcap(w.lc, NULL, NULL, CID, m, n, T0 + 60, err), LCP_ERR_LC_DCAP_INVALID);
    assert_non_null(strstr(err, "PCK CA"));
    q.data[off] = saved;
    /* the quote alone: accepted with the held collateral */
    assert_int_equal(lcp_lc_encode_dcap_register_enclave_key(m, sizeof m, &n, q.data, q.len, NULL, 0, NULL, 0), LCP_OK);
    uint8_t key[20], want[20];
    if (lcp_lc_register_enclave_key_dcap(w.lc, key, NULL, CID, m, n, T0 + 60, err) != LCP_OK) fail_msg("held: %s", err);
    key_addr(want, 1);
    assert_memory_equal(key, want, 20);
    lcp_buf_free(&q);
    lcp_free(coll);
    lcp_lc_memstore_free(w.mem);
    lcp_free(w.lc_mem);
    simfix_close(&w.f);
}

/* A simulated quote registers under the simulation root, with the expiry of spec §6.4, through the Any dispatch
 * too; the same message again changes nothing; Intel's root (the default) refuses it. */
static void test_register(void **state)
{
    (void)state;
    policy p = {0};
    world w;
    open_world(&w, &p, 0);
    lcp_buf q = {0};
    quote_for(&w, &q, 1, NULL, 0);
    lcp_lc_enclave_key info;
    expect(&w, LCP_OK, &q, 0, NULL, T0 + 60, &info, "register");
    /* key_expiration 0: the evidence's end + 1 (collateral issued at T0, valid 30 days). */
    assert_int_equal(info.expired_at, (uint64_t)(T0 + LCP_SIM_COLLATERAL_LIFETIME + 1));
    uint8_t zero[20] = {0}, key[20];
    assert_memory_equal(info.operator_addr, zero, 20);
    key_addr(key, 1);
    lcp_lc_enclave_key got;
    char err[LCP_ERR_LEN] = "";
    assert_int_equal(lcp_lc_get_enclave_key(w.lc, &got, CID, key, err), LCP_OK);
    assert_int_equal(got.expired_at, info.expired_at);
    /* Again: a no-op (same operator and expiry), nothing written. */
    size_t writes = lcp_lc_memstore_writes(w.mem);
    expect(&w, LCP_OK, &q, 0, NULL, T0 + 120, NULL, "register again");
    assert_int_equal(lcp_lc_memstore_writes(w.mem), writes);
    /* Through lcp_lc_client_message with the type URL. */
    lcp_buf q2 = {0};
    quote_for(&w, &q2, 2, NULL, 0);
    size_t ml;
    uint8_t *m = msg_for(&w, &q2, 0, NULL, &ml);
    uint8_t *any = lcp_malloc(ml + 128);
    assert_non_null(any);
    lcp_pb_writer pw;
    lcp_pb_writer_init(&pw, any, ml + 128);
    lcp_pb_put_bytes(&pw, 1, LCP_LC_TYPE_DCAP_REGISTER_ENCLAVE_KEY, strlen(LCP_LC_TYPE_DCAP_REGISTER_ENCLAVE_KEY));
    lcp_pb_put_bytes(&pw, 2, m, ml);
    assert_int_equal(lcp_pb_writer_status(&pw), LCP_OK);
    if (lcp_lc_client_message(w.lc, CID, any, pw.len, T0 + 60, err) != LCP_OK) fail_msg("Any: %s", err);
    key_addr(key, 2);
    assert_int_equal(lcp_lc_get_enclave_key(w.lc, &got, CID, key, err), LCP_OK);
    lcp_free(any);
    lcp_free(m);
    close_lc(&w);
    /* The same client state under Intel's root: refused before anything else. */
    open_lc(&w, NULL, 0, 0);
    create(&w, &p);
    expect(&w, LCP_ERR_LC_DCAP_INVALID, &q, 0, NULL, T0 + 60, NULL, "Intel root");
    close_lc(&w);
    /* With key_expiration: min(not_before + key_expiration, not_after + 1). */
    open_lc(&w, w.f.root, w.f.root_len, 0);
    p.key_expiration = 3600;
    create(&w, &p);
    expect(&w, LCP_OK, &q, 0, NULL, T0 + 60, &info, "key_expiration 3600");
    assert_int_equal(info.expired_at, (uint64_t)(T0 + 3600));
    close_lc(&w);
    open_lc(&w, w.f.root, w.f.root_len, 0);
    p.key_expiration = 365 * DAY;
    create(&w, &p);
    expect(&w, LCP_OK, &q, 0, NULL, T0 + 60, &info, "key_expiration one year");
    assert_int_equal(info.expired_at, (uint64_t)(T0 + LCP_SIM_COLLATERAL_LIFETIME + 1));
    lcp_buf_free(&q);
    lcp_buf_free(&q2);
    close_world(&w);
}

/* Each rule refuses on its own, with its own code, and writes nothing. */
static void test_rules(void **state)
{
    (void)state;
    policy p = {0};
    p.key_expiration = 3600;
    world w;
    open_world(&w, &p, 0);
    lcp_buf q = {0}, dbg = {0};
    quote_for(&w, &q, 1, NULL, 0);
    /* Window: before the evidence's start, after its end; and a key that would expire at once. */
    expect(&w, LCP_ERR_LC_DCAP_OUTPUT_NOT_VALID, &q, 0, NULL, T0 - 1, NULL, "before not_before");
    expect(&w, LCP_ERR_LC_DCAP_OUTPUT_NOT_VALID, &q, 0, NULL, T0 + LCP_SIM_COLLATERAL_LIFETIME + 1, NULL,
           "after not_after");
    expect(&w, LCP_ERR_LC_DCAP_OUTPUT_NOT_VALID, &q, 0, NULL, -5, NULL, "negative time");
    expect(&w, LCP_ERR_LC_ENCLAVE_KEY_EXPIRED, &q, 0, NULL, T0 + 3600, NULL, "not_before + key_expiration == now");
    expect(&w, LCP_OK, &q, 0, NULL, T0 + 3599, NULL, "one second before");
    /* Debug: a production client refuses a debug enclave, a development client a production one. */
    quote_for(&w, &dbg, 3, NULL, 1);
    expect(&w, LCP_ERR_LC_DCAP_UNEXPECTED_ENCLAVE_DEBUG_MODE, &dbg, 0, NULL, T0 + 60, NULL, "debug in production");
    close_lc(&w);
    open_lc(&w, w.f.root, w.f.root_len, 1);
    create(&w, &p);
    expect(&w, LCP_ERR_LC_DCAP_UNEXPECTED_ENCLAVE_DEBUG_MODE, &q, 0, NULL, T0 + 60, NULL, "production in development");
    expect(&w, LCP_OK, &dbg, 0, NULL, T0 + 60, NULL, "debug in development");
    close_lc(&w);
    /* MRENCLAVE. */
    open_lc(&w, w.f.root, w.f.root_len, 0);
    policy other = p;
    other.mrenclave_byte = 0x12;
    create(&w, &other);
    expect(&w, LCP_ERR_LC_CLIENT_STATE_UNEXPECTED_MRENCLAVE, &q, 0, NULL, T0 + 60, NULL, "MRENCLAVE");
    close_lc(&w);
    /* Status and advisories, after a TCB recovery makes the platform OutOfDate with INTEL-SA-00999. */
    char err[LCP_ERR_LEN] = "";
    assert_int_equal(lcp_sim_issuer_tcb_recovery(NULL, w.f.platform, "INTEL-SA-00999", T0 + DAY, err), LCP_OK);
    open_lc(&w, w.f.root, w.f.root_len, 0);
    create(&w, &p);
    expect(&w, LCP_ERR_LC_DCAP_DISALLOWED_TCB_STATUS, &q, 0, NULL, T0 + DAY, NULL, "OutOfDate not allowed");
    close_lc(&w);
    open_lc(&w, w.f.root, w.f.root_len, 0);
    policy st = p;
    st.statuses[0] = "SWHardeningNeeded";
    st.statuses[1] = "OutOfDate";
    create(&w, &st);
    expect(&w, LCP_ERR_LC_DCAP_DISALLOWED_ADVISORY_ID, &q, 0, NULL, T0 + DAY, NULL, "advisory not allowed");
    close_lc(&w);
    open_lc(&w, w.f.root, w.f.root_len, 0);
    st.advisories[0] = "INTEL-SA-00999";
    create(&w, &st);
    expect(&w, LCP_OK, &q, 0, NULL, T0 + DAY, NULL, "OutOfDate and its advisory allowed");
    close_lc(&w);
    /* The IAS status name is not the DCAP one: GROUP_OUT_OF_DATE does not allow OutOfDate. */
    open_lc(&w, w.f.root, w.f.root_len, 0);
    st.statuses[1] = "GROUP_OUT_OF_DATE";
    create(&w, &st);
    expect(&w, LCP_ERR_LC_DCAP_DISALLOWED_TCB_STATUS, &q, 0, NULL, T0 + DAY, NULL, "IAS status name");
    close_lc(&w);
    open_lc(&w, w.f.root, w.f.root_len, 0);
    create(&w, &p);
    /* Tampering: the quote's enclave report, its signature; the collateral's signed text. */
    lcp_buf bad = {0};
    assert_int_equal(lcp_buf_append(&bad, q.data, q.len), LCP_OK);
    bad.data[48 + 64] ^= 1; /* MRENCLAVE byte: the attestation key's signature no longer matches */
    expect(&w, LCP_ERR_LC_DCAP_INVALID, &bad, 1, NULL, T0 + 60, NULL, "changed report");
    bad.data[48 + 64] ^= 1;
    bad.data[436 + 3] ^= 0x10;
    expect(&w, LCP_ERR_LC_DCAP_INVALID, &bad, 1, NULL, T0 + 60, NULL, "changed signature");
    lcp_buf_free(&bad);
    /* The report_data must be LCP's version 1. */
    lcp_buf v2 = {0};
    uint8_t rd[64], key[20];
    key_addr(key, 4);
    simfix_report_data(rd, key, NULL);
    rd[0] = 2;
    lcp_tee_identity id = simfix_identity(0);
    simfix_quote(&w.f, &v2, &id, rd);
    expect(&w, LCP_ERR_LC_DCAP_INVALID, &v2, 1, NULL, T0 + 60, NULL, "report_data version 2");
    lcp_buf_free(&v2);
    lcp_buf_free(&q);
    lcp_buf_free(&dbg);
    close_world(&w);
}

/* Malformed messages, a changed collateral, another platform's root. */
static void test_malformed(void **state)
{
    (void)state;
    policy p = {0};
    world w;
    open_world(&w, &p, 0);
    lcp_buf q = {0};
    quote_for(&w, &q, 1, NULL, 0);
    char err[LCP_ERR_LEN] = "";
    uint8_t junk[4] = {0x0a, 0x05, 0x01, 0x02};
    assert_int_equal(lcp_lc_register_enclave_key_dcap(w.lc, NULL, NULL, CID, junk, sizeof junk, T0, err),
                     LCP_ERR_LC_INVALID_MESSAGE);
    uint8_t wrong_type[2] = {0x08, 0x01}; /* field 1 as a varint */
    assert_int_equal(lcp_lc_register_enclave_key_dcap(w.lc, NULL, NULL, CID, wrong_type, 2, T0, err),
                     LCP_ERR_LC_INVALID_MESSAGE);
    size_t need;
    uint8_t buf[8192];
    assert_int_equal(lcp_lc_encode_dcap_register_enclave_key(buf, sizeof buf, &need, q.data, q.len, NULL, 0, NULL, 0),
                     LCP_OK);
    assert_int_equal(lcp_lc_register_enclave_key_dcap(w.lc, NULL, NULL, CID, buf, need, T0, err),
                     LCP_ERR_LC_INVALID_MESSAGE);
    assert_non_null(strstr(err, "no collateral"));
    /* A collateral over the limit is refused before any work. */
    uint8_t *big = lcp_calloc(1, LCP_LC_MAX_DCAP_COLLATERAL_LEN + 1);
    assert_non_null(big);
    size_t bl = LCP_LC_MAX_DCAP_COLLATERAL_LEN + 1 + q.len + 64;
    uint8_t *bm = lcp_malloc(bl);
    assert_non_null(bm);
    assert_int_equal(lcp_lc_encode_dcap_register_enclave_key(bm, bl, &need, q.data, q.len, big,
                                                             LCP_LC_MAX_DCAP_COLLATERAL_LEN + 1, NULL, 0),
                     LCP_OK);
    assert_int_equal(lcp_lc_register_enclave_key_dcap(w.lc, NULL, NULL, CID, bm, need, T0, err),
                     LCP_ERR_LC_INVALID_MESSAGE);
    lcp_free(big);
    lcp_free(bm);
    /* The collateral's TCB Info text changed by one character (in its escaped JSON form): signature refused. */
    size_t cl;
    uint8_t *coll = simfix_collateral_json(&w.f, 0, &cl);
    char *at = strstr((char *)coll, "\\\"tcbType\\\":0");
    assert_non_null(at);
    at[strlen("\\\"tcbType\\\":")] = '1';
    bm = lcp_malloc(cl + q.len + 64);
    assert_non_null(bm);
    assert_int_equal(lcp_lc_encode_dcap_register_enclave_key(bm, cl + q.len + 64, &need, q.data, q.len, coll, cl,
                                                             NULL, 0),
                     LCP_OK);
    assert_int_equal(lcp_lc_register_enclave_key_dcap(w.lc, NULL, NULL, CID, bm, need, T0, err),
                     LCP_ERR_LC_DCAP_INVALID);
    assert_non_null(strstr(err, "TCB Info"));
    /* Not JSON at all. */
    assert_int_equal(lcp_lc_encode_dcap_register_enclave_key(bm, cl + q.len + 64, &need, q.data, q.len,
                                                             (const uint8_t *)"{]", 2, NULL, 0),
                     LCP_OK);
    assert_int_equal(lcp_lc_register_enclave_key_dcap(w.lc, NULL, NULL, CID, bm, need, T0, err),
                     LCP_ERR_LC_DCAP_INVALID);
    lcp_free(bm);
    lcp_free(coll);
    /* Unknown client. */
    size_t ml;
    uint8_t *m = msg_for(&w, &q, 0, NULL, &ml);
    assert_int_equal(lcp_lc_register_enclave_key_dcap(w.lc, NULL, NULL, "lcp-none", m, ml, T0, err),
                     LCP_ERR_LC_CLIENT_STATE_NOT_FOUND);
    lcp_free(m);
    close_lc(&w);
    /* Another simulated Intel's root. */
    simfix g;
    simfix_open(&g, T0);
    open_lc(&w, g.root, g.root_len, 0);
    create(&w, &p);
    expect(&w, LCP_ERR_LC_DCAP_INVALID, &q, 0, NULL, T0 + 60, NULL, "other root");
    simfix_close(&g);
    lcp_buf_free(&q);
    close_world(&w);
}

/* Operators: signature by the named operator, by someone else, none; a client with an operator set. */
static void test_operators(void **state)
{
    (void)state;
    uint8_t a[20], b[20];
    addr_of(a, SK_A);
    addr_of(b, SK_B);
    policy p = {0};
    world w;
    open_world(&w, &p, 0);
    lcp_buf qa = {0}, qz = {0};
    quote_for(&w, &qa, 1, a, 0); /* the report names operator a */
    quote_for(&w, &qz, 2, NULL, 0);
    expect(&w, LCP_ERR_LC_DCAP_UNEXPECTED_OPERATOR, &qa, 0, NULL, T0, NULL, "named operator, no signature");
    expect(&w, LCP_ERR_LC_DCAP_UNEXPECTED_OPERATOR, &qa, 0, SK_B, T0, NULL, "named operator, signed by another");
    lcp_lc_enclave_key info;
    expect(&w, LCP_OK, &qa, 0, SK_A, T0, &info, "named operator signs");
    assert_memory_equal(info.operator_addr, a, 20);
    /* No operator named: whoever signs becomes the key's operator; the key cannot change operator later. */
    expect(&w, LCP_OK, &qz, 0, SK_B, T0, &info, "unnamed, signed by b");
    assert_memory_equal(info.operator_addr, b, 20);
    expect(&w, LCP_ERR_LC_ENCLAVE_KEY_UNEXPECTED_OPERATOR, &qz, 0, SK_A, T0, NULL, "re-register with a");
    /* The same key with other collateral (another window): another expiry. */
    char err[LCP_ERR_LEN] = "";
    assert_int_equal(lcp_sim_issuer_refresh(NULL, w.f.platform, T0 + DAY, err), LCP_OK);
    expect(&w, LCP_ERR_LC_ENCLAVE_KEY_UNEXPECTED_EXPIRED_AT, &qz, 0, SK_B, T0 + DAY, NULL, "another expiry");
    /* A signature that does not recover. */
    size_t ml;
    uint8_t *m = msg_for(&w, &qz, 0, SK_B, &ml);
    m[ml - 1] = 99; /* v */
    assert_int_equal(lcp_lc_register_enclave_key_dcap(w.lc, NULL, NULL, CID, m, ml, T0 + DAY, err),
                     LCP_ERR_LC_DCAP_UNEXPECTED_OPERATOR);
    lcp_free(m);
    close_lc(&w);
    /* A client with operators [a]: a's keys only. */
    uint8_t ops[1][20];
    memcpy(ops[0], a, 20);
    p.operators = (const uint8_t(*)[20])ops;
    p.nops = 1;
    open_lc(&w, w.f.root, w.f.root_len, 0);
    create(&w, &p);
    expect(&w, LCP_ERR_LC_DCAP_UNEXPECTED_OPERATOR, &qz, 0, NULL, T0 + DAY, NULL, "no operator");
    expect(&w, LCP_ERR_LC_DCAP_UNEXPECTED_OPERATOR, &qz, 0, SK_B, T0 + DAY, NULL, "not an operator");
    expect(&w, LCP_OK, &qz, 0, SK_A, T0 + DAY, NULL, "the operator");
    lcp_buf_free(&qa);
    lcp_buf_free(&qz);
    close_world(&w);
}

/* The TCB evaluation data number through its grace period (spec §6.4), with the simulated Intel's recoveries:
 * collateral 1 (T0), 2 (T1), 3 (T3). The client allows OutOfDate and the recovery advisories, so that every quote
 * registers under every collateral and only the number decides. */
static void test_tcb_evaluation_number(void **state)
{
    (void)state;
    const int64_t T1 = T0 + DAY, T3 = T0 + 3 * DAY, G = 2 * DAY;
    policy p = {0};
    p.statuses[0] = "OutOfDate";
    p.advisories[0] = "INTEL-SA-00999";
    p.advisories[1] = "INTEL-SA-01000";
    p.current = 1;
    p.grace = (uint32_t)G;
    world w;
    open_world(&w, &p, 0);
    lcp_buf q[8];
    memset(q, 0, sizeof q);
    for (int i = 0; i < 8; i++) quote_for(&w, &q[i], i, NULL, 0);
    char err[LCP_ERR_LEN] = "";
    lcp_lc_client_state cs;
    /* Same number: nothing changes. */
    expect(&w, LCP_OK, &q[0], 1, NULL, T0, NULL, "eval 1");
    cs_now(&w, &cs);
    assert_int_equal(cs.current_tcb_evaluation_data_number, 1);
    assert_int_equal(cs.next_tcb_evaluation_data_number, 0);
    /* Recovery: collateral 2 is reserved as next, due at T1 + G. */
    assert_int_equal(lcp_sim_issuer_tcb_recovery(NULL, w.f.platform, "INTEL-SA-00999", T1, err), LCP_OK);
    expect(&w, LCP_OK, &q[1], 2, NULL, T1, NULL, "eval 2 reserved");
    cs_now(&w, &cs);
    assert_int_equal(cs.current_tcb_evaluation_data_number, 1);
    assert_int_equal(cs.next_tcb_evaluation_data_number, 2);
    assert_int_equal(cs.next_tcb_evaluation_data_number_update_time, (uint64_t)(T1 + G));
    /* Within the grace period old collateral still registers, and does not move anything. */
    expect(&w, LCP_OK, &q[2], 1, NULL, T1 + G - 1, NULL, "eval 1 in grace");
    expect(&w, LCP_OK, &q[3], 2, NULL, T1 + G - 1, NULL, "eval 2 again");
    cs_now(&w, &cs);
    assert_int_equal(cs.current_tcb_evaluation_data_number, 1);
    assert_int_equal(cs.next_tcb_evaluation_data_number_update_time, (uint64_t)(T1 + G));
    /* At the due time the reserved number is current: old collateral is refused (and nothing is written). */
    expect(&w, LCP_ERR_LC_DCAP_UNEXPECTED_TCB_EVALUATION_DATA_NUMBER, &q[4], 1, NULL, T1 + G, NULL, "eval 1 late");
    cs_now(&w, &cs);
    assert_int_equal(cs.current_tcb_evaluation_data_number, 1); /* the refused call wrote nothing */
    expect(&w, LCP_OK, &q[4], 2, NULL, T1 + G, NULL, "eval 2 at due time");
    cs_now(&w, &cs);
    assert_int_equal(cs.current_tcb_evaluation_data_number, 2);
    assert_int_equal(cs.next_tcb_evaluation_data_number, 0);
    assert_int_equal(cs.next_tcb_evaluation_data_number_update_time, 0);
    expect(&w, LCP_ERR_LC_DCAP_UNEXPECTED_TCB_EVALUATION_DATA_NUMBER, &q[5], 1, NULL, T1 + G, NULL, "eval 1 after");
    close_lc(&w);

    /* Edge 1 (current < next < out): the reserved number becomes current, out is reserved. */
    assert_int_equal(lcp_sim_issuer_tcb_recovery(NULL, w.f.platform, "INTEL-SA-01000", T3, err), LCP_OK);
    policy e = p;
    e.next = 2;
    e.next_time = (uint64_t)(T3 + 100 * DAY);
    open_lc(&w, w.f.root, w.f.root_len, 0);
    create(&w, &e);
    expect(&w, LCP_OK, &q[0], 3, NULL, T3, NULL, "edge 1");
    cs_now(&w, &cs);
    assert_int_equal(cs.current_tcb_evaluation_data_number, 2);
    assert_int_equal(cs.next_tcb_evaluation_data_number, 3);
    assert_int_equal(cs.next_tcb_evaluation_data_number_update_time, (uint64_t)(T3 + G));
    close_lc(&w);
    /* Edge 2 (current < out < next): out becomes current at once, the reservation stays. */
    e.next = 3;
    open_lc(&w, w.f.root, w.f.root_len, 0);
    create(&w, &e);
    expect(&w, LCP_OK, &q[0], 2, NULL, T3, NULL, "edge 2");
    cs_now(&w, &cs);
    assert_int_equal(cs.current_tcb_evaluation_data_number, 2);
    assert_int_equal(cs.next_tcb_evaluation_data_number, 3);
    assert_int_equal(cs.next_tcb_evaluation_data_number_update_time, (uint64_t)(T3 + 100 * DAY));
    close_lc(&w);
    /* No grace period: out becomes current at once; a reservation without a grace period is refused. */
    policy z = p;
    z.grace = 0;
    open_lc(&w, w.f.root, w.f.root_len, 0);
    create(&w, &z);
    expect(&w, LCP_OK, &q[0], 3, NULL, T3, NULL, "grace 0");
    cs_now(&w, &cs);
    assert_int_equal(cs.current_tcb_evaluation_data_number, 3);
    assert_int_equal(cs.next_tcb_evaluation_data_number, 0);
    expect(&w, LCP_ERR_LC_DCAP_UNEXPECTED_TCB_EVALUATION_DATA_NUMBER, &q[1], 2, NULL, T3, NULL, "grace 0, older");
    close_lc(&w);
    z.next = 5;
    z.next_time = (uint64_t)(T3 + DAY);
    open_lc(&w, w.f.root, w.f.root_len, 0);
    create(&w, &z);
    expect(&w, LCP_ERR_LC_DCAP_UNEXPECTED_TCB_EVALUATION_DATA_NUMBER, &q[0], 3, NULL, T3, NULL, "grace 0, next set");
    for (int i = 0; i < 8; i++) lcp_buf_free(&q[i]);
    close_world(&w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_eip712_digest),
        cmocka_unit_test(test_register),
        cmocka_unit_test(test_held_collateral_and_chain),
        cmocka_unit_test(test_rules),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_operators),
        cmocka_unit_test(test_tcb_evaluation_number),
    };
    return cmocka_run_group_tests_name("lcpclient/dcap_register", tests, NULL, NULL);
}
