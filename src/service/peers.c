/* Connection admission by peer address (service_internal.h, "peers"). Both listeners keep one table: which peer
 * holds how many connections. A peer is an IPv4 address, or an IPv6 /64 (one host usually owns a whole /64, so
 * counting single IPv6 addresses would let one attacker look like 2^64 peers); an IPv4-mapped IPv6 address counts
 * as its IPv4 address. The table has one entry per connection at most, so it is allocated once and never grows. */
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "service_internal.h"

int svc_peers_init(svc_peers *p, size_t max, size_t reserve, unsigned per_peer)
{
    memset(p, 0, sizeof *p);
    if (!max || reserve >= max || !per_peer) return LCP_ERR_ILLEGAL_ARG;
    p->v = lcp_calloc(max, sizeof *p->v);
    if (!p->v) return LCP_ERR_NOMEM;
    p->cap = p->max = max;
    p->reserve = reserve;
    p->per_peer = per_peer;
    return LCP_OK;
}

void svc_peers_free(svc_peers *p)
{
    lcp_free(p->v);
    memset(p, 0, sizeof *p);
}

void svc_peer_key_of(svc_peer_key *k, const struct sockaddr_storage *ss)
{
    static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    memset(k, 0, sizeof *k);
    if (ss->ss_family == AF_INET) {
        k->b[0] = 4;
        memcpy(k->b + 1, &((const struct sockaddr_in *)ss)->sin_addr, 4);
    } else if (ss->ss_family == AF_INET6) {
        const uint8_t *a = ((const struct sockaddr_in6 *)ss)->sin6_addr.s6_addr;
        if (memcmp(a, mapped, sizeof mapped) == 0) {
            k->b[0] = 4;
            memcpy(k->b + 1, a + 12, 4);
        } else {
            k->b[0] = 6;
            memcpy(k->b + 1, a, 8);
        }
    }
    /* Any other family (none is expected on a TCP listener) is one peer: key all zero. */
}

static svc_peer *find(const svc_peers *p, const svc_peer_key *k)
{
    for (size_t i = 0; i < p->len; i++)
        if (memcmp(p->v[i].key.b, k->b, sizeof k->b) == 0) return &p->v[i];
    return NULL;
}

unsigned svc_peers_count(const svc_peers *p, const svc_peer_key *k)
{
    const svc_peer *e = find(p, k);
    return e ? e->n : 0;
}

int svc_peers_admit(const svc_peers *p, const svc_peer_key *k, svc_peer_key *victim)
{
    unsigned n = svc_peers_count(p, k);
    if (n >= p->per_peer) return SVC_REFUSE_PEER;
    if (p->open < p->max - p->reserve) return SVC_ADMIT;
    /* The reserve is for peers that hold nothing yet: whoever filled the rest cannot take it too. */
    if (n > 0) return SVC_REFUSE_FULL;
    if (p->open < p->max) return SVC_ADMIT;
    /* Full even so (many peers): the peer holding most gives one connection up, if it holds more than one. */
    const svc_peer *top = NULL;
    for (size_t i = 0; i < p->len; i++)
        if (!top || p->v[i].n > top->n) top = &p->v[i];
    if (!top || top->n < 2) return p->evict_oldest ? SVC_ADMIT_EVICT_OLDEST : SVC_REFUSE_FULL;
    *victim = top->key;
    return SVC_ADMIT_EVICT;
}

void svc_peers_add(svc_peers *p, const svc_peer_key *k)
{
    svc_peer *e = find(p, k);
    if (!e) {
        /* Cannot overflow: an entry holds at least one of at most max connections (admit said yes). */
        if (p->len == p->cap) return;
        e = &p->v[p->len++];
        e->key = *k;
        e->n = 0;
    }
    e->n++;
    p->open++;
}

void svc_peers_del(svc_peers *p, const svc_peer_key *k)
{
    svc_peer *e = find(p, k);
    if (!e) return;
    p->open--;
    if (--e->n == 0) *e = p->v[--p->len];
}
