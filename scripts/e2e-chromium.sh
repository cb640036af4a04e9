#!/usr/bin/env bash
# End-to-end checks in headless Chromium (Debian's), and the documented curl examples, against
# the release binary on 127.0.0.1:
#   - every ```console example of docs/integrations.md and README.md
#     (scripts/check-doc-examples.py);
#   - the ```js recipe of docs/integrations.md on a page served from another origin
#     (python3 -m http.server) POSTs a deadline as JSON and shows the due date; the same page
#     against a service that does not list the page's origin must be refused (CORS);
#   - the Excel add-in (clients/office/): its files served over HTTPS (Excel loads add-ins only
#     so) by qixian itself, started with a throwaway self-signed certificate (QIXIAN_TLS_CERT,
#     QIXIAN_TLS_KEY), under /addin/ beside the API, with its manifest.xml naming that origin;
#     scripts/e2e/office_addin_check.py (Playwright) loads functions.js in a harness standing
#     in for Excel's CustomFunctions, checks every function against the service's own answers
#     and errors, and opens functions.html with Office.js stood in for;
#   - the page for people (`/`): scripts/e2e/page_check.py (Playwright; what it checks: its
#     docstring), with axe-core injected for the accessibility checks, and no 5xx in the
#     service's log meanwhile; its 台账 against one more service, with a state directory, an
#     admin token and an operator's holiday directory (a register needs them). Screenshots of every view at 1280 and 390 px, and the views
#     printed to PDF, are written to target/e2e-artifacts/ (CI keeps them).
# Where the add-in's files come from is one setting, QIXIAN_ADDIN_FROM: `service` (the default:
# qixian over HTTPS, serving the API and /addin/ on one origin, where the functions find the API
# by themselves: how an office runs it) or `page` (a small Python HTTPS server with a copy of
# clients/office, calling the plain-HTTP service's API cross-origin: how a deployment behind
# another web server runs it). The add-in's harness page is always on the Python server.
# QIXIAN_DOCS_SCREENSHOT=docs/page.png also writes the README's screenshot.
#
# The services: one over plain HTTP for everything but the add-in (any origin; 127.0.0.1 a
# trusted proxy, as the add-in example of docs/integrations.md is a proxy on this host; errors
# logged), one listing only https://oa.example.gov.cn as an origin (the refusal is the check),
# and, with QIXIAN_ADDIN_FROM=service, one over HTTPS (qixian serves HTTPS instead of HTTP).
# It installs what is missing once (Debian's chromium, openssl, npm, python3-venv and a CJK
# font; Playwright from PyPI into one virtualenv under the target directory, driving Debian's
# Chromium: it downloads no browser; axe-core from npm into a temporary directory, never part of
# the product), listens on loopback only (ports in 18300–18399), bounds every step in time,
# stops everything it started, and ends with `N passed, M failed`. `--tools-only`: installs
# what is missing and stops (scripts/ci-tools.sh).
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

PLAYWRIGHT_VERSION=1.65.2
AXE_VERSION=4.14.1
ADDIN_FROM=${QIXIAN_ADDIN_FROM:-service}
ARTIFACTS=$ROOT/target/e2e-artifacts
WORK=$(mktemp -d /tmp/qixian-e2e-chromium.XXXXXX)
# shellcheck source=scripts/e2e/harness.sh
source scripts/e2e/harness.sh

echo "== tools"
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v openssl >/dev/null || need+=(openssl)
command -v npm >/dev/null || need+=(npm)
"$PY" -c 'import venv, ensurepip' 2>/dev/null || need+=(python3-venv)
# Without a CJK font the screenshots show boxes instead of Chinese.
fc-list :lang=zh 2>/dev/null | grep -q . || need+=(fonts-noto-cjk fontconfig)
install_packages "${need[@]}"
VENV=${CARGO_TARGET_DIR:-$ROOT/target}/e2e-playwright-venv
if [[ $("$VENV/bin/python" -c 'import importlib.metadata as m; print(m.version("playwright"))' 2>/dev/null) != "$PLAYWRIGHT_VERSION" ]]; then
    echo "installing playwright $PLAYWRIGHT_VERSION into $VENV (the browser is Debian's chromium)"
    rm -rf "$VENV"
    if ! { timeout 120 "$PY" -m venv "$VENV" &&
        timeout 600 "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
            "playwright==$PLAYWRIGHT_VERSION"; } >"$WORK/pip.log" 2>&1; then
        tail -n 20 "$WORK/pip.log"
        fail "pip install playwright==$PLAYWRIGHT_VERSION"
        finish
    fi
