#!/bin/sh
# The TCB-recovery drill through the CLI, as docs/tcb-recovery.md tells an operator to run it on the simulated
# platform: attest a key with DCAP (sim), Intel's root refuses the sim quote, the simulated Intel publishes a TCB
# recovery, the key's quote re-verifies OutOfDate, a key made before the microcode update is refused, the microcode
# update reissues the PCK certificate and a new key attests UpToDate. (The LCP client's side of the drill, with its
# grace period and the old key's expiry, is tests/attestation/test_tcb_recovery.c.) $LCP_BIN is the binary under test.
set -u
LCP=${LCP_BIN:-build/rel/bin/lcp}
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
P="$T/platform"
L() { "$LCP" --home "$T/home" --sim_platform "$P" "$@"; }
field() { sed -n "s/^[[:space:]]*\"$1\":[[:space:]]*\(.*\),\{0,1\}\$/\1/p" | head -1 | tr -d '",'; }

# Day 0: a platform certified by the simulated Intel, collateral with TCB evaluation data number 1.
out=$(L sim init) || fail "sim init"
echo "$out" | grep -q 'SIMULATED Intel created' || fail "init does not create the simulated issuer"
[ "$(echo "$out" | field tcb_evaluation_data_number)" = 1 ] || fail "first evaluation number is not 1"
[ -f "$P/issuer/root_ca.der" ] && [ -f "$P/pck_cert.pem" ] && [ -f "$P/collateral/collateral.json" ] || fail "files"
[ "$(stat -c %a "$P/issuer/root_ca_key.pem")" = 600 ] || fail "root key is not 0600"
out=$(L sim show) || fail "show"
echo "$out" | grep -q '"status":.*"UpToDate"' || fail "show lists no UpToDate level"

K1=$(L enclave generate-key) || fail "generate-key"
L attestation dcap --enclave_key "$K1" 2> "$T/err" && fail "a debug enclave attested without --allow_debug"
grep -q 'debug' "$T/err" || fail "debug refusal does not say why"
# A quote file that cannot be written stops the command before anything is recorded: running it again works.
L attestation dcap --enclave_key "$K1" --allow_debug --quote_out "$T/no/such/dir/q.bin" 2> "$T/err" &&
    fail "attested although the quote file could not be written"
keys=$(L enclave list-keys) || fail "list-keys"
echo "$keys" | grep -q '"ra_type":[[:space:]]*"dcap"' && fail "recorded although the quote file failed"
out=$(L attestation dcap --enclave_key "$K1" --allow_debug --quote_out "$T/q1.bin") || fail "attestation dcap K1"
[ "$(echo "$out" | field status)" = UpToDate ] || fail "K1 is not UpToDate"
echo "$out" | grep -q '"sim":[[:space:]]*true' || fail "output does not say sim"
echo "$out" | grep -q '"recorded":[[:space:]]*true' || fail "K1 not recorded"
L enclave list-keys | grep -q '"ra_type":[[:space:]]*"dcap"' || fail "list-keys shows no DCAP key"
L attestation dcap --enclave_key "$K1" --allow_debug 2>/dev/null && fail "a key was attested twice"

# The same quote under Intel's root (the default of every verifier) is refused; under the sim root it passes.
L attestation verify --quote "$T/q1.bin" --collateral "$P/collateral/collateral.json" --allow_debug 2> "$T/err" &&
    fail "Intel's root accepted a simulated quote"
L attestation verify --quote "$T/q1.bin" --collateral "$P/collateral/collateral.json" --allow_debug \
    --root "$P/issuer/root_ca.der" | grep -q '"status":[[:space:]]*"UpToDate"' || fail "verify under the sim root"

