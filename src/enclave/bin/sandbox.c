/* The enclave process's sandbox (DESIGN.md, "The enclave boundary"): no core dumps and no ptrace, memory locked,
 * and a seccomp filter that allows reading and writing the already-open socket (and writing stderr, for logs), memory
 * management, time,
 * randomness, threads and exiting - nothing that opens, connects or executes. Under Gramine the same binary runs
 * in a real enclave; there this is defence in depth, in sim it is the only isolation there is. */
#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/prctl.h>

#include "sandbox.h"

static const int ALLOWED[] = {
    SCMP_SYS(close),
    SCMP_SYS(exit), SCMP_SYS(exit_group), SCMP_SYS(brk), SCMP_SYS(mmap), SCMP_SYS(munmap), SCMP_SYS(mremap),
    SCMP_SYS(madvise), SCMP_SYS(mprotect), SCMP_SYS(futex), SCMP_SYS(clock_gettime), SCMP_SYS(clock_nanosleep),
    SCMP_SYS(nanosleep), SCMP_SYS(getrandom), SCMP_SYS(rt_sigreturn), SCMP_SYS(rt_sigprocmask),
    SCMP_SYS(rt_sigaction), SCMP_SYS(sigaltstack), SCMP_SYS(gettid), SCMP_SYS(getpid), SCMP_SYS(tgkill),
    SCMP_SYS(sched_yield), SCMP_SYS(set_robust_list), SCMP_SYS(rseq), SCMP_SYS(clone), SCMP_SYS(clone3),
    SCMP_SYS(fstat), SCMP_SYS(newfstatat), SCMP_SYS(lseek),
};

/* "argument 0 == v", written out: libseccomp's SCMP_A0 leaves datum_b to the compiler, which clang's
 * -Wmissing-field-initializers (in -Wextra) refuses. */
static struct scmp_arg_cmp arg0_eq(scmp_datum_t v)
{
    struct scmp_arg_cmp c = {.arg = 0, .op = SCMP_CMP_EQ, .datum_a = v, .datum_b = 0};
    return c;
}

/* I/O on the socket only (and logs to stderr): a descriptor inherited by mistake is of no use to the enclave. */
static int allow_io(scmp_filter_ctx ctx, int fd)
{
    static const int READS[] = {SCMP_SYS(read), SCMP_SYS(readv)}, WRITES[] = {SCMP_SYS(write), SCMP_SYS(writev)};
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < 2; i++) {
        rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, READS[i], 1, arg0_eq((scmp_datum_t)fd));
        if (rc == 0) rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, WRITES[i], 1, arg0_eq((scmp_datum_t)fd));
        if (rc == 0) rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, WRITES[i], 1, arg0_eq(2));
    }
    return rc;
}

/* gramine: open an existing pseudo-file exactly as src/tee/gramine.c does (read-only or write-only, close-on-exec;
 * no O_CREAT, so nothing new appears), and I/O on the descriptors that gives. */
static int allow_gramine_files(scmp_filter_ctx ctx)
{
    static const int IO[] = {SCMP_SYS(read), SCMP_SYS(write)};
    static const scmp_datum_t FLAGS[] = {O_RDONLY | O_CLOEXEC, O_WRONLY | O_CLOEXEC};
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < 2; i++) {
        struct scmp_arg_cmp c = {.arg = 2, .op = SCMP_CMP_EQ, .datum_a = FLAGS[i], .datum_b = 0};
        rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(openat), 1, c);
    }
    for (size_t i = 0; rc == 0 && i < 2; i++) rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, IO[i], 0);
    return rc;
}

static int sandbox(int fd, int gramine, char *err)
{
    /* Not dumpable: no core files with the unsealed key in them, and no ptrace by the host's uid. */
    if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0) return lcp_fail(err, LCP_ERR_IO, "PR_SET_DUMPABLE failed");
#ifndef __SANITIZE_ADDRESS__
    /* Keep secrets out of swap. ASan reserves terabytes of shadow address space, which cannot be locked. */
    if (mlockall(MCL_CURRENT | MCL_FUTURE) != 0)
        fprintf(stderr, "lcp-enclave: warning: mlockall failed (errno %d): enclave memory may be swapped\n", errno);
#endif
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ERRNO(EPERM));
    if (ctx == NULL) return lcp_fail(err, LCP_ERR_IO, "seccomp_init failed");
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < sizeof ALLOWED / sizeof ALLOWED[0]; i++)
        rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, ALLOWED[i], 0);
    if (rc == 0) rc = allow_io(ctx, fd);
    if (rc == 0 && gramine) rc = allow_gramine_files(ctx);
    /* prctl only to read the sandbox state back (the diagnostic command), never to change it. */
    if (rc == 0) rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(prctl), 1, arg0_eq(PR_GET_SECCOMP));
    if (rc == 0) rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(prctl), 1, arg0_eq(PR_GET_DUMPABLE));
    if (rc == 0) rc = seccomp_load(ctx);
    seccomp_release(ctx);
    return rc == 0 ? LCP_OK : lcp_fail(err, LCP_ERR_IO, "seccomp filter failed to load (%d)", rc);
}

int lcp_enclave_sandbox(int fd, int gramine, char *err)
{
    int rc = sandbox(fd, gramine, err);
    if (rc != LCP_OK && gramine) {
        fprintf(stderr, "lcp-enclave: warning: sandbox not installed under Gramine (%s); the SGX enclave isolates\n", err);
        return LCP_OK;
    }
    return rc;
}
