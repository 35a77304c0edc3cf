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
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import * as F from './fixtures.mjs';
import { registeredOnBoth, stateHeight } from './client.mjs';
import { CDriver, BIN } from './cdriver.mjs';
import { simIasKey } from './sim.mjs';

test('lcp-c enclave: own 07-tendermint membership and non-membership commitments accepted on-chain and by the C client; tampering refused; misbehaviour freezes', async () => {
  const { dir, L, key, avr, mrenclave, cleanup } = simIasKey();
  const drv = new CDriver();
  try {
    const now = BigInt(Math.floor(Date.now() / 1000));
    const chainDir = path.join(dir, 'chain');
    fs.mkdirSync(chainDir);
    const info = JSON.parse(execFileSync(BIN('lcp-tm-chain'), ['--out', chainDir, '--now', String(now)], { encoding: 'utf8' }));
    const inp = (f) => path.join(chainDir, f);
    const rev = BigInt(info.revision_number);
    assert.equal(rev, 1n);

    const c = await registeredOnBoth(drv, { mrenclave, avr, now });

    const created = JSON.parse(L('elc', 'create-client', '--input', inp('create.json'), '--signer', key));
    assert.equal(created.client_id, info.client_id);
    const signed = (o) => ({ message: Buffer.from(o.message, 'base64'), signature: Buffer.from(o.signature, 'base64') });
    const both = async (what, { message, signature }) => {
      const e = await c.update(message, [signature]);
      const d = await drv.msg('lcp-0', F.any(F.URL.update, F.updateMsg(message, [signature])), now);
      return { e, d, what };
    };

    // updates: to the proven height (skipping, with the client state), then across the validator-set change
    const updates = [];
    for (const [f, height] of [['update-1.json', BigInt(info.update_heights[0])], ['update-2.json', BigInt(info.update_heights[1])]]) {
      const u = signed(JSON.parse(L('elc', 'update-client', '--input', inp(f), '--signer', key)));
      updates.push(u);
      const { e, d } = await both(f, u);
      assert.ok(e.ok, `${f}: ${e.error}`);
      assert.ok(d.ok, `${f}: C ${d.line}`);
      const heights = c.lc.iface.decodeFunctionResult('updateClient', e.ret)[0];
      assert.equal(heights.length, 1, f);
      assert.deepEqual([heights[0][0], heights[0][1]], [rev, height], f);
    }
    const latest = (await c.lc.call('getLatestHeight', ['lcp-0'])).result[0];
    assert.deepEqual([latest[0], latest[1]], [rev, BigInt(info.update_heights[1])]);

    // a header with a byte of a commit signature changed, (non-)membership proofs with a byte of the "ibc" store's
    // proof changed: the enclave refuses each for the signature / the recomputed root, not for the input's form
    const refusal = (verb, f) => {
      try {
        L('elc', verb, '--input', inp(f), '--signer', key);
      } catch (e) {
        return String(e.stderr);
      }
      assert.fail(`${f}: the enclave signed it`);
    };
    assert.match(refusal('update-client', 'update-2-bad-sig.json'), /invalid signature/);
    assert.match(refusal('verify-membership', 'membership-bad-proof.json'), /doesn't match/);
    assert.match(refusal('verify-non-membership', 'non-membership-bad-proof.json'), /doesn't match/);

    // membership of the packet commitment and non-membership of the receipt at the proven height
    const vm = signed(JSON.parse(L('elc', 'verify-membership', '--input', inp('membership.json'), '--signer', key)));
    const vn = signed(JSON.parse(L('elc', 'verify-non-membership', '--input', inp('non-membership.json'), '--signer', key)));
    const prefix = Buffer.from(info.prefix);
    const member = { height: stateHeight(vm.message), prefix, path: Buffer.from(info.packet_path), value: Buffer.from(info.packet_value),
      proof: F.proofs(vm.message, [vm.signature]) };
    const nonMember = { height: stateHeight(vn.message), prefix, path: Buffer.from(info.receipt_path), value: null,
      proof: F.proofs(vn.message, [vn.signature]) };
    assert.deepEqual(member.height, [rev, BigInt(info.height)]);
    assert.deepEqual(nonMember.height, [rev, BigInt(info.height)]);
    for (const a of [member, nonMember]) {
      const e = await c.verify(a);
      assert.ok(e.ok, `${a.value ? 'membership' : 'non-membership'}: ${e.error}`);
      const d = await drv.member('lcp-0', a.height, a.prefix, a.path, a.value, a.proof, now);
      assert.ok(d.ok, `${a.value ? 'membership' : 'non-membership'}: C ${d.line}`);
    }

    // tampered commitments: the contract refuses each, and so does the C client
    const flip = (b, i) => {
      const x = Buffer.from(b);
      x[i] ^= 0x01;
      return x;
    };
    const other = [rev, BigInt(info.update_heights[1])]; // a height both verifiers hold a state for
    const refused = [
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
    ];
    for (const [what, a, err] of refused) {
      const e = await c.verify(a);
      assert.ok(!e.ok, `${what}: accepted`);
      if (err) assert.equal(e.error, err, what);
      assert.ok(!(await drv.member('lcp-0', a.height, a.prefix, a.path, a.value, a.proof, now)).ok, `${what}: C accepted`);
    }
    for (const [what, u] of [['update message byte', { ...updates[1], message: flip(updates[1].message, 200) }],
      ['update signature byte', { ...updates[1], signature: flip(updates[1].signature, 5) }]]) {
      const { e, d } = await both(what, u);
      assert.ok(!e.ok && !d.ok, `${what}: contract ${e.error ?? 'ok'} / C ${d.line}`);
    }

    // a Misbehaviour (two headers for one height, other app hashes): the enclave freezes its client and signs; both
    // LCP clients freeze
    const mb = signed(JSON.parse(L('elc', 'update-client', '--input', inp('misbehaviour.json'), '--signer', key)));
    const m = await both('misbehaviour', mb);
    assert.ok(m.e.ok, `misbehaviour: ${m.e.error}`);
    assert.ok(m.d.ok, `misbehaviour: C ${m.d.line}`);
    assert.equal((await c.lc.call('getStatus', ['lcp-0'])).result[0], 2n); // Frozen
    assert.match(refusal('update-client', 'update-3.json'), /frozen/);
    const again = await both('update after misbehaviour', updates[1]);
    assert.equal(again.e.error, 'LCPClientClientStateFrozen');
    assert.ok(!again.d.ok);
  } finally {
    drv.close();
    cleanup();
  }
});
