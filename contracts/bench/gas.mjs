// Gas of the on-chain LCP client on @ethereumjs/vm at hardfork Osaka (EIP-7951 P256VERIFY 6,900, EIP-7883 MODEXP),
// total transaction gas (intrinsic 21,000 + calldata + execution) unless a row says otherwise, next to
// lcp-solidity's figures on the same EVM and hardfork as spec/onchain.md §2.10 records them. Run by `make bench`
// (bench/peers/onchain-gas.mjs); never a timed test.
import { ethers } from 'ethers';
import { Chain } from '../test/evm.mjs';
import * as F from '../test/fixtures.mjs';
import { Client, membershipArgs } from '../test/client.mjs';
import { deployDcap, uploadCollateral } from '../test/dcap.mjs';
import { simPlatform, mockCommitments } from '../test/sim.mjs';

const rows = [];
const row = (what, gas, peer = '', note = '') => rows.push({ what, gas: gas === null ? '-' : String(gas), peer, note });
const calldata = (hex) => {
  const b = Buffer.from(hex.slice(2), 'hex');
  let g = 0;
  for (const x of b) g += x ? 16 : 4;
  return g;
};

async function ias() {
  const dir = '02';
  const c = await Client.deploy({ iasRoot: F.iasRoot(dir) });
  row('deploy IASVerifier (sim root, RSA self-check)', c.ias.deployGas);
  row('deploy LCPClient', c.lc.deployGas, '5,048,436 (LCPClientIAS)', 'lcp-solidity deploys AVRValidator and the marshaler too');
  c.chain.timestamp = F.nowOf(dir, F.RUNS[dir].steps[0]);
  let r = await c.init(F.clientState({ mrenclave: F.mrenclaveOf(dir), statuses: F.STATUSES, advisories: F.ADVISORIES }));
  row('initializeClient (1 status, 8 advisories)', r.gas, '668,012');
  r = await c.init(F.clientState({ mrenclave: F.mrenclaveOf(dir) }), 'lcp-1');
  row('initializeClient (no allow-lists)', r.gas, '222,597');
  r = await c.register(F.registerMsg(F.avrOf(dir, 1)));
  row('registerEnclaveKey IAS, first (sim AVR, OK)', r.gas, '632,616');
  r = await c.register(F.registerMsg(F.avrOf(dir, 1)), 'lcp-1');
  row('registerEnclaveKey IAS, signing cert cached (sim)', r.gas, '170,834 exec only', 'ours: whole transaction');
  const intel = await Client.deploy({ iasRoot: F.iasRoot('01') });
  intel.chain.timestamp = F.nowOf('01', F.RUNS['01'].steps[0]);
  await intel.init(F.clientState({ mrenclave: F.mrenclaveOf('01'), statuses: F.STATUSES, advisories: F.ADVISORIES }));
  r = await intel.register(F.registerMsg(F.avrOf('01', 1)));
  row('registerEnclaveKey IAS, first (Intel AVR, 8 advisories)', r.gas, '732,524');
  for (const s of F.RUNS[dir].steps) {
    c.chain.timestamp = F.nowOf(dir, s, c.chain.timestamp);
    const { message, signature } = F.resultOf(dir, s);
    if (s.includes('update')) {
      r = await c.update(message, [signature]);
      row(`updateClient ${s} (${message.length}-byte proxy message)`, r.gas, '104,228-119,219');
    } else {
      const a = membershipArgs(dir, s, [signature]);
      r = await c.verify(a);
      const cd = calldata(c.lc.encode(a.value === null ? 'verifyNonMembership' : 'verifyMembership',
        a.value === null ? ['lcp-0', a.height, 0, 0, a.proof, a.prefix, a.path] : ['lcp-0', a.height, 0, 0, a.proof, a.prefix, a.path, a.value]));
      row(`${a.value === null ? 'verifyNonMembership' : 'verifyMembership'} ${s}`, r.gas, a.value === null ? '49,054-49,066' : '50,823-50,888',
        `inside an IBC transaction: ${r.gas - 21000n} (calldata ${cd})`);
    }
  }
}

