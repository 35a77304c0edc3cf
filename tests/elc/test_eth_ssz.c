/* SSZ hash_tree_root and Merkle branches against real light-client data (../shared/testdata/ethereum/lightclient):
 * the mainnet Bellatrix update (committee root, signing root, branches 105/55), the minimal Bellatrix devnet
 * sync (54/105/55/25/18/22), the mainnet Capella beacon-API data (bootstrap root, Capella ExecutionPayloadHeader
 * roots proven at 25), the consensus-spec-tests Deneb and Electra SSZ updates (update names are attested roots;
 * steps.yaml execution roots are Deneb ExecutionPayloadHeader roots; Electra gindices 169/87/86) and the derived
 * ELC-layout files (expected roots, domains and signing roots; payload field branches 18/22 and 34/38).
 * Negative cases: every single-byte change of a branch node or leaf, padded and short branches, gindex 0. */
#include "testutil.h"

#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lcp/crypto.h"
#include "lcp/elc_eth_ssz.h"

#define LC "ethereum/lightclient/"

/* ---- JSON helpers ---- */
static const cJSON *get(const cJSON *o, const char *name)
{
    const cJSON *f = cJSON_GetObjectItemCaseSensitive(o, name);
    if (f == NULL) fail_msg("missing field %s", name);
    return f;
}

static void hexf(uint8_t *out, size_t n, const cJSON *o, const char *name)
{
    const cJSON *f = get(o, name);
    assert_true(cJSON_IsString(f));
    assert_int_equal(tu_hex(out, n, f->valuestring), n);
}

/* A number, or a decimal string (beacon-API JSON). */
static uint64_t u64f(const cJSON *o, const char *name)
{
    const cJSON *f = get(o, name);
    if (cJSON_IsString(f)) return strtoull(f->valuestring, NULL, 10);
    assert_true(cJSON_IsNumber(f));
    return (uint64_t)f->valuedouble;
}

static void beacon_from_json(lcp_eth_beacon_header *h, const cJSON *o)
{
    h->slot = u64f(o, "slot");
    h->proposer_index = u64f(o, "proposer_index");
    hexf(h->parent_root, 32, o, "parent_root");
    hexf(h->state_root, 32, o, "state_root");
    hexf(h->body_root, 32, o, "body_root");
}

/* A branch array: returns its length. */
static size_t branch_from_json(uint8_t (*br)[32], size_t cap, const cJSON *arr)
{
    size_t n = 0;
    const cJSON *x;
    cJSON_ArrayForEach(x, arr)
    {
        assert_true(n < cap);
        assert_int_equal(tu_hex(br[n], 32, x->valuestring), 32);
        n++;
    }
    return n;
}

static uint8_t (*pubkeys)[48];

/* SyncCommittee root of {pubkeys, aggregate_pubkey}; checks the committee size. */
static void committee_root(uint8_t root[32], const cJSON *sc, size_t want_n)
{
    const cJSON *pks = get(sc, "pubkeys");
    size_t n = (size_t)cJSON_GetArraySize(pks);
    assert_int_equal(n, want_n);
    size_t i = 0;
    const cJSON *x;
    cJSON_ArrayForEach(x, pks) assert_int_equal(tu_hex(pubkeys[i++], 48, x->valuestring), 48);
    uint8_t agg[48];
    hexf(agg, 48, sc, "aggregate_pubkey");
    assert_int_equal(lcp_eth_ssz_sync_committee_root(root, (const uint8_t(*)[48])pubkeys, n, agg), LCP_OK);
    /* the view variant (protobuf repeated bytes) agrees, and refuses a key of another length */
    static lcp_bytes views[512];
    uint8_t r2[32];
    for (size_t k = 0; k < n; k++) views[k] = (lcp_bytes){pubkeys[k], 48};
    lcp_bytes av = {agg, 48};
    assert_int_equal(lcp_eth_ssz_sync_committee_root_views(r2, views, n, &av), LCP_OK);
    assert_memory_equal(r2, root, 32);
    views[n - 1].len = 47;
    assert_int_equal(lcp_eth_ssz_sync_committee_root_views(r2, views, n, &av), LCP_ERR_ETH_SSZ);
}

static void u256_dec_le(uint8_t out[32], const char *dec)
{
    memset(out, 0, 32);
    for (const char *c = dec; *c; c++) {
        unsigned carry = (unsigned)(*c - '0');
        for (int i = 0; i < 32; i++) {
            unsigned v = out[i] * 10u + carry;
            out[i] = (uint8_t)v;
            carry = v >> 8;
        }
        assert_int_equal(carry, 0);
    }
}

static uint8_t extra_buf[64];

/* Beacon-API ExecutionPayloadHeader (Capella JSON). extra_data borrows a static buffer. */
static void execution_from_json(lcp_eth_execution_header *h, const cJSON *o)
{
    memset(h, 0, sizeof *h);
    hexf(h->parent_hash, 32, o, "parent_hash");
    hexf(h->fee_recipient, 20, o, "fee_recipient");
    hexf(h->state_root, 32, o, "state_root");
    hexf(h->receipts_root, 32, o, "receipts_root");
    hexf(h->logs_bloom, 256, o, "logs_bloom");
    hexf(h->prev_randao, 32, o, "prev_randao");
    h->block_number = u64f(o, "block_number");
    h->gas_limit = u64f(o, "gas_limit");
    h->gas_used = u64f(o, "gas_used");
    h->timestamp = u64f(o, "timestamp");
    h->extra_data.len = tu_hex(extra_buf, sizeof extra_buf, get(o, "extra_data")->valuestring);
    h->extra_data.ptr = extra_buf;
    u256_dec_le(h->base_fee_per_gas, get(o, "base_fee_per_gas")->valuestring);
    hexf(h->block_hash, 32, o, "block_hash");
    hexf(h->transactions_root, 32, o, "transactions_root");
    hexf(h->withdrawals_root, 32, o, "withdrawals_root");
}

