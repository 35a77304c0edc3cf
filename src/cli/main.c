/* lcp — the command line of lcp-c. Global options, then a command group, then a verb. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"

typedef struct {
    const char *name;
    int (*run)(const lcp_cli *cli, int argc, char **argv);
    const char *summary;
} group;

static const group GROUPS[] = {
    {"commitment", lcp_cli_commitment, "decode and verify LCP commitments (proxy messages and their signatures)"},
    {"attestation", lcp_cli_attestation, "verify DCAP quotes and IAS reports; attest keys (dcap, simulate: sim)"},
    {"enclave", lcp_cli_enclave, "enclave keys and identity (sim backend): generate-key, list-keys, prune-keys, metadata"},
    {"elc", lcp_cli_elc, "light-client commands in the enclave (sim backend): create-client, update-client, verify-*, "
                         "query-client"},
    {"sim", lcp_cli_sim, "the SIMULATED SGX platform (no real SGX): init, show, microcode-update, tcb-recovery, measure, ..."},
    {"service", lcp_cli_service, "the gRPC service relayers call (sim backend): start"},
    {"demo", lcp_cli_demo, "replay the LCP fixture flows through the LCP client, with readable output"},
    {"dev", lcp_cli_dev, "DEVELOPMENT TOOLS (not for deployments): tendermint-chain writes inputs signed now"},
};

static void usage(FILE *f)
{
    fprintf(f,
            "usage: lcp [--home DIR] [--backend sim|gramine] [--sim_platform DIR] [--log_level LEVEL] <group> <verb>\n"
            "           [options]\n"
            "\n"
            "lcp-c: a Light Client Proxy. A light client runs in a TEE enclave and signs what it verified;\n"
            "counterparty chains accept those commitments through the LCP client.\n"
            "\n"
            "groups:\n");
    for (size_t i = 0; i < sizeof GROUPS / sizeof GROUPS[0]; i++)
        fprintf(f, "  %-12s %s\n", GROUPS[i].name, GROUPS[i].summary);
    fprintf(f,
            "\n"
            "global options:\n"
            "  --home DIR          state directory (default $LCP_HOME, else ~/.lcp)\n"
            "  --backend B         TEE backend of the enclave: sim (default: SIMULATED SGX, an ordinary process that\n"
            "                      protects nothing) or gramine (real SGX: the enclave is started as 'gramine-sgx\n"
            "                      lcp-enclave' from the directory of lcp-enclave, which must hold its signed manifest;\n"
            "                      $LCP_GRAMINE_SGX names another gramine-sgx). Logs and metrics say which.\n"
            "  --sim_platform DIR  simulated SGX platform directory (default ~/.lcp-sim); 'sim' means no real SGX\n"
            "  --enclave PATH      the lcp-enclave executable (default: beside lcp)\n"
            "  --log_level LEVEL   off, error, warn (default), info, debug or trace (any case)\n"
            "  --version           print lcp's version and exit\n"
            "\n"
            "Run 'lcp <group> --help' for the verbs of a group.\n");
}

/* LCP's levels, in any case; trace logs as much as debug (lcp-c has nothing finer). */
static int parse_level(const char *s)
{
    static const struct {
        const char *name;
        int level;
    } levels[] = {{"off", -1},          {"error", LCP_LOG_ERROR}, {"warn", LCP_LOG_WARN},
                  {"info", LCP_LOG_INFO}, {"debug", LCP_LOG_DEBUG}, {"trace", LCP_LOG_DEBUG}};
    for (size_t i = 0; i < sizeof levels / sizeof levels[0]; i++)
        if (strcasecmp(s, levels[i].name) == 0) return levels[i].level;
    return -2;
}

int main(int argc, char **argv)
{
    lcp_cli cli = {0};
    cli.home = getenv("LCP_HOME");
    cli.log_level = LCP_LOG_WARN;
    cli.backend = "sim";
    int i = 1;
    for (; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
        const char *opt = argv[i] + 2, *eq = strchr(opt, '=');
        size_t nl = eq ? (size_t)(eq - opt) : strlen(opt);
        if (strcmp(argv[i], "--help") == 0) {
            usage(stdout);
            return 0;
        }
        if (strcmp(argv[i], "--version") == 0) {
            printf("lcp %s (lcp-c; TEE backend: sim)\n", LCP_CLI_VERSION);
            return 0;
        }
        const char *val = eq ? eq + 1 : (i + 1 < argc && strncmp(argv[i + 1], "--", 2) != 0 ? argv[++i] : NULL);
        if (val == NULL) return lcp_cli_error(LCP_CLI_EXIT_USAGE, "option --%.*s needs a value", (int)nl, opt);
        if (nl == 4 && strncmp(opt, "home", 4) == 0) cli.home = val;
        else if (nl == 12 && strncmp(opt, "sim_platform", 12) == 0) cli.sim_platform = val;
        else if (nl == 7 && strncmp(opt, "enclave", 7) == 0) cli.enclave = val;
        else if (nl == 7 && strncmp(opt, "backend", 7) == 0) {
            if (strcmp(val, "sim") != 0 && strcmp(val, "gramine") != 0)
                return lcp_cli_error(LCP_CLI_EXIT_USAGE, "--backend must be sim or gramine, not '%s'", val);
            cli.backend = val;
        }
        else if (nl == 9 && strncmp(opt, "log_level", 9) == 0) {
            cli.log_level = parse_level(val);
            if (cli.log_level == -2) return lcp_cli_error(LCP_CLI_EXIT_USAGE, "unknown log level %s", val);
        } else
            return lcp_cli_error(LCP_CLI_EXIT_USAGE, "unknown global option --%.*s (see lcp --help)", (int)nl, opt);
    }
    lcp_set_log(NULL, NULL, cli.log_level);
    lcp_log(LCP_LOG_INFO, "backend %s%s", cli.backend,
            strcmp(cli.backend, "sim") == 0 ? " (SIMULATED SGX: no hardware protection)" : " (SGX under Gramine)");
    if (i >= argc) {
        usage(stderr);
        return LCP_CLI_EXIT_USAGE;
    }
    for (size_t g = 0; g < sizeof GROUPS / sizeof GROUPS[0]; g++)
        if (strcmp(argv[i], GROUPS[g].name) == 0) return GROUPS[g].run(&cli, argc - i - 1, argv + i + 1);
    if (strcmp(argv[i], "help") == 0 || strcmp(argv[i], "-h") == 0) {
        usage(stdout);
        return 0;
    }
    return lcp_cli_error(LCP_CLI_EXIT_USAGE, "unknown command group '%s' (see lcp --help)", argv[i]);
}
