/* ICS23 proofs from cosmos/ics23's testdata (iavl, tendermint, smt; single and compressed batch): every vector
 * verifies under its spec; the same proof fails under another spec, for another tree's key, with a flipped root, key
 * or value byte; and no single-byte mutation of a proof verifies for the original key, value and root. */
#include "test_ics23_util.h"

#include <stdio.h>
#include <stdlib.h>

static const char *trees[] = {"iavl", "tendermint", "smt"};
static const char *sides[] = {"left", "middle", "right"};

typedef struct {
    tbuf root, proof, key, value;
    int exist;
} vec;

static int key_cmp(const lcp_bytes *a, const lcp_bytes *b)
{
    size_t m = a->len < b->len ? a->len : b->len;
    int c = memcmp(a->ptr, b->ptr, m);
    return c ? c : (a->len > b->len) - (a->len < b->len);
}

static int ics23_same(const lcp_ics23_exist *a, const lcp_ics23_exist *b)
{
    return a->key.len == b->key.len && memcmp(a->key.ptr, b->key.ptr, a->key.len) == 0;
}

static vec load(const char *tree, const char *kind, const char *side)
{
    char rel[128];
    snprintf(rel, sizeof rel, "ics23/%s/%s_%s.json", tree, kind, side);
    cJSON *j = tu_json(rel);
    vec v;
    v.root = t_hex_field(j, "root");
    v.proof = t_hex_field(j, "proof");
    v.key = t_hex_field(j, "key");
    v.value = t_hex_field(j, "value");
    v.exist = v.value.n > 0;
    cJSON_Delete(j);
    return v;
}

static void vec_free(vec *v)
{
    tbuf_free(&v->root);
    tbuf_free(&v->proof);
    tbuf_free(&v->key);
    tbuf_free(&v->value);
}

/* Decodes proof bytes and verifies v's key (and value) against root. */
static int verify(const lcp_ics23_spec *spec, const uint8_t *proof, size_t proof_len, const vec *v,
                  const uint8_t *root, size_t root_len, char *err)
{
    lcp_ics23_proof p;
    int rc = lcp_ics23_decode_proof(&p, proof, proof_len, err);
    if (rc != LCP_OK) return rc;
    if (v->exist)
        return lcp_ics23_verify_membership(spec, root, root_len, &p, v->key.p, v->key.n, v->value.p, v->value.n,
                                           err);
    return lcp_ics23_verify_non_membership(spec, root, root_len, &p, v->key.p, v->key.n, err);
}

static void test_single_vectors(void **state)
{
    (void)state;
    int n = 0;
    for (size_t t = 0; t < 3; t++)
        for (int k = 0; k < 2; k++)
            for (size_t s = 0; s < 3; s++) {
                vec v = load(trees[t], k ? "nonexist" : "exist", sides[s]);
                const lcp_ics23_spec *spec = t_spec_for(trees[t]);
                char err[LCP_ERR_LEN] = "";
                int rc = verify(spec, v.proof.p, v.proof.n, &v, v.root.p, v.root.n, err);
                if (rc != LCP_OK) fail_msg("%s %s %s: %s", trees[t], k ? "nonexist" : "exist", sides[s], err);
                /* the proof type matches the vector kind */
                lcp_ics23_proof p;
                assert_int_equal(lcp_ics23_decode_proof(&p, v.proof.p, v.proof.n, NULL), LCP_OK);
                assert_int_equal(p.type, v.exist ? LCP_ICS23_PROOF_EXIST : LCP_ICS23_PROOF_NONEXIST);
                if (!v.exist) {
                    /* nonexist_left has only a right neighbour, _right only a left one, _middle both */
                    assert_int_equal(p.nonexist.has_left, s != 0);
                    assert_int_equal(p.nonexist.has_right, s != 2);
                    /* membership of a key the proof excludes must fail, and vice versa */
                    assert_int_not_equal(lcp_ics23_verify_membership(spec, v.root.p, v.root.n, &p, v.key.p, v.key.n,
                                                                     (const uint8_t *)"x", 1, NULL),
                                         LCP_OK);
                } else {
                    assert_int_equal(lcp_ics23_verify_non_membership(spec, v.root.p, v.root.n, &p, v.key.p, v.key.n,
                                                                     NULL),
                                     LCP_ERR_ICS23_PROOF_TYPE);
                }
                /* every other spec rejects (upstream negative: iavl proofs under TendermintSpec and back) */
                for (size_t o = 0; o < 3; o++) {
                    if (o == t) continue;
                    assert_int_not_equal(verify(t_spec_for(trees[o]), v.proof.p, v.proof.n, &v, v.root.p, v.root.n,
                                                NULL),
                                         LCP_OK);
                }
                /* flipped root, key or value bytes */
                for (size_t i = 0; i < v.root.n; i++) {
                    v.root.p[i] ^= 0x01;
                    assert_int_not_equal(verify(spec, v.proof.p, v.proof.n, &v, v.root.p, v.root.n, NULL), LCP_OK);
                    v.root.p[i] ^= 0x01;
                }
                for (size_t i = 0; i < v.key.n; i++) {
                    v.key.p[i] ^= 0x20;
                    /* a changed key may still be absent: only existence must fail; for non-existence, a key
                     * outside the bracket must fail (checked below with the other trees' keys) */
                    if (v.exist)
                        assert_int_not_equal(verify(spec, v.proof.p, v.proof.n, &v, v.root.p, v.root.n, NULL),
                                             LCP_OK);
                    v.key.p[i] ^= 0x20;
                }
                for (size_t i = 0; i < v.value.n; i++) {
                    v.value.p[i] ^= 0x01;
                    assert_int_not_equal(verify(spec, v.proof.p, v.proof.n, &v, v.root.p, v.root.n, NULL), LCP_OK);
                    v.value.p[i] ^= 0x01;
                }
                vec_free(&v);
                n++;
            }
    assert_int_equal(n, 18);
}

