/* Decoding of ibc.lightclients.ethereum.v1 messages (field numbers: spec sheet ethereum.md §10; proto in
 * proto/ibc_lightclients_ethereum.proto) into borrowed views, with ethereum-ibc-rs's decode-time rules. Where Rust
 * panics (a root or branch node that is not 32 bytes, a version that is not 4, fewer than N keys) this returns
 * LCP_ERR_ETH_DECODE. Singular fields may occur once (prost would merge repeats; no encoder sends them), unknown
 * fields are skipped as prost skips them. */
#include <string.h>

#include "lcp/codec_pb.h"
#include "lcp/elc_ethereum.h"

#define DEC_FAIL(...) lcp_fail(err, LCP_ERR_ETH_DECODE, __VA_ARGS__)
#define NEXT(r, f) lcp_pb_next_as(r, f, LCP_ERR_ETH_DECODE, err)
#define FIELD(wt)                                                                                  \
    do {                                                                                           \
        if ((rc = lcp_pb_singular(&seen, &f, (wt), LCP_ERR_ETH_DECODE, msg, err)) != LCP_OK) return rc; \
    } while (0)
#define REPEATED(wt)                                                                                \
    do {                                                                                            \
        if ((rc = lcp_pb_want_wire(&f, (wt), LCP_ERR_ETH_DECODE, msg, err)) != LCP_OK) return rc;   \
    } while (0)
#define HAS(n) ((seen >> (n)) & 1u)

static int fixed(uint8_t *out, size_t n, const lcp_pb_field *f, const char *msg, const char *name, char *err)
{
    if (f->bytes.len != n) return DEC_FAIL("%s.%s is %zu bytes, not %zu", msg, name, f->bytes.len, n);
    memcpy(out, f->bytes.ptr, n);
    return LCP_OK;
}

static int branch_add(lcp_eth_branch *b, const lcp_pb_field *f, const char *msg, char *err)
{
    if (f->bytes.len != 32) return DEC_FAIL("%s: branch node of %zu bytes", msg, f->bytes.len);
    if (b->n >= LCP_ETH_MAX_BRANCH) return DEC_FAIL("%s: branch longer than %d", msg, LCP_ETH_MAX_BRANCH);
    b->item[b->n++] = f->bytes.ptr;
    return LCP_OK;
}

static int decode_height(lcp_height *h, lcp_bytes in, char *err)
{
    int rc = lcp_pb_decode_height(&h->revision_number, &h->revision_height, in.ptr, in.len, err);
    return rc == LCP_OK ? LCP_OK : lcp_fail_ctx(err, LCP_ERR_ETH_DECODE, "Height");
}

/* google.protobuf.Duration and Timestamp share {1 seconds int64, 2 nanos int32}; ethereum-ibc-rs refuses negative
 * parts of either (core::time::Duration; ibc Timestamp from a prost Timestamp). */
static int decode_seconds_nanos(lcp_eth_duration *d, lcp_bytes in, const char *msg, char *err)
{
    lcp_pb_reader r;
    lcp_pb_field f;
    uint32_t seen = 0;
    int64_t s = 0;
    int32_t ns = 0;
    int rc;
    lcp_pb_reader_init(&r, in.ptr, in.len);
    while ((rc = NEXT(&r, &f)) == 1) {
        if (f.number == 1) {
            FIELD(LCP_PB_VARINT);
            s = lcp_pb_int64(f.u);
        } else if (f.number == 2) {
            FIELD(LCP_PB_VARINT);
            if ((rc = lcp_pb_get_int32(&ns, &f, LCP_ERR_ETH_DECODE, msg, err)) != LCP_OK) return rc;
        }
    }
    if (rc != LCP_OK) return rc;
    if (s < 0 || ns < 0 || ns > 999999999) return DEC_FAIL("%s is negative or out of range", msg);
    d->seconds = (uint64_t)s;
    d->nanos = (uint32_t)ns;
    return LCP_OK;
}

static int decode_duration(lcp_eth_duration *d, lcp_bytes in, char *err)
{
    return decode_seconds_nanos(d, in, "Duration", err);
}

