/* Decoding of tendermint.types and ibc.lightclients.tendermint.v1 messages into borrowed views
 * (lcp/elc_tendermint.h); field numbers from the proto files (spec sheet tendermint-ics23.md §0-§4.3).
 * Wire-format checks only, plus the ranges every decoder enforces (Timestamp range, enum-free int widths);
 * semantic rules live in tm_validate.c, tm_valset.c and the verifiers. */
#include <string.h>

#include "tm_internal.h"

#define DEC_FAIL(...) lcp_fail(err, LCP_ERR_TM_DECODE, __VA_ARGS__)

/* 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z: the range google.protobuf.Timestamp allows. */
#define TM_MIN_SECONDS (-62135596800LL)
#define TM_MAX_SECONDS 253402300799LL

/* Every table here: Tendermint's error code, singular fields at most once. */
#define TM_DESC(name, fields, check) LCP_PB_DESC(name, LCP_ERR_TM_DECODE, LCP_PB_ONCE, fields, check)

static int check_time(void *dst, char *err)
{
    const lcp_tm_time *t = dst;
    if (t->seconds < TM_MIN_SECONDS || t->seconds > TM_MAX_SECONDS || t->nanos < 0 || t->nanos > 999999999)
        return DEC_FAIL("Timestamp out of range (%lld s, %d ns)", (long long)t->seconds, (int)t->nanos);
    return LCP_OK;
}

/* google.protobuf.Duration; the sign rules are the validator's business (periods must be positive). */
static int check_duration(void *dst, char *err)
{
    const lcp_tm_duration *d = dst;
    /* proto Duration: |seconds| <= 10000 years, |nanos| < 1e9 with the sign of seconds */
    if (d->seconds < -315576000000LL || d->seconds > 315576000000LL || d->nanos <= -1000000000 ||
        d->nanos >= 1000000000 || (d->seconds > 0 && d->nanos < 0) || (d->seconds < 0 && d->nanos > 0))
        return DEC_FAIL("Duration out of range");
    return LCP_OK;
}

static const lcp_pb_fdesc time_fields[] = {
    LCP_PB_I64(1, lcp_tm_time, seconds),
    LCP_PB_I32(2, lcp_tm_time, nanos),
};
static const lcp_pb_desc time_desc = TM_DESC("Timestamp", time_fields, check_time);
static const lcp_pb_desc duration_desc = TM_DESC("Duration", time_fields, check_duration);

/* Messages of two varints, fields 1 and 2 (Height, Consensus version, Fraction); both 0 when absent. */
static const lcp_pb_fdesc height_fields[] = {
    LCP_PB_U64(1, lcp_tm_height, revision_number),
    LCP_PB_U64(2, lcp_tm_height, revision_height),
};
static const lcp_pb_desc height_desc = TM_DESC("Height", height_fields, NULL);
/* Consensus and Fraction are read into the header and the client state themselves (off 0 of the parent). */
static const lcp_pb_fdesc version_fields[] = {
    LCP_PB_U64(1, lcp_tm_header, version_block),
    LCP_PB_U64(2, lcp_tm_header, version_app),
};
static const lcp_pb_desc version_desc = TM_DESC("Consensus", version_fields, NULL);
static const lcp_pb_fdesc fraction_fields[] = {
    LCP_PB_U64(1, lcp_tm_client_state, trust_numerator),
    LCP_PB_U64(2, lcp_tm_client_state, trust_denominator),
};
static const lcp_pb_desc fraction_desc = TM_DESC("Fraction", fraction_fields, NULL);

static const lcp_pb_fdesc part_set_header_fields[] = {
    LCP_PB_U32(1, lcp_tm_block_id, part_set_total),
    LCP_PB_BYTES(2, lcp_tm_block_id, part_set_hash),
};
static const lcp_pb_desc part_set_header_desc = TM_DESC("PartSetHeader", part_set_header_fields, NULL);

static const lcp_pb_fdesc block_id_fields[] = {
    LCP_PB_BYTES(1, lcp_tm_block_id, hash),
    {.number = 2, .kind = LCP_PB_K_MSG, .off = 0, .sub = &part_set_header_desc},
};
static const lcp_pb_desc block_id_desc = TM_DESC("BlockID", block_id_fields, NULL);

