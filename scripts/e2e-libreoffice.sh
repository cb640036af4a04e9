#!/usr/bin/env bash
# End-to-end checks in LibreOffice Calc, headless, against one release binary on 127.0.0.1:
#   - scripts/e2e/calc_check.py, over UNO: the ```calc recipes of docs/integrations.md
#     (=WEBSERVICE(…&format=text), DATEVALUE, …) and a CSV import;
#   - the Calc extension (clients/libreoffice/): clients/libreoffice/build.sh builds
#     target/clients/qixian.oxt (installing the SDK's unoidl-write when missing), `unopkg add`
#     installs it into a throwaway user profile (unopkg refuses a user installation as root, so
#     as root the profile belongs to `nobody` and LibreOffice runs as that user, as an office
#     worker's would), and scripts/e2e/calc_addin_check.py checks every QIXIAN.* function
#     against the service's own answers, a readable error, a document whose null date is 1904,
#     a saved .ods, and the Options page;
#   - the spreadsheet exports (issue 18): scripts/e2e/workday_intl.py, an implementation of
#     WORKDAY.INTL of its own, as the spreadsheets document it, over
#     /v1/calendars/cn-xj-kizilsu/rest-days with the weekend mask "0000000", must give
#     /v1/workdays/add's answer for every day of 2026 and 2027 as the start and 1, 7 and 30
#     working days (and NETWORKDAYS.INTL /v1/workdays/count's for every month);
#     scripts/e2e/sheets_saved.py reads the workbooks as downloaded with openpyxl before any
#     recalculation (what Excel's and WPS's protected view shows): every formula cell has its
#     saved value, and the notes' examples' due dates and statuses are the API's;
#     scripts/e2e/sheets_check.py has Calc, with no network (a network namespace of its own),
#     evaluate a sample of WORKDAY.INTL and NETWORKDAYS.INTL over the list, download the
#     workbook from its bare URL, open /v1/calendars/{id}/workbook.xlsx files (colours, filter,
#     page setup; the examples recalculated show their saved values), fill in register rows
#     (with 办结日期, 延长 and an agreed date too), recalculate, and every due date and status
#     must be the API's; and evaluate the register's print-area formula (the rows filled) and
#     count the PDF pages of the range it gives, empty and with three rows filled.
# It installs what is missing from Debian's packages once (curl, libreoffice-calc-nogui,
# python3-uno, util-linux for unshare, python3-venv; openpyxl in a virtual environment under the
# target directory), starts the service once, listens on loopback only (ports in 18800–18899),
# bounds every step in time, stops everything it started, and ends with `N passed, M failed`.
# `--tools-only`: installs what is missing and stops (scripts/ci-tools.sh).
set -uo pipefail
cd "$(dirname "$0")/.."

WORK=$(mktemp -d /tmp/qixian-e2e-libreoffice.XXXXXX)
# shellcheck source=scripts/e2e/harness.sh
source scripts/e2e/harness.sh

echo "== tools"
command -v unshare >/dev/null || need+=(util-linux)
[ -e /usr/lib/libreoffice/program/libsclo.so ] || need+=(libreoffice-calc-nogui)
# The extension's functions are Python: LibreOffice's script provider for Python.
"$PY" -c 'import uno' 2>/dev/null && [ -e /usr/lib/libreoffice/program/pythonloader.py ] ||
    need+=(python3-uno)
"$PY" -c 'import venv, ensurepip' 2>/dev/null || need+=(python3-venv)
install_packages "${need[@]}"
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

if [[ ${1:-} == --tools-only ]]; then
    # The extension's build installs the LibreOffice SDK (unoidl-write) when it is missing.
    QIXIAN_CLIENTS_OUT=$WORK/oxt timeout 1200 bash clients/libreoffice/build.sh >"$WORK/build.log" 2>&1 ||
        tail -n 20 "$WORK/build.log"
    echo "tools ready"
    exit 0
fi
release_binary

api_port=$(free_port 18800 18899) || exit 1
office_port=$(free_port 18800 18899 "$api_port") || exit 1
API=http://127.0.0.1:$api_port
echo "== service $API"
start "$WORK/api.log" env QIXIAN_ADDR="127.0.0.1:$api_port" QIXIAN_WORKERS=2 \
    QIXIAN_ACCESS_LOG=errors "$BIN"
