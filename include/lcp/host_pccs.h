/* lcp/host_pccs.h — part of host (floor 5): DCAP collateral from a PCCS (Intel's Provisioning Certificate Caching
 * Service, or Intel's PCS itself), over a small HTTP/1.1 GET client on plain TCP or TLS (OpenSSL 3).
 *
 * What is fetched, for a quote (PCCS/PCS API v4, spec/dcap.md 2.2 and 2.4), under <base> = the --pccs_url given,
 * without a trailing "/" or "/sgx/certification/v4":
 *   <base>/sgx/certification/v4/pckcrl?ca=processor|platform&encoding=der   PCK CRL; header SGX-PCK-CRL-Issuer-Chain
 *   <base>/sgx/certification/v4/tcb?fmspc=<FMSPC hex>                        {"tcbInfo":..,"signature":..}; header
 *                                                                            TCB-Info-Issuer-Chain (v4) or
 *                                                                            SGX-TCB-Info-Issuer-Chain (v3 name)
 *   <base>/sgx/certification/v4/qe/identity                                  {"enclaveIdentity":..,"signature":..};
 *                                                                            header SGX-Enclave-Identity-Issuer-Chain
 *   <base>/sgx/certification/v4/rootcacrl                                    Root CA CRL (a PCCS answers in hex);
 *                                                                            when it does not answer 200 (Intel's
 *                                                                            PCS has no such path): the CRL
 *                                                                            distribution point of the root in the QE
 *                                                                            Identity issuer chain
 * The FMSPC and the CA (processor or platform) come from the PCK certificate the quote carries (certification
 * data type 5). Issuer chains arrive URL-encoded (percent-encoding; '+' stays '+': it is base64). CRL bodies may be
 * DER, PEM or hex; they are kept as DER. Nothing is verified here: the result is the one-file collateral document
 * (lcp_dcap_collateral_from_json's layout) that the verifier then checks under its trusted root, so a lying PCCS
 * can make attestation fail but never pass.
 *
 * TLS: https URLs are verified (certificate chain against the system's CA store or the CA file given, and the
 * host name or IP address of the URL); there is no way to switch that off. Plain http is for loopback tests and
 * for a PCCS reached over a trusted network only: the collateral is signed, so the channel protects availability,
 * not integrity.
 * All four answers are fetched before any is judged (lcp_pccs_collateral_assemble, below, then turns them into the
 * document).
 * Limits: every request has a timeout (connect, TLS handshake and the whole response together; name resolution is
 * not covered: getaddrinfo has no timeout), a response header cap (LCP_HTTP_MAX_HEAD) and a body cap. Each parser
 * bounds-checks its input (fuzz/fuzz_pccs.c, fuzz/fuzz_pccs_collateral.c).
 * Allocation: host side, lcp_malloc. Threading: no shared state; calls may run on several threads at once.
 */
#ifndef LCP_HOST_PCCS_H
#define LCP_HOST_PCCS_H

#include "lcp/base.h"

