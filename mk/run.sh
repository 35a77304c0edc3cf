#!/bin/sh
# `make run`: the main job. On a fresh machine it replays the recorded LCP runs through the LCP client (a check of
# the verifier against real data), makes sure the simulated SGX platform and an attested enclave key exist, then
# starts the LCP service on [::1]:50051 with metrics on 127.0.0.1:9090 and says how to call it. Ctrl-C stops it.
# State: $LCP_HOME (default ~/.lcp), platform: $LCP_SIM_PLATFORM (default ~/.lcp-sim). Both are reused.
set -eu
LCP="${BUILD:-build}/rel/bin/lcp"
TESTDATA="${LCP_TESTDATA:-../shared/testdata}"
HOME_DIR="${LCP_HOME:-$HOME/.lcp}"
SIM="${LCP_SIM_PLATFORM:-$HOME/.lcp-sim}"
ADDR="${LCP_GRPC_ADDRESS:-[::1]:50051}"
METRICS="${LCP_METRICS_ADDRESS:-127.0.0.1:9090}"
L() { "$LCP" --home "$HOME_DIR" --sim_platform "$SIM" "$@"; }

if [ -d "$TESTDATA/lcp" ]; then
    out=$("$LCP" demo --testdata "$TESTDATA") || { echo "$out"; echo "run: the replay of the recorded LCP runs failed" >&2; exit 1; }
    echo "$out" | tail -n 1
else
    echo "replay:       skipped ($TESTDATA/lcp not found; set LCP_TESTDATA)"
fi
if [ ! -f "$SIM/fuse_secret" ]; then
    L sim init >/dev/null
    echo "sim platform: created $SIM (SIMULATED SGX: a fuse secret, CPUSVN, a simulated Intel PKI)"
else
    echo "sim platform: $SIM (SIMULATED SGX)"
fi
meta=$(L enclave metadata)
MR=$(echo "$meta" | sed -n 's/.*"mrenclave":[^"]*"\(0x[0-9a-f]*\)".*/\1/p')
[ -n "$MR" ] || { echo "run: lcp enclave metadata gave no MRENCLAVE: $meta" >&2; exit 1; }
echo "enclave:      lcp-enclave, MRENCLAVE $MR (sim measurement of the executable and its config)"
keys=$(L enclave list-keys --available_only)
KEY=$(echo "$keys" | sed -n 's/.*"address":[^"]*"\(0x[0-9a-f]*\)".*/\1/p' | head -n 1)
if [ -z "$KEY" ]; then
    KEY=$(L enclave generate-key)
    # The sim build of lcp-enclave is a debug enclave (LCP_ENCLAVE_DEBUG=1): allow it explicitly.
    L attestation dcap --enclave_key "$KEY" --allow_debug >/dev/null
    echo "enclave key:  $KEY generated in the enclave, sealed to it, attested with a simulated DCAP quote"
else
    echo "enclave key:  $KEY (attested, still valid)"
fi
EX="node examples/client.mjs '$ADDR'"
[ "$LCP" = build/rel/bin/lcp ] || EX="LCP_BIN=$LCP $EX"
cat <<TXT
service:      starting on $ADDR (gRPC, h2c) with metrics on http://$METRICS/metrics (/healthz, /readyz)
              light clients: 07-tendermint (the release enclave has no mock client)
call it:      $EX     (after: npm ci)
              a 07-tendermint client on a fresh development chain (lcp dev tendermint-chain): create, two
              updates, a membership proof - each verified by the enclave and signed by $KEY
              curl -s http://$METRICS/readyz
stop it:      Ctrl-C (in-flight requests finish, the store is closed)
TXT
exec "$LCP" --home "$HOME_DIR" --sim_platform "$SIM" service start --address "$ADDR" --metrics_address "$METRICS"
