// Gas of the on-chain LCP client on @ethereumjs/vm at hardfork Osaka (EIP-7951 P256VERIFY 6,900, EIP-7883 MODEXP,
// EIP-7623 calldata floor), total transaction gas (intrinsic 21,000 + calldata + execution, or the EIP-7623 floor
// when higher) unless a row says otherwise, side by side: this tree's contracts, the contracts of earlier commits
// (LCP_GAS_BASE, a comma-separated list, default d2f058b: before the calldata-reading update and membership paths,
// and f187036: before the membership path's assembly fast path) compiled and run on the same EVM in the same run,
// and lcp-solidity's figures on the same EVM and hardfork as spec/onchain.md §2.10 records them. Then where the gas
// of updateClient and verify(Non)Membership goes (breakdown.mjs), for the fixtures and for lcp-c's own commitments.
// Run by `make bench` (bench/peers/onchain-gas.mjs); never a timed test.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { Chain } from '../test/evm.mjs';
import * as F from '../test/fixtures.mjs';
import { Client, membershipArgs, stateHeight } from '../test/client.mjs';
import { deployDcap, uploadCollateral } from '../test/dcap.mjs';
import { simPlatform, mockCommitments } from '../test/sim.mjs';
import { compile } from '../build.mjs';
import { breakdown, calldataCost } from './breakdown.mjs';

const BASES = (process.env.LCP_GAS_BASE || 'd2f058b,f187036').split(',').filter(Boolean);

/** The contracts of commit BASE, compiled with the same settings; null when git or the commit is not there. */
function baseArtifacts(BASE) {
  try {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lcp-gas-base-'));
    const git = (...a) => execFileSync('git', a, { cwd: F.ROOT, stdio: ['ignore', 'pipe', 'ignore'] });
    for (const f of git('ls-tree', '--name-only', `${BASE}:contracts/src`).toString().trim().split('\n')) {
      fs.writeFileSync(path.join(dir, f), git('show', `${BASE}:contracts/src/${f}`));
    }
    const a = compile(dir, `artifacts-${BASE}.json`);
    fs.rmSync(dir, { recursive: true, force: true });
    return a;
  } catch {
    return null;
  }
}

/** Rows of one deployment: [{what, gas, peer, note}]. */
async function ias(artifacts, notes) {
  const rows = [];
  const row = (what, gas, peer = '', note = '') => rows.push({ what, gas, peer, note });
  const dir = '02';
  const c = await Client.deploy({ chain: await Chain.create({ artifacts }), iasRoot: F.iasRoot(dir) });
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
  const intel = await Client.deploy({ chain: await Chain.create({ artifacts }), iasRoot: F.iasRoot('01') });
  intel.chain.timestamp = F.nowOf('01', F.RUNS['01'].steps[0]);
  await intel.init(F.clientState({ mrenclave: F.mrenclaveOf('01'), statuses: F.STATUSES, advisories: F.ADVISORIES }));
  r = await intel.register(F.registerMsg(F.avrOf('01', 1)));
  row('registerEnclaveKey IAS, first (Intel AVR, 8 advisories)', r.gas, '732,524');
  for (const s of F.RUNS[dir].steps) {
    c.chain.timestamp = F.nowOf(dir, s, c.chain.timestamp);
    const { message, signature } = F.resultOf(dir, s);
    if (s.includes('update')) {
      const routed = await c.lc.call('routeUpdateClient', ['lcp-0', F.any(F.URL.update, F.updateMsg(message, [signature]))]);
      const data = routed.result[0] + routed.result[1].slice(2);
      const send = () => c.chain.send(c.lc.address, data);
      r = notes ? await breakdown(c.chain, `updateClient ${s}`, data, send) : { total: (await send()).gas };
      if (notes) notes.push(r.text);
      row(`updateClient ${s} (${message.length}-byte proxy message)`, r.total, '104,228-119,219');
    } else {
      const a = membershipArgs(dir, s, [signature]);
      const fn = a.value === null ? 'verifyNonMembership' : 'verifyMembership';
      const data = c.lc.encode(fn, a.value === null ? ['lcp-0', a.height, 0, 0, a.proof, a.prefix, a.path]
        : ['lcp-0', a.height, 0, 0, a.proof, a.prefix, a.path, a.value]);
      let exec;
      const send = async () => {
        const x = await c.chain.send(c.lc.address, data);
        exec = x.execGas;
        return x;
      };
      r = notes ? await breakdown(c.chain, `${fn} ${s}`, data, send) : { total: (await send()).gas };
      if (notes) notes.push(r.text);
      const cd = calldataCost(data);
      row(`${fn} ${s}`, r.total, a.value === null ? '49,054-49,066' : '50,823-50,888',
        `EIP-7623 floor ${21000n + cd.floor}; execution alone (inside an IBC transaction) ${exec}`);
    }
  }
  return rows;
}

