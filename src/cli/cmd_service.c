/* lcp service start: the gRPC service relayers call (lcp/service.h), until SIGTERM or SIGINT. */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "lcp/service.h"

static const char HELP[] =
    "usage: lcp service start [--address ADDR] [--threads N] [--metrics_address ADDR] [--request_timeout S]\n"
    "                         [--max_connections_per_peer N] [--drain_seconds S]\n"
    "                         [--key_rotation_buffer D [--key_validity D]]\n"
    "                         [--pccs_url URL [--pccs_ca FILE] [--root CERT]]   (gramine)\n"
    "\n"
    "Serves LCP's gRPC API (h2c, no TLS: keep it on loopback or behind a proxy): lcp.service.elc.v1.Msg\n"
    "(CreateClient, UpdateClient, UpdateClientStream, AggregateMessages, VerifyMembership, VerifyNonMembership),\n"
    "lcp.service.elc.v1.Query/Client and lcp.service.enclave.v1.Query (EnclaveInfo, AvailableEnclaveKeys,\n"
    "EnclaveKey). Light-client requests run in N enclave processes; updates of one client are serialised.\n"
    "Prints {\"grpc\", \"metrics\", ...} with the bound addresses once it listens. SIGTERM or SIGINT: stops accepting,\n"
    "lets the requests in progress finish, closes the store, exits 0. One service per home: it locks $LCP_HOME\n"
    "(file 'lock' there), and a second start on the same home exits 1 naming the running one's pid.\n"
    "\n"
    "options:\n"
    "  --address ADDR          gRPC listener, HOST:PORT or [IPV6]:PORT (default [::1]:50051; port 0 = any free)\n"
    "  --threads N             enclave workers, 1..64 (default 2)\n"
    "  --metrics_address ADDR  HTTP/1.1 listener for /metrics (Prometheus), /healthz and /readyz (default: none)\n"
    "  --drain_seconds S       how long a stop waits for requests in progress (default 30)\n"
    "  --request_timeout S     a request must arrive in full within S seconds of its headers, else it is\n"
    "                          answered DEADLINE_EXCEEDED and reset (default 5; raise it for big\n"
    "                          UpdateClientStream headers over slow links)\n"
    "  --max_connections_per_peer N\n"
    "                          gRPC connections one peer (IPv4 address, IPv6 /64) may hold, 1..1024\n"
    "                          (default 64). Of 1024 connections in all, the last 128 are kept for peers\n"
    "                          holding none. Behind a proxy or NAT all callers are one peer: raise it there.\n"
    "  --key_rotation_buffer D rotate keys without downtime (D: seconds, or 90s, 10m, 36h, 7d). The ACTIVE key\n"
    "                          ($LCP_HOME/active-enclave-key; at first start the newest valid key) signs every\n"
    "                          request whose signer is empty. When it expires within D, a new key is generated\n"
    "                          in the enclave and attested (sim: simulated DCAP) and AvailableEnclaveKeys lists it\n"
    "                          first; the old key keeps signing until the caller, having registered the new key\n"
    "                          on the counterparty, calls lcp.service.enclave.v1.Msg/ActivateEnclaveKey. Expired\n"
    "                          keys are then pruned. See docs/operations.md, \"Rotate keys\".\n"
    "  --key_validity D        the LCP client's key_expiration: keys attested by rotation are valid until\n"
    "                          min(collateral start + D, collateral end), as the client computes on registration\n"
    "  --pccs_url URL          gramine backend (real SGX only): rotation attests a new key with the enclave's own\n"
    "                          quote and collateral from this PCCS (API v4), as 'lcp --backend gramine attestation\n"
    "                          dcap --pccs_url'; required with --key_rotation_buffer on gramine\n"
    "  --pccs_ca FILE          PEM CAs for the PCCS's TLS certificate (default: the system's store)\n"
    "  --root CERT             trust anchor for rotation's attestations, DER or PEM (default: Intel's production\n"
    "                          SGX Root CA; anything else is recorded as \"sim\")\n"
    "\n"
    "example:\n"
    "  lcp service start --address [::1]:50051 --metrics_address 127.0.0.1:9090\n";

/* The signal handler's only way to reach the service. */
static lcp_service *volatile running;

static void on_signal(int sig)
{
    (void)sig;
    if (running) lcp_service_stop(running);
}

