// Peer for bench/ics23.c: @confio/ics23 (TypeScript build, protobufjs decoding, sha.js/@noble hashing) verifying the
// same ICS-23 existence vectors: decode the CommitmentProof bytes, then verifyMembership under IavlSpec or
// TendermintSpec — the same work the C figures time. Prints ns/op and ops/s per vector and the mean ops/s per tree.
// Usage: node bench/peers/ics23.mjs [seconds per vector]
import fs from 'fs';
import path from 'path';
import { fileURLToPath } from 'url';
import { ics23, verifyMembership, iavlSpec, tendermintSpec } from '@confio/ics23';

const here = path.dirname(fileURLToPath(import.meta.url));
const td = process.env.LCP_TESTDATA || path.resolve(here, '../../../shared/testdata');
const seconds = Number(process.argv[2] || 1);
const hex = (s) => Uint8Array.from(Buffer.from(s, 'hex'));

function run(name, fn) {
    for (let i = 0; i < 200; i++) fn(); // warm-up (JIT)
    let n = 0;
    const start = process.hrtime.bigint();
    let elapsed = 0n;
    while (elapsed < BigInt(Math.round(seconds * 1e9))) {
        for (let i = 0; i < 50; i++) if (!fn()) throw new Error(`${name}: verification failed`);
        n += 50;
        elapsed = process.hrtime.bigint() - start;
    }
    const ns = Number(elapsed) / n;
    console.log(`${name.padEnd(44)} ${String(n).padStart(9)} iters ${ns.toFixed(0).padStart(12)} ns/op ` +
        `${(1e9 / ns).toFixed(1).padStart(10)} ops/s`);
    return 1e9 / ns;
}

const version = JSON.parse(fs.readFileSync(path.resolve(here, '../../node_modules/@confio/ics23/package.json'), 'utf8')).version;
console.log(`ics23 peer: @confio/ics23 ${version}, node ${process.version}`);
for (const [tree, spec] of [['iavl', iavlSpec], ['tendermint', tendermintSpec]]) {
    let sum = 0;
    for (const side of ['left', 'middle', 'right']) {
        const v = JSON.parse(fs.readFileSync(path.join(td, `ics23/${tree}/exist_${side}.json`), 'utf8'));
        const proof = hex(v.proof), root = hex(v.root), key = hex(v.key), value = hex(v.value);
        sum += run(`@confio/ics23 ${tree} exist_${side}`,
            () => verifyMembership(ics23.CommitmentProof.decode(proof), spec, root, key, value));
    }
    console.log(`@confio/ics23 ${tree} mean: ${(sum / 3).toFixed(1)} ops/s`);
    console.log(`peer-figure ics23_${tree} ${(sum / 3).toFixed(1)}`); // for bench/ics23.c (mk/run-bench.sh)
}