#define H lcp_tm_header
static const lcp_pb_fdesc header_fields[] = {
    {.number = 1, .kind = LCP_PB_K_MSG, .off = 0, .sub = &version_desc, LCP_PB_HAS(H, has_version)},
    LCP_PB_BYTES(2, H, chain_id),
    LCP_PB_I64(3, H, height),
    LCP_PB_MSG(4, H, time, &time_desc, LCP_PB_HAS(H, has_time)),
    LCP_PB_MSG(5, H, last_block_id, &block_id_desc),
    LCP_PB_BYTES(6, H, last_commit_hash),
    LCP_PB_BYTES(7, H, data_hash),
    LCP_PB_BYTES(8, H, validators_hash),
    LCP_PB_BYTES(9, H, next_validators_hash),
    LCP_PB_BYTES(10, H, consensus_hash),
    LCP_PB_BYTES(11, H, app_hash),
    LCP_PB_BYTES(12, H, last_results_hash),
    LCP_PB_BYTES(13, H, evidence_hash),
    LCP_PB_BYTES(14, H, proposer_address),
};
#undef H
static const lcp_pb_desc header_desc = TM_DESC("Header", header_fields, NULL);

int lcp_tm_decode_header(lcp_tm_header *out, const uint8_t *in, size_t in_len, char *err)
{
    memset(out, 0, sizeof *out);
    return lcp_pb_decode(&header_desc, out, in, in_len, err);
}

static const lcp_pb_fdesc commit_sig_fields[] = {
    LCP_PB_I32(1, lcp_tm_commit_sig, flag),
    LCP_PB_BYTES(2, lcp_tm_commit_sig, validator_address),
    LCP_PB_MSG(3, lcp_tm_commit_sig, timestamp, &time_desc, LCP_PB_HAS(lcp_tm_commit_sig, has_timestamp)),
    LCP_PB_BYTES(4, lcp_tm_commit_sig, signature),
};
static const lcp_pb_desc commit_sig_desc = TM_DESC("CommitSig", commit_sig_fields, NULL);

int tm_decode_commit_sig(lcp_tm_commit_sig *out, const uint8_t *in, size_t in_len, char *err)
{
    memset(out, 0, sizeof *out);
    return lcp_pb_decode(&commit_sig_desc, out, in, in_len, err);
}

/* Each signature is checked here and counted; the walkers read them again from the kept encoding. */
static int count_commit_sig(void *dst, const lcp_pb_field *f, char *err)
{
    size_t *n_sigs = dst;
    lcp_tm_commit_sig s;
    int rc = tm_decode_commit_sig(&s, f->bytes.ptr, f->bytes.len, err);
    if (rc != LCP_OK) return rc;
    if (++*n_sigs > LCP_TM_MAX_VALIDATORS)
        return lcp_fail(err, LCP_ERR_TM_LIMIT, "Commit: more than %d signatures", LCP_TM_MAX_VALIDATORS);
    return LCP_OK;
}

static const lcp_pb_fdesc commit_fields[] = {
    LCP_PB_I64(1, lcp_tm_commit, height),
    LCP_PB_I32(2, lcp_tm_commit, round),
    LCP_PB_MSG(3, lcp_tm_commit, block_id, &block_id_desc),
    LCP_PB_FN(4, LCP_PB_LEN, lcp_tm_commit, n_sigs, count_commit_sig, .flags = LCP_PB_F_REPEATED),
};
static const lcp_pb_desc commit_desc = TM_DESC("Commit", commit_fields, NULL);

int lcp_tm_decode_commit(lcp_tm_commit *out, const uint8_t *in, size_t in_len, char *err)
{
    memset(out, 0, sizeof *out);
    int rc = lcp_pb_decode(&commit_desc, out, in, in_len, err);
    if (rc != LCP_OK) return rc;
    out->src_.ptr = in;
    out->src_.len = in_len;
    return LCP_OK;
}

static int commit_fn(void *dst, const lcp_pb_field *f, char *err)
{
    return lcp_tm_decode_commit(dst, f->bytes.ptr, f->bytes.len, err);
}

