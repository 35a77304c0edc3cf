#!/bin/sh
# lcp sim init / show / microcode-update / measure, as an operator runs them. $LCP_BIN is the binary under test.
set -u
LCP=${LCP_BIN:-build/rel/bin/lcp}
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
P="$T/cpu1"

out=$("$LCP" --sim_platform "$P" sim init) || fail "init failed"
echo "$out" | grep -q '"simulated":.*true' || fail "init does not say it is simulated"
echo "$out" | grep -q 'SIMULATED SGX platform' || fail "init has no simulation note"
echo "$out" | grep -q '"cpusvn":.*"0x02020202030100030000000000000000"' || fail "init: wrong default CPUSVN"
[ "$(stat -c %a "$P")" = 700 ] || fail "platform directory is not 0700"
[ "$(stat -c %a "$P/fuse_secret")" = 600 ] || fail "fuse secret is not 0600"
[ "$(stat -c %s "$P/fuse_secret")" = 32 ] || fail "fuse secret is not 32 bytes"
id1=$(echo "$out" | grep '"platform_id"')

# Never replaced silently: one-line error naming the loss, exit 1, secret unchanged.
cp "$P/fuse_secret" "$T/fuse.before"
"$LCP" --sim_platform "$P" sim init 2> "$T/err" && fail "second init succeeded"
[ "$(wc -l < "$T/err")" -eq 1 ] && grep -q '^lcp: error: .*every key sealed on it' "$T/err" || fail "refusal does not explain the loss"
cmp -s "$P/fuse_secret" "$T/fuse.before" || fail "refused init changed the fuse secret"
# --keep_existing (init containers): the existing platform is kept, its fuse secret untouched, and exit 0.
"$LCP" --sim_platform "$P" sim init --keep_existing 2> "$T/err" || fail "init --keep_existing on an existing platform"
grep -q 'kept' "$T/err" || fail "init --keep_existing does not say it kept the platform"
cmp -s "$P/fuse_secret" "$T/fuse.before" || fail "init --keep_existing changed the fuse secret"
"$LCP" --sim_platform "$P" sim init --keep_existing --force 2>/dev/null; [ $? -eq 2 ] || fail "--keep_existing --force accepted"
out=$("$LCP" --sim_platform "$P" sim init --force) || fail "init --force failed"
[ "$(echo "$out" | grep '"platform_id"')" != "$id1" ] || fail "init --force kept the platform id"
cmp -s "$P/fuse_secret" "$T/fuse.before" && fail "init --force kept the fuse secret"

# Microcode update raises the first component; --set can lower it; show agrees.
out=$("$LCP" --sim_platform "$P" sim microcode-update) || fail "microcode-update failed"
echo "$out" | grep -q '"old_cpusvn":.*"0x02020202030100030000000000000000"' || fail "update: wrong old CPUSVN"
echo "$out" | grep -q '"new_cpusvn":.*"0x03020202030100030000000000000000"' || fail "update: wrong new CPUSVN"
echo "$out" | grep -q 'simulated microcode update' || fail "update does not say it is simulated"
"$LCP" --sim_platform "$P" sim show | grep -q '"cpusvn":.*"0x03020202030100030000000000000000"' || fail "show after update"
out=$("$LCP" --sim_platform "$P" sim microcode-update --set 0x02020202030100030000000000000000 --pcesvn 14) || fail "--set failed"
echo "$out" | grep -q 'downgrade' || fail "--set to a lower CPUSVN is not called a downgrade"
out=$("$LCP" --sim_platform "$P" sim show) || fail "show failed"
echo "$out" | grep -q '"cpusvn":.*"0x02020202030100030000000000000000"' || fail "show after --set"
echo "$out" | grep -q '"pcesvn":.*14' || fail "show: PCESVN not set"
echo "$out" | grep -q 'SIMULATED' || fail "show does not say it is simulated"
echo "$out" | grep -q 'never printed' || fail "show does not say the secret stays hidden"
od -An -tx1 "$P/fuse_secret" | tr -d ' \n' > "$T/fuse.hex"
echo "$out" | grep -q "$(cat "$T/fuse.hex")" && fail "show printed the fuse secret"
"$LCP" --sim_platform "$P" sim microcode-update --set 0011 2>/dev/null; [ $? -eq 2 ] || fail "short --set is not a usage error"
"$LCP" --sim_platform "$P" sim microcode-update --pcesvn 65536 2>/dev/null; [ $? -eq 2 ] || fail "big --pcesvn is not a usage error"
"$LCP" --sim_platform "$T/none" sim show 2> "$T/err"; [ $? -eq 1 ] || fail "show of a missing platform"
grep -q 'lcp sim init' "$T/err" || fail "missing platform error does not say how to create one"
"$LCP" --sim_platform "$T/none" sim microcode-update 2>/dev/null && fail "update of a missing platform"

# The default directory is ~/.lcp-sim.
HOME="$T/home" && mkdir -p "$HOME" && export HOME
"$LCP" sim init > /dev/null || fail "init in the default directory"
[ -f "$T/home/.lcp-sim/fuse_secret" ] || fail "default platform is not ~/.lcp-sim"

# measure: the documented formula, recomputed here with Python's hashlib.
head -c 100000 /dev/urandom > "$T/enclave"
want=$(python3 -c "
import hashlib,struct,sys
d=open('$T/enclave','rb').read()
print(hashlib.sha256(b'lcp-c sim MRENCLAVE v1'+struct.pack('<Q',len(d))+d+struct.pack('<HHB',7,3,1)).hexdigest())")
out=$("$LCP" sim measure "$T/enclave" --isv_prod_id 7 --isv_svn 3 --debug) || fail "measure failed"
echo "$out" | grep -q "\"mrenclave\":.*\"0x$want\"" || fail "measure: MRENCLAVE differs from the formula"
echo "$out" | grep -q '"mrsigner":.*"0xbc4ee51ce57be5ec73042bee115f205cbaa9159a1a2e3bcfc7c3795bbaf160d4"' || fail "measure: dev signer"
echo "$out" | grep -q 'development signer' || fail "measure does not flag the development signer"
echo "$out" | grep -q 'SIMULATED' || fail "measure does not say it is simulated"
printf 'pubkey' > "$T/pub"
"$LCP" sim measure "$T/enclave" --signer_pubkey "$T/pub" | grep -q "\"mrsigner\":.*\"0x$(printf pubkey | sha256sum | cut -c1-64)\"" || fail "measure: MRSIGNER of a key"
"$LCP" sim measure "$T/enclave" | grep -q "0x$want" && fail "measure ignores the config"
"$LCP" sim measure "$T/nothing" 2>/dev/null; [ $? -eq 1 ] || fail "measure of a missing file"
"$LCP" sim measure --isv_svn 70000 "$T/enclave" 2>/dev/null; [ $? -eq 2 ] || fail "big --isv_svn is not a usage error"

for v in init show microcode-update measure; do
    "$LCP" sim "$v" --help | grep -q "usage: lcp .*sim $v" || fail "no --help for sim $v"
done
"$LCP" sim --help | grep -q 'SIMULATED' || fail "sim --help does not say simulated"
"$LCP" sim frob 2>/dev/null; [ $? -eq 2 ] || fail "unknown verb is not a usage error"
echo "ok: sim CLI"
