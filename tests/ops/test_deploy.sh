#!/bin/sh
# deploy/: renders every overlay (and deploy/monitoring) with `kubectl kustomize`, validates every object against
# the Kubernetes API schemas (tools/k8s-validate.mjs: npm kubernetes-models and its prometheus-operator models),
# and checks the rules of issue 14 on the result (tests/ops/deploy_invariants.mjs). Shows that adding an enclave
# instance on a new node is one overlay entry: a copy of enclave-1/ with its node name, plus one line, renders to
# three pinned instances. Runs the sim overlay's container command lines here. Checks that the committed
# PrometheusRule is the one generated from the rule files, and that the validator refuses a broken object (it is
# not a no-op).
set -u
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
command -v kubectl >/dev/null 2>&1 || fail "kubectl is required (Debian package kubernetes-client; make deps)"
command -v node >/dev/null 2>&1 || fail "node is required"
[ -d node_modules/kubernetes-models ] && [ -d node_modules/js-yaml ] ||
    npm ci --no-audit --no-fund >/dev/null 2>&1 || fail "npm ci failed (node_modules missing)"
echo "kubectl: $(kubectl version --client 2>/dev/null | head -1)"

render() { kubectl kustomize "$1" 2>"$T/kerr" || { cat "$T/kerr"; return 1; }; }
for o in deploy/overlays/*/; do
    o=${o%/}; name=$(basename "$o")
    render "$o" > "$T/$name.yaml" || fail "kubectl kustomize $o"
    node tools/k8s-validate.mjs "$name" < "$T/$name.yaml" > "$T/$name.val" || { cat "$T/$name.val"; fail "$o: schema validation"; }
    tail -1 "$T/$name.val"
    node tests/ops/deploy_invariants.mjs "$name" < "$T/$name.yaml" || fail "$o: deployment rules"
done
render deploy/monitoring > "$T/mon.yaml" || fail "kubectl kustomize deploy/monitoring"
node tools/k8s-validate.mjs monitoring < "$T/mon.yaml" > "$T/mon.val" || { cat "$T/mon.val"; fail "deploy/monitoring: schema validation"; }
tail -1 "$T/mon.val"
node tools/prometheusrule.mjs > "$T/pr.yaml" || fail "tools/prometheusrule.mjs"
cmp -s "$T/pr.yaml" deploy/monitoring/prometheusrule.yaml ||
    fail "deploy/monitoring/prometheusrule.yaml is stale: run make monitoring-rules"

# A third instance on a new node: copy an instance directory, name the node, add one entry.
cp -r deploy "$T/d"
A="$T/d/overlays/aks-sgx"
cp -r "$A/enclave-1" "$A/enclave-2"
sed -i 's/enclave-1/enclave-2/g; s/vmss000001/vmss000002/g' "$A/enclave-2/kustomization.yaml" "$A/enclave-2/node.yaml"
sed -i 's/^  - enclave-1$/  - enclave-1\n  - enclave-2/' "$A/kustomization.yaml"
render "$A" > "$T/three.yaml" || fail "kubectl kustomize with a third instance"
node tools/k8s-validate.mjs aks-sgx+1 < "$T/three.yaml" > "$T/three.val" || { cat "$T/three.val"; fail "third instance: schema"; }
node tests/ops/deploy_invariants.mjs aks-sgx < "$T/three.yaml" > "$T/three.inv" || { cat "$T/three.inv"; fail "third instance: rules"; }
grep -q '3 instance(s)' "$T/three.inv" || fail "a third instance did not render: $(cat "$T/three.inv")"
echo "aks-sgx + enclave-2: $(cat "$T/three.inv")"

# The sim overlay's container command lines, as rendered, run here: the init container twice (idempotent), then
# the service on a fresh home (volume paths and listen addresses moved to this machine's temporary directory and
# loopback). It must start, bootstrap its first key by rotation, be ready, and stop cleanly on SIGTERM.
LCP=${LCP_BIN:-build/rel/bin/lcp}
mkdir -p "$T/vol"
node -e '
const y = require("js-yaml"); const fs = require("fs");
const d = y.loadAll(fs.readFileSync(process.argv[1], "utf8")).find((o) => o && o.kind === "Deployment");
const p = d.spec.template.spec;
console.log(JSON.stringify({init: p.initContainers[0].args, main: p.containers[0].args}));' "$T/sim.yaml" > "$T/args.json" ||
    fail "cannot read the sim Deployment's args"
python3 - "$LCP" "$T" <<'PY' || fail "the sim overlay's command lines do not run"
import json, subprocess, sys, time, urllib.request
lcp, T = sys.argv[1], sys.argv[2]
a = json.load(open(T + "/args.json"))
fix = lambda args: [x.replace("/var/lib/lcp", T + "/vol").replace("0.0.0.0:", "127.0.0.1:").replace(":50051", ":0")
                    .replace(":9090", ":0") for x in args]
for _ in range(2):
    subprocess.run([lcp] + fix(a["init"]), check=True, capture_output=True, timeout=60)
p = subprocess.Popen([lcp] + fix(a["main"]), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
try:
    text = ""
    while not text.rstrip().endswith("}"):
        line = p.stdout.readline()
        assert line, "the service exited at start: " + p.stderr.read()[-500:]
        text += line
    out = json.loads(text)
    assert out["backend"] == "sim" and "SIMULATED" in out["note"], out
    ready = ""
    for _ in range(100):
        try:
            ready = urllib.request.urlopen("http://%s/readyz" % out["metrics"], timeout=5).read().decode()
            break
        except Exception:
            time.sleep(0.1)
    assert ready.startswith("ready"), ready
    met = urllib.request.urlopen("http://%s/metrics" % out["metrics"], timeout=5).read().decode()
    for want in ('lcp_backend_info{backend="sim"} 1', "lcp_key_rotation_pending 1", 'lcp_key_rotations_total{step="generated"} 1'):
        assert want in met, want
finally:
    p.terminate()
    p.wait(timeout=60)
assert p.returncode == 0, p.returncode
print("sim overlay command lines: init (twice) and service ran; first key made by rotation, ready, clean stop")
PY

# The validator and the rules must be able to fail.
sed 's/^  replicas: 1$/  replicas: "one"/' "$T/sim.yaml" > "$T/bad.yaml"
node tools/k8s-validate.mjs bad < "$T/bad.yaml" > "$T/bad.val" && fail "the validator accepted replicas: \"one\""
grep -q 'INVALID' "$T/bad.val" || fail "no INVALID line for a broken object"
printf 'apiVersion: example.com/v1\nkind: Nothing\nmetadata: {name: x}\n' | node tools/k8s-validate.mjs unknown >/dev/null &&
    fail "the validator accepted a kind without a schema"
sed 's/readOnlyRootFilesystem: true/readOnlyRootFilesystem: false/' "$T/aks-sgx.yaml" |
    node tests/ops/deploy_invariants.mjs aks-sgx > /dev/null && fail "the rules accepted a writable root filesystem"
sed 's/vmss000001/vmss000000/' "$T/aks-sgx.yaml" |
    node tests/ops/deploy_invariants.mjs aks-sgx > /dev/null && fail "the rules accepted two instances on one node"
echo "ok"
