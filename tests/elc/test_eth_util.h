/* Helpers shared by the Ethereum light-client tests (header-only: each test is one program). */
#ifndef LCP_TEST_ETH_UTIL_H
#define LCP_TEST_ETH_UTIL_H

#include "testutil.h"

#include <stdlib.h>
#include <string.h>

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

static inline const cJSON *eth_get(const cJSON *o, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
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

#endif
