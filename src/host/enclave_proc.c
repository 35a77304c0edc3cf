/* The enclave process seen from the host (lcp/host_enclave.h). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <stdlib.h>
#include <unistd.h>

#include "host_frames.h"

struct lcp_host_enclave {
    char path[PATH_MAX];
    char platform[PATH_MAX];
    char backend[16];
    int gramine;              /* backend "gramine": started as `gramine-sgx lcp-enclave` */
    char gramine_sgx[PATH_MAX];
    char dir[PATH_MAX];       /* the directory of lcp-enclave and its manifest */
    int fd;
    pid_t pid;
    unsigned starts;
    lcp_buf in;
};

int lcp_host_enclave_new(lcp_host_enclave **out, const lcp_host_enclave_options *opt, char *err)
{
    lcp_host_enclave *h = lcp_calloc(1, sizeof *h);
    if (!h) return lcp_fail(err, LCP_ERR_NOMEM, "out of memory");
    h->fd = -1;
    if (opt->enclave_path) {
        snprintf(h->path, sizeof h->path, "%s", opt->enclave_path);
    } else {
        /* Default: lcp-enclave beside the running lcp binary. */
        ssize_t n = readlink("/proc/self/exe", h->path, sizeof h->path - 16);
        if (n < 0) {
            lcp_free(h);
            return lcp_fail(err, LCP_ERR_HOST_ENCLAVE_START, "cannot find the lcp executable to locate lcp-enclave");
        }
        h->path[n] = '\0';
        char *slash = strrchr(h->path, '/');
        snprintf(slash ? slash + 1 : h->path, 16, "lcp-enclave");
    }
    snprintf(h->platform, sizeof h->platform, "%s", opt->sim_platform ? opt->sim_platform : "");
    snprintf(h->backend, sizeof h->backend, "%s", opt->backend ? opt->backend : "sim");
    /* gramine: prepared here, so that the child only calls async-signal-safe functions. */
    if (strcmp(h->backend, "gramine") == 0) {
        const char *g = getenv("LCP_GRAMINE_SGX");
        h->gramine = 1;
        snprintf(h->gramine_sgx, sizeof h->gramine_sgx, "%s", g && *g ? g : "gramine-sgx");
        snprintf(h->dir, sizeof h->dir, "%s", h->path);
        char *slash = strrchr(h->dir, '/');
        if (slash) *slash = '\0';
        else snprintf(h->dir, sizeof h->dir, ".");
    }
    /* A dead enclave must surface as an error on write, not kill the host. */
    signal(SIGPIPE, SIG_IGN);
    *out = h;
    return LCP_OK;
}

static void reap(lcp_host_enclave *h)
{
    if (h->fd >= 0) close(h->fd);
    h->fd = -1;
    if (h->pid > 0) {
        int st;
        while (waitpid(h->pid, &st, 0) < 0 && errno == EINTR) {
        }
    }
    h->pid = 0;
}

int lcp_host_enclave_start(lcp_host_enclave *h, char *err)
{
    if (h->pid > 0) return LCP_OK;
    if (access(h->path, X_OK) != 0)
        return lcp_fail(err, LCP_ERR_HOST_ENCLAVE_START, "enclave executable %s is missing or not executable", h->path);
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
        return lcp_fail(err, LCP_ERR_HOST_ENCLAVE_START, "socketpair: %s", strerror(errno));
    /* Everything the child needs is prepared here: after fork only async-signal-safe calls are allowed. */
    char fdstr[16];
    snprintf(fdstr, sizeof fdstr, "%d", sv[1]);
    pid_t pid = fork();
    if (pid < 0) {
        close(sv[0]);
        close(sv[1]);
        return lcp_fail(err, LCP_ERR_HOST_ENCLAVE_START, "fork: %s", strerror(errno));
    }
    if (pid == 0 && h->gramine) {
        /* Child, Gramine: `gramine-sgx lcp-enclave` from the directory of lcp-enclave (where its signed manifest
         * lcp-enclave.manifest.sgx is). Gramine hands an enclave only stdin, stdout and stderr of the host's
         * descriptors, and its manifest fixes argv (--fd 0 --backend gramine): the socket becomes stdin. */
        if (dup2(sv[1], 0) < 0 || chdir(h->dir) != 0) _exit(127);
        const char *argv[3] = {h->gramine_sgx, "lcp-enclave", NULL};
        execvp(h->gramine_sgx, (char *const *)argv);
        _exit(127);
    }
    if (pid == 0) {
        /* Child: the enclave end of the socket survives exec; nothing else of ours does (CLOEXEC). */
        if (fcntl(sv[1], F_SETFD, 0) != 0) _exit(127);
        const char *argv[8] = {h->path, "--fd", fdstr, "--backend", h->backend, NULL, NULL, NULL};
        if (h->platform[0]) {
            argv[5] = "--sim_platform";
            argv[6] = h->platform;
        }
        execv(h->path, (char *const *)argv);
        _exit(127);
    }
    close(sv[1]);
    h->fd = sv[0];
    h->pid = pid;
    h->starts++;
    return LCP_OK;
}

