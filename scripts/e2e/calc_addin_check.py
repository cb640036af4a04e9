#!/usr/bin/python3
"""Checks the qixian Calc add-in (clients/libreoffice/, installed from the .oxt) in a headless
LibreOffice Calc, over UNO, against a running qixian.

Usage: /usr/bin/python3 calc_addin_check.py BASE_URL PROFILE_DIR [--run-as USER] [--port PORT]

The extension must already be installed into PROFILE_DIR (`unopkg add
-env:UserInstallation=file://PROFILE_DIR`); this script starts soffice on that profile
(as USER when given: unopkg refuses a user installation as root, so the e2e script installs
and runs it as an unprivileged user), listening on 127.0.0.1:PORT, and stops it at the end.
Run it with Debian's /usr/bin/python3 (python3-uno).

Every expected value is asked of the service directly (urllib, format=text or the problem
document), never through the add-in's code, and the facts the brief hand-checked are
checked too (countersign-reply from 2026-09-30 is due 2026-10-15; 2026-10-10 is a makeup
Saturday; 2026-05-27 is 古尔邦节 in Xinjiang).

Prints one line per check, then `N passed, M failed`; exits non-zero when a check failed.
"""

import argparse
import datetime
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

import uno  # noqa: F401 (sets up the bridge; must come before the com.sun.star imports)
from com.sun.star.beans import PropertyValue
from com.sun.star.connection import NoConnectException
from com.sun.star.lang import Locale
from com.sun.star.util import Date as UnoDate

SOFFICE = "/usr/lib/libreoffice/program/soffice"
TOTAL_SECONDS = 300
CONNECT_SECONDS = 90
EPOCH = datetime.date(1899, 12, 30)
ERROR = "错误："
CONFIG_NODE = "/org.qixian.calc.Options/Service"
EXTENSION_ID = "org.qixian.calc"
# com.sun.star.sheet.FormulaResult
RESULT_VALUE, RESULT_STRING = 1, 2
# Category id of "Date&Time" in Calc's function list
DATE_TIME_CATEGORY = 2
NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def prop(name, value):
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def api_text(base, path, **params):
    """The service's own text answer (format=text), asked directly."""
    query = urllib.parse.urlencode({**params, "format": "text"})
    with NO_PROXY.open(f"{base}{path}?{query}", timeout=10) as response:
        return response.read().decode("utf-8")


def api_problem(base, path, **params):
    """The `detail` of the problem document the service answers, asked directly."""
    query = urllib.parse.urlencode(params)
    try:
        NO_PROXY.open(f"{base}{path}?{query}", timeout=10).read()
    except urllib.error.HTTPError as error:
        return json.loads(error.read().decode("utf-8"))["detail"]
    raise AssertionError(f"{path}?{query} was answered 200; a problem was expected")


def serial(iso, null_date=EPOCH):
    return float((datetime.date.fromisoformat(iso) - null_date).days)


def free_port():
    """A loopback port in 18850-18899 that nothing listens on."""
    for port in range(18850, 18900):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port in 18850-18899")


