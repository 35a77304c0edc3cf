/* lcp-lc-driver: the C LCP client (src/lcpclient) behind a line protocol, so that the contract tests can give the
 * same messages to both verifiers and compare verdicts (contracts/test/differential.test.mjs). One command per
 * line on stdin, arguments separated by spaces, byte strings in hex ("-" = absent); one answer line per command:
 * "ok" or "err <LCP_ERR_NAME>".
 *   config <development 0|1> <ias_root> <dcap_root|-> <chain_id> <contract_address> <collateral|->
 *   create <client_id> <client_state> <consensus_state|->
 *   msg <client_id> <Any> <now>                      (UpdateClient, RegisterEnclaveKey, DCAP..., UpdateOperators)
 *   member <client_id> <rev> <height> <prefix> <path> <value|-> <proof> <now>   (value "-" = non-membership)
 * Test tool only: it trusts its input to be well-formed lines. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lcp/base.h"
#include "lcp/commitment.h"
#include "lcp/lcpclient.h"

#define MAX_LINE (1u << 22)

static uint8_t *unhex(const char *s, size_t *len)
{
    *len = 0;
    if (s == NULL || strcmp(s, "-") == 0) return NULL;
    size_t n = strlen(s);
    uint8_t *out = malloc(n / 2 + 1);
    if (out == NULL || lcp_hex_decode(out, n / 2 + 1, len, s, n, NULL) != LCP_OK) {
        free(out);
        return NULL;
    }
    return out;
}

static void answer(int rc, const char *err)
{
    if (rc == LCP_OK) printf("ok\n");
    else printf("err %s %s\n", lcp_errname(rc), err);
    fflush(stdout);
}

int main(void)
{
    char *line = malloc(MAX_LINE);
    void *mem = malloc(lcp_lc_size());
    lcp_lc_memstore *store = lcp_lc_memstore_new();
    if (line == NULL || mem == NULL || store == NULL) return 2;
    lcp_lc *lc = NULL;
    uint8_t *ias_root = NULL, *dcap_root = NULL, *collateral = NULL;
    char err[LCP_ERR_LEN];
    while (fgets(line, MAX_LINE, stdin) != NULL) {
        line[strcspn(line, "\r\n")] = '\0';
        char *argv[12] = {0};
        int argc = 0;
        for (char *t = strtok(line, " "); t != NULL && argc < 12; t = strtok(NULL, " ")) argv[argc++] = t;
        if (argc == 0) continue;
        err[0] = '\0';
        if (strcmp(argv[0], "config") == 0 && argc == 7) {
            size_t l1, l2, l3, l4;
            free(ias_root), free(dcap_root), free(collateral);
            ias_root = unhex(argv[2], &l1);
            dcap_root = unhex(argv[3], &l2);
            collateral = unhex(argv[6], &l3);
            uint8_t *addr = unhex(argv[5], &l4);
            lcp_lc_config cfg = {0};
            cfg.store = lcp_lc_memstore_iface(store);
            cfg.ias_root_der = ias_root;
            cfg.ias_root_der_len = l1;
            cfg.development_mode = atoi(argv[1]);
            cfg.dcap_root_der = dcap_root;
            cfg.dcap_root_der_len = l2;
            cfg.dcap_collateral = collateral;
            cfg.dcap_collateral_len = l3;
            if (addr == NULL || l4 != 20) return 2;
            lcp_eip712_domain_evm(cfg.operators_domain, strtoull(argv[4], NULL, 10), addr);
            free(addr);
            answer(lcp_lc_init(&lc, mem, lcp_lc_size(), &cfg), "");
        } else if (lc != NULL && strcmp(argv[0], "create") == 0 && argc == 4) {
            size_t l1, l2;
            uint8_t *cs = unhex(argv[2], &l1), *cons = unhex(argv[3], &l2);
            answer(lcp_lc_create_client(lc, argv[1], cs, l1, cons, l2, err), err);
            free(cs), free(cons);
        } else if (lc != NULL && strcmp(argv[0], "msg") == 0 && argc == 4) {
            size_t l;
            uint8_t *m = unhex(argv[2], &l);
            answer(lcp_lc_client_message(lc, argv[1], m ? m : (uint8_t *)"", l, strtoll(argv[3], NULL, 10), err), err);
            free(m);
        } else if (lc != NULL && strcmp(argv[0], "member") == 0 && argc == 9) {
            size_t lp, lpa, lv, lpr;
            lcp_height h = {strtoull(argv[2], NULL, 10), strtoull(argv[3], NULL, 10)};
            uint8_t *prefix = unhex(argv[4], &lp), *path = unhex(argv[5], &lpa), *value = unhex(argv[6], &lv),
                    *proof = unhex(argv[7], &lpr);
            int64_t now = strtoll(argv[8], NULL, 10);
            static const uint8_t empty[1];
            const uint8_t *pf = prefix ? prefix : empty, *pa = path ? path : empty, *pr = proof ? proof : empty;
            int rc = strcmp(argv[6], "-") == 0
                         ? lcp_lc_verify_non_membership(lc, argv[1], &h, pf, lp, pa, lpa, pr, lpr, now, err)
                         : lcp_lc_verify_membership(lc, argv[1], &h, pf, lp, pa, lpa, value ? value : empty, lv, pr,
                                                    lpr, now, err);
            answer(rc, err);
            free(prefix), free(path), free(value), free(proof);
        } else {
            printf("err usage\n");
            fflush(stdout);
        }
    }
    free(ias_root), free(dcap_root), free(collateral);
    lcp_lc_memstore_free(store);
    free(mem);
    free(line);
    return 0;
}
