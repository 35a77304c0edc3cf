#!/bin/sh
# deploy/: renders every overlay (and deploy/monitoring) with `kubectl kustomize`, validates every object against
# the Kubernetes API schemas (tools/k8s-validate.mjs: npm kubernetes-models and its prometheus-operator models),
# and checks the rules of issue 14 on the result (tests/ops/deploy_invariants.mjs). Shows that adding an enclave
# instance on a new node is one overlay entry: a copy of enclave-1/ with its node name, plus one line, renders to
# three pinned instances. Checks that the committed PrometheusRule is the one generated from the rule files, and
# that the validator refuses a broken object (it is not a no-op).
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
