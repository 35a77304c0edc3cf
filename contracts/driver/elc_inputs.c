/* The `lcp elc` input writers of the chain test tools (elc_inputs.h). */
#include "elc_inputs.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void drv_die(const char *what)
{
    fprintf(stderr, "%s: %s\n", program_invocation_short_name, what);
    exit(1);
}

void drv_args(int argc, char **argv, const char **dir, uint64_t *now, uint64_t min_now)
{
    char usage[128];
    snprintf(usage, sizeof usage, "usage: %s --out DIR --now SECONDS", program_invocation_short_name);
    *dir = NULL;
    *now = 0;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--out") == 0) *dir = argv[i + 1];
        else if (strcmp(argv[i], "--now") == 0) *now = strtoull(argv[i + 1], NULL, 10);
        else drv_die(usage);
    }
    if (argc % 2 == 0 || *dir == NULL || *now <= min_now) drv_die(usage);
}

FILE *drv_open(const char *dir, const char *name)
{
    char path[4096];
    int k = snprintf(path, sizeof path, "%s/%s", dir, name);
    if (k < 0 || (size_t)k >= sizeof path) drv_die("path too long");
    FILE *f = fopen(path, "w");
    if (f == NULL) drv_die(path);
    return f;
}

void drv_close(FILE *f)
{
    if (ferror(f) | fclose(f)) drv_die("write");
}

void drv_b64(FILE *f, const uint8_t *p, size_t n)
{
    size_t cap = lcp_base64_encoded_len(n);
    char *s = malloc(cap);
    if (s == NULL || lcp_base64_encode(s, cap, p, n) != LCP_OK) drv_die("base64");
    fputs(s, f);
    free(s);
}

static void any_member(FILE *f, const char *name, const char *url, const lcp_buf *v)
{
    fprintf(f, "\"%s\": {\"type_url\": \"%s\", \"value\": \"", name, url);
    drv_b64(f, v->data, v->len);
    fputs("\"}", f);
}

void drv_write_create(const char *dir, const char *cs_url, const lcp_buf *cs, const char *cons_url,
                      const lcp_buf *cons, uint64_t now)
{
    FILE *f = drv_open(dir, "create.json");
    fputs("{", f);
    any_member(f, "any_client_state", cs_url, cs);
    fputs(", ", f);
    any_member(f, "any_consensus_state", cons_url, cons);
    fprintf(f, ", \"current_timestamp\": %llu}\n", (unsigned long long)now);
    drv_close(f);
}

void drv_write_update(const char *dir, const char *name, const char *cid, const char *url, const lcp_buf *msg,
                      int include_state, uint64_t now)
{
    FILE *f = drv_open(dir, name);
    fprintf(f, "{\"client_id\": \"%s\", ", cid);
    any_member(f, "any_header", url, msg);
    fprintf(f, ", \"include_state\": %s, \"current_timestamp\": %llu}\n", include_state ? "true" : "false",
            (unsigned long long)now);
    drv_close(f);
}

void drv_write_proof(const char *dir, const char *name, const char *cid, const char *path, const char *value,
                     const lcp_buf *proof, uint64_t rev, uint64_t height, uint64_t now)
{
    FILE *f = drv_open(dir, name);
    fprintf(f, "{\"client_id\": \"%s\", \"prefix\": \"", cid);
    drv_b64(f, (const uint8_t *)"ibc", 3);
    fprintf(f, "\", \"path\": \"%s\", ", path);
    if (value) {
        fputs("\"value\": \"", f);
        drv_b64(f, (const uint8_t *)value, strlen(value));
        fputs("\", ", f);
    }
    fprintf(f, "\"proof_height\": {\"revision_number\": %llu, \"revision_height\": %llu}, \"proof\": \"",
            (unsigned long long)rev, (unsigned long long)height);
    drv_b64(f, proof->data, proof->len);
    fprintf(f, "\", \"current_timestamp\": %llu}\n", (unsigned long long)now);
    drv_close(f);
}
