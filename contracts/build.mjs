// Compiles contracts/src/*.sol with the pinned solc from npm (package.json: solc 0.8.37) and writes the ABI and
// bytecode of every contract to build/contracts/artifacts.json (reused while the sources are unchanged).
// Settings: optimizer enabled, 200 runs, viaIR on (the client's functions need more stack than legacy codegen
// gives), EVM version osaka.
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const srcDir = path.join(here, 'src');
const outDir = path.join(root, process.env.BUILD || 'build', 'contracts');
export const SETTINGS = {
  optimizer: { enabled: true, runs: 200 },
  viaIR: true,
  evmVersion: 'osaka',
  outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object', 'evm.deployedBytecode.object'] } },
};

/** Compiles the sources in dir (default contracts/src) and caches the result under name (default artifacts.json). */
export function compile(dir = srcDir, name = 'artifacts.json') {
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.sol')).sort();
  const sources = {};
  const h = crypto.createHash('sha256');
  for (const f of files) {
    const content = fs.readFileSync(path.join(dir, f), 'utf8');
    sources[f] = { content };
    h.update(f).update('\0').update(content).update('\0');
  }
  h.update(JSON.stringify(SETTINGS));
  const digest = h.digest('hex');
  const out = path.join(outDir, name);
  if (fs.existsSync(out)) {
    const cached = JSON.parse(fs.readFileSync(out, 'utf8'));
    if (cached.digest === digest) return cached.contracts;
  }
  const require = createRequire(import.meta.url);
  const solc = require('solc');
  const input = { language: 'Solidity', sources, settings: SETTINGS };
  const res = JSON.parse(solc.compile(JSON.stringify(input)));
  const errors = (res.errors || []).filter((e) => e.severity === 'error');
  if (errors.length) throw new Error(errors.map((e) => e.formattedMessage).join('\n'));
  const contracts = {};
  for (const f of Object.keys(res.contracts)) {
    for (const [name, c] of Object.entries(res.contracts[f])) {
      if (!c.evm.bytecode.object) continue;
      contracts[name] = { abi: c.abi, bytecode: '0x' + c.evm.bytecode.object, runtimeSize: c.evm.deployedBytecode.object.length / 2 };
    }
  }
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(out, JSON.stringify({ digest, solc: solc.version(), settings: SETTINGS, contracts }));
  return contracts;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const t = Date.now();
  const c = compile();
  for (const [n, v] of Object.entries(c)) console.log(`${n}: runtime ${v.runtimeSize} bytes`);
  console.log(`compiled in ${Date.now() - t} ms`);
}
