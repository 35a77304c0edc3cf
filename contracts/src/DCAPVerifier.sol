// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {Der} from "./Der.sol";
import {Json} from "./Json.sol";
import {X509EC} from "./X509EC.sol";
import {IAS} from "./IAS.sol";
import {IDCAPVerifier} from "./IDCAPVerifier.sol";
import {CollateralParser} from "./CollateralParser.sol";

/// SGX DCAP (quote v3) verification on-chain with the P256VERIFY precompile (EIP-7951 / RIP-7212, address 0x100).
///
/// Collateral is submitted by anyone, verified once against the pinned root and stored: the Root CA CRL, the PCK
/// CA and TCB Signing certificates, each PCK CA's CRL, TCB Info per FMSPC and the QE Identity. Every item must be
/// valid at submission and newer than the one it replaces. A quote is then verified against the stored collateral
/// with three signature checks (PCK leaf by its CA, QE report by the PCK key, ISV report by the attestation key).
/// Signatures are always checked over the exact signed bytes: certificate and CRL TBS spans of the DER, the exact
/// JSON body of TCB Info and QE Identity, the quote's bytes.
contract DCAPVerifier is IDCAPVerifier {
    error DCAPP256Unavailable();
    error DCAPInvalidRoot();
    error DCAPInvalidSignature();
    error DCAPUnknownIssuer();
    error DCAPNotValidNow();
    error DCAPRevoked();
    error DCAPNotNewer();
    error DCAPCollateralMissing();
    error DCAPCollateralMustBeUploaded();
    error DCAPInvalidCollateral();
    error DCAPInvalidQuote();
    error DCAPQeIdentityMismatch();
    error DCAPTcbNotSupported();

    event CollateralStored(string kind, bytes32 id, uint64 validFrom, uint64 validTo);

    uint256 private constant KIND_ROOT_CRL = 1;
    bytes32 private constant CN_TCB_SIGNING = keccak256("Intel SGX TCB Signing");
    bytes32 private constant CN_PCK_CERT = keccak256("Intel SGX PCK Certificate");
    // 1.2.840.113741.1.13.1 and its sub-arcs (dcap.md §2.3)
    bytes32 private constant OID_SGX_EXT = keccak256(hex"2a864886f84d010d01");
    bytes16 private constant INTEL_QE_VENDOR = 0x939a7233f79c4ca9940a0db3957f0607;

    bytes32 public immutable rootDerHash;
    bytes32 private immutable rootSubjectHash;
    uint256 private immutable rootX;
    uint256 private immutable rootY;
    uint64 private immutable rootNotBefore;
    uint64 private immutable rootNotAfter;
    bytes32 private immutable rootPemHash;
    uint256 private immutable rootPemLen;
    CollateralParser public immutable parser;

    struct CrlInfo {
        uint64 thisUpdate;
        uint64 nextUpdate;
        uint32 generation;
    }

    struct CA {
        uint256 x;
        uint256 y;
        uint64 notBefore;
        uint64 notAfter;
        bytes32 serialHash;
        bytes32 pemHash;
        uint256 pemLen;
    }

    struct TcbInfo {
        uint64 issueDate;
        uint64 nextUpdate;
        uint32 evaluationDataNumber;
        bytes2 pceId;
        bytes32[] levels; // comp SVNs (16 bytes) || pcesvn (2 bytes, big-endian) || status (1 byte)
        bytes[] advisories; // per level: IDs joined by ","
    }

    CrlInfo public rootCrl;
    mapping(bytes32 => CA) public pckCas; // by subject Name hash
    CA public tcbSigner;
    mapping(bytes32 => CrlInfo) public pckCrls; // by issuing CA's subject Name hash
    mapping(bytes32 => bool) private revoked; // keccak(issuer subject hash, CRL generation, serial hash)
    mapping(bytes6 => TcbInfo) private tcbInfos;
    CollateralParser.QeIdentity private qeIdentity;

    /// rootCert: DER of the trust anchor (Intel SGX Root CA, or a simulated root for tests); its keccak256 is
    /// published as rootDerHash. Deployment fails where P256VERIFY does not verify a known-good signature.
    constructor(bytes memory rootCert, CollateralParser parser_) {
        parser = parser_;
        // Known good: Intel SGX Root CA's self-signature (sha256 of its TBS, r, s, public key).
        if (
            !p256(
                0x0e1c8ad1fad9254ad1d0bc362c4c83dad27f32fc903cbb9cda58349ec2a4626a,
                0xe5bfe50911f92f428920dc368a302ee3d12ec5867ff622ec6497f78060c13c20,
                0xe09d25ac7a0cb3e5e8e68fec5fa3bd416c47440bd950639d450edcbea4576aa2,
                0x0ba9c4c0c0c86193a3fe23d6b02cda10a8bbd4e88e48b4458561a36e705525f5,
                0x67918e2edc88e40d860bd0cc4ee26aacc988e505a953558c453f6b0904ae7394
            )
        ) revert DCAPP256Unavailable();
        X509EC.Cert memory root = X509EC.parseCert(rootCert);
        if (root.issuerHash != root.subjectHash) revert DCAPInvalidRoot();
        if (!p256(IAS.sha256Range(rootCert, root.tbsStart, root.tbsEnd), root.r, root.s, root.x, root.y)) revert DCAPInvalidRoot();
        rootDerHash = keccak256(rootCert);
        rootSubjectHash = root.subjectHash;
        rootX = root.x;
        rootY = root.y;
        rootNotBefore = uint64(root.notBefore);
        rootNotAfter = uint64(root.notAfter);
        bytes memory rp = pem(rootCert);
        rootPemHash = keccak256(rp);
        rootPemLen = rp.length;
    }

    /// P256VERIFY: accepted only as a successful call returning exactly 32 bytes equal to 1 (an absent precompile
    /// returns success with no data).
    function p256(bytes32 h, uint256 r, uint256 s, uint256 x, uint256 y) internal view returns (bool ok) {
        assembly {
            let m := mload(0x40)
            mstore(m, h)
            mstore(add(m, 0x20), r)
            mstore(add(m, 0x40), s)
            mstore(add(m, 0x60), x)
            mstore(add(m, 0x80), y)
            mstore(0x00, 0)
            let success := staticcall(gas(), 0x100, m, 0xa0, 0x00, 0x20)
            ok := and(and(success, eq(returndatasize(), 0x20)), eq(mload(0x00), 1))
        }
    }

    // =========================================================================================================
    // collateral
    // =========================================================================================================

    function _current(uint256 from, uint256 to) private view {
        if (block.timestamp < from || block.timestamp > to) revert DCAPNotValidNow();
    }

    function _recordRevoked(bytes memory der, X509EC.Crl memory c, bytes32 issuer, uint32 generation) private {
        uint256 p = c.revokedStart;
        while (p < c.revokedEnd) {
            bytes32 serial;
            (serial, p) = X509EC.nextRevoked(der, c, p);
            revoked[keccak256(abi.encode(issuer, generation, serial))] = true;
        }
    }

    /// The Root CA CRL, signed by the root.
    function uploadRootCrl(bytes calldata crlDer) external {
        bytes memory der = crlDer;
        X509EC.Crl memory c = X509EC.parseCrl(der);
        if (c.issuerHash != rootSubjectHash) revert DCAPUnknownIssuer();
        if (!p256(IAS.sha256Range(der, c.tbsStart, c.tbsEnd), c.r, c.s, rootX, rootY)) revert DCAPInvalidSignature();
        _current(c.thisUpdate, c.nextUpdate);
        if (c.thisUpdate <= rootCrl.thisUpdate) revert DCAPNotNewer();
        uint32 gen = rootCrl.generation + 1;
        rootCrl = CrlInfo(uint64(c.thisUpdate), uint64(c.nextUpdate), gen);
        _recordRevoked(der, c, rootSubjectHash, gen);
        emit CollateralStored("RootCACrl", rootSubjectHash, uint64(c.thisUpdate), uint64(c.nextUpdate));
    }

    function _rootNotRevoked(bytes32 serialHash) private view {
        CrlInfo memory rc = rootCrl;
        if (rc.generation == 0) revert DCAPCollateralMissing();
        _current(rc.thisUpdate, rc.nextUpdate);
        if (revoked[keccak256(abi.encode(rootSubjectHash, rc.generation, serialHash))]) revert DCAPRevoked();
    }

    /// A PCK Platform/Processor CA or the TCB Signing certificate, issued by the root, not revoked by the stored
    /// Root CA CRL.
    function uploadCertificate(bytes calldata certDer) external {
        bytes memory der = certDer;
        X509EC.Cert memory c = X509EC.parseCert(der);
        if (c.issuerHash != rootSubjectHash) revert DCAPUnknownIssuer();
        if (!p256(IAS.sha256Range(der, c.tbsStart, c.tbsEnd), c.r, c.s, rootX, rootY)) revert DCAPInvalidSignature();
        _current(c.notBefore, c.notAfter);
        _rootNotRevoked(c.serialHash);
        bytes memory cp = pem(der);
        CA memory ca = CA(c.x, c.y, uint64(c.notBefore), uint64(c.notAfter), c.serialHash, keccak256(cp), cp.length);
        if (c.subjectCnHash == CN_TCB_SIGNING) {
            if (c.notBefore <= tcbSigner.notBefore) revert DCAPNotNewer();
            tcbSigner = ca;
            emit CollateralStored("TcbSigning", c.subjectHash, ca.notBefore, ca.notAfter);
        } else {
            // Every other certificate the root issues is a PCK CA (Intel's are "Intel SGX PCK Platform CA" and
            // "... Processor CA"; lcp-c's simulated one is named as such). As in the C verifier, the CA is
            // identified by its subject, which PCK certificates name as issuer.
            if (c.notBefore <= pckCas[c.subjectHash].notBefore) revert DCAPNotNewer();
            pckCas[c.subjectHash] = ca;
            emit CollateralStored("PckCa", c.subjectHash, ca.notBefore, ca.notAfter);
        }
    }

    /// A PCK CA's CRL, signed by that (stored) CA.
    function uploadPckCrl(bytes calldata crlDer) external {
        bytes memory der = crlDer;
        X509EC.Crl memory c = X509EC.parseCrl(der);
        CA memory ca = pckCas[c.issuerHash];
        if (ca.x == 0) revert DCAPUnknownIssuer();
        if (!p256(IAS.sha256Range(der, c.tbsStart, c.tbsEnd), c.r, c.s, ca.x, ca.y)) revert DCAPInvalidSignature();
        _current(c.thisUpdate, c.nextUpdate);
        CrlInfo storage cur = pckCrls[c.issuerHash];
        if (c.thisUpdate <= cur.thisUpdate) revert DCAPNotNewer();
        uint32 gen = cur.generation + 1;
        pckCrls[c.issuerHash] = CrlInfo(uint64(c.thisUpdate), uint64(c.nextUpdate), gen);
        _recordRevoked(der, c, c.issuerHash, gen);
        emit CollateralStored("PckCrl", c.issuerHash, uint64(c.thisUpdate), uint64(c.nextUpdate));
    }

    function _tcbSigned(bytes memory body, bytes calldata sig) private view {
        CA memory t = tcbSigner;
        if (t.x == 0) revert DCAPCollateralMissing();
        _current(t.notBefore, t.notAfter);
        _rootNotRevoked(t.serialHash);
        if (sig.length != 64) revert DCAPInvalidSignature();
        if (!p256(IAS.sha256Range(body, 0, body.length), uint256(bytes32(sig[0:32])), uint256(bytes32(sig[32:64])), t.x, t.y)) {
            revert DCAPInvalidSignature();
        }
    }

    /// TCB Info v3 (id "SGX") with its signature (raw r || s) by the stored TCB Signing certificate.
    function uploadTcbInfo(bytes calldata tcbInfoJson, bytes calldata signature) external {
        bytes memory b = tcbInfoJson;
        _tcbSigned(b, signature);
        CollateralParser.TcbInfoParsed memory r = parser.tcbInfo(b);
        _current(r.issueDate, r.nextUpdate);
        TcbInfo storage t = tcbInfos[r.fmspc];
        if (r.issueDate <= t.issueDate || r.evaluationDataNumber < t.evaluationDataNumber) revert DCAPNotNewer();
        t.issueDate = r.issueDate;
        t.nextUpdate = r.nextUpdate;
        t.evaluationDataNumber = r.evaluationDataNumber;
        t.pceId = r.pceId;
        delete t.levels;
        delete t.advisories;
        for (uint256 i = 0; i < r.levels.length; i++) {
            t.levels.push(r.levels[i]);
            t.advisories.push(r.advisories[i]);
        }
        emit CollateralStored("TcbInfo", bytes32(r.fmspc), r.issueDate, r.nextUpdate);
    }

    /// QE Identity v2 (id "QE") with its signature by the stored TCB Signing certificate.
    function uploadQeIdentity(bytes calldata qeIdentityJson, bytes calldata signature) external {
        bytes memory b = qeIdentityJson;
        _tcbSigned(b, signature);
        CollateralParser.QeIdentity memory q = parser.qeIdentity(b);
        _current(q.issueDate, q.nextUpdate);
        if (q.issueDate <= qeIdentity.issueDate || q.evaluationDataNumber < qeIdentity.evaluationDataNumber) revert DCAPNotNewer();
        qeIdentity = q;
        emit CollateralStored("QeIdentity", bytes32(0), q.issueDate, q.nextUpdate);
    }

    // =========================================================================================================
    // quote
    // =========================================================================================================

    struct Window {
        uint256 from;
        uint256 to;
    }

    function _within(Window memory w, uint256 from, uint256 to) private pure {
        if (from > w.from) w.from = from;
        if (to < w.to) w.to = to;
    }

    function _le16(bytes memory q, uint256 off) private pure returns (uint256) {
        return uint256(uint8(q[off])) | (uint256(uint8(q[off + 1])) << 8);
    }

    function _le32(bytes memory q, uint256 off) private pure returns (uint256) {
        return _le16(q, off) | (_le16(q, off + 2) << 16);
    }

    function _w(bytes memory b, uint256 off) private pure returns (bytes32 w) {
        assembly {
            w := mload(add(add(b, 32), off))
        }
    }

    function _sha(bytes memory b, uint256 s, uint256 e) private view returns (bytes32) {
        return IAS.sha256Range(b, s, e);
    }

    function verifyQuote(bytes calldata quote, bytes calldata collateral) external view returns (Output memory out) {
        if (collateral.length != 0) revert DCAPCollateralMustBeUploaded();
        bytes memory q = quote;
        uint256 n = q.length;
        uint256 cp = _certData(q);
        uint256 authLen = cp - 1014;
        Window memory w = Window(rootNotBefore, rootNotAfter);

        // PCK leaf (cached after its first verification, else decoded and verified now); the chain's other
        // certificates must be the stored CA's and the root, verbatim.
        (Leaf memory leaf, uint256 leafEnd) = _leaf(q, cp + 6, n);
        CA memory ca = pckCas[leaf.issuerHash];
        if (ca.x == 0) revert DCAPCollateralMissing();
        if (keccak256(abi.encode(ca.x, ca.y)) != leaf.caKeyHash) revert DCAPInvalidSignature();
        {
            // the chain text after the leaf: PEM(CA) || PEM(root) [|| NUL], exactly as stored
            uint256 cl = ca.pemLen;
            uint256 rl = rootPemLen;
            uint256 rest = n - leafEnd;
            if (rest != cl + rl && !(rest == cl + rl + 1 && q[n - 1] == 0)) revert DCAPInvalidQuote();
            bytes32 h1;
            bytes32 h2;
            assembly {
                let base := add(add(q, 32), leafEnd)
                h1 := keccak256(base, cl)
                h2 := keccak256(add(base, cl), rl)
            }
            if (h1 != ca.pemHash || h2 != rootPemHash) revert DCAPInvalidQuote();
        }
        _within(w, leaf.notBefore, leaf.notAfter);
        _within(w, ca.notBefore, ca.notAfter);
        _rootNotRevoked(ca.serialHash);
        {
            CrlInfo memory rc = rootCrl;
            _within(w, rc.thisUpdate, rc.nextUpdate);
            CrlInfo memory pc = pckCrls[leaf.issuerHash];
            if (pc.generation == 0) revert DCAPCollateralMissing();
            _within(w, pc.thisUpdate, pc.nextUpdate);
            if (revoked[keccak256(abi.encode(leaf.issuerHash, pc.generation, leaf.serialHash))]) revert DCAPRevoked();
        }
        (bytes6 fmspc, bytes2 pceId, uint256 pckTcb) = (leaf.fmspc, leaf.pceId, leaf.tcb);

        // QE report: by the PCK key; binds the attestation key and QE auth data.
        if (!p256(_sha(q, 564, 948), uint256(_w(q, 948)), uint256(_w(q, 980)), leaf.x, leaf.y)) revert DCAPInvalidSignature();
        {
            // attestation key (500..564) and QE auth data (1014..) are not contiguous
            bytes32 bind = sha256(abi.encodePacked(_w(q, 500), _w(q, 532), IAS.slice(q, 1014, 1014 + authLen)));
            if (_w(q, 564 + 320) != bind || _w(q, 564 + 352) != bytes32(0)) revert DCAPInvalidSignature();
        }
        // ISV report: by the attestation key over header || body.
        if (!p256(_sha(q, 0, 432), uint256(_w(q, 436)), uint256(_w(q, 468)), uint256(_w(q, 500)), uint256(_w(q, 532)))) {
            revert DCAPInvalidSignature();
        }

        // QE identity and TCB levels.
        (uint256 qeStatus, bytes memory qeAdv, uint256 qeEval) = _matchQe(q, w);
        (uint256 platStatus, bytes memory platAdv, uint256 tcbEval) = _matchTcb(fmspc, pceId, pckTcb, w);
        {
            CA memory t = tcbSigner;
            _within(w, t.notBefore, t.notAfter);
            _rootNotRevoked(t.serialHash);
        }
        if (block.timestamp < w.from || block.timestamp > w.to || w.from > w.to) revert DCAPNotValidNow();

        out.tcbStatus = _statusName(_converge(platStatus, qeStatus));
        out.advisoryIds = _union(platAdv, qeAdv);
        out.tcbEvaluationDataNumber = uint32(tcbEval < qeEval ? tcbEval : qeEval);
        out.notBefore = uint64(w.from);
        out.notAfter = uint64(w.to);
        out.mrenclave = _w(q, 48 + 64);
        out.debug = uint8(q[48 + 48]) & 0x02 != 0;
    }

    /// What a quote needs of its PCK leaf certificate, once its signature by the CA has been verified.
    struct Leaf {
        uint256 x;
        uint256 y;
        bytes32 issuerHash;
        bytes32 serialHash;
        bytes32 caKeyHash; // keccak256(x, y) of the CA key that verified it
        uint64 notBefore;
        uint64 notAfter;
        bytes6 fmspc;
        bytes2 pceId;
        uint256 tcb; // comp SVNs (16 bytes) || pcesvn (2 bytes)
    }

    /// Verified PCK leaf certificates by keccak256 of their PEM block as quotes carry it. A platform's PCK
    /// certificate is fixed, so each platform's first quote (or uploadPckCertificate) pays for decoding it.
    mapping(bytes32 => Leaf) public pckLeaves;

    /// Verifies the PCK leaf certificate in a quote's chain against the stored CA and caches it, so that later
    /// registrations from the platform skip decoding and parsing it. Anyone may call it.
    function uploadPckCertificate(bytes calldata quote) external {
        bytes memory q = quote;
        uint256 cp = _certData(q);
        (bytes32 h, uint256 e) = _leafBlock(q, cp + 6, q.length);
        Leaf memory leaf = _parseLeaf(q, cp + 6, e);
        pckLeaves[h] = leaf;
        emit CollateralStored("PckCertificate", h, leaf.notBefore, leaf.notAfter);
    }

    function _certData(bytes memory q) private pure returns (uint256 cp) {
        uint256 n = q.length;
        if (n < 1020) revert DCAPInvalidQuote();
        if (_le16(q, 0) != 3 || _le16(q, 2) != 2 || _le32(q, 4) != 0 || bytes16(_w(q, 12)) != INTEL_QE_VENDOR) revert DCAPInvalidQuote();
        if (_le32(q, 432) != n - 436) revert DCAPInvalidQuote();
        cp = 1014 + _le16(q, 1012);
        if (cp + 6 > n || _le16(q, cp) != 5 || _le32(q, cp + 2) != n - cp - 6) revert DCAPInvalidQuote();
    }

    /// Bounds of the leaf PEM block at p (its length follows from the DER length in its first characters) and its
    /// hash.
    function _leafBlock(bytes memory q, uint256 p, uint256 n) private pure returns (bytes32 h, uint256 end) {
        bytes32 begin = "-----BEGIN CERTIFICATE-----\n";
        bytes32 mask = ~bytes32(uint256(type(uint32).max));
        if (p + 36 > n || _w(q, p) & mask != begin & mask) revert DCAPInvalidQuote();
        bytes memory table = B64_TABLE;
        uint256 head = _b64group(table, q, p + 28) << 24 | _b64group(table, q, p + 32);
        if ((head >> 32) & 0xffff != 0x3082) revert DCAPInvalidQuote();
        uint256 b64Len = ((4 + ((head >> 16) & 0xffff) + 2) / 3) * 4;
        uint256 bodyEnd = p + 28 + b64Len + (b64Len + 63) / 64 - 1;
        end = bodyEnd + 27;
        if (end > n) revert DCAPInvalidQuote();
        assembly {
            h := keccak256(add(add(q, 32), p), sub(end, p))
        }
    }

    function _leaf(bytes memory q, uint256 p, uint256 n) private view returns (Leaf memory leaf, uint256 end) {
        bytes32 h;
        (h, end) = _leafBlock(q, p, n);
        leaf = pckLeaves[h];
        if (leaf.x == 0) leaf = _parseLeaf(q, p, end);
    }

    /// Decodes and parses the leaf, checks its name and its signature by the stored CA, reads its SGX extension.
    function _parseLeaf(bytes memory q, uint256 p, uint256 n) private view returns (Leaf memory leaf) {
        (bytes memory leafDer,) = _pemLeaf(q, p, n);
        X509EC.Cert memory c = X509EC.parseCert(leafDer);
        if (c.subjectCnHash != CN_PCK_CERT) revert DCAPInvalidQuote();
        CA memory ca = pckCas[c.issuerHash];
        if (ca.x == 0) revert DCAPCollateralMissing();
        if (!p256(_sha(leafDer, c.tbsStart, c.tbsEnd), c.r, c.s, ca.x, ca.y)) revert DCAPInvalidSignature();
        leaf.x = c.x;
        leaf.y = c.y;
        leaf.issuerHash = c.issuerHash;
        leaf.serialHash = c.serialHash;
        leaf.caKeyHash = keccak256(abi.encode(ca.x, ca.y));
        leaf.notBefore = uint64(c.notBefore);
        leaf.notAfter = uint64(c.notAfter);
        (leaf.fmspc, leaf.pceId, leaf.tcb) = _sgxExtension(leafDer, c);
    }

    /// The first PEM block of the chain at [p, n) (64-character lines, as Intel's QE writes it): its DER and the
    /// position after it. The block's length follows from the DER length in its first characters, so nothing is
    /// searched; the base64 is decoded straight from the lines with a 256-entry table.
    function _pemLeaf(bytes memory q, uint256 p, uint256 n) private pure returns (bytes memory der, uint256 end) {
        bytes32 begin = "-----BEGIN CERTIFICATE-----\n";
        if (p + 36 > n || _w(q, p) & ~bytes32(uint256(type(uint32).max)) != begin & ~bytes32(uint256(type(uint32).max))) {
            revert DCAPInvalidQuote();
        }
        uint256 s = p + 28;
        bytes memory table = B64_TABLE;
        // DER header 30 82 HH LL from the first 8 characters
        uint256 head = _b64group(table, q, s) << 24 | _b64group(table, q, s + 4);
        if ((head >> 32) & 0xffff != 0x3082) revert DCAPInvalidQuote();
        uint256 derLen = 4 + ((head >> 16) & 0xffff);
        uint256 b64Len = ((derLen + 2) / 3) * 4;
        uint256 lines = (b64Len + 63) / 64;
        uint256 bodyEnd = s + b64Len + lines - 1;
        end = bodyEnd + 27;
        if (end > n || keccak256(IAS.slice(q, bodyEnd, end)) != keccak256("\n-----END CERTIFICATE-----\n")) revert DCAPInvalidQuote();
        der = new bytes(derLen + 32);
        uint256 pad = (3 - (derLen % 3)) % 3;
        bool bad;
        assembly {
            let tbl := add(table, 32)
            let dst := add(der, 32)
            let groups := div(b64Len, 4)
            let src := add(add(q, 32), s)
            for { let g := 0 } lt(g, groups) { g := add(g, 1) } {
                // group g sits on line g/16; lines are 65 bytes apart (64 characters and a newline)
                let pos := add(src, add(mul(div(g, 16), 65), mul(mod(g, 16), 4)))
                let w := mload(pos)
                let a := byte(0, mload(add(tbl, byte(0, w))))
                let b := byte(0, mload(add(tbl, byte(1, w))))
                let c := byte(0, mload(add(tbl, byte(2, w))))
                let d := byte(0, mload(add(tbl, byte(3, w))))
                if eq(g, sub(groups, 1)) {
                    // padding: '=' only where the DER length says
                    if gt(pad, 0) {
                        if iszero(eq(byte(3, w), 61)) { bad := 1 }
                        d := 0
                    }
                    if eq(pad, 2) {
                        if iszero(eq(byte(2, w), 61)) { bad := 1 }
                        c := 0
                    }
                }
                bad := or(bad, shr(7, or(or(a, b), or(c, d))))
                let acc := or(or(shl(18, a), shl(12, b)), or(shl(6, c), d))
                if eq(g, sub(groups, 1)) {
                    if eq(pad, 1) { if and(acc, 0xff) { bad := 1 } }
                    if eq(pad, 2) { if and(acc, 0xffff) { bad := 1 } }
                }
                mstore(add(dst, mul(g, 3)), shl(232, acc))
            }
            // newlines between lines
            for { let k := 1 } lt(k, lines) { k := add(k, 1) } {
                if iszero(eq(byte(0, mload(add(src, sub(mul(k, 65), 1)))), 10)) { bad := 1 }
            }
            mstore(der, derLen)
        }
        if (bad) revert DCAPInvalidQuote();
    }

    bytes private constant B64_TABLE =
        hex"ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff3effffff3f3435363738393a3b3c3dffffffffffffff000102030405060708090a0b0c0d0e0f10111213141516171819ffffffffffff1a1b1c1d1e1f202122232425262728292a2b2c2d2e2f30313233ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff";

    function _b64group(bytes memory table, bytes memory q, uint256 pos) private pure returns (uint256 v) {
        bool bad;
        assembly {
            let tbl := add(table, 32)
            let w := mload(add(add(q, 32), pos))
            let a := byte(0, mload(add(tbl, byte(0, w))))
            let b := byte(0, mload(add(tbl, byte(1, w))))
            let c := byte(0, mload(add(tbl, byte(2, w))))
            let d := byte(0, mload(add(tbl, byte(3, w))))
            bad := shr(7, or(or(a, b), or(c, d)))
            v := or(or(shl(18, a), shl(12, b)), or(shl(6, c), d))
        }
        if (bad) revert DCAPInvalidQuote();
    }

    /// The PCK certificate's SGX extension: FMSPC, PCE-ID, and the TCB as comps(16 bytes) || pcesvn(2 bytes).
    function _sgxExtension(bytes memory c, X509EC.Cert memory leaf)
        private
        pure
        returns (bytes6 fmspc, bytes2 pceId, uint256 tcb)
    {
        (uint256 s, uint256 e) = X509EC.extension(c, leaf, OID_SGX_EXT);
        if (s == 0) revert DCAPInvalidQuote();
        Der.Node memory seq = Der.expect(c, s, e, 0x30);
        uint256 p = seq.start;
        uint256 seen;
        while (p < seq.end) {
            Der.Node memory item = Der.expect(c, p, seq.end, 0x30);
            Der.Node memory oid = Der.expect(c, item.start, item.end, 0x06);
            Der.Node memory v = Der.at(c, oid.end, item.end);
            if (Der.len(oid) == 10 && bytes9(Der.word(c, oid.start)) == bytes9(hex"2a864886f84d010d01")) {
                uint256 arc = uint8(c[oid.start + 9]);
                if (arc == 2) {
                    tcb = _tcbSeq(c, v);
                    seen |= 1;
                } else if (arc == 3) {
                    if (v.tag != 0x04 || Der.len(v) != 2) revert DCAPInvalidQuote();
                    pceId = bytes2(Der.word(c, v.start));
                    seen |= 2;
                } else if (arc == 4) {
                    if (v.tag != 0x04 || Der.len(v) != 6) revert DCAPInvalidQuote();
                    fmspc = bytes6(Der.word(c, v.start));
                    seen |= 4;
                }
            }
            p = item.end;
        }
        if (seen != 7) revert DCAPInvalidQuote();
    }

    function _tcbSeq(bytes memory c, Der.Node memory v) private pure returns (uint256 tcb) {
        if (v.tag != 0x30) revert DCAPInvalidQuote();
        uint256[17] memory vals;
        uint256 seen;
        uint256 p = v.start;
        while (p < v.end) {
            Der.Node memory item = Der.expect(c, p, v.end, 0x30);
            Der.Node memory oid = Der.expect(c, item.start, item.end, 0x06);
            Der.Node memory x = Der.at(c, oid.end, item.end);
            // 1.2.840.113741.1.13.1.2.N : 2a 86 48 86 f8 4d 01 0d 01 02 N
            if (Der.len(oid) == 11 && bytes10(Der.word(c, oid.start)) == bytes10(hex"2a864886f84d010d0102")) {
                uint256 arc = uint8(c[oid.start + 10]);
                if (arc >= 1 && arc <= 17) {
                    if (x.tag != 0x02) revert DCAPInvalidQuote();
                    uint256 val = Der.uintOf(c, x);
                    if ((arc <= 16 && val > 255) || val > 65535) revert DCAPInvalidQuote();
                    vals[arc - 1] = val;
                    seen |= 1 << arc;
                }
            }
            p = item.end;
        }
        if (seen != 0x3fffe) revert DCAPInvalidQuote();
        for (uint256 i = 0; i < 16; i++) tcb = (tcb << 8) | vals[i];
        tcb = (tcb << 16) | vals[16];
    }

    function _matchQe(bytes memory q, Window memory w) private view returns (uint256 status, bytes memory adv, uint256 eval) {
        CollateralParser.QeIdentity storage id = qeIdentity;
        if (id.levels.length == 0) revert DCAPCollateralMissing();
        _within(w, id.issueDate, id.nextUpdate);
        uint256 r = 564; // QE report body
        if (bytes4(_w(q, r + 16)) & id.miscselectMask != id.miscselect) revert DCAPQeIdentityMismatch();
        if (bytes16(_w(q, r + 48)) & id.attributesMask != id.attributes) revert DCAPQeIdentityMismatch();
        if (_w(q, r + 128) != id.mrsigner) revert DCAPQeIdentityMismatch();
        if (_le16(q, r + 256) != id.isvProdId) revert DCAPQeIdentityMismatch();
        uint256 svn = _le16(q, r + 258);
        uint256 nl = id.levels.length;
        for (uint256 i = 0; i < nl; i++) {
            uint256 lv = id.levels[i];
            if (svn >= lv >> 8) return (lv & 0xff, id.advisories[i], id.evaluationDataNumber);
        }
        revert DCAPTcbNotSupported();
    }

    function _matchTcb(bytes6 fmspc, bytes2 pceId, uint256 pck, Window memory w)
        private
        view
        returns (uint256 status, bytes memory adv, uint256 eval)
    {
        TcbInfo storage t = tcbInfos[fmspc];
        if (t.levels.length == 0) revert DCAPCollateralMissing();
        if (t.pceId != pceId) revert DCAPInvalidCollateral();
        _within(w, t.issueDate, t.nextUpdate);
        uint256 nl = t.levels.length;
        for (uint256 i = 0; i < nl; i++) {
            uint256 lv = uint256(t.levels[i]);
            uint256 want = lv >> 104; // comps || pcesvn
            bool ok = (pck & 0xffff) >= (want & 0xffff);
            for (uint256 k = 0; k < 16 && ok; k++) {
                uint256 sh = 16 + 8 * k;
                ok = ((pck >> sh) & 0xff) >= ((want >> sh) & 0xff);
            }
            if (ok) return ((lv >> 96) & 0xff, t.advisories[i], t.evaluationDataNumber);
        }
        revert DCAPTcbNotSupported();
    }

    /// Intel's convergence of platform and QE TCB status (QVL convergeTcbStatusWithQeTcbStatus).
    function _converge(uint256 platform, uint256 qe) private pure returns (uint256) {
        if (qe == 6) return 6;
        if (qe == 4) {
            if (platform == 0 || platform == 1) return 4;
            if (platform == 2 || platform == 3) return 5;
        }
        return platform;
    }

    function _statusName(uint256 s) private pure returns (string memory) {
        if (s == 0) return "UpToDate";
        if (s == 1) return "SWHardeningNeeded";
        if (s == 2) return "ConfigurationNeeded";
        if (s == 3) return "ConfigurationAndSWHardeningNeeded";
        if (s == 4) return "OutOfDate";
        if (s == 5) return "OutOfDateConfigurationNeeded";
        return "Revoked";
    }

    /// Splits "A,B" lists and returns their union (platform first, repeats dropped).
    function _union(bytes memory a, bytes memory b) private pure returns (string[] memory out) {
        bytes memory all = a.length == 0 ? b : (b.length == 0 ? a : bytes.concat(a, ",", b));
        if (all.length == 0) return new string[](0);
        uint256 count = 1;
        for (uint256 i = 0; i < all.length; i++) if (all[i] == ",") count++;
        out = new string[](count);
        uint256 m = 0;
        uint256 s = 0;
        for (uint256 i = 0; i <= all.length; i++) {
            if (i == all.length || all[i] == ",") {
                bytes memory id = IAS.slice(all, s, i);
                bool dup = false;
                for (uint256 j = 0; j < m && !dup; j++) dup = keccak256(bytes(out[j])) == keccak256(id);
                if (!dup) out[m++] = string(id);
                s = i + 1;
            }
        }
        assembly {
            mstore(out, m)
        }
    }

    /// PEM text of a DER certificate as OpenSSL writes it (64-character lines), for comparing the chain in quotes.
    function pem(bytes memory der) public pure returns (bytes memory out) {
        bytes memory b64 = _b64encode(der);
        out = "-----BEGIN CERTIFICATE-----\n";
        for (uint256 i = 0; i < b64.length; i += 64) {
            uint256 e = i + 64 < b64.length ? i + 64 : b64.length;
            out = bytes.concat(out, IAS.slice(b64, i, e), "\n");
        }
        out = bytes.concat(out, "-----END CERTIFICATE-----\n");
    }

    function _b64encode(bytes memory d) private pure returns (bytes memory o) {
        bytes memory t = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        o = new bytes(((d.length + 2) / 3) * 4);
        uint256 j = 0;
        for (uint256 i = 0; i < d.length; i += 3) {
            uint256 v = uint256(uint8(d[i])) << 16;
            if (i + 1 < d.length) v |= uint256(uint8(d[i + 1])) << 8;
            if (i + 2 < d.length) v |= uint256(uint8(d[i + 2]));
            o[j] = t[(v >> 18) & 63];
            o[j + 1] = t[(v >> 12) & 63];
            o[j + 2] = i + 1 < d.length ? t[(v >> 6) & 63] : bytes1("=");
            o[j + 3] = i + 2 < d.length ? t[v & 63] : bytes1("=");
            j += 4;
        }
    }
}