wait_for "$API/healthz"
pass "the service answers on $API"

echo "== the recipes of docs/integrations.md in Calc, over UNO"
timeout 300 "$PY" scripts/e2e/calc_check.py "$API" docs/integrations.md 2>"$WORK/calc.err" |
    tee "$WORK/calc.log"
add_counts "calc_check.py" "$WORK/calc.log"
[ -s "$WORK/calc.err" ] && grep -v '^$' "$WORK/calc.err" | tail -n 5

# The Calc extension: built, installed with unopkg, its functions against the API. A step that
# fails ends this part only.
extension() {
    echo "== the extension"
    local oxt
    if timeout 1200 bash clients/libreoffice/build.sh >"$WORK/build.log" 2>&1; then
        oxt=$(tail -n 1 "$WORK/build.log" | cut -d' ' -f1)
        pass "clients/libreoffice/build.sh built $oxt"
    else
        cat "$WORK/build.log"
        fail "clients/libreoffice/build.sh"
        return
    fi

    # The office side runs as an unprivileged user when we are root (unopkg refuses root).
    local profile=$WORK/lo/profile as_user=() run_as=()
    mkdir -p "$WORK/lo/home"
    cp "$oxt" "$WORK/lo/qixian.oxt"
    if [ "$(id -u)" = 0 ]; then
        chown -R nobody:nogroup "$WORK/lo"
        chmod 755 "$WORK"
        as_user=(runuser -u nobody -- env HOME="$WORK/lo/home")
        run_as=(--run-as nobody)
    fi

    echo "== unopkg add"
    if timeout 180 "${as_user[@]}" unopkg add -env:UserInstallation="file://$profile" \
        "$WORK/lo/qixian.oxt" >"$WORK/unopkg.log" 2>&1; then
        pass "unopkg add qixian.oxt into a throwaway profile"
    else
        cat "$WORK/unopkg.log"
        fail "unopkg add qixian.oxt"
        return
    fi
    timeout 120 "${as_user[@]}" unopkg list -env:UserInstallation="file://$profile" \
        >"$WORK/list.log" 2>&1
    local registered
    registered=$(grep -c 'is registered: yes' "$WORK/list.log")
    # The extension, its type library, components, options schema and two configuration files.
    if grep -q 'Identifier: org.qixian.calc' "$WORK/list.log" && [ "$registered" = 6 ]; then
        pass "unopkg list: org.qixian.calc and its 5 parts are registered"
    else
        cat "$WORK/list.log"
        fail "unopkg list: expected org.qixian.calc and 6 registered entries, got $registered"
    fi

    echo "== Calc with the extension, over UNO"
    timeout 360 "$PY" scripts/e2e/calc_addin_check.py "$API" "$profile" --port "$office_port" \
        "${run_as[@]}" 2>"$WORK/addin.err" | tee "$WORK/addin.log"
    add_counts "calc_addin_check.py" "$WORK/addin.log"
    [ -s "$WORK/addin.err" ] && grep -v '^$' "$WORK/addin.err" | tail -n 5
}
extension

echo "== WORKDAY.INTL of our own over the rest-day list, against /v1/workdays/add"
timeout 900 "$PY" scripts/e2e/workday_intl.py "$API" 2>"$WORK/intl.err" | tee "$WORK/intl.log"
add_counts "workday_intl.py" "$WORK/intl.log"
[ -s "$WORK/intl.err" ] && tail -n 5 "$WORK/intl.err"

echo "== the workbooks as saved, read with openpyxl before any recalculation"
timeout 300 "$VENV/bin/python" scripts/e2e/sheets_saved.py "$API" 2>"$WORK/saved.err" |
    tee "$WORK/saved.log"
add_counts "sheets_saved.py" "$WORK/saved.log"
[ -s "$WORK/saved.err" ] && tail -n 5 "$WORK/saved.err"

echo "== LibreOffice Calc, headless and offline: the formulas and the workbooks"
mkdir -p "$WORK/books"
timeout 900 "$PY" scripts/e2e/sheets_check.py "$API" "$WORK/books" 2>"$WORK/sheets.err" |
    tee "$WORK/sheets.log"
add_counts "sheets_check.py" "$WORK/sheets.log"
[ -s "$WORK/sheets.err" ] && grep -v '^$' "$WORK/sheets.err" | tail -n 5

finish
