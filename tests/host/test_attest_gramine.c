/* DCAP attestation on the gramine backend, end to end as far as a machine without SGX allows: lcp-enclave runs
 * with --backend gramine under a stand-in gramine-sgx, against an imitation of /dev/attestation whose `report` and
 * `quote` are FIFOs answered by this test: reports by a simulated platform for a made-up enclave identity, quotes
 * by the simulated QE over the report data the enclave wrote to user_report_data. The host asks the enclave to
 * quote its key (QuoteEnclaveKey), fetches the collateral from a loopback fake PCCS serving the simulated Intel's
 * collateral (or takes it from a file), verifies under the simulated root given explicitly, and records.
 * Refusals: a quote over other report data, collateral for another FMSPC, Intel's root (the default) for a
 * simulated quote, the sim backend's enclave asked for a quote; and the same through `lcp attestation dcap`.
 * What this cannot show: a real Gramine's /dev/attestation, a real QE's quote, a real PCCS. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <spawn.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "hostfix.h"
#include "lcp/crypto.h"
#include "lcp/host.h"
#include "lcp/host_attest_gramine.h"
#include "lcp/host_keystore.h"
#include "lcp/service.h"
#include "lcp/tee_sim.h"
#include "pccsfake.h"
#include "service/service_internal.h"
#include "simfix.h"

extern char **environ;

/* ---- the imitation of /dev/attestation ---- */

typedef struct {
    char dir[512];
    lcp_tee *tee;               /* "the CPU": the simulated platform running the made-up enclave identity */
    lcp_tee_sim_platform plat;  /* for the QE's report check */
    lcp_sim_qe *qe;
    pthread_t th[2];
    atomic_int stop, flip, quotes;
} imit;

typedef struct {
    imit *m;
    int quote; /* 0: report, 1: quote */
} server;
static server servers[2];

static void path_of(char *out, const imit *m, const char *name) { snprintf(out, PATH_MAX, "%s/%s", m->dir, name); }

static void read_file(const imit *m, const char *name, uint8_t *out, size_t n)
{
    char p[PATH_MAX];
    path_of(p, m, name);
    int fd = open(p, O_RDONLY);
    assert_true(fd >= 0);
    assert_int_equal(read(fd, out, n), (ssize_t)n);
    close(fd);
}

static int check_report(void *ctx, lcp_sgx_report_body *body, const uint8_t *report, size_t len, char *err)
{
    if (len != LCP_TEE_REPORT_LEN) return lcp_fail(err, LCP_ERR_ATTESTATION_REPORT, "not 432 bytes");
    return lcp_tee_sim_verify_report(body, ctx, report, NULL, err);
}

/* One FIFO: each reader that opens it gets one answer. As soon as a reader is there, a fresh FIFO replaces the
 * name, so the next open (Gramine reopens per call) can never meet this answer's leftovers. */
static void *serve(void *arg)
{
    server *s = arg;
    imit *m = s->m;
    const char *name = s->quote ? "quote" : "report";
    char p[PATH_MAX], next[PATH_MAX];
    path_of(p, m, name);
    snprintf(next, sizeof next, "%s/.%s.next", m->dir, name);
    for (;;) {
        int fd = open(p, O_WRONLY | O_CLOEXEC);
        if (fd < 0 && errno == EINTR) continue;
        assert_true(fd >= 0);
        if (atomic_load(&m->stop)) {
            close(fd);
            return NULL;
        }
        assert_int_equal(mkfifo(next, 0600), 0);
        assert_int_equal(rename(next, p), 0);
        uint8_t ti[512], rd[64], rep[432];
        char err[LCP_ERR_LEN] = "";
        read_file(m, "target_info", ti, sizeof ti);
        read_file(m, "user_report_data", rd, sizeof rd);
        lcp_buf out = {0};
        if (!s->quote) {
            assert_int_equal(lcp_tee_report(m->tee, rep, ti, rd, err), LCP_OK);
            assert_int_equal(lcp_buf_append(&out, rep, sizeof rep), LCP_OK);
        } else {
            if (atomic_load(&m->flip)) rd[30] ^= 1; /* a quote over other report data than was written */
            assert_int_equal(lcp_tee_report(m->tee, rep, NULL, rd, err), LCP_OK);
            if (lcp_sim_qe_quote(m->qe, &out, rep, sizeof rep, check_report, &m->plat, err) != LCP_OK)
                fail_msg("simulated QE: %s", err);
            atomic_fetch_add(&m->quotes, 1);
        }
        assert_int_equal(write(fd, out.data, out.len), (ssize_t)out.len);
        close(fd);
        lcp_buf_free(&out);
    }
}

