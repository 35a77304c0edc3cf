/* DCAP quote verification (spec/dcap.md 2.2), in two stages so that verified collateral can be reused:
 *  1. lcp_dcap_collateral_verify: everything that depends only on the collateral and the root (Root CA CRL, PCK CA
 *     and its CRL, TCB Signing certificate(s), TCB Info and QE Identity signatures and windows). One FMSPC's
 *     collateral serves every quote of that platform family until its first nextUpdate.
 *  2. lcp_dcap_quote_verify: what depends on the quote (PCK leaf, QE report, binding, QE identity, ISV report,
 *     TCB level matching).
 * Both run through a verifier (dcap_verifier.c): the one-shot calls make a fresh one, long-lived callers keep theirs.
 * Every check that fails stops verification with its own message; nothing is written to the result before all
 * checks pass. */
#include "dcap_internal.h"

#include <stdio.h>
#include <string.h>

#include "lcp/crypto.h"

struct lcp_dcap_verified_collateral {
    lcp_dcap_verifier *v; /* the verifier it was verified through (a reference): its caches serve the quotes */
    lcp_dcap_cert *pck_ca; /* the CA that issues PCK leaves and the PCK CRL; verified under the root */
    lcp_dcap_crl *pck_crl;
    lcp_dcap_window window;
    unsigned p256;    /* P-256 verifications spent verifying the collateral */
    unsigned quotes;  /* quotes verified against it so far */
    uint8_t *text;    /* owned copy of the TCB Info and QE Identity texts the parsed forms point into */
    lcp_dcap_tcb_info tcb;
    lcp_dcap_qe_identity qe;
};

void lcp_dcap_verified_collateral_free(lcp_dcap_verified_collateral *vc)
{
    if (vc == NULL) return;
    lcp_dcap_cert_release(vc->pck_ca);
    lcp_dcap_crl_free(vc->pck_crl);
    lcp_dcap_verifier_free(vc->v);
    lcp_free(vc->text);
    lcp_free(vc);
}

void lcp_dcap_verified_collateral_window(int64_t *from, int64_t *to, const lcp_dcap_verified_collateral *vc)
{
    *from = vc->window.from;
    *to = vc->window.to;
}

/* Splits an issuer chain from the collateral: der[0] is the certificate that matters; anything after it must be
 * the trusted root itself byte for byte (PCS appends it), never some other root. */
static int split_issuer_chain(lcp_dcap_pem_chain *pc, lcp_bytes pem, lcp_bytes root_der, const char *what, char *err)
{
    int rc = lcp_dcap_pem_chain_split(pc, pem.ptr, pem.len, what, err);
    if (rc != LCP_OK) return rc;
    for (size_t i = 1; i < pc->n; i++)
        if (pc->len[i] != root_der.len || memcmp(pc->der[i], root_der.ptr, root_der.len) != 0) {
            lcp_dcap_pem_chain_free(pc);
            return lcp_fail(err, LCP_ERR_ATTESTATION_CERT, "%s carries a root that is not the trusted root", what);
        }
    return LCP_OK;
}

/* A certificate issued directly by the root: signature, window, name, not revoked by the Root CA CRL. */
static int check_under_root(lcp_dcap_verifier *v, lcp_dcap_window *w, unsigned *count, const lcp_dcap_cert *cert,
                            const lcp_dcap_crl *root_crl, int64_t now, const char *cn, const char *what, char *err)
{
    int rc = lcp_dcap_check_cert(lcp_dcap_verifier_p256(v), w, count, cert, lcp_dcap_verifier_root(v), 1, now, what,
                                 err);
    if (rc != LCP_OK) return rc;
    if (cn && !lcp_dcap_cert_cn_is(cert->x509, cn))
        return lcp_fail(err, LCP_ERR_ATTESTATION_CERT, "%s: subject is not \"%s\"", what, cn);
    return lcp_dcap_check_not_revoked(root_crl, cert, what, err);
}

/* A collateral signing certificate, the first of its issuer chain: verified under the root and not revoked. */
static int signer(lcp_dcap_cert **out, lcp_dcap_verifier *v, lcp_dcap_window *w, unsigned *count,
                  const lcp_dcap_pem_chain *chain, const lcp_dcap_crl *root_crl, int64_t now, const char *what,
                  char *err)
{
    int rc = lcp_dcap_verifier_cert(out, v, chain->der[0], chain->len[0], what, err);
    if (rc != LCP_OK) return rc;
    rc = check_under_root(v, w, count, *out, root_crl, now, "Intel SGX TCB Signing", what, err);
    if (rc != LCP_OK) {
        lcp_dcap_cert_release(*out);
        *out = NULL;
    }
    return rc;
}

