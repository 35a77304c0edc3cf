/* lcp enclave generate-key | list-keys | prune-keys | metadata (LCP's verbs, spec §4 and §7). */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "lcp/host.h"
#include "lcp/host_evidence.h"

static const char GEN_HELP[] =
    "usage: lcp [--home DIR] [--sim_platform DIR] enclave generate-key [--operator 0x..]\n"
    "\n"
    "Asks the enclave to generate a new enclave key (secp256k1, from the TEE's randomness). The key never leaves the\n"
    "enclave unsealed: the host stores it sealed to this enclave build (MRENCLAVE policy) in the key store under\n"
    "--home, with the enclave's report. report_data = 0x01 || key address || operator (zero if none). The new key is\n"
    "not attested yet: run 'lcp attestation simulate' (sim) before an LCP client will accept it.\n"
    "Prints the key's address (0x...) on stdout, as LCP does, so scripts can capture it.\n";

static const char LIST_HELP[] =
    "usage: lcp enclave list-keys [--available_only] [--evidence]\n"
    "\n"
    "Lists the enclave keys in the key store as JSON. Attested keys show their attestation (type, quote status,\n"
    "advisory IDs, validity window); --available_only keeps the attested keys of this enclave build (same MRENCLAVE\n"
    "and debug flag), newest expiry first. --evidence adds each attested key's recorded evidence (the signed IAS\n"
    "report, or the DCAP quote and collateral), from which a relayer or contracts/deploy.mjs builds the key's\n"
    "registration message.\n";

static const char PRUNE_HELP[] =
    "usage: lcp enclave prune-keys [--expiration_period SECS | --expired_valid_to]\n"
    "\n"
    "Deletes keys that can no longer be used. Default: unattested keys created more than --expiration_period\n"
    "seconds ago (default 30 days). --expired_valid_to: attested keys whose validity ended. Prints {\"deleted\": N}.\n";

static const char META_HELP[] =
    "usage: lcp enclave metadata\n"
    "\n"
    "Prints the enclave's identity as JSON: mrenclave, mrsigner, isv_prod_id, isv_svn, debug, cpusvn, backend and\n"
    "test_enclave (true for lcp-enclave-test, which runs the mock light client: never register its MRENCLAVE).\n"
    "backend \"sim\" means a simulated SGX platform: the measurement is real (a hash of the lcp-enclave executable\n"
    "and its config), the isolation and attestation are not.\n";

static int generate_key(const lcp_cli *cli, int argc, char **argv)
{
    lcp_cli_args a;
    static const char *const known[] = {"operator", "target_qe", NULL};
    if (lcp_cli_parse(&a, argc, argv, known, NULL)) return LCP_CLI_EXIT_USAGE;
    if (a.help) return fputs(GEN_HELP, stdout) < 0;
    uint8_t op[20], addr[20];
    int has_op, urc = lcp_cli_address_opt(op, &a, "operator", 0, &has_op);
    if (urc) return urc;
    /* LCP's quoting-enclave targets, any case. The sim backend's report always targets its simulated QE3, which
     * serves every attestation verb here; the value is checked so that a typo is not silently ignored. */
    const char *qe = lcp_cli_opt(&a, "target_qe");
    if (qe && strcasecmp(qe, "QE") != 0 && strcasecmp(qe, "QE3") != 0 && strcasecmp(qe, "QE3SIM") != 0)
        return lcp_cli_error(LCP_CLI_EXIT_USAGE, "--target_qe takes QE, QE3 or QE3SIM, got '%s'", qe);
    const char *o = has_op ? "" : NULL;
    lcp_host *h;
    int rc = lcp_cli_open_host(cli, &h);
    if (rc) return rc;
    char err[LCP_ERR_LEN] = "";
    rc = lcp_host_generate_key(h, addr, o ? op : NULL, err);
    lcp_host_close(h);
    if (rc != LCP_OK) return lcp_cli_error(LCP_CLI_EXIT_FAIL, "%s", err);
    char hex[41];
    lcp_hex_encode(hex, sizeof hex, addr, 20);
    printf("0x%s\n", hex);
    return 0;
}

