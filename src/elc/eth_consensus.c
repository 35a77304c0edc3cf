/* The consensus layer of the Ethereum light client: fork selection, signing roots, exactly-sized Merkle branches,
 * sync-committee validation, the order of checks of ethereum-light-client-rs v0.2.0's update verification and
 * ethereum-ibc-rs's state transition across periods (spec sheet ethereum.md §3-§7).
 * The SSZ it needs is small (BeaconBlockHeader, SyncCommittee, uint64 leaves; sheet §4) and written here. */
#include <string.h>

#include "lcp/crypto.h"
#include "eth_internal.h"

#define UPD_FAIL(...) lcp_fail(err, LCP_ERR_ETH_UPDATE, __VA_ARGS__)

/* ---- arithmetic ---- */

size_t lcp_eth_committee_size(const lcp_eth_client_state *cs)
{
    return cs->slots_per_epoch == 8 && cs->epochs_per_sync_committee_period == 8 ? LCP_ETH_COMMITTEE_MINIMAL
                                                                                  : LCP_ETH_COMMITTEE_MAINNET;
}

static uint64_t epoch_of(const lcp_eth_client_state *cs, uint64_t slot) { return slot / cs->slots_per_epoch; }

uint64_t lcp_eth_period_of_slot(const lcp_eth_client_state *cs, uint64_t slot)
{
    return epoch_of(cs, slot) / cs->epochs_per_sync_committee_period;
}

const lcp_eth_fork_param *lcp_eth_fork_at(const lcp_eth_client_state *cs, uint64_t epoch, lcp_eth_fork_param *genesis,
                                    size_t *position)
{
    for (size_t i = cs->n_forks; i-- > 0;)
        if (cs->forks[i].epoch <= epoch) {
            if (position) *position = i + 1;
            return &cs->forks[i];
        }
    /* ethereum-light-client-rs GENESIS_SPEC: only the finalized-root gindex is known */
    memset(genesis, 0, sizeof *genesis);
    memcpy(genesis->version, cs->genesis_fork_version, 4);
    genesis->spec.finalized_root = 105;
    if (position) *position = 0;
    return genesis;
}

/* ---- SSZ (the helpers of lcp/elc_eth_ssz.h) ---- */

int lcp_eth_branch_check(const uint8_t leaf[32], const lcp_eth_branch *branch, uint32_t gindex,
                         const uint8_t root[32], const char *what, char *err)
{
    /* the message's nodes are views between protobuf tags: gather them into one array */
    uint8_t nodes[LCP_ETH_MAX_BRANCH][32];
    for (size_t i = 0; i < branch->n; i++) memcpy(nodes[i], branch->item[i], 32);
    int rc = lcp_eth_ssz_verify_branch(leaf, (const uint8_t(*)[32])nodes, branch->n, gindex, root, err);
    return rc == LCP_OK ? LCP_OK : lcp_fail_ctx(err, rc, what);
}

int lcp_eth_sync_committee_root(uint8_t out[32], const lcp_eth_sync_committee *c, uint8_t (*keys)[48], char *err)
{
    size_t pos = 0, n = 0;
    const uint8_t *k;
    while ((k = lcp_eth_committee_next(c, &pos)) != NULL && n < LCP_ETH_MAX_COMMITTEE) memcpy(keys[n++], k, 48);
    int rc = lcp_eth_ssz_sync_committee_root(out, (const uint8_t(*)[48])keys, n, c->aggregate_pubkey);
    return rc == LCP_OK ? LCP_OK : lcp_fail(err, rc, "sync committee of %zu keys cannot be hashed", n);
}

int lcp_eth_signing_root(uint8_t out[32], uint8_t domain_out[32], const lcp_eth_client_state *cs,
                         const lcp_eth_beacon_header *attested, uint64_t signature_slot)
{
    /* the spec's fork of the signature: epoch of max(signature_slot, 1) - 1 */
    uint64_t slot = (signature_slot > 1 ? signature_slot : 1) - 1;
    lcp_eth_fork_param genesis;
    const lcp_eth_fork_param *fk = lcp_eth_fork_at(cs, epoch_of(cs, slot), &genesis, NULL);
    uint8_t domain[32], header_root[32];
    int rc = lcp_eth_ssz_compute_domain(domain, lcp_eth_domain_sync_committee, fk->version,
                                        cs->genesis_validators_root);
    if (rc == LCP_OK) rc = lcp_eth_ssz_beacon_header_root(header_root, attested);
    if (rc == LCP_OK) rc = lcp_eth_ssz_signing_root(out, header_root, domain);
    if (rc == LCP_OK && domain_out) memcpy(domain_out, domain, 32);
    return rc;
}

