#!/usr/bin/env python3
"""Checks the Kubernetes manifests under deploy/kubernetes/ hold what the service needs.

Run it from anywhere:  python3 scripts/check-manifests.py [DIR]
  --self-test   also breaks each checked field in memory and makes sure the check notices

It reads every YAML document under DIR (default: deploy/kubernetes/ beside this script) with
PyYAML and checks: the Deployment (replicas >= 2, probes on /readyz and /healthz at the container
port, requests and limits, a locked-down securityContext, the feed URL from a ConfigMap, JSON
logs, QIXIAN_STATE_DIR on a PersistentVolumeClaim that every replica shares (ReadWriteMany), the
registers' QIXIAN_DATABASE_URL from a Secret that is not optional, a grace period, spreading
across nodes), the
ConfigMap it reads, the Service (ClusterIP, port 80 to the container port), the
HorizontalPodAutoscaler (autoscaling/v2, CPU, min >= 2) and the PodDisruptionBudget (policy/v1,
minAvailable 1), and that every object carries app.kubernetes.io/name: qixian.

No schema validator (kubeconform, kubeval) can be installed from the package registries these
machines reach, so none is run; if the `kubernetes_validate` module happens to be importable,
each object is also validated against its bundled OpenAPI schemas.

Exit status: 0 when every check passes, 1 when one fails (each failure is named), 2 when the
script cannot run (PyYAML missing, no manifests).
"""

from __future__ import annotations

import copy
import re
import sys
from pathlib import Path

try:
    import yaml
except ImportError:
    print(
        "check-manifests: PyYAML is not installed; install it with `python3 -m pip install pyyaml`"
        " (or `apt-get install python3-yaml`) and run again",
        file=sys.stderr,
    )
    sys.exit(2)

APP = "qixian"
NAME_LABEL = "app.kubernetes.io/name"
CONTAINER_PORT = 8080
SERVICE_PORT = 80
KUSTOMIZATION_FILES = {"kustomization.yaml", "kustomization.yml", "Kustomization"}


class Doc:
    """One YAML document with the file it came from."""

    def __init__(self, path: Path, body: dict):
        self.path = path
        self.body = body

    @property
    def kind(self) -> str:
        return str(self.body.get("kind", ""))

    @property
    def name(self) -> str:
        return str((self.body.get("metadata") or {}).get("name", "?"))

    def where(self) -> str:
        return f"{self.path.name}: {self.kind or '?'}/{self.name}"


def load(directory: Path) -> tuple[list[Doc], list[Path], list[str]]:
    """Every mapping document under `directory`, the kustomization files, and parse errors."""
    docs, kustomizations, errors = [], [], []
    files = sorted(p for p in directory.rglob("*") if p.suffix in (".yaml", ".yml"))
    for path in files:
        if path.name in KUSTOMIZATION_FILES:
            kustomizations.append(path)
            continue
        try:
            for body in yaml.safe_load_all(path.read_text(encoding="utf-8")):
                if body is None:
                    continue
                if not isinstance(body, dict):
                    errors.append(f"{path.name}: a document is not a mapping")
                    continue
                docs.append(Doc(path, body))
        except yaml.YAMLError as err:
            errors.append(f"{path.name}: not valid YAML: {err}")
    return docs, kustomizations, errors


def dig(obj, *keys, default=None):
    """obj[k1][k2]… or `default` when any step is missing."""
    for key in keys:
        if isinstance(obj, dict) and key in obj:
            obj = obj[key]
        elif isinstance(obj, list) and isinstance(key, int) and -len(obj) <= key < len(obj):
            obj = obj[key]
        else:
            return default
    return obj


_UNITS = {
    "": 1, "m": 1e-3, "k": 1e3, "M": 1e6, "G": 1e9, "T": 1e12,
    "Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40,
}


def quantity(value) -> float | None:
    """A Kubernetes resource quantity ("50m", "64Mi", "0.5", 1) as a number, or None."""
    match = re.fullmatch(r"([0-9]+(?:\.[0-9]+)?)(m|k|M|G|T|Ki|Mi|Gi|Ti)?", str(value).strip())
    if not match:
        return None
    return float(match.group(1)) * _UNITS[match.group(2) or ""]


