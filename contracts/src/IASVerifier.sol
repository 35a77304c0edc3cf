// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {IAS} from "./IAS.sol";

/// Verifies IAS attestation verification reports against a pinned report-signing root (parsed and self-verified
/// at deployment). A signing certificate verified once is cached by its hash for every client that uses this
/// verifier (lcp-solidity caches the same way), so later registrations pay one RSA verification.
contract IASVerifier {
    error IASVerifierInvalidRoot();
    error LCPClientIASRootCertExpired();
    error LCPClientIASCertExpired();
    error LCPClientIASInvalidSigningCert();
    error LCPClientAVRInvalidSignature();

    bytes private rootModulus;
    bytes private rootExponent;
    bytes32 public immutable rootSubjectHash;
    uint64 public immutable rootNotBefore;
    uint64 public immutable rootNotAfter;
    bytes32 public immutable rootCertHash;
    /// keccak256(signing certificate DER) => notBefore << 64 | notAfter, clipped to the root's validity.
    mapping(bytes32 => uint256) public verifiedSigningCerts;

    constructor(bytes memory rootCert) {
        IAS.Cert memory root = IAS.parseCert(rootCert);
        // A typo'd anchor is caught at deployment: the root must be self-issued and self-signed.
        if (root.issuerHash != root.subjectHash) revert IASVerifierInvalidRoot();
        if (!IAS.rsaVerify(root.key, root.signature, IAS.sha256Range(rootCert, root.tbsStart, root.tbsEnd))) {
            revert IASVerifierInvalidRoot();
        }
        rootModulus = root.key.modulus;
        rootExponent = root.key.exponent;
        rootSubjectHash = root.subjectHash;
        rootNotBefore = uint64(root.notBefore);
        rootNotAfter = uint64(root.notAfter);
        rootCertHash = keccak256(rootCert);
    }

    /// Verifies the signing certificate (cached after its first verification) and the report's signature at
    /// block.timestamp, then parses the report. Reverts on any failure.
    function verifyReport(bytes calldata report, bytes calldata signature, bytes calldata signingCert)
        external
        returns (IAS.Report memory)
    {
        bytes memory cert = signingCert;
        bytes32 certHash = keccak256(cert);
        uint256 window = verifiedSigningCerts[certHash];
        IAS.Cert memory sc = IAS.parseCert(cert);
        if (window == 0) {
            if (block.timestamp < rootNotBefore || block.timestamp > rootNotAfter) revert LCPClientIASRootCertExpired();
            if (sc.issuerHash != rootSubjectHash) revert LCPClientAVRInvalidSignature();
            if (sc.key.modulus.length < 256) revert LCPClientIASInvalidSigningCert();
            IAS.RSAKey memory rootKey = IAS.RSAKey(rootModulus, rootExponent);
            if (!IAS.rsaVerify(rootKey, sc.signature, IAS.sha256Range(cert, sc.tbsStart, sc.tbsEnd))) {
                revert LCPClientAVRInvalidSignature();
            }
            uint256 nb = sc.notBefore > rootNotBefore ? sc.notBefore : rootNotBefore;
            uint256 na = sc.notAfter < rootNotAfter ? sc.notAfter : rootNotAfter;
            if (nb > type(uint64).max || na > type(uint64).max || na == 0 || nb > na) revert LCPClientIASInvalidSigningCert();
            window = (nb << 64) | na;
            verifiedSigningCerts[certHash] = window;
        }
        if (block.timestamp < (window >> 64) || block.timestamp > uint64(window)) revert LCPClientIASCertExpired();
        bytes memory rep = report;
        if (!IAS.rsaVerify(sc.key, signature, IAS.sha256Range(rep, 0, rep.length))) revert LCPClientAVRInvalidSignature();
        return IAS.parseReport(rep);
    }
}
