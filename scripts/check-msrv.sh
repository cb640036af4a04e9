#!/usr/bin/env bash
# Builds the crate (every target) with the toolchain of the `rust-version` Cargo.toml declares,
# so that the declaration is a fact. rustup installs that toolchain when it is missing; where it
# cannot be fetched, the script says so and checks instead that no dependency declares a newer
# `rust-version` than ours (clippy's incompatible_msrv lint, which CI runs, covers our own
# code's use of the standard library), and exits non-zero only if that check fails.
set -euo pipefail
cd "$(dirname "$0")/.."
msrv=$(sed -n 's/^rust-version = "\(.*\)"/\1/p' Cargo.toml)
echo "declared rust-version: $msrv"
if rustup toolchain list | grep -q "^$msrv" || rustup toolchain install "$msrv" --profile minimal >/dev/null 2>&1; then
    CARGO_TARGET_DIR=target/msrv cargo "+$msrv" check --locked --all-targets
    echo "built with Rust $msrv"
    exit 0
fi
echo "Rust $msrv cannot be installed here; checking the dependencies' rust-version instead"
cargo metadata --locked --format-version 1 | python3 -c '
import json, sys
msrv = tuple(int(p) for p in sys.argv[1].split("."))
newer = [(p["name"], p["version"], p["rust_version"]) for p in json.load(sys.stdin)["packages"]
         if p.get("rust_version") and tuple(int(x) for x in p["rust_version"].split(".")[:2]) > msrv[:2]]
for name, version, rv in newer:
    print(f"{name} {version} needs Rust {rv}")
sys.exit(1 if newer else 0)
' "$msrv"
echo "no dependency needs a newer Rust than $msrv"
