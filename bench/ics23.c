/* ICS-23 and Tendermint verification cost, against the primitives they are made of.
 *  - ICS-23: decoding + verifyMembership of the iavl and tendermint existence vectors (testdata/ics23), the work
 *    bench/peers/ics23.mjs times with @confio/ics23; `ics23 [IAVL_PEER_OPS TM_PEER_OPS]` prints the ratio to the
 *    peer's mean ops/s per tree. The floor is one SHA-256 of a 65-byte inner node, times the proof's hash count.
 *  - Tendermint: a full light-client update (lcp_tm_verify_update: ValidateBasic, header and validator-set hashes,
 *    commit shape, trust and 2/3 tallies with signature checks) and the commit tally alone, on the largest block of
 *    the vectors (single_step/MC100_2_faulty_TestSuccess.json step 0: 86 validators, 76 COMMIT signatures, non-
 *    adjacent) and on the real kvstore 0.38 header (1 signature); each next to (#signatures verified x one bare
 *    lcp_ed25519_verify) measured in the same run.
 * Fixtures are CometBFT RPC JSON; they are encoded to protobuf here (a small copy of the tests' encoder, since
 * benchmarks link no test code) so the library decodes what a relayer would send. */
#define OPENSSL_SUPPRESS_DEPRECATED
#include <cjson/cJSON.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "lcp/codec_pb.h"
#include "lcp/crypto.h"
#include "lcp/elc_ics23.h"
#include "lcp/elc_tendermint.h"

static void die(const char *what)
{
    fprintf(stderr, "ics23 bench: %s\n", what);
    exit(1);
}

static cJSON *load_json(const char *rel)
{
    size_t n;
    uint8_t *p = lcp_bench_fixture("ics23", rel, &n);
    cJSON *j = cJSON_ParseWithLength((const char *)p, n);
    lcp_free(p);
    if (j == NULL) die(rel);
    return j;
}

static const cJSON *J(const cJSON *o, const char *k) { return cJSON_GetObjectItemCaseSensitive(o, k); }
static const char *S(const cJSON *o, const char *k) { return cJSON_IsString(J(o, k)) ? J(o, k)->valuestring : ""; }
static int64_t I(const cJSON *o, const char *k)
{
    const cJSON *f = J(o, k);
    return cJSON_IsString(f) ? strtoll(f->valuestring, NULL, 10) : cJSON_IsNumber(f) ? (int64_t)f->valuedouble : 0;
}

/* decodes hex/base64 into a static ring of scratch buffers (the encoder copies them out at once) */
static uint8_t *scratch(size_t n)
{
    static uint8_t ring[8][4096];
    static int k;
    if (n > sizeof ring[0]) die("field too large");
    return ring[k++ & 7];
}
static lcp_bytes hexb(const char *s)
{
    size_t n = 0, sl = strlen(s);
    uint8_t *b = scratch(sl / 2 + 1);
    if (lcp_hex_decode(b, sl / 2 + 1, &n, s, sl, NULL) != LCP_OK) die("hex");
    return (lcp_bytes){b, n};
}
static lcp_bytes b64(const char *s)
{
    size_t n = 0, sl = strlen(s);
    uint8_t *b = scratch(lcp_base64_decoded_max(sl) + 1);
    if (sl && lcp_base64_decode(b, lcp_base64_decoded_max(sl) + 1, &n, s, sl, NULL) != LCP_OK) die("base64");
    return (lcp_bytes){b, n};
}

/* ---- ICS-23 ---- */

typedef struct {
    lcp_bytes proof, root, key, value;
    const lcp_ics23_spec *spec;
    uint8_t mem[4][4096];
} ics23_case;

