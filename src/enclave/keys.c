/* The enclave key (spec §4): generated from the TEE's randomness, sealed to this enclave build (MRENCLAVE policy),
 * unsealed for one command at a time (and only if it was sealed that way), and wiped as soon as the command has
 * signed. */
#include <string.h>

#include "enclave_internal.h"
#include "lcp/attestation_sgx.h"
#include "lcp/crypto.h"

int enclave_generate_key(lcp_enclave *e, const Lcp__Enclave__V1__GenerateEnclaveKey *in,
                         Lcp__Enclave__V1__GenerateEnclaveKeyResult *out, char *err)
{
    uint8_t sk[32], pub[65], rd[64];
    lcp_report_data r;
    int rc;
    memset(&r, 0, sizeof r);
    if (in->operator_.len != 0 && in->operator_.len != 20)
        return lcp_fail(err, LCP_ERR_ILLEGAL_ARG, "operator must be a 20-byte address");
    if (in->target_info.len != 0 && in->target_info.len != LCP_TEE_TARGET_INFO_LEN)
        return lcp_fail(err, LCP_ERR_ILLEGAL_ARG, "target_info must be %d bytes", LCP_TEE_TARGET_INFO_LEN);
    /* Retry until the 32 random bytes are a valid scalar (below the order, not zero): LCP does the same. */
    do {
        if ((rc = lcp_tee_random(e->tee, sk, sizeof sk)) != LCP_OK) goto cleanup;
    } while (lcp_secp256k1_seckey_check(sk) != LCP_OK);
    if ((rc = lcp_secp256k1_pubkey(pub, sk)) != LCP_OK) goto cleanup;
    if ((rc = lcp_secp256k1_address(r.enclave_key, pub, 65)) != LCP_OK) goto cleanup;
    if (in->operator_.len) memcpy(r.operator_addr, in->operator_.data, 20);
    lcp_report_data_write(rd, &r);
    size_t sealed_len = LCP_TEE_SEALED_LEN(32, 0), n;
    out->sealed_enclave_key.data = lcp_malloc(sealed_len);
    out->report.data = lcp_malloc(LCP_TEE_REPORT_LEN);
    out->pub_key.data = lcp_malloc(LCP_PUBKEY_COMPRESSED_LEN);
    out->address.data = lcp_malloc(20);
    if (!out->sealed_enclave_key.data || !out->report.data || !out->pub_key.data || !out->address.data) {
        rc = lcp_fail(err, LCP_ERR_NOMEM, "out of memory");
        goto cleanup;
    }
    if ((rc = lcp_tee_seal(e->tee, out->sealed_enclave_key.data, sealed_len, &n, LCP_TEE_KEYPOLICY_MRENCLAVE, NULL, 0,
                           sk, sizeof sk, err)) != LCP_OK)
        goto cleanup;
    out->sealed_enclave_key.len = n;
    if ((rc = lcp_tee_report(e->tee, out->report.data, in->target_info.len ? in->target_info.data : NULL, rd, err)) !=
        LCP_OK)
        goto cleanup;
    out->report.len = LCP_TEE_REPORT_LEN;
    if ((rc = lcp_secp256k1_pubkey_compress(out->pub_key.data, pub, 65)) != LCP_OK) goto cleanup;
    out->pub_key.len = LCP_PUBKEY_COMPRESSED_LEN;
    memcpy(out->address.data, r.enclave_key, 20);
    out->address.len = 20;
cleanup:
    lcp_memzero(sk, sizeof sk);
    return rc;
}