static int decode_fork_spec(lcp_eth_fork_spec *s, lcp_bytes in, char *err)
{
    static const char *msg = "ForkSpec";
    uint32_t *dst[7] = {NULL, &s->finalized_root, &s->current_sync_committee, &s->next_sync_committee,
                        &s->execution_payload, &s->execution_state_root, &s->execution_block_number};
    lcp_pb_reader r;
    lcp_pb_field f;
    uint32_t seen = 0;
    int rc;
    memset(s, 0, sizeof *s);
    lcp_pb_reader_init(&r, in.ptr, in.len);
    while ((rc = NEXT(&r, &f)) == 1) {
        if (f.number < 1 || f.number > 6) continue;
        FIELD(LCP_PB_VARINT);
        if (f.u > UINT32_MAX) return DEC_FAIL("ForkSpec field %u exceeds u32", (unsigned)f.number);
        *dst[f.number] = (uint32_t)f.u;
    }
    return rc;
}

static int decode_fork(lcp_eth_fork_param *fk, lcp_bytes in, char *err)
{
    static const char *msg = "Fork";
    lcp_pb_reader r;
    lcp_pb_field f;
    uint32_t seen = 0;
    int rc;
    memset(fk, 0, sizeof *fk);
    lcp_pb_reader_init(&r, in.ptr, in.len);
    while ((rc = NEXT(&r, &f)) == 1) {
        if (f.number == 1) {
            FIELD(LCP_PB_LEN);
            if ((rc = fixed(fk->version, 4, &f, msg, "version", err)) != LCP_OK) return rc;
        } else if (f.number == 2) {
            FIELD(LCP_PB_VARINT);
            fk->epoch = f.u;
        } else if (f.number == 3) {
            FIELD(LCP_PB_LEN);
            if ((rc = decode_fork_spec(&fk->spec, f.bytes, err)) != LCP_OK) return rc;
        }
    }
    if (rc != LCP_OK) return rc;
    /* an absent version is empty bytes, which Rust's 4-byte Version refuses; a missing spec is an error */
    if (!HAS(1) || !HAS(3)) return DEC_FAIL("Fork lacks its version or spec");
    return LCP_OK;
}

static int decode_fork_parameters(lcp_eth_client_state *cs, lcp_bytes in, char *err)
{
    static const char *msg = "ForkParameters";
    lcp_pb_reader r;
    lcp_pb_field f;
    uint32_t seen = 0;
    int rc;
    lcp_pb_reader_init(&r, in.ptr, in.len);
    while ((rc = NEXT(&r, &f)) == 1) {
        if (f.number == 1) {
            FIELD(LCP_PB_LEN);
            if ((rc = fixed(cs->genesis_fork_version, 4, &f, msg, "genesis_fork_version", err)) != LCP_OK) return rc;
        } else if (f.number == 2) {
            REPEATED(LCP_PB_LEN);
            if (cs->n_forks >= LCP_ETH_MAX_FORKS) return DEC_FAIL("more than %d forks", LCP_ETH_MAX_FORKS);
            if ((rc = decode_fork(&cs->forks[cs->n_forks], f.bytes, err)) != LCP_OK) return rc;
            cs->n_forks++;
        }
    }
    if (rc != LCP_OK) return rc;
    if (!HAS(1)) return DEC_FAIL("ForkParameters lacks genesis_fork_version");
    /* ethereum-light-client-rs ForkParameters::validate: non-empty, epochs never decrease */
    if (cs->n_forks == 0) return DEC_FAIL("ForkParameters has no forks");
    for (size_t i = 1; i < cs->n_forks; i++)
        if (cs->forks[i].epoch < cs->forks[i - 1].epoch) return DEC_FAIL("fork epochs decrease at fork %zu", i);
    return LCP_OK;
}

static int decode_fraction(lcp_eth_client_state *cs, lcp_bytes in, char *err)
{
    uint64_t num = 0, den = 0;
    if (lcp_pb_decode_height(&num, &den, in.ptr, in.len, err) != LCP_OK) return DEC_FAIL("malformed Fraction");
    if (den == 0 || num > den) return DEC_FAIL("trust level %llu/%llu is not a fraction in [0, 1]",
                                               (unsigned long long)num, (unsigned long long)den);
    cs->trust_numerator = num;
    cs->trust_denominator = den;
    return LCP_OK;
}

