/* lcp/host_lock.h — part of host (floor 5): an exclusive lock on a directory, held by one process at a time.
 *
 * What it is for. A directory that one process must own while it runs: $LCP_HOME for `lcp service start` (one
 * service per home, as LCP's store refuses a second opener), and the simulated platform directory while an `lcp
 * sim` verb writes it. The lock is a file in that directory (LCP_HOST_LOCK_FILE) holding the holder's pid, locked
 * with an open-file-description lock (fcntl F_OFD_SETLK): the kernel drops it when the holder closes it or dies,
 * however it dies (a stale file never blocks anyone), and two openers conflict even inside one process. The
 * descriptor is close-on-exec, so processes the holder starts (enclaves) do not keep it.
 *
 * The pid in the file is for the message only: the lock, not the file, decides.
 */
#ifndef LCP_HOST_LOCK_H
#define LCP_HOST_LOCK_H

#include "lcp/base.h"

#ifdef __cplusplus
extern "C" {
#endif

#define LCP_HOST_LOCK_FILE "lock"

typedef struct {
    int fd; /* -1 when not held */
} lcp_dir_lock;

/* Takes the lock of dir (its file dir/LCP_HOST_LOCK_FILE, created 0600) without waiting, and writes this
 * process's pid into it. what names dir in messages (e.g. "LCP_HOME /srv/lcp").
 * Returns: LCP_OK (l holds it until lcp_host_unlock); LCP_ERR_HOST_LOCKED when another holder has it, err saying
 *   "<what> is in use by process <pid> (lock <file>)"; LCP_ERR_IO (dir missing, unwritable; l->fd is -1). */
int lcp_host_lock(lcp_dir_lock *l, const char *dir, const char *what, char *err) LCP_WARN_UNUSED;

/* Releases the lock (the file stays; the next holder rewrites it). Safe on a lock not held. */
void lcp_host_unlock(lcp_dir_lock *l);

#ifdef __cplusplus
}
#endif
#endif
