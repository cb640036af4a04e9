# The plumbing the end-to-end scripts share (e2e-libreoffice.sh, e2e-chromium.sh), sourced
# after each has set WORK (its temporary directory, removed at exit): counts of checks passed
# and failed, Debian packages installed when missing, the release binary, free loopback ports,
# process groups started and stopped at exit, waiting for what they serve, the checkers' counts
# added to ours, and no proxy for loopback.

GROUPS_STARTED=()
passed=0
failed=0

cleanup() {
    local pid
    for pid in "${GROUPS_STARTED[@]}"; do
        kill -TERM -- "-$pid" 2>/dev/null
    done
    for _ in $(seq 50); do
        local alive=0
        for pid in "${GROUPS_STARTED[@]}"; do
            kill -0 -- "-$pid" 2>/dev/null && alive=1
        done
        ((alive)) || break
        sleep 0.1
    done
    for pid in "${GROUPS_STARTED[@]}"; do
        kill -KILL -- "-$pid" 2>/dev/null
    done
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

pass() { passed=$((passed + 1)); echo "ok   $*"; }
fail() { failed=$((failed + 1)); echo "FAIL $*"; }
finish() { echo "$passed passed, $failed failed"; ((failed == 0)); exit; }

# Adds the counts of a checker's last line (`N passed, M failed`) to ours.
add_counts() {
    local what=$1 log=$2 last
    last=$(tail -n 1 "$log")
    if [[ $last =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
        passed=$((passed + BASH_REMATCH[1]))
        failed=$((failed + BASH_REMATCH[2]))
    else
        fail "$what ended without a count (timed out or crashed); its last line: $last"
    fi
}

# Installs the Debian packages named (none: nothing to do); ends the script when it cannot.
install_packages() {
    (($#)) || return 0
    echo "installing $*"
    export DEBIAN_FRONTEND=noninteractive
    if ! { timeout 600 apt-get update -qq &&
        timeout 1800 apt-get install -y -qq --no-install-recommends "$@"; } \
        >"$WORK/apt.log" 2>&1; then
        tail -n 20 "$WORK/apt.log"
        fail "apt-get install $*"
        finish
    fi
}

# Builds the release binary unless it is up to date (in CARGO_TARGET_DIR when that is set) and
# sets BIN to it; ends the script when it cannot.
release_binary() {
    echo "== release binary"
    if ! timeout 2400 cargo build --release --locked --quiet; then
        fail "cargo build --release"
        finish
    fi
    BIN=${CARGO_TARGET_DIR:-$PWD/target}/release/qixian
}

# free_port LOW HIGH [TAKEN...]: a free loopback port in LOW..HIGH, none of TAKEN.
free_port() {
    python3 - "$@" <<'PYEOF'
import socket, sys
low, high = int(sys.argv[1]), int(sys.argv[2])
taken = {int(p) for p in sys.argv[3:]}
for port in range(low, high + 1):
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
    sys.exit(f"no free port in {low}-{high}")
PYEOF
}

# Runs a command in a process group of its own, output to `log`, stopped at exit.
start() {
    local log=$1
    shift
    setsid "$@" >"$log" 2>&1 </dev/null &
    GROUPS_STARTED+=($!)
}

# wait_for [CURL OPTION...] URL...: until every URL answers 2xx, each for at most 30 s; ends
# the script, with the tails of the logs, when one does not.
wait_for() {
    local options=() url
    while [[ $1 == -* ]]; do
        options+=("$1")
        shift
    done
    for url in "$@"; do
        local up=0
        for _ in $(seq 150); do
            curl -sf "${options[@]}" -o /dev/null --max-time 2 "$url" && {
                up=1
                break
            }
            sleep 0.2
        done
        if ((!up)); then
            fail "$url did not answer within 30 s"
            tail -n 20 "$WORK"/*.log
            finish
        fi
    done
}

# The Python with Debian's packages (python3-uno) that the checkers run on.
PY=/usr/bin/python3
# The Debian packages a script installs with install_packages: what it needs and lacks,
# starting with curl, which wait_for asks with.
need=()
command -v curl >/dev/null || need+=(curl)

# Nothing may go through a proxy: every request here is to 127.0.0.1.
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY
export no_proxy=127.0.0.1,localhost NO_PROXY=127.0.0.1,localhost
