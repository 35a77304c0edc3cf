/* The PCK certificate's SGX extension: values from the real Phala PCK certificate and Intel's synthetic one
 * (PROVENANCE.md), DER strictness on hand-built extensions (each rule has a case that breaks exactly it), and
 * every truncation and single-byte change of the real extension (no crash; ASan/UBSan watch). */
#include "testutil.h"

#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <string.h>

#include "lcp/attestation_dcap.h"

/* ---- a small DER writer for building extensions ---- */
typedef struct {
    uint8_t b[4096];
    size_t n;
} der;

static void raw(der *d, const void *p, size_t n)
{
    assert_true(d->n + n <= sizeof d->b);
    memcpy(d->b + d->n, p, n);
    d->n += n;
}
static void tlv(der *d, uint8_t tag, const void *p, size_t n)
{
    uint8_t h[4] = {tag};
    size_t hl;
    if (n < 0x80) {
        h[1] = (uint8_t)n;
        hl = 2;
    } else if (n < 0x100) {
        h[1] = 0x81;
        h[2] = (uint8_t)n;
        hl = 3;
    } else {
        h[1] = 0x82;
        h[2] = (uint8_t)(n >> 8);
        h[3] = (uint8_t)n;
        hl = 4;
    }
    raw(d, h, hl);
    raw(d, p, n);
}
static void oid(der *d, const uint8_t *arcs, size_t n)
{
    uint8_t o[16] = {0x2A, 0x86, 0x48, 0x86, 0xF8, 0x4D, 0x01, 0x0D, 0x01};
    memcpy(o + 9, arcs, n);
    tlv(d, 0x06, o, 9 + n);
}
/* SEQUENCE { OID prefix.arcs, value TLV (given whole) } */
static void entry(der *d, const uint8_t *arcs, size_t na, const uint8_t *val, size_t vn)
{
    der e = {.n = 0};
    oid(&e, arcs, na);
    raw(&e, val, vn);
    tlv(d, 0x30, e.b, e.n);
}

typedef struct {
    int skip_tcb_entry;    /* 1..18: leave this TCB entry out */
    int dup_tcb_entry;     /* repeat this TCB entry */
    int skip_top;          /* 1..5: leave this top-level entry out */
    int dup_top;           /* repeat this top-level entry */
    const uint8_t *comp1;  /* replaces the whole TLV of component 1 */
    size_t comp1_len;
    const uint8_t *type_tlv;
    size_t type_len;
    size_t ppid_len;
    int add_unknown;       /* add .1.13.1.7 and .1.13.1.99 entries */
} spec;

static void build(der *out, const spec *s)
{
    der tcb = {.n = 0};
    for (int i = 1; i <= 18; i++) {
        for (int rep = 0; rep < (s->dup_tcb_entry == i ? 2 : 1); rep++) {
            if (s->skip_tcb_entry == i) break;
            uint8_t arcs[2] = {2, (uint8_t)i};
            if (i == 1 && s->comp1) entry(&tcb, arcs, 2, s->comp1, s->comp1_len);
            else if (i <= 16) {
                uint8_t v[3] = {0x02, 0x01, (uint8_t)(i == 5 ? 0 : i)};
                if (i == 5) { /* 255 needs a leading zero in DER */
                    uint8_t w[4] = {0x02, 0x02, 0x00, 0xFF};
                    entry(&tcb, arcs, 2, w, 4);
                } else
                    entry(&tcb, arcs, 2, v, 3);
            } else if (i == 17) {
                uint8_t v[4] = {0x02, 0x02, 0x01, 0x00}; /* PCESVN 256 */
                entry(&tcb, arcs, 2, v, 4);
            } else {
                der v = {.n = 0};
                uint8_t cpusvn[16] = {1, 2, 3};
                tlv(&v, 0x04, cpusvn, 16);
                entry(&tcb, arcs, 2, v.b, v.n);
            }
        }
    }
    der body = {.n = 0};
    for (int top = 1; top <= 5; top++) {
        for (int rep = 0; rep < (s->dup_top == top ? 2 : 1); rep++) {
            if (s->skip_top == top) break;
            uint8_t arc = (uint8_t)top;
            der v = {.n = 0};
            if (top == 1) {
                uint8_t ppid[32] = {0xAA};
                tlv(&v, 0x04, ppid, s->ppid_len ? s->ppid_len : 16);
            } else if (top == 2)
                tlv(&v, 0x30, tcb.b, tcb.n);
            else if (top == 3) {
                uint8_t pce[2] = {0, 0};
                tlv(&v, 0x04, pce, 2);
            } else if (top == 4) {
                uint8_t fm[6] = {0x00, 0xA0, 0x67, 0x11, 0x00, 0x00};
                tlv(&v, 0x04, fm, 6);
            } else if (s->type_tlv)
                raw(&v, s->type_tlv, s->type_len);
            else {
                uint8_t t[3] = {0x0A, 0x01, 0x01};
                raw(&v, t, 3);
            }
            entry(&body, &arc, 1, v.b, v.n);
        }
    }
    if (s->add_unknown) {
        uint8_t arc7 = 7, arc99 = 99, seq[2] = {0x30, 0x00}, b[3] = {0x01, 0x01, 0xFF};
        entry(&body, &arc7, 1, seq, 2);
        entry(&body, &arc99, 1, b, 3);
    }
    out->n = 0;
    tlv(out, 0x30, body.b, body.n);
}

