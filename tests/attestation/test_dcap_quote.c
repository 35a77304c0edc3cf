/* DCAP quote v3 parsing: field values of the real Phala quote and of Intel's synthetic one (PROVENANCE.md), version
 * and TEE recognition (v4, v5, TDX), and hostile bytes: every truncation, every length field off by one, trailing
 * bytes, vendor and key type. Then what lcp_dcap_quote_pck_info reads from the quote's PCK certificate (FMSPC, CA)
 * on the real quotes, with the issuer's name rewritten, and on hostile quotes. */
#include "testutil.h"

#include <openssl/bio.h>
#include <openssl/pem.h>
#include <string.h>

#include "lcp/attestation_dcap.h"

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}
static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++) p[i] = (uint8_t)(v >> (8 * i));
}

static void test_phala_fields(void **state)
{
    (void)state;
    size_t len;
    uint8_t *p = tu_read("dcap/phala_sgx_v3/quote.bin", &len);
    lcp_dcap_quote q;
    char err[LCP_ERR_LEN] = "";
    int rc = lcp_dcap_quote_parse(&q, p, len, err);
    if (rc != LCP_OK) fail_msg("parse: %s", err);
    assert_int_equal(len, 4600);
    assert_int_equal(q.version, 3);
    assert_int_equal(q.att_key_type, 2);
    assert_int_equal(q.tee_type, 0);
    assert_int_equal(q.qe_svn, 10);
    assert_int_equal(q.pce_svn, 15);
    assert_memory_equal(q.qe_vendor_id, LCP_DCAP_QE_VENDOR_INTEL, 16);
    assert_ptr_equal(q.signed_data.ptr, p);
    assert_int_equal(q.signed_data.len, 432);
    assert_ptr_equal(q.isv_signature, p + 436);
    assert_ptr_equal(q.attestation_key, p + 500);
    assert_ptr_equal(q.qe_report_raw, p + 564);
    assert_ptr_equal(q.qe_report_signature, p + 948);
    assert_int_equal(q.qe_auth_data.len, 32);
    assert_int_equal(q.cert_type, LCP_DCAP_CERT_PCK_CHAIN);
    assert_int_equal(q.cert_data.len, 3548);
    assert_int_equal(q.cert_data.ptr[q.cert_data.len - 1], 0); /* Intel's QE NUL-terminates the PEM chain */
    uint8_t mr[32];
    tu_hex(mr, 32, "33d8736db756ed4997e04ba358d27833188f1932ff7b1d156904d3f560452fbb");
    assert_memory_equal(q.report.mrenclave, mr, 32);
    assert_int_equal(q.report.flags, 0x05); /* INIT | MODE64BIT, not DEBUG */
    assert_int_equal(q.report.xfrm, 0xe7);
    assert_memory_equal(q.report.report_data, "Hello, world!", 14);
    tu_hex(mr, 32, "8c4f5775d796503e96137f77c68a829a0056ac8ded70140b081b094490c57bff");
    assert_memory_equal(q.qe_report.mrsigner, mr, 32);
    assert_int_equal(q.qe_report.isv_prod_id, 1);
    assert_int_equal(q.qe_report.isv_svn, 10);
    /* The split-out certification data is byte-exact. */
    size_t cl;
    uint8_t *chain = tu_read("dcap/phala_sgx_v3/split/pck_cert_chain_from_quote.pem", &cl);
    assert_int_equal(cl, q.cert_data.len);
    assert_memory_equal(chain, q.cert_data.ptr, cl);
    lcp_free(chain);
    lcp_free(p);
}

static void test_synthetic_fields(void **state)
{
    (void)state;
    size_t len;
    uint8_t *p = tu_read("dcap/intel_qvl_synthetic_v3/quote.dat", &len);
    lcp_dcap_quote q;
    char err[LCP_ERR_LEN] = "";
    int rc = lcp_dcap_quote_parse(&q, p, len, err);
    if (rc != LCP_OK) fail_msg("parse: %s", err);
    assert_int_equal(len, 1054);
    assert_int_equal(q.cert_type, LCP_DCAP_CERT_PPID_CLEARTEXT);
    assert_int_equal(q.qe_auth_data.len, 0);
    assert_int_equal(q.cert_data.len, 34);
    assert_int_equal(q.qe_report.isv_svn, 1);
    lcp_free(p);
}