void lcp_host_enclave_free(lcp_host_enclave *h)
{
    if (!h) return;
    reap(h);
    lcp_buf_free(&h->in);
    lcp_free(h);
}

pid_t lcp_host_enclave_pid(const lcp_host_enclave *h) { return h->pid; }
unsigned lcp_host_enclave_starts(const lcp_host_enclave *h) { return h->starts; }

/* The process is gone or out of step: say why, and make the next call start a fresh one. */
static int died(lcp_host_enclave *h, char *err)
{
    int st = 0;
    pid_t pid = h->pid;
    if (h->fd >= 0) close(h->fd);
    h->fd = -1;
    if (pid > 0) {
        while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
        }
    }
    h->pid = 0;
    if (pid > 0 && WIFSIGNALED(st))
        return lcp_fail(err, LCP_ERR_HOST_ENCLAVE_DIED, "the enclave process %d was killed by signal %d; it will be restarted on the next request",
                        (int)pid, WTERMSIG(st));
    if (pid > 0 && WIFEXITED(st) && WEXITSTATUS(st) != 0)
        return lcp_fail(err, LCP_ERR_HOST_ENCLAVE_DIED, "the enclave process %d exited with status %d (see its stderr); it will be restarted on the next request",
                        (int)pid, WEXITSTATUS(st));
    return lcp_fail(err, LCP_ERR_HOST_ENCLAVE_DIED, "the enclave process %d closed the connection; it will be restarted on the next request", (int)pid);
}

/* The enclave broke the protocol (a malformed, unexpected or oversized frame, or a frame we could not hold): what it
 * will read or send next is unknown (it may be waiting for an OCALL reply), so the process is stopped rather than
 * left to answer the next request with this one's leftovers. */
static int discard(lcp_host_enclave *h, const char *why, char *err)
{
    pid_t pid = h->pid;
    if (h->fd >= 0) close(h->fd);
    h->fd = -1;
    if (pid > 0) {
        kill(pid, SIGKILL);
        while (waitpid(pid, NULL, 0) < 0 && errno == EINTR) {
        }
    }
    h->pid = 0;
    return lcp_fail(err, LCP_ERR_PROTO, "%s; the enclave process %d was stopped and will be restarted on the next request",
                    why, (int)pid);
}

static int send_frame(lcp_host_enclave *h, const Lcp__Enclave__V1__HostFrame *f, char *err)
{
    lcp_buf b = {0};
    int rc = lcp_buf_reserve(&b, lcp__enclave__v1__host_frame__get_packed_size(f));
    if (rc != LCP_OK) return lcp_fail(err, rc, "out of memory");
    b.len = lcp__enclave__v1__host_frame__pack(f, b.data);
    rc = lcp_frame_write(h->fd, b.data, b.len);
    lcp_buf_free(&b);
    return rc == LCP_OK ? LCP_OK : died(h, err);
}

