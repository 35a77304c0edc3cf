/* A host deployment for the end-to-end tests (enclave, service): a temporary directory with a state home and an
 * initialised simulated platform under it, and the lcp-enclave (and lcp-enclave-test) of the same build variant as
 * the test binary. */
#ifndef LCP_TEST_HOSTFIX_H
#define LCP_TEST_HOSTFIX_H

#include <limits.h>

typedef struct {
    char tmp[256];             /* /tmp/lcp-<tag>-XXXXXX */
    char home[PATH_MAX];       /* tmp/home (created by whoever opens it) */
    char platform[PATH_MAX];   /* tmp/platform, initialised */
    char enclave_bin[PATH_MAX]; /* build/<variant>/bin/lcp-enclave beside build/<variant>/tests */
    char test_enclave_bin[PATH_MAX]; /* build/<variant>/bin/lcp-enclave-test: the mock client and diagnostics */
} hostfix;

void hostfix_setup(hostfix *f, const char *tag);
/* Removes the temporary directory. Returns 0 (for cmocka teardowns) or fails the test. */
int hostfix_teardown(hostfix *f);

#endif
