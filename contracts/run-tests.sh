#!/bin/sh
# The on-chain LCP client's tests (contracts/test/*.test.mjs): compile with the pinned solc from npm, run on an
# in-process EVM (@ethereumjs/vm, Osaka) under Node's test runner. Run from the project root (make contracts-test).
# `run-tests.sh fuzz [options]` runs the contract fuzzer instead (make contracts-fuzz; contracts/fuzz/fuzz.mjs).
set -eu
if ! node -e 'require.resolve("solc"); require.resolve("@ethereumjs/vm")' >/dev/null 2>&1; then
    npm ci --no-audit --no-fund >/dev/null
fi
node contracts/build.mjs >/dev/null
if [ "${1:-}" = fuzz ]; then
    shift
    exec node contracts/fuzz/fuzz.mjs "$@"
fi
exec node --test --test-concurrency=1 contracts/test/*.test.mjs
