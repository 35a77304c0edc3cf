#!/bin/sh
# lcp service start, end to end with a real gRPC client: a simulated platform, an attested key, the service on a
# free loopback port; the Node tests (tests/node/service.test.mjs: every method, errors, protocol faults, load,
# a killed enclave, metrics); readiness without a key; SIGTERM under load loses no acknowledged update; clean
# exits on SIGTERM and SIGINT with no enclave process left behind. $LCP_BIN is the binary under test.
set -u
LCP=${LCP_BIN:-build/rel/bin/lcp}
# The Node tests drive the mock light client, which only the test enclave has.
ENC="$(dirname "$LCP")/lcp-enclave-test"
TESTDATA=${LCP_TESTDATA:-../shared/testdata}
T=$(mktemp -d)
SVC_PID=
LOAD_PID=
cleanup() {
    [ -n "$LOAD_PID" ] && kill "$LOAD_PID" 2>/dev/null
    [ -n "$SVC_PID" ] && kill -9 "$SVC_PID" 2>/dev/null
    rm -rf "$T"
}
trap cleanup EXIT
fail() {
    echo "FAIL: $*"
    [ -s "$T/err" ] && { echo "--- service stderr (last lines):"; tail -20 "$T/err"; }
    exit 1
}
command -v node >/dev/null 2>&1 || fail "node is required for the gRPC client tests"
TO=""
command -v timeout >/dev/null 2>&1 && TO="timeout 600"
# The client libraries come from the committed lock file.
if [ ! -d node_modules/@grpc/grpc-js ] || [ ! -d node_modules/@grpc/proto-loader ] || [ ! -d node_modules/ethers ]; then
    npm ci --no-audit --no-fund >/dev/null 2>&1 || fail "npm ci failed (node_modules missing)"
fi

P="$T/sim"
export LCP_HOME="$T/home"
"$LCP" --enclave "$ENC" --sim_platform "$P" sim init >/dev/null || fail "sim init"

# IPv6 loopback when the machine has it, else IPv4.
HOST='[::1]'
node -e "require('net').createServer().listen(0,'::1',function(){this.close()}).on('error',()=>process.exit(1))" 2>/dev/null || HOST=127.0.0.1

# $1 = home; starts the service in the background, waits until it prints its addresses.
start_service() {
    # Truncate here: the background job's own redirection may happen after the polling below has started.
    : > "$T/out"
    : > "$T/err"
    LCP_HOME="$1" "$LCP" --enclave "$ENC" --sim_platform "$P" service start --address "$HOST:0" --metrics_address 127.0.0.1:0 \
        --threads "${THREADS:-2}" > "$T/out" 2> "$T/err" &
    SVC_PID=$!
    i=0
    while ! grep -q '"metrics"' "$T/out" 2>/dev/null; do
        i=$((i + 1)); [ $i -gt 200 ] && fail "the service did not start in 20 s"
        kill -0 "$SVC_PID" 2>/dev/null || fail "the service exited at start"
        sleep 0.1
    done
    GRPC=$(sed -n 's/.*"grpc":[^"]*"\([^"]*\)".*/\1/p' "$T/out")
    METRICS=$(sed -n 's/.*"metrics":[^"]*"\([^"]*\)".*/\1/p' "$T/out")
    [ -n "$GRPC" ] && [ -n "$METRICS" ] || fail "no addresses in: $(cat "$T/out")"
}
# $1 = path; prints "CODE BODY".
http_get() {
    node -e "require('http').get('http://$METRICS$1',r=>{let b='';r.on('data',d=>b+=d);r.on('end',()=>console.log(r.statusCode+' '+b.trim()))}).on('error',e=>{console.log('000 '+e.message)})"
}
# $1 = signal; the service must exit 0 after it, with its clean-stop line.
stop_service() {
    kill "-$1" "$SVC_PID" || fail "cannot signal the service"
    wait "$SVC_PID"; rc=$?
    SVC_PID=
    [ "$rc" -eq 0 ] || fail "service exited with $rc after SIG$1"
    grep -q 'service stopped' "$T/err" || fail "no clean-stop message after SIG$1"
    grep -q 'LeakSanitizer\|AddressSanitizer\|ThreadSanitizer\|runtime error' "$T/err" && fail "sanitizer report after SIG$1"
    # Its enclave processes went with it.
    for f in /proc/[0-9]*/cmdline; do
        tr '\0' ' ' < "$f" 2>/dev/null | grep -q "lcp-enclave.*$P" && fail "an enclave process outlived the service: $f"
    done
    return 0
}

