/* lcp dev tendermint-chain: DEVELOPMENT TOOLS, not part of a deployment. Writes the inputs a relayer would hand
 * the enclave for a small Tendermint chain signed now (the dev module's generator, lcp/dev_tmchain.h), so that the
 * example client and `make run` exercise the real 07-tendermint light client against a live service. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cli.h"
#include "lcp/crypto.h"
#include "lcp/dev_tmchain.h"

static const char CHAIN_HELP[] =
    "usage: lcp dev tendermint-chain --out DIR [--chain_id ID] [--validators N] [--client_id ID]\n"
    "\n"
    "DEVELOPMENT TOOL: the validators' keys are derived from a public seed, so this chain proves nothing and\n"
    "must never back a real client. It builds a 3-block Tendermint chain whose last block is timestamped now (blocks\n"
    "1, 2, 3 at now-20 s, now-10 s, now), signed by N validators (default 4), and writes the inputs of\n"
    "`lcp elc ...` (and of the gRPC service, same fields) into DIR:\n"
    "  create.json          any_client_state, any_consensus_state: a 07-tendermint client at height 1\n"
    "  update-1.json        client_id, any_header: height 2, trusting height 1\n"
    "  update-2.json        client_id, any_header: height 3, trusting height 2\n"
    "  membership.json      client_id, prefix \"ibc\", path, value, proof_height 3, proof (ICS-23)\n"
    "  non-membership.json  client_id, prefix, an absent path, proof_height 3, proof\n"
    "client_id (default 07-tendermint-0) is the id the update and proof files name; a relayer that chose another\n"
    "id replaces it. The headers stay acceptable for the trusting period (14 days) and must be used within it.\n"
    "Prints a JSON summary on stdout.\n"
    "example: lcp dev tendermint-chain --out /tmp/chain && lcp elc create-client --input /tmp/chain/create.json\n";

#define DEV_HEIGHTS 3
#define DEV_INTERVAL_S 10
#define DEV_MAX_VALIDATORS 64

/* The committed "ibc" store at the proven height (keys ascending). */
static const char PACKET_PATH[] = "commitments/ports/transfer/channels/channel-0/sequences/1";
static const char ABSENT_PATH[] = "receipts/ports/transfer/channels/channel-0/sequences/1";

/* Adds name: base64(bytes). Returns 0 or -1 (out of memory). */
static int json_b64(cJSON *o, const char *name, const uint8_t *p, size_t n)
{
    size_t cap = lcp_base64_encoded_len(n);
    char *s = lcp_malloc(cap);
    if (s == NULL) return -1;
    int rc = lcp_base64_encode(s, cap, p, n) == LCP_OK && cJSON_AddStringToObject(o, name, s) ? 0 : -1;
    lcp_free(s);
    return rc;
}

static int json_any(cJSON *o, const char *name, const char *type_url, const lcp_buf *value)
{
    cJSON *a = cJSON_AddObjectToObject(o, name);
    if (a == NULL || !cJSON_AddStringToObject(a, "type_url", type_url)) return -1;
    return json_b64(a, "value", value->data, value->len);
}

/* Writes doc (consumed) as DIR/name, readable by its owner only as everything under an lcp home is. */
static int write_json(const char *dir, const char *name, cJSON *doc)
{
    char path[4096], err[LCP_ERR_LEN] = "";
    char *s = doc ? cJSON_Print(doc) : NULL;
    cJSON_Delete(doc);
    if (s == NULL) return lcp_cli_error(LCP_CLI_EXIT_FAIL, "out of memory writing %s", name);
    int n = snprintf(path, sizeof path, "%s/%s", dir, name), rc = 0;
    if (n < 0 || (size_t)n >= sizeof path) rc = lcp_cli_error(LCP_CLI_EXIT_USAGE, "--out path too long");
    else if (lcp_file_write_atomic(path, (const uint8_t *)s, strlen(s), 0644, err) != LCP_OK)
        rc = lcp_cli_error(LCP_CLI_EXIT_FAIL, "%s", err);
    cJSON_free(s);
    return rc;
}

