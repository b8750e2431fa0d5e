#!/usr/bin/env bash
# Builds the API image (deploy/api.Dockerfile). Called by `make api-image` and by deploy/deploy.py;
# idempotent and quick when nothing changed.
#
#   1. Base image: $FMU_GATEWAY_BASE_IMAGE when set (e.g. python:3.11-slim, pulled by `docker build`), else
#      fmu-gateway-base:bookworm; when that is missing, deploy/build-runner-image.sh builds it (debootstrap,
#      no registry) together with the runner image, which a deployment needs anyway.
#   2. Wheels, built on the host (the host's package proxy and CA bundle stay on the host):
#        deps: every runtime dependency of private-api, pinned (pip constraints) to the versions installed
#              in the host's .venv, the ones the test suite ran against; cached under
#              $CACHE_DIR/api-wheels/<key of pyproject.toml + pins>
#        app:  the fmu-gateway-api wheel, from a copy of private-api/ (the work tree stays untouched)
#   3. `docker build` from a temporary context (wheels, models/, shared-specs/), labelled with a hash of
#      everything in it and of the base image; skipped when an image with that label already exists.
#
# Environment: FMU_GATEWAY_API_IMAGE (tag, default fmu-gateway-api:latest), FMU_GATEWAY_BASE_IMAGE,
# FMU_GATEWAY_CACHE_DIR (default /var/cache/fmu-gateway), FMU_GATEWAY_API_WITH_CC (1: keep a C compiler in
# the image for uploads that ship only sources; 0: leave it out), PYTHON (host Python with pip).
#
# `build-api-image.sh --context DIR` assembles the build context into DIR (Dockerfile included) and stops:
# docker-compose.yml builds from it (build/api-context).
set -euo pipefail

CONTEXT_ONLY=""
if [ "${1:-}" = "--context" ]; then
    [ -n "${2:-}" ] || { echo "usage: $0 [--context DIR]" >&2; exit 2; }
    CONTEXT_ONLY="$2"
fi

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DOCKERFILE="$ROOT/deploy/api.Dockerfile"
TAG="${FMU_GATEWAY_API_IMAGE:-fmu-gateway-api:latest}"
LOCAL_BASE="fmu-gateway-base:bookworm"
BASE="${FMU_GATEWAY_BASE_IMAGE:-$LOCAL_BASE}"
WITH_CC="${FMU_GATEWAY_API_WITH_CC:-1}"
# Imported by the service but not (yet) declared in private-api/pyproject.toml; pinned like the rest.
# async-timeout: redis needs it below Python 3.11.3 (bookworm ships 3.11.2); pip evaluates environment
# markers with the host's interpreter, and `pip check` in the image build catches any other such gap.
EXTRA_REQS="${FMU_GATEWAY_API_EXTRA_REQUIREMENTS-async-timeout}"
# The service's optional backends the image carries: every one (the deployment chooses by settings).
APP_EXTRAS="docker,ecs,redis,sentry"
CACHE_DIR="${FMU_GATEWAY_CACHE_DIR:-/var/cache/fmu-gateway}"
if ! mkdir -p "$CACHE_DIR" 2>/dev/null || [ ! -w "$CACHE_DIR" ]; then
    CACHE_DIR="${XDG_CACHE_HOME:-$HOME/.cache}/fmu-gateway"
    mkdir -p "$CACHE_DIR"
fi
if [ -z "${PYTHON:-}" ]; then
    if [ -x "$ROOT/.venv/bin/python" ]; then PYTHON="$ROOT/.venv/bin/python"; else PYTHON=python3; fi
fi

T0=$(date +%s.%N)
say() { printf 'api-image: %s\n' "$*"; }
since() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f s", b - a }'; }
fail() { printf 'api-image: error: %s\n' "$*" >&2; exit 1; }

command -v docker >/dev/null || fail "the docker CLI is not installed"
docker info >/dev/null 2>&1 || fail "the Docker engine does not answer (is dockerd running?)"