static void put(const imit *m, const char *name, const void *p, size_t n)
{
    char path[PATH_MAX];
    path_of(path, m, name);
    assert_int_equal(lcp_file_write_atomic(path, p, n, 0600, NULL), LCP_OK);
}

static void imit_start(imit *m, const char *tmp, const char *platform)
{
    memset(m, 0, sizeof *m);
    snprintf(m->dir, sizeof m->dir, "%s/attestation", tmp);
    char keys[PATH_MAX + 8], err[LCP_ERR_LEN] = "";
    snprintf(keys, sizeof keys, "%s/keys", m->dir);
    assert_int_equal(mkdir(m->dir, 0700), 0);
    assert_int_equal(mkdir(keys, 0700), 0);
    lcp_tee_identity id = simfix_identity(0);
    lcp_tee_options o = {0};
    o.backend = "sim";
    o.sim_platform = platform;
    o.identity = &id;
    if (lcp_tee_open(&m->tee, &o, err) != LCP_OK) fail_msg("tee: %s", err);
    assert_int_equal(lcp_tee_sim_load(&m->plat, platform, err), LCP_OK);
    assert_int_equal(lcp_sim_qe_open(&m->qe, platform, err), LCP_OK);
    uint8_t ti[512] = {0}, k[16];
    assert_int_equal(lcp_tee_target_info(m->tee, ti), LCP_OK);
    put(m, "attestation_type", "dcap\n", 5);
    put(m, "my_target_info", ti, sizeof ti);
    memset(ti, 0, sizeof ti);
    put(m, "target_info", ti, sizeof ti);
    put(m, "user_report_data", ti, 64);
    assert_int_equal(lcp_random(k, sizeof k), LCP_OK);
    put(m, "keys/_sgx_mrenclave", k, sizeof k);
    assert_int_equal(lcp_random(k, sizeof k), LCP_OK);
    put(m, "keys/_sgx_mrsigner", k, sizeof k);
    char p[PATH_MAX];
    for (int i = 0; i < 2; i++) {
        path_of(p, m, i ? "quote" : "report");
        assert_int_equal(mkfifo(p, 0600), 0);
        servers[i] = (server){m, i};
        assert_int_equal(pthread_create(&m->th[i], NULL, serve, &servers[i]), 0);
    }
}

static void imit_stop(imit *m)
{
    atomic_store(&m->stop, 1);
    char p[PATH_MAX];
    for (int i = 0; i < 2; i++) {
        path_of(p, m, i ? "quote" : "report");
        int fd = open(p, O_RDONLY | O_NONBLOCK); /* lets the server's open return and see stop */
        pthread_join(m->th[i], NULL);
        if (fd >= 0) close(fd);
    }
    lcp_sim_qe_close(m->qe);
    lcp_tee_sim_platform_wipe(&m->plat);
    lcp_tee_close(m->tee);
}

/* ---- the fixture ---- */

static const uint8_t OPERATOR[20] = {0x77, 0x77, 0x77, 0x77, 0x77, 0x77, 0x77, 0x77, 0x77, 0x77,
                                     0x77, 0x77, 0x77, 0x77, 0x77, 0x77, 0x77, 0x77, 0x77, 0x01};

typedef struct {
    hostfix h;
    simfix s;
    imit m;
    lcp_host *host;
    uint8_t *doc;
    size_t doc_len;
    char root_path[PATH_MAX], coll_path[PATH_MAX], lcp_bin[PATH_MAX];
    pccsfake *pccs;
} fx;

static fx *F;

