// The contract fuzzer's command line (targets and oracles: targets.mjs). Not a test: fuzzing stays out of
// `make test`; `make contracts-fuzz` (also run by `make fuzz`) runs every target for FUZZ_SECONDS.
//   node contracts/fuzz/fuzz.mjs [--seconds N] [--seed S] [target ...]     (targets: --list)
// A finding prints the target, seed, try and input, and is written to build/contracts-fuzz/; the exit status is 1.
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from '../test/fixtures.mjs';
import { TARGETS, runTarget } from './targets.mjs';

function parseArgs(argv) {
  const o = { seconds: Number(process.env.FUZZ_SECONDS || 20), seed: Number(process.env.FUZZ_SEED || Date.now() % 0xffffffff), targets: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--seconds') o.seconds = Number(argv[++i]);
    else if (a === '--seed') o.seed = Number(argv[++i]);
    else if (a === '--list') o.list = true;
    else if (a === '--help' || a === '-h') o.help = true;
    else if (TARGETS[a]) o.targets.push(a);
    else throw new Error(`unknown target or option ${a} (targets: ${Object.keys(TARGETS).join(', ')})`);
  }
  if (!(o.seconds > 0) || !Number.isInteger(o.seed)) throw new Error('--seconds must be > 0 and --seed an integer');
  if (!o.targets.length) o.targets = Object.keys(TARGETS);
  return o;
}

async function main() {
  let o;
  try {
    o = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error(`contracts-fuzz: error: ${e.message}`);
    process.exit(2);
  }
  if (o.help || o.list) {
    console.log(`usage: node contracts/fuzz/fuzz.mjs [--seconds N] [--seed S] [target ...]
Feeds mutated real inputs to the on-chain client on an in-process EVM (Osaka) and checks each verdict.
  --seconds N  time per target (default $FUZZ_SECONDS or 20)
  --seed S     generator seed (default $FUZZ_SEED or the clock); the same seed replays the same inputs
  target       any of: ${Object.keys(TARGETS).join(' ')} (default: all)
A finding is written to $BUILD/contracts-fuzz/<target>-<seed>-<try>.hex (why, seed input, input hex); exit 1.
Needs build/rel/bin/lcp-lc-driver (make) for the differential target and ../shared/testdata (or $LCP_TESTDATA).`);
    return;
  }
  const outDir = path.join(ROOT, process.env.BUILD || 'build', 'contracts-fuzz');
  let findings = 0;
  for (const name of o.targets) {
    const res = await runTarget(name, {
      seconds: o.seconds,
      seed: o.seed,
      found: (why, b, i, n) => {
        fs.mkdirSync(outDir, { recursive: true });
        const f = path.join(outDir, `${name}-${o.seed}-${n}.hex`);
        fs.writeFileSync(f, `${why}\nseed input ${i}\n${b.toString('hex')}\n`);
        console.log(`contracts-fuzz ${name}: FINDING at try ${n} (seed ${o.seed}, seed input ${i}): ${why} -> ${f}`);
      },
    });
    findings += res.findings;
    console.log(`contracts-fuzz ${name}: ${res.findings ? 'FAILED' : 'ok'}, ${res.tries} executions in ${o.seconds}s (seed ${o.seed})`);
  }
  process.exit(findings ? 1 : 0);
}

await main();
