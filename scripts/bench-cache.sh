#!/usr/bin/env bash
# What the response cache buys: the same requests against the release binary with the cache on
# (default) and off (QIXIAN_CACHE_MAX_BYTES=0), in one run, on loopback.
# Usage: scripts/bench-cache.sh [seconds-per-run (default 10)] [connections (default 64)]
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-10}
conns=${2:-64}
command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
cargo build --release --locked --quiet

paths=(
  "/v1/workdays/add?start=2026-09-30&days=7"
  "/v1/deadlines?rule=countersign-reply&event=2026-09-30T18:00:00%2B08:00&as_of=2026-10-09"
  "/v1/deadlines?unit=calendar_days&amount=365&event=2026-01-05"
  "/v1/days?from=2026-01-01&to=2026-12-31"
)
declare -A rps
for mode in on off; do
  port=$([ $mode = on ] && echo 18460 || echo 18461)
  max=$([ $mode = on ] && echo 67108864 || echo 0)
  QIXIAN_ADDR=127.0.0.1:$port QIXIAN_CACHE_MAX_BYTES=$max QIXIAN_LOG_FORMAT=json "${CARGO_TARGET_DIR:-target}"/release/qixian >/dev/null 2>&1 &
  pid=$!
  for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
  for p in "${paths[@]}"; do
    out=$(wrk -t2 -c"$conns" -d"${secs}s" "http://127.0.0.1:$port$p")
    rps[$mode$p]=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
  done
  kill $pid; wait $pid 2>/dev/null || true
done
printf '%-95s %10s %10s %7s\n' path cache-on cache-off on/off
for p in "${paths[@]}"; do
  ratio=$(awk -v a="${rps[on$p]}" -v b="${rps[off$p]}" 'BEGIN {printf "%.2f", a / b}')
  printf '%-95s %10s %10s %7s\n' "$p" "${rps[on$p]}" "${rps[off$p]}" "$ratio"
done
