/* The bytes ethereum-elc re-encodes its states and misbehaviours to (prost, spec sheet ethereum.md §10): fields
 * in number order, zero scalars and empty bytes omitted, every present sub-message written even when empty
 * (a zero Duration is `62 00`), repeated fields per element. StateIDs and the misbehaviour commitment hash these
 * bytes, never the input. */
#include <string.h>

#include "lcp/codec_pb.h"
#include "lcp/elc_ethereum.h"

static void put_fork_spec(lcp_pb_writer *w, const void *m)
{
    const lcp_eth_fork_spec *s = m;
    lcp_pb_put_uint_opt(w, 1, s->finalized_root);
    lcp_pb_put_uint_opt(w, 2, s->current_sync_committee);
    lcp_pb_put_uint_opt(w, 3, s->next_sync_committee);
    lcp_pb_put_uint_opt(w, 4, s->execution_payload);
    lcp_pb_put_uint_opt(w, 5, s->execution_state_root);
    lcp_pb_put_uint_opt(w, 6, s->execution_block_number);
}

static void put_fork(lcp_pb_writer *w, const void *m)
{
    const lcp_eth_fork_param *f = m;
    lcp_pb_put_bytes_opt(w, 1, f->version, 4);
    lcp_pb_put_uint_opt(w, 2, f->epoch);
    lcp_pb_put_nested(w, 3, put_fork_spec, &f->spec);
}

static void put_fork_parameters(lcp_pb_writer *w, const void *m)
{
    const lcp_eth_client_state *cs = m;
    lcp_pb_put_bytes_opt(w, 1, cs->genesis_fork_version, 4);
    for (size_t i = 0; i < cs->n_forks; i++) lcp_pb_put_nested(w, 2, put_fork, &cs->forks[i]);
}

static void put_fraction(lcp_pb_writer *w, const void *m)
{
    const lcp_eth_client_state *cs = m;
    lcp_pb_put_uint_opt(w, 1, cs->trust_numerator);
    lcp_pb_put_uint_opt(w, 2, cs->trust_denominator);
}

static void put_duration(lcp_pb_writer *w, const void *m)
{
    const lcp_eth_duration *d = m;
    lcp_pb_put_uint_opt(w, 1, d->seconds);
    lcp_pb_put_uint_opt(w, 2, d->nanos);
}

static void put_height(lcp_pb_writer *w, const void *m)
{
    const lcp_height *h = m;
    lcp_pb_put_uint_opt(w, 1, h->revision_number);
    lcp_pb_put_uint_opt(w, 2, h->revision_height);
}

typedef struct {
    const lcp_eth_client_state *cs;
    int canonical;
} cs_view;

static void put_client_state(lcp_pb_writer *w, const void *m)
{
    const cs_view *v = m;
    const lcp_eth_client_state *cs = v->cs;
    lcp_pb_put_bytes_opt(w, 1, cs->genesis_validators_root, 32);
    lcp_pb_put_uint_opt(w, 2, cs->min_sync_committee_participants);
    lcp_pb_put_uint_opt(w, 3, cs->genesis_time);
    lcp_pb_put_nested(w, 4, put_fork_parameters, cs);
    lcp_pb_put_uint_opt(w, 5, cs->seconds_per_slot);
    lcp_pb_put_uint_opt(w, 6, cs->slots_per_epoch);
    lcp_pb_put_uint_opt(w, 7, cs->epochs_per_sync_committee_period);
    lcp_pb_put_bytes_opt(w, 8, cs->ibc_address, 20);
    lcp_pb_put_bytes_opt(w, 9, cs->ibc_commitments_slot, 32);
    lcp_pb_put_nested(w, 10, put_fraction, cs);
    lcp_pb_put_nested(w, 11, put_duration, &cs->trusting_period);
    lcp_pb_put_nested(w, 12, put_duration, &cs->max_clock_drift);
    /* ethereum-elc's canonicalisation: no latest block number, no frozen height */
    if (!v->canonical) {
        lcp_pb_put_uint_opt(w, 13, cs->latest_execution_block_number);
        if (cs->frozen) lcp_pb_put_nested(w, 14, put_height, &cs->frozen_height);
    }
}

static void put_timestamp(lcp_pb_writer *w, const void *m)
{
    uint64_t ns = *(const uint64_t *)m;
    lcp_pb_put_uint_opt(w, 1, ns / 1000000000u);
    lcp_pb_put_uint_opt(w, 2, ns % 1000000000u);
}

static void put_consensus_state(lcp_pb_writer *w, const void *m)
{
    const lcp_eth_consensus_state *c = m;
    lcp_pb_put_uint_opt(w, 1, c->slot);
    lcp_pb_put_bytes_opt(w, 2, c->storage_root, 32);
    lcp_pb_put_nested(w, 3, put_timestamp, &c->timestamp_ns);
    lcp_pb_put_bytes_opt(w, 4, c->current_sync_committee, 48);
    lcp_pb_put_bytes_opt(w, 5, c->next_sync_committee, 48);
}

