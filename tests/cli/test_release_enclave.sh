#!/bin/sh
# The release lcp-enclave contains only light clients that verify (issue 10): the mock light client's type URLs are
# not in the binary, a mock client is refused through it, and it says it is no test enclave; lcp-enclave-test (its
# own MRENCLAVE) has the mock and says so. Also: `lcp dev` is labelled a development tool. $LCP_BIN is the binary
# under test; both enclaves sit beside it.
set -u
LCP=${LCP_BIN:-build/rel/bin/lcp}
REL="$(dirname "$LCP")/lcp-enclave"
TST="$(dirname "$LCP")/lcp-enclave-test"
T=$(mktemp -d /tmp/lcp-rel-XXXXXX); trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
L() { "$LCP" --home "$T/home" --sim_platform "$T/sim" "$@"; }

# The code is not there: no mock type URL in the release binary (the test binary shows the probe finds it).
grep -q '/ibc\.mock\.ClientState' "$TST" || fail "the probe does not find the mock in lcp-enclave-test"
grep -q '/ibc\.mock\.' "$REL" && fail "the release lcp-enclave contains the mock light client"
grep -q 'lcp-enclave-test' "$REL" && fail "the release lcp-enclave contains the test enclave's code"

L sim init >/dev/null || fail "sim init"
L enclave metadata > "$T/rel.json" || fail "metadata (release)"
L --enclave "$TST" enclave metadata > "$T/tst.json" || fail "metadata (test)"
grep -q '"test_enclave":.*false' "$T/rel.json" || fail "the release enclave does not say it is no test enclave"
grep -q '"test_enclave":.*true' "$T/tst.json" || fail "the test enclave does not say it is one"
MR=$(sed -n 's/.*"mrenclave":[^"]*"\(0x[0-9a-f]*\)".*/\1/p' "$T/rel.json")
MT=$(sed -n 's/.*"mrenclave":[^"]*"\(0x[0-9a-f]*\)".*/\1/p' "$T/tst.json")
[ ${#MR} -eq 66 ] && [ ${#MT} -eq 66 ] || fail "no mrenclave"
[ "$MR" != "$MT" ] || fail "the test enclave has the release enclave's MRENCLAVE"

# A mock client through each: refused by the release enclave, created by the test enclave (each with a key).
L enclave generate-key > "$T/key" || fail "generate-key"
L attestation dcap --enclave_key "$(cat "$T/key")" --allow_debug > /dev/null || fail "attestation dcap"
L --enclave "$TST" enclave generate-key > "$T/tkey" || fail "generate-key (test)"
L --enclave "$TST" attestation dcap --enclave_key "$(cat "$T/tkey")" --allow_debug > /dev/null || fail "attestation dcap (test)"
CS=$(printf '\012\010\012\002\020\005\020\200\200\004' | base64 -w0)
printf '{"any_client_state":{"type_url":"/ibc.mock.ClientState","value":"%s"},"any_consensus_state":{"type_url":"/ibc.mock.ConsensusState","value":"%s"}}' "$CS" "$CS" > "$T/mock.json"
L elc create-client --input "$T/mock.json" > /dev/null 2> "$T/err" && fail "the release enclave created a mock client"
grep -q 'no light client for /ibc.mock.ClientState' "$T/err" || fail "mock refusal does not say why: $(cat "$T/err")"
L --enclave "$TST" elc create-client --input "$T/mock.json" | grep -q '"mock-client-0"' || fail "the test enclave refused the mock"

# The development command says what it is, and its chain passes the release enclave's real light client.
"$LCP" --help | grep -q 'dev .*DEVELOPMENT' || fail "lcp --help does not label dev as a development tool"
"$LCP" dev tendermint-chain --help | grep -q 'DEVELOPMENT TOOL' || fail "dev tendermint-chain --help"
"$LCP" dev tendermint-chain 2>/dev/null; [ $? -eq 2 ] || fail "dev tendermint-chain without --out is not a usage error"
"$LCP" dev tendermint-chain --out "$T/c" --client_id 07-tendermint-5 > "$T/sum.json" || fail "dev tendermint-chain"
grep -q '"note":.*DEVELOPMENT' "$T/sum.json" || fail "the chain summary does not say development"
L elc create-client --input "$T/c/create.json" | grep -q '"07-tendermint-5"' || fail "create (tendermint)"
L elc update-client --input "$T/c/update-1.json" | grep -q '"signature"' || fail "update 1"
L elc update-client --input "$T/c/update-2.json" | grep -q '"signature"' || fail "update 2"
L elc verify-membership --input "$T/c/membership.json" > "$T/vm.out" || fail "verify-membership"
"$LCP" commitment decode "$T/vm.out" | grep -q '"VerifyMembership"' || fail "membership commitment"
L elc verify-non-membership --input "$T/c/non-membership.json" > /dev/null || fail "verify-non-membership"
# A header replayed is refused by the real light client (the mock would not care about proofs, the client does).
sed 's/"client_id":[^,]*/"client_id": "07-tendermint-5"/' "$T/c/membership.json" | sed 's/"value":[^,]*/"value": "AAAA"/' > "$T/bad.json"
L elc verify-membership --input "$T/bad.json" > /dev/null 2>&1 && fail "a membership of the wrong value was signed"
echo "ok: release enclave without test code; dev chain through the real light client"
