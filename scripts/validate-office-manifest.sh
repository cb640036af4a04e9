#!/usr/bin/env bash
# Validates the Excel add-in's manifest (clients/office/manifest.xml) and the manifests
# clients/office/make-manifest.py writes for a deployment.
#
#   - xmllint (Debian's libxml2-utils, installed when missing) reads each as XML;
#   - with OFFICE_MANIFEST_XSD_DIR naming a folder that holds Microsoft's schema files
#     (OfficeAppManifestV1_1.xsd and the files it imports, from the [MS-OWEMXML]
#     specification's appendix), xmllint --schema validates each against them. No package
#     registry ships these files (office-addin-manifest's `validate` asks Microsoft's online
#     service, which a machine without internet cannot reach), so CI does without;
#   - scripts/check-office-manifest.py checks the rules Microsoft documents (element order,
#     required elements, forms of values, resource ids, the shared runtime, https URLs under
#     /addin/ naming files that exist) — and must refuse three broken manifests, so that a
#     checker that passes everything fails here.
# Ends with `N passed, M failed`; exits non-zero when a check failed. `--tools-only`: installs
# xmllint when missing and stops (scripts/ci-tools.sh).
set -uo pipefail
cd "$(dirname "$0")/.."

WORK=$(mktemp -d /tmp/qixian-manifest.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
passed=0
failed=0
pass() { passed=$((passed + 1)); echo "ok   $*"; }
fail() { failed=$((failed + 1)); echo "FAIL $*"; }

if ! command -v xmllint >/dev/null; then
    echo "installing libxml2-utils"
    export DEBIAN_FRONTEND=noninteractive
    if ! { timeout 600 apt-get update -qq &&
        timeout 600 apt-get install -y -qq --no-install-recommends libxml2-utils; } >"$WORK/apt.log" 2>&1; then
        tail -n 20 "$WORK/apt.log"
        fail "apt-get install libxml2-utils"
        echo "$passed passed, $failed failed"
        exit 1
    fi
fi
[[ ${1:-} == --tools-only ]] && exit 0

# Adds the counts of a checker's last line to ours.
add_counts() {
    local what=$1 log=$2 last
    last=$(tail -n 1 "$log")
    if [[ $last =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
        passed=$((passed + BASH_REMATCH[1]))
        failed=$((failed + BASH_REMATCH[2]))
    else
        fail "$what ended without a count; its last line: $last"
    fi
}

validate() {
    local manifest=$1 what=$2
    if timeout 60 xmllint --noout "$manifest" 2>"$WORK/xmllint.err"; then
        pass "xmllint reads $what"
    else
        cat "$WORK/xmllint.err"
        fail "xmllint reads $what"
    fi
    if [ -n "${OFFICE_MANIFEST_XSD_DIR:-}" ]; then
        if timeout 60 xmllint --noout --schema "$OFFICE_MANIFEST_XSD_DIR/OfficeAppManifestV1_1.xsd" "$manifest" \
            2>"$WORK/xsd.err"; then
            pass "$what is valid against the schema in $OFFICE_MANIFEST_XSD_DIR"
        else
            cat "$WORK/xsd.err"
            fail "$what is valid against the schema in $OFFICE_MANIFEST_XSD_DIR"
        fi
    fi
    timeout 60 python3 scripts/check-office-manifest.py "$manifest" clients/office | tee "$WORK/check.log"
    add_counts "check-office-manifest.py $what" "$WORK/check.log"
}

[ -n "${OFFICE_MANIFEST_XSD_DIR:-}" ] ||
    echo "(no OFFICE_MANIFEST_XSD_DIR: Microsoft's XSD files are not in any package registry; checking the documented rules)"

echo "== clients/office/manifest.xml"
validate clients/office/manifest.xml "the repository's manifest"

echo "== a deployment's manifest from make-manifest.py"
deployment_id=0b7d3c1e-5f2a-4e8b-9c6d-1a2b3c4d5e6f
if python3 clients/office/make-manifest.py https://qixian.intranet.example:9443 --id "$deployment_id" \
    >"$WORK/deployed.xml"; then
    validate "$WORK/deployed.xml" "the deployment's manifest"
    if grep -q 'https://qixian.example.internal' "$WORK/deployed.xml" ||
        [ "$(grep -c 'https://qixian.intranet.example:9443/addin/' "$WORK/deployed.xml")" != 4 ] ||
        ! grep -q "<Id>$deployment_id</Id>" "$WORK/deployed.xml"; then
        fail "make-manifest.py: every URL names the deployment's origin and the Id is the one given"
    else
        pass "make-manifest.py: every URL names the deployment's origin and the Id is the one given"
    fi
else
    fail "make-manifest.py https://qixian.intranet.example:9443"
fi
if python3 clients/office/make-manifest.py http://qixian.intranet.example:8080 >/dev/null 2>&1; then
    fail "make-manifest.py refuses an http:// address (Excel loads add-ins only over HTTPS)"
else
    pass "make-manifest.py refuses an http:// address (Excel loads add-ins only over HTTPS)"
fi

echo "== broken manifests are refused"
broken() {
    local what=$1 script=$2
    python3 -c "$script" clients/office/manifest.xml "$WORK/broken.xml"
    if cmp -s clients/office/manifest.xml "$WORK/broken.xml"; then
        fail "the broken manifest ($what) differs from the good one"
    elif timeout 60 python3 scripts/check-office-manifest.py "$WORK/broken.xml" clients/office >"$WORK/broken.log"; then
        fail "check-office-manifest.py refuses a manifest with $what"
    else
        pass "check-office-manifest.py refuses a manifest with $what ($(grep -c '^FAIL' "$WORK/broken.log") failed)"
    fi
}
edit='import sys; s = open(sys.argv[1], encoding="utf-8").read(); s = '
save='; open(sys.argv[2], "w", encoding="utf-8").write(s)'
broken "Description before DisplayName" \
    "${edit}s.replace('<DisplayName ', '<X ', 1).replace('</DisplayName>', '</X>', 1).replace('<Description ', '<DisplayName ', 1).replace('</Description>', '</DisplayName>', 1).replace('<X ', '<Description ', 1).replace('</X>', '</Description>', 1)${save}"
broken "a runtime that is not the functions' page" \
    "${edit}s.replace('<Runtime resid=\"Functions.Page.Url\"', '<Runtime resid=\"Functions.Taskpane.Url\"')${save}"
broken "an http:// script URL" \
    "${edit}s.replace('DefaultValue=\"https://qixian.example.internal:8443/addin/functions.js\"', 'DefaultValue=\"http://qixian.example.internal:8080/addin/functions.js\"')${save}"

echo "$passed passed, $failed failed"
((failed == 0))
