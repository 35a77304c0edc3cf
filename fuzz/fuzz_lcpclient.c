/* libFuzzer target: the LCP client's decoders and its message entry point. The input's first byte picks the
 * message type; the rest is the message, applied to a permissionless client with an empty history. */
#include <stdlib.h>
#include <string.h>

#include "lcp/codec_pb.h"
#include "lcp/lcpclient.h"

static lcp_lc_memstore *mem;
static lcp_lc *lc;

static void setup(void)
{
    static _Alignas(max_align_t) uint8_t ctxmem[sizeof(void *) * 16384];
    if (lc) return;
    mem = lcp_lc_memstore_new();
    lcp_lc_config cfg = {0};
    cfg.store = lcp_lc_memstore_iface(mem);
    static const uint8_t root[1] = {0};
    cfg.ias_root_der = root;
    cfg.ias_root_der_len = 1;
    cfg.development_mode = 1;
    if (lcp_lc_size() > sizeof ctxmem || lcp_lc_init(&lc, ctxmem, sizeof ctxmem, &cfg) != LCP_OK) abort();
    uint8_t mr[32] = {1}, cs[256];
    lcp_lc_client_state s;
    memset(&s, 0, sizeof s);
    s.mrenclave = (lcp_bytes){mr, 32};
    s.key_expiration = 100;
    size_t n;
    if (lcp_lc_client_state_encode(cs, sizeof cs, &n, &s) != LCP_OK ||
        lcp_lc_create_client(lc, "lcp-0", cs, n, NULL, 0, NULL) != LCP_OK)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    setup();
    char err[LCP_ERR_LEN];
    lcp_lc_client_state cs;
    if (lcp_lc_client_state_decode(&cs, data, size, err) == LCP_OK) {
        uint8_t buf[LCP_LC_MAX_STATE_LEN];
        size_t n;
        (void)lcp_lc_client_state_encode(buf, sizeof buf, &n, &cs);
    }
    lcp_lc_consensus_state cons;
    (void)lcp_lc_consensus_state_decode(&cons, data, size, err);
    if (size < 1) return 0;
    static const char *types[] = {LCP_LC_TYPE_UPDATE_CLIENT, LCP_LC_TYPE_REGISTER_ENCLAVE_KEY,
                                  LCP_LC_TYPE_UPDATE_OPERATORS, LCP_LC_TYPE_ZKDCAP_REGISTER_ENCLAVE_KEY,
                                  LCP_LC_TYPE_DCAP_REGISTER_ENCLAVE_KEY};
    const char *t = types[data[0] % 5];
    uint8_t *any = malloc(size + 128);
    if (any == NULL) return 0;
    lcp_pb_writer w;
    lcp_pb_writer_init(&w, any, size + 128);
    lcp_pb_put_any(&w, t, strlen(t), data + 1, size - 1);
    (void)lcp_lc_client_message(lc, "lcp-0", any, w.len, 1700000000, err);
    lcp_height h = {1, 1};
    (void)lcp_lc_verify_membership(lc, "lcp-0", &h, (const uint8_t *)"ibc", 3, (const uint8_t *)"p", 1,
                                   (const uint8_t *)"v", 1, data, size, 1700000000, err);
    free(any);
    return 0;
}
