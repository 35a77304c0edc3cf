/* lcp attestation simulate: attest an enclave key with a simulated IAS report (spec §5.2), as LCP's sgx-sw builds
 * do. The report is signed by a test PKI; only an LCP client given that root accepts it. */
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "lcp/attestation_ias_sim.h"
#include "lcp/host.h"

static const char HELP[] =
    "usage: lcp attestation simulate --enclave_key 0x.. --signing_cert_path DER --signing_key PEM\n"
    "                                [--isv_enclave_quote_status STATUS] [--advisory_ids ID,ID,...]\n"
    "\n"
    "SIMULATION. Attests an enclave key with an IAS-format report built from the key's enclave report and signed\n"
    "with a test signing key, as LCP's 'attestation simulate' does. Records the attestation in the key store\n"
    "(valid for 30 days, like an IAS report) and prints the signed report as JSON {avr, signature, signing_cert},\n"
    "which is what RegisterEnclaveKey carries to an LCP client. An LCP client accepts it only if it was deployed\n"
    "with the simulation root that issued --signing_cert_path; Intel's root rejects it.\n"
    "\n"
    "options:\n"
    "  --enclave_key 0x..            the key (from 'lcp enclave generate-key')\n"
    "  --signing_cert_path DER       the report-signing certificate (DER)\n"
    "  --signing_key PEM             its RSA private key (PKCS#8 or traditional PEM)\n"
    "  --isv_enclave_quote_status S  default OK\n"
    "  --advisory_ids a,b            default none\n"
    "  --validate_cert true|false    accepted for compatibility with LCP's CLI: the report is always checked\n"
    "                                against --signing_cert_path's key before anything is recorded\n"
    "\n"
    "A test PKI can be made with openssl:\n"
    "  openssl req -x509 -newkey rsa:3072 -nodes -keyout root.key -out root.crt -days 3650 -subj /CN=sim-root\n"
    "  openssl req -newkey rsa:2048 -nodes -keyout signing.key -out signing.csr -subj /CN=sim-signing\n"
    "  openssl x509 -req -in signing.csr -CA root.crt -CAkey root.key -CAcreateserial -days 3650 \\\n"
    "          -outform DER -out signing.der\n";

#define MAX_ADV 64

/* The report just signed must verify under the certificate that will travel with it: a certificate that does not
 * belong to --signing_key would record evidence no verifier accepts, on a key that can be attested only once. */
static int check_cert_key(const uint8_t *cert, size_t cert_len, const lcp_buf *avr, const lcp_buf *sig, char *err)
{
    const unsigned char *q = cert;
    X509 *x = d2i_X509(NULL, &q, (long)cert_len);
    if (x == NULL || (size_t)(q - cert) != cert_len) {
        X509_free(x);
        return lcp_fail(err, LCP_ERR_ATTESTATION_CERT, "--signing_cert_path is not one DER certificate");
    }
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    int ok = md && EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, X509_get0_pubkey(x)) == 1 &&
             EVP_DigestVerify(md, sig->data, sig->len, avr->data, avr->len) == 1;
    EVP_MD_CTX_free(md);
    X509_free(x);
    return ok ? LCP_OK
              : lcp_fail(err, LCP_ERR_ATTESTATION_SIGNATURE,
                         "the report does not verify under --signing_cert_path's key: is it --signing_key's certificate?");
}

