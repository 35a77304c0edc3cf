// A tiny Ethereum JSON-RPC server on loopback over the in-process EVM (test/evm.mjs), enough for ethers v6 to
// deploy and call contracts with legacy transactions: the deploy script's test runs against it.
import http from 'node:http';
import { createTxFromRLP } from '@ethereumjs/tx';
import { runTx } from '@ethereumjs/vm';
import { Address, createAccount, hexToBytes, bytesToHex } from '@ethereumjs/util';

const qty = (n) => '0x' + BigInt(n).toString(16);

export async function startRpc(chain, { fund = [] } = {}) {
  for (const a of fund) await chain.vm.stateManager.putAccount(new Address(hexToBytes(a)), createAccount({ nonce: 0n, balance: 10n ** 30n }));
  const receipts = new Map();
  const txs = new Map();
  let number = 1n;
  const block = (n) => ({ number: qty(n), hash: '0x' + n.toString(16).padStart(64, '0'), parentHash: '0x' + (n - 1n).toString(16).padStart(64, '0'),
    timestamp: qty(chain.timestamp), gasLimit: qty(1_000_000_000n), gasUsed: '0x0', baseFeePerGas: '0x7', miner: '0x' + '00'.repeat(20),
    difficulty: '0x0', nonce: '0x0000000000000000', extraData: '0x', transactions: [], sha3Uncles: '0x' + '00'.repeat(32),
    logsBloom: '0x' + '00'.repeat(256), transactionsRoot: '0x' + '00'.repeat(32), stateRoot: '0x' + '00'.repeat(32), receiptsRoot: '0x' + '00'.repeat(32), size: '0x0', uncles: [] });
  const methods = {
    eth_chainId: () => qty(chain.common.chainId()),
    net_version: () => String(chain.common.chainId()),
    eth_blockNumber: () => qty(number),
    eth_gasPrice: () => '0xa',
    eth_maxPriorityFeePerGas: () => '0x1',
    eth_getBlockByNumber: () => block(number),
    eth_getTransactionCount: async ([a]) => qty((await chain.vm.stateManager.getAccount(new Address(hexToBytes(a))))?.nonce ?? 0n),
    eth_getBalance: async ([a]) => qty((await chain.vm.stateManager.getAccount(new Address(hexToBytes(a))))?.balance ?? 0n),
    eth_getCode: async ([a]) => bytesToHex(await chain.vm.stateManager.getCode(new Address(hexToBytes(a)))),
    eth_estimateGas: () => qty(15_000_000n),
    eth_call: async ([c]) => {
      // a call changes nothing: runCall bumps the caller's nonce, so it runs inside a checkpoint that is reverted
      await chain.vm.stateManager.checkpoint();
      const r = await chain.vm.evm.runCall({ to: c.to ? new Address(hexToBytes(c.to)) : undefined, caller: new Address(hexToBytes(c.from || '0x' + 'ca'.repeat(20))),
        origin: new Address(hexToBytes(c.from || '0x' + 'ca'.repeat(20))), data: hexToBytes(c.data || c.input || '0x'), gasLimit: 16_000_000n, block: chain.block() })
        .finally(() => chain.vm.stateManager.revert());
      if (r.execResult.exceptionError) throw Object.assign(new Error('execution reverted'), { code: 3, data: bytesToHex(r.execResult.returnValue) });
      return bytesToHex(r.execResult.returnValue);
    },
    eth_sendRawTransaction: async ([raw]) => {
      const tx = createTxFromRLP(hexToBytes(raw), { common: chain.common });
      const r = await runTx(chain.vm, { tx, block: chain.block(), skipBlockGasLimitValidation: true });
      number++;
      const hash = bytesToHex(tx.hash());
      const status = r.execResult.exceptionError ? '0x0' : '0x1';
      receipts.set(hash, { transactionHash: hash, transactionIndex: '0x0', blockNumber: qty(number), blockHash: block(number).hash,
        from: tx.getSenderAddress().toString(), to: tx.to ? tx.to.toString() : null, cumulativeGasUsed: qty(r.totalGasSpent),
        gasUsed: qty(r.totalGasSpent), effectiveGasPrice: qty(tx.gasPrice), contractAddress: r.createdAddress ? r.createdAddress.toString() : null,
        logs: r.receipt.logs.map((l, i) => ({ address: bytesToHex(l[0]), topics: l[1].map(bytesToHex), data: bytesToHex(l[2]), logIndex: qty(i),
          blockNumber: qty(number), blockHash: block(number).hash, transactionHash: hash, transactionIndex: '0x0', removed: false })),
        logsBloom: '0x' + '00'.repeat(256), status, type: '0x0', revertData: bytesToHex(r.execResult.returnValue) });
      txs.set(hash, { hash, nonce: qty(tx.nonce), blockHash: block(number).hash, blockNumber: qty(number), transactionIndex: '0x0',
        from: tx.getSenderAddress().toString(), to: tx.to ? tx.to.toString() : null, value: qty(tx.value), gasPrice: qty(tx.gasPrice),
        gas: qty(tx.gasLimit), input: bytesToHex(tx.data), v: qty(tx.v), r: qty(tx.r), s: qty(tx.s), type: '0x0', chainId: qty(chain.common.chainId()) });
      return hash;
    },
    eth_getTransactionReceipt: ([h]) => receipts.get(h) ?? null,
    eth_getTransactionByHash: ([h]) => txs.get(h) ?? null,
  };
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', async () => {
      const one = async (m) => {
        try {
          const f = methods[m.method];
          if (!f) return { jsonrpc: '2.0', id: m.id, error: { code: -32601, message: 'method not found: ' + m.method } };
          return { jsonrpc: '2.0', id: m.id, result: await f(m.params || []) };
        } catch (e) {
          return { jsonrpc: '2.0', id: m.id, error: { code: e.code ?? -32000, message: e.message, data: e.data } };
        }
      };
      const msg = JSON.parse(body);
      const out = Array.isArray(msg) ? await Promise.all(msg.map(one)) : await one(msg);
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(out));
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((r) => server.close(r)), receipts };
}
