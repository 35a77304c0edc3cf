/* The executor's optimistic policy, as the service runs it (lcp/host_ops.h): two executors with their own enclave
 * processes over one store, committing through one committer. A write that lands between an ECALL's reads and its
 * commit must make that ECALL run again on a fresh snapshot (and be counted), its first outcome discarded; a
 * conflict that persists past the retries fails with LCP_ERR_HOST_STORE and commits nothing. The exclusive
 * policy (the CLI's) gives the same results for the same operations. */
#include "hostfix.h"
#include "mockops.h"
#include "testutil.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "host/host_frames.h"
#include "lcp/host.h"

#define NOW 1800000000ull

static hostfix fx;

typedef struct {
    lcp_host *h;                /* the store, enclave process A and the key */
    lcp_host_enclave *enclave_b;
    lcp_host_committer *committer;
    lcp_host_exec *a, *b;
    uint8_t signer[20];
    unsigned attempts_a, conflicts, ocalls_a;
    int interfere;              /* 1: once; 2: at every attempt of A */
    char b_client[3][32];       /* clients B created from the hook */
    int b_runs;
} world;

static void count_a(void *ud, int kind, uint64_t ns, int rc, int ok)
{
    (void)kind;
    (void)ns;
    (void)rc;
    (void)ok;
    world *w = ud;
    w->attempts_a++;
    w->ocalls_a = 0;
}

static void count_conflict(void *ud) { ((world *)ud)->conflicts++; }

/* CreateClient without an id (the enclave numbers it from its one counter) through x. */
static int create_new(lcp_host_exec *x, const uint8_t *signer, lcp_host_result *r, char *err)
{
    lcp_host_op op;
    mockop_buf buf;
    mockop_create(&op, &buf, "", 1, NOW * 1000000000ull - 5, signer);
    op.time_ns = NOW * 1000000000ull;
    return lcp_host_exec_run(x, &op, r, err);
}

/* B creates a client while A's CreateClient is between its first read (the enclave's client counter) and its
 * commit: what A read is stale by the time it commits. */
static void interfere(void *ud, const Lcp__Enclave__V1__OcallRequest *req)
{
    (void)req;
    world *w = ud;
    if (++w->ocalls_a != 2 || !w->interfere || (w->interfere == 1 && w->attempts_a > 0) || w->b_runs >= 3) return;
    lcp_host_result r;
    char err[LCP_ERR_LEN] = "";
    if (create_new(w->b, w->signer, &r, err) != LCP_OK) fail_msg("B: %s", err);
    snprintf(w->b_client[w->b_runs++], sizeof w->b_client[0], "%s", r.client_id);
    lcp_host_result_free(&r);
}

static void world_open(world *w, unsigned retries)
{
    memset(w, 0, sizeof *w);
    char err[LCP_ERR_LEN] = "";
    lcp_host_options o = {fx.home, fx.platform, fx.test_enclave_bin, "sim"};
    if (lcp_host_open(&w->h, &o, err) != LCP_OK) fail_msg("host: %s", err);
    if (lcp_host_generate_key(w->h, w->signer, NULL, err) != LCP_OK) fail_msg("generate-key: %s", err);
    lcp_host_enclave_options eo = {fx.test_enclave_bin, fx.platform, "sim"};
    assert_int_equal(lcp_host_enclave_new(&w->enclave_b, &eo, err), LCP_OK);
    assert_int_equal(lcp_host_committer_new(&w->committer, lcp_host_store(w->h), err), LCP_OK);
    lcp_host_exec_options xo;
    memset(&xo, 0, sizeof xo);
    xo.store = lcp_host_store(w->h);
    xo.policy = LCP_HOST_OPTIMISTIC;
    xo.committer = w->committer;
    xo.retries = retries;
    xo.enclave = w->enclave_b;
    assert_int_equal(lcp_host_exec_new(&w->b, &xo, err), LCP_OK);
    xo.enclave = lcp_host_enclave_handle(w->h);
    xo.observer = (lcp_host_observer){count_a, count_conflict, w};
    assert_int_equal(lcp_host_exec_new(&w->a, &xo, err), LCP_OK);
    lcp_host_exec_set_ocall_hook(w->a, interfere, w);
}

static void world_close(world *w)
{
    lcp_host_exec_free(w->a);
    lcp_host_exec_free(w->b);
    lcp_host_committer_free(w->committer);
    lcp_host_enclave_free(w->enclave_b);
    lcp_host_close(w->h);
}

