/* Helpers shared by the Tendermint tests: CometBFT RPC-style JSON (hex hashes, base64 keys and signatures, int64
 * as strings, RFC 3339 times) encoded into the protobuf messages the library decodes, so every vector goes through
 * our decoder, hashes and verifier exactly as relayed bytes would. */
#ifndef TEST_TM_UTIL_H
#define TEST_TM_UTIL_H

#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lcp/codec_pb.h"
#include "lcp/elc_tendermint.h"

typedef struct {
    uint8_t *p;
    size_t n;
} tmbuf;

static inline void tmbuf_free(tmbuf *b)
{
    free(b->p);
    b->p = NULL;
    b->n = 0;
}

static inline const cJSON *tj(const cJSON *o, const char *name) { return cJSON_GetObjectItemCaseSensitive(o, name); }

static inline const char *tj_str(const cJSON *o, const char *name)
{
    const cJSON *f = tj(o, name);
    return cJSON_IsString(f) ? f->valuestring : NULL;
}

/* int64 given as a JSON string or number */
static inline int64_t tj_i64(const cJSON *o, const char *name)
{
    const cJSON *f = tj(o, name);
    if (cJSON_IsString(f)) return strtoll(f->valuestring, NULL, 10);
    if (cJSON_IsNumber(f)) return (int64_t)f->valuedouble;
    return 0;
}

/* Decodes hex (any case) into a static-free buffer; NULL/empty -> n = 0. */
static inline tmbuf tm_hex(const char *s)
{
    tmbuf b = {NULL, 0};
    if (s == NULL || *s == '\0') return b;
    size_t n = strlen(s) / 2 + 1;
    b.p = malloc(n);
    assert_non_null(b.p);
    b.n = tu_hex(b.p, n, s);
    return b;
}

static inline tmbuf tm_b64(const char *s)
{
    tmbuf b = {NULL, 0};
    if (s == NULL || *s == '\0') return b;
    size_t sl = strlen(s), cap = lcp_base64_decoded_max(sl) + 1;
    b.p = malloc(cap);
    assert_non_null(b.p);
    char err[LCP_ERR_LEN] = "";
    if (lcp_base64_decode(b.p, cap, &b.n, s, sl, err) != LCP_OK) fail_msg("bad base64: %s", err);
    return b;
}

/* RFC 3339 "YYYY-MM-DDTHH:MM:SS[.f{1,9}]Z" -> seconds since the epoch (proleptic Gregorian) and nanos. */
static inline lcp_tm_time tm_parse_time(const char *s)
{
    int y, mo, d, h, mi, se, used = 0;
    if (sscanf(s, "%d-%d-%dT%d:%d:%d%n", &y, &mo, &d, &h, &mi, &se, &used) != 6) fail_msg("bad time %s", s);
    int32_t nanos = 0;
    const char *p = s + used;
    if (*p == '.') {
        int digits = 0;
        for (p++; *p >= '0' && *p <= '9'; p++, digits++) nanos = nanos * 10 + (*p - '0');
        for (; digits < 9; digits++) nanos *= 10;
    }
    /* days from civil (Howard Hinnant's algorithm) */
    int64_t yy = y - (mo <= 2);
    int64_t era = (yy >= 0 ? yy : yy - 399) / 400;
    int64_t yoe = yy - era * 400;
    int64_t doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    int64_t days = era * 146097 + doe - 719468;
    lcp_tm_time t = {days * 86400 + h * 3600 + mi * 60 + se, nanos};
    return t;
}

typedef void (*tm_enc)(lcp_pb_writer *w, const cJSON *o);

static inline tmbuf tm_encode(tm_enc enc, const cJSON *o)
{
    lcp_pb_writer w;
    lcp_pb_writer_init(&w, NULL, 0);
    enc(&w, o);
    tmbuf b = {malloc(w.len + 1), w.len};
    assert_non_null(b.p);
    lcp_pb_writer_init(&w, b.p, b.n);
    enc(&w, o);
    assert_int_equal(lcp_pb_writer_status(&w), LCP_OK);
    return b;
}

