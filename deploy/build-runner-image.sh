#!/usr/bin/env bash
# Builds the runner image (deploy/runner.Dockerfile) the Docker backend starts one container per run from.
# Called by `make runner-image`; idempotent and quick when nothing changed.
#
#   1. Base image: $FMU_GATEWAY_BASE_IMAGE when set (e.g. python:3.11-slim, pulled by `docker build`), else
#      fmu-gateway-base:bookworm, built here without any registry: debootstrap (minbase + python3 +
#      python3-venv), trimmed, `docker import`. The rootfs tarball is cached under $CACHE_DIR.
#   2. Wheels of the pinned requirements (ARG RUNNER_REQUIREMENTS in the Dockerfile), downloaded on the
#      host (the host's package proxy and CA bundle stay on the host) into $CACHE_DIR/wheels/<key>.
#   3. `docker build` from a temporary context, labelled with a hash of the Dockerfile, fmu_sandbox, the
#      requirements and the base image; skipped when an image with that label already exists.
#
# Environment: FMU_GATEWAY_RUNNER_IMAGE (tag, default fmu-gateway-runner:latest), FMU_GATEWAY_BASE_IMAGE,
# FMU_GATEWAY_CACHE_DIR (default /var/cache/fmu-gateway), DEBIAN_MIRROR, PYTHON (host Python with pip).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DOCKERFILE="$ROOT/deploy/runner.Dockerfile"
SANDBOX="$ROOT/private-api/src/fmu_sandbox"
ECS_TASK="$ROOT/private-api/src/fmu_gateway_api/runners/ecs_task.py"
TAG="${FMU_GATEWAY_RUNNER_IMAGE:-fmu-gateway-runner:latest}"
LOCAL_BASE="fmu-gateway-base:bookworm"
BASE="${FMU_GATEWAY_BASE_IMAGE:-$LOCAL_BASE}"
MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
CACHE_DIR="${FMU_GATEWAY_CACHE_DIR:-/var/cache/fmu-gateway}"
if ! mkdir -p "$CACHE_DIR" 2>/dev/null || [ ! -w "$CACHE_DIR" ]; then
    CACHE_DIR="${XDG_CACHE_HOME:-$HOME/.cache}/fmu-gateway"
    mkdir -p "$CACHE_DIR"
fi
if [ -z "${PYTHON:-}" ]; then
    if [ -x "$ROOT/.venv/bin/python" ]; then PYTHON="$ROOT/.venv/bin/python"; else PYTHON=python3; fi
fi

T0=$(date +%s.%N)
say() { printf 'runner-image: %s\n' "$*"; }
since() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f s", b - a }'; }
fail() { printf 'runner-image: error: %s\n' "$*" >&2; exit 1; }

command -v docker >/dev/null || fail "the docker CLI is not installed"
docker info >/dev/null 2>&1 || fail "the Docker engine does not answer (is dockerd running?)"

# One build at a time per machine (CI lanes, parallel make).
exec 9>"$CACHE_DIR/.lock"
flock 9

REQS="$(sed -n 's/^ARG RUNNER_REQUIREMENTS="\(.*\)"$/\1/p' "$DOCKERFILE")"
[ -n "$REQS" ] || fail "no ARG RUNNER_REQUIREMENTS=\"...\" line in $DOCKERFILE"

