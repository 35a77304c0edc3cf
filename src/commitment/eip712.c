/* EIP-712 digests of the LCP client (spec §6.8): typed-data hashes over abi.encode of static words, in the
 * "LCPClient" version "1" domain. */
#include <string.h>

#include "lcp/commitment.h"
#include "lcp/crypto.h"

static const char DOMAIN_TYPE[] =
    "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract,bytes32 salt)";
static const char REGISTER_TYPE[] = "RegisterEnclaveKey(string avr)";
static const char DCAP_REGISTER_TYPE[] = "DCAPRegisterEnclaveKey(bytes quote)";
static const char ZKDCAP_TYPE[] = "ZKDCAPRegisterEnclaveKey(bytes zkDCAPVerifierInfo,bytes32 outputHash)";
static const char OPERATORS_TYPE[] = "UpdateOperators(string clientId,uint64 nonce,address[] newOperators,"
                                     "uint64 thresholdNumerator,uint64 thresholdDenominator)";

static void hash_str(uint8_t out[32], const char *s) { lcp_keccak256(out, (const uint8_t *)s, strlen(s)); }

static void domain(uint8_t out[32], uint64_t chain_id, const uint8_t contract[20], const uint8_t salt[32])
{
    uint8_t buf[6 * 32] = {0};
    hash_str(buf, DOMAIN_TYPE);
    hash_str(buf + 32, "LCPClient");
    hash_str(buf + 64, "1");
    lcp_abi_word_u64(buf + 96, chain_id);
    memcpy(buf + 128 + 12, contract, 20);
    memcpy(buf + 160, salt, 32);
    lcp_keccak256(out, buf, sizeof buf);
}

void lcp_eip712_domain_universal(uint8_t out[32])
{
    static const uint8_t zero[32];
    domain(out, 0, zero, zero);
}

void lcp_eip712_domain_evm(uint8_t out[32], uint64_t chain_id, const uint8_t verifying_contract[20])
{
    uint8_t type[2] = {0, 1}, salt[32];
    lcp_keccak256(salt, type, 2);
    domain(out, chain_id, verifying_contract, salt);
}

void lcp_eip712_domain_cosmos(uint8_t out[32], const char *chain_id, size_t chain_id_len, const uint8_t *prefix,
                              size_t prefix_len)
{
    static const uint8_t zero[32];
    uint8_t pre[2 + 64] = {0, 2}, salt[32];
    lcp_keccak256(pre + 2, (const uint8_t *)chain_id, chain_id_len);
    lcp_keccak256(pre + 34, prefix, prefix_len);
    lcp_keccak256(salt, pre, sizeof pre);
    domain(out, 0, zero, salt);
}

static void typed(uint8_t out[32], const uint8_t dom[32], const uint8_t struct_hash[32])
{
    uint8_t buf[2 + 64] = {0x19, 0x01};
    memcpy(buf + 2, dom, 32);
    memcpy(buf + 34, struct_hash, 32);
    lcp_keccak256(out, buf, sizeof buf);
}

/* RegisterEnclaveKey and DCAPRegisterEnclaveKey: one bytes-like member, hashed, in the universal domain. */
static void register_digest(uint8_t out[32], const char *type, const uint8_t *evidence, size_t len)
{
    uint8_t words[64], sh[32], dom[32];
    hash_str(words, type);
    lcp_keccak256(words + 32, evidence, len);
    lcp_keccak256(sh, words, sizeof words);
    lcp_eip712_domain_universal(dom);
    typed(out, dom, sh);
}

void lcp_eip712_register_enclave_key(uint8_t out[32], const uint8_t *avr, size_t avr_len)
{
    register_digest(out, REGISTER_TYPE, avr, avr_len);
}

void lcp_eip712_dcap_register_enclave_key(uint8_t out[32], const uint8_t *quote, size_t quote_len)
{
    register_digest(out, DCAP_REGISTER_TYPE, quote, quote_len);
}

void lcp_eip712_zkdcap_register_enclave_key(uint8_t out[32], const uint8_t *verifier_info, size_t info_len,
                                            const uint8_t *output, size_t output_len)
{
    uint8_t words[96], sh[32], dom[32];
    hash_str(words, ZKDCAP_TYPE);
    lcp_keccak256(words + 32, verifier_info, info_len);
    lcp_keccak256(words + 64, output, output_len);
    lcp_keccak256(sh, words, sizeof words);
    lcp_eip712_domain_universal(dom);
    typed(out, dom, sh);
}

void lcp_eip712_update_operators(uint8_t out[32], const uint8_t dom[32], const char *client_id, size_t client_id_len,
                                 uint64_t nonce, const uint8_t (*operators)[20], size_t n,
                                 uint64_t threshold_numerator, uint64_t threshold_denominator)
{
    uint8_t words[6 * 32], sh[32];
    hash_str(words, OPERATORS_TYPE);
    lcp_keccak256(words + 32, (const uint8_t *)client_id, client_id_len);
    lcp_abi_word_u64(words + 64, nonce);
    /* keccak256(abi.encodePacked(address[])). Solidity pads array elements even in encodePacked, and EIP-712
     * hashes an array as the concatenation of its 32-byte encoded elements (go-ethereum's TypedDataAndHash, which
     * lcp-go uses, does the same): 12 zero bytes then the address, per element. The spec sheet's "20B each" is
     * not what either deployed implementation hashes. */
    static const uint8_t pad[12];
    lcp_keccak256_ctx k;
    lcp_keccak256_init(&k);
    for (size_t i = 0; i < n; i++) {
        lcp_keccak256_update(&k, pad, sizeof pad);
        lcp_keccak256_update(&k, operators[i], 20);
    }
    lcp_keccak256_final(&k, words + 96);
    lcp_abi_word_u64(words + 128, threshold_numerator);
    lcp_abi_word_u64(words + 160, threshold_denominator);
    lcp_keccak256(sh, words, sizeof words);
    typed(out, dom, sh);
}
