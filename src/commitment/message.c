/* HeaderedProxyMessage and the three inner messages (spec §3.1–3.2), decoded strictly and encoded canonically. */
#include <string.h>

#include "lcp/commitment.h"

/* Head sizes in words of each tuple. Height is a static (uint64, uint64) pair: two words inline. */
enum {
    HEADERED_WORDS = 2,     /* bytes32 header, bytes message */
    UPDATE_WORDS = 9,       /* prev_height(2) prev_id post_height(2) post_id timestamp context emitted */
    EMITTED_WORDS = 3,      /* height(2) state */
    MEMBERSHIP_WORDS = 6,   /* prefix path value height(2) state_id */
    MISBEHAVIOUR_WORDS = 3, /* prev_states context client_message */
    PREV_STATE_WORDS = 3,   /* height(2) state_id */
};

static void get_height(lcp_abi_dec *d, lcp_height *h)
{
    lcp_abi_get_uint(d, &h->revision_number, 64);
    lcp_abi_get_uint(d, &h->revision_height, 64);
}

static void put_height(lcp_abi_enc *e, const lcp_height *h)
{
    lcp_abi_put_uint(e, h->revision_number);
    lcp_abi_put_uint(e, h->revision_height);
}

static void decode_emitted_elem(lcp_abi_dec *arr, lcp_emitted_state *es)
{
    lcp_abi_dec t;
    lcp_abi_open_tuple(arr, &t, EMITTED_WORDS);
    get_height(&t, &es->height);
    lcp_abi_get_bytes(&t, &es->state);
    lcp_abi_close(arr, &t);
}

static int decode_update(lcp_update_state_msg *m, const uint8_t *in, size_t len, char *err)
{
    lcp_abi_dec d, arr;
    lcp_abi_dec_root_tuple(&d, in, len, UPDATE_WORDS, err);
    get_height(&d, &m->prev_height);
    lcp_abi_get_word(&d, m->prev_state_id);
    get_height(&d, &m->post_height);
    lcp_abi_get_word(&d, m->post_state_id);
    lcp_abi_get_u128(&d, &m->timestamp);
    lcp_abi_get_bytes(&d, &m->context);
    lcp_abi_open_array(&d, &arr, &m->emitted_count, 1);
    m->emitted_arr = arr;
    for (size_t i = 0; i < m->emitted_count && arr.rc == LCP_OK; i++) {
        lcp_emitted_state es;
        decode_emitted_elem(&arr, &es);
    }
    lcp_abi_close(&d, &arr);
    m->emitted = NULL;
    return lcp_abi_dec_finish(&d);
}

static int decode_membership(lcp_membership_msg *m, const uint8_t *in, size_t len, char *err)
{
    lcp_abi_dec d;
    lcp_abi_dec_root_tuple(&d, in, len, MEMBERSHIP_WORDS, err);
    lcp_abi_get_bytes(&d, &m->prefix);
    lcp_abi_get_bytes(&d, &m->path);
    lcp_abi_get_word(&d, m->value);
    get_height(&d, &m->height);
    lcp_abi_get_word(&d, m->state_id);
    return lcp_abi_dec_finish(&d);
}

static int decode_misbehaviour(lcp_misbehaviour_msg *m, const uint8_t *in, size_t len, char *err)
{
    lcp_abi_dec d, arr;
    lcp_abi_dec_root_tuple(&d, in, len, MISBEHAVIOUR_WORDS, err);
    lcp_abi_open_array(&d, &arr, &m->prev_count, PREV_STATE_WORDS);
    m->prev_arr = arr;
    for (size_t i = 0; i < m->prev_count && arr.rc == LCP_OK; i++) {
        lcp_height h;
        uint8_t id[32];
        get_height(&arr, &h);
        lcp_abi_get_word(&arr, id);
    }
    lcp_abi_close(&d, &arr);
    m->prev_states = NULL;
    lcp_abi_get_bytes(&d, &m->context);
    lcp_abi_get_bytes(&d, &m->client_message);
    return lcp_abi_dec_finish(&d);
}

