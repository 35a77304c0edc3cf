/* The table-driven Ethereum decoders (src/elc/eth_decode.c) against expected outputs over the real protobuf inputs
 * of the test data (ethereum/lightclient/derived: the synthetic end-to-end fixture's client states, consensus
 * states, headers and misbehaviour; the ConsensusUpdate/ExecutionUpdate encodings of the Deneb, Electra and
 * mainnet Capella updates) and deterministic mutations of each (byte changes, truncations, insertions, deletions,
 * a region repeated): per input, the number of cases, how many decode, and a SHA-256 over every case's verdict and
 * decoded fields (views as offsets into the input) must equal tests/vectors/elc/eth_decode_mutations.txt. Those
 * figures are the hand-written decoders' that the tables replaced: a differential run over the same 122,549 cases
 * (git history: tests/elc/test_eth_decode_diff.c) found both identical on every verdict and every decoded field;
 * only the wording of "missing field" errors changed ("<Message>: no <field>"). LCP_ETH_DECODE_PRINT=1 prints the
 * figures. */
#include "test_eth_util.h"

#include <stdio.h>

#include "lcp/crypto.h"

#define SYN ETH_LC_DIR "derived/elc_synthetic_minimal_e2e.json"
#define MUTATIONS 2500

enum { K_CLIENT_STATE, K_CONSENSUS_STATE, K_HEADER, K_MISBEHAVIOUR, K_CONSENSUS_UPDATE, K_EXECUTION_UPDATE };

/* One decoded value of any kind, zeroed before each decode. */
typedef union {
    lcp_eth_client_state cs;
    lcp_eth_consensus_state cons;
    lcp_eth_header h;
    lcp_eth_misbehaviour m;
    lcp_eth_consensus_update cu;
    lcp_eth_execution_update eu;
} decoded;

static size_t decoded_size(int kind)
{
    switch (kind) {
    case K_CLIENT_STATE: return sizeof(lcp_eth_client_state);
    case K_CONSENSUS_STATE: return sizeof(lcp_eth_consensus_state);
    case K_HEADER: return sizeof(lcp_eth_header);
    case K_MISBEHAVIOUR: return sizeof(lcp_eth_misbehaviour);
    case K_CONSENSUS_UPDATE: return sizeof(lcp_eth_consensus_update);
    default: return sizeof(lcp_eth_execution_update);
    }
}

static int decode(int kind, decoded *d, const uint8_t *p, size_t n, char *err)
{
    memset(d, 0, sizeof *d);
    switch (kind) {
    case K_CLIENT_STATE: return lcp_eth_decode_client_state(&d->cs, p, n, err);
    case K_CONSENSUS_STATE: return lcp_eth_decode_consensus_state(&d->cons, p, n, err);
    case K_HEADER: return lcp_eth_decode_header(&d->h, p, n, err);
    case K_MISBEHAVIOUR: return lcp_eth_decode_misbehaviour(&d->m, LCP_ETH_MISB_FINALIZED_HEADER, p, n, err);
    case K_CONSENSUS_UPDATE: return lcp_eth_decode_consensus_update(&d->cu, (lcp_bytes){p, n}, err);
    default: return lcp_eth_decode_execution_update(&d->eu, (lcp_bytes){p, n}, err);
    }
}

/* The decoded bytes with every view (a word pointing into the input) replaced by its offset, so that a digest does
 * not depend on where the input lives. */
static void normalise(uint8_t *out, const decoded *d, size_t size, const uint8_t *in, size_t n)
{
    memcpy(out, d, size);
    for (size_t off = 0; off + sizeof(uintptr_t) <= size; off += sizeof(uintptr_t)) {
        uintptr_t w;
        memcpy(&w, out + off, sizeof w);
        if (n && w >= (uintptr_t)in && w <= (uintptr_t)in + n) {
            uint64_t rel = (uint64_t)(w - (uintptr_t)in) | (1ull << 63);
            memcpy(out + off, &rel, sizeof rel);
        }
    }
}

/* ---- deterministic mutations ---- */

static uint64_t rnd(uint64_t *s)
{
    /* xorshift64*: reproducible everywhere, which is all a fixed case list needs */
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 2685821657736338717ull;
}

