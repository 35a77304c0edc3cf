// The LCP service through a real gRPC client (@grpc/grpc-js + @grpc/proto-loader on our .proto files), run by
// tests/cli/test_service.sh against `lcp service start` with a simulated platform, an attested key and the mock
// light client. Environment: LCP_GRPC_ADDR, LCP_METRICS_ADDR, LCP_KEY (the attested key, 0x..), LCP_SERVICE_PID,
// LCP_BIN, LCP_THREADS.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http2 from 'node:http2';
import net from 'node:net';
import http from 'node:http';
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import grpc from '@grpc/grpc-js';
import protoLoader from '@grpc/proto-loader';
import { ethers } from 'ethers';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const ADDR = process.env.LCP_GRPC_ADDR;
const METRICS = process.env.LCP_METRICS_ADDR;
const KEY = (process.env.LCP_KEY || '').toLowerCase();
const DCAP_KEY = (process.env.LCP_DCAP_KEY || '').toLowerCase();
const PID = Number(process.env.LCP_SERVICE_PID || 0);
const THREADS = Number(process.env.LCP_THREADS || 2);
assert.ok(ADDR && METRICS && KEY, 'LCP_GRPC_ADDR, LCP_METRICS_ADDR and LCP_KEY are required');

const def = protoLoader.loadSync([path.join(ROOT, 'proto/lcp_service.proto'), path.join(ROOT, 'proto/lcp_service_enclave.proto')], {
  keepCase: true, longs: String, enums: String, defaults: true, oneofs: true, includeDirs: [path.join(ROOT, 'proto')],
});
const pkg = grpc.loadPackageDefinition(def);
const ElcMsg = pkg.lcp.service.elc.v1.Msg;
const ElcQuery = pkg.lcp.service.elc.v1.Query;
const EnclaveQuery = pkg.lcp.service.enclave.v1.Query;
const creds = grpc.credentials.createInsecure();
const opts = { 'grpc.max_send_message_length': -1, 'grpc.max_receive_message_length': -1 };
const msg = new ElcMsg(ADDR, creds, opts);
const query = new ElcQuery(ADDR, creds, opts);
const enclave = new EnclaveQuery(ADDR, creds, opts);

const call = (client, method, req, deadlineMs = 20000) => new Promise((resolve, reject) => {
  client[method](req, { deadline: Date.now() + deadlineMs }, (err, res) => (err ? reject(err) : resolve(res)));
});
const fails = async (p, code, re) => {
  await assert.rejects(p, (e) => {
    assert.equal(e.code, code, `expected ${code}, got ${e.code}: ${e.details}`);
    if (re) assert.match(e.details, re);
    return true;
  });
};

// ---- the mock light client's encodings (src/elc/mock.c) ----
function varint(n) {
  let v = BigInt(n); const out = [];
  do { let b = Number(v & 0x7fn); v >>= 7n; if (v) b |= 0x80; out.push(b); } while (v);
  return Buffer.from(out);
}
const fieldVarint = (no, v) => Buffer.concat([varint(no << 3), varint(v)]);
const fieldBytes = (no, b) => Buffer.concat([varint((no << 3) | 2), varint(b.length), b]);
const NOW_NS = BigInt(Date.now()) * 1000000n;
function mockHeader(height, ts = NOW_NS, pad = 0) {
  const h = fieldVarint(2, height); // Height{revision_number: 0 (omitted, canonical), revision_height}
  // An unknown field makes a header of any size: the mock skips fields it does not know.
  const parts = [fieldBytes(1, h), fieldVarint(2, ts)];
  if (pad) parts.push(fieldBytes(15, Buffer.alloc(pad, 0xab)));
  return Buffer.concat(parts);
}
const anyOf = (type_url, value) => ({ type_url, value });
const mockClientState = (height) => anyOf('/ibc.mock.ClientState', fieldBytes(1, mockHeader(height)));
const mockConsensusState = (height) => anyOf('/ibc.mock.ConsensusState', fieldBytes(1, mockHeader(height)));
const mockHeaderAny = (height, pad = 0) => anyOf('/ibc.mock.Header', mockHeader(height, NOW_NS, pad));
const signer = Buffer.from(KEY.slice(2), 'hex');

