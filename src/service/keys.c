/* lcp.service.enclave.v1.Query: EnclaveInfo (cached from the enclave at start), AvailableEnclaveKeys and
 * EnclaveKey (the key store, read in a snapshot on the network thread: a few records, no enclave involved).
 *
 * A key record's evidence is decoded by lcp/host_evidence.h (the forms are described there) and becomes an
 * EnclaveKeyInfo here: IAS as {report, signature, signing_cert}; DCAP with LCP's QVCollateral, which wants the PCS
 * envelopes {"tcbInfo": .., "signature": ..} and {"enclaveIdentity": .., "signature": ..} rebuilt around the signed
 * texts, plus the DER of the root and TCB-signing certificates (from the PEM chain) and of both CRLs; zkDCAP with
 * its RISC Zero proof. Missing members stay empty; the validity window is always the record's valid_from /
 * valid_to.
 */
#include <stdio.h>
#include <string.h>

#include "lcp/host_evidence.h"
#include "service_internal.h"

/* Byte fields decoded from the evidence live in one arena freed after the response is packed. */
typedef struct {
    void **blocks;
    size_t n, cap;
    int failed; /* an allocation failed: the response must not be sent half-filled */
} arena;

static void *arena_alloc(arena *a, size_t n)
{
    if (a->n == a->cap) {
        size_t nc = a->cap ? a->cap * 2 : 16;
        void **g = lcp_realloc(a->blocks, nc * sizeof *g);
        if (!g) {
            a->failed = 1;
            return NULL;
        }
        a->blocks = g;
        a->cap = nc;
    }
    void *p = lcp_malloc(n ? n : 1);
    if (p) a->blocks[a->n++] = p;
    else a->failed = 1;
    return p;
}

static void arena_free(arena *a)
{
    for (size_t i = 0; i < a->n; i++) lcp_free(a->blocks[i]);
    lcp_free(a->blocks);
    memset(a, 0, sizeof *a);
}

static char *arena_str(arena *a, const char *s)
{
    size_t n = strlen(s);
    char *d = arena_alloc(a, n + 1);
    if (d) memcpy(d, s, n + 1);
    return d;
}

/* A copy of bytes into the arena (protobuf-c packs from it after the evidence is freed). */
static void arena_bytes(arena *a, lcp_bytes b, ProtobufCBinaryData *out)
{
    out->data = NULL;
    out->len = 0;
    if (b.len == 0) return;
    uint8_t *d = arena_alloc(a, b.len);
    if (!d) return;
    memcpy(d, b.ptr, b.len);
    out->data = d;
    out->len = b.len;
}

static char *arena_opt_str(arena *a, const char *s) { return s ? arena_str(a, s) : (char *)""; }

/* The DER of the idx-th certificate of a PEM chain (idx < 0: the last one). */
static void pem_cert(arena *a, const char *chain, int idx, ProtobufCBinaryData *out)
{
    static const char BEGIN[] = "-----BEGIN CERTIFICATE-----", END[] = "-----END CERTIFICATE-----";
    const char *p = chain, *pick = NULL, *pick_end = NULL;
    out->data = NULL;
    out->len = 0;
    for (int i = 0; p && (p = strstr(p, BEGIN)) != NULL; i++) {
        const char *body = p + sizeof BEGIN - 1, *e = strstr(body, END);
        if (!e) break;
        if (idx < 0 || i == idx) {
            pick = body;
            pick_end = e;
        }
        p = e + sizeof END - 1;
    }
    if (!pick) return;
    size_t n = (size_t)(pick_end - pick);
    char *b64 = arena_alloc(a, n + 1);
    uint8_t *der = arena_alloc(a, lcp_base64_decoded_max(n));
    if (!b64 || !der) return;
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (pick[i] != '\n' && pick[i] != '\r' && pick[i] != ' ' && pick[i] != '\t') b64[m++] = pick[i];
    if (lcp_base64_decode(der, lcp_base64_decoded_max(n), &out->len, b64, m, NULL) == LCP_OK) out->data = der;
    else out->len = 0;
}

