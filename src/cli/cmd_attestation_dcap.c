/* `lcp attestation verify` (DCAP): placeholder so that the verb table links; the DCAP work replaces this file. */
#include "cli.h"

int lcp_cli_attestation_verify_dcap(const lcp_cli *cli, int argc, char **argv)
{
    (void)cli;
    (void)argc;
    (void)argv;
    return lcp_cli_error(LCP_CLI_EXIT_FAIL, "not built yet");
}
