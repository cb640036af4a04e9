#!/usr/bin/env bash
# The registers and the state replicas share, on PostgreSQL: installs Debian's `postgresql` if
# it is missing, starts a throwaway cluster on 127.0.0.1 at a free port in 18700-18799, owned by
# an unprivileged user (`postgres`, or `nobody` when that user does not exist: PostgreSQL refuses
# to run as root), in a temporary directory, and runs every PostgreSQL test against it with
# QIXIAN_TEST_DATABASE_URL set — every `#[ignore]`d test of the library and of the API, as only
# those that need PostgreSQL are ignored: the library's (`cargo test --lib -- --ignored`) and the
# API's, the registers and two replicas of the real binary sharing the data in force
# (`cargo test --test api -- --ignored`), each API test on a schema of its own
# (tests/api/helpers.rs, `fresh_schema`). The cluster speaks TLS with a certificate made here for
# 127.0.0.1, and the tests connect with `sslmode=verify-full` against it: a managed PostgreSQL
# asks for TLS, and this proves the service's client verifies the server (a wrong root is
# refused, checked below). The cluster and its directory are removed at the end, whatever the
# outcome.
# `--tools-only`: installs PostgreSQL when missing and stops (scripts/ci-tools.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

find_bin() {
    ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1
}

BIN=$(find_bin || true)
if [[ -z $BIN || ! -x $BIN/initdb ]]; then
    echo "installing postgresql from Debian's packages"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq postgresql >/dev/null
    BIN=$(find_bin)
fi
# The certificates below are made with openssl (Debian's postgresql depends on ssl-cert, which
# brings it, but a machine with PostgreSQL from elsewhere may lack it).
if ! command -v openssl >/dev/null; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq openssl >/dev/null
fi
[[ ${1:-} == --tools-only ]] && exit 0

RUN_AS=postgres
id "$RUN_AS" >/dev/null 2>&1 || RUN_AS=nobody
WORK=$(mktemp -d "${TMPDIR:-/tmp}/qixian-pg.XXXXXX")
chmod 755 "$WORK"
DATA=$WORK/data
mkdir -p "$DATA"
chown "$RUN_AS" "$DATA"

as_user() {
    if [[ $(id -u) == 0 ]]; then
        su -s /bin/sh "$RUN_AS" -c "$*"
    else
        sh -c "$*"
    fi
}

PORT=""
for p in $(seq 18700 18799); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
        PORT=$p
        break
    fi
done
[[ -n $PORT ]] || { echo "no free port in 18700-18799"; exit 1; }

finish() {
    local status=$?
    as_user "'$BIN/pg_ctl' -D '$DATA' -m immediate stop" >/dev/null 2>&1 || true
    rm -rf "$WORK"
    exit "$status"
}
trap finish EXIT

as_user "'$BIN/initdb' -D '$DATA' -U qixian --auth=trust -E UTF8 --locale=C.UTF-8" >/dev/null
# A root of our own and the server's certificate for 127.0.0.1, signed by it; and a second root
# that signed nothing, to see a server it does not vouch for refused.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=qixian-test-root \
    -keyout "$WORK/root.key" -out "$WORK/root.crt" 2>/dev/null
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=another-root \
    -keyout "$WORK/other.key" -out "$WORK/other.crt" 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=127.0.0.1 \
    -keyout "$DATA/server.key" -out "$WORK/server.csr" 2>/dev/null
openssl x509 -req -in "$WORK/server.csr" -CA "$WORK/root.crt" -CAkey "$WORK/root.key" -days 2 \
    -extfile <(printf 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n') \
    -out "$DATA/server.crt" 2>/dev/null
chmod 644 "$WORK/root.crt" "$WORK/other.crt"
chown "$RUN_AS" "$DATA/server.key" "$DATA/server.crt"
chmod 600 "$DATA/server.key"
as_user "'$BIN/pg_ctl' -D '$DATA' -l '$DATA/log' -w -o \"-c listen_addresses=127.0.0.1 -p $PORT -k '$DATA' -c ssl=on\" start" >/dev/null
as_user "'$BIN/createdb' -h 127.0.0.1 -p $PORT -U qixian qixian_test"

export QIXIAN_TEST_DATABASE_URL="postgres://qixian@127.0.0.1:$PORT/qixian_test?sslmode=verify-full&sslrootcert=$WORK/root.crt"
export QIXIAN_TEST_DATABASE_URL_WRONG_ROOT="postgres://qixian@127.0.0.1:$PORT/qixian_test?sslmode=verify-full&sslrootcert=$WORK/other.crt"
echo "PostgreSQL $("$BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PORT"
# Every PostgreSQL test works in a schema of its own (crate::shared::testing::Schema), so they
# run at once.
cargo test --locked --lib -- --ignored
cargo test --locked --test api -- --ignored
