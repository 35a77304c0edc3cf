/* Ethereum execution-proof and SSZ costs, against the primitives they are made of.
 *  - MPT: lcp_eth_mpt_verify_account on the real mainnet account proof of helios proof.json (8 nodes) and
 *    lcp_eth_mpt_verify_storage_word on its storage proof (3 nodes); the floor is one Keccak-256 per proof byte
 *    (each node is hashed once to be found by its hash), measured here on the same nodes. The peer is
 *    @ethereumjs/mpt's verifyMerkleProof on the same proofs (bench/peers/eth_mpt.mjs).
 *  - SSZ: hash_tree_root of the mainnet period-713 SyncCommittee (512 keys: 1025 SHA-256 of 64 bytes), against
 *    1025 bare OpenSSL SHA256_Init/Update/Final of 64 bytes (the primitive it runs), and 1025 lcp_sha256 (EVP) for
 *    scale. */
#define OPENSSL_SUPPRESS_DEPRECATED
#include <cjson/cJSON.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "lcp/crypto.h"
#include "lcp/elc_eth_mpt.h"
#include "lcp/elc_eth_ssz.h"

static void die(const char *what)
{
    fprintf(stderr, "eth_mpt bench: %s\n", what);
    exit(1);
}

static cJSON *load_json(const char *rel)
{
    size_t n;
    uint8_t *p = lcp_bench_fixture("eth_mpt", rel, &n);
    cJSON *j = cJSON_ParseWithLength((const char *)p, n);
    lcp_free(p);
    if (j == NULL) die(rel);
    return j;
}

static size_t hex_into(uint8_t *out, size_t cap, const char *s)
{
    size_t n;
    if (lcp_hex_decode(out, cap, &n, s, strlen(s), NULL) != LCP_OK) die("bad hex");
    return n;
}

typedef struct {
    uint8_t buf[16384];
    lcp_bytes node[16];
    size_t n;
} proof;

static void proof_from(proof *p, const cJSON *arr)
{
    size_t off = 0;
    p->n = 0;
    const cJSON *x;
    cJSON_ArrayForEach(x, arr)
    {
        if (p->n == 16) die("proof too long");
        size_t l = hex_into(p->buf + off, sizeof p->buf - off, x->valuestring);
        p->node[p->n++] = (lcp_bytes){p->buf + off, l};
        off += l;
    }
}

static proof acct_p, stor_p;
static uint8_t state_root[32], storage_root[32], address[20], slot[32];

static int run_account(void *arg)
{
    (void)arg;
    int found;
    lcp_eth_account a;
    return lcp_eth_mpt_verify_account(&found, &a, state_root, address, acct_p.node, acct_p.n, NULL) || !found;
}

static int run_storage(void *arg)
{
    (void)arg;
    int found;
    uint8_t w[32];
    return lcp_eth_mpt_verify_storage_word(&found, w, storage_root, slot, stor_p.node, stor_p.n, NULL) || !found;
}

static int run_hash_nodes(void *arg)
{
    const proof *p = arg;
    uint8_t h[32];
    for (size_t i = 0; i < p->n; i++) lcp_keccak256(h, p->node[i].ptr, p->node[i].len);
    return h[0] == 0 && h[1] == 0 && h[2] == 0 && h[3] == 0 && h[4] == 0; /* keeps the loop */
}

static uint8_t (*pubkeys)[48], aggregate[48];

static int run_committee(void *arg)
{
    (void)arg;
    uint8_t root[32];
    return lcp_eth_ssz_sync_committee_root(root, (const uint8_t(*)[48])pubkeys, 512, aggregate);
}

static int run_sha_floor(void *arg)
{
    (void)arg;
    uint8_t in[64] = {1}, out[32];
    for (int i = 0; i < 1025; i++) {
        SHA256_CTX c;
        if (!SHA256_Init(&c) || !SHA256_Update(&c, in, 64) || !SHA256_Final(out, &c)) return 1;
        in[0] = out[0];
    }
    return 0;
}

static int run_sha_evp(void *arg)
{
    (void)arg;
    uint8_t in[64] = {1}, out[32];
    for (int i = 0; i < 1025; i++)
        if (lcp_sha256(out, in, 64)) return 1;
    return 0;
}

