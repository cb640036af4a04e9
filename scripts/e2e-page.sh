#!/usr/bin/env bash
# The page for people (`/`) in a real browser: builds the release binary, starts it on
# 127.0.0.1 (a free port in 18600–18699), and drives headless Chromium with Playwright through
# scripts/e2e/page_check.py (what it checks: its docstring), with axe-core injected for the
# accessibility checks. Screenshots of every view at 1280 and 390 px, and the views printed to
# PDF, are written to target/e2e-artifacts/ (CI keeps them).
#
# It installs what is missing: chromium and a CJK font (Debian), Playwright (PyPI, into a
# virtualenv under target/, driving the system's Chromium: it downloads no browser), axe-core
# (npm, into a temporary directory; it is never part of the product). Every step is bounded in
# time, everything it started is stopped, and its last line is `N passed, M failed`.
#
# QIXIAN_DOCS_SCREENSHOT=docs/page.png also writes the README's screenshot.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

PLAYWRIGHT_VERSION=1.65.2
AXE_VERSION=4.14.1
VENV=$ROOT/target/e2e-page-venv
ARTIFACTS=$ROOT/target/e2e-artifacts
WORK=$(mktemp -d "${TMPDIR:-/tmp}/qixian-page.XXXXXX")
SERVER_GROUP=""
passed=0
failed=0

cleanup() {
    if [[ -n $SERVER_GROUP ]]; then
        kill -TERM -- "-$SERVER_GROUP" 2>/dev/null
        for _ in $(seq 50); do
            kill -0 -- "-$SERVER_GROUP" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL -- "-$SERVER_GROUP" 2>/dev/null
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

fail() { failed=$((failed + 1)); echo "FAIL $*"; }
give_up() {
    fail "$@"
    echo "$passed passed, $failed failed"
    exit 1
}

# Nothing may go through a proxy: every request here is to 127.0.0.1.
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY
export no_proxy=127.0.0.1,localhost NO_PROXY=127.0.0.1,localhost

echo "== tools"
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
# Without a CJK font the screenshots show boxes instead of Chinese.
fc-list :lang=zh 2>/dev/null | grep -q . || need+=(fonts-noto-cjk fontconfig)
command -v npm >/dev/null || need+=(npm)
python3 -c 'import ensurepip, venv' 2>/dev/null || need+=(python3-venv)
if ((${#need[@]})); then
    echo "installing ${need[*]}"
    export DEBIAN_FRONTEND=noninteractive
    if ! { timeout 600 apt-get update -qq &&
        timeout 1800 apt-get install -y -qq --no-install-recommends "${need[@]}"; } \
        >"$WORK/apt.log" 2>&1; then
        tail -n 20 "$WORK/apt.log"
        give_up "apt-get install ${need[*]}"
    fi
fi
if [[ $("$VENV/bin/python" -c 'import importlib.metadata as m; print(m.version("playwright"))' 2>/dev/null) != "$PLAYWRIGHT_VERSION" ]]; then
    echo "installing playwright $PLAYWRIGHT_VERSION into $VENV"
    rm -rf "$VENV"
    if ! { timeout 120 python3 -m venv "$VENV" &&
        timeout 600 "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
            "playwright==$PLAYWRIGHT_VERSION"; } >"$WORK/pip.log" 2>&1; then
        tail -n 20 "$WORK/pip.log"
        give_up "pip install playwright==$PLAYWRIGHT_VERSION"
    fi
fi
echo "installing axe-core $AXE_VERSION into a temporary directory"
if ! (cd "$WORK" && timeout 300 npm install --silent --no-audit --no-fund --no-save \
    --prefix "$WORK/npm" "axe-core@$AXE_VERSION") >"$WORK/npm.log" 2>&1; then
    tail -n 20 "$WORK/npm.log"
    give_up "npm install axe-core@$AXE_VERSION"
fi
AXE=$WORK/npm/node_modules/axe-core/axe.min.js
[ -f "$AXE" ] || give_up "axe-core has no axe.min.js"

echo "== release binary"
timeout 2400 cargo build --release --locked --quiet || give_up "cargo build --release"

echo "== server"
PORT=$(python3 - <<'EOF'
import random, socket
ports = list(range(18600, 18700))
random.shuffle(ports)
for port in ports:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            continue
    print(port)
    break
EOF
)
[[ -n $PORT ]] || give_up "no free port in 18600-18699"
BASE=http://127.0.0.1:$PORT
setsid env QIXIAN_ADDR="127.0.0.1:$PORT" QIXIAN_WORKERS=2 QIXIAN_ACCESS_LOG=errors \
    "$ROOT/target/release/qixian" >"$WORK/server.log" 2>&1 </dev/null &
SERVER_GROUP=$!
ready=0
for _ in $(seq 150); do
    if python3 -c 'import sys, urllib.request
urllib.request.build_opener(urllib.request.ProxyHandler({})).open(sys.argv[1], timeout=2)' \
        "$BASE/healthz" 2>/dev/null; then
        ready=1
        break
    fi
    sleep 0.2
done
((ready)) || { tail -n 20 "$WORK/server.log"; give_up "$BASE/healthz did not answer within 30 s"; }
echo "listening on $BASE"

echo "== the page in headless Chromium"
mkdir -p "$ARTIFACTS"
docs=()
[[ -n ${QIXIAN_DOCS_SCREENSHOT:-} ]] && docs=(--docs-screenshot "$QIXIAN_DOCS_SCREENSHOT")
timeout 900 "$VENV/bin/python" scripts/e2e/page_check.py "$BASE" "$AXE" "$ARTIFACTS" "${docs[@]}" \
    2>"$WORK/check.err" | tee "$WORK/check.log"
last=$(tail -n 1 "$WORK/check.log")
if [[ $last =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
    passed=$((passed + BASH_REMATCH[1]))
    failed=$((failed + BASH_REMATCH[2]))
else
    tail -n 20 "$WORK/check.err"
    fail "page_check.py ended without a count (timed out or crashed); its last line: $last"
fi
if grep -Eq "status=5[0-9][0-9]" "$WORK/server.log"; then
    fail "the server answered a 5xx: $(grep -E "status=5[0-9][0-9]" "$WORK/server.log" | head -n 3)"
fi
echo "artifacts: $ARTIFACTS"

echo "$passed passed, $failed failed"
((failed == 0))
