/* The enclave key store (lcp/host_keystore.h, spec §4): the record codec against protobuf-c's code generated from
 * proto/lcp_host.proto, strict decoding of damaged records, put/get/exists, one attestation per key, listing all
 * and "available" keys in spec order, delete, both prune modes at their boundaries, corrupt records reported
 * (never used), atomicity with light-client writes, and allocation failure. */
#include "testutil.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lcp/codec_pb.h"
#include "lcp/host_keystore.h"
#include "lcp/host_store.h"
#include "proto/lcp_host.pb-c.h"

#define OK(call) assert_int_equal((call), LCP_OK)

typedef struct {
    char root[64];
    char home[128];
    lcp_store *s;
} fixture;

static void fx_open(fixture *f)
{
    char err[LCP_ERR_LEN];
    tu_tmpdir(f->root, sizeof f->root, "keystore");
    snprintf(f->home, sizeof f->home, "%s/home", f->root);
    OK(lcp_store_open(&f->s, f->home, 0, err));
}

static void fx_close(fixture *f)
{
    lcp_store_close(f->s);
    tu_rmtree(f->root);
}

static lcp_store_txn *begin(fixture *f, int write)
{
    char err[LCP_ERR_LEN];
    lcp_store_txn *t;
    OK(lcp_store_begin(f->s, &t, write, err));
    return t;
}

static void commit(lcp_store_txn *t)
{
    char err[LCP_ERR_LEN];
    OK(lcp_store_commit(t, err));
}

static const uint8_t SEALED[] = "sealed-blob-of-some-length";
static const uint8_t REPORT[] = "report-bytes";
static const uint8_t AVR[] = "{\"id\":\"1\",\"isvEnclaveQuoteStatus\":\"OK\"}";

/* An unattested key whose address is filled with tag, mrenclave with mr, created at created. */
static lcp_keystore_entry mk_key(uint8_t tag, uint8_t mr, int debug, uint64_t created)
{
    lcp_keystore_entry k;
    memset(&k, 0, sizeof k);
    memset(k.address, tag, sizeof k.address);
    memset(k.mrenclave, mr, sizeof k.mrenclave);
    k.sealed_key.ptr = SEALED;
    k.sealed_key.len = sizeof SEALED - 1;
    k.report.ptr = REPORT;
    k.report.len = sizeof REPORT - 1;
    k.enclave_debug = debug;
    k.qe_type = LCP_QE_TYPE_QE3;
    k.created_at = created;
    return k;
}

static void assert_bytes(lcp_bytes got, const void *want, size_t n)
{
    assert_int_equal(got.len, n);
    if (n) assert_memory_equal(got.ptr, want, n);
}

static void assert_same_entry(const lcp_keystore_entry *a, const lcp_keystore_entry *b)
{
    assert_memory_equal(a->address, b->address, LCP_KEYSTORE_ADDRESS_LEN);
    assert_bytes(a->sealed_key, b->sealed_key.ptr, b->sealed_key.len);
    assert_memory_equal(a->mrenclave, b->mrenclave, LCP_KEYSTORE_MRENCLAVE_LEN);
    assert_bytes(a->report, b->report.ptr, b->report.len);
    assert_int_equal(a->enclave_debug, b->enclave_debug);
    assert_int_equal(a->qe_type, b->qe_type);
    assert_int_equal(a->ra_type, b->ra_type);
    assert_bytes(a->ra_evidence, b->ra_evidence.ptr, b->ra_evidence.len);
    assert_int_equal(a->valid_from, b->valid_from);
    assert_int_equal(a->valid_to, b->valid_to);
    assert_int_equal(a->created_at, b->created_at);
}

/* ---- codec ---- */

static size_t encode(uint8_t *buf, size_t cap, const lcp_keystore_entry *k)
{
    size_t n = 0, need = 0;
    OK(lcp_keystore_record_encode(NULL, 0, &need, k));
    OK(lcp_keystore_record_encode(buf, cap, &n, k));
    assert_int_equal(n, need);
    return n;
}

