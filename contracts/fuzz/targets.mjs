// A mutation fuzzer for the on-chain client's parsers (the contract's counterpart of fuzz/*.c): each target feeds
// mutated real inputs to a contract function on the in-process EVM (@ethereumjs/vm, Osaka) and checks
//   - the refusal is a declared custom error (or Solidity's empty revert from ABI decoding), never a Panic (an
//     unchecked index, overflow or allocation: the contract's "crash"), an Error(string) we do not raise, an
//     unknown revert, an out-of-gas under 16M gas, or any other EVM exception;
//   - nothing changed is accepted where the bytes are signed or pinned (certificates, CRLs, quotes, IAS reports);
//   - calldata the contract reads in place (updateClient, verifyMembership) is accepted only when the ABI decoder
//     reads the same values from it;
//   - the C LCP client (build/rel/bin/lcp-lc-driver) gives the same verdict on mutated client messages, client
//     states and DCAP registrations.
// fuzz.mjs runs the targets for a time (`make contracts-fuzz`); contracts/test/fuzz_replay.test.mjs runs a fixed
// number of tries from a fixed seed in `make test`, so the harness and its oracles cannot rot unnoticed.
import { Chain } from '../test/evm.mjs';
import * as F from '../test/fixtures.mjs';
import { Client, membershipArgs } from '../test/client.mjs';
import { CDriver } from '../test/cdriver.mjs';
import { collateralCalls, deployDcap, uploadCollateral } from '../test/dcap.mjs';
import { simPlatform } from '../test/sim.mjs';
import { rng, mutate } from './mutate.mjs';

const T_PHALA = 1752919277n; // testdata/dcap/phala_sgx_v3 PROVENANCE time
const ALLOWED_ERROR_STRINGS = new Set(['Error(caller is not the IBC handler)', 'Error(unsupported client message type)']);

/** Why an outcome is a finding (null when it is a clean accept or a clean refusal). */
function badOutcome(out) {
  if (out.ok) return null;
  const e = out.error || '';
  if (e.startsWith('Panic(')) return `panic ${e}`;
  if (e.startsWith('Error(')) return ALLOWED_ERROR_STRINGS.has(e) ? null : `unexpected ${e}`;
  if (e === 'empty revert' || /^[A-Z][A-Za-z0-9]+$/.test(e)) return null;
  return `EVM exception or unknown revert: ${e}`;
}

/** A call whose state changes are thrown away (uploads and updates are tried, not kept); from the chain's sender
 *  (the client's IBC handler) when asSender. */
async function tryCall(chain, to, data, asSender = false) {
  const sm = chain.vm.stateManager;
  await sm.checkpoint();
  try {
    return await chain.call(to, data, { asSender });
  } finally {
    await sm.revert();
  }
}

/** The finding, if any, in the verdicts of the contract (v.evm) and the C client (v.c) on one input. */
function bothSay(v) {
  if (v.evm.ok !== v.c.ok) return `verdicts differ: contract ${v.evm.error ?? 'ok'}, C ${v.c.line ?? 'ok'}`;
  return badOutcome(v.evm);
}

const unhex = (h) => Buffer.from(h.replace(/^0x/, ''), 'hex');
const phala = () => JSON.parse(F.td('dcap/phala_sgx_v3/collateral.json'));
/** The exact signed body of an Intel collateral file ({"tcbInfo":{...},"signature":"..."}). */
function body(rel, key) {
  const t = F.td(rel).toString('utf8');
  const a = t.indexOf(`"${key}":`) + key.length + 3;
  const b = t.lastIndexOf(',"signature"');
  return Buffer.from(t.slice(a, b));
}

// ---- targets: setup() returns {seeds, run(input, seedIndex, rng) -> finding|null, close?} ----
// Every seed is fixed but dcap-diff's: its sim platform makes a new enclave key and quote each run (a finding's
// input is saved whole, so it replays anyway).