/* {"<member>": <signed text>, "signature": "<hex>"}: the PCS envelope around a signed collateral text. */
static char *envelope(arena *a, const char *text, const char *sig, const char *member)
{
    if (!text || !sig) return (char *)"";
    size_t n = strlen(member) + strlen(text) + strlen(sig) + 32;
    char *e = arena_alloc(a, n);
    if (!e) return (char *)"";
    snprintf(e, n, "{\"%s\":%s,\"signature\":\"%s\"}", member, text, sig);
    return e;
}

/* All the protobuf-c structs one EnclaveKeyInfo needs, filled by key_info. */
typedef struct {
    Lcp__Service__Enclave__V1__EnclaveKeyInfo info;
    Lcp__Service__Enclave__V1__IASEnclaveKeyInfo ias;
    Lcp__Service__Enclave__V1__DCAPEnclaveKeyInfo dcap;
    Lcp__Service__Enclave__V1__Validity validity;
    Lcp__Service__Enclave__V1__QVCollateral coll;
    Lcp__Service__Enclave__V1__ZKDCAPEnclaveKeyInfo zk;
    Lcp__Service__Enclave__V1__ZKVMProof zkp;
    Lcp__Service__Enclave__V1__Risc0ZKVMProof risc0;
    uint8_t address[20];
    char *adv[32];
} key_msg;

static void fill_dcap(key_msg *k, arena *a, const lcp_keystore_entry *e, const lcp_host_evidence *ev)
{
    lcp__service__enclave__v1__dcapenclave_key_info__init(&k->dcap);
    lcp__service__enclave__v1__validity__init(&k->validity);
    k->dcap.enclave_key_address.data = k->address;
    k->dcap.enclave_key_address.len = 20;
    k->validity.not_before = e->valid_from;
    k->validity.not_after = e->valid_to;
    k->dcap.validity = &k->validity;
    k->dcap.tcb_status = arena_opt_str(a, ev->status);
    arena_bytes(a, ev->quote, &k->dcap.quote);
    arena_bytes(a, ev->fmspc, &k->dcap.fmspc);
    size_t n = ev->n_advisory_ids < 32 ? ev->n_advisory_ids : 32;
    for (size_t i = 0; i < n; i++) k->adv[i] = arena_opt_str(a, ev->advisory_ids[i]);
    for (size_t i = 0; i < n; i++)
        if (!k->adv[i]) k->adv[i] = "";
    k->dcap.n_advisory_ids = n;
    k->dcap.advisory_ids = k->adv;
    if (ev->has_collateral) {
        lcp__service__enclave__v1__qvcollateral__init(&k->coll);
        k->coll.tcb_info_json = envelope(a, ev->tcb_info, ev->tcb_info_signature, "tcbInfo");
        k->coll.qe_identity_json = envelope(a, ev->qe_identity, ev->qe_identity_signature, "enclaveIdentity");
        if (ev->tcb_info_issuer_chain) {
            pem_cert(a, ev->tcb_info_issuer_chain, 0, &k->coll.sgx_tcb_signing_der);
            pem_cert(a, ev->tcb_info_issuer_chain, -1, &k->coll.sgx_intel_root_ca_der);
        }
        arena_bytes(a, ev->root_ca_crl, &k->coll.sgx_intel_root_ca_crl_der);
        arena_bytes(a, ev->pck_crl, &k->coll.sgx_pck_crl_der);
        k->dcap.collateral = &k->coll;
    }
    if (!k->dcap.tcb_status) k->dcap.tcb_status = "";
    if (!k->coll.tcb_info_json) k->coll.tcb_info_json = "";
    if (!k->coll.qe_identity_json) k->coll.qe_identity_json = "";
}

