/* ICS-23 verification: existence and non-existence proofs (go/proof.go), the top-level membership calls and the
 * batch forms (go/ics23.go before batch support was removed). */
#include <string.h>

#include "ics23_internal.h"

#define VFAIL(...) lcp_fail(err, LCP_ERR_ICS23_VERIFY, __VA_ARGS__)

int lcp_ics23_exist_calculate(uint8_t root[LCP_ICS23_HASH_MAX], size_t *root_len, const lcp_ics23_exist *ep,
                              const lcp_ics23_spec *spec, char *err)
{
    if (!ep->has_leaf) return VFAIL("existence Proof needs defined LeafOp");
    uint8_t cur[LCP_ICS23_HASH_MAX];
    size_t cur_len;
    int rc = lcp_ics23_leaf_apply(cur, &cur_len, &ep->leaf, ep->key.ptr, ep->key.len, ep->value.ptr, ep->value.len,
                                  err);
    if (rc != LCP_OK) return lcp_fail_ctx(err, rc, "leaf");
    ics23_path_iter it;
    lcp_ics23_inner_op op;
    ics23_path_iter_init(&it, ep);
    for (size_t i = 0; i < ep->n_path; i++) {
        if (!ics23_path_iter_next(&it, &op)) return lcp_fail(err, LCP_ERR_ICS23_DECODE, "path step %zu unreadable", i);
        uint8_t next[LCP_ICS23_HASH_MAX];
        size_t next_len;
        rc = lcp_ics23_inner_apply(next, &next_len, &op, cur, cur_len, err);
        if (rc != LCP_OK) return lcp_fail_ctx(err, rc, "inner");
        /* Go's calculate(spec) refuses an intermediate hash wider than a child slot when slots hold >= 32 bytes. */
        if (spec != NULL && spec->has_inner_spec && (int64_t)next_len > spec->inner_spec.child_size &&
            spec->inner_spec.child_size >= 32)
            return VFAIL("inner, hash of %zu bytes exceeds child size %d", next_len,
                         (int)spec->inner_spec.child_size);
        memcpy(cur, next, next_len);
        cur_len = next_len;
    }
    memcpy(root, cur, cur_len);
    *root_len = cur_len;
    return LCP_OK;
}

int lcp_ics23_exist_check_spec(const lcp_ics23_exist *ep, const lcp_ics23_spec *spec, char *err)
{
    if (!ep->has_leaf) return lcp_fail(err, LCP_ERR_ICS23_SPEC, "existence Proof needs defined LeafOp");
    int rc = lcp_ics23_leaf_check_spec(&ep->leaf, spec, err);
    if (rc != LCP_OK) return lcp_fail_ctx(err, rc, "leaf");
    if (spec->min_depth > 0 && ep->n_path < (size_t)spec->min_depth)
        return lcp_fail(err, LCP_ERR_ICS23_SPEC, "innerOps depth too short: %zu", ep->n_path);
    /* A spec without max_depth still bounds the path (Go: 128), so a proof cannot be made arbitrarily deep. */
    int64_t max_depth = spec->max_depth == 0 ? 128 : spec->max_depth;
    if ((int64_t)ep->n_path > max_depth)
        return lcp_fail(err, LCP_ERR_ICS23_SPEC, "innerOps depth too long: %zu", ep->n_path);
    ics23_path_iter it;
    lcp_ics23_inner_op op;
    ics23_path_iter_init(&it, ep);
    for (size_t i = 0; i < ep->n_path; i++) {
        if (!ics23_path_iter_next(&it, &op)) return lcp_fail(err, LCP_ERR_ICS23_DECODE, "path step %zu unreadable", i);
        rc = lcp_ics23_inner_check_spec(&op, spec, (int)(i + 1), err);
        if (rc != LCP_OK) return lcp_fail_ctx(err, rc, "inner");
    }
    return LCP_OK;
}

int ics23_exist_root(uint8_t out[LCP_ICS23_HASH_MAX], size_t *out_len, const lcp_ics23_exist *ep,
                     const lcp_ics23_spec *spec, const uint8_t *key, size_t key_len, const uint8_t *value,
                     size_t value_len, char *err)
{
    int rc = lcp_ics23_exist_check_spec(ep, spec, err);
    if (rc != LCP_OK) return rc;
    if (!ics23_bytes_eq(key, key_len, ep->key.ptr, ep->key.len)) return VFAIL("provided key doesn't match proof");
    if (!ics23_bytes_eq(value, value_len, ep->value.ptr, ep->value.len))
        return VFAIL("provided value doesn't match proof");
    rc = lcp_ics23_exist_calculate(out, out_len, ep, spec, err);
    return rc == LCP_OK ? LCP_OK : lcp_fail_ctx(err, rc, "error calculating root");
}

