#!/bin/sh
# `lcp attestation verify` (DCAP) end to end on the real and published data of shared/testdata/dcap (expected
# results and times from its PROVENANCE.md): Phala's real quote, Automata's debug quote, Intel QVL's synthetic set
# under its test root, a TDX quote; policy options, expired collateral, tampering and usage errors.
# Run by mk/run-tests.sh from the project root with LCP_BIN set to the binary under test.
set -u
LCP_BIN=${LCP_BIN:-build/rel/bin/lcp}
TD=${LCP_TESTDATA:-$(cd "$(dirname "$0")/../../../shared/testdata" && pwd)}
D=$TD/dcap
Q=$D/phala_sgx_v3/quote.bin
C=$D/phala_sgx_v3/collateral.json
NOW=1752919277
ALLOW="--allowed_statuses ConfigurationAndSWHardeningNeeded --allowed_advisory_ids INTEL-SA-00289,INTEL-SA-00615"
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

# expect_error NAME CODE NEEDLE CMD...: exit CODE, exactly one "lcp: error:" line on stderr mentioning NEEDLE,
# nothing on stdout.
expect_error() {
    name=$1; code=$2; needle=$3; shift 3
    "$@" >"$tmp/out" 2>"$tmp/err"
    rc=$?
    [ "$rc" -eq "$code" ] || { fail "$name: exit $rc, want $code ($(cat "$tmp/err"))"; return; }
    [ "$(grep -c '^lcp: error: ' "$tmp/err")" -eq 1 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] ||
        fail "$name: stderr: $(cat "$tmp/err")"
    grep -q -- "$needle" "$tmp/err" || fail "$name: error does not mention '$needle': $(cat "$tmp/err")"
    [ -s "$tmp/out" ] && fail "$name: printed on stdout"
    return 0
}

# 1. Phala's real quote, allowed by policy: the full output.
# shellcheck disable=SC2086
if "$LCP_BIN" attestation verify --quote "$Q" --collateral "$C" --time $NOW $ALLOW >"$tmp/p.json" 2>"$tmp/err"; then
    check_json "$tmp/p.json" 'o.status === "ConfigurationAndSWHardeningNeeded" &&
        JSON.stringify(o.advisory_ids) === JSON.stringify(["INTEL-SA-00289", "INTEL-SA-00615"]) &&
        o.mrenclave === "0x33d8736db756ed4997e04ba358d27833188f1932ff7b1d156904d3f560452fbb" &&
        o.mrsigner === "0x815f42f11cf64430c30bab7816ba596a1da0130c3b028b673133a66cf9a3e0e6" &&
        o.report_data === "0x" + Buffer.from("Hello, world!").toString("hex") + "00".repeat(51) &&
        o.debug === false && o.fmspc === "0x00a067110000" && o.tcb_evaluation_data_number === 17 &&
        o.valid_from === 1750330571 && o.valid_to === 1752919278 && o.qe_status === "UpToDate" &&
        o.verified_at === 1752919277'
else
    fail "phala quote rejected: $(cat "$tmp/err")"
fi
# The same with the root given explicitly (DER, then PEM), the quote as hex text, MRENCLAVE pinned.
node -e 'process.stdout.write(require("fs").readFileSync(process.argv[1]).toString("hex"))' "$Q" >"$tmp/q.hex"
# shellcheck disable=SC2086
"$LCP_BIN" attestation verify --quote "$tmp/q.hex" --collateral "$C" --time $NOW $ALLOW \
    --root "$D/roots/intel_sgx_root_ca.der" --mrenclave 33d8736db756ed4997e04ba358d27833188f1932ff7b1d156904d3f560452fbb \
    >"$tmp/p2.json" 2>"$tmp/err" || fail "explicit root / hex quote / mrenclave: $(cat "$tmp/err")"
cmp -s "$tmp/p.json" "$tmp/p2.json" || fail "explicit root gives a different result"
# shellcheck disable=SC2086
"$LCP_BIN" attestation verify --quote "$Q" --collateral "$C" --time $NOW $ALLOW --root "$D/roots/intel_sgx_root_ca.pem" \
    >/dev/null 2>"$tmp/err" || fail "PEM root: $(cat "$tmp/err")"