# Not ready without an attested key; healthy all the same.
KEY0=$("$LCP" --enclave "$ENC" --sim_platform "$P" --log_level off enclave generate-key) || fail "generate-key"
start_service "$LCP_HOME"
r=$(http_get /healthz); [ "${r%% *}" = 200 ] || fail "/healthz: $r"
r=$(http_get /readyz); [ "${r%% *}" = 503 ] || fail "/readyz without an attested key: $r"
echo "$r" | grep -q 'no attested' || fail "/readyz does not say why: $r"
# One service per home: a second start on the same home exits 1 with one error line naming the first's pid.
TO20=""
command -v timeout >/dev/null 2>&1 && TO20="timeout 20"
$TO20 "$LCP" --sim_platform "$P" service start --address 127.0.0.1:0 > /dev/null 2> "$T/second"
[ $? -eq 1 ] || fail "a second service on the same home did not exit 1 (it ran, or timed out)"
[ "$(wc -l < "$T/second")" -eq 1 ] && grep -q "^lcp: error: LCP_HOME .* is in use by process $SVC_PID " "$T/second" \
    || fail "second service on one home: $(cat "$T/second")"
kill -0 "$SVC_PID" 2>/dev/null || fail "the first service died when a second one was started"
stop_service TERM

# An attested key: ready.
KEY=$("$LCP" --enclave "$ENC" --sim_platform "$P" --log_level off enclave generate-key) || fail "generate-key"
"$LCP" --enclave "$ENC" --sim_platform "$P" attestation simulate --enclave_key "$KEY" \
    --signing_cert_path "$TESTDATA/lcp/lcp-solidity/certs/simulation_signing.der" \
    --signing_key "$TESTDATA/lcp/lcp/tests/certs/signing.key" >/dev/null || fail "attestation simulate"
# And one attested with DCAP on the simulated platform (quote + collateral in its evidence).
DKEY=$("$LCP" --enclave "$ENC" --sim_platform "$P" --log_level off enclave generate-key) || fail "generate-key"
"$LCP" --enclave "$ENC" --sim_platform "$P" attestation dcap --enclave_key "$DKEY" --allow_debug >/dev/null || fail "attestation dcap"
start_service "$LCP_HOME"
i=0
until [ "$(http_get /readyz | cut -d' ' -f1)" = 200 ]; do
    i=$((i + 1)); [ $i -gt 100 ] && fail "/readyz never became ready: $(http_get /readyz)"
    sleep 0.1
done
echo "service at $GRPC, metrics at $METRICS, key $KEY"

LCP_GRPC_ADDR="$GRPC" LCP_METRICS_ADDR="$METRICS" LCP_KEY="$KEY" LCP_UNATTESTED_KEY="$KEY0" LCP_DCAP_KEY="$DKEY" LCP_SERVICE_PID="$SVC_PID" \
LCP_BIN="$LCP" LCP_THREADS="${THREADS:-2}" $TO node --test --test-reporter=spec tests/node/service.test.mjs \
    || fail "node gRPC tests"
# The example in examples/ works against the service as it stands (README tells operators to run it).
$TO node examples/client.mjs "$GRPC" > "$T/example.out" 2>&1 || { cat "$T/example.out"; fail "examples/client.mjs"; }
grep -q "every commitment was signed by the enclave key" "$T/example.out" || fail "example: signer check missing"
kill -0 "$SVC_PID" 2>/dev/null || fail "the service died during the tests"

# SIGTERM under load: every acknowledged update is in the store after a restart.
LCP_GRPC_ADDR="$GRPC" LCP_KEY="$KEY" $TO node tests/node/service_sigterm.mjs load "$T/acks.json" > "$T/load.out" 2>&1 &
LOAD_PID=$!
i=0
until grep -q ready "$T/load.out" 2>/dev/null; do
    i=$((i + 1)); [ $i -gt 100 ] && fail "load did not start: $(cat "$T/load.out")"
    sleep 0.1
done
sleep 1
stop_service TERM
wait "$LOAD_PID" || fail "load client: $(cat "$T/load.out")"
LOAD_PID=
grep '^#' "$T/load.out"
start_service "$LCP_HOME"
LCP_GRPC_ADDR="$GRPC" LCP_KEY="$KEY" $TO node tests/node/service_sigterm.mjs check "$T/acks.json" || fail "updates lost by SIGTERM"
stop_service INT

# Usage errors.
"$LCP" --enclave "$ENC" --sim_platform "$P" service start --threads 0 2>/dev/null; [ $? -eq 2 ] || fail "--threads 0 is not a usage error"
"$LCP" --enclave "$ENC" --sim_platform "$P" service start --address nonsense 2>"$T/e"; [ $? -eq 1 ] && grep -q 'HOST:PORT' "$T/e" || fail "bad --address"
"$LCP" service --help | grep -q start || fail "service --help"
"$LCP" --enclave "$ENC" --sim_platform "$P" service start --request_timeout 0 2>/dev/null; [ $? -eq 2 ] || fail "--request_timeout 0 is not a usage error"
"$LCP" --enclave "$ENC" --sim_platform "$P" service start --max_connections_per_peer 1025 2>/dev/null; [ $? -eq 2 ] || fail "--max_connections_per_peer 1025 is not a usage error"
"$LCP" service start --help | grep -q 'metrics_address' || fail "service --help"
"$LCP" service start --help | grep -q -- '--request_timeout' || fail "service --help: --request_timeout"
"$LCP" service start --help | grep -q -- '--max_connections_per_peer' || fail "service --help: --max_connections_per_peer"
echo "ok"
