/* `lcp attestation verify` (DCAP): verify an SGX quote v3 with its collateral under a policy, as the LCP client's
 * owner would before trusting an enclave key; and `lcp attestation dcap`: attest an enclave key with a quote of
 * the simulated platform's QE, verified by the same function under the simulated root, and record it. All
 * decisions are lcp_dcap_verify's; attesting and re-verifying a key are host functions (lcp/host_attest.h); this
 * file reads files, turns options into an lcp_dcap_policy, calls and prints. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "lcp/attestation_dcap.h"
#include "lcp/host_attest.h"
#include "lcp/host_store.h"

#define MAX_COLLATERAL_FILE (4u << 20)
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

/* Turns the policy options into pol (cli.h). status_buf and ids_buf hold the split copies of the lists. */
int lcp_cli_dcap_policy(lcp_dcap_policy *pol, uint8_t mrenclave[32], char *status_buf, char *ids_buf, char **ids,
                        const lcp_cli_args *a)
{
    memset(pol, 0, sizeof *pol);
    pol->allow_debug = lcp_cli_has(a, "allow_debug");
    const char *st = lcp_cli_opt(a, "allowed_statuses"), *adv = lcp_cli_opt(a, "allowed_advisory_ids");
    const char *mr = lcp_cli_opt(a, "mrenclave"), *min = lcp_cli_opt(a, "min_tcb_evaluation_data_number");
    if (st != NULL && *st != '\0') {
        char *items[MAX_LIST];
        snprintf(status_buf, 1024, "%s", st);
        int n = lcp_cli_split_list(items, MAX_LIST, status_buf);
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
        int n = lcp_cli_split_list(ids, MAX_LIST, ids_buf);
        if (n < 0 || strlen(adv) >= 4096) return lcp_cli_error(LCP_CLI_EXIT_USAGE, "--allowed_advisory_ids: bad list");
        for (int i = 0; i < n; i++)
            if (!lcp_cli_is_advisory_id(ids[i]))
                return lcp_cli_error(LCP_CLI_EXIT_USAGE,
                                     "--allowed_advisory_ids: '%s' is not an advisory ID (INTEL-SA-NNNNN)", ids[i]);
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
    if (quote_path == NULL || coll_path == NULL)
        return lcp_cli_error(LCP_CLI_EXIT_USAGE, "verify needs --quote FILE and --collateral FILE (see --help)");
    if (a.npos > 0) return lcp_cli_error(LCP_CLI_EXIT_USAGE, "unexpected argument '%s'", a.pos[0]);
    int64_t now;
    if ((rc = lcp_cli_time_opt(&now, &a)) != 0) return rc;
    lcp_dcap_policy pol;
    uint8_t mrenclave[32];
    char status_buf[1024], ids_buf[4096];
    char *ids[MAX_LIST];
    if ((rc = lcp_cli_dcap_policy(&pol, mrenclave, status_buf, ids_buf, ids, &a)) != 0) return rc;

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
    /* Judge the quote's form before anything else: a file that is no quote at all should say so, not report a
     * collateral window that happens to be checked first. */
    lcp_dcap_quote parsed;
    if (quote_len == 0) {
        lcp_cli_error(LCP_CLI_EXIT_FAIL, "%s is empty", quote_path);
        goto done;
    }
    if ((rc = lcp_dcap_quote_parse(&parsed, quote, quote_len, err)) != LCP_OK) {
        lcp_cli_error(LCP_CLI_EXIT_FAIL, "%s: not an SGX quote (%s: %s)", quote_path, lcp_errname(rc), err);
        goto done;
    }
    if (lcp_file_read(&json, &json_len, coll_path, MAX_COLLATERAL_FILE, err) != LCP_OK) {
        lcp_cli_error(LCP_CLI_EXIT_FAIL, "%s", err);
        goto done;
    }
    if (json_len == 0) {
        lcp_cli_error(LCP_CLI_EXIT_FAIL, "%s is empty", coll_path);
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
    if (root_path && lcp_file_read(&root, &root_len, root_path, LCP_CLI_MAX_CERT_FILE, err) != LCP_OK) {
        lcp_cli_error(LCP_CLI_EXIT_FAIL, "%s", err);
        goto done;
    }
    if (pck_path) {
        if (lcp_file_read(&pck, &pck_len, pck_path, LCP_CLI_MAX_CERT_FILE, err) != LCP_OK) {
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
    cJSON *out = lcp_host_dcap_result_json(r, now);
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

/* ---- lcp attestation dcap: attest an enclave key with a quote of the SIMULATED QE ---- */

static const char DCAP_HELP[] =
    "usage: lcp [--home DIR] [--sim_platform DIR] attestation dcap --enclave_key 0x.. [--reverify]\n"
    "                              [--allow_debug] [--allowed_statuses A,B] [--allowed_advisory_ids A,B]\n"
    "                              [--mrenclave HEX] [--min_tcb_evaluation_data_number N] [--quote_out FILE]\n"
    "\n"
    "SIMULATION. Attests an enclave key with DCAP on the SIMULATED platform: the simulated QE checks the key's\n"
    "enclave report (its MAC under the platform's report key) and turns it into an SGX DCAP quote v3; the quote and\n"
    "the collateral the simulated Intel currently publishes (DIR/collateral/collateral.json) are verified by the\n"
    "same verifier as real Intel quotes ('lcp attestation verify'), with the simulated root DIR/issuer/root_ca.der\n"
    "as the trust anchor, given explicitly; then the policy is applied. Only if everything passes is the result\n"
    "recorded in the key store (one attestation per key): ra_type DCAP, valid_from/valid_to = the window in which\n"
    "every certificate, CRL, TCB Info and QE Identity used is valid, and the evidence (below).\n"
    "\n"
    "options:\n"
    "  --enclave_key 0x..  the key (from 'lcp enclave generate-key'; generated since the last microcode update)\n"
    "  --reverify          do not quote or record anything: verify the key's recorded quote again, against the\n"
    "                      collateral published now (after a TCB recovery: is this key still acceptable?)\n"
    "  --mrenclave HEX     expected MRENCLAVE (default: the one recorded with the key)\n"
    "  --allow_debug, --allowed_statuses, --allowed_advisory_ids, --min_tcb_evaluation_data_number:\n"
    "                      the policy, as for 'lcp attestation verify' (default: UpToDate only, no advisories,\n"
    "                      no debug enclaves)\n"
    "  --quote_out FILE    also write the quote (raw bytes) to FILE\n"
    "  --key_validity D    the LCP client's key_expiration (seconds, or 90s, 10m, 36h, 7d): the key is recorded as\n"
    "                      valid until min(valid_from + D, valid_to), the expiry the client computes on\n"
    "                      registration, so that metrics and rotation here see the counterparty's expiry\n"
    "                      (default: the collateral's window only)\n"
    "\n"
    "output (JSON): status, advisory_ids, fmspc, tcb_evaluation_data_number, valid_from, valid_to, mrenclave,\n"
    "enclave_key, sim (true), recorded. A policy rejection prints 'lcp: error: ...' and exits 1; nothing is recorded.\n"
    "\n"
    "evidence (recorded in the key store, JSON): {\"format\": \"lcp-c dcap evidence v1\", \"sim\": true,\n"
    "\"quote\": \"<hex>\", \"collateral\": {<the one-file collateral document>}, \"status\", \"advisory_ids\",\n"
    "\"fmspc\", \"tcb_evaluation_data_number\", \"validity\": {\"not_before\", \"not_after\"}, \"verified_at\"}.\n"
    "The quote and the collateral are what an LCP client's DCAPRegisterEnclaveKeyMessage carries.\n"
    "\n"
    "On real SGX: 'lcp --backend gramine attestation dcap --help' (the enclave's own quote, collateral from a PCCS).\n"
    "\n"
    "example:\n"
    "  lcp attestation dcap --enclave_key 0x1234... --allow_debug\n";

int lcp_cli_quote_out(void *path, const uint8_t *q, size_t n)
{
    char err[LCP_ERR_LEN] = "";
    if (!path) return 0;
    if (lcp_file_write_atomic(path, q, n, 0644, err) != LCP_OK) return lcp_cli_error(LCP_CLI_EXIT_FAIL, "%s", err);
    return 0;
}

int lcp_cli_attestation_dcap_sim(const lcp_cli *cli, int argc, char **argv)
{
    /* gramine: the enclave quotes itself and the collateral comes from a PCCS or a file (cmd_attestation_gramine.c). */
    if (strcmp(cli->backend, "gramine") == 0) return lcp_cli_attestation_dcap_gramine(cli, argc, argv);
    static const char *const known[] = {"enclave_key", "allowed_statuses", "allowed_advisory_ids", "mrenclave",
                                        "min_tcb_evaluation_data_number", "quote_out", "key_validity", NULL};
    static const char *const flags[] = {"allow_debug", "reverify", NULL};
    lcp_cli_args a;
    int rc = lcp_cli_parse(&a, argc, argv, known, flags);
    if (rc != 0) return rc;
    if (a.help) {
        fputs(DCAP_HELP, stdout);
        return 0;
    }
    uint8_t addr[20];
    if ((rc = lcp_cli_address_opt(addr, &a, "enclave_key", 1, NULL)) != 0) return rc;
    const char *ek = lcp_cli_opt(&a, "enclave_key");
    int reverify = lcp_cli_has(&a, "reverify");
    uint64_t key_validity = 0;
    if ((rc = lcp_cli_duration_opt(&key_validity, &a, "key_validity", 0, "600, 10m, 7d")) != 0) return rc;
    lcp_dcap_policy pol;
    uint8_t mrenclave[32];
    char status_buf[1024], ids_buf[4096];
    char *ids[MAX_LIST];
    if ((rc = lcp_cli_dcap_policy(&pol, mrenclave, status_buf, ids_buf, ids, &a)) != 0) return rc;

    const char *dir = lcp_cli_sim_platform(cli);
    char err[LCP_ERR_LEN] = "";
    int exit_code = LCP_CLI_EXIT_FAIL;
    lcp_store *store = NULL;
    lcp_buf quote = {0};
    lcp_dcap_result *r = lcp_malloc(sizeof *r);
    int64_t now = lcp_time_now(); /* the CLI reads the clock; the verifier takes it as an input */
    const char *qout = lcp_cli_opt(&a, "quote_out");
    if (r == NULL) {
        lcp_cli_error(LCP_CLI_EXIT_FAIL, "out of memory");
        goto done;
    }
    if ((rc = lcp_store_open(&store, lcp_cli_home(cli), 0, err)) != LCP_OK) {
        lcp_cli_error(LCP_CLI_EXIT_FAIL, "%s", err);
        goto done;
    }
    if (!reverify) {
        /* Quote, verify and record: the same code as the service's key rotation (lcp/host_attest.h). */
        rc = lcp_host_attest_dcap_sim(store, dir, addr, &pol, key_validity, now, r, lcp_cli_quote_out, (void *)qout, err);
        if (rc == LCP_ERR_HOST_KEY_NOT_FOUND) {
            lcp_cli_error(LCP_CLI_EXIT_FAIL, "%s", err);
            goto done;
        }
        if (rc == LCP_ERR_HOST_KEY_ATTESTED) {
            lcp_cli_error(LCP_CLI_EXIT_FAIL,
                          "%s is already attested (one attestation per key; --reverify checks it again)", ek);
            goto done;
        }
        if (rc != LCP_OK) {
            /* A failed --quote_out write has printed its own error. */
            if (rc != LCP_ERR_IO || !qout) lcp_cli_error(LCP_CLI_EXIT_FAIL, "%s: %s (nothing recorded)", lcp_errname(rc), err);
            goto done;
        }
    } else {
        /* The recorded quote against the collateral published now: nothing is recorded. */
        if ((rc = lcp_host_reverify_dcap_sim(store, dir, addr, &pol, now, r, &quote, err)) != LCP_OK) {
            lcp_cli_error(LCP_CLI_EXIT_FAIL, "%s: %s", lcp_errname(rc), err);
            goto done;
        }
        if (qout && lcp_cli_quote_out((void *)qout, quote.data, quote.len) != 0) goto done;
    }
    cJSON *out = lcp_host_dcap_result_json(r, now);
    if (out == NULL || !cJSON_AddStringToObject(out, "enclave_key", ek) || !cJSON_AddBoolToObject(out, "sim", 1) ||
        !cJSON_AddBoolToObject(out, "recorded", !reverify) ||
        !cJSON_AddStringToObject(out, "note", "SIMULATED DCAP: verified under the simulated root, not Intel's")) {
        cJSON_Delete(out);
        lcp_cli_error(LCP_CLI_EXIT_FAIL, "out of memory building the output");
        goto done;
    }
    exit_code = lcp_cli_print_json(out);
done:
    lcp_store_close(store);
    lcp_buf_free(&quote);
    lcp_free(r);
    return exit_code;
}