class Office:
    """A headless soffice on the profile the extension was installed into."""

    def __init__(self, profile, port, run_as):
        env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
        env["no_proxy"] = env["NO_PROXY"] = "127.0.0.1,localhost"
        command = [
            SOFFICE,
            "--headless",
            "--invisible",
            "--nologo",
            "--norestore",
            "--nodefault",
            "--nolockcheck",
            f"-env:UserInstallation=file://{profile}",
            f"--accept=socket,host=127.0.0.1,port={port};urp;StarOffice.ComponentContext",
        ]
        if run_as:
            home = os.path.join(profile, "home")
            command = ["runuser", "-u", run_as, "--", "env", f"HOME={home}"] + command
        self.process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
            start_new_session=True,
        )
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext(
            "com.sun.star.bridge.UnoUrlResolver", local
        )
        deadline = time.monotonic() + CONNECT_SECONDS
        while True:
            try:
                self.context = resolver.resolve(
                    f"uno:socket,host=127.0.0.1,port={port};urp;StarOffice.ComponentContext"
                )
                break
            except NoConnectException:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise RuntimeError("soffice did not start") from None
                time.sleep(0.5)
        self.smgr = self.context.ServiceManager
        self.desktop = self.create("com.sun.star.frame.Desktop")

    def create(self, service):
        return self.smgr.createInstanceWithContext(service, self.context)

    def settings(self, update=False):
        provider = self.create("com.sun.star.configuration.ConfigurationProvider")
        kind = "ConfigurationUpdateAccess" if update else "ConfigurationAccess"
        return provider.createInstanceWithArguments(
            f"com.sun.star.configuration.{kind}", (prop("nodepath", CONFIG_NODE),)
        )

    def set_service_url(self, url):
        node = self.settings(update=True)
        node.replaceByName("URL", url)
        node.commitChanges()

    def new_sheet(self):
        return self.desktop.loadComponentFromURL("private:factory/scalc", "_blank", 0, (prop("Hidden", True),))

    def close(self):
        try:
            self.desktop.terminate()
        except Exception:  # the bridge goes away as soffice exits
            pass
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=5)


class Checks:
    def __init__(self):
        self.passed = self.failed = 0

    def report(self, ok, what):
        if ok:
            self.passed += 1
        else:
            self.failed += 1
        print(f"{'ok  ' if ok else 'FAIL'} calc add-in: {what}", flush=True)

    def equal(self, what, got, expected):
        self.report(got == expected, f"{what}: {expected!r}" + ("" if got == expected else f"; got {got!r}"))


def cell_result(cell):
    """(number or None, text) of a formula cell after recalculation."""
    if cell.getError():
        return None, f"Calc error {cell.getError()}"
    if cell.FormulaResultType2 == RESULT_VALUE:
        return cell.getValue(), cell.getString()
    return None, cell.getString()


def check_descriptions(office, checks):
    """The Function Wizard's list has the five functions with their arguments (CalcAddIns.xcu)."""
    descriptions = office.create("com.sun.star.sheet.FunctionDescriptions")
    found = {}
    for i in range(descriptions.getCount()):
        entry = {p.Name: p.Value for p in descriptions.getByIndex(i)}
        if str(entry.get("Name", "")).startswith("QIXIAN."):
            found[entry["Name"]] = entry
    expected = {
        "QIXIAN.DEADLINE": ["rule", "event", "calendar"],
        "QIXIAN.WORKDAY": ["start", "days", "calendar"],
        "QIXIAN.NETWORKDAYS": ["from", "to", "calendar"],
        "QIXIAN.ISWORKDAY": ["date", "calendar"],
        "QIXIAN.PROVISIONAL": ["rule", "event", "calendar"],
    }
    checks.equal("the Function Wizard lists the add-in's functions", sorted(found), sorted(expected))
    for name, arguments in expected.items():
        entry = found.get(name)
        if entry is None:
            continue
        got = [a.Name for a in entry["Arguments"]]
        described = all(a.Description for a in entry["Arguments"]) and bool(entry["Description"])
        checks.report(
            got == arguments and described and entry["Category"] == DATE_TIME_CATEGORY,
            f"{name}: arguments {arguments}, each described, in Date&Time; got {got}, category {entry['Category']}",
        )


def put_date(doc, cell, iso, fraction=0.0):
    cell.setValue(serial(iso) + fraction)
    cell.NumberFormat = doc.NumberFormats.getStandardFormat(2, Locale())  # DATE


