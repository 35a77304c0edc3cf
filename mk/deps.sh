#!/bin/sh
# Installs the Debian packages lcp-c builds and tests with, when any is missing. Idempotent and quiet when all
# are present; needs root (or sudo) only when something must be installed.
set -eu
PKGS="build-essential clang pkg-config libssl-dev libsecp256k1-dev libsodium-dev liblmdb-dev libnghttp2-dev
libprotobuf-c-dev protobuf-c-compiler libcjson-dev libseccomp-dev libcmocka-dev openssl nodejs npm git python3
prometheus reprotest"
missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
# kubectl (kustomize rendering in tests/ops/test_deploy.sh): any kubectl on PATH will do; Debian ships it as
# kubernetes-client.
command -v kubectl >/dev/null 2>&1 || missing="$missing kubernetes-client"
[ -z "$missing" ] && exit 0
# Node.js may come from elsewhere than Debian (the CI image ships its own): accept any working node and npm.
case "$missing" in *nodejs*|*npm*)
    if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
        missing=$(echo "$missing" | sed 's/ nodejs//; s/ npm//')
    fi;;
esac
[ -z "$(echo $missing)" ] && exit 0
echo "deps: installing Debian packages:$missing" >&2
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
# Another apt (unattended upgrades, a parallel job) may hold the lock: wait for it instead of failing.
LOCK_WAIT="-o DPkg::Lock::Timeout=600"
# shellcheck disable=SC2086
$SUDO apt-get $LOCK_WAIT update -qq
# shellcheck disable=SC2086
$SUDO apt-get $LOCK_WAIT install -y -q --no-install-recommends $missing
echo "deps: installed:$missing" >&2
