// Writes tests/vectors/crypto/bls.txt: BLS12-381 cases computed by an independent implementation (@noble/curves)
// from a seeded generator, for tests/crypto/test_bls_diff.c. One case per line, fields separated by spaces, hex
// without 0x ("-" for an empty message):
//   pk <sk> <pk>                               public key of a secret key
//   sign <sk> <msg> <sig>                      Sign with the Ethereum POP DST (message of random length)
//   h2g2 <msg> <point>                         hash_to_curve G2, POP DST, compressed
//   g1 <bytes> <0|1>, g2 <bytes> <0|1>         does the compressed encoding decode (on curve, in subgroup)?
//   agg <pk,pk,...> <aggregate pk>             sum of public keys
//   fav <msg> <sig> <pk,pk,...> <0|1>          FastAggregateVerify verdict (valid sets and mismatched ones)
// Run: node tools/vectors/bls.mjs > tests/vectors/crypto/bls.txt
import { bls12_381 } from '@noble/curves/bls12-381.js';
import { sha256 } from '@noble/hashes/sha2.js';

const DST = 'BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_';
const bls = bls12_381.longSignatures;
const G1 = bls12_381.G1.Point;
const G2 = bls12_381.G2.Point;
const r = bls12_381.fields.Fr.ORDER;

let ctr = 0; // deterministic bytes: SHA-256 of a counter
function rand(n) {
  const out = new Uint8Array(n);
  for (let off = 0; off < n; off += 32) {
    const b = sha256(new TextEncoder().encode('lcp-bls-vectors-' + ctr++));
    out.set(b.subarray(0, Math.min(32, n - off)), off);
  }
  return out;
}
const hex = (b) => (b.length ? Buffer.from(b).toString('hex') : '-');
function randSk() {
  let v = 0n;
  for (const x of rand(48)) v = (v << 8n) | BigInt(x);
  v = (v % (r - 1n)) + 1n;
  return Uint8Array.from(Buffer.from(v.toString(16).padStart(64, '0'), 'hex'));
}
const pkOf = (sk) => bls.getPublicKey(sk).toBytes(true);
const signBytes = (sk, msg) => bls.sign(bls.hash(msg, DST), sk).toBytes(true);
function decodes(P, b) {
  try {
    P.fromBytes(b).assertValidity();
    return 1;
  } catch {
    return 0;
  }
}
function fav(msg, sig, pks) {
  try {
    const agg = bls.aggregatePublicKeys(pks.map((p) => G1.fromBytes(p)));
    return bls.verify(G2.fromBytes(sig), bls.hash(msg, DST), agg) ? 1 : 0;
  } catch {
    return 0;
  }
}
const lines = [];
const keys = [];
for (let i = 0; i < 48; i++) {
  const sk = randSk();
  keys.push({ sk, pk: pkOf(sk) });
  lines.push(`pk ${hex(sk)} ${hex(keys[i].pk)}`);
}
for (let i = 0; i < 32; i++) {
  const msg = rand(rand(1)[0] % 80);
  lines.push(`sign ${hex(keys[i].sk)} ${hex(msg)} ${hex(signBytes(keys[i].sk, msg))}`);
}
for (let i = 0; i < 32; i++) {
  const msg = rand(i * 3);
  lines.push(`h2g2 ${hex(msg)} ${hex(bls.hash(msg, DST).toBytes(true))}`);
}
// decoding: valid keys and signatures with one byte changed (mostly off the curve or outside the subgroup), with
// flag bits toggled, and random bytes with the compression flag set
for (let i = 0; i < 64; i++) {
  const pk = Uint8Array.from(keys[i % keys.length].pk);
  const sig = Uint8Array.from(signBytes(keys[i % keys.length].sk, rand(32)));
  const k = rand(2);
  if (i % 4 === 0) {
    pk[0] ^= 0x20; // the other y
    sig[0] ^= 0x20;
  } else if (i % 4 === 1) {
    pk[47 - (k[0] % 40)] ^= 1 << (k[1] % 8);
    sig[95 - (k[0] % 90)] ^= 1 << (k[1] % 8);
  } else if (i % 4 === 2) {
    pk.set(rand(48));
    sig.set(rand(96));
    pk[0] = (pk[0] & 0x1f) | 0x80;
    sig[0] = (sig[0] & 0x1f) | 0x80;
  }
  lines.push(`g1 ${hex(pk)} ${decodes(G1, pk)}`);
  lines.push(`g2 ${hex(sig)} ${decodes(G2, sig)}`);
}
for (let i = 0; i < 16; i++) {
  const n = 1 + (rand(1)[0] % 12);
  const pks = keys.slice(i, i + n).map((k) => k.pk);
  lines.push(`agg ${pks.map(hex).join(',')} ${hex(bls.aggregatePublicKeys(pks.map((p) => G1.fromBytes(p))).toBytes(true))}`);
}
// FastAggregateVerify: committees of 1..16 keys; valid, wrong message, a key missing, a key extra
for (let i = 0; i < 40; i++) {
  const n = 1 + (rand(1)[0] % 16);
  const start = rand(1)[0] % (keys.length - n);
  const members = keys.slice(start, start + n);
  const msg = rand(32);
  const sig = bls
    .aggregateSignatures(members.map((k) => G2.fromBytes(signBytes(k.sk, msg))))
    .toBytes(true);
  let pks = members.map((k) => k.pk);
  let m = msg;
  if (i % 4 === 1) m = rand(32);
  else if (i % 4 === 2 && n > 1) pks = pks.slice(1);
  else if (i % 4 === 3) pks = pks.concat([keys[(start + n) % keys.length].pk]);
  lines.push(`fav ${hex(m)} ${hex(sig)} ${pks.map(hex).join(',')} ${fav(m, sig, pks)}`);
}
console.log(lines.join('\n'));
