/* Logging through one replaceable sink (lcp/base.h). */
#include "lcp/base.h"

#include <stdio.h>

static lcp_log_fn log_fn;
static void *log_data;
static int log_max = LCP_LOG_WARN;

void lcp_set_log(lcp_log_fn fn, void *data, int max_level)
{
    log_fn = fn;
    log_data = data;
    log_max = max_level;
}

void lcp_log(int level, const char *fmt, ...)
{
    if (level > log_max) return;
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (log_fn) {
        log_fn(level, msg, log_data);
        return;
    }
    static const char *names[] = {"error", "warn", "info", "debug"};
    fprintf(stderr, "lcp %s: %s\n", names[level < 0 ? 0 : level > 3 ? 3 : level], msg);
}
