#!/usr/bin/env python3
"""Checks the Excel add-in (clients/office/) in headless Chromium, against a running qixian.

Usage: office_addin_check.py --addin https://127.0.0.1:PORT/addin/ --harness URL [--api URL] [--cafile PEM]
                              [--office-dir clients/office]

--addin is where the add-in's files are served over HTTPS (functions.js, functions.json,
functions.html); --harness is office_harness.html (with office_stand_in.js beside it) on any
origin; --api is the service, needed only while it is not the add-in's own origin. When the
service serves /addin/ itself, --addin https://127.0.0.1:PORT/addin/ alone is enough: the
functions then find the API on the origin they were loaded from, as in Excel.

Checks:
- functions.json is the JSDoc of functions.js (ids, names, descriptions, parameters, types);
- in the harness (a stand-in for Excel's CustomFunctions), functions.js registers exactly the
  functions of functions.json, and each answers what the service answers when asked directly
  (urllib, format=text), as an Excel serial number, plus the hand-checked facts;
- errors are CustomFunctions.Error: #VALUE! with the problem document's detail, #N/A when the
  service cannot be reached;
- functions.html loads Office.js (from Microsoft's CDN, here answered by the stand-in) and then
  functions.js, and its functions answer; nothing else is fetched from outside.

Prints one line per check and `N passed, M failed`; exits 1 when one failed.
"""

import argparse
import datetime
import json
import pathlib
import re
import ssl
import sys
import urllib.error
import urllib.parse
import urllib.request

from playwright.sync_api import sync_playwright

EPOCH = datetime.date(1899, 12, 30)
CDN = "https://appsforoffice.microsoft.com/"
# The service is asked directly, never through a proxy; over HTTPS, trusting --cafile.
NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))
HERE = pathlib.Path(__file__).resolve().parent
# The browser is a Chinese Excel, as in the offices: its requests say Accept-Language: zh-CN,
# so the service's problems come back in Chinese, as urllib (which names no language) gets them.
LOCALE = "zh-CN"


class Checks:
    def __init__(self):
        self.passed = self.failed = 0

    def report(self, ok, what):
        if ok:
            self.passed += 1
        else:
            self.failed += 1
        print(f"{'ok  ' if ok else 'FAIL'} office add-in: {what}", flush=True)

    def equal(self, what, got, expected):
        self.report(got == expected, f"{what}: {expected!r}" + ("" if got == expected else f"; got {got!r}"))


def serial(iso):
    return (datetime.date.fromisoformat(iso) - EPOCH).days


def api_text(api, path, **params):
    query = urllib.parse.urlencode({**params, "format": "text"})
    with NO_PROXY.open(f"{api}{path}?{query}", timeout=10) as response:
        return response.read().decode("utf-8")


def api_problem(api, path, **params):
    query = urllib.parse.urlencode(params)
    try:
        NO_PROXY.open(f"{api}{path}?{query}", timeout=10).read()
    except urllib.error.HTTPError as error:
        return json.loads(error.read().decode("utf-8"))["detail"]
    raise AssertionError(f"{path}?{query} was answered 200; a problem was expected")


def jsdoc_functions(source):
    """The @customfunction blocks of functions.js, in functions.json's shape."""
    functions = []
    for block in re.findall(r"/\*\*(.*?)\*/", source, flags=re.S):
        lines = [re.sub(r"^\s*\* ?", "", line).rstrip() for line in block.strip().splitlines()]
        if not any(line.startswith("@customfunction") for line in lines):
            continue
        head = []
        for line in lines:
            if line.startswith("@"):
                break
            head.append(line)
        description = " ".join(line for line in head if line)
        function = {"description": description, "parameters": []}
        for line in lines:
            if m := re.match(r"@customfunction\s+(\S+)", line):
                function["id"] = function["name"] = m.group(1)
            elif m := re.match(r"@param\s+\{(\w+)\}\s+(\[?)(\w+)\]?\s+(.*)$", line):
                parameter = {"name": m.group(3), "description": m.group(4), "type": m.group(1), "dimensionality": "scalar"}
                if m.group(2):
                    parameter["optional"] = True
                function["parameters"].append(parameter)
            elif m := re.match(r"@returns\s+\{(\w+)\}", line):
                function["result"] = {"type": m.group(1), "dimensionality": "scalar"}
        functions.append(function)
    return functions


def check_metadata(office_dir, checks):
    source = (office_dir / "functions.js").read_text(encoding="utf-8")
    metadata = json.loads((office_dir / "functions.json").read_text(encoding="utf-8"))
    documented = jsdoc_functions(source)
    by_id = {f["id"]: f for f in metadata["functions"]}
    checks.equal("functions.json has the functions of functions.js's JSDoc", sorted(by_id), sorted(f["id"] for f in documented))
    for function in documented:
        described = by_id.get(function["id"])
        if described is None:
            continue
        ordered = {k: described.get(k) for k in ("id", "name", "description", "result", "parameters")}
        checks.report(ordered == function, f"functions.json's {function['id']} is its JSDoc"
                      + ("" if ordered == function else f"; JSDoc {function} vs JSON {ordered}"))
        associated = re.search(rf'CustomFunctions\.associate\("{function["id"]}",', source)
        checks.report(associated, f"functions.js associates {function['id']}")
    ids_ok = all(re.fullmatch(r"[A-Z][A-Z0-9._]*", f["id"]) and f["id"] == f["name"] for f in metadata["functions"])
    checks.report(ids_ok, "ids and names are upper-case letters and digits, the same for each function")
    return sorted(by_id)


