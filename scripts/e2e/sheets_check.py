#!/usr/bin/python3
"""qixian's rest-day list and offline workbook in LibreOffice Calc, headless, over UNO.

Usage: /usr/bin/python3 sheets_check.py BASE_URL WORK_DIR

Run it with Debian's /usr/bin/python3 (the `uno` module of python3-uno is built for it).

1. A sample of WORKDAY.INTL and NETWORKDAYS.INTL formulas, typed into a new sheet whose column
   H holds the rest-day list of /v1/calendars/cn-xj-kizilsu/rest-days, must give what
   /v1/workdays/add and /v1/workdays/count give: Calc's own functions, not ours.
2. Workbooks of /v1/calendars/{id}/workbook.xlsx are opened as files: the bare URL (no
   years) downloads; the notes' examples (办结 on time, a date agreed, an extension) hold saved
   values, and after Calc recalculates every formula cell of them shows the value saved in the
   file; their rest-day sheet must hold the API's list; and after register rows are filled in
   (each rule from 国庆节, the makeup Saturday 2026-10-10, 肉孜节, 古尔邦节, into the
   estimated 2027, and beyond the list's years; rows with 办结日期 on and after the due date,
   with 延长 and with an agreed date) and the sheet recalculated, every due date and status must
   be the one the API gives (/v1/deadlines with as_of = Calc's TODAY(), completed_at,
   extended, agreed_due).
3. The register prints the rows filled, not its 500 formula rows: its print area
   (`_xlnm.Print_Area`) is a formula, which Excel prints by. Calc keeps it but prints by fixed
   ranges only, so here Calc evaluates the formula: the range it gives must be A1:J1 for an
   empty register and A1:J5 for rows 2, 3 and 5 filled (row 3 without a 文号, row 4 left
   empty), and that range, exported to PDF, one page each; Calc's own printout, which has no
   fixed range to cut rows with, is every formula row, and with 规则 filtered to leave out
   （空白）, as the notes advise for it, one page.

soffice runs with no network at all (in a network namespace of its own, `unshare -n`, where
the machine allows it; it is reached over a named pipe, which is a file), so the workbook
cannot be using any. Prints one line per check, then `N passed, M failed`; exits non-zero
when a check failed.
"""

import datetime
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ElementTree
import zipfile

import uno  # noqa: F401 (sets up the bridge; must come before the com.sun.star imports)
from com.sun.star.beans import PropertyValue
from com.sun.star.connection import NoConnectException
from com.sun.star.sheet import TableFilterField
from com.sun.star.sheet.FilterOperator import NOT_EMPTY
from com.sun.star.table import CellRangeAddress

SOFFICE = "/usr/lib/libreoffice/program/soffice"
TOTAL_SECONDS = 600
CONNECT_SECONDS = 90
EPOCH = datetime.date(1899, 12, 30)  # day 0 of Calc's (and Excel's) 1900 date system
CALENDAR = "cn-xj-kizilsu"

# What the workbook's status column says, by language (the catalogues' workbook words).
WORDS = {
    "zh": {
        "pending": "未到期",
        "not_started": "尚未起算",
        "due_today": "今日截止",
        "overdue": "已逾期",
        "completed_on_time": "按期办结",
        "completed_late": "逾期办结",
        "provisional": "（暂定）",
        "outside": "超出名单年份，请重新下载本表",
        "extend": "延长",
        "choose": "请从下拉列表中选择规则",
        "not_a_date": "起算日不是日期",
        "sheets": ["期限登记", "休息日", "说明"],
    },
    "en": {
        "pending": "pending",
        "not_started": "not started",
        "due_today": "due today",
        "overdue": "overdue",
        "completed_on_time": "done on time",
        "completed_late": "done late",
        "provisional": " (provisional)",
        "outside": "outside the list's years: download a newer workbook",
        "extend": "extended",
        "choose": "choose a rule from the list",
        "not_a_date": "the event date is not a date",
        "sheets": ["Deadlines", "Rest days", "Notes"],
    },
}

