#!/usr/bin/env bash
# End-to-end check of the LibreOffice Calc extension (clients/libreoffice/), against the release
# binary on 127.0.0.1:
#   1. clients/libreoffice/build.sh builds target/clients/qixian.oxt (installing the SDK's
#      unoidl-write when missing);
#   2. `unopkg add` installs it into a throwaway user profile; unopkg refuses a user
#      installation as root, so as root the profile belongs to `nobody` and LibreOffice runs as
#      that user, as an office worker's would;
#   3. scripts/e2e/calc_addin_check.py starts headless Calc on that profile and checks every
#      QIXIAN.* function against the service's own answers, a readable error, a document
#      whose null date is 1904, a saved .ods, and the Options page.
# It installs what is missing from Debian's packages, listens on loopback only (ports in
# 18800–18899), bounds every step in time, stops everything it started, and ends with
# `N passed, M failed`.
set -uo pipefail
cd "$(dirname "$0")/.."

WORK=$(mktemp -d /tmp/qixian-e2e-oxt.XXXXXX)
# shellcheck source=scripts/e2e/harness.sh
source scripts/e2e/harness.sh

echo "== tools"
need=()
command -v curl >/dev/null || need+=(curl)
[ -e /usr/lib/libreoffice/program/libsclo.so ] || need+=(libreoffice-calc-nogui)
/usr/bin/python3 -c 'import uno' 2>/dev/null || need+=(python3-uno)
# The extension's functions are Python: LibreOffice's script provider for Python.
[ -e /usr/lib/libreoffice/program/pythonloader.py ] || need+=(python3-uno)
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

echo "== release binary"
if ! timeout 2400 cargo build --release --locked --quiet; then
    fail "cargo build --release"
    finish
fi
BIN=${CARGO_TARGET_DIR:-$PWD/target}/release/qixian

echo "== the extension"
if timeout 1200 bash clients/libreoffice/build.sh >"$WORK/build.log" 2>&1; then
    OXT=$(tail -n 1 "$WORK/build.log" | cut -d' ' -f1)
    pass "clients/libreoffice/build.sh built $OXT"
else
    cat "$WORK/build.log"
    fail "clients/libreoffice/build.sh"
    finish
fi

free_port() {
    "$PY" - "$@" <<'PYEOF'
import socket, sys
taken = {int(p) for p in sys.argv[1:]}
for port in range(18800, 18850):
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
    sys.exit("no free port in 18800-18849")
PYEOF
}

# The office side runs as an unprivileged user when we are root (unopkg refuses root).
PROFILE=$WORK/lo/profile
mkdir -p "$WORK/lo/home"
cp "$OXT" "$WORK/lo/qixian.oxt"
as_user=()
run_as=()
if [ "$(id -u)" = 0 ]; then
    chown -R nobody:nogroup "$WORK/lo"
    chmod 755 "$WORK"
    as_user=(runuser -u nobody -- env HOME="$WORK/lo/home")
    run_as=(--run-as nobody)
fi

echo "== unopkg add"
if timeout 180 "${as_user[@]}" unopkg add -env:UserInstallation="file://$PROFILE" "$WORK/lo/qixian.oxt" \
    >"$WORK/unopkg.log" 2>&1; then
    pass "unopkg add qixian.oxt into a throwaway profile"
else
    cat "$WORK/unopkg.log"
    fail "unopkg add qixian.oxt"
    finish
fi
timeout 120 "${as_user[@]}" unopkg list -env:UserInstallation="file://$PROFILE" >"$WORK/list.log" 2>&1
registered=$(grep -c 'is registered: yes' "$WORK/list.log")
# The extension, its type library, components, options schema and two configuration files.
if grep -q 'Identifier: org.qixian.calc' "$WORK/list.log" && [ "$registered" = 6 ]; then
    pass "unopkg list: org.qixian.calc and its 5 parts are registered"
else
    cat "$WORK/list.log"
    fail "unopkg list: expected org.qixian.calc and 6 registered entries, got $registered"
fi

api_port=$(free_port) || exit 1
office_port=$(free_port "$api_port") || exit 1
API=http://127.0.0.1:$api_port
echo "== service $API"
start "$WORK/api.log" env QIXIAN_ADDR="127.0.0.1:$api_port" QIXIAN_WORKERS=2 "$BIN"
up=0
for _ in $(seq 150); do
    curl -sf -o /dev/null --max-time 2 "$API/healthz" && { up=1; break; }
    sleep 0.2
done
if ((!up)); then
    tail -n 20 "$WORK/api.log"
    fail "$API did not answer within 30 s"
    finish
fi

echo "== Calc with the extension, over UNO"
timeout 360 "$PY" scripts/e2e/calc_addin_check.py "$API" "$PROFILE" --port "$office_port" "${run_as[@]}" \
    2>"$WORK/calc.err" | tee "$WORK/calc.log"
add_counts "calc_addin_check.py" "$WORK/calc.log"
[ -s "$WORK/calc.err" ] && grep -v '^$' "$WORK/calc.err" | tail -n 5

finish
