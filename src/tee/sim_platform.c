/* The simulated platform directory (lcp/tee_sim.h): one simulated CPU's fuse secret and TCB on disk. Every file
 * is written atomically, and the fuse secret last, so an interrupted init leaves no platform (load fails, init can
 * run again) rather than a platform with a secret and missing TCB. */
#include "tee_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_FILE 4096

static int join(char out[4096], const char *dir, const char *name, char *err)
{
    int k = snprintf(out, 4096, "%s/%s", dir, name);
    if (k < 0 || k >= 4096) return lcp_fail(err, LCP_ERR_TEE_NO_PLATFORM, "platform path too long: %s", dir);
    return LCP_OK;
}

int lcp_tee_sim_default_dir(char *out, size_t cap, char *err)
{
    LCP_ARG_CHECK(out != NULL);
    const char *home = getenv("HOME");
    if (home == NULL || home[0] == '\0')
        return lcp_fail(err, LCP_ERR_TEE_NO_PLATFORM, "HOME is not set: give the platform with --sim_platform DIR");
    int k = snprintf(out, cap, "%s/.lcp-sim", home);
    if (k < 0 || (size_t)k >= cap) return lcp_fail(err, LCP_ERR_BUFFER_TOO_SMALL, "HOME is too long");
    return LCP_OK;
}

void lcp_tee_sim_platform_wipe(lcp_tee_sim_platform *p)
{
    if (p) lcp_memzero(p, sizeof *p);
}

/* ---- reading: every file is untrusted and must have exactly its format ---- */

/* Reads dir/name (at most MAX_FILE bytes). The buffer may hold the fuse secret: callers wipe it. */
static int read_file(uint8_t **data, size_t *len, const char *dir, const char *name, char *err)
{
    char path[4096];
    int rc = join(path, dir, name, err);
    if (rc != LCP_OK) return rc;
    char why[LCP_ERR_LEN] = "";
    if (lcp_file_read(data, len, path, MAX_FILE, why) != LCP_OK)
        return lcp_fail(err, LCP_ERR_TEE_NO_PLATFORM, "simulated platform %s: %s (run lcp sim init)", dir, why);
    return LCP_OK;
}

static void free_file(uint8_t *data, size_t len)
{
    lcp_memzero(data, len);
    lcp_free(data);
}

/* "<2n hex digits>\n" into out[n]. */
static int read_hex(uint8_t *out, size_t n, const char *dir, const char *name, char *err)
{
    uint8_t *d;
    size_t len, got = 0;
    int rc = read_file(&d, &len, dir, name, err);
    if (rc != LCP_OK) return rc;
    if (len != 2 * n + 1 || d[2 * n] != '\n' || (d[0] == '0' && (d[1] == 'x' || d[1] == 'X')) ||
        lcp_hex_decode(out, n, &got, (const char *)d, 2 * n, NULL) != LCP_OK || got != n)
        rc = lcp_fail(err, LCP_ERR_TEE_NO_PLATFORM, "simulated platform %s: %s is not %zu hex digits and a newline",
                      dir, name, 2 * n);
    free_file(d, len);
    return rc;
}

static int read_u16(uint16_t *out, const char *dir, const char *name, char *err)
{
    uint8_t *d;
    size_t len;
    int rc = read_file(&d, &len, dir, name, err);
    if (rc != LCP_OK) return rc;
    uint32_t v = 0;
    /* Decimal without sign or leading zeros, at most 65535, then a newline. */
    int ok = len >= 2 && len <= 6 && d[len - 1] == '\n' && !(d[0] == '0' && len > 2);
    for (size_t i = 0; ok && i + 1 < len; i++) {
        if (d[i] < '0' || d[i] > '9') ok = 0;
        else v = v * 10 + (uint32_t)(d[i] - '0');
    }
    if (!ok || v > 0xffff)
        rc = lcp_fail(err, LCP_ERR_TEE_NO_PLATFORM, "simulated platform %s: %s is not a number 0..65535 and a newline",
                      dir, name);
    else
        *out = (uint16_t)v;
    free_file(d, len);
    return rc;
}

