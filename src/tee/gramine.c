/* The gramine backend: a real SGX enclave under Gramine, through its /dev/attestation pseudo-files.
 *
 * IT CANNOT RUN ON MACHINES WITHOUT SGX: Gramine serves /dev/attestation only under gramine-sgx (gramine-direct has
 * no attestation and no sealing keys). It is unit-tested against a directory that imitates the pseudo-files
 * (tests/tee/test_gramine.c); gramine_dir points there instead of /dev/attestation.
 *
 * Files used (Gramine's attestation interface):
 *   attestation_type        "dcap" or "epid" under SGX ("none" or absent: not SGX, refused)
 *   my_target_info          this enclave's sgx_target_info_t (512 bytes)
 *   target_info             written: whom the next report is for
 *   user_report_data        written: the 64 bytes of report_data for the next report or quote
 *   report                  read: sgx_report_t (432 bytes) for target_info and user_report_data
 *   quote                   read: a quote over user_report_data from the platform's quoting enclave
 *   keys/_sgx_mrenclave     16-byte sealing key bound to MRENCLAVE (Gramine's EGETKEY)
 *   keys/_sgx_mrsigner      16-byte sealing key bound to MRSIGNER (optional)
 * The identity is parsed from a report the enclave makes for itself at open.
 *
 * Sealing. Gramine does not let the enclave choose the key request: its keys are EGETKEY outputs for a request of
 * its own, with the current CPUSVN and ISVSVN. Using such a key directly with the SDK's zero IV would encrypt every
 * blob under the same (key, IV), which breaks GCM. So each seal derives its own key from Gramine's key and the key
 * request the blob records (random KEYID included):
 *   key = HKDF-SHA256(ikm = Gramine's key for the policy, salt = "lcp-c gramine seal v1",
 *                     info = key_request[0..78))[0..16)
 * The blob has the SDK layout, so the host and lcp_tee_sealed_parse treat it like any other, but it is not an
 * SDK blob: only this backend unseals it. Because Gramine's keys follow the current CPUSVN (ops.md §1.3), a blob
 * sealed before a microcode update does not unseal after it (MAC mismatch): on Gramine an LCP operator generates a
 * new enclave key after a TCB recovery, which LCP requires anyway.
 */
#include "tee_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define SEAL_SALT "lcp-c gramine seal v1"
#define QUOTE_MAX (64 * 1024)

static int gpath(char out[1200], const lcp_tee *t, const char *name, char *err)
{
    int k = snprintf(out, 1200, "%s/%s", t->gdir, name);
    if (k < 0 || k >= 1200) return lcp_fail(err, LCP_ERR_TEE, "Gramine path too long");
    return LCP_OK;
}

/* Reads up to cap bytes of a pseudo-file. Out: *len bytes read, *more = 1 if the file holds more than cap (then
 * *len is the full length, counted through a scratch buffer, up to QUOTE_MAX). */
static int gread(uint8_t *out, size_t cap, size_t *len, int *more, const lcp_tee *t, const char *name, int missing_rc,
                 char *err)
{
    char path[1200];
    int rc = gpath(path, t, name, err);
    if (rc != LCP_OK) return rc;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return lcp_fail(err, missing_rc, "cannot open %s: %s", path, strerror(errno));
    size_t got = 0, extra = 0;
    uint8_t scratch[512];
    for (;;) {
        int over = got >= cap;
        ssize_t k = over ? read(fd, scratch, sizeof scratch) : read(fd, out + got, cap - got);
        if (k < 0 && errno == EINTR) continue;
        if (k < 0) {
            rc = lcp_fail(err, LCP_ERR_TEE, "cannot read %s: %s", path, strerror(errno));
            break;
        }
        if (k == 0) break;
        if (over) extra += (size_t)k;
        else got += (size_t)k;
        if (extra > QUOTE_MAX) break;
    }
    close(fd);
    lcp_memzero(scratch, sizeof scratch);
    if (rc != LCP_OK) return rc;
    *len = got + extra;
    if (more) *more = extra > 0;
    else if (extra > 0) return lcp_fail(err, LCP_ERR_TEE, "%s is longer than the %zu bytes expected", path, cap);
    return LCP_OK;
}

