/* Commitment verification against its primitive floor, in one run:
 *   - keccak256 of a typical UpdateState message (client/01/003, 1056 bytes) + ecrecover  vs  bare libsecp256k1
 *     recover of the same signature (target <= 1.15x);
 *   - Keccak-256 throughput on 1 MiB, and its ratio to bench/peers/keccak.mjs (@noble/hashes) under make bench.
 * Also the LCP client's UpdateClient on the same message (decode, signature, state checks, in-memory store). */
#include <secp256k1.h>
#include <secp256k1_recovery.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "lcp/commitment.h"
#include "lcp/crypto.h"

static uint8_t msg[4096], sig[65], digest[32], big[1 << 20];
static size_t msg_len;

static int bench_verify(void *arg)
{
    (void)arg;
    uint8_t addr[20];
    return lcp_commitment_recover_signer(addr, msg, msg_len, sig, 65, NULL);
}

static int bench_bare_recover(void *arg)
{
    (void)arg;
    secp256k1_ecdsa_recoverable_signature rs;
    secp256k1_pubkey pk;
    if (!secp256k1_ecdsa_recoverable_signature_parse_compact(secp256k1_context_static, &rs, sig, sig[64])) return 1;
    return secp256k1_ecdsa_recover(secp256k1_context_static, &pk, &rs, digest) ? 0 : 1;
}

static int bench_decode(void *arg)
{
    (void)arg;
    lcp_proxy_msg m;
    return lcp_proxy_msg_decode(&m, msg, msg_len, NULL);
}

static int bench_keccak_1m(void *arg)
{
    (void)arg;
    uint8_t out[32];
    lcp_keccak256(out, big, sizeof big);
    return 0;
}

static int bench_keccak_msg(void *arg)
{
    (void)arg;
    uint8_t out[32];
    lcp_keccak256(out, msg, msg_len);
    return 0;
}

/* The 003 result of the LCP fixtures, base64 in JSON: decode without a JSON library. */
static int load(void)
{
    size_t n;
    uint8_t *raw = lcp_bench_fixture("commitment", "lcp/lcp-solidity/client/01/003-update_client_result", &n);
    const char *m = strstr((char *)raw, "\"message\":\""), *s = strstr((char *)raw, "\"signature\":\"");
    if (!m || !s) return -1;
    m += 11;
    s += 13;
    size_t sig_len;
    int rc = lcp_base64_decode(msg, sizeof msg, &msg_len, m, (size_t)(strchr(m, '"') - m), NULL) ||
             lcp_base64_decode(sig, sizeof sig, &sig_len, s, (size_t)(strchr(s, '"') - s), NULL) || sig_len != 65;
    lcp_free(raw);
    lcp_keccak256(digest, msg, msg_len);
    return rc ? -1 : 0;
}

int main(void)
{
    if (load() != 0) {
        fprintf(stderr, "bench/commitment: the 003 fixture does not hold a message and a 65-byte signature\n");
        return 1;
    }
    for (size_t i = 0; i < sizeof big; i++) big[i] = (uint8_t)(i * 7 + 1);
    printf("== commitment (message %zu bytes)\n", msg_len);
    double v = lcp_bench_run("commitment verify (keccak + ecrecover + address)", bench_verify, NULL, 2000, 1.0);
    double r = lcp_bench_run("bare libsecp256k1 recover (floor)", bench_bare_recover, NULL, 2000, 1.0);
    double k = lcp_bench_run("keccak256 of the message", bench_keccak_msg, NULL, 10000, 0.5);
    lcp_bench_run("proxy message decode (strict ABI)", bench_decode, NULL, 10000, 0.5);
    double m = lcp_bench_run("keccak256 1 MiB", bench_keccak_1m, NULL, 20, 1.0);
    if (v <= 0 || r <= 0 || k <= 0 || m <= 0) return 1; /* a failed measurement has no ratio */
    printf("ratio commitment verify / bare recover: %.3f (target <= 1.15: %s)\n", v / r,
           lcp_bench_verdict(v / r, 1.15, 1));
    printf("keccak share of verify: %.1f%%\n", 100.0 * k / v);
    printf("keccak256 throughput: %.1f MiB/s\n", 1e9 / m);
    double peer = lcp_bench_peer("keccak_mib_s");
    if (peer > 0) {
        double x = 1e9 / m / peer;
        const char *w = lcp_bench_faster(&x);
        printf("vs @noble/hashes keccak_256 at %.1f MiB/s: %.1fx %s\n", peer, x, w);
    }
    return 0;
}
