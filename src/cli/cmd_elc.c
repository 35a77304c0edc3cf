/* lcp elc create-client | update-client | verify-membership | verify-non-membership | query-client: run one
 * light-client command in the enclave from a JSON input in the LCP fixtures' form, print the fixtures' result form. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "lcp/host.h"

static const char HELP[] =
    "usage: lcp elc <verb> --input FILE [--signer 0x..]\n"
    "\n"
    "Runs a light-client command in the enclave, in one store transaction (committed only if the enclave succeeds).\n"
    "FILE is JSON in the form of LCP's recorded inputs (testdata/lcp/lcp-solidity/client/*/*_input); byte strings\n"
    "are base64, Any values are {\"type_url\", \"value\"}; an optional \"current_timestamp\" (seconds) is the\n"
    "enclave's time, else the host clock is used.\n"
    "\n"
    "verbs and their input members:\n"
    "  create-client          any_client_state, any_consensus_state [, client_id]\n"
    "                         -> {\"client_id\", \"proof\": {\"message\", \"signature\"}}\n"
    "  update-client          client_id, any_header [, include_state]        -> {\"message\", \"signature\"}\n"
    "  verify-membership      client_id, prefix, path, value, proof_height {revision_number, revision_height},\n"
    "                         proof                                          -> {\"message\", \"signature\"}\n"
    "  verify-non-membership  as verify-membership without value\n"
    "  query-client           client_id  -> {\"found\", \"client_state\", \"consensus_state\"}\n"
    "\n"
    "--signer: the enclave key that signs (default: the newest attested, unexpired key of this enclave build).\n";

typedef struct {
    cJSON *in;
    uint8_t *bufs[8];
    int nbufs;
    char err[LCP_ERR_LEN];
} input;

static void input_free(input *x)
{
    for (int i = 0; i < x->nbufs; i++) lcp_free(x->bufs[i]);
    cJSON_Delete(x->in);
}

/* Base64 member name of o into a buffer owned by x; absent -> {NULL, 0} (an error if required). */
static int b64(input *x, const cJSON *o, const char *name, lcp_bytes *out, int required)
{
    const cJSON *s = cJSON_GetObjectItemCaseSensitive(o, name);
    *out = (lcp_bytes){NULL, 0};
    if (!s) return required ? lcp_fail(x->err, LCP_ERR_JSON, "input has no \"%s\"", name) : LCP_OK;
    if (!cJSON_IsString(s)) return lcp_fail(x->err, LCP_ERR_JSON, "\"%s\" must be a base64 string", name);
    size_t sl = strlen(s->valuestring), cap = lcp_base64_decoded_max(sl), n = 0;
    if (x->nbufs == 8) return lcp_fail(x->err, LCP_ERR_JSON, "too many byte fields");
    uint8_t *b = lcp_malloc(cap);
    if (!b) return lcp_fail(x->err, LCP_ERR_NOMEM, "out of memory");
    x->bufs[x->nbufs++] = b;
    char e[LCP_ERR_LEN];
    if (lcp_base64_decode(b, cap, &n, s->valuestring, sl, e) != LCP_OK)
        return lcp_fail(x->err, LCP_ERR_BASE64, "\"%s\": %s", name, e);
    *out = (lcp_bytes){b, n};
    return LCP_OK;
}

static int any(input *x, const char *name, lcp_pb_any *out)
{
    const cJSON *o = cJSON_GetObjectItemCaseSensitive(x->in, name);
    const cJSON *u = o ? cJSON_GetObjectItemCaseSensitive(o, "type_url") : NULL;
    if (!cJSON_IsObject(o) || !cJSON_IsString(u))
        return lcp_fail(x->err, LCP_ERR_JSON, "input has no \"%s\": {\"type_url\", \"value\"}", name);
    out->type_url = (lcp_bytes){(const uint8_t *)u->valuestring, strlen(u->valuestring)};
    return b64(x, o, "value", &out->value, 0);
}

static const char *str(input *x, const char *name)
{
    const cJSON *s = cJSON_GetObjectItemCaseSensitive(x->in, name);
    return cJSON_IsString(s) ? s->valuestring : NULL;
}

static int height(input *x, lcp_host_height *h)
{
    const cJSON *o = cJSON_GetObjectItemCaseSensitive(x->in, "proof_height");
    const cJSON *n = o ? cJSON_GetObjectItemCaseSensitive(o, "revision_number") : NULL;
    const cJSON *v = o ? cJSON_GetObjectItemCaseSensitive(o, "revision_height") : NULL;
    if (!cJSON_IsNumber(n) || !cJSON_IsNumber(v) || n->valuedouble < 0 || v->valuedouble < 0)
        return lcp_fail(x->err, LCP_ERR_JSON, "input needs \"proof_height\": {\"revision_number\", \"revision_height\"}");
    h->revision_number = (uint64_t)n->valuedouble;
    h->revision_height = (uint64_t)v->valuedouble;
    return LCP_OK;
}

