/* The shared benchmark harness (STYLE.md "one shared setup/run/teardown harness that reports against the raw
 * primitive cost"): a monotonic clock, a timed loop, and one printed line per measurement. */
#ifndef LCP_BENCH_HARNESS_H
#define LCP_BENCH_HARNESS_H

#include <stddef.h>
#include <stdint.h>

/* Monotonic time in nanoseconds. */
uint64_t lcp_bench_now_ns(void);

/* Runs fn(arg) once to warm up, then in growing batches until at least min_iters calls and min_seconds have
 * passed. fn returns 0 on success; a non-zero return aborts the run (a benchmark of a failing call measures the
 * wrong thing). Prints "<name>: <iters> iters, <ns/op> ns/op, <ops/s> ops/s" and returns ns/op (negative on
 * failure). */
double lcp_bench_run(const char *name, int (*fn)(void *arg), void *arg, uint64_t min_iters, double min_seconds);

/* A peer's figure from the same run: mk/run-bench.sh runs the Node peers first and exports each line
 * "peer-figure <name> <value>" they print as LCP_PEER_<name>. Returns the value, or 0 when the benchmark runs
 * alone (then no ratio is printed). */
double lcp_bench_peer(const char *name);

/* A test vector under the shared test data ($LCP_TESTDATA, else the build's LCP_TESTDATA), read whole (at most
 * 64 MiB; free with lcp_free). On failure it says why on stderr, naming the benchmark, and exits 1. */
uint8_t *lcp_bench_fixture(const char *bench, const char *rel, size_t *len);

/* For "N x faster/slower than the peer": returns "faster" for ratio >= 1, else "slower" with *ratio inverted. */
const char *lcp_bench_faster(double *ratio);
/* "met" or "MISSED" for value against an upper bound (at_most) or a lower bound. */
const char *lcp_bench_verdict(double value, double bound, int at_most);

#endif
