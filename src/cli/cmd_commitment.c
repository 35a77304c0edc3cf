/* lcp commitment decode | verify: look inside LCP commitments and check who signed them. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "lcp/codec_pb.h"
#include "lcp/commitment.h"

static const char DECODE_HELP[] =
    "usage: lcp commitment decode [FILE|-]\n"
    "\n"
    "Decodes an LCP commitment (a HeaderedProxyMessage: UpdateState, State or Misbehaviour) and prints every\n"
    "field as JSON. FILE holds the message as raw bytes, as hex (with or without 0x) or as base64; '-' or no FILE\n"
    "reads standard input. A JSON document with a \"message\" member (the LCP fixtures' *_result form, also\n"
    "nested in \"proof\") is accepted too. Decoding is strict: a non-canonical encoding is an error.\n"
    "\n"
    "example: lcp commitment decode ../shared/testdata/lcp/lcp-solidity/client/01/003-update_client_result\n";

static const char VERIFY_HELP[] =
    "usage: lcp commitment verify --message FILE --signature HEX\n"
    "\n"
    "Recovers the enclave key that signed a commitment: ecrecover(keccak256(message), signature) with a\n"
    "65-byte r||s||v signature (v = 0/1 or 27/28). Prints {\"signer\": \"0x...\", \"type\": ...}. This proves who\n"
    "signed, not that the signer is trusted: an LCP client also requires the key to be registered with a valid\n"
    "attestation. FILE is read as for 'lcp commitment decode'.\n";

/* Decimal text of a u128 (timestamps in ns do not fit a JSON double). */
static void u128_str(char out[40], lcp_u128 v)
{
    char tmp[40];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + (int)(v % 10));
        v /= 10;
    } while (v);
    for (int i = 0; i < n; i++) out[i] = tmp[n - 1 - i];
    out[n] = '\0';
}

static cJSON *height_json(const lcp_height *h)
{
    cJSON *o = cJSON_CreateObject();
    char b[24];
    snprintf(b, sizeof b, "%llu", (unsigned long long)h->revision_number);
    cJSON_AddStringToObject(o, "revision_number", b);
    snprintf(b, sizeof b, "%llu", (unsigned long long)h->revision_height);
    cJSON_AddStringToObject(o, "revision_height", b);
    return o;
}

static void add_u128(cJSON *o, const char *name, lcp_u128 v)
{
    char b[40];
    u128_str(b, v);
    cJSON_AddStringToObject(o, name, b);
}

static void add_b64(cJSON *o, const char *name, lcp_bytes b)
{
    char *s = lcp_malloc(lcp_base64_encoded_len(b.len));
    if (s == NULL) return;
    lcp_base64_encode(s, lcp_base64_encoded_len(b.len), b.ptr, b.len);
    cJSON_AddStringToObject(o, name, s);
    lcp_free(s);
}

static void add_text_or_hex(cJSON *o, const char *name, lcp_bytes b)
{
    for (size_t i = 0; i < b.len; i++)
        if (b.ptr[i] < 0x20 || b.ptr[i] > 0x7e) {
            lcp_cli_json_hex(o, name, b.ptr, b.len);
            return;
        }
    char *s = lcp_malloc(b.len + 1);
    if (s == NULL) return;
    memcpy(s, b.ptr, b.len);
    s[b.len] = '\0';
    cJSON_AddStringToObject(o, name, s);
    lcp_free(s);
}

static cJSON *context_json(lcp_bytes enc)
{
    lcp_validation_context c;
    char err[LCP_ERR_LEN] = "";
    cJSON *o = cJSON_CreateObject();
    if (lcp_context_decode(&c, enc.ptr, enc.len, err) != LCP_OK) {
        cJSON_AddStringToObject(o, "error", err);
        return o;
    }
    if (c.type == LCP_CONTEXT_EMPTY) {
        cJSON_AddStringToObject(o, "type", "Empty");
        return o;
    }
    cJSON_AddStringToObject(o, "type", "TrustingPeriod");
    add_u128(o, "untrusted_header_timestamp", c.untrusted_header_timestamp);
    add_u128(o, "trusted_state_timestamp", c.trusted_state_timestamp);
    add_u128(o, "trusting_period", c.trusting_period);
    add_u128(o, "clock_drift", c.clock_drift);
    return o;
}

