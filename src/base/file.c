/* Whole-file reads and atomic writes for the host side (lcp/base.h). */
#include "lcp/base.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int lcp_file_read(uint8_t **out, size_t *len, const char *path, size_t max_len, char *err)
{
    int fd = strcmp(path, "-") == 0 ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return lcp_fail(err, LCP_ERR_IO, "cannot open %s: %s", path, strerror(errno));
    lcp_buf b = {0};
    int rc = LCP_OK;
    for (;;) {
        if ((rc = lcp_buf_reserve(&b, 65536)) != LCP_OK) {
            lcp_fail(err, rc, "out of memory reading %s", path);
            break;
        }
        ssize_t n = read(fd, b.data + b.len, b.cap - b.len - 1);
        if (n < 0) {
            if (errno == EINTR) continue;
            rc = lcp_fail(err, LCP_ERR_IO, "cannot read %s: %s", path, strerror(errno));
            break;
        }
        if (n == 0) break;
        b.len += (size_t)n;
        if (b.len > max_len) {
            rc = lcp_fail(err, LCP_ERR_IO, "%s is larger than the limit of %zu bytes", path, max_len);
            break;
        }
    }
    if (fd != STDIN_FILENO) close(fd);
    if (rc != LCP_OK) {
        lcp_buf_free(&b);
        return rc;
    }
    if (b.data == NULL && (rc = lcp_buf_reserve(&b, 1)) != LCP_OK) return lcp_fail(err, rc, "out of memory");
    b.data[b.len] = '\0';
    *out = b.data;
    *len = b.len;
    return LCP_OK;
}

int lcp_file_write_atomic(const char *path, const uint8_t *data, size_t len, unsigned mode, char *err)
{
    char tmp[4096];
    if ((size_t)snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid()) >= sizeof tmp)
        return lcp_fail(err, LCP_ERR_IO, "path too long: %s", path);
    /* A fresh file, always: a stale one left by a crash would keep its old mode (this writes secrets, 0600). */
    unlink(tmp);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, (mode_t)mode);
    if (fd < 0) return lcp_fail(err, LCP_ERR_IO, "cannot create %s: %s", tmp, strerror(errno));
    size_t off = 0;
    while (off < len) {
        ssize_t n = write(fd, data + off, len - off);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            int e = errno;
            close(fd);
            unlink(tmp);
            return lcp_fail(err, LCP_ERR_IO, "cannot write %s: %s", tmp, strerror(e));
        }
        off += (size_t)n;
    }
    int synced = fsync(fd) == 0, fe = errno;
    if (close(fd) != 0 && synced) synced = 0, fe = errno; /* closed whatever fsync said: no descriptor leaks */
    if (!synced) {
        unlink(tmp);
        return lcp_fail(err, LCP_ERR_IO, "cannot flush %s: %s", tmp, strerror(fe));
    }
    if (rename(tmp, path) != 0) {
        int e = errno;
        unlink(tmp);
        return lcp_fail(err, LCP_ERR_IO, "cannot rename %s to %s: %s", tmp, path, strerror(e));
    }
    /* The rename is durable only once the directory entry is on disk. */
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash == dir) slash[1] = '\0';
    else if (slash) *slash = '\0';
    else snprintf(dir, sizeof dir, ".");
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        fsync(dfd);
        close(dfd);
    }
    return LCP_OK;
}
