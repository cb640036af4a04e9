#!/usr/bin/env bash
# Measures the service over HTTP with wrk, in one run, on this machine's loopback:
#   a bare actix-web server (examples/bare.rs: the same framework and profile, one route, no
#   middleware) as the ceiling, qixian's /healthz (the floor of its own request path),
#   /v1/workdays/add and GET /v1/deadlines with its explanation (interleaved in rounds, the
#   median round reported), and 10,000-item batches; then the resident memory after all of it.
# Prints requests/s, p50 and p99 latency, and each endpoint's ratio to the bare server and to
# qixian's own floor. The service runs with its defaults (an access log line per request,
# JSON, to /dev/null); BENCH_ACCESS_LOG sets QIXIAN_ACCESS_LOG for a run without them.
# Usage: scripts/bench-http.sh [seconds-per-endpoint (default 15)] [connections (default 64)]
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-15}
conns=${2:-64}
port=${BENCH_PORT:-18400}
threads=2

command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
# Two builds: built together, the example's dev-dependencies would add their features to the
# service's own dependencies, and the binary measured would not be the one that ships.
cargo build --release --locked --quiet --bin qixian
cargo build --release --locked --quiet --example bare
out=${CARGO_TARGET_DIR:-target}/release
bin=$out/qixian
bare_port=$((port + 1))

QIXIAN_ADDR=127.0.0.1:$port QIXIAN_LOG_FORMAT=json QIXIAN_ACCESS_LOG=${BENCH_ACCESS_LOG:-all} \
  "$bin" >/dev/null 2>&1 &
pid=$!
"$out"/examples/bare "127.0.0.1:$bare_port" >/dev/null 2>&1 &
bare_pid=$!
trap 'kill $pid $bare_pid 2>/dev/null || true; wait $pid $bare_pid 2>/dev/null || true' EXIT
for p in "$port" "$bare_port"; do
  for _ in $(seq 50); do curl -sf "http://127.0.0.1:$p/healthz" >/dev/null && break; sleep 0.1; done
done

batch_lua=$(mktemp --suffix=.lua)
python3 - "$batch_lua" <<'PY'
import json, sys, datetime
start = datetime.date(2025, 1, 1)
items = [{"rule": "countersign-reply", "event": str(start + datetime.timedelta(days=i % 700))} for i in range(10000)]
body = json.dumps({"items": items}, separators=(",", ":"))
with open(sys.argv[1], "w") as f:
    f.write('wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\n')
    f.write("wrk.body = [[" + body + "]]\n")
PY

base="http://127.0.0.1:$port"
declare -A rps p50 p99
run() { # name url [lua]
  local name=$1 url=$2 lua=${3:-}
  local out
  out=$(wrk -t"$threads" -c"$conns" -d"${secs}s" --latency ${lua:+-s "$lua"} "$url")
  rps[$name]=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
  p50[$name]=$(awk '$1=="50%" {print $2}' <<<"$out")
  p99[$name]=$(awk '$1=="99%" {print $2}' <<<"$out")
  local non2xx
  non2xx=$(awk '/Non-2xx/ {print $NF}' <<<"$out")
  [ -z "$non2xx" ] || echo "WARNING: $name had $non2xx non-2xx answers" >&2
}

# The floor, add, hours/add and deadline are measured in rounds (floor, add, hours, deadline, …) of
# secs/rounds seconds each, so that drift on this shared machine hits all three alike; each
# ratio is taken within its round and the median round is reported.
rounds=${BENCH_ROUNDS:-3}
round_secs=$(( secs / rounds > 2 ? secs / rounds : 2 ))
full_secs=$secs
secs=$round_secs
for r in $(seq "$rounds"); do
  run "bare$r" "http://127.0.0.1:$bare_port/healthz"
  run "floor$r" "$base/healthz"
  run "add$r" "$base/v1/workdays/add?start=2026-09-30&days=7"
  run "hours$r" "$base/v1/hours/add?start=2026-10-12T13:00&hours=8"
  run "deadline$r" "$base/v1/deadlines?rule=countersign-reply&event=2026-09-30T18:00:00%2B08:00&as_of=2026-10-09"