def call(page, function, *args):
    return page.evaluate("([id, args]) => window.harness.call(id, args)", [function, list(args)])


def check_values(page, api, checks):
    deadline = lambda **p: serial(api_text(api, "/v1/deadlines", **p))  # noqa: E731
    cases = [
        ("DEADLINE", ["countersign-reply", serial("2026-09-30")],
         deadline(rule="countersign-reply", event="2026-09-30"), serial("2026-10-15")),
        ("DEADLINE", ["countersign-reply", "2026-09-30", "cn-xj-kizilsu"],
         deadline(rule="countersign-reply", event="2026-09-30", calendar="cn-xj-kizilsu"), serial("2026-10-15")),
        ("DEADLINE", ["countersign-reply", "2026-09-30", None],
         deadline(rule="countersign-reply", event="2026-09-30"), serial("2026-10-15")),
        ("DEADLINE", ["meeting-issuance", serial("2026-10-09") + 1.5 / 24],
         deadline(rule="meeting-issuance", event="2026-10-09T01:30:00"), None),
        ("DEADLINE", ["approved-filing", "2026/9/30", "cn"],
         deadline(rule="approved-filing", event="2026-09-30", calendar="cn"), None),
        ("WORKDAY", [serial("2026-09-30"), 7, "cn-xj-kizilsu"],
         serial(api_text(api, "/v1/workdays/add", start="2026-09-30", days="7", calendar="cn-xj-kizilsu")),
         serial("2026-10-15")),
        ("WORKDAY", ["2026-09-30", -3, "cn"],
         serial(api_text(api, "/v1/workdays/add", start="2026-09-30", days="-3", calendar="cn")), None),
        ("NETWORKDAYS", ["2026-09-28", serial("2026-10-10"), "cn"],
         int(api_text(api, "/v1/workdays/count", **{"from": "2026-09-28", "to": "2026-10-10", "calendar": "cn"})), 6),
        ("NETWORKDAYS", [serial("2026-01-01"), serial("2026-12-31")],
         int(api_text(api, "/v1/workdays/count", **{"from": "2026-01-01", "to": "2026-12-31"})), None),
        ("ISWORKDAY", [serial("2026-10-10")], int(api_text(api, "/v1/days/2026-10-10")), 1),
        ("ISWORKDAY", ["2026-05-27", "cn-xj"], int(api_text(api, "/v1/days/2026-05-27", calendar="cn-xj")), 0),
        ("ISWORKDAY", ["2026/5/27", "cn"], int(api_text(api, "/v1/days/2026-05-27", calendar="cn")), 1),
        ("PROVISIONAL", ["countersign-reply", "2026-12-28"],
         int(api_text(api, "/v1/deadlines", rule="countersign-reply", event="2026-12-28", field="provisional")), 1),
        ("PROVISIONAL", ["countersign-reply", serial("2026-09-30")],
         int(api_text(api, "/v1/deadlines", rule="countersign-reply", event="2026-09-30", field="provisional")), 0),
    ]
    for function, args, expected, hand in cases:
        got = call(page, function, *args)
        checks.report(got.get("value") == expected and got.get("type") == "number",
                      f"QIXIAN.{function}({', '.join(map(repr, args))}) is the service's {expected}"
                      + ("" if got.get("value") == expected else f"; got {got}"))
        if hand is not None:
            checks.report(expected == hand, f"QIXIAN.{function}: the service answers the hand-checked {hand}; it said {expected}")

    errors = [
        ("DEADLINE", ["no-such-rule", serial("2026-09-30")],
         api_problem(api, "/v1/deadlines", rule="no-such-rule", event="2026-09-30")),
        ("WORKDAY", [serial("2026-09-30"), 7, "xx"],
         api_problem(api, "/v1/workdays/add", start="2026-09-30", days="7", calendar="xx")),
        ("ISWORKDAY", ["2026-02-30"], api_problem(api, "/v1/days/2026-02-30")),
        ("WORKDAY", [serial("2026-09-30"), 7.5], api_problem(api, "/v1/workdays/add", start="2026-09-30", days="7.5")),
    ]
    for function, args, detail in errors:
        got = call(page, function, *args).get("error") or {}
        checks.report(got.get("isCustomFunctionsError") and got.get("code") == "#VALUE!" and got.get("message") == detail,
                      f"QIXIAN.{function}({', '.join(map(repr, args))}) is #VALUE! saying {detail!r}; got {got}")
    got = call(page, "DEADLINE", "countersign-reply", 0).get("error") or {}
    checks.report(got.get("code") == "#VALUE!" and got.get("message", "").startswith("缺少参数 event，或单元格是空的"),
                  f"an empty event cell (0) is #VALUE! naming the argument, not a question about 1899-12-30; got {got}")


