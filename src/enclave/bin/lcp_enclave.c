/* lcp-enclave: the trusted program as a process. The host starts it with one end of a socketpair as --fd; it opens
 * its TEE (measuring itself), locks itself down, then serves ECALL frames until the host closes the socket.
 * Everything it does after that arrives in a frame; everything it needs from outside is an OCALL.
 * Compiled a second time with LCP_TEST_ENCLAVE into lcp-enclave-test, which adds test_enclave.h (the mock light
 * client, the sandbox diagnostic): another binary, so another MRENCLAVE, and it says so in EnclaveInfo. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lcp/codec_pb.h"
#include "lcp/codec_protobuf.h"
#include "lcp/enclave.h"
#include "proto/lcp_enclave.pb-c.h"
#include "sandbox.h"
#ifdef LCP_TEST_ENCLAVE
#include "test_enclave.h"
#define PROGRAM "lcp-enclave-test"
#else
#define PROGRAM "lcp-enclave"
#endif

#ifndef LCP_ENCLAVE_ISV_PROD_ID
#define LCP_ENCLAVE_ISV_PROD_ID 0
#endif
#ifndef LCP_ENCLAVE_ISV_SVN
#define LCP_ENCLAVE_ISV_SVN 0
#endif
#ifndef LCP_ENCLAVE_DEBUG
#define LCP_ENCLAVE_DEBUG 1
#endif


typedef struct {
    int fd;
    lcp_buf in;
} conn;

/* An OCALL: send EnclaveFrame{ocall}, wait for HostFrame{ocall_response}. */
static int do_ocall(void *ud, const uint8_t *req, size_t len, lcp_buf *resp, char *err)
{
    conn *c = ud;
    Lcp__Enclave__V1__EnclaveFrame f = LCP__ENCLAVE__V1__ENCLAVE_FRAME__INIT;
    Lcp__Enclave__V1__OcallRequest *r = lcp__enclave__v1__ocall_request__unpack(lcp_pb_allocator(), len, req);
    if (r == NULL) return lcp_fail(err, LCP_ERR_PROTO, "cannot re-read our own OCALL");
    f.frame_case = LCP__ENCLAVE__V1__ENCLAVE_FRAME__FRAME_OCALL;
    f.ocall = r;
    lcp_buf out = {0};
    int rc = lcp_buf_reserve(&out, lcp__enclave__v1__enclave_frame__get_packed_size(&f));
    if (rc == LCP_OK) {
        out.len = lcp__enclave__v1__enclave_frame__pack(&f, out.data);
        rc = lcp_frame_write(c->fd, out.data, out.len);
    }
    lcp__enclave__v1__ocall_request__free_unpacked(r, lcp_pb_allocator());
    lcp_buf_free(&out);
    if (rc != LCP_OK) return lcp_fail(err, rc, "host went away during an OCALL");
    size_t over;
    if ((rc = lcp_frame_read(c->fd, &c->in, LCP_ENCLAVE_MAX_FRAME, &over)) != LCP_OK)
        return lcp_fail(err, rc, "no OCALL response from the host");
    Lcp__Enclave__V1__HostFrame *h = lcp__enclave__v1__host_frame__unpack(lcp_pb_allocator(), c->in.len, c->in.data);
    if (h == NULL || h->frame_case != LCP__ENCLAVE__V1__HOST_FRAME__FRAME_OCALL_RESPONSE) {
        if (h) lcp__enclave__v1__host_frame__free_unpacked(h, lcp_pb_allocator());
        return lcp_fail(err, LCP_ERR_PROTO, "expected an OCALL response from the host");
    }
    resp->len = 0;
    size_t n = lcp__enclave__v1__ocall_response__get_packed_size(h->ocall_response);
    rc = lcp_buf_reserve(resp, n);
    if (rc == LCP_OK) resp->len = lcp__enclave__v1__ocall_response__pack(h->ocall_response, resp->data);
    lcp__enclave__v1__host_frame__free_unpacked(h, lcp_pb_allocator());
    return rc;
}

