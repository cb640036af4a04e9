#!/usr/bin/env python3
"""Hostile clients for scripts/hostile.sh (Python standard library only).

Each subcommand runs one attack against a qixian already listening on 127.0.0.1:<port> and
ends with one line `OUTCOME <1|0> <short text>`: 1 when the observable outcome is the expected
one. The caller (hostile.sh) starts and stops the server and reads its peak memory; this file
never starts or stops it. `bomb` only writes the gzip bomb file.
"""

import argparse
import asyncio
import concurrent.futures
import datetime as dt
import http.client
import json
import os
import select
import socket
import sys
import threading
import time
import zlib

HOST = "127.0.0.1"


def outcome(ok, text):
    print(f"OUTCOME {1 if ok else 0} {text}", flush=True)
    sys.exit(0)


def log(text):
    print(f"  {text}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------------------------
# Plain requests


def get(port, path, timeout=10.0):
    """GET `path`; (status, body, seconds), status None when no answer came."""
    start = time.monotonic()
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request("GET", path)
        resp = conn.getresponse()
        body = resp.read()
        return resp.status, body, time.monotonic() - start
    except (OSError, http.client.HTTPException) as e:
        return None, repr(e).encode(), time.monotonic() - start
    finally:
        conn.close()


def raw_exchange(port, head, body, timeout, rcvbuf=None):
    """Sends `head` and `body` on a fresh connection while reading whatever comes back, so that
    an answer sent before the body is taken (413, 415) is seen even if the server then stops
    reading or resets the connection. Returns (status or None, seconds, bytes of body sent,
    first bytes of the answer's body or the error)."""
    start = time.monotonic()
    deadline = start + timeout
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    if rcvbuf:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    out = memoryview(head + body)
    sent = 0
    got = bytearray()
    status = None
    err = ""
    try:
        sock.settimeout(timeout)
        sock.connect((HOST, port))
        sock.setblocking(False)
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                err = "timed out"
                break
            want_write = [sock] if sent < len(out) else []
            r, w, _ = select.select([sock], want_write, [], min(left, 1.0))
            if r:
                try:
                    data = sock.recv(65536)
                except (ConnectionResetError, BrokenPipeError) as e:
                    err = type(e).__name__
                    break
                if not data:
                    break
                got += data
                if status is None and b"\r\n" in got:
                    try:
                        status = int(got.split(b" ", 2)[1])
                    except (IndexError, ValueError):
                        status = -1
                if complete(got):
                    break
            if w:
                try:
                    sent += sock.send(out[sent:sent + 262144])
                except (BrokenPipeError, ConnectionResetError) as e:
                    err = type(e).__name__
                    # The server stopped taking the body; the answer may still be there.
                    sent = len(out)
    except OSError as e:
        err = repr(e)
    finally:
        sock.close()
    head_end = got.find(b"\r\n\r\n")
    text = bytes(got[head_end + 4:head_end + 300]) if head_end >= 0 else err.encode()
    return status, time.monotonic() - start, max(0, sent - len(head)), text


def complete(buf):
    """Whether `buf` holds a whole HTTP/1.1 answer with a Content-Length (or a chunked one)."""
    end = buf.find(b"\r\n\r\n")
    if end < 0:
        return False
    headers = bytes(buf[:end]).lower()
    for line in headers.split(b"\r\n"):
        if line.startswith(b"content-length:"):
            return len(buf) - end - 4 >= int(line.split(b":", 1)[1])
    if b"transfer-encoding: chunked" in headers:
        return buf.endswith(b"0\r\n\r\n")
    return False


def post_head(path, length, content_type="application/json", extra=""):
    return (f"POST {path} HTTP/1.1\r\nHost: {HOST}\r\nContent-Type: {content_type}\r\n"
            f"Content-Length: {length}\r\n{extra}\r\n").encode()


def statuses(results):
    counts = {}
    for r in results:
        counts[r[0]] = counts.get(r[0], 0) + 1
    return ", ".join(f"{n}x{s}" for s, n in sorted(counts.items(), key=lambda kv: str(kv[0])))


def at_once(n, fn):
    with concurrent.futures.ThreadPoolExecutor(n) as pool:
        start = time.monotonic()
        results = list(pool.map(lambda _: fn(), range(n)))
        return results, time.monotonic() - start


# --------------------------------------------------------------------------------------------
# 1. batch-items: a 2 MiB body of bare `1`s


def batch_items(args):
    limit = 2_097_152
    n = (limit - len(b'{"items":[]}') + 1) // 2
    body = b'{"items":[' + b"1," * (n - 1) + b"1]}"
    assert len(body) <= limit
    head = post_head("/v1/deadlines/batch", len(body))
    one = raw_exchange(args.port, head, body, 30)
    log(f"one: {one[0]} in {one[1]:.2f}s: {one[3][:160]!r}")
    many, took = at_once(8, lambda: raw_exchange(args.port, head, body, 60))
    log(f"8 at once: {statuses(many)} in {took:.2f}s")
    ok = one[0] == 413 and one[1] < 5 and all(r[0] == 413 for r in many)
    outcome(ok, f"{len(body)} B body with {n} items: 1x{one[0]} in {one[1]:.2f}s, "
                f"8 at once {statuses(many)} in {took:.2f}s")


# --------------------------------------------------------------------------------------------
# 2. gzip-bomb


def bomb(args):
    """Writes a gzip stream of `--inflated` zero bytes (a whole number of MiB). Each MiB is
    compressed (level 9) and flushed with Z_FULL_FLUSH, which byte-aligns the output and forgets
    the history: every MiB after the first compresses to the same bytes, so they are compressed
    once and written 2,047 times, with the CRC-32 and size of the whole in the trailer. A second
    instead of the half a minute of deflating 2 GiB (and 2.1 MB either way)."""
    if os.path.exists(args.out) and os.path.getsize(args.out) > 0:
        return
    comp = zlib.compressobj(9, zlib.DEFLATED, 31)
    zeros = bytes(1 << 20)
    first = comp.compress(zeros) + comp.flush(zlib.Z_FULL_FLUSH)
    piece = comp.compress(zeros) + comp.flush(zlib.Z_FULL_FLUSH)
    assert comp.compress(zeros) + comp.flush(zlib.Z_FULL_FLUSH) == piece
    mib = args.inflated >> 20
    assert mib >= 3 and args.inflated == mib << 20
    raw = zlib.compressobj(9, zlib.DEFLATED, -15)
    end = raw.flush(zlib.Z_FINISH)  # the last, empty block
    crc = 0
    for _ in range(mib):
        crc = zlib.crc32(zeros, crc)
    tmp = args.out + ".tmp"
    with open(tmp, "wb") as f:
        f.write(first)
        f.write(piece * (mib - 1))
        f.write(end + crc.to_bytes(4, "little") + (args.inflated % 2**32).to_bytes(4, "little"))
    os.replace(tmp, args.out)


def gzip_bomb(args):
    with open(args.bomb, "rb") as f:
        body = f.read()
    inflated = int.from_bytes(body[-4:], "little")  # ISIZE: the size modulo 2^32
    parts = []
    ok = True
    for path in ("/v1/deadlines/batch", "/v1/deadlines"):
        head = post_head(path, len(body), extra="Content-Encoding: gzip\r\n")
        one = raw_exchange(args.port, head, body, 30)
        log(f"{path}: one: {one[0]} in {one[1]:.2f}s ({one[2]} B of the body sent): {one[3][:200]!r}")
        many, took = at_once(16, lambda: raw_exchange(args.port, head, body, 60))
        log(f"{path}: 16 at once: {statuses(many)} in {took:.2f}s")
        ok = ok and one[0] == 415 and all(r[0] == 415 for r in many)
        parts.append(f"{path.rsplit('/', 1)[1]} 1x{one[0]}, 16 at once {statuses(many)}")
    outcome(ok, f"{len(body) / 1e6:.1f} MB gzip (inflates to {inflated / 2**30:.1f} GiB mod 4 GiB): "
                + "; ".join(parts))


# --------------------------------------------------------------------------------------------
# 3. cache: 400 distinct long ranges


def cache(args):
    first = dt.date(2001, 1, 1)
    ranges = []
    for i in range(args.count):
        start = first + dt.timedelta(days=17 * i)
        end = start + dt.timedelta(days=3640 + i % 10)  # 3,641 to 3,650 days, both ends in
        ranges.append(f"/v1/days?from={start}&to={end}")
    assert len(set(ranges)) == len(ranges)
    local = threading.local()

    def fetch(path):
        conn = getattr(local, "conn", None)
        if conn is None:
            conn = local.conn = http.client.HTTPConnection(HOST, args.port, timeout=30)
        try:
            conn.request("GET", path)
            resp = conn.getresponse()
            body = resp.read()
            return resp.status, len(body)
        except (OSError, http.client.HTTPException) as e:
            local.conn = None
            return repr(e), 0

    start = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(args.concurrency) as pool:
        results = list(pool.map(fetch, ranges))
    took = time.monotonic() - start
    total = sum(r[1] for r in results)
    ok200 = sum(1 for r in results if r[0] == 200)
    metrics = get(args.port, "/metrics")[1].decode(errors="replace")
    cache_lines = [l for l in metrics.splitlines() if "cache" in l and not l.startswith("#")]
    for line in cache_lines[:12]:
        log(line)
    outcome(ok200 == len(ranges),
            f"{ok200}/{len(ranges)} 200 in {took:.1f}s, {total / 2**20:.0f} MiB of answers "
            f"({total / len(ranges) / 1024:.0f} KiB each)")


# --------------------------------------------------------------------------------------------
# 4. stalled batch readers


def batch_body(items):
    item = b'{"rule":"countersign-reply","event":"2026-09-30"}'
    return b'{"items":[' + b",".join([item] * items) + b"]}"


def stalled(args):
    big = batch_body(10_000)
    big_head = post_head("/v1/deadlines/batch", len(big))
    small = batch_body(100)
    stop = threading.Event()
    attacks = {"sent": 0, "opened": 0}
    lock = threading.Lock()

    groups = -(-args.stalled // args.turns)  # connections per turn, rounded up
    t0 = time.monotonic()

    def attacker(slot):
        """Posts a 10,000-item batch on a fresh connection and never reads the answer, again
        and again on a schedule that knows the service's (documented) turn count and turn
        time: the first `turns` connections take every turn at once; the next `turns` queue
        for them a second later, so they get them when the first are taken back; each
        connection posts again 1 s after its turn is over, before the legitimate batches that
        were answered 503 meanwhile are sent again. Only then is the old connection closed,
        so that no turn is given back early."""
        group = slot // args.turns
        send_at = group * 1.0
        grant = group * args.turn_secs
        sock = None
        while not stop.is_set():
            if stop.wait(max(0.0, t0 + send_at - time.monotonic())):
                break
            if sock is not None:
                sock.close()
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            try:
                sock.settimeout(args.turn_secs + 5)
                # The attackers come from addresses of their own (another host than the office
                # systems sending the legitimate batches), one or several of them.
                sock.bind((args.attackers_from[slot % len(args.attackers_from)], 0))
                sock.connect((HOST, args.port))
                with lock:
                    attacks["opened"] += 1
                sock.sendall(big_head + big)
                with lock:
                    attacks["sent"] += 1
            except OSError:
                pass
            if not args.sustained:
                stop.wait()
                break
            grant = max(send_at, grant)
            send_at = grant + args.turn_secs + 1
            grant += groups * args.turn_secs
        if sock is not None:
            sock.close()

    local = threading.local()

    def legit(cap):
        if time.monotonic() > cap:
            return f"not sent within {args.cap_secs:.0f}s", 0.0
        conn = getattr(local, "conn", None)
        if conn is None:
            conn = local.conn = http.client.HTTPConnection(HOST, args.port, timeout=args.turn_secs + 15)
        t0 = time.monotonic()
        try:
            conn.request("POST", "/v1/deadlines/batch", small, {"Content-Type": "application/json"})
            resp = conn.getresponse()
            body = resp.read()
            if resp.status == 200 and body.count(b'"ok":true') != 100:
                return "200 short", time.monotonic() - t0
            if resp.will_close:
                local.conn = None
            return resp.status, time.monotonic() - t0
        except (OSError, http.client.HTTPException) as e:
            local.conn = None
            return type(e).__name__, time.monotonic() - t0

    def legit_run():
        start = time.monotonic()
        cap = start + args.cap_secs
        with concurrent.futures.ThreadPoolExecutor(args.concurrency) as pool:
            results = list(pool.map(legit, [cap] * args.legit))
        return results, time.monotonic() - start

    base, base_took = legit_run()
    log(f"without the attack: {statuses(base)} in {base_took:.2f}s")
    local.__dict__.clear()
    threads = [threading.Thread(target=attacker, args=(i,), daemon=True) for i in range(args.stalled)]
    for t in threads:
        t.start()
    # Let the attackers take their turns first.
    time.sleep(2)
    log(f"attackers: {attacks['opened']} connections, {attacks['sent']} batches fully sent")
    results, took = legit_run()
    stop.set()
    n200 = sum(1 for r in results if r[0] == 200)
    n503 = sum(1 for r in results if r[0] == 503)
    other = [r for r in results if r[0] not in (200, 503)]
    answered = sorted(r[1] for r in results if r[0] in (200, 503))
    slowest = answered[-1] if answered else 0
    median = answered[len(answered) // 2] if answered else 0
    log(f"legit: {statuses(results)}; median {median:.1f}s, slowest {slowest:.1f}s; attackers sent "
        f"{attacks['sent']} batches on {attacks['opened']} connections")
    # Readers spread over many hosts can take every turn whatever the service does (the defence
    # is a limit per address at the ingress); there, what is judged is that the service stays
    # within its memory and keeps answering, and the legitimate batches' fate is reported.
    ok = (n503 <= 0.05 * len(results) and not other) or not args.judge_legit
    outcome(ok, f"{args.stalled} stalled readers ({attacks['sent']} stalled batches), {len(results)} legit: "
                f"{n200}x200 {n503}x503" + (f" {statuses(other)}" if other else "")
                + f" in {took:.1f}s (median {median:.1f}s, slowest {slowest:.1f}s; "
                f"without the attack {base_took:.1f}s)")


# --------------------------------------------------------------------------------------------
# 5. idle connections


def connections(args):
    async def run():
        sem = asyncio.Semaphore(args.parallel_connects)
        state = {"open": 0, "failed": 0, "closed": 0, "timeout": 0}
        writers = []
        hold = asyncio.Event()

        async def one():
            async with sem:
                try:
                    reader, writer = await asyncio.wait_for(
                        asyncio.open_connection(HOST, args.port, local_addr=(args.source, 0)),
                        args.connect_timeout)
                except asyncio.TimeoutError:
                    state["timeout"] += 1
                    return
                except OSError:
                    state["failed"] += 1
                    return
            state["open"] += 1
            writers.append(writer)
            try:
                read = asyncio.ensure_future(reader.read(65536))
                done, _ = await asyncio.wait([read, asyncio.ensure_future(hold.wait())],
                                             return_when=asyncio.FIRST_COMPLETED)
                if read in done:
                    state["closed"] += 1
                else:
                    read.cancel()
            except OSError:
                state["closed"] += 1

        loop = asyncio.get_running_loop()
        probes = []

        async def probe():
            result = await loop.run_in_executor(None, get, args.port, "/healthz", args.probe_timeout)
            probes.append(result + (dict(state),))

        start = time.monotonic()
        tasks = [asyncio.ensure_future(one()) for _ in range(args.count)]
        # Probe /healthz every second while the connections are being opened (each probe on a
        # connection of its own, queued like the others), for at most connect_timeout + 5 s.
        t_end = start + args.connect_timeout + 5
        while time.monotonic() < t_end:
            if state["open"] + state["failed"] + state["timeout"] >= args.count:
                break
            await asyncio.gather(probe(), asyncio.sleep(1))
        opened_at = time.monotonic() - start
        log(f"after {opened_at:.1f}s: {state}")
        for _ in range(3):
            await asyncio.gather(probe(), asyncio.sleep(1))
        for p in probes:
            log(f"probe: {p[0]} in {p[2]:.2f}s with {p[3]}")
        peak_open = max(p[3]["open"] - p[3]["closed"] for p in probes)
        hold.set()
        for w in writers:
            w.close()
        await asyncio.gather(*tasks, return_exceptions=True)
        return state, probes, opened_at, peak_open

    state, probes, opened_at, peak_open = asyncio.run(run())
    good = sum(1 for p in probes if p[0] == 200)
    slow = max(p[2] for p in probes)
    outcome(good == len(probes), f"{state['open']}/{args.count} opened in {opened_at:.0f}s "
                f"({state['timeout']} timed out, {state['failed']} failed; idle ones closed by the server, "
                f"at most {peak_open} open at a probe); /healthz {good}/{len(probes)} 200 while they were opened, slowest {slow:.2f}s")


# --------------------------------------------------------------------------------------------
# 6, 7. hostile feed: wait for the start-up poll, then read the feed's status


def size(n):
    return f"{n / 2**20:.1f} MiB" if n >= 2**20 else f"{n / 1024:.0f} KiB" if n >= 1024 else f"{n} B"


def feed(args):
    start = time.monotonic()
    status = None
    took = 0.0
    while time.monotonic() - start < args.wait_secs:
        code, body, _ = get(args.port, "/v1/calendars/cn", 5)
        if code == 200:
            status = json.loads(body)["feed"]
            if status.get("last_tried"):
                break
        time.sleep(0.1)
    # From the service's start (--started-at, epoch seconds) to the poll's end.
    took = time.time() - args.started_at
    health = get(args.port, "/healthz", 5)
    served = ""
    # The fake feed notes a request when it sees the client gone: give it a moment.
    for _ in range(30):
        if os.path.exists(args.feed_log) and sum(1 for _ in open(args.feed_log)) >= 2:
            break
        time.sleep(0.1)
    if os.path.exists(args.feed_log):
        with open(args.feed_log) as f:
            lines = [json.loads(l) for l in f if l.strip()]
        for l in lines:
            log(f"feed served {l}")
        served = ", ".join(f"{l['path']} {size(l['sent'])} sent" for l in lines)
    if not status or not status.get("last_tried"):
        outcome(False, f"no poll after {took:.0f}s; /healthz {health[0]}")
    log(f"feed status: {json.dumps(status, ensure_ascii=False)[:600]}")
    lines = status.get("last_outcome") or []
    refused = bool(lines) and all("refused" in l and "larger than" in l for l in lines)
    ok = refused and health[0] == 200 and took <= args.quick_secs
    outcome(ok, f"poll done {took:.1f}s after start: {'; '.join(lines)}; /healthz {health[0]}"
                + (f"; feed {served}" if served else ""))


# --------------------------------------------------------------------------------------------
# 8, 9. operator files


def operator(args):
    code, body, _ = get(args.port, "/v1/calendars/cn-xj-kizilsu", 5)
    if code != 200:
        outcome(False, f"GET /v1/calendars/cn-xj-kizilsu: {code}")
    op = json.loads(body)["operator"]
    log(f"operator: {json.dumps(op, ensure_ascii=False)}")
    refused = op.get("refused") or []
    missing = [n for n in args.expect if not any(r.startswith(f"cn-xj-kizilsu/{n}:") for r in refused)]
    ok = not missing and args.start_secs <= args.start_limit
    short = "; ".join(refused)
    outcome(ok, (f"started in {args.start_secs:.2f}s; " if args.start_secs else "")
            + (f"refused: {short}" if refused else "nothing refused")
            + (f"; NOT refused: {', '.join(missing)}" if missing else ""))


# --------------------------------------------------------------------------------------------
# 10. slowloris


def slowloris(args):
    head = (f"GET /healthz HTTP/1.1\r\nHost: {HOST}\r\nX-Slow: " + "a" * 4096).encode()

    async def run():
        state = {"connections": 0, "cut": 0, "bytes": 0}
        end = time.monotonic() + args.secs

        async def loris():
            while time.monotonic() < end:
                try:
                    reader, writer = await asyncio.wait_for(asyncio.open_connection(HOST, args.port), 5)
                except (OSError, asyncio.TimeoutError):
                    await asyncio.sleep(1)
                    continue
                state["connections"] += 1
                try:
                    for b in head:
                        if time.monotonic() >= end:
                            break
                        writer.write(bytes([b]))
                        await writer.drain()
                        state["bytes"] += 1
                        await asyncio.sleep(1)
                        if reader.at_eof() or writer.is_closing():
                            break
                    else:
                        pass
                except OSError:
                    pass
                if time.monotonic() < end:
                    state["cut"] += 1
                writer.close()

        loop = asyncio.get_running_loop()
        tasks = [asyncio.ensure_future(loris()) for _ in range(args.count)]
        await asyncio.sleep(1)
        probes = []
        while time.monotonic() < end:
            probes.append(await loop.run_in_executor(None, get, args.port, "/healthz", 5))
            await asyncio.sleep(0.5)
        await asyncio.gather(*tasks, return_exceptions=True)
        return state, probes

    state, probes = asyncio.run(run())
    good = sum(1 for p in probes if p[0] == 200 and p[2] <= 1.0)
    slow = max(p[2] for p in probes)
    log(f"{state}; probes {[(p[0], round(p[2], 3)) for p in probes]}")
    outcome(good == len(probes) and probes,
            f"{args.count} slow heads ({state['connections']} connections, {state['cut']} cut by the "
            f"server): /healthz {good}/{len(probes)} 200 within 1s, slowest {slow:.3f}s")


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("batch-items"); s.add_argument("--port", type=int, required=True)
    s = sub.add_parser("bomb"); s.add_argument("--out", required=True)
    s.add_argument("--inflated", type=int, default=2 << 30)
    s = sub.add_parser("gzip-bomb"); s.add_argument("--port", type=int, required=True)
    s.add_argument("--bomb", required=True)
    s = sub.add_parser("cache"); s.add_argument("--port", type=int, required=True)
    s.add_argument("--count", type=int, default=400); s.add_argument("--concurrency", type=int, default=4)
    s = sub.add_parser("stalled"); s.add_argument("--port", type=int, required=True)
    s.add_argument("--stalled", type=int, default=8); s.add_argument("--legit", type=int, default=500)
    s.add_argument("--concurrency", type=int, default=16); s.add_argument("--turn-secs", type=float, default=30)
    s.add_argument("--cap-secs", type=float, default=45)
    s.add_argument("--turns", type=int, default=8, help="the service's QIXIAN_MAX_CONCURRENT_BATCHES")
    s.add_argument("--sustained", action=argparse.BooleanOptionalAction, default=True)
    s.add_argument("--judge-legit", action=argparse.BooleanOptionalAction, default=True)
    s.add_argument("--attackers-from", type=lambda v: v.split(","), default=["127.0.0.2"],
                   help="comma-separated loopback source addresses of the stalled readers")
    s = sub.add_parser("connections"); s.add_argument("--port", type=int, required=True)
    s.add_argument("--count", type=int, default=19_400); s.add_argument("--connect-timeout", type=float, default=15)
    s.add_argument("--parallel-connects", type=int, default=2000); s.add_argument("--probe-timeout", type=float, default=10)
    s.add_argument("--source", default=HOST)
    s = sub.add_parser("feed"); s.add_argument("--port", type=int, required=True)
    s.add_argument("--feed-log", required=True); s.add_argument("--wait-secs", type=float, default=40)
    s.add_argument("--quick-secs", type=float, default=40)
    s.add_argument("--started-at", type=float, required=True)
    s = sub.add_parser("operator"); s.add_argument("--port", type=int, required=True)
    s.add_argument("--expect", nargs="+", required=True); s.add_argument("--start-secs", type=float, default=0)
    s.add_argument("--start-limit", type=float, default=5)
    s = sub.add_parser("slowloris"); s.add_argument("--port", type=int, required=True)
    s.add_argument("--count", type=int, default=500); s.add_argument("--secs", type=float, default=20)
    args = p.parse_args()
    {"batch-items": batch_items, "bomb": bomb, "gzip-bomb": gzip_bomb, "cache": cache,
     "stalled": stalled, "connections": connections, "feed": feed, "operator": operator,
     "slowloris": slowloris}[args.cmd](args)


if __name__ == "__main__":
    main()
