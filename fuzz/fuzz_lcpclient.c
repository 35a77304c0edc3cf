/* libFuzzer target: the LCP client's decoders and its message entry point. The input's first byte picks the
 * message type; the rest is the message, applied to a permissionless client. One more type makes the rest a proxy
 * message that the harness signs with an enclave key registered in the client, so that fuzzing goes past the
 * signature check into UpdateState and Misbehaviour (contexts, heights, state ids, freezing); the client's
 * history persists between inputs. */
#include <stdlib.h>
#include <string.h>

#include "lcp/codec_pb.h"
#include "lcp/crypto.h"
#include "lcp/lcpclient.h"
#include "lcpclient/lc_internal.h"

static lcp_lc_memstore *mem;
static lcp_lc *lc;
static const uint8_t SECKEY[LCP_SECKEY_LEN] = {0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88}; /* the fuzzing key */

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
    /* The fuzzing key, registered as an attestation would have done it, valid far beyond the fuzzing clock. */
    uint8_t pub[LCP_PUBKEY_LEN], addr[20];
    lcp_lc_enclave_key info;
    memset(&info, 0, sizeof info);
    info.expired_at = 4000000000u;
    if (lcp_secp256k1_pubkey(pub, SECKEY) != LCP_OK || lcp_secp256k1_address(addr, pub, sizeof pub) != LCP_OK ||
        lc_store_key(lc, "lcp-0", addr, &info, NULL) != LCP_OK)
        abort();
}

/* An UpdateClientMessage carrying proxy, signed with the fuzzing key. */
static void signed_update(const uint8_t *proxy, size_t len)
{
    uint8_t digest[32], sig[LCP_SIGNATURE_LEN];
    lcp_keccak256(digest, proxy, len);
    if (lcp_secp256k1_sign(sig, SECKEY, digest) != LCP_OK) abort();
    lcp_bytes sigs[1] = {{sig, sizeof sig}};
    size_t n = 0;
    if (lcp_lc_encode_update_client(NULL, 0, &n, proxy, len, sigs, 1) != LCP_OK) return;
    uint8_t *msg = malloc(n), *any = malloc(n + 128);
    lcp_pb_writer w;
    if (msg && any && lcp_lc_encode_update_client(msg, n, &n, proxy, len, sigs, 1) == LCP_OK) {
        lcp_pb_writer_init(&w, any, n + 128);
        lcp_pb_put_any(&w, LCP_LC_TYPE_UPDATE_CLIENT, strlen(LCP_LC_TYPE_UPDATE_CLIENT), msg, n);
        char err[LCP_ERR_LEN];
        (void)lcp_lc_client_message(lc, "lcp-0", any, w.len, 1700000000, err);
    }
    free(msg);
    free(any);
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
    if (data[0] % 6 == 5) {
        signed_update(data + 1, size - 1);
        return 0;
    }
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
