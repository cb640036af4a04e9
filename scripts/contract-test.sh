#!/usr/bin/env bash
# Contract test: checks the server against openapi.yaml with schemathesis.
#
# Builds the binary (debug), starts it on 127.0.0.1 at a free port in 18500-18599 with an admin
# token (so that POST /v1/admin/reload exists) and a temporary state directory, validates
# openapi.yaml with openapi-spec-validator, runs `st run --checks all` with a fixed seed and a
# bounded number of examples (configuration and its few, commented exceptions: schemathesis.toml),
# and stops the server. The tools are used from PATH when the pinned versions are there, else
# installed from PyPI into a virtualenv under target/.
#
# Its last line is always `N passed, M failed`: the API operations schemathesis passed and failed
# (a run that cannot start counts every operation as failed). Exits non-zero on any failure.
#
# Environment: CONTRACT_SEED and CONTRACT_MAX_EXAMPLES override the defaults below.
# `--tools-only`: installs the tools and stops (scripts/ci-tools.sh).
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD

SCHEMATHESIS_VERSION=4.32.5
SPEC_VALIDATOR_VERSION=0.9.0
SEED=${CONTRACT_SEED:-20261128}
# Test cases per operation and phase: under a minute of schemathesis on two cores. A build from
# a cold target/ takes about seven minutes more here; an incremental one, seconds.
MAX_EXAMPLES=${CONTRACT_MAX_EXAMPLES:-150}
PORTS=(18500 18599)
VENV=$ROOT/target/contract-test-venv
# The server's log and schemathesis' JUnit report of the last run.
REPORTS=$ROOT/target/contract-test

WORK=$(mktemp -d "${TMPDIR:-/tmp}/qixian-contract.XXXXXX")
SERVER_PID=""
SUMMARY=""

# The operations the spec describes, for a summary when schemathesis never reports.
operation_count() {
    python3 - "$ROOT/openapi.yaml" <<'EOF' 2>/dev/null || echo 1
import re, sys
methods = re.compile(r"^    (get|put|post|delete|patch|head|options|trace):\s*$")
print(sum(1 for line in open(sys.argv[1], encoding="utf-8") if methods.match(line)))
EOF
}

