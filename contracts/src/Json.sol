// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

/// A small JSON reader over memory bytes for the signed collateral documents (TCB Info, QE Identity), used once
/// per upload. It walks the exact signed bytes (the signature was verified over them first), so it needs only to
/// be strict and bounded: strings without escapes (Intel's have none), unsigned integers, literals, nesting.
library Json {
    error JsonInvalid();

    function ch(bytes memory b, uint256 p) internal pure returns (uint256) {
        if (p >= b.length) revert JsonInvalid();
        return uint8(b[p]);
    }

    function ws(bytes memory b, uint256 p) internal pure returns (uint256) {
        while (p < b.length) {
            uint256 c = uint8(b[p]);
            if (c != 0x20 && c != 0x0a && c != 0x0d && c != 0x09) break;
            p++;
        }
        return p;
    }

    /// String at p (opening quote): content [s, e), next position after the closing quote.
    function str(bytes memory b, uint256 p) internal pure returns (uint256 s, uint256 e, uint256 np) {
        p = ws(b, p);
        if (ch(b, p) != 0x22) revert JsonInvalid();
        s = p + 1;
        for (e = s; e < b.length; e++) {
            uint256 c = uint8(b[e]);
            if (c == 0x22) return (s, e, e + 1);
            if (c == 0x5c || c < 0x20) revert JsonInvalid();
        }
        revert JsonInvalid();
    }

    function uintAt(bytes memory b, uint256 p) internal pure returns (uint256 v, uint256 np) {
        p = ws(b, p);
        uint256 start = p;
        while (p < b.length) {
            uint256 c = uint8(b[p]);
            if (c < 0x30 || c > 0x39) break;
            v = v * 10 + (c - 0x30);
            p++;
            if (p - start > 18) revert JsonInvalid();
        }
        if (p == start || (p - start > 1 && uint8(b[start]) == 0x30)) revert JsonInvalid();
        return (v, p);
    }

    /// Skips any value at p.
    function skip(bytes memory b, uint256 p) internal pure returns (uint256) {
        p = ws(b, p);
        uint256 c = ch(b, p);
        if (c == 0x22) {
            (,, p) = str(b, p);
            return p;
        }
        if (c == 0x7b || c == 0x5b) {
            uint256 depth = 0;
            while (true) {
                c = ch(b, p);
                if (c == 0x22) {
                    (,, p) = str(b, p);
                    continue;
                }
                if (c == 0x7b || c == 0x5b) depth++;
                else if (c == 0x7d || c == 0x5d) {
                    depth--;
                    if (depth == 0) return p + 1;
                }
                p++;
            }
        }
        // number or literal
        uint256 s = p;
        while (p < b.length) {
            c = uint8(b[p]);
            if (c == 0x2c || c == 0x7d || c == 0x5d || c == 0x20 || c == 0x0a || c == 0x0d || c == 0x09) break;
            p++;
        }
        if (p == s) revert JsonInvalid();
        return p;
    }

    /// Next member of an object. p: just after '{' (first) or after the previous value. Returns done (and the
    /// position after '}'), or the key [ks, ke) and the value's position.
    function member(bytes memory b, uint256 p, bool first)
        internal
        pure
        returns (bool done, uint256 ks, uint256 ke, uint256 vp)
    {
        p = ws(b, p);
        uint256 c = ch(b, p);
        if (c == 0x7d) return (true, 0, 0, p + 1);
        if (!first) {
            if (c != 0x2c) revert JsonInvalid();
            p++;
        }
        (ks, ke, p) = str(b, p);
        p = ws(b, p);
        if (ch(b, p) != 0x3a) revert JsonInvalid();
        vp = ws(b, p + 1);
    }

    /// Next element of an array. p: just after '[' (first) or after the previous value.
    function elem(bytes memory b, uint256 p, bool first) internal pure returns (bool done, uint256 vp) {
        p = ws(b, p);
        uint256 c = ch(b, p);
        if (c == 0x5d) return (true, p + 1);
        if (!first) {
            if (c != 0x2c) revert JsonInvalid();
            p++;
        }
        vp = ws(b, p);
    }

    function open(bytes memory b, uint256 p, uint256 c) internal pure returns (uint256) {
        p = ws(b, p);
        if (ch(b, p) != c) revert JsonInvalid();
        return p + 1;
    }

    function keyIs(bytes memory b, uint256 ks, uint256 ke, string memory k) internal pure returns (bool) {
        bytes memory kb = bytes(k);
        if (ke - ks != kb.length) return false;
        bytes32 h;
        assembly {
            h := keccak256(add(add(b, 32), ks), sub(ke, ks))
        }
        return h == keccak256(kb);
    }

    function eq(bytes memory b, uint256 s, uint256 e, string memory v) internal pure returns (bool) {
        return keyIs(b, s, e, v);
    }

    function hexNibble(uint256 c) private pure returns (uint256) {
        if (c >= 0x30 && c <= 0x39) return c - 0x30;
        if (c >= 0x61 && c <= 0x66) return c - 0x57;
        if (c >= 0x41 && c <= 0x46) return c - 0x37;
        revert JsonInvalid();
    }

    /// Hex string content [s, e) of exactly n bytes, left-aligned in a bytes32 (n <= 32).
    function hexBytes(bytes memory b, uint256 s, uint256 e, uint256 n) internal pure returns (bytes32 out) {
        if (e - s != 2 * n || n > 32) revert JsonInvalid();
        uint256 v = 0;
        for (uint256 i = 0; i < 2 * n; i++) v = (v << 4) | hexNibble(uint8(b[s + i]));
        return bytes32(v << (8 * (32 - n)));
    }

    function dig(bytes memory b, uint256 p, uint256 k) private pure returns (uint256 v) {
        for (uint256 i = 0; i < k; i++) {
            uint256 c = uint8(b[p + i]);
            if (c < 0x30 || c > 0x39) revert JsonInvalid();
            v = v * 10 + (c - 0x30);
        }
    }

    /// "YYYY-MM-DDThh:mm:ssZ" content [s, e) → unix seconds.
    function date(bytes memory b, uint256 s, uint256 e) internal pure returns (uint256) {
        if (e - s != 20 || b[s + 4] != "-" || b[s + 7] != "-" || b[s + 10] != "T" || b[s + 13] != ":" || b[s + 16] != ":" || b[s + 19] != "Z") {
            revert JsonInvalid();
        }
        uint256 y = dig(b, s, 4);
        uint256 mo = dig(b, s + 5, 2);
        uint256 d = dig(b, s + 8, 2);
        uint256 h = dig(b, s + 11, 2);
        uint256 mi = dig(b, s + 14, 2);
        uint256 sec = dig(b, s + 17, 2);
        if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 59) revert JsonInvalid();
        uint256 yy = mo <= 2 ? y - 1 : y;
        uint256 era = yy / 400;
        uint256 yoe = yy - era * 400;
        uint256 mp = mo > 2 ? mo - 3 : mo + 9;
        uint256 doy = (153 * mp + 2) / 5 + d - 1;
        uint256 doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        return (era * 146097 + doe - 719468) * 86400 + h * 3600 + mi * 60 + sec;
    }
}