class Checker:
    def __init__(self, docs: list[Doc], kustomizations: list[Path]):
        self.docs = docs
        self.kustomizations = kustomizations
        self.passed = 0
        self.failures: list[str] = []

    def check(self, ok: bool, where: str, what: str) -> bool:
        if ok:
            self.passed += 1
        else:
            self.failures.append(f"{where}: {what}")
        return ok

    def of_kind(self, kind: str) -> list[Doc]:
        return [d for d in self.docs if d.kind == kind]

    def one(self, kind: str, api_version: str) -> Doc | None:
        found = self.of_kind(kind)
        if not self.check(len(found) == 1, "manifests", f"expected exactly one {kind}, found {len(found)}"):
            return found[0] if found else None
        doc = found[0]
        self.check(
            doc.body.get("apiVersion") == api_version,
            doc.where(),
            f"apiVersion is {doc.body.get('apiVersion')!r}, expected {api_version!r}",
        )
        return doc

    def run(self) -> None:
        for doc in self.docs:
            self.check(bool(doc.body.get("apiVersion")) and bool(doc.kind), doc.where(), "apiVersion and kind must be set")
            label = dig(doc.body, "metadata", "labels", NAME_LABEL)
            self.check(label == APP, doc.where(), f"metadata.labels[{NAME_LABEL!r}] is {label!r}, expected {APP!r}")
        deployment = self.one("Deployment", "apps/v1")
        pod_labels = self.deployment(deployment) if deployment else {}
        self.service(self.one("Service", "v1"), pod_labels)
        self.hpa(self.one("HorizontalPodAutoscaler", "autoscaling/v2"), deployment)
        self.pdb(self.one("PodDisruptionBudget", "policy/v1"), deployment, pod_labels)
        self.kustomization()
        self.schemas()

    # -- Deployment ------------------------------------------------------------------------------

    def deployment(self, doc: Doc) -> dict:
        """Checks the Deployment; returns its pod template's labels."""
        w = doc.where()
        spec = doc.body.get("spec") or {}
        replicas = spec.get("replicas", 1)
        self.check(isinstance(replicas, int) and replicas >= 2, w, f"spec.replicas is {replicas!r}, expected at least 2")

        pod_labels = dig(spec, "template", "metadata", "labels", default={}) or {}
        selector = dig(spec, "selector", "matchLabels", default={}) or {}
        self.check(selector.get(NAME_LABEL) == APP, w, f"spec.selector.matchLabels[{NAME_LABEL!r}] must be {APP!r}")
        self.check(
            bool(selector) and all(pod_labels.get(k) == v for k, v in selector.items()),
            w,
            "spec.selector.matchLabels must match spec.template.metadata.labels",
        )

        pod = dig(spec, "template", "spec", default={}) or {}
        grace = pod.get("terminationGracePeriodSeconds")
        self.check(
            isinstance(grace, int) and grace >= 30,
            w,
            f"terminationGracePeriodSeconds is {grace!r}: set it, at least 30 (actix drains for up to 30 s)",
        )
        self.spread(pod, pod_labels, w)

        containers = pod.get("containers") or []
        container = next((c for c in containers if c.get("name") == APP), containers[0] if containers else None)
        if not self.check(container is not None, w, "no container in the pod template"):
            return pod_labels
        cw = f"{w}: container {container.get('name')!r}"
        ports = {p.get("name"): p.get("containerPort") for p in container.get("ports") or []}
        self.check(CONTAINER_PORT in ports.values(), cw, f"no containerPort {CONTAINER_PORT}")

        def port_of(ref):
            return ports.get(ref) if isinstance(ref, str) else ref

        for probe, path in (("readinessProbe", "/readyz"), ("livenessProbe", "/healthz")):
            get = dig(container, probe, "httpGet")
            if self.check(isinstance(get, dict), cw, f"{probe}.httpGet is missing"):
                self.check(get.get("path") == path, cw, f"{probe}.httpGet.path is {get.get('path')!r}, expected {path!r}")
                self.check(
                    port_of(get.get("port")) == CONTAINER_PORT,
                    cw,
                    f"{probe}.httpGet.port {get.get('port')!r} is not the container port {CONTAINER_PORT}",
                )

        self.resources(container.get("resources") or {}, cw)
        self.security(dig(pod, "securityContext", default={}) or {}, container.get("securityContext") or {}, cw)
        self.environment(container, pod, cw)
        return pod_labels

    def spread(self, pod: dict, pod_labels: dict, w: str) -> None:
        def selects_us(selector) -> bool:
            wanted = dig(selector, "matchLabels", default={}) or {}
            return bool(wanted) and all(pod_labels.get(k) == v for k, v in wanted.items())

        spread = any(
            c.get("topologyKey") == "kubernetes.io/hostname" and selects_us(c.get("labelSelector"))
            for c in pod.get("topologySpreadConstraints") or []
        )
        anti = dig(pod, "affinity", "podAntiAffinity", default={}) or {}
        terms = list(anti.get("requiredDuringSchedulingIgnoredDuringExecution") or []) + [
            t.get("podAffinityTerm") or {} for t in anti.get("preferredDuringSchedulingIgnoredDuringExecution") or []
        ]
        anti_ok = any(
            t.get("topologyKey") == "kubernetes.io/hostname" and selects_us(t.get("labelSelector")) for t in terms
        )
        self.check(
            spread or anti_ok,
            w,
            "pods are not spread across nodes: add a topologySpreadConstraint or podAntiAffinity on "
            "kubernetes.io/hostname selecting the pod's own labels",
        )

    def resources(self, resources: dict, cw: str) -> None:
        for kind in ("requests", "limits"):
            for resource in ("cpu", "memory"):
                value = dig(resources, kind, resource)
                self.check(
                    value is not None and quantity(value) is not None and quantity(value) > 0,
                    cw,
                    f"resources.{kind}.{resource} is {value!r}, expected a positive quantity",
                )
        for resource in ("cpu", "memory"):
            request = quantity(dig(resources, "requests", resource, default=""))
            limit = quantity(dig(resources, "limits", resource, default=""))
            if request is not None and limit is not None:
                self.check(request <= limit, cw, f"resources.requests.{resource} exceeds resources.limits.{resource}")
        limit = quantity(dig(resources, "limits", "memory", default=""))
        if limit is not None:
            self.check(
                limit >= 96 * 2**20,
                cw,
                "resources.limits.memory is below 96Mi; scripts/hostile.sh measured peaks up to 89.4 MiB "
                "with the default settings (BENCHMARKS.md)",
            )

    def security(self, pod_ctx: dict, ctx: dict, cw: str) -> None:
        def effective(key):  # the container's setting wins over the pod's
            return ctx.get(key, pod_ctx.get(key))

        self.check(effective("runAsNonRoot") is True, cw, "securityContext.runAsNonRoot must be true")
        uid = effective("runAsUser")
        self.check(
            isinstance(uid, int) and not isinstance(uid, bool) and uid > 0,
            cw,
            f"securityContext.runAsUser is {uid!r}, expected a numeric non-root UID",
        )
        self.check(ctx.get("readOnlyRootFilesystem") is True, cw, "securityContext.readOnlyRootFilesystem must be true")
        self.check(
            ctx.get("allowPrivilegeEscalation") is False, cw, "securityContext.allowPrivilegeEscalation must be false"
        )
        self.check(ctx.get("privileged") in (None, False), cw, "securityContext.privileged must not be true")
        drop = dig(ctx, "capabilities", "drop", default=[]) or []
        self.check("ALL" in drop, cw, "securityContext.capabilities.drop must contain ALL")
        added = dig(ctx, "capabilities", "add", default=[]) or []
        self.check(not added, cw, f"securityContext.capabilities.add must be empty, is {added!r}")
        seccomp = dig(ctx, "seccompProfile", "type", default=dig(pod_ctx, "seccompProfile", "type"))
        self.check(seccomp == "RuntimeDefault", cw, f"seccompProfile.type is {seccomp!r}, expected 'RuntimeDefault'")

    def environment(self, container: dict, pod: dict, cw: str) -> None:
        env = {e.get("name"): e for e in container.get("env") or []}

        feed = dig(env, "QIXIAN_FEED_URL", "valueFrom", "configMapKeyRef")
        if self.check(isinstance(feed, dict), cw, "QIXIAN_FEED_URL must come from a ConfigMap (valueFrom.configMapKeyRef)"):
            maps = [d for d in self.of_kind("ConfigMap") if d.name == feed.get("name")]
            if self.check(bool(maps), cw, f"QIXIAN_FEED_URL reads ConfigMap {feed.get('name')!r}, which is not in the manifests"):
                value = dig(maps[0].body, "data", feed.get("key"))
                self.check(
                    isinstance(value, str) and value.startswith(("http://", "https://")),
                    maps[0].where(),
                    f"data[{feed.get('key')!r}] (QIXIAN_FEED_URL) is {value!r}, expected an http(s) URL",
                )

        log_format = dig(env, "QIXIAN_LOG_FORMAT", "value")
        self.check(log_format == "json", cw, f"QIXIAN_LOG_FORMAT is {log_format!r}, expected 'json'")

        addr = dig(env, "QIXIAN_ADDR", "value")
        if addr is not None:
            self.check(
                str(addr).rsplit(":", 1)[-1] == str(CONTAINER_PORT),
                cw,
                f"QIXIAN_ADDR {addr!r} does not listen on the container port {CONTAINER_PORT}",
            )

        state_dir = dig(env, "QIXIAN_STATE_DIR", "value")
        mounts = {m.get("mountPath", "").rstrip("/"): m.get("name") for m in container.get("volumeMounts") or []}
        volumes = {v.get("name"): v for v in pod.get("volumes") or []}
        if self.check(isinstance(state_dir, str), cw, "QIXIAN_STATE_DIR is not set"):
            volume = volumes.get(mounts.get(state_dir.rstrip("/")), {})
            claim = dig(volume, "persistentVolumeClaim", "claimName")
            if self.check(
                isinstance(claim, str),
                cw,
                f"QIXIAN_STATE_DIR {state_dir!r} is not the mountPath of a persistentVolumeClaim volume "
                "(the replicas share the history of the data there)",
            ):
                claims = [d for d in self.of_kind("PersistentVolumeClaim") if dig(d.body, "metadata", "name") == claim]
                modes = dig(claims[0].body, "spec", "accessModes") if claims else None
                self.check(
                    bool(claims) and "ReadWriteMany" in (modes or []),
                    cw,
                    f"the claim {claim!r} of QIXIAN_STATE_DIR is not in the manifests with accessModes ReadWriteMany "
                    "(every replica mounts it)",
                )

        # Replicas share one registers' database: SQLite in a shared directory would be written
        # from several nodes at once. The URL carries a password: a Secret, never a literal.
        database = dig(env, "QIXIAN_DATABASE_URL", "valueFrom", "secretKeyRef")
        self.check(
            isinstance(database, dict) and bool(database.get("name")) and bool(database.get("key"))
            and not database.get("optional", False),
            cw,
            "QIXIAN_DATABASE_URL must come from a Secret (valueFrom.secretKeyRef, not optional): "
            "the replicas share the registers' PostgreSQL database",
        )

    # -- the other objects ----------------------------------------------------------------------

    def service(self, doc: Doc | None, pod_labels: dict) -> None:
        if doc is None:
            return
        w = doc.where()
        spec = doc.body.get("spec") or {}
        self.check(spec.get("type", "ClusterIP") == "ClusterIP", w, f"spec.type is {spec.get('type')!r}, expected ClusterIP")
        selector = spec.get("selector") or {}
        self.check(
            bool(selector) and all(pod_labels.get(k) == v for k, v in selector.items()),
            w,
            f"spec.selector {selector!r} does not select the Deployment's pods",
        )
        named = {}
        for d in self.of_kind("Deployment"):
            for c in dig(d.body, "spec", "template", "spec", "containers", default=[]) or []:
                named.update({p.get("name"): p.get("containerPort") for p in c.get("ports") or []})
        ports = spec.get("ports") or []
        port = next((p for p in ports if p.get("port") == SERVICE_PORT), None)
        if self.check(port is not None, w, f"no service port {SERVICE_PORT}"):
            target = port.get("targetPort", port.get("port"))
            resolved = named.get(target) if isinstance(target, str) else target
            self.check(
                resolved == CONTAINER_PORT,
                w,
                f"port {SERVICE_PORT} targets {target!r}, which is not the container port {CONTAINER_PORT}",
            )

    def hpa(self, doc: Doc | None, deployment: Doc | None) -> None:
        if doc is None:
            return
        w = doc.where()
        spec = doc.body.get("spec") or {}
        ref = spec.get("scaleTargetRef") or {}
        self.check(
            ref.get("kind") == "Deployment" and deployment is not None and ref.get("name") == deployment.name,
            w,
            f"scaleTargetRef {ref!r} does not name the Deployment",
        )
        low, high = spec.get("minReplicas", 1), spec.get("maxReplicas")
        self.check(isinstance(low, int) and low >= 2, w, f"minReplicas is {low!r}, expected at least 2")
        self.check(isinstance(high, int) and isinstance(low, int) and high >= low, w, "maxReplicas must be at least minReplicas")
        cpu = [
            m for m in spec.get("metrics") or []
            if m.get("type") == "Resource"
            and dig(m, "resource", "name") == "cpu"
            and dig(m, "resource", "target", "type") == "Utilization"
            and isinstance(dig(m, "resource", "target", "averageUtilization"), int)
        ]
        self.check(bool(cpu), w, "no CPU metric with target type Utilization and an averageUtilization")

    def pdb(self, doc: Doc | None, deployment: Doc | None, pod_labels: dict) -> None:
        if doc is None:
            return
        w = doc.where()
        spec = doc.body.get("spec") or {}
        self.check(spec.get("minAvailable") == 1, w, f"minAvailable is {spec.get('minAvailable')!r}, expected 1")
        selector = dig(spec, "selector", "matchLabels", default={}) or {}
        self.check(
            bool(selector) and all(pod_labels.get(k) == v for k, v in selector.items()),
            w,
            f"spec.selector.matchLabels {selector!r} does not select the Deployment's pods",
        )
        replicas = dig(deployment.body, "spec", "replicas", default=1) if deployment else 1
        if isinstance(spec.get("minAvailable"), int) and isinstance(replicas, int):
            self.check(
                spec["minAvailable"] < replicas,
                w,
                f"minAvailable {spec['minAvailable']} leaves no pod to evict with {replicas} replicas; drains would block",
            )

    def kustomization(self) -> None:
        """Each kustomization lists every manifest beside it, and only files that exist."""
        for path in self.kustomizations:
            body = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            listed = set(body.get("resources") or [])
            here = {d.path.relative_to(path.parent).as_posix() for d in self.docs if path.parent in d.path.parents}
            for missing in sorted(here - listed):
                self.check(False, path.name, f"resources does not list {missing}")
            for absent in sorted(r for r in listed if not (path.parent / r).exists()):
                self.check(False, path.name, f"resources lists {absent}, which does not exist")
            self.check(True, path.name, "")

    def schemas(self) -> None:
        try:
            import kubernetes_validate  # type: ignore
        except ImportError:
            print("check-manifests: kubernetes_validate is not installed; OpenAPI schema validation skipped")
            return
        version = kubernetes_validate.utils.latest_version()
        print(f"check-manifests: validating against the Kubernetes {version} schemas (kubernetes_validate)")
        for doc in self.docs:
            try:
                kubernetes_validate.validate(doc.body, version, strict=True)
                self.check(True, doc.where(), "")
            except kubernetes_validate.ValidationError as err:
                self.check(False, doc.where(), f"schema: {err.message} at {'.'.join(map(str, err.path))}")
            except Exception as err:  # an unknown kind/version, a schema the package lacks
                self.check(False, doc.where(), f"schema: {err}")