static int ics23_verify(void *arg)
{
    ics23_case *c = arg;
    lcp_ics23_proof p;
    if (lcp_ics23_decode_proof(&p, c->proof.ptr, c->proof.len, NULL) != LCP_OK) return -1;
    return lcp_ics23_verify_membership(c->spec, c->root.ptr, c->root.len, &p, c->key.ptr, c->key.len, c->value.ptr,
                                       c->value.len, NULL);
}

static lcp_bytes keep(uint8_t *dst, lcp_bytes b)
{
    memcpy(dst, b.ptr, b.len);
    return (lcp_bytes){dst, b.len};
}

/* The floor: SHA-256 of a 65-byte inner node (0x01 || left || right; two compression blocks, like an IAVL inner
 * preimage or a leaf) with OpenSSL's low-level calls, state on the stack (the one-shot SHA256() goes through EVP
 * and allocates in OpenSSL 3, which would flatter the ratio). */
static uint8_t blk[65];
static int bare_sha256(void *arg)
{
    (void)arg;
    uint8_t out[32];
    SHA256_CTX c;
    return SHA256_Init(&c) && SHA256_Update(&c, blk, sizeof blk) && SHA256_Final(out, &c) ? 0 : -1;
}

/* ---- protobuf encoding of the Tendermint JSON ---- */

typedef void (*enc_fn)(lcp_pb_writer *w, const cJSON *o);

static void put_msg(lcp_pb_writer *w, uint32_t num, enc_fn enc, const cJSON *o)
{
    lcp_pb_writer c;
    lcp_pb_writer_init(&c, NULL, 0);
    enc(&c, o);
    lcp_pb_put_tag(w, num, LCP_PB_LEN);
    lcp_pb_put_varint(w, c.len);
    enc(w, o);
}

static lcp_tm_time parse_time(const char *s)
{
    int y, mo, d, h, mi, se, used = 0;
    if (sscanf(s, "%d-%d-%dT%d:%d:%d%n", &y, &mo, &d, &h, &mi, &se, &used) != 6) die("time");
    int32_t ns = 0;
    const char *p = s + used;
    if (*p == '.') {
        int k = 0;
        for (p++; *p >= '0' && *p <= '9'; p++, k++) ns = ns * 10 + (*p - '0');
        for (; k < 9; k++) ns *= 10;
    }
    int64_t yy = y - (mo <= 2), era = (yy >= 0 ? yy : yy - 399) / 400, yoe = yy - era * 400;
    int64_t doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1, doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (lcp_tm_time){(era * 146097 + doe - 719468) * 86400 + h * 3600 + mi * 60 + se, ns};
}

