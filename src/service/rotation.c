/* Key rotation without downtime (lcp/service.h, "Key rotation"): a thread that keeps a fresh attested key ahead of
 * the active one's expiry, the active key that signs requests naming no signer, its activation by the caller once
 * the new key is registered on the counterparty, and the pruning of expired keys.
 *
 * State. The active key's address lives in $LCP_HOME/active-enclave-key (hex, one line, written atomically), so
 * that a restart keeps signing with the key the counterparty knows. A "pending" key is a valid attested key of
 * this enclave that outlives the active one: the rotation made it (or an operator did), and it waits for
 * ActivateEnclaveKey. Nothing else is kept: every decision is taken again from the key store at each check.
 *
 * Threads. The rotation thread owns its own enclave process and executor (key generation must not wait behind, or
 * block, a worker's ECALL); the network thread calls svc_rotation_signer and svc_rotation_activate; metrics read a
 * snapshot. All of them take r->mu, briefly (never across an ECALL or an attestation). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "lcp/host_attest.h"
#include "lcp/host_attest_gramine.h"
#include "service_internal.h"

#define ACTIVE_FILE "active-enclave-key"

struct svc_rotation {
    lcp_service *s;
    pthread_t thread;
    int started;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int stop;
    lcp_host_enclave *enclave; /* the rotation's own enclave process, started on first use */
    lcp_host_exec *exec;       /* its executor (exclusive), made with the enclave */
    uint64_t check_ms;
    char path[4096];           /* the active-key file */
    /* under mu */
    int have_active;
    uint8_t active[20];
    uint64_t active_valid_to;
    int have_pending;
    uint8_t pending[20];
    uint64_t generated, activated, failed, pruned;
    /* rotation thread only: a key generated but not yet attested (retried, never replaced by another), and the
     * back-off after failures (no key storm when attestation keeps failing) */
    int have_unattested;
    uint8_t unattested[20];
    unsigned fails;
    uint64_t retry_at; /* UNIX seconds */
};

/* ---- the active key ---- */

static int read_active(struct svc_rotation *r, uint8_t addr[20])
{
    uint8_t *text = NULL;
    size_t len = 0, n = 0;
    char err[LCP_ERR_LEN];
    if (lcp_file_read(&text, &len, r->path, 128, err) != LCP_OK) return 0;
    size_t off = len >= 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X') ? 2 : 0;
    while (len > off && (text[len - 1] == '\n' || text[len - 1] == ' ')) len--;
    int ok = len - off == 40 && lcp_hex_decode(addr, 20, &n, (const char *)text + off, 40, NULL) == LCP_OK && n == 20;
    lcp_free(text);
    return ok;
}

static int write_active(struct svc_rotation *r, const uint8_t addr[20], char *err)
{
    char line[44] = "0x";
    lcp_hex_encode(line + 2, 41, addr, 20);
    line[42] = '\n';
    return lcp_file_write_atomic(r->path, (const uint8_t *)line, 43, 0600, err);
}

/* This enclave build's attested keys, newest validity first (the key store's "available" order). */
static int list_keys(lcp_service *s, lcp_store_txn **t, lcp_keystore_entry **keys, size_t *n, char *err)
{
    lcp_keystore_filter f;
    memset(&f, 0, sizeof f);
    memcpy(f.mrenclave, s->mrenclave, 32);
    f.enclave_debug = s->enclave_debug;
    int rc = lcp_store_begin(s->store, t, 0, err);
    if (rc == LCP_OK) rc = lcp_keystore_list(*t, keys, n, &f, err);
    if (rc != LCP_OK) {
        lcp_store_abort(*t);
        *t = NULL;
    }
    return rc;
}

static void hexaddr(char out[43], const uint8_t a[20])
{
    out[0] = '0';
    out[1] = 'x';
    lcp_hex_encode(out + 2, 41, a, 20);
}

/* ---- generating and attesting a key in the rotation's own enclave process ---- */

/* The rotation's ECALLs (key generation, and the enclave's quote on gramine) count in the ECALL metrics as the
 * workers' do: an operator sees them in lcp_ecall_* next to the rotation's own counters. */
