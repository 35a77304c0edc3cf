// The real Intel SGX quote of testdata/dcap/phala_sgx_v3 on a DCAPVerifier pinned to Intel's SGX Root CA, at the
// PROVENANCE time 1752919277: collateral uploads, the verifier's result (ConfigurationAndSWHardeningNeeded with
// INTEL-SA-00289 and INTEL-SA-00615), the client's policy refusals, and every single-byte change of the quote's
// signed regions and of each signature refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ethers } from 'ethers';
import { Chain } from './evm.mjs';
import * as F from './fixtures.mjs';
import { deployDcap, uploadCollateral, INTEL_ROOT_KECCAK } from './dcap.mjs';

const T = 1752919277n;
const quote = F.td('dcap/phala_sgx_v3/quote.bin');
const collateral = F.td('dcap/phala_sgx_v3/collateral.json');
const intelRoot = F.td('dcap/roots/intel_sgx_root_ca.der');
const MRENCLAVE = quote.subarray(112, 144);

async function setup({ development = false, statuses = ['ConfigurationAndSWHardeningNeeded'], advisories = ['INTEL-SA-00289', 'INTEL-SA-00615'], keyExpiration = 0 } = {}) {
  const chain = await Chain.create();
  chain.timestamp = T;
  const { verifier } = await deployDcap(chain, intelRoot);
  const uploads = await uploadCollateral(verifier, collateral);
  const ias = await chain.deploy('IASVerifier', [F.td('lcp/lcp-solidity/certs/simulation_rootca.der')]);
  const lc = await chain.deploy('LCPClient', [chain.sender, development, ias.address, verifier.address]);
  const cs = F.clientState({ mrenclave: MRENCLAVE, keyExpiration, statuses, advisories, currentTcb: 1 });
  const r = await lc.send('initializeClient', ['lcp-0', F.any(F.URL.clientState, cs), F.any(F.URL.consensusState, Buffer.alloc(0))]);
  assert.ok(r.ok, r.error);
  return { chain, verifier, lc, uploads };
}

const register = (s, q = quote) => s.lc.send('dcapRegisterEnclaveKey', ['lcp-0', [q, '0x', '0x']]);

test('phala_sgx_v3: collateral uploads and the verifier result at the PROVENANCE time', async () => {
  const s = await setup();
  assert.equal((await s.verifier.call('rootDerHash')).result[0], INTEL_ROOT_KECCAK);
  const r = await s.verifier.call('verifyQuote', [quote, '0x']);
  assert.ok(r.ok, r.error);
  const o = r.result[0];
  assert.equal(o.tcbStatus, 'ConfigurationAndSWHardeningNeeded');
  assert.deepEqual([...o.advisoryIds], ['INTEL-SA-00289', 'INTEL-SA-00615']);
  assert.equal(o.tcbEvaluationDataNumber, 17n);
  assert.equal(o.mrenclave, F.hex(MRENCLAVE));
  assert.equal(o.debug, false);
  assert.ok(o.notBefore <= T && T <= o.notAfter);
  assert.equal(o.notAfter, 1752919278n); // QE Identity's nextUpdate is the earliest end
  // re-uploading the same collateral is refused: stored once per update
  const again = await s.verifier.send('uploadQeIdentity', [Buffer.from(JSON.parse(collateral).qe_identity), Buffer.from(JSON.parse(collateral).qe_identity_signature, 'hex')]);
  assert.equal(again.error, 'DCAPNotNewer');
});

