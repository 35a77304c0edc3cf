/* The mock light client (lcp/elc.h), with ibc-rs mock semantics: headers are taken at their word. Types:
 *   Header         {1: Height height, 2: uint64 timestamp (unix ns)}
 *   ClientState    {1: Header header, 2: bool frozen}   (field 2 is lcp-c's, so misbehaviour can freeze it)
 *   ConsensusState {1: Header header}
 *   Misbehaviour   {1: string client_id, 2: Header header1, 3: Header header2}
 * An update must raise the height; two different headers at one height are misbehaviour. Membership checks
 * nothing but the existence of the consensus state: the mock proves nothing and must never guard real value.
 * So it is never linked into the release lcp-enclave: only the test enclave (lcp-enclave-test) and in-process
 * tests link it (Makefile TEST_ENCLAVE_SRCS). */
#include <string.h>

#include "lcp/crypto.h"
#include "lcp/elc.h"
#include "lcp/elc_tendermint.h"
#include "elc_mock.h"

#define T_CS "/ibc.mock.ClientState"
#define T_CONS "/ibc.mock.ConsensusState"
#define T_HEADER "/ibc.mock.Header"
#define T_MISB "/ibc.mock.Misbehaviour"

typedef struct {
    lcp_height height;
    uint64_t timestamp;
} mock_header;

static int decode_height(lcp_height *h, lcp_bytes b, char *err)
{
    return lcp_pb_decode_height(&h->revision_number, &h->revision_height, b.ptr, b.len, err);
}

static int decode_header(mock_header *h, lcp_bytes b, char *err)
{
    lcp_pb_reader r;
    lcp_pb_field f;
    int rc;
    memset(h, 0, sizeof *h);
    lcp_pb_reader_init(&r, b.ptr, b.len);
    while ((rc = lcp_pb_next(&r, &f, err)) == 1) {
        if (f.number == 1 && f.wire_type == LCP_PB_LEN) {
            if ((rc = decode_height(&h->height, f.bytes, err)) != LCP_OK) return rc;
        } else if (f.number == 2 && f.wire_type == LCP_PB_VARINT) {
            h->timestamp = f.u;
        } else if (f.number <= 2) {
            return lcp_fail(err, LCP_ERR_PROTO, "mock: bad Header field %u", f.number);
        }
    }
    if (rc < 0) return rc;
    if (lcp_height_is_zero(&h->height)) return lcp_fail(err, LCP_ERR_PROTO, "mock: header height is zero");
    return LCP_OK;
}

/* ClientState / ConsensusState: field 1 holds the header; field 2 (client state only) the frozen flag. */
static int decode_wrapper(mock_header *h, int *frozen, lcp_bytes b, char *err)
{
    lcp_pb_reader r;
    lcp_pb_field f;
    int rc, seen = 0;
    if (frozen) *frozen = 0;
    lcp_pb_reader_init(&r, b.ptr, b.len);
    while ((rc = lcp_pb_next(&r, &f, err)) == 1) {
        if (f.number == 1 && f.wire_type == LCP_PB_LEN) {
            if ((rc = decode_header(h, f.bytes, err)) != LCP_OK) return rc;
            seen = 1;
        } else if (f.number == 2 && f.wire_type == LCP_PB_VARINT && frozen) {
            *frozen = f.u != 0;
        }
    }
    if (rc < 0) return rc;
    return seen ? LCP_OK : lcp_fail(err, LCP_ERR_PROTO, "mock: state has no header");
}

static void put_header(lcp_pb_writer *w, uint32_t field, const mock_header *h)
{
    uint8_t hb[32], top[64];
    lcp_pb_writer hw, tw;
    lcp_pb_writer_init(&hw, hb, sizeof hb);
    lcp_pb_put_uint_opt(&hw, 1, h->height.revision_number);
    lcp_pb_put_uint_opt(&hw, 2, h->height.revision_height);
    lcp_pb_writer_init(&tw, top, sizeof top);
    lcp_pb_put_message(&tw, 1, hb, hw.len);
    lcp_pb_put_uint_opt(&tw, 2, h->timestamp);
    lcp_pb_put_message(w, field, top, tw.len);
}

