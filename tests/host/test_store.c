/* The host store (lcp/host_store.h): directories and modes, get/put/del in both databases, key limits, abort,
 * snapshot isolation, read transactions handed to other threads, writer exclusivity, prefix iteration, a full
 * map, files that are not LMDB, misuse and allocation failure. Every test works in its own mkdtemp directory. */
#include "testutil.h"

#include <fcntl.h>
#include <ftw.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lcp/host_store.h"

#define OK(call) assert_int_equal((call), LCP_OK)

typedef struct {
    char root[64];  /* the mkdtemp directory */
    char home[128]; /* root/home, created by lcp_store_open */
} tmp_home;

static void tmp_make(tmp_home *h)
{
    tu_tmpdir(h->root, sizeof h->root, "store");
    snprintf(h->home, sizeof h->home, "%s/home", h->root);
}

static void tmp_remove(tmp_home *h) { tu_rmtree(h->root); }

static void put_str(lcp_store_txn *t, lcp_store_db db, const char *k, const char *v)
{
    char err[LCP_ERR_LEN];
    OK(lcp_store_put(t, db, k, strlen(k), v, strlen(v), err));
}

/* Asserts that k holds v (v == NULL: that k is absent). */
static void expect(lcp_store_txn *t, lcp_store_db db, const char *k, const char *v)
{
    char err[LCP_ERR_LEN];
    lcp_bytes got;
    int found = -1;
    OK(lcp_store_get(t, db, k, strlen(k), &got, &found, err));
    if (v == NULL) {
        assert_int_equal(found, 0);
        assert_null(got.ptr);
        assert_int_equal(got.len, 0);
    } else {
        assert_int_equal(found, 1);
        assert_int_equal(got.len, strlen(v));
        assert_memory_equal(got.ptr, v, got.len);
    }
}

static void test_open_creates_private_dirs(void **state)
{
    (void)state;
    tmp_home h;
    tmp_make(&h);
    char err[LCP_ERR_LEN], path[256];
    lcp_store *s = NULL;
    OK(lcp_store_open(&s, h.home, 0, err));
    assert_non_null(s);
    struct stat st;
    assert_int_equal(stat(h.home, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0700);
    snprintf(path, sizeof path, "%s/state", h.home);
    assert_int_equal(stat(path, &st), 0);
    assert_true(S_ISDIR(st.st_mode));
    assert_int_equal(st.st_mode & 0777, 0700);
    snprintf(path, sizeof path, "%s/state/data.mdb", h.home);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0077, 0); /* not readable by group or others whatever the umask */
    assert_true(lcp_store_max_key_len(s) >= 64);
    lcp_store_close(s);
    /* Reopening finds the databases (and does not need to create them). */
    OK(lcp_store_open(&s, h.home, 0, err));
    lcp_store_close(s);
    lcp_store_close(NULL);
    tmp_remove(&h);
}