/* A non-existence proof must not exclude the keys of its own neighbours (they are in the tree), and an existence
 * proof must not prove its key under another vector's root. */
static void test_cross_keys(void **state)
{
    (void)state;
    for (size_t t = 0; t < 3; t++) {
        const lcp_ics23_spec *spec = t_spec_for(trees[t]);
        for (size_t a = 0; a < 3; a++) {
            vec ne = load(trees[t], "nonexist", sides[a]);
            lcp_ics23_proof p;
            assert_int_equal(lcp_ics23_decode_proof(&p, ne.proof.p, ne.proof.n, NULL), LCP_OK);
            const lcp_ics23_exist *nb[2] = {p.nonexist.has_left ? &p.nonexist.left : NULL,
                                            p.nonexist.has_right ? &p.nonexist.right : NULL};
            for (int i = 0; i < 2; i++) {
                if (!nb[i]) continue;
                assert_int_equal(lcp_ics23_verify_non_membership(spec, ne.root.p, ne.root.n, &p, nb[i]->key.ptr,
                                                                 nb[i]->key.len, NULL),
                                 LCP_ERR_ICS23_NONEXIST);
                /* ... while the neighbour itself is a valid existence proof under the same root */
                assert_int_equal(lcp_ics23_exist_verify(nb[i], spec, ne.root.p, ne.root.n, nb[i]->key.ptr,
                                                        nb[i]->key.len, nb[i]->value.ptr, nb[i]->value.len, NULL),
                                 LCP_OK);
            }
            for (size_t b = 0; b < 3; b++) {
                vec ex = load(trees[t], "exist", sides[b]);
                assert_int_not_equal(verify(spec, ex.proof.p, ex.proof.n, &ex, ne.root.p, ne.root.n, NULL), LCP_OK);
                vec probe = ex;
                probe.key = ne.key;
                assert_int_not_equal(verify(spec, ex.proof.p, ex.proof.n, &probe, ex.root.p, ex.root.n, NULL),
                                     LCP_OK);
                vec_free(&ex);
            }
            vec_free(&ne);
        }
    }
}

/* The bytes of a NonExistenceProof.key field (tag, length, value): Go's Verify never reads it (the caller's key is
 * what is checked), so a mutation there that still parses, or that turns the field into an unknown one,
 * legitimately still verifies. */
static void key_field_span(const lcp_ics23_nonexist *np, const uint8_t *base, size_t *from, size_t *to)
{
    size_t hdr = 1 + lcp_pb_varint_len(np->key.len);
    *from = (size_t)(np->key.ptr - base) - hdr;
    *to = (size_t)(np->key.ptr - base) + np->key.len;
}