static const char *g_time;
static void enc_time(lcp_pb_writer *w, const cJSON *o)
{
    (void)o;
    lcp_tm_time t = parse_time(g_time);
    lcp_pb_put_uint_opt(w, 1, (uint64_t)t.seconds);
    lcp_pb_put_uint_opt(w, 2, (uint64_t)t.nanos);
}
static void put_time(lcp_pb_writer *w, uint32_t num, const char *s)
{
    g_time = s;
    put_msg(w, num, enc_time, NULL);
}
static void put_hex(lcp_pb_writer *w, uint32_t num, const char *s)
{
    lcp_bytes b = hexb(s);
    lcp_pb_put_bytes_opt(w, num, b.ptr, b.len);
}
static void enc_psh(lcp_pb_writer *w, const cJSON *o)
{
    lcp_pb_put_uint_opt(w, 1, (uint64_t)I(o, "total"));
    put_hex(w, 2, S(o, "hash"));
}
static void enc_block_id(lcp_pb_writer *w, const cJSON *o)
{
    if (!cJSON_IsObject(o)) {
        lcp_pb_put_bytes(w, 2, NULL, 0);
        return;
    }
    put_hex(w, 1, S(o, "hash"));
    put_msg(w, 2, enc_psh, J(o, "part_set_header") ? J(o, "part_set_header") : J(o, "parts"));
}
static void enc_version(lcp_pb_writer *w, const cJSON *o)
{
    lcp_pb_put_uint_opt(w, 1, (uint64_t)I(o, "block"));
    lcp_pb_put_uint_opt(w, 2, (uint64_t)I(o, "app"));
}
static void enc_header(lcp_pb_writer *w, const cJSON *o)
{
    static const char *names[9] = {"last_commit_hash", "data_hash",  "validators_hash", "next_validators_hash",
                                   "consensus_hash",   "app_hash",   "last_results_hash", "evidence_hash",
                                   "proposer_address"};
    put_msg(w, 1, enc_version, J(o, "version"));
    lcp_pb_put_bytes_opt(w, 2, S(o, "chain_id"), strlen(S(o, "chain_id")));
    lcp_pb_put_uint_opt(w, 3, (uint64_t)I(o, "height"));
    put_time(w, 4, S(o, "time"));
    put_msg(w, 5, enc_block_id, J(o, "last_block_id"));
    for (int i = 0; i < 9; i++) put_hex(w, (uint32_t)(6 + i), S(o, names[i]));
}
static void enc_sig(lcp_pb_writer *w, const cJSON *o)
{
    lcp_pb_put_uint_opt(w, 1, (uint64_t)I(o, "block_id_flag"));
    put_hex(w, 2, S(o, "validator_address"));
    if (I(o, "block_id_flag") != LCP_TM_FLAG_ABSENT) put_time(w, 3, S(o, "timestamp"));
    lcp_bytes s = b64(S(o, "signature"));
    lcp_pb_put_bytes_opt(w, 4, s.ptr, s.len);
}
static void enc_commit(lcp_pb_writer *w, const cJSON *o)
{
    lcp_pb_put_uint_opt(w, 1, (uint64_t)I(o, "height"));
    lcp_pb_put_uint_opt(w, 2, (uint64_t)I(o, "round"));
    put_msg(w, 3, enc_block_id, J(o, "block_id"));
    const cJSON *s;
    cJSON_ArrayForEach(s, J(o, "signatures")) put_msg(w, 4, enc_sig, s);
}
static void enc_signed_header(lcp_pb_writer *w, const cJSON *o)
{
    put_msg(w, 1, enc_header, J(o, "header"));
    put_msg(w, 2, enc_commit, J(o, "commit"));
}
static void enc_pubkey(lcp_pb_writer *w, const cJSON *o)
{
    lcp_bytes k = b64(S(o, "value"));
    lcp_pb_put_bytes(w, 1, k.ptr, k.len);
}
static void enc_validator(lcp_pb_writer *w, const cJSON *o)
{
    put_hex(w, 1, S(o, "address"));
    put_msg(w, 2, enc_pubkey, J(o, "pub_key"));
    lcp_pb_put_uint_opt(w, 3, (uint64_t)(J(o, "voting_power") ? I(o, "voting_power") : I(o, "power")));
}
static void enc_valset(lcp_pb_writer *w, const cJSON *o)
{
    const cJSON *v, *list = cJSON_IsArray(o) ? o : J(o, "validators");
    cJSON_ArrayForEach(v, list) put_msg(w, 1, enc_validator, v);
}

static lcp_bytes encode(enc_fn enc, const cJSON *o)
{
    lcp_pb_writer w;
    lcp_pb_writer_init(&w, NULL, 0);
    enc(&w, o);
    uint8_t *p = malloc(w.len + 1);
    if (p == NULL) die("out of memory");
    size_t n = w.len;
    lcp_pb_writer_init(&w, p, n);
    enc(&w, o);
    return (lcp_bytes){p, n};
}

/* ---- Tendermint ---- */

typedef struct {
    lcp_bytes sh_enc, trusted_enc;
    lcp_tm_signed_header sh, trusted_sh;
    lcp_tm_valset *vals, *trusted_next;
    lcp_tm_options opt;
    lcp_tm_time now, trusted_time;
    lcp_bytes chain_id, trusted_nvh;
    int64_t trusted_height;
    /* one real signature of the header, for the ed25519 floor */
    uint8_t msg[LCP_TM_SIGN_BYTES_MAX], sig[64], pub[32];
    size_t msg_len;
    int n_verified;
} tm_case;

