/* lcp demo: replays the LCP fixture runs (datachainlab/lcp-solidity test data) through the LCP client and says
 * what happens at each step, ending with a tampered commitment that must be refused. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "lcp/attestation_ias.h"
#include "lcp/commitment.h"
#include "lcp/lcpclient.h"

static const char HELP[] =
    "usage: lcp demo [--testdata DIR] [--run 01|02|03]\n"
    "\n"
    "Replays recorded LCP runs through lcp-c's LCP client: creates a client, registers each enclave key from its\n"
    "IAS attestation report (real Intel for run 01, LCP's simulation PKI for 02 and 03), applies every signed\n"
    "update, verifies every membership commitment at the time recorded in the run, and shows that a tampered\n"
    "commitment is refused. DIR defaults to ../shared/testdata.\n";

typedef struct {
    const char *dir, *what;
    int nkeys;
    const char *steps[16];
} run;

static const run RUNS[] = {
    {"01", "a real Intel IAS report (GROUP_OUT_OF_DATE, debug enclave)", 1,
     {"003-update_client", "004-verify_channel", "005-update_client", "006-verify_packet",
      "007-verify_packet_receipt_absence", NULL}},
    {"02", "a simulated IAS report (status OK)", 1,
     {"003-update_client", "004-verify_channel", "005-update_client", "006-verify_packet",
      "007-verify_packet_receipt_absence", NULL}},
    {"03", "four simulated enclave keys", 4,
     {"006-update_client", "010-update_client", "014-verify_channel", "015-update_client", "016-verify_packet",
      "017-verify_packet_receipt_absence", NULL}},
};

typedef struct {
    const char *root;
    char path[4096];
} demo;

static const char *fx(demo *d, const char *dir, const char *name)
{
    snprintf(d->path, sizeof d->path, "%s/lcp/lcp-solidity/client/%s/%s", d->root, dir, name);
    return d->path;
}

static cJSON *load_json(demo *d, const char *dir, const char *name, char *err)
{
    uint8_t *b;
    size_t n;
    if (lcp_file_read(&b, &n, fx(d, dir, name), 1u << 20, err) != LCP_OK) return NULL;
    cJSON *j = cJSON_ParseWithLength((const char *)b, n);
    lcp_free(b);
    if (!j) lcp_fail(err, LCP_ERR_JSON, "%s is not JSON", d->path);
    return j;
}

/* Decodes base64 member name of o into a new buffer. */
static uint8_t *b64(const cJSON *o, const char *name, size_t *len)
{
    const cJSON *s = cJSON_GetObjectItemCaseSensitive(o, name);
    if (!cJSON_IsString(s)) return NULL;
    size_t sl = strlen(s->valuestring), cap = lcp_base64_decoded_max(sl);
    uint8_t *out = lcp_malloc(cap);
    if (out && lcp_base64_decode(out, cap, len, s->valuestring, sl, NULL) != LCP_OK) {
        lcp_free(out);
        out = NULL;
    }
    return out;
}

static void short_hex(char out[16], const uint8_t *p)
{
    snprintf(out, 16, "0x%02x%02x%02x%02x..", p[0], p[1], p[2], p[3]);
}

static int create(lcp_lc *lc, demo *d, const run *r, char *err)
{
    cJSON *avr = load_json(d, r->dir, "001-avr", err);
    if (!avr) return LCP_ERR_IO;
    size_t ml;
    uint8_t *mr = b64(avr, "mrenclave", &ml);
    cJSON_Delete(avr);
    if (!mr || ml != 32) {
        lcp_free(mr);
        return lcp_fail(err, LCP_ERR_JSON, "fixture has no 32-byte mrenclave");
    }
    lcp_lc_client_state cs;
    memset(&cs, 0, sizeof cs);
    cs.mrenclave = (lcp_bytes){mr, 32};
    cs.key_expiration = 60 * 86400;
    static const char *st = "GROUP_OUT_OF_DATE";
    static const char *adv[] = {"INTEL-SA-00219", "INTEL-SA-00289", "INTEL-SA-00334", "INTEL-SA-00477",
                                "INTEL-SA-00614", "INTEL-SA-00615", "INTEL-SA-00617", "INTEL-SA-00828"};
    cs.allowed_quote_statuses[0] = (lcp_bytes){(const uint8_t *)st, strlen(st)};
    cs.status_count = 1;
    for (size_t i = 0; i < 8; i++) cs.allowed_advisory_ids[i] = (lcp_bytes){(const uint8_t *)adv[i], strlen(adv[i])};
    cs.advisory_count = 8;
    uint8_t enc[2048];
    size_t n;
    int rc = lcp_lc_client_state_encode(enc, sizeof enc, &n, &cs);
    if (rc == LCP_OK) rc = lcp_lc_create_client(lc, "lcp-0", enc, n, NULL, 0, err);
    char h[16];
    short_hex(h, mr);
    if (rc == LCP_OK)
        printf("  create  client lcp-0: mrenclave %s, key expiration 60 days, allows GROUP_OUT_OF_DATE + 8 advisories\n", h);
    lcp_free(mr);
    return rc;
}