function recoverSigner(res) {
  assert.equal(res.signature.length, 65);
  return ethers.recoverAddress(ethers.keccak256(res.message), ethers.Signature.from(ethers.hexlify(res.signature))).toLowerCase();
}
const abi = ethers.AbiCoder.defaultAbiCoder();
function decodeCommitment(message) {
  const [[header, inner]] = abi.decode(['tuple(bytes32,bytes)'], message);
  const type = parseInt(header.slice(6, 10), 16);
  assert.equal(header.slice(0, 6), '0x0001', 'version 1');
  if (type === 1) {
    const [[prevH, prevId, postH, postId, ts, ctx, emitted]] = abi.decode(
      ['tuple(tuple(uint64,uint64),bytes32,tuple(uint64,uint64),bytes32,uint128,bytes,tuple(tuple(uint64,uint64),bytes)[])'], inner);
    return { type, prevHeight: prevH[1], prevStateId: prevId, postHeight: postH[1], postStateId: postId, timestamp: ts, context: ctx, emitted };
  }
  if (type === 2) {
    const [[prefix, p, value, h, stateId]] = abi.decode(['tuple(bytes,bytes,bytes32,tuple(uint64,uint64),bytes32)'], inner);
    return { type, prefix, path: ethers.toUtf8String(p), value, height: h[1], stateId };
  }
  return { type };
}

let nextId = 100;
async function newClient(height = 1) {
  const client_id = `mock-client-${nextId++}`;
  const res = await call(msg, 'CreateClient', {
    client_id, client_state: mockClientState(height), consensus_state: mockConsensusState(height), signer,
  });
  // As in LCP, create_client commitments come back unsigned (the mock does not ask for a proof).
  assert.equal(res.signature.length, 0);
  assert.equal(decodeCommitment(res.message).postHeight, BigInt(height));
  return { client_id, res };
}

function metricsText() {
  return new Promise((resolve, reject) => {
    const [host, port] = [METRICS.slice(0, METRICS.lastIndexOf(':')), METRICS.slice(METRICS.lastIndexOf(':') + 1)];
    http.get({ host: host.replace(/^\[|\]$/g, ''), port, path: '/metrics' }, (r) => {
      let body = ''; r.on('data', (d) => { body += d; }); r.on('end', () => resolve({ status: r.statusCode, body }));
    }).on('error', reject);
  });
}
function metricValue(text, name) {
  const line = text.split('\n').find((l) => l.startsWith(name + ' ') || l.startsWith(name + '{') && l.includes(name));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : NaN;
}

// Raw HTTP/2 for what a well-behaved client never sends. Returns {headers, trailers, data}.
function rawGrpc(pathName, body, { headers = {}, endWith } = {}) {
  return new Promise((resolve, reject) => {
    const s = http2.connect(`http://${ADDR}`);
    s.on('error', reject);
    const req = s.request({ ':method': 'POST', ':path': pathName, 'content-type': 'application/grpc', te: 'trailers', ...headers });
    let resHeaders = {}, trailers = {}; const chunks = [];
    req.on('response', (h) => { resHeaders = h; });
    req.on('trailers', (t) => { trailers = t; });
    req.on('data', (d) => chunks.push(d));
    req.on('close', () => { s.close(); resolve({ headers: resHeaders, trailers, data: Buffer.concat(chunks) }); });
    req.on('error', () => {}); // RST_STREAM(NO_ERROR) after the response is fine
    if (endWith) endWith(req); else req.end(body);
  });
}
const grpcFrame = (payload, flag = 0) => { const h = Buffer.alloc(5); h[0] = flag; h.writeUInt32BE(payload.length, 1); return Buffer.concat([h, payload]); };
const statusOf = (r) => Number(r.trailers['grpc-status'] ?? r.headers['grpc-status']);
const messageOf = (r) => decodeURIComponent(r.trailers['grpc-message'] ?? r.headers['grpc-message'] ?? '');

// ---------------------------------------------------------------------------------------------------------

const addrOf = (k) => '0x' + Buffer.from((k.key_info === 'zkdcap' ? k.zkdcap.dcap : k[k.key_info]).enclave_key_address).toString('hex');