static void write_standin(fx *f)
{
    char bin[PATH_MAX + 8], path[PATH_MAX + 32];
    snprintf(bin, sizeof bin, "%s/bin", f->h.tmp);
    assert_int_equal(mkdir(bin, 0700), 0);
    snprintf(path, sizeof path, "%s/gramine-sgx", bin);
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    /* What Gramine's loader would run (the manifest's fixed argv), plus where the imitation is. */
    fprintf(fp, "#!/bin/sh\n[ \"$#\" -eq 1 ] && [ \"$1\" = lcp-enclave ] || exit 97\n"
                "exec ./lcp-enclave --fd 0 --backend gramine --gramine_dir '%s'\n", f->m.dir);
    fclose(fp);
    assert_int_equal(chmod(path, 0700), 0);
    assert_int_equal(setenv("LCP_GRAMINE_SGX", path, 1), 0);
}

static int setup(void **state)
{
    fx *f = calloc(1, sizeof *f);
    assert_non_null(f);
    hostfix_setup(&f->h, "gramdcap");
    simfix_open(&f->s, (int64_t)time(NULL));
    f->doc = simfix_collateral_json(&f->s, 0, &f->doc_len);
    snprintf(f->root_path, sizeof f->root_path, "%s/root.der", f->h.tmp);
    snprintf(f->coll_path, sizeof f->coll_path, "%s/collateral.json", f->h.tmp);
    assert_int_equal(lcp_file_write_atomic(f->root_path, f->s.root, f->s.root_len, 0600, NULL), LCP_OK);
    assert_int_equal(lcp_file_write_atomic(f->coll_path, f->doc, f->doc_len, 0600, NULL), LCP_OK);
    snprintf(f->lcp_bin, sizeof f->lcp_bin, "%s", f->h.enclave_bin);
    strcpy(strrchr(f->lcp_bin, '/'), "/lcp");
    imit_start(&f->m, f->h.tmp, f->s.platform);
    write_standin(f);
    f->pccs = pccsfake_start((const char *)f->doc, f->doc_len, LCP_SIM_FMSPC_HEX, NULL, NULL);
    lcp_host_options o = {f->h.home, f->s.platform, f->h.enclave_bin, "gramine"};
    char err[LCP_ERR_LEN] = "";
    if (lcp_host_open(&f->host, &o, err) != LCP_OK) fail_msg("host: %s", err);
    *state = F = f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    lcp_host_close(f->host);
    pccsfake_stop(f->pccs);
    imit_stop(&f->m);
    unsetenv("LCP_GRAMINE_SGX");
    lcp_free(f->doc);
    simfix_close(&f->s);
    hostfix_teardown(&f->h);
    free(f);
    return 0;
}

static void new_key(fx *f, uint8_t addr[20])
{
    char err[LCP_ERR_LEN] = "";
    if (lcp_host_generate_key(f->host, addr, OPERATOR, err) != LCP_OK) fail_msg("generate-key: %s", err);
}

static uint32_t ra_type(fx *f, const uint8_t addr[20], char *evidence, size_t cap)
{
    lcp_store_txn *t;
    lcp_keystore_entry e;
    char err[LCP_ERR_LEN] = "";
    assert_int_equal(lcp_store_begin(lcp_host_store(f->host), &t, 0, err), LCP_OK);
    assert_int_equal(lcp_keystore_get(t, &e, addr, err), LCP_OK);
    uint32_t ra = e.ra_type;
    assert_int_equal(e.qe_type, LCP_QE_TYPE_QE3); /* a gramine key: the platform's QE3 quotes it */
    if (evidence) snprintf(evidence, cap, "%.*s", (int)e.ra_evidence.len, (const char *)e.ra_evidence.ptr);
    lcp_store_abort(t);
    return ra;
}

static int attest(fx *f, const uint8_t addr[20], const lcp_host_dcap_source *src, lcp_dcap_result *r, char *err)
{
    lcp_dcap_policy pol;
    memset(&pol, 0, sizeof pol);
    return lcp_host_attest_dcap_gramine(lcp_host_executor(f->host), addr, src, &pol, 0, (int64_t)time(NULL), r, NULL,
                                        NULL, err);
}