static cJSON *commitment_json(const lcp_host_result *r)
{
    cJSON *o = cJSON_CreateObject();
    size_t n = r->message.len, m = r->signature.len;
    char *s = lcp_malloc(lcp_base64_encoded_len(n > m ? n : m));
    if (!o || !s) {
        lcp_free(s);
        return o;
    }
    lcp_base64_encode(s, lcp_base64_encoded_len(n), r->message.ptr, n);
    cJSON_AddStringToObject(o, "message", s);
    lcp_base64_encode(s, lcp_base64_encoded_len(m), r->signature.ptr, m);
    cJSON_AddStringToObject(o, "signature", s);
    lcp_free(s);
    return o;
}

static cJSON *any_json(const lcp_pb_any *a)
{
    cJSON *o = cJSON_CreateObject();
    char *s = lcp_malloc(lcp_base64_encoded_len(a->value.len));
    if (!s) return o;
    /* The result's type URLs are NUL-terminated (lcp/host_ops.h: they point into the response's strings). */
    cJSON_AddStringToObject(o, "type_url", a->type_url.ptr ? (const char *)a->type_url.ptr : "");
    lcp_base64_encode(s, lcp_base64_encoded_len(a->value.len), a->value.ptr, a->value.len);
    cJSON_AddStringToObject(o, "value", s);
    lcp_free(s);
    return o;
}

/* The operation of verb from the input. */
static int build(input *x, const char *verb, lcp_host_op *op)
{
    int rc = LCP_OK;
    op->client_id = str(x, "client_id");
    op->path = str(x, "path");
    if (strcmp(verb, "create-client") == 0) {
        op->kind = LCP_ECALL_INIT_CLIENT;
        if ((rc = any(x, "any_client_state", &op->client_state)) == LCP_OK)
            rc = any(x, "any_consensus_state", &op->consensus_state);
        if (!op->client_id) op->client_id = "";
    } else if (strcmp(verb, "update-client") == 0) {
        op->kind = LCP_ECALL_UPDATE_CLIENT;
        rc = any(x, "any_header", &op->header);
        op->include_state = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(x->in, "include_state"));
    } else if (strcmp(verb, "verify-membership") == 0) {
        op->kind = LCP_ECALL_VERIFY_MEMBERSHIP;
        if ((rc = b64(x, x->in, "prefix", &op->prefix, 1)) == LCP_OK && (rc = b64(x, x->in, "value", &op->value, 1)) == LCP_OK &&
            (rc = b64(x, x->in, "proof", &op->proof, 0)) == LCP_OK)
            rc = height(x, &op->proof_height);
    } else if (strcmp(verb, "verify-non-membership") == 0) {
        op->kind = LCP_ECALL_VERIFY_NON_MEMBERSHIP;
        if ((rc = b64(x, x->in, "prefix", &op->prefix, 1)) == LCP_OK && (rc = b64(x, x->in, "proof", &op->proof, 0)) == LCP_OK)
            rc = height(x, &op->proof_height);
    } else {
        op->kind = LCP_ECALL_QUERY_CLIENT;
    }
    if (rc == LCP_OK && op->kind != LCP_ECALL_INIT_CLIENT && !op->client_id)
        rc = lcp_fail(x->err, LCP_ERR_JSON, "input has no \"client_id\"");
    if ((op->kind == LCP_ECALL_VERIFY_MEMBERSHIP || op->kind == LCP_ECALL_VERIFY_NON_MEMBERSHIP) && !op->path)
        rc = lcp_fail(x->err, LCP_ERR_JSON, "input has no \"path\"");
    return rc;
}

static cJSON *result_json(int kind, const lcp_host_result *r)
{
    cJSON *out;
    if (kind == LCP_ECALL_INIT_CLIENT) {
        out = cJSON_CreateObject();
        cJSON_AddStringToObject(out, "client_id", r->client_id ? r->client_id : "");
        cJSON_AddItemToObject(out, "proof", commitment_json(r));
    } else if (kind == LCP_ECALL_QUERY_CLIENT) {
        out = cJSON_CreateObject();
        cJSON_AddBoolToObject(out, "found", r->found);
        if (r->has_client_state) cJSON_AddItemToObject(out, "client_state", any_json(&r->client_state));
        if (r->has_consensus_state) cJSON_AddItemToObject(out, "consensus_state", any_json(&r->consensus_state));
    } else {
        out = commitment_json(r);
    }
    return out;
}