test('EnclaveInfo, AvailableEnclaveKeys and EnclaveKey report the attested keys', async () => {
  const info = await call(enclave, 'EnclaveInfo', {});
  assert.equal(info.mrenclave.length, 32);
  assert.equal(info.enclave_debug, true);
  const avail = await call(enclave, 'AvailableEnclaveKeys', { mrenclave: info.mrenclave, enclave_debug: true, ra_type: 0 });
  const addrs = avail.keys.map(addrOf);
  assert.ok(addrs.includes(KEY), `available keys ${addrs} include ${KEY}`);
  const k = avail.keys[addrs.indexOf(KEY)];
  assert.equal(k.key_info, 'ias');
  const report = JSON.parse(k.ias.report);
  assert.equal(report.isvEnclaveQuoteStatus, 'OK');
  assert.ok(k.ias.signature.length >= 256 && k.ias.signing_cert.length > 100);
  assert.ok(Number(k.ias.attestation_time) > 1.6e9);
  // The report binds the key: report_data[1..21) is its address.
  const body = Buffer.from(report.isvEnclaveQuoteBody, 'base64');
  assert.equal('0x' + body.subarray(48 + 320 + 1, 48 + 320 + 21).toString('hex'), KEY);
  new X509Certificate(Buffer.from(k.ias.signing_cert)); // a DER certificate
  // Filters: attestation type, another build, another debug flag.
  const ias = await call(enclave, 'AvailableEnclaveKeys', { mrenclave: info.mrenclave, enclave_debug: true, ra_type: 1 });
  assert.deepEqual(ias.keys.map(addrOf), [KEY]);
  const dcap = await call(enclave, 'AvailableEnclaveKeys', { mrenclave: info.mrenclave, enclave_debug: true, ra_type: 2 });
  assert.deepEqual(dcap.keys.map(addrOf), DCAP_KEY ? [DCAP_KEY] : []);
  assert.equal(avail.keys.length, 1 + (DCAP_KEY ? 1 : 0), 'the unattested key is not available');
  assert.equal((await call(enclave, 'AvailableEnclaveKeys', { mrenclave: Buffer.alloc(32, 7), enclave_debug: true })).keys.length, 0);
  assert.equal((await call(enclave, 'AvailableEnclaveKeys', { mrenclave: info.mrenclave, enclave_debug: false })).keys.length, 0);
  await fails(call(enclave, 'AvailableEnclaveKeys', { mrenclave: Buffer.alloc(31) }), grpc.status.INVALID_ARGUMENT, /mrenclave/);
  await fails(call(enclave, 'AvailableEnclaveKeys', { mrenclave: info.mrenclave, ra_type: 9 }), grpc.status.INVALID_ARGUMENT);

  const one = await call(enclave, 'EnclaveKey', { enclave_key_address: signer });
  assert.equal(one.key.key_info, 'ias');
  assert.equal(one.key.ias.report, k.ias.report);
  await fails(call(enclave, 'EnclaveKey', { enclave_key_address: Buffer.alloc(20, 1) }), grpc.status.ABORTED, /not found/);
  await fails(call(enclave, 'EnclaveKey', { enclave_key_address: Buffer.alloc(19) }), grpc.status.INVALID_ARGUMENT);
  if (process.env.LCP_UNATTESTED_KEY) {
    const u = Buffer.from(process.env.LCP_UNATTESTED_KEY.slice(2), 'hex');
    await fails(call(enclave, 'EnclaveKey', { enclave_key_address: u }), grpc.status.ABORTED, /not attested/);
  }
});

test('EnclaveKey of a DCAP-attested key carries its quote and collateral', { skip: !DCAP_KEY }, async () => {
  const { key } = await call(enclave, 'EnclaveKey', { enclave_key_address: Buffer.from(DCAP_KEY.slice(2), 'hex') });
  assert.equal(key.key_info, 'dcap');
  const d = key.dcap;
  assert.equal(addrOf(key), DCAP_KEY);
  const quote = Buffer.from(d.quote);
  assert.equal(quote.readUInt16LE(0), 3, 'a DCAP v3 quote');
  // report_data of the quoted report (header 48 + body offset 320) binds the key.
  assert.equal('0x' + quote.subarray(48 + 320 + 1, 48 + 320 + 21).toString('hex'), DCAP_KEY);
  assert.equal(Buffer.from(d.fmspc).length, 6);
  assert.equal(d.tcb_status, 'UpToDate');
  assert.ok(Number(d.validity.not_after) > Number(d.validity.not_before));
  const tcb = JSON.parse(d.collateral.tcb_info_json), qe = JSON.parse(d.collateral.qe_identity_json);
  assert.ok(tcb.tcbInfo && /^[0-9a-f]{128}$/.test(tcb.signature));
  assert.ok(qe.enclaveIdentity && /^[0-9a-f]{128}$/.test(qe.signature));
  assert.equal(tcb.tcbInfo.fmspc.toLowerCase(), Buffer.from(d.fmspc).toString('hex'));
  const root = new X509Certificate(Buffer.from(d.collateral.sgx_intel_root_ca_der));
  const signing = new X509Certificate(Buffer.from(d.collateral.sgx_tcb_signing_der));
  assert.ok(signing.verify(root.publicKey), 'the TCB signing certificate is issued by the root');
  assert.equal(Buffer.from(d.collateral.sgx_intel_root_ca_crl_der)[0], 0x30);
  assert.equal(Buffer.from(d.collateral.sgx_pck_crl_der)[0], 0x30);
});

