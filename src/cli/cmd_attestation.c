/* `lcp attestation <verb>`: verify remote-attestation evidence. One table lists the verbs; each verb is a function
 * (verify-ias here, verify for DCAP in cmd_attestation_dcap.c). */
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "lcp/attestation_ias.h"

#define MAX_REPORT_FILE (4u << 20)

static int verify_ias(const lcp_cli *cli, int argc, char **argv);

static const lcp_cli_verb VERBS[] = {
    {"verify-ias", verify_ias, "verify an IAS attestation verification report (signature, chain, contents)"},
    /* DCAP: implemented in cmd_attestation_dcap.c by the DCAP work. */
    {"verify", lcp_cli_attestation_verify_dcap, "verify an SGX DCAP quote with its collateral"},
    {"dcap", lcp_cli_attestation_dcap_sim, "attest an enclave key with DCAP (sim: the simulated QE; gramine: the enclave's quote + a PCCS)"},
    {"simulate", lcp_cli_attestation_simulate, "attest an enclave key with a simulated IAS report (sim: test PKI)"},
};
#define N_VERBS (sizeof VERBS / sizeof VERBS[0])

int lcp_cli_attestation(const lcp_cli *cli, int argc, char **argv)
{
    return lcp_cli_dispatch(cli, "attestation", NULL, VERBS, N_VERBS, argc, argv);
}

/* ---- verify-ias ---- */

static const char VERIFY_IAS_HELP[] =
    "usage: lcp attestation verify-ias --report FILE --root CERT [--time UNIX]\n"
    "\n"
    "Verifies an IAS attestation verification report (AVR) as the LCP client does when it registers an enclave\n"
    "key: the signing certificate must chain to CERT at the verification time, the RSA-SHA256 signature must cover\n"
    "the exact report bytes, and the report must parse. It does not apply a policy: the quote status, advisory IDs\n"
    "and debug flag are printed for you (or the LCP client) to judge.\n"
    "\n"
    "options:\n"
    "  --report FILE  the signed report as JSON: {\"avr\": \"<report text>\", \"signature\": \"<base64>\",\n"
    "                 \"signing_cert\": \"<base64 DER>\"} (the form lcp writes and the LCP fixtures use); - = stdin\n"
    "  --root CERT    the trusted root certificate, DER or PEM: Intel's 'Intel SGX Attestation Report Signing CA'\n"
    "                 for real reports, the simulation root for reports from 'lcp attestation simulate'\n"
    "  --time UNIX    verification time in UNIX seconds (default: now). Intel's report-signing certificate\n"
    "                 expired on 2026-11-20: pass the report's own time to check an archived report.\n"
    "\n"
    "output (JSON): status, advisory_ids, mrenclave, enclave_key (report_data[1..21)), operator\n"
    "(report_data[21..41)), debug, timestamp (UNIX seconds), version, verified_at (the time used), and the\n"
    "report's mrsigner, isv_prod_id, isv_svn.\n"
    "A bad signature, a broken chain or an unparsable report prints one 'lcp: error: ...' line and exits 1.\n"
    "\n"
    "example:\n"
    "  lcp attestation verify-ias --report 001-avr --root Intel_SGX_Attestation_RootCA.der --time 1718463245\n";

/* Reads a certificate file as DER: PEM (first certificate) is converted, anything else is passed on as DER and
 * judged by the verifier. Free *der with lcp_free. */
static int read_cert(uint8_t **der, size_t *der_len, const char *path, char *err)
{
    uint8_t *raw;
    size_t n;
    int rc = lcp_file_read(&raw, &n, path, LCP_CLI_MAX_CERT_FILE, err);
    if (rc != LCP_OK) return rc;
    if (n < 11 || memmem(raw, n, "-----BEGIN ", 11) == NULL) {
        *der = raw;
        *der_len = n;
        return LCP_OK;
    }
    BIO *bio = BIO_new_mem_buf(raw, (int)n);
    X509 *x = bio ? PEM_read_bio_X509(bio, NULL, NULL, NULL) : NULL;
    BIO_free(bio);
    lcp_free(raw);
    if (x == NULL) return lcp_fail(err, LCP_ERR_ATTESTATION_CERT, "%s: no PEM certificate could be read", path);
    int len = i2d_X509(x, NULL);
    uint8_t *out = len > 0 ? lcp_malloc((size_t)len) : NULL, *p = out;
    if (out == NULL || i2d_X509(x, &p) != len) {
        lcp_free(out);
        X509_free(x);
        return lcp_fail(err, LCP_ERR_NOMEM, "%s: cannot re-encode the certificate", path);
    }
    X509_free(x);
    *der = out;
    *der_len = (size_t)len;
    return LCP_OK;
}

static int add_bytes_string(cJSON *arr, lcp_bytes b)
{
    char *s = lcp_malloc(b.len + 1);
    if (s == NULL) return -1;
    memcpy(s, b.ptr, b.len);
    s[b.len] = '\0';
    cJSON *item = cJSON_CreateString(s);
    lcp_free(s);
    return item && cJSON_AddItemToArray(arr, item) ? 0 : -1;
}

