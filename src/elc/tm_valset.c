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
typedef struct {
    lcp_tm_validator v;
    lcp_bytes address;
    int have_key;
} validator_dec;

static int read_pubkey(void *dst, const lcp_pb_field *f, char *err) { return decode_pubkey(dst, f->bytes, err); }

static int validator_check(void *dst, char *err)
{
    validator_dec *x = dst;
    if (!x->have_key) return VS_FAIL("validator: no public key");
    if (x->v.power < 0) return VS_FAIL("validator: negative voting power");
    uint8_t h[32];
    lcp_bytes key = {x->v.pub_key, sizeof x->v.pub_key};
    if (ics23_sha256_parts(h, &key, 1) != LCP_OK) return lcp_fail(err, LCP_ERR_CRYPTO, NULL);
    memcpy(x->v.address, h, LCP_TM_ADDRESS_LEN);
    /* The address is not hashed into the set, but commits name signers by it: it must be the key's. */
    if (x->address.len != LCP_TM_ADDRESS_LEN || memcmp(x->address.ptr, x->v.address, LCP_TM_ADDRESS_LEN) != 0)
        return VS_FAIL("validator: address does not match its public key");
    return LCP_OK;
}

#define VD validator_dec
static const lcp_pb_fdesc validator_fields[] = {
    LCP_PB_BYTES(1, VD, address),
    LCP_PB_FN(2, LCP_PB_LEN, VD, v.pub_key, read_pubkey, LCP_PB_HAS(VD, have_key)),
    LCP_PB_I64(3, VD, v.power),
    LCP_PB_I64(4, VD, v.proposer_priority),
};
#undef VD
static const lcp_pb_desc validator_desc =
    LCP_PB_DESC("Validator", LCP_ERR_TM_DECODE, LCP_PB_ONCE, validator_fields, validator_check);

static int decode_validator(lcp_tm_validator *out, lcp_bytes in, char *err)
{
    validator_dec x;
    memset(&x, 0, sizeof x);
    int rc = lcp_pb_decode(&validator_desc, &x, in.ptr, in.len, err);
    *out = x.v;
    return rc;
}

static int add_validator(void *dst, const lcp_pb_field *f, char *err)
{
    lcp_tm_valset *out = dst;
    if (out->n == LCP_TM_MAX_VALIDATORS)
        return lcp_fail(err, LCP_ERR_TM_LIMIT, "ValidatorSet: more than %d validators", LCP_TM_MAX_VALIDATORS);
    int rc = decode_validator(&out->v[out->n], f->bytes, err);
    if (rc != LCP_OK) return rc;
    /* each power <= INT64_MAX/8 and at most 1024 of them: the running sum cannot overflow before the check */
    if (out->v[out->n].power > TM_MAX_TOTAL_POWER) return VS_FAIL("validator: voting power too large");
    out->total_power += out->v[out->n].power;
    if (out->total_power > TM_MAX_TOTAL_POWER) return VS_FAIL("ValidatorSet: total voting power too large");
    out->n++;
    return LCP_OK;
}

static int read_proposer(void *dst, const lcp_pb_field *f, char *err) { return decode_validator(dst, f->bytes, err); }

/* total_voting_power is recomputed, not trusted: only its wire type is checked. */
static int ignore(void *dst, const lcp_pb_field *f, char *err)
{
    (void)dst, (void)f, (void)err;
    return LCP_OK;
}

static int valset_check(void *dst, char *err)
{
    const lcp_tm_valset *out = dst;
    /* Duplicate addresses would let one key count twice in a tally walked by validator. */
    for (size_t i = 0; i < out->n; i++)
        for (size_t j = i + 1; j < out->n; j++)
            if (memcmp(out->v[i].address, out->v[j].address, LCP_TM_ADDRESS_LEN) == 0)
                return VS_FAIL("ValidatorSet: duplicate validator");
    return LCP_OK;
}

static const lcp_pb_fdesc valset_fields[] = {
    {.number = 1, .kind = LCP_PB_K_FN, .wire = LCP_PB_LEN, .flags = LCP_PB_F_REPEATED, .off = 0, .fn = add_validator},
    LCP_PB_FN(2, LCP_PB_LEN, lcp_tm_valset, proposer, read_proposer, LCP_PB_HAS(lcp_tm_valset, has_proposer),
              .ctx = "proposer"),
    LCP_PB_FN(3, LCP_PB_VARINT, lcp_tm_valset, n, ignore, .flags = LCP_PB_F_REPEATED),
};
static const lcp_pb_desc valset_desc =
    LCP_PB_DESC("ValidatorSet", LCP_ERR_TM_DECODE, LCP_PB_ONCE, valset_fields, valset_check);

int lcp_tm_decode_valset(lcp_tm_valset *out, const uint8_t *in, size_t in_len, char *err)
{
    out->n = 0;
    out->total_power = 0;
    out->has_proposer = 0;
    memset(&out->proposer, 0, sizeof out->proposer);
    return lcp_pb_decode(&valset_desc, out, in, in_len, err);
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