static int register_keys(lcp_lc *lc, demo *d, const run *r, int64_t now, char *err)
{
    for (int k = 1; k <= r->nkeys; k++) {
        char name[16];
        snprintf(name, sizeof name, "%03d-avr", k);
        uint8_t *j;
        size_t jl;
        int rc = lcp_file_read(&j, &jl, fx(d, r->dir, name), 1u << 20, err);
        if (rc != LCP_OK) return rc;
        lcp_ias_signed_report sr;
        rc = lcp_ias_signed_report_from_json(&sr, j, jl, err);
        lcp_free(j);
        if (rc != LCP_OK) return rc;
        uint8_t msg[8192], key[20];
        size_t ml;
        lcp_lc_enclave_key info;
        rc = lcp_lc_encode_register_enclave_key(msg, sizeof msg, &ml, sr.avr, sr.avr_len, sr.signature,
                                                sr.signature_len, sr.signing_cert, sr.signing_cert_len, NULL, 0);
        if (rc == LCP_OK) rc = lcp_lc_register_enclave_key(lc, key, &info, "lcp-0", msg, ml, now, err);
        lcp_ias_signed_report_free(&sr);
        if (rc != LCP_OK) return rc;
        char h[16], t[32];
        short_hex(h, key);
        lcp_time_format(t, sizeof t, (int64_t)info.expired_at);
        printf("  register enclave key %s from %s report: accepted, active until %s\n", h, name, t);
    }
    return LCP_OK;
}

static int step(lcp_lc *lc, demo *d, const run *r, const char *name, int64_t *now, int tamper, char *err)
{
    char rel[64];
    snprintf(rel, sizeof rel, "%s_input", name);
    cJSON *in = load_json(d, r->dir, rel, err);
    snprintf(rel, sizeof rel, "%s_result", name);
    cJSON *res = load_json(d, r->dir, rel, err);
    int rc = LCP_ERR_IO;
    size_t ml = 0, sl = 0;
    uint8_t *msg = res ? b64(res, "message", &ml) : NULL, *sig = res ? b64(res, "signature", &sl) : NULL;
    if (!in || !msg || !sig) goto out;
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(in, "current_timestamp");
    if (cJSON_IsNumber(t)) *now = (int64_t)t->valuedouble;
    if (tamper) msg[ml - 40] ^= 1; /* a byte inside the last field */
    lcp_bytes s = {sig, sl};
    lcp_proxy_msg pm;
    char who[16] = "?";
    uint8_t signer[20];
    if (lcp_commitment_recover_signer(signer, msg, ml, sig, sl, NULL) == LCP_OK) short_hex(who, signer);
    if (lcp_proxy_msg_decode(&pm, msg, ml, err) != LCP_OK) goto out;
    uint8_t buf[16384];
    size_t n;
    if (strstr(name, "update")) {
        if ((rc = lcp_lc_encode_update_client(buf, sizeof buf, &n, msg, ml, &s, 1)) != LCP_OK) goto out;
        lcp_lc_update_result ur;
        rc = lcp_lc_update_client(lc, &ur, "lcp-0", buf, n, *now, err);
        printf("  update  %llu-%llu -> %llu-%llu signed by %s: %s\n",
               (unsigned long long)pm.u.update.prev_height.revision_number,
               (unsigned long long)pm.u.update.prev_height.revision_height,
               (unsigned long long)pm.u.update.post_height.revision_number,
               (unsigned long long)pm.u.update.post_height.revision_height, who, rc == LCP_OK ? "accepted" : "REFUSED");
    } else {
        size_t pl = 0, vl = 0;
        uint8_t *prefix = b64(in, "prefix", &pl), *value = b64(in, "value", &vl);
        const cJSON *path = cJSON_GetObjectItemCaseSensitive(in, "path");
        if (!prefix || !cJSON_IsString(path) ||
            (rc = lcp_commitment_proofs_encode(buf, sizeof buf, &n, msg, ml, &s, 1)) != LCP_OK) {
            lcp_free(prefix);
            lcp_free(value);
            goto out;
        }
        const char *p = path->valuestring;
        lcp_height h = pm.u.state.height;
        rc = value ? lcp_lc_verify_membership(lc, "lcp-0", &h, prefix, pl, (const uint8_t *)p, strlen(p), value, vl,
                                              buf, n, *now, err)
                   : lcp_lc_verify_non_membership(lc, "lcp-0", &h, prefix, pl, (const uint8_t *)p, strlen(p), buf, n,
                                                  *now, err);
        printf("  verify  %s of %s at %llu-%llu signed by %s: %s\n", value ? "membership" : "absence", p,
               (unsigned long long)h.revision_number, (unsigned long long)h.revision_height, who,
               rc == LCP_OK ? "accepted" : "REFUSED");
        lcp_free(prefix);
        lcp_free(value);
    }
    if (rc != LCP_OK) printf("          reason: %s\n", err);
out:
    lcp_free(msg);
    lcp_free(sig);
    cJSON_Delete(in);
    cJSON_Delete(res);
    return rc;
}

