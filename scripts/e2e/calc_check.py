#!/usr/bin/python3
"""Runs the spreadsheet recipes of a Markdown file in LibreOffice Calc, headless, over UNO.

Usage: /usr/bin/python3 calc_check.py BASE_URL DOC.md

Run it with Debian's /usr/bin/python3: the `uno` module comes from the python3-uno package and
is built for that interpreter only.

Each ```calc block of DOC.md is a small sheet: `A2: 2026-09-30` puts the value into A2 (an ISO
date becomes a date, a number a number, `=…` a formula written as in Excel: English names,
commas between arguments), and `C2 shows 2026-10-15` is what C2 must display after
`calculateAll()` (a date result may be a date serial or the text itself). Every
`http://127.0.0.1:8080` is replaced by BASE_URL. Each block gets a new spreadsheet: a formula
entered over UNO fetches at once, whereas a saved file that is loaded has its external content
blocked.

Then a CSV list is opened with Calc's CSV import (UTF-8, comma), as LibreOffice's "Link to
External Data" and Google Sheets' IMPORTDATA read it: the header and a row with Chinese text
must come through.

Prints one line per check, then `N passed, M failed`; exits non-zero when a check failed. It
starts its own soffice (a fresh profile, a named pipe, no TCP port) and stops it at the end.
"""

import datetime
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import uno  # noqa: F401 (sets up the bridge; must come before the com.sun.star imports)
from com.sun.star.beans import PropertyValue
from com.sun.star.connection import NoConnectException
from com.sun.star.lang import Locale

DOC_BASE = "http://127.0.0.1:8080"
SOFFICE = "/usr/lib/libreoffice/program/soffice"
TOTAL_SECONDS = 240
CONNECT_SECONDS = 90
EPOCH = datetime.date(1899, 12, 30)  # Calc's (and Excel's) day 0
INPUT = re.compile(r"^([A-Z]+[0-9]+): (.*)$")
SHOWS = re.compile(r"^([A-Z]+[0-9]+) shows (.*)$")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
# com.sun.star.sheet.FormulaResult
RESULT_VALUE, RESULT_STRING = 1, 2
# com.sun.star.util.NumberFormat.DATE
DATE_FORMAT = 2


def calc_blocks(path):
    """The ```calc blocks of `path`: lists of (line number, line)."""
    blocks, current = [], None
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f.read().splitlines(), start=1):
            if current is None and line.strip() == "```calc":
                current = []
            elif current is not None and line.strip() == "```":
                blocks.append(current)
                current = None
            elif current is not None and line.strip():
                current.append((number, line.strip()))
    return blocks


def excel_to_calc(formula):
    """Excel's argument separator (,) as the API grammar's (;), outside string literals."""
    out, in_string = [], False
    for c in formula:
        if c == '"':
            in_string = not in_string
        out.append(";" if c == "," and not in_string else c)
    return "".join(out)


def prop(name, value):
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


class Office:
    """A headless soffice of our own, reached over a named pipe."""

    def __init__(self):
        self.profile = tempfile.mkdtemp(prefix="qixian-e2e-lo-")
        self.pipe = f"qixian_e2e_{os.getpid()}"
        env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
        env["no_proxy"] = env["NO_PROXY"] = "127.0.0.1,localhost"
        self.process = subprocess.Popen(
            [
                SOFFICE,
                "--headless",
                "--invisible",
                "--nologo",
                "--norestore",
                "--nodefault",
                "--nolockcheck",
                f"-env:UserInstallation=file://{self.profile}",
                f"--accept=pipe,name={self.pipe};urp;StarOffice.ComponentContext",
            ],
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
                    f"uno:pipe,name={self.pipe};urp;StarOffice.ComponentContext"
                )
                break
            except NoConnectException:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise RuntimeError("soffice did not start") from None
                time.sleep(0.5)
        self.desktop = self.context.ServiceManager.createInstanceWithContext(
            "com.sun.star.frame.Desktop", self.context
        )

    def open(self, url, *properties):
        return self.desktop.loadComponentFromURL(
            url, "_blank", 0, (prop("Hidden", True),) + properties
        )

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
        shutil.rmtree(self.profile, ignore_errors=True)


def put(doc, cell, text, base_url):
    """Enters `text` into `cell` as a person typing it into the sheet would."""
    if text.startswith("="):
        cell.setFormula(excel_to_calc(text.replace(DOC_BASE, base_url)))
    elif ISO_DATE.match(text):
        cell.setValue((datetime.date.fromisoformat(text) - EPOCH).days)
        cell.NumberFormat = doc.NumberFormats.getStandardFormat(DATE_FORMAT, Locale())
    elif NUMBER.match(text):
        cell.setValue(float(text))
    else:
        cell.setString(text)


