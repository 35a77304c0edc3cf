/* The simulated platform as a DCAP quote source (lcp/host_attest.h): its QE quotes the key's report, its Intel
 * publishes the collateral and the root; verifying and recording are lcp_host_attest_dcap's. */
#include <stdio.h>
#include <string.h>

#include "lcp/attestation_sim.h"
#include "lcp/host_attest.h"
#include "lcp/tee.h"
#include "lcp/tee_sim.h"

/* The simulated QE's check: the report's MAC under the platform's report key (QE3SIM: all-zero target). */
static int check_report(void *ctx, lcp_sgx_report_body *body, const uint8_t *report, size_t len, char *err)
{
    if (len != LCP_TEE_REPORT_LEN) return lcp_fail(err, LCP_ERR_ATTESTATION_REPORT, "the key's report is not 432 bytes");
    return lcp_tee_sim_verify_report(body, ctx, report, NULL, err);
}

/* The simulated QE's quote of report. */
static int sim_quote(lcp_buf *qb, const char *sim_dir, const uint8_t *report, size_t report_len, char *err)
{
    lcp_tee_sim_platform plat;
    memset(&plat, 0, sizeof plat);
    lcp_sim_qe *qe = NULL;
    int rc = lcp_tee_sim_load(&plat, sim_dir, err);
    if (rc == LCP_OK && (rc = lcp_sim_qe_open(&qe, sim_dir, err)) == LCP_OK)
        rc = lcp_sim_qe_quote(qe, qb, report, report_len, check_report, &plat, err);
    if (rc != LCP_OK) {
        char why[LCP_ERR_LEN];
        snprintf(why, sizeof why, "%s", err);
        lcp_fail(err, rc, "simulated QE: %s", why);
    }
    lcp_sim_qe_close(qe);
    lcp_tee_sim_platform_wipe(&plat);
    return rc;
}

/* What the simulated Intel publishes now: the collateral document and its root. */
static int sim_collateral(lcp_host_dcap_quote *q, const char *sim_dir, char *err)
{
    uint8_t *coll = NULL, *root = NULL;
    int rc = lcp_sim_issuer_collateral(&coll, &q->collateral_len, sim_dir, 0, err);
    if (rc == LCP_OK) rc = lcp_sim_issuer_root(&root, &q->root_len, sim_dir, err);
    q->collateral = coll;
    q->root = root;
    return rc;
}

static void sim_free(lcp_host_dcap_quote *q)
{
    lcp_free((void *)q->collateral);
    lcp_free((void *)q->root);
}

int lcp_host_attest_dcap_sim(lcp_store *store, const char *sim_dir, const uint8_t addr[20], const lcp_dcap_policy *pol,
                             uint64_t key_validity, int64_t now, lcp_dcap_result *r, lcp_host_quote_fn before_record,
                             void *ud, char *err)
{
    uint8_t report[LCP_HOST_KEY_REPORT_MAX], mrenclave[32];
    size_t report_len = 0;
    lcp_buf qb = {0};
    lcp_host_dcap_quote q;
    memset(&q, 0, sizeof q);
    q.sim = 1;
    int rc = lcp_host_key_report(store, addr, report, &report_len, mrenclave, err);
    if (rc == LCP_OK) rc = sim_quote(&qb, sim_dir, report, report_len, err);
    if (rc == LCP_OK) rc = sim_collateral(&q, sim_dir, err);
    q.quote = qb.data;
    q.quote_len = qb.len;
    if (rc == LCP_OK) rc = lcp_host_attest_dcap(store, addr, &q, pol, key_validity, now, r, before_record, ud, err);
    sim_free(&q);
    lcp_buf_free(&qb);
    return rc;
}

int lcp_host_reverify_dcap_sim(lcp_store *store, const char *sim_dir, const uint8_t addr[20],
                               const lcp_dcap_policy *pol, int64_t now, lcp_dcap_result *r, lcp_buf *quote,
                               char *err)
{
    lcp_host_dcap_quote q;
    memset(&q, 0, sizeof q);
    int rc = sim_collateral(&q, sim_dir, err);
    if (rc == LCP_OK)
        rc = lcp_host_reverify_dcap(store, addr, q.collateral, q.collateral_len, q.root, q.root_len, pol, now, r,
                                    quote, err);
    sim_free(&q);
    return rc;
}
