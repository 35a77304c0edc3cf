/* Shared helpers for the cmocka tests: fixture paths, file and JSON loading, hex. Tests run from the project
 * root; fixtures are read where they are, from ../shared/testdata (LCP_TESTDATA, or the env var of that name). */
#ifndef LCP_TESTUTIL_H
#define LCP_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <cjson/cJSON.h>

#include "lcp/base.h"

/* Full path of a file under the test-data root (static buffer, valid until the next call). */
const char *tu_path(const char *rel);
/* Reads a file under the test-data root; fails the test if missing. Free with lcp_free. */
uint8_t *tu_read(const char *rel, size_t *len);
/* Parses a JSON file under the test-data root; fails the test on error. Free with cJSON_Delete. */
cJSON *tu_json(const char *rel);
/* Decodes the base64 string field `name` of obj into a new buffer (free with lcp_free); fails the test if absent. */
uint8_t *tu_b64_field(const cJSON *obj, const char *name, size_t *len);
/* Decodes hex (with or without 0x) into out; fails the test on error. Returns the length. */
size_t tu_hex(uint8_t *out, size_t cap, const char *hex);
/* A fresh empty directory /tmp/lcp-<tag>-XXXXXX (path written to dir, cap bytes); fails the test if it cannot. */
void tu_tmpdir(char *dir, size_t cap, const char *tag);
/* Removes dir and everything below it (not following links); fails the test if anything is left. */
void tu_rmtree(const char *dir);

/* Counts illegal-argument hook calls instead of aborting (install with tu_count_illegal()). */
extern int tu_illegal_calls;
void tu_count_illegal(void);

#endif
