// The lcp-solidity fixture runs client/01-03 (IAS registration, updates, (non-)membership, four-key multisig) on
// the contract, with the verdicts the C client gives (tests/lcpclient/test_replay.c): every step accepted except
// the repeats 03/007-009 of the first update, refused for their unknown previous state.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ethers } from 'ethers';
import * as F from './fixtures.mjs';
import { Client, membershipArgs } from './client.mjs';

const firstRepeat = (dir, step) => dir === '03' && /^00[789]/.test(step);

async function open(dir, cs = {}) {
  const c = await Client.deploy({ iasRoot: F.iasRoot(dir) });
  c.chain.timestamp = F.nowOf(dir, F.RUNS[dir].steps[0]);
  const r = await c.init(F.clientState({ mrenclave: F.mrenclaveOf(dir), statuses: F.STATUSES, advisories: F.ADVISORIES, ...cs }));
  assert.ok(r.ok, r.error);
  return c;
}

async function step(c, dir, s) {
  c.chain.timestamp = F.nowOf(dir, s, c.chain.timestamp);
  const { message, signature } = F.resultOf(dir, s);
  if (s.includes('update')) return c.update(message, [signature]);
  return c.verify(membershipArgs(dir, s, [signature]));
}

for (const dir of Object.keys(F.RUNS)) {
  test(`client/${dir}: register, update, verify as the C client`, async () => {
    const c = await open(dir);
    for (let k = 1; k <= F.RUNS[dir].keys; k++) {
      const avr = F.avrOf(dir, k);
      const r = await c.register(F.registerMsg(avr));
      assert.ok(r.ok, `register ${k}: ${r.error}`);
      const ev = r.events.find((e) => e.name === 'RegisteredEnclaveKey');
      assert.equal(ev.args.enclaveKey.toLowerCase(), F.hex(F.b64(avr.enclave_key)));
      const info = await c.lc.call('getEKInfo', ['lcp-0', ev.args.enclaveKey]);
      assert.ok(info.result[0] > c.chain.timestamp);
      // the same report again: accepted, no event, nothing changes
      const again = await c.register(F.registerMsg(avr));
      assert.ok(again.ok, again.error);
      assert.equal(again.events.length, 0);
    }
    for (const s of F.RUNS[dir].steps) {
      const r = await step(c, dir, s);
      if (firstRepeat(dir, s)) assert.equal(r.error, 'LCPClientUpdateStateUnexpectedPrevStateId', s);
      else assert.ok(r.ok, `${s}: ${r.error}`);
    }
    const st = await c.lc.call('getLatestInfo', ['lcp-0']);
    assert.ok(st.result[0][1] > 0n);
    assert.equal(st.result[2], 0n);
    const [csBytes, found] = (await c.lc.call('getClientState', ['lcp-0'])).result;
    assert.ok(found);
    assert.ok(csBytes.length > 80);
  });
}