/* The chain: enclave -> quote -> fake PCCS -> verify under the simulated root -> record. */
static void test_attest_from_pccs(void **state)
{
    fx *f = *state;
    lcp_host_enclave_identity id;
    char err[LCP_ERR_LEN] = "";
    assert_int_equal(lcp_host_enclave_info(f->host, &id, err), LCP_OK);
    assert_string_equal(id.backend, "gramine");
    lcp_tee_identity want = simfix_identity(0);
    assert_memory_equal(id.mrenclave, want.mrenclave, 32); /* from the imitation's self-report */
    uint8_t addr[20], rd[64];
    new_key(f, addr);
    lcp_http_options http = {.timeout_ms = 5000};
    lcp_host_dcap_source src = {.pccs_url = pccsfake_url(f->pccs), .http = &http, .root = f->s.root,
                                .root_len = f->s.root_len};
    lcp_dcap_result *r = lcp_malloc(sizeof *r);
    int before = atomic_load(&f->m.quotes);
    unsigned asked = pccsfake_requests(f->pccs, NULL, 0);
    int rc = attest(f, addr, &src, r, err);
    if (rc != LCP_OK) fail_msg("attest: %s", err);
    assert_int_equal(atomic_load(&f->m.quotes), before + 1); /* the enclave read /dev/attestation/quote once */
    assert_int_equal(pccsfake_requests(f->pccs, NULL, 0), asked + 4);
    simfix_report_data(rd, addr, OPERATOR);
    assert_memory_equal(r->report.report_data, rd, 64);
    assert_int_equal(r->status, LCP_DCAP_TCB_UP_TO_DATE);
    char ev[16384];
    assert_int_equal(ra_type(f, addr, ev, sizeof ev), LCP_RA_TYPE_DCAP);
    assert_non_null(strstr(ev, "\"format\":\"lcp-c dcap evidence v1\""));
    assert_non_null(strstr(ev, "\"sim\":true")); /* verified under the simulated root, not Intel's */
    /* One attestation per key. */
    assert_int_equal(attest(f, addr, &src, r, err), LCP_ERR_HOST_KEY_ATTESTED);
    /* From a file: the same document the simulated Intel publishes. */
    new_key(f, addr);
    lcp_host_dcap_source file = {.collateral = f->doc, .collateral_len = f->doc_len, .root = f->s.root,
                                 .root_len = f->s.root_len};
    if ((rc = attest(f, addr, &file, r, err)) != LCP_OK) fail_msg("attest from a file: %s", err);
    assert_int_equal(ra_type(f, addr, NULL, 0), LCP_RA_TYPE_DCAP);
    lcp_free(r);
}

/* The TCB Info of doc for another FMSPC, re-signed with the simulated TCB Signing key (so only the FMSPC is wrong). */
static char *other_fmspc(fx *f)
{
    cJSON *d = cJSON_ParseWithLength((const char *)f->doc, f->doc_len);
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(d, "tcb_info");
    char *tcb = strdup(t->valuestring), *p = strstr(tcb, LCP_SIM_FMSPC_HEX);
    assert_non_null(p);
    p[11] = p[11] == '1' ? '2' : '1';
    EVP_PKEY *k = simfix_issuer_key(&f->s, "tcb_signing_key.pem");
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    unsigned char der[128], rs[64];
    size_t dl = sizeof der;
    assert_int_equal(EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, k), 1);
    assert_int_equal(EVP_DigestSign(md, der, &dl, (const unsigned char *)tcb, strlen(tcb)), 1);
    const unsigned char *q = der;
    ECDSA_SIG *sig = d2i_ECDSA_SIG(NULL, &q, (long)dl);
    assert_non_null(sig);
    BN_bn2binpad(ECDSA_SIG_get0_r(sig), rs, 32);
    BN_bn2binpad(ECDSA_SIG_get0_s(sig), rs + 32, 32);
    char hex[129];
    assert_int_equal(lcp_hex_encode(hex, sizeof hex, rs, 64), LCP_OK);
    cJSON_ReplaceItemInObject(d, "tcb_info", cJSON_CreateString(tcb));
    cJSON_ReplaceItemInObject(d, "tcb_info_signature", cJSON_CreateString(hex));
    char *out = cJSON_PrintUnformatted(d);
    ECDSA_SIG_free(sig);
    EVP_MD_CTX_free(md);
    EVP_PKEY_free(k);
    free(tcb);
    cJSON_Delete(d);
    return out;
}

