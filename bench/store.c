/* Host store cost, against the primitives it is made of.
 *  - Durable commits: the floor is one 4 KiB pwrite + fdatasync on a file beside the store (LMDB's synchronous
 *    commit does two syncs: data pages, then the meta page). Measured: a write transaction with one 2 KiB put
 *    (a client state), and one shaped like an UpdateClient (client state + new consensus state + a delete).
 *  - Reads: the floor is raw LMDB (mdb_txn_begin RDONLY, mdb_get, mdb_txn_abort) on the same environment;
 *    measured: the same through lcp_store_begin/get/abort, and an enclave key lookup with its record decode.
 *  - Listing: the "available" key list over 100 stored keys (decode, filter, sort).
 * Prints each figure and its ratio to its floor. The store lives in a mkdtemp directory under /tmp (or
 * $LCP_BENCH_DIR's filesystem if set), removed at the end; fsync cost depends entirely on that filesystem. */
#include <fcntl.h>
#include <ftw.h>
#include <lmdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"
#include "lcp/host_keystore.h"
#include "lcp/host_store.h"

typedef struct {
    lcp_store *s;
    MDB_env *raw;
    MDB_dbi raw_dbi;
    int fd;
    uint8_t page[4096];
    uint8_t state[2048];
    uint64_t height;
    uint8_t addr[20];
} ctx;

static int floor_sync(void *arg)
{
    ctx *x = arg;
    x->page[0]++;
    if (pwrite(x->fd, x->page, sizeof x->page, 0) != (ssize_t)sizeof x->page) return -1;
    return fdatasync(x->fd);
}

static int commit_one(void *arg)
{
    ctx *x = arg;
    lcp_store_txn *t;
    if (lcp_store_begin(x->s, &t, 1, NULL) != LCP_OK) return -1;
    x->state[0]++;
    static const char k[] = "clients/07-tendermint-0/clientState";
    if (lcp_store_put(t, LCP_STORE_DB_ELC, k, sizeof k - 1, x->state, sizeof x->state, NULL) != LCP_OK) {
        lcp_store_abort(t);
        return -1;
    }
    return lcp_store_commit(t, NULL);
}

static int commit_update(void *arg)
{
    ctx *x = arg;
    lcp_store_txn *t;
    char k[96];
    if (lcp_store_begin(x->s, &t, 1, NULL) != LCP_OK) return -1;
    x->height++;
    int rc = lcp_store_put(t, LCP_STORE_DB_ELC, "clients/07-tendermint-0/clientState", 35, x->state, 600, NULL);
    int n = snprintf(k, sizeof k, "clients/07-tendermint-0/consensusStates/0-%llu", (unsigned long long)x->height);
    if (rc == LCP_OK) rc = lcp_store_put(t, LCP_STORE_DB_ELC, k, (size_t)n, x->state, 200, NULL);
    if (rc == LCP_OK && x->height > 100) { /* keep a window of consensus states, as pruning would */
        n = snprintf(k, sizeof k, "clients/07-tendermint-0/consensusStates/0-%llu",
                     (unsigned long long)(x->height - 100));
        rc = lcp_store_del(t, LCP_STORE_DB_ELC, k, (size_t)n, NULL, NULL);
    }
    if (rc != LCP_OK) {
        lcp_store_abort(t);
        return -1;
    }
    return lcp_store_commit(t, NULL);
}

static int raw_read(void *arg)
{
    ctx *x = arg;
    MDB_txn *t;
    if (mdb_txn_begin(x->raw, NULL, MDB_RDONLY, &t) != 0) return -1;
    MDB_val k = {35, (void *)"clients/07-tendermint-0/clientState"}, v;
    int rc = mdb_get(t, x->raw_dbi, &k, &v);
    mdb_txn_abort(t);
    return rc;
}

static int lcp_read(void *arg)
{
    ctx *x = arg;
    lcp_store_txn *t;
    if (lcp_store_begin(x->s, &t, 0, NULL) != LCP_OK) return -1;
    lcp_bytes v;
    int found;
    int rc = lcp_store_get(t, LCP_STORE_DB_ELC, "clients/07-tendermint-0/clientState", 35, &v, &found, NULL);
    lcp_store_abort(t);
    return rc == LCP_OK && found ? 0 : -1;
}

static int key_get(void *arg)
{
    ctx *x = arg;
    lcp_store_txn *t;
    if (lcp_store_begin(x->s, &t, 0, NULL) != LCP_OK) return -1;
    lcp_keystore_entry e;
    int rc = lcp_keystore_get(t, &e, x->addr, NULL);
    lcp_store_abort(t);
    return rc;
}

