/* Strict DER reading for the DCAP verifier: one TLV at a time (shared with the SGX extension parser), and the
 * split of a signed X.509 object (certificate or CRL) into the exact bytes its signature covers, the two copies of
 * its signature algorithm and the r, s of its ECDSA signature. OpenSSL has already parsed these objects; reading
 * the few spans we need from the DER ourselves lets the signature be checked over the bytes as received (no
 * re-encoding) with the verifier's own P-256 code (dcap_p256.c). */
#include "dcap_internal.h"

#include <string.h>

enum { TAG_INTEGER = 0x02, TAG_BIT_STRING = 0x03, TAG_SEQUENCE = 0x30, TAG_VERSION = 0xA0 };

int lcp_dcap_der_tlv(uint8_t *tag, lcp_bytes *val, lcp_bytes *in, int code, const char *what, char *err)
{
    if (in->len < 2) return lcp_fail(err, code, "%s: truncated element", what);
    uint8_t t = in->ptr[0];
    if ((t & 0x1F) == 0x1F) return lcp_fail(err, code, "%s: multi-byte tag", what);
    size_t pos = 2, l = in->ptr[1];
    if (l & 0x80) {
        size_t nb = l & 0x7F;
        if (nb == 0) return lcp_fail(err, code, "%s: indefinite length", what);
        if (nb > 3) return lcp_fail(err, code, "%s: length too large", what);
        if (in->len < 2 + nb) return lcp_fail(err, code, "%s: truncated length", what);
        l = 0;
        for (size_t i = 0; i < nb; i++) l = l << 8 | in->ptr[2 + i];
        if (l < 0x80 || (nb > 1 && in->ptr[2] == 0)) return lcp_fail(err, code, "%s: non-minimal length", what);
        pos += nb;
    }
    if (l > in->len - pos) return lcp_fail(err, code, "%s: element longer than its container", what);
    *tag = t;
    val->ptr = in->ptr + pos;
    val->len = l;
    in->ptr += pos + l;
    in->len -= pos + l;
    return LCP_OK;
}

/* Reads one element with the expected tag. Out: its content (val) and its whole encoding (whole). */
static int element(lcp_bytes *val, lcp_bytes *whole, lcp_bytes *in, uint8_t want, int code, const char *what,
                   const char *part, char *err)
{
    uint8_t t;
    const uint8_t *start = in->ptr;
    int rc = lcp_dcap_der_tlv(&t, val, in, code, what, err);
    if (rc != LCP_OK) return rc;
    if (t != want) return lcp_fail(err, code, "%s: %s has tag 0x%02x, expected 0x%02x", what, part, t, want);
    if (whole) {
        whole->ptr = start;
        whole->len = (size_t)(in->ptr - start);
    }
    return LCP_OK;
}

/* A positive DER INTEGER of at most 32 significant bytes, minimal, into a 32-byte big-endian buffer. */
static int int256(uint8_t out[32], lcp_bytes v, int code, const char *what, char *err)
{
    if (v.len == 0 || (v.ptr[0] & 0x80)) return lcp_fail(err, code, "%s: signature value is not positive", what);
    if (v.len > 1 && v.ptr[0] == 0 && !(v.ptr[1] & 0x80))
        return lcp_fail(err, code, "%s: signature value is not minimally encoded", what);
    if (v.ptr[0] == 0) v.ptr++, v.len--;
    if (v.len > 32) return lcp_fail(err, code, "%s: signature value is longer than 256 bits", what);
    memset(out, 0, 32 - v.len);
    memcpy(out + 32 - v.len, v.ptr, v.len);
    return LCP_OK;
}

int lcp_dcap_der_signed(lcp_dcap_signed *out, const uint8_t *der, size_t len, int is_crl, int code,
                        const char *what, char *err)
{
    lcp_bytes in = {der, len}, outer, tbs_body, v, bits, seq;
    uint8_t t;
    int rc = element(&outer, NULL, &in, TAG_SEQUENCE, code, what, "the object", err);
    if (rc == LCP_OK && in.len != 0) rc = lcp_fail(err, code, "%s: trailing bytes", what);
    if (rc == LCP_OK) rc = element(&tbs_body, &out->tbs, &outer, TAG_SEQUENCE, code, what, "the signed part", err);
    if (rc == LCP_OK) rc = element(&v, &out->sig_alg, &outer, TAG_SEQUENCE, code, what, "signatureAlgorithm", err);
    if (rc == LCP_OK) rc = element(&bits, NULL, &outer, TAG_BIT_STRING, code, what, "signature", err);
    if (rc == LCP_OK && outer.len != 0) rc = lcp_fail(err, code, "%s: extra element after the signature", what);
    if (rc != LCP_OK) return rc;
    /* The signed part's own copy of the algorithm: a certificate has [0] version and serialNumber before it, a CRL
     * an optional version INTEGER. */
    lcp_bytes peek = tbs_body;
    if (!is_crl) {
        if ((rc = element(&v, NULL, &tbs_body, TAG_VERSION, code, what, "version", err)) != LCP_OK) return rc;
        if ((rc = element(&v, NULL, &tbs_body, TAG_INTEGER, code, what, "serialNumber", err)) != LCP_OK) return rc;
    } else if (lcp_dcap_der_tlv(&t, &v, &peek, code, what, err) == LCP_OK && t == TAG_INTEGER)
        tbs_body = peek;
    rc = element(&v, &out->tbs_sig_alg, &tbs_body, TAG_SEQUENCE, code, what, "the signed algorithm", err);
    if (rc != LCP_OK) return rc;
    /* ECDSA-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER } inside a BIT STRING with no unused bits. */
    if (bits.len < 1 || bits.ptr[0] != 0) return lcp_fail(err, code, "%s: signature has unused bits", what);
    bits.ptr++, bits.len--;
    if ((rc = element(&seq, NULL, &bits, TAG_SEQUENCE, code, what, "ECDSA signature", err)) != LCP_OK) return rc;
    if (bits.len != 0) return lcp_fail(err, code, "%s: trailing bytes after the ECDSA signature", what);
    if ((rc = element(&v, NULL, &seq, TAG_INTEGER, code, what, "r", err)) != LCP_OK) return rc;
    if ((rc = int256(out->r, v, code, what, err)) != LCP_OK) return rc;
    if ((rc = element(&v, NULL, &seq, TAG_INTEGER, code, what, "s", err)) != LCP_OK) return rc;
    if ((rc = int256(out->s, v, code, what, err)) != LCP_OK) return rc;
    if (seq.len != 0) return lcp_fail(err, code, "%s: extra element in the ECDSA signature", what);
    return LCP_OK;
}
