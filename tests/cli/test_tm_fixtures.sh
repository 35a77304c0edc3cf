#!/bin/sh
# LCP's recorded Tendermint client runs (testdata/lcp/lcp-solidity/client/01, 02, 03) replayed through the CLI and
# the enclave process, as an operator would: a fresh home per run (sim platform, a generated key attested with the
# test PKI), then `lcp elc create-client --input <init_client_input>` and `lcp elc update-client --input
# <update_client_input>` in order. Every printed message must equal the fixture's byte for byte (base64 equal);
# signatures differ (other keys) but must be by our key, and the init commitment is unsigned, as LCP's.
# $LCP_BIN is the binary under test; lcp-enclave sits beside it.
set -u
LCP=${LCP_BIN:-build/rel/bin/lcp}
T=$(mktemp -d /tmp/lcp-tmfix-XXXXXX); trap 'rm -rf "$T"' EXIT
DATA=../shared/testdata
FIX=$DATA/lcp/lcp-solidity/client
fail() { echo "FAIL: $*"; exit 1; }
# field NAME of JSON file FILE ("proof.message" style paths)
field() { node -e "let j=JSON.parse(require('fs').readFileSync('$1'));for(const k of '$2'.split('.'))j=j[k];process.stdout.write(String(j))"; }

"$LCP" --sim_platform "$T/sim" sim init > /dev/null || fail "sim init"
for d in 01 02 03; do
    L() { "$LCP" --home "$T/home-$d" --sim_platform "$T/sim" "$@"; }
    KEY=$(L enclave generate-key) || fail "$d: generate-key"
    L attestation simulate --enclave_key "$KEY" --signing_cert_path "$DATA/lcp/lcp-solidity/certs/simulation_signing.der" \
        --signing_key "$DATA/lcp/lcp/tests/certs/signing.key" > /dev/null || fail "$d: attestation simulate"
    n=0
    for in in "$FIX/$d"/*_input; do
        name=$(basename "$in" _input)
        case "$name" in
        *init_client) verb=create-client ;;
        *update_client) verb=update-client ;;
        *) continue ;;
        esac
        L elc $verb --input "$in" --signer "$KEY" > "$T/out.json" 2> "$T/err" || fail "$d/$name: $(cat "$T/err")"
        if [ $verb = create-client ]; then
            [ "$(field "$T/out.json" client_id)" = 07-tendermint-0 ] || fail "$d/$name: client id"
            got=$(field "$T/out.json" proof.message); sig=$(field "$T/out.json" proof.signature)
            want=$(field "$FIX/$d/${name}_result" proof.message)
            [ -z "$sig" ] || fail "$d/$name: create-client commitment is signed"
        else
            got=$(field "$T/out.json" message); sig=$(field "$T/out.json" signature)
            want=$(field "$FIX/$d/${name}_result" message)
            node -e "process.stdout.write(Buffer.from('$got','base64'))" > "$T/m.bin"
            hex=$(node -e "process.stdout.write(Buffer.from('$sig','base64').toString('hex'))")
            "$LCP" commitment verify --message "$T/m.bin" --signature "$hex" | grep -qi "$KEY" ||
                fail "$d/$name: not signed by $KEY"
        fi
        [ "$got" = "$want" ] || fail "$d/$name: message differs from LCP's"
        n=$((n + 1))
    done
    [ $n -ge 3 ] || fail "$d: only $n commands replayed"
    # the stored state: latest height is the last update's
    printf '{"client_id":"07-tendermint-0"}' > "$T/q.json"
    L elc query-client --input "$T/q.json" | grep -q '"found":.*true' || fail "$d: query-client"
    # a second create is numbered by the enclave; a header with one flipped byte is refused and changes nothing
    init=$(ls "$FIX/$d"/*init_client_input | head -1)
    L elc create-client --input "$init" --signer "$KEY" > "$T/out.json" || fail "$d: second create-client"
    [ "$(field "$T/out.json" client_id)" = 07-tendermint-1 ] || fail "$d: second client id"
    upd=$(ls "$FIX/$d"/*update_client_input | tail -1)
    node -e "const j=JSON.parse(require('fs').readFileSync('$upd'));const v=Buffer.from(j.any_header.value,'base64');
             v[200]^=1;j.any_header.value=v.toString('base64');process.stdout.write(JSON.stringify(j))" > "$T/bad.json"
    L elc update-client --input "$T/bad.json" --signer "$KEY" > /dev/null 2> "$T/err" && fail "$d: tampered header accepted"
    grep -q "error: enclave: ." "$T/err" || fail "$d: tampered header refused without a reason: $(cat "$T/err")"
    echo "ok: $d ($n commands byte-identical)"
done
echo "ok: tendermint fixtures through the CLI"
