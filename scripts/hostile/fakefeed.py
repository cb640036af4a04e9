#!/usr/bin/env python3
"""A hostile holiday feed for scripts/hostile.sh (Python standard library only), on loopback.

GET /<year>.json answers 200 with a body that starts `{"year":` and goes on with spaces for
4 GiB (never valid JSON):
  --mode chunked  Transfer-Encoding: chunked, no Content-Length, sent as fast as it is read;
  --mode length   Content-Length: 4294967296 announced, the body then trickled at 256 KiB/s
                  (so a client that read it up to 1 MiB would take 4 s, and one that read it
                  all, hours).
Each request that ends (the client went away, or all was sent) appends one JSON line to --log:
path, bytes of body sent, seconds, how it ended.
"""

import argparse
import http.server
import json
import threading
import time

TOTAL = 4 << 30
PIECE = 64 << 10


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        start = time.monotonic()
        sent = 0
        ended = "all sent"
        try:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            if self.server.mode == "chunked":
                self.send_header("Transfer-Encoding", "chunked")
            else:
                self.send_header("Content-Length", str(TOTAL))
            self.send_header("Connection", "close")
            self.end_headers()
            first = b'{"year":'
            spaces = b" " * PIECE
            piece = first
            while sent < TOTAL:
                piece = piece[:TOTAL - sent]
                if self.server.mode == "chunked":
                    self.wfile.write(b"%x\r\n" % len(piece) + piece + b"\r\n")
                else:
                    self.wfile.write(piece)
                    time.sleep(0.25)
                sent += len(piece)
                piece = spaces
                if time.monotonic() - start > self.server.max_secs:
                    ended = "feed gave up"
                    break
            if self.server.mode == "chunked" and sent >= TOTAL:
                self.wfile.write(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError) as e:
            ended = f"client went away ({type(e).__name__})"
        self.close_connection = True
        with self.server.lock, open(self.server.log, "a") as f:
            f.write(json.dumps({"path": self.path, "sent": sent,
                                "secs": round(time.monotonic() - start, 2), "ended": ended}) + "\n")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--mode", choices=["chunked", "length"], required=True)
    p.add_argument("--log", required=True)
    p.add_argument("--max-secs", type=float, default=60)
    args = p.parse_args()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    server.mode, server.log, server.max_secs, server.lock = args.mode, args.log, args.max_secs, threading.Lock()
    server.serve_forever()


if __name__ == "__main__":
    main()
