// Drives an LCPClient deployment the way yui-ibc-solidity's IBCHandler does: createClient → initializeClient, client
// messages through routeUpdateClient and a call with the returned selector and arguments, membership checks.
import { ethers } from 'ethers';
import { Chain } from './evm.mjs';
import * as F from './fixtures.mjs';

const coder = ethers.AbiCoder.defaultAbiCoder();

export class Client {
  static async deploy({ chain, iasRoot, development = true, dcap = ethers.ZeroAddress }) {
    const c = new Client();
    c.chain = chain || (await Chain.create());
    c.ias = await c.chain.deploy('IASVerifier', [F.hex(iasRoot)]);
    c.lc = await c.chain.deploy('LCPClient', [c.chain.sender, development, c.ias.address, dcap]);
    return c;
  }
  init(clientStateBytes, id = 'lcp-0') {
    return this.lc.send('initializeClient', [id, F.any(F.URL.clientState, clientStateBytes), F.any(F.URL.consensusState, Buffer.alloc(0))]);
  }
  /** routeUpdateClient then the routed call, as the IBC handler does. */
  async route(url, value, id = 'lcp-0') {
    const r = await this.lc.call('routeUpdateClient', [id, F.any(url, value)]);
    if (!r.ok) return r;
    const [sel, args] = r.result;
    const out = await this.chain.send(this.lc.address, sel + args.slice(2));
    out.events = out.logs.map((l) => {
      try {
        return this.lc.iface.parseLog({ topics: l[1].map((t) => ethers.hexlify(t)), data: ethers.hexlify(l[2]) });
      } catch {
        return null;
      }
    }).filter(Boolean);
    return out;
  }
  register(msg, id) {
    return this.route(F.URL.register, msg, id);
  }
  update(pm, sigs, id) {
    return this.route(F.URL.update, F.updateMsg(pm, sigs), id);
  }
  /** verify(Non)Membership as a transaction (so gas is the whole transaction's). value null = non-membership. */
  verify({ height, prefix, path, value, proof }, id = 'lcp-0') {
    const h = [height[0], height[1]];
    if (value === null) return this.lc.send('verifyNonMembership', [id, h, 0, 0, proof, prefix, path]);
    return this.lc.send('verifyMembership', [id, h, 0, 0, proof, prefix, path, value]);
  }
}

/** Height of a STATE proxy message. */
export function stateHeight(message) {
  const [[, body]] = coder.decode(['tuple(bytes32,bytes)'], message);
  const [m] = coder.decode(['tuple(bytes,bytes,bytes32,tuple(uint64,uint64),bytes32)'], body);
  return [m[3][0], m[3][1]];
}

/** The membership arguments of a fixture step with the given signatures. */
export function membershipArgs(dir, step, sigs) {
  const { message } = F.resultOf(dir, step);
  const inp = F.inputOf(dir, step);
  return {
    height: stateHeight(message),
    prefix: F.b64(inp.prefix),
    path: Buffer.from(inp.path),
    value: inp.value !== undefined ? F.b64(inp.value) : null,
    proof: F.proofs(message, sigs),
  };
}

/** A contract client (simulation IAS root, development mode) and the C client behind drv, both created as lcp-0
 *  with one client state for mrenclave (keys live 60 days) and both given the key of the simulated report avr at
 *  time now (seconds); returns the contract client. Throws on any refusal. */
export async function registeredOnBoth(drv, { mrenclave, avr, now }) {
  const c = await Client.deploy({ iasRoot: F.iasRoot('02') });
  c.chain.timestamp = now;
  const cs = F.clientState({ mrenclave, keyExpiration: 60 * 86400 });
  const reg = F.registerMsg(avr);
  const steps = [
    ['initializeClient', () => c.init(cs)],
    ['C config', () => drv.config({ development: true, iasRoot: F.iasRoot('02'), contract: c.lc.address })],
    ['C create', () => drv.create('lcp-0', cs)],
    ['registerEnclaveKey', () => c.register(reg)],
    ['C registerEnclaveKey', () => drv.msg('lcp-0', F.any(F.URL.register, reg), now)],
  ];
  for (const [what, f] of steps) {
    const r = await f();
    if (!r.ok) throw new Error(`${what}: ${r.error ?? r.line}`);
  }
  return c;
}
