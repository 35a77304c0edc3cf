// Writes tests/vectors/commitment/eip712.txt with an independent EIP-712 implementation (ethers v6
// TypedDataEncoder): the LCPClient domains and UpdateOperators / RegisterEnclaveKey / ZKDCAPRegisterEnclaveKey
// digests. Run: node tools/vectors/eip712.mjs > tests/vectors/commitment/eip712.txt
import { TypedDataEncoder, keccak256, solidityPacked, concat, toUtf8Bytes } from 'ethers';

const zero = '0x' + '00'.repeat(20);
const zeroSalt = '0x' + '00'.repeat(32);
const dom = (chainId, verifyingContract, salt) => ({ name: 'LCPClient', version: '1', chainId, verifyingContract, salt });
const evmSalt = keccak256(solidityPacked(['uint16'], [1]));
const cosmosSalt = (chainId, prefix) =>
  keccak256(concat([solidityPacked(['uint16'], [2]), keccak256(toUtf8Bytes(chainId)), keccak256(toUtf8Bytes(prefix))]));

const ops = {
  UpdateOperators: [
    { name: 'clientId', type: 'string' }, { name: 'nonce', type: 'uint64' }, { name: 'newOperators', type: 'address[]' },
    { name: 'thresholdNumerator', type: 'uint64' }, { name: 'thresholdDenominator', type: 'uint64' },
  ],
};
const out = [];
out.push(['domain_universal', TypedDataEncoder.hashDomain(dom(0, zero, zeroSalt))]);
out.push(['evm_salt', evmSalt]);
const contract = '0x' + '11'.repeat(20);
out.push(['domain_evm_31337', TypedDataEncoder.hashDomain(dom(31337, contract, evmSalt))]);
out.push(['domain_cosmos_ibc0', TypedDataEncoder.hashDomain(dom(0, zero, cosmosSalt('ibc0', 'ibc')))]);
const opsList = ['0x1d2fc68855a80db27172cb5634793e2038f6a209', '0x6e957a6e0000000000000000000000000000d3bb', '0xc4a9ab2600000000000000000000000000001ec2'];
out.push(['update_operators_evm', TypedDataEncoder.hash(dom(31337, contract, evmSalt), ops,
  { clientId: 'lcp-client-0', nonce: 1, newOperators: opsList, thresholdNumerator: 2, thresholdDenominator: 3 })]);
out.push(['update_operators_cosmos', TypedDataEncoder.hash(dom(0, zero, cosmosSalt('ibc0', 'ibc')), ops,
  { clientId: 'lcp-client-0', nonce: 7, newOperators: opsList.slice(0, 1), thresholdNumerator: 1, thresholdDenominator: 1 })]);
out.push(['register_enclave_key_abc', TypedDataEncoder.hash(dom(0, zero, zeroSalt),
  { RegisterEnclaveKey: [{ name: 'avr', type: 'string' }] }, { avr: 'abc' })]);
const info = '0x01' + '00'.repeat(31) + 'ab'.repeat(32);
out.push(['zkdcap_register', TypedDataEncoder.hash(dom(0, zero, zeroSalt),
  { ZKDCAPRegisterEnclaveKey: [{ name: 'zkDCAPVerifierInfo', type: 'bytes' }, { name: 'outputHash', type: 'bytes32' }] },
  { zkDCAPVerifierInfo: info, outputHash: keccak256('0x0102') })]);
for (const [k, v] of out) console.log(k, v.slice(2));
