#!/usr/bin/env python3
"""Checks an Excel add-in manifest (clients/office/manifest.xml or one written by
make-manifest.py) by the rules Microsoft documents for add-in only XML manifests (schema
v1.1), with the standard library only.

Usage: check-office-manifest.py MANIFEST [ADDIN_DIR]

No package registry carries Microsoft's XSD files for these manifests (the copies once
published with the documentation were withdrawn as out of date; the current schema is the
appendix of the [MS-OWEMXML] specification), so scripts/validate-office-manifest.sh runs
xmllint --schema only when it is given them, and always runs these checks:

- the root is a TaskPaneApp OfficeApp of schema 1.1, its children in the documented order
  ("Task pane add-in element ordering"), the required ones present, each value of its
  documented form (GUID, version, culture name, string lengths, permission level);
- VersionOverrides V1_0 for a Workbook host: Runtimes, then AllFormFactors with one
  CustomFunctions extension point holding Script, Page, Metadata and Namespace in order;
- the shared runtime is the custom functions' page (Microsoft: "the shared runtime won't
  load if the resid of the runtime isn't consistent");
- every resid names a resource that exists, no longer than 32 characters, ids unique;
- every URL is https, at most 2048 characters, under one <origin>/addin/, and names a file
  of ADDIN_DIR (clients/office/ by default), so that the service serves what the manifest asks for;
- the requirement sets include CustomFunctionsRuntime and SharedRuntime 1.1.

Prints one line per check and `N passed, M failed`; exits 1 when one failed.
"""

import pathlib
import re
import sys
import xml.etree.ElementTree as ET

OFFICE = "http://schemas.microsoft.com/office/appforoffice/1.1"
OVERRIDES = "http://schemas.microsoft.com/office/taskpaneappversionoverrides"
BT = "http://schemas.microsoft.com/office/officeappbasictypes/1.0"
XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"

# The documented order of OfficeApp's children for a task pane add-in; * marks the required.
ORDER = [
    "Id*", "AlternateId", "Version*", "ProviderName*", "DefaultLocale*", "DisplayName*",
    "Description*", "IconUrl", "HighResolutionIconUrl", "SupportUrl", "AppDomains", "Hosts",
    "Requirements", "DefaultSettings", "Permissions", "Dictionary", "VersionOverrides",
    "ExtendedOverrides",
]
HOST_ORDER = ["Runtimes", "AllFormFactors", "DesktopFormFactor", "MobileFormFactor"]
EXTENSION_ORDER = ["Script", "Page", "Metadata", "Namespace"]
UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
VERSION = re.compile(r"^[0-9]{1,5}(\.[0-9]{1,5}){0,3}$")
CULTURE = re.compile(r"^[a-zA-Z]{2,3}-[a-zA-Z0-9]{3,8}(-[a-zA-Z]{2,3})?$|^[a-zA-Z]{2,3}(-[a-zA-Z]{2,3})?$")
PERMISSIONS = {"Restricted", "ReadDocument", "ReadAllDocument", "WriteDocument", "ReadWriteDocument"}


def local(tag):
    return tag.split("}", 1)[1] if "}" in tag else tag


def namespace(tag):
    return tag[1:].split("}", 1)[0] if tag.startswith("{") else ""


def in_order(names, order):
    """Whether `names` follow `order` (each name at most once, none unknown)."""
    positions = []
    for name in names:
        if name not in order:
            return False
        positions.append(order.index(name))
    return positions == sorted(positions) and len(set(positions)) == len(positions)