static int empty(lcp_bytes b) { return b.ptr == NULL || b.len == 0; }

int lcp_dcap_verifier_collateral(lcp_dcap_verified_collateral **out, lcp_dcap_verifier *v,
                                 const lcp_dcap_collateral *c, int64_t now, char *err)
{
    *out = NULL;
    if (empty(c->root_ca_crl) || empty(c->pck_crl) || empty(c->pck_crl_issuer_chain) || empty(c->tcb_info) ||
        empty(c->tcb_info_issuer_chain) || empty(c->qe_identity) || empty(c->qe_identity_issuer_chain))
        return lcp_fail(err, LCP_ERR_ATTESTATION_COLLATERAL, "collateral is incomplete");
    lcp_dcap_verified_collateral *vc = lcp_calloc(1, sizeof *vc);
    if (vc == NULL) return lcp_fail(err, LCP_ERR_NOMEM, "out of memory");
    vc->v = lcp_dcap_verifier_ref(v);
    lcp_dcap_p256_round(lcp_dcap_verifier_p256(v));
    lcp_dcap_window_init(&vc->window);
    const lcp_dcap_cert *root = lcp_dcap_verifier_root(v);
    lcp_bytes rd = {root->der, root->der_len};
    lcp_dcap_cert *tcb_signer = NULL, *qe_signer = NULL;
    lcp_dcap_crl *root_crl = NULL;
    lcp_dcap_pem_chain pck_chain = {0}, tcb_chain = {0}, qe_chain = {0};
    lcp_dcap_window *w = &vc->window;
    unsigned *count = &vc->p256;
    lcp_dcap_p256 *p = lcp_dcap_verifier_p256(v);

    int rc = lcp_dcap_check_root(w, root, now, err);
    /* Root CA CRL: decides whether the root's direct children (PCK CA, TCB Signing) are still trusted. */
    if (rc == LCP_OK) rc = lcp_dcap_load_crl(&root_crl, c->root_ca_crl.ptr, c->root_ca_crl.len, "Root CA CRL", err);
    if (rc == LCP_OK) rc = lcp_dcap_check_crl(p, w, count, root_crl, root, now, "Root CA CRL", err);
    /* PCK CA and its CRL. Its name (Processor or Platform CA) is not pinned: both are Intel's. */
    if (rc == LCP_OK)
        rc = split_issuer_chain(&pck_chain, c->pck_crl_issuer_chain, rd, "PCK CRL issuer chain", err);
    if (rc == LCP_OK) rc = lcp_dcap_verifier_cert(&vc->pck_ca, v, pck_chain.der[0], pck_chain.len[0], "PCK CA", err);
    if (rc == LCP_OK) rc = check_under_root(v, w, count, vc->pck_ca, root_crl, now, NULL, "PCK CA certificate", err);
    if (rc == LCP_OK) rc = lcp_dcap_load_crl(&vc->pck_crl, c->pck_crl.ptr, c->pck_crl.len, "PCK CRL", err);
    if (rc == LCP_OK) rc = lcp_dcap_check_crl(p, w, count, vc->pck_crl, vc->pck_ca, now, "PCK CRL", err);
    /* TCB Signing certificate and the TCB Info it signs. */
    if (rc == LCP_OK)
        rc = split_issuer_chain(&tcb_chain, c->tcb_info_issuer_chain, rd, "TCB Info issuer chain", err);
    if (rc == LCP_OK) rc = signer(&tcb_signer, v, w, count, &tcb_chain, root_crl, now, "TCB Signing certificate", err);
    if (rc == LCP_OK)
        rc = lcp_dcap_p256_verify(p, tcb_signer->key, tcb_signer->key_len, 1, c->tcb_info_signature,
                                  c->tcb_info_signature + 32, c->tcb_info.ptr, c->tcb_info.len, count, "TCB Info",
                                  err);
    /* QE Identity: PCS signs it with the same TCB Signing certificate; the same certificate is not checked twice. */
    if (rc == LCP_OK)
        rc = split_issuer_chain(&qe_chain, c->qe_identity_issuer_chain, rd, "QE Identity issuer chain", err);
    if (rc == LCP_OK && qe_chain.len[0] == tcb_signer->der_len &&
        memcmp(qe_chain.der[0], tcb_signer->der, tcb_signer->der_len) == 0) {
        qe_signer = tcb_signer;
        qe_signer->refs++;
    } else if (rc == LCP_OK)
        rc = signer(&qe_signer, v, w, count, &qe_chain, root_crl, now, "QE Identity signing certificate", err);
    if (rc == LCP_OK)
        rc = lcp_dcap_p256_verify(p, qe_signer->key, qe_signer->key_len, 1, c->qe_identity_signature,
                                  c->qe_identity_signature + 32, c->qe_identity.ptr, c->qe_identity.len, count,
                                  "QE Identity", err);
    /* Parse only what verified, from a private copy so that the caller's buffers may go away. */
    if (rc == LCP_OK && (c->tcb_info.len > SIZE_MAX / 2 || c->qe_identity.len > SIZE_MAX / 2))
        rc = lcp_fail(err, LCP_ERR_ATTESTATION_COLLATERAL, "collateral too large");
    if (rc == LCP_OK && (vc->text = lcp_malloc(c->tcb_info.len + c->qe_identity.len)) == NULL)
        rc = lcp_fail(err, LCP_ERR_NOMEM, "out of memory");
    if (rc == LCP_OK) {
        memcpy(vc->text, c->tcb_info.ptr, c->tcb_info.len);
        memcpy(vc->text + c->tcb_info.len, c->qe_identity.ptr, c->qe_identity.len);
        rc = lcp_dcap_tcb_info_parse(&vc->tcb, vc->text, c->tcb_info.len, err);
    }
    if (rc == LCP_OK) rc = lcp_dcap_qe_identity_parse(&vc->qe, vc->text + c->tcb_info.len, c->qe_identity.len, err);
    if (rc == LCP_OK)
        rc = lcp_dcap_window_check(w, vc->tcb.issue_date, vc->tcb.next_update, now,
                                   LCP_ERR_ATTESTATION_COLLATERAL_EXPIRED, "TCB Info", err);
    if (rc == LCP_OK)
        rc = lcp_dcap_window_check(w, vc->qe.issue_date, vc->qe.next_update, now,
                                   LCP_ERR_ATTESTATION_COLLATERAL_EXPIRED, "QE Identity", err);
    lcp_dcap_cert_release(tcb_signer);
    lcp_dcap_cert_release(qe_signer);
    lcp_dcap_crl_free(root_crl);
    lcp_dcap_pem_chain_free(&pck_chain);
    lcp_dcap_pem_chain_free(&tcb_chain);
    lcp_dcap_pem_chain_free(&qe_chain);
    if (rc != LCP_OK) {
        lcp_dcap_verified_collateral_free(vc);
        return rc;
    }
    *out = vc;
    return LCP_OK;
}