int lcp_cli_attestation_simulate(const lcp_cli *cli, int argc, char **argv)
{
    lcp_cli_args a;
    static const char *const known[] = {"enclave_key", "signing_cert_path", "signing_key", "isv_enclave_quote_status",
                                        "advisory_ids", "validate_cert", NULL};
    if (lcp_cli_parse(&a, argc, argv, known, NULL)) return LCP_CLI_EXIT_USAGE;
    if (a.help) return fputs(HELP, stdout) < 0;
    uint8_t addr[20];
    const char *ek = lcp_cli_opt(&a, "enclave_key"), *certp = lcp_cli_opt(&a, "signing_cert_path"),
               *keyp = lcp_cli_opt(&a, "signing_key");
    (void)ek;
    int urc = lcp_cli_address_opt(addr, &a, "enclave_key", 1, NULL);
    if (urc) return urc;
    static const char *const statuses[] = {"OK", "SIGNATURE_INVALID", "GROUP_REVOKED", "SIGNATURE_REVOKED",
                                           "KEY_REVOKED", "SIGRL_VERSION_MISMATCH", "GROUP_OUT_OF_DATE",
                                           "CONFIGURATION_NEEDED", "SW_HARDENING_NEEDED",
                                           "CONFIGURATION_AND_SW_HARDENING_NEEDED", NULL};
    static const char *const bools[] = {"true", "false", NULL};
    const char *qs = lcp_cli_opt(&a, "isv_enclave_quote_status"), *vc = lcp_cli_opt(&a, "validate_cert");
    if (qs && !lcp_cli_one_of(qs, statuses))
        return lcp_cli_error(LCP_CLI_EXIT_USAGE, "--isv_enclave_quote_status: unknown IAS status '%s' (OK, "
                             "GROUP_OUT_OF_DATE, CONFIGURATION_NEEDED, SW_HARDENING_NEEDED, ...)", qs);
    if (vc && !lcp_cli_one_of(vc, bools))
        return lcp_cli_error(LCP_CLI_EXIT_USAGE, "--validate_cert takes true or false, got '%s'", vc);
    if (!certp || !keyp) return lcp_cli_error(LCP_CLI_EXIT_USAGE, "--signing_cert_path and --signing_key are required");
    char advbuf[4096] = "";
    char *items[MAX_ADV];
    const char *adv[MAX_ADV];
    size_t nadv = 0;
    const char *al = lcp_cli_opt(&a, "advisory_ids");
    if (al && *al) {
        int n = -1;
        if (strlen(al) < sizeof advbuf) {
            memcpy(advbuf, al, strlen(al) + 1);
            n = lcp_cli_split_list(items, MAX_ADV, advbuf);
        }
        if (n < 0)
            return lcp_cli_error(LCP_CLI_EXIT_USAGE, "--advisory_ids: at most %d non-empty IDs, comma-separated",
                                 MAX_ADV);
        for (int i = 0; i < n; i++) {
            if (!lcp_cli_is_advisory_id(items[i]))
                return lcp_cli_error(LCP_CLI_EXIT_USAGE, "--advisory_ids: '%s' is not an advisory ID (INTEL-SA-NNNNN)",
                                     items[i]);
            adv[nadv++] = items[i];
        }
    }
    char err[LCP_ERR_LEN] = "";
    uint8_t *cert = NULL, *key = NULL;
    size_t cert_len, key_len;
    int rc = lcp_file_read(&cert, &cert_len, certp, 1u << 20, err);
    if (rc == LCP_OK) rc = lcp_file_read(&key, &key_len, keyp, 1u << 20, err);
    if (rc != LCP_OK) {
        lcp_free(cert);
        return lcp_cli_error(LCP_CLI_EXIT_FAIL, "%s", err);
    }
    lcp_host *h;
    if ((rc = lcp_cli_open_host(cli, &h)) != 0) {
        lcp_free(cert);
        lcp_free(key);
        return rc;
    }
    lcp_store_txn *t = NULL;
    lcp_keystore_entry k;
    lcp_buf avr = {0}, sig = {0}, ev = {0};
    cJSON *out = NULL;
    if ((rc = lcp_store_begin(lcp_host_store(h), &t, 1, err)) != LCP_OK) goto done;
    if ((rc = lcp_keystore_get(t, &k, addr, err)) != LCP_OK) goto done;
    if (k.ra_type != LCP_RA_TYPE_NONE) {
        rc = lcp_fail(err, LCP_ERR_HOST_KEY_ATTESTED, "the key is already attested (one attestation per key)");
        goto done;
    }
    lcp_ias_sim_params p;
    memset(&p, 0, sizeof p);
    if (k.report.len < LCP_SGX_REPORT_BODY_LEN ||
        (rc = lcp_sgx_report_body_parse(&p.body, k.report.ptr, LCP_SGX_REPORT_BODY_LEN, err)) != LCP_OK) {
        rc = rc ? rc : lcp_fail(err, LCP_ERR_ATTESTATION_REPORT, "the key's enclave report is missing");
        goto done;
    }
    const char *status = lcp_cli_opt(&a, "isv_enclave_quote_status");
    p.status = status ? status : "OK";
    p.advisory_ids = adv;
    p.n_advisory_ids = nadv;
    uint64_t now_ns = lcp_time_now_ns();
    p.timestamp = (int64_t)(now_ns / 1000000000u);
    p.micros = (uint32_t)(now_ns / 1000000u % 1000u) * 1000u; /* milliseconds then "000", as LCP writes them */
    if ((rc = lcp_ias_sim_report(&avr, &sig, &p, key, key_len, err)) != LCP_OK) goto done;
    if ((rc = check_cert_key(cert, cert_len, &avr, &sig, err)) != LCP_OK) goto done;
    /* Evidence = the signed report in the fixtures' JSON form. */
    out = cJSON_CreateObject();
    char *s = lcp_malloc(avr.len + 1);
    if (!out || !s) {
        lcp_free(s);
        rc = lcp_fail(err, LCP_ERR_NOMEM, "out of memory");
        goto done;
    }
    memcpy(s, avr.data, avr.len);
    s[avr.len] = '\0';
    cJSON_AddStringToObject(out, "avr", s);
    lcp_free(s);
    char *b64 = lcp_malloc(lcp_base64_encoded_len(sig.len > cert_len ? sig.len : cert_len));
    if (!b64) {
        rc = lcp_fail(err, LCP_ERR_NOMEM, "out of memory");
        goto done;
    }
    lcp_base64_encode(b64, lcp_base64_encoded_len(sig.len), sig.data, sig.len);
    cJSON_AddStringToObject(out, "signature", b64);
    lcp_base64_encode(b64, lcp_base64_encoded_len(cert_len), cert, cert_len);
    cJSON_AddStringToObject(out, "signing_cert", b64);
    lcp_free(b64);
    char *text = cJSON_PrintUnformatted(out);
    if (!text || (rc = lcp_buf_append(&ev, text, strlen(text))) != LCP_OK) rc = lcp_fail(err, LCP_ERR_NOMEM, "out of memory");
    cJSON_free(text);
    if (rc != LCP_OK) goto done;
    /* IAS reports are good for 30 days from their timestamp (spec §4.5). */
    if ((rc = lcp_keystore_record_attestation(t, addr, LCP_RA_TYPE_IAS, ev.data, ev.len, (uint64_t)p.timestamp,
                                              (uint64_t)p.timestamp + 30u * 86400u, err)) != LCP_OK)
        goto done;
    rc = lcp_store_commit(t, err);
    t = NULL;
done:
    lcp_store_abort(t);
    lcp_host_close(h);
    lcp_buf_free(&avr);
    lcp_buf_free(&sig);
    lcp_buf_free(&ev);
    lcp_free(cert);
    lcp_memzero(key, key_len);
    lcp_free(key);
    if (rc != LCP_OK) {
        cJSON_Delete(out);
        return lcp_cli_error(LCP_CLI_EXIT_FAIL, "%s", err);
    }
    return lcp_cli_print_json(out);
}