static void test_codec_matches_protobuf_c(void **state)
{
    (void)state;
    uint8_t buf[1024], re[1024];
    /* Attested, every field set, values past one varint byte. */
    lcp_keystore_entry k = mk_key(0x11, 0xab, 1, 1700000000);
    k.qe_type = LCP_QE_TYPE_QE3SIM;
    k.ra_type = LCP_RA_TYPE_DCAP;
    k.ra_evidence.ptr = AVR;
    k.ra_evidence.len = sizeof AVR - 1;
    k.valid_from = 1700000100;
    k.valid_to = UINT64_MAX;
    size_t n = encode(buf, sizeof buf, &k);
    Lcp__Host__V1__EnclaveKeyRecord *pc = lcp__host__v1__enclave_key_record__unpack(NULL, n, buf);
    assert_non_null(pc);
    assert_int_equal(pc->address.len, 20);
    assert_memory_equal(pc->address.data, k.address, 20);
    assert_int_equal(pc->sealed_key.len, k.sealed_key.len);
    assert_memory_equal(pc->sealed_key.data, SEALED, k.sealed_key.len);
    assert_int_equal(pc->mrenclave.len, 32);
    assert_memory_equal(pc->mrenclave.data, k.mrenclave, 32);
    assert_int_equal(pc->report.len, k.report.len);
    assert_true(pc->enclave_debug);
    assert_int_equal(pc->qe_type, 3);
    assert_int_equal(pc->ra_type, 2);
    assert_int_equal(pc->ra_evidence.len, k.ra_evidence.len);
    assert_int_equal(pc->valid_from, 1700000100);
    assert_true(pc->valid_to == UINT64_MAX);
    assert_int_equal(pc->created_at, 1700000000);
    size_t rn = lcp__host__v1__enclave_key_record__pack(pc, re);
    assert_int_equal(rn, n);
    assert_memory_equal(re, buf, n); /* same canonical bytes */
    lcp__host__v1__enclave_key_record__free_unpacked(pc, NULL);

    /* protobuf-c → ours: an unattested record, defaults omitted by both. */
    Lcp__Host__V1__EnclaveKeyRecord m = LCP__HOST__V1__ENCLAVE_KEY_RECORD__INIT;
    uint8_t addr[20], mr[32];
    memset(addr, 0x22, 20);
    memset(mr, 0, 32); /* an all-zero mrenclave is still 32 bytes on the wire */
    m.address.data = addr;
    m.address.len = 20;
    m.sealed_key.data = (uint8_t *)(uintptr_t)SEALED;
    m.sealed_key.len = 5;
    m.mrenclave.data = mr;
    m.mrenclave.len = 32;
    m.qe_type = 1;
    m.created_at = 5;
    n = lcp__host__v1__enclave_key_record__pack(&m, buf);
    lcp_keystore_entry d;
    char err[LCP_ERR_LEN];
    OK(lcp_keystore_record_decode(&d, buf, n, err));
    assert_memory_equal(d.address, addr, 20);
    assert_bytes(d.sealed_key, SEALED, 5);
    assert_memory_equal(d.mrenclave, mr, 32);
    assert_int_equal(d.report.len, 0);
    assert_int_equal(d.enclave_debug, 0);
    assert_int_equal(d.qe_type, 1);
    assert_int_equal(d.ra_type, 0);
    assert_int_equal(d.valid_to, 0);
    assert_int_equal(d.created_at, 5);
    assert_int_equal(encode(re, sizeof re, &d), n);
    assert_memory_equal(re, buf, n);

    /* A short buffer reports the size needed. */
    size_t need;
    assert_int_equal(lcp_keystore_record_encode(re, n - 1, &need, &d), LCP_ERR_BUFFER_TOO_SMALL);
    assert_int_equal(need, n);
}