static cJSON *any_json(lcp_bytes b)
{
    lcp_pb_any a;
    cJSON *o = cJSON_CreateObject();
    if (lcp_pb_decode_any(&a, b.ptr, b.len, NULL) != LCP_OK) {
        add_b64(o, "raw", b);
        return o;
    }
    add_text_or_hex(o, "type_url", a.type_url);
    add_b64(o, "value", a.value);
    return o;
}

static cJSON *update_json(const lcp_update_state_msg *u)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "type", "UpdateState");
    if (lcp_height_is_zero(&u->prev_height)) cJSON_AddNullToObject(o, "prev_height");
    else cJSON_AddItemToObject(o, "prev_height", height_json(&u->prev_height));
    lcp_cli_json_hex(o, "prev_state_id", u->prev_state_id, 32);
    cJSON_AddItemToObject(o, "post_height", height_json(&u->post_height));
    lcp_cli_json_hex(o, "post_state_id", u->post_state_id, 32);
    add_u128(o, "timestamp", u->timestamp);
    cJSON_AddItemToObject(o, "context", context_json(u->context));
    cJSON *arr = cJSON_AddArrayToObject(o, "emitted_states");
    for (size_t i = 0; i < u->emitted_count; i++) {
        lcp_emitted_state es;
        if (lcp_update_state_emitted(u, i, &es) != LCP_OK) continue;
        cJSON *e = cJSON_CreateObject();
        cJSON_AddItemToObject(e, "height", height_json(&es.height));
        cJSON_AddItemToObject(e, "state", any_json(es.state));
        cJSON_AddItemToArray(arr, e);
    }
    return o;
}

static cJSON *state_json(const lcp_membership_msg *m)
{
    static const uint8_t zero[32];
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "type", memcmp(m->value, zero, 32) ? "VerifyMembership" : "VerifyNonMembership");
    add_text_or_hex(o, "prefix", m->prefix);
    add_text_or_hex(o, "path", m->path);
    lcp_cli_json_hex(o, "value", m->value, 32);
    cJSON_AddItemToObject(o, "height", height_json(&m->height));
    lcp_cli_json_hex(o, "state_id", m->state_id, 32);
    return o;
}

static cJSON *misbehaviour_json(const lcp_misbehaviour_msg *m)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "type", "Misbehaviour");
    cJSON *arr = cJSON_AddArrayToObject(o, "prev_states");
    for (size_t i = 0; i < m->prev_count; i++) {
        lcp_prev_state ps;
        if (lcp_misbehaviour_prev_state(m, i, &ps) != LCP_OK) continue;
        cJSON *e = cJSON_CreateObject();
        cJSON_AddItemToObject(e, "height", height_json(&ps.height));
        lcp_cli_json_hex(e, "state_id", ps.state_id, 32);
        cJSON_AddItemToArray(arr, e);
    }
    cJSON_AddItemToObject(o, "context", context_json(m->context));
    cJSON_AddItemToObject(o, "client_message", any_json(m->client_message));
    return o;
}

/* Reads a message: raw, hex, base64, or a fixture JSON with "message" (maybe inside "proof"). */
static int read_message(uint8_t **out, size_t *len, const char *path, char *err)
{
    uint8_t *raw;
    size_t n;
    int rc = lcp_file_read(&raw, &n, path, 64u << 20, err);
    if (rc != LCP_OK) return rc;
    cJSON *j = n && raw[0] == '{' ? cJSON_ParseWithLength((const char *)raw, n) : NULL;
    if (j) {
        const cJSON *p = cJSON_GetObjectItemCaseSensitive(j, "proof");
        const cJSON *m = cJSON_GetObjectItemCaseSensitive(p ? p : j, "message");
        if (!cJSON_IsString(m)) {
            cJSON_Delete(j);
            lcp_free(raw);
            return lcp_fail(err, LCP_ERR_JSON, "%s is JSON without a \"message\" string", path);
        }
        size_t sl = strlen(m->valuestring), cap = lcp_base64_decoded_max(sl);
        uint8_t *dec = lcp_malloc(cap);
        rc = dec ? lcp_base64_decode(dec, cap, len, m->valuestring, sl, err) : LCP_ERR_NOMEM;
        cJSON_Delete(j);
        lcp_free(raw);
        if (rc != LCP_OK) {
            lcp_free(dec);
            return rc;
        }
        *out = dec;
        return LCP_OK;
    }
    return lcp_cli_decode_blob(out, len, raw, n, path, err);
}