def check_unreachable(page, nothing, checks):
    page.evaluate("(base) => { window.savedBase = window.QIXIAN_API_BASE; window.QIXIAN_API_BASE = base; }", nothing)
    got = call(page, "ISWORKDAY", "2026-10-10").get("error") or {}
    page.evaluate("() => { window.QIXIAN_API_BASE = window.savedBase; }")
    checks.report(got.get("code") == "#N/A" and got.get("message", "").startswith(f"无法连接 qixian 服务 {nothing}"),
                  f"with no service at {nothing}, a function is #N/A saying it cannot reach it; got {got}")


def check_functions_html(browser, addin, api, ids, checks):
    """functions.html as Excel opens it: Office.js from the CDN (answered here by the stand-in)."""
    context = browser.new_context(ignore_https_errors=True, locale=LOCALE)
    outside, cdn = [], []
    try:
        stand_in = (HERE / "office_stand_in.js").read_text(encoding="utf-8")

        def from_cdn(route):
            cdn.append(route.request.url)
            route.fulfill(status=200, content_type="text/javascript", body=stand_in)

        context.route(f"{CDN}**", from_cdn)
        page = context.new_page()
        page.on("request", lambda r: outside.append(r.url)
                if not r.url.startswith(("https://127.0.0.1:", "http://127.0.0.1:", CDN, "data:")) else None)
        if api is not None:
            page.add_init_script(f"window.QIXIAN_API_BASE = {json.dumps(api)};")
        page.goto(f"{addin}functions.html", wait_until="load")
        checks.equal("functions.html loads Office.js from Microsoft's CDN",
                     cdn, ["https://appsforoffice.microsoft.com/lib/1/hosted/office.js"])
        checks.equal("functions.html's functions.js registers the functions of functions.json",
                     sorted(page.evaluate("() => window.harness.ids()")), ids)
        got = call(page, "DEADLINE", "countersign-reply", serial("2026-09-30"))
        checks.equal("QIXIAN.DEADLINE answers in functions.html", got.get("value"), serial("2026-10-15"))
        checks.equal("functions.html fetches nothing from any other host", outside, [])
    finally:
        context.close()


def main(argv):
    parser = argparse.ArgumentParser()
    parser.add_argument("--addin", required=True)
    parser.add_argument("--harness", required=True)
    parser.add_argument("--api")
    parser.add_argument("--unreachable", required=True, help="a loopback URL where nothing listens")
    parser.add_argument("--office-dir", default=str(HERE.parent.parent / "clients" / "office"))
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--cafile", help="the certificate to trust when the API is asked over HTTPS")
    args = parser.parse_args(argv)
    if args.cafile:
        global NO_PROXY
        NO_PROXY = urllib.request.build_opener(
            urllib.request.ProxyHandler({}),
            urllib.request.HTTPSHandler(context=ssl.create_default_context(cafile=args.cafile)),
        )
    addin = args.addin if args.addin.endswith("/") else args.addin + "/"
    origin = "{0.scheme}://{0.netloc}".format(urllib.parse.urlsplit(addin))
    api = (args.api or origin).rstrip("/")
    checks = Checks()
    ids = check_metadata(pathlib.Path(args.office_dir), checks)
    query = {"addin": addin}
    if api != origin:
        query["api"] = api
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=args.chromium,
            args=["--no-sandbox", "--disable-gpu", "--no-proxy-server",
                  "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"],
        )
        try:
            context = browser.new_context(ignore_https_errors=True, locale=LOCALE)
            page = context.new_page()
            # Uncaught script errors (a failed request is logged too, and some are meant to fail).
            uncaught = []
            page.on("pageerror", lambda e: uncaught.append(str(e)))
            page.goto(f"{args.harness}?{urllib.parse.urlencode(query)}", wait_until="load")
            page.wait_for_function("() => document.documentElement.dataset.loaded", timeout=15000)
            loaded = page.evaluate("() => document.documentElement.dataset.loaded")
            checks.equal(f"the harness loads {addin}functions.js", loaded, "yes")
            checks.equal("functions.js registers the functions of functions.json", sorted(page.evaluate("() => window.harness.ids()")), ids)
            check_values(page, api, checks)
            check_unreachable(page, args.unreachable, checks)
            checks.equal("no uncaught script error in the page", uncaught, [])
            context.close()
            check_functions_html(browser, addin, api if api != origin else None, ids, checks)
        except Exception as error:  # a crash is a failure with its reason, and the count still printed
            checks.report(False, f"stopped by {type(error).__name__}: {error}")
        finally:
            browser.close()
    print(f"{checks.passed} passed, {checks.failed} failed")
    return 1 if checks.failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
