/* TCB statuses (names, Intel's QE/platform convergence) and the acceptance policy applied to a verified quote. */
#include "lcp/attestation_dcap.h"

#include <string.h>

static const char *const STATUS_NAMES[LCP_DCAP_TCB_STATUS_COUNT] = {
    "UpToDate",  "SWHardeningNeeded",          "ConfigurationNeeded", "ConfigurationAndSWHardeningNeeded",
    "OutOfDate", "OutOfDateConfigurationNeeded", "Revoked",
};

const char *lcp_dcap_tcb_status_name(lcp_dcap_tcb_status s)
{
    return (unsigned)s < LCP_DCAP_TCB_STATUS_COUNT ? STATUS_NAMES[s] : "?";
}

int lcp_dcap_tcb_status_parse(lcp_dcap_tcb_status *out, const char *s, size_t len)
{
    for (int i = 0; i < LCP_DCAP_TCB_STATUS_COUNT; i++)
        if (strlen(STATUS_NAMES[i]) == len && memcmp(STATUS_NAMES[i], s, len) == 0) {
            *out = (lcp_dcap_tcb_status)i;
            return LCP_OK;
        }
    return LCP_ERR_ATTESTATION_COLLATERAL;
}

lcp_dcap_tcb_status lcp_dcap_tcb_status_converge(lcp_dcap_tcb_status platform, lcp_dcap_tcb_status qe)
{
    /* Intel's rule (QVL convergeTcbStatusWithQeTcbStatus), not "the worse of the two": an out-of-date QE on a
     * platform that needs configuration is OutOfDateConfigurationNeeded, which a max-severity rule would call
     * OutOfDate. */
    if (qe == LCP_DCAP_TCB_REVOKED) return LCP_DCAP_TCB_REVOKED;
    if (qe == LCP_DCAP_TCB_OUT_OF_DATE) {
        switch (platform) {
        case LCP_DCAP_TCB_UP_TO_DATE:
        case LCP_DCAP_TCB_SW_HARDENING_NEEDED: return LCP_DCAP_TCB_OUT_OF_DATE;
        case LCP_DCAP_TCB_CONFIGURATION_NEEDED:
        case LCP_DCAP_TCB_CONFIGURATION_AND_SW_HARDENING_NEEDED: return LCP_DCAP_TCB_OUT_OF_DATE_CONFIGURATION_NEEDED;
        default: return platform;
        }
    }
    return platform;
}

static int hex32(char out[65], const uint8_t v[32])
{
    return lcp_hex_encode(out, 65, v, 32);
}

int lcp_dcap_policy_check(const lcp_dcap_policy *policy, const lcp_dcap_result *res, char *err)
{
    static const lcp_dcap_policy zero;
    const lcp_dcap_policy *p = policy ? policy : &zero;
    if (res->debug && !p->allow_debug)
        return lcp_fail(err, LCP_ERR_ATTESTATION_POLICY, "enclave is in debug mode and the policy does not allow it");
    if (p->mrenclave && memcmp(p->mrenclave, res->report.mrenclave, 32) != 0) {
        char got[65], want[65];
        if (hex32(got, res->report.mrenclave) != LCP_OK || hex32(want, p->mrenclave) != LCP_OK) got[0] = want[0] = 0;
        return lcp_fail(err, LCP_ERR_ATTESTATION_POLICY, "MRENCLAVE %s is not the expected %s", got, want);
    }
    /* Revoked is never a policy choice: Intel withdrew trust in that TCB. */
    if (res->status == LCP_DCAP_TCB_REVOKED)
        return lcp_fail(err, LCP_ERR_ATTESTATION_POLICY, "TCB status Revoked is never accepted");
    if (res->status != LCP_DCAP_TCB_UP_TO_DATE && !(p->allowed_statuses & LCP_DCAP_STATUS_BIT(res->status)))
        return lcp_fail(err, LCP_ERR_ATTESTATION_POLICY, "TCB status %s is not allowed",
                        lcp_dcap_tcb_status_name(res->status));
    for (size_t i = 0; i < res->n_advisory_ids; i++) {
        int ok = 0;
        for (size_t j = 0; j < p->n_allowed_advisory_ids && !ok; j++)
            ok = p->allowed_advisory_ids[j] && strcmp(p->allowed_advisory_ids[j], res->advisory_ids[i]) == 0;
        if (!ok)
            return lcp_fail(err, LCP_ERR_ATTESTATION_POLICY, "advisory ID %s is not allowed", res->advisory_ids[i]);
    }
    if (res->tcb_evaluation_data_number < p->min_tcb_evaluation_data_number)
        return lcp_fail(err, LCP_ERR_ATTESTATION_POLICY, "TCB evaluation data number %u is below the minimum %u",
                        res->tcb_evaluation_data_number, p->min_tcb_evaluation_data_number);
    return LCP_OK;
}
