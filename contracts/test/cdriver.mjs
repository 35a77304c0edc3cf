// The C LCP client behind build/<variant>/bin/lcp-lc-driver's line protocol (contracts/driver/lc_driver.c).
import { spawn } from 'node:child_process';
import readline from 'node:readline';
import path from 'node:path';
import { ROOT } from './fixtures.mjs';

export const BIN = (name) => path.join(ROOT, process.env.BUILD || 'build', 'rel', 'bin', name);
const h = (b) => (b === null || b === undefined ? '-' : (typeof b === 'string' && b.startsWith('0x') ? b.slice(2) : Buffer.from(b).toString('hex')) || '-');

export class CDriver {
  constructor() {
    this.p = spawn(BIN('lcp-lc-driver'), [], { stdio: ['pipe', 'pipe', 'inherit'] });
    this.waiting = [];
    readline.createInterface({ input: this.p.stdout }).on('line', (l) => this.waiting.shift()(l));
  }
  cmd(...args) {
    return new Promise((resolve) => {
      this.waiting.push((l) => resolve(l.startsWith('ok') ? { ok: true } : { ok: false, error: l.split(' ')[1], line: l }));
      this.p.stdin.write(args.join(' ') + '\n');
    });
  }
  config({ development, iasRoot, dcapRoot = null, chainId = 1n, contract, collateral = null }) {
    return this.cmd('config', development ? 1 : 0, h(iasRoot), h(dcapRoot), chainId, contract.slice(2), h(collateral));
  }
  create(id, cs) {
    return this.cmd('create', id, h(cs), '-');
  }
  msg(id, any, now) {
    return this.cmd('msg', id, h(any), now);
  }
  member(id, height, prefix, p, value, proof, now) {
    return this.cmd('member', id, height[0], height[1], h(prefix), h(p), value === null ? '-' : h(value), h(proof), now);
  }
  close() {
    this.p.stdin.end();
  }
}
