#!/bin/sh
# One behaviour in every command group (issue 11): help exits 0 on stdout; an unknown verb, an extra argument, a
# flag given a value, an option whose value is another option, a malformed or out-of-set value are each one
# "lcp: error:" line and exit 2. Plus LCP's habits: --version, -a, --expired_valid_to <bool>, --log_level in any
# case with trace, --enclave after the verb. $LCP_BIN is the binary under test.
set -u
LCP=${LCP_BIN:-build/rel/bin/lcp}
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
# usage_error DESCRIPTION ARGS...: exit 2, exactly one stderr line starting "lcp: error:", nothing on stdout.
usage_error() {
    d=$1; shift
    "$LCP" "$@" >"$T/out" 2>"$T/err"; rc=$?
    [ $rc -eq 2 ] || fail "$d: exit $rc, want 2"
    [ "$(wc -l <"$T/err")" -eq 1 ] && grep -q '^lcp: error: ' "$T/err" || { cat "$T/err"; fail "$d: not one error line"; }
    [ -s "$T/out" ] && fail "$d: printed on stdout"
    return 0
}
export LCP_HOME="$T/home"

for g in commitment attestation enclave elc sim service dev; do
    for h in help --help -h; do
        "$LCP" $g $h >"$T/out" 2>"$T/err" || fail "lcp $g $h exits non-zero"
        grep -q "^usage: lcp $g <verb>" "$T/out" || fail "lcp $g $h: no usage on stdout"
        [ -s "$T/err" ] && fail "lcp $g $h wrote to stderr"
    done
    usage_error "lcp $g bogus" $g bogus
    grep -q "unknown verb '$g bogus'" "$T/err" || fail "$g: unknown verb not named"
    "$LCP" $g >/dev/null 2>&1; [ $? -eq 2 ] || fail "lcp $g without a verb is not a usage error"
done
usage_error "demo with an extra argument" demo bogus
usage_error "sim show with an extra argument" --sim_platform "$T/p" sim show extra
usage_error "enclave list-keys with an extra argument" enclave list-keys extra
usage_error "unknown single-dash option" enclave list-keys -z
usage_error "a flag given a value" attestation verify --quote q --collateral c --allow_debug=false
usage_error "a value that is an option" attestation dcap --enclave_key --allow_debug
grep -q 'needs a value' "$T/err" || fail "swallowed flag not reported as a missing value"
usage_error "malformed enclave key" attestation dcap --enclave_key zz
grep -q 'malformed' "$T/err" || fail "--enclave_key zz not called malformed"
usage_error "malformed operator" enclave generate-key --operator 0x1234
grep -q 'malformed' "$T/err" || fail "--operator 0x1234 not called malformed"
usage_error "unknown --target_qe" enclave generate-key --target_qe QE4
usage_error "unknown quote status" attestation simulate --enclave_key 0x0000000000000000000000000000000000000001 \
    --signing_cert_path c --signing_key k --isv_enclave_quote_status NOPE
usage_error "bad --validate_cert" attestation simulate --enclave_key 0x0000000000000000000000000000000000000001 \
    --signing_cert_path c --signing_key k --validate_cert yes
usage_error "bad advisory id" attestation simulate --enclave_key 0x0000000000000000000000000000000000000001 \
    --signing_cert_path c --signing_key k --advisory_ids INTEL-SA-1
usage_error "bad allowed advisory id" attestation verify --quote q --collateral c --allowed_advisory_ids SA-00289
usage_error "bad tcb-recovery advisory" --sim_platform "$T/p" sim tcb-recovery --advisory 00289
usage_error "bad --expired_valid_to" enclave prune-keys --expired_valid_to=maybe
K=0x0000000000000000000000000000000000000001
for v in 0 zz 10x; do
    usage_error "--key_validity $v" attestation dcap --enclave_key $K --key_validity $v
    grep -q "key_validity must be a positive duration.*'$v'" "$T/err" || fail "--key_validity $v not named"
done
usage_error "--pccs_timeout 2h" --backend gramine attestation dcap --enclave_key $K --pccs_url http://127.0.0.1:1 \
    --pccs_timeout 2h
grep -q "pccs_timeout must be a duration from 1s to 3600s" "$T/err" || fail "--pccs_timeout 2h not refused as too long"
usage_error "--key_rotation_buffer 0" service start --key_rotation_buffer 0
grep -q "key_rotation_buffer must be a positive duration" "$T/err" || fail "--key_rotation_buffer 0 not named"
usage_error "unknown log level" --log_level loud sim show
usage_error "unknown group" nosuchgroup

# LCP's habits.
"$LCP" --version | grep -q '^lcp [0-9]' || fail "--version"
"$LCP" --log_level TRACE sim --help >/dev/null || fail "--log_level TRACE refused"
"$LCP" --log_level Info sim --help >/dev/null || fail "--log_level Info refused"
"$LCP" enclave list-keys -a --help | grep -q available_only || fail "-a refused"
"$LCP" enclave prune-keys --expired_valid_to true --help >/dev/null || fail "--expired_valid_to true refused"
"$LCP" enclave prune-keys --expired_valid_to=false --help >/dev/null || fail "--expired_valid_to=false refused"
# --enclave after the verb reaches the launcher: a missing executable is named.
"$LCP" --sim_platform "$T/p" sim init >/dev/null || fail "sim init"
"$LCP" --sim_platform "$T/p" enclave metadata --enclave "$T/no-such-enclave" 2>"$T/err" && fail "missing enclave ran"
grep -q 'no-such-enclave' "$T/err" || { cat "$T/err"; fail "--enclave after the verb was not used"; }

# attestation verify: empty and non-quote inputs are named as such before any collateral is judged.
D=../shared/testdata/dcap/phala_sgx_v3
if [ -f "$D/collateral.json" ]; then
    : >"$T/empty"
    "$LCP" attestation verify --quote "$T/empty" --collateral "$D/collateral.json" 2>"$T/err"; [ $? -eq 1 ] || fail "empty quote"
    grep -q 'is empty' "$T/err" || fail "empty quote not called empty"
    head -c 1200 /bin/sh >"$T/elf"
    "$LCP" attestation verify --quote "$T/elf" --collateral "$D/collateral.json" --time 1 2>"$T/err"; [ $? -eq 1 ] || fail "non-quote"
    grep -q 'not an SGX quote' "$T/err" || { cat "$T/err"; fail "non-quote not called so"; }
fi
echo "ok: one CLI behaviour across groups"