static void rotation_ecall_done(void *ud, int kind, uint64_t ns, int rc, int ok)
{
    (void)rc;
    svc_metrics_ecall(&((lcp_service *)ud)->metrics, kind, ns, ok);
}

/* GenerateEnclaveKey through the rotation's own executor (the key recorded unattested, as `lcp enclave
 * generate-key` does), sealed to this service's enclave build. */
static int generate(struct svc_rotation *r, uint8_t addr[20], char *err)
{
    lcp_service *s = r->s;
    int rc = LCP_OK;
    if (!r->enclave) {
        lcp_host_enclave_options eo = {s->opt.enclave_path, s->opt.sim_platform, s->opt.backend};
        if ((rc = lcp_host_enclave_new(&r->enclave, &eo, err)) != LCP_OK) return rc;
    }
    if (!r->exec) {
        lcp_host_exec_options xo;
        memset(&xo, 0, sizeof xo);
        xo.store = s->store;
        xo.enclave = r->enclave;
        xo.policy = LCP_HOST_EXCLUSIVE;
        xo.observer = (lcp_host_observer){rotation_ecall_done, NULL, s};
        if ((rc = lcp_host_exec_new(&r->exec, &xo, err)) != LCP_OK) return rc;
    }
    lcp_host_enclave_identity id;
    memset(&id, 0, sizeof id);
    memcpy(id.mrenclave, s->mrenclave, 32);
    id.debug = s->enclave_debug;
    snprintf(id.backend, sizeof id.backend, "%s", s->backend); /* gramine keys are quoted by the platform's QE3 */
    return lcp_host_exec_generate_key(r->exec, &id, NULL, addr, err);
}

/* Attests addr. sim: simulated DCAP, the same code as `lcp attestation dcap`. gramine: the enclave quotes the key
 * itself and the collateral comes from the PCCS given at start, as `lcp --backend gramine attestation dcap`. */
static int attest(struct svc_rotation *r, const uint8_t addr[20], uint64_t *valid_to, char *err)
{
    lcp_service *s = r->s;
    lcp_dcap_policy pol;
    memset(&pol, 0, sizeof pol);
    pol.allow_debug = s->enclave_debug; /* this enclave's own build: debug only if it is a debug build */
    pol.mrenclave = s->mrenclave;
    lcp_dcap_result *res = lcp_malloc(sizeof *res);
    if (!res) return lcp_fail(err, LCP_ERR_NOMEM, "out of memory");
    int rc;
    if (strcmp(s->backend, "sim") == 0) {
        rc = lcp_host_attest_dcap_sim(s->store, s->opt.sim_platform, addr, &pol, s->opt.key_validity, lcp_time_now(),
                                      res, NULL, NULL, err);
    } else if (!s->opt.pccs_url) {
        rc = lcp_fail(err, LCP_ERR_ILLEGAL_ARG, "automatic attestation on %s needs a PCCS (--pccs_url); attest 0x.. by "
                      "hand (docs/operations.md)", s->backend);
    } else {
        lcp_http_options http = {.ca_file = s->opt.pccs_ca};
        lcp_host_dcap_source src = {.pccs_url = s->opt.pccs_url, .http = &http, .root = s->opt.attest_root,
                                    .root_len = s->opt.attest_root_len};
        rc = lcp_host_attest_dcap_gramine(r->exec, addr, &src, &pol, s->opt.key_validity, lcp_time_now(), res, NULL,
                                          NULL, err);
    }
    if (rc == LCP_OK) *valid_to = (uint64_t)res->valid_to;
    lcp_free(res);
    return rc;
}

/* ---- one check ---- */

/* Reads the key store and the active-key file; fills r's view of the active and pending keys. Returns 1 when a new
 * key is needed (no valid active key, or it expires within the buffer, and no pending key exists). adopt: at start
 * only, with no active key recorded, the newest valid key is taken as the active one (the one the operator
 * registered before turning rotation on); later, only ActivateEnclaveKey makes a key active. */
