// Writes tests/vectors/elc/eth_mpt_random.txt: tries built by an independent implementation (@ethereumjs/mpt) from
// deterministic pseudo-random key/value sets — short variable-length keys (prefix keys, values in branches, inline
// nodes) and 32-byte keys (the shape of secure account and storage tries) — with each trie's root and
// @ethereumjs/mpt's proofs of keys (all of them in small tries) and of absent keys. Lines:
//   trie <count> <root>            then <count> lines   kv <key> <value>
//   proof <key> <1 value | 0 -> <node,node,...>
// Run: node tools/vectors/eth_mpt.mjs > tests/vectors/elc/eth_mpt_random.txt
import { createMPT, createMerkleProof } from '@ethereumjs/mpt';

let s = 0x2545f491;
function rnd() { // xorshift32: deterministic, good enough to shape tries
  s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
  return s;
}
function bytes(n) { const b = new Uint8Array(n); for (let i = 0; i < n; i++) b[i] = rnd() & 255; return b; }
const hex = (b) => Buffer.from(b).toString('hex');

const shapes = [];
for (const n of [1, 2, 3, 5, 8, 16, 40]) shapes.push({ n, short: true });
for (const n of [1, 2, 3, 10, 50, 200]) shapes.push({ n, short: false });
for (const { n, short } of shapes) {
  const trie = await createMPT();
  const kv = new Map();
  while (kv.size < n) {
    // short keys share prefixes often (a small alphabet), so some keys are prefixes of others
    const key = short ? bytes(1 + (rnd() % 3)).map((x) => x & 0x13) : bytes(32);
    const val = bytes(1 + (rnd() % (short ? 6 : 40)));
    kv.set(hex(key), val);
    await trie.put(key, val);
  }
  console.log(`trie ${kv.size} ${hex(trie.root())}`);
  for (const [k, v] of kv) console.log(`kv ${k} ${hex(v)}`);
  const absent = [];
  for (let i = 0; i < 4; i++) absent.push(short ? hex(bytes(1 + (rnd() % 3)).map((x) => x & 0x13)) : hex(bytes(32)));
  // every key of small tries, every 10th of large ones (keeps the file small), and the absent keys
  const keys = [...kv.keys()].filter((_, i) => kv.size <= 16 || i % 10 === 0);
  for (const k of [...keys, ...absent]) {
    const key = Buffer.from(k, 'hex');
    const proof = await createMerkleProof(trie, key);
    const v = await trie.get(key);
    console.log(`proof ${k} ${v ? '1 ' + hex(v) : '0 -'} ${proof.map(hex).join(',')}`);
  }
}
