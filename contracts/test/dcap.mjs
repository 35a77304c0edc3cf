// DCAP helpers for the contract tests: the collateral of a dcap-qvl style collateral document (one JSON file, as
// lcp-c's `lcp attestation dcap` and the phala sample write it) uploaded to a DCAPVerifier in dependency order.
import { ethers } from 'ethers';

export function pemBlocks(text) {
  const out = [];
  const re = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g;
  let m;
  while ((m = re.exec(text))) out.push(Buffer.from(m[1].replace(/\s+/g, ''), 'base64'));
  return out;
}

const unhex = (h) => Buffer.from(h.replace(/^0x/, ''), 'hex');

/** The upload transactions for a collateral document: [fn, args, label]. */
export function collateralCalls(doc) {
  const c = typeof doc === 'string' || Buffer.isBuffer(doc) ? JSON.parse(doc.toString()) : doc;
  const pckCa = pemBlocks(c.pck_crl_issuer_chain)[0];
  const tcbSigning = pemBlocks(c.tcb_info_issuer_chain)[0];
  return [
    ['uploadRootCrl', [unhex(c.root_ca_crl)], 'Root CA CRL'],
    ['uploadCertificate', [pckCa], 'PCK CA certificate'],
    ['uploadCertificate', [tcbSigning], 'TCB Signing certificate'],
    ['uploadPckCrl', [unhex(c.pck_crl)], 'PCK CRL'],
    ['uploadTcbInfo', [Buffer.from(c.tcb_info), unhex(c.tcb_info_signature)], 'TCB Info'],
    ['uploadQeIdentity', [Buffer.from(c.qe_identity), unhex(c.qe_identity_signature)], 'QE Identity'],
  ];
}

/** Uploads every item; returns [{label, gas}] or throws on the first refusal. */
export async function uploadCollateral(verifier, doc) {
  const out = [];
  for (const [fn, args, label] of collateralCalls(doc)) {
    const r = await verifier.send(fn, args);
    if (!r.ok) throw new Error(`${label}: ${r.error}`);
    out.push({ label, gas: r.gas });
  }
  return out;
}

export async function deployDcap(chain, rootDer) {
  const parser = await chain.deploy('CollateralParser');
  const verifier = await chain.deploy('DCAPVerifier', [rootDer, parser.address]);
  return { parser, verifier };
}

export const INTEL_ROOT_KECCAK = '0xa1acc73eb45794fa1734f14d882e91925b6006f79d3bb2460df9d01b333d7009';
export { ethers };