static int cmd_decode(int argc, char **argv)
{
    lcp_cli_args a;
    static const char *const known[] = {NULL};
    if (lcp_cli_parse_pos(&a, argc, argv, known, NULL, 1)) return LCP_CLI_EXIT_USAGE;
    if (a.help) return fputs(DECODE_HELP, stdout) < 0;
    uint8_t *msg;
    size_t len;
    char err[LCP_ERR_LEN] = "";
    if (read_message(&msg, &len, a.npos ? a.pos[0] : "-", err) != LCP_OK) return lcp_cli_error(LCP_CLI_EXIT_FAIL, "%s", err);
    lcp_proxy_msg pm;
    if (lcp_proxy_msg_decode(&pm, msg, len, err) != LCP_OK) {
        lcp_free(msg);
        return lcp_cli_error(LCP_CLI_EXIT_FAIL, "not a valid commitment: %s", err);
    }
    cJSON *o = pm.type == LCP_MSG_UPDATE_STATE ? update_json(&pm.u.update)
               : pm.type == LCP_MSG_STATE      ? state_json(&pm.u.state)
                                               : misbehaviour_json(&pm.u.misbehaviour);
    cJSON_AddNumberToObject(o, "version", LCP_COMMITMENT_VERSION);
    if (lcp_proxy_msg_validate(&pm, err) != LCP_OK) cJSON_AddStringToObject(o, "validation_error", err);
    lcp_free(msg);
    return lcp_cli_print_json(o);
}

static int cmd_verify(int argc, char **argv)
{
    lcp_cli_args a;
    static const char *const known[] = {"message", "signature", NULL};
    if (lcp_cli_parse(&a, argc, argv, known, NULL)) return LCP_CLI_EXIT_USAGE;
    if (a.help) return fputs(VERIFY_HELP, stdout) < 0;
    const char *mpath = lcp_cli_opt(&a, "message"), *shex = lcp_cli_opt(&a, "signature");
    if (!mpath || !shex) return lcp_cli_error(LCP_CLI_EXIT_USAGE, "verify needs --message FILE and --signature HEX");
    uint8_t sig[65], *msg, addr[20];
    size_t sl, ml;
    char err[LCP_ERR_LEN] = "";
    if (lcp_hex_decode(sig, sizeof sig, &sl, shex, strlen(shex), err) != LCP_OK)
        return lcp_cli_error(LCP_CLI_EXIT_USAGE, "--signature: %s", err);
    if (read_message(&msg, &ml, mpath, err) != LCP_OK) return lcp_cli_error(LCP_CLI_EXIT_FAIL, "%s", err);
    lcp_proxy_msg pm;
    int rc = lcp_proxy_msg_decode(&pm, msg, ml, err);
    if (rc != LCP_OK) {
        lcp_free(msg);
        return lcp_cli_error(LCP_CLI_EXIT_FAIL, "not a valid commitment: %s", err);
    }
    rc = lcp_commitment_recover_signer(addr, msg, ml, sig, sl, err);
    lcp_free(msg);
    if (rc != LCP_OK) return lcp_cli_error(LCP_CLI_EXIT_FAIL, "signature does not recover: %s", err);
    cJSON *o = cJSON_CreateObject();
    lcp_cli_json_hex(o, "signer", addr, 20);
    static const char *names[] = {"", "UpdateState", "State", "Misbehaviour"};
    cJSON_AddStringToObject(o, "type", names[pm.type]);
    return lcp_cli_print_json(o);
}

static int verb_decode(const lcp_cli *cli, int argc, char **argv)
{
    (void)cli;
    return cmd_decode(argc, argv);
}

static int verb_verify(const lcp_cli *cli, int argc, char **argv)
{
    (void)cli;
    return cmd_verify(argc, argv);
}

int lcp_cli_commitment(const lcp_cli *cli, int argc, char **argv)
{
    static const lcp_cli_verb verbs[] = {
        {"decode", verb_decode, "[FILE|-] print every field of a commitment as JSON"},
        {"verify", verb_verify, "--message FILE --signature HEX: recover the enclave key that signed it"},
    };
    return lcp_cli_dispatch(cli, "commitment", NULL, verbs, sizeof verbs / sizeof verbs[0], argc, argv);
}
