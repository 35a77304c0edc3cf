/* libFuzzer target for Merkle-Patricia proofs: the input is a proof in wire form (one RLP list of nodes),
 * optionally followed by a trie key (up to 64 bytes). The root is taken as keccak256 of the first node so that
 * mutations reach past the root lookup. Verification must end in an error or a verdict, and a present value must
 * lie inside the proof; the IBC and account helpers run on the same bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lcp/codec_rlp.h"
#include "lcp/crypto.h"
#include "lcp/elc_eth_mpt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void must(int cond)
{
    if (!cond) abort();
}

static void ignore(int rc) { (void)rc; }

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    lcp_rlp_item list;
    size_t used;
    if (lcp_rlp_decode_item(&list, &used, data, size, NULL) != LCP_OK) return 0;
    const uint8_t *key = data + used;
    size_t key_len = size - used;
    uint8_t zero_key[32] = {0};
    if (key_len == 0 || key_len > 64) {
        key = zero_key;
        key_len = sizeof zero_key;
    }
    lcp_bytes nodes[LCP_ETH_MPT_MAX_NODES];
    size_t n;
    if (lcp_eth_mpt_proof_split(nodes, LCP_ETH_MPT_MAX_NODES, &n, data, used, NULL) != LCP_OK || n == 0) return 0;
    uint8_t root[32];
    lcp_keccak256(root, nodes[0].ptr, nodes[0].len);
    int found;
    lcp_bytes v;
    int rc = lcp_eth_mpt_verify(&found, &v, root, key, key_len, nodes, n, NULL);
    if (rc == LCP_OK && found) must(v.ptr >= data && v.ptr + v.len <= data + used && v.len > 0);
    if (rc != LCP_OK) must(!found && v.ptr == NULL);
    /* the helpers on the same proof: an account at the key's first 20 bytes, a storage slot, IBC paths */
    uint8_t sr[32], word[32], slot[32] = {0};
    if (key_len >= 20) ignore(lcp_eth_ibc_account_storage_root(sr, root, key, data, used, NULL));
    memcpy(slot, key, key_len < 32 ? key_len : 32);
    ignore(lcp_eth_mpt_verify_storage_word(&found, word, root, slot, nodes, n, NULL));
    ignore(lcp_eth_ibc_verify_commitment(root, slot, key, key_len, NULL, 0, data, used, NULL));
    ignore(lcp_eth_ibc_verify_commitment(root, slot, key, key_len, key, key_len, data, used, NULL));
    return 0;
}