/* Verifies a branch, and that it fails after any single-byte change of leaf or branch, one node more (zero
 * padded) or one fewer, and the neighbouring gindex. */
static void branch_ok(const uint8_t leaf[32], uint8_t (*br)[32], size_t n, uint64_t gindex, const uint8_t root[32])
{
    char err[LCP_ERR_LEN] = "";
    if (lcp_eth_ssz_verify_branch(leaf, (const uint8_t(*)[32])br, n, gindex, root, err) != LCP_OK)
        fail_msg("branch at gindex %llu: %s", (unsigned long long)gindex, err);
    lcp_bytes views[16];
    assert_true(n <= 16);
    for (size_t i = 0; i < n; i++) views[i] = (lcp_bytes){br[i], 32};
    assert_int_equal(lcp_eth_ssz_verify_branch_views(leaf, views, n, gindex, root, NULL), LCP_OK);
    views[n - 1].len = 31; /* Rust panics on a short branch node; we refuse it */
    assert_int_equal(lcp_eth_ssz_verify_branch_views(leaf, views, n, gindex, root, NULL), LCP_ERR_ETH_SSZ_BRANCH);
    uint8_t l2[32];
    memcpy(l2, leaf, 32);
    for (size_t b = 0; b < 32; b++) {
        l2[b] ^= 0x01;
        assert_int_equal(lcp_eth_ssz_verify_branch(l2, (const uint8_t(*)[32])br, n, gindex, root, NULL),
                         LCP_ERR_ETH_SSZ_BRANCH);
        l2[b] ^= 0x01;
    }
    for (size_t i = 0; i < n; i++) {
        for (size_t b = 0; b < 32; b += 7) {
            br[i][b] ^= 0x80;
            assert_int_equal(lcp_eth_ssz_verify_branch(leaf, (const uint8_t(*)[32])br, n, gindex, root, NULL),
                             LCP_ERR_ETH_SSZ_BRANCH);
            br[i][b] ^= 0x80;
        }
    }
    uint8_t longer[16][32];
    assert_true(n < 16);
    memcpy(longer, br, n * 32);
    memset(longer[n], 0, 32);
    /* The spec's normalized check accepts zero-padded longer branches; the ELC does not. */
    assert_int_equal(lcp_eth_ssz_verify_branch(leaf, (const uint8_t(*)[32])longer, n + 1, gindex, root, NULL),
                     LCP_ERR_ETH_SSZ_BRANCH);
    assert_int_equal(lcp_eth_ssz_verify_branch(leaf, (const uint8_t(*)[32])br, n - 1, gindex, root, NULL),
                     LCP_ERR_ETH_SSZ_BRANCH);
    /* The sibling position differs unless leaf and sibling are equal (all-zero subtrees in devnet states). */
    if (memcmp(br[0], leaf, 32) != 0)
        assert_int_equal(lcp_eth_ssz_verify_branch(leaf, (const uint8_t(*)[32])br, n, gindex ^ 1, root, NULL),
                         LCP_ERR_ETH_SSZ_BRANCH);
}

static int branches_checked;

static void branch_json(const uint8_t leaf[32], const cJSON *arr, uint64_t gindex, const uint8_t root[32])
{
    uint8_t br[16][32];
    size_t n = branch_from_json(br, 16, arr);
    branch_ok(leaf, br, n, gindex, root);
    branches_checked++;
}

static void expect_hex(const uint8_t *got, const cJSON *o, const char *name)
{
    uint8_t want[32];
    hexf(want, 32, o, name);
    if (memcmp(got, want, 32) != 0) fail_msg("%s differs", name);
}

/* ---- tests ---- */

