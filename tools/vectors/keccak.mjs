// Writes tests/vectors/crypto/keccak256.txt: an independent implementation's (@noble/hashes) Keccak-256 of the
// message m[i] = (i*7+1) mod 256 at every length 0..300 (all block boundaries around 136 and 272) and a few long
// inputs. Run: node tools/vectors/keccak.mjs > tests/vectors/crypto/keccak256.txt
import { keccak_256 } from '@noble/hashes/sha3';
const lens = [];
for (let i = 0; i <= 300; i++) lens.push(i);
lens.push(1000, 4095, 4096, 65536, 131072);
const max = Math.max(...lens);
const m = new Uint8Array(max);
for (let i = 0; i < max; i++) m[i] = (i * 7 + 1) & 255;
for (const l of lens) console.log(l, Buffer.from(keccak_256(m.subarray(0, l))).toString('hex'));