/* Recognised but refused: a TDX v4 quote, an SGX v4/v5 quote, other key types, other QE vendors. */
static void test_unsupported(void **state)
{
    (void)state;
    size_t len;
    uint8_t *p = tu_read("dcap/phala_tdx_v4/quote.bin", &len);
    lcp_dcap_quote q;
    char err[LCP_ERR_LEN] = "";
    assert_int_equal(lcp_dcap_quote_parse(&q, p, len, err), LCP_ERR_ATTESTATION_UNSUPPORTED);
    assert_non_null(strstr(err, "TDX"));
    lcp_free(p);

    p = tu_read("dcap/phala_sgx_v3/quote.bin", &len);
    for (uint16_t v = 0; v < 8; v++) {
        if (v == 3) continue;
        put16(p, v);
        assert_int_equal(lcp_dcap_quote_parse(&q, p, len, err), LCP_ERR_ATTESTATION_UNSUPPORTED);
        assert_non_null(strstr(err, "version"));
    }
    put16(p, 3);
    put16(p + 2, 3); /* ECDSA-384 */
    assert_int_equal(lcp_dcap_quote_parse(&q, p, len, err), LCP_ERR_ATTESTATION_UNSUPPORTED);
    put16(p + 2, 2);
    put32(p + 4, 1);
    assert_int_equal(lcp_dcap_quote_parse(&q, p, len, err), LCP_ERR_ATTESTATION_UNSUPPORTED);
    put32(p + 4, 0);
    p[12] ^= 1;
    assert_int_equal(lcp_dcap_quote_parse(&q, p, len, err), LCP_ERR_ATTESTATION_UNSUPPORTED);
    assert_non_null(strstr(err, "vendor"));
    p[12] ^= 1;
    /* Certification data types 6 (v4 only) and 7, and nonsense types. */
    size_t ct = 436 + 578 + 32;
    for (uint16_t t = 6; t < 10; t++) {
        put16(p + ct, t);
        assert_int_equal(lcp_dcap_quote_parse(&q, p, len, err), LCP_ERR_ATTESTATION_UNSUPPORTED);
    }
    put16(p + ct, 0);
    assert_int_equal(lcp_dcap_quote_parse(&q, p, len, err), LCP_ERR_ATTESTATION_UNSUPPORTED);
    put16(p + ct, 5);
    assert_int_equal(lcp_dcap_quote_parse(&q, p, len, err), LCP_OK);
    lcp_free(p);
}

/* Every prefix is refused without reading past it (ASan watches), as is any trailing byte. */
static void test_truncation_and_trailing(void **state)
{
    (void)state;
    size_t len;
    uint8_t *p = tu_read("dcap/phala_sgx_v3/quote.bin", &len);
    lcp_dcap_quote q;
    char err[LCP_ERR_LEN] = "";
    for (size_t n = 0; n < len; n++) {
        uint8_t *c = lcp_malloc(n ? n : 1);
        assert_non_null(c);
        memcpy(c, p, n);
        assert_int_equal(lcp_dcap_quote_parse(&q, c, n, err), LCP_ERR_ATTESTATION);
        lcp_free(c);
    }
    uint8_t *longer = lcp_malloc(len + 1);
    assert_non_null(longer);
    memcpy(longer, p, len);
    longer[len] = 0;
    assert_int_equal(lcp_dcap_quote_parse(&q, longer, len + 1, err), LCP_ERR_ATTESTATION);
    assert_non_null(strstr(err, "signature data length"));
    lcp_free(longer);
    lcp_free(p);
}

/* Each of the three nested length fields, nudged either way or set to extremes, is refused. */
static void test_length_fields(void **state)
{
    (void)state;
    size_t len;
    uint8_t *p = tu_read("dcap/phala_sgx_v3/quote.bin", &len);
    lcp_dcap_quote q;
    char err[LCP_ERR_LEN] = "";
    static const int64_t deltas[] = {-1, 1, -1000000, 1000000};
    static const uint32_t extremes[] = {0, 0xFFFF, 0xFFFFFFFFu};
    const size_t fields[3] = {432, 436 + 576, 436 + 578 + 32 + 2};
    const int widths[3] = {4, 2, 4};
    for (int f = 0; f < 3; f++) {
        uint8_t save[4];
        memcpy(save, p + fields[f], 4);
        uint32_t v = widths[f] == 2 ? (uint32_t)(p[fields[f]] | p[fields[f] + 1] << 8)
                                    : (uint32_t)p[fields[f]] | (uint32_t)p[fields[f] + 1] << 8 |
                                          (uint32_t)p[fields[f] + 2] << 16 | (uint32_t)p[fields[f] + 3] << 24;
        for (size_t d = 0; d < 4 + 3; d++) {
            uint32_t nv = d < 4 ? (uint32_t)((int64_t)v + deltas[d]) : extremes[d - 4];
            if (widths[f] == 2) put16(p + fields[f], (uint16_t)nv);
            else put32(p + fields[f], nv);
            if ((widths[f] == 2 ? (nv & 0xFFFF) : nv) == v) continue;
            assert_int_equal(lcp_dcap_quote_parse(&q, p, len, err), LCP_ERR_ATTESTATION);
        }
        memcpy(p + fields[f], save, 4);
    }
    assert_int_equal(lcp_dcap_quote_parse(&q, p, len, err), LCP_OK);
    lcp_free(p);
}

