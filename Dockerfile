# syntax=docker/dockerfile:1
#
# The qixian image: compiled on the pinned Rust image, run on distroless as an unprivileged
# numeric user. Holiday data and rules are compiled into the binary (build.rs, include_str!),
# so the final image holds the binary and nothing else of ours.
#
#   docker build -t qixian .                      (BuildKit: the cache mounts below need it)
#   docker run --rm -p 8080:8080 --read-only --tmpfs /var/lib/qixian qixian
#
# No Docker engine runs on the developers' machines or in CI: scripts/docker-build-check.sh
# copies what the build stage COPYs, runs the build stage's `cargo build` line on the host,
# and serves the binary. Keep that line on a line of its own so the script can find it.
#
# Pins. Both images are pinned by tag and by the digest of the tag's multi-arch index. The digests
# were read from public Dockerfiles that pin these tags (several agree on each); no registry was
# reachable where this file was written, so re-resolve them when bumping:
#   docker buildx imagetools inspect rust:1.95.0-slim-bookworm
#   docker buildx imagetools inspect gcr.io/distroless/cc-debian12:nonroot
# rust 1.95.0 is the toolchain the project is developed and tested with (Cargo.toml's
# rust-version is the floor, 1.89). Both stages are Debian 12, so the glibc the binary is linked
# against (2.36) is the one it runs on.

FROM rust:1.95.0-slim-bookworm@sha256:d7482085ff5b415f84dba5647ae71606650bdef00db7aeb69f4b3d170c3e4082 AS build
WORKDIR /src
# Only what the build reads. benches/ and tests/ are here because Cargo.toml declares targets in
# them, and cargo refuses a manifest when a declared target's file is missing, even if it builds
# none of them (it checks every target whose path it infers, such as the [[bench]]).
COPY Cargo.toml Cargo.lock build.rs openapi.yaml ./
COPY src/ src/
COPY holidays/ holidays/
COPY rules/ rules/
# The page for people (src/http/page.rs embeds it), and the Excel add-in served under /addin/
# (src/http/addin.rs embeds it).
COPY page/ page/
COPY clients/office/ clients/office/
COPY benches/ benches/
COPY tests/ tests/
# target/ lives in a cache mount, which is gone when the RUN ends: the binary is copied out to /out.
# /out/state becomes /var/lib/qixian, the state directory, owned by the runtime user (distroless
# has no shell to mkdir it later).
RUN --mount=type=cache,id=qixian-cargo-registry,target=/usr/local/cargo/registry,sharing=locked \
    --mount=type=cache,id=qixian-target,target=/src/target,sharing=locked \
    cargo build --release --locked \
    && install -D -m 0755 target/release/qixian /out/qixian \
    && install -d /out/state

# :nonroot is distroless's UID/GID 65532, with glibc, libgcc_s and CA certificates (reqwest uses
# rustls and the system's roots for the holiday feed), and no shell or package manager.
FROM gcr.io/distroless/cc-debian12:nonroot@sha256:9dac0a79194e45a7da0158a9c6da57b217585af0786db3845d1f0ec1a0dd182f
COPY --from=build /out/qixian /usr/local/bin/qixian
COPY --from=build --chown=65532:65532 /out/state /var/lib/qixian
ENV QIXIAN_ADDR=0.0.0.0:8080
# Where the service may keep what it fetched; writable by the runtime user. With a read-only root
# mount a volume or tmpfs here (Kubernetes mounts an emptyDir).
ENV QIXIAN_STATE_DIR=/var/lib/qixian
EXPOSE 8080
# Numeric, so that Kubernetes' runAsNonRoot can verify it without reading /etc/passwd.
USER 65532:65532
# No HEALTHCHECK: distroless has no shell and no curl to run one, and the binary has no
# self-probe subcommand. Kubernetes ignores HEALTHCHECK anyway and probes /healthz and /readyz
# itself (deploy/kubernetes/base/deployment.yaml); under plain Docker, probe the published port from
# outside. SIGTERM (Docker's default stop signal) lets actix finish requests in flight and exit 0.
ENTRYPOINT ["/usr/local/bin/qixian"]
