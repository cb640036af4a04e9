#!/usr/bin/env python3
"""Checks the Kubernetes manifests under deploy/kubernetes/ hold what the service needs, in both
of its variants.

Run it from anywhere:  python3 scripts/check-manifests.py [DIR]
  --self-test   also breaks each checked field in memory and makes sure the check notices

DIR (default: deploy/kubernetes/ beside this script) holds two kustomizations, each rendered as
`kubectl apply -k` would apply it:
- `DIR` itself, the replicated variant: two replicas or more sharing their state through
  PostgreSQL, so QIXIAN_DATABASE_URL comes from a Secret that is not optional, and no volume is
  shared: no PersistentVolumeClaim at all (no ReadWriteMany storage needed), QIXIAN_STATE_DIR on
  an emptyDir; a rolling update, pods spread across nodes, a HorizontalPodAutoscaler
  (autoscaling/v2, CPU, min >= 2) and a PodDisruptionBudget (policy/v1, minAvailable 1);
- `DIR/single`, the single-replica variant: replicas 1, strategy Recreate, QIXIAN_STATE_DIR on
  a ReadWriteOnce PersistentVolumeClaim, no database Secret, no autoscaler, no disruption budget.
Both: probes on /readyz and /healthz at the container port, requests and limits, a locked-down
securityContext, the feed URL from a ConfigMap, JSON logs, a grace period, the Service
(ClusterIP, port 80 to the container port), and app.kubernetes.io/name: qixian on every object;
and every YAML file under DIR is used by one of them.

A kustomization is rendered by this script (resources, files or directories; strategic-merge
`patches` by path; `images`), which needs nothing but PyYAML; when `kubectl` is on PATH, each is
also rendered with `kubectl kustomize`, the checks run on kubectl's rendering, and the two
renderings must agree.

No schema validator (kubeconform, kubeval) can be installed from the package registries these
machines reach, so none is run; if the `kubernetes_validate` module happens to be importable,
each object is also validated against its bundled OpenAPI schemas.

Exit status: 0 when every check passes, 1 when one fails (each failure is named), 2 when the
script cannot run (PyYAML missing, no manifests).
"""

from __future__ import annotations

import copy
import re
import shutil
import subprocess
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


REPLICATED = "replicated"
SINGLE = "single"
# Each variant's kustomization, relative to DIR.
VARIANTS = {REPLICATED: ".", SINGLE: "single"}
# The list fields a strategic-merge patch merges item by item (by this key) rather than replaces.
MERGE_KEYS = {"containers": "name", "env": "name", "volumes": "name", "volumeMounts": "mountPath", "ports": "containerPort"}


class Doc:
    """One object with the file (or rendering) it came from."""

    def __init__(self, source: str, body: dict):
        self.source = source
        self.body = body

    @property
    def kind(self) -> str:
        return str(self.body.get("kind", ""))

    @property
    def name(self) -> str:
        return str((self.body.get("metadata") or {}).get("name", "?"))

    def where(self) -> str:
        return f"{self.source}: {self.kind or '?'}/{self.name}"


def kustomization_of(directory: Path) -> Path | None:
    return next((directory / n for n in sorted(KUSTOMIZATION_FILES) if (directory / n).is_file()), None)


def yaml_documents(path: Path, root: Path, errors: list[str]) -> list[dict]:
    """The mapping documents of one file (a parse error is named in `errors`)."""
    try:
        bodies = list(yaml.safe_load_all(path.read_text(encoding="utf-8")))
    except (OSError, yaml.YAMLError) as err:
        errors.append(f"{path.relative_to(root)}: not readable YAML: {err}")
        return []
    found = []
    for body in bodies:
        if body is None:
            continue
        if not isinstance(body, dict):
            errors.append(f"{path.relative_to(root)}: a document is not a mapping")
            continue
        found.append(body)
    return found


def merge(base, patch):
    """`patch` merged into `base` as a strategic-merge patch does for the fields used here: maps
    merged key by key, the lists of MERGE_KEYS item by item (new items first, as kustomize puts
    them), any other list or value replaced."""
    if isinstance(base, dict) and isinstance(patch, dict):
        out = dict(base)
        for key, value in patch.items():
            if key in out and key in MERGE_KEYS and isinstance(value, list) and isinstance(out[key], list):
                out[key] = merge_list(out[key], value, MERGE_KEYS[key])
            elif key in out:
                out[key] = merge(out[key], value)
            else:
                out[key] = copy.deepcopy(value)
        return out
    return copy.deepcopy(patch)