static void test_put_get_del_commit(void **state)
{
    (void)state;
    tmp_home h;
    tmp_make(&h);
    char err[LCP_ERR_LEN];
    lcp_store *s;
    lcp_store_txn *t;
    OK(lcp_store_open(&s, h.home, 0, err));
    OK(lcp_store_begin(s, &t, 1, err));
    assert_int_equal(lcp_store_txn_is_write(t), 1);
    put_str(t, LCP_STORE_DB_ELC, "clients/07-tendermint-0/clientType", "07-tendermint");
    put_str(t, LCP_STORE_DB_ELC, "a", "1");
    expect(t, LCP_STORE_DB_ELC, "a", "1"); /* a write transaction sees its own writes */
    put_str(t, LCP_STORE_DB_ELC, "a", "22");  /* replace */
    expect(t, LCP_STORE_DB_ELC, "a", "22");
    OK(lcp_store_put(t, LCP_STORE_DB_ELC, "empty", 5, NULL, 0, err));
    OK(lcp_store_commit(t, err));

    OK(lcp_store_begin(s, &t, 0, err));
    assert_int_equal(lcp_store_txn_is_write(t), 0);
    expect(t, LCP_STORE_DB_ELC, "clients/07-tendermint-0/clientType", "07-tendermint");
    expect(t, LCP_STORE_DB_ELC, "a", "22");
    expect(t, LCP_STORE_DB_ELC, "empty", "");
    expect(t, LCP_STORE_DB_ELC, "b", NULL);
    expect(t, LCP_STORE_DB_KEYS, "a", NULL); /* databases are separate */
    size_t n = 0;
    OK(lcp_store_count(t, LCP_STORE_DB_ELC, &n, err));
    assert_int_equal(n, 3);
    OK(lcp_store_count(t, LCP_STORE_DB_KEYS, &n, err));
    assert_int_equal(n, 0);
    OK(lcp_store_commit(t, err)); /* committing a read transaction ends it */

    OK(lcp_store_begin(s, &t, 1, err));
    put_str(t, LCP_STORE_DB_KEYS, "a", "key-db");
    int found = -1;
    OK(lcp_store_del(t, LCP_STORE_DB_ELC, "a", 1, &found, err));
    assert_int_equal(found, 1);
    OK(lcp_store_del(t, LCP_STORE_DB_ELC, "a", 1, &found, err));
    assert_int_equal(found, 0);
    OK(lcp_store_del(t, LCP_STORE_DB_ELC, "never", 5, NULL, err));
    OK(lcp_store_commit(t, err));
    lcp_store_close(s);

    /* Everything survives a close and reopen. */
    OK(lcp_store_open(&s, h.home, 0, err));
    OK(lcp_store_begin(s, &t, 0, err));
    expect(t, LCP_STORE_DB_ELC, "a", NULL);
    expect(t, LCP_STORE_DB_KEYS, "a", "key-db");
    expect(t, LCP_STORE_DB_ELC, "clients/07-tendermint-0/clientType", "07-tendermint");
    lcp_store_abort(t);
    lcp_store_abort(NULL);
    lcp_store_close(s);
    tmp_remove(&h);
}

static void test_key_limits(void **state)
{
    (void)state;
    tmp_home h;
    tmp_make(&h);
    char err[LCP_ERR_LEN];
    lcp_store *s;
    lcp_store_txn *t;
    OK(lcp_store_open(&s, h.home, 0, err));
    size_t max = lcp_store_max_key_len(s);
    uint8_t *key = calloc(1, max + 1);
    assert_non_null(key);
    memset(key, 'k', max + 1);
    lcp_bytes v;
    int found;
    OK(lcp_store_begin(s, &t, 1, err));
    err[0] = 0;
    assert_int_equal(lcp_store_put(t, LCP_STORE_DB_ELC, key, 0, "x", 1, err), LCP_ERR_HOST_STORE_KEY);
    assert_non_null(strstr(err, "key of 0 bytes"));
    assert_int_equal(lcp_store_put(t, LCP_STORE_DB_ELC, key, max + 1, "x", 1, err), LCP_ERR_HOST_STORE_KEY);
    assert_int_equal(lcp_store_get(t, LCP_STORE_DB_ELC, key, max + 1, &v, &found, err), LCP_ERR_HOST_STORE_KEY);
    assert_int_equal(found, 0);
    assert_int_equal(lcp_store_del(t, LCP_STORE_DB_ELC, key, 0, NULL, err), LCP_ERR_HOST_STORE_KEY);
    OK(lcp_store_put(t, LCP_STORE_DB_ELC, key, max, "x", 1, err));
    OK(lcp_store_get(t, LCP_STORE_DB_ELC, key, max, &v, &found, err));
    assert_int_equal(found, 1);
    /* Binary keys with zero bytes are keys like any other. */
    const uint8_t bin[3] = {0, 0xff, 0};
    OK(lcp_store_put(t, LCP_STORE_DB_KEYS, bin, 3, bin, 3, err));
    OK(lcp_store_get(t, LCP_STORE_DB_KEYS, bin, 2, &v, &found, err));
    assert_int_equal(found, 0);
    OK(lcp_store_get(t, LCP_STORE_DB_KEYS, bin, 3, &v, &found, err));
    assert_int_equal(found, 1);
    assert_memory_equal(v.ptr, bin, 3);
    OK(lcp_store_commit(t, err));
    free(key);
    lcp_store_close(s);
    tmp_remove(&h);
}

