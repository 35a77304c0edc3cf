/* Simulated IAS reports (lcp/attestation_ias_sim.h). The JSON member order and spellings are IAS's (spec §5.2);
 * the quote header is a fixed EPID-style header of version 2, since nothing reads it but parsers. */
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "lcp/attestation_ias_sim.h"

static int append(lcp_buf *b, const char *s) { return lcp_buf_append(b, s, strlen(s)); }

/* Status and advisory strings go into JSON unescaped: allow only the characters IAS uses. */
static int plain(const char *s)
{
    for (; *s; s++)
        if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-' || *s == '_'))
            return 0;
    return 1;
}

static int build_json(lcp_buf *avr, const lcp_ias_sim_params *p, char *err)
{
    uint8_t quote[432] = {2, 0, 0, 0, 0x0b};
    lcp_sgx_report_body_write(quote + 48, &p->body);
    char b64[600], ts[40], tmp[64];
    if (lcp_base64_encode(b64, sizeof b64, quote, sizeof quote) != LCP_OK) return LCP_ERR_BUFFER_TOO_SMALL;
    time_t t = (time_t)p->timestamp;
    struct tm tm;
    if (gmtime_r(&t, &tm) == NULL || strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%S", &tm) == 0)
        return lcp_fail(err, LCP_ERR_TIME, "cannot format the report time");
    if (p->micros > 999999) return lcp_fail(err, LCP_ERR_RANGE, "micros must be below 1000000");
    if (!plain(p->status)) return lcp_fail(err, LCP_ERR_RANGE, "status has characters IAS never uses");
    int rc = append(avr, "{\"id\":\"23856791181030202675484781740313693463\",\"timestamp\":\"");
    snprintf(tmp, sizeof tmp, "%s.%06u\",\"version\":4,", ts, (unsigned)p->micros);
    if (!rc) rc = append(avr, tmp);
    if (!rc) rc = append(avr, "\"advisoryURL\":\"https://security-center.intel.com\",\"advisoryIDs\":[");
    for (size_t i = 0; !rc && i < p->n_advisory_ids; i++) {
        if (!plain(p->advisory_ids[i])) return lcp_fail(err, LCP_ERR_RANGE, "advisory ID has characters IAS never uses");
        if (i) rc = append(avr, ",");
        if (!rc) rc = append(avr, "\"");
        if (!rc) rc = append(avr, p->advisory_ids[i]);
        if (!rc) rc = append(avr, "\"");
    }
    if (!rc) rc = append(avr, "],\"isvEnclaveQuoteStatus\":\"");
    if (!rc) rc = append(avr, p->status);
    if (!rc) rc = append(avr, "\",\"platformInfoBlob\":null,\"isvEnclaveQuoteBody\":\"");
    if (!rc) rc = append(avr, b64);
    if (!rc) rc = append(avr, "\"}");
    return rc ? lcp_fail(err, rc, "out of memory building the report") : LCP_OK;
}

static int sign(lcp_buf *sig, const lcp_buf *avr, const uint8_t *pem, size_t pem_len, char *err)
{
    BIO *bio = BIO_new_mem_buf(pem, (int)pem_len);
    EVP_PKEY *key = bio ? PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL) : NULL;
    BIO_free(bio);
    if (key == NULL || EVP_PKEY_get_base_id(key) != EVP_PKEY_RSA) {
        EVP_PKEY_free(key);
        return lcp_fail(err, LCP_ERR_CRYPTO_KEY, "signing key is not an RSA private key in PEM");
    }
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    size_t n = 0;
    int rc = LCP_ERR_CRYPTO;
    if (md && EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, key) == 1 &&
        EVP_DigestSign(md, NULL, &n, avr->data, avr->len) == 1 && lcp_buf_reserve(sig, n) == LCP_OK &&
        EVP_DigestSign(md, sig->data, &n, avr->data, avr->len) == 1) {
        sig->len = n;
        rc = LCP_OK;
    }
    EVP_MD_CTX_free(md);
    EVP_PKEY_free(key);
    return rc == LCP_OK ? rc : lcp_fail(err, rc, "RSA signing failed");
}

int lcp_ias_sim_report(lcp_buf *avr, lcp_buf *sig, const lcp_ias_sim_params *p, const uint8_t *signing_key_pem,
                       size_t key_len, char *err)
{
    int rc = build_json(avr, p, err);
    if (rc == LCP_OK) rc = sign(sig, avr, signing_key_pem, key_len, err);
    if (rc != LCP_OK) {
        lcp_buf_free(avr);
        lcp_buf_free(sig);
    }
    return rc;
}
