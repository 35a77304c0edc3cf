/* Error space, messages and the illegal-argument hook (lcp/base.h). */
#include "lcp/base.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *lcp_strerror(int code)
{
    switch (code) {
    case LCP_OK: return "LCP_OK: success";
#define X(name, value, text) \
    case value: return #name ": " text;
#include "lcp/errors.def"
#undef X
    default: return "LCP_ERR_UNKNOWN: unknown error code";
    }
}

const char *lcp_errname(int code)
{
    switch (code) {
    case LCP_OK: return "LCP_OK";
#define X(name, value, text) \
    case value: return #name;
#include "lcp/errors.def"
#undef X
    default: return "LCP_ERR_UNKNOWN";
    }
}

int lcp_fail(char *err, int code, const char *fmt, ...)
{
    if (err == NULL) return code;
    if (fmt == NULL) {
        snprintf(err, LCP_ERR_LEN, "%s", lcp_strerror(code));
        return code;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, LCP_ERR_LEN, fmt, ap);
    va_end(ap);
    return code;
}

int lcp_fail_ctx(char *err, int code, const char *ctx)
{
    if (err == NULL || ctx == NULL) return code;
    char tmp[LCP_ERR_LEN];
    if (err[0] == '\0')
        snprintf(tmp, sizeof tmp, "%s: %s", ctx, lcp_strerror(code));
    else
        snprintf(tmp, sizeof tmp, "%s: %s", ctx, err);
    memcpy(err, tmp, LCP_ERR_LEN);
    return code;
}

static void default_illegal(const char *what, void *data)
{
    (void)data;
    fprintf(stderr, "lcp: illegal argument: %s\n", what);
    abort();
}

static lcp_illegal_fn illegal_fn = default_illegal;
static void *illegal_data;

void lcp_set_illegal_hook(lcp_illegal_fn fn, void *data)
{
    illegal_fn = fn ? fn : default_illegal;
    illegal_data = fn ? data : NULL;
}

int lcp_illegal(const char *func, const char *what)
{
    char msg[LCP_ERR_LEN];
    snprintf(msg, sizeof msg, "%s: %s", func, what);
    illegal_fn(msg, illegal_data);
    return LCP_ERR_ILLEGAL_ARG;
}