/* 1 if client_id exists (queried through x). */
static int client_exists(lcp_host_exec *x, const char *client_id)
{
    lcp_host_op op;
    lcp_host_result r;
    char err[LCP_ERR_LEN] = "";
    mockop_query(&op, client_id);
    op.time_ns = NOW * 1000000000ull;
    if (lcp_host_exec_run(x, &op, &r, err) != LCP_OK) fail_msg("query %s: %s", client_id, err);
    int found = r.found && mockop_height(&r) == 1;
    lcp_host_result_free(&r);
    return found;
}

static int setup(void **state)
{
    (void)state;
    hostfix_setup(&fx, "exec");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return hostfix_teardown(&fx);
}

static void test_conflict_reruns_on_a_fresh_snapshot(void **state)
{
    (void)state;
    world w;
    world_open(&w, LCP_HOST_CONFLICT_RETRIES);
    w.interfere = 1;
    lcp_host_result r;
    char err[LCP_ERR_LEN] = "";
    if (create_new(w.a, w.signer, &r, err) != LCP_OK) fail_msg("A: %s", err);
    /* A's first attempt named the client B got: it was thrown away and A ran again after B's commit. */
    assert_int_equal(w.b_runs, 1);
    assert_string_equal(w.b_client[0], "mock-client-0");
    assert_string_equal(r.client_id, "mock-client-1");
    assert_int_equal(w.attempts_a, 2);
    assert_int_equal(w.conflicts, 1);
    assert_true(r.has_commitment && r.message.len > 0);
    lcp_host_result_free(&r);
    assert_true(client_exists(w.b, "mock-client-0"));
    assert_true(client_exists(w.b, "mock-client-1"));
    assert_false(client_exists(w.b, "mock-client-2"));
    world_close(&w);
}

static void test_persistent_conflict_commits_nothing(void **state)
{
    (void)state;
    world w;
    world_open(&w, 1);
    w.interfere = 2;
    lcp_host_result r;
    char err[LCP_ERR_LEN] = "";
    assert_int_equal(create_new(w.a, w.signer, &r, err), LCP_ERR_HOST_STORE);
    assert_string_equal(err, "store conflict persisted after 2 attempts");
    assert_int_equal(r.from_enclave, 0);
    assert_null(r.frame_);
    lcp_host_result_free(&r);
    assert_int_equal(w.attempts_a, 2);
    assert_int_equal(w.conflicts, 2);
    assert_int_equal(w.b_runs, 2);
    assert_string_equal(w.b_client[1], "mock-client-1");
    /* Only B's two clients exist: neither of A's attempts left anything. */
    assert_true(client_exists(w.b, "mock-client-1"));
    assert_false(client_exists(w.b, "mock-client-2"));
    world_close(&w);
}

/* The same operations through either policy give the same commitments (their messages; the keys differ). */
static void run_sequence(lcp_host_policy p, const char *home, lcp_buf *messages)
{
    lcp_host *h;
    char err[LCP_ERR_LEN] = "";
    uint8_t signer[20];
    lcp_host_options o = {home, fx.platform, fx.test_enclave_bin, "sim"};
    if (lcp_host_open(&h, &o, err) != LCP_OK) fail_msg("host: %s", err);
    assert_int_equal(lcp_host_set_policy(h, p, err), LCP_OK);
    assert_int_equal(lcp_host_generate_key(h, signer, NULL, err), LCP_OK);
    for (uint64_t height = 1; height <= 4; height++) {
        lcp_host_op op;
        mockop_buf buf;
        lcp_host_result r;
        if (height == 1) mockop_create(&op, &buf, "", 1, NOW * 1000000000ull - 5, signer);
        else mockop_update(&op, &buf, "mock-client-0", height, NOW * 1000000000ull - 5 + height, signer);
        op.time_ns = NOW * 1000000000ull;
        if (lcp_host_run(h, &op, &r, err) != LCP_OK) fail_msg("height %llu: %s", (unsigned long long)height, err);
        assert_true(r.has_commitment);
        assert_int_equal(lcp_buf_append(messages, r.message.ptr, r.message.len), LCP_OK);
        lcp_host_result_free(&r);
    }
    /* A stale update is the enclave's refusal, named as such, and changes nothing. */
    lcp_host_op op;
    mockop_buf buf;
    lcp_host_result r;
    mockop_update(&op, &buf, "mock-client-0", 3, NOW * 1000000000ull, signer);
    assert_int_equal(lcp_host_run(h, &op, &r, err), LCP_ERR_ELC_INVALID_HEADER);
    assert_int_equal(r.from_enclave, 1);
    assert_non_null(strstr(err, "enclave: "));
    lcp_host_result_free(&r);
    mockop_query(&op, "mock-client-0");
    assert_int_equal(lcp_host_run(h, &op, &r, err), LCP_OK);
    assert_int_equal(mockop_height(&r), 4);
    lcp_host_result_free(&r);
    lcp_host_close(h);
}