/* ---- lcp_dcap_quote_pck_info ---- */

/* The real quotes (PROVENANCE.md): PCK leaves issued by the Processor CA, FMSPC 00A067110000. */
static void test_pck_info_real(void **state)
{
    (void)state;
    static const char *const files[] = {"dcap/phala_sgx_v3/quote.bin", "dcap/automata_sgx_v3_debug/quote.bin"};
    for (size_t i = 0; i < 2; i++) {
        size_t len;
        uint8_t *p = tu_read(files[i], &len);
        lcp_dcap_pck_info pi;
        char err[LCP_ERR_LEN] = "";
        int rc = lcp_dcap_quote_pck_info(&pi, p, len, err);
        if (rc != LCP_OK) fail_msg("%s: %s", files[i], err);
        assert_int_equal(pi.ca, LCP_DCAP_PCK_CA_PROCESSOR);
        assert_string_equal(lcp_dcap_pck_ca_name(pi.ca), "processor");
        assert_string_equal(pi.fmspc_hex, "00A067110000");
        uint8_t fmspc[6];
        tu_hex(fmspc, 6, "00a067110000");
        assert_memory_equal(pi.ext.fmspc, fmspc, 6);
        static const uint8_t comps[16] = {11, 11, 2, 2, 255, 1};
        assert_memory_equal(pi.ext.comp_svn, comps, 16);
        assert_int_equal(pi.ext.pce_svn, 13);
        assert_int_equal(pi.ext.sgx_type, 0);
        if (i == 0) {
            uint8_t ppid[16];
            tu_hex(ppid, 16, "d04ec06d4e6d92dc90d0ad3cf5ee2ddf");
            assert_memory_equal(pi.ext.ppid, ppid, 16);
        }
        lcp_free(p);
    }
    assert_string_equal(lcp_dcap_pck_ca_name(LCP_DCAP_PCK_CA_PLATFORM), "platform");
    assert_string_equal(lcp_dcap_pck_ca_name((lcp_dcap_pck_ca)0), "?");
}

/* Rewrites `from` to `to` (same length) inside the DER of the quote's first PEM certificate and writes the PEM back
 * in place (same DER length, so the same PEM length: the quote's lengths still hold). */
static void leaf_rewrite(uint8_t *quote, size_t len, const char *from, const char *to)
{
    lcp_dcap_quote q;
    char err[LCP_ERR_LEN] = "";
    assert_int_equal(lcp_dcap_quote_parse(&q, quote, len, err), LCP_OK);
    uint8_t *pem = (uint8_t *)q.cert_data.ptr;
    static const char end[] = "-----END CERTIFICATE-----\n";
    const uint8_t *e = memmem(pem, q.cert_data.len, end, strlen(end));
    assert_non_null(e);
    size_t block = (size_t)(e - pem) + strlen(end);
    BIO *in = BIO_new_mem_buf(pem, (int)block);
    char *name = NULL, *header = NULL;
    unsigned char *der = NULL;
    long dl = 0;
    assert_true(in && PEM_read_bio(in, &name, &header, &der, &dl) == 1);
    BIO_free(in);
    uint8_t *at = memmem(der, (size_t)dl, from, strlen(from));
    assert_non_null(at);
    assert_int_equal(strlen(from), strlen(to));
    memcpy(at, to, strlen(to));
    BIO *out = BIO_new(BIO_s_mem());
    assert_true(out && PEM_write_bio(out, "CERTIFICATE", "", der, dl) > 0);
    char *w = NULL;
    long wl = BIO_get_mem_data(out, &w);
    assert_int_equal((size_t)wl, block);
    memcpy(pem, w, block);
    BIO_free(out);
    OPENSSL_free(name);
    OPENSSL_free(header);
    OPENSSL_free(der);
}

