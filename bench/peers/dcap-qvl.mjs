// Peer for bench/dcap.c: @phala/dcap-qvl (JavaScript; Node's crypto for the signatures) and the WASM build of the
// Rust dcap-qvl (@phala/dcap-qvl-web, loaded from its .wasm file; there is no @phala/dcap-qvl-node on npm) verifying
// the same quote and collateral at the same time. Prints ops/s for the verification from an already-parsed
// collateral object and including JSON.parse of the collateral file, so both line up with the C figures.
// Usage: node bench/peers/dcap-qvl.mjs [seconds]
import fs from 'fs';
import path from 'path';
import { fileURLToPath } from 'url';
import qvl from '@phala/dcap-qvl';
import { initSync as wasmInit, js_verify as wasmVerify } from '@phala/dcap-qvl-web';

const here = path.dirname(fileURLToPath(import.meta.url));
const td = process.env.LCP_TESTDATA || path.resolve(here, '../../../shared/testdata');
const dir = path.join(td, 'dcap/phala_sgx_v3');
const quote = fs.readFileSync(path.join(dir, 'quote.bin'));
const text = fs.readFileSync(path.join(dir, 'collateral.json'), 'utf8');
const collateral = JSON.parse(text);
const NOW = 1752919277;
const seconds = Number(process.argv[2] || 2);

const modules = path.resolve(here, '../../node_modules/@phala');
wasmInit({ module: fs.readFileSync(path.join(modules, 'dcap-qvl-web/dcap-qvl-web_bg.wasm')) });
const quoteBytes = new Uint8Array(quote);

for (const [name, r] of [['dcap-qvl', qvl.verify(quote, collateral, NOW)],
                         ['dcap-qvl-web', wasmVerify(quoteBytes, collateral, BigInt(NOW))]]) {
    if (r.status !== 'ConfigurationAndSWHardeningNeeded' || r.advisory_ids.join() !== 'INTEL-SA-00289,INTEL-SA-00615') {
        console.error(`${name} peer: unexpected result`, r.status, r.advisory_ids);
        process.exit(1);
    }
}

function run(name, fn) {
    for (let i = 0; i < 20; i++) fn(); // warm-up (JIT)
    let n = 0;
    const start = process.hrtime.bigint();
    let elapsed = 0n;
    while (elapsed < BigInt(seconds * 1e9)) {
        for (let i = 0; i < 10; i++) fn();
        n += 10;
        elapsed = process.hrtime.bigint() - start;
    }
    const ns = Number(elapsed) / n;
    console.log(`${name.padEnd(44)} ${String(n).padStart(9)} iters ${ns.toFixed(0).padStart(12)} ns/op ` +
        `${(1e9 / ns).toFixed(1).padStart(10)} ops/s`);
    return 1e9 / ns;
}

const version = (p) => JSON.parse(fs.readFileSync(path.join(modules, p, 'package.json'), 'utf8')).version;
console.log(`dcap-qvl peers: @phala/dcap-qvl ${version('dcap-qvl')} (JS), @phala/dcap-qvl-web ${version('dcap-qvl-web')} ` +
    `(WASM), node ${process.version}`);
// "peer-figure" lines are read by mk/run-bench.sh and handed to bench/dcap.c, which prints its ratios to them.
const figures = {
    dcap_qvl_js: run('dcap-qvl verify (parsed collateral)', () => qvl.verify(quote, collateral, NOW)),
    dcap_qvl_js_json: run('dcap-qvl verify incl. collateral JSON.parse', () => qvl.verify(quote, JSON.parse(text), NOW)),
    dcap_qvl_wasm: run('dcap-qvl-web (WASM) verify (parsed collateral)',
        () => wasmVerify(quoteBytes, collateral, BigInt(NOW))),
    dcap_qvl_wasm_json: run('dcap-qvl-web (WASM) incl. collateral JSON.parse',
        () => wasmVerify(quoteBytes, JSON.parse(text), BigInt(NOW))),
};
for (const [name, ops] of Object.entries(figures)) console.log(`peer-figure ${name} ${ops.toFixed(1)}`);