# Events for the register: 国庆节 2026 (10/1-10/7 off, Sat 10/10 worked), the makeup Saturday
# itself, 肉孜节 (3/20-3/22) and 古尔邦节 (5/27-5/31, rest days in Xinjiang only), a 30-day
# period that lands on 国庆节, a count into the estimated 2027 and its 春节, and events whose
# count runs past the list or that lie outside it.
EVENTS = [
    "2026-09-30", "2026-10-09", "2026-10-10", "2026-03-19", "2026-03-20", "2026-05-26",
    "2026-05-27", "2026-09-01", "2026-12-28", "2027-01-29", "2027-12-28", "2028-01-05",
]

# The rules whose 延长 the register counts: an extension in the period's own unit.
EXTENDED = set()
# The rules whose due date may be agreed (第五十条).
AGREED = set()


def countable(rule):
    """Whether a list of dates can count `rule` with WORKDAY.INTL: forward, within N days or N
    working days, as civil law counts (the workbook leaves the other forms to the service)."""
    return (rule["unit"] in ("working_days", "calendar_days") and rule["direction"] == "forward"
            and rule["bound"] == "within" and rule["counting"] == "civil")


def label(rule):
    """The rule column's label: the article for the working rules (which have no statute of
    their own in the API but the prefecture's), the statute and the article for a statute's."""
    if rule["set"] == "kizilsu":
        return rule["article"]
    statute = rule["statute"].split("（")[0].removeprefix("中华人民共和国")
    return statute + rule["article"]


# (calendar, query, language) of the workbooks opened.
WORKBOOKS = [
    (CALENDAR, "from_year=2026&to_year=2027", "zh"),
    ("cn", "year=2026", "zh"),
    ("cn-xj", "from_year=2026&to_year=2027&lang=en", "en"),
]


def prop(name, value):
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def serial(date):
    return (date - EPOCH).days


def date_of(value):
    return EPOCH + datetime.timedelta(days=int(value))


class Api:
    def __init__(self, base_url):
        self.base_url = base_url

    def url(self, path, **query):
        return self.base_url + path + ("?" + urllib.parse.urlencode(query) if query else "")

    def bytes(self, path, **query):
        with urllib.request.urlopen(self.url(path, **query), timeout=30) as response:
            return response.read(), response.headers

    def json(self, path, **query):
        return json.loads(self.bytes(path, **query)[0].decode("utf-8"))

    def text(self, path, **query):
        return self.bytes(path, **query)[0].decode("utf-8")


def network_isolation():
    """The command prefix that runs soffice without any network, if this machine allows it."""
    unshare = shutil.which("unshare")
    if unshare and subprocess.run([unshare, "-n", "true"], capture_output=True).returncode == 0:
        return [unshare, "-n"]
    if unshare and subprocess.run([unshare, "-rn", "true"], capture_output=True).returncode == 0:
        return [unshare, "-rn"]
    return []