/* Hand-made records, each broken in one way. */
static void test_decode_rejects(void **state)
{
    (void)state;
    char err[LCP_ERR_LEN];
    lcp_keystore_entry d;
    uint8_t buf[512];
    lcp_pb_writer w;
    const uint8_t a20[20] = {1}, m32[32] = {2}, a19[19] = {0}, a21[21] = {0};

#define REC(...)                                                                                              \
    do {                                                                                                      \
        lcp_pb_writer_init(&w, buf, sizeof buf);                                                              \
        __VA_ARGS__;                                                                                          \
        OK(lcp_pb_writer_status(&w));                                                                         \
    } while (0)
#define BASE_FIELDS                                                                                           \
    lcp_pb_put_bytes(&w, 1, a20, 20);                                                                         \
    lcp_pb_put_bytes(&w, 2, "s", 1);                                                                          \
    lcp_pb_put_bytes(&w, 3, m32, 32);                                                                         \
    lcp_pb_put_uint(&w, 6, 1)
#define REJECT(frag)                                                                                          \
    do {                                                                                                      \
        err[0] = 0;                                                                                           \
        assert_int_equal(lcp_keystore_record_decode(&d, buf, w.len, err), LCP_ERR_HOST_KEY_RECORD);           \
        assert_non_null(strstr(err, frag));                                                                   \
    } while (0)

    REC(BASE_FIELDS);
    OK(lcp_keystore_record_decode(&d, buf, w.len, err)); /* the baseline is valid */
    /* Unknown fields of any wire type are skipped. */
    REC(BASE_FIELDS; lcp_pb_put_uint(&w, 12, 7); lcp_pb_put_bytes(&w, 40, "x", 1));
    OK(lcp_keystore_record_decode(&d, buf, w.len, err));
    assert_int_equal(d.qe_type, 1);

    REC(lcp_pb_put_bytes(&w, 2, "s", 1); lcp_pb_put_bytes(&w, 3, m32, 32); lcp_pb_put_uint(&w, 6, 1));
    REJECT("no address");
    REC(lcp_pb_put_bytes(&w, 1, a20, 20); lcp_pb_put_bytes(&w, 2, "s", 1); lcp_pb_put_uint(&w, 6, 1));
    REJECT("no mrenclave");
    REC(lcp_pb_put_bytes(&w, 1, a19, 19); lcp_pb_put_bytes(&w, 2, "s", 1); lcp_pb_put_bytes(&w, 3, m32, 32));
    REJECT("address of 19");
    REC(lcp_pb_put_bytes(&w, 1, a21, 21));
    REJECT("address of 21");
    REC(lcp_pb_put_bytes(&w, 1, a20, 20); lcp_pb_put_bytes(&w, 3, m32, 31));
    REJECT("mrenclave of 31");
    REC(lcp_pb_put_bytes(&w, 1, a20, 20); lcp_pb_put_bytes(&w, 3, m32, 32); lcp_pb_put_uint(&w, 6, 1));
    REJECT("sealed key is empty");
    REC(BASE_FIELDS; lcp_pb_put_bytes(&w, 1, a20, 20));
    REJECT("field 1 repeated");
    REC(BASE_FIELDS; lcp_pb_put_uint(&w, 6, 2));
    REJECT("field 6 repeated");
    REC(BASE_FIELDS; lcp_pb_put_uint(&w, 4, 1));
    REJECT("field 4 has wire type 0");
    REC(BASE_FIELDS; lcp_pb_put_bytes(&w, 9, "x", 1));
    REJECT("field 9 has wire type 2");
    REC(BASE_FIELDS; lcp_pb_put_tag(&w, 10, LCP_PB_I64); lcp_pb_put_raw(&w, "12345678", 8));
    REJECT("field 10 has wire type 1");
    REC(BASE_FIELDS; lcp_pb_put_uint(&w, 5, 2));
    REJECT("not a bool");
    REC(lcp_pb_put_bytes(&w, 1, a20, 20); lcp_pb_put_bytes(&w, 2, "s", 1); lcp_pb_put_bytes(&w, 3, m32, 32));
    REJECT("unknown qe_type"); /* qe_type 0 (omitted) */
    REC(lcp_pb_put_bytes(&w, 1, a20, 20); lcp_pb_put_bytes(&w, 2, "s", 1); lcp_pb_put_bytes(&w, 3, m32, 32);
        lcp_pb_put_uint(&w, 6, 4));
    REJECT("unknown qe_type");
    REC(lcp_pb_put_bytes(&w, 1, a20, 20); lcp_pb_put_bytes(&w, 2, "s", 1); lcp_pb_put_bytes(&w, 3, m32, 32);
        lcp_pb_put_uint(&w, 6, (uint64_t)1 << 32 | 1));
    REJECT("exceeds uint32"); /* would pass as 1 if truncated */
    REC(BASE_FIELDS; lcp_pb_put_uint(&w, 7, 5); lcp_pb_put_uint(&w, 10, 9));
    REJECT("unknown ra_type");
    REC(BASE_FIELDS; lcp_pb_put_bytes(&w, 8, "ev", 2));
    REJECT("unattested key carries");
    REC(BASE_FIELDS; lcp_pb_put_uint(&w, 10, 9));
    REJECT("unattested key carries");
    REC(BASE_FIELDS; lcp_pb_put_uint(&w, 7, 1));
    REJECT("without valid_to");
    REC(BASE_FIELDS; lcp_pb_put_uint(&w, 7, 1); lcp_pb_put_uint(&w, 9, 10); lcp_pb_put_uint(&w, 10, 9));
    REJECT("valid_from is after valid_to");
    REC(BASE_FIELDS; lcp_pb_put_uint(&w, 7, 1); lcp_pb_put_uint(&w, 9, 9); lcp_pb_put_uint(&w, 10, 9));
    OK(lcp_keystore_record_decode(&d, buf, w.len, err)); /* a one-second window is a window */
    /* Malformed protobuf. */
    REC(BASE_FIELDS; lcp_pb_put_tag(&w, 13, 3));
    REJECT("wire type 3");
    REC(BASE_FIELDS; lcp_pb_put_tag(&w, 4, LCP_PB_LEN); lcp_pb_put_varint(&w, 100); lcp_pb_put_raw(&w, "abc", 3));
    REJECT("claims 100 bytes");
    REC(BASE_FIELDS; lcp_pb_put_raw(&w, "\x80", 1));
    REJECT("bad field key");
    assert_int_equal(lcp_keystore_record_decode(&d, NULL, 0, err), LCP_ERR_HOST_KEY_RECORD);
#undef REC
#undef BASE_FIELDS
#undef REJECT
}

/* Every truncation and single-byte change of a full record: the decoder either rejects it as a record error or
 * returns an entry that re-encodes and decodes to itself; it never crashes or reads outside the input. */