async function dcapIntel() {
  const rows = [];
  const row = (what, gas, peer = '', note = '') => rows.push({ what, gas, peer, note });
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
  return rows;
}

async function dcapSim(sim, cm, artifacts, notes) {
  const rows = [];
  const row = (what, gas, peer = '', note = '') => rows.push({ what, gas, peer, note });
  const chain = await Chain.create({ artifacts });
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
  row('DCAP registration, collateral on-chain, PCK cert not yet', r.gas, '(zkDCAP: RISC Zero Groth16 ~522k + prover)', `calldata ${calldataCost(data0).standard}`);
  await verifier.send('uploadPckCertificate', [sim.quote]);
  r = await lc.send('dcapRegisterEnclaveKey', ['lcp-1', [sim.quote, '0x', '0x']]);
  row('DCAP registration, collateral + PCK cert on-chain (target <= 300k)', r.gas, '', `calldata ${calldataCost(data0).standard}; 3 P256VERIFY = 20,700`);
  r = await lc.send('updateClient', ['lcp-0', [cm.update.message, [cm.update.signature]]]);
  row(`updateClient, lcp-c mock commitment (${cm.update.message.length} bytes)`, r.gas);
  // lcp-c's own membership commitments (mock client, short path and value): what the EIP-7623 floor leaves.
  for (const [c, value, p] of [[cm.member, Buffer.from('v'), 'p/1'], [cm.nonMember, null, 'p/2']]) {
    const proof = F.proofs(c.message, [c.signature]);
    const args = ['lcp-0', stateHeight(c.message), 0, 0, proof, Buffer.from('ibc'), Buffer.from(p)];
    if (value) args.push(value);
    const fn = value ? 'verifyMembership' : 'verifyNonMembership';
    const data = lc.encode(fn, args);
    if (notes) {
      const b = await breakdown(chain, `${fn}, lcp-c mock commitment`, data, () => chain.send(lc.address, data));
      notes.push(b.text);
      r = { gas: b.total, ok: !b.text.includes('FAILED') };
    } else r = await lc.send(fn, args);
    if (!r.ok) throw new Error(`${fn}: ${r.error}`);
    const cd = calldataCost(data);
    row(`${fn}, lcp-c mock commitment (${cd.bytes} calldata bytes)`, r.gas, '',
      `calldata ${cd.standard}; EIP-7623 floor ${21000n + cd.floor} in all`);
  }
  return rows;
}

export async function main() {
  const t = Date.now();
  const bases = BASES.map((b) => ({ name: b, artifacts: baseArtifacts(b), rows: [] }));
  const notes = [];
  const simNotes = [];
  const now = [...(await ias(null, notes))];
  for (const b of bases) if (b.artifacts) b.rows.push(...(await ias(b.artifacts, null)));
  const sim = simPlatform();
  try {
    const cm = mockCommitments(sim);
    now.push(...(await dcapSim(sim, cm, null, simNotes)));
    for (const b of bases) if (b.artifacts) b.rows.push(...(await dcapSim(sim, cm, b.artifacts, null)));
  } finally {
    sim.cleanup();
  }
  now.push(...(await dcapIntel()));
  const prev = bases.map((b) => new Map(b.rows.map((r) => [r.what, r.gas])));
  const w = Math.max(...now.map((r) => r.what.length));
  console.log('on-chain LCP client gas, @ethereumjs/vm 10.1.3, hardfork Osaka (total transaction gas unless noted)');
  const cols = bases.map((b) => ('at ' + b.name).padStart(10)).join('  ');
  console.log(`${'operation'.padEnd(w)}  ${'this tree'.padStart(10)}  ${cols}  ${'lcp-solidity (spec 2.10)'.padEnd(42)}  note`);
  for (const r of now) {
    const b = prev.map((m, i) => (m.has(r.what) ? String(m.get(r.what)) : '-').padStart(Math.max(10, 3 + bases[i].name.length))).join('  ');
    console.log(`${r.what.padEnd(w)}  ${String(r.gas).padStart(10)}  ${b}  ${r.peer.padEnd(42)}  ${r.note}`);
  }
  for (const b of bases) if (!b.artifacts) console.log(`(commit ${b.name} not available: no column for it)`);
  console.log('\nwhere the gas goes (this tree, client/02 fixtures):');
  for (const n of notes) console.log(n);
  // No execution gas can take a transaction below its EIP-7623 floor (21,000 + 10 per calldata token): for lcp-c's
  // own verifyMembership that floor alone is above 40,000 (its floor line below).
  console.log('\nwhere the gas goes (this tree, lcp-c mock commitments):');
  for (const n of simNotes) console.log(n);
  console.log(`(${((Date.now() - t) / 1000).toFixed(1)} s)`);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
