// Test data readers and protobuf builders shared by the contract tests, the benchmark and the differential test.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ethers } from 'ethers';

const here = path.dirname(fileURLToPath(import.meta.url));
export const ROOT = path.resolve(here, '../..');
export const TESTDATA = process.env.LCP_TESTDATA || path.resolve(ROOT, '../shared/testdata');

export const td = (rel) => fs.readFileSync(path.join(TESTDATA, rel));
export const tdJSON = (rel) => JSON.parse(td(rel).toString('utf8'));
export const b64 = (s) => Buffer.from(s, 'base64');
export const hex = (b) => '0x' + Buffer.from(b).toString('hex');

// ---- protobuf writer ----
function varint(v) {
  v = BigInt(v);
  const out = [];
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return Buffer.from(out);
}
export const pbUint = (f, v) => (BigInt(v) === 0n ? Buffer.alloc(0) : Buffer.concat([varint(f << 3), varint(v)]));
export const pbBytes = (f, b) => Buffer.concat([varint((f << 3) | 2), varint(b.length), Buffer.from(b)]);
export const pbBytesOpt = (f, b) => (b.length ? pbBytes(f, b) : Buffer.alloc(0));
export const any = (url, value) => Buffer.concat([pbBytesOpt(1, Buffer.from(url)), pbBytesOpt(2, value)]);

export const URL = {
  clientState: '/ibc.lightclients.lcp.v1.ClientState',
  consensusState: '/ibc.lightclients.lcp.v1.ConsensusState',
  update: '/ibc.lightclients.lcp.v1.UpdateClientMessage',
  register: '/ibc.lightclients.lcp.v1.RegisterEnclaveKeyMessage',
  dcapRegister: '/ibc.lightclients.lcp.v1.DCAPRegisterEnclaveKeyMessage',
  operators: '/ibc.lightclients.lcp.v1.UpdateOperatorsMessage',
};

/** ClientState protobuf, as tests/common/lcfix.c builds it. */
export function clientState({ mrenclave, keyExpiration = 60 * 86400, statuses = [], advisories = [], operators = [], num = 0, den = 0,
  currentTcb = 0, grace = 0, nextTcb = 0, nextTcbTime = 0 }) {
  return Buffer.concat([
    pbBytes(1, mrenclave), pbUint(2, keyExpiration), pbBytes(4, Buffer.alloc(0)),
    ...statuses.map((s) => pbBytes(5, Buffer.from(s))), ...advisories.map((s) => pbBytes(6, Buffer.from(s))),
    ...operators.map((o) => pbBytes(7, Buffer.from(o.slice(2), 'hex'))), pbUint(9, num), pbUint(10, den),
    pbUint(11, currentTcb), pbUint(12, grace), pbUint(13, nextTcb), pbUint(14, nextTcbTime),
  ]);
}

export const STATUSES = ['GROUP_OUT_OF_DATE'];
export const ADVISORIES = ['INTEL-SA-00219', 'INTEL-SA-00289', 'INTEL-SA-00334', 'INTEL-SA-00477', 'INTEL-SA-00614', 'INTEL-SA-00615',
  'INTEL-SA-00617', 'INTEL-SA-00828'];

export const RUNS = {
  '01': { keys: 1, steps: ['003-update_client', '004-verify_channel', '005-update_client', '006-verify_packet', '007-verify_packet_receipt_absence'] },
  '02': { keys: 1, steps: ['003-update_client', '004-verify_channel', '005-update_client', '006-verify_packet', '007-verify_packet_receipt_absence'] },
  '03': { keys: 4, steps: ['006-update_client', '007-update_client', '008-update_client', '009-update_client', '010-update_client', '011-update_client',
    '012-update_client', '013-update_client', '014-verify_channel', '015-update_client', '016-verify_packet', '017-verify_packet_receipt_absence'] },
};

const DIR = 'lcp/lcp-solidity/client/';
export const avrOf = (dir, k) => tdJSON(`${DIR}${dir}/${String(k).padStart(3, '0')}-avr`);
export const iasRoot = (dir) => td(dir === '01' ? 'lcp/lcp-solidity/certs/Intel_SGX_Attestation_RootCA.der' : 'lcp/lcp-solidity/certs/simulation_rootca.der');
export const mrenclaveOf = (dir) => b64(avrOf(dir, 1).mrenclave);
export function nowOf(dir, step, fallback) {
  const j = tdJSON(`${DIR}${dir}/${step}_input`);
  return typeof j.current_timestamp === 'number' ? BigInt(j.current_timestamp) : fallback;
}
export function resultOf(dir, step) {
  const j = tdJSON(`${DIR}${dir}/${step}_result`);
  const o = j.proof || j;
  return { message: b64(o.message), signature: b64(o.signature) };
}
export const inputOf = (dir, step) => tdJSON(`${DIR}${dir}/${step}_input`);

