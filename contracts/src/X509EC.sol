// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {Der} from "./Der.sol";

/// X.509 certificates and CRLs of Intel's SGX PKI (ECDSA P-256 with SHA-256): the fields a verifier needs, as
/// spans into the DER so that signatures are checked over the exact signed bytes.
library X509EC {
    error X509Invalid();

    struct Cert {
        uint256 tbsStart; // tbsCertificate TLV, whole
        uint256 tbsEnd;
        bytes32 serialHash; // keccak256 of the serialNumber content
        bytes32 issuerHash; // keccak256 of the issuer Name TLV
        bytes32 subjectHash;
        bytes32 subjectCnHash; // keccak256 of the subject's CN value
        uint256 notBefore;
        uint256 notAfter;
        uint256 x; // subject public key
        uint256 y;
        uint256 r; // signature
        uint256 s;
        uint256 extStart; // extensions SEQUENCE content (0, 0 when absent)
        uint256 extEnd;
    }

    struct Crl {
        uint256 tbsStart;
        uint256 tbsEnd;
        bytes32 issuerHash;
        uint256 thisUpdate;
        uint256 nextUpdate;
        uint256 revokedStart; // revokedCertificates SEQUENCE content (0, 0 when absent)
        uint256 revokedEnd;
        uint256 r;
        uint256 s;
    }

    bytes32 private constant OID_ECDSA_SHA256 = keccak256(hex"2a8648ce3d040302");
    bytes32 private constant OID_EC_PUBKEY = keccak256(hex"2a8648ce3d0201");
    bytes32 private constant OID_P256 = keccak256(hex"2a8648ce3d030107");
    bytes32 private constant OID_CN = keccak256(hex"550403");

    function sigAlg(bytes memory c, Der.Node memory alg) private pure {
        Der.Node memory o = Der.expect(c, alg.start, alg.end, 0x06);
        if (o.end != alg.end || Der.contentHash(c, o) != OID_ECDSA_SHA256) revert X509Invalid();
    }

    /// BIT STRING { 00, SEQUENCE { INTEGER r, INTEGER s } }.
    function signature(bytes memory c, Der.Node memory bs) private pure returns (uint256 r, uint256 s) {
        if (Der.len(bs) < 3 || c[bs.start] != 0) revert X509Invalid();
        Der.Node memory seq = Der.expect(c, bs.start + 1, bs.end, 0x30);
        if (seq.end != bs.end) revert X509Invalid();
        Der.Node memory ri = Der.expect(c, seq.start, seq.end, 0x02);
        Der.Node memory si = Der.expect(c, ri.end, seq.end, 0x02);
        if (si.end != seq.end) revert X509Invalid();
        r = Der.uintOf(c, ri);
        s = Der.uintOf(c, si);
    }

    /// keccak256 of the CN value in a Name (zero when absent).
    function cnHash(bytes memory c, Der.Node memory name) internal pure returns (bytes32 h) {
        uint256 p = name.start;
        while (p < name.end) {
            Der.Node memory set = Der.expect(c, p, name.end, 0x31);
            uint256 q = set.start;
            while (q < set.end) {
                Der.Node memory atv = Der.expect(c, q, set.end, 0x30);
                Der.Node memory oid = Der.expect(c, atv.start, atv.end, 0x06);
                if (Der.contentHash(c, oid) == OID_CN) {
                    Der.Node memory v = Der.at(c, oid.end, atv.end);
                    h = Der.contentHash(c, v);
                }
                q = atv.end;
            }
            p = set.end;
        }
    }

    function parseCert(bytes memory c) internal pure returns (Cert memory r) {
        Der.Node memory cert = Der.expect(c, 0, c.length, 0x30);
        if (cert.end != c.length) revert X509Invalid();
        Der.Node memory tbs = Der.expect(c, cert.start, cert.end, 0x30);
        r.tbsStart = tbs.hdr;
        r.tbsEnd = tbs.end;
        Der.Node memory n = Der.at(c, tbs.start, tbs.end);
        if (n.tag == 0xa0) n = Der.at(c, n.end, tbs.end);
        if (n.tag != 0x02) revert X509Invalid();
        r.serialHash = Der.contentHash(c, n);
        Der.Node memory alg = Der.expect(c, n.end, tbs.end, 0x30);
        sigAlg(c, alg);
        Der.Node memory issuer = Der.expect(c, alg.end, tbs.end, 0x30);
        r.issuerHash = Der.tlvHash(c, issuer);
        Der.Node memory validity = Der.expect(c, issuer.end, tbs.end, 0x30);
        Der.Node memory nb = Der.at(c, validity.start, validity.end);
        Der.Node memory na = Der.at(c, nb.end, validity.end);
        if (na.end != validity.end) revert X509Invalid();
        r.notBefore = Der.time(c, nb);
        r.notAfter = Der.time(c, na);
        Der.Node memory subject = Der.expect(c, validity.end, tbs.end, 0x30);
        r.subjectHash = Der.tlvHash(c, subject);
        r.subjectCnHash = cnHash(c, subject);
        Der.Node memory spki = Der.expect(c, subject.end, tbs.end, 0x30);
        {
            Der.Node memory a = Der.expect(c, spki.start, spki.end, 0x30);
            Der.Node memory o1 = Der.expect(c, a.start, a.end, 0x06);
            Der.Node memory o2 = Der.expect(c, o1.end, a.end, 0x06);
            if (o2.end != a.end || Der.contentHash(c, o1) != OID_EC_PUBKEY || Der.contentHash(c, o2) != OID_P256) {
                revert X509Invalid();
            }
            Der.Node memory key = Der.expect(c, a.end, spki.end, 0x03);
            if (key.end != spki.end || Der.len(key) != 66 || c[key.start] != 0 || c[key.start + 1] != 0x04) revert X509Invalid();
            r.x = uint256(Der.word(c, key.start + 2));
            r.y = uint256(Der.word(c, key.start + 34));
        }
        // optional issuerUniqueID [1], subjectUniqueID [2], extensions [3]
        uint256 p = spki.end;
        while (p < tbs.end) {
            Der.Node memory e = Der.at(c, p, tbs.end);
            if (e.tag == 0xa3) {
                Der.Node memory seq = Der.expect(c, e.start, e.end, 0x30);
                if (seq.end != e.end) revert X509Invalid();
                r.extStart = seq.start;
                r.extEnd = seq.end;
            } else if (e.tag != 0x81 && e.tag != 0x82) {
                revert X509Invalid();
            }
            p = e.end;
        }
        Der.Node memory alg2 = Der.expect(c, tbs.end, cert.end, 0x30);
        sigAlg(c, alg2);
        Der.Node memory sig = Der.expect(c, alg2.end, cert.end, 0x03);
        if (sig.end != cert.end) revert X509Invalid();
        (r.r, r.s) = signature(c, sig);
    }

    /// The value (OCTET STRING content) of the extension with the given OID content hash, or (0, 0).
    function extension(bytes memory c, Cert memory cert, bytes32 oidHash) internal pure returns (uint256 s, uint256 e) {
        uint256 p = cert.extStart;
        while (p < cert.extEnd) {
            Der.Node memory ext = Der.expect(c, p, cert.extEnd, 0x30);
            Der.Node memory oid = Der.expect(c, ext.start, ext.end, 0x06);
            Der.Node memory v = Der.at(c, oid.end, ext.end);
            if (v.tag == 0x01) v = Der.at(c, v.end, ext.end); // critical
            if (v.tag != 0x04 || v.end != ext.end) revert X509Invalid();
            if (Der.contentHash(c, oid) == oidHash) return (v.start, v.end);
            p = ext.end;
        }
        return (0, 0);
    }

    function parseCrl(bytes memory c) internal pure returns (Crl memory r) {
        Der.Node memory crl = Der.expect(c, 0, c.length, 0x30);
        if (crl.end != c.length) revert X509Invalid();
        Der.Node memory tbs = Der.expect(c, crl.start, crl.end, 0x30);
        r.tbsStart = tbs.hdr;
        r.tbsEnd = tbs.end;
        Der.Node memory n = Der.at(c, tbs.start, tbs.end);
        if (n.tag == 0x02) n = Der.at(c, n.end, tbs.end); // version
        if (n.tag != 0x30) revert X509Invalid();
        sigAlg(c, n);
        Der.Node memory issuer = Der.expect(c, n.end, tbs.end, 0x30);
        r.issuerHash = Der.tlvHash(c, issuer);
        Der.Node memory tu = Der.at(c, issuer.end, tbs.end);
        r.thisUpdate = Der.time(c, tu);
        Der.Node memory nu = Der.at(c, tu.end, tbs.end);
        if (nu.tag != 0x17 && nu.tag != 0x18) revert X509Invalid(); // nextUpdate is required here
        r.nextUpdate = Der.time(c, nu);
        uint256 p = nu.end;
        if (p < tbs.end) {
            Der.Node memory x = Der.at(c, p, tbs.end);
            if (x.tag == 0x30) {
                r.revokedStart = x.start;
                r.revokedEnd = x.end;
                p = x.end;
                if (p < tbs.end) x = Der.at(c, p, tbs.end);
            }
            if (p < tbs.end) {
                if (x.tag != 0xa0 || x.end != tbs.end) revert X509Invalid();
            }
        }
        Der.Node memory alg2 = Der.expect(c, tbs.end, crl.end, 0x30);
        sigAlg(c, alg2);
        Der.Node memory sig = Der.expect(c, alg2.end, crl.end, 0x03);
        if (sig.end != crl.end) revert X509Invalid();
        (r.r, r.s) = signature(c, sig);
    }

    /// Next revoked entry's serial content hash; p walks revokedCertificates.
    function nextRevoked(bytes memory c, Crl memory crl, uint256 p) internal pure returns (bytes32 serialHash, uint256 np) {
        Der.Node memory ent = Der.expect(c, p, crl.revokedEnd, 0x30);
        Der.Node memory serial = Der.expect(c, ent.start, ent.end, 0x02);
        return (Der.contentHash(c, serial), ent.end);
    }
}