#define SH lcp_tm_signed_header
static const lcp_pb_fdesc signed_header_fields[] = {
    LCP_PB_MSG(1, SH, header, &header_desc, LCP_PB_HAS(SH, has_header), .ctx = "header"),
    LCP_PB_FN(2, LCP_PB_LEN, SH, commit, commit_fn, LCP_PB_HAS(SH, has_commit), .ctx = "commit"),
};
#undef SH
static const lcp_pb_desc signed_header_desc = TM_DESC("SignedHeader", signed_header_fields, NULL);

int lcp_tm_decode_signed_header(lcp_tm_signed_header *out, const uint8_t *in, size_t in_len, char *err)
{
    memset(out, 0, sizeof *out);
    return lcp_pb_decode(&signed_header_desc, out, in, in_len, err);
}

static int signed_header_fn(void *dst, const lcp_pb_field *f, char *err)
{
    return lcp_tm_decode_signed_header(dst, f->bytes.ptr, f->bytes.len, err);
}

/* LightBlock's signed header goes where the caller points. */
typedef struct {
    lcp_tm_signed_header *sh;
    lcp_bytes valset;
} light_block;

static int light_block_sh(void *dst, const lcp_pb_field *f, char *err)
{
    return signed_header_fn(*(lcp_tm_signed_header **)dst, f, err);
}

static const lcp_pb_fdesc light_block_fields[] = {
    LCP_PB_FN(1, LCP_PB_LEN, light_block, sh, light_block_sh, .flags = LCP_PB_F_REQUIRED, .name = "signed header"),
    LCP_PB_BYTES(2, light_block, valset),
};
static const lcp_pb_desc light_block_desc = TM_DESC("LightBlock", light_block_fields, NULL);

int lcp_tm_decode_light_block(lcp_tm_signed_header *sh, lcp_bytes *valset, const uint8_t *in, size_t in_len,
                              char *err)
{
    light_block lb = {sh, {NULL, 0}};
    memset(sh, 0, sizeof *sh);
    int rc = lcp_pb_decode(&light_block_desc, &lb, in, in_len, err);
    *valset = lb.valset;
    return rc;
}

void tm_sig_iter_init(tm_sig_iter *it, const lcp_tm_commit *c)
{
    it->c = c;
    it->last.ptr = NULL;
    it->last.len = 0;
    lcp_pb_reader_init(&it->r, c->src_.ptr, c->src_.len);
}

int tm_sig_iter_next(tm_sig_iter *it, lcp_tm_commit_sig *sig)
{
    lcp_pb_field f;
    while (lcp_pb_next(&it->r, &f, NULL) == 1)
        if (f.number == 4) {
            it->last = f.bytes;
            return tm_decode_commit_sig(sig, f.bytes.ptr, f.bytes.len, NULL) == LCP_OK;
        }
    return 0;
}

int lcp_tm_commit_sig_at(lcp_tm_commit_sig *sig, const lcp_tm_commit *c, size_t i)
{
    LCP_ARG_CHECK(i < c->n_sigs);
    tm_sig_iter it;
    tm_sig_iter_init(&it, c);
    for (size_t k = 0; k <= i; k++)
        if (!tm_sig_iter_next(&it, sig)) return LCP_ERR_TM_DECODE;
    return LCP_OK;
}

/* ---- ibc.lightclients.tendermint.v1 ---- */

#define IH lcp_tm_ibc_header
static const lcp_pb_fdesc ibc_header_fields[] = {
    LCP_PB_FN(1, LCP_PB_LEN, IH, signed_header, signed_header_fn, LCP_PB_HAS(IH, has_signed_header)),
    LCP_PB_BYTES(2, IH, validator_set, LCP_PB_HAS(IH, has_validator_set)),
    LCP_PB_MSG(3, IH, trusted_height, &height_desc, LCP_PB_HAS(IH, has_trusted_height)),
    LCP_PB_BYTES(4, IH, trusted_validators, LCP_PB_HAS(IH, has_trusted_validators)),
};
#undef IH
static const lcp_pb_desc ibc_header_desc = TM_DESC("Header", ibc_header_fields, NULL);

int lcp_tm_decode_ibc_header(lcp_tm_ibc_header *out, const uint8_t *in, size_t in_len, char *err)
{
    memset(out, 0, sizeof *out);
    return lcp_pb_decode(&ibc_header_desc, out, in, in_len, err);
}

