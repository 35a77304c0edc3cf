/* ethtrie — an in-memory Ethereum Merkle-Patricia-trie builder for tests and test chains (never linked into the
 * enclave): the root of a set of key/value pairs, and the EIP-1186 proof of any key (present or absent) in the
 * wire form the light client takes (one RLP list of the hashed nodes on the key's path, root first; nodes shorter
 * than 32 bytes stay inline in their parent, as go-ethereum's Prove leaves them).
 *
 * Keys are raw trie keys (a secure trie's caller hashes them first: keccak256(address), keccak256(slot)).
 * Values must be non-empty (an empty value is no entry). Encodings come from codec's RLP encoder and hashes from
 * crypto's Keccak-256; the trie vector test checks the roots against ethereum/tests. Test code: an allocation
 * failure or misuse prints why and aborts. */
#ifndef LCP_TEST_ETHTRIE_H
#define LCP_TEST_ETHTRIE_H

#include <stddef.h>
#include <stdint.h>

#include "lcp/base.h"

typedef struct {
    const uint8_t *key;
    size_t key_len;
    const uint8_t *val;
    size_t val_len;
} ethtrie_kv;

/* Root of the trie holding kvs[0..n) (keys distinct; any order; kvs is not modified). n == 0 gives the empty root
 * keccak256(0x80). */
void ethtrie_root(uint8_t root[32], const ethtrie_kv *kvs, size_t n);

/* Proof of key in the trie of kvs: appends to proof (an lcp_buf the caller frees with lcp_buf_free) the RLP list
 * of the path's nodes. For an absent key the nodes prove absence. */
void ethtrie_proof(lcp_buf *proof, const ethtrie_kv *kvs, size_t n, const uint8_t *key, size_t key_len);

/* An ordered map of owned key/value copies, for applying vector operations (insert, replace, delete) in order. */
typedef struct {
    ethtrie_kv *kv;
    size_t n, cap;
} ethtrie_map;
/* Sets key to val (val_len 0 deletes, as go-ethereum's trie.Update does). */
void ethtrie_map_put(ethtrie_map *m, const uint8_t *key, size_t key_len, const uint8_t *val, size_t val_len);
void ethtrie_map_free(ethtrie_map *m);

#endif
