# The plumbing the end-to-end scripts share (e2e-clients, e2e-libreoffice-ext, e2e-office-addin,
# e2e-sheets), sourced after each has set WORK (its temporary directory, removed at exit):
# counts of checks passed and failed, process groups started and stopped at exit, the checkers'
# counts added to ours, and no proxy for loopback. Each script keeps what differs: its ports
# (free_port) and how it waits for what it started.

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

# Runs a command in a process group of its own, output to `log`, stopped at exit.
start() {
    local log=$1
    shift
    setsid "$@" >"$log" 2>&1 </dev/null &
    GROUPS_STARTED+=($!)
}

# Nothing may go through a proxy: every request here is to 127.0.0.1.
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY
export no_proxy=127.0.0.1,localhost NO_PROXY=127.0.0.1,localhost
