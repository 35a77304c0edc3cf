#!/bin/sh
# The gramine backend, as far as a machine without SGX and without Gramine can check it:
#  - the launch path: `lcp --backend gramine` starts the enclave as `gramine-sgx lcp-enclave` from the directory of
#    lcp-enclave, with the host socket as stdin, through a stand-in gramine-sgx script (it checks how it was called,
#    then runs lcp-enclave as the manifest's loader.argv says, on the sim backend: there is no /dev/attestation);
#    generate-key and a service round trip go through it; a missing gramine-sgx is a clear error;
#  - the manifest template (deploy/gramine/): rendered as gramine-manifest would (placeholders filled) it is valid
#    TOML and says DCAP, a fixed argv, only LibOS and lcp-enclave as trusted files, nothing writable.
# The gramine TEE code itself (/dev/attestation: report, quote, sealing keys) is unit-tested against an imitation
# directory in tests/tee/test_gramine.c. What cannot run here: a real gramine-sgx, a real quote.
set -u
LCP=${LCP_BIN:-build/rel/bin/lcp}
ENC=$(dirname "$LCP")/lcp-enclave
T=$(mktemp -d)
SVC_PID=
cleanup() { [ -n "$SVC_PID" ] && kill "$SVC_PID" 2>/dev/null && wait "$SVC_PID" 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT
fail() { echo "FAIL: $*"; [ -s "$T/err" ] && tail -5 "$T/err"; exit 1; }
. tests/ops/lib.sh

# The installation directory: lcp-enclave and its (here: stand-in) signed manifest.
D="$T/opt/lcp"
mkdir -p "$D" "$T/bin"
cp "$ENC" "$D/lcp-enclave"
echo "stand-in for a signed manifest" > "$D/lcp-enclave.manifest.sgx"
cat > "$T/bin/gramine-sgx" <<'SH'
#!/bin/sh
# Stand-in for Gramine's gramine-sgx: records how it was started, checks what Gramine would need, then runs the
# enclave with the manifest's argv (sim backend: no SGX here).
echo "cwd=$(pwd) args=$*" >> "$STANDIN_LOG"
[ $# -eq 1 ] && [ "$1" = lcp-enclave ] || { echo "stand-in: expected 'gramine-sgx lcp-enclave', got: $*" >&2; exit 97; }
[ -f lcp-enclave.manifest.sgx ] || { echo "stand-in: no lcp-enclave.manifest.sgx in $(pwd)" >&2; exit 98; }
[ -S /proc/self/fd/0 ] || { echo "stand-in: stdin is not the host socket" >&2; exit 99; }
exec ./lcp-enclave --fd 0 --backend sim --sim_platform "$STANDIN_SIM_PLATFORM"
SH
chmod +x "$T/bin/gramine-sgx"
export STANDIN_LOG="$T/standin.log" STANDIN_SIM_PLATFORM="$T/sim" LCP_HOME="$T/home"
"$LCP" --sim_platform "$T/sim" sim init >/dev/null || fail "sim init"
G() { PATH="$T/bin:$PATH" "$LCP" --backend gramine --enclave "$D/lcp-enclave" --sim_platform "$T/sim" "$@"; }

K=$(G --log_level info enclave generate-key 2> "$T/err") || fail "generate-key through gramine-sgx"
grep -q 'backend gramine' "$T/err" || fail "the log does not say backend gramine"
grep -q "cwd=$D args=lcp-enclave" "$STANDIN_LOG" || fail "not started as 'gramine-sgx lcp-enclave' from $D: $(cat "$STANDIN_LOG")"
echo "launch: $(head -1 "$STANDIN_LOG") -> key $K"

# The service through the same path; its JSON says gramine; the enclave processes are the stand-in's.
(PATH="$T/bin:$PATH" exec "$LCP" --backend gramine --enclave "$D/lcp-enclave" --sim_platform "$T/sim" \
    service start --address 127.0.0.1:0 --threads 2 > "$T/out" 2> "$T/err") &
SVC_PID=$!
wait_started "$T/out" "$SVC_PID"
grep -q '"backend":[[:space:]]*"gramine"' "$T/out" || fail "service start does not say gramine: $(cat "$T/out")"
[ "$(grep -c 'args=lcp-enclave' "$STANDIN_LOG")" -ge 3 ] || fail "the service's workers were not started through gramine-sgx"
kill "$SVC_PID"; wait "$SVC_PID" || fail "service exit status"; SVC_PID=

# No gramine-sgx: a clear error, not a hang.
LCP_GRAMINE_SGX="$T/none/gramine-sgx" "$LCP" --backend gramine --enclave "$D/lcp-enclave" --sim_platform "$T/sim" \
    enclave generate-key > /dev/null 2> "$T/err" && fail "generate-key succeeded without gramine-sgx"
grep -q 'exited with status 127' "$T/err" || fail "missing gramine-sgx: unclear error: $(cat "$T/err")"

# The manifest template, rendered as gramine-manifest would, is TOML with the properties issue 14 asks for.
python3 - deploy/gramine/lcp-enclave.manifest.template <<'PY' || fail "manifest template"
import re, sys, tomllib
text = open(sys.argv[1]).read()
vals = {"gramine.libos": "/usr/lib/x86_64-linux-gnu/gramine/libsysdb.so", "log_level": "error", "debug": "false",
        "enclave_size": "512M", "max_threads": "16"}
text = re.sub(r"\{\{\s*([\w.]+)\s*\}\}", lambda m: vals[m.group(1)], text)
m = tomllib.loads(text)
sgx, loader = m["sgx"], m["loader"]
assert sgx["remote_attestation"] == "dcap", "DCAP"
assert sgx["enclave_size"] == "512M" and sgx["max_threads"] == 16, "size and threads"
assert sgx["trusted_files"] == ["file:" + vals["gramine.libos"], "file:lcp-enclave"], "only LibOS and lcp-enclave trusted"
assert "allowed_files" not in sgx, "no allowed (untrusted, writable) files"
assert all(mt.get("type") not in ("encrypted", "tmpfs") for mt in m["fs"]["mounts"]), "no writable mounts"
assert loader["argv"] == ["lcp-enclave", "--fd", "0", "--backend", "gramine"], "fixed argv"
assert "insecure__use_cmdline_argv" not in loader, "argv not from the host"
assert sgx["debug"] is False
print("manifest template: DCAP, 512M, 16 threads, trusted = LibOS + lcp-enclave, nothing writable, fixed argv")
PY
echo "ok"