def merge_list(base: list, patch: list, key: str) -> list:
    by_key = {item.get(key): item for item in patch if isinstance(item, dict)}
    merged = [merge(item, by_key.pop(item.get(key))) if item.get(key) in by_key else item for item in base]
    return [copy.deepcopy(item) for item in patch if isinstance(item, dict) and item.get(key) in by_key] + merged


def build(directory: Path, root: Path, used: set[Path], errors: list[str]) -> list[Doc]:
    """The objects the kustomization in `directory` renders; the files it reads go into `used`."""
    path = kustomization_of(directory)
    if path is None:
        errors.append(f"{directory.relative_to(root) if directory != root else '.'}: no kustomization.yaml")
        return []
    used.add(path)
    where = path.relative_to(root).as_posix()
    body = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    docs: list[Doc] = []
    for resource in body.get("resources") or []:
        target = (directory / resource).resolve()
        if target.is_dir():
            docs.extend(build(target, root, used, errors))
        elif target.is_file():
            used.add(target)
            source = target.relative_to(root).as_posix()
            docs.extend(Doc(source, b) for b in yaml_documents(target, root, errors))
        else:
            errors.append(f"{where}: resources lists {resource}, which does not exist")
    for patch in body.get("patches") or []:
        target = (directory / str((patch or {}).get("path", ""))).resolve()
        if not target.is_file():
            errors.append(f"{where}: patches lists {patch!r}, which is not a file")
            continue
        used.add(target)
        for change in yaml_documents(target, root, errors):
            kind, name = change.get("kind"), dig(change, "metadata", "name")
            matches = [d for d in docs if d.kind == kind and d.name == name]
            if not matches:
                errors.append(f"{where}: the patch {patch['path']} names {kind}/{name}, which is not among its resources")
            for doc in matches:
                doc.body = merge(doc.body, change)
    for image in body.get("images") or []:
        for doc in docs:
            pod = dig(doc.body, "spec", "template", "spec", default={}) or {}
            for container in (pod.get("containers") or []) + (pod.get("initContainers") or []):
                name, _, tag = str(container.get("image", "")).partition(":")
                if name == image.get("name"):
                    new = image.get("newName", name)
                    container["image"] = f"{new}:{image['newTag']}" if "newTag" in image else f"{new}:{tag}" if tag else new
    return docs


