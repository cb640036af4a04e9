#!/usr/bin/env python3
"""qixian's offline workbook as it is saved, read with openpyxl before any application
recalculates it: what Excel's and WPS's protected view (受保护的视图), which does not
calculate, shows of a downloaded file.

Usage: PYTHON sheets_saved.py BASE_URL

Run it with a Python that has openpyxl (scripts/e2e-libreoffice.sh makes a virtual environment for
it). For each workbook of /v1/calendars/{id}/workbook.xlsx:
- every formula cell holds a saved value: the register's (empty rows) the empty string, the
  notes' examples a date, a number or a word;
- each example's saved due date and status are the API's answer for its rule, event, 延长/商定
  and 办结日期 (/v1/deadlines with extended, agreed_due, completed_at).
Prints one line per check, then `N passed, M failed`; exits non-zero when a check failed.
"""

import datetime
import io
import json
import sys
import urllib.parse
import urllib.request
import warnings

import openpyxl

# The register's print area is a formula (the rows filled), which openpyxl cannot hold as a
# range: it says so and leaves the print area unset, which is nothing these checks read.
warnings.filterwarnings("ignore", message="Print area cannot be set to Defined name")

# (calendar, query, language, the status's words by state, 延长).
WORKBOOKS = [
    ("cn-xj-kizilsu", {"from_year": "2026", "to_year": "2027"}, "zh",
     {"completed_on_time": "按期办结", "completed_late": "逾期办结"}, "（暂定）", "延长"),
    ("cn", {"year": "2026"}, "zh",
     {"completed_on_time": "按期办结", "completed_late": "逾期办结"}, "（暂定）", "延长"),
    ("cn-xj", {"from_year": "2026", "to_year": "2027", "lang": "en"}, "en",
     {"completed_on_time": "done on time", "completed_late": "done late"}, " (provisional)",
     "extended"),
]


def get(base, path, **query):
    url = base + path + ("?" + urllib.parse.urlencode(query) if query else "")
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.read()


def day(value):
    """A saved date as openpyxl reads it (a datetime for a date-formatted cell)."""
    if isinstance(value, datetime.datetime):
        return value.date()
    return value


def label_of(rule):
    """The register's label of a rule: the article for the working rules, the statute (without
    中华人民共和国) and the article for a statute's."""
    if rule["set"] == "kizilsu":
        return rule["article"]
    statute = rule["statute"].split("（")[0].removeprefix("中华人民共和国")
    return statute + rule["article"]


def main(argv):
    if len(argv) != 1:
        print("usage: sheets_saved.py BASE_URL", file=sys.stderr)
        return 2
    base = argv[0].rstrip("/")
    counts = {"passed": 0, "failed": 0}

    def report(ok, what):
        counts["passed" if ok else "failed"] += 1
        print(f"{'ok  ' if ok else 'FAIL'} saved: {what}", flush=True)

    rules = {}
    for rule_set in json.loads(get(base, "/v1/rules"))["sets"]:
        for rule in rule_set["rules"]:
            rules.setdefault(label_of(rule), []).append(rule)
    for calendar, query, lang, states, provisional, extend in WORKBOOKS:
        label = f"{calendar} {urllib.parse.urlencode(query)}"
        body = get(base, f"/v1/calendars/{calendar}/workbook.xlsx", **query)
        formulas = openpyxl.load_workbook(io.BytesIO(body))
        values = openpyxl.load_workbook(io.BytesIO(body), data_only=True)
        register, register_values = formulas.worksheets[0], values.worksheets[0]
        cells = [(c.coordinate, register_values[c.coordinate].value)
                 for row in register.iter_rows(min_row=2) for c in row
                 if isinstance(c.value, str) and c.value.startswith("=")]
        # openpyxl reads a saved empty string as None; a cell saved without any value would
        # read the same, so the file itself is checked for <v></v> by the Rust tests.
        report(len(cells) == 500 * 9 and all(v in (None, "") for _, v in cells),
               f"{label}: the register's {len(cells)} formula cells are saved empty "
               f"(no example rows)")
        notes, notes_values = formulas.worksheets[2], values.worksheets[2]
        example_rows = [row[0].row for row in notes.iter_rows()
                        if isinstance(notes.cell(row[0].row, 8).value, str)
                        and notes.cell(row[0].row, 8).value.startswith("=")]
        missing = [c.coordinate for r in example_rows for c in notes[r]
                   if isinstance(c.value, str) and c.value.startswith("=")
                   and notes_values[c.coordinate].value in (None, "")]
        report(len(example_rows) >= 3 and not missing,
               f"{label}: the notes' {len(example_rows)} examples carry a saved value in every "
               f"formula cell" + (f"; missing {missing[:6]}" if missing else ""))
        for r in example_rows:
            article = notes_values.cell(r, 5).value
            # A label two rules share is followed by the rule's id.
            label_only, _, rule_id = article.partition(" ")
            candidates = [x for x in rules.get(label_only, []) if rule_id in ("", x["id"])]
            event = day(notes_values.cell(r, 6).value)
            adjustment = notes_values.cell(r, 7).value
            done = day(notes_values.cell(r, 9).value)
            params = {"event": event.isoformat(), "calendar": calendar, "explain": "false",
                      "completed_at": done.isoformat()}
            if adjustment == extend:
                params["extended"] = "true"
            elif adjustment is not None:
                params["agreed_due"] = day(adjustment).isoformat()
            answers = []
            for candidate in candidates:
                try:
                    answers.append(json.loads(get(base, "/v1/deadlines", rule=candidate["id"],
                                                  **params)))
                except urllib.error.HTTPError:
                    continue
            saved_due = day(notes_values.cell(r, 8).value)
            saved_status = notes_values.cell(r, 10).value
            fits = [a for a in answers
                    if a["due_date"] == saved_due.isoformat()
                    and states[a["status"]["state"]] + (provisional if a["provisional"] else "")
                    == saved_status]
            report(len(candidates) == 1 and len(fits) == 1,
                   f"{label}: example row {r} ({article}, {event}, {adjustment or '-'}, done "
                   f"{done}) saved {saved_due} {saved_status}, as the API answers: "
                   + "; ".join(f"{a['due_date']} {a['status']['state']}" for a in answers))
    print(f"{counts['passed']} passed, {counts['failed']} failed")
    return 1 if counts["failed"] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
