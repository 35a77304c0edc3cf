#!/bin/sh
# Runs the Node peers under bench/peers (installed from the committed lock file), then every benchmark binary, so
# that each figure and its peer come from the same run on the same machine. A peer's line
# "peer-figure <name> <value>" reaches the benchmarks as LCP_PEER_<name> (bench/harness.h lcp_bench_peer), and
# they print their ratio to it next to their own figure.
set -eu
[ -d node_modules ] || npm ci --no-audit --no-fund >/dev/null
figures=$(mktemp)
trap 'rm -f "$figures"' EXIT
for p in bench/peers/*.mjs; do
    echo "== peer $p"
    if ! node "$p" >"$figures.out"; then echo "peer $p failed"; fi
    cat "$figures.out"
    grep '^peer-figure [A-Za-z0-9_]* [0-9.]*$' "$figures.out" >>"$figures" || true
    rm -f "$figures.out"
done
while read -r _ name value; do
    export "LCP_PEER_$name=$value"
done <"$figures"
for b in "$@"; do "$b"; done