static int parse(const der *d, lcp_dcap_pck_ext *x, char *err)
{
    return lcp_dcap_pck_ext_parse(x, d->b, d->n, err);
}

static void test_built_valid(void **state)
{
    (void)state;
    der d;
    spec s = {0};
    lcp_dcap_pck_ext x;
    char err[LCP_ERR_LEN] = "";
    build(&d, &s);
    if (parse(&d, &x, err) != LCP_OK) fail_msg("%s", err);
    assert_int_equal(x.comp_svn[0], 1);
    assert_int_equal(x.comp_svn[4], 255);
    assert_int_equal(x.comp_svn[15], 16);
    assert_int_equal(x.pce_svn, 256);
    assert_int_equal(x.cpusvn[2], 3);
    assert_int_equal(x.sgx_type, 1);
    assert_int_equal(x.fmspc[1], 0xA0);
    assert_int_equal(x.has_platform_instance_id, 0);
    /* Unknown entries (Configuration, a future arc) are skipped. */
    s.add_unknown = 1;
    build(&d, &s);
    assert_int_equal(parse(&d, &x, err), LCP_OK);
    /* 255 needs two bytes in DER (00 FF): component 1 written that way reads as 255. */
    static const uint8_t c255[] = {0x02, 0x02, 0x00, 0xFF};
    s.comp1 = c255;
    s.comp1_len = sizeof c255;
    build(&d, &s);
    assert_int_equal(parse(&d, &x, err), LCP_OK);
    assert_int_equal(x.comp_svn[0], 255);
}

static void expect_bad(const spec *s, const char *needle)
{
    der d;
    lcp_dcap_pck_ext x;
    char err[LCP_ERR_LEN] = "";
    build(&d, s);
    assert_int_equal(parse(&d, &x, err), LCP_ERR_ATTESTATION_CERT);
    if (needle && strstr(err, needle) == NULL) fail_msg("'%s' does not mention '%s'", err, needle);
}