int lcp_dcap_collateral_verify(lcp_dcap_verified_collateral **out, const lcp_dcap_collateral *c,
                               const uint8_t *root, size_t root_len, int64_t now, char *err)
{
    *out = NULL;
    lcp_dcap_verifier *v = NULL;
    int rc = lcp_dcap_verifier_new(&v, root, root_len, err);
    if (rc == LCP_OK) rc = lcp_dcap_verifier_collateral(out, v, c, now, err);
    lcp_dcap_verifier_free(v); /* verified collateral holds its own reference */
    return rc;
}

/* The PCK leaf: from the quote's chain (type 5: only the leaf is used, since it is checked against the CA verified
 * with the collateral), the quote's single certificate (type 4), or the caller (types 1-3). */
static int pck_leaf(lcp_dcap_cert **leaf, lcp_dcap_verifier *v, const lcp_dcap_quote *q, const uint8_t *pck_cert,
                    size_t pck_cert_len, char *err)
{
    if (q->cert_type == LCP_DCAP_CERT_PCK_CHAIN) {
        lcp_dcap_pem_chain pc;
        int rc = lcp_dcap_pem_chain_split(&pc, q->cert_data.ptr, q->cert_data.len, "quote's PCK chain", err);
        if (rc != LCP_OK) return rc;
        rc = lcp_dcap_verifier_cert(leaf, v, pc.der[0], pc.len[0], "quote's PCK certificate", err);
        lcp_dcap_pem_chain_free(&pc);
        return rc;
    }
    if (q->cert_type == LCP_DCAP_CERT_PCK_CERT)
        return lcp_dcap_cert_load(leaf, v, q->cert_data.ptr, q->cert_data.len, "quote's PCK certificate", err);
    if (pck_cert == NULL || pck_cert_len == 0)
        return lcp_fail(err, LCP_ERR_ATTESTATION_COLLATERAL,
                        "quote carries no PCK certificate (certification data type %u): supply it", q->cert_type);
    return lcp_dcap_cert_load(leaf, v, pck_cert, pck_cert_len, "PCK certificate", err);
}