# Day 1: Intel announces a TCB recovery. The current TCB is OutOfDate with the advisory, number 2.
L sim tcb-recovery 2>/dev/null; [ $? -eq 2 ] || fail "tcb-recovery without --advisory is not a usage error"
L sim tcb-recovery --advisory 'INTEL"SA' 2>/dev/null; [ $? -eq 2 ] || fail "bad advisory is not a usage error"
out=$(L sim tcb-recovery --advisory INTEL-SA-00999) || fail "tcb-recovery"
[ "$(echo "$out" | field tcb_evaluation_data_number)" = 2 ] || fail "recovery did not raise the number"
[ -f "$P/collateral/collateral-1.json" ] || fail "old collateral not kept"
L attestation dcap --enclave_key "$K1" --allow_debug --reverify 2> "$T/err" && fail "K1 still passes the default policy"
grep -q 'OutOfDate' "$T/err" || fail "re-verification does not report OutOfDate"
out=$(L attestation dcap --enclave_key "$K1" --allow_debug --reverify --allowed_statuses OutOfDate \
    --allowed_advisory_ids INTEL-SA-00999) || fail "re-verify with OutOfDate allowed"
[ "$(echo "$out" | field status)" = OutOfDate ] || fail "re-verification status"
echo "$out" | grep -q 'INTEL-SA-00999' || fail "re-verification lacks the advisory"
[ "$(echo "$out" | field tcb_evaluation_data_number)" = 2 ] || fail "re-verification used old collateral"
echo "$out" | grep -q '"recorded":[[:space:]]*false' || fail "--reverify recorded something"

# A key generated before the microcode update cannot be attested UpToDate now ...
K2=$(L enclave generate-key) || fail "generate-key K2"
L attestation dcap --enclave_key "$K2" --allow_debug 2> "$T/err" && fail "K2 attested on an OutOfDate platform"
grep -q 'nothing recorded' "$T/err" || fail "refusal does not say nothing was recorded"

# Day 2: the microcode update raises CPUSVN and the simulated Intel reissues the PCK certificate.
cp "$P/pck_cert.pem" "$T/pck_before.pem"
out=$(L sim microcode-update) || fail "microcode-update"
echo "$out" | grep -q 'reissued' || fail "microcode-update did not reissue the PCK certificate"
cmp -s "$P/pck_cert.pem" "$T/pck_before.pem" && fail "PCK certificate unchanged"
# ... and after it, K2's report (made at the old CPUSVN) is no longer one the QE can authenticate.
L attestation dcap --enclave_key "$K2" --allow_debug 2> "$T/err" && fail "K2 attested after the update"
grep -q 'simulated QE' "$T/err" || fail "K2's refusal does not come from the QE"
K3=$(L enclave generate-key) || fail "generate-key K3"
out=$(L attestation dcap --enclave_key "$K3" --allow_debug --min_tcb_evaluation_data_number 2) || fail "attest K3"
[ "$(echo "$out" | field status)" = UpToDate ] || fail "K3 is not UpToDate after the update"
[ "$(echo "$out" | field tcb_evaluation_data_number)" = 2 ] || fail "K3 not attested with the new collateral"
L enclave list-keys --available_only | grep -q "$K3" || fail "K3 is not available"

# Collateral refresh keeps the number; nothing has expired yet, so nothing is pruned.
out=$(L sim refresh-collateral) || fail "refresh-collateral"
[ "$(echo "$out" | field tcb_evaluation_data_number)" = 2 ] || fail "refresh changed the number"
L enclave prune-keys --expired_valid_to | grep -q '"deleted":[[:space:]]*0' || fail "prune deleted a valid key"

for v in tcb-recovery refresh-collateral; do
    L sim "$v" --help | grep -q "usage: lcp .*sim $v" || fail "no --help for sim $v"
done
L attestation dcap --help | grep -q 'SIMULATION' || fail "attestation dcap --help does not say simulation"
L attestation dcap --enclave_key 0x00 2>/dev/null; [ $? -eq 2 ] || fail "short --enclave_key is not a usage error"
L attestation dcap --enclave_key 0x0000000000000000000000000000000000000001 2>/dev/null; [ $? -eq 1 ] ||
    fail "unknown key"
echo "ok: TCB recovery drill (CLI)"
