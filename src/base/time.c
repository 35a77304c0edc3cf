/* Wall-clock time and ISO-8601 timestamps (lcp/base.h). Verification code always takes time as an input;
 * only the CLI and the host read the clock. */
#include "lcp/base.h"

#include <stdio.h>
#include <time.h>

int64_t lcp_time_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec;
}

uint64_t lcp_time_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm, public domain facts). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = (unsigned)(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static int digits(const char *s, size_t n, unsigned *out)
{
    unsigned v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') return -1;
        v = v * 10 + (unsigned)(s[i] - '0');
    }
    *out = v;
    return 0;
}

int lcp_time_parse_iso8601(int64_t *secs, uint32_t *nanos, const char *s, size_t len, char *err)
{
    unsigned y, mo, d, h, mi, se;
    if (len < 19 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' ||
        digits(s, 4, &y) || digits(s + 5, 2, &mo) || digits(s + 8, 2, &d) || digits(s + 11, 2, &h) ||
        digits(s + 14, 2, &mi) || digits(s + 17, 2, &se))
        return lcp_fail(err, LCP_ERR_TIME, "timestamp is not YYYY-MM-DDTHH:MM:SS");
    static const unsigned mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || (mo == 2 && d == 29 && !leap) || h > 23 || mi > 59 ||
        se > 59)
        return lcp_fail(err, LCP_ERR_TIME, "timestamp holds an impossible date or time");
    uint32_t ns = 0;
    if (len > 19) {
        if (s[19] != '.' || len == 20 || len > 20 + 9)
            return lcp_fail(err, LCP_ERR_TIME, "timestamp fraction must be '.' and 1 to 9 digits");
        unsigned frac;
        size_t fl = len - 20;
        if (digits(s + 20, fl, &frac)) return lcp_fail(err, LCP_ERR_TIME, "timestamp fraction is not digits");
        ns = frac;
        for (size_t i = fl; i < 9; i++) ns *= 10;
    }
    *secs = days_from_civil(y, mo, d) * 86400 + (int64_t)h * 3600 + mi * 60 + se;
    if (nanos) *nanos = ns;
    return LCP_OK;
}

int lcp_time_format(char *out, size_t cap, int64_t secs)
{
    time_t t = (time_t)secs;
    struct tm tm;
    if (gmtime_r(&t, &tm) == NULL) return LCP_ERR_TIME;
    if (strftime(out, cap, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0) return LCP_ERR_BUFFER_TOO_SMALL;
    return LCP_OK;
}