/* Reads exactly n bytes. */
static int gread_exact(uint8_t *out, size_t n, const lcp_tee *t, const char *name, int missing_rc, char *err)
{
    size_t len = 0;
    int rc = gread(out, n, &len, NULL, t, name, missing_rc, err);
    if (rc == LCP_OK && len != n) {
        lcp_memzero(out, n);
        rc = lcp_fail(err, LCP_ERR_TEE, "%s/%s is %zu bytes, expected %zu", t->gdir, name, len, n);
    }
    return rc;
}

static int gwrite(const lcp_tee *t, const char *name, const uint8_t *p, size_t n, char *err)
{
    char path[1200];
    int rc = gpath(path, t, name, err);
    if (rc != LCP_OK) return rc;
    /* Gramine's pseudo-files exist already and take one whole write; no O_CREAT, no O_TRUNC. */
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) return lcp_fail(err, LCP_ERR_TEE, "cannot open %s: %s", path, strerror(errno));
    size_t off = 0;
    while (off < n) {
        ssize_t k = write(fd, p + off, n - off);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) {
            rc = lcp_fail(err, LCP_ERR_TEE, "cannot write %s: %s", path, strerror(errno));
            break;
        }
        off += (size_t)k;
    }
    if (close(fd) != 0 && rc == LCP_OK) rc = lcp_fail(err, LCP_ERR_TEE, "cannot write %s: %s", path, strerror(errno));
    return rc;
}

static int gramine_report(lcp_tee *t, uint8_t out[LCP_TEE_REPORT_LEN], const uint8_t *target_info,
                          const uint8_t report_data[LCP_SGX_REPORT_DATA_LEN], char *err)
{
    static const uint8_t zero_ti[LCP_TEE_TARGET_INFO_LEN] = {0};
    int rc = gwrite(t, "target_info", target_info ? target_info : zero_ti, LCP_TEE_TARGET_INFO_LEN, err);
    if (rc == LCP_OK) rc = gwrite(t, "user_report_data", report_data, LCP_SGX_REPORT_DATA_LEN, err);
    if (rc == LCP_OK) rc = gread_exact(out, LCP_TEE_REPORT_LEN, t, "report", LCP_ERR_TEE, err);
    return rc;
}

static int gramine_quote(lcp_tee *t, uint8_t *out, size_t cap, size_t *out_len,
                         const uint8_t report_data[LCP_SGX_REPORT_DATA_LEN], char *err)
{
    int rc = gwrite(t, "user_report_data", report_data, LCP_SGX_REPORT_DATA_LEN, err);
    if (rc != LCP_OK) return rc;
    size_t len = 0;
    int more = 0;
    if ((rc = gread(out, cap, &len, &more, t, "quote", LCP_ERR_TEE, err)) != LCP_OK) return rc;
    if (len == 0) return lcp_fail(err, LCP_ERR_TEE, "Gramine returned an empty quote");
    *out_len = len;
    if (more) return lcp_fail(err, LCP_ERR_BUFFER_TOO_SMALL, "the quote is %zu bytes, have room for %zu", len, cap);
    return LCP_OK;
}

