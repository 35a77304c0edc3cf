// lcp-c's own Ethereum light-client commitments (ibc.lightclients.ethereum.v1, issue 12 item 4) on the contract and
// the C client: a generated chain (build/rel/bin/lcp-eth-chain, the tests' ethchain generator: minimal preset, keys
// from a public seed) is fed to the enclave through the `lcp` CLI on a simulated platform (sim); its key is
// attested with a simulated IAS report (sim: test PKI) and registered; create → updates within a period and across
// two period boundaries → membership of a packet commitment and non-membership of a receipt, every commitment
// accepted by both verifiers; tampered headers and proofs refused by the enclave, tampered commitments by the
// contract; a FinalizedHeaderMisbehaviour freezes both.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import * as F from './fixtures.mjs';
import { registeredOnBoth, stateHeight } from './client.mjs';
import { CDriver, BIN } from './cdriver.mjs';
import { simIasKey } from './sim.mjs';

test('lcp-c enclave: own Ethereum (sync committee) commitments across two period boundaries accepted on-chain and by the C client; misbehaviour freezes', async () => {
  const { dir, L, key, avr, mrenclave, cleanup } = simIasKey();
  const drv = new CDriver();
  try {
    const now = BigInt(Math.floor(Date.now() / 1000));
    const chainDir = path.join(dir, 'chain');
    fs.mkdirSync(chainDir);
    const info = JSON.parse(execFileSync(BIN('lcp-eth-chain'), ['--out', chainDir, '--now', String(now)], { encoding: 'utf8' }));
    const inp = (f) => path.join(chainDir, f);

    const c = await registeredOnBoth(drv, { mrenclave, avr, now });

    const created = JSON.parse(L('elc', 'create-client', '--input', inp('create.json'), '--signer', key));
    assert.equal(created.client_id, info.client_id);
    const signed = (o) => ({ message: Buffer.from(o.message, 'base64'), signature: Buffer.from(o.signature, 'base64') });
    const both = async (what, { message, signature }) => {
      const e = await c.update(message, [signature]);
      const d = await drv.msg('lcp-0', F.any(F.URL.update, F.updateMsg(message, [signature])), now);
      return { e, d, what };
    };

    // updates: within period 10, into period 11, into period 12; each stores the post height on both verifiers
    const updates = [];
    for (const [f, height] of [['update-1.json', 110n], ['update-2.json', 120n], ['update-3.json', 130n]]) {
      const u = signed(JSON.parse(L('elc', 'update-client', '--input', inp(f), '--signer', key)));
      updates.push(u);
      const { e, d } = await both(f, u);
      assert.ok(e.ok, `${f}: ${e.error}`);
      assert.ok(d.ok, `${f}: C ${d.line}`);
      const heights = c.lc.iface.decodeFunctionResult('updateClient', e.ret)[0];
      assert.equal(heights.length, 1, f);
      assert.equal(heights[0][1], height, f);
    }
    const latest = (await c.lc.call('getLatestHeight', ['lcp-0'])).result[0];
    assert.deepEqual([latest[0], latest[1]], [0n, 130n]);

    // tampered headers (aggregate signature, participation bits, the IBC contract's account proof): the enclave refuses
    for (const f of ['update-3-bad-sig.json', 'update-3-bad-bits.json', 'update-3-bad-account.json']) {
      assert.throws(() => L('elc', 'update-client', '--input', inp(f), '--signer', key), undefined, f);
    }
    assert.throws(() => L('elc', 'verify-membership', '--input', inp('membership-bad-proof.json'), '--signer', key));

    // membership of the packet commitment and non-membership of the receipt at block 130
    const vm = signed(JSON.parse(L('elc', 'verify-membership', '--input', inp('membership.json'), '--signer', key)));
    const vn = signed(JSON.parse(L('elc', 'verify-non-membership', '--input', inp('non-membership.json'), '--signer', key)));
    const prefix = Buffer.from(info.prefix);
    const member = { height: stateHeight(vm.message), prefix, path: Buffer.from(info.packet_path), value: Buffer.from(info.packet_value),
      proof: F.proofs(vm.message, [vm.signature]) };
    const nonMember = { height: stateHeight(vn.message), prefix, path: Buffer.from(info.receipt_path), value: null,
      proof: F.proofs(vn.message, [vn.signature]) };
    assert.deepEqual(member.height, [0n, 130n]);
    for (const a of [member, nonMember]) {
      const e = await c.verify(a);
      assert.ok(e.ok, `${a.value ? 'membership' : 'non-membership'}: ${e.error}`);
      assert.ok((await drv.member('lcp-0', a.height, a.prefix, a.path, a.value, a.proof, now)).ok);
    }

    // tampered commitments: the contract refuses each, and so does the C client
    const flip = (b, i) => {
      const x = Buffer.from(b);
      x[i] ^= 0x01;
      return x;
    };
    const refused = [
      ['another value', { ...member, value: Buffer.from('x') }, 'LCPClientMembershipVerificationInvalidValue'],
      ['another path', { ...member, path: Buffer.from(info.receipt_path) }, 'LCPClientMembershipVerificationInvalidPath'],
      ['another height', { ...member, height: [0n, 120n] }, 'LCPClientMembershipVerificationInvalidHeight'],
      ['a value for the absent receipt', { ...nonMember, value: Buffer.from('x') }, 'LCPClientMembershipVerificationInvalidValue'],
      ['message byte (state id)', { ...member, proof: F.proofs(flip(vm.message, vm.message.length - 1), [vm.signature]) }, null],
      ['signature byte', { ...member, proof: F.proofs(vm.message, [flip(vm.signature, 10)]) }, null],
    ];
    for (const [what, a, err] of refused) {
      const e = await c.verify(a);
      assert.ok(!e.ok, `${what}: accepted`);
      if (err) assert.equal(e.error, err, what);
      assert.ok(!(await drv.member('lcp-0', a.height, a.prefix, a.path, a.value, a.proof, now)).ok, `${what}: C accepted`);
    }
    for (const [what, u] of [['update message byte', { ...updates[2], message: flip(updates[2].message, 200) }],
      ['update signature byte', { ...updates[2], signature: flip(updates[2].signature, 5) }]]) {
      const { e, d } = await both(what, u);
      assert.ok(!e.ok && !d.ok, `${what}: contract ${e.error ?? 'ok'} / C ${d.line}`);
    }

    // a FinalizedHeaderMisbehaviour: the enclave freezes its client and signs; both LCP clients freeze
    const mb = signed(JSON.parse(L('elc', 'update-client', '--input', inp('misbehaviour.json'), '--signer', key)));
    const m = await both('misbehaviour', mb);
    assert.ok(m.e.ok, `misbehaviour: ${m.e.error}`);
    assert.ok(m.d.ok, `misbehaviour: C ${m.d.line}`);
    assert.equal((await c.lc.call('getStatus', ['lcp-0'])).result[0], 2n); // Frozen
    assert.throws(() => L('elc', 'update-client', '--input', inp('update-4.json'), '--signer', key));
    const again = await both('update after misbehaviour', updates[2]);
    assert.equal(again.e.error, 'LCPClientClientStateFrozen');
    assert.ok(!again.d.ok);
  } finally {
    drv.close();
    cleanup();
  }
});
