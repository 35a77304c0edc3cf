/* The light-client registry and helpers shared by light clients (lcp/elc.h). */
#include <stdio.h>
#include <string.h>

#include "lcp/elc.h"
#include "lcp/elc_ethereum.h"
#include "lcp/elc_tendermint.h"

/* Only light clients that verify: the mock is registered by the test enclave alone (elc_mock.h). */
const lcp_elc_ops *const lcp_elc_release[] = {&lcp_elc_tendermint, &lcp_elc_ethereum, NULL};

const lcp_elc_ops *lcp_elc_find(const lcp_elc_ops *const *clients, const lcp_bytes *type_url)
{
    for (size_t i = 0; clients[i]; i++) {
        const char *u = clients[i]->client_state_type_url;
        if (strlen(u) == type_url->len && memcmp(u, type_url->ptr, type_url->len) == 0) return clients[i];
    }
    return NULL;
}

const lcp_elc_ops *lcp_elc_find_type(const lcp_elc_ops *const *clients, const char *name)
{
    for (size_t i = 0; clients[i]; i++)
        if (strcmp(clients[i]->client_type, name) == 0) return clients[i];
    return NULL;
}

void lcp_elc_result_free(lcp_elc_result *r)
{
    lcp_buf_free(&r->message);
    lcp_buf_free(&r->client_state);
    lcp_buf_free(&r->consensus_state);
}

static int fmt(char *out, size_t cap, int n) { (void)out; return n < 0 || (size_t)n >= cap ? LCP_ERR_BUFFER_TOO_SMALL : LCP_OK; }

int lcp_elc_key_client_state(char *out, size_t cap, const char *client_id)
{
    return fmt(out, cap, snprintf(out, cap, "clients/%s/clientState", client_id));
}

int lcp_elc_key_client_type(char *out, size_t cap, const char *client_id)
{
    return fmt(out, cap, snprintf(out, cap, "clients/%s/clientType", client_id));
}

int lcp_elc_key_consensus_state(char *out, size_t cap, const char *client_id, const lcp_height *h)
{
    return fmt(out, cap, snprintf(out, cap, "clients/%s/consensusStates/%llu-%llu", client_id,
                                  (unsigned long long)h->revision_number, (unsigned long long)h->revision_height));
}

int lcp_elc_put_any(lcp_buf *out, const char *type_url, const uint8_t *value, size_t len)
{
    lcp_pb_writer w;
    lcp_pb_writer_init(&w, NULL, 0);
    lcp_pb_put_any(&w, type_url, strlen(type_url), value, len);
    int rc = lcp_buf_reserve(out, w.len);
    if (rc != LCP_OK) return rc;
    lcp_pb_writer_init(&w, out->data + out->len, w.len);
    lcp_pb_put_any(&w, type_url, strlen(type_url), value, len);
    out->len += w.len;
    return LCP_OK;
}

int lcp_elc_put_any_fn(lcp_buf *out, const char *type_url, lcp_pb_put_fn fn, const void *m)
{
    /* the value is written into a scratch buffer sized by a counting pass */
    lcp_pb_writer w;
    lcp_pb_writer_init(&w, NULL, 0);
    fn(&w, m);
    lcp_buf value = {0};
    int rc = lcp_buf_reserve(&value, w.len ? w.len : 1);
    if (rc != LCP_OK) return rc;
    lcp_pb_writer_init(&w, value.data, value.cap);
    fn(&w, m);
    rc = lcp_pb_writer_status(&w);
    if (rc == LCP_OK) rc = lcp_elc_put_any(out, type_url, value.data, w.len);
    lcp_buf_free(&value);
    return rc;
}
