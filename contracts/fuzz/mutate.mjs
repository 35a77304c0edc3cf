// Deterministic mutators for the contract fuzzer (contracts/fuzz/fuzz.mjs): byte, token and ABI-word changes,
// stacked one to four at a time, from a seeded generator so that every finding can be replayed.

/** xorshift32: a small generator whose whole state is the seed, so `--seed` replays a run exactly. */
export function rng(seed) {
  let s = (Number(seed) >>> 0) || 1;
  const next = () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s;
  };
  next.below = (n) => (n <= 0 ? 0 : next() % n);
  next.pick = (a) => a[next() % a.length];
  return next;
}

// Bytes that change how a parser reads what follows: JSON structure, DER tags and lengths, PEM and base64 text.
const BYTES = [0x00, 0xff, 0x7f, 0x80, 0x81, 0x82, 0x20, 0x22, 0x2c, 0x3a, 0x7b, 0x7d, 0x5b, 0x5d, 0x30, 0x31,
  0x39, 0x2d, 0x2b, 0x2e, 0x65, 0x5c, 0x0a, 0x3d, 0x02, 0x03, 0x04, 0x05, 0x06, 0x17, 0x18, 0xa0, 0xa3];
const two = (k) => 1n << BigInt(k);
// ABI words: offsets and lengths at and around every boundary a reader must check.
const WORDS = [0n, 1n, 31n, 32n, 33n, 64n, 0x60n, 0x80n, 0xa0n, 0x100n, 0xffffn, two(16), two(32) - 1n, two(32),
  two(63), two(64) - 1n, two(64), two(128), two(255), two(256) - 1n, two(256) - 32n];
// Text that JSON, date and number readers must refuse or bound.
const TOKENS = ['0', '-1', '1e9', '99999999999999999999999999999', '""', '"', 'null', '[]', '{}', ',', ':',
  '2099-12-31T23:59:59Z', '1970-01-01T00:00:00Z', '0000-00-00T00:00:00Z', 'FF', 'ffffffffffffffffffff', '\\u0000'];

// JSON numbers and string contents put where the readers expect them (found by scanning the input's text).
const NUMBERS = ['0', '00', '01', '-1', '1.5', '1e3', '255', '256', '65535', '65536', '4294967296', '18446744073709551615',
  '18446744073709551616', '999999999999999999', '9999999999999999999999999999999999', ''];
const STRINGS = ['', 'UpToDate', 'SWHardeningNeeded', 'ConfigurationNeeded', 'ConfigurationAndSWHardeningNeeded', 'OutOfDate',
  'OutOfDateConfigurationNeeded', 'Revoked', 'INTEL-SA-00000', '2019-13-01T00:00:00Z', '2019-01-01T00:00:00', '9999-12-31T23:59:59Z',
  '00906ED50000', 'QE', 'TD_QE', 'SGX', 'TDX', 'ff', 'x'.repeat(300), '\\', '\\"', '\\u0041'];

/** [start, end) of every run of bytes matching re in b (as latin1 text). */
function runs(b, re) {
  const out = [];
  const t = b.toString('latin1');
  for (const m of t.matchAll(re)) out.push([m.index, m.index + m[0].length]);
  return out;
}

function replaceRun(b, r, re, choices, inner = 0) {
  const rs = runs(b, re);
  if (!rs.length) return b;
  const [s, e] = r.pick(rs);
  return Buffer.concat([b.subarray(0, s + inner), Buffer.from(r.pick(choices), 'latin1'), b.subarray(e - inner)]);
}

function word(v) {
  const b = Buffer.alloc(32);
  let x = v;
  for (let i = 31; i >= 0; i--) {
    b[i] = Number(x & 0xffn);
    x >>= 8n;
  }
  return b;
}

const OPS = [
  // one byte changed
  (b, r) => { if (b.length) b[r.below(b.length)] ^= 1 + r.below(255); return b; },
  (b, r) => { if (b.length) b[r.below(b.length)] = r.pick(BYTES); return b; },
  // a run of bytes cut out, repeated, or copied from elsewhere in the input
  (b, r) => { const i = r.below(b.length + 1); return Buffer.concat([b.subarray(0, i), b.subarray(i + 1 + r.below(16))]); },
  (b, r) => { const i = r.below(b.length + 1); const n = 1 + r.below(32); return Buffer.concat([b.subarray(0, i), b.subarray(i, i + n), b.subarray(i)]); },
  (b, r) => { if (b.length < 2) return b; const s = r.below(b.length); const d = r.below(b.length); const n = 1 + r.below(Math.min(64, b.length - s)); b.copy(b, d, s, s + n); return b; },
  (b, r) => b.subarray(0, r.below(b.length + 1)),
  // a 32-byte ABI word (at a word boundary) set to a boundary value
  (b, r) => { if (b.length < 32) return b; const i = r.below(b.length >> 5) << 5; word(r.pick(WORDS)).copy(b, i); return b; },
  (b, r) => { if (b.length < 36) return b; const i = 4 + (r.below((b.length - 4) >> 5) << 5); word(r.pick(WORDS)).copy(b, i); return b; },
  // a text token inserted or overwriting
  (b, r) => { const i = r.below(b.length + 1); return Buffer.concat([b.subarray(0, i), Buffer.from(r.pick(TOKENS)), b.subarray(i)]); },
  (b, r) => { const t = Buffer.from(r.pick(TOKENS)); if (b.length < t.length) return b; t.copy(b, r.below(b.length - t.length + 1)); return b; },
  // a JSON number or string content replaced (also hits hex and base64 runs in text inputs)
  (b, r) => replaceRun(b, r, /[0-9]+/g, NUMBERS),
  (b, r) => replaceRun(b, r, /"[^"\\]*"/g, STRINGS, 1),
];

/** A mutated copy of seed: 1-4 stacked operations. */
export function mutate(seed, r) {
  let b = Buffer.from(seed);
  const n = 1 + r.below(4);
  for (let k = 0; k < n; k++) b = Buffer.from(r.pick(OPS)(b, r));
  return b;
}