/* Reads enclave frames, answering OCALLs, until the ECALL response. */
static int await_response(lcp_host_enclave *h, lcp_host_ocall_fn ocall, void *ud,
                          Lcp__Enclave__V1__EcallResponse **resp, char *err)
{
    lcp_buf scratch = {0};
    int rc;
    for (;;) {
        rc = lcp_frame_read(h->fd, &h->in, LCP_FRAME_MAX, NULL); /* an oversized frame is not drained: see below */
        if (rc == LCP_ERR_IO) {
            rc = died(h, err);
            break;
        }
        if (rc != LCP_OK) {
            char why[96];
            if (rc == LCP_ERR_RANGE) snprintf(why, sizeof why, "enclave sent an oversized frame (over %u bytes)", LCP_FRAME_MAX);
            else snprintf(why, sizeof why, "cannot hold the enclave's frame (%s)", lcp_strerror(rc));
            rc = discard(h, why, err);
            break;
        }
        Lcp__Enclave__V1__EnclaveFrame *f = lcp__enclave__v1__enclave_frame__unpack(NULL, h->in.len, h->in.data);
        if (f == NULL) {
            rc = discard(h, "malformed frame from the enclave", err);
            break;
        }
        if (f->frame_case == LCP__ENCLAVE__V1__ENCLAVE_FRAME__FRAME_ECALL_RESPONSE) {
            *resp = f->ecall_response;
            f->ecall_response = NULL; /* detach, then free the envelope alone */
            f->frame_case = LCP__ENCLAVE__V1__ENCLAVE_FRAME__FRAME__NOT_SET;
            lcp__enclave__v1__enclave_frame__free_unpacked(f, NULL);
            rc = LCP_OK;
            break;
        }
        if (f->frame_case != LCP__ENCLAVE__V1__ENCLAVE_FRAME__FRAME_OCALL) {
            lcp__enclave__v1__enclave_frame__free_unpacked(f, NULL);
            rc = discard(h, "unexpected frame from the enclave", err);
            break;
        }
        Lcp__Enclave__V1__OcallResponse or = LCP__ENCLAVE__V1__OCALL_RESPONSE__INIT;
        scratch.len = 0;
        int orc = ocall ? ocall(ud, f->ocall, &or, &scratch) : LCP_ERR_ILLEGAL_ARG;
        if (orc != LCP_OK && or.code == 0) {
            or.code = orc;
            or.error = (char *)lcp_strerror(orc);
        }
        Lcp__Enclave__V1__HostFrame hf = LCP__ENCLAVE__V1__HOST_FRAME__INIT;
        hf.frame_case = LCP__ENCLAVE__V1__HOST_FRAME__FRAME_OCALL_RESPONSE;
        hf.ocall_response = &or;
        rc = send_frame(h, &hf, err);
        lcp__enclave__v1__enclave_frame__free_unpacked(f, NULL);
        if (rc != LCP_OK) break;
    }
    lcp_buf_free(&scratch);
    return rc;
}

int lcp_host_ecall(lcp_host_enclave *h, const Lcp__Enclave__V1__EcallRequest *req, lcp_host_ocall_fn ocall, void *ud,
                   Lcp__Enclave__V1__EcallResponse **resp, char *err)
{
    int rc = lcp_host_enclave_start(h, err);
    if (rc != LCP_OK) return rc;
    Lcp__Enclave__V1__HostFrame f = LCP__ENCLAVE__V1__HOST_FRAME__INIT;
    f.frame_case = LCP__ENCLAVE__V1__HOST_FRAME__FRAME_ECALL;
    f.ecall = (Lcp__Enclave__V1__EcallRequest *)req;
    if ((rc = send_frame(h, &f, err)) != LCP_OK) return rc;
    return await_response(h, ocall, ud, resp, err);
}

int lcp_host_enclave_raw(lcp_host_enclave *h, const uint8_t *frame, size_t len, Lcp__Enclave__V1__EcallResponse **resp,
                         char *err)
{
    int rc = lcp_host_enclave_start(h, err);
    if (rc != LCP_OK) return rc;
    if (lcp_frame_write(h->fd, frame, len) != LCP_OK) return died(h, err);
    return await_response(h, NULL, NULL, resp, err);
}