# -- self-test -------------------------------------------------------------------------------------

def _set(docs: list[Doc], kind: str, path: tuple, value) -> list[Doc]:
    """A deep copy of `docs` with `path` in the first object of `kind` set to `value` (or deleted)."""
    docs = [Doc(d.path, copy.deepcopy(d.body)) for d in docs]
    target = next(d for d in docs if d.kind == kind).body
    for key in path[:-1]:
        target = target[key]
    if value is _DELETE:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return docs


_DELETE = object()
_CONTAINER = ("spec", "template", "spec", "containers", 0)
_BREAKAGES = [
    ("Deployment", ("spec", "replicas"), 1),
    ("Deployment", (*_CONTAINER, "readinessProbe", "httpGet", "path"), "/healthz"),
    ("Deployment", (*_CONTAINER, "livenessProbe", "httpGet", "port"), 9090),
    ("Deployment", (*_CONTAINER, "resources", "limits"), _DELETE),
    ("Deployment", (*_CONTAINER, "resources", "requests", "memory"), _DELETE),
    ("Deployment", (*_CONTAINER, "securityContext", "readOnlyRootFilesystem"), False),
    ("Deployment", (*_CONTAINER, "securityContext", "runAsNonRoot"), False),
    ("Deployment", (*_CONTAINER, "securityContext", "allowPrivilegeEscalation"), True),
    ("Deployment", (*_CONTAINER, "securityContext", "capabilities"), _DELETE),
    ("Deployment", ("spec", "template", "spec", "terminationGracePeriodSeconds"), _DELETE),
    ("Deployment", ("spec", "template", "spec", "topologySpreadConstraints"), _DELETE),
    ("Deployment", (*_CONTAINER, "volumeMounts"), _DELETE),
    ("Deployment", (*_CONTAINER, "env", 4), {"name": "QIXIAN_DATABASE_URL", "value": "postgres://qixian@db/qixian"}),
    ("Deployment", (*_CONTAINER, "env", 4, "valueFrom", "secretKeyRef", "optional"), True),
    ("Deployment", ("spec", "template", "metadata", "labels", NAME_LABEL), "other"),
    ("Service", ("spec", "ports", 0, "targetPort"), 9090),
    ("Service", ("spec", "type"), "LoadBalancer"),
    ("HorizontalPodAutoscaler", ("spec", "minReplicas"), 1),
    ("HorizontalPodAutoscaler", ("apiVersion",), "autoscaling/v1"),
    ("PodDisruptionBudget", ("spec", "minAvailable"), _DELETE),
    ("ConfigMap", ("data",), {}),
    ("PersistentVolumeClaim", ("spec", "accessModes"), ["ReadWriteOnce"]),
]


