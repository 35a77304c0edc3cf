// What issue 14 asks of the rendered manifests, beyond schema validity (tools/k8s-validate.mjs): usage
// `kubectl kustomize deploy/overlays/X | node tests/ops/deploy_invariants.mjs X`. Prints each failed rule and
// exits 1 if any; prints the instance count otherwise.
import yaml from "js-yaml";

const overlay = process.argv[2];
let text = "";
for await (const d of process.stdin) text += d;
const objs = yaml.loadAll(text).filter(Boolean);
const errs = [];
const must = (ok, msg) => ok || errs.push(msg);
const of = (kind) => objs.filter((o) => o.kind === kind);

const deps = of("Deployment");
must(deps.length >= 1, "no Deployment");
const hosts = new Set();
for (const d of deps) {
  const n = d.metadata.name, s = d.spec, p = s.template.spec, c = p.containers.find((x) => x.name === "lcp");
  must(s.replicas === 1, `${n}: replicas must be 1`);
  must(s.strategy?.type === "Recreate", `${n}: strategy must be Recreate (two pods must never share a home)`);
  must(p.securityContext?.runAsNonRoot === true, `${n}: runAsNonRoot`);
  must(p.securityContext?.seccompProfile?.type === "RuntimeDefault", `${n}: seccomp RuntimeDefault`);
  must(p.automountServiceAccountToken === false, `${n}: no service account token`);
  for (const k of [...(p.initContainers || []), ...p.containers]) {
    const sc = k.securityContext || {};
    must(sc.readOnlyRootFilesystem === true, `${n}/${k.name}: read-only root filesystem`);
    must(sc.allowPrivilegeEscalation === false, `${n}/${k.name}: no privilege escalation`);
    must(JSON.stringify(sc.capabilities?.drop) === '["ALL"]', `${n}/${k.name}: drop ALL capabilities`);
    must(!sc.capabilities?.add, `${n}/${k.name}: adds no capability`);
    must(k.resources?.requests?.cpu && k.resources?.limits?.memory, `${n}/${k.name}: resource requests and limits`);
  }
  must(c, `${n}: no container named lcp`);
  if (!c) continue;
  must(c.livenessProbe?.httpGet?.path === "/healthz", `${n}: liveness on /healthz`);
  must(c.readinessProbe?.httpGet?.path === "/readyz", `${n}: readiness on /readyz`);
  const args = c.args.join(" ");
  const vol = p.volumes.find((v) => v.name === "home");
  must(vol?.persistentVolumeClaim, `${n}: home on a PersistentVolumeClaim`);
  if (overlay === "sim") {
    must(args.includes("--backend=sim"), `${n}: sim overlay must pass --backend=sim`);
    must(n.includes("sim"), `${n}: sim overlay names must say sim`);
    must(!JSON.stringify(c.resources).includes("sgx.intel.com"), `${n}: sim asks for no SGX resource`);
  }
  if (overlay === "aks-sgx") {
    must(args.includes("--backend=gramine"), `${n}: aks-sgx must pass --backend=gramine`);
    for (const r of ["sgx.intel.com/epc", "sgx.intel.com/enclave", "sgx.intel.com/provision"])
      must(c.resources.limits?.[r] && c.resources.requests?.[r], `${n}: ${r} requested and limited`);
    const host = p.nodeSelector?.["kubernetes.io/hostname"];
    must(host && !hosts.has(host), `${n}: pinned by nodeSelector to its own node (${host})`);
    hosts.add(host);
    const inst = d.metadata.labels?.["lcp.tee/instance"];
    must(p.tolerations?.some((t) => t.key === "lcp.tee/instance" && t.value === inst && t.effect === "NoSchedule"),
      `${n}: tolerates its node's taint lcp.tee/instance=${inst}`);
    // Its claim is served by a Retain local PV on the same node.
    const pvc = of("PersistentVolumeClaim").find((x) => x.metadata.name === vol?.persistentVolumeClaim?.claimName);
    must(pvc, `${n}: claim ${vol?.persistentVolumeClaim?.claimName} exists`);
    const sc = of("StorageClass").find((x) => x.metadata.name === pvc?.spec.storageClassName);
    must(sc?.volumeBindingMode === "WaitForFirstConsumer" && sc?.reclaimPolicy === "Retain",
      `${n}: storage class binds at scheduling and retains`);
    const pv = of("PersistentVolume").find((v) => v.metadata.labels?.["lcp.tee/instance"] === inst);
    must(pv?.spec.local && pv.spec.persistentVolumeReclaimPolicy === "Retain", `${n}: local PV with Retain`);
    must(pv?.spec.storageClassName === pvc?.spec.storageClassName, `${n}: PV in the claim's class`);
    const pvHosts = pv?.spec.nodeAffinity?.required?.nodeSelectorTerms?.[0]?.matchExpressions?.[0]?.values;
    must(JSON.stringify(pvHosts) === JSON.stringify([host]), `${n}: PV on the same node as the pod (${pvHosts})`);
  }
}
const pdbs = of("PodDisruptionBudget");
must(pdbs.length === 1 && pdbs[0].spec.maxUnavailable === 1, "one PodDisruptionBudget, maxUnavailable 1 over all instances");
const svcs = of("Service");
must(svcs.some((s) => s.spec.ports.some((p) => p.appProtocol === "kubernetes.io/h2c" && p.port === 50051)), "a gRPC (h2c) Service");
must(svcs.some((s) => s.spec.ports.some((p) => p.name === "metrics")), "a metrics Service");
must(of("PodMonitor").length + of("ServiceMonitor").length >= 1, "a PodMonitor or ServiceMonitor");
for (const e of errs) console.log(`${overlay}: FAIL: ${e}`);
if (!errs.length) console.log(`${overlay}: ${deps.length} instance(s), every rule holds`);
process.exit(errs.length ? 1 : 0);
