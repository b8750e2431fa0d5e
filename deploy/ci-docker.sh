#!/usr/bin/env bash
# CI preparation for the Docker runner tests: a Docker engine that answers, and the runner image.
# Idempotent: on a machine that already has both it takes a second or two.
#   - installs docker.io and debootstrap with apt-get when no engine answers and dockerd is missing,
#   - starts dockerd in the background when it is not running, and waits for it (DOCKERD_TIMEOUT, 60 s),
#   - builds the runner image (deploy/build-runner-image.sh: skipped when up to date).
set -euo pipefail
cd "$(dirname "$0")/.."

TIMEOUT="${DOCKERD_TIMEOUT:-60}"
LOG="${DOCKERD_LOG:-/var/log/dockerd.log}"
say() { printf 'ci-docker: %s\n' "$*"; }
fail() { printf 'ci-docker: error: %s\n' "$*" >&2; exit 1; }
sudo_() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo -n "$@"; fi; }

if ! docker info >/dev/null 2>&1; then
    if ! command -v dockerd >/dev/null || ! command -v docker >/dev/null || ! command -v debootstrap >/dev/null; then
        say "installing docker.io and debootstrap"
        sudo_ env DEBIAN_FRONTEND=noninteractive apt-get update -qq
        sudo_ env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io debootstrap >/dev/null
    fi
    if ! pgrep -x dockerd >/dev/null; then
        say "starting dockerd (log: $LOG)"
        sudo_ sh -c "nohup dockerd >>'$LOG' 2>&1 &"
    fi
    for _ in $(seq 1 "$((TIMEOUT * 2))"); do
        docker info >/dev/null 2>&1 && break
        sleep 0.5
    done
    if ! docker info >/dev/null 2>&1; then
        tail -n 20 "$LOG" >&2 2>/dev/null || true
        fail "the Docker engine did not answer within ${TIMEOUT} s (see $LOG)"
    fi
    say "Docker engine up: $(docker version --format '{{.Server.Version}}')"
elif ! command -v debootstrap >/dev/null && [ -z "${FMU_GATEWAY_BASE_IMAGE:-}" ] \
        && ! docker image inspect fmu-gateway-base:bookworm >/dev/null 2>&1 \
        && [ ! -s "${FMU_GATEWAY_CACHE_DIR:-/var/cache/fmu-gateway}/bookworm-rootfs.tar" ]; then
    say "installing debootstrap"
    sudo_ env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    sudo_ env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
fi

bash deploy/build-runner-image.sh
