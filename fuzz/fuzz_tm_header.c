/* libFuzzer target for the Tendermint decoders and the checks that follow them: arbitrary bytes as a SignedHeader
 * (hash, ValidateBasic, vote sign bytes of every signature, commit shape, a full verify_update against a fixed
 * one-validator trusted state), a ValidatorSet, a LightBlock, an IBC Header, ClientState, ConsensusState and
 * Misbehaviour. Checks that views stay inside the input and counts inside their limits.
 * A random header almost never commits to its own hash or validator set, which would stop verification at the
 * first comparison; so each decoded header is also run "aligned": its validator hashes set to the validator set at
 * hand (the LightBlock's own, when it carries a decodable one) and its commit's block id to its hash, which takes
 * the fuzzer through ValidateBasic, the validator-set rules, the vote sign bytes, the signature checks and the
 * tallies. No alignment can forge a signature, so nothing may verify. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lcp/elc_tendermint.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t *g_data;
static size_t g_size;

static void inside(lcp_bytes b)
{
    if (b.len && (b.ptr < g_data || b.ptr + b.len > g_data + g_size)) abort();
}

static lcp_tm_valset g_vals, g_trusted;

static void exercise_signed_header(const lcp_tm_signed_header *sh)
{
    const lcp_tm_header *h = &sh->header;
    inside(h->chain_id);
    inside(h->app_hash);
    inside(h->proposer_address);
    if (sh->commit.n_sigs > LCP_TM_MAX_VALIDATORS) abort();
    uint8_t hash[LCP_TM_HASH_LEN];
    (void)!lcp_tm_header_hash(hash, h, NULL);
    (void)!lcp_tm_signed_header_validate(sh, h->chain_id.ptr, h->chain_id.len, NULL);
    for (size_t i = 0; i < sh->commit.n_sigs && i < 16; i++) {
        lcp_tm_commit_sig s;
        if (lcp_tm_commit_sig_at(&s, &sh->commit, i) != LCP_OK) abort();
        inside(s.signature);
        inside(s.validator_address);
        uint8_t sb[LCP_TM_SIGN_BYTES_MAX];
        size_t sbl;
        if (lcp_tm_vote_sign_bytes(sb, sizeof sb, &sbl, h->chain_id.ptr, h->chain_id.len, &sh->commit, &s, NULL) ==
                LCP_OK &&
            sbl > sizeof sb)
            abort();
    }
    (void)!lcp_tm_commit_validate_against(&sh->commit, &g_vals, NULL);
    uint8_t vh[LCP_TM_HASH_LEN];
    if (lcp_tm_valset_hash(vh, &g_trusted) != LCP_OK) abort();
    lcp_tm_untrusted u = {sh, &g_vals, NULL};
    lcp_tm_trusted t = {h->chain_id, 1, {0, 0}, {vh, sizeof vh}, &g_trusted};
    lcp_tm_options o = {1, 3, {1LL << 33, 0}, {10, 0}};
    lcp_tm_time now = {1700000000, 0};
    /* no signature by the fixed key can be forged by the fuzzer */
    if (lcp_tm_verify_update(&u, &t, &o, now, NULL) == LCP_OK) abort();
    (void)!lcp_tm_verify_misbehaviour_header(&u, &t, &o, now, NULL);
}

/* fixed_key: vals is the fixed set whose secret nobody has, so a passing update means a forged signature. With the
 * input's own validator set (a LightBlock) a real signed header verifies legitimately: no verdict is required. */