static int cs_field(lcp_eth_client_state *cs, const lcp_pb_field *fp, uint32_t *seenp, char *err)
{
    static const char *msg = "ClientState";
    lcp_pb_field f = *fp;
    uint32_t seen = *seenp;
    int rc;
    switch (f.number) {
    case 1: FIELD(LCP_PB_LEN); rc = fixed(cs->genesis_validators_root, 32, &f, msg, "genesis_validators_root", err); break;
    case 2: FIELD(LCP_PB_VARINT); cs->min_sync_committee_participants = f.u; rc = LCP_OK; break;
    case 3: FIELD(LCP_PB_VARINT); cs->genesis_time = f.u; rc = LCP_OK; break;
    case 4: FIELD(LCP_PB_LEN); rc = decode_fork_parameters(cs, f.bytes, err); break;
    case 5: FIELD(LCP_PB_VARINT); cs->seconds_per_slot = f.u; rc = LCP_OK; break;
    case 6: FIELD(LCP_PB_VARINT); cs->slots_per_epoch = f.u; rc = LCP_OK; break;
    case 7: FIELD(LCP_PB_VARINT); cs->epochs_per_sync_committee_period = f.u; rc = LCP_OK; break;
    case 8: FIELD(LCP_PB_LEN); rc = fixed(cs->ibc_address, 20, &f, msg, "ibc_address", err); break;
    case 9: FIELD(LCP_PB_LEN); rc = fixed(cs->ibc_commitments_slot, 32, &f, msg, "ibc_commitments_slot", err); break;
    case 10: FIELD(LCP_PB_LEN); rc = decode_fraction(cs, f.bytes, err); break;
    case 11: FIELD(LCP_PB_LEN); rc = decode_duration(&cs->trusting_period, f.bytes, err); break;
    case 12: FIELD(LCP_PB_LEN); rc = decode_duration(&cs->max_clock_drift, f.bytes, err); break;
    case 13: FIELD(LCP_PB_VARINT); cs->latest_execution_block_number = f.u; rc = LCP_OK; break;
    case 14:
        FIELD(LCP_PB_LEN);
        rc = decode_height(&cs->frozen_height, f.bytes, err);
        if (rc == LCP_OK && cs->frozen_height.revision_height == 0) rc = DEC_FAIL("frozen_height has height 0");
        cs->frozen = 1;
        break;
    default: rc = LCP_OK;
    }
    *seenp = seen;
    return rc;
}

/* ethereum-ibc-rs ClientState::validate (run on create and on every new state). */
static int cs_validate(const lcp_eth_client_state *cs, char *err)
{
    if (lcp_is_zero(cs->genesis_validators_root, 32)) return lcp_fail(err, LCP_ERR_ETH_STATE, "genesis_validators_root is zero");
    if (cs->min_sync_committee_participants == 0) return lcp_fail(err, LCP_ERR_ETH_STATE, "min_sync_committee_participants is 0");
    if (cs->genesis_time == 0) return lcp_fail(err, LCP_ERR_ETH_STATE, "genesis_time is 0");
    if (cs->n_forks < 2) return lcp_fail(err, LCP_ERR_ETH_STATE, "fewer than 2 forks (Bellatrix is required)");
    if (cs->seconds_per_slot == 0 || cs->slots_per_epoch == 0 || cs->epochs_per_sync_committee_period == 0)
        return lcp_fail(err, LCP_ERR_ETH_STATE, "a zero slot, epoch or period length");
    if (lcp_is_zero(cs->ibc_address, 20)) return lcp_fail(err, LCP_ERR_ETH_STATE, "ibc_address is zero");
    if (cs->trusting_period.seconds == 0 && cs->trusting_period.nanos == 0)
        return lcp_fail(err, LCP_ERR_ETH_STATE, "trusting_period is zero");
    if (cs->latest_execution_block_number == 0)
        return lcp_fail(err, LCP_ERR_ETH_STATE, "latest_execution_block_number is 0");
    return LCP_OK;
}