/* Fills k from a key record, its evidence decoded by lcp/host_evidence.h (a record that does not decode lists with
 * its own fields only). Returns LCP_OK or LCP_ERR_HOST_KEY_INVALID for an unattested key. */
static int key_info(key_msg *k, arena *a, const lcp_keystore_entry *e)
{
    memset(k, 0, sizeof *k);
    lcp__service__enclave__v1__enclave_key_info__init(&k->info);
    memcpy(k->address, e->address, 20);
    if (e->ra_type == LCP_RA_TYPE_NONE) return LCP_ERR_HOST_KEY_INVALID;
    lcp_host_evidence ev;
    if (lcp_host_evidence_decode(&ev, e->ra_type, e->ra_evidence.ptr, e->ra_evidence.len, NULL) == LCP_ERR_NOMEM)
        a->failed = 1;
    if (e->ra_type == LCP_RA_TYPE_IAS) {
        lcp__service__enclave__v1__iasenclave_key_info__init(&k->ias);
        k->ias.enclave_key_address.data = k->address;
        k->ias.enclave_key_address.len = 20;
        k->ias.attestation_time = e->valid_from;
        k->ias.report = arena_opt_str(a, ev.avr);
        arena_bytes(a, ev.signature, &k->ias.signature);
        arena_bytes(a, ev.signing_cert, &k->ias.signing_cert);
        if (!k->ias.report) k->ias.report = "";
        k->info.key_info_case = LCP__SERVICE__ENCLAVE__V1__ENCLAVE_KEY_INFO__KEY_INFO_IAS;
        k->info.ias = &k->ias;
    } else {
        fill_dcap(k, a, e, &ev);
        if (e->ra_type == LCP_RA_TYPE_DCAP) {
            k->info.key_info_case = LCP__SERVICE__ENCLAVE__V1__ENCLAVE_KEY_INFO__KEY_INFO_DCAP;
            k->info.dcap = &k->dcap;
        } else {
            lcp__service__enclave__v1__zkdcapenclave_key_info__init(&k->zk);
            lcp__service__enclave__v1__zkvmproof__init(&k->zkp);
            lcp__service__enclave__v1__risc0_zkvmproof__init(&k->risc0);
            if (ev.has_risc0) {
                arena_bytes(a, ev.risc0_image_id, &k->risc0.image_id);
                arena_bytes(a, ev.risc0_selector, &k->risc0.selector);
                arena_bytes(a, ev.risc0_seal, &k->risc0.seal);
                arena_bytes(a, ev.risc0_output, &k->risc0.output);
                k->zkp.proof_case = LCP__SERVICE__ENCLAVE__V1__ZKVMPROOF__PROOF_RISC0;
                k->zkp.risc0 = &k->risc0;
            }
            k->zk.dcap = &k->dcap;
            k->zk.zkp = &k->zkp;
            k->info.key_info_case = LCP__SERVICE__ENCLAVE__V1__ENCLAVE_KEY_INFO__KEY_INFO_ZKDCAP;
            k->info.zkdcap = &k->zk;
        }
    }
    lcp_host_evidence_free(&ev);
    return LCP_OK;
}

static int fail(int *status, char *why, int code, const char *msg)
{
    *status = code;
    snprintf(why, LCP_ERR_LEN, "%s", msg);
    return LCP_ERR_PROTO;
}

static int enclave_info(lcp_service *s, lcp_buf *resp, int *status, char *why)
{
    Lcp__Service__Enclave__V1__QueryEnclaveInfoResponse r = LCP__SERVICE__ENCLAVE__V1__QUERY_ENCLAVE_INFO_RESPONSE__INIT;
    r.mrenclave.data = s->mrenclave;
    r.mrenclave.len = 32;
    r.enclave_debug = s->enclave_debug;
    if (svc_pack(resp, &r.base) != LCP_OK) return fail(status, why, LCP_GRPC_RESOURCE_EXHAUSTED, "out of memory");
    return LCP_OK;
}