int lcp_tee_sim_load(lcp_tee_sim_platform *out, const char *dir, char *err)
{
    LCP_ARG_CHECK(out != NULL && dir != NULL);
    memset(out, 0, sizeof *out);
    uint8_t *d;
    size_t len;
    int rc = read_file(&d, &len, dir, LCP_TEE_SIM_FILE_FORMAT, err);
    if (rc != LCP_OK) return rc;
    if (len != sizeof LCP_TEE_SIM_FORMAT - 1 || memcmp(d, LCP_TEE_SIM_FORMAT, len) != 0)
        rc = lcp_fail(err, LCP_ERR_TEE_NO_PLATFORM, "%s is not an lcp-c sim platform v1 directory", dir);
    free_file(d, len);
    if (rc != LCP_OK) return rc;
    if ((rc = read_file(&d, &len, dir, LCP_TEE_SIM_FILE_FUSE, err)) != LCP_OK) return rc;
    if (len == LCP_TEE_SIM_FUSE_LEN)
        memcpy(out->fuse_secret, d, len);
    else
        rc = lcp_fail(err, LCP_ERR_TEE_NO_PLATFORM, "simulated platform %s: fuse_secret is %zu bytes, expected 32", dir,
                      len);
    free_file(d, len);
    if (rc == LCP_OK) rc = read_hex(out->platform_id, sizeof out->platform_id, dir, LCP_TEE_SIM_FILE_PLATFORM_ID, err);
    if (rc == LCP_OK) rc = read_hex(out->cpusvn, sizeof out->cpusvn, dir, LCP_TEE_SIM_FILE_CPUSVN, err);
    if (rc == LCP_OK) rc = read_u16(&out->pcesvn, dir, LCP_TEE_SIM_FILE_PCESVN, err);
    if (rc != LCP_OK) lcp_tee_sim_platform_wipe(out);
    return rc;
}

/* ---- writing ---- */

static int write_file(const char *dir, const char *name, const uint8_t *data, size_t len, unsigned mode, char *err)
{
    char path[4096];
    int rc = join(path, dir, name, err);
    if (rc != LCP_OK) return rc;
    return lcp_file_write_atomic(path, data, len, mode, err);
}

static int write_hex(const char *dir, const char *name, const uint8_t *p, size_t n, char *err)
{
    char hex[2 * 32 + 2];
    if (n > 32) return lcp_fail(err, LCP_ERR_RANGE, "value too long");
    lcp_hex_encode(hex, sizeof hex, p, n);
    hex[2 * n] = '\n';
    return write_file(dir, name, (const uint8_t *)hex, 2 * n + 1, 0644, err);
}

static int write_u16(const char *dir, const char *name, uint16_t v, char *err)
{
    char s[8];
    int k = snprintf(s, sizeof s, "%u\n", (unsigned)v);
    return write_file(dir, name, (const uint8_t *)s, (size_t)k, 0644, err);
}

int lcp_tee_sim_create(const char *dir, const lcp_tee_sim_platform *p, int force, char *err)
{
    LCP_ARG_CHECK(dir != NULL && p != NULL);
    struct stat st;
    if (mkdir(dir, 0700) != 0 && errno != EEXIST)
        return lcp_fail(err, LCP_ERR_IO, "cannot create %s: %s", dir, strerror(errno));
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return lcp_fail(err, LCP_ERR_IO, "%s is not a directory", dir);
    /* Only the owner may read a directory that holds a fuse secret, also when it existed before. */
    if ((st.st_mode & 0777) != 0700 && chmod(dir, 0700) != 0)
        return lcp_fail(err, LCP_ERR_IO, "cannot make %s private (0700): %s", dir, strerror(errno));
    char path[4096];
    int rc = join(path, dir, LCP_TEE_SIM_FILE_FUSE, err);
    if (rc != LCP_OK) return rc;
    if (lstat(path, &st) == 0 && !force)
        return lcp_fail(err, LCP_ERR_TEE_PLATFORM_EXISTS,
                        "%s already holds a simulated platform; replacing its fuse secret loses every key sealed on "
                        "it (use --force only if that is what you want)",
                        dir);
    if (force) {
        /* These describe the CPU being replaced; a new CPU needs new ones from the attestation module. */
        static const char *const cpu_bound[] = {LCP_TEE_SIM_FILE_PCK_KEY, LCP_TEE_SIM_FILE_PCK_CERT,
                                                LCP_TEE_SIM_FILE_QE_KEY};
        for (size_t i = 0; i < sizeof cpu_bound / sizeof cpu_bound[0]; i++) {
            if ((rc = join(path, dir, cpu_bound[i], err)) != LCP_OK) return rc;
            if (unlink(path) != 0 && errno != ENOENT)
                return lcp_fail(err, LCP_ERR_IO, "cannot remove %s: %s", path, strerror(errno));
        }
    }
    if ((rc = write_file(dir, LCP_TEE_SIM_FILE_FORMAT, (const uint8_t *)LCP_TEE_SIM_FORMAT,
                         sizeof LCP_TEE_SIM_FORMAT - 1, 0644, err)) != LCP_OK ||
        (rc = write_hex(dir, LCP_TEE_SIM_FILE_PLATFORM_ID, p->platform_id, sizeof p->platform_id, err)) != LCP_OK ||
        (rc = write_hex(dir, LCP_TEE_SIM_FILE_CPUSVN, p->cpusvn, sizeof p->cpusvn, err)) != LCP_OK ||
        (rc = write_u16(dir, LCP_TEE_SIM_FILE_PCESVN, p->pcesvn, err)) != LCP_OK)
        return rc;
    return write_file(dir, LCP_TEE_SIM_FILE_FUSE, p->fuse_secret, sizeof p->fuse_secret, 0600, err);
}

