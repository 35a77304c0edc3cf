/* IBC chained proofs: ibc.core.commitment.v1.MerkleProof {1 repeated CommitmentProof proofs}, verified as ibc-go's
 * 23-commitment does (merkle.go VerifyMembership / VerifyNonMembership / verifyChainedMembershipProof): the
 * innermost proof proves the key in its store, every next proof proves the previous store root under its store
 * name, and the outermost root must be the consensus state's app hash. Keys are taken as given bytes (ibc-rs,
 * which LCP's enclave follows, does not URL-unescape MerklePath keys). */
#include <string.h>

#include "ics23_internal.h"

typedef struct {
    lcp_ics23_proof p[LCP_ICS23_MAX_CHAIN];
    size_t n;
} chain;

static int add_proof(void *dst, const lcp_pb_field *f, char *err)
{
    chain *c = dst;
    if (c->n == LCP_ICS23_MAX_CHAIN)
        return lcp_fail(err, LCP_ERR_ICS23_LIMIT, "MerkleProof: more than %d proofs", LCP_ICS23_MAX_CHAIN);
    int rc = lcp_ics23_decode_proof(&c->p[c->n], f->bytes.ptr, f->bytes.len, err);
    if (rc != LCP_OK) return lcp_fail_ctx(err, rc, "MerkleProof");
    c->n++;
    return LCP_OK;
}

static const lcp_pb_fdesc chain_fields[] = {
    {.number = 1, .kind = LCP_PB_K_FN, .wire = LCP_PB_LEN, .flags = LCP_PB_F_REPEATED, .off = 0, .fn = add_proof},
};
static const lcp_pb_desc chain_desc = LCP_PB_DESC("MerkleProof", LCP_ERR_ICS23_DECODE, LCP_PB_CTX, chain_fields, NULL);

static int decode_chain(chain *c, const uint8_t *in, size_t in_len, char *err)
{
    c->n = 0;
    return lcp_pb_decode(&chain_desc, c, in, in_len, err);
}

/* validateVerificationArgs plus the path-length check both entry points make. */
static int check_args(const chain *c, size_t n_specs, size_t root_len, size_t n_keys, char *err)
{
    if (c->n == 0) return lcp_fail(err, LCP_ERR_ICS23_ARGS, "proof cannot be empty");
    if (root_len == 0) return lcp_fail(err, LCP_ERR_ICS23_ARGS, "root cannot be empty");
    if (n_specs != c->n)
        return lcp_fail(err, LCP_ERR_ICS23_ARGS, "length of specs: %zu not equal to length of proof: %zu", n_specs,
                        c->n);
    if (n_keys != n_specs)
        return lcp_fail(err, LCP_ERR_ICS23_ARGS, "path length %zu not same as proof %zu", n_keys, n_specs);
    return LCP_OK;
}

/* verifyChainedMembershipProof from index `from`, value being what proof `from` must prove. */
static int verify_chain(const chain *c, const lcp_ics23_spec *specs, const uint8_t *root, size_t root_len,
                        const lcp_bytes *keys, const uint8_t *value, size_t value_len, size_t from, char *err)
{
    uint8_t buf[2][LCP_ICS23_HASH_MAX];
    const uint8_t *sub = value;
    size_t sub_len = value_len;
    for (size_t i = from; i < c->n; i++) {
        const lcp_ics23_proof *p = &c->p[i];
        if (p->type != LCP_ICS23_PROOF_EXIST)
            return lcp_fail(err, LCP_ERR_ICS23_PROOF_TYPE, "chained membership proof %zu is not an existence proof",
                            i);
        /* ibc-go calculates the proof's root, then verifies the proof against it: the same hashing twice, whose
         * comparison cannot fail. One pass under the spec gives the root and every check of the verification. */
        uint8_t *out = buf[i & 1];
        size_t out_len;
        const lcp_bytes *key = &keys[c->n - 1 - i];
        int rc = ics23_exist_root(out, &out_len, &p->exist, &specs[i], key->ptr, key->len, sub, sub_len, err);
        if (rc != LCP_OK) return lcp_fail_ctx(err, rc, "chained membership proof failed");
        sub = out;
        sub_len = out_len;
    }
    if (!ics23_bytes_eq(root, root_len, sub, sub_len))
        return lcp_fail(err, LCP_ERR_ICS23_VERIFY, "proof did not commit to the expected root");
    return LCP_OK;
}

int lcp_ics23_verify_chained_membership(const lcp_ics23_spec *specs, size_t n_specs, const uint8_t *root,
                                        size_t root_len, const uint8_t *merkle_proof, size_t merkle_proof_len,
                                        const lcp_bytes *key_path, size_t n_keys, const uint8_t *value,
                                        size_t value_len, char *err)
{
    chain c;
    int rc = decode_chain(&c, merkle_proof, merkle_proof_len, err);
    if (rc != LCP_OK) return rc;
    if ((rc = check_args(&c, n_specs, root_len, n_keys, err)) != LCP_OK) return rc;
    if (value_len == 0) return lcp_fail(err, LCP_ERR_ICS23_ARGS, "empty value in membership proof");
    return verify_chain(&c, specs, root, root_len, key_path, value, value_len, 0, err);
}

int lcp_ics23_verify_chained_non_membership(const lcp_ics23_spec *specs, size_t n_specs, const uint8_t *root,
                                            size_t root_len, const uint8_t *merkle_proof, size_t merkle_proof_len,
                                            const lcp_bytes *key_path, size_t n_keys, char *err)
{
    chain c;
    int rc = decode_chain(&c, merkle_proof, merkle_proof_len, err);
    if (rc != LCP_OK) return rc;
    if ((rc = check_args(&c, n_specs, root_len, n_keys, err)) != LCP_OK) return rc;
    const lcp_ics23_proof *p0 = &c.p[0];
    if (p0->type != LCP_ICS23_PROOF_NONEXIST)
        return lcp_fail(err, LCP_ERR_ICS23_PROOF_TYPE, "non-membership proof 0 is not a non-existence proof");
    uint8_t sub[LCP_ICS23_HASH_MAX];
    size_t sub_len;
    rc = lcp_ics23_nonexist_calculate(sub, &sub_len, &p0->nonexist, err);
    if (rc != LCP_OK) return lcp_fail_ctx(err, rc, "could not calculate root for proof index 0");
    const lcp_bytes *key = &key_path[n_keys - 1];
    rc = lcp_ics23_verify_non_membership(&specs[0], sub, sub_len, p0, key->ptr, key->len, err);
    if (rc != LCP_OK) return lcp_fail_ctx(err, rc, "could not verify absence of key");
    return verify_chain(&c, specs, root, root_len, key_path, sub, sub_len, 1, err);
}