/* Case i of input in[0..n): i == 0 is the input itself. Out: buf (capacity 2n + 16), *len. */
static void mutate(uint8_t *buf, size_t *len, const uint8_t *in, size_t n, size_t i, uint64_t seed)
{
    memcpy(buf, in, n);
    *len = n;
    if (i == 0 || n == 0) return;
    uint64_t s = seed * 0x9e3779b97f4a7c15ull + i;
    for (int k = 0; k < 3; k++) rnd(&s);
    size_t at = (size_t)(rnd(&s) % n);
    switch (rnd(&s) % 7) {
    case 0: buf[at] ^= (uint8_t)(1u << (rnd(&s) % 8)); break;     /* one bit */
    case 1: buf[at] = (uint8_t)rnd(&s); break;                      /* one byte */
    case 2: buf[at] = (uint8_t)(buf[at] + 1); break;                /* a length or tag off by one */
    case 3: *len = at; break;                                       /* truncated */
    case 4:                                                         /* a byte inserted */
        memmove(buf + at + 1, buf + at, n - at);
        buf[at] = (uint8_t)rnd(&s);
        *len = n + 1;
        break;
    case 5:                                                         /* a byte deleted */
        memmove(buf + at, buf + at + 1, n - at - 1);
        *len = n - 1;
        break;
    default: {                                                      /* a region repeated (fields met twice) */
        size_t l = 1 + (size_t)(rnd(&s) % (n - at < 64 ? n - at : 64));
        memmove(buf + at + l, buf + at, n - at);
        *len = n + l;
        break;
    }
    }
}

/* ---- the inputs ---- */

typedef struct {
    char name[96];
    int kind;
    eth_hex bytes;
} input;

#define MAX_INPUTS 64

/* The value of an Any given as hex. */
static void add_any(input *in, size_t *n, const char *name, int kind, const cJSON *hex)
{
    assert_true(*n < MAX_INPUTS);
    assert_true(cJSON_IsString(hex));
    eth_hex any = eth_hex_of(hex->valuestring);
    lcp_pb_any a;
    assert_int_equal(lcp_pb_decode_any(&a, any.p, any.n, NULL), LCP_OK);
    input *i = &in[(*n)++];
    snprintf(i->name, sizeof i->name, "%s", name);
    i->kind = kind;
    i->bytes.n = a.value.len;
    i->bytes.p = malloc(a.value.len + 1);
    assert_non_null(i->bytes.p);
    memcpy(i->bytes.p, a.value.ptr, a.value.len);
    free(any.p);
}

static size_t load_inputs(input *in)
{
    size_t n = 0;
    char name[96];
    cJSON *syn = tu_json(SYN);
    const cJSON *steps = eth_get(syn, "steps"), *st;
    int si = 0;
    cJSON_ArrayForEach(st, steps)
    {
        static const struct {
            const char *path[2];
            int kind;
        } fields[] = {
            {{"input", "any_client_state"}, K_CLIENT_STATE},
            {{"input", "any_consensus_state"}, K_CONSENSUS_STATE},
            {{"input", "any_header"}, K_HEADER},
            {{"input", "any_misbehaviour"}, K_MISBEHAVIOUR},
            {{"expected", "canonical_any_client_state"}, K_CLIENT_STATE},
            {{"expected", "new_any_client_state"}, K_CLIENT_STATE},
            {{"expected", "new_any_consensus_state"}, K_CONSENSUS_STATE},
        };
        for (size_t f = 0; f < sizeof fields / sizeof fields[0]; f++) {
            const cJSON *o = cJSON_GetObjectItemCaseSensitive(st, fields[f].path[0]);
            const cJSON *v = o ? cJSON_GetObjectItemCaseSensitive(o, fields[f].path[1]) : NULL;
            if (!v) continue;
            snprintf(name, sizeof name, "synthetic/%d/%s", si, fields[f].path[1]);
            add_any(in, &n, name, fields[f].kind, v);
        }
        si++;
    }
    cJSON_Delete(syn);
    static const char *const derived[] = {"minimal_deneb_elc_updates.json", "minimal_electra_elc_updates.json",
                                          "mainnet_capella_elc_updates.json"};
    for (size_t d = 0; d < 3; d++) {
        char rel[160];
        snprintf(rel, sizeof rel, ETH_LC_DIR "derived/%s", derived[d]);
        cJSON *j = tu_json(rel);
        const cJSON *u;
        int ui = 0;
        cJSON_ArrayForEach(u, eth_get(j, "updates"))
        {
            assert_true(n + 2 <= MAX_INPUTS);
            snprintf(in[n].name, sizeof in[n].name, "%s/%d/consensus_update", derived[d], ui);
            in[n].kind = K_CONSENSUS_UPDATE;
            in[n++].bytes = eth_pb_encode(eth_pb_consensus_update, eth_get(u, "consensus_update"));
            snprintf(in[n].name, sizeof in[n].name, "%s/%d/execution_update", derived[d], ui);
            in[n].kind = K_EXECUTION_UPDATE;
            in[n++].bytes = eth_pb_encode(eth_pb_execution_update, eth_get(u, "execution_update"));
            ui++;
        }
        cJSON_Delete(j);
    }
    return n;
}

