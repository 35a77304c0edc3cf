/* Key rotation drill (lcp/service.h, "Key rotation"): `lcp service start --key_rotation_buffer 8 --key_validity 16`
 * as a separate process, keys living 16 s, continuous UpdateClient traffic whose requests name no signer (the
 * service signs with its active key), and a relayer that watches AvailableEnclaveKeys, registers each new key with
 * the LCP client (DCAP registration of the key's quote and collateral under the simulated root) and then reports
 * it with ActivateEnclaveKey. Two rotations must happen; every commitment must be accepted by the LCP client with
 * the key registered at that time, in order (each UpdateState chains on the previous state); no request may fail;
 * the metrics must show both rotations and the pruning of the expired first key. The simulated Intel republishes
 * its collateral every second, as Intel's PCS keeps issuing fresh TCB Info (a key's life starts at its
 * collateral's issue date). */
#include "hostfix.h"
#include "grpcc.h"
#include "testutil.h"
#include "tmchain.h"

#include <arpa/inet.h>
#include <cjson/cJSON.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lcp/attestation_dcap.h"
#include "lcp/attestation_sim.h"
#include "lcp/commitment.h"
#include "lcp/host_keystore.h"
#include "lcp/host_store.h"
#include "lcp/lcpclient.h"
#include "proto/lcp_service.pb-c.h"
#include "proto/lcp_service_enclave.pb-c.h"

#define KEY_VALIDITY 24
#define BUFFER 12
#define BUFFER_S "12"
#define VALIDITY_S "24"
#define NVALS 4
#define BLOCKS 1500
#define MSG "/lcp.service.elc.v1.Msg/"
#define MAX_KEYS 8

static hostfix fx;
static pid_t service_pid; /* killed by the teardown if a failed test left it running */

typedef struct {
    char lcp[4096], platform[4200];
    pid_t pid;
    char grpc[80], metrics[80];
    uint8_t mrenclave[32];
    /* the LCP client, shared by the traffic and the relayer (mu) */
    pthread_mutex_t mu;
    lcp_lc_memstore *mem;
    lcp_lc *lc;
    void *lc_mem;
    lcp_dcap_verifier *verifier;
    uint8_t registered[MAX_KEYS][20];
    size_t nregistered;
    /* traffic */
    tmc_chain *chain;
    pthread_t th;
    int stop;              /* set by the main thread, read by the traffic thread: atomic accesses only */
    int64_t height;        /* last height the LCP client accepted */
    size_t ok, failed;     /* ok is read by the main thread while traffic runs: atomic accesses only */
    uint8_t signers[MAX_KEYS][20]; /* keys seen signing, in order of first use */
    size_t nsigners;
    size_t per_signer[MAX_KEYS];
    char first_failure[1024];
} drill;

static int setup(void **state)
{
    (void)state;
    hostfix_setup(&fx, "keyrot");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    if (service_pid > 0) {
        kill(service_pid, SIGKILL);
        waitpid(service_pid, NULL, 0);
        service_pid = 0;
    }
    return hostfix_teardown(&fx);
}

static void run_cli(drill *d, const char *args, char *out, size_t cap)
{
    char cmd[32768];
    snprintf(cmd, sizeof cmd, "LCP_HOME='%s' '%s' --sim_platform '%s' --enclave '%s' --log_level off %s", fx.home, d->lcp,
             d->platform, fx.enclave_bin, args);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    size_t n = fread(out, 1, cap - 1, p);
    out[n] = '\0';
    if (pclose(p) != 0) fail_msg("%s: failed: %s", args, out);
    while (n && (out[n - 1] == '\n' || out[n - 1] == ' ')) out[--n] = '\0';
}