static void test_abort_leaves_nothing(void **state)
{
    (void)state;
    tmp_home h;
    tmp_make(&h);
    char err[LCP_ERR_LEN];
    lcp_store *s;
    lcp_store_txn *t;
    OK(lcp_store_open(&s, h.home, 0, err));
    OK(lcp_store_begin(s, &t, 1, err));
    put_str(t, LCP_STORE_DB_ELC, "kept", "v1");
    OK(lcp_store_commit(t, err));

    OK(lcp_store_begin(s, &t, 1, err));
    put_str(t, LCP_STORE_DB_ELC, "kept", "changed");
    put_str(t, LCP_STORE_DB_ELC, "new", "x");
    put_str(t, LCP_STORE_DB_KEYS, "k", "x");
    OK(lcp_store_del(t, LCP_STORE_DB_ELC, "kept", 4, NULL, err));
    lcp_store_abort(t);

    OK(lcp_store_begin(s, &t, 0, err));
    expect(t, LCP_STORE_DB_ELC, "kept", "v1");
    expect(t, LCP_STORE_DB_ELC, "new", NULL);
    expect(t, LCP_STORE_DB_KEYS, "k", NULL);
    size_t n;
    OK(lcp_store_count(t, LCP_STORE_DB_ELC, &n, err));
    assert_int_equal(n, 1);
    OK(lcp_store_count(t, LCP_STORE_DB_KEYS, &n, err));
    assert_int_equal(n, 0);
    lcp_store_abort(t);
    lcp_store_close(s);
    tmp_remove(&h);
}

/* A read transaction keeps its snapshot while a writer commits; the writer does not wait for it. */
static void test_snapshot_isolation(void **state)
{
    (void)state;
    tmp_home h;
    tmp_make(&h);
    char err[LCP_ERR_LEN];
    lcp_store *s;
    lcp_store_txn *w, *r1, *r2;
    OK(lcp_store_open(&s, h.home, 0, err));
    OK(lcp_store_begin(s, &w, 1, err));
    put_str(w, LCP_STORE_DB_ELC, "x", "old");
    OK(lcp_store_commit(w, err));

    OK(lcp_store_begin(s, &r1, 0, err));
    OK(lcp_store_begin(s, &w, 1, err)); /* one thread: a reader and a writer at once (MDB_NOTLS) */
    put_str(w, LCP_STORE_DB_ELC, "x", "new");
    put_str(w, LCP_STORE_DB_ELC, "y", "y");
    expect(r1, LCP_STORE_DB_ELC, "x", "old"); /* uncommitted writes are invisible */
    OK(lcp_store_commit(w, err));
    expect(r1, LCP_STORE_DB_ELC, "x", "old"); /* and so are ones committed after the snapshot */
    expect(r1, LCP_STORE_DB_ELC, "y", NULL);
    OK(lcp_store_begin(s, &r2, 0, err));
    expect(r2, LCP_STORE_DB_ELC, "x", "new");
    expect(r2, LCP_STORE_DB_ELC, "y", "y");
    lcp_store_abort(r1);
    lcp_store_abort(r2);
    lcp_store_close(s);
    tmp_remove(&h);
}

typedef struct {
    lcp_store *s;
    lcp_store_txn *read;
    atomic_int done;
    int result;
} thread_arg;

/* Uses a read transaction begun by another thread, then writes and commits while that reader is open. */
static void *reader_thread(void *p)
{
    thread_arg *a = p;
    char err[LCP_ERR_LEN];
    lcp_bytes v;
    int found;
    a->result = -1;
    if (lcp_store_get(a->read, LCP_STORE_DB_ELC, "x", 1, &v, &found, err) != LCP_OK || !found || v.len != 3 ||
        memcmp(v.ptr, "old", 3) != 0)
        return NULL;
    lcp_store_txn *w;
    if (lcp_store_begin(a->s, &w, 1, err) != LCP_OK) return NULL;
    if (lcp_store_put(w, LCP_STORE_DB_ELC, "x", 1, "thr", 3, err) != LCP_OK) {
        lcp_store_abort(w);
        return NULL;
    }
    if (lcp_store_commit(w, err) != LCP_OK) return NULL;
    a->result = 0;
    return NULL;
}