static int survey(struct svc_rotation *r, uint64_t now, int adopt, char *err, int *rc)
{
    lcp_service *s = r->s;
    lcp_store_txn *t = NULL;
    lcp_keystore_entry *keys = NULL;
    size_t n = 0;
    uint8_t file_addr[20];
    int have_file = read_active(r, file_addr);
    if ((*rc = list_keys(s, &t, &keys, &n, err)) != LCP_OK) return 0;
    const lcp_keystore_entry *active = NULL, *pending = NULL;
    for (size_t i = 0; have_file && i < n; i++)
        if (memcmp(keys[i].address, file_addr, 20) == 0) active = &keys[i];
    /* No active key recorded (first start with rotation): the newest valid key is the one the operator registered. */
    if (adopt && !have_file && n > 0 && keys[0].valid_to > now) {
        active = &keys[0];
        char a[43];
        hexaddr(a, active->address);
        if (write_active(r, active->address, err) == LCP_OK)
            lcp_log(LCP_LOG_INFO, "key rotation: active key %s (the newest valid key; none was recorded)", a);
    }
    uint64_t active_to = active && active->valid_to > now ? active->valid_to : 0;
    /* ">=": a new key attested against the same (old) collateral expires with the active one; it must still count
     * as pending, or every check would make another. */
    for (size_t i = 0; i < n && !pending; i++)
        if (keys[i].valid_to > now && keys[i].valid_to >= active_to && (!active || &keys[i] != active)) pending = &keys[i];
    pthread_mutex_lock(&r->mu);
    /* A recorded key that is gone (pruned) or not this enclave's is still the one requests get: they fail with the
     * enclave's reason rather than being signed by a key the counterparty does not know. */
    r->have_active = active != NULL || have_file;
    if (r->have_active) memcpy(r->active, active ? active->address : file_addr, 20);
    r->active_valid_to = active ? active->valid_to : 0;
    r->have_pending = pending != NULL;
    if (pending) memcpy(r->pending, pending->address, 20);
    pthread_mutex_unlock(&r->mu);
    int need = !pending && (active_to == 0 || active_to - now <= s->opt.key_rotation_buffer);
    lcp_free(keys);
    lcp_store_abort(t);
    return need;
}

static void prune(struct svc_rotation *r, uint64_t now)
{
    char err[LCP_ERR_LEN] = "";
    lcp_store_txn *t = NULL;
    size_t deleted = 0;
    int rc = lcp_store_begin(r->s->store, &t, 1, err);
    if (rc == LCP_OK) {
        rc = lcp_keystore_prune(t, &deleted, LCP_KEYSTORE_PRUNE_EXPIRED, now, 0, err);
        if (rc == LCP_OK && deleted) rc = lcp_store_commit(t, err); /* ends the transaction either way */
        else lcp_store_abort(t);
    }
    if (rc != LCP_OK) {
        lcp_log(LCP_LOG_WARN, "key rotation: pruning expired keys: %s", err);
        return;
    }
    if (!deleted) return;
    lcp_log(LCP_LOG_INFO, "key rotation: pruned %zu expired key%s", deleted, deleted == 1 ? "" : "s");
    pthread_mutex_lock(&r->mu);
    r->pruned += deleted;
    pthread_mutex_unlock(&r->mu);
}