/* The quote and one-file collateral recorded with a key (read from the service's store: another process). */
static uint8_t *register_msg(const uint8_t addr[20], size_t *len)
{
    char err[LCP_ERR_LEN] = "";
    lcp_store *st;
    lcp_store_txn *t;
    lcp_keystore_entry e;
    assert_int_equal(lcp_store_open(&st, fx.home, 0, err), LCP_OK);
    assert_int_equal(lcp_store_begin(st, &t, 0, err), LCP_OK);
    assert_int_equal(lcp_keystore_get(t, &e, addr, err), LCP_OK);
    assert_int_equal(e.ra_type, LCP_RA_TYPE_DCAP);
    cJSON *ev = cJSON_ParseWithLength((const char *)e.ra_evidence.ptr, e.ra_evidence.len);
    lcp_store_abort(t);
    lcp_store_close(st);
    assert_non_null(ev);
    const cJSON *q = cJSON_GetObjectItemCaseSensitive(ev, "quote");
    assert_true(cJSON_IsString(q));
    char *coll = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(ev, "collateral"));
    assert_non_null(coll);
    size_t ql = strlen(q->valuestring) / 2, qn = 0;
    uint8_t *quote = lcp_malloc(ql + 1);
    assert_non_null(quote);
    assert_int_equal(lcp_hex_decode(quote, ql + 1, &qn, q->valuestring, strlen(q->valuestring), NULL), LCP_OK);
    size_t cap = 0;
    assert_int_equal(lcp_lc_encode_dcap_register_enclave_key(NULL, 0, &cap, quote, qn, (const uint8_t *)coll,
                                                             strlen(coll), NULL, 0),
                     LCP_OK);
    uint8_t *msg = lcp_malloc(cap);
    assert_non_null(msg);
    assert_int_equal(lcp_lc_encode_dcap_register_enclave_key(msg, cap, len, quote, qn, (const uint8_t *)coll,
                                                             strlen(coll), NULL, 0),
                     LCP_OK);
    lcp_free(quote);
    cJSON_free(coll);
    cJSON_Delete(ev);
    return msg;
}

/* The relayer registers a key on the counterparty (the LCP client). Returns the expiry it computed. */
static uint64_t register_key(drill *d, const uint8_t addr[20])
{
    size_t len;
    uint8_t *msg = register_msg(addr, &len), key[20];
    lcp_lc_enclave_key info;
    char err[LCP_ERR_LEN] = "";
    pthread_mutex_lock(&d->mu);
    int rc = lcp_lc_register_enclave_key_dcap(d->lc, key, &info, "lcp-0", msg, len, lcp_time_now(), err);
    if (rc == LCP_OK) memcpy(d->registered[d->nregistered++], addr, 20);
    pthread_mutex_unlock(&d->mu);
    lcp_free(msg);
    if (rc != LCP_OK) fail_msg("LCP client refused the key's registration: %s", err);
    assert_memory_equal(key, addr, 20);
    return info.expired_at;
}

static int is_registered(drill *d, const uint8_t addr[20])
{
    pthread_mutex_lock(&d->mu);
    int found = 0;
    for (size_t i = 0; i < d->nregistered; i++) found |= memcmp(d->registered[i], addr, 20) == 0;
    pthread_mutex_unlock(&d->mu);
    return found;
}

static void any_of(Google__Protobuf__Any *a, const char *type_url, const lcp_buf *v)
{
    google__protobuf__any__init(a);
    a->type_url = (char *)type_url;
    a->value.data = v->data;
    a->value.len = v->len;
}

/* UpdateClient h <- h-1 with no signer; the commitment goes to the LCP client. Returns 0, or -1 with the reason. */
static int update_once(drill *d, grpcc *g, int64_t h, int include)
{
    lcp_buf hdr = {0};
    tmc_ibc_header(&hdr, d->chain, h, h - 1, NULL);
    Lcp__Service__Elc__V1__MsgUpdateClient m = LCP__SERVICE__ELC__V1__MSG_UPDATE_CLIENT__INIT;
    Google__Protobuf__Any a;
    any_of(&a, TMC_T_HEADER, &hdr);
    m.client_id = "07-tendermint-0";
    m.header = &a;
    m.include_state = include; /* signer left empty: the service's active key */
    grpcc_call k;
    memset(&k, 0, sizeof k);
    grpcc_add(&k, &m.base);
    int rc = -1;
    if (grpcc_wait(g, &k, MSG "UpdateClient") != 0) {
        snprintf(d->first_failure, sizeof d->first_failure, "UpdateClient %lld: %d %s", (long long)h, k.status, k.message);
        goto out;
    }
    Lcp__Service__Elc__V1__MsgUpdateClientResponse *r =
        (void *)grpcc_response(&k, &lcp__service__elc__v1__msg_update_client_response__descriptor);
    assert_non_null(r);
    uint8_t who[20];
    assert_int_equal(lcp_commitment_recover_signer(who, r->message.data, r->message.len, r->signature.data,
                                                   r->signature.len, NULL),
                     LCP_OK);
    lcp_bytes sig = {r->signature.data, r->signature.len};
    uint8_t *um = NULL;
    size_t ul = 0, cap = 0;
    /* UpdateClientMessage {proxy_message, signatures}: encode twice (size, then bytes). */
    assert_int_equal(lcp_lc_encode_update_client(NULL, 0, &cap, r->message.data, r->message.len, &sig, 1), LCP_OK);
    assert_non_null(um = lcp_malloc(cap));
    assert_int_equal(lcp_lc_encode_update_client(um, cap, &ul, r->message.data, r->message.len, &sig, 1), LCP_OK);
    char err[LCP_ERR_LEN] = "";
    lcp_lc_update_result res;
    pthread_mutex_lock(&d->mu);
    int lrc = lcp_lc_update_client(d->lc, &res, "lcp-0", um, ul, lcp_time_now(), err);
    pthread_mutex_unlock(&d->mu);
    lcp_free(um);
    protobuf_c_message_free_unpacked(&r->base, NULL);
    if (lrc != LCP_OK) {
        snprintf(d->first_failure, sizeof d->first_failure, "LCP client refused height %lld: %s", (long long)h, err);
        goto out;
    }
    assert_int_equal(res.height.revision_height, (uint64_t)h);
    size_t i = 0;
    while (i < d->nsigners && memcmp(d->signers[i], who, 20) != 0) i++;
    if (i == d->nsigners) {
        assert_true(d->nsigners < MAX_KEYS);
        memcpy(d->signers[d->nsigners++], who, 20);
    }
    d->per_signer[i]++;
    rc = 0;
out:
    grpcc_reset(&k);
    lcp_buf_free(&hdr);
    return rc;
}