test('phala_sgx_v3: the client applies the zkDCAP policy; the sample carries no LCP report_data', async () => {
  // Every check passes up to the enclave-key binding: the sample's report_data is "Hello, world!", not LCP's
  // version-1 layout, so no key can be registered from it - the refusal comes last, after the whole policy.
  let s = await setup();
  assert.equal((await register(s)).error, 'LCPClientAVRInvalid');
  s = await setup({ statuses: ['SWHardeningNeeded'] });
  assert.equal((await register(s)).error, 'LCPClientDCAPDisallowedTCBStatus');
  s = await setup({ advisories: ['INTEL-SA-00289'] });
  assert.equal((await register(s)).error, 'LCPClientDCAPDisallowedAdvisoryID');
  s = await setup({ development: true });
  assert.equal((await register(s)).error, 'LCPClientDCAPUnexpectedEnclaveDebugMode');
  s = await setup();
  s.chain.timestamp = 1752919279n; // after QE Identity's nextUpdate
  assert.equal((await register(s)).error, 'DCAPNotValidNow');
  s.chain.timestamp = T;
  // A real DEBUG-enclave quote of the same platform family (automata_sgx_v3_debug): it verifies, with DEBUG set,
  // and a production client (development mode off) refuses it; a development client goes on to its report_data.
  const debugQuote = F.td('dcap/automata_sgx_v3_debug/quote.bin');
  const dq = await s.verifier.call('verifyQuote', [debugQuote, '0x']);
  assert.ok(dq.ok, dq.error);
  assert.equal(dq.result[0].debug, true);
  const dbgCs = F.clientState({ mrenclave: debugQuote.subarray(112, 144), keyExpiration: 0, statuses: ['ConfigurationAndSWHardeningNeeded'],
    advisories: ['INTEL-SA-00289', 'INTEL-SA-00615'], currentTcb: 1 });
  assert.ok((await s.lc.send('initializeClient', ['dbg-0', F.any(F.URL.clientState, dbgCs), F.any(F.URL.consensusState, Buffer.alloc(0))])).ok);
  assert.equal((await s.lc.send('dcapRegisterEnclaveKey', ['dbg-0', [debugQuote, '0x', '0x']])).error, 'LCPClientDCAPUnexpectedEnclaveDebugMode');
  const dev = await setup({ development: true });
  assert.ok((await dev.lc.send('initializeClient', ['dbg-0', F.any(F.URL.clientState, dbgCs), F.any(F.URL.consensusState, Buffer.alloc(0))])).ok);
  assert.equal((await dev.lc.send('dcapRegisterEnclaveKey', ['dbg-0', [debugQuote, '0x', '0x']])).error, 'LCPClientAVRInvalid');
  // collateral given inline is refused: it must be on-chain
  assert.equal((await s.lc.send('dcapRegisterEnclaveKey', ['lcp-0', [quote, '0x01', '0x']])).error, 'DCAPCollateralMustBeUploaded');
});

test('phala_sgx_v3: every single-byte change of the signed regions and of each signature is refused', async () => {
  const s = await setup();
  const ok = await s.verifier.call('verifyQuote', [quote, '0x']);
  assert.ok(ok.ok);
  // with the platform's PCK certificate on-chain (as after its first quote) each try is cheaper to run
  assert.ok((await s.verifier.send('uploadPckCertificate', [quote])).ok);
  assert.ok((await s.verifier.call('verifyQuote', [quote, '0x'])).ok);
  // signed regions: header+ISV body [0,432), attestation key [500,564), QE report [564,948), QE auth data;
  // signatures: ISV [436,500), QE [948,1012). (The PCK leaf's own signature is covered by the chain test below.)
  const authLen = quote.readUInt16LE(1012);
  const ranges = [[0, 432], [436, 500], [500, 564], [564, 948], [948, 1012], [1014, 1014 + authLen]];
  let n = 0;
  for (const [a, b] of ranges) {
    for (let i = a; i < b; i++) {
      const q = Buffer.from(quote);
      q[i] ^= 0x01 << (i % 8);
      const r = await s.verifier.call('verifyQuote', [q, '0x']);
      assert.equal(r.ok, false, `byte ${i} accepted`);
      n++;
    }
  }
  assert.equal(n, 432 + 64 + 64 + 384 + 64 + authLen);
  // the PCK chain text: a changed byte of the leaf, CA or root block
  const cp = 1014 + authLen + 6;
  for (const off of [cp + 40, cp + 900, cp + 1700, cp + 2500, quote.length - 30]) {
    const q = Buffer.from(quote);
    q[off] = q[off] === 0x41 ? 0x42 : 0x41;
    assert.equal((await s.verifier.call('verifyQuote', [q, '0x'])).ok, false, `chain byte ${off}`);
  }
});

test('DCAPVerifier: refuses to deploy without a working P256VERIFY and with a root that is not self-signed', async () => {
  const chain = await Chain.create();
  const parser = await chain.deploy('CollateralParser');
  const bad = Buffer.from(intelRoot);
  bad[bad.length - 5] ^= 1; // the root's signature
  await assert.rejects(chain.deploy('DCAPVerifier', [bad, parser.address]), /DCAPInvalidRoot|X509Invalid|DerInvalid/);
  // the same EVM without EIP-7951: an empty account at 0x100 answers success with no data
  const { Common, Mainnet, Hardfork } = await import('@ethereumjs/common');
  const pre = await Chain.create();
  pre.common = new Common({ chain: Mainnet, hardfork: Hardfork.Prague });
  const { createVM } = await import('@ethereumjs/vm');
  const { createAccount } = await import('@ethereumjs/util');
  pre.vm = await createVM({ common: pre.common });
  await pre.vm.stateManager.putAccount(pre.from, createAccount({ nonce: 0n, balance: 10n ** 30n }));
  pre.nonce = 0n;
  const p2 = await pre.deploy('CollateralParser');
  await assert.rejects(pre.deploy('DCAPVerifier', [intelRoot, p2.address]), /DCAPP256Unavailable/);
});