/* Runs every case of one input: the figures (cases, decoded, digest). */
typedef struct {
    size_t cases, accepted;
    char digest[2 * LCP_SHA256_LEN + 1];
} figures;

static void run_input(figures *fg, const input *in, uint64_t seed)
{
    size_t cap = 2 * in->bytes.n + 16;
    uint8_t *buf = malloc(cap), *norm = malloc(sizeof(decoded));
    decoded *d = malloc(sizeof *d);
    assert_true(buf && norm && d);
    lcp_sha256_ctx h;
    assert_int_equal(lcp_sha256_init(&h), LCP_OK);
    memset(fg, 0, sizeof *fg);
    for (size_t i = 0; i <= MUTATIONS; i++) {
        size_t len;
        mutate(buf, &len, in->bytes.p, in->bytes.n, i, seed);
        char err[LCP_ERR_LEN] = "";
        int32_t rc = decode(in->kind, d, buf, len, err);
        /* the inputs decode, except the canonical client state (its block number is 0, which validate refuses) */
        if (i == 0 && (rc != LCP_OK) != (strstr(in->name, "canonical") != NULL))
            fail_msg("%s: unexpected verdict %d on the input itself: %s", in->name, rc, err);
        if (rc != LCP_OK && err[0] == '\0') fail_msg("%s case %zu: refused without a message", in->name, i);
        uint8_t rcb[4] = {(uint8_t)rc, (uint8_t)(rc >> 8), (uint8_t)(rc >> 16), (uint8_t)(rc >> 24)};
        assert_int_equal(lcp_sha256_update(&h, rcb, 4), LCP_OK);
        if (rc == LCP_OK) {
            size_t size = decoded_size(in->kind);
            normalise(norm, d, size, buf, len);
            assert_int_equal(lcp_sha256_update(&h, norm, size), LCP_OK);
            fg->accepted++;
        }
        fg->cases++;
    }
    uint8_t md[LCP_SHA256_LEN];
    assert_int_equal(lcp_sha256_final(&h, md), LCP_OK);
    lcp_hex_encode(fg->digest, sizeof fg->digest, md, sizeof md);
    free(buf);
    free(norm);
    free(d);
}

static void test_expected_outputs(void **state)
{
    (void)state;
    input *in = calloc(MAX_INPUTS, sizeof *in);
    assert_non_null(in);
    size_t n = load_inputs(in);
    assert_true(n >= 20);
    const char *print = getenv("LCP_ETH_DECODE_PRINT");
    FILE *f = print ? NULL : fopen(LCP_ROOT "/tests/vectors/elc/eth_decode_mutations.txt", "r");
    if (!print) assert_non_null(f);
    char line[512];
    size_t total = 0, accepted = 0, rejected_mutations = 0;
    for (size_t i = 0; i < n; i++) {
        figures fg;
        run_input(&fg, &in[i], i + 1);
        total += fg.cases;
        accepted += fg.accepted;
        rejected_mutations += fg.cases - fg.accepted;
        if (print) {
            printf("%s %zu %zu %s\n", in[i].name, fg.cases, fg.accepted, fg.digest);
            continue;
        }
        char name[96], digest[80];
        size_t cases, acc;
        do
            if (!fgets(line, sizeof line, f)) fail_msg("%s: no expected figures", in[i].name);
        while (line[0] == '#');
        assert_int_equal(sscanf(line, "%95s %zu %zu %79s", name, &cases, &acc, digest), 4);
        assert_string_equal(name, in[i].name);
        if (cases != fg.cases || acc != fg.accepted || strcmp(digest, fg.digest) != 0)
            fail_msg("%s: %zu cases, %zu decoded, %s; expected %zu, %zu, %s", name, fg.cases, fg.accepted, fg.digest,
                     cases, acc, digest);
    }
    if (f) {
        assert_null(fgets(line, sizeof line, f)); /* every expected input was run */
        fclose(f);
    }
    /* the mutations reach both verdicts */
    assert_true(accepted > n && rejected_mutations > total / 4);
    printf("eth decode: %zu inputs, %zu cases, %zu decoded, all as expected\n", n, total, accepted);
    for (size_t i = 0; i < n; i++) free(in[i].bytes.p);
    free(in);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_expected_outputs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