int lcp_proxy_msg_decode(lcp_proxy_msg *msg, const uint8_t *in, size_t len, char *err)
{
    memset(msg, 0, sizeof *msg);
    lcp_abi_dec d;
    uint8_t header[32];
    lcp_bytes inner;
    lcp_abi_dec_root_tuple(&d, in, len, HEADERED_WORDS, err);
    lcp_abi_get_word(&d, header);
    lcp_abi_get_bytes(&d, &inner);
    int rc = lcp_abi_dec_finish(&d);
    if (rc != LCP_OK) return lcp_fail_ctx(err, rc, "proxy message");
    unsigned version = (unsigned)header[0] << 8 | header[1];
    unsigned type = (unsigned)header[2] << 8 | header[3];
    if (version != LCP_COMMITMENT_VERSION)
        return lcp_fail(err, LCP_ERR_COMMITMENT_HEADER, "proxy message: header version %u, expected 1", version);
    for (int i = 4; i < 32; i++)
        if (header[i])
            return lcp_fail(err, LCP_ERR_COMMITMENT_HEADER, "proxy message: reserved header byte %d is not zero", i);
    msg->type = (int)type;
    switch (type) {
    case LCP_MSG_UPDATE_STATE: rc = decode_update(&msg->u.update, inner.ptr, inner.len, err); break;
    case LCP_MSG_STATE: rc = decode_membership(&msg->u.state, inner.ptr, inner.len, err); break;
    case LCP_MSG_MISBEHAVIOUR: rc = decode_misbehaviour(&msg->u.misbehaviour, inner.ptr, inner.len, err); break;
    default: return lcp_fail(err, LCP_ERR_COMMITMENT_HEADER, "proxy message: unknown type %u", type);
    }
    if (rc != LCP_OK) return lcp_fail_ctx(err, rc, "proxy message body");
    return LCP_OK;
}

int lcp_update_state_emitted(const lcp_update_state_msg *m, size_t i, lcp_emitted_state *out)
{
    if (i >= m->emitted_count) return LCP_ERR_RANGE;
    if (m->emitted) {
        *out = m->emitted[i];
        return LCP_OK;
    }
    lcp_abi_dec arr;
    lcp_abi_dec_seek(&m->emitted_arr, &arr, i);
    arr.err = NULL;
    decode_emitted_elem(&arr, out);
    return arr.rc;
}

int lcp_misbehaviour_prev_state(const lcp_misbehaviour_msg *m, size_t i, lcp_prev_state *out)
{
    if (i >= m->prev_count) return LCP_ERR_RANGE;
    if (m->prev_states) {
        *out = m->prev_states[i];
        return LCP_OK;
    }
    lcp_abi_dec arr;
    lcp_abi_dec_seek(&m->prev_arr, &arr, i * PREV_STATE_WORDS);
    arr.err = NULL;
    get_height(&arr, &out->height);
    lcp_abi_get_word(&arr, out->state_id);
    return arr.rc;
}

static int encode_update(uint8_t *out, size_t cap, size_t *len, const lcp_update_state_msg *m)
{
    lcp_abi_enc e, arr, t;
    lcp_abi_enc_root_tuple(&e, out, cap, UPDATE_WORDS);
    put_height(&e, &m->prev_height);
    lcp_abi_put_word(&e, m->prev_state_id);
    put_height(&e, &m->post_height);
    lcp_abi_put_word(&e, m->post_state_id);
    lcp_abi_put_u128(&e, m->timestamp);
    lcp_abi_put_bytes(&e, m->context.ptr, m->context.len);
    lcp_abi_begin_array(&e, &arr, m->emitted_count, 1);
    for (size_t i = 0; i < m->emitted_count; i++) {
        lcp_emitted_state es;
        int rc = lcp_update_state_emitted(m, i, &es);
        if (rc != LCP_OK) return rc;
        lcp_abi_begin_tuple(&arr, &t, EMITTED_WORDS);
        put_height(&t, &es.height);
        lcp_abi_put_bytes(&t, es.state.ptr, es.state.len);
        lcp_abi_end(&arr, &t);
    }
    lcp_abi_end(&e, &arr);
    return lcp_abi_enc_finish(&e, len);
}

static int encode_membership(uint8_t *out, size_t cap, size_t *len, const lcp_membership_msg *m)
{
    lcp_abi_enc e;
    lcp_abi_enc_root_tuple(&e, out, cap, MEMBERSHIP_WORDS);
    lcp_abi_put_bytes(&e, m->prefix.ptr, m->prefix.len);
    lcp_abi_put_bytes(&e, m->path.ptr, m->path.len);
    lcp_abi_put_word(&e, m->value);
    put_height(&e, &m->height);
    lcp_abi_put_word(&e, m->state_id);
    return lcp_abi_enc_finish(&e, len);
}

static int encode_misbehaviour(uint8_t *out, size_t cap, size_t *len, const lcp_misbehaviour_msg *m)
{
    lcp_abi_enc e, arr;
    lcp_abi_enc_root_tuple(&e, out, cap, MISBEHAVIOUR_WORDS);
    lcp_abi_begin_array(&e, &arr, m->prev_count, PREV_STATE_WORDS);
    for (size_t i = 0; i < m->prev_count; i++) {
        lcp_prev_state ps;
        int rc = lcp_misbehaviour_prev_state(m, i, &ps);
        if (rc != LCP_OK) return rc;
        put_height(&arr, &ps.height);
        lcp_abi_put_word(&arr, ps.state_id);
    }
    lcp_abi_end(&e, &arr);
    lcp_abi_put_bytes(&e, m->context.ptr, m->context.len);
    lcp_abi_put_bytes(&e, m->client_message.ptr, m->client_message.len);
    return lcp_abi_enc_finish(&e, len);
}