static void nonexist_key_span(const vec *v, size_t *from, size_t *to)
{
    lcp_ics23_proof p;
    assert_int_equal(lcp_ics23_decode_proof(&p, v->proof.p, v->proof.n, NULL), LCP_OK);
    key_field_span(&p.nonexist, v->proof.p, from, to);
}

static void test_single_mutations(void **state)
{
    (void)state;
    static const uint8_t masks[] = {0x01, 0x80, 0xff};
    long tried = 0, accepted_in_key = 0;
    for (size_t t = 0; t < 3; t++)
        for (int k = 0; k < 2; k++)
            for (size_t s = 0; s < 3; s++) {
                vec v = load(trees[t], k ? "nonexist" : "exist", sides[s]);
                const lcp_ics23_spec *spec = t_spec_for(trees[t]);
                size_t kfrom = 0, kto = 0;
                if (!v.exist) nonexist_key_span(&v, &kfrom, &kto);
                uint8_t *m = malloc(v.proof.n);
                assert_non_null(m);
                for (size_t i = 0; i < v.proof.n; i++)
                    for (size_t b = 0; b < sizeof masks; b++) {
                        memcpy(m, v.proof.p, v.proof.n);
                        m[i] ^= masks[b];
                        int rc = verify(spec, m, v.proof.n, &v, v.root.p, v.root.n, NULL);
                        tried++;
                        if (rc == LCP_OK) {
                            if (!(i >= kfrom && i < kto))
                                fail_msg("%s %s %s: mutation at %zu ^%02x verifies", trees[t],
                                         k ? "nonexist" : "exist", sides[s], i, masks[b]);
                            accepted_in_key++;
                        }
                    }
                /* truncations never verify */
                for (size_t len = 0; len < v.proof.n; len++)
                    assert_int_not_equal(verify(spec, v.proof.p, len, &v, v.root.p, v.root.n, NULL), LCP_OK);
                free(m);
                vec_free(&v);
            }
    printf("ics23 mutations: %ld tried, %ld accepted (all inside the unused NonExistenceProof.key field)\n", tried,
           accepted_in_key);
    assert_true(tried > 20000);
}