test('CreateClient, UpdateClient, QueryClient: commitments signed by the reported key', async () => {
  // Without a client id the enclave numbers the client itself.
  const auto = await call(msg, 'CreateClient', { client_id: '', client_state: mockClientState(1), consensus_state: mockConsensusState(1), signer });
  const c0 = decodeCommitment(auto.message);
  assert.equal(c0.type, 1);
  assert.equal(c0.postHeight, 1n);
  assert.equal(c0.prevHeight, 0n);

  const { client_id, res } = await newClient(1);
  const created = decodeCommitment(res.message);
  const up = await call(msg, 'UpdateClient', { client_id, header: mockHeaderAny(2), include_state: false, signer });
  assert.equal(recoverSigner(up), KEY);
  const u = decodeCommitment(up.message);
  assert.equal(u.type, 1);
  assert.equal(u.prevHeight, 1n);
  assert.equal(u.postHeight, 2n);
  assert.equal(u.prevStateId, created.postStateId, 'the update chains from the created state');
  assert.equal(u.emitted.length, 1, 'the mock always emits its state (spec §2)');
  assert.equal(u.emitted[0][0][1], 2n);
  const up3 = await call(msg, 'UpdateClient', { client_id, header: mockHeaderAny(3), include_state: true, signer });
  const u3 = decodeCommitment(up3.message);
  assert.equal(u3.prevStateId, u.postStateId);
  assert.equal(u3.emitted.length, 1);
  assert.equal(u3.emitted[0][0][1], 3n);

  // The same commitment through the project's own decoder.
  const out = JSON.parse(execFileSync(process.env.LCP_BIN, ['commitment', 'decode', '-'], { input: Buffer.from(up3.message).toString('hex') }).toString());
  assert.ok(JSON.stringify(out).includes('"revision_height"'), 'lcp commitment decode reads it');

  const q = await call(query, 'Client', { client_id });
  assert.equal(q.found, true);
  assert.equal(q.client_state.type_url, '/ibc.mock.ClientState');
  assert.equal(q.consensus_state.type_url, '/ibc.mock.ConsensusState');
  assert.deepEqual(Buffer.from(q.consensus_state.value), fieldBytes(1, mockHeader(3)));
  assert.equal((await call(query, 'Client', { client_id: 'mock-client-99999' })).found, false);

  // Error paths: the enclave's reason comes back with ABORTED, as LCP does.
  await fails(call(msg, 'UpdateClient', { client_id, header: mockHeaderAny(3), signer }), grpc.status.ABORTED, /does not increase/);
  await fails(call(msg, 'UpdateClient', { client_id: 'mock-client-77777', header: mockHeaderAny(5), signer }), grpc.status.ABORTED, /not found/);
  await fails(call(msg, 'UpdateClient', { client_id, header: mockHeaderAny(9), signer: Buffer.alloc(20, 9) }), grpc.status.ABORTED, /sealed_enclave_key_not_found/);
  await fails(call(msg, 'UpdateClient', { client_id, header: mockHeaderAny(9), signer: Buffer.alloc(5) }), grpc.status.INVALID_ARGUMENT, /signer/);
  await fails(call(msg, 'UpdateClient', { client_id, signer }), grpc.status.INVALID_ARGUMENT, /header/);
  await fails(call(msg, 'UpdateClient', { client_id, header: anyOf('/ibc.mock.Nothing', Buffer.alloc(3)), signer }), grpc.status.ABORTED);
  await fails(call(msg, 'CreateClient', { client_id: 'mock-client-x', client_state: mockClientState(1), consensus_state: mockConsensusState(1), signer }), grpc.status.ABORTED, /client id/);
  await fails(call(msg, 'CreateClient', { client_id, client_state: mockClientState(1), consensus_state: mockConsensusState(1), signer }), grpc.status.ABORTED, /already exists/);
  await fails(call(msg, 'CreateClient', { client_id: '', client_state: anyOf('/no.Such', Buffer.alloc(0)), consensus_state: mockConsensusState(1), signer }), grpc.status.ABORTED, /no light client/);
  await fails(call(msg, 'CreateClient', { client_id: '', consensus_state: mockConsensusState(1), signer }), grpc.status.INVALID_ARGUMENT);
  // A reason with bytes outside printable ASCII survives percent-encoding.
  await fails(call(msg, 'UpdateClient', { client_id: 'mock-client-é%\n', header: mockHeaderAny(5), signer }), grpc.status.ABORTED, /mock-client-é%\n/);
});

