/* tendermint-rs model-based single-step vectors (testdata/tendermint/single_step, 41 files, 99 inputs): each input
 * is verified against the current trusted block exactly as the Rust runner does (validator sets re-sorted into
 * canonical order, trust 1/3, the file's trusting period, zero clock drift, the input's `now`), and the verdict
 * must be the expected one: SUCCESS (the block becomes trusted), NOT_ENOUGH_TRUST, or INVALID. */
#include "test_tm_util.h"

#include <dirent.h>

typedef struct {
    tmbuf sh_enc;
    lcp_tm_signed_header sh;
    lcp_tm_valset *vals, *next;
} block;

static void block_free(block *b)
{
    tmbuf_free(&b->sh_enc);
    free(b->vals);
    free(b->next);
    memset(b, 0, sizeof *b);
}

/* Encodes and decodes one light block; returns a decode error code (the block is then INVALID). */
static int block_load(block *b, const cJSON *sh, const cJSON *vals, const cJSON *next, char *err)
{
    memset(b, 0, sizeof *b);
    b->vals = tm_valset_new();
    b->next = tm_valset_new();
    b->sh_enc = tm_encode(tm_enc_signed_header, sh);
    int rc = lcp_tm_decode_signed_header(&b->sh, b->sh_enc.p, b->sh_enc.n, err);
    if (rc == LCP_OK) rc = tm_valset_from_json(b->vals, vals, 1, err);
    if (rc == LCP_OK) rc = tm_valset_from_json(b->next, next, 1, err);
    return rc;
}

static const char *verdict_of(int rc)
{
    if (rc == LCP_OK) return "SUCCESS";
    if (rc == LCP_ERR_TM_NOT_ENOUGH_TRUST) return "NOT_ENOUGH_TRUST";
    return "INVALID";
}

static int n_inputs, n_success, n_trust, n_invalid;

static void run_file(const char *name)
{
    char rel[256];
    snprintf(rel, sizeof rel, "tendermint/single_step/%s", name);
    cJSON *j = tu_json(rel);
    const cJSON *init = tj(j, "initial");
    block trusted;
    char err[LCP_ERR_LEN] = "";
    const cJSON *ivs = tj(init, "next_validator_set");
    if (block_load(&trusted, tj(init, "signed_header"), ivs, ivs, err) != LCP_OK)
        fail_msg("%s: initial block: %s", name, err);
    lcp_tm_options opt = {1, 3, {tj_i64(init, "trusting_period") / 1000000000, 0}, {0, 0}};
    opt.trusting_period.nanos = (int32_t)(tj_i64(init, "trusting_period") % 1000000000);
    const cJSON *in;
    int step = 0;
    cJSON_ArrayForEach(in, tj(j, "input"))
    {
        const cJSON *b = tj(in, "block");
        const char *want = tj_str(in, "verdict");
        block ub;
        err[0] = '\0';
        int rc = block_load(&ub, tj(b, "signed_header"), tj(b, "validator_set"), tj(b, "next_validator_set"), err);
        if (rc == LCP_OK) {
            lcp_tm_untrusted u = {&ub.sh, ub.vals, ub.next};
            lcp_tm_trusted t = {trusted.sh.header.chain_id, trusted.sh.header.height, trusted.sh.header.time,
                                trusted.sh.header.next_validators_hash, trusted.next};
            rc = lcp_tm_verify_update(&u, &t, &opt, tm_parse_time(tj_str(in, "now")), err);
        }
        const char *got = verdict_of(rc);
        if (getenv("TM_VERBOSE") && rc != LCP_OK) printf("%s step %d: %s: %s\n", name, step, lcp_errname(rc), err);
        if (strcmp(got, want) != 0) fail_msg("%s step %d: got %s (%s: %s), want %s", name, step, got, lcp_errname(rc), err, want);
        if (rc == LCP_OK) {
            block_free(&trusted);
            trusted = ub;
            n_success++;
        } else {
            block_free(&ub);
            if (rc == LCP_ERR_TM_NOT_ENOUGH_TRUST) n_trust++;
            else n_invalid++;
        }
        n_inputs++;
        step++;
    }
    block_free(&trusted);
    cJSON_Delete(j);
}

static int by_name(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void test_single_step(void **state)
{
    (void)state;
    DIR *d = opendir(tu_path("tendermint/single_step"));
    assert_non_null(d);
    char *names[64];
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (strstr(e->d_name, ".json") && n < 64) names[n++] = strdup(e->d_name);
    closedir(d);
    qsort(names, n, sizeof names[0], by_name);
    assert_int_equal(n, 41);
    for (size_t i = 0; i < n; i++) {
        run_file(names[i]);
        free(names[i]);
    }
    printf("single_step: %d inputs: %d SUCCESS, %d NOT_ENOUGH_TRUST, %d INVALID, all as expected\n", n_inputs,
           n_success, n_trust, n_invalid);
    assert_int_equal(n_inputs, 99);
    assert_int_equal(n_success, 44);
    assert_int_equal(n_trust, 42);
    assert_int_equal(n_invalid, 13);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_single_step)};
    return cmocka_run_group_tests_name("elc/tm_single_step", tests, NULL, NULL);
}