static void test_batches(void **state)
{
    (void)state;
    for (size_t t = 0; t < 3; t++)
        for (int k = 0; k < 2; k++) {
            char rel[128];
            snprintf(rel, sizeof rel, "ics23/%s/batch_%s.json", trees[t], k ? "nonexist" : "exist");
            cJSON *j = tu_json(rel);
            tbuf root = t_hex_field(j, "root"), proof = t_hex_field(j, "proof");
            const cJSON *items = cJSON_GetObjectItemCaseSensitive(j, "items"), *it;
            size_t n = (size_t)cJSON_GetArraySize(items), i = 0;
            assert_int_equal(n, 20);
            lcp_bytes *keys = calloc(n, sizeof *keys), *vals = calloc(n, sizeof *vals);
            tbuf *kb = calloc(n, sizeof *kb), *vb = calloc(n, sizeof *vb);
            assert_true(keys && vals && kb && vb);
            cJSON_ArrayForEach(it, items)
            {
                kb[i] = t_hex_field(it, "key");
                vb[i] = t_hex_field(it, "value");
                keys[i] = (lcp_bytes){kb[i].p, kb[i].n};
                vals[i] = (lcp_bytes){vb[i].p, vb[i].n};
                assert_int_equal(vb[i].n > 0, !k);
                i++;
            }
            const lcp_ics23_spec *spec = t_spec_for(trees[t]);
            lcp_ics23_proof p;
            char err[LCP_ERR_LEN] = "";
            if (lcp_ics23_decode_proof(&p, proof.p, proof.n, err) != LCP_OK) fail_msg("%s: %s", rel, err);
            assert_int_equal(p.type, LCP_ICS23_PROOF_COMPRESSED);
            assert_true(p.n_entries >= n);
            int rc = k ? lcp_ics23_batch_verify_non_membership(spec, root.p, root.n, &p, keys, n, err)
                       : lcp_ics23_batch_verify_membership(spec, root.p, root.n, &p, keys, vals, n, err);
            if (rc != LCP_OK) fail_msg("%s: %s", rel, err);
            /* decompressed entries verify one by one as plain proofs too */
            for (size_t e = 0; e < p.n_entries; e++) {
                lcp_ics23_entry en;
                assert_int_equal(lcp_ics23_proof_entry_at(&en, &p, e), LCP_OK);
                assert_int_equal(en.is_exist, !k);
                if (en.is_exist)
                    assert_int_equal(lcp_ics23_exist_verify(&en.exist, spec, root.p, root.n, en.exist.key.ptr,
                                                            en.exist.key.len, en.exist.value.ptr,
                                                            en.exist.value.len, NULL),
                                     LCP_OK);
            }
            /* negatives: another spec, a flipped root, a flipped value, a key not in the batch */
            for (size_t o = 0; o < 3; o++) {
                if (o == t) continue;
                rc = k ? lcp_ics23_batch_verify_non_membership(t_spec_for(trees[o]), root.p, root.n, &p, keys, n,
                                                               NULL)
                       : lcp_ics23_batch_verify_membership(t_spec_for(trees[o]), root.p, root.n, &p, keys, vals, n,
                                                           NULL);
                assert_int_not_equal(rc, LCP_OK);
            }
            root.p[5] ^= 1;
            rc = k ? lcp_ics23_batch_verify_non_membership(spec, root.p, root.n, &p, keys, n, NULL)
                   : lcp_ics23_batch_verify_membership(spec, root.p, root.n, &p, keys, vals, n, NULL);
            assert_int_not_equal(rc, LCP_OK);
            root.p[5] ^= 1;
            if (!k) {
                vb[7].p[0] ^= 1;
                assert_int_not_equal(lcp_ics23_batch_verify_membership(spec, root.p, root.n, &p, keys, vals, n, NULL),
                                     LCP_OK);
                vb[7].p[0] ^= 1;
                /* a key absent from the batch */
                lcp_bytes other = {(const uint8_t *)"no such key", 11};
                assert_int_not_equal(lcp_ics23_verify_membership(spec, root.p, root.n, &p, other.ptr, other.len,
                                                                 vals[0].ptr, vals[0].len, NULL),
                                     LCP_OK);
            }
            /* byte mutations of the batch proof: none may verify all items, except inside bytes verification
             * never depends on: a non-existence entry's own key field, and an existence entry that has an identical
             * twin (tendermint/batch_exist.json lists one key twice) */
            uint8_t *allowed = calloc(proof.n, 1), *m = malloc(proof.n);
            assert_true(allowed && m);
            for (size_t e = 0; e < p.n_entries; e++) {
                lcp_ics23_entry en, o;
                assert_int_equal(lcp_ics23_proof_entry_at(&en, &p, e), LCP_OK);
                size_t from, to;
                if (!en.is_exist) {
                    key_field_span(&en.nonexist, proof.p, &from, &to);
                    memset(allowed + from, 1, to - from);
                    continue;
                }
                for (size_t e2 = 0; e2 < p.n_entries; e2++) {
                    assert_int_equal(lcp_ics23_proof_entry_at(&o, &p, e2), LCP_OK);
                    lcp_bytes a = en.exist.src_, b = o.exist.src_;
                    if (e2 != e && a.len == b.len && memcmp(a.ptr, b.ptr, a.len) == 0) {
                        from = (size_t)(a.ptr - proof.p) - 1 - lcp_pb_varint_len(a.len);
                        memset(allowed + from, 1, (size_t)(a.ptr - proof.p) + a.len - from);
                    }
                }
            }
            /* Batch verification walks compressed lookups linearly, so a full sweep takes a minute: every 7th byte
             * by default (each entry and lookup still gets hit), every byte with LCP_TEST_FULL=1. */
            size_t stride = getenv("LCP_TEST_FULL") ? 1 : 7;
            long accepted = 0, tried = 0;
            for (size_t b = 0; b < proof.n; b += stride) {
                memcpy(m, proof.p, proof.n);
                m[b] ^= 0x01;
                lcp_ics23_proof mp;
                tried++;
                if (lcp_ics23_decode_proof(&mp, m, proof.n, NULL) != LCP_OK) continue;
                rc = k ? lcp_ics23_batch_verify_non_membership(spec, root.p, root.n, &mp, keys, n, NULL)
                       : lcp_ics23_batch_verify_membership(spec, root.p, root.n, &mp, keys, vals, n, NULL);
                if (rc == LCP_OK) {
                    if (!allowed[b]) fail_msg("%s: mutation at %zu verifies", rel, b);
                    accepted++;
                }
            }
            free(m);
            free(allowed);
            printf("%s: %ld of %ld single-bit mutations verify, all in unused key fields or twin entries\n", rel,
                   accepted, tried);
            for (i = 0; i < n; i++) {
                tbuf_free(&kb[i]);
                tbuf_free(&vb[i]);
            }
            free(keys);
            free(vals);
            free(kb);
            free(vb);
            tbuf_free(&root);
            tbuf_free(&proof);
            cJSON_Delete(j);
        }
}

