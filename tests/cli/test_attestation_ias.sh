#!/bin/sh
# `lcp attestation verify-ias` end to end: a real Intel report and a simulated one print the expected JSON; a
# tampered report, the wrong root, an expired verification time and usage errors fail with one error line.
# Run by mk/run-tests.sh from the project root with LCP_BIN set to the binary under test.
set -u
LCP_BIN=${LCP_BIN:-build/rel/bin/lcp}
TD=${LCP_TESTDATA:-$(cd "$(dirname "$0")/../../../shared/testdata" && pwd)}
SOL=$TD/lcp/lcp-solidity
INTEL=$SOL/certs/Intel_SGX_Attestation_RootCA.der
SIM=$SOL/certs/simulation_rootca.der
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

# check_json FILE 'js expression over o' — the expression must be true for the parsed output.
check_json() {
    node -e '
        const o = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
        if (!(eval(process.argv[2]))) { console.error("output:", JSON.stringify(o)); process.exit(1); }
    ' "$1" "$2" || fail "check failed: $2"
}

# expect_error NAME CMD...: must exit non-zero with exactly one "lcp: error:" line on stderr and nothing on stdout.
expect_error() {
    name=$1; shift
    if "$@" >"$tmp/out" 2>"$tmp/err"; then fail "$name: exit 0"; return; fi
    [ "$(grep -c '^lcp: error: ' "$tmp/err")" -eq 1 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] || fail "$name: stderr: $(cat "$tmp/err")"
    [ -s "$tmp/out" ] && fail "$name: printed on stdout"
    return 0
}

# 1. Real Intel report (GROUP_OUT_OF_DATE, debug) at its own timestamp.
if "$LCP_BIN" attestation verify-ias --report "$SOL/client/01/001-avr" --root "$INTEL" --time 1718463245 \
    >"$tmp/real.json" 2>"$tmp/err"; then
    check_json "$tmp/real.json" 'o.status === "GROUP_OUT_OF_DATE" && o.advisory_ids.length === 8 &&
        o.advisory_ids[0] === "INTEL-SA-00219" && o.advisory_ids[7] === "INTEL-SA-00828" &&
        o.mrenclave === "0xd5097b7629c003c1ff46581a46401d43f441dab919340172896ce9d50a35f0ad" &&
        o.enclave_key === "0x836fec0cc99ed0242ed02fbaab648652b2372e41" &&
        o.operator === "0x0000000000000000000000000000000000000000" && o.debug === true &&
        o.timestamp === 1718463245 && o.version === 4 && o.verified_at === 1718463245'
else
    fail "real report rejected: $(cat "$tmp/err")"
fi

# 2. Simulated report with an operator (status OK), root given as PEM (converted from the DER fixture).
openssl x509 -inform der -in "$SIM" -out "$tmp/sim.pem" 2>/dev/null || fail "openssl cannot convert the root"
OPR="$SOL/reports/valid/operator_0xc1eae5EF781f4EE5867eC6725630E7dC17fa3436"
if "$LCP_BIN" attestation verify-ias --report "$OPR" --root "$tmp/sim.pem" --time 1718894989 \
    >"$tmp/sim.json" 2>"$tmp/err"; then
    check_json "$tmp/sim.json" 'o.status === "OK" && Array.isArray(o.advisory_ids) && o.advisory_ids.length === 0 &&
        o.mrenclave === "0x3280c08e19b54d15ca925e0a6c13fedaff2aff6c097f93841abd8d9e1a3072b8" &&
        o.enclave_key === "0x84d796b05cabdfd279d5c5621947a637b09fb242" &&
        o.operator === "0xc1eae5ef781f4ee5867ec6725630e7dc17fa3436" && o.debug === true &&
        o.timestamp === 1718894989 && o.version === 4'
else
    fail "simulated report rejected: $(cat "$tmp/err")"
fi
# Default time (now) is inside the simulation certificates' validity (until 2050).
"$LCP_BIN" attestation verify-ias --report "$SOL/client/02/001-avr" --root "$SIM" >"$tmp/now.json" 2>"$tmp/err" ||
    fail "simulated report at the current time: $(cat "$tmp/err")"

# 3. Tampered report: one character of the signed text changed (the status).
sed 's/GROUP_OUT_OF_DATE/GROUP_OUT_OF_DATF/' "$SOL/client/01/001-avr" >"$tmp/tampered"
cmp -s "$tmp/tampered" "$SOL/client/01/001-avr" && fail "sed did not tamper"
expect_error tampered "$LCP_BIN" attestation verify-ias --report "$tmp/tampered" --root "$INTEL" --time 1718463245
grep -q 'SIGNATURE' "$tmp/err" || fail "tampered: not a signature error: $(cat "$tmp/err")"
# The invalid fixture (wrong signature) likewise.
expect_error invalid "$LCP_BIN" attestation verify-ias --report "$SOL/reports/invalid/001-avr" --root "$INTEL" \
    --time 1718463245

# 4. Wrong roots, and a time after the Intel signing certificate's expiry.
expect_error wrong-root-real "$LCP_BIN" attestation verify-ias --report "$SOL/client/01/001-avr" --root "$SIM" \
    --time 1718463245
grep -q 'ATTESTATION_CERT' "$tmp/err" || fail "wrong root: not a certificate error: $(cat "$tmp/err")"
expect_error wrong-root-sim "$LCP_BIN" attestation verify-ias --report "$SOL/client/02/001-avr" --root "$INTEL" \
    --time 1718461090
expect_error expired "$LCP_BIN" attestation verify-ias --report "$SOL/client/01/001-avr" --root "$INTEL" \
    --time 1795167419
grep -q 'EXPIRED' "$tmp/err" || fail "expired: $(cat "$tmp/err")"
printf 'garbage' >"$tmp/garbage.der"
expect_error garbage-root "$LCP_BIN" attestation verify-ias --report "$SOL/client/01/001-avr" --root "$tmp/garbage.der" \
    --time 1718463245
expect_error not-json "$LCP_BIN" attestation verify-ias --report "$INTEL" --root "$INTEL"

# 5. Usage: missing options exit 2; --help exits 0 and explains.
"$LCP_BIN" attestation verify-ias --root "$INTEL" >/dev/null 2>&1
[ $? -eq 2 ] || fail "missing --report should exit 2"
"$LCP_BIN" attestation verify-ias --report x --root y --time soon >/dev/null 2>&1
[ $? -eq 2 ] || fail "bad --time should exit 2"
"$LCP_BIN" attestation verify-ias --help >"$tmp/help" 2>&1 || fail "--help failed"
grep -q -- '--root CERT' "$tmp/help" || fail "--help does not describe --root"
"$LCP_BIN" attestation --help | grep -q 'verify-ias' || fail "group help does not list verify-ias"

[ "$fails" -eq 0 ] && echo "cli/attestation verify-ias: all checks passed"
[ "$fails" -eq 0 ]