fi
echo "installing axe-core $AXE_VERSION into a temporary directory"
if ! (cd "$WORK" && timeout 300 npm install --silent --no-audit --no-fund --no-save \
    --prefix "$WORK/npm" "axe-core@$AXE_VERSION") >"$WORK/npm.log" 2>&1; then
    tail -n 20 "$WORK/npm.log"
    fail "npm install axe-core@$AXE_VERSION"
    finish
fi
AXE=$WORK/npm/node_modules/axe-core/axe.min.js
[ -f "$AXE" ] || {
    fail "axe-core has no axe.min.js"
    finish
}

if [[ ${1:-} == --tools-only ]]; then
    echo "tools ready"
    exit 0
fi
release_binary

echo "== a throwaway certificate for 127.0.0.1"
mkdir -p "$WORK/tls" "$WORK/site/harness" "$WORK/page"
if ! timeout 60 openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 \
    -addext subjectAltName=IP:127.0.0.1 -keyout "$WORK/tls/key.pem" -out "$WORK/tls/cert.pem" \
    >"$WORK/openssl.log" 2>&1; then
    cat "$WORK/openssl.log"
    fail "openssl req: a self-signed certificate"
    finish
fi

ports=()
for _ in 1 2 3 4 5 6; do
    port=$(free_port 18300 18399 "${ports[@]}") || exit 1
    ports+=("$port")
done
API=http://127.0.0.1:${ports[0]}
RESTRICTED=http://127.0.0.1:${ports[1]}
PAGE=http://127.0.0.1:${ports[2]}
HARNESS=https://127.0.0.1:${ports[3]}
NOTHING=http://127.0.0.1:${ports[5]}
if [ "$ADDIN_FROM" = service ]; then
    ADDIN_API=https://127.0.0.1:${ports[4]}
    ADDIN_BASE=$ADDIN_API/addin/
else
    ADDIN_API=$API
    ADDIN_BASE=$HARNESS/addin/
fi

echo "== services: $API (any origin), $RESTRICTED (only https://oa.example.gov.cn), $ADDIN_API (the add-in's); pages $PAGE, $HARNESS"
# The README's register walk-through makes a register with the admin token it reads from the
# environment, as an operator's shell would have it.
export QIXIAN_ADMIN_TOKEN="doc-examples-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
start "$WORK/api.log" env QIXIAN_ADDR="127.0.0.1:${ports[0]}" QIXIAN_WORKERS=2 \
    QIXIAN_TRUSTED_PROXIES=127.0.0.1 QIXIAN_ACCESS_LOG=errors "$BIN"
start "$WORK/restricted.log" env QIXIAN_ADDR="127.0.0.1:${ports[1]}" QIXIAN_WORKERS=1 \
    QIXIAN_CORS_ORIGINS=https://oa.example.gov.cn "$BIN"
if [ "$ADDIN_FROM" = service ]; then
    start "$WORK/addin-api.log" env QIXIAN_ADDR="127.0.0.1:${ports[4]}" QIXIAN_WORKERS=2 \
        QIXIAN_TLS_CERT="$WORK/tls/cert.pem" QIXIAN_TLS_KEY="$WORK/tls/key.pem" "$BIN"
