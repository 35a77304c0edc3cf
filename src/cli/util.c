/* Shared helpers of the `lcp` command: option parsing, errors, JSON output, blob input. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static int in_list(const char *const *list, const char *s, size_t n)
{
    for (; list && *list; list++)
        if (strlen(*list) == n && strncmp(*list, s, n) == 0) return 1;
    return 0;
}

int lcp_cli_parse(lcp_cli_args *a, int argc, char **argv, const char *const *known, const char *const *flags)
{
    memset(a, 0, sizeof *a);
    for (int i = 0; i < argc; i++) {
        const char *s = argv[i];
        if (strcmp(s, "--help") == 0 || strcmp(s, "-h") == 0) {
            a->help = 1;
            continue;
        }
        if (strncmp(s, "--", 2) != 0 || s[2] == '\0') {
            if (a->npos == LCP_CLI_MAX_ARGS) return lcp_cli_error(LCP_CLI_EXIT_USAGE, "too many arguments");
            a->pos[a->npos++] = s;
            continue;
        }
        const char *name = s + 2, *eq = strchr(name, '=');
        size_t nl = eq ? (size_t)(eq - name) : strlen(name);
        if (!in_list(known, name, nl) && !in_list(flags, name, nl))
            return lcp_cli_error(LCP_CLI_EXIT_USAGE, "unknown option --%.*s (see --help)", (int)nl, name);
        if (a->n == LCP_CLI_MAX_ARGS) return lcp_cli_error(LCP_CLI_EXIT_USAGE, "too many options");
        const char *val = NULL;
        /* A flag has no value: "--allow_debug=false" must not quietly mean "allow debug". */
        if (eq && in_list(flags, name, nl) && !in_list(known, name, nl))
            return lcp_cli_error(LCP_CLI_EXIT_USAGE, "--%.*s is a flag and takes no value", (int)nl, name);
        if (eq) val = eq + 1;
        else if (!in_list(flags, name, nl)) {
            if (i + 1 >= argc) return lcp_cli_error(LCP_CLI_EXIT_USAGE, "option --%s needs a value", name);
            val = argv[++i];
        }
        /* names point into argv and may still carry "=value": lcp_cli_opt compares up to '=' or the end. */
        a->names[a->n] = name;
        a->values[a->n] = val;
        a->n++;
    }
    return 0;
}

static int name_is(const char *stored, const char *name)
{
    size_t n = strlen(name);
    return strncmp(stored, name, n) == 0 && (stored[n] == '\0' || stored[n] == '=');
}

const char *lcp_cli_opt(const lcp_cli_args *a, const char *name)
{
    const char *v = NULL;
    for (int i = 0; i < a->n; i++)
        if (name_is(a->names[i], name)) v = a->values[i]; /* last one wins, as in most CLIs */
    return v;
}

int lcp_cli_has(const lcp_cli_args *a, const char *name)
{
    for (int i = 0; i < a->n; i++)
        if (name_is(a->names[i], name)) return 1;
    return 0;
}

int lcp_cli_error(int code, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    for (char *p = msg; *p; p++)
        if (*p == '\n') *p = ' ';
    fprintf(stderr, "lcp: error: %s\n", msg);
    return code;
}

int lcp_cli_print_json(cJSON *doc)
{
    char *s = doc ? cJSON_Print(doc) : NULL;
    cJSON_Delete(doc);
    if (s == NULL) return lcp_cli_error(LCP_CLI_EXIT_FAIL, "out of memory printing JSON");
    int ok = printf("%s\n", s) >= 0 && fflush(stdout) == 0;
    cJSON_free(s);
    return ok ? 0 : lcp_cli_error(LCP_CLI_EXIT_FAIL, "cannot write to stdout");
}

int lcp_cli_json_hex(cJSON *obj, const char *name, const uint8_t *p, size_t n)
{
    char *hex = lcp_malloc(2 * n + 3);
    if (hex == NULL) return -1;
    hex[0] = '0';
    hex[1] = 'x';
    lcp_hex_encode(hex + 2, 2 * n + 1, p, n);
    cJSON *s = cJSON_AddStringToObject(obj, name, hex);
    lcp_free(hex);
    return s ? 0 : -1;
}