static void *traffic(void *arg)
{
    drill *d = arg;
    grpcc *g = grpcc_open(d->grpc);
    if (!g) {
        snprintf(d->first_failure, sizeof d->first_failure, "cannot connect to %s", d->grpc);
        d->failed++;
        return NULL;
    }
    for (int64_t h = 2; !__atomic_load_n(&d->stop, __ATOMIC_ACQUIRE) && h <= BLOCKS; h++) {
        if (update_once(d, g, h, h == 2) == 0) {
            __atomic_fetch_add(&d->ok, 1, __ATOMIC_RELEASE);
            d->height = h;
        } else {
            d->failed++;
            break; /* the chain of states is broken: later updates would fail for that reason alone */
        }
        usleep(20000);
    }
    grpcc_close(g);
    return NULL;
}

/* GET /metrics from the service; the value of one series (exact name with labels), or -1. */
static double metric(drill *d, const char *series)
{
    char host[64];
    int port = 0;
    if (sscanf(d->metrics, "%63[^:]:%d", host, &port) != 2) return -1;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    inet_pton(AF_INET, host, &sa.sin_addr);
    if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
        if (fd >= 0) close(fd);
        return -1;
    }
    const char req[] = "GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    if (write(fd, req, sizeof req - 1) != (ssize_t)(sizeof req - 1)) {
        close(fd);
        return -1;
    }
    lcp_buf b = {0};
    char chunk[4096];
    ssize_t n;
    while ((n = read(fd, chunk, sizeof chunk)) > 0) assert_int_equal(lcp_buf_append(&b, chunk, (size_t)n), LCP_OK);
    close(fd);
    assert_int_equal(lcp_buf_append(&b, "", 1), LCP_OK);
    double v = -1;
    size_t sl = strlen(series);
    for (char *p = (char *)b.data; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
        if (strncmp(p, series, sl) == 0 && p[sl] == ' ') v = strtod(p + sl + 1, NULL);
    lcp_buf_free(&b);
    return v;
}