static void test_both_policies_agree(void **state)
{
    (void)state;
    char h1[PATH_MAX + 8], h2[PATH_MAX + 8];
    snprintf(h1, sizeof h1, "%s-x", fx.home);
    snprintf(h2, sizeof h2, "%s-o", fx.home);
    lcp_buf ex = {0}, opt = {0};
    run_sequence(LCP_HOST_EXCLUSIVE, h1, &ex);
    run_sequence(LCP_HOST_OPTIMISTIC, h2, &opt);
    assert_true(ex.len > 0);
    assert_int_equal(ex.len, opt.len);
    assert_memory_equal(ex.data, opt.data, ex.len);
    lcp_buf_free(&ex);
    lcp_buf_free(&opt);
}

/* A stand-in enclave (perl) that answers every ECALL with one commitment {message "m"}: an operation whose command
 * answers with another result gets has_result 0 (the service's INTERNAL "unexpected result"), EnclaveInfo a
 * protocol error; an update takes it. */
static void test_result_must_fit_the_command(void **state)
{
    (void)state;
    char path[PATH_MAX + 16], err[LCP_ERR_LEN] = "";
    snprintf(path, sizeof path, "%s/stand-in", fx.tmp);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fprintf(f, "#!/usr/bin/perl\nopen(my $s, '>&=', $ARGV[1]) or die;\nbinmode $s;\n$| = 1;\n"
               "syswrite($s, \"\\x00\\x00\\x00\\x07\\x0a\\x05\\x62\\x03\\x0a\\x01m\" x 3);\n1 while sysread($s, my $b, 65536);\n");
    fclose(f);
    assert_int_equal(chmod(path, 0755), 0);
    lcp_store *st;
    assert_int_equal(lcp_store_open(&st, fx.home, 0, err), LCP_OK);
    lcp_host_enclave *e;
    lcp_host_enclave_options eo = {path, NULL, "sim"};
    assert_int_equal(lcp_host_enclave_new(&e, &eo, err), LCP_OK);
    lcp_host_exec *x;
    lcp_host_exec_options xo;
    memset(&xo, 0, sizeof xo);
    xo.store = st;
    xo.enclave = e;
    assert_int_equal(lcp_host_exec_new(&x, &xo, err), LCP_OK);
    lcp_host_op op;
    lcp_host_result r;
    mockop_query(&op, "mock-client-0");
    assert_int_equal(lcp_host_exec_run(x, &op, &r, err), LCP_OK);
    assert_int_equal(r.has_result, 0);
    assert_int_equal(r.found, 0);
    lcp_host_result_free(&r);
    lcp_host_enclave_identity id;
    assert_int_equal(lcp_host_exec_enclave_info(x, &id, err), LCP_ERR_PROTO);
    assert_string_equal(err, "enclave returned incomplete enclave info");
    mockop_buf buf;
    mockop_update(&op, &buf, "mock-client-0", 2, NOW * 1000000000ull, NULL);
    assert_int_equal(lcp_host_exec_run(x, &op, &r, err), LCP_OK);
    assert_int_equal(r.has_result, 1);
    assert_true(r.has_commitment && r.message.len == 1 && r.message.ptr[0] == 'm' && r.signature.len == 0);
    lcp_host_result_free(&r);
    lcp_host_exec_free(x);
    lcp_host_enclave_free(e); /* the stand-in ends at EOF */
    lcp_store_close(st);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_conflict_reruns_on_a_fresh_snapshot, setup, teardown),
        cmocka_unit_test_setup_teardown(test_persistent_conflict_commits_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_both_policies_agree, setup, teardown),
        cmocka_unit_test_setup_teardown(test_result_must_fit_the_command, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