done
secs=$full_secs
run batch "$base/v1/deadlines/batch" "$batch_lua"
rss_kib=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
total=$(curl -s "$base/metrics" | awk '/^qixian_http_requests_total/ {s += $2} END {print s}')

ratio_in() { awk -v a="${rps[$1$2]}" -v f="${rps[floor$2]}" 'BEGIN {printf "%.2f", a / f}'; }
bare_ratio_in() { awk -v a="${rps[$1$2]}" -v f="${rps[bare$2]}" 'BEGIN {printf "%.2f", a / f}'; }
# The round whose ratio to the bare server for $1 is the median (for the bare server: whose
# req/s is).
median_round() {
  for r in $(seq "$rounds"); do
    if [ "$1" = bare ]; then echo "${rps[bare$r]} $r"; else echo "$(bare_ratio_in "$1" "$r") $r"; fi
  done | sort -g | awk -v n="$rounds" 'NR == int((n + 1) / 2) {print $2}'
}

echo
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "wrk: $threads threads, $conns connections; $rounds rounds of ${round_secs}s per endpoint, batches ${full_secs}s"
echo "access log: QIXIAN_ACCESS_LOG=${BENCH_ACCESS_LOG:-all}"
for r in $(seq "$rounds"); do
  echo "round $r: bare ${rps[bare$r]} req/s, floor ${rps[floor$r]} ($(bare_ratio_in floor "$r")), add ${rps[add$r]} ($(bare_ratio_in add "$r")), hours ${rps[hours$r]} ($(bare_ratio_in hours "$r")), deadline ${rps[deadline$r]} ($(bare_ratio_in deadline "$r"))"
done
printf '%-10s %12s %10s %10s %8s %8s\n' endpoint req/s p50 p99 bare× floor×
declare -A ratio_of bare_ratio_of
for name in bare floor add hours deadline; do
  m=$(median_round "$name")
  bare_ratio_of[$name]=$(bare_ratio_in "$name" "$m")
  ratio_of[$name]=$(ratio_in "$name" "$m")
  printf '%-10s %12s %10s %10s %8s %8s\n' "$name" "${rps[$name$m]}" "${p50[$name$m]}" "${p99[$name$m]}" "${bare_ratio_of[$name]}" "${ratio_of[$name]}"
done
printf '%-10s %12s %10s %10s %8s %8s\n' batch "${rps[batch]}" "${p50[batch]}" "${p99[batch]}" - -
deadlines_per_s=$(awk -v r="${rps[batch]}" 'BEGIN {printf "%.0f", r * 10000}')
rss_mib=$((rss_kib / 1024))
echo "batch deadlines/s: $deadlines_per_s"
echo "requests served: $total; resident memory after them: $rss_mib MiB"

# The targets of the proof issue, judged on this run.
verdict() { if awk "BEGIN {exit !($1)}"; then echo met; else echo "NOT met"; fi; }
echo
echo "targets on this run:"
echo "  /healthz >= 0.90 of the bare server: ${bare_ratio_of[floor]}  $(verdict "${bare_ratio_of[floor]} >= 0.90")"
echo "  add >= 0.80 of the bare server:      ${bare_ratio_of[add]}  $(verdict "${bare_ratio_of[add]} >= 0.80")"
echo "  add >= 0.85 of the floor (median):   ${ratio_of[add]}  $(verdict "${ratio_of[add]} >= 0.85")"
echo "  hours/add >= 0.85 of the floor:      ${ratio_of[hours]}  $(verdict "${ratio_of[hours]} >= 0.85")"
echo "  deadline >= 0.70 of the floor:       ${ratio_of[deadline]}  $(verdict "${ratio_of[deadline]} >= 0.70")"
echo "  batches >= 1000000 deadlines/s:      $deadlines_per_s  $(verdict "$deadlines_per_s >= 1000000")"
echo "  <= 60 MiB after >= 1,000,000 requests: $rss_mib MiB after $total  $(verdict "$rss_mib <= 60 && $total >= 1000000")"
