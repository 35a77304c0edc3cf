/* The SGX extension of a PCK certificate (OID 1.2.840.113741.1.13.1, spec/dcap.md 2.3): a strict DER walk over
 * SEQUENCE OF SEQUENCE { OID, value }, looking entries up by OID. Written by hand rather than through OpenSSL's
 * generic ASN.1 so that the rules (minimal lengths, minimal INTEGERs, no duplicates, exact sizes) are ours to state
 * and to fuzz. */
#include "dcap_internal.h"

#include <string.h>

enum { TAG_INTEGER = 0x02, TAG_OCTET_STRING = 0x04, TAG_OID = 0x06, TAG_ENUMERATED = 0x0A, TAG_SEQUENCE = 0x30 };

/* OID arcs under 1.2.840.113741.1.13.1 (all below 128, so one byte each). */
static const uint8_t SGX_PREFIX[] = {0x2A, 0x86, 0x48, 0x86, 0xF8, 0x4D, 0x01, 0x0D, 0x01};
enum { ARC_PPID = 1, ARC_TCB = 2, ARC_PCE_ID = 3, ARC_FMSPC = 4, ARC_SGX_TYPE = 5, ARC_PLATFORM_INSTANCE = 6 };
enum { TCB_PCESVN = 17, TCB_CPUSVN = 18 };

#define FAIL(...) lcp_fail(err, LCP_ERR_ATTESTATION_CERT, "PCK SGX extension: " __VA_ARGS__)

/* Reads one TLV from *in (strict DER: single-byte tags, minimal definite lengths). */
static int tlv(uint8_t *tag, lcp_bytes *val, lcp_bytes *in, char *err)
{
    return lcp_dcap_der_tlv(tag, val, in, LCP_ERR_ATTESTATION_CERT, "PCK SGX extension", err);
}

static int expect(lcp_bytes *val, lcp_bytes *in, uint8_t want, const char *what, char *err)
{
    uint8_t t;
    int rc = tlv(&t, val, in, err);
    if (rc != LCP_OK) return rc;
    if (t != want) return FAIL("%s has tag 0x%02x, expected 0x%02x", what, t, want);
    return LCP_OK;
}

/* A non-negative DER INTEGER (or ENUMERATED) in minimal form, at most max. */
static int uint_value(uint32_t *out, lcp_bytes v, uint32_t max, const char *what, char *err)
{
    if (v.len == 0) return FAIL("%s is empty", what);
    if (v.ptr[0] & 0x80) return FAIL("%s is negative", what);
    if (v.len > 1 && v.ptr[0] == 0 && !(v.ptr[1] & 0x80)) return FAIL("%s is not minimally encoded", what);
    if (v.len > 5) return FAIL("%s is out of range", what);
    uint64_t x = 0;
    for (size_t i = 0; i < v.len; i++) x = x << 8 | v.ptr[i];
    if (x > max) return FAIL("%s is %llu, above %u", what, (unsigned long long)x, max);
    *out = (uint32_t)x;
    return LCP_OK;
}

static int octets(uint8_t *out, size_t n, lcp_bytes v, const char *what, char *err)
{
    if (v.len != n) return FAIL("%s is %zu bytes, expected %zu", what, v.len, n);
    memcpy(out, v.ptr, n);
    return LCP_OK;
}

/* Reads one SEQUENCE { OID, value } entry. Out: arc (the OID's last arc if the OID is prefix.<sub>.<arc> for the
 * given sub path, else -1), the value's tag and content. */
static int entry(int *arc, uint8_t *tag, lcp_bytes *val, lcp_bytes *in, const uint8_t *sub, size_t sub_len, char *err)
{
    lcp_bytes seq, oid;
    int rc = expect(&seq, in, TAG_SEQUENCE, "entry", err);
    if (rc == LCP_OK) rc = expect(&oid, &seq, TAG_OID, "entry OID", err);
    if (rc == LCP_OK) rc = tlv(tag, val, &seq, err);
    if (rc != LCP_OK) return rc;
    if (seq.len != 0) return FAIL("entry has more than an OID and a value");
    *arc = -1;
    size_t pl = sizeof SGX_PREFIX;
    if (oid.len == pl + sub_len + 1 && memcmp(oid.ptr, SGX_PREFIX, pl) == 0 &&
        (sub_len == 0 || memcmp(oid.ptr + pl, sub, sub_len) == 0) &&
        oid.ptr[oid.len - 1] < 0x80)
        *arc = oid.ptr[oid.len - 1];
    return LCP_OK;
}