static void test_built_invalid(void **state)
{
    (void)state;
    for (int i = 1; i <= 18; i++) {
        spec s = {.skip_tcb_entry = i};
        expect_bad(&s, "missing");
        spec t = {.dup_tcb_entry = i};
        expect_bad(&t, "twice");
    }
    for (int i = 1; i <= 5; i++) {
        spec s = {.skip_top = i};
        expect_bad(&s, "missing");
        spec t = {.dup_top = i};
        expect_bad(&t, "twice");
    }
    static const uint8_t c256[] = {0x02, 0x02, 0x01, 0x00};      /* above 255 */
    static const uint8_t cneg[] = {0x02, 0x01, 0x80};            /* negative */
    static const uint8_t cpad[] = {0x02, 0x02, 0x00, 0x05};      /* 5 with a needless leading zero */
    static const uint8_t cempty[] = {0x02, 0x00};                /* no content */
    static const uint8_t coct[] = {0x04, 0x01, 0x05};            /* wrong type */
    static const uint8_t clen[] = {0x02, 0x81, 0x01, 0x05};      /* long-form length for 1 byte */
    static const uint8_t cindef[] = {0x02, 0x80, 0x05, 0x00, 0x00}; /* indefinite length */
    static const uint8_t cbig[] = {0x02, 0x06, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00};
    const struct {
        const uint8_t *p;
        size_t n;
        const char *needle;
    } comps[] = {{c256, 4, "above"}, {cneg, 3, "negative"}, {cpad, 4, "minimal"},   {cempty, 2, "empty"},
                 {coct, 3, "INTEGER"}, {clen, 4, "non-minimal length"}, {cindef, 5, "indefinite"},
                 {cbig, 8, "range"}};
    for (size_t i = 0; i < sizeof comps / sizeof comps[0]; i++) {
        spec s = {.comp1 = comps[i].p, .comp1_len = comps[i].n};
        expect_bad(&s, comps[i].needle);
    }
    static const uint8_t t3[] = {0x0A, 0x01, 0x03};   /* SGX type 3 is not defined */
    static const uint8_t tint[] = {0x02, 0x01, 0x00}; /* INTEGER instead of ENUMERATED */
    spec s1 = {.type_tlv = t3, .type_len = 3};
    expect_bad(&s1, "SGX type");
    spec s2 = {.type_tlv = tint, .type_len = 3};
    expect_bad(&s2, "ENUMERATED");
    spec s3 = {.ppid_len = 15};
    expect_bad(&s3, "PPID");
    spec s4 = {.ppid_len = 17};
    expect_bad(&s4, "PPID");
    /* Trailing bytes after the outer SEQUENCE, and an empty input. */
    der d;
    spec ok = {0};
    build(&d, &ok);
    d.b[d.n++] = 0;
    lcp_dcap_pck_ext x;
    char err[LCP_ERR_LEN] = "";
    assert_int_equal(parse(&d, &x, err), LCP_ERR_ATTESTATION_CERT);
    assert_int_equal(lcp_dcap_pck_ext_parse(&x, NULL, 0, err), LCP_ERR_ATTESTATION_CERT);
}

/* The extension's DER out of a real certificate, through OpenSSL (independent of our lookup). */
static uint8_t *real_ext(size_t *len, const char *path)
{
    size_t cl;
    uint8_t *pem = tu_read(path, &cl);
    BIO *b = BIO_new_mem_buf(pem, (int)cl);
    X509 *x = PEM_read_bio_X509(b, NULL, NULL, NULL);
    assert_non_null(x);
    ASN1_OBJECT *o = OBJ_txt2obj("1.2.840.113741.1.13.1", 1);
    int i = X509_get_ext_by_OBJ(x, o, -1);
    assert_true(i >= 0);
    const ASN1_OCTET_STRING *v = X509_EXTENSION_get_data(X509_get_ext(x, i));
    *len = (size_t)ASN1_STRING_length(v);
    uint8_t *out = lcp_malloc(*len);
    assert_non_null(out);
    memcpy(out, ASN1_STRING_get0_data(v), *len);
    ASN1_OBJECT_free(o);
    X509_free(x);
    BIO_free(b);
    lcp_free(pem);
    return out;
}

