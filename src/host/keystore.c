/* The enclave key store (lcp/host_keystore.h, spec §4) over the host store's "enclave_keys" database. Records
 * are lcp.host.v1.EnclaveKeyRecord (proto/lcp_host.proto), written by hand in proto3 canonical form so the bytes
 * equal protobuf-c's, and decoded strictly: stored bytes that do not make a valid record are reported, never
 * half-used. */
#include "lcp/host_keystore.h"

#include <stdlib.h>
#include <string.h>

#include "lcp/codec_pb.h"

enum {
    F_ADDRESS = 1,
    F_SEALED_KEY = 2,
    F_MRENCLAVE = 3,
    F_REPORT = 4,
    F_DEBUG = 5,
    F_QE_TYPE = 6,
    F_RA_TYPE = 7,
    F_RA_EVIDENCE = 8,
    F_VALID_FROM = 9,
    F_VALID_TO = 10,
    F_CREATED_AT = 11
};

/* NULL if k satisfies the rules stated on lcp_keystore_entry, else why not. */
static const char *entry_problem(const lcp_keystore_entry *k)
{
    if (k->sealed_key.len == 0) return "sealed key is empty";
    if (k->qe_type < LCP_QE_TYPE_QE || k->qe_type > LCP_QE_TYPE_QE3SIM) return "unknown qe_type";
    if (k->ra_type > LCP_RA_TYPE_MAX) return "unknown ra_type";
    if (k->ra_type == LCP_RA_TYPE_NONE) {
        if (k->ra_evidence.len != 0 || k->valid_from != 0 || k->valid_to != 0)
            return "unattested key carries attestation fields";
    } else {
        if (k->valid_to == 0) return "attested key without valid_to";
        if (k->valid_from > k->valid_to) return "valid_from is after valid_to";
    }
    return NULL;
}

int lcp_keystore_record_encode(uint8_t *buf, size_t cap, size_t *len, const lcp_keystore_entry *k)
{
    LCP_ARG_CHECK(len != NULL && k != NULL);
    lcp_pb_writer w;
    lcp_pb_writer_init(&w, buf, cap);
    lcp_pb_put_bytes(&w, F_ADDRESS, k->address, sizeof k->address);
    lcp_pb_put_bytes_opt(&w, F_SEALED_KEY, k->sealed_key.ptr, k->sealed_key.len);
    lcp_pb_put_bytes(&w, F_MRENCLAVE, k->mrenclave, sizeof k->mrenclave);
    lcp_pb_put_bytes_opt(&w, F_REPORT, k->report.ptr, k->report.len);
    lcp_pb_put_uint_opt(&w, F_DEBUG, k->enclave_debug ? 1 : 0);
    lcp_pb_put_uint_opt(&w, F_QE_TYPE, k->qe_type);
    lcp_pb_put_uint_opt(&w, F_RA_TYPE, k->ra_type);
    lcp_pb_put_bytes_opt(&w, F_RA_EVIDENCE, k->ra_evidence.ptr, k->ra_evidence.len);
    lcp_pb_put_uint_opt(&w, F_VALID_FROM, k->valid_from);
    lcp_pb_put_uint_opt(&w, F_VALID_TO, k->valid_to);
    lcp_pb_put_uint_opt(&w, F_CREATED_AT, k->created_at);
    *len = w.len;
    return lcp_pb_writer_status(&w);
}

static int read_address(void *dst, const lcp_pb_field *f, char *err)
{
    if (f->bytes.len != LCP_KEYSTORE_ADDRESS_LEN)
        return lcp_fail(err, LCP_ERR_HOST_KEY_RECORD, "key record: address of %zu bytes", f->bytes.len);
    memcpy(dst, f->bytes.ptr, LCP_KEYSTORE_ADDRESS_LEN);
    return LCP_OK;
}

static int read_mrenclave(void *dst, const lcp_pb_field *f, char *err)
{
    if (f->bytes.len != LCP_KEYSTORE_MRENCLAVE_LEN)
        return lcp_fail(err, LCP_ERR_HOST_KEY_RECORD, "key record: mrenclave of %zu bytes", f->bytes.len);
    memcpy(dst, f->bytes.ptr, LCP_KEYSTORE_MRENCLAVE_LEN);
    return LCP_OK;
}

/* Only 0 or 1: we write nothing else, so anything else is not our record. */
static int read_debug(void *dst, const lcp_pb_field *f, char *err)
{
    if (f->u > 1) return lcp_fail(err, LCP_ERR_HOST_KEY_RECORD, "key record: enclave_debug is not a bool");
    *(int *)dst = (int)f->u;
    return LCP_OK;
}

static int record_check(void *dst, char *err)
{
    const char *p = entry_problem(dst);
    return p != NULL ? lcp_fail(err, LCP_ERR_HOST_KEY_RECORD, "key record: %s", p) : LCP_OK;
}

