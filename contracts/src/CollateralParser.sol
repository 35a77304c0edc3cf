// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {Json} from "./Json.sol";
import {IAS} from "./IAS.sol";

/// Reads the signed collateral documents (TCB Info v3, QE Identity v2) into the compact form DCAPVerifier stores.
/// A contract of its own so that both stay under the 24,576-byte code limit; it is pure: DCAPVerifier checks the
/// signature over the exact bytes before it asks.
contract CollateralParser {
    error DCAPInvalidCollateral();

    struct TcbInfoParsed {
        uint64 issueDate;
        uint64 nextUpdate;
        uint32 evaluationDataNumber;
        bytes6 fmspc;
        bytes2 pceId;
        bytes32[] levels; // comp SVNs (16 bytes) || pcesvn (2 bytes, big-endian) || status (1 byte)
        bytes[] advisories; // per level: IDs joined by ","
    }

    struct QeIdentity {
        uint64 issueDate;
        uint64 nextUpdate;
        uint32 evaluationDataNumber;
        uint16 isvProdId;
        bytes4 miscselect;
        bytes4 miscselectMask;
        bytes16 attributes;
        bytes16 attributesMask;
        bytes32 mrsigner;
        uint256[] levels; // isvsvn << 8 | status
        bytes[] advisories;
    }

    function tcbInfo(bytes memory b) external pure returns (TcbInfoParsed memory r) {
        uint256 p = Json.open(b, 0, 0x7b);
        bool first = true;
        uint256 seen;
        uint256 issue;
        uint256 next;
        uint256 eval;
        bytes6 fmspc;
        bytes2 pceId;
        bytes32[] memory levels;
        bytes[] memory advs;
        while (true) {
            (bool done, uint256 ks, uint256 ke, uint256 vp) = Json.member(b, p, first);
            if (done) {
                if (Json.ws(b, vp) != b.length) revert DCAPInvalidCollateral();
                break;
            }
            first = false;
            if (Json.keyIs(b, ks, ke, "id")) {
                (uint256 s, uint256 e, uint256 n) = Json.str(b, vp);
                if (!Json.eq(b, s, e, "SGX")) revert DCAPInvalidCollateral();
                p = n;
                seen |= 1;
            } else if (Json.keyIs(b, ks, ke, "version")) {
                uint256 v;
                (v, p) = Json.uintAt(b, vp);
                if (v != 3) revert DCAPInvalidCollateral();
                seen |= 2;
            } else if (Json.keyIs(b, ks, ke, "issueDate")) {
                (uint256 s, uint256 e, uint256 n) = Json.str(b, vp);
                issue = Json.date(b, s, e);
                p = n;
                seen |= 4;
            } else if (Json.keyIs(b, ks, ke, "nextUpdate")) {
                (uint256 s, uint256 e, uint256 n) = Json.str(b, vp);
                next = Json.date(b, s, e);
                p = n;
                seen |= 8;
            } else if (Json.keyIs(b, ks, ke, "fmspc")) {
                (uint256 s, uint256 e, uint256 n) = Json.str(b, vp);
                fmspc = bytes6(Json.hexBytes(b, s, e, 6));
                p = n;
                seen |= 16;
            } else if (Json.keyIs(b, ks, ke, "pceId")) {
                (uint256 s, uint256 e, uint256 n) = Json.str(b, vp);
                pceId = bytes2(Json.hexBytes(b, s, e, 2));
                p = n;
                seen |= 32;
            } else if (Json.keyIs(b, ks, ke, "tcbType")) {
                uint256 v;
                (v, p) = Json.uintAt(b, vp);
                if (v != 0) revert DCAPInvalidCollateral();
            } else if (Json.keyIs(b, ks, ke, "tcbEvaluationDataNumber")) {
                (eval, p) = Json.uintAt(b, vp);
                seen |= 64;
            } else if (Json.keyIs(b, ks, ke, "tcbLevels")) {
                (levels, advs, p) = _tcbLevels(b, vp);
                seen |= 128;
            } else {
                p = Json.skip(b, vp);
            }
        }
        if (seen != 255 || eval > type(uint32).max || levels.length == 0) revert DCAPInvalidCollateral();
        r = TcbInfoParsed(uint64(issue), uint64(next), uint32(eval), fmspc, pceId, levels, advs);
    }

    function _tcbLevels(bytes memory b, uint256 p) private pure returns (bytes32[] memory levels, bytes[] memory advs, uint256 np) {
        levels = new bytes32[](64);
        advs = new bytes[](64);
        uint256 n = 0;
        p = Json.open(b, p, 0x5b);
        bool first = true;
        while (true) {
            (bool done, uint256 vp) = Json.elem(b, p, first);
            if (done) {
                np = vp;
                break;
            }
            first = false;
            if (n == 64) revert DCAPInvalidCollateral();
            (levels[n], advs[n], p) = _tcbLevel(b, vp);
            n++;
        }
        assembly {
            mstore(levels, n)
            mstore(advs, n)
        }
    }

    function _tcbLevel(bytes memory b, uint256 p) private pure returns (bytes32 level, bytes memory adv, uint256 np) {
        p = Json.open(b, p, 0x7b);
        bool first = true;
        uint256 packed; // comps (16 bytes) || pcesvn (2) — filled by _tcb
        uint256 status = 255;
        bool haveTcb;
        while (true) {
            (bool done, uint256 ks, uint256 ke, uint256 vp) = Json.member(b, p, first);
            if (done) {
                np = vp;
                break;
            }
            first = false;
            if (Json.keyIs(b, ks, ke, "tcb")) {
                (packed, p) = _tcb(b, vp);
                haveTcb = true;
            } else if (Json.keyIs(b, ks, ke, "tcbStatus")) {
                (uint256 s, uint256 e, uint256 n) = Json.str(b, vp);
                status = _status(b, s, e);
                p = n;
            } else if (Json.keyIs(b, ks, ke, "advisoryIDs")) {
                (adv, p) = _advisories(b, vp);
            } else {
                p = Json.skip(b, vp);
            }
        }
        if (!haveTcb || status == 255) revert DCAPInvalidCollateral();
        level = bytes32((packed << 104) | (status << 104 - 8));
    }

    /// {"sgxtcbcomponents":[{"svn":n,...}×16],"pcesvn":n} → comps(16 bytes) || pcesvn(2 bytes) as an integer.
    function _tcb(bytes memory b, uint256 p) private pure returns (uint256 packed, uint256 np) {
        p = Json.open(b, p, 0x7b);
        bool first = true;
        uint256 comps;
        uint256 nComps;
        uint256 pcesvn = type(uint256).max;
        while (true) {
            (bool done, uint256 ks, uint256 ke, uint256 vp) = Json.member(b, p, first);
            if (done) {
                np = vp;
                break;
            }
            first = false;
            if (Json.keyIs(b, ks, ke, "sgxtcbcomponents")) {
                p = Json.open(b, vp, 0x5b);
                bool f2 = true;
                while (true) {
                    (bool d2, uint256 ep) = Json.elem(b, p, f2);
                    if (d2) {
                        p = ep;
                        break;
                    }
                    f2 = false;
                    uint256 svn;
                    (svn, p) = _component(b, ep);
                    if (nComps == 16 || svn > 255) revert DCAPInvalidCollateral();
                    comps = (comps << 8) | svn;
                    nComps++;
                }
            } else if (Json.keyIs(b, ks, ke, "pcesvn")) {
                (pcesvn, p) = Json.uintAt(b, vp);
                if (pcesvn > 65535) revert DCAPInvalidCollateral();
            } else {
                p = Json.skip(b, vp);
            }
        }
        if (nComps != 16 || pcesvn > 65535) revert DCAPInvalidCollateral();
        packed = (comps << 16) | pcesvn;
    }

    function _component(bytes memory b, uint256 p) private pure returns (uint256 svn, uint256 np) {
        p = Json.open(b, p, 0x7b);
        bool first = true;
        bool have;
        while (true) {
            (bool done, uint256 ks, uint256 ke, uint256 vp) = Json.member(b, p, first);
            if (done) {
                np = vp;
                break;
            }
            first = false;
            if (Json.keyIs(b, ks, ke, "svn")) {
                (svn, p) = Json.uintAt(b, vp);
                have = true;
            } else {
                p = Json.skip(b, vp);
            }
        }
        if (!have) revert DCAPInvalidCollateral();
    }

    function qeIdentity(bytes memory b) external pure returns (QeIdentity memory q) {
        uint256 seen;
        uint256 p = Json.open(b, 0, 0x7b);
        bool first = true;
        while (true) {
            (bool done, uint256 ks, uint256 ke, uint256 vp) = Json.member(b, p, first);
            if (done) {
                if (Json.ws(b, vp) != b.length) revert DCAPInvalidCollateral();
                break;
            }
            first = false;
            if (Json.keyIs(b, ks, ke, "tcbLevels")) {
                (q.levels, q.advisories, p) = _qeLevels(b, vp);
                seen |= 1;
                continue;
            }
            if (Json.keyIs(b, ks, ke, "version") || Json.keyIs(b, ks, ke, "tcbEvaluationDataNumber") || Json.keyIs(b, ks, ke, "isvprodid")) {
                uint256 v;
                (v, p) = Json.uintAt(b, vp);
                if (Json.keyIs(b, ks, ke, "version")) {
                    if (v != 2) revert DCAPInvalidCollateral();
                    seen |= 2;
                } else if (Json.keyIs(b, ks, ke, "isvprodid")) {
                    if (v > 65535) revert DCAPInvalidCollateral();
                    q.isvProdId = uint16(v);
                    seen |= 4;
                } else {
                    if (v > type(uint32).max) revert DCAPInvalidCollateral();
                    q.evaluationDataNumber = uint32(v);
                    seen |= 8;
                }
                continue;
            }
            bool known = true;
            (uint256 s, uint256 e, uint256 n) = (0, 0, 0);
            if (Json.ch(b, vp) == 0x22) (s, e, n) = Json.str(b, vp);
            if (Json.keyIs(b, ks, ke, "id")) {
                if (!Json.eq(b, s, e, "QE")) revert DCAPInvalidCollateral();
                seen |= 16;
            } else if (Json.keyIs(b, ks, ke, "issueDate")) {
                q.issueDate = uint64(Json.date(b, s, e));
                seen |= 32;
            } else if (Json.keyIs(b, ks, ke, "nextUpdate")) {
                q.nextUpdate = uint64(Json.date(b, s, e));
                seen |= 64;
            } else if (Json.keyIs(b, ks, ke, "miscselect")) {
                q.miscselect = bytes4(Json.hexBytes(b, s, e, 4));
                seen |= 128;
            } else if (Json.keyIs(b, ks, ke, "miscselectMask")) {
                q.miscselectMask = bytes4(Json.hexBytes(b, s, e, 4));
                seen |= 256;
            } else if (Json.keyIs(b, ks, ke, "attributes")) {
                q.attributes = bytes16(Json.hexBytes(b, s, e, 16));
                seen |= 512;
            } else if (Json.keyIs(b, ks, ke, "attributesMask")) {
                q.attributesMask = bytes16(Json.hexBytes(b, s, e, 16));
                seen |= 1024;
            } else if (Json.keyIs(b, ks, ke, "mrsigner")) {
                q.mrsigner = Json.hexBytes(b, s, e, 32);
                seen |= 2048;
            } else {
                known = false;
            }
            if (known) {
                if (n == 0) revert DCAPInvalidCollateral();
                p = n;
            } else {
                p = Json.skip(b, vp);
            }
        }
        if (seen != 4095 || q.levels.length == 0) revert DCAPInvalidCollateral();
    }

    function _qeLevels(bytes memory b, uint256 p) private pure returns (uint256[] memory levels, bytes[] memory advs, uint256 np) {
        levels = new uint256[](64);
        advs = new bytes[](64);
        uint256 n = 0;
        p = Json.open(b, p, 0x5b);
        bool first = true;
        while (true) {
            (bool done, uint256 vp) = Json.elem(b, p, first);
            if (done) {
                np = vp;
                break;
            }
            first = false;
            if (n == 64) revert DCAPInvalidCollateral();
            uint256 q = Json.open(b, vp, 0x7b);
            bool f2 = true;
            uint256 isvsvn = type(uint256).max;
            uint256 status = 255;
            while (true) {
                (bool d2, uint256 ks, uint256 ke, uint256 v2) = Json.member(b, q, f2);
                if (d2) {
                    q = v2;
                    break;
                }
                f2 = false;
                if (Json.keyIs(b, ks, ke, "tcb")) {
                    uint256 r = Json.open(b, v2, 0x7b);
                    (bool d3, uint256 k3s, uint256 k3e, uint256 v3) = Json.member(b, r, true);
                    if (d3 || !Json.keyIs(b, k3s, k3e, "isvsvn")) revert DCAPInvalidCollateral();
                    (isvsvn, r) = Json.uintAt(b, v3);
                    (d3,,, r) = Json.member(b, r, false);
                    if (!d3) revert DCAPInvalidCollateral();
                    q = r;
                } else if (Json.keyIs(b, ks, ke, "tcbStatus")) {
                    (uint256 s, uint256 e, uint256 nn) = Json.str(b, v2);
                    status = _status(b, s, e);
                    q = nn;
                } else if (Json.keyIs(b, ks, ke, "advisoryIDs")) {
                    (advs[n], q) = _advisories(b, v2);
                } else {
                    q = Json.skip(b, v2);
                }
            }
            if (isvsvn > 65535 || status == 255) revert DCAPInvalidCollateral();
            levels[n++] = (isvsvn << 8) | status;
            p = q;
        }
        assembly {
            mstore(levels, n)
            mstore(advs, n)
        }
    }

    function _status(bytes memory b, uint256 s, uint256 e) private pure returns (uint256) {
        if (Json.eq(b, s, e, "UpToDate")) return 0;
        if (Json.eq(b, s, e, "SWHardeningNeeded")) return 1;
        if (Json.eq(b, s, e, "ConfigurationNeeded")) return 2;
        if (Json.eq(b, s, e, "ConfigurationAndSWHardeningNeeded")) return 3;
        if (Json.eq(b, s, e, "OutOfDate")) return 4;
        if (Json.eq(b, s, e, "OutOfDateConfigurationNeeded")) return 5;
        if (Json.eq(b, s, e, "Revoked")) return 6;
        revert DCAPInvalidCollateral();
    }

    /// advisoryIDs array at p → "A,B" (empty when absent or empty).
    function _advisories(bytes memory b, uint256 p) private pure returns (bytes memory out, uint256 np) {
        p = Json.open(b, p, 0x5b);
        bool first = true;
        while (true) {
            (bool done, uint256 vp) = Json.elem(b, p, first);
            if (done) return (out, vp);
            (uint256 s, uint256 e, uint256 n) = Json.str(b, vp);
            if (e == s || e - s > 64) revert DCAPInvalidCollateral();
            for (uint256 i = s; i < e; i++) if (b[i] == ",") revert DCAPInvalidCollateral();
            out = bytes.concat(out, first ? bytes("") : bytes(","), IAS.slice(b, s, e));
            first = false;
            p = n;
        }
    }

}