/** RegisterEnclaveKeyMessage {report, signature, signing_cert, operator_signature}. */
export function registerMsg(avr, opSig = Buffer.alloc(0)) {
  return Buffer.concat([pbBytesOpt(1, Buffer.from(avr.avr)), pbBytesOpt(2, b64(avr.signature)), pbBytesOpt(3, b64(avr.signing_cert)), pbBytesOpt(4, opSig)]);
}
export const updateMsg = (pm, sigs) => Buffer.concat([pbBytesOpt(1, pm), ...sigs.map((s) => pbBytes(2, s))]);
export function operatorsMsg(nonce, ops, num, den, sigs) {
  return Buffer.concat([pbUint(1, nonce), ...ops.map((o) => pbBytes(2, Buffer.from(o.slice(2), 'hex'))), pbUint(3, num), pbUint(4, den),
    ...sigs.map((s) => pbBytes(5, s))]);
}
export const dcapMsg = (quote, collateral, opSig = Buffer.alloc(0)) =>
  Buffer.concat([pbBytesOpt(1, quote), pbBytesOpt(2, collateral), pbBytesOpt(3, opSig)]);

/** abi.encode(CommitmentProofs{message, signatures}). */
export const proofs = (message, sigs) => ethers.AbiCoder.defaultAbiCoder().encode(['tuple(bytes,bytes[])'], [[message, sigs]]);

// ---- EIP-712 (lcp-spec §6.8) ----
// keccak256 of bytes (hex strings included) or, for a plain string, of its UTF-8 bytes
const k = (s) => ethers.keccak256(typeof s === 'string' && !ethers.isHexString(s) ? ethers.toUtf8Bytes(s) : s);
const coder = ethers.AbiCoder.defaultAbiCoder();
export const DS_LCP = '0x7fd21c2453e80741907e7ff11fd62ae1daa34c6fc0c2eced821f1c1d3fe88a4c';
export const registerDigest = (avr) => ethers.keccak256(ethers.concat(['0x1901', DS_LCP,
  k(coder.encode(['bytes32', 'bytes32'], [k('RegisterEnclaveKey(string avr)'), k(Buffer.from(avr))]))]));
export const dcapRegisterDigest = (quote) => ethers.keccak256(ethers.concat(['0x1901', DS_LCP,
  k(coder.encode(['bytes32', 'bytes32'], [k('DCAPRegisterEnclaveKey(bytes quote)'), k(quote)]))]));
export function evmDomain(chainId, contract) {
  return k(coder.encode(['bytes32', 'bytes32', 'bytes32', 'uint256', 'address', 'bytes32'],
    [k('EIP712Domain(string name,string version,uint256 chainId,address verifyingContract,bytes32 salt)'), k('LCPClient'), k('1'), chainId, contract,
      k('0x0001')]));
}
export function operatorsDigest(domain, clientId, nonce, ops, num, den) {
  const sh = k(coder.encode(['bytes32', 'bytes32', 'uint64', 'bytes32', 'uint64', 'uint64'],
    [k('UpdateOperators(string clientId,uint64 nonce,address[] newOperators,uint64 thresholdNumerator,uint64 thresholdDenominator)'), k(clientId), nonce,
      k(ethers.concat(ops.map((o) => ethers.zeroPadValue(o, 32)))), num, den]));
  return ethers.keccak256(ethers.concat(['0x1901', domain, sh]));
}
/** 65-byte r||s||v (v 27/28) signature of digest by wallet. */
export const sign = (wallet, digest) => Buffer.from(ethers.Signature.from(wallet.signingKey.sign(digest)).serialized.slice(2), 'hex');

/** Four operator wallets sorted by address (as tests/lcpclient/test_replay.c makes them: keys 0x10.., 0x11.., ...). */
export function operatorWallets() {
  const ws = [0, 1, 2, 3].map((i) => new ethers.Wallet('0x' + (0x10 + i).toString(16).repeat(32)));
  return ws.sort((a, b) => (BigInt(a.address) < BigInt(b.address) ? -1 : 1));
}