#ifdef __cplusplus
extern "C" {
#endif

#define LCP_HTTP_MAX_HEAD (64u * 1024)          /* status line and headers */
#define LCP_HTTP_DEFAULT_MAX_BODY (4u << 20)    /* a processor PCK CRL is the largest answer: tens of KB */
#define LCP_HTTP_DEFAULT_TIMEOUT_MS 10000u

typedef struct {
    const char *ca_file;  /* https: PEM file of trusted CAs; NULL = the system's default store */
    unsigned timeout_ms;  /* per request; 0 = LCP_HTTP_DEFAULT_TIMEOUT_MS */
    size_t max_body;      /* 0 = LCP_HTTP_DEFAULT_MAX_BODY */
} lcp_http_options;

/* ---- parsers (no I/O; each one fuzzed) ---- */

/* A URL: http or https, host (a name, an IPv4 address or a bracketed IPv6 address), optional port, path. */
typedef struct {
    int tls;
    char host[256];
    char port[8];
    char path[2048]; /* from the first '/' (at least "/"), query included */
} lcp_http_url;

/* Parses url. Returns LCP_OK or LCP_ERR_ILLEGAL_ARG (another scheme, user info, a fragment, an empty host or a
 * part too long for the fields above). */
int lcp_http_url_parse(lcp_http_url *out, const char *url, char *err) LCP_WARN_UNUSED;

/* A complete response. head: the header lines after the status line (each ending CRLF); body: the message body,
 * de-chunked. Both are views into the buffer given to lcp_http_response_parse. */
typedef struct {
    int status;
    lcp_bytes head;
    lcp_bytes body;
} lcp_http_response;

/* Parses an HTTP/1.x response held in buf[0..len) (it may rewrite buf in place to de-chunk the body). eof: 1 if
 * the connection has closed (a body without Content-Length or chunking ends there). Framing: Transfer-Encoding
 * chunked (no extensions beyond ';...' ignored, no trailers kept), else Content-Length, else until close.
 * Returns: LCP_OK (out set); 1 if the bytes so far are a valid beginning of a response (read more);
 *   LCP_ERR_HOST_HTTP_MALFORMED (bad status line, header, length or chunk framing; at eof: truncated);
 *   LCP_ERR_HOST_HTTP_TOO_LARGE (head over LCP_HTTP_MAX_HEAD or body over max_body). */
int lcp_http_response_parse(lcp_http_response *out, uint8_t *buf, size_t len, int eof, size_t max_body,
                            char *err) LCP_WARN_UNUSED;

/* The value of header name (ASCII case-insensitive) in head, without surrounding spaces; the first if repeated.
 * Returns 1 (found; *val is a view into head) or 0. */
int lcp_http_header(lcp_bytes *val, lcp_bytes head, const char *name);

/* Percent-decodes in[0..len) into out (cap >= len suffices; decoding never lengthens). '+' is kept.
 * Returns LCP_OK or LCP_ERR_HOST_HTTP_MALFORMED (a '%' not followed by two hex digits). Out: *n bytes. */
int lcp_http_url_decode(uint8_t *out, size_t cap, size_t *n, const uint8_t *in, size_t len, char *err) LCP_WARN_UNUSED;

/* ---- collateral assembly (no I/O; fuzzed: fuzz/fuzz_pccs_collateral.c) ---- */

/* One PCCS answer as fetched: where it came from (for messages), its header lines (as lcp_http_response.head) and
 * its body. Views, borrowed from the caller. */
typedef struct {
    const char *url;
    lcp_bytes head;
    lcp_bytes body;
} lcp_pccs_answer;

/* The four answers one collateral document is made of (the paths above). Only the first three need headers. */
typedef struct {
    lcp_pccs_answer pck_crl;     /* body: the PCK CRL; header SGX-PCK-CRL-Issuer-Chain */
    lcp_pccs_answer tcb_info;    /* body: {"tcbInfo":..,"signature":..}; header (SGX-)TCB-Info-Issuer-Chain */
    lcp_pccs_answer qe_identity; /* body: {"enclaveIdentity":..,"signature":..}; SGX-Enclave-Identity-Issuer-Chain */
    lcp_pccs_answer root_ca_crl; /* body: the Root CA CRL (from /rootcacrl or the root's distribution point) */
} lcp_pccs_answers;

/* The Root CA CRL's URL when the PCCS does not serve /rootcacrl: the first URI CRL distribution point of the last
 * certificate in the QE Identity answer's issuer chain (the root, as PCS sends it). Nothing is verified: a wrong
 * URL yields a CRL that fails verification.
 * Returns: LCP_OK; LCP_ERR_HOST_PCCS (no chain header, no distribution point, or one longer than cap - 1);
 *   LCP_ERR_HOST_HTTP_MALFORMED (bad percent-encoding); LCP_ERR_NOMEM. Out: out (NUL-terminated). */
int lcp_pccs_root_crl_url(char *out, size_t cap, const lcp_pccs_answer *qe_identity, char *err) LCP_WARN_UNUSED;

/* Turns the four answers into the one-file collateral document (what lcp_pccs_collateral does once it has them):
 * issuer chains URL-decoded, each a PEM text; CRL bodies as DER, PEM or hex (line ends trimmed from text forms
 * only), written as hex of the DER; the signed bodies split into the member's exact text and its signature.
 * Whatever this accepts, lcp_dcap_collateral_from_json loads with the same bytes.
 * Returns: LCP_OK; LCP_ERR_HOST_PCCS (err names the answer's URL and what is wrong with it);
 *   LCP_ERR_HOST_HTTP_MALFORMED (bad percent-encoding in a chain header); LCP_ERR_NOMEM.
 * Out: *json (lcp_malloc'd, NUL-terminated, *len bytes without the NUL; NULL unless LCP_OK). */
int lcp_pccs_collateral_assemble(char **json, size_t *len, const lcp_pccs_answers *a, char *err) LCP_WARN_UNUSED;

/* ---- the client ---- */

/* A fetched response: the bytes read (owned) and the parsed view into them. */
typedef struct {
    lcp_buf raw;
    lcp_http_response r;
} lcp_http_result;
void lcp_http_result_free(lcp_http_result *res);

/* GET url (HTTP/1.1, Connection: close). Any status is returned (res->r.status); the caller judges it.
 * Returns: LCP_OK; LCP_ERR_ILLEGAL_ARG (url); LCP_ERR_HOST_HTTP (resolve, connect, TLS handshake or certificate
 *   verification failed, connection reset); LCP_ERR_HOST_HTTP_TIMEOUT; LCP_ERR_HOST_HTTP_TOO_LARGE;
 *   LCP_ERR_HOST_HTTP_MALFORMED (including a response cut short); LCP_ERR_NOMEM.
 * Out: res (free with lcp_http_result_free whatever the return). */
int lcp_http_get(lcp_http_result *res, const char *url, const lcp_http_options *opt, char *err) LCP_WARN_UNUSED;

/* ---- collateral ---- */

/* Fetches the collateral for quote (an SGX quote v3 carrying its PCK certificate chain) from the PCCS at base_url
 * (see above) and writes it as the one-file collateral document.
 * Returns: LCP_OK; LCP_ERR_ATTESTATION / _UNSUPPORTED / _CERT (the quote or its PCK certificate); the client's
 *   errors above; LCP_ERR_HOST_HTTP_STATUS (a required answer was not 200: err names the URL and status);
 *   LCP_ERR_HOST_PCCS (a required header missing, a body that is not what the path returns); LCP_ERR_NOMEM.
 * Out: *json (lcp_malloc'd, NUL-terminated, *len bytes without the NUL). */
int lcp_pccs_collateral(char **json, size_t *len, const char *base_url, const uint8_t *quote, size_t quote_len,
                        const lcp_http_options *opt, char *err) LCP_WARN_UNUSED;

#ifdef __cplusplus
}
#endif
#endif