static cJSON *key_json(const lcp_keystore_entry *k, int with_evidence)
{
    cJSON *o = cJSON_CreateObject();
    lcp_cli_json_hex(o, "address", k->address, 20);
    cJSON_AddNumberToObject(o, "qe_type", k->qe_type);
    cJSON_AddBoolToObject(o, "attested", k->ra_type != LCP_RA_TYPE_NONE);
    lcp_cli_json_hex(o, "mrenclave", k->mrenclave, 32);
    cJSON_AddBoolToObject(o, "enclave_debug", k->enclave_debug);
    cJSON_AddNumberToObject(o, "created_at", (double)k->created_at);
    if (k->report.len >= 384) lcp_cli_json_hex(o, "report_data", k->report.ptr + 320, 64);
    if (k->ra_type != LCP_RA_TYPE_NONE) {
        static const char *names[] = {"", "ias", "dcap", "zkdcap_risc0", "mock_zkdcap_risc0"};
        cJSON_AddStringToObject(o, "ra_type", k->ra_type <= 4 ? names[k->ra_type] : "unknown");
        cJSON_AddNumberToObject(o, "valid_from", (double)k->valid_from);
        cJSON_AddNumberToObject(o, "valid_to", (double)k->valid_to);
        /* The verdict the evidence records (lcp/host_evidence.h): IAS quote status, or DCAP TCB status with
         * its FMSPC. A record that does not decode shows none. */
        lcp_host_evidence ev;
        if (lcp_host_evidence_decode(&ev, k->ra_type, k->ra_evidence.ptr, k->ra_evidence.len, NULL) == LCP_OK) {
            int ias = ev.form == LCP_HOST_EVIDENCE_IAS_SIGNED || ev.form == LCP_HOST_EVIDENCE_IAS_REPORT;
            if (ev.status) cJSON_AddStringToObject(o, ias ? "isv_enclave_quote_status" : "tcb_status", ev.status);
            if (ev.has_advisory_ids) {
                cJSON *adv = cJSON_CreateStringArray(ev.advisory_ids, (int)ev.n_advisory_ids);
                if (adv) cJSON_AddItemToObject(o, "advisory_ids", adv);
            }
            if (!ias && ev.fmspc.len) lcp_cli_json_hex(o, "fmspc", ev.fmspc.ptr, ev.fmspc.len);
        }
        lcp_host_evidence_free(&ev);
        /* --evidence: the document as recorded, embedded as JSON (its fields are not read here) */
        cJSON *doc = with_evidence ? cJSON_ParseWithLength((const char *)k->ra_evidence.ptr, k->ra_evidence.len) : NULL;
        if (doc) cJSON_AddItemToObject(o, "evidence", doc);
    }
    return o;
}

static int list_keys(const lcp_cli *cli, int argc, char **argv)
{
    lcp_cli_args a;
    static const char *const flags[] = {"available_only", "evidence", NULL};
    if (lcp_cli_parse(&a, argc, argv, NULL, flags)) return LCP_CLI_EXIT_USAGE;
    if (a.help) return fputs(LIST_HELP, stdout) < 0;
    lcp_host *h;
    int rc = lcp_cli_open_host(cli, &h);
    if (rc) return rc;
    char err[LCP_ERR_LEN] = "";
    lcp_keystore_filter f, *fp = NULL;
    if (lcp_cli_has(&a, "available_only")) {
        lcp_host_enclave_identity id;
        if ((rc = lcp_host_enclave_info(h, &id, err)) != LCP_OK) {
            lcp_host_close(h);
            return lcp_cli_error(LCP_CLI_EXIT_FAIL, "%s", err);
        }
        memset(&f, 0, sizeof f);
        memcpy(f.mrenclave, id.mrenclave, 32);
        f.enclave_debug = id.debug;
        fp = &f;
    }
    lcp_store_txn *t;
    lcp_keystore_entry *keys = NULL;
    size_t n = 0;
    cJSON *arr = cJSON_CreateArray();
    if ((rc = lcp_store_begin(lcp_host_store(h), &t, 0, err)) == LCP_OK) {
        rc = lcp_keystore_list(t, &keys, &n, fp, err);
        for (size_t i = 0; rc == LCP_OK && i < n; i++) cJSON_AddItemToArray(arr, key_json(&keys[i], lcp_cli_has(&a, "evidence")));
        lcp_free(keys);
        lcp_store_abort(t);
    }
    lcp_host_close(h);
    if (rc != LCP_OK) {
        cJSON_Delete(arr);
        return lcp_cli_error(LCP_CLI_EXIT_FAIL, "%s", err);
    }
    return lcp_cli_print_json(arr);
}

