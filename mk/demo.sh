#!/bin/sh
# `make run`: the main job. Until the LCP service exists this is the end-to-end demonstration of what does:
# real LCP commitments and attestation reports replayed through lcp-c's LCP client.
set -eu
exec "${BUILD:-build}/rel/bin/lcp" demo --testdata "${LCP_TESTDATA:-../shared/testdata}"
