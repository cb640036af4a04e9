#!/usr/bin/env python3
"""The kept-versions attack for scripts/hostile-versions.sh (Python standard library only).

Against a qixian on 127.0.0.1:<port> with QIXIAN_STATE_DIR, QIXIAN_HOLIDAYS_DIR and an admin
token: makes --versions versions by reloading an operator file, finds them as an attacker
would (`/v1/changes?since=0000000000000000` names the oldest, `?since=<oldest>` lists all),
then, while /healthz is probed every 0.25 s with the Deployment's probe timeout:
  1. POST /v1/deadlines/recheck naming every version x 3 calendars, twice (expected: 413,
     naming the cap, at once);
  2. a recheck naming 8 versions x 3 calendars (expected: 200, or 503 with Retry-After);
  3. --rate GET/s cycling `data_version=` through every version for --secs seconds
     (expected: 200 or 503 with Retry-After; nothing else, nothing unanswered).
Ends with `OUTCOME <1|0> <text>`, as scripts/hostile/attacks.py does.
"""

import argparse
import datetime as dt
import http.client
import json
import os
import sys
import threading
import time

HOST = "127.0.0.1"
NONE_KEPT = "0000000000000000"
CALENDARS = ["cn", "cn-xj", "cn-xj-kizilsu"]


def log(text):
    print(f"  {text}", file=sys.stderr, flush=True)


def request(port, method, path, body=None, headers=None, timeout=30.0):
    """(status or None, headers, body, seconds)."""
    start = time.monotonic()
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        data = resp.read()
        return resp.status, dict(resp.getheaders()), data, time.monotonic() - start
    except (OSError, http.client.HTTPException) as e:
        return None, {}, repr(e).encode(), time.monotonic() - start
    finally:
        conn.close()


def make_versions(args):
    layer = os.path.join(args.holidays, "cn-xj-kizilsu")
    os.makedirs(layer, exist_ok=True)
    first = dt.date(2027, 3, 1)
    for i in range(args.versions):
        day = first + dt.timedelta(days=i)
        notice = {"year": 2027, "papers": ["hostile test"], "days": [
            {"name": "州庆", "date": day.isoformat(), "isOffDay": True, "source": "hostile test"}]}
        with open(os.path.join(layer, "2027.json"), "w", encoding="utf-8") as f:
            json.dump(notice, f, ensure_ascii=False)
        status, _, body, _ = request(args.port, "POST", "/v1/admin/reload",
                                     headers={"Authorization": f"Bearer {args.token}"})
        if status != 200:
            raise SystemExit(f"reload {i} answered {status}: {body[:200]!r}")


def find_versions(port):
    status, _, body, _ = request(port, "GET", f"/v1/changes?since={NONE_KEPT}")
    oldest = json.loads(body)["detail"].rsplit(" ", 1)[-1] if status == 410 else None
    status, _, body, _ = request(port, "GET", f"/v1/changes?since={oldest}&calendar=cn")
    if status != 200:
        raise SystemExit(f"/v1/changes?since={oldest} answered {status}: {body[:200]!r}")
    return [v["data_version"] for v in json.loads(body)["versions"]]


class Prober(threading.Thread):
    def __init__(self, port, budget):
        super().__init__(daemon=True)
        self.port, self.budget = port, budget
        self.stop = threading.Event()
        self.count, self.missed, self.worst = 0, 0, 0.0

    def run(self):
        while not self.stop.is_set():
            status, _, _, secs = request(self.port, "GET", "/healthz", timeout=self.budget)
            self.count += 1
            self.worst = max(self.worst, secs)
            if status != 200 or secs > self.budget:
                self.missed += 1
            self.stop.wait(0.25)


def recheck(port, versions):
    items = [{"request": {"rule": "countersign-reply", "event": "2027-07-12", "calendar": c},
              "due_date": "2027-07-21", "data_version": v}
             for c in CALENDARS for v in versions]
    body = json.dumps({"items": items}).encode()
    return request(port, "POST", "/v1/deadlines/recheck?lang=en", body=body,
                   headers={"Content-Type": "application/json"}, timeout=60)


def cycle(port, versions, rate, secs):
    counts, worst = {}, 0.0
    lock = threading.Lock()
    end = time.monotonic() + secs
    period = 4 / rate  # four senders

    def sender(k):
        nonlocal worst
        i = k
        next_at = time.monotonic()
        while time.monotonic() < end:
            v = versions[i % len(versions)]
            i += 4
            status, headers, _, took = request(
                port, "GET", f"/v1/workdays/add?start=2027-07-12&days=3&calendar=cn-xj-kizilsu&data_version={v}",
                timeout=10)
            key = str(status)
            if status == 503 and "Retry-After" not in headers and "retry-after" not in headers:
                key = "503-without-retry-after"
            with lock:
                counts[key] = counts.get(key, 0) + 1
                worst = max(worst, took)
            next_at += period
            time.sleep(max(0.0, next_at - time.monotonic()))

    threads = [threading.Thread(target=sender, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return counts, worst


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--holidays", required=True)
    p.add_argument("--token", required=True)
    p.add_argument("--versions", type=int, default=50)
    p.add_argument("--rate", type=float, default=42)
    p.add_argument("--secs", type=float, default=15)
    p.add_argument("--probe-timeout", type=float, default=2.0)
    args = p.parse_args()

    make_versions(args)
    kept = [v for v in find_versions(args.port)]
    log(f"{len(kept)} versions found through /v1/changes")
    old = kept[:-1]  # every one but the version in force
    prober = Prober(args.port, args.probe_timeout)
    prober.start()
    problems = []
    for attempt in (1, 2):
        status, headers, body, took = recheck(args.port, old)
        log(f"recheck {attempt} of {len(old)} versions x 3 calendars: {status} in {took:.2f} s: {body[:240].decode(errors='replace')}")
        if status != 413:
            problems.append(f"recheck {attempt} answered {status}")
    status, headers, body, took = recheck(args.port, old[:8])
    log(f"recheck of 8 versions x 3 calendars: {status} in {took:.2f} s")
    if not (status == 200 or (status == 503 and "Retry-After" in headers)):
        problems.append(f"the 8-version recheck answered {status}")
    counts, worst = cycle(args.port, old, args.rate, args.secs)
    log(f"data_version= cycling at {args.rate}/s for {args.secs} s: {counts}, slowest {worst:.2f} s")
    if set(counts) - {"200", "503"}:
        problems.append(f"cycling answered {counts}")
    prober.stop.set()
    prober.join()
    log(f"/healthz probes: {prober.count}, over {args.probe_timeout} s or failed: {prober.missed}, slowest {prober.worst:.3f} s")
    if prober.missed:
        problems.append(f"{prober.missed} of {prober.count} probes missed {args.probe_timeout} s")
    text = (f"recheck 413 x2; cycling {counts}; probes {prober.count - prober.missed}/{prober.count} "
            f"within {args.probe_timeout:g} s (slowest {prober.worst:.2f} s)")
    ok = not problems
    print(f"OUTCOME {1 if ok else 0} {text if ok else '; '.join(problems)}", flush=True)


if __name__ == "__main__":
    main()
