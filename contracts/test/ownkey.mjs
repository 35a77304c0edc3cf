// Commitments written by the test itself: proxy messages (lcp-spec §3) built with ethers' ABI coder and a simulated
// IAS report (signed with lcp's test signing key, which lcp-solidity's simulation root certifies) for a key whose
// secret the test holds. Shared by own_key, strict_abi and membership_sig tests.
import crypto from 'node:crypto';
import { ethers } from 'ethers';
import * as F from './fixtures.mjs';

const coder = ethers.AbiCoder.defaultAbiCoder();
export const H = (n, h) => [n, h];
const header = (type) => '0x' + '0001' + type.toString(16).padStart(4, '0') + '00'.repeat(28);
export const ctxEmpty = coder.encode(['tuple(bytes32,bytes)'], [['0x' + '00'.repeat(32), '0x']]);
export const ctxTrusting = (untrusted, trusted, period, drift) => coder.encode(['tuple(bytes32,bytes)'], [['0x0001' + '00'.repeat(30),
  coder.encode(['bytes32', 'bytes32'], ['0x' + untrusted.toString(16).padStart(32, '0') + trusted.toString(16).padStart(32, '0'),
    '0x' + period.toString(16).padStart(32, '0') + drift.toString(16).padStart(32, '0')])]]);
const headered = (type, body) => Buffer.from(coder.encode(['tuple(bytes32,bytes)'], [[header(type), body]]).slice(2), 'hex');
export const updateState = ({ prev = H(0, 0), prevId = ethers.ZeroHash, post, postId, ts, ctx = ctxEmpty, emitted = [] }) => headered(1,
  coder.encode(['tuple(tuple(uint64,uint64),bytes32,tuple(uint64,uint64),bytes32,uint128,bytes,tuple(tuple(uint64,uint64),bytes)[])'],
    [[prev, prevId, post, postId, ts, ctx, emitted]]));
export const misbehaviour = (prevStates, ctx = ctxEmpty) => headered(3,
  coder.encode(['tuple(tuple(tuple(uint64,uint64),bytes32)[],bytes,bytes)'], [[prevStates, ctx, '0x0a00']]));
export const stateMsg = (prefix, path, value, height, stateId) => headered(2,
  coder.encode(['tuple(bytes,bytes,bytes32,tuple(uint64,uint64),bytes32)'], [[prefix, path, value, height, stateId]]));

export const MRENCLAVE = Buffer.alloc(32, 0x5e);

/** A simulated IAS report for ek, signed with lcp's test signing key (tests/certs/signing.key). */
export function simReport(ek, when) {
  const body = Buffer.alloc(432);
  body.writeUInt16LE(2, 0);
  body[96] = 0x07; // INIT | DEBUG | MODE64BIT
  MRENCLAVE.copy(body, 112);
  body[368] = 1;
  Buffer.from(ek.slice(2), 'hex').copy(body, 369);
  const ts = new Date(Number(when) * 1000).toISOString().replace('Z', '').replace(/\.(\d{3})$/, '.$1000');
  const avr = `{"id":"1","timestamp":"${ts}","version":4,"advisoryURL":"https://security-center.intel.com","advisoryIDs":[],` +
    `"isvEnclaveQuoteStatus":"OK","platformInfoBlob":null,"isvEnclaveQuoteBody":"${body.toString('base64')}"}`;
  const key = crypto.createPrivateKey(F.td('lcp/lcp/tests/certs/signing.key'));
  const sig = crypto.sign('sha256', Buffer.from(avr), key);
  return { avr, signature: sig.toString('base64'), signing_cert: F.td('lcp/lcp-solidity/certs/simulation_signing.der').toString('base64') };
}

/** Client "lcp-0" created on the contract (c, a test/client.mjs Client) and in the C driver (drv, configured for
 *  c), and a key whose secret the test holds (Wallet of 32 bytes keyByte) registered on both at T with a simulated
 *  IAS report (key_expiration 3600). Returns { ek, cs, reg, sign(message, wallet = ek) }. */
export async function ownKeyOnBoth(c, drv, T, keyByte) {
  c.chain.timestamp = T;
  const ok = (r, what) => { if (!r.ok) throw new Error(`${what}: ${r.error ?? r.line}`); };
  ok(await drv.config({ development: true, iasRoot: F.iasRoot('02'), contract: c.lc.address }), 'C driver config');
  const cs = F.clientState({ mrenclave: MRENCLAVE, keyExpiration: 3600 });
  ok(await c.init(cs), 'initializeClient');
  ok(await drv.create('lcp-0', cs), 'C create');
  const ek = new ethers.Wallet('0x' + keyByte.repeat(32));
  const reg = F.registerMsg(simReport(ek.address, T));
  ok(await c.register(reg), 'registerEnclaveKey');
  ok(await drv.msg('lcp-0', F.any(F.URL.register, reg), T), 'C register');
  return { ek, cs, reg, sign: (m, w = ek) => F.sign(w, ethers.keccak256(m)) };
}