static int run(const lcp_cli *cli, const char *verb, int argc, char **argv)
{
    lcp_cli_args a;
    static const char *const known[] = {"input", "signer", NULL};
    if (lcp_cli_parse(&a, argc, argv, known, NULL)) return LCP_CLI_EXIT_USAGE;
    if (a.help) return fputs(HELP, stdout) < 0;
    const char *path = lcp_cli_opt(&a, "input");
    if (!path) return lcp_cli_error(LCP_CLI_EXIT_USAGE, "--input FILE is required (see --help)");
    input x;
    memset(&x, 0, sizeof x);
    uint8_t *raw;
    size_t rl;
    if (lcp_file_read(&raw, &rl, path, 64u << 20, x.err) != LCP_OK) return lcp_cli_error(LCP_CLI_EXIT_FAIL, "%s", x.err);
    x.in = cJSON_ParseWithLength((const char *)raw, rl);
    lcp_free(raw);
    if (!cJSON_IsObject(x.in)) {
        cJSON_Delete(x.in);
        return lcp_cli_error(LCP_CLI_EXIT_FAIL, "%s is not a JSON object", path);
    }
    lcp_host_op op;
    memset(&op, 0, sizeof op);
    const cJSON *ts = cJSON_GetObjectItemCaseSensitive(x.in, "current_timestamp");
    if (cJSON_IsNumber(ts) && ts->valuedouble > 0) op.time_ns = (uint64_t)ts->valuedouble * 1000000000ull;
    int rc = build(&x, verb, &op);
    if (rc != LCP_OK) {
        input_free(&x);
        return lcp_cli_error(LCP_CLI_EXIT_FAIL, "%s: %s", path, x.err);
    }
    lcp_host *h;
    if ((rc = lcp_cli_open_host(cli, &h)) != 0) {
        input_free(&x);
        return rc;
    }
    uint8_t signer[20];
    int signs = op.kind != LCP_ECALL_QUERY_CLIENT;
    const char *so = lcp_cli_opt(&a, "signer");
    if (signs && so && lcp_cli_parse_address(signer, so)) rc = lcp_fail(x.err, LCP_ERR_CLI_USAGE, "--signer must be a 20-byte address");
    else if (signs && !so) rc = lcp_host_default_signer(h, signer, op.time_ns ? op.time_ns / 1000000000u : (uint64_t)lcp_time_now(), x.err);
    op.signer = signs ? signer : NULL;
    lcp_host_result r;
    memset(&r, 0, sizeof r);
    if (rc == LCP_OK) rc = lcp_host_run(h, &op, &r, x.err);
    if (rc == LCP_OK && !r.has_result) rc = lcp_fail(x.err, LCP_ERR_PROTO, "the enclave returned an unexpected result");
    lcp_host_close(h);
    cJSON *out = rc == LCP_OK ? result_json(op.kind, &r) : NULL;
    lcp_host_result_free(&r);
    input_free(&x);
    if (rc != LCP_OK) return lcp_cli_error(LCP_CLI_EXIT_FAIL, "%s", x.err);
    return lcp_cli_print_json(out);
}

static int create_client(const lcp_cli *cli, int argc, char **argv) { return run(cli, "create-client", argc, argv); }
static int update_client(const lcp_cli *cli, int argc, char **argv) { return run(cli, "update-client", argc, argv); }
static int verify_mem(const lcp_cli *cli, int argc, char **argv) { return run(cli, "verify-membership", argc, argv); }
static int verify_nonmem(const lcp_cli *cli, int argc, char **argv)
{
    return run(cli, "verify-non-membership", argc, argv);
}
static int query_client(const lcp_cli *cli, int argc, char **argv) { return run(cli, "query-client", argc, argv); }

int lcp_cli_elc(const lcp_cli *cli, int argc, char **argv)
{
    static const lcp_cli_verb verbs[] = {
        {"create-client", create_client, "create a light client from --input (sim backend)"},
        {"update-client", update_client, "update a light client with a header"},
        {"verify-membership", verify_mem, "verify a membership proof and sign the commitment"},
        {"verify-non-membership", verify_nonmem, "verify a non-membership proof and sign the commitment"},
        {"query-client", query_client, "print a light client's state (no signature)"},
    };
    return lcp_cli_dispatch(cli, "elc", "Light-client commands run in the enclave (sim backend). Each verb reads its "
                            "request from --input FILE (JSON);\n'lcp elc <verb> --help' shows the fields.",
                            verbs, sizeof verbs / sizeof verbs[0], argc, argv);
}
