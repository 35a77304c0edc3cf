/* IAS report signature and certificate chain (lcp/attestation_ias.h), with OpenSSL 3.
 * dcap.md 3: the signing certificate must chain to the pinned root; the signature is RSASSA-PKCS1-v1_5 with SHA-256
 * over the exact response body. */
#include "lcp/attestation_ias.h"

#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

/* One DER certificate, all of it: trailing bytes would let two different byte strings stand for one certificate. */
static X509 *load_der(const uint8_t *der, size_t len, const char *what, char *err)
{
    if (der == NULL || len == 0 || len > (1u << 20)) {
        lcp_fail(err, LCP_ERR_ATTESTATION_CERT, "%s certificate is empty or too large", what);
        return NULL;
    }
    const unsigned char *p = der;
    X509 *x = d2i_X509(NULL, &p, (long)len);
    if (x == NULL) {
        lcp_fail(err, LCP_ERR_ATTESTATION_CERT, "%s certificate is not DER X.509", what);
        return NULL;
    }
    if ((size_t)(p - der) != len) {
        X509_free(x);
        lcp_fail(err, LCP_ERR_ATTESTATION_CERT, "%s certificate has %zu trailing bytes", what, len - (size_t)(p - der));
        return NULL;
    }
    return x;
}

/* Verifies leaf against root alone at time now. The store holds nothing but root and never loads the system's
 * certificates; no untrusted intermediates are offered, so the only possible chain is [leaf, root]. */
static int verify_chain(X509 *leaf, X509 *root, int64_t now, char *err)
{
    int rc = LCP_ERR_ATTESTATION_CERT;
    X509_STORE *store = X509_STORE_new();
    X509_STORE_CTX *ctx = X509_STORE_CTX_new();
    if (store == NULL || ctx == NULL || X509_STORE_add_cert(store, root) != 1 ||
        X509_STORE_CTX_init(ctx, store, leaf, NULL) != 1) {
        rc = lcp_fail(err, LCP_ERR_CRYPTO, "cannot set up certificate verification");
        goto done;
    }
    X509_VERIFY_PARAM *param = X509_STORE_CTX_get0_param(ctx);
    /* set_time also sets X509_V_FLAG_USE_CHECK_TIME: validity is judged at now, never at the machine's clock. */
    X509_VERIFY_PARAM_set_time(param, (time_t)now);
    /* No X509_V_FLAG_X509_STRICT: the simulation PKI that LCP deploys (simulation_rootca.der) is made of X.509 v1
     * certificates, which strict mode refuses as issuers, and lcp/lcp-go accept them. */
    if (X509_verify_cert(ctx) != 1) {
        int e = X509_STORE_CTX_get_error(ctx);
        int expired = e == X509_V_ERR_CERT_HAS_EXPIRED || e == X509_V_ERR_CERT_NOT_YET_VALID;
        rc = lcp_fail(err, expired ? LCP_ERR_ATTESTATION_CERT_EXPIRED : LCP_ERR_ATTESTATION_CERT,
                      "signing certificate %s at %lld: %s (depth %d)",
                      expired ? "is not valid" : "does not chain to the root", (long long)now,
                      X509_verify_cert_error_string(e), X509_STORE_CTX_get_error_depth(ctx));
        goto done;
    }
    STACK_OF(X509) *chain = X509_STORE_CTX_get0_chain(ctx);
    if (chain == NULL || sk_X509_num(chain) != 2) {
        rc = lcp_fail(err, LCP_ERR_ATTESTATION_CERT, "chain is not exactly [signing certificate, root]");
        goto done;
    }
    rc = LCP_OK;
done:
    X509_STORE_CTX_free(ctx);
    X509_STORE_free(store);
    return rc;
}

static int verify_rsa(X509 *leaf, const uint8_t *msg, size_t msg_len, const uint8_t *sig, size_t sig_len, char *err)
{
    EVP_PKEY *pk = X509_get0_pubkey(leaf); /* owned by leaf */
    if (pk == NULL || EVP_PKEY_get_base_id(pk) != EVP_PKEY_RSA)
        return lcp_fail(err, LCP_ERR_ATTESTATION_CERT, "signing certificate does not hold an RSA key");
    int bits = EVP_PKEY_get_bits(pk);
    if (bits < LCP_IAS_MIN_RSA_BITS)
        return lcp_fail(err, LCP_ERR_ATTESTATION_CERT, "signing key has %d bits, at least %d required", bits,
                        LCP_IAS_MIN_RSA_BITS);
    /* PKCS#1 v1.5 signatures are exactly the modulus length; say so plainly instead of an OpenSSL error. */
    if (sig_len != (size_t)EVP_PKEY_get_size(pk))
        return lcp_fail(err, LCP_ERR_ATTESTATION_SIGNATURE, "signature is %zu bytes, the %d-bit key needs %d", sig_len,
                        bits, EVP_PKEY_get_size(pk));
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    EVP_PKEY_CTX *pctx = NULL;
    int rc;
    if (md == NULL || EVP_DigestVerifyInit(md, &pctx, EVP_sha256(), NULL, pk) != 1 ||
        EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) != 1) {
        rc = lcp_fail(err, LCP_ERR_CRYPTO, "cannot set up RSA verification");
    } else if (EVP_DigestVerify(md, sig, sig_len, msg, msg_len) != 1) {
        rc = lcp_fail(err, LCP_ERR_ATTESTATION_SIGNATURE, "RSA-SHA256 signature does not verify over the report");
    } else
        rc = LCP_OK;
    EVP_MD_CTX_free(md);
    return rc;
}

int lcp_ias_verify_signature(const uint8_t *avr, size_t avr_len, const uint8_t *sig, size_t sig_len,
                             const uint8_t *signing_cert, size_t signing_cert_len, const uint8_t *root,
                             size_t root_len, int64_t now, char *err)
{
    LCP_ARG_CHECK(avr != NULL || avr_len == 0);
    LCP_ARG_CHECK(sig != NULL || sig_len == 0);
    X509 *leaf = NULL, *anchor = NULL;
    int rc = LCP_ERR_ATTESTATION_CERT;
    if ((anchor = load_der(root, root_len, "root", err)) == NULL) goto done;
    if ((leaf = load_der(signing_cert, signing_cert_len, "signing", err)) == NULL) goto done;
    if ((rc = verify_chain(leaf, anchor, now, err)) != LCP_OK) goto done;
    rc = verify_rsa(leaf, avr, avr_len, sig, sig_len, err);
done:
    X509_free(leaf);
    X509_free(anchor);
    return rc;
}

int lcp_ias_verify(lcp_ias_report *out, const uint8_t *avr, size_t avr_len, const uint8_t *sig, size_t sig_len,
                   const uint8_t *signing_cert, size_t signing_cert_len, const uint8_t *root, size_t root_len,
                   int64_t now, char *err)
{
    LCP_ARG_CHECK(out != NULL);
    int rc = lcp_ias_verify_signature(avr, avr_len, sig, sig_len, signing_cert, signing_cert_len, root, root_len,
                                      now, err);
    if (rc != LCP_OK) return rc;
    return lcp_ias_report_parse(out, avr, avr_len, err);
}
