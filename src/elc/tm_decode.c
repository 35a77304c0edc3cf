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

/* The shared protobuf rules (codec_pb) with the Tendermint error code. */
#define I32(dst)                                                                                \
    do {                                                                                        \
        int32_t v_;                                                                             \
        if ((rc = lcp_pb_get_int32(&v_, &f, LCP_ERR_TM_DECODE, NULL, err)) != LCP_OK) return rc; \
        (dst) = v_;                                                                             \
    } while (0)
#define next(r, f, err) lcp_pb_next_as(r, f, LCP_ERR_TM_DECODE, err)
#define wire(f, wt, msg, err) lcp_pb_want_wire(f, wt, LCP_ERR_TM_DECODE, msg, err)
/* Checks the field is new and of the expected wire type. */
#define FIELD(wt)                                                                              \
    do {                                                                                       \
        if ((rc = lcp_pb_singular(&seen, &f, (wt), LCP_ERR_TM_DECODE, msg, err)) != LCP_OK) return rc; \
    } while (0)

static int decode_time(lcp_tm_time *out, lcp_bytes in, char *err)
{
    static const char *msg = "Timestamp";
    lcp_pb_reader r;
    lcp_pb_field f;
    uint32_t seen = 0;
    int rc;
    out->seconds = 0;
    out->nanos = 0;
    lcp_pb_reader_init(&r, in.ptr, in.len);
    while ((rc = next(&r, &f, err)) == 1) {
        if (f.number == 1) {
            FIELD(LCP_PB_VARINT);
            out->seconds = lcp_pb_int64(f.u);
        } else if (f.number == 2) {
            FIELD(LCP_PB_VARINT);
            I32(out->nanos);
        }
    }
    if (rc != LCP_OK) return rc;
    if (out->seconds < TM_MIN_SECONDS || out->seconds > TM_MAX_SECONDS || out->nanos < 0 || out->nanos > 999999999)
        return DEC_FAIL("Timestamp out of range (%lld s, %d ns)", (long long)out->seconds, (int)out->nanos);
    return LCP_OK;
}

/* google.protobuf.Duration; the sign rules are the validator's business (periods must be positive). */
static int decode_duration(lcp_tm_duration *out, lcp_bytes in, char *err)
{
    static const char *msg = "Duration";
    lcp_pb_reader r;
    lcp_pb_field f;
    uint32_t seen = 0;
    int rc;
    out->seconds = 0;
    out->nanos = 0;
    lcp_pb_reader_init(&r, in.ptr, in.len);
    while ((rc = next(&r, &f, err)) == 1) {
        if (f.number == 1) {
            FIELD(LCP_PB_VARINT);
            out->seconds = lcp_pb_int64(f.u);
        } else if (f.number == 2) {
            FIELD(LCP_PB_VARINT);
            I32(out->nanos);
        }
    }
    if (rc != LCP_OK) return rc;
    /* proto Duration: |seconds| <= 10000 years, |nanos| < 1e9 with the sign of seconds */
    if (out->seconds < -315576000000LL || out->seconds > 315576000000LL || out->nanos <= -1000000000 ||
        out->nanos >= 1000000000 || (out->seconds > 0 && out->nanos < 0) || (out->seconds < 0 && out->nanos > 0))
        return DEC_FAIL("Duration out of range");
    return LCP_OK;
}

/* A message of two strict singular varints, fields 1 and 2 (Height, Consensus version, Fraction); unknown fields
 * are skipped. Both are 0 when absent. */
static int decode_u64_pair(uint64_t *one, uint64_t *two, lcp_bytes in, const char *msg, char *err)
{
    lcp_pb_reader r;
    lcp_pb_field f;
    uint32_t seen = 0;
    int rc;
    *one = *two = 0;
    lcp_pb_reader_init(&r, in.ptr, in.len);
    while ((rc = next(&r, &f, err)) == 1) {
        if (f.number == 1 || f.number == 2) {
            FIELD(LCP_PB_VARINT);
            *(f.number == 1 ? one : two) = f.u;
        }
    }
    return rc;
}

static int decode_height(lcp_tm_height *out, lcp_bytes in, char *err)
{
    return decode_u64_pair(&out->revision_number, &out->revision_height, in, "Height", err);
}

static int decode_part_set_header(lcp_tm_block_id *out, lcp_bytes in, char *err)
{
    static const char *msg = "PartSetHeader";
    lcp_pb_reader r;
    lcp_pb_field f;
    uint32_t seen = 0;
    int rc;
    lcp_pb_reader_init(&r, in.ptr, in.len);
    while ((rc = next(&r, &f, err)) == 1) {
        if (f.number == 1) {
            FIELD(LCP_PB_VARINT);
            if (f.u > UINT32_MAX) return DEC_FAIL("PartSetHeader: total does not fit uint32");
            out->part_set_total = (uint32_t)f.u;
        } else if (f.number == 2) {
            FIELD(LCP_PB_LEN);
            out->part_set_hash = f.bytes;
        }
    }
    return rc;
}

