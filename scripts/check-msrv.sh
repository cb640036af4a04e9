#!/usr/bin/env bash
# Type-checks the crate, every target (`cargo check --all-targets`), with the toolchain of the
# `rust-version` Cargo.toml declares, so that the declaration is a fact. rustup installs that
# toolchain (minimal profile) when it is missing. A fresh machine of this workplace has one
# toolchain and cannot fetch another: there the script says so and checks instead that no
# dependency declares a newer `rust-version` than ours (clippy's incompatible_msrv lint, which
# CI runs, covers our own code's use of the standard library), and fails only if one does.
# Its own target directory (target/msrv, or msrv under CARGO_TARGET_DIR): another compiler's
# artifacts are not the main build's.
#
# `--tools-only`: installs that toolchain when missing and stops (scripts/ci-tools.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
msrv=$(sed -n 's/^rust-version = "\(.*\)"/\1/p' Cargo.toml)
echo "declared rust-version: $msrv"
toolchain() {
    rustup toolchain list | grep -q "^$msrv[.-]" ||
        timeout 900 rustup toolchain install "$msrv" --profile minimal >/dev/null 2>&1
}
if [[ ${1:-} == --tools-only ]]; then
    toolchain || echo "Rust $msrv cannot be installed here"
    exit 0
fi
if toolchain; then
    CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-target}/msrv timeout 1800 cargo "+$msrv" check --locked --all-targets
    echo "every target type-checks with Rust $msrv"
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