/* ---- committees ---- */

int lcp_eth_committee_decode(lcp_eth_committee *out, const lcp_eth_sync_committee *c, size_t n, char *err)
{
    if (c->n_pubkeys != n)
        return lcp_fail(err, LCP_ERR_ETH_COMMITTEE, "sync committee has %zu keys, not %zu", c->n_pubkeys, n);
    uint8_t digest[32];
    int cacheable = eth_committee_digest(digest, c) == LCP_OK;
    if (cacheable && eth_committee_cache_get(out, digest)) return LCP_OK;
    size_t pos = 0;
    const uint8_t *k;
    char e[LCP_ERR_LEN];
    for (size_t i = 0; (k = lcp_eth_committee_next(c, &pos)) != NULL; i++)
        if (lcp_bls_pubkey_decode(&out->keys[i], k, e) != LCP_OK)
            return lcp_fail(err, LCP_ERR_ETH_COMMITTEE, "sync committee key %zu: %s", i, e);
    lcp_bls_pubkey sum;
    uint8_t enc[48];
    if (lcp_bls_pubkey_aggregate(&sum, out->keys, n, NULL) != LCP_OK || sum.infinity)
        return lcp_fail(err, LCP_ERR_ETH_COMMITTEE, "sync committee keys do not aggregate");
    lcp_bls_pubkey_encode(enc, &sum);
    /* compared as compressed bytes, as ethereum-light-client-rs does */
    if (memcmp(enc, c->aggregate_pubkey, 48) != 0)
        return lcp_fail(err, LCP_ERR_ETH_COMMITTEE, "sync committee keys do not sum to its aggregate_pubkey");
    /* its SSZ root, once per committee: an update that carries it as the next committee needs it as the branch's
     * leaf, and a cache hit then costs no hashing */
    uint8_t(*raw)[48] = lcp_malloc(n * sizeof *raw);
    if (!raw) return lcp_fail(err, LCP_ERR_NOMEM, "out of memory");
    int rc = lcp_eth_sync_committee_root(out->root, c, raw, err);
    lcp_free(raw);
    if (rc != LCP_OK) return rc;
    out->n = n;
    memcpy(out->aggregate, c->aggregate_pubkey, 48);
    if (cacheable) eth_committee_cache_put(digest, out);
    return LCP_OK;
}

static int committees_equal(const lcp_eth_sync_committee *a, const lcp_eth_sync_committee *b)
{
    if (a->n_pubkeys != b->n_pubkeys || memcmp(a->aggregate_pubkey, b->aggregate_pubkey, 48) != 0) return 0;
    size_t pa = 0, pb = 0;
    const uint8_t *ka, *kb;
    while ((ka = lcp_eth_committee_next(a, &pa)) != NULL) {
        if ((kb = lcp_eth_committee_next(b, &pb)) == NULL || memcmp(ka, kb, 48) != 0) return 0;
    }
    return 1;
}

/* The trusted store's committee for period p: the header's committee is the current one (is_next 0) or the next. */
static int store_has(const lcp_eth_client_state *cs, const lcp_eth_store *st, uint64_t p)
{
    uint64_t sp = lcp_eth_period_of_slot(cs, st->cons->slot);
    return p == sp + (uint64_t)(st->is_next != 0);
}

static size_t popcount(lcp_bytes bits)
{
    size_t n = 0;
    for (size_t i = 0; i < bits.len; i++) n += (size_t)__builtin_popcount(bits.ptr[i]);
    return n;
}

static int is_zero_header(const lcp_eth_beacon_header *h)
{
    return h->slot == 0 && h->proposer_index == 0 && lcp_is_zero(h->parent_root, 32) &&
           lcp_is_zero(h->state_root, 32) && lcp_is_zero(h->body_root, 32);
}

/* Finality (mandatory in the ELC) and the finalized header's execution payload root. */
static int verify_finality(const lcp_eth_client_state *cs, const lcp_eth_consensus_update *u,
                           const lcp_eth_fork_spec *attested_spec, char *err)
{
    uint8_t leaf[32] = {0};
    int rc;
    const lcp_eth_beacon_header *fin = &u->finalized_header;
    if (fin->slot == 0) {
        if (!is_zero_header(fin)) return UPD_FAIL("finalized header at slot 0 is not the zero header");
    } else {
        if (is_zero_header(fin)) return UPD_FAIL("finalized header is empty");
        lcp_eth_fork_param g;
        const lcp_eth_fork_param *fk = lcp_eth_fork_at(cs, epoch_of(cs, fin->slot), &g, NULL);
        rc = lcp_eth_branch_check(u->finalized_execution_root, &u->finalized_execution_branch,
                                       fk->spec.execution_payload, fin->body_root, "finalized execution payload", err);
        if (rc != LCP_OK) return rc;
        if ((rc = lcp_eth_ssz_beacon_header_root(leaf, fin)) != LCP_OK) return lcp_fail(err, rc, NULL);
    }
    return lcp_eth_branch_check(leaf, &u->finalized_header_branch, attested_spec->finalized_root,
                                 u->attested_header.state_root, "finalized header", err);
}

