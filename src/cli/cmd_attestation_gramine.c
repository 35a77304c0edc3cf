/* `lcp --backend gramine attestation dcap`: attest an enclave key with the enclave's own DCAP quote (Gramine's
 * /dev/attestation/quote) and collateral from a PCCS or a file (lcp/host_attest_gramine.h). This file reads
 * options and files and prints; the host does the rest. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "lcp/host.h"
#include "lcp/host_attest_gramine.h"

#define MAX_COLLATERAL_FILE (4u << 20)
#define MAX_LIST 64

static const char HELP[] =
    "usage: lcp --backend gramine [--home DIR] [--enclave PATH] attestation dcap --enclave_key 0x..\n"
    "                              (--pccs_url URL [--pccs_ca FILE] [--pccs_timeout D] | --collateral FILE)\n"
    "                              [--root CERT] [--allow_debug] [--allowed_statuses A,B] [--allowed_advisory_ids A,B]\n"
    "                              [--mrenclave HEX] [--min_tcb_evaluation_data_number N] [--key_validity D]\n"
    "                              [--quote_out FILE]\n"
    "\n"
    "Attests an enclave key with DCAP on real SGX under Gramine: the enclave unseals the key, writes its report data\n"
    "(0x01 || key address || operator) to /dev/attestation/user_report_data and reads /dev/attestation/quote, where\n"
    "Gramine puts a quote of the platform's quoting enclave. The host fetches the collateral for the quote's FMSPC\n"
    "from a PCCS (PCS API v4: pckcrl, tcb, qe/identity, rootcacrl) or reads it from a file, verifies the quote with\n"
    "the verifier of 'lcp attestation verify' under Intel's SGX root (or --root), checks the report data is the\n"
    "key's, applies the policy and records the attestation in the key store (one per key), as on sim.\n"
    "\n"
    "ONLY ON REAL SGX: /dev/attestation exists only inside a Gramine SGX enclave (gramine-sgx, a DCAP-capable\n"
    "platform with its PCCS); gramine-direct and machines without SGX have none, and the enclave then refuses to\n"
    "start. Tested here only against an imitation of /dev/attestation and a loopback fake PCCS (simulated quotes,\n"
    "simulated root).\n"
    "\n"
    "options:\n"
    "  --enclave_key 0x..  the key (from 'lcp --backend gramine enclave generate-key')\n"
    "  --pccs_url URL      the PCCS (as LCP's flag), e.g. https://localhost:8081 or Intel's\n"
    "                      https://api.trustedservices.intel.com; the API path /sgx/certification/v4 is added\n"
    "  --pccs_ca FILE      PEM CA certificates to verify the PCCS's TLS certificate with (default: the system's\n"
    "                      store). The certificate and its host name are always verified; plain http:// is for a\n"
    "                      PCCS on a trusted network only (the collateral is signed: a bad PCCS can make this fail,\n"
    "                      never pass)\n"
    "  --pccs_timeout D    per request: connect, TLS and the whole answer (seconds, or 30s, 1m; default 10s)\n"
    "  --collateral FILE   instead of a PCCS: the one-file collateral document ('lcp attestation verify --help')\n"
    "  --root CERT         trust anchor, DER or PEM (default: Intel's production SGX Root CA, built in). A simulated\n"
    "                      quote passes only with the simulated root given here; the result then says sim: true\n"
    "  --allow_debug, --allowed_statuses, --allowed_advisory_ids, --mrenclave, --min_tcb_evaluation_data_number,\n"
    "  --key_validity D, --quote_out FILE: as on sim ('lcp attestation dcap --help')\n"
    "\n"
    "output (JSON): status, advisory_ids, fmspc, tcb_evaluation_data_number, valid_from, valid_to, mrenclave, ...,\n"
    "enclave_key, backend (gramine), sim, recorded. A refusal prints 'lcp: error: ...' and exits 1; nothing is\n"
    "recorded.\n"
    "\n"
    "example:\n"
    "  lcp --backend gramine attestation dcap --enclave_key 0x1234... --pccs_url https://localhost:8081 \\\n"
    "      --pccs_ca /etc/pccs/ca.pem\n";


static int read_opt_file(uint8_t **out, size_t *len, const char *path, size_t cap)
{
    char err[LCP_ERR_LEN] = "";
    if (lcp_file_read(out, len, path, cap, err) != LCP_OK) return lcp_cli_error(LCP_CLI_EXIT_FAIL, "%s", err);
    if (*len == 0) return lcp_cli_error(LCP_CLI_EXIT_FAIL, "%s is empty", path);
    return 0;
}

int lcp_cli_attestation_dcap_gramine(const lcp_cli *cli, int argc, char **argv)
{
    static const char *const known[] = {"enclave_key", "pccs_url", "pccs_ca", "pccs_timeout", "collateral", "root",
                                        "allowed_statuses", "allowed_advisory_ids", "mrenclave",
                                        "min_tcb_evaluation_data_number", "quote_out", "key_validity", NULL};
    static const char *const flags[] = {"allow_debug", NULL};
    lcp_cli_args a;
    int rc = lcp_cli_parse(&a, argc, argv, known, flags);
    if (rc != 0) return rc;
    if (a.help) {
        fputs(HELP, stdout);
        return 0;
    }
    uint8_t addr[20];
    if ((rc = lcp_cli_address_opt(addr, &a, "enclave_key", 1, NULL)) != 0) return rc;
    const char *url = lcp_cli_opt(&a, "pccs_url"), *coll_path = lcp_cli_opt(&a, "collateral");
    const char *root_path = lcp_cli_opt(&a, "root");
    if ((url == NULL) == (coll_path == NULL))
        return lcp_cli_error(LCP_CLI_EXIT_USAGE, "give the collateral's source: --pccs_url URL or --collateral FILE (one)");
    if (a.npos > 0) return lcp_cli_error(LCP_CLI_EXIT_USAGE, "unexpected argument '%s'", a.pos[0]);
    uint64_t key_validity = 0, timeout = 0;
    if ((rc = lcp_cli_duration_opt(&key_validity, &a, "key_validity", 0, "600, 10m, 7d")) != 0 ||
        (rc = lcp_cli_duration_opt(&timeout, &a, "pccs_timeout", 3600, "30s, 2m")) != 0)
        return rc;
    lcp_dcap_policy pol;
    uint8_t mrenclave[32];
    char status_buf[1024], ids_buf[4096];
    char *ids[MAX_LIST];
    if ((rc = lcp_cli_dcap_policy(&pol, mrenclave, status_buf, ids_buf, ids, &a)) != 0) return rc;

    int exit_code = LCP_CLI_EXIT_FAIL;
    char err[LCP_ERR_LEN] = "";
    uint8_t *coll = NULL, *root = NULL;
    size_t coll_len = 0, root_len = 0;
    lcp_host *h = NULL;
    lcp_dcap_result *r = lcp_malloc(sizeof *r);
    int64_t now = lcp_time_now(); /* the CLI reads the clock; the verifier takes it as an input */
    if (r == NULL) {
        lcp_cli_error(LCP_CLI_EXIT_FAIL, "out of memory");
        goto done;
    }
    if ((coll_path && read_opt_file(&coll, &coll_len, coll_path, MAX_COLLATERAL_FILE) != 0) ||
        (root_path && read_opt_file(&root, &root_len, root_path, LCP_CLI_MAX_CERT_FILE) != 0))
        goto done;
    if (lcp_cli_open_host(cli, &h) != 0) goto done;
    lcp_http_options http = {lcp_cli_opt(&a, "pccs_ca"), (unsigned)(timeout * 1000), 0};
    lcp_host_dcap_source src = {url, &http, coll, coll_len, root, root_len};
    void *qout = (void *)lcp_cli_opt(&a, "quote_out");
    rc = lcp_host_attest_dcap_gramine(lcp_host_executor(h), addr, &src, &pol, key_validity, now, r, lcp_cli_quote_out,
                                      qout, err);
    if (rc != LCP_OK) {
        /* A failed --quote_out write has printed its own error. */
        if (rc != LCP_ERR_IO || !qout) lcp_cli_error(LCP_CLI_EXIT_FAIL, "%s: %s (nothing recorded)", lcp_errname(rc), err);
        goto done;
    }
    lcp_bytes intel = lcp_dcap_intel_root_ca();
    int sim = root && !(root_len == intel.len && memcmp(root, intel.ptr, root_len) == 0);
    cJSON *out = lcp_host_dcap_result_json(r, now);
    if (out == NULL || !cJSON_AddStringToObject(out, "enclave_key", lcp_cli_opt(&a, "enclave_key")) ||
        !cJSON_AddStringToObject(out, "backend", "gramine") || !cJSON_AddBoolToObject(out, "sim", sim) ||
        !cJSON_AddBoolToObject(out, "recorded", 1) ||
        (sim && !cJSON_AddStringToObject(out, "note", "verified under the root given with --root, not Intel's"))) {
        cJSON_Delete(out);
        lcp_cli_error(LCP_CLI_EXIT_FAIL, "out of memory building the output");
        goto done;
    }
    exit_code = lcp_cli_print_json(out);
done:
    lcp_host_close(h);
    lcp_free(coll);
    lcp_free(root);
    lcp_free(r);
    return exit_code;
}
