/* Validator sets: decoding with CometBFT's per-validator checks (ValidatorSetFromProto + ValidateBasic), the set
 * hash (ValidatorSet.Hash, spec sheet §2), canonical ordering and lookup. */
#include <stdlib.h>
#include <string.h>

#include "ics23_internal.h"
#include "tm_internal.h"

#define VS_FAIL(...) lcp_fail(err, LCP_ERR_TM_VALSET, __VA_ARGS__)
#define DEC_FAIL(...) lcp_fail(err, LCP_ERR_TM_DECODE, __VA_ARGS__)

/* CometBFT's MaxTotalVotingPower: the bound keeps priority arithmetic in int64; a larger set is invalid there. */
#define TM_MAX_TOTAL_POWER (INT64_MAX / 8)

/* PublicKey oneof {1 ed25519, 2 secp256k1, ...}: only ed25519 is accepted. */
static int decode_pubkey(uint8_t key[LCP_TM_ED25519_PUBKEY_LEN], lcp_bytes in, char *err)
{
    lcp_pb_reader r;
    lcp_pb_field f;
    int rc, have = 0;
    lcp_pb_reader_init(&r, in.ptr, in.len);
    while ((rc = lcp_pb_next(&r, &f, err)) == 1) {
        if (f.number != 1) return VS_FAIL("validator: unsupported public key type (field %u)", f.number);
        if (f.wire_type != LCP_PB_LEN) return DEC_FAIL("PublicKey: bad wire type");
        if (have++) return DEC_FAIL("PublicKey: ed25519 repeated");
        if (f.bytes.len != LCP_TM_ED25519_PUBKEY_LEN) return VS_FAIL("validator: ed25519 key of %zu bytes", f.bytes.len);
        memcpy(key, f.bytes.ptr, LCP_TM_ED25519_PUBKEY_LEN);
    }
    if (rc < 0) return LCP_ERR_TM_DECODE;
    if (!have) return VS_FAIL("validator: no public key");
    return LCP_OK;
}

/* Validator {1 address, 2 pub_key, 3 voting_power, 4 proposer_priority}; the address must be the key's. */
static int decode_validator(lcp_tm_validator *out, lcp_bytes in, char *err)
{
    lcp_pb_reader r;
    lcp_pb_field f;
    uint32_t seen = 0;
    int rc, have_key = 0;
    lcp_bytes addr = {NULL, 0};
    memset(out, 0, sizeof *out);
    lcp_pb_reader_init(&r, in.ptr, in.len);
    while ((rc = lcp_pb_next(&r, &f, err)) == 1) {
        if (f.number < 1 || f.number > 4) continue;
        if (seen & (1u << f.number)) return DEC_FAIL("Validator: field %u repeated", f.number);
        seen |= 1u << f.number;
        int want = f.number <= 2 ? LCP_PB_LEN : LCP_PB_VARINT;
        if (f.wire_type != want) return DEC_FAIL("Validator: field %u has wire type %d", f.number, f.wire_type);
        if (f.number == 1) addr = f.bytes;
        else if (f.number == 2) {
            if ((rc = decode_pubkey(out->pub_key, f.bytes, err)) != LCP_OK) return rc;
            have_key = 1;
        } else if (f.number == 3) out->power = lcp_pb_int64(f.u);
        else out->proposer_priority = lcp_pb_int64(f.u);
    }
    if (rc < 0) return LCP_ERR_TM_DECODE;
    if (!have_key) return VS_FAIL("validator: no public key");
    if (out->power < 0) return VS_FAIL("validator: negative voting power");
    uint8_t h[32];
    lcp_bytes key = {out->pub_key, sizeof out->pub_key};
    if (ics23_sha256_parts(h, &key, 1) != LCP_OK) return lcp_fail(err, LCP_ERR_CRYPTO, NULL);
    memcpy(out->address, h, LCP_TM_ADDRESS_LEN);
    /* The address is not hashed into the set, but commits name signers by it: it must be the key's. */
    if (addr.len != LCP_TM_ADDRESS_LEN || memcmp(addr.ptr, out->address, LCP_TM_ADDRESS_LEN) != 0)
        return VS_FAIL("validator: address does not match its public key");
    return LCP_OK;
}

