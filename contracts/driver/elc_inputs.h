/* elc_inputs.h — TEST TOOLS only: the JSON inputs of the `lcp elc ...` verbs (create-client, update-client,
 * verify-membership, verify-non-membership) as the chain tools lcp-eth-chain and lcp-tm-chain write them for the
 * contract tests. Every failure ends the tool with "PROGRAM: what" on stderr and exit status 1 (a test tool has
 * nothing to recover; the test that runs it fails on the status). */
#ifndef LCP_CONTRACTS_ELC_INPUTS_H
#define LCP_CONTRACTS_ELC_INPUTS_H

#include <stdint.h>
#include <stdio.h>

#include "lcp/base.h"

/* Prints "PROGRAM: what" and exits 1. */
void drv_die(const char *what);
/* `--out DIR --now SECONDS` (both required, now > min_now) into *dir and *now; else the usage line and exit 1. */
void drv_args(int argc, char **argv, const char **dir, uint64_t *now, uint64_t min_now);
/* DIR/name opened for writing; drv_close checks that everything reached the file. */
FILE *drv_open(const char *dir, const char *name);
void drv_close(FILE *f);
/* p as standard base64 */
void drv_b64(FILE *f, const uint8_t *p, size_t n);
/* create.json: the client and consensus states as Anys */
void drv_write_create(const char *dir, const char *cs_url, const lcp_buf *cs, const char *cons_url,
                      const lcp_buf *cons, uint64_t now);
/* an update-client input: a header (or misbehaviour) Any for client cid */
void drv_write_update(const char *dir, const char *name, const char *cid, const char *url, const lcp_buf *msg,
                      int include_state, uint64_t now);
/* a verify-(non-)membership input under the prefix "ibc": value NULL for absence */
void drv_write_proof(const char *dir, const char *name, const char *cid, const char *path, const char *value,
                     const lcp_buf *proof, uint64_t rev, uint64_t height, uint64_t now);

#endif
