/* Decoding of ibc.lightclients.ethereum.v1 messages (field numbers: spec sheet ethereum.md §10; proto in
 * proto/ibc_lightclients_ethereum.proto) into borrowed views, with ethereum-ibc-rs's decode-time rules. Where Rust
 * panics (a root or branch node that is not 32 bytes, a version that is not 4, fewer than N keys) this returns
 * LCP_ERR_ETH_DECODE. Each message is one table read by lcp_pb_decode (lcp/codec_pb.h): singular fields may occur
 * once (prost would merge repeats; no encoder sends them), unknown fields are skipped as prost skips them, and a
 * missing sub-message Rust cannot do without is "<message>: no <field>". The callbacks below hold what a table
 * cannot say: fixed lengths, ranges, counts. */
#include <string.h>

#include "lcp/codec_pb.h"
#include "lcp/elc_ethereum.h"

#define DEC_FAIL(...) lcp_fail(err, LCP_ERR_ETH_DECODE, __VA_ARGS__)
/* Every table here: the Ethereum decode error, singular fields at most once. */
#define ETH_DESC(name, fields, check) LCP_PB_DESC(name, LCP_ERR_ETH_DECODE, LCP_PB_ONCE, fields, check)
#define REQ .flags = LCP_PB_F_REQUIRED
#define REP .flags = LCP_PB_F_REPEATED

/* ---- field callbacks ---- */

static int fixed(uint8_t *out, size_t n, const lcp_pb_field *f, const char *msg, const char *name, char *err)
{
    if (f->bytes.len != n) return DEC_FAIL("%s.%s is %zu bytes, not %zu", msg, name, f->bytes.len, n);
    memcpy(out, f->bytes.ptr, n);
    return LCP_OK;
}

/* A bytes field of exactly n bytes into a uint8_t[n] (its name in the error as "Msg.field"). */
#define FIXED_FN(fn, n, msg, name) \
    static int fn(void *dst, const lcp_pb_field *f, char *err) { return fixed(dst, (n), f, (msg), (name), err); }
#define FIXED(num, T, m, fn, ...) LCP_PB_FN(num, LCP_PB_LEN, T, m, fn, __VA_ARGS__)

static int branch_add(lcp_eth_branch *b, const lcp_pb_field *f, const char *msg, char *err)
{
    if (f->bytes.len != 32) return DEC_FAIL("%s: branch node of %zu bytes", msg, f->bytes.len);
    if (b->n >= LCP_ETH_MAX_BRANCH) return DEC_FAIL("%s: branch longer than %d", msg, LCP_ETH_MAX_BRANCH);
    b->item[b->n++] = f->bytes.ptr;
    return LCP_OK;
}
static int cu_branch(void *dst, const lcp_pb_field *f, char *err) { return branch_add(dst, f, "ConsensusUpdate", err); }
static int eu_branch(void *dst, const lcp_pb_field *f, char *err) { return branch_add(dst, f, "ExecutionUpdate", err); }

static int decode_height(lcp_height *h, lcp_bytes in, char *err)
{
    int rc = lcp_pb_decode_height(&h->revision_number, &h->revision_height, in.ptr, in.len, err);
    return rc == LCP_OK ? LCP_OK : lcp_fail_ctx(err, LCP_ERR_ETH_DECODE, "Height");
}
static int height_fn(void *dst, const lcp_pb_field *f, char *err) { return decode_height(dst, f->bytes, err); }

/* google.protobuf.Duration and Timestamp share {1 seconds int64, 2 nanos int32}; ethereum-ibc-rs refuses negative
 * parts of either (core::time::Duration; ibc Timestamp from a prost Timestamp). */
typedef struct {
    int64_t seconds;
    int32_t nanos;
} seconds_nanos;
static const lcp_pb_fdesc seconds_nanos_fields[] = {
    LCP_PB_I64(1, seconds_nanos, seconds),
    LCP_PB_I32(2, seconds_nanos, nanos),
};
static const lcp_pb_desc duration_desc = ETH_DESC("Duration", seconds_nanos_fields, NULL);
static const lcp_pb_desc timestamp_desc = ETH_DESC("Timestamp", seconds_nanos_fields, NULL);