static void test_mainnet_bellatrix(void **state)
{
    (void)state;
    branches_checked = 0;
    uint8_t root[32], want[32], gvr[32], domain[32];
    cJSON *sc = tu_json(LC "ethereum-light-client-rs/mainnet/mainnet_sync_committee_period_713.json");
    committee_root(root, sc, 512);
    tu_hex(want, 32, "b3911444fb55116caa2fcea13e94f0970163fe34501db14d4ae4d56f0db48f88");
    assert_memory_equal(root, want, 32);
    cJSON_Delete(sc);

    cJSON *ctx = tu_json(LC "ethereum-light-client-rs/mainnet/mainnet_context.json");
    hexf(gvr, 32, ctx, "genesis_validators_root");
    cJSON_Delete(ctx);
    /* Domains of the spec sheet's table (Bellatrix and Capella verified there against real signatures). */
    const uint8_t v2[4] = {2, 0, 0, 0}, v3[4] = {3, 0, 0, 0};
    assert_int_equal(lcp_eth_ssz_compute_domain(domain, lcp_eth_domain_sync_committee, v2, gvr), LCP_OK);
    tu_hex(want, 32, "070000004a26c58b08add8089b75caa540848881a8d4f0af0be83417a85c0f45");
    assert_memory_equal(domain, want, 32);
    uint8_t d3[32];
    assert_int_equal(lcp_eth_ssz_compute_domain(d3, lcp_eth_domain_sync_committee, v3, gvr), LCP_OK);
    tu_hex(want, 32, "07000000bba4da96354c9f25476cf1bc69bf583a7f9e0af049305b62de676640");
    assert_memory_equal(d3, want, 32);

    /* The sheet's computed-only domains (§2), given there as first 12 and last 6 hex digits: mainnet Deneb, Electra,
     * Fulu and Sepolia Deneb, Electra, Fulu. */
    static const struct {
        const char *gvr, *version, *head, *tail;
    } sheet[] = {
        {NULL, "04000000", "070000006a95a1a9", "564636"},
        {NULL, "05000000", "07000000ad532ceb", "1da754"},
        {NULL, "06000000", "0700000082fae541", "ba1a07"},
        {"d8ea171f3c94aea21ebc42a1ed61052acf3f9209c00e4efbaaddac09ed9b8078", "90000073", "07000000d31f6191", "565808"},
        {"d8ea171f3c94aea21ebc42a1ed61052acf3f9209c00e4efbaaddac09ed9b8078", "90000074", "0700000014045b5a", "e95aaa"},
        {"d8ea171f3c94aea21ebc42a1ed61052acf3f9209c00e4efbaaddac09ed9b8078", "90000075", "07000000f52c1527", "9ca539"},
    };
    for (size_t i = 0; i < sizeof sheet / sizeof *sheet; i++) {
        uint8_t g[32], v[4], d[32];
        char hx[65];
        if (sheet[i].gvr)
            tu_hex(g, 32, sheet[i].gvr);
        else
            memcpy(g, gvr, 32);
        tu_hex(v, 4, sheet[i].version);
        assert_int_equal(lcp_eth_ssz_compute_domain(d, lcp_eth_domain_sync_committee, v, g), LCP_OK);
        assert_int_equal(lcp_hex_encode(hx, sizeof hx, d, 32), LCP_OK);
        assert_memory_equal(hx, sheet[i].head, 16);
        assert_string_equal(hx + 58, sheet[i].tail);
    }

    cJSON *u = tu_json(LC "ethereum-light-client-rs/mainnet/mainnet_light_client_update_slot_5841038.json");
    lcp_eth_beacon_header att, fin;
    beacon_from_json(&att, get(u, "attested_header"));
    uint8_t att_root[32], fin_root[32], sroot[32];
    assert_int_equal(lcp_eth_ssz_beacon_header_root(att_root, &att), LCP_OK);
    assert_int_equal(lcp_eth_ssz_signing_root(sroot, att_root, domain), LCP_OK);
    cJSON *sr = tu_json(LC "ethereum-light-client-rs/mainnet/mainnet_signing_root_slot_5841037.json");
    tu_hex(want, 32, sr->valuestring);
    assert_memory_equal(sroot, want, 32);
    cJSON_Delete(sr);
    const cJSON *fh = get(u, "finalized_header");
    beacon_from_json(&fin, cJSON_GetArrayItem(fh, 0));
    assert_int_equal(lcp_eth_ssz_beacon_header_root(fin_root, &fin), LCP_OK);
    branch_json(fin_root, cJSON_GetArrayItem(fh, 1), 105, att.state_root);
    const cJSON *nsc = get(u, "next_sync_committee");
    committee_root(root, cJSON_GetArrayItem(nsc, 0), 512);
    branch_json(root, cJSON_GetArrayItem(nsc, 1), 55, att.state_root);
    cJSON_Delete(u);
    assert_int_equal(branches_checked, 2);
    printf("ssz mainnet bellatrix: committee root, 8 domains, signing root, branches 105/55 ok\n");
}

static void test_minimal_bellatrix(void **state)
{
    (void)state;
    branches_checked = 0;
    uint8_t root[32];
    cJSON *init = tu_json(LC "ethereum-light-client-rs/minimal_bellatrix/initial_state.json");
    const cJSON *boot = cJSON_GetArrayItem(init, 0);
    lcp_eth_beacon_header bh;
    beacon_from_json(&bh, get(boot, "beacon_header"));
    committee_root(root, get(boot, "current_sync_committee"), 32);
    branch_json(root, get(boot, "current_sync_committee_branch"), 54, bh.state_root);
    cJSON_Delete(init);
    static const char *steps[] = {"light_client_update_period_5", "light_client_update_period_6",
                                  "finality_update_period_6",     "light_client_update_period_7",
                                  "finality_update_period_7",     "light_client_update_period_8",
                                  "finality_update_period_8",     "light_client_update_period_9",
                                  "finality_update_period_9"};
    for (size_t s = 0; s < sizeof steps / sizeof *steps; s++) {
        char path[256];
        snprintf(path, sizeof path, LC "ethereum-light-client-rs/minimal_bellatrix/%s.json", steps[s]);
        cJSON *j = tu_json(path);
        const cJSON *cu = cJSON_GetArrayItem(j, 0), *eu = cJSON_GetArrayItem(j, 1);
        const cJSON *lcu = get(cu, "light_client_update");
        lcp_eth_beacon_header att, fin;
        uint8_t fin_root[32], exec_root[32], leaf[32];
        beacon_from_json(&att, get(lcu, "attested_header"));
        const cJSON *fh = get(lcu, "finalized_header");
        beacon_from_json(&fin, cJSON_GetArrayItem(fh, 0));
        assert_int_equal(lcp_eth_ssz_beacon_header_root(fin_root, &fin), LCP_OK);
        branch_json(fin_root, cJSON_GetArrayItem(fh, 1), 105, att.state_root);
        const cJSON *nsc = get(lcu, "next_sync_committee");
        if (!cJSON_IsNull(nsc)) {
            committee_root(root, cJSON_GetArrayItem(nsc, 0), 32);
            branch_json(root, cJSON_GetArrayItem(nsc, 1), 55, att.state_root);
        }
        hexf(exec_root, 32, cu, "finalized_execution_root");
        branch_json(exec_root, get(cu, "finalized_execution_branch"), 25, fin.body_root);
        hexf(leaf, 32, eu, "state_root");
        branch_json(leaf, get(eu, "state_root_branch"), 18, exec_root);
        lcp_eth_ssz_uint64_leaf(leaf, u64f(eu, "block_number"));
        branch_json(leaf, get(eu, "block_number_branch"), 22, exec_root);
        cJSON_Delete(j);
    }
    assert_int_equal(branches_checked, 1 + 9 * 4 + 5);
    printf("ssz minimal bellatrix: %d branches (54/105/55/25/18/22) ok over 9 steps\n", branches_checked);
}

