/* Opening the host node for the verbs that need the enclave, with the defaults an operator expects. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "lcp/host.h"
#include "lcp/tee_sim.h"

const char *lcp_cli_home(const lcp_cli *cli)
{
    static char buf[4096];
    if (cli->home && *cli->home) return cli->home;
    const char *h = getenv("HOME");
    snprintf(buf, sizeof buf, "%s/.lcp", h && *h ? h : ".");
    return buf;
}

const char *lcp_cli_sim_platform(const lcp_cli *cli)
{
    static char buf[4096];
    if (cli->sim_platform && *cli->sim_platform) return cli->sim_platform;
    if (lcp_tee_sim_default_dir(buf, sizeof buf, NULL) != LCP_OK) snprintf(buf, sizeof buf, ".lcp-sim");
    return buf;
}

int lcp_cli_open_host(const lcp_cli *cli, struct lcp_host **out)
{
    char err[LCP_ERR_LEN] = "";
    lcp_host_options o = {lcp_cli_home(cli), lcp_cli_sim_platform(cli), cli->enclave, cli->backend};
    if (lcp_host_open(out, &o, err) != LCP_OK) return lcp_cli_error(LCP_CLI_EXIT_FAIL, "%s", err);
    return 0;
}

int lcp_cli_parse_address(uint8_t out[20], const char *s)
{
    size_t n;
    if (!s || lcp_hex_decode(out, 20, &n, s, strlen(s), NULL) != LCP_OK || n != 20) return -1;
    return 0;
}
