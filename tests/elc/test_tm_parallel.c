/* Parallel signature verification gives the sequential verdicts: the same generated headers (honest, a forged
 * signature at every position, absent signers, skipping across a changed set, unequal powers) are verified with
 * one thread and with 2, 3 and 8, and the return code, the error text and the proxy message agree every time.
 * Also: the workers really run (the thread count of the process), lcp_tm_commit_tally agrees on the real and the
 * vector data, a forked child verifies with the pool (re-created there), and 0 restores the CPU count. */
#include "testutil.h"
#include "tmchain.h"

#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define T0 1700000000
#define CID "07-tendermint-0"

static int threads_in_process(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    int n = -1;
    assert_non_null(f);
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "Threads: %d", &n) == 1) break;
    fclose(f);
    return n;
}

typedef struct {
    int rc;
    char err[LCP_ERR_LEN];
    lcp_buf msg;
} outcome;

static void run(outcome *o, tmc_memstore *m, const lcp_buf *hdr, uint64_t now)
{
    lcp_pb_any a = tmc_any(TMC_T_HEADER, hdr);
    lcp_elc_env env = tmc_memstore_env(m, now);
    lcp_elc_result r;
    memset(&r, 0, sizeof r);
    memset(o, 0, sizeof *o);
    o->rc = lcp_elc_tendermint.update_client(&env, &r, CID, &a, 1, o->err);
    if (o->rc == LCP_OK) {
        tmc_memstore_apply(m, CID, &r, 0);
        assert_int_equal(lcp_buf_append(&o->msg, r.message.data, r.message.len), LCP_OK);
    }
    lcp_elc_result_free(&r);
}

static unsigned cases, failures_seen;

/* Verifies hdr with 1 thread and with each of 2, 3, 8; all must agree. */
static void compare(tmc_memstore *m, const lcp_buf *hdr, uint64_t now)
{
    static const unsigned counts[] = {2, 3, 8};
    outcome seq, par;
    lcp_tm_set_verify_threads(1);
    run(&seq, m, hdr, now);
    for (size_t k = 0; k < sizeof counts / sizeof counts[0]; k++) {
        lcp_tm_set_verify_threads(counts[k]);
        run(&par, m, hdr, now);
        if (par.rc != seq.rc || strcmp(par.err, seq.err) != 0)
            fail_msg("%u threads: %s (%s), sequential: %s (%s)", counts[k], lcp_errname(par.rc), par.err,
                     lcp_errname(seq.rc), seq.err);
        assert_int_equal(par.msg.len, seq.msg.len);
        if (seq.msg.len) assert_memory_equal(par.msg.data, seq.msg.data, seq.msg.len);
        lcp_buf_free(&par.msg);
    }
    cases++;
    if (seq.rc != LCP_OK) failures_seen++;
    lcp_buf_free(&seq.msg);
}

