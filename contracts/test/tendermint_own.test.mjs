// lcp-c's own 07-tendermint commitments on the contract and the C client: the enclave (sim platform) replays LCP's
// recorded Tendermint run client/02 (create-client, update-client x2 from the fixture's inputs and times) and signs
// with its own key, attested with a simulated IAS report (sim: test PKI); both verifiers accept the key and the
// two updates at the fixture's times.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import * as F from './fixtures.mjs';
import { registeredOnBoth } from './client.mjs';
import { CDriver } from './cdriver.mjs';
import { simIasKey } from './sim.mjs';

test('lcp-c enclave: own 07-tendermint update commitments (client/02 inputs) accepted on-chain and by the C client', async () => {
  const { L, key, avr, mrenclave, cleanup } = simIasKey();
  const drv = new CDriver();
  try {
    const fix = path.join(F.TESTDATA, 'lcp/lcp-solidity/client/02');
    L('elc', 'create-client', '--input', path.join(fix, '002-init_client_input'), '--signer', key);
    const updates = ['003-update_client', '005-update_client'].map((s) => {
      const out = JSON.parse(L('elc', 'update-client', '--input', path.join(fix, s + '_input'), '--signer', key));
      return { s, message: Buffer.from(out.message, 'base64'), signature: Buffer.from(out.signature, 'base64') };
    });
    const c = await registeredOnBoth(drv, { mrenclave, avr, now: F.nowOf('02', '003-update_client') });
    for (const u of updates) {
      c.chain.timestamp = F.nowOf('02', u.s, c.chain.timestamp);
      assert.deepEqual(u.message, F.resultOf('02', u.s).message, `${u.s}: the enclave's message is LCP's`);
      const e = await c.update(u.message, [u.signature]);
      assert.ok(e.ok, `${u.s}: ${e.error}`);
      assert.ok((await drv.msg('lcp-0', F.any(F.URL.update, F.updateMsg(u.message, [u.signature])), c.chain.timestamp)).ok);
    }
    // LCP's own signature over the same message is by a key this client never registered
    const lcpSig = F.resultOf('02', '005-update_client').signature;
    assert.equal((await c.update(updates[1].message, [lcpSig])).error, 'LCPClientEnclaveKeyNotExist');
  } finally {
    drv.close();
    cleanup();
  }
});
