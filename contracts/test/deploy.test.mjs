// contracts/deploy.mjs against a JSON-RPC server on loopback (test/rpc.mjs over the in-process EVM): deploys the
// contracts, uploads the collateral and registers the key attested on a simulated platform (sim), from lcp-c's key
// store; then the client accepts the enclave's commitment.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { ethers } from 'ethers';
import { Chain } from './evm.mjs';
import { startRpc } from './rpc.mjs';
import { simPlatform } from './sim.mjs';
import { BIN } from './cdriver.mjs';
import { deploy } from '../deploy.mjs';

test('deploy.mjs: deploy, upload collateral, register a key from the key store over JSON-RPC (sim)', async () => {
  const sim = simPlatform();
  const chain = await Chain.create();
  chain.timestamp = BigInt(sim.att.valid_from) + 60n;
  const operator = new ethers.Wallet('0x' + '5a'.repeat(32));
  const rpc = await startRpc(chain, { fund: [operator.address] });
  try {
    const out = await deploy(['--rpc', rpc.url, '--private-key', operator.privateKey, '--home', path.join(sim.dir, 'home'),
      '--sim_platform', path.join(sim.dir, 'platform'), '--enclave-key', sim.key, '--development', '--lcp', BIN('lcp')], () => {});
    assert.equal(out.enclave_key.toLowerCase(), sim.key.toLowerCase());
    assert.equal(out.expired_at, sim.att.valid_to + 1);
    assert.ok(Number(out.gas.dcapRegisterEnclaveKey) < 300000, `registration ${out.gas.dcapRegisterEnclaveKey}`);
    const provider = new ethers.JsonRpcProvider(rpc.url, undefined, { staticNetwork: true, batchMaxCount: 1 });
    const lc = new ethers.Contract(out.contracts.LCPClient, ['function getEKInfo(string,address) view returns (uint64,address)'], provider);
    const [exp] = await lc.getEKInfo('lcp-0', sim.key);
    assert.equal(Number(exp), out.expired_at);
    // a second deployment on the same chain works as well (new contracts, collateral uploaded to them)
    const again = await deploy(['--rpc', rpc.url, '--private-key', operator.privateKey, '--home', path.join(sim.dir, 'home'),
      '--sim_platform', path.join(sim.dir, 'platform'), '--enclave-key', sim.key, '--development', '--lcp', BIN('lcp')], () => {});
    assert.ok(again.contracts.LCPClient !== out.contracts.LCPClient);
    // the CLI entry point refuses missing arguments with its usage
    assert.throws(() => execFileSync('node', [path.join(import.meta.dirname, '..', 'deploy.mjs'), '--rpc', rpc.url], { stdio: 'pipe' }), /usage|--rpc/);
  } finally {
    await rpc.close();
    sim.cleanup();
  }
});
