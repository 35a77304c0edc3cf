/* Shared helpers of the `lcp` command: option parsing, errors, JSON output, blob input. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* Finds s[0..n) in list. A listed name may end in '?' (a boolean flag that also takes true/false): *is_bool then
 * says so. Returns 1 when found. */
static int find_name(const char *const *list, const char *s, size_t n, int *is_bool)
{
    for (; list && *list; list++) {
        size_t l = strlen(*list);
        int b = l > 0 && (*list)[l - 1] == '?';
        if (l - (size_t)b == n && strncmp(*list, s, n) == 0) {
            if (is_bool) *is_bool = b;
            return 1;
        }
    }
    return 0;
}

static int is_bool_word(const char *s)
{
    return s && (strcmp(s, "true") == 0 || strcmp(s, "false") == 0);
}

/* A value that is itself an option ("--key --other") means the value was forgotten. */
static int looks_like_option(const char *s)
{
    return s[0] == '-' && s[1] == '-' && s[2] != '\0';
}

static int add_opt(lcp_cli_args *a, const char *name, const char *val)
{
    if (a->n == LCP_CLI_MAX_ARGS) return lcp_cli_error(LCP_CLI_EXIT_USAGE, "too many options");
    /* names point into argv and may still carry "=value": lcp_cli_opt compares up to '=' or the end. */
    a->names[a->n] = name;
    a->values[a->n] = val;
    a->n++;
    return 0;
}

int lcp_cli_parse_pos(lcp_cli_args *a, int argc, char **argv, const char *const *known, const char *const *flags,
                      int max_pos)
{
    memset(a, 0, sizeof *a);
    for (int i = 0; i < argc; i++) {
        const char *s = argv[i];
        if (strcmp(s, "--help") == 0 || strcmp(s, "-h") == 0) {
            a->help = 1;
            continue;
        }
        if (strcmp(s, "-a") == 0 && find_name(flags, "available_only", 14, NULL)) {
            if (add_opt(a, "available_only", NULL)) return LCP_CLI_EXIT_USAGE;
            continue;
        }
        if (s[0] == '-' && s[1] != '\0' && s[1] != '-')
            return lcp_cli_error(LCP_CLI_EXIT_USAGE, "unknown option %s (see --help)", s);
        if (strncmp(s, "--", 2) != 0 || s[2] == '\0') {
            if (a->npos >= max_pos || a->npos == LCP_CLI_MAX_ARGS)
                return lcp_cli_error(LCP_CLI_EXIT_USAGE, "unexpected argument '%s' (see --help)", s);
            a->pos[a->npos++] = s;
            continue;
        }
        const char *name = s + 2, *eq = strchr(name, '=');
        size_t nl = eq ? (size_t)(eq - name) : strlen(name);
        int is_bool = 0, is_flag = find_name(flags, name, nl, &is_bool), is_known = find_name(known, name, nl, NULL);
        if (!is_known && !is_flag)
            return lcp_cli_error(LCP_CLI_EXIT_USAGE, "unknown option --%.*s (see --help)", (int)nl, name);
        const char *val = NULL;
        if (is_flag && is_bool) {
            /* --flag, --flag=true|false, or --flag true|false (LCP's form) */
            if (eq) val = eq + 1;
            else if (i + 1 < argc && is_bool_word(argv[i + 1])) val = argv[++i];
            if (val && !is_bool_word(val))
                return lcp_cli_error(LCP_CLI_EXIT_USAGE, "--%.*s takes true or false, got '%s'", (int)nl, name, val);
        } else if (is_flag) {
            /* A flag has no value: "--allow_debug=false" must not quietly mean "allow debug". */
            if (eq) return lcp_cli_error(LCP_CLI_EXIT_USAGE, "--%.*s is a flag and takes no value", (int)nl, name);
        } else if (eq) {
            val = eq + 1;
        } else {
            if (i + 1 >= argc || looks_like_option(argv[i + 1]))
                return lcp_cli_error(LCP_CLI_EXIT_USAGE, "option --%s needs a value", name);
            val = argv[++i];
        }
        if (add_opt(a, name, val)) return LCP_CLI_EXIT_USAGE;
    }
    return 0;
}