/* Re-encodes a (possibly compressed) existence view as a plain ExistenceProof. */
static size_t encode_exist(uint8_t *out, size_t cap, const lcp_ics23_exist *ep)
{
    uint8_t leaf[64];
    lcp_pb_writer w;
    lcp_pb_writer_init(&w, leaf, sizeof leaf);
    lcp_pb_put_uint_opt(&w, 1, (uint64_t)ep->leaf.hash);
    lcp_pb_put_uint_opt(&w, 2, (uint64_t)ep->leaf.prehash_key);
    lcp_pb_put_uint_opt(&w, 3, (uint64_t)ep->leaf.prehash_value);
    lcp_pb_put_uint_opt(&w, 4, (uint64_t)ep->leaf.length);
    lcp_pb_put_bytes_opt(&w, 5, ep->leaf.prefix.ptr, ep->leaf.prefix.len);
    size_t leaf_len = w.len;
    lcp_pb_writer_init(&w, out, cap);
    lcp_pb_put_bytes(&w, 1, ep->key.ptr, ep->key.len);
    lcp_pb_put_bytes(&w, 2, ep->value.ptr, ep->value.len);
    lcp_pb_put_message(&w, 3, leaf, leaf_len);
    for (size_t i = 0; i < ep->n_path; i++) {
        lcp_ics23_inner_op op;
        assert_int_equal(lcp_ics23_exist_path_at(&op, ep, i), LCP_OK);
        uint8_t in[256];
        lcp_pb_writer iw;
        lcp_pb_writer_init(&iw, in, sizeof in);
        lcp_pb_put_uint_opt(&iw, 1, (uint64_t)op.hash);
        lcp_pb_put_bytes_opt(&iw, 2, op.prefix.ptr, op.prefix.len);
        if (op.has_suffix) lcp_pb_put_bytes(&iw, 3, op.suffix.ptr, op.suffix.len);
        assert_int_equal(lcp_pb_writer_status(&iw), LCP_OK);
        lcp_pb_put_message(&w, 4, in, iw.len);
    }
    assert_int_equal(lcp_pb_writer_status(&w), LCP_OK);
    return w.len;
}

/* Non-existence proofs assembled from two real existence proofs of one tree (the batch_exist entries share a
 * root): both sides verify and bracket the key, so only the neighbour rules can reject them — and must, since
 * another entry's key lies between them; likewise a lone side that is not left-most / right-most. */
