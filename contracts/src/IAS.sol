// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {Der} from "./Der.sol";

/// IAS attestation verification reports: the report-signing certificate (RSA, issued by the pinned root), its
/// RSASSA-PKCS1-v1_5/SHA-256 signature over the exact report bytes (MODEXP precompile, full padding compared), and
/// the report's fields read from the compact JSON in IAS key order (as lcp-solidity's positional reader does).
library IAS {
    error IASInvalidCertificate();
    error IASInvalidReport();

    struct RSAKey {
        bytes modulus; // big-endian, no leading zero byte
        bytes exponent;
    }

    struct Cert {
        uint256 tbsStart; // whole tbsCertificate TLV
        uint256 tbsEnd;
        bytes32 issuerHash; // keccak256 of the issuer Name TLV
        bytes32 subjectHash; // keccak256 of the subject Name TLV
        uint256 notBefore;
        uint256 notAfter;
        RSAKey key;
        bytes signature; // BIT STRING content without the unused-bits byte
    }

    struct Report {
        uint256 attestationTime; // timestamp truncated to seconds
        bytes status;
        bytes[] advisories;
        bytes body; // the 432 decoded bytes of isvEnclaveQuoteBody
    }

    // 06 09 2a 86 48 86 f7 0d 01 01 0b (sha256WithRSAEncryption), 06 09 ... 01 01 01 (rsaEncryption)
    bytes32 private constant OID_SHA256_RSA = keccak256(hex"2a864886f70d01010b");
    bytes32 private constant OID_RSA = keccak256(hex"2a864886f70d010101");

    function checkAlg(bytes memory c, Der.Node memory alg, bytes32 oid) private pure {
        Der.Node memory o = Der.expect(c, alg.start, alg.end, 0x06);
        if (Der.contentHash(c, o) != oid) revert IASInvalidCertificate();
        if (o.end != alg.end) {
            Der.Node memory nul = Der.expect(c, o.end, alg.end, 0x05);
            if (nul.end != alg.end || Der.len(nul) != 0) revert IASInvalidCertificate();
        }
    }

    function intBytes(bytes memory c, Der.Node memory n) private pure returns (bytes memory out) {
        uint256 s = n.start;
        uint256 l = Der.len(n);
        if (l == 0 || uint8(c[s]) >= 0x80) revert IASInvalidCertificate();
        while (l > 1 && uint8(c[s]) == 0) {
            s++;
            l--;
        }
        out = new bytes(l);
        assembly {
            mcopy(add(out, 32), add(add(c, 32), s), l)
        }
    }

    function parseKey(bytes memory c, Der.Node memory spki) private pure returns (RSAKey memory k) {
        Der.Node memory alg = Der.expect(c, spki.start, spki.end, 0x30);
        checkAlg(c, alg, OID_RSA);
        Der.Node memory bs = Der.expect(c, alg.end, spki.end, 0x03);
        if (Der.len(bs) < 2 || c[bs.start] != 0) revert IASInvalidCertificate();
        Der.Node memory seq = Der.expect(c, bs.start + 1, bs.end, 0x30);
        Der.Node memory n = Der.expect(c, seq.start, seq.end, 0x02);
        Der.Node memory e = Der.expect(c, n.end, seq.end, 0x02);
        if (e.end != seq.end) revert IASInvalidCertificate();
        k.modulus = intBytes(c, n);
        k.exponent = intBytes(c, e);
    }

    /// Parses an X.509 certificate with an RSA key, signed with sha256WithRSAEncryption.
    function parseCert(bytes memory c) internal pure returns (Cert memory r) {
        Der.Node memory cert = Der.expect(c, 0, c.length, 0x30);
        if (cert.end != c.length) revert IASInvalidCertificate();
        Der.Node memory tbs = Der.expect(c, cert.start, cert.end, 0x30);
        r.tbsStart = tbs.hdr;
        r.tbsEnd = tbs.end;
        Der.Node memory n = Der.at(c, tbs.start, tbs.end);
        if (n.tag == 0xa0) n = Der.at(c, n.end, tbs.end); // [0] version
        if (n.tag != 0x02) revert IASInvalidCertificate(); // serialNumber
        Der.Node memory alg = Der.expect(c, n.end, tbs.end, 0x30);
        checkAlg(c, alg, OID_SHA256_RSA);
        Der.Node memory issuer = Der.expect(c, alg.end, tbs.end, 0x30);
        r.issuerHash = Der.tlvHash(c, issuer);
        Der.Node memory validity = Der.expect(c, issuer.end, tbs.end, 0x30);
        Der.Node memory nb = Der.at(c, validity.start, validity.end);
        Der.Node memory na = Der.at(c, nb.end, validity.end);
        if (na.end != validity.end) revert IASInvalidCertificate();
        r.notBefore = Der.time(c, nb);
        r.notAfter = Der.time(c, na);
        Der.Node memory subject = Der.expect(c, validity.end, tbs.end, 0x30);
        r.subjectHash = Der.tlvHash(c, subject);
        Der.Node memory spki = Der.expect(c, subject.end, tbs.end, 0x30);
        r.key = parseKey(c, spki);
        Der.Node memory alg2 = Der.expect(c, tbs.end, cert.end, 0x30);
        checkAlg(c, alg2, OID_SHA256_RSA);
        Der.Node memory sig = Der.expect(c, alg2.end, cert.end, 0x03);
        if (sig.end != cert.end || Der.len(sig) < 2 || c[sig.start] != 0) revert IASInvalidCertificate();
        uint256 sl = Der.len(sig) - 1;
        bytes memory s = new bytes(sl);
        uint256 ss = sig.start + 1;
        assembly {
            mcopy(add(s, 32), add(add(c, 32), ss), sl)
        }
        r.signature = s;
    }

    function sha256Range(bytes memory b, uint256 s, uint256 e) internal view returns (bytes32 h) {
        assembly {
            let ok := staticcall(gas(), 0x02, add(add(b, 32), s), sub(e, s), 0x00, 0x20)
            if iszero(ok) { revert(0, 0) }
            h := mload(0x00)
        }
    }

    /// RSASSA-PKCS1-v1_5 with SHA-256: sig^e mod n must equal 00 01 FF..FF 00 DigestInfo(sha256) hash, compared in
    /// full (lcp-solidity compares only the last 32 bytes; OpenSSL, which the C client uses, compares all).
    function rsaVerify(RSAKey memory k, bytes memory sig, bytes32 hash) internal view returns (bool) {
        bytes memory n = k.modulus;
        bytes memory e = k.exponent;
        uint256 nl = n.length;
        if (sig.length != nl || nl < 64 || nl > 1024) return false;
        bytes memory input = bytes.concat(bytes32(nl), bytes32(e.length), bytes32(nl), sig, e, n);
        bytes memory out = new bytes(nl);
        bool ok;
        assembly {
            ok := staticcall(gas(), 0x05, add(input, 32), mload(input), add(out, 32), nl)
        }
        if (!ok) return false;
        // Expected EM: 00 01 ff*(nl-54) 00 DigestInfo-prefix(19) hash(32), compared whole by one hash.
        bytes memory em = new bytes(nl);
        assembly {
            let d := add(em, 32)
            let ones := not(0)
            for { let i := 0 } lt(i, nl) { i := add(i, 32) } { mstore(add(d, i), ones) }
            mstore8(d, 0)
            mstore8(add(d, 1), 1)
            // the last 52 bytes: 00 || 3031300d060960864801650304020105000420 || hash
            let t := add(d, sub(nl, 52))
            mstore(t, 0x003031300d060960864801650304020105000420000000000000000000000000)
            mstore(add(t, 20), hash)
        }
        return keccak256(out) == keccak256(em);
    }

    // ---- AVR JSON (compact, IAS key order) ----

    /// Index just after the first occurrence of needle (1..32 bytes) in b[from..), or 0 when absent. One masked
    /// word comparison per position.
    function indexAfter(bytes memory b, uint256 from, bytes memory needle) internal pure returns (uint256 r) {
        uint256 nl = needle.length;
        if (nl == 0 || nl > 32) revert IASInvalidReport();
        assembly {
            let n := mload(b)
            if iszero(lt(n, nl)) {
                let mask := not(sub(shl(mul(8, sub(32, nl)), 1), 1))
                let want := and(mload(add(needle, 32)), mask)
                let base := add(b, 32)
                let last := sub(n, nl)
                for { let i := from } iszero(gt(i, last)) { i := add(i, 1) } {
                    if eq(and(mload(add(base, i)), mask), want) {
                        r := add(i, nl)
                        break
                    }
                }
            }
        }
    }

    function find(bytes memory b, uint256 from, bytes memory needle) internal pure returns (uint256 r) {
        r = indexAfter(b, from, needle);
        if (r == 0) revert IASInvalidReport();
    }

    /// End of the JSON string starting at p (index of the closing quote); escapes are refused (IAS values have none).
    function strEnd(bytes memory b, uint256 p) private pure returns (uint256) {
        for (uint256 i = p; i < b.length; i++) {
            bytes1 c = b[i];
            if (c == '"') return i;
            if (c == "\\" || uint8(c) < 0x20) revert IASInvalidReport();
        }
        revert IASInvalidReport();
    }

    /// Copy of b[s, e).
    function slice(bytes memory b, uint256 s, uint256 e) internal pure returns (bytes memory out) {
        return sub(b, s, e);
    }

    function sub(bytes memory b, uint256 s, uint256 e) private pure returns (bytes memory out) {
        uint256 l = e - s;
        out = new bytes(l);
        assembly {
            mcopy(add(out, 32), add(add(b, 32), s), l)
        }
    }

    function num(bytes memory b, uint256 p, uint256 k) private pure returns (uint256 v) {
        for (uint256 i = 0; i < k; i++) {
            uint256 c = uint8(b[p + i]);
            if (c < 0x30 || c > 0x39) revert IASInvalidReport();
            v = v * 10 + (c - 0x30);
        }
    }

    /// "YYYY-MM-DDThh:mm:ss.ffffff" (26 bytes, UTC) at p → unix seconds (fraction dropped).
    function avrTime(bytes memory b, uint256 p) private pure returns (uint256) {
        if (b[p + 4] != "-" || b[p + 7] != "-" || b[p + 10] != "T" || b[p + 13] != ":" || b[p + 16] != ":" || b[p + 19] != ".")
            revert IASInvalidReport();
        num(b, p + 20, 6);
        return Der.toUnix(num(b, p, 4), num(b, p + 5, 2), num(b, p + 8, 2), num(b, p + 11, 2), num(b, p + 14, 2), num(b, p + 17, 2));
    }

    function parseReport(bytes memory avr) internal pure returns (Report memory r) {
        uint256 p = find(avr, 0, '"timestamp":"');
        if (p + 27 > avr.length || avr[p + 26] != '"') revert IASInvalidReport();
        r.attestationTime = avrTime(avr, p);
        p = find(avr, p + 27, '"version":4,');
        uint256 afterVersion = p;
        p = find(avr, p, '"isvEnclaveQuoteStatus":"');
        uint256 e = strEnd(avr, p);
        r.status = sub(avr, p, e);
        r.advisories = advisories(avr, afterVersion);
        p = find(avr, e, '"isvEnclaveQuoteBody":"');
        if (p + 577 > avr.length || avr[p + 576] != '"') revert IASInvalidReport();
        r.body = base64(avr, p, 576);
    }

    /// advisoryIDs array (absent = empty), searched from after "version".
    function advisories(bytes memory avr, uint256 from) private pure returns (bytes[] memory list) {
        uint256 p = indexAfter(avr, from, '"advisoryIDs":[');
        if (p == 0) return new bytes[](0);
        uint256 count = 0;
        bytes[] memory tmp = new bytes[](64);
        if (p < avr.length && avr[p] == "]") return new bytes[](0);
        while (true) {
            if (p >= avr.length || avr[p] != '"' || count == 64) revert IASInvalidReport();
            uint256 e = strEnd(avr, p + 1);
            tmp[count++] = sub(avr, p + 1, e);
            p = e + 1;
            if (p >= avr.length) revert IASInvalidReport();
            if (avr[p] == "]") break;
            if (avr[p] != ",") revert IASInvalidReport();
            p++;
        }
        assembly {
            mstore(tmp, count)
        }
        return tmp;
    }

    /// Strict base64 (standard alphabet, '=' padding only at the end, length a multiple of 4, zero pad bits) of
    /// b[p..p+n).
    function base64(bytes memory b, uint256 p, uint256 n) internal pure returns (bytes memory out) {
        if (n % 4 != 0 || n == 0 || p + n > b.length) revert IASInvalidReport();
        uint256 pad = 0;
        if (b[p + n - 1] == "=") pad++;
        if (pad == 1 && b[p + n - 2] == "=") pad++;
        // 0xff = not in the alphabet; '=' maps to 0xff too and is handled for the last group only.
        bytes memory table =
            hex"ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff3effffff3f3435363738393a3b3c3dffffffffffffff000102030405060708090a0b0c0d0e0f10111213141516171819ffffffffffff1a1b1c1d1e1f202122232425262728292a2b2c2d2e2f30313233ffffffffff";
        uint256 outLen = (n / 4) * 3 - pad;
        out = new bytes(outLen + 3); // slack for the last group's whole-word write
        bool bad;
        assembly {
            let src := add(add(b, 32), p)
            let dst := add(out, 32)
            let tbl := add(table, 32)
            let groups := div(n, 4)
            for { let g := 0 } lt(g, groups) { g := add(g, 1) } {
                let w := mload(add(src, mul(g, 4)))
                let acc := 0
                for { let j := 0 } lt(j, 4) { j := add(j, 1) } {
                    let c := byte(j, w)
                    let v := 0xff
                    if lt(c, 128) { v := byte(0, mload(add(tbl, c))) }
                    if eq(v, 0xff) {
                        // '=' is allowed only as the last pad characters of the last group
                        let isPad := and(eq(c, 61), and(eq(g, sub(groups, 1)), iszero(lt(j, sub(4, pad)))))
                        if iszero(isPad) { bad := 1 }
                        v := 0
                    }
                    acc := or(shl(6, acc), v)
                }
                let o := add(dst, mul(g, 3))
                mstore8(o, shr(16, acc))
                mstore8(add(o, 1), and(shr(8, acc), 0xff))
                mstore8(add(o, 2), and(acc, 0xff))
                if eq(g, sub(groups, 1)) {
                    // non-canonical: bits under the padding must be zero
                    if eq(pad, 1) { if and(acc, 0xff) { bad := 1 } }
                    if eq(pad, 2) { if and(acc, 0xffff) { bad := 1 } }
                }
            }
            mstore(out, outLen)
        }
        if (bad) revert IASInvalidReport();
    }
}