static void peer_line(const char *what, double ns, const char *peer_name)
{
    double peer = lcp_bench_peer(peer_name);
    if (peer <= 0) return;
    double x = peer / ns;
    const char *w = lcp_bench_faster(&x);
    printf("%s vs @ethereumjs/mpt at %.0f ns/op: %.1fx %s\n", what, peer, x, w);
}

int main(void)
{
    cJSON *blk = load_json("ethereum/mpt_proofs/helios/block.json");
    hex_into(state_root, 32, cJSON_GetObjectItemCaseSensitive(blk, "stateRoot")->valuestring);
    cJSON_Delete(blk);
    cJSON *p = load_json("ethereum/mpt_proofs/helios/proof.json");
    hex_into(address, 20, cJSON_GetObjectItemCaseSensitive(p, "address")->valuestring);
    hex_into(storage_root, 32, cJSON_GetObjectItemCaseSensitive(p, "storageHash")->valuestring);
    proof_from(&acct_p, cJSON_GetObjectItemCaseSensitive(p, "accountProof"));
    const cJSON *sp = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(p, "storageProof"), 0);
    hex_into(slot, 32, cJSON_GetObjectItemCaseSensitive(sp, "key")->valuestring);
    proof_from(&stor_p, cJSON_GetObjectItemCaseSensitive(sp, "proof"));
    cJSON_Delete(p);
    size_t ab = 0, sb = 0;
    for (size_t i = 0; i < acct_p.n; i++) ab += acct_p.node[i].len;
    for (size_t i = 0; i < stor_p.n; i++) sb += stor_p.node[i].len;

    printf("== eth_mpt (mainnet proofs: account %zu nodes / %zu bytes, storage %zu nodes / %zu bytes)\n", acct_p.n, ab,
           stor_p.n, sb);
    double a = lcp_bench_run("mpt verify account (mainnet, 8 nodes)", run_account, NULL, 2000, 1.0);
    double af = lcp_bench_run("keccak256 of the account proof's nodes", run_hash_nodes, &acct_p, 2000, 1.0);
    double s = lcp_bench_run("mpt verify storage (mainnet, 3 nodes)", run_storage, NULL, 2000, 1.0);
    double sf = lcp_bench_run("keccak256 of the storage proof's nodes", run_hash_nodes, &stor_p, 2000, 1.0);
    if (a < 0 || af < 0 || s < 0 || sf < 0) die("a run failed");
    printf("ratio account verify / keccak floor: %.2f\n", a / af);
    printf("ratio storage verify / keccak floor: %.2f\n", s / sf);
    peer_line("account verify", a, "eth_mpt_account_ns");
    peer_line("storage verify", s, "eth_mpt_storage_ns");

    pubkeys = calloc(512, 48);
    if (pubkeys == NULL) die("out of memory");
    cJSON *sc =
        load_json("ethereum/lightclient/ethereum-light-client-rs/mainnet/mainnet_sync_committee_period_713.json");
    size_t i = 0;
    const cJSON *x;
    cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(sc, "pubkeys"))
    {
        if (i == 512) die("committee larger than 512");
        hex_into(pubkeys[i++], 48, x->valuestring);
    }
    hex_into(aggregate, 48, cJSON_GetObjectItemCaseSensitive(sc, "aggregate_pubkey")->valuestring);
    cJSON_Delete(sc);
    if (i != 512) die("committee smaller than 512");
    double c = lcp_bench_run("ssz SyncCommittee root (512 keys)", run_committee, NULL, 200, 1.0);
    double cf = lcp_bench_run("1025 x OpenSSL SHA256_* (64 bytes)", run_sha_floor, NULL, 200, 1.0);
    double ce = lcp_bench_run("1025 x lcp_sha256(64 bytes) (EVP)", run_sha_evp, NULL, 200, 1.0);
    if (c < 0 || cf < 0 || ce < 0) die("a run failed");
    printf("ratio committee root / sha256 floor: %.2f (EVP per node would be %.2f)\n", c / cf, ce / cf);
    free(pubkeys);
    return 0;
}