static void test_refusals(void **state)
{
    fx *f = *state;
    char err[LCP_ERR_LEN] = "";
    uint8_t addr[20];
    lcp_dcap_result *r = lcp_malloc(sizeof *r);
    lcp_http_options http = {.timeout_ms = 5000};
    lcp_host_dcap_source src = {.pccs_url = pccsfake_url(f->pccs), .http = &http, .root = f->s.root,
                                .root_len = f->s.root_len};
    /* A quote over report data other than the enclave wrote: it verifies, but binds no key of ours. */
    new_key(f, addr);
    atomic_store(&f->m.flip, 1);
    assert_int_equal(attest(f, addr, &src, r, err), LCP_ERR_ATTESTATION_REPORT);
    assert_non_null(strstr(err, "not of this key's enclave report"));
    atomic_store(&f->m.flip, 0);
    assert_int_equal(ra_type(f, addr, NULL, 0), LCP_RA_TYPE_NONE);
    /* Collateral for another FMSPC, correctly signed: the verifier refuses it for this platform. */
    char *other = other_fmspc(f);
    pccsfake *p = pccsfake_start(other, strlen(other), LCP_SIM_FMSPC_HEX, NULL, NULL);
    pccsfake_mode(p, PF_ANY_FMSPC);
    lcp_host_dcap_source src2 = src;
    src2.pccs_url = pccsfake_url(p);
    int rc = attest(f, addr, &src2, r, err);
    assert_int_equal(rc, LCP_ERR_ATTESTATION_COLLATERAL);
    assert_non_null(strstr(err, "FMSPC"));
    pccsfake_stop(p);
    cJSON_free(other);
    assert_int_equal(ra_type(f, addr, NULL, 0), LCP_RA_TYPE_NONE);
    /* Intel's root (the default) for a simulated quote. */
    lcp_host_dcap_source intel = src;
    intel.root = NULL;
    intel.root_len = 0;
    rc = attest(f, addr, &intel, r, err);
    assert_true(rc <= LCP_ERR_ATTESTATION && rc > LCP_ERR_ATTESTATION - 100);
    assert_int_equal(ra_type(f, addr, NULL, 0), LCP_RA_TYPE_NONE);
    /* No source, or two. */
    lcp_host_dcap_source none = {0};
    assert_int_equal(attest(f, addr, &none, r, err), LCP_ERR_ILLEGAL_ARG);
    /* And after all that the key still attests. */
    if ((rc = attest(f, addr, &src, r, err)) != LCP_OK) fail_msg("attest: %s", err);
    lcp_free(r);
}

/* The sim backend has no quoting enclave inside the enclave: the ECALL refuses, saying so. */
static void test_sim_refuses_quote(void **state)
{
    fx *f = *state;
    char home[PATH_MAX + 16], err[LCP_ERR_LEN] = "";
    snprintf(home, sizeof home, "%s/simhome", f->h.tmp);
    lcp_host_options o = {home, f->s.platform, f->h.enclave_bin, "sim"};
    lcp_host *h;
    if (lcp_host_open(&h, &o, err) != LCP_OK) fail_msg("host: %s", err);
    uint8_t addr[20];
    assert_int_equal(lcp_host_generate_key(h, addr, NULL, err), LCP_OK);
    lcp_buf q = {0};
    assert_int_equal(lcp_host_quote_key(lcp_host_executor(h), &q, addr, err), LCP_ERR_TEE_UNSUPPORTED);
    assert_non_null(strstr(err, "sim"));
    assert_int_equal(q.len, 0);
    lcp_host_close(h);
}

/* ---- the CLI ---- */

