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

/* Rotation offsets and the pi lane order, walked along the rho-pi cycle starting at lane 1. */
static const unsigned ROTC[24] = {1, 3, 6, 10, 15, 21, 28, 36, 45, 55, 2, 14, 27, 41, 56, 8, 25, 43, 62, 18, 39, 61, 20, 44};
static const unsigned PILN[24] = {10, 7, 11, 17, 18, 3, 5, 16, 8, 21, 24, 4, 15, 23, 19, 13, 12, 2, 20, 14, 22, 9, 6, 1};

static inline uint64_t rol(uint64_t x, unsigned n) { return (x << n) | (x >> (64 - n)); }

static void keccakf(uint64_t st[25])
{
    uint64_t bc[5], t;
    for (int r = 0; r < 24; r++) {
        for (int i = 0; i < 5; i++) bc[i] = st[i] ^ st[i + 5] ^ st[i + 10] ^ st[i + 15] ^ st[i + 20];
        for (int i = 0; i < 5; i++) {
            t = bc[(i + 4) % 5] ^ rol(bc[(i + 1) % 5], 1);
            for (int j = 0; j < 25; j += 5) st[j + i] ^= t;
        }
        t = st[1];
        for (int i = 0; i < 24; i++) {
            unsigned j = PILN[i];
            uint64_t tmp = st[j];
            st[j] = rol(t, ROTC[i]);
            t = tmp;
        }
        for (int j = 0; j < 25; j += 5) {
            for (int i = 0; i < 5; i++) bc[i] = st[j + i];
            for (int i = 0; i < 5; i++) st[j + i] ^= (~bc[(i + 1) % 5]) & bc[(i + 2) % 5];
        }
        st[0] ^= RC[r];
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