static void test_real_certificates(void **state)
{
    (void)state;
    size_t cl;
    uint8_t *pem = tu_read("dcap/phala_sgx_v3/split/pck_cert_chain_from_quote.pem", &cl);
    lcp_dcap_pck_ext x;
    char err[LCP_ERR_LEN] = "";
    /* The quote's chain holds three certificates: as a single certificate it is refused. */
    assert_int_equal(lcp_dcap_pck_ext_from_cert(&x, pem, cl, err), LCP_ERR_ATTESTATION_CERT);
    char *second = strstr((char *)pem + 1, "-----BEGIN");
    assert_non_null(second);
    if (lcp_dcap_pck_ext_from_cert(&x, pem, (size_t)((uint8_t *)second - pem), err) != LCP_OK) fail_msg("%s", err);
    uint8_t want[16];
    tu_hex(want, 16, "d04ec06d4e6d92dc90d0ad3cf5ee2ddf");
    assert_memory_equal(x.ppid, want, 16);
    static const uint8_t comps[16] = {11, 11, 2, 2, 255, 1};
    assert_memory_equal(x.comp_svn, comps, 16);
    assert_int_equal(x.pce_svn, 13);
    tu_hex(want, 16, "0b0b0202ff0100000000000000000000");
    assert_memory_equal(x.cpusvn, want, 16);
    tu_hex(want, 6, "00A067110000");
    assert_memory_equal(x.fmspc, want, 6);
    assert_int_equal(x.pce_id[0], 0);
    assert_int_equal(x.pce_id[1], 0);
    assert_int_equal(x.sgx_type, 0);
    lcp_free(pem);

    uint8_t *p2 = tu_read("dcap/intel_qvl_synthetic_v3/pckCert.pem", &cl);
    if (lcp_dcap_pck_ext_from_cert(&x, p2, cl, err) != LCP_OK) fail_msg("%s", err);
    static const uint8_t c2[16] = {0, 3, 0, 0, 0, 1, 1};
    assert_memory_equal(x.comp_svn, c2, 16);
    assert_int_equal(x.pce_svn, 3);
    tu_hex(want, 6, "00707F000000");
    assert_memory_equal(x.fmspc, want, 6);
    lcp_free(p2);
    /* A certificate without the extension (the TCB Signing certificate). */
    uint8_t *p3 = tu_read("dcap/intel_qvl_synthetic_v3/tcbSignChain.pem", &cl);
    second = strstr((char *)p3 + 1, "-----BEGIN");
    assert_int_equal(lcp_dcap_pck_ext_from_cert(&x, p3, (size_t)((uint8_t *)second - p3), err),
                     LCP_ERR_ATTESTATION_CERT);
    assert_non_null(strstr(err, "no SGX extension"));
    lcp_free(p3);
}

/* Every truncation and every single-byte change of a real extension: refused or parsed, never a crash; the
 * truncations are always refused. */
static void test_real_hostile(void **state)
{
    (void)state;
    size_t len;
    uint8_t *ext = real_ext(&len, "dcap/intel_qvl_synthetic_v3/pckCert.pem");
    lcp_dcap_pck_ext x;
    char err[LCP_ERR_LEN] = "";
    assert_int_equal(lcp_dcap_pck_ext_parse(&x, ext, len, err), LCP_OK);
    for (size_t n = 0; n < len; n++) {
        uint8_t *c = lcp_malloc(n ? n : 1);
        assert_non_null(c);
        memcpy(c, ext, n);
        assert_int_equal(lcp_dcap_pck_ext_parse(&x, c, n, err), LCP_ERR_ATTESTATION_CERT);
        lcp_free(c);
    }
    size_t accepted = 0;
    for (size_t i = 0; i < len; i++)
        for (unsigned v = 0; v < 256; v += 17) {
            uint8_t save = ext[i];
            ext[i] = (uint8_t)(save ^ v);
            int rc = lcp_dcap_pck_ext_parse(&x, ext, len, err);
            assert_true(rc == LCP_OK || rc == LCP_ERR_ATTESTATION_CERT);
            accepted += rc == LCP_OK;
            ext[i] = save;
        }
    /* Value bytes (PPID, FMSPC, SVNs...) may change and still parse; most structural bytes may not. */
    assert_true(accepted > 0);
    assert_true(accepted < len * 16);
    lcp_free(ext);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_built_valid),
        cmocka_unit_test(test_built_invalid),
        cmocka_unit_test(test_real_certificates),
        cmocka_unit_test(test_real_hostile),
    };
    return cmocka_run_group_tests_name("attestation/dcap_pck_ext", tests, NULL, NULL);
}
