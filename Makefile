# FMU Gateway: `make run` serves a local gateway, `make test` runs every test. Both set themselves up.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
UV     := $(VENV)/bin/uv
STAMP  := $(VENV)/.installed-$(shell cat private-api/pyproject.toml open-sdk/pyproject.toml testkit/pyproject.toml | cksum | cut -d' ' -f1)
MODELS := build/models
PYTEST_ARGS ?=
PRIVATE_API_ARGS ?=  # for private-api/tests only (its own markers and options)
SUITES ?= private-api open-sdk deploy
# The service's and the SDK's tests spread over one process per core (pytest-xdist), a whole module to one
# process: its module fixtures start once and its tests never race each other. `make test XDIST=` runs them
# in one process. Tests marked `alone` (time bounds that a second test process on two cores broke) run after
# the parallel part, in one process. The deploy suite keeps one process: its session fixtures build the
# images and synthesize the stack once.
XDIST ?= -n auto --dist loadfile
DEPLOY_ARGS ?=
DEPLOY_ENV ?= production
SERVICE ?= all
INFRA  := deploy/infra
INFRA_STAMP := $(VENV)/.infra-$(shell cat $(INFRA)/requirements.txt $(INFRA)/package-lock.json | cksum | cut -d' ' -f1)
RUFF   := $(VENV)/bin/ruff check --select E,F,I,UP,B,PT,T20 --line-length 110

PHONY_CHECKS := typecheck deps-check check
.PHONY: install models run test bench lint $(PHONY_CHECKS) clean sdk sdk-ts runner-image api-image deploy deploy-tools contract-check

install: $(STAMP)

# uv installs into the venv (its pip stays for users): resolving, building our three editable packages and
# unpacking ~190 wheels takes it ~10 s where pip took ~150 s (more than four minutes on busy cores).
$(STAMP): private-api/pyproject.toml open-sdk/pyproject.toml testkit/pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	test -x $(UV) || $(PY) -m pip install --quiet 'uv>=0.9,<1'
	$(UV) pip install --quiet --python $(PY) -e 'private-api[test]' -e 'open-sdk[cli,pandas,local,test]' -e testkit
	rm -f $(VENV)/.installed-*
	touch $@

models: install
	$(PY) models/build.py --out $(MODELS)

run: install models
	$(VENV)/bin/fmu-gateway-api serve

# `make test SUITES="private-api open-sdk"` runs some of them (.ci/run gives each lane its own).
test: install models
	$(if $(filter private-api,$(SUITES)),$(PY) -m pytest private-api/tests $(XDIST) $(if $(XDIST),--alone=skip) $(PYTEST_ARGS) $(PRIVATE_API_ARGS))
	$(if $(and $(XDIST),$(filter private-api,$(SUITES))),$(PY) -m pytest private-api/tests --alone=only $(PYTEST_ARGS) $(PRIVATE_API_ARGS))
	$(if $(filter open-sdk,$(SUITES)),$(PY) -m pytest open-sdk/tests $(XDIST) $(PYTEST_ARGS))
	$(if $(filter deploy,$(SUITES)),$(MAKE) --no-print-directory deploy-tools)
	$(if $(filter deploy,$(SUITES)),$(PY) -m pytest deploy/tests $(XDIST) $(PYTEST_ARGS))

bench: install models
	$(PY) bench/bench_sandbox.py
	$(PY) bench/bench_core.py
	$(PY) bench/bench_runners.py
	$(PY) bench/bench_edge.py
	$(PY) bench/bench_scale.py
	$(PY) bench/bench_results.py
	$(PY) bench/bench_sweep.py

sdk: install
	$(PY) open-sdk/scripts/generate.py

# The TypeScript SDK's types (open-sdk/typescript/src/generated); npm ci first when node_modules is stale.
sdk-ts:
	cd open-sdk/typescript && node scripts/ensure-deps.mjs && npm run --silent generate

contract-check: install
	$(PY) tools/contract_diff.py

runner-image: install
	bash deploy/build-runner-image.sh

api-image: install
	bash deploy/build-api-image.sh

# The CDK app's Python packages and the pinned CDK CLI (deploy/infra); for `make deploy` and the deploy tests.
deploy-tools: $(INFRA_STAMP)

$(INFRA_STAMP): $(STAMP) $(INFRA)/requirements.txt $(INFRA)/package-lock.json
	$(UV) pip install --quiet --python $(PY) -r $(INFRA)/requirements.txt
	cd $(INFRA) && npm ci --no-audit --no-fund --loglevel=error
	rm -f $(VENV)/.infra-*
	touch $@

# `make deploy` (DEPLOY_ENV=production), `make deploy SERVICE=api` (or worker): see deploy/README.md.
deploy: install deploy-tools
	$(PY) deploy/deploy.py --env $(DEPLOY_ENV) --service $(SERVICE) $(DEPLOY_ARGS)

lint: install
	$(VENV)/bin/ruff check private-api models bench testkit
	$(RUFF) deploy tools api
	cd open-sdk && ../$(VENV)/bin/ruff check . ../examples

# mypy strict on the service and the SDK (the generated client excepted), as their pyproject.toml configure it.
typecheck: install
	cd private-api && ../$(VENV)/bin/mypy
	cd open-sdk && ../$(VENV)/bin/mypy

# Every import declared, every declared package used (deptry), for the service and the SDK.
deps-check: install
	cd private-api && ../$(VENV)/bin/deptry src
	cd open-sdk && ../$(VENV)/bin/deptry src

# The quality gates .ci/run applies before the tests.
check: lint typecheck deps-check

clean:
	rm -rf $(VENV) build var
