# The runner image: one container per simulation (runner="docker"). Built by deploy/build-runner-image.sh
# (`make runner-image`), which fills the build context with:
#     wheels/        wheels of RUNNER_REQUIREMENTS below (built on the host: the image build needs no network)
#     fmu_sandbox/   private-api/src/fmu_sandbox (the sandbox template every backend runs)
#     ecs_task.py    the ECS task's side
# No ENTRYPOINT/CMD: the gateway passes the command,
#     /opt/venv/bin/python -I -B -m fmu_sandbox serve --config '{...one_shot...}'
# and the container adds its isolation (read-only root, no network, no capabilities, limits) to the layers
# the template applies inside (Landlock, seccomp, rlimits, no_new_privs).
#
# BASE_IMAGE: any Debian-like image with python3 + venv (Python 3.11, matching the wheels). The public
# default suits everyone; air-gapped builds use a debootstrapped bookworm (python3, python3-venv).
ARG BASE_IMAGE=python:3.11-slim

FROM ${BASE_IMAGE} AS build
LABEL fmu-gateway.stage=build
# Runtime imports only (fmpy's other requirements serve its GUI, code generation and web app; certifi is
# the CA bundle ecs_task.py uses for the presigned S3 URLs and the callback, the image having no system
# store). The byte
# code pip compiles stays: runs use -B on a read-only root. Remoting, container FMUs, the GUI and the
# examples are never used by a run (remote_platform=None).
ARG RUNNER_REQUIREMENTS="fmpy==0.3.32 numpy==2.4.6 lxml==6.1.3 attrs==26.1.0 certifi==2026.5.20 py-landlock==0.1.1 pyseccomp==0.1.2"
COPY wheels /wheels
RUN python3 -m venv /opt/venv \
 && /opt/venv/bin/python -m pip install --no-cache-dir --no-index --find-links /wheels --no-deps \
        ${RUNNER_REQUIREMENTS} \
 && /opt/venv/bin/python -m pip uninstall -y -q pip setuptools \
 && cd /opt/venv/lib/python3*/site-packages \
 && rm -rf fmpy/gui fmpy/webapp fmpy/remoting fmpy/container_fmu fmpy/examples fmpy/cross_check \
        numpy/*/tests numpy/tests lxml/includes \
 && echo /opt/fmu-gateway > "$(/opt/venv/bin/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')/fmu-gateway.pth" \
 && /opt/venv/bin/python -c "import fmpy, numpy, lxml.etree, attrs, certifi, py_landlock, pyseccomp; print('fmpy', fmpy.__version__)"

FROM ${BASE_IMAGE}
LABEL org.opencontainers.image.title="fmu-gateway-runner" \
      org.opencontainers.image.description="FMU Gateway simulation sandbox (FMPy); started by the gateway"
# No system CA store (certifi's bundle serves ecs_task.py) and no network tools: a run has no network.
# The unprivileged user every run uses, and /job owned by it: a Fargate volume mounted there (the runner task
# definition's "job") starts with this directory's owner and mode. The docker backend mounts the job over it.
RUN rm -rf /etc/ssl/certs/* /usr/share/ca-certificates /usr/local/share/ca-certificates \
 && (getent group 10001 >/dev/null || groupadd --gid 10001 runner) \
 && (getent passwd 10001 >/dev/null || useradd --uid 10001 --gid 10001 --no-create-home \
        --home-dir /nonexistent --shell /usr/sbin/nologin runner) \
 && install -d -o 10001 -g 10001 -m 0700 /job
COPY --from=build /opt/venv /opt/venv
COPY fmu_sandbox /opt/fmu-gateway/fmu_sandbox
COPY ecs_task.py /opt/fmu-gateway/
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 LANG=C.UTF-8 \
    OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1
USER 10001:10001
WORKDIR /job