static int tm_update(void *arg)
{
    tm_case *c = arg;
    /* decoding included: the update a relayer's bytes cost */
    lcp_tm_signed_header sh;
    if (lcp_tm_decode_signed_header(&sh, c->sh_enc.ptr, c->sh_enc.len, NULL) != LCP_OK) return -1;
    lcp_tm_untrusted u = {&sh, c->vals, NULL};
    lcp_tm_trusted t = {c->chain_id, c->trusted_height, c->trusted_time, c->trusted_nvh, c->trusted_next};
    return lcp_tm_verify_update(&u, &t, &c->opt, c->now, NULL);
}

static int tm_tally(void *arg)
{
    tm_case *c = arg;
    int64_t tallied, total;
    return lcp_tm_commit_tally(&tallied, &total, &c->sh, c->vals, 2, 3, LCP_ERR_TM_NOT_ENOUGH_POWER, NULL);
}

static int bare_ed25519(void *arg)
{
    tm_case *c = arg;
    return lcp_ed25519_verify(c->sig, c->msg, c->msg_len, c->pub);
}

/* Signatures a verification checks: the 2/3 tally walks the validators in order until 3*power > 2*total; the
 * trust tally of a non-adjacent update walks the trusted set the same way, sharing already-verified votes. */
static int count_checked(const lcp_tm_signed_header *sh, const lcp_tm_valset *vals, const lcp_tm_valset *trusted)
{
    uint8_t seen[LCP_TM_MAX_VALIDATORS] = {0};
    int n = 0;
    for (int pass = trusted ? 0 : 1; pass < 2; pass++) {
        const lcp_tm_valset *set = pass == 0 ? trusted : vals;
        uint64_t num = pass == 0 ? 1 : 2, den = pass == 0 ? 3 : 3;
        int64_t sum = 0;
        for (size_t i = 0; i < set->n; i++) {
            for (size_t k = 0; k < sh->commit.n_sigs; k++) {
                lcp_tm_commit_sig s;
                if (lcp_tm_commit_sig_at(&s, &sh->commit, k) != LCP_OK) die("sig");
                if (s.flag != LCP_TM_FLAG_COMMIT || memcmp(s.validator_address.ptr, set->v[i].address, 20)) continue;
                if (!seen[k]++) n++;
                sum += set->v[i].power;
                break;
            }
            if ((uint64_t)sum * den > (uint64_t)set->total_power * num) break;
        }
    }
    return n;
}

static void tm_floor_sig(tm_case *c)
{
    for (size_t k = 0; k < c->sh.commit.n_sigs; k++) {
        lcp_tm_commit_sig s;
        if (lcp_tm_commit_sig_at(&s, &c->sh.commit, k) != LCP_OK) die("sig");
        if (s.flag != LCP_TM_FLAG_COMMIT) continue;
        long i = lcp_tm_valset_find(c->vals, s.validator_address.ptr);
        if (i < 0) die("signer");
        if (lcp_tm_vote_sign_bytes(c->msg, sizeof c->msg, &c->msg_len, c->sh.header.chain_id.ptr,
                                   c->sh.header.chain_id.len, &c->sh.commit, &s, NULL) != LCP_OK)
            die("sign bytes");
        memcpy(c->sig, s.signature.ptr, 64);
        memcpy(c->pub, c->vals->v[i].pub_key, 32);
        return;
    }
    die("no signature");
}