export const TARGETS = {
  async 'tcb-info'() {
    const chain = await Chain.create();
    const parser = await chain.deploy('CollateralParser');
    const seeds = [Buffer.from(phala().tcb_info), body('dcap/intel_qvl_synthetic_v3/tcbInfo.json', 'tcbInfo'),
      Buffer.from(JSON.parse(F.td('dcap/phala_tdx_v4/collateral.json')).tcb_info)];
    return { seeds, run: async (b) => badOutcome(await parser.call('tcbInfo', [b])) };
  },

  async 'qe-identity'() {
    const chain = await Chain.create();
    const parser = await chain.deploy('CollateralParser');
    const seeds = [Buffer.from(phala().qe_identity), body('dcap/intel_qvl_synthetic_v3/qeIdentity.json', 'enclaveIdentity')];
    return { seeds, run: async (b) => badOutcome(await parser.call('qeIdentity', [b])) };
  },

  // Certificates and CRLs against Intel's root at the sample's time: the uploads parse DER before any signature.
  async 'x509'() {
    const chain = await Chain.create();
    chain.timestamp = T_PHALA;
    const { verifier } = await deployDcap(chain, F.td('dcap/roots/intel_sgx_root_ca.der'));
    const calls = collateralCalls(phala()).filter(([fn]) => fn !== 'uploadTcbInfo' && fn !== 'uploadQeIdentity');
    for (const [fn, args] of calls.filter(([fn]) => fn !== 'uploadPckCrl')) assert((await verifier.send(fn, args)).ok, fn);
    const seeds = calls.map(([, args]) => args[0]);
    return {
      seeds,
      run: async (b, i) => {
        const out = await tryCall(chain, verifier.address, verifier.encode(calls[i][0], [b]));
        if (out.ok && !b.equals(seeds[i])) return `${calls[i][0]} accepted a changed document`;
        return badOutcome(out);
      },
    };
  },

  // Quotes against the uploaded sample collateral: no changed quote accepted (the signed parts by their signatures;
  // the PCK chain text, which no signature covers, by its leaf's and the stored CA's and root's bytes). Each try
  // goes to one of two verifiers: one reads the PCK leaf from the quote's PEM chain (a platform's first quote), the
  // other has it on-chain (uploadPckCertificate: the cached path).
  async quote() {
    const chain = await Chain.create();
    chain.timestamp = T_PHALA;
    const quote = F.td('dcap/phala_sgx_v3/quote.bin');
    const verifiers = [];
    for (const cached of [false, true]) {
      const { verifier } = await deployDcap(chain, F.td('dcap/roots/intel_sgx_root_ca.der'));
      await uploadCollateral(verifier, F.td('dcap/phala_sgx_v3/collateral.json'));
      if (cached) assert((await verifier.send('uploadPckCertificate', [quote])).ok, 'uploadPckCertificate');
      assert((await verifier.call('verifyQuote', [quote, '0x'])).ok, 'the sample quote');
      verifiers.push(verifier);
    }
    return {
      seeds: [quote],
      run: async (b, _i, r) => {
        const v = verifiers[r.below(2)];
        const out = await tryCall(chain, v.address, v.encode('verifyQuote', [b, '0x']));
        if (out.ok && !b.equals(quote)) return 'verifyQuote accepted a changed quote';
        return badOutcome(out);
      },
    };
  },

  // IAS reports (lcp-solidity's fixture AVRs under the simulation root): report JSON, signature, signing cert.
  async ias() {
    const chain = await Chain.create();
    const ias = await chain.deploy('IASVerifier', [F.hex(F.iasRoot('02'))]);
    const avrs = [F.avrOf('02', 1), ...[1, 2, 3, 4].map((k) => F.avrOf('03', k))];
    const parts = avrs.map((a) => [Buffer.from(a.avr), F.b64(a.signature), F.b64(a.signing_cert)]);
    chain.timestamp = F.nowOf('02', '003-update_client');
    for (const p of parts) assert((await ias.call('verifyReport', p)).ok, 'a fixture AVR');
    // seed j*3+k: report j with part k mutated
    const seeds = parts.flatMap((p) => p);
    return {
      seeds,
      run: async (b, i) => {
        const p = [...parts[Math.floor(i / 3)]];
        p[i % 3] = b;
        const out = await ias.call('verifyReport', p);
        if (out.ok && !b.equals(seeds[i])) return 'verifyReport accepted a changed report, signature or certificate';
        return badOutcome(out);
      },
    };
  },

  // routeUpdateClient: the protobuf Any of each client message kind.
  async route() {
    const c = await Client.deploy({ iasRoot: F.iasRoot('02') });
    const { message, signature } = F.resultOf('02', '003-update_client');
    const seeds = [
      F.any(F.URL.update, F.updateMsg(message, [signature])),
      F.any(F.URL.register, F.registerMsg(F.avrOf('02', 1))),
      F.any(F.URL.operators, F.operatorsMsg(1, [F.operatorWallets()[0].address], 1, 2, [Buffer.alloc(65, 1)])),
      F.any(F.URL.dcapRegister, F.dcapMsg(F.td('dcap/phala_sgx_v3/quote.bin').subarray(0, 1200), Buffer.from('{}'))),
    ];
    return { seeds, run: async (b) => badOutcome(await c.lc.call('routeUpdateClient', ['lcp-0', b])) };
  },

  // updateClient and verifyMembership calldata, read in place in assembly: client/02 set up to the step before.
  async calldata() {
    const c = await Client.deploy({ iasRoot: F.iasRoot('02') });
    const cs = F.clientState({ mrenclave: F.mrenclaveOf('02'), statuses: F.STATUSES, advisories: F.ADVISORIES });
    c.chain.timestamp = F.nowOf('02', '003-update_client');
    assert((await c.init(cs)).ok, 'initializeClient');
    assert((await c.register(F.registerMsg(F.avrOf('02', 1)))).ok, 'register');
    const upd = F.resultOf('02', '003-update_client');
    const routed = await c.lc.call('routeUpdateClient', ['lcp-0', F.any(F.URL.update, F.updateMsg(upd.message, [upd.signature]))]);
    const updateData = unhex(routed.result[0] + routed.result[1].slice(2));
    const pre = await c.chain.send(c.lc.address, F.hex(updateData));
    assert(pre.ok, 'update 003');
    // the seed update is 005 (a steady-state update); the membership seed is 004's proof at 003's height
    const u5 = F.resultOf('02', '005-update_client');
    const r5 = await c.lc.call('routeUpdateClient', ['lcp-0', F.any(F.URL.update, F.updateMsg(u5.message, [u5.signature]))]);
    const a = membershipArgs('02', '004-verify_channel', [F.resultOf('02', '004-verify_channel').signature]);
    const memberData = unhex(c.lc.encode('verifyMembership', ['lcp-0', a.height, 0, 0, a.proof, a.prefix, a.path, a.value]));
    const seeds = [unhex(r5.result[0] + r5.result[1].slice(2)), memberData];
    for (const s of seeds) assert((await tryCall(c.chain, c.lc.address, F.hex(s))).ok, 'a calldata seed');
    const fns = ['updateClient', 'verifyMembership'];
    // What the ABI decoder reads: like Solidity's, it may find the last word's zero padding missing from calldata.
    // verifyMembership's two delay periods are left out: the client ignores them (lcp-solidity does too).
    const decoded = (i, b) => {
      for (const d of [b, Buffer.concat([b, Buffer.alloc(64)])]) {
        try {
          const v = [...c.lc.iface.decodeFunctionData(fns[i], d)];
          if (i === 1) v.splice(2, 2);
          return JSON.stringify(v, (_, x) => (typeof x === 'bigint' ? x.toString() : x));
        } catch {}
      }
      return null;
    };
    const want = seeds.map((s, i) => decoded(i, s));
    return {
      seeds,
      run: async (b, i) => {
        const out = await tryCall(c.chain, c.lc.address, F.hex(b));
        if (out.ok && decoded(i, b) !== want[i]) return `${fns[i]} accepted calldata that decodes to other values`;
        return badOutcome(out);
      },
    };
  },

  // lcp-c's own DCAPRegisterEnclaveKeyMessage (a sim quote, collateral on-chain and held by the C client), mutated:
  // the contract and the C client give the same verdict (one registration message for both verifiers).
  async 'dcap-diff'() {
    const sim = simPlatform();
    const drv = new CDriver();
    const chain = await Chain.create();
    chain.timestamp = BigInt(sim.att.valid_from) + 60n;
    const now = chain.timestamp;
    const { verifier } = await deployDcap(chain, sim.root);
    await uploadCollateral(verifier, sim.collateral);
    const ias = await chain.deploy('IASVerifier', [F.iasRoot('02')]);
    const lc = await chain.deploy('LCPClient', [chain.sender, true, ias.address, verifier.address]);
    const cs = F.clientState({ mrenclave: sim.mrenclave, keyExpiration: 0, currentTcb: 1 });
    assert((await lc.send('initializeClient', ['lcp-0', F.any(F.URL.clientState, cs), F.any(F.URL.consensusState, Buffer.alloc(0))])).ok, 'init');
    assert((await drv.config({ development: true, iasRoot: F.iasRoot('02'), dcapRoot: sim.root, contract: lc.address, collateral: sim.collateral })).ok, 'C config');
    assert((await drv.create('lcp-0', cs)).ok, 'C create');
    const submit = async (b) => {
      const r = await lc.call('routeUpdateClient', ['lcp-0', F.any(F.URL.dcapRegister, b)]);
      const evm = r.ok ? await tryCall(chain, lc.address, r.result[0] + r.result[1].slice(2)) : r;
      return { evm, c: await drv.msg('lcp-0', F.any(F.URL.dcapRegister, b), now) };
    };
    // seed 0: the message itself (its protobuf framing mutated too); seed 1: the quote, mutated and then framed
    const seeds = [F.dcapMsg(sim.quote, Buffer.alloc(0)), sim.quote];
    const first = await submit(seeds[0]);
    assert(first.evm.ok && first.c.ok, 'the sim registration');
    return {
      seeds,
      close: () => {
        drv.close();
        sim.cleanup();
      },
      run: async (b, i) => bothSay(await submit(i === 1 ? F.dcapMsg(b, Buffer.alloc(0)) : b)),
    };
  },

  // initializeClient's ClientState (from a relayer's MsgCreateClient: hostile), mutated: the contract and the C
  // client's create must agree. Seeds: allow-lists, operators with a threshold, the zkDCAP TCB fields.
  async 'client-state'() {
    const drv = new CDriver();
    const c = await Client.deploy({ iasRoot: F.iasRoot('02') });
    assert((await drv.config({ development: true, iasRoot: F.iasRoot('02'), contract: c.lc.address })).ok, 'C config');
    const mrenclave = F.mrenclaveOf('02');
    const ops = F.operatorWallets().map((w) => w.address);
    const seeds = [
      F.clientState({ mrenclave, statuses: F.STATUSES, advisories: F.ADVISORIES }),
      F.clientState({ mrenclave, operators: ops, num: 2, den: 4 }),
      F.clientState({ mrenclave, keyExpiration: 0, statuses: ['SWHardeningNeeded'], currentTcb: 17, grace: 86400, nextTcb: 18, nextTcbTime: 1760000000 }),
    ];
    let n = 0;
    const create = async (cs) => {
      const id = `cs-${n++}`; // the C client keeps what it accepts: a new id for every try
      const data = c.lc.encode('initializeClient', [id, F.any(F.URL.clientState, cs), F.any(F.URL.consensusState, Buffer.alloc(0))]);
      return { evm: await tryCall(c.chain, c.lc.address, data, true), c: await drv.create(id, cs) };
    };
    for (const s of seeds) {
      const v = await create(s);
      assert(v.evm.ok && v.c.ok, 'a seed client state');
    }
    return {
      seeds,
      close: () => drv.close(),
      run: async (b) => bothSay(await create(b)),
    };
  },

  // The same mutated client messages to the contract and to the C client: the same verdict. client/02 (one key)
  // and client/03 (four keys, twelve steps) of lcp-solidity's fixtures.
  differential: () => differentialRun('02'),
  'differential-03': () => differentialRun('03'),
};

