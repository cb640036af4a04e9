# shellcheck shell=bash
# Sourced by scripts/hostile.sh (after its other attacks, with its harness: start_server,
# run_attack, stop_server, verdict); not run alone.
#
# 11 kept-versions   The history of versions as an attacker uses it: 50 versions made by
#                    operator reloads, found through /v1/changes (`since=0000000000000000`
#                    names the oldest, `since=<oldest>` lists all); then one recheck naming all
#                    50 x 3 calendars, twice; one naming 8 x 3; and 42 GET/s cycling
#                    `data_version=` for 15 s (scripts/hostile/versions.py). /healthz is probed
#                    every 0.25 s with the Deployment's probe timeout as the budget.
#                    Expected: <= 128 MiB; both big rechecks 413 naming the cap; the 8-version
#                    recheck 200; the cycling answered 200 or 503 with Retry-After; every
#                    probe answered within the budget.
begin "11 kept-versions"
probe_secs=$(awk '/timeoutSeconds:/ {print $2; exit}' "$root/deploy/kubernetes/base/deployment.yaml")
probe_secs=${probe_secs:-2}
dir=$work/holidays-versions
mkdir -p "$dir/cn-xj-kizilsu" "$work/state-versions"
start_server 18711 QIXIAN_STATE_DIR="$work/state-versions" QIXIAN_HOLIDAYS_DIR="$dir" \
  QIXIAN_ADMIN_TOKEN=hostile-versions-token
attacks=$root/scripts/hostile/versions.py run_attack 180 --port 18711 --holidays "$dir" \
  --token hostile-versions-token --versions 50 --rate 42 --secs 15 --probe-timeout "$probe_secs"
stop_server
verdict kept-versions