static void start_service(drill *d)
{
    char out[300];
    snprintf(out, sizeof out, "%s/service.out", fx.tmp);
    d->pid = fork();
    assert_true(d->pid >= 0);
    if (d->pid > 0) service_pid = d->pid;
    if (d->pid == 0) {
        if (!freopen(out, "w", stdout)) _exit(127);
        setenv("LCP_HOME", fx.home, 1);
        execl(d->lcp, d->lcp, "--sim_platform", d->platform, "--enclave", fx.enclave_bin, "--log_level", "info", "service",
              "start", "--address", "127.0.0.1:0", "--metrics_address", "127.0.0.1:0", "--threads", "2",
              "--key_rotation_buffer", BUFFER_S, "--key_validity", VALIDITY_S, (char *)NULL);
        _exit(127);
    }
    for (int i = 0; i < 300; i++) {
        size_t len = 0;
        uint8_t *text = NULL;
        char err[LCP_ERR_LEN];
        if (lcp_file_read(&text, &len, out, 4096, err) == LCP_OK) {
            cJSON *j = cJSON_ParseWithLength((const char *)text, len);
            const cJSON *g = cJSON_GetObjectItemCaseSensitive(j, "grpc"), *m = cJSON_GetObjectItemCaseSensitive(j, "metrics");
            if (cJSON_IsString(g) && cJSON_IsString(m)) {
                snprintf(d->grpc, sizeof d->grpc, "%s", g->valuestring);
                snprintf(d->metrics, sizeof d->metrics, "%s", m->valuestring);
            }
            cJSON_Delete(j);
            lcp_free(text);
            if (d->grpc[0]) return;
        }
        int st;
        if (waitpid(d->pid, &st, WNOHANG) == d->pid) fail_msg("the service exited at start");
        usleep(100000);
    }
    fail_msg("the service did not start in 30 s");
}

static void create_client(drill *d, grpcc *g)
{
    lcp_buf cs = {0}, cons = {0};
    tmc_client_state(&cs, d->chain, 1, NULL);
    tmc_consensus_state(&cons, d->chain, 1);
    Lcp__Service__Elc__V1__MsgCreateClient m = LCP__SERVICE__ELC__V1__MSG_CREATE_CLIENT__INIT;
    Google__Protobuf__Any a1, a2;
    any_of(&a1, TMC_T_CS, &cs);
    any_of(&a2, TMC_T_CONS, &cons);
    m.client_id = "07-tendermint-0";
    m.client_state = &a1;
    m.consensus_state = &a2;
    grpcc_call k;
    memset(&k, 0, sizeof k);
    grpcc_add(&k, &m.base);
    if (grpcc_wait(g, &k, MSG "CreateClient") != 0) fail_msg("CreateClient: %d %s", k.status, k.message);
    grpcc_reset(&k);
    lcp_buf_free(&cs);
    lcp_buf_free(&cons);
}

/* AvailableEnclaveKeys: the DCAP keys' addresses, newest validity first. */
static size_t available(drill *d, grpcc *g, uint8_t out[MAX_KEYS][20])
{
    Lcp__Service__Enclave__V1__QueryAvailableEnclaveKeysRequest q =
        LCP__SERVICE__ENCLAVE__V1__QUERY_AVAILABLE_ENCLAVE_KEYS_REQUEST__INIT;
    q.mrenclave.data = d->mrenclave;
    q.mrenclave.len = 32;
    q.enclave_debug = 1;
    grpcc_call k;
    memset(&k, 0, sizeof k);
    grpcc_add(&k, &q.base);
    if (grpcc_wait(g, &k, "/lcp.service.enclave.v1.Query/AvailableEnclaveKeys") != 0)
        fail_msg("AvailableEnclaveKeys: %d %s", k.status, k.message);
    Lcp__Service__Enclave__V1__QueryAvailableEnclaveKeysResponse *r =
        (void *)grpcc_response(&k, &lcp__service__enclave__v1__query_available_enclave_keys_response__descriptor);
    assert_non_null(r);
    size_t n = 0;
    for (size_t i = 0; i < r->n_keys && n < MAX_KEYS; i++)
        if (r->keys[i]->key_info_case == LCP__SERVICE__ENCLAVE__V1__ENCLAVE_KEY_INFO__KEY_INFO_DCAP &&
            r->keys[i]->dcap->enclave_key_address.len == 20)
            memcpy(out[n++], r->keys[i]->dcap->enclave_key_address.data, 20);
    protobuf_c_message_free_unpacked(&r->base, NULL);
    grpcc_reset(&k);
    return n;
}

static int activate(grpcc *g, const uint8_t addr[20], uint8_t prev[20])
{
    Lcp__Service__Enclave__V1__MsgActivateEnclaveKey m = LCP__SERVICE__ENCLAVE__V1__MSG_ACTIVATE_ENCLAVE_KEY__INIT;
    m.enclave_key_address.data = (uint8_t *)addr;
    m.enclave_key_address.len = 20;
    grpcc_call k;
    memset(&k, 0, sizeof k);
    grpcc_add(&k, &m.base);
    int st = grpcc_wait(g, &k, "/lcp.service.enclave.v1.Msg/ActivateEnclaveKey");
    if (st == 0) {
        Lcp__Service__Enclave__V1__MsgActivateEnclaveKeyResponse *r =
            (void *)grpcc_response(&k, &lcp__service__enclave__v1__msg_activate_enclave_key_response__descriptor);
        assert_non_null(r);
        assert_int_equal(r->previous_enclave_key_address.len, 20);
        memcpy(prev, r->previous_enclave_key_address.data, 20);
        protobuf_c_message_free_unpacked(&r->base, NULL);
    } else {
        print_message("ActivateEnclaveKey: %d %s\n", k.status, k.message);
    }
    grpcc_reset(&k);
    return st;
}