static int decode_block_id(lcp_tm_block_id *out, lcp_bytes in, char *err)
{
    static const char *msg = "BlockID";
    lcp_pb_reader r;
    lcp_pb_field f;
    uint32_t seen = 0;
    int rc;
    memset(out, 0, sizeof *out);
    lcp_pb_reader_init(&r, in.ptr, in.len);
    while ((rc = next(&r, &f, err)) == 1) {
        if (f.number == 1) {
            FIELD(LCP_PB_LEN);
            out->hash = f.bytes;
        } else if (f.number == 2) {
            FIELD(LCP_PB_LEN);
            if ((rc = decode_part_set_header(out, f.bytes, err)) != LCP_OK) return rc;
        }
    }
    return rc;
}

static int decode_version(lcp_tm_header *out, lcp_bytes in, char *err)
{
    return decode_u64_pair(&out->version_block, &out->version_app, in, "Consensus", err);
}

int lcp_tm_decode_header(lcp_tm_header *out, const uint8_t *in, size_t in_len, char *err)
{
    static const char *msg = "Header";
    lcp_pb_reader r;
    lcp_pb_field f;
    uint32_t seen = 0;
    int rc;
    memset(out, 0, sizeof *out);
    lcp_pb_reader_init(&r, in, in_len);
    while ((rc = next(&r, &f, err)) == 1) {
        if (f.number < 1 || f.number > 14) continue;
        FIELD(f.number == 3 ? LCP_PB_VARINT : LCP_PB_LEN);
        switch (f.number) {
        case 1:
            if ((rc = decode_version(out, f.bytes, err)) != LCP_OK) return rc;
            out->has_version = 1;
            break;
        case 2: out->chain_id = f.bytes; break;
        case 3: out->height = lcp_pb_int64(f.u); break;
        case 4:
            if ((rc = decode_time(&out->time, f.bytes, err)) != LCP_OK) return rc;
            out->has_time = 1;
            break;
        case 5:
            if ((rc = decode_block_id(&out->last_block_id, f.bytes, err)) != LCP_OK) return rc;
            break;
        case 6: out->last_commit_hash = f.bytes; break;
        case 7: out->data_hash = f.bytes; break;
        case 8: out->validators_hash = f.bytes; break;
        case 9: out->next_validators_hash = f.bytes; break;
        case 10: out->consensus_hash = f.bytes; break;
        case 11: out->app_hash = f.bytes; break;
        case 12: out->last_results_hash = f.bytes; break;
        case 13: out->evidence_hash = f.bytes; break;
        default: out->proposer_address = f.bytes; break;
        }
    }
    return rc;
}

int tm_decode_commit_sig(lcp_tm_commit_sig *out, const uint8_t *in, size_t in_len, char *err)
{
    static const char *msg = "CommitSig";
    lcp_pb_reader r;
    lcp_pb_field f;
    uint32_t seen = 0;
    int rc;
    memset(out, 0, sizeof *out);
    lcp_pb_reader_init(&r, in, in_len);
    while ((rc = next(&r, &f, err)) == 1) {
        if (f.number < 1 || f.number > 4) continue;
        FIELD(f.number == 1 ? LCP_PB_VARINT : LCP_PB_LEN);
        switch (f.number) {
        case 1: I32(out->flag); break;
        case 2: out->validator_address = f.bytes; break;
        case 3:
            if ((rc = decode_time(&out->timestamp, f.bytes, err)) != LCP_OK) return rc;
            out->has_timestamp = 1;
            break;
        default: out->signature = f.bytes; break;
        }
    }
    return rc;
}

int lcp_tm_decode_commit(lcp_tm_commit *out, const uint8_t *in, size_t in_len, char *err)
{
    static const char *msg = "Commit";
    lcp_pb_reader r;
    lcp_pb_field f;
    uint32_t seen = 0;
    int rc;
    memset(out, 0, sizeof *out);
    lcp_pb_reader_init(&r, in, in_len);
    while ((rc = next(&r, &f, err)) == 1) {
        if (f.number < 1 || f.number > 4) continue;
        if (f.number == 4) {
            lcp_tm_commit_sig s;
            if ((rc = wire(&f, LCP_PB_LEN, msg, err)) != LCP_OK) return rc;
            if ((rc = tm_decode_commit_sig(&s, f.bytes.ptr, f.bytes.len, err)) != LCP_OK) return rc;
            if (++out->n_sigs > LCP_TM_MAX_VALIDATORS)
                return lcp_fail(err, LCP_ERR_TM_LIMIT, "Commit: more than %d signatures", LCP_TM_MAX_VALIDATORS);
            continue;
        }
        FIELD(f.number == 3 ? LCP_PB_LEN : LCP_PB_VARINT);
        if (f.number == 1) out->height = lcp_pb_int64(f.u);
        else if (f.number == 2) I32(out->round);
        else if ((rc = decode_block_id(&out->block_id, f.bytes, err)) != LCP_OK) return rc;
    }
    if (rc != LCP_OK) return rc;
    out->src_.ptr = in;
    out->src_.len = in_len;
    return LCP_OK;
}

