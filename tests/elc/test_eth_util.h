/* Helpers shared by the Ethereum light-client tests (header-only: each test is one program). */
#ifndef LCP_TEST_ETH_UTIL_H
#define LCP_TEST_ETH_UTIL_H

#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "lcp/codec_pb.h"
#include "lcp/elc_ethereum.h"

#define ETH_LC_DIR "ethereum/lightclient/"

/* A decoded hex string (with or without 0x), owned. */
typedef struct {
    uint8_t *p;
    size_t n;
} eth_hex;

static inline eth_hex eth_hex_of(const char *s)
{
    eth_hex h;
    size_t l = strlen(s);
    h.p = malloc(l / 2 + 1);
    assert_non_null(h.p);
    h.n = tu_hex(h.p, l / 2 + 1, s);
    return h;
}

static inline eth_hex eth_hex_field(const cJSON *o, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    if (!cJSON_IsString(v)) fail_msg("missing hex field %s", name);
    return eth_hex_of(v->valuestring);
}

static inline void eth_hex_fixed(uint8_t *out, size_t n, const cJSON *o, const char *name)
{
    eth_hex h = eth_hex_field(o, name);
    assert_int_equal(h.n, n);
    memcpy(out, h.p, n);
    free(h.p);
}

static inline uint64_t eth_u64_field(const cJSON *o, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    if (cJSON_IsString(v)) return strtoull(v->valuestring, NULL, 10);
    if (!cJSON_IsNumber(v)) fail_msg("missing number %s", name);
    return (uint64_t)v->valuedouble;
}

static inline cJSON *eth_get(const cJSON *o, const char *name)
{
    cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    if (!v) fail_msg("missing field %s", name);
    return v;
}

static inline void eth_assert_bytes(const uint8_t *got, size_t got_n, const uint8_t *want, size_t want_n,
                                    const char *what)
{
    if (got_n != want_n || memcmp(got, want, want_n) != 0) {
        size_t i = 0;
        while (i < got_n && i < want_n && got[i] == want[i]) i++;
        fail_msg("%s differs: %zu vs %zu bytes, first difference at byte %zu", what, got_n, want_n, i);
    }
}

/* ---- protobuf from the JSON of the test data (ELC layout, derived/...json) ---- */
typedef void (*eth_pb_fn)(lcp_pb_writer *w, const cJSON *j);

static inline void eth_pb_nested(lcp_pb_writer *w, uint32_t field, eth_pb_fn fn, const cJSON *j)
{
    lcp_pb_writer c;
    lcp_pb_writer_init(&c, NULL, 0);
    fn(&c, j);
    lcp_pb_put_tag(w, field, LCP_PB_LEN);
    lcp_pb_put_varint(w, c.len);
    fn(w, j);
}

static inline void eth_pb_hex(lcp_pb_writer *w, uint32_t field, const char *hex)
{
    eth_hex h = eth_hex_of(hex);
    lcp_pb_put_bytes(w, field, h.p, h.n);
    free(h.p);
}

static inline void eth_pb_hex_list(lcp_pb_writer *w, uint32_t field, const cJSON *arr)
{
    const cJSON *e;
    cJSON_ArrayForEach(e, arr) eth_pb_hex(w, field, e->valuestring);
}

static inline void eth_pb_beacon_header(lcp_pb_writer *w, const cJSON *j)
{
    lcp_pb_put_uint_opt(w, 1, eth_u64_field(j, "slot"));
    lcp_pb_put_uint_opt(w, 2, eth_u64_field(j, "proposer_index"));
    eth_pb_hex(w, 3, eth_get(j, "parent_root")->valuestring);
    eth_pb_hex(w, 4, eth_get(j, "state_root")->valuestring);
    eth_pb_hex(w, 5, eth_get(j, "body_root")->valuestring);
}

static inline void eth_pb_sync_committee(lcp_pb_writer *w, const cJSON *j)
{
    eth_pb_hex_list(w, 1, eth_get(j, "pubkeys"));
    eth_pb_hex(w, 2, eth_get(j, "aggregate_pubkey")->valuestring);
}

static inline void eth_pb_sync_aggregate(lcp_pb_writer *w, const cJSON *j)
{
    eth_pb_hex(w, 1, eth_get(j, "sync_committee_bits")->valuestring);
    eth_pb_hex(w, 2, eth_get(j, "sync_committee_signature")->valuestring);
}

/* ConsensusUpdate from the ELC-layout JSON of derived/..._elc_updates.json. */
static inline void eth_pb_consensus_update(lcp_pb_writer *w, const cJSON *j)
{
    const cJSON *next = cJSON_GetObjectItemCaseSensitive(j, "next_sync_committee");
    eth_pb_nested(w, 1, eth_pb_beacon_header, eth_get(j, "attested_header"));
    if (next && !cJSON_IsNull(next)) {
        eth_pb_nested(w, 2, eth_pb_sync_committee, next);
        eth_pb_hex_list(w, 3, eth_get(j, "next_sync_committee_branch"));
    }
    eth_pb_nested(w, 4, eth_pb_beacon_header, eth_get(j, "finalized_header"));
    eth_pb_hex_list(w, 5, eth_get(j, "finalized_header_branch"));
    eth_pb_hex(w, 6, eth_get(j, "finalized_execution_root")->valuestring);
    eth_pb_hex_list(w, 7, eth_get(j, "finalized_execution_branch"));
    eth_pb_nested(w, 8, eth_pb_sync_aggregate, eth_get(j, "sync_aggregate"));
    lcp_pb_put_uint_opt(w, 9, eth_u64_field(j, "signature_slot"));
}

static inline void eth_pb_execution_update(lcp_pb_writer *w, const cJSON *j)
{
    eth_pb_hex(w, 1, eth_get(j, "state_root")->valuestring);
    eth_pb_hex_list(w, 2, eth_get(j, "state_root_branch"));
    lcp_pb_put_uint_opt(w, 3, eth_u64_field(j, "block_number"));
    eth_pb_hex_list(w, 4, eth_get(j, "block_number_branch"));
}

/* Encodes fn(j) into a new buffer (free with free()). */
static inline eth_hex eth_pb_encode(eth_pb_fn fn, const cJSON *j)
{
    lcp_pb_writer w;
    lcp_pb_writer_init(&w, NULL, 0);
    fn(&w, j);
    eth_hex out = {malloc(w.len + 1), w.len};
    assert_non_null(out.p);
    lcp_pb_writer_init(&w, out.p, w.len);
    fn(&w, j);
    assert_int_equal(lcp_pb_writer_status(&w), LCP_OK);
    return out;
}

#endif