async function dcapIntel() {
  const chain = await Chain.create();
  chain.timestamp = 1752919277n;
  const { parser, verifier } = await deployDcap(chain, F.td('dcap/roots/intel_sgx_root_ca.der'));
  row('deploy CollateralParser', parser.deployGas);
  row('deploy DCAPVerifier (Intel root, P256VERIFY probe)', verifier.deployGas);
  for (const u of await uploadCollateral(verifier, F.td('dcap/phala_sgx_v3/collateral.json'))) row(`upload ${u.label} (Intel, phala sample)`, u.gas);
  const q = F.td('dcap/phala_sgx_v3/quote.bin');
  let r = await verifier.call('verifyQuote', [q, '0x']);
  row('verifyQuote, PCK certificate not cached (execution only)', r.gas);
  r = await verifier.send('uploadPckCertificate', [q]);
  row('uploadPckCertificate (per platform, once)', r.gas);
  r = await verifier.call('verifyQuote', [q, '0x']);
  row('verifyQuote, PCK certificate cached (execution only)', r.gas);
}

async function dcapSim() {
  const sim = simPlatform();
  try {
    const chain = await Chain.create();
    chain.timestamp = BigInt(sim.att.valid_from) + 60n;
    const { verifier } = await deployDcap(chain, sim.root);
    let total = 0n;
    for (const u of await uploadCollateral(verifier, sim.collateral)) total += u.gas;
    row('collateral upload, all six items (sim, 1 TCB level)', total);
    const ias = await chain.deploy('IASVerifier', [F.iasRoot('02')]);
    const lc = await chain.deploy('LCPClient', [chain.sender, true, ias.address, verifier.address]);
    const cs = F.clientState({ mrenclave: sim.mrenclave, keyExpiration: 0, currentTcb: 1 });
    for (const id of ['lcp-0', 'lcp-1']) await lc.send('initializeClient', [id, F.any(F.URL.clientState, cs), F.any(F.URL.consensusState, Buffer.alloc(0))]);
    const data0 = lc.encode('dcapRegisterEnclaveKey', ['lcp-0', [sim.quote, '0x', '0x']]);
    let r = await lc.send('dcapRegisterEnclaveKey', ['lcp-0', [sim.quote, '0x', '0x']]);
    row('DCAP registration, collateral on-chain, PCK cert not yet', r.gas, '(zkDCAP: RISC Zero Groth16 ~522k + prover)', `calldata ${calldata(data0)}`);
    await verifier.send('uploadPckCertificate', [sim.quote]);
    r = await lc.send('dcapRegisterEnclaveKey', ['lcp-1', [sim.quote, '0x', '0x']]);
    row('DCAP registration, collateral + PCK cert on-chain (target <= 300k)', r.gas, '', `calldata ${calldata(data0)}; 3 P256VERIFY = 20,700`);
    const cm = mockCommitments(sim);
    r = await lc.send('updateClient', ['lcp-0', [cm.update.message, [cm.update.signature]]]);
    row(`updateClient, lcp-c mock commitment (${cm.update.message.length} bytes)`, r.gas);
  } finally {
    sim.cleanup();
  }
}

export async function main() {
  const t = Date.now();
  await ias();
  await dcapIntel();
  await dcapSim();
  const w = Math.max(...rows.map((r) => r.what.length));
  console.log('on-chain LCP client gas, @ethereumjs/vm 10.1.3, hardfork Osaka (total transaction gas unless noted)');
  console.log(`${'operation'.padEnd(w)}  ${'gas'.padStart(10)}  lcp-solidity (Osaka, spec/onchain.md 2.10)  note`);
  for (const r of rows) console.log(`${r.what.padEnd(w)}  ${r.gas.padStart(10)}  ${r.peer.padEnd(42)}  ${r.note}`);
  console.log(`(${((Date.now() - t) / 1000).toFixed(1)} s)`);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