const char *lcp_dcap_pck_ca_name(lcp_dcap_pck_ca ca)
{
    switch (ca) {
    case LCP_DCAP_PCK_CA_PROCESSOR: return "processor";
    case LCP_DCAP_PCK_CA_PLATFORM: return "platform";
    }
    return "?";
}

/* The issuing CA from the leaf's issuer name. Intel's are "Intel SGX PCK Processor CA" and "Intel SGX PCK Platform
 * CA"; the simulated issuer's names end the same way. Only the name is read: verification checks the signature. */
static int pck_ca_kind(lcp_dcap_pck_ca *out, X509 *leaf, char *err)
{
    char cn[256] = "";
    int n = X509_NAME_get_text_by_NID(X509_get_issuer_name(leaf), NID_commonName, cn, sizeof cn);
    /* A name cut short or with a NUL inside is no name of Intel's. */
    int whole = n > 0 && (size_t)n < sizeof cn && strlen(cn) == (size_t)n;
    if (whole && strstr(cn, "PCK Processor CA")) *out = LCP_DCAP_PCK_CA_PROCESSOR;
    else if (whole && strstr(cn, "PCK Platform CA")) *out = LCP_DCAP_PCK_CA_PLATFORM;
    else {
        for (char *c = cn; *c; c++)
            if ((unsigned char)*c < 0x20 || (unsigned char)*c > 0x7e) *c = '?'; /* it goes into a message */
        return lcp_fail(err, LCP_ERR_ATTESTATION_CERT, "PCK certificate: issuer '%s' is neither PCK CA", cn);
    }
    return LCP_OK;
}

int lcp_dcap_quote_pck_info(lcp_dcap_pck_info *out, const uint8_t *quote, size_t len, char *err)
{
    memset(out, 0, sizeof *out);
    lcp_dcap_quote q;
    int rc = lcp_dcap_quote_parse(&q, quote, len, err);
    if (rc != LCP_OK) return rc;
    if (q.cert_type != LCP_DCAP_CERT_PCK_CHAIN && q.cert_type != LCP_DCAP_CERT_PCK_CERT)
        return lcp_fail(err, LCP_ERR_ATTESTATION_UNSUPPORTED,
                        "the quote carries certification data type %u, not its PCK certificate (4 or 5)",
                        q.cert_type);
    lcp_dcap_pck_info x;
    memset(&x, 0, sizeof x);
    lcp_dcap_cert *leaf = NULL;
    rc = pck_leaf(&leaf, NULL, &q, NULL, 0, err);
    if (rc == LCP_OK) rc = lcp_dcap_pck_ext_from_x509(&x.ext, leaf->x509, err);
    if (rc == LCP_OK) rc = pck_ca_kind(&x.ca, leaf->x509, err);
    lcp_dcap_cert_release(leaf);
    if (rc != LCP_OK) return rc;
    static const char X[] = "0123456789ABCDEF";
    for (int i = 0; i < LCP_DCAP_FMSPC_LEN; i++) {
        x.fmspc_hex[2 * i] = X[x.ext.fmspc[i] >> 4];
        x.fmspc_hex[2 * i + 1] = X[x.ext.fmspc[i] & 15];
    }
    *out = x;
    return LCP_OK;
}

