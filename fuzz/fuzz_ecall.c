/* libFuzzer target: the enclave's trusted surface. The host is untrusted, so both what it sends (ECALL requests)
 * and what it answers (OCALL responses) are hostile bytes. Mode 0: the input is an EcallRequest. Mode 1: a fixed
 * mock-client update whose every OCALL response is cut from the input. The enclave must answer every request
 * with a well-formed EcallResponse and never crash. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lcp/enclave.h"
#include "lcp/tee_sim.h"
#include "proto/lcp_enclave.pb-c.h"
#include "enclave/bin/test_enclave.h"

static lcp_tee *tee;
static const uint8_t *feed;
static size_t feed_len;

/* Mode 1's OCALL handler: each response is the next length-prefixed (1 byte) chunk of the input. */
static int ocall(void *ud, const uint8_t *req, size_t len, lcp_buf *resp, char *err)
{
    (void)ud, (void)req, (void)len, (void)err;
    if (feed_len == 0) return LCP_ERR_IO;
    size_t n = feed[0];
    if (n > feed_len - 1) n = feed_len - 1;
    resp->len = 0;
    int rc = lcp_buf_append(resp, feed + 1, n);
    feed += 1 + n;
    feed_len -= 1 + n;
    return rc;
}

static void setup(void)
{
    if (tee) return;
    char dir[] = "/tmp/lcp-fuzz-ecall-XXXXXX", plat[64], err[LCP_ERR_LEN];
    if (!mkdtemp(dir)) abort();
    snprintf(plat, sizeof plat, "%s/p", dir);
    lcp_tee_identity id;
    memset(&id, 0, sizeof id);
    memset(id.mrenclave, 1, 32);
    id.flags = LCP_SGX_FLAGS_INIT | LCP_SGX_FLAGS_DEBUG;
    lcp_tee_options o = {0};
    o.backend = "sim";
    o.sim_platform = plat;
    o.identity = &id;
    if (lcp_tee_sim_init(NULL, plat, 0, err) != LCP_OK || lcp_tee_open(&tee, &o, err) != LCP_OK) abort();
}

static void check(const lcp_buf *out)
{
    Lcp__Enclave__V1__EcallResponse *r = lcp__enclave__v1__ecall_response__unpack(NULL, out->len, out->data);
    if (r == NULL) abort(); /* the enclave must always produce a parsable response */
    lcp__enclave__v1__ecall_response__free_unpacked(r, NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    setup();
    if (size < 1) return 0;
    lcp_enclave *e;
    if (lcp_enclave_new(&e, tee, ocall, NULL, NULL) != LCP_OK) return 0;
    lcp_test_enclave_setup(e); /* the mock light client */
    lcp_buf out = {0};
    if (data[0] & 1) {
        Lcp__Enclave__V1__EcallRequest req = LCP__ENCLAVE__V1__ECALL_REQUEST__INIT;
        Lcp__Enclave__V1__UpdateClient uc = LCP__ENCLAVE__V1__UPDATE_CLIENT__INIT;
        Lcp__Enclave__V1__Any h = LCP__ENCLAVE__V1__ANY__INIT;
        static uint8_t hv[] = {0x0a, 0x02, 0x10, 0x02, 0x10, 0x02}, signer[20];
        h.type_url = "/ibc.mock.Header";
        h.value.data = hv;
        h.value.len = sizeof hv;
        uc.client_id = "mock-client-0";
        uc.header = &h;
        uc.signer.data = signer;
        uc.signer.len = 20;
        req.command_case = LCP__ENCLAVE__V1__ECALL_REQUEST__COMMAND_UPDATE_CLIENT;
        req.update_client = &uc;
        uint8_t buf[512];
        size_t n = lcp__enclave__v1__ecall_request__pack(&req, buf);
        feed = data + 1;
        feed_len = size - 1;
        if (lcp_enclave_ecall(e, buf, n, &out) == LCP_OK) check(&out);
    } else {
        feed = NULL;
        feed_len = 0;
        if (lcp_enclave_ecall(e, data + 1, size - 1, &out) == LCP_OK) check(&out);
    }
    lcp_buf_free(&out);
    lcp_enclave_free(e);
    return 0;
}