static int decode_seconds_nanos(lcp_eth_duration *d, lcp_bytes in, const lcp_pb_desc *desc, char *err)
{
    seconds_nanos t = {0, 0};
    int rc = lcp_pb_decode(desc, &t, in.ptr, in.len, err);
    if (rc != LCP_OK) return rc;
    if (t.seconds < 0 || t.nanos < 0 || t.nanos > 999999999) return DEC_FAIL("%s is negative or out of range", desc->name);
    d->seconds = (uint64_t)t.seconds;
    d->nanos = (uint32_t)t.nanos;
    return LCP_OK;
}
static int duration_fn(void *dst, const lcp_pb_field *f, char *err)
{
    return decode_seconds_nanos(dst, f->bytes, &duration_desc, err);
}

/* google.protobuf.Timestamp into an ibc Timestamp (unix ns). */
static int timestamp_fn(void *dst, const lcp_pb_field *f, char *err)
{
    lcp_eth_duration t = {0, 0};
    int rc = decode_seconds_nanos(&t, f->bytes, &timestamp_desc, err);
    if (rc != LCP_OK) return rc;
    if (t.seconds > (UINT64_MAX - t.nanos) / 1000000000u) return DEC_FAIL("Timestamp is beyond u64 nanoseconds");
    uint64_t ns = t.seconds * 1000000000u + t.nanos;
    memcpy(dst, &ns, sizeof ns);
    return LCP_OK;
}

/* ---- ClientState ---- */

/* ForkSpec's six gindex fields are u32 in Rust. */
static int fork_spec_u32(void *dst, const lcp_pb_field *f, char *err)
{
    if (f->u > UINT32_MAX) return DEC_FAIL("ForkSpec field %u exceeds u32", (unsigned)f->number);
    uint32_t v = (uint32_t)f->u;
    memcpy(dst, &v, sizeof v);
    return LCP_OK;
}
#define FORK_SPEC(n, m) LCP_PB_FN(n, LCP_PB_VARINT, lcp_eth_fork_spec, m, fork_spec_u32)
static const lcp_pb_fdesc fork_spec_fields[] = {
    FORK_SPEC(1, finalized_root),     FORK_SPEC(2, current_sync_committee), FORK_SPEC(3, next_sync_committee),
    FORK_SPEC(4, execution_payload),  FORK_SPEC(5, execution_state_root),   FORK_SPEC(6, execution_block_number),
};
static const lcp_pb_desc fork_spec_desc = ETH_DESC("ForkSpec", fork_spec_fields, NULL);

/* An absent version is empty bytes, which Rust's 4-byte Version refuses; a missing spec is an error. */
FIXED_FN(fork_version, 4, "Fork", "version")
static const lcp_pb_fdesc fork_fields[] = {
    FIXED(1, lcp_eth_fork_param, version, fork_version, REQ, .name = "version"),
    LCP_PB_U64(2, lcp_eth_fork_param, epoch),
    LCP_PB_MSG(3, lcp_eth_fork_param, spec, &fork_spec_desc, REQ, .name = "spec"),
};
static const lcp_pb_desc fork_desc = ETH_DESC("Fork", fork_fields, NULL);

static int fork_add(void *dst, const lcp_pb_field *f, char *err)
{
    lcp_eth_client_state *cs = dst;
    if (cs->n_forks >= LCP_ETH_MAX_FORKS) return DEC_FAIL("more than %d forks", LCP_ETH_MAX_FORKS);
    int rc = lcp_pb_decode(&fork_desc, &cs->forks[cs->n_forks], f->bytes.ptr, f->bytes.len, err);
    if (rc == LCP_OK) cs->n_forks++;
    return rc;
}

/* ethereum-light-client-rs ForkParameters::validate: non-empty, epochs never decrease. */
static int check_fork_parameters(void *dst, char *err)
{
    const lcp_eth_client_state *cs = dst;
    if (cs->n_forks == 0) return DEC_FAIL("ForkParameters has no forks");
    for (size_t i = 1; i < cs->n_forks; i++)
        if (cs->forks[i].epoch < cs->forks[i - 1].epoch) return DEC_FAIL("fork epochs decrease at fork %zu", i);
    return LCP_OK;
}

