#!/bin/sh
# The enclave this tree builds measures to the value published in enclave/mrenclave.yaml (cheap: no rebuild; the
# full reproducibility check under varied conditions is mk/reproduce.sh). A change of enclave code fails here until
# `make mrenclave-update` refreshes the file, so the change shows up in review. Also checks that the check can fail.
set -u
LCP=${LCP_BIN:-build/rel/bin/lcp}
ENC=$(dirname "$LCP")/lcp-enclave
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
[ -f "$ENC" ] || fail "$ENC is not built"
sh mk/mrenclave.sh check "$ENC" "$LCP" || fail "the built enclave does not match enclave/mrenclave.yaml"
# One flipped byte of the enclave must be caught.
cp "$ENC" "$T/enc"
printf '\001' | dd of="$T/enc" bs=1 seek=4096 conv=notrunc 2>/dev/null
sh mk/mrenclave.sh check "$T/enc" "$LCP" > "$T/out" 2>&1 && fail "a modified enclave passed the check"
grep -q 'make mrenclave-update' "$T/out" || fail "the failure does not say how to refresh"
echo "ok"
