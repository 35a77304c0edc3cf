/* ICS-24 paths as ethereum-ibc-rs reads them (ibc-rs 0.29 core/ics24_host/path.rs, validate.rs): a path string is
 * parsed into a Path and rendered back with its Display, and both the storage key and the committed path use the
 * rendered form (so a sequence "01" becomes "1"). Identifiers follow ibc-rs's validate_identifier: no '/', only
 * [A-Za-z0-9._+#\[\]<>-], and per-kind lengths (client 9-64, connection 10-64, port 2-128, channel 8-64).
 * Numbers are parsed as Rust's u64::from_str does (decimal digits, an optional leading '+', no overflow).
 * Paths of the channel-upgrade and upgraded-client families are not recognised (refused). */
#include <stdio.h>
#include <string.h>

#include "lcp/elc_ethereum.h"

#define MAX_PARTS 8

static int id_valid(const char *s, size_t n, size_t min, size_t max)
{
    static const char extra[] = "._+-#[]<>";
    if (n < min || n > max) return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 (c != '\0' && strchr(extra, c) != NULL);
        if (!ok) return 0;
    }
    return 1;
}

static int parse_u64(uint64_t *out, const char *s, size_t n)
{
    size_t i = 0;
    uint64_t v = 0;
    if (n > 0 && s[0] == '+') i = 1;
    if (i == n) return 0;
    for (; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') return 0;
        unsigned d = (unsigned)(s[i] - '0');
        if (v > (UINT64_MAX - d) / 10) return 0;
        v = v * 10 + d;
    }
    *out = v;
    return 1;
}

typedef struct {
    const char *p;
    size_t n;
} part;

static int eq(part a, const char *s) { return strlen(s) == a.n && memcmp(a.p, s, a.n) == 0; }

/* ports/{p}/channels/{c} starting at parts[i] */
static int port_channel(const part *pt, size_t i)
{
    return eq(pt[i], "ports") && id_valid(pt[i + 1].p, pt[i + 1].n, 2, 128) && eq(pt[i + 2], "channels") &&
           id_valid(pt[i + 3].p, pt[i + 3].n, 8, 64);
}

static int render(size_t cap, int n)
{
    return n < 0 || (size_t)n >= cap ? LCP_ERR_BUFFER_TOO_SMALL : LCP_OK;
}

int lcp_eth_ics24_path(char *out, size_t cap, const char *path, char *err)
{
    part pt[MAX_PARTS];
    size_t np = 0;
    const char *s = path;
    for (;;) {
        const char *slash = strchr(s, '/');
        size_t n = slash ? (size_t)(slash - s) : strlen(s);
        if (np == MAX_PARTS) return lcp_fail(err, LCP_ERR_ETH_PATH, "path has too many components");
        pt[np++] = (part){s, n};
        if (!slash) break;
        s = slash + 1;
    }
    uint64_t a, b;
    if (np == 3 && eq(pt[0], "clients") && id_valid(pt[1].p, pt[1].n, 9, 64)) {
        if (eq(pt[2], "clientType") || eq(pt[2], "clientState") || eq(pt[2], "connections"))
            return render(cap, snprintf(out, cap, "clients/%.*s/%.*s", (int)pt[1].n, pt[1].p, (int)pt[2].n, pt[2].p));
    }
    if (np == 4 && eq(pt[0], "clients") && id_valid(pt[1].p, pt[1].n, 9, 64) && eq(pt[2], "consensusStates")) {
        const char *dash = memchr(pt[3].p, '-', pt[3].n);
        if (dash && !memchr(dash + 1, '-', pt[3].n - (size_t)(dash - pt[3].p) - 1) &&
            parse_u64(&a, pt[3].p, (size_t)(dash - pt[3].p)) &&
            parse_u64(&b, dash + 1, pt[3].n - (size_t)(dash - pt[3].p) - 1))
            return render(cap, snprintf(out, cap, "clients/%.*s/consensusStates/%llu-%llu", (int)pt[1].n, pt[1].p,
                                             (unsigned long long)a, (unsigned long long)b));
    }
    if (np == 2 && eq(pt[0], "connections") && id_valid(pt[1].p, pt[1].n, 10, 64))
        return render(cap, snprintf(out, cap, "connections/%.*s", (int)pt[1].n, pt[1].p));
    if (np == 2 && eq(pt[0], "ports") && id_valid(pt[1].p, pt[1].n, 2, 128))
        return render(cap, snprintf(out, cap, "ports/%.*s", (int)pt[1].n, pt[1].p));
    if (np == 5 && (eq(pt[0], "channelEnds") || eq(pt[0], "nextSequenceSend") || eq(pt[0], "nextSequenceRecv") ||
                    eq(pt[0], "nextSequenceAck")) &&
        port_channel(pt, 1))
        return render(cap, snprintf(out, cap, "%.*s/ports/%.*s/channels/%.*s", (int)pt[0].n, pt[0].p,
                                         (int)pt[2].n, pt[2].p, (int)pt[4].n, pt[4].p));
    if (np == 7 && (eq(pt[0], "commitments") || eq(pt[0], "acks") || eq(pt[0], "receipts")) && port_channel(pt, 1) &&
        eq(pt[5], "sequences") && parse_u64(&a, pt[6].p, pt[6].n))
        return render(cap, snprintf(out, cap, "%.*s/ports/%.*s/channels/%.*s/sequences/%llu", (int)pt[0].n,
                                         pt[0].p, (int)pt[2].n, pt[2].p, (int)pt[4].n, pt[4].p, (unsigned long long)a));
    return lcp_fail(err, LCP_ERR_ETH_PATH, "not an ICS-24 path: %.64s", path);
}