test('client/01: tampered reports, wrong root, wrong mode and expired keys are refused', async () => {
  const dir = '01';
  const avr = F.avrOf(dir, 1);
  // every byte of the signature, a byte of the report, a byte of the certificate
  const c = await open(dir);
  const sig = F.b64(avr.signature);
  for (const i of [0, 1, 100, sig.length - 1]) {
    const bad = Buffer.from(sig);
    bad[i] ^= 1;
    const r = await c.register(Buffer.concat([F.pbBytes(1, Buffer.from(avr.avr)), F.pbBytes(2, bad), F.pbBytes(3, F.b64(avr.signing_cert))]));
    assert.equal(r.ok, false, `signature byte ${i}`);
  }
  const rep = Buffer.from(avr.avr);
  rep[rep.indexOf('GROUP_OUT_OF_DATE')] ^= 0x20;
  let r = await c.register(Buffer.concat([F.pbBytes(1, rep), F.pbBytes(2, sig), F.pbBytes(3, F.b64(avr.signing_cert))]));
  assert.equal(r.error, 'LCPClientAVRInvalidSignature');
  const cert = F.b64(avr.signing_cert);
  cert[cert.length - 10] ^= 1;
  r = await c.register(Buffer.concat([F.pbBytes(1, Buffer.from(avr.avr)), F.pbBytes(2, sig), F.pbBytes(3, cert)]));
  assert.equal(r.error, 'LCPClientAVRInvalidSignature');
  // production deployment refuses the debug enclave
  const prod = await Client.deploy({ iasRoot: F.iasRoot(dir), development: false });
  prod.chain.timestamp = c.chain.timestamp;
  assert.ok((await prod.init(F.clientState({ mrenclave: F.mrenclaveOf(dir), statuses: F.STATUSES, advisories: F.ADVISORIES }))).ok);
  assert.equal((await prod.register(F.registerMsg(avr))).error, 'LCPClientAVRUnexpectedDebugMode');
  // the simulation root does not accept Intel's report
  const sim = await Client.deploy({ iasRoot: F.iasRoot('02') });
  sim.chain.timestamp = c.chain.timestamp;
  assert.ok((await sim.init(F.clientState({ mrenclave: F.mrenclaveOf(dir), statuses: F.STATUSES, advisories: F.ADVISORIES }))).ok);
  assert.equal((await sim.register(F.registerMsg(avr))).error, 'LCPClientAVRInvalidSignature');
  // status not allowed, an advisory not allowed
  const c2 = await open(dir, { statuses: [] });
  assert.equal((await c2.register(F.registerMsg(avr))).error, 'LCPClientAVRDisallowedQuoteStatus');
  const c3 = await open(dir, { advisories: F.ADVISORIES.slice(1) });
  assert.equal((await c3.register(F.registerMsg(avr))).error, 'LCPClientAVRDisallowedAdvisoryID');
  // other MRENCLAVE
  const c4 = await open(dir, { mrenclave: Buffer.alloc(32, 7) });
  assert.equal((await c4.register(F.registerMsg(avr))).error, 'LCPClientClientStateUnexpectedMrenclave');
  // expiry: key_expiration 1 s after the report's time, now later
  const c5 = await open(dir, { keyExpiration: 1 });
  c5.chain.timestamp += 5n;
  assert.equal((await c5.register(F.registerMsg(avr))).error, 'LCPClientAVRAlreadyExpired');
  // an update signed by a key whose registration has expired
  const c6 = await open(dir);
  assert.ok((await c6.register(F.registerMsg(avr))).ok);
  c6.chain.timestamp += 61n * 86400n;
  const { message, signature } = F.resultOf(dir, '003-update_client');
  assert.equal((await c6.update(message, [signature])).error, 'LCPClientEnclaveKeyExpired');
});