/* One beacon-API LightClientHeader (Capella): returns the beacon root; checks execution at 25. */
static void capella_lc_header(uint8_t beacon_root[32], uint8_t exec_root[32], const cJSON *h)
{
    lcp_eth_beacon_header b;
    lcp_eth_execution_header e;
    beacon_from_json(&b, get(h, "beacon"));
    execution_from_json(&e, get(h, "execution"));
    assert_int_equal(lcp_eth_ssz_beacon_header_root(beacon_root, &b), LCP_OK);
    assert_int_equal(lcp_eth_ssz_execution_header_root(exec_root, &e, LCP_ETH_FORK_CAPELLA), LCP_OK);
    branch_json(exec_root, get(h, "execution_branch"), 25, b.body_root);
    /* The whole LightClientHeader hashes too (3 fields); a Deneb reading of the same data differs. */
    uint8_t br[4][32], lch[32], lch2[32];
    assert_int_equal(branch_from_json(br, 4, get(h, "execution_branch")), 4);
    assert_int_equal(lcp_eth_ssz_light_client_header_root(lch, &b, &e, (const uint8_t(*)[32])br,
                                                          LCP_ETH_FORK_CAPELLA), LCP_OK);
    assert_int_equal(lcp_eth_ssz_light_client_header_root(lch2, &b, &e, (const uint8_t(*)[32])br,
                                                          LCP_ETH_FORK_DENEB), LCP_OK);
    assert_memory_not_equal(lch, lch2, 32);
    uint8_t e2[32];
    assert_int_equal(lcp_eth_ssz_execution_header_root(e2, &e, LCP_ETH_FORK_BELLATRIX), LCP_OK);
    assert_memory_not_equal(e2, exec_root, 32);
}

static void test_helios_capella(void **state)
{
    (void)state;
    branches_checked = 0;
    uint8_t broot[32], eroot[32], want[32], croot[32];
    cJSON *boot = tu_json(LC "helios-mainnet-capella/bootstrap.json");
    const cJSON *d = get(boot, "data");
    capella_lc_header(broot, eroot, get(d, "header"));
    tu_hex(want, 32, "5afc212a7924789b2bc86acad3ab3a6ffb1f6e97253ea50bee7f4f51422c9275");
    assert_memory_equal(broot, want, 32);
    lcp_eth_beacon_header b;
    beacon_from_json(&b, get(get(d, "header"), "beacon"));
    committee_root(croot, get(d, "current_sync_committee"), 512);
    branch_json(croot, get(d, "current_sync_committee_branch"), 54, b.state_root);
    cJSON_Delete(boot);

    /* The derived file's finalized_execution_root must be our Capella payload-header root of the same header. */
    cJSON *der = tu_json(LC "derived/mainnet_capella_elc_updates.json");
    expect_hex(croot, get(der, "trusted"), "current_sync_committee_root");
    const cJSON *dups = get(der, "updates");
    cJSON *ups = tu_json(LC "helios-mainnet-capella/updates.json");
    cJSON *fu = tu_json(LC "helios-mainnet-capella/finality.json");
    int k = 0, n = cJSON_GetArraySize(ups);
    assert_int_equal(n, 6);
    for (int i = 0; i <= n; i++) {
        const cJSON *u = get(i < n ? cJSON_GetArrayItem(ups, i) : fu, "data");
        uint8_t aroot[32], froot[32], fe[32];
        capella_lc_header(aroot, eroot, get(u, "attested_header"));
        capella_lc_header(froot, fe, get(u, "finalized_header"));
        lcp_eth_beacon_header att;
        beacon_from_json(&att, get(get(u, "attested_header"), "beacon"));
        branch_json(froot, get(u, "finality_branch"), 105, att.state_root);
        const cJSON *nsc = cJSON_GetObjectItemCaseSensitive(u, "next_sync_committee");
        if (nsc) {
            committee_root(croot, nsc, 512);
            branch_json(croot, get(u, "next_sync_committee_branch"), 55, att.state_root);
        }
        const cJSON *dx = cJSON_GetArrayItem(dups, i);
        assert_non_null(dx);
        expect_hex(aroot, get(dx, "expected"), "attested_header_root");
        expect_hex(froot, get(dx, "expected"), "finalized_header_root");
        expect_hex(fe, get(dx, "consensus_update"), "finalized_execution_root");
        if (nsc) expect_hex(croot, get(dx, "expected"), "next_sync_committee_root");
        k++;
    }
    assert_int_equal(k, 7);
    cJSON_Delete(ups);
    cJSON_Delete(fu);
    cJSON_Delete(der);
    printf("ssz helios capella: bootstrap root, %d Capella payload roots, %d branches ok\n", 2 * k + 1,
           branches_checked);
}

