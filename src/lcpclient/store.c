/* Context set-up and the store layout of the LCP client (lcp/lcpclient.h). */
#include <stdalign.h>
#include <stdio.h>
#include <string.h>

#include "lc_internal.h"

size_t lcp_lc_size(void) { return sizeof(struct lcp_lc); }

int lcp_lc_init(lcp_lc **ctx, void *mem, size_t mem_len, const lcp_lc_config *cfg)
{
    LCP_ARG_CHECK(mem != NULL && mem_len >= sizeof(struct lcp_lc));
    LCP_ARG_CHECK(((uintptr_t)mem % alignof(max_align_t)) == 0);
    LCP_ARG_CHECK(cfg != NULL && cfg->store.get != NULL && cfg->store.set != NULL);
    LCP_ARG_CHECK(cfg->dcap_verifier == NULL || cfg->dcap_root_der == NULL); /* one anchor, not two */
    struct lcp_lc *c = mem;
    memset(c, 0, sizeof *c);
    c->cfg = *cfg;
    *ctx = c;
    return LCP_OK;
}

/* Client identifiers become part of store keys: keep them to the ICS-24 identifier alphabet so no id can reach
 * another client's keys. */
static int check_id(const char *id, char *err)
{
    size_t n = strlen(id);
    if (n < 2 || n > 64) return lcp_fail(err, LCP_ERR_LC_INVALID_CLIENT_ID, "client id must be 2 to 64 characters");
    for (size_t i = 0; i < n; i++) {
        char c = id[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
              c == '+' || c == '-' || c == '#' || c == '[' || c == ']' || c == '<' || c == '>'))
            return lcp_fail(err, LCP_ERR_LC_INVALID_CLIENT_ID, "client id has a character outside [a-zA-Z0-9._+-#[]<>]");
    }
    return LCP_OK;
}

static int get(lcp_lc *ctx, uint8_t *buf, size_t cap, size_t *len, int *found, char *err)
{
    int rc = ctx->cfg.store.get(ctx->cfg.store.ud, ctx->key, buf, cap, len);
    if (rc == 1) {
        *found = 0;
        return LCP_OK;
    }
    if (rc != LCP_OK) return lcp_fail(err, LCP_ERR_LC_STORE, "store: cannot read %s (%s)", ctx->key, lcp_errname(rc));
    *found = 1;
    return LCP_OK;
}

static int set(lcp_lc *ctx, const uint8_t *v, size_t n, char *err)
{
    int rc = ctx->cfg.store.set(ctx->cfg.store.ud, ctx->key, v, n);
    return rc == LCP_OK ? LCP_OK : lcp_fail(err, LCP_ERR_LC_STORE, "store: cannot write %s (%s)", ctx->key, lcp_errname(rc));
}

int lc_load_client(lcp_lc *ctx, const char *client_id, char *err)
{
    int rc = check_id(client_id, err), found;
    if (rc != LCP_OK) return rc;
    snprintf(ctx->key, sizeof ctx->key, "clients/%s/clientState", client_id);
    if ((rc = get(ctx, ctx->cs_buf, sizeof ctx->cs_buf, &ctx->cs_len, &found, err)) != LCP_OK) return rc;
    if (!found) return lcp_fail(err, LCP_ERR_LC_CLIENT_STATE_NOT_FOUND, "client %s does not exist", client_id);
    return lcp_lc_client_state_decode(&ctx->cs, ctx->cs_buf, ctx->cs_len, err);
}

int lc_store_client(lcp_lc *ctx, const char *client_id, const lcp_lc_client_state *cs, char *err)
{
    size_t n;
    int rc = lcp_lc_client_state_encode(ctx->out_buf, sizeof ctx->out_buf, &n, cs);
    if (rc != LCP_OK) return lcp_fail(err, rc, "client state does not fit %d bytes", LCP_LC_MAX_STATE_LEN);
    snprintf(ctx->key, sizeof ctx->key, "clients/%s/clientState", client_id);
    return set(ctx, ctx->out_buf, n, err);
}

