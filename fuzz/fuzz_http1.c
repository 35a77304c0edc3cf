/* libFuzzer target for the metrics listener's request reader (src/service/http1.c): the bytes are a request head
 * as received, split into what would have arrived in two reads where the first byte says. Invariants: the end of
 * the head is found exactly at the first CRLFCRLF whichever way the bytes arrived; the route is one of the known
 * answers; a route to a page means the request line really is GET or HEAD of that path (a query string allowed). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "service/service_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void must(int cond)
{
    if (!cond) abort();
}

static size_t first_end(const char *in, size_t len)
{
    for (size_t i = 0; i + 4 <= len; i++)
        if (in[i] == '\r' && in[i + 1] == '\n' && in[i + 2] == '\r' && in[i + 3] == '\n') return i + 4;
    return 0;
}

/* The request line names path exactly: "GET path" or "HEAD path", then ' ' or '?'. */
static int names(const char *in, size_t len, const char *path)
{
    size_t pl = strlen(path), ml = len >= 4 && memcmp(in, "GET ", 4) == 0 ? 4 : len >= 5 && memcmp(in, "HEAD ", 5) == 0 ? 5 : 0;
    if (!ml || len < ml + pl + 1 || memcmp(in + ml, path, pl) != 0) return 0;
    return in[ml + pl] == ' ' || in[ml + pl] == '?';
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 4097) return 0;
    size_t split = data[0] % size;
    const char *in = (const char *)data + 1;
    size_t len = size - 1;
    char *copy = malloc(len ? len : 1); /* exact size: ASan sees any read past the head */
    if (!copy) return 0;
    memcpy(copy, in, len);

    /* As http1.c scans: first the bytes of one read, then from three bytes before the second read's start. */
    size_t end = svc_http1_head_end(copy, split, 0);
    if (!end) end = svc_http1_head_end(copy, len, split >= 3 ? split - 3 : 0);
    must(end == first_end(copy, len));

    int head = -1;
    int route = svc_http1_parse(copy, len, &head);
    must(head == 0 || head == 1);
    switch (route) {
    case SVC_HTTP_HEALTHZ: must(names(copy, len, "/healthz")); break;
    case SVC_HTTP_READYZ: must(names(copy, len, "/readyz")); break;
    case SVC_HTTP_METRICS: must(names(copy, len, "/metrics")); break;
    case SVC_HTTP_BAD: case SVC_HTTP_METHOD: case SVC_HTTP_NOT_FOUND: break;
    default: must(0);
    }
    if (head) must(len >= 5 && memcmp(copy, "HEAD ", 5) == 0);
    free(copy);
    return 0;
}