static void put_beacon_header(lcp_pb_writer *w, const void *m)
{
    const lcp_eth_beacon_header *h = m;
    lcp_pb_put_uint_opt(w, 1, h->slot);
    lcp_pb_put_uint_opt(w, 2, h->proposer_index);
    lcp_pb_put_bytes_opt(w, 3, h->parent_root, 32);
    lcp_pb_put_bytes_opt(w, 4, h->state_root, 32);
    lcp_pb_put_bytes_opt(w, 5, h->body_root, 32);
}

static void put_sync_committee(lcp_pb_writer *w, const void *m)
{
    const lcp_eth_sync_committee *c = m;
    size_t pos = 0;
    const uint8_t *k;
    while ((k = lcp_eth_committee_next(c, &pos)) != NULL) lcp_pb_put_bytes(w, 1, k, 48);
    lcp_pb_put_bytes_opt(w, 2, c->aggregate_pubkey, 48);
}

static void put_branch(lcp_pb_writer *w, uint32_t field, const lcp_eth_branch *b)
{
    for (size_t i = 0; i < b->n; i++) lcp_pb_put_bytes(w, field, b->item[i], 32);
}

static void put_sync_aggregate(lcp_pb_writer *w, const void *m)
{
    const lcp_eth_consensus_update *u = m;
    lcp_pb_put_bytes_opt(w, 1, u->sync_committee_bits.ptr, u->sync_committee_bits.len);
    lcp_pb_put_bytes_opt(w, 2, u->sync_committee_signature, 96);
}

static void put_consensus_update(lcp_pb_writer *w, const void *m)
{
    const lcp_eth_consensus_update *u = m;
    lcp_pb_put_nested(w, 1, put_beacon_header, &u->attested_header);
    /* the normalised form: a next committee only with keys and a branch */
    if (u->has_next) {
        lcp_pb_put_nested(w, 2, put_sync_committee, &u->next_sync_committee);
        put_branch(w, 3, &u->next_sync_committee_branch);
    }
    lcp_pb_put_nested(w, 4, put_beacon_header, &u->finalized_header);
    put_branch(w, 5, &u->finalized_header_branch);
    lcp_pb_put_bytes_opt(w, 6, u->finalized_execution_root, 32);
    put_branch(w, 7, &u->finalized_execution_branch);
    lcp_pb_put_nested(w, 8, put_sync_aggregate, u);
    lcp_pb_put_uint_opt(w, 9, u->signature_slot);
}

static void put_trusted(lcp_pb_writer *w, const void *m)
{
    const lcp_eth_trusted_committee *t = m;
    lcp_pb_put_nested(w, 1, put_height, &t->trusted_height);
    lcp_pb_put_nested(w, 2, put_sync_committee, &t->sync_committee);
    lcp_pb_put_uint_opt(w, 3, (uint64_t)(t->is_next != 0));
}

static void put_misbehaviour(lcp_pb_writer *w, const void *m)
{
    const lcp_eth_misbehaviour *mb = m;
    lcp_pb_put_bytes_opt(w, 1, mb->client_id.ptr, mb->client_id.len);
    lcp_pb_put_nested(w, 2, put_trusted, &mb->trusted);
    lcp_pb_put_nested(w, 3, put_consensus_update, &mb->update_1);
    lcp_pb_put_nested(w, 4, put_consensus_update, &mb->update_2);
}

int lcp_eth_encode_client_state(lcp_buf *out, const lcp_eth_client_state *cs, int canonical)
{
    cs_view v = {cs, canonical};
    return lcp_elc_put_any_fn(out, LCP_ETH_T_CS, put_client_state, &v);
}

int lcp_eth_encode_consensus_state(lcp_buf *out, const lcp_eth_consensus_state *cons)
{
    return lcp_elc_put_any_fn(out, LCP_ETH_T_CONS, put_consensus_state, cons);
}

int lcp_eth_encode_misbehaviour(lcp_buf *out, const lcp_eth_misbehaviour *m)
{
    return lcp_elc_put_any_fn(out, m->kind == LCP_ETH_MISB_FINALIZED_HEADER ? LCP_ETH_T_MISB_FH : LCP_ETH_T_MISB_NSC,
                   put_misbehaviour, m);
}

int lcp_eth_state_id(uint8_t id[32], const lcp_eth_client_state *cs, const lcp_eth_consensus_state *cons)
{
    lcp_buf a = {0}, b = {0};
    int rc = lcp_eth_encode_client_state(&a, cs, 1);
    if (rc == LCP_OK) rc = lcp_eth_encode_consensus_state(&b, cons);
    if (rc == LCP_OK) rc = lcp_state_id(id, a.data, a.len, b.data, b.len);
    lcp_buf_free(&a);
    lcp_buf_free(&b);
    return rc;
}