static inline void tm_put_msg(lcp_pb_writer *w, uint32_t num, tm_enc enc, const cJSON *o)
{
    tmbuf b = tm_encode(enc, o);
    lcp_pb_put_message(w, num, b.p, b.n);
    tmbuf_free(&b);
}

static inline void tm_put_hex(lcp_pb_writer *w, uint32_t num, const char *hex)
{
    tmbuf b = tm_hex(hex);
    lcp_pb_put_bytes_opt(w, num, b.p, b.n);
    tmbuf_free(&b);
}

static inline void tm_enc_time_str(lcp_pb_writer *w, const char *s)
{
    lcp_tm_time t = tm_parse_time(s);
    lcp_pb_put_uint_opt(w, 1, (uint64_t)t.seconds);
    lcp_pb_put_uint_opt(w, 2, (uint64_t)t.nanos);
}

static inline void tm_put_time(lcp_pb_writer *w, uint32_t num, const char *s)
{
    lcp_pb_writer c;
    lcp_pb_writer_init(&c, NULL, 0);
    tm_enc_time_str(&c, s);
    lcp_pb_put_tag(w, num, LCP_PB_LEN);
    lcp_pb_put_varint(w, c.len);
    tm_enc_time_str(w, s);
}

static inline void tm_enc_psh(lcp_pb_writer *w, const cJSON *o)
{
    lcp_pb_put_uint_opt(w, 1, (uint64_t)tj_i64(o, "total"));
    tm_put_hex(w, 2, tj_str(o, "hash"));
}

static inline void tm_enc_block_id(lcp_pb_writer *w, const cJSON *o)
{
    if (o == NULL || cJSON_IsNull(o)) {
        lcp_pb_put_bytes(w, 2, NULL, 0); /* the non-nullable part set header */
        return;
    }
    tm_put_hex(w, 1, tj_str(o, "hash"));
    const cJSON *psh = tj(o, "part_set_header");
    if (psh == NULL) psh = tj(o, "parts"); /* RPC files call it parts */
    tm_put_msg(w, 2, tm_enc_psh, psh);
}

static inline void tm_enc_version(lcp_pb_writer *w, const cJSON *o)
{
    lcp_pb_put_uint_opt(w, 1, (uint64_t)tj_i64(o, "block"));
    lcp_pb_put_uint_opt(w, 2, (uint64_t)tj_i64(o, "app"));
}

static inline void tm_enc_header(lcp_pb_writer *w, const cJSON *o)
{
    tm_put_msg(w, 1, tm_enc_version, tj(o, "version"));
    const char *cid = tj_str(o, "chain_id");
    lcp_pb_put_bytes_opt(w, 2, cid, cid ? strlen(cid) : 0);
    lcp_pb_put_uint_opt(w, 3, (uint64_t)tj_i64(o, "height"));
    tm_put_time(w, 4, tj_str(o, "time"));
    tm_put_msg(w, 5, tm_enc_block_id, tj(o, "last_block_id"));
    static const char *names[9] = {"last_commit_hash", "data_hash",      "validators_hash",
                                   "next_validators_hash", "consensus_hash", "app_hash",
                                   "last_results_hash", "evidence_hash",  "proposer_address"};
    for (int i = 0; i < 9; i++) tm_put_hex(w, (uint32_t)(6 + i), tj_str(o, names[i]));
}

