#!/usr/bin/env python3
"""Writes the Excel add-in's manifest for one deployment of qixian.

Usage: python3 clients/office/make-manifest.py https://qixian.intranet.example:8443 [--id GUID] > manifest.xml

manifest.xml beside this script names the placeholder https://qixian.example.internal:8443;
this replaces it with the service's own HTTPS address (scheme, host and port, where the
service serves the add-in's files under /addin/ and the API under /v1/). --id gives the
add-in an Id of its own, for a second deployment that must not replace the first in Excel
(a new one: python3 -c 'import uuid; print(uuid.uuid4())'). Excel loads add-ins only over
HTTPS, so an http:// address is refused.
"""

import argparse
import pathlib
import re
import sys
import uuid

PLACEHOLDER = "https://qixian.example.internal:8443"
TEMPLATE = pathlib.Path(__file__).with_name("manifest.xml")
ORIGIN = re.compile(r"^https://(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(:[0-9]{1,5})?$")


def manifest(base, addin_id=None):
    base = base.rstrip("/")
    if not ORIGIN.match(base):
        raise ValueError(
            f"{base!r} is not an https:// origin such as https://qixian.intranet.example:8443 "
            "(Excel loads add-ins only over HTTPS; no path: the files are under /addin/)"
        )
    text = TEMPLATE.read_text(encoding="utf-8")
    if PLACEHOLDER not in text:
        raise ValueError(f"{TEMPLATE} no longer names {PLACEHOLDER}")
    text = text.replace(PLACEHOLDER, base)
    if addin_id is not None:
        addin_id = str(uuid.UUID(addin_id))
        text, count = re.subn(r"<Id>[^<]*</Id>", f"<Id>{addin_id}</Id>", text, count=1)
        if count != 1:
            raise ValueError(f"{TEMPLATE} has no <Id>")
    return text


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("base", help="the service's HTTPS origin, e.g. https://qixian.intranet.example:8443")
    parser.add_argument("--id", help="the add-in's Id (a GUID) in this deployment")
    args = parser.parse_args(argv)
    try:
        sys.stdout.write(manifest(args.base, args.id))
    except ValueError as error:
        print(f"make-manifest.py: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
