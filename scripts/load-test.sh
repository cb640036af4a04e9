#!/usr/bin/env bash
# Load test on loopback: saturates the service for a bounded time while the holiday data are
# reloaded (and really changed) every second, and checks: zero socket errors, zero non-2xx
# answers to valid requests, and resident memory flat.
# Usage: scripts/load-test.sh [seconds (default 60)] [connections (default 64)]
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-60}
conns=${2:-64}
port=${LOAD_PORT:-18450}
token=load-test-admin-token

command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
cargo build --release --locked --quiet

work=$(mktemp -d)
mkdir -p "$work/holidays/cn-xj-kizilsu"
notice() { # a prefecture notice whose day off alternates, so every reload changes the data
  printf '{"year": 2026, "papers": ["load test"], "days": [{"name": "州庆", "date": "2026-07-%s", "isOffDay": true, "source": "load test"}]}' "$1"
}
notice 14 >"$work/holidays/cn-xj-kizilsu/2026.json"

QIXIAN_ADDR=127.0.0.1:$port QIXIAN_LOG_FORMAT=json QIXIAN_ADMIN_TOKEN=$token \
  QIXIAN_HOLIDAYS_DIR="$work/holidays" "${CARGO_TARGET_DIR:-target}"/release/qixian >"$work/server.log" 2>&1 &
pid=$!
cleanup() { kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done

cat >"$work/mix.lua" <<'LUA'
-- A mix of valid requests across the routes, in turn.
local paths = {
  "/v1/workdays/add?start=2026-07-13&days=3",
  "/v1/workdays/count?from=2026-01-01&to=2026-12-31",
  "/v1/days/2026-07-14",
  "/v1/days?from=2026-07-01&to=2026-07-31",
  "/v1/deadlines?rule=countersign-reply&event=2026-07-10T18:00:00%2B08:00&as_of=2026-07-15",
  "/v1/calendars/cn-xj-kizilsu",
}
local i = 0
request = function()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
LUA

rss() { awk '/VmRSS/ {print $2}' "/proc/$pid/status"; }
# Warm up, then take the baseline.
wrk -t2 -c"$conns" -d5s -s "$work/mix.lua" "http://127.0.0.1:$port" >/dev/null
rss_start=$(rss)

reloads=0 reload_failures=0
(
  day=14
  end=$((SECONDS + secs))
  while [ $SECONDS -lt $end ]; do
    day=$(( day == 14 ? 15 : 14 ))
    notice $day >"$work/holidays/cn-xj-kizilsu/2026.json.tmp"
    mv "$work/holidays/cn-xj-kizilsu/2026.json.tmp" "$work/holidays/cn-xj-kizilsu/2026.json"
    code=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H "Authorization: Bearer $token" \
      "http://127.0.0.1:$port/v1/admin/reload")
    echo "$code"
    sleep 1
  done
) >"$work/reloads.txt" &
reloader=$!

samples=()
(
  for _ in $(seq $((secs / 5))); do sleep 5; awk '/VmRSS/ {print $2}' "/proc/$pid/status"; done
) >"$work/rss.txt" &
sampler=$!

out=$(wrk -t2 -c"$conns" -d"${secs}s" --latency -s "$work/mix.lua" "http://127.0.0.1:$port")
wait "$reloader" "$sampler" || true
echo "$out"

reloads=$(wc -l <"$work/reloads.txt")
reload_failures=$(grep -vc '^200$' "$work/reloads.txt" || true)
non2xx=$(awk '/Non-2xx/ {print $NF}' <<<"$out")
socket=$(grep -o 'Socket errors:.*' <<<"$out" || true)
rss_end=$(rss)
rss_max=$(sort -n "$work/rss.txt" | tail -1)
versions=$(grep -c '"holiday data compiled"' "$work/server.log" || true)

echo
echo "reloads: $reloads ($reload_failures failed); data versions compiled: $versions"
echo "resident memory: $((rss_start / 1024)) MiB after warm-up, at most $((rss_max / 1024)) MiB during, $((rss_end / 1024)) MiB after"
failed=0
[ -z "$non2xx" ] || { echo "FAIL: $non2xx non-2xx answers"; failed=1; }
[ -z "$socket" ] || { echo "FAIL: $socket"; failed=1; }
[ "$reload_failures" -eq 0 ] || { echo "FAIL: $reload_failures reloads failed"; failed=1; }
[ "$reloads" -ge $((secs / 2)) ] || { echo "FAIL: only $reloads reloads in ${secs}s"; failed=1; }
# Flat: no more than 16 MiB above the warmed-up baseline (caches are bounded; a leak grows).
[ $((rss_max - rss_start)) -le 16384 ] || { echo "FAIL: memory grew by $(((rss_max - rss_start) / 1024)) MiB"; failed=1; }
if [ $failed -eq 0 ]; then echo "1 passed, 0 failed"; else echo "0 passed, 1 failed"; exit 1; fi