int lcp_eth_decode_client_state(lcp_eth_client_state *cs, const uint8_t *in, size_t len, char *err)
{
    lcp_pb_reader r;
    lcp_pb_field f;
    uint32_t seen = 0;
    int rc;
    memset(cs, 0, sizeof *cs);
    lcp_pb_reader_init(&r, in, len);
    while ((rc = NEXT(&r, &f)) == 1)
        if ((rc = cs_field(cs, &f, &seen, err)) != LCP_OK) return rc;
    if (rc != LCP_OK) return rc;
    /* a missing H256 or address is an empty slice to Rust, which it refuses (or panics on) */
    if (!HAS(1) || !HAS(8) || !HAS(9)) return DEC_FAIL("ClientState lacks a root, the IBC address or the slot");
    if (!HAS(4) || !HAS(10) || !HAS(11))
        return DEC_FAIL("ClientState lacks fork_parameters, trust_level or trusting_period");
    return cs_validate(cs, err);
}

/* google.protobuf.Timestamp into an ibc Timestamp (unix ns). */
static int decode_timestamp(uint64_t *ns, lcp_bytes in, char *err)
{
    lcp_eth_duration t;
    int rc = decode_seconds_nanos(&t, in, "Timestamp", err);
    if (rc != LCP_OK) return rc;
    if (t.seconds > (UINT64_MAX - t.nanos) / 1000000000u) return DEC_FAIL("Timestamp is beyond u64 nanoseconds");
    *ns = t.seconds * 1000000000u + t.nanos;
    return LCP_OK;
}

int lcp_eth_decode_consensus_state(lcp_eth_consensus_state *c, const uint8_t *in, size_t len, char *err)
{
    static const char *msg = "ConsensusState";
    lcp_pb_reader r;
    lcp_pb_field f;
    uint32_t seen = 0;
    int rc;
    memset(c, 0, sizeof *c);
    lcp_pb_reader_init(&r, in, len);
    while ((rc = NEXT(&r, &f)) == 1) {
        switch (f.number) {
        case 1: FIELD(LCP_PB_VARINT); c->slot = f.u; break;
        case 2: FIELD(LCP_PB_LEN); rc = fixed(c->storage_root, 32, &f, msg, "storage_root", err); break;
        case 3: FIELD(LCP_PB_LEN); rc = decode_timestamp(&c->timestamp_ns, f.bytes, err); break;
        case 4: FIELD(LCP_PB_LEN); rc = fixed(c->current_sync_committee, 48, &f, msg, "current_sync_committee", err); break;
        case 5: FIELD(LCP_PB_LEN); rc = fixed(c->next_sync_committee, 48, &f, msg, "next_sync_committee", err); break;
        default: rc = LCP_OK;
        }
        if (rc != LCP_OK) return rc;
    }
    if (rc != LCP_OK) return rc;
    if (!HAS(2) || !HAS(3) || !HAS(4) || !HAS(5))
        return DEC_FAIL("ConsensusState lacks storage_root, timestamp or a sync committee");
    /* ConsensusState::validate */
    if (c->slot == 0 || c->timestamp_ns == 0) return lcp_fail(err, LCP_ERR_ETH_STATE, "consensus state slot or timestamp is 0");
    if (lcp_is_zero(c->current_sync_committee, 48) || lcp_is_zero(c->next_sync_committee, 48))
        return lcp_fail(err, LCP_ERR_ETH_STATE, "consensus state has a zero aggregate key");
    return LCP_OK;
}

/* ---- Header ---- */

