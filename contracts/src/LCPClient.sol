// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {Proto} from "./Proto.sol";
import {IAS} from "./IAS.sol";
import {IASVerifier} from "./IASVerifier.sol";
import {IDCAPVerifier} from "./IDCAPVerifier.sol";

/// yui-ibc-solidity v0.3.40 Height.Data: ABI tuple (uint64,uint64).
struct HeightData {
    uint64 revision_number;
    uint64 revision_height;
}

enum ClientStatus {
    Active,
    Expired,
    Frozen
}

struct UpdateClientMessage {
    bytes proxy_message;
    bytes[] signatures;
}

struct RegisterEnclaveKeyMessage {
    bytes report;
    bytes signature;
    bytes signing_cert;
    bytes operator_signature;
}

struct UpdateOperatorsMessage {
    uint64 nonce;
    bytes[] new_operators;
    uint64 new_operators_threshold_numerator;
    uint64 new_operators_threshold_denominator;
    bytes[] signatures;
}

/// lcp-c's DCAPRegisterEnclaveKeyMessage (proto/ibc_lcp.proto), the same bytes the C client takes.
struct DCAPRegisterEnclaveKeyMessage {
    bytes quote;
    bytes collateral;
    bytes operator_signature;
}

/// The LCP light client for EVM chains: lcp-solidity's LCPClientIAS behaviour behind yui-ibc-solidity v0.3.40's
/// ILightClient ABI, plus DCAP registration verified on-chain (IDCAPVerifier, P256VERIFY). Where lcp-c's C client
/// (include/lcp/lcpclient.h) is deliberately stricter than lcp-solidity, this contract follows the C client;
/// contracts/README.md lists each difference.
contract LCPClient {
    // ---- errors (lcp-spec §6.9 names) ----
    error LCPClientBaseInvalidConstructorParams();
    error LCPClientClientStateInvalidLatestHeight();
    error LCPClientClientStateFrozen();
    error LCPClientClientStateInvalidKeyExpiration();
    error LCPClientClientStateInvalidMrenclaveLength();
    error LCPClientClientStateUnexpectedMrenclave();
    error LCPClientClientStateInvalidOperatorAddress();
    error LCPClientClientStateInvalidOperatorAddressLength();
    error LCPClientClientStateInvalidOperatorsNonce();
    error LCPClientClientStateUnexpectedOperatorsNonce(uint64 expected);
    error LCPClientClientStateInvalidAllowedQuoteStatus();
    error LCPClientClientStateInvalidAllowedAdvisoryId();
    error LCPClientClientStateInvalidTcbEvaluationDataNumber();
    error LCPClientClientStateAlreadyExists();
    error LCPClientOperatorsInvalidOrder(address prevOperator, address nextOperator);
    error LCPClientClientStateInvalidOperatorsThreshold();
    error LCPClientConsensusStateInvalidTimestamp();
    error LCPClientConsensusStateInvalidStateId();
    error LCPClientClientStateNotFound();
    error LCPClientConsensusStateNotFound();
    error LCPClientUnknownProxyMessageHeader();
    error LCPClientUnknownProtoTypeUrl();
    error LCPClientInvalidClientStateTypeUrl();
    error LCPClientInvalidConsensusStateTypeUrl();
    error LCPClientMembershipVerificationInvalidHeight();
    error LCPClientMembershipVerificationInvalidPrefix();
    error LCPClientMembershipVerificationInvalidPath();
    error LCPClientMembershipVerificationInvalidValue();
    error LCPClientMembershipVerificationInvalidStateId();
    error LCPClientUpdateStateEmittedStatesMustNotEmpty();
    error LCPClientUpdateStatePrevStateIdMustNotEmpty();
    error LCPClientUpdateStateUnexpectedPrevStateId();
    error LCPClientUpdateStateInconsistentConsensusState();
    error LCPClientMisbehaviourPrevStatesMustNotEmpty();
    error LCPClientEnclaveKeyNotExist();
    error LCPClientEnclaveKeyExpired();
    error LCPClientEnclaveKeyUnexpectedOperator(address expected, address actual);
    error LCPClientEnclaveKeyUnexpectedExpiredAt(uint64 expected, uint64 actual);
    error LCPClientOperatorSignaturesInsufficient(uint256 success);
    error LCPClientInvalidSignature();
    error LCPClientInvalidSignaturesLength();
    error LCPClientInvalidMessage();
    error LCPClientInvalidValidationContext();
    error LCPClientValidationContextExpired();
    error LCPClientIASRootCertExpired();
    error LCPClientIASCertExpired();
    error LCPClientIASInvalidSigningCert();
    error LCPClientAVRInvalidSignature();
    error LCPClientAVRInvalid();
    error LCPClientAVRDisallowedQuoteStatus();
    error LCPClientAVRDisallowedAdvisoryID();
    error LCPClientAVRUnexpectedDebugMode();
    error LCPClientAVRAlreadyExpired();
    error LCPClientAVRUnexpectedOperator(address operator, address reportOperator);
    error LCPClientUpdateOperatorsPermissionless();
    error LCPClientUpdateOperatorsSignatureUnexpectedOperator(address actual, address expected);
    error LCPClientDCAPNotConfigured();
    error LCPClientDCAPDisallowedTCBStatus();
    error LCPClientDCAPDisallowedAdvisoryID();
    error LCPClientDCAPOutputNotValid();
    error LCPClientDCAPUnexpectedEnclaveDebugMode();
    error LCPClientDCAPUnexpectedTcbEvaluationDataNumber(uint64 current);
    error LCPClientDCAPInvalidOperator();
    error LCPClientDCAPOutputReportUnexpectedOperator(address operator, address reportOperator);
    error LCPClientDCAPInvalidReportData();

    // ---- events (none indexed, as lcp-solidity) ----
    event RegisteredEnclaveKey(string clientId, address enclaveKey, uint256 expiredAt, address operator);
    event LCPClientDCAPRegisteredEnclaveKey(string clientId, address enclaveKey, uint256 expiredAt, address operator);
    event LCPClientZKDCAPUpdateCurrentTcbEvaluationDataNumber(string clientId, uint32 tcbEvaluationDataNumber);
    event LCPClientZKDCAPUpdateNextTcbEvaluationDataNumber(string clientId, uint32 tcbEvaluationDataNumber);

    struct EKInfo {
        uint64 expiredAt;
        address operator;
        // Set when the key was registered with a client that has no operators, which it then never has (creation
        // fixes it; updateOperators needs operators and keeps at least one): lets a membership check trust one
        // signature by this key without reading the client's record.
        bool noOperators;
    }

    struct ConsensusState {
        bytes32 stateId;
        uint64 timestamp;
    }

    struct Client {
        bytes32 mrenclave;
        // one slot: what every update reads
        uint64 keyExpiration;
        uint64 latestRevisionNumber;
        uint64 latestRevisionHeight;
        bool frozen;
        bool exists;
        uint8 operatorCount; // operators.length, kept here so that a signature check reads one slot less
        // one slot
        uint64 operatorsNonce;
        uint64 thresholdNumerator;
        uint64 thresholdDenominator;
        // one slot
        uint32 currentTcbEvaluationDataNumber;
        uint32 tcbEvaluationDataNumberUpdateGracePeriod;
        uint32 nextTcbEvaluationDataNumber;
        uint64 nextTcbEvaluationDataNumberUpdateTime;
        address[] operators;
        // allowed_quote_statuses (field 5) then allowed_advisory_ids (field 6), protobuf-encoded as getClientState
        // writes them: one blob costs a few slots where a list plus a mapping cost three per entry.
        bytes allowLists;
        bytes[] zkdcapVerifierInfos;
        mapping(uint128 => ConsensusState) consensusStates;
        mapping(address => EKInfo) enclaveKeys;
    }

    bytes32 private constant HEADER_UPDATE_STATE = bytes32(uint256(0x0001000100000000000000000000000000000000000000000000000000000000));
    bytes32 private constant HEADER_STATE = bytes32(uint256(0x0001000200000000000000000000000000000000000000000000000000000000));
    bytes32 private constant HEADER_MISBEHAVIOUR = bytes32(uint256(0x0001000300000000000000000000000000000000000000000000000000000000));

    bytes32 private constant TYPE_CLIENT_STATE = keccak256("/ibc.lightclients.lcp.v1.ClientState");
    bytes32 private constant TYPE_CONSENSUS_STATE = keccak256("/ibc.lightclients.lcp.v1.ConsensusState");
    bytes32 private constant TYPE_UPDATE_CLIENT = keccak256("/ibc.lightclients.lcp.v1.UpdateClientMessage");
    bytes32 private constant TYPE_REGISTER = keccak256("/ibc.lightclients.lcp.v1.RegisterEnclaveKeyMessage");
    bytes32 private constant TYPE_UPDATE_OPERATORS = keccak256("/ibc.lightclients.lcp.v1.UpdateOperatorsMessage");
    bytes32 private constant TYPE_DCAP_REGISTER = keccak256("/ibc.lightclients.lcp.v1.DCAPRegisterEnclaveKeyMessage");

    // EIP-712 (lcp-spec §6.8)
    bytes32 private constant DOMAIN_TYPEHASH =
        keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract,bytes32 salt)");
    bytes32 private constant DOMAIN_SEPARATOR_LCP_CLIENT = 0x7fd21c2453e80741907e7ff11fd62ae1daa34c6fc0c2eced821f1c1d3fe88a4c;
    bytes32 private constant REGISTER_TYPEHASH = keccak256("RegisterEnclaveKey(string avr)");
    bytes32 private constant DCAP_REGISTER_TYPEHASH = keccak256("DCAPRegisterEnclaveKey(bytes quote)");
    bytes32 private constant UPDATE_OPERATORS_TYPEHASH = keccak256(
        "UpdateOperators(string clientId,uint64 nonce,address[] newOperators,uint64 thresholdNumerator,uint64 thresholdDenominator)"
    );
    bytes32 private constant CHAIN_TYPE_EVM_SALT = keccak256(abi.encodePacked(uint16(1)));
    uint256 private constant SECP256K1_HALF_N = 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0;

    address public immutable ibcHandler;
    bool public immutable developmentMode;
    IDCAPVerifier public immutable dcapVerifier;

    IASVerifier public immutable iasVerifier;

    mapping(bytes32 => Client) private clients;

    /// ibcHandler: the IBC handler allowed to create clients; developmentMode: true accepts only debug enclaves,
    /// false only production ones (an equality, as lcp-solidity); ias: the IAS report verifier (pinned
    /// report-signing root); dcap: the DCAP verifier (collateral store and quote verification), or address(0) for a
    /// deployment without DCAP registration.
    constructor(address ibcHandler_, bool developmentMode_, IASVerifier ias, IDCAPVerifier dcap) {
        if (ibcHandler_ == address(0) || address(ias) == address(0)) revert LCPClientBaseInvalidConstructorParams();
        ibcHandler = ibcHandler_;
        developmentMode = developmentMode_;
        iasVerifier = ias;
        dcapVerifier = dcap;
    }

    modifier onlyIBC() {
        require(msg.sender == ibcHandler, "caller is not the IBC handler");
        _;
    }

    function isDevelopmentMode() external view returns (bool) {
        return developmentMode;
    }

    // =========================================================================================================
    // ILightClient
    // =========================================================================================================

    function initializeClient(string calldata clientId, bytes calldata protoClientState, bytes calldata protoConsensusState)
        external
        onlyIBC
        returns (HeightData memory height)
    {
        (bytes memory csUrl, bytes memory csValue) = Proto.decodeAny(protoClientState);
        if (keccak256(csUrl) != TYPE_CLIENT_STATE) revert LCPClientInvalidClientStateTypeUrl();
        (bytes memory consUrl, bytes memory consValue) = Proto.decodeAny(protoConsensusState);
        if (keccak256(consUrl) != TYPE_CONSENSUS_STATE) revert LCPClientInvalidConsensusStateTypeUrl();
        Client storage c = clients[keccak256(bytes(clientId))];
        if (c.exists) revert LCPClientClientStateAlreadyExists();
        _storeClientState(c, csValue);
        (bytes32 sid, uint64 ts) = _decodeConsensusState(consValue);
        if (ts != 0) revert LCPClientConsensusStateInvalidTimestamp();
        if (sid != bytes32(0)) revert LCPClientConsensusStateInvalidStateId();
        return height; // (0, 0)
    }

    function routeUpdateClient(string calldata clientId, bytes calldata protoClientMessage)
        external
        pure
        returns (bytes4, bytes memory)
    {
        (bytes memory url, bytes memory value) = Proto.decodeAny(protoClientMessage);
        bytes32 h = keccak256(url);
        if (h == TYPE_UPDATE_CLIENT) {
            return (this.updateClient.selector, abi.encode(clientId, _decodeUpdateClient(value)));
        } else if (h == TYPE_REGISTER) {
            return (this.registerEnclaveKey.selector, abi.encode(clientId, _decodeRegister(value)));
        } else if (h == TYPE_UPDATE_OPERATORS) {
            return (this.updateOperators.selector, abi.encode(clientId, _decodeUpdateOperators(value)));
        } else if (h == TYPE_DCAP_REGISTER) {
            return (this.dcapRegisterEnclaveKey.selector, abi.encode(clientId, _decodeDCAPRegister(value)));
        }
        // a known LCP message this variant does not take (lcp-solidity's IAS variant answers the same way)
        if (h == keccak256("/ibc.lightclients.lcp.v1.ZKDCAPRegisterEnclaveKeyMessage")) revert LCPClientUnknownProtoTypeUrl();
        revert("unsupported client message type");
    }

    function getTimestampAtHeight(string calldata clientId, HeightData calldata height) external view returns (uint64) {
        uint64 ts = clients[keccak256(bytes(clientId))].consensusStates[_hkey(height)].timestamp;
        if (ts == 0) revert LCPClientConsensusStateNotFound();
        return ts;
    }

    function getLatestHeight(string calldata clientId) external view returns (HeightData memory) {
        Client storage c = clients[keccak256(bytes(clientId))];
        if (c.latestRevisionHeight == 0) revert LCPClientClientStateNotFound();
        return HeightData(c.latestRevisionNumber, c.latestRevisionHeight);
    }

    function getStatus(string calldata clientId) external view returns (ClientStatus) {
        return clients[keccak256(bytes(clientId))].frozen ? ClientStatus.Frozen : ClientStatus.Active;
    }

    function getLatestInfo(string calldata clientId)
        external
        view
        returns (HeightData memory latestHeight, uint64 latestTimestamp, ClientStatus status)
    {
        Client storage c = clients[keccak256(bytes(clientId))];
        latestHeight = HeightData(c.latestRevisionNumber, c.latestRevisionHeight);
        latestTimestamp = c.consensusStates[_hkey(latestHeight)].timestamp;
        status = c.frozen ? ClientStatus.Frozen : ClientStatus.Active;
    }

    function verifyMembership(
        string calldata clientId,
        HeightData calldata height,
        uint64,
        uint64,
        bytes calldata proof,
        bytes calldata prefix,
        bytes calldata path,
        bytes calldata value
    ) external view returns (bool) {
        _verifyState(clientId, height, proof, prefix, path, _cdKeccak(value));
        return true;
    }

    function verifyNonMembership(
        string calldata clientId,
        HeightData calldata height,
        uint64,
        uint64,
        bytes calldata proof,
        bytes calldata prefix,
        bytes calldata path
    ) external view returns (bool) {
        _verifyState(clientId, height, proof, prefix, path, bytes32(0));
        return true;
    }

    function getClientState(string calldata clientId) external view returns (bytes memory, bool) {
        Client storage c = clients[keccak256(bytes(clientId))];
        if (!c.exists) return ("", false);
        return (Proto.encodeAny("/ibc.lightclients.lcp.v1.ClientState", _encodeClientState(c)), true);
    }

    function getConsensusState(string calldata clientId, HeightData calldata height)
        external
        view
        returns (bytes memory, bool)
    {
        ConsensusState storage s = clients[keccak256(bytes(clientId))].consensusStates[_hkey(height)];
        if (s.stateId == bytes32(0) && s.timestamp == 0) return ("", false);
        bytes memory v = bytes.concat(
            s.stateId == bytes32(0) ? bytes("") : Proto.fBytes(1, abi.encodePacked(s.stateId)), Proto.fUint(2, s.timestamp)
        );
        return (Proto.encodeAny("/ibc.lightclients.lcp.v1.ConsensusState", v), true);
    }

    /// Enclave key info of a client (expiredAt 0 = not registered).
    function getEKInfo(string calldata clientId, address ek) external view returns (uint64 expiredAt, address operator) {
        EKInfo storage e = clients[keccak256(bytes(clientId))].enclaveKeys[ek];
        return (e.expiredAt, e.operator);
    }

    // =========================================================================================================
    // Client messages (public, reached through routeUpdateClient or directly, ADR-001)
    // =========================================================================================================

    function updateClient(string calldata clientId, UpdateClientMessage calldata message)
        external
        returns (HeightData[] memory heights)
    {
        Client storage c = clients[_cdKeccak(bytes(clientId))];
        uint256 head = _head(c); // one read: existence, frozen, operator count, latest height
        if ((head >> HEAD_EXISTS) & 0xff == 0) revert LCPClientClientStateNotFound();
        if ((head >> HEAD_FROZEN) & 0xff != 0) revert LCPClientClientStateFrozen();
        bytes calldata pm = message.proxy_message;
        uint256 pmPos = _cdPos(pm);
        uint256 n = (head >> HEAD_OPERATORS) & 0xff;
        bytes32 digest = _cdKeccak(pm);
        if (n == 0) {
            // No operators: exactly one signature by an active key (the general rule below, without its loop).
            bytes[] calldata sigs = message.signatures;
            if (sigs.length != 1) revert LCPClientInvalidSignaturesLength();
            uint256 sp;
            uint256 sigLen;
            assembly ("memory-safe") {
                // sigs[0]: its offset (relative to sigs.offset) and its bytes inside calldata, as Solidity's
                // accessor checks them (the same empty revert)
                let off := calldataload(sigs.offset)
                sp := add(sigs.offset, off)
                if or(gt(off, 0xffffffff), gt(add(sp, 32), calldatasize())) { revert(0, 0) }
                sigLen := calldataload(sp)
                if or(gt(sigLen, 0xffffffff), gt(add(add(sp, 32), sigLen), calldatasize())) { revert(0, 0) }
            }
            if (sigLen != 65) revert LCPClientInvalidSignature();
            address ek = _ecrecover65(digest, sp + 32);
            if (ek == address(0)) revert LCPClientInvalidSignature();
            _activeKey(c, ek);
        } else {
            _verifySignatures(c, n, digest, message.signatures);
        }
        (bool ok, bytes32 header, uint256 bd, uint256 bl) = _readHeadered(pmPos, pm.length);
        if (!ok) revert LCPClientInvalidMessage();
        if (header == HEADER_UPDATE_STATE) _updateState(c, head, bd, bl); // returns from the call
        if (header == HEADER_MISBEHAVIOUR) {
            _misbehaviour(c, pm[bd - pmPos:bd - pmPos + bl]);
            return heights;
        }
        revert LCPClientUnknownProxyMessageHeader();
    }

    function registerEnclaveKey(string calldata clientId, RegisterEnclaveKeyMessage calldata message)
        external
        returns (HeightData[] memory heights)
    {
        Client storage c = _client(clientId);
        if (c.frozen) revert LCPClientClientStateFrozen();
        if (c.keyExpiration == 0) revert LCPClientClientStateInvalidKeyExpiration();
        bytes memory report = message.report;
        IAS.Report memory r = iasVerifier.verifyReport(report, message.signature, message.signing_cert);
        _checkQuoteStatus(c, r);
        bytes memory body = r.body;
        bool debug = uint8(body[96]) & 0x02 != 0;
        if (debug != developmentMode) revert LCPClientAVRUnexpectedDebugMode();
        (address ek, address reportOperator) = _reportData(body, 368);
        if (_word(body, 112) != c.mrenclave) revert LCPClientClientStateUnexpectedMrenclave();
        address operator = _registrationOperator(
            c, keccak256(abi.encode(REGISTER_TYPEHASH, keccak256(report))), message.operator_signature, reportOperator, false
        );
        uint256 expiredAt = r.attestationTime + c.keyExpiration;
        if (expiredAt > type(uint64).max) revert LCPClientAVRInvalid();
        if (expiredAt <= block.timestamp) revert LCPClientAVRAlreadyExpired();
        if (_register(c, ek, uint64(expiredAt), operator)) {
            emit RegisteredEnclaveKey(clientId, ek, expiredAt, operator);
        }
        return heights;
    }

    function updateOperators(string calldata clientId, UpdateOperatorsMessage calldata message)
        external
        returns (HeightData[] memory heights)
    {
        Client storage c = _client(clientId);
        uint256 n = c.operators.length;
        if (n == 0) revert LCPClientUpdateOperatorsPermissionless();
        if (message.signatures.length != n) revert LCPClientInvalidSignaturesLength();
        uint64 num = message.new_operators_threshold_numerator;
        uint64 den = message.new_operators_threshold_denominator;
        if (message.nonce != c.operatorsNonce + 1) revert LCPClientClientStateUnexpectedOperatorsNonce(c.operatorsNonce + 1);
        address[] memory ops = new address[](message.new_operators.length);
        for (uint256 i = 0; i < ops.length; i++) {
            if (message.new_operators[i].length != 20) revert LCPClientClientStateInvalidOperatorAddressLength();
            ops[i] = address(bytes20(message.new_operators[i]));
        }
        _checkOperators(ops, num, den);
        if (ops.length == 0) revert LCPClientClientStateInvalidOperatorsThreshold();
        bytes32 digest = keccak256(
            abi.encodePacked(
                hex"1901",
                _operatorsDomain(),
                keccak256(
                    abi.encode(
                        UPDATE_OPERATORS_TYPEHASH, keccak256(bytes(clientId)), message.nonce, keccak256(abi.encodePacked(ops)), num, den
                    )
                )
            )
        );
        uint256 success = 0;
        for (uint256 i = 0; i < n; i++) {
            bytes calldata sig = message.signatures[i];
            if (sig.length == 0) continue;
            address signer = _recover(digest, sig);
            if (signer != c.operators[i]) revert LCPClientUpdateOperatorsSignatureUnexpectedOperator(signer, c.operators[i]);
            success++;
        }
        if (uint256(success) * c.thresholdDenominator < uint256(c.thresholdNumerator) * n) {
            revert LCPClientOperatorSignaturesInsufficient(success);
        }
        if (ops.length > 64) revert LCPClientInvalidMessage();
        c.operators = ops;
        c.operatorCount = uint8(ops.length);
        c.operatorsNonce = message.nonce;
        c.thresholdNumerator = num;
        c.thresholdDenominator = den;
        return heights;
    }

    /// DCAP registration: the quote is verified on-chain by the DCAP verifier against collateral already stored
    /// there (uploaded by anyone, checked against the pinned root); then the zkDCAP path's policy (lcp-spec §6.4).
    function dcapRegisterEnclaveKey(string calldata clientId, DCAPRegisterEnclaveKeyMessage calldata message)
        external
        returns (HeightData[] memory heights)
    {
        if (address(dcapVerifier) == address(0)) revert LCPClientDCAPNotConfigured();
        Client storage c = _client(clientId);
        if (c.frozen) revert LCPClientClientStateFrozen();
        IDCAPVerifier.Output memory out = dcapVerifier.verifyQuote(message.quote, message.collateral);
        _checkDCAPOutput(c, out);
        uint64 expiredAt = _dcapExpiry(c, out);
        _tcbEvaluationNumber(c, clientId, out.tcbEvaluationDataNumber);
        (address ek, address reportOperator) = _reportData(message.quote, 48 + 320);
        address operator = _registrationOperator(
            c, keccak256(abi.encode(DCAP_REGISTER_TYPEHASH, keccak256(message.quote))), message.operator_signature, reportOperator, true
        );
        if (_register(c, ek, expiredAt, operator)) {
            emit LCPClientDCAPRegisteredEnclaveKey(clientId, ek, expiredAt, operator);
        }
        return heights;
    }

    // =========================================================================================================
    // internals
    // =========================================================================================================

    function _client(string calldata clientId) private view returns (Client storage c) {
        c = clients[keccak256(bytes(clientId))];
        if (!c.exists) revert LCPClientClientStateNotFound();
    }

    function _hkey(HeightData memory h) private pure returns (uint128) {
        return (uint128(h.revision_number) << 64) | uint128(h.revision_height);
    }

    function _word(bytes memory b, uint256 off) private pure returns (bytes32 w) {
        assembly ("memory-safe") {
            w := mload(add(add(b, 32), off))
        }
    }

    /// report_data (64 bytes at off): version 1, enclave key, expected operator (lcp-spec §4).
    function _reportData(bytes memory b, uint256 off) private pure returns (address ek, address op) {
        if (b.length < off + 64 || b[off] != 0x01) revert LCPClientAVRInvalid();
        ek = address(bytes20(_word(b, off + 1)));
        op = address(bytes20(_word(b, off + 21)));
        // bytes 41..64 are reserved zero (C client: lcp_report_data_parse)
        bytes32 tail = _word(b, off + 32);
        if (uint256(tail) & ((1 << 184) - 1) != 0) revert LCPClientAVRInvalid();
        if (ek == address(0)) revert LCPClientAVRInvalid();
    }

    // ---- client state codec ----

    function _storeClientState(Client storage c, bytes memory b) private {
        uint256 p = 0;
        bytes memory mrenclave;
        uint256 latestNum;
        uint256 latestHeight;
        uint256 nOps;
        address prev;
        bytes memory statuses;
        bytes memory advisories;
        uint256[15] memory u; // scalar fields by number-1
        while (p < b.length) {
            (uint256 f, uint256 wt, uint256 np) = Proto.key(b, p);
            if (f == 1 || f == 4 || f == 5 || f == 6 || f == 7 || f == 15) {
                if (wt != Proto.LEN) revert LCPClientInvalidMessage();
                (uint256 s, uint256 l, uint256 np2) = Proto.lenDelim(b, np);
                bytes memory v = Proto.slice(b, s, l);
                p = np2;
                if (f == 1) {
                    mrenclave = v;
                } else if (f == 4) {
                    (latestNum, latestHeight) = _decodeHeight(v);
                } else if (f == 5) {
                    if (l == 0) revert LCPClientClientStateInvalidAllowedQuoteStatus();
                    statuses = bytes.concat(statuses, Proto.fBytes(5, v));
                } else if (f == 6) {
                    if (l == 0) revert LCPClientClientStateInvalidAllowedAdvisoryId();
                    advisories = bytes.concat(advisories, Proto.fBytes(6, v));
                } else if (f == 7) {
                    if (l != 20) revert LCPClientClientStateInvalidOperatorAddressLength();
                    address a = address(bytes20(v));
                    if (a == address(0)) revert LCPClientClientStateInvalidOperatorAddress();
                    if (nOps > 0 && uint160(a) <= uint160(prev)) revert LCPClientOperatorsInvalidOrder(prev, a);
                    c.operators.push(a);
                    prev = a;
                    nOps++;
                } else {
                    c.zkdcapVerifierInfos.push(v);
                }
            } else if (f >= 2 && f <= 14) {
                if (wt != Proto.VARINT) revert LCPClientInvalidMessage();
                (u[f - 1], p) = Proto.varint(b, np);
            } else {
                p = Proto.skip(b, np, wt);
            }
        }
        if (latestNum != 0 || latestHeight != 0) revert LCPClientClientStateInvalidLatestHeight();
        if (u[2] != 0) revert LCPClientClientStateFrozen();
        if (mrenclave.length != 32) revert LCPClientClientStateInvalidMrenclaveLength();
        if (u[7] != 0) revert LCPClientClientStateInvalidOperatorsNonce();
        uint256 num = u[8];
        uint256 den = u[9];
        if (nOps == 0 ? (num != 0 || den != 0) : (num == 0 || den == 0 || num > den)) {
            revert LCPClientClientStateInvalidOperatorsThreshold();
        }
        if (u[10] > type(uint32).max || u[11] > type(uint32).max || u[12] > type(uint32).max) revert LCPClientInvalidMessage();
        bool hasNext = u[12] != 0;
        if (hasNext != (u[13] != 0) || (hasNext && u[12] <= u[10])) revert LCPClientClientStateInvalidTcbEvaluationDataNumber();
        if (c.zkdcapVerifierInfos.length > 1) revert LCPClientInvalidMessage();
        if (nOps > 64) revert LCPClientInvalidMessage(); // the C client's LCP_LC_MAX_OPERATORS
        c.operatorCount = uint8(nOps);
        c.allowLists = bytes.concat(statuses, advisories);
        c.mrenclave = bytes32(mrenclave);
        c.keyExpiration = uint64(u[1]);
        c.exists = true;
        c.thresholdNumerator = uint64(num);
        c.thresholdDenominator = uint64(den);
        c.currentTcbEvaluationDataNumber = uint32(u[10]);
        c.tcbEvaluationDataNumberUpdateGracePeriod = uint32(u[11]);
        c.nextTcbEvaluationDataNumber = uint32(u[12]);
        c.nextTcbEvaluationDataNumberUpdateTime = uint64(u[13]);
    }

    function _decodeHeight(bytes memory v) private pure returns (uint256 num, uint256 h) {
        uint256 p = 0;
        while (p < v.length) {
            (uint256 f, uint256 wt, uint256 np) = Proto.key(v, p);
            if (f == 1 || f == 2) {
                if (wt != Proto.VARINT) revert LCPClientInvalidMessage();
                uint256 x;
                (x, p) = Proto.varint(v, np);
                if (f == 1) num = x;
                else h = x;
            } else {
                p = Proto.skip(v, np, wt);
            }
        }
    }

    function _decodeConsensusState(bytes memory b) private pure returns (bytes32 sid, uint64 ts) {
        uint256 p = 0;
        while (p < b.length) {
            (uint256 f, uint256 wt, uint256 np) = Proto.key(b, p);
            if (f == 1) {
                if (wt != Proto.LEN) revert LCPClientInvalidMessage();
                (uint256 s, uint256 l, uint256 np2) = Proto.lenDelim(b, np);
                if (l != 0 && l != 32) revert LCPClientConsensusStateInvalidStateId();
                sid = l == 0 ? bytes32(0) : _word(b, s);
                p = np2;
            } else if (f == 2) {
                if (wt != Proto.VARINT) revert LCPClientInvalidMessage();
                uint256 x;
                (x, p) = Proto.varint(b, np);
                ts = uint64(x);
            } else {
                p = Proto.skip(b, np, wt);
            }
        }
    }

    function _encodeClientState(Client storage c) private view returns (bytes memory out) {
        bytes memory h = bytes.concat(Proto.fUint(1, c.latestRevisionNumber), Proto.fUint(2, c.latestRevisionHeight));
        out = bytes.concat(
            Proto.fBytes(1, abi.encodePacked(c.mrenclave)),
            Proto.fUint(2, c.keyExpiration),
            Proto.fUint(3, c.frozen ? 1 : 0),
            Proto.fBytes(4, h)
        );
        out = bytes.concat(out, c.allowLists);
        for (uint256 i = 0; i < c.operators.length; i++) {
            out = bytes.concat(out, Proto.fBytes(7, abi.encodePacked(c.operators[i])));
        }
        out = bytes.concat(
            out,
            Proto.fUint(8, c.operatorsNonce),
            Proto.fUint(9, c.thresholdNumerator),
            Proto.fUint(10, c.thresholdDenominator),
            Proto.fUint(11, c.currentTcbEvaluationDataNumber),
            Proto.fUint(12, c.tcbEvaluationDataNumberUpdateGracePeriod),
            Proto.fUint(13, c.nextTcbEvaluationDataNumber),
            Proto.fUint(14, c.nextTcbEvaluationDataNumberUpdateTime)
        );
        for (uint256 i = 0; i < c.zkdcapVerifierInfos.length; i++) {
            out = bytes.concat(out, Proto.fBytes(15, c.zkdcapVerifierInfos[i]));
        }
    }

    // ---- client message decoders (protobuf → ABI structs) ----

    function _decodeUpdateClient(bytes memory b) private pure returns (UpdateClientMessage memory m) {
        uint256 p = 0;
        uint256 n = 0;
        bytes[] memory sigs = new bytes[](_count(b, 2));
        while (p < b.length) {
            (uint256 f, uint256 wt, uint256 np) = Proto.key(b, p);
            if (f == 1 || f == 2) {
                if (wt != Proto.LEN) revert LCPClientInvalidMessage();
                bytes memory v;
                (v, p) = Proto.bytesAt(b, np);
                if (f == 1) m.proxy_message = v;
                else sigs[n++] = v;
            } else {
                p = Proto.skip(b, np, wt);
            }
        }
        m.signatures = sigs;
    }

    function _decodeRegister(bytes memory b) private pure returns (RegisterEnclaveKeyMessage memory m) {
        uint256 p = 0;
        while (p < b.length) {
            (uint256 f, uint256 wt, uint256 np) = Proto.key(b, p);
            if (f >= 1 && f <= 4) {
                if (wt != Proto.LEN) revert LCPClientInvalidMessage();
                bytes memory v;
                (v, p) = Proto.bytesAt(b, np);
                if (f == 1) m.report = v;
                else if (f == 2) m.signature = v;
                else if (f == 3) m.signing_cert = v;
                else m.operator_signature = v;
            } else {
                p = Proto.skip(b, np, wt);
            }
        }
    }

    function _decodeDCAPRegister(bytes memory b) private pure returns (DCAPRegisterEnclaveKeyMessage memory m) {
        uint256 p = 0;
        while (p < b.length) {
            (uint256 f, uint256 wt, uint256 np) = Proto.key(b, p);
            if (f >= 1 && f <= 3) {
                if (wt != Proto.LEN) revert LCPClientInvalidMessage();
                bytes memory v;
                (v, p) = Proto.bytesAt(b, np);
                if (f == 1) m.quote = v;
                else if (f == 2) m.collateral = v;
                else m.operator_signature = v;
            } else {
                p = Proto.skip(b, np, wt);
            }
        }
    }

    function _decodeUpdateOperators(bytes memory b) private pure returns (UpdateOperatorsMessage memory m) {
        uint256 p = 0;
        uint256 no = 0;
        uint256 ns = 0;
        m.new_operators = new bytes[](_count(b, 2));
        m.signatures = new bytes[](_count(b, 5));
        while (p < b.length) {
            (uint256 f, uint256 wt, uint256 np) = Proto.key(b, p);
            if (f == 1 || f == 3 || f == 4) {
                if (wt != Proto.VARINT) revert LCPClientInvalidMessage();
                uint256 x;
                (x, p) = Proto.varint(b, np);
                if (f == 1) m.nonce = uint64(x);
                else if (f == 3) m.new_operators_threshold_numerator = uint64(x);
                else m.new_operators_threshold_denominator = uint64(x);
            } else if (f == 2 || f == 5) {
                if (wt != Proto.LEN) revert LCPClientInvalidMessage();
                bytes memory v;
                (v, p) = Proto.bytesAt(b, np);
                if (f == 2) m.new_operators[no++] = v;
                else m.signatures[ns++] = v;
            } else {
                p = Proto.skip(b, np, wt);
            }
        }
    }

    /// Number of occurrences of field f (any wire type is walked; callers check types).
    function _count(bytes memory b, uint256 field) private pure returns (uint256 n) {
        uint256 p = 0;
        while (p < b.length) {
            (uint256 f, uint256 wt, uint256 np) = Proto.key(b, p);
            if (f == field) n++;
            p = Proto.skip(b, np, wt);
        }
    }

    // ---- proxy messages (lcp-spec §3; UpdateState and STATE are read in place from calldata, see _updateState
    // and _verifyState; misbehaviour with abi.decode) ----

    struct HeaderedProxyMessage {
        bytes32 header;
        bytes message;
    }

    /// abi.encode(HeaderedProxyMessage) (a dynamic tuple: the encoding starts with its offset).
    function _decodeHeadered(bytes memory pm) private pure returns (bytes32 header, bytes memory body) {
        HeaderedProxyMessage memory h = abi.decode(pm, (HeaderedProxyMessage));
        return (h.header, h.message);
    }

    struct PrevState {
        HeightData height;
        bytes32 stateId;
    }

    struct MisbehaviourProxyMessage {
        PrevState[] prevStates;
        bytes context;
        bytes clientMessage;
    }

    /// UpdateState (lcp-spec §6.5) with the body (bd, bl: position and length in calldata) read in place under the
    /// C client's strict ABI rules. lcp-solidity's order of checks; returns from the call itself with the ABI
    /// encoding of Height.Data[] (empty, or the stored post height).
    function _updateState(Client storage c, uint256 head, uint256 bd, uint256 bl) private {
        mapping(uint128 => ConsensusState) storage csm = c.consensusStates;
        uint256 headSlot = _headSlot(c);
        uint256 err;
        assembly ("memory-safe") {
            // A `bytes` whose offset word is at hp (relative to base) must start at tail, end by end, pad with zeros.
            function cdbytes(base, hp, tail, end) -> ok, data, len, next {
                data := add(tail, 32)
                len := calldataload(tail)
                next := add(data, and(add(len, 31), not(31)))
                ok := and(and(eq(calldataload(hp), sub(tail, base)), lt(len, 0x100000000)), iszero(gt(next, end)))
                ok := and(ok, iszero(shr(shl(3, sub(32, and(sub(0, len), 31))), calldataload(add(data, len)))))
            }
            for {} 1 {} {
                // abi.encode(UpdateStateProxyMessage{Height prev; bytes32 prevStateId; Height post; bytes32
                // postStateId; uint128 timestamp; bytes context; EmittedState[] emittedStates})
                let end := add(bd, bl)
                if or(lt(bl, 320), iszero(eq(calldataload(bd), 0x20))) { err := 1 break }
                let base := add(bd, 32)
                let prn := calldataload(base)
                let prh := calldataload(add(base, 32))
                let rn := calldataload(add(base, 96))
                let rh := calldataload(add(base, 128))
                let ts := calldataload(add(base, 192))
                if or(or(or(gt(prn, U64), gt(prh, U64)), or(gt(rn, U64), gt(rh, U64))), gt(ts, 0xffffffffffffffffffffffffffffffff)) { err := 1 break }
                let ok, ctx, ctxLen, tail := cdbytes(base, add(base, 224), add(base, 288), end)
                if iszero(ok) { err := 1 break }
                if or(iszero(eq(calldataload(add(base, 256)), sub(tail, base))), gt(add(tail, 32), end)) { err := 1 break }
                let n := calldataload(tail)
                if gt(n, 0xffff) { err := 1 break }
                let a := add(tail, 32)
                tail := add(a, shl(5, n))
                if gt(tail, end) { err := 1 break }
                for { let i := 0 } lt(i, n) { i := add(i, 1) } {
                    // EmittedState{Height height; bytes state}: a dynamic tuple of three head words
                    // at e: revision_number, revision_height, 0x60 (the state's offset), the state's length, its data
                    let e := tail
                    let sl := calldataload(add(e, 96))
                    tail := add(add(e, 128), and(add(sl, 31), not(31)))
                    if or(
                        or(iszero(eq(calldataload(add(a, shl(5, i))), sub(e, a))), iszero(eq(calldataload(add(e, 64)), 0x60))),
                        or(or(gt(calldataload(e), U64), gt(calldataload(add(e, 32)), U64)), or(gt(sl, 0xffffffff), gt(tail, end)))
                    ) { err := 1 break }
                    let r := and(sl, 31)
                    if r { if shl(shl(3, r), calldataload(add(add(e, 128), sub(sl, r)))) { err := 1 break } }
                }
                if err { break }
                if iszero(eq(tail, end)) { err := 1 break }

                let lrn := and(shr(64, head), U64) // HEAD_LATEST_RN
                let lrh := and(shr(128, head), U64) // HEAD_LATEST_RH
                switch or(lrn, lrh)
                case 0 { if iszero(n) { err := 2 break } }
                default {
                    let prevId := calldataload(add(base, 64))
                    if or(iszero(prevId), iszero(or(prn, prh))) { err := 3 break }
                    mstore(0, or(shl(64, prn), prh))
                    mstore(0x20, csm.slot)
                    if iszero(eq(sload(keccak256(0, 0x40)), prevId)) { err := 4 break }
                }

                // ValidationContext (lcp-spec §3.3): abi.encode({bytes32 header; bytes context_bytes}), at
                // now = block.timestamp in ns
                // The only valid ones are type 0 with no bytes (128 bytes in all) and type 1 (TrustingPeriod) with
                // 64 (192 in all), so the canonical layout is checked word by word.
                let h := calldataload(add(ctx, 32))
                let cl := calldataload(add(ctx, 96))
                if or(or(iszero(eq(calldataload(ctx), 0x20)), iszero(eq(calldataload(add(ctx, 64)), 0x40))), and(h, sub(shl(240, 1), 1))) {
                    err := 5
                    break
                }
                switch shr(240, h)
                case 0 { if or(cl, iszero(eq(ctxLen, 128))) { err := 5 break } }
                case 1 {
                    if or(iszero(eq(cl, 64)), iszero(eq(ctxLen, 192))) { err := 5 break }
                    let tsw := calldataload(add(ctx, 128)) // untrusted << 128 | trusted
                    let params := calldataload(add(ctx, 160)) // trusting period << 128 | clock drift
                    let nowNs := mul(timestamp(), 1000000000)
                    if iszero(lt(nowNs, add(and(tsw, 0xffffffffffffffffffffffffffffffff), shr(128, params)))) { err := 6 break }
                    if iszero(gt(add(nowNs, and(params, 0xffffffffffffffffffffffffffffffff)), shr(128, tsw))) { err := 6 break }
                }
                default { err := 5 break }

                if or(iszero(ts), gt(ts, U64)) { err := 7 break }
                let postId := calldataload(add(base, 160))
                if iszero(postId) { err := 8 break }
                mstore(0, or(shl(64, rn), rh))
                mstore(0x20, csm.slot)
                let s := keccak256(0, 0x40)
                let p := mload(0x40)
                mstore(p, 0x20)
                // A stored consensus state has both a state id and a timestamp (both refused when zero above).
                let sid := sload(s)
                if sid {
                    if or(iszero(eq(sid, postId)), iszero(eq(sload(add(s, 1)), ts))) { err := 9 break }
                    mstore(add(p, 0x20), 0)
                    return(p, 0x40)
                }
                sstore(s, postId)
                sstore(add(s, 1), ts)
                if or(gt(rn, lrn), and(eq(rn, lrn), gt(rh, lrh))) {
                    sstore(headSlot, or(and(head, not(shl(64, 0xffffffffffffffffffffffffffffffff))), or(shl(64, rn), shl(128, rh))))
                }
                mstore(add(p, 0x20), 1)
                mstore(add(p, 0x40), rn)
                mstore(add(p, 0x60), rh)
                return(p, 0x80)
            }
        }
        if (err == 1) revert LCPClientInvalidMessage();
        if (err == 2) revert LCPClientUpdateStateEmittedStatesMustNotEmpty();
        if (err == 3) revert LCPClientUpdateStatePrevStateIdMustNotEmpty();
        if (err == 4) revert LCPClientUpdateStateUnexpectedPrevStateId();
        if (err == 5) revert LCPClientInvalidValidationContext();
        if (err == 6) revert LCPClientValidationContextExpired();
        if (err == 7) revert LCPClientConsensusStateInvalidTimestamp();
        if (err == 8) revert LCPClientConsensusStateInvalidStateId();
        revert LCPClientUpdateStateInconsistentConsensusState();
    }

    function _misbehaviour(Client storage c, bytes memory body) private {
        MisbehaviourProxyMessage memory m = abi.decode(body, (MisbehaviourProxyMessage));
        if (m.prevStates.length == 0) revert LCPClientMisbehaviourPrevStatesMustNotEmpty();
        for (uint256 i = 0; i < m.prevStates.length; i++) {
            if (m.prevStates[i].stateId == bytes32(0)) revert LCPClientUpdateStatePrevStateIdMustNotEmpty();
            if (c.consensusStates[_hkey(m.prevStates[i].height)].stateId != m.prevStates[i].stateId) {
                revert LCPClientUpdateStateUnexpectedPrevStateId();
            }
        }
        _validateContext(m.context);
        c.frozen = true;
    }

    /// ValidationContext (lcp-spec §3.3) at now = block.timestamp in ns.
    function _validateContext(bytes memory ctx) private view {
        (bytes32 header, bytes memory cb) = _decodeHeadered(ctx); // same shape: {bytes32 header; bytes context_bytes}
        uint256 typ = uint256(header) >> 240;
        if (uint256(header) & ((1 << 240) - 1) != 0) revert LCPClientInvalidValidationContext();
        if (typ == 0) {
            if (cb.length != 0) revert LCPClientInvalidValidationContext();
            return;
        }
        if (typ != 1 || cb.length != 64) revert LCPClientInvalidValidationContext();
        uint256 ts = uint256(_word(cb, 0));
        uint256 params = uint256(_word(cb, 32));
        uint256 untrusted = ts >> 128;
        uint256 trusted = ts & type(uint128).max;
        uint256 period = params >> 128;
        uint256 drift = params & type(uint128).max;
        uint256 now_ = block.timestamp * 1e9;
        if (now_ >= trusted + period) revert LCPClientValidationContextExpired();
        if (now_ + drift <= untrusted) revert LCPClientValidationContextExpired();
    }

    /// verify(Non)Membership (lcp-spec §6.6) with the proof read in place from calldata: the envelope
    /// (CommitmentProofs, unsigned) only in its canonical encoding, the proxy message under the C client's strict
    /// ABI rules. lcp-solidity's order of checks and errors; the client record is read only where an error needs it
    /// or the signature rule does.
    function _verifyState(
        string calldata clientId,
        HeightData calldata height,
        bytes calldata proof,
        bytes calldata prefix,
        bytes calldata path,
        bytes32 valueHash
    ) private view {
        Client storage c = clients[_cdKeccak(bytes(clientId))];
        mapping(uint128 => ConsensusState) storage csm = c.consensusStates;
        uint256 err;
        uint256 msgPos;
        uint256 msgLen;
        uint256 sigsHead;
        uint256 nSigs;
        assembly ("memory-safe") {
            // A `bytes` whose offset word is at hp (relative to base) must start at tail, end by end (data <= next
            // when len < 2^32), pad with zeros: the word at data+len starts with the (32 - len) mod 32 padding bytes
            // (none: a shift by 256 leaves zero).
            function cdbytes(base, hp, tail, end) -> ok, data, len, next {
                data := add(tail, 32)
                len := calldataload(tail)
                next := add(data, and(add(len, 31), not(31)))
                ok := and(and(eq(calldataload(hp), sub(tail, base)), lt(len, 0x100000000)), iszero(gt(next, end)))
                ok := and(ok, iszero(shr(shl(3, sub(32, and(sub(0, len), 31))), calldataload(add(data, len)))))
            }
            // whether calldata x..x+l equals y..y+l
            function cdeq(x, y, l) -> e {
                // up to 32 bytes (a prefix, most paths): one word each, compared on their first l bytes (l = 0: a
                // shift by 256 leaves zero on both sides)
                if lt(l, 33) {
                    let sh := shl(3, sub(32, l))
                    e := eq(shr(sh, calldataload(x)), shr(sh, calldataload(y)))
                    leave
                }
                e := 1
                let full := and(l, not(31))
                for { let i := 0 } lt(i, full) { i := add(i, 32) } {
                    if iszero(eq(calldataload(add(x, i)), calldataload(add(y, i)))) {
                        e := 0
                        break
                    }
                }
                let r := and(l, 31)
                if and(e, gt(r, 0)) {
                    let sh := shl(3, sub(32, r))
                    e := eq(shr(sh, calldataload(add(x, full))), shr(sh, calldataload(add(y, full))))
                }
            }
            for {} 1 {} {
                // abi.encode(CommitmentProofs{bytes message; bytes[] signatures})
                let p := proof.offset
                let end := add(p, proof.length)
                if or(lt(proof.length, 128), iszero(eq(calldataload(p), 0x20))) { err := 1 break }
                let base := add(p, 32)
                let ok, md, ml, tail := cdbytes(base, base, add(base, 64), end)
                if iszero(ok) { err := 1 break }
                if or(iszero(eq(calldataload(add(base, 32)), sub(tail, base))), gt(add(tail, 32), end)) { err := 1 break }
                let n := calldataload(tail)
                if gt(n, 0xffff) { err := 1 break }
                let a := add(tail, 32)
                tail := add(a, shl(5, n))
                if gt(tail, end) { err := 1 break }
                for { let i := 0 } lt(i, n) { i := add(i, 1) } {
                    let ok2, d2, l2, t2 := cdbytes(a, add(a, shl(5, i)), tail, end)
                    if iszero(ok2) { err := 1 break }
                    tail := t2
                }
                if err { break }
                if iszero(eq(tail, end)) { err := 1 break }
                msgPos := md
                msgLen := ml
                sigsHead := a
                nSigs := n
                // the signed proxy message: abi.encode(HeaderedProxyMessage{bytes32 header; bytes message})
                let mend := add(md, ml)
                if or(lt(ml, 128), iszero(eq(calldataload(md), 0x20))) { err := 1 break }
                let mbase := add(md, 32)
                let ok3, bd, bl, t3 := cdbytes(mbase, add(mbase, 32), add(mbase, 64), mend)
                if or(iszero(ok3), iszero(eq(t3, mend))) { err := 1 break }
                // HEADER_STATE
                if iszero(eq(calldataload(mbase), 0x0001000200000000000000000000000000000000000000000000000000000000)) { err := 2 break }
                // abi.encode(VerifyMembershipProxyMessage{bytes prefix; bytes path; bytes32 value; Height height;
                // bytes32 stateId})
                let bend := add(bd, bl)
                if or(lt(bl, 224), iszero(eq(calldataload(bd), 0x20))) { err := 1 break }
                let bb := add(bd, 32)
                let ok4, pfd, pfl, t4 := cdbytes(bb, bb, add(bb, 192), bend)
                if iszero(ok4) { err := 1 break }
                let ok5, ptd, ptl, t5 := cdbytes(bb, add(bb, 32), t4, bend)
                if or(iszero(ok5), iszero(eq(t5, bend))) { err := 1 break }
                let rn := calldataload(add(bb, 96))
                let rh := calldataload(add(bb, 128))
                if or(gt(rn, U64), gt(rh, U64)) { err := 1 break }
                mstore(0, or(shl(64, rn), rh))
                mstore(0x20, csm.slot)
                let stored := sload(keccak256(0, 0x40))
                if iszero(stored) { err := 3 break }
                if or(iszero(eq(calldataload(height), rn)), iszero(eq(calldataload(add(height, 32)), rh))) { err := 4 break }
                if or(iszero(eq(prefix.length, pfl)), iszero(cdeq(prefix.offset, pfd, pfl))) { err := 5 break }
                if or(iszero(eq(path.length, ptl)), iszero(cdeq(path.offset, ptd, ptl))) { err := 6 break }
                if iszero(eq(stored, calldataload(add(bb, 160)))) { err := 7 break }
                if iszero(eq(valueHash, calldataload(add(bb, 64)))) { err := 8 break }
                break
            }
        }
        if (err != 0) {
            if (err <= 3) _requireClient(c); // decoding and a missing consensus state: the unknown client first
            if (err == 1) revert LCPClientInvalidMessage();
            if (err == 2) revert LCPClientUnknownProxyMessageHeader();
            if (err == 3) revert LCPClientConsensusStateNotFound();
            if (err == 4) revert LCPClientMembershipVerificationInvalidHeight();
            if (err == 5) revert LCPClientMembershipVerificationInvalidPrefix();
            if (err == 6) revert LCPClientMembershipVerificationInvalidPath();
            if (err == 7) revert LCPClientMembershipVerificationInvalidStateId();
            revert LCPClientMembershipVerificationInvalidValue();
        }
        bytes32 digest;
        mapping(address => EKInfo) storage ekm = c.enclaveKeys;
        assembly ("memory-safe") {
            let m := mload(0x40)
            calldatacopy(m, msgPos, msgLen)
            digest := keccak256(m, msgLen)
            // One 65-byte r||s||v signature (v 0/1/27/28, low s: what _recover takes): its signer decides alone when
            // its record says it was registered with a client without operators (which it then never has: creation
            // fixes it, updateOperators needs operators and keeps at least one) and it has not expired; the call
            // then returns true from here. Anything else takes the general rule below, which reads the client and
            // gives its errors.
            if eq(nSigs, 1) {
                let sp := add(sigsHead, calldataload(sigsHead))
                let v := byte(0, calldataload(add(sp, 96)))
                if lt(v, 27) { v := add(v, 27) }
                let s := calldataload(add(sp, 64))
                // SECP256K1_HALF_N
                if and(
                    and(eq(calldataload(sp), 65), or(eq(v, 27), eq(v, 28))),
                    iszero(gt(s, 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0))
                ) {
                    mstore(m, digest)
                    mstore(add(m, 0x20), v)
                    mstore(add(m, 0x40), calldataload(add(sp, 32)))
                    mstore(add(m, 0x60), s)
                    mstore(0, 0) // stays zero when the precompile returns nothing (no signer)
                    if staticcall(gas(), 1, m, 0x80, 0, 0x20) {
                        // the signer at 0 is the first half of its record's key: keccak256(ek . enclaveKeys slot);
                        // EKInfo{uint64 expiredAt; address operator; bool noOperators} in one word
                        if mload(0) {
                            mstore(0x20, ekm.slot)
                            let w := sload(keccak256(0, 0x40))
                            if and(iszero(iszero(byte(3, w))), gt(and(w, U64), timestamp())) {
                                mstore(0, 1)
                                return(0, 0x20)
                            }
                        }
                    }
                }
            }
        }
        bytes[] calldata sigs;
        assembly ("memory-safe") {
            sigs.offset := sigsHead
            sigs.length := nSigs
        }
        _verifySignatures(c, _operatorCount(c), digest, sigs);
    }

    uint256 private constant U64 = 0xffffffffffffffff;

    /// The signer of the 65-byte r||s||v signature at calldata position sp (v 0/1/27/28), zero for what _recover
    /// refuses (high s, bad v, no recovery).
    function _ecrecover65(bytes32 d, uint256 sp) private view returns (address signer) {
        assembly ("memory-safe") {
            let v := byte(0, calldataload(add(sp, 64)))
            if lt(v, 27) { v := add(v, 27) }
            let s := calldataload(add(sp, 32))
            // SECP256K1_HALF_N
            if and(or(eq(v, 27), eq(v, 28)), iszero(gt(s, 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0))) {
                let m := mload(0x40)
                mstore(m, d)
                mstore(add(m, 0x20), v)
                mstore(add(m, 0x40), calldataload(sp))
                mstore(add(m, 0x60), s)
                if staticcall(gas(), 1, m, 0x80, m, 0x20) { if eq(returndatasize(), 0x20) { signer := mload(m) } }
            }
        }
    }

    /// abi.encode(HeaderedProxyMessage{bytes32 header; bytes message}) at p..p+len, strictly: the header and the
    /// inner bytes' position.
    function _readHeadered(uint256 p, uint256 len) private pure returns (bool ok, bytes32 header, uint256 bd, uint256 bl) {
        assembly ("memory-safe") {
            let end := add(p, len)
            let base := add(p, 32)
            header := calldataload(base)
            bd := add(base, 96)
            bl := calldataload(add(base, 64))
            let next := add(bd, and(add(bl, 31), not(31)))
            ok := and(and(iszero(lt(len, 128)), eq(calldataload(p), 0x20)), eq(calldataload(add(base, 32)), 0x40))
            ok := and(ok, and(lt(bl, 0x100000000), eq(next, end)))
            let r := and(bl, 31)
            if and(ok, gt(r, 0)) { ok := iszero(shl(shl(3, r), calldataload(add(bd, sub(bl, r))))) }
        }
    }

    function _cdPos(bytes calldata b) private pure returns (uint256 p) {
        assembly ("memory-safe") {
            p := b.offset
        }
    }

    function _cdKeccak(bytes calldata b) private pure returns (bytes32 h) {
        assembly ("memory-safe") {
            let p := mload(0x40)
            calldatacopy(p, b.offset, b.length)
            h := keccak256(p, b.length)
        }
    }

    // ---- storage words read directly (the layout of Client's second slot and of EKInfo, see the structs) ----

    uint256 private constant HEAD_LATEST_RN = 64;
    uint256 private constant HEAD_LATEST_RH = 128;
    uint256 private constant HEAD_FROZEN = 192;
    uint256 private constant HEAD_EXISTS = 200;
    uint256 private constant HEAD_OPERATORS = 208;

    function _headSlot(Client storage c) private view returns (uint256 s) {
        assembly ("memory-safe") {
            s := add(c.slot, 1)
        }
    }

    function _head(Client storage c) private view returns (uint256 w) {
        assembly ("memory-safe") {
            w := sload(add(c.slot, 1))
        }
    }

    function _operatorCount(Client storage c) private view returns (uint256) {
        return (_head(c) >> HEAD_OPERATORS) & 0xff;
    }

    function _requireClient(Client storage c) private view {
        if ((_head(c) >> HEAD_EXISTS) & 0xff == 0) revert LCPClientClientStateNotFound();
    }

    function _ekWord(Client storage c, address ek) private view returns (uint256 w) {
        mapping(address => EKInfo) storage m = c.enclaveKeys;
        assembly ("memory-safe") {
            mstore(0, ek)
            mstore(0x20, m.slot)
            w := sload(keccak256(0, 0x40))
        }
    }

    // ---- signatures ----

    /// secp256k1 recovery of a 65-byte r||s||v signature (v 0/1/27/28); high s and invalid signatures revert.
    function _recover(bytes32 digest, bytes calldata sig) private view returns (address a) {
        if (sig.length != 65) revert LCPClientInvalidSignature();
        a = _ecrecover65(digest, _cdPos(sig));
        if (a == address(0)) revert LCPClientInvalidSignature();
    }

    /// The key's record if it is registered and not expired.
    function _activeKey(Client storage c, address ek) private view returns (uint256 w) {
        w = _ekWord(c, ek);
        uint256 expiredAt = w & U64;
        if (expiredAt == 0) revert LCPClientEnclaveKeyNotExist();
        if (expiredAt <= block.timestamp) revert LCPClientEnclaveKeyExpired();
    }

    /// lcp-spec §6.5: without operators one signature by an active key; with n operators, signature i (if
    /// present) by an active key of operator i, and enough of them for the threshold.
    function _verifySignatures(Client storage c, uint256 n, bytes32 digest, bytes[] calldata sigs) private view {
        if (n == 0) {
            if (sigs.length != 1) revert LCPClientInvalidSignaturesLength();
            _activeKey(c, _recover(digest, sigs[0]));
            return;
        }
        if (sigs.length != n) revert LCPClientInvalidSignaturesLength();
        uint256 success = 0;
        for (uint256 i = 0; i < n; i++) {
            if (sigs[i].length == 0) continue;
            address operator = address(uint160(_activeKey(c, _recover(digest, sigs[i])) >> 64));
            if (operator != c.operators[i]) revert LCPClientEnclaveKeyUnexpectedOperator(c.operators[i], operator);
            success++;
        }
        if (success * c.thresholdDenominator < uint256(c.thresholdNumerator) * n) {
            revert LCPClientOperatorSignaturesInsufficient(success);
        }
    }

    function _operatorsDomain() private view returns (bytes32) {
        return keccak256(
            abi.encode(DOMAIN_TYPEHASH, keccak256("LCPClient"), keccak256("1"), block.chainid, address(this), CHAIN_TYPE_EVM_SALT)
        );
    }

    function _checkOperators(address[] memory ops, uint256 num, uint256 den) private pure {
        for (uint256 i = 0; i < ops.length; i++) {
            if (ops[i] == address(0)) revert LCPClientClientStateInvalidOperatorAddress();
            if (i > 0 && uint160(ops[i]) <= uint160(ops[i - 1])) revert LCPClientOperatorsInvalidOrder(ops[i - 1], ops[i]);
        }
        if (num == 0 || den == 0 || num > den) revert LCPClientClientStateInvalidOperatorsThreshold();
    }

    // ---- registration ----

    /// The operator of a new key: recovered from the EIP-712 signature (zero without one); it must equal the
    /// operator the enclave named, and (C client's rule, also for IAS) be one of the client's operators when the
    /// client has operators.
    function _registrationOperator(Client storage c, bytes32 structHash, bytes calldata sig, address named, bool dcap)
        private
        view
        returns (address operator)
    {
        if (sig.length != 0) {
            operator = _recover(keccak256(abi.encodePacked(hex"1901", DOMAIN_SEPARATOR_LCP_CLIENT, structHash)), sig);
        }
        if (named != address(0) && named != operator) {
            if (dcap) revert LCPClientDCAPOutputReportUnexpectedOperator(operator, named);
            revert LCPClientAVRUnexpectedOperator(operator, named);
        }
        uint256 n = c.operators.length;
        if (n > 0) {
            bool listed = false;
            for (uint256 i = 0; i < n && !listed; i++) listed = c.operators[i] == operator;
            if (!listed) {
                if (dcap) revert LCPClientDCAPInvalidOperator();
                revert LCPClientAVRUnexpectedOperator(operator, named);
            }
        }
    }

    /// Stores the key unless registered already, in which case operator and expiry must match. Returns whether it
    /// was new.
    function _register(Client storage c, address ek, uint64 expiredAt, address operator) private returns (bool) {
        EKInfo storage e = c.enclaveKeys[ek];
        if (e.expiredAt != 0) {
            if (e.operator != operator) revert LCPClientEnclaveKeyUnexpectedOperator(e.operator, operator);
            if (e.expiredAt != expiredAt) revert LCPClientEnclaveKeyUnexpectedExpiredAt(e.expiredAt, expiredAt);
            return false;
        }
        e.expiredAt = expiredAt;
        e.operator = operator;
        e.noOperators = c.operatorCount == 0;
        return true;
    }

    bytes32 private constant STATUS_OK = keccak256("OK");

    /// Whether the allow-list blob holds an entry of the field equal to s.
    function _listed(bytes memory lists, uint256 field, bytes memory s) private pure returns (bool) {
        bytes32 h = keccak256(s);
        uint256 p = 0;
        while (p < lists.length) {
            (uint256 f,, uint256 np) = Proto.key(lists, p);
            (uint256 st, uint256 l, uint256 np2) = Proto.lenDelim(lists, np);
            if (f == field && l == s.length) {
                bytes32 eh;
                assembly ("memory-safe") {
                    eh := keccak256(add(add(lists, 32), st), l)
                }
                if (eh == h) return true;
            }
            p = np2;
        }
        return false;
    }

    function _checkQuoteStatus(Client storage c, IAS.Report memory r) private view {
        bytes32 st = keccak256(r.status);
        if (st == STATUS_OK) return;
        bytes memory lists = c.allowLists;
        if (!_listed(lists, 5, r.status)) revert LCPClientAVRDisallowedQuoteStatus();
        if (
            st == keccak256("GROUP_OUT_OF_DATE") || st == keccak256("CONFIGURATION_NEEDED") || st == keccak256("SW_HARDENING_NEEDED")
                || st == keccak256("CONFIGURATION_AND_SW_HARDENING_NEEDED")
        ) {
            for (uint256 i = 0; i < r.advisories.length; i++) {
                if (!_listed(lists, 6, r.advisories[i])) revert LCPClientAVRDisallowedAdvisoryID();
            }
        }
    }

    // ---- DCAP policy (zkDCAP path, lcp-spec §6.4; C client register_dcap.c) ----

    function _checkDCAPOutput(Client storage c, IDCAPVerifier.Output memory out) private view {
        if (out.mrenclave != c.mrenclave) revert LCPClientClientStateUnexpectedMrenclave();
        bytes memory status = bytes(out.tcbStatus);
        bytes32 sh = keccak256(status);
        // Revoked is never accepted (C client), whatever the list says.
        bytes memory lists = c.allowLists;
        if (sh == keccak256("Revoked") || (sh != keccak256("UpToDate") && !_listed(lists, 5, status))) {
            revert LCPClientDCAPDisallowedTCBStatus();
        }
        for (uint256 i = 0; i < out.advisoryIds.length; i++) {
            if (!_listed(lists, 6, bytes(out.advisoryIds[i]))) revert LCPClientDCAPDisallowedAdvisoryID();
        }
        if (block.timestamp < out.notBefore || block.timestamp > out.notAfter) revert LCPClientDCAPOutputNotValid();
        if (out.debug != developmentMode) revert LCPClientDCAPUnexpectedEnclaveDebugMode();
    }

    function _dcapExpiry(Client storage c, IDCAPVerifier.Output memory out) private view returns (uint64) {
        uint256 max = uint256(out.notAfter) + 1;
        uint256 at = max;
        if (c.keyExpiration != 0 && c.keyExpiration < max - out.notBefore) at = uint256(out.notBefore) + c.keyExpiration;
        if (at <= block.timestamp) revert LCPClientEnclaveKeyExpired();
        return uint64(at);
    }

    function _tcbEvaluationNumber(Client storage c, string calldata clientId, uint32 out) private {
        uint32 cur = c.currentTcbEvaluationDataNumber;
        uint32 next = c.nextTcbEvaluationDataNumber;
        uint64 nextTime = c.nextTcbEvaluationDataNumberUpdateTime;
        bool curChanged = false;
        bool nextChanged = false;
        if (next != 0 && block.timestamp >= nextTime) {
            cur = next;
            next = 0;
            nextTime = 0;
            curChanged = true;
            nextChanged = true;
        }
        if (out < cur) revert LCPClientDCAPUnexpectedTcbEvaluationDataNumber(cur);
        if (out > cur) {
            uint32 grace = c.tcbEvaluationDataNumberUpdateGracePeriod;
            if (grace == 0) {
                if (next != 0) revert LCPClientDCAPUnexpectedTcbEvaluationDataNumber(cur);
                cur = out;
                curChanged = true;
            } else if (next == 0) {
                next = out;
                nextTime = uint64(block.timestamp + grace);
                nextChanged = true;
            } else if (out > next) {
                cur = next;
                next = out;
                nextTime = uint64(block.timestamp + grace);
                curChanged = true;
                nextChanged = true;
            } else if (out < next) {
                cur = out;
                curChanged = true;
            }
        }
        if (curChanged) {
            c.currentTcbEvaluationDataNumber = cur;
            emit LCPClientZKDCAPUpdateCurrentTcbEvaluationDataNumber(clientId, cur);
        }
        if (nextChanged) {
            c.nextTcbEvaluationDataNumber = next;
            c.nextTcbEvaluationDataNumberUpdateTime = nextTime;
            if (next != 0) emit LCPClientZKDCAPUpdateNextTcbEvaluationDataNumber(clientId, next);
        }
    }
}