/* ---- consensus-spec-tests SSZ (Deneb, Electra; minimal preset) ---- */

typedef struct {
    lcp_eth_beacon_header beacon;
    lcp_eth_execution_header exec;
    uint8_t branch[4][32];
    uint8_t extra[32];
} lc_header;

static void rd_beacon(lcp_eth_beacon_header *h, const uint8_t *p)
{
    h->slot = lcp_le64(p);
    h->proposer_index = lcp_le64(p + 8);
    memcpy(h->parent_root, p + 16, 32);
    memcpy(h->state_root, p + 48, 32);
    memcpy(h->body_root, p + 80, 32);
}

/* LightClientHeader (Deneb layout, also Electra's): beacon(112) ‖ offset(4) ‖ branch(128) ‖ payload header. */
static void rd_lc_header(lc_header *h, const uint8_t *p, size_t n)
{
    assert_true(n >= 244 + 584);
    rd_beacon(&h->beacon, p);
    assert_int_equal(lcp_le32(p + 112), 244);
    memcpy(h->branch, p + 116, 128);
    const uint8_t *e = p + 244;
    size_t en = n - 244;
    lcp_eth_execution_header *x = &h->exec;
    memcpy(x->parent_hash, e, 32);
    memcpy(x->fee_recipient, e + 32, 20);
    memcpy(x->state_root, e + 52, 32);
    memcpy(x->receipts_root, e + 84, 32);
    memcpy(x->logs_bloom, e + 116, 256);
    memcpy(x->prev_randao, e + 372, 32);
    x->block_number = lcp_le64(e + 404);
    x->gas_limit = lcp_le64(e + 412);
    x->gas_used = lcp_le64(e + 420);
    x->timestamp = lcp_le64(e + 428);
    assert_int_equal(lcp_le32(e + 436), 584);
    memcpy(x->base_fee_per_gas, e + 440, 32);
    memcpy(x->block_hash, e + 472, 32);
    memcpy(x->transactions_root, e + 504, 32);
    memcpy(x->withdrawals_root, e + 536, 32);
    x->blob_gas_used = lcp_le64(e + 568);
    x->excess_blob_gas = lcp_le64(e + 576);
    assert_true(en - 584 <= 32);
    memcpy(h->extra, e + 584, en - 584);
    x->extra_data.ptr = h->extra;
    x->extra_data.len = en - 584;
}

static void lc_roots(uint8_t broot[32], uint8_t eroot[32], lc_header *h, lcp_eth_fork fork)
{
    assert_int_equal(lcp_eth_ssz_beacon_header_root(broot, &h->beacon), LCP_OK);
    assert_int_equal(lcp_eth_ssz_execution_header_root(eroot, &h->exec, fork), LCP_OK);
}

/* (beacon_root, execution_root) pairs of steps.yaml checks. */
typedef struct {
    uint8_t beacon[32], exec[32];
} root_pair;

static size_t read_step_pairs(root_pair *pairs, size_t cap, const char *rel)
{
    size_t len, n = 0;
    char *txt = (char *)tu_read(rel, &len);
    const char *p = txt;
    while ((p = strstr(p, "beacon_root: '")) != NULL) {
        p += strlen("beacon_root: '");
        const char *q = strstr(p, "execution_root: '");
        assert_non_null(q);
        q += strlen("execution_root: '");
        char hb[67], he[67];
        memcpy(hb, p, 66);
        hb[66] = 0;
        memcpy(he, q, 66);
        he[66] = 0;
        assert_true(n < cap);
        tu_hex(pairs[n].beacon, 32, hb);
        tu_hex(pairs[n].exec, 32, he);
        n++;
    }
    lcp_free(txt);
    return n;
}

static int matched_pairs;

static void match_pairs(const root_pair *pairs, size_t np, const uint8_t b[32], const uint8_t e[32])
{
    for (size_t i = 0; i < np; i++) {
        if (memcmp(pairs[i].beacon, b, 32) == 0) {
            assert_memory_equal(pairs[i].exec, e, 32);
            matched_pairs++;
        }
    }
}