static int start(const lcp_cli *cli, int argc, char **argv)
{
    lcp_cli_args a;
    static const char *const known[] = {"address",         "threads",
                                        "metrics_address", "drain_seconds",
                                        "request_timeout", "max_connections_per_peer",
                                        "key_rotation_buffer", "key_validity",
                                        "pccs_url",        "pccs_ca",
                                        "root",            NULL};
    if (lcp_cli_parse(&a, argc, argv, known, NULL)) return LCP_CLI_EXIT_USAGE;
    if (a.help) return fputs(HELP, stdout) < 0;
    lcp_service_options o;
    memset(&o, 0, sizeof o);
    o.address = lcp_cli_opt(&a, "address");
    o.metrics_address = lcp_cli_opt(&a, "metrics_address");
    o.home = lcp_cli_home(cli);
    o.sim_platform = lcp_cli_sim_platform(cli);
    o.enclave_path = cli->enclave;
    o.backend = cli->backend;
    uint64_t v;
    const char *t = lcp_cli_opt(&a, "threads"), *d = lcp_cli_opt(&a, "drain_seconds");
    if (t && (lcp_cli_parse_u64(&v, t) || v < 1 || v > LCP_SERVICE_MAX_THREADS))
        return lcp_cli_error(LCP_CLI_EXIT_USAGE, "--threads must be 1..%d", LCP_SERVICE_MAX_THREADS);
    if (t) o.threads = (unsigned)v;
    if (d && (lcp_cli_parse_u64(&v, d) || v < 1 || v > 3600))
        return lcp_cli_error(LCP_CLI_EXIT_USAGE, "--drain_seconds must be 1..3600");
    if (d) o.drain_seconds = (unsigned)v;
    const char *rt = lcp_cli_opt(&a, "request_timeout"), *pp = lcp_cli_opt(&a, "max_connections_per_peer");
    if (rt && (lcp_cli_parse_u64(&v, rt) || v < 1 || v > 3600))
        return lcp_cli_error(LCP_CLI_EXIT_USAGE, "--request_timeout must be 1..3600 seconds");
    if (rt) o.request_timeout_ms = (unsigned)v * 1000u;
    if (pp && (lcp_cli_parse_u64(&v, pp) || v < 1 || v > LCP_SERVICE_MAX_CONNECTIONS))
        return lcp_cli_error(LCP_CLI_EXIT_USAGE, "--max_connections_per_peer must be 1..%d", LCP_SERVICE_MAX_CONNECTIONS);
    if (pp) o.max_connections_per_peer = (unsigned)v;
    const char *kb = lcp_cli_opt(&a, "key_rotation_buffer"), *kv = lcp_cli_opt(&a, "key_validity");
    int drc = lcp_cli_duration_opt(&o.key_rotation_buffer, &a, "key_rotation_buffer", 0, "7d, 36h, 600");
    if (drc == 0) drc = lcp_cli_duration_opt(&o.key_validity, &a, "key_validity", 0, "30d");
    if (drc != 0) return drc;
    if (kv && !kb) return lcp_cli_error(LCP_CLI_EXIT_USAGE, "--key_validity applies to key rotation: give --key_rotation_buffer");
    if (kv && o.key_rotation_buffer >= o.key_validity)
        return lcp_cli_error(LCP_CLI_EXIT_USAGE, "--key_rotation_buffer must be shorter than --key_validity "
                                                 "(else every new key is already due for rotation)");

    o.pccs_url = lcp_cli_opt(&a, "pccs_url");
    o.pccs_ca = lcp_cli_opt(&a, "pccs_ca");
    const char *root_path = lcp_cli_opt(&a, "root");
    if ((o.pccs_url || o.pccs_ca || root_path) && strcmp(cli->backend, "gramine") != 0)
        return lcp_cli_error(LCP_CLI_EXIT_USAGE, "--pccs_url, --pccs_ca and --root apply to the gramine backend "
                                                 "(sim rotation attests on the simulated platform)");
    if ((o.pccs_ca || root_path) && !o.pccs_url)
        return lcp_cli_error(LCP_CLI_EXIT_USAGE, "--pccs_ca and --root go with --pccs_url");

    char err[LCP_ERR_LEN] = "";
    uint8_t *root = NULL;
    if (root_path && lcp_file_read(&root, &o.attest_root_len, root_path, LCP_CLI_MAX_CERT_FILE, err) != LCP_OK)
        return lcp_cli_error(LCP_CLI_EXIT_FAIL, "--root: %s", err);
    o.attest_root = root;
    lcp_service *s;
    if (lcp_service_new(&s, &o, err) != LCP_OK) {
        lcp_free(root);
        return lcp_cli_error(LCP_CLI_EXIT_FAIL, "%s", err);
    }
    running = s;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);

    char g[80] = "", m[80] = "";
    cJSON *out = cJSON_CreateObject();
    (void)lcp_service_bound_address(s, 0, g, sizeof g);
    cJSON_AddStringToObject(out, "grpc", g);
    if (lcp_service_bound_address(s, 1, m, sizeof m) == LCP_OK) cJSON_AddStringToObject(out, "metrics", m);
    else cJSON_AddNullToObject(out, "metrics");
    cJSON_AddNumberToObject(out, "threads", o.threads ? o.threads : LCP_SERVICE_DEFAULT_THREADS);
    if (o.key_rotation_buffer) cJSON_AddNumberToObject(out, "key_rotation_buffer", (double)o.key_rotation_buffer);
    lcp_cli_json_hex(out, "mrenclave", lcp_service_mrenclave(s), 32);
    cJSON_AddStringToObject(out, "backend", cli->backend);
    if (strcmp(cli->backend, "sim") == 0)
        cJSON_AddStringToObject(out, "note", "SIMULATED SGX: the enclave runs as a normal process, its keys are not hardware-protected");
    else
        cJSON_AddStringToObject(out, "note", "SGX under Gramine: the enclave runs as gramine-sgx lcp-enclave");
    if (lcp_cli_print_json(out) != 0 || fflush(stdout) != 0) lcp_log(LCP_LOG_WARN, "cannot print the bound addresses");

    int rc = lcp_service_run(s, err);
    running = NULL;
    lcp_service_free(s);
    lcp_free(root);
    if (rc != LCP_OK) return lcp_cli_error(LCP_CLI_EXIT_FAIL, "%s", err);
    fprintf(stderr, "lcp: service stopped: requests in progress finished, store closed\n");
    return 0;
}

int lcp_cli_service(const lcp_cli *cli, int argc, char **argv)
{
    static const lcp_cli_verb verbs[] = {
        {"start", start, "serve LCP's gRPC API (sim backend) with metrics and health endpoints"},
    };
    return lcp_cli_dispatch(cli, "service", NULL, verbs, 1, argc, argv);
}
