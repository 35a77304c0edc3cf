// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

/// A DER walker over memory bytes: each call reads one TLV header and checks that its content lies inside the
/// enclosing bound. Only definite lengths of up to 4 bytes are read (certificates and CRLs here are < 64 KiB;
/// larger ones are refused). Plus X.509 time parsing (UTCTime, GeneralizedTime) to unix seconds.
library Der {
    error DerInvalid();

    struct Node {
        uint256 tag; // first identifier byte (single-byte tags only)
        uint256 start; // first content byte
        uint256 end; // one past the last content byte
        uint256 hdr; // first header byte
    }

    /// Reads the TLV at p, which must end at or before bound.
    function at(bytes memory b, uint256 p, uint256 bound) internal pure returns (Node memory n) {
        if (bound > b.length || p + 2 > bound) revert DerInvalid();
        n.hdr = p;
        n.tag = uint8(b[p]);
        if (n.tag & 0x1f == 0x1f) revert DerInvalid(); // multi-byte tags are not used by these structures
        uint256 l = uint8(b[p + 1]);
        p += 2;
        if (l >= 0x80) {
            uint256 k = l & 0x7f;
            if (k == 0 || k > 3 || p + k > bound) revert DerInvalid();
            l = 0;
            for (uint256 i = 0; i < k; i++) l = (l << 8) | uint8(b[p + i]);
            // DER: the shortest length form
            if (l < 0x80 || (k > 1 && uint8(b[p]) == 0)) revert DerInvalid();
            p += k;
        }
        if (l > bound - p) revert DerInvalid();
        n.start = p;
        n.end = p + l;
    }

    /// Reads the TLV at p and requires its tag.
    function expect(bytes memory b, uint256 p, uint256 bound, uint256 tag) internal pure returns (Node memory n) {
        n = at(b, p, bound);
        if (n.tag != tag) revert DerInvalid();
    }

    function len(Node memory n) internal pure returns (uint256) {
        return n.end - n.start;
    }

    /// keccak256 of a node's content.
    function contentHash(bytes memory b, Node memory n) internal pure returns (bytes32 h) {
        uint256 s = n.start;
        uint256 l = n.end - n.start;
        assembly {
            h := keccak256(add(add(b, 32), s), l)
        }
    }

    /// keccak256 of a whole TLV (header and content).
    function tlvHash(bytes memory b, Node memory n) internal pure returns (bytes32 h) {
        uint256 s = n.hdr;
        uint256 l = n.end - n.hdr;
        assembly {
            h := keccak256(add(add(b, 32), s), l)
        }
    }

    /// The 32-byte word at b[p..p+32) (zero-padded past the end is never used: callers check bounds).
    function word(bytes memory b, uint256 p) internal pure returns (bytes32 w) {
        assembly {
            w := mload(add(add(b, 32), p))
        }
    }

    /// A positive DER INTEGER's magnitude as a 32-byte big-endian value (at most 32 significant bytes).
    function uintOf(bytes memory b, Node memory n) internal pure returns (uint256 v) {
        uint256 s = n.start;
        uint256 l = n.end - s;
        if (l == 0 || l > 33) revert DerInvalid();
        if (uint8(b[s]) >= 0x80) revert DerInvalid(); // negative
        if (l > 1 && uint8(b[s]) == 0 && uint8(b[s + 1]) < 0x80) revert DerInvalid(); // not minimal
        if (l == 33) {
            s++;
            l--;
        }
        for (uint256 i = 0; i < l; i++) v = (v << 8) | uint8(b[s + i]);
    }

    function digits(bytes memory b, uint256 p, uint256 k) private pure returns (uint256 v) {
        for (uint256 i = 0; i < k; i++) {
            uint256 c = uint8(b[p + i]);
            if (c < 0x30 || c > 0x39) revert DerInvalid();
            v = v * 10 + (c - 0x30);
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
    function daysFromCivil(uint256 y, uint256 m, uint256 d) internal pure returns (uint256) {
        if (m <= 2) y -= 1;
        uint256 era = y / 400;
        uint256 yoe = y - era * 400;
        uint256 mp = m > 2 ? m - 3 : m + 9;
        uint256 doy = (153 * mp + 2) / 5 + d - 1;
        uint256 doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        return era * 146097 + doe - 719468;
    }

    /// Unix seconds of a calendar time; fields are range-checked.
    function toUnix(uint256 y, uint256 mo, uint256 d, uint256 h, uint256 mi, uint256 s) internal pure returns (uint256) {
        if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) revert DerInvalid();
        return daysFromCivil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
    }

    /// UTCTime (YYMMDDhhmmssZ, 1950..2049) or GeneralizedTime (YYYYMMDDhhmmssZ) to unix seconds.
    function time(bytes memory b, Node memory n) internal pure returns (uint256) {
        uint256 p = n.start;
        uint256 y;
        if (n.tag == 0x17) {
            if (len(n) != 13 || b[p + 12] != "Z") revert DerInvalid();
            y = digits(b, p, 2);
            y += y >= 50 ? 1900 : 2000;
            p += 2;
        } else if (n.tag == 0x18) {
            if (len(n) != 15 || b[p + 14] != "Z") revert DerInvalid();
            y = digits(b, p, 4);
            p += 4;
        } else {
            revert DerInvalid();
        }
        return toUnix(y, digits(b, p, 2), digits(b, p + 2, 2), digits(b, p + 4, 2), digits(b, p + 6, 2), digits(b, p + 8, 2));
    }
}