/* Appends the advisory IDs of a TCB level's array (validated when parsed) to the result, skipping repeats. */
static int add_advisories(lcp_dcap_result *r, const lcp_json_value *arr, char *err)
{
    if (arr->type != LCP_JSON_ARRAY) return LCP_OK;
    lcp_json_iter it;
    lcp_json_value el;
    int rc;
    if (lcp_json_iter_init(&it, arr, NULL) != LCP_OK)
        return lcp_fail(err, LCP_ERR_ATTESTATION_COLLATERAL, "advisoryIDs: not an array");
    while ((rc = lcp_json_array_next(&el, &it, NULL)) == 1) {
        lcp_bytes s;
        if (lcp_json_string_view(&s, &el, NULL) != LCP_OK || s.len > LCP_DCAP_ADVISORY_ID_MAX)
            return lcp_fail(err, LCP_ERR_ATTESTATION_COLLATERAL, "advisoryIDs: bad entry");
        int dup = 0;
        for (size_t i = 0; i < r->n_advisory_ids && !dup; i++)
            dup = strlen(r->advisory_ids[i]) == s.len && memcmp(r->advisory_ids[i], s.ptr, s.len) == 0;
        if (dup) continue;
        if (r->n_advisory_ids == LCP_DCAP_MAX_RESULT_ADVISORY_IDS)
            return lcp_fail(err, LCP_ERR_ATTESTATION_COLLATERAL, "too many advisory IDs");
        memcpy(r->advisory_ids[r->n_advisory_ids], s.ptr, s.len);
        r->advisory_ids[r->n_advisory_ids][s.len] = '\0';
        r->n_advisory_ids++;
    }
    return rc < 0 ? lcp_fail(err, LCP_ERR_ATTESTATION_COLLATERAL, "advisoryIDs: malformed") : LCP_OK;
}

static void hex_into(char *out, size_t cap, const uint8_t *p, size_t n)
{
    if (lcp_hex_encode(out, cap, p, n) != LCP_OK) out[0] = '\0';
}

/* QE identity (QVL EnclaveReportVerifier): masked MISCSELECT and ATTRIBUTES compared as raw report bytes, then
 * MRSIGNER and ISVPRODID; the QE's TCB level is the first whose ISVSVN the QE reaches (levels are descending). */
static int match_qe(const lcp_dcap_qe_tcb_level **out, const lcp_dcap_qe_identity *id, const lcp_dcap_quote *q,
                    char *err)
{
    const uint8_t *raw = q->qe_report_raw;
    for (int i = 0; i < 4; i++)
        if ((raw[LCP_SGX_RB_MISCSELECT + i] & id->miscselect_mask[i]) != id->miscselect[i])
            return lcp_fail(err, LCP_ERR_ATTESTATION_TCB, "QE report MISCSELECT does not match the QE identity");
    for (int i = 0; i < 16; i++)
        if ((raw[LCP_SGX_RB_ATTRIBUTES + i] & id->attributes_mask[i]) != id->attributes[i])
            return lcp_fail(err, LCP_ERR_ATTESTATION_TCB, "QE report ATTRIBUTES do not match the QE identity");
    if (memcmp(q->qe_report.mrsigner, id->mrsigner, 32) != 0)
        return lcp_fail(err, LCP_ERR_ATTESTATION_TCB, "QE report MRSIGNER is not the QE identity's");
    if (q->qe_report.isv_prod_id != id->isv_prod_id)
        return lcp_fail(err, LCP_ERR_ATTESTATION_TCB, "QE report ISVPRODID %u is not the QE identity's %u",
                        q->qe_report.isv_prod_id, id->isv_prod_id);
    for (size_t i = 0; i < id->n_levels; i++)
        if (q->qe_report.isv_svn >= id->levels[i].isv_svn) {
            *out = &id->levels[i];
            return LCP_OK;
        }
    return lcp_fail(err, LCP_ERR_ATTESTATION_TCB, "QE ISVSVN %u is below every QE identity TCB level",
                    q->qe_report.isv_svn);
}

/* Platform TCB level (QVL matchTcbLevels): the first level, in Intel's order, whose 16 SGX component SVNs and
 * PCESVN are all at or below the PCK certificate's. The PCK certificate's TCB is what Intel certified, which is
 * why the quote's own CPUSVN is not used here. */
static int match_platform(const lcp_dcap_tcb_level **out, const lcp_dcap_tcb_info *tcb, const lcp_dcap_pck_ext *pck,
                          char *err)
{
    for (size_t i = 0; i < tcb->n_levels; i++) {
        const lcp_dcap_tcb_level *lv = &tcb->levels[i];
        int ok = pck->pce_svn >= lv->pce_svn;
        for (int k = 0; k < LCP_DCAP_TCB_COMPONENTS && ok; k++) ok = pck->comp_svn[k] >= lv->comp_svn[k];
        if (ok) {
            *out = lv;
            return LCP_OK;
        }
    }
    return lcp_fail(err, LCP_ERR_ATTESTATION_TCB, "platform TCB is below every TCB Info level (TCB not supported)");
}