/* Sends an error response for a frame that was not a usable ECALL. */
static int send_error(int fd, int code, const char *msg)
{
    Lcp__Enclave__V1__EcallResponse r = LCP__ENCLAVE__V1__ECALL_RESPONSE__INIT;
    Lcp__Enclave__V1__EnclaveFrame f = LCP__ENCLAVE__V1__ENCLAVE_FRAME__INIT;
    r.code = code;
    r.error = (char *)msg;
    f.frame_case = LCP__ENCLAVE__V1__ENCLAVE_FRAME__FRAME_ECALL_RESPONSE;
    f.ecall_response = &r;
    uint8_t buf[1024];
    if (lcp__enclave__v1__enclave_frame__get_packed_size(&f) > sizeof buf) return LCP_ERR_RANGE;
    size_t n = lcp__enclave__v1__enclave_frame__pack(&f, buf);
    return lcp_frame_write(fd, buf, n);
}

/* Wraps a packed EcallResponse into an EnclaveFrame without unpacking it: field 1, length-delimited. */
static int send_response(int fd, const lcp_buf *resp)
{
    uint8_t head[11];
    size_t h = 0;
    head[h++] = 0x0a;
    uint64_t n = resp->len;
    do {
        head[h] = (uint8_t)(n & 0x7f);
        n >>= 7;
        if (n) head[h] |= 0x80;
        h++;
    } while (n);
    lcp_buf f = {0};
    int rc = lcp_buf_append(&f, head, h);
    if (rc == LCP_OK) rc = lcp_buf_append(&f, resp->data, resp->len);
    if (rc == LCP_OK) rc = lcp_frame_write(fd, f.data, f.len);
    lcp_buf_free(&f);
    return rc;
}

static int serve(lcp_enclave *e, conn *c)
{
    lcp_buf resp = {0};
    for (;;) {
        size_t over;
        int rc = lcp_frame_read(c->fd, &c->in, LCP_ENCLAVE_MAX_FRAME, &over);
        if (rc == LCP_ERR_IO) break; /* the host closed the socket: done */
        if (rc == LCP_ERR_RANGE || rc == LCP_ERR_NOMEM) {
            /* Refused and drained: the process goes on serving (locked memory makes NOMEM likely well below the
             * cap for a non-root enclave). */
            char msg[128];
            if (rc == LCP_ERR_RANGE)
                snprintf(msg, sizeof msg, "frame of %zu bytes exceeds the %u-byte limit", over, LCP_ENCLAVE_MAX_FRAME);
            else snprintf(msg, sizeof msg, "frame of %zu bytes does not fit the enclave's memory", over);
            if (send_error(c->fd, rc, msg) != LCP_OK) break;
            continue;
        }
        if (rc != LCP_OK) break;
        /* HostFrame{1: ecall} carries the EcallRequest bytes as they are: hand them over without an unpack and
         * re-pack (it halves the fixed cost of an ECALL). Anything else in the frame is a malformed ECALL. */
        lcp_pb_reader r;
        lcp_pb_field f;
        lcp_bytes req = {NULL, 0};
        int nfields = 0;
        lcp_pb_reader_init(&r, c->in.data, c->in.len);
        while ((rc = lcp_pb_next(&r, &f, NULL)) == 1) {
            nfields++;
            if (f.number == 1 && f.wire_type == LCP_PB_LEN) req = f.bytes;
        }
        if (rc < 0 || nfields != 1 || req.ptr == NULL) {
            if (send_error(c->fd, LCP_ERR_PROTO, "malformed frame: expected an ECALL") != LCP_OK) break;
            continue;
        }
#ifdef LCP_TEST_ENCLAVE
        rc = lcp_test_enclave_ecall(req.ptr, req.len, &resp);
        if (rc == 0) rc = lcp_enclave_ecall(e, req.ptr, req.len, &resp);
        else if (rc == 1) rc = LCP_OK;
#else
        rc = lcp_enclave_ecall(e, req.ptr, req.len, &resp);
#endif
        if (rc != LCP_OK) rc = send_error(c->fd, rc, "enclave out of memory");
        else rc = send_response(c->fd, &resp);
        if (rc != LCP_OK) break;
    }
    lcp_buf_free(&resp);
    return 0;
}

