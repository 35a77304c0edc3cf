/* ValidateBasic of headers, commits and signed headers (CometBFT types/block.go, plus the presence and
 * first-header rules of tendermint-rs's conversions), and Timestamp arithmetic. */
#include <string.h>

#include "tm_internal.h"

#define INVALID(...) lcp_fail(err, LCP_ERR_TM_INVALID, __VA_ARGS__)

/* Go's zero time.Time (0001-01-01T00:00:00Z), which absent commit signatures carry or omit. */
#define TM_ZERO_TIME_SECONDS (-62135596800LL)
#define TM_MAX_SECONDS 253402300799LL

int lcp_tm_time_cmp(lcp_tm_time a, lcp_tm_time b)
{
    if (a.seconds != b.seconds) return a.seconds < b.seconds ? -1 : 1;
    if (a.nanos != b.nanos) return a.nanos < b.nanos ? -1 : 1;
    return 0;
}

int lcp_tm_time_add(lcp_tm_time *out, lcp_tm_time t, lcp_tm_duration d)
{
    /* both operands are range-checked by their decoders: |seconds| < 2^39, so the sum cannot overflow int64 */
    if (t.seconds < TM_ZERO_TIME_SECONDS || t.seconds > TM_MAX_SECONDS || d.seconds < -315576000000LL ||
        d.seconds > 315576000000LL || t.nanos < 0 || t.nanos > 999999999 || d.nanos <= -1000000000 ||
        d.nanos >= 1000000000)
        return LCP_ERR_TM_OVERFLOW;
    int64_t s = t.seconds + d.seconds;
    int32_t n = t.nanos + d.nanos;
    if (n >= 1000000000) {
        n -= 1000000000;
        s++;
    } else if (n < 0) {
        n += 1000000000;
        s--;
    }
    if (s < TM_ZERO_TIME_SECONDS || s > TM_MAX_SECONDS) return LCP_ERR_TM_OVERFLOW;
    out->seconds = s;
    out->nanos = n;
    return LCP_OK;
}

int lcp_tm_time_to_ns(uint64_t *ns, lcp_tm_time t)
{
    if (t.seconds < 0 || t.nanos < 0 || t.nanos > 999999999 || (uint64_t)t.seconds > (UINT64_MAX - 999999999u) / 1000000000u)
        return LCP_ERR_TM_OVERFLOW;
    *ns = (uint64_t)t.seconds * 1000000000u + (uint64_t)t.nanos;
    return LCP_OK;
}

static int hash_ok(lcp_bytes h) { return h.len == 0 || h.len == LCP_TM_HASH_LEN; }

static int block_id_is_zero(const lcp_tm_block_id *b)
{
    return b->hash.len == 0 && b->part_set_total == 0 && b->part_set_hash.len == 0;
}

static int validate_block_id(const lcp_tm_block_id *b, const char *what, char *err)
{
    if (!hash_ok(b->hash)) return INVALID("%s: hash of %zu bytes", what, b->hash.len);
    if (!hash_ok(b->part_set_hash)) return INVALID("%s: part set hash of %zu bytes", what, b->part_set_hash.len);
    return LCP_OK;
}

static int validate_header(const lcp_tm_header *h, char *err)
{
    if (!h->has_version) return INVALID("header: no version");
    if (!h->has_time) return INVALID("header: no time");
    if (h->version_block != LCP_TM_BLOCK_PROTOCOL)
        return INVALID("header: block protocol %llu, want %d", (unsigned long long)h->version_block,
                       LCP_TM_BLOCK_PROTOCOL);
    if (h->chain_id.len == 0 || h->chain_id.len > LCP_TM_MAX_CHAIN_ID_LEN)
        return INVALID("header: chain id of %zu bytes", h->chain_id.len);
    if (h->height <= 0) return INVALID("header: height %lld", (long long)h->height);
    int rc = validate_block_id(&h->last_block_id, "header: last block id", err);
    if (rc != LCP_OK) return rc;
    /* the first block has no predecessor (tendermint-rs rejects a height-1 header naming one) */
    if (h->height == 1 && !block_id_is_zero(&h->last_block_id)) return INVALID("header: height 1 with a last block id");
    const lcp_bytes *hashes[7] = {&h->last_commit_hash, &h->data_hash,      &h->evidence_hash, &h->validators_hash,
                                  &h->next_validators_hash, &h->consensus_hash, &h->last_results_hash};
    for (int i = 0; i < 7; i++)
        if (!hash_ok(*hashes[i])) return INVALID("header: a hash field has %zu bytes", hashes[i]->len);
    if (h->validators_hash.len == 0 || h->next_validators_hash.len == 0)
        return INVALID("header: missing validators hash");
    if (h->proposer_address.len != LCP_TM_ADDRESS_LEN)
        return INVALID("header: proposer address of %zu bytes", h->proposer_address.len);
    return LCP_OK;
}

