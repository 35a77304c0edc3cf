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

/* Base64 member name of o into a buffer owned by x; absent -> {NULL, 0}, *present = 0. */
static int b64(input *x, const cJSON *o, const char *name, ProtobufCBinaryData *out, int required)
{
    const cJSON *s = cJSON_GetObjectItemCaseSensitive(o, name);
    out->data = NULL;
    out->len = 0;
    if (!s) return required ? lcp_fail(x->err, LCP_ERR_JSON, "input has no \"%s\"", name) : LCP_OK;
    if (!cJSON_IsString(s)) return lcp_fail(x->err, LCP_ERR_JSON, "\"%s\" must be a base64 string", name);
    size_t sl = strlen(s->valuestring), cap = lcp_base64_decoded_max(sl);
    if (x->nbufs == 8) return lcp_fail(x->err, LCP_ERR_JSON, "too many byte fields");
    uint8_t *b = lcp_malloc(cap);
    if (!b) return lcp_fail(x->err, LCP_ERR_NOMEM, "out of memory");
    x->bufs[x->nbufs++] = b;
    char e[LCP_ERR_LEN];
    if (lcp_base64_decode(b, cap, &out->len, s->valuestring, sl, e) != LCP_OK)
        return lcp_fail(x->err, LCP_ERR_BASE64, "\"%s\": %s", name, e);
    out->data = b;
    return LCP_OK;
}

static int any(input *x, const char *name, Lcp__Enclave__V1__Any *out)
{
    const cJSON *o = cJSON_GetObjectItemCaseSensitive(x->in, name);
    const cJSON *u = o ? cJSON_GetObjectItemCaseSensitive(o, "type_url") : NULL;
    if (!cJSON_IsObject(o) || !cJSON_IsString(u))
        return lcp_fail(x->err, LCP_ERR_JSON, "input has no \"%s\": {\"type_url\", \"value\"}", name);
    lcp__enclave__v1__any__init(out);
    out->type_url = u->valuestring;
    return b64(x, o, "value", &out->value, 0);
}

static const char *str(input *x, const char *name)
{
    const cJSON *s = cJSON_GetObjectItemCaseSensitive(x->in, name);
    return cJSON_IsString(s) ? s->valuestring : NULL;
}

static int height(input *x, Lcp__Enclave__V1__Height *h)
{
    const cJSON *o = cJSON_GetObjectItemCaseSensitive(x->in, "proof_height");
    const cJSON *n = o ? cJSON_GetObjectItemCaseSensitive(o, "revision_number") : NULL;
    const cJSON *v = o ? cJSON_GetObjectItemCaseSensitive(o, "revision_height") : NULL;
    lcp__enclave__v1__height__init(h);
    if (!cJSON_IsNumber(n) || !cJSON_IsNumber(v) || n->valuedouble < 0 || v->valuedouble < 0)
        return lcp_fail(x->err, LCP_ERR_JSON, "input needs \"proof_height\": {\"revision_number\", \"revision_height\"}");
    h->revision_number = (uint64_t)n->valuedouble;
    h->revision_height = (uint64_t)v->valuedouble;
    return LCP_OK;
}

static cJSON *commitment_json(const Lcp__Enclave__V1__CommitmentProof *p)
{
    cJSON *o = cJSON_CreateObject();
    size_t n = p ? p->message.len : 0, m = p ? p->signature.len : 0;
    char *s = lcp_malloc(lcp_base64_encoded_len(n > m ? n : m));
    if (!o || !s) {
        lcp_free(s);
        return o;
    }
    lcp_base64_encode(s, lcp_base64_encoded_len(n), p ? p->message.data : NULL, n);
    cJSON_AddStringToObject(o, "message", s);
    lcp_base64_encode(s, lcp_base64_encoded_len(m), p ? p->signature.data : NULL, m);
    cJSON_AddStringToObject(o, "signature", s);
    lcp_free(s);
    return o;
}

