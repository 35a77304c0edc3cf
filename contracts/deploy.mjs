#!/usr/bin/env node
// Deploys the on-chain LCP client to an EVM chain over JSON-RPC, uploads the DCAP collateral, and registers an
// enclave key from lcp-c's key store, as an operator runs it:
//
//   node contracts/deploy.mjs --rpc http://127.0.0.1:8545 --private-key 0x... --home ~/.lcp \
//        --enclave-key 0x... [--sim_platform DIR] [--dcap-root root.der] [--ias-root ias_root.der] \
//        [--client-id lcp-0] [--development] [--ibc-handler 0x...] [--key-expiration SECS] \
//        [--allowed-statuses A,B] [--allowed-advisory-ids A,B] [--lcp build/rel/bin/lcp]
//
// Contracts: IASVerifier (IAS root: --ias-root, default lcp-solidity's simulation root from the shared test data),
// CollateralParser and DCAPVerifier (DCAP root: --dcap-root, default Intel's SGX Root CA; with --sim_platform the
// platform's SIMULATED root), LCPClient. The key's evidence (quote and collateral) comes from
// `lcp enclave list-keys --evidence`. With no --ibc-handler the deployer is the handler and creates the client
// itself (standalone use); otherwise the client must be created through the handler and only the collateral and
// key registration are done here. Prints a JSON summary. Transactions are legacy (type 0) with explicit gas.
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { ethers } from 'ethers';
import { compile } from './build.mjs';
import { collateralCalls } from './test/dcap.mjs';
import * as F from './test/fixtures.mjs';

function parseArgs(argv) {
  const a = {};
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    if (!k.startsWith('--')) throw new Error(`unexpected argument ${k}`);
    const name = k.slice(2);
    if (name === 'development' || name === 'help') a[name] = true;
    else a[name] = argv[++i];
  }
  return a;
}

const USAGE = fs.readFileSync(new URL(import.meta.url), 'utf8').split('\n').slice(1, 18).map((l) => l.replace(/^\/\/ ?/, '')).join('\n');

export async function deploy(argv, log = console.error) {
  const a = parseArgs(argv);
  if (a.help || !a.rpc || !a['private-key'] || !a['enclave-key'] || !a.home) throw new Error(USAGE);
  const lcp = a.lcp || path.join(F.ROOT, 'build', 'rel', 'bin', 'lcp');
  const provider = new ethers.JsonRpcProvider(a.rpc, undefined, { staticNetwork: true, batchMaxCount: 1 });
  const wallet = new ethers.NonceManager(new ethers.Wallet(a['private-key'], provider));
  const me = await wallet.getAddress();
  const arts = compile();
  const overrides = { gasLimit: 16_000_000n, gasPrice: (await provider.send('eth_gasPrice', [])), type: 0 };

  // the key's evidence from the key store
  const lcpArgs = ['--home', a.home, ...(a.sim_platform ? ['--sim_platform', a.sim_platform] : []), 'enclave', 'list-keys', '--evidence'];
  const keys = JSON.parse(execFileSync(lcp, lcpArgs, { encoding: 'utf8' }));
  const key = keys.find((k) => k.address.toLowerCase() === a['enclave-key'].toLowerCase());
  if (!key || !key.evidence || !key.evidence.quote) throw new Error(`key ${a['enclave-key']} has no DCAP evidence in ${a.home}`);
  const quote = Buffer.from(key.evidence.quote, 'hex');
  const collateral = key.evidence.collateral;

  const dcapRoot = a['dcap-root'] ? fs.readFileSync(a['dcap-root'])
    : a.sim_platform ? fs.readFileSync(path.join(a.sim_platform, 'issuer', 'root_ca.der')) : F.td('dcap/roots/intel_sgx_root_ca.der');
  const iasRoot = a['ias-root'] ? fs.readFileSync(a['ias-root']) : F.td('lcp/lcp-solidity/certs/simulation_rootca.der');

  const gas = {};
  const dep = async (name, args) => {
    const f = new ethers.ContractFactory(arts[name].abi, arts[name].bytecode, wallet);
    const c = await f.deploy(...args, overrides);
    const rc = await c.deploymentTransaction().wait();
    gas['deploy ' + name] = rc.gasUsed.toString();
    log(`deployed ${name} at ${await c.getAddress()}`);
    return c;
  };
  const send = async (c, fn, args, label) => {
    const tx = await c[fn](...args, overrides);
    const rc = await tx.wait();
    gas[label] = rc.gasUsed.toString();
    return rc;
  };
  const ias = await dep('IASVerifier', [iasRoot]);
  const parser = await dep('CollateralParser', []);
  const dcap = await dep('DCAPVerifier', [dcapRoot, await parser.getAddress()]);
  const handler = a['ibc-handler'] || me;
  const lc = await dep('LCPClient', [handler, !!a.development, await ias.getAddress(), await dcap.getAddress()]);

  for (const [fn, args, label] of collateralCalls(collateral)) {
    try {
      await dcap[fn].staticCall(...args);
    } catch (e) {
      const name = dcap.interface.parseError(e.data ?? '0x')?.name;
      if (name === 'DCAPNotNewer') {
        log(`${label}: already on-chain`);
        continue;
      }
      throw new Error(`${label}: ${name ?? e.message}`);
    }
    await send(dcap, fn, args, 'upload ' + label);
  }
  await send(dcap, 'uploadPckCertificate', [quote], 'upload PCK certificate');

  const clientId = a['client-id'] || 'lcp-0';
  if (handler === me) {
    const list = (s) => (s ? s.split(',').filter(Boolean) : []);
    const cs = F.clientState({ mrenclave: Buffer.from(key.mrenclave.replace(/^0x/, ''), 'hex'), keyExpiration: Number(a['key-expiration'] || 0),
      statuses: list(a['allowed-statuses']), advisories: list(a['allowed-advisory-ids']), currentTcb: Number(key.evidence.tcb_evaluation_data_number || 1) });
    await send(lc, 'initializeClient', [clientId, F.any(F.URL.clientState, cs), F.any(F.URL.consensusState, Buffer.alloc(0))], 'initializeClient');
  }
  const rc = await send(lc, 'dcapRegisterEnclaveKey', [clientId, [quote, '0x', '0x']], 'dcapRegisterEnclaveKey');
  const ev = rc.logs.map((l) => { try { return lc.interface.parseLog(l); } catch { return null; } }).find((e) => e?.name === 'LCPClientDCAPRegisteredEnclaveKey');
  return {
    sim: !!a.sim_platform,
    contracts: { IASVerifier: await ias.getAddress(), CollateralParser: await parser.getAddress(), DCAPVerifier: await dcap.getAddress(), LCPClient: await lc.getAddress() },
    client_id: clientId,
    enclave_key: ev ? ev.args.enclaveKey : null,
    expired_at: ev ? Number(ev.args.expiredAt) : null,
    gas,
  };
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  deploy(process.argv.slice(2)).then((r) => console.log(JSON.stringify(r, null, 2)), (e) => {
    console.error('deploy: ' + e.message);
    process.exit(1);
  });
}
