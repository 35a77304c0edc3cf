/* `lcp attestation verify` (DCAP): verify an SGX quote v3 with its collateral under a policy, as the LCP client's
 * owner would before trusting an enclave key. All decisions are lcp_dcap_verify's; this file reads files, turns
 * options into an lcp_dcap_policy and prints the result. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "lcp/attestation_dcap.h"

#define MAX_COLLATERAL_FILE (4u << 20)
#define MAX_CERT_FILE (1u << 20)
#define MAX_LIST 64

static const char HELP[] =
    "usage: lcp attestation verify --quote FILE --collateral FILE [--root CERT] [--time UNIX] [--pck_cert CERT]\n"
    "                              [--allow_debug] [--allowed_statuses A,B] [--allowed_advisory_ids A,B]\n"
    "                              [--mrenclave HEX] [--min_tcb_evaluation_data_number N]\n"
    "\n"
    "Verifies an Intel SGX DCAP quote (version 3) with its collateral: the PCK certificate chain and both CRLs,\n"
    "the TCB Info and QE Identity signatures over their exact text, every validity window at the verification time,\n"
    "the QE report and its binding to the attestation key, the QE identity, the enclave report signature; then it\n"
    "matches the platform's TCB level and applies the policy. Quote v4/v5 and TDX quotes are refused.\n"
    "\n"
    "options:\n"
    "  --quote FILE        the quote: raw bytes, hex or base64 (- = stdin)\n"
    "  --collateral FILE   collateral as one JSON document with the keys pck_crl_issuer_chain, root_ca_crl,\n"
    "                      pck_crl, tcb_info_issuer_chain, tcb_info, tcb_info_signature, qe_identity_issuer_chain,\n"
    "                      qe_identity, qe_identity_signature (the layout dcap-qvl and PCCS tools save)\n"
    "  --root CERT         trusted root, DER or PEM (default: Intel's production SGX Root CA, built in)\n"
    "  --time UNIX         verification time in UNIX seconds (default: now). Collateral lives about 30 days:\n"
    "                      pass the time the evidence was checked to re-verify archived evidence.\n"
    "  --pck_cert CERT     the PCK certificate, for quotes that do not carry it (certification data type 1-3)\n"
    "  --allow_debug       accept enclaves with the DEBUG attribute (default: refuse them)\n"
    "  --allowed_statuses  TCB statuses accepted besides UpToDate, comma-separated (SWHardeningNeeded,\n"
    "                      ConfigurationNeeded, ConfigurationAndSWHardeningNeeded, OutOfDate,\n"
    "                      OutOfDateConfigurationNeeded); Revoked is never accepted\n"
    "  --allowed_advisory_ids  advisory IDs accepted, comma-separated; every ID of the result must be listed\n"
    "  --mrenclave HEX     the expected MRENCLAVE (32 bytes)\n"
    "  --min_tcb_evaluation_data_number N  refuse collateral older than this TCB recovery\n"
    "\n"
    "output (JSON): status, advisory_ids, mrenclave, mrsigner, report_data, debug, fmspc,\n"
    "tcb_evaluation_data_number, valid_from, valid_to (UNIX seconds: the window in which every certificate, CRL,\n"
    "TCB Info and QE Identity used is valid), isv_prod_id, isv_svn, platform_status, qe_status, tcb_date,\n"
    "verified_at. A rejection prints one 'lcp: error: ...' line and exits 1.\n"
    "\n"
    "example:\n"
    "  lcp attestation verify --quote quote.bin --collateral collateral.json --time 1752919277 \\\n"
    "      --allowed_statuses ConfigurationAndSWHardeningNeeded \\\n"
    "      --allowed_advisory_ids INTEL-SA-00289,INTEL-SA-00615\n";

/* Splits a comma-separated list in place (s is modified). Returns the count, or -1 if there are more than max or
 * an item is empty. */
static int split_list(char **items, int max, char *s)
{
    int n = 0;
    for (char *tok = s;; n++) {
        char *comma = strchr(tok, ',');
        if (comma) *comma = '\0';
        if (*tok == '\0' || n == max) return -1;
        items[n] = tok;
        if (!comma) return n + 1;
        tok = comma + 1;
    }
}