int lcp_dcap_quote_verify(lcp_dcap_result *res, lcp_dcap_verified_collateral *vc, const uint8_t *quote,
                          size_t quote_len, const uint8_t *pck_cert, size_t pck_cert_len, int64_t now, char *err)
{
    memset(res, 0, sizeof *res);
    lcp_dcap_result *r = lcp_calloc(1, sizeof *r); /* ~3 KB: kept off the stack for small-stack callers */
    if (r == NULL) return lcp_fail(err, LCP_ERR_NOMEM, "out of memory");
    lcp_dcap_window w = vc->window;
    lcp_dcap_quote q;
    lcp_dcap_cert *leaf = NULL;
    lcp_dcap_p256 *p = lcp_dcap_verifier_p256(vc->v);
    const lcp_dcap_qe_tcb_level *qe_level = NULL;
    const lcp_dcap_tcb_level *level = NULL;
    uint8_t digest[LCP_SHA256_LEN];
    static const uint8_t zeros[32];
    unsigned count = 0;

    /* A verification round, for the P-256 tables, is one quote with its collateral: the first quote checked against
     * verified collateral completes the round the collateral opened, each later one is a round of its own. (So a
     * one-shot verification, in one call or in two, never earns a table.) */
    if (vc->quotes++ > 0) lcp_dcap_p256_round(p);
    int rc = lcp_dcap_window_check(&w, vc->window.from, vc->window.to, now, LCP_ERR_ATTESTATION_COLLATERAL_EXPIRED,
                                   "verified collateral", err);
    if (rc == LCP_OK) rc = lcp_dcap_quote_parse(&q, quote, quote_len, err);
    /* PCK leaf: issued by the collateral's PCK CA, valid now, not in the PCK CRL, and for the TCB Info's platform. */
    if (rc == LCP_OK) rc = pck_leaf(&leaf, vc->v, &q, pck_cert, pck_cert_len, err);
    if (rc == LCP_OK) rc = lcp_dcap_check_cert(p, &w, &count, leaf, vc->pck_ca, 1, now, "PCK certificate", err);
    if (rc == LCP_OK && !lcp_dcap_cert_cn_is(leaf->x509, "Intel SGX PCK Certificate"))
        rc = lcp_fail(err, LCP_ERR_ATTESTATION_CERT, "PCK certificate: subject is not \"Intel SGX PCK Certificate\"");
    if (rc == LCP_OK) rc = lcp_dcap_check_not_revoked(vc->pck_crl, leaf, "PCK certificate", err);
    if (rc == LCP_OK) rc = lcp_dcap_pck_ext_from_x509(&r->pck, leaf->x509, err);
    if (rc == LCP_OK && memcmp(r->pck.fmspc, vc->tcb.fmspc, LCP_DCAP_FMSPC_LEN) != 0) {
        char a[13], b[13];
        hex_into(a, sizeof a, vc->tcb.fmspc, 6);
        hex_into(b, sizeof b, r->pck.fmspc, 6);
        rc = lcp_fail(err, LCP_ERR_ATTESTATION_COLLATERAL, "TCB Info is for FMSPC %s, the PCK certificate's is %s", a,
                      b);
    }
    if (rc == LCP_OK && memcmp(r->pck.pce_id, vc->tcb.pce_id, LCP_DCAP_PCE_ID_LEN) != 0)
        rc = lcp_fail(err, LCP_ERR_ATTESTATION_COLLATERAL, "TCB Info PCE-ID differs from the PCK certificate's");
    /* The QE report: signed by the PCK key, and its report data commits to the attestation key. The PCK key is
     * certified by the CA checked just above, so it is a fixed key: a platform's quotes all use it. */
    if (rc == LCP_OK)
        rc = lcp_dcap_p256_verify(p, leaf->key, leaf->key_len, 1, q.qe_report_signature, q.qe_report_signature + 32,
                                  q.qe_report_raw, LCP_SGX_REPORT_BODY_LEN, &count, "QE report", err);
    if (rc == LCP_OK) {
        lcp_bytes parts[2] = {{q.attestation_key, LCP_DCAP_PUBKEY_LEN}, q.qe_auth_data};
        if (lcp_sha256_parts(digest, parts, 2) != LCP_OK) rc = lcp_fail(err, LCP_ERR_CRYPTO, "SHA-256 failed");
    }
    /* The upper 32 bytes are zero for Intel's QE; requiring it leaves no unsigned-by-design freedom in the report. */
    if (rc == LCP_OK && (memcmp(digest, q.qe_report.report_data, 32) != 0 ||
                         memcmp(q.qe_report.report_data + 32, zeros, 32) != 0))
        rc = lcp_fail(err, LCP_ERR_ATTESTATION_SIGNATURE,
                      "QE report data does not bind the attestation key and QE auth data");
    if (rc == LCP_OK) rc = match_qe(&qe_level, &vc->qe, &q, err);
    /* The ISV enclave's report: signed by the attestation key over header || body. */
    if (rc == LCP_OK) {
        uint8_t ak[1 + LCP_DCAP_PUBKEY_LEN] = {0x04}; /* SEC 1 uncompressed: the quote holds X || Y */
        memcpy(ak + 1, q.attestation_key, LCP_DCAP_PUBKEY_LEN);
        rc = lcp_dcap_p256_verify(p, ak, sizeof ak, 0, q.isv_signature, q.isv_signature + 32, q.signed_data.ptr,
                                  q.signed_data.len, &count, "ISV enclave report", err);
    }
    if (rc == LCP_OK) rc = match_platform(&level, &vc->tcb, &r->pck, err);
    if (rc == LCP_OK) rc = add_advisories(r, &level->advisory_ids, err);
    if (rc == LCP_OK) rc = add_advisories(r, &qe_level->advisory_ids, err);
    if (rc == LCP_OK) {
        r->platform_status = level->status;
        r->qe_status = qe_level->status;
        r->status = lcp_dcap_tcb_status_converge(level->status, qe_level->status);
        r->report = q.report;
        r->debug = lcp_sgx_is_debug(&q.report);
        memcpy(r->fmspc, r->pck.fmspc, sizeof r->fmspc);
        memcpy(r->pce_id, r->pck.pce_id, sizeof r->pce_id);
        r->tcb_evaluation_data_number = vc->tcb.tcb_evaluation_data_number < vc->qe.tcb_evaluation_data_number
                                            ? vc->tcb.tcb_evaluation_data_number
                                            : vc->qe.tcb_evaluation_data_number;
        r->tcb_date = level->tcb_date;
        r->valid_from = w.from;
        r->valid_to = w.to;
        r->p256_verifications = count;
        *res = *r;
    }
    lcp_dcap_cert_release(leaf);
    lcp_free(r);
    return rc;
}

