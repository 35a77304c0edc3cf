#!/bin/sh
# The published measurement of lcp-enclave (enclave/mrenclave.yaml), one entry per build config.
#   sh mk/mrenclave.sh check ENCLAVE LCP    fails unless ENCLAVE measures to the published value
#   sh mk/mrenclave.sh update ENCLAVE LCP   writes the file from ENCLAVE (make mrenclave-update)
# The build config (product id, SVN, debug flag) is the Makefile's ENCLAVE_CONFIG; the measurement is the sim
# backend's (`lcp sim measure`), the only one computable without SGX hardware.
set -eu
mode=$1 enc=$2 lcp=$3
F=enclave/mrenclave.yaml
cfg=$(sed -n 's/^ENCLAVE_CONFIG := //p' Makefile)
num() { echo "$cfg" | sed -n "s/.*-D$1=\([0-9]*\).*/\1/p"; }
prod=$(num LCP_ENCLAVE_ISV_PROD_ID) svn=$(num LCP_ENCLAVE_ISV_SVN) dbg=$(num LCP_ENCLAVE_DEBUG)
[ -n "$prod" ] && [ -n "$svn" ] && [ -n "$dbg" ] || { echo "mrenclave: cannot read ENCLAVE_CONFIG from the Makefile"; exit 1; }
name="sim-prod${prod}-svn${svn}-$([ "$dbg" = 1 ] && echo debug || echo release)"
flags="--isv_prod_id $prod --isv_svn $svn$([ "$dbg" = 1 ] && echo ' --debug')"
# shellcheck disable=SC2086
m=$("$lcp" sim measure "$enc" $flags) || { echo "mrenclave: lcp sim measure failed"; exit 1; }
mr=$(echo "$m" | sed -n 's/.*"mrenclave":[^"]*"\(0x[0-9a-f]*\)".*/\1/p')
ms=$(echo "$m" | sed -n 's/.*"mrsigner":[^"]*"\(0x[0-9a-f]*\)".*/\1/p')
sum=$(sha256sum "$enc" | cut -d' ' -f1)
case "$mode" in
update)
    cat > "$F" <<YAML
# Published measurements of lcp-enclave, one entry per build config (Makefile ENCLAVE_CONFIG). \`make test\` fails
# when the enclave it builds measures differently, so every change to enclave code shows up in review as a change
# of this file. Refresh it with \`make mrenclave-update\`; rebuild and compare as docs/reproduce.md says.
# "sim": the sim backend's MRENCLAVE (lcp sim measure), computed from the executable's bytes; not an SGX value.
$name:
  backend: sim
  isv_prod_id: $prod
  isv_svn: $svn
  debug: $([ "$dbg" = 1 ] && echo true || echo false)
  mrenclave: "$mr"
  mrsigner: "$ms"
  sha256: "$sum"
YAML
    echo "mrenclave: $F updated: $name $mr";;
check)
    [ -f "$F" ] || { echo "mrenclave: $F is missing: run make mrenclave-update"; exit 1; }
    pub=$(awk -v n="$name:" '$1 == n {on=1; next} /^[^ #]/ {on=0} on && $1 == "mrenclave:" {gsub(/"/, "", $2); print $2}' "$F")
    [ -n "$pub" ] || { echo "mrenclave: no entry $name in $F: run make mrenclave-update"; exit 1; }
    if [ "$pub" != "$mr" ]; then
        echo "mrenclave: FAILED: the built enclave measures $mr, $F publishes $pub for $name."
        echo "mrenclave: if the enclave code changed on purpose, run 'make mrenclave-update' and commit $F."
        exit 1
    fi
    echo "mrenclave: ok, $name measures to the published $mr";;
*) echo "usage: mk/mrenclave.sh check|update ENCLAVE LCP"; exit 2;;
esac