static void test_decode_mutations(void **state)
{
    (void)state;
    uint8_t buf[512], m[512], re[512];
    lcp_keystore_entry k = mk_key(0x33, 0x44, 1, 1234567);
    k.ra_type = LCP_RA_TYPE_IAS;
    k.ra_evidence.ptr = AVR;
    k.ra_evidence.len = sizeof AVR - 1;
    k.valid_from = 100;
    k.valid_to = 200;
    size_t n = encode(buf, sizeof buf, &k);
    char err[LCP_ERR_LEN];
    lcp_keystore_entry d, d2;
    int accepted = 0, rejected = 0;
    for (size_t len = 0; len < n; len++) {
        uint8_t *p = malloc(len ? len : 1); /* exact size, so ASan sees any over-read */
        assert_non_null(p);
        memcpy(p, buf, len);
        int rc = lcp_keystore_record_decode(&d, p, len, err);
        assert_true(rc == LCP_OK || rc == LCP_ERR_HOST_KEY_RECORD);
        /* The last field (created_at) is a varint: a cut record can only be valid at a field boundary. */
        if (rc == LCP_OK) accepted++;
        else rejected++;
        free(p);
    }
    assert_true(rejected > (int)n - 8);
    for (size_t i = 0; i < n; i++) {
        for (int x = 1; x < 256; x <<= 1) {
            memcpy(m, buf, n);
            m[i] ^= (uint8_t)x;
            int rc = lcp_keystore_record_decode(&d, m, n, err);
            if (rc != LCP_OK) {
                assert_int_equal(rc, LCP_ERR_HOST_KEY_RECORD);
                rejected++;
                continue;
            }
            accepted++;
            size_t rn = encode(re, sizeof re, &d);
            OK(lcp_keystore_record_decode(&d2, re, rn, err));
            assert_same_entry(&d2, &d);
        }
    }
    assert_true(accepted > 0 && rejected > 0);
}

/* ---- operations ---- */

static void test_put_get(void **state)
{
    (void)state;
    fixture f;
    fx_open(&f);
    char err[LCP_ERR_LEN];
    lcp_keystore_entry k = mk_key(0xa1, 0x01, 0, 1000), got;
    lcp_store_txn *t = begin(&f, 1);
    OK(lcp_keystore_put(t, &k, err));
    OK(lcp_keystore_get(t, &got, k.address, err)); /* visible in its own transaction */
    assert_same_entry(&got, &k);
    commit(t);

    t = begin(&f, 1);
    lcp_keystore_entry other = mk_key(0xa1, 0x09, 1, 2000); /* same address */
    err[0] = 0;
    assert_int_equal(lcp_keystore_put(t, &other, err), LCP_ERR_HOST_KEY_EXISTS);
    assert_non_null(strstr(err, "0xa1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1"));
    OK(lcp_keystore_get(t, &got, k.address, err));
    assert_same_entry(&got, &k); /* untouched */
    uint8_t missing[20];
    memset(missing, 0xee, 20);
    assert_int_equal(lcp_keystore_get(t, &got, missing, err), LCP_ERR_HOST_KEY_NOT_FOUND);
    assert_non_null(strstr(err, "0xeeee"));
    /* Invalid entries are refused before anything is written. */
    lcp_keystore_entry bad = mk_key(0xb0, 1, 0, 1);
    bad.qe_type = 0;
    assert_int_equal(lcp_keystore_put(t, &bad, err), LCP_ERR_HOST_KEY_INVALID);
    bad = mk_key(0xb0, 1, 0, 1);
    bad.sealed_key.len = 0;
    assert_int_equal(lcp_keystore_put(t, &bad, err), LCP_ERR_HOST_KEY_INVALID);
    bad = mk_key(0xb0, 1, 0, 1);
    bad.valid_to = 5; /* window without an attestation type */
    assert_int_equal(lcp_keystore_put(t, &bad, err), LCP_ERR_HOST_KEY_INVALID);
    bad.ra_type = 77;
    assert_int_equal(lcp_keystore_put(t, &bad, err), LCP_ERR_HOST_KEY_INVALID);
    /* An already attested key may be stored whole (e.g. restored from a backup). */
    lcp_keystore_entry att = mk_key(0xb1, 1, 0, 1);
    att.ra_type = LCP_RA_TYPE_IAS;
    att.valid_from = 10;
    att.valid_to = 20;
    OK(lcp_keystore_put(t, &att, err));
    size_t n;
    OK(lcp_store_count(t, LCP_STORE_DB_KEYS, &n, err));
    assert_int_equal(n, 2);
    assert_int_equal(lcp_store_count(t, LCP_STORE_DB_ELC, &n, err), LCP_OK);
    assert_int_equal(n, 0); /* keys never land in the light-client database */
    commit(t);

    /* Read transactions cannot write: misuse. */
    t = begin(&f, 0);
    tu_count_illegal();
    lcp_keystore_entry k3 = mk_key(0xc0, 1, 0, 1);
    assert_int_equal(lcp_keystore_put(t, &k3, err), LCP_ERR_ILLEGAL_ARG);
    assert_int_equal(lcp_keystore_delete(t, k.address, err), LCP_ERR_ILLEGAL_ARG);
    assert_int_equal(tu_illegal_calls, 2);
    lcp_set_illegal_hook(NULL, NULL);
    lcp_store_abort(t);

    /* Durable across close and reopen. */
    lcp_store_close(f.s);
    OK(lcp_store_open(&f.s, f.home, 0, err));
    t = begin(&f, 0);
    OK(lcp_keystore_get(t, &got, k.address, err));
    assert_same_entry(&got, &k);
    OK(lcp_keystore_get(t, &got, att.address, err));
    assert_same_entry(&got, &att);
    lcp_store_abort(t);
    fx_close(&f);
}

