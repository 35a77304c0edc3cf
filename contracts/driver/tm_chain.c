/* lcp-tm-chain: TEST TOOL (never part of a deployment). Writes the `lcp elc ...` inputs for a 07-tendermint light
 * client on a generated chain (the dev module's generator, lcp/dev_tmchain.h: 4 ed25519 validators whose keys come
 * from a public seed, ICS-23 proofs over a small IAVL "ibc" store), so that contracts/test/tendermint_membership
 * can run the enclave through the `lcp` CLI and give its membership and non-membership commitments to the Solidity
 * client and to the C client, as tests/enclave/test_tm_e2e.c does with the C client alone.
 *
 *   lcp-tm-chain --out DIR --now SECONDS
 *
 * Chain "lcp-tm-1" (revision 1), blocks 1..10 ten seconds apart, block 10 at now - 10; every input carries
 * "current_timestamp": now. Block 5's app hash commits to the "ibc" store below; block 6 names another validator
 * set (validators 2..5: two of the four trusted ones kept) that signs from block 7 on.
 * Files (the client id the enclave gives the first Tendermint client, "07-tendermint-0", is the one named):
 *   create.json             a client at height 1 (trusting period 14 days)
 *   update-1.json           height 5 trusting 1 (skipping), include_state (the first update carries the client state)
 *   update-2.json           height 8 trusting 5: across the validator-set change (skipping, 2 of 4 trusted signed)
 *   update-2-bad-sig.json   update-2 with a byte of its first commit signature changed (the enclave must refuse it)
 *   membership.json         the packet commitment at height 5 (present)
 *   non-membership.json     the receipt at height 5 (absent, between two present keys)
 *   membership-bad-proof.json, non-membership-bad-proof.json
 *                           the same with a byte of the "ibc" store's proof changed (the last of its inner ops)
 *   misbehaviour.json       a Misbehaviour: two headers for height 9 with other app hashes (trusting 8 and 5)
 *   update-3.json           height 10 trusting 8, after the misbehaviour (a frozen client must refuse it)
 * Prints {"client_id", "prefix", "packet_path", "packet_value", "receipt_path", "revision_number", "height",
 * "update_heights"} on stdout. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "elc_inputs.h"
#include "lcp/base.h"
#include "lcp/dev_tmchain.h"

#define CID "07-tendermint-0"
#define CHAIN_ID "lcp-tm-1"
#define PACKET "commitments/ports/transfer/channels/channel-0/sequences/1"
#define RECEIPT "receipts/ports/transfer/channels/channel-0/sequences/1"
#define INTERVAL 10
#define LAST 10       /* blocks 1..LAST */
#define PROVEN 5      /* the height whose app hash commits to the store */
#define SET_CHANGE 6  /* names the next validator set */
static const char PACKET_VALUE[] = "packet commitment bytes";

static void write_header(const char *dir, const char *name, const tmc_chain *c, int64_t h, int64_t th, int include,
                         uint64_t now)
{
    lcp_buf hdr = {0};
    tmc_ibc_header(&hdr, c, h, th, NULL);
    drv_write_update(dir, name, CID, TMC_T_HEADER, &hdr, include, now);
    lcp_buf_free(&hdr);
}

/* Header h <- th with one byte inside the first commit signature changed: the commit still decodes, the signature
 * no longer verifies (the first validator's, so no early stop at 2/3 of the power can skip it). */
static void write_bad_sig(const char *dir, const char *name, const tmc_chain *c, int64_t h, int64_t th, uint64_t now)
{
    lcp_buf hdr = {0};
    tmc_ibc_header(&hdr, c, h, th, NULL);
    lcp_tm_ibc_header ih;
    lcp_tm_commit_sig sig;
    if (lcp_tm_decode_ibc_header(&ih, hdr.data, hdr.len, NULL) != LCP_OK ||
        lcp_tm_commit_sig_at(&sig, &ih.signed_header.commit, 0) != LCP_OK || sig.signature.len != 64)
        drv_die("decode the generated header");
    hdr.data[(size_t)(sig.signature.ptr - hdr.data) + 17] ^= 0x04;
    drv_write_update(dir, name, CID, TMC_T_HEADER, &hdr, 0, now);
    lcp_buf_free(&hdr);
}

/* The offset of the last byte of the MerkleProof's first CommitmentProof (the "ibc" store's proof): the end of its
 * last inner op's bytes, a sibling hash or the child-hash length byte, so the proof decodes and its root changes. */
static size_t first_proof_last_byte(const lcp_buf *p)
{
    if (p->len < 3 || p->data[0] != 0x0a) drv_die("unexpected MerkleProof encoding");
    uint64_t len = 0;
    size_t i = 1;
    for (int shift = 0; i < p->len && shift < 64; shift += 7, i++) {
        len |= (uint64_t)(p->data[i] & 0x7f) << shift;
        if (!(p->data[i] & 0x80)) break;
    }
    if (i >= p->len || len == 0 || len > p->len - i - 1) drv_die("unexpected MerkleProof encoding");
    return i + (size_t)len;
}