/** The differential target over lcp-solidity's client/<dir> run: seeds are its register messages, then each step's
 *  message (update) or proof (membership), in order; seed i is tried on the state the seeds before it make. */
async function differentialRun(dir) {
  const drv = new CDriver();
  let c;
  let now;
  let id = 'lcp-0';
  let gen = 0;
  const fresh = async () => {
    id = `lcp-${gen++}`; // the C client lives on: each fresh pair gets a new client id
    c = await Client.deploy({ iasRoot: F.iasRoot(dir) });
    const cs = F.clientState({ mrenclave: F.mrenclaveOf(dir), statuses: F.STATUSES, advisories: F.ADVISORIES });
    now = F.nowOf(dir, F.RUNS[dir].steps[0]);
    c.chain.timestamp = now;
    assert((await drv.config({ development: true, iasRoot: F.iasRoot(dir), contract: c.lc.address })).ok, 'C config');
    assert((await c.init(cs, id)).ok && (await drv.create(id, cs)).ok, 'create');
  };
  await fresh();
  const steps = F.RUNS[dir].steps;
  const keys = F.RUNS[dir].keys;
  const seeds = [];
  for (let k = 1; k <= keys; k++) seeds.push(F.registerMsg(F.avrOf(dir, k)));
  for (const s of steps) {
    const { message, signature } = F.resultOf(dir, s);
    seeds.push(s.includes('update') ? F.updateMsg(message, [signature]) : unhex(membershipArgs(dir, s, [signature]).proof));
  }
  // the state before seed i: the unmutated messages 0..i-1 applied on both (replayed on a fresh pair when needed)
  let applied = 0;
  const apply = async (i, b) => {
    if (i < keys) return { evm: await c.register(b, id), c: await drv.msg(id, F.any(F.URL.register, b), now) };
    const s = steps[i - keys];
    now = F.nowOf(dir, s, now);
    c.chain.timestamp = now;
    if (s.includes('update')) return { evm: await c.route(F.URL.update, b, id), c: await drv.msg(id, F.any(F.URL.update, b), now) };
    const a = { ...membershipArgs(dir, s, []), proof: b };
    return { evm: await c.verify(a, id), c: await drv.member(id, a.height, a.prefix, a.path, a.value, b, now) };
  };
  return {
    seeds,
    close: () => drv.close(),
    run: async (b, i) => {
      if (applied > i || applied === -1) {
        await fresh();
        applied = 0;
      }
      while (applied < i) {
        const v = await apply(applied, seeds[applied]);
        // (client/03's 007-009 are refused by both, as lcp-solidity's own run refuses them)
        if (v.evm.ok !== v.c.ok) throw new Error(`fuzz setup: seed ${applied}: ${bothSay(v)}`);
        applied++;
      }
      const v = await apply(i, b);
      if (v.evm.ok) applied = -1; // a mutated message may have changed both states: start over before the next try
      return bothSay(v);
    },
  };
}

function assert(ok, what) {
  if (!ok) throw new Error(`fuzz setup: ${what} was refused`);
}

/** Runs target name for `seconds` or for `count` tries from seed; calls found(why, input, seedIndex, try) for each
 *  new kind of finding; returns {tries, findings}. */
export async function runTarget(name, { seconds = 0, count = 0, seed, found = () => {} }) {
  const t = await TARGETS[name]();
  const r = rng(seed);
  const end = Date.now() + seconds * 1000;
  const seen = new Set();
  let n = 0;
  try {
    while (count ? n < count : Date.now() < end) {
      const i = r.below(t.seeds.length);
      const b = mutate(t.seeds[i], r);
      const why = await t.run(b, i, r);
      n++;
      if (why && !seen.has(why)) {
        seen.add(why);
        found(why, b, i, n);
      }
    }
  } finally {
    t.close?.();
  }
  return { tries: n, findings: seen.size };
}
