#!/bin/sh
# The enclave verbs end to end, as an operator types them: sim init -> enclave generate-key -> attestation
# simulate -> list-keys / metadata -> elc create-client / update-client / verify-* / query-client (mock light
# client) -> prune-keys. $LCP_BIN is the binary under test; lcp-enclave-test (the test enclave, the only one with
# the mock light client) sits beside it.
set -u
LCP=${LCP_BIN:-build/rel/bin/lcp}
T=$(mktemp -d /tmp/lcp-cli-XXXXXX); trap 'rm -rf "$T"' EXIT
CERTS=../shared/testdata
ENC="$(dirname "$LCP")/lcp-enclave-test"
L() { "$LCP" --home "$T/home" --sim_platform "$T/sim" --enclave "$ENC" "$@"; }
fail() { echo "FAIL: $*"; exit 1; }
b64() { printf '%s' "$1" | base64 -w0; }

L sim init > "$T/init.json" || fail "sim init"
grep -qi sim "$T/init.json" || fail "sim init does not say sim"
L enclave metadata > "$T/meta.json" || fail "metadata"
grep -q '"backend":.*"sim"' "$T/meta.json" || fail "metadata: backend is not sim"
grep -q '"test_enclave":.*true' "$T/meta.json" || fail "metadata: the test enclave does not say so"
MR=$(sed -n 's/.*"mrenclave":[^"]*"\(0x[0-9a-f]*\)".*/\1/p' "$T/meta.json")
[ ${#MR} -eq 66 ] || fail "metadata: no mrenclave"
# The enclave measures the binary it runs: the sim measure of the file must agree.
"$LCP" sim measure "$ENC" --debug | grep -q "$MR" || fail "MRENCLAVE differs from the file's measurement"

KEY=$(L enclave generate-key --operator 0x00000000000000000000000000000000000000aa) || fail "generate-key"
echo "$KEY" | grep -Eq '^0x[0-9a-f]{40}$' || fail "generate-key did not print an address: $KEY"
L enclave list-keys | grep -q '"attested":.*false' || fail "new key should be unattested"
L enclave list-keys --available_only | grep -q "$KEY" && fail "unattested key listed as available"
# No signer yet: an update must say why.
printf '{"client_id":"mock-client-0"}' > "$T/q.json"
# A certificate that is not the signing key's (here Intel's root) is refused before anything is recorded.
L attestation simulate --enclave_key "$KEY" --signing_cert_path "$CERTS/lcp/lcp-solidity/certs/Intel_SGX_Attestation_RootCA.der" \
    --signing_key "$CERTS/lcp/lcp/tests/certs/signing.key" >/dev/null 2>"$T/err" && fail "a mismatched certificate was used"
grep -q 'does not verify under --signing_cert_path' "$T/err" || fail "mismatch refusal does not say why: $(cat "$T/err")"
L attestation simulate --enclave_key "$KEY" --signing_cert_path "$CERTS/lcp/lcp-solidity/certs/simulation_signing.der" \
    --signing_key "$CERTS/lcp/lcp/tests/certs/signing.key" > "$T/avr.json" || fail "attestation simulate"
grep -q '"avr"' "$T/avr.json" || fail "simulate printed no report"
# The printed report verifies with the simulation root and not with Intel's.
"$LCP" attestation verify-ias --report "$T/avr.json" --root "$CERTS/lcp/lcp-solidity/certs/simulation_rootca.der" \
    | grep -q "$(echo "$KEY" | tr A-F a-f)" || fail "simulated report does not verify with the sim root"
"$LCP" attestation verify-ias --report "$T/avr.json" --root "$CERTS/lcp/lcp-solidity/certs/Intel_SGX_Attestation_RootCA.der" \
    2>/dev/null && fail "simulated report verified with Intel's root"
L attestation simulate --enclave_key "$KEY" --signing_cert_path "$CERTS/lcp/lcp-solidity/certs/simulation_signing.der" \
    --signing_key "$CERTS/lcp/lcp/tests/certs/signing.key" 2>/dev/null && fail "a key was attested twice"
L enclave list-keys --available_only | grep -q "$KEY" || fail "attested key not available"

# mock client: ClientState{Header{Height{2:5}, 2:ts}} as protobuf, base64
CS=$(printf '\012\010\012\002\020\005\020\200\200\004' | base64 -w0)
H6=$(printf '\012\002\020\006\020\200\200\010' | base64 -w0)
printf '{"any_client_state":{"type_url":"/ibc.mock.ClientState","value":"%s"},"any_consensus_state":{"type_url":"/ibc.mock.ConsensusState","value":"%s"}}' "$CS" "$CS" > "$T/create.json"
L elc create-client --input "$T/create.json" > "$T/created.json" || fail "create-client"
grep -q '"client_id":.*"mock-client-0"' "$T/created.json" || fail "create-client: no client id"
printf '{"client_id":"mock-client-0","any_header":{"type_url":"/ibc.mock.Header","value":"%s"},"include_state":true}' "$H6" > "$T/update.json"
L elc update-client --input "$T/update.json" > "$T/updated.json" || fail "update-client"
SIG=$(node -e "const j=JSON.parse(require('fs').readFileSync('$T/updated.json'));process.stdout.write(Buffer.from(j.signature,'base64').toString('hex'))")
node -e "const j=JSON.parse(require('fs').readFileSync('$T/updated.json'));process.stdout.write(Buffer.from(j.message,'base64'))" > "$T/m.bin"
"$LCP" commitment verify --message "$T/m.bin" --signature "$SIG" | grep -q "$KEY" || fail "update not signed by the key"
L elc update-client --input "$T/update.json" 2>"$T/err" && fail "a header that does not advance was accepted"
grep -q "does not increase" "$T/err" || fail "no reason for the refused header: $(cat "$T/err")"
printf '{"client_id":"mock-client-0","prefix":"%s","path":"p/1","value":"%s","proof_height":{"revision_number":0,"revision_height":6},"proof":""}' "$(b64 ibc)" "$(b64 v)" > "$T/vm.json"
L elc verify-membership --input "$T/vm.json" > "$T/vm.out" || fail "verify-membership"
"$LCP" commitment decode "$T/vm.out" | grep -q '"VerifyMembership"' || fail "membership commitment"
printf '{"client_id":"mock-client-0","prefix":"%s","path":"p/2","proof_height":{"revision_number":0,"revision_height":6},"proof":""}' "$(b64 ibc)" > "$T/vn.json"
L elc verify-non-membership --input "$T/vn.json" > "$T/vn.out" || fail "verify-non-membership"
"$LCP" commitment decode "$T/vn.out" | grep -q '"VerifyNonMembership"' || fail "non-membership commitment"
L elc query-client --input "$T/q.json" | grep -q '"found":.*true' || fail "query-client"
printf '{"client_id":"mock-client-7"}' > "$T/q7.json"
L elc query-client --input "$T/q7.json" | grep -q '"found":.*false' || fail "query of a missing client"
L elc update-client --input "$T/update.json" --signer 0x1111111111111111111111111111111111111111 2>"$T/err" && fail "unknown signer accepted"
grep -q "sealed_enclave_key_not_found" "$T/err" || fail "unknown signer: unclear error"
L elc create-client --input /nonexistent 2>/dev/null && fail "missing input accepted"
# Pruning: an old unattested key goes, the attested one stays.
K2=$(L enclave generate-key) || fail "second key"
L enclave prune-keys --expiration_period 0 | grep -q '"deleted":.*1' || fail "prune did not delete the unattested key"
L enclave list-keys | grep -q "$KEY" || fail "prune deleted the attested key"
L enclave list-keys | grep -q "$K2" && fail "pruned key still listed"
L enclave prune-keys --expiration_period 5 --expired_valid_to 2>/dev/null && fail "exclusive prune flags accepted"
# A key attested with a simulated DCAP quote shows the verifier's verdict in list-keys.
K3=$(L enclave generate-key) || fail "third key"
L attestation dcap --enclave_key "$K3" --allow_debug > /dev/null || fail "attestation dcap"
L enclave list-keys | grep -q '"tcb_status":.*"UpToDate"' || fail "list-keys: no TCB status for the DCAP key"
for v in generate-key list-keys prune-keys metadata; do L enclave $v --help | grep -q usage || fail "enclave $v --help"; done
L elc --help | grep -q create-client || fail "elc --help"
echo "ok: enclave CLI"