static int replay(demo *d, const run *r)
{
    char err[LCP_ERR_LEN] = "", root_path[4096];
    printf("\nrun client/%s: %s\n", r->dir, r->what);
    snprintf(root_path, sizeof root_path, "%s/lcp/lcp-solidity/certs/%s", d->root,
             strcmp(r->dir, "01") == 0 ? "Intel_SGX_Attestation_RootCA.der" : "simulation_rootca.der");
    uint8_t *root;
    size_t root_len;
    if (lcp_file_read(&root, &root_len, root_path, 1u << 20, err) != LCP_OK)
        return lcp_cli_error(LCP_CLI_EXIT_FAIL, "%s (is --testdata right?)", err);
    printf("  trust   %s as the IAS root%s\n", strcmp(r->dir, "01") == 0 ? "Intel's report-signing CA" : "LCP's simulation CA",
           strcmp(r->dir, "01") == 0 ? "" : " (sim: accepted only because the client is given that root)");
    lcp_lc_memstore *mem = lcp_lc_memstore_new();
    void *lcmem = lcp_malloc(lcp_lc_size());
    lcp_lc *lc;
    lcp_lc_config cfg = {0};
    int rc = LCP_ERR_NOMEM;
    if (!mem || !lcmem) goto done;
    cfg.store = lcp_lc_memstore_iface(mem);
    cfg.ias_root_der = root;
    cfg.ias_root_der_len = root_len;
    cfg.development_mode = 1; /* every enclave in these runs is a debug build */
    if ((rc = lcp_lc_init(&lc, lcmem, lcp_lc_size(), &cfg)) != LCP_OK) goto done;
    cJSON *first = NULL;
    char in0[64];
    snprintf(in0, sizeof in0, "%s_input", r->steps[0]);
    first = load_json(d, r->dir, in0, err);
    const cJSON *t = first ? cJSON_GetObjectItemCaseSensitive(first, "current_timestamp") : NULL;
    int64_t now = cJSON_IsNumber(t) ? (int64_t)t->valuedouble : 0;
    cJSON_Delete(first);
    char ts[32];
    lcp_time_format(ts, sizeof ts, now);
    printf("  clock   the run's recorded time, %s\n", ts);
    if ((rc = create(lc, d, r, err)) != LCP_OK || (rc = register_keys(lc, d, r, now, err)) != LCP_OK) goto done;
    for (int s = 0; r->steps[s]; s++)
        if ((rc = step(lc, d, r, r->steps[s], &now, 0, err)) != LCP_OK) goto done;
    /* The last update again, one byte changed: the signature no longer recovers to a registered key. */
    const char *last = NULL;
    for (int s = 0; r->steps[s]; s++)
        if (strstr(r->steps[s], "update")) last = r->steps[s];
    printf("  tamper  one byte of the commitment %s:\n", last);
    rc = step(lc, d, r, last, &now, 1, err) == LCP_OK ? LCP_ERR_ILLEGAL_ARG : LCP_OK;
    if (rc != LCP_OK) lcp_fail(err, rc, "a tampered commitment was accepted");
done:
    if (rc != LCP_OK) lcp_cli_error(LCP_CLI_EXIT_FAIL, "run %s: %s", r->dir, err[0] ? err : lcp_strerror(rc));
    lcp_lc_memstore_free(mem);
    lcp_free(lcmem);
    lcp_free(root);
    return rc == LCP_OK ? 0 : LCP_CLI_EXIT_FAIL;
}

int lcp_cli_demo(const lcp_cli *cli, int argc, char **argv)
{
    (void)cli;
    lcp_cli_args a;
    static const char *const known[] = {"testdata", "run", NULL};
    if (lcp_cli_parse(&a, argc, argv, known, NULL)) return LCP_CLI_EXIT_USAGE;
    if (a.help) return fputs(HELP, stdout) < 0;
    demo d = {lcp_cli_opt(&a, "testdata") ? lcp_cli_opt(&a, "testdata") : "../shared/testdata", ""};
    const char *only = lcp_cli_opt(&a, "run");
    printf("lcp-c demo: the LCP client accepting real LCP commitments (fixtures from %s)\n", d.root);
    int rc = 0, ran = 0;
    for (size_t i = 0; i < sizeof RUNS / sizeof RUNS[0]; i++) {
        if (only && strcmp(only, RUNS[i].dir) != 0) continue;
        ran++;
        if (replay(&d, &RUNS[i]) != 0) rc = LCP_CLI_EXIT_FAIL;
    }
    if (!ran) return lcp_cli_error(LCP_CLI_EXIT_USAGE, "--run must be 01, 02 or 03");
    printf(rc == 0 ? "\nall runs replayed: every commitment accepted, every tampered one refused\n" : "\nFAILED\n");
    return rc;
}
