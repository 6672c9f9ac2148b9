# The whole quickstart is `make run` then `make test`; CI runs `make test` (see .ci/run).
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
UV := $(VENV)/bin/uv
FP := $(VENV)/bin/footprints
# Offline-safe Prefect: no telemetry calls home, and a Prefect home inside the project
# so a run never touches ~/.prefect (DEVELOPERS.md: telemetry errors offline).
export DO_NOT_TRACK := 1
export PREFECT_SERVER_ANALYTICS_ENABLED := false
export PREFECT_HOME ?= $(CURDIR)/.prefect
export PREFECT_LOGGING_LEVEL ?= WARNING

.PHONY: install run test lint bench lock clean

$(VENV)/.installed: pyproject.toml requirements.lock
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check uv==0.13.8
	# Bytecode is compiled at install: this machine sets PYTHONDONTWRITEBYTECODE=1.
	$(UV) pip install --python $(PY) --compile-bytecode --quiet -r requirements.lock
	$(UV) pip install --python $(PY) --compile-bytecode --quiet --no-deps -e .
	touch $@

install: $(VENV)/.installed

run: install
	$(FP) run
	@echo
	$(FP) leaderboard --limit 15

test: install
	$(PY) -m pytest -q

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy tasks flows footprints

# Speed and memory against the machine's limit and against dlt (bench/README.md); < 10 min.
bench: install
	$(UV) pip install --python $(PY) --quiet 'dlt[duckdb,parquet]==1.31.0'
	$(PY) -m bench.run

lock:
	$(UV) pip compile --python $(PY) --extra dev --extra dask pyproject.toml -o requirements.lock --quiet

clean:
	rm -rf $(VENV) .prefect warehouse/*.duckdb warehouse/*.duckdb.wal warehouse/exports warehouse/raw