test('UpdateClientStream: a header in many chunks gives the same commitment as UpdateClient', async () => {
  const a = await newClient(1), b = await newClient(1);
  const header = mockHeaderAny(2, 300000); // ~300 KB, carried by an unknown field
  const unary = await call(msg, 'UpdateClient', { client_id: a.client_id, header, include_state: true, signer });
  const streamed = await new Promise((resolve, reject) => {
    const s = msg.UpdateClientStream({ deadline: Date.now() + 20000 }, (err, res) => (err ? reject(err) : resolve(res)));
    s.write({ init: { client_id: b.client_id, include_state: true, signer, type_url: header.type_url } });
    const v = header.value;
    let off = 0;
    for (let i = 0; off < v.length; i++) { // 1-byte chunks first, then growing ones: 60+ chunks
      const n = i < 40 ? 1 : Math.min(v.length - off, 997 * i);
      s.write({ header_chunk: { data: v.subarray(off, off + n) } });
      off += n;
    }
    s.end();
  });
  assert.deepEqual(Buffer.from(streamed.message), Buffer.from(unary.message));
  assert.equal(recoverSigner(streamed), KEY);
  assert.deepEqual(Buffer.from(streamed.signature), Buffer.from(unary.signature), 'RFC 6979: same message, same signature');

  const stream = (chunks) => new Promise((resolve, reject) => {
    const s = msg.UpdateClientStream({ deadline: Date.now() + 20000 }, (err, res) => (err ? reject(err) : resolve(res)));
    for (const c of chunks) s.write(c);
    s.end();
  });
  await fails(stream([]), grpc.status.INVALID_ARGUMENT, /init/);
  await fails(stream([{ header_chunk: { data: Buffer.alloc(3) } }]), grpc.status.INVALID_ARGUMENT, /first chunk/);
  await fails(stream([{ init: { client_id: b.client_id, signer, type_url: header.type_url } }, { init: { client_id: b.client_id, signer } }]),
    grpc.status.INVALID_ARGUMENT, /header_chunk/);
  await fails(stream([{ init: { client_id: b.client_id, signer: Buffer.alloc(3), type_url: header.type_url } }]), grpc.status.INVALID_ARGUMENT, /signer/);
  // The enclave judges the assembled header: b is at height 2 already.
  await fails(stream([{ init: { client_id: b.client_id, signer, type_url: header.type_url } }, { header_chunk: { data: header.value } }]),
    grpc.status.ABORTED, /does not increase/);
});

test('VerifyMembership, VerifyNonMembership and AggregateMessages', async () => {
  const { client_id } = await newClient(1);
  const u2 = await call(msg, 'UpdateClient', { client_id, header: mockHeaderAny(2), signer });
  const u3 = await call(msg, 'UpdateClient', { client_id, header: mockHeaderAny(3), signer });
  const proof_height = { revision_number: 0, revision_height: 3 };
  const prefix = Buffer.from('ibc');
  const vm = await call(msg, 'VerifyMembership', {
    client_id, prefix, path: 'clients/07-tendermint-0/clientState', value: Buffer.from('v'), proof_height, proof: Buffer.from([1]), signer,
  });
  assert.equal(recoverSigner(vm), KEY);
  const m = decodeCommitment(vm.message);
  assert.equal(m.type, 2);
  assert.equal(m.path, 'clients/07-tendermint-0/clientState');
  assert.equal(m.value, ethers.keccak256(Buffer.from('v')));
  assert.equal(m.height, 3n);
  const vn = await call(msg, 'VerifyNonMembership', { client_id, prefix, path: 'receipts/1', proof_height, proof: Buffer.from([1]), signer });
  assert.equal(recoverSigner(vn), KEY);
  assert.equal(decodeCommitment(vn.message).value, ethers.ZeroHash);
  await fails(call(msg, 'VerifyMembership', { client_id, prefix, path: 'x', value: Buffer.from('v'), proof_height: { revision_number: 0, revision_height: 42 }, proof: Buffer.from([1]), signer }),
    grpc.status.ABORTED);
  await fails(call(msg, 'VerifyMembership', { client_id, prefix, path: 'x', value: Buffer.from('v'), signer }), grpc.status.INVALID_ARGUMENT, /proof_height/);
  await fails(call(msg, 'VerifyNonMembership', { client_id: 'mock-client-55555', prefix, path: 'x', proof_height, signer }), grpc.status.ABORTED, /not found/);

  const ag = await call(msg, 'AggregateMessages', { signer, messages: [u2.message, u3.message], signatures: [u2.signature, u3.signature] });
  assert.equal(recoverSigner(ag), KEY);
  const a = decodeCommitment(ag.message);
  assert.equal(a.prevHeight, 1n);
  assert.equal(a.postHeight, 3n);
  assert.equal(a.postStateId, decodeCommitment(u3.message).postStateId);
  await fails(call(msg, 'AggregateMessages', { signer, messages: [u2.message], signatures: [u2.signature] }), grpc.status.ABORTED, /at least 2/);
  await fails(call(msg, 'AggregateMessages', { signer, messages: [u3.message, u2.message], signatures: [u3.signature, u2.signature] }), grpc.status.ABORTED);
  await fails(call(msg, 'AggregateMessages', { signer: Buffer.alloc(0), messages: [u2.message, u3.message], signatures: [u2.signature, u3.signature] }), grpc.status.INVALID_ARGUMENT);
});

