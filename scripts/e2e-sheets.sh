#!/usr/bin/env bash
# End-to-end check of the spreadsheet exports (issue 18), against the release binary on
# 127.0.0.1:
#   - scripts/e2e/workday_intl.py: an implementation of WORKDAY.INTL of its own, as the
#     spreadsheets document it, over /v1/calendars/cn-xj-kizilsu/rest-days with the weekend mask
#     "0000000", must give /v1/workdays/add's answer for every day of 2026 and 2027 as the start
#     and 1, 7 and 30 working days (and NETWORKDAYS.INTL /v1/workdays/count's for every month);
#   - scripts/e2e/sheets_saved.py: the workbooks as downloaded, read with openpyxl before any
#     recalculation (what Excel's and WPS's protected view shows): every formula cell has its
#     saved value, and the notes' examples' due dates and statuses are the API's;
#   - scripts/e2e/sheets_check.py: LibreOffice Calc, headless, with no network (a network
#     namespace of its own), evaluates a sample of WORKDAY.INTL and NETWORKDAYS.INTL over the list,
#     downloads the workbook from its bare URL, opens /v1/calendars/{id}/workbook.xlsx files
#     (colours, filter, page setup; the examples recalculated show their saved values), fills in
#     register rows (with 办结日期, 延长 and an agreed date too), recalculates, and every due date
#     and status must be the API's.
# It installs what is missing from Debian's packages (curl, libreoffice-calc-nogui, python3-uno,
# util-linux for unshare; openpyxl in a virtual environment under the target directory), listens on loopback only (ports in 18900-18999), bounds every step in
# time, stops everything it started, and ends with `N passed, M failed`.
set -uo pipefail
cd "$(dirname "$0")/.."

WORK=$(mktemp -d /tmp/qixian-e2e-sheets.XXXXXX)
# shellcheck source=scripts/e2e/harness.sh
source scripts/e2e/harness.sh

echo "== tools"
need=()
command -v curl >/dev/null || need+=(curl)
command -v unshare >/dev/null || need+=(util-linux)
[ -e /usr/lib/libreoffice/program/libsclo.so ] || need+=(libreoffice-calc-nogui)
/usr/bin/python3 -c 'import uno' 2>/dev/null || need+=(python3-uno)
if ((${#need[@]})); then
    echo "installing ${need[*]}"
    export DEBIAN_FRONTEND=noninteractive
    if ! { timeout 600 apt-get update -qq &&
        timeout 1800 apt-get install -y -qq --no-install-recommends "${need[@]}"; } \
        >"$WORK/apt.log" 2>&1; then
        tail -n 20 "$WORK/apt.log"
        fail "apt-get install ${need[*]}"
        finish
    fi
fi
PY=/usr/bin/python3
VENV=${CARGO_TARGET_DIR:-$PWD/target}/e2e-sheets-venv
if ! "$VENV/bin/python" -c 'import openpyxl' 2>/dev/null; then
    echo "installing openpyxl in $VENV"
    if ! { timeout 300 "$PY" -m venv "$VENV" &&
        timeout 600 "$VENV/bin/pip" install -q openpyxl; } >"$WORK/pip.log" 2>&1; then
        tail -n 20 "$WORK/pip.log"
        fail "openpyxl in a virtual environment"
        finish
    fi
fi

echo "== release binary"
if ! timeout 2400 cargo build --release --locked --quiet; then
    fail "cargo build --release"
    finish
fi
BIN=${CARGO_TARGET_DIR:-$PWD/target}/release/qixian

free_port() {
    "$PY" - "$@" <<'PYEOF'
import socket, sys
taken = {int(p) for p in sys.argv[1:]}
for port in range(18900, 19000):
    if port in taken:
        continue
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            continue
    print(port)
    break
else:
    sys.exit("no free port in 18900-18999")
PYEOF
}

wait_for() {
    for _ in $(seq 150); do
        curl -sf -o /dev/null --max-time 2 "$1" && return 0
        sleep 0.2
    done
    return 1
}

api_port=$(free_port) || exit 1
API=http://127.0.0.1:$api_port
echo "== service $API"
start "$WORK/api.log" env QIXIAN_ADDR="127.0.0.1:$api_port" QIXIAN_WORKERS=2 \
    QIXIAN_ACCESS_LOG=errors "$BIN"
if wait_for "$API/healthz"; then
    pass "the service answers on $API"
else
    fail "$API/healthz did not answer within 30 s"
    tail -n 20 "$WORK/api.log"
    finish
fi

echo "== WORKDAY.INTL of our own over the rest-day list, against /v1/workdays/add"
timeout 900 "$PY" scripts/e2e/workday_intl.py "$API" 2>"$WORK/intl.err" | tee "$WORK/intl.log"
add_counts "workday_intl.py" "$WORK/intl.log"
[ -s "$WORK/intl.err" ] && tail -n 5 "$WORK/intl.err"

echo "== the workbooks as saved, read with openpyxl before any recalculation"
timeout 300 "$VENV/bin/python" scripts/e2e/sheets_saved.py "$API" 2>"$WORK/saved.err" | tee "$WORK/saved.log"
add_counts "sheets_saved.py" "$WORK/saved.log"
[ -s "$WORK/saved.err" ] && tail -n 5 "$WORK/saved.err"

echo "== LibreOffice Calc, headless and offline: the formulas and the workbooks"
mkdir -p "$WORK/books"
timeout 900 "$PY" scripts/e2e/sheets_check.py "$API" "$WORK/books" 2>"$WORK/calc.err" |
    tee "$WORK/calc.log"
add_counts "sheets_check.py" "$WORK/calc.log"
[ -s "$WORK/calc.err" ] && grep -v '^$' "$WORK/calc.err" | tail -n 5

finish
