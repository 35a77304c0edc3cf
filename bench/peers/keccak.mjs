// Keccak-256 throughput of @noble/hashes on 1 MiB, the peer of bench/commitment.c's "keccak256 1 MiB".
import { keccak_256 } from '@noble/hashes/sha3';
const m = new Uint8Array(1 << 20);
for (let i = 0; i < m.length; i++) m[i] = (i * 7 + 1) & 255;
keccak_256(m); // warm up
let n = 0;
const t0 = process.hrtime.bigint();
let t = t0;
while (t - t0 < 2_000_000_000n) {
  keccak_256(m);
  n++;
  t = process.hrtime.bigint();
}
const ns = Number(t - t0) / n;
console.log(`@noble/hashes keccak_256 1 MiB: ${n} iters, ${ns.toFixed(0)} ns/op, ${(1e9 / ns).toFixed(1)} MiB/s`);
console.log(`peer-figure keccak_mib_s ${(1e9 / ns).toFixed(1)}`); // for bench/commitment.c (mk/run-bench.sh)