static int prune_keys(const lcp_cli *cli, int argc, char **argv)
{
    lcp_cli_args a;
    static const char *const known[] = {"expiration_period", NULL}, *const flags[] = {"expired_valid_to?", NULL};
    if (lcp_cli_parse(&a, argc, argv, known, flags)) return LCP_CLI_EXIT_USAGE;
    if (a.help) return fputs(PRUNE_HELP, stdout) < 0;
    uint64_t period = LCP_KEYSTORE_DEFAULT_EXPIRATION_PERIOD;
    int expired = lcp_cli_has(&a, "expired_valid_to");
    const char *p = lcp_cli_opt(&a, "expiration_period");
    if (p && expired) return lcp_cli_error(LCP_CLI_EXIT_USAGE, "--expiration_period and --expired_valid_to exclude each other");
    if (p && lcp_cli_parse_u64(&period, p)) return lcp_cli_error(LCP_CLI_EXIT_USAGE, "--expiration_period takes seconds");
    lcp_host *h;
    int rc = lcp_cli_open_host(cli, &h);
    if (rc) return rc;
    char err[LCP_ERR_LEN] = "";
    lcp_store_txn *t;
    size_t deleted = 0;
    if ((rc = lcp_store_begin(lcp_host_store(h), &t, 1, err)) == LCP_OK) {
        rc = lcp_keystore_prune(t, &deleted, expired ? LCP_KEYSTORE_PRUNE_EXPIRED : LCP_KEYSTORE_PRUNE_UNATTESTED,
                                (uint64_t)lcp_time_now(), period, err);
        if (rc == LCP_OK) rc = lcp_store_commit(t, err);
        else lcp_store_abort(t);
    }
    lcp_host_close(h);
    if (rc != LCP_OK) return lcp_cli_error(LCP_CLI_EXIT_FAIL, "%s", err);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "deleted", (double)deleted);
    return lcp_cli_print_json(o);
}

static int metadata(const lcp_cli *cli, int argc, char **argv)
{
    lcp_cli_args a;
    if (lcp_cli_parse(&a, argc, argv, NULL, NULL)) return LCP_CLI_EXIT_USAGE;
    if (a.help) return fputs(META_HELP, stdout) < 0;
    lcp_host *h;
    int rc = lcp_cli_open_host(cli, &h);
    if (rc) return rc;
    char err[LCP_ERR_LEN] = "";
    lcp_host_enclave_identity i;
    rc = lcp_host_enclave_info(h, &i, err);
    lcp_host_close(h);
    if (rc != LCP_OK) return lcp_cli_error(LCP_CLI_EXIT_FAIL, "%s", err);
    cJSON *o = cJSON_CreateObject();
    lcp_cli_json_hex(o, "mrenclave", i.mrenclave, 32);
    lcp_cli_json_hex(o, "mrsigner", i.mrsigner, i.mrsigner_len);
    cJSON_AddNumberToObject(o, "isv_prod_id", i.isv_prod_id);
    cJSON_AddNumberToObject(o, "isv_svn", i.isv_svn);
    cJSON_AddBoolToObject(o, "debug", i.debug);
    lcp_cli_json_hex(o, "cpusvn", i.cpusvn, i.cpusvn_len);
    cJSON_AddStringToObject(o, "backend", i.backend);
    cJSON_AddBoolToObject(o, "test_enclave", i.test_enclave);
    if (i.test_enclave)
        cJSON_AddStringToObject(o, "note", "TEST enclave (lcp-enclave-test): it runs the mock light client, which "
                                           "verifies nothing; never register this MRENCLAVE");
    return lcp_cli_print_json(o);
}

int lcp_cli_enclave(const lcp_cli *cli, int argc, char **argv)
{
    static const lcp_cli_verb verbs[] = {
        {"generate-key", generate_key, "generate a new enclave key, sealed to this enclave build"},
        {"list-keys", list_keys, "list the enclave keys in the key store (JSON)"},
        {"prune-keys", prune_keys, "delete unusable keys"},
        {"metadata", metadata, "print the enclave's identity (mrenclave, mrsigner, backend, ...)"},
    };
    return lcp_cli_dispatch(cli, "enclave", "Enclave keys and identity (sim backend).", verbs,
                            sizeof verbs / sizeof verbs[0], argc, argv);
}
