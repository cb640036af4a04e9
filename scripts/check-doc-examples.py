#!/usr/bin/env python3
"""Runs the console examples of Markdown files against a running qixian and compares outputs.

Usage: check-doc-examples.py BASE_URL FILE.md [FILE.md ...] [--allow-none]

An example lives in a fenced ```console block: a line starting with `$ ` is a command (a line
ending with a backslash continues on the next), and the lines after it, up to the next `$ `
line or the closing fence, are exactly what it prints. Each command has
`http://127.0.0.1:8080` replaced by BASE_URL and is run with bash; its standard output must
equal the expected lines. Two things are normalised, because Markdown cannot show them: CRLF
line ends (CSV and iCalendar answers) compare as LF, and a missing final newline (a
`format=text` answer is the bare value) is the same as one.

This script starts nothing. It prints one line per example, then `N passed, M failed` as its
last line, and exits non-zero when an example failed, or when the files hold no example at all
(unless --allow-none).
"""

import os
import re
import subprocess
import sys
import tempfile

DOC_BASE = "http://127.0.0.1:8080"
TIMEOUT_SECONDS = 30
FENCE = re.compile(r"^(```+|~~~+)\s*(\S*)")


def examples(path):
    """Yields (line number, command, expected output) for every console example in `path`."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    in_console, fence = False, None
    command, start, expected = None, 0, []
    for number, line in enumerate(lines, start=1):
        opening = FENCE.match(line)
        if not in_console:
            if opening and opening.group(2) == "console":
                in_console, fence = True, opening.group(1)
            continue
        if line.startswith(fence) and line.strip() == fence:
            if command is not None:
                yield start, command, expected
            in_console, command, expected = False, None, []
            continue
        if command is not None and command.endswith("\\") and not expected:
            command = command[:-1] + "\n" + line
            continue
        if line.startswith("$ "):
            if command is not None:
                yield start, command, expected
            command, start, expected = line[2:], number, []
        elif command is not None:
            expected.append(line)
    if in_console:
        raise SystemExit(f"{path}: a console block is not closed")


def run(command, base_url, workdir):
    env = dict(os.environ)
    # The service is on this machine: no proxy may reroute the requests.
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        env.pop(name, None)
    env["no_proxy"] = env["NO_PROXY"] = "127.0.0.1,localhost"
    result = subprocess.run(
        ["bash", "-o", "pipefail", "-c", command.replace(DOC_BASE, base_url)],
        capture_output=True,
        timeout=TIMEOUT_SECONDS,
        env=env,
        cwd=workdir,
        check=False,
    )
    output = result.stdout.decode("utf-8", errors="replace").replace("\r\n", "\n")
    return output, result.returncode, result.stderr.decode("utf-8", errors="replace")


def main(argv):
    allow_none = "--allow-none" in argv
    args = [a for a in argv if a != "--allow-none"]
    if len(args) < 2:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    base_url, files = args[0].rstrip("/"), args[1:]
    passed = failed = 0
    # Commands run in an empty directory of their own: an example that saves a file leaves
    # nothing in the checkout.
    workdir = tempfile.TemporaryDirectory(prefix="qixian-doc-examples-")
    for path in files:
        for number, command, expected in examples(path):
            want = "\n".join(expected).rstrip("\n")
            try:
                output, code, stderr = run(command, base_url, workdir.name)
                got = output.rstrip("\n")
                ok = got == want and code == 0
            except subprocess.TimeoutExpired:
                got, code, stderr, ok = "", -1, f"timed out after {TIMEOUT_SECONDS} s", False
            first = command.splitlines()[0]
            if ok:
                passed += 1
                print(f"ok   {path}:{number}: {first}")
            else:
                failed += 1
                print(f"FAIL {path}:{number}: {first}")
                print(f"     exit status {code}")
                print("     expected:")
                print("".join(f"       | {l}\n" for l in want.split("\n")), end="")
                print("     got:")
                print("".join(f"       | {l}\n" for l in got.split("\n")), end="")
                if stderr.strip():
                    print(f"     stderr: {stderr.strip()}")
    if passed + failed == 0 and not allow_none:
        print(f"no console examples found in {', '.join(files)}")
        failed = 1
    workdir.cleanup()
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