static void spec_case(const char *fork_dir, const char *name, lcp_eth_fork fork, int *updates)
{
    int electra = fork >= LCP_ETH_FORK_ELECTRA;
    uint64_t g_cur = electra ? 86 : 54, g_next = electra ? 87 : 55, g_fin = electra ? 169 : 105;
    size_t nb_next = electra ? 6 : 5, nb_fin = electra ? 7 : 6;
    char rel[512];
    root_pair pairs[64];
    snprintf(rel, sizeof rel, LC "consensus-spec-tests/%s/%s/steps.yaml", fork_dir, name);
    size_t np = read_step_pairs(pairs, 64, rel);
    assert_true(np > 0);

    /* bootstrap: header ‖ committee ‖ branch; meta.yaml's trusted_block_root is the beacon root. */
    size_t len;
    snprintf(rel, sizeof rel, LC "consensus-spec-tests/%s/%s/bootstrap.ssz", fork_dir, name);
    uint8_t *bs = tu_read(rel, &len);
    assert_int_equal(len, 4 + 1584 + nb_next * 32 + 828);
    size_t off = lcp_le32(bs);
    assert_int_equal(off, 4 + 1584 + nb_next * 32);
    lc_header h;
    uint8_t broot[32], eroot[32], croot[32], meta_root[32];
    rd_lc_header(&h, bs + off, len - off);
    lc_roots(broot, eroot, &h, fork);
    snprintf(rel, sizeof rel, LC "consensus-spec-tests/%s/%s/meta.yaml", fork_dir, name);
    char *meta = (char *)tu_read(rel, &len);
    const char *tb = strstr(meta, "trusted_block_root: '");
    assert_non_null(tb);
    char hx[67];
    memcpy(hx, tb + strlen("trusted_block_root: '"), 66);
    hx[66] = 0;
    tu_hex(meta_root, 32, hx);
    lcp_free(meta);
    assert_memory_equal(broot, meta_root, 32);
    branch_ok(eroot, h.branch, 4, 25, h.beacon.body_root);
    assert_int_equal(lcp_eth_ssz_sync_committee_root(croot, (const uint8_t(*)[48])(bs + 4), 32, bs + 4 + 32 * 48),
                     LCP_OK);
    branch_ok(croot, (uint8_t(*)[32])(bs + 4 + 1584), nb_next, g_cur, h.beacon.state_root);
    lcp_free(bs);

    snprintf(rel, sizeof rel, "%s", tu_path(""));
    char pattern[1024];
    snprintf(pattern, sizeof pattern, "%s" LC "consensus-spec-tests/%s/%s/update_0x*.ssz", rel, fork_dir, name);
    glob_t g;
    assert_int_equal(glob(pattern, 0, NULL, &g), 0);
    for (size_t i = 0; i < g.gl_pathc; i++) {
        const char *base = strrchr(g.gl_pathv[i], '/') + 1;
        uint8_t *u = NULL;
        char err[LCP_ERR_LEN];
        assert_int_equal(lcp_file_read(&u, &len, g.gl_pathv[i], 1 << 20, err), LCP_OK);
        size_t fixed = 4 + 1584 + nb_next * 32 + 4 + nb_fin * 32 + 100 + 8;
        size_t a_off = lcp_le32(u), f_off = lcp_le32(u + 4 + 1584 + nb_next * 32);
        assert_int_equal(a_off, fixed);
        assert_true(f_off > a_off && f_off <= len);
        lc_header att, fin;
        uint8_t ab[32], ae[32], fb[32], fe[32], name_root[32];
        rd_lc_header(&att, u + a_off, f_off - a_off);
        rd_lc_header(&fin, u + f_off, len - f_off);
        lc_roots(ab, ae, &att, fork);
        /* the file is named for the attested header's beacon root */
        memcpy(hx, base + strlen("update_"), 66);
        hx[66] = 0;
        tu_hex(name_root, 32, hx);
        assert_memory_equal(ab, name_root, 32);
        branch_ok(ae, att.branch, 4, 25, att.beacon.body_root);
        match_pairs(pairs, np, ab, ae);
        const char *flags = base + strlen("update_") + 66 + 1;
        if (flags[0] == 's') {
            assert_int_equal(lcp_eth_ssz_sync_committee_root(croot, (const uint8_t(*)[48])(u + 4), 32,
                                                             u + 4 + 32 * 48), LCP_OK);
            branch_ok(croot, (uint8_t(*)[32])(u + 4 + 1584), nb_next, g_next, att.beacon.state_root);
        }
        if (flags[1] == 'f') {
            lc_roots(fb, fe, &fin, fork);
            branch_ok(fb, (uint8_t(*)[32])(u + 4 + 1584 + nb_next * 32 + 4), nb_fin, g_fin, att.beacon.state_root);
            if (fin.beacon.slot != 0) branch_ok(fe, fin.branch, 4, 25, fin.beacon.body_root);
            match_pairs(pairs, np, fb, fe);
        }
        lcp_free(u);
        (*updates)++;
    }
    globfree(&g);
}

