"""The qixian Calc add-in's work, without UNO: turning cell values into the API's parameters,
calling the service and turning its answers into cell values.

Kept apart from the UNO component (qixian_addin.py) so that it can be read, and run, without
LibreOffice. Only Python's standard library is used: an extension cannot bring packages, and
the Python inside LibreOffice on Windows has no others.

Every function returns what the cell should hold: a number (a date as its serial number, a
count, 1 or 0) or, when the question cannot be answered, a readable text that starts with
ERROR_PREFIX and carries the service's own explanation (the problem document's `detail`).
"""

import datetime
import json
import math
import urllib.error
import urllib.parse
import urllib.request

DEFAULT_URL = "http://127.0.0.1:8080"
DEFAULT_TIMEOUT_SECONDS = 10
# Calc's (and Excel's) day 0 unless the document says otherwise (Tools > Options >
# LibreOffice Calc > Calculate > Date: 1899-12-30, 1900-01-01 or 1904-01-01).
DEFAULT_NULL_DATE = datetime.date(1899, 12, 30)
ERROR_PREFIX = "错误："
USER_AGENT = "qixian-libreoffice/0.1"


class QixianError(Exception):
    """A question that cannot be answered; str() is the text the cell shows."""

    def __init__(self, message):
        super().__init__(ERROR_PREFIX + message)


def single_value(value, name):
    """A one-cell range (Calc passes a range as rows of values) as that cell's value."""
    if isinstance(value, tuple):
        if len(value) == 1 and isinstance(value[0], tuple) and len(value[0]) == 1:
            return value[0][0]
        raise QixianError(f"参数 {name} 须是一个单元格或一个值，不是一个区域 (argument {name} must be one cell, not a range)")
    return value


def is_missing(value):
    return value is None or (isinstance(value, str) and not value.strip())


def date_param(value, name, null_date, with_time=False):
    """A cell value as a date the API reads: a serial number counted from the document's
    null date (0, an empty cell, is refused by name), or a text passed on as typed (the service reads 2026-09-30, 2026/9/30,
    today and date-times, and names what it cannot read). With `with_time`, a serial's
    fraction of a day is the time of day, sent as a local date-time (read by the service on
    the counting clock, Beijing time by default)."""
    value = single_value(value, name)
    # Calc passes an empty cell as 0, which as a date is 1899-12-30: never a date asked about.
    if is_missing(value) or (isinstance(value, (int, float)) and value == 0):
        raise QixianError(f"缺少参数 {name}，或单元格是空的 (argument {name} is missing or empty)")
    if isinstance(value, bool):
        raise QixianError(f"参数 {name} 须是日期，不是 TRUE/FALSE (argument {name} must be a date)")
    if isinstance(value, (int, float)):
        if not math.isfinite(value):
            raise QixianError(f"参数 {name} 不是日期 (argument {name} is not a date)")
        days = math.floor(value)
        try:
            day = null_date + datetime.timedelta(days=days)
        except OverflowError:
            raise QixianError(f"参数 {name}: {value} 超出日期范围 (is out of the range of dates)") from None
        seconds = round((value - days) * 86400)
        if not with_time or seconds in (0, 86400):
            if seconds == 86400:
                day += datetime.timedelta(days=1)
            return day.isoformat()
        moment = datetime.datetime.combine(day, datetime.time()) + datetime.timedelta(seconds=seconds)
        return moment.isoformat(timespec="seconds")
    return str(value).strip()


def text_param(value, name, required=True):
    """A rule id or calendar id; None when it is optional and missing."""
    value = single_value(value, name)
    if is_missing(value):
        if required:
            raise QixianError(f"缺少参数 {name} (argument {name} is missing)")
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def number_param(value, name):
    """A whole number of days. A fraction is passed on as it is, for the service to refuse
    by name: a deadline register should not silently count 7.5 days as 7."""
    value = single_value(value, name)
    if is_missing(value):
        raise QixianError(f"缺少参数 {name} (argument {name} is missing)")
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value)
    return str(value).strip()