static void test_read_txn_moves_between_threads(void **state)
{
    (void)state;
    tmp_home h;
    tmp_make(&h);
    char err[LCP_ERR_LEN];
    lcp_store *s;
    lcp_store_txn *w;
    OK(lcp_store_open(&s, h.home, 0, err));
    OK(lcp_store_begin(s, &w, 1, err));
    put_str(w, LCP_STORE_DB_ELC, "x", "old");
    OK(lcp_store_commit(w, err));
    thread_arg a = {s, NULL, 0, -1};
    OK(lcp_store_begin(s, &a.read, 0, err));
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, reader_thread, &a), 0);
    assert_int_equal(pthread_join(th, NULL), 0);
    assert_int_equal(a.result, 0);
    expect(a.read, LCP_STORE_DB_ELC, "x", "old"); /* back in this thread, same snapshot */
    lcp_store_abort(a.read);
    lcp_store_txn *r;
    OK(lcp_store_begin(s, &r, 0, err));
    expect(r, LCP_STORE_DB_ELC, "x", "thr");
    lcp_store_abort(r);
    lcp_store_close(s);
    tmp_remove(&h);
}

/* Begins a write transaction (waiting for the main thread's), reads x, writes x = "second". */
static void *writer_thread(void *p)
{
    thread_arg *a = p;
    char err[LCP_ERR_LEN];
    lcp_store_txn *w;
    a->result = -1;
    if (lcp_store_begin(a->s, &w, 1, err) != LCP_OK) return NULL;
    lcp_bytes v;
    int found;
    /* It may only start after the first writer committed, so it must see "first". */
    if (lcp_store_get(w, LCP_STORE_DB_ELC, "x", 1, &v, &found, err) == LCP_OK && found && v.len == 5 &&
        memcmp(v.ptr, "first", 5) == 0)
        a->result = 0;
    if (lcp_store_put(w, LCP_STORE_DB_ELC, "x", 1, "second", 6, err) != LCP_OK) a->result = -1;
    if (lcp_store_commit(w, err) != LCP_OK) a->result = -1;
    atomic_store(&a->done, 1);
    return NULL;
}

static void test_writers_are_exclusive(void **state)
{
    (void)state;
    tmp_home h;
    tmp_make(&h);
    char err[LCP_ERR_LEN];
    lcp_store *s;
    lcp_store_txn *w, *r;
    OK(lcp_store_open(&s, h.home, 0, err));
    OK(lcp_store_begin(s, &w, 1, err));
    thread_arg a = {s, NULL, 0, -1};
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, writer_thread, &a), 0);
    struct timespec ts = {0, 100 * 1000 * 1000};
    nanosleep(&ts, NULL);
    assert_int_equal(atomic_load(&a.done), 0); /* still waiting for our write transaction */
    /* A reader is not blocked by either writer. */
    OK(lcp_store_begin(s, &r, 0, err));
    expect(r, LCP_STORE_DB_ELC, "x", NULL);
    lcp_store_abort(r);
    put_str(w, LCP_STORE_DB_ELC, "x", "first");
    OK(lcp_store_commit(w, err));
    assert_int_equal(pthread_join(th, NULL), 0);
    assert_int_equal(a.result, 0);
    OK(lcp_store_begin(s, &r, 0, err));
    expect(r, LCP_STORE_DB_ELC, "x", "second");
    lcp_store_abort(r);
    lcp_store_close(s);
    tmp_remove(&h);
}

typedef struct {
    char keys[16][32];
    char vals[16][32];
    int n;
    int stop_after; /* return 1 after this many (0: never) */
    int fail_at;    /* return an error at this call (0: never) */
} seen;

static int collect(void *ud, lcp_bytes k, lcp_bytes v)
{
    seen *c = ud;
    if (c->fail_at && c->n + 1 == c->fail_at) return LCP_ERR_RANGE;
    if (c->n >= 16 || k.len >= 32 || v.len >= 32) return LCP_ERR_BUFFER_TOO_SMALL;
    memcpy(c->keys[c->n], k.ptr, k.len);
    c->keys[c->n][k.len] = 0;
    memcpy(c->vals[c->n], v.ptr, v.len);
    c->vals[c->n][v.len] = 0;
    c->n++;
    return c->stop_after && c->n == c->stop_after ? 1 : 0;
}