static int verify_next_committee(const lcp_eth_client_state *cs, const lcp_eth_store *st,
                                 const lcp_eth_consensus_update *u, const lcp_eth_fork_spec *attested_spec, size_t n,
                                 lcp_eth_scratch *scratch, char *err)
{
    int rc = lcp_eth_committee_decode(&scratch->next, &u->next_sync_committee, n, err);
    if (rc != LCP_OK) return lcp_fail_ctx(err, rc, "next sync committee");
    uint64_t p = lcp_eth_period_of_slot(cs, u->attested_header.slot) + 1;
    if (store_has(cs, st, p) && !committees_equal(&u->next_sync_committee, st->raw))
        return lcp_fail(err, LCP_ERR_ETH_COMMITTEE, "next sync committee differs from the trusted one of period %llu",
                        (unsigned long long)p);
    /* hash_tree_root(next_sync_committee), computed when the committee was decoded */
    return lcp_eth_branch_check(scratch->next.root, &u->next_sync_committee_branch, attested_spec->next_sync_committee,
                                 u->attested_header.state_root, "next sync committee", err);
}

static int verify_attestation(const lcp_eth_client_state *cs, const lcp_eth_store *st,
                              const lcp_eth_consensus_update *u, size_t n, char *err)
{
    size_t participants = popcount(u->sync_committee_bits);
    if (participants < cs->min_sync_committee_participants)
        return lcp_fail(err, LCP_ERR_ETH_PARTICIPATION, "%zu participants, fewer than %llu", participants,
                        (unsigned long long)cs->min_sync_committee_participants);
    /* the trust level is checked here, not only when applying as in the spec */
    if ((unsigned __int128)participants * cs->trust_denominator < (unsigned __int128)n * cs->trust_numerator)
        return lcp_fail(err, LCP_ERR_ETH_PARTICIPATION, "%zu of %zu participants is below the trust level %llu/%llu",
                        participants, n, (unsigned long long)cs->trust_numerator,
                        (unsigned long long)cs->trust_denominator);
    uint8_t root[32];
    if (lcp_eth_signing_root(root, NULL, cs, &u->attested_header, u->signature_slot) != LCP_OK)
        return lcp_fail(err, LCP_ERR_CRYPTO, "signing root");
    char e[LCP_ERR_LEN];
    if (lcp_bls_fast_aggregate_verify(st->committee->keys, n, u->sync_committee_bits.ptr, root, 32,
                                      u->sync_committee_signature, e) != LCP_OK)
        return lcp_fail(err, LCP_ERR_ETH_SIGNATURE, "sync committee signature: %s", e);
    return LCP_OK;
}