static void consensus_key(lcp_lc *ctx, const char *client_id, const lcp_height *h)
{
    snprintf(ctx->key, sizeof ctx->key, "clients/%s/consensusStates/%llu-%llu", client_id,
             (unsigned long long)h->revision_number, (unsigned long long)h->revision_height);
}

int lc_load_consensus(lcp_lc *ctx, lcp_lc_consensus_state *out, int *found, const char *client_id,
                      const lcp_height *h, char *err)
{
    uint8_t buf[128];
    size_t n;
    consensus_key(ctx, client_id, h);
    int rc = get(ctx, buf, sizeof buf, &n, found, err);
    if (rc != LCP_OK) return rc;
    if (!*found) {
        memset(out, 0, sizeof *out);
        return LCP_OK;
    }
    return lcp_lc_consensus_state_decode(out, buf, n, err);
}

int lc_store_consensus(lcp_lc *ctx, const char *client_id, const lcp_height *h, const lcp_lc_consensus_state *cs,
                       char *err)
{
    uint8_t buf[128];
    size_t n;
    int rc = lcp_lc_consensus_state_encode(buf, sizeof buf, &n, cs);
    if (rc != LCP_OK) return rc;
    consensus_key(ctx, client_id, h);
    return set(ctx, buf, n, err);
}

static void key_key(lcp_lc *ctx, const char *client_id, const uint8_t key[20])
{
    char hex[41];
    lcp_hex_encode(hex, sizeof hex, key, 20);
    snprintf(ctx->key, sizeof ctx->key, "clients/%s/aux/enclave_keys/0x%s", client_id, hex);
}

int lc_load_key(lcp_lc *ctx, lcp_lc_enclave_key *out, int *found, const char *client_id, const uint8_t key[20],
                char *err)
{
    uint8_t buf[28];
    size_t n = 0;
    key_key(ctx, client_id, key);
    int rc = get(ctx, buf, sizeof buf, &n, found, err);
    memset(out, 0, sizeof *out);
    if (rc != LCP_OK || !*found) return rc;
    if (n != 28) return lcp_fail(err, LCP_ERR_LC_STORE, "store: enclave key record is %zu bytes, expected 28", n);
    for (int i = 0; i < 8; i++) out->expired_at = out->expired_at << 8 | buf[i];
    memcpy(out->operator_addr, buf + 8, 20);
    return LCP_OK;
}

int lc_store_key(lcp_lc *ctx, const char *client_id, const uint8_t key[20], const lcp_lc_enclave_key *info, char *err)
{
    uint8_t buf[28];
    for (int i = 0; i < 8; i++) buf[i] = (uint8_t)(info->expired_at >> (56 - 8 * i));
    memcpy(buf + 8, info->operator_addr, 20);
    key_key(ctx, client_id, key);
    return set(ctx, buf, sizeof buf, err);
}

int lcp_lc_get_client_state(lcp_lc *ctx, lcp_lc_client_state *out, const char *client_id, char *err)
{
    int rc = lc_load_client(ctx, client_id, err);
    if (rc == LCP_OK) *out = ctx->cs;
    return rc;
}

int lcp_lc_get_consensus_state(lcp_lc *ctx, lcp_lc_consensus_state *out, const char *client_id,
                               const lcp_height *height, char *err)
{
    int found, rc = check_id(client_id, err);
    if (rc == LCP_OK) rc = lc_load_consensus(ctx, out, &found, client_id, height, err);
    if (rc == LCP_OK && !found)
        return lcp_fail(err, LCP_ERR_LC_CONSENSUS_STATE_NOT_FOUND, "no consensus state at %llu-%llu",
                        (unsigned long long)height->revision_number, (unsigned long long)height->revision_height);
    return rc;
}

int lcp_lc_get_enclave_key(lcp_lc *ctx, lcp_lc_enclave_key *out, const char *client_id, const uint8_t key[20],
                           char *err)
{
    int found, rc = check_id(client_id, err);
    if (rc == LCP_OK) rc = lc_load_key(ctx, out, &found, client_id, key, err);
    if (rc == LCP_OK && !found) return lcp_fail(err, LCP_ERR_LC_ENCLAVE_KEY_NOT_EXIST, "enclave key is not registered");
    return rc;
}
