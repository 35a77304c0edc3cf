/* Strict, non-allocating JSON reader (RFC 8259 + the I-JSON string rules); see lcp/codec_json.h for the contract.
 *
 * One recursive-descent scanner validates and measures values; every accessor reuses it to step over elements,
 * so a value is never trusted further than the scanner has checked it, and no index or tree is ever built. Values
 * from lcp_json_parse carry `checked` (their whole document passed the scanner), and iterating them only looks
 * for where each element ends. */
#include "lcp/codec_json.h"

#include <string.h>

/* The scanner works on one buffer [0, len) and reports offsets relative to its start. */
typedef struct {
    const uint8_t *p;
    size_t len;
    char *err;
} scan;

static int is_ws(uint8_t c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

/* A character a JSON string holds as itself: printable ASCII other than '"' and '\\'. Runs of them need no
 * decoding, which is what every fast path below relies on. */
static int plain_char(uint8_t c) { return c >= 0x20 && c < 0x80 && c != '"' && c != '\\'; }

static size_t skip_ws(const scan *s, size_t i)
{
    while (i < s->len && is_ws(s->p[i])) i++;
    return i;
}

static int hexval(uint8_t c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Reads 4 hex digits at p[i..i+4). Returns the value or -1. */
static long hex4(const scan *s, size_t i)
{
    if (s->len - i < 4) return -1;
    long v = 0;
    for (size_t k = 0; k < 4; k++) {
        int h = hexval(s->p[i + k]);
        if (h < 0) return -1;
        v = v * 16 + h;
    }
    return v;
}

/* Decodes the next code point of a string's content starting at *i (just after the opening quote or a previous
 * code point). Returns 1 with *cp and *i advanced, 0 when *i is at the closing quote, or LCP_ERR_JSON.
 * All of the string rules live here so that validation, unescaping and comparison cannot disagree. */
static int next_cp(const scan *s, size_t *i, uint32_t *cp)
{
    size_t k = *i;
    if (k >= s->len) return lcp_fail(s->err, LCP_ERR_JSON, "unterminated string at offset %zu", k);
    uint8_t b = s->p[k];
    if (b == '"') return 0;
    if (b < 0x20) return lcp_fail(s->err, LCP_ERR_JSON, "raw control character 0x%02x in string at offset %zu", b, k);
    if (b == '\\') {
        if (s->len - k < 2) return lcp_fail(s->err, LCP_ERR_JSON, "unterminated escape at offset %zu", k);
        uint8_t e = s->p[k + 1];
        static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
        const char *f = e ? memchr(from, e, sizeof from - 1) : NULL;
        if (f) {
            *cp = (uint8_t)to[f - from];
            *i = k + 2;
            return 1;
        }
        if (e != 'u') {
            int shown = e >= 0x20 && e < 0x7f ? e : '?';
            return lcp_fail(s->err, LCP_ERR_JSON, "invalid escape '\\%c' at offset %zu", shown, k);
        }
        long u = hex4(s, k + 2);
        if (u < 0) return lcp_fail(s->err, LCP_ERR_JSON, "invalid \\u escape at offset %zu", k);
        if (u >= 0xDC00 && u <= 0xDFFF)
            return lcp_fail(s->err, LCP_ERR_JSON, "lone low surrogate \\u%04lX at offset %zu", u, k);
        if (u >= 0xD800 && u <= 0xDBFF) {
            /* A high surrogate is only meaningful joined to the low one that must follow. */
            long lo = (s->len - k >= 12 && s->p[k + 6] == '\\' && s->p[k + 7] == 'u') ? hex4(s, k + 8) : -1;
            if (lo < 0xDC00 || lo > 0xDFFF)
                return lcp_fail(s->err, LCP_ERR_JSON, "lone high surrogate \\u%04lX at offset %zu", u, k);
            *cp = 0x10000u + (((uint32_t)u - 0xD800u) << 10) + ((uint32_t)lo - 0xDC00u);
            *i = k + 12;
            return 1;
        }
        *cp = (uint32_t)u;
        *i = k + 6;
        return 1;
    }
    if (b < 0x80) {
        *cp = b;
        *i = k + 1;
        return 1;
    }
    /* UTF-8 (RFC 3629 table): the allowed range of the second byte excludes overlong forms, UTF-16 surrogates and
     * code points above U+10FFFF. */
    size_t n;
    uint8_t lo2 = 0x80, hi2 = 0xBF;
    uint32_t c;
    if (b >= 0xC2 && b <= 0xDF) n = 2, c = b & 0x1Fu;
    else if (b >= 0xE0 && b <= 0xEF) {
        n = 3, c = b & 0x0Fu;
        if (b == 0xE0) lo2 = 0xA0;
        if (b == 0xED) hi2 = 0x9F;
    } else if (b >= 0xF0 && b <= 0xF4) {
        n = 4, c = b & 0x07u;
        if (b == 0xF0) lo2 = 0x90;
        if (b == 0xF4) hi2 = 0x8F;
    } else
        return lcp_fail(s->err, LCP_ERR_JSON, "invalid UTF-8 lead byte 0x%02x at offset %zu", b, k);
    if (s->len - k < n) return lcp_fail(s->err, LCP_ERR_JSON, "truncated UTF-8 sequence at offset %zu", k);
    for (size_t j = 1; j < n; j++) {
        uint8_t t = s->p[k + j];
        uint8_t lo = j == 1 ? lo2 : 0x80, hi = j == 1 ? hi2 : 0xBF;
        if (t < lo || t > hi) return lcp_fail(s->err, LCP_ERR_JSON, "invalid UTF-8 sequence at offset %zu", k);
        c = (c << 6) | (t & 0x3Fu);
    }
    *cp = c;
    *i = k + n;
    return 1;
}

/* Scans a string starting at the opening quote p[*i]; leaves *i after the closing quote. */
static int scan_string(const scan *s, size_t *i)
{
    size_t k = *i + 1;
    uint32_t cp;
    int rc;
    do {
        /* Plain printable ASCII needs no decoding: the common case, stepped over here; next_cp judges the rest. */
        while (k < s->len && plain_char(s->p[k])) k++;
    } while ((rc = next_cp(s, &k, &cp)) == 1);
    if (rc < 0) return rc;
    *i = k + 1;
    return LCP_OK;
}

static size_t digits(const scan *s, size_t i)
{
    while (i < s->len && s->p[i] >= '0' && s->p[i] <= '9') i++;
    return i;
}

/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static int scan_number(const scan *s, size_t *i)
{
    size_t k = *i, start = *i;
    if (k < s->len && s->p[k] == '-') k++;
    if (k >= s->len || s->p[k] < '0' || s->p[k] > '9')
        return lcp_fail(s->err, LCP_ERR_JSON, "invalid number at offset %zu", start);
    if (s->p[k] == '0') {
        k++;
        if (k < s->len && s->p[k] >= '0' && s->p[k] <= '9')
            return lcp_fail(s->err, LCP_ERR_JSON, "number with a leading zero at offset %zu", start);
    } else
        k = digits(s, k);
    if (k < s->len && s->p[k] == '.') {
        size_t d = digits(s, k + 1);
        if (d == k + 1) return lcp_fail(s->err, LCP_ERR_JSON, "number without fraction digits at offset %zu", start);
        k = d;
    }
    if (k < s->len && (s->p[k] == 'e' || s->p[k] == 'E')) {
        k++;
        if (k < s->len && (s->p[k] == '+' || s->p[k] == '-')) k++;
        size_t d = digits(s, k);
        if (d == k) return lcp_fail(s->err, LCP_ERR_JSON, "number without exponent digits at offset %zu", start);
        k = d;
    }
    *i = k;
    return LCP_OK;
}

static int scan_literal(const scan *s, size_t *i, const char *word)
{
    size_t n = strlen(word);
    if (s->len - *i < n || memcmp(s->p + *i, word, n) != 0)
        return lcp_fail(s->err, LCP_ERR_JSON, "unexpected character at offset %zu", *i);
    *i += n;
    return LCP_OK;
}

/* Scans one value starting exactly at p[*i] (no leading whitespace); leaves *i just after it.
 * depth is the number of containers already open around it. */
static int scan_value(const scan *s, size_t *i, int depth, lcp_json_type *type)
{
    if (*i >= s->len) return lcp_fail(s->err, LCP_ERR_JSON, "unexpected end of input at offset %zu", *i);
    uint8_t c = s->p[*i];
    switch (c) {
    case '"':
        *type = LCP_JSON_STRING;
        return scan_string(s, i);
    case 't':
        *type = LCP_JSON_TRUE;
        return scan_literal(s, i, "true");
    case 'f':
        *type = LCP_JSON_FALSE;
        return scan_literal(s, i, "false");
    case 'n':
        *type = LCP_JSON_NULL;
        return scan_literal(s, i, "null");
    case '[':
    case '{': {
        int obj = c == '{';
        uint8_t close = obj ? '}' : ']';
        if (depth >= LCP_JSON_MAX_DEPTH)
            return lcp_fail(s->err, LCP_ERR_JSON_DEPTH, "nesting deeper than %d at offset %zu", LCP_JSON_MAX_DEPTH, *i);
        *type = obj ? LCP_JSON_OBJECT : LCP_JSON_ARRAY;
        size_t k = skip_ws(s, *i + 1);
        if (k < s->len && s->p[k] == close) {
            *i = k + 1;
            return LCP_OK;
        }
        for (;;) {
            lcp_json_type t;
            int rc;
            if (obj) {
                if (k >= s->len || s->p[k] != '"')
                    return lcp_fail(s->err, LCP_ERR_JSON, "expected a member name at offset %zu", k);
                if ((rc = scan_string(s, &k)) != LCP_OK) return rc;
                k = skip_ws(s, k);
                if (k >= s->len || s->p[k] != ':')
                    return lcp_fail(s->err, LCP_ERR_JSON, "expected ':' at offset %zu", k);
                k = skip_ws(s, k + 1);
            }
            if ((rc = scan_value(s, &k, depth + 1, &t)) != LCP_OK) return rc;
            k = skip_ws(s, k);
            if (k < s->len && s->p[k] == ',') {
                k = skip_ws(s, k + 1);
                continue;
            }
            if (k < s->len && s->p[k] == close) {
                *i = k + 1;
                return LCP_OK;
            }
            return lcp_fail(s->err, LCP_ERR_JSON, "expected ',' or '%c' at offset %zu", close, k);
        }
    }
    default:
        if (c == '-' || (c >= '0' && c <= '9')) {
            *type = LCP_JSON_NUMBER;
            return scan_number(s, i);
        }
        return lcp_fail(s->err, LCP_ERR_JSON, "unexpected character at offset %zu", *i);
    }
}

int lcp_json_parse(lcp_json_value *root, const uint8_t *p, size_t len, char *err)
{
    LCP_ARG_CHECK(root != NULL);
    LCP_ARG_CHECK(p != NULL || len == 0);
    scan s = {p, len, err};
    size_t i = skip_ws(&s, 0);
    size_t start = i;
    lcp_json_type t = LCP_JSON_INVALID;
    int rc = scan_value(&s, &i, 0, &t);
    if (rc != LCP_OK) return rc;
    size_t end = i;
    i = skip_ws(&s, i);
    if (i != len) return lcp_fail(err, LCP_ERR_JSON, "trailing bytes after the value at offset %zu", i);
    root->p = p + start;
    root->len = end - start;
    root->type = t;
    root->checked = 1;
    return LCP_OK;
}

int lcp_json_validate(const uint8_t *p, size_t len, char *err)
{
    lcp_json_value v;
    return lcp_json_parse(&v, p, len, err);
}

/* ---- containers ---- */

/* Steps over one value of text that the scanner has already validated (a checked container), without validating
 * it again: strings end at the first unescaped quote, containers at their matching bracket. Bounds are still
 * honoured, so a wrong `checked` flag yields a wrong span, never a read outside the buffer. */
static int skip_checked(const scan *s, size_t *i, lcp_json_type *type)
{
    size_t k = *i;
    if (k >= s->len) return lcp_fail(s->err, LCP_ERR_JSON, "unexpected end of input at offset %zu", k);
    uint8_t c = s->p[k];
    if (c == '"' || c == '[' || c == '{') {
        *type = c == '"' ? LCP_JSON_STRING : c == '[' ? LCP_JSON_ARRAY : LCP_JSON_OBJECT;
        size_t depth = 0;
        int in_string = 0;
        for (; k < s->len; k++) {
            uint8_t b = s->p[k];
            if (in_string) {
                if (b == '\\') k++;
                else if (b == '"') {
                    in_string = 0;
                    if (depth == 0) break;
                }
            } else if (b == '"') in_string = 1;
            else if (b == '[' || b == '{') depth++;
            else if ((b == ']' || b == '}') && --depth == 0) break;
        }
        if (k >= s->len) return lcp_fail(s->err, LCP_ERR_JSON, "unterminated value at offset %zu", *i);
        *i = k + 1;
        return LCP_OK;
    }
    *type = c == 't' ? LCP_JSON_TRUE : c == 'f' ? LCP_JSON_FALSE : c == 'n' ? LCP_JSON_NULL : LCP_JSON_NUMBER;
    while (k < s->len && s->p[k] != ',' && s->p[k] != ']' && s->p[k] != '}' && !is_ws(s->p[k])) k++;
    *i = k;
    return LCP_OK;
}

static int want_type(const lcp_json_value *v, lcp_json_type t, char *err)
{
    if (v->type != t || v->len < 1)
        return lcp_fail(err, LCP_ERR_JSON_TYPE, "expected %s, got %s", lcp_json_type_name(t),
                        lcp_json_type_name(v->type));
    return LCP_OK;
}

int lcp_json_iter_init(lcp_json_iter *it, const lcp_json_value *v, char *err)
{
    LCP_ARG_CHECK(it != NULL && v != NULL);
    if ((v->type != LCP_JSON_ARRAY && v->type != LCP_JSON_OBJECT) || v->len < 2 || v->p == NULL)
        return lcp_fail(err, LCP_ERR_JSON_TYPE, "expected array or object, got %s", lcp_json_type_name(v->type));
    it->container = *v;
    it->pos = 1;
    it->index = 0;
    return LCP_OK;
}

/* Steps to the next element of it's container. Out: name (objects only, may be NULL for arrays), val. */
static int iter_next(lcp_json_value *name, lcp_json_value *val, lcp_json_iter *it, char *err)
{
    const lcp_json_value *c = &it->container;
    int obj = c->type == LCP_JSON_OBJECT;
    /* Scan inside the container, excluding its closing bracket, so nothing past the span is ever read. */
    scan s = {c->p, c->len - 1, err};
    size_t k = skip_ws(&s, it->pos);
    if (k >= s.len) return 0;
    if (it->index > 0) {
        if (s.p[k] != ',') return lcp_fail(err, LCP_ERR_JSON, "expected ',' at offset %zu of the container", k);
        k = skip_ws(&s, k + 1);
    }
    int rc;
    if (obj) {
        size_t n0 = k;
        if (k >= s.len || s.p[k] != '"')
            return lcp_fail(err, LCP_ERR_JSON, "expected a member name at offset %zu of the object", k);
        lcp_json_type nt;
        if ((rc = c->checked ? skip_checked(&s, &k, &nt) : scan_string(&s, &k)) != LCP_OK) return rc;
        name->p = s.p + n0;
        name->len = k - n0;
        name->type = LCP_JSON_STRING;
        name->checked = c->checked;
        k = skip_ws(&s, k);
        if (k >= s.len || s.p[k] != ':')
            return lcp_fail(err, LCP_ERR_JSON, "expected ':' at offset %zu of the object", k);
        k = skip_ws(&s, k + 1);
    }
    size_t v0 = k;
    lcp_json_type t = LCP_JSON_INVALID;
    if ((rc = c->checked ? skip_checked(&s, &k, &t) : scan_value(&s, &k, 0, &t)) != LCP_OK) return rc;
    val->p = s.p + v0;
    val->len = k - v0;
    val->type = t;
    val->checked = c->checked;
    it->pos = k;
    it->index++;
    return 1;
}

int lcp_json_array_next(lcp_json_value *elem, lcp_json_iter *it, char *err)
{
    LCP_ARG_CHECK(elem != NULL && it != NULL);
    if (it->container.type != LCP_JSON_ARRAY) return lcp_fail(err, LCP_ERR_JSON_TYPE, "not an array iterator");
    return iter_next(NULL, elem, it, err);
}

int lcp_json_object_next(lcp_json_value *name, lcp_json_value *val, lcp_json_iter *it, char *err)
{
    LCP_ARG_CHECK(name != NULL && val != NULL && it != NULL);
    if (it->container.type != LCP_JSON_OBJECT) return lcp_fail(err, LCP_ERR_JSON_TYPE, "not an object iterator");
    return iter_next(name, val, it, err);
}

int lcp_json_count(size_t *n, const lcp_json_value *v, char *err)
{
    LCP_ARG_CHECK(n != NULL && v != NULL);
    lcp_json_iter it;
    int rc = lcp_json_iter_init(&it, v, err);
    if (rc != LCP_OK) return rc;
    lcp_json_value a, b;
    while ((rc = iter_next(&a, &b, &it, err)) == 1) {
    }
    if (rc < 0) return rc;
    *n = it.index;
    return LCP_OK;
}

int lcp_json_array_at(lcp_json_value *elem, const lcp_json_value *arr, size_t index, char *err)
{
    LCP_ARG_CHECK(elem != NULL && arr != NULL);
    int rc = want_type(arr, LCP_JSON_ARRAY, err);
    if (rc != LCP_OK) return rc;
    lcp_json_iter it;
    if ((rc = lcp_json_iter_init(&it, arr, err)) != LCP_OK) return rc;
    lcp_json_value e;
    while ((rc = iter_next(NULL, &e, &it, err)) == 1)
        if (it.index == index + 1) {
            *elem = e;
            return LCP_OK;
        }
    if (rc < 0) return rc;
    return lcp_fail(err, LCP_ERR_JSON_MISSING, "array index %zu out of range (length %zu)", index, it.index);
}

int lcp_json_get(lcp_json_value *out, const lcp_json_value *obj, const char *key, char *err)
{
    LCP_ARG_CHECK(out != NULL && obj != NULL && key != NULL);
    int rc = want_type(obj, LCP_JSON_OBJECT, err);
    if (rc != LCP_OK) return rc;
    lcp_json_iter it;
    if ((rc = lcp_json_iter_init(&it, obj, err)) != LCP_OK) return rc;
    size_t klen = strlen(key), found = 0;
    lcp_json_value name, val, hit = {0};
    /* Walk the whole object even after a match: a second member of the same name must fail, not be ignored. */
    while ((rc = iter_next(&name, &val, &it, err)) == 1)
        if (lcp_json_string_eq(&name, key, klen)) {
            if (found++) return lcp_fail(err, LCP_ERR_JSON_DUPLICATE, "duplicate member \"%.64s\"", key);
            hit = val;
        }
    if (rc < 0) return rc;
    if (!found) return lcp_fail(err, LCP_ERR_JSON_MISSING, "missing member \"%.64s\"", key);
    *out = hit;
    return LCP_OK;
}

/* ---- strings ---- */

static size_t utf8_put(uint8_t out[4], uint32_t cp)
{
    if (cp < 0x80) {
        out[0] = (uint8_t)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (uint8_t)(0xC0 | (cp >> 6));
        out[1] = (uint8_t)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (uint8_t)(0xE0 | (cp >> 12));
        out[1] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (uint8_t)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (uint8_t)(0xF0 | (cp >> 18));
    out[1] = (uint8_t)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (uint8_t)(0x80 | (cp & 0x3F));
    return 4;
}

/* Walks the content of string v, calling back its UTF-8 text piece by piece (a run of plain characters, or one
 * decoded code point). The callback returns non-zero to stop (reported as 1). Returns LCP_OK at the closing quote, 1 when stopped, or a negative error. */
typedef int (*cp_fn)(const uint8_t *u, size_t n, void *data);
static int walk_string(const lcp_json_value *v, cp_fn fn, void *data, char *err)
{
    int rc = want_type(v, LCP_JSON_STRING, err);
    if (rc != LCP_OK) return rc;
    if (v->p == NULL || v->len < 2 || v->p[0] != '"') return lcp_fail(err, LCP_ERR_JSON, "malformed string handle");
    scan s = {v->p, v->len, err};
    size_t k = 1;
    uint32_t cp;
    for (;;) {
        /* A run of plain printable ASCII is its own UTF-8: handed over whole. */
        size_t run = k;
        while (run < s.len && plain_char(s.p[run])) run++;
        if (run > k && fn(s.p + k, run - k, data)) return 1;
        k = run;
        if ((rc = next_cp(&s, &k, &cp)) != 1) break;
        uint8_t u[4];
        size_t n = utf8_put(u, cp);
        if (fn(u, n, data)) return 1;
    }
    if (rc < 0) return rc;
    if (k + 1 != v->len) return lcp_fail(err, LCP_ERR_JSON, "malformed string handle");
    return LCP_OK;
}

typedef struct {
    uint8_t *out;
    size_t cap, n;
} copy_state;

static int copy_text(const uint8_t *u, size_t n, void *data)
{
    copy_state *c = data;
    if (c->out != NULL && c->n + n < c->cap) memcpy(c->out + c->n, u, n);
    c->n += n;
    return 0;
}

int lcp_json_string_len(size_t *n, const lcp_json_value *v, char *err)
{
    LCP_ARG_CHECK(n != NULL && v != NULL);
    copy_state c = {NULL, 0, 0};
    int rc = walk_string(v, copy_text, &c, err);
    if (rc != LCP_OK) return rc;
    *n = c.n;
    return LCP_OK;
}

int lcp_json_string(char *out, size_t out_cap, size_t *out_len, const lcp_json_value *v, char *err)
{
    LCP_ARG_CHECK(out != NULL && v != NULL);
    copy_state c = {(uint8_t *)out, out_cap, 0};
    int rc = walk_string(v, copy_text, &c, err);
    if (rc != LCP_OK) return rc;
    if (c.n >= out_cap) {
        if (out_cap > 0) out[0] = '\0';
        return lcp_fail(err, LCP_ERR_BUFFER_TOO_SMALL, "string of %zu bytes does not fit %zu", c.n, out_cap);
    }
    out[c.n] = '\0';
    if (out_len) *out_len = c.n;
    return LCP_OK;
}

typedef struct {
    const uint8_t *s;
    size_t len, pos;
    int mismatch;
} eq_state;

static int eq_text(const uint8_t *u, size_t n, void *data)
{
    eq_state *e = data;
    if (e->len - e->pos < n || memcmp(e->s + e->pos, u, n) != 0) {
        e->mismatch = 1;
        return 1;
    }
    e->pos += n;
    return 0;
}

static int plain_text(const uint8_t *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!plain_char(s[i])) return 0;
    return 1;
}

/* 1 if v is a string handle of the expected shape: a span that starts and ends with a quote. */
static int quoted(const lcp_json_value *v)
{
    return v->type == LCP_JSON_STRING && v->p != NULL && v->len >= 2 && v->p[0] == '"' && v->p[v->len - 1] == '"';
}

int lcp_json_string_eq(const lcp_json_value *v, const char *s, size_t s_len)
{
    if (v == NULL || (s == NULL && s_len > 0)) return 0;
    /* Fast answer when the handle holds s literally or holds other unescaped text; only strings with escapes
     * (or a non-ASCII s) are decoded. */
    if (quoted(v) && plain_text((const uint8_t *)s, s_len)) {
        const uint8_t *raw = v->p + 1;
        size_t raw_len = v->len - 2;
        if (raw_len == s_len && memcmp(raw, s, s_len) == 0) return 1;
        if (memchr(raw, '\\', raw_len) == NULL) return 0;
    }
    eq_state e = {(const uint8_t *)s, s_len, 0, 0};
    int rc = walk_string(v, eq_text, &e, NULL);
    return rc == LCP_OK && !e.mismatch && e.pos == s_len;
}

int lcp_json_string_view(lcp_bytes *out, const lcp_json_value *v, char *err)
{
    LCP_ARG_CHECK(out != NULL && v != NULL);
    if (quoted(v) && plain_text(v->p + 1, v->len - 2)) { /* valid as it stands: nothing to decode */
        out->ptr = v->p + 1;
        out->len = v->len - 2;
        return LCP_OK;
    }
    size_t n;
    int rc = lcp_json_string_len(&n, v, err); /* validates the content */
    if (rc != LCP_OK) return rc;
    if (memchr(v->p + 1, '\\', v->len - 2) != NULL)
        return lcp_fail(err, LCP_ERR_JSON, "string contains escapes; unescape it with lcp_json_string");
    out->ptr = v->p + 1;
    out->len = v->len - 2;
    return LCP_OK;
}

/* ---- scalars ---- */

/* Checks that v is a complete integer-form number. Out: *neg, and the digit span [*d, *d + *nd). */
static int integer_digits(const lcp_json_value *v, int *neg, const uint8_t **d, size_t *nd, char *err)
{
    if (v->type != LCP_JSON_NUMBER || v->p == NULL || v->len == 0)
        return lcp_fail(err, LCP_ERR_JSON_TYPE, "expected an integer, got %s", lcp_json_type_name(v->type));
    scan s = {v->p, v->len, NULL};
    size_t k = 0;
    if (scan_number(&s, &k) != LCP_OK || k != v->len)
        return lcp_fail(err, LCP_ERR_JSON_TYPE, "malformed number handle");
    *neg = v->p[0] == '-';
    *d = v->p + *neg;
    *nd = v->len - (size_t)*neg;
    for (size_t i = 0; i < *nd; i++)
        if ((*d)[i] < '0' || (*d)[i] > '9')
            return lcp_fail(err, LCP_ERR_JSON_TYPE, "expected an integer, got a fraction or exponent");
    return LCP_OK;
}

/* Accumulates decimal digits into a u64, failing above max. */
static int digits_u64(uint64_t *out, const uint8_t *d, size_t nd, uint64_t max, char *err)
{
    uint64_t x = 0;
    for (size_t i = 0; i < nd; i++) {
        unsigned dig = (unsigned)(d[i] - '0');
        if (x > (max - dig) / 10)
            return lcp_fail(err, LCP_ERR_JSON_RANGE, "integer %.*s out of range", (int)(nd < 40 ? nd : 40),
                            (const char *)d);
        x = x * 10 + dig;
    }
    *out = x;
    return LCP_OK;
}

int lcp_json_u64(uint64_t *out, const lcp_json_value *v, char *err)
{
    LCP_ARG_CHECK(out != NULL && v != NULL);
    int neg;
    const uint8_t *d;
    size_t nd;
    int rc = integer_digits(v, &neg, &d, &nd, err);
    if (rc != LCP_OK) return rc;
    if (neg) return lcp_fail(err, LCP_ERR_JSON_RANGE, "negative number for an unsigned field");
    return digits_u64(out, d, nd, UINT64_MAX, err);
}

int lcp_json_i64(int64_t *out, const lcp_json_value *v, char *err)
{
    LCP_ARG_CHECK(out != NULL && v != NULL);
    int neg;
    const uint8_t *d;
    size_t nd;
    int rc = integer_digits(v, &neg, &d, &nd, err);
    if (rc != LCP_OK) return rc;
    uint64_t mag = 0;
    /* |INT64_MIN| = INT64_MAX + 1 fits in a u64; convert without signed overflow. */
    if ((rc = digits_u64(&mag, d, nd, neg ? (uint64_t)INT64_MAX + 1u : (uint64_t)INT64_MAX, err)) != LCP_OK) return rc;
    if (neg) *out = mag == (uint64_t)INT64_MAX + 1u ? INT64_MIN : -(int64_t)mag;
    else *out = (int64_t)mag;
    return LCP_OK;
}

int lcp_json_bool(int *out, const lcp_json_value *v, char *err)
{
    LCP_ARG_CHECK(out != NULL && v != NULL);
    if (v->type == LCP_JSON_TRUE) *out = 1;
    else if (v->type == LCP_JSON_FALSE) *out = 0;
    else return lcp_fail(err, LCP_ERR_JSON_TYPE, "expected a boolean, got %s", lcp_json_type_name(v->type));
    return LCP_OK;
}

int lcp_json_is_null(const lcp_json_value *v) { return v != NULL && v->type == LCP_JSON_NULL; }

const char *lcp_json_type_name(lcp_json_type t)
{
    switch (t) {
    case LCP_JSON_NULL: return "null";
    case LCP_JSON_FALSE: return "false";
    case LCP_JSON_TRUE: return "true";
    case LCP_JSON_NUMBER: return "number";
    case LCP_JSON_STRING: return "string";
    case LCP_JSON_ARRAY: return "array";
    case LCP_JSON_OBJECT: return "object";
    default: return "invalid";
    }
}
