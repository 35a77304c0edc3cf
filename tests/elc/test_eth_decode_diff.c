/* TEMPORARY: the hand-written Ethereum decoders (kept as eth_decode_old.inc) against the table-driven ones over
 * the inputs and mutations of test_eth_decode_table.c: the same verdict and the same decoded fields on every case. */
#define main table_main
int table_main(void);
#include "test_eth_decode_table.c"
#undef main

#define lcp_eth_decode_client_state old_decode_client_state
#define lcp_eth_decode_consensus_state old_decode_consensus_state
#define lcp_eth_decode_header old_decode_header
#define lcp_eth_decode_misbehaviour old_decode_misbehaviour
#define lcp_eth_decode_sync_committee old_decode_sync_committee
#define lcp_eth_decode_consensus_update old_decode_consensus_update
#define lcp_eth_decode_execution_update old_decode_execution_update
#define lcp_eth_committee_next old_committee_next
int old_decode_client_state(lcp_eth_client_state *out, const uint8_t *in, size_t len, char *err);
int old_decode_consensus_state(lcp_eth_consensus_state *out, const uint8_t *in, size_t len, char *err);
int old_decode_header(lcp_eth_header *out, const uint8_t *in, size_t len, char *err);
int old_decode_misbehaviour(lcp_eth_misbehaviour *out, int kind, const uint8_t *in, size_t len, char *err);
int old_decode_sync_committee(lcp_eth_sync_committee *out, lcp_bytes in, char *err);
int old_decode_consensus_update(lcp_eth_consensus_update *out, lcp_bytes in, char *err);
int old_decode_execution_update(lcp_eth_execution_update *out, lcp_bytes in, char *err);
const uint8_t *old_committee_next(const lcp_eth_sync_committee *c, size_t *pos);
#include "eth_decode_old.inc"
#undef lcp_eth_decode_client_state
#undef lcp_eth_decode_consensus_state
#undef lcp_eth_decode_header
#undef lcp_eth_decode_misbehaviour
#undef lcp_eth_decode_sync_committee
#undef lcp_eth_decode_consensus_update
#undef lcp_eth_decode_execution_update
#undef lcp_eth_committee_next

static int decode_old(int kind, decoded *d, const uint8_t *p, size_t n, char *err)
{
    memset(d, 0, sizeof *d);
    switch (kind) {
    case K_CLIENT_STATE: return old_decode_client_state(&d->cs, p, n, err);
    case K_CONSENSUS_STATE: return old_decode_consensus_state(&d->cons, p, n, err);
    case K_HEADER: return old_decode_header(&d->h, p, n, err);
    case K_MISBEHAVIOUR: return old_decode_misbehaviour(&d->m, LCP_ETH_MISB_FINALIZED_HEADER, p, n, err);
    case K_CONSENSUS_UPDATE: return old_decode_consensus_update(&d->cu, (lcp_bytes){p, n}, err);
    default: return old_decode_execution_update(&d->eu, (lcp_bytes){p, n}, err);
    }
}

static void test_old_vs_new(void **state)
{
    (void)state;
    input *in = calloc(MAX_INPUTS, sizeof *in);
    assert_non_null(in);
    size_t n = load_inputs(in), cases = 0, accepted = 0, msg_diff = 0, shown = 0;
    decoded *a = malloc(sizeof *a), *b = malloc(sizeof *b);
    for (size_t k = 0; k < n; k++) {
        uint8_t *buf = malloc(2 * in[k].bytes.n + 16);
        for (size_t i = 0; i <= MUTATIONS; i++) {
            size_t len;
            mutate(buf, &len, in[k].bytes.p, in[k].bytes.n, i, k + 1);
            char e1[LCP_ERR_LEN] = "", e2[LCP_ERR_LEN] = "";
            int r1 = decode_old(in[k].kind, a, buf, len, e1), r2 = decode(in[k].kind, b, buf, len, e2);
            if (r1 != r2) fail_msg("%s case %zu: old %d (%s), new %d (%s)", in[k].name, i, r1, e1, r2, e2);
            if (r1 == LCP_OK && memcmp(a, b, decoded_size(in[k].kind)) != 0)
                fail_msg("%s case %zu: decoded fields differ", in[k].name, i);
            if (r1 == LCP_OK) {
                accepted++;
                /* the committee walk reads the same keys */
                if (in[k].kind == K_CONSENSUS_UPDATE) {
                    size_t p1 = 0, p2 = 0;
                    const uint8_t *x, *y;
                    do {
                        x = old_committee_next(&a->cu.next_sync_committee, &p1);
                        y = lcp_eth_committee_next(&b->cu.next_sync_committee, &p2);
                        assert_ptr_equal(x, y);
                    } while (x);
                }
            }
            if (strcmp(e1, e2) != 0) {
                msg_diff++;
                if (shown++ < 100000) printf("message differs: %s case %zu: old '%s' new '%s'\n", in[k].name, i, e1, e2);
            }
            cases++;
        }
        free(buf);
    }
    printf("eth decode old vs new: %zu inputs, %zu cases, %zu decoded, same verdicts and fields; %zu messages differ\n",
           n, cases, accepted, msg_diff);
    for (size_t i = 0; i < n; i++) free(in[i].bytes.p);
    free(in);
    free(a);
    free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_old_vs_new),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