int lcp_cli_parse(lcp_cli_args *a, int argc, char **argv, const char *const *known, const char *const *flags)
{
    return lcp_cli_parse_pos(a, argc, argv, known, flags, 0);
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
    int has = 0;
    for (int i = 0; i < a->n; i++)
        if (name_is(a->names[i], name)) has = !(a->values[i] && strcmp(a->values[i], "false") == 0);
    return has;
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

static void group_usage(FILE *f, const char *group, const char *intro, const lcp_cli_verb *verbs, size_t n)
{
    fprintf(f, "usage: lcp %s <verb> [options]\n\n", group);
    if (intro && *intro) fprintf(f, "%s\n\n", intro);
    fprintf(f, "verbs:\n");
    for (size_t i = 0; i < n; i++) fprintf(f, "  %-22s %s\n", verbs[i].name, verbs[i].summary);
    fprintf(f, "\nRun 'lcp %s <verb> --help' for the options of a verb.\n", group);
}

int lcp_cli_dispatch(const lcp_cli *cli, const char *group, const char *intro, const lcp_cli_verb *verbs,
                     size_t n_verbs, int argc, char **argv)
{
    if (argc < 1) {
        group_usage(stderr, group, intro, verbs, n_verbs);
        return LCP_CLI_EXIT_USAGE;
    }
    if (strcmp(argv[0], "help") == 0 || strcmp(argv[0], "--help") == 0 || strcmp(argv[0], "-h") == 0) {
        if (argc > 1) return lcp_cli_error(LCP_CLI_EXIT_USAGE, "unexpected argument '%s' after help", argv[1]);
        group_usage(stdout, group, intro, verbs, n_verbs);
        return 0;
    }
    const lcp_cli_verb *v = NULL;
    for (size_t i = 0; i < n_verbs && v == NULL; i++)
        if (strcmp(argv[0], verbs[i].name) == 0) v = &verbs[i];
    if (v == NULL)
        return lcp_cli_error(LCP_CLI_EXIT_USAGE, "unknown verb '%s %s' (see lcp %s --help)", group, argv[0], group);
    /* --enclave PATH may follow the verb, as in LCP: take it out and let it override the global option. */
    lcp_cli c = *cli;
    char *rest[LCP_CLI_MAX_ARGS * 2];
    int nrest = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--enclave") == 0) {
            if (i + 1 >= argc || looks_like_option(argv[i + 1]))
                return lcp_cli_error(LCP_CLI_EXIT_USAGE, "option --enclave needs a value");
            c.enclave = argv[++i];
        } else if (strncmp(argv[i], "--enclave=", 10) == 0) {
            c.enclave = argv[i] + 10;
        } else {
            if (nrest == (int)(sizeof rest / sizeof rest[0])) return lcp_cli_error(LCP_CLI_EXIT_USAGE, "too many arguments");
            rest[nrest++] = argv[i];
        }
    }
    return v->run(&c, nrest, rest);
}

int lcp_cli_address_opt(uint8_t out[20], const lcp_cli_args *a, const char *name, int required, int *present)
{
    const char *s = lcp_cli_opt(a, name);
    if (present) *present = s != NULL;
    if (s == NULL)
        return required ? lcp_cli_error(LCP_CLI_EXIT_USAGE, "--%s 0x.. (a 20-byte address) is required", name) : 0;
    if (lcp_cli_parse_address(out, s) != 0)
        return lcp_cli_error(LCP_CLI_EXIT_USAGE, "--%s: malformed address '%s' (expected 20 bytes of hex, 0x...)",
                             name, s);
    return 0;
}

int lcp_cli_duration_opt(uint64_t *seconds, const lcp_cli_args *a, const char *name, uint64_t max_s,
                         const char *example)
{
    const char *s = lcp_cli_opt(a, name);
    uint64_t v = 0;
    if (s == NULL) return 0;
    if (lcp_cli_parse_duration(&v, s) != 0 || v == 0 || (max_s && v > max_s)) {
        if (max_s) return lcp_cli_error(LCP_CLI_EXIT_USAGE, "--%s must be a duration from 1s to %llus (e.g. %s), not '%s'",
                                        name, (unsigned long long)max_s, example, s);
        return lcp_cli_error(LCP_CLI_EXIT_USAGE, "--%s must be a positive duration (e.g. %s), not '%s'", name, example, s);
    }
    *seconds = v;
    return 0;
}

int lcp_cli_one_of(const char *s, const char *const *values)
{
    for (; s && values && *values; values++)
        if (strcmp(s, *values) == 0) return 1;
    return 0;
}

int lcp_cli_is_advisory_id(const char *s)
{
    const char *d;
    if (strncmp(s, "INTEL-SA-", 9) == 0) d = s + 9;
    else if (strncmp(s, "INTEL-DOC-", 10) == 0) d = s + 10;
    else return 0;
    size_t n = 0;
    for (; d[n]; n++)
        if (d[n] < '0' || d[n] > '9') return 0;
    return n == 5;
}