def shown(cell):
    """What the cell holds, as text; a date serial as an ISO date when that is what is wanted."""
    if cell.getError():
        return f"error {cell.getError()}", None
    numeric = cell.FormulaResultType2 == RESULT_VALUE if cell.getFormula().startswith("=") else None
    return cell.getString(), (cell.getValue() if numeric else None)


def matches(expected, text, value):
    if text == expected:
        return True
    if value is None:
        return False
    if ISO_DATE.match(expected):
        return (EPOCH + datetime.timedelta(days=int(value))).isoformat() == expected
    if NUMBER.match(expected):
        return value == float(expected)
    return False


def check_block(office, block, base_url, report):
    doc = office.open("private:factory/scalc")
    try:
        sheet = doc.Sheets.getByIndex(0)
        expectations = []
        for number, line in block:
            if m := SHOWS.match(line):
                expected = m.group(2).split(" (")[0].strip()
                # `D6 shows (empty)`: a cell that shows nothing.
                expectations.append((number, m.group(1), "" if expected == "(empty)" else expected))
            elif m := INPUT.match(line):
                put(doc, sheet.getCellRangeByName(m.group(1)), m.group(2), base_url)
            else:
                report(False, f"line {number}: neither `CELL: input` nor `CELL shows value`: {line}")
        doc.calculateAll()
        for number, name, expected in expectations:
            text, value = shown(sheet.getCellRangeByName(name))
            got = text if value is None else f"{text!r} (value {value})"
            report(
                matches(expected, text, value),
                f"line {number}: {name} shows {expected}" + ("" if matches(expected, text, value) else f"; got {got}"),
            )
    finally:
        doc.close(True)


def check_csv_import(office, base_url, report):
    check_countif(office, base_url, report)
    url = f"{base_url}/v1/calendars/cn-xj-kizilsu/days?year=2026&format=csv"
    # Comma, double quote, UTF-8 (76), from line 1, standard cell formats.
    doc = office.open(
        url,
        prop("FilterName", "Text - txt - csv (StarCalc)"),
        prop("FilterOptions", "44,34,76,1,,0"),
    )
    if doc is None:
        report(False, f"CSV import of {url}: Calc could not open it")
        return
    try:
        cells = doc.Sheets.getByIndex(0).getCellRangeByName("A1:J48").getDataArray()
        header = [str(c) for c in cells[0]]
        report(header[:6] == ["date", "calendar", "working", "kind", "name", "provisional"],
               f"CSV import: header row; got {header}")
        rows = [[str(c) for c in row] for row in cells[1:]]
        makeup = [r for r in rows if r[3] == "makeup_workday" and r[4] == "国庆节"]
        report(len(rows) == 47 and all(r[1] == "cn-xj-kizilsu" for r in rows),
               f"CSV import: 47 rows of calendar cn-xj-kizilsu; got {len(rows)}")
        report(len(makeup) == 2, f"CSV import: 国庆节's two makeup days read as UTF-8; got {makeup}")
    finally:
        doc.close(True)


def check_countif(office, base_url, report):
    """The Google Sheets recipe: every day of 2026 imported, then =COUNTIF(C:C,TRUE) in a cell
    of its own gives the year's working days, as /v1/workdays/count says (244 in Kizilsu)."""
    url = f"{base_url}/v1/days?from=2026-01-01&to=2026-12-31&format=csv"
    doc = office.open(
        url,
        prop("FilterName", "Text - txt - csv (StarCalc)"),
        prop("FilterOptions", "44,34,76,1,,0"),
    )
    if doc is None:
        report(False, f"CSV import of {url}: Calc could not open it")
        return
    try:
        sheet = doc.Sheets.getByIndex(0)
        sheet.getCellRangeByName("L1").setFormula(excel_to_calc("=COUNTIF(C:C,TRUE())"))
        doc.calculateAll()
        got = sheet.getCellRangeByName("L1").getValue()
        report(got == 244.0, f"CSV import: =COUNTIF(C:C,TRUE) over 2026 gives 244; got {got}")
    finally:
        doc.close(True)


def main(argv):
    if len(argv) != 2:
        print("usage: calc_check.py BASE_URL DOC.md", file=sys.stderr)
        return 2
    base_url, doc_path = argv[0].rstrip("/"), argv[1]
    signal.alarm(TOTAL_SECONDS)  # a hung soffice must not hang the run
    counts = {"passed": 0, "failed": 0}

    def report(ok, what):
        counts["passed" if ok else "failed"] += 1
        print(f"{'ok  ' if ok else 'FAIL'} calc: {what}", flush=True)

    blocks = calc_blocks(doc_path)
    if not blocks:
        report(False, f"no ```calc blocks in {doc_path}")
    office = Office()
    try:
        for block in blocks:
            check_block(office, block, base_url, report)
        check_csv_import(office, base_url, report)
    finally:
        office.close()
    print(f"{counts['passed']} passed, {counts['failed']} failed")
    return 1 if counts["failed"] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
