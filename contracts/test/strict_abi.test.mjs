// The contract reads UpdateState and STATE proxy messages and the CommitmentProofs envelope in place from calldata
// under the C client's strict ABI rules (canonical offsets, zero padding, integers that fit, nothing after the end).
// With a key whose secret the test holds, every word of a signed proxy message is changed (its last byte, then its
// first byte) and the message signed again, and every word of the (unsigned) envelope is changed; the contract and
// the C client (driver) must give the same verdict on each, and the unchanged messages must be accepted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ethers } from 'ethers';
import * as F from './fixtures.mjs';
import { Client } from './client.mjs';
import { CDriver } from './cdriver.mjs';
import { H, ctxTrusting, updateState, stateMsg, ownKeyOnBoth } from './ownkey.mjs';

/** Variants of b: each 32-byte word with its last byte and then its first byte changed; b with a zero word and
 *  one zero byte appended; b without its last word. */
function variants(b) {
  const out = [];
  for (let w = 0; w + 32 <= b.length; w += 32) {
    for (const [at, x] of [[w + 31, 0x01], [w, 0x80]]) {
      const v = Buffer.from(b);
      v[at] ^= x;
      out.push({ what: `byte ${at} ^ 0x${x.toString(16)}`, v });
    }
  }
  out.push({ what: 'a zero word appended', v: Buffer.concat([b, Buffer.alloc(32)]) });
  out.push({ what: 'a zero byte appended', v: Buffer.concat([b, Buffer.alloc(1)]) });
  out.push({ what: 'last word cut', v: b.subarray(0, b.length - 32) });
  return out;
}

test('strict ABI: every word of signed UpdateState and STATE messages and of the envelope changed: the same verdicts as the C client', async () => {
  const c = await Client.deploy({ iasRoot: F.iasRoot('02') });
  const drv = new CDriver();
  try {
    const T = 1_718_500_000n;
    const { cs, reg, sign } = await ownKeyOnBoth(c, drv, T, '78');
    const update = async (m, id = 'lcp-0') => {
      const e = await c.update(m, [sign(m)], id);
      const d = await drv.msg(id, F.any(F.URL.update, F.updateMsg(m, [sign(m)])), T);
      return { e, d };
    };
    const now = T * 1_000_000_000n;
    const period = 3600n * 1_000_000_000n;
    const s1 = ethers.id('state-1');
    const first = updateState({ prev: H(0, 0), prevId: ethers.ZeroHash, post: H(1, 10), postId: s1, ts: now,
      ctx: ctxTrusting(now, now - 10n, period, 5n), emitted: [[H(1, 10), '0x0a0b0c'], [H(1, 10), '0x']] });
    let accepted = 0;
    let refused = 0;
    // first updates, each on a client that has none yet (a new one after each accepted variant)
    let fresh = 0;
    const newClient = async () => {
      const id = `f-${fresh++}`;
      assert.ok((await c.init(cs, id)).ok);
      assert.ok((await drv.create(id, cs)).ok);
      assert.ok((await c.register(reg, id)).ok);
      assert.ok((await drv.msg(id, F.any(F.URL.register, reg), T)).ok);
      return id;
    };
    let id = await newClient();
    for (const { what, v } of variants(first)) {
      const { e, d } = await update(v, id);
      assert.equal(e.ok, d.ok, `first UpdateState ${what}: contract ${e.error ?? 'ok'} / C ${d.line}`);
      if (e.ok) {
        accepted++;
        id = await newClient();
      } else refused++;
    }
    const r1 = await update(first);
    assert.ok(r1.e.ok && r1.d.ok, `first update: ${r1.e.error} / ${r1.d.line}`);
    // a non-first update (previous state checked) and its variants
    const s2 = ethers.id('state-2');
    const second = updateState({ prev: H(1, 10), prevId: s1, post: H(1, 20), postId: s2, ts: now, ctx: ctxTrusting(now, now - 10n, period, 5n), emitted: [] });
    const r2 = await update(second);
    assert.ok(r2.e.ok && r2.d.ok, `second update: ${r2.e.error} / ${r2.d.line}`);
    for (const { what, v } of variants(second)) {
      const { e, d } = await update(v);
      assert.equal(e.ok, d.ok, `second UpdateState ${what}: contract ${e.error ?? 'ok'} / C ${d.line}`);
      e.ok ? accepted++ : refused++;
    }
    // STATE messages (re-signed) and the envelope (not signed)
    const sm = stateMsg(Buffer.from('ibc'), Buffer.from('commitments/ports/transfer/channels/channel-0/sequences/1'),
      ethers.keccak256(Buffer.from('v')), H(1, 20), s2);
    const base = { height: [1n, 20n], prefix: Buffer.from('ibc'), path: Buffer.from('commitments/ports/transfer/channels/channel-0/sequences/1'),
      value: Buffer.from('v') };
    const verify = async (a) => {
      const e = await c.verify(a);
      const d = await drv.member('lcp-0', a.height, a.prefix, a.path, a.value, a.proof, T);
      return { e, d };
    };
    const ok = await verify({ ...base, proof: F.proofs(sm, [sign(sm)]) });
    assert.ok(ok.e.ok && ok.d.ok, `membership: ${ok.e.error} / ${ok.d.line}`);
    for (const { what, v } of variants(sm)) {
      const { e, d } = await verify({ ...base, proof: F.proofs(v, [sign(v)]) });
      assert.equal(e.ok, d.ok, `STATE ${what}: contract ${e.error ?? 'ok'} / C ${d.line}`);
      e.ok ? accepted++ : refused++;
    }
    const env = Buffer.from(F.proofs(sm, [sign(sm)]).slice(2), 'hex');
    for (const { what, v } of variants(env)) {
      const { e, d } = await verify({ ...base, proof: v });
      assert.equal(e.ok, d.ok, `envelope ${what}: contract ${e.error ?? 'ok'} / C ${d.line}`);
      e.ok ? accepted++ : refused++;
    }
    // both kinds of verdict occurred (a change of a free field, e.g. a state id or a timestamp, can be valid)
    assert.ok(refused > 50 && accepted > 3, `accepted ${accepted}, refused ${refused}`);
  } finally {
    drv.close();
  }
});
