import { Chain } from './evm.mjs';
import * as F from './fixtures.mjs';
import { deployDcap, uploadCollateral } from './dcap.mjs';
const chain = await Chain.create(); chain.timestamp = 1752919277n;
let t=Date.now();
const { verifier } = await deployDcap(chain, F.td('dcap/roots/intel_sgx_root_ca.der'));
console.log('deploy', Date.now()-t, verifier.deployGas); t=Date.now();
try { console.log(await uploadCollateral(verifier, F.td('dcap/phala_sgx_v3/collateral.json'))); } catch (e) { console.log(e.message); }
console.log('upload', Date.now()-t); t=Date.now();
const q=F.td('dcap/phala_sgx_v3/quote.bin');
const r = await verifier.call('verifyQuote', [q, '0x']);
console.log('verify', Date.now()-t, r.ok, r.error, r.gas, r.ok && r.result[0]);
t=Date.now();
{ const u = await verifier.send('uploadPckCertificate', [q]); console.log('pck upload', u.gas, u.error); const r3 = await verifier.call('verifyQuote', [q, '0x']); console.log('verify cached', r3.ok, r3.gas); }
const q2=Buffer.from(q); q2[100]^=1;
const r2 = await verifier.call('verifyQuote', [q2, '0x']);
console.log('verify bad', Date.now()-t, r2.error, r2.gas);
const authLen=q.readUInt16LE(1012); const cp=1014+authLen+6;
for (const [name, off, val] of [['version',0,9],['leaf b64 invalid',cp+100,0x21],['leaf sig region',cp+1500,null],['CA pem', cp+1700, null],['QE report', 600, null]]) {
  const m=Buffer.from(q); m[off] = val ?? (m[off]===0x41?0x42:0x41);
  const r = await verifier.call('verifyQuote', [m, '0x']);
  console.log(name, r.error, r.gas);
}
{
const m=Buffer.from(q); m[cp+100]=0x21;
const agg = {}; let last=null;
chain.vm.evm.events.on('step', (s, next) => { if (last) { const d = Number(last.gasLeft - s.gasLeft); agg[last.pc]=(agg[last.pc]||0)+d; } last = s; next?.(); });
const r = await verifier.call('verifyQuote', [m, '0x']);
console.log(Object.entries(agg).sort((a,b)=>b[1]-a[1]).slice(0,12));
}
