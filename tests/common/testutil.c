#include "testutil.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int tu_illegal_calls;

const char *tu_path(const char *rel)
{
    static char buf[4096];
    const char *root = getenv("LCP_TESTDATA");
    snprintf(buf, sizeof buf, "%s/%s", root && *root ? root : LCP_TESTDATA, rel);
    return buf;
}

uint8_t *tu_read(const char *rel, size_t *len)
{
    uint8_t *p = NULL;
    char err[LCP_ERR_LEN] = "";
    int rc = lcp_file_read(&p, len, tu_path(rel), 64u << 20, err);
    if (rc != LCP_OK) fail_msg("cannot read fixture %s: %s", rel, err);
    return p;
}

cJSON *tu_json(const char *rel)
{
    size_t len;
    uint8_t *p = tu_read(rel, &len);
    cJSON *j = cJSON_ParseWithLength((const char *)p, len);
    lcp_free(p);
    if (j == NULL) fail_msg("fixture %s is not JSON", rel);
    return j;
}

uint8_t *tu_b64_field(const cJSON *obj, const char *name, size_t *len)
{
    const cJSON *f = cJSON_GetObjectItemCaseSensitive(obj, name);
    if (!cJSON_IsString(f)) fail_msg("fixture has no string field %s", name);
    size_t sl = strlen(f->valuestring);
    size_t cap = lcp_base64_decoded_max(sl);
    uint8_t *out = lcp_malloc(cap);
    assert_non_null(out);
    char err[LCP_ERR_LEN] = "";
    if (lcp_base64_decode(out, cap, len, f->valuestring, sl, err) != LCP_OK) fail_msg("field %s: %s", name, err);
    return out;
}

size_t tu_hex(uint8_t *out, size_t cap, const char *hex)
{
    size_t n = 0;
    char err[LCP_ERR_LEN] = "";
    if (lcp_hex_decode(out, cap, &n, hex, strlen(hex), err) != LCP_OK) fail_msg("bad hex in test: %s", err);
    return n;
}

static void count_illegal(const char *what, void *data)
{
    (void)what;
    (void)data;
    tu_illegal_calls++;
}

void tu_count_illegal(void)
{
    tu_illegal_calls = 0;
    lcp_set_illegal_hook(count_illegal, NULL);
}

void tu_tmpdir(char *dir, size_t cap, const char *tag)
{
    if ((size_t)snprintf(dir, cap, "/tmp/lcp-%s-XXXXXX", tag) >= cap) fail_msg("tu_tmpdir: path too long");
    assert_non_null(mkdtemp(dir));
}

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *w)
{
    (void)st;
    (void)flag;
    (void)w;
    return remove(p);
}

void tu_rmtree(const char *dir) { assert_int_equal(nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS), 0); }