static int decode_beacon_header(lcp_eth_beacon_header *h, lcp_bytes in, char *err)
{
    static const char *msg = "BeaconBlockHeader";
    lcp_pb_reader r;
    lcp_pb_field f;
    uint32_t seen = 0;
    int rc;
    memset(h, 0, sizeof *h);
    lcp_pb_reader_init(&r, in.ptr, in.len);
    while ((rc = NEXT(&r, &f)) == 1) {
        switch (f.number) {
        case 1: FIELD(LCP_PB_VARINT); h->slot = f.u; break;
        case 2: FIELD(LCP_PB_VARINT); h->proposer_index = f.u; break;
        case 3: FIELD(LCP_PB_LEN); rc = fixed(h->parent_root, 32, &f, msg, "parent_root", err); break;
        case 4: FIELD(LCP_PB_LEN); rc = fixed(h->state_root, 32, &f, msg, "state_root", err); break;
        case 5: FIELD(LCP_PB_LEN); rc = fixed(h->body_root, 32, &f, msg, "body_root", err); break;
        default: rc = LCP_OK;
        }
        if (rc != LCP_OK) return rc;
    }
    if (rc != LCP_OK) return rc;
    if (!HAS(3) || !HAS(4) || !HAS(5)) return DEC_FAIL("BeaconBlockHeader lacks a root");
    return LCP_OK;
}

int lcp_eth_decode_sync_committee(lcp_eth_sync_committee *c, lcp_bytes in, char *err)
{
    static const char *msg = "SyncCommittee";
    lcp_pb_reader r;
    lcp_pb_field f;
    uint32_t seen = 0;
    int rc;
    memset(c, 0, sizeof *c);
    c->message = in;
    lcp_pb_reader_init(&r, in.ptr, in.len);
    while ((rc = NEXT(&r, &f)) == 1) {
        if (f.number == 1) {
            REPEATED(LCP_PB_LEN);
            if (f.bytes.len != 48) return DEC_FAIL("sync committee key of %zu bytes", f.bytes.len);
            if (++c->n_pubkeys > LCP_ETH_MAX_COMMITTEE) return DEC_FAIL("more than %d keys", LCP_ETH_MAX_COMMITTEE);
        } else if (f.number == 2) {
            FIELD(LCP_PB_LEN);
            if ((rc = fixed(c->aggregate_pubkey, 48, &f, msg, "aggregate_pubkey", err)) != LCP_OK) return rc;
        }
    }
    if (rc != LCP_OK) return rc;
    if (!HAS(2)) return DEC_FAIL("SyncCommittee lacks aggregate_pubkey");
    return LCP_OK;
}

const uint8_t *lcp_eth_committee_next(const lcp_eth_sync_committee *c, size_t *pos)
{
    lcp_pb_reader r;
    lcp_pb_field f;
    lcp_pb_reader_init(&r, c->message.ptr, c->message.len);
    r.off = *pos;
    /* the message was validated when decoded: every field reads */
    while (lcp_pb_next(&r, &f, NULL) == 1)
        if (f.number == 1) {
            *pos = r.off;
            return f.bytes.ptr;
        }
    *pos = r.off;
    return NULL;
}

static int decode_sync_aggregate(lcp_eth_consensus_update *u, lcp_bytes in, char *err)
{
    static const char *msg = "SyncAggregate";
    lcp_pb_reader r;
    lcp_pb_field f;
    uint32_t seen = 0;
    int rc;
    lcp_pb_reader_init(&r, in.ptr, in.len);
    while ((rc = NEXT(&r, &f)) == 1) {
        if (f.number == 1) {
            FIELD(LCP_PB_LEN);
            u->sync_committee_bits = f.bytes;
        } else if (f.number == 2) {
            FIELD(LCP_PB_LEN);
            if ((rc = fixed(u->sync_committee_signature, 96, &f, msg, "sync_committee_signature", err)) != LCP_OK)
                return rc;
        }
    }
    if (rc != LCP_OK) return rc;
    if (!HAS(2)) return DEC_FAIL("SyncAggregate lacks its signature");
    return LCP_OK;
}

