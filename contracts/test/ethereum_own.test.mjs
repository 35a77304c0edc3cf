// lcp-c's own Ethereum light-client commitments (ibc.lightclients.ethereum.v1, issue 12 item 4) on the contract and
// the C client: a generated chain (build/rel/bin/lcp-eth-chain, the tests' ethchain generator: minimal preset, keys
// from a public seed) is fed to the enclave through the `lcp` CLI on a simulated platform (sim); its key is
// attested with a simulated IAS report (sim: test PKI) and registered; create → updates within a period and across
// two period boundaries → membership of a packet commitment and non-membership of a receipt, every commitment
// accepted by both verifiers; tampered headers and proofs refused by the enclave, tampered commitments by the
// contract; a FinalizedHeaderMisbehaviour freezes both.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as F from './fixtures.mjs';
import { ownChain, acceptUpdates, acceptMembership, refusedByBoth, updateTampersRefused, misbehaviourFreezes, flip }
  from './ownchain.mjs';

test('lcp-c enclave: own Ethereum (sync committee) commitments across two period boundaries accepted on-chain and by the C client; misbehaviour freezes', async () => {
  const t = await ownChain('lcp-eth-chain');
  try {
    const { info } = t;
    assert.equal(t.elc('create-client', 'create.json').client_id, info.client_id);

    // updates: within period 10, into period 11, into period 12; each stores the post height on both verifiers
    const updates = await acceptUpdates(t, [['update-1.json', [0n, 110n]], ['update-2.json', [0n, 120n]],
      ['update-3.json', [0n, 130n]]]);

    // tampered headers (aggregate signature, participation bits, the IBC contract's account proof): the enclave refuses
    for (const f of ['update-3-bad-sig.json', 'update-3-bad-bits.json', 'update-3-bad-account.json']) t.refusal('update-client', f);
    t.refusal('verify-membership', 'membership-bad-proof.json');

    // membership of the packet commitment and non-membership of the receipt at block 130
    const { member, nonMember, vm } = await acceptMembership(t);
    assert.deepEqual(member.height, [0n, 130n]);

    // tampered commitments: the contract refuses each, and so does the C client
    await refusedByBoth(t, [
      ['another value', { ...member, value: Buffer.from('x') }, 'LCPClientMembershipVerificationInvalidValue'],
      ['another path', { ...member, path: Buffer.from(info.receipt_path) }, 'LCPClientMembershipVerificationInvalidPath'],
      ['another height', { ...member, height: [0n, 120n] }, 'LCPClientMembershipVerificationInvalidHeight'],
      ['a value for the absent receipt', { ...nonMember, value: Buffer.from('x') }, 'LCPClientMembershipVerificationInvalidValue'],
      ['message byte (state id)', { ...member, proof: F.proofs(flip(vm.message, vm.message.length - 1), [vm.signature]) }, null],
      ['signature byte', { ...member, proof: F.proofs(vm.message, [flip(vm.signature, 10)]) }, null],
    ]);
    await updateTampersRefused(t, updates[2]);

    // a FinalizedHeaderMisbehaviour: the enclave freezes its client and signs; both LCP clients freeze
    await misbehaviourFreezes(t, updates[2]);
    t.refusal('update-client', 'update-4.json');
  } finally {
    t.close();
  }
});