static int put_inside(void *ud, lcp_bytes k, lcp_bytes v)
{
    (void)v;
    char err[LCP_ERR_LEN];
    return lcp_store_put(ud, LCP_STORE_DB_ELC, k.ptr, k.len, "z", 1, err);
}

static void test_iter_prefix(void **state)
{
    (void)state;
    tmp_home h;
    tmp_make(&h);
    char err[LCP_ERR_LEN];
    lcp_store *s;
    lcp_store_txn *t;
    OK(lcp_store_open(&s, h.home, 0, err));
    OK(lcp_store_begin(s, &t, 1, err));
    /* Inserted out of order; iteration returns byte order. */
    put_str(t, LCP_STORE_DB_ELC, "clients/b/1", "b1");
    put_str(t, LCP_STORE_DB_ELC, "clients/a/2", "a2");
    put_str(t, LCP_STORE_DB_ELC, "clientsX", "x");
    put_str(t, LCP_STORE_DB_ELC, "clients/ab/1", "ab1");
    put_str(t, LCP_STORE_DB_ELC, "clients/a/1", "a1");
    put_str(t, LCP_STORE_DB_ELC, "clients/a", "a");
    put_str(t, LCP_STORE_DB_KEYS, "clients/a/3", "other db");
    OK(lcp_store_commit(t, err));

    OK(lcp_store_begin(s, &t, 0, err));
    seen c = {0};
    OK(lcp_store_iter(t, LCP_STORE_DB_ELC, "clients/a/", 10, collect, &c, err));
    assert_int_equal(c.n, 2);
    assert_string_equal(c.keys[0], "clients/a/1");
    assert_string_equal(c.vals[0], "a1");
    assert_string_equal(c.keys[1], "clients/a/2");
    assert_string_equal(c.vals[1], "a2");

    memset(&c, 0, sizeof c);
    OK(lcp_store_iter(t, LCP_STORE_DB_ELC, "clients/a", 9, collect, &c, err));
    assert_int_equal(c.n, 4); /* clients/a, clients/a/1, clients/a/2, clients/ab/1 */
    assert_string_equal(c.keys[0], "clients/a");
    assert_string_equal(c.keys[3], "clients/ab/1");

    memset(&c, 0, sizeof c);
    OK(lcp_store_iter(t, LCP_STORE_DB_ELC, NULL, 0, collect, &c, err));
    assert_int_equal(c.n, 6);
    assert_string_equal(c.keys[5], "clientsX");

    memset(&c, 0, sizeof c);
    OK(lcp_store_iter(t, LCP_STORE_DB_ELC, "clients/c", 9, collect, &c, err));
    assert_int_equal(c.n, 0);
    OK(lcp_store_iter(t, LCP_STORE_DB_ELC, "zzz", 3, collect, &c, err)); /* past the last key */
    assert_int_equal(c.n, 0);

    memset(&c, 0, sizeof c);
    c.stop_after = 2;
    OK(lcp_store_iter(t, LCP_STORE_DB_ELC, NULL, 0, collect, &c, err));
    assert_int_equal(c.n, 2);

    memset(&c, 0, sizeof c);
    c.fail_at = 3;
    assert_int_equal(lcp_store_iter(t, LCP_STORE_DB_ELC, NULL, 0, collect, &c, err), LCP_ERR_RANGE);
    assert_int_equal(c.n, 2);

    size_t big = lcp_store_max_key_len(s) + 1;
    char *p = calloc(1, big);
    assert_non_null(p);
    memset(&c, 0, sizeof c);
    OK(lcp_store_iter(t, LCP_STORE_DB_ELC, p, big, collect, &c, err));
    assert_int_equal(c.n, 0);
    free(p);

    memset(&c, 0, sizeof c);
    OK(lcp_store_iter(t, LCP_STORE_DB_KEYS, "clients/", 8, collect, &c, err));
    assert_int_equal(c.n, 1);
    assert_string_equal(c.vals[0], "other db");
    lcp_store_abort(t);

    /* Writing from inside the callback is misuse: the hook fires and the write does not happen. */
    tu_count_illegal();
    OK(lcp_store_begin(s, &t, 1, err));
    assert_int_equal(lcp_store_iter(t, LCP_STORE_DB_ELC, "clients/b", 9, put_inside, t, err),
                     LCP_ERR_ILLEGAL_ARG);
    assert_int_equal(tu_illegal_calls, 1);
    expect(t, LCP_STORE_DB_ELC, "clients/b/1", "b1");
    put_str(t, LCP_STORE_DB_ELC, "after", "ok"); /* and the transaction is usable once iteration ended */
    lcp_store_abort(t);
    lcp_set_illegal_hook(NULL, NULL);
    lcp_store_close(s);
    tmp_remove(&h);
}