static int key_list(void *arg)
{
    ctx *x = arg;
    lcp_store_txn *t;
    if (lcp_store_begin(x->s, &t, 0, NULL) != LCP_OK) return -1;
    lcp_keystore_filter f;
    memset(&f, 0, sizeof f);
    memset(f.mrenclave, 0xab, sizeof f.mrenclave);
    lcp_keystore_entry *v;
    size_t n;
    int rc = lcp_keystore_list(t, &v, &n, &f, NULL);
    lcp_store_abort(t);
    if (rc == LCP_OK) lcp_free(v);
    return rc == LCP_OK && n == 50 ? 0 : -1;
}

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *w)
{
    (void)st;
    (void)flag;
    (void)w;
    return remove(p);
}

static int add_keys(ctx *x)
{
    static uint8_t sealed[592], report[432], avr[1200];
    memset(sealed, 0x5e, sizeof sealed);
    memset(report, 0x4e, sizeof report);
    memset(avr, 'a', sizeof avr);
    lcp_store_txn *t;
    if (lcp_store_begin(x->s, &t, 1, NULL) != LCP_OK) return -1;
    for (int i = 0; i < 100; i++) {
        lcp_keystore_entry k;
        memset(&k, 0, sizeof k);
        memset(k.address, i + 1, sizeof k.address);
        memset(k.mrenclave, i % 2 ? 0xab : 0xcd, sizeof k.mrenclave);
        k.sealed_key = (lcp_bytes){sealed, sizeof sealed};
        k.report = (lcp_bytes){report, sizeof report};
        k.qe_type = LCP_QE_TYPE_QE;
        k.ra_type = LCP_RA_TYPE_IAS;
        k.ra_evidence = (lcp_bytes){avr, sizeof avr};
        k.valid_from = 1700000000;
        k.valid_to = 1700000000 + (uint64_t)i * 3600;
        k.created_at = 1700000000;
        if (lcp_keystore_put(t, &k, NULL) != LCP_OK) {
            lcp_store_abort(t);
            return -1;
        }
    }
    memset(x->addr, 2, sizeof x->addr);
    return lcp_store_commit(t, NULL);
}

int main(void)
{
    static ctx x;
    char root[256], path[300];
    const char *base = getenv("LCP_BENCH_DIR");
    snprintf(root, sizeof root, "%s/lcp-bench-store-XXXXXX", base && *base ? base : "/tmp");
    if (mkdtemp(root) == NULL) return 1;
    char err[LCP_ERR_LEN];
    int ok = 0;
    if (lcp_store_open(&x.s, root, 0, err) != LCP_OK) {
        fprintf(stderr, "open: %s\n", err);
        goto out;
    }
    snprintf(path, sizeof path, "%s/floor", root);
    x.fd = open(path, O_RDWR | O_CREAT, 0600);
    if (x.fd < 0) goto out;
    memset(x.state, 0x33, sizeof x.state);

    printf("host store (%s)\n", root);
    double fl = lcp_bench_run("floor: 4 KiB pwrite + fdatasync", floor_sync, &x, 20, 1.0);
    double c1 = lcp_bench_run("commit: one 2 KiB put", commit_one, &x, 20, 1.0);
    double cu = lcp_bench_run("commit: UpdateClient shape (2 puts, 1 del)", commit_update, &x, 20, 1.0);
    if (add_keys(&x) != 0) goto out;
    double lr = lcp_bench_run("read: lcp begin + get + abort", lcp_read, &x, 1000, 0.5);
    double kg = lcp_bench_run("key store: get + decode", key_get, &x, 1000, 0.5);
    double kl = lcp_bench_run("key store: list available (100 keys)", key_list, &x, 100, 0.5);
    /* Two handles on one environment in one process would break LMDB's locks (host_store.h caveats): the raw
     * floor opens the same files after ours is closed. */
    lcp_store_close(x.s);
    x.s = NULL;
    snprintf(path, sizeof path, "%s/state", root);
    MDB_txn *t;
    if (mdb_env_create(&x.raw) != 0 || mdb_env_set_maxdbs(x.raw, 2) != 0 ||
        mdb_env_set_mapsize(x.raw, LCP_STORE_DEFAULT_MAP_SIZE) != 0 ||
        mdb_env_open(x.raw, path, MDB_NOTLS | MDB_RDONLY, 0600) != 0 || mdb_txn_begin(x.raw, NULL, MDB_RDONLY, &t) != 0)
        goto out;
    if (mdb_dbi_open(t, "elc", 0, &x.raw_dbi) != 0 || mdb_txn_commit(t) != 0) goto out;
    double rr = lcp_bench_run("floor: raw LMDB begin + get + abort", raw_read, &x, 1000, 0.5);
    if (fl <= 0 || c1 <= 0 || cu <= 0 || lr <= 0 || kg <= 0 || kl <= 0 || rr <= 0) goto out;
    printf("ratios: commit %.2fx the sync floor, UpdateClient commit %.2fx; lcp read %.2fx raw LMDB, key get %.2fx\n",
           c1 / fl, cu / fl, lr / rr, kg / rr);
    ok = 1;
out:
    if (x.raw) mdb_env_close(x.raw);
    lcp_store_close(x.s);
    if (x.fd > 0) close(x.fd);
    nftw(root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
    return ok ? 0 : 1;
}
