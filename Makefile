# Two commands on a fresh machine: `make run` (install + serve) and `make test` (install + every test).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip

.PHONY: run test test-worker install install-dev lint format bench clean

$(VENV)/bin/activate:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip

# Speakers on this computer use the voice encoder weights that the resemblyzer wheel ships. Its
# metadata pulls torch (gigabytes) that scribedesk never imports (it reads the weights itself and runs
# them with onnxruntime), so it is installed on its own, without its dependencies.
RESEMBLYZER := resemblyzer==0.1.4

$(VENV)/.installed: requirements.txt | $(VENV)/bin/activate
	$(PIP) install -q -r requirements.txt
	$(PIP) install -q --no-deps $(RESEMBLYZER)
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(VENV)/bin/activate
	$(PIP) install -q -r requirements-dev.txt
	$(PIP) install -q --no-deps $(RESEMBLYZER)
	touch $(VENV)/.installed $@

# axe-core (browser accessibility checks) comes from npm, pinned by package-lock.json.
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev node_modules/.package-lock.json

run: install
	$(PY) server.py

test: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	node --test tests/js/
	$(PY) -m pytest

# The GPU worker on the real WhisperX, on CPU and offline, in its own environment built from the
# worker's lock file. It is several GB (torch 2.8 with its CUDA libraries), so it lives outside the
# checkout and is reused by every clone on this machine until the lock or the test requirements change
# (the stamp carries their hash). Only `python -m` is used in it, so it survives being moved.
WORKER_VENV ?= $(HOME)/.cache/scribedesk/worker-venv
WORKER_LOCK_HASH := $(shell cat worker/requirements.lock worker/requirements-test.txt | sha256sum | cut -c1-16)
WORKER_STAMP := $(WORKER_VENV)/.installed-$(WORKER_LOCK_HASH)
WORKER_TESTS := tests/integration/test_worker_whisperx.py tests/integration/test_worker_results.py \
	tests/integration/test_worker_handler.py tests/integration/test_worker_app.py

$(WORKER_STAMP):
	test -x $(WORKER_VENV)/bin/python || { $(PYTHON) -m venv $(WORKER_VENV) && $(WORKER_VENV)/bin/python -m pip install -q --upgrade pip; }
	$(WORKER_VENV)/bin/python -m pip install -q -r worker/requirements-test.txt
	rm -f $(WORKER_VENV)/.installed-*
	touch $@

test-worker: $(WORKER_STAMP)
	rm -rf $(WORKER_VENV)/offline-cache
	HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 HF_DATASETS_OFFLINE=1 PYANNOTE_METRICS_ENABLED=false \
	HF_HOME=$(WORKER_VENV)/offline-cache/hf TORCH_HOME=$(WORKER_VENV)/offline-cache/torch \
	NLTK_DATA=$(WORKER_VENV)/offline-cache/nltk \
	$(WORKER_VENV)/bin/python -m pytest -p no:cacheprovider $(WORKER_TESTS) \
	  -W "ignore::UserWarning:pyannote.audio.core.io"

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf $(VENV) $(WORKER_VENV) .pytest_cache .ruff_cache test-output node_modules
