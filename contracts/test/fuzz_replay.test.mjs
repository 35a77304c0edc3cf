// The contract fuzzer's targets (contracts/fuzz/targets.mjs) for a fixed number of tries from a fixed seed: the same
// mutations every run (of the same inputs, but for dcap-diff's freshly made sim quote), each judged by the target's oracles (no Panic or unknown revert, nothing changed in
// signed bytes accepted, calldata accepted only when it decodes to the same values, the same verdict as the C
// client). Long runs with fresh seeds are `make contracts-fuzz`; this keeps the harness and the oracles working.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TARGETS, runTarget } from '../fuzz/targets.mjs';

// Tries per target, about a minute and a half in all: the JSON readers and the differentials run 2-5 tries a second
// (a differential replays the fixture steps before the one it mutates), the rest 10-70.
const SLOW = { 'tcb-info': 40, 'qe-identity': 40, differential: 40, 'differential-03': 25 };
const SEED = 20261206;

for (const name of Object.keys(TARGETS)) {
  const TRIES = Number(process.env.LCP_FUZZ_REPLAY_TRIES || (SLOW[name] ?? 100));
  test(`contract fuzz replay: ${name}, ${TRIES} tries from seed ${SEED}`, async () => {
    const found = [];
    const r = await runTarget(name, { count: TRIES, seed: SEED, found: (why, b) => found.push(`${why} (input ${b.toString('hex').slice(0, 64)}...)`) });
    assert.equal(r.tries, TRIES);
    assert.deepEqual(found, []);
  });
}