static int gramine_open(lcp_tee *t, const lcp_tee_options *opt, char *err)
{
    const char *dir = opt->gramine_dir ? opt->gramine_dir : "/dev/attestation";
    if (strlen(dir) >= sizeof t->gdir) return lcp_fail(err, LCP_ERR_TEE, "Gramine directory path too long");
    memcpy(t->gdir, dir, strlen(dir) + 1);
    uint8_t type[16];
    size_t tlen = 0;
    int rc = gread(type, sizeof type, &tlen, NULL, t, "attestation_type", LCP_ERR_TEE_NOT_SGX, err);
    if (rc != LCP_OK) return rc == LCP_ERR_TEE_NOT_SGX ? rc : lcp_fail(err, LCP_ERR_TEE_NOT_SGX, "%s: bad attestation_type", dir);
    if (tlen > 0 && type[tlen - 1] == '\n') tlen--;
    if (!((tlen == 4 && memcmp(type, "dcap", 4) == 0) || (tlen == 4 && memcmp(type, "epid", 4) == 0)))
        return lcp_fail(err, LCP_ERR_TEE_NOT_SGX, "%s/attestation_type is '%.*s', not dcap or epid", dir, (int)tlen,
                        (const char *)type);
    if ((rc = gread_exact(t->target_info, LCP_TEE_TARGET_INFO_LEN, t, "my_target_info", LCP_ERR_TEE_NOT_SGX, err)) !=
        LCP_OK)
        return rc;
    /* Who we are, from a report for ourselves: Gramine has no other way to ask. */
    static const uint8_t zero_rd[LCP_SGX_REPORT_DATA_LEN] = {0};
    uint8_t rep[LCP_TEE_REPORT_LEN];
    if ((rc = gramine_report(t, rep, t->target_info, zero_rd, err)) != LCP_OK) return rc;
    lcp_sgx_report_body rb;
    if ((rc = lcp_sgx_report_body_parse(&rb, rep, LCP_SGX_REPORT_BODY_LEN, err)) != LCP_OK)
        return lcp_fail(err, LCP_ERR_TEE, "Gramine's self-report does not parse");
    lcp_tee_identity *id = &t->id;
    memcpy(id->mrenclave, rb.mrenclave, 32);
    memcpy(id->mrsigner, rb.mrsigner, 32);
    id->isv_prod_id = rb.isv_prod_id;
    id->isv_svn = rb.isv_svn;
    id->flags = rb.flags;
    id->xfrm = rb.xfrm;
    id->miscselect = rb.miscselect;
    memcpy(id->cpusvn, rb.cpusvn, 16);
    if ((rc = gread_exact(t->gkey_mrenclave, 16, t, "keys/_sgx_mrenclave", LCP_ERR_TEE_NOT_SGX, err)) != LCP_OK)
        return rc;
    char why[LCP_ERR_LEN];
    t->gkey_have_mrsigner = gread_exact(t->gkey_mrsigner, 16, t, "keys/_sgx_mrsigner", LCP_ERR_TEE, why) == LCP_OK;
    return LCP_OK;
}

static int gramine_seal_key(lcp_tee *t, uint8_t key[LCP_AES128_KEY_LEN], const uint8_t req[LCP_TEE_KEYREQUEST_LEN],
                            const lcp_tee_keyrequest *r, char *err)
{
    const uint8_t *ikm;
    if (r->key_policy == LCP_TEE_KEYPOLICY_MRENCLAVE) ikm = t->gkey_mrenclave;
    else if (r->key_policy == LCP_TEE_KEYPOLICY_MRSIGNER && t->gkey_have_mrsigner) ikm = t->gkey_mrsigner;
    else
        return lcp_fail(err, LCP_ERR_TEE_UNSUPPORTED, "Gramine offers no sealing key for policy 0x%x", r->key_policy);
    uint8_t k[LCP_AES128_KEY_LEN];
    int rc = lcp_hkdf_sha256(k, sizeof k, ikm, 16, (const uint8_t *)SEAL_SALT, sizeof SEAL_SALT - 1, req,
                             TEE_KR_RESERVED2);
    if (rc == LCP_OK) memcpy(key, k, sizeof k);
    lcp_memzero(k, sizeof k);
    return rc == LCP_OK ? LCP_OK : lcp_fail(err, LCP_ERR_TEE, "HKDF failed");
}

const lcp_tee_backend lcp_tee_backend_gramine = {
    .name = "gramine",
    .open = gramine_open,
    .seal_key = gramine_seal_key,
    .report = gramine_report,
    .quote = gramine_quote,
};
