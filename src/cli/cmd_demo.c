#include "cli.h"
int lcp_cli_demo(const lcp_cli *cli, int argc, char **argv) { (void)cli; (void)argc; (void)argv; return lcp_cli_error(LCP_CLI_EXIT_FAIL, "demo: not built yet"); }