int lcp_tee_sim_init(lcp_tee_sim_platform *out, const char *dir, int force, char *err)
{
    LCP_ARG_CHECK(dir != NULL);
    lcp_tee_sim_platform p = {.cpusvn = LCP_TEE_SIM_DEFAULT_CPUSVN, .pcesvn = LCP_TEE_SIM_DEFAULT_PCESVN};
    int rc = lcp_random(p.fuse_secret, sizeof p.fuse_secret);
    if (rc == LCP_OK) rc = lcp_random(p.platform_id, sizeof p.platform_id);
    if (rc != LCP_OK) rc = lcp_fail(err, rc, "no randomness for the fuse secret");
    if (rc == LCP_OK) rc = lcp_tee_sim_create(dir, &p, force, err);
    if (rc == LCP_OK && out) *out = p;
    lcp_tee_sim_platform_wipe(&p);
    return rc;
}

int lcp_tee_sim_set_cpusvn(uint8_t old_cpusvn[16], const char *dir, const uint8_t cpusvn[16], char *err)
{
    LCP_ARG_CHECK(dir != NULL && cpusvn != NULL);
    lcp_tee_sim_platform p;
    int rc = lcp_tee_sim_load(&p, dir, err);
    if (rc != LCP_OK) return rc;
    rc = write_hex(dir, LCP_TEE_SIM_FILE_CPUSVN, cpusvn, 16, err);
    if (rc == LCP_OK && old_cpusvn) memcpy(old_cpusvn, p.cpusvn, 16);
    lcp_tee_sim_platform_wipe(&p);
    return rc;
}

int lcp_tee_sim_microcode_update(uint8_t old_cpusvn[16], uint8_t new_cpusvn[16], const char *dir, char *err)
{
    LCP_ARG_CHECK(dir != NULL);
    lcp_tee_sim_platform p;
    int rc = lcp_tee_sim_load(&p, dir, err);
    if (rc != LCP_OK) return rc;
    uint8_t next[16];
    memcpy(next, p.cpusvn, 16);
    if (next[0] == 0xff)
        rc = lcp_fail(err, LCP_ERR_RANGE, "the first CPUSVN component is already 255 (use --set to pick a value)");
    else {
        next[0]++;
        rc = write_hex(dir, LCP_TEE_SIM_FILE_CPUSVN, next, 16, err);
    }
    if (rc == LCP_OK) {
        if (old_cpusvn) memcpy(old_cpusvn, p.cpusvn, 16);
        if (new_cpusvn) memcpy(new_cpusvn, next, 16);
    }
    lcp_tee_sim_platform_wipe(&p);
    return rc;
}

int lcp_tee_sim_set_pcesvn(uint16_t *old_pcesvn, const char *dir, uint16_t pcesvn, char *err)
{
    LCP_ARG_CHECK(dir != NULL);
    lcp_tee_sim_platform p;
    int rc = lcp_tee_sim_load(&p, dir, err);
    if (rc != LCP_OK) return rc;
    rc = write_u16(dir, LCP_TEE_SIM_FILE_PCESVN, pcesvn, err);
    if (rc == LCP_OK && old_pcesvn) *old_pcesvn = p.pcesvn;
    lcp_tee_sim_platform_wipe(&p);
    return rc;
}
