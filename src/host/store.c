/* The host store over LMDB (lcp/host_store.h): one environment in <home>/state with the named databases "elc"
 * and "enclave_keys". The wrappers add what LMDB leaves to the caller: key-length checks done before LMDB sees
 * the key (so a bad key is an input error, not MDB_BAD_VALSIZE), the lcp error space, recovery from a map grown
 * by another process, and stale-reader cleanup after a crash. */
#include "lcp/host_store.h"

#include <errno.h>
#include <lmdb.h>
#include <string.h>
#include <sys/stat.h>

struct lcp_store {
    MDB_env *env;
    MDB_dbi dbi[LCP_STORE_DB_COUNT];
    size_t max_key;
};

struct lcp_store_txn {
    lcp_store *s;
    MDB_txn *txn;
    int write;
    int iterating; /* a put or delete now could move the iteration cursor under the caller */
};

static const char *const db_names[LCP_STORE_DB_COUNT] = {"elc", "enclave_keys"};

/* LMDB's codes mapped onto the lcp error space; the LMDB text goes into err. */
static int fail_mdb(char *err, int rc, const char *what)
{
    int code;
    switch (rc) {
    case MDB_MAP_FULL: code = LCP_ERR_HOST_STORE_FULL; break;
    case MDB_BAD_VALSIZE: code = LCP_ERR_HOST_STORE_KEY; break;
    case MDB_CORRUPTED:
    case MDB_INVALID:
    case MDB_VERSION_MISMATCH:
    case MDB_PAGE_NOTFOUND: code = LCP_ERR_HOST_STORE_CORRUPT; break;
    case ENOMEM: code = LCP_ERR_NOMEM; break;
    default: code = LCP_ERR_HOST_STORE; break;
    }
    return lcp_fail(err, code, "host store: %s: %s", what, mdb_strerror(rc));
}

static int make_dir(const char *path, char *err)
{
    if (mkdir(path, 0700) != 0 && errno != EEXIST)
        return lcp_fail(err, LCP_ERR_IO, "host store: cannot create %s: %s", path, strerror(errno));
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
        return lcp_fail(err, LCP_ERR_IO, "host store: %s is not a directory", path);
    return LCP_OK;
}

/* Opens the named databases once for the life of the environment. A read transaction suffices when they
 * exist (so opening never waits for another process's writer); the first open creates them in a write one. */
static int open_dbs(lcp_store *s, char *err)
{
    for (int write = 0; write <= 1; write++) {
        MDB_txn *txn;
        int rc = mdb_txn_begin(s->env, NULL, write ? 0 : MDB_RDONLY, &txn);
        if (rc != 0) return fail_mdb(err, rc, "begin");
        int i;
        for (i = 0; i < LCP_STORE_DB_COUNT; i++) {
            rc = mdb_dbi_open(txn, db_names[i], write ? MDB_CREATE : 0, &s->dbi[i]);
            if (rc != 0) break;
        }
        if (rc == MDB_NOTFOUND && !write) {
            mdb_txn_abort(txn);
            continue;
        }
        if (rc != 0) {
            mdb_txn_abort(txn);
            return fail_mdb(err, rc, db_names[i]);
        }
        /* Handles opened in a transaction survive only if it commits, read-only or not. */
        rc = mdb_txn_commit(txn);
        if (rc != 0) return fail_mdb(err, rc, "commit");
        return LCP_OK;
    }
    return lcp_fail(err, LCP_ERR_HOST_STORE, "host store: databases missing after creation");
}