static void test_neighbours(void **state)
{
    (void)state;
    for (size_t t = 0; t < 3; t++) {
        char rel[128];
        snprintf(rel, sizeof rel, "ics23/%s/batch_exist.json", trees[t]);
        cJSON *j = tu_json(rel);
        tbuf root = t_hex_field(j, "root"), proof = t_hex_field(j, "proof");
        cJSON_Delete(j);
        const lcp_ics23_spec *spec = t_spec_for(trees[t]);
        lcp_ics23_proof p;
        assert_int_equal(lcp_ics23_decode_proof(&p, proof.p, proof.n, NULL), LCP_OK);
        /* order entries by comparison key */
        size_t n = p.n_entries, idx[64];
        lcp_ics23_entry *e = calloc(n, sizeof *e);
        uint8_t (*ck)[32] = calloc(n, 32);
        assert_true(e && ck && n <= 64);
        for (size_t i = 0; i < n; i++) {
            assert_int_equal(lcp_ics23_proof_entry_at(&e[i], &p, i), LCP_OK);
            size_t hl;
            if (spec->prehash_key_before_comparison)
                assert_int_equal(lcp_ics23_do_hash(ck[i], &hl, LCP_ICS23_SHA256, e[i].exist.key.ptr,
                                                   e[i].exist.key.len, NULL),
                                 LCP_OK);
            idx[i] = i;
        }
        for (size_t a = 0; a < n; a++)
            for (size_t b = a + 1; b < n; b++) {
                const lcp_ics23_exist *x = &e[idx[a]].exist, *y = &e[idx[b]].exist;
                int c = spec->prehash_key_before_comparison ? memcmp(ck[idx[a]], ck[idx[b]], 32)
                                                            : key_cmp(&x->key, &y->key);
                if (c > 0) {
                    size_t tmp = idx[a];
                    idx[a] = idx[b];
                    idx[b] = tmp;
                }
            }
        static uint8_t lb[4096], rb[4096], np[8192];
        int checked = 0;
        for (size_t a = 0; a + 2 < n; a++) {
            const lcp_ics23_exist *lo = &e[idx[a]].exist, *hi = &e[idx[a + 2]].exist;
            if (spec->prehash_key_before_comparison ? memcmp(ck[idx[a]], ck[idx[a + 2]], 32) == 0
                                                    : ics23_same(lo, hi))
                continue;
            size_t ll = encode_exist(lb, sizeof lb, lo), rl = encode_exist(rb, sizeof rb, hi);
            /* key: the middle entry's key is present; probe with a key between lo and hi that is not in the batch */
            const lcp_ics23_exist *mid = &e[idx[a + 1]].exist;
            uint8_t key[128];
            size_t kl = 0;
            if (spec->prehash_key_before_comparison) {
                /* keys compare by hash here: take the middle key itself, which a valid proof could never exclude */
                memcpy(key, mid->key.ptr, mid->key.len);
                kl = mid->key.len;
            } else {
                memcpy(key, lo->key.ptr, lo->key.len);
                key[lo->key.len] = 0;
                kl = lo->key.len + 1;
            }
            lcp_pb_writer w;
            lcp_pb_writer_init(&w, np, sizeof np);
            lcp_pb_writer inner;
            static uint8_t nbuf[8192];
            lcp_pb_writer_init(&inner, nbuf, sizeof nbuf);
            lcp_pb_put_bytes(&inner, 1, key, kl);
            lcp_pb_put_message(&inner, 2, lb, ll);
            lcp_pb_put_message(&inner, 3, rb, rl);
            lcp_pb_put_message(&w, 2, nbuf, inner.len);
            assert_int_equal(lcp_pb_writer_status(&w), LCP_OK);
            lcp_ics23_proof q;
            assert_int_equal(lcp_ics23_decode_proof(&q, np, w.len, NULL), LCP_OK);
            char err[LCP_ERR_LEN] = "";
            int rc = lcp_ics23_verify_non_membership(spec, root.p, root.n, &q, key, kl, err);
            if (rc != LCP_ERR_ICS23_NONEXIST) fail_msg("%s: entries %zu,%zu: rc %d %s", rel, a, a + 2, rc, err);
            if (!spec->prehash_key_before_comparison && strstr(err, "not neighbours") == NULL)
                fail_msg("%s: entries %zu,%zu refused for another reason: %s", rel, a, a + 2, err);
            /* lone sides: lo is not right-most (mid and hi follow), hi is not left-most */
            for (int side = 2; side <= 3; side++) {
                lcp_pb_writer_init(&inner, nbuf, sizeof nbuf);
                lcp_pb_put_bytes(&inner, 1, key, kl);
                if (side == 2) lcp_pb_put_message(&inner, 2, lb, ll);
                else lcp_pb_put_message(&inner, 3, rb, rl);
                lcp_pb_writer_init(&w, np, sizeof np);
                lcp_pb_put_message(&w, 2, nbuf, inner.len);
                assert_int_equal(lcp_ics23_decode_proof(&q, np, w.len, NULL), LCP_OK);
                assert_int_equal(lcp_ics23_verify_non_membership(spec, root.p, root.n, &q, key, kl, err),
                                 LCP_ERR_ICS23_NONEXIST);
                const char *want = side == 2 ? "left proof must be right-most" : "right proof must be left-most";
                if (!spec->prehash_key_before_comparison && strstr(err, want) == NULL)
                    fail_msg("%s: lone %s side refused for another reason: %s", rel, side == 2 ? "left" : "right",
                             err);
            }
            checked++;
        }
        assert_true(checked >= 10);
        free(e);
        free(ck);
        tbuf_free(&root);
        tbuf_free(&proof);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_single_vectors),
        cmocka_unit_test(test_cross_keys),
        cmocka_unit_test(test_single_mutations),
        cmocka_unit_test(test_batches),
        cmocka_unit_test(test_neighbours),
    };
    return cmocka_run_group_tests_name("elc/ics23_vectors", tests, NULL, NULL);
}