#define CS lcp_eth_client_state
FIXED_FN(genesis_fork_version, 4, "ForkParameters", "genesis_fork_version")
/* ForkParameters is read into the client state itself (off 0 of the parent). */
static const lcp_pb_fdesc fork_parameters_fields[] = {
    FIXED(1, CS, genesis_fork_version, genesis_fork_version, REQ, .name = "genesis_fork_version"),
    {.number = 2, .kind = LCP_PB_K_FN, .wire = LCP_PB_LEN, .flags = LCP_PB_F_REPEATED, .off = 0, .fn = fork_add},
};
static const lcp_pb_desc fork_parameters_desc = ETH_DESC("ForkParameters", fork_parameters_fields, check_fork_parameters);

static int fraction_fn(void *dst, const lcp_pb_field *f, char *err)
{
    lcp_eth_client_state *cs = dst;
    uint64_t num = 0, den = 0;
    if (lcp_pb_decode_height(&num, &den, f->bytes.ptr, f->bytes.len, err) != LCP_OK) return DEC_FAIL("malformed Fraction");
    if (den == 0 || num > den) return DEC_FAIL("trust level %llu/%llu is not a fraction in [0, 1]",
                                               (unsigned long long)num, (unsigned long long)den);
    cs->trust_numerator = num;
    cs->trust_denominator = den;
    return LCP_OK;
}

static int frozen_height_fn(void *dst, const lcp_pb_field *f, char *err)
{
    lcp_eth_client_state *cs = dst;
    int rc = decode_height(&cs->frozen_height, f->bytes, err);
    if (rc == LCP_OK && cs->frozen_height.revision_height == 0) rc = DEC_FAIL("frozen_height has height 0");
    cs->frozen = 1;
    return rc;
}