def kubectl_render(directory: Path) -> tuple[list[dict] | None, str]:
    """`kubectl kustomize DIRECTORY`'s objects, or None (and why) when kubectl is not there or fails."""
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        return None, "kubectl is not on PATH"
    try:
        done = subprocess.run(
            [kubectl, "kustomize", str(directory)], capture_output=True, text=True, timeout=120, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as err:
        return None, f"kubectl kustomize did not run: {err}"
    if done.returncode != 0:
        return None, f"kubectl kustomize failed: {done.stderr.strip()}"
    return [b for b in yaml.safe_load_all(done.stdout) if isinstance(b, dict)], ""


def normalised(bodies: list[dict]):
    """Objects in an order-free form: sorted by kind and name, named list items by name."""

    def norm(value):
        if isinstance(value, dict):
            return {k: norm(v) for k, v in value.items()}
        if isinstance(value, list):
            items = [norm(v) for v in value]
            if items and all(isinstance(i, dict) and ("name" in i or "mountPath" in i) for i in items):
                items.sort(key=lambda i: str(i.get("name", i.get("mountPath"))))
            return items
        return value

    return sorted((norm(b) for b in bodies), key=lambda b: (str(b.get("kind")), str(dig(b, "metadata", "name"))))


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
    def __init__(self, docs: list[Doc], variant: str):
        self.docs = docs
        self.variant = variant
        self.passed = 0
        self.failures: list[str] = []

    def check(self, ok: bool, where: str, what: str) -> bool:
        if ok:
            self.passed += 1
        else:
            self.failures.append(f"{self.variant}: {where}: {what}")
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

    def none_of(self, kind: str, why: str) -> None:
        for doc in self.of_kind(kind):
            self.check(False, doc.where(), f"no {kind} in this variant: {why}")

    def run(self) -> None:
        for doc in self.docs:
            self.check(bool(doc.body.get("apiVersion")) and bool(doc.kind), doc.where(), "apiVersion and kind must be set")
            label = dig(doc.body, "metadata", "labels", NAME_LABEL)
            self.check(label == APP, doc.where(), f"metadata.labels[{NAME_LABEL!r}] is {label!r}, expected {APP!r}")
        deployment = self.one("Deployment", "apps/v1")
        pod_labels = self.deployment(deployment) if deployment else {}
        self.service(self.one("Service", "v1"), pod_labels)
        if self.variant == REPLICATED:
            self.hpa(self.one("HorizontalPodAutoscaler", "autoscaling/v2"), deployment)
            self.pdb(self.one("PodDisruptionBudget", "policy/v1"), deployment, pod_labels)
            self.none_of(
                "PersistentVolumeClaim",
                "the replicas share their state through PostgreSQL, and a volume every replica mounts "
                "would need ReadWriteMany storage",
            )
        else:
            self.none_of("HorizontalPodAutoscaler", "it would start a second pod on the one SQLite file")
            self.none_of("PodDisruptionBudget", "one available pod out of one would block every drain")
        self.schemas()

    # -- Deployment ------------------------------------------------------------------------------

    def deployment(self, doc: Doc) -> dict:
        """Checks the Deployment; returns its pod template's labels."""
        w = doc.where()
        spec = doc.body.get("spec") or {}
        replicas = spec.get("replicas", 1)
        strategy = dig(spec, "strategy", "type", default="RollingUpdate")
        if self.variant == REPLICATED:
            self.check(isinstance(replicas, int) and replicas >= 2, w, f"spec.replicas is {replicas!r}, expected at least 2")
            self.check(strategy == "RollingUpdate", w, f"spec.strategy.type is {strategy!r}, expected RollingUpdate")
        else:
            self.check(replicas == 1, w, f"spec.replicas is {replicas!r}, expected 1 (one SQLite file, one volume)")
            self.check(
                strategy == "Recreate",
                w,
                f"spec.strategy.type is {strategy!r}, expected Recreate (the old pod lets the volume go before the new one starts)",
            )

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
        if self.variant == REPLICATED:
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
        database = dig(env, "QIXIAN_DATABASE_URL")
        if self.variant == REPLICATED:
            for name, volume in volumes.items():
                self.check(
                    "persistentVolumeClaim" not in volume,
                    cw,
                    f"volume {name!r} is a persistentVolumeClaim: the replicas share nothing but the database",
                )
            if state_dir is not None:
                volume = volumes.get(mounts.get(str(state_dir).rstrip("/")), {})
                self.check(
                    "emptyDir" in volume,
                    cw,
                    f"QIXIAN_STATE_DIR {state_dir!r} is not the mountPath of an emptyDir volume (each pod's scratch: "
                    "the shared state is in PostgreSQL)",
                )
            # The replicas' shared state is in PostgreSQL. The URL carries a password: a Secret,
            # never a literal.
            secret = dig(database, "valueFrom", "secretKeyRef")
            self.check(
                isinstance(secret, dict) and bool(secret.get("name")) and bool(secret.get("key"))
                and not secret.get("optional", False),
                cw,
                "QIXIAN_DATABASE_URL must come from a Secret (valueFrom.secretKeyRef, not optional): "
                "the replicas share their state through PostgreSQL",
            )
        else:
            if self.check(isinstance(state_dir, str), cw, "QIXIAN_STATE_DIR is not set (the single pod keeps its state there)"):
                volume = volumes.get(mounts.get(state_dir.rstrip("/")), {})
                claim = dig(volume, "persistentVolumeClaim", "claimName")
                if self.check(
                    isinstance(claim, str),
                    cw,
                    f"QIXIAN_STATE_DIR {state_dir!r} is not the mountPath of a persistentVolumeClaim volume "
                    "(the registers and the history of the data are kept there across restarts)",
                ):
                    claims = [d for d in self.of_kind("PersistentVolumeClaim") if d.name == claim]
                    modes = dig(claims[0].body, "spec", "accessModes") if claims else None
                    self.check(
                        modes == ["ReadWriteOnce"],
                        cw,
                        f"the claim {claim!r} of QIXIAN_STATE_DIR is not in the manifests with accessModes "
                        f"[ReadWriteOnce] (found {modes!r}): one pod mounts it, and every storage class offers that",
                    )
            self.check(
                database is None,
                cw,
                "QIXIAN_DATABASE_URL is set: the single variant keeps its registers in SQLite in QIXIAN_STATE_DIR "
                "and needs no database Secret (use the replicated variant for PostgreSQL)",
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
    """A deep copy of `docs` with `path` in the first object of `kind` set to `value` (or deleted,
    or, for `kind` _NEW, `value` added as an object). A step {"name": N} is the list item named N
    (made when the last step names one that is not there)."""
    docs = [Doc(d.source, copy.deepcopy(d.body)) for d in docs]
    if kind == _NEW:
        return docs + [Doc("self-test", copy.deepcopy(value))]
    target = next(d for d in docs if d.kind == kind).body
    steps = list(path)
    for i, key in enumerate(steps):
        if isinstance(key, dict):
            found = next((n for n, item in enumerate(target) if item.get("name") == key["name"]), None)
            if found is None:
                if i != len(steps) - 1:
                    raise KeyError(key["name"])
                target.append({})
                found = len(target) - 1
            steps[i] = found
        if i < len(steps) - 1:
            target = target[steps[i]]
    if value is _DELETE:
        del target[steps[-1]]
    else:
        target[steps[-1]] = value
    return docs


_DELETE = object()
_NEW = "<a new object>"
_CONTAINER = ("spec", "template", "spec", "containers", 0)
_ENV = (*_CONTAINER, "env")
_VOLUMES = ("spec", "template", "spec", "volumes")
_LABELS = {"labels": {NAME_LABEL: APP}}
_BOTH = (REPLICATED, SINGLE)
_BREAKAGES = [
    (_BOTH, "Deployment", (*_CONTAINER, "readinessProbe", "httpGet", "path"), "/healthz"),
    (_BOTH, "Deployment", (*_CONTAINER, "livenessProbe", "httpGet", "port"), 9090),
    (_BOTH, "Deployment", (*_CONTAINER, "resources", "limits"), _DELETE),
    (_BOTH, "Deployment", (*_CONTAINER, "resources", "requests", "memory"), _DELETE),
    (_BOTH, "Deployment", (*_CONTAINER, "securityContext", "readOnlyRootFilesystem"), False),
    (_BOTH, "Deployment", (*_CONTAINER, "securityContext", "runAsNonRoot"), False),
    (_BOTH, "Deployment", (*_CONTAINER, "securityContext", "allowPrivilegeEscalation"), True),
    (_BOTH, "Deployment", (*_CONTAINER, "securityContext", "capabilities"), _DELETE),
    (_BOTH, "Deployment", ("spec", "template", "spec", "terminationGracePeriodSeconds"), _DELETE),
    (_BOTH, "Deployment", ("spec", "template", "metadata", "labels", NAME_LABEL), "other"),
    (_BOTH, "Deployment", (*_ENV, {"name": "QIXIAN_LOG_FORMAT"}, "value"), "text"),
    (_BOTH, "Service", ("spec", "ports", 0, "targetPort"), 9090),
    (_BOTH, "Service", ("spec", "type"), "LoadBalancer"),
    (_BOTH, "ConfigMap", ("data",), {}),
    # The replicated variant: several pods, the database, no shared volume.
    ((REPLICATED,), "Deployment", ("spec", "replicas"), 1),
    ((REPLICATED,), "Deployment", ("spec", "strategy"), {"type": "Recreate"}),
    ((REPLICATED,), "Deployment", ("spec", "template", "spec", "topologySpreadConstraints"), _DELETE),
    ((REPLICATED,), "Deployment", (*_ENV, {"name": "QIXIAN_DATABASE_URL"}), {"name": "QIXIAN_DATABASE_URL", "value": "postgres://qixian@db/qixian"}),
    ((REPLICATED,), "Deployment", (*_ENV, {"name": "QIXIAN_DATABASE_URL"}, "valueFrom", "secretKeyRef", "optional"), True),
    ((REPLICATED,), "Deployment", (*_ENV, {"name": "QIXIAN_DATABASE_URL"}), {"name": "QIXIAN_WORKERS", "value": "2"}),
    ((REPLICATED,), "Deployment", (*_VOLUMES, {"name": "state"}), {"name": "state", "persistentVolumeClaim": {"claimName": "qixian-state"}}),
    ((REPLICATED,), "Deployment", (*_VOLUMES, {"name": "shared"}), {"name": "shared", "persistentVolumeClaim": {"claimName": "qixian-shared"}}),
    ((REPLICATED,), _NEW, (), {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": "qixian-state", **_LABELS},
                               "spec": {"accessModes": ["ReadWriteMany"], "resources": {"requests": {"storage": "256Mi"}}}}),
    ((REPLICATED,), "HorizontalPodAutoscaler", ("spec", "minReplicas"), 1),
    ((REPLICATED,), "HorizontalPodAutoscaler", ("apiVersion",), "autoscaling/v1"),
    ((REPLICATED,), "PodDisruptionBudget", ("spec", "minAvailable"), _DELETE),
    # The single variant: one pod, replaced, on a ReadWriteOnce volume, no database.
    ((SINGLE,), "Deployment", ("spec", "replicas"), 2),
    ((SINGLE,), "Deployment", ("spec", "strategy"), {"type": "RollingUpdate"}),
    ((SINGLE,), "Deployment", ("spec", "strategy"), _DELETE),
    ((SINGLE,), "Deployment", (*_ENV, {"name": "QIXIAN_STATE_DIR"}, "value"), "/tmp/qixian"),
    ((SINGLE,), "Deployment", (*_VOLUMES, {"name": "state"}), {"name": "state", "emptyDir": {}}),
    ((SINGLE,), "Deployment", (*_ENV, {"name": "QIXIAN_DATABASE_URL"}),
     {"name": "QIXIAN_DATABASE_URL", "valueFrom": {"secretKeyRef": {"name": "qixian-database", "key": "url"}}}),
    ((SINGLE,), "PersistentVolumeClaim", ("spec", "accessModes"), ["ReadWriteMany"]),
    ((SINGLE,), "PersistentVolumeClaim", ("metadata", "name"), "other"),
    ((SINGLE,), _NEW, (), {"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler", "metadata": {"name": APP, **_LABELS},
                           "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": APP},
                                    "minReplicas": 1, "maxReplicas": 3}}),
    ((SINGLE,), _NEW, (), {"apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": {"name": APP, **_LABELS},
                           "spec": {"minAvailable": 1, "selector": {"matchLabels": {NAME_LABEL: APP}}}}),
]


