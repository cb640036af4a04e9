#!/usr/bin/env python3
"""WORKDAY.INTL over qixian's rest-day list, by an implementation of its own, against the API.

Usage: python3 workday_intl.py BASE_URL

The spreadsheet function, as Excel, WPS, LibreOffice and Google Sheets document it:
WORKDAY.INTL(start, days, weekend, holidays) steps from `start` one day at a time, skips every
day the weekend mask marks (here "0000000": none) and every date in `holidays`, and answers the
`days`-th day it did not skip. With the list of /v1/calendars/{id}/rest-days as the holidays,
that must be /v1/workdays/add's answer: every day of 2026 and 2027 as the start, 1, 7 and 30
working days, on cn-xj-kizilsu (the list fetched for 2026-2028, as a count from late 2027 runs
into 2028). NETWORKDAYS.INTL (both ends counted) is checked against /v1/workdays/count for
every month of the two years.

Prints each failure, one line per group, then `N passed, M failed` (one check per start and
length); exits non-zero when a check failed. Standard library only.
"""

import datetime
import http.client
import json
import sys
import urllib.parse

CALENDAR = "cn-xj-kizilsu"
LENGTHS = (1, 7, 30)
MASK = "0000000"  # Monday..Sunday; 1 = weekend


def workday_intl(start, days, mask, holidays):
    """WORKDAY.INTL for days >= 1, stepping as the function's documentation describes."""
    date, counted = start, 0
    while counted < days:
        date += datetime.timedelta(days=1)
        if mask[date.weekday()] == "1" or date in holidays:
            continue
        counted += 1
    return date


def networkdays_intl(start, end, mask, holidays):
    """NETWORKDAYS.INTL for start <= end: the days of start..end, both counted, not skipped."""
    count, date = 0, start
    while date <= end:
        if mask[date.weekday()] != "1" and date not in holidays:
            count += 1
        date += datetime.timedelta(days=1)
    return count


class Api:
    """One kept-alive connection to the service."""

    def __init__(self, base_url):
        parsed = urllib.parse.urlsplit(base_url)
        self.host, self.port = parsed.hostname, parsed.port or 80
        self.connection = http.client.HTTPConnection(self.host, self.port, timeout=30)

    def get(self, path, **query):
        target = path + ("?" + urllib.parse.urlencode(query) if query else "")
        for attempt in (1, 2):
            try:
                self.connection.request("GET", target)
                response = self.connection.getresponse()
                body = response.read().decode("utf-8")
                break
            except (http.client.HTTPException, OSError):
                if attempt == 2:
                    raise
                self.connection.close()
                self.connection = http.client.HTTPConnection(self.host, self.port, timeout=30)
        if response.status != 200:
            raise RuntimeError(f"GET {target}: {response.status} {body}")
        return body


def main(argv):
    if len(argv) != 1:
        print("usage: workday_intl.py BASE_URL", file=sys.stderr)
        return 2
    api = Api(argv[0].rstrip("/"))
    counts = {"passed": 0, "failed": 0}

    def report(ok, what):
        counts["passed" if ok else "failed"] += 1
        if not ok:
            print(f"FAIL workday_intl: {what}", flush=True)

    listing = json.loads(
        api.get(f"/v1/calendars/{CALENDAR}/rest-days", from_year="2026", to_year="2028")
    )
    holidays = {datetime.date.fromisoformat(d["date"]) for d in listing["days"]}
    print(
        f"ok   the rest-day list of {CALENDAR} 2026-2028: {len(holidays)} dates, "
        f"estimated years {listing['estimated_years']}",
        flush=True,
    )
    first, last = datetime.date(2026, 1, 1), datetime.date(2027, 12, 31)
    for days in LENGTHS:
        before = counts["failed"]
        date = first
        while date <= last:
            expected = workday_intl(date, days, MASK, holidays).isoformat()
            got = api.get(
                "/v1/workdays/add",
                start=date.isoformat(),
                days=str(days),
                calendar=CALENDAR,
                format="text",
            )
            report(got == expected, f"WORKDAY.INTL({date}, {days}) = {expected}; the API says {got}")
            date += datetime.timedelta(days=1)
        bad = counts["failed"] - before
        print(
            f"{'ok  ' if not bad else 'FAIL'} WORKDAY.INTL(day, {days}, \"{MASK}\", list) for every "
            f"day of 2026 and 2027 = /v1/workdays/add ({bad} differ)",
            flush=True,
        )
    before = counts["failed"]
    for year in (2026, 2027):
        for month in range(1, 13):
            start = datetime.date(year, month, 1)
            end = (start + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
            expected = networkdays_intl(start, end, MASK, holidays)
            got = api.get(
                "/v1/workdays/count",
                **{"from": start.isoformat(), "to": end.isoformat()},
                calendar=CALENDAR,
                format="text",
            )
            report(got == str(expected), f"NETWORKDAYS.INTL({start}, {end}) = {expected}; the API says {got}")
    bad = counts["failed"] - before
    print(
        f"{'ok  ' if not bad else 'FAIL'} NETWORKDAYS.INTL of every month of 2026 and 2027 = "
        f"/v1/workdays/count ({bad} differ)",
        flush=True,
    )
    print(f"{counts['passed']} passed, {counts['failed']} failed")
    return 1 if counts["failed"] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
