# The API image: `fmu-gateway-api serve` (FastAPI + the model library). Built by deploy/build-api-image.sh
# (`make api-image`), which fills the build context with:
#     wheels/deps/    wheels of every runtime dependency, pinned to the versions of the host's .venv
#                     (the image build installs with --no-index: no PyPI, no CA bundle inside the build)
#     wheels/app/     the fmu-gateway-api wheel
#     models/         models/ of the repository (C sources + build.py)
#     shared-specs/   openapi.yaml (served as is), pricing.yaml and its JSON Schema
#
# The model library is compiled in the build stage with gcc from Debian's packages: apt reaches Debian's
# mirror over plain HTTP and verifies it with the archive keyring the base image carries, so no host CA
# is needed. The runtime keeps a C compiler and make too (WITH_CC=1): uploads that ship only sources are
# compiled by the API (FMPy's build_platform_binary: cmake from its wheel, make, gcc; its CMake project
# also asks for a C++ compiler) before they are accepted. WITH_CC=0 drops it (~180 MB less);
# such uploads are then rejected with `fmu-build-failed`.
#
# BASE_IMAGE: any Debian bookworm image with python3.11 + venv. The public default suits everyone; CI and
# air-gapped builds pass fmu-gateway-base:bookworm (debootstrapped by deploy/build-runner-image.sh).
ARG BASE_IMAGE=python:3.11-slim

FROM ${BASE_IMAGE} AS build
LABEL fmu-gateway.stage=api-build
ENV DEBIAN_FRONTEND=noninteractive PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
RUN apt-get update -qq \
 && apt-get install -y -qq --no-install-recommends gcc libc6-dev >/dev/null \
 && rm -rf /var/lib/apt/lists/*
# Dependencies first: this layer is reused as long as the pinned set does not change.
COPY wheels/deps /wheels/deps
RUN python3 -m venv /opt/venv \
 && /opt/venv/bin/python -m pip install --quiet --no-index --find-links /wheels/deps --no-deps /wheels/deps/*.whl
COPY wheels/app /wheels/app
RUN /opt/venv/bin/python -m pip install --quiet --no-index --find-links /wheels/deps --no-deps \
        /wheels/app/*.whl \
 && /opt/venv/bin/python -m pip check \
 && /opt/venv/bin/python -m pip uninstall -y -q pip setuptools \
 && /opt/venv/bin/python -c "import fmu_gateway_api.app, fmpy; print('fmpy', fmpy.__version__)"
# The library of model FMUs (FMI 2 and 3, ME + CS), compiled here; the hostile test FMUs stay behind.
COPY models /src/models
RUN /opt/venv/bin/python /src/models/build.py --out /build/models \
 && mkdir -p /opt/fmu-gateway/models \
 && cp -r /build/models/fmi2 /build/models/fmi3 /build/models/library.json /opt/fmu-gateway/models/
COPY shared-specs /opt/fmu-gateway/shared-specs

FROM ${BASE_IMAGE}
ARG WITH_CC=1
LABEL org.opencontainers.image.title="fmu-gateway-api" \
      org.opencontainers.image.description="FMU Gateway API: FMI simulation service (FastAPI + FMPy)"
ENV DEBIAN_FRONTEND=noninteractive
RUN if [ "$WITH_CC" = 1 ]; then \
        apt-get update -qq \
     && apt-get install -y -qq --no-install-recommends gcc g++ libc6-dev make >/dev/null \
     && rm -rf /var/lib/apt/lists/* /var/cache/apt/archives/*.deb /usr/share/doc/* /usr/share/man/*; \
    fi \
 && (getent group 10001 >/dev/null || groupadd --gid 10001 gateway) \
 && (getent passwd 10001 >/dev/null || useradd --uid 10001 --gid 10001 --no-create-home \
        --home-dir /var/lib/fmu-gateway --shell /usr/sbin/nologin gateway) \
 && mkdir -p /var/lib/fmu-gateway /var/cache/fmu-gateway \
 && chown 10001:10001 /var/lib/fmu-gateway /var/cache/fmu-gateway
COPY --from=build /opt/venv /opt/venv
COPY --from=build /opt/fmu-gateway /opt/fmu-gateway
# The package is installed from a wheel, so the repository-relative defaults of the settings point nowhere:
# every path is given here.
ENV PATH=/opt/venv/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 LANG=C.UTF-8 HOME=/var/lib/fmu-gateway \
    FMU_GATEWAY_LIBRARY_DIR=/opt/fmu-gateway/models \
    FMU_GATEWAY_CONTRACT=/opt/fmu-gateway/shared-specs/openapi.yaml \
    FMU_GATEWAY_PRICING_FILE=/opt/fmu-gateway/shared-specs/pricing.yaml \
    FMU_GATEWAY_DATA_DIR=/var/lib/fmu-gateway \
    FMU_GATEWAY_SCRATCH_DIR=/var/cache/fmu-gateway \
    FMU_GATEWAY_HOST=0.0.0.0 \
    FMU_GATEWAY_PORT=8000
USER 10001:10001
WORKDIR /var/lib/fmu-gateway
VOLUME ["/var/lib/fmu-gateway", "/var/cache/fmu-gateway"]
EXPOSE 8000
# Follows FMU_GATEWAY_PORT, so a container started on another port (host networking) stays checkable.
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
    CMD ["/opt/venv/bin/python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/v1/health' % os.environ.get('FMU_GATEWAY_PORT', '8000'), timeout=4)"]
CMD ["fmu-gateway-api", "serve", "--host", "0.0.0.0", "--port", "8000"]
