/* libFuzzer target for ICS-23: arbitrary bytes as a CommitmentProof, an IBC MerkleProof and a ProofSpec, through
 * decoding and every verification path (exist, nonexist, batch and compressed entries, chained proofs), under all
 * three standard specs and the decoded one. Checks that decoded views stay inside the input and that a proof
 * verifies against the root it commits to exactly when its spec checks and its hashing under the spec pass. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lcp/elc_ics23.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t *g_data;
static size_t g_size;

static void inside(lcp_bytes b)
{
    if (b.len && (b.ptr < g_data || b.ptr + b.len > g_data + g_size)) abort();
}

static void exercise_exist(const lcp_ics23_exist *ep, const lcp_ics23_spec *spec)
{
    inside(ep->key);
    inside(ep->value);
    inside(ep->leaf.prefix);
    uint8_t root[LCP_ICS23_HASH_MAX];
    size_t root_len;
    for (size_t i = 0; i < ep->n_path && i < 4; i++) {
        lcp_ics23_inner_op op;
        if (lcp_ics23_exist_path_at(&op, ep, i) != LCP_OK) abort(); /* a decoded proof's path is readable */
        inside(op.prefix);
        inside(op.suffix);
    }
    if (lcp_ics23_exist_calculate(root, &root_len, ep, NULL, NULL) != LCP_OK) return;
    if (root_len > LCP_ICS23_HASH_MAX) abort();
    /* Against the root it commits to, a proof verifies exactly when it meets the spec and its hashing under the
     * spec succeeds; and that root is the one computed without the spec. */
    uint8_t spec_root[LCP_ICS23_HASH_MAX];
    size_t spec_root_len = 0;
    int spec_ok = lcp_ics23_exist_check_spec(ep, spec, NULL) == LCP_OK;
    int calc_ok = lcp_ics23_exist_calculate(spec_root, &spec_root_len, ep, spec, NULL) == LCP_OK;
    int ok = lcp_ics23_exist_verify(ep, spec, root, root_len, ep->key.ptr, ep->key.len, ep->value.ptr, ep->value.len,
                                    NULL) == LCP_OK;
    if (ok != (spec_ok && calc_ok)) abort();
    if (calc_ok && (spec_root_len != root_len || memcmp(spec_root, root, root_len) != 0)) abort();
}

static void exercise_nonexist(const lcp_ics23_nonexist *np, const lcp_ics23_spec *spec)
{
    inside(np->key);
    if (np->has_left) exercise_exist(&np->left, spec);
    if (np->has_right) exercise_exist(&np->right, spec);
    uint8_t root[LCP_ICS23_HASH_MAX];
    size_t root_len;
    if (lcp_ics23_nonexist_calculate(root, &root_len, np, NULL) == LCP_OK)
        (void)!lcp_ics23_nonexist_verify(np, spec, root, root_len, np->key.ptr, np->key.len, NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_data = data;
    g_size = size;
    const lcp_ics23_spec *specs[4] = {lcp_ics23_spec_iavl(), lcp_ics23_spec_tendermint(), lcp_ics23_spec_smt(), NULL};
    lcp_ics23_spec decoded;
    if (lcp_ics23_decode_spec(&decoded, data, size, NULL) == LCP_OK) {
        inside(decoded.leaf_spec.prefix);
        inside(decoded.inner_spec.empty_child);
        if (decoded.inner_spec.n_child_order > LCP_ICS23_MAX_CHILD_ORDER) abort();
        specs[3] = &decoded;
    }
    static const uint8_t root[32] = {1, 2, 3};
    static const uint8_t key[] = "key", value[] = "value";
    lcp_ics23_proof p;
    if (lcp_ics23_decode_proof(&p, data, size, NULL) == LCP_OK) {
        for (int s = 0; s < 4 && specs[s]; s++) {
            const lcp_ics23_spec *spec = specs[s];
            if (lcp_ics23_verify_membership(spec, root, sizeof root, &p, key, 3, value, 5, NULL) == LCP_OK) abort();
            (void)!lcp_ics23_verify_non_membership(spec, root, sizeof root, &p, key, 3, NULL);
            if (p.type == LCP_ICS23_PROOF_EXIST) exercise_exist(&p.exist, spec);
            else if (p.type == LCP_ICS23_PROOF_NONEXIST) exercise_nonexist(&p.nonexist, spec);
            else {
                for (size_t i = 0; i < p.n_entries && i < 8; i++) {
                    lcp_ics23_entry e;
                    if (lcp_ics23_proof_entry_at(&e, &p, i) != LCP_OK) abort();
                    if (e.is_exist) exercise_exist(&e.exist, spec);
                    else exercise_nonexist(&e.nonexist, spec);
                }
            }
        }
    }
    /* the same bytes as an IBC MerkleProof [store, multistore] */
    lcp_ics23_spec chain_specs[2] = {*lcp_ics23_spec_iavl(), *lcp_ics23_spec_tendermint()};
    lcp_bytes path[2] = {{(const uint8_t *)"ibc", 3}, {key, 3}};
    if (lcp_ics23_verify_chained_membership(chain_specs, 2, root, sizeof root, data, size, path, 2, value, 5, NULL) ==
        LCP_OK)
        abort(); /* the fixed root is no hash output anyone can hit */
    (void)!lcp_ics23_verify_chained_non_membership(chain_specs, 2, root, sizeof root, data, size, path, 2, NULL);
    return 0;
}