fi
"$PY" scripts/e2e/browser_page.py docs/integrations.md "$API" "$WORK/page/allowed.html"
"$PY" scripts/e2e/browser_page.py docs/integrations.md "$RESTRICTED" "$WORK/page/refused.html"
start "$WORK/page.log" "$PY" -m http.server "${ports[2]}" --bind 127.0.0.1 --directory "$WORK/page"
cp -R clients/office "$WORK/site/addin"
cp scripts/e2e/office_harness.html scripts/e2e/office_stand_in.js "$WORK/site/harness/"
start "$WORK/harness.log" "$PY" scripts/e2e/https_static.py "${ports[3]}" "$WORK/site" \
    "$WORK/tls/cert.pem" "$WORK/tls/key.pem"
wait_for "$API/healthz" "$RESTRICTED/healthz" "$PAGE/allowed.html"
wait_for -k "$ADDIN_API/healthz" "${ADDIN_BASE}functions.js" "$HARNESS/harness/office_harness.html"

echo "== docs: console examples"
timeout 300 "$PY" scripts/check-doc-examples.py "$API" docs/integrations.md | tee "$WORK/docs.log"
add_counts "check-doc-examples.py docs/integrations.md" "$WORK/docs.log"
# The README may have no console block; any it has must pass.
timeout 300 "$PY" scripts/check-doc-examples.py "$API" README.md --allow-none | tee "$WORK/readme.log"
add_counts "check-doc-examples.py README.md" "$WORK/readme.log"

echo "== the browser recipe, page on $PAGE"
# Prints the page's DOM once its scripts and their fetches are done (virtual time waits for
# them); a fresh profile each time, no proxy, and every host name but 127.0.0.1 unresolvable.
dump_dom() {
    local profile
    profile=$(mktemp -d "$WORK/chromium.XXXXXX")
    timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
        --disable-component-update --disable-sync --no-first-run --user-data-dir="$profile" \
        --no-proxy-server --host-resolver-rules='MAP * ~NOTFOUND, EXCLUDE 127.0.0.1' \
        --virtual-time-budget=20000 --dump-dom "$1" 2>>"$WORK/chromium.err"
}
dom=$(dump_dom "$PAGE/allowed.html")
result=$(grep -o '<pre id="result">[^<]*</pre>' <<<"$dom")
headers=$(grep -o '<pre id="headers">[^<]*</pre>' <<<"$dom")
if [ "$result" = '<pre id="result">due 2026-10-15</pre>' ]; then
    pass "chromium: a page from another origin POSTs a deadline as JSON and shows due 2026-10-15"
else
    fail "chromium: expected due 2026-10-15 on the page, got: ${result:-no result in the DOM}"
    tail -n 5 "$WORK/chromium.err"
fi
if [ "$headers" = '<pre id="headers">x-data-version readable</pre>' ]; then
    pass "chromium: the page can read the X-Data-Version header (exposed)"
else
    fail "chromium: expected X-Data-Version readable, got: ${headers:-nothing}"
fi
dom=$(dump_dom "$PAGE/refused.html")
result=$(grep -o '<pre id="result">[^<]*</pre>' <<<"$dom")
if [[ $result == '<pre id="result">error '* ]]; then
    pass "chromium: a service whose QIXIAN_CORS_ORIGINS omits the page's origin is refused ($result)"
else
    fail "chromium: expected the browser to refuse the restricted service, got: ${result:-nothing}"
fi