static int available_keys(lcp_service *s, const Lcp__Service__Enclave__V1__QueryAvailableEnclaveKeysRequest *q,
                          lcp_buf *resp, int *status, char *why)
{
    if (q->mrenclave.len != 32) return fail(status, why, LCP_GRPC_INVALID_ARGUMENT, "mrenclave must be 32 bytes");
    if (q->ra_type > LCP_RA_TYPE_MAX) return fail(status, why, LCP_GRPC_INVALID_ARGUMENT, "unknown ra_type");
    lcp_keystore_filter f;
    memset(&f, 0, sizeof f);
    memcpy(f.mrenclave, q->mrenclave.data, 32);
    f.enclave_debug = q->enclave_debug;
    f.ra_type = q->ra_type;
    char err[LCP_ERR_LEN] = "";
    lcp_store_txn *t;
    lcp_keystore_entry *keys = NULL;
    size_t n = 0;
    int rc = lcp_store_begin(s->store, &t, 0, err);
    if (rc != LCP_OK) return fail(status, why, LCP_GRPC_ABORTED, err);
    rc = lcp_keystore_list(t, &keys, &n, &f, err);
    key_msg *km = rc == LCP_OK && n ? lcp_calloc(n, sizeof *km) : NULL;
    Lcp__Service__Enclave__V1__EnclaveKeyInfo **ptrs = km ? lcp_calloc(n, sizeof *ptrs) : NULL;
    arena a;
    memset(&a, 0, sizeof a);
    if (rc == LCP_OK && n && (!km || !ptrs)) rc = lcp_fail(err, LCP_ERR_NOMEM, "out of memory");
    size_t used = 0;
    for (size_t i = 0; rc == LCP_OK && i < n; i++)
        if (key_info(&km[used], &a, &keys[i]) == LCP_OK) { /* the filter keeps attested keys only */
            ptrs[used] = &km[used].info;
            used++;
        }
    if (rc == LCP_OK && a.failed) rc = lcp_fail(err, LCP_ERR_NOMEM, "out of memory");
    if (rc == LCP_OK) {
        Lcp__Service__Enclave__V1__QueryAvailableEnclaveKeysResponse r =
            LCP__SERVICE__ENCLAVE__V1__QUERY_AVAILABLE_ENCLAVE_KEYS_RESPONSE__INIT;
        r.n_keys = used;
        r.keys = ptrs;
        if (svc_pack(resp, &r.base) != LCP_OK) rc = lcp_fail(err, LCP_ERR_NOMEM, "out of memory");
    }
    arena_free(&a);
    lcp_free(ptrs);
    lcp_free(km);
    lcp_free(keys);
    lcp_store_abort(t);
    if (rc != LCP_OK) return fail(status, why, rc == LCP_ERR_NOMEM ? LCP_GRPC_RESOURCE_EXHAUSTED : LCP_GRPC_ABORTED, err);
    return LCP_OK;
}