static void test_same_verdicts(void **state)
{
    (void)state;
    const size_t n = 40;
    int64_t powers[40];
    for (size_t i = 0; i < n; i++) powers[i] = 1 + (int64_t)(i * 7 % 13);
    tmc_valset *vs = lcp_malloc(sizeof *vs);
    assert_non_null(vs);
    tmc_valset_make(vs, 5, 0, n, powers, 0);
    tmc_chain *c = tmc_chain_new("par-1", vs, T0);
    for (int i = 0; i < 5; i++) tmc_chain_push(c, NULL, NULL);   /* 2-6 */
    tmc_valset_make(vs, 5, 25, n, powers, 0);                     /* 15 of 40 kept */
    tmc_chain_push(c, vs, NULL);                                  /* 7 names it */
    for (int i = 0; i < 4; i++) tmc_chain_push(c, NULL, NULL);   /* 8-11 */
    lcp_free(vs);
    tmc_memstore *m = tmc_memstore_new();
    lcp_buf cs = {0}, cons = {0}, hdr = {0};
    tmc_client_state(&cs, c, 1, NULL);
    tmc_consensus_state(&cons, c, 1);
    lcp_pb_any a = tmc_any(TMC_T_CS, &cs), b = tmc_any(TMC_T_CONS, &cons);
    lcp_elc_result r;
    memset(&r, 0, sizeof r);
    lcp_elc_env env = tmc_memstore_env(m, (uint64_t)T0 * 1000000000ull);
    assert_int_equal(lcp_elc_tendermint.create_client(&env, &r, &a, &b, NULL), LCP_OK);
    tmc_memstore_apply(m, CID, &r, 1);
    lcp_elc_result_free(&r);
    uint64_t now = (uint64_t)(T0 + 100) * 1000000000ull;
    /* honest: adjacent, skipping, across the change (not enough trust) */
    static const int64_t pairs[][2] = {{2, 1}, {6, 1}, {9, 1}, {7, 6}, {8, 7}, {11, 8}};
    uint8_t absent[TMC_MAX_VALS];
    for (size_t p = 0; p < sizeof pairs / sizeof pairs[0]; p++) {
        tmc_sign_opts o;
        memset(&o, 0, sizeof o);
        hdr.len = 0;
        tmc_ibc_header(&hdr, c, pairs[p][0], pairs[p][1], NULL);
        compare(m, &hdr, now);
        /* a forged signature at every position */
        for (size_t f = 1; f <= n; f++) {
            o.forge = (int)f;
            hdr.len = 0;
            tmc_ibc_header(&hdr, c, pairs[p][0], pairs[p][1], &o);
            compare(m, &hdr, now);
        }
        /* absent signers (pseudo-random patterns), with and without a forgery */
        uint32_t x = 12345u + (uint32_t)p;
        for (int round = 0; round < 12; round++) {
            for (size_t i = 0; i < n; i++) {
                x = x * 1103515245u + 12345u;
                absent[i] = (x >> 16) % 100 < (uint32_t)(5 * round);
            }
            o.absent = absent;
            o.forge = round % 3 == 0 ? 0 : 1 + (int)((x >> 8) % n);
            hdr.len = 0;
            tmc_ibc_header(&hdr, c, pairs[p][0], pairs[p][1], &o);
            compare(m, &hdr, now);
        }
    }
    assert_true(cases > 300);
    assert_true(failures_seen > 100 && failures_seen < cases);
    lcp_tm_set_verify_threads(1);
    int baseline = threads_in_process(); /* 1, or more under a sanitizer with helper threads */
    lcp_tm_set_verify_threads(4);
    hdr.len = 0;
    tmc_ibc_header(&hdr, c, 6, 1, NULL);
    outcome o;
    run(&o, m, &hdr, now);
    assert_int_equal(o.rc, LCP_OK);
    lcp_buf_free(&o.msg);
    assert_int_equal(threads_in_process(), baseline + 3); /* three workers beside the caller */
    lcp_tm_set_verify_threads(1);
    assert_int_equal(threads_in_process(), baseline); /* workers stopped */
    lcp_tm_set_verify_threads(0);
    assert_true(lcp_tm_verify_threads() == (unsigned)sysconf(_SC_NPROCESSORS_ONLN) || sysconf(_SC_NPROCESSORS_ONLN) > 64);

    /* a child forked while the pool runs gets a pool of its own */
    lcp_tm_set_verify_threads(3);
    run(&o, m, &hdr, now);
    lcp_buf_free(&o.msg);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        outcome co;
        run(&co, m, &hdr, now);
        _exit(co.rc == LCP_OK && threads_in_process() >= 3 ? 0 : 1); /* the caller and two new workers */
    }
    int st;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    lcp_tm_set_verify_threads(0);

    lcp_buf_free(&hdr);
    lcp_buf_free(&cs);
    lcp_buf_free(&cons);
    tmc_memstore_free(m);
    tmc_chain_free(c);
}

/* lcp_tm_commit_tally on its own: one and several threads agree, forged or not. */
static void test_commit_tally(void **state)
{
    (void)state;
    tmc_valset *vs = lcp_malloc(sizeof *vs);
    lcp_tm_valset *dv = lcp_malloc(sizeof *dv);
    assert_non_null(vs);
    assert_non_null(dv);
    tmc_valset_make(vs, 8, 0, 150, NULL, 10);
    tmc_chain *c = tmc_chain_new("tally-1", vs, T0);
    tmc_chain_push(c, NULL, NULL);
    lcp_buf enc = {0};
    tmc_valset_encode(&enc, vs);
    assert_int_equal(lcp_tm_decode_valset(dv, enc.data, enc.len, NULL), LCP_OK);
    for (int forge = 0; forge <= 150; forge += 10) {
        tmc_sign_opts o = {NULL, forge, NULL, 0, NULL};
        lcp_buf hdr = {0};
        tmc_ibc_header(&hdr, c, 2, 1, &o);
        lcp_tm_ibc_header h;
        assert_int_equal(lcp_tm_decode_ibc_header(&h, hdr.data, hdr.len, NULL), LCP_OK);
        int64_t t1, tot1, t2, tot2;
        char e1[LCP_ERR_LEN] = "", e2[LCP_ERR_LEN] = "";
        lcp_tm_set_verify_threads(1);
        int r1 = lcp_tm_commit_tally(&t1, &tot1, &h.signed_header, dv, 2, 3, LCP_ERR_TM_NOT_ENOUGH_POWER, e1);
        lcp_tm_set_verify_threads(2);
        int r2 = lcp_tm_commit_tally(&t2, &tot2, &h.signed_header, dv, 2, 3, LCP_ERR_TM_NOT_ENOUGH_POWER, e2);
        assert_int_equal(r1, r2);
        assert_string_equal(e1, e2);
        /* 101 of 150 equal votes pass 2/3; a forgery among the first 101 is met */
        assert_int_equal(r1, forge >= 1 && forge <= 101 ? LCP_ERR_TM_SIGNATURE : LCP_OK);
        if (r1 == LCP_OK) {
            assert_int_equal(t1, t2);
            assert_int_equal(t1, 1010);
            assert_int_equal(tot1, 1500);
        }
        lcp_buf_free(&hdr);
    }
    lcp_tm_set_verify_threads(0);
    lcp_buf_free(&enc);
    tmc_chain_free(c);
    lcp_free(vs);
    lcp_free(dv);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_verdicts),
        cmocka_unit_test(test_commit_tally),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
