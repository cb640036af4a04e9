#!/usr/bin/env python3
"""Serves a folder over HTTPS on 127.0.0.1, for the browser tests of the Excel add-in.

Usage: https_static.py PORT FOLDER CERT KEY

Excel loads add-ins only over HTTPS, so the test serves them that way too, with a throwaway
self-signed certificate that the browser is told to accept. Nothing is cached.
"""

import functools
import http.server
import ssl
import sys


class Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".js": "text/javascript; charset=utf-8",
        ".json": "application/json",
        ".html": "text/html; charset=utf-8",
        ".xml": "application/xml",
    }

    def end_headers(self):
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, format, *args):  # one line per request, on stderr
        sys.stderr.write("%s %s\n" % (self.address_string(), format % args))


def main(argv):
    port, folder, cert, key = int(argv[0]), argv[1], argv[2], argv[3]
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", port), functools.partial(Handler, directory=folder)
    )
    server.socket = context.wrap_socket(server.socket, server_side=True)
    server.serve_forever()


if __name__ == "__main__":
    main(sys.argv[1:])