/* Runs lcp with args; returns its exit status; out/errs: its stdout and stderr. */
static int run_lcp(fx *f, char *out, size_t cap, char *errs, size_t ecap, const char *const *args)
{
    char *argv[32];
    int n = 0;
    argv[n++] = f->lcp_bin;
    argv[n++] = "--home";
    argv[n++] = f->h.home;
    argv[n++] = "--backend";
    argv[n++] = "gramine";
    argv[n++] = "--enclave";
    argv[n++] = f->h.enclave_bin;
    for (int i = 0; args[i]; i++) argv[n++] = (char *)args[i];
    argv[n] = NULL;
    char op[PATH_MAX + 16], ep[PATH_MAX + 16];
    snprintf(op, sizeof op, "%s/cli.out", f->h.tmp);
    snprintf(ep, sizeof ep, "%s/cli.err", f->h.tmp);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, op, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_addopen(&fa, 2, ep, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    pid_t pid;
    assert_int_equal(posix_spawn(&pid, f->lcp_bin, &fa, NULL, argv, environ), 0);
    posix_spawn_file_actions_destroy(&fa);
    int st;
    while (waitpid(pid, &st, 0) < 0) assert_int_equal(errno, EINTR);
    uint8_t *d;
    size_t len;
    assert_int_equal(lcp_file_read(&d, &len, op, 1 << 20, NULL), LCP_OK);
    snprintf(out, cap, "%.*s", (int)len, (const char *)d);
    lcp_free(d);
    assert_int_equal(lcp_file_read(&d, &len, ep, 1 << 20, NULL), LCP_OK);
    snprintf(errs, ecap, "%.*s", (int)len, (const char *)d);
    lcp_free(d);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

static void test_cli(void **state)
{
    fx *f = *state;
    uint8_t a1[20], a2[20], a3[20];
    new_key(f, a1);
    new_key(f, a2);
    new_key(f, a3);
    lcp_host_close(f->host); /* the CLI opens the same home */
    f->host = NULL;
    char k1[43] = "0x", k2[43] = "0x", k3[43] = "0x", out[16384], errs[4096];
    lcp_hex_encode(k1 + 2, 41, a1, 20);
    lcp_hex_encode(k2 + 2, 41, a2, 20);
    lcp_hex_encode(k3 + 2, 41, a3, 20);
    const char *url = pccsfake_url(f->pccs);
    /* Without a root: Intel's, which refuses the simulated quote; nothing recorded. */
    const char *intel[] = {"attestation", "dcap", "--enclave_key", k1, "--pccs_url", url, NULL};
    assert_int_equal(run_lcp(f, out, sizeof out, errs, sizeof errs, intel), 1);
    assert_non_null(strstr(errs, "nothing recorded"));
    /* With the simulated root, explicitly. */
    const char *ok[] = {"attestation", "dcap", "--enclave_key", k1, "--pccs_url", url, "--root", f->root_path, NULL};
    int rc = run_lcp(f, out, sizeof out, errs, sizeof errs, ok);
    if (rc != 0) fail_msg("lcp attestation dcap (gramine, PCCS): %d %s", rc, errs);
    cJSON *j = cJSON_Parse(out);
    assert_non_null(j);
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(j, "status")->valuestring, "UpToDate");
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(j, "backend")->valuestring, "gramine");
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(j, "enclave_key")->valuestring, k1);
    assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(j, "recorded")));
    assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(j, "sim")));
    cJSON_Delete(j);
    /* From a collateral file. */
    const char *file[] = {"attestation", "dcap", "--enclave_key", k2, "--collateral", f->coll_path, "--root",
                          f->root_path, NULL};
    rc = run_lcp(f, out, sizeof out, errs, sizeof errs, file);
    if (rc != 0) fail_msg("lcp attestation dcap (gramine, file): %d %s", rc, errs);
    /* Usage: one source, not both, not none. */
    const char *both[] = {"attestation", "dcap", "--enclave_key", k3, "--collateral", f->coll_path, "--pccs_url", url, NULL};
    assert_int_equal(run_lcp(f, out, sizeof out, errs, sizeof errs, both), 2);
    const char *none[] = {"attestation", "dcap", "--enclave_key", k3, NULL};
    assert_int_equal(run_lcp(f, out, sizeof out, errs, sizeof errs, none), 2);
    assert_non_null(strstr(errs, "--pccs_url"));
    const char *help[] = {"attestation", "dcap", "--help", NULL};
    assert_int_equal(run_lcp(f, out, sizeof out, errs, sizeof errs, help), 0);
    assert_non_null(strstr(out, "real SGX"));
    /* Reopen for the teardown. */
    lcp_host_options o = {f->h.home, f->s.platform, f->h.enclave_bin, "gramine"};
    char err[LCP_ERR_LEN] = "";
    assert_int_equal(lcp_host_open(&f->host, &o, err), LCP_OK);
    assert_int_equal(ra_type(f, a1, NULL, 0), LCP_RA_TYPE_DCAP);
    assert_int_equal(ra_type(f, a2, NULL, 0), LCP_RA_TYPE_DCAP);
    assert_int_equal(ra_type(f, a3, NULL, 0), LCP_RA_TYPE_NONE);
}