static void test_two_rotations_under_traffic(void **state)
{
    (void)state;
    drill *d = lcp_calloc(1, sizeof *d);
    assert_non_null(d);
    pthread_mutex_init(&d->mu, NULL);
    snprintf(d->lcp, sizeof d->lcp, "%s", fx.enclave_bin);
    snprintf(strrchr(d->lcp, '/'), 8, "/lcp");
    snprintf(d->platform, sizeof d->platform, "%s/cpu", fx.tmp);
    char out[8192], err[LCP_ERR_LEN] = "";

    /* A Tendermint chain with blocks one second apart, all in the past (made first: the keys' lives start below). */
    tmc_valset *vs = lcp_malloc(sizeof *vs);
    assert_non_null(vs);
    tmc_valset_make(vs, 5, 0, NVALS, NULL, 100);
    d->chain = tmc_chain_new("rotation-chain", vs, lcp_time_now() - BLOCKS - 100);
    lcp_free(vs);
    tmc_chain_set_interval(d->chain, 1);
    for (int i = 1; i < BLOCKS; i++) tmc_chain_push(d->chain, NULL, NULL);

    /* The operator's first key, attested with the counterparty's key_expiration, before rotation is turned on. */
    run_cli(d, "sim init", out, sizeof out);
    run_cli(d, "sim refresh-collateral", out, sizeof out);
    char k1hex[64];
    run_cli(d, "enclave generate-key", k1hex, sizeof k1hex);
    char args[256];
    snprintf(args, sizeof args, "attestation dcap --enclave_key %s --allow_debug --key_validity %d", k1hex, KEY_VALIDITY);
    run_cli(d, args, out, sizeof out);
    cJSON *a1 = cJSON_Parse(out);
    const cJSON *mr = cJSON_GetObjectItemCaseSensitive(a1, "mrenclave"), *vt = cJSON_GetObjectItemCaseSensitive(a1, "valid_to");
    assert_true(cJSON_IsString(mr) && cJSON_IsNumber(vt));
    assert_int_equal(tu_hex(d->mrenclave, 32, mr->valuestring + 2), 32);
    uint64_t k1_valid_to = (uint64_t)vt->valuedouble;
    cJSON_Delete(a1);
    uint8_t k1[20];
    assert_int_equal(tu_hex(k1, 20, k1hex + 2), 20);

    /* The counterparty: an LCP client trusting this enclave and the simulated DCAP root, keys living 16 s. */
    uint8_t *root = NULL;
    size_t root_len = 0;
    assert_int_equal(lcp_sim_issuer_root(&root, &root_len, d->platform, err), LCP_OK);
    assert_int_equal(lcp_dcap_verifier_new(&d->verifier, root, root_len, err), LCP_OK);
    lcp_free(root);
    d->mem = lcp_lc_memstore_new();
    assert_non_null(d->mem);
    lcp_lc_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.store = lcp_lc_memstore_iface(d->mem);
    cfg.development_mode = 1;
    cfg.dcap_verifier = d->verifier;
    d->lc_mem = lcp_malloc(lcp_lc_size());
    assert_non_null(d->lc_mem);
    assert_int_equal(lcp_lc_init(&d->lc, d->lc_mem, lcp_lc_size(), &cfg), LCP_OK);
    lcp_lc_client_state cs;
    memset(&cs, 0, sizeof cs);
    cs.mrenclave = (lcp_bytes){d->mrenclave, 32};
    cs.key_expiration = KEY_VALIDITY;
    uint8_t csb[512];
    size_t n;
    assert_int_equal(lcp_lc_client_state_encode(csb, sizeof csb, &n, &cs), LCP_OK);
    assert_int_equal(lcp_lc_create_client(d->lc, "lcp-0", csb, n, NULL, 0, err), LCP_OK);
    /* The expiry the client computes is the one the service recorded (so metrics and rotation see it too). */
    assert_int_equal(register_key(d, k1), k1_valid_to);

    start_service(d);
    grpcc *g = grpcc_open(d->grpc);
    assert_non_null(g);
    create_client(d, g);
    assert_int_equal(pthread_create(&d->th, NULL, traffic, d), 0);

    /* The relayer (and the simulated Intel publishing fresh collateral every second). */
    uint8_t keys[MAX_KEYS][20], active[20];
    memcpy(active, k1, 20);
    size_t activations = 0, ok_at_second = 0;
    int64_t last_refresh = 0;
    uint64_t deadline = lcp_time_now_ns() + 120ull * 1000000000ull;
    while (lcp_time_now_ns() < deadline && d->failed == 0) {
        int64_t now = lcp_time_now();
        if (now != last_refresh) {
            assert_int_equal(lcp_sim_issuer_refresh(NULL, d->platform, now, err), LCP_OK);
            last_refresh = now;
        }
        size_t nk = available(d, g, keys);
        for (size_t i = 0; i < nk; i++) {
            if (is_registered(d, keys[i])) continue;
            /* A new key: register it on the counterparty, then tell the service. */
            register_key(d, keys[i]);
            uint8_t prev[20];
            assert_int_equal(activate(g, keys[i], prev), 0);
            assert_memory_equal(prev, active, 20);
            memcpy(active, keys[i], 20);
            if (++activations == 2) ok_at_second = __atomic_load_n(&d->ok, __ATOMIC_ACQUIRE);
        }
        /* Done: two rotations, traffic signed by the newest key after the second, the first key pruned. */
        size_t ok_now = __atomic_load_n(&d->ok, __ATOMIC_ACQUIRE);
        if (activations >= 2 && ok_now >= ok_at_second + 20 && metric(d, "lcp_keys_pruned_total") >= 1) break;
        usleep(200000);
    }
    __atomic_store_n(&d->stop, 1, __ATOMIC_RELEASE);
    assert_int_equal(pthread_join(d->th, NULL), 0);

    double generated = metric(d, "lcp_key_rotations_total{step=\"generated\"}");
    double activated = metric(d, "lcp_key_rotations_total{step=\"activated\"}");
    double failed = metric(d, "lcp_key_rotations_total{step=\"failed\"}");
    double pruned = metric(d, "lcp_keys_pruned_total");
    double keygen = metric(d, "lcp_ecall_duration_seconds_count{command=\"GenerateEnclaveKey\"}");
    double update_errors = metric(d, "lcp_grpc_requests_total{method=\"/lcp.service.elc.v1.Msg/UpdateClient\",code=\"ABORTED\"}");
    print_message("rotation drill: %zu updates accepted, %zu failed; signers in order: %zu (%zu, %zu, %zu updates); "
                  "metrics: generated %.0f, activated %.0f, failed %.0f, pruned %.0f\n",
                  d->ok, d->failed, d->nsigners, d->per_signer[0], d->per_signer[1], d->per_signer[2], generated,
                  activated, failed, pruned);
    if (d->failed) fail_msg("a request failed: %s", d->first_failure);
    assert_int_equal(activations, 2);
    assert_true(keygen >= generated && generated >= 2); /* rotation's ECALLs are in the ECALL metrics too */
    /* Each key signed in turn: K1 until the first activation, then K2, then K3; each was registered first. */
    assert_int_equal(d->nsigners, 3);
    assert_memory_equal(d->signers[0], k1, 20);
    assert_memory_equal(d->signers[2], active, 20);
    for (size_t i = 0; i < 3; i++) assert_true(d->per_signer[i] > 0);
    assert_true(generated >= 2);
    assert_int_equal((int)activated, 2);
    assert_int_equal((int)failed, 0);
    assert_true(pruned >= 1);
    assert_true(update_errors <= 0); /* no ABORTED UpdateClient (absent series = -1) */

    grpcc_close(g);
    kill(d->pid, SIGTERM);
    int st = 0;
    assert_int_equal(waitpid(d->pid, &st, 0), d->pid);
    service_pid = 0;
    assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    tmc_chain_free(d->chain);
    lcp_dcap_verifier_free(d->verifier);
    lcp_lc_memstore_free(d->mem);
    lcp_free(d->lc_mem);
    pthread_mutex_destroy(&d->mu);
    lcp_free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_two_rotations_under_traffic, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
