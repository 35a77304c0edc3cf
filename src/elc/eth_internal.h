/* Private to the Ethereum light client (src/elc/eth_*.c, ethereum.c). */
#ifndef LCP_ELC_ETH_INTERNAL_H
#define LCP_ELC_ETH_INTERNAL_H

#include "lcp/elc_ethereum.h"

/* SHA-256 of what committee decoding reads: the key count (u32 LE), the SyncCommittee message, the aggregate. */
int eth_committee_digest(uint8_t digest[32], const lcp_eth_sync_committee *c);
/* 1 and out filled if a committee with this digest was decoded and validated before; else 0. */
int eth_committee_cache_get(lcp_eth_committee *out, const uint8_t digest[32]);
/* Remembers a validated committee (least recently used entry replaced). */
void eth_committee_cache_put(const uint8_t digest[32], const lcp_eth_committee *c);

#endif