static void exercise_aligned(lcp_tm_signed_header sh, const lcp_tm_valset *vals, int fixed_key)
{
    uint8_t vh[LCP_TM_HASH_LEN], hh[LCP_TM_HASH_LEN];
    if (lcp_tm_valset_hash(vh, vals) != LCP_OK) return;
    sh.header.validators_hash = sh.header.next_validators_hash = (lcp_bytes){vh, sizeof vh};
    if (lcp_tm_header_hash(hh, &sh.header, NULL) != LCP_OK) return;
    sh.commit.block_id.hash = (lcp_bytes){hh, sizeof hh};
    (void)!lcp_tm_signed_header_validate(&sh, sh.header.chain_id.ptr, sh.header.chain_id.len, NULL);
    (void)!lcp_tm_commit_validate_against(&sh.commit, vals, NULL);
    lcp_tm_untrusted u = {&sh, vals, NULL};
    lcp_tm_trusted t = {sh.header.chain_id, 1, {0, 0}, {vh, sizeof vh}, vals};
    lcp_tm_options o = {1, 3, {1LL << 33, 0}, {10, 0}};
    lcp_tm_time now = {1700000000, 0};
    if (lcp_tm_verify_update(&u, &t, &o, now, NULL) == LCP_OK && fixed_key) abort(); /* a signature was forged */
    (void)!lcp_tm_verify_misbehaviour_header(&u, &t, &o, now, NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_data = data;
    g_size = size;
    if (g_trusted.n == 0) {
        /* one validator with a key whose secret nobody has (all 0x5a), power 10 */
        memset(g_trusted.v[0].pub_key, 0x5a, 32);
        g_trusted.v[0].power = 10;
        g_trusted.n = 1;
        g_trusted.total_power = 10;
        g_vals = g_trusted;
    }
    lcp_tm_signed_header sh;
    if (lcp_tm_decode_signed_header(&sh, data, size, NULL) == LCP_OK) {
        exercise_signed_header(&sh);
        exercise_aligned(sh, &g_vals, 1);
    }
    lcp_bytes vs_bytes;
    static lcp_tm_valset vs;
    if (lcp_tm_decode_light_block(&sh, &vs_bytes, data, size, NULL) == LCP_OK) {
        inside(vs_bytes);
        exercise_signed_header(&sh);
        if (lcp_tm_decode_valset(&vs, vs_bytes.ptr, vs_bytes.len, NULL) == LCP_OK &&
            lcp_tm_valset_validate(&vs, NULL) == LCP_OK)
            exercise_aligned(sh, &vs, 0);
        else exercise_aligned(sh, &g_vals, 1);
    }
    if (lcp_tm_decode_valset(&vs, data, size, NULL) == LCP_OK) {
        if (vs.n > LCP_TM_MAX_VALIDATORS || vs.total_power < 0 || vs.total_power > INT64_MAX / 8) abort();
        uint8_t h[LCP_TM_HASH_LEN];
        if (lcp_tm_valset_hash(h, &vs) != LCP_OK) abort();
        (void)!lcp_tm_valset_validate(&vs, NULL);
        lcp_tm_valset_sort(&vs);
    }
    lcp_tm_ibc_header ih;
    if (lcp_tm_decode_ibc_header(&ih, data, size, NULL) == LCP_OK) {
        inside(ih.validator_set);
        inside(ih.trusted_validators);
        (void)lcp_tm_ibc_header_height(&ih);
    }
    lcp_tm_client_state cs;
    if (lcp_tm_decode_client_state(&cs, data, size, NULL) == LCP_OK) {
        inside(cs.chain_id);
        if (cs.n_proof_specs > LCP_TM_MAX_PROOF_SPECS || cs.n_upgrade_path > LCP_TM_MAX_UPGRADE_PATH) abort();
        (void)!lcp_tm_client_state_validate(&cs, NULL);
        (void)lcp_tm_chain_id_revision(cs.chain_id.ptr, cs.chain_id.len);
    }
    lcp_tm_consensus_state cons;
    if (lcp_tm_decode_consensus_state(&cons, data, size, NULL) == LCP_OK) {
        inside(cons.root);
        inside(cons.next_validators_hash);
        uint64_t ns;
        (void)!lcp_tm_time_to_ns(&ns, cons.timestamp);
    }
    lcp_tm_misbehaviour mb;
    if (lcp_tm_decode_misbehaviour(&mb, data, size, NULL) == LCP_OK) (void)!lcp_tm_misbehaviour_evident(&mb, NULL);
    return 0;
}
