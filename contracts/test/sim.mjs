// lcp-c's own outputs for the contract tests, made with the `lcp` CLI on a SIMULATED SGX platform (sim): a key
// attested with a simulated DCAP quote under the simulated root, and mock light-client commitments signed by it
// (made by the TEST enclave, lcp-enclave-test, the only one with the mock client).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { BIN } from './cdriver.mjs';
import { TESTDATA } from './fixtures.mjs';

export function simPlatform({ operator } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lcp-contracts-'));
  const P = path.join(dir, 'platform');
  // The mock light client lives only in the test enclave (the release one runs only clients that verify).
  const L = (...args) => execFileSync(BIN('lcp'), ['--home', path.join(dir, 'home'), '--sim_platform', P,
    '--enclave', BIN('lcp-enclave-test'), ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  L('sim', 'init');
  const key = L('enclave', 'generate-key', ...(operator ? ['--operator', operator] : [])).trim();
  const qpath = path.join(dir, 'quote.bin');
  const att = JSON.parse(L('attestation', 'dcap', '--enclave_key', key, '--allow_debug', '--quote_out', qpath));
  const meta = JSON.parse(L('enclave', 'metadata'));
  const json = (name, obj) => {
    const f = path.join(dir, name);
    fs.writeFileSync(f, JSON.stringify(obj));
    return f;
  };
  const elc = (verb, input) => JSON.parse(L('elc', verb, '--input', json(verb + '.json', input)));
  return {
    dir, key, att, elc,
    quote: fs.readFileSync(qpath),
    collateral: fs.readFileSync(path.join(P, 'collateral', 'collateral.json')),
    root: fs.readFileSync(path.join(P, 'issuer', 'root_ca.der')),
    mrenclave: Buffer.from(meta.mrenclave.replace(/^0x/, ''), 'hex'),
    debug: meta.debug,
    cleanup: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

const b64 = (b) => Buffer.from(b).toString('base64');
// mock light client (ibc-rs mock): ClientState{header{height{2:5}, timestamp}}, Header{height{2:6}, timestamp}
export const MOCK_CS = Buffer.from([0x0a, 0x08, 0x0a, 0x02, 0x10, 0x05, 0x10, 0x80, 0x80, 0x04]);
export const mockHeader = (h) => Buffer.from([0x0a, 0x02, 0x10, h, 0x10, 0x80, 0x80, 0x08 + h - 6]);

/** Mock commitments from the enclave: an update to height 6 (with its state), membership and non-membership. */
export function mockCommitments(sim) {
  sim.elc('create-client', { any_client_state: { type_url: '/ibc.mock.ClientState', value: b64(MOCK_CS) },
    any_consensus_state: { type_url: '/ibc.mock.ConsensusState', value: b64(MOCK_CS) } });
  const up = sim.elc('update-client', { client_id: 'mock-client-0', any_header: { type_url: '/ibc.mock.Header', value: b64(mockHeader(6)) }, include_state: true });
  const h = { revision_number: 0, revision_height: 6 };
  const vm = sim.elc('verify-membership', { client_id: 'mock-client-0', prefix: b64('ibc'), path: 'p/1', value: b64('v'), proof_height: h, proof: '' });
  const vn = sim.elc('verify-non-membership', { client_id: 'mock-client-0', prefix: b64('ibc'), path: 'p/2', proof_height: h, proof: '' });
  const dec = (o) => ({ message: Buffer.from(o.message, 'base64'), signature: Buffer.from(o.signature, 'base64') });
  return { update: dec(up), member: dec(vm), nonMember: dec(vn) };
}

/** A home and simulated platform (sim) in a new temporary directory, `L(...args)` running the `lcp` CLI on them
 *  with the release enclave, and one key attested with a simulated IAS report (lcp's test signing key, certified
 *  by lcp-solidity's simulation root): {dir, L, key, avr, mrenclave, cleanup}. */
export function simIasKey() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lcp-own-'));
  const L = (...a) => execFileSync(BIN('lcp'), ['--home', path.join(dir, 'home'), '--sim_platform', path.join(dir, 'sim'), ...a],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const cleanup = () => fs.rmSync(dir, { recursive: true, force: true });
  try {
    L('sim', 'init');
    const key = L('enclave', 'generate-key').trim();
    const avr = JSON.parse(L('attestation', 'simulate', '--enclave_key', key, '--signing_cert_path',
      path.join(TESTDATA, 'lcp/lcp-solidity/certs/simulation_signing.der'), '--signing_key', path.join(TESTDATA, 'lcp/lcp/tests/certs/signing.key')));
    const meta = JSON.parse(L('enclave', 'metadata'));
    return { dir, L, key, avr, mrenclave: Buffer.from(meta.mrenclave.replace(/^0x/, ''), 'hex'), cleanup };
  } catch (e) {
    cleanup();
    throw e;
  }
}
