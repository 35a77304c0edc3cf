/* lcp/host_store.h — part of host (floor 5): the host's durable key-value store, LMDB with transactions.
 *
 * What it is. One LMDB environment under `<home>/state` (DESIGN.md "State on disk") holding two named
 * databases: LCP_STORE_DB_ELC for light-client state (keys such as `clients/{id}/clientState`, spec §1.3) and
 * LCP_STORE_DB_KEYS for enclave keys (lcp/host_keystore.h). Both live in one environment so that a single
 * transaction can change light-client state and key records together and commit them atomically.
 *
 * Lifecycle (each step says what it allocates and what is dead afterwards):
 *     lcp_store_open   → lcp_store *       (allocates the handle, opens or creates the environment)
 *       lcp_store_begin  → lcp_store_txn * (allocates the transaction)
 *         lcp_store_get / _put / _del / _iter / _count
 *       lcp_store_commit or lcp_store_abort  (both always free the transaction, even when commit fails)
 *     lcp_store_close                      (every transaction must have ended before)
 *
 * Borrowed data. Values returned by lcp_store_get and passed to an lcp_store_iter callback point into LMDB's
 * memory map. They must not be modified or freed. They stay valid until the transaction ends, and in a write
 * transaction only until the next lcp_store_put or lcp_store_del in it. Copy what must outlive that.
 *
 * Transactions and threads.
 *  - Write transactions are exclusive, across threads and across processes: lcp_store_begin(write=1) waits
 *    while another write transaction is open anywhere on the environment. A write transaction must be used,
 *    committed or aborted only by the thread that began it, and a thread must not begin a second write
 *    transaction while it holds one (it would wait for itself forever).
 *  - Read transactions see the snapshot taken at lcp_store_begin and never wait for writers; writers never wait
 *    for them. The environment is opened with MDB_NOTLS, so a read transaction is not tied to its thread: it may
 *    be handed to a worker thread, and one thread may hold several. One transaction must not be used by two
 *    threads at the same time.
 *  - The lcp_store handle itself may be shared by every thread of the process (begin is thread-safe).
 *  - An open read transaction pins its snapshot: pages it can see are not reused, so long-lived readers make
 *    the file grow. End read transactions promptly.
 *
 * Durability. The environment uses LMDB's default synchronous commits: when lcp_store_commit returns LCP_OK the
 * transaction is on disk. A crash (process or machine) at any instant leaves the last committed state; a
 * transaction that did not commit leaves no trace.
 *
 * Allocation. The handle and each transaction come from lcp_malloc. LMDB itself allocates with libc malloc,
 * which the lcp allocator hook does not see.
 *
 * Caveats (symptom → fix), after LMDB's own:
 *  - LCP_ERR_HOST_STORE_FULL on put or commit → the map size is too small; close and reopen with a larger
 *    map_size (the file grows as needed up to it; a larger map costs address space, not disk).
 *  - LCP_ERR_HOST_STORE "MDB_MAP_RESIZED" on begin → another process opened the store with a larger map size
 *    and grew the file past this process's map; reopen with at least that size (use one map size everywhere).
 *  - Two lcp_store_open of the same directory in one process → LMDB's file locks are per process, so closing one
 *    handle silently drops the other's locks. Open each environment once per process and share the handle.
 *  - fork() → a child must not use a handle or transaction inherited from its parent; it opens its own.
 *  - A process that died inside a transaction leaves a stale reader slot or the writer lock; lcp_store_open
 *    clears stale readers, and LMDB recovers the writer lock of a dead process by itself.
 *  - A process that keeps the store open while another one is killed inside lcp_store_commit may, until the next
 *    write transaction begins, not see that last commit (it was on disk but not yet published in the lock file);
 *    the next writer adopts it. Only the dying writer's unacknowledged commit is affected; nothing is lost or
 *    torn, and a process opening the store afresh sees it at once.
 *  - Network filesystems (NFS, SMB) do not give LMDB the locking and mmap semantics it needs: keep `<home>` on
 *    a local disk.
 */
#ifndef LCP_HOST_STORE_H
#define LCP_HOST_STORE_H

#include "lcp/base.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Map size used when lcp_store_open is given 0: 1 GiB. */
#define LCP_STORE_DEFAULT_MAP_SIZE ((size_t)1 << 30)

/* The named databases of the environment. */
typedef enum {
    LCP_STORE_DB_ELC = 0,  /* "elc": light-client state, keys are the UTF-8 paths of spec §1.3 */
    LCP_STORE_DB_KEYS = 1, /* "enclave_keys": enclave key records, keyed by 20-byte address (host_keystore.h) */
    LCP_STORE_DB_COUNT = 2
} lcp_store_db;

typedef struct lcp_store lcp_store;
typedef struct lcp_store_txn lcp_store_txn;

