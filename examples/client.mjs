// A relayer-side example of the LCP service API with @grpc/grpc-js and our .proto files: asks the enclave who it
// is and which keys it can sign with, creates a light client, updates it, verifies a membership, and prints each
// commitment with its signer recovered (ethers) - the signer must be the enclave key the service reported.
//
//   node examples/client.mjs [ADDR]        (ADDR default [::1]:50051; start the service with `make run`)
//
// It uses the mock light client (it proves nothing; it exercises the API). A Tendermint client works the same way
// with /ibc.lightclients.tendermint.v1.* states and headers; the recorded LCP fixtures cannot be replayed against
// a live service because their headers' trusting periods ended long ago (the service uses the real clock).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import grpc from '@grpc/grpc-js';
import protoLoader from '@grpc/proto-loader';
import { ethers } from 'ethers';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ADDR = process.argv[2] || '[::1]:50051';
const def = protoLoader.loadSync(['lcp_service.proto', 'lcp_service_enclave.proto'].map((f) => path.join(ROOT, 'proto', f)), {
  keepCase: true, longs: String, enums: String, defaults: true, oneofs: true, includeDirs: [path.join(ROOT, 'proto')],
});
const pkg = grpc.loadPackageDefinition(def);
const creds = grpc.credentials.createInsecure();
const msg = new pkg.lcp.service.elc.v1.Msg(ADDR, creds);
const query = new pkg.lcp.service.elc.v1.Query(ADDR, creds);
const enclave = new pkg.lcp.service.enclave.v1.Query(ADDR, creds);
const once = (c, m, req) => new Promise((ok, ko) => c[m](req, { deadline: Date.now() + 20000 }, (e, r) => (e ? ko(e) : ok(r))));
// UNAVAILABLE is retryable: the service answers it when an enclave process died (it restarts on the next request).
async function call(c, m, req) {
  for (let attempt = 1; ; attempt++) {
    try { return await once(c, m, req); } catch (e) {
      if (e.code !== grpc.status.UNAVAILABLE || attempt === 3) throw e;
      console.log(`${m}: ${e.details} - retrying`);
    }
  }
}

// The mock client's protobuf: Header {1: Height {2: h}, 2: time ns}; states wrap a Header in field 1.
const varint = (n) => { let v = BigInt(n); const o = []; do { let b = Number(v & 0x7fn); v >>= 7n; if (v) b |= 0x80; o.push(b); } while (v); return Buffer.from(o); };
const fv = (no, v) => Buffer.concat([varint(no << 3), varint(v)]);
const fb = (no, b) => Buffer.concat([varint((no << 3) | 2), varint(b.length), b]);
const header = (h) => Buffer.concat([fb(1, fv(2, h)), fv(2, BigInt(Date.now()) * 1000000n)]);

function show(what, c) {
  const m = Buffer.from(c.message);
  const signer = c.signature.length ? ethers.recoverAddress(ethers.keccak256(m), ethers.hexlify(c.signature)) : '(unsigned, as LCP returns create_client)';
  console.log(`${what}: ${m.length}-byte commitment, signer ${signer}`);
  return signer.toLowerCase();
}

const info = await call(enclave, 'EnclaveInfo', {});
console.log(`enclave: mrenclave 0x${Buffer.from(info.mrenclave).toString('hex')} debug ${info.enclave_debug}`);
const keys = await call(enclave, 'AvailableEnclaveKeys', { mrenclave: info.mrenclave, enclave_debug: info.enclave_debug, ra_type: 0 });
const k = keys.keys[0];
const key = Buffer.from((k.ias || k.dcap || k.zkdcap.dcap).enclave_key_address);
console.log(`signer:  0x${key.toString('hex')} (${keys.keys.length} available)`);

// The relayer names the client (LCP's MsgCreateClient carries the id; the response is only the commitment).
const clientId = `mock-client-${Date.now()}`;
const created = await call(msg, 'CreateClient', {
  client_id: clientId,
  client_state: { type_url: '/ibc.mock.ClientState', value: fb(1, header(1)) },
  consensus_state: { type_url: '/ibc.mock.ConsensusState', value: fb(1, header(1)) },
  signer: key,
});
show('CreateClient', created);
const h = 2 + Math.floor(Date.now() / 1000) % 1000000;
const upd = await call(msg, 'UpdateClient', { client_id: clientId, header: { type_url: '/ibc.mock.Header', value: header(h) }, include_state: true, signer: key });
const s1 = show('UpdateClient', upd);
const vm = await call(msg, 'VerifyMembership', {
  client_id: clientId, prefix: Buffer.from('ibc'), path: 'commitments/ports/transfer/channels/channel-0/sequences/1',
  value: Buffer.from('packet commitment'), proof_height: { revision_number: 0, revision_height: h }, proof: Buffer.alloc(0), signer: key,
});
const s2 = show('VerifyMembership', vm);
const q = await call(query, 'Client', { client_id: clientId });
console.log(`Query/Client ${clientId}: found ${q.found}, client state ${q.client_state.type_url}`);
const want = '0x' + key.toString('hex');
if (s1 !== want || s2 !== want) { console.error('signer mismatch'); process.exit(1); }
console.log('every commitment was signed by the enclave key the service reported');