static void check(struct svc_rotation *r, int adopt)
{
    char err[LCP_ERR_LEN] = "";
    uint64_t now = (uint64_t)lcp_time_now();
    int rc = LCP_OK;
    int need = survey(r, now, adopt, err, &rc);
    if (rc != LCP_OK) {
        lcp_log(LCP_LOG_WARN, "key rotation: reading the key store: %s", err);
        return;
    }
    if (need && now >= r->retry_at) {
        uint8_t addr[20];
        uint64_t valid_to = 0;
        char a[43] = "";
        /* A key generated by an attempt whose attestation failed is attested again, not replaced. */
        if (r->have_unattested) memcpy(addr, r->unattested, 20);
        else if ((rc = generate(r, addr, err)) == LCP_OK) {
            memcpy(r->unattested, addr, 20);
            r->have_unattested = 1;
        }
        if (rc == LCP_OK) {
            hexaddr(a, addr);
            rc = attest(r, addr, &valid_to, err);
            /* Gone (pruned, deleted by hand) or attested meanwhile: forget it either way. */
            if (rc == LCP_OK || rc == LCP_ERR_HOST_KEY_NOT_FOUND || rc == LCP_ERR_HOST_KEY_ATTESTED) r->have_unattested = 0;
        }
        /* Back off after a failure: the check interval, doubled per failure, at most 10 minutes. */
        r->fails = rc == LCP_OK ? 0 : r->fails + 1;
        uint64_t wait = r->check_ms / 1000 + 1;
        for (unsigned i = 1; i < r->fails && wait < 600; i++) wait *= 2;
        r->retry_at = rc == LCP_OK ? 0 : now + (wait < 600 ? wait : 600);
        pthread_mutex_lock(&r->mu);
        if (rc == LCP_OK) r->generated++;
        else r->failed++;
        pthread_mutex_unlock(&r->mu);
        if (rc == LCP_OK) {
            lcp_log(LCP_LOG_INFO, "key rotation: new key %s attested (%s), valid until %llu; it signs once "
                                  "ActivateEnclaveKey reports it registered", a, r->s->backend,
                    (unsigned long long)valid_to);
            if (valid_to <= now + r->s->opt.key_rotation_buffer)
                lcp_log(LCP_LOG_WARN, "key rotation: %s expires within the rotation buffer too: its collateral was "
                                      "issued long ago (refresh the PCCS collateral; sim: lcp sim refresh-collateral)", a);
            survey(r, now, 0, err, &rc); /* show it as pending at once */
        } else {
            lcp_log(LCP_LOG_ERROR, "key rotation: %s%s%s (next attempt in %llu s)", a[0] ? a : "", a[0] ? ": " : "", err,
                    (unsigned long long)(r->retry_at - now));
        }
    }
    prune(r, now);
}

static void *rotation_main(void *arg)
{
    struct svc_rotation *r = arg;
    pthread_mutex_lock(&r->mu);
    while (!r->stop) {
        pthread_mutex_unlock(&r->mu);
        check(r, 0);
        pthread_mutex_lock(&r->mu);
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        uint64_t ns = (uint64_t)ts.tv_nsec + (r->check_ms % 1000) * 1000000ull;
        ts.tv_sec += (time_t)(r->check_ms / 1000 + ns / 1000000000ull);
        ts.tv_nsec = (long)(ns % 1000000000ull);
        while (!r->stop && pthread_cond_timedwait(&r->cv, &r->mu, &ts) != ETIMEDOUT) {
        }
    }
    pthread_mutex_unlock(&r->mu);
    return NULL;
}

/* ---- the service's side ---- */

int svc_rotation_start(lcp_service *s, char *err)
{
    if (s->opt.key_rotation_buffer == 0) return LCP_OK;
    /* Refused at start, not at the first rotation days later. */
    if (strcmp(s->backend, "sim") != 0 && !s->opt.pccs_url)
        return lcp_fail(err, LCP_ERR_ILLEGAL_ARG, "key rotation on the %s backend attests with collateral from a PCCS: "
                        "give --pccs_url", s->backend);
    struct svc_rotation *r = lcp_calloc(1, sizeof *r);
    if (!r) return lcp_fail(err, LCP_ERR_NOMEM, "out of memory");
    r->s = s;
    uint64_t ms = s->opt.key_rotation_check_ms;
    if (!ms) {
        ms = s->opt.key_rotation_buffer * 100; /* a tenth of the buffer, in ms */
        if (ms > 30000) ms = 30000;
        if (ms < 1000) ms = 1000;
    }
    r->check_ms = ms;
    if ((size_t)snprintf(r->path, sizeof r->path, "%s/%s", s->opt.home, ACTIVE_FILE) >= sizeof r->path) {
        lcp_free(r);
        return lcp_fail(err, LCP_ERR_RANGE, "home path too long");
    }
    pthread_mutex_init(&r->mu, NULL);
    pthread_cond_init(&r->cv, NULL);
    s->rotation = r;
    /* The first check runs here, before anything is served: a restart signs with its recorded active key at once. */
    check(r, 1);
    if (pthread_create(&r->thread, NULL, rotation_main, r) != 0) return lcp_fail(err, LCP_ERR_IO, "cannot start the key rotation thread");
    r->started = 1;
    return LCP_OK;
}