#define CS lcp_tm_client_state
static const lcp_pb_fdesc client_state_fields[] = {
    LCP_PB_BYTES(1, CS, chain_id),
    {.number = 2, .kind = LCP_PB_K_MSG, .off = 0, .sub = &fraction_desc, LCP_PB_HAS(CS, has_trust_level)},
    LCP_PB_MSG(3, CS, trusting_period, &duration_desc, LCP_PB_HAS(CS, has_trusting_period)),
    LCP_PB_MSG(4, CS, unbonding_period, &duration_desc, LCP_PB_HAS(CS, has_unbonding_period)),
    LCP_PB_MSG(5, CS, max_clock_drift, &duration_desc, LCP_PB_HAS(CS, has_max_clock_drift)),
    LCP_PB_MSG(6, CS, frozen_height, &height_desc, LCP_PB_HAS(CS, has_frozen_height)),
    LCP_PB_MSG(7, CS, latest_height, &height_desc, LCP_PB_HAS(CS, has_latest_height)),
    LCP_PB_BYTES_ARRAY(8, CS, proof_specs, n_proof_specs, .cap_code = LCP_ERR_TM_LIMIT),
    LCP_PB_BYTES_ARRAY(9, CS, upgrade_path, n_upgrade_path, .cap_code = LCP_ERR_TM_LIMIT),
    LCP_PB_BOOL(10, CS, allow_update_after_expiry),
    LCP_PB_BOOL(11, CS, allow_update_after_misbehaviour),
};
#undef CS
static const lcp_pb_desc client_state_desc = TM_DESC("ClientState", client_state_fields, NULL);

int lcp_tm_decode_client_state(lcp_tm_client_state *out, const uint8_t *in, size_t in_len, char *err)
{
    memset(out, 0, sizeof *out);
    return lcp_pb_decode(&client_state_desc, out, in, in_len, err);
}

static const lcp_pb_fdesc merkle_root_fields[] = {
    {.number = 1, .kind = LCP_PB_K_BYTES, .off = 0}, /* MerkleRoot {1 hash} read into the lcp_bytes itself */
};
static const lcp_pb_desc merkle_root_desc = TM_DESC("MerkleRoot", merkle_root_fields, NULL);

#define CO lcp_tm_consensus_state
static const lcp_pb_fdesc consensus_state_fields[] = {
    LCP_PB_MSG(1, CO, timestamp, &time_desc, LCP_PB_HAS(CO, has_timestamp)),
    LCP_PB_MSG(2, CO, root, &merkle_root_desc),
    LCP_PB_BYTES(3, CO, next_validators_hash),
};
#undef CO
static const lcp_pb_desc consensus_state_desc = TM_DESC("ConsensusState", consensus_state_fields, NULL);

int lcp_tm_decode_consensus_state(lcp_tm_consensus_state *out, const uint8_t *in, size_t in_len, char *err)
{
    memset(out, 0, sizeof *out);
    return lcp_pb_decode(&consensus_state_desc, out, in, in_len, err);
}

static int ibc_header_fn(void *dst, const lcp_pb_field *f, char *err)
{
    return lcp_tm_decode_ibc_header(dst, f->bytes.ptr, f->bytes.len, err);
}

#define MB lcp_tm_misbehaviour
static const lcp_pb_fdesc misbehaviour_fields[] = {
    LCP_PB_BYTES(1, MB, client_id),
    LCP_PB_FN(2, LCP_PB_LEN, MB, header_1, ibc_header_fn, LCP_PB_HAS(MB, has_header_1), .ctx = "header_1"),
    LCP_PB_FN(3, LCP_PB_LEN, MB, header_2, ibc_header_fn, LCP_PB_HAS(MB, has_header_2), .ctx = "header_2"),
};
#undef MB
static const lcp_pb_desc misbehaviour_desc = TM_DESC("Misbehaviour", misbehaviour_fields, NULL);

int lcp_tm_decode_misbehaviour(lcp_tm_misbehaviour *out, const uint8_t *in, size_t in_len, char *err)
{
    memset(out, 0, sizeof *out);
    return lcp_pb_decode(&misbehaviour_desc, out, in, in_len, err);
}