/* The CA kind comes from the leaf's issuer name: Platform CA, and a name that is neither. */
static void test_pck_info_issuer(void **state)
{
    (void)state;
    size_t len;
    uint8_t *p = tu_read("dcap/phala_sgx_v3/quote.bin", &len);
    lcp_dcap_pck_info pi;
    char err[LCP_ERR_LEN] = "";
    leaf_rewrite(p, len, "Intel SGX PCK Processor CA", "Intel SGX  PCK Platform CA");
    int rc = lcp_dcap_quote_pck_info(&pi, p, len, err);
    if (rc != LCP_OK) fail_msg("%s", err);
    assert_int_equal(pi.ca, LCP_DCAP_PCK_CA_PLATFORM);
    assert_string_equal(pi.fmspc_hex, "00A067110000");
    leaf_rewrite(p, len, "Intel SGX  PCK Platform CA", "Intel SGX PCK Processer CA");
    assert_int_equal(lcp_dcap_quote_pck_info(&pi, p, len, err), LCP_ERR_ATTESTATION_CERT);
    assert_non_null(strstr(err, "'Intel SGX PCK Processer CA' is neither PCK CA"));
    assert_int_equal(pi.ca, 0);
    /* An SGX extension that no longer parses (its FMSPC entry's OID arc 4 made 9: FMSPC missing). */
    leaf_rewrite(p, len, "Intel SGX PCK Processer CA", "Intel SGX PCK Processor CA");
    static const char fmspc_oid[] = {0x06, 0x0a, 0x2a, (char)0x86, 0x48, (char)0x86, (char)0xf8, 0x4d, 0x01, 0x0d,
                                     0x01, 0x04, 0x04, 0x06, 0};
    static const char other_oid[] = {0x06, 0x0a, 0x2a, (char)0x86, 0x48, (char)0x86, (char)0xf8, 0x4d, 0x01, 0x0d,
                                     0x01, 0x09, 0x04, 0x06, 0};
    leaf_rewrite(p, len, fmspc_oid, other_oid);
    assert_int_equal(lcp_dcap_quote_pck_info(&pi, p, len, err), LCP_ERR_ATTESTATION_CERT);
    assert_non_null(strstr(err, "FMSPC is missing"));
    lcp_free(p);
}

/* Hostile quotes: an error code with a message, never a crash (ASan watches) and nothing written. */
static void test_pck_info_hostile(void **state)
{
    (void)state;
    size_t len;
    uint8_t *p = tu_read("dcap/phala_sgx_v3/quote.bin", &len);
    lcp_dcap_pck_info pi;
    char err[LCP_ERR_LEN];
    /* Empty and every truncation. */
    for (size_t n = 0; n < len; n += n < 1100 ? 1 : 7) {
        uint8_t *c = lcp_malloc(n ? n : 1);
        assert_non_null(c);
        memcpy(c, p, n);
        memset(&pi, 0xa5, sizeof pi);
        err[0] = '\0';
        assert_int_equal(lcp_dcap_quote_pck_info(&pi, c, n, err), LCP_ERR_ATTESTATION);
        assert_true(err[0] != '\0');
        assert_int_equal(pi.ca, 0);
        lcp_free(c);
    }
    /* Another version; a TDX quote; a quote without its PCK certificate (type 1). */
    put16(p, 4);
    assert_int_equal(lcp_dcap_quote_pck_info(&pi, p, len, err), LCP_ERR_ATTESTATION_UNSUPPORTED);
    assert_non_null(strstr(err, "version 4"));
    put16(p, 3);
    size_t ol;
    uint8_t *o = tu_read("dcap/phala_tdx_v4/quote.bin", &ol);
    assert_int_equal(lcp_dcap_quote_pck_info(&pi, o, ol, err), LCP_ERR_ATTESTATION_UNSUPPORTED);
    assert_non_null(strstr(err, "TDX"));
    lcp_free(o);
    o = tu_read("dcap/intel_qvl_synthetic_v3/quote.dat", &ol);
    assert_int_equal(lcp_dcap_quote_pck_info(&pi, o, ol, err), LCP_ERR_ATTESTATION_UNSUPPORTED);
    assert_non_null(strstr(err, "certification data type 1"));
    lcp_free(o);
    /* The leaf's PEM no longer base64 ('M' of "MII..." made '*'), then no PEM at all. */
    lcp_dcap_quote q;
    assert_int_equal(lcp_dcap_quote_parse(&q, p, len, err), LCP_OK);
    uint8_t *pem = (uint8_t *)q.cert_data.ptr;
    size_t b64 = strlen("-----BEGIN CERTIFICATE-----\n");
    assert_int_equal(pem[b64], 'M');
    pem[b64] = '*';
    assert_int_equal(lcp_dcap_quote_pck_info(&pi, p, len, err), LCP_ERR_ATTESTATION_CERT);
    assert_true(err[0] != '\0');
    memset(pem, 'A', q.cert_data.len);
    assert_int_equal(lcp_dcap_quote_pck_info(&pi, p, len, err), LCP_ERR_ATTESTATION_CERT);
    assert_int_equal(pi.ca, 0);
    lcp_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_phala_fields),
        cmocka_unit_test(test_synthetic_fields),
        cmocka_unit_test(test_unsupported),
        cmocka_unit_test(test_truncation_and_trailing),
        cmocka_unit_test(test_length_fields),
        cmocka_unit_test(test_pck_info_real),
        cmocka_unit_test(test_pck_info_issuer),
        cmocka_unit_test(test_pck_info_hostile),
    };
    return cmocka_run_group_tests_name("attestation/dcap_quote", tests, NULL, NULL);
}
