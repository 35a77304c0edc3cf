// Validates Kubernetes manifests (multi-document YAML on stdin, as `kubectl kustomize` prints them) against the
// Kubernetes API schemas: each object goes to the model of its apiVersion/kind in the npm package
// kubernetes-models (JSON schemas generated from the Kubernetes OpenAPI definitions; types, formats, enums and
// required fields), or @kubernetes-models/prometheus-operator for monitoring.coreos.com. An object of a kind that
// has no schema there is an error, not a pass. Prints one line per object; exits 1 if any is invalid.
// Limit (the package's, stated here so nobody relies on it): unknown field names are not rejected.
import yaml from "js-yaml";

const MODULES = {
  v1: "kubernetes-models/v1",
  "apps/v1": "kubernetes-models/apps/v1",
  "policy/v1": "kubernetes-models/policy/v1",
  "storage.k8s.io/v1": "kubernetes-models/storage.k8s.io/v1",
  "rbac.authorization.k8s.io/v1": "kubernetes-models/rbac.authorization.k8s.io/v1",
  "monitoring.coreos.com/v1": "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1",
};

const input = await new Promise((resolve, reject) => {
  let s = "";
  process.stdin.setEncoding("utf8");
  process.stdin.on("data", (d) => (s += d));
  process.stdin.on("end", () => resolve(s));
  process.stdin.on("error", reject);
});

const label = process.argv[2] || "stdin";
let bad = 0, n = 0;
for (const doc of yaml.loadAll(input)) {
  if (doc == null) continue;
  n++;
  const id = `${doc.apiVersion}/${doc.kind} ${doc.metadata?.namespace ? doc.metadata.namespace + "/" : ""}${doc.metadata?.name}`;
  const mod = MODULES[doc.apiVersion];
  let Model;
  if (mod) Model = (await import(mod))[doc.kind];
  if (!Model) {
    console.log(`${label}: ${id}: INVALID: no schema for ${doc.apiVersion} ${doc.kind}`);
    bad++;
    continue;
  }
  try {
    new Model(doc).validate();
    console.log(`${label}: ${id}: valid`);
  } catch (e) {
    console.log(`${label}: ${id}: INVALID: ${e.message}`);
    bad++;
  }
}
if (n === 0) {
  console.log(`${label}: no objects`);
  process.exit(1);
}
console.log(`${label}: ${n} objects, ${bad} invalid`);
process.exit(bad ? 1 : 0);
