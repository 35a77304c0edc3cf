#!/bin/sh
# Runs the Node peers under bench/peers (installed from the committed lock file), then every benchmark binary, so
# that each figure and its peer come from the same run on the same machine. A peer's line
# "peer-figure <name> <value>" reaches the benchmarks as LCP_PEER_<name> (bench/harness.h lcp_bench_peer), and
# they print their ratio to it next to their own figure. A failing peer or benchmark is reported and the others
# still run; the exit status says whether all succeeded.
set -u
# Install when a package of the lock file is missing from node_modules (e.g. a checkout from before a peer was added).
if ! node -e 'const l = require("./package-lock.json").packages;
        for (const p of Object.keys(l)) if (p && !require("fs").existsSync(p)) process.exit(1);' 2>/dev/null; then
    npm ci --no-audit --no-fund >/dev/null || { echo "bench: npm ci failed" >&2; exit 1; }
fi
for v in $(env | sed -n 's/^\(LCP_PEER_[A-Za-z0-9_]*\)=.*/\1/p'); do unset "$v"; done # only this run's figures
figures=$(mktemp)
trap 'rm -f "$figures" "$figures.out"' EXIT
failed=""
for p in bench/peers/*.mjs; do
    echo "== peer $p"
    if node "$p" >"$figures.out"; then
        cat "$figures.out"
        grep '^peer-figure ' "$figures.out" | while read -r _ name value; do
            case "$name" in *[!A-Za-z0-9_]*|"") echo "bench: peer $p: unusable figure name '$name'" >&2; continue;; esac
            case "$value" in ''|*[!0-9.]*) echo "bench: peer $p: unusable value '$value' for $name" >&2; continue;; esac
            echo "$name $value"
        done >>"$figures"
    else
        cat "$figures.out"
        echo "peer $p failed: its figures are not used"
        failed="$failed $p"
    fi
done
while read -r name value; do
    export "LCP_PEER_$name=$value"
done <"$figures"
for b in "$@"; do
    "$b" || { echo "benchmark $b failed"; failed="$failed $b"; }
done
[ -z "$failed" ] || { echo "bench: failed:$failed"; exit 1; }