test('updates: forged, unknown-key and replayed-with-other-state updates are refused; membership checks each field', async () => {
  const dir = '02';
  const c = await open(dir);
  assert.ok((await c.register(F.registerMsg(F.avrOf(dir, 1)))).ok);
  const u = F.resultOf(dir, '003-update_client');
  const bad = Buffer.from(u.signature);
  bad[5] ^= 1;
  let r = await c.update(u.message, [bad]);
  assert.ok(!r.ok && ['LCPClientEnclaveKeyNotExist', 'LCPClientInvalidSignature'].includes(r.error), r.error);
  const other = new ethers.Wallet('0x' + '42'.repeat(32));
  r = await c.update(u.message, [F.sign(other, ethers.keccak256(u.message))]);
  assert.equal(r.error, 'LCPClientEnclaveKeyNotExist');
  r = await c.update(u.message, [u.signature, u.signature]);
  assert.equal(r.error, 'LCPClientInvalidSignaturesLength');
  r = await c.update(u.message, [u.signature]);
  assert.ok(r.ok, r.error);
  c.chain.timestamp = F.nowOf(dir, '004-verify_channel', c.chain.timestamp);
  const { signature } = F.resultOf(dir, '004-verify_channel');
  const good = membershipArgs(dir, '004-verify_channel', [signature]);
  assert.ok((await c.verify(good)).ok);
  const cases = [
    [{ ...good, value: Buffer.concat([good.value, Buffer.from([0])]) }, 'LCPClientMembershipVerificationInvalidValue'],
    [{ ...good, path: Buffer.from('channelEnds/ports/transfer/channels/channel-1') }, 'LCPClientMembershipVerificationInvalidPath'],
    [{ ...good, prefix: Buffer.from('ibd') }, 'LCPClientMembershipVerificationInvalidPrefix'],
    [{ ...good, height: [good.height[0], good.height[1] + 1n] }, 'LCPClientMembershipVerificationInvalidHeight'],
    [{ ...good, value: null }, 'LCPClientMembershipVerificationInvalidValue'],
  ];
  for (const [args, want] of cases) assert.equal((await c.verify(args)).error, want);
  // a frozen client refuses updates (misbehaviour is covered with lcp-c's own commitments in e2e tests)
  const s = await c.lc.call('getStatus', ['lcp-0']);
  assert.equal(s.result[0], 0n);
});

test('operators: 2/4, 3/4 and 4/4 thresholds on client/03 and updateOperators (EIP-712, nonce, threshold)', async () => {
  const dir = '03';
  const ws = F.operatorWallets();
  const ops = ws.map((w) => w.address);
  for (const [num, den] of [[2, 4], [3, 4], [4, 4]]) {
    const c = await open(dir, { operators: ops, num, den });
    for (let k = 1; k <= 4; k++) {
      const avr = F.avrOf(dir, k);
      const r = await c.register(F.registerMsg(avr, F.sign(ws[k - 1], F.registerDigest(avr.avr))));
      assert.ok(r.ok, `register ${k}: ${r.error}`);
    }
    // without an operator signature the key has no operator: not one of this client's operators
    assert.equal((await c.register(F.registerMsg(F.avrOf(dir, 1)))).ok, false);
    const sigsOf = (first) => [0, 1, 2, 3].map((i) => F.resultOf(dir, `${String(first + i).padStart(3, '0')}-update_client`).signature);
    c.chain.timestamp = F.nowOf(dir, '006-update_client');
    const msg = F.resultOf(dir, '006-update_client').message;
    const all = sigsOf(6);
    for (let n = 0; n <= 4; n++) {
      const sigs = all.map((s, i) => (i < n ? s : Buffer.alloc(0)));
      const r = await c.route(F.URL.update, F.updateMsg(msg, sigs));
      const enough = n * den >= num * 4;
      if (enough) {
        assert.ok(r.ok, `${num}/${den} with ${n}: ${r.error}`);
        break; // the state is now installed; 010 follows
      }
      assert.equal(r.error, 'LCPClientOperatorSignaturesInsufficient', `${num}/${den} with ${n}`);
    }
    // wrong slot order: signature of key 1 in slot 0 belongs to operator 0 only
    const swapped = sigsOf(10);
    [swapped[0], swapped[1]] = [swapped[1], swapped[0]];
    assert.equal((await c.update(F.resultOf(dir, '010-update_client').message, swapped)).error, 'LCPClientEnclaveKeyUnexpectedOperator');
  }
  // updateOperators: 2/4 → new set of two, signed by 2 of 4 current operators
  const c = await open(dir, { operators: ops, num: 2, den: 4 });
  const domain = F.evmDomain(1n, c.lc.address);
  const fresh = [new ethers.Wallet('0x' + '21'.repeat(32)), new ethers.Wallet('0x' + '22'.repeat(32))].sort((a, b) => (BigInt(a.address) < BigInt(b.address) ? -1 : 1));
  const newOps = fresh.map((w) => w.address);
  const d = F.operatorsDigest(domain, 'lcp-0', 1n, newOps, 1n, 2n);
  const sigs = [F.sign(ws[0], d), Buffer.alloc(0), F.sign(ws[2], d), Buffer.alloc(0)];
  let r = await c.route(F.URL.operators, F.operatorsMsg(2, newOps, 1, 2, sigs));
  assert.equal(r.error, 'LCPClientClientStateUnexpectedOperatorsNonce');
  r = await c.route(F.URL.operators, F.operatorsMsg(1, newOps, 1, 2, [F.sign(ws[0], d), Buffer.alloc(0), Buffer.alloc(0), Buffer.alloc(0)]));
  assert.equal(r.error, 'LCPClientOperatorSignaturesInsufficient');
  r = await c.route(F.URL.operators, F.operatorsMsg(1, newOps, 1, 2, [sigs[2], Buffer.alloc(0), sigs[0], Buffer.alloc(0)]));
  assert.equal(r.error, 'LCPClientUpdateOperatorsSignatureUnexpectedOperator');
  r = await c.route(F.URL.operators, F.operatorsMsg(1, [...newOps].reverse(), 1, 2, sigs));
  assert.equal(r.error, 'LCPClientOperatorsInvalidOrder');
  r = await c.route(F.URL.operators, F.operatorsMsg(1, newOps, 1, 2, sigs));
  assert.ok(r.ok, r.error);
  const [csBytes] = (await c.lc.call('getClientState', ['lcp-0'])).result;
  assert.ok(Buffer.from(csBytes.slice(2), 'hex').includes(Buffer.from(newOps[0].slice(2), 'hex')));
  r = await c.route(F.URL.operators, F.operatorsMsg(1, newOps, 1, 2, sigs));
  assert.equal(r.error, 'LCPClientInvalidSignaturesLength'); // two operators now
  const d2 = F.operatorsDigest(domain, 'lcp-0', 1n, newOps, 1n, 2n);
  r = await c.route(F.URL.operators, F.operatorsMsg(1, newOps, 1, 2, [F.sign(fresh[0], d2), Buffer.alloc(0)]));
  assert.equal(r.error, 'LCPClientClientStateUnexpectedOperatorsNonce'); // a replay of nonce 1
});

