#!/bin/sh
# lcp commitment decode / verify and lcp demo, as an operator runs them. $LCP_BIN is the binary under test.
set -u
LCP=${LCP_BIN:-build/rel/bin/lcp}
F=../shared/testdata/lcp/lcp-solidity/client/01
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

out=$("$LCP" commitment decode "$F/003-update_client_result") || fail "decode of a fixture failed"
echo "$out" | grep -q '"post_state_id":.*"0xe736e122049b94493b3d17c9cb5bdd8011c2f72ce4637ca155aeeb789cf49329"' || fail "decode: wrong post_state_id"
echo "$out" | grep -q '"trusting_period":.*"1209600000000000"' || fail "decode: wrong trusting period"
# hex on stdin, with 0x
node -e "const j=JSON.parse(require('fs').readFileSync('$F/004-verify_channel_result'));process.stdout.write('0x'+Buffer.from(j.message,'base64').toString('hex'))" > "$T/m.hex"
"$LCP" commitment decode - < "$T/m.hex" | grep -q '"type":.*"VerifyMembership"' || fail "decode of hex from stdin"
# raw bytes
node -e "const j=JSON.parse(require('fs').readFileSync('$F/004-verify_channel_result'));process.stdout.write(Buffer.from(j.message,'base64'))" > "$T/m.bin"
"$LCP" commitment decode "$T/m.bin" | grep -q '"path":.*"channelEnds/ports/transfer/channels/channel-0"' || fail "decode of raw bytes"
SIG=$(node -e "const j=JSON.parse(require('fs').readFileSync('$F/004-verify_channel_result'));process.stdout.write(Buffer.from(j.signature,'base64').toString('hex'))")
"$LCP" commitment verify --message "$T/m.bin" --signature "$SIG" | grep -q '"signer":.*"0x836fec0cc99ed0242ed02fbaab648652b2372e41"' || fail "verify: wrong signer"
# a tampered message decodes to another signer or fails; garbage is a one-line error and a non-zero exit
printf 'zz' > "$T/bad"
"$LCP" commitment decode "$T/bad" 2> "$T/err" && fail "garbage decoded"
[ "$(wc -l < "$T/err")" -eq 1 ] && grep -q '^lcp: error: ' "$T/err" || fail "error is not one line"
"$LCP" commitment verify --message "$T/m.bin" --signature 00 2>/dev/null && fail "short signature accepted"
"$LCP" commitment decode --help | grep -q 'usage: lcp commitment decode' || fail "no --help"
"$LCP" commitment frob 2>/dev/null; [ $? -eq 2 ] || fail "unknown verb is not a usage error"
# the demonstration replays all three runs
"$LCP" demo --testdata ../shared/testdata > "$T/demo" || fail "demo failed"
grep -q 'all runs replayed' "$T/demo" || fail "demo did not finish"
[ "$(grep -c REFUSED "$T/demo")" -eq 3 ] || fail "demo: tampered commitments not refused"
echo "ok: commitment CLI"
