/* An in-memory key-value store behind lcp_lc_store (lcp/lcpclient.h): a sorted array, good for tests and demos. */
#include <string.h>

#include "lcp/lcpclient.h"

typedef struct {
    char *key;
    uint8_t *value;
    size_t len;
} entry;

struct lcp_lc_memstore {
    entry *e;
    size_t n, cap, writes;
};

lcp_lc_memstore *lcp_lc_memstore_new(void) { return lcp_calloc(1, sizeof(lcp_lc_memstore)); }

void lcp_lc_memstore_free(lcp_lc_memstore *m)
{
    if (m == NULL) return;
    for (size_t i = 0; i < m->n; i++) {
        lcp_free(m->e[i].key);
        lcp_free(m->e[i].value);
    }
    lcp_free(m->e);
    lcp_free(m);
}

/* Index of key, or of where it would go (found reports which). */
static size_t find(const lcp_lc_memstore *m, const char *key, int *found)
{
    size_t lo = 0, hi = m->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(m->e[mid].key, key);
        if (c == 0) {
            *found = 1;
            return mid;
        }
        if (c < 0) lo = mid + 1;
        else hi = mid;
    }
    *found = 0;
    return lo;
}

static int get(void *ud, const char *key, uint8_t *buf, size_t cap, size_t *len)
{
    lcp_lc_memstore *m = ud;
    int found;
    size_t i = find(m, key, &found);
    if (!found) return 1;
    *len = m->e[i].len;
    if (m->e[i].len > cap) return LCP_ERR_BUFFER_TOO_SMALL;
    if (m->e[i].len) memcpy(buf, m->e[i].value, m->e[i].len);
    return LCP_OK;
}

static int set(void *ud, const char *key, const uint8_t *value, size_t len)
{
    lcp_lc_memstore *m = ud;
    int found;
    size_t i = find(m, key, &found);
    uint8_t *v = lcp_malloc(len);
    if (v == NULL) return LCP_ERR_NOMEM;
    if (len) memcpy(v, value, len);
    if (found) {
        lcp_free(m->e[i].value);
    } else {
        if (m->n == m->cap) {
            size_t cap = m->cap ? 2 * m->cap : 16;
            entry *e = lcp_realloc(m->e, cap * sizeof *e);
            if (e == NULL) {
                lcp_free(v);
                return LCP_ERR_NOMEM;
            }
            m->e = e;
            m->cap = cap;
        }
        size_t kl = strlen(key);
        char *k = lcp_malloc(kl + 1);
        if (k == NULL) {
            lcp_free(v);
            return LCP_ERR_NOMEM;
        }
        memcpy(k, key, kl + 1);
        memmove(m->e + i + 1, m->e + i, (m->n - i) * sizeof *m->e);
        m->e[i].key = k;
        m->n++;
    }
    m->e[i].value = v;
    m->e[i].len = len;
    m->writes++;
    return LCP_OK;
}

lcp_lc_store lcp_lc_memstore_iface(lcp_lc_memstore *m)
{
    lcp_lc_store s = {get, set, m};
    return s;
}

size_t lcp_lc_memstore_count(const lcp_lc_memstore *m) { return m->n; }
size_t lcp_lc_memstore_writes(const lcp_lc_memstore *m) { return m->writes; }