# 2. Policy refusals, one per rule.
expect_error "default policy" 1 "ConfigurationAndSWHardeningNeeded is not allowed" \
    "$LCP_BIN" attestation verify --quote "$Q" --collateral "$C" --time $NOW
expect_error "advisory not allowed" 1 "INTEL-SA-00615" "$LCP_BIN" attestation verify --quote "$Q" --collateral "$C" \
    --time $NOW --allowed_statuses ConfigurationAndSWHardeningNeeded --allowed_advisory_ids INTEL-SA-00289
# shellcheck disable=SC2086
expect_error "wrong mrenclave" 1 "MRENCLAVE" "$LCP_BIN" attestation verify --quote "$Q" --collateral "$C" --time $NOW \
    $ALLOW --mrenclave 0000000000000000000000000000000000000000000000000000000000000000
# shellcheck disable=SC2086
expect_error "min eval number" 1 "evaluation data number 17" "$LCP_BIN" attestation verify --quote "$Q" \
    --collateral "$C" --time $NOW $ALLOW --min_tcb_evaluation_data_number 18

# 3. Automata's debug-enclave quote: refused unless debug is allowed.
A=$D/automata_sgx_v3_debug/quote.bin
# shellcheck disable=SC2086
expect_error "debug refused" 1 "debug" "$LCP_BIN" attestation verify --quote "$A" --collateral "$C" --time $NOW $ALLOW
# shellcheck disable=SC2086
if "$LCP_BIN" attestation verify --quote "$A" --collateral "$C" --time $NOW $ALLOW --allow_debug \
    >"$tmp/a.json" 2>"$tmp/err"; then
    check_json "$tmp/a.json" 'o.debug === true && o.status === "ConfigurationAndSWHardeningNeeded" &&
        o.mrenclave.startsWith("0xa39d532e") && o.advisory_ids.length === 2'
else
    fail "debug quote with --allow_debug: $(cat "$tmp/err")"
fi

# A flag takes no value: "--allow_debug=false" is a usage error, never a quiet "allow debug".
# shellcheck disable=SC2086
expect_error "flag with a value" 2 "takes no value" "$LCP_BIN" attestation verify --quote "$A" --collateral "$C" \
    --time $NOW $ALLOW --allow_debug=false

# 4. Time: one second after the QE Identity's nextUpdate, and before the TCB Info was issued.
# shellcheck disable=SC2086
expect_error "expired" 1 "QE Identity is not valid at 2025-07-19T10:01:19Z" "$LCP_BIN" attestation verify \
    --quote "$Q" --collateral "$C" --time 1752919279 $ALLOW
# shellcheck disable=SC2086
expect_error "not yet issued" 1 "TCB Info is not valid" "$LCP_BIN" attestation verify --quote "$Q" \
    --collateral "$C" --time 1750330570 $ALLOW
# Today's clock (the default) is long past this collateral's nextUpdate.
# shellcheck disable=SC2086
expect_error "default time" 1 "not valid at" "$LCP_BIN" attestation verify --quote "$Q" --collateral "$C" $ALLOW

# 5. Tampering: a byte of the enclave's report data, a byte of the TCB Info inside the collateral.
node -e 'const fs=require("fs"); const b=fs.readFileSync(process.argv[1]); b[400]^=1; fs.writeFileSync(process.argv[2], b)' \
    "$Q" "$tmp/bad.bin"
# shellcheck disable=SC2086
expect_error "tampered quote" 1 "ISV enclave report" "$LCP_BIN" attestation verify --quote "$tmp/bad.bin" \
    --collateral "$C" --time $NOW $ALLOW
node -e 'const fs=require("fs"); const c=JSON.parse(fs.readFileSync(process.argv[1],"utf8"));
    c.tcb_info=c.tcb_info.replace("\"tcbEvaluationDataNumber\":17","\"tcbEvaluationDataNumber\":18");
    fs.writeFileSync(process.argv[2], JSON.stringify(c))' "$C" "$tmp/bad.json"
# shellcheck disable=SC2086
expect_error "tampered TCB Info" 1 "TCB Info: signature" "$LCP_BIN" attestation verify --quote "$Q" \
    --collateral "$tmp/bad.json" --time $NOW $ALLOW