static void test_record_attestation_once(void **state)
{
    (void)state;
    fixture f;
    fx_open(&f);
    char err[LCP_ERR_LEN];
    lcp_keystore_entry k = mk_key(0x10, 0x01, 1, 1000), got;
    lcp_store_txn *t = begin(&f, 1);
    OK(lcp_keystore_put(t, &k, err));
    /* Invalid attestations leave the key unattested. */
    assert_int_equal(lcp_keystore_record_attestation(t, k.address, LCP_RA_TYPE_NONE, AVR, 3, 1, 2, err),
                     LCP_ERR_HOST_KEY_INVALID);
    assert_int_equal(lcp_keystore_record_attestation(t, k.address, LCP_RA_TYPE_MAX + 1, AVR, 3, 1, 2, err),
                     LCP_ERR_HOST_KEY_INVALID);
    assert_int_equal(lcp_keystore_record_attestation(t, k.address, LCP_RA_TYPE_IAS, AVR, 3, 0, 0, err),
                     LCP_ERR_HOST_KEY_INVALID);
    assert_int_equal(lcp_keystore_record_attestation(t, k.address, LCP_RA_TYPE_IAS, AVR, 3, 3, 2, err),
                     LCP_ERR_HOST_KEY_INVALID);
    OK(lcp_keystore_get(t, &got, k.address, err));
    assert_same_entry(&got, &k);
    uint8_t missing[20] = {0};
    assert_int_equal(lcp_keystore_record_attestation(t, missing, LCP_RA_TYPE_IAS, AVR, 3, 1, 2, err),
                     LCP_ERR_HOST_KEY_NOT_FOUND);
    commit(t);

    t = begin(&f, 1);
    OK(lcp_keystore_record_attestation(t, k.address, LCP_RA_TYPE_IAS, AVR, sizeof AVR - 1, 1000, 1000 + 30 * 86400,
                                       err));
    commit(t);
    lcp_keystore_entry want = k;
    want.ra_type = LCP_RA_TYPE_IAS;
    want.ra_evidence.ptr = AVR;
    want.ra_evidence.len = sizeof AVR - 1;
    want.valid_from = 1000;
    want.valid_to = 1000 + 30 * 86400;
    t = begin(&f, 1);
    OK(lcp_keystore_get(t, &got, k.address, err));
    assert_same_entry(&got, &want); /* every other field kept */
    err[0] = 0;
    assert_int_equal(lcp_keystore_record_attestation(t, k.address, LCP_RA_TYPE_DCAP, (const uint8_t *)"q", 1, 5,
                                                     9, err),
                     LCP_ERR_HOST_KEY_ATTESTED);
    assert_non_null(strstr(err, "already attested"));
    OK(lcp_keystore_get(t, &got, k.address, err));
    assert_same_entry(&got, &want);
    lcp_store_abort(t);
    fx_close(&f);
}

/* Keys for the listing and pruning tests:
 *   0x01 mr A, release, IAS  valid_to 300   created 10
 *   0x02 mr A, release, DCAP valid_to 500   created 30
 *   0x03 mr A, release, unattested          created 20
 *   0x04 mr A, debug,   IAS  valid_to 900   created 40
 *   0x05 mr B, release, IAS  valid_to 800   created 50
 *   0x06 mr A, release, IAS  valid_to 500   created 20   (ties 0x02 on valid_to, 0x03 on created_at) */
static void add_population(fixture *f)
{
    char err[LCP_ERR_LEN];
    struct {
        uint8_t tag, mr;
        int debug;
        uint32_t ra;
        uint64_t valid_to, created;
    } p[] = {{1, 0xa, 0, LCP_RA_TYPE_IAS, 300, 10},  {2, 0xa, 0, LCP_RA_TYPE_DCAP, 500, 30},
             {3, 0xa, 0, LCP_RA_TYPE_NONE, 0, 20},   {4, 0xa, 1, LCP_RA_TYPE_IAS, 900, 40},
             {5, 0xb, 0, LCP_RA_TYPE_IAS, 800, 50},  {6, 0xa, 0, LCP_RA_TYPE_IAS, 500, 20}};
    lcp_store_txn *t = begin(f, 1);
    /* Inserted in reverse to show that order comes from the fields, not insertion. */
    for (int i = (int)(sizeof p / sizeof p[0]) - 1; i >= 0; i--) {
        lcp_keystore_entry k = mk_key(p[i].tag, p[i].mr, p[i].debug, p[i].created);
        OK(lcp_keystore_put(t, &k, err));
        if (p[i].ra != LCP_RA_TYPE_NONE)
            OK(lcp_keystore_record_attestation(t, k.address, p[i].ra, AVR, 4, 1, p[i].valid_to, err));
    }
    commit(t);
}

static void expect_order(const lcp_keystore_entry *v, size_t n, const uint8_t *tags, size_t ntags)
{
    assert_int_equal(n, ntags);
    for (size_t i = 0; i < n; i++) assert_int_equal(v[i].address[0], tags[i]);
}