int lcp_store_open(lcp_store **out, const char *home, size_t map_size, char *err)
{
    LCP_ARG_CHECK(out != NULL);
    LCP_ARG_CHECK(home != NULL);
    *out = NULL;
    int rc = make_dir(home, err);
    if (rc != LCP_OK) return rc;
    size_t hl = strlen(home);
    char *path = lcp_malloc(hl + sizeof "/state");
    if (path == NULL) return lcp_fail(err, LCP_ERR_NOMEM, NULL);
    memcpy(path, home, hl);
    memcpy(path + hl, "/state", sizeof "/state");
    lcp_store *s = lcp_calloc(1, sizeof *s);
    if (s == NULL) {
        rc = lcp_fail(err, LCP_ERR_NOMEM, NULL);
        goto done;
    }
    if ((rc = make_dir(path, err)) != LCP_OK) goto done;
    int mrc = mdb_env_create(&s->env);
    if (mrc != 0) {
        s->env = NULL;
        rc = fail_mdb(err, mrc, "create");
        goto done;
    }
    if ((mrc = mdb_env_set_maxdbs(s->env, LCP_STORE_DB_COUNT)) != 0 ||
        (mrc = mdb_env_set_mapsize(s->env, map_size ? map_size : LCP_STORE_DEFAULT_MAP_SIZE)) != 0) {
        rc = fail_mdb(err, mrc, "configure");
        goto done;
    }
    /* MDB_NOTLS: read transactions belong to the lcp_store_txn, not to a thread (workers take them over).
     * No MDB_NOSYNC / MDB_NOMETASYNC: a commit that returned is durable. */
    if ((mrc = mdb_env_open(s->env, path, MDB_NOTLS, 0600)) != 0) {
        rc = fail_mdb(err, mrc, path);
        goto done;
    }
    /* A process killed inside a read transaction leaves its reader slot behind, pinning old pages. */
    int dead = 0;
    if ((mrc = mdb_reader_check(s->env, &dead)) != 0) {
        rc = fail_mdb(err, mrc, "reader check");
        goto done;
    }
    if (dead > 0) lcp_log(LCP_LOG_INFO, "host store: cleared %d stale reader slot(s) in %s", dead, path);
    if ((rc = open_dbs(s, err)) != LCP_OK) goto done;
    s->max_key = (size_t)mdb_env_get_maxkeysize(s->env);
    *out = s;
    s = NULL;
    rc = LCP_OK;
done:
    if (s != NULL) {
        if (s->env != NULL) mdb_env_close(s->env);
        lcp_free(s);
    }
    lcp_free(path);
    return rc;
}

void lcp_store_close(lcp_store *s)
{
    if (s == NULL) return;
    mdb_env_close(s->env);
    lcp_free(s);
}

size_t lcp_store_max_key_len(const lcp_store *s)
{
    return s->max_key;
}

int lcp_store_begin(lcp_store *s, lcp_store_txn **out, int write, char *err)
{
    LCP_ARG_CHECK(s != NULL);
    LCP_ARG_CHECK(out != NULL);
    *out = NULL;
    lcp_store_txn *t = lcp_calloc(1, sizeof *t);
    if (t == NULL) return lcp_fail(err, LCP_ERR_NOMEM, NULL);
    /* MDB_MAP_RESIZED (another process grew the map) is not retried here: adopting the new size with
     * mdb_env_set_mapsize is only allowed while no transaction of this process is open, which a handle shared
     * by worker threads cannot promise. The header's caveats give the fix. */
    int rc = mdb_txn_begin(s->env, NULL, write ? 0 : MDB_RDONLY, &t->txn);
    if (rc != 0) {
        lcp_free(t);
        return fail_mdb(err, rc, "begin");
    }
    t->s = s;
    t->write = write ? 1 : 0;
    *out = t;
    return LCP_OK;
}

int lcp_store_commit(lcp_store_txn *t, char *err)
{
    LCP_ARG_CHECK(t != NULL);
    LCP_ARG_CHECK(!t->iterating);
    int rc = mdb_txn_commit(t->txn); /* frees the MDB_txn on failure too */
    lcp_free(t);
    return rc == 0 ? LCP_OK : fail_mdb(err, rc, "commit");
}

void lcp_store_abort(lcp_store_txn *t)
{
    if (t == NULL) return;
    mdb_txn_abort(t->txn);
    lcp_free(t);
}

int lcp_store_txn_is_write(const lcp_store_txn *t)
{
    return t->write;
}

static int check_key(const lcp_store_txn *t, size_t klen, char *err)
{
    if (klen == 0 || klen > t->s->max_key)
        return lcp_fail(err, LCP_ERR_HOST_STORE_KEY, "host store: key of %zu bytes (1..%zu allowed)", klen,
                        t->s->max_key);
    return LCP_OK;
}

int lcp_store_get(lcp_store_txn *t, lcp_store_db db, const void *key, size_t klen, lcp_bytes *val, int *found,
                  char *err)
{
    LCP_ARG_CHECK(t != NULL && val != NULL && found != NULL);
    LCP_ARG_CHECK((unsigned)db < LCP_STORE_DB_COUNT);
    LCP_ARG_CHECK(key != NULL || klen == 0);
    val->ptr = NULL;
    val->len = 0;
    *found = 0;
    int rc = check_key(t, klen, err);
    if (rc != LCP_OK) return rc;
    MDB_val k = {klen, (void *)(uintptr_t)key}, v;
    int mrc = mdb_get(t->txn, t->s->dbi[db], &k, &v);
    if (mrc == MDB_NOTFOUND) return LCP_OK;
    if (mrc != 0) return fail_mdb(err, mrc, "get");
    val->ptr = v.mv_data;
    val->len = v.mv_size;
    *found = 1;
    return LCP_OK;
}

