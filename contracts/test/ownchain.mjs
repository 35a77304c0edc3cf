// A generated chain's `lcp elc` inputs (written by a chain test tool: lcp-eth-chain, lcp-tm-chain) run through
// lcp-c's release enclave with the `lcp` CLI on a simulated platform (sim), and its commitments given to both LCP
// clients: the contract and the C client (lcp-lc-driver). Shared by ethereum_own.test.mjs and
// tendermint_membership.test.mjs; each test keeps its own chain's steps and expectations.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import * as F from './fixtures.mjs';
import { registeredOnBoth, stateHeight } from './client.mjs';
import { CDriver, BIN } from './cdriver.mjs';
import { simIasKey } from './sim.mjs';

/** b with byte i flipped (a copy). */
export const flip = (b, i) => {
  const x = Buffer.from(b);
  x[i] ^= 0x01;
  return x;
};

/** The chain tool's files in a fresh sim home with a key registered on both clients ('lcp-0'); close() when done. */
export async function ownChain(tool) {
  const { dir, L, key, avr, mrenclave, cleanup } = simIasKey();
  const drv = new CDriver();
  const now = BigInt(Math.floor(Date.now() / 1000));
  const chainDir = path.join(dir, 'chain');
  fs.mkdirSync(chainDir);
  const info = JSON.parse(execFileSync(BIN(tool), ['--out', chainDir, '--now', String(now)], { encoding: 'utf8' }));
  const inp = (f) => path.join(chainDir, f);
  const c = await registeredOnBoth(drv, { mrenclave, avr, now });
  const t = {
    info, c, drv, now,
    /** the enclave's answer to verb on file (parsed JSON) */
    elc: (verb, f) => JSON.parse(L('elc', verb, '--input', inp(f), '--signer', key)),
    /** the signed commitment of verb on file */
    signed: (verb, f) => {
      const o = t.elc(verb, f);
      return { message: Buffer.from(o.message, 'base64'), signature: Buffer.from(o.signature, 'base64') };
    },
    /** the enclave's refusal of verb on file (its stderr); fails the test if it signed */
    refusal: (verb, f) => {
      try {
        L('elc', verb, '--input', inp(f), '--signer', key);
      } catch (e) {
        return String(e.stderr);
      }
      return assert.fail(`${f}: the enclave signed it`);
    },
    /** an UpdateClient commitment given to both clients: {e (contract), d (C)} */
    both: async ({ message, signature }) => ({
      e: await c.update(message, [signature]),
      d: await drv.msg('lcp-0', F.any(F.URL.update, F.updateMsg(message, [signature])), now),
    }),
    close: () => {
      drv.close();
      cleanup();
    },
  };
  return t;
}

/** Each update file accepted by both clients at its height [revision, height]; returns the commitments. */
export async function acceptUpdates(t, steps) {
  const out = [];
  for (const [f, height] of steps) {
    const u = t.signed('update-client', f);
    out.push(u);
    const { e, d } = await t.both(u);
    assert.ok(e.ok, `${f}: ${e.error}`);
    assert.ok(d.ok, `${f}: C ${d.line}`);
    const heights = t.c.lc.iface.decodeFunctionResult('updateClient', e.ret)[0];
    assert.equal(heights.length, 1, f);
    assert.deepEqual([heights[0][0], heights[0][1]], height, f);
  }
  const latest = (await t.c.lc.call('getLatestHeight', ['lcp-0'])).result[0];
  assert.deepEqual([latest[0], latest[1]], steps[steps.length - 1][1]);
  return out;
}

/** The membership of the packet commitment and the non-membership of the receipt (membership.json,
 *  non-membership.json) accepted by both clients; returns their verify arguments {member, nonMember, vm, vn}. */
export async function acceptMembership(t) {
  const vm = t.signed('verify-membership', 'membership.json');
  const vn = t.signed('verify-non-membership', 'non-membership.json');
  const prefix = Buffer.from(t.info.prefix);
  const member = { height: stateHeight(vm.message), prefix, path: Buffer.from(t.info.packet_path),
    value: Buffer.from(t.info.packet_value), proof: F.proofs(vm.message, [vm.signature]) };
  const nonMember = { height: stateHeight(vn.message), prefix, path: Buffer.from(t.info.receipt_path), value: null,
    proof: F.proofs(vn.message, [vn.signature]) };
  for (const a of [member, nonMember]) {
    const what = a.value ? 'membership' : 'non-membership';
    const e = await t.c.verify(a);
    assert.ok(e.ok, `${what}: ${e.error}`);
    const d = await t.drv.member('lcp-0', a.height, a.prefix, a.path, a.value, a.proof, t.now);
    assert.ok(d.ok, `${what}: C ${d.line}`);
  }
  return { member, nonMember, vm, vn };
}

/** Every [what, verify arguments, the contract's error or null] refused by both clients. */
export async function refusedByBoth(t, refused) {
  for (const [what, a, err] of refused) {
    const e = await t.c.verify(a);
    assert.ok(!e.ok, `${what}: accepted`);
    if (err) assert.equal(e.error, err, what);
    assert.ok(!(await t.drv.member('lcp-0', a.height, a.prefix, a.path, a.value, a.proof, t.now)).ok, `${what}: C accepted`);
  }
}

/** An update commitment u with a message byte or a signature byte changed: refused by both clients. */
export async function updateTampersRefused(t, u) {
  for (const [what, x] of [['update message byte', { ...u, message: flip(u.message, 200) }],
    ['update signature byte', { ...u, signature: flip(u.signature, 5) }]]) {
    const { e, d } = await t.both(x);
    assert.ok(!e.ok && !d.ok, `${what}: contract ${e.error ?? 'ok'} / C ${d.line}`);
  }
}

/** misbehaviour.json signed by the enclave freezes both clients: after it, the earlier update u is refused by both
 *  (the contract with LCPClientClientStateFrozen). */
export async function misbehaviourFreezes(t, u) {
  const m = await t.both(t.signed('update-client', 'misbehaviour.json'));
  assert.ok(m.e.ok, `misbehaviour: ${m.e.error}`);
  assert.ok(m.d.ok, `misbehaviour: C ${m.d.line}`);
  assert.equal((await t.c.lc.call('getStatus', ['lcp-0'])).result[0], 2n); // Frozen
  const again = await t.both(u);
  assert.equal(again.e.error, 'LCPClientClientStateFrozen');
  assert.ok(!again.d.ok);
}