/* Opens (creating if missing) the store under home: home and home/state are created with mode 0700 when
 * absent, and the LMDB files with 0600.
 * Returns: LCP_OK; LCP_ERR_IO if a directory cannot be created or is not a directory; LCP_ERR_HOST_STORE_CORRUPT
 *   if the files are not an LMDB environment this LMDB can read; LCP_ERR_HOST_STORE on other LMDB failures;
 *   LCP_ERR_NOMEM.
 * Out: out: the new handle, to be closed with lcp_store_close (NULL on failure).
 * In:  home: the lcp home directory ($LCP_HOME); map_size: largest size the data file may reach, in bytes
 *   (0 = LCP_STORE_DEFAULT_MAP_SIZE; an existing larger environment keeps its size). */
int lcp_store_open(lcp_store **out, const char *home, size_t map_size, char *err) LCP_WARN_UNUSED;

/* Closes the environment and frees s. Every transaction begun on s must have been committed or aborted.
 * s may be NULL. */
void lcp_store_close(lcp_store *s);

/* Largest key length the environment accepts (LMDB's compile-time limit, 511 bytes by default). */
size_t lcp_store_max_key_len(const lcp_store *s);

/* Begins a transaction. See "Transactions and threads" above for what write = 1 waits for.
 * Returns: LCP_OK; LCP_ERR_HOST_STORE (e.g. too many readers); LCP_ERR_NOMEM.
 * Out: out: the transaction; end it with lcp_store_commit or lcp_store_abort.
 * In:  write: 1 for a read-write transaction, 0 for a read-only snapshot. */
int lcp_store_begin(lcp_store *s, lcp_store_txn **out, int write, char *err) LCP_WARN_UNUSED;

/* Commits t and frees it, whatever the outcome; t is dead afterwards. Committing a read transaction just ends it.
 * Returns: LCP_OK when the changes are durable; LCP_ERR_HOST_STORE_FULL; LCP_ERR_HOST_STORE. On failure nothing
 * of the transaction is applied. */
int lcp_store_commit(lcp_store_txn *t, char *err) LCP_WARN_UNUSED;

/* Discards t's changes and frees it; t is dead afterwards. t may be NULL. */
void lcp_store_abort(lcp_store_txn *t);

/* 1 if t was begun with write = 1. */
int lcp_store_txn_is_write(const lcp_store_txn *t);

/* Looks a key up.
 * Returns: LCP_OK (found or not); LCP_ERR_HOST_STORE_KEY if klen is 0 or above lcp_store_max_key_len;
 *   LCP_ERR_HOST_STORE.
 * Out: val: borrowed view of the value (see "Borrowed data"); {NULL, 0} when absent.
 *      found: 1 if the key is present, else 0.
 * In:  db: which database; key, klen: the key. */
int lcp_store_get(lcp_store_txn *t, lcp_store_db db, const void *key, size_t klen, lcp_bytes *val, int *found,
                  char *err) LCP_WARN_UNUSED;

/* Stores value under key, replacing any previous value. t must be a write transaction.
 * Returns: LCP_OK; LCP_ERR_HOST_STORE_KEY; LCP_ERR_HOST_STORE_FULL (the transaction should then be aborted);
 *   LCP_ERR_HOST_STORE.
 * In: key, klen: 1..lcp_store_max_key_len bytes; val, vlen: the value (val may be NULL when vlen is 0). */
int lcp_store_put(lcp_store_txn *t, lcp_store_db db, const void *key, size_t klen, const void *val, size_t vlen,
                  char *err) LCP_WARN_UNUSED;

/* Deletes key. t must be a write transaction. Deleting an absent key is not an error.
 * Returns: LCP_OK; LCP_ERR_HOST_STORE_KEY; LCP_ERR_HOST_STORE.
 * Out: found: (may be NULL) 1 if the key existed. */
int lcp_store_del(lcp_store_txn *t, lcp_store_db db, const void *key, size_t klen, int *found,
                  char *err) LCP_WARN_UNUSED;

/* Called once per entry by lcp_store_iter, in ascending byte order of keys. key and val are borrowed views,
 * valid until the callback returns or, if the caller keeps them, until the transaction ends (never across a
 * write). Return 0 to continue, a positive value to stop (lcp_store_iter then returns LCP_OK), or a negative
 * lcp error code to stop and have lcp_store_iter return it. The callback must not put or delete in t. */
typedef int (*lcp_store_iter_fn)(void *ud, lcp_bytes key, lcp_bytes val);

/* Visits every entry of db whose key starts with prefix (plen == 0 visits all), e.g. prefix "clients/07-x/"
 * lists one client's keys.
 * Returns: LCP_OK; the callback's negative code; LCP_ERR_HOST_STORE.
 * In: prefix, plen: the prefix (prefix may be NULL when plen is 0); fn, ud: the callback and its argument. */
int lcp_store_iter(lcp_store_txn *t, lcp_store_db db, const void *prefix, size_t plen, lcp_store_iter_fn fn,
                   void *ud, char *err) LCP_WARN_UNUSED;

/* Out: n: number of entries in db as seen by t. Returns LCP_OK or LCP_ERR_HOST_STORE. */
int lcp_store_count(lcp_store_txn *t, lcp_store_db db, size_t *n, char *err) LCP_WARN_UNUSED;

#ifdef __cplusplus
}
#endif
#endif
