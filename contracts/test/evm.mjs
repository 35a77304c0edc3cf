// A small in-process EVM for the contract tests and benchmarks: @ethereumjs/vm at hardfork Osaka (P256VERIFY at
// 0x100, EIP-7883 MODEXP prices), one funded sender, real signed transactions (so gas figures include the
// intrinsic and calldata cost), and a settable block timestamp.
import { createVM, runTx } from '@ethereumjs/vm';
import { Common, Mainnet, Hardfork } from '@ethereumjs/common';
import { createLegacyTx } from '@ethereumjs/tx';
import { createBlock } from '@ethereumjs/block';
import { Address, createAddressFromPrivateKey, createAccount, hexToBytes, bytesToHex } from '@ethereumjs/util';
import { ethers } from 'ethers';
import { compile } from '../build.mjs';

export const CHAIN_ID = 1n;
// eth_call-style calls come from an account of their own: runCall bumps the caller's nonce.
const CALLER = new Address(hexToBytes('0x' + 'ca'.repeat(20)));

/** Decodes revert data against the given interfaces: returns an error name ("LCPClientX"), "Error(msg)" or "Panic(n)". */
export function revertName(data, ifaces) {
  if (!data || data === '0x') return 'empty revert';
  try {
    if (data.startsWith('0x08c379a0')) return 'Error(' + ethers.AbiCoder.defaultAbiCoder().decode(['string'], '0x' + data.slice(10))[0] + ')';
    if (data.startsWith('0x4e487b71')) return 'Panic(' + BigInt('0x' + data.slice(10)) + ')';
  } catch {}
  for (const i of ifaces) {
    try {
      const e = i.parseError(data);
      if (e) return e.name;
    } catch {}
  }
  try {
    if (data.startsWith('0x08c379a0')) return 'Error(' + ethers.AbiCoder.defaultAbiCoder().decode(['string'], '0x' + data.slice(10))[0] + ')';
    if (data.startsWith('0x4e487b71')) return 'Panic(' + BigInt('0x' + data.slice(10)) + ')';
  } catch {}
  return data.slice(0, 10);
}

export class Chain {
  /** artifacts: compiled contracts to deploy from (default: contracts/src as build.mjs compiles it). */
  static async create({ artifacts } = {}) {
    const c = new Chain();
    c.common = new Common({ chain: Mainnet, hardfork: Hardfork.Osaka });
    c.vm = await createVM({ common: c.common });
    c.key = hexToBytes('0x' + '11'.repeat(32));
    c.from = createAddressFromPrivateKey(c.key);
    await c.vm.stateManager.putAccount(c.from, createAccount({ nonce: 0n, balance: 10n ** 30n }));
    c.nonce = 0n;
    c.timestamp = 1_700_000_000n;
    c.number = 1n;
    c.artifacts = artifacts || compile();
    c.ifaces = Object.values(c.artifacts).map((a) => new ethers.Interface(a.abi));
    return c;
  }

  get sender() {
    return this.from.toString();
  }

  block() {
    return createBlock(
      { header: { timestamp: this.timestamp, number: this.number, gasLimit: 1_000_000_000n, baseFeePerGas: 7n, coinbase: '0x' + '00'.repeat(19) + '01' } },
      { common: this.common },
    );
  }

  /** Sends a transaction; returns {ok, gas (total tx gas), ret (hex), error (decoded name), logs, address}. */
  async send(to, data, { gasLimit = 16_000_000n } = {}) {
    const tx = createLegacyTx({ nonce: this.nonce, gasPrice: 10n, gasLimit, to: to ?? undefined, data }, { common: this.common }).sign(this.key);
    const r = await runTx(this.vm, { tx, block: this.block(), skipBlockGasLimitValidation: true });
    this.nonce++;
    const ex = r.execResult;
    const ret = bytesToHex(ex.returnValue);
    const out = { ok: !ex.exceptionError, gas: r.totalGasSpent, execGas: ex.executionGasUsed, ret, logs: r.receipt.logs,
      address: r.createdAddress?.toString() };
    if (!out.ok) out.error = ex.exceptionError.error === 'revert' ? revertName(ret, this.ifaces) : ex.exceptionError.error;
    return out;
  }

  /** Executes a call without a transaction: {ok, ret, error, gas (execution only)}. From an account of its own
   *  unless asSender (then from the sender, e.g. a client's IBC handler). A successful call's state changes stay:
   *  callers that try state-changing functions wrap it in a state checkpoint. */
  async call(to, data, { asSender = false } = {}) {
    const caller = asSender ? this.from : CALLER;
    const r = await this.vm.evm.runCall({
      to: new Address(hexToBytes(to)), caller, origin: caller, data: hexToBytes(data), gasLimit: 16_000_000n, block: this.block(),
    });
    const ex = r.execResult;
    const ret = bytesToHex(ex.returnValue);
    const out = { ok: !ex.exceptionError, ret, gas: ex.executionGasUsed };
    if (!out.ok) out.error = ex.exceptionError.error === 'revert' ? revertName(ret, this.ifaces) : ex.exceptionError.error;
    return out;
  }

  async deploy(name, args = []) {
    const a = this.artifacts[name];
    if (!a) throw new Error('no artifact ' + name);
    const f = new ethers.ContractFactory(a.abi, a.bytecode);
    const tx = await f.getDeployTransaction(...args);
    const r = await this.send(null, tx.data);
    if (!r.ok) throw new Error(`deploy ${name}: ${r.error}`);
    return new Contract(this, name, r.address, r.gas);
  }
}

export class Contract {
  constructor(chain, name, address, deployGas) {
    this.chain = chain;
    this.name = name;
    this.address = address;
    this.deployGas = deployGas;
    this.iface = new ethers.Interface(chain.artifacts[name].abi);
  }
  encode(fn, args) {
    return this.iface.encodeFunctionData(fn, args);
  }
  /** Transaction: {ok, gas, error, result (decoded), logs (parsed)}. */
  async send(fn, args = []) {
    const r = await this.chain.send(this.address, this.encode(fn, args));
    if (r.ok) r.result = this.iface.decodeFunctionResult(fn, r.ret);
    r.events = r.logs.map((l) => {
      try {
        return this.iface.parseLog({ topics: l[1].map((t) => bytesToHex(t)), data: bytesToHex(l[2]) });
      } catch {
        return null;
      }
    });
    return r;
  }
  async call(fn, args = []) {
    const r = await this.chain.call(this.address, this.encode(fn, args));
    if (r.ok) r.result = this.iface.decodeFunctionResult(fn, r.ret);
    return r;
  }
}