static cJSON *result_json(const lcp_dcap_result *r, int64_t verified_at)
{
    cJSON *o = cJSON_CreateObject(), *adv = cJSON_CreateArray();
    int ok = o != NULL && adv != NULL;
    for (size_t i = 0; ok && i < r->n_advisory_ids; i++) {
        cJSON *s = cJSON_CreateString(r->advisory_ids[i]);
        ok = s != NULL && cJSON_AddItemToArray(adv, s);
    }
    ok = ok && cJSON_AddStringToObject(o, "status", lcp_dcap_tcb_status_name(r->status)) != NULL;
    ok = ok && cJSON_AddItemToObject(o, "advisory_ids", adv);
    if (!ok) cJSON_Delete(adv); /* not yet owned by o */
    ok = ok && lcp_cli_json_hex(o, "mrenclave", r->report.mrenclave, 32) == 0;
    ok = ok && lcp_cli_json_hex(o, "mrsigner", r->report.mrsigner, 32) == 0;
    ok = ok && lcp_cli_json_hex(o, "report_data", r->report.report_data, LCP_SGX_REPORT_DATA_LEN) == 0;
    ok = ok && cJSON_AddBoolToObject(o, "debug", r->debug) != NULL;
    ok = ok && lcp_cli_json_hex(o, "fmspc", r->fmspc, LCP_DCAP_FMSPC_LEN) == 0;
    ok = ok && cJSON_AddNumberToObject(o, "tcb_evaluation_data_number", r->tcb_evaluation_data_number) != NULL;
    ok = ok && cJSON_AddNumberToObject(o, "valid_from", (double)r->valid_from) != NULL;
    ok = ok && cJSON_AddNumberToObject(o, "valid_to", (double)r->valid_to) != NULL;
    ok = ok && cJSON_AddNumberToObject(o, "isv_prod_id", r->report.isv_prod_id) != NULL;
    ok = ok && cJSON_AddNumberToObject(o, "isv_svn", r->report.isv_svn) != NULL;
    ok = ok && cJSON_AddStringToObject(o, "platform_status", lcp_dcap_tcb_status_name(r->platform_status)) != NULL;
    ok = ok && cJSON_AddStringToObject(o, "qe_status", lcp_dcap_tcb_status_name(r->qe_status)) != NULL;
    ok = ok && cJSON_AddNumberToObject(o, "tcb_date", (double)r->tcb_date) != NULL;
    ok = ok && cJSON_AddNumberToObject(o, "verified_at", (double)verified_at) != NULL;
    if (!ok) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

/* Turns the policy options into pol. status_buf and ids_buf hold the split copies of the lists. */
static int parse_policy(lcp_dcap_policy *pol, uint8_t mrenclave[32], char *status_buf, char *ids_buf,
                        char **ids, const lcp_cli_args *a)
{
    memset(pol, 0, sizeof *pol);
    pol->allow_debug = lcp_cli_has(a, "allow_debug");
    const char *st = lcp_cli_opt(a, "allowed_statuses"), *adv = lcp_cli_opt(a, "allowed_advisory_ids");
    const char *mr = lcp_cli_opt(a, "mrenclave"), *min = lcp_cli_opt(a, "min_tcb_evaluation_data_number");
    if (st != NULL && *st != '\0') {
        char *items[MAX_LIST];
        snprintf(status_buf, 1024, "%s", st);
        int n = split_list(items, MAX_LIST, status_buf);
        if (n < 0 || strlen(st) >= 1024) return lcp_cli_error(LCP_CLI_EXIT_USAGE, "--allowed_statuses: bad list");
        for (int i = 0; i < n; i++) {
            lcp_dcap_tcb_status s;
            if (lcp_dcap_tcb_status_parse(&s, items[i], strlen(items[i])) != LCP_OK)
                return lcp_cli_error(LCP_CLI_EXIT_USAGE, "--allowed_statuses: unknown TCB status '%s'", items[i]);
            pol->allowed_statuses |= LCP_DCAP_STATUS_BIT(s);
        }
    }
    if (adv != NULL && *adv != '\0') {
        snprintf(ids_buf, 4096, "%s", adv);
        int n = split_list(ids, MAX_LIST, ids_buf);
        if (n < 0 || strlen(adv) >= 4096) return lcp_cli_error(LCP_CLI_EXIT_USAGE, "--allowed_advisory_ids: bad list");
        pol->allowed_advisory_ids = (const char *const *)ids;
        pol->n_allowed_advisory_ids = (size_t)n;
    }
    if (mr != NULL) {
        size_t n = 0;
        if (lcp_hex_decode(mrenclave, 32, &n, mr, strlen(mr), NULL) != LCP_OK || n != 32)
            return lcp_cli_error(LCP_CLI_EXIT_USAGE, "--mrenclave must be 32 bytes of hex");
        pol->mrenclave = mrenclave;
    }
    if (min != NULL) {
        uint64_t v;
        if (lcp_cli_parse_u64(&v, min) != 0 || v > UINT32_MAX)
            return lcp_cli_error(LCP_CLI_EXIT_USAGE, "--min_tcb_evaluation_data_number must be a 32-bit number");
        pol->min_tcb_evaluation_data_number = (uint32_t)v;
    }
    return 0;
}

int lcp_cli_attestation_verify_dcap(const lcp_cli *cli, int argc, char **argv)
{
    (void)cli;
    static const char *const known[] = {"quote",     "collateral", "root", "time", "pck_cert", "allowed_statuses",
                                        "allowed_advisory_ids", "mrenclave", "min_tcb_evaluation_data_number",
                                        NULL};
    static const char *const flags[] = {"allow_debug", NULL};
    lcp_cli_args a;
    int rc = lcp_cli_parse(&a, argc, argv, known, flags);
    if (rc != 0) return rc;
    if (a.help) {
        fputs(HELP, stdout);
        return 0;
    }
    const char *quote_path = lcp_cli_opt(&a, "quote"), *coll_path = lcp_cli_opt(&a, "collateral");
    const char *root_path = lcp_cli_opt(&a, "root"), *pck_path = lcp_cli_opt(&a, "pck_cert");
    const char *time_s = lcp_cli_opt(&a, "time");
    if (quote_path == NULL || coll_path == NULL)
        return lcp_cli_error(LCP_CLI_EXIT_USAGE, "verify needs --quote FILE and --collateral FILE (see --help)");
    if (a.npos > 0) return lcp_cli_error(LCP_CLI_EXIT_USAGE, "unexpected argument '%s'", a.pos[0]);
    int64_t now = lcp_time_now(); /* the CLI reads the clock; the verifier only ever takes time as an input */
    if (time_s != NULL) {
        uint64_t t;
        if (lcp_cli_parse_u64(&t, time_s) != 0 || t > (uint64_t)INT64_MAX)
            return lcp_cli_error(LCP_CLI_EXIT_USAGE, "--time must be UNIX seconds, got '%s'", time_s);
        now = (int64_t)t;
    }
    lcp_dcap_policy pol;
    uint8_t mrenclave[32];
    char status_buf[1024], ids_buf[4096];
    char *ids[MAX_LIST];
    if ((rc = parse_policy(&pol, mrenclave, status_buf, ids_buf, ids, &a)) != 0) return rc;

    char err[LCP_ERR_LEN] = "";
    uint8_t *quote = NULL, *json = NULL, *storage = NULL, *root = NULL, *pck = NULL;
    size_t quote_len = 0, json_len = 0, root_len = 0, pck_len = 0;
    lcp_dcap_result *r = NULL;
    int exit_code = LCP_CLI_EXIT_FAIL;
    lcp_dcap_collateral c;
    if (lcp_cli_read_blob(&quote, &quote_len, quote_path, err) != LCP_OK) {
        lcp_cli_error(LCP_CLI_EXIT_FAIL, "%s", err);
        goto done;
    }
    if (lcp_file_read(&json, &json_len, coll_path, MAX_COLLATERAL_FILE, err) != LCP_OK) {
        lcp_cli_error(LCP_CLI_EXIT_FAIL, "%s", err);
        goto done;
    }
    if ((storage = lcp_malloc(lcp_dcap_collateral_json_storage_len(json_len))) == NULL ||
        (r = lcp_malloc(sizeof *r)) == NULL) {
        lcp_cli_error(LCP_CLI_EXIT_FAIL, "out of memory");
        goto done;
    }
    if ((rc = lcp_dcap_collateral_from_json(&c, storage, lcp_dcap_collateral_json_storage_len(json_len), json,
                                            json_len, err)) != LCP_OK) {
        lcp_cli_error(LCP_CLI_EXIT_FAIL, "%s: %s: %s", coll_path, lcp_errname(rc), err);
        goto done;
    }
    if (root_path && lcp_file_read(&root, &root_len, root_path, MAX_CERT_FILE, err) != LCP_OK) {
        lcp_cli_error(LCP_CLI_EXIT_FAIL, "%s", err);
        goto done;
    }
    if (pck_path) {
        if (lcp_file_read(&pck, &pck_len, pck_path, MAX_CERT_FILE, err) != LCP_OK) {
            lcp_cli_error(LCP_CLI_EXIT_FAIL, "%s", err);
            goto done;
        }
        c.pck_cert.ptr = pck;
        c.pck_cert.len = pck_len;
    }
    rc = lcp_dcap_verify(r, quote, quote_len, &c, root, root_len, now, &pol, err);
    if (rc != LCP_OK) {
        lcp_cli_error(LCP_CLI_EXIT_FAIL, "%s: %s", lcp_errname(rc), err);
        goto done;
    }
    cJSON *out = result_json(r, now);
    if (out == NULL) {
        lcp_cli_error(LCP_CLI_EXIT_FAIL, "out of memory building the output");
        goto done;
    }
    exit_code = lcp_cli_print_json(out);
done:
    lcp_free(quote);
    lcp_free(json);
    lcp_free(storage);
    lcp_free(root);
    lcp_free(pck);
    lcp_free(r);
    return exit_code;
}
