#!/usr/bin/env python3
"""Writes the page that headless Chromium loads to check the browser recipe of the docs.

Usage: browser_page.py DOC.md BASE_URL OUT.html

The page embeds the first ```js block of DOC.md as it is (with `http://127.0.0.1:8080` replaced
by BASE_URL), calls its `dueDate("countersign-reply", "2026-09-30", "cn-xj-kizilsu")`, and writes the
outcome into <pre id="result">: `due 2026-10-15` on success, `error …` when the call failed
(as it must when the service does not allow the page's origin). A second fetch writes into
<pre id="headers"> whether the X-Data-Version response header is readable (exposed by CORS).
Served from another origin than the service, it exercises CORS in a real browser.
"""

import html
import re
import sys

DOC_BASE = "http://127.0.0.1:8080"


def first_js_block(path):
    with open(path, encoding="utf-8") as f:
        match = re.search(r"^```js\n(.*?)^```$", f.read(), re.MULTILINE | re.DOTALL)
    if not match:
        raise SystemExit(f"{path}: no ```js block")
    return match.group(1)


def main(argv):
    if len(argv) != 3:
        print("usage: browser_page.py DOC.md BASE_URL OUT.html", file=sys.stderr)
        return 2
    doc, base_url, out = argv[0], argv[1].rstrip("/"), argv[2]
    snippet = first_js_block(doc).replace(DOC_BASE, base_url)
    page = f"""<!doctype html>
<html>
<head><meta charset="utf-8"><title>qixian browser check</title></head>
<body>
<pre id="result">pending</pre>
<pre id="headers">pending</pre>
<script>
{snippet}
const show = (id, text) => {{ document.getElementById(id).textContent = text; }};
dueDate("countersign-reply", "2026-09-30", "cn-xj-kizilsu").then(
  (due) => show("result", "due " + due),
  (err) => show("result", "error " + err),
);
fetch(QIXIAN + "/v1/days/2026-10-10?calendar=cn&format=text").then(
  (r) => show("headers", "x-data-version " + (r.headers.get("x-data-version") ? "readable" : "hidden")),
  (err) => show("headers", "error " + err),
);
</script>
<!-- {html.escape(doc)} -->
</body>
</html>
"""
    with open(out, "w", encoding="utf-8") as f:
        f.write(page)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
