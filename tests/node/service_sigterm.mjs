// SIGTERM under load loses no committed update (driven by tests/cli/test_service.sh).
//   node service_sigterm.mjs load FILE   creates clients, then updates them in parallel until the service goes
//                                        away; writes {client_id: highest acknowledged height} to FILE.
//   node service_sigterm.mjs check FILE  against a restarted service: every client is at least at its
//                                        acknowledged height (an acknowledged update was committed).
// Environment: LCP_GRPC_ADDR, LCP_KEY.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import grpc from '@grpc/grpc-js';
import protoLoader from '@grpc/proto-loader';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const [mode, file] = process.argv.slice(2);
const def = protoLoader.loadSync(path.join(ROOT, 'proto/lcp_service.proto'), {
  keepCase: true, longs: String, defaults: true, oneofs: true, includeDirs: [path.join(ROOT, 'proto')],
});
const elc = grpc.loadPackageDefinition(def).lcp.service.elc.v1;
const creds = grpc.credentials.createInsecure();
const msg = new elc.Msg(process.env.LCP_GRPC_ADDR, creds);
const query = new elc.Query(process.env.LCP_GRPC_ADDR, creds);
const signer = Buffer.from(process.env.LCP_KEY.slice(2), 'hex');
const call = (c, m, req) => new Promise((resolve, reject) => {
  c[m](req, { deadline: Date.now() + 10000 }, (e, r) => (e ? reject(e) : resolve(r)));
});

function varint(n) {
  let v = BigInt(n); const out = [];
  do { let b = Number(v & 0x7fn); v >>= 7n; if (v) b |= 0x80; out.push(b); } while (v);
  return Buffer.from(out);
}
const fv = (no, v) => Buffer.concat([varint(no << 3), varint(v)]);
const fb = (no, b) => Buffer.concat([varint((no << 3) | 2), varint(b.length), b]);
const NOW = BigInt(Date.now()) * 1000000n;
const header = (h) => Buffer.concat([fb(1, Buffer.concat([fv(1, 0), fv(2, h)])), fv(2, NOW)]);
// A minimal protobuf reader: field number -> value (varint as BigInt, length-delimited as Buffer).
function fields(b) {
  const out = {};
  let i = 0;
  const rv = () => { let v = 0n, s = 0n; for (;;) { const x = b[i++]; v |= BigInt(x & 0x7f) << s; s += 7n; if (!(x & 0x80)) return v; } };
  while (i < b.length) {
    const key = Number(rv()), no = key >> 3, wt = key & 7;
    if (wt === 0) out[no] = rv();
    else if (wt === 2) { const n = Number(rv()); out[no] = b.subarray(i, i + n); i += n; }
    else throw new Error(`wire type ${wt}`);
  }
  return out;
}
// ConsensusState{1: Header{1: Height{1: revision, 2: height}, 2: timestamp}}
const heightOf = (v) => Number(fields(fields(fields(Buffer.from(v))[1])[1])[2] ?? 0n);

if (mode === 'load') {
  const acks = {};
  const ids = [];
  for (let k = 0; k < 6; k++) {
    const client_id = `mock-client-${5000 + k}`;
    const req = {
      client_id, signer,
      client_state: { type_url: '/ibc.mock.ClientState', value: fb(1, header(1)) },
      consensus_state: { type_url: '/ibc.mock.ConsensusState', value: fb(1, header(1)) },
    };
    // A worker whose enclave an earlier test killed reports that death once, on its next request (UNAVAILABLE, the
    // status a gRPC client retries); the worker is restarted by then. At most one such death per worker.
    for (let attempt = 1; ; attempt++) {
      try {
        await call(msg, 'CreateClient', req);
        break;
      } catch (e) {
        if (attempt > 4 || e.code !== grpc.status.UNAVAILABLE || !/enclave process/.test(e.details)) throw e;
      }
    }
    acks[client_id] = 1;
    ids.push(client_id);
  }
  writeFileSync(file, JSON.stringify(acks));
  process.stdout.write('ready\n');
  let stop = false, n = 0;
  await Promise.all(ids.map(async (client_id) => {
    for (let h = 2; !stop && h < 100000; h++) {
      try {
        await call(msg, 'UpdateClient', { client_id, signer, header: { type_url: '/ibc.mock.Header', value: header(h) } });
        acks[client_id] = h;
        n++;
        writeFileSync(file, JSON.stringify(acks));
      } catch (e) {
        stop = true; // the service is going away: UNAVAILABLE, or the connection closed
      }
    }
  }));
  writeFileSync(file, JSON.stringify(acks));
  console.log(`# ${n} updates acknowledged before the stop`);
  process.exit(0);
} else if (mode === 'check') {
  const acks = JSON.parse(readFileSync(file, 'utf8'));
  let bad = 0;
  for (const [client_id, h] of Object.entries(acks)) {
    const r = await call(query, 'Client', { client_id });
    const got = r.found ? heightOf(r.consensus_state.value) : 0;
    if (got < h) { console.error(`${client_id}: acknowledged height ${h}, stored ${got}`); bad++; }
  }
  console.log(`# ${Object.keys(acks).length} clients checked, ${bad} lost updates`);
  process.exit(bad ? 1 : 0);
} else {
  console.error('usage: service_sigterm.mjs load|check FILE');
  process.exit(2);
}