test('gRPC protocol errors: unknown method, size limit, compression, truncation, deadlines, bad content type', async () => {
  // Unknown method, through grpc-js.
  await fails(new Promise((resolve, reject) => {
    msg.makeUnaryRequest('/lcp.service.elc.v1.Msg/NoSuchMethod', (x) => x, (x) => x, Buffer.alloc(0), (e, r) => (e ? reject(e) : resolve(r)));
  }), grpc.status.UNIMPLEMENTED, /NoSuchMethod/);
  // Over the 16 MiB message limit: refused from the length prefix.
  const big = await newClient(1);
  await fails(call(msg, 'UpdateClient', { client_id: big.client_id, header: mockHeaderAny(2, 16 * 1024 * 1024 + 10), signer }), grpc.status.RESOURCE_EXHAUSTED, /exceeds/);
  // Raw frames.
  const U = '/lcp.service.elc.v1.Msg/UpdateClient';
  let r = await rawGrpc(U, grpcFrame(Buffer.from([0x0a, 0x00]), 1));
  assert.equal(statusOf(r), grpc.status.UNIMPLEMENTED, 'compressed flag');
  r = await rawGrpc(U, grpcFrame(Buffer.from([0x0a, 0x00]), 7));
  assert.equal(statusOf(r), grpc.status.INTERNAL, 'invalid flag');
  r = await rawGrpc(U, grpcFrame(Buffer.alloc(100)).subarray(0, 40));
  assert.equal(statusOf(r), grpc.status.INTERNAL, 'truncated message');
  assert.match(messageOf(r), /truncated/);
  r = await rawGrpc(U, Buffer.from([0, 0]));
  assert.equal(statusOf(r), grpc.status.INTERNAL, 'truncated prefix');
  r = await rawGrpc(U, Buffer.alloc(0));
  assert.equal(statusOf(r), grpc.status.UNIMPLEMENTED, 'no message for a unary method');
  r = await rawGrpc(U, Buffer.concat([grpcFrame(Buffer.alloc(0)), grpcFrame(Buffer.alloc(0))]));
  assert.equal(statusOf(r), grpc.status.UNIMPLEMENTED, 'two messages for a unary method');
  r = await rawGrpc(U, grpcFrame(Buffer.from([0xff, 0xff, 0xff])));
  assert.equal(statusOf(r), grpc.status.INVALID_ARGUMENT, 'not protobuf');
  r = await rawGrpc('/lcp.service.enclave.v1.Query/EnclaveInfo', grpcFrame(Buffer.alloc(0)), { headers: { 'content-type': 'text/plain' } });
  assert.equal(Number(r.headers[':status']), 415);
  r = await rawGrpc('/lcp.service.enclave.v1.Query/EnclaveInfo', grpcFrame(Buffer.alloc(0)), { headers: { 'grpc-timeout': 'soon' } });
  assert.equal(statusOf(r), grpc.status.INTERNAL, 'malformed grpc-timeout');
  // grpc-timeout is honoured by the server: 1 ns has passed before any worker can start.
  const d = await newClient(1);
  const body = ElcMsg.service.UpdateClient.requestSerialize({ client_id: d.client_id, header: mockHeaderAny(2), signer });
  r = await rawGrpc(U, grpcFrame(body), { headers: { 'grpc-timeout': '1n' } });
  assert.equal(statusOf(r), grpc.status.DEADLINE_EXCEEDED);
  // A request that never finishes is answered at its deadline, not held forever.
  const t0 = Date.now();
  r = await rawGrpc(U, null, { headers: { 'grpc-timeout': '300m' }, endWith: (req) => req.write(grpcFrame(body).subarray(0, 10)) });
  assert.equal(statusOf(r), grpc.status.DEADLINE_EXCEEDED);
  assert.ok(Date.now() - t0 < 5000);
  // Served normally afterwards, and the deadline-expired update never ran.
  const ok = await call(msg, 'UpdateClient', { client_id: d.client_id, header: mockHeaderAny(2), signer });
  assert.equal(decodeCommitment(ok.message).postHeight, 2n);
});

