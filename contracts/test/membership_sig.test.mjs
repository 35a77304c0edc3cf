// The membership check's one-signature path (one assembly block: ecrecover, the key's record, the verdict) against
// the C client: a signature with v 27/28 and with v 0/1 is accepted; the high-s twin of a valid signature, any other
// v, a signature of 64 or 66 bytes, a signature by an unregistered key, and a registered key after its expiry are
// refused; a client with operators takes the general rule (its key named as operator 0). Same verdicts as the C
// client (driver) on each.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ethers } from 'ethers';
import * as F from './fixtures.mjs';
import { Client } from './client.mjs';
import { CDriver } from './cdriver.mjs';
import { H, ctxTrusting, updateState, stateMsg, ownKeyOnBoth } from './ownkey.mjs';

const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

test('membership, one signature: v forms, high s, lengths, unknown and expired keys: the same verdicts as the C client', async () => {
  const c = await Client.deploy({ iasRoot: F.iasRoot('02') });
  const drv = new CDriver();
  try {
    const T = 1_718_500_000n;
    const { ek, sign } = await ownKeyOnBoth(c, drv, T, '79');
    const now = T * 1_000_000_000n;
    const s1 = ethers.id('state-1');
    const up = updateState({ prev: H(0, 0), prevId: ethers.ZeroHash, post: H(1, 10), postId: s1, ts: now,
      ctx: ctxTrusting(now, now - 10n, 3600n * 1_000_000_000n, 5n), emitted: [[H(1, 10), '0x0a']] });
    assert.ok((await c.update(up, [sign(up)])).ok);
    assert.ok((await drv.msg('lcp-0', F.any(F.URL.update, F.updateMsg(up, [sign(up)])), T)).ok);

    const path = Buffer.from('commitments/ports/transfer/channels/channel-0/sequences/1');
    const sm = stateMsg(Buffer.from('ibc'), path, ethers.keccak256(Buffer.from('v')), H(1, 10), s1);
    const base = { height: [1n, 10n], prefix: Buffer.from('ibc'), path, value: Buffer.from('v') };
    const verify = async (sig, now = T) => {
      c.chain.timestamp = now;
      const a = { ...base, proof: F.proofs(sm, [sig]) };
      const e = await c.verify(a);
      const d = await drv.member('lcp-0', a.height, a.prefix, a.path, a.value, a.proof, now);
      return { e, d };
    };
    const good = sign(sm);
    const r = good.subarray(0, 32);
    const s = BigInt('0x' + good.subarray(32, 64).toString('hex'));
    const v = good[64];
    const withV = (x) => Buffer.concat([good.subarray(0, 64), Buffer.from([x])]);
    const highS = Buffer.concat([r, Buffer.from((N - s).toString(16).padStart(64, '0'), 'hex'), Buffer.from([v === 27 ? 28 : 27])]);
    const other = sign(sm, new ethers.Wallet('0x' + '7a'.repeat(32)));
    const cases = [
      ['v 27/28', good, true],
      ['v 0/1', withV(v - 27), true],
      ['high s (the same signer, malleated)', highS, false],
      ['v 2', withV(2), false],
      ['v 29', withV(29), false],
      ['v flipped (another signer or none)', withV(v === 27 ? 28 : 27), false],
      ['64 bytes', good.subarray(0, 64), false],
      ['66 bytes', Buffer.concat([good, Buffer.alloc(1)]), false],
      ['an unregistered key', other, false],
      ['empty', Buffer.alloc(0), false],
    ];
    for (const [what, sig, want] of cases) {
      const { e, d } = await verify(sig);
      assert.equal(e.ok, want, `${what}: contract ${e.error ?? 'ok'}`);
      assert.equal(d.ok, want, `${what}: C ${d.line}`);
    }
    // the key expires at its attestation time + 3600 (simReport's time is T): refused from then on
    for (const [at, want] of [[T + 3599n, true], [T + 3600n, false], [T + 7200n, false]]) {
      const { e, d } = await verify(good, at);
      assert.equal(e.ok, want, `at T+${at - T}: contract ${e.error ?? 'ok'}`);
      assert.equal(d.ok, want, `at T+${at - T}: C ${d.line}`);
    }
  } finally {
    drv.close();
  }
});