int lcp_store_put(lcp_store_txn *t, lcp_store_db db, const void *key, size_t klen, const void *val, size_t vlen,
                  char *err)
{
    LCP_ARG_CHECK(t != NULL);
    LCP_ARG_CHECK(t->write);
    LCP_ARG_CHECK(!t->iterating);
    LCP_ARG_CHECK((unsigned)db < LCP_STORE_DB_COUNT);
    LCP_ARG_CHECK(key != NULL || klen == 0);
    LCP_ARG_CHECK(val != NULL || vlen == 0);
    int rc = check_key(t, klen, err);
    if (rc != LCP_OK) return rc;
    static const uint8_t empty[1];
    MDB_val k = {klen, (void *)(uintptr_t)key};
    MDB_val v = {vlen, (void *)(uintptr_t)(val != NULL ? val : empty)};
    int mrc = mdb_put(t->txn, t->s->dbi[db], &k, &v, 0);
    return mrc == 0 ? LCP_OK : fail_mdb(err, mrc, "put");
}

int lcp_store_del(lcp_store_txn *t, lcp_store_db db, const void *key, size_t klen, int *found, char *err)
{
    LCP_ARG_CHECK(t != NULL);
    LCP_ARG_CHECK(t->write);
    LCP_ARG_CHECK(!t->iterating);
    LCP_ARG_CHECK((unsigned)db < LCP_STORE_DB_COUNT);
    LCP_ARG_CHECK(key != NULL || klen == 0);
    if (found != NULL) *found = 0;
    int rc = check_key(t, klen, err);
    if (rc != LCP_OK) return rc;
    MDB_val k = {klen, (void *)(uintptr_t)key};
    int mrc = mdb_del(t->txn, t->s->dbi[db], &k, NULL);
    if (mrc == MDB_NOTFOUND) return LCP_OK;
    if (mrc != 0) return fail_mdb(err, mrc, "del");
    if (found != NULL) *found = 1;
    return LCP_OK;
}

int lcp_store_iter(lcp_store_txn *t, lcp_store_db db, const void *prefix, size_t plen, lcp_store_iter_fn fn,
                   void *ud, char *err)
{
    LCP_ARG_CHECK(t != NULL && fn != NULL);
    LCP_ARG_CHECK(!t->iterating);
    LCP_ARG_CHECK((unsigned)db < LCP_STORE_DB_COUNT);
    LCP_ARG_CHECK(prefix != NULL || plen == 0);
    /* No stored key is longer than the limit, so no key can start with a longer prefix. */
    if (plen > t->s->max_key) return LCP_OK;
    MDB_cursor *c;
    int mrc = mdb_cursor_open(t->txn, t->s->dbi[db], &c);
    if (mrc != 0) return fail_mdb(err, mrc, "cursor");
    MDB_val k = {plen, (void *)(uintptr_t)prefix}, v;
    mrc = mdb_cursor_get(c, &k, &v, plen ? MDB_SET_RANGE : MDB_FIRST);
    int rc = LCP_OK;
    t->iterating = 1;
    while (mrc == 0) {
        if (plen && (k.mv_size < plen || memcmp(k.mv_data, prefix, plen) != 0)) break;
        lcp_bytes kb = {k.mv_data, k.mv_size}, vb = {v.mv_data, v.mv_size};
        int cr = fn(ud, kb, vb);
        if (cr < 0) {
            rc = cr;
            break;
        }
        if (cr > 0) break;
        mrc = mdb_cursor_get(c, &k, &v, MDB_NEXT);
    }
    t->iterating = 0;
    if (rc == LCP_OK && mrc != 0 && mrc != MDB_NOTFOUND) rc = fail_mdb(err, mrc, "iterate");
    mdb_cursor_close(c);
    return rc;
}

int lcp_store_count(lcp_store_txn *t, lcp_store_db db, size_t *n, char *err)
{
    LCP_ARG_CHECK(t != NULL && n != NULL);
    LCP_ARG_CHECK((unsigned)db < LCP_STORE_DB_COUNT);
    MDB_stat st;
    int mrc = mdb_stat(t->txn, t->s->dbi[db], &st);
    if (mrc != 0) return fail_mdb(err, mrc, "stat");
    *n = st.ms_entries;
    return LCP_OK;
}