int lcp_eth_decode_consensus_update(lcp_eth_consensus_update *u, lcp_bytes in, char *err)
{
    static const char *msg = "ConsensusUpdate";
    lcp_pb_reader r;
    lcp_pb_field f;
    uint32_t seen = 0;
    int rc;
    memset(u, 0, sizeof *u);
    lcp_pb_reader_init(&r, in.ptr, in.len);
    while ((rc = NEXT(&r, &f)) == 1) {
        switch (f.number) {
        case 1: FIELD(LCP_PB_LEN); rc = decode_beacon_header(&u->attested_header, f.bytes, err); break;
        case 2: FIELD(LCP_PB_LEN); rc = lcp_eth_decode_sync_committee(&u->next_sync_committee, f.bytes, err); break;
        case 3: REPEATED(LCP_PB_LEN); rc = branch_add(&u->next_sync_committee_branch, &f, msg, err); break;
        case 4: FIELD(LCP_PB_LEN); rc = decode_beacon_header(&u->finalized_header, f.bytes, err); break;
        case 5: REPEATED(LCP_PB_LEN); rc = branch_add(&u->finalized_header_branch, &f, msg, err); break;
        case 6: FIELD(LCP_PB_LEN); rc = fixed(u->finalized_execution_root, 32, &f, msg, "finalized_execution_root", err); break;
        case 7: REPEATED(LCP_PB_LEN); rc = branch_add(&u->finalized_execution_branch, &f, msg, err); break;
        case 8: FIELD(LCP_PB_LEN); rc = decode_sync_aggregate(u, f.bytes, err); break;
        case 9: FIELD(LCP_PB_VARINT); u->signature_slot = f.u; rc = LCP_OK; break;
        default: rc = LCP_OK;
        }
        if (rc != LCP_OK) return rc;
    }
    if (rc != LCP_OK) return rc;
    if (!HAS(1) || !HAS(4) || !HAS(8)) return DEC_FAIL("ConsensusUpdate lacks a header or the sync aggregate");
    if (!HAS(6)) return DEC_FAIL("ConsensusUpdate lacks finalized_execution_root");
    /* ethereum-ibc-rs types.rs: no committee, a committee without keys or without a branch all mean "none" */
    u->has_next = HAS(2) && u->next_sync_committee.n_pubkeys > 0 && u->next_sync_committee_branch.n > 0;
    if (!u->has_next) {
        memset(&u->next_sync_committee, 0, sizeof u->next_sync_committee);
        u->next_sync_committee_branch.n = 0;
    }
    return LCP_OK;
}

int lcp_eth_decode_execution_update(lcp_eth_execution_update *e, lcp_bytes in, char *err)
{
    static const char *msg = "ExecutionUpdate";
    lcp_pb_reader r;
    lcp_pb_field f;
    uint32_t seen = 0;
    int rc;
    memset(e, 0, sizeof *e);
    lcp_pb_reader_init(&r, in.ptr, in.len);
    while ((rc = NEXT(&r, &f)) == 1) {
        switch (f.number) {
        case 1: FIELD(LCP_PB_LEN); rc = fixed(e->state_root, 32, &f, msg, "state_root", err); break;
        case 2: REPEATED(LCP_PB_LEN); rc = branch_add(&e->state_root_branch, &f, msg, err); break;
        case 3: FIELD(LCP_PB_VARINT); e->block_number = f.u; rc = LCP_OK; break;
        case 4: REPEATED(LCP_PB_LEN); rc = branch_add(&e->block_number_branch, &f, msg, err); break;
        default: rc = LCP_OK;
        }
        if (rc != LCP_OK) return rc;
    }
    if (rc != LCP_OK) return rc;
    if (!HAS(1)) return DEC_FAIL("ExecutionUpdate lacks state_root");
    return LCP_OK;
}

static int decode_account_update(lcp_eth_header *h, lcp_bytes in, char *err)
{
    static const char *msg = "AccountUpdate";
    lcp_pb_reader r;
    lcp_pb_field f;
    uint32_t seen = 0;
    int rc;
    lcp_pb_reader_init(&r, in.ptr, in.len);
    while ((rc = NEXT(&r, &f)) == 1) {
        if (f.number == 1) {
            FIELD(LCP_PB_LEN);
            h->account_proof = f.bytes;
        } else if (f.number == 2) {
            FIELD(LCP_PB_LEN);
            if ((rc = fixed(h->account_storage_root, 32, &f, msg, "account_storage_root", err)) != LCP_OK) return rc;
        }
    }
    if (rc != LCP_OK) return rc;
    if (!HAS(2)) return DEC_FAIL("AccountUpdate lacks account_storage_root");
    return LCP_OK;
}

