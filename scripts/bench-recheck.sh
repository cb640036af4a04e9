#!/usr/bin/env bash
# Measures POST /v1/deadlines/recheck against POST /v1/deadlines/batch over HTTP with wrk, on
# this machine's loopback, with 10,000 items each: the batch computes 10,000 deadlines; the
# recheck counts the same 10,000 again after a change of the data (the prefecture's 2027
# notice, as an operator file) and compares each with what the batch had said. Both are
# measured in interleaved rounds (batch, recheck, batch, …) and the median round's ratio is
# reported; then the server's resident memory (VmRSS) after each kind, and its peak (VmHWM).
# Usage: scripts/bench-recheck.sh [seconds-per-round (default 10)] [connections (default 64)]
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-10}
conns=${2:-64}
port=${BENCH_PORT:-18420}
rounds=${BENCH_ROUNDS:-3}
token=bench-recheck-admin-token

command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
cargo build --release --locked --quiet --bin qixian
work=$(mktemp -d)
mkdir -p "$work/state" "$work/holidays"
QIXIAN_ADDR=127.0.0.1:$port QIXIAN_ACCESS_LOG=off QIXIAN_STATE_DIR="$work/state" \
  QIXIAN_HOLIDAYS_DIR="$work/holidays" QIXIAN_ADMIN_TOKEN=$token \
  "${CARGO_TARGET_DIR:-target}/release/qixian" >/dev/null 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -rf "$work"' EXIT
base="http://127.0.0.1:$port"
for _ in $(seq 50); do curl -sf "$base/healthz" >/dev/null && break; sleep 0.1; done

# The batch's items, and the same deadlines as a caller stored them from its answer.
python3 - "$base" "$work" "$token" <<'PY'
import datetime, json, os, sys, urllib.request
base, work, token = sys.argv[1:4]
start = datetime.date(2026, 7, 1)
items = [{"rule": "countersign-reply", "event": str(start + datetime.timedelta(days=i % 400)),
          "calendar": "cn-xj-kizilsu"} for i in range(10000)]
batch = json.dumps({"items": items}, separators=(",", ":"))
def post(path, body, headers):
    req = urllib.request.Request(base + path, data=body.encode(), headers=headers, method="POST")
    with urllib.request.urlopen(req) as r:
        return json.load(r) if r.headers.get_content_type() == "application/json" else None
answer = post("/v1/deadlines/batch", batch, {"Content-Type": "application/json"})
stored = [{"request": item, "due_date": a["deadline"]["due_date"], "due_at": a["deadline"]["due_at"],
           "data_version": answer["data_version"]} for item, a in zip(items, answer["results"])]
os.makedirs(f"{work}/holidays/cn-xj-kizilsu", exist_ok=True)
with open(f"{work}/holidays/cn-xj-kizilsu/2027.json", "w") as f:
    json.dump({"year": 2027, "papers": ["bench"], "days": [
        {"name": "州庆", "date": "2027-07-14", "isOffDay": True, "source": "bench"}]}, f)
post("/v1/admin/reload", "", {"Authorization": f"Bearer {token}"})
recheck = json.dumps({"items": stored}, separators=(",", ":"))
moved = post("/v1/deadlines/recheck", recheck, {"Content-Type": "application/json"})["results"]
print(f"items: 10000; moved by the 2027 notice: {sum(1 for m in moved if m.get('changed'))}")
for name, body in (("batch", batch), ("recheck", recheck)):
    with open(f"{work}/{name}.lua", "w") as f:
        f.write('wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\n')
        f.write("wrk.body = [[" + body + "]]\n")
    print(f"{name} body: {len(body)} bytes")
PY

declare -A rps p50 rss
run() { # name url lua
  local out
  out=$(wrk -t2 -c"$conns" -d"${secs}s" --latency -s "$3" "$2")
  rps[$1]=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
  p50[$1]=$(awk '$1=="50%" {print $2}' <<<"$out")
  local non2xx
  non2xx=$(awk '/Non-2xx/ {print $NF}' <<<"$out")
  [ -z "$non2xx" ] || echo "WARNING: $1 had $non2xx non-2xx answers" >&2
}
for r in $(seq "$rounds"); do
  run "batch$r" "$base/v1/deadlines/batch" "$work/batch.lua"
  rss[batch$r]=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
  run "recheck$r" "$base/v1/deadlines/recheck" "$work/recheck.lua"
  rss[recheck$r]=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
  ratio=$(awk -v a="${rps[recheck$r]}" -v b="${rps[batch$r]}" 'BEGIN {printf "%.2f", b / a}')
  echo "round $r: batch ${rps[batch$r]} req/s (p50 ${p50[batch$r]}, resident $((rss[batch$r] / 1024)) MiB after), recheck ${rps[recheck$r]} req/s (p50 ${p50[recheck$r]}, resident $((rss[recheck$r] / 1024)) MiB after): recheck takes ${ratio}x the batch's time"
done
peak=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")
echo "peak resident (VmHWM) over the run: $((peak / 1024)) MiB; $conns connections, ${secs}s per round"