static int is_text(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isprint(p[i]) && !isspace(p[i])) return 0;
    return 1;
}

int lcp_cli_read_blob(uint8_t **out, size_t *len, const char *path, char *err)
{
    uint8_t *raw;
    size_t n;
    int rc = lcp_file_read(&raw, &n, path, 64u << 20, err);
    if (rc != LCP_OK) return rc;
    return lcp_cli_decode_blob(out, len, raw, n, path, err);
}

int lcp_cli_decode_blob(uint8_t **out, size_t *len, uint8_t *raw, size_t n, const char *path, char *err)
{
    if (n == 0 || !is_text(raw, n)) {
        *out = raw;
        *len = n;
        return LCP_OK;
    }
    /* Trim surrounding whitespace of a text blob. */
    size_t b = 0, e = n;
    while (b < e && isspace(raw[b])) b++;
    while (e > b && isspace(raw[e - 1])) e--;
    const char *t = (const char *)raw + b;
    size_t tl = e - b;
    uint8_t *dec = lcp_malloc(tl + 4);
    if (dec == NULL) {
        lcp_free(raw);
        return lcp_fail(err, LCP_ERR_NOMEM, "out of memory");
    }
    size_t dl;
    char e1[LCP_ERR_LEN] = "", e2[LCP_ERR_LEN] = "";
    if (lcp_hex_decode(dec, tl + 4, &dl, t, tl, e1) == LCP_OK ||
        lcp_base64_decode(dec, tl + 4, &dl, t, tl, e2) == LCP_OK) {
        lcp_free(raw);
        *out = dec;
        *len = dl;
        return LCP_OK;
    }
    lcp_free(dec);
    lcp_free(raw);
    return lcp_fail(err, LCP_ERR_HEX, "%s is text but neither hex (%s) nor base64 (%s)", path, e1, e2);
}

int lcp_cli_parse_u64(uint64_t *out, const char *s)
{
    if (s == NULL || *s < '0' || *s > '9') return -1;
    errno = 0;
    char *end;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end) return -1;
    *out = v;
    return 0;
}

int lcp_cli_parse_duration(uint64_t *seconds, const char *s)
{
    static const struct {
        char unit;
        uint64_t mul;
    } UNITS[] = {{'s', 1}, {'m', 60}, {'h', 3600}, {'d', 86400}};
    char num[24];
    size_t n = s ? strlen(s) : 0;
    if (n == 0 || n >= sizeof num) return -1;
    uint64_t mul = 1;
    for (size_t i = 0; i < sizeof UNITS / sizeof UNITS[0]; i++)
        if (s[n - 1] == UNITS[i].unit) {
            mul = UNITS[i].mul;
            n--;
            break;
        }
    memcpy(num, s, n);
    num[n] = '\0';
    uint64_t v;
    if (lcp_cli_parse_u64(&v, num) != 0 || v > (uint64_t)100 * 365 * 86400 / mul) return -1;
    *seconds = v * mul;
    return 0;
}

int lcp_cli_time_opt(int64_t *now, const lcp_cli_args *a)
{
    const char *s = lcp_cli_opt(a, "time");
    *now = lcp_time_now(); /* the CLI reads the clock; verifiers only ever take time as an input */
    if (s == NULL) return 0;
    uint64_t t;
    if (lcp_cli_parse_u64(&t, s) != 0 || t > (uint64_t)INT64_MAX)
        return lcp_cli_error(LCP_CLI_EXIT_USAGE, "--time must be UNIX seconds, got '%s'", s);
    *now = (int64_t)t;
    return 0;
}

int lcp_cli_split_list(char **items, int max, char *s)
{
    int n = 0;
    for (char *tok = s;; n++) {
        char *comma = strchr(tok, ',');
        if (comma) *comma = '\0';
        if (*tok == '\0' || n == max) return -1;
        items[n] = tok;
        if (!comma) return n + 1;
        tok = comma + 1;
    }
}
