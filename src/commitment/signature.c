/* Commitment signatures (spec §3.5): ECDSA-secp256k1 over the raw keccak256 of the message bytes, no EIP-191
 * prefix, 65 bytes r || s || v. */
#include "lcp/commitment.h"
#include "lcp/crypto.h"

int lcp_commitment_recover_signer(uint8_t addr[20], const uint8_t *message, size_t message_len, const uint8_t *sig,
                                  size_t sig_len, char *err)
{
    uint8_t digest[32];
    lcp_keccak256(digest, message, message_len);
    return lcp_secp256k1_recover(NULL, addr, sig, sig_len, digest, err);
}
