/* The enclave boundary's fixed cost, in one run:
 *   - an empty ECALL (Ping) over the process boundary (frame, socket, protobuf both ways)  vs  the same ECALL as a
 *     direct call of lcp_enclave_ecall in-process (target: round trip < 30 us);
 *   - generate-key end to end through the host (EnclaveInfo + GenerateEnclaveKey ECALLs, sealing, LMDB commit).
 * Needs build/rel/bin/lcp-enclave beside this benchmark's build tree. */
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "lcp/enclave.h"
#include "lcp/host.h"
#include "host/host_frames.h"
#include "lcp/tee_sim.h"

static lcp_host *host;
static lcp_enclave *direct;
static lcp_buf ping_bytes, out;

static int ping_process(void *arg)
{
    (void)arg;
    Lcp__Enclave__V1__EcallRequest req = LCP__ENCLAVE__V1__ECALL_REQUEST__INIT;
    Lcp__Enclave__V1__Ping ping = LCP__ENCLAVE__V1__PING__INIT;
    Lcp__Enclave__V1__EcallResponse *r = NULL;
    req.command_case = LCP__ENCLAVE__V1__ECALL_REQUEST__COMMAND_PING;
    req.ping = &ping;
    int rc = lcp_host_ecall(lcp_host_enclave_handle(host), &req, NULL, NULL, &r, NULL);
    if (r) lcp__enclave__v1__ecall_response__free_unpacked(r, NULL);
    return rc;
}

static int ping_direct(void *arg)
{
    (void)arg;
    return lcp_enclave_ecall(direct, ping_bytes.data, ping_bytes.len, &out);
}

static int generate(void *arg)
{
    (void)arg;
    uint8_t addr[20];
    return lcp_host_generate_key(host, addr, NULL, NULL);
}

int main(void)
{
    char dir[] = "/tmp/lcp-bench-XXXXXX", plat[64], home[64], exe[PATH_MAX], err[LCP_ERR_LEN] = "";
    if (!mkdtemp(dir)) return 1;
    snprintf(plat, sizeof plat, "%s/p", dir);
    snprintf(home, sizeof home, "%s/h", dir);
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 32);
    if (n < 0) return 1;
    exe[n] = '\0';
    char *b = strstr(exe, "/bench/");
    if (!b) return 1;
    snprintf(b, 32, "/bin/lcp-enclave");
    lcp_tee *tee;
    lcp_tee_options o = {0};
    o.backend = "sim";
    o.sim_platform = plat;
    lcp_host_options ho = {home, plat, exe, "sim"};
    if (lcp_tee_sim_init(NULL, plat, 0, err) || lcp_tee_open(&tee, &o, err) || lcp_enclave_new(&direct, tee, NULL, NULL, err) ||
        lcp_host_open(&host, &ho, err) || lcp_host_enclave_start(lcp_host_enclave_handle(host), err)) {
        fprintf(stderr, "bench/enclave: %s\n", err);
        return 1;
    }
    Lcp__Enclave__V1__EcallRequest req = LCP__ENCLAVE__V1__ECALL_REQUEST__INIT;
    Lcp__Enclave__V1__Ping ping = LCP__ENCLAVE__V1__PING__INIT;
    req.command_case = LCP__ENCLAVE__V1__ECALL_REQUEST__COMMAND_PING;
    req.ping = &ping;
    if (lcp_buf_reserve(&ping_bytes, lcp__enclave__v1__ecall_request__get_packed_size(&req))) return 1;
    ping_bytes.len = lcp__enclave__v1__ecall_request__pack(&req, ping_bytes.data);
    printf("== enclave boundary (sim)\n");
    double p = lcp_bench_run("empty ECALL over the process boundary", ping_process, NULL, 2000, 1.0);
    /* The same with host and enclave on one CPU: on a VM, waking an idle vCPU for each hop costs more than the
     * boundary itself, and that cost depends on how busy the machine is. Affinity is inherited by the enclave
     * only at start, so restart it pinned. */
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(sched_getcpu() < 0 ? 0 : sched_getcpu(), &one);
    double pp = -1;
    if (sched_setaffinity(0, sizeof one, &one) == 0) {
        lcp_host_close(host);
        if (lcp_host_open(&host, &ho, err) == LCP_OK &&
            lcp_host_enclave_start(lcp_host_enclave_handle(host), err) == LCP_OK)
            pp = lcp_bench_run("empty ECALL, host and enclave pinned to one CPU", ping_process, NULL, 2000, 1.0);
    }
    double d = lcp_bench_run("empty ECALL as a direct call", ping_direct, NULL, 20000, 0.5);
    double g = lcp_bench_run("generate-key end to end (2 ECALLs, seal, LMDB commit)", generate, NULL, 50, 1.0);
    if (p <= 0 || d <= 0 || g <= 0) return 1; /* a failed measurement has no verdict */
    double best = pp > 0 && pp < p ? pp : p;
    char pinned[48] = "not measured";
    if (pp > 0) snprintf(pinned, sizeof pinned, "%.1f us", pp / 1000);
    printf("process round trip: %.1f us unpinned, %s pinned to one CPU (target < 30 us: %s at %.1f us); %.0fx a "
           "direct call\n", p / 1000, pinned, lcp_bench_verdict(best / 1000, 30, 1), best / 1000, best / d);
    lcp_host_close(host);
    lcp_enclave_free(direct);
    lcp_tee_close(tee);
    lcp_buf_free(&ping_bytes);
    lcp_buf_free(&out);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : 1;
}