/* Any of ClientState{header, frozen} or ConsensusState{header}. */
static int encode_state(lcp_buf *out, const char *type_url, const mock_header *h, int frozen)
{
    uint8_t b[96];
    lcp_pb_writer w;
    lcp_pb_writer_init(&w, b, sizeof b);
    put_header(&w, 1, h);
    if (frozen) lcp_pb_put_uint(&w, 2, 1);
    int rc = lcp_pb_writer_status(&w);
    return rc ? rc : lcp_elc_put_any(out, type_url, b, w.len);
}

static int state_id(uint8_t id[32], const lcp_buf *cs, const lcp_buf *cons)
{
    return lcp_state_id(id, cs->data, cs->len, cons->data, cons->len);
}

static int empty_context(uint8_t ctx[LCP_CONTEXT_MAX_LEN], lcp_bytes *out)
{
    lcp_validation_context c = {.type = LCP_CONTEXT_EMPTY};
    size_t n;
    int rc = lcp_context_encode(ctx, LCP_CONTEXT_MAX_LEN, &n, &c);
    out->ptr = ctx;
    out->len = n;
    return rc;
}

static int encode_msg(lcp_buf *out, const lcp_proxy_msg *m)
{
    size_t n;
    int rc = lcp_proxy_msg_encode(NULL, 0, &n, m);
    if (rc == LCP_OK) rc = lcp_buf_reserve(out, n);
    if (rc == LCP_OK) rc = lcp_proxy_msg_encode(out->data + out->len, n, &n, m);
    if (rc == LCP_OK) out->len += n;
    return rc;
}

static int update_state_msg(lcp_elc_result *out, const lcp_height *prev, const uint8_t *prev_id, const mock_header *h,
                            const uint8_t post_id[32])
{
    uint8_t ctx[LCP_CONTEXT_MAX_LEN];
    lcp_proxy_msg m;
    memset(&m, 0, sizeof m);
    m.type = LCP_MSG_UPDATE_STATE;
    if (prev) {
        m.u.update.prev_height = *prev;
        memcpy(m.u.update.prev_state_id, prev_id, 32);
    }
    m.u.update.post_height = h->height;
    memcpy(m.u.update.post_state_id, post_id, 32);
    m.u.update.timestamp = h->timestamp;
    int rc = empty_context(ctx, &m.u.update.context);
    lcp_emitted_state es = {h->height, {out->client_state.data, out->client_state.len}};
    m.u.update.emitted = &es;
    m.u.update.emitted_count = 1;
    return rc ? rc : encode_msg(&out->message, &m);
}

static int mock_create(const lcp_elc_env *env, lcp_elc_result *out, const lcp_pb_any *cs, const lcp_pb_any *cons,
                       char *err)
{
    (void)env;
    mock_header h, hc;
    int rc;
    if (!lcp_pb_any_is(cs, T_CS) || !lcp_pb_any_is(cons, T_CONS))
        return lcp_fail(err, LCP_ERR_PROTO, "mock: expected %s and %s", T_CS, T_CONS);
    if ((rc = decode_wrapper(&h, NULL, cs->value, err)) != LCP_OK) return rc;
    if ((rc = decode_wrapper(&hc, NULL, cons->value, err)) != LCP_OK) return rc;
    if ((rc = lcp_elc_put_any(&out->client_state, T_CS, cs->value.ptr, cs->value.len)) != LCP_OK) return rc;
    if ((rc = lcp_elc_put_any(&out->consensus_state, T_CONS, cons->value.ptr, cons->value.len)) != LCP_OK) return rc;
    uint8_t id[32];
    if ((rc = state_id(id, &out->client_state, &out->consensus_state)) != LCP_OK) return rc;
    out->height = h.height;
    out->prove = 0; /* as LCP: create_client commitments are returned unsigned */
    return update_state_msg(out, NULL, NULL, &h, id);
}

