/* lcp-eth-chain: TEST TOOL (never part of a deployment). Writes the `lcp elc ...` inputs for an Ethereum light
 * client on a generated chain (tests/common/ethchain: minimal preset, a sync committee of keys derived from a public
 * seed), so that contracts/test/ethereum_own.test.mjs can run the enclave through the `lcp` CLI and give the
 * commitments to the Solidity client, as tests/enclave/test_eth_e2e.c does with the C client.
 *
 *   lcp-eth-chain --out DIR --now SECONDS
 *
 * The chain's genesis is 13 sync-committee periods before `now`; every input carries "current_timestamp": now.
 * Files (the client id the enclave gives the first Ethereum client, "ethereum-0", is the one named):
 *   create.json             a client at block 100 (period 10)
 *   update-1.json           block 110, same period, include_state (the first update carries the client state)
 *   update-2.json           block 120, into period 11 (with the next sync committee)
 *   update-3.json           block 130, into period 12
 *   update-3-bad-sig.json, update-3-bad-bits.json, update-3-bad-account.json
 *                           update-3 with a byte of the sync-committee signature, of the participation bits or of
 *                           the IBC contract's account proof changed (the enclave must refuse each)
 *   membership.json         the packet commitment at block 130 (present)
 *   non-membership.json     the receipt at block 130 (absent)
 *   membership-bad-proof.json  the packet commitment with a byte of its storage proof changed
 *   misbehaviour.json       a FinalizedHeaderMisbehaviour: two finalized headers for one slot (another body)
 *   update-4.json           block 150, after the misbehaviour (a frozen client must refuse it)
 * Prints {"client_id", "prefix", "packet_path", "packet_value", "receipt_path", "height"} on stdout. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ethchain.h"
#include "elc_inputs.h"
#include "lcp/base.h"
#include "lcp/elc_ethereum.h"

#define CID "ethereum-0"
#define PACKET "commitments/ports/transfer/channels/channel-0/sequences/1"
#define RECEIPT "receipts/ports/transfer/channels/channel-0/sequences/1"
static const char PACKET_VALUE[] = "packet commitment bytes";

static void write_header(const char *dir, const char *name, ethc_chain *c, const ethc_update_opts *o, int include,
                         uint64_t now)
{
    lcp_buf h = {0};
    ethc_header(&h, c, o);
    drv_write_update(dir, name, CID, ETHC_T_HEADER, &h, include, now);
    lcp_buf_free(&h);
}

static size_t find(const lcp_buf *hay, const uint8_t *needle, size_t k)
{
    for (size_t i = 0; i + k <= hay->len; i++)
        if (memcmp(hay->data + i, needle, k) == 0) return i;
    drv_die("signature not found in the header");
    return 0;
}

/* update o with one byte changed at each of: the aggregate signature, the participation bits, the account proof. */
static void write_tampered(const char *dir, ethc_chain *c, const ethc_update_opts *o, uint64_t now)
{
    lcp_buf h = {0};
    ethc_header(&h, c, o);
    lcp_eth_header hd;
    if (lcp_eth_decode_header(&hd, h.data, h.len, NULL) != LCP_OK) drv_die("decode header");
    size_t at[3] = {find(&h, hd.consensus_update.sync_committee_signature, 96) + 17,
                    (size_t)(hd.consensus_update.sync_committee_bits.ptr - h.data),
                    (size_t)(hd.account_proof.ptr - h.data) + hd.account_proof.len / 2};
    const char *names[3] = {"update-3-bad-sig.json", "update-3-bad-bits.json", "update-3-bad-account.json"};
    for (int i = 0; i < 3; i++) {
        h.data[at[i]] ^= 0x04;
        drv_write_update(dir, names[i], CID, ETHC_T_HEADER, &h, 0, now);
        h.data[at[i]] ^= 0x04;
    }
    lcp_buf_free(&h);
}

int main(int argc, char **argv)
{
    const char *dir;
    uint64_t now;
    drv_args(argc, argv, &dir, &now, 0);
    const uint64_t P = 64, SPS = 6; /* minimal preset: slots per period, seconds per slot */
    ethc_params p = {1, now - 13 * P * SPS, 11, 0, 0};
    ethc_chain *c = ethc_chain_new(&p);
    ethc_set_commitment(c, PACKET, (const uint8_t *)PACKET_VALUE, sizeof PACKET_VALUE - 1);
    uint64_t s0 = 10 * P + 10;

    lcp_buf cs = {0}, cons = {0};
    ethc_client_state(&cs, c, 100);
    ethc_consensus_state(&cons, c, s0);
    drv_write_create(dir, ETHC_T_CS, &cs, ETHC_T_CONS, &cons, now);
    lcp_buf_free(&cs);
    lcp_buf_free(&cons);

    ethc_update_opts u1 = {100, s0, s0 + 30, 110, 0, 0, 0, 0, 0};
    ethc_update_opts u2 = {110, s0 + 30, 11 * P + 8, 120, 1, 0, 0, 0, 0};
    ethc_update_opts u3 = {120, 11 * P + 8, 12 * P + 16, 130, 1, 0, 0, 0, 0};
    write_header(dir, "update-1.json", c, &u1, 1, now);
    write_header(dir, "update-2.json", c, &u2, 0, now);
    write_header(dir, "update-3.json", c, &u3, 0, now);
    write_tampered(dir, c, &u3, now);

    lcp_buf proof = {0}, absent = {0};
    ethc_storage_proof(&proof, c, PACKET);
    ethc_storage_proof(&absent, c, RECEIPT);
    drv_write_proof(dir, "membership.json", CID, PACKET, PACKET_VALUE, &proof, 0, 130, now);
    drv_write_proof(dir, "non-membership.json", CID, RECEIPT, NULL, &absent, 0, 130, now);
    proof.data[proof.len - 3] ^= 1;
    drv_write_proof(dir, "membership-bad-proof.json", CID, PACKET, PACKET_VALUE, &proof, 0, 130, now);
    lcp_buf_free(&proof);
    lcp_buf_free(&absent);

    ethc_update_opts fh[2] = {{130, 12 * P + 16, 12 * P + 24, 140, 0, 0, 0, 0, 0},
                              {130, 12 * P + 16, 12 * P + 24, 140, 0, 0, 1, 0, 0}};
    lcp_buf mb = {0};
    ethc_misbehaviour(&mb, c, 1, CID, &fh[0], &fh[1]);
    drv_write_update(dir, "misbehaviour.json", CID, ETHC_T_MISB_FH, &mb, 0, now);
    lcp_buf_free(&mb);
    ethc_update_opts u4 = {130, 12 * P + 16, 12 * P + 40, 150, 0, 0, 0, 0, 0};
    write_header(dir, "update-4.json", c, &u4, 0, now);
    ethc_chain_free(c);

    printf("{\"client_id\": \"%s\", \"prefix\": \"ibc\", \"packet_path\": \"%s\", \"packet_value\": \"%s\", "
           "\"receipt_path\": \"%s\", \"height\": 130}\n",
           CID, PACKET, PACKET_VALUE, RECEIPT);
    return 0;
}
