// A key whose secret the test holds, registered with a simulated IAS report (signed with lcp's test signing key,
// which lcp-solidity's simulation root certifies), so that the test can write any commitment: misbehaviour
// freezes the client, the validation context's bounds, consensus-state conflicts, and the C client (driver) gives
// the same verdict on each.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ethers } from 'ethers';
import * as F from './fixtures.mjs';
import { Client } from './client.mjs';
import { CDriver } from './cdriver.mjs';
import { H, ctxTrusting, updateState, misbehaviour, stateMsg, MRENCLAVE, simReport } from './ownkey.mjs';

test('own key: misbehaviour freezes the client; context bounds and state conflicts; same verdicts as the C client', async () => {
  const c = await Client.deploy({ iasRoot: F.iasRoot('02') });
  const drv = new CDriver();
  try {
    const T = 1_718_500_000n; // within the simulation signing certificate's validity
    c.chain.timestamp = T;
    assert.ok((await drv.config({ development: true, iasRoot: F.iasRoot('02'), contract: c.lc.address })).ok);
    const cs = F.clientState({ mrenclave: MRENCLAVE, keyExpiration: 3600 });
    assert.ok((await c.init(cs)).ok);
    assert.ok((await drv.create('lcp-0', cs)).ok);
    const ek = new ethers.Wallet('0x' + '77'.repeat(32));
    const step = async (what, url, value, want) => {
      const e = await c.route(url, value);
      const d = await drv.msg('lcp-0', F.any(url, value), c.chain.timestamp);
      assert.equal(e.ok, d.ok, `${what}: contract ${e.error ?? 'ok'} / C ${d.line}`);
      if (want) assert.equal(e.error ?? 'ok', want, what);
      return e;
    };
    await step('register', F.URL.register, F.registerMsg(simReport(ek.address, T)), 'ok');
    const sign = (m) => F.sign(ek, ethers.keccak256(m));
    const upd = (m) => F.updateMsg(m, [sign(m)]);
    const now = T * 1_000_000_000n;
    const s1 = ethers.id('state-1');
    const s2 = ethers.id('state-2');
    await step('first update without emitted states', F.URL.update, upd(updateState({ post: H(1, 10), postId: s1, ts: now })), 'LCPClientUpdateStateEmittedStatesMustNotEmpty');
    await step('first update', F.URL.update, upd(updateState({ post: H(1, 10), postId: s1, ts: now, emitted: [[H(1, 10), '0x0a00']] })), 'ok');
    await step('the first update again (no previous state)', F.URL.update, upd(updateState({ post: H(1, 10), postId: s1, ts: now, emitted: [[H(1, 10), '0x0a00']] })), 'LCPClientUpdateStatePrevStateIdMustNotEmpty');
    await step('a held state again: nothing changes', F.URL.update, upd(updateState({ prev: H(1, 10), prevId: s1, post: H(1, 10), postId: s1, ts: now })), 'ok');
    await step('another state at a held height', F.URL.update, upd(updateState({ prev: H(1, 10), prevId: s1, post: H(1, 10), postId: s2, ts: now })), 'LCPClientUpdateStateInconsistentConsensusState');
    await step('unknown previous state', F.URL.update, upd(updateState({ prev: H(1, 9), prevId: s1, post: H(1, 11), postId: s2, ts: now })), 'LCPClientUpdateStateUnexpectedPrevStateId');
    // trusting period: trusted + period must lie after now, now + drift after the header's time
    const period = 3600n * 1_000_000_000n;
    await step('trusted state expired', F.URL.update, upd(updateState({ prev: H(1, 10), prevId: s1, post: H(1, 11), postId: s2, ts: now,
      ctx: ctxTrusting(now, now - period, period, 0n) })), 'LCPClientValidationContextExpired');
    await step('header from the future', F.URL.update, upd(updateState({ prev: H(1, 10), prevId: s1, post: H(1, 11), postId: s2, ts: now,
      ctx: ctxTrusting(now + 5n, now, period, 5n) })), 'LCPClientValidationContextExpired');
    await step('update within the trusting period', F.URL.update, upd(updateState({ prev: H(1, 10), prevId: s1, post: H(1, 11), postId: s2, ts: now,
      ctx: ctxTrusting(now + 4n, now - period + 1n, period, 5n) })), 'ok');
    // a membership commitment of the held state, then of another state
    const sm = stateMsg(Buffer.from('ibc'), Buffer.from('a/b'), ethers.keccak256(Buffer.from('v')), H(1, 11), s2);
    const args = { height: [1n, 11n], prefix: Buffer.from('ibc'), path: Buffer.from('a/b'), value: Buffer.from('v'), proof: F.proofs(sm, [sign(sm)]) };
    assert.ok((await c.verify(args)).ok);
    assert.ok((await drv.member('lcp-0', args.height, args.prefix, args.path, args.value, args.proof, T)).ok);
    const bad = stateMsg(Buffer.from('ibc'), Buffer.from('a/b'), ethers.keccak256(Buffer.from('v')), H(1, 11), s1);
    const badArgs = { ...args, proof: F.proofs(bad, [sign(bad)]) };
    assert.equal((await c.verify(badArgs)).error, 'LCPClientMembershipVerificationInvalidStateId');
    assert.equal((await drv.member('lcp-0', args.height, args.prefix, args.path, args.value, badArgs.proof, T)).ok, false);
    // misbehaviour: previous states must be held ones; then the client is frozen
    await step('misbehaviour naming no state', F.URL.update, upd(misbehaviour([])), 'LCPClientMisbehaviourPrevStatesMustNotEmpty');
    await step('misbehaviour naming an unknown state', F.URL.update, upd(misbehaviour([[H(1, 10), s2]])), 'LCPClientUpdateStateUnexpectedPrevStateId');
    await step('misbehaviour', F.URL.update, upd(misbehaviour([[H(1, 10), s1], [H(1, 11), s2]])), 'ok');
    assert.equal((await c.lc.call('getStatus', ['lcp-0'])).result[0], 2n);
    await step('update of a frozen client', F.URL.update, upd(updateState({ prev: H(1, 11), prevId: s2, post: H(1, 12), postId: s1, ts: now })), 'LCPClientClientStateFrozen');
    const [csBytes] = (await c.lc.call('getClientState', ['lcp-0'])).result;
    assert.ok(Buffer.from(csBytes.slice(2), 'hex').includes(Buffer.from([0x18, 0x01])), 'frozen = true in the marshalled state');
    // after the key expires (attestation time + key_expiration) its commitments are refused
    c.chain.timestamp = T + 3600n;
    const c2 = await Client.deploy({ chain: c.chain, iasRoot: F.iasRoot('02') });
    assert.ok((await c2.init(cs)).ok);
    assert.equal((await c2.register(F.registerMsg(simReport(ek.address, T)))).error, 'LCPClientAVRAlreadyExpired');
  } finally {
    drv.close();
  }
});