static void tm_report(const char *name, tm_case *c)
{
    char label[96];
    snprintf(label, sizeof label, "%s: verify_update", name);
    double upd = lcp_bench_run(label, tm_update, c, 50, 0.5);
    snprintf(label, sizeof label, "%s: commit tally 2/3", name);
    double tally = lcp_bench_run(label, tm_tally, c, 50, 0.5);
    double ed = lcp_bench_run("floor: bare lcp_ed25519_verify", bare_ed25519, c, 200, 0.5);
    c->n_verified = count_checked(&c->sh, c->vals, c->trusted_height + 1 == c->sh.header.height ? NULL : c->trusted_next);
    int n_tally = count_checked(&c->sh, c->vals, NULL);
    if (upd < 0 || tally < 0 || ed < 0) die("a measured call failed");
    printf("%s: update checks %d signatures: %.0f ns = %.2fx (%d x ed25519 = %.0f ns); tally checks %d: %.2fx\n", name,
           c->n_verified, upd, upd / (c->n_verified * ed), c->n_verified, c->n_verified * ed, n_tally,
           tally / (n_tally * ed));
}

static lcp_tm_valset *valset_from(const cJSON *o, int sort)
{
    lcp_tm_valset *vs = calloc(1, sizeof *vs);
    if (vs == NULL) die("out of memory");
    lcp_bytes e = encode(enc_valset, o);
    if (lcp_tm_decode_valset(vs, e.ptr, e.len, NULL) != LCP_OK) die("valset");
    free((void *)e.ptr);
    if (sort) lcp_tm_valset_sort(vs);
    return vs;
}

static void tm_single_step(void)
{
    cJSON *j = load_json("tendermint/single_step/MC100_2_faulty_TestSuccess.json");
    const cJSON *init = J(j, "initial"), *in = cJSON_GetArrayItem(J(j, "input"), 0), *b = J(in, "block");
    tm_case *c = calloc(1, sizeof *c);
    if (c == NULL) die("out of memory");
    c->trusted_enc = encode(enc_signed_header, J(init, "signed_header"));
    if (lcp_tm_decode_signed_header(&c->trusted_sh, c->trusted_enc.ptr, c->trusted_enc.len, NULL) != LCP_OK)
        die("trusted header");
    c->trusted_next = valset_from(J(init, "next_validator_set"), 1);
    c->sh_enc = encode(enc_signed_header, J(b, "signed_header"));
    if (lcp_tm_decode_signed_header(&c->sh, c->sh_enc.ptr, c->sh_enc.len, NULL) != LCP_OK) die("header");
    c->vals = valset_from(J(b, "validator_set"), 1);
    c->chain_id = c->trusted_sh.header.chain_id;
    c->trusted_height = c->trusted_sh.header.height;
    c->trusted_time = c->trusted_sh.header.time;
    c->trusted_nvh = c->trusted_sh.header.next_validators_hash;
    int64_t tp = I(init, "trusting_period");
    c->opt = (lcp_tm_options){1, 3, {tp / 1000000000, (int32_t)(tp % 1000000000)}, {0, 0}};
    c->now = parse_time(S(in, "now"));
    tm_floor_sig(c);
    char name[64];
    snprintf(name, sizeof name, "MC100 block (%zu vals)", c->vals->n);
    tm_report(name, c);
    free((void *)c->sh_enc.ptr);
    free((void *)c->trusted_enc.ptr);
    free(c->vals);
    free(c->trusted_next);
    free(c);
    cJSON_Delete(j);
}

