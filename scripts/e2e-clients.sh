#!/usr/bin/env bash
# End-to-end checks with real clients, against the release binary on 127.0.0.1:
#   - LibreOffice Calc, headless, over UNO (scripts/e2e/calc_check.py): the ```calc recipes of
#     docs/integrations.md (=WEBSERVICE(…&format=text), DATEVALUE, …) and a CSV import;
#   - headless Chromium: the ```js recipe of docs/integrations.md on a page served from another
#     origin (python3 -m http.server) POSTs a deadline as JSON and shows the due date; the same
#     page against a service that does not list the page's origin must be refused (CORS);
#   - every ```console example of docs/integrations.md and README.md
#     (scripts/check-doc-examples.py).
# It installs what is missing from Debian's packages (chromium, libreoffice-calc-nogui,
# python3-uno), listens on loopback only (ports in 18300–18399), bounds every step in time,
# stops everything it started, and ends with `N passed, M failed`.
set -uo pipefail
cd "$(dirname "$0")/.."

WORK=$(mktemp -d /tmp/qixian-e2e.XXXXXX)
# shellcheck source=scripts/e2e/harness.sh
source scripts/e2e/harness.sh

echo "== tools"
need=()
command -v curl >/dev/null || need+=(curl)
command -v chromium >/dev/null || need+=(chromium)
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
        echo "$passed passed, $failed failed"
        exit 1
    fi
fi
PY=/usr/bin/python3

echo "== release binary"
if ! timeout 2400 cargo build --release --locked --quiet; then
    fail "cargo build --release"
    echo "$passed passed, $failed failed"
    exit 1
fi
BIN=$PWD/target/release/qixian

# Free loopback ports in 18300–18399, none of them the ones already taken.
free_port() {
    "$PY" - "$@" <<'EOF'
import socket, sys
taken = {int(p) for p in sys.argv[1:]}
for port in range(18300, 18400):
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
    sys.exit("no free port in 18300-18399")
EOF
}

# Waits until `url` answers 200, for at most 30 s.
wait_for() {
    for _ in $(seq 150); do
        curl -sf -o /dev/null --max-time 2 "$1" && return 0
        sleep 0.2
    done
    return 1
}

api_port=$(free_port) || exit 1
restricted_port=$(free_port "$api_port") || exit 1
page_port=$(free_port "$api_port" "$restricted_port") || exit 1
API=http://127.0.0.1:$api_port
RESTRICTED=http://127.0.0.1:$restricted_port
PAGE=http://127.0.0.1:$page_port

echo "== services: $API (any origin), $RESTRICTED (only https://oa.example.gov.cn), page $PAGE"
# The add-in example of docs/integrations.md is a proxy on this host: its address is trusted.
start "$WORK/api.log" env QIXIAN_ADDR="127.0.0.1:$api_port" QIXIAN_WORKERS=2 QIXIAN_TRUSTED_PROXIES=127.0.0.1 "$BIN"
start "$WORK/restricted.log" env QIXIAN_ADDR="127.0.0.1:$restricted_port" QIXIAN_WORKERS=1 \
    QIXIAN_CORS_ORIGINS=https://oa.example.gov.cn "$BIN"
mkdir -p "$WORK/page"
"$PY" scripts/e2e/browser_page.py docs/integrations.md "$API" "$WORK/page/allowed.html"
"$PY" scripts/e2e/browser_page.py docs/integrations.md "$RESTRICTED" "$WORK/page/refused.html"
start "$WORK/page.log" "$PY" -m http.server "$page_port" --bind 127.0.0.1 --directory "$WORK/page"
for url in "$API/healthz" "$RESTRICTED/healthz" "$PAGE/allowed.html"; do
    if ! wait_for "$url"; then
        fail "$url did not answer within 30 s"
        tail -n 20 "$WORK"/*.log
        echo "$passed passed, $failed failed"
        exit 1
    fi
done

echo "== docs: console examples"
timeout 300 "$PY" scripts/check-doc-examples.py "$API" docs/integrations.md | tee "$WORK/docs.log"
add_counts "check-doc-examples.py docs/integrations.md" "$WORK/docs.log"
if [ -f README.md ]; then
    # The README may have no console block yet; any it has must pass.
    timeout 300 "$PY" scripts/check-doc-examples.py "$API" README.md --allow-none | tee "$WORK/readme.log"
    add_counts "check-doc-examples.py README.md" "$WORK/readme.log"
else
    echo "README.md: absent, no examples to run"
fi

echo "== LibreOffice Calc over UNO"
timeout 300 "$PY" scripts/e2e/calc_check.py "$API" docs/integrations.md 2>"$WORK/calc.err" | tee "$WORK/calc.log"
add_counts "calc_check.py" "$WORK/calc.log"
[ -s "$WORK/calc.err" ] && grep -v '^$' "$WORK/calc.err" | tail -n 5

echo "== headless Chromium, page on $PAGE"
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

echo "$passed passed, $failed failed"
((failed == 0))