/* ethereum-ibc-rs ClientState::validate (run on create and on every new state). */
static int cs_validate(void *dst, char *err)
{
    const lcp_eth_client_state *cs = dst;
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

/* A missing H256 or address is an empty slice to Rust, which it refuses (or panics on). */
FIXED_FN(cs_root, 32, "ClientState", "genesis_validators_root")
FIXED_FN(cs_address, 20, "ClientState", "ibc_address")
FIXED_FN(cs_slot, 32, "ClientState", "ibc_commitments_slot")
static const lcp_pb_fdesc client_state_fields[] = {
    FIXED(1, CS, genesis_validators_root, cs_root, REQ, .name = "genesis_validators_root"),
    LCP_PB_U64(2, CS, min_sync_committee_participants),
    LCP_PB_U64(3, CS, genesis_time),
    {.number = 4, .kind = LCP_PB_K_MSG, .off = 0, .sub = &fork_parameters_desc, REQ, .name = "fork_parameters"},
    LCP_PB_U64(5, CS, seconds_per_slot),
    LCP_PB_U64(6, CS, slots_per_epoch),
    LCP_PB_U64(7, CS, epochs_per_sync_committee_period),
    FIXED(8, CS, ibc_address, cs_address, REQ, .name = "ibc_address"),
    FIXED(9, CS, ibc_commitments_slot, cs_slot, REQ, .name = "ibc_commitments_slot"),
    {.number = 10, .kind = LCP_PB_K_FN, .wire = LCP_PB_LEN, .off = 0, .fn = fraction_fn, REQ, .name = "trust_level"},
    LCP_PB_FN(11, LCP_PB_LEN, CS, trusting_period, duration_fn, REQ, .name = "trusting_period"),
    LCP_PB_FN(12, LCP_PB_LEN, CS, max_clock_drift, duration_fn),
    LCP_PB_U64(13, CS, latest_execution_block_number),
    {.number = 14, .kind = LCP_PB_K_FN, .wire = LCP_PB_LEN, .off = 0, .fn = frozen_height_fn},
};
#undef CS
static const lcp_pb_desc client_state_desc = ETH_DESC("ClientState", client_state_fields, cs_validate);

int lcp_eth_decode_client_state(lcp_eth_client_state *cs, const uint8_t *in, size_t len, char *err)
{
    memset(cs, 0, sizeof *cs);
    return lcp_pb_decode(&client_state_desc, cs, in, len, err);
}

/* ---- ConsensusState ---- */

/* ConsensusState::validate */
static int check_consensus_state(void *dst, char *err)
{
    const lcp_eth_consensus_state *c = dst;
    if (c->slot == 0 || c->timestamp_ns == 0) return lcp_fail(err, LCP_ERR_ETH_STATE, "consensus state slot or timestamp is 0");
    if (lcp_is_zero(c->current_sync_committee, 48) || lcp_is_zero(c->next_sync_committee, 48))
        return lcp_fail(err, LCP_ERR_ETH_STATE, "consensus state has a zero aggregate key");
    return LCP_OK;
}

#define CONS lcp_eth_consensus_state
FIXED_FN(cons_storage_root, 32, "ConsensusState", "storage_root")
FIXED_FN(cons_current, 48, "ConsensusState", "current_sync_committee")
FIXED_FN(cons_next, 48, "ConsensusState", "next_sync_committee")
static const lcp_pb_fdesc consensus_state_fields[] = {
    LCP_PB_U64(1, CONS, slot),
    FIXED(2, CONS, storage_root, cons_storage_root, REQ, .name = "storage_root"),
    LCP_PB_FN(3, LCP_PB_LEN, CONS, timestamp_ns, timestamp_fn, REQ, .name = "timestamp"),
    FIXED(4, CONS, current_sync_committee, cons_current, REQ, .name = "current_sync_committee"),
    FIXED(5, CONS, next_sync_committee, cons_next, REQ, .name = "next_sync_committee"),
};
#undef CONS
static const lcp_pb_desc consensus_state_desc = ETH_DESC("ConsensusState", consensus_state_fields, check_consensus_state);

int lcp_eth_decode_consensus_state(lcp_eth_consensus_state *c, const uint8_t *in, size_t len, char *err)
{
    memset(c, 0, sizeof *c);
    return lcp_pb_decode(&consensus_state_desc, c, in, len, err);
}

/* ---- Header ---- */

#define BH lcp_eth_beacon_header
FIXED_FN(bh_parent, 32, "BeaconBlockHeader", "parent_root")
FIXED_FN(bh_state, 32, "BeaconBlockHeader", "state_root")
FIXED_FN(bh_body, 32, "BeaconBlockHeader", "body_root")
static const lcp_pb_fdesc beacon_header_fields[] = {
    LCP_PB_U64(1, BH, slot),
    LCP_PB_U64(2, BH, proposer_index),
    FIXED(3, BH, parent_root, bh_parent, REQ, .name = "parent_root"),
    FIXED(4, BH, state_root, bh_state, REQ, .name = "state_root"),
    FIXED(5, BH, body_root, bh_body, REQ, .name = "body_root"),
};
#undef BH
static const lcp_pb_desc beacon_header_desc = ETH_DESC("BeaconBlockHeader", beacon_header_fields, NULL);

/* Each key is checked and counted; lcp_eth_committee_next reads them again from the kept message. */
static int committee_key(void *dst, const lcp_pb_field *f, char *err)
{
    size_t *n = dst;
    if (f->bytes.len != 48) return DEC_FAIL("sync committee key of %zu bytes", f->bytes.len);
    if (++*n > LCP_ETH_MAX_COMMITTEE) return DEC_FAIL("more than %d keys", LCP_ETH_MAX_COMMITTEE);
    return LCP_OK;
}

FIXED_FN(sc_aggregate, 48, "SyncCommittee", "aggregate_pubkey")
static const lcp_pb_fdesc sync_committee_fields[] = {
    LCP_PB_FN(1, LCP_PB_LEN, lcp_eth_sync_committee, n_pubkeys, committee_key, REP),
    FIXED(2, lcp_eth_sync_committee, aggregate_pubkey, sc_aggregate, REQ, .name = "aggregate_pubkey"),
};
static const lcp_pb_desc sync_committee_desc = ETH_DESC("SyncCommittee", sync_committee_fields, NULL);

int lcp_eth_decode_sync_committee(lcp_eth_sync_committee *c, lcp_bytes in, char *err)
{
    memset(c, 0, sizeof *c);
    c->message = in;
    return lcp_pb_decode(&sync_committee_desc, c, in.ptr, in.len, err);
}

static int sync_committee_fn(void *dst, const lcp_pb_field *f, char *err)
{
    return lcp_eth_decode_sync_committee(dst, f->bytes, err);
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

#define CU lcp_eth_consensus_update
/* SyncAggregate is read into the update itself (off 0 of the parent). */
FIXED_FN(sa_signature, 96, "SyncAggregate", "sync_committee_signature")
static const lcp_pb_fdesc sync_aggregate_fields[] = {
    LCP_PB_BYTES(1, CU, sync_committee_bits),
    FIXED(2, CU, sync_committee_signature, sa_signature, REQ, .name = "sync_committee_signature"),
};
static const lcp_pb_desc sync_aggregate_desc = ETH_DESC("SyncAggregate", sync_aggregate_fields, NULL);

/* ethereum-ibc-rs types.rs: no committee, a committee without keys or without a branch all mean "none". */
static int check_consensus_update(void *dst, char *err)
{
    (void)err;
    lcp_eth_consensus_update *u = dst;
    u->has_next = u->next_sync_committee.n_pubkeys > 0 && u->next_sync_committee_branch.n > 0;
    if (!u->has_next) {
        memset(&u->next_sync_committee, 0, sizeof u->next_sync_committee);
        u->next_sync_committee_branch.n = 0;
    }
    return LCP_OK;
}

FIXED_FN(cu_execution_root, 32, "ConsensusUpdate", "finalized_execution_root")
static const lcp_pb_fdesc consensus_update_fields[] = {
    LCP_PB_MSG(1, CU, attested_header, &beacon_header_desc, REQ, .name = "attested_header"),
    LCP_PB_FN(2, LCP_PB_LEN, CU, next_sync_committee, sync_committee_fn),
    LCP_PB_FN(3, LCP_PB_LEN, CU, next_sync_committee_branch, cu_branch, REP),
    LCP_PB_MSG(4, CU, finalized_header, &beacon_header_desc, REQ, .name = "finalized_header"),
    LCP_PB_FN(5, LCP_PB_LEN, CU, finalized_header_branch, cu_branch, REP),
    FIXED(6, CU, finalized_execution_root, cu_execution_root, REQ, .name = "finalized_execution_root"),
    LCP_PB_FN(7, LCP_PB_LEN, CU, finalized_execution_branch, cu_branch, REP),
    {.number = 8, .kind = LCP_PB_K_MSG, .off = 0, .sub = &sync_aggregate_desc, REQ, .name = "sync_aggregate"},
    LCP_PB_U64(9, CU, signature_slot),
};
#undef CU
static const lcp_pb_desc consensus_update_desc = ETH_DESC("ConsensusUpdate", consensus_update_fields,
                                                          check_consensus_update);

int lcp_eth_decode_consensus_update(lcp_eth_consensus_update *u, lcp_bytes in, char *err)
{
    memset(u, 0, sizeof *u);
    return lcp_pb_decode(&consensus_update_desc, u, in.ptr, in.len, err);
}

static int consensus_update_fn(void *dst, const lcp_pb_field *f, char *err)
{
    return lcp_eth_decode_consensus_update(dst, f->bytes, err);
}

#define EU lcp_eth_execution_update
FIXED_FN(eu_state_root, 32, "ExecutionUpdate", "state_root")
static const lcp_pb_fdesc execution_update_fields[] = {
    FIXED(1, EU, state_root, eu_state_root, REQ, .name = "state_root"),
    LCP_PB_FN(2, LCP_PB_LEN, EU, state_root_branch, eu_branch, REP),
    LCP_PB_U64(3, EU, block_number),
    LCP_PB_FN(4, LCP_PB_LEN, EU, block_number_branch, eu_branch, REP),
};
#undef EU
static const lcp_pb_desc execution_update_desc = ETH_DESC("ExecutionUpdate", execution_update_fields, NULL);

int lcp_eth_decode_execution_update(lcp_eth_execution_update *e, lcp_bytes in, char *err)
{
    memset(e, 0, sizeof *e);
    return lcp_pb_decode(&execution_update_desc, e, in.ptr, in.len, err);
}

static int execution_update_fn(void *dst, const lcp_pb_field *f, char *err)
{
    return lcp_eth_decode_execution_update(dst, f->bytes, err);
}

static int is_next_fn(void *dst, const lcp_pb_field *f, char *err)
{
    if (f->u > 1) return DEC_FAIL("is_next is not a bool");
    int v = (int)f->u;
    memcpy(dst, &v, sizeof v);
    return LCP_OK;
}

static int check_trusted(void *dst, char *err)
{
    const lcp_eth_trusted_committee *t = dst;
    if (t->trusted_height.revision_height == 0) return DEC_FAIL("trusted height is 0");
    return LCP_OK;
}

#define TC lcp_eth_trusted_committee
static const lcp_pb_fdesc trusted_fields[] = {
    LCP_PB_FN(1, LCP_PB_LEN, TC, trusted_height, height_fn, REQ, .name = "trusted_height"),
    LCP_PB_FN(2, LCP_PB_LEN, TC, sync_committee, sync_committee_fn, REQ, .name = "sync_committee"),
    LCP_PB_FN(3, LCP_PB_VARINT, TC, is_next, is_next_fn),
};
#undef TC
static const lcp_pb_desc trusted_desc = ETH_DESC("TrustedSyncCommittee", trusted_fields, check_trusted);

#define HD lcp_eth_header
/* AccountUpdate is read into the header itself (off 0 of the parent). */
FIXED_FN(au_storage_root, 32, "AccountUpdate", "account_storage_root")
static const lcp_pb_fdesc account_update_fields[] = {
    LCP_PB_BYTES(1, HD, account_proof),
    FIXED(2, HD, account_storage_root, au_storage_root, REQ, .name = "account_storage_root"),
};
static const lcp_pb_desc account_update_desc = ETH_DESC("AccountUpdate", account_update_fields, NULL);

/* Header::height() runs first in ethereum-elc and unwraps Height::new(0, 0). */
static int check_header(void *dst, char *err)
{
    const lcp_eth_header *h = dst;
    if (h->execution_update.block_number == 0) return DEC_FAIL("execution block number is 0");
    return LCP_OK;
}

static const lcp_pb_fdesc header_fields[] = {
    LCP_PB_MSG(1, HD, trusted, &trusted_desc, REQ, .name = "trusted_sync_committee"),
    LCP_PB_FN(2, LCP_PB_LEN, HD, consensus_update, consensus_update_fn, REQ, .name = "consensus_update"),
    LCP_PB_FN(3, LCP_PB_LEN, HD, execution_update, execution_update_fn, REQ, .name = "execution_update"),
    {.number = 4, .kind = LCP_PB_K_MSG, .off = 0, .sub = &account_update_desc, REQ, .name = "account_update"},
    LCP_PB_U64(5, HD, timestamp),
};
#undef HD
static const lcp_pb_desc header_desc = ETH_DESC("Header", header_fields, check_header);

int lcp_eth_decode_header(lcp_eth_header *h, const uint8_t *in, size_t len, char *err)
{
    memset(h, 0, sizeof *h);
    return lcp_pb_decode(&header_desc, h, in, len, err);
}

#define MB lcp_eth_misbehaviour
static const lcp_pb_fdesc misbehaviour_fields[] = {
    LCP_PB_BYTES(1, MB, client_id, REQ, .name = "client_id"),
    LCP_PB_MSG(2, MB, trusted, &trusted_desc, REQ, .name = "trusted_sync_committee"),
    LCP_PB_FN(3, LCP_PB_LEN, MB, update_1, consensus_update_fn, REQ, .name = "consensus_update_1"),
    LCP_PB_FN(4, LCP_PB_LEN, MB, update_2, consensus_update_fn, REQ, .name = "consensus_update_2"),
};
#undef MB
static const lcp_pb_desc misbehaviour_desc = ETH_DESC("Misbehaviour", misbehaviour_fields, NULL);

int lcp_eth_decode_misbehaviour(lcp_eth_misbehaviour *m, int kind, const uint8_t *in, size_t len, char *err)
{
    memset(m, 0, sizeof *m);
    m->kind = kind;
    return lcp_pb_decode(&misbehaviour_desc, m, in, len, err);
}
