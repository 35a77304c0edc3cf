/* ECDSA P-256 / SHA-256 verification for the DCAP verifier (spec/dcap.md 2.1), on OpenSSL's EC arithmetic.
 *
 * Why not EVP_DigestVerify: a DCAP quote costs nine verifications, seven of them under the same three keys (the
 * trusted root, the PCK CA, the TCB Signing key). u1*G is cheap in OpenSSL because G has a precomputed table;
 * u2*Q is not, and it is most of the cost. Giving a long-used fixed key its own table (the curve with Q as the
 * generator, precomputed) makes u2*Q as cheap as u1*G: about 20 us per verification instead of about 60 us.
 * The equation is the standard one (SEC 1 4.1.4): with e = SHA-256(msg), w = s^-1 mod n, accept iff
 * 0 < r, s < n and x(e*w*G + r*w*Q) mod n == r. tests/attestation/test_dcap_p256 holds it to OpenSSL's own verifier
 * on random and tampered signatures, with and without tables.
 *
 * Tables are built only for keys the caller marks fixed (a trust anchor or a CA key certified under it, never a
 * key taken from a quote), and only once such a key has served in LCP_DCAP_P256_TABLE_AFTER verification rounds:
 * a table costs ~20 ms and ~150 KB, which pays off in a long-lived verifier and never in a one-shot one. */

/* EC_GROUP_precompute_mult is deprecated in OpenSSL 3.0 (still present in 3.x); it is the only way to give a
 * point other than the standard generator a table. Without deprecated APIs the tables are simply not built. */
#define OPENSSL_SUPPRESS_DEPRECATED

#include "dcap_internal.h"

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/obj_mac.h>
#include <string.h>

#include "lcp/crypto.h"

#define LCP_DCAP_P256_KEYS 8
#define LCP_DCAP_P256_TABLE_AFTER 2

typedef struct {
    uint8_t enc[65]; /* the SEC 1 encoding it was looked up by */
    size_t enc_len;
    EC_POINT *q;
    EC_GROUP *table;     /* the curve with q as generator, with precomputed multiples; NULL until earned */
    unsigned rounds;     /* verification rounds that used it */
    uint64_t last_round;
} p256_key;

struct lcp_dcap_p256 {
    EC_GROUP *group;
    BN_CTX *bn;
    uint64_t round;
    p256_key keys[LCP_DCAP_P256_KEYS];
};

int lcp_dcap_p256_new(lcp_dcap_p256 **out, char *err)
{
    *out = NULL;
    lcp_dcap_p256 *c = lcp_calloc(1, sizeof *c);
    if (c == NULL) return lcp_fail(err, LCP_ERR_NOMEM, "out of memory");
    c->group = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1);
    c->bn = BN_CTX_new();
    if (c->group == NULL || c->bn == NULL) {
        lcp_dcap_p256_free(c);
        return lcp_fail(err, LCP_ERR_NOMEM, "out of memory (P-256 context)");
    }
    *out = c;
    return LCP_OK;
}

static void key_clear(p256_key *k)
{
    EC_POINT_free(k->q);
    EC_GROUP_free(k->table);
    memset(k, 0, sizeof *k);
}

void lcp_dcap_p256_free(lcp_dcap_p256 *c)
{
    if (c == NULL) return;
    for (size_t i = 0; i < LCP_DCAP_P256_KEYS; i++) key_clear(&c->keys[i]);
    EC_GROUP_free(c->group);
    BN_CTX_free(c->bn);
    lcp_free(c);
}

void lcp_dcap_p256_round(lcp_dcap_p256 *c) { c->round++; }

unsigned lcp_dcap_p256_tables(const lcp_dcap_p256 *c)
{
    unsigned n = 0;
    for (size_t i = 0; i < LCP_DCAP_P256_KEYS; i++) n += c->keys[i].table != NULL;
    return n;
}

/* Decodes a SEC 1 point, compressed (02/03 || X) or uncompressed (04 || X || Y) only: OpenSSL would also take the
 * hybrid form, which nothing in DCAP uses. Its decoder rejects points that are not on the curve (and the point at
 * infinity has no such encoding). */
static EC_POINT *decode_point(lcp_dcap_p256 *c, const uint8_t *enc, size_t len)
{
    if (!(len == 33 && (enc[0] == 0x02 || enc[0] == 0x03)) && !(len == 65 && enc[0] == 0x04)) return NULL;
    EC_POINT *q = EC_POINT_new(c->group);
    if (q != NULL && EC_POINT_oct2point(c->group, q, enc, len, c->bn) != 1) {
        EC_POINT_free(q);
        q = NULL;
    }
    return q;
}

static void maybe_build_table(lcp_dcap_p256 *c, p256_key *k)
{
#ifndef OPENSSL_NO_DEPRECATED_3_0
    if (k->table != NULL || k->rounds < LCP_DCAP_P256_TABLE_AFTER) return;
    EC_GROUP *t = EC_GROUP_dup(c->group);
    if (t != NULL && EC_GROUP_set_generator(t, k->q, EC_GROUP_get0_order(c->group),
                                            EC_GROUP_get0_cofactor(c->group)) == 1 &&
        EC_GROUP_precompute_mult(t, c->bn) == 1) {
        k->table = t;
        return;
    }
    EC_GROUP_free(t); /* no table is not an error: the plain path still verifies */
#else
    (void)c;
    (void)k;
#endif
}

/* The slot for a new key: a free one, else the one used in the fewest rounds (the least recently used of those),
 * so that a stream of one-off keys (a PCK leaf per platform) cycles through the least used slots and never pushes
 * out the root's or a CA's table. (A key that stops being used keeps its slot; Intel replaces CA keys rarely and
 * the cache has room for several.) */