static void *serve_thread(void *arg)
{
    char err[LCP_ERR_LEN] = "";
    if (lcp_service_run(arg, err) != LCP_OK) fprintf(stderr, "service: %s\n", err);
    return NULL;
}

/* The attested keys of the home (after the service let go of it): how many, and one's evidence. */
static size_t attested_keys(fx *f, uint8_t addr[20], char *ev, size_t cap)
{
    lcp_store_txn *t;
    lcp_keystore_entry *keys = NULL;
    size_t n = 0, attested = 0;
    char err[LCP_ERR_LEN] = "";
    assert_int_equal(lcp_store_begin(lcp_host_store(f->host), &t, 0, err), LCP_OK);
    if (lcp_keystore_list(t, &keys, &n, NULL, err) != LCP_OK) fail_msg("list: %s", err);
    for (size_t i = 0; i < n; i++)
        if (keys[i].ra_type == LCP_RA_TYPE_DCAP) {
            attested++;
            memcpy(addr, keys[i].address, 20);
            snprintf(ev, cap, "%.*s", (int)keys[i].ra_evidence.len, (const char *)keys[i].ra_evidence.ptr);
        }
    lcp_free(keys);
    lcp_store_abort(t);
    return attested;
}

/* Key rotation in the service on gramine: with no valid key, it generates one in its enclave, which quotes it; the
 * collateral comes from the PCCS; the key is recorded attested (QE3, "sim" under the simulated root). Without
 * --pccs_url the service refuses to start rotation at all rather than fail at the first expiry. */
static void test_service_rotation(void **state)
{
    fx *f = *state;
    lcp_host_close(f->host); /* the service takes the home's lock */
    f->host = NULL;
    lcp_service_options o;
    memset(&o, 0, sizeof o);
    o.address = "127.0.0.1:0";
    o.threads = 1;
    o.home = f->h.home;
    o.sim_platform = f->s.platform;
    o.enclave_path = f->h.enclave_bin;
    o.backend = "gramine";
    o.key_rotation_buffer = 600;
    o.key_rotation_check_ms = 100;
    lcp_service *s = NULL;
    char err[LCP_ERR_LEN] = "";
    assert_int_equal(lcp_service_new(&s, &o, err), LCP_ERR_ILLEGAL_ARG);
    assert_non_null(strstr(err, "--pccs_url"));
    o.pccs_url = pccsfake_url(f->pccs);
    o.attest_root = f->s.root;
    o.attest_root_len = f->s.root_len;
    unsigned asked = pccsfake_requests(f->pccs, NULL, 0);
    if (lcp_service_new(&s, &o, err) != LCP_OK) fail_msg("service: %s", err);
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, serve_thread, s), 0);
    svc_rotation_stats st;
    memset(&st, 0, sizeof st);
    for (int i = 0; i < 300 && st.generated == 0 && st.failed == 0; i++) {
        struct timespec ts = {0, 100 * 1000000L};
        nanosleep(&ts, NULL);
        svc_rotation_stats_get(s, &st);
    }
    lcp_service_stop(s);
    assert_int_equal(pthread_join(th, NULL), 0);
    lcp_service_free(s);
    assert_int_equal(st.failed, 0);
    assert_int_equal(st.generated, 1);
    assert_int_equal(pccsfake_requests(f->pccs, NULL, 0), asked + 4);
    lcp_host_options ho = {f->h.home, f->s.platform, f->h.enclave_bin, "gramine"};
    assert_int_equal(lcp_host_open(&f->host, &ho, err), LCP_OK);
    uint8_t addr[20];
    char ev[16384];
    assert_int_equal(attested_keys(f, addr, ev, sizeof ev), 1);
    assert_int_equal(ra_type(f, addr, NULL, 0), LCP_RA_TYPE_DCAP); /* and QE3: a gramine key */
    assert_non_null(strstr(ev, "\"sim\":true"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_attest_from_pccs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refusals, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sim_refuses_quote, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cli, setup, teardown),
        cmocka_unit_test_setup_teardown(test_service_rotation, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