def check_values(office, api, checks):
    """Each function in a sheet, against the service's own answers."""
    doc = office.new_sheet()
    try:
        sheet = doc.Sheets.getByIndex(0)
        put_date(doc, sheet.getCellRangeByName("A1"), "2026-09-30")
        put_date(doc, sheet.getCellRangeByName("A2"), "2026-10-09", fraction=1.5 / 24)  # 01:30
        put_date(doc, sheet.getCellRangeByName("A3"), "2026-10-10")
        sheet.getCellRangeByName("A4").setString("countersign-reply")
        sheet.getCellRangeByName("A5").setString("cn-xj")

        deadline = lambda **p: ("date", api_text(api, "/v1/deadlines", **p))  # noqa: E731
        # (cell, formula in the API grammar, what the service says it must be, a hand-checked value)
        cases = [
            ("B1", '=QIXIAN.DEADLINE("countersign-reply";A1)',
             deadline(rule="countersign-reply", event="2026-09-30"), "2026-10-15"),
            ("B2", '=QIXIAN.DEADLINE(A4;"2026-09-30";"cn-xj-kizilsu")',
             deadline(rule="countersign-reply", event="2026-09-30", calendar="cn-xj-kizilsu"), "2026-10-15"),
            ("B3", '=QIXIAN.DEADLINE("meeting-issuance";A2)',
             deadline(rule="meeting-issuance", event="2026-10-09T01:30:00"), None),
            ("B4", '=QIXIAN.DEADLINE("approved-filing";"2026/9/30";"cn")',
             deadline(rule="approved-filing", event="2026-09-30", calendar="cn"), None),
            ("B5", '=QIXIAN.WORKDAY(A1;7;"cn-xj-kizilsu")',
             ("date", api_text(api, "/v1/workdays/add", start="2026-09-30", days="7", calendar="cn-xj-kizilsu")),
             "2026-10-15"),
            ("B6", '=QIXIAN.WORKDAY("2026-09-30";-3;"cn")',
             ("date", api_text(api, "/v1/workdays/add", start="2026-09-30", days="-3", calendar="cn")), None),
            ("B7", '=QIXIAN.NETWORKDAYS("2026-09-28";A3;"cn")',
             ("number", api_text(api, "/v1/workdays/count", **{"from": "2026-09-28", "to": "2026-10-10", "calendar": "cn"})),
             "6"),
            ("B8", '=QIXIAN.NETWORKDAYS(DATE(2026;1;1);DATE(2026;12;31))',
             ("number", api_text(api, "/v1/workdays/count", **{"from": "2026-01-01", "to": "2026-12-31"})), None),
            ("B9", "=QIXIAN.ISWORKDAY(A3)",
             ("number", api_text(api, "/v1/days/2026-10-10")), "1"),
            ("B10", '=QIXIAN.ISWORKDAY("2026-05-27";A5)',
             ("number", api_text(api, "/v1/days/2026-05-27", calendar="cn-xj")), "0"),
            ("B11", '=QIXIAN.ISWORKDAY("2026/5/27";"cn")',
             ("number", api_text(api, "/v1/days/2026-05-27", calendar="cn")), "1"),
            ("B12", '=QIXIAN.PROVISIONAL("countersign-reply";"2026-12-28")',
             ("number", api_text(api, "/v1/deadlines", rule="countersign-reply", event="2026-12-28", field="provisional")),
             "1"),
            ("B13", '=QIXIAN.PROVISIONAL("countersign-reply";A1)',
             ("number", api_text(api, "/v1/deadlines", rule="countersign-reply", event="2026-09-30", field="provisional")),
             "0"),
        ]
        errors = [
            ("C1", '=QIXIAN.DEADLINE("no-such-rule";A1)',
             ERROR + api_problem(api, "/v1/deadlines", rule="no-such-rule", event="2026-09-30")),
            ("C2", '=QIXIAN.WORKDAY(A1;7;"xx")',
             ERROR + api_problem(api, "/v1/workdays/add", start="2026-09-30", days="7", calendar="xx")),
            ("C3", '=QIXIAN.ISWORKDAY("2026-02-30")', ERROR + api_problem(api, "/v1/days/2026-02-30")),
            ("C4", "=QIXIAN.WORKDAY(A1;7.5)",
             ERROR + api_problem(api, "/v1/workdays/add", start="2026-09-30", days="7.5")),
        ]
        for name, formula, *_ in cases + errors:
            sheet.getCellRangeByName(name).setFormula(formula)
        # A formula as a person types it, in the UI's own grammar.
        sheet.getCellRangeByName("D1").setPropertyValue(
            "FormulaLocal", '=QIXIAN.DEADLINE("countersign-reply";A1;"cn-xj-kizilsu")'
        )
        sheet.getCellRangeByName("D2").setFormula('=QIXIAN.DEADLINE("";A1)')
        sheet.getCellRangeByName("D3").setFormula('=QIXIAN.DEADLINE("countersign-reply";E9)')  # E9 is empty
        doc.calculateAll()

        for name, formula, (kind, text), hand in cases:
            value, shown = cell_result(sheet.getCellRangeByName(name))
            expected = serial(text) if kind == "date" else float(text)
            checks.equal(f"{name} {formula} is the service's {text}", value, expected)
            if hand is not None:
                checks.report(text == hand, f"{name}: the service answers the hand-checked {hand}; it said {text}")
        for name, formula, expected in errors:
            value, shown = cell_result(sheet.getCellRangeByName(name))
            checks.equal(f"{name} {formula} shows the problem's detail", shown, expected)

        d1 = sheet.getCellRangeByName("D1")
        value, _ = cell_result(d1)
        checks.equal("a formula typed as QIXIAN.DEADLINE(…) in the UI's grammar is 2026-10-15", value, serial("2026-10-15"))
        checks.report(
            d1.getPropertyValue("FormulaLocal").startswith("=QIXIAN.DEADLINE("),
            f"the cell shows its formula as QIXIAN.DEADLINE(…); got {d1.getPropertyValue('FormulaLocal')}",
        )
        value, shown = cell_result(sheet.getCellRangeByName("D2"))
        checks.report(
            value is None and shown.startswith(ERROR) and "rule" in shown,
            f"an empty rule is a readable error naming the argument; got {shown!r}",
        )
        value, shown = cell_result(sheet.getCellRangeByName("D3"))
        checks.report(
            value is None and shown.startswith(ERROR + "缺少参数 event，或单元格是空的"),
            f"an empty event cell is a readable error, not a question about 1899-12-30; got {shown!r}",
        )

        # Formatted as a date, the deadline reads as one.
        b1 = sheet.getCellRangeByName("B1")
        key = doc.NumberFormats.queryKey("YYYY-MM-DD", Locale(), False)
        b1.NumberFormat = key if key != -1 else doc.NumberFormats.addNew("YYYY-MM-DD", Locale())
        checks.equal("B1 formatted YYYY-MM-DD shows the date", b1.getString(), "2026-10-15")

        # Saved and opened again, the formulas are still the add-in's.
        path = os.path.join(tempfile.mkdtemp(prefix="qixian-addin-ods-"), "register.ods")
        os.chmod(os.path.dirname(path), 0o777)
        doc.storeToURL(f"file://{path}", (prop("FilterName", "calc8"),))
    finally:
        doc.close(True)
    reopened = office.desktop.loadComponentFromURL(f"file://{path}", "_blank", 0, (prop("Hidden", True),))
    try:
        cell = reopened.Sheets.getByIndex(0).getCellRangeByName("B5")
        reopened.calculateAll()
        checks.report(
            cell.getPropertyValue("FormulaLocal").startswith("=QIXIAN.WORKDAY(") and cell.getValue() == serial("2026-10-15"),
            f"a saved .ods keeps =QIXIAN.WORKDAY(…) and recalculates it to 2026-10-15; got "
            f"{cell.getPropertyValue('FormulaLocal')} = {cell.getValue()}",
        )
    finally:
        reopened.close(True)
        shutil.rmtree(os.path.dirname(path), ignore_errors=True)


