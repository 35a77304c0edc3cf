/* Helpers shared by the ICS23 tests: fixture loading and a JSON -> protobuf encoder for the upstream unit tables
 * (protojson field names, base64 bytes), so that the tables exercise our decoder as well as the rules. */
#ifndef TEST_ICS23_UTIL_H
#define TEST_ICS23_UTIL_H

#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "lcp/codec_pb.h"
#include "lcp/elc_ics23.h"

typedef struct {
    uint8_t *p;
    size_t n;
} tbuf;

static inline void tbuf_free(tbuf *b)
{
    free(b->p);
    b->p = NULL;
    b->n = 0;
}

/* Decodes a hex string field of obj into a new buffer. */
static inline tbuf t_hex_field(const cJSON *obj, const char *name)
{
    const cJSON *f = cJSON_GetObjectItemCaseSensitive(obj, name);
    if (!cJSON_IsString(f)) fail_msg("no hex field %s", name);
    size_t sl = strlen(f->valuestring);
    tbuf b = {malloc(sl / 2 + 1), 0};
    assert_non_null(b.p);
    b.n = tu_hex(b.p, sl / 2 + 1, f->valuestring);
    return b;
}

/* base64 of a JSON string (NULL or JSON null -> empty, *present = 0). */
static inline tbuf t_b64(const cJSON *f, int *present)
{
    tbuf b = {NULL, 0};
    if (present) *present = 0;
    if (f == NULL || cJSON_IsNull(f)) return b;
    if (!cJSON_IsString(f)) fail_msg("expected a base64 string");
    if (present) *present = 1;
    size_t sl = strlen(f->valuestring);
    size_t cap = lcp_base64_decoded_max(sl) + 1;
    b.p = malloc(cap);
    assert_non_null(b.p);
    char err[LCP_ERR_LEN] = "";
    if (lcp_base64_decode(b.p, cap, &b.n, f->valuestring, sl, err) != LCP_OK) fail_msg("bad base64: %s", err);
    return b;
}

static inline int64_t t_int(const cJSON *obj, const char *name)
{
    const cJSON *f = cJSON_GetObjectItemCaseSensitive(obj, name);
    return cJSON_IsNumber(f) ? (int64_t)f->valuedouble : 0;
}

static inline void t_put_b64(lcp_pb_writer *w, uint32_t num, const cJSON *obj, const char *name)
{
    tbuf b = t_b64(cJSON_GetObjectItemCaseSensitive(obj, name), NULL);
    lcp_pb_put_bytes_opt(w, num, b.p, b.n);
    tbuf_free(&b);
}

/* Encodes the JSON message obj with enc into a fresh buffer. */
typedef void (*t_encoder)(lcp_pb_writer *w, const cJSON *obj);
static inline tbuf t_encode(t_encoder enc, const cJSON *obj)
{
    lcp_pb_writer w;
    lcp_pb_writer_init(&w, NULL, 0);
    enc(&w, obj);
    tbuf b = {malloc(w.len + 1), w.len};
    assert_non_null(b.p);
    lcp_pb_writer_init(&w, b.p, b.n);
    enc(&w, obj);
    assert_int_equal(lcp_pb_writer_status(&w), LCP_OK);
    return b;
}

static inline void t_put_msg(lcp_pb_writer *w, uint32_t num, t_encoder enc, const cJSON *obj)
{
    tbuf b = t_encode(enc, obj);
    lcp_pb_put_message(w, num, b.p, b.n);
    tbuf_free(&b);
}

static inline void t_enc_leaf(lcp_pb_writer *w, const cJSON *o)
{
    lcp_pb_put_uint_opt(w, 1, (uint64_t)t_int(o, "hash"));
    lcp_pb_put_uint_opt(w, 2, (uint64_t)t_int(o, "prehash_key"));
    lcp_pb_put_uint_opt(w, 3, (uint64_t)t_int(o, "prehash_value"));
    lcp_pb_put_uint_opt(w, 4, (uint64_t)t_int(o, "length"));
    t_put_b64(w, 5, o, "prefix");
}

static inline void t_enc_inner(lcp_pb_writer *w, const cJSON *o)
{
    lcp_pb_put_uint_opt(w, 1, (uint64_t)t_int(o, "hash"));
    t_put_b64(w, 2, o, "prefix");
    t_put_b64(w, 3, o, "suffix");
}

static inline void t_enc_exist(lcp_pb_writer *w, const cJSON *o)
{
    t_put_b64(w, 1, o, "key");
    t_put_b64(w, 2, o, "value");
    const cJSON *leaf = cJSON_GetObjectItemCaseSensitive(o, "leaf");
    if (cJSON_IsObject(leaf)) t_put_msg(w, 3, t_enc_leaf, leaf);
    const cJSON *path = cJSON_GetObjectItemCaseSensitive(o, "path"), *step;
    cJSON_ArrayForEach(step, path) t_put_msg(w, 4, t_enc_inner, step);
}

static inline void t_enc_inner_spec(lcp_pb_writer *w, const cJSON *o)
{
    const cJSON *order = cJSON_GetObjectItemCaseSensitive(o, "child_order"), *c;
    /* packed, as proto3 encoders write repeated scalars */
    lcp_pb_writer cnt;
    lcp_pb_writer_init(&cnt, NULL, 0);
    cJSON_ArrayForEach(c, order) lcp_pb_put_varint(&cnt, (uint64_t)(int64_t)c->valuedouble);
    if (cnt.len) {
        lcp_pb_put_tag(w, 1, LCP_PB_LEN);
        lcp_pb_put_varint(w, cnt.len);
        cJSON_ArrayForEach(c, order) lcp_pb_put_varint(w, (uint64_t)(int64_t)c->valuedouble);
    }
    lcp_pb_put_uint_opt(w, 2, (uint64_t)t_int(o, "child_size"));
    lcp_pb_put_uint_opt(w, 3, (uint64_t)t_int(o, "min_prefix_length"));
    lcp_pb_put_uint_opt(w, 4, (uint64_t)t_int(o, "max_prefix_length"));
    t_put_b64(w, 5, o, "empty_child");
    lcp_pb_put_uint_opt(w, 6, (uint64_t)t_int(o, "hash"));
}

static inline void t_enc_spec(lcp_pb_writer *w, const cJSON *o)
{
    const cJSON *leaf = cJSON_GetObjectItemCaseSensitive(o, "leaf_spec");
    const cJSON *inner = cJSON_GetObjectItemCaseSensitive(o, "inner_spec");
    if (cJSON_IsObject(leaf)) t_put_msg(w, 1, t_enc_leaf, leaf);
    if (cJSON_IsObject(inner)) t_put_msg(w, 2, t_enc_inner_spec, inner);
    lcp_pb_put_uint_opt(w, 3, (uint64_t)t_int(o, "max_depth"));
    lcp_pb_put_uint_opt(w, 4, (uint64_t)t_int(o, "min_depth"));
}

/* Spec for a testdata folder name. */
static inline const lcp_ics23_spec *t_spec_for(const char *tree)
{
    if (strcmp(tree, "iavl") == 0) return lcp_ics23_spec_iavl();
    if (strcmp(tree, "tendermint") == 0) return lcp_ics23_spec_tendermint();
    return lcp_ics23_spec_smt();
}

#endif
