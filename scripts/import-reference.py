#!/usr/bin/env python3
"""Lays out holidays/ from the reference material in ../shared/reference.

Run from the repository root: python3 scripts/import-reference.py [REFERENCE_DIR]

- cn: holiday-cn's YYYY.json files, byte for byte (their shape is the feed's shape).
  A file whose `days` is empty is a placeholder for an unpublished year and is not copied.
- cn-xj: Xinjiang's overlay, one file per year, each entry keeping its confidence and source.
  The repository's files have since been given Chinese sources and papers (the page shows them
  to clerks, issue 25) and 2026 the confidence of 中央广播电视总台's report of the notice: a new
  import writes the overlay's English again, to be worded in Chinese the same way.
"""
import collections
import json
import pathlib
import shutil
import sys

ref = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/reference")
out = pathlib.Path("holidays")

for src in sorted((ref / "holiday-cn").glob("*.json")):
    data = json.loads(src.read_text(encoding="utf-8"))
    if not data["days"]:
        print(f"skip {src.name}: no days (not published)")
        continue
    (out / "cn").mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, out / "cn" / src.name)

overlay = json.loads((ref / "xinjiang" / "overlay.json").read_text(encoding="utf-8"))
by_year = collections.defaultdict(list)
for day in overlay["days"]:
    by_year[int(day["date"][:4])].append(day)
(out / "cn-xj").mkdir(parents=True, exist_ok=True)
for year, days in sorted(by_year.items()):
    doc = {
        "year": year,
        "papers": [overlay["instrument"]],
        "days": [
            {k: d[k] for k in ("name", "date", "isOffDay", "confidence", "source")}
            for d in sorted(days, key=lambda d: d["date"])
        ],
    }
    path = out / "cn-xj" / f"{year}.json"
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {path}: {len(days)} days")