# -- 1. base image (before taking our lock: the runner script takes the shared one) ---------------------
if docker image inspect "$BASE" >/dev/null 2>&1; then
    say "base image $BASE present"
elif [ -z "${FMU_GATEWAY_BASE_IMAGE:-}" ]; then
    say "base image $BASE missing: deploy/build-runner-image.sh builds it"
    bash "$ROOT/deploy/build-runner-image.sh"
    docker image inspect "$BASE" >/dev/null 2>&1 || fail "deploy/build-runner-image.sh did not produce $BASE"
else
    say "base image $BASE not present locally: docker build will pull it"
fi
BASE_ID="$(docker image inspect --format '{{.Id}}' "$BASE" 2>/dev/null || echo "$BASE")"

exec 9>"$CACHE_DIR/.api-lock"
flock 9

CTX="$(mktemp -d /var/tmp/fmu-gateway-api-ctx.XXXXXX 2>/dev/null || mktemp -d)"
trap 'rm -rf "$CTX"' EXIT
mkdir -p "$CTX/wheels/deps" "$CTX/wheels/app" "$CTX/src"

# -- 2. wheels ----------------------------------------------------------------------------------------
# Pins: the host venv's exact versions (editable installs, i.e. our own packages, excluded).
"$PYTHON" -m pip freeze --disable-pip-version-check --exclude-editable | grep -E '^[A-Za-z0-9_.-]+==' \
    | sort >"$CTX/constraints.txt"
[ -s "$CTX/constraints.txt" ] || fail "$PYTHON has no installed packages to pin to (run make install)"
# Our own package from a copy: setuptools writes build/ and *.egg-info next to the sources it builds.
cp -r "$ROOT/private-api/pyproject.toml" "$ROOT/private-api/src" "$CTX/src/"
[ -f "$ROOT/private-api/LICENSE" ] && cp "$ROOT/private-api/LICENSE" "$CTX/src/"
find "$CTX/src" \( -name __pycache__ -o -name .mypy_cache -o -name '*.egg-info' \) -prune -exec rm -rf {} +

"$PYTHON" -m pip wheel --quiet --disable-pip-version-check --no-deps --no-build-isolation \
    --wheel-dir "$CTX/wheels/app" "$CTX/src" >"$CACHE_DIR/api-app-wheel.log" 2>&1 \
    || "$PYTHON" -m pip wheel --quiet --disable-pip-version-check --no-deps --wheel-dir "$CTX/wheels/app" \
        "$CTX/src" >>"$CACHE_DIR/api-app-wheel.log" 2>&1 \
    || { tail -n 30 "$CACHE_DIR/api-app-wheel.log" >&2; fail "building the fmu-gateway-api wheel failed"; }
APP_WHEEL="$(ls "$CTX"/wheels/app/fmu_gateway_api-*.whl)"
# Binary wheels for the image's interpreter and platform (CPython 3.11, manylinux), whatever the host's.
ARCH="$(uname -m)"
read -r -a EXTRA <<<"$EXTRA_REQS"
DEPS_KEY="$( { unzip -p "$APP_WHEEL" '*.dist-info/METADATA' | grep -E '^Requires-Dist:'; \
    cat "$CTX/constraints.txt"; echo "$EXTRA_REQS $APP_EXTRAS cp311 $ARCH"; } | sha256sum | cut -c1-16)"
DEPS="$CACHE_DIR/api-wheels/$DEPS_KEY"
if [ ! -f "$DEPS/.complete" ]; then
    t=$(date +%s.%N)
    rm -rf "$DEPS" && mkdir -p "$DEPS"
    if ! "$PYTHON" -m pip download --quiet --disable-pip-version-check --only-binary=:all: \
            --python-version 3.11 --implementation cp --abi cp311 --abi abi3 --abi none \
            --platform "manylinux_2_36_$ARCH" --platform "manylinux_2_28_$ARCH" --platform "manylinux_2_17_$ARCH" \
            --platform "manylinux2014_$ARCH" --platform "linux_$ARCH" --platform any \
            --constraint "$CTX/constraints.txt" --dest "$DEPS" "fmu-gateway-api[$APP_EXTRAS] @ file://$APP_WHEEL" \
            "${EXTRA[@]}" \
            >"$CACHE_DIR/api-wheels.log" 2>&1; then
        tail -n 30 "$CACHE_DIR/api-wheels.log" >&2
        fail "pip download of the dependency wheels failed, see $CACHE_DIR/api-wheels.log"
    fi
    rm -f "$DEPS"/fmu_gateway_api-*.whl
    touch "$DEPS/.complete"
    say "dependency wheels downloaded in $(since "$t"): $(find "$DEPS" -name '*.whl' | wc -l) wheels in $DEPS"