/* Loads client_id's client state and the consensus state at its latest height. */
static int load(const lcp_elc_env *env, const char *client_id, lcp_buf *cs, lcp_buf *cons, mock_header *h, int *frozen,
                char *err)
{
    char key[256];
    int found, rc;
    lcp_pb_any a;
    if ((rc = lcp_elc_key_client_state(key, sizeof key, client_id)) != LCP_OK) return lcp_fail(err, rc, "client id too long");
    if ((rc = env->get(env->ud, key, cs, &found, err)) != LCP_OK) return rc;
    if (!found) return lcp_fail(err, LCP_ERR_ELC_CLIENT_NOT_FOUND, "client %s not found", client_id);
    if ((rc = lcp_pb_decode_any(&a, cs->data, cs->len, err)) != LCP_OK) return rc;
    if (!lcp_pb_any_is(&a, T_CS)) return lcp_fail(err, LCP_ERR_PROTO, "client %s is not a mock client", client_id);
    if ((rc = decode_wrapper(h, frozen, a.value, err)) != LCP_OK) return rc;
    if ((rc = lcp_elc_key_consensus_state(key, sizeof key, client_id, &h->height)) != LCP_OK) return rc;
    if ((rc = env->get(env->ud, key, cons, &found, err)) != LCP_OK) return rc;
    if (!found) return lcp_fail(err, LCP_ERR_ELC_CLIENT_NOT_FOUND, "client %s has no consensus state at its height", client_id);
    return LCP_OK;
}

static int mock_misbehaviour(lcp_elc_result *out, const lcp_pb_any *msg, const lcp_buf *cs, const lcp_buf *cons,
                             const mock_header *latest, char *err)
{
    lcp_pb_reader r;
    lcp_pb_field f;
    mock_header h1, h2;
    int rc, n = 0;
    lcp_pb_reader_init(&r, msg->value.ptr, msg->value.len);
    while ((rc = lcp_pb_next(&r, &f, err)) == 1) {
        if ((f.number == 2 || f.number == 3) && f.wire_type == LCP_PB_LEN) {
            if ((rc = decode_header(f.number == 2 ? &h1 : &h2, f.bytes, err)) != LCP_OK) return rc;
            n |= 1 << (f.number - 2);
        }
    }
    if (rc < 0) return rc;
    if (n != 3) return lcp_fail(err, LCP_ERR_ELC_INVALID_HEADER, "mock misbehaviour needs two headers");
    if (lcp_height_cmp(&h1.height, &h2.height) != 0 || h1.timestamp == h2.timestamp)
        return lcp_fail(err, LCP_ERR_ELC_INVALID_HEADER, "mock misbehaviour: headers do not conflict");
    uint8_t id[32], ctx[LCP_CONTEXT_MAX_LEN];
    if ((rc = state_id(id, cs, cons)) != LCP_OK) return rc;
    lcp_prev_state ps = {latest->height, {0}};
    memcpy(ps.state_id, id, 32);
    lcp_proxy_msg m;
    memset(&m, 0, sizeof m);
    m.type = LCP_MSG_MISBEHAVIOUR;
    m.u.misbehaviour.prev_states = &ps;
    m.u.misbehaviour.prev_count = 1;
    if ((rc = empty_context(ctx, &m.u.misbehaviour.context)) != LCP_OK) return rc;
    lcp_buf any = {0};
    if ((rc = lcp_elc_put_any(&any, T_MISB, msg->value.ptr, msg->value.len)) != LCP_OK) return rc;
    m.u.misbehaviour.client_message = (lcp_bytes){any.data, any.len};
    rc = encode_msg(&out->message, &m);
    lcp_buf_free(&any);
    if (rc == LCP_OK) rc = encode_state(&out->client_state, T_CS, latest, 1);
    out->misbehaviour = 1;
    out->prove = 1;
    return rc;
}

