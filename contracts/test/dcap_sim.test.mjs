// lcp-c's own outputs end to end on the contract and on the C client: a key attested with a simulated DCAP quote
// (sim platform, simulated root) registers with one DCAPRegisterEnclaveKeyMessage on both (collateral uploaded to
// the contract once, held by the C client's configuration), then the enclave's mock commitments are accepted:
// register -> update -> verifyMembership / verifyNonMembership. Intel's root refuses the simulated quote.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ethers } from 'ethers';
import { Chain } from './evm.mjs';
import * as F from './fixtures.mjs';
import { CDriver } from './cdriver.mjs';
import { deployDcap, uploadCollateral } from './dcap.mjs';
import { simPlatform, mockCommitments } from './sim.mjs';
import { stateHeight } from './client.mjs';

test('sim DCAP quote + mock commitments: register -> update -> verify on the contract and the C client', async () => {
  const sim = simPlatform();
  const drv = new CDriver();
  try {
    assert.equal(sim.debug, true); // the sim enclave is built with DEBUG: a development deployment
    const chain = await Chain.create();
    chain.timestamp = BigInt(sim.att.valid_from) + 60n;
    const now = chain.timestamp;
    const { verifier } = await deployDcap(chain, sim.root);
    const uploads = await uploadCollateral(verifier, sim.collateral);
    assert.equal(uploads.length, 6);
    const ias = await chain.deploy('IASVerifier', [F.iasRoot('02')]);
    const lc = await chain.deploy('LCPClient', [chain.sender, true, ias.address, verifier.address]);
    const cs = F.clientState({ mrenclave: sim.mrenclave, keyExpiration: 0, currentTcb: 1 });
    assert.ok((await lc.send('initializeClient', ['lcp-0', F.any(F.URL.clientState, cs), F.any(F.URL.consensusState, Buffer.alloc(0))])).ok);
    assert.ok((await drv.config({ development: true, iasRoot: F.iasRoot('02'), dcapRoot: sim.root, contract: lc.address, collateral: sim.collateral })).ok);
    assert.ok((await drv.create('lcp-0', cs)).ok);

    const msg = F.dcapMsg(sim.quote, Buffer.alloc(0));
    const route = async (url, value) => {
      const r = await lc.call('routeUpdateClient', ['lcp-0', F.any(url, value)]);
      if (!r.ok) return r;
      return chain.send(lc.address, r.result[0] + r.result[1].slice(2));
    };
    const reg = await route(F.URL.dcapRegister, msg);
    assert.ok(reg.ok, reg.error);
    assert.ok((await drv.msg('lcp-0', F.any(F.URL.dcapRegister, msg), now)).ok);
    const [expiredAt] = (await lc.call('getEKInfo', ['lcp-0', sim.key])).result;
    assert.equal(expiredAt, BigInt(sim.att.valid_to) + 1n); // key_expiration 0: the evidence's end + 1
    // the same message, collateral inline: the C client verifies it, the contract wants it on-chain
    const inline = F.dcapMsg(sim.quote, sim.collateral);
    assert.ok((await drv.msg('lcp-0', F.any(F.URL.dcapRegister, inline), now)).ok);
    assert.equal((await route(F.URL.dcapRegister, inline)).error, 'DCAPCollateralMustBeUploaded');

    // the enclave's commitments
    const cm = mockCommitments(sim);
    const um = F.updateMsg(cm.update.message, [cm.update.signature]);
    const up = await route(F.URL.update, um);
    assert.ok(up.ok, up.error);
    assert.ok((await drv.msg('lcp-0', F.any(F.URL.update, um), now)).ok);
    for (const [c, value, p] of [[cm.member, Buffer.from('v'), 'p/1'], [cm.nonMember, null, 'p/2']]) {
      const proof = F.proofs(c.message, [c.signature]);
      const height = stateHeight(c.message);
      const args = value === null ? ['lcp-0', height, 0, 0, proof, Buffer.from('ibc'), Buffer.from(p)]
        : ['lcp-0', height, 0, 0, proof, Buffer.from('ibc'), Buffer.from(p), value];
      const r = await lc.send(value === null ? 'verifyNonMembership' : 'verifyMembership', args);
      assert.ok(r.ok, r.error);
      assert.ok((await drv.member('lcp-0', height, Buffer.from('ibc'), Buffer.from(p), value, proof, now)).ok);
    }
    // production mode refuses the debug enclave, Intel's root refuses the simulated quote
    const lc2 = await chain.deploy('LCPClient', [chain.sender, false, ias.address, verifier.address]);
    assert.ok((await lc2.send('initializeClient', ['lcp-0', F.any(F.URL.clientState, cs), F.any(F.URL.consensusState, Buffer.alloc(0))])).ok);
    assert.equal((await lc2.send('dcapRegisterEnclaveKey', ['lcp-0', [sim.quote, '0x', '0x']])).error, 'LCPClientDCAPUnexpectedEnclaveDebugMode');
    const intel = await deployDcap(chain, F.td('dcap/roots/intel_sgx_root_ca.der'));
    await assert.rejects(uploadCollateral(intel.verifier, sim.collateral), /DCAPUnknownIssuer|DCAPInvalidSignature/);
    // mutations of the quote: same verdict on both (the chain text, signed regions, signatures)
    const r = (() => { let s = 7n; return () => Number((s = (s * 6364136223846793005n + 1442695040888963407n) & ((1n << 64n) - 1n)) >> 33n); })();
    for (let m = 0; m < Number(process.env.LCP_DIFF_MUTATIONS || 12); m++) {
      const q = Buffer.from(sim.quote);
      const i = r() % q.length;
      q[i] ^= 1 + (r() % 255);
      const mm = F.dcapMsg(q, Buffer.alloc(0));
      const e = await route(F.URL.dcapRegister, mm);
      const d = await drv.msg('lcp-0', F.any(F.URL.dcapRegister, mm), now);
      assert.equal(e.ok, d.ok, `quote byte ${i}: contract ${e.error ?? 'ok'} / C ${d.line}`);
    }
  } finally {
    drv.close();
    sim.cleanup();
  }
});