static inline void tm_enc_commit_sig(lcp_pb_writer *w, const cJSON *o)
{
    lcp_pb_put_uint_opt(w, 1, (uint64_t)tj_i64(o, "block_id_flag"));
    tm_put_hex(w, 2, tj_str(o, "validator_address"));
    /* An absent signature has no timestamp in either implementation's domain type (tendermint-rs deserialises the
     * model-based files' "1970-01-01T00:00:00Z" into BlockIdFlagAbsent and re-encodes Go's zero time); encode it as
     * the wire would carry it: omitted. */
    const char *ts = tj_str(o, "timestamp");
    if (ts && tj_i64(o, "block_id_flag") != LCP_TM_FLAG_ABSENT) tm_put_time(w, 3, ts);
    tmbuf sig = tm_b64(tj_str(o, "signature"));
    lcp_pb_put_bytes_opt(w, 4, sig.p, sig.n);
    tmbuf_free(&sig);
}

static inline void tm_enc_commit(lcp_pb_writer *w, const cJSON *o)
{
    lcp_pb_put_uint_opt(w, 1, (uint64_t)tj_i64(o, "height"));
    lcp_pb_put_uint_opt(w, 2, (uint64_t)tj_i64(o, "round"));
    tm_put_msg(w, 3, tm_enc_block_id, tj(o, "block_id"));
    const cJSON *sigs = tj(o, "signatures"), *s;
    cJSON_ArrayForEach(s, sigs) tm_put_msg(w, 4, tm_enc_commit_sig, s);
}

static inline void tm_enc_signed_header(lcp_pb_writer *w, const cJSON *o)
{
    tm_put_msg(w, 1, tm_enc_header, tj(o, "header"));
    tm_put_msg(w, 2, tm_enc_commit, tj(o, "commit"));
}

static inline void tm_enc_pubkey(lcp_pb_writer *w, const cJSON *o)
{
    tmbuf k = tm_b64(tj_str(o, "value"));
    lcp_pb_put_bytes(w, 1, k.p, k.n);
    tmbuf_free(&k);
}

static inline void tm_enc_validator(lcp_pb_writer *w, const cJSON *o)
{
    tm_put_hex(w, 1, tj_str(o, "address"));
    tm_put_msg(w, 2, tm_enc_pubkey, tj(o, "pub_key"));
    int64_t power = tj(o, "voting_power") ? tj_i64(o, "voting_power") : tj_i64(o, "power");
    lcp_pb_put_uint_opt(w, 3, (uint64_t)power);
    lcp_pb_put_uint_opt(w, 4, (uint64_t)tj_i64(o, "proposer_priority"));
}

/* ValidatorSet JSON ({validators, proposer}) or a bare array of validators (genesis). */
static inline void tm_enc_valset(lcp_pb_writer *w, const cJSON *o)
{
    if (o == NULL || cJSON_IsNull(o)) return;
    const cJSON *vals = cJSON_IsArray(o) ? o : tj(o, "validators"), *v;
    int64_t total = 0;
    cJSON_ArrayForEach(v, vals)
    {
        tm_put_msg(w, 1, tm_enc_validator, v);
        total += tj(v, "voting_power") ? tj_i64(v, "voting_power") : tj_i64(v, "power");
    }
    const cJSON *prop = cJSON_IsArray(o) ? NULL : tj(o, "proposer");
    if (cJSON_IsObject(prop)) tm_put_msg(w, 2, tm_enc_validator, prop);
    lcp_pb_put_uint_opt(w, 3, (uint64_t)total);
}

/* Decodes a valset JSON into vs (sorted canonically when sort is set, as the tendermint-rs runner does). */
static inline int tm_valset_from_json(lcp_tm_valset *vs, const cJSON *o, int sort, char *err)
{
    tmbuf b = tm_encode(tm_enc_valset, o);
    int rc = lcp_tm_decode_valset(vs, b.p, b.n, err);
    tmbuf_free(&b);
    if (rc == LCP_OK && sort) lcp_tm_valset_sort(vs);
    return rc;
}

static inline lcp_tm_valset *tm_valset_new(void)
{
    lcp_tm_valset *vs = calloc(1, sizeof *vs);
    assert_non_null(vs);
    return vs;
}

#endif