int lcp_eth_verify_consensus_update(const lcp_eth_client_state *cs, const lcp_eth_store *st,
                                    const lcp_eth_consensus_update *u, uint64_t now_s, lcp_eth_scratch *scratch,
                                    char *err)
{
    size_t n = lcp_eth_committee_size(cs);
    if (st->committee->n != n) return lcp_fail(err, LCP_ERR_ETH_COMMITTEE, "trusted committee is not of size %zu", n);
    if (u->finalized_header_branch.n == 0) return UPD_FAIL("no finalized header (finality branch is empty)");
    /* SSZ Bitvector[N]: exactly N/8 bytes */
    if (u->sync_committee_bits.len != n / 8)
        return UPD_FAIL("sync_committee_bits is %zu bytes, not %zu", u->sync_committee_bits.len, n / 8);
    size_t participants = popcount(u->sync_committee_bits);
    if (participants < cs->min_sync_committee_participants)
        return lcp_fail(err, LCP_ERR_ETH_PARTICIPATION, "%zu participants, fewer than %llu", participants,
                        (unsigned long long)cs->min_sync_committee_participants);
    /* current_slot >= signature_slot > attested slot >= finalized slot */
    if (now_s < cs->genesis_time) return lcp_fail(err, LCP_ERR_ETH_TIME, "host time is before genesis");
    uint64_t current_slot = (now_s - cs->genesis_time) / cs->seconds_per_slot;
    if (!(current_slot >= u->signature_slot && u->signature_slot > u->attested_header.slot &&
          u->attested_header.slot >= u->finalized_header.slot))
        return UPD_FAIL("slots out of order: current %llu, signature %llu, attested %llu, finalized %llu",
                        (unsigned long long)current_slot, (unsigned long long)u->signature_slot,
                        (unsigned long long)u->attested_header.slot, (unsigned long long)u->finalized_header.slot);
    /* the finalized header must be Bellatrix or later (the second fork of the list) */
    lcp_eth_fork_param g;
    size_t position;
    (void)lcp_eth_fork_at(cs, epoch_of(cs, u->finalized_header.slot), &g, &position);
    if (position < 2) return UPD_FAIL("finalized header is before the second fork (Bellatrix)");
    uint64_t store_period = lcp_eth_period_of_slot(cs, st->cons->slot);
    uint64_t sig_period = lcp_eth_period_of_slot(cs, u->signature_slot);
    if (sig_period != store_period && sig_period != store_period + 1)
        return UPD_FAIL("signature period %llu is neither the store's period %llu nor the next",
                        (unsigned long long)sig_period, (unsigned long long)store_period);
    if (!store_has(cs, st, sig_period))
        return lcp_fail(err, LCP_ERR_ETH_COMMITTEE, "the trusted store has no committee for period %llu (is_next %d)",
                        (unsigned long long)sig_period, st->is_next);
    if (u->finalized_header.slot <= st->cons->slot)
        return UPD_FAIL("finalized slot %llu is not after the trusted slot %llu",
                        (unsigned long long)u->finalized_header.slot, (unsigned long long)st->cons->slot);
    const lcp_eth_fork_param *afk = lcp_eth_fork_at(cs, epoch_of(cs, u->attested_header.slot), &g, NULL);
    lcp_eth_fork_spec aspec = afk->spec;
    int rc = verify_finality(cs, u, &aspec, err);
    if (rc == LCP_OK && u->has_next) rc = verify_next_committee(cs, st, u, &aspec, n, scratch, err);
    if (rc == LCP_OK) rc = verify_attestation(cs, st, u, n, err);
    return rc;
}

int lcp_eth_verify_execution_update(const lcp_eth_client_state *cs, const lcp_eth_consensus_update *u,
                                    const lcp_eth_execution_update *e, char *err)
{
    if (e->state_root_branch.n == 0 || e->block_number_branch.n == 0)
        return UPD_FAIL("execution update has an empty branch");
    lcp_eth_fork_param g;
    const lcp_eth_fork_param *fk = lcp_eth_fork_at(cs, epoch_of(cs, u->finalized_header.slot), &g, NULL);
    if (fk->spec.execution_payload == 0) return UPD_FAIL("the finalized slot's fork has no execution payload");
    uint8_t leaf[32];
    int rc = lcp_eth_branch_check(e->state_root, &e->state_root_branch, fk->spec.execution_state_root,
                                   u->finalized_execution_root, "execution state_root", err);
    if (rc != LCP_OK) return rc;
    lcp_eth_ssz_uint64_leaf(leaf, e->block_number);
    return lcp_eth_branch_check(leaf, &e->block_number_branch, fk->spec.execution_block_number,
                                 u->finalized_execution_root, "execution block_number", err);
}

int lcp_eth_apply_update(lcp_eth_consensus_state *out, const lcp_eth_client_state *cs,
                         const lcp_eth_consensus_state *trusted, const lcp_eth_consensus_update *u,
                         const uint8_t storage_root[32], uint64_t timestamp_s, char *err)
{
    uint64_t sp = lcp_eth_period_of_slot(cs, trusted->slot);
    uint64_t fp = lcp_eth_period_of_slot(cs, u->finalized_header.slot);
    memset(out, 0, sizeof *out);
    if (fp == sp) {
        memcpy(out->current_sync_committee, trusted->current_sync_committee, 48);
        memcpy(out->next_sync_committee, trusted->next_sync_committee, 48);
    } else if (fp == sp + 1) {
        if (!u->has_next) return UPD_FAIL("finalized period %llu needs a next sync committee", (unsigned long long)fp);
        memcpy(out->current_sync_committee, trusted->next_sync_committee, 48);
        memcpy(out->next_sync_committee, u->next_sync_committee.aggregate_pubkey, 48);
    } else {
        return UPD_FAIL("finalized period %llu is not the store's period %llu or the next", (unsigned long long)fp,
                        (unsigned long long)sp);
    }
    if (timestamp_s > UINT64_MAX / 1000000000u) return lcp_fail(err, LCP_ERR_ETH_TIME, "timestamp overflows ns");
    out->slot = u->finalized_header.slot;
    memcpy(out->storage_root, storage_root, 32);
    out->timestamp_ns = timestamp_s * 1000000000u;
    return LCP_OK;
}
