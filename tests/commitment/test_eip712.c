/* EIP-712 digests against ethers' TypedDataEncoder (tests/vectors/commitment/eip712.txt, made by
 * tools/vectors/eip712.mjs) and against the published constants of spec §6.8, including the operator-signed
 * RegisterEnclaveKey digest of the reports/valid/operator_0xc1ea… fixture. */
#include "testutil.h"

#include <stdio.h>
#include <string.h>

#include "lcp/commitment.h"
#include "lcp/crypto.h"

static void vec(const char *name, uint8_t out[32])
{
    FILE *f = fopen(LCP_ROOT "/tests/vectors/commitment/eip712.txt", "r");
    assert_non_null(f);
    char k[64], hex[65];
    while (fscanf(f, "%63s %64s", k, hex) == 2)
        if (strcmp(k, name) == 0) {
            fclose(f);
            tu_hex(out, 32, hex);
            return;
        }
    fclose(f);
    fail_msg("no vector %s", name);
}

static const uint8_t CONTRACT[20] = {0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11,
                                     0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11};

static void test_domains(void **state)
{
    (void)state;
    uint8_t got[32], want[32];
    lcp_eip712_domain_universal(got);
    tu_hex(want, 32, "7fd21c2453e80741907e7ff11fd62ae1daa34c6fc0c2eced821f1c1d3fe88a4c"); /* spec §6.8 */
    assert_memory_equal(got, want, 32);
    lcp_eip712_domain_evm(got, 31337, CONTRACT);
    vec("domain_evm_31337", want);
    assert_memory_equal(got, want, 32);
    lcp_eip712_domain_cosmos(got, "ibc0", 4, (const uint8_t *)"ibc", 3);
    vec("domain_cosmos_ibc0", want);
    assert_memory_equal(got, want, 32);
}

static void test_update_operators(void **state)
{
    (void)state;
    uint8_t ops[3][20], dom[32], got[32], want[32];
    tu_hex(ops[0], 20, "1d2fc68855a80db27172cb5634793e2038f6a209");
    tu_hex(ops[1], 20, "6e957a6e0000000000000000000000000000d3bb");
    tu_hex(ops[2], 20, "c4a9ab2600000000000000000000000000001ec2");
    lcp_eip712_domain_evm(dom, 31337, CONTRACT);
    lcp_eip712_update_operators(got, dom, "lcp-client-0", 12, 1, (const uint8_t(*)[20])ops, 3, 2, 3);
    vec("update_operators_evm", want);
    assert_memory_equal(got, want, 32);
    lcp_eip712_domain_cosmos(dom, "ibc0", 4, (const uint8_t *)"ibc", 3);
    lcp_eip712_update_operators(got, dom, "lcp-client-0", 12, 7, (const uint8_t(*)[20])ops, 1, 1, 1);
    vec("update_operators_cosmos", want);
    assert_memory_equal(got, want, 32);
}

static void test_register(void **state)
{
    (void)state;
    uint8_t got[32], want[32];
    lcp_eip712_register_enclave_key(got, (const uint8_t *)"abc", 3);
    vec("register_enclave_key_abc", want);
    assert_memory_equal(got, want, 32);

    cJSON *j = tu_json("lcp/lcp-solidity/reports/valid/operator_0xc1eae5EF781f4EE5867eC6725630E7dC17fa3436");
    const char *avr = cJSON_GetObjectItemCaseSensitive(j, "avr")->valuestring;
    lcp_eip712_register_enclave_key(got, (const uint8_t *)avr, strlen(avr));
    tu_hex(want, 32, "a0d9021071cb7dbadccfd4c664baac92a26ed2eb3f0dfebc06da78f109d262aa"); /* spec §6.8 */
    assert_memory_equal(got, want, 32);
    cJSON_Delete(j);

    uint8_t info[64] = {1}, out2[2] = {1, 2};
    memset(info + 32, 0xab, 32);
    lcp_eip712_zkdcap_register_enclave_key(got, info, 64, out2, 2);
    vec("zkdcap_register", want);
    assert_memory_equal(got, want, 32);
}

/* An operator signs the digest with its wallet key; recovery gives its address back (v as 27/28 too). */
static void test_operator_sign_recover(void **state)
{
    (void)state;
    uint8_t sk[32], pub[65], addr[20], got[20], digest[32], sig[65];
    memset(sk, 0x42, 32);
    assert_int_equal(lcp_secp256k1_pubkey(pub, sk), LCP_OK);
    assert_int_equal(lcp_secp256k1_address(addr, pub, 65), LCP_OK);
    lcp_eip712_register_enclave_key(digest, (const uint8_t *)"report", 6);
    assert_int_equal(lcp_secp256k1_sign(sig, sk, digest), LCP_OK);
    assert_true(sig[64] <= 1);
    assert_int_equal(lcp_secp256k1_recover(NULL, got, sig, 65, digest, NULL), LCP_OK);
    assert_memory_equal(got, addr, 20);
    sig[64] += 27;
    assert_int_equal(lcp_secp256k1_recover(NULL, got, sig, 65, digest, NULL), LCP_OK);
    assert_memory_equal(got, addr, 20);
    sig[64] = 29;
    assert_int_equal(lcp_secp256k1_recover(NULL, got, sig, 65, digest, NULL), LCP_ERR_CRYPTO_SIG);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_domains),
        cmocka_unit_test(test_update_operators),
        cmocka_unit_test(test_register),
        cmocka_unit_test(test_operator_sign_recover),
    };
    return cmocka_run_group_tests_name("commitment/eip712", tests, NULL, NULL);
}
