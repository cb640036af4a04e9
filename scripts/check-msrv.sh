#!/usr/bin/env bash
# Type-checks the crate, every target (`cargo check --all-targets`), with the toolchain of the
# `rust-version` Cargo.toml declares, so that the declaration is a fact: rustup installs that
# toolchain (minimal profile) when it is missing, and the script fails when it cannot, rather
# than reading the dependencies' declarations in its place. Cargo refuses a dependency that
# needs a newer Rust, and the old compiler refuses our own use of anything newer.
# Its own target directory (target/msrv, or msrv under CARGO_TARGET_DIR): another compiler's
# artifacts are not the main build's.
set -euo pipefail
cd "$(dirname "$0")/.."
msrv=$(sed -n 's/^rust-version = "\(.*\)"/\1/p' Cargo.toml)
echo "declared rust-version: $msrv"
if ! rustup toolchain list | grep -q "^$msrv[.-]"; then
    echo "installing Rust $msrv (minimal profile)"
    timeout 900 rustup toolchain install "$msrv" --profile minimal
fi
CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-target}/msrv timeout 1800 cargo "+$msrv" check --locked --all-targets
echo "every target type-checks with Rust $msrv"
