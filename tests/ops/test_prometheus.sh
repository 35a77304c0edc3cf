#!/bin/sh
# A real Prometheus (Debian's prometheus package) on loopback scrapes a live `lcp service` with the rules of
# deploy/monitoring/ and must fire real alerts: a key attested with a 1-hour validity (LcpEnclaveKeyExpiresSoon
# against the 7-day policy buffer), and a key attested after a simulated TCB recovery (LcpTcbStatusNotUpToDate
# with status OutOfDate, LcpAdvisoryNotAllowed for the new advisory). LcpNoValidEnclaveKey must stay silent.
# Also checks the rules with promtool (check + unit tests). $LCP_BIN is the binary under test.
set -u
LCP=${LCP_BIN:-build/rel/bin/lcp}
T=$(mktemp -d)
SVC_PID=
PROM_PID=
cleanup() {
    [ -n "$PROM_PID" ] && kill "$PROM_PID" 2>/dev/null && wait "$PROM_PID" 2>/dev/null
    [ -n "$SVC_PID" ] && kill "$SVC_PID" 2>/dev/null && wait "$SVC_PID" 2>/dev/null
    rm -rf "$T"
}
trap cleanup EXIT
fail() {
    echo "FAIL: $*"
    [ -s "$T/prom.log" ] && { echo "--- prometheus log (last lines):"; tail -15 "$T/prom.log"; }
    [ -s "$T/err" ] && { echo "--- service stderr (last lines):"; tail -10 "$T/err"; }
    exit 1
}
command -v promtool >/dev/null 2>&1 || fail "promtool is required (Debian package prometheus; make deps)"
command -v prometheus >/dev/null 2>&1 || fail "prometheus is required (Debian package prometheus; make deps)"
M=deploy/monitoring
. tests/ops/lib.sh

# Static checks and the unit tests of every alert.
promtool check rules "$M/lcp-rules.yaml" "$M/lcp-policy-rules.yaml" > "$T/check.out" 2>&1 || { cat "$T/check.out"; fail "promtool check rules"; }
promtool test rules "$M"/tests/*.yaml > "$T/test.out" 2>&1 || { cat "$T/test.out"; fail "promtool test rules"; }
echo "promtool: rules checked, unit tests pass"
# Every alert has its section in the handbook (the runbook annotation points there), and every alert is tested.
for a in $(sed -n 's/^ *- alert: //p' "$M/lcp-rules.yaml"); do
    grep -q "^### $a\$" docs/operations.md || fail "alert $a has no section in docs/operations.md"
    grep -q "alertname: $a\$" "$M"/tests/*.yaml || fail "alert $a has no promtool unit test"
done

# A simulated platform and two keys: one UpToDate with a 1-hour validity, one OutOfDate after a TCB recovery.
P="$T/sim"
export LCP_HOME="$T/home"
"$LCP" --sim_platform "$P" sim init >/dev/null || fail "sim init"
K1=$("$LCP" --sim_platform "$P" --log_level off enclave generate-key) || fail "generate-key"
"$LCP" --sim_platform "$P" attestation dcap --enclave_key "$K1" --allow_debug --key_validity 1h > "$T/a1.json" ||
    fail "attestation dcap --key_validity 1h"
"$LCP" --sim_platform "$P" sim tcb-recovery --advisory INTEL-SA-00999 >/dev/null || fail "sim tcb-recovery"
K2=$("$LCP" --sim_platform "$P" --log_level off enclave generate-key) || fail "generate-key"
"$LCP" --sim_platform "$P" attestation dcap --enclave_key "$K2" --allow_debug --key_validity 30m \
    --allowed_statuses OutOfDate --allowed_advisory_ids INTEL-SA-00999 > "$T/a2.json" || fail "attestation dcap (OutOfDate)"
grep -q '"OutOfDate"' "$T/a2.json" || fail "the second key is not OutOfDate: $(cat "$T/a2.json")"

"$LCP" --sim_platform "$P" service start --address 127.0.0.1:0 --metrics_address 127.0.0.1:0 --threads 1 \
    > "$T/out" 2> "$T/err" &
SVC_PID=$!
wait_started "$T/out" "$SVC_PID"
[ -n "$METRICS" ] || fail "no metrics address in: $(cat "$T/out")"

# A free loopback port for Prometheus (the kernel picks it; Prometheus cannot report port 0).
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cp "$M/lcp-rules.yaml" "$M/lcp-policy-rules.yaml" "$T/"
cat > "$T/prometheus.yml" <<YML
global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files: [lcp-rules.yaml, lcp-policy-rules.yaml]
scrape_configs:
  - job_name: lcp
    static_configs:
      - targets: ['$METRICS']
YML
prometheus --config.file="$T/prometheus.yml" --storage.tsdb.path="$T/data" --web.listen-address="127.0.0.1:$PORT" \
    > "$T/prom.log" 2>&1 &
PROM_PID=$!

# $1 = API path; prints the body.
api() { python3 -c 'import sys,urllib.request; print(urllib.request.urlopen("http://127.0.0.1:'"$PORT"'"+sys.argv[1], timeout=5).read().decode())' "$1" 2>/dev/null; }
# $1 = alert name, $2 = a label fragment that must be on it (or ""): waits until it fires.
firing() {
    api /api/v1/alerts | python3 -c '
import json, sys
name, frag = sys.argv[1], sys.argv[2]
alerts = json.load(sys.stdin)["data"]["alerts"]
sys.exit(0 if any(a["labels"]["alertname"] == name and a["state"] == "firing" and
                  all(a["labels"].get(k) == v for k, v in [f.split("=") for f in frag.split(",") if f])
                  for a in alerts) else 1)' "$1" "$2"
}
wait_firing() {
    i=0
    until firing "$1" "$2"; do
        i=$((i + 1)); [ $i -gt 60 ] && fail "$1 did not fire in 60 s; alerts: $(api /api/v1/alerts)"
        kill -0 "$PROM_PID" 2>/dev/null || fail "prometheus exited"
        sleep 1
    done
    echo "firing: $1 $2"
}
wait_firing LcpEnclaveKeyExpiresSoon "job=lcp,instance=$METRICS"
wait_firing LcpTcbStatusNotUpToDate "status=OutOfDate"
wait_firing LcpAdvisoryNotAllowed "advisory_id=INTEL-SA-00999"
# The negative control: two valid keys, so no LcpNoValidEnclaveKey (pending or firing) and the service is ready.
api '/api/v1/alerts' | grep -q 'LcpNoValidEnclaveKey' && fail "LcpNoValidEnclaveKey is pending or firing with valid keys"
api '/api/v1/alerts' | grep -q 'LcpNotReady' && fail "LcpNotReady is pending or firing on a ready service"
# The recording rule an operator's dashboard shows: about one hour left on the newest key.
ttl=$(api '/api/v1/query?query=lcp:enclave_key_time_to_expiry_seconds' | python3 -c '
import json, sys; r = json.load(sys.stdin)["data"]["result"]; print(int(float(r[0]["value"][1])) if r else -1)')
[ "$ttl" -gt 3000 ] && [ "$ttl" -le 3600 ] || fail "lcp:enclave_key_time_to_expiry_seconds is $ttl, expected about 3600"
echo "recording rule: newest key expires in $ttl s"
echo "ok"
