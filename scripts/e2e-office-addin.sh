#!/usr/bin/env bash
# End-to-end check of the Excel add-in's functions (clients/office/) in headless Chromium,
# against the release binary on 127.0.0.1:
#   - the add-in's files are served over HTTPS (Excel loads add-ins only so) by qixian itself,
#     started with a throwaway self-signed certificate (QIXIAN_TLS_CERT, QIXIAN_TLS_KEY), under
#     /addin/ beside the API, and its manifest.xml names that origin;
#   - scripts/e2e/office_addin_check.py (Playwright, with Debian's chromium) loads functions.js
#     in a harness standing in for Excel's CustomFunctions, checks every function against the
#     service's own answers and errors, and opens functions.html with Office.js stood in for.
# Where the add-in's files come from is one setting, ADDIN_FROM below: `service` (qixian over
# HTTPS, serving the API and /addin/ on one origin, where the functions find the API by
# themselves: how an office runs it) or `page` (a small Python HTTPS server with a copy of
# clients/office, calling the service's API over HTTP cross-origin: how a deployment behind
# another web server runs it). QIXIAN_ADDIN_FROM overrides it. The harness page is always on
# the Python server.
# It installs what is missing (Debian's chromium and openssl; Playwright in a venv under
# target/), listens on loopback only (ports in 18850–18899), bounds every step in time, stops
# everything it started, and ends with `N passed, M failed`.
set -uo pipefail
cd "$(dirname "$0")/.."

PLAYWRIGHT_VERSION=1.65.2
ADDIN_FROM=${QIXIAN_ADDIN_FROM:-service}
WORK=$(mktemp -d /tmp/qixian-e2e-office.XXXXXX)
# shellcheck source=scripts/e2e/harness.sh
source scripts/e2e/harness.sh

echo "== tools"
need=()
command -v curl >/dev/null || need+=(curl)
command -v chromium >/dev/null || need+=(chromium)
command -v openssl >/dev/null || need+=(openssl)
python3 -c 'import venv, ensurepip' 2>/dev/null || need+=(python3-venv)
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
VENV=${CARGO_TARGET_DIR:-$PWD/target}/office-addin-venv
if [[ $("$VENV/bin/python" -c 'import importlib.metadata as m; print(m.version("playwright"))' 2>/dev/null) != "$PLAYWRIGHT_VERSION" ]]; then
    echo "installing playwright $PLAYWRIGHT_VERSION into $VENV (the browser is Debian's chromium)"
    rm -rf "$VENV"
    if ! { timeout 120 python3 -m venv "$VENV" &&
        timeout 600 "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
            "playwright==$PLAYWRIGHT_VERSION"; } >"$WORK/pip.log" 2>&1; then
        tail -n 20 "$WORK/pip.log"
        fail "pip install playwright==$PLAYWRIGHT_VERSION"
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
    python3 - "$@" <<'PYEOF'
import socket, sys
taken = {int(p) for p in sys.argv[1:]}
for port in range(18850, 18900):
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
    sys.exit("no free port in 18850-18899")
PYEOF
}

wait_for() {
    for _ in $(seq 150); do
        curl -sfk -o /dev/null --max-time 2 "$1" && return 0
        sleep 0.2
    done
    return 1
}

echo "== a throwaway certificate for 127.0.0.1"
mkdir -p "$WORK/tls" "$WORK/site/harness"
if ! timeout 60 openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 \
    -addext subjectAltName=IP:127.0.0.1 -keyout "$WORK/tls/key.pem" -out "$WORK/tls/cert.pem" \
    >"$WORK/openssl.log" 2>&1; then
    cat "$WORK/openssl.log"
    fail "openssl req: a self-signed certificate"
    finish
fi

api_port=$(free_port) || exit 1
page_port=$(free_port "$api_port") || exit 1
nothing_port=$(free_port "$api_port" "$page_port") || exit 1
PAGE=https://127.0.0.1:$page_port
if [ "$ADDIN_FROM" = service ]; then
    API=https://127.0.0.1:$api_port
    ADDIN_BASE=$API/addin/
    tls=(QIXIAN_TLS_CERT="$WORK/tls/cert.pem" QIXIAN_TLS_KEY="$WORK/tls/key.pem")
else
    API=http://127.0.0.1:$api_port
    ADDIN_BASE=$PAGE/addin/
    tls=()
fi
echo "== service $API, add-in $ADDIN_BASE, harness on $PAGE"
cp -R clients/office "$WORK/site/addin"
cp scripts/e2e/office_harness.html scripts/e2e/office_stand_in.js "$WORK/site/harness/"
start "$WORK/api.log" env QIXIAN_ADDR="127.0.0.1:$api_port" QIXIAN_WORKERS=2 "${tls[@]}" "$BIN"
start "$WORK/page.log" python3 scripts/e2e/https_static.py "$page_port" "$WORK/site" \
    "$WORK/tls/cert.pem" "$WORK/tls/key.pem"
for url in "$API/healthz" "${ADDIN_BASE}functions.js" "$PAGE/harness/office_harness.html"; do
    if ! wait_for "$url"; then
        fail "$url did not answer within 30 s"
        tail -n 20 "$WORK"/*.log
        finish
    fi
done

if [ "$ADDIN_FROM" = service ]; then
    echo "== the manifest qixian serves"
    if ! curl -sf --cacert "$WORK/tls/cert.pem" --max-time 10 -D "$WORK/manifest.headers" \
        -o "$WORK/manifest.xml" "${ADDIN_BASE}manifest.xml"; then
        fail "${ADDIN_BASE}manifest.xml is served over HTTPS with the test certificate"
    elif ! grep -qi '^content-type: application/xml' "$WORK/manifest.headers"; then
        fail "manifest.xml is application/xml: $(grep -i '^content-type' "$WORK/manifest.headers")"
    elif grep -q 'qixian.example.internal' "$WORK/manifest.xml" ||
        [[ $(grep -c "DefaultValue=\"$API/addin/functions\.\(js\|json\|html\)\"" "$WORK/manifest.xml") -ne 4 ]]; then
        fail "manifest.xml names $API for every file of the add-in: $(grep -o 'DefaultValue="https[^"]*"' "$WORK/manifest.xml" | sort -u | tr '\n' ' ')"
    elif ! python3 scripts/check-office-manifest.py "$WORK/manifest.xml" clients/office >"$WORK/manifest-check.log" 2>&1; then
        fail "check-office-manifest.py on the served manifest: $(tail -n 3 "$WORK/manifest-check.log")"
    else
        pass "${ADDIN_BASE}manifest.xml is application/xml over HTTPS and names $API for every file"
    fi
fi

echo "== headless Chromium"
# The API is named only while it is not on the add-in's own origin.
api_args=()
[[ $ADDIN_BASE == "$API"/* ]] || api_args=(--api "$API")
timeout 300 "$VENV/bin/python" scripts/e2e/office_addin_check.py --addin "$ADDIN_BASE" \
    --harness "$PAGE/harness/office_harness.html" --unreachable "http://127.0.0.1:$nothing_port" \
    --office-dir clients/office --cafile "$WORK/tls/cert.pem" "${api_args[@]}" 2>"$WORK/check.err" |
    tee "$WORK/check.log"
add_counts "office_addin_check.py" "$WORK/check.log"
[ -s "$WORK/check.err" ] && grep -v '^$' "$WORK/check.err" | tail -n 5

finish