static int encode_inner(uint8_t *out, size_t cap, size_t *len, const lcp_proxy_msg *msg)
{
    switch (msg->type) {
    case LCP_MSG_UPDATE_STATE: return encode_update(out, cap, len, &msg->u.update);
    case LCP_MSG_STATE: return encode_membership(out, cap, len, &msg->u.state);
    case LCP_MSG_MISBEHAVIOUR: return encode_misbehaviour(out, cap, len, &msg->u.misbehaviour);
    default: return LCP_ERR_COMMITMENT_HEADER;
    }
}

/* The outer envelope is 0x20 | header | 0x40 | len | inner (padded): 128 bytes plus the padded inner message.
 * The inner message is encoded in place, straight after the envelope's head, so nothing is copied. */
int lcp_proxy_msg_encode(uint8_t *out, size_t cap, size_t *len, const lcp_proxy_msg *msg)
{
    size_t inner_len;
    int rc = encode_inner(NULL, 0, &inner_len, msg);
    if (rc != LCP_OK && rc != LCP_ERR_BUFFER_TOO_SMALL) return rc;
    size_t padded = (inner_len + 31) / 32 * 32;
    *len = 4 * LCP_ABI_WORD + padded;
    if (out == NULL) return LCP_OK;
    if (cap < *len) return LCP_ERR_BUFFER_TOO_SMALL;
    uint8_t w[32];
    memset(out, 0, 4 * LCP_ABI_WORD);
    lcp_abi_word_u64(w, 32);
    memcpy(out, w, 32);
    out[32 + 1] = LCP_COMMITMENT_VERSION;
    out[32 + 3] = (uint8_t)msg->type;
    lcp_abi_word_u64(w, 64);
    memcpy(out + 64, w, 32);
    lcp_abi_word_u64(w, inner_len);
    memcpy(out + 96, w, 32);
    size_t got;
    rc = encode_inner(out + 128, inner_len, &got, msg);
    if (rc != LCP_OK) return rc;
    memset(out + 128 + inner_len, 0, padded - inner_len);
    return LCP_OK;
}

int lcp_proxy_msg_validate(const lcp_proxy_msg *msg, char *err)
{
    switch (msg->type) {
    case LCP_MSG_UPDATE_STATE: {
        const lcp_update_state_msg *m = &msg->u.update;
        if (lcp_height_is_zero(&m->prev_height) != lcp_is_zero(m->prev_state_id, 32))
            return lcp_fail(err, LCP_ERR_COMMITMENT_INVALID,
                            "UpdateState: prev_height and prev_state_id must be both empty or both set");
        return LCP_OK;
    }
    case LCP_MSG_STATE: {
        const lcp_membership_msg *m = &msg->u.state;
        if (m->path.len == 0) return lcp_fail(err, LCP_ERR_COMMITMENT_INVALID, "VerifyMembership: empty path");
        if (lcp_height_is_zero(&m->height))
            return lcp_fail(err, LCP_ERR_COMMITMENT_INVALID, "VerifyMembership: zero height");
        if (lcp_is_zero(m->state_id, 32))
            return lcp_fail(err, LCP_ERR_COMMITMENT_INVALID, "VerifyMembership: zero state_id");
        return LCP_OK;
    }
    case LCP_MSG_MISBEHAVIOUR: {
        const lcp_misbehaviour_msg *m = &msg->u.misbehaviour;
        if (m->prev_count == 0) return lcp_fail(err, LCP_ERR_COMMITMENT_INVALID, "Misbehaviour: no previous states");
        for (size_t i = 0; i < m->prev_count; i++) {
            lcp_prev_state ps;
            int rc = lcp_misbehaviour_prev_state(m, i, &ps);
            if (rc != LCP_OK) return lcp_fail(err, rc, "Misbehaviour: previous state %zu unreadable", i);
            if (lcp_is_zero(ps.state_id, 32))
                return lcp_fail(err, LCP_ERR_COMMITMENT_INVALID, "Misbehaviour: previous state %zu has zero state_id", i);
        }
        return LCP_OK;
    }
    default: return lcp_fail(err, LCP_ERR_COMMITMENT_HEADER, "unknown proxy message type %d", msg->type);
    }
}