def self_test(docs: list[Doc], kustomizations: list[Path]) -> list[str]:
    """The breakages the checks fail to notice (each should make at least one check fail)."""
    unnoticed = []
    for kind, path, value in _BREAKAGES:
        label = f"{kind}: {'.'.join(map(str, path))} = {'<deleted>' if value is _DELETE else value!r}"
        try:
            broken = _set(docs, kind, path, value)
        except (KeyError, IndexError, StopIteration, TypeError):
            unnoticed.append(f"{label}: that field is not in the manifests, so the breakage could not be made")
            continue
        checker = Checker(broken, [])
        checker.schemas = lambda: None  # the custom checks alone must notice
        checker.run()
        if not checker.failures:
            unnoticed.append(f"{label}: no check failed")
    return unnoticed


def main(argv: list[str]) -> int:
    args = [a for a in argv if not a.startswith("--")]
    directory = Path(args[0]) if args else Path(__file__).resolve().parent.parent / "deploy" / "kubernetes"
    if not directory.is_dir():
        print(f"check-manifests: {directory} is not a directory", file=sys.stderr)
        return 2
    docs, kustomizations, errors = load(directory)
    if not docs and not errors:
        print(f"check-manifests: no YAML documents under {directory}", file=sys.stderr)
        return 2
    checker = Checker(docs, kustomizations)
    checker.failures.extend(errors)
    checker.run()
    if "--self-test" in argv:
        for problem in self_test(docs, kustomizations):
            checker.check(False, "self-test", problem)
        checker.check(True, "self-test", "")
    print(f"check-manifests: {len(docs)} objects in {directory}")
    for failure in checker.failures:
        print(f"FAIL {failure}")
    print(f"manifests: {checker.passed} passed, {len(checker.failures)} failed")
    return 1 if checker.failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