else
    say "dependency wheels from cache: $DEPS"
fi
cp "$DEPS"/*.whl "$CTX/wheels/deps/"
rm -rf "$CTX/src" "$CTX/constraints.txt"

# -- 3. the rest of the context ------------------------------------------------------------------------
mkdir -p "$CTX/models" "$CTX/shared-specs"
(cd "$ROOT/models" && tar --exclude=__pycache__ --exclude='*.pyc' -cf - .) | tar -C "$CTX/models" -xf -
cp "$ROOT/shared-specs/openapi.yaml" "$ROOT/shared-specs/pricing.yaml" "$ROOT/shared-specs/pricing.schema.json" \
    "$CTX/shared-specs/"
cp "$DOCKERFILE" "$CTX/Dockerfile"

if [ -n "$CONTEXT_ONLY" ]; then
    rm -rf "$CONTEXT_ONLY" && mkdir -p "$CONTEXT_ONLY" && cp -r "$CTX"/. "$CONTEXT_ONLY"/
    say "build context written to $CONTEXT_ONLY ($(since "$T0"))"
    exit 0
fi

# Wheels are zip files with timestamps: hash what they contain (name + RECORD), not their bytes.
content_hash() {
    (cd "$CTX" && find . -type f ! -name '*.whl' -print0 | sort -z | xargs -0 sha256sum
     for w in $(cd "$CTX" && find . -name '*.whl' | sort); do
        echo "$w"; unzip -p "$CTX/$w" '*.dist-info/RECORD' 2>/dev/null | sort | sha256sum
     done)
}
HASH="$( { content_hash; echo "$BASE_ID"; echo "WITH_CC=$WITH_CC"; } | sha256sum | cut -c1-32)"
EXISTING="$(docker images -q --filter "label=fmu-gateway.api-hash=$HASH" | head -1)"
if [ -n "$EXISTING" ]; then
    if [ "$(docker image inspect --format '{{.Id}}' "$TAG" 2>/dev/null)" != \
         "$(docker image inspect --format '{{.Id}}' "$EXISTING")" ]; then
        docker tag "$EXISTING" "$TAG"
        say "retagged $EXISTING as $TAG"
    fi
    say "$TAG is up to date (hash $HASH); nothing to build ($(since "$T0"))"
    exit 0
fi

# -- 4. build -----------------------------------------------------------------------------------------
t=$(date +%s.%N)
say "building $TAG from $BASE (hash $HASH)"
if ! docker build --build-arg "BASE_IMAGE=$BASE" --build-arg "WITH_CC=$WITH_CC" \
        --label "fmu-gateway.api-hash=$HASH" -t "$TAG" -f "$CTX/Dockerfile" "$CTX" \
        >"$CACHE_DIR/api-build.log" 2>&1; then
    tail -n 40 "$CACHE_DIR/api-build.log" >&2
    fail "docker build failed, see $CACHE_DIR/api-build.log"
fi
say "built $TAG in $(since "$t"): $(docker image inspect --format '{{.Id}} {{.Size}}' "$TAG" \
    | awk '{ printf "%s, %.0f MB", $1, $2 / 1e6 }')"
# Earlier builds of the API image that no tag points to any more (the build stage stays cached).
docker image prune --force --filter "label=fmu-gateway.api-hash" >/dev/null 2>&1 || true
say "done in $(since "$T0")"