/* A map too small for the data: the put that does not fit fails with FULL, the transaction is aborted, the
 * committed data is intact, and reopening with a larger map lets the write through. */
static void test_map_full(void **state)
{
    (void)state;
    tmp_home h;
    tmp_make(&h);
    char err[LCP_ERR_LEN];
    lcp_store *s;
    lcp_store_txn *t;
    const size_t small = 256 * 1024;
    OK(lcp_store_open(&s, h.home, small, err));
    OK(lcp_store_begin(s, &t, 1, err));
    put_str(t, LCP_STORE_DB_ELC, "first", "committed");
    OK(lcp_store_commit(t, err));
    static uint8_t blob[16 * 1024];
    memset(blob, 0x5a, sizeof blob);
    OK(lcp_store_begin(s, &t, 1, err));
    int rc = LCP_OK, i;
    for (i = 0; i < 64 && rc == LCP_OK; i++) {
        char k[16];
        snprintf(k, sizeof k, "blob%02d", i);
        rc = lcp_store_put(t, LCP_STORE_DB_ELC, k, strlen(k), blob, sizeof blob, err);
    }
    assert_int_equal(rc, LCP_ERR_HOST_STORE_FULL);
    assert_non_null(strstr(err, "MDB_MAP_FULL"));
    lcp_store_abort(t);
    OK(lcp_store_begin(s, &t, 0, err));
    expect(t, LCP_STORE_DB_ELC, "first", "committed");
    expect(t, LCP_STORE_DB_ELC, "blob00", NULL);
    lcp_store_abort(t);
    lcp_store_close(s);

    OK(lcp_store_open(&s, h.home, 4 * 1024 * 1024, err));
    OK(lcp_store_begin(s, &t, 1, err));
    for (int j = 0; j < i; j++) {
        char k[16];
        snprintf(k, sizeof k, "blob%02d", j);
        OK(lcp_store_put(t, LCP_STORE_DB_ELC, k, strlen(k), blob, sizeof blob, err));
    }
    OK(lcp_store_commit(t, err));
    lcp_store_close(s);
    tmp_remove(&h);
}

static void test_not_a_store(void **state)
{
    (void)state;
    tmp_home h;
    tmp_make(&h);
    char err[LCP_ERR_LEN], path[256];
    lcp_store *s = (lcp_store *)&h; /* must be reset to NULL on failure */
    /* home is a regular file */
    FILE *f = fopen(h.home, "w");
    assert_non_null(f);
    fclose(f);
    assert_int_equal(lcp_store_open(&s, h.home, 0, err), LCP_ERR_IO);
    assert_null(s);
    assert_non_null(strstr(err, "not a directory"));
    assert_int_equal(remove(h.home), 0);
    /* state/data.mdb holds garbage */
    assert_int_equal(mkdir(h.home, 0700), 0);
    snprintf(path, sizeof path, "%s/state", h.home);
    assert_int_equal(mkdir(path, 0700), 0);
    snprintf(path, sizeof path, "%s/state/data.mdb", h.home);
    f = fopen(path, "w");
    assert_non_null(f);
    static char junk[8192];
    memset(junk, 'J', sizeof junk);
    assert_int_equal(fwrite(junk, 1, sizeof junk, f), sizeof junk);
    fclose(f);
    s = (lcp_store *)&h;
    assert_int_equal(lcp_store_open(&s, h.home, 0, err), LCP_ERR_HOST_STORE_CORRUPT);
    assert_null(s);
    /* a parent that cannot be created */
    char bad[256];
    snprintf(bad, sizeof bad, "%s/missing/home", h.root);
    assert_int_equal(lcp_store_open(&s, bad, 0, err), LCP_ERR_IO);
    tmp_remove(&h);
}

