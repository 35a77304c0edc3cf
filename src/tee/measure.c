/* The sim backend's MRENCLAVE and MRSIGNER (lcp/tee.h "measurement"). Real SGX hashes the enclave's pages as they
 * are added (ops.md §2.1); a process has no such pages, so the sim measures what determines its code: the
 * executable (statically linked, so it is all the code that runs) and the enclave config. Anyone can recompute
 * the value from a reproducible build with sha256sum-like tools (tests/tee/test_measure.c shows how). */
#include "tee_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define DOMAIN "lcp-c sim MRENCLAVE v1"

static int measure_start(lcp_sha256_ctx *c, uint64_t image_len)
{
    uint8_t len[8];
    lcp_put_le64(len, image_len);
    int rc = lcp_sha256_init(c);
    if (rc != LCP_OK) return rc;
    if ((rc = lcp_sha256_update(c, (const uint8_t *)DOMAIN, sizeof DOMAIN - 1)) != LCP_OK ||
        (rc = lcp_sha256_update(c, len, sizeof len)) != LCP_OK)
        lcp_sha256_abort(c);
    return rc;
}

static int measure_finish(uint8_t mrenclave[32], lcp_sha256_ctx *c, uint16_t isv_prod_id, uint16_t isv_svn,
                          int debug)
{
    uint8_t cfg[5];
    lcp_put_le16(cfg, isv_prod_id);
    lcp_put_le16(cfg + 2, isv_svn);
    cfg[4] = debug ? 1 : 0;
    int rc = lcp_sha256_update(c, cfg, sizeof cfg);
    if (rc != LCP_OK) {
        lcp_sha256_abort(c);
        return rc;
    }
    return lcp_sha256_final(c, mrenclave);
}

int lcp_tee_measure(uint8_t mrenclave[32], const uint8_t *image, size_t image_len, uint16_t isv_prod_id,
                    uint16_t isv_svn, int debug)
{
    LCP_ARG_CHECK(mrenclave != NULL && (image != NULL || image_len == 0));
    lcp_sha256_ctx c;
    int rc = measure_start(&c, image_len);
    if (rc != LCP_OK) return rc;
    if ((rc = lcp_sha256_update(&c, image, image_len)) != LCP_OK) {
        lcp_sha256_abort(&c);
        return rc;
    }
    return measure_finish(mrenclave, &c, isv_prod_id, isv_svn, debug);
}

int lcp_tee_measure_file(uint8_t mrenclave[32], const char *path, uint16_t isv_prod_id, uint16_t isv_svn, int debug,
                         char *err)
{
    LCP_ARG_CHECK(mrenclave != NULL && path != NULL);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return lcp_fail(err, LCP_ERR_IO, "cannot open %s to measure it: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return lcp_fail(err, LCP_ERR_IO, "%s is not a regular file", path);
    }
    /* The length comes first in the hash, so it is taken before reading; a file that then grows or shrinks
     * (replaced under us) is an error rather than a measurement of something in between. */
    uint64_t want = (uint64_t)st.st_size, got = 0;
    lcp_sha256_ctx c;
    int rc = measure_start(&c, want);
    if (rc != LCP_OK) {
        close(fd);
        return lcp_fail(err, rc, "SHA-256 failed");
    }
    uint8_t buf[65536];
    for (;;) {
        ssize_t k = read(fd, buf, sizeof buf);
        if (k < 0 && errno == EINTR) continue;
        if (k < 0) {
            rc = lcp_fail(err, LCP_ERR_IO, "cannot read %s: %s", path, strerror(errno));
            break;
        }
        if (k == 0) break;
        got += (uint64_t)k;
        if (got > want) break;
        if ((rc = lcp_sha256_update(&c, buf, (size_t)k)) != LCP_OK) {
            lcp_fail(err, rc, "SHA-256 failed");
            break;
        }
    }
    close(fd);
    if (rc == LCP_OK && got != want)
        rc = lcp_fail(err, LCP_ERR_IO, "%s changed size while it was measured", path);
    if (rc != LCP_OK) {
        lcp_sha256_abort(&c);
        return rc;
    }
    return measure_finish(mrenclave, &c, isv_prod_id, isv_svn, debug);
}

int lcp_tee_mrsigner(uint8_t mrsigner[32], const uint8_t *signer_pubkey, size_t len)
{
    LCP_ARG_CHECK(mrsigner != NULL);
    if (signer_pubkey == NULL) return lcp_sha256(mrsigner, (const uint8_t *)LCP_TEE_SIM_DEV_SIGNER,
                                                 sizeof LCP_TEE_SIM_DEV_SIGNER - 1);
    return lcp_sha256(mrsigner, signer_pubkey, len);
}