int lcp_ics23_exist_verify(const lcp_ics23_exist *ep, const lcp_ics23_spec *spec, const uint8_t *root,
                           size_t root_len, const uint8_t *key, size_t key_len, const uint8_t *value,
                           size_t value_len, char *err)
{
    uint8_t calc[LCP_ICS23_HASH_MAX];
    size_t calc_len;
    int rc = ics23_exist_root(calc, &calc_len, ep, spec, key, key_len, value, value_len, err);
    if (rc != LCP_OK) return rc;
    if (!ics23_bytes_eq(root, root_len, calc, calc_len)) return VFAIL("calculated root doesn't match provided root");
    return LCP_OK;
}

int lcp_ics23_nonexist_calculate(uint8_t root[LCP_ICS23_HASH_MAX], size_t *root_len, const lcp_ics23_nonexist *np,
                                 char *err)
{
    if (np->has_left) return lcp_ics23_exist_calculate(root, root_len, &np->left, NULL, err);
    if (np->has_right) return lcp_ics23_exist_calculate(root, root_len, &np->right, NULL, err);
    return VFAIL("nonexistence proof has empty Left and Right proof");
}

/* IsLeftNeighbor: strip the steps both paths share at the top, then the first differing pair must be adjacent
 * branches of one node, the left path right-most below it and the right path left-most below it. Go panics where
 * the paths run out while still equal, or a step fits no branch; both are "no" here. */
static int is_left_neighbor(const lcp_ics23_inner_spec *s, const lcp_ics23_exist *left, const lcp_ics23_exist *right)
{
    if (left->n_path == 0 || right->n_path == 0) return 0;
    size_t il = left->n_path - 1, ir = right->n_path - 1;
    lcp_ics23_inner_op tl, tr;
    for (;;) {
        if (lcp_ics23_exist_path_at(&tl, left, il) != LCP_OK || lcp_ics23_exist_path_at(&tr, right, ir) != LCP_OK)
            return 0;
        if (!ics23_bytes_eq(tl.prefix.ptr, tl.prefix.len, tr.prefix.ptr, tr.prefix.len) ||
            !ics23_bytes_eq(tl.suffix.ptr, tl.suffix.len, tr.suffix.ptr, tr.suffix.len))
            break;
        if (il == 0 || ir == 0) return 0;
        il--;
        ir--;
    }
    int64_t lidx = ics23_order_from_padding(s, &tl), ridx = ics23_order_from_padding(s, &tr);
    if (lidx < 0 || ridx < 0 || ridx != lidx + 1) return 0;
    return ics23_is_right_most(s, left, il) && ics23_is_left_most(s, right, ir);
}

int lcp_ics23_nonexist_verify(const lcp_ics23_nonexist *np, const lcp_ics23_spec *spec, const uint8_t *root,
                              size_t root_len, const uint8_t *key, size_t key_len, char *err)
{
    int rc;
    if (np->has_left) {
        rc = lcp_ics23_exist_verify(&np->left, spec, root, root_len, np->left.key.ptr, np->left.key.len,
                                    np->left.value.ptr, np->left.value.len, err);
        if (rc != LCP_OK) return lcp_fail_ctx(err, rc, "left proof");
    }
    if (np->has_right) {
        rc = lcp_ics23_exist_verify(&np->right, spec, root, root_len, np->right.key.ptr, np->right.key.len,
                                    np->right.value.ptr, np->right.value.len, err);
        if (rc != LCP_OK) return lcp_fail_ctx(err, rc, "right proof");
    }
    if (!np->has_left && !np->has_right)
        return lcp_fail(err, LCP_ERR_ICS23_NONEXIST, "both left and right proofs missing");

    uint8_t kb[LCP_ICS23_HASH_MAX], sb[LCP_ICS23_HASH_MAX];
    lcp_bytes k, side;
    ics23_key_for_comparison(&k, kb, spec, key, key_len);
    if (np->has_right) {
        ics23_key_for_comparison(&side, sb, spec, np->right.key.ptr, np->right.key.len);
        if (ics23_bytes_cmp(k.ptr, k.len, side.ptr, side.len) >= 0)
            return lcp_fail(err, LCP_ERR_ICS23_NONEXIST, "key is not left of right proof");
    }
    if (np->has_left) {
        ics23_key_for_comparison(&side, sb, spec, np->left.key.ptr, np->left.key.len);
        if (ics23_bytes_cmp(k.ptr, k.len, side.ptr, side.len) <= 0)
            return lcp_fail(err, LCP_ERR_ICS23_NONEXIST, "key is not right of left proof");
    }
    const lcp_ics23_inner_spec *is = &spec->inner_spec;
    static const lcp_ics23_inner_spec none;
    if (!spec->has_inner_spec) is = &none;
    if (!np->has_left) {
        if (!ics23_is_left_most(is, &np->right, np->right.n_path))
            return lcp_fail(err, LCP_ERR_ICS23_NONEXIST, "left proof missing, right proof must be left-most");
    } else if (!np->has_right) {
        if (!ics23_is_right_most(is, &np->left, np->left.n_path))
            return lcp_fail(err, LCP_ERR_ICS23_NONEXIST, "right proof missing, left proof must be right-most");
    } else if (!is_left_neighbor(is, &np->left, &np->right)) {
        return lcp_fail(err, LCP_ERR_ICS23_NONEXIST, "left and right proofs are not neighbours");
    }
    return LCP_OK;
}