#define KE lcp_keystore_entry
static const lcp_pb_fdesc record_fields[] = {
    LCP_PB_FN(F_ADDRESS, LCP_PB_LEN, KE, address, read_address, .flags = LCP_PB_F_REQUIRED, .name = "address"),
    LCP_PB_BYTES(F_SEALED_KEY, KE, sealed_key),
    LCP_PB_FN(F_MRENCLAVE, LCP_PB_LEN, KE, mrenclave, read_mrenclave, .flags = LCP_PB_F_REQUIRED, .name = "mrenclave"),
    LCP_PB_BYTES(F_REPORT, KE, report),
    LCP_PB_FN(F_DEBUG, LCP_PB_VARINT, KE, enclave_debug, read_debug),
    LCP_PB_U32(F_QE_TYPE, KE, qe_type),
    LCP_PB_U32(F_RA_TYPE, KE, ra_type),
    LCP_PB_BYTES(F_RA_EVIDENCE, KE, ra_evidence),
    LCP_PB_U64(F_VALID_FROM, KE, valid_from),
    LCP_PB_U64(F_VALID_TO, KE, valid_to),
    LCP_PB_U64(F_CREATED_AT, KE, created_at),
};
#undef KE
/* We never write a field twice (LCP_PB_ONCE): a repeat means the bytes are not ours. A later version's fields are
 * skipped, as protobuf requires. */
static const lcp_pb_desc record_desc =
    LCP_PB_DESC("key record", LCP_ERR_HOST_KEY_RECORD, LCP_PB_ONCE | LCP_PB_CTX, record_fields, record_check);

int lcp_keystore_record_decode(lcp_keystore_entry *out, const uint8_t *in, size_t len, char *err)
{
    LCP_ARG_CHECK(out != NULL);
    LCP_ARG_CHECK(in != NULL || len == 0);
    memset(out, 0, sizeof *out);
    return lcp_pb_decode(&record_desc, out, in, len, err);
}

/* "0x" + 40 hex digits, for messages. */
static void addr_hex(char out[43], const uint8_t *a)
{
    out[0] = '0';
    out[1] = 'x';
    (void)lcp_hex_encode(out + 2, 41, a, LCP_KEYSTORE_ADDRESS_LEN);
}

/* Decodes the record stored under key, checking that it names the same address. */
static int decode_stored(lcp_keystore_entry *out, lcp_bytes key, lcp_bytes val, char *err)
{
    char hex[43];
    if (key.len != LCP_KEYSTORE_ADDRESS_LEN) {
        return lcp_fail(err, LCP_ERR_HOST_KEY_RECORD, "enclave_keys: stored key of %zu bytes is not an address",
                        key.len);
    }
    addr_hex(hex, key.ptr);
    int rc = lcp_keystore_record_decode(out, val.ptr, val.len, err);
    if (rc != LCP_OK) return lcp_fail_ctx(err, rc, hex);
    if (memcmp(out->address, key.ptr, LCP_KEYSTORE_ADDRESS_LEN) != 0)
        return lcp_fail(err, LCP_ERR_HOST_KEY_RECORD, "%s: record names another address", hex);
    return LCP_OK;
}

/* Encodes k into a new buffer and stores it under its address. */
static int store_entry(lcp_store_txn *t, const lcp_keystore_entry *k, char *err)
{
    size_t n;
    int rc = lcp_keystore_record_encode(NULL, 0, &n, k);
    if (rc != LCP_OK) return rc;
    uint8_t *buf = lcp_malloc(n);
    if (buf == NULL) return lcp_fail(err, LCP_ERR_NOMEM, NULL);
    rc = lcp_keystore_record_encode(buf, n, &n, k);
    if (rc == LCP_OK) rc = lcp_store_put(t, LCP_STORE_DB_KEYS, k->address, LCP_KEYSTORE_ADDRESS_LEN, buf, n, err);
    lcp_free(buf);
    return rc;
}

int lcp_keystore_put(lcp_store_txn *t, const lcp_keystore_entry *k, char *err)
{
    LCP_ARG_CHECK(t != NULL && k != NULL);
    LCP_ARG_CHECK(lcp_store_txn_is_write(t));
    LCP_ARG_CHECK(k->sealed_key.ptr != NULL || k->sealed_key.len == 0);
    LCP_ARG_CHECK(k->report.ptr != NULL || k->report.len == 0);
    LCP_ARG_CHECK(k->ra_evidence.ptr != NULL || k->ra_evidence.len == 0);
    const char *p = entry_problem(k);
    if (p != NULL) return lcp_fail(err, LCP_ERR_HOST_KEY_INVALID, "enclave key: %s", p);
    lcp_bytes old;
    int found;
    int rc = lcp_store_get(t, LCP_STORE_DB_KEYS, k->address, LCP_KEYSTORE_ADDRESS_LEN, &old, &found, err);
    if (rc != LCP_OK) return rc;
    if (found) {
        char hex[43];
        addr_hex(hex, k->address);
        return lcp_fail(err, LCP_ERR_HOST_KEY_EXISTS, "enclave key %s exists", hex);
    }
    return store_entry(t, k, err);
}

