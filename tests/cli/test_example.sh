#!/bin/sh
# examples/client.mjs against a live service on the release enclave (issue 10): a 07-tendermint client created,
# updated twice and a membership verified, every commitment signed by the reported key; and one clear line, no stack
# trace, when the service is down or has no attested key. $LCP_BIN is the binary under test.
set -u
LCP=${LCP_BIN:-build/rel/bin/lcp}
T=$(mktemp -d /tmp/lcp-example-XXXXXX)
SVC_PID=
cleanup() { [ -n "$SVC_PID" ] && kill "$SVC_PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT
fail() { echo "FAIL: $*"; [ -s "$T/err" ] && tail -5 "$T/err"; exit 1; }
command -v node >/dev/null 2>&1 || fail "node is required"
if [ ! -d node_modules/@grpc/grpc-js ] || [ ! -d node_modules/ethers ]; then
    npm ci --no-audit --no-fund >/dev/null 2>&1 || fail "npm ci failed (node_modules missing)"
fi
L() { "$LCP" --home "$T/home" --sim_platform "$T/sim" "$@"; }
EX() { LCP_BIN="$LCP" node examples/client.mjs "$@"; }
# $1: what; checks the example failed with exactly one line on stderr, starting "example: " and matching $2.
one_line() {
    [ "$(wc -l < "$T/ex.err")" -eq 1 ] || fail "$1: not one line: $(cat "$T/ex.err")"
    grep -q "^example: .*$2" "$T/ex.err" || fail "$1: unclear: $(cat "$T/ex.err")"
}
start() {
    : > "$T/out"; : > "$T/err"
    # Not through L: $! must be the service itself, not a subshell that would outlive a kill.
    "$LCP" --home "$T/home" --sim_platform "$T/sim" service start --address 127.0.0.1:0 --metrics_address 127.0.0.1:0 > "$T/out" 2> "$T/err" &
    SVC_PID=$!
    i=0
    while ! grep -q '"metrics"' "$T/out" 2>/dev/null; do
        i=$((i + 1)); [ $i -gt 300 ] && fail "the service did not start in 30 s"
        kill -0 "$SVC_PID" 2>/dev/null || fail "the service exited at start"
        sleep 0.1
    done
    ADDR=$(sed -n 's/.*"grpc":[^"]*"\([^"]*\)".*/\1/p' "$T/out")
}
stop() { kill "$SVC_PID"; wait "$SVC_PID"; SVC_PID=; }

L sim init > /dev/null || fail "sim init"
# Down: a port nobody listens on (the service's, after it stopped).
start; stop
EX "$ADDR" > /dev/null 2> "$T/ex.err" && fail "the example succeeded without a service"
one_line "service down" "no LCP service answers at $ADDR"
# Up, but no attested key yet.
start
EX "$ADDR" > /dev/null 2> "$T/ex.err" && fail "the example succeeded without a key"
one_line "no key" "no attested enclave key"
stop
# The whole flow, as make run prints it.
KEY=$(L enclave generate-key) || fail "generate-key"
L attestation dcap --enclave_key "$KEY" --allow_debug > /dev/null || fail "attestation dcap"
start
EX "$ADDR" > "$T/ex.out" 2> "$T/ex.err" || fail "the example failed: $(cat "$T/ex.err")"
for l in 'CreateClient: .*unsigned' 'UpdateClient 1: .*signer 0x' 'UpdateClient 2: .*signer 0x' \
         'VerifyMembership .*signer 0x' 'client state /ibc.lightclients.tendermint.v1.ClientState' \
         'every commitment was signed by the enclave key'; do
    grep -q "$l" "$T/ex.out" || fail "example output lacks '$l': $(cat "$T/ex.out")"
done
grep -qi "$(echo "$KEY" | cut -c3-)" "$T/ex.out" || fail "the example did not use the attested key"
stop
echo "ok: examples/client.mjs (07-tendermint, live service)"