static void test_list(void **state)
{
    (void)state;
    fixture f;
    fx_open(&f);
    char err[LCP_ERR_LEN];
    lcp_keystore_entry *v = (lcp_keystore_entry *)&f;
    size_t n = 99;
    lcp_store_txn *t = begin(&f, 0);
    OK(lcp_keystore_list(t, &v, &n, NULL, err)); /* empty store */
    assert_null(v);
    assert_int_equal(n, 0);
    lcp_store_abort(t);

    add_population(&f);
    t = begin(&f, 0);
    OK(lcp_keystore_list(t, &v, &n, NULL, err));
    expect_order(v, n, (const uint8_t[]){1, 3, 6, 2, 4, 5}, 6); /* created_at, then address */
    assert_int_equal(v[1].ra_type, LCP_RA_TYPE_NONE);
    assert_int_equal(v[3].ra_type, LCP_RA_TYPE_DCAP);
    assert_bytes(v[3].sealed_key, SEALED, sizeof SEALED - 1);
    lcp_free(v);

    lcp_keystore_filter flt;
    memset(&flt, 0, sizeof flt);
    memset(flt.mrenclave, 0xa, 32);
    OK(lcp_keystore_list(t, &v, &n, &flt, err));
    expect_order(v, n, (const uint8_t[]){2, 6, 1}, 3); /* valid_to desc, ties by address; no 3, 4, 5 */
    assert_int_equal(v[0].valid_to, 500);
    assert_int_equal(v[2].valid_to, 300);
    lcp_free(v);

    flt.ra_type = LCP_RA_TYPE_IAS;
    OK(lcp_keystore_list(t, &v, &n, &flt, err));
    expect_order(v, n, (const uint8_t[]){6, 1}, 2);
    lcp_free(v);

    flt.ra_type = LCP_RA_TYPE_NONE;
    flt.enclave_debug = 1;
    OK(lcp_keystore_list(t, &v, &n, &flt, err));
    expect_order(v, n, (const uint8_t[]){4}, 1);
    lcp_free(v);

    memset(flt.mrenclave, 0xc, 32);
    OK(lcp_keystore_list(t, &v, &n, &flt, err));
    assert_int_equal(n, 0);
    assert_null(v);
    lcp_store_abort(t);
    fx_close(&f);
}

static void test_delete(void **state)
{
    (void)state;
    fixture f;
    fx_open(&f);
    char err[LCP_ERR_LEN];
    add_population(&f);
    lcp_store_txn *t = begin(&f, 1);
    uint8_t a[20];
    memset(a, 2, 20);
    OK(lcp_keystore_delete(t, a, err));
    lcp_keystore_entry got;
    assert_int_equal(lcp_keystore_get(t, &got, a, err), LCP_ERR_HOST_KEY_NOT_FOUND);
    assert_int_equal(lcp_keystore_delete(t, a, err), LCP_ERR_HOST_KEY_NOT_FOUND);
    commit(t);
    t = begin(&f, 0);
    size_t n;
    OK(lcp_store_count(t, LCP_STORE_DB_KEYS, &n, err));
    assert_int_equal(n, 5);
    memset(a, 1, 20);
    OK(lcp_keystore_get(t, &got, a, err)); /* the others stay */
    lcp_store_abort(t);
    fx_close(&f);
}

static size_t count_keys(fixture *f)
{
    char err[LCP_ERR_LEN];
    size_t n;
    lcp_store_txn *t = begin(f, 0);
    OK(lcp_store_count(t, LCP_STORE_DB_KEYS, &n, err));
    lcp_store_abort(t);
    return n;
}

static int has_key(fixture *f, uint8_t tag)
{
    char err[LCP_ERR_LEN];
    uint8_t a[20];
    memset(a, tag, 20);
    lcp_keystore_entry got;
    lcp_store_txn *t = begin(f, 0);
    int rc = lcp_keystore_get(t, &got, a, err);
    lcp_store_abort(t);
    assert_true(rc == LCP_OK || rc == LCP_ERR_HOST_KEY_NOT_FOUND);
    return rc == LCP_OK;
}

static size_t prune(fixture *f, int mode, uint64_t now, uint64_t period)
{
    char err[LCP_ERR_LEN];
    size_t deleted = 999;
    lcp_store_txn *t = begin(f, 1);
    OK(lcp_keystore_prune(t, &deleted, mode, now, period, err));
    commit(t);
    return deleted;
}

static void test_prune_unattested(void **state)
{
    (void)state;
    fixture f;
    fx_open(&f);
    char err[LCP_ERR_LEN];
    add_population(&f);
    lcp_store_txn *t = begin(&f, 1);
    lcp_keystore_entry k7 = mk_key(7, 0xa, 0, 25), k8 = mk_key(8, 0xa, 0, 26);
    OK(lcp_keystore_put(t, &k7, err));
    OK(lcp_keystore_put(t, &k8, err));
    commit(t);
    /* Unattested: 0x03 (created 20), 0x07 (25), 0x08 (26). Attested keys are never pruned in this mode. */
    assert_int_equal(prune(&f, LCP_KEYSTORE_PRUNE_UNATTESTED, 10, 20), 0);  /* period > now: nothing */
    assert_int_equal(prune(&f, LCP_KEYSTORE_PRUNE_UNATTESTED, 119, 100), 0); /* threshold 19 */
    assert_int_equal(prune(&f, LCP_KEYSTORE_PRUNE_UNATTESTED, 120, 100), 1); /* threshold 20: created_at <= */
    assert_false(has_key(&f, 3));
    assert_true(has_key(&f, 7));
    assert_int_equal(prune(&f, LCP_KEYSTORE_PRUNE_UNATTESTED, 1000, 0), 2); /* period 0: every unattested key */
    assert_int_equal(count_keys(&f), 5);
    assert_int_equal(prune(&f, LCP_KEYSTORE_PRUNE_UNATTESTED, UINT64_MAX, LCP_KEYSTORE_DEFAULT_EXPIRATION_PERIOD), 0);
    assert_true(has_key(&f, 1) && has_key(&f, 2) && has_key(&f, 4) && has_key(&f, 5) && has_key(&f, 6));
    /* The default period is the spec's 30 days. */
    assert_int_equal(LCP_KEYSTORE_DEFAULT_EXPIRATION_PERIOD, 2592000);
    fx_close(&f);
}