int lcp_keystore_get(lcp_store_txn *t, lcp_keystore_entry *out, const uint8_t address[LCP_KEYSTORE_ADDRESS_LEN],
                     char *err)
{
    LCP_ARG_CHECK(t != NULL && out != NULL && address != NULL);
    memset(out, 0, sizeof *out);
    lcp_bytes val;
    int found;
    int rc = lcp_store_get(t, LCP_STORE_DB_KEYS, address, LCP_KEYSTORE_ADDRESS_LEN, &val, &found, err);
    if (rc != LCP_OK) return rc;
    if (!found) {
        char hex[43];
        addr_hex(hex, address);
        return lcp_fail(err, LCP_ERR_HOST_KEY_NOT_FOUND, "no enclave key %s", hex);
    }
    lcp_bytes key = {address, LCP_KEYSTORE_ADDRESS_LEN};
    rc = decode_stored(out, key, val, err);
    if (rc != LCP_OK) memset(out, 0, sizeof *out);
    return rc;
}

/* ---- listing ---- */

typedef struct {
    const lcp_keystore_filter *filter;
    lcp_keystore_entry *v;
    size_t n, cap;
    char *err;
} list_ctx;

static int list_one(void *ud, lcp_bytes key, lcp_bytes val)
{
    list_ctx *c = ud;
    lcp_keystore_entry e;
    int rc = decode_stored(&e, key, val, c->err);
    if (rc != LCP_OK) return rc;
    const lcp_keystore_filter *f = c->filter;
    if (f != NULL) {
        if (e.valid_to == 0 || (e.enclave_debug != 0) != (f->enclave_debug != 0) ||
            memcmp(e.mrenclave, f->mrenclave, LCP_KEYSTORE_MRENCLAVE_LEN) != 0 ||
            (f->ra_type != LCP_RA_TYPE_NONE && e.ra_type != f->ra_type))
            return 0;
    }
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 8;
        if (cap > SIZE_MAX / sizeof *c->v) return lcp_fail(c->err, LCP_ERR_NOMEM, NULL);
        lcp_keystore_entry *v = lcp_realloc(c->v, cap * sizeof *v);
        if (v == NULL) return lcp_fail(c->err, LCP_ERR_NOMEM, NULL);
        c->v = v;
        c->cap = cap;
    }
    c->v[c->n++] = e;
    return 0;
}

static int cmp_u64(uint64_t a, uint64_t b)
{
    return (a > b) - (a < b);
}

static int by_created(const void *pa, const void *pb)
{
    const lcp_keystore_entry *a = pa, *b = pb;
    int c = cmp_u64(a->created_at, b->created_at);
    return c ? c : memcmp(a->address, b->address, LCP_KEYSTORE_ADDRESS_LEN);
}

static int by_valid_to_desc(const void *pa, const void *pb)
{
    const lcp_keystore_entry *a = pa, *b = pb;
    int c = cmp_u64(b->valid_to, a->valid_to);
    return c ? c : memcmp(a->address, b->address, LCP_KEYSTORE_ADDRESS_LEN);
}

int lcp_keystore_list(lcp_store_txn *t, lcp_keystore_entry **out, size_t *n, const lcp_keystore_filter *filter,
                      char *err)
{
    LCP_ARG_CHECK(t != NULL && out != NULL && n != NULL);
    *out = NULL;
    *n = 0;
    list_ctx c = {filter, NULL, 0, 0, err};
    int rc = lcp_store_iter(t, LCP_STORE_DB_KEYS, NULL, 0, list_one, &c, err);
    if (rc != LCP_OK) {
        lcp_free(c.v);
        return rc;
    }
    if (c.n > 1) qsort(c.v, c.n, sizeof *c.v, filter ? by_valid_to_desc : by_created);
    if (c.n == 0) {
        lcp_free(c.v);
        c.v = NULL;
    }
    *out = c.v;
    *n = c.n;
    return LCP_OK;
}

/* ---- changes ---- */

