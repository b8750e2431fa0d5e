# FMU Gateway: `make run` serves a local gateway, `make test` runs every test. Both set themselves up.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
SDK    := $(wildcard open-sdk/pyproject.toml)
STAMP  := $(VENV)/.installed-$(shell cat private-api/pyproject.toml $(SDK) | cksum | cut -d' ' -f1)
MODELS := build/models
PYTEST_ARGS ?=

.PHONY: install models run test bench lint clean sdk runner-image

install: $(STAMP)

$(STAMP): private-api/pyproject.toml $(SDK)
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e 'private-api[test]' $(if $(SDK),-e 'open-sdk[cli,local,test]')
	rm -f $(VENV)/.installed-*
	touch $@

models: install
	$(PY) models/build.py --out $(MODELS)

run: install models
	$(VENV)/bin/fmu-gateway-api serve

test: install models
	$(PY) -m pytest private-api/tests $(PYTEST_ARGS)
	$(if $(SDK),$(PY) -m pytest open-sdk/tests $(PYTEST_ARGS))

sdk: install
	$(PY) open-sdk/scripts/generate.py

runner-image: install
	bash deploy/build-runner-image.sh

bench: install models
	$(PY) bench/bench_core.py

lint: install
	$(VENV)/bin/ruff check private-api bench models

clean:
	rm -rf $(VENV) build var