void svc_rotation_stop(lcp_service *s)
{
    struct svc_rotation *r = s->rotation;
    if (!r) return;
    pthread_mutex_lock(&r->mu);
    r->stop = 1;
    pthread_cond_signal(&r->cv);
    pthread_mutex_unlock(&r->mu);
    if (r->started) pthread_join(r->thread, NULL);
    lcp_host_exec_free(r->exec); /* before the enclave process it borrows */
    lcp_host_enclave_free(r->enclave);
    pthread_cond_destroy(&r->cv);
    pthread_mutex_destroy(&r->mu);
    lcp_free(r);
    s->rotation = NULL;
}

int svc_rotation_signer(lcp_service *s, uint8_t out[20])
{
    struct svc_rotation *r = s->rotation;
    if (!r) return 0;
    pthread_mutex_lock(&r->mu);
    int have = r->have_active;
    if (have) memcpy(out, r->active, 20);
    pthread_mutex_unlock(&r->mu);
    return have;
}

int svc_rotation_activate(lcp_service *s, const uint8_t addr[20], uint8_t prev[20], int *had_prev, char *err)
{
    struct svc_rotation *r = s->rotation;
    char a[43];
    hexaddr(a, addr);
    if (!r) return lcp_fail(err, LCP_ERR_ILLEGAL_ARG, "key rotation is off (start the service with --key_rotation_buffer)");
    /* Only a key this enclave can sign with and the counterparty can have accepted: attested, unexpired, ours. */
    lcp_store_txn *t;
    lcp_keystore_entry e;
    uint64_t now = (uint64_t)lcp_time_now();
    int rc = lcp_store_begin(s->store, &t, 0, err);
    if (rc != LCP_OK) return rc;
    rc = lcp_keystore_get(t, &e, addr, err);
    if (rc == LCP_ERR_HOST_KEY_NOT_FOUND) rc = lcp_fail(err, rc, "enclave key %s not found", a);
    else if (rc == LCP_OK && e.ra_type == LCP_RA_TYPE_NONE)
        rc = lcp_fail(err, LCP_ERR_HOST_KEY_INVALID, "enclave key %s is not attested", a);
    else if (rc == LCP_OK && (memcmp(e.mrenclave, s->mrenclave, 32) != 0 || e.enclave_debug != s->enclave_debug))
        rc = lcp_fail(err, LCP_ERR_HOST_KEY_INVALID, "enclave key %s belongs to another enclave build", a);
    else if (rc == LCP_OK && e.valid_to <= now)
        rc = lcp_fail(err, LCP_ERR_HOST_KEY_INVALID, "enclave key %s has expired", a);
    uint64_t valid_to = e.valid_to;
    lcp_store_abort(t);
    if (rc != LCP_OK) return rc;
    if ((rc = write_active(r, addr, err)) != LCP_OK) return rc;
    pthread_mutex_lock(&r->mu);
    *had_prev = r->have_active;
    if (r->have_active) memcpy(prev, r->active, 20);
    int changed = !r->have_active || memcmp(r->active, addr, 20) != 0;
    memcpy(r->active, addr, 20);
    r->have_active = 1;
    r->active_valid_to = valid_to;
    if (r->have_pending && memcmp(r->pending, addr, 20) == 0) r->have_pending = 0;
    if (changed) r->activated++;
    pthread_cond_signal(&r->cv); /* look again now: the old key may be prunable, a pending one gone */
    pthread_mutex_unlock(&r->mu);
    if (changed) lcp_log(LCP_LOG_INFO, "key rotation: %s is active: requests without a signer are signed with it", a);
    return LCP_OK;
}

void svc_rotation_stats_get(lcp_service *s, svc_rotation_stats *st)
{
    memset(st, 0, sizeof *st);
    struct svc_rotation *r = s->rotation;
    if (!r) return;
    st->enabled = 1;
    st->buffer = s->opt.key_rotation_buffer;
    pthread_mutex_lock(&r->mu);
    st->have_active = r->have_active;
    memcpy(st->active, r->active, 20);
    st->active_valid_to = r->active_valid_to;
    st->have_pending = r->have_pending;
    st->generated = r->generated;
    st->activated = r->activated;
    st->failed = r->failed;
    st->pruned = r->pruned;
    pthread_mutex_unlock(&r->mu);
}
