#!/bin/sh
# `make reproduce`: builds lcp-enclave twice, from the tracked files of this tree copied into two separate clean
# directories, and fails unless both builds are byte-identical and measure to the same MRENCLAVE. Anyone can then
# rebuild the published enclave and compare its MRENCLAVE with the one an LCP client trusts.
set -eu
root=$(pwd)
tmp=$(mktemp -d /tmp/lcp-reproduce-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
for d in a b; do
    # Different depths and names on purpose: no path may leak into the binary.
    dir="$tmp/$d/src-$d$d"
    mkdir -p "$dir"
    git ls-files -z | (cd "$root" && xargs -0 cp --parents -t "$dir")
    echo "reproduce: building lcp-enclave in $dir"
    make -C "$dir" -j2 --no-print-directory BUILD=build TESTDATA=/nonexistent build/rel/bin/lcp-enclave >"$tmp/$d.log" 2>&1 ||
        { tail -30 "$tmp/$d.log"; exit 1; }
done
A="$tmp/a/src-aa/build/rel/bin/lcp-enclave"
B="$tmp/b/src-bb/build/rel/bin/lcp-enclave"
LCP="${BUILD:-build}/rel/bin/lcp"
ma=$("$LCP" sim measure "$A" --debug | grep '"mrenclave"')
mb=$("$LCP" sim measure "$B" --debug | grep '"mrenclave"')
echo "reproduce: build a $ma"
echo "reproduce: build b $mb"
if ! cmp -s "$A" "$B"; then
    echo "reproduce: FAILED: the two builds differ"; cmp "$A" "$B" | head -3; exit 1
fi
[ "$ma" = "$mb" ] || { echo "reproduce: FAILED: MRENCLAVE differs"; exit 1; }
echo "reproduce: ok, both builds are identical (sim MRENCLAVE as above; debug config)"
