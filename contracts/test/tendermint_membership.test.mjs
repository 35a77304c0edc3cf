// lcp-c's own 07-tendermint membership and non-membership commitments (issue 13 item 4) on the contract and the C
// client: a generated Tendermint chain (build/rel/bin/lcp-tm-chain, the dev module's generator: 4 validators whose
// keys come from a public seed, ICS-23 proofs over an IAVL "ibc" store) is fed to the enclave through the `lcp` CLI
// on a simulated platform (sim); its key is attested with a simulated IAS report (sim: test PKI) and registered;
// create → an update to the height whose app hash holds a packet commitment → an update across a validator-set
// change → membership of the packet commitment and non-membership of a receipt, every commitment accepted by both
// verifiers; a tampered header and a tampered proof refused by the enclave, tampered commitments by both verifiers;
// a Misbehaviour (a fork at one height) freezes both.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as F from './fixtures.mjs';
import { ownChain, acceptUpdates, acceptMembership, refusedByBoth, updateTampersRefused, misbehaviourFreezes, flip }
  from './ownchain.mjs';

test('lcp-c enclave: own 07-tendermint membership and non-membership commitments accepted on-chain and by the C client; tampering refused; misbehaviour freezes', async () => {
  const t = await ownChain('lcp-tm-chain');
  try {
    const { info } = t;
    const rev = BigInt(info.revision_number);
    assert.equal(rev, 1n);
    assert.equal(t.elc('create-client', 'create.json').client_id, info.client_id);

    // updates: to the proven height (skipping, with the client state), then across the validator-set change
    const [h1, h2] = info.update_heights.map(BigInt);
    const updates = await acceptUpdates(t, [['update-1.json', [rev, h1]], ['update-2.json', [rev, h2]]]);

    // a header with a byte of a commit signature changed, (non-)membership proofs with a byte of the "ibc" store's
    // proof changed: the enclave refuses each for the signature / the recomputed root, not for the input's form
    assert.match(t.refusal('update-client', 'update-2-bad-sig.json'), /invalid signature/);
    assert.match(t.refusal('verify-membership', 'membership-bad-proof.json'), /doesn't match/);
    assert.match(t.refusal('verify-non-membership', 'non-membership-bad-proof.json'), /doesn't match/);

    // membership of the packet commitment and non-membership of the receipt at the proven height
    const { member, nonMember, vm, vn } = await acceptMembership(t);
    assert.deepEqual(member.height, [rev, BigInt(info.height)]);
    assert.deepEqual(nonMember.height, [rev, BigInt(info.height)]);

    // tampered commitments: the contract refuses each, and so does the C client
    const other = [rev, h2]; // a height both verifiers hold a state for
    await refusedByBoth(t, [
      ['another value', { ...member, value: Buffer.from('x') }, 'LCPClientMembershipVerificationInvalidValue'],
      ['another path', { ...member, path: Buffer.from(info.receipt_path) }, 'LCPClientMembershipVerificationInvalidPath'],
      ['another height', { ...member, height: other }, 'LCPClientMembershipVerificationInvalidHeight'],
      ['another prefix', { ...member, prefix: Buffer.from('ibd') }, 'LCPClientMembershipVerificationInvalidPrefix'],
      ['a value for the absent receipt', { ...nonMember, value: Buffer.from('x') }, 'LCPClientMembershipVerificationInvalidValue'],
      ['absence of the present packet', { ...nonMember, path: Buffer.from(info.packet_path) }, 'LCPClientMembershipVerificationInvalidPath'],
      ['absence at another height', { ...nonMember, height: other }, 'LCPClientMembershipVerificationInvalidHeight'],
      ['membership message byte (state id)', { ...member, proof: F.proofs(flip(vm.message, vm.message.length - 1), [vm.signature]) }, null],
      ['non-membership message byte (state id)', { ...nonMember, proof: F.proofs(flip(vn.message, vn.message.length - 1), [vn.signature]) }, null],
      ['membership signature byte', { ...member, proof: F.proofs(vm.message, [flip(vm.signature, 10)]) }, null],
      ['non-membership signature byte', { ...nonMember, proof: F.proofs(vn.message, [flip(vn.signature, 40)]) }, null],
    ]);
    await updateTampersRefused(t, updates[1]);

    // a Misbehaviour (two headers for one height, other app hashes): the enclave freezes its client and signs; both
    // LCP clients freeze
    await misbehaviourFreezes(t, updates[1]);
    assert.match(t.refusal('update-client', 'update-3.json'), /frozen/);
  } finally {
    t.close();
  }
});