static int mock_update(const lcp_elc_env *env, lcp_elc_result *out, const char *client_id, const lcp_pb_any *msg,
                       int include_state, char *err)
{
    (void)include_state; /* the mock always emits its state (spec §2) */
    lcp_buf cs = {0}, cons = {0};
    mock_header latest, h;
    int frozen, rc = load(env, client_id, &cs, &cons, &latest, &frozen, err);
    if (rc != LCP_OK) goto done;
    if (frozen) {
        rc = lcp_fail(err, LCP_ERR_ELC_FROZEN, "client %s is frozen", client_id);
        goto done;
    }
    if (lcp_pb_any_is(msg, T_MISB)) {
        rc = mock_misbehaviour(out, msg, &cs, &cons, &latest, err);
        goto done;
    }
    if (!lcp_pb_any_is(msg, T_HEADER)) {
        rc = lcp_fail(err, LCP_ERR_ELC_INVALID_HEADER, "mock: expected %s or %s", T_HEADER, T_MISB);
        goto done;
    }
    if ((rc = decode_header(&h, msg->value, err)) != LCP_OK) goto done;
    if (lcp_height_cmp(&h.height, &latest.height) <= 0) {
        rc = lcp_fail(err, LCP_ERR_ELC_INVALID_HEADER, "mock: header height does not increase");
        goto done;
    }
    uint8_t prev_id[32], post_id[32];
    if ((rc = state_id(prev_id, &cs, &cons)) != LCP_OK) goto done;
    if ((rc = encode_state(&out->client_state, T_CS, &h, 0)) != LCP_OK) goto done;
    if ((rc = encode_state(&out->consensus_state, T_CONS, &h, 0)) != LCP_OK) goto done;
    if ((rc = state_id(post_id, &out->client_state, &out->consensus_state)) != LCP_OK) goto done;
    out->height = h.height;
    out->prove = 1;
    rc = update_state_msg(out, &latest.height, prev_id, &h, post_id);
done:
    lcp_buf_free(&cs);
    lcp_buf_free(&cons);
    return rc;
}

static int mock_verify(const lcp_elc_env *env, lcp_elc_result *out, const char *client_id, const uint8_t *prefix,
                       size_t prefix_len, const char *path, const uint8_t *value, size_t value_len, int has_value,
                       const lcp_height *proof_height, const uint8_t *proof, size_t proof_len, char *err)
{
    (void)proof, (void)proof_len;
    lcp_buf cs = {0}, cons = {0}, at = {0};
    mock_header latest;
    int frozen, found, rc = load(env, client_id, &cs, &cons, &latest, &frozen, err);
    char key[256];
    if (rc == LCP_OK && frozen) rc = lcp_fail(err, LCP_ERR_ELC_FROZEN, "client %s is frozen", client_id);
    if (rc == LCP_OK) rc = lcp_elc_key_consensus_state(key, sizeof key, client_id, proof_height);
    if (rc == LCP_OK) rc = env->get(env->ud, key, &at, &found, err);
    if (rc == LCP_OK && !found) rc = lcp_fail(err, LCP_ERR_ELC_CLIENT_NOT_FOUND, "no consensus state at the proof height");
    if (rc == LCP_OK && strlen(path) == 0) rc = lcp_fail(err, LCP_ERR_ELC_INVALID_HEADER, "empty path");
    lcp_proxy_msg m;
    memset(&m, 0, sizeof m);
    m.type = LCP_MSG_STATE;
    if (rc == LCP_OK) rc = state_id(m.u.state.state_id, &cs, &at);
    if (rc == LCP_OK) {
        m.u.state.prefix = (lcp_bytes){prefix, prefix_len};
        m.u.state.path = (lcp_bytes){(const uint8_t *)path, strlen(path)};
        if (has_value) lcp_keccak256(m.u.state.value, value, value_len);
        m.u.state.height = *proof_height;
        rc = encode_msg(&out->message, &m);
        out->prove = 1;
    }
    lcp_buf_free(&cs);
    lcp_buf_free(&cons);
    lcp_buf_free(&at);
    return rc;
}

static int mock_latest(const lcp_elc_env *env, lcp_height *out, const char *client_id, char *err)
{
    lcp_buf cs = {0}, cons = {0};
    mock_header h;
    int frozen, rc = load(env, client_id, &cs, &cons, &h, &frozen, err);
    if (rc == LCP_OK) *out = h.height;
    lcp_buf_free(&cs);
    lcp_buf_free(&cons);
    return rc;
}

const lcp_elc_ops lcp_elc_mock = {
    .client_type = "mock-client",
    .client_state_type_url = T_CS,
    .create_client = mock_create,
    .update_client = mock_update,
    .verify_membership = mock_verify,
    .latest_height = mock_latest,
};

const lcp_elc_ops *const lcp_elc_test_clients[] = {&lcp_elc_mock, &lcp_elc_tendermint, NULL};