static void test_prune_expired(void **state)
{
    (void)state;
    fixture f;
    fx_open(&f);
    add_population(&f);
    /* valid_to: 0x01 300, 0x02 500, 0x06 500, 0x05 800, 0x04 900; 0x03 unattested (kept). */
    assert_int_equal(prune(&f, LCP_KEYSTORE_PRUNE_EXPIRED, 299, 12345), 0);
    assert_int_equal(prune(&f, LCP_KEYSTORE_PRUNE_EXPIRED, 300, 0), 1); /* valid_to <= now */
    assert_false(has_key(&f, 1));
    assert_int_equal(prune(&f, LCP_KEYSTORE_PRUNE_EXPIRED, 500, 0), 2);
    assert_int_equal(prune(&f, LCP_KEYSTORE_PRUNE_EXPIRED, UINT64_MAX, 0), 2);
    assert_int_equal(count_keys(&f), 1);
    assert_true(has_key(&f, 3));
    /* An aborted prune deletes nothing. */
    char err[LCP_ERR_LEN];
    size_t deleted;
    lcp_store_txn *t = begin(&f, 1);
    OK(lcp_keystore_prune(t, &deleted, LCP_KEYSTORE_PRUNE_UNATTESTED, 1000, 0, err));
    assert_int_equal(deleted, 1);
    lcp_store_abort(t);
    assert_true(has_key(&f, 3));
    /* An unknown mode is misuse. */
    tu_count_illegal();
    t = begin(&f, 1);
    assert_int_equal(lcp_keystore_prune(t, NULL, 2, 0, 0, err), LCP_ERR_ILLEGAL_ARG);
    assert_int_equal(tu_illegal_calls, 1);
    lcp_set_illegal_hook(NULL, NULL);
    lcp_store_abort(t);
    fx_close(&f);
}

/* A damaged record is reported with its address by every reader, and can still be deleted. */
static void test_corrupt_records(void **state)
{
    (void)state;
    fixture f;
    fx_open(&f);
    char err[LCP_ERR_LEN];
    add_population(&f);
    uint8_t a[20];
    memset(a, 0x77, 20);
    lcp_store_txn *t = begin(&f, 1);
    OK(lcp_store_put(t, LCP_STORE_DB_KEYS, a, 20, "\x0a\x05junk!", 7, err));
    commit(t);

    t = begin(&f, 1);
    lcp_keystore_entry got, *v = NULL;
    size_t n = 5;
    err[0] = 0;
    assert_int_equal(lcp_keystore_get(t, &got, a, err), LCP_ERR_HOST_KEY_RECORD);
    assert_non_null(strstr(err, "0x7777777777777777777777777777777777777777"));
    assert_non_null(strstr(err, "address of 5"));
    assert_int_equal(lcp_keystore_list(t, &v, &n, NULL, err), LCP_ERR_HOST_KEY_RECORD);
    assert_null(v);
    assert_int_equal(n, 0);
    assert_int_equal(lcp_keystore_prune(t, &n, LCP_KEYSTORE_PRUNE_UNATTESTED, 1000, 0, err), LCP_ERR_HOST_KEY_RECORD);
    assert_int_equal(n, 0);
    assert_int_equal(lcp_keystore_record_attestation(t, a, LCP_RA_TYPE_IAS, AVR, 3, 1, 2, err),
                     LCP_ERR_HOST_KEY_RECORD);
    OK(lcp_keystore_delete(t, a, err));
    OK(lcp_keystore_list(t, &v, &n, NULL, err));
    assert_int_equal(n, 6);
    lcp_free(v);

    /* A valid record stored under another address. */
    uint8_t rec[512];
    lcp_keystore_entry k = mk_key(0x01, 0xa, 0, 1);
    size_t rn = encode(rec, sizeof rec, &k);
    OK(lcp_store_put(t, LCP_STORE_DB_KEYS, a, 20, rec, rn, err));
    assert_int_equal(lcp_keystore_get(t, &got, a, err), LCP_ERR_HOST_KEY_RECORD);
    assert_non_null(strstr(err, "another address"));
    OK(lcp_keystore_delete(t, a, err));
    /* A database key that is not an address. */
    OK(lcp_store_put(t, LCP_STORE_DB_KEYS, "short", 5, rec, rn, err));
    assert_int_equal(lcp_keystore_list(t, &v, &n, NULL, err), LCP_ERR_HOST_KEY_RECORD);
    assert_non_null(strstr(err, "not an address"));
    lcp_store_abort(t);
    fx_close(&f);
}

