// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

/// Minimal protobuf reader and writer for the LCP messages (ibc.lightclients.lcp.v1, google.protobuf.Any).
/// The reader walks a message field by field with bounds checks on every length; anything malformed reverts
/// ProtoInvalid. Unknown fields are skipped (protobuf rules); wrong wire types for known fields are refused by callers.
library Proto {
    error ProtoInvalid();

    uint256 internal constant VARINT = 0;
    uint256 internal constant I64 = 1;
    uint256 internal constant LEN = 2;
    uint256 internal constant I32 = 5;

    /// Reads a varint at p (at most 10 bytes, value must fit 64 bits). Returns the value and the next position.
    function varint(bytes memory b, uint256 p) internal pure returns (uint256 v, uint256 np) {
        uint256 n = b.length;
        for (uint256 i = 0; i < 10; i++) {
            if (p >= n) revert ProtoInvalid();
            uint256 c = uint8(b[p++]);
            v |= (c & 0x7f) << (7 * i);
            if (c < 0x80) {
                if (i == 9 && c > 1) revert ProtoInvalid();
                return (v, p);
            }
        }
        revert ProtoInvalid();
    }

    /// Reads a field key at p. Field 0 and groups (wire types 3, 4) are refused.
    function key(bytes memory b, uint256 p) internal pure returns (uint256 field, uint256 wt, uint256 np) {
        uint256 k;
        (k, np) = varint(b, p);
        field = k >> 3;
        wt = k & 7;
        if (field == 0 || field > 0x1fffffff || wt == 3 || wt == 4 || wt > 5) revert ProtoInvalid();
    }

    /// Reads a length-delimited value's bounds at p: [start, start+len) lies inside b.
    function lenDelim(bytes memory b, uint256 p) internal pure returns (uint256 start, uint256 len, uint256 np) {
        (len, start) = varint(b, p);
        if (len > b.length - start) revert ProtoInvalid();
        np = start + len;
    }

    /// Skips a value of wire type wt at p.
    function skip(bytes memory b, uint256 p, uint256 wt) internal pure returns (uint256 np) {
        if (wt == VARINT) {
            (, np) = varint(b, p);
        } else if (wt == LEN) {
            (,, np) = lenDelim(b, p);
        } else {
            uint256 w = wt == I64 ? 8 : 4;
            if (w > b.length - p) revert ProtoInvalid();
            np = p + w;
        }
    }

    /// Copies b[start, start+len).
    function slice(bytes memory b, uint256 start, uint256 len) internal pure returns (bytes memory out) {
        out = new bytes(len);
        assembly ("memory-safe") {
            mcopy(add(out, 32), add(add(b, 32), start), len)
        }
    }

    /// Reads a length-delimited field's value as a copy.
    function bytesAt(bytes memory b, uint256 p) internal pure returns (bytes memory out, uint256 np) {
        (uint256 s, uint256 l, uint256 n) = lenDelim(b, p);
        return (slice(b, s, l), n);
    }

    /// Decodes google.protobuf.Any: (type_url, value).
    function decodeAny(bytes memory b) internal pure returns (bytes memory typeUrl, bytes memory value) {
        uint256 p = 0;
        while (p < b.length) {
            (uint256 f, uint256 wt, uint256 np) = key(b, p);
            if ((f == 1 || f == 2) && wt != LEN) revert ProtoInvalid();
            if (f == 1) (typeUrl, p) = bytesAt(b, np);
            else if (f == 2) (value, p) = bytesAt(b, np);
            else p = skip(b, np, wt);
        }
    }

    // ---- writer ----

    function encVarint(uint256 v) internal pure returns (bytes memory out) {
        bytes memory tmp = new bytes(10);
        uint256 n = 0;
        while (v >= 0x80) {
            tmp[n++] = bytes1(uint8(v & 0x7f) | 0x80);
            v >>= 7;
        }
        tmp[n++] = bytes1(uint8(v));
        assembly ("memory-safe") {
            mstore(tmp, n)
        }
        return tmp;
    }

    /// Field with a varint value, omitted when zero (proto3 scalar).
    function fUint(uint256 field, uint256 v) internal pure returns (bytes memory) {
        if (v == 0) return "";
        return bytes.concat(encVarint(field << 3), encVarint(v));
    }

    /// Length-delimited field, always written.
    function fBytes(uint256 field, bytes memory v) internal pure returns (bytes memory) {
        return bytes.concat(encVarint((field << 3) | 2), encVarint(v.length), v);
    }

    /// Length-delimited field, omitted when empty (proto3 bytes/string).
    function fBytesOpt(uint256 field, bytes memory v) internal pure returns (bytes memory) {
        if (v.length == 0) return "";
        return fBytes(field, v);
    }

    function encodeAny(bytes memory typeUrl, bytes memory value) internal pure returns (bytes memory) {
        return bytes.concat(fBytesOpt(1, typeUrl), fBytesOpt(2, value));
    }
}