int lcp_keystore_record_attestation(lcp_store_txn *t, const uint8_t address[LCP_KEYSTORE_ADDRESS_LEN],
                                    uint32_t ra_type, const uint8_t *evidence, size_t evidence_len,
                                    uint64_t valid_from, uint64_t valid_to, char *err)
{
    LCP_ARG_CHECK(t != NULL && address != NULL);
    LCP_ARG_CHECK(lcp_store_txn_is_write(t));
    LCP_ARG_CHECK(evidence != NULL || evidence_len == 0);
    if (ra_type == LCP_RA_TYPE_NONE || ra_type > LCP_RA_TYPE_MAX)
        return lcp_fail(err, LCP_ERR_HOST_KEY_INVALID, "attestation: ra_type %u is not an attestation type", ra_type);
    if (valid_to == 0 || valid_from > valid_to)
        return lcp_fail(err, LCP_ERR_HOST_KEY_INVALID, "attestation: validity window [%llu, %llu] is empty",
                        (unsigned long long)valid_from, (unsigned long long)valid_to);
    lcp_keystore_entry e;
    int rc = lcp_keystore_get(t, &e, address, err);
    if (rc != LCP_OK) return rc;
    if (e.ra_type != LCP_RA_TYPE_NONE) {
        char hex[43];
        addr_hex(hex, address);
        return lcp_fail(err, LCP_ERR_HOST_KEY_ATTESTED, "enclave key %s is already attested", hex);
    }
    e.ra_type = ra_type;
    e.ra_evidence.ptr = evidence;
    e.ra_evidence.len = evidence_len;
    e.valid_from = valid_from;
    e.valid_to = valid_to;
    /* e's other views point into the map; store_entry encodes them into its own buffer before the put. */
    return store_entry(t, &e, err);
}

int lcp_keystore_delete(lcp_store_txn *t, const uint8_t address[LCP_KEYSTORE_ADDRESS_LEN], char *err)
{
    LCP_ARG_CHECK(t != NULL && address != NULL);
    LCP_ARG_CHECK(lcp_store_txn_is_write(t));
    int found;
    int rc = lcp_store_del(t, LCP_STORE_DB_KEYS, address, LCP_KEYSTORE_ADDRESS_LEN, &found, err);
    if (rc != LCP_OK) return rc;
    if (!found) {
        char hex[43];
        addr_hex(hex, address);
        return lcp_fail(err, LCP_ERR_HOST_KEY_NOT_FOUND, "no enclave key %s", hex);
    }
    return LCP_OK;
}

typedef struct {
    int mode;
    uint64_t now, period;
    uint8_t (*addr)[LCP_KEYSTORE_ADDRESS_LEN];
    size_t n, cap;
    char *err;
} prune_ctx;

static int prune_one(void *ud, lcp_bytes key, lcp_bytes val)
{
    prune_ctx *c = ud;
    lcp_keystore_entry e;
    int rc = decode_stored(&e, key, val, c->err);
    if (rc != LCP_OK) return rc;
    int match;
    if (c->mode == LCP_KEYSTORE_PRUNE_EXPIRED) {
        match = e.ra_type != LCP_RA_TYPE_NONE && e.valid_to <= c->now;
    } else {
        /* created_at <= now - period, written without the subtraction that would wrap when period > now. */
        match = e.ra_type == LCP_RA_TYPE_NONE && c->period <= c->now && e.created_at <= c->now - c->period;
    }
    if (!match) return 0;
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 16;
        if (cap > SIZE_MAX / sizeof *c->addr) return lcp_fail(c->err, LCP_ERR_NOMEM, NULL);
        uint8_t(*v)[LCP_KEYSTORE_ADDRESS_LEN] = lcp_realloc(c->addr, cap * sizeof *v);
        if (v == NULL) return lcp_fail(c->err, LCP_ERR_NOMEM, NULL);
        c->addr = v;
        c->cap = cap;
    }
    memcpy(c->addr[c->n++], key.ptr, LCP_KEYSTORE_ADDRESS_LEN);
    return 0;
}

int lcp_keystore_prune(lcp_store_txn *t, size_t *deleted, int mode, uint64_t now, uint64_t expiration_period,
                       char *err)
{
    LCP_ARG_CHECK(t != NULL);
    LCP_ARG_CHECK(lcp_store_txn_is_write(t));
    LCP_ARG_CHECK(mode == LCP_KEYSTORE_PRUNE_UNATTESTED || mode == LCP_KEYSTORE_PRUNE_EXPIRED);
    if (deleted != NULL) *deleted = 0;
    prune_ctx c = {mode, now, expiration_period, NULL, 0, 0, err};
    /* Matches are collected first and deleted after: the store forbids writes while it iterates. */
    int rc = lcp_store_iter(t, LCP_STORE_DB_KEYS, NULL, 0, prune_one, &c, err);
    for (size_t i = 0; rc == LCP_OK && i < c.n; i++)
        rc = lcp_store_del(t, LCP_STORE_DB_KEYS, c.addr[i], LCP_KEYSTORE_ADDRESS_LEN, NULL, err);
    if (rc == LCP_OK && deleted != NULL) *deleted = c.n;
    lcp_free(c.addr);
    return rc;
}