# 6. Intel QVL's synthetic set (separate PCS files) assembled into the one-file layout: UpToDate under its test
# root with the PCK certificate given separately; refused under the built-in production root.
S=$D/intel_qvl_synthetic_v3
node -e '
    const fs = require("fs"), d = process.argv[1];
    const body = (f, m) => { const t = fs.readFileSync(d + "/" + f, "utf8");
        const s = t.indexOf("{", t.indexOf("\"" + m + "\":")), e = t.lastIndexOf(",\"signature\":");
        return [t.slice(s, e), JSON.parse(t).signature]; };
    const [tcb, tsig] = body("tcbInfo.json", "tcbInfo"), [qe, qsig] = body("qeIdentity.json", "enclaveIdentity");
    const chain = fs.readFileSync(d + "/tcbSignChain.pem", "utf8");
    fs.writeFileSync(process.argv[2], JSON.stringify({
        pck_crl_issuer_chain: fs.readFileSync(d + "/pckSignChain.pem", "utf8"),
        root_ca_crl: fs.readFileSync(d + "/rootCaCrl.der").toString("hex"),
        pck_crl: fs.readFileSync(d + "/intermediateCaCrl.der").toString("hex"),
        tcb_info_issuer_chain: chain, tcb_info: tcb, tcb_info_signature: tsig,
        qe_identity_issuer_chain: chain, qe_identity: qe, qe_identity_signature: qsig }));
' "$S" "$tmp/synth.json"
if "$LCP_BIN" attestation verify --quote "$S/quote.dat" --collateral "$tmp/synth.json" --time 1577836800 \
    --root "$S/trustedRootCaCert.pem" --pck_cert "$S/pckCert.pem" >"$tmp/s.json" 2>"$tmp/err"; then
    check_json "$tmp/s.json" 'o.status === "UpToDate" && o.advisory_ids.length === 0 && o.fmspc === "0x00707f000000"'
else
    fail "synthetic set under its test root: $(cat "$tmp/err")"
fi
expect_error "synthetic, production root" 1 "Root CA CRL" "$LCP_BIN" attestation verify --quote "$S/quote.dat" \
    --collateral "$tmp/synth.json" --time 1577836800 --pck_cert "$S/pckCert.pem"
expect_error "synthetic, no PCK cert" 1 "supply it" "$LCP_BIN" attestation verify --quote "$S/quote.dat" \
    --collateral "$tmp/synth.json" --time 1577836800 --root "$S/trustedRootCaCert.pem"

# 7. A TDX quote is refused as unsupported.
expect_error "tdx" 1 "LCP_ERR_ATTESTATION_UNSUPPORTED" "$LCP_BIN" attestation verify \
    --quote "$D/phala_tdx_v4/quote.bin" --collateral "$D/phala_tdx_v4/collateral.json" --time 1752919234

# 8. Usage errors exit 2; --help exits 0 and shows an example.
expect_error "no quote" 2 "--quote" "$LCP_BIN" attestation verify --collateral "$C"
expect_error "bad status" 2 "Fine" "$LCP_BIN" attestation verify --quote "$Q" --collateral "$C" --allowed_statuses Fine
expect_error "bad mrenclave" 2 "mrenclave" "$LCP_BIN" attestation verify --quote "$Q" --collateral "$C" --mrenclave 00
expect_error "bad time" 2 "--time" "$LCP_BIN" attestation verify --quote "$Q" --collateral "$C" --time soon
expect_error "empty list item" 2 "allowed_advisory_ids" "$LCP_BIN" attestation verify --quote "$Q" --collateral "$C" \
    --allowed_advisory_ids INTEL-SA-00289,,x
expect_error "missing file" 1 "nope" "$LCP_BIN" attestation verify --quote "$tmp/nope" --collateral "$C"
expect_error "collateral not JSON" 1 "LCP_ERR_ATTESTATION_COLLATERAL" "$LCP_BIN" attestation verify --quote "$Q" \
    --collateral "$Q"
"$LCP_BIN" attestation verify --help >"$tmp/help" 2>&1 && grep -q "example:" "$tmp/help" || fail "--help"

[ "$fails" -eq 0 ] && echo "attestation verify (DCAP): all checks passed"
[ "$fails" -eq 0 ]
