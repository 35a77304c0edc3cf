#!/bin/sh
# `make run`: the main job. Until the LCP service lands this demonstrates what exists, end to end:
#   1. real LCP commitments and attestation reports (the recorded LCP runs) replayed through lcp-c's LCP client;
#   2. the live path through the enclave process on this machine's simulated SGX platform: platform, enclave key
#      sealed in lcp-enclave, a simulated IAS attestation, a mock light client created, updated and verified,
#      each commitment decoded and its signer recovered.
# State goes to $LCP_HOME (default ~/.lcp) and the platform to ~/.lcp-sim, as for an operator; both are reused.
set -eu
LCP="${BUILD:-build}/rel/bin/lcp"
TESTDATA="${LCP_TESTDATA:-../shared/testdata}"
HOME_DIR="${LCP_HOME:-$HOME/.lcp}"
SIM="${LCP_SIM_PLATFORM:-$HOME/.lcp-sim}"
L() { "$LCP" --home "$HOME_DIR" --sim_platform "$SIM" "$@"; }

if [ -d "$TESTDATA/lcp" ]; then
    "$LCP" demo --testdata "$TESTDATA"
else
    echo "(no $TESTDATA: skipping the replay of recorded LCP runs)"
fi

echo
echo "live: the enclave process on a SIMULATED SGX platform ($SIM)"
[ -f "$SIM/fuse_secret" ] || L sim init >/dev/null
echo "  platform  $(L sim show | grep -E '"(platform_id|cpusvn)"' | tr -d '\t\n ,')"
MR=$(L enclave metadata | sed -n 's/.*"mrenclave":[^"]*"\(0x[0-9a-f]*\)".*/\1/p')
echo "  enclave   lcp-enclave, MRENCLAVE $MR (sim: a hash of the executable and its config)"
# A simulated IAS PKI for this machine (test keys, never a trust anchor for real reports).
PKI="$SIM/ias-sim"
if [ ! -f "$PKI/signing.key" ]; then
    mkdir -p "$PKI" && chmod 700 "$PKI"
    openssl req -x509 -newkey rsa:3072 -nodes -keyout "$PKI/root.key" -out "$PKI/root.crt" -days 3650 \
        -subj "/CN=lcp-c SIMULATED IAS root" >/dev/null 2>&1
    openssl req -newkey rsa:2048 -nodes -keyout "$PKI/signing.key" -out "$PKI/signing.csr" \
        -subj "/CN=lcp-c SIMULATED IAS report signing" >/dev/null 2>&1
    openssl x509 -req -in "$PKI/signing.csr" -CA "$PKI/root.crt" -CAkey "$PKI/root.key" -CAcreateserial \
        -days 3650 -outform DER -out "$PKI/signing.der" >/dev/null 2>&1
fi
KEY=$(L enclave list-keys --available_only | sed -n 's/.*"address":[^"]*"\(0x[0-9a-f]*\)".*/\1/p' | head -1)
if [ -z "$KEY" ]; then
    KEY=$(L enclave generate-key)
    L attestation simulate --enclave_key "$KEY" --signing_cert_path "$PKI/signing.der" \
        --signing_key "$PKI/signing.key" >/dev/null
    echo "  key       $KEY generated in the enclave, sealed to it, attested with a simulated IAS report"
else
    echo "  key       $KEY (attested earlier, still valid)"
fi
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
CS=$(printf '\012\006\012\002\020\001\020\001' | base64 -w0)
printf '{"any_client_state":{"type_url":"/ibc.mock.ClientState","value":"%s"},"any_consensus_state":{"type_url":"/ibc.mock.ConsensusState","value":"%s"}}' "$CS" "$CS" > "$T/c.json"
ID=$(L elc create-client --input "$T/c.json" | sed -n 's/.*"client_id":[^"]*"\([^"]*\)".*/\1/p')
[ -n "$ID" ] || { echo "create-client failed"; exit 1; }
echo "  client    $ID created (mock light client: it proves nothing, it exercises the path)"
H=$(printf '\012\002\020\002\020\002' | base64 -w0)
printf '{"client_id":"%s","any_header":{"type_url":"/ibc.mock.Header","value":"%s"}}' "$ID" "$H" > "$T/u.json"
L elc update-client --input "$T/u.json" > "$T/u.out"
SIG=$(sed -n 's/.*"signature":[^"]*"\([^"]*\)".*/\1/p' "$T/u.out" | base64 -d | od -An -v -tx1 | tr -d ' \n')
sed -n 's/.*"message":[^"]*"\([^"]*\)".*/\1/p' "$T/u.out" > "$T/m.b64"
"$LCP" commitment decode "$T/m.b64" | grep -E '"(type|post_state_id)"' | tr -d '\t' | sed 's/^/  update    /'
echo "  signer    $("$LCP" commitment verify --message "$T/m.b64" --signature "$SIG" | sed -n 's/.*"signer":[^"]*"\(0x[0-9a-f]*\)".*/\1/p') (the enclave key)"
echo
echo "done. Try: $LCP --home $HOME_DIR --sim_platform $SIM enclave list-keys"
