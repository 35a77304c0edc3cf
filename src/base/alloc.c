/* The one allocator hook of lcp-c, and secret wiping (lcp/base.h). */
#include "lcp/base.h"

#include <stdlib.h>
#include <string.h>

static lcp_allocator current;
static int have_custom;

void lcp_set_allocator(const lcp_allocator *a)
{
    if (a) {
        current = *a;
        have_custom = 1;
    } else {
        memset(&current, 0, sizeof current);
        have_custom = 0;
    }
}

void *lcp_malloc(size_t n)
{
    if (n == 0) n = 1;
    return have_custom ? current.malloc_fn(n, current.data) : malloc(n);
}

void *lcp_calloc(size_t count, size_t size)
{
    if (size != 0 && count > SIZE_MAX / size) return NULL;
    size_t n = count * size;
    void *p = lcp_malloc(n);
    if (p) memset(p, 0, n ? n : 1);
    return p;
}

void *lcp_realloc(void *p, size_t n)
{
    if (n == 0) n = 1;
    return have_custom ? current.realloc_fn(p, n, current.data) : realloc(p, n);
}

void lcp_free(void *p)
{
    if (p == NULL) return;
    if (have_custom)
        current.free_fn(p, current.data);
    else
        free(p);
}

void lcp_memzero(void *p, size_t n)
{
    if (p == NULL || n == 0) return;
    /* A volatile function pointer keeps the compiler from proving the stores dead (explicit_bzero is not C11). */
    static void *(*const volatile memset_v)(void *, int, size_t) = memset;
    memset_v(p, 0, n);
}

int lcp_buf_reserve(lcp_buf *b, size_t extra)
{
    if (extra > SIZE_MAX - b->len) return LCP_ERR_NOMEM;
    size_t need = b->len + extra;
    if (need <= b->cap) return LCP_OK;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need) {
        if (cap > SIZE_MAX / 2) {
            cap = need;
            break;
        }
        cap *= 2;
    }
    /* Never realloc: the old contents may be secret, so copy and wipe. */
    uint8_t *p = lcp_malloc(cap);
    if (p == NULL) return LCP_ERR_NOMEM;
    if (b->len) memcpy(p, b->data, b->len);
    lcp_memzero(b->data, b->cap);
    lcp_free(b->data);
    b->data = p;
    b->cap = cap;
    return LCP_OK;
}

int lcp_buf_append(lcp_buf *b, const void *p, size_t n)
{
    int rc = lcp_buf_reserve(b, n);
    if (rc != LCP_OK) return rc;
    if (n) memcpy(b->data + b->len, p, n);
    b->len += n;
    return LCP_OK;
}

void lcp_buf_free(lcp_buf *b)
{
    lcp_memzero(b->data, b->cap);
    lcp_free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}