static void tm_real(void)
{
    cJSON *j = load_json("tendermint/real/kvstore_v0_38_commit_at_height_10.json");
    cJSON *g = load_json("tendermint/real/kvstore_v0_38_genesis.json");
    const cJSON *gen = J(J(g, "result"), "genesis");
    tm_case *c = calloc(1, sizeof *c);
    if (c == NULL) die("out of memory");
    c->sh_enc = encode(enc_signed_header, J(J(j, "result"), "signed_header"));
    if (lcp_tm_decode_signed_header(&c->sh, c->sh_enc.ptr, c->sh_enc.len, NULL) != LCP_OK) die("header");
    c->vals = valset_from(J(gen, "validators"), 0);
    c->trusted_next = c->vals;
    static uint8_t vh[32];
    if (lcp_tm_valset_hash(vh, c->vals) != LCP_OK) die("hash");
    c->chain_id = c->sh.header.chain_id;
    c->trusted_height = 1;
    c->trusted_time = parse_time(S(gen, "genesis_time"));
    c->trusted_nvh = (lcp_bytes){vh, 32};
    c->opt = (lcp_tm_options){1, 3, {14 * 86400, 0}, {10, 0}};
    c->now = c->sh.header.time;
    c->now.seconds += 5;
    tm_floor_sig(c);
    tm_report("kvstore 0.38 h10 (1 val)", c);
    free((void *)c->sh_enc.ptr);
    free(c->vals);
    free(c);
    cJSON_Delete(j);
    cJSON_Delete(g);
}

int main(int argc, char **argv)
{
    static const char *trees[2] = {"iavl", "tendermint"};
    static const char *sides[3] = {"left", "middle", "right"};
    double mean[2] = {0, 0};
    double sha = lcp_bench_run("floor: SHA-256 of 65 bytes (OpenSSL, no EVP)", bare_sha256, NULL, 1000, 0.3);
    ics23_case *c = calloc(1, sizeof *c);
    if (c == NULL) die("out of memory");
    for (int t = 0; t < 2; t++) {
        for (int s = 0; s < 3; s++) {
            char rel[96], name[64];
            snprintf(rel, sizeof rel, "ics23/%s/exist_%s.json", trees[t], sides[s]);
            cJSON *j = load_json(rel);
            c->proof = keep(c->mem[0], hexb(S(j, "proof")));
            c->root = keep(c->mem[1], hexb(S(j, "root")));
            c->key = keep(c->mem[2], hexb(S(j, "key")));
            c->value = keep(c->mem[3], hexb(S(j, "value")));
            cJSON_Delete(j);
            c->spec = t ? lcp_ics23_spec_tendermint() : lcp_ics23_spec_iavl();
            lcp_ics23_proof p;
            if (lcp_ics23_decode_proof(&p, c->proof.ptr, c->proof.len, NULL) != LCP_OK) die("proof");
            snprintf(name, sizeof name, "ics23 %s exist_%s (%zu steps)", trees[t], sides[s], p.exist.n_path);
            double ns = lcp_bench_run(name, ics23_verify, c, 1000, 0.3);
            if (ns < 0) die("ics23 verification failed");
            /* hashes: leaf (value prehash + leaf) and one per inner step */
            printf("  = %.1fx the SHA-256 floor (%zu hashes)\n", ns / ((double)(p.exist.n_path + 2) * sha),
                   p.exist.n_path + 2);
            mean[t] += 1e9 / ns / 3;
        }
        printf("ics23 %s mean: %.1f ops/s\n", trees[t], mean[t]);
    }
    free(c);
    {
        double pi = argc == 3 ? atof(argv[1]) : lcp_bench_peer("ics23_iavl");
        double pt = argc == 3 ? atof(argv[2]) : lcp_bench_peer("ics23_tendermint");
        if (pi > 0 && pt > 0) {
            double xi = mean[0] / pi, xt = mean[1] / pt;
            const char *wi = lcp_bench_faster(&xi), *wt = lcp_bench_faster(&xt);
            printf("vs @confio/ics23 (JS) at %.1f / %.1f ops/s: iavl %.1fx %s, tendermint %.1fx %s (target >= 20x "
                   "faster: %s)\n", pi, pt, xi, wi, xt, wt,
                   lcp_bench_verdict(mean[0] / pi < mean[1] / pt ? mean[0] / pi : mean[1] / pt, 20, 0));
        }
    }
    tm_single_step();
    tm_real();
    return 0;
}