static int validate_commit_sig(const lcp_tm_commit_sig *s, size_t i, char *err)
{
    switch (s->flag) {
    case LCP_TM_FLAG_ABSENT:
        if (s->validator_address.len != 0) return INVALID("commit sig %zu: absent with an address", i);
        if (s->signature.len != 0) return INVALID("commit sig %zu: absent with a signature", i);
        if (s->has_timestamp && (s->timestamp.seconds != TM_ZERO_TIME_SECONDS || s->timestamp.nanos != 0))
            return INVALID("commit sig %zu: absent with a timestamp", i);
        return LCP_OK;
    case LCP_TM_FLAG_COMMIT:
    case LCP_TM_FLAG_NIL:
        if (s->validator_address.len != LCP_TM_ADDRESS_LEN)
            return INVALID("commit sig %zu: address of %zu bytes", i, s->validator_address.len);
        if (!s->has_timestamp) return INVALID("commit sig %zu: no timestamp", i);
        /* only ed25519 validators are supported, so every signature is exactly 64 bytes */
        if (s->signature.len != LCP_TM_ED25519_SIG_LEN)
            return INVALID("commit sig %zu: signature of %zu bytes", i, s->signature.len);
        return LCP_OK;
    default: return INVALID("commit sig %zu: unknown block id flag %d", i, (int)s->flag);
    }
}

static int validate_commit(const lcp_tm_commit *c, char *err)
{
    if (c->height <= 0) return INVALID("commit: height %lld", (long long)c->height);
    if (c->round < 0) return INVALID("commit: negative round");
    if (block_id_is_zero(&c->block_id)) return INVALID("commit: for a nil block");
    int rc = validate_block_id(&c->block_id, "commit: block id", err);
    if (rc != LCP_OK) return rc;
    if (c->n_sigs == 0) return INVALID("commit: no signatures");
    tm_sig_iter it;
    lcp_tm_commit_sig s;
    tm_sig_iter_init(&it, c);
    for (size_t i = 0; i < c->n_sigs; i++) {
        if (!tm_sig_iter_next(&it, &s)) return INVALID("commit sig %zu unreadable", i);
        if ((rc = validate_commit_sig(&s, i, err)) != LCP_OK) return rc;
    }
    return LCP_OK;
}

int lcp_tm_signed_header_validate(const lcp_tm_signed_header *sh, const uint8_t *chain_id, size_t chain_id_len,
                                  char *err)
{
    if (!sh->has_header) return INVALID("signed header: no header");
    if (!sh->has_commit) return INVALID("signed header: no commit");
    int rc = validate_header(&sh->header, err);
    if (rc == LCP_OK) rc = validate_commit(&sh->commit, err);
    if (rc != LCP_OK) return rc;
    if (chain_id != NULL && !tm_bytes_eq(sh->header.chain_id, (lcp_bytes){chain_id, chain_id_len}))
        return lcp_fail(err, LCP_ERR_TM_CHAIN_ID, "header chain id differs from the expected one");
    if (sh->commit.height != sh->header.height) return INVALID("commit height differs from header height");
    uint8_t h[LCP_TM_HASH_LEN];
    if ((rc = lcp_tm_header_hash(h, &sh->header, err)) != LCP_OK) return rc;
    if (!tm_bytes_eq(sh->commit.block_id.hash, (lcp_bytes){h, sizeof h}))
        return lcp_fail(err, LCP_ERR_TM_HASH_MISMATCH, "commit signs another block than this header");
    return LCP_OK;
}
