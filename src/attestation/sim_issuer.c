/* The simulated Intel of a platform directory (lcp/attestation_sim.h): creating the issuer (root CA, PCK Platform
 * CA, TCB Signing), certifying the platform (PCK key and certificate, QE attestation key), and handing out the root
 * and the published collateral. The collateral itself is generated in sim_issuer_collateral.c. */
#include "sim_issuer_internal.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Validity of the simulated certificates, modelled on Intel's: the root until the end of 2049, the CAs about
 * 15 years, TCB Signing and PCK certificates 7 years. */
#define ROOT_NOT_AFTER 2524607999 /* 2049-12-31T23:59:59Z, as Intel's root */
#define CA_LIFETIME ((int64_t)15 * 365 * 86400)
#define LEAF_LIFETIME ((int64_t)7 * 365 * 86400)

int sim_path(char out[4096], const char *dir, const char *name, char *err)
{
    int k = snprintf(out, 4096, "%s/%s", dir, name);
    if (k < 0 || k >= 4096) return lcp_fail(err, LCP_ERR_IO, "simulated issuer: path too long: %s", dir);
    return LCP_OK;
}

int sim_read(uint8_t **data, size_t *len, const char *dir, const char *name, char *err)
{
    char path[4096], why[LCP_ERR_LEN] = "";
    int rc = sim_path(path, dir, name, err);
    if (rc != LCP_OK) return rc;
    if (lcp_file_read(data, len, path, SIM_MAX_FILE, why) != LCP_OK)
        return lcp_fail(err, LCP_ERR_IO, "simulated issuer: %s (run lcp sim init)", why);
    return LCP_OK;
}

int sim_write(const char *dir, const char *name, const uint8_t *data, size_t len, unsigned mode, char *err)
{
    char path[4096];
    int rc = sim_path(path, dir, name, err);
    if (rc != LCP_OK) return rc;
    return lcp_file_write_atomic(path, data, len, mode, err);
}

static int sim_mkdir(const char *dir, const char *name, char *err)
{
    char path[4096];
    int rc = sim_path(path, dir, name, err);
    if (rc != LCP_OK) return rc;
    if (mkdir(path, 0700) != 0 && errno != EEXIST)
        return lcp_fail(err, LCP_ERR_IO, "cannot create %s: %s", path, strerror(errno));
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) return lcp_fail(err, LCP_ERR_IO, "%s is not a directory", path);
    return LCP_OK;
}

/* The collateral is the last file creation writes: without it the issuer is unfinished, and creating it again
 * (which rewrites every file) is the way to finish it. */
int lcp_sim_issuer_exists(const char *dir)
{
    static const char *const files[] = {SIM_FILE_ROOT_KEY, SIM_FILE_ROOT_PEM, LCP_SIM_FILE_COLLATERAL};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char p[4096];
        if (sim_path(p, dir, files[i], NULL) != LCP_OK || access(p, F_OK) != 0) return 0;
    }
    return 1;
}

static int save_cert(const char *dir, const char *name, X509 *cert, char *err)
{
    lcp_buf pem = {0};
    int rc = sim_cert_pem(&pem, cert, err);
    if (rc == LCP_OK) rc = sim_write(dir, name, pem.data, pem.len, 0644, err);
    lcp_buf_free(&pem);
    return rc;
}

static int save_der(const char *dir, const char *name, X509 *cert, char *err)
{
    unsigned char *der = NULL;
    int n = i2d_X509(cert, &der);
    if (n <= 0) return lcp_fail(err, LCP_ERR_CRYPTO, "simulated issuer: certificate encoding failed");
    int rc = sim_write(dir, name, der, (size_t)n, 0644, err);
    OPENSSL_free(der);
    return rc;
}

/* Issues one certificate under (issuer, ikey) for a fresh key, and saves key and certificate. Out: key, cert. */
static int issue(EVP_PKEY **key, X509 **cert, const char *dir, const char *key_file, const char *cert_file, int kind,
                 X509 *issuer, EVP_PKEY *ikey, int64_t from, int64_t to, char *err)
{
    int rc = sim_p256_new(key, err);
    if (rc == LCP_OK) rc = sim_cert_make(cert, kind, *key, issuer, ikey, from, to, NULL, 0, err);
    if (rc == LCP_OK) rc = sim_key_save(dir, key_file, *key, err);
    if (rc == LCP_OK) rc = save_cert(dir, cert_file, *cert, err);
    return rc;
}