def serial(iso_date, null_date):
    """The serial number of an ISO date (YYYY-MM-DD) counted from `null_date`."""
    try:
        day = datetime.date.fromisoformat(iso_date)
    except ValueError:
        raise QixianError(f"服务的回答不是日期 (the service did not answer a date): {iso_date!r}") from None
    return float((day - null_date).days)


def flag(text):
    if text == "1":
        return 1.0
    if text == "0":
        return 0.0
    raise QixianError(f"服务的回答不是 1 或 0 (the service did not answer 1 or 0): {text!r}")


class Client:
    """Asks one qixian service for text answers (`format=text`)."""

    def __init__(self, base_url=DEFAULT_URL, timeout=DEFAULT_TIMEOUT_SECONDS, opener=None):
        base_url = (base_url or DEFAULT_URL).strip().rstrip("/")
        scheme = urllib.parse.urlsplit(base_url).scheme.lower()
        if scheme not in ("http", "https"):
            raise QixianError(
                f"服务地址 {base_url!r} 不是 http:// 或 https:// 地址 (the service address is not an http(s) URL)"
            )
        self.base_url = base_url
        self.timeout = timeout if timeout and timeout > 0 else DEFAULT_TIMEOUT_SECONDS
        self.opener = opener or urllib.request.build_opener()

    def text(self, path, params):
        """The bare value the service answers for GET `path` with `params` (None values left
        out) and format=text; a QixianError with the problem's detail otherwise."""
        query = [(k, v) for k, v in params if v is not None] + [("format", "text")]
        url = f"{self.base_url}{path}?{urllib.parse.urlencode(query)}"
        request = urllib.request.Request(url, headers={"Accept": "text/plain", "User-Agent": USER_AGENT})
        try:
            with self.opener.open(request, timeout=self.timeout) as response:
                return response.read().decode("utf-8").strip()
        except urllib.error.HTTPError as error:
            raise QixianError(problem_detail(error)) from None
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise QixianError(
                f"无法连接 qixian 服务 {self.base_url} (cannot reach the service): {reason}"
            ) from None

    # One method per spreadsheet function. Each returns the cell's value or raises QixianError.

    def deadline(self, null_date, rule, event, calendar):
        return serial(self.text("/v1/deadlines", deadline_params(null_date, rule, event, calendar, "due_date")), null_date)

    def provisional(self, null_date, rule, event, calendar):
        return flag(self.text("/v1/deadlines", deadline_params(null_date, rule, event, calendar, "provisional")))

    def workday(self, null_date, start, days, calendar):
        params = [
            ("start", date_param(start, "start", null_date)),
            ("days", number_param(days, "days")),
            ("calendar", text_param(calendar, "calendar", required=False)),
        ]
        return serial(self.text("/v1/workdays/add", params), null_date)

    def networkdays(self, null_date, start, end, calendar):
        params = [
            ("from", date_param(start, "from", null_date)),
            ("to", date_param(end, "to", null_date)),
            ("calendar", text_param(calendar, "calendar", required=False)),
        ]
        answer = self.text("/v1/workdays/count", params)
        try:
            return float(int(answer))
        except ValueError:
            raise QixianError(f"服务的回答不是整数 (the service did not answer a number): {answer!r}") from None

    def isworkday(self, null_date, date, calendar):
        day = urllib.parse.quote(date_param(date, "date", null_date), safe="")
        return flag(self.text(f"/v1/days/{day}", [("calendar", text_param(calendar, "calendar", required=False))]))


def deadline_params(null_date, rule, event, calendar, field):
    return [
        ("rule", text_param(rule, "rule")),
        ("event", date_param(event, "event", null_date, with_time=True)),
        ("calendar", text_param(calendar, "calendar", required=False)),
        ("field", field),
    ]


def problem_detail(error):
    """The `detail` of an application/problem+json answer, else the HTTP status."""
    try:
        body = error.read(65536)
        if "json" in (error.headers.get("Content-Type") or ""):
            detail = json.loads(body.decode("utf-8")).get("detail")
            if detail:
                return str(detail)
    except (ValueError, OSError, AttributeError):
        pass
    return f"HTTP {error.code} {error.reason}"


def answer(call):
    """Runs `call` and gives the cell its value, or the error's text."""
    try:
        return call()
    except QixianError as error:
        return str(error)