test('malformed HTTP/2 and dead connections leave the service serving', async () => {
  const [host, port] = [ADDR.slice(0, ADDR.lastIndexOf(':')).replace(/^\[|\]$/g, ''), Number(ADDR.slice(ADDR.lastIndexOf(':') + 1))];
  const raw = (bytes) => new Promise((resolve) => {
    const s = net.connect({ host, port }, () => s.end(bytes));
    const got = [];
    s.on('data', (d) => got.push(d));
    s.on('close', () => resolve(Buffer.concat(got)));
    s.on('error', () => resolve(Buffer.concat(got)));
    s.setTimeout(5000, () => s.destroy());
  });
  await raw(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'));      // HTTP/1.1 instead of the preface
  await raw(Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n' + 'x'.repeat(100))); // preface, then garbage frames
  await raw(Buffer.from('PRI * HTTP/2.0\r\n'));                     // half a preface, then close
  await raw(Buffer.alloc(0));
  // Preface, then a HEADERS frame with a broken HPACK block.
  const hdr = Buffer.from([0, 0, 4, 1, 5, 0, 0, 0, 1, 0xff, 0xff, 0xff, 0xff]);
  const got = await raw(Buffer.concat([Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'), Buffer.from([0, 0, 0, 4, 0, 0, 0, 0, 0]), hdr]));
  // The server's SETTINGS, then a GOAWAY (frame type 7) saying why, then the close.
  assert.ok(got.length >= 9 && got[3] === 4, 'the server spoke HTTP/2 first');
  // A client that vanishes mid-request.
  await new Promise((resolve) => {
    const s = http2.connect(`http://${ADDR}`);
    s.on('error', () => {});
    const req = s.request({ ':method': 'POST', ':path': '/lcp.service.elc.v1.Msg/UpdateClient', 'content-type': 'application/grpc' });
    req.on('error', () => {});
    req.write(grpcFrame(Buffer.alloc(50)).subarray(0, 20));
    setTimeout(() => { s.destroy(); resolve(); }, 50);
  });
  const info = await call(enclave, 'EnclaveInfo', {});
  assert.equal(info.mrenclave.length, 32);
  const { client_id } = await newClient(1);
  await call(msg, 'UpdateClient', { client_id, header: mockHeaderAny(2), signer });
});

test('K concurrent clients x M requests: no failures, updates of one client in order', async () => {
  const K = 8, M = 12;
  const clients = [];
  for (let k = 0; k < K; k++) clients.push(await newClient(1));
  let failures = 0;
  const t0 = Date.now();
  await Promise.all(clients.map(async ({ client_id }, k) => {
    // Each worker gets its own channel, as separate relayers would.
    const m = new ElcMsg(ADDR, creds, { ...opts, 'grpc.use_local_subchannel_pool': 1 });
    const q = new ElcQuery(ADDR, creds, { ...opts, 'grpc.use_local_subchannel_pool': 1 });
    let prev = null;
    for (let i = 0; i < M; i++) {
      try {
        const r = await call(m, 'UpdateClient', { client_id, header: mockHeaderAny(i + 2), signer });
        const c = decodeCommitment(r.message);
        if (c.postHeight !== BigInt(i + 2) || (prev && c.prevStateId !== prev)) failures++;
        prev = c.postStateId;
        if (i % 3 === 0) {
          const s = await call(q, 'Client', { client_id });
          if (!s.found) failures++;
        }
      } catch (e) { failures++; console.error(`client ${k} request ${i}: ${e.code} ${e.details}`); }
    }
    m.close(); q.close();
  }));
  // Many updates of ONE client at once: serialised, so exactly one succeeds per height.
  const one = await newClient(1);
  const same = await Promise.allSettled([2, 2, 2, 2, 3, 3].map((h) => call(msg, 'UpdateClient', { client_id: one.client_id, header: mockHeaderAny(h), signer })));
  const ok = same.filter((x) => x.status === 'fulfilled').map((x) => decodeCommitment(x.value.message));
  assert.ok(ok.length >= 1 && ok.length <= 2, `${ok.length} of the racing updates succeeded`);
  for (const x of same.filter((y) => y.status === 'rejected')) assert.equal(x.reason.code, grpc.status.ABORTED);
  const heights = ok.map((c) => c.postHeight);
  assert.equal(new Set(heights).size, heights.length, 'no height committed twice');
  console.log(`# ${K} clients x ${M} updates (+queries) in ${Date.now() - t0} ms`);
  assert.equal(failures, 0);
});

// The service's enclave processes: children of the service whose command line is lcp-enclave.
function enclavePids() {
  if (!PID) return [];
  const out = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === PID && readFileSync(`/proc/${d}/cmdline`, 'utf8').includes('lcp-enclave')) out.push(Number(d));
    } catch { /* process gone */ }
  }
  return out;
}

test('a killed enclave process fails cleanly and is restarted', { skip: !PID }, async () => {
  const { client_id } = await newClient(1);
  assert.equal(enclavePids().length, THREADS, 'one enclave process per worker');
  // Mid-request: an aggregation of 600 updates keeps a worker busy long enough to be caught running.
  const msgs = [], sigs = [];
  let height = 2;
  for (; height < 602; height++) {
    const r = await call(msg, 'UpdateClient', { client_id, header: mockHeaderAny(height), signer });
    msgs.push(r.message);
    sigs.push(r.signature);
  }
  let hit = 0;
  for (let attempt = 0; attempt < 8 && !hit; attempt++) {
    const pending = call(msg, 'AggregateMessages', { signer, messages: msgs, signatures: sigs }).then(() => null, (e) => e);
    for (let i = 0; i < 1000; i++) if (metricValue((await metricsText()).body, 'lcp_jobs_running') >= 1) break;
    for (const p of enclavePids()) process.kill(p, 'SIGKILL');
    const e = await pending;
    if (e) { // caught in the act: that request fails cleanly, with the reason
      assert.equal(e.code, grpc.status.UNAVAILABLE, e.details);
      assert.match(e.details, /killed by signal 9/);
      hit++;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.ok(hit, 'an enclave process was killed while it ran a request');
  // Idle processes killed too: each worker may fail one request, then serves again.
  for (const p of enclavePids()) process.kill(p, 'SIGKILL');
  await new Promise((r) => setTimeout(r, 100));
  let failed = 0;
  for (let i = 0; i < THREADS + 4; i++) {
    try {
      const r = await call(msg, 'UpdateClient', { client_id, header: mockHeaderAny(height), signer });
      assert.equal(decodeCommitment(r.message).postHeight, BigInt(height));
      height++;
    } catch (e) {
      assert.equal(e.code, grpc.status.UNAVAILABLE, e.details);
      assert.match(e.details, /enclave process/);
      failed++;
    }
  }
  // Requests need not reach every worker above: a worker whose enclave died unseen reports it on its next request,
  // once. So the last updates may each meet at most one such death, still at most one per worker overall.
  for (let i = 0; i < 5; i++, height++) {
    try {
      await call(msg, 'UpdateClient', { client_id, header: mockHeaderAny(height), signer });
    } catch (e) {
      assert.equal(e.code, grpc.status.UNAVAILABLE, e.details);
      assert.match(e.details, /enclave process/);
      if (++failed > THREADS) break; // more deaths than workers: the assertion below reports it
      i--; height--; // the same update again
    }
  }
  assert.ok(failed <= THREADS, `${failed} request(s) failed, at most one per worker`);
  const { body } = await metricsText();
  assert.ok(metricValue(body, 'lcp_enclave_restarts_total') >= 1, 'restarts are counted');
});

test('metrics and health', async () => {
  const { status, body } = await metricsText();
  assert.equal(status, 200);
  assert.match(body, /lcp_build_info\{version="[^"]+",mrenclave="0x[0-9a-f]{64}",enclave_debug="true",backend="sim"\} 1/);
  assert.match(body, new RegExp(`lcp_enclave_key_expiry_timestamp_seconds\\{key_address="${KEY}"\\} \\d+`));
  assert.match(body, /lcp_grpc_requests_total\{method="\/lcp.service.elc.v1.Msg\/UpdateClient",code="OK"\} [1-9]/);
  assert.match(body, /lcp_grpc_requests_total\{method="\/lcp.service.elc.v1.Msg\/UpdateClient",code="ABORTED"\} [1-9]/);
  assert.match(body, /lcp_grpc_requests_total\{method="unknown",code="UNIMPLEMENTED"\} [1-9]/);
  assert.match(body, /lcp_grpc_request_duration_seconds_bucket\{method="\/lcp.service.elc.v1.Msg\/UpdateClient",le="\+Inf"\} [1-9]/);
  assert.match(body, /lcp_ecall_duration_seconds_count\{command="UpdateClient"\} [1-9]/);
  assert.match(body, /lcp_attestation_tcb_status\{status="OK"\} 1/);
  if (DCAP_KEY) {
    assert.match(body, /lcp_attestation_tcb_status\{status="UpToDate"\} 1/);
    assert.ok(metricValue(body, 'lcp_tcb_evaluation_data_number') >= 1);
    assert.equal(metricValue(body, 'lcp_enclave_keys_valid'), 2);
  }
  assert.match(body, /lcp_backend_info\{backend="sim"\} 1/);
  assert.ok(metricValue(body, 'lcp_commitments_signed_total') > 10);
  assert.equal(metricValue(body, 'lcp_service_ready'), 1);
  assert.ok(metricValue(body, 'lcp_grpc_protocol_errors_total') >= 1, 'malformed connections are counted');
  for (const [p, code] of [['/healthz', 200], ['/readyz', 200], ['/nope', 404]]) {
    const got = await new Promise((resolve, reject) => {
      const i = METRICS.lastIndexOf(':');
      http.get({ host: METRICS.slice(0, i).replace(/^\[|\]$/g, ''), port: METRICS.slice(i + 1), path: p }, (r) => { r.resume(); resolve(r.statusCode); }).on('error', reject);
    });
    assert.equal(got, code, p);
  }
  msg.close(); query.close(); enclave.close();
});
