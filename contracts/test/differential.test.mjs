// The same messages - the lcp-solidity fixture runs and random single-byte mutations of them - to the C client
// (through lcp-lc-driver) and to the contract, which must give the same accept/refuse verdict for each.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as F from './fixtures.mjs';
import { Client, membershipArgs } from './client.mjs';
import { CDriver } from './cdriver.mjs';

// A deterministic generator, so that a failure can be replayed (seed printed on failure).
function rng(seed) {
  let s = BigInt(seed) & 0xffffffffn;
  return () => {
    s = (s * 1103515245n + 12345n) & 0x7fffffffn;
    return Number(s);
  };
}
const SEED = Number(process.env.LCP_DIFF_SEED || 20261205);
const MUTATIONS = Number(process.env.LCP_DIFF_MUTATIONS || 12);

function mutate(buf, r) {
  const b = Buffer.from(buf);
  const i = r() % b.length;
  b[i] ^= 1 + (r() % 255);
  return { b, i };
}

async function both(c, drv, id, url, value, now) {
  c.chain.timestamp = now;
  const e = await c.route(url, value, id);
  const d = await drv.msg(id, F.any(url, value), now);
  return { evm: e.ok, c: d.ok, evmError: e.error, cError: d.line };
}

test(`differential: client/02 and client/03 runs with ${MUTATIONS} random mutations per step (seed ${SEED})`, async () => {
  const r = rng(SEED);
  for (const dir of ['02', '03']) {
    const c = await Client.deploy({ iasRoot: F.iasRoot(dir) });
    const drv = new CDriver();
    try {
      assert.ok((await drv.config({ development: true, iasRoot: F.iasRoot(dir), contract: c.lc.address })).ok);
      const cs = F.clientState({ mrenclave: F.mrenclaveOf(dir), statuses: F.STATUSES, advisories: F.ADVISORIES });
      c.chain.timestamp = F.nowOf(dir, F.RUNS[dir].steps[0]);
      assert.ok((await c.init(cs)).ok);
      assert.ok((await drv.create('lcp-0', cs)).ok);
      let now = c.chain.timestamp;
      const check = async (what, url, value) => {
        const v = await both(c, drv, 'lcp-0', url, value, now);
        assert.equal(v.evm, v.c, `${dir} ${what}: contract ${v.evmError ?? 'ok'} / C ${v.cError}`);
        return v.evm;
      };
      for (let k = 1; k <= F.RUNS[dir].keys; k++) {
        const msg = F.registerMsg(F.avrOf(dir, k));
        for (let m = 0; m < MUTATIONS / 4; m++) {
          const { b, i } = mutate(msg, r);
          await check(`register ${k} mutated at ${i}`, F.URL.register, b);
        }
        assert.ok(await check(`register ${k}`, F.URL.register, msg));
      }
      for (const s of F.RUNS[dir].steps) {
        now = F.nowOf(dir, s, now);
        const { message, signature } = F.resultOf(dir, s);
        if (s.includes('update')) {
          const um = F.updateMsg(message, [signature]);
          for (let m = 0; m < MUTATIONS; m++) {
            const { b, i } = mutate(um, r);
            await check(`${s} mutated at ${i}`, F.URL.update, b);
          }
          await check(s, F.URL.update, um);
        } else {
          const a = membershipArgs(dir, s, [signature]);
          const run = async (args, what) => {
            c.chain.timestamp = now;
            const e = await c.verify(args);
            const d = await drv.member('lcp-0', args.height, args.prefix, args.path, args.value, args.proof, now);
            assert.equal(e.ok, d.ok, `${dir} ${what}: contract ${e.error ?? 'ok'} / C ${d.line}`);
            return e.ok;
          };
          for (let m = 0; m < MUTATIONS; m++) {
            const { b, i } = mutate(Buffer.from(a.proof.slice(2), 'hex'), r);
            await run({ ...a, proof: b }, `${s} proof mutated at ${i}`);
          }
          assert.ok(await run(a, s));
        }
      }
    } finally {
      drv.close();
    }
  }
});