/* Unseals the sealed key of `signer` into sk (wiped by the caller) after the checks of enclave_sign (below). */
static int unseal_signer(lcp_enclave *e, uint8_t sk[32], const ProtobufCBinaryData *sealed,
                         const ProtobufCBinaryData *signer, char *err)
{
    uint8_t buf[64], pub[65], addr[20];
    size_t n = 0;
    if (signer->len != 20) return lcp_fail(err, LCP_ERR_ILLEGAL_ARG, "signer must be a 20-byte enclave key address");
    if (sealed->len == 0) return lcp_fail(err, LCP_ERR_ILLEGAL_ARG, "sealed_enclave_key_not_found: no sealed key for the signer");
    /* Only a key this enclave build sealed to itself is used. Under MRSIGNER policy every build of the same signer
     * (in sim, every development build: they share the development MRSIGNER) derives the same sealing key, so such
     * a blob may hold a key that another program chose and knows. MRENCLAVE policy, which is what
     * enclave_generate_key and LCP seal under, makes the unsealing key depend on this enclave's own MRENCLAVE: a
     * blob sealed by any other build fails its tag. A blob naming both policies is refused too: it is not what
     * this enclave writes. */
    lcp_tee_sealed_info info;
    int rc = lcp_tee_sealed_parse(&info, sealed->data, sealed->len, err);
    if (rc != LCP_OK) return rc;
    if (info.req.key_policy != LCP_TEE_KEYPOLICY_MRENCLAVE)
        return lcp_fail(err, LCP_ERR_CRYPTO_KEY,
                        "the sealed key has key policy 0x%x, not MRENCLAVE (0x1): it was not sealed by this enclave to "
                        "itself, so it is not used",
                        (unsigned)info.req.key_policy);
    rc = lcp_tee_unseal(e->tee, buf, sizeof buf, &n, NULL, sealed->data, sealed->len, err);
    if (rc != LCP_OK) goto cleanup;
    if (n != 32 || lcp_secp256k1_pubkey(pub, buf) != LCP_OK) {
        rc = lcp_fail(err, LCP_ERR_CRYPTO_KEY, "the sealed data is not an enclave key");
        goto cleanup;
    }
    if ((rc = lcp_secp256k1_address(addr, pub, 65)) != LCP_OK) goto cleanup;
    /* The host chooses which sealed blob to hand over: make sure it is the key the caller asked for. */
    if (memcmp(addr, signer->data, 20) != 0) {
        rc = lcp_fail(err, LCP_ERR_CRYPTO_KEY, "the sealed key is not the requested signer");
        goto cleanup;
    }
    memcpy(sk, buf, 32);
cleanup:
    lcp_memzero(buf, sizeof buf);
    return rc;
}

int enclave_sign(lcp_enclave *e, uint8_t sig[65], const ProtobufCBinaryData *sealed, const ProtobufCBinaryData *signer,
                 const uint8_t *msg, size_t msg_len, char *err)
{
    uint8_t sk[32], digest[32];
    int rc = unseal_signer(e, sk, sealed, signer, err);
    if (rc == LCP_OK) {
        lcp_keccak256(digest, msg, msg_len);
        rc = lcp_secp256k1_sign(sig, sk, digest);
    }
    lcp_memzero(sk, sizeof sk);
    return rc;
}

/* Room for the quote Gramine returns (a DCAP quote v3 with its PEM chain is about 5 KB; the backend refuses more
 * than this rather than truncating). */
#define QUOTE_CAP (64u * 1024)

int enclave_quote_key(lcp_enclave *e, const ecall_req *req, ecall_resp *resp, enclave_out *o, char *err)
{
    const Lcp__Enclave__V1__QuoteEnclaveKey *in = req->quote_enclave_key;
    uint8_t sk[32], pub[65], rd[LCP_SGX_REPORT_DATA_LEN];
    lcp_report_data r;
    memset(&r, 0, sizeof r);
    if (in == NULL) return lcp_fail(err, LCP_ERR_PROTO, "QuoteEnclaveKey without its command");
    if (in->operator_.len != 0 && in->operator_.len != 20)
        return lcp_fail(err, LCP_ERR_ILLEGAL_ARG, "operator must be a 20-byte address");
    /* Only a key this enclave holds gets quoted: the report data is rebuilt here from the unsealed key, never taken
     * from the host, so a quote can bind no key but ours. */
    int rc = unseal_signer(e, sk, &req->sealed_enclave_key, &in->signer, err);
    if (rc == LCP_OK && (rc = lcp_secp256k1_pubkey(pub, sk)) == LCP_OK)
        rc = lcp_secp256k1_address(r.enclave_key, pub, 65);
    lcp_memzero(sk, sizeof sk);
    if (rc != LCP_OK) return rc;
    if (in->operator_.len) memcpy(r.operator_addr, in->operator_.data, 20);
    lcp_report_data_write(rd, &r);
    if ((rc = lcp_buf_reserve(&o->quote_buf, QUOTE_CAP)) != LCP_OK) return lcp_fail(err, rc, "out of memory");
    size_t n = 0;
    /* sim refuses (LCP_ERR_TEE_UNSUPPORTED): its QE is the host's, which quotes the key's report instead. */
    if ((rc = lcp_tee_quote(e->tee, o->quote_buf.data, QUOTE_CAP, &n, rd, err)) != LCP_OK) return rc;
    o->quote_buf.len = n;
    lcp__enclave__v1__quote_enclave_key_result__init(&o->quote);
    o->quote.quote.data = o->quote_buf.data;
    o->quote.quote.len = n;
    resp->result_case = LCP__ENCLAVE__V1__ECALL_RESPONSE__RESULT_QUOTE_ENCLAVE_KEY;
    resp->quote_enclave_key = &o->quote;
    return LCP_OK;
}