/* The derived ELC-layout file of a fork: expected roots, domain, signing root, payload field branches. */
static void derived_file(const char *rel, uint64_t g_fin, uint64_t g_next, uint64_t g_sr, uint64_t g_bn)
{
    cJSON *j = tu_json(rel);
    const cJSON *chain = get(j, "chain"), *tr = get(j, "trusted");
    uint8_t gvr[32], root[32];
    hexf(gvr, 32, chain, "genesis_validators_root");
    lcp_eth_beacon_header bh;
    beacon_from_json(&bh, get(tr, "bootstrap_header"));
    assert_int_equal(lcp_eth_ssz_beacon_header_root(root, &bh), LCP_OK);
    expect_hex(root, tr, "bootstrap_header_root");
    const cJSON *u;
    int k = 0;
    cJSON_ArrayForEach(u, get(j, "updates"))
    {
        const cJSON *cu = get(u, "consensus_update"), *eu = get(u, "execution_update"), *ex = get(u, "expected");
        lcp_eth_beacon_header att, fin;
        uint8_t ar[32], fr[32], dom[32], sr[32], er[32], leaf[32], ver[4];
        beacon_from_json(&att, get(cu, "attested_header"));
        beacon_from_json(&fin, get(cu, "finalized_header"));
        assert_int_equal(lcp_eth_ssz_beacon_header_root(ar, &att), LCP_OK);
        assert_int_equal(lcp_eth_ssz_beacon_header_root(fr, &fin), LCP_OK);
        expect_hex(ar, ex, "attested_header_root");
        expect_hex(fr, ex, "finalized_header_root");
        hexf(ver, 4, ex, "fork_version_for_domain");
        assert_int_equal(lcp_eth_ssz_compute_domain(dom, lcp_eth_domain_sync_committee, ver, gvr), LCP_OK);
        expect_hex(dom, ex, "domain");
        assert_int_equal(lcp_eth_ssz_signing_root(sr, ar, dom), LCP_OK);
        expect_hex(sr, ex, "signing_root");
        branch_json(fr, get(cu, "finalized_header_branch"), g_fin, att.state_root);
        const cJSON *nsc = cJSON_GetObjectItemCaseSensitive(cu, "next_sync_committee");
        if (nsc && !cJSON_IsNull(nsc)) {
            committee_root(root, nsc, (size_t)u64f(chain, "sync_committee_size"));
            expect_hex(root, ex, "next_sync_committee_root");
            branch_json(root, get(cu, "next_sync_committee_branch"), g_next, att.state_root);
        }
        hexf(er, 32, cu, "finalized_execution_root");
        branch_json(er, get(cu, "finalized_execution_branch"), 25, fin.body_root);
        hexf(leaf, 32, eu, "state_root");
        branch_json(leaf, get(eu, "state_root_branch"), g_sr, er);
        lcp_eth_ssz_uint64_leaf(leaf, u64f(eu, "block_number"));
        branch_json(leaf, get(eu, "block_number_branch"), g_bn, er);
        k++;
    }
    assert_true(k > 0);
    printf("ssz %s: %d updates: roots, domain, signing root and branches ok\n", rel, k);
    cJSON_Delete(j);
}

static void test_spec_deneb_electra(void **state)
{
    (void)state;
    static const char *cases[] = {"light_client_sync", "supply_sync_committee_from_past_update",
                                  "advance_finality_without_sync_committee"};
    matched_pairs = 0;
    int nd = 0, ne = 0;
    for (size_t c = 0; c < 3; c++) {
        spec_case("deneb", cases[c], LCP_ETH_FORK_DENEB, &nd);
        spec_case("electra", cases[c], LCP_ETH_FORK_ELECTRA, &ne);
    }
    assert_int_equal(nd, 14);
    assert_int_equal(ne, 28); /* every update_*.ssz file of the three cases */
    assert_true(matched_pairs >= 20);
    printf("ssz spec tests: deneb %d, electra %d updates; %d steps.yaml execution roots matched\n", nd, ne,
           matched_pairs);
    derived_file(LC "derived/mainnet_capella_elc_updates.json", 105, 55, 18, 22);
    derived_file(LC "derived/minimal_deneb_elc_updates.json", 105, 55, 34, 38);
    derived_file(LC "derived/minimal_electra_elc_updates.json", 169, 87, 34, 38);
}