static cJSON *proof_doc(const char *client_id, const tmc_chain *c, const tmc_kv *kvs, size_t n, const char *path,
                        const tmc_kv *member)
{
    cJSON *o = cJSON_CreateObject();
    lcp_buf proof = {0};
    tmc_state_proof(&proof, kvs, n, path, member != NULL);
    cJSON *h = o ? cJSON_AddObjectToObject(o, "proof_height") : NULL;
    int bad = h == NULL || !cJSON_AddStringToObject(o, "client_id", client_id) ||
              json_b64(o, "prefix", (const uint8_t *)"ibc", 3) || !cJSON_AddStringToObject(o, "path", path) ||
              (member && json_b64(o, "value", member->value, member->value_len)) ||
              !cJSON_AddNumberToObject(h, "revision_number", (double)tmc_chain_revision(c)) ||
              !cJSON_AddNumberToObject(h, "revision_height", DEV_HEIGHTS) || json_b64(o, "proof", proof.data, proof.len);
    lcp_buf_free(&proof);
    if (bad) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

static cJSON *update_doc(const char *client_id, const tmc_chain *c, int64_t h)
{
    cJSON *o = cJSON_CreateObject();
    lcp_buf hdr = {0};
    tmc_ibc_header(&hdr, c, h, h - 1, NULL);
    int bad = o == NULL || !cJSON_AddStringToObject(o, "client_id", client_id) ||
              json_any(o, "any_header", TMC_T_HEADER, &hdr) || !cJSON_AddBoolToObject(o, "include_state", 0);
    lcp_buf_free(&hdr);
    if (bad) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

static cJSON *create_doc(const char *client_id, const tmc_chain *c)
{
    cJSON *o = cJSON_CreateObject();
    lcp_buf cs = {0}, cons = {0};
    tmc_client_state(&cs, c, 1, NULL);
    tmc_consensus_state(&cons, c, 1);
    int bad = o == NULL || !cJSON_AddStringToObject(o, "client_id", client_id) ||
              json_any(o, "any_client_state", TMC_T_CS, &cs) || json_any(o, "any_consensus_state", TMC_T_CONS, &cons);
    lcp_buf_free(&cs);
    lcp_buf_free(&cons);
    if (bad) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

/* A chain id tmchain can number: "<name>-<revision>", letters, digits, '-' and '.'. */
static int valid_chain_id(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 50) return 0;
    for (const char *p = s; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '-' || *p == '.'))
            return 0;
    return 1;
}

static int valid_client_id(const char *s)
{
    static const char pre[] = "07-tendermint-";
    if (strncmp(s, pre, sizeof pre - 1) != 0 || s[sizeof pre - 1] == '\0' || strlen(s) > 64) return 0;
    for (const char *p = s + sizeof pre - 1; *p; p++)
        if (*p < '0' || *p > '9') return 0;
    return 1;
}

static int write_chain(const char *dir, const char *chain_id, const char *client_id, tmc_chain *c, cJSON *summary)
{
    uint8_t packet[32], app[32];
    if (lcp_sha256(packet, (const uint8_t *)"lcp-c dev packet 1", 18) != LCP_OK)
        return lcp_cli_error(LCP_CLI_EXIT_FAIL, "sha256 failed");
    static const uint8_t ACK[] = "dev ack", CONN[] = "dev connection";
    const tmc_kv kvs[] = {
        {"acks/ports/transfer/channels/channel-0/sequences/1", ACK, sizeof ACK - 1},
        {PACKET_PATH, packet, sizeof packet},
        {"connections/connection-0", CONN, sizeof CONN - 1},
    };
    const size_t n = sizeof kvs / sizeof kvs[0];
    tmc_state_app_hash(app, kvs, n);
    tmc_chain_push(c, NULL, NULL); /* 2 */
    tmc_chain_push(c, NULL, app);  /* 3: its app hash commits to the store */
    int rc = write_json(dir, "create.json", create_doc(client_id, c));
    if (!rc) rc = write_json(dir, "update-1.json", update_doc(client_id, c, 2));
    if (!rc) rc = write_json(dir, "update-2.json", update_doc(client_id, c, 3));
    if (!rc) rc = write_json(dir, "membership.json", proof_doc(client_id, c, kvs, n, PACKET_PATH, &kvs[1]));
    if (!rc) rc = write_json(dir, "non-membership.json", proof_doc(client_id, c, kvs, n, ABSENT_PATH, NULL));
    if (rc) return rc;
    lcp_tm_time t = tmc_block_time(c, DEV_HEIGHTS);
    if (!cJSON_AddStringToObject(summary, "chain_id", chain_id) || !cJSON_AddStringToObject(summary, "client_id", client_id) ||
        !cJSON_AddNumberToObject(summary, "revision_number", (double)tmc_chain_revision(c)) ||
        !cJSON_AddNumberToObject(summary, "latest_height", DEV_HEIGHTS) ||
        !cJSON_AddNumberToObject(summary, "latest_time", (double)t.seconds) ||
        !cJSON_AddStringToObject(summary, "membership_path", PACKET_PATH) ||
        !cJSON_AddStringToObject(summary, "note", "DEVELOPMENT chain: validator keys from a public seed, proves nothing"))
        return lcp_cli_error(LCP_CLI_EXIT_FAIL, "out of memory");
    return 0;
}

static int cmd_chain(const lcp_cli *cli, int argc, char **argv)
{
    (void)cli;
    lcp_cli_args a;
    static const char *const known[] = {"out", "chain_id", "validators", "client_id", NULL};
    if (lcp_cli_parse(&a, argc, argv, known, NULL)) return LCP_CLI_EXIT_USAGE;
    if (a.help) return fputs(CHAIN_HELP, stdout) < 0;
    if (a.npos) return lcp_cli_error(LCP_CLI_EXIT_USAGE, "dev tendermint-chain takes no arguments (see --help)");
    const char *dir = lcp_cli_opt(&a, "out");
    const char *chain_id = lcp_cli_opt(&a, "chain_id") ? lcp_cli_opt(&a, "chain_id") : "lcp-dev-1";
    const char *client_id = lcp_cli_opt(&a, "client_id") ? lcp_cli_opt(&a, "client_id") : "07-tendermint-0";
    uint64_t nv = 4;
    if (dir == NULL || *dir == '\0') return lcp_cli_error(LCP_CLI_EXIT_USAGE, "dev tendermint-chain needs --out DIR");
    if (!valid_chain_id(chain_id))
        return lcp_cli_error(LCP_CLI_EXIT_USAGE, "--chain_id must be 1-50 letters, digits, '-' or '.' (e.g. lcp-dev-1)");
    if (!valid_client_id(client_id))
        return lcp_cli_error(LCP_CLI_EXIT_USAGE, "--client_id must be 07-tendermint-<n>");
    if (lcp_cli_opt(&a, "validators") &&
        (lcp_cli_parse_u64(&nv, lcp_cli_opt(&a, "validators")) || nv < 1 || nv > DEV_MAX_VALIDATORS))
        return lcp_cli_error(LCP_CLI_EXIT_USAGE, "--validators must be 1..%d", DEV_MAX_VALIDATORS);
    if (mkdir(dir, 0755) != 0 && errno != EEXIST)
        return lcp_cli_error(LCP_CLI_EXIT_FAIL, "cannot create %s: %s", dir, strerror(errno));
    tmc_valset *vs = lcp_malloc(sizeof *vs);
    cJSON *summary = cJSON_CreateObject();
    if (vs == NULL || summary == NULL) {
        lcp_free(vs);
        cJSON_Delete(summary);
        return lcp_cli_error(LCP_CLI_EXIT_FAIL, "out of memory");
    }
    tmc_valset_make(vs, 1, 0, (size_t)nv, NULL, 10);
    /* The last block at now, so that the headers are fresh and none lies in the verifier's future. */
    tmc_chain *c = tmc_chain_new(chain_id, vs, (int64_t)time(NULL) - (DEV_HEIGHTS - 1) * DEV_INTERVAL_S);
    tmc_chain_set_interval(c, DEV_INTERVAL_S);
    int rc = write_chain(dir, chain_id, client_id, c, summary);
    tmc_chain_free(c);
    lcp_free(vs);
    if (rc) {
        cJSON_Delete(summary);
        return rc;
    }
    return lcp_cli_print_json(summary);
}

static const char INTRO[] = "DEVELOPMENT TOOLS: inputs for trying lcp-c out; nothing here belongs in a deployment.";

int lcp_cli_dev(const lcp_cli *cli, int argc, char **argv)
{
    static const lcp_cli_verb verbs[] = {
        {"tendermint-chain", cmd_chain, "--out DIR: a Tendermint chain signed now (create/update inputs, proofs)"},
    };
    return lcp_cli_dispatch(cli, "dev", INTRO, verbs, sizeof verbs / sizeof verbs[0], argc, argv);
}
