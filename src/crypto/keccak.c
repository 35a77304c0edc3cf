/* Keccak-256 as used by Ethereum: Keccak-f[1600], rate 1088 bits (136 bytes), capacity 512, padding 0x01..0x80.
 * Constants are from the Keccak reference (FIPS 202 section 3.2 gives the same permutation). The state is kept as
 * 25 little-endian lanes; input bytes are XORed in one at a time so no unaligned loads are needed. */
#include "lcp/crypto.h"

#include <string.h>

#define RATE 136

static const uint64_t RC[24] = {
    0x0000000000000001ull, 0x0000000000008082ull, 0x800000000000808aull, 0x8000000080008000ull,
    0x000000000000808bull, 0x0000000080000001ull, 0x8000000080008081ull, 0x8000000000008009ull,
    0x000000000000008aull, 0x0000000000000088ull, 0x0000000080008009ull, 0x000000008000000aull,
    0x000000008000808bull, 0x800000000000008bull, 0x8000000000008089ull, 0x8000000000008003ull,
    0x8000000000008002ull, 0x8000000000000080ull, 0x000000000000800aull, 0x800000008000000aull,
    0x8000000080008081ull, 0x8000000000008080ull, 0x0000000080000001ull, 0x8000000080008008ull,
};

static inline uint64_t rol(uint64_t x, unsigned n) { return (x << n) | (x >> (64 - n)); }

/* One Keccak-f[1600] round set, unrolled: theta, rho and pi into B, then chi and iota back into A.
 * (Generated layout; rotation offsets r[x][y] and pi (x,y) -> (y, 2x+3y) from FIPS 202 section 3.2.) */
static void keccakf(uint64_t A[25])
{
    uint64_t B[25], C0, C1, C2, C3, C4, D0, D1, D2, D3, D4;
    for (int r = 0; r < 24; r++) {
        C0 = A[0] ^ A[5] ^ A[10] ^ A[15] ^ A[20];
        C1 = A[1] ^ A[6] ^ A[11] ^ A[16] ^ A[21];
        C2 = A[2] ^ A[7] ^ A[12] ^ A[17] ^ A[22];
        C3 = A[3] ^ A[8] ^ A[13] ^ A[18] ^ A[23];
        C4 = A[4] ^ A[9] ^ A[14] ^ A[19] ^ A[24];
        D0 = C4 ^ rol(C1, 1);
        D1 = C0 ^ rol(C2, 1);
        D2 = C1 ^ rol(C3, 1);
        D3 = C2 ^ rol(C4, 1);
        D4 = C3 ^ rol(C0, 1);
        B[0] = A[0] ^ D0;
        B[10] = rol(A[1] ^ D1, 1);
        B[20] = rol(A[2] ^ D2, 62);
        B[5] = rol(A[3] ^ D3, 28);
        B[15] = rol(A[4] ^ D4, 27);
        B[16] = rol(A[5] ^ D0, 36);
        B[1] = rol(A[6] ^ D1, 44);
        B[11] = rol(A[7] ^ D2, 6);
        B[21] = rol(A[8] ^ D3, 55);
        B[6] = rol(A[9] ^ D4, 20);
        B[7] = rol(A[10] ^ D0, 3);
        B[17] = rol(A[11] ^ D1, 10);
        B[2] = rol(A[12] ^ D2, 43);
        B[12] = rol(A[13] ^ D3, 25);
        B[22] = rol(A[14] ^ D4, 39);
        B[23] = rol(A[15] ^ D0, 41);
        B[8] = rol(A[16] ^ D1, 45);
        B[18] = rol(A[17] ^ D2, 15);
        B[3] = rol(A[18] ^ D3, 21);
        B[13] = rol(A[19] ^ D4, 8);
        B[14] = rol(A[20] ^ D0, 18);
        B[24] = rol(A[21] ^ D1, 2);
        B[9] = rol(A[22] ^ D2, 61);
        B[19] = rol(A[23] ^ D3, 56);
        B[4] = rol(A[24] ^ D4, 14);
        A[0] = B[0] ^ (~B[1] & B[2]);
        A[1] = B[1] ^ (~B[2] & B[3]);
        A[2] = B[2] ^ (~B[3] & B[4]);
        A[3] = B[3] ^ (~B[4] & B[0]);
        A[4] = B[4] ^ (~B[0] & B[1]);
        A[5] = B[5] ^ (~B[6] & B[7]);
        A[6] = B[6] ^ (~B[7] & B[8]);
        A[7] = B[7] ^ (~B[8] & B[9]);
        A[8] = B[8] ^ (~B[9] & B[5]);
        A[9] = B[9] ^ (~B[5] & B[6]);
        A[10] = B[10] ^ (~B[11] & B[12]);
        A[11] = B[11] ^ (~B[12] & B[13]);
        A[12] = B[12] ^ (~B[13] & B[14]);
        A[13] = B[13] ^ (~B[14] & B[10]);
        A[14] = B[14] ^ (~B[10] & B[11]);
        A[15] = B[15] ^ (~B[16] & B[17]);
        A[16] = B[16] ^ (~B[17] & B[18]);
        A[17] = B[17] ^ (~B[18] & B[19]);
        A[18] = B[18] ^ (~B[19] & B[15]);
        A[19] = B[19] ^ (~B[15] & B[16]);
        A[20] = B[20] ^ (~B[21] & B[22]);
        A[21] = B[21] ^ (~B[22] & B[23]);
        A[22] = B[22] ^ (~B[23] & B[24]);
        A[23] = B[23] ^ (~B[24] & B[20]);
        A[24] = B[24] ^ (~B[20] & B[21]);
        A[0] ^= RC[r];
    }
}

void lcp_keccak256_init(lcp_keccak256_ctx *ctx) { memset(ctx, 0, sizeof *ctx); }

void lcp_keccak256_update(lcp_keccak256_ctx *ctx, const uint8_t *in, size_t len)
{
    size_t pos = ctx->pos;
    /* Whole 8-byte lanes when aligned to a lane boundary: the common case for long inputs. */
    while (len > 0) {
        if ((pos & 7) == 0 && len >= 8) {
            uint64_t lane = 0;
            for (int k = 7; k >= 0; k--) lane = (lane << 8) | in[k];
            ctx->st[pos >> 3] ^= lane;
            pos += 8;
            in += 8;
            len -= 8;
        } else {
            ctx->st[pos >> 3] ^= (uint64_t)(*in) << (8 * (pos & 7));
            pos++;
            in++;
            len--;
        }
        if (pos == RATE) {
            keccakf(ctx->st);
            pos = 0;
        }
    }
    ctx->pos = pos;
}

void lcp_keccak256_final(lcp_keccak256_ctx *ctx, uint8_t out[LCP_KECCAK256_LEN])
{
    ctx->st[ctx->pos >> 3] ^= (uint64_t)0x01 << (8 * (ctx->pos & 7));
    ctx->st[(RATE - 1) >> 3] ^= (uint64_t)0x80 << (8 * ((RATE - 1) & 7));
    keccakf(ctx->st);
    for (int i = 0; i < LCP_KECCAK256_LEN; i++) out[i] = (uint8_t)(ctx->st[i >> 3] >> (8 * (i & 7)));
    lcp_memzero(ctx, sizeof *ctx);
}

void lcp_keccak256(uint8_t out[LCP_KECCAK256_LEN], const uint8_t *in, size_t len)
{
    lcp_keccak256_ctx ctx;
    lcp_keccak256_init(&ctx);
    lcp_keccak256_update(&ctx, in, len);
    lcp_keccak256_final(&ctx, out);
}