def check_null_date(office, checks):
    """A document counting from 1904-01-01 gets serials counted from it."""
    doc = office.new_sheet()
    try:
        day0 = UnoDate()
        day0.Year, day0.Month, day0.Day = 1904, 1, 1
        doc.NullDate = day0
        sheet = doc.Sheets.getByIndex(0)
        sheet.getCellRangeByName("A1").setValue(serial("2026-09-30", datetime.date(1904, 1, 1)))
        sheet.getCellRangeByName("B1").setFormula('=QIXIAN.DEADLINE("countersign-reply";A1)')
        sheet.getCellRangeByName("B2").setFormula("=QIXIAN.WORKDAY(A1;7)")
        doc.calculateAll()
        for name in ("B1", "B2"):
            value, shown = cell_result(sheet.getCellRangeByName(name))
            checks.equal(
                f"{name} in a document whose null date is 1904-01-01 is 2026-10-15 counted from it",
                value,
                serial("2026-10-15", datetime.date(1904, 1, 1)),
            )
    finally:
        doc.close(True)


def check_options_page(office, api, checks):
    """The Options page (dialogs/Options.xdl and its handler) shows and saves the address; an
    address where nothing answers is a readable error; the address back, the answer is back."""
    provider = office.context.getValueByName("/singletons/com.sun.star.deployment.PackageInformationProvider")
    location = provider.getPackageLocation(EXTENSION_ID)
    checks.report(bool(location), f"the extension {EXTENSION_ID} is installed in the profile ({location or 'not found'})")
    if not location:
        return
    doc = office.new_sheet()
    try:
        handler = office.create("org.qixian.calc.OptionsHandler")
        page = office.create("com.sun.star.awt.ContainerWindowProvider").createContainerWindow(
            f"{location}/dialogs/Options.xdl", "", doc.CurrentController.Frame.ContainerWindow, handler
        )
        field = page.getControl("ServiceURL")
        handler.callHandlerMethod(page, "initialize", "external_event")
        checks.equal("the Options page shows the address in force", field.getText(), api)

        nothing = f"http://127.0.0.1:{free_port()}"
        field.setText(nothing + "/")
        handler.callHandlerMethod(page, "ok", "external_event")
        checks.equal("OK on the Options page saves the address (without its final /)", office.settings().getByName("URL"), nothing)

        sheet = doc.Sheets.getByIndex(0)
        cell = sheet.getCellRangeByName("A1")
        cell.setFormula('=QIXIAN.ISWORKDAY("2026-10-10")')
        doc.calculateAll()
        value, shown = cell_result(cell)
        checks.report(
            value is None and shown.startswith(ERROR + "无法连接 qixian 服务 " + nothing),
            f"with no service at the address, the cell says it cannot reach it; got {shown!r}",
        )

        field.setText(api)
        handler.callHandlerMethod(page, "ok", "external_event")
        doc.calculateAll()
        checks.equal("with the address back, the cell answers again", cell_result(cell)[0], 1.0)
        page.dispose()
    finally:
        doc.close(True)


def main(argv):
    parser = argparse.ArgumentParser()
    parser.add_argument("base_url")
    parser.add_argument("profile")
    parser.add_argument("--run-as")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args(argv)
    api = args.base_url.rstrip("/")
    signal.alarm(TOTAL_SECONDS)  # a hung soffice must not hang the run
    checks = Checks()
    office = Office(args.profile, args.port or free_port(), args.run_as)
    try:
        checks.equal(
            "the address of a fresh installation is the documented default",
            office.settings().getByName("URL"),
            "http://127.0.0.1:8080",
        )
        office.set_service_url(api)
        check_descriptions(office, checks)
        check_values(office, api, checks)
        check_null_date(office, checks)
        check_options_page(office, api, checks)
    except Exception as error:  # a crash is a failure with its reason, and the count still printed
        checks.report(False, f"stopped by {type(error).__name__}: {error}")
    finally:
        office.close()
    print(f"{checks.passed} passed, {checks.failed} failed")
    return 1 if checks.failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