def self_test(variant: str, docs: list[Doc]) -> list[str]:
    """The breakages of `variant` the checks fail to notice (each should make one check fail)."""
    unnoticed = []
    for variants, kind, path, value in _BREAKAGES:
        if variant in variants:
            shown = "<deleted>" if value is _DELETE else value if kind != _NEW else value["kind"]
            label = f"{variant}: {kind}: {'.'.join(map(str, path))} = {shown!r}"
            try:
                broken = _set(docs, kind, path, value)
            except (KeyError, IndexError, StopIteration, TypeError):
                unnoticed.append(f"{label}: that field is not in the manifests, so the breakage could not be made")
                continue
            checker = Checker(broken, variant)
            checker.schemas = lambda: None  # the custom checks alone must notice
            checker.run()
            if not checker.failures:
                unnoticed.append(f"{label}: no check failed")
    return unnoticed


def main(argv: list[str]) -> int:
    args = [a for a in argv if not a.startswith("--")]
    directory = (Path(args[0]) if args else Path(__file__).resolve().parent.parent / "deploy" / "kubernetes").resolve()
    if not directory.is_dir():
        print(f"check-manifests: {directory} is not a directory", file=sys.stderr)
        return 2
    errors: list[str] = []
    used: set[Path] = set()
    rendered: dict[str, list[Doc]] = {}
    for variant, relative in VARIANTS.items():
        docs = build((directory / relative).resolve(), directory, used, errors)
        bodies, why = kubectl_render(directory / relative)
        if bodies is None and shutil.which("kubectl") is not None:
            errors.append(f"{variant}: {why}")
        elif bodies is None:
            print(f"check-manifests: {variant}: {why}; checking this script's rendering alone")
        elif normalised(bodies) != normalised([d.body for d in docs]):
            errors.append(f"{variant}: this script renders the kustomization otherwise than kubectl kustomize does")
        else:
            print(f"check-manifests: {variant}: kubectl kustomize renders it as this script does")
            docs = [Doc(f"kubectl kustomize {relative}", b) for b in bodies]
        rendered[variant] = docs
    if not any(rendered.values()) and not errors:
        print(f"check-manifests: no objects under {directory}", file=sys.stderr)
        return 2
    files = sorted(p.resolve() for p in directory.rglob("*") if p.suffix in (".yaml", ".yml") or p.name in KUSTOMIZATION_FILES)
    for unused in (p for p in files if p not in used):
        errors.append(f"{unused.relative_to(directory)}: no kustomization uses it")
    failures, passed = list(errors), 0
    for variant, docs in rendered.items():
        checker = Checker(docs, variant)
        checker.run()
        if "--self-test" in argv:
            checker.failures.extend(f"self-test: {p}" for p in self_test(variant, docs))
            checker.passed += 1
        print(f"check-manifests: {variant}: {len(docs)} objects from {VARIANTS[variant]}")
        failures += checker.failures
        passed += checker.passed
    for failure in failures:
        print(f"FAIL {failure}")
    print(f"manifests: {passed} passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