static p256_key *victim(lcp_dcap_p256 *c)
{
    p256_key *best = NULL;
    for (size_t i = 0; i < LCP_DCAP_P256_KEYS; i++) {
        p256_key *k = &c->keys[i];
        if (k->q == NULL) return k;
        if (best == NULL || k->rounds < best->rounds ||
            (k->rounds == best->rounds && k->last_round < best->last_round))
            best = k;
    }
    return best;
}

/* The cached entry of a fixed key, created on first sight. NULL if enc is not a P-256 point or memory ran out. */
static p256_key *fixed_key(lcp_dcap_p256 *c, const uint8_t *enc, size_t len)
{
    p256_key *k = NULL;
    for (size_t i = 0; i < LCP_DCAP_P256_KEYS && k == NULL; i++)
        if (c->keys[i].q != NULL && c->keys[i].enc_len == len && memcmp(c->keys[i].enc, enc, len) == 0)
            k = &c->keys[i];
    if (k == NULL) {
        EC_POINT *q = decode_point(c, enc, len);
        if (q == NULL) return NULL;
        k = victim(c);
        key_clear(k);
        memcpy(k->enc, enc, len);
        k->enc_len = len;
        k->q = q;
    }
    if (k->last_round != c->round) {
        k->last_round = c->round;
        k->rounds++;
        maybe_build_table(c, k);
    }
    return k;
}

/* x(u1*G + u2*Q), through Q's table when it has one. Returns 1, or 0 if the sum is the point at infinity or the
 * arithmetic failed. */
static int sum_x(lcp_dcap_p256 *c, BIGNUM *x, const BIGNUM *u1, const EC_POINT *q, const EC_GROUP *table,
                 const BIGNUM *u2)
{
    EC_POINT *sum = EC_POINT_new(c->group), *b = table ? EC_POINT_new(table) : NULL;
    int ok = sum != NULL && (table == NULL || b != NULL);
    if (ok && table != NULL)
        ok = EC_POINT_mul(c->group, sum, u1, NULL, NULL, c->bn) == 1 &&
             EC_POINT_mul(table, b, u2, NULL, NULL, c->bn) == 1 && EC_POINT_add(c->group, sum, sum, b, c->bn) == 1;
    else if (ok)
        ok = EC_POINT_mul(c->group, sum, u1, q, u2, c->bn) == 1;
    ok = ok && !EC_POINT_is_at_infinity(c->group, sum) &&
         EC_POINT_get_affine_coordinates(c->group, sum, x, NULL, c->bn) == 1;
    EC_POINT_free(sum);
    EC_POINT_free(b);
    return ok;
}

/* The verification equation. Returns 1 (valid), 0 (invalid) or -1 (arithmetic failure: out of memory). */
static int equation(lcp_dcap_p256 *c, const EC_POINT *q, const EC_GROUP *table, const uint8_t r[32],
                    const uint8_t s[32], const uint8_t digest[32])
{
    const BIGNUM *n = EC_GROUP_get0_order(c->group);
    BN_CTX_start(c->bn);
    BIGNUM *br = BN_CTX_get(c->bn), *bs = BN_CTX_get(c->bn), *e = BN_CTX_get(c->bn), *w = BN_CTX_get(c->bn);
    BIGNUM *u1 = BN_CTX_get(c->bn), *u2 = BN_CTX_get(c->bn), *x = BN_CTX_get(c->bn);
    int res = -1;
    if (x == NULL || BN_bin2bn(r, 32, br) == NULL || BN_bin2bn(s, 32, bs) == NULL ||
        BN_bin2bn(digest, 32, e) == NULL)
        goto done;
    if (BN_is_zero(br) || BN_is_zero(bs) || BN_cmp(br, n) >= 0 || BN_cmp(bs, n) >= 0) {
        res = 0;
        goto done;
    }
    /* The 256-bit digest is used whole (n has 256 bits): no truncation. */
    if (BN_mod_inverse(w, bs, n, c->bn) == NULL || BN_mod_mul(u1, e, w, n, c->bn) != 1 ||
        BN_mod_mul(u2, br, w, n, c->bn) != 1)
        goto done;
    if (!sum_x(c, x, u1, q, table, u2)) {
        res = 0; /* infinity (or an arithmetic failure, which must not pass either) */
        goto done;
    }
    if (BN_nnmod(x, x, n, c->bn) != 1) goto done;
    res = BN_cmp(x, br) == 0;
done:
    BN_CTX_end(c->bn);
    return res;
}

int lcp_dcap_p256_verify(lcp_dcap_p256 *c, const uint8_t *key, size_t key_len, int fixed, const uint8_t r[32],
                         const uint8_t s[32], const uint8_t *msg, size_t len, unsigned *count, const char *what,
                         char *err)
{
    if (count) (*count)++;
    uint8_t digest[LCP_SHA256_LEN];
    if (lcp_sha256(digest, msg, len) != LCP_OK) return lcp_fail(err, LCP_ERR_CRYPTO, "%s: SHA-256 failed", what);
    p256_key *k = NULL;
    EC_POINT *temp = NULL;
    if (fixed) k = fixed_key(c, key, key_len);
    else temp = decode_point(c, key, key_len);
    if (k == NULL && temp == NULL)
        return lcp_fail(err, LCP_ERR_ATTESTATION_SIGNATURE, "%s: key is not a P-256 point", what);
    int res = k ? equation(c, k->q, k->table, r, s, digest) : equation(c, temp, NULL, r, s, digest);
    EC_POINT_free(temp);
    if (res < 0) return lcp_fail(err, LCP_ERR_NOMEM, "%s: out of memory verifying the signature", what);
    return res ? LCP_OK : lcp_fail(err, LCP_ERR_ATTESTATION_SIGNATURE, "%s: signature does not verify", what);
}
