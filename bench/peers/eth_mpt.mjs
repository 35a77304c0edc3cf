// Peer for bench/eth_mpt.c: @ethereumjs/mpt's verifyMerkleProof on the same real mainnet account proof (helios
// proof.json: the deposit contract under block 21925176's state root, 8 nodes) and its storage proof (3 nodes) —
// the node lookup by keccak256 and the walk the C figures time. Prints ns/op and the peer figures
// eth_mpt_account_ns / eth_mpt_storage_ns. Usage: node bench/peers/eth_mpt.mjs [seconds per proof]
import fs from 'fs';
import path from 'path';
import { fileURLToPath } from 'url';
import { verifyMerkleProof } from '@ethereumjs/mpt';
import { keccak_256 } from '@noble/hashes/sha3';

const here = path.dirname(fileURLToPath(import.meta.url));
const td = process.env.LCP_TESTDATA || path.resolve(here, '../../../shared/testdata');
const seconds = Number(process.argv[2] || 1);
const hex = (s) => Uint8Array.from(Buffer.from(s.replace(/^0x/, ''), 'hex'));
const json = (rel) => JSON.parse(fs.readFileSync(path.join(td, rel), 'utf8'));

async function run(name, fn) {
  for (let i = 0; i < 100; i++) if (!(await fn())) throw new Error(`${name}: verification failed`);
  let n = 0;
  const start = process.hrtime.bigint();
  let elapsed = 0n;
  while (elapsed < BigInt(Math.round(seconds * 1e9))) {
    for (let i = 0; i < 20; i++) if (!(await fn())) throw new Error(`${name}: verification failed`);
    n += 20;
    elapsed = process.hrtime.bigint() - start;
  }
  const ns = Number(elapsed) / n;
  console.log(`${name.padEnd(44)} ${String(n).padStart(9)} iters ${ns.toFixed(0).padStart(12)} ns/op`);
  return ns;
}

const p = json('ethereum/mpt_proofs/helios/proof.json');
const acctProof = p.accountProof.map(hex);
const acctKey = keccak_256(hex(p.address));
const sp = p.storageProof[0];
const slotKey = keccak_256(hex(sp.key.replace(/^0x/, '').padStart(64, '0')));
const storProof = sp.proof.map(hex);
const a = await run('@ethereumjs/mpt account proof (8 nodes)', () => verifyMerkleProof(acctKey, acctProof));
const s = await run('@ethereumjs/mpt storage proof (3 nodes)', () => verifyMerkleProof(slotKey, storProof));
console.log(`peer-figure eth_mpt_account_ns ${a.toFixed(0)}`);
console.log(`peer-figure eth_mpt_storage_ns ${s.toFixed(0)}`);
