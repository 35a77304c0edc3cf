/* Benchmark harness (bench/harness.h). */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "lcp/base.h"

uint64_t lcp_bench_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

double lcp_bench_run(const char *name, int (*fn)(void *arg), void *arg, uint64_t min_iters, double min_seconds)
{
    if (fn(arg) != 0) {
        fprintf(stderr, "%s: the measured call fails\n", name);
        return -1;
    }
    uint64_t iters = 0, batch = 1, start = lcp_bench_now_ns(), elapsed = 0;
    /* Batches double so that the clock is read rarely for fast calls and the run still ends soon for slow ones. */
    while (iters < min_iters || (double)elapsed < min_seconds * 1e9) {
        for (uint64_t i = 0; i < batch; i++)
            if (fn(arg) != 0) {
                fprintf(stderr, "%s: the measured call failed on iteration %llu\n", name,
                        (unsigned long long)(iters + i));
                return -1;
            }
        iters += batch;
        elapsed = lcp_bench_now_ns() - start;
        if (batch < (1u << 20)) batch *= 2;
    }
    double ns = (double)elapsed / (double)iters;
    printf("%-44s %9llu iters %12.0f ns/op %10.1f ops/s\n", name, (unsigned long long)iters, ns, 1e9 / ns);
    return ns;
}

double lcp_bench_peer(const char *name)
{
    char var[96];
    if (snprintf(var, sizeof var, "LCP_PEER_%s", name) >= (int)sizeof var) return 0;
    const char *v = getenv(var);
    return v && *v ? atof(v) : 0;
}

const char *lcp_bench_faster(double *ratio)
{
    if (*ratio >= 1 || *ratio <= 0) return "faster";
    *ratio = 1 / *ratio;
    return "slower";
}

const char *lcp_bench_verdict(double value, double bound, int at_most)
{
    return (at_most ? value <= bound : value >= bound) ? "met" : "MISSED";
}

uint8_t *lcp_bench_fixture(const char *bench, const char *rel, size_t *len)
{
    char path[1024], err[LCP_ERR_LEN] = "";
    const char *root = getenv("LCP_TESTDATA");
    snprintf(path, sizeof path, "%s/%s", root && *root ? root : LCP_TESTDATA, rel);
    uint8_t *p = NULL;
    if (lcp_file_read(&p, len, path, 64u << 20, err) != LCP_OK) {
        fprintf(stderr, "bench/%s: %s\n", bench, err);
        exit(1);
    }
    return p;
}