def check(path, addin_dir):
    results = []

    def report(ok, what):
        results.append((bool(ok), what))

    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as error:
        report(False, f"{path} is well-formed XML: {error}")
        return results
    report(True, f"{path} is well-formed XML")

    report(root.tag == f"{{{OFFICE}}}OfficeApp" and root.get(XSI_TYPE) == "TaskPaneApp",
           f"the root is a TaskPaneApp OfficeApp of schema 1.1; got {root.tag} {root.get(XSI_TYPE)}")
    children = [c for c in root if isinstance(c.tag, str)]
    names = [local(c.tag) for c in children]
    order = [n.rstrip("*") for n in ORDER]
    report(all(namespace(c.tag) == OFFICE for c in children if local(c.tag) != "VersionOverrides"),
           "OfficeApp's children are in the appforoffice/1.1 namespace")
    report(in_order(names, order), f"OfficeApp's children are in the documented order, each once; got {names}")
    required = [n.rstrip("*") for n in ORDER if n.endswith("*")] + ["Hosts", "DefaultSettings", "VersionOverrides"]
    report(all(n in names for n in required), f"OfficeApp has {', '.join(required)}")

    def text(name):
        element = root.find(f"{{{OFFICE}}}{name}")
        return (element.text or "").strip() if element is not None else ""

    report(UUID.match(text("Id")), f"Id is a GUID; got {text('Id')!r}")
    report(VERSION.match(text("Version")), f"Version is up to four numbers; got {text('Version')!r}")
    report(CULTURE.match(text("DefaultLocale")), f"DefaultLocale is a culture name; got {text('DefaultLocale')!r}")
    report(text("Permissions") in PERMISSIONS, f"Permissions is a permission level; got {text('Permissions')!r}")
    report(0 < len(text("ProviderName")) <= 125, "ProviderName has 1 to 125 characters")
    for name, limit in (("DisplayName", 125), ("Description", 250)):
        element = root.find(f"{{{OFFICE}}}{name}")
        values = [] if element is None else [element.get("DefaultValue") or ""] + [
            (o.get("Value") or "") for o in element.findall(f"{{{OFFICE}}}Override")
        ]
        locales_ok = element is not None and all(
            CULTURE.match(o.get("Locale") or "") for o in element.findall(f"{{{OFFICE}}}Override")
        )
        report(values and all(0 < len(v) <= limit for v in values) and locales_ok,
               f"{name} and its overrides have 1 to {limit} characters and culture names; got lengths {[len(v) for v in values]}")
    hosts = [h.get("Name") for h in root.findall(f"{{{OFFICE}}}Hosts/{{{OFFICE}}}Host")]
    report(hosts == ["Workbook"], f"the add-in is for Excel workbooks only; got {hosts}")
    sets = {(s.get("Name"), s.get("MinVersion")) for s in root.iter(f"{{{OFFICE}}}Set")}
    report({("CustomFunctionsRuntime", "1.1"), ("SharedRuntime", "1.1")} <= sets,
           f"the requirements name CustomFunctionsRuntime 1.1 and SharedRuntime 1.1; got {sorted(sets)}")

    overrides = root.find(f"{{{OVERRIDES}}}VersionOverrides")
    if overrides is None:
        report(False, "VersionOverrides is in the taskpaneappversionoverrides namespace")
        return results
    report(overrides.get(XSI_TYPE) == "VersionOverridesV1_0", "VersionOverrides is VersionOverridesV1_0")
    ov_hosts = overrides.findall(f"{{{OVERRIDES}}}Hosts/{{{OVERRIDES}}}Host")
    report(len(ov_hosts) == 1 and ov_hosts[0].get(XSI_TYPE) == "Workbook",
           "VersionOverrides has one Host, a Workbook")
    if not ov_hosts:
        return results
    host = ov_hosts[0]
    host_names = [local(c.tag) for c in host]
    report(in_order(host_names, HOST_ORDER) and host_names[:2] == ["Runtimes", "AllFormFactors"],
           f"the Host holds Runtimes, then AllFormFactors, in the documented order; got {host_names}")
    runtimes = host.findall(f"{{{OVERRIDES}}}Runtimes/{{{OVERRIDES}}}Runtime")
    points = host.findall(f"{{{OVERRIDES}}}AllFormFactors/{{{OVERRIDES}}}ExtensionPoint")
    report(len(points) == 1 and points[0].get(XSI_TYPE) == "CustomFunctions",
           "AllFormFactors has one CustomFunctions extension point")
    if not points:
        return results
    point = points[0]
    report([local(c.tag) for c in point] == EXTENSION_ORDER,
           f"the extension point holds {', '.join(EXTENSION_ORDER)} in order; got {[local(c.tag) for c in point]}")

    def resid(element_path):
        element = point.find(element_path)
        return element.get("resid") if element is not None else None

    page = resid(f"{{{OVERRIDES}}}Page/{{{OVERRIDES}}}SourceLocation")
    report(len(runtimes) == 1 and runtimes[0].get("lifetime") == "long" and runtimes[0].get("resid") == page,
           f"the one runtime is long-lived and is the functions' page ({page}): a shared runtime")

    urls = {u.get("id"): u.get("DefaultValue") for u in overrides.iter(f"{{{BT}}}Url")}
    strings = {s.get("id"): s.get("DefaultValue") for s in overrides.iter(f"{{{BT}}}String")}
    all_ids = [e.get("id") for e in overrides.iter() if local(e.tag) in ("Url", "String") and namespace(e.tag) == BT]
    report(len(all_ids) == len(set(all_ids)) and all(i and len(i) <= 32 for i in all_ids),
           f"resource ids are unique and at most 32 characters; got {all_ids}")
    residents = [e.get("resid") for e in overrides.iter() if e.get("resid") is not None]
    dangling = [r for r in residents if r not in urls and r not in strings]
    report(not dangling, f"every resid names a resource; dangling: {dangling}")
    namespace_resid = point.find(f"{{{OVERRIDES}}}Namespace")
    ns_value = strings.get(namespace_resid.get("resid")) if namespace_resid is not None else None
    report(ns_value == "QIXIAN", f"the functions' namespace is QIXIAN (so they read QIXIAN.DEADLINE …); got {ns_value!r}")

    default_source = root.find(f"{{{OFFICE}}}DefaultSettings/{{{OFFICE}}}SourceLocation")
    all_urls = list(urls.values()) + ([default_source.get("DefaultValue")] if default_source is not None else [])
    bases = {re.sub(r"[^/]*$", "", u or "") for u in all_urls}
    report(len(bases) == 1 and all(u and u.startswith("https://") and len(u) <= 2048 for u in all_urls)
           and next(iter(bases)).endswith("/addin/"),
           f"every URL is https and under one <origin>/addin/; got {sorted(bases)}")
    files = sorted({(u or "").rsplit("/", 1)[-1] for u in all_urls})
    missing = [f for f in files if not (addin_dir / f).is_file()]
    report(not missing, f"every file the manifest names is in {addin_dir}: {files}; missing: {missing}")
    return results


def main(argv):
    if not 1 <= len(argv) <= 2:
        print(__doc__, file=sys.stderr)
        return 2
    path = pathlib.Path(argv[0])
    addin_dir = pathlib.Path(argv[1]) if len(argv) == 2 else pathlib.Path(__file__).resolve().parent.parent / "clients" / "office"
    results = check(path, addin_dir)
    for ok, what in results:
        print(f"{'ok  ' if ok else 'FAIL'} manifest: {what}")
    failed = sum(1 for ok, _ in results if not ok)
    print(f"{len(results) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
