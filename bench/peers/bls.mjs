// Peers for bench/bls.c: FastAggregateVerify over a 512-key committee (mainnet sync-committee size) and its pieces,
// in supranational's blst through @chainsafe/blst (native) and in @noble/curves (JS). Keys are decoded once (as the
// light client stores its committee); each operation decodes and group-checks the signature, aggregates the 512
// keys, hashes the 32-byte message to G2 and checks the pairing. Prints ns/op lines and "peer-figure" lines.
// Usage: node bench/peers/bls.mjs [seconds per figure]
import * as blst from '@chainsafe/blst';
import { bls12_381 } from '@noble/curves/bls12-381.js';
import { sha256 } from '@noble/hashes/sha2.js';

const seconds = Number(process.argv[2] || 1.5);
const DST = 'BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_';
const N = 512;

// best of three timed batches (the machine is shared; bench/bls.c reports its figures the same way)
function run(name, fn, warm = 3) {
  for (let i = 0; i < warm; i++) if (!fn()) throw new Error(`${name}: failed`);
  let best = Infinity, total = 0;
  for (let b = 0; b < 3; b++) {
    let n = 0;
    const start = process.hrtime.bigint();
    let elapsed = 0n;
    while (elapsed < BigInt(Math.round((seconds / 3) * 1e9)) || n < 2) {
      if (!fn()) throw new Error(`${name}: failed`);
      n++;
      elapsed = process.hrtime.bigint() - start;
    }
    best = Math.min(best, Number(elapsed) / n);
    total += n;
  }
  console.log(`${name.padEnd(48)} ${String(total).padStart(7)} iters ${best.toFixed(0).padStart(12)} ns/op (best of 3)`);
  return best;
}

// process CPU time per call, best of three batches (bench/bls.c compares on it too: on a shared machine wall time
// measures the queue as much as the code)
function cpu(name, fn, iters) {
  let best = Infinity;
  for (let b = 0; b < 3; b++) {
    const c0 = process.cpuUsage();
    for (let i = 0; i < iters; i++) if (!fn()) throw new Error(`${name}: failed`);
    const c = process.cpuUsage(c0);
    best = Math.min(best, ((c.user + c.system) * 1000) / iters);
  }
  console.log(`${(name + ' (CPU time)').padEnd(48)} ${best.toFixed(0).padStart(20)} ns/op (best of 3)`);
  return best;
}

// a committee of 512 keys (bench/bls.c builds its own of the same size; key values do not change the cost)
const msg = sha256(new TextEncoder().encode('lcp-bench-bls-message'));
const sks = [];
for (let i = 0; i < N; i++) sks.push(blst.SecretKey.fromKeygen(sha256(new TextEncoder().encode('lcp-bench-bls-' + i))));
const pkBytes = sks.map((s) => s.toPublicKey().toBytes(true));
const sigBytes = blst.aggregateSignatures(sks.map((s) => s.sign(msg))).toBytes(true);

// blst
const bpks = pkBytes.map((b) => blst.PublicKey.fromBytes(b, true));
const f = {};
f.blst_fav512_ns = run('blst FastAggregateVerify(512)', () =>
  blst.fastAggregateVerify(msg, bpks, blst.Signature.fromBytes(sigBytes, true), true));
f.blst_fav512_cpu_ns = cpu('blst FastAggregateVerify(512)', () =>
  blst.fastAggregateVerify(msg, bpks, blst.Signature.fromBytes(sigBytes, true), true), 30);
f.blst_agg512_ns = run('blst aggregatePublicKeys(512)', () => !!blst.aggregatePublicKeys(bpks, false));
const aggPk = blst.aggregatePublicKeys(bpks, false);
f.blst_verify_ns = run('blst verify (aggregate key given)', () =>
  blst.verify(msg, aggPk, blst.Signature.fromBytes(sigBytes, true), false, true));

// noble
const bls = bls12_381.longSignatures;
const G1 = bls12_381.G1.Point, G2 = bls12_381.G2.Point;
const npks = pkBytes.map((b) => G1.fromBytes(b));
f.noble_fav512_ns = run('@noble/curves FastAggregateVerify(512)', () => {
  const sig = G2.fromBytes(sigBytes);
  sig.assertValidity();
  return bls.verify(sig, bls.hash(msg, DST), bls.aggregatePublicKeys(npks));
}, 1);
f.noble_fav512_cpu_ns = cpu('@noble/curves FastAggregateVerify(512)', () => {
  const sig = G2.fromBytes(sigBytes);
  sig.assertValidity();
  return bls.verify(sig, bls.hash(msg, DST), bls.aggregatePublicKeys(npks));
}, 2);
f.noble_h2g2_ns = run('@noble/curves hash_to_G2', () => !!bls.hash(msg, DST), 2);
f.noble_agg512_ns = run('@noble/curves aggregatePublicKeys(512)', () => !!bls.aggregatePublicKeys(npks), 2);
for (const [k, v] of Object.entries(f)) console.log(`peer-figure ${k} ${v.toFixed(0)}`);