int lcp_tm_decode_valset(lcp_tm_valset *out, const uint8_t *in, size_t in_len, char *err)
{
    lcp_pb_reader r;
    lcp_pb_field f;
    int rc;
    out->n = 0;
    out->total_power = 0;
    out->has_proposer = 0;
    memset(&out->proposer, 0, sizeof out->proposer);
    lcp_pb_reader_init(&r, in, in_len);
    while ((rc = lcp_pb_next(&r, &f, err)) == 1) {
        if (f.number == 1) {
            if (f.wire_type != LCP_PB_LEN) return DEC_FAIL("ValidatorSet: bad wire type");
            if (out->n == LCP_TM_MAX_VALIDATORS)
                return lcp_fail(err, LCP_ERR_TM_LIMIT, "ValidatorSet: more than %d validators", LCP_TM_MAX_VALIDATORS);
            if ((rc = decode_validator(&out->v[out->n], f.bytes, err)) != LCP_OK) return rc;
            /* each power <= INT64_MAX/8 and at most 1024 of them: the running sum cannot overflow before the check */
            if (out->v[out->n].power > TM_MAX_TOTAL_POWER) return VS_FAIL("validator: voting power too large");
            out->total_power += out->v[out->n].power;
            if (out->total_power > TM_MAX_TOTAL_POWER) return VS_FAIL("ValidatorSet: total voting power too large");
            out->n++;
        } else if (f.number == 2) {
            if (f.wire_type != LCP_PB_LEN) return DEC_FAIL("ValidatorSet: bad wire type");
            if (out->has_proposer) return DEC_FAIL("ValidatorSet: proposer repeated");
            if ((rc = decode_validator(&out->proposer, f.bytes, err)) != LCP_OK) return lcp_fail_ctx(err, rc, "proposer");
            out->has_proposer = 1;
        } else if (f.number == 3) {
            if (f.wire_type != LCP_PB_VARINT) return DEC_FAIL("ValidatorSet: bad wire type");
        }
    }
    if (rc < 0) return LCP_ERR_TM_DECODE;
    /* Duplicate addresses would let one key count twice in a tally walked by validator. */
    for (size_t i = 0; i < out->n; i++)
        for (size_t j = i + 1; j < out->n; j++)
            if (memcmp(out->v[i].address, out->v[j].address, LCP_TM_ADDRESS_LEN) == 0)
                return VS_FAIL("ValidatorSet: duplicate validator");
    return LCP_OK;
}

int lcp_tm_valset_validate(const lcp_tm_valset *vs, char *err)
{
    if (vs->n == 0) return VS_FAIL("validator set is empty");
    if (!vs->has_proposer) return VS_FAIL("validator set has no proposer");
    long i = lcp_tm_valset_find(vs, vs->proposer.address);
    if (i < 0) return VS_FAIL("proposer is not in the validator set");
    return LCP_OK;
}

long lcp_tm_valset_find(const lcp_tm_valset *vs, const uint8_t address[LCP_TM_ADDRESS_LEN])
{
    for (size_t i = 0; i < vs->n; i++)
        if (memcmp(vs->v[i].address, address, LCP_TM_ADDRESS_LEN) == 0) return (long)i;
    return -1;
}

static int canonical_cmp(const void *a, const void *b)
{
    const lcp_tm_validator *x = a, *y = b;
    if (x->power != y->power) return x->power > y->power ? -1 : 1;
    return memcmp(x->address, y->address, LCP_TM_ADDRESS_LEN);
}

void lcp_tm_valset_sort(lcp_tm_valset *vs) { qsort(vs->v, vs->n, sizeof vs->v[0], canonical_cmp); }

/* SimpleValidator {1 PublicKey {1 ed25519}, 2 voting_power}: 0a 22 0a 20 <key> [10 <power>]. */
static int validator_leaf(uint8_t out[32], const void *ctx, size_t i)
{
    const lcp_tm_valset *vs = ctx;
    uint8_t buf[48];
    lcp_pb_writer w;
    lcp_pb_writer_init(&w, buf, sizeof buf);
    lcp_pb_put_tag(&w, 1, LCP_PB_LEN);
    lcp_pb_put_varint(&w, 2 + LCP_TM_ED25519_PUBKEY_LEN);
    lcp_pb_put_bytes(&w, 1, vs->v[i].pub_key, LCP_TM_ED25519_PUBKEY_LEN);
    lcp_pb_put_uint_opt(&w, 2, (uint64_t)vs->v[i].power);
    if (lcp_pb_writer_status(&w) != LCP_OK) return LCP_ERR_BUFFER_TOO_SMALL;
    return tm_leaf_hash(out, buf, w.len);
}

int lcp_tm_valset_hash(uint8_t out[LCP_TM_HASH_LEN], const lcp_tm_valset *vs)
{
    return tm_merkle(out, validator_leaf, vs, vs->n);
}
