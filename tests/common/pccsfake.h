/* A loopback fake PCCS for tests: serves a one-file collateral document (the simulated Intel's) on the PCCS API v4
 * paths, over plain TCP or TLS, and misbehaves on request (the failure matrix of the PCCS client). */
#ifndef LCP_TEST_PCCSFAKE_H
#define LCP_TEST_PCCSFAKE_H

#include <stddef.h>

typedef enum {
    PF_OK = 0,
    PF_NOT_FOUND,     /* 404 on every path */
    PF_TRUNCATED,     /* Content-Length promises more than is sent, then close */
    PF_NO_HEADER,     /* the issuer-chain headers are left out */
    PF_OVERSIZED,     /* an endless body (no length) */
    PF_SLOW,          /* sends nothing for 3 s */
    PF_CHUNKED,       /* every answer chunked, in small pieces */
    PF_ANY_FMSPC,     /* answer /tcb whatever the fmspc asked (with PF_OK, an unknown fmspc gets 404) */
    PF_NO_ROOTCRL,    /* 404 on /rootcacrl only (Intel's PCS has no such path) */
} pf_mode;

typedef struct pccsfake pccsfake;

/* Starts serving doc (the one-file collateral JSON) on 127.0.0.1, plain (cert_pem NULL) or TLS with the given
 * certificate and key files. Fails the test if it cannot. fmspc: the one FMSPC it knows (hex, as the quote's). */
pccsfake *pccsfake_start(const char *doc, size_t doc_len, const char *fmspc, const char *cert_pem, const char *key_pem);
void pccsfake_mode(pccsfake *f, pf_mode m);
/* "http://127.0.0.1:PORT" or "https://..." */
const char *pccsfake_url(const pccsfake *f);
/* Requests answered so far, and the request target of the last one. */
unsigned pccsfake_requests(pccsfake *f, char *last, size_t cap);
void pccsfake_stop(pccsfake *f);

/* A self-signed P-256 certificate for CN=pccs-test with subjectAltName san (e.g. "IP:127.0.0.1" or
 * "DNS:example.invalid"), written as cert_path and key_path (PEM). */
void pccsfake_make_cert(const char *cert_path, const char *key_path, const char *san);

#endif