static int decode_trusted(lcp_eth_trusted_committee *t, lcp_bytes in, char *err)
{
    static const char *msg = "TrustedSyncCommittee";
    lcp_pb_reader r;
    lcp_pb_field f;
    uint32_t seen = 0;
    int rc;
    memset(t, 0, sizeof *t);
    lcp_pb_reader_init(&r, in.ptr, in.len);
    while ((rc = NEXT(&r, &f)) == 1) {
        switch (f.number) {
        case 1: FIELD(LCP_PB_LEN); rc = decode_height(&t->trusted_height, f.bytes, err); break;
        case 2: FIELD(LCP_PB_LEN); rc = lcp_eth_decode_sync_committee(&t->sync_committee, f.bytes, err); break;
        case 3:
            FIELD(LCP_PB_VARINT);
            if (f.u > 1) return DEC_FAIL("is_next is not a bool");
            t->is_next = (int)f.u;
            rc = LCP_OK;
            break;
        default: rc = LCP_OK;
        }
        if (rc != LCP_OK) return rc;
    }
    if (rc != LCP_OK) return rc;
    if (!HAS(1) || !HAS(2)) return DEC_FAIL("TrustedSyncCommittee lacks its height or committee");
    if (t->trusted_height.revision_height == 0) return DEC_FAIL("trusted height is 0");
    return LCP_OK;
}

int lcp_eth_decode_header(lcp_eth_header *h, const uint8_t *in, size_t len, char *err)
{
    static const char *msg = "Header";
    lcp_pb_reader r;
    lcp_pb_field f;
    uint32_t seen = 0;
    int rc;
    memset(h, 0, sizeof *h);
    lcp_pb_reader_init(&r, in, len);
    while ((rc = NEXT(&r, &f)) == 1) {
        switch (f.number) {
        case 1: FIELD(LCP_PB_LEN); rc = decode_trusted(&h->trusted, f.bytes, err); break;
        case 2: FIELD(LCP_PB_LEN); rc = lcp_eth_decode_consensus_update(&h->consensus_update, f.bytes, err); break;
        case 3: FIELD(LCP_PB_LEN); rc = lcp_eth_decode_execution_update(&h->execution_update, f.bytes, err); break;
        case 4: FIELD(LCP_PB_LEN); rc = decode_account_update(h, f.bytes, err); break;
        case 5: FIELD(LCP_PB_VARINT); h->timestamp = f.u; rc = LCP_OK; break;
        default: rc = LCP_OK;
        }
        if (rc != LCP_OK) return rc;
    }
    if (rc != LCP_OK) return rc;
    if (!HAS(1) || !HAS(2) || !HAS(3) || !HAS(4)) return DEC_FAIL("Header lacks a sub-message");
    /* Header::height() runs first in ethereum-elc and unwraps Height::new(0, 0) */
    if (h->execution_update.block_number == 0) return DEC_FAIL("execution block number is 0");
    return LCP_OK;
}

int lcp_eth_decode_misbehaviour(lcp_eth_misbehaviour *m, int kind, const uint8_t *in, size_t len, char *err)
{
    static const char *msg = "Misbehaviour";
    lcp_pb_reader r;
    lcp_pb_field f;
    uint32_t seen = 0;
    int rc;
    memset(m, 0, sizeof *m);
    m->kind = kind;
    lcp_pb_reader_init(&r, in, len);
    while ((rc = NEXT(&r, &f)) == 1) {
        switch (f.number) {
        case 1: FIELD(LCP_PB_LEN); m->client_id = f.bytes; rc = LCP_OK; break;
        case 2: FIELD(LCP_PB_LEN); rc = decode_trusted(&m->trusted, f.bytes, err); break;
        case 3: FIELD(LCP_PB_LEN); rc = lcp_eth_decode_consensus_update(&m->update_1, f.bytes, err); break;
        case 4: FIELD(LCP_PB_LEN); rc = lcp_eth_decode_consensus_update(&m->update_2, f.bytes, err); break;
        default: rc = LCP_OK;
        }
        if (rc != LCP_OK) return rc;
    }
    if (rc != LCP_OK) return rc;
    if (!HAS(1) || !HAS(2) || !HAS(3) || !HAS(4)) return DEC_FAIL("Misbehaviour lacks a field");
    return LCP_OK;
}
