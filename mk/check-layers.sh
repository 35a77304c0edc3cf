#!/bin/sh
# Enforces DESIGN.md's floors: a module may include only public headers of modules on lower floors (or its own).
set -u
floor() { case $1 in base) echo 1;; crypto|codec) echo 2;; commitment|attestation) echo 3;;
  tee|elc|lcpclient) echo 4;; enclave|host) echo 5;; service|dev) echo 6;; cli) echo 7;; *) echo 0;; esac; }
bad=0
for f in $(find src -name '*.c' -o -name '*.h'); do
    m=$(echo "$f" | cut -d/ -f2); fm=$(floor "$m")
    for inc in $(grep -ho '#include "lcp/[a-z_]*' "$f" | sed 's|.*lcp/||; s|_.*||'); do
        [ "$inc" = errors ] && continue
        fi=$(floor "$inc")
        if [ "$inc" != "$m" ] && [ "$fi" -ge "$fm" ]; then echo "layer violation: $f includes lcp/$inc"; bad=1; fi
    done
done
# The trusted side never reaches the untrusted one, and the verifier never reaches the enclave.
# dev (development tools: the test-chain generator) is on floor 6 beside service, for the CLI, tests and benchmarks.
grep -rlE '#include "lcp/(host|service|cli|lcpclient|dev)' src/enclave src/elc src/tee 2>/dev/null && bad=1
grep -rlE '#include "lcp/(enclave|host|tee|elc)' src/lcpclient 2>/dev/null && bad=1
[ $bad -eq 0 ] && echo "layers ok"
exit $bad
