/* A small cache of decoded, validated sync committees, so that a committee's 512 keys are decoded once (as
 * lcp/crypto_bls.h intends) and not on every update: KeyValidate of one key (decompression and the G1 subgroup
 * check) costs far more than the whole FastAggregateVerify it feeds, once multiplied by 512.
 *
 * Why this is safe: an entry is keyed by SHA-256 of all that decoding reads (the key count, the SyncCommittee
 * message holding the keys, the aggregate) and holds exactly what decoding produced from those bytes after every
 * check passed (the validated keys, the aggregate and the committee's hash_tree_root); a hit gives the caller the
 * same result decoding would. Entries live in the enclave's own memory, which the host cannot reach. Failures are
 * never cached.
 * Why a process-wide table and not a context: the ELC vtable is stateless by design (lcp/elc.h), and this is the
 * one piece of state worth keeping between ECALLs; it is bounded (ETH_CACHE_SLOTS committees, about 53 KB each),
 * guarded by a mutex, and lcp_eth_committee_cache_clear empties it (tests, benchmarks). */
#include <pthread.h>
#include <string.h>

#include "eth_internal.h"
#include "lcp/crypto.h"

#define ETH_CACHE_SLOTS 4

static struct {
    pthread_mutex_t mu;
    uint64_t clock;
    struct {
        uint8_t digest[32];
        uint64_t used; /* 0: empty */
        lcp_eth_committee *c;
    } slot[ETH_CACHE_SLOTS];
} cache = {PTHREAD_MUTEX_INITIALIZER, 0, {{{0}, 0, NULL}}};

int eth_committee_digest(uint8_t digest[32], const lcp_eth_sync_committee *c)
{
    /* the key count, the SyncCommittee message (read whole, in one pass: the keys are its field-1 occurrences, read
     * by lcp_eth_committee_next) and the aggregate as the view holds it: all that decoding reads, so equal digests
     * mean equal decoding results. A committee sent with another (non-canonical) encoding only misses the cache. */
    uint8_t n[4];
    lcp_put_le32(n, (uint32_t)c->n_pubkeys);
    lcp_bytes parts[3] = {{n, 4}, c->message, {c->aggregate_pubkey, 48}};
    return lcp_sha256_parts(digest, parts, 3);
}

int eth_committee_cache_get(lcp_eth_committee *out, const uint8_t digest[32])
{
    int hit = 0;
    pthread_mutex_lock(&cache.mu);
    for (int i = 0; i < ETH_CACHE_SLOTS && !hit; i++)
        if (cache.slot[i].used && memcmp(cache.slot[i].digest, digest, 32) == 0) {
            const lcp_eth_committee *c = cache.slot[i].c;
            /* copy only the keys in use: a minimal-preset committee is 32 keys */
            out->n = c->n;
            memcpy(out->aggregate, c->aggregate, 48);
            memcpy(out->root, c->root, 32);
            memcpy(out->keys, c->keys, c->n * sizeof c->keys[0]);
            cache.slot[i].used = ++cache.clock;
            hit = 1;
        }
    pthread_mutex_unlock(&cache.mu);
    return hit;
}

void eth_committee_cache_put(const uint8_t digest[32], const lcp_eth_committee *c)
{
    pthread_mutex_lock(&cache.mu);
    int victim = 0;
    for (int i = 1; i < ETH_CACHE_SLOTS; i++)
        if (cache.slot[i].used < cache.slot[victim].used) victim = i;
    if (!cache.slot[victim].c) cache.slot[victim].c = lcp_malloc(sizeof *c);
    /* out of memory: simply nothing cached */
    if (cache.slot[victim].c) {
        lcp_eth_committee *d = cache.slot[victim].c;
        d->n = c->n;
        memcpy(d->aggregate, c->aggregate, 48);
        memcpy(d->root, c->root, 32);
        memcpy(d->keys, c->keys, c->n * sizeof c->keys[0]);
        memcpy(cache.slot[victim].digest, digest, 32);
        cache.slot[victim].used = ++cache.clock;
    }
    pthread_mutex_unlock(&cache.mu);
}

void lcp_eth_committee_cache_clear(void)
{
    pthread_mutex_lock(&cache.mu);
    for (int i = 0; i < ETH_CACHE_SLOTS; i++) {
        lcp_free(cache.slot[i].c);
        cache.slot[i].c = NULL;
        cache.slot[i].used = 0;
    }
    pthread_mutex_unlock(&cache.mu);
}

size_t lcp_eth_committee_cache_bytes(void)
{
    size_t n = 0;
    pthread_mutex_lock(&cache.mu);
    for (int i = 0; i < ETH_CACHE_SLOTS; i++)
        if (cache.slot[i].c) n += sizeof *cache.slot[i].c;
    pthread_mutex_unlock(&cache.mu);
    return n;
}