static void test_merkleize_rules(void **state)
{
    (void)state;
    uint8_t chunks[5][32], root[32], a[32], b[32], z[32] = {0}, zz[32];
    for (int i = 0; i < 5; i++) memset(chunks[i], i + 1, 32);
    /* limit must be a power of two ≥ n (0 = next power of two) */
    assert_int_equal(lcp_eth_ssz_merkleize(root, (const uint8_t(*)[32])chunks, 5, 6), LCP_ERR_ETH_SSZ);
    assert_int_equal(lcp_eth_ssz_merkleize(root, (const uint8_t(*)[32])chunks, 5, 4), LCP_ERR_ETH_SSZ);
    assert_int_equal(lcp_eth_ssz_merkleize(a, (const uint8_t(*)[32])chunks, 5, 0), LCP_OK);
    assert_int_equal(lcp_eth_ssz_merkleize(b, (const uint8_t(*)[32])chunks, 5, 8), LCP_OK);
    assert_memory_equal(a, b, 32);
    /* one chunk is its own root; no chunk with limit 4 is the depth-2 zero hash */
    assert_int_equal(lcp_eth_ssz_merkleize(root, (const uint8_t(*)[32])chunks, 1, 1), LCP_OK);
    assert_memory_equal(root, chunks[0], 32);
    const lcp_bytes zp[2] = {{z, 32}, {z, 32}};
    assert_int_equal(lcp_sha256_parts(zz, zp, 2), LCP_OK);
    const lcp_bytes zzp[2] = {{zz, 32}, {zz, 32}};
    assert_int_equal(lcp_sha256_parts(a, zzp, 2), LCP_OK);
    assert_int_equal(lcp_eth_ssz_merkleize(root, NULL, 0, 4), LCP_OK);
    assert_memory_equal(root, a, 32);
    /* 3 chunks at limit 4 = H(H(c0,c1), H(c2,0)) computed by hand */
    uint8_t l[32], r[32];
    const lcp_bytes lp[2] = {{chunks[0], 32}, {chunks[1], 32}}, rp[2] = {{chunks[2], 32}, {z, 32}};
    assert_int_equal(lcp_sha256_parts(l, lp, 2), LCP_OK);
    assert_int_equal(lcp_sha256_parts(r, rp, 2), LCP_OK);
    const lcp_bytes tp[2] = {{l, 32}, {r, 32}};
    assert_int_equal(lcp_sha256_parts(a, tp, 2), LCP_OK);
    assert_int_equal(lcp_eth_ssz_merkleize(root, (const uint8_t(*)[32])chunks, 3, 4), LCP_OK);
    assert_memory_equal(root, a, 32);
    /* committees must have a power-of-two size; extra_data over 32 bytes and Altair payloads are refused */
    static uint8_t pks[3][48];
    assert_int_equal(lcp_eth_ssz_sync_committee_root(root, (const uint8_t(*)[48])pks, 3, pks[0]), LCP_ERR_ETH_SSZ);
    lcp_eth_execution_header e;
    memset(&e, 0, sizeof e);
    static uint8_t ed[33];
    e.extra_data.ptr = ed;
    e.extra_data.len = 33;
    assert_int_equal(lcp_eth_ssz_execution_header_root(root, &e, LCP_ETH_FORK_DENEB), LCP_ERR_ETH_SSZ);
    e.extra_data.len = 0;
    assert_int_equal(lcp_eth_ssz_execution_header_root(root, &e, LCP_ETH_FORK_ALTAIR), LCP_ERR_ETH_SSZ);
    /* gindex 0 and 1 */
    assert_int_equal(lcp_eth_ssz_verify_branch(chunks[0], NULL, 0, 0, chunks[0], NULL), LCP_ERR_ETH_SSZ_BRANCH);
    assert_int_equal(lcp_eth_ssz_verify_branch(chunks[0], NULL, 0, 1, chunks[0], NULL), LCP_OK);
    assert_int_equal(lcp_eth_ssz_gindex_depth(169), 7);
    assert_int_equal(lcp_eth_ssz_gindex_depth(1ull << 63), 63);
}

/* Bellatrix ExecutionPayloadHeader (14 fields): no real vector carries one, so the golden roots below were computed
 * with an independent list-based SSZ merkleizer (Python hashlib) for the header whose field i (from 1) is filled
 * with byte i (extra_data 11 bytes of 11, base fee 12, numbers 7..10, 16, 17); Capella and Deneb of the same header
 * too. */
#define BELLATRIX_GOLDEN "0943cf73cb50a2c7b5b68734169748d423df1a45ffdb95e1c2ba9839d64b7065"
#define CAPELLA_GOLDEN "f4b828664d3e5d7db897e5d463dcb4e8f7cb44e7d2a729485e29bef58fcefb84"
#define DENEB_GOLDEN "ffc68f3be6e1c093af4eeaa28d17e4c03bbd99f9a6de97437cdd3f51b0103f61"
static void test_bellatrix_payload_golden(void **state)
{
    (void)state;
    lcp_eth_execution_header e;
    memset(&e, 0, sizeof e);
    memset(e.parent_hash, 1, 32);
    memset(e.fee_recipient, 2, 20);
    memset(e.state_root, 3, 32);
    memset(e.receipts_root, 4, 32);
    memset(e.logs_bloom, 5, 256);
    memset(e.prev_randao, 6, 32);
    e.block_number = 7;
    e.gas_limit = 8;
    e.gas_used = 9;
    e.timestamp = 10;
    static const uint8_t extra[11] = {11, 11, 11, 11, 11, 11, 11, 11, 11, 11, 11};
    e.extra_data.ptr = extra;
    e.extra_data.len = sizeof extra;
    e.base_fee_per_gas[0] = 12;
    memset(e.block_hash, 13, 32);
    memset(e.transactions_root, 14, 32);
    memset(e.withdrawals_root, 15, 32);
    e.blob_gas_used = 16;
    e.excess_blob_gas = 17;
    uint8_t root[32], want[32];
    assert_int_equal(lcp_eth_ssz_execution_header_root(root, &e, LCP_ETH_FORK_BELLATRIX), LCP_OK);
    tu_hex(want, 32, BELLATRIX_GOLDEN);
    assert_memory_equal(root, want, 32);
    assert_int_equal(lcp_eth_ssz_execution_header_root(root, &e, LCP_ETH_FORK_CAPELLA), LCP_OK);
    tu_hex(want, 32, CAPELLA_GOLDEN);
    assert_memory_equal(root, want, 32);
    assert_int_equal(lcp_eth_ssz_execution_header_root(root, &e, LCP_ETH_FORK_FULU), LCP_OK);
    tu_hex(want, 32, DENEB_GOLDEN);
    assert_memory_equal(root, want, 32);
}

static int setup(void **state)
{
    (void)state;
    pubkeys = calloc(512, 48);
    return pubkeys ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    free(pubkeys);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mainnet_bellatrix), cmocka_unit_test(test_minimal_bellatrix),
        cmocka_unit_test(test_helios_capella),    cmocka_unit_test(test_spec_deneb_electra),
        cmocka_unit_test(test_merkleize_rules),   cmocka_unit_test(test_bellatrix_payload_golden),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
