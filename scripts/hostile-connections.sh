# shellcheck shell=bash
# Connection attacks (issue 22, items 2 and 9), sourced by scripts/hostile.sh after its own
# attacks: it uses that script's helpers (start_server, run_attack, stop_server, verdict) and
# adds its lines to the same table. Needs openssl for a throw-away certificate.
#
# The attacks (clients in scripts/hostile/connections.py), each socket re-opened as soon as the
# server cuts it, for 20 s, while /healthz is probed every 0.5 s from 127.0.0.1 (the kubelet's
# address, not the attacker's) with 2 s for the whole exchange — the Deployment's probe timeout:
# 11 tls-handshakes-1000   With QIXIAN_TLS_*: 1,000 connections from 127.0.0.2 that never send
#                     a ClientHello. Expected: every HTTPS probe 200 within 2 s.
# 12 idle-6000-one-address   6,000 idle connections from 127.0.0.2. Expected: every probe 200
#                     within 2 s (one address holds QIXIAN_MAX_CONNECTIONS_PER_ADDRESS).
# 13 idle-6000-many-addresses   The same from 24 addresses (250 each, under the per-address cap,
#                     6,000 in all against QIXIAN_MAX_CONNECTIONS=4096). Expected: every probe
#                     200 within 2 s (each idle connection is cut after the first-request
#                     timeout, so slots come free faster than the probe's turn).

connections_py=$root/scripts/hostile/connections.py
kept_attacks=$attacks
attacks=$connections_py # run_attack runs "$attacks"

begin "11 tls-handshakes-1000"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 \
  -subj /CN=127.0.0.1 -keyout "$work/tls-key.pem" -out "$work/tls-cert.pem" >/dev/null 2>&1
start_server 18731 QIXIAN_TLS_CERT="$work/tls-cert.pem" QIXIAN_TLS_KEY="$work/tls-key.pem"
for _ in $(seq 100); do curl -skf --max-time 1 https://127.0.0.1:18731/healthz >/dev/null && break; sleep 0.1; done
run_attack 60 hold --port 18731 --tls --count 1000 --sources 127.0.0.2 --secs 20 --probe-timeout 2
stop_server
verdict tls-handshakes-1000

begin "12 idle-6000-one-address"
start_server 18732
run_attack 60 hold --port 18732 --count 6000 --sources 127.0.0.2 --secs 20 --probe-timeout 2
stop_server
verdict idle-6000-one-address

begin "13 idle-6000-many-addresses"
many24=$(python3 -c "print(','.join(f'127.0.1.{i}' for i in range(1, 25)))")
start_server 18733
run_attack 60 hold --port 18733 --count 6000 --sources "$many24" --secs 20 --probe-timeout 2
stop_server
verdict idle-6000-many-addresses

attacks=$kept_attacks