static cJSON *report_json(const lcp_ias_report *r, int64_t verified_at)
{
    cJSON *o = cJSON_CreateObject(), *adv = cJSON_CreateArray();
    const uint8_t *rd = r->report_body.report_data;
    int ok = o != NULL && adv != NULL;
    for (size_t i = 0; ok && i < r->n_advisory_ids; i++) ok = add_bytes_string(adv, r->advisory_ids[i]) == 0;
    ok = ok && cJSON_AddStringToObject(o, "status", lcp_ias_status_name(r->status)) != NULL;
    ok = ok && cJSON_AddItemToObject(o, "advisory_ids", adv);
    if (!ok) cJSON_Delete(adv); /* not yet owned by o */
    ok = ok && lcp_cli_json_hex(o, "mrenclave", r->report_body.mrenclave, 32) == 0;
    ok = ok && lcp_cli_json_hex(o, "enclave_key", rd + 1, 20) == 0;
    ok = ok && lcp_cli_json_hex(o, "operator", rd + 21, 20) == 0;
    ok = ok && cJSON_AddBoolToObject(o, "debug", lcp_sgx_is_debug(&r->report_body)) != NULL;
    ok = ok && cJSON_AddNumberToObject(o, "timestamp", (double)r->timestamp_secs) != NULL;
    ok = ok && cJSON_AddNumberToObject(o, "version", r->version) != NULL;
    ok = ok && cJSON_AddNumberToObject(o, "verified_at", (double)verified_at) != NULL;
    ok = ok && lcp_cli_json_hex(o, "mrsigner", r->report_body.mrsigner, 32) == 0;
    ok = ok && cJSON_AddNumberToObject(o, "isv_prod_id", r->report_body.isv_prod_id) != NULL;
    ok = ok && cJSON_AddNumberToObject(o, "isv_svn", r->report_body.isv_svn) != NULL;
    if (ok && r->has_tcb_evaluation_data_number)
        ok = cJSON_AddNumberToObject(o, "tcb_evaluation_data_number", (double)r->tcb_evaluation_data_number) != NULL;
    if (!ok) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

static int verify_ias(const lcp_cli *cli, int argc, char **argv)
{
    (void)cli;
    static const char *const known[] = {"report", "root", "time", NULL};
    lcp_cli_args a;
    int rc = lcp_cli_parse(&a, argc, argv, known, NULL);
    if (rc != 0) return rc;
    if (a.help) {
        fputs(VERIFY_IAS_HELP, stdout);
        return 0;
    }
    const char *report_path = lcp_cli_opt(&a, "report"), *root_path = lcp_cli_opt(&a, "root");
    if (report_path == NULL || root_path == NULL)
        return lcp_cli_error(LCP_CLI_EXIT_USAGE, "verify-ias needs --report FILE and --root CERT (see --help)");
    if (a.npos > 0) return lcp_cli_error(LCP_CLI_EXIT_USAGE, "unexpected argument '%s'", a.pos[0]);
    int64_t now;
    if ((rc = lcp_cli_time_opt(&now, &a)) != 0) return rc;

    char err[LCP_ERR_LEN] = "";
    uint8_t *json = NULL, *root = NULL;
    size_t json_len = 0, root_len = 0;
    lcp_ias_signed_report sr = {0};
    int exit_code = LCP_CLI_EXIT_FAIL;
    if (lcp_file_read(&json, &json_len, report_path, MAX_REPORT_FILE, err) != LCP_OK) {
        lcp_cli_error(LCP_CLI_EXIT_FAIL, "%s", err);
        goto done;
    }
    if (lcp_ias_signed_report_from_json(&sr, json, json_len, err) != LCP_OK) {
        lcp_cli_error(LCP_CLI_EXIT_FAIL, "%s: not a signed IAS report: %s", report_path, err);
        goto done;
    }
    if (read_cert(&root, &root_len, root_path, err) != LCP_OK) {
        lcp_cli_error(LCP_CLI_EXIT_FAIL, "%s", err);
        goto done;
    }
    lcp_ias_report r;
    rc = lcp_ias_verify(&r, sr.avr, sr.avr_len, sr.signature, sr.signature_len, sr.signing_cert, sr.signing_cert_len,
                        root, root_len, now, err);
    if (rc != LCP_OK) {
        lcp_cli_error(LCP_CLI_EXIT_FAIL, "%s: %s", lcp_errname(rc), err);
        goto done;
    }
    cJSON *out = report_json(&r, now);
    if (out == NULL) {
        lcp_cli_error(LCP_CLI_EXIT_FAIL, "out of memory building the output");
        goto done;
    }
    exit_code = lcp_cli_print_json(out);
done:
    lcp_ias_signed_report_free(&sr);
    lcp_free(json);
    lcp_free(root);
    return exit_code;
}
