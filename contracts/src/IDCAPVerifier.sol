// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

/// The DCAP quote verifier the LCP client calls: it holds collateral verified against a pinned root and verifies a
/// quote v3 against it, returning what the zkDCAP proof's public output carries (lcp-spec §5.4), with no policy.
interface IDCAPVerifier {
    struct Output {
        string tcbStatus; // Intel's convergence of platform and QE status ("UpToDate", "SWHardeningNeeded", ...)
        string[] advisoryIds; // platform ∪ QE advisory IDs
        uint32 tcbEvaluationDataNumber; // min(TCB Info, QE Identity)
        uint64 notBefore; // intersection of every collateral item's and certificate's validity
        uint64 notAfter;
        bytes32 mrenclave;
        bool debug;
    }

    /// Verifies quote (SGX DCAP v3) at block.timestamp; collateral must be empty (collateral is uploaded to the
    /// verifier beforehand). Reverts on any failure.
    function verifyQuote(bytes calldata quote, bytes calldata collateral) external view returns (Output memory);
}