static cJSON *any_json(const Lcp__Enclave__V1__Any *a)
{
    cJSON *o = cJSON_CreateObject();
    char *s = lcp_malloc(lcp_base64_encoded_len(a->value.len));
    if (!s) return o;
    cJSON_AddStringToObject(o, "type_url", a->type_url ? a->type_url : "");
    lcp_base64_encode(s, lcp_base64_encoded_len(a->value.len), a->value.data, a->value.len);
    cJSON_AddStringToObject(o, "value", s);
    lcp_free(s);
    return o;
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
    Lcp__Enclave__V1__EcallRequest req = LCP__ENCLAVE__V1__ECALL_REQUEST__INIT;
    Lcp__Enclave__V1__InitClient ic = LCP__ENCLAVE__V1__INIT_CLIENT__INIT;
    Lcp__Enclave__V1__UpdateClient uc = LCP__ENCLAVE__V1__UPDATE_CLIENT__INIT;
    Lcp__Enclave__V1__VerifyMembership vm = LCP__ENCLAVE__V1__VERIFY_MEMBERSHIP__INIT;
    Lcp__Enclave__V1__VerifyNonMembership vn = LCP__ENCLAVE__V1__VERIFY_NON_MEMBERSHIP__INIT;
    Lcp__Enclave__V1__QueryClient qc = LCP__ENCLAVE__V1__QUERY_CLIENT__INIT;
    Lcp__Enclave__V1__Any cs, cons, hdr;
    Lcp__Enclave__V1__Height ph;
    int rc = LCP_OK, write = 1, signs = 1;
    const cJSON *ts = cJSON_GetObjectItemCaseSensitive(x.in, "current_timestamp");
    if (cJSON_IsNumber(ts) && ts->valuedouble > 0) req.current_time_ns = (uint64_t)ts->valuedouble * 1000000000ull;
    if (strcmp(verb, "create-client") == 0) {
        if ((rc = any(&x, "any_client_state", &cs)) == LCP_OK) rc = any(&x, "any_consensus_state", &cons);
        ic.client_id = (char *)(str(&x, "client_id") ? str(&x, "client_id") : "");
        ic.client_state = &cs;
        ic.consensus_state = &cons;
        req.command_case = LCP__ENCLAVE__V1__ECALL_REQUEST__COMMAND_INIT_CLIENT;
        req.init_client = &ic;
    } else if (strcmp(verb, "update-client") == 0) {
        rc = any(&x, "any_header", &hdr);
        uc.client_id = (char *)str(&x, "client_id");
        uc.header = &hdr;
        uc.include_state = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(x.in, "include_state"));
        req.command_case = LCP__ENCLAVE__V1__ECALL_REQUEST__COMMAND_UPDATE_CLIENT;
        req.update_client = &uc;
    } else if (strcmp(verb, "verify-membership") == 0) {
        vm.client_id = (char *)str(&x, "client_id");
        vm.path = (char *)str(&x, "path");
        if ((rc = b64(&x, x.in, "prefix", &vm.prefix, 1)) == LCP_OK && (rc = b64(&x, x.in, "value", &vm.value, 1)) == LCP_OK &&
            (rc = b64(&x, x.in, "proof", &vm.proof, 0)) == LCP_OK)
            rc = height(&x, &ph);
        vm.proof_height = &ph;
        req.command_case = LCP__ENCLAVE__V1__ECALL_REQUEST__COMMAND_VERIFY_MEMBERSHIP;
        req.verify_membership = &vm;
    } else if (strcmp(verb, "verify-non-membership") == 0) {
        vn.client_id = (char *)str(&x, "client_id");
        vn.path = (char *)str(&x, "path");
        if ((rc = b64(&x, x.in, "prefix", &vn.prefix, 1)) == LCP_OK && (rc = b64(&x, x.in, "proof", &vn.proof, 0)) == LCP_OK)
            rc = height(&x, &ph);
        vn.proof_height = &ph;
        req.command_case = LCP__ENCLAVE__V1__ECALL_REQUEST__COMMAND_VERIFY_NON_MEMBERSHIP;
        req.verify_non_membership = &vn;
    } else {
        qc.client_id = (char *)str(&x, "client_id");
        req.command_case = LCP__ENCLAVE__V1__ECALL_REQUEST__COMMAND_QUERY_CLIENT;
        req.query_client = &qc;
        write = 0;
        signs = 0;
    }
    if (rc == LCP_OK && req.command_case != LCP__ENCLAVE__V1__ECALL_REQUEST__COMMAND_INIT_CLIENT &&
        !(req.command_case == LCP__ENCLAVE__V1__ECALL_REQUEST__COMMAND_UPDATE_CLIENT ? uc.client_id
          : req.command_case == LCP__ENCLAVE__V1__ECALL_REQUEST__COMMAND_QUERY_CLIENT ? qc.client_id
          : req.command_case == LCP__ENCLAVE__V1__ECALL_REQUEST__COMMAND_VERIFY_MEMBERSHIP ? vm.client_id : vn.client_id))
        rc = lcp_fail(x.err, LCP_ERR_JSON, "input has no \"client_id\"");
    if ((req.command_case == LCP__ENCLAVE__V1__ECALL_REQUEST__COMMAND_VERIFY_MEMBERSHIP && !vm.path) ||
        (req.command_case == LCP__ENCLAVE__V1__ECALL_REQUEST__COMMAND_VERIFY_NON_MEMBERSHIP && !vn.path))
        rc = lcp_fail(x.err, LCP_ERR_JSON, "input has no \"path\"");
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
    const char *so = lcp_cli_opt(&a, "signer");
    ProtobufCBinaryData sb = {20, signer};
    if (signs && so && lcp_cli_parse_address(signer, so)) rc = lcp_fail(x.err, LCP_ERR_CLI_USAGE, "--signer must be a 20-byte address");
    else if (signs && !so) rc = lcp_host_default_signer(h, signer, req.current_time_ns ? req.current_time_ns / 1000000000u : (uint64_t)lcp_time_now(), x.err);
    ic.signer = uc.signer = vm.signer = vn.signer = sb;
    Lcp__Enclave__V1__EcallResponse *resp = NULL;
    if (rc == LCP_OK) rc = lcp_host_run(h, &req, signs ? signer : NULL, write, &resp, x.err);
    lcp_host_close(h);
    cJSON *out = NULL;
    if (rc == LCP_OK) {
        if (resp->result_case == LCP__ENCLAVE__V1__ECALL_RESPONSE__RESULT_INIT_CLIENT) {
            out = cJSON_CreateObject();
            cJSON_AddStringToObject(out, "client_id", resp->init_client->client_id);
            cJSON_AddItemToObject(out, "proof", commitment_json(resp->init_client->proof));
        } else if (resp->result_case == LCP__ENCLAVE__V1__ECALL_RESPONSE__RESULT_QUERY_CLIENT) {
            const Lcp__Enclave__V1__QueryClientResult *q = resp->query_client;
            out = cJSON_CreateObject();
            cJSON_AddBoolToObject(out, "found", q->found);
            if (q->found && q->client_state) cJSON_AddItemToObject(out, "client_state", any_json(q->client_state));
            if (q->found && q->consensus_state) cJSON_AddItemToObject(out, "consensus_state", any_json(q->consensus_state));
        } else {
            out = commitment_json(resp->commitment);
        }
    }
    if (resp) lcp__enclave__v1__ecall_response__free_unpacked(resp, NULL);
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