class Office:
    """A headless soffice of our own, with a fresh profile, reached over a named pipe."""

    def __init__(self, prefix):
        self.profile = tempfile.mkdtemp(prefix="qixian-e2e-sheets-lo-")
        self.pipe = f"qixian_e2e_sheets_{os.getpid()}"
        self.process = subprocess.Popen(
            prefix
            + [
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

    def open(self, url):
        return self.desktop.loadComponentFromURL(url, "_blank", 0, (prop("Hidden", True),))

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


def check_formulas(office, api, report):
    """WORKDAY.INTL and NETWORKDAYS.INTL typed into a new sheet, over the list in column H."""
    listing = api.json(f"/v1/calendars/{CALENDAR}/rest-days", from_year="2026", to_year="2028")
    dates = [datetime.date.fromisoformat(d["date"]) for d in listing["days"]]
    doc = office.open("private:factory/scalc")
    try:
        sheet = doc.Sheets.getByIndex(0)
        last = len(dates) + 1
        sheet.getCellRangeByName(f"H2:H{last}").setDataArray(tuple((serial(d),) for d in dates))
        holidays = f"$H$2:$H${last}"
        events = [datetime.date(2026, 1, 1) + datetime.timedelta(days=k) for k in range(0, 730, 9)]
        events += [datetime.date.fromisoformat(e) for e in EVENTS[:10]]
        rows = []
        for event in events:
            for days in (1, 7, 30):
                rows.append((event, days))
        for i, (event, days) in enumerate(rows, start=2):
            sheet.getCellRangeByName(f"A{i}").setValue(serial(event))
            sheet.getCellRangeByName(f"B{i}").setValue(days)
            sheet.getCellRangeByName(f"C{i}").setFormula(
                f'=WORKDAY.INTL(A{i};B{i};"0000000";{holidays})'
            )
        spans = [("2026-09-28", "2026-10-10"), ("2026-05-25", "2026-06-05"), ("2026-01-01", "2026-12-31"),
                 ("2027-01-01", "2027-12-31"), ("2026-03-16", "2026-03-27")]
        first_span = len(rows) + 2
        for j, (start, end) in enumerate(spans, start=first_span):
            sheet.getCellRangeByName(f"E{j}").setValue(serial(datetime.date.fromisoformat(start)))
            sheet.getCellRangeByName(f"F{j}").setValue(serial(datetime.date.fromisoformat(end)))
            sheet.getCellRangeByName(f"G{j}").setFormula(
                f'=NETWORKDAYS.INTL(E{j};F{j};"0000000";{holidays})'
            )
        doc.calculateAll()
        wrong = []
        for i, (event, days) in enumerate(rows, start=2):
            cell = sheet.getCellRangeByName(f"C{i}")
            got = "error" if cell.getError() else date_of(cell.getValue()).isoformat()
            want = api.text("/v1/workdays/add", start=event.isoformat(), days=str(days),
                            calendar=CALENDAR, format="text")
            if got != want:
                wrong.append(f"WORKDAY.INTL({event}, {days}): Calc {got}, API {want}")
        report(not wrong, f"Calc's WORKDAY.INTL over the list = /v1/workdays/add for {len(rows)} "
               f"starts and lengths" + ("; " + "; ".join(wrong[:5]) if wrong else ""))
        for j, (start, end) in enumerate(spans, start=first_span):
            got = sheet.getCellRangeByName(f"G{j}").getValue()
            want = api.text("/v1/workdays/count", **{"from": start, "to": end},
                            calendar=CALENDAR, format="text")
            report(got == float(want), f"Calc's NETWORKDAYS.INTL({start}, {end}) = {want}; got {got}")
    finally:
        doc.close(True)


def today_in_calc(office):
    """TODAY() as Calc gives it: the day the workbook's statuses are judged on."""
    doc = office.open("private:factory/scalc")
    try:
        cell = doc.Sheets.getByIndex(0).getCellRangeByName("A1")
        cell.setFormula("=TODAY()")
        doc.calculateAll()
        return date_of(cell.getValue())
    finally:
        doc.close(True)


def expected_row(api, calendar, rule, event, last_day, first_day, today, words, **extra):
    """The due date (or None) and the status the workbook must show for a row; `extra` is
    completed_at, extended or agreed_due."""
    answer = api.json("/v1/deadlines", rule=rule, event=event, calendar=calendar,
                      as_of=today.isoformat(), explain="false", **extra)
    due = datetime.date.fromisoformat(answer["due_date"])
    event_date = datetime.date.fromisoformat(event)
    if not (first_day <= event_date <= last_day) or due > last_day:
        return None, words["outside"]
    status = words[answer["status"]["state"]]
    if answer["provisional"]:
        status += words["provisional"]
    return due, status


MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def saved_cells(path, sheet_number):
    """The formula cells of sheet `sheet_number` (from 1) as saved in the file: reference ->
    (type, saved value as text)."""
    with zipfile.ZipFile(path) as archive:
        root = ElementTree.fromstring(archive.read(f"xl/worksheets/sheet{sheet_number}.xml"))
    saved = {}
    for c in root.iter(MAIN + "c"):
        if c.find(MAIN + "f") is not None:
            v = c.find(MAIN + "v")
            saved[c.get("r")] = (c.get("t", "n"), "" if v is None or v.text is None else v.text)
    return saved


def shows_saved(cell, kind, value):
    """Whether a Calc cell shows the value a file saved for it."""
    if cell.getError():
        return False
    if kind == "str":
        return cell.getString() == value
    if value == "":
        return cell.getString() == ""
    return cell.getValue() == float(value)


def shown_due(cell):
    if cell.getError():
        return f"error {cell.getError()}"
    if cell.getString() == "":
        return None
    return date_of(cell.getValue())


def check_workbook(office, api, work_dir, rules, today, calendar, query, lang, report):
    words = WORDS[lang]
    params = dict(urllib.parse.parse_qsl(query))
    body, headers = api.bytes(f"/v1/calendars/{calendar}/workbook.xlsx", **params)
    again, _ = api.bytes(f"/v1/calendars/{calendar}/workbook.xlsx", **params)
    label = f"{calendar} {query}"
    report(body == again, f"{label}: the same data give the same bytes ({len(body)} bytes)")
    path = os.path.join(work_dir, f"{calendar}-{lang}.xlsx")
    with open(path, "wb") as f:
        f.write(body)
    listing = api.json(f"/v1/calendars/{calendar}/rest-days", **params)
    first_day = datetime.date(listing["from_year"], 1, 1)
    last_day = datetime.date(listing["to_year"], 12, 31)
    doc = office.open(uno.systemPathToFileUrl(path))
    if doc is None:
        report(False, f"{label}: Calc could not open the workbook")
        return
    try:
        names = [doc.Sheets.getByIndex(i).Name for i in range(doc.Sheets.Count)]
        report(names == words["sheets"], f"{label}: sheets {words['sheets']}; got {names}")
        report(doc.NamedRanges.hasByName("rest_days"), f"{label}: the list is named rest_days")
        rest = doc.Sheets.getByIndex(1)
        column = rest.getCellRangeByName(f"A2:A{len(listing['days']) + 2}").getDataArray()
        in_sheet = [date_of(row[0]).isoformat() for row in column if row[0] != ""]
        report(in_sheet == [d["date"] for d in listing["days"]],
               f"{label}: the rest-day sheet holds the API's {len(listing['days'])} dates")
        register = doc.Sheets.getByIndex(0)
        notes = doc.Sheets.getByIndex(2)
        formats = register.ConditionalFormats.getConditionalFormats()
        rules_in = [f.getByIndex(i).Formula1 for f in formats for i in range(f.Count)]
        report(len(formats) == 1 and formats[0].Range.AbsoluteName.endswith("$A$2:$J$501")
               and rules_in[0] == "$O2=10" and rules_in[1].startswith("AND(OR($O2=8,$O2=9),"),
               f"{label}: overdue red and due-soon amber over A2:J501: {rules_in}")
        page = doc.StyleFamilies.getByName("PageStyles").getByName(register.PageStyle)
        report(page.IsLandscape and page.ScaleToPagesX == 1 and page.ScaleToPagesY == 0
               and page.Width == 29700 and register.PrintTitleRows
               and register.TitleRows.StartRow == 0 and register.TitleRows.EndRow == 0,
               f"{label}: printed landscape on A4 ({page.Width}x{page.Height}), one page wide "
               f"({page.ScaleToPagesX}x{page.ScaleToPagesY}), the header on every page")
        unnamed = doc.getPropertyValue("UnnamedDatabaseRanges")
        report(unnamed.hasByTable(0) and unnamed.getByTable(0).AutoFilter
               and unnamed.getByTable(0).DataArea.EndColumn == 9,
               f"{label}: a filter over the register's ten columns")
        saved = saved_cells(path, 3)
        examples = sorted({ref for ref in saved if ref.startswith("H")},
                          key=lambda ref: int(ref[1:]))
        report(len(examples) >= 3 and all(saved[ref][1] != "" for ref in saved),
               f"{label}: the notes' {len(examples)} examples have {len(saved)} formula cells, "
               f"each with its saved value")
        # Typed rows, from row 2 (the register has no example rows). Every event with the
        # working rules' three; with the others, every other event in turn, so that each rule
        # meets half of them and the rows stay within the register's 500. And two events of
        # today's: today itself (pending) and the day 7 working days before it (a
        # 7-working-day deadline due today).
        week_ago = api.text("/v1/workdays/add", start=today.isoformat(), days="-7",
                            calendar=calendar, format="text")
        row = 2
        filled = []

        def type_row(rule_id, article, event, extra):
            nonlocal row
            register.getCellRangeByName(f"E{row}").setString(article)
            register.getCellRangeByName(f"F{row}").setValue(
                serial(datetime.date.fromisoformat(event)))
            if "extended" in extra:
                register.getCellRangeByName(f"G{row}").setString(words["extend"])
            if "agreed_due" in extra:
                register.getCellRangeByName(f"G{row}").setValue(
                    serial(datetime.date.fromisoformat(extra["agreed_due"])))
            if "completed_at" in extra:
                register.getCellRangeByName(f"I{row}").setValue(
                    serial(datetime.date.fromisoformat(extra["completed_at"])))
            filled.append((row, rule_id, article, event, extra))
            row += 1

        for e, event in enumerate(EVENTS + [today.isoformat(), week_ago]):
            for i, (rule_id, article) in enumerate(rules):
                if i >= 3 and (i + e) % 2:
                    continue
                type_row(rule_id, article, event, {})
        # 办结: on the due date and the day after it; 延长 for a rule with an extension; a date
        # agreed a week after the period's own due date for the rule that allows one.
        for rule_id, article in rules[:3]:
            own = api.json("/v1/deadlines", rule=rule_id, event="2026-09-30", calendar=calendar,
                           explain="false")
            due = datetime.date.fromisoformat(own["due_date"])
            for done in (due, due + datetime.timedelta(days=1)):
                type_row(rule_id, article, "2026-09-30", {"completed_at": done.isoformat()})
            if rule_id in AGREED:
                agreed = (due + datetime.timedelta(days=7)).isoformat()
                type_row(rule_id, article, "2026-09-30", {"agreed_due": agreed})
        for rule_id, article in rules:
            if rule_id in EXTENDED:
                type_row(rule_id, article, "2026-09-30", {"extended": "true"})
        register.getCellRangeByName(f"E{row}").setString("第一条")
        register.getCellRangeByName(f"F{row}").setValue(serial(datetime.date(2026, 9, 30)))
        register.getCellRangeByName(f"E{row + 1}").setString(rules[0][1])
        register.getCellRangeByName(f"F{row + 1}").setString("2026年9月30日下午")
        doc.calculateAll()
        differ = [f"{ref}: saved {value!r}, Calc {notes.getCellRangeByName(ref).getString()!r}"
                  for ref, (kind, value) in saved.items()
                  if not shows_saved(notes.getCellRangeByName(ref), kind, value)]
        report(not differ, f"{label}: recalculated, the examples' formula cells show their saved "
               f"values" + ("; " + "; ".join(differ[:6]) if differ else ""))
        wrong, seen = [], {}
        for row_number, rule_id, article, event, extra in filled:
            due, status = expected_row(api, calendar, rule_id, event, last_day, first_day, today,
                                       words, **extra)
            got_due = shown_due(register.getCellRangeByName(f"H{row_number}"))
            got_status = register.getCellRangeByName(f"J{row_number}").getString()
            seen[status] = seen.get(status, 0) + 1
            if (got_due, got_status) != (due, status):
                wrong.append(f"row {row_number} {article} {event}: want {due} {status}, "
                             f"got {got_due} {got_status}")
        done_on_time = [f for f in filled if f[4].get("completed_at")]
        report(not wrong and seen.get(words["completed_on_time"], 0) > 0,
               f"{label}: {len(filled)} typed rows ({len(done_on_time)} with 办结日期), "
               f"recalculated, give the API's due dates and statuses {seen}" + ("; " + "; ".join(wrong[:6]) if wrong else ""))
        for r, want in ((row, words["choose"]), (row + 1, words["not_a_date"])):
            got_due = shown_due(register.getCellRangeByName(f"H{r}"))
            got = register.getCellRangeByName(f"J{r}").getString()
            report(got_due is None and got == want, f"{label}: row {r} says {want!r}; got "
                   f"{got_due} {got!r}")
    finally:
        doc.close(True)


def pdf_pages(doc, sheet, path):
    """The pages of `sheet` printed to a PDF file, as the PDF counts them."""
    data = uno.Any("[]com.sun.star.beans.PropertyValue", (prop("Selection", sheet),))
    doc.storeToURL(uno.systemPathToFileUrl(path),
                   (prop("FilterName", "calc_pdf_Export"), prop("FilterData", data)))
    with open(path, "rb") as f:
        return len(re.findall(rb"/Type\s*/Page(?![s\w])", f.read()))


def print_area_rows(doc, register):
    """(first row, first column, rows, columns) of the range the register's print area gives,
    its formula evaluated by Calc on a scratch sheet of its own."""
    formula = register.NamedRanges.getByName("_xlnm.Print_Area").Content
    if not doc.Sheets.hasByName("scratch"):
        doc.Sheets.insertNewByName("scratch", doc.Sheets.Count)
    scratch = doc.Sheets.getByName("scratch")
    cells = []
    for column, function in enumerate(("ROW", "COLUMN", "ROWS", "COLUMNS")):
        cell = scratch.getCellByPosition(column, 0)
        cell.setFormula(f"={function}({formula})")
        cells.append(cell)
    doc.calculateAll()
    return tuple(f"error {c.getError()}" if c.getError() else int(c.getValue()) for c in cells)


def pages_of_area(doc, register, area, path):
    """The PDF pages of the register with `area` (as print_area_rows gives it) as its print
    range, as Excel prints it."""
    first_row, first_column, rows, columns = area
    fixed = CellRangeAddress()
    fixed.Sheet, fixed.StartRow, fixed.StartColumn = 0, first_row - 1, first_column - 1
    fixed.EndRow, fixed.EndColumn = first_row + rows - 2, first_column + columns - 2
    register.setPrintAreas((fixed,))
    return pdf_pages(doc, register, path)


def type_cells(register, typed):
    """Types `typed` (reference -> text, or an ISO date in F and I) into the register."""
    for reference, value in typed.items():
        cell = register.getCellRangeByName(reference)
        if reference[0] in "FI":
            cell.setValue(serial(datetime.date.fromisoformat(value)))
        else:
            cell.setString(value)


def check_printing(office, api, work_dir, rule, report):
    body, _ = api.bytes(f"/v1/calendars/{CALENDAR}/workbook.xlsx", from_year="2026",
                        to_year="2027")
    path = os.path.join(work_dir, "print.xlsx")
    with open(path, "wb") as f:
        f.write(body)
    with zipfile.ZipFile(path) as archive:
        book = archive.read("xl/workbook.xml").decode("utf-8")
    saved = re.search(r'<definedName name="_xlnm.Print_Area" localSheetId="0">([^<]*)<', book)
    report(saved is not None and saved.group(1).startswith("OFFSET("),
           f"print: the register's print area is a formula: {saved and saved.group(1)[:60]}…")
    all_rows = (1, 1, 501, 10)
    filled = {"A2": "克政办发〔2026〕1号", "E2": rule, "F2": "2026-09-30",
              "E3": rule, "F3": "2026-10-09", "A5": "克政办发〔2026〕3号", "I5": "2026-10-12"}
    for label, typed, want in (("an empty register", {}, (1, 1, 1, 10)),
                               ("rows 2, 3 and 5 filled", filled, (1, 1, 5, 10))):
        doc = office.open(uno.systemPathToFileUrl(path))
        if doc is None:
            report(False, "print: Calc could not open the workbook")
            return
        try:
            register = doc.Sheets.getByIndex(0)
            type_cells(register, typed)
            # Calc first, as it prints the file: no fixed range, so its used area.
            fixed = register.getPrintAreas()
            own = pdf_pages(doc, register, os.path.join(work_dir, "calc.pdf"))
            area = print_area_rows(doc, register)
            pages = pages_of_area(doc, register, area, os.path.join(work_dir, "area.pdf"))
            every_row = pages_of_area(doc, register, all_rows, os.path.join(work_dir, "all.pdf"))
            report(area == want and pages == 1,
                   f"print: {label}: the print area's formula gives {area} (first row, first "
                   f"column, rows, columns), want {want}, {pages} A4 page(s), want 1")
            report(fixed == () and own == every_row,
                   f"print: {label}: Calc, which prints by fixed ranges only, has none and prints "
                   f"every formula row ({own} pages; A1:J501 is {every_row}), cutting no filled row")
        finally:
            doc.close(True)
    # The notes' advice for Calc: filter 规则 (E) to leave out （空白）, in a copy opened afresh
    # (no print range set by the checks above).
    doc = office.open(uno.systemPathToFileUrl(path))
    try:
        register = doc.Sheets.getByIndex(0)
        type_cells(register, filled)
        database = doc.getPropertyValue("UnnamedDatabaseRanges").getByTable(0)
        rule_typed = TableFilterField()
        rule_typed.Field, rule_typed.Operator = 4, NOT_EMPTY
        database.getFilterDescriptor().setFilterFields((rule_typed,))
        database.refresh()
        hidden = sum(not register.Rows.getByIndex(r).IsVisible for r in range(1, 501))
        filtered = pdf_pages(doc, register, os.path.join(work_dir, "filtered.pdf"))
        report(hidden == 498 and filtered == 1,
               f"print: in Calc, 规则 filtered to leave out （空白） as the notes say: {hidden} rows "
               f"hidden (want 498: all but rows 2 and 3), {filtered} page(s), want 1")
    finally:
        doc.close(True)


def main(argv):
    if len(argv) != 2:
        print("usage: sheets_check.py BASE_URL WORK_DIR", file=sys.stderr)
        return 2
    api, work_dir = Api(argv[0].rstrip("/")), argv[1]
    signal.alarm(TOTAL_SECONDS)  # a hung soffice must not hang the run
    counts = {"passed": 0, "failed": 0}

    def report(ok, what):
        counts["passed" if ok else "failed"] += 1
        print(f"{'ok  ' if ok else 'FAIL'} sheets: {what}", flush=True)

    prefix = network_isolation()
    print(f"soffice runs {'with no network (' + ' '.join(prefix) + ')' if prefix else 'on the host network (unshare is not allowed here)'}",
          flush=True)
    listed = [r for s in api.json("/v1/rules")["sets"] for r in s["rules"] if countable(r)]
    EXTENDED.update(r["id"] for r in listed
                    if (r.get("extension") or {}).get("unit") == r["unit"])
    AGREED.update(r["id"] for r in listed if r.get("agreed_due"))
    labels = [label(r) for r in listed]
    # Two rules of one article (行政复议法 第四十八条's copy and answer) are told apart by id.
    rules = [(r["id"], lab if labels.count(lab) == 1 else f"{lab} {r['id']}")
             for r, lab in zip(listed, labels)]
    bare, bare_headers = api.bytes(f"/v1/calendars/{CALENDAR}/workbook.xlsx")
    this_year = datetime.datetime.now(datetime.timezone(datetime.timedelta(hours=8))).year
    disposition = bare_headers.get("Content-Disposition", "")
    report(bare.startswith(b"PK") and f"{this_year}-{this_year + 1}.xlsx" in disposition,
           f"the bare URL downloads this year and the next: {disposition}")
    office = Office(prefix)
    try:
        check_formulas(office, api, report)
        today = today_in_calc(office)
        print(f"Calc's TODAY() is {today}: statuses are asked of the API as of that day", flush=True)
        for calendar, query, lang in WORKBOOKS:
            check_workbook(office, api, work_dir, rules, today, calendar, query, lang, report)
        check_printing(office, api, work_dir, rules[0][1], report)
    finally:
        office.close()
    print(f"{counts['passed']} passed, {counts['failed']} failed")
    return 1 if counts["failed"] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