static int enclave_key(lcp_service *s, const Lcp__Service__Enclave__V1__QueryEnclaveKeyRequest *q, lcp_buf *resp,
                       int *status, char *why)
{
    if (q->enclave_key_address.len != 20)
        return fail(status, why, LCP_GRPC_INVALID_ARGUMENT, "enclave_key_address must be 20 bytes");
    char err[LCP_ERR_LEN] = "", hex[41];
    lcp_hex_encode(hex, sizeof hex, q->enclave_key_address.data, 20);
    lcp_store_txn *t;
    int rc = lcp_store_begin(s->store, &t, 0, err);
    if (rc != LCP_OK) return fail(status, why, LCP_GRPC_ABORTED, err);
    lcp_keystore_entry e;
    key_msg k;
    arena a;
    memset(&a, 0, sizeof a);
    rc = lcp_keystore_get(t, &e, q->enclave_key_address.data, err);
    if (rc == LCP_ERR_HOST_KEY_NOT_FOUND) lcp_fail(err, rc, "enclave key 0x%s not found", hex);
    if (rc == LCP_OK && key_info(&k, &a, &e) != LCP_OK)
        rc = lcp_fail(err, LCP_ERR_HOST_KEY_INVALID, "enclave key 0x%s is not attested", hex);
    if (rc == LCP_OK && a.failed) rc = lcp_fail(err, LCP_ERR_NOMEM, "out of memory");
    if (rc == LCP_OK) {
        Lcp__Service__Enclave__V1__QueryEnclaveKeyResponse r = LCP__SERVICE__ENCLAVE__V1__QUERY_ENCLAVE_KEY_RESPONSE__INIT;
        r.key = &k.info;
        if (svc_pack(resp, &r.base) != LCP_OK) rc = lcp_fail(err, LCP_ERR_NOMEM, "out of memory");
    }
    arena_free(&a);
    lcp_store_abort(t);
    if (rc != LCP_OK) return fail(status, why, rc == LCP_ERR_NOMEM ? LCP_GRPC_RESOURCE_EXHAUSTED : LCP_GRPC_ABORTED, err);
    return LCP_OK;
}

/* lcp.service.enclave.v1.Msg/ActivateEnclaveKey (key rotation, lcp/service.h). */
static int activate_key(lcp_service *s, const Lcp__Service__Enclave__V1__MsgActivateEnclaveKey *q, lcp_buf *resp,
                        int *status, char *why)
{
    if (q->enclave_key_address.len != 20)
        return fail(status, why, LCP_GRPC_INVALID_ARGUMENT, "enclave_key_address must be 20 bytes");
    char err[LCP_ERR_LEN] = "";
    uint8_t prev[20];
    int had_prev = 0;
    int rc = svc_rotation_activate(s, q->enclave_key_address.data, prev, &had_prev, err);
    if (rc != LCP_OK)
        return fail(status, why, rc == LCP_ERR_HOST_KEY_NOT_FOUND ? LCP_GRPC_NOT_FOUND : LCP_GRPC_FAILED_PRECONDITION, err);
    Lcp__Service__Enclave__V1__MsgActivateEnclaveKeyResponse r =
        LCP__SERVICE__ENCLAVE__V1__MSG_ACTIVATE_ENCLAVE_KEY_RESPONSE__INIT;
    if (had_prev) {
        r.previous_enclave_key_address.data = prev;
        r.previous_enclave_key_address.len = 20;
    }
    if (svc_pack(resp, &r.base) != LCP_OK) return fail(status, why, LCP_GRPC_RESOURCE_EXHAUSTED, "out of memory");
    return LCP_OK;
}

int svc_local(lcp_service *s, int method, const uint8_t *msg, size_t len, lcp_buf *resp, int *status, char *why)
{
    int oom;
    ProtobufCMessage *m = lcp_pb_unpack(svc_methods[method].request, msg, len, &oom);
    if (!m) {
        *status = oom ? LCP_GRPC_RESOURCE_EXHAUSTED : LCP_GRPC_INVALID_ARGUMENT;
        snprintf(why, LCP_ERR_LEN, oom ? "out of memory decoding %s" : "request is not a valid %s message",
                 svc_methods[method].request->name);
        return oom ? LCP_ERR_NOMEM : LCP_ERR_PROTO;
    }
    int rc;
    if (method == SVC_M_ENCLAVE_INFO) rc = enclave_info(s, resp, status, why);
    else if (method == SVC_M_AVAILABLE_ENCLAVE_KEYS) rc = available_keys(s, (const void *)m, resp, status, why);
    else if (method == SVC_M_ACTIVATE_ENCLAVE_KEY) rc = activate_key(s, (const void *)m, resp, status, why);
    else rc = enclave_key(s, (const void *)m, resp, status, why);
    protobuf_c_message_free_unpacked(m, lcp_pb_allocator());
    return rc;
}