int lcp_tm_decode_signed_header(lcp_tm_signed_header *out, const uint8_t *in, size_t in_len, char *err)
{
    static const char *msg = "SignedHeader";
    lcp_pb_reader r;
    lcp_pb_field f;
    uint32_t seen = 0;
    int rc;
    memset(out, 0, sizeof *out);
    lcp_pb_reader_init(&r, in, in_len);
    while ((rc = next(&r, &f, err)) == 1) {
        if (f.number != 1 && f.number != 2) continue;
        FIELD(LCP_PB_LEN);
        if (f.number == 1) {
            if ((rc = lcp_tm_decode_header(&out->header, f.bytes.ptr, f.bytes.len, err)) != LCP_OK)
                return lcp_fail_ctx(err, rc, "header");
            out->has_header = 1;
        } else {
            if ((rc = lcp_tm_decode_commit(&out->commit, f.bytes.ptr, f.bytes.len, err)) != LCP_OK)
                return lcp_fail_ctx(err, rc, "commit");
            out->has_commit = 1;
        }
    }
    return rc;
}

int lcp_tm_decode_light_block(lcp_tm_signed_header *sh, lcp_bytes *valset, const uint8_t *in, size_t in_len,
                              char *err)
{
    static const char *msg = "LightBlock";
    lcp_pb_reader r;
    lcp_pb_field f;
    uint32_t seen = 0;
    int rc, have_sh = 0;
    memset(sh, 0, sizeof *sh);
    valset->ptr = NULL;
    valset->len = 0;
    lcp_pb_reader_init(&r, in, in_len);
    while ((rc = next(&r, &f, err)) == 1) {
        if (f.number != 1 && f.number != 2) continue;
        FIELD(LCP_PB_LEN);
        if (f.number == 1) {
            if ((rc = lcp_tm_decode_signed_header(sh, f.bytes.ptr, f.bytes.len, err)) != LCP_OK) return rc;
            have_sh = 1;
        } else {
            *valset = f.bytes;
        }
    }
    if (rc != LCP_OK) return rc;
    if (!have_sh) return DEC_FAIL("LightBlock: no signed header");
    return LCP_OK;
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

int lcp_tm_decode_ibc_header(lcp_tm_ibc_header *out, const uint8_t *in, size_t in_len, char *err)
{
    static const char *msg = "Header";
    lcp_pb_reader r;
    lcp_pb_field f;
    uint32_t seen = 0;
    int rc;
    memset(out, 0, sizeof *out);
    lcp_pb_reader_init(&r, in, in_len);
    while ((rc = next(&r, &f, err)) == 1) {
        if (f.number < 1 || f.number > 4) continue;
        FIELD(LCP_PB_LEN);
        switch (f.number) {
        case 1:
            if ((rc = lcp_tm_decode_signed_header(&out->signed_header, f.bytes.ptr, f.bytes.len, err)) != LCP_OK)
                return rc;
            out->has_signed_header = 1;
            break;
        case 2:
            out->validator_set = f.bytes;
            out->has_validator_set = 1;
            break;
        case 3:
            if ((rc = decode_height(&out->trusted_height, f.bytes, err)) != LCP_OK) return rc;
            out->has_trusted_height = 1;
            break;
        default:
            out->trusted_validators = f.bytes;
            out->has_trusted_validators = 1;
            break;
        }
    }
    return rc;
}

static int decode_fraction(lcp_tm_client_state *out, lcp_bytes in, char *err)
{
    return decode_u64_pair(&out->trust_numerator, &out->trust_denominator, in, "Fraction", err);
}

int lcp_tm_decode_client_state(lcp_tm_client_state *out, const uint8_t *in, size_t in_len, char *err)
{
    static const char *msg = "ClientState";
    lcp_pb_reader r;
    lcp_pb_field f;
    uint32_t seen = 0;
    int rc;
    memset(out, 0, sizeof *out);
    lcp_pb_reader_init(&r, in, in_len);
    while ((rc = next(&r, &f, err)) == 1) {
        if (f.number < 1 || f.number > 11) continue;
        if (f.number == 8 || f.number == 9) {
            if ((rc = wire(&f, LCP_PB_LEN, msg, err)) != LCP_OK) return rc;
            lcp_bytes *arr = f.number == 8 ? out->proof_specs : out->upgrade_path;
            size_t *n = f.number == 8 ? &out->n_proof_specs : &out->n_upgrade_path;
            size_t cap = f.number == 8 ? LCP_TM_MAX_PROOF_SPECS : LCP_TM_MAX_UPGRADE_PATH;
            if (*n == cap) return lcp_fail(err, LCP_ERR_TM_LIMIT, "ClientState: too many entries in field %u", f.number);
            arr[(*n)++] = f.bytes;
            continue;
        }
        FIELD((f.number == 10 || f.number == 11) ? LCP_PB_VARINT : LCP_PB_LEN);
        switch (f.number) {
        case 1: out->chain_id = f.bytes; break;
        case 2:
            rc = decode_fraction(out, f.bytes, err);
            out->has_trust_level = 1;
            break;
        case 3:
            rc = decode_duration(&out->trusting_period, f.bytes, err);
            out->has_trusting_period = 1;
            break;
        case 4:
            rc = decode_duration(&out->unbonding_period, f.bytes, err);
            out->has_unbonding_period = 1;
            break;
        case 5:
            rc = decode_duration(&out->max_clock_drift, f.bytes, err);
            out->has_max_clock_drift = 1;
            break;
        case 6:
            rc = decode_height(&out->frozen_height, f.bytes, err);
            out->has_frozen_height = 1;
            break;
        case 7:
            rc = decode_height(&out->latest_height, f.bytes, err);
            out->has_latest_height = 1;
            break;
        case 10: out->allow_update_after_expiry = f.u != 0; break;
        default: out->allow_update_after_misbehaviour = f.u != 0; break;
        }
        if (rc != LCP_OK) return rc;
    }
    return rc;
}

static int decode_merkle_root(lcp_bytes *out, lcp_bytes in, char *err)
{
    static const char *msg = "MerkleRoot";
    lcp_pb_reader r;
    lcp_pb_field f;
    uint32_t seen = 0;
    int rc;
    lcp_pb_reader_init(&r, in.ptr, in.len);
    while ((rc = next(&r, &f, err)) == 1) {
        if (f.number == 1) {
            FIELD(LCP_PB_LEN);
            *out = f.bytes;
        }
    }
    return rc;
}

int lcp_tm_decode_consensus_state(lcp_tm_consensus_state *out, const uint8_t *in, size_t in_len, char *err)
{
    static const char *msg = "ConsensusState";
    lcp_pb_reader r;
    lcp_pb_field f;
    uint32_t seen = 0;
    int rc;
    memset(out, 0, sizeof *out);
    lcp_pb_reader_init(&r, in, in_len);
    while ((rc = next(&r, &f, err)) == 1) {
        if (f.number < 1 || f.number > 3) continue;
        FIELD(LCP_PB_LEN);
        if (f.number == 1) {
            if ((rc = decode_time(&out->timestamp, f.bytes, err)) != LCP_OK) return rc;
            out->has_timestamp = 1;
        } else if (f.number == 2) {
            if ((rc = decode_merkle_root(&out->root, f.bytes, err)) != LCP_OK) return rc;
        } else {
            out->next_validators_hash = f.bytes;
        }
    }
    return rc;
}

int lcp_tm_decode_misbehaviour(lcp_tm_misbehaviour *out, const uint8_t *in, size_t in_len, char *err)
{
    static const char *msg = "Misbehaviour";
    lcp_pb_reader r;
    lcp_pb_field f;
    uint32_t seen = 0;
    int rc;
    memset(out, 0, sizeof *out);
    lcp_pb_reader_init(&r, in, in_len);
    while ((rc = next(&r, &f, err)) == 1) {
        if (f.number < 1 || f.number > 3) continue;
        FIELD(LCP_PB_LEN);
        if (f.number == 1) {
            out->client_id = f.bytes;
        } else if (f.number == 2) {
            if ((rc = lcp_tm_decode_ibc_header(&out->header_1, f.bytes.ptr, f.bytes.len, err)) != LCP_OK)
                return lcp_fail_ctx(err, rc, "header_1");
            out->has_header_1 = 1;
        } else {
            if ((rc = lcp_tm_decode_ibc_header(&out->header_2, f.bytes.ptr, f.bytes.len, err)) != LCP_OK)
                return lcp_fail_ctx(err, rc, "header_2");
            out->has_header_2 = 1;
        }
    }
    return rc;
}