if [ "$ADDIN_FROM" = service ]; then
    echo "== the manifest qixian serves"
    if ! curl -sf --cacert "$WORK/tls/cert.pem" --max-time 10 -D "$WORK/manifest.headers" \
        -o "$WORK/manifest.xml" "${ADDIN_BASE}manifest.xml"; then
        fail "${ADDIN_BASE}manifest.xml is served over HTTPS with the test certificate"
    elif ! grep -qi '^content-type: application/xml' "$WORK/manifest.headers"; then
        fail "manifest.xml is application/xml: $(grep -i '^content-type' "$WORK/manifest.headers")"
    elif grep -q 'qixian.example.internal' "$WORK/manifest.xml" ||
        [[ $(grep -c "DefaultValue=\"$ADDIN_API/addin/functions\.\(js\|json\|html\)\"" "$WORK/manifest.xml") -ne 4 ]]; then
        fail "manifest.xml names $ADDIN_API for every file of the add-in: $(grep -o 'DefaultValue="https[^"]*"' "$WORK/manifest.xml" | sort -u | tr '\n' ' ')"
    elif ! "$PY" scripts/check-office-manifest.py "$WORK/manifest.xml" clients/office >"$WORK/manifest-check.log" 2>&1; then
        fail "check-office-manifest.py on the served manifest: $(tail -n 3 "$WORK/manifest-check.log")"
    else
        pass "${ADDIN_BASE}manifest.xml is application/xml over HTTPS and names $ADDIN_API for every file"
    fi
fi

echo "== the Excel add-in's functions: add-in $ADDIN_BASE, harness on $HARNESS"
# The API is named only while it is not on the add-in's own origin.
api_args=()
[[ $ADDIN_BASE == "$ADDIN_API"/* ]] || api_args=(--api "$ADDIN_API")
timeout 300 "$VENV/bin/python" scripts/e2e/office_addin_check.py --addin "$ADDIN_BASE" \
    --harness "$HARNESS/harness/office_harness.html" --unreachable "$NOTHING" \
    --office-dir clients/office --cafile "$WORK/tls/cert.pem" "${api_args[@]}" 2>"$WORK/addin.err" |
    tee "$WORK/addin.log"
add_counts "office_addin_check.py" "$WORK/addin.log"
[ -s "$WORK/addin.err" ] && grep -v '^$' "$WORK/addin.err" | tail -n 5

echo "== the page for people, on $API; its 台账 on a service with registers"
mkdir -p "$ARTIFACTS"
docs=()
[[ -n ${QIXIAN_DOCS_SCREENSHOT:-} ]] && docs=(--docs-screenshot "$QIXIAN_DOCS_SCREENSHOT")
# The 台账 needs a register: a service of its own with a state directory (its SQLite database),
# an admin token to make one, and an operator's holiday directory whose notice moves a matter.
REGISTER_PORT=$(free_port 18300 18399 "${ports[@]}") || exit 1
REGISTER=http://127.0.0.1:$REGISTER_PORT
REGISTER_ADMIN=$(openssl rand -hex 24)
mkdir -p "$WORK/register-state" "$WORK/register-holidays"
start "$WORK/register.log" env QIXIAN_ADDR="127.0.0.1:$REGISTER_PORT" QIXIAN_WORKERS=2 \
    QIXIAN_STATE_DIR="$WORK/register-state" QIXIAN_HOLIDAYS_DIR="$WORK/register-holidays" \
    QIXIAN_ADMIN_TOKEN="$REGISTER_ADMIN" QIXIAN_ACCESS_LOG=errors "$BIN"
wait_for "$REGISTER/healthz"
# Only what the services log while the page is checked counts for the page.
logged=$(wc -l <"$WORK/api.log")
timeout 1200 "$VENV/bin/python" scripts/e2e/page_check.py "$API" "$AXE" "$ARTIFACTS" "${docs[@]}" \
    --register "$REGISTER" --admin-token "$REGISTER_ADMIN" --holidays "$WORK/register-holidays" \
    2>"$WORK/check.err" | tee "$WORK/check.log"
add_counts "page_check.py" "$WORK/check.log"
[ -s "$WORK/check.err" ] && grep -v '^$' "$WORK/check.err" | tail -n 20
errors=$({
    tail -n +$((logged + 1)) "$WORK/api.log"
    cat "$WORK/register.log"
} | grep -E "status=5[0-9][0-9]" | head -n 3)
if [[ -n $errors ]]; then
    fail "the server answered a 5xx: $errors"
fi
if grep -qE "$REGISTER_ADMIN|qxr_[0-9a-f]" "$WORK/register.log"; then
    fail "the admin token or a register's key is in the register service's log"
fi
echo "artifacts: $ARTIFACTS"

finish
