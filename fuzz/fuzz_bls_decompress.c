/* libFuzzer target for BLS12-381 point decompression (ZCash flags, canonical field elements, curve and subgroup
 * checks). Input: one selector byte (bit 0: 0 = G1 public key, 1 = G2 signature) then exactly 48 or 96 bytes.
 * Whatever decodes must re-encode to the same bytes (the encoding is canonical), and the public key decoder must
 * agree with the internal one (it adds only the refusal of infinity). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/bls_internal.h"
#include "lcp/crypto_bls.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void must(int cond)
{
    if (!cond) abort(); /* a decoded point that re-encodes differently is a bug worth a crash report */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    const uint8_t *in = data + 1;
    size_t n = size - 1;
    char err[LCP_ERR_LEN];
    if ((data[0] & 1) == 0) {
        if (n != LCP_BLS_PUBKEY_LEN) return 0;
        bls_fp x, y;
        int inf, ok = lcp_bls_g1_decode(&x, &y, &inf, in);
        uint8_t out[LCP_BLS_PUBKEY_LEN];
        if (ok) {
            lcp_bls_g1_encode(out, &x, &y, inf);
            must(memcmp(out, in, sizeof out) == 0);
            must(inf || lcp_bls_g1_on_curve_affine(&x, &y));
        }
        lcp_bls_pubkey pk;
        int rc = lcp_bls_pubkey_decode(&pk, in, err);
        must((rc == LCP_OK) == (ok && !inf));
        if (rc == LCP_OK) {
            lcp_bls_pubkey_encode(out, &pk);
            must(memcmp(out, in, sizeof out) == 0);
        } else {
            must(rc == LCP_ERR_CRYPTO_KEY && err[0] != 0);
        }
    } else {
        if (n != LCP_BLS_SIG_LEN) return 0;
        bls_g2 p;
        int ok = lcp_bls_g2_decode(&p, in);
        uint8_t out[LCP_BLS_SIG_LEN];
        if (ok) {
            lcp_bls_g2_encode(out, &p);
            must(memcmp(out, in, sizeof out) == 0);
            must(lcp_bls_g2_on_curve(&p));
        }
        /* Aggregate of one signature: the same validation, and the same bytes back */
        const uint8_t(*one)[LCP_BLS_SIG_LEN] = (const uint8_t(*)[LCP_BLS_SIG_LEN])in;
        int rc = lcp_bls_aggregate_signatures(out, one, 1, err);
        must((rc == LCP_OK) == ok);
        if (rc == LCP_OK) must(memcmp(out, in, sizeof out) == 0);
    }
    return 0;
}
