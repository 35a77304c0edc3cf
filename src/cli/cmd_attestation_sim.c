/* lcp attestation simulate: attest an enclave key with a simulated IAS report (spec §5.2), as LCP's sgx-sw builds
 * do: options in, lcp_host_attest_ias_sim (lcp/host_attest.h), the recorded evidence out. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "lcp/host.h"
#include "lcp/host_attest.h"

static const char HELP[] =
    "usage: lcp attestation simulate --enclave_key 0x.. --signing_cert_path DER --signing_key PEM\n"
    "                                [--isv_enclave_quote_status STATUS] [--advisory_ids ID,ID,...]\n"
    "\n"
    "SIMULATION. Attests an enclave key with an IAS-format report built from the key's enclave report and signed\n"
    "with a test signing key, as LCP's 'attestation simulate' does. Records the attestation in the key store\n"
    "(valid for 30 days, like an IAS report) and prints the signed report as JSON {avr, signature, signing_cert},\n"
    "which is what RegisterEnclaveKey carries to an LCP client. An LCP client accepts it only if it was deployed\n"
    "with the simulation root that issued --signing_cert_path; Intel's root rejects it.\n"
    "\n"
    "options:\n"
    "  --enclave_key 0x..            the key (from 'lcp enclave generate-key')\n"
    "  --signing_cert_path DER       the report-signing certificate (DER)\n"
    "  --signing_key PEM             its RSA private key (PKCS#8 or traditional PEM)\n"
    "  --isv_enclave_quote_status S  default OK\n"
    "  --advisory_ids a,b            default none\n"
    "  --validate_cert true|false    accepted for compatibility with LCP's CLI: the report is always checked\n"
    "                                against --signing_cert_path's key before anything is recorded\n"
    "\n"
    "A test PKI can be made with openssl:\n"
    "  openssl req -x509 -newkey rsa:3072 -nodes -keyout root.key -out root.crt -days 3650 -subj /CN=sim-root\n"
    "  openssl req -newkey rsa:2048 -nodes -keyout signing.key -out signing.csr -subj /CN=sim-signing\n"
    "  openssl x509 -req -in signing.csr -CA root.crt -CAkey root.key -CAcreateserial -days 3650 \\\n"
    "          -outform DER -out signing.der\n";

#define MAX_ADV 64

int lcp_cli_attestation_simulate(const lcp_cli *cli, int argc, char **argv)
{
    lcp_cli_args a;
    static const char *const known[] = {"enclave_key", "signing_cert_path", "signing_key", "isv_enclave_quote_status",
                                        "advisory_ids", "validate_cert", NULL};
    if (lcp_cli_parse(&a, argc, argv, known, NULL)) return LCP_CLI_EXIT_USAGE;
    if (a.help) return fputs(HELP, stdout) < 0;
    uint8_t addr[20];
    const char *certp = lcp_cli_opt(&a, "signing_cert_path"), *keyp = lcp_cli_opt(&a, "signing_key");
    int urc = lcp_cli_address_opt(addr, &a, "enclave_key", 1, NULL);
    if (urc) return urc;
    static const char *const statuses[] = {"OK", "SIGNATURE_INVALID", "GROUP_REVOKED", "SIGNATURE_REVOKED",
                                           "KEY_REVOKED", "SIGRL_VERSION_MISMATCH", "GROUP_OUT_OF_DATE",
                                           "CONFIGURATION_NEEDED", "SW_HARDENING_NEEDED",
                                           "CONFIGURATION_AND_SW_HARDENING_NEEDED", NULL};
    static const char *const bools[] = {"true", "false", NULL};
    const char *qs = lcp_cli_opt(&a, "isv_enclave_quote_status"), *vc = lcp_cli_opt(&a, "validate_cert");
    if (qs && !lcp_cli_one_of(qs, statuses))
        return lcp_cli_error(LCP_CLI_EXIT_USAGE, "--isv_enclave_quote_status: unknown IAS status '%s' (OK, "
                             "GROUP_OUT_OF_DATE, CONFIGURATION_NEEDED, SW_HARDENING_NEEDED, ...)", qs);
    if (vc && !lcp_cli_one_of(vc, bools))
        return lcp_cli_error(LCP_CLI_EXIT_USAGE, "--validate_cert takes true or false, got '%s'", vc);
    if (!certp || !keyp) return lcp_cli_error(LCP_CLI_EXIT_USAGE, "--signing_cert_path and --signing_key are required");
    char advbuf[4096] = "";
    char *items[MAX_ADV];
    const char *adv[MAX_ADV];
    size_t nadv = 0;
    const char *al = lcp_cli_opt(&a, "advisory_ids");
    if (al && *al) {
        int n = -1;
        if (strlen(al) < sizeof advbuf) {
            memcpy(advbuf, al, strlen(al) + 1);
            n = lcp_cli_split_list(items, MAX_ADV, advbuf);
        }
        if (n < 0)
            return lcp_cli_error(LCP_CLI_EXIT_USAGE, "--advisory_ids: at most %d non-empty IDs, comma-separated",
                                 MAX_ADV);
        for (int i = 0; i < n; i++) {
            if (!lcp_cli_is_advisory_id(items[i]))
                return lcp_cli_error(LCP_CLI_EXIT_USAGE, "--advisory_ids: '%s' is not an advisory ID (INTEL-SA-NNNNN)",
                                     items[i]);
            adv[nadv++] = items[i];
        }
    }
    char err[LCP_ERR_LEN] = "";
    uint8_t *cert = NULL, *key = NULL;
    size_t cert_len = 0, key_len = 0;
    lcp_host *h = NULL;
    lcp_buf ev = {0};
    int rc = lcp_file_read(&cert, &cert_len, certp, 1u << 20, err);
    if (rc == LCP_OK) rc = lcp_file_read(&key, &key_len, keyp, 1u << 20, err);
    int exit_code = rc != LCP_OK ? lcp_cli_error(LCP_CLI_EXIT_FAIL, "%s", err) : lcp_cli_open_host(cli, &h);
    if (exit_code == 0) {
        lcp_host_ias_sim_options o = {qs, adv, nadv, key, key_len, cert, cert_len};
        rc = lcp_host_attest_ias_sim(lcp_host_store(h), addr, &o, lcp_time_now_ns(), &ev, err);
        lcp_host_close(h);
        /* The output is the evidence recorded: the signed report as RegisterEnclaveKey carries it. */
        cJSON *out = rc == LCP_OK ? cJSON_ParseWithLength((const char *)ev.data, ev.len) : NULL;
        if (rc != LCP_OK) exit_code = lcp_cli_error(LCP_CLI_EXIT_FAIL, "%s", err);
        else exit_code = out ? lcp_cli_print_json(out) : lcp_cli_error(LCP_CLI_EXIT_FAIL, "out of memory");
    }
    lcp_buf_free(&ev);
    lcp_free(cert);
    lcp_memzero(key, key_len);
    lcp_free(key);
    return exit_code;
}
