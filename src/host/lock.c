/* Directory locks (lcp/host_lock.h). */
#include "lcp/host_lock.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* The pid written by the holder, or 0 if the file does not hold one (yet: it writes right after locking). */
static long holder_pid(int fd)
{
    for (int tries = 0; tries < 20; tries++) {
        char b[24];
        ssize_t n = pread(fd, b, sizeof b - 1, 0);
        long pid = 0;
        ssize_t i = 0;
        for (; n > 0 && i < n && b[i] >= '0' && b[i] <= '9' && pid < 100000000; i++) pid = pid * 10 + (b[i] - '0');
        if (n > 0 && i > 0 && i < n && b[i] == '\n') return pid;
        struct timespec ts = {0, 5000000}; /* 5 ms: the holder is between its lock and its write */
        nanosleep(&ts, NULL);
    }
    return 0;
}

int lcp_host_lock(lcp_dir_lock *l, const char *dir, const char *what, char *err)
{
    l->fd = -1;
    char path[4096];
    if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, LCP_HOST_LOCK_FILE) >= sizeof path)
        return lcp_fail(err, LCP_ERR_IO, "path too long: %s", dir);
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) return lcp_fail(err, LCP_ERR_IO, "cannot open %s: %s", path, strerror(errno));
    struct flock fl;
    memset(&fl, 0, sizeof fl);
    fl.l_type = F_WRLCK;
    fl.l_whence = SEEK_SET; /* start 0, length 0: the whole file */
    if (fcntl(fd, F_OFD_SETLK, &fl) != 0) {
        int e = errno;
        long pid = e == EAGAIN || e == EACCES ? holder_pid(fd) : 0;
        close(fd);
        if (e != EAGAIN && e != EACCES) return lcp_fail(err, LCP_ERR_IO, "cannot lock %s: %s", path, strerror(e));
        if (pid > 0)
            return lcp_fail(err, LCP_ERR_HOST_LOCKED, "%s is in use by process %ld (lock %s)", what, pid, path);
        return lcp_fail(err, LCP_ERR_HOST_LOCKED, "%s is in use by another process (lock %s)", what, path);
    }
    char b[24];
    int n = snprintf(b, sizeof b, "%ld\n", (long)getpid());
    if (ftruncate(fd, 0) != 0 || pwrite(fd, b, (size_t)n, 0) != n) {
        int e = errno;
        close(fd);
        return lcp_fail(err, LCP_ERR_IO, "cannot write %s: %s", path, strerror(e));
    }
    l->fd = fd;
    return LCP_OK;
}

void lcp_host_unlock(lcp_dir_lock *l)
{
    if (l->fd < 0) return;
    close(l->fd); /* drops the lock */
    l->fd = -1;
}