int main(int argc, char **argv)
{
    const char *dir;
    uint64_t now;
    drv_args(argc, argv, &dir, &now, (uint64_t)(LAST * INTERVAL));

    /* the "ibc" store at PROVEN, keys ascending; the receipt lies between connections/... and the next receipt */
    static const uint8_t CHANNEL[] = {0x08, 0x03, 0x10, 0x01}, CONN[] = "connection end", RCPT[] = {0x01};
    const tmc_kv kvs[] = {
        {"channelEnds/ports/transfer/channels/channel-0", CHANNEL, sizeof CHANNEL},
        {PACKET, (const uint8_t *)PACKET_VALUE, sizeof PACKET_VALUE - 1},
        {"connections/connection-0", CONN, sizeof CONN - 1},
        {"receipts/ports/transfer/channels/channel-0/sequences/2", RCPT, sizeof RCPT},
    };
    const size_t nkv = sizeof kvs / sizeof kvs[0];
    uint8_t app[32];
    tmc_state_app_hash(app, kvs, nkv);

    tmc_valset *vs = malloc(sizeof *vs);
    if (vs == NULL) drv_die("out of memory");
    tmc_valset_make(vs, 7, 0, 4, NULL, 10);
    tmc_chain *c = tmc_chain_new(CHAIN_ID, vs, (int64_t)now - LAST * INTERVAL);
    tmc_chain_set_interval(c, INTERVAL);
    for (int64_t h = 2; h <= LAST; h++) {
        const tmc_valset *next = NULL;
        if (h == SET_CHANGE) {
            tmc_valset_make(vs, 7, 2, 4, NULL, 10);
            next = vs;
        }
        tmc_chain_push(c, next, h == PROVEN ? app : NULL);
    }
    free(vs);
    const uint64_t rev = tmc_chain_revision(c);

    lcp_buf cs = {0}, cons = {0};
    tmc_client_state(&cs, c, 1, NULL);
    tmc_consensus_state(&cons, c, 1);
    drv_write_create(dir, TMC_T_CS, &cs, TMC_T_CONS, &cons, now);
    lcp_buf_free(&cs);
    lcp_buf_free(&cons);

    write_header(dir, "update-1.json", c, PROVEN, 1, 1, now);
    write_header(dir, "update-2.json", c, 8, PROVEN, 0, now);
    write_bad_sig(dir, "update-2-bad-sig.json", c, 8, PROVEN, now);

    lcp_buf proof = {0}, absent = {0};
    tmc_state_proof(&proof, kvs, nkv, PACKET, 1);
    tmc_state_proof(&absent, kvs, nkv, RECEIPT, 0);
    drv_write_proof(dir, "membership.json", CID, PACKET, PACKET_VALUE, &proof, rev, PROVEN, now);
    drv_write_proof(dir, "non-membership.json", CID, RECEIPT, NULL, &absent, rev, PROVEN, now);
    proof.data[first_proof_last_byte(&proof)] ^= 0x01;
    drv_write_proof(dir, "membership-bad-proof.json", CID, PACKET, PACKET_VALUE, &proof, rev, PROVEN, now);
    absent.data[first_proof_last_byte(&absent)] ^= 0x01;
    drv_write_proof(dir, "non-membership-bad-proof.json", CID, RECEIPT, NULL, &absent, rev, PROVEN, now);
    lcp_buf_free(&proof);
    lcp_buf_free(&absent);

    /* a fork at 9: the honest block and one with another app hash, both signed by the new set */
    uint8_t other[32];
    memset(other, 0x5a, sizeof other);
    tmc_sign_opts fork = {NULL, 0, other, 0, NULL};
    lcp_buf h1 = {0}, h2 = {0}, mb = {0};
    tmc_ibc_header(&h1, c, 9, 8, NULL);
    tmc_ibc_header(&h2, c, 9, PROVEN, &fork);
    tmc_misbehaviour(&mb, CID, &h1, &h2);
    drv_write_update(dir, "misbehaviour.json", CID, TMC_T_MISB, &mb, 0, now);
    lcp_buf_free(&h1);
    lcp_buf_free(&h2);
    lcp_buf_free(&mb);
    write_header(dir, "update-3.json", c, LAST, 8, 0, now);
    tmc_chain_free(c);

    printf("{\"client_id\": \"%s\", \"prefix\": \"ibc\", \"packet_path\": \"%s\", \"packet_value\": \"%s\", "
           "\"receipt_path\": \"%s\", \"revision_number\": %llu, \"height\": %d, \"update_heights\": [%d, 8]}\n",
           CID, PACKET, PACKET_VALUE, RECEIPT, (unsigned long long)rev, PROVEN, PROVEN);
    return 0;
}