test('ABI: selectors of yui-ibc-solidity v0.3.40 ILightClient and the routed LCP functions', async () => {
  const c = await Client.deploy({ iasRoot: F.iasRoot('02') });
  const sel = (f) => c.lc.iface.getFunction(f).selector;
  const want = {
    initializeClient: '0xfe66819f', routeUpdateClient: '0xf13a62f9', getTimestampAtHeight: '0x4b0bbdc4', getLatestHeight: '0x329681d0',
    getStatus: '0x22b05ed2', getLatestInfo: '0xa5906897', verifyMembership: '0xf9bb5a51', verifyNonMembership: '0x999fbbb3',
    getClientState: '0x76c81c42', getConsensusState: '0x6cf44bf4', updateClient: '0xa97c61d6', registerEnclaveKey: '0x6ac73aa0',
    updateOperators: '0x9f021667', isDevelopmentMode: '0xa0a816ab',
  };
  for (const [f, s] of Object.entries(want)) assert.equal(sel(f), s, f);
  const r = await c.lc.call('routeUpdateClient', ['lcp-0', F.any('/foo', Buffer.alloc(0))]);
  assert.equal(r.error, 'Error(unsupported client message type)');
  const z = await c.lc.call('routeUpdateClient', ['lcp-0', F.any('/ibc.lightclients.lcp.v1.ZKDCAPRegisterEnclaveKeyMessage', Buffer.alloc(0))]);
  assert.equal(z.error, 'LCPClientUnknownProtoTypeUrl');
  // only the IBC handler creates clients
  const other = await c.chain.call(c.lc.address, c.lc.encode('getLatestHeight', ['lcp-0']));
  assert.equal(other.error, 'LCPClientClientStateNotFound');
});