int lcp_dcap_verifier_verify(lcp_dcap_result *res, lcp_dcap_verifier *v, const uint8_t *quote, size_t quote_len,
                             const lcp_dcap_collateral *c, int64_t now, const lcp_dcap_policy *policy, char *err)
{
    memset(res, 0, sizeof *res);
    lcp_dcap_verified_collateral *vc = NULL;
    int rc = lcp_dcap_verifier_collateral(&vc, v, c, now, err);
    if (rc != LCP_OK) return rc;
    rc = lcp_dcap_quote_verify(res, vc, quote, quote_len, c->pck_cert.ptr, c->pck_cert.len, now, err);
    if (rc == LCP_OK) {
        res->p256_verifications += vc->p256;
        rc = lcp_dcap_policy_check(policy, res, err);
        if (rc != LCP_OK) memset(res, 0, sizeof *res);
    }
    lcp_dcap_verified_collateral_free(vc);
    return rc;
}

int lcp_dcap_verify(lcp_dcap_result *res, const uint8_t *quote, size_t quote_len, const lcp_dcap_collateral *c,
                    const uint8_t *root, size_t root_len, int64_t now, const lcp_dcap_policy *policy, char *err)
{
    memset(res, 0, sizeof *res);
    lcp_dcap_verifier *v = NULL;
    int rc = lcp_dcap_verifier_new(&v, root, root_len, err);
    if (rc == LCP_OK) rc = lcp_dcap_verifier_verify(res, v, quote, quote_len, c, now, policy, err);
    lcp_dcap_verifier_free(v);
    return rc;
}
