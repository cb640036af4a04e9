#!/usr/bin/env bash
# cargo-deny's licence, ban and source checks (deny.toml). Installs cargo-deny from crates.io
# (pinned) when the machine does not have that version.
set -euo pipefail
cd "$(dirname "$0")/.."
version=0.20.2
if [[ $(cargo deny --version 2>/dev/null) != "cargo-deny $version" ]]; then
    cargo install cargo-deny --locked --version "$version" --quiet
fi
cargo deny --locked check licenses bans sources
