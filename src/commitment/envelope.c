/* CommitmentProofs = abi.encode(struct { bytes message; bytes[] signatures; }) (spec §3.5), the `proof` relayers
 * hand to the LCP client for membership verification. */
#include <string.h>

#include "lcp/commitment.h"

int lcp_commitment_proofs_decode(lcp_commitment_proofs *out, const uint8_t *in, size_t len, char *err)
{
    memset(out, 0, sizeof *out);
    lcp_abi_dec d, arr;
    lcp_abi_dec_root_tuple(&d, in, len, 2, err);
    lcp_abi_get_bytes(&d, &out->message);
    lcp_abi_open_array(&d, &arr, &out->signature_count, 1);
    out->sigs_arr = arr;
    for (size_t i = 0; i < out->signature_count && arr.rc == LCP_OK; i++) {
        lcp_bytes s;
        lcp_abi_get_bytes(&arr, &s);
    }
    lcp_abi_close(&d, &arr);
    int rc = lcp_abi_dec_finish(&d);
    return rc == LCP_OK ? LCP_OK : lcp_fail_ctx(err, rc, "CommitmentProofs");
}

int lcp_commitment_proofs_signature(const lcp_commitment_proofs *p, size_t i, lcp_bytes *sig)
{
    if (i >= p->signature_count) return LCP_ERR_RANGE;
    lcp_abi_dec arr;
    lcp_abi_dec_seek(&p->sigs_arr, &arr, i);
    arr.err = NULL;
    lcp_abi_get_bytes(&arr, sig);
    return arr.rc;
}

int lcp_commitment_proofs_encode(uint8_t *out, size_t cap, size_t *len, const uint8_t *message, size_t message_len,
                                 const lcp_bytes *sigs, size_t n)
{
    lcp_abi_enc e, arr;
    lcp_abi_enc_root_tuple(&e, out, cap, 2);
    lcp_abi_put_bytes(&e, message, message_len);
    lcp_abi_begin_array(&e, &arr, n, 1);
    for (size_t i = 0; i < n; i++) lcp_abi_put_bytes(&arr, sigs[i].ptr, sigs[i].len);
    lcp_abi_end(&e, &arr);
    return lcp_abi_enc_finish(&e, len);
}