static int parse_tcb(lcp_dcap_pck_ext *out, lcp_bytes in, char *err)
{
    static const uint8_t sub[] = {ARC_TCB};
    uint32_t seen = 0; /* bit n: TCB entry n present */
    while (in.len) {
        int arc;
        uint8_t tag;
        lcp_bytes v;
        int rc = entry(&arc, &tag, &v, &in, sub, sizeof sub, err);
        if (rc != LCP_OK) return rc;
        if (arc < 1 || arc > TCB_CPUSVN) continue; /* not one of the 18 known entries */
        if (seen & (1u << arc)) return FAIL("TCB entry %d appears twice", arc);
        seen |= 1u << arc;
        uint32_t x;
        if (arc <= 16) {
            if (tag != TAG_INTEGER) return FAIL("TCB component %d is not an INTEGER", arc);
            if ((rc = uint_value(&x, v, 255, "TCB component", err)) != LCP_OK) return rc;
            out->comp_svn[arc - 1] = (uint8_t)x;
        } else if (arc == TCB_PCESVN) {
            if (tag != TAG_INTEGER) return FAIL("PCESVN is not an INTEGER");
            if ((rc = uint_value(&x, v, 65535, "PCESVN", err)) != LCP_OK) return rc;
            out->pce_svn = (uint16_t)x;
        } else {
            if (tag != TAG_OCTET_STRING) return FAIL("CPUSVN is not an OCTET STRING");
            if ((rc = octets(out->cpusvn, sizeof out->cpusvn, v, "CPUSVN", err)) != LCP_OK) return rc;
        }
    }
    for (int arc = 1; arc <= TCB_CPUSVN; arc++)
        if (!(seen & (1u << arc))) return FAIL("TCB entry %d is missing", arc);
    return LCP_OK;
}

int lcp_dcap_pck_ext_parse(lcp_dcap_pck_ext *out, const uint8_t *der, size_t len, char *err)
{
    static const uint8_t none[1];
    lcp_dcap_pck_ext x;
    memset(&x, 0, sizeof x);
    lcp_bytes in = {len ? der : none, len}, body;
    int rc = expect(&body, &in, TAG_SEQUENCE, "extension value", err);
    if (rc != LCP_OK) return rc;
    if (in.len != 0) return FAIL("trailing bytes after the extension value");
    unsigned seen = 0;
    while (body.len) {
        int arc;
        uint8_t tag;
        lcp_bytes v;
        if ((rc = entry(&arc, &tag, &v, &body, NULL, 0, err)) != LCP_OK) return rc;
        if (arc < ARC_PPID || arc > ARC_PLATFORM_INSTANCE) continue; /* e.g. .7 Configuration: not used here */
        if (seen & (1u << arc)) return FAIL("entry %d appears twice", arc);
        seen |= 1u << arc;
        uint32_t t;
        switch (arc) {
        case ARC_PPID:
            if (tag != TAG_OCTET_STRING) return FAIL("PPID is not an OCTET STRING");
            rc = octets(x.ppid, sizeof x.ppid, v, "PPID", err);
            break;
        case ARC_TCB:
            if (tag != TAG_SEQUENCE) return FAIL("TCB is not a SEQUENCE");
            rc = parse_tcb(&x, v, err);
            break;
        case ARC_PCE_ID:
            if (tag != TAG_OCTET_STRING) return FAIL("PCE-ID is not an OCTET STRING");
            rc = octets(x.pce_id, sizeof x.pce_id, v, "PCE-ID", err);
            break;
        case ARC_FMSPC:
            if (tag != TAG_OCTET_STRING) return FAIL("FMSPC is not an OCTET STRING");
            rc = octets(x.fmspc, sizeof x.fmspc, v, "FMSPC", err);
            break;
        case ARC_SGX_TYPE:
            if (tag != TAG_ENUMERATED) return FAIL("SGX type is not ENUMERATED");
            rc = uint_value(&t, v, 2, "SGX type", err);
            x.sgx_type = t;
            break;
        case ARC_PLATFORM_INSTANCE:
            if (tag != TAG_OCTET_STRING) return FAIL("PlatformInstanceID is not an OCTET STRING");
            rc = octets(x.platform_instance_id, sizeof x.platform_instance_id, v, "PlatformInstanceID", err);
            x.has_platform_instance_id = 1;
            break;
        }
        if (rc != LCP_OK) return rc;
    }
    static const int required[] = {ARC_PPID, ARC_TCB, ARC_PCE_ID, ARC_FMSPC, ARC_SGX_TYPE};
    static const char *const names[] = {"PPID", "TCB", "PCE-ID", "FMSPC", "SGX type"};
    for (size_t i = 0; i < sizeof required / sizeof required[0]; i++)
        if (!(seen & (1u << required[i]))) return FAIL("%s is missing", names[i]);
    *out = x;
    return LCP_OK;
}