finish() {
    local status=$?
    if [[ -n $SERVER_PID ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill "$SERVER_PID" 2>/dev/null || true
        for _ in $(seq 50); do
            kill -0 "$SERVER_PID" 2>/dev/null || break
            sleep 0.1
        done
        kill -9 "$SERVER_PID" 2>/dev/null || true
    fi
    rm -rf "$WORK"
    if [[ -z $SUMMARY ]]; then
        SUMMARY="0 passed, $(operation_count) failed"
        ((status == 0)) && status=1
    fi
    echo "$SUMMARY"
    exit "$status"
}
trap finish EXIT
trap 'exit 130' INT TERM

echo "== tools (schemathesis $SCHEMATHESIS_VERSION, openapi-spec-validator $SPEC_VALIDATOR_VERSION)"
ST=""
if command -v st >/dev/null && [[ $(st --version 2>/dev/null) == "st, version $SCHEMATHESIS_VERSION" ]]; then
    ST=$(command -v st)
fi
SPEC_VALIDATOR=""
if command -v openapi-spec-validator >/dev/null &&
    [[ $(openapi-spec-validator --version 2>/dev/null) == "openapi-spec-validator $SPEC_VALIDATOR_VERSION" ]]; then
    SPEC_VALIDATOR=$(command -v openapi-spec-validator)
fi
if [[ -z $ST || -z $SPEC_VALIDATOR ]]; then
    if [[ $("$VENV/bin/st" --version 2>/dev/null) != "st, version $SCHEMATHESIS_VERSION" ||
        $("$VENV/bin/openapi-spec-validator" --version 2>/dev/null) != "openapi-spec-validator $SPEC_VALIDATOR_VERSION" ]]; then
        echo "installing them into $VENV"
        rm -rf "$VENV"
        python3 -m venv "$VENV"
        "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
            "schemathesis==$SCHEMATHESIS_VERSION" "openapi-spec-validator==$SPEC_VALIDATOR_VERSION"
    fi
    [[ -z $ST ]] && ST=$VENV/bin/st
    [[ -z $SPEC_VALIDATOR ]] && SPEC_VALIDATOR=$VENV/bin/openapi-spec-validator
fi
echo "st: $ST"
echo "openapi-spec-validator: $SPEC_VALIDATOR"
if [[ ${1:-} == --tools-only ]]; then
    SUMMARY="tools ready"
    exit 0
fi

# The debug build: its overflow checks and debug assertions turn an arithmetic slip into a panic,
# which the fuzzer then sees as a 5xx; a release build would wrap silently. Schemathesis' Python
# is the slow side here, not the server. Built as `cargo test` builds it (the binary the API
# tests start), which CI has done by now: a plain `cargo build` leaves the dev-dependencies out,
# so their features too, and compiled 80 s of dependencies again in CI's cold run.
echo "== building the server"
cargo test --locked --no-run --quiet
BINARY=${CARGO_TARGET_DIR:-$ROOT/target}/debug/qixian

echo "== openapi-spec-validator openapi.yaml"
"$SPEC_VALIDATOR" "$ROOT/openapi.yaml"

echo "== starting the server"
port_is_free() {
    python3 -c 'import socket, sys
s = socket.socket()
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(1)' "$1"
}
PORT=""
for candidate in $(seq "${PORTS[0]}" "${PORTS[1]}" | shuf); do
    if port_is_free "$candidate"; then
        PORT=$candidate
        break
    fi
done
[[ -n $PORT ]] || { echo "no free port in ${PORTS[0]}-${PORTS[1]}" >&2; exit 1; }
BASE_URL=http://127.0.0.1:$PORT
QIXIAN_ADMIN_TOKEN=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
export QIXIAN_ADMIN_TOKEN # schemathesis.toml reads it for the admin route's bearer token
mkdir -p "$WORK/state"
rm -rf "$REPORTS"
mkdir -p "$REPORTS"
# Only the settings named here, so that the caller's QIXIAN_* cannot change what is tested.
env -i PATH="$PATH" HOME="${HOME:-/root}" \
    QIXIAN_ADDR="127.0.0.1:$PORT" \
    QIXIAN_ADMIN_TOKEN="$QIXIAN_ADMIN_TOKEN" \
    QIXIAN_STATE_DIR="$WORK/state" \
    QIXIAN_WORKERS=2 \
    QIXIAN_REGISTER_RATE=100000 QIXIAN_REGISTER_BURST=100000 \
    "$BINARY" >"$REPORTS/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 300); do
    curl -fsS -o /dev/null "$BASE_URL/readyz" 2>/dev/null && break
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
        echo "the server stopped:" >&2
        cat "$REPORTS/server.log" >&2
        exit 1
    fi
    sleep 0.1
done
curl -fsS -o /dev/null "$BASE_URL/readyz" || { echo "the server is not ready" >&2; exit 1; }
echo "serving at $BASE_URL (pid $SERVER_PID), log in ${REPORTS#"$ROOT"/}/server.log"

# A register of the run's own, so that its routes are fuzzed with a key that opens them (the
# `ignored_auth` check still sends each without it and with a wrong one): schemathesis.toml
# gives the key as the registers' bearer and pins the path's register id to this one. Its rate
# limit is lifted above (schemathesis sends far more than an office would).
REGISTER=$(curl -fsS -X POST "$BASE_URL/v1/admin/registers" \
    -H "Authorization: Bearer $QIXIAN_ADMIN_TOKEN" -H 'Content-Type: application/json' \
    -d '{"name":"契约测试"}')
QIXIAN_REGISTER_ID=$(python3 -c 'import json, sys; print(json.load(sys.stdin)["id"])' <<<"$REGISTER")
QIXIAN_REGISTER_KEY=$(python3 -c 'import json, sys; print(json.load(sys.stdin)["key"])' <<<"$REGISTER")
export QIXIAN_REGISTER_ID QIXIAN_REGISTER_KEY
echo "register $QIXIAN_REGISTER_ID made for the run"

echo "== st run --checks all --seed $SEED --max-examples $MAX_EXAMPLES"
# Run from the temporary directory, so that nothing schemathesis writes lands in the checkout.
set +e
(cd "$WORK" && "$ST" --config-file "$ROOT/schemathesis.toml" run "$ROOT/openapi.yaml" \
    --url "$BASE_URL" \
    --checks all \
    --seed "$SEED" \
    --max-examples "$MAX_EXAMPLES" \
    --no-color \
    --report junit --report-junit-path "$REPORTS/junit.xml")
ST_STATUS=$?
set -e

# Operations passed and failed, from schemathesis' JUnit report: one test case per operation
# ("GET /v1/days"), plus one for the stateful phase, whose failures count as one more failure.
COUNTS=$(python3 - "$REPORTS/junit.xml" <<'EOF'
import sys
import xml.etree.ElementTree as ET

cases = list(ET.parse(sys.argv[1]).iter("testcase"))
passed = failed = skipped = 0
for case in cases:
    kinds = {child.tag for child in case}
    bad = bool(kinds & {"failure", "error"})
    if case.get("name") == "Stateful tests":
        failed += bad
    elif bad:
        failed += 1
    elif "skipped" in kinds:
        skipped += 1
    else:
        passed += 1
print(passed, failed, skipped)
EOF
) || COUNTS=""
if [[ -z $COUNTS ]]; then
    echo "schemathesis wrote no report (exit status $ST_STATUS)" >&2
    exit 1
fi
read -r PASSED FAILED SKIPPED <<<"$COUNTS"
if ((ST_STATUS != 0 && FAILED == 0)); then
    # An error that the report does not attribute to an operation (schema, network, crash).
    FAILED=1
fi
SUMMARY="$PASSED passed, $FAILED failed"
((SKIPPED > 0)) && SUMMARY="$SUMMARY, $SKIPPED skipped"
((ST_STATUS == 0 && FAILED == 0))
