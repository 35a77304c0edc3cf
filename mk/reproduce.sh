#!/bin/sh
# `make reproduce` (and the last step of `make test`): lcp-enclave must build to identical bytes under varied
# build conditions, and measure to the published value in enclave/mrenclave.yaml (mk/mrenclave.sh).
#
# With Debian's reprotest (make deps installs it): the tracked files of this tree are copied to a clean directory
# and reprotest builds them twice, a control build and an experiment that varies whatever this machine allows:
#   always: environment, build_path, home, exec_path, timezone, locales, umask, kernel (uname), aslr, num_cpus,
#           domain_host;
#   time (needs faketime), user_group (needs sudo and a build user), fileordering (needs disorderfs and FUSE):
#           only when their tools are installed; the script prints which ran and which did not, and why.
# Without reprotest: two plain builds in directories of different names and depths.
set -eu
root=$(pwd)
LCP="${BUILD:-build}/rel/bin/lcp"
tmp=$(mktemp -d /tmp/lcp-reproduce-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/src"
git ls-files -z | (cd "$root" && xargs -0 cp --parents -t "$tmp/src")
BUILD_CMD='make -j2 --no-print-directory BUILD=build TESTDATA=/nonexistent build/rel/bin/lcp-enclave >/dev/null 2>&1'

if command -v reprotest >/dev/null 2>&1; then
    vary="+environment,+build_path,+home,+exec_path,+timezone,+locales,+umask,+kernel,+aslr,+num_cpus,+domain_host"
    skipped=""
    if command -v faketime >/dev/null 2>&1; then vary="$vary,+time"; else vary="$vary,-time"; skipped="$skipped time(no faketime)"; fi
    if command -v sudo >/dev/null 2>&1 && id lcpbuild >/dev/null 2>&1; then
        vary="$vary,+user_group"; extra="--vary=user_group.available+=lcpbuild:lcpbuild"
    else
        vary="$vary,-user_group"; extra=""; skipped="$skipped user_group(no sudo or no lcpbuild user)"
    fi
    if command -v disorderfs >/dev/null 2>&1 && [ -w /dev/fuse ]; then vary="$vary,+fileordering"
    else vary="$vary,-fileordering"; skipped="$skipped fileordering(no disorderfs or FUSE)"; fi
    echo "reproduce: reprotest varies: $(echo "$vary" | tr ',' ' ' | sed 's/-[a-z_]*//g; s/+//g; s/  */ /g')"
    echo "reproduce: not varied here:$skipped"
    # shellcheck disable=SC2086
    if ! (cd "$tmp" && reprotest --variations="$vary" $extra --min-cpus=2 --store-dir="$tmp/out" -s src \
            "$BUILD_CMD" build/rel/bin/lcp-enclave > "$tmp/reprotest.log" 2>&1); then
        grep -v '^WARNING' "$tmp/reprotest.log" | tail -30
        echo "reproduce: FAILED: reprotest found differences (or the build failed)"; exit 1
    fi
    grep -q 'Reproduction successful' "$tmp/reprotest.log" || { tail -20 "$tmp/reprotest.log"; exit 1; }
    A="$tmp/out/control/source-root/build/rel/bin/lcp-enclave"
    [ -f "$A" ] || A=$(find "$tmp/out" -path '*control*' -name lcp-enclave -type f | head -1)
    echo "reproduce: reprotest: both builds identical ($(sed -n 's/ .*//p' "$tmp/out/SHA256SUMS"))"
else
    echo "reproduce: reprotest not installed: two plain builds in different directories"
    for d in a b; do
        dir="$tmp/$d/src-$d$d"
        mkdir -p "$dir"
        cp -a "$tmp/src/." "$dir/"
        (cd "$dir" && sh -c "$BUILD_CMD") || { echo "reproduce: build $d failed"; exit 1; }
    done
    A="$tmp/a/src-aa/build/rel/bin/lcp-enclave"
    cmp -s "$A" "$tmp/b/src-bb/build/rel/bin/lcp-enclave" || { echo "reproduce: FAILED: the two builds differ"; exit 1; }
    echo "reproduce: both builds identical"
fi
# The same bytes as this tree's own build, and the published measurement.
[ -f "${BUILD:-build}/rel/bin/lcp-enclave" ] && ! cmp -s "$A" "${BUILD:-build}/rel/bin/lcp-enclave" &&
    echo "reproduce: note: ${BUILD:-build}/rel/bin/lcp-enclave differs from the clean build (a stale or modified tree?)"
sh mk/mrenclave.sh check "$A" "$LCP"