# -- 1. base image ------------------------------------------------------------------------------------
build_local_base() {
    local tarball="$CACHE_DIR/bookworm-rootfs.tar" t
    if [ ! -s "$tarball" ]; then
        command -v debootstrap >/dev/null || fail "debootstrap is needed to build $LOCAL_BASE (apt-get install debootstrap), or set FMU_GATEWAY_BASE_IMAGE"
        [ "$(id -u)" = 0 ] || fail "building $LOCAL_BASE with debootstrap needs root, or set FMU_GATEWAY_BASE_IMAGE"
        t=$(date +%s.%N)
        dir="$(mktemp -d /var/tmp/fmu-gateway-rootfs.XXXXXX)"  # global: the EXIT trap needs it
        trap 'rm -rf "$dir" "$tarball.tmp"' EXIT
        say "debootstrap bookworm (minbase, python3, python3-venv) from $MIRROR"
        debootstrap --variant=minbase --include=python3,python3-venv bookworm "$dir" "$MIRROR" \
            >"$CACHE_DIR/debootstrap.log" 2>&1 || fail "debootstrap failed, see $CACHE_DIR/debootstrap.log"
        # Nothing of this host (resolver, name, CA bundle) and no package caches in the image.
        rm -rf "$dir"/var/cache/apt/archives/*.deb "$dir"/var/lib/apt/lists/* "$dir"/usr/share/doc/* \
            "$dir"/usr/share/man/* "$dir"/usr/share/info/* "$dir"/usr/share/locale/* "$dir"/var/log/*.log \
            "$dir"/etc/ssl/certs/* "$dir"/usr/share/ca-certificates "$dir"/usr/local/share/ca-certificates \
            "$dir"/root/.cache
        : >"$dir/etc/resolv.conf"
        echo localhost >"$dir/etc/hostname"
        tar --numeric-owner -C "$dir" -cf "$tarball.tmp" .
        mv "$tarball.tmp" "$tarball"
        rm -rf "$dir"
        trap - EXIT
        say "rootfs built and cached in $(since "$t"): $tarball ($(du -h "$tarball" | cut -f1))"
    else
        say "rootfs from cache: $tarball"
    fi
    t=$(date +%s.%N)
    docker import -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
        -c 'ENV LANG=C.UTF-8' -m "debootstrap bookworm minbase + python3" "$tarball" "$LOCAL_BASE" >/dev/null
    say "imported $LOCAL_BASE in $(since "$t")"
}

if docker image inspect "$BASE" >/dev/null 2>&1; then
    say "base image $BASE present"
elif [ -z "${FMU_GATEWAY_BASE_IMAGE:-}" ]; then
    build_local_base
else
    say "base image $BASE not present locally: docker build will pull it"
fi
BASE_ID="$(docker image inspect --format '{{.Id}}' "$BASE" 2>/dev/null || echo "$BASE")"

# -- 2. skip when up to date -------------------------------------------------------------------------
HASH="$( { cat "$DOCKERFILE" "$ECS_TASK"; find "$SANDBOX" -name '*.py' -print0 | sort -z | xargs -0 cat; echo "$REQS"; echo "$BASE_ID"; } | sha256sum | cut -c1-32)"
EXISTING="$(docker images -q --filter "label=fmu-gateway.runner-hash=$HASH" | head -1)"
if [ -n "$EXISTING" ]; then
    if [ "$(docker image inspect --format '{{.Id}}' "$TAG" 2>/dev/null)" != "$(docker image inspect --format '{{.Id}}' "$EXISTING")" ]; then
        docker tag "$EXISTING" "$TAG"
        say "retagged $EXISTING as $TAG"
    fi
    say "$TAG is up to date (hash $HASH); nothing to build ($(since "$T0"))"
    exit 0
fi

# -- 3. wheels ----------------------------------------------------------------------------------------
ARCH="$(uname -m)"
WHEEL_KEY="$(echo "$REQS cp311 $ARCH" | sha256sum | cut -c1-16)"
WHEELS="$CACHE_DIR/wheels/$WHEEL_KEY"
if [ ! -f "$WHEELS/.complete" ]; then
    t=$(date +%s.%N)
    rm -rf "$WHEELS" && mkdir -p "$WHEELS"
    # shellcheck disable=SC2086  # REQS is a list of requirement specifiers
    if ! "$PYTHON" -m pip download --quiet --disable-pip-version-check --no-deps --only-binary=:all: \
            --python-version 3.11 --implementation cp --abi cp311 --platform "manylinux_2_28_$ARCH" \
            --platform "manylinux_2_17_$ARCH" --platform "manylinux2014_$ARCH" --dest "$WHEELS" $REQS; then
        say "no binary wheels for every requirement; building wheels with the host Python"
        # shellcheck disable=SC2086
        "$PYTHON" -m pip wheel --quiet --disable-pip-version-check --no-deps --wheel-dir "$WHEELS" $REQS
    fi
    touch "$WHEELS/.complete"
    say "wheels downloaded in $(since "$t"): $WHEELS"
else
    say "wheels from cache: $WHEELS"
fi

# -- 4. build -----------------------------------------------------------------------------------------
CTX="$(mktemp -d /var/tmp/fmu-gateway-runner-ctx.XXXXXX 2>/dev/null || mktemp -d)"
trap 'rm -rf "$CTX"' EXIT
mkdir "$CTX/wheels"
cp "$WHEELS"/*.whl "$CTX/wheels/"
mkdir "$CTX/fmu_sandbox"
cp "$SANDBOX"/*.py "$CTX/fmu_sandbox/"
cp "$ECS_TASK" "$CTX/ecs_task.py"   # the ECS task's side (same image)
cp "$DOCKERFILE" "$CTX/Dockerfile"
t=$(date +%s.%N)
say "building $TAG from $BASE (hash $HASH)"
if ! docker build --build-arg "BASE_IMAGE=$BASE" --label "fmu-gateway.runner-hash=$HASH" \
        -t "$TAG" -f "$CTX/Dockerfile" "$CTX" >"$CACHE_DIR/build.log" 2>&1; then
    tail -n 40 "$CACHE_DIR/build.log" >&2
    fail "docker build failed, see $CACHE_DIR/build.log"
fi
say "built $TAG in $(since "$t"): $(docker image inspect --format '{{.Id}} {{.Size}}' "$TAG" \
    | awk '{ printf "%s, %.0f MB", $1, $2 / 1e6 }')"
# The build stage and earlier builds of the runner image that no tag points to any more.
docker image prune --force --filter "label=fmu-gateway.stage=build" >/dev/null 2>&1 || true
docker image prune --force --filter "label=fmu-gateway.runner-hash" >/dev/null 2>&1 || true
say "done in $(since "$T0")"