int lcp_sim_issuer_create(const char *dir, const lcp_sim_tcb *tcb, int64_t now, char *err)
{
    LCP_ARG_CHECK(dir != NULL && tcb != NULL);
    if (lcp_sim_issuer_exists(dir))
        return lcp_fail(err, LCP_ERR_ILLEGAL_ARG,
                        "%s already has a simulated issuer: it is never replaced (every quote under its root depends on "
                        "it)",
                        dir);
    if (now < 0 || now >= ROOT_NOT_AFTER - LCP_SIM_COLLATERAL_LIFETIME)
        return lcp_fail(err, LCP_ERR_TIME, "simulated issuer: time %lld is outside the root's life", (long long)now);
    EVP_PKEY *rk = NULL, *ck = NULL, *tk = NULL;
    X509 *root = NULL, *ca = NULL, *tcbs = NULL;
    sim_levels *lv = NULL;
    int rc = sim_mkdir(dir, SIM_DIR_ISSUER, err);
    if (rc == LCP_OK) rc = sim_mkdir(dir, SIM_DIR_COLLATERAL, err);
    if (rc == LCP_OK) rc = sim_p256_new(&rk, err);
    if (rc == LCP_OK) rc = sim_cert_make(&root, SIM_CERT_ROOT, rk, NULL, NULL, now, ROOT_NOT_AFTER, NULL, 0, err);
    if (rc == LCP_OK) rc = sim_key_save(dir, SIM_FILE_ROOT_KEY, rk, err);
    if (rc == LCP_OK) rc = save_cert(dir, SIM_FILE_ROOT_PEM, root, err);
    if (rc == LCP_OK) rc = save_der(dir, SIM_FILE_ROOT_DER, root, err);
    if (rc == LCP_OK)
        rc = issue(&ck, &ca, dir, SIM_FILE_CA_KEY, SIM_FILE_CA_PEM, SIM_CERT_PCK_CA, root, rk, now, now + CA_LIFETIME,
                   err);
    if (rc == LCP_OK)
        rc = issue(&tk, &tcbs, dir, SIM_FILE_TCB_KEY, SIM_FILE_TCB_PEM, SIM_CERT_TCB_SIGNING, root, rk, now,
                   now + LEAF_LIFETIME, err);
    if (rc == LCP_OK && (lv = lcp_calloc(1, sizeof *lv)) == NULL) rc = lcp_fail(err, LCP_ERR_NOMEM, "out of memory");
    if (rc == LCP_OK) {
        sim_levels_initial(lv, tcb, now);
        rc = sim_publish(dir, lv, now, err);
    }
    lcp_free(lv);
    EVP_PKEY_free(rk);
    EVP_PKEY_free(ck);
    EVP_PKEY_free(tk);
    X509_free(root);
    X509_free(ca);
    X509_free(tcbs);
    return rc;
}

int lcp_sim_issuer_certify_platform(const char *dir, const lcp_sim_tcb *tcb, int64_t now, char *err)
{
    LCP_ARG_CHECK(dir != NULL && tcb != NULL);
    EVP_PKEY *ck = NULL, *pk = NULL, *qk = NULL;
    X509 *ca = NULL, *pck = NULL;
    lcp_buf ext = {0}, pem = {0};
    int rc = sim_key_load(&ck, dir, SIM_FILE_CA_KEY, err);
    if (rc == LCP_OK) rc = sim_cert_load(&ca, dir, SIM_FILE_CA_PEM, err);
    if (rc == LCP_OK) rc = sim_sgx_ext(&ext, tcb, err);
    /* A new TCB means a new PCK key: the PCE derives it from keys that depend on the CPUSVN and PCESVN. */
    if (rc == LCP_OK) rc = sim_p256_new(&pk, err);
    if (rc == LCP_OK)
        rc = sim_cert_make(&pck, SIM_CERT_PCK, pk, ca, ck, now, now + LEAF_LIFETIME, ext.data, ext.len, err);
    /* The key first: a certificate without its key is useless, a key without a new certificate harmless. */
    if (rc == LCP_OK) rc = sim_key_save(dir, SIM_FILE_PCK_KEY, pk, err);
    if (rc == LCP_OK) rc = sim_cert_pem(&pem, pck, err);
    if (rc == LCP_OK) rc = sim_write(dir, SIM_FILE_PCK_CERT, pem.data, pem.len, 0644, err);
    /* The QE keeps its attestation key across TCB changes; it gets one the first time. */
    char qpath[4096];
    if (rc == LCP_OK) rc = sim_path(qpath, dir, SIM_FILE_QE_KEY, err);
    if (rc == LCP_OK && access(qpath, F_OK) != 0) {
        rc = sim_p256_new(&qk, err);
        if (rc == LCP_OK) rc = sim_key_save(dir, SIM_FILE_QE_KEY, qk, err);
    }
    lcp_buf_free(&ext);
    lcp_buf_free(&pem);
    EVP_PKEY_free(ck);
    EVP_PKEY_free(pk);
    EVP_PKEY_free(qk);
    X509_free(ca);
    X509_free(pck);
    return rc;
}

int lcp_sim_issuer_root(uint8_t **der, size_t *len, const char *dir, char *err)
{
    return sim_read(der, len, dir, SIM_FILE_ROOT_DER, err);
}

int lcp_sim_issuer_collateral(uint8_t **json, size_t *len, const char *dir, uint32_t eval, char *err)
{
    char name[64];
    if (eval == 0) snprintf(name, sizeof name, "%s", LCP_SIM_FILE_COLLATERAL);
    else snprintf(name, sizeof name, SIM_DIR_COLLATERAL "/collateral-%u.json", eval);
    return sim_read(json, len, dir, name, err);
}