static void test_misuse(void **state)
{
    (void)state;
    tmp_home h;
    tmp_make(&h);
    char err[LCP_ERR_LEN];
    lcp_store *s;
    lcp_store_txn *t;
    OK(lcp_store_open(&s, h.home, 0, err));
    OK(lcp_store_begin(s, &t, 0, err));
    tu_count_illegal();
    assert_int_equal(lcp_store_put(t, LCP_STORE_DB_ELC, "k", 1, "v", 1, err), LCP_ERR_ILLEGAL_ARG);
    assert_int_equal(tu_illegal_calls, 1);
    assert_int_equal(lcp_store_del(t, LCP_STORE_DB_ELC, "k", 1, NULL, err), LCP_ERR_ILLEGAL_ARG);
    assert_int_equal(tu_illegal_calls, 2);
    lcp_bytes v;
    int found;
    assert_int_equal(lcp_store_get(t, (lcp_store_db)7, "k", 1, &v, &found, err), LCP_ERR_ILLEGAL_ARG);
    assert_int_equal(tu_illegal_calls, 3);
    assert_int_equal(lcp_store_get(t, LCP_STORE_DB_ELC, NULL, 1, &v, &found, err), LCP_ERR_ILLEGAL_ARG);
    assert_int_equal(tu_illegal_calls, 4);
    assert_int_equal(lcp_store_open(NULL, h.home, 0, err), LCP_ERR_ILLEGAL_ARG);
    assert_int_equal(tu_illegal_calls, 5);
    lcp_set_illegal_hook(NULL, NULL);
    lcp_store_abort(t);
    lcp_store_close(s);
    tmp_remove(&h);
}

/* ---- allocation failure: the n-th lcp_malloc fails, for every n until the operation succeeds ---- */
typedef struct {
    int countdown; /* allocations left before failing; < 0: never fail */
} fail_alloc;

static void *fa_malloc(size_t n, void *d)
{
    fail_alloc *f = d;
    if (f->countdown == 0) return NULL;
    if (f->countdown > 0) f->countdown--;
    return malloc(n);
}
static void *fa_realloc(void *p, size_t n, void *d)
{
    fail_alloc *f = d;
    if (f->countdown == 0) return NULL;
    if (f->countdown > 0) f->countdown--;
    return realloc(p, n);
}
static void fa_free(void *p, void *d)
{
    (void)d;
    free(p);
}

static void test_allocation_failure(void **state)
{
    (void)state;
    tmp_home h;
    tmp_make(&h);
    char err[LCP_ERR_LEN];
    fail_alloc fa;
    lcp_allocator a = {fa_malloc, fa_free, fa_realloc, &fa};
    lcp_set_allocator(&a);
    int failures = 0;
    for (int n = 0;; n++) {
        fa.countdown = n;
        lcp_store *s = NULL;
        lcp_store_txn *t = NULL;
        int rc = lcp_store_open(&s, h.home, 0, err);
        if (rc == LCP_OK) rc = lcp_store_begin(s, &t, 1, err);
        if (rc == LCP_OK) rc = lcp_store_put(t, LCP_STORE_DB_ELC, "k", 1, "v", 1, err);
        if (rc == LCP_OK) {
            rc = lcp_store_commit(t, err);
            t = NULL;
        }
        lcp_store_abort(t);
        lcp_store_close(s);
        if (rc == LCP_OK) break;
        assert_int_equal(rc, LCP_ERR_NOMEM);
        failures++;
        assert_true(n < 100);
    }
    lcp_set_allocator(NULL);
    assert_true(failures >= 3); /* open's path, its handle, and the transaction */
    tmp_remove(&h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_open_creates_private_dirs),
        cmocka_unit_test(test_put_get_del_commit),
        cmocka_unit_test(test_key_limits),
        cmocka_unit_test(test_abort_leaves_nothing),
        cmocka_unit_test(test_snapshot_isolation),
        cmocka_unit_test(test_read_txn_moves_between_threads),
        cmocka_unit_test(test_writers_are_exclusive),
        cmocka_unit_test(test_iter_prefix),
        cmocka_unit_test(test_map_full),
        cmocka_unit_test(test_not_a_store),
        cmocka_unit_test(test_misuse),
        cmocka_unit_test(test_allocation_failure),
    };
    return cmocka_run_group_tests_name("host/store", tests, NULL, NULL);
}
