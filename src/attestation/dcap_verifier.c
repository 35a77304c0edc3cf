/* The long-lived DCAP verifier (lcp/attestation_dcap.h): one trust anchor, parsed once; a P-256 context whose fixed
 * keys earn precomputed tables; and a small cache of parsed certificates keyed by their exact DER, because
 * d2i_X509 costs ~100 us in OpenSSL 3.0 (the public key goes through the provider decoders) and Intel's CA and
 * signing certificates are the same bytes in every collateral and quote. A cached certificate is only a parse:
 * each use re-checks it in full. */
#include "dcap_internal.h"

#include <string.h>

/* Intel's hierarchy has four CA/signing certificates per root; the rest are PCK leaves, one per platform. */
#define LCP_DCAP_CERT_CACHE 16

struct lcp_dcap_verifier {
    unsigned refs;
    lcp_dcap_cert *root;
    lcp_dcap_p256 *p256;
    lcp_dcap_cert *cache[LCP_DCAP_CERT_CACHE];
    unsigned hits[LCP_DCAP_CERT_CACHE]; /* lookups that found each entry */
    uint64_t used[LCP_DCAP_CERT_CACHE]; /* when each was last found or added (a lookup counter) */
    uint64_t clock;
};

int lcp_dcap_verifier_new(lcp_dcap_verifier **out, const uint8_t *root, size_t root_len, char *err)
{
    *out = NULL;
    lcp_dcap_verifier *v = lcp_calloc(1, sizeof *v);
    if (v == NULL) return lcp_fail(err, LCP_ERR_NOMEM, "out of memory");
    v->refs = 1;
    lcp_bytes anchor = root ? (lcp_bytes){root, root_len} : lcp_dcap_intel_root_ca();
    int rc = lcp_dcap_p256_new(&v->p256, err);
    if (rc == LCP_OK) rc = lcp_dcap_cert_load(&v->root, NULL, anchor.ptr, anchor.len, "trusted root", err);
    if (rc != LCP_OK) {
        lcp_dcap_verifier_free(v);
        return rc;
    }
    *out = v;
    return LCP_OK;
}

void lcp_dcap_verifier_free(lcp_dcap_verifier *v)
{
    if (v == NULL || --v->refs > 0) return;
    for (size_t i = 0; i < LCP_DCAP_CERT_CACHE; i++) lcp_dcap_cert_release(v->cache[i]);
    lcp_dcap_cert_release(v->root);
    lcp_dcap_p256_free(v->p256);
    lcp_free(v);
}

lcp_dcap_verifier *lcp_dcap_verifier_ref(lcp_dcap_verifier *v)
{
    v->refs++;
    return v;
}

lcp_dcap_p256 *lcp_dcap_verifier_p256(lcp_dcap_verifier *v) { return v->p256; }

const lcp_dcap_cert *lcp_dcap_verifier_root(const lcp_dcap_verifier *v) { return v->root; }

unsigned lcp_dcap_verifier_tables(const lcp_dcap_verifier *v) { return lcp_dcap_p256_tables(v->p256); }

/* The slot for a new certificate: a free one, else the least found (least recently used of those), so that PCK
 * leaves of many platforms cycle among themselves and leave Intel's CA and signing certificates in place. */
static size_t victim(const lcp_dcap_verifier *v)
{
    size_t best = 0;
    for (size_t i = 0; i < LCP_DCAP_CERT_CACHE; i++) {
        if (v->cache[i] == NULL) return i;
        if (v->hits[i] < v->hits[best] || (v->hits[i] == v->hits[best] && v->used[i] < v->used[best])) best = i;
    }
    return best;
}

int lcp_dcap_verifier_cert(lcp_dcap_cert **out, lcp_dcap_verifier *v, const uint8_t *der, size_t len,
                           const char *what, char *err)
{
    if (v == NULL) return lcp_dcap_cert_new(out, der, len, what, err);
    v->clock++;
    for (size_t i = 0; i < LCP_DCAP_CERT_CACHE; i++) {
        lcp_dcap_cert *c = v->cache[i];
        if (c != NULL && c->der_len == len && memcmp(c->der, der, len) == 0) {
            c->refs++;
            v->hits[i]++;
            v->used[i] = v->clock;
            *out = c;
            return LCP_OK;
        }
    }
    lcp_dcap_cert *c = NULL;
    int rc = lcp_dcap_cert_new(&c, der, len, what, err);
    if (rc != LCP_OK) return rc;
    size_t slot = victim(v);
    lcp_dcap_cert_release(v->cache[slot]);
    v->cache[slot] = c;
    v->hits[slot] = 0;
    v->used[slot] = v->clock;
    c->refs++; /* the cache's and the caller's */
    *out = c;
    return LCP_OK;
}

int lcp_dcap_cert_load(lcp_dcap_cert **out, lcp_dcap_verifier *v, const uint8_t *p, size_t len, const char *what,
                       char *err)
{
    if (!lcp_dcap_is_pem(p, len)) return lcp_dcap_verifier_cert(out, v, p, len, what, err);
    lcp_dcap_pem_chain pc;
    int rc = lcp_dcap_pem_chain_split(&pc, p, len, what, err);
    if (rc != LCP_OK) return rc;
    if (pc.n != 1) rc = lcp_fail(err, LCP_ERR_ATTESTATION_CERT, "%s: expected one certificate, found %zu", what, pc.n);
    else rc = lcp_dcap_verifier_cert(out, v, pc.der[0], pc.len[0], what, err);
    lcp_dcap_pem_chain_free(&pc);
    return rc;
}