static void usage(void)
{
    fprintf(stderr, "usage: " PROGRAM " --fd N [--sim_platform DIR] [--backend sim|gramine] [--gramine_dir DIR]\n"
                    "The trusted half of lcp-c. It is started by the lcp host over a socketpair; running it by hand\n"
                    "is only useful for `" PROGRAM " --measure` (prints MRENCLAVE of this binary). --gramine_dir names\n"
                    "an imitation of /dev/attestation for tests (under Gramine the manifest fixes argv).\n");
#ifdef LCP_TEST_ENCLAVE
    fprintf(stderr, "This is the TEST enclave: it runs the mock light client, which verifies nothing. Never register\n"
                    "its MRENCLAVE with an LCP client.\n");
#endif
}

int main(int argc, char **argv)
{
    int fd = -1, measure = 0;
    const char *platform = NULL, *backend = "sim", *gramine_dir = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--fd") == 0 && i + 1 < argc) fd = atoi(argv[++i]);
        else if (strcmp(argv[i], "--sim_platform") == 0 && i + 1 < argc) platform = argv[++i];
        else if (strcmp(argv[i], "--backend") == 0 && i + 1 < argc) backend = argv[++i];
        else if (strcmp(argv[i], "--gramine_dir") == 0 && i + 1 < argc) gramine_dir = argv[++i];
        else if (strcmp(argv[i], "--measure") == 0) measure = 1;
        else {
            usage();
            return 2;
        }
    }
    if (fd < 0 && !measure) {
        usage();
        return 2;
    }
    char err[LCP_ERR_LEN] = "";
    lcp_tee_options opt = {0};
    opt.backend = backend;
    opt.sim_platform = platform;
    opt.gramine_dir = gramine_dir; /* NULL: /dev/attestation. Gramine's manifest fixes argv, so only tests set it */
    opt.isv_prod_id = LCP_ENCLAVE_ISV_PROD_ID;
    opt.isv_svn = LCP_ENCLAVE_ISV_SVN;
    opt.debug = LCP_ENCLAVE_DEBUG;
    lcp_tee *tee = NULL;
    if (lcp_tee_open(&tee, &opt, err) != LCP_OK) {
        if (fd >= 0) send_error(fd, LCP_ERR_TEE, err);
        fprintf(stderr, PROGRAM ": %s\n", err);
        return 1;
    }
    if (measure) {
        lcp_tee_identity id;
        char hex[65];
        if (lcp_tee_identity_get(tee, &id) != LCP_OK) return 1;
        lcp_hex_encode(hex, sizeof hex, id.mrenclave, 32);
        printf("%s\n", hex);
        lcp_tee_close(tee);
        return 0;
    }
    if (lcp_enclave_sandbox(fd, strcmp(backend, "gramine") == 0, err) != LCP_OK) {
        send_error(fd, LCP_ERR_TEE, err);
        fprintf(stderr, PROGRAM ": %s\n", err);
        return 1;
    }
    conn c = {fd, {0}};
    lcp_enclave *e;
    if (lcp_enclave_new(&e, tee, do_ocall, &c, err) != LCP_OK) return 1;
#ifdef LCP_TEST_ENCLAVE
    lcp_test_enclave_setup(e);
#endif
    serve(e, &c);
    lcp_enclave_free(e);
    lcp_buf_free(&c.in);
    lcp_tee_close(tee);
    /* _exit, not return: exit-time handlers would run inside the sandbox, and LeakSanitizer's (in ASan builds)
     * stops the world with ptrace, which the filter refuses - it would spin forever. The enclave's code is
     * leak-checked in-process by tests/enclave/test_core instead. */
    fflush(NULL);
    _exit(0);
}
