// A relayer-side example of the LCP service API with @grpc/grpc-js and our .proto files: asks the enclave who it
// is and which keys it can sign with, creates a 07-tendermint light client, updates it twice, verifies a membership
// proof, and prints each commitment with its signer recovered (ethers) - the signer must be the enclave key the
// service reported. Every header is verified for real by the enclave's Tendermint light client.
//
//   node examples/client.mjs [ADDR [CHAIN_DIR]]     (ADDR default [::1]:50051; start the service with `make run`)
//
// The chain: CHAIN_DIR holds the files `lcp dev tendermint-chain --out CHAIN_DIR` writes (a DEVELOPMENT chain whose
// validator keys come from a public seed, its last block signed now); without CHAIN_DIR the example runs that
// command itself ($LCP_BIN, default build/rel/bin/lcp) into a temporary directory. The recorded LCP fixtures cannot
// be replayed against a live service: their headers' trusting periods ended long ago and the service uses the clock.
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import grpc from '@grpc/grpc-js';
import protoLoader from '@grpc/proto-loader';
import { ethers } from 'ethers';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ADDR = process.argv[2] || '[::1]:50051';
const LCP = process.env.LCP_BIN || path.join(ROOT, 'build/rel/bin/lcp');

// One clear line and exit 1: this is what a user sees when something is not there yet.
class Stop extends Error {}
const stop = (line) => { throw new Stop(line); };

const def = protoLoader.loadSync(['lcp_service.proto', 'lcp_service_enclave.proto'].map((f) => path.join(ROOT, 'proto', f)), {
  keepCase: true, longs: String, enums: String, defaults: true, oneofs: true, includeDirs: [path.join(ROOT, 'proto')],
});
const pkg = grpc.loadPackageDefinition(def);
const creds = grpc.credentials.createInsecure();
const msg = new pkg.lcp.service.elc.v1.Msg(ADDR, creds);
const query = new pkg.lcp.service.elc.v1.Query(ADDR, creds);
const enclave = new pkg.lcp.service.enclave.v1.Query(ADDR, creds);
const once = (c, m, req) => new Promise((ok, ko) => c[m](req, { deadline: Date.now() + 20000 }, (e, r) => (e ? ko(e) : ok(r))));
// UNAVAILABLE is retryable once the service answered: it means an enclave process died (it restarts on the next
// request). Any other failure ends the example with the service's reason.
async function call(c, m, req) {
  for (let attempt = 1; ; attempt++) {
    try { return await once(c, m, req); } catch (e) {
      if (e.code !== grpc.status.UNAVAILABLE || attempt === 3) stop(`${m} failed: ${e.details || e.message}`);
      console.log(`${m}: ${e.details} - retrying`);
    }
  }
}

// The chain's inputs, in `lcp elc`'s JSON (bytes in base64).
function loadChain() {
  let dir = process.argv[3], tmp = null;
  if (!dir) {
    tmp = dir = mkdtempSync(path.join(tmpdir(), 'lcp-example-'));
    try {
      execFileSync(LCP, ['dev', 'tendermint-chain', '--out', dir], { stdio: ['ignore', 'ignore', 'pipe'] });
    } catch (e) {
      rmSync(tmp, { recursive: true, force: true });
      stop(`cannot run '${LCP} dev tendermint-chain' (build it with make, or set LCP_BIN): ${String(e.stderr || e.message).trim()}`);
    }
  }
  const read = (f) => {
    try { return JSON.parse(readFileSync(path.join(dir, f), 'utf8')); } catch (e) { stop(`${path.join(dir, f)}: ${e.message}`); }
  };
  const files = { create: read('create.json'), up1: read('update-1.json'), up2: read('update-2.json'), vm: read('membership.json') };
  if (tmp) rmSync(tmp, { recursive: true, force: true });
  return files;
}
const b64 = (s) => Buffer.from(s || '', 'base64');
const any = (a) => ({ type_url: a.type_url, value: b64(a.value) });

function show(what, c) {
  const m = Buffer.from(c.message);
  const signer = c.signature.length ? ethers.recoverAddress(ethers.keccak256(m), ethers.hexlify(c.signature)) : '(unsigned, as LCP returns create_client)';
  console.log(`${what}: ${m.length}-byte commitment, signer ${signer}`);
  return signer.toLowerCase();
}

async function main() {
  let info;
  try { info = await once(enclave, 'EnclaveInfo', {}); } catch (e) {
    if (e.code === grpc.status.UNAVAILABLE || e.code === grpc.status.DEADLINE_EXCEEDED)
      stop(`no LCP service answers at ${ADDR} (start one with 'make run'): ${e.details}`);
    stop(`EnclaveInfo failed: ${e.details || e.message}`);
  }
  console.log(`enclave: mrenclave 0x${Buffer.from(info.mrenclave).toString('hex')} debug ${info.enclave_debug}`);
  const keys = await call(enclave, 'AvailableEnclaveKeys', { mrenclave: info.mrenclave, enclave_debug: info.enclave_debug, ra_type: 0 });
  if (!keys.keys.length) stop(`the service at ${ADDR} has no attested enclave key for this enclave ('make run' generates and attests one)`);
  const k = keys.keys[0];
  const key = Buffer.from((k.ias || k.dcap || k.zkdcap.dcap).enclave_key_address);
  console.log(`signer:  0x${key.toString('hex')} (${keys.keys.length} available)`);

  const chain = loadChain();
  // The relayer names the client (LCP's MsgCreateClient carries the id; the response is only the commitment).
  const clientId = `07-tendermint-${Date.now()}`;
  const created = await call(msg, 'CreateClient', {
    client_id: clientId, client_state: any(chain.create.any_client_state), consensus_state: any(chain.create.any_consensus_state), signer: key,
  });
  show('CreateClient', created);
  const signers = [];
  for (const [i, u] of [chain.up1, chain.up2].entries()) {
    const upd = await call(msg, 'UpdateClient', { client_id: clientId, header: any(u.any_header), include_state: false, signer: key });
    signers.push(show(`UpdateClient ${i + 1}`, upd));
  }
  const v = chain.vm;
  const vm = await call(msg, 'VerifyMembership', {
    client_id: clientId, prefix: b64(v.prefix), path: v.path, value: b64(v.value),
    proof_height: { revision_number: String(v.proof_height.revision_number), revision_height: String(v.proof_height.revision_height) },
    proof: b64(v.proof), signer: key,
  });
  signers.push(show(`VerifyMembership ${v.path}`, vm));
  const q = await call(query, 'Client', { client_id: clientId });
  console.log(`Query/Client ${clientId}: found ${q.found}, client state ${q.client_state.type_url}`);
  const want = '0x' + key.toString('hex');
  if (signers.some((s) => s !== want)) stop('a commitment was not signed by the enclave key the service reported');
  console.log('every commitment was signed by the enclave key the service reported');
}

try {
  await main();
  process.exit(0);
} catch (e) {
  const line = e instanceof Stop ? e.message : `unexpected failure: ${e && e.message}`;
  console.error(`example: ${String(line).replace(/\s+/g, ' ').trim()}`);
  process.exit(1);
}
