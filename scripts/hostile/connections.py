#!/usr/bin/env python3
"""Connection attacks for scripts/hostile-connections.sh (Python standard library only).

`hold`: N sockets that connect and send nothing — to an HTTPS port they are handshakes that
never send a ClientHello, to an HTTP port idle connections — each re-opened as soon as the
server cuts it, from the given source addresses (127.0.0.2, ...: the probe's own address,
127.0.0.1, is the kubelet's, not the attacker's). Meanwhile /healthz is probed every
`--probe-every` seconds, each probe on a connection of its own with `--probe-timeout` seconds
(the Deployment's liveness timeout) for the whole exchange. Ends with one line
`OUTCOME <1|0> <short text>`: 1 when every probe answered 200 within its budget.
"""

import argparse
import asyncio
import http.client
import socket
import ssl
import time

# The host and the way an attack reports, shared with the other attacks (run from this folder).
from attacks import HOST, log, outcome  # noqa: E402


def probe_once(port, tls, timeout):
    """GET /healthz on a fresh connection; (status or None, seconds)."""
    start = time.monotonic()
    if tls:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        conn = http.client.HTTPSConnection(HOST, port, timeout=timeout, context=context)
    else:
        conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request("GET", "/healthz")
        resp = conn.getresponse()
        resp.read()
        status = resp.status
    except (OSError, http.client.HTTPException):
        status = None
    finally:
        conn.close()
    return status, time.monotonic() - start


def hold(args):
    sources = args.sources.split(",")

    async def run():
        state = {"connected": 0, "cut": 0, "refused": 0, "open": 0, "peak_open": 0}
        stop = asyncio.Event()
        sem = asyncio.Semaphore(args.parallel_connects)

        async def one(i):
            source = sources[i % len(sources)]
            while not stop.is_set():
                try:
                    async with sem:
                        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                        sock.setblocking(False)
                        sock.bind((source, 0))
                        await asyncio.wait_for(
                            asyncio.get_running_loop().sock_connect(sock, (HOST, args.port)), 5)
                    reader, writer = await asyncio.open_connection(sock=sock)
                except (OSError, asyncio.TimeoutError):
                    state["refused"] += 1
                    await asyncio.sleep(0.05)
                    continue
                state["connected"] += 1
                state["open"] += 1
                state["peak_open"] = max(state["peak_open"], state["open"])
                read = asyncio.ensure_future(reader.read(65536))
                halt = asyncio.ensure_future(stop.wait())
                done, _ = await asyncio.wait([read, halt], return_when=asyncio.FIRST_COMPLETED)
                state["open"] -= 1
                if read in done:
                    state["cut"] += 1
                else:
                    read.cancel()
                halt.cancel()
                writer.close()

        loop = asyncio.get_running_loop()
        tasks = [asyncio.ensure_future(one(i)) for i in range(args.count)]
        probes = []
        start = time.monotonic()
        while time.monotonic() - start < args.secs:
            began = time.monotonic()
            status, secs = await loop.run_in_executor(
                None, probe_once, args.port, args.tls, args.probe_timeout)
            probes.append((status, secs, state["open"]))
            await asyncio.sleep(max(0, args.probe_every - (time.monotonic() - began)))
        stop.set()
        await asyncio.gather(*tasks, return_exceptions=True)
        return state, probes

    state, probes = asyncio.run(run())
    good = [p for p in probes if p[0] == 200 and p[1] <= args.probe_timeout]
    slowest = max(p[1] for p in probes)
    ordered = sorted(p[1] for p in probes)
    p50 = ordered[len(ordered) // 2]
    log(f"{state}; probes (status, s, attacker sockets open): "
        f"{[(p[0], round(p[1], 3), p[2]) for p in probes]}")
    what = "handshakes that never send a ClientHello" if args.tls else "idle connections"
    outcome(len(good) == len(probes) and probes,
            f"{args.count} {what} from {len(sources)} address(es), re-opened when cut "
            f"({state['connected']} opened, {state['cut']} cut by the server, at most "
            f"{state['peak_open']} open at once): /healthz {len(good)}/{len(probes)} 200 within "
            f"{args.probe_timeout:g}s, median {p50:.3f}s, slowest {slowest:.3f}s")


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    sub = parser.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("hold")
    s.add_argument("--port", type=int, required=True)
    s.add_argument("--count", type=int, required=True)
    s.add_argument("--sources", default="127.0.0.2")
    s.add_argument("--tls", action="store_true")
    s.add_argument("--secs", type=float, default=20)
    s.add_argument("--probe-every", type=float, default=0.5)
    s.add_argument("--probe-timeout", type=float, default=2)
    s.add_argument("--parallel-connects", type=int, default=500)
    args = parser.parse_args()
    {"hold": hold}[args.cmd](args)


if __name__ == "__main__":
    main()
