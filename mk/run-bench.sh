#!/bin/sh
# Runs every benchmark binary, then the Node peers under bench/peers (installed from the committed lock file), so
# that each figure and its peer come from the same run on the same machine.
set -eu
[ -d node_modules ] || npm ci --no-audit --no-fund >/dev/null
for b in "$@"; do "$b"; done
for p in bench/peers/*.mjs; do
    echo "== peer $p"
    node "$p" || echo "peer $p failed"
done
