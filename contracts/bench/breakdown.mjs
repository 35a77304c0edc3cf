// Where the gas of one transaction goes: intrinsic (21,000 + calldata, and the EIP-7623 floor), then execution per
// kind of work, from the EVM's step trace: cold/warm SLOAD, SSTORE, KECCAK256, precompile calls (ecrecover at 0x01),
// calldata reads and copies, memory expansion, logs, and the rest (ABI/protobuf decoding, control flow). Used by
// gas.mjs for the updateClient and verifyMembership rows; never a timed test.

const memCost = (w) => 3n * w + (w * w) / 512n;

/** Calldata cost of data (hex): standard (4 per zero byte, 16 per other) and EIP-7623 tokens. */
export function calldataCost(hex) {
  const b = Buffer.from(hex.slice(2), 'hex');
  let zero = 0n;
  let nonzero = 0n;
  for (const x of b) x ? nonzero++ : zero++;
  const tokens = zero + 4n * nonzero;
  return { bytes: b.length, zero, nonzero, tokens, standard: 4n * tokens, floor: 10n * tokens };
}

/** Runs fn() (which sends one transaction on chain) with a step tracer; returns {result, rows} where rows are
 *  [category, gas] and add up to the transaction's execution gas. */
export async function traced(chain, fn) {
  const acc = new Map();
  const add = (k, g) => acc.set(k, (acc.get(k) || 0n) + g);
  const last = new Map(); // depth -> {name, gasLeft, words, top}
  const close = (prev, gasLeft, words) => {
    let g = prev.gasLeft - gasLeft;
    const m = memCost(words) - memCost(prev.words);
    if (m > 0n) {
      add('memory expansion', m);
      g -= m;
    }
    let k = prev.name;
    if (k === 'SLOAD') k = g >= 2100n ? 'SLOAD cold (2,100)' : 'SLOAD warm (100)';
    else if (k === 'SSTORE') k = g >= 20000n ? 'SSTORE zero -> value (20,000; 22,100 cold)' : 'SSTORE value -> value (2,900)';
    else if (k === 'STATICCALL' || k === 'CALL') k = prev.top === 1n ? 'ecrecover (0x01)' : prev.top <= 0x100n ? `precompile ${prev.top}` : 'external call';
    else if (k === 'KECCAK256') k = 'KECCAK256';
    else if (k.startsWith('LOG')) k = 'LOG';
    else if (k === 'CALLDATALOAD' || k === 'CALLDATACOPY' || k === 'CALLDATASIZE') k = 'calldata reads/copies';
    else k = 'other opcodes (decoding, control, checks)';
    add(k, g);
  };
  const onStep = (s) => {
    const d = s.depth;
    const prev = last.get(d);
    if (prev) close(prev, s.gasLeft, s.memoryWordCount);
    for (const [dd] of last) if (dd > d) last.delete(dd);
    const st = s.stack;
    last.set(d, { name: s.opcode.name, gasLeft: s.gasLeft, words: s.memoryWordCount, top: st.length >= 2 ? st[st.length - 2] : 0n });
  };
  chain.vm.evm.events.on('step', onStep);
  let result;
  try {
    result = await fn();
  } finally {
    chain.vm.evm.events.off('step', onStep);
  }
  // The last step of each frame (RETURN/STOP/REVERT) costs its memory part only; attribute what is left.
  const traced = [...acc.values()].reduce((a, b) => a + b, 0n);
  return { result, rows: [...acc.entries()].sort((a, b) => (b[1] > a[1] ? 1 : -1)), traced };
}

/** Prints a breakdown of a transaction sent by send() whose calldata is data (hex). */
export async function breakdown(chain, label, data, send) {
  const { result, rows, traced: t } = await traced(chain, send);
  const cd = calldataCost(data);
  const total = result.gas;
  const exec = result.execGas;
  const floored = 21000n + cd.floor > 21000n + cd.standard + exec;
  const out = [];
  out.push(`${label}: total ${total}${result.ok ? '' : ' (FAILED: ' + result.error + ')'}`);
  out.push(`  base                                   21000`);
  out.push(`  calldata ${cd.bytes} B (${cd.nonzero} non-zero, ${cd.zero} zero)`.padEnd(40) + ` ${cd.standard}`);
  out.push(`  execution                              ${exec}`);
  for (const [k, g] of rows) out.push(`    ${k.padEnd(40)} ${String(g).padStart(6)}`);
  const rest = exec - t;
  if (rest !== 0n) out.push(`    ${'(frame ends, not traced)'.padEnd(40)} ${String(rest).padStart(6)}`);
  out.push(`  = 21000 + calldata + execution         ${21000n + cd.standard + exec}`);
  out.push(`  EIP-7623 floor: 21000 + 10 x ${cd.tokens} tokens = ${21000n + cd.floor}` + (floored
    ? ' -> APPLIES: the transaction pays the floor; less execution cannot lower its total'
    : ` (not binding: execution could fall by ${21000n + cd.standard + exec - 21000n - cd.floor} before it would)`));
  return { text: out.join('\n'), total };
}