/* A key and light-client state written in one transaction commit or vanish together. */
static void test_atomic_with_elc_state(void **state)
{
    (void)state;
    fixture f;
    fx_open(&f);
    char err[LCP_ERR_LEN];
    lcp_keystore_entry k = mk_key(0x42, 1, 0, 1), got;
    lcp_store_txn *t = begin(&f, 1);
    OK(lcp_keystore_put(t, &k, err));
    OK(lcp_store_put(t, LCP_STORE_DB_ELC, "clients/x/clientState", 21, "cs", 2, err));
    lcp_store_abort(t);
    t = begin(&f, 0);
    assert_int_equal(lcp_keystore_get(t, &got, k.address, err), LCP_ERR_HOST_KEY_NOT_FOUND);
    lcp_bytes v;
    int found;
    OK(lcp_store_get(t, LCP_STORE_DB_ELC, "clients/x/clientState", 21, &v, &found, err));
    assert_int_equal(found, 0);
    lcp_store_abort(t);

    t = begin(&f, 1);
    OK(lcp_keystore_put(t, &k, err));
    OK(lcp_store_put(t, LCP_STORE_DB_ELC, "clients/x/clientState", 21, "cs", 2, err));
    commit(t);
    t = begin(&f, 0);
    OK(lcp_keystore_get(t, &got, k.address, err));
    OK(lcp_store_get(t, LCP_STORE_DB_ELC, "clients/x/clientState", 21, &v, &found, err));
    assert_int_equal(found, 1);
    lcp_store_abort(t);
    fx_close(&f);
}

/* ---- allocation failure ---- */
typedef struct {
    int countdown;
} fail_alloc;
static void *fa_malloc(size_t n, void *d)
{
    fail_alloc *f = d;
    if (f->countdown == 0) return NULL;
    if (f->countdown > 0) f->countdown--;
    return malloc(n);
}
static void *fa_realloc(void *p, size_t n, void *d)
{
    fail_alloc *f = d;
    if (f->countdown == 0) return NULL;
    if (f->countdown > 0) f->countdown--;
    return realloc(p, n);
}
static void fa_free(void *p, void *d)
{
    (void)d;
    free(p);
}

static void test_allocation_failure(void **state)
{
    (void)state;
    fixture f;
    fx_open(&f);
    char err[LCP_ERR_LEN];
    add_population(&f);
    /* More than the list's first allocation of 8 entries, so it grows. */
    lcp_store_txn *t = begin(&f, 1);
    for (uint8_t i = 0x20; i < 0x2c; i++) {
        lcp_keystore_entry k = mk_key(i, 0xa, 0, 1);
        OK(lcp_keystore_put(t, &k, err));
    }
    commit(t);
    fail_alloc fa;
    lcp_allocator a = {fa_malloc, fa_free, fa_realloc, &fa};
    int failures = 0;
    for (int n = 0;; n++) {
        fa.countdown = n;
        lcp_set_allocator(&a);
        lcp_store_txn *w = NULL;
        lcp_keystore_entry *v = NULL;
        size_t cnt = 0, deleted = 0;
        lcp_keystore_entry k = mk_key(0x99, 0xa, 0, 1);
        int rc = lcp_store_begin(f.s, &w, 1, err);
        if (rc == LCP_OK) rc = lcp_keystore_put(w, &k, err);
        if (rc == LCP_OK) rc = lcp_keystore_record_attestation(w, k.address, LCP_RA_TYPE_IAS, AVR, 3, 1, 2, err);
        if (rc == LCP_OK) rc = lcp_keystore_list(w, &v, &cnt, NULL, err);
        lcp_free(v);
        if (rc == LCP_OK) rc = lcp_keystore_prune(w, &deleted, LCP_KEYSTORE_PRUNE_UNATTESTED, 100, 0, err);
        lcp_store_abort(w); /* never committed: each round starts from the same state */
        lcp_set_allocator(NULL);
        if (rc == LCP_OK) {
            assert_int_equal(cnt, 19);
            assert_int_equal(deleted, 13);
            break;
        }
        assert_int_equal(rc, LCP_ERR_NOMEM);
        failures++;
        assert_true(n < 100);
    }
    assert_true(failures >= 6);
    assert_int_equal(count_keys(&f), 18);
    fx_close(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_codec_matches_protobuf_c),
        cmocka_unit_test(test_decode_rejects),
        cmocka_unit_test(test_decode_mutations),
        cmocka_unit_test(test_put_get),
        cmocka_unit_test(test_record_attestation_once),
        cmocka_unit_test(test_list),
        cmocka_unit_test(test_delete),
        cmocka_unit_test(test_prune_unattested),
        cmocka_unit_test(test_prune_expired),
        cmocka_unit_test(test_corrupt_records),
        cmocka_unit_test(test_atomic_with_elc_state),
        cmocka_unit_test(test_allocation_failure),
    };
    return cmocka_run_group_tests_name("host/keystore", tests, NULL, NULL);
}
