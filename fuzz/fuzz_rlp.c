/* libFuzzer target for the strict RLP decoder: decode arbitrary bytes; whatever is accepted must re-encode through
 * the encoder to exactly the input (one value, one encoding), and the header reader, iterator and accessors must
 * stay inside the input on every item of the tree. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lcp/codec_rlp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void must(int cond)
{
    if (!cond) abort(); /* a canonical decode that does not round-trip is a bug worth a crash report */
}

static void ignore(int rc) { (void)rc; }

static void reencode(lcp_rlp_enc *e, const lcp_rlp_item *it, int depth)
{
    must(depth <= LCP_RLP_MAX_DEPTH);
    if (!it->is_list) {
        uint64_t u;
        uint8_t w[32];
        ignore(lcp_rlp_get_uint64(&u, it, NULL));
        ignore(lcp_rlp_get_uint256(w, it, NULL));
        lcp_rlp_put_bytes(e, it->payload.ptr, it->payload.len);
        return;
    }
    size_t m = lcp_rlp_list_begin(e), count = 0, k = 0;
    lcp_rlp_iter i;
    lcp_rlp_item sub;
    must(lcp_rlp_iter_init(&i, it, NULL) == LCP_OK);
    must(lcp_rlp_list_count(&count, it, NULL) == LCP_OK);
    int rc;
    while ((rc = lcp_rlp_iter_next(&i, &sub, NULL)) == 1) {
        must(sub.raw.ptr >= it->payload.ptr && sub.raw.ptr + sub.raw.len <= it->payload.ptr + it->payload.len);
        reencode(e, &sub, depth + 1);
        k++;
    }
    must(rc == 0 && k == count);
    lcp_rlp_list_end(e, m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    lcp_rlp_item it;
    size_t used;
    if (lcp_rlp_decode_item(&it, &used, data, size, NULL) == LCP_OK) must(used <= size && used == it.raw.len);
    if (lcp_rlp_decode(&it, data, size, NULL) != LCP_OK) return 0;
    must(it.raw.len == size);
    uint8_t *out = malloc(size ? size : 1);
    if (out == NULL) return 0;
    lcp_rlp_enc e;
    lcp_rlp_enc_init(&e, out, size);
    reencode(&e, &it, 1);
    size_t n;
    must(lcp_rlp_enc_finish(&e, &n) == LCP_OK && n == size && memcmp(out, data, size) == 0);
    free(out);
    return 0;
}
