#include "cli.h"
int lcp_cli_attestation(const lcp_cli *cli, int argc, char **argv) { (void)cli; (void)argc; (void)argv; return lcp_cli_error(LCP_CLI_EXIT_FAIL, "attestation: not built yet"); }