/* ---- top level ---- */

int lcp_ics23_verify_membership(const lcp_ics23_spec *spec, const uint8_t *root, size_t root_len,
                                const lcp_ics23_proof *proof, const uint8_t *key, size_t key_len,
                                const uint8_t *value, size_t value_len, char *err)
{
    if (proof->type == LCP_ICS23_PROOF_EXIST)
        return lcp_ics23_exist_verify(&proof->exist, spec, root, root_len, key, key_len, value, value_len, err);
    if (proof->type != LCP_ICS23_PROOF_BATCH && proof->type != LCP_ICS23_PROOF_COMPRESSED)
        return lcp_fail(err, LCP_ERR_ICS23_PROOF_TYPE, "membership needs an existence or batch proof");
    /* The first existence entry for key decides, as getExistProofForKey does. */
    ics23_entry_iter it;
    lcp_ics23_entry e;
    int rc;
    ics23_entry_iter_init(&it, proof);
    while ((rc = ics23_entry_iter_next(&it, &e)) == 1) {
        if (!e.is_exist || !ics23_bytes_eq(e.exist.key.ptr, e.exist.key.len, key, key_len)) continue;
        return lcp_ics23_exist_verify(&e.exist, spec, root, root_len, key, key_len, value, value_len, err);
    }
    if (rc < 0) return lcp_fail(err, rc, "batch entry unreadable");
    return VFAIL("batch holds no existence proof for the key");
}

/* isLeft && isRight of getNonExistProofForKey: the entry's sides bracket key (a missing side brackets anything). */
static int brackets(const lcp_ics23_spec *spec, const lcp_ics23_nonexist *np, const uint8_t *key, size_t key_len)
{
    uint8_t kb[LCP_ICS23_HASH_MAX], sb[LCP_ICS23_HASH_MAX];
    lcp_bytes k, side;
    ics23_key_for_comparison(&k, kb, spec, key, key_len);
    if (np->has_left) {
        ics23_key_for_comparison(&side, sb, spec, np->left.key.ptr, np->left.key.len);
        if (ics23_bytes_cmp(side.ptr, side.len, k.ptr, k.len) >= 0) return 0;
    }
    if (np->has_right) {
        ics23_key_for_comparison(&side, sb, spec, np->right.key.ptr, np->right.key.len);
        if (ics23_bytes_cmp(side.ptr, side.len, k.ptr, k.len) <= 0) return 0;
    }
    return 1;
}

int lcp_ics23_verify_non_membership(const lcp_ics23_spec *spec, const uint8_t *root, size_t root_len,
                                    const lcp_ics23_proof *proof, const uint8_t *key, size_t key_len, char *err)
{
    if (proof->type == LCP_ICS23_PROOF_NONEXIST)
        return lcp_ics23_nonexist_verify(&proof->nonexist, spec, root, root_len, key, key_len, err);
    if (proof->type != LCP_ICS23_PROOF_BATCH && proof->type != LCP_ICS23_PROOF_COMPRESSED)
        return lcp_fail(err, LCP_ERR_ICS23_PROOF_TYPE, "non-membership needs a non-existence or batch proof");
    ics23_entry_iter it;
    lcp_ics23_entry e;
    int rc;
    ics23_entry_iter_init(&it, proof);
    while ((rc = ics23_entry_iter_next(&it, &e)) == 1) {
        if (e.is_exist || !brackets(spec, &e.nonexist, key, key_len)) continue;
        return lcp_ics23_nonexist_verify(&e.nonexist, spec, root, root_len, key, key_len, err);
    }
    if (rc < 0) return lcp_fail(err, rc, "batch entry unreadable");
    return lcp_fail(err, LCP_ERR_ICS23_NONEXIST, "batch holds no non-existence proof bracketing the key");
}

int lcp_ics23_batch_verify_membership(const lcp_ics23_spec *spec, const uint8_t *root, size_t root_len,
                                      const lcp_ics23_proof *proof, const lcp_bytes *keys, const lcp_bytes *values,
                                      size_t n, char *err)
{
    for (size_t i = 0; i < n; i++) {
        int rc = lcp_ics23_verify_membership(spec, root, root_len, proof, keys[i].ptr, keys[i].len, values[i].ptr,
                                             values[i].len, err);
        if (rc != LCP_OK) return rc;
    }
    return LCP_OK;
}

int lcp_ics23_batch_verify_non_membership(const lcp_ics23_spec *spec, const uint8_t *root, size_t root_len,
                                          const lcp_ics23_proof *proof, const lcp_bytes *keys, size_t n, char *err)
{
    for (size_t i = 0; i < n; i++) {
        int rc = lcp_ics23_verify_non_membership(spec, root, root_len, proof, keys[i].ptr, keys[i].len, err);
        if (rc != LCP_OK) return rc;
    }
    return LCP_OK;
}
